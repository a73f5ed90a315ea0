//! `ValidateConfigMap`, `ValidateSecret` and their updates (the `immutable` field).

use base64::Engine;
use serde_json::{Map, Value};

use super::Write;
use super::common::{IMMUTABLE, MAX_SECRET_SIZE, config_map_key_errors, get, str_of};
use crate::error::Cause;

const SERVICE_ACCOUNT_NAME: &str = "kubernetes.io/service-account.name";

/// The decoded bytes of a `[]byte` field (base64 in JSON); empty when it does not decode.
fn bytes_of(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap_or(""))
        .unwrap_or_default()
}

/// The keys of a map field, sorted (Go iterates it in random order).
fn sorted_keys(obj: &Map<String, Value>, field: &str) -> Vec<String> {
    let mut keys: Vec<String> = obj
        .get(field)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

/// The checks of an object with `immutable: true` stored: it stays immutable and `fields` do
/// not change.
fn immutable_object(
    new: &Map<String, Value>,
    old: &Map<String, Value>,
    fields: &[&str],
) -> Vec<Cause> {
    if old.get("immutable") != Some(&Value::Bool(true)) {
        return Vec::new();
    }
    let detail = "field is immutable when `immutable` is set";
    let mut causes = Vec::new();
    if new.get("immutable") != Some(&Value::Bool(true)) {
        causes.push(Cause::forbidden("immutable", detail));
    }
    for field in fields {
        let present = |o: &Map<String, Value>| o.get(*field).filter(|v| !v.is_null()).cloned();
        if present(new) != present(old) {
            causes.push(Cause::forbidden(field, detail));
        }
    }
    causes
}

/// `ValidateConfigMap` / `ValidateConfigMapUpdate`.
pub fn config_map(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    let mut causes = match write {
        Write::Update { old } => immutable_object(obj, old, &["data", "binaryData"]),
        Write::Create | Write::Status { .. } => Vec::new(),
    };
    let binary = obj.get("binaryData");
    let mut total = 0usize;
    for key in sorted_keys(obj, "data") {
        let field = format!("data[{key}]");
        let value = Value::from(key.as_str());
        causes.extend(
            config_map_key_errors(&key)
                .iter()
                .map(|m| Cause::invalid(&field, &value, m)),
        );
        if get(binary, &key).is_some() {
            causes.push(Cause::invalid(
                &field,
                &value,
                "duplicate of key present in binaryData",
            ));
        }
        total += str_of(obj.get("data"), &key).len();
    }
    for key in sorted_keys(obj, "binaryData") {
        let value = Value::from(key.as_str());
        causes.extend(
            config_map_key_errors(&key)
                .iter()
                .map(|m| Cause::invalid(&format!("binaryData[{key}]"), &value, m)),
        );
        total += get(binary, &key).map_or(0, |v| bytes_of(v).len());
    }
    if total > MAX_SECRET_SIZE {
        causes.push(Cause::too_long("", MAX_SECRET_SIZE));
    }
    causes
}

/// `ValidateSecret` / `ValidateSecretUpdate`.
pub fn secret(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    let mut causes = Vec::new();
    if let Write::Update { old } = write {
        let new_type = str_of_obj(obj, "type");
        if new_type != str_of_obj(old, "type") {
            causes.push(Cause::invalid("type", &Value::from(new_type), IMMUTABLE));
        }
        causes.extend(immutable_object(obj, old, &["data"]));
    }
    let data = obj.get("data");
    let mut total = 0usize;
    for key in sorted_keys(obj, "data") {
        let value = Value::from(key.as_str());
        causes.extend(
            config_map_key_errors(&key)
                .iter()
                .map(|m| Cause::invalid(&format!("data[{key}]"), &value, m)),
        );
        total += get(data, &key).map_or(0, |v| bytes_of(v).len());
    }
    if total > MAX_SECRET_SIZE {
        causes.push(Cause::too_long("data", MAX_SECRET_SIZE));
    }
    let has = |key: &str| get(data, key).is_some();
    let required = |key: &str| Cause::required(&format!("data[{key}]"), "");
    match str_of_obj(obj, "type") {
        "kubernetes.io/service-account-token" => {
            let annotations = obj.get("metadata").and_then(|m| m.get("annotations"));
            if str_of(annotations, SERVICE_ACCOUNT_NAME).is_empty() {
                causes.push(Cause::required(
                    &format!("metadata.annotations[{SERVICE_ACCOUNT_NAME}]"),
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" => causes.extend(docker_config(data, ".dockercfg")),
        "kubernetes.io/dockerconfigjson" => causes.extend(docker_config(data, ".dockerconfigjson")),
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => {
            causes.push(required("username"));
            causes.push(required("password"));
        }
        "kubernetes.io/ssh-auth"
            if get(data, "ssh-privatekey").is_none_or(|v| bytes_of(v).is_empty()) =>
        {
            causes.push(required("ssh-privatekey"));
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !has(key) {
                    causes.push(required(key));
                }
            }
        }
        _ => {}
    }
    causes
}

fn str_of_obj<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a str {
    obj.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The docker config key must be present and hold a JSON object (`json.Unmarshal` into a
/// `map[string]interface{}`).
fn docker_config(data: Option<&Value>, key: &str) -> Option<Cause> {
    let field = format!("data[{key}]");
    let Some(value) = get(data, key) else {
        return Some(Cause::required(&field, ""));
    };
    let bytes = bytes_of(value);
    let error = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(_) | Value::Null) => return None,
        Ok(other) => {
            let kind = match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            };
            format!("json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}")
        }
        Err(e) if e.is_eof() => "unexpected end of JSON input".to_owned(),
        Err(_) => {
            let first = bytes
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .map_or(' ', |b| char::from(*b));
            format!("invalid character '{first}' looking for beginning of value")
        }
    };
    Some(Cause::invalid(
        &field,
        &Value::from("<secret contents redacted>"),
        &error,
    ))
}
