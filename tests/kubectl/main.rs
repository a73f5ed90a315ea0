//! kubectl against a real kubemem server: every test runs its scenario once per kubectl release in
//! [`KUBECTLS`], each against a fresh [`TestCluster`], and compares kubectl's output with what it
//! prints against kube-apiserver.
//!
//! Known gaps of the server are left out on purpose: PATCH (`label`, `annotate`, `apply`, `scale`,
//! `edit`), server-side Table columns (`get` prints NAME and AGE only, so tests read `-o name`,
//! `-o json`, `-o jsonpath`, `-o yaml`), and imperative `create configmap|namespace|secret`
//! (protobuf bodies); manifests go through `create -f` / `replace -f` as YAML.

mod create;
mod delete;
mod discovery;
mod get;
mod replace;
mod selectors;
mod watch;

use std::process::Output;
use std::time::Duration;

use kubemem_tests::{BackgroundKubectl, KUBECTLS, TestCluster, kubectl_release};
use serde_json::Value;

/// How long a watching kubectl may take to print an expected line.
const WATCH_TIMEOUT: Duration = Duration::from_secs(10);

/// One kubectl release aimed at its own fresh cluster.
struct Kubectl {
    bin: &'static str,
    cluster: TestCluster,
}

/// Runs `scenario` once per kubectl release, each against a fresh cluster.
fn each_kubectl(scenario: impl Fn(&Kubectl)) {
    for &bin in KUBECTLS {
        let k = Kubectl {
            bin,
            cluster: TestCluster::start(),
        };
        scenario(&k);
    }
}

impl Kubectl {
    /// `1.27`, `1.33`, …
    fn release(&self) -> &str {
        kubectl_release(self.bin)
    }

    /// Narrates a step: `=== kubectl 1.27: <what>`.
    fn say(&self, what: &str) {
        println!("=== kubectl {}: {what}", self.release());
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cluster.kubectl(self.bin, args)
    }

    /// Runs kubectl, asserts exit code 0 and an empty stderr, and returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert!(
            out.status.success() && stderr.is_empty(),
            "kubectl {} {args:?}: {}\nstdout: {stdout}\nstderr: {stderr}",
            self.release(),
            out.status
        );
        stdout
    }

    /// Runs kubectl, asserts exit code 1 and an empty stdout, and returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = texts(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "kubectl {} {args:?} should fail with exit code 1\nstdout: {stdout}\nstderr: {stderr}",
            self.release()
        );
        assert_eq!(stdout, "", "kubectl {} {args:?}: stdout", self.release());
        stderr
    }

    /// Runs a kubectl that prints JSON (`-o json` is up to the caller) and parses it.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("kubectl {args:?} printed no JSON ({e}):\n{out}"))
    }

    /// Writes `yaml` as manifest `name` and returns its path.
    fn manifest(&self, name: &str, yaml: &str) -> String {
        self.cluster.manifest(name, yaml)
    }

    /// `kubectl create -f` of `yaml` (written as manifest `name`); returns stdout.
    fn create(&self, name: &str, yaml: &str) -> String {
        let path = self.manifest(name, yaml);
        self.ok(&["create", "-f", &path])
    }

    /// `kubectl replace -f` of `yaml` (a PUT; written as manifest `name`); returns stdout.
    fn replace(&self, name: &str, yaml: &str) -> String {
        let path = self.manifest(name, yaml);
        self.ok(&["replace", "-f", &path])
    }

    fn background(&self, args: &[&str]) -> BackgroundKubectl {
        self.cluster.kubectl_background(self.bin, args)
    }
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `lines(&["a", "b"])` = `"a\nb\n"`: kubectl's output of those lines.
fn lines(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A ConfigMap manifest with the given labels (`[("app", "web")]`).
fn configmap(name: &str, labels: &[(&str, &str)]) -> String {
    let labels: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}: \"{v}\""))
        .collect();
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels: {{{}}}\n",
        labels.join(", ")
    )
}

/// Joins manifests into one multi-document YAML.
fn documents(docs: &[String]) -> String {
    docs.join("---\n")
}
