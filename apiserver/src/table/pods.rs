//! `printPod`: READY, STATUS (init containers, sidecars, waiting/terminated reasons, Terminating,
//! NodeLost), RESTARTS with the time of the last restart, and the wide columns.

use serde_json::{Value, json};

use super::json::{arr, at, bool_at, has, int_at, len_i64, name, obj, opt_bool, str_at};
use super::time::{self, Nanos};

/// `podutil.IsRestartableInitContainer`: an init container with `restartPolicy: Always`.
fn is_restartable(container: Option<&Value>) -> bool {
    container.is_some_and(|c| str_at(c, &["restartPolicy"]) == "Always")
}

/// `lastTerminationState.terminated.finishedAt` when the container terminated before; an unset or
/// unreadable `finishedAt` is Go's zero time.
fn finished_at(status: &Value) -> Option<Nanos> {
    has(status, &["lastTerminationState", "terminated"]).then(|| {
        time::parse(at(
            status,
            &["lastTerminationState", "terminated", "finishedAt"],
        ))
        .unwrap_or(time::ZERO)
    })
}

fn condition_true(pod: &Value, type_: &str) -> bool {
    arr(pod, &["status", "conditions"])
        .iter()
        .any(|c| str_at(c, &["type"]) == type_ && str_at(c, &["status"]) == "True")
}

/// `isPodInitializedConditionTrue`: the first `Initialized` condition decides.
fn initialized(pod: &Value) -> bool {
    arr(pod, &["status", "conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == "Initialized")
        .is_some_and(|c| str_at(c, &["status"]) == "True")
}

fn exit_reason(prefix: &str, terminated: &Value) -> String {
    let reason = str_at(terminated, &["reason"]);
    if !reason.is_empty() {
        return format!("{prefix}{reason}");
    }
    let signal = int_at(terminated, &["signal"]);
    if signal != 0 {
        format!("{prefix}Signal:{signal}")
    } else {
        format!("{prefix}ExitCode:{}", int_at(terminated, &["exitCode"]))
    }
}

pub(crate) fn cells(pod: &Value, now: i64) -> Vec<Value> {
    let phase = str_at(pod, &["status", "phase"]);
    let mut reason = match str_at(pod, &["status", "reason"]) {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    if arr(pod, &["status", "conditions"]).iter().any(|c| {
        str_at(c, &["type"]) == "PodScheduled" && str_at(c, &["reason"]) == "SchedulingGated"
    }) {
        reason = "SchedulingGated".to_string();
    }

    let init_specs = arr(pod, &["spec", "initContainers"]);
    let init_spec = |n: &str| init_specs.iter().rev().find(|c| str_at(c, &["name"]) == n);
    let sidecars = init_specs
        .iter()
        .filter(|c| is_restartable(Some(c)))
        .count();
    let total = len_i64(arr(pod, &["spec", "containers"])) + i64::try_from(sidecars).unwrap_or(0);

    let mut ready = 0i64;
    let mut restarts = 0i64;
    let mut sidecar_restarts = 0i64;
    // `lastRestartDate.Before(&terminatedDate)` bookkeeping, starting from Go's zero time.
    let mut last_restart = time::ZERO;
    let mut last_sidecar_restart = time::ZERO;
    let mut initializing = false;
    for (i, st) in arr(pod, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        let count = int_at(st, &["restartCount"]);
        restarts = restarts.saturating_add(count);
        if let Some(t) = finished_at(st) {
            last_restart = last_restart.max(t);
        }
        let restartable = is_restartable(init_spec(str_at(st, &["name"])));
        if restartable {
            sidecar_restarts = sidecar_restarts.saturating_add(count);
            if let Some(t) = finished_at(st) {
                last_sidecar_restart = last_sidecar_restart.max(t);
            }
        }
        let terminated = at(st, &["state", "terminated"]);
        let waiting_reason = at(st, &["state", "waiting"]).map(|w| str_at(w, &["reason"]));
        if terminated.is_some_and(|t| int_at(t, &["exitCode"]) == 0) {
            continue;
        }
        if restartable && opt_bool(st, &["started"]) == Some(true) {
            if bool_at(st, &["ready"]) {
                ready += 1;
            }
            continue;
        }
        reason = match (terminated, waiting_reason) {
            (Some(t), _) => exit_reason("Init:", t),
            (None, Some(w)) if !w.is_empty() && w != "PodInitializing" => format!("Init:{w}"),
            _ => format!("Init:{i}/{}", init_specs.len()),
        };
        initializing = true;
        break;
    }

    if !initializing || initialized(pod) {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for st in arr(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts = restarts.saturating_add(int_at(st, &["restartCount"]));
            if let Some(t) = finished_at(st) {
                last_restart = last_restart.max(t);
            }
            let waiting = at(st, &["state", "waiting"])
                .map(|w| str_at(w, &["reason"]))
                .unwrap_or("");
            let terminated = at(st, &["state", "terminated"]);
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = terminated {
                reason = exit_reason("", t);
            } else if bool_at(st, &["ready"]) && has(st, &["state", "running"]) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, "Ready") {
                "Running"
            } else {
                "NotReady"
            }
            .to_string();
        }
    }

    if has(pod, &["metadata", "deletionTimestamp"]) {
        if str_at(pod, &["status", "reason"]) == "NodeLost" {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    let restarts_str = if restarts != 0 && !time::is_zero(Some(last_restart)) {
        format!("{restarts} ({} ago)", time::since(Some(last_restart), now))
    } else {
        restarts.to_string()
    };

    vec![
        json!(name(pod)),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_str),
        json!(time::age(pod, now)),
        json!(or_none(pod_ip(pod))),
        json!(or_none(str_at(pod, &["spec", "nodeName"]))),
        json!(or_none(str_at(pod, &["status", "nominatedNodeName"]))),
        json!(readiness_gates(pod)),
    ]
}

/// The first pod IP as the internal object has it: v1 `podIP` wins over `podIPs[0]` (see
/// `Convert_v1_PodStatus_To_core_PodStatus`).
fn pod_ip(pod: &Value) -> &str {
    match str_at(pod, &["status", "podIP"]) {
        "" => arr(pod, &["status", "podIPs"])
            .first()
            .map_or("", |p| str_at(p, &["ip"])),
        ip => ip,
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "<none>" } else { s }
}

fn readiness_gates(pod: &Value) -> String {
    let gates = arr(pod, &["spec", "readinessGates"]);
    if gates.is_empty() {
        return "<none>".to_string();
    }
    let conditions = arr(pod, &["status", "conditions"]);
    let true_count = gates
        .iter()
        .filter(|g| {
            let t = str_at(g, &["conditionType"]);
            conditions
                .iter()
                .find(|c| str_at(c, &["type"]) == t)
                .is_some_and(|c| str_at(c, &["status"]) == "True")
        })
        .count();
    format!("{true_count}/{}", gates.len())
}

/// The row conditions `printPod` sets: `Completed` for a Succeeded or Failed pod.
pub(crate) fn conditions(pod: &Value) -> Option<Value> {
    let (reason, message) = match str_at(pod, &["status", "phase"]) {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{"type": "Completed", "status": "True", "reason": reason, "message": message}]))
}

/// `printPodTemplate`: name, containers, images, and the template's labels.
pub(crate) fn pod_template_cells(t: &Value) -> Vec<Value> {
    let (names, images) = super::containers(at(t, &["template", "spec"]));
    vec![
        json!(name(t)),
        json!(names),
        json!(images),
        json!(super::selector::format_labels(obj(
            t,
            &["template", "metadata", "labels"]
        ))),
    ]
}
