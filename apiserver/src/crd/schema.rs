//! Custom resources against their version's structural schema, in kube-apiserver's order:
//! unknown fields are pruned when the body is decoded (`pkg/apiserver/schema/pruning`, reported
//! as strict decoding reports unknown fields), defaults filled in
//! (`pkg/apiserver/schema/defaulting`), then the object is validated
//! (`pkg/apiserver/validation`: kube-openapi's validator, its results turned into field errors
//! by `kubeOpenAPIResultToFieldErrors`).
//!
//! Honoured extensions: `x-kubernetes-preserve-unknown-fields` (nothing below is pruned but
//! what a nested schema specifies), `x-kubernetes-embedded-resource` (`apiVersion`, `kind` and
//! `metadata` are kept), `x-kubernetes-int-or-string` (an integer or a string), `nullable`.

use serde_json::{Map, Value};

use crate::error::Cause;

fn is_true(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool) == Some(true)
}

/// Removes what the schema does not specify; returns the removed fields' paths in document
/// order. `apiVersion`, `kind` and `metadata` at the root are always kept.
pub fn prune(schema: &Value, obj: &mut Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    prune_object(schema, obj, "", true, &mut out);
    out
}

fn prune_object(
    schema: &Value,
    obj: &mut Map<String, Value>,
    path: &str,
    root: bool,
    out: &mut Vec<String>,
) {
    let preserve = is_true(schema, "x-kubernetes-preserve-unknown-fields");
    let embedded = root || is_true(schema, "x-kubernetes-embedded-resource");
    let properties = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    let keys: Vec<String> = obj.keys().cloned().collect();
    for key in keys {
        if embedded && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        let child_path = join(path, &key);
        let child_schema = properties.and_then(|p| p.get(&key)).or(additional);
        match child_schema {
            Some(child_schema) => {
                if let Some(value) = obj.get_mut(&key) {
                    prune_value(child_schema, value, &child_path, out);
                }
            }
            None if preserve || additional_allows_all(schema) => {}
            None => {
                obj.remove(&key);
                out.push(child_path);
            }
        }
    }
}

/// `additionalProperties: true` keeps every field, as preserving does.
fn additional_allows_all(schema: &Value) -> bool {
    schema.get("additionalProperties") == Some(&Value::Bool(true))
}

fn prune_value(schema: &Value, value: &mut Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(obj) => prune_object(schema, obj, path, false, out),
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_value(item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// Fills in the schema's `default`s for missing fields of the objects present.
pub fn default(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(obj) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (key, child) in properties {
                    if !obj.contains_key(key)
                        && let Some(d) = child.get("default")
                    {
                        obj.insert(key.clone(), d.clone());
                    }
                }
                for (key, child) in properties {
                    if let Some(v) = obj.get_mut(key) {
                        default(child, v);
                    }
                }
            } else if let Some(additional) =
                schema.get("additionalProperties").filter(|a| a.is_object())
            {
                for v in obj.values_mut() {
                    default(additional, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    default(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// The causes of a custom resource against its schema. `metadata`, `apiVersion` and `kind` at
/// the root are the registry's (kube's validator skips them too).
pub fn validate(schema: &Value, obj: &Map<String, Value>) -> Vec<Cause> {
    let mut out = Vec::new();
    let mut root = obj.clone();
    for key in ["apiVersion", "kind", "metadata"] {
        root.remove(key);
    }
    let mut root_schema = schema.clone();
    if let Some(props) = root_schema
        .get_mut("properties")
        .and_then(Value::as_object_mut)
    {
        for key in ["apiVersion", "kind", "metadata"] {
            props.remove(key);
        }
    }
    if let Some(required) = root_schema
        .get_mut("required")
        .and_then(Value::as_array_mut)
    {
        required.retain(|r| !matches!(r.as_str(), Some("apiVersion" | "kind" | "metadata")));
    }
    check(&root_schema, &Value::Object(root), "", &mut out);
    out
}

/// The JSON-schema type of a value as kube-openapi names it.
fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_matches(expected: &str, actual: &str) -> bool {
    expected == actual || (expected == "number" && actual == "integer")
}

/// `field.TypeInvalid`.
fn type_invalid(path: &str, value: &Value, detail: &str) -> Cause {
    let mut cause = Cause::invalid(path, value, detail);
    cause.reason = "FieldValueTypeInvalid";
    cause
}

/// Go's `%v` of a JSON number from a schema bound.
fn bound(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Some(f) => f.to_string(),
        None => v.to_string(),
    }
}

fn check(schema: &Value, value: &Value, path: &str, out: &mut Vec<Cause>) {
    let shown_path = if path.is_empty() { "<root>" } else { path };
    let actual = type_of(value);
    if is_true(schema, "x-kubernetes-int-or-string") {
        if !matches!(actual, "integer" | "string") {
            out.push(type_invalid(
                shown_path,
                value,
                &format!("{shown_path} in body must be of type integer,string: {actual:?}"),
            ));
            return;
        }
    } else if let Some(expected) = schema.get("type").and_then(Value::as_str)
        && !type_matches(expected, actual)
    {
        if actual == "null" && is_true(schema, "nullable") {
            return;
        }
        out.push(type_invalid(
            shown_path,
            value,
            &format!("{shown_path} in body must be of type {expected}: {actual:?}"),
        ));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        let supported: Vec<String> = options
            .iter()
            .map(|o| match o {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        let supported: Vec<&str> = supported.iter().map(String::as_str).collect();
        out.push(Cause::not_supported(shown_path, value, &supported));
    }
    match value {
        Value::Number(_) => check_number(schema, value, shown_path, out),
        Value::String(s) => check_string(schema, value, s, shown_path, out),
        Value::Array(items) => {
            check_count(schema, value, items.len(), ITEMS, shown_path, out);
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(item_schema, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        Value::Object(obj) => {
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !obj.contains_key(required) {
                    out.push(Cause::required(&join(path, required), ""));
                }
            }
            check_count(schema, value, obj.len(), PROPERTIES, shown_path, out);
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, child) in obj {
                let child_schema = properties.and_then(|p| p.get(key)).or(additional);
                if let Some(child_schema) = child_schema {
                    check(child_schema, child, &join(path, key), out);
                }
            }
        }
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The bounds keywords of what an array or object counts, and its name in messages.
const ITEMS: [&str; 3] = ["maxItems", "minItems", "items"];
const PROPERTIES: [&str; 3] = ["maxProperties", "minProperties", "properties"];

/// `[max_key, min_key, noun]` against the `len` entries of `value`.
fn check_count(
    schema: &Value,
    value: &Value,
    len: usize,
    [max_key, min_key, noun]: [&str; 3],
    shown_path: &str,
    out: &mut Vec<Cause>,
) {
    if let Some(max) = schema.get(max_key).and_then(Value::as_u64)
        && len as u64 > max
    {
        out.push(Cause::too_many(shown_path, len, max as usize));
    }
    if let Some(min) = schema.get(min_key).and_then(Value::as_u64)
        && (len as u64) < min
    {
        out.push(Cause::invalid(
            shown_path,
            value,
            &format!("{shown_path} in body should have at least {min} {noun}"),
        ));
    }
}

fn check_number(schema: &Value, value: &Value, path: &str, out: &mut Vec<Cause>) {
    let Some(n) = value.as_f64() else { return };
    let exclusive = |key: &str| is_true(schema, key);
    if let Some(min) = schema.get("minimum")
        && let Some(m) = min.as_f64()
    {
        let (bad, words) = if exclusive("exclusiveMinimum") {
            (n <= m, "greater than")
        } else {
            (n < m, "greater than or equal to")
        };
        if bad {
            out.push(Cause::invalid(
                path,
                value,
                &format!("{path} in body should be {words} {}", bound(min)),
            ));
        }
    }
    if let Some(max) = schema.get("maximum")
        && let Some(m) = max.as_f64()
    {
        let (bad, words) = if exclusive("exclusiveMaximum") {
            (n >= m, "less than")
        } else {
            (n > m, "less than or equal to")
        };
        if bad {
            out.push(Cause::invalid(
                path,
                value,
                &format!("{path} in body should be {words} {}", bound(max)),
            ));
        }
    }
    if let Some(factor) = schema.get("multipleOf").and_then(Value::as_f64)
        && factor != 0.0
        && (n / factor).fract() != 0.0
    {
        out.push(Cause::invalid(
            path,
            value,
            &format!(
                "{path} in body should be a multiple of {}",
                bound(&schema["multipleOf"])
            ),
        ));
    }
}

fn check_string(schema: &Value, value: &Value, s: &str, path: &str, out: &mut Vec<Cause>) {
    let chars = s.chars().count() as u64;
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && chars > max
    {
        out.push(Cause::too_long(path, max as usize));
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && chars < min
    {
        out.push(Cause::invalid(
            path,
            value,
            &format!("{path} in body should be at least {min} chars long"),
        ));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Ok(re) = regex::Regex::new(pattern)
        && !re.is_match(s)
    {
        out.push(Cause::invalid(
            path,
            value,
            &format!("{path} in body should match '{pattern}'"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": {"type": "string", "minLength": 2, "maxLength": 10, "pattern": "^[a-z]+$"},
                        "replicas": {"type": "integer", "minimum": 1, "maximum": 5, "default": 1},
                        "color": {"type": "string", "enum": ["red", "blue"]},
                        "port": {"x-kubernetes-int-or-string": true},
                        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object"}}},
                        "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}}
                    }
                }
            }
        })
    }

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn prunes_what_the_schema_does_not_specify() {
        let mut obj = map(json!({
            "apiVersion": "x/v1", "kind": "X", "metadata": {"name": "a"},
            "junk": 1,
            "spec": {
                "image": "nginx", "unknown": true,
                "extra": {"anything": {"goes": 1}},
                "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"dropped": 1}, "other": 2}
            }
        }));
        let pruned = prune(&schema(), &mut obj);
        assert_eq!(
            pruned,
            [
                "junk",
                "spec.unknown",
                "spec.template.spec.dropped",
                "spec.template.other"
            ]
        );
        assert_eq!(
            Value::Object(obj),
            json!({
                "apiVersion": "x/v1", "kind": "X", "metadata": {"name": "a"},
                "spec": {
                    "image": "nginx",
                    "extra": {"anything": {"goes": 1}},
                    "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}
                }
            })
        );
    }

    #[test]
    fn defaults_missing_fields_of_present_objects() {
        let mut obj = json!({"spec": {"image": "x"}});
        default(&schema(), &mut obj);
        assert_eq!(obj, json!({"spec": {"image": "x", "replicas": 1}}));
        let mut empty = json!({});
        default(&schema(), &mut empty);
        assert_eq!(empty, json!({}));
    }

    #[test]
    fn validation_messages_are_kube_openapis() {
        let obj = map(json!({"spec": {
            "image": "N", "replicas": 9, "color": "green", "port": true, "tags": ["a", "b", 3]
        }}));
        let messages: Vec<String> = validate(&schema(), &obj)
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        assert_eq!(
            messages,
            [
                "spec.image: Invalid value: \"N\": spec.image in body should be at least 2 chars long",
                "spec.image: Invalid value: \"N\": spec.image in body should match '^[a-z]+$'",
                "spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5",
                "spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"",
                "spec.port: Invalid value: true: spec.port in body must be of type integer,string: \"boolean\"",
                "spec.tags: Too many: 3: must have at most 2 items",
                "spec.tags[2]: Invalid value: 3: spec.tags[2] in body must be of type string: \"integer\"",
            ]
        );
        let missing = validate(&schema(), &map(json!({"spec": {}})));
        assert_eq!(missing[0].field, "spec.image");
        assert_eq!(missing[0].message, "Required value");
    }
}
