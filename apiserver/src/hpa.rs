//! autoscaling/v1 ↔ autoscaling/v2 HorizontalPodAutoscaler conversion (interim: the CPU target).

use serde_json::{Map, Value, json};

pub fn v2_to_v1(obj: &Map<String, Value>) -> Map<String, Value> {
    let mut out = obj.clone();
    out.insert("apiVersion".into(), json!("autoscaling/v1"));
    if let Some(Value::Object(spec)) = out.get_mut("spec") {
        let metrics = spec.remove("metrics");
        spec.remove("behavior");
        let cpu = metrics.as_ref().and_then(Value::as_array).and_then(|m| {
            m.iter().find_map(|m| {
                (m["type"] == "Resource" && m["resource"]["name"] == "cpu")
                    .then(|| m["resource"]["target"]["averageUtilization"].clone())
                    .filter(Value::is_number)
            })
        });
        if let Some(cpu) = cpu {
            spec.insert("targetCPUUtilizationPercentage".into(), cpu);
        }
    }
    if let Some(Value::Object(status)) = out.get_mut("status") {
        status.remove("currentMetrics");
        status.remove("conditions");
        status.entry("currentReplicas").or_insert(json!(0));
    }
    out
}

pub fn v1_to_v2(obj: &Map<String, Value>) -> Map<String, Value> {
    let mut out = obj.clone();
    out.insert("apiVersion".into(), json!("autoscaling/v2"));
    if let Some(Value::Object(spec)) = out.get_mut("spec")
        && let Some(cpu) = spec.remove("targetCPUUtilizationPercentage")
    {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]),
        );
    }
    if let Some(Value::Object(status)) = out.get_mut("status") {
        status.remove("currentCPUUtilizationPercentage");
    }
    out
}
