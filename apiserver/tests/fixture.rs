//! The in-process test fixture (`kubemem_apiserver::testing::TestServer`): isolated servers on
//! ephemeral loopback ports, objects loaded from manifests at start, nothing left after drop.

use std::net::SocketAddr;
use std::time::Duration;

use kubemem_apiserver::Config;
use kubemem_apiserver::controllers::Controllers;
use kubemem_apiserver::testing::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request on a fresh connection: the status code and the raw response.
async fn request(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: kubemem\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("reads");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, response)
}

fn bare() -> Config {
    Config {
        controllers: Controllers::none(),
        ..Config::default()
    }
}

const SEED: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: seed
  namespace: team
data:
  k: v
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifests_are_loaded_at_start() {
    let server = TestServer::start_with(Config {
        manifests: vec![SEED.to_owned()],
        ..bare()
    })
    .await
    .expect("starts");
    let (status, body) = request(
        server.addr(),
        "GET",
        "/api/v1/namespaces/team/configmaps/seed",
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""data":{"k":"v"}"#), "{body}");
    let (status, body) = request(
        server.addr(),
        "GET",
        "/apis/apps/v1/namespaces/default/deployments/web",
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Created as a POST would be: defaulted.
    assert!(body.contains(r#""revisionHistoryLimit":10"#), "{body}");
    let text = std::fs::read_to_string(server.kubeconfig()).expect("a kubeconfig");
    assert!(text.contains(&server.url()), "{text}");
    server.shutdown().await.expect("shuts down");
}

#[tokio::test]
async fn a_bad_manifest_fails_the_start_with_kubes_error() {
    let unknown = TestServer::start_with(Config {
        manifests: vec!["apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n".into()],
        ..bare()
    })
    .await;
    assert_eq!(
        unknown.err().map(|e| e.to_string()).as_deref(),
        Some("manifest document 1: no resource for \"example.com/v1\", Kind=\"Widget\"")
    );
    let scalar = TestServer::start_with(Config {
        manifests: vec!["---\n42\n".into()],
        ..bare()
    })
    .await;
    assert_eq!(
        scalar.err().map(|e| e.to_string()).as_deref(),
        Some("manifest document 1: not an object")
    );
    let invalid = TestServer::start_with(Config {
        manifests: vec!["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n".into()],
        ..bare()
    })
    .await;
    let message = invalid.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value"),
        "{message}"
    );
}

/// A hundred servers at once, each with its own keyspace and port; once dropped, their ports
/// close and every task they started has ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_isolated_servers_leave_nothing_behind() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    let servers = futures_util::future::join_all((0..100).map(|_| TestServer::start()))
        .await
        .into_iter()
        .collect::<std::io::Result<Vec<_>>>()
        .expect("all start");
    let mut ports: Vec<u16> = servers.iter().map(|s| s.addr().port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 100);

    let first = servers[0].addr();
    let (status, body) = request(
        first,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"only-here"}}"#,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for server in &servers[1..] {
        let (status, _) = request(
            server.addr(),
            "GET",
            "/api/v1/namespaces/default/configmaps/only-here",
            "",
        )
        .await;
        assert_eq!(status, 404);
    }

    let addrs: Vec<SocketAddr> = servers.iter().map(TestServer::addr).collect();
    drop(servers);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while metrics.num_alive_tasks() > baseline && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(metrics.num_alive_tasks(), baseline, "tasks left after drop");
    for addr in addrs {
        assert!(
            tokio::net::TcpStream::connect(addr).await.is_err(),
            "{addr} still accepts"
        );
    }
}

/// Reads a watch response until the server ends it; returns everything read.
async fn watch_until_end(addr: SocketAddr, path: &str, armed: impl std::future::Future) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let head = format!("GET {path} HTTP/1.1\r\nHost: kubemem\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("writes");
    let mut first = [0u8; 1024];
    let n = stream.read(&mut first).await.expect("the headers");
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200 OK"));
    armed.await;
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest))
        .await
        .expect("the watch ends")
        .expect("reads");
    String::from_utf8_lossy(&rest).into_owned()
}

/// Faults for a controller's retry and re-list paths: conflicts on the next writes, latency,
/// and watches that expire with a 410 or drop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_make_writes_conflict_verbs_slow_and_watches_end() {
    let server = TestServer::start_with(bare()).await.expect("starts");
    let addr = server.addr();
    let create = |name: &'static str| {
        let body = format!(r#"{{"metadata":{{"name":"{name}"}}}}"#);
        async move { request(addr, "POST", "/api/v1/namespaces/default/configmaps", &body).await }
    };
    server.faults().conflict_next_writes("", "configmaps", 1);
    let (status, body) = create("a").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains(r#""reason":"Conflict""#), "{body}");
    assert!(
        body.contains("the object has been modified; please apply your changes to the latest version and try again"),
        "{body}"
    );
    assert_eq!(create("a").await.0, 201, "only the next write conflicts");

    server
        .faults()
        .set_latency("list", Duration::from_millis(300));
    let started = std::time::Instant::now();
    assert_eq!(
        request(addr, "GET", "/api/v1/namespaces/default/configmaps", "")
            .await
            .0,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    server.faults().set_latency("list", Duration::ZERO);

    let path = "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1";
    let faults = server.faults();
    let expired = watch_until_end(addr, path, async {
        faults.watches(kubemem_apiserver::faults::WatchFault::Expire);
    })
    .await;
    assert!(
        expired.contains(r#"{"type":"ERROR","object":{"kind":"Status""#),
        "{expired}"
    );
    assert!(expired.contains(r#""reason":"Expired""#) && expired.contains(r#""code":410"#));
    let dropped = watch_until_end(addr, path, async {
        faults.watches(kubemem_apiserver::faults::WatchFault::Drop);
    })
    .await;
    assert!(!dropped.contains("ERROR"), "{dropped}");
    server.shutdown().await.expect("shuts down");
}

/// With `fault_injection`, the same faults are armed over HTTP; without it there is no such
/// endpoint.
#[tokio::test]
async fn the_fault_endpoint_is_served_only_when_asked_for() {
    let plain = TestServer::start_with(bare()).await.expect("starts");
    let (status, _) = request(
        plain.addr(),
        "POST",
        "/kubemem/faults/conflicts?resource=configmaps&count=1",
        "",
    )
    .await;
    assert_eq!(status, 404);

    let server = TestServer::start_with(Config {
        fault_injection: true,
        ..bare()
    })
    .await
    .expect("starts");
    let (status, body) = request(
        server.addr(),
        "POST",
        "/kubemem/faults/conflicts?resource=configmaps&count=1",
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = request(
        server.addr(),
        "POST",
        "/api/v1/namespaces/default/configmaps",
        r#"{"metadata":{"name":"a"}}"#,
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = request(
        server.addr(),
        "POST",
        "/kubemem/faults/watches?action=explode",
        "",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains(r#"action: \"explode\" is not expire or drop"#),
        "{body}"
    );
}
