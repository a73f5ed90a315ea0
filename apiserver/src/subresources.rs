//! Subresources: `status` (a write changes status only), `scale` (autoscaling/v1 `Scale` over
//! the `spec.replicas` of deployments, replicasets, statefulsets and replicationcontrollers, and
//! over the paths a CRD names for its custom resources: [`crate::crd::scale`]),
//! and the pod subresources that need a kubelet (`log`, `exec`, `attach`, `portforward`,
//! `proxy`), which kubemem does not run: they answer a `Status` saying so instead of a 404.

use serde_json::{Map, Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Cause};
use crate::kinds::Kind;
use crate::object::{meta_mut, meta_str};
use crate::table::selector::{Strictness, requirements_string};

/// Whether `kind` has the subresource `sub` (as discovery lists it).
pub fn has(kind: &Kind, sub: &str) -> bool {
    kind.info.subresources.iter().any(|s| s.name == sub)
}

/// `labels.Selector.String()` of a `metav1.LabelSelector` (or a plain map selector, as
/// replicationcontrollers have), written out even where Go would reject the selector (see
/// [`Strictness::Lenient`]).
pub fn selector_string(selector: &Value) -> String {
    let Some(selector) = selector.as_object() else {
        return String::new();
    };
    let plain_map =
        !selector.contains_key("matchExpressions") && !selector.contains_key("matchLabels");
    let match_labels = if plain_map {
        Some(selector)
    } else {
        selector.get("matchLabels").and_then(Value::as_object)
    };
    let match_expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    requirements_string(match_labels, match_expressions, Strictness::Lenient).unwrap_or_default()
}

/// The `Scale` of an object with `spec.replicas`.
pub fn scale_of(obj: &Map<String, Value>) -> Value {
    let replicas = |part: &str| {
        obj.get(part)
            .and_then(|s| s.get("replicas"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    };
    let selector = obj
        .get("spec")
        .and_then(|s| s.get("selector"))
        .map(selector_string)
        .unwrap_or_default();
    scale(obj, replicas("spec"), replicas("status"), selector)
}

/// An `autoscaling/v1` Scale for `obj`: its identifying metadata, the replica counts and the
/// selector (left out when empty, as `spec.replicas` is when 0).
pub fn scale(
    obj: &Map<String, Value>,
    spec_replicas: i64,
    status_replicas: i64,
    selector: String,
) -> Value {
    let mut metadata = Map::new();
    if let Some(meta) = obj.get("metadata").and_then(Value::as_object) {
        for key in [
            "name",
            "namespace",
            "uid",
            "resourceVersion",
            "creationTimestamp",
        ] {
            if let Some(v) = meta.get(key) {
                metadata.insert(key.into(), v.clone());
            }
        }
    }
    let mut spec = Map::new();
    if spec_replicas != 0 {
        spec.insert("replicas".into(), json!(spec_replicas));
    }
    let mut status = Map::new();
    status.insert("replicas".into(), json!(status_replicas));
    if !selector.is_empty() {
        status.insert("selector".into(), Value::String(selector));
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": spec,
        "status": status,
    })
}

/// The scale paths of a custom resource kind with the `scale` subresource.
fn custom_scale(kind: &Kind) -> Option<&crate::crd::ScalePaths> {
    kind.custom.as_ref().and_then(|c| c.scale.as_ref())
}

/// The `Scale` GET answers for a stored object of `kind`. A custom resource without its spec
/// replicas field has no Scale (`ScaleREST.Get`: 500).
pub fn read_scale(kind: &Kind, stored: Map<String, Value>) -> ApiResult<Value> {
    let obj = kind.served_object(stored);
    let Some(paths) = custom_scale(kind) else {
        return Ok(scale_of(&obj));
    };
    match crate::crd::scale::scale_of(&obj, paths) {
        Ok((scale, true)) => Ok(scale),
        Ok((_, false)) => Err(ApiError::Internal(format!(
            "the spec replicas field {} does not exist",
            crate::error::go_quote(&paths.spec_replicas)
        ))),
        Err(e) => Err(ApiError::Unknown(e)),
    }
}

/// The `Scale` a PATCH applies to: a custom resource without its spec replicas field has
/// [`crate::crd::scale::INVALID_SPEC_REPLICAS`] there, which the written Scale may not keep.
pub fn scale_to_patch(kind: &Kind, stored: Map<String, Value>) -> ApiResult<Value> {
    let obj = kind.served_object(stored);
    let Some(paths) = custom_scale(kind) else {
        return Ok(scale_of(&obj));
    };
    let (mut scale, found) = crate::crd::scale::scale_of(&obj, paths).map_err(ApiError::Unknown)?;
    if !found {
        scale["spec"]["replicas"] = json!(crate::crd::scale::INVALID_SPEC_REPLICAS);
    }
    Ok(scale)
}

/// The first value of a `Scale` body (autoscaling/v1, what every scale subresource serves)
/// that its Go type cannot hold, in `encoding/json`'s words: kube-apiserver decodes the body
/// into that type before anything else looks at it.
pub fn scale_type_error(scale: &Value, decoder: kubemem_openapi::Decoder) -> Option<String> {
    kubemem_openapi::type_error("autoscaling", "v1", "Scale", scale, decoder)
}

/// PUT of a `Scale`: sets the parent's spec replicas (`spec.replicas`, or a custom resource's
/// `specReplicasPath`), conditionally on the Scale's `resourceVersion` when it has one, and
/// answers the new `Scale`.
pub async fn update_scale(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    scale: &Map<String, Value>,
    write: &crate::registry::WriteOptions,
) -> ApiResult<Value> {
    let body_name = meta_str(scale, "name");
    if !body_name.is_empty() && body_name != name {
        return Err(ApiError::BadRequest(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let custom = custom_scale(kind);
    let replicas = scale.get("spec").and_then(|s| s.get("replicas"));
    let replicas = match replicas {
        None => 0,
        Some(v) => match v.as_i64() {
            Some(n) if n >= 0 => n,
            // A custom resource's own validation refuses a negative count
            // (`crate::crd::scale::validate_spec`), as kube's does.
            Some(n) if custom.is_some() && i32::try_from(n).is_ok() => n,
            _ => {
                return Err(ApiError::Invalid {
                    group: "autoscaling".into(),
                    kind: "Scale".into(),
                    name: name.to_owned(),
                    causes: vec![Cause::invalid(
                        "spec.replicas",
                        v,
                        "must be greater than or equal to 0",
                    )],
                });
            }
        },
    };
    let (mut obj, kv) = state.registry.get_object(kind, namespace, name).await?;
    let old_scale = match custom {
        Some(paths) => {
            let (old, _) = crate::crd::scale::scale_of(&obj, paths).map_err(ApiError::Unknown)?;
            if replicas == crate::crd::scale::INVALID_SPEC_REPLICAS {
                return Err(ApiError::BadRequest(format!(
                    "the spec replicas field {} cannot be empty",
                    crate::error::go_quote(&paths.spec_replicas)
                )));
            }
            old
        }
        None => scale_of(&obj),
    };
    let managed_fields = match &write.manager {
        Some(manager) => Some(scale_write_managers(
            kind, &obj, old_scale, replicas, manager,
        )?),
        None => None,
    };
    let rv = match meta_str(scale, "resourceVersion") {
        "" => kv.mod_revision.to_string(),
        given => given.to_owned(),
    };
    let meta = meta_mut(&mut obj);
    meta.insert("resourceVersion".into(), Value::String(rv));
    if let Some(managed_fields) = managed_fields {
        match managed_fields {
            Some(entries) => meta.insert("managedFields".into(), entries),
            None => meta.remove("managedFields"),
        };
    }
    match custom {
        Some(paths) => crate::crd::scale::set_spec_replicas(&mut obj, paths, replicas)
            .map_err(ApiError::Unknown)?,
        None => {
            let spec = obj.entry("spec").or_insert_with(|| json!({}));
            if let Some(spec) = spec.as_object_mut() {
                spec.insert("replicas".into(), json!(replicas));
            }
        }
    }
    // The managers were worked out on the Scale; the parent's write records no other.
    let untracked = crate::registry::WriteOptions {
        dry_run: write.dry_run,
        manager: None,
    };
    let written = state
        .registry
        .update(
            kind,
            namespace,
            name,
            obj,
            &untracked,
            crate::registry::UpdateMode::Main,
        )
        .await?;
    let updated: Map<String, Value> = serde_json::from_slice(&written.body).unwrap_or_default();
    match custom {
        Some(paths) => crate::crd::scale::scale_of(&updated, paths)
            .map(|(scale, _)| scale)
            .map_err(ApiError::BadRequest),
        None => Ok(scale_of(&updated)),
    }
}

/// The parent's `managedFields` after `manager` sets its Scale's replicas, as kube's
/// `ScaleHandler` has them: the write is tracked on the `autoscaling/v1` Scale (managers of the
/// parent's spec replicas field taken from the parent), as subresource `scale`, and the Scale's
/// managers go back to the parent.
fn scale_write_managers(
    kind: &Kind,
    parent: &Map<String, Value>,
    mut old: Value,
    replicas: i64,
    manager: &str,
) -> ApiResult<Option<Value>> {
    let replicas_path = match custom_scale(kind) {
        Some(paths) => crate::crd::scale::split(&paths.spec_replicas),
        None => vec!["spec", "replicas"],
    };
    let replicas_path = replicas_path.as_slice();
    let internal = |e: String| ApiError::Internal(format!("managed fields: {e}"));
    let parent_fields = parent.get("metadata").and_then(|m| m.get("managedFields"));
    let parent_version = kind.storage_api_version.as_str();
    let Some(schema) = crate::apply_schema::for_kind("autoscaling", "v1", "Scale") else {
        return Err(ApiError::Internal(
            "no schema for autoscaling/v1 Scale".into(),
        ));
    };
    if let Some(entries) =
        crate::apply::scale_managed_fields(parent_fields, parent_version, replicas_path)
            .map_err(internal)?
    {
        old["metadata"]["managedFields"] = entries;
    }
    let mut new = old.clone();
    new["spec"]["replicas"] = json!(replicas);
    let now = crate::clock::now_rfc3339();
    let empty = crate::zero::object("autoscaling", "v1", "Scale");
    let scope = crate::apply::Scope {
        schema: &schema,
        api_version: "autoscaling/v1",
        kind: "Scale",
        subresource: Some("scale"),
        reset_fields: &[&["status"]],
        empty: &empty,
        now: &now,
    };
    let written = crate::apply::update(Some(&old), new, manager, &scope);
    crate::apply::parent_managed_fields(
        parent_fields,
        written["metadata"].get("managedFields"),
        parent_version,
        replicas_path,
    )
    .map_err(internal)
}

/// The answer to a pod subresource that needs a kubelet.
pub async fn pod_connect(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    sub: &str,
) -> ApiError {
    let pod = match state.registry.get_object(kind, namespace, name).await {
        Ok((pod, _)) => pod,
        Err(e) => return e,
    };
    let node = pod
        .get("spec")
        .and_then(|s| s.get("nodeName"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match (sub, node) {
        ("log", _) => {
            let container = pod
                .get("spec")
                .and_then(|s| s.get("containers"))
                .and_then(|c| c.get(0))
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            ApiError::BadRequest(format!(
                "container {container:?} in pod {name:?} is waiting to start: ContainerCreating"
            ))
        }
        (_, "") => ApiError::BadRequest(format!("pod {name} does not have a host assigned")),
        (_, node) => ApiError::ServiceUnavailable(format!(
            "pods/{sub} needs the kubelet of node {node:?}, and kubemem runs no kubelet"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_strings_match_labels_selector_string() {
        let cases = [
            (json!({"matchLabels": {"b": "2", "a": "1"}}), "a=1,b=2"),
            (
                json!({"matchLabels": {"app": "web"}, "matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["front", "back"]},
                    {"key": "env", "operator": "NotIn", "values": ["prod"]},
                    {"key": "x", "operator": "Exists"},
                    {"key": "y", "operator": "DoesNotExist"}
                ]}),
                "app=web,env notin (prod),tier in (back,front),x,!y",
            ),
            (json!({"app": "web"}), "app=web"),
            (json!({}), ""),
            // The cases of the table's LABELS/SELECTOR columns (the same implementation), with
            // what the Scale writes where Go rejects the selector.
            (
                json!({"matchLabels": {"tier": "fe", "app": "web"}}),
                "app=web,tier=fe",
            ),
            (
                json!({"matchExpressions": [
                    {"key": "zone", "operator": "In", "values": ["b", "a"]},
                    {"key": "env", "operator": "NotIn", "values": ["dev"]},
                    {"key": "gpu", "operator": "Exists"},
                    {"key": "legacy", "operator": "DoesNotExist"}
                ]}),
                "env notin (dev),gpu,!legacy,zone in (a,b)",
            ),
            (json!(null), ""),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}),
                "",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
                "a in ()",
            ),
            (json!({"matchLabels": {"app": "-web"}}), "app=-web"),
            (
                json!({"matchLabels": {"app.kubernetes.io/name": "web"}}),
                "app.kubernetes.io/name=web",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "In", "values": ["b", 1, "a", "b"]}]}),
                "a in (a,b)",
            ),
            (
                json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["b"]}]}),
                "a",
            ),
            (
                json!({"matchExpressions": [{"key": "a/b/c", "operator": "Exists"}]}),
                "a/b/c",
            ),
            (json!({"matchExpressions": [{"operator": "Exists"}]}), ""),
        ];
        for (i, (selector, want)) in cases.iter().enumerate() {
            println!("#{i}: {selector}");
            assert_eq!(selector_string(selector), *want, "#{i}");
        }
    }

    #[test]
    fn scale_carries_the_parents_identity_and_replicas() {
        let obj = json!({"metadata": {"name": "d", "namespace": "ns", "uid": "u", "resourceVersion": "7", "creationTimestamp": "t", "labels": {"x": "y"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}}, "status": {"replicas": 2}});
        assert_eq!(
            scale_of(obj.as_object().unwrap()),
            json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {"name": "d", "namespace": "ns", "uid": "u", "resourceVersion": "7", "creationTimestamp": "t"},
                "spec": {"replicas": 3}, "status": {"replicas": 2, "selector": "app=web"}})
        );
    }
}
