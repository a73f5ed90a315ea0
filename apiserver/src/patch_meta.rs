//! Strategic-merge metadata from the OpenAPI definitions: the `x-kubernetes-patch-strategy` and
//! `x-kubernetes-patch-merge-key` extensions carry the same values as the Go struct tags
//! (`patchStrategy`, `patchMergeKey`) kube-apiserver reads with `PatchMetaFromStruct`.

use kubemem_openapi::SchemaRef;

use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::patch::{FieldMeta, NoMeta, PatchMeta, Strategy};

/// The metadata of a schema node: a struct (its properties), a map (every value has the
/// `additionalProperties` schema) or an untyped node (no strategic information).
pub struct SchemaMeta(Option<SchemaRef<'static>>);

/// The metadata of a kind, or 415 for a kind the definitions do not know (kube answers
/// strategic merge patches on types without Go structs — custom resources — with 415).
pub fn for_kind(kind: &Kind) -> ApiResult<SchemaMeta> {
    kubemem_openapi::definitions()
        .schema_for_gvk(kind.info.group, kind.info.version, kind.info.kind)
        .map(|schema| SchemaMeta(Some(schema)))
        .ok_or_else(|| {
            // `patch.go`: the patch types of an unstructured kind, in `NewUnsupportedMediaTypeError`.
            ApiError::UnsupportedMediaType(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".to_owned(),
            )
        })
}

/// The Go type name of a definition (`io.k8s.api.core.v1.PodSpec` → `PodSpec`).
fn type_name(schema: &SchemaRef<'_>) -> String {
    schema
        .name()
        .and_then(|n| n.rsplit('.').next())
        .unwrap_or("interface {}")
        .to_owned()
}

impl PatchMeta for SchemaMeta {
    fn field(&self, name: &str) -> Result<FieldMeta<'_>, String> {
        let Some(schema) = self.0 else {
            return NoMeta.field(name);
        };
        if !schema.has_properties() {
            let values = schema.additional_properties();
            return Ok(FieldMeta {
                strategy: Strategy::None,
                merge_key: None,
                nested: Box::new(SchemaMeta(values)),
            });
        }
        let Some(info) = schema.field(name) else {
            return Err(format!(
                "unable to find api field in struct {} for the json field {name:?}",
                type_name(&schema)
            ));
        };
        let tag = info.patch_strategy().unwrap_or("");
        let strategy =
            Strategy::from_tag(tag).ok_or_else(|| format!("unexpected patch strategy: {tag}"))?;
        let nested = match info.type_() {
            Some("array") => info.items(),
            _ => Some(info.schema()),
        };
        Ok(FieldMeta {
            strategy,
            merge_key: info.patch_merge_key(),
            nested: Box::new(SchemaMeta(nested)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod_meta() -> SchemaMeta {
        SchemaMeta(kubemem_openapi::definitions().schema_for_gvk("", "v1", "Pod"))
    }

    #[test]
    fn containers_merge_by_name_and_ports_by_container_port() {
        let meta = pod_meta();
        let spec = meta.field("spec").unwrap();
        let containers = spec.nested.field("containers").unwrap();
        assert_eq!(containers.strategy, Strategy::Merge);
        assert_eq!(containers.merge_key, Some("name"));
        let ports = containers.nested.field("ports").unwrap();
        assert_eq!(ports.merge_key, Some("containerPort"));
        let metadata = meta.field("metadata").unwrap();
        let labels = metadata.nested.field("labels").unwrap();
        assert_eq!(labels.strategy, Strategy::None);
        let Err(unknown) = spec.nested.field("bogus") else {
            panic!("PodSpec has no field bogus");
        };
        assert!(unknown.contains("struct PodSpec"), "{unknown}");
    }

    #[test]
    fn strategic_patch_of_a_pod_merges_containers_by_name() {
        let pod = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        let patch = json!({"spec": {"containers": [{"name": "b", "image": "z"}]}});
        let patched = crate::patch::strategic_merge(&pod, &patch, &pod_meta()).unwrap();
        assert_eq!(
            patched,
            json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "z"}]}})
        );
    }
}
