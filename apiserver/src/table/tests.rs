//! Shared test helpers, and tests for the AGE formatting, quantities, selectors and services.

use serde_json::{Value, json};

use super::{cells, columns, default_columns, selector, time};

/// 2026-11-22T22:42:35Z.
pub(super) const NOW: i64 = 1_795_387_355;

/// The RFC 3339 timestamp `secs` seconds before [`NOW`].
pub(super) fn ago(secs: i64) -> String {
    time::rfc3339_utc(Some(time::from_unix(NOW - secs)))
}

pub(super) struct Case {
    pub name: &'static str,
    pub group: &'static str,
    pub resource: &'static str,
    pub obj: Value,
    pub want: Value,
}

/// Runs table-driven cases, printing `#{i}: {name}` for each, and checks that every row has one
/// cell per column.
pub(super) fn run(cases: &[Case]) {
    for (i, c) in cases.iter().enumerate() {
        println!("#{i}: {}", c.name);
        let got = cells(c.group, c.resource, &c.obj, NOW);
        let width = columns(c.group, c.resource)
            .unwrap_or(default_columns())
            .len();
        assert_eq!(got.len(), width, "#{i}: {}: cell count", c.name);
        assert_eq!(Value::Array(got), c.want, "#{i}: {}", c.name);
    }
}

#[test]
fn human_duration() {
    const S: i64 = 1_000_000_000;
    let cases: &[(&str, i64, &str)] = &[
        ("zero", 0, "0s"),
        ("just under a second", S - 1, "0s"),
        ("one second in the future is tolerated", -S, "0s"),
        ("1.5s in the future is tolerated", -S - S / 2, "0s"),
        ("two seconds in the future is invalid", -2 * S, "<invalid>"),
        ("59s", 59 * S, "59s"),
        ("119s stays in seconds", 119 * S, "119s"),
        ("2m", 120 * S, "2m"),
        ("2m3s", 123 * S, "2m3s"),
        ("9m59s", 599 * S, "9m59s"),
        ("10m drops seconds", 601 * S, "10m"),
        ("179m", 179 * 60 * S, "179m"),
        ("3h", 3 * 3600 * S, "3h"),
        ("3h5m", (3 * 3600 + 5 * 60 + 59) * S, "3h5m"),
        ("7h59m", (7 * 3600 + 59 * 60) * S, "7h59m"),
        ("8h", 8 * 3600 * S, "8h"),
        ("47h", 47 * 3600 * S, "47h"),
        ("2d", 48 * 3600 * S, "2d"),
        ("2d3h", 51 * 3600 * S, "2d3h"),
        ("7d23h", (7 * 24 + 23) * 3600 * S, "7d23h"),
        ("8d drops hours", (8 * 24 + 5) * 3600 * S, "8d"),
        ("729d", 729 * 86_400 * S, "729d"),
        ("2y", 730 * 86_400 * S, "2y"),
        ("2y1d", 731 * 86_400 * S, "2y1d"),
        ("4y", 4 * 365 * 86_400 * S, "4y"),
        ("7y364d", (7 * 365 + 364) * 86_400 * S, "7y364d"),
        ("8y", 8 * 365 * 86_400 * S, "8y"),
        ("saturated duration", i64::MAX, "292y"),
    ];
    for (i, (name, d, want)) in cases.iter().enumerate() {
        println!("#{i}: {name}");
        assert_eq!(time::human_duration(*d), *want, "#{i}: {name}");
    }
}

#[test]
fn timestamps() {
    let since = |s: Value| time::since(time::parse(Some(&s)), NOW);
    let cases: Vec<(&str, String, &str)> = vec![
        ("5m ago", since(json!("2026-11-22T22:37:35Z")), "5m"),
        (
            "fraction and offset",
            since(json!("2026-11-22T23:37:35.999+01:00")),
            "4m59s",
        ),
        (
            "micro time",
            since(json!("2026-11-22T22:42:30.123456Z")),
            "4s",
        ),
        (
            "future beyond tolerance",
            since(json!("2026-11-22T22:45:00Z")),
            "<invalid>",
        ),
        ("null", since(json!(null)), "<unknown>"),
        (
            "zero time",
            since(json!("0001-01-01T00:00:00Z")),
            "<unknown>",
        ),
        ("not a time", since(json!("yesterday")), "<unknown>"),
        (
            "bad month",
            since(json!("2026-13-01T00:00:00Z")),
            "<unknown>",
        ),
        (
            "no offset",
            since(json!("2026-11-22T22:37:35")),
            "<unknown>",
        ),
        ("number", since(json!(12)), "<unknown>"),
        (
            "ago helper",
            json!(ago(300)).as_str().unwrap_or("").to_string(),
            "2026-11-22T22:37:35Z",
        ),
        ("4y ago", since(json!("2022-11-23T22:42:35Z")), "4y"),
        ("leap day", since(json!("2024-02-29T00:00:00Z")), "2y267d"),
        (
            "default table UTC",
            time::rfc3339_utc(time::parse(Some(&json!("2026-11-23T01:00:00+02:30")))),
            "2026-11-22T22:30:00Z",
        ),
        (
            "default table zero",
            time::rfc3339_utc(None),
            "0001-01-01T00:00:00Z",
        ),
    ];
    for (i, (name, got, want)) in cases.iter().enumerate() {
        println!("#{i}: {name}");
        assert_eq!(got, want, "#{i}: {name}");
    }
}

#[test]
fn selectors() {
    let cases: &[(&str, Value, &str)] = &[
        (
            "match labels",
            json!({"matchLabels": {"tier": "fe", "app": "web"}}),
            "app=web,tier=fe",
        ),
        (
            "expressions sorted by key, values sorted",
            json!({"matchExpressions": [
                {"key": "zone", "operator": "In", "values": ["b", "a"]},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "gpu", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist"}
            ]}),
            "env notin (dev),gpu,!legacy,zone in (a,b)",
        ),
        ("empty selector", json!({}), "<none>"),
        ("null selector", json!(null), "<none>"),
        (
            "bad operator",
            json!({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}),
            "<error>",
        ),
        (
            "in without values",
            json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
            "<error>",
        ),
        (
            "bad label value",
            json!({"matchLabels": {"app": "-web"}}),
            "<error>",
        ),
        (
            "prefixed key",
            json!({"matchLabels": {"app.kubernetes.io/name": "web"}}),
            "app.kubernetes.io/name=web",
        ),
        // The cases of the Scale subresource's `status.selector` (the same implementation).
        (
            "match labels sorted by key",
            json!({"matchLabels": {"b": "2", "a": "1"}}),
            "a=1,b=2",
        ),
        (
            "labels and expressions together",
            json!({"matchLabels": {"app": "web"}, "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "back"]},
                {"key": "env", "operator": "NotIn", "values": ["prod"]},
                {"key": "x", "operator": "Exists"},
                {"key": "y", "operator": "DoesNotExist"}
            ]}),
            "app=web,env notin (prod),tier in (back,front),x,!y",
        ),
        (
            "a plain map is not a LabelSelector",
            json!({"app": "web"}),
            "<none>",
        ),
        // Where Go and the Scale's lenient reading part.
        (
            "values kept as given, a non-string reads as empty",
            json!({"matchExpressions": [{"key": "a", "operator": "In", "values": ["b", 1, "a", "b"]}]}),
            "a in (,a,b,b)",
        ),
        (
            "exists with values",
            json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["b"]}]}),
            "<error>",
        ),
        (
            "bad key",
            json!({"matchExpressions": [{"key": "a/b/c", "operator": "Exists"}]}),
            "<error>",
        ),
        (
            "missing key",
            json!({"matchExpressions": [{"operator": "Exists"}]}),
            "<error>",
        ),
    ];
    for (i, (name, v, want)) in cases.iter().enumerate() {
        println!("#{i}: {name}");
        let sel = if v.is_null() { None } else { Some(v) };
        assert_eq!(selector::format_label_selector(sel), *want, "#{i}: {name}");
    }
    let labels = json!({"a": "1", "a-b": "2"});
    // Sorted as whole "k=v" strings: '-' sorts before '='.
    assert_eq!(selector::format_labels(labels.as_object()), "a-b=2,a=1");
    assert_eq!(selector::format_labels(None), "<none>");
}

fn service(spec: Value, status: Value) -> Value {
    json!({"metadata": {"name": "web", "creationTimestamp": ago(123)}, "spec": spec, "status": status})
}

#[test]
fn services() {
    let tcp = |port: i64| json!({"port": port, "protocol": "TCP", "targetPort": port});
    let cases = [
        Case {
            name: "ClusterIP",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "ports": [tcp(80), tcp(443)], "selector": {"app": "web"}}),
                json!({}),
            ),
            want: json!([
                "web",
                "ClusterIP",
                "10.96.0.10",
                "<none>",
                "80/TCP,443/TCP",
                "2m3s",
                "app=web"
            ]),
        },
        Case {
            name: "NodePort",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "NodePort", "clusterIPs": ["10.96.3.4"], "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "nodePort": 30053, "protocol": "UDP"}], "selector": {"app": "web"}}),
                json!({}),
            ),
            want: json!([
                "web",
                "NodePort",
                "10.96.3.4",
                "<none>",
                "80:30080/TCP,53:30053/UDP",
                "2m3s",
                "app=web"
            ]),
        },
        Case {
            name: "LoadBalancer with ingress IP",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "LoadBalancer", "clusterIPs": ["10.96.5.6"], "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}]}),
                json!({"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}),
            ),
            want: json!([
                "web",
                "LoadBalancer",
                "10.96.5.6",
                "203.0.113.10",
                "80:31000/TCP",
                "2m3s",
                "<none>"
            ]),
        },
        Case {
            name: "LoadBalancer pending",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "LoadBalancer", "clusterIPs": ["10.96.5.7"], "ports": [{"port": 80, "nodePort": 31001, "protocol": "TCP"}]}),
                json!({}),
            ),
            want: json!([
                "web",
                "LoadBalancer",
                "10.96.5.7",
                "<pending>",
                "80:31001/TCP",
                "2m3s",
                "<none>"
            ]),
        },
        Case {
            name: "LoadBalancer hostnames sorted, then external IPs",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "LoadBalancer", "clusterIPs": ["10.96.5.8"], "externalIPs": ["198.51.100.7"], "ports": [{"port": 443, "protocol": "TCP"}]}),
                json!({"loadBalancer": {"ingress": [{"hostname": "b.example.com"}, {"hostname": "a.example.com"}, {"ip": ""}]}}),
            ),
            want: json!([
                "web",
                "LoadBalancer",
                "10.96.5.8",
                "a.example.com,b.example.com,198.51.100.7",
                "443/TCP",
                "2m3s",
                "<none>"
            ]),
        },
        Case {
            name: "ClusterIP with external IPs",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "ClusterIP", "clusterIPs": ["10.96.0.11"], "externalIPs": ["192.0.2.1", "192.0.2.2"], "ports": [tcp(8080)]}),
                json!({}),
            ),
            want: json!([
                "web",
                "ClusterIP",
                "10.96.0.11",
                "192.0.2.1,192.0.2.2",
                "8080/TCP",
                "2m3s",
                "<none>"
            ]),
        },
        Case {
            name: "headless",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"], "selector": {"app": "db", "tier": "data"}}),
                json!({}),
            ),
            want: json!([
                "web",
                "ClusterIP",
                "None",
                "<none>",
                "<none>",
                "2m3s",
                "app=db,tier=data"
            ]),
        },
        Case {
            name: "ExternalName",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "ExternalName", "externalName": "db.example.com"}),
                json!({}),
            ),
            want: json!([
                "web",
                "ExternalName",
                "<none>",
                "db.example.com",
                "<none>",
                "2m3s",
                "<none>"
            ]),
        },
        Case {
            name: "clusterIP only (not defaulted into clusterIPs)",
            group: "",
            resource: "services",
            obj: service(
                json!({"type": "ClusterIP", "clusterIP": "10.96.0.12", "ports": [tcp(80)]}),
                json!({}),
            ),
            want: json!([
                "web",
                "ClusterIP",
                "10.96.0.12",
                "<none>",
                "80/TCP",
                "2m3s",
                "<none>"
            ]),
        },
        Case {
            name: "no type prints <unknown> external IP",
            group: "",
            resource: "services",
            obj: service(json!({"ports": [{"port": 80}]}), json!({})),
            want: json!(["web", "", "<none>", "<unknown>", "80/", "2m3s", "<none>"]),
        },
    ];
    run(&cases);
}
