//! Every failure the API answers with, and its one conversion into a `metav1.Status`.
//!
//! The constructors follow `k8s.io/apimachinery/pkg/api/errors/errors.go`: the reason, the code and
//! the wording of each message are kube-apiserver's, because clients (kubectl above all) print
//! them verbatim and some match on them.

use std::fmt::Write as _;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

/// `OptimisticLockErrorMsg` of the generic registry.
pub const OPTIMISTIC_LOCK_MSG: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// The group-qualified resource an error is about, as `schema.GroupResource` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupResource {
    pub group: String,
    pub resource: String,
}

impl GroupResource {
    pub fn new(group: &str, resource: &str) -> Self {
        Self {
            group: group.to_owned(),
            resource: resource.to_owned(),
        }
    }

    /// `configmaps` for the core group, `deployments.apps` otherwise.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// One `details.causes` entry of an Invalid error: a `field.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, ...
    pub reason: &'static str,
    /// `field.Error.ErrorBody()`: the message without the field path
    /// (`Invalid value: "x": ...`), as `details.causes[].message` carries it.
    pub message: String,
    /// The field path (`metadata.name`).
    pub field: String,
}

impl Cause {
    /// `field.Invalid(path, value, detail)`.
    pub fn invalid(field: &str, value: &Value, detail: &str) -> Self {
        Self::invalid_shown(field, &render_value(value), detail)
    }

    /// `field.Required(path, detail)`.
    pub fn required(field: &str, detail: &str) -> Self {
        Self {
            reason: "FieldValueRequired",
            message: with_detail("Required value".to_owned(), detail),
            field: field.to_owned(),
        }
    }

    /// `field.Forbidden(path, detail)`.
    pub fn forbidden(field: &str, detail: &str) -> Self {
        Self {
            reason: "FieldValueForbidden",
            message: format!("Forbidden: {detail}"),
            field: field.to_owned(),
        }
    }

    /// `field.NotSupported(path, value, supported)`.
    pub fn not_supported(field: &str, value: &Value, supported: &[&str]) -> Self {
        Self::not_supported_shown(field, &render_value(value), supported)
    }

    /// `field.NotSupported(path, value, supported)` for a value already printed as Go prints it
    /// (a struct's `%#v`).
    pub fn not_supported_shown(field: &str, shown: &str, supported: &[&str]) -> Self {
        let supported: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        Self {
            reason: "FieldValueNotSupported",
            message: format!(
                "Unsupported value: {shown}: supported values: {}",
                supported.join(", ")
            ),
            field: field.to_owned(),
        }
    }

    /// `field.Invalid(path, value, detail)` for a value already printed as Go prints it: through
    /// its `String()` method (a `resource.Quantity`, a `core.ResourceName`) or as a struct's or
    /// map's `%#v`; `shown` as is, unquoted.
    pub fn invalid_shown(field: &str, shown: &str, detail: &str) -> Self {
        Self {
            reason: "FieldValueInvalid",
            message: with_detail(format!("Invalid value: {shown}"), detail),
            field: field.to_owned(),
        }
    }

    /// `field.Duplicate(path, value)`.
    pub fn duplicate(field: &str, value: &Value) -> Self {
        Self::duplicate_shown(field, &render_value(value), "")
    }

    /// `field.Duplicate(path, value)` for a value already printed as Go prints it (a struct's
    /// `%#v`), with the detail some callers set afterwards.
    pub fn duplicate_shown(field: &str, shown: &str, detail: &str) -> Self {
        Self {
            reason: "FieldValueDuplicate",
            message: with_detail(format!("Duplicate value: {shown}"), detail),
            field: field.to_owned(),
        }
    }

    /// `field.NotFound(path, value)`.
    pub fn not_found(field: &str, value: &Value) -> Self {
        Self {
            reason: "FieldValueNotFound",
            message: format!("Not found: {}", render_value(value)),
            field: field.to_owned(),
        }
    }

    /// `field.TooLong(path, _, max)`.
    pub fn too_long(field: &str, max_length: usize) -> Self {
        let unit = if max_length == 1 { "byte" } else { "bytes" };
        Self {
            reason: "FieldValueTooLong",
            message: format!("Too long: may not be more than {max_length} {unit}"),
            field: field.to_owned(),
        }
    }

    /// `field.TooMany(path, actual, max)`.
    pub fn too_many(field: &str, actual: usize, max: usize) -> Self {
        let unit = if max == 1 { "item" } else { "items" };
        Self {
            reason: "FieldValueTooMany",
            message: format!("Too many: {actual}: must have at most {max} {unit}"),
            field: field.to_owned(),
        }
    }

    /// `field.Error.Error()`: `<field>: <body>`.
    pub fn full(&self) -> String {
        format!("{}: {}", self.field, self.message)
    }
}

/// `field.Error.ErrorBody`'s tail: `: <detail>` when there is a detail.
fn with_detail(mut body: String, detail: &str) -> String {
    if !detail.is_empty() {
        body.push_str(": ");
        body.push_str(detail);
    }
    body
}

/// How `field.Error` prints a bad value: strings quoted, numbers and booleans bare.
fn render_value(value: &Value) -> String {
    match value {
        Value::String(s) => go_quote(s),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// Go's `strconv.Quote`. Exact for ASCII. For non-ASCII, Go's
/// `unicode.IsPrint` is approximated: control, whitespace, format (Cf) and
/// private-use characters and noncharacters are escaped; unassigned code points
/// are (unlike Go) printed as-is.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_printable(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint` (= `strconv.IsPrint`), approximated for non-ASCII as [`go_quote`]
/// describes.
pub fn is_go_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let u = c as u32;
    let format_or_private = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xE000..=0xF8FF | 0xFDD0..=0xFDEF | 0xFEFF | 0xFFF9..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0001 | 0xE0020..=0xE007F | 0xF0000..=0x10FFFF);
    let noncharacter = u & 0xFFFE == 0xFFFE;
    !(c.is_control() || c.is_whitespace() || format_or_private || noncharacter)
}

/// An API error; `IntoResponse` turns it into kube-apiserver's `metav1.Status`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 404 NotFound for a named object.
    #[error("{} \"{name}\" not found", .resource.qualified())]
    NotFound {
        resource: GroupResource,
        name: String,
    },
    /// 404 for a path no resource answers.
    #[error("the server could not find the requested resource")]
    PathNotFound,
    /// 409 AlreadyExists on create.
    #[error("{} \"{name}\" already exists", .resource.qualified())]
    AlreadyExists {
        resource: GroupResource,
        name: String,
    },
    /// 409 Conflict: a failed optimistic-lock compare, or another refused state change.
    #[error("Operation cannot be fulfilled on {} \"{name}\": {message}", .resource.qualified())]
    Conflict {
        resource: GroupResource,
        name: String,
        message: String,
    },
    /// 422 Invalid with the field errors as causes.
    #[error("{}", invalid_message(.group, .kind, .name, .causes))]
    Invalid {
        group: String,
        kind: String,
        name: String,
        causes: Vec<Cause>,
    },
    /// 400 BadRequest with a free message.
    #[error("{0}")]
    BadRequest(String),
    /// 403 Forbidden with a free message (reason Forbidden).
    #[error("{message}")]
    Forbidden {
        resource: GroupResource,
        name: String,
        message: String,
    },
    /// 406 NotAcceptable.
    #[error("{0}")]
    NotAcceptable(String),
    /// 410 Expired: a resourceVersion or continue token older than the retained history.
    #[error("{0}")]
    Expired(String),
    /// 410 Expired for a continue token whose revision is compacted; carries a token that
    /// continues at the newest revision instead.
    #[error("{message}")]
    ContinueExpired {
        message: String,
        continue_token: String,
    },
    /// 413 RequestEntityTooLarge.
    #[error("Request entity too large: {0}")]
    RequestEntityTooLarge(String),
    /// 415 UnsupportedMediaType.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 504 Timeout (e.g. a resourceVersion the store has not reached in time).
    #[error("Timeout: {message}")]
    Timeout {
        message: String,
        retry_after_seconds: u32,
    },
    /// 500 InternalError.
    #[error("Internal error occurred: {0}")]
    Internal(String),
    /// 422 for a patch that cannot be applied (`NewGenericServerResponse(422, ...)`): kube does not
    /// say why.
    #[error("the server rejected our request due to an error in our request")]
    PatchRejected,
    /// What kube-apiserver answers where its Go code panics (`WithPanicRecovery`): a plain-text
    /// 500, not a Status. Kept for inputs that panic kube's strategic merge patch.
    #[error("{}", crate::patch::PANIC_BODY)]
    Panicked,
    /// A Status built elsewhere (server-side apply's conflicts and errors), sent as it is.
    #[error("{}", .status["message"].as_str().unwrap_or(""))]
    Status { code: u16, status: Value },
    /// 503 ServiceUnavailable.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// 503 ServiceUnavailable with `Retry-After: 1`: the replicated keyspace could not reach a
    /// quorum in time (a leader change, a partition). client-go retries such answers.
    #[error("{0}")]
    StorageUnavailable(String),
    /// 500 with no reason: a plain storage error (`resourceVersion should not be set ...`).
    #[error("{0}")]
    Unknown(String),
    /// 404 for a path outside every API group (kube's `notfoundhandler`: no details).
    #[error("the server could not find the requested resource")]
    NoRoute,
    /// 403 for a create into a namespace being deleted (NamespaceLifecycle admission).
    #[error("{} is forbidden: unable to create new content in namespace {namespace} because it is being terminated", forbidden_subject(.resource, .name))]
    NamespaceTerminating {
        resource: GroupResource,
        name: String,
        namespace: String,
    },
    /// 405 for a method no route of the path serves (go-restful's answer).
    #[error("the server does not allow this method on the requested resource")]
    MethodNotAllowed,
    /// 405 for a create of a custom resource while its CRD terminates: kube's CRD handler's
    /// `NewMethodNotSupported` with its own message.
    #[error("{verb} not allowed while custom resource definition is terminating")]
    CustomResourceTerminating {
        resource: GroupResource,
        verb: &'static str,
    },
}

/// `errors.NewForbidden`'s subject: `configmaps "x"`, or `configmaps` without a name.
fn forbidden_subject(resource: &GroupResource, name: &str) -> String {
    if name.is_empty() {
        resource.qualified()
    } else {
        format!("{} {name:?}", resource.qualified())
    }
}

fn invalid_message(group: &str, kind: &str, name: &str, causes: &[Cause]) -> String {
    let qualified_kind = if group.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}.{group}")
    };
    let mut rendered: Vec<String> = Vec::with_capacity(causes.len());
    for cause in causes {
        let full = cause.full();
        if !rendered.contains(&full) {
            rendered.push(full);
        }
    }
    match rendered.as_slice() {
        [] => format!("{qualified_kind} {name:?} is invalid"),
        [one] => format!("{qualified_kind} {name:?} is invalid: {one}"),
        many => format!(
            "{qualified_kind} {name:?} is invalid: [{}]",
            many.join(", ")
        ),
    }
}

impl ApiError {
    pub fn code(&self) -> StatusCode {
        match self {
            Self::NotFound { .. } | Self::PathNotFound | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::AlreadyExists { .. } | Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Invalid { .. } | Self::PatchRejected => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden { .. } | Self::NamespaceTerminating { .. } => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed | Self::CustomResourceTerminating { .. } => {
                StatusCode::METHOD_NOT_ALLOWED
            }
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::Expired(_) | Self::ContinueExpired { .. } => StatusCode::GONE,
            Self::RequestEntityTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            Self::Internal(_) | Self::Unknown(_) | Self::Panicked => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Self::Status { code, .. } => {
                StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Self::ServiceUnavailable(_) | Self::StorageUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Self::NotFound { .. } | Self::PathNotFound | Self::NoRoute => "NotFound",
            Self::AlreadyExists { .. } => "AlreadyExists",
            Self::Conflict { .. } => "Conflict",
            Self::Invalid { .. } | Self::PatchRejected => "Invalid",
            Self::BadRequest(_) => "BadRequest",
            Self::Forbidden { .. } | Self::NamespaceTerminating { .. } => "Forbidden",
            Self::MethodNotAllowed | Self::CustomResourceTerminating { .. } => "MethodNotAllowed",
            Self::NotAcceptable(_) => "NotAcceptable",
            Self::Expired(_) | Self::ContinueExpired { .. } => "Expired",
            Self::RequestEntityTooLarge(_) => "RequestEntityTooLarge",
            Self::UnsupportedMediaType(_) => "UnsupportedMediaType",
            Self::Timeout { .. } => "Timeout",
            Self::Internal(_) => "InternalError",
            Self::ServiceUnavailable(_) | Self::StorageUnavailable(_) => "ServiceUnavailable",
            Self::Unknown(_) | Self::Panicked | Self::Status { .. } => "",
        }
    }

    fn details(&self) -> Option<Value> {
        fn named(resource: &GroupResource, name: &str) -> Value {
            let mut d = Map::new();
            d.insert("name".into(), name.into());
            if !resource.group.is_empty() {
                d.insert("group".into(), resource.group.clone().into());
            }
            d.insert("kind".into(), resource.resource.clone().into());
            Value::Object(d)
        }
        match self {
            Self::NotFound { resource, name }
            | Self::AlreadyExists { resource, name }
            | Self::Conflict { resource, name, .. }
            | Self::Forbidden { resource, name, .. } => Some(named(resource, name)),
            Self::PathNotFound | Self::MethodNotAllowed | Self::PatchRejected => Some(json!({})),
            Self::CustomResourceTerminating { resource, .. } => {
                let mut d = Map::new();
                if !resource.group.is_empty() {
                    d.insert("group".into(), resource.group.clone().into());
                }
                d.insert("kind".into(), resource.resource.clone().into());
                Some(Value::Object(d))
            }
            Self::NamespaceTerminating {
                resource,
                name,
                namespace,
            } => {
                let mut d = match named(resource, name) {
                    Value::Object(d) => d,
                    _ => Map::new(),
                };
                if name.is_empty() {
                    d.remove("name");
                }
                d.insert(
                    "causes".into(),
                    json!([{
                        "reason": "NamespaceTerminating",
                        "message": format!("namespace {namespace} is being terminated"),
                        "field": "metadata.namespace"
                    }]),
                );
                Some(Value::Object(d))
            }
            Self::Invalid {
                group,
                kind,
                name,
                causes,
            } => {
                let mut d = Map::new();
                if !name.is_empty() {
                    d.insert("name".into(), name.clone().into());
                }
                if !group.is_empty() {
                    d.insert("group".into(), group.clone().into());
                }
                if !kind.is_empty() {
                    d.insert("kind".into(), kind.clone().into());
                }
                let causes: Vec<Value> = causes
                    .iter()
                    .map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field}))
                    .collect();
                d.insert("causes".into(), Value::Array(causes));
                Some(Value::Object(d))
            }
            Self::Timeout {
                retry_after_seconds,
                ..
            } => Some(json!({
                "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                "retryAfterSeconds": retry_after_seconds,
            })),
            Self::Internal(message) => Some(json!({ "causes": [{ "message": message }] })),
            Self::StorageUnavailable(_) => Some(json!({ "retryAfterSeconds": 1 })),
            _ => None,
        }
    }

    /// The `metav1.Status` object, in kube-apiserver's field order.
    pub fn to_status(&self) -> Value {
        let mut s = Map::new();
        s.insert("kind".into(), "Status".into());
        s.insert("apiVersion".into(), "v1".into());
        let metadata = match self {
            Self::ContinueExpired { continue_token, .. } => json!({ "continue": continue_token }),
            _ => json!({}),
        };
        s.insert("metadata".into(), metadata);
        s.insert("status".into(), "Failure".into());
        s.insert("message".into(), self.to_string().into());
        if !self.reason().is_empty() {
            s.insert("reason".into(), self.reason().into());
        }
        if let Some(details) = self.details() {
            s.insert("details".into(), details);
        }
        s.insert("code".into(), self.code().as_u16().into());
        Value::Object(s)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Status { code, status } = &self {
            let mut body = crate::json::to_vec(status);
            body.push(b'\n');
            let code = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (code, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return response;
        }
        if self == Self::Panicked {
            let mut response = (self.code(), crate::patch::PANIC_BODY).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            headers.insert(
                "x-content-type-options",
                HeaderValue::from_static("nosniff"),
            );
            return response;
        }
        let mut body = crate::json::to_vec(&self.to_status());
        body.push(b'\n');
        let mut response = (self.code(), body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let retry_after = match &self {
            Self::Timeout {
                retry_after_seconds,
                ..
            } => Some(*retry_after_seconds),
            Self::StorageUnavailable(_) => Some(1),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::backend::BackendError> for ApiError {
    fn from(e: crate::backend::BackendError) -> Self {
        match e {
            crate::backend::BackendError::Store(e) => Self::Internal(e.to_string()),
            crate::backend::BackendError::Unavailable(message) => Self::StorageUnavailable(message),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_status_matches_kube_apiserver() {
        let e = ApiError::NotFound {
            resource: GroupResource::new("", "configmaps"),
            name: "x".into(),
        };
        assert_eq!(
            serde_json::to_string(&e.to_status()).unwrap(),
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"configmaps"},"code":404}"#
        );
    }

    #[test]
    fn conflict_message_names_group_resource() {
        let e = ApiError::Conflict {
            resource: GroupResource::new("apps", "deployments"),
            name: "web".into(),
            message: OPTIMISTIC_LOCK_MSG.into(),
        };
        assert_eq!(
            e.to_string(),
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
        );
        assert_eq!(e.to_status()["details"]["group"], "apps");
    }

    #[test]
    fn invalid_lists_several_causes_in_brackets() {
        let e = ApiError::Invalid {
            group: String::new(),
            kind: "Pod".into(),
            name: "p".into(),
            causes: vec![
                Cause::required("spec.containers[0].name", ""),
                Cause::required("spec.containers[0].image", ""),
                Cause::required("spec.containers[0].image", ""),
            ],
        };
        assert_eq!(
            e.to_string(),
            "Pod \"p\" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]"
        );
        let one = ApiError::Invalid {
            group: "apps".into(),
            kind: "Deployment".into(),
            name: "d".into(),
            causes: vec![Cause::invalid("metadata.name", &json!("D"), "bad")],
        };
        assert_eq!(
            one.to_string(),
            "Deployment.apps \"d\" is invalid: metadata.name: Invalid value: \"D\": bad"
        );
        assert_eq!(one.to_status()["code"], 422);
        assert_eq!(
            one.to_status()["details"]["causes"][0]["message"],
            "Invalid value: \"D\": bad"
        );
        assert_eq!(one.to_status()["details"]["kind"], "Deployment");
    }
}
