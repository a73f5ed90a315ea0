//! Request bodies: size limit, content types, JSON and YAML decoding, and the checks of the
//! object's apiVersion, kind, name and namespace against the request path.

use axum::body::Body;
use http::HeaderMap;
use http_body_util::BodyExt;
use serde_json::{Map, Value};

use kubemem_openapi::{Decoder, Duplicate, Finding};

use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::object::{self, meta_str};
use crate::patch::FieldValidation;

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

/// `summarizeData` of the decode error path: the first 30 bytes of a JSON object, else hex.
fn summarize(data: &[u8]) -> String {
    const MAX: usize = 30;
    let cut = &data[..data.len().min(MAX)];
    let more = if data.len() > MAX { " ..." } else { "" };
    match data.first() {
        None => "<empty>".to_owned(),
        Some(b'{') => format!("{}{more}", String::from_utf8_lossy(cut)),
        Some(_) => {
            let hex: String = cut.iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}{more}")
        }
    }
}

/// Go's `encoding/json` wording for the syntax errors clients meet most; other errors keep
/// serde_json's wording.
fn go_json_error(data: &[u8], e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected end of JSON input".to_owned();
    }
    match data.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(&c)
            if !matches!(
                c,
                b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9'
            ) =>
        {
            format!(
                "invalid character {:?} looking for beginning of value",
                c as char
            )
        }
        _ => e.to_string(),
    }
}

/// The media types request bodies may have.
const ACCEPTED: &str = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

/// Decodes a JSON or YAML body into a JSON value; `kind` names the endpoint's type in errors.
pub fn decode_value(headers: &HeaderMap, bytes: &[u8], kind: &str) -> ApiResult<Value> {
    decode_noting_duplicates(headers, bytes, kind).map(|parsed| parsed.value)
}

/// A decoded body and the keys it repeats within one object (the last one wins).
struct Parsed {
    value: Value,
    /// In a JSON body, where they stand (reported among the unknown fields).
    duplicates: Vec<Duplicate>,
    /// In a YAML body, as `yaml.v2` words them (reported before the unknown fields).
    yaml_repeats: Vec<String>,
}

impl Parsed {
    fn plain(value: Value) -> Self {
        Self {
            value,
            duplicates: Vec::new(),
            yaml_repeats: Vec::new(),
        }
    }
}

/// [`decode_value`], with the keys the body repeats within one object.
fn decode_noting_duplicates(headers: &HeaderMap, bytes: &[u8], kind: &str) -> ApiResult<Parsed> {
    let unrecognized = |why: String| {
        ApiError::BadRequest(format!(
            "the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; json parse error: {why} ({})",
            summarize(bytes)
        ))
    };
    let mut parsed = match content_type(headers) {
        "application/json" | "" | "*/*" => crate::strict_json::parse(bytes)
            .map(|(value, duplicates)| Parsed {
                duplicates,
                ..Parsed::plain(value)
            })
            .map_err(|e| unrecognized(go_json_error(bytes, &e)))?,
        "application/yaml" | "application/x-yaml" | "text/yaml" => std::str::from_utf8(bytes)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                let options = serde_saphyr::options! {
                    duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
                };
                let value = serde_saphyr::from_str_with_options(text, options)
                    .map_err(|e| e.to_string())?;
                Ok(Parsed {
                    yaml_repeats: crate::yaml_keys::repeated_keys(text),
                    ..Parsed::plain(value)
                })
            })
            .map_err(|e| unrecognized(format!("error converting YAML to JSON: {e}")))?,
        "application/vnd.kubernetes.protobuf" => crate::protobuf::decode(bytes)
            .map(Parsed::plain)
            .map_err(|e| {
                // kube's `transformDecodeError`: the envelope's kind when it had one, else a summary.
                ApiError::BadRequest(match e.kind {
                    Some((version, object_kind)) => format!(
                        "{object_kind} in version {version:?} cannot be handled as a {kind}: {}",
                        e.message
                    ),
                    None => format!(
                        "the object provided is unrecognized (must be of type {kind}): {} ({})",
                        e.message,
                        summarize(bytes)
                    ),
                })
            })?,
        _ => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "the body of the request was in an unknown format - accepted media types include: {ACCEPTED}"
            )));
        }
    };
    object::drop_nulls(&mut parsed.value);
    Ok(parsed)
}

/// Decodes an object for `kind` and checks its type against the endpoint: a missing apiVersion
/// or kind is defaulted from the path, a different one is refused.
pub fn decode_object(
    headers: &HeaderMap,
    bytes: &[u8],
    kind: &Kind,
    validation: FieldValidation,
) -> ApiResult<Decoded> {
    let Parsed {
        value,
        duplicates,
        yaml_repeats,
    } = decode_noting_duplicates(headers, bytes, kind.info.kind)?;
    let Value::Object(obj) = value else {
        let found = match value {
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            _ => "null",
        };
        return Err(ApiError::BadRequest(format!(
            "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: json: cannot unmarshal {found} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }} ({})",
            kind.info.kind,
            summarize(bytes)
        )));
    };
    decode_map(obj, &duplicates, yaml_repeats, kind, validation)
}

/// [`decode_object`] of an already parsed object (its repeated keys as the parser saw them).
pub fn decode_map(
    mut obj: Map<String, Value>,
    duplicates: &[Duplicate],
    yaml_repeats: Vec<String>,
    kind: &Kind,
    validation: FieldValidation,
) -> ApiResult<Decoded> {
    let expected_version = kind.api_version();
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let object_kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    if !object_kind.is_empty() && object_kind != kind.info.kind {
        // The body decodes as another type, which then fails to convert to the endpoint's.
        let group = api_version
            .rsplit_once('/')
            .map_or("core", |(g, _)| g.split('.').next().unwrap_or(g));
        return Err(ApiError::BadRequest(format!(
            "{object_kind} in version {version:?} cannot be handled as a {}: converting ({version}.{object_kind}) to ({group}.{}): unknown conversion",
            kind.info.kind, kind.info.kind
        )));
    }
    if !api_version.is_empty() && api_version != expected_version {
        return Err(ApiError::BadRequest(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({expected_version})"
        )));
    }
    if let Some(meta) = obj.get("metadata")
        && !meta.is_object()
    {
        return Err(ApiError::BadRequest(
            "json: cannot unmarshal into Go struct field of type v1.ObjectMeta".into(),
        ));
    }
    // Checked in the body's own key order, which the duplicates' positions count in.
    let name = kind.info.kind;
    let unknown = check_fields(kind, &mut obj, duplicates, Decoder::Json).map_err(|error| {
        ApiError::BadRequest(format!(
            "{name} in version {:?} cannot be handled as a {name}: {error}",
            kind.info.version
        ))
    })?;
    let mut findings = yaml_repeats;
    findings.extend(unknown);
    let warnings = match validation {
        FieldValidation::Strict if !findings.is_empty() => {
            return Err(ApiError::BadRequest(format!(
                "{name} in version {:?} cannot be handled as a {name}: {}",
                kind.info.version,
                strict_decoding_error(&findings)
            )));
        }
        FieldValidation::Warn => findings,
        _ => Vec::new(),
    };
    let mut ordered = Map::new();
    ordered.insert("kind".into(), Value::String(kind.info.kind.to_owned()));
    ordered.insert("apiVersion".into(), Value::String(expected_version));
    obj.remove("kind");
    obj.remove("apiVersion");
    ordered.extend(obj);
    crate::defaults::apply_defaults(
        kind.info.group,
        kind.info.version,
        kind.info.resource,
        &mut ordered,
    );
    if let Some(schema) = kind.custom.as_ref().and_then(|c| c.schema.as_ref()) {
        let mut value = Value::Object(ordered);
        crate::crd::schema::default(schema, &mut value);
        ordered = crate::crd::as_map(value);
    } else if crate::crd::is_crd(kind) {
        crate::crd::validation::default(&mut ordered);
    }
    Ok(Decoded {
        object: ordered,
        warnings,
    })
}

/// A decoded object and the warnings its decoding gave (unknown fields under `Warn`).
pub struct Decoded {
    pub object: Map<String, Value>,
    pub warnings: Vec<String>,
}

/// Decodes as kube-apiserver's Go types do: a value of the wrong type is an error (Go's
/// `UnmarshalTypeError` text), the fields the kind does not have are dropped. Returns what
/// strict decoding reports, in document order: `unknown field "<path>"` for each dropped field
/// and `duplicate field "<path>"` for each of `duplicates` in a known object.
pub fn check_fields(
    kind: &Kind,
    obj: &mut Map<String, Value>,
    duplicates: &[Duplicate],
    decoder: Decoder,
) -> Result<Vec<String>, String> {
    if let Some(schema) = kind.custom.as_ref().and_then(|c| c.schema.as_ref()) {
        let pruned = crate::crd::schema::prune(schema, obj);
        return Ok(pruned
            .iter()
            .map(|path| format!("unknown field {}", crate::error::go_quote(path)))
            .collect());
    }
    let mut value = Value::Object(std::mem::take(obj));
    let (group, version, name) = (kind.info.group, kind.info.version, kind.info.kind);
    if let Some(error) = kubemem_openapi::type_error(group, version, name, &value, decoder) {
        if let Value::Object(back) = value {
            *obj = back;
        }
        return Err(error);
    }
    let findings = kubemem_openapi::prune(group, version, name, &mut value, duplicates);
    if let Value::Object(pruned) = value {
        *obj = pruned;
    }
    Ok(findings.iter().map(finding_message).collect())
}

/// kube's words for a strict-decoding finding: `unknown field "<path>"`,
/// `duplicate field "<path>"`.
pub fn finding_message(finding: &Finding) -> String {
    format!(
        "{} field {}",
        finding.word(),
        crate::error::go_quote(finding.path())
    )
}

/// `runtime.NewStrictDecodingError(...).Error()`.
pub fn strict_decoding_error(findings: &[String]) -> String {
    format!("strict decoding error: {}", findings.join(", "))
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
