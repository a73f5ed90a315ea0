//! `ValidateHorizontalPodAutoscaler` / `ValidateHorizontalPodAutoscalerUpdate` of
//! `pkg/apis/autoscaling/validation`, on the stored autoscaling/v2 form (the internal version's
//! shape).

use serde_json::{Map, Value};

use super::Write;
use super::common::{dns1123_label, get, int_of, list_of, str_of};
use crate::error::Cause;
use crate::names;
use crate::quantity::Quantity;

const MAX_PERIOD_SECONDS: i64 = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS: i64 = 3600;

pub fn horizontal_pod_autoscaler(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    match write {
        Write::Create => hpa_spec(obj.get("spec"), 1),
        Write::Update { old } => {
            let bound = if int_of(old.get("spec"), "minReplicas") == Some(0) {
                0
            } else {
                1
            };
            hpa_spec(obj.get("spec"), bound)
        }
        Write::Status { .. } => {
            let status = obj.get("status");
            ["currentReplicas", "desiredReplicas"]
                .iter()
                .filter_map(|field| {
                    super::common::nonnegative_at(status, field, &format!("status.{field}"))
                })
                .collect()
        }
    }
}

/// `validateHorizontalPodAutoscalerSpec`.
fn hpa_spec(spec: Option<&Value>, min_bound: i64) -> Vec<Cause> {
    let mut causes = Vec::new();
    let min = int_of(spec, "minReplicas");
    let max = int_of(spec, "maxReplicas").unwrap_or(0);
    if let Some(min) = min.filter(|m| *m < min_bound) {
        causes.push(Cause::invalid(
            "spec.minReplicas",
            &Value::from(min),
            &format!("must be greater than or equal to {min_bound}"),
        ));
    }
    if max < 1 {
        causes.push(Cause::invalid(
            "spec.maxReplicas",
            &Value::from(max),
            "must be greater than 0",
        ));
    }
    if min.is_some_and(|min| max < min) {
        causes.push(Cause::invalid(
            "spec.maxReplicas",
            &Value::from(max),
            "must be greater than or equal to `minReplicas`",
        ));
    }
    causes.extend(cross_version_object_reference(
        get(spec, "scaleTargetRef"),
        "spec.scaleTargetRef",
    ));
    let metrics = list_of(spec, "metrics");
    let (mut object, mut external) = (false, false);
    for (i, metric) in metrics.iter().enumerate() {
        causes.extend(metric_spec(metric, &format!("spec.metrics[{i}]")));
        object |= str_of(metric, "type") == "Object";
        external |= str_of(metric, "type") == "External";
    }
    if min == Some(0) && !object && !external {
        causes.push(Cause::forbidden(
            "spec.metrics",
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
    if let Some(behavior) = get(spec, "behavior") {
        for rules in ["scaleUp", "scaleDown"] {
            if let Some(r) = get(behavior, rules) {
                causes.extend(scaling_rules(r, &format!("spec.behavior.{rules}")));
            }
        }
    }
    causes
}

/// `ValidateCrossVersionObjectReference`.
fn cross_version_object_reference(reference: Option<&Value>, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    for field in ["kind", "name"] {
        let value = str_of(reference, field);
        let field_path = format!("{path}.{field}");
        if value.is_empty() {
            causes.push(Cause::required(&field_path, ""));
        } else {
            causes.extend(
                names::validate_path_segment_name(value, false)
                    .iter()
                    .map(|m| Cause::invalid(&field_path, &Value::from(value), m)),
            );
        }
    }
    causes
}

/// `validateScalingRules`.
fn scaling_rules(rules: &Value, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let r = Some(rules);
    if let Some(window) = int_of(r, "stabilizationWindowSeconds") {
        let field = format!("{path}.stabilizationWindowSeconds");
        if window < 0 {
            causes.push(Cause::invalid(
                &field,
                &Value::from(window),
                "must be greater than or equal to zero",
            ));
        }
        causes.extend(at_most(window, MAX_STABILIZATION_WINDOW_SECONDS, &field));
    }
    if let Some(select) = get(r, "selectPolicy").and_then(Value::as_str) {
        const SELECT: [&str; 3] = ["Disabled", "Max", "Min"];
        if !SELECT.contains(&select) {
            causes.push(Cause::not_supported(
                &format!("{path}.selectPolicy"),
                &Value::from(select),
                &SELECT,
            ));
        }
    }
    let policies = list_of(r, "policies");
    if policies.is_empty() {
        causes.push(Cause::required(
            &format!("{path}.policies"),
            "must specify at least one Policy",
        ));
    }
    for (i, policy) in policies.iter().enumerate() {
        let p = Some(policy);
        let policy_path = format!("{path}.policies[{i}]");
        let kind = str_of(p, "type");
        if kind != "Pods" && kind != "Percent" {
            causes.push(Cause::not_supported(
                &format!("{policy_path}.type"),
                &Value::from(kind),
                &["Percent", "Pods"],
            ));
        }
        causes.extend(positive(
            int_of(p, "value").unwrap_or(0),
            &format!("{policy_path}.value"),
        ));
        let period = int_of(p, "periodSeconds").unwrap_or(0);
        let period_path = format!("{policy_path}.periodSeconds");
        causes.extend(positive(period, &period_path));
        causes.extend(at_most(period, MAX_PERIOD_SECONDS, &period_path));
    }
    causes
}

/// `validateScalingRules`' check that a field is above zero.
fn positive(value: i64, field: &str) -> Option<Cause> {
    (value <= 0).then(|| Cause::invalid(field, &Value::from(value), "must be greater than zero"))
}

/// `validateScalingRules`' check that a field is at most `max`.
fn at_most(value: i64, max: i64, field: &str) -> Option<Cause> {
    (value > max).then(|| {
        Cause::invalid(
            field,
            &Value::from(value),
            &format!("must be less than or equal to {max}"),
        )
    })
}

const SOURCE_TYPES: [&str; 5] = [
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

/// `validateMetricSpec`.
fn metric_spec(metric: &Value, path: &str) -> Vec<Cause> {
    let m = Some(metric);
    let mut causes = Vec::new();
    let kind = str_of(m, "type");
    if kind.is_empty() {
        causes.push(Cause::required(
            &format!("{path}.type"),
            "must specify a metric source type",
        ));
    }
    if !SOURCE_TYPES.contains(&kind) {
        causes.push(Cause::not_supported(
            &format!("{path}.type"),
            &Value::from(kind),
            &SOURCE_TYPES,
        ));
    }
    let mut present: Vec<&str> = Vec::new();
    for field in [
        "object",
        "external",
        "pods",
        "resource",
        "containerResource",
    ] {
        let Some(source) = get(m, field) else {
            continue;
        };
        present.push(field);
        if present.len() == 1 {
            causes.extend(metric_source(field, source, &format!("{path}.{field}")));
        }
    }
    let expected = match kind {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => {
            causes.push(Cause::not_supported(
                &format!("{path}.type"),
                &Value::from(kind),
                &SOURCE_TYPES,
            ));
            ""
        }
    };
    if !expected.is_empty() && get(m, expected).is_none() {
        causes.push(Cause::required(
            &format!("{path}.{expected}"),
            "must populate information for the given metric source",
        ));
    }
    if present.len() != 1 {
        let mut others: Vec<&str> = present.into_iter().filter(|f| *f != expected).collect();
        others.sort_unstable();
        for other in others {
            causes.push(Cause::forbidden(
                &format!("{path}.{other}"),
                "must populate the given metric source only",
            ));
        }
    }
    causes
}

/// The source checks of `validateMetricSpec` (`validateObjectSource`, ...).
fn metric_source(field: &str, source: &Value, path: &str) -> Vec<Cause> {
    let s = Some(source);
    let target = get(s, "target");
    let target_path = format!("{path}.target");
    let has = |key: &str| get(target, key).is_some();
    let mut causes = Vec::new();
    match field {
        "object" => {
            causes.extend(cross_version_object_reference(
                get(s, "describedObject"),
                &format!("{path}.describedObject"),
            ));
            causes.extend(metric_identifier(
                get(s, "metric"),
                &format!("{path}.metric"),
            ));
            causes.extend(metric_target(target, &target_path));
            if !has("value") && !has("averageValue") {
                causes.push(Cause::required(
                    &format!("{target_path}.averageValue"),
                    "must set either a target value or averageValue",
                ));
            }
        }
        "external" => {
            causes.extend(metric_identifier(
                get(s, "metric"),
                &format!("{path}.metric"),
            ));
            causes.extend(metric_target(target, &target_path));
            if !has("value") && !has("averageValue") {
                causes.push(Cause::required(
                    &format!("{target_path}.averageValue"),
                    "must set either a target value for metric or a per-pod target",
                ));
            }
            if has("value") && has("averageValue") {
                causes.push(Cause::forbidden(
                    &format!("{target_path}.value"),
                    "may not set both a target value for metric and a per-pod target",
                ));
            }
        }
        "pods" => {
            causes.extend(metric_identifier(
                get(s, "metric"),
                &format!("{path}.metric"),
            ));
            causes.extend(metric_target(target, &target_path));
            if !has("averageValue") {
                causes.push(Cause::required(
                    &format!("{target_path}.averageValue"),
                    "must specify a positive target averageValue",
                ));
            }
        }
        _ => {
            if str_of(s, "name").is_empty() {
                causes.push(Cause::required(
                    &format!("{path}.name"),
                    "must specify a resource name",
                ));
            }
            if field == "containerResource" {
                let container = str_of(s, "container");
                if container.is_empty() {
                    causes.push(Cause::required(
                        &format!("{path}.container"),
                        "must specify a container",
                    ));
                } else {
                    causes.extend(dns1123_label(container, &format!("{path}.container")));
                }
            }
            causes.extend(metric_target(target, &target_path));
            if !has("averageUtilization") && !has("averageValue") {
                causes.push(Cause::required(
                    &format!("{target_path}.averageUtilization"),
                    "must set either a target raw value or a target utilization",
                ));
            }
            if has("averageUtilization") && has("averageValue") {
                causes.push(Cause::forbidden(
                    &format!("{target_path}.averageValue"),
                    "may not set both a target raw value and a target utilization",
                ));
            }
        }
    }
    causes
}

/// `validateMetricTarget`.
fn metric_target(target: Option<&Value>, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let kind = str_of(target, "type");
    if kind.is_empty() {
        causes.push(Cause::required(
            &format!("{path}.type"),
            "must specify a metric target type",
        ));
    }
    if !matches!(kind, "Utilization" | "Value" | "AverageValue") {
        causes.push(Cause::invalid(
            &format!("{path}.type"),
            &Value::from(kind),
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    for field in ["value", "averageValue"] {
        let Some(q) = get(target, field).and_then(Quantity::from_json) else {
            continue;
        };
        if q.sign() <= 0 {
            causes.push(Cause::invalid(
                &format!("{path}.{field}"),
                &Value::from(q.string().unwrap_or_default()),
                "must be positive",
            ));
        }
    }
    if let Some(u) = int_of(target, "averageUtilization").filter(|u| *u < 1) {
        causes.push(Cause::invalid(
            &format!("{path}.averageUtilization"),
            &Value::from(u),
            "must be greater than 0",
        ));
    }
    causes
}

/// `validateMetricIdentifier`.
fn metric_identifier(id: Option<&Value>, path: &str) -> Vec<Cause> {
    let name = str_of(id, "name");
    let field = format!("{path}.name");
    if name.is_empty() {
        return vec![Cause::required(&field, "must specify a metric name")];
    }
    names::validate_path_segment_name(name, false)
        .iter()
        .map(|m| Cause::invalid(&field, &Value::from(name), m))
        .collect()
}
