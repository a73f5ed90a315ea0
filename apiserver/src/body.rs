//! Request bodies: size limit, content types, JSON and YAML decoding, and the checks of the
//! object's apiVersion, kind, name and namespace against the request path.

use axum::body::Body;
use http::HeaderMap;
use http_body_util::BodyExt;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::object::{self, meta_str};

/// kube-apiserver's `MaxRequestBodyBytes`: 3 MiB.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// Reads a whole body, refusing one larger than [`MAX_BODY_BYTES`] with 413.
pub async fn read(body: Body) -> ApiResult<bytes::Bytes> {
    let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
    match limited.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(
            ApiError::RequestEntityTooLarge(format!("limit is {MAX_BODY_BYTES}")),
        ),
        Err(e) => Err(ApiError::BadRequest(e.to_string())),
    }
}

/// The media type of a request body, without parameters.
pub fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map_or("application/json", |v| {
            v.split(';').next().unwrap_or("").trim()
        })
}

/// Decodes a JSON or YAML body into a JSON value.
pub fn decode_value(headers: &HeaderMap, bytes: &[u8]) -> ApiResult<Value> {
    let media = content_type(headers);
    let mut value: Value = match media {
        "application/json" | "" | "*/*" => serde_json::from_slice(bytes).map_err(|e| {
            ApiError::BadRequest(format!("couldn't get version/kind; json parse error: {e}"))
        })?,
        "application/yaml" | "application/x-yaml" | "text/yaml" => {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| ApiError::BadRequest(format!("error converting YAML to JSON: {e}")))?;
            serde_saphyr::from_str(text)
                .map_err(|e| ApiError::BadRequest(format!("error converting YAML to JSON: {e}")))?
        }
        other => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf; got {other}"
            )));
        }
    };
    object::drop_nulls(&mut value);
    Ok(value)
}

/// Decodes an object for `kind` and checks its type against the endpoint: a missing apiVersion
/// or kind is defaulted from the path, a different one is refused.
pub fn decode_object(
    headers: &HeaderMap,
    bytes: &[u8],
    kind: &Kind,
) -> ApiResult<Map<String, Value>> {
    let Value::Object(mut obj) = decode_value(headers, bytes)? else {
        return Err(ApiError::BadRequest(
            "couldn't get version/kind; json parse error: json: cannot unmarshal non-object into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }".into(),
        ));
    };
    let expected_version = kind.api_version();
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let object_kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    if !object_kind.is_empty() && object_kind != kind.info.kind {
        return Err(ApiError::BadRequest(format!(
            "the kind in the data ({object_kind}) does not match the expected kind ({})",
            kind.info.kind
        )));
    }
    if !api_version.is_empty() && api_version != expected_version {
        return Err(ApiError::BadRequest(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({expected_version})"
        )));
    }
    let mut ordered = Map::new();
    ordered.insert("kind".into(), Value::String(kind.info.kind.to_owned()));
    ordered.insert("apiVersion".into(), Value::String(expected_version));
    obj.remove("kind");
    obj.remove("apiVersion");
    ordered.extend(obj);
    if let Some(meta) = ordered.get("metadata")
        && !meta.is_object()
    {
        return Err(ApiError::BadRequest(
            "json: cannot unmarshal into Go struct field of type v1.ObjectMeta".into(),
        ));
    }
    Ok(ordered)
}

/// The checks of `rest.BeforeCreate` / the update handler on the object's namespace and name.
pub fn check_path(
    obj: &Map<String, Value>,
    kind: &Kind,
    namespace: Option<&str>,
    name: Option<&str>,
) -> ApiResult<()> {
    let body_ns = meta_str(obj, "namespace");
    if kind.info.namespaced
        && let Some(ns) = namespace
        && !body_ns.is_empty()
        && body_ns != ns
    {
        return Err(ApiError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
                .into(),
        ));
    }
    if let Some(name) = name {
        let body_name = meta_str(obj, "name");
        if body_name != name {
            return Err(ApiError::BadRequest(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
    }
    Ok(())
}
