//! `kubectl apply` (client-side): created / unchanged / configured, the three-way strategic merge
//! through the `last-applied-configuration` annotation (list items merged by their merge keys,
//! `$retainKeys`, fields others set are kept), and `--dry-run=server`.

use serde_json::json;

use super::{containers, deployment, each_kubectl, lines, pick};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[test]
fn apply_creates_then_is_unchanged_then_configures() {
    each_kubectl(|k| {
        let v1 = k.manifest(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  gone: soon\n",
        );
        k.say("apply -f a.yaml");
        assert_eq!(k.ok(&["apply", "-f", &v1]), "configmap/a created\n");
        let cm = k.json(&["get", "cm", "a", "-o", "json"]);
        assert_eq!(cm["data"], json!({"k": "v", "gone": "soon"}), "{cm:#}");
        assert_eq!(
            cm["metadata"]["annotations"][LAST_APPLIED],
            "{\"apiVersion\":\"v1\",\"data\":{\"gone\":\"soon\",\"k\":\"v\"},\"kind\":\"ConfigMap\",\
             \"metadata\":{\"annotations\":{},\"name\":\"a\",\"namespace\":\"default\"}}\n",
            "{cm:#}"
        );
        let rv = cm["metadata"]["resourceVersion"].clone();

        k.say("apply -f a.yaml again");
        assert_eq!(k.ok(&["apply", "-f", &v1]), "configmap/a unchanged\n");
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "a",
                "-o",
                "jsonpath={.metadata.resourceVersion}"
            ]),
            rv.as_str().expect("resourceVersion")
        );

        k.say("apply a manifest that changes k and drops gone");
        let v2 = k.manifest(
            "a2.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v2\n",
        );
        assert_eq!(k.ok(&["apply", "-f", &v2]), "configmap/a configured\n");
        let cm = k.json(&["get", "cm", "a", "-o", "json"]);
        assert_eq!(cm["data"], json!({"k": "v2"}), "{cm:#}");
        assert_eq!(
            cm["metadata"]["annotations"][LAST_APPLIED],
            "{\"apiVersion\":\"v1\",\"data\":{\"k\":\"v2\"},\"kind\":\"ConfigMap\",\
             \"metadata\":{\"annotations\":{},\"name\":\"a\",\"namespace\":\"default\"}}\n",
            "{cm:#}"
        );
        assert_eq!(k.ok(&["apply", "-f", &v2]), "configmap/a unchanged\n");
    });
}

#[test]
fn apply_merges_containers_by_name() {
    each_kubectl(|k| {
        let v1 = k.manifest(
            "web.yaml",
            &deployment(
                "web",
                "      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 80
      - name: log
        image: busybox:1.36
",
            ),
        );
        k.say("apply a Deployment with containers app and log");
        assert_eq!(k.ok(&["apply", "-f", &v1]), "deployment.apps/web created\n");
        assert_eq!(containers(k, "web"), "app=nginx:1.25\nlog=busybox:1.36\n");

        k.say("apply: add a sidecar before app, change app's image, drop log");
        let v2 = k.manifest(
            "web2.yaml",
            &deployment(
                "web",
                "      - name: proxy
        image: envoy:1.30
      - name: app
        image: nginx:1.26
        ports:
        - containerPort: 80
",
            ),
        );
        assert_eq!(
            k.ok(&["apply", "-f", &v2]),
            "deployment.apps/web configured\n"
        );
        assert_eq!(containers(k, "web"), "proxy=envoy:1.30\napp=nginx:1.26\n");
        let d = k.json(&["get", "deployment", "web", "-o", "json"]);
        let c = &d["spec"]["template"]["spec"]["containers"];
        assert_eq!(c[0].get("ports"), None, "{d:#}");
        assert_eq!(
            pick(&c[1]["ports"], &["containerPort"]),
            json!([{"containerPort": 80}]),
            "{d:#}"
        );
        assert_eq!(
            k.ok(&["apply", "-f", &v2]),
            "deployment.apps/web unchanged\n"
        );
    });
}

/// The first manifest of [`apply_is_a_three_way_merge`].
const SMP_BEFORE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: smp
  labels: {app: smp, tier: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: smp}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 2, maxUnavailable: 1}
  template:
    metadata:
      labels: {app: smp}
    spec:
      nodeSelector: {disk: ssd, zone: a}
      volumes:
      - name: scratch
        emptyDir: {}
      containers:
      - name: app
        image: nginx:1.25
        args: ["-a", "-b"]
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        ports:
        - {containerPort: 80, name: http}
        - {containerPort: 443, name: https}
        volumeMounts:
        - {name: scratch, mountPath: /scratch}
"#;

/// The second manifest of [`apply_is_a_three_way_merge`].
const SMP_AFTER: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: smp
  labels: {app: smp}
spec:
  replicas: 1
  selector:
    matchLabels: {app: smp}
  strategy:
    type: Recreate
  template:
    metadata:
      labels: {app: smp}
    spec:
      nodeSelector: {disk: ssd}
      volumes:
      - name: scratch
        configMap: {name: cfg}
      containers:
      - name: app
        image: nginx:1.25
        args: ["-b"]
        env:
        - {name: B, value: "3"}
        - {name: C, value: "4"}
        ports:
        - {containerPort: 443, name: https}
        volumeMounts:
        - {name: scratch, mountPath: /etc/cfg}
"#;

#[test]
fn apply_is_a_three_way_merge() {
    each_kubectl(|k| {
        let before = k.manifest("smp.yaml", SMP_BEFORE);
        let after = k.manifest("smp2.yaml", SMP_AFTER);
        k.say("apply smp.yaml; label owner=me (a field the manifest does not own)");
        assert_eq!(
            k.ok(&["apply", "-f", &before]),
            "deployment.apps/smp created\n"
        );
        assert_eq!(
            k.ok(&["label", "deployment", "smp", "owner=me"]),
            "deployment.apps/smp labeled\n"
        );

        k.say("apply smp2.yaml: removals, merge keys, $retainKeys");
        assert_eq!(
            k.ok(&["apply", "-f", &after]),
            "deployment.apps/smp configured\n"
        );
        let d = k.json(&["get", "deployment", "smp", "-o", "json"]);
        assert_eq!(
            d["metadata"]["labels"],
            json!({"app": "smp", "owner": "me"}),
            "{d:#}"
        );
        assert_eq!(d["spec"]["strategy"], json!({"type": "Recreate"}), "{d:#}");
        let pod = &d["spec"]["template"]["spec"];
        assert_eq!(pod["nodeSelector"], json!({"disk": "ssd"}), "{d:#}");
        assert_eq!(
            pick(&pod["volumes"], &["name", "configMap", "emptyDir"]),
            json!([{"name": "scratch", "configMap": pod["volumes"][0]["configMap"]}]),
            "{d:#}"
        );
        assert_eq!(
            pick(&pod["volumes"][0]["configMap"], &["name"]),
            json!({"name": "cfg"}),
            "{d:#}"
        );
        let c = &pod["containers"];
        assert_eq!(
            pick(c, &["name", "image", "args", "env", "volumeMounts"]),
            json!([{
                "name": "app",
                "image": "nginx:1.25",
                "args": ["-b"],
                "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}],
                "volumeMounts": [{"name": "scratch", "mountPath": "/etc/cfg"}],
            }]),
            "{d:#}"
        );
        assert_eq!(
            pick(&c[0]["ports"], &["containerPort", "name"]),
            json!([{"containerPort": 443, "name": "https"}]),
            "{d:#}"
        );
        assert_eq!(
            k.ok(&["apply", "-f", &after]),
            "deployment.apps/smp unchanged\n"
        );
    });
}

#[test]
fn apply_dry_run_server_changes_nothing() {
    each_kubectl(|k| {
        let v1 = k.manifest(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
        );
        k.ok(&["apply", "-f", &v1]);
        let before = k.ok(&["get", "cm", "a", "-o", "yaml"]);

        k.say("apply --dry-run=server of a changed manifest");
        let v2 = k.manifest(
            "a2.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v2\n",
        );
        assert_eq!(
            k.ok(&["apply", "-f", &v2, "--dry-run=server"]),
            "configmap/a configured (server dry run)\n"
        );
        assert_eq!(k.ok(&["get", "cm", "a", "-o", "yaml"]), before);

        k.say("apply --dry-run=server of a new object");
        let b = k.manifest(
            "b.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
        );
        assert_eq!(
            k.ok(&["apply", "-f", &b, "--dry-run=server"]),
            "configmap/b created (server dry run)\n"
        );
        assert_eq!(k.ok(&["get", "cm", "-o", "name"]), lines(&["configmap/a"]));
    });
}

#[test]
fn server_side_apply_owns_fields_and_reports_conflicts() {
    each_kubectl(|k| {
        let created = k.manifest(
            "ssa.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n",
        );
        k.say("create -f, then apply --server-side of the same value: co-owned, no conflict");
        assert_eq!(k.ok(&["create", "-f", &created]), "configmap/ssa created\n");
        assert_eq!(
            k.ok(&["apply", "--server-side", "-f", &created]),
            "configmap/ssa serverside-applied\n"
        );
        let changed = k.manifest(
            "ssa2.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n",
        );
        k.say("apply --server-side of another value: conflict with kubectl-create");
        let error = k.fails(&["apply", "--server-side", "-f", &changed]);
        assert!(
            error.starts_with(
                "error: Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1: .data.a\n"
            ),
            "{error}"
        );
        assert!(error.contains("--force-conflicts"), "{error}");
        k.say("--force-conflicts takes the field over");
        assert_eq!(
            k.ok(&[
                "apply",
                "--server-side",
                "--force-conflicts",
                "-f",
                &changed
            ]),
            "configmap/ssa serverside-applied\n"
        );
        let cm = k.json(&["get", "cm", "ssa", "-o", "json", "--show-managed-fields"]);
        assert_eq!(cm["data"], json!({"a": "2"}));
        let managers: Vec<(&str, &str)> = cm["metadata"]["managedFields"]
            .as_array()
            .expect("managedFields")
            .iter()
            .map(|m| {
                (
                    m["manager"].as_str().unwrap_or(""),
                    m["operation"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            managers,
            [("kubectl", "Apply"), ("kubectl-create", "Update")],
            "{cm:#}"
        );
        assert_eq!(
            cm["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:data": {"f:a": {}}}),
            "{cm:#}"
        );
    });
}
