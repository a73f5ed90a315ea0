//! `/openapi/v2`: a Swagger 2.0 document with no paths or definitions yet (the kubectl-fidelity
//! issue #3 fills it); kubectl 1.27 downloads it before it looks at `/openapi/v3`, so it must
//! answer, in the protobuf form kubectl asks for or as JSON.
//!
//! `/openapi/v3`: the index of group-versions and one document per group-version, built once
//! from the catalog by `kubemem-openapi`, each served with the content hash kube-apiserver puts
//! in its `serverRelativeURL` (so clients may cache it).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use kubemem_openapi::{Resource, group_version_document, group_version_path};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha512};

use crate::AppState;
use crate::catalog::{GROUPS, RESOURCES};
use crate::error::ApiError;

/// The built documents.
pub struct OpenApiV3 {
    index: Bytes,
    documents: HashMap<String, Bytes>,
}

impl OpenApiV3 {
    pub fn build() -> Self {
        let resources: Vec<Resource<'_>> = RESOURCES
            .iter()
            .filter(|r| r.stored)
            .map(|r| Resource {
                group: r.group,
                version: r.version,
                kind: r.kind,
                resource: r.resource,
                namespaced: r.namespaced,
                verbs: r.verbs,
            })
            .collect();
        let mut group_versions = vec![("", "v1")];
        for g in GROUPS {
            group_versions.extend(g.versions.iter().map(|v| (g.name, *v)));
        }
        let mut paths = Map::new();
        let mut documents = HashMap::new();
        for (group, version) in group_versions {
            let doc = group_version_document(group, version, &resources);
            let bytes = crate::json::to_vec(&doc);
            let hash: String = Sha512::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            let path = group_version_path(group, version);
            paths.insert(
                path.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
            );
            documents.insert(path, Bytes::from(bytes));
        }
        let index = crate::json::to_vec(&json!({"paths": Value::Object(paths)}));
        Self {
            index: Bytes::from(index),
            documents,
        }
    }
}

fn json_bytes(body: Bytes) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The protobuf media type clients ask OpenAPI v2 in (gnostic's `openapi_v2.Document`).
const V2_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// The Content-Type kube-openapi answers it with (Go's mime parser refuses the `@`).
const V2_PROTOBUF_RESPONSE: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

pub async fn v2(headers: http::HeaderMap) -> Response {
    let wants_protobuf = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(V2_PROTOBUF));
    if wants_protobuf {
        // Field 1 (`swagger`, a string): "2.0". Every other field is empty.
        let body = Bytes::from_static(b"\x0a\x032.0");
        let mut response = (StatusCode::OK, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(V2_PROTOBUF_RESPONSE),
        );
        return response;
    }
    let doc = json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.36.0"}, "paths": {}, "definitions": {}});
    json_bytes(Bytes::from(crate::json::to_vec(&doc)))
}

pub async fn index(State(state): State<Arc<AppState>>) -> Response {
    json_bytes(state.openapi.index.clone())
}

pub async fn document(State(state): State<Arc<AppState>>, Path(path): Path<String>) -> Response {
    match state.openapi.documents.get(&path) {
        Some(doc) => json_bytes(doc.clone()),
        None => ApiError::NoRoute.into_response(),
    }
}
