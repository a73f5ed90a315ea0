//! `validateContainers`, `validateInitContainers`, `validateEphemeralContainers` and what they
//! call for each container: ports, env, mounts, devices, pull policy, resources, resize policy,
//! probes, lifecycle handlers and the container security context.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;

use super::probes;
use super::resources::resource_requirements;
use super::security;
use super::util::{
    child, env_var_name_errors, index, local_descending_path, non_empty, not_supported,
    quantity_string,
};
use crate::error::Cause;
use crate::names;
use crate::quantity::Quantity;
use crate::validation::common::{
    config_map_key_errors, get, int_of, invalid_each, list_of, port_name_errors, protocol, str_of,
    valid_port_num,
};

/// What container validation needs from the rest of the pod spec.
pub struct Ctx<'a> {
    /// The volumes that validated, by name.
    pub volumes: &'a BTreeMap<String, &'a Value>,
    /// The names of `spec.resourceClaims`.
    pub claim_names: &'a BTreeSet<String>,
    /// `spec.terminationGracePeriodSeconds`.
    pub grace: Option<i64>,
    /// `spec.restartPolicy`.
    pub restart_policy: &'a str,
    /// `spec.securityContext.hostUsers` (unset is true).
    pub host_users: bool,
}

/// `validateContainers`.
pub fn containers(containers: &[Value], ctx: &Ctx<'_>, path: &str) -> Vec<Cause> {
    if containers.is_empty() {
        return vec![Cause::required(path, "")];
    }
    let mut errs = Vec::new();
    let mut names = HashSet::new();
    for (i, c) in containers.iter().enumerate() {
        let p = index(path, i);
        errs.extend(container_common(c, ctx, &p));
        let name = str_of(c, "name");
        if !names.insert(name) {
            errs.push(Cause::duplicate(&child(&p, "name"), &Value::from(name)));
        }
        if let Some(lifecycle) = get(c, "lifecycle") {
            errs.extend(probes::lifecycle(
                lifecycle,
                ctx.grace,
                &child(&p, "lifecycle"),
            ));
        }
        errs.extend(probes::probes(c, ctx.grace, &p));
        if get(c, "restartPolicy").is_some() {
            errs.push(Cause::forbidden(
                &child(&p, "restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(host_port_conflicts(containers, path));
    errs
}

/// `validateInitContainers`.
pub fn init_containers(
    inits: &[Value],
    regular: &[Value],
    ctx: &Ctx<'_>,
    path: &str,
) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut names: HashSet<&str> = regular.iter().map(|c| str_of(c, "name")).collect();
    for (i, c) in inits.iter().enumerate() {
        let p = index(path, i);
        errs.extend(container_common(c, ctx, &p));
        let mut restart_always = false;
        if let Some(policy) = get(c, "restartPolicy") {
            let policy = policy.as_str().unwrap_or("");
            if policy != "Always" {
                errs.push(not_supported(
                    &child(&p, "restartPolicy"),
                    policy,
                    &["Always"],
                ));
            }
            restart_always = policy == "Always";
        }
        let name = str_of(c, "name");
        if names.contains(name) {
            errs.push(Cause::duplicate(&child(&p, "name"), &Value::from(name)));
        } else if !name.is_empty() {
            names.insert(name);
        }
        errs.extend(host_port_conflicts(std::slice::from_ref(c), path));
        if restart_always {
            if let Some(lifecycle) = get(c, "lifecycle") {
                errs.extend(probes::lifecycle(
                    lifecycle,
                    ctx.grace,
                    &child(&p, "lifecycle"),
                ));
            }
            errs.extend(probes::probes(c, ctx.grace, &p));
        } else {
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if get(c, field).is_some() {
                    errs.push(Cause::forbidden(
                        &child(&p, field),
                        "may not be set for init containers without restartPolicy=Always",
                    ));
                }
            }
        }
    }
    errs
}

/// The fields of `EphemeralContainerCommon` that `allowedEphemeralContainerFields` does not
/// allow, in the struct's order.
const EPHEMERAL_FORBIDDEN: [&str; 8] = [
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

/// `validateEphemeralContainers`.
pub fn ephemeral_containers(spec: &Value, ctx: &Ctx<'_>, path: &str) -> Vec<Cause> {
    let ephemeral = list_of(spec, "ephemeralContainers");
    let mut errs = Vec::new();
    if ephemeral.is_empty() {
        return errs;
    }
    let others: HashSet<&str> = list_of(spec, "containers")
        .iter()
        .chain(list_of(spec, "initContainers"))
        .map(|c| str_of(c, "name"))
        .collect();
    let mut all = others.clone();
    for (i, c) in ephemeral.iter().enumerate() {
        let p = index(path, i);
        errs.extend(container_common(c, ctx, &p));
        errs.extend(container_only_for_pod(c, &p));
        let name = str_of(c, "name");
        if !all.insert(name) {
            errs.push(Cause::duplicate(&child(&p, "name"), &Value::from(name)));
        }
        let target = str_of(c, "targetContainerName");
        if !target.is_empty() && !others.contains(target) {
            errs.push(Cause::not_found(
                &child(&p, "targetContainerName"),
                &Value::from(target),
            ));
        }
        for field in EPHEMERAL_FORBIDDEN {
            let set = match field {
                "resources" => get(c, "resources").is_some_and(|r| {
                    non_empty(r, "limits") || non_empty(r, "requests") || non_empty(r, "claims")
                }),
                "ports" | "resizePolicy" => non_empty(c, field),
                f => get(c, f).is_some(),
            };
            if set {
                errs.push(Cause::forbidden(
                    &child(&p, field),
                    "cannot be set for an Ephemeral Container",
                ));
            }
        }
        for (j, mount) in list_of(c, "volumeMounts").iter().enumerate() {
            let mp = index(&child(&p, "volumeMounts"), j);
            for field in ["subPath", "subPathExpr"] {
                if !str_of(mount, field).is_empty() {
                    errs.push(Cause::forbidden(
                        &child(&mp, field),
                        "cannot be set for an Ephemeral Container",
                    ));
                }
            }
        }
    }
    errs
}

/// `validateContainerOnlyForPod`.
pub fn container_only_for_pod(c: &Value, path: &str) -> Vec<Cause> {
    let image = str_of(c, "image");
    if image.len() != image.trim().len() {
        vec![Cause::invalid(
            &child(path, "image"),
            &Value::from(image),
            "must not have leading or trailing whitespace",
        )]
    } else {
        Vec::new()
    }
}

/// `validateContainerCommon`.
fn container_common(c: &Value, ctx: &Ctx<'_>, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let name = str_of(c, "name");
    if name.is_empty() {
        errs.push(Cause::required(&child(path, "name"), ""));
    } else {
        errs.extend(invalid_each(
            &child(path, "name"),
            name,
            names::is_dns1123_label(name),
        ));
    }
    if str_of(c, "image").is_empty() {
        errs.push(Cause::required(&child(path, "image"), ""));
    }
    let tmp = child(path, "terminationMessagePolicy");
    match str_of(c, "terminationMessagePolicy") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(Cause::required(&tmp, "")),
        other => errs.push(not_supported(
            &tmp,
            other,
            &["File", "FallbackToLogsOnError"],
        )),
    }
    errs.extend(ports(list_of(c, "ports"), &child(path, "ports")));
    errs.extend(env(list_of(c, "env"), &child(path, "env")));
    errs.extend(env_from(list_of(c, "envFrom"), &child(path, "envFrom")));
    errs.extend(volume_mounts(c, ctx, &child(path, "volumeMounts")));
    errs.extend(volume_devices(c, ctx, &child(path, "volumeDevices")));
    errs.extend(pull_policy(
        str_of(c, "imagePullPolicy"),
        &child(path, "imagePullPolicy"),
    ));
    if let Some(resources) = get(c, "resources") {
        errs.extend(resource_requirements(
            resources,
            Some(ctx.claim_names),
            &child(path, "resources"),
        ));
    }
    errs.extend(resize_policy(
        list_of(c, "resizePolicy"),
        ctx.restart_policy,
        &child(path, "resizePolicy"),
    ));
    if let Some(sc) = get(c, "securityContext") {
        errs.extend(security::container_security_context(
            sc,
            ctx.host_users,
            &child(path, "securityContext"),
        ));
    }
    errs
}

/// `checkHostPortConflicts`: `<protocol>/<hostIP>/<hostPort>` must be unique.
fn host_port_conflicts(containers: &[Value], path: &str) -> Vec<Cause> {
    let mut seen = HashSet::new();
    let mut errs = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        for (j, port) in list_of(c, "ports").iter().enumerate() {
            let host_port = int_of(port, "hostPort").unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let id = format!(
                "{}/{}/{host_port}",
                str_of(port, "protocol"),
                str_of(port, "hostIP")
            );
            if seen.contains(&id) {
                errs.push(Cause::duplicate(
                    &child(&index(&child(&index(path, i), "ports"), j), "hostPort"),
                    &Value::from(id),
                ));
            } else {
                seen.insert(id);
            }
        }
    }
    errs
}

/// `validateContainerPorts`.
fn ports(ports: &[Value], path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut names = HashSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = index(path, i);
        let name = str_of(port, "name");
        if !name.is_empty() {
            let msgs = port_name_errors(name);
            if !msgs.is_empty() {
                errs.extend(invalid_each(&child(&p, "name"), name, msgs));
            } else if !names.insert(name) {
                errs.push(Cause::duplicate(&child(&p, "name"), &Value::from(name)));
            }
        }
        let container_port = int_of(port, "containerPort").unwrap_or(0);
        if container_port == 0 {
            errs.push(Cause::required(&child(&p, "containerPort"), ""));
        } else {
            errs.extend(valid_port_num(container_port, &child(&p, "containerPort")));
        }
        let host_port = int_of(port, "hostPort").unwrap_or(0);
        if host_port != 0 {
            errs.extend(valid_port_num(host_port, &child(&p, "hostPort")));
        }
        errs.extend(protocol(str_of(port, "protocol"), &child(&p, "protocol")));
    }
    errs
}

/// `validEnvDownwardAPIFieldPathExpressions`, sorted.
const ENV_FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `validContainerResourceFieldPathExpressions`, sorted.
pub const RESOURCE_FIELD_PATHS: [&str; 6] = [
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// `ValidateEnv`.
fn env(vars: &[Value], path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for (i, ev) in vars.iter().enumerate() {
        let p = index(path, i);
        let name = str_of(ev, "name");
        if name.is_empty() {
            errs.push(Cause::required(&child(&p, "name"), ""));
        } else {
            errs.extend(invalid_each(
                &child(&p, "name"),
                name,
                env_var_name_errors(name),
            ));
        }
        if let Some(from) = get(ev, "valueFrom") {
            errs.extend(env_value_from(
                from,
                !str_of(ev, "value").is_empty(),
                &child(&p, "valueFrom"),
            ));
        }
    }
    errs
}

/// `validateEnvVarValueFrom`.
fn env_value_from(from: &Value, has_value: bool, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut sources = 0;
    if let Some(field_ref) = get(from, "fieldRef") {
        sources += 1;
        errs.extend(object_field_selector(
            field_ref,
            &ENV_FIELD_PATHS,
            &child(path, "fieldRef"),
        ));
    }
    if let Some(resource_ref) = get(from, "resourceFieldRef") {
        sources += 1;
        errs.extend(resource_field_selector(
            resource_ref,
            false,
            &child(path, "resourceFieldRef"),
        ));
    }
    for source in ["configMapKeyRef", "secretKeyRef"] {
        if let Some(selector) = get(from, source) {
            sources += 1;
            errs.extend(key_selector(selector, &child(path, source)));
        }
    }
    // `fileKeyRef` (the `EnvFiles` gate) is a source; its own checks are not ported.
    if get(from, "fileKeyRef").is_some() {
        sources += 1;
    }
    let empty = Value::from("");
    if sources == 0 {
        errs.push(Cause::invalid(
            path,
            &empty,
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ));
    } else if has_value {
        errs.push(Cause::invalid(
            path,
            &empty,
            "may not be specified when `value` is not empty",
        ));
    } else if sources > 1 {
        errs.push(Cause::invalid(
            path,
            &empty,
            "may not have more than one field specified at a time",
        ));
    }
    errs
}

/// `fieldpath.SplitMaybeSubscriptedPath`.
fn split_subscripted(field_path: &str) -> Option<(&str, &str)> {
    let s = field_path.strip_suffix("']")?;
    let (path, subscript) = s.split_once("['")?;
    (!path.is_empty()).then_some((path, subscript))
}

/// `podshelper.ConvertDownwardAPIFieldLabel(version, label, "")`: the internal field path.
fn convert_downward_api_field_label(version: &str, label: &str) -> Result<String, String> {
    if version != "v1" {
        return Err(format!("unsupported pod version: {version}"));
    }
    if let Some((path, _)) = split_subscripted(label) {
        return match path {
            "metadata.annotations" | "metadata.labels" => Ok(label.to_owned()),
            _ => Err(format!("field label does not support subscript: {label}")),
        };
    }
    match label {
        "metadata.annotations"
        | "metadata.labels"
        | "metadata.name"
        | "metadata.namespace"
        | "metadata.uid"
        | "spec.nodeName"
        | "spec.restartPolicy"
        | "spec.serviceAccountName"
        | "spec.schedulerName"
        | "status.phase"
        | "status.hostIP"
        | "status.hostIPs"
        | "status.podIP"
        | "status.podIPs" => Ok(label.to_owned()),
        "spec.host" => Ok("spec.nodeName".to_owned()),
        _ => Err(format!("field label not supported: {label}")),
    }
}

/// `validateObjectFieldSelector`.
pub fn object_field_selector(fs: &Value, expressions: &[&str], path: &str) -> Vec<Cause> {
    let api_version = str_of(fs, "apiVersion");
    if api_version.is_empty() {
        return vec![Cause::required(&child(path, "apiVersion"), "")];
    }
    let field_path = str_of(fs, "fieldPath");
    if field_path.is_empty() {
        return vec![Cause::required(&child(path, "fieldPath"), "")];
    }
    let internal = match convert_downward_api_field_label(api_version, field_path) {
        Ok(internal) => internal,
        Err(e) => {
            return vec![Cause::invalid(
                &child(path, "fieldPath"),
                &Value::from(field_path),
                &format!("error converting fieldPath: {e}"),
            )];
        }
    };
    match split_subscripted(&internal) {
        Some(("metadata.annotations", subscript)) => {
            let lower = subscript.to_lowercase();
            invalid_each(path, &lower, names::is_qualified_name(&lower))
        }
        Some(("metadata.labels", subscript)) => {
            invalid_each(path, subscript, names::is_qualified_name(subscript))
        }
        Some((p, _)) => vec![Cause::invalid(
            path,
            &Value::from(p),
            "does not support subscript",
        )],
        None if !expressions.contains(&internal.as_str()) => {
            vec![not_supported(
                &child(path, "fieldPath"),
                &internal,
                expressions,
            )]
        }
        None => Vec::new(),
    }
}

/// `validateContainerResourceFieldSelector` (with the huge pages prefixes).
pub fn resource_field_selector(fs: &Value, volume: bool, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let resource = str_of(fs, "resource");
    if volume && str_of(fs, "containerName").is_empty() {
        errs.push(Cause::required(&child(path, "containerName"), ""));
    } else if resource.is_empty() {
        errs.push(Cause::required(&child(path, "resource"), ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&resource)
        && !resource.starts_with("limits.hugepages-")
        && !resource.starts_with("requests.hugepages-")
    {
        errs.push(not_supported(
            &child(path, "resource"),
            resource,
            &RESOURCE_FIELD_PATHS,
        ));
    }
    if let Some(divisor) = get(fs, "divisor").and_then(Quantity::from_json)
        && divisor.sign() != 0
    {
        let shown = quantity_string(&divisor);
        let sizes = [
            "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
        ];
        let sized = |what: &str| {
            format!(
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the {what}"
            )
        };
        let bad = match resource {
            "limits.cpu" | "requests.cpu" if !["1m", "1"].contains(&shown.as_str()) => Some(
                "only divisor's values 1m and 1 are supported with the cpu resource".to_owned(),
            ),
            "limits.memory" | "requests.memory" if !sizes.contains(&shown.as_str()) => {
                Some(sized("memory resource"))
            }
            "limits.ephemeral-storage" | "requests.ephemeral-storage"
                if !sizes.contains(&shown.as_str()) =>
            {
                Some(sized("local ephemeral storage resource"))
            }
            _ => None,
        };
        if let Some(msg) = bad {
            errs.push(Cause::invalid(
                &child(path, "divisor"),
                &Value::from(resource),
                &msg,
            ));
        }
        if (resource.starts_with("requests.hugepages-")
            || resource.starts_with("limits.hugepages-"))
            && !sizes.contains(&shown.as_str())
        {
            errs.push(Cause::invalid(
                &child(path, "divisor"),
                &Value::from(resource),
                &sized("hugepages resource"),
            ));
        }
    }
    errs
}

/// `validateConfigMapKeySelector` / `validateSecretKeySelector`.
fn key_selector(s: &Value, path: &str) -> Vec<Cause> {
    let name = str_of(s, "name");
    let mut errs = invalid_each(
        &child(path, "name"),
        name,
        names::name_is_dns_subdomain(name, false),
    );
    let k = str_of(s, "key");
    if k.is_empty() {
        errs.push(Cause::required(&child(path, "key"), ""));
    } else {
        errs.extend(invalid_each(
            &child(path, "key"),
            k,
            config_map_key_errors(k),
        ));
    }
    errs
}

/// `ValidateEnvFrom`.
fn env_from(sources: &[Value], path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for (i, ev) in sources.iter().enumerate() {
        let p = index(path, i);
        let prefix = str_of(ev, "prefix");
        if !prefix.is_empty() {
            errs.extend(invalid_each(
                &child(&p, "prefix"),
                prefix,
                env_var_name_errors(prefix),
            ));
        }
        let mut count = 0;
        for source in ["configMapRef", "secretRef"] {
            if let Some(r) = get(ev, source) {
                count += 1;
                let name = str_of(r, "name");
                let np = child(&child(&p, source), "name");
                if name.is_empty() {
                    errs.push(Cause::required(&np, ""));
                } else {
                    errs.extend(invalid_each(
                        &np,
                        name,
                        names::name_is_dns_subdomain(name, true),
                    ));
                }
            }
        }
        let empty = Value::from("");
        if count == 0 {
            errs.push(Cause::invalid(
                path,
                &empty,
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if count > 1 {
            errs.push(Cause::invalid(
                path,
                &empty,
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

/// `ValidateVolumeMounts` (its `subPath`, `subPathExpr`, `mountPropagation` and
/// `recursiveReadOnly` causes are on the list's path, not the mount's, as in kube).
fn volume_mounts(c: &Value, ctx: &Ctx<'_>, path: &str) -> Vec<Cause> {
    let devices = list_of(c, "volumeDevices");
    let mut errs = Vec::new();
    let mut mount_points = HashSet::new();
    for (i, mount) in list_of(c, "volumeMounts").iter().enumerate() {
        let p = index(path, i);
        let name = str_of(mount, "name");
        let mount_path = str_of(mount, "mountPath");
        if name.is_empty() {
            errs.push(Cause::required(&child(&p, "name"), ""));
        }
        if !ctx.volumes.contains_key(name) {
            errs.push(Cause::not_found(&child(&p, "name"), &Value::from(name)));
        }
        if mount_path.is_empty() {
            errs.push(Cause::required(&child(&p, "mountPath"), ""));
        }
        if !mount_points.insert(mount_path) {
            errs.push(Cause::invalid(
                &child(&p, "mountPath"),
                &Value::from(mount_path),
                "must be unique",
            ));
        }
        if devices.iter().any(|d| str_of(d, "name") == name) {
            errs.push(Cause::invalid(
                &child(&p, "name"),
                &Value::from(name),
                "must not already exist in volumeDevices",
            ));
        }
        if devices
            .iter()
            .any(|d| str_of(d, "devicePath") == mount_path)
        {
            errs.push(Cause::invalid(
                &child(&p, "mountPath"),
                &Value::from(mount_path),
                "must not already exist as a path in volumeDevices",
            ));
        }
        let sub_path = str_of(mount, "subPath");
        let sub_path_expr = str_of(mount, "subPathExpr");
        if ctx
            .volumes
            .get(name)
            .is_some_and(|v| get(*v, "image").is_some())
        {
            for (field, value) in [("subPath", sub_path), ("subPathExpr", sub_path_expr)] {
                if !value.is_empty() {
                    errs.push(Cause::invalid(
                        &child(&p, field),
                        &Value::from(value),
                        "not allowed in image volume sources",
                    ));
                }
            }
        }
        if !sub_path.is_empty() {
            errs.extend(local_descending_path(sub_path, &child(path, "subPath")));
        }
        if !sub_path_expr.is_empty() {
            if !sub_path.is_empty() {
                errs.push(Cause::invalid(
                    &child(&p, "subPathExpr"),
                    &Value::from(sub_path_expr),
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(local_descending_path(
                sub_path_expr,
                &child(path, "subPathExpr"),
            ));
        }
        let propagation = get(mount, "mountPropagation").and_then(Value::as_str);
        if let Some(mode) = propagation {
            let pp = child(path, "mountPropagation");
            if !["Bidirectional", "HostToContainer", "None"].contains(&mode) {
                errs.push(not_supported(
                    &pp,
                    mode,
                    &["Bidirectional", "HostToContainer", "None"],
                ));
            }
            let privileged = get(c, "securityContext")
                .and_then(|sc| sc.get("privileged"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if mode == "Bidirectional" && !privileged {
                errs.push(Cause::forbidden(
                    &pp,
                    "Bidirectional mount propagation is available only to privileged containers",
                ));
            }
        }
        if let Some(rro) = get(mount, "recursiveReadOnly").and_then(Value::as_str) {
            let rp = child(path, "recursiveReadOnly");
            match rro {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if !mount
                        .get("readOnly")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                    {
                        errs.push(Cause::forbidden(
                            &rp,
                            "may only be specified when readOnly is true",
                        ));
                    }
                    if propagation.is_some_and(|m| m != "None") {
                        errs.push(Cause::forbidden(
                            &rp,
                            "may only be specified when mountPropagation is None or not specified",
                        ));
                    }
                }
                other => errs.push(not_supported(
                    &rp,
                    other,
                    &["Disabled", "Enabled", "IfPossible"],
                )),
            }
        }
    }
    errs
}

/// `ValidateVolumeDevices`.
fn volume_devices(c: &Value, ctx: &Ctx<'_>, path: &str) -> Vec<Cause> {
    let mounts = list_of(c, "volumeMounts");
    let mut errs = Vec::new();
    let mut paths = HashSet::new();
    let mut names = HashSet::new();
    for (i, device) in list_of(c, "volumeDevices").iter().enumerate() {
        let p = index(path, i);
        let name = str_of(device, "name");
        let device_path = str_of(device, "devicePath");
        let volume = ctx.volumes.get(name);
        if name.is_empty() {
            errs.push(Cause::required(&child(&p, "name"), ""));
        }
        if names.contains(name) {
            errs.push(Cause::invalid(
                &child(&p, "name"),
                &Value::from(name),
                "must be unique",
            ));
        }
        match volume {
            Some(v)
                if get(*v, "persistentVolumeClaim").is_none() && get(*v, "ephemeral").is_none() =>
            {
                errs.push(Cause::invalid(
                    &child(&p, "name"),
                    &Value::from(name),
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
                ));
            }
            Some(_) => {}
            None => errs.push(Cause::not_found(&child(&p, "name"), &Value::from(name))),
        }
        if device_path.is_empty() {
            errs.push(Cause::required(&child(&p, "devicePath"), ""));
        }
        if paths.contains(device_path) {
            errs.push(Cause::invalid(
                &child(&p, "devicePath"),
                &Value::from(device_path),
                "must be unique",
            ));
        }
        if !device_path.is_empty() && device_path.split('/').any(|part| part == "..") {
            errs.push(Cause::invalid(
                &child(&p, "devicePath"),
                &Value::from(device_path),
                "can not contain backsteps ('..')",
            ));
        } else {
            paths.insert(device_path);
        }
        if mounts.iter().any(|m| str_of(m, "name") == name) {
            errs.push(Cause::invalid(
                &child(&p, "name"),
                &Value::from(name),
                "must not already exist in volumeMounts",
            ));
        }
        if mounts.iter().any(|m| str_of(m, "mountPath") == device_path) {
            errs.push(Cause::invalid(
                &child(&p, "devicePath"),
                &Value::from(device_path),
                "must not already exist as a path in volumeMounts",
            ));
        }
        if !name.is_empty() {
            names.insert(name);
        }
    }
    errs
}

/// `validatePullPolicy`.
pub fn pull_policy(policy: &str, path: &str) -> Vec<Cause> {
    match policy {
        "Always" | "IfNotPresent" | "Never" => Vec::new(),
        "" => vec![Cause::required(path, "")],
        other => vec![not_supported(
            path,
            other,
            &["Always", "IfNotPresent", "Never"],
        )],
    }
}

/// `validateResizePolicy`.
fn resize_policy(policies: &[Value], pod_restart_policy: &str, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut seen = HashSet::new();
    for (i, policy) in policies.iter().enumerate() {
        let name = str_of(policy, "resourceName");
        if !seen.insert(name) {
            errs.push(Cause {
                reason: "FieldValueDuplicate",
                message: format!("Duplicate value: {name}"),
                field: index(path, i),
            });
        }
        match name {
            "cpu" | "memory" => {}
            "" => errs.push(Cause::required(path, "")),
            other => {
                let mut cause = not_supported(path, other, &["cpu", "memory"]);
                cause.message =
                    format!("Unsupported value: {other}: supported values: \"cpu\", \"memory\"");
                errs.push(cause);
            }
        }
        let restart = str_of(policy, "restartPolicy");
        match restart {
            "NotRequired" | "RestartContainer" => {}
            "" => errs.push(Cause::required(path, "")),
            other => errs.push(not_supported(
                path,
                other,
                &["NotRequired", "RestartContainer"],
            )),
        }
        if pod_restart_policy == "Never" && restart != "NotRequired" {
            errs.push(Cause::invalid(
                path,
                &Value::from(restart),
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            ));
        }
    }
    errs
}
