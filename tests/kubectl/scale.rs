//! `kubectl scale` (the scale subresource), `kubectl set image` (a strategic merge patch) and a
//! `replace` made stale by them.

use super::{Kubectl, containers, deployment, each_kubectl};

fn replicas(k: &Kubectl) -> String {
    k.ok(&[
        "get",
        "deployment",
        "web",
        "-o",
        "jsonpath={.spec.replicas}",
    ])
}

#[test]
fn scale_and_its_current_replicas_precondition() {
    each_kubectl(|k| {
        k.create(
            "web.yaml",
            &deployment("web", "      - name: app\n        image: nginx:1.25\n"),
        );
        k.say("scale deployment web --replicas=3");
        assert_eq!(
            k.ok(&["scale", "deployment", "web", "--replicas=3"]),
            "deployment.apps/web scaled\n"
        );
        assert_eq!(replicas(k), "3");
        assert_eq!(
            k.ok(&[
                "get",
                "deployment",
                "web",
                "-o",
                "jsonpath={.metadata.generation}"
            ]),
            "2"
        );
        // The scaler owns `.spec.replicas` as a manager of the `scale` subresource (with no
        // `time`, as kube's ScaleHandler leaves it); the creator no longer does.
        let web: serde_json::Value = serde_json::from_str(&k.ok(&[
            "get",
            "deployment",
            "web",
            "-o",
            "json",
            "--show-managed-fields",
        ]))
        .unwrap();
        let entries = web["metadata"]["managedFields"].as_array().unwrap();
        let scaler = entries
            .iter()
            .find(|e| e["subresource"] == "scale")
            .expect("a scale manager");
        assert_eq!(
            (
                &scaler["operation"],
                &scaler["apiVersion"],
                &scaler["fieldsV1"],
                scaler.get("time")
            ),
            (
                &serde_json::json!("Update"),
                &serde_json::json!("apps/v1"),
                &serde_json::json!({"f:spec": {"f:replicas": {}}}),
                None
            )
        );
        let creator = entries
            .iter()
            .find(|e| e["manager"] == "kubectl-create")
            .expect("the creator");
        assert!(creator["fieldsV1"]["f:spec"].get("f:replicas").is_none());

        k.say("scale --current-replicas=2 (it is 3)");
        assert_eq!(
            k.fails(&[
                "scale",
                "deployment",
                "web",
                "--replicas=5",
                "--current-replicas=2"
            ]),
            "error: Expected replicas to be 2, was 3\n"
        );
        assert_eq!(replicas(k), "3");

        k.say("scale --current-replicas=3");
        assert_eq!(
            k.ok(&[
                "scale",
                "deployment/web",
                "--replicas=5",
                "--current-replicas=3"
            ]),
            "deployment.apps/web scaled\n"
        );
        assert_eq!(replicas(k), "5");

        k.say("scale --dry-run=server");
        assert_eq!(
            k.ok(&[
                "scale",
                "deployment",
                "web",
                "--replicas=1",
                "--dry-run=server"
            ]),
            "deployment.apps/web scaled (server dry run)\n"
        );
        assert_eq!(replicas(k), "5");
    });
}

#[test]
fn set_image_patches_one_container() {
    each_kubectl(|k| {
        k.create(
            "web.yaml",
            &deployment(
                "web",
                "      - name: app\n        image: nginx:1.25\n      - name: log\n        image: busybox:1.36\n",
            ),
        );
        k.say("set image deployment/web app=nginx:1.29");
        assert_eq!(
            k.ok(&["set", "image", "deployment/web", "app=nginx:1.29"]),
            "deployment.apps/web image updated\n"
        );
        assert_eq!(containers(k, "web"), "app=nginx:1.29\nlog=busybox:1.36\n");
        k.say("set image again: nothing to do, nothing printed");
        assert_eq!(
            k.ok(&["set", "image", "deployment/web", "app=nginx:1.29"]),
            ""
        );
        k.say("set image of a container that does not exist");
        assert_eq!(
            k.fails(&["set", "image", "deployment/web", "nope=nginx:1.29"]),
            "error: unable to find container named \"nope\"\n"
        );
    });
}

#[test]
fn replace_after_scale_is_conflict() {
    each_kubectl(|k| {
        k.create(
            "web.yaml",
            &deployment("web", "      - name: app\n        image: nginx:1.25\n"),
        );
        let stale = k.ok(&["get", "deployment", "web", "-o", "yaml"]);
        let stale = k.manifest("stale.yaml", &stale);
        k.ok(&["scale", "deployment", "web", "--replicas=4"]);

        k.say("replace -f of the Deployment read before scale");
        assert_eq!(
            k.fails(&["replace", "-f", &stale]),
            format!(
                "Error from server (Conflict): error when replacing \"{stale}\": Operation cannot \
                 be fulfilled on deployments.apps \"web\": the object has been modified; please \
                 apply your changes to the latest version and try again\n"
            )
        );
        assert_eq!(replicas(k), "4");
    });
}
