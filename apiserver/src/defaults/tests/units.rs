//! Quantities, image references, Pod-only defaults and odd input.

use serde_json::{Value, json};

use crate::defaults::apply_defaults;
use crate::defaults::image::pull_policy;

#[test]
fn resource_lists_round_up_to_milli_and_sort() {
    let mut obj = json!({"spec": {"containers": [{"name": "c", "image": "c", "resources": {
        "requests": {"memory": "64Mi", "cpu": "100u"}, "limits": {"cpu": "1.5m"}
    }}]}})
    .as_object()
    .cloned()
    .unwrap();
    apply_defaults("", "v1", "pods", &mut obj);
    let resources = &obj["spec"]["containers"][0]["resources"];
    assert_eq!(
        resources.to_string(),
        json!({"requests": {"cpu": "1m", "memory": "64Mi"}, "limits": {"cpu": "2m"}}).to_string()
    );
}

#[test]
fn quantity_too_large_to_print_is_left_as_given() {
    let mut obj = json!({"spec": {"containers": [{"name": "c", "image": "c", "resources": {
        "requests": {"cpu": "10e2147483647"}
    }}]}})
    .as_object()
    .cloned()
    .unwrap();
    apply_defaults("", "v1", "pods", &mut obj);
    assert_eq!(
        obj["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        json!("10e2147483647")
    );
}

#[test]
fn image_pull_policy() {
    let digest = "sha256:".to_owned() + &"ab".repeat(32);
    let cases = [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("nginx:Latest", "IfNotPresent"),
        (&format!("nginx@{digest}"), "IfNotPresent"),
        (&format!("nginx:latest@{digest}"), "Always"),
        ("nginx@sha256:abc", "IfNotPresent"),
        ("NGINX", "IfNotPresent"),
        ("gcr.io/Foo/bar", "IfNotPresent"),
        ("Foo/bar", "Always"),
        ("", "IfNotPresent"),
        ("localhost:5000/app", "Always"),
        ("registry.example.com:5000/team/app:latest", "Always"),
        ("registry.example.com:5000/team/app:v2", "IfNotPresent"),
        ("[::1]:5000/app", "Always"),
        ("docker.io/library/busybox", "Always"),
        ("index.docker.io/busybox:1.36", "IfNotPresent"),
        ("my_repo/a__b/c-d.e", "Always"),
        ("a/b_-c", "IfNotPresent"),
        (&"g".repeat(64), "Always"),
        (&"a".repeat(64), "IfNotPresent"),
        (&"ab".repeat(32), "IfNotPresent"),
    ];
    for (image, want) in cases {
        assert_eq!(pull_policy(image), want, "{image:?}");
    }
}

#[test]
fn pod_only_defaults() {
    let mut obj = json!({"spec": {
        "hostNetwork": true,
        "initContainers": [{"name": "init", "image": "busybox:1", "restartPolicy": "Always",
            "resources": {"limits": {"memory": "100Mi"}}}],
        "containers": [
            {"name": "a", "image": "a:1", "ports": [{"containerPort": 8080}],
             "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}}},
            {"name": "b", "image": "b:1", "resources": {"requests": {"memory": "1Gi"}}}
        ],
        "resources": {"limits": {"cpu": "4", "memory": "4Gi"}}
    }})
    .as_object()
    .cloned()
    .unwrap();
    apply_defaults("", "v1", "pods", &mut obj);
    let spec = &obj["spec"];
    println!(
        "== Pod-only defaults\n{}",
        serde_json::to_string_pretty(spec).unwrap()
    );
    assert_eq!(
        spec["containers"][0]["ports"][0],
        json!({"hostPort": 8080, "containerPort": 8080, "protocol": "TCP"})
    );
    assert_eq!(
        spec["containers"][0]["resources"]["requests"],
        json!({"cpu": "500m", "memory": "1Gi"})
    );
    assert_eq!(
        spec["initContainers"][0]["resources"]["requests"],
        json!({"memory": "100Mi"})
    );
    // Pod-level requests: the containers' effective requests (sidecar included), memory
    // 1Gi + 1Gi + 100Mi, cpu 500m.
    assert_eq!(
        spec["resources"]["requests"].to_string(),
        json!({"cpu": "500m", "memory": "2148Mi"}).to_string()
    );
    assert_eq!(
        spec["resources"]["limits"],
        json!({"cpu": "4", "memory": "4Gi"})
    );
}

#[test]
fn pod_level_requests_from_limits_and_hugepage_limits() {
    let mut obj = json!({"spec": {
        "containers": [{"name": "a", "image": "a", "resources": {"limits": {"hugepages-2Mi": "4Mi"}}}],
        "resources": {"limits": {"memory": "1Gi"}}
    }})
    .as_object()
    .cloned()
    .unwrap();
    apply_defaults("", "v1", "pods", &mut obj);
    let resources = &obj["spec"]["resources"];
    assert_eq!(
        resources["limits"].to_string(),
        json!({"hugepages-2Mi": "4Mi", "memory": "1Gi"}).to_string()
    );
    assert_eq!(
        resources["requests"].to_string(),
        json!({"hugepages-2Mi": "4Mi", "memory": "1Gi"}).to_string()
    );
}

#[test]
fn volume_sources_and_probe_handlers() {
    let mut obj = json!({"template": {"spec": {
        "volumes": [
            {"name": "img", "image": {"reference": "quay.io/data:latest"}},
            {"name": "img2", "image": {"reference": "quay.io/data:v1"}},
            {"name": "proj", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}, {"downwardAPI": {"items": [{"path": "n", "fieldRef": {"fieldPath": "metadata.name"}}]}}]}},
            {"name": "dapi", "downwardAPI": {"items": [{"path": "l", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
            {"name": "sec", "secret": {"secretName": "s"}},
            {"name": "tmp", "emptyDir": {"sizeLimit": "1024Mi"}},
            {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"]}}}},
            {"name": "rbd", "rbd": {"monitors": ["m"], "image": "i"}},
            {"name": "disk", "azureDisk": {"diskName": "d", "diskURI": "u"}}
        ],
        "containers": [{"name": "c", "image": "c:1",
            "readinessProbe": {"grpc": {"port": 9000}},
            "startupProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 0},
            "lifecycle": {"preStop": {"httpGet": {"port": 80}}}}]
    }}})
    .as_object()
    .cloned()
    .unwrap();
    apply_defaults("", "v1", "podtemplates", &mut obj);
    let spec = &obj["template"]["spec"];
    let v = &spec["volumes"];
    assert_eq!(
        v[0]["image"],
        json!({"reference": "quay.io/data:latest", "pullPolicy": "Always"})
    );
    assert_eq!(v[1]["image"]["pullPolicy"], json!("IfNotPresent"));
    assert_eq!(v[2]["projected"]["defaultMode"], json!(420));
    assert_eq!(
        v[2]["projected"]["sources"][0]["serviceAccountToken"],
        json!({"expirationSeconds": 3600, "path": "t"})
    );
    assert_eq!(
        v[2]["projected"]["sources"][1]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"],
        json!("v1")
    );
    assert_eq!(v[3]["downwardAPI"]["defaultMode"], json!(420));
    assert_eq!(
        v[4]["secret"],
        json!({"secretName": "s", "defaultMode": 420})
    );
    assert_eq!(v[5]["emptyDir"], json!({"sizeLimit": "1Gi"}));
    assert_eq!(
        v[6]["ephemeral"]["volumeClaimTemplate"].to_string(),
        json!({"metadata": {}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {}, "volumeMode": "Filesystem"}}).to_string()
    );
    assert_eq!(v[7]["rbd"].to_string(), json!({"monitors": ["m"], "image": "i", "pool": "rbd", "user": "admin", "keyring": "/etc/ceph/keyring"}).to_string());
    assert_eq!(v[8]["azureDisk"].to_string(), json!({"diskName": "d", "diskURI": "u", "cachingMode": "ReadWrite", "fsType": "ext4", "readOnly": false, "kind": "Shared"}).to_string());
    let c = &spec["containers"][0];
    assert_eq!(
        c["readinessProbe"]["grpc"],
        json!({"port": 9000, "service": ""})
    );
    assert_eq!(c["startupProbe"]["periodSeconds"], json!(10));
    assert_eq!(
        c["lifecycle"]["preStop"]["httpGet"],
        json!({"path": "/", "port": 80, "scheme": "HTTP"})
    );
    // Templates get no Pod-only defaults.
    assert!(spec.get("enableServiceLinks").is_none());
}

#[test]
fn service_account_alias() {
    let mut obj = json!({"spec": {"serviceAccount": "legacy", "containers": []}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "pods", &mut obj);
    assert_eq!(obj["spec"]["serviceAccountName"], json!("legacy"));
    assert_eq!(obj["spec"]["serviceAccount"], json!("legacy"));
    let mut obj = json!({"spec": {"serviceAccountName": "new", "serviceAccount": "old"}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "pods", &mut obj);
    assert_eq!(obj["spec"]["serviceAccount"], json!("new"));
}

#[test]
fn statefulset_given_strategy_type_keeps_nil_rolling_update() {
    let mut obj = json!({"spec": {"updateStrategy": {"type": "RollingUpdate"}}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("apps", "v1", "statefulsets", &mut obj);
    assert_eq!(
        obj["spec"]["updateStrategy"],
        json!({"type": "RollingUpdate"})
    );
    let mut obj = json!({"spec": {"strategy": {"type": "Recreate"}}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("apps", "v1", "deployments", &mut obj);
    assert_eq!(obj["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn job_variants() {
    let mut obj = json!({"spec": {"completions": 5, "backoffLimitPerIndex": 1, "completionMode": "Indexed",
        "podFailurePolicy": {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}}})
    .as_object()
    .cloned()
    .unwrap();
    apply_defaults("batch", "v1", "jobs", &mut obj);
    let spec = &obj["spec"];
    assert_eq!(spec["parallelism"], json!(1));
    assert_eq!(spec["backoffLimit"], json!(2147483647));
    assert_eq!(spec["podReplacementPolicy"], json!("Failed"));
    assert_eq!(
        spec["podFailurePolicy"]["rules"][0]["onPodConditions"][0],
        json!({"type": "DisruptionTarget", "status": "True"})
    );
    assert!(obj.get("metadata").is_none());
}

#[test]
fn namespace_node_and_events() {
    let mut ns = json!({"metadata": {"name": "team-a", "labels": {"z": "1"}}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "namespaces", &mut ns);
    assert_eq!(
        Value::Object(ns).to_string(),
        json!({"metadata": {"name": "team-a", "labels": {"kubernetes.io/metadata.name": "team-a", "z": "1"}}, "status": {"phase": "Active"}}).to_string()
    );
    let mut node =
        json!({"metadata": {"name": "n"}, "status": {"capacity": {"pods": "110", "cpu": "4"}}})
            .as_object()
            .cloned()
            .unwrap();
    apply_defaults("", "v1", "nodes", &mut node);
    assert_eq!(node["spec"], json!({}));
    assert_eq!(
        node["status"]["allocatable"].to_string(),
        json!({"cpu": "4", "pods": "110"}).to_string()
    );
    let mut event = json!({"metadata": {"name": "e"}, "reason": "Started", "message": "m"})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "events", &mut event);
    assert_eq!(
        Value::Object(event).to_string(),
        json!({"metadata": {"name": "e"}, "involvedObject": {}, "reason": "Started", "message": "m", "source": {},
            "firstTimestamp": null, "lastTimestamp": null, "eventTime": null, "reportingComponent": "", "reportingInstance": ""}).to_string()
    );
}

/// Values of the wrong type are left for decoding and validation to reject; nothing panics.
#[test]
fn odd_input_never_panics() {
    let kinds = [
        ("", "pods"),
        ("", "podtemplates"),
        ("", "replicationcontrollers"),
        ("", "services"),
        ("", "endpoints"),
        ("", "namespaces"),
        ("", "secrets"),
        ("", "persistentvolumes"),
        ("", "persistentvolumeclaims"),
        ("", "limitranges"),
        ("", "resourcequotas"),
        ("", "nodes"),
        ("", "events"),
        ("", "configmaps"),
        ("apps", "deployments"),
        ("apps", "replicasets"),
        ("apps", "daemonsets"),
        ("apps", "statefulsets"),
        ("batch", "jobs"),
        ("batch", "cronjobs"),
        ("autoscaling", "horizontalpodautoscalers"),
        ("networking.k8s.io", "networkpolicies"),
        ("networking.k8s.io", "ingressclasses"),
        ("rbac.authorization.k8s.io", "rolebindings"),
        ("storage.k8s.io", "storageclasses"),
        ("scheduling.k8s.io", "priorityclasses"),
        ("discovery.k8s.io", "endpointslices"),
        ("events.k8s.io", "events"),
        ("coordination.k8s.io", "leases"),
    ];
    let odd = [
        json!({}),
        json!({"spec": null, "metadata": null, "status": null}),
        json!({"spec": 5, "metadata": "x", "status": []}),
        json!({"spec": {"template": 1, "containers": {"a": 1}, "ports": "x", "volumes": [1, null, "v"],
            "strategy": "x", "updateStrategy": [], "jobTemplate": {"spec": 3}, "behavior": 2, "metrics": 7,
            "resources": {"limits": [1], "requests": "x"}, "type": 9, "selector": 3, "subsets": {}}}),
        json!({"spec": {"template": {"metadata": 1, "spec": {"containers": [{"image": 7, "ports": [{"containerPort": "x"}],
            "resources": {"limits": {"cpu": "bogus", "memory": []}}, "livenessProbe": {"httpGet": 3, "grpc": []},
            "env": [{"valueFrom": {"fieldRef": 1}}]}], "volumes": [{"name": 1, "image": {"reference": 5}}],
            "initContainers": [{"restartPolicy": 3, "resources": {"requests": {"cpu": {}}}}], "hostNetwork": "yes",
            "resources": {"limits": {"memory": "1e400"}}}},
            "volumeClaimTemplates": [{"status": 3, "spec": []}], "behavior": {"scaleUp": [], "scaleDown": {"policies": 3}},
            "podFailurePolicy": {"rules": [{"onPodConditions": [5]}]}, "egress": 4, "ingress": [{"ports": [2]}],
            "limits": [{"type": "Container", "max": {"cpu": "1"}, "default": 4}]},
            "subjects": 3, "roleRef": 4, "ports": [{"port": "x"}], "endpoints": [null], "subsets": [{"ports": [null]}]}),
    ];
    for (group, resource) in kinds {
        for input in &odd {
            for version in ["v1", "v2"] {
                let mut obj = input.as_object().cloned().unwrap();
                apply_defaults(group, version, resource, &mut obj);
            }
        }
    }
    let mut obj = json!({"spec": {"clusterIPs": 5, "ipFamilies": "x", "selector": []}})
        .as_object()
        .cloned()
        .unwrap();
    crate::defaults::service_ip_families(&mut obj, None);
    let mut obj = json!({"spec": {"template": {"metadata": {"labels": 5}}, "selector": []}})
        .as_object()
        .cloned()
        .unwrap();
    crate::defaults::job_selector(&mut obj, "u");
}
