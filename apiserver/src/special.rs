//! The two core resources that are not stored objects: `componentstatuses` (computed health of
//! the control plane's parts, deprecated but still served) and `bindings` (the scheduler's way
//! of assigning a pod to a node, also reachable as `pods/<name>/binding`).

use serde_json::{Map, Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult, GroupResource};
use crate::object::{meta_mut, meta_str};

/// The parts kubemem reports: its keyspace stands in for etcd.
const COMPONENTS: &[&str] = &["etcd-0"];

fn component(name: &str) -> Value {
    json!({
        "kind": "ComponentStatus",
        "apiVersion": "v1",
        "metadata": {"name": name},
        "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]
    })
}

/// GET `/api/v1/componentstatuses[/NAME]`.
pub fn component_statuses(name: Option<&str>) -> ApiResult<Value> {
    match name {
        None => {
            let items: Vec<Value> = COMPONENTS
                .iter()
                .map(|c| {
                    let mut item = component(c);
                    if let Value::Object(m) = &mut item {
                        m.remove("kind");
                        m.remove("apiVersion");
                    }
                    item
                })
                .collect();
            Ok(
                json!({"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}),
            )
        }
        Some(name) if COMPONENTS.contains(&name) => Ok(component(name)),
        Some(name) => Err(ApiError::NotFound {
            resource: GroupResource::new("", "componentstatuses"),
            name: name.to_owned(),
        }),
    }
}

/// POST of a `Binding`: sets `spec.nodeName` of a pod that has none, merges the binding's
/// annotations and marks the pod scheduled, as the pod registry's `assignPod` does.
pub async fn bind(
    state: &AppState,
    namespace: &str,
    pod_name: &str,
    binding: &Map<String, Value>,
    dry_run: bool,
) -> ApiResult<Value> {
    let pods = state
        .kind("", "v1", "pods")
        .ok_or_else(|| ApiError::Internal("pods are not served".into()))?;
    let node = binding
        .get("target")
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if node.is_empty() {
        return Err(ApiError::Invalid {
            group: String::new(),
            kind: "Binding".into(),
            name: pod_name.to_owned(),
            causes: vec![crate::error::Cause::required("target.name", "")],
        });
    }
    let conflict = |message: String| ApiError::Conflict {
        resource: GroupResource::new("", "pods/binding"),
        name: pod_name.to_owned(),
        message,
    };
    let (mut pod, kv) = state
        .registry
        .get_object(&pods, Some(namespace), pod_name)
        .await?;
    if !meta_str(&pod, "deletionTimestamp").is_empty() {
        return Err(conflict(format!(
            "pod {pod_name} is being deleted, cannot be assigned to a host"
        )));
    }
    let assigned = pod
        .get("spec")
        .and_then(|s| s.get("nodeName"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !assigned.is_empty() {
        return Err(conflict(format!(
            "pod {pod_name} is already assigned to node {assigned:?}"
        )));
    }
    if let Some(Value::Object(extra)) = binding.get("metadata").and_then(|m| m.get("annotations")) {
        let annotations = meta_mut(&mut pod)
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(annotations) = annotations {
            annotations.extend(extra.clone());
        }
    }
    let spec = pod.entry("spec").or_insert_with(|| json!({}));
    spec["nodeName"] = Value::String(node.to_owned());
    let status = pod.entry("status").or_insert_with(|| json!({}));
    let conditions = status
        .as_object_mut()
        .map(|s| s.entry("conditions").or_insert_with(|| json!([])));
    if let Some(Value::Array(conditions)) = conditions {
        conditions.retain(|c| c.get("type").and_then(Value::as_str) != Some("PodScheduled"));
        conditions.push(json!({
            "type": "PodScheduled",
            "status": "True",
            "lastProbeTime": null,
            "lastTransitionTime": crate::clock::now_rfc3339()
        }));
    }
    meta_mut(&mut pod).insert(
        "resourceVersion".into(),
        Value::String(kv.mod_revision.to_string()),
    );
    state
        .registry
        .update(
            &pods,
            Some(namespace),
            pod_name,
            pod,
            &crate::registry::WriteOptions {
                dry_run,
                manager: None,
            },
            crate::registry::UpdateMode::System,
        )
        .await
        .map_err(|e| match e {
            ApiError::Conflict { .. } => conflict(crate::error::OPTIMISTIC_LOCK_MSG.into()),
            other => other,
        })?;
    Ok(
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    )
}
