//! Security contexts (`validatePodSpecSecurityContext`, `ValidateSecurityContext`), seccomp and
//! AppArmor profiles, Windows options and host-process pods, `hostUsers`, and `spec.os` with the
//! Linux/Windows field restrictions.
//!
//! `--allow-privileged` is taken as true (what kubeadm and kind clusters run with), so privileged
//! containers are not refused by cluster policy.

use serde_json::Value;

use super::util::{child, flag, index, local_descending_path, not_supported};
use crate::error::Cause;
use crate::names;
use crate::validation::common::inclusive_range_error;
use crate::validation::common::{get, int_of, list_of, str_of};

const MAX_ID: i64 = 0xffff_ffff;

/// `IsValidUserID` / `IsValidGroupID` on an optional field.
fn id(v: &Value, field: &str, path: &str) -> Option<Cause> {
    let value = int_of(v, field)?;
    (!(0..=MAX_ID).contains(&value)).then(|| {
        Cause::invalid(
            &child(path, field),
            &Value::from(value),
            &inclusive_range_error(0, MAX_ID),
        )
    })
}

/// `validatePodSpecSecurityContext`: `spec` holds the host namespace fields that the internal
/// `PodSecurityContext` carries.
pub fn pod_security_context(spec: &Value, path: &str) -> Vec<Cause> {
    let Some(sc) = get(spec, "securityContext") else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    errs.extend(id(sc, "fsGroup", path));
    errs.extend(id(sc, "runAsUser", path));
    errs.extend(id(sc, "runAsGroup", path));
    for (i, gid) in list_of(sc, "supplementalGroups").iter().enumerate() {
        let gid = gid.as_i64().unwrap_or(0);
        if !(0..=MAX_ID).contains(&gid) {
            errs.push(Cause::invalid(
                &index(&child(path, "supplementalGroups"), i),
                &Value::from(gid),
                &inclusive_range_error(0, MAX_ID),
            ));
        }
    }
    if let Some(share) = spec.get("shareProcessNamespace").and_then(Value::as_bool)
        && share
        && flag(spec, "hostPID")
    {
        errs.push(Cause::invalid(
            &child(path, "shareProcessNamespace"),
            &Value::Bool(share),
            "ShareProcessNamespace and HostPID cannot both be enabled",
        ));
    }
    errs.extend(sysctls(spec, sc, &child(path, "sysctls")));
    if let Some(policy) = get(sc, "fsGroupChangePolicy").and_then(Value::as_str)
        && policy != "Always"
        && policy != "OnRootMismatch"
    {
        errs.push(not_supported(
            &child(path, "fsGroupChangePolicy"),
            policy,
            &["Always", "OnRootMismatch"],
        ));
    }
    errs.extend(seccomp_profile(
        get(sc, "seccompProfile"),
        &child(path, "seccompProfile"),
    ));
    errs.extend(windows_options(
        get(sc, "windowsOptions"),
        &child(path, "windowsOptions"),
    ));
    errs.extend(app_armor_profile(
        get(sc, "appArmorProfile"),
        &child(path, "appArmorProfile"),
    ));
    if let Some(policy) = get(sc, "supplementalGroupsPolicy").and_then(Value::as_str)
        && policy != "Merge"
        && policy != "Strict"
    {
        errs.push(not_supported(
            &child(path, "supplementalGroupsPolicy"),
            policy,
            &["Merge", "Strict"],
        ));
    }
    if let Some(policy) = get(sc, "seLinuxChangePolicy").and_then(Value::as_str)
        && policy != "MountOption"
        && policy != "Recursive"
    {
        errs.push(not_supported(
            &child(path, "seLinuxChangePolicy"),
            policy,
            &["MountOption", "Recursive"],
        ));
    }
    errs
}

/// `SysctlContainSlashFmt` as `regexp.String()` prints it.
const SYSCTL_REGEX: &str =
    "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";

/// `IsValidSysctlName`.
fn is_valid_sysctl_name(name: &str) -> bool {
    let segment = |s: &str| {
        let b = s.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (b.first(), b.last()) {
            (Some(first), Some(last)) => {
                alnum(first)
                    && alnum(last)
                    && b.iter().all(|c| alnum(c) || matches!(c, b'-' | b'_'))
            }
            _ => false,
        }
    };
    name.len() <= 253 && name.split(['.', '/']).all(segment)
}

/// The namespace of a sysctl (`utilsysctl.GetNamespace`): `net` or `ipc` when it is one the
/// host namespaces share.
fn sysctl_namespace(name: &str) -> Option<&'static str> {
    let normalized: String = match name.find(['.', '/']) {
        Some(i) if name.as_bytes()[i] == b'/' => name
            .chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect(),
        _ => name.to_owned(),
    };
    const IPC: [&str; 8] = [
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
    ];
    if IPC.contains(&normalized.as_str()) || normalized.starts_with("fs.mqueue.") {
        Some("ipc")
    } else if normalized.starts_with("net.") {
        Some("net")
    } else {
        None
    }
}

/// `validateSysctls` with `ValidateHostSysctl`.
fn sysctls(spec: &Value, sc: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, s) in list_of(sc, "sysctls").iter().enumerate() {
        let p = child(&index(path, i), "name");
        let name = str_of(s, "name");
        if name.is_empty() {
            errs.push(Cause::required(&p, ""));
        } else if !is_valid_sysctl_name(name) {
            errs.push(Cause::invalid(
                &p,
                &Value::from(name),
                &format!("must have at most 253 characters and match regex {SYSCTL_REGEX}"),
            ));
        } else if seen.contains(name) {
            errs.push(Cause::duplicate(&p, &Value::from(name)));
        }
        match sysctl_namespace(name) {
            Some("net") if flag(spec, "hostNetwork") => errs.push(Cause::invalid(
                &p,
                &Value::from(name),
                "may not be specified when 'hostNetwork' is true",
            )),
            Some("ipc") if flag(spec, "hostIPC") => errs.push(Cause::invalid(
                &p,
                &Value::from(name),
                "may not be specified when 'hostIPC' is true",
            )),
            _ => {}
        }
        seen.insert(name);
    }
    errs
}

/// `ValidateSecurityContext` of a container.
pub fn container_security_context(sc: &Value, host_users: bool, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    errs.extend(id(sc, "runAsUser", path));
    errs.extend(id(sc, "runAsGroup", path));
    if let Some(proc_mount) = get(sc, "procMount").and_then(Value::as_str) {
        let p = child(path, "procMount");
        if proc_mount != "Default" && proc_mount != "Unmasked" {
            errs.push(not_supported(&p, proc_mount, &["Default", "Unmasked"]));
        }
        if host_users && proc_mount == "Unmasked" {
            errs.push(Cause::invalid(
                &p,
                &Value::from(proc_mount),
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
    errs.extend(seccomp_profile(
        get(sc, "seccompProfile"),
        &child(path, "seccompProfile"),
    ));
    if sc.get("allowPrivilegeEscalation").and_then(Value::as_bool) == Some(false) {
        if sc.get("privileged").and_then(Value::as_bool) == Some(true) {
            errs.push(Cause::invalid(
                path,
                sc,
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            ));
        }
        if let Some(caps) = get(sc, "capabilities") {
            for cap in list_of(caps, "add") {
                if cap.as_str() == Some("CAP_SYS_ADMIN") {
                    errs.push(Cause::invalid(
                        path,
                        sc,
                        "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                    ));
                }
            }
        }
    }
    errs.extend(windows_options(
        get(sc, "windowsOptions"),
        &child(path, "windowsOptions"),
    ));
    errs.extend(app_armor_profile(
        get(sc, "appArmorProfile"),
        &child(path, "appArmorProfile"),
    ));
    errs
}

/// `validateSeccompProfileField`.
fn seccomp_profile(profile: Option<&Value>, path: &str) -> Vec<Cause> {
    let Some(profile) = profile else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    let kind = str_of(profile, "type");
    match kind {
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        "" => errs.push(Cause::required(
            &child(path, "type"),
            "type is required when seccompProfile is set",
        )),
        other => errs.push(not_supported(
            &child(path, "type"),
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    let localhost = get(profile, "localhostProfile").and_then(Value::as_str);
    match (kind, localhost) {
        ("Localhost", None) => errs.push(Cause::required(
            &child(path, "localhostProfile"),
            "must be set when seccomp type is Localhost",
        )),
        ("Localhost", Some(p)) => {
            errs.extend(local_descending_path(p, &child(path, "localhostProfile")));
        }
        (_, Some(_)) => errs.push(Cause::invalid(
            &child(path, "localhostProfile"),
            profile,
            "can only be set when seccomp type is Localhost",
        )),
        (_, None) => {}
    }
    errs
}

/// `ValidateAppArmorProfileField`.
fn app_armor_profile(profile: Option<&Value>, path: &str) -> Vec<Cause> {
    let Some(profile) = profile else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    let lp = child(path, "localhostProfile");
    let localhost = get(profile, "localhostProfile").and_then(Value::as_str);
    match str_of(profile, "type") {
        "Localhost" => match localhost {
            None => errs.push(Cause::required(
                &lp,
                "must be set when AppArmor type is Localhost",
            )),
            Some(p) => {
                if p.trim() != p {
                    errs.push(Cause::invalid(
                        &lp,
                        &Value::from(p),
                        "must not be padded with whitespace",
                    ));
                } else if p.is_empty() {
                    errs.push(Cause::required(
                        &lp,
                        "must be set when AppArmor type is Localhost",
                    ));
                }
                if p.len() > 4095 {
                    errs.push(Cause::too_long(&lp, 4095));
                }
            }
        },
        "RuntimeDefault" | "Unconfined" => {
            if let Some(p) = localhost {
                errs.push(Cause::invalid(
                    &lp,
                    &Value::from(p),
                    "can only be set when AppArmor type is Localhost",
                ));
            }
        }
        "" => errs.push(Cause::required(
            &child(path, "type"),
            "type is required when appArmorProfile is set",
        )),
        other => errs.push(not_supported(
            &child(path, "type"),
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    errs
}

/// A NetBIOS domain: `^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$`.
fn is_netbios_domain(domain: &str) -> bool {
    let bad = |c: char| "\\/:*?\"<>|".contains(c);
    let mut chars = domain.chars();
    match chars.next() {
        Some(first) if !bad(first) && first != '.' => {
            let rest: Vec<char> = chars.collect();
            rest.len() <= 14 && !rest.iter().any(|&c| bad(c))
        }
        _ => false,
    }
}

/// A DNS domain of `validWindowsUserDomainDNSRegex`.
fn is_dns_domain(domain: &str) -> bool {
    domain.split('.').all(|label| {
        let b = label.as_bytes();
        match (b.first(), b.last()) {
            (Some(first), Some(last)) => {
                b.len() <= 63
                    && first.is_ascii_alphanumeric()
                    && last.is_ascii_alphanumeric()
                    && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            }
            _ => false,
        }
    })
}

/// `validateWindowsSecurityContextOptions`.
fn windows_options(options: Option<&Value>, path: &str) -> Vec<Cause> {
    let Some(options) = options else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if let Some(name) = get(options, "gmsaCredentialSpecName").and_then(Value::as_str) {
        for m in names::is_dns1123_subdomain(name) {
            errs.push(Cause::invalid(
                &child(path, "gmsaCredentialSpecName"),
                &Value::from(name),
                &m,
            ));
        }
    }
    if let Some(spec) = get(options, "gmsaCredentialSpec").and_then(Value::as_str) {
        let p = child(path, "gmsaCredentialSpec");
        if spec.is_empty() {
            errs.push(Cause::invalid(
                &p,
                &Value::from(spec),
                "gmsaCredentialSpec cannot be an empty string",
            ));
        } else if spec.len() > 64 * 1024 {
            errs.push(Cause::invalid(
                &p,
                &Value::from(spec),
                "gmsaCredentialSpec size must be under 64 KiB",
            ));
        }
    }
    if let Some(user) = get(options, "runAsUserName").and_then(Value::as_str) {
        let p = child(path, "runAsUserName");
        let value = Value::from(user);
        let parts: Vec<&str> = user.split('\\').collect();
        if user.is_empty() {
            errs.push(Cause::invalid(
                &p,
                &value,
                "runAsUserName cannot be an empty string",
            ));
        } else if user.chars().any(|c| c.is_ascii_control()) {
            errs.push(Cause::invalid(
                &p,
                &value,
                "runAsUserName cannot contain control characters",
            ));
        } else if parts.len() > 2 {
            errs.push(Cause::invalid(
                &p,
                &value,
                "runAsUserName cannot contain more than one backslash",
            ));
        } else {
            let (domain, name) = match parts.as_slice() {
                [domain, name] => (Some(*domain), *name),
                _ => (None, user),
            };
            if domain.is_some_and(|d| d.len() >= 256) {
                errs.push(Cause::invalid(
                    &p,
                    &value,
                    "runAsUserName's Domain length must be under 256 characters",
                ));
            }
            if let Some(d) = domain
                && !(is_netbios_domain(d) || is_dns_domain(d))
            {
                errs.push(Cause::invalid(
                    &p,
                    &value,
                    "runAsUserName's Domain doesn't match the NetBios nor the DNS format",
                ));
            }
            if name.is_empty() {
                errs.push(Cause::invalid(
                    &p,
                    &value,
                    "runAsUserName's User cannot be empty",
                ));
            } else if name.len() > 104 {
                errs.push(Cause::invalid(
                    &p,
                    &value,
                    "runAsUserName's User length must not be longer than 104 characters",
                ));
            }
            if !name.is_empty() && name.chars().all(|c| c == '.' || c == ' ') {
                errs.push(Cause::invalid(
                    &p,
                    &value,
                    "runAsUserName's User cannot contain only periods or spaces",
                ));
            }
            if name.chars().any(|c| "\"/\\:;|=,+*?<>@[]".contains(c)) {
                errs.push(Cause::invalid(
                    &p,
                    &value,
                    "runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]",
                ));
            }
        }
    }
    errs
}

/// Every container with its path, as `podshelper.VisitContainersWithPath` visits them: init
/// containers, containers, ephemeral containers.
pub fn visit_containers<'a>(spec: &'a Value, path: &str) -> Vec<(&'a Value, String)> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (i, c) in list_of(spec, list).iter().enumerate() {
            out.push((c, index(&child(path, list), i)));
        }
    }
    out
}

/// `validateWindowsHostProcessPod`.
pub fn windows_host_process(spec: &Value, path: &str) -> Vec<Cause> {
    let host_process = |sc: Option<&Value>| {
        sc.and_then(|sc| get(sc, "windowsOptions"))
            .and_then(|w| w.get("hostProcess"))
            .and_then(Value::as_bool)
    };
    let pod = host_process(get(spec, "securityContext"));
    let mut errs = Vec::new();
    let mut count = 0;
    let mut host_count = 0;
    for (c, cp) in visit_containers(spec, path) {
        count += 1;
        let container = host_process(get(c, "securityContext"));
        if let (Some(pod), Some(container)) = (pod, container)
            && pod != container
        {
            errs.push(Cause::invalid(
                &child(
                    &child(&child(&cp, "securityContext"), "windowsOptions"),
                    "hostProcess",
                ),
                &Value::Bool(container),
                &format!(
                    "pod hostProcess value must be identical if both are specified, was {pod}"
                ),
            ));
        }
        if container == Some(true) || (container.is_none() && pod == Some(true)) {
            host_count += 1;
        }
    }
    if host_count > 0 {
        if host_count != count {
            errs.push(Cause::invalid(
                path,
                &Value::from(""),
                "If pod contains any hostProcess containers then all containers must be HostProcess containers",
            ));
        }
        if !flag(spec, "hostNetwork") {
            errs.push(Cause::invalid(
                &child(path, "hostNetwork"),
                &Value::Bool(false),
                "hostNetwork must be true if pod contains any hostProcess containers",
            ));
        }
    }
    errs
}

/// `validateHostUsers`.
pub fn host_users(spec: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    if get(spec, "hostUsers").and_then(Value::as_bool) != Some(false) {
        return errs;
    }
    for (field, name) in [
        ("hostNetwork", "hostNetwork"),
        ("hostPID", "HostPID"),
        ("hostIPC", "HostIPC"),
    ] {
        if flag(spec, field) {
            errs.push(Cause::forbidden(
                &child(path, name),
                "when `pod.Spec.HostUsers` is false",
            ));
        }
    }
    errs
}

/// `validateOS` and then `validateLinux` / `validateWindows`.
pub fn os(spec: &Value, path: &str) -> Vec<Cause> {
    let Some(os) = get(spec, "os") else {
        return Vec::new();
    };
    let name = str_of(os, "name");
    let op = child(path, "os");
    if name.is_empty() {
        return vec![Cause::required(&child(&op, "name"), "cannot be empty")];
    }
    match name {
        "linux" => linux(spec, path),
        "windows" => windows(spec, path),
        other => vec![not_supported(&op, other, &["linux", "windows"])],
    }
}

fn linux(spec: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let msg = "windows options cannot be set for a linux pod";
    if get(spec, "securityContext").is_some_and(|sc| get(sc, "windowsOptions").is_some()) {
        errs.push(Cause::forbidden(
            &child(&child(path, "securityContext"), "windowsOptions"),
            msg,
        ));
    }
    for (c, cp) in visit_containers(spec, path) {
        if get(c, "securityContext").is_some_and(|sc| get(sc, "windowsOptions").is_some()) {
            errs.push(Cause::forbidden(
                &child(&child(&cp, "securityContext"), "windowsOptions"),
                msg,
            ));
        }
    }
    errs
}

fn windows(spec: &Value, path: &str) -> Vec<Cause> {
    let msg = "cannot be set for a windows pod";
    let mut errs = Vec::new();
    let scp = child(path, "securityContext");
    let sc = get(spec, "securityContext");
    let set = |v: Option<&Value>, field: &str| v.is_some_and(|v| get(v, field).is_some());
    if sc.is_some() {
        let checks: [(bool, String); 15] = [
            (set(sc, "appArmorProfile"), child(&scp, "appArmorProfile")),
            (set(sc, "seLinuxOptions"), child(&scp, "seLinuxOptions")),
            (get(spec, "hostUsers").is_some(), child(path, "hostUsers")),
            (flag(spec, "hostPID"), child(path, "hostPID")),
            (flag(spec, "hostIPC"), child(path, "hostIPC")),
            (set(sc, "seccompProfile"), child(&scp, "seccompProfile")),
            (set(sc, "fsGroup"), child(&scp, "fsGroup")),
            (
                set(sc, "fsGroupChangePolicy"),
                child(&scp, "fsGroupChangePolicy"),
            ),
            (
                sc.is_some_and(|sc| !list_of(sc, "sysctls").is_empty()),
                child(&scp, "sysctls"),
            ),
            (
                get(spec, "shareProcessNamespace").is_some(),
                child(path, "shareProcessNamespace"),
            ),
            (set(sc, "runAsUser"), child(&scp, "runAsUser")),
            (set(sc, "runAsGroup"), child(&scp, "runAsGroup")),
            (
                set(sc, "supplementalGroups"),
                child(&scp, "supplementalGroups"),
            ),
            (
                set(sc, "supplementalGroupsPolicy"),
                child(&scp, "supplementalGroupsPolicy"),
            ),
            (
                set(sc, "seLinuxChangePolicy"),
                child(&scp, "seLinuxChangePolicy"),
            ),
        ];
        for (bad, field) in checks {
            if bad {
                errs.push(Cause::forbidden(&field, msg));
            }
        }
    }
    for (c, cp) in visit_containers(spec, path) {
        let Some(sc) = get(c, "securityContext") else {
            continue;
        };
        let p = child(&cp, "securityContext");
        for field in [
            "appArmorProfile",
            "seLinuxOptions",
            "seccompProfile",
            "capabilities",
            "readOnlyRootFilesystem",
            "privileged",
            "allowPrivilegeEscalation",
            "procMount",
            "runAsUser",
            "runAsGroup",
        ] {
            if get(sc, field).is_some() {
                errs.push(Cause::forbidden(&child(&p, field), msg));
            }
        }
    }
    errs
}
