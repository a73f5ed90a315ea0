//! `ValidateNode`, `ValidateNamespace` and `ValidateEndpoints` of `pkg/apis/core/validation`.

use serde_json::{Map, Value};

use super::Write;
use super::common::{
    dns1123_label, get, go_string_slice, int_of, list_of, protocol, qualified_name, str_of,
    valid_cidr, valid_ip, valid_port_num,
};
use crate::error::{Cause, go_quote};
use crate::names;
use crate::quantity::Quantity;

/// `ValidateNode` on create, `ValidateNodeUpdate` on update and status update.
pub fn node(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    let spec = obj.get("spec");
    match write {
        Write::Create => {
            let mut causes = taints(spec);
            causes.extend(node_resources(obj.get("status")));
            let cidrs = list_of(spec, "podCIDRs");
            for (i, cidr) in cidrs.iter().enumerate() {
                causes.extend(valid_cidr(
                    cidr.as_str().unwrap_or(""),
                    &format!("spec.podCIDRs[{i}]"),
                ));
            }
            if cidrs.len() > 1 {
                let v6 = cidrs
                    .iter()
                    .filter(|c| c.as_str().is_some_and(|c| c.contains(':')))
                    .count();
                if cidrs.len() > 2 || v6 != 1 {
                    causes.push(Cause::invalid_shown(
                        "spec.podCIDRs",
                        &go_string_slice(get(spec, "podCIDRs")),
                        "may specify no more than one CIDR for each IP family",
                    ));
                }
                for (i, cidr) in cidrs.iter().enumerate() {
                    if cidrs[..i].contains(cidr) {
                        causes.push(Cause::duplicate(&format!("spec.podCIDRs[{i}]"), cidr));
                    }
                }
            }
            causes
        }
        Write::Update { old } | Write::Status { old } => {
            let old_spec = old.get("spec");
            let mut causes = node_resources(obj.get("status"));
            let addresses = list_of(obj.get("status"), "addresses");
            for (i, address) in addresses.iter().enumerate() {
                if addresses[..i].contains(address) {
                    causes.push(Cause::duplicate_shown(
                        &format!("status.addresses[{i}]"),
                        &format!(
                            "core.NodeAddress{{Type:{}, Address:{}}}",
                            go_quote(str_of(address, "type")),
                            go_quote(str_of(address, "address"))
                        ),
                        "",
                    ));
                }
            }
            let old_cidrs = list_of(old_spec, "podCIDRs");
            let new_cidrs = list_of(spec, "podCIDRs");
            let cidr_change = || {
                Cause::forbidden(
                    "spec.podCIDRs",
                    "node updates may not change podCIDR except from \"\" to valid",
                )
            };
            if !old_cidrs.is_empty() {
                if old_cidrs.len() != new_cidrs.len() {
                    causes.push(cidr_change());
                } else {
                    for (o, n) in old_cidrs.iter().zip(new_cidrs) {
                        if o != n {
                            causes.push(cidr_change());
                        }
                    }
                }
            }
            let old_provider = str_of(old_spec, "providerID");
            if !old_provider.is_empty() && old_provider != str_of(spec, "providerID") {
                causes.push(Cause::forbidden(
                    "spec.providerID",
                    "node updates may not change providerID except from \"\" to valid",
                ));
            }
            causes.extend(taints(spec));
            if get(spec, "externalID") != get(old_spec, "externalID") {
                causes.push(Cause::forbidden("spec.externalID", "may not be updated"));
            }
            causes
        }
    }
}

/// `validateNodeTaints` (kube names the path `metadata.taints`).
fn taints(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, taint) in list_of(spec, "taints").iter().enumerate() {
        let path = format!("metadata.taints[{i}]");
        let key = str_of(taint, "key");
        let value = str_of(taint, "value");
        let effect = str_of(taint, "effect");
        causes.extend(qualified_name(key, &format!("{path}.key")));
        let value_errors = names::is_valid_label_value(value);
        if !value_errors.is_empty() {
            causes.push(Cause::invalid(
                &format!("{path}.value"),
                &Value::from(value),
                &value_errors.join(";"),
            ));
        }
        const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
        if effect.is_empty() {
            causes.push(Cause::required(&format!("{path}.effect"), ""));
        } else if !EFFECTS.contains(&effect) {
            causes.push(Cause::not_supported(
                &format!("{path}.effect"),
                &Value::from(effect),
                &EFFECTS,
            ));
        }
        if seen.contains(&(effect, key)) {
            let time_added = match get(taint, "timeAdded") {
                None => "(*v1.Time)(nil)",
                Some(_) => "(*v1.Time)(0xc000000000)",
            };
            causes.push(Cause::duplicate_shown(
                &path,
                &format!(
                    "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:{time_added}}}",
                    go_quote(key),
                    go_quote(value),
                    go_quote(effect)
                ),
                "taints must be unique by key and effect pair",
            ));
            continue;
        }
        seen.push((effect, key));
    }
    causes
}

/// `ValidateNodeResources`: capacity and allocatable quantities are not negative.
fn node_resources(status: Option<&Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    for field in ["capacity", "allocatable"] {
        let mut resources: Vec<(&String, &Value)> = get(status, field)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .collect();
        resources.sort_by_key(|(k, _)| k.as_str());
        for (name, qty) in resources {
            let Some(q) = Quantity::from_json(qty) else {
                continue;
            };
            if q.sign() < 0 {
                causes.push(Cause::invalid(
                    &format!("status.{field}.{name}"),
                    &Value::from(q.string().unwrap_or_default()),
                    super::common::NEGATIVE,
                ));
            }
        }
    }
    causes
}

/// `ValidateNamespace`: the spec's finalizers (an update keeps the stored spec).
pub fn namespace(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    if !matches!(write, Write::Create) {
        return Vec::new();
    }
    let mut causes = Vec::new();
    for finalizer in list_of(obj.get("spec"), "finalizers") {
        let name = finalizer.as_str().unwrap_or("");
        causes.extend(qualified_name(name, "spec.finalizers"));
        let standard = ["kubernetes", "orphan", "foregroundDeletion"];
        if !name.contains('/') && !standard.contains(&name) {
            causes.push(Cause::invalid(
                "spec.finalizers",
                &Value::from(name),
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
    causes
}

/// `ValidateEndpoints` (create and update).
pub fn endpoints(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    if matches!(write, Write::Status { .. }) {
        return Vec::new();
    }
    let mut causes = Vec::new();
    let subsets = obj
        .get("subsets")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for (i, subset) in subsets.iter().enumerate() {
        let path = format!("subsets[{i}]");
        let addresses = list_of(subset, "addresses");
        let not_ready = list_of(subset, "notReadyAddresses");
        if addresses.is_empty() && not_ready.is_empty() {
            causes.push(Cause::required(
                &path,
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (field, list) in [("addresses", addresses), ("notReadyAddresses", not_ready)] {
            for (j, address) in list.iter().enumerate() {
                causes.extend(endpoint_address(address, &format!("{path}.{field}[{j}]")));
            }
        }
        let ports = list_of(subset, "ports");
        for (j, port) in ports.iter().enumerate() {
            causes.extend(endpoint_port(
                port,
                ports.len() > 1,
                &format!("{path}.ports[{j}]"),
            ));
        }
    }
    causes
}

/// `validateEndpointAddress`.
fn endpoint_address(address: &Value, path: &str) -> Vec<Cause> {
    let ip = str_of(address, "ip");
    let ip_path = format!("{path}.ip");
    let mut causes: Vec<Cause> = valid_ip(ip, &ip_path).into_iter().collect();
    let hostname = str_of(address, "hostname");
    if !hostname.is_empty() {
        causes.extend(dns1123_label(hostname, &format!("{path}.hostname")));
    }
    if let Some(node) = get(address, "nodeName").and_then(Value::as_str) {
        causes.extend(
            names::name_is_dns_subdomain(node, false)
                .iter()
                .map(|m| Cause::invalid(&format!("{path}.nodeName"), &Value::from(node), m)),
        );
    }
    match ip.parse::<std::net::IpAddr>() {
        Err(_) => causes.push(Cause::invalid(
            &ip_path,
            &Value::from(ip),
            "must be a valid IP address",
        )),
        Ok(addr) => {
            let value = Value::from(ip);
            if addr.is_unspecified() {
                causes.push(Cause::invalid(
                    &ip_path,
                    &value,
                    &format!("may not be unspecified ({ip})"),
                ));
            }
            if addr.is_loopback() {
                causes.push(Cause::invalid(
                    &ip_path,
                    &value,
                    "may not be in the loopback range (127.0.0.0/8, ::1/128)",
                ));
            }
            let link_local = match addr {
                std::net::IpAddr::V4(v4) => v4.is_link_local(),
                std::net::IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
            };
            if link_local {
                causes.push(Cause::invalid(
                    &ip_path,
                    &value,
                    "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                ));
            }
            let link_local_multicast = match addr {
                std::net::IpAddr::V4(v4) => v4.octets()[..3] == [224, 0, 0],
                std::net::IpAddr::V6(v6) => v6.segments()[0] & 0xff0f == 0xff02,
            };
            if link_local_multicast {
                causes.push(Cause::invalid(
                    &ip_path,
                    &value,
                    "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
                ));
            }
        }
    }
    causes
}

/// `validateEndpointPort`.
fn endpoint_port(port: &Value, require_name: bool, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = str_of(port, "name");
    if require_name && name.is_empty() {
        causes.push(Cause::required(&format!("{path}.name"), ""));
    } else if !name.is_empty() {
        causes.extend(dns1123_label(name, &format!("{path}.name")));
    }
    causes.extend(valid_port_num(
        int_of(port, "port").unwrap_or(0),
        &format!("{path}.port"),
    ));
    causes.extend(protocol(
        str_of(port, "protocol"),
        &format!("{path}.protocol"),
    ));
    if let Some(app) = get(port, "appProtocol").and_then(Value::as_str) {
        causes.extend(qualified_name(app, &format!("{path}.appProtocol")));
    }
    causes
}
