//! Server-side field validation: kubectl sends `fieldValidation=Strict` (the default
//! `--validate=strict`), `Warn` (`--validate=warn`) or `Ignore` (`--validate=false`); unknown
//! fields are refused, reported in `Warning:` headers, or silently dropped.

use serde_json::json;

use super::{deployment, each_kubectl, pick, texts};

const BOGUS: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bogus\nbogus: 1\ndata:\n  k: v\n";

#[test]
fn unknown_field_is_refused_warned_or_ignored() {
    each_kubectl(|k| {
        let path = k.manifest("bogus.yaml", BOGUS);
        k.say("create -f bogus.yaml");
        assert_eq!(
            k.fails(&["create", "-f", &path]),
            format!(
                "Error from server (BadRequest): error when creating \"{path}\": ConfigMap in \
                 version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown \
                 field \"bogus\"\n"
            )
        );
        assert_eq!(k.ok(&["get", "cm", "-o", "name"]), "");

        k.say("replace -f bogus.yaml (an existing object)");
        k.create(
            "plain.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bogus\n",
        );
        assert_eq!(
            k.fails(&["replace", "-f", &path]),
            format!(
                "Error from server (BadRequest): error when replacing \"{path}\": ConfigMap in \
                 version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown \
                 field \"bogus\"\n"
            )
        );
        k.ok(&["delete", "cm", "bogus"]);

        k.say("create -f bogus.yaml --validate=warn");
        let out = k.run(&["create", "-f", &path, "--validate=warn"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(
            (stdout.as_str(), stderr.as_str()),
            (
                "configmap/bogus created\n",
                "Warning: unknown field \"bogus\"\n"
            )
        );
        let cm = k.json(&["get", "cm", "bogus", "-o", "json"]);
        assert_eq!(cm.get("bogus"), None, "{cm:#}");
        assert_eq!(cm["data"], json!({"k": "v"}), "{cm:#}");
        k.ok(&["delete", "cm", "bogus"]);

        k.say("create -f bogus.yaml --validate=false");
        assert_eq!(
            k.ok(&["create", "-f", &path, "--validate=false"]),
            "configmap/bogus created\n"
        );
        let cm = k.json(&["get", "cm", "bogus", "-o", "json"]);
        assert_eq!(cm.get("bogus"), None, "{cm:#}");
    });
}

#[test]
fn nested_unknown_fields_are_named_by_path() {
    each_kubectl(|k| {
        let manifest = deployment(
            "web",
            "      - name: app\n        image: nginx:1.25\n      - name: log\n        image: busybox:1.36\n        bogus: x\n      extra: 1\n",
        )
        .replace("  replicas: 2\n", "  replicas: 2\n  surprise: true\n");
        let path = k.manifest("web.yaml", &manifest);
        k.say("create -f web.yaml (three unknown fields)");
        assert_eq!(
            k.fails(&["create", "-f", &path]),
            format!(
                "Error from server (BadRequest): error when creating \"{path}\": Deployment in \
                 version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown \
                 field \"spec.surprise\", unknown field \
                 \"spec.template.spec.containers[1].bogus\", unknown field \
                 \"spec.template.spec.extra\"\n"
            )
        );

        k.say("create -f web.yaml --validate=warn");
        let out = k.run(&["create", "-f", &path, "--validate=warn"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, "deployment.apps/web created\n");
        assert_eq!(
            stderr,
            "Warning: unknown field \"spec.surprise\"\n\
             Warning: unknown field \"spec.template.spec.containers[1].bogus\"\n\
             Warning: unknown field \"spec.template.spec.extra\"\n"
        );
        let d = k.json(&["get", "deployment", "web", "-o", "json"]);
        let pod = &d["spec"]["template"]["spec"];
        assert_eq!(pod.get("extra"), None, "{d:#}");
        assert_eq!(
            pick(&pod["containers"], &["name", "image", "bogus"]),
            json!([
                {"name": "app", "image": "nginx:1.25"},
                {"name": "log", "image": "busybox:1.36"},
            ]),
            "{d:#}"
        );
        assert_eq!(d["spec"].get("surprise"), None, "{d:#}");
    });
}
