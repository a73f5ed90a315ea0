//! Networking printers: services, endpoints, endpoint slices, ingresses, ingress classes and
//! network policies.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::json::{annotation, arr, at, has, int_at, name, obj, opt_int, opt_str, str_at};
use super::selector::{format_label_selector, format_labels};
use super::time;

/// `loadBalancerStatusStringer` (and its ingress twin) with `wide` set, as the server prints:
/// the sorted, de-duplicated IPs or hostnames, unclipped.
fn load_balancer(ingress: &[Value]) -> String {
    let set: BTreeSet<&str> = ingress
        .iter()
        .filter_map(|i| match (str_at(i, &["ip"]), str_at(i, &["hostname"])) {
            ("", "") => None,
            ("", host) => Some(host),
            (ip, _) => Some(ip),
        })
        .collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

fn strings(items: &[Value]) -> Vec<&str> {
    items.iter().map(|v| v.as_str().unwrap_or("")).collect()
}

/// `getServiceExternalIP`.
fn external_ip(svc: &Value) -> String {
    let external_ips = strings(arr(svc, &["spec", "externalIPs"]));
    match str_at(svc, &["spec", "type"]) {
        "ClusterIP" | "NodePort" if !external_ips.is_empty() => external_ips.join(","),
        "ClusterIP" | "NodePort" => "<none>".to_string(),
        "LoadBalancer" => {
            let lb = load_balancer(arr(svc, &["status", "loadBalancer", "ingress"]));
            if !external_ips.is_empty() {
                let mut all: Vec<&str> = if lb.is_empty() {
                    Vec::new()
                } else {
                    lb.split(',').collect()
                };
                all.extend(external_ips);
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => str_at(svc, &["spec", "externalName"]).to_string(),
        _ => "<unknown>".to_string(),
    }
}

/// `makePortString`: `port/proto` or `port:nodePort/proto`, comma separated.
fn ports(svc: &Value) -> String {
    arr(svc, &["spec", "ports"])
        .iter()
        .map(|p| {
            let (port, node_port, protocol) = (
                int_at(p, &["port"]),
                int_at(p, &["nodePort"]),
                str_at(p, &["protocol"]),
            );
            if node_port > 0 {
                format!("{port}:{node_port}/{protocol}")
            } else {
                format!("{port}/{protocol}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn service(svc: &Value, now: i64) -> Vec<Value> {
    // The internal object's ClusterIPs; defaulting fills clusterIPs from clusterIP.
    let cluster_ip = match arr(svc, &["spec", "clusterIPs"])
        .first()
        .and_then(Value::as_str)
    {
        Some(ip) => ip,
        None => match str_at(svc, &["spec", "clusterIP"]) {
            "" => "<none>",
            ip => ip,
        },
    };
    let ports = match ports(svc) {
        p if p.is_empty() => "<none>".to_string(),
        p => p,
    };
    vec![
        json!(name(svc)),
        json!(str_at(svc, &["spec", "type"])),
        json!(cluster_ip),
        json!(external_ip(svc)),
        json!(ports),
        json!(time::age(svc, now)),
        json!(format_labels(obj(svc, &["spec", "selector"]))),
    ]
}

/// `net.JoinHostPort`.
fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `formatEndpoints` with all ports: up to three `ip:port`, then `+ N more...`.
fn format_endpoints(ep: &Value) -> String {
    let subsets = arr(ep, &["subsets"]);
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for ss in subsets {
        let addresses = arr(ss, &["addresses"]);
        let ss_ports = arr(ss, &["ports"]);
        if ss_ports.is_empty() {
            count += addresses.len();
            for a in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(str_at(a, &["ip"]).to_string());
            }
            continue;
        }
        for port in ss_ports {
            count += addresses.len();
            for a in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(str_at(a, &["ip"]), int_at(port, &["port"])));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

pub(crate) fn endpoints(ep: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(ep)),
        json!(format_endpoints(ep)),
        json!(time::age(ep, now)),
    ]
}

/// `listWithMoreString`.
fn list_with_more(list: &[String], more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - max)
    } else if ret.is_empty() {
        "<unset>".to_string()
    } else {
        ret
    }
}

pub(crate) fn endpoint_slice(es: &Value, now: i64) -> Vec<Value> {
    const MAX: usize = 3;
    let (mut ports, mut more, mut count) = (Vec::new(), false, 0);
    for p in arr(es, &["ports"]) {
        if ports.len() < MAX {
            ports.push(match (opt_int(p, &["port"]), opt_str(p, &["name"])) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.to_string(),
                (None, None) => "*".to_string(),
            });
        } else if ports.len() == MAX {
            more = true;
        }
        count += 1;
    }
    let ports = list_with_more(&ports, more, count, MAX);
    let (mut addrs, mut more, mut count) = (Vec::new(), false, 0);
    for e in arr(es, &["endpoints"]) {
        for a in arr(e, &["addresses"]) {
            if addrs.len() < MAX {
                addrs.push(a.as_str().unwrap_or("").to_string());
            } else if addrs.len() == MAX {
                more = true;
            }
            count += 1;
        }
    }
    let endpoints = list_with_more(&addrs, more, count, MAX);
    vec![
        json!(name(es)),
        json!(str_at(es, &["addressType"])),
        json!(ports),
        json!(endpoints),
        json!(time::age(es, now)),
    ]
}

/// `formatHosts`: up to three hosts, `*` when none, `+ N more...` counting all rules.
fn format_hosts(rules: &[Value]) -> String {
    const MAX: usize = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if list.len() == MAX {
            more = true;
        }
        let host = str_at(rule, &["host"]);
        if !more && !host.is_empty() {
            list.push(host);
        }
    }
    if list.is_empty() {
        return "*".to_string();
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", rules.len() - MAX)
    } else {
        ret
    }
}

pub(crate) fn ingress(ing: &Value, now: i64) -> Vec<Value> {
    let ports = if arr(ing, &["spec", "tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        json!(name(ing)),
        json!(opt_str(ing, &["spec", "ingressClassName"]).unwrap_or("<none>")),
        json!(format_hosts(arr(ing, &["spec", "rules"]))),
        json!(load_balancer(arr(
            ing,
            &["status", "loadBalancer", "ingress"]
        ))),
        json!(ports),
        json!(time::age(ing, now)),
    ]
}

pub(crate) fn ingress_class(ic: &Value, now: i64) -> Vec<Value> {
    let mut shown = name(ic);
    if annotation(ic, "ingressclass.kubernetes.io/is-default-class") == "true" {
        shown.push_str(" (default)");
    }
    let parameters = match at(ic, &["spec", "parameters"]) {
        None => "<none>".to_string(),
        Some(p) => {
            let mut s = str_at(p, &["kind"]).to_string();
            if has(p, &["apiGroup"]) {
                s = format!("{s}.{}", str_at(p, &["apiGroup"]));
            }
            format!("{s}/{}", str_at(p, &["name"]))
        }
    };
    vec![
        json!(shown),
        json!(str_at(ic, &["spec", "controller"])),
        json!(parameters),
        json!(time::age(ic, now)),
    ]
}

pub(crate) fn network_policy(np: &Value, now: i64) -> Vec<Value> {
    vec![
        json!(name(np)),
        json!(format_label_selector(at(np, &["spec", "podSelector"]))),
        json!(time::age(np, now)),
    ]
}
