//! Service ClusterIPs and NodePorts, allocated as kube-apiserver's service REST does: a ClusterIP
//! from `--service-cluster-ip-range` (10.96.0.0/12; the `kubernetes` Service holds the first
//! address), NodePorts from 30000–32767, never handed out twice, released on delete.
//!
//! Each allocated value is a key in the keyspace — `/registry/ranges/serviceips/<ip>` and
//! `/registry/ranges/servicenodeports/<port>`, holding the owning Service's key — created and
//! deleted in the same transaction as the Service itself, guarded by a "does not exist" compare.
//! So two Services can never win the same value, whatever the interleaving, and the choice (made
//! before the proposal) travels in the command as DESIGN.md's invariant 3 asks.
//!
//! ```text
//! create svc a (auto):  compare /registry/services/default/a absent, /registry/ranges/serviceips/10.96.4.7 absent
//!                       put both                                  → a gets 10.96.4.7
//! create svc b (auto, drew 10.96.4.7 too): the compare fails → draw again
//! delete svc a:         delete /registry/services/default/a and /registry/ranges/serviceips/10.96.4.7
//! ```

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use bytes::Bytes;
use kubemem_store::{RangeEnd, RangeRequest};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, Cause};
use crate::kinds::Kind;
use crate::registry::Registry;

const IP_PREFIX: &str = "/registry/ranges/serviceips/";
const PORT_PREFIX: &str = "/registry/ranges/servicenodeports/";
/// `--service-cluster-ip-range` default.
const SERVICE_CIDR: (Ipv4Addr, u32) = (Ipv4Addr::new(10, 96, 0, 0), 12);
/// `--service-node-port-range` default.
const NODE_PORTS: std::ops::RangeInclusive<u16> = 30000..=32767;

fn is_service(kind: &Kind) -> bool {
    kind.info.group.is_empty() && kind.info.resource == "services"
}

/// Whether objects of `kind` hold allocated values (which a concurrent create may win first).
pub fn allocates(kind: &Kind) -> bool {
    is_service(kind)
}

/// The reservation keys an object holds.
pub fn reservations(kind: &Kind, obj: &Map<String, Value>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    if !is_service(kind) {
        return keys;
    }
    let spec = obj.get("spec");
    for ip in spec
        .and_then(|s| s.get("clusterIPs"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|ip| *ip != "None" && !ip.is_empty())
    {
        keys.insert(format!("{IP_PREFIX}{ip}"));
    }
    for port in node_ports(obj) {
        keys.insert(format!("{PORT_PREFIX}{port}"));
    }
    keys
}

fn node_ports(obj: &Map<String, Value>) -> Vec<i64> {
    obj.get("spec")
        .and_then(|s| s.get("ports"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("nodePort").and_then(Value::as_i64))
        .filter(|p| *p != 0)
        .collect()
}

/// The usable addresses of the range: (first, count), skipping the network address and the
/// broadcast address.
fn range() -> (u32, u32) {
    let (base, bits) = SERVICE_CIDR;
    let size = 1u32 << (32 - bits);
    (u32::from(base) + 1, size - 2)
}

fn in_range(ip: Ipv4Addr) -> bool {
    let (first, count) = range();
    (first..first + count).contains(&u32::from(ip))
}

/// Which values of `prefix` are taken.
async fn taken(registry: &Registry, prefix: &str) -> ApiResult<BTreeSet<String>> {
    let response = registry
        .backend()
        .range(RangeRequest {
            key: Bytes::copy_from_slice(prefix.as_bytes()),
            end: RangeEnd::Prefix,
            revision: 0,
            limit: 0,
            after: None,
            count_only: false,
        })
        .await?;
    Ok(response
        .kvs
        .into_iter()
        .map(|kv| String::from_utf8_lossy(&kv.key[prefix.len()..]).into_owned())
        .collect())
}

fn invalid(name: &str, cause: Cause) -> ApiError {
    ApiError::Invalid {
        group: String::new(),
        kind: "Service".into(),
        name: name.to_owned(),
        causes: vec![cause],
    }
}

/// Fills in the ClusterIP and NodePorts a Service needs and checks the ones it asks for.
/// `old` is the stored Service on update: what it holds carries over when the new object
/// leaves it out, as kube-apiserver's `patchAllocatedValues` does, and it does not count as
/// taken.
pub async fn allocate(
    registry: &Registry,
    kind: &Kind,
    obj: &mut Map<String, Value>,
    old: Option<&Map<String, Value>>,
) -> ApiResult<()> {
    if !is_service(kind) {
        return Ok(());
    }
    let name = crate::object::meta_str(obj, "name").to_owned();
    let mine = old.map(|o| reservations(kind, o)).unwrap_or_default();
    let spec = obj.entry("spec").or_insert_with(|| json!({}));
    let Some(spec) = spec.as_object_mut() else {
        return Ok(());
    };
    let service_type = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_owned();
    if let Some(old_spec) = old.and_then(|o| o.get("spec")) {
        drop_type_dependent_fields(spec, old_spec);
        let old_type = old_spec.get("type").and_then(Value::as_str);
        if service_type != "ExternalName" && old_type != Some("ExternalName") {
            for field in ["clusterIP", "clusterIPs"] {
                if spec.get(field).is_none_or(|v| v.as_str() == Some(""))
                    && let Some(v) = old_spec.get(field)
                {
                    spec.insert(field.into(), v.clone());
                }
            }
        }
    }
    if service_type != "ExternalName" {
        let requested = spec
            .get("clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let ip = match requested.as_str() {
            "None" => "None".to_owned(),
            "" => {
                let taken = taken(registry, IP_PREFIX).await?;
                let (first, count) = range();
                (0..64)
                    .map(|_| Ipv4Addr::from(first + fastrand::u32(..count)).to_string())
                    .find(|ip| !taken.contains(ip))
                    .ok_or_else(|| {
                        ApiError::Internal("failed to allocate a service IP: range is full".into())
                    })?
            }
            wanted => {
                let parsed: Ipv4Addr = wanted.parse().map_err(|_| {
                    invalid(
                        &name,
                        Cause::invalid(
                            "spec.clusterIPs[0]",
                            &Value::String(wanted.into()),
                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                        ),
                    )
                })?;
                let key = format!("{IP_PREFIX}{wanted}");
                if !in_range(parsed) {
                    return Err(invalid(
                        &name,
                        Cause::invalid(
                            "spec.clusterIPs",
                            &json!([wanted]),
                            &format!(
                                "failed to allocate IP {wanted}: the provided IP ({wanted}) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
                            ),
                        ),
                    ));
                }
                if !mine.contains(&key) && taken(registry, IP_PREFIX).await?.contains(wanted) {
                    return Err(invalid(
                        &name,
                        Cause::invalid(
                            "spec.clusterIPs",
                            &json!([wanted]),
                            &format!(
                                "failed to allocate IP {wanted}: provided IP is already allocated"
                            ),
                        ),
                    ));
                }
                wanted.to_owned()
            }
        };
        spec.insert("clusterIP".into(), Value::String(ip.clone()));
        spec.insert("clusterIPs".into(), json!([ip]));
    }
    if matches!(service_type.as_str(), "NodePort" | "LoadBalancer") {
        let old_ports: Vec<Value> = old
            .and_then(|o| o.get("spec"))
            .and_then(|s| s.get("ports"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut taken_ports = taken(registry, PORT_PREFIX).await?;
        for key in &mine {
            if let Some(port) = key.strip_prefix(PORT_PREFIX) {
                taken_ports.remove(port);
            }
        }
        let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) else {
            return Ok(());
        };
        for (i, port) in ports.iter_mut().enumerate() {
            let Some(port) = port.as_object_mut() else {
                continue;
            };
            let mut wanted = port.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
            if wanted == 0 {
                wanted = old_ports
                    .iter()
                    .find(|o| {
                        o.get("port") == port.get("port")
                            && o.get("protocol") == port.get("protocol")
                    })
                    .and_then(|o| o.get("nodePort"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
            }
            let chosen = if wanted == 0 {
                NODE_PORTS
                    .clone()
                    .map(|_| fastrand::u16(NODE_PORTS))
                    .find(|p| !taken_ports.contains(&p.to_string()))
                    .or_else(|| {
                        NODE_PORTS
                            .clone()
                            .find(|p| !taken_ports.contains(&p.to_string()))
                    })
                    .ok_or_else(|| {
                        ApiError::Internal("failed to allocate a nodePort: range is full".into())
                    })?
            } else {
                let in_range = u16::try_from(wanted)
                    .ok()
                    .filter(|p| NODE_PORTS.contains(p));
                let Some(p) = in_range else {
                    return Err(invalid(
                        &name,
                        Cause::invalid(
                            &format!("spec.ports[{i}].nodePort"),
                            &json!(wanted),
                            "provided port is not in the valid range. The range of valid ports is 30000-32767",
                        ),
                    ));
                };
                if taken_ports.contains(&p.to_string()) {
                    return Err(invalid(
                        &name,
                        Cause::invalid(
                            &format!("spec.ports[{i}].nodePort"),
                            &json!(wanted),
                            "provided port is already allocated",
                        ),
                    ));
                }
                p
            };
            taken_ports.insert(chosen.to_string());
            port.insert("nodePort".into(), json!(chosen));
        }
    }
    Ok(())
}

/// The service strategy's `dropTypeDependentFields`: when an update moves a Service to a type
/// that does not use a field and the field is as it was, the field is cleared (so a patch that
/// only changes `type` does not carry, say, a NodePort into a ClusterIP Service).
fn drop_type_dependent_fields(spec: &mut Map<String, Value>, old_spec: &Value) {
    let old_type = old_spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let new_type = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let same = |spec: &Map<String, Value>, key: &str| spec.get(key) == old_spec.get(key);
    if old_type != "ExternalName" && new_type == "ExternalName" {
        if same(spec, "clusterIPs") {
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
        }
        for key in ["ipFamilies", "ipFamilyPolicy"] {
            if same(spec, key) {
                spec.remove(key);
            }
        }
    }
    let needs_node_port = |t: &str| t == "NodePort" || t == "LoadBalancer";
    if needs_node_port(&old_type) && !needs_node_port(&new_type) {
        let node_ports = |ports: Option<&Value>| -> Vec<Option<Value>> {
            ports
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| p.get("nodePort").cloned())
                .collect()
        };
        if node_ports(spec.get("ports")) == node_ports(old_spec.get("ports"))
            && let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut)
        {
            for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                port.remove("nodePort");
            }
        }
    }
    let local = |spec: Option<&Value>| {
        spec.and_then(|s| s.get("externalTrafficPolicy"))
            .and_then(Value::as_str)
            == Some("Local")
    };
    let spec_value = Value::Object(spec.clone());
    let needs_health_check = |t: &str, s: Option<&Value>| t == "LoadBalancer" && local(s);
    if needs_health_check(&old_type, Some(old_spec))
        && !needs_health_check(&new_type, Some(&spec_value))
        && same(spec, "healthCheckNodePort")
    {
        spec.remove("healthCheckNodePort");
    }
    if old_type == "LoadBalancer" && new_type != "LoadBalancer" {
        for key in ["allocateLoadBalancerNodePorts", "loadBalancerClass"] {
            if same(spec, key) {
                spec.remove(key);
            }
        }
    }
    let externally_accessible = |t: &str, s: &Value| {
        t == "NodePort"
            || t == "LoadBalancer"
            || t == "ClusterIP"
                && s.get("externalIPs")
                    .and_then(Value::as_array)
                    .is_some_and(|ips| !ips.is_empty())
    };
    if externally_accessible(&old_type, old_spec)
        && !externally_accessible(&new_type, &spec_value)
        && same(spec, "externalTrafficPolicy")
    {
        spec.remove("externalTrafficPolicy");
    }
}
