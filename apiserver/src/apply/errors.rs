//! The errors of an apply and of the options of a write, with the `metav1.Status` kube sends.

use serde_json::{Map, Value, json};

use super::managed::{ManagerId, UPDATE};
use super::path::{self, Path};
use crate::error::{go_quote, is_go_printable};

/// A field another manager owns and an apply would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The other manager's identifier (`{"manager":"kubectl-create","operation":"Update","apiVersion":"v1"}`).
    pub manager: String,
    /// The field, as kube prints it (`.data.key`, `.spec.containers[name="nginx"].image`).
    pub field: String,
    pub(crate) path: Path,
}

impl Conflict {
    pub(crate) fn new(manager: String, path: Path) -> Self {
        Conflict {
            manager,
            field: path::path_string(&path),
            path,
        }
    }
}

/// Why an apply failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// 409 Conflict (`errors.NewApplyConflict`), one cause per field.
    Conflicts(Vec<Conflict>),
    /// 400 BadRequest: a configuration of another kind or version (`invalid object type:
    /// apps/v1, Kind=Deployment`), or one that sets `metadata.managedFields`.
    BadRequest(String),
    /// 500 with no reason (kube returns a plain Go error): a configuration the schema refuses
    /// (`failed to create typed patch object (ns/name; /v1, Kind=ConfigMap): .data: expected
    /// map, got &{1}`), an unreadable live object.
    Internal(String),
}

/// `printManager`: `"kubectl-create" using v1`, `"kubectl" with subresource "status" using
/// v1`, `"kubectl"` for an applier.
pub(crate) fn print_manager(id: &str) -> String {
    if !id.starts_with('{') {
        return go_quote(id);
    }
    let m = ManagerId::decode(id);
    let mut out = go_quote(&m.manager);
    if !m.subresource.is_empty() {
        out.push_str(&format!(" with subresource {}", go_quote(&m.subresource)));
    }
    if m.operation == UPDATE {
        out.push_str(&format!(" using {}", m.api_version));
    }
    out
}

impl ApplyError {
    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            ApplyError::Conflicts(_) => 409,
            ApplyError::BadRequest(_) => 400,
            ApplyError::Internal(_) => 500,
        }
    }

    /// The Status message.
    pub fn message(&self) -> String {
        match self {
            ApplyError::Conflicts(conflicts) => conflict_message(conflicts),
            ApplyError::BadRequest(m) | ApplyError::Internal(m) => m.clone(),
        }
    }

    /// `details.causes` of a conflict: `(message, field)` (reason `FieldManagerConflict`).
    pub fn causes(&self) -> Vec<(String, String)> {
        match self {
            ApplyError::Conflicts(conflicts) => conflicts
                .iter()
                .map(|c| {
                    (
                        format!("conflict with {}", print_manager(&c.manager)),
                        c.field.clone(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The `metav1.Status` body kube sends.
    pub fn status(&self) -> Value {
        let mut out = Map::new();
        out.insert("kind".into(), json!("Status"));
        out.insert("apiVersion".into(), json!("v1"));
        out.insert("metadata".into(), json!({}));
        out.insert("status".into(), json!("Failure"));
        out.insert("message".into(), json!(self.message()));
        match self {
            ApplyError::Conflicts(_) => {
                out.insert("reason".into(), json!("Conflict"));
                let causes: Vec<Value> = self
                    .causes()
                    .into_iter()
                    .map(|(message, field)| {
                        json!({"reason": "FieldManagerConflict", "message": message, "field": field})
                    })
                    .collect();
                out.insert("details".into(), json!({ "causes": causes }));
            }
            ApplyError::BadRequest(_) => {
                out.insert("reason".into(), json!("BadRequest"));
            }
            ApplyError::Internal(_) => {}
        }
        out.insert("code".into(), json!(self.code()));
        Value::Object(out)
    }
}

/// `getConflictMessage`.
fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [one] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            print_manager(&one.manager),
            one.field
        );
    }
    let mut managers: Vec<&str> = conflicts.iter().map(|c| c.manager.as_str()).collect();
    managers.sort();
    managers.dedup();
    let mut lines = Vec::new();
    for manager in managers {
        lines.push(format!("conflicts with {}:", print_manager(manager)));
        lines.extend(
            conflicts
                .iter()
                .filter(|c| c.manager == manager)
                .map(|c| format!("- {}", c.field)),
        );
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}

/// A field error of the request's options (`field.Error`): reason, message as
/// `details.causes[].message` carries it, field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    pub reason: &'static str,
    pub message: String,
    pub field: &'static str,
}

/// `FieldManagerMaxLength`.
const FIELD_MANAGER_MAX_LENGTH: usize = 128;

/// `ValidateFieldManager` (create, update and patch options): at most 128 bytes, printable
/// characters only.
pub fn field_manager_errors(field_manager: &str) -> Vec<OptionError> {
    let mut errs = Vec::new();
    if field_manager.len() > FIELD_MANAGER_MAX_LENGTH {
        errs.push(OptionError {
            reason: "FieldValueTooLong",
            message: format!("Too long: may not be more than {FIELD_MANAGER_MAX_LENGTH} bytes"),
            field: "fieldManager",
        });
    }
    for (i, c) in field_manager.char_indices() {
        if !is_go_printable(c) {
            errs.push(OptionError {
                reason: "FieldValueInvalid",
                message: format!(
                    "Invalid value: {}: invalid character U+{:04X} (at position {i})",
                    go_quote(field_manager),
                    c as u32
                ),
                field: "fieldManager",
            });
        }
    }
    errs
}

/// The apply-related part of `ValidatePatchOptions`, then `ValidateFieldManager`: `force` only
/// on apply, `fieldManager` required on apply. kube answers them as a 422 `Invalid` of
/// `PatchOptions.meta.k8s.io ""` (group `meta.k8s.io`, kind `PatchOptions`, no name):
/// `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for
/// apply patch`.
pub fn patch_option_errors(
    is_apply: bool,
    field_manager: &str,
    force_set: bool,
) -> Vec<OptionError> {
    let mut errs = Vec::new();
    if !is_apply && force_set {
        errs.push(OptionError {
            reason: "FieldValueForbidden",
            message: "Forbidden: may not be specified for non-apply patch".into(),
            field: "force",
        });
    }
    if is_apply && field_manager.is_empty() {
        errs.push(OptionError {
            reason: "FieldValueRequired",
            message: "Required value: is required for apply patch".into(),
            field: "fieldManager",
        });
    }
    errs.extend(field_manager_errors(field_manager));
    errs
}
