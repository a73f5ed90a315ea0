//! autoscaling/v2 (stored) -> autoscaling/v1 (served).

use serde_json::{Value, json};

use super::*;

#[test]
fn v2_to_v1_cases() {
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            // Convert_autoscaling_HorizontalPodAutoscalerSpec_To_v1_HorizontalPodAutoscalerSpec;
            // v1 status currentReplicas/desiredReplicas have no omitempty.
            "cpu utilization only: targetCPUUtilizationPercentage, no annotations",
            v2(Some(json!([cpu(50)])), None, empty_v2_status(), meta()),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta(),
            ),
        ),
        (
            // conversion.go: every non-CPU-utilization metric goes to MetricSpecsAnnotation.
            "cpu + memory: memory in the metrics annotation",
            v2(
                Some(
                    json!([cpu(50), {"type": "Resource", "resource": {"name": "memory",
                    "target": {"type": "Utilization", "averageUtilization": 60}}}]),
                ),
                None,
                empty_v2_status(),
                meta(),
            ),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":60}}]"#})),
            ),
        ),
        (
            "every metric source",
            v2(Some(all_metrics()), None, empty_v2_status(), meta()),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({METRIC_SPECS_ANNOTATION: ALL_METRICS_V1})),
            ),
        ),
        (
            // A CPU metric with an AverageValue target is not a utilization metric.
            "cpu average value target is an other metric, no targetCPU",
            v2(
                Some(json!([{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "AverageValue", "averageValue": "250m"}}}])),
                None,
                empty_v2_status(),
                meta(),
            ),
            v1(
                json!({}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"type":"Resource","resource":{"name":"cpu","targetAverageValue":"250m"}}]"#})),
            ),
        ),
        (
            // Object/Pods v1 targets are non-pointer quantities: absent -> "0".
            "object average value target gets targetValue 0",
            v2(
                Some(json!([{"type": "Object", "object": {
                    "describedObject": {"kind": "Service", "name": "api"},
                    "target": {"type": "AverageValue", "averageValue": "2"},
                    "metric": {"name": "rps"}}}, cpu(50)])),
                None,
                empty_v2_status(),
                meta(),
            ),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"type":"Object","object":{"target":{"kind":"Service","name":"api"},"metricName":"rps","targetValue":"0","averageValue":"2"}}]"#})),
            ),
        ),
        (
            // BehaviorSpecsAnnotation holds json.Marshal(in.Spec.Behavior) of the internal type.
            "behavior in the behavior annotation with Go field names",
            v2(
                Some(json!([cpu(50)])),
                Some(behavior()),
                empty_v2_status(),
                meta(),
            ),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({BEHAVIOR_SPECS_ANNOTATION: BEHAVIOR_INTERNAL})),
            ),
        ),
        (
            "behavior with only scaleDown: ScaleUp null, nil fields null",
            v2(
                Some(json!([cpu(50)])),
                Some(json!({"scaleDown": {"selectPolicy": "Disabled"}})),
                empty_v2_status(),
                meta(),
            ),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({BEHAVIOR_SPECS_ANNOTATION:
                    r#"{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Disabled","Policies":null,"Tolerance":null}}"#})),
            ),
        ),
        (
            // Status: the last CPU status with a utilization becomes currentCPUUtilizationPercentage;
            // all current metrics (CPU included) go to MetricStatusesAnnotation; conditions to
            // HorizontalPodAutoscalerConditionsAnnotation. Annotation keys sorted (Go map).
            "status with current metrics and conditions",
            v2(Some(json!([cpu(50)])), None, busy_status(), meta()),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"observedGeneration": 3, "lastScaleTime": "2024-05-01T10:05:00Z",
                    "currentReplicas": 3, "desiredReplicas": 4, "currentCPUUtilizationPercentage": 62}),
                meta_with(json!({
                    CONDITIONS_ANNOTATION: BUSY_CONDITIONS_V1,
                    METRIC_STATUSES_ANNOTATION: BUSY_CURRENT_V1,
                })),
            ),
        ),
        (
            // No metrics at all (impossible after v2 defaulting, which adds CPU 80%):
            // no targetCPUUtilizationPercentage and nothing to annotate.
            "no metrics: targetCPU absent, no annotations",
            v2(None, None, empty_v2_status(), meta()),
            v1(
                json!({}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta(),
            ),
        ),
        (
            // Stale round-trip annotations are dropped first (helpers.go); a new annotations
            // map goes after labels (ObjectMeta order) and its keys come out sorted.
            "stale round-trip annotations dropped, user ones kept and sorted",
            v2(
                Some(json!([cpu(50)])),
                None,
                json!({"desiredReplicas": 2, "currentMetrics": null, "conditions": [
                    {"type": "AbleToScale", "status": "True"}]}),
                json!({"name": "web", "labels": {"app": "web"},
                    "annotations": {"zeta": "1", CONDITIONS_ANNOTATION: "stale",
                        TOLERANCE_SCALE_UP_ANNOTATION: "1", "alpha": "2"},
                    "finalizers": ["x"]}),
            ),
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 2}),
                json!({"name": "web", "labels": {"app": "web"},
                    "annotations": {"alpha": "2",
                        CONDITIONS_ANNOTATION: r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":null}]"#,
                        "zeta": "1"},
                    "finalizers": ["x"]}),
            ),
        ),
        (
            // metav1.LabelSelector.MatchLabels is a Go map: json.Marshal sorts its keys.
            "selector matchLabels sorted like a Go map",
            v2(
                Some(json!([{"type": "Pods", "pods": {
                    "metric": {"name": "p", "selector": {"matchExpressions": [{"key": "k", "operator": "Exists"}],
                        "matchLabels": {"z": "1", "a": "2"}}},
                    "target": {"type": "AverageValue", "averageValue": "1"}}}])),
                None,
                empty_v2_status(),
                meta(),
            ),
            v1(
                json!({}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                meta_with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"type":"Pods","pods":{"metricName":"p","targetAverageValue":"1","selector":{"matchLabels":{"a":"2","z":"1"},"matchExpressions":[{"key":"k","operator":"Exists"}]}}}]"#})),
            ),
        ),
        (
            "new annotations map placed after labels, before ownerReferences",
            v2(
                Some(json!([{"type": "Resource", "resource": {"name": "memory",
                    "target": {"type": "AverageValue", "averageValue": "1Gi"}}}])),
                None,
                empty_v2_status(),
                json!({"name": "web", "labels": {"app": "web"}, "ownerReferences": []}),
            ),
            v1(
                json!({}),
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                json!({"name": "web", "labels": {"app": "web"},
                    "annotations": {METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"1Gi"}}]"#},
                    "ownerReferences": []}),
            ),
        ),
    ];
    for (name, input, want) in cases {
        println!("case: {name}");
        assert_json(name, &v2_to_v1(&obj(input)), &want);
    }
}
