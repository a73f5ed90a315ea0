//! `@kubernetes/client-node` (npm, installed by `scripts/install-test-deps.sh` into
//! `target/test-deps/node`) against a listening kubemem: an informer sees add, update and
//! delete.

use std::path::PathBuf;
use std::process::Command;

use kubemem_tests::TestCluster;

#[test]
fn an_informer_sees_add_update_and_delete() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-deps/node");
    assert!(
        root.join("node_modules/@kubernetes/client-node").exists(),
        "{} is missing: run scripts/install-test-deps.sh",
        root.display()
    );
    // ES modules resolve packages from the script's own directory.
    let script = root.join("informer.mjs");
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node/informer.mjs"),
        &script,
    )
    .expect("copies the script");
    let cluster = TestCluster::start();
    let output = Command::new("node")
        .arg(&script)
        .arg(cluster.kubeconfig())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout, "add before\nadd a\nupdate a k=2\ndelete a\n");
}
