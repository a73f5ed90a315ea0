//! `/openapi/v2` (JSON, or gnostic protobuf for the Accept kubectl sends) and `/openapi/v3`
//! (an index of documents, each with the content hash kube-apiserver puts in its
//! `serverRelativeURL` so clients may cache it), built once from the catalog by
//! `kubemem-openapi` on the first request for them and shared by every server in the process
//! (they depend only on the built-in kinds), so start-up does not wait for them.

use std::collections::HashMap;

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use kubemem_openapi::{Documents, Resource, Subresource};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha512};

use crate::catalog::{RESOURCES, ResourceInfo};
use crate::error::ApiError;

/// The protobuf media type clients ask OpenAPI v2 in (gnostic's `openapi_v2.Document`).
const V2_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// The Content-Type kube-openapi answers it with (Go's mime parser refuses the `@`).
const V2_PROTOBUF_RESPONSE: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// The built documents, as bytes.
struct OpenApi {
    v2_json: Bytes,
    v2_protobuf: Bytes,
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

/// The documents, built once per process.
fn documents() -> &'static OpenApi {
    static DOCUMENTS: std::sync::OnceLock<OpenApi> = std::sync::OnceLock::new();
    DOCUMENTS.get_or_init(OpenApi::build)
}

impl OpenApi {
    fn build() -> Self {
        let resources: Vec<Resource<'static>> = RESOURCES.iter().map(resource).collect();
        let subresources: Vec<Subresource<'static>> = RESOURCES
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
        let documents = Documents::build(&resources, &subresources);
        let mut paths = Map::new();
        let mut v3 = HashMap::new();
        for (path, bytes) in documents.v3 {
            let hash: String = Sha512::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            paths.insert(
                path.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
            );
            v3.insert(path, Bytes::from(bytes));
        }
        let index = crate::json::to_vec(&json!({ "paths": Value::Object(paths) }));
        Self {
            v2_json: Bytes::from(documents.v2_json),
            v2_protobuf: Bytes::from(documents.v2_protobuf),
            v3_index: Bytes::from(index),
            v3,
        }
    }
}

fn bytes_response(body: Bytes, content_type: &'static str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

pub async fn v2(headers: HeaderMap) -> Response {
    let wants_protobuf = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(V2_PROTOBUF));
    if wants_protobuf {
        bytes_response(documents().v2_protobuf.clone(), V2_PROTOBUF_RESPONSE)
    } else {
        bytes_response(documents().v2_json.clone(), "application/json")
    }
}

pub async fn index() -> Response {
    bytes_response(documents().v3_index.clone(), "application/json")
}

pub async fn document(Path(path): Path<String>) -> Response {
    match documents().v3.get(&path) {
        Some(doc) => bytes_response(doc.clone(), "application/json"),
        None => ApiError::NoRoute.into_response(),
    }
}
