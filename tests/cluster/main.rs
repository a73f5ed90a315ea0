//! A 3-node kubemem cluster of real processes (`kubemem cluster up`), driven with kubectl:
//! identical revisions on every node, SIGKILL of the leader while writes continue, garbage
//! collection by the new leader, a restarted node catching up, a member added and one removed,
//! and nothing left running after `down`.
//!
//! The `kubemem` binary is the one `cargo test --workspace` builds next to this test
//! (`target/<profile>/kubemem`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use kubemem_apiserver::cluster::{self, ClusterFile};
use serde_json::Value;

fn kubemem_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = profile_dir.join("kubemem");
    assert!(
        bin.is_file(),
        "no kubemem binary at {} (cargo build -p kubemem-apiserver --bin kubemem)",
        bin.display()
    );
    bin
}

/// A cluster directory, brought down (processes stopped) when dropped.
struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn kubemem(&self, args: &[&str]) -> Output {
        let out = Command::new(kubemem_bin())
            .args(args)
            .args(["--dir", &self.path().display().to_string()])
            .output()
            .expect("kubemem runs");
        assert!(
            out.status.success(),
            "kubemem {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn file(&self) -> ClusterFile {
        ClusterFile::load(self.path()).expect("cluster.json")
    }

    fn kubectl(&self, node: u64, args: &[&str]) -> Output {
        Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(self.path().join("kubeconfig"))
            .args([
                "--context",
                &format!("node-{node}"),
                "--request-timeout=10s",
            ])
            .args(args)
            .output()
            .expect("kubectl runs")
    }

    fn kubectl_ok(&self, node: u64, args: &[&str]) -> String {
        let out = self.kubectl(node, args);
        assert!(
            out.status.success(),
            "kubectl on node {node} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn status(&self, id: u64) -> Option<Value> {
        cluster::node_status(self.file().node(id).expect("node"))
    }

    /// The leader the running nodes agree on, waiting up to `within`.
    fn agreed_leader(&self, except: Option<u64>, within: Duration) -> u64 {
        cluster::agreed_leader(&self.file(), except, within)
            .unwrap_or_else(|| panic!("no agreed leader within {within:?}"))
    }

    /// Waits until every running node has applied the same revision; answers it.
    fn converged(&self) -> i64 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let revisions: Vec<Option<i64>> = self
                .file()
                .nodes
                .iter()
                .map(|n| cluster::node_status(n).and_then(|s| s["appliedRevision"].as_i64()))
                .collect();
            if let Some(Some(first)) = revisions.first()
                && revisions.iter().all(|r| *r == Some(*first))
            {
                return *first;
            }
            assert!(Instant::now() < deadline, "no convergence: {revisions:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if self.path().join("cluster.json").exists() {
            let _ = cluster::down(self.path());
        }
    }
}

fn names(json: &str) -> Vec<String> {
    let list: Value = serde_json::from_str(json).expect("list");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_three_node_cluster_serves_kubectl_through_leader_loss() {
    let demo = Demo {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let up = demo.kubemem(&["cluster", "up", "--nodes", "3"]);
    let printed = String::from_utf8_lossy(&up.stdout);
    assert!(printed.contains("export KUBECONFIG="), "{printed}");
    assert_eq!(printed.matches("Leader").count(), 1, "{printed}");

    // Replication: a write through one node reads back identically through every node.
    demo.kubectl_ok(2, &["create", "configmap", "shared", "--from-literal=k=v"]);
    let rv = |node| {
        demo.kubectl_ok(
            node,
            &[
                "get",
                "configmap",
                "shared",
                "-o",
                "jsonpath={.metadata.resourceVersion}",
            ],
        )
    };
    let written = rv(2);
    assert_eq!(rv(1), written);
    assert_eq!(rv(3), written);
    // A list at a resourceVersion gives the same items everywhere.
    let at = demo.converged().to_string();
    let path = format!(
        "/api/v1/namespaces/default/configmaps?resourceVersion={at}&resourceVersionMatch=Exact"
    );
    let lists: Vec<String> = [1, 2, 3]
        .map(|n| demo.kubectl_ok(n, &["get", "--raw", &path]))
        .to_vec();
    assert_eq!(names(&lists[0]), names(&lists[1]));
    assert_eq!(names(&lists[0]), names(&lists[2]));
    // Watches are served by every node from its own applies, with the same resourceVersions.
    let watch = "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dshared";
    for n in [1, 3] {
        let events = demo.kubectl_ok(n, &["get", "--raw", watch]);
        assert!(
            events.contains(&format!("\"resourceVersion\":\"{written}\"")),
            "{events}"
        );
    }

    // Failover: SIGKILL the leader while a follower keeps writing.
    let leader = demo.agreed_leader(None, Duration::from_secs(10));
    let writer = [1, 2, 3]
        .into_iter()
        .find(|n| *n != leader)
        .expect("follower");
    let pid = demo.file().node(leader).expect("leader").pid;
    let mut acknowledged = Vec::new();
    let mut failed = 0;
    let mut killed_at = None;
    let mut new_leader = None;
    for i in 0..40 {
        if i == 5 {
            Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status()
                .expect("kill");
            killed_at = Some(Instant::now());
        }
        let name = format!("w-{i}");
        let out = demo.kubectl(writer, &["create", "configmap", &name]);
        if out.status.success() {
            acknowledged.push(name);
        } else {
            failed += 1;
        }
        if new_leader.is_none() && killed_at.is_some() {
            let s = demo.status(writer).expect("writer answers");
            if let Some(l) = s["leader"].as_u64().filter(|l| *l != leader) {
                new_leader = Some((l, killed_at.map(|t| t.elapsed())));
            }
        }
    }
    let elected = demo.agreed_leader(Some(leader), Duration::from_secs(3));
    let (_, after) = new_leader.expect("a new leader was seen");
    eprintln!(
        "new leader {elected} seen {after:?} after SIGKILL; {} writes acknowledged, {failed} failed",
        acknowledged.len()
    );
    assert!(
        after.expect("timed") < Duration::from_secs(3),
        "{after:?} to elect"
    );
    assert!(acknowledged.len() >= 30, "{failed} of 40 writes failed");
    // Nothing acknowledged is lost; nothing is applied twice.
    let survivors: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != leader).collect();
    for n in &survivors {
        let listed = names(&demo.kubectl_ok(*n, &["get", "configmaps", "-o", "json"]));
        for name in &acknowledged {
            assert_eq!(
                listed.iter().filter(|l| *l == name).count(),
                1,
                "{name} on node {n}"
            );
        }
    }

    // The new leader collects garbage: it builds the ownership graph once it leads.
    let survivor = survivors[0];
    demo.kubectl_ok(survivor, &["create", "configmap", "owner"]);
    demo.kubectl_ok(survivor, &["create", "configmap", "dependent"]);
    let uid = demo.kubectl_ok(
        survivor,
        &[
            "get",
            "configmap",
            "owner",
            "-o",
            "jsonpath={.metadata.uid}",
        ],
    );
    let owned = format!(
        r#"{{"metadata":{{"ownerReferences":[{{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"{uid}"}}]}}}}"#
    );
    demo.kubectl_ok(
        survivor,
        &[
            "patch",
            "configmap",
            "dependent",
            "--type=merge",
            "-p",
            &owned,
        ],
    );
    demo.kubectl_ok(survivor, &["delete", "configmap", "owner"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while demo
        .kubectl(survivor, &["get", "configmap", "dependent"])
        .status
        .success()
    {
        assert!(
            Instant::now() < deadline,
            "the dependent outlived its owner by 10 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // The killed node restarts from its data directory and catches up.
    demo.kubemem(&["cluster", "start-node", "--id", &leader.to_string()]);
    let revision = demo.converged();
    assert!(revision > written.parse::<i64>().expect("rv"));
    let listed = names(&demo.kubectl_ok(leader, &["get", "configmaps", "-o", "json"]));
    assert!(acknowledged.iter().all(|a| listed.contains(a)));

    // Membership: a fourth node joins (caught up), then node 1 leaves.
    demo.kubemem(&["cluster", "add-node"]);
    demo.converged();
    let four = demo.status(4).expect("node 4 answers");
    assert_eq!(four["voters"], serde_json::json!([1, 2, 3, 4]));
    demo.kubemem(&["cluster", "remove-node", "--id", "1"]);
    demo.kubectl_ok(4, &["create", "configmap", "after-removal"]);
    demo.converged();
    let four = demo.status(4).expect("node 4 answers");
    assert_eq!(four["voters"], serde_json::json!([2, 3, 4]));
    let status = String::from_utf8_lossy(&demo.kubemem(&["cluster", "status"]).stdout).into_owned();
    assert_eq!(status.lines().count(), 4, "{status}");

    // Down: no process is left.
    let pids: Vec<u32> = demo.file().nodes.iter().map(|n| n.pid).collect();
    demo.kubemem(&["cluster", "down"]);
    assert!(pids.iter().all(|p| !cluster::alive(*p)), "{pids:?}");
}
