//! `kubectl get`: the bootstrap objects, single objects as JSON and YAML, NotFound, and paging
//! with `--chunk-size`.

use serde_json::json;

use super::{configmap, documents, each_kubectl, lines, texts};

/// `8-4-4-4-12` lowercase hex.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && s.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// RFC 3339 in UTC with whole seconds, as Kubernetes writes `metav1.Time`:
/// `2024-05-01T12:34:56Z`.
fn is_kube_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// With every default controller, each namespace holds the `kube-root-ca.crt` ConfigMap, as in a
/// real cluster.
#[test]
fn every_namespace_has_the_root_ca_configmap() {
    super::each_kubectl_on(
        || kubemem_tests::TestCluster::start_with(kubemem_apiserver::Config::default()),
        |k| {
            k.say("get cm -A -o name (after a namespace is made)");
            k.ok(&["create", "namespace", "team"]);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            let mut names = String::new();
            while std::time::Instant::now() < deadline {
                names = k.ok(&["get", "cm", "-n", "team", "-o", "name"]);
                if !names.is_empty() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            assert_eq!(names, "configmap/kube-root-ca.crt\n");
            let pem = k.ok(&[
                "get",
                "cm",
                "kube-root-ca.crt",
                "-n",
                "default",
                "-o",
                "jsonpath={.data.ca\\.crt}",
            ]);
            assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        },
    );
}

#[test]
fn get_namespaces_shows_the_bootstrap_namespaces() {
    each_kubectl(|k| {
        k.say("get ns -o name");
        assert_eq!(
            k.ok(&["get", "ns", "-o", "name"]),
            lines(&[
                "namespace/default",
                "namespace/kube-node-lease",
                "namespace/kube-public",
                "namespace/kube-system",
            ])
        );
        k.say("get ns default -o jsonpath");
        assert_eq!(
            k.ok(&[
                "get",
                "ns",
                "default",
                "-o",
                "jsonpath={.kind} {.status.phase} {.spec.finalizers} \
                 {.metadata.labels.kubernetes\\.io/metadata\\.name}",
            ]),
            "Namespace Active [\"kubernetes\"] default"
        );
    });
}

#[test]
fn get_kubernetes_service_as_json() {
    each_kubectl(|k| {
        k.say("get svc kubernetes -n default -o json");
        let svc = k.json(&["get", "svc", "kubernetes", "-n", "default", "-o", "json"]);
        assert_eq!(svc["apiVersion"], "v1", "{svc:#}");
        assert_eq!(svc["kind"], "Service", "{svc:#}");
        let meta = &svc["metadata"];
        assert_eq!(meta["name"], "kubernetes", "{svc:#}");
        assert_eq!(meta["namespace"], "default", "{svc:#}");
        assert_eq!(
            meta["labels"],
            json!({"component": "apiserver", "provider": "kubernetes"}),
            "{svc:#}"
        );
        assert!(meta["uid"].as_str().is_some_and(is_uuid), "{svc:#}");
        let spec = &svc["spec"];
        assert_eq!(spec["type"], "ClusterIP", "{svc:#}");
        assert_eq!(
            spec["ports"],
            json!([{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]),
            "{svc:#}"
        );
        assert!(spec["clusterIP"].is_string(), "{svc:#}");
        assert_eq!(spec["clusterIPs"], json!([spec["clusterIP"]]), "{svc:#}");
        assert_eq!(spec["sessionAffinity"], "None", "{svc:#}");
        assert_eq!(spec["ipFamilies"], json!(["IPv4"]), "{svc:#}");
        assert_eq!(spec["ipFamilyPolicy"], "SingleStack", "{svc:#}");
        assert_eq!(spec["internalTrafficPolicy"], "Cluster", "{svc:#}");
        assert_eq!(svc["status"], json!({"loadBalancer": {}}), "{svc:#}");
    });
}

#[test]
fn get_configmap_as_yaml_shows_server_set_metadata() {
    each_kubectl(|k| {
        k.say("create -f cm x; get cm x -o json / -o yaml");
        k.create(
            "x.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n",
        );
        let cm = k.json(&["get", "cm", "x", "-o", "json"]);
        let meta = &cm["metadata"];
        let uid = meta["uid"].as_str().expect("uid");
        let rv = meta["resourceVersion"].as_str().expect("resourceVersion");
        let created = meta["creationTimestamp"]
            .as_str()
            .expect("creationTimestamp");
        assert!(is_uuid(uid), "uid {uid:?}");
        assert!(
            rv.parse::<u64>().is_ok_and(|rv| rv > 0),
            "resourceVersion {rv:?}"
        );
        assert!(is_kube_time(created), "creationTimestamp {created:?}");
        assert_eq!(
            k.ok(&["get", "cm", "x", "-o", "yaml"]),
            lines(&[
                "apiVersion: v1",
                "data:",
                "  k: v",
                "kind: ConfigMap",
                "metadata:",
                &format!("  creationTimestamp: \"{created}\""),
                "  name: x",
                "  namespace: default",
                &format!("  resourceVersion: \"{rv}\""),
                &format!("  uid: {uid}"),
            ])
        );
    });
}

#[test]
fn get_missing_object_is_not_found() {
    each_kubectl(|k| {
        k.say("get cm missing");
        assert_eq!(
            k.fails(&["get", "cm", "missing"]),
            "Error from server (NotFound): configmaps \"missing\" not found\n"
        );
        k.say("get ns missing -o name");
        assert_eq!(
            k.fails(&["get", "ns", "missing", "-o", "name"]),
            "Error from server (NotFound): namespaces \"missing\" not found\n"
        );
    });
}

#[test]
fn get_empty_list_says_no_resources_found() {
    each_kubectl(|k| {
        k.say("get cm (none)");
        let out = k.run(&["get", "cm"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(stderr, "No resources found in default namespace.\n");
    });
}

#[test]
fn get_with_chunk_size_pages_through_everything() {
    each_kubectl(|k| {
        k.say("create -f 5 configmaps; get cm --chunk-size=2");
        let names = ["c1", "c2", "c3", "c4", "c5"];
        let docs: Vec<String> = names.iter().map(|n| configmap(n, &[])).collect();
        k.create("five.yaml", &documents(&docs));
        let expected: Vec<String> = names.iter().map(|n| format!("configmap/{n}")).collect();
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_eq!(
            k.ok(&["get", "cm", "--chunk-size=2", "-o", "name"]),
            lines(&expected)
        );

        k.say("get cm --chunk-size=2 -v=6 makes three list requests");
        let out = k.run(&["get", "cm", "--chunk-size=2", "-o", "name", "-v=6"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, lines(&expected));
        let requests: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("/configmaps?") && l.contains("limit=2"))
            .collect();
        assert_eq!(requests.len(), 3, "list requests: {requests:#?}");
        assert_eq!(
            requests.iter().filter(|l| l.contains("continue=")).count(),
            2,
            "list requests: {requests:#?}"
        );
    });
}
