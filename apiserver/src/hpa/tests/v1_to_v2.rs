//! autoscaling/v1 (from a client) -> autoscaling/v2 (stored).

use serde_json::{Value, json};

use super::*;

#[test]
fn v1_to_v2_cases() {
    let plain_meta = json!({"name": "web", "namespace": "default"});
    let with = |annotations: Value| json!({"name": "web", "namespace": "default", "annotations": annotations});
    let v1_in = |spec_extra: Value, metadata: Value| {
        v1(
            spec_extra,
            json!({"currentReplicas": 0, "desiredReplicas": 0}),
            metadata,
        )
    };
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            // Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_HorizontalPodAutoscalerSpec.
            "targetCPUUtilizationPercentage becomes a CPU Utilization metric",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 70}),
                plain_meta.clone(),
            ),
            v2(
                Some(json!([cpu(70)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // "autoscaling/v1 formerly had an implicit default applied in the controller".
            "no targetCPU and no metrics annotation: DefaultCPUUtilization 80",
            v1_in(json!({}), plain_meta.clone()),
            v2(
                Some(json!([cpu(80)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // Annotation metrics first, then the CPU metric from the spec conversion.
            "metrics annotation restored ahead of the CPU metric",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 50}),
                with(json!({METRIC_SPECS_ANNOTATION: ALL_METRICS_V1})),
            ),
            v2(
                Some(all_metrics()),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // json.Unmarshal error -> annotation ignored, still dropped at the end.
            "malformed metrics annotation ignored and removed",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 50}),
                with(json!({METRIC_SPECS_ANNOTATION: "[{", "keep": "me"})),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                status_v2(json!({})),
                with(json!({"keep": "me"})),
            ),
        ),
        (
            "a type error anywhere rejects the whole annotation",
            v1_in(
                json!({}),
                with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"type":"Pods","pods":{"metricName":"a","targetAverageValue":"1"}},{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":"60"}}]"#})),
            ),
            v2(
                Some(json!([cpu(80)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // Quantity.UnmarshalJSON -> ParseQuantity error.
            "an unparsable quantity rejects the annotation",
            v1_in(
                json!({}),
                with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"type":"Pods","pods":{"metricName":"a","targetAverageValue":"12 apples"}}]"#})),
            ),
            v2(
                Some(json!([cpu(80)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // encoding/json matches keys case-insensitively; a bare number is a Quantity.
            "annotation keys match case-insensitively",
            v1_in(
                json!({}),
                with(json!({METRIC_SPECS_ANNOTATION:
                    r#"[{"TYPE":"Pods","Pods":{"METRICNAME":"a","targetaveragevalue":5}}]"#})),
            ),
            v2(
                Some(json!([{"type": "Pods", "pods": {"metric": {"name": "a"},
                    "target": {"type": "AverageValue", "averageValue": "5"}}}])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            "behavior annotation restored (v2-style lowercase keys also match)",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 50}),
                with(json!({BEHAVIOR_SPECS_ANNOTATION:
                    r#"{"scaleUp":{"selectPolicy":"Disabled"},"ScaleDown":null}"#})),
            ),
            v2(
                Some(json!([cpu(50)])),
                Some(json!({"scaleUp": {"selectPolicy": "Disabled"}})),
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // `behavior != (autoscaling.HorizontalPodAutoscalerBehavior{})`
            "empty behavior annotation ignored",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 50}),
                with(json!({BEHAVIOR_SPECS_ANNOTATION: r#"{"ScaleUp":null}"#})),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // Convert_v1_HorizontalPodAutoscalerStatus_To_autoscaling_HorizontalPodAutoscalerStatus;
            // v2 currentReplicas is omitempty.
            "currentCPUUtilizationPercentage without annotation",
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 33}),
                plain_meta.clone(),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                json!({"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 33}}}]}),
                plain_meta.clone(),
            ),
        ),
        (
            // metav1.Time: time.Parse(RFC3339) then UTC().Format(RFC3339); zero -> null;
            // v1 ResourceMetricStatus currentAverageValue is non-pointer -> "0".
            "status annotations: times normalized to UTC, missing averages are 0",
            v1(
                json!({"targetCPUUtilizationPercentage": 50}),
                json!({"currentReplicas": 0, "desiredReplicas": 1, "currentCPUUtilizationPercentage": 10}),
                with(json!({
                    CONDITIONS_ANNOTATION: r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-05-01T01:30:00.75+02:00"},{"type":"ScalingActive","status":"False","lastTransitionTime":"0001-01-01T00:00:00Z","reason":"Bad"}]"#,
                    METRIC_STATUSES_ANNOTATION: r#"[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40}}]"#,
                })),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                json!({"desiredReplicas": 1, "currentMetrics": [
                    {"type": "Resource", "resource": {"name": "cpu",
                        "current": {"averageValue": "0", "averageUtilization": 40}}}],
                    "conditions": [
                        {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-04-30T23:30:00Z"},
                        {"type": "ScalingActive", "status": "False", "lastTransitionTime": null, "reason": "Bad"}]}),
                plain_meta.clone(),
            ),
        ),
        (
            "an invalid time rejects the conditions annotation",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 50}),
                with(json!({CONDITIONS_ANNOTATION:
                    r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-02-30T00:00:00Z"}]"#})),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
        (
            // helpers.go drops the v2beta2 tolerance annotations too; v1 does not read them.
            "tolerance annotations dropped, user annotations kept",
            v1_in(
                json!({"targetCPUUtilizationPercentage": 50}),
                with(json!({"b": "2", TOLERANCE_SCALE_DOWN_ANNOTATION: "50m", "a": "1"})),
            ),
            v2(
                Some(json!([cpu(50)])),
                None,
                status_v2(json!({})),
                with(json!({"a": "1", "b": "2"})),
            ),
        ),
        (
            "null metrics annotation decodes as empty",
            v1_in(json!({}), with(json!({METRIC_SPECS_ANNOTATION: "null"}))),
            v2(
                Some(json!([cpu(80)])),
                None,
                status_v2(json!({})),
                plain_meta.clone(),
            ),
        ),
    ];
    for (name, input, want) in cases {
        println!("case: {name}");
        assert_json(name, &v1_to_v2(&obj(input)), &want);
    }
}
