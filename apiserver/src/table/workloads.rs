//! Workload printers: replication controllers, replica sets, deployments, daemon sets, stateful
//! sets, jobs, cron jobs, controller revisions, horizontal pod autoscalers and pod disruption
//! budgets.

use serde_json::{Value, json};

use super::containers;
use super::json::{arr, at, has, int_at, len_i64, name, obj, opt_int, opt_str, str_at};
use super::selector::{format_label_selector, format_labels, selector_string};
use super::time;
use crate::quantity;

pub(crate) fn replication_controller(o: &Value, now: i64) -> Vec<Value> {
    replicas_row(o, now, format_labels(obj(o, &["spec", "selector"])))
}

pub(crate) fn replica_set(o: &Value, now: i64) -> Vec<Value> {
    replicas_row(o, now, format_label_selector(at(o, &["spec", "selector"])))
}

/// The row `printReplicationController` and `printReplicaSet` share: they differ only in how
/// the selector (a map, a `LabelSelector`) prints.
fn replicas_row(o: &Value, now: i64, selector: String) -> Vec<Value> {
    let (names, images) = containers(at(o, &["spec", "template", "spec"]));
    vec![
        json!(name(o)),
        json!(int_at(o, &["spec", "replicas"])),
        json!(int_at(o, &["status", "replicas"])),
        json!(int_at(o, &["status", "readyReplicas"])),
        json!(time::age(o, now)),
        json!(names),
        json!(images),
        json!(selector),
    ]
}

pub(crate) fn deployment(o: &Value, now: i64) -> Vec<Value> {
    let (names, images) = containers(at(o, &["spec", "template", "spec"]));
    let selector =
        selector_string(at(o, &["spec", "selector"])).unwrap_or_else(|()| "<invalid>".to_string());
    vec![
        json!(name(o)),
        json!(format!(
            "{}/{}",
            int_at(o, &["status", "readyReplicas"]),
            int_at(o, &["spec", "replicas"])
        )),
        json!(int_at(o, &["status", "updatedReplicas"])),
        json!(int_at(o, &["status", "availableReplicas"])),
        json!(time::age(o, now)),
        json!(names),
        json!(images),
        json!(selector),
    ]
}

pub(crate) fn daemon_set(o: &Value, now: i64) -> Vec<Value> {
    let (names, images) = containers(at(o, &["spec", "template", "spec"]));
    vec![
        json!(name(o)),
        json!(int_at(o, &["status", "desiredNumberScheduled"])),
        json!(int_at(o, &["status", "currentNumberScheduled"])),
        json!(int_at(o, &["status", "numberReady"])),
        json!(int_at(o, &["status", "updatedNumberScheduled"])),
        json!(int_at(o, &["status", "numberAvailable"])),
        json!(format_labels(obj(
            o,
            &["spec", "template", "spec", "nodeSelector"]
        ))),
        json!(time::age(o, now)),
        json!(names),
        json!(images),
        json!(format_label_selector(at(o, &["spec", "selector"]))),
    ]
}

pub(crate) fn stateful_set(o: &Value, now: i64) -> Vec<Value> {
    let (names, images) = containers(at(o, &["spec", "template", "spec"]));
    vec![
        json!(name(o)),
        json!(format!(
            "{}/{}",
            int_at(o, &["status", "readyReplicas"]),
            int_at(o, &["spec", "replicas"])
        )),
        json!(time::age(o, now)),
        json!(names),
        json!(images),
    ]
}

/// `hasJobCondition`: the first condition of that type decides.
fn job_condition(o: &Value, type_: &str) -> bool {
    arr(o, &["status", "conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == type_)
        .is_some_and(|c| str_at(c, &["status"]) == "True")
}

pub(crate) fn job(o: &Value, now: i64) -> Vec<Value> {
    let succeeded = int_at(o, &["status", "succeeded"]);
    let completions = match opt_int(o, &["spec", "completions"]) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match opt_int(o, &["spec", "parallelism"]).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = time::parse(at(o, &["status", "startTime"]));
    let completion = time::parse(at(o, &["status", "completionTime"]));
    let duration = match (start, completion) {
        (None, _) => String::new(),
        (Some(s), None) => time::human_duration(time::sub(time::from_unix(now), s)),
        (Some(s), Some(c)) => time::human_duration(time::sub(c, s)),
    };
    let status = if job_condition(o, "Complete") {
        "Complete"
    } else if job_condition(o, "Failed") {
        "Failed"
    } else if has(o, &["metadata", "deletionTimestamp"]) {
        "Terminating"
    } else if job_condition(o, "Suspended") {
        "Suspended"
    } else if job_condition(o, "FailureTarget") {
        "FailureTarget"
    } else if job_condition(o, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    };
    let (names, images) = containers(at(o, &["spec", "template", "spec"]));
    vec![
        json!(name(o)),
        json!(status),
        json!(completions),
        json!(duration),
        json!(time::age(o, now)),
        json!(names),
        json!(images),
        json!(format_label_selector(at(o, &["spec", "selector"]))),
    ]
}

pub(crate) fn cron_job(o: &Value, now: i64) -> Vec<Value> {
    let last_schedule = match at(o, &["status", "lastScheduleTime"]) {
        Some(t) => time::since(time::parse(Some(t)), now),
        None => "<none>".to_string(),
    };
    let suspend = match at(o, &["spec", "suspend"]).and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let (names, images) = containers(at(o, &["spec", "jobTemplate", "spec", "template", "spec"]));
    vec![
        json!(name(o)),
        json!(str_at(o, &["spec", "schedule"])),
        json!(opt_str(o, &["spec", "timeZone"]).unwrap_or("<none>")),
        json!(suspend),
        json!(len_i64(arr(o, &["status", "active"]))),
        json!(last_schedule),
        json!(time::age(o, now)),
        json!(names),
        json!(images),
        json!(format_label_selector(at(
            o,
            &["spec", "jobTemplate", "spec", "selector"]
        ))),
    ]
}

/// `printControllerRevision`: the controlling owner as `kind.group/name`, lower-cased.
pub(crate) fn controller_revision(o: &Value, now: i64) -> Vec<Value> {
    let owner = arr(o, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| at(r, &["controller"]).and_then(Value::as_bool) == Some(true));
    let controller = match owner {
        None => "<none>".to_string(),
        Some(r) => {
            let owner_name = str_at(r, &["name"]);
            let kind = str_at(r, &["kind"]);
            // schema.ParseGroupVersion; a malformed apiVersion (more than one '/') is an error in
            // Go, which validation never lets through; print the bare name for it.
            let api_version = str_at(r, &["apiVersion"]);
            let group = match api_version.matches('/').count() {
                _ if api_version == "/" => Some(""),
                0 => Some(""),
                1 => api_version.split_once('/').map(|(g, _)| g),
                _ => None,
            };
            match group {
                None => owner_name.to_string(),
                Some("") if kind.is_empty() => owner_name.to_string(),
                Some("") => format!("{}/{owner_name}", kind.to_lowercase()),
                Some(g) => format!("{}/{owner_name}", format!("{kind}.{g}").to_lowercase()),
            }
        }
    };
    vec![
        json!(name(o)),
        json!(controller),
        json!(int_at(o, &["revision"])),
        json!(time::age(o, now)),
    ]
}

/// `formatHPAMetrics` over the autoscaling/v2 (= internal) shape.
fn hpa_targets(o: &Value) -> String {
    let specs = arr(o, &["spec", "metrics"]);
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let statuses = arr(o, &["status", "currentMetrics"]);
    let mut list: Vec<String> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let status = statuses.get(i);
        // `len(statuses) > i && statuses[i].<source> != nil`
        let source_status = |source: &str| status.and_then(|s| at(s, &[source]));
        let entry = match str_at(spec, &["type"]) {
            kind @ ("External" | "Object") => {
                let source = if kind == "External" {
                    "external"
                } else {
                    "object"
                };
                let target = at(spec, &[source, "target"]);
                if let Some(avg) = target.and_then(|t| at(t, &["averageValue"])) {
                    let current = source_status(source)
                        .and_then(|s| at(s, &["current", "averageValue"]))
                        .map_or_else(
                            || "<unknown>".to_string(),
                            |q| quantity::format_ptr(Some(q)),
                        );
                    format!("{current}/{} (avg)", quantity::format_ptr(Some(avg)))
                } else {
                    let current = source_status(source).map_or_else(
                        || "<unknown>".to_string(),
                        |s| quantity::format_ptr(at(s, &["current", "value"])),
                    );
                    format!(
                        "{current}/{}",
                        quantity::format_ptr(target.and_then(|t| at(t, &["value"])))
                    )
                }
            }
            "Pods" => {
                let current = source_status("pods").map_or_else(
                    || "<unknown>".to_string(),
                    |s| quantity::format_ptr(at(s, &["current", "averageValue"])),
                );
                format!(
                    "{current}/{}",
                    quantity::format_ptr(at(spec, &["pods", "target", "averageValue"]))
                )
            }
            kind @ ("Resource" | "ContainerResource") => {
                let source = if kind == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let resource = str_at(spec, &[source, "name"]);
                let target = at(spec, &[source, "target"]);
                if let Some(avg) = target.and_then(|t| at(t, &["averageValue"])) {
                    let current = source_status(source).map_or_else(
                        || "<unknown>".to_string(),
                        |s| quantity::format_ptr(at(s, &["current", "averageValue"])),
                    );
                    format!("{resource}: {current}/{}", quantity::format_ptr(Some(avg)))
                } else {
                    let current = source_status(source)
                        .and_then(|s| opt_int(s, &["current", "averageUtilization"]))
                        .map_or_else(|| "<unknown>".to_string(), |u| format!("{u}%"));
                    let target = target
                        .and_then(|t| opt_int(t, &["averageUtilization"]))
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    format!("{resource}: {current}/{target}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        list.push(entry);
    }
    if list.len() > 2 {
        let more = list.len() - 2;
        list.truncate(2);
        return format!("{} + {more} more...", list.join(", "));
    }
    list.join(", ")
}

/// `printHorizontalPodAutoscaler`; the object must be in the autoscaling/v2 (storage) form.
pub(crate) fn horizontal_pod_autoscaler(o: &Value, now: i64) -> Vec<Value> {
    let reference = format!(
        "{}/{}",
        str_at(o, &["spec", "scaleTargetRef", "kind"]),
        str_at(o, &["spec", "scaleTargetRef", "name"])
    );
    let min_pods = opt_int(o, &["spec", "minReplicas"])
        .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    vec![
        json!(name(o)),
        json!(reference),
        json!(hpa_targets(o)),
        json!(min_pods),
        json!(int_at(o, &["spec", "maxReplicas"])),
        json!(int_at(o, &["status", "currentReplicas"])),
        json!(time::age(o, now)),
    ]
}

/// `intstr.IntOrString.String()` of a pointer field, or `N/A` when unset.
fn int_or_string(v: Option<&Value>) -> String {
    match v {
        None => "N/A".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(n) => super::json::as_int(n).to_string(),
    }
}

pub(crate) fn pod_disruption_budget(o: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(o)),
        json!(int_or_string(at(o, &["spec", "minAvailable"]))),
        json!(int_or_string(at(o, &["spec", "maxUnavailable"]))),
        json!(int_at(o, &["status", "disruptionsAllowed"])),
        json!(time::age(o, now)),
    ]
}
