use serde_json::{Value, json};

use super::{at, case, cause, remove, run_creates, run_updates};

const HPAS: (&str, &str, &str) = ("autoscaling", "v2", "horizontalpodautoscalers");

fn hpa() -> Value {
    json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 5
        }
    })
}

#[test]
fn horizontal_pod_autoscaler_create() {
    run_creates(
        HPAS,
        &hpa(),
        vec![
            case(
                "minReplicas 0 (and only CPU, which cannot scale to zero)",
                |h| *at(h, "spec/minReplicas") = json!(0),
                vec![
                    cause(
                        "spec.minReplicas",
                        "FieldValueInvalid",
                        "Invalid value: 0: must be greater than or equal to 1",
                    ),
                    cause(
                        "spec.metrics",
                        "FieldValueForbidden",
                        "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas",
                    ),
                ],
            ),
            case(
                "maxReplicas below minReplicas",
                |h| *at(h, "spec/maxReplicas") = json!(1),
                vec![cause(
                    "spec.maxReplicas",
                    "FieldValueInvalid",
                    "Invalid value: 1: must be greater than or equal to `minReplicas`",
                )],
            ),
            case(
                "maxReplicas 0",
                |h| {
                    remove(h, "spec/minReplicas");
                    *at(h, "spec/maxReplicas") = json!(0);
                },
                vec![
                    cause(
                        "spec.maxReplicas",
                        "FieldValueInvalid",
                        "Invalid value: 0: must be greater than 0",
                    ),
                    cause(
                        "spec.maxReplicas",
                        "FieldValueInvalid",
                        "Invalid value: 0: must be greater than or equal to `minReplicas`",
                    ),
                ],
            ),
            case(
                "no target",
                |h| *at(h, "spec/scaleTargetRef") = json!({"name": "a/b"}),
                vec![
                    cause(
                        "spec.scaleTargetRef.kind",
                        "FieldValueRequired",
                        "Required value",
                    ),
                    cause(
                        "spec.scaleTargetRef.name",
                        "FieldValueInvalid",
                        "Invalid value: \"a/b\": may not contain '/'",
                    ),
                ],
            ),
            case(
                "a zero utilization target",
                |h| {
                    *at(h, "spec/metrics") = json!([{"type": "Resource", "resource": {
                        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 0}
                    }}])
                },
                vec![cause(
                    "spec.metrics[0].resource.target.averageUtilization",
                    "FieldValueInvalid",
                    "Invalid value: 0: must be greater than 0",
                )],
            ),
            case(
                "a resource metric without its source",
                |h| *at(h, "spec/metrics") = json!([{"type": "Resource"}]),
                vec![cause(
                    "spec.metrics[0].resource",
                    "FieldValueRequired",
                    "Required value: must populate information for the given metric source",
                )],
            ),
            case(
                "a resource metric with another source",
                |h| {
                    *at(h, "spec/metrics") = json!([{"type": "Resource",
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}},
                        "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}
                    }])
                },
                vec![cause(
                    "spec.metrics[0].pods",
                    "FieldValueForbidden",
                    "Forbidden: must populate the given metric source only",
                )],
            ),
            case(
                "a scaling policy out of bounds",
                |h| {
                    *at(h, "spec/behavior/scaleUp") = json!({"policies": [
                        {"type": "Pods", "value": 0, "periodSeconds": 1801}
                    ]})
                },
                vec![
                    cause(
                        "spec.behavior.scaleUp.policies[0].value",
                        "FieldValueInvalid",
                        "Invalid value: 0: must be greater than zero",
                    ),
                    cause(
                        "spec.behavior.scaleUp.policies[0].periodSeconds",
                        "FieldValueInvalid",
                        "Invalid value: 1801: must be less than or equal to 1800",
                    ),
                ],
            ),
        ],
    );
}

#[test]
fn horizontal_pod_autoscaler_update_tolerates_a_stored_zero() {
    let mut zero = hpa();
    *at(&mut zero, "spec/minReplicas") = json!(0);
    *at(&mut zero, "spec/metrics") = json!([{"type": "External", "external": {
        "metric": {"name": "queue"}, "target": {"type": "Value", "value": "10"}
    }}]);
    run_updates(
        HPAS,
        &zero,
        vec![case(
            "maxReplicas may change",
            |h| *at(h, "spec/maxReplicas") = json!(9),
            vec![],
        )],
    );
}
