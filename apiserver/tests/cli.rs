//! The `kubemem serve` contract: ephemeral port, readiness, the kubeconfig it writes, the
//! `export KUBECONFIG=` line, loopback only, and a clean shutdown on SIGTERM that ends open
//! watches.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server if a test fails before it stops it.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    response
}

#[test]
fn serve_writes_a_kubeconfig_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kc");
    let child = Command::new(env!("CARGO_BIN_EXE_kubemem"))
        .args(["serve", "--listen", "127.0.0.1:0", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut serve = Serve(child);
    let mut lines = BufReader::new(serve.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("kubemem serving on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let export = lines.next().unwrap().unwrap();
    assert_eq!(
        export,
        format!(
            "export KUBECONFIG={}",
            std::fs::canonicalize(&kubeconfig).unwrap().display()
        )
    );
    let addr = url.strip_prefix("http://").unwrap().to_owned();
    assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"));

    let written = std::fs::read_to_string(&kubeconfig).unwrap();
    assert!(written.contains(&format!("server: {url}\n")));
    assert!(written.contains("current-context: kubemem\n"));

    let ready = http_get(&addr, "/readyz");
    assert!(ready.starts_with("HTTP/1.1 200 OK\r\n"), "{ready}");
    assert!(ready.ends_with("\r\n\r\nok"), "{ready}");

    // An open watch ends when the server stops.
    let mut watch = TcpStream::connect(&addr).unwrap();
    watch
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        watch,
        "GET /api/v1/namespaces?watch=1 HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let mut first_chunk = [0u8; 512];
    let n = watch.read(&mut first_chunk).unwrap();
    assert!(String::from_utf8_lossy(&first_chunk[..n]).starts_with("HTTP/1.1 200 OK\r\n"));

    let pid = serve.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = serve.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    let mut rest = Vec::new();
    watch
        .read_to_end(&mut rest)
        .expect("the watch ends instead of hanging");
    assert!(
        TcpStream::connect(&addr).is_err(),
        "nothing listens after shutdown"
    );
}

#[test]
fn serve_refuses_a_non_loopback_address() {
    let output = Command::new(env!("CARGO_BIN_EXE_kubemem"))
        .args([
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--kubeconfig",
            "/nonexistent/kc",
        ])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0"),
        "stderr: {stderr}"
    );
}

#[test]
fn serve_loads_manifests_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("seed.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\ndata:\n  k: v\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_kubemem"))
        .args(["serve", "--listen", "127.0.0.1:0", "--kubeconfig"])
        .arg(dir.path().join("kc"))
        .arg("--load")
        .arg(&manifest)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut serve = Serve(child);
    let first = BufReader::new(serve.0.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let addr = first
        .strip_prefix("kubemem serving on http://")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let seed = http_get(&addr, "/api/v1/namespaces/default/configmaps/seed");
    assert!(seed.starts_with("HTTP/1.1 200 OK\r\n"), "{seed}");
    assert!(seed.contains(r#""data":{"k":"v"}"#), "{seed}");

    std::fs::write(&manifest, "apiVersion: v1\nkind: Nope\n").unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_kubemem"))
        .args(["serve", "--listen", "127.0.0.1:0", "--kubeconfig"])
        .arg(dir.path().join("kc2"))
        .arg("--load")
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "kubemem: manifest document 1: no resource for \"v1\", Kind=\"Nope\"\n"
    );
}
