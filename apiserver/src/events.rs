//! `events.k8s.io/v1` Events are kept as core `v1` Events, as kube-apiserver stores both under
//! `/registry/events/`: one object, seen through either API. The conversions are
//! `pkg/apis/events/v1/conversion.go`'s: `regarding` is `involvedObject`, `note` is `message`,
//! `reportingController` is `reportingComponent`, the `deprecated*` fields are the core
//! `source`, `firstTimestamp`, `lastTimestamp` and `count`; the rest share their names. Each
//! side is written in its Go struct's field order, with the fields Go always encodes (value
//! structs, non-`omitempty` fields) present.

use serde_json::{Map, Value, json};

/// `(events.k8s.io/v1 field, core/v1 field)`, in neither order.
const RENAMED: &[(&str, &str)] = &[
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
];

/// What Go writes for an unset field.
#[derive(Clone, Copy)]
enum Unset {
    /// Nothing (`omitempty`).
    Omitted,
    /// A value struct: `{}`.
    Object,
    /// A `metav1.Time` or `MicroTime`: `null`.
    Null,
    /// A string without `omitempty`: `""`.
    EmptyString,
}

use Unset::{EmptyString, Null, Object, Omitted};

/// The core Event's fields in struct order.
const CORE: &[(&str, Unset)] = &[
    ("metadata", Object),
    ("involvedObject", Object),
    ("reason", Omitted),
    ("message", Omitted),
    ("source", Object),
    ("firstTimestamp", Null),
    ("lastTimestamp", Null),
    ("count", Omitted),
    ("type", Omitted),
    ("eventTime", Null),
    ("series", Omitted),
    ("action", Omitted),
    ("related", Omitted),
    ("reportingComponent", EmptyString),
    ("reportingInstance", EmptyString),
];

/// The `events.k8s.io/v1` Event's fields in struct order.
const EVENTS: &[(&str, Unset)] = &[
    ("metadata", Object),
    ("eventTime", Null),
    ("series", Omitted),
    ("reportingController", Omitted),
    ("reportingInstance", Omitted),
    ("action", Omitted),
    ("reason", Omitted),
    ("regarding", Object),
    ("related", Omitted),
    ("note", Omitted),
    ("type", Omitted),
    ("deprecatedSource", Object),
    ("deprecatedFirstTimestamp", Null),
    ("deprecatedLastTimestamp", Null),
    ("deprecatedCount", Omitted),
];

/// A stored core Event as `events.k8s.io/v1` serves it.
pub fn to_events_v1(core: &Map<String, Value>) -> Map<String, Value> {
    convert(core, "events.k8s.io/v1", EVENTS, |name| {
        RENAMED
            .iter()
            .find(|(_, c)| *c == name)
            .map_or(name, |(e, _)| e)
    })
}

/// An `events.k8s.io/v1` Event as stored (a core Event).
pub fn to_core(event: &Map<String, Value>) -> Map<String, Value> {
    convert(event, "v1", CORE, |name| {
        RENAMED
            .iter()
            .find(|(e, _)| *e == name)
            .map_or(name, |(_, c)| c)
    })
}

fn convert(
    from: &Map<String, Value>,
    api_version: &str,
    fields: &[(&str, Unset)],
    rename: impl Fn(&str) -> &str,
) -> Map<String, Value> {
    let mut renamed: Map<String, Value> = from
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "kind" | "apiVersion"))
        .map(|(k, v)| (rename(k).to_owned(), v.clone()))
        .collect();
    let mut out = Map::new();
    out.insert("kind".into(), json!("Event"));
    out.insert("apiVersion".into(), json!(api_version));
    for &(name, unset) in fields {
        let value = match (renamed.remove(name), unset) {
            (Some(v), _) if !v.is_null() => v,
            (_, Object) => json!({}),
            (_, Null) => Value::Null,
            (_, EmptyString) => json!(""),
            (_, Omitted) => continue,
        };
        out.insert(name.to_owned(), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!("an object"),
        }
    }

    #[test]
    fn a_core_event_through_events_v1_and_back() {
        let core = obj(json!({"kind": "Event", "apiVersion": "v1",
            "metadata": {"name": "e", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "p"},
            "reason": "Started", "message": "Started container", "source": {"component": "kubelet"},
            "firstTimestamp": "2026-11-23T01:00:00Z", "lastTimestamp": "2026-11-23T01:00:05Z",
            "count": 2, "type": "Normal", "eventTime": null,
            "reportingComponent": "kubelet", "reportingInstance": "node-1"}));
        let served = to_events_v1(&core);
        assert_eq!(
            Value::Object(served.clone()).to_string(),
            json!({"kind": "Event", "apiVersion": "events.k8s.io/v1",
                "metadata": {"name": "e", "namespace": "default"}, "eventTime": null,
                "reportingController": "kubelet", "reportingInstance": "node-1",
                "reason": "Started", "regarding": {"kind": "Pod", "name": "p"},
                "note": "Started container", "type": "Normal",
                "deprecatedSource": {"component": "kubelet"},
                "deprecatedFirstTimestamp": "2026-11-23T01:00:00Z",
                "deprecatedLastTimestamp": "2026-11-23T01:00:05Z", "deprecatedCount": 2})
            .to_string()
        );
        assert_eq!(
            Value::Object(to_core(&served)).to_string(),
            Value::Object(core).to_string()
        );
    }

    #[test]
    fn a_new_events_v1_event_gets_the_core_fields_go_always_writes() {
        let event = obj(json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "e"}, "eventTime": "2026-11-23T01:00:00.000000Z",
            "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
            "action": "Sync", "reason": "Synced", "regarding": {"kind": "Widget", "name": "w"},
            "type": "Normal"}));
        assert_eq!(
            Value::Object(to_core(&event)).to_string(),
            json!({"kind": "Event", "apiVersion": "v1", "metadata": {"name": "e"},
                "involvedObject": {"kind": "Widget", "name": "w"}, "reason": "Synced",
                "source": {}, "firstTimestamp": null, "lastTimestamp": null, "type": "Normal",
                "eventTime": "2026-11-23T01:00:00.000000Z", "action": "Sync",
                "reportingComponent": "example.com/ctl", "reportingInstance": "ctl-1"})
            .to_string()
        );
    }
}
