//! Shared fixtures for the integration tests: a real kubemem server listening on an ephemeral
//! loopback port, a kubeconfig pointing at it, and the kubectl binaries of the image.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use kubemem_apiserver::Config;
use kubemem_apiserver::testing::TestServer;

pub mod linearizability;

/// The kubectl releases the tests run against (installed on the image).
pub const KUBECTLS: &[&str] = &[
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
];

/// How long one kubectl invocation may take before the fixture kills it and fails the test.
pub const KUBECTL_DEADLINE: Duration = Duration::from_secs(30);

/// The release of a kubectl binary from its path: `.../kubectl.1.27` → `1.27`.
pub fn kubectl_release(kubectl: &str) -> &str {
    kubectl.rsplit_once("kubectl.").map_or(kubectl, |(_, v)| v)
}

/// A kubemem server (the in-process [`TestServer`]) on its own runtime, for synchronous tests;
/// shut down on drop.
pub struct TestCluster {
    server: Option<TestServer>,
    runtime: tokio::runtime::Runtime,
    /// The scenario's files: manifests, kubectl's cache and `HOME`.
    dir: tempfile::TempDir,
}

impl TestCluster {
    /// A cluster with the default controllers but the root CA publisher, so that lists of
    /// ConfigMaps hold only what a scenario made; [`TestCluster::start_with`] gives any other.
    pub fn start() -> Self {
        Self::start_with(Config {
            bookmark_interval: Duration::from_millis(300),
            controllers: kubemem_apiserver::controllers::Controllers {
                root_ca_cert_publisher: false,
                ..Default::default()
            },
            ..Config::default()
        })
    }

    pub fn start_with(config: Config) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime
            .block_on(TestServer::start_with(config))
            .expect("server starts");
        Self {
            server: Some(server),
            runtime,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn server(&self) -> &TestServer {
        self.server.as_ref().expect("running until drop")
    }

    pub fn url(&self) -> String {
        self.server().url()
    }

    pub fn kubeconfig(&self) -> &Path {
        self.server().kubeconfig()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A kubectl command aimed at this server, with its cache in the test's directory.
    pub fn kubectl_command(&self, kubectl: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(kubectl);
        cmd.arg("--kubeconfig")
            .arg(self.kubeconfig())
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .env_remove("KUBECONFIG")
            .env("HOME", self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs kubectl and returns its output, whatever its exit status. A kubectl that is still
    /// running after [`KUBECTL_DEADLINE`] is killed and the test fails.
    pub fn kubectl(&self, kubectl: &str, args: &[&str]) -> Output {
        self.kubectl_with_env(kubectl, args, &[])
    }

    /// [`Self::kubectl`] with extra environment variables (`EDITOR` for `kubectl edit`, say).
    pub fn kubectl_with_env(&self, kubectl: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut child = self
            .kubectl_command(kubectl, args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        let stdout = read_to_end_in_background(child.stdout.take().expect("stdout"));
        let stderr = read_to_end_in_background(child.stderr.take().expect("stderr"));
        let status = wait_with_deadline(&mut child, KUBECTL_DEADLINE);
        let stdout = stdout.join().expect("stdout reader");
        let stderr = stderr.join().expect("stderr reader");
        match status {
            Some(status) => Output {
                status,
                stdout,
                stderr,
            },
            None => panic!(
                "{kubectl} {args:?} still running after {KUBECTL_DEADLINE:?}; killed\n\
                 stdout: {}\nstderr: {}",
                String::from_utf8_lossy(&stdout),
                String::from_utf8_lossy(&stderr)
            ),
        }
    }

    /// Starts a long-running kubectl (such as `get -w`) whose stdout is read line by line; the
    /// process is killed and reaped when the returned guard drops.
    pub fn kubectl_background(&self, kubectl: &str, args: &[&str]) -> BackgroundKubectl {
        BackgroundKubectl::spawn(
            self.kubectl_command(kubectl, args),
            format!("{kubectl} {args:?}"),
        )
    }

    /// Runs kubectl, asserts success and returns stdout.
    pub fn kubectl_ok(&self, kubectl: &str, args: &[&str]) -> String {
        let out = self.kubectl(kubectl, args);
        assert!(
            out.status.success(),
            "{kubectl} {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes a manifest into the test directory and returns its path.
    pub fn manifest(&self, name: &str, yaml: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, yaml).expect("manifest");
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(server.shutdown());
        }
    }
}

fn read_to_end_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    })
}

/// Waits for the child until `deadline` has passed; then kills and reaps it and returns `None`.
fn wait_with_deadline(child: &mut Child, deadline: Duration) -> Option<ExitStatus> {
    let end = Instant::now() + deadline;
    loop {
        if let Some(status) = child.try_wait().expect("kubectl wait") {
            return Some(status);
        }
        if Instant::now() >= end {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// A kubectl child process that keeps running (e.g. `kubectl get -w`): its stdout lines arrive
/// on a channel; dropping the guard kills and reaps the process, also when a test panics.
pub struct BackgroundKubectl {
    child: Child,
    description: String,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    stderr: Option<thread::JoinHandle<Vec<u8>>>,
}

impl BackgroundKubectl {
    fn spawn(mut command: Command, description: String) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{description} does not start: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let stderr = read_to_end_in_background(child.stderr.take().expect("stderr"));
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            description,
            lines,
            seen: Vec::new(),
            stderr: Some(stderr),
        }
    }

    /// Every stdout line read so far, in order.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// Reads lines until one equals `expected` and returns the lines read before it; fails the
    /// test (showing every line seen and kubectl's stderr) when none arrives within `timeout`.
    pub fn expect_line(&mut self, expected: &str, timeout: Duration) -> Vec<String> {
        let end = Instant::now() + timeout;
        let mut before = Vec::new();
        loop {
            let line = self.next_line(&format!("{expected:?}"), timeout, end);
            if line == expected {
                return before;
            }
            before.push(line);
        }
    }

    /// Reads lines until one satisfies `matches` and returns it; fails the test like
    /// [`Self::expect_line`]. For lines not known to the byte, such as table rows with an AGE.
    pub fn expect_line_where(
        &mut self,
        what: &str,
        matches: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> String {
        let end = Instant::now() + timeout;
        loop {
            let line = self.next_line(what, timeout, end);
            if matches(&line) {
                return line;
            }
        }
    }

    /// The next stdout line (also recorded in [`Self::seen`]); fails the test when none arrives
    /// before `end`.
    fn next_line(&mut self, what: &str, timeout: Duration, end: Instant) -> String {
        let left = end.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(line) => {
                self.seen.push(line.clone());
                line
            }
            Err(e) => {
                let reason = match e {
                    mpsc::RecvTimeoutError::Timeout => format!("not within {timeout:?}"),
                    mpsc::RecvTimeoutError::Disconnected => "stdout closed".to_owned(),
                };
                let stderr = self.stop();
                panic!(
                    "{}: expected line {what} ({reason})\nlines seen: {:#?}\nstderr: {stderr}",
                    self.description, self.seen
                );
            }
        }
    }

    /// Kills and reaps the process (idempotent) and returns what it wrote to stderr.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

impl Drop for BackgroundKubectl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
