//! `kubectl patch`: strategic merge (list items by merge key, `$patch: delete`, null removes a
//! key), JSON merge (lists replaced whole), JSON patch (a failing `test` op), the status and scale
//! subresources, and the errors the server answers.

use serde_json::json;

use super::{Kubectl, containers, deployment, each_kubectl};

fn create_web(k: &Kubectl) {
    k.create(
        "web.yaml",
        &deployment(
            "web",
            "      - name: app\n        image: nginx:1.25\n      - name: log\n        image: busybox:1.36\n",
        ),
    );
}

#[test]
fn patch_strategic_merges_containers_by_name() {
    each_kubectl(|k| {
        create_web(k);
        let image = r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}"#;
        k.say("patch deployment web --type=strategic (app's image)");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--type=strategic",
                "-p",
                image
            ]),
            "deployment.apps/web patched\n"
        );
        assert_eq!(containers(k, "web"), "app=nginx:1.27\nlog=busybox:1.36\n");

        k.say("the same patch again (the default type is strategic)");
        assert_eq!(
            k.ok(&["patch", "deployment", "web", "-p", image]),
            "deployment.apps/web patched (no change)\n"
        );

        k.say("patch with $patch: delete of container log");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "-p",
                r#"{"spec":{"template":{"spec":{"containers":[{"name":"log","$patch":"delete"}]}}}}"#,
            ]),
            "deployment.apps/web patched\n"
        );
        assert_eq!(containers(k, "web"), "app=nginx:1.27\n");

        k.say("patch cm: null removes a key");
        k.create(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  gone: soon\n",
        );
        assert_eq!(
            k.ok(&[
                "patch",
                "cm",
                "a",
                "-p",
                r#"{"data":{"gone":null,"new":"x"}}"#
            ]),
            "configmap/a patched\n"
        );
        let cm = k.json(&["get", "cm", "a", "-o", "json"]);
        assert_eq!(cm["data"], json!({"k": "v", "new": "x"}), "{cm:#}");
    });
}

#[test]
fn patch_merge_replaces_lists() {
    each_kubectl(|k| {
        create_web(k);
        k.say("patch deployment web --type=merge (labels, replicas)");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--type=merge",
                "-p",
                r#"{"metadata":{"labels":{"tier":"front"}},"spec":{"replicas":3}}"#,
            ]),
            "deployment.apps/web patched\n"
        );
        let d = k.json(&["get", "deployment", "web", "-o", "json"]);
        assert_eq!(
            d["metadata"]["labels"],
            json!({"app": "web", "tier": "front"}),
            "{d:#}"
        );
        assert_eq!(d["spec"]["replicas"], 3, "{d:#}");

        k.say("patch deployment web --type=merge: a containers list replaces the old one");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--type=merge",
                "-p",
                r#"{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"x:1"}]}}}}"#,
            ]),
            "deployment.apps/web patched\n"
        );
        assert_eq!(containers(k, "web"), "only=x:1\n");
    });
}

#[test]
fn patch_json_with_a_failing_test_op_changes_nothing() {
    each_kubectl(|k| {
        create_web(k);
        k.say("patch --type=json replace /spec/replicas, add an escaped label key");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--type=json",
                "-p",
                r#"[{"op":"replace","path":"/spec/replicas","value":4},
                    {"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]"#,
            ]),
            "deployment.apps/web patched\n"
        );
        let rv = k.ok(&[
            "get",
            "deployment",
            "web",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ]);

        k.say("patch --type=json whose test op fails");
        assert_eq!(
            k.fails(&[
                "patch",
                "deployment",
                "web",
                "--type=json",
                "-p",
                r#"[{"op":"test","path":"/spec/replicas","value":9},
                    {"op":"replace","path":"/spec/replicas","value":5}]"#,
            ]),
            "The request is invalid: the server rejected our request due to an error in our \
             request\n"
        );
        let d = k.json(&["get", "deployment", "web", "-o", "json"]);
        assert_eq!(d["spec"]["replicas"], 4, "{d:#}");
        assert_eq!(
            d["metadata"]["labels"],
            json!({"app": "web", "app.kubernetes.io/name": "web"}),
            "{d:#}"
        );
        assert_eq!(d["metadata"]["resourceVersion"], rv.as_str(), "{d:#}");
    });
}

#[test]
fn patch_status_and_scale_subresources() {
    each_kubectl(|k| {
        create_web(k);
        k.say("patch deployment web --subresource=status");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--subresource=status",
                "--type=merge",
                "-p",
                r#"{"status":{"replicas":2,"readyReplicas":1}}"#,
            ]),
            "deployment.apps/web patched\n"
        );
        let d = k.json(&["get", "deployment", "web", "-o", "json"]);
        assert_eq!(
            d["status"],
            json!({"replicas": 2, "readyReplicas": 1}),
            "{d:#}"
        );

        k.say("status through the main resource, spec through status: both ignored");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--type=merge",
                "-p",
                r#"{"status":{"replicas":7}}"#,
            ]),
            "deployment.apps/web patched (no change)\n"
        );
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--subresource=status",
                "--type=merge",
                "-p",
                r#"{"spec":{"replicas":9}}"#,
            ]),
            "deployment.apps/web patched (no change)\n"
        );
        let d = k.json(&["get", "deployment", "web", "-o", "json"]);
        assert_eq!(d["spec"]["replicas"], 2, "{d:#}");
        assert_eq!(d["status"]["replicas"], 2, "{d:#}");

        k.say("patch deployment web --subresource=scale");
        assert_eq!(
            k.ok(&[
                "patch",
                "deployment",
                "web",
                "--subresource=scale",
                "--type=merge",
                "-p",
                r#"{"spec":{"replicas":4}}"#,
            ]),
            "scale.autoscaling/web patched\n"
        );
        assert_eq!(
            k.ok(&[
                "get",
                "deployment",
                "web",
                "-o",
                "jsonpath={.spec.replicas}"
            ]),
            "4"
        );
    });
}

#[test]
fn patch_errors() {
    each_kubectl(|k| {
        k.create(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
        );
        k.say("patch cm zz (missing)");
        assert_eq!(
            k.fails(&["patch", "cm", "zz", "-p", r#"{"data":{"k":"x"}}"#]),
            "Error from server (NotFound): configmaps \"zz\" not found\n"
        );

        k.say("patch cm a renaming it");
        assert_eq!(
            k.fails(&[
                "patch",
                "cm",
                "a",
                "--type=merge",
                "-p",
                r#"{"metadata":{"name":"b"}}"#
            ]),
            "Error from server (BadRequest): the name of the object (b) does not match the name \
             on the URL (a)\n"
        );

        k.say("patch cm a with a stale resourceVersion in the patch");
        assert_eq!(
            k.fails(&[
                "patch",
                "cm",
                "a",
                "--type=merge",
                "-p",
                r#"{"metadata":{"resourceVersion":"1"},"data":{"k":"x"}}"#,
            ]),
            "Error from server (Conflict): Operation cannot be fulfilled on configmaps \"a\": the \
             object has been modified; please apply your changes to the latest version and try \
             again\n"
        );
        assert_eq!(k.ok(&["get", "cm", "a", "-o", "jsonpath={.data.k}"]), "v");
    });
}

/// A patch whose result does not fit the type is a 422 on the field `patch`: kubectl prints
/// `The request is invalid`, with the strategic patch as Go prints its map, and a merge patch's
/// warnings for fields the type lacks.
#[test]
fn patch_results_of_the_wrong_shape() {
    each_kubectl(|k| {
        k.ok(&["create", "configmap", "p", "--from-literal=k=v"]);
        k.say("patch configmap p (a number for a string)");
        assert_eq!(
            k.fails(&["patch", "configmap", "p", "-p", r#"{"data":{"z":2}}"#]),
            "The request is invalid: patch: Invalid value: \"map[data:map[z:2]]\": cannot convert \
             int64 to string\n"
        );
        k.say("patch configmap p --type=merge (a field ConfigMaps lack)");
        let out = k.run(&[
            "patch",
            "configmap",
            "p",
            "--type=merge",
            "-p",
            r#"{"bogus":1,"data":{"z":"2"}}"#,
        ]);
        let (stdout, stderr) = super::texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            (
                "configmap/p patched\n",
                "Warning: unknown field \"bogus\"\n"
            )
        );
    });
}
