//! `kubectl label` and `kubectl annotate` (merge patches of metadata): `--overwrite`, removal with
//! `key-`, and the `--resource-version` precondition the server checks.

use serde_json::json;

use super::{Kubectl, configmap, each_kubectl};

const CONFLICT: &str = "Error from server (Conflict): Operation cannot be fulfilled on configmaps \
                        \"a\": the object has been modified; please apply your changes to the \
                        latest version and try again\n";

fn resource_version(k: &Kubectl) -> String {
    k.ok(&[
        "get",
        "cm",
        "a",
        "-o",
        "jsonpath={.metadata.resourceVersion}",
    ])
}

#[test]
fn label_overwrite_and_removal() {
    each_kubectl(|k| {
        k.create("a.yaml", &configmap("a", &[]));
        k.say("label cm a app=x");
        assert_eq!(
            k.ok(&["label", "cm", "a", "app=x"]),
            "configmap/a labeled\n"
        );

        k.say("label cm a app=y (no --overwrite)");
        assert_eq!(
            k.fails(&["label", "cm", "a", "app=y"]),
            "error: 'app' already has a value (x), and --overwrite is false\n"
        );

        k.say("label cm a app=y --overwrite, twice");
        assert_eq!(
            k.ok(&["label", "cm", "a", "app=y", "--overwrite"]),
            "configmap/a labeled\n"
        );
        let rv = resource_version(k);
        assert_eq!(
            k.ok(&["label", "cm", "a", "app=y", "--overwrite"]),
            "configmap/a not labeled\n"
        );
        assert_eq!(resource_version(k), rv);

        k.say("label cm a tier=db; label cm a app-");
        k.ok(&["label", "cm", "a", "tier=db"]);
        assert_eq!(
            k.ok(&["label", "cm", "a", "app-"]),
            "configmap/a unlabeled\n"
        );
        let cm = k.json(&["get", "cm", "a", "-o", "json"]);
        assert_eq!(cm["metadata"]["labels"], json!({"tier": "db"}), "{cm:#}");
    });
}

#[test]
fn label_with_stale_resource_version_is_conflict() {
    each_kubectl(|k| {
        k.create("a.yaml", &configmap("a", &[]));
        let stale = resource_version(k);
        k.ok(&["label", "cm", "a", "app=x"]);

        k.say("label cm a tier=db --resource-version=<stale>");
        assert_eq!(
            k.fails(&[
                "label",
                "cm",
                "a",
                "tier=db",
                &format!("--resource-version={stale}")
            ]),
            CONFLICT
        );
        let cm = k.json(&["get", "cm", "a", "-o", "json"]);
        assert_eq!(cm["metadata"]["labels"], json!({"app": "x"}), "{cm:#}");

        k.say("label cm a tier=db --resource-version=<current>");
        let current = resource_version(k);
        assert_eq!(
            k.ok(&[
                "label",
                "cm",
                "a",
                "tier=db",
                &format!("--resource-version={current}")
            ]),
            "configmap/a labeled\n"
        );
    });
}

#[test]
fn annotate_overwrite_removal_and_resource_version() {
    each_kubectl(|k| {
        // kubectl 1.27 says "annotate" where later releases say "annotated".
        let annotated = if k.release() == "1.27" {
            "configmap/a annotate\n"
        } else {
            "configmap/a annotated\n"
        };
        k.create("a.yaml", &configmap("a", &[]));
        k.say("annotate cm a note=hi");
        assert_eq!(k.ok(&["annotate", "cm", "a", "note=hi"]), annotated);

        k.say("annotate cm a note=ho (no --overwrite)");
        assert_eq!(
            k.fails(&["annotate", "cm", "a", "note=ho"]),
            "error: --overwrite is false but found the following declared annotation(s): 'note' \
             already has a value (hi)\n"
        );

        k.say("annotate cm a note=ho --overwrite");
        let stale = resource_version(k);
        assert_eq!(
            k.ok(&["annotate", "cm", "a", "note=ho", "--overwrite"]),
            annotated
        );

        k.say("annotate cm a x=1 --resource-version=<stale>");
        assert_eq!(
            k.fails(&[
                "annotate",
                "cm",
                "a",
                "x=1",
                &format!("--resource-version={stale}")
            ]),
            CONFLICT
        );

        k.say("annotate cm a keep=1; annotate cm a note-");
        k.ok(&["annotate", "cm", "a", "keep=1"]);
        assert_eq!(k.ok(&["annotate", "cm", "a", "note-"]), annotated);
        let cm = k.json(&["get", "cm", "a", "-o", "json"]);
        assert_eq!(
            cm["metadata"]["annotations"],
            json!({"keep": "1"}),
            "{cm:#}"
        );
    });
}
