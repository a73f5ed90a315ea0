//! Encoding (Go struct field order, Go `omitempty`): v2 and v1 json, the
//! round-trip annotation values, and the metadata edits around them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{
    Behavior, Condition, Current, Hpa, Identifier, Measure, Metric, NamedMetric, ObjectRef,
    ResourceMetric, ScalingRules, Selector, Target,
};
use super::{OBJECT_META_BEFORE_ANNOTATIONS, Obj, ROUND_TRIP_ANNOTATIONS};
use crate::json;

fn put_opt<T: Clone + Into<Value>>(out: &mut Obj, key: &str, value: &Option<T>) {
    if let Some(v) = value {
        out.insert(key.into(), v.clone().into());
    }
}

fn opt_json<T: Clone + Into<Value>>(value: &Option<T>) -> Value {
    value.clone().map_or(Value::Null, Into::into)
}

/// `CrossVersionObjectReference` (same json in v1 and v2).
pub(super) fn ref_json(r: &ObjectRef) -> Value {
    let mut out = Obj::new();
    out.insert("kind".into(), r.kind.clone().into());
    out.insert("name".into(), r.name.clone().into());
    if !r.api_version.is_empty() {
        out.insert("apiVersion".into(), r.api_version.clone().into());
    }
    Value::Object(out)
}

/// `metav1.LabelSelector`: `matchLabels` is a Go map, so its keys come out sorted.
fn selector_json(s: &Selector) -> Value {
    let mut out = Obj::new();
    if !s.match_labels.is_empty() {
        let labels = s
            .match_labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        out.insert("matchLabels".into(), Value::Object(labels));
    }
    if !s.match_expressions.is_empty() {
        let expressions = s
            .match_expressions
            .iter()
            .map(|r| {
                let mut req = Obj::new();
                req.insert("key".into(), r.key.clone().into());
                req.insert("operator".into(), r.operator.clone().into());
                if !r.values.is_empty() {
                    req.insert("values".into(), r.values.clone().into());
                }
                Value::Object(req)
            })
            .collect();
        out.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(out)
}

fn put_selector(out: &mut Obj, key: &str, selector: &Option<Selector>) {
    if let Some(s) = selector {
        out.insert(key.into(), selector_json(s));
    }
}

fn identifier_json(id: &Identifier) -> Value {
    let mut out = Obj::new();
    out.insert("name".into(), id.name.clone().into());
    put_selector(&mut out, "selector", &id.selector);
    Value::Object(out)
}

/// `MetricTarget` as nested in v2 metric specs.
pub(super) fn target_json(t: &Target) -> Value {
    let mut out = Obj::new();
    out.insert("type".into(), t.kind.clone().into());
    put_opt(&mut out, "value", &t.value);
    put_opt(&mut out, "averageValue", &t.average_value);
    put_opt(&mut out, "averageUtilization", &t.average_utilization);
    Value::Object(out)
}

/// `MetricValueStatus` as nested in v2 metric statuses.
pub(super) fn current_json(c: &Current) -> Value {
    let mut out = Obj::new();
    put_opt(&mut out, "value", &c.value);
    put_opt(&mut out, "averageValue", &c.average_value);
    put_opt(&mut out, "averageUtilization", &c.average_utilization);
    Value::Object(out)
}

/// A v2 `MetricSpec` / `MetricStatus`.
pub(super) fn metric_v2_json<T: Measure>(m: &Metric<T>) -> Value {
    let mut out = Obj::new();
    out.insert("type".into(), m.kind.clone().into());
    if let Some(o) = &m.object {
        let mut v = Obj::new();
        if T::SPEC {
            v.insert("describedObject".into(), ref_json(&o.described_object));
            v.insert(T::KEY.into(), o.measure.write());
            v.insert("metric".into(), identifier_json(&o.metric));
        } else {
            v.insert("metric".into(), identifier_json(&o.metric));
            v.insert(T::KEY.into(), o.measure.write());
            v.insert("describedObject".into(), ref_json(&o.described_object));
        }
        out.insert("object".into(), Value::Object(v));
    }
    let named = |n: &NamedMetric<T>| {
        let mut v = Obj::new();
        v.insert("metric".into(), identifier_json(&n.metric));
        v.insert(T::KEY.into(), n.measure.write());
        Value::Object(v)
    };
    let resource = |r: &ResourceMetric<T>, container: bool| {
        let mut v = Obj::new();
        v.insert("name".into(), r.name.clone().into());
        v.insert(T::KEY.into(), r.measure.write());
        if container {
            v.insert("container".into(), r.container.clone().into());
        }
        Value::Object(v)
    };
    if let Some(p) = &m.pods {
        out.insert("pods".into(), named(p));
    }
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r, false));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r, true));
    }
    if let Some(e) = &m.external {
        out.insert("external".into(), named(e));
    }
    Value::Object(out)
}

/// `Convert_autoscaling_MetricSpec_To_v1_MetricSpec` with the hand-written
/// per-source conversions (conversion.go), as v1 `MetricSpec` json.
pub(super) fn metric_spec_to_v1(m: &Metric<Target>) -> Value {
    let zero = || "0".to_owned();
    let mut out = Obj::new();
    out.insert("type".into(), m.kind.clone().into());
    if let Some(o) = &m.object {
        let mut v = Obj::new();
        v.insert("target".into(), ref_json(&o.described_object));
        v.insert("metricName".into(), o.metric.name.clone().into());
        let target_value = o.measure.value.clone().unwrap_or_else(zero);
        v.insert("targetValue".into(), target_value.into());
        put_selector(&mut v, "selector", &o.metric.selector);
        put_opt(&mut v, "averageValue", &o.measure.average_value);
        out.insert("object".into(), Value::Object(v));
    }
    if let Some(p) = &m.pods {
        let mut v = Obj::new();
        v.insert("metricName".into(), p.metric.name.clone().into());
        let average = p.measure.average_value.clone().unwrap_or_else(zero);
        v.insert("targetAverageValue".into(), average.into());
        put_selector(&mut v, "selector", &p.metric.selector);
        out.insert("pods".into(), Value::Object(v));
    }
    let resource = |r: &ResourceMetric<Target>, container: bool| {
        let mut v = Obj::new();
        v.insert("name".into(), r.name.clone().into());
        put_opt(
            &mut v,
            "targetAverageUtilization",
            &r.measure.average_utilization,
        );
        put_opt(&mut v, "targetAverageValue", &r.measure.average_value);
        if container {
            v.insert("container".into(), r.container.clone().into());
        }
        Value::Object(v)
    };
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r, false));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r, true));
    }
    if let Some(e) = &m.external {
        let mut v = Obj::new();
        v.insert("metricName".into(), e.metric.name.clone().into());
        put_selector(&mut v, "metricSelector", &e.metric.selector);
        put_opt(&mut v, "targetValue", &e.measure.value);
        put_opt(&mut v, "targetAverageValue", &e.measure.average_value);
        out.insert("external".into(), Value::Object(v));
    }
    Value::Object(out)
}

/// `Convert_autoscaling_MetricStatus_To_v1_MetricStatus` with the hand-written
/// per-source conversions (conversion.go), as v1 `MetricStatus` json.
pub(super) fn metric_status_to_v1(m: &Metric<Current>) -> Value {
    let zero = || "0".to_owned();
    let mut out = Obj::new();
    out.insert("type".into(), m.kind.clone().into());
    if let Some(o) = &m.object {
        let mut v = Obj::new();
        v.insert("target".into(), ref_json(&o.described_object));
        v.insert("metricName".into(), o.metric.name.clone().into());
        let current = o.measure.value.clone().unwrap_or_else(zero);
        v.insert("currentValue".into(), current.into());
        put_selector(&mut v, "selector", &o.metric.selector);
        put_opt(&mut v, "averageValue", &o.measure.average_value);
        out.insert("object".into(), Value::Object(v));
    }
    if let Some(p) = &m.pods {
        let mut v = Obj::new();
        v.insert("metricName".into(), p.metric.name.clone().into());
        let average = p.measure.average_value.clone().unwrap_or_else(zero);
        v.insert("currentAverageValue".into(), average.into());
        put_selector(&mut v, "selector", &p.metric.selector);
        out.insert("pods".into(), Value::Object(v));
    }
    let resource = |r: &ResourceMetric<Current>, container: bool| {
        let mut v = Obj::new();
        v.insert("name".into(), r.name.clone().into());
        put_opt(
            &mut v,
            "currentAverageUtilization",
            &r.measure.average_utilization,
        );
        let average = r.measure.average_value.clone().unwrap_or_else(zero);
        v.insert("currentAverageValue".into(), average.into());
        if container {
            v.insert("container".into(), r.container.clone().into());
        }
        Value::Object(v)
    };
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r, false));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r, true));
    }
    if let Some(e) = &m.external {
        let mut v = Obj::new();
        v.insert("metricName".into(), e.metric.name.clone().into());
        put_selector(&mut v, "metricSelector", &e.metric.selector);
        let current = e.measure.value.clone().unwrap_or_else(zero);
        v.insert("currentValue".into(), current.into());
        put_opt(&mut v, "currentAverageValue", &e.measure.average_value);
        out.insert("external".into(), Value::Object(v));
    }
    Value::Object(out)
}

/// The internal `HorizontalPodAutoscalerBehavior` through `json.Marshal`: no
/// json tags, so Go field names, no omitempty, nil pointers/slices as `null`.
pub(super) fn behavior_internal_json(b: &Behavior) -> Value {
    let rules = |r: &Option<ScalingRules>| {
        let Some(r) = r else {
            return Value::Null;
        };
        let mut out = Obj::new();
        out.insert(
            "StabilizationWindowSeconds".into(),
            opt_json(&r.stabilization_window_seconds),
        );
        out.insert("SelectPolicy".into(), opt_json(&r.select_policy));
        let policies = if r.policies.is_empty() {
            Value::Null
        } else {
            r.policies
                .iter()
                .map(|p| {
                    let mut policy = Obj::new();
                    policy.insert("Type".into(), p.kind.clone().into());
                    policy.insert("Value".into(), p.value.into());
                    policy.insert("PeriodSeconds".into(), p.period_seconds.into());
                    Value::Object(policy)
                })
                .collect()
        };
        out.insert("Policies".into(), policies);
        out.insert("Tolerance".into(), opt_json(&r.tolerance));
        Value::Object(out)
    };
    let mut out = Obj::new();
    out.insert("ScaleUp".into(), rules(&b.scale_up));
    out.insert("ScaleDown".into(), rules(&b.scale_down));
    Value::Object(out)
}

/// v2 `HorizontalPodAutoscalerBehavior`.
pub(super) fn behavior_v2_json(b: &Behavior) -> Value {
    let rules = |r: &ScalingRules| {
        let mut out = Obj::new();
        put_opt(
            &mut out,
            "stabilizationWindowSeconds",
            &r.stabilization_window_seconds,
        );
        put_opt(&mut out, "selectPolicy", &r.select_policy);
        if !r.policies.is_empty() {
            let policies = r
                .policies
                .iter()
                .map(|p| {
                    let mut policy = Obj::new();
                    policy.insert("type".into(), p.kind.clone().into());
                    policy.insert("value".into(), p.value.into());
                    policy.insert("periodSeconds".into(), p.period_seconds.into());
                    Value::Object(policy)
                })
                .collect();
            out.insert("policies".into(), Value::Array(policies));
        }
        put_opt(&mut out, "tolerance", &r.tolerance);
        Value::Object(out)
    };
    let mut out = Obj::new();
    if let Some(r) = &b.scale_up {
        out.insert("scaleUp".into(), rules(r));
    }
    if let Some(r) = &b.scale_down {
        out.insert("scaleDown".into(), rules(r));
    }
    Value::Object(out)
}

/// `HorizontalPodAutoscalerCondition`. `lastTransitionTime` is a struct, so
/// `omitempty` does not apply and the zero time marshals as `null`.
pub(super) fn condition_json(c: &Condition) -> Value {
    let mut out = Obj::new();
    out.insert("type".into(), c.kind.clone().into());
    out.insert("status".into(), c.status.clone().into());
    out.insert(
        "lastTransitionTime".into(),
        opt_json(&c.last_transition_time),
    );
    if !c.reason.is_empty() {
        out.insert("reason".into(), c.reason.clone().into());
    }
    if !c.message.is_empty() {
        out.insert("message".into(), c.message.clone().into());
    }
    Value::Object(out)
}

pub(super) fn insert_status_head(status: &mut Obj, hpa: &Hpa) {
    put_opt(status, "observedGeneration", &hpa.observed_generation);
    put_opt(status, "lastScaleTime", &hpa.last_scale_time);
}

/// `encoding/json.Marshal` text of an annotation value (`crate::json`: compact,
/// `<`, `>`, `&`, U+2028 and U+2029 escaped).
pub(super) fn marshal(value: &Value) -> String {
    // The encoder only ever writes UTF-8, so this never substitutes anything.
    String::from_utf8_lossy(&json::to_vec(value)).into_owned()
}

// ---------------------------------------------------------------------------
// Metadata helpers.

pub(super) fn kind_of(obj: &Obj) -> Value {
    match obj.get("kind") {
        Some(Value::String(kind)) => Value::String(kind.clone()),
        _ => Value::String("HorizontalPodAutoscaler".into()),
    }
}

pub(super) fn metadata_of(obj: &Obj) -> Obj {
    match obj.get("metadata") {
        Some(Value::Object(meta)) => meta.clone(),
        _ => Obj::new(),
    }
}

pub(super) fn annotations_of(metadata: &Obj) -> Option<Obj> {
    match metadata.get("annotations") {
        Some(Value::Object(a)) => Some(a.clone()),
        _ => None,
    }
}

/// `DropRoundTripHorizontalPodAutoscalerAnnotations`; true if anything was removed.
pub(super) fn drop_round_trip(annotations: &mut Option<Obj>) -> bool {
    let Some(a) = annotations else {
        return false;
    };
    let mut dropped = false;
    for key in ROUND_TRIP_ANNOTATIONS {
        dropped |= a.shift_remove(key).is_some();
    }
    dropped
}

/// Writes back a modified annotations map the way Go marshals
/// `map[string]string`: keys sorted, and omitted when empty (`omitempty`). A
/// new `annotations` key goes where `ObjectMeta` declares it (after `labels`).
pub(super) fn store_annotations(metadata: &mut Obj, annotations: Option<Obj>) {
    let sorted: BTreeMap<String, Value> = annotations.unwrap_or_default().into_iter().collect();
    if sorted.is_empty() {
        metadata.shift_remove("annotations");
        return;
    }
    let value = Value::Object(sorted.into_iter().collect());
    if let Some(slot) = metadata.get_mut("annotations") {
        *slot = value;
        return;
    }
    let index = metadata
        .keys()
        .rposition(|k| OBJECT_META_BEFORE_ANNOTATIONS.contains(&k.as_str()))
        .map_or(0, |i| i + 1);
    metadata.shift_insert(index, "annotations".into(), value);
}
