//! The Python `kubernetes` client (PyPI, installed by `scripts/install-test-deps.sh` into
//! `target/test-deps/python`) against a listening kubemem: list and watch with resourceVersion
//! resume, and a re-list after the watch's start was compacted away (410).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use kubemem_apiserver::Config;
use kubemem_store::StoreConfig;
use kubemem_tests::TestCluster;

/// The interpreter of the project's virtualenv.
fn python() -> PathBuf {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-deps/python/bin/python");
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-deps.sh",
        path.display()
    );
    path
}

#[test]
fn list_watch_resume_and_relist_after_410() {
    let cluster = TestCluster::start_with(Config {
        bookmark_interval: Duration::from_millis(300),
        store: StoreConfig {
            auto_compact_retention: Some(10),
        },
        controllers: kubemem_apiserver::controllers::Controllers::none(),
        ..Config::default()
    });
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/list_watch.py");
    let output = Command::new(python())
        .arg(&script)
        .arg(cluster.kubeconfig())
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout,
        "listed ['a']\n\
         resumed ['ADDED b']\n\
         expired 410\n\
         relisted 32\n\
         rewatched ['ADDED c']\n"
    );
}
