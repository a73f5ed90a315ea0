//! What the admission plugins kube-apiserver enables by default add to a Pod after defaulting
//! (`plugin/pkg/admission/…`, run in `AllOrderedPlugins` order: ServiceAccount, then Priority,
//! then DefaultTolerationSeconds). The objects they add are not defaulted again on the way in,
//! so they are written here exactly as the plugins build them. Looking objects up (the
//! ServiceAccount, the PriorityClass) is the caller's business.

use serde_json::{Value, json};

use super::json::{self, Obj, child, put};

/// Where the ServiceAccount plugin mounts the token volume.
pub const SERVICE_ACCOUNT_TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The ServiceAccount plugin on Pod create (`Admit`; mirror pods, annotated
/// `kubernetes.io/config.mirror`, are left alone):
/// - `serviceAccountName` (and its v1 alias `serviceAccount`) default to `default`;
/// - unless `automountServiceAccountToken` is false on the pod (or, when the pod does not say,
///   on `service_account`), every init container and container without a mount at
///   [`SERVICE_ACCOUNT_TOKEN_MOUNT_PATH`] gets a read-only one of the `kube-api-access-…` volume,
///   added (projected: token for 3607 s, `kube-root-ca.crt`'s `ca.crt`, the namespace) unless a
///   volume of that prefix exists;
/// - a pod without `imagePullSecrets` gets the service account's.
///
/// `service_account` is the ServiceAccount named by the pod after defaulting (the caller looks
/// it up: when it is missing, kube answers 403 Forbidden `pods "<name>" is forbidden: error
/// looking up service account <ns>/<sa>: serviceaccount "<sa>" not found`). `suffix` is the
/// volume name's random part: 5 characters of `bcdfghjklmnpqrstvwxz2456789`
/// (`names.SimpleNameGenerator`).
pub fn service_account_token(pod: &mut Obj, service_account: &Obj, suffix: &str) {
    let mirror = pod
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("kubernetes.io/config.mirror"))
        .is_some();
    if mirror {
        return;
    }
    let Some(spec) = child(pod, "spec") else {
        return;
    };
    let order = json::POD_SPEC;
    if json::unset_str(spec, "serviceAccountName") {
        put(
            spec,
            order,
            "serviceAccountName",
            Value::String("default".into()),
        );
        put(
            spec,
            order,
            "serviceAccount",
            Value::String("default".into()),
        );
    }
    let automount = match spec.get("automountServiceAccountToken") {
        Some(Value::Bool(b)) => *b,
        _ => !matches!(
            service_account.get("automountServiceAccountToken"),
            Some(Value::Bool(false))
        ),
    };
    if automount {
        mount_token(spec, suffix);
    }
    if json::empty_array(spec, "imagePullSecrets")
        && let Some(Value::Array(secrets)) = service_account.get("imagePullSecrets")
        && !secrets.is_empty()
    {
        let names = secrets
            .iter()
            .map(|s| json!({"name": s.get("name").and_then(Value::as_str).unwrap_or("")}))
            .collect();
        put(spec, order, "imagePullSecrets", Value::Array(names));
    }
}

/// `mountServiceAccountToken`.
fn mount_token(spec: &mut Obj, suffix: &str) {
    let existing = match spec.get("volumes") {
        Some(Value::Array(volumes)) => volumes
            .iter()
            .filter_map(|v| v.get("name").and_then(Value::as_str))
            .find(|n| n.starts_with("kube-api-access-"))
            .map(str::to_owned),
        _ => None,
    };
    let name = existing
        .clone()
        .unwrap_or_else(|| format!("kube-api-access-{suffix}"));
    let mount =
        json!({"name": name, "readOnly": true, "mountPath": SERVICE_ACCOUNT_TOKEN_MOUNT_PATH});
    let mut needs_volume = false;
    for key in ["initContainers", "containers"] {
        let Some(Value::Array(containers)) = spec.get_mut(key) else {
            continue;
        };
        for c in containers.iter_mut().filter_map(Value::as_object_mut) {
            let mounted = match c.get("volumeMounts") {
                Some(Value::Array(mounts)) => mounts.iter().any(|m| {
                    m.get("mountPath").and_then(Value::as_str)
                        == Some(SERVICE_ACCOUNT_TOKEN_MOUNT_PATH)
                }),
                _ => false,
            };
            if mounted {
                continue;
            }
            if json::absent(c, "volumeMounts") {
                put(c, json::CONTAINER, "volumeMounts", Value::Array(Vec::new()));
            }
            if let Some(Value::Array(mounts)) = c.get_mut("volumeMounts") {
                mounts.push(mount.clone());
                needs_volume = true;
            }
        }
    }
    if existing.is_some() || !needs_volume {
        return;
    }
    if json::absent(spec, "volumes") {
        put(spec, json::POD_SPEC, "volumes", Value::Array(Vec::new()));
    }
    if let Some(Value::Array(volumes)) = spec.get_mut("volumes") {
        volumes.push(json!({
            "name": name,
            "projected": {
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [
                        {"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}
                    ]}}
                ],
                "defaultMode": 420
            }
        }));
    }
}

/// The Priority plugin on Pod create. `class` is the PriorityClass the pod names, or — when it
/// names none — the one with `globalDefault: true` (the newest if several), or `None`: then the
/// pod gets priority 0 and `PreemptLowerPriority`. A named class is the caller's to find (kube
/// answers 403 `no PriorityClass with name <n> was found`). `Err` carries the 403 message when
/// the pod already states another priority or preemption policy.
pub fn default_priority(pod: &mut Obj, class: Option<&Obj>) -> Result<(), String> {
    let Some(spec) = child(pod, "spec") else {
        return Ok(());
    };
    let (priority, policy) = match class {
        Some(c) => {
            if json::unset_str(spec, "priorityClassName")
                && let Some(name) = c
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .and_then(Value::as_str)
            {
                put(
                    spec,
                    json::POD_SPEC,
                    "priorityClassName",
                    Value::String(name.into()),
                );
            }
            let value = c.get("value").and_then(Value::as_i64).unwrap_or(0);
            (
                value,
                c.get("preemptionPolicy")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            )
        }
        None => (0, Some("PreemptLowerPriority".to_owned())),
    };
    if let Some(given) = spec.get("priority").and_then(Value::as_i64)
        && given != priority
    {
        return Err(format!(
            "the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"
        ));
    }
    put(spec, json::POD_SPEC, "priority", Value::from(priority));
    if let Some(policy) = policy {
        if let Some(given) = spec.get("preemptionPolicy").and_then(Value::as_str)
            && given != policy
        {
            return Err(format!(
                "the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name"
            ));
        }
        put(
            spec,
            json::POD_SPEC,
            "preemptionPolicy",
            Value::String(policy),
        );
    }
    Ok(())
}

/// The DefaultTolerationSeconds plugin on Pod create and update: 300 s tolerations of the
/// `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` NoExecute taints,
/// unless a toleration already covers them (same or empty key, NoExecute or empty effect).
pub fn default_toleration_seconds(pod: &mut Obj) {
    let Some(spec) = child(pod, "spec") else {
        return;
    };
    let tolerates = |spec: &Obj, taint: &str| match spec.get("tolerations") {
        Some(Value::Array(list)) => list.iter().any(|t| {
            let key = t.get("key").and_then(Value::as_str).unwrap_or("");
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            (key == taint || key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
        }),
        _ => false,
    };
    let missing: Vec<&str> = [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ]
    .into_iter()
    .filter(|taint| !tolerates(spec, taint))
    .collect();
    if missing.is_empty() {
        return;
    }
    if json::absent(spec, "tolerations") {
        put(
            spec,
            json::POD_SPEC,
            "tolerations",
            Value::Array(Vec::new()),
        );
    }
    if let Some(Value::Array(list)) = spec.get_mut("tolerations") {
        for taint in missing {
            list.push(json!({"key": taint, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
        }
    }
}
