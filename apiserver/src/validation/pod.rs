//! `ValidatePodCreate`, `ValidatePodUpdate`, `ValidatePodStatusUpdate` and
//! `ValidatePodTemplateSpec` of `pkg/apis/core/validation/validation.go`, on the JSON form of
//! the objects, with kube-apiserver v1.36's validation options for a pod (`ResourceIsPod`, the
//! relaxed environment variable and DNS search rules, zero-second sleep actions allowed).
//!
//! Not ported (the object passes where kube would refuse it): the deprecated tolerations
//! annotation, IP address syntax (`hostAliases[*].ip`, `dnsConfig.nameservers`, status IPs),
//! the inner fields of `iscsi`, `quobyte`, `azureDisk` and `ephemeral` volume sources and of
//! `clusterTrustBundle` projections beyond their paths, `fileKeyRef` env sources beyond counting
//! as a source, `resourceClaims` entries, pod-level `resources`, container restart rules (a
//! regular container's `restartPolicy` is refused as before the `ContainerRestartRules` gate),
//! and the container user and allocated-resource checks of status updates.
//! Values Go prints as raw structs (`%#v`) are printed here as their JSON.

mod containers;
mod probes;
mod resources;
mod scheduling;
mod security;
mod update;
mod util;
mod volumes;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::Write;
use super::common::{
    dns1123_label, dns1123_subdomain, get, inclusive_range_error, int_of, invalid_each, list_of,
    obj_of, str_of, string_pairs,
};
use crate::error::Cause;
use crate::names;
use util::{child, index, key, local_descending_path, not_supported};

/// `ValidatePodCreate`, `ValidatePodUpdate` or `ValidatePodStatusUpdate`, after the metadata
/// checks.
pub fn validate_pod(pod: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    match write {
        Write::Create => create(pod),
        Write::Update { old } => update::update(pod, old),
        Write::Status { old } => update::status_update(pod, old),
    }
}

/// The pod's `metadata`; `null` when unset.
fn metadata(pod: &Map<String, Value>) -> &Value {
    pod.get("metadata").unwrap_or(&Value::Null)
}

/// The pod's `spec` or `status`; an empty object when unset (Go's zero struct).
fn section<'a>(pod: &'a Map<String, Value>, key: &str) -> &'a Value {
    static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));
    pod.get(key).filter(|v| !v.is_null()).unwrap_or(&EMPTY)
}

/// `ValidatePodTemplateSpec`: the template's metadata (labels, annotations) and
/// `ValidatePodSpec` of its spec, under `path` (`spec.template`).
pub fn validate_pod_template_spec(template: &Value, path: &str) -> Vec<Cause> {
    let meta = get(template, "metadata").unwrap_or(&Value::Null);
    let empty = Value::Object(Map::new());
    let spec = get(template, "spec").unwrap_or(&empty);
    let mut errs = util::labels(meta, "labels", &child(path, "labels"));
    errs.extend(names::validate_annotations(
        string_pairs(meta.get("annotations")),
        &child(path, "annotations"),
    ));
    errs.extend(pod_specific_annotations(
        meta,
        spec,
        &child(path, "annotations"),
    ));
    let spec_path = child(path, "spec");
    errs.extend(pod_spec(spec, None, false, &spec_path));
    errs.extend(seccomp_annotations_match(meta, spec, &spec_path));
    errs.extend(app_armor_annotations_match(meta, spec, &spec_path));
    if !list_of(spec, "ephemeralContainers").is_empty() {
        errs.push(Cause::forbidden(
            &child(&spec_path, "ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// `ValidatePodCreate`.
fn create(pod: &Map<String, Value>) -> Vec<Cause> {
    let meta = metadata(pod);
    let spec = section(pod, "spec");
    let mut errs = metadata_and_spec(pod);
    if !list_of(spec, "ephemeralContainers").is_empty() {
        errs.push(Cause::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
    if !str_of(spec, "nodeName").is_empty() && !list_of(spec, "schedulingGates").is_empty() {
        errs.push(Cause::forbidden(
            "spec.nodeName",
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs.extend(seccomp_annotations_match(meta, spec, "spec"));
    errs.extend(app_armor_annotations_match(meta, spec, "spec"));
    errs
}

/// `validatePodMetadataAndSpec` without `ValidateObjectMeta` (the registry's).
fn metadata_and_spec(pod: &Map<String, Value>) -> Vec<Cause> {
    let meta = metadata(pod);
    let spec = section(pod, "spec");
    let mut errs = pod_specific_annotations(meta, spec, "metadata.annotations");
    errs.extend(pod_spec(spec, Some(str_of(meta, "name")), true, "spec"));
    if str_of(spec, "serviceAccountName").is_empty() {
        for (i, volume) in list_of(spec, "volumes").iter().enumerate() {
            let Some(projected) = get(volume, "projected") else {
                continue;
            };
            for (j, source) in list_of(projected, "sources").iter().enumerate() {
                if get(source, "serviceAccountToken").is_some() {
                    errs.push(Cause::forbidden(
                        &format!("spec.volumes[{i}].projected.sources[{j}].serviceAccountToken"),
                        "must not be specified when serviceAccountName is not set",
                    ));
                }
            }
        }
    }
    for list in ["containers", "initContainers"] {
        for (i, c) in list_of(spec, list).iter().enumerate() {
            errs.extend(containers::container_only_for_pod(
                c,
                &index(&child("spec", list), i),
            ));
        }
    }
    errs
}

const MIRROR_POD: &str = "kubernetes.io/config.mirror";
const DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";
const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APP_ARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// `ValidatePodSpecificAnnotations` (the map is walked in sorted order where Go's is random).
fn pod_specific_annotations(meta: &Value, spec: &Value, path: &str) -> Vec<Cause> {
    let annotations = string_pairs(meta.get("annotations"));
    let find = |k: &str| {
        annotations
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| *v)
    };
    let mut errs = Vec::new();
    if let Some(value) = find(MIRROR_POD)
        && str_of(spec, "nodeName").is_empty()
    {
        errs.push(Cause::invalid(
            &key(path, MIRROR_POD),
            &Value::from(value),
            "must set spec.nodeName if mirror pod annotation is set",
        ));
    }
    if let Some(value) = find(DELETION_COST)
        && !is_deletion_cost(value)
    {
        errs.push(Cause::invalid(
            &key(path, DELETION_COST),
            &Value::from(value),
            "must be a 32bit integer",
        ));
    }
    if let Some(value) = find(SECCOMP_POD) {
        errs.extend(seccomp_annotation(value, &child(path, SECCOMP_POD)));
    }
    for (k, value) in &annotations {
        if k.starts_with(SECCOMP_CONTAINER_PREFIX) {
            errs.extend(seccomp_annotation(value, &child(path, k)));
        }
    }
    for (k, value) in &annotations {
        let Some(container) = k.strip_prefix(APP_ARMOR_PREFIX) else {
            continue;
        };
        let found = security::visit_containers(spec, "spec")
            .iter()
            .any(|(c, _)| str_of(*c, "name") == container);
        if !found {
            errs.push(Cause::invalid(
                &key(path, k),
                &Value::from(container),
                "container not found",
            ));
        }
        let valid = value.is_empty()
            || *value == "runtime/default"
            || *value == "unconfined"
            || value.starts_with("localhost/");
        if !valid {
            errs.push(Cause::invalid(
                &key(path, k),
                &Value::from(*value),
                &format!(
                    "invalid AppArmor profile name: {}",
                    crate::error::go_quote(value)
                ),
            ));
        }
    }
    errs
}

/// `GetDeletionCostFromPodAnnotations` accepts the value: a decimal int32 without a leading
/// `+` or leading zeros.
fn is_deletion_cost(value: &str) -> bool {
    let first_ok = match value.as_bytes().first() {
        Some(b'-') => true,
        Some(b'0') => value == "0",
        Some(c) => (b'1'..=b'9').contains(c),
        None => false,
    };
    first_ok && value.parse::<i32>().is_ok()
}

/// `ValidateSeccompProfile` of an annotation.
fn seccomp_annotation(value: &str, path: &str) -> Vec<Cause> {
    match value {
        "runtime/default" | "docker/default" | "unconfined" => Vec::new(),
        v => match v.strip_prefix("localhost/") {
            Some(rest) => local_descending_path(rest, path),
            None => vec![Cause::invalid(
                path,
                &Value::from(v),
                "must be a valid seccomp profile",
            )],
        },
    }
}

/// `validateSeccompAnnotationsAndFields`.
fn seccomp_annotations_match(meta: &Value, spec: &Value, path: &str) -> Vec<Cause> {
    let annotations = obj_of(meta, "annotations");
    let annotation = |k: &str| annotations.and_then(|a| a.get(k)).and_then(Value::as_str);
    let mut errs = Vec::new();
    let pod_profile = get(spec, "securityContext").and_then(|sc| get(sc, "seccompProfile"));
    if let (Some(profile), Some(value)) = (pod_profile, annotation(SECCOMP_POD)) {
        errs.extend(seccomp_match(
            value,
            profile,
            &child(&child(path, "securityContext"), "seccompProfile"),
        ));
    }
    for (c, cp) in security::visit_containers(spec, path) {
        let Some(profile) = get(c, "securityContext").and_then(|sc| get(sc, "seccompProfile"))
        else {
            continue;
        };
        let k = format!("{SECCOMP_CONTAINER_PREFIX}{}", str_of(c, "name"));
        if let Some(value) = annotation(&k) {
            errs.extend(seccomp_match(
                value,
                profile,
                &child(&child(&cp, "securityContext"), "seccompProfile"),
            ));
        }
    }
    errs
}

/// `validateSeccompAnnotationsAndFieldsMatch`.
fn seccomp_match(annotation: &str, profile: &Value, path: &str) -> Option<Cause> {
    let type_mismatch = || {
        Some(Cause::forbidden(
            &child(path, "type"),
            "seccomp type in annotation and field must match",
        ))
    };
    match str_of(profile, "type") {
        "Unconfined" if annotation != "unconfined" => type_mismatch(),
        "RuntimeDefault" if annotation != "runtime/default" && annotation != "docker/default" => {
            type_mismatch()
        }
        "Localhost" => match annotation.strip_prefix("localhost/") {
            None => type_mismatch(),
            Some(rest)
                if get(profile, "localhostProfile").and_then(Value::as_str) != Some(rest) =>
            {
                Some(Cause::forbidden(
                    &child(path, "localhostProfile"),
                    "seccomp profile in annotation and field must match",
                ))
            }
            Some(_) => None,
        },
        _ => None,
    }
}

/// `validateAppArmorAnnotationsAndFieldsMatchOnCreate`.
fn app_armor_annotations_match(meta: &Value, spec: &Value, path: &str) -> Vec<Cause> {
    if get(spec, "os").is_some_and(|os| str_of(os, "name") == "windows") {
        return Vec::new();
    }
    let annotations = obj_of(meta, "annotations");
    let pod_profile = get(spec, "securityContext").and_then(|sc| get(sc, "appArmorProfile"));
    let mut errs = Vec::new();
    for (c, cp) in security::visit_containers(spec, path) {
        let profile = get(c, "securityContext")
            .and_then(|sc| get(sc, "appArmorProfile"))
            .or(pod_profile);
        let Some(profile) = profile else { continue };
        let k = format!("{APP_ARMOR_PREFIX}{}", str_of(c, "name"));
        let Some(annotation) = annotations.and_then(|a| a.get(&k)).and_then(Value::as_str) else {
            continue;
        };
        let ap = child(&child(&cp, "securityContext"), "appArmorProfile");
        let type_mismatch = Cause::forbidden(
            &child(&ap, "type"),
            "apparmor type in annotation and field must match",
        );
        match str_of(profile, "type") {
            "Unconfined" if annotation != "unconfined" => errs.push(type_mismatch),
            "RuntimeDefault" if annotation != "runtime/default" => errs.push(type_mismatch),
            "Localhost" => match annotation.strip_prefix("localhost/") {
                None => errs.push(type_mismatch),
                Some(rest)
                    if get(profile, "localhostProfile").and_then(Value::as_str) != Some(rest) =>
                {
                    errs.push(Cause::forbidden(
                        &child(&ap, "localhostProfile"),
                        "apparmor profile in annotation and field must match",
                    ));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    errs
}

/// `ValidatePodSpec`: `pod_name` is the pod's name (`None` in a template), `resource_is_pod`
/// kube's `opts.ResourceIsPod`.
fn pod_spec(spec: &Value, pod_name: Option<&str>, resource_is_pod: bool, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let grace = int_of(spec, "terminationGracePeriodSeconds");
    if grace.is_none() {
        errs.push(Cause::required(
            &child(path, "terminationGracePeriodSeconds"),
            "",
        ));
    }
    let host_users = get(spec, "hostUsers").and_then(Value::as_bool) != Some(false);
    let (volumes, volume_errs) = volumes::volumes(
        list_of(spec, "volumes"),
        pod_name,
        resource_is_pod,
        &child(path, "volumes"),
    );
    errs.extend(volume_errs);
    let claim_names: BTreeSet<String> = list_of(spec, "resourceClaims")
        .iter()
        .map(|c| str_of(c, "name"))
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    let restart_policy = str_of(spec, "restartPolicy");
    let ctx = containers::Ctx {
        volumes: &volumes,
        claim_names: &claim_names,
        grace,
        restart_policy,
        host_users,
    };
    let regular = list_of(spec, "containers");
    errs.extend(containers::containers(
        regular,
        &ctx,
        &child(path, "containers"),
    ));
    errs.extend(containers::init_containers(
        list_of(spec, "initContainers"),
        regular,
        &ctx,
        &child(path, "initContainers"),
    ));
    errs.extend(containers::ephemeral_containers(
        spec,
        &ctx,
        &child(path, "ephemeralContainers"),
    ));
    errs.extend(host_network_deps(spec, resource_is_pod, path));
    let rp = child(path, "restartPolicy");
    match restart_policy {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(Cause::required(&rp, "")),
        other => errs.push(not_supported(&rp, other, &["Always", "OnFailure", "Never"])),
    }
    let dp = child(path, "dnsPolicy");
    match str_of(spec, "dnsPolicy") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(Cause::required(&dp, "")),
        other => errs.push(not_supported(
            &dp,
            other,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    errs.extend(util::labels(
        spec,
        "nodeSelector",
        &child(path, "nodeSelector"),
    ));
    errs.extend(security::pod_security_context(
        spec,
        &child(path, "securityContext"),
    ));
    errs.extend(scheduling::affinity(
        get(spec, "affinity"),
        &child(path, "affinity"),
    ));
    errs.extend(scheduling::dns_config(spec, &child(path, "dnsConfig")));
    errs.extend(scheduling::readiness_gates(
        list_of(spec, "readinessGates"),
        &child(path, "readinessGates"),
    ));
    errs.extend(scheduling::scheduling_gates(
        list_of(spec, "schedulingGates"),
        &child(path, "schedulingGates"),
    ));
    errs.extend(scheduling::topology_spread_constraints(
        list_of(spec, "topologySpreadConstraints"),
        &child(path, "topologySpreadConstraints"),
    ));
    errs.extend(security::windows_host_process(spec, path));
    errs.extend(security::host_users(spec, path));
    for (field, prefix_ok) in [("serviceAccountName", false), ("nodeName", false)] {
        let value = str_of(spec, field);
        if !value.is_empty() {
            errs.extend(invalid_each(
                &child(path, field),
                value,
                names::name_is_dns_subdomain(value, prefix_ok),
            ));
        }
    }
    if let Some(deadline) = int_of(spec, "activeDeadlineSeconds")
        && !(1..=i64::from(i32::MAX)).contains(&deadline)
    {
        errs.push(Cause::invalid(
            &child(path, "activeDeadlineSeconds"),
            &Value::from(deadline),
            &inclusive_range_error(1, i64::from(i32::MAX)),
        ));
    }
    for field in ["hostname", "subdomain"] {
        let value = str_of(spec, field);
        if !value.is_empty() {
            errs.extend(dns1123_label(value, &child(path, field)));
        }
    }
    errs.extend(scheduling::tolerations(
        list_of(spec, "tolerations"),
        &child(path, "tolerations"),
    ));
    for (i, alias) in list_of(spec, "hostAliases").iter().enumerate() {
        for (j, hostname) in list_of(alias, "hostnames").iter().enumerate() {
            errs.extend(dns1123_subdomain(
                hostname.as_str().unwrap_or(""),
                &index(
                    &child(&index(&child(path, "hostAliases"), i), "hostnames"),
                    j,
                ),
            ));
        }
    }
    let priority_class = str_of(spec, "priorityClassName");
    if !priority_class.is_empty() {
        errs.extend(invalid_each(
            &child(path, "priorityClassName"),
            priority_class,
            names::name_is_dns_subdomain(priority_class, false),
        ));
    }
    if let Some(runtime_class) = get(spec, "runtimeClassName").and_then(Value::as_str) {
        errs.extend(invalid_each(
            &child(path, "runtimeClassName"),
            runtime_class,
            names::name_is_dns_subdomain(runtime_class, false),
        ));
    }
    if let Some(policy) = get(spec, "preemptionPolicy").and_then(Value::as_str) {
        let pp = child(path, "preemptionPolicy");
        match policy {
            "PreemptLowerPriority" | "Never" => {}
            "" => errs.push(Cause::required(&pp, "")),
            other => errs.push(not_supported(
                &pp,
                other,
                &["PreemptLowerPriority", "Never"],
            )),
        }
    }
    if let Some(overhead) = get(spec, "overhead") {
        let requirements = serde_json::json!({ "limits": overhead });
        errs.extend(resources::resource_requirements(
            &requirements,
            None,
            &child(path, "overhead"),
        ));
    }
    errs.extend(security::os(spec, path));
    errs
}

/// `validatePodHostNetworkDeps`: with `hostNetwork`, a pod's host ports equal its container
/// ports (a template may leave them 0).
fn host_network_deps(spec: &Value, resource_is_pod: bool, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    if !util::flag(spec, "hostNetwork") {
        return errs;
    }
    for (i, c) in list_of(spec, "containers").iter().enumerate() {
        for (j, port) in list_of(c, "ports").iter().enumerate() {
            let host = int_of(port, "hostPort").unwrap_or(0);
            let container = int_of(port, "containerPort").unwrap_or(0);
            if (resource_is_pod || host != 0) && host != container {
                errs.push(Cause::invalid(
                    &format!("{path}.containers[{i}].ports[{j}].hostPort"),
                    &Value::from(host),
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
    errs
}
