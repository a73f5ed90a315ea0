//! `/openapi/v2` (JSON, or gnostic protobuf for the Accept kubectl sends) and `/openapi/v3`
//! (an index of documents, each with the content hash kube-apiserver puts in its
//! `serverRelativeURL` so clients may cache it), built once from the catalog by
//! `kubemem-openapi` on the first request for them and shared by every server in the process
//! (they depend only on the built-in kinds), so start-up does not wait for them.
//!
//! Custom resources join them as the CRDs serving them are read on each request (as discovery
//! reads them): `/openapi/v2` is rebuilt with them, and each of their group-versions gets a v3
//! document and an index entry. The last set built is kept, keyed by what the documents are
//! made of, so only a changed CRD rebuilds them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use kubemem_openapi::{CustomDocuments, CustomResource, Documents, Resource, Subresource};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha512};

use crate::AppState;
use crate::catalog::{RESOURCES, ResourceInfo};
use crate::error::{ApiError, ApiResult};

/// The protobuf media type clients ask OpenAPI v2 in (gnostic's `openapi_v2.Document`).
const V2_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// The Content-Type kube-openapi answers it with (Go's mime parser refuses the `@`).
const V2_PROTOBUF_RESPONSE: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// The built documents, as bytes.
struct OpenApi {
    v2_json: Bytes,
    v2_protobuf: Bytes,
    /// The v3 index's `paths`, sorted as Go writes a map.
    v3_paths: BTreeMap<String, Value>,
    v3_index: Bytes,
    v3: HashMap<String, Bytes>,
}

fn resource(r: &'static ResourceInfo) -> Resource<'static> {
    Resource {
        group: r.group,
        version: r.version,
        kind: r.kind,
        resource: r.resource,
        namespaced: r.namespaced,
        verbs: r.verbs,
    }
}

/// The built-in resources and subresources as the documents take them.
fn builtin() -> (Vec<Resource<'static>>, Vec<Subresource<'static>>) {
    let resources = RESOURCES.iter().map(resource).collect();
    let subresources = RESOURCES
        .iter()
        .flat_map(|r| {
            r.subresources.iter().map(|s| Subresource {
                parent: resource(r),
                name: s.name,
                group: s.group,
                version: s.version,
                kind: s.kind,
                verbs: s.verbs,
            })
        })
        .collect();
    (resources, subresources)
}

/// The index entry of a v3 document: its path with the hash of its bytes.
fn index_entry(path: &str, bytes: &[u8]) -> Value {
    let hash: String = Sha512::digest(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")})
}

fn index_bytes(paths: &BTreeMap<String, Value>) -> Bytes {
    let paths: Map<String, Value> = paths.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    Bytes::from(crate::json::to_vec(
        &json!({ "paths": Value::Object(paths) }),
    ))
}

impl OpenApi {
    fn build() -> Self {
        let (resources, subresources) = builtin();
        let d = Documents::build(&resources, &subresources);
        Self::assemble(
            d.v2_json,
            d.v2_protobuf,
            d.v3,
            BTreeMap::new(),
            HashMap::new(),
        )
    }

    /// The documents with the custom resources of `custom` in them.
    fn with_custom(&self, custom: &[CustomResource<'_>]) -> Self {
        let (resources, subresources) = builtin();
        let d = CustomDocuments::build(&resources, &subresources, custom);
        Self::assemble(
            d.v2_json,
            d.v2_protobuf,
            d.v3,
            self.v3_paths.clone(),
            self.v3.clone(),
        )
    }

    /// The v2 documents, and the v3 documents `paths` and `v3` already hold with `documents`
    /// added to them and to the index.
    fn assemble(
        v2_json: Vec<u8>,
        v2_protobuf: Vec<u8>,
        documents: Vec<(String, Vec<u8>)>,
        mut paths: BTreeMap<String, Value>,
        mut v3: HashMap<String, Bytes>,
    ) -> Self {
        for (path, bytes) in documents {
            paths.insert(path.clone(), index_entry(&path, &bytes));
            v3.insert(path, Bytes::from(bytes));
        }
        Self {
            v2_json: Bytes::from(v2_json),
            v2_protobuf: Bytes::from(v2_protobuf),
            v3_index: index_bytes(&paths),
            v3_paths: paths,
            v3,
        }
    }
}

/// The documents built for the last set of custom resources, with what they were built of.
type LastCustom = Mutex<Option<(String, Arc<OpenApi>)>>;

/// The documents for what is served now: the built-in ones, or, when established CRDs serve
/// custom resources, the documents with those in them.
async fn current(state: &AppState) -> ApiResult<Arc<OpenApi>> {
    static BUILTIN: std::sync::OnceLock<Arc<OpenApi>> = std::sync::OnceLock::new();
    static LAST: LastCustom = Mutex::new(None);
    let builtin = BUILTIN.get_or_init(|| Arc::new(OpenApi::build()));
    let kinds = state.custom_kinds.served(&state.registry).await?;
    let custom: Vec<CustomResource<'_>> = kinds
        .iter()
        .filter_map(|kind| {
            let served = kind.custom.as_ref()?;
            Some(CustomResource {
                group: &served.group,
                version: &served.version,
                kind: &served.kind,
                list_kind: &served.list_kind,
                plural: kind.info.resource,
                namespaced: kind.info.namespaced,
                status: served.status,
                scale: served.scale.is_some(),
                schema: served.schema.as_ref(),
            })
        })
        .collect();
    if custom.is_empty() {
        return Ok(Arc::clone(builtin));
    }
    let key = Value::Array(
        custom
            .iter()
            .map(|c| {
                json!([
                    c.group,
                    c.version,
                    c.kind,
                    c.list_kind,
                    c.plural,
                    c.namespaced,
                    c.status,
                    c.scale,
                    c.schema
                ])
            })
            .collect(),
    )
    .to_string();
    if let Some((built_for, documents)) = LAST.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        && *built_for == key
    {
        return Ok(Arc::clone(documents));
    }
    let documents = Arc::new(builtin.with_custom(&custom));
    *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, Arc::clone(&documents)));
    Ok(documents)
}

fn bytes_response(body: Bytes, content_type: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub async fn v2(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let documents = match current(&state).await {
        Ok(documents) => documents,
        Err(e) => return e.into_response(),
    };
    let wants_protobuf = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(V2_PROTOBUF));
    if wants_protobuf {
        bytes_response(documents.v2_protobuf.clone(), V2_PROTOBUF_RESPONSE)
    } else {
        bytes_response(documents.v2_json.clone(), "application/json")
    }
}

pub async fn index(State(state): State<Arc<AppState>>) -> Response {
    match current(&state).await {
        Ok(documents) => bytes_response(documents.v3_index.clone(), "application/json"),
        Err(e) => e.into_response(),
    }
}

pub async fn document(State(state): State<Arc<AppState>>, Path(path): Path<String>) -> Response {
    let documents = match current(&state).await {
        Ok(documents) => documents,
        Err(e) => return e.into_response(),
    };
    match documents.v3.get(&path) {
        Some(doc) => bytes_response(doc.clone(), "application/json"),
        None => ApiError::NoRoute.into_response(),
    }
}
