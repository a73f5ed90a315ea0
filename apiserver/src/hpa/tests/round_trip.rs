//! v2 -> v1 -> v2 round trips, and inputs of the wrong shape.

use serde_json::{Value, json};

use super::*;

#[test]
fn round_trip_identity() {
    let user_meta = json!({"name": "web", "namespace": "default", "labels": {"app": "web"},
        "annotations": {"a": "1", "z": "2"}, "finalizers": ["f"]});
    let cases: Vec<(&str, Value)> = vec![
        (
            "cpu only",
            v2(Some(json!([cpu(50)])), None, empty_v2_status(), meta()),
        ),
        (
            "cpu + memory + pods + object + external + containerResource",
            v2(Some(all_metrics()), None, empty_v2_status(), meta()),
        ),
        (
            "behavior set",
            v2(
                Some(json!([cpu(50)])),
                Some(behavior()),
                empty_v2_status(),
                meta(),
            ),
        ),
        (
            "status with conditions and current metrics",
            v2(Some(json!([cpu(50)])), None, busy_status(), meta()),
        ),
        (
            "everything plus user annotations and labels",
            v2(
                Some(all_metrics()),
                Some(behavior()),
                busy_status(),
                user_meta,
            ),
        ),
    ];
    for (name, x) in cases {
        println!("case: {name}");
        let x = obj(x);
        assert_json(name, &v1_to_v2(&v2_to_v1(&x)), &Value::Object(x.clone()));
    }
}

#[test]
fn round_trip_not_identity() {
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            // v1 -> internal appends the CPU metric after the annotation metrics.
            "cpu listed first moves last",
            v2(
                Some(
                    json!([cpu(50), {"type": "Resource", "resource": {"name": "memory",
                    "target": {"type": "Utilization", "averageUtilization": 60}}}]),
                ),
                None,
                empty_v2_status(),
                meta(),
            ),
            v2(
                Some(json!([{"type": "Resource", "resource": {"name": "memory",
                    "target": {"type": "Utilization", "averageUtilization": 60}}}, cpu(50)])),
                None,
                empty_v2_status(),
                meta(),
            ),
        ),
        (
            "no metrics gains the 80% CPU default",
            v2(None, None, empty_v2_status(), meta()),
            v2(Some(json!([cpu(80)])), None, empty_v2_status(), meta()),
        ),
        (
            // Convert_v1_ObjectMetricSource_To_autoscaling_ObjectMetricSource: Value: &in.TargetValue.
            "object AverageValue target gains value 0",
            v2(
                Some(json!([{"type": "Object", "object": {
                    "describedObject": {"kind": "Service", "name": "api"},
                    "target": {"type": "AverageValue", "averageValue": "2"},
                    "metric": {"name": "rps"}}}, cpu(50)])),
                None,
                empty_v2_status(),
                meta(),
            ),
            v2(
                Some(json!([{"type": "Object", "object": {
                    "describedObject": {"kind": "Service", "name": "api"},
                    "target": {"type": "AverageValue", "value": "0", "averageValue": "2"},
                    "metric": {"name": "rps"}}}, cpu(50)])),
                None,
                empty_v2_status(),
                meta(),
            ),
        ),
        (
            // Convert_v1_ResourceMetricStatus_To_autoscaling_ResourceMetricStatus: AverageValue: &in.CurrentAverageValue.
            "resource status without averageValue gains averageValue 0",
            v2(
                Some(json!([cpu(50)])),
                None,
                status_v2(
                    json!({"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "current": {"averageUtilization": 20}}}]}),
                ),
                meta(),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                status_v2(
                    json!({"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "current": {"averageValue": "0", "averageUtilization": 20}}}]}),
                ),
                meta(),
            ),
        ),
    ];
    for (name, x, want) in cases {
        println!("case: {name}");
        assert_json(name, &v1_to_v2(&v2_to_v1(&obj(x))), &want);
    }
}

#[test]
fn bad_shapes_do_not_panic() {
    let cases: Vec<(&str, Value)> = vec![
        ("empty object", json!({})),
        (
            "metadata is a string",
            json!({"metadata": "x", "spec": [], "status": 3}),
        ),
        (
            "annotations not an object",
            json!({"metadata": {"annotations": [1, 2]}}),
        ),
        (
            "annotation values not strings",
            json!({"metadata": {"annotations": {METRIC_SPECS_ANNOTATION: 5,
                BEHAVIOR_SPECS_ANNOTATION: {"a": 1}, CONDITIONS_ANNOTATION: null}}}),
        ),
        (
            "garbage inside spec and status",
            json!({"spec": {"scaleTargetRef": "d", "minReplicas": "1", "maxReplicas": 1e99,
                "targetCPUUtilizationPercentage": -5_000_000_000_i64,
                "metrics": [1, null, "x", {"type": 7, "resource": [], "pods": {"metric": 3,
                    "target": {"averageValue": {"x": 1}}}, "object": {"describedObject": null}}],
                "behavior": {"scaleUp": {"policies": [null, 1, {"value": "x"}]}, "scaleDown": 4}},
                "status": {"currentMetrics": {"a": 1}, "conditions": [3, {"lastTransitionTime": 5}],
                    "lastScaleTime": 1, "observedGeneration": "x"}}),
        ),
        (
            "hostile annotations",
            json!({"metadata": {"annotations": {
                METRIC_SPECS_ANNOTATION: r#"[null, {"object": {"target": 1}}, 3]"#,
                METRIC_STATUSES_ANNOTATION: r#"{"not":"a list"}"#,
                BEHAVIOR_SPECS_ANNOTATION: r#"[1]"#,
                CONDITIONS_ANNOTATION: r#"[{"lastTransitionTime":"2024-01-01T00:00:00+99:99"},{"lastTransitionTime":"é"}]"#}}}),
        ),
    ];
    for (name, input) in cases {
        println!("case: {name}");
        let input = obj(input);
        let as_v1 = v2_to_v1(&input);
        assert_eq!(
            as_v1.get("apiVersion"),
            Some(&json!("autoscaling/v1")),
            "{name}"
        );
        let as_v2 = v1_to_v2(&input);
        assert_eq!(
            as_v2.get("apiVersion"),
            Some(&json!("autoscaling/v2")),
            "{name}"
        );
        let back = v1_to_v2(&as_v1);
        assert_eq!(
            back.get("kind"),
            Some(&json!("HorizontalPodAutoscaler")),
            "{name}"
        );
    }
}
