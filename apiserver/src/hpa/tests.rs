//! Conversion tests. Expected values cite the Go code they mirror; JSON is
//! compared as text so key order counts.

mod round_trip;
mod v1_to_v2;
mod v2_to_v1;
mod values;

use serde_json::{Value, json};

use super::*;

fn obj(v: Value) -> Obj {
    match v {
        Value::Object(o) => o,
        other => panic!("test fixture is not an object: {other}"),
    }
}

/// Exact comparison including key order (Map equality ignores order).
fn assert_json(name: &str, got: &Obj, want: &Value) {
    let got = serde_json::to_string_pretty(got).expect("serialize");
    let want = serde_json::to_string_pretty(want).expect("serialize");
    assert_eq!(got, want, "case {name:?}");
}

fn meta() -> Value {
    json!({
        "name": "web",
        "namespace": "default",
        "uid": "3f0a",
        "resourceVersion": "7",
        "creationTimestamp": "2024-05-01T10:00:00Z"
    })
}

fn meta_with(annotations: Value) -> Value {
    json!({
        "name": "web",
        "namespace": "default",
        "uid": "3f0a",
        "resourceVersion": "7",
        "creationTimestamp": "2024-05-01T10:00:00Z",
        "annotations": annotations
    })
}

fn target_ref() -> Value {
    json!({"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"})
}

fn cpu(utilization: i32) -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu",
        "target": {"type": "Utilization", "averageUtilization": utilization}}})
}

fn v2(metrics: Option<Value>, behavior: Option<Value>, status: Value, metadata: Value) -> Value {
    let mut spec = json!({"scaleTargetRef": target_ref(), "minReplicas": 1, "maxReplicas": 10});
    if let (Some(m), Value::Object(s)) = (metrics, &mut spec) {
        s.insert("metrics".into(), m);
    }
    if let (Some(b), Value::Object(s)) = (behavior, &mut spec) {
        s.insert("behavior".into(), b);
    }
    json!({"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2",
        "metadata": metadata, "spec": spec, "status": status})
}

fn empty_v2_status() -> Value {
    json!({"desiredReplicas": 0, "currentMetrics": null})
}

fn status_v2(extra: Value) -> Value {
    let mut status = json!({"desiredReplicas": 0, "currentMetrics": null});
    if let (Value::Object(extra), Value::Object(s)) = (extra, &mut status) {
        for (k, v) in extra {
            s.insert(k, v);
        }
    }
    status
}

fn v1(spec_extra: Value, status: Value, metadata: Value) -> Value {
    let mut spec = json!({"scaleTargetRef": target_ref(), "minReplicas": 1, "maxReplicas": 10});
    if let (Value::Object(extra), Value::Object(s)) = (spec_extra, &mut spec) {
        s.extend(extra);
    }
    json!({"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1",
        "metadata": metadata, "spec": spec, "status": status})
}

/// Every metric source, in shapes kube round-trips through v1; CPU last
/// because v1 -> internal appends the CPU metric after the annotation ones.
fn all_metrics() -> Value {
    json!([
        {"type": "Resource", "resource": {"name": "memory",
            "target": {"type": "Utilization", "averageUtilization": 60}}},
        {"type": "Pods", "pods": {
            "metric": {"name": "packets-per-second", "selector": {"matchLabels": {"app": "web", "tier": "web"}}},
            "target": {"type": "AverageValue", "averageValue": "1k"}}},
        {"type": "Object", "object": {
            "describedObject": {"kind": "Ingress", "name": "main-route", "apiVersion": "networking.k8s.io/v1"},
            "target": {"type": "Value", "value": "10k"},
            "metric": {"name": "requests-per-second"}}},
        {"type": "External", "external": {
            "metric": {"name": "queue_messages_ready", "selector": {"matchExpressions": [
                {"key": "queue", "operator": "In", "values": ["worker_tasks"]}]}},
            "target": {"type": "AverageValue", "averageValue": "30"}}},
        {"type": "ContainerResource", "containerResource": {"name": "cpu",
            "target": {"type": "AverageValue", "averageValue": "500m"}, "container": "app"}},
        cpu(50)
    ])
}

// v1 MetricSpec json of all_metrics() minus CPU: staging/src/k8s.io/api/autoscaling/v1/types.go
// field order; targetValue/targetAverageValue of Object/Pods are non-pointer Quantities.
const ALL_METRICS_V1: &str = r#"[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":60}},{"type":"Pods","pods":{"metricName":"packets-per-second","targetAverageValue":"1k","selector":{"matchLabels":{"app":"web","tier":"web"}}}},{"type":"Object","object":{"target":{"kind":"Ingress","name":"main-route","apiVersion":"networking.k8s.io/v1"},"metricName":"requests-per-second","targetValue":"10k"}},{"type":"External","external":{"metricName":"queue_messages_ready","metricSelector":{"matchExpressions":[{"key":"queue","operator":"In","values":["worker_tasks"]}]},"targetAverageValue":"30"}},{"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageValue":"500m","container":"app"}}]"#;

fn behavior() -> Value {
    json!({
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Min", "policies": [
            {"type": "Percent", "value": 10, "periodSeconds": 60}], "tolerance": "50m"}
    })
}

// The internal HorizontalPodAutoscalerBehavior (pkg/apis/autoscaling/types.go, no json tags)
// through json.Marshal: Go field names, nil pointers as null, Tolerance last.
const BEHAVIOR_INTERNAL: &str = r#"{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}],"Tolerance":null},"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}],"Tolerance":"50m"}}"#;

fn busy_status() -> Value {
    json!({
        "observedGeneration": 3,
        "lastScaleTime": "2024-05-01T10:05:00Z",
        "currentReplicas": 3,
        "desiredReplicas": 4,
        "currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu",
                "current": {"averageValue": "120m", "averageUtilization": 62}}},
            {"type": "Resource", "resource": {"name": "memory",
                "current": {"averageValue": "200Mi", "averageUtilization": 40}}},
            {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                "current": {"averageValue": "900"}}},
            {"type": "Object", "object": {"metric": {"name": "requests-per-second"},
                "current": {"value": "8k"},
                "describedObject": {"kind": "Ingress", "name": "main-route", "apiVersion": "networking.k8s.io/v1"}}},
            {"type": "External", "external": {"metric": {"name": "queue_messages_ready"},
                "current": {"value": "40", "averageValue": "10"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu",
                "current": {"averageValue": "300m", "averageUtilization": 75}, "container": "app"}}
        ],
        "conditions": [
            {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z",
                "reason": "ReadyForNewScale", "message": "recommended size matches current size"},
            {"type": "ScalingLimited", "status": "False", "lastTransitionTime": "2024-05-01T10:00:00Z",
                "reason": "DesiredWithinRange", "message": "desired <= max && desired >= min"}
        ]
    })
}

// v1 MetricStatus json (v1/types.go); currentValue/currentAverageValue are non-pointer.
const BUSY_CURRENT_V1: &str = r#"[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":62,"currentAverageValue":"120m"}},{"type":"Resource","resource":{"name":"memory","currentAverageUtilization":40,"currentAverageValue":"200Mi"}},{"type":"Pods","pods":{"metricName":"packets-per-second","currentAverageValue":"900"}},{"type":"Object","object":{"target":{"kind":"Ingress","name":"main-route","apiVersion":"networking.k8s.io/v1"},"metricName":"requests-per-second","currentValue":"8k"}},{"type":"External","external":{"metricName":"queue_messages_ready","currentValue":"40","currentAverageValue":"10"}},{"type":"ContainerResource","containerResource":{"name":"cpu","currentAverageUtilization":75,"currentAverageValue":"300m","container":"app"}}]"#;

// json.Marshal escapes < > & as \u003c \u003e \u0026.
const BUSY_CONDITIONS_V1: &str = r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-05-01T10:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},{"type":"ScalingLimited","status":"False","lastTransitionTime":"2024-05-01T10:00:00Z","reason":"DesiredWithinRange","message":"desired \u003c= max \u0026\u0026 desired \u003e= min"}]"#;
