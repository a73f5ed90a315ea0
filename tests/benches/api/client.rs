//! The load generator's HTTP side: one hyper HTTP/1.1 keep-alive connection per task (driven by
//! that task), requests built from pre-built `Bytes` bodies, latencies kept as raw nanoseconds
//! and sorted at the end.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One keep-alive connection to the server. Its hyper connection future is polled by the task
/// that uses it (no separate connection task, so no cross-task wake-up per response).
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    conn: Pin<Box<Connection<TokioIo<TcpStream>, Full<Bytes>>>>,
    host: HeaderValue,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn, String> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        let host = HeaderValue::from_str(&addr.to_string()).map_err(|e| e.to_string())?;
        Ok(Conn {
            sender,
            conn: Box::pin(conn),
            host,
        })
    }

    /// A request on this connection; `body` empty means no body and no content type.
    pub fn request(&self, method: Method, uri: Uri, body: Bytes) -> Request<Full<Bytes>> {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, self.host.clone())
            .header(header::ACCEPT, "application/json");
        if !body.is_empty() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        builder.body(Full::new(body)).expect("valid request")
    }

    /// Sends and returns the response head with its still-unread body (read it with
    /// [`Conn::frame`]).
    pub async fn send(
        &mut self,
        req: Request<Full<Bytes>>,
    ) -> Result<hyper::Response<Incoming>, String> {
        let Conn { sender, conn, .. } = self;
        let work = async {
            sender
                .ready()
                .await
                .map_err(|e| format!("connection: {e}"))?;
            sender
                .send_request(req)
                .await
                .map_err(|e| format!("request: {e}"))
        };
        drive(conn.as_mut(), work).await
    }

    /// The next frame of a response body on this connection.
    pub async fn frame(
        &mut self,
        body: &mut Incoming,
    ) -> Option<Result<hyper::body::Frame<Bytes>, String>> {
        let work = async {
            match body.frame().await {
                Some(Ok(frame)) => Ok(Some(frame)),
                Some(Err(e)) => Err(format!("body: {e}")),
                None => Ok(None),
            }
        };
        drive(self.conn.as_mut(), work).await.transpose()
    }

    /// Sends and reads the whole body.
    pub async fn call(&mut self, req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), String> {
        let Conn { sender, conn, .. } = self;
        let work = async {
            sender
                .ready()
                .await
                .map_err(|e| format!("connection: {e}"))?;
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| format!("request: {e}"))?;
            let status = resp.status();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e}"))?
                .to_bytes();
            Ok((status, body))
        };
        drive(conn.as_mut(), work).await
    }

    pub async fn get(&mut self, path: &str) -> Result<(StatusCode, Bytes), String> {
        let uri: Uri = path.parse().map_err(|e| format!("{path}: {e}"))?;
        let req = self.request(Method::GET, uri, Bytes::new());
        self.call(req).await
    }
}

/// Runs `work` while polling the connection that carries it; a connection that ends first is
/// an error.
async fn drive<T>(
    conn: Pin<&mut Connection<TokioIo<TcpStream>, Full<Bytes>>>,
    work: impl Future<Output = Result<T, String>>,
) -> Result<T, String> {
    tokio::select! {
        biased;
        done = work => done,
        end = conn => Err(match end {
            Ok(()) => "the connection closed".to_owned(),
            Err(e) => format!("connection: {e}"),
        }),
    }
}

/// What one request of a closed-loop run is: method, path and pre-built body.
pub type MakeRequest = dyn Fn(usize) -> (Method, Uri, Bytes) + Send + Sync;

/// The outcome of a closed-loop run.
pub struct Load {
    /// Requests answered with the expected status.
    pub ok: usize,
    /// Requests that failed (transport error or another status).
    pub errors: usize,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// Sorted latencies of the successful requests, in nanoseconds.
    pub latencies: Vec<u64>,
    /// Sum of the successful responses' body lengths.
    pub body_bytes: u64,
    /// The run stopped at its time cap before `total` requests.
    pub capped: bool,
}

impl Load {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
}

/// Sends `total` requests over `conns` connections, each connection sending its next request
/// as soon as the previous response body is read; stops early at `cap`.
pub async fn closed_loop(
    addr: SocketAddr,
    conns: usize,
    total: usize,
    cap: Duration,
    expect: StatusCode,
    make: Arc<MakeRequest>,
) -> Load {
    let mut opened = Vec::with_capacity(conns);
    for _ in 0..conns {
        opened.push(Conn::open(addr).await.expect("connection opens"));
    }
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + cap;
    let tasks: Vec<_> = opened
        .into_iter()
        .map(|mut conn| {
            let next = next.clone();
            let make = make.clone();
            tokio::spawn(async move {
                let mut part = Part::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    if Instant::now() >= deadline {
                        part.capped = true;
                        break;
                    }
                    let (method, uri, body) = make(i);
                    let req = conn.request(method, uri, body);
                    let t0 = Instant::now();
                    match conn.call(req).await {
                        Ok((status, body)) if status == expect => {
                            part.latencies.push(t0.elapsed().as_nanos() as u64);
                            part.body_bytes += body.len() as u64;
                        }
                        Ok((status, body)) => {
                            part.error(format!("{status}: {}", String::from_utf8_lossy(&body)));
                        }
                        Err(e) => {
                            part.error(e);
                            // The connection may be gone; try a fresh one.
                            match Conn::open(addr).await {
                                Ok(c) => conn = c,
                                Err(_) => break,
                            }
                        }
                    }
                }
                part
            })
        })
        .collect();
    let mut load = Load {
        ok: 0,
        errors: 0,
        first_error: None,
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(total),
        body_bytes: 0,
        capped: false,
    };
    for task in tasks {
        let part = task.await.expect("load task");
        load.ok += part.latencies.len();
        load.latencies.extend_from_slice(&part.latencies);
        load.errors += part.errors;
        load.body_bytes += part.body_bytes;
        load.capped |= part.capped;
        if load.first_error.is_none() {
            load.first_error = part.first_error;
        }
    }
    load.elapsed = start.elapsed();
    load.latencies.sort_unstable();
    load
}

#[derive(Default)]
struct Part {
    latencies: Vec<u64>,
    body_bytes: u64,
    errors: usize,
    first_error: Option<String>,
    capped: bool,
}

impl Part {
    fn error(&mut self, e: String) {
        self.errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(e);
        }
    }
}

/// The `q` quantile (0..=1) of sorted values, nearest rank.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64) * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Nanoseconds as milliseconds with three decimals.
pub fn ms(nanos: u64) -> String {
    format!("{:.3} ms", nanos as f64 / 1e6)
}

/// The decimal `"resourceVersion":"N"` that comes first in a JSON object (the object's own when
/// it is a single object or a watch event), without parsing the JSON.
pub fn first_resource_version(json: &[u8]) -> Option<i64> {
    const KEY: &[u8] = b"\"resourceVersion\":\"";
    let at = json.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let digits = &json[at..];
    let end = digits.iter().position(|b| *b == b'"')?;
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}
