//! `ValidateService` / `ValidateServiceUpdate` of `pkg/apis/core/validation`. ClusterIPs and
//! NodePorts are allocated (and their ranges checked) by `crate::allocator` before this runs, as
//! kube-apiserver's service REST allocates before its strategy validates.

use serde_json::{Map, Value};

use super::Write;
use super::common::{
    dns1123_label, dns1123_subdomain, get, go_int_or_string, go_string_slice, go_strings, int_of,
    list_of, port_num_or_name, protocol, qualified_name, str_of, string_pairs, valid_cidr,
    valid_ip, valid_port_num,
};
use crate::error::{Cause, go_quote};
use crate::names;

const KUBELET_PORT: i64 = 10250;
const MAX_CLIENT_IP_AFFINITY_SECONDS: i64 = 86400;
const TOPOLOGY_HINTS: &str = "service.kubernetes.io/topology-aware-hints";
const TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

pub fn service(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    match write {
        Write::Create => validate_service(obj),
        Write::Update { old } => {
            let mut causes = upgrade_downgrade_cluster_ips(old, obj);
            causes.extend(upgrade_downgrade_ip_families(old, obj));
            causes.extend(load_balancer_class(Some(old), obj));
            let (new_spec, old_spec) = (obj.get("spec"), old.get("spec"));
            if needs_health_check(new_spec)
                && needs_health_check(old_spec)
                && int_of(new_spec, "healthCheckNodePort")
                    != int_of(old_spec, "healthCheckNodePort")
            {
                causes.push(Cause::forbidden(
                    "spec.healthCheckNodePort",
                    "field is immutable",
                ));
            }
            causes.extend(validate_service(obj));
            causes
        }
        Write::Status { .. } => Vec::new(),
    }
}

fn service_type(spec: Option<&Value>) -> &str {
    str_of(spec, "type")
}

fn cluster_ips(spec: Option<&Value>) -> Vec<&str> {
    list_of(spec, "clusterIPs")
        .iter()
        .map(|ip| ip.as_str().unwrap_or(""))
        .collect()
}

fn is_headless(spec: Option<&Value>) -> bool {
    cluster_ips(spec) == ["None"]
}

/// `apiservice.ExternallyAccessible`.
fn externally_accessible(spec: Option<&Value>) -> bool {
    match service_type(spec) {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => !list_of(spec, "externalIPs").is_empty(),
        _ => false,
    }
}

/// `apiservice.NeedsHealthCheck`.
fn needs_health_check(spec: Option<&Value>) -> bool {
    service_type(spec) == "LoadBalancer" && str_of(spec, "externalTrafficPolicy") == "Local"
}

/// `ValidateService` after the metadata.
fn validate_service(obj: &Map<String, Value>) -> Vec<Cause> {
    let spec = obj.get("spec");
    let annotations = obj.get("metadata").and_then(|m| m.get("annotations"));
    let mut causes = Vec::new();
    if let (Some(hints), Some(mode)) = (
        get(annotations, TOPOLOGY_HINTS).and_then(Value::as_str),
        get(annotations, TOPOLOGY_MODE).and_then(Value::as_str),
    ) && hints != mode
    {
        causes.push(Cause::invalid(
            &format!("metadata.annotations[{TOPOLOGY_MODE}]"),
            &Value::from(mode),
            &format!("must match annotations[{TOPOLOGY_HINTS}] when both are specified"),
        ));
    }
    let kind = service_type(spec);
    let ports = list_of(spec, "ports");
    let headless = is_headless(spec);
    if ports.is_empty() && !headless && kind != "ExternalName" {
        causes.push(Cause::required("spec.ports", ""));
    }
    match kind {
        "LoadBalancer" | "NodePort" => {
            if kind == "LoadBalancer" {
                for (i, port) in ports.iter().enumerate() {
                    if int_of(port, "port") == Some(KUBELET_PORT) {
                        causes.push(Cause::invalid(
                            &format!("spec.ports[{i}]"),
                            &Value::from(KUBELET_PORT),
                            &format!(
                                "may not expose port {KUBELET_PORT} externally since it is used by kubelet"
                            ),
                        ));
                    }
                }
            }
            if headless {
                causes.push(Cause::invalid(
                    "spec.clusterIPs[0]",
                    &Value::from("None"),
                    &format!("may not be set to 'None' for {kind} services"),
                ));
            }
        }
        "ExternalName" => {
            for field in ["clusterIPs", "ipFamilies"] {
                if !list_of(spec, field).is_empty() {
                    causes.push(Cause::forbidden(
                        &format!("spec.{field}"),
                        "may not be set for ExternalName services",
                    ));
                }
            }
            if get(spec, "ipFamilyPolicy").is_some() {
                causes.push(Cause::forbidden(
                    "spec.ipFamilyPolicy",
                    "may not be set for ExternalName services",
                ));
            }
            let name = str_of(spec, "externalName");
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                causes.push(Cause::required("spec.externalName", ""));
            } else {
                causes.extend(dns1123_subdomain(cname, "spec.externalName"));
            }
        }
        _ => {}
    }
    let mut port_names: Vec<&str> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        causes.extend(service_port(
            port,
            ports.len() > 1,
            &mut port_names,
            &format!("spec.ports[{i}]"),
        ));
    }
    if get(spec, "selector").is_some() {
        causes.extend(names::validate_labels(
            string_pairs(get(spec, "selector")),
            "spec.selector",
        ));
    }
    let affinity = str_of(spec, "sessionAffinity");
    match affinity {
        "" => causes.push(Cause::required("spec.sessionAffinity", "")),
        "ClientIP" | "None" => {}
        other => causes.push(Cause::not_supported(
            "spec.sessionAffinity",
            &Value::from(other),
            &["ClientIP", "None"],
        )),
    }
    let affinity_config = get(spec, "sessionAffinityConfig");
    if affinity == "ClientIP" {
        causes.extend(client_ip_affinity_config(affinity_config));
    } else if affinity == "None" && affinity_config.is_some() {
        causes.push(Cause::forbidden(
            "spec.sessionAffinityConfig",
            "must not be set when session affinity is None",
        ));
    }
    causes.extend(cluster_ips_related_fields(spec));
    for (i, ip) in list_of(spec, "externalIPs").iter().enumerate() {
        let ip = ip.as_str().unwrap_or("");
        let path = format!("spec.externalIPs[{i}]");
        match valid_ip(ip, &path) {
            Some(cause) => causes.push(cause),
            None => causes.extend(non_special_ip(ip, &path)),
        }
    }
    const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if kind.is_empty() {
        causes.push(Cause::required("spec.type", ""));
    } else if !TYPES.contains(&kind) {
        causes.push(Cause::not_supported(
            "spec.type",
            &Value::from(kind),
            &TYPES,
        ));
    }
    if kind == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if int_of(port, "nodePort").is_some_and(|p| p != 0) {
                causes.push(Cause::forbidden(
                    &format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports: Vec<(&str, i64)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let Some(node_port) = int_of(port, "nodePort").filter(|p| *p != 0) else {
            continue;
        };
        let key = (str_of(port, "protocol"), node_port);
        if node_ports.contains(&key) {
            causes.push(Cause::duplicate(
                &format!("spec.ports[{i}].nodePort"),
                &Value::from(node_port),
            ));
        }
        node_ports.push(key);
    }
    let mut seen_ports: Vec<(&str, i64)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let key = (str_of(port, "protocol"), int_of(port, "port").unwrap_or(0));
        if seen_ports.contains(&key) {
            causes.push(Cause::duplicate_shown(
                &format!("spec.ports[{i}]"),
                &format!(
                    "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:{}, NodePort:0}}",
                    go_quote(key.0),
                    key.1,
                    go_int_or_string(None)
                ),
                "",
            ));
        }
        seen_ports.push(key);
    }
    let ranges = list_of(spec, "loadBalancerSourceRanges");
    if !ranges.is_empty() {
        let path = "spec.LoadBalancerSourceRanges";
        if kind != "LoadBalancer" {
            causes.push(Cause::forbidden(
                path,
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
        for (i, range) in ranges.iter().enumerate() {
            causes.extend(valid_cidr(
                range.as_str().unwrap_or("").trim(),
                &format!("{path}[{i}]"),
            ));
        }
    } else if let Some(value) = get(annotations, SOURCE_RANGES).and_then(Value::as_str) {
        let path = format!("metadata.annotations[{SOURCE_RANGES}]");
        if kind != "LoadBalancer" {
            causes.push(Cause::forbidden(
                &path,
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
        let value = value.trim();
        if !value.is_empty() {
            for cidr in value.split(',') {
                causes.extend(valid_cidr(cidr.trim(), &path));
            }
        }
    }
    let allocate = get(spec, "allocateLoadBalancerNodePorts");
    if allocate.is_some() && kind != "LoadBalancer" {
        causes.push(Cause::forbidden(
            "spec.allocateLoadBalancerNodePorts",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if kind == "LoadBalancer" && allocate.is_none() {
        causes.push(Cause::required("allocateLoadBalancerNodePorts", ""));
    }
    causes.extend(load_balancer_class(None, obj));
    causes.extend(external_traffic_policy(spec));
    match get(spec, "internalTrafficPolicy").and_then(Value::as_str) {
        None if matches!(kind, "NodePort" | "LoadBalancer" | "ClusterIP") => {
            causes.push(Cause::required("spec.internalTrafficPolicy", ""))
        }
        Some(policy) if policy != "Cluster" && policy != "Local" => {
            causes.push(Cause::not_supported(
                "spec.internalTrafficPolicy",
                &Value::from(policy),
                &["Cluster", "Local"],
            ));
        }
        _ => {}
    }
    if let Some(distribution) = get(spec, "trafficDistribution").and_then(Value::as_str) {
        const DISTRIBUTIONS: [&str; 3] = ["PreferClose", "PreferSameZone", "PreferSameNode"];
        if !DISTRIBUTIONS.contains(&distribution) {
            causes.push(Cause::not_supported(
                "spec.trafficDistribution",
                &Value::from(distribution),
                &DISTRIBUTIONS,
            ));
        }
    }
    causes
}

/// `validateServicePort`.
fn service_port<'a>(
    port: &'a Value,
    require_name: bool,
    names_seen: &mut Vec<&'a str>,
    path: &str,
) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = str_of(port, "name");
    if require_name && name.is_empty() {
        causes.push(Cause::required(&format!("{path}.name"), ""));
    } else if !name.is_empty() {
        causes.extend(dns1123_label(name, &format!("{path}.name")));
        if names_seen.contains(&name) {
            causes.push(Cause::duplicate(
                &format!("{path}.name"),
                &Value::from(name),
            ));
        } else {
            names_seen.push(name);
        }
    }
    causes.extend(valid_port_num(
        int_of(port, "port").unwrap_or(0),
        &format!("{path}.port"),
    ));
    causes.extend(protocol(
        str_of(port, "protocol"),
        &format!("{path}.protocol"),
    ));
    causes.extend(port_num_or_name(
        get(port, "targetPort"),
        &format!("{path}.targetPort"),
    ));
    if let Some(app) = get(port, "appProtocol").and_then(Value::as_str) {
        causes.extend(qualified_name(app, &format!("{path}.appProtocol")));
    }
    causes
}

/// `validateClientIPAffinityConfig`.
fn client_ip_affinity_config(config: Option<&Value>) -> Vec<Cause> {
    let detail = "when session affinity type is ClientIP";
    let path = "spec.sessionAffinityConfig";
    let Some(config) = config else {
        return vec![Cause::required(path, detail)];
    };
    let Some(client_ip) = get(config, "clientIP") else {
        return vec![Cause::required(&format!("{path}.clientIP"), detail)];
    };
    let timeout_path = format!("{path}.clientIP.timeoutSeconds");
    match int_of(client_ip, "timeoutSeconds") {
        None => vec![Cause::required(&timeout_path, detail)],
        Some(t) if t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS => vec![Cause::invalid(
            &timeout_path,
            &Value::from(t),
            &format!("must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}"),
        )],
        Some(_) => Vec::new(),
    }
}

/// `ValidateNonSpecialIP` of an address that parses.
fn non_special_ip(ip: &str, path: &str) -> Vec<Cause> {
    let Ok(addr) = ip.parse::<std::net::IpAddr>() else {
        return Vec::new();
    };
    let value = Value::from(ip);
    let mut causes = Vec::new();
    if addr.is_unspecified() {
        causes.push(Cause::invalid(
            path,
            &value,
            &format!("may not be unspecified ({ip})"),
        ));
    }
    if addr.is_loopback() {
        causes.push(Cause::invalid(
            path,
            &value,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ));
    }
    let (link_local, link_local_multicast) = match addr {
        std::net::IpAddr::V4(v4) => {
            let o = v4.octets();
            (v4.is_link_local(), o[0] == 224 && o[1] == 0 && o[2] == 0)
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            (s[0] & 0xffc0 == 0xfe80, s[0] & 0xff0f == 0xff02)
        }
    };
    if link_local {
        causes.push(Cause::invalid(
            path,
            &value,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if link_local_multicast {
        causes.push(Cause::invalid(
            path,
            &value,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    causes
}

/// `ValidateServiceClusterIPsRelatedFields`.
fn cluster_ips_related_fields(spec: Option<&Value>) -> Vec<Cause> {
    if service_type(spec) == "ExternalName" {
        return Vec::new();
    }
    let mut causes = Vec::new();
    let ips = cluster_ips(spec);
    let ips_value = || go_string_slice(get(spec, "clusterIPs"));
    let field = "spec.clusterIPs";
    let cluster_ip = str_of(spec, "clusterIP");
    if !cluster_ip.is_empty() {
        if ips.is_empty() {
            causes.push(Cause::required(field, ""));
        } else if ips[0] != cluster_ip {
            causes.push(Cause::invalid_shown(
                field,
                &ips_value(),
                "first value must match `clusterIP`",
            ));
        }
    } else if !ips.is_empty() {
        causes.push(Cause::invalid_shown(
            field,
            &ips_value(),
            "must be empty when `clusterIP` is not specified",
        ));
    }
    let families: Vec<&str> = list_of(spec, "ipFamilies")
        .iter()
        .map(|f| f.as_str().unwrap_or(""))
        .collect();
    for (i, family) in families.iter().enumerate() {
        let path = format!("spec.ipFamilies[{i}]");
        if *family != "IPv4" && *family != "IPv6" {
            causes.push(Cause::not_supported(
                &path,
                &Value::from(*family),
                &["IPv4", "IPv6"],
            ));
        }
        if families[..i].contains(family) {
            causes.push(Cause::duplicate(&path, &Value::from(*family)));
        }
    }
    if let Some(policy) = get(spec, "ipFamilyPolicy").and_then(Value::as_str) {
        const POLICIES: [&str; 3] = ["PreferDualStack", "RequireDualStack", "SingleStack"];
        if !POLICIES.contains(&policy) {
            causes.push(Cause::not_supported(
                "spec.ipFamilyPolicy",
                &Value::from(policy),
                &POLICIES,
            ));
        }
    }
    let mut invalid_ips = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && *ip == "None" {
            if ips.len() > 1 {
                invalid_ips = true;
                causes.push(Cause::invalid_shown(
                    field,
                    &ips_value(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        if let Some(cause) = valid_ip(ip, &format!("{field}[{i}]")) {
            invalid_ips = true;
            causes.push(cause);
        }
    }
    if ips.len() > 2 {
        causes.push(Cause::invalid_shown(
            field,
            &ips_value(),
            "may only hold up to 2 values",
        ));
    }
    if invalid_ips {
        return causes;
    }
    let is_v6 = |ip: &str| ip.parse::<std::net::Ipv6Addr>().is_ok();
    if ips.len() > 1 {
        let v6 = ips.iter().filter(|ip| is_v6(ip)).count();
        if ips.len() != 2 || v6 != 1 {
            causes.push(Cause::invalid_shown(
                field,
                &ips_value(),
                "may specify no more than one IP for each IP family",
            ));
        }
    }
    if !is_headless(spec) {
        for (i, (ip, family)) in ips.iter().zip(&families).enumerate() {
            if *family == "IPv4" && is_v6(ip) {
                causes.push(Cause::invalid(
                    &format!("{field}[{i}]"),
                    &Value::from(*ip),
                    &format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
            if *family == "IPv6" && !is_v6(ip) {
                causes.push(Cause::invalid(
                    &format!("{field}[{i}]"),
                    &Value::from(*ip),
                    &format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
        }
    }
    causes
}

/// `validateUpgradeDowngradeClusterIPs`.
fn upgrade_downgrade_cluster_ips(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<Cause> {
    let (old_spec, new_spec) = (old.get("spec"), new.get("spec"));
    if service_type(new_spec) == "ExternalName" || service_type(old_spec) == "ExternalName" {
        return Vec::new();
    }
    if is_headless(old_spec) && is_headless(new_spec) {
        return Vec::new();
    }
    let (old_ips, new_ips) = (cluster_ips(old_spec), cluster_ips(new_spec));
    let rendered = go_string_slice(get(new_spec, "clusterIPs"));
    let changed = |i: usize| {
        Cause::invalid_shown(
            &format!("spec.clusterIPs[{i}]"),
            &rendered,
            "may not change once set",
        )
    };
    let mut causes = Vec::new();
    if old_ips.len() == new_ips.len() {
        for (i, (old_ip, new_ip)) in old_ips.iter().zip(&new_ips).enumerate() {
            if old_ip != new_ip {
                causes.push(changed(i));
            }
        }
    } else if old_ips.len() > new_ips.len() {
        if new_ips.is_empty() {
            causes.push(Cause::invalid_shown(
                "spec.clusterIPs[0]",
                &rendered,
                "primary clusterIP can not be unset",
            ));
        }
        if !old_ips.is_empty() && !new_ips.is_empty() && new_ips[0] != old_ips[0] {
            causes.push(changed(0));
        }
        if new_ips.len() == 1 && str_of(new_spec, "ipFamilyPolicy") != "SingleStack" {
            causes.push(Cause::invalid(
                "spec.ipFamilyPolicy",
                get(new_spec, "ipFamilyPolicy").unwrap_or(&Value::Null),
                "must be set to 'SingleStack' when releasing the secondary clusterIP",
            ));
        }
    } else if !old_ips.is_empty() && new_ips[0] != old_ips[0] {
        causes.push(changed(0));
    }
    causes
}

/// `validateUpgradeDowngradeIPFamilies`.
fn upgrade_downgrade_ip_families(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<Cause> {
    let (old_spec, new_spec) = (old.get("spec"), new.get("spec"));
    if service_type(new_spec) == "ExternalName" || service_type(old_spec) == "ExternalName" {
        return Vec::new();
    }
    if is_headless(old_spec) || is_headless(new_spec) {
        return Vec::new();
    }
    let strings = |spec: Option<&Value>, key: &str| -> Vec<String> {
        list_of(spec, key)
            .iter()
            .map(|f| f.as_str().unwrap_or("").to_owned())
            .collect()
    };
    let (old_families, new_families) = (
        strings(old_spec, "ipFamilies"),
        strings(new_spec, "ipFamilies"),
    );
    let families_value = go_strings("core.IPFamily", get(new_spec, "ipFamilies"));
    let ips_value = go_string_slice(get(new_spec, "clusterIPs"));
    let path = "spec.ipFamilies[0]";
    let mut causes = Vec::new();
    if old_families.len() == new_families.len() {
        for (old_family, new_family) in old_families.iter().zip(&new_families) {
            if old_family != new_family {
                causes.push(Cause::invalid_shown(
                    path,
                    &families_value,
                    "may not change once set",
                ));
            }
        }
    } else if old_families.len() > new_families.len() {
        if cluster_ips(new_spec).is_empty() {
            causes.push(Cause::invalid_shown(
                path,
                &families_value,
                "primary ipFamily can not be unset",
            ));
        }
        if !new_families.is_empty() && new_families[0] != old_families[0] {
            causes.push(Cause::invalid_shown(
                path,
                &ips_value,
                "may not change once set",
            ));
        }
        if new_families.len() == 1 && str_of(new_spec, "ipFamilyPolicy") != "SingleStack" {
            causes.push(Cause::invalid(
                "spec.ipFamilyPolicy",
                get(new_spec, "ipFamilyPolicy").unwrap_or(&Value::Null),
                "must be set to 'SingleStack' when releasing the secondary ipFamily",
            ));
        }
    } else if !old_families.is_empty() && new_families[0] != old_families[0] {
        causes.push(Cause::invalid_shown(
            path,
            &ips_value,
            "may not change once set",
        ));
    }
    causes
}

/// `validateLoadBalancerClassField`.
fn load_balancer_class(old: Option<&Map<String, Value>>, new: &Map<String, Value>) -> Vec<Cause> {
    let spec = new.get("spec");
    let class = get(spec, "loadBalancerClass");
    let path = "spec.loadBalancerClass";
    let mut causes = Vec::new();
    if let Some(old) = old {
        let old_spec = old.get("spec");
        if service_type(old_spec) == "LoadBalancer"
            && service_type(spec) == "LoadBalancer"
            && get(old_spec, "loadBalancerClass") != class
        {
            causes.push(Cause::invalid(
                path,
                class.unwrap_or(&Value::Null),
                "may not change once set",
            ));
        }
    }
    if service_type(spec) == "LoadBalancer" {
        if let Some(class) = class.and_then(Value::as_str) {
            causes.extend(qualified_name(class, path));
        }
    } else if class.is_some() {
        causes.push(Cause::forbidden(
            path,
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    causes
}

/// `validateServiceExternalTrafficPolicy`. A `LoadBalancer` with the `Local` policy and no
/// `healthCheckNodePort` is let through: kube-apiserver allocates that port, kubemem does not.
fn external_traffic_policy(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let policy = str_of(spec, "externalTrafficPolicy");
    let path = "spec.externalTrafficPolicy";
    if !externally_accessible(spec) {
        if !policy.is_empty() {
            causes.push(Cause::invalid(
                path,
                &Value::from(policy),
                "may only be set for externally-accessible services",
            ));
        }
    } else if policy.is_empty() {
        causes.push(Cause::required(path, ""));
    } else if policy != "Cluster" && policy != "Local" {
        causes.push(Cause::not_supported(
            path,
            &Value::from(policy),
            &["Cluster", "Local"],
        ));
    }
    let health = int_of(spec, "healthCheckNodePort").unwrap_or(0);
    let health_path = "spec.healthCheckNodePort";
    if !needs_health_check(spec) {
        if health != 0 {
            causes.push(Cause::invalid(
                health_path,
                &Value::from(health),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if health != 0 {
        causes.extend(valid_port_num(health, health_path));
    }
    causes
}
