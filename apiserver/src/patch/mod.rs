//! The PATCH engines of kube-apiserver (`k8s.io/apiserver/pkg/endpoints/handlers/patch.go`):
//!
//! - `application/json-patch+json` by [`json_patch`] (RFC 6902, `gopkg.in/evanphx/json-patch.v4`);
//! - `application/merge-patch+json` by [`merge_patch`] (RFC 7386, `jsonpatch.MergePatch` of v4);
//! - `application/strategic-merge-patch+json` by [`strategic_merge`]
//!   (`k8s.io/apimachinery/pkg/util/strategicpatch`), driven by a [`PatchMeta`].
//!
//! Each returns the patched object or a [`PatchError`] that says how kube answers:
//! [`PatchError::status`] is the exact `metav1.Status`. The engines never panic; nesting beyond
//! [`MAX_DEPTH`] is refused (kube has no such limit short of Go's JSON decoder's 10000).
//!
//! Ordering note for the server: kube reports patch errors only after the object was read, so a
//! missing object is a 404 whatever the patch; and every engine works on the object encoded in
//! the request's version.

mod gofmt;
mod json_patch;
mod lists;
mod merge_patch;
mod meta;
mod strategic;
#[cfg(test)]
mod tests;

use serde_json::{Value, json};

pub use json_patch::{JsonPatched, json_patch};
pub use merge_patch::{marshal_order as merge_marshal_order, merge_patch};
pub use meta::{FieldMeta, NoMeta, PatchMeta, Strategy};
pub use strategic::strategic_merge;

/// The deepest nesting of objects and arrays the engines accept, in a document, a patch, or a
/// result. Deeper input is `400 exceeded max depth` (Go's decoder text for its own limit).
pub const MAX_DEPTH: usize = 256;

/// The body kube answers when a handler panics (`WithPanicRecovery`): status 500,
/// `Content-Type: text/plain; charset=utf-8`, `X-Content-Type-Options: nosniff`.
pub const PANIC_BODY: &str =
    "This request caused apiserver to panic. Look in the logs for details.\n";

/// `fmt.Sprintf("%+v", v)` of a decoded patch (`map[...]` with sorted keys, integers kept).
pub fn go_sprint(v: &Value) -> String {
    gofmt::fmt_top(v, gofmt::Verb::V)
}

/// `?fieldValidation=`; kube's default is `Warn`. It decides whether the handler first decodes
/// the patch strictly (JSON patch and merge patch only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    Ignore,
    #[default]
    Warn,
    Strict,
}

/// How kube-apiserver answers a failed patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchError {
    /// `errors.NewBadRequest(msg)`: 400 `BadRequest`, the message as given.
    BadRequest(String),
    /// `errors.NewGenericServerResponse(422, "", GroupResource{}, "", msg, 0, false)`: 422
    /// `Invalid` with the fixed message `the server rejected our request due to an error in our
    /// request` and empty details. The text is kube's internal error, which is *not* sent: a
    /// failed `test` and any other failed JSON patch operation look the same to the client.
    Invalid(String),
    /// `errors.NewRequestEntityTooLargeError`: 413, the message as given.
    TooLarge(String),
    /// A plain Go error the handler passes through: 500 with no reason, the message as given.
    Internal(String),
    /// A Go runtime panic in kube: the plain-text 500 [`PANIC_BODY`], not a Status. The text is
    /// the panic value, for logs.
    Panic(String),
}

impl PatchError {
    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            PatchError::BadRequest(_) => 400,
            PatchError::Invalid(_) => 422,
            PatchError::TooLarge(_) => 413,
            PatchError::Internal(_) | PatchError::Panic(_) => 500,
        }
    }

    /// The `metav1.Status` body (field order as kube writes it), or `None` for a panic.
    pub fn status(&self) -> Option<Value> {
        let failure = |message: &str, reason: &str, code: u16| {
            json!({
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": message,
                "reason": reason,
                "code": code,
            })
        };
        Some(match self {
            PatchError::BadRequest(m) => failure(m, "BadRequest", 400),
            PatchError::TooLarge(m) => failure(m, "RequestEntityTooLarge", 413),
            PatchError::Invalid(_) => json!({
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": "the server rejected our request due to an error in our request",
                "reason": "Invalid",
                "details": {},
                "code": 422,
            }),
            PatchError::Internal(m) => json!({
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": m,
                "code": 500,
            }),
            PatchError::Panic(_) => return None,
        })
    }
}

impl std::fmt::Display for PatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatchError::BadRequest(m)
            | PatchError::Invalid(m)
            | PatchError::TooLarge(m)
            | PatchError::Internal(m)
            | PatchError::Panic(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for PatchError {}

/// The JSON kind in Go's `json: cannot unmarshal <kind> into ...` errors.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check_depth(v: &Value) -> Result<(), PatchError> {
    if gofmt::depth(v) > MAX_DEPTH {
        return Err(PatchError::BadRequest("exceeded max depth".into()));
    }
    Ok(())
}
