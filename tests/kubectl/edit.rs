//! `kubectl edit` with `EDITOR` set to a script the test writes: kubectl GETs the object, runs the
//! editor on a temporary YAML file and PATCHes the difference (a strategic merge patch).

use std::os::unix::fs::PermissionsExt;

use super::{Kubectl, containers, deployment, each_kubectl, texts};

/// Writes an executable `sh` script `name` running `body` on the file to edit (`$1`); returns
/// its path, for `EDITOR`.
fn editor(k: &Kubectl, name: &str, body: &str) -> String {
    let path = k.manifest(name, &format!("#!/bin/sh\nset -e\n{body}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[test]
fn edit_patches_what_the_editor_changed() {
    each_kubectl(|k| {
        k.create(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  gone: soon\n",
        );
        let sed = editor(k, "later.sh", r#"sed -i 's/soon/later/' "$1""#);
        k.say("EDITOR=later.sh edit cm a");
        let out = k.run_with_env(&["edit", "cm", "a"], &[("EDITOR", &sed)]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            ("configmap/a edited\n", "")
        );
        assert_eq!(
            k.ok(&["get", "cm", "a", "-o", "jsonpath={.data.gone} {.data.k}"]),
            "later v"
        );

        k.create(
            "web.yaml",
            &deployment(
                "web",
                "      - name: app\n        image: nginx:1.25\n      - name: log\n        image: busybox:1.36\n",
            ),
        );
        let sed = editor(k, "image.sh", r#"sed -i 's/nginx:1.25/nginx:1.26/' "$1""#);
        k.say("EDITOR=image.sh edit deployment web");
        let out = k.run_with_env(&["edit", "deployment", "web"], &[("EDITOR", &sed)]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            ("deployment.apps/web edited\n", "")
        );
        assert_eq!(containers(k, "web"), "app=nginx:1.26\nlog=busybox:1.36\n");
    });
}

#[test]
fn edit_without_changes_is_cancelled() {
    each_kubectl(|k| {
        k.create(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
        );
        let rv = k.ok(&[
            "get",
            "cm",
            "a",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ]);
        let noop = editor(k, "noop.sh", "true");
        k.say("EDITOR=noop.sh edit cm a");
        let out = k.run_with_env(&["edit", "cm", "a"], &[("EDITOR", &noop)]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            ("", "Edit cancelled, no changes made.\n")
        );
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "a",
                "-o",
                "jsonpath={.metadata.resourceVersion}"
            ]),
            rv
        );
    });
}
