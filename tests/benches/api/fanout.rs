//! Scenario 5: 1,000 watchers, each on its own connection, and one writer at a steady rate.
//!
//! The writer runs on its own thread and runtime so that the watchers' work never delays the
//! moment its responses are read. Each write's delay at a watcher is the time the watcher read
//! the chunk holding the event minus the time the writer read the write's response; an event
//! can arrive before its response (the watch is fed at apply time), which counts as 0.
//!
//! After each rate the same fan-out runs with no server at all ([`floor`]): what this machine's
//! loopback TCP and this load generator allow, for comparison with the target.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode, Uri};

use crate::client::{Conn, first_resource_version, ms, quantile};
use crate::server::CpuMeter;
use crate::throughput::{check_alive, spawn};
use crate::{Bench, Report, configmap_body};

/// Watchers, unless `KUBEMEM_BENCH_WATCHERS` says otherwise.
const WATCHERS: usize = 1_000;
/// Writes per second, each for `SECONDS`, unless `KUBEMEM_BENCH_WATCH_RATES` (comma-separated)
/// says otherwise: the issue's 200/s first, then lower rates to show where the delay target
/// holds on this machine.
const RATES: &[u64] = &[200, 100, 50, 20];
const SECONDS: u64 = 10;
const BODY: usize = 200;
/// Time allowed to open all watches, and for the writes.
const SETUP_CAP: Duration = Duration::from_secs(30);
const WRITE_CAP: Duration = Duration::from_secs(2 * SECONDS);
/// After the last write, time allowed for every event to reach every watcher.
const DRAIN_CAP: Duration = Duration::from_secs(15);
const TARGET_P99_MS: f64 = 10.0;
const COLLECTION: &str = "/api/v1/namespaces/default/configmaps";
/// The floor's line: about one watch event of the bench's ConfigMaps with its chunk framing.
const FLOOR_LINE: usize = 600;

/// What one watcher saw.
#[derive(Default)]
struct Seen {
    /// (resourceVersion, when the chunk holding it was read), in arrival order.
    events: Vec<(i64, Instant)>,
    /// ERROR events, unparsable lines, an early end of the stream.
    problems: Vec<String>,
}

pub fn run(bench: &Bench, report: &mut Report) {
    let watchers = std::env::var("KUBEMEM_BENCH_WATCHERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(WATCHERS);
    let rates: Vec<u64> = match std::env::var("KUBEMEM_BENCH_WATCH_RATES") {
        Ok(r) => r.split(',').filter_map(|r| r.trim().parse().ok()).collect(),
        Err(_) => RATES.to_vec(),
    };
    for rate in rates.into_iter().filter(|r| *r > 0) {
        println!("  --- {watchers} watchers, {rate} writes/s for {SECONDS} s");
        run_at(bench, report, watchers, rate);
        match floor(bench, watchers, rate) {
            Ok(delays) => {
                println!(
                    "  floor, bare TCP at {rate}/s: {} deliveries; delay p50 {} p99 {} max {}",
                    delays.len(),
                    ms(quantile(&delays, 0.5)),
                    ms(quantile(&delays, 0.99)),
                    ms(quantile(&delays, 1.0)),
                );
                report.info(
                    "watch",
                    &format!("  floor: bare TCP fan-out p99 at {rate}/s"),
                    ms(quantile(&delays, 0.99)),
                );
            }
            Err(e) => report.fail("watch", format!("floor at {rate}/s: {e}")),
        }
    }
}

fn run_at(bench: &Bench, report: &mut Report, watchers: usize, rate: u64) {
    let Some(mut process) = spawn(bench, report, "watch") else {
        return;
    };
    let addr = process.addr;
    let outcome = bench.rt.block_on(async {
        let mut conn = Conn::open(addr).await?;
        let (status, body) = conn.get(&format!("{COLLECTION}?limit=1")).await?;
        let list: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let start_rv = list["metadata"]["resourceVersion"]
            .as_str()
            .ok_or(format!("list: {status} without a resourceVersion"))?
            .to_owned();

        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let opened = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(AtomicUsize::new(0));
        let path = format!("{COLLECTION}?watch=1&resourceVersion={start_rv}");
        let mut tasks = Vec::with_capacity(watchers);
        for _ in 0..watchers {
            tasks.push(tokio::spawn(watch(
                addr,
                path.clone(),
                opened.clone(),
                received.clone(),
                stop_rx.clone(),
            )));
        }
        let setup = Instant::now();
        while opened.load(Ordering::Relaxed) < watchers && setup.elapsed() < SETUP_CAP {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let open = opened.load(Ordering::Relaxed);
        println!(
            "  {open} watches open in {:.2} s, from resourceVersion {start_rv}",
            setup.elapsed().as_secs_f64()
        );

        let cpu = CpuMeter::start(Some(&process));
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let _ = tx.send(write(addr, rate));
        });
        let writes = rx.await.map_err(|_| "the writer thread died".to_owned())?;
        let acknowledged = writes.done.len();
        let expected = acknowledged * open;
        let drain = Instant::now();
        while received.load(Ordering::Relaxed) < expected && drain.elapsed() < DRAIN_CAP {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cpu = cpu.stop(received.load(Ordering::Relaxed));
        let drained = drain.elapsed();
        let _ = stop_tx.send(true);
        let mut seen = Vec::with_capacity(watchers);
        for w in tasks {
            seen.push(w.await.map_err(|e| e.to_string())?);
        }
        Ok::<_, String>((writes, seen, open, drained, cpu))
    });
    let (writes, seen, open, drained, cpu) = match outcome {
        Ok(o) => o,
        Err(e) => {
            report.fail("watch", e);
            return;
        }
    };
    println!(
        "  writer: {} writes acknowledged, {} errors in {:.2} s ({:.0}/s{}); write latency p50 {} p99 {}",
        writes.done.len(),
        writes.errors,
        writes.elapsed.as_secs_f64(),
        writes.done.len() as f64 / writes.elapsed.as_secs_f64(),
        if writes.capped {
            ", stopped at the time cap: the writes could not keep the rate"
        } else {
            ""
        },
        ms(quantile(&writes.latencies, 0.5)),
        ms(quantile(&writes.latencies, 0.99)),
    );
    println!(
        "  cpu during writes and drain: {cpu}; drain after the last write {:.3} s",
        drained.as_secs_f64()
    );
    if writes.errors > 0 {
        report.fail(
            "watch",
            format!(
                "{} writes failed; first: {}",
                writes.errors,
                writes.first_error.as_deref().unwrap_or_default()
            ),
        );
    }
    if open < watchers {
        report.fail("watch", format!("only {open} of {watchers} watches opened"));
    }
    analyse(report, rate, &writes, &seen);
    report.cpu("watch", &cpu);
    check_alive(&mut process, report, "watch");
}

/// Opens one watch, counts it open once the response head is in, then reads until `stop`.
async fn watch(
    addr: SocketAddr,
    path: String,
    opened: Arc<AtomicUsize>,
    received: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Seen {
    let mut seen = Seen::default();
    let response = async {
        let mut conn = Conn::open(addr).await?;
        let uri: Uri = path.parse().map_err(|e| format!("{e}"))?;
        let req = conn.request(Method::GET, uri, Bytes::new());
        let resp = conn.send(req).await?;
        if resp.status() != StatusCode::OK {
            return Err(format!("watch answered {}", resp.status()));
        }
        Ok::<_, String>((conn, resp))
    };
    let (mut conn, resp) = match response.await {
        Ok(r) => r,
        Err(e) => {
            seen.problems.push(e);
            return seen;
        }
    };
    opened.fetch_add(1, Ordering::Relaxed);
    let mut body = resp.into_body();
    let mut partial: Vec<u8> = Vec::new();
    loop {
        let frame = tokio::select! {
            frame = conn.frame(&mut body) => frame,
            _ = stop.wait_for(|s| *s) => break,
        };
        let at = Instant::now();
        let data = match frame {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
            Some(Err(e)) => {
                seen.problems.push(format!("stream error: {e}"));
                break;
            }
            None => {
                seen.problems.push("the stream ended".to_owned());
                break;
            }
        };
        partial.extend_from_slice(&data);
        let mut consumed = 0;
        while let Some(nl) = partial[consumed..].iter().position(|b| *b == b'\n') {
            let line = &partial[consumed..consumed + nl];
            consumed += nl + 1;
            if line.starts_with(br#"{"type":"ERROR""#) {
                seen.problems
                    .push(String::from_utf8_lossy(line).into_owned());
            } else if let Some(rv) = first_resource_version(line) {
                seen.events.push((rv, at));
                received.fetch_add(1, Ordering::Relaxed);
            } else {
                seen.problems.push(format!(
                    "unreadable event: {}",
                    String::from_utf8_lossy(line)
                ));
            }
        }
        partial.drain(..consumed);
    }
    seen
}

/// What the writer did: for each acknowledged write, its resourceVersion and when its
/// response had been read.
struct Writes {
    done: Vec<(i64, Instant)>,
    latencies: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    /// The writer could not keep up and stopped at `WRITE_CAP` (the rate was not reached).
    capped: bool,
}

/// Creates `rate * SECONDS / 2` ConfigMaps, then replaces each once, at `rate` per second.
fn write(addr: SocketAddr, rate: u64) -> Writes {
    let total = (rate * SECONDS) as usize;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("writer runtime");
    let half = total / 2;
    let requests: Vec<(Method, Uri, Bytes)> = (0..total)
        .map(|i| {
            let name = format!("watch-{:07}", i % half);
            if i < half {
                (
                    Method::POST,
                    COLLECTION.parse().expect("uri"),
                    configmap_body(&name, BODY),
                )
            } else {
                let uri = format!("{COLLECTION}/{name}").parse().expect("uri");
                (Method::PUT, uri, configmap_body(&name, BODY + 1))
            }
        })
        .collect();
    rt.block_on(async move {
        let mut w = Writes {
            done: Vec::with_capacity(total),
            latencies: Vec::with_capacity(total),
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
            capped: false,
        };
        let mut conn = match Conn::open(addr).await {
            Ok(c) => c,
            Err(e) => {
                w.errors = total;
                w.first_error = Some(e);
                return w;
            }
        };
        let mut tick = tokio::time::interval(Duration::from_nanos(1_000_000_000 / rate));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let start = Instant::now();
        for (method, uri, body) in requests {
            tick.tick().await;
            if start.elapsed() > WRITE_CAP {
                w.capped = true;
                break;
            }
            let expect = if method == Method::POST {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let req = conn.request(method, uri, body);
            let t0 = Instant::now();
            match conn.call(req).await {
                Ok((status, body)) if status == expect => {
                    let at = Instant::now();
                    match first_resource_version(&body) {
                        Some(rv) => {
                            w.done.push((rv, at));
                            w.latencies.push((at - t0).as_nanos() as u64);
                        }
                        None => {
                            w.errors += 1;
                            w.first_error.get_or_insert_with(|| {
                                "response without resourceVersion".to_owned()
                            });
                        }
                    }
                }
                Ok((status, body)) => {
                    w.errors += 1;
                    w.first_error.get_or_insert_with(|| {
                        format!("{status}: {}", String::from_utf8_lossy(&body))
                    });
                }
                Err(e) => {
                    w.errors += 1;
                    w.first_error.get_or_insert(e);
                }
            }
        }
        w.elapsed = start.elapsed();
        w.latencies.sort_unstable();
        w
    })
}

/// Completeness and order at every watcher, then the delay distribution.
fn analyse(report: &mut Report, rate: u64, writes: &Writes, seen: &[Seen]) {
    let written: HashMap<i64, Instant> = writes.done.iter().copied().collect();
    let order: Vec<i64> = writes.done.iter().map(|(rv, _)| *rv).collect();
    let mut delays = Vec::with_capacity(order.len() * seen.len());
    let mut early = 0usize;
    let (mut incomplete, mut missing, mut duplicated, mut unexpected, mut out_of_order) =
        (0, 0, 0, 0, 0);
    let mut problems = Vec::new();
    // Per write: first and last arrival over the watchers, for the fan-out spread.
    let mut first_last: HashMap<i64, (Instant, Instant)> = HashMap::with_capacity(order.len());
    for (i, watcher) in seen.iter().enumerate() {
        problems.extend(watcher.problems.iter().map(|p| format!("watcher {i}: {p}")));
        let rvs: Vec<i64> = watcher.events.iter().map(|(rv, _)| *rv).collect();
        if rvs != order {
            incomplete += 1;
            let got: HashSet<i64> = rvs.iter().copied().collect();
            missing += order.iter().filter(|rv| !got.contains(rv)).count();
            duplicated += rvs.len() - got.len();
            unexpected += got.iter().filter(|rv| !written.contains_key(rv)).count();
            out_of_order += rvs.windows(2).filter(|w| w[0] >= w[1]).count();
        }
        for (rv, at) in &watcher.events {
            let Some(wrote) = written.get(rv) else {
                continue;
            };
            match at.checked_duration_since(*wrote) {
                Some(d) => delays.push(d.as_nanos() as u64),
                None => {
                    early += 1;
                    delays.push(0);
                }
            }
            let entry = first_last.entry(*rv).or_insert((*at, *at));
            entry.0 = entry.0.min(*at);
            entry.1 = entry.1.max(*at);
        }
    }
    delays.sort_unstable();
    let mut spread: Vec<u64> = first_last
        .values()
        .map(|(f, l)| (*l - *f).as_nanos() as u64)
        .collect();
    spread.sort_unstable();
    let mut first: Vec<u64> = first_last
        .iter()
        .map(|(rv, (f, _))| {
            written
                .get(rv)
                .and_then(|w| f.checked_duration_since(*w))
                .map_or(0, |d| d.as_nanos() as u64)
        })
        .collect();
    first.sort_unstable();
    println!(
        "  {} deliveries of {} writes to {} watchers ({} before the write's response); delay p50 {} p99 {} p99.9 {} max {}",
        delays.len(),
        order.len(),
        seen.len(),
        early,
        ms(quantile(&delays, 0.5)),
        ms(quantile(&delays, 0.99)),
        ms(quantile(&delays, 0.999)),
        ms(quantile(&delays, 1.0)),
    );
    println!(
        "  per write: delay to the first watcher p50 {} p99 {}; spread (last watcher − first) p50 {} p99 {} max {}",
        ms(quantile(&first, 0.5)),
        ms(quantile(&first, 0.99)),
        ms(quantile(&spread, 0.5)),
        ms(quantile(&spread, 0.99)),
        ms(quantile(&spread, 1.0)),
    );
    if incomplete > 0 {
        report.fail(
            "watch",
            format!(
                "{incomplete} of {} watchers did not see exactly the {} writes in order: {missing} missing, {duplicated} duplicated, {unexpected} unexpected, {out_of_order} out of order",
                seen.len(),
                order.len()
            ),
        );
    }
    for p in problems.iter().take(5) {
        report.fail("watch", p.clone());
    }
    if problems.len() > 5 {
        report.fail(
            "watch",
            format!("… and {} more watcher problems", problems.len() - 5),
        );
    }
    let label = format!(
        "delivery delay p99 ({} writes x {} watchers, {rate}/s)",
        order.len(),
        seen.len()
    );
    report.at_most(
        "watch",
        &label,
        quantile(&delays, 0.99) as f64 / 1e6,
        TARGET_P99_MS,
        |v| format!("{v:.2} ms"),
    );
    report.info(
        "watch",
        &format!("  p50 at {rate}/s"),
        ms(quantile(&delays, 0.5)),
    );
    report.info(
        "watch",
        &format!("  max at {rate}/s"),
        ms(quantile(&delays, 1.0)),
    );
    report.info(
        "watch",
        &format!("  events received / expected at {rate}/s"),
        format!("{} / {}", delays.len(), order.len() * seen.len()),
    );
}

/// The machine's own floor for the same fan-out, with no server and no HTTP: as many threads as
/// the server's runtime has workers (one per core) write a line of an event's size to each of
/// `watchers` loopback TCP connections with blocking writes, `rate` times a second, and this
/// process's runtime reads them the way the watchers read events. Each delay runs from the
/// moment a round's writes begin to the read that holds its line. What kubemem measures above
/// this is its own; a target below it is out of this machine's reach.
fn floor(bench: &Bench, watchers: usize, rate: u64) -> Result<Vec<u64>, String> {
    use tokio::io::AsyncReadExt;

    let rounds = (rate * SECONDS) as usize;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let accepting = std::thread::spawn(move || {
        (0..watchers)
            .map(|_| {
                let (stream, _) = listener.accept()?;
                stream.set_nodelay(true)?;
                Ok(stream)
            })
            .collect::<std::io::Result<Vec<_>>>()
    });
    let cap = WRITE_CAP + DRAIN_CAP;
    bench.rt.block_on(async {
        let mut readers = Vec::with_capacity(watchers);
        for _ in 0..watchers {
            let stream = tokio::net::TcpStream::connect(addr)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            readers.push(stream);
        }
        let accepted = accepting
            .join()
            .map_err(|_| "the accepting thread panicked".to_owned())?
            .map_err(|e| format!("accept: {e}"))?;
        let reads: Vec<_> = readers
            .into_iter()
            .map(|mut stream| {
                tokio::spawn(async move {
                    // (round, when the read holding its line returned)
                    let mut seen = Vec::with_capacity(rounds);
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut filled = 0;
                    while seen.len() < rounds {
                        let n = stream.read(&mut buf[filled..]).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        let at = Instant::now();
                        filled += n;
                        let mut start = 0;
                        while let Some(nl) = buf[start..filled].iter().position(|b| *b == b'\n') {
                            let round = buf[start..start + nl]
                                .get(..8)
                                .and_then(|r| std::str::from_utf8(r).ok())
                                .and_then(|r| r.trim().parse::<usize>().ok());
                            seen.extend(round.map(|r| (r, at)));
                            start += nl + 1;
                        }
                        buf.copy_within(start..filled, 0);
                        filled -= start;
                    }
                    seen
                })
            })
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let starts = std::thread::spawn(move || write_rounds(accepted, threads, rounds, rate));
        let mut delays = Vec::with_capacity(rounds * watchers);
        let mut arrivals = Vec::with_capacity(watchers);
        for read in reads {
            let seen = tokio::time::timeout(cap, read)
                .await
                .map_err(|_| "the floor's readers did not finish in time".to_owned())?
                .map_err(|e| e.to_string())?;
            if seen.len() != rounds {
                return Err(format!("a reader got {} of {rounds} lines", seen.len()));
            }
            arrivals.push(seen);
        }
        let starts = starts
            .join()
            .map_err(|_| "a writing thread panicked".to_owned())??;
        for (round, at) in arrivals.into_iter().flatten() {
            let began = starts.get(round).ok_or("a line of no round")?;
            delays.push(at.saturating_duration_since(*began).as_nanos() as u64);
        }
        delays.sort_unstable();
        Ok(delays)
    })
}

/// Writes `rounds` lines to every stream, `rate` rounds a second, the streams split over
/// `threads` threads that start each round together; returns when each round began.
fn write_rounds(
    streams: Vec<std::net::TcpStream>,
    threads: usize,
    rounds: usize,
    rate: u64,
) -> Result<Vec<Instant>, String> {
    use std::io::Write;
    use std::sync::Barrier;

    let mut groups: Vec<Vec<_>> = (0..threads.clamp(1, streams.len().max(1)))
        .map(|_| Vec::new())
        .collect();
    let count = groups.len();
    for (i, stream) in streams.into_iter().enumerate() {
        groups[i % count].push(stream);
    }
    // Each round: every writer waits at `go`, writes, then waits at `done`.
    let go = Arc::new(Barrier::new(groups.len() + 1));
    let done = Arc::new(Barrier::new(groups.len() + 1));
    let writers: Vec<_> = groups
        .into_iter()
        .map(|mut group| {
            let (go, done) = (go.clone(), done.clone());
            std::thread::spawn(move || {
                let mut failed = None;
                for round in 0..rounds {
                    let mut line = format!("{round:<8}").into_bytes();
                    line.resize(FLOOR_LINE - 1, b'x');
                    line.push(b'\n');
                    go.wait();
                    if failed.is_none() {
                        failed = group.iter_mut().find_map(|s| s.write_all(&line).err());
                    }
                    done.wait();
                }
                failed.map_or(Ok(()), |e| Err(format!("write: {e}")))
            })
        })
        .collect();
    let period = Duration::from_nanos(1_000_000_000 / rate);
    let mut starts = Vec::with_capacity(rounds);
    let first = Instant::now() + period;
    for round in 0..rounds {
        let at = first + period * round as u32;
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        starts.push(Instant::now());
        go.wait();
        done.wait();
    }
    for writer in writers {
        writer
            .join()
            .map_err(|_| "a writing thread panicked".to_owned())??;
    }
    Ok(starts)
}
