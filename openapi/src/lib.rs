//! The schemas of the kinds kubemem serves, and the OpenAPI documents kube-apiserver publishes
//! about them.
//!
//! * [`definitions()`]: kube-apiserver v1.36.0's OpenAPI v2 definitions of every served kind
//!   and what they reach (compiled in from `definitions/v1.36.json`, parsed once), looked up by
//!   name or group-version-kind, walked with [`SchemaRef`] / [`FieldInfo`] for patch
//!   strategies, merge keys and list types.
//! * [`unknown_fields`]: the unknown fields of an object, worded as strict decoding words them.
//! * [`v2_document`] / [`v2_protobuf`]: `/openapi/v2` as JSON and as gnostic protobuf (what
//!   kubectl 1.27+ downloads for `explain` and client-side validation).
//! * [`v3_documents`] / [`v3_group_version_document`]: `/openapi/v3/<path>` documents, with
//!   `components.schemas`. kubectl reads them to decide whether the server validates fields
//!   itself: it looks for a PATCH operation tagged with the kind's
//!   `x-kubernetes-group-version-kind` that takes the `fieldValidation` query parameter
//!   (`QueryParamVerifierV3`).
//!
//! * [`CustomDocuments`]: the same documents with custom resources in them (see `custom.rs`).
//!
//! The documents are built from the routes kube-apiserver's installer registers (see
//! `routes.rs`): every operation with its `operationId`, `x-kubernetes-action`,
//! `x-kubernetes-group-version-kind`, parameters, media types and responses. Building them all
//! takes a few tens of milliseconds; callers build once and keep the bytes.

mod custom;
mod definitions;
pub mod json;
mod params;
mod protobuf;
mod routes;
mod schema;
mod types;
mod unknown;
mod v2;
mod v3;

pub use custom::{CustomResource, custom_definitions, definition_name};
pub use definitions::{Definitions, REF_PREFIX, definitions, ref_name};
pub use protobuf::v2_protobuf;
pub use routes::delete_returns_object;
pub use schema::{FieldInfo, SchemaRef};
pub use types::{Decoder, type_error};
pub use unknown::{Duplicate, Finding, prune};
pub use v2::v2_document;
pub use v3::{v3_documents, v3_group_version_document};

use serde_json::Value;

/// The version kube-apiserver reports in `info.version`.
pub const KUBERNETES_VERSION: &str = "v1.36.0";

/// A resource as the documents need it.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    /// Plural, as in the path.
    pub resource: &'a str,
    pub namespaced: bool,
    /// Discovery verbs (`create`, `delete`, `deletecollection`, `get`, `list`, `patch`,
    /// `update`, `watch`).
    pub verbs: &'a [&'a str],
}

/// A subresource as the documents need it (discovery's `<resource>/<name>` entry).
#[derive(Clone, Copy, Debug)]
pub struct Subresource<'a> {
    /// The resource it belongs to.
    pub parent: Resource<'a>,
    /// `status`, `scale`, `eviction`, `log`, `proxy`, ...
    pub name: &'a str,
    /// The group and version of `kind` when it is not the parent's (`autoscaling`/`v1` for
    /// `scale`); both empty otherwise.
    pub group: &'a str,
    pub version: &'a str,
    /// The kind it reads and writes (`Scale`, `Eviction`, `Pod` for `status`,
    /// `PodExecOptions` for `exec`).
    pub kind: &'a str,
    /// Discovery verbs.
    pub verbs: &'a [&'a str],
}

/// The definition named `name` (`io.k8s.api.core.v1.PodSpec`), as `/openapi/v2` has it.
pub fn definition(name: &str) -> Option<&'static Value> {
    definitions().definition(name)
}

/// The definition of a kind (`("apps", "v1", "Deployment")`).
pub fn definition_for_gvk(group: &str, version: &str, kind: &str) -> Option<&'static Value> {
    definitions().definition_for_gvk(group, version, kind)
}

/// The path of a group-version in the index: `api/v1` or `apis/apps/v1`.
pub fn group_version_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The OpenAPI v3 document of one group-version, without subresources
/// ([`v3_group_version_document`] takes them).
pub fn group_version_document(group: &str, version: &str, resources: &[Resource<'_>]) -> Value {
    v3_group_version_document(group, version, resources, &[])
}

/// Every document, serialized as kube-apiserver serves it (JSON as Go's `encoding/json`
/// writes it: compact, `<`, `>`, `&` escaped), ready to serve and hash.
pub struct Documents {
    /// `/openapi/v2` as JSON.
    pub v2_json: Vec<u8>,
    /// `/openapi/v2` as gnostic protobuf.
    pub v2_protobuf: Vec<u8>,
    /// `/openapi/v3/<path>` documents by path: `api`, `apis`, `version`, `apis/<group>`, then
    /// `api/v1` and `apis/<group>/<version>`.
    pub v3: Vec<(String, Vec<u8>)>,
}

impl Documents {
    /// Builds the v2 document (JSON and protobuf) and every v3 document. The schemas are
    /// written once per process and spliced into each document, so this is cheap enough to
    /// run at startup.
    pub fn build(resources: &[Resource<'_>], subresources: &[Subresource<'_>]) -> Self {
        // The protobuf walks the parsed document, all but its definitions, which it takes
        // from the parsed definitions rather than from a copy.
        let written = v2::v2_json_with(resources, subresources, b"{}");
        let without_definitions: Value = serde_json::from_slice(&written).expect("valid JSON");
        Documents {
            v2_json: json::splice(
                &written,
                b"{\"definitions\":{}",
                b"{\"definitions\":",
                v2::definitions_json(),
            ),
            v2_protobuf: protobuf::encode(&without_definitions, Some(definitions().iter())),
            v3: v3::v3_documents_json(resources, subresources),
        }
    }
}

/// The documents that change with the CustomResourceDefinitions: `/openapi/v2` with every
/// custom resource in it, and the v3 document of each group-version custom resources are
/// served in.
pub struct CustomDocuments {
    /// `/openapi/v2` as JSON.
    pub v2_json: Vec<u8>,
    /// `/openapi/v2` as gnostic protobuf.
    pub v2_protobuf: Vec<u8>,
    /// `/openapi/v3/apis/<group>/<version>` documents by path.
    pub v3: Vec<(String, Vec<u8>)>,
}

impl CustomDocuments {
    /// Builds them for the built-in `resources` (and `subresources`) and `custom`.
    pub fn build(
        resources: &[Resource<'_>],
        subresources: &[Subresource<'_>],
        custom: &[CustomResource<'_>],
    ) -> Self {
        let mut routes = v2::all_routes(resources, subresources);
        let mut custom_definitions: Vec<(String, Value)> = Vec::new();
        for cr in custom {
            routes.extend(custom::custom_routes(cr));
            custom_definitions.extend(custom::custom_definitions(cr, true));
        }
        let mut all: Vec<(&str, &Value)> = definitions().iter().collect();
        all.extend(custom_definitions.iter().map(|(n, v)| (n.as_str(), v)));
        all.sort_by(|a, b| a.0.cmp(b.0));
        all.dedup_by(|a, b| a.0 == b.0);
        let written = v2::v2_json_of(routes, b"{}");
        let without_definitions: Value = serde_json::from_slice(&written).expect("valid JSON");
        let mut w = json::Writer::new();
        w.begin_object();
        for (name, schema) in &all {
            w.key(name).value(schema);
        }
        w.end_object();
        CustomDocuments {
            v2_json: json::splice(
                &written,
                b"{\"definitions\":{}",
                b"{\"definitions\":",
                &w.out,
            ),
            v2_protobuf: protobuf::encode(&without_definitions, Some(all.into_iter())),
            v3: v3::custom_v3_documents_json(custom),
        }
    }
}

#[cfg(test)]
mod tests;
