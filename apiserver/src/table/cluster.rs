//! Cluster and configuration printers: nodes, namespaces, events, persistent volumes and claims,
//! storage and priority classes, secrets, config maps, service accounts, resource quotas, leases,
//! (cluster) role bindings and component statuses.

use serde_json::{Value, json};

use super::json::{
    annotation, arr, at, bool_at, has, int_at, len_i64, map_len, name, obj, opt_str, str_at,
};
use super::time;
use crate::quantity;

pub(crate) fn node(n: &Value, now: i64) -> Vec<Value> {
    // The last Ready condition wins, as in Go's conditionMap.
    let ready = arr(n, &["status", "conditions"])
        .iter()
        .rev()
        .find(|c| str_at(c, &["type"]) == "Ready");
    let mut status: Vec<&str> = match ready {
        Some(c) if str_at(c, &["status"]) == "True" => vec!["Ready"],
        Some(_) => vec!["NotReady"],
        None => vec!["Unknown"],
    };
    if bool_at(n, &["spec", "unschedulable"]) {
        status.push("SchedulingDisabled");
    }
    let mut roles: Vec<&str> = obj(n, &["metadata", "labels"])
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role),
            Some(_) => None,
            None if k == "kubernetes.io/role" => v.as_str().filter(|v| !v.is_empty()),
            None => None,
        })
        .collect();
    roles.sort_unstable();
    roles.dedup();
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    let address = |t: &str| {
        arr(n, &["status", "addresses"])
            .iter()
            .find(|a| str_at(a, &["type"]) == t)
            .map_or("<none>", |a| str_at(a, &["address"]))
    };
    let info = |field: &str| match str_at(n, &["status", "nodeInfo", field]) {
        "" => "<unknown>",
        v => v,
    };
    vec![
        json!(name(n)),
        json!(status.join(",")),
        json!(roles),
        json!(time::age(n, now)),
        json!(str_at(n, &["status", "nodeInfo", "kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(info("osImage")),
        json!(info("kernelVersion")),
        json!(info("containerRuntimeVersion")),
    ]
}

pub(crate) fn namespace(ns: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(ns)),
        json!(str_at(ns, &["status", "phase"])),
        json!(time::age(ns, now)),
    ]
}

/// Field names of one event shape: core/v1 or events.k8s.io/v1 (converted to the same internal
/// `core.Event` before printing).
struct EventFields {
    regarding: &'static str,
    message: &'static str,
    source: &'static str,
    first: &'static str,
    last: &'static str,
    count: &'static str,
    controller: &'static str,
}

const CORE_EVENT: EventFields = EventFields {
    regarding: "involvedObject",
    message: "message",
    source: "source",
    first: "firstTimestamp",
    last: "lastTimestamp",
    count: "count",
    controller: "reportingComponent",
};

const EVENTS_K8S_IO: EventFields = EventFields {
    regarding: "regarding",
    message: "note",
    source: "deprecatedSource",
    first: "deprecatedFirstTimestamp",
    last: "deprecatedLastTimestamp",
    count: "deprecatedCount",
    controller: "reportingController",
};

/// `printEvent`; `events_api` selects the events.k8s.io/v1 field names.
pub(crate) fn event(e: &Value, now: i64, events_api: bool) -> Vec<Value> {
    let f = if events_api {
        &EVENTS_K8S_IO
    } else {
        &CORE_EVENT
    };
    let first_time = time::parse(at(e, &[f.first]));
    let first = if time::is_zero(first_time) {
        time::since(time::parse(at(e, &["eventTime"])), now)
    } else {
        time::since(first_time, now)
    };
    let last_time = time::parse(at(e, &[f.last]));
    let mut last = if time::is_zero(last_time) {
        first.clone()
    } else {
        time::since(last_time, now)
    };
    let mut count = int_at(e, &[f.count]);
    if let Some(series) = at(e, &["series"]) {
        last = time::since(time::parse(at(series, &["lastObservedTime"])), now);
        count = int_at(series, &["count"]);
    } else if count == 0 {
        count = 1;
    }
    let kind = str_at(e, &[f.regarding, "kind"]).to_lowercase();
    let target = match str_at(e, &[f.regarding, "name"]) {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let component = first_non_empty(
        str_at(e, &[f.source, "component"]),
        str_at(e, &[f.controller]),
    );
    let instance = first_non_empty(
        str_at(e, &[f.source, "host"]),
        str_at(e, &["reportingInstance"]),
    );
    let source = if instance.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {instance}")
    };
    vec![
        json!(last),
        json!(str_at(e, &["type"])),
        json!(str_at(e, &["reason"])),
        json!(target),
        json!(str_at(e, &[f.regarding, "fieldPath"])),
        json!(source),
        json!(str_at(e, &[f.message]).trim()),
        json!(first),
        json!(count),
        json!(name(e)),
    ]
}

/// `firstNonEmpty` of two strings.
fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}

/// `helper.GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order, each once.
fn access_modes(modes: &[Value]) -> String {
    let has_mode = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| has_mode(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// The beta `volume.beta.kubernetes.io/storage-class` annotation wins when present (even empty).
fn beta_storage_class(o: &Value) -> Option<&str> {
    obj(o, &["metadata", "annotations"])
        .and_then(|m| m.get("volume.beta.kubernetes.io/storage-class"))
        .map(|v| v.as_str().unwrap_or(""))
}

fn phase_or_terminating(o: &Value) -> &str {
    if has(o, &["metadata", "deletionTimestamp"]) {
        "Terminating"
    } else {
        str_at(o, &["status", "phase"])
    }
}

pub(crate) fn persistent_volume(pv: &Value, now: i64) -> Vec<Value> {
    let claim = match at(pv, &["spec", "claimRef"]) {
        Some(r) => format!("{}/{}", str_at(r, &["namespace"]), str_at(r, &["name"])),
        None => String::new(),
    };
    let class = beta_storage_class(pv).unwrap_or_else(|| str_at(pv, &["spec", "storageClassName"]));
    vec![
        json!(name(pv)),
        json!(quantity::format(at(pv, &["spec", "capacity", "storage"]))),
        json!(access_modes(arr(pv, &["spec", "accessModes"]))),
        json!(str_at(pv, &["spec", "persistentVolumeReclaimPolicy"])),
        json!(phase_or_terminating(pv)),
        json!(claim),
        json!(class),
        json!(opt_str(pv, &["spec", "volumeAttributesClassName"]).unwrap_or("<unset>")),
        json!(str_at(pv, &["status", "reason"])),
        json!(time::age(pv, now)),
        json!(opt_str(pv, &["spec", "volumeMode"]).unwrap_or("<unset>")),
    ]
}

pub(crate) fn persistent_volume_claim(pvc: &Value, now: i64) -> Vec<Value> {
    let volume = str_at(pvc, &["spec", "volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            quantity::format(at(pvc, &["status", "capacity", "storage"])),
            access_modes(arr(pvc, &["status", "accessModes"])),
        )
    };
    let class = beta_storage_class(pvc)
        .or_else(|| opt_str(pvc, &["spec", "storageClassName"]))
        .unwrap_or("");
    vec![
        json!(name(pvc)),
        json!(phase_or_terminating(pvc)),
        json!(volume),
        json!(capacity),
        json!(modes),
        json!(class),
        json!(opt_str(pvc, &["spec", "volumeAttributesClassName"]).unwrap_or("<unset>")),
        json!(time::age(pvc, now)),
        json!(opt_str(pvc, &["spec", "volumeMode"]).unwrap_or("<unset>")),
    ]
}

pub(crate) fn storage_class(sc: &Value, now: i64) -> Vec<Value> {
    let mut shown = name(sc);
    if annotation(sc, "storageclass.kubernetes.io/is-default-class") == "true"
        || annotation(sc, "storageclass.beta.kubernetes.io/is-default-class") == "true"
    {
        shown.push_str(" (default)");
    }
    vec![
        json!(shown),
        json!(str_at(sc, &["provisioner"])),
        json!(opt_str(sc, &["reclaimPolicy"]).unwrap_or("Delete")),
        json!(opt_str(sc, &["volumeBindingMode"]).unwrap_or("Immediate")),
        json!(bool_at(sc, &["allowVolumeExpansion"])),
        json!(time::age(sc, now)),
    ]
}

pub(crate) fn priority_class(pc: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(pc)),
        json!(int_at(pc, &["value"])),
        json!(bool_at(pc, &["globalDefault"])),
        json!(time::age(pc, now)),
        json!(str_at(pc, &["preemptionPolicy"])),
    ]
}

pub(crate) fn secret(s: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(s)),
        json!(str_at(s, &["type"])),
        json!(map_len(s, &["data"])),
        json!(time::age(s, now)),
    ]
}

pub(crate) fn config_map(cm: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(cm)),
        json!(map_len(cm, &["data"]) + map_len(cm, &["binaryData"])),
        json!(time::age(cm, now)),
    ]
}

pub(crate) fn service_account(sa: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(sa)),
        json!(len_i64(arr(sa, &["secrets"]))),
        json!(time::age(sa, now)),
    ]
}

/// `printResourceQuota`: `name: used/hard` per resource of `status.hard`, sorted, `limits.*` in the
/// Limit column.
pub(crate) fn resource_quota(rq: &Value, now: i64) -> Vec<Value> {
    let mut resources: Vec<&String> = obj(rq, &["status", "hard"])
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    resources.sort_unstable();
    let (mut requests, mut limits) = (Vec::new(), Vec::new());
    for r in resources {
        let used = quantity::format(obj(rq, &["status", "used"]).and_then(|m| m.get(r.as_str())));
        let hard = quantity::format(obj(rq, &["status", "hard"]).and_then(|m| m.get(r.as_str())));
        let entry = format!("{r}: {used}/{hard}");
        let pieces: Vec<&str> = r.split('.').collect();
        if pieces.len() > 1 && pieces[0] == "limits" {
            limits.push(entry);
        } else {
            requests.push(entry);
        }
    }
    vec![
        json!(name(rq)),
        json!(requests.join(", ")),
        json!(limits.join(", ")),
        json!(time::age(rq, now)),
    ]
}

pub(crate) fn lease(l: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(l)),
        json!(str_at(l, &["spec", "holderIdentity"])),
        json!(time::age(l, now)),
    ]
}

/// `printRoleBinding` / `printClusterRoleBinding` with `rbac.SubjectsStrings`.
pub(crate) fn role_binding(rb: &Value, now: i64) -> Vec<Value> {
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for s in arr(rb, &["subjects"]) {
        let subject_name = str_at(s, &["name"]);
        match str_at(s, &["kind"]) {
            "ServiceAccount" => sas.push(format!("{}/{subject_name}", str_at(s, &["namespace"]))),
            "User" => users.push(subject_name.to_string()),
            "Group" => groups.push(subject_name.to_string()),
            _ => {}
        }
    }
    vec![
        json!(name(rb)),
        json!(format!(
            "{}/{}",
            str_at(rb, &["roleRef", "kind"]),
            str_at(rb, &["roleRef", "name"])
        )),
        json!(time::age(rb, now)),
        json!(users.join(", ")),
        json!(groups.join(", ")),
        json!(sas.join(", ")),
    ]
}

pub(crate) fn component_status(cs: &Value) -> Vec<Value> {
    let healthy = arr(cs, &["conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == "Healthy");
    let (status, message, error) = match healthy {
        None => ("Unknown", "", ""),
        Some(c) => (
            if str_at(c, &["status"]) == "True" {
                "Healthy"
            } else {
                "Unhealthy"
            },
            str_at(c, &["message"]),
            str_at(c, &["error"]),
        ),
    };
    vec![json!(name(cs)), json!(status), json!(message), json!(error)]
}
