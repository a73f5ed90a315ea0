//! Shared fixtures for the integration tests: a real kubemem server listening on an ephemeral
//! loopback port, a kubeconfig pointing at it, and the kubectl binaries of the image.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use kubemem_apiserver::{Config, Server, kubeconfig};

/// The kubectl releases the tests run against (installed on the image).
pub const KUBECTLS: &[&str] = &[
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
    "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
];

/// A kubemem server on its own runtime thread, shut down on drop.
pub struct TestCluster {
    server: Option<Server>,
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl TestCluster {
    pub fn start() -> Self {
        Self::start_with(Config {
            bookmark_interval: Duration::from_millis(300),
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
            .block_on(Server::start("127.0.0.1:0".parse().expect("addr"), config))
            .expect("server starts");
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("kubeconfig");
        kubeconfig::write(&kubeconfig, &server.url()).expect("kubeconfig");
        Self {
            server: Some(server),
            runtime,
            dir,
            kubeconfig,
        }
    }

    pub fn url(&self) -> String {
        self.server.as_ref().map(Server::url).unwrap_or_default()
    }

    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A kubectl command aimed at this server, with its cache in the test's directory.
    pub fn kubectl_command(&self, kubectl: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(kubectl);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .env_remove("KUBECONFIG")
            .env("HOME", self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs kubectl and returns its output, whatever its exit status.
    pub fn kubectl(&self, kubectl: &str, args: &[&str]) -> Output {
        self.kubectl_command(kubectl, args)
            .output()
            .expect("kubectl runs")
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
