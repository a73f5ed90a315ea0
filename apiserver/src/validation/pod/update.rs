//! `ValidatePodUpdate` (what a pod update may change) and `ValidatePodStatusUpdate`.
//!
//! Specs are compared as kube's semantic equality does, on the JSON form: an unset field, `null`
//! and Go's zero values (`""`, `0`, `false`, `[]`, `{}`) are the same.
//!
//! Departure: kube ends the `pod updates may not change fields other than ...` message with
//! `cmp.Diff` of the internal Go structs, which go-cmp deliberately randomizes and which prints
//! Go type names that a JSON server does not have. The deterministic part (the sentence, the
//! list of updatable fields and the newline) is kube's; the diff after it lists each changed
//! field as a `-` line with the old value and a `+` line with the new one, in JSON.

use serde_json::{Map, Value};

use super::util::{child, index};
use super::{metadata, metadata_and_spec, pod_specific_annotations, scheduling, section};
use crate::error::Cause;
use crate::names;
use crate::validation::common::{
    get, go_string_map, inclusive_range_error, int_of, invalid_each, list_of, obj_of,
    qualified_name, set_or_remove, str_of,
};

const UPDATABLE: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodSpecificAnnotationUpdates`.
fn annotation_updates(new: &Map<String, Value>, old: &Map<String, Value>) -> Vec<Cause> {
    let path = "metadata.annotations";
    let none = Map::new();
    let new_a = obj_of(metadata(new), "annotations").unwrap_or(&none);
    let old_a = obj_of(metadata(old), "annotations").unwrap_or(&none);
    let mut errs = Vec::new();
    let mut old_keys: Vec<&String> = old_a.keys().collect();
    old_keys.sort();
    for k in old_keys {
        if new_a.get(k).is_some_and(|v| Some(v) == old_a.get(k)) {
            continue;
        }
        if k.starts_with("container.apparmor.security.beta.kubernetes.io/") {
            errs.push(Cause::forbidden(
                &format!("{path}[{k}]"),
                "may not remove or update AppArmor annotations",
            ));
        }
        if k == "kubernetes.io/config.mirror" {
            errs.push(Cause::forbidden(
                &format!("{path}[{k}]"),
                "may not remove or update mirror pod annotation",
            ));
        }
    }
    let mut new_keys: Vec<&String> = new_a.keys().collect();
    new_keys.sort();
    for k in new_keys {
        if old_a.contains_key(k) {
            continue;
        }
        if k.starts_with("container.apparmor.security.beta.kubernetes.io/") {
            errs.push(Cause::forbidden(
                &format!("{path}[{k}]"),
                "may not add AppArmor annotations",
            ));
        }
        if k == "kubernetes.io/config.mirror" {
            errs.push(Cause::forbidden(
                &format!("{path}[{k}]"),
                "may not add mirror pod annotation",
            ));
        }
    }
    errs.extend(pod_specific_annotations(
        metadata(new),
        section(new, "spec"),
        path,
    ));
    errs
}

/// `ValidateContainerUpdates`: `None` when the number of containers changed (the update stops
/// there).
fn container_updates(new: &[Value], old: &[Value], path: &str) -> Result<Vec<Cause>, Cause> {
    if new.len() != old.len() {
        return Err(Cause::forbidden(
            path,
            "pod updates may not add or remove containers",
        ));
    }
    let mut errs = Vec::new();
    for (i, c) in new.iter().enumerate() {
        let image = str_of(c, "image");
        if image.is_empty() {
            errs.push(Cause::required(&child(&index(path, i), "image"), ""));
        }
        if image.trim().len() != image.len() {
            errs.push(Cause::invalid(
                &child(&index(path, i), "image"),
                &Value::from(image),
                "must not have leading or trailing whitespace",
            ));
        }
    }
    Ok(errs)
}

/// `ValidatePodUpdate`.
pub fn update(new: &Map<String, Value>, old: &Map<String, Value>) -> Vec<Cause> {
    let mut errs = metadata_and_spec(new);
    errs.extend(annotation_updates(new, old));
    let new_spec = section(new, "spec");
    let old_spec = section(old, "spec");
    for list in ["containers", "initContainers"] {
        match container_updates(
            list_of(new_spec, list),
            list_of(old_spec, list),
            &child("spec", list),
        ) {
            Ok(e) => errs.extend(e),
            Err(stop) => {
                errs.push(stop);
                return errs;
            }
        }
    }
    let deadline_path = "spec.activeDeadlineSeconds";
    match (
        int_of(new_spec, "activeDeadlineSeconds"),
        int_of(old_spec, "activeDeadlineSeconds"),
    ) {
        (Some(new_deadline), old_deadline) => {
            if !(0..=i64::from(i32::MAX)).contains(&new_deadline) {
                errs.push(Cause::invalid(
                    deadline_path,
                    &Value::from(new_deadline),
                    &inclusive_range_error(0, i64::from(i32::MAX)),
                ));
                return errs;
            }
            if old_deadline.is_some_and(|old| old < new_deadline) {
                errs.push(Cause::invalid(
                    deadline_path,
                    &Value::from(new_deadline),
                    "must be less than or equal to previous value",
                ));
                return errs;
            }
        }
        (None, Some(_)) => errs.push(Cause::invalid(
            deadline_path,
            &Value::Null,
            "must not update from a positive integer to nil value",
        )),
        (None, None) => {}
    }
    errs.extend(only_added_tolerations(
        list_of(new_spec, "tolerations"),
        list_of(old_spec, "tolerations"),
    ));
    errs.extend(only_deleted_scheduling_gates(
        list_of(new_spec, "schedulingGates"),
        list_of(old_spec, "schedulingGates"),
    ));
    if same(Some(new_spec), Some(old_spec)) {
        return errs;
    }
    let mut munged = new_spec.as_object().cloned().unwrap_or_default();
    for list in ["containers", "initContainers"] {
        if let Some(Value::Array(containers)) = munged.get_mut(list) {
            for (c, old_c) in containers.iter_mut().zip(list_of(old_spec, list)) {
                if let Some(c) = c.as_object_mut() {
                    set_or_remove(c, "image", old_c.get("image"));
                }
            }
        }
    }
    for field in ["activeDeadlineSeconds", "schedulingGates", "tolerations"] {
        set_or_remove(&mut munged, field, old_spec.get(field));
    }
    let old_grace = int_of(old_spec, "terminationGracePeriodSeconds");
    if old_grace.is_some_and(|g| g < 0)
        && munged
            .get("terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
            == Some(1)
        && let Some(g) = old_spec.get("terminationGracePeriodSeconds")
    {
        munged.insert("terminationGracePeriodSeconds".into(), g.clone());
    }
    if !list_of(old_spec, "schedulingGates").is_empty() {
        errs.extend(gated_pod_mutations(&mut munged, old_spec));
    }
    let munged = Value::Object(munged);
    if !same(Some(&munged), Some(old_spec)) {
        let mut diff = String::new();
        spec_diff("spec", Some(old_spec), Some(&munged), &mut diff);
        errs.push(Cause::forbidden(
            "spec",
            &format!("pod updates may not change fields other than {UPDATABLE}\n{diff}"),
        ));
    }
    errs
}

/// `validateOnlyAddedTolerations`: every old toleration is still there (its `tolerationSeconds`
/// may change), then `ValidateTolerations` of the new ones.
fn only_added_tolerations(new: &[Value], old: &[Value]) -> Vec<Cause> {
    let path = "spec.tolerations";
    for o in old {
        if !new.iter().any(|n| same_but_seconds(n, o)) {
            return vec![Cause::forbidden(
                path,
                "existing toleration can not be modified except its tolerationSeconds",
            )];
        }
    }
    scheduling::tolerations(new, path)
}

/// `same` of two tolerations with their `tolerationSeconds` left out.
fn same_but_seconds(a: &Value, b: &Value) -> bool {
    fn fields(t: &Value) -> impl Iterator<Item = (&String, &Value)> {
        t.as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k != "tolerationSeconds")
    }
    let (a_zero, b_zero) = (fields(a).next().is_none(), fields(b).next().is_none());
    if a_zero || b_zero {
        return a_zero && b_zero;
    }
    fields(a)
        .chain(fields(b))
        .all(|(k, _)| same(a.get(k), b.get(k)))
}

/// `validateOnlyDeletedSchedulingGates` (new gates in their order, where Go's map is random).
fn only_deleted_scheduling_gates(new: &[Value], old: &[Value]) -> Vec<Cause> {
    let mut errs = Vec::new();
    let old_names: Vec<&str> = old.iter().map(|g| str_of(g, "name")).collect();
    let mut reported = Vec::new();
    for (i, gate) in new.iter().enumerate().rev() {
        let name = str_of(gate, "name");
        if !old_names.contains(&name) && !reported.contains(&name) {
            reported.push(name);
            errs.push(Cause::forbidden(
                &format!("spec.schedulingGates[{i}].name"),
                &format!("only deletion is allowed, but found new scheduling gate '{name}'"),
            ));
        }
    }
    errs.reverse();
    errs
}

/// For a pod with scheduling gates: `spec.nodeSelector` may gain entries and the required node
/// affinity may gain match expressions and fields; those changes are folded into `munged`.
fn gated_pod_mutations(munged: &mut Map<String, Value>, old_spec: &Value) -> Vec<Cause> {
    let mut errs = Vec::new();
    let old_selector = old_spec.get("nodeSelector");
    if !same(munged.get("nodeSelector"), old_selector) {
        let new_selector = munged.get("nodeSelector");
        let new_map = new_selector.and_then(Value::as_object);
        let mutated = obj_of(old_spec, "nodeSelector")
            .into_iter()
            .flatten()
            .any(|(k, v)| new_map.and_then(|m| m.get(k)) != Some(v));
        if mutated {
            errs.push(Cause::invalid_shown(
                "spec.nodeSelector",
                &go_string_map(new_selector),
                "only additions to spec.nodeSelector are allowed (no mutations or deletions)",
            ));
        }
        set_or_remove(munged, "nodeSelector", old_selector);
    }
    let old_na = get(old_spec, "affinity").and_then(|a| get(a, "nodeAffinity"));
    let new_na = munged.get("affinity").and_then(|a| get(a, "nodeAffinity"));
    if same(new_na, old_na) {
        return errs;
    }
    errs.extend(node_affinity_mutation(new_na, old_na));
    let unset = |m: &Map<String, Value>, k: &str| m.get(k).is_none_or(Value::is_null);
    let old_affinity_unset = get(old_spec, "affinity").is_none();
    match munged.get_mut("affinity").and_then(Value::as_object_mut) {
        None => {
            if let Some(na) = old_na {
                munged.insert("affinity".into(), serde_json::json!({ "nodeAffinity": na }));
            }
        }
        Some(affinity)
            if old_affinity_unset
                && unset(affinity, "podAffinity")
                && unset(affinity, "podAntiAffinity") =>
        {
            munged.remove("affinity");
        }
        Some(affinity) => set_or_remove(affinity, "nodeAffinity", old_na),
    }
    errs
}

/// `validateNodeAffinityMutation`.
fn node_affinity_mutation<'a>(new: Option<&'a Value>, old: Option<&'a Value>) -> Vec<Cause> {
    let path = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
    let terms = |na: Option<&'a Value>| {
        na.and_then(|na| get(na, "requiredDuringSchedulingIgnoredDuringExecution"))
            .map(|required| list_of(required, "nodeSelectorTerms"))
    };
    let Some(old_terms) = terms(old) else {
        return Vec::new();
    };
    let new_terms = terms(new).unwrap_or_default();
    if !old_terms.is_empty() && old_terms.len() != new_terms.len() {
        return vec![Cause::invalid(
            path,
            &Value::Array(new_terms.to_vec()),
            "no additions/deletions to non-empty NodeSelectorTerms list are allowed",
        )];
    }
    let mut errs = Vec::new();
    for (i, (old_term, new_term)) in old_terms.iter().zip(new_terms).enumerate() {
        let only_additions = ["matchExpressions", "matchFields"].iter().all(|field| {
            let o = list_of(old_term, field);
            let n = list_of(new_term, field);
            o.is_empty() || (n.len() >= o.len() && n[..o.len()] == *o)
        });
        let was_empty = list_of(old_term, "matchExpressions").is_empty()
            && list_of(old_term, "matchFields").is_empty();
        let gained = !list_of(new_term, "matchExpressions").is_empty()
            || !list_of(new_term, "matchFields").is_empty();
        if !only_additions || (was_empty && gained) {
            errs.push(Cause::invalid(
                &index(path, i),
                new_term,
                "only additions are allowed (no mutations or deletions)",
            ));
        }
    }
    errs
}

/// Go's zero value (or unset).
fn is_zero(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(m)) => m.is_empty(),
    }
}

/// Semantic equality on the JSON form: zero values equal unset fields, at every depth.
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    if is_zero(a) || is_zero(b) {
        return is_zero(a) && is_zero(b);
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            x.keys().chain(y.keys()).all(|k| same(x.get(k), y.get(k)))
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(Some(a), Some(b)))
        }
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64() == y.as_f64(),
        (a, b) => a == b,
    }
}

/// The changed fields under `path`, as `-` (old) and `+` (new) lines of JSON.
fn spec_diff(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut String) {
    if same(old, new) {
        return;
    }
    match (old, new) {
        (Some(Value::Object(o)), Some(Value::Object(n))) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.extend(n.keys().filter(|k| !o.contains_key(*k)));
            for k in keys {
                spec_diff(&child(path, k), o.get(k), n.get(k), out);
            }
        }
        (Some(Value::Array(o)), Some(Value::Array(n))) if o.len() == n.len() => {
            for (i, (o, n)) in o.iter().zip(n).enumerate() {
                spec_diff(&index(path, i), Some(o), Some(n), out);
            }
        }
        _ => {
            let show = |v: Option<&Value>| v.map_or_else(|| "null".to_owned(), Value::to_string);
            out.push_str(&format!(
                "- {path}: {}\n+ {path}: {}\n",
                show(old),
                show(new)
            ));
        }
    }
}

/// `ValidatePodStatusUpdate`.
pub fn status_update(new: &Map<String, Value>, old: &Map<String, Value>) -> Vec<Cause> {
    let mut errs = annotation_updates(new, old);
    let new_status = section(new, "status");
    let old_status = section(old, "status");
    let new_spec = section(new, "spec");
    let old_spec = section(old, "spec");
    let system = ["PodScheduled", "Ready", "Initialized"];
    for (i, condition) in list_of(new_status, "conditions").iter().enumerate() {
        let kind = str_of(condition, "type");
        if !system.contains(&kind) {
            errs.extend(qualified_name(
                kind,
                &format!("metadata.conditions[{i}].Type"),
            ));
        }
    }
    if str_of(new_spec, "nodeName") != str_of(old_spec, "nodeName") {
        errs.push(Cause::forbidden(
            "status.nodeName",
            "may not be changed directly",
        ));
    }
    let nominated = str_of(new_status, "nominatedNodeName");
    if nominated != str_of(old_status, "nominatedNodeName") && !nominated.is_empty() {
        errs.extend(invalid_each(
            "status.nominatedNodeName",
            nominated,
            names::name_is_dns_subdomain(nominated, false),
        ));
    }
    let qos = str_of(new_status, "qosClass");
    if qos != str_of(old_status, "qosClass") {
        errs.push(Cause::invalid(
            "status.qosClass",
            &Value::from(qos),
            "field is immutable",
        ));
    }
    let restart_policy = str_of(old_spec, "restartPolicy");
    errs.extend(state_transitions(
        new_status,
        old_status,
        "containerStatuses",
        restart_policy,
        &[],
    ));
    errs.extend(state_transitions(
        new_status,
        old_status,
        "initContainerStatuses",
        restart_policy,
        list_of(old_spec, "initContainers"),
    ));
    errs.extend(state_transitions(
        new_status,
        old_status,
        "ephemeralContainerStatuses",
        "Never",
        &[],
    ));
    errs.extend(resource_claim_statuses(new_status, new_spec));
    errs
}

/// `ValidateContainerStateTransition` / `ValidateInitContainerStateTransition`: unless the pod
/// always restarts, a terminated container stays terminated (a failed one may restart under
/// `OnFailure`, a restartable init container always).
fn state_transitions(
    new_status: &Value,
    old_status: &Value,
    list: &str,
    restart_policy: &str,
    init_containers: &[Value],
) -> Vec<Cause> {
    let mut errs = Vec::new();
    if restart_policy == "Always" {
        return errs;
    }
    let terminated = |s: &Value| {
        get(s, "state")
            .and_then(|st| get(st, "terminated"))
            .cloned()
    };
    for (i, old) in list_of(old_status, list).iter().enumerate() {
        let Some(term) = terminated(old) else {
            continue;
        };
        if int_of(&term, "exitCode").unwrap_or(0) != 0 && restart_policy == "OnFailure" {
            continue;
        }
        let name = str_of(old, "name");
        let restartable = init_containers
            .iter()
            .find(|c| str_of(*c, "name") == name)
            .is_some_and(|c| str_of(c, "restartPolicy") == "Always");
        if restartable {
            continue;
        }
        for new in list_of(new_status, list) {
            if str_of(new, "name") == name && terminated(new).is_none() {
                errs.push(Cause::forbidden(
                    &format!("status.{list}[{i}].state"),
                    "may not be transitioned to non-terminated state",
                ));
            }
        }
    }
    errs
}

/// `validatePodResourceClaimStatuses`.
fn resource_claim_statuses(status: &Value, spec: &Value) -> Vec<Cause> {
    let mut errs = Vec::new();
    let claims: Vec<&str> = list_of(spec, "resourceClaims")
        .iter()
        .map(|c| str_of(c, "name"))
        .collect();
    let mut seen = Vec::new();
    for (i, s) in list_of(status, "resourceClaimStatuses").iter().enumerate() {
        let p = format!("status.resourceClaimStatuses[{i}].name");
        let name = str_of(s, "name");
        if !claims.contains(&name) {
            errs.push(Cause::invalid(
                &p,
                &Value::from(name),
                "must match the name of an entry in `spec.resourceClaims`",
            ));
        }
        if seen.contains(&name) {
            errs.push(Cause::duplicate(&p, &Value::from(name)));
        } else {
            seen.push(name);
        }
        if let Some(claim) = get(s, "resourceClaimName").and_then(Value::as_str) {
            errs.extend(invalid_each(
                &p,
                claim,
                names::name_is_dns_subdomain(claim, false),
            ));
        }
    }
    errs
}
