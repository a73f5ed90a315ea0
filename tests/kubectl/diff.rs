//! `kubectl diff`: the live object against a server-side dry run of the apply (a PATCH with
//! `dryRun=All`), compared by `diff -u -N`; exit code 0 when they agree, 1 when they differ.

use std::time::{Duration, Instant};

use super::{Kubectl, each_kubectl, lines, texts};

/// Waits until the serviceaccount controller has given every bootstrap namespace its `default`
/// ServiceAccount, so that no write but the test's own happens while it diffs: kubemem's dry-run
/// PATCH answers with the keyspace's latest revision as `resourceVersion` where kube-apiserver
/// answers with the object's, so an unrelated write would show as a changed line.
fn wait_for_default_service_accounts(k: &Kubectl) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let names = k.ok(&["get", "serviceaccounts", "-A", "-o", "name"]);
        if names == "serviceaccount/default\n".repeat(4) {
            return;
        }
        assert!(Instant::now() < end, "default ServiceAccounts: {names:?}");
    }
}

#[test]
fn diff_of_an_applied_manifest() {
    each_kubectl(|k| {
        wait_for_default_service_accounts(k);
        let v1 = k.manifest(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  gone: soon\n",
        );
        k.ok(&["apply", "-f", &v1]);

        k.say("diff -f of the applied manifest");
        let out = k.run(&["diff", "-f", &v1]);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
        assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));

        k.say("diff -f of a changed manifest");
        let v2 = k.manifest(
            "a2.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v2\n",
        );
        let before = k.ok(&["get", "cm", "a", "-o", "yaml"]);
        let out = k.run(&["diff", "-f", &v2]);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert_eq!(stderr, "");
        let (header, body) = stdout.split_at(
            stdout
                .match_indices('\n')
                .nth(2)
                .map_or(stdout.len(), |(i, _)| i + 1),
        );
        let header: Vec<&str> = header.lines().collect();
        assert!(
            header.len() == 3
                && header[0].starts_with("diff -u -N ")
                && header[0].ends_with("/v1.ConfigMap.default.a")
                && header[1].starts_with("--- ")
                && header[2].starts_with("+++ "),
            "{stdout}"
        );
        assert_eq!(
            body,
            lines(&[
                "@@ -1,7 +1,6 @@",
                " apiVersion: v1",
                " data:",
                "-  gone: soon",
                "-  k: v",
                "+  k: v2",
                " kind: ConfigMap",
                " metadata:",
                "   annotations:",
            ])
        );
        assert_eq!(k.ok(&["get", "cm", "a", "-o", "yaml"]), before);
    });
}
