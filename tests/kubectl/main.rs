//! kubectl against a real kubemem server: every test runs its scenario once per kubectl release in
//! [`KUBECTLS`], each against a fresh [`TestCluster`], and compares kubectl's output with what it
//! prints against kube-apiserver.
//!
//! Known gaps of the server are left out on purpose: server-side apply (`apply --server-side`),
//! per-kind defaults (a Deployment gets no `replicas: 1`, a Service no `type: ClusterIP`, so
//! manifests spell those out), the workload controllers of kube-controller-manager (a Deployment
//! gets no ReplicaSets and no status), and imperative `create configmap|namespace|secret` (protobuf bodies); manifests go
//! through `create -f` / `replace -f` / `apply -f` as YAML.

mod apply;
mod crd;
mod create;
mod delete;
mod diff;
mod discovery;
mod edit;
mod explain;
mod get;
mod label;
mod patch;
mod replace;
mod scale;
mod selectors;
mod table;
mod validation;
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
    each_kubectl_on(TestCluster::start, scenario);
}

/// [`each_kubectl`] on clusters `start` makes.
fn each_kubectl_on(start: impl Fn() -> TestCluster, scenario: impl Fn(&Kubectl)) {
    for &bin in KUBECTLS {
        let k = Kubectl {
            bin,
            cluster: start(),
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

    /// [`Self::run`] with extra environment variables.
    fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.cluster.kubectl_with_env(self.bin, args, env)
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

/// A Deployment manifest (selector and pod labels app=web, 2 replicas) whose pod template has
/// `containers` (YAML list items indented by six spaces).
fn deployment(name: &str, containers: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
{containers}"
    )
}

/// `name=image` per container of a Deployment, one a line.
fn containers(k: &Kubectl, deployment: &str) -> String {
    k.ok(&[
        "get",
        "deployment",
        deployment,
        "-o",
        "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image}{\"\\n\"}{end}",
    ])
}

/// `value` with only the fields `keys` of each object (of the object itself, or of each item of
/// an array): what a test compares where kube-apiserver's defaults add fields the server does
/// not add yet (`protocol: TCP` on a port, `imagePullPolicy`, `defaultMode`, …).
fn pick(value: &Value, keys: &[&str]) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| pick(v, keys)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Joins manifests into one multi-document YAML.
fn documents(docs: &[String]) -> String {
    docs.join("---\n")
}

/// The cells of one line of a kubectl table: kubectl pads columns with at least three spaces,
/// and no cell holds two spaces in a row (`NOMINATED NODE` holds one). An empty cell is lost,
/// so tables with empty cells are not compared this way.
fn cells(line: &str) -> Vec<&str> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// An AGE cell as kubectl prints it (`0s`, `12s`, `3m4s`, `5h`, `2d`).
fn is_age(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_digit())
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || "smhdy".contains(c))
}

/// Whether a table line has the cells of `expected`, a line written as kubectl prints it where
/// `<age>` stands for any AGE; the padding between cells is not compared.
fn row_matches(line: &str, expected: &str) -> bool {
    let (got, want) = (cells(line), cells(expected));
    got.len() == want.len()
        && got
            .iter()
            .zip(&want)
            .all(|(g, w)| g == w || (*w == "<age>" && is_age(g)))
}

/// Asserts that kubectl printed the table `expected` (see [`row_matches`]), line by line.
fn assert_table(out: &str, expected: &[&str]) {
    let got: Vec<&str> = out.lines().collect();
    assert!(
        got.len() == expected.len() && got.iter().zip(expected).all(|(g, w)| row_matches(g, w)),
        "table differs\nexpected:\n{}\ngot:\n{out}",
        expected.join("\n")
    );
}
