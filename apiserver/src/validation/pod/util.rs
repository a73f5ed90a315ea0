//! What the pod validators share beyond `common`'s JSON readers: `field.Path` building, the
//! readers only pod fields need (a missing or `null` field reads as Go's zero value), and the
//! small checks of `k8s.io/apimachinery/pkg/util/validation` and `apis/meta/v1/validation` they
//! call.

use serde_json::Value;

use crate::error::Cause;
use crate::names;
use crate::quantity::Quantity;
use crate::validation::common::string_pairs;

/// `path.Child(name)`.
pub fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// `path.Index(i)`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// `path.Key(k)`.
pub fn key(path: &str, k: &str) -> String {
    format!("{path}[{k}]")
}

/// A boolean field, `false` when unset.
pub fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

/// A map or list that Go would hold non-empty.
pub fn non_empty(v: &Value, k: &str) -> bool {
    match v.get(k) {
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

/// `Quantity.String()` of a parsed quantity.
pub fn quantity_string(q: &Quantity) -> String {
    q.string().unwrap_or_default()
}

/// `validation.IsDNS1123SubdomainWithUnderscore`.
pub fn is_dns1123_subdomain_with_underscore(value: &str) -> Vec<String> {
    const FMT: &str = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*";
    let mut errs = Vec::new();
    if value.len() > names::DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(format!(
            "must be no more than {} characters",
            names::DNS1123_SUBDOMAIN_MAX_LENGTH
        ));
    }
    let label_ok = |label: &str| {
        let l = label.strip_prefix('_').unwrap_or(label).as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        match (l.first(), l.last()) {
            (Some(first), Some(last)) => {
                alnum(first)
                    && alnum(last)
                    && l.iter().all(|c| alnum(c) || matches!(c, b'-' | b'_'))
            }
            _ => false,
        }
    };
    if !value.split('.').all(label_ok) {
        errs.push(format!(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{FMT}')"
        ));
    }
    errs
}

/// `validation.IsRelaxedEnvVarName` (the `RelaxedEnvironmentVariableValidation` gate is on in
/// v1.36); the caller reports an empty name as required first.
pub fn env_var_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.is_empty() {
        errs.push("environment variable name must be non-empty".to_owned());
    }
    if value.chars().any(|c| !(' '..='~').contains(&c) || c == '=') {
        errs.push(
            "a valid environment variable name must consist only of printable ASCII characters other than '='"
                .to_owned(),
        );
    }
    errs
}

/// `validatePathNoBacksteps`.
pub fn path_no_backsteps(target: &str, path: &str) -> Vec<Cause> {
    if target.split('/').any(|part| part == "..") {
        vec![Cause::invalid(
            path,
            &Value::from(target),
            "must not contain '..'",
        )]
    } else {
        Vec::new()
    }
}

/// `validateLocalDescendingPath`.
pub fn local_descending_path(target: &str, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    if target.starts_with('/') {
        errs.push(Cause::invalid(
            path,
            &Value::from(target),
            "must be a relative path",
        ));
    }
    errs.extend(path_no_backsteps(target, path));
    errs
}

/// `ValidateLocalNonReservedPath`.
pub fn local_non_reserved_path(target: &str, path: &str) -> Vec<Cause> {
    let mut errs = local_descending_path(target, path);
    if target.starts_with("..") && !target.starts_with("../") {
        errs.push(Cause::invalid(
            path,
            &Value::from(target),
            "must not start with '..'",
        ));
    }
    errs
}

/// `unversionedvalidation.ValidateLabels` of a `map[string]string` field.
pub fn labels(v: &Value, k: &str, path: &str) -> Vec<Cause> {
    names::validate_labels(string_pairs(v.get(k)), path)
}

/// A string-valued `NotSupported` with Go's list of supported values.
pub fn not_supported(path: &str, value: &str, supported: &[&str]) -> Cause {
    Cause::not_supported(path, &Value::from(value), supported)
}
