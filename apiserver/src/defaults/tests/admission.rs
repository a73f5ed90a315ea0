//! A minimal Pod through defaulting and the default-on admission plugins: the spec
//! `kubectl get pod -o yaml` shows before scheduling (plugin sources under
//! `plugin/pkg/admission/{serviceaccount,priority,defaulttolerationseconds}`).

use serde_json::{Value, json};

use crate::defaults::{
    apply_defaults, default_priority, default_toleration_seconds, service_account_token,
};

fn pod(spec: Value) -> serde_json::Map<String, Value> {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx", "namespace": "default"}, "spec": spec})
        .as_object()
        .cloned()
        .unwrap()
}

#[test]
fn minimal_pod_after_admission() {
    let mut obj = pod(json!({"containers": [{"name": "nginx", "image": "nginx:1.27"}]}));
    apply_defaults("", "v1", "pods", &mut obj);
    service_account_token(
        &mut obj,
        &json!({"metadata": {"name": "default"}})
            .as_object()
            .cloned()
            .unwrap(),
        "x7k2p",
    );
    default_priority(&mut obj, None).unwrap();
    default_toleration_seconds(&mut obj);
    println!(
        "== Pod after ServiceAccount, Priority, DefaultTolerationSeconds\n{}",
        serde_json::to_string_pretty(&obj).unwrap()
    );
    let want = json!({
        "volumes": [{
            "name": "kube-api-access-x7k2p",
            "projected": {
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                ],
                "defaultMode": 420
            }
        }],
        "containers": [{
            "name": "nginx", "image": "nginx:1.27",
            "resources": {},
            "volumeMounts": [{"name": "kube-api-access-x7k2p", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent"
        }],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default",
        "serviceAccount": "default",
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        ],
        "priority": 0,
        "enableServiceLinks": true,
        "preemptionPolicy": "PreemptLowerPriority"
    });
    assert_eq!(obj["spec"].to_string(), want.to_string());
}

#[test]
fn admission_respects_what_the_pod_says() {
    let mut obj = pod(json!({
        "containers": [{"name": "a", "image": "a", "volumeMounts": [{"name": "own", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}],
        "initContainers": [{"name": "i", "image": "i"}],
        "serviceAccountName": "builder",
        "tolerations": [{"operator": "Exists"}]
    }));
    apply_defaults("", "v1", "pods", &mut obj);
    let sa = json!({"metadata": {"name": "builder"}, "imagePullSecrets": [{"name": "regcred"}]});
    service_account_token(&mut obj, sa.as_object().unwrap(), "abcde");
    default_toleration_seconds(&mut obj);
    let spec = &obj["spec"];
    assert_eq!(spec["serviceAccount"], json!("builder"));
    // Only the init container lacked a mount at the token path.
    assert_eq!(
        spec["initContainers"][0]["volumeMounts"][0]["name"],
        json!("kube-api-access-abcde")
    );
    assert_eq!(
        spec["containers"][0]["volumeMounts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(spec["volumes"][0]["name"], json!("kube-api-access-abcde"));
    assert_eq!(spec["imagePullSecrets"], json!([{"name": "regcred"}]));
    // An empty-key toleration with empty effect tolerates everything.
    assert_eq!(spec["tolerations"], json!([{"operator": "Exists"}]));

    let mut opted_out = pod(
        json!({"containers": [{"name": "a", "image": "a"}], "automountServiceAccountToken": false}),
    );
    service_account_token(&mut opted_out, &serde_json::Map::new(), "abcde");
    assert!(opted_out["spec"].get("volumes").is_none());
    let mut sa_opted_out = pod(json!({"containers": [{"name": "a", "image": "a"}]}));
    service_account_token(
        &mut sa_opted_out,
        json!({"automountServiceAccountToken": false})
            .as_object()
            .unwrap(),
        "abcde",
    );
    assert!(sa_opted_out["spec"].get("volumes").is_none());
}

#[test]
fn priority_from_a_class_and_conflicts() {
    let class = json!({"metadata": {"name": "high"}, "value": 1000, "preemptionPolicy": "Never"});
    let mut obj = pod(json!({"containers": []}));
    default_priority(&mut obj, class.as_object()).unwrap();
    assert_eq!(obj["spec"]["priorityClassName"], json!("high"));
    assert_eq!(obj["spec"]["priority"], json!(1000));
    assert_eq!(obj["spec"]["preemptionPolicy"], json!("Never"));

    let mut conflicting = pod(json!({"priority": 5}));
    let err = default_priority(&mut conflicting, None).unwrap_err();
    assert_eq!(
        err,
        "the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"
    );
}
