//! Custom resources against their version's structural schema, in kube-apiserver's order:
//! unknown fields are pruned when the body is decoded (`pkg/apiserver/schema/pruning`, reported
//! as strict decoding reports unknown fields), nulls the schema does not allow dropped and
//! defaults filled in (`pkg/apiserver/schema/defaulting`); the object is then validated by
//! [`super::schema_validator`].
//!
//! Honoured extensions: `x-kubernetes-preserve-unknown-fields` (nothing below is pruned but
//! what a nested schema specifies), `x-kubernetes-embedded-resource` (`apiVersion`, `kind` and
//! `metadata` are kept), `x-kubernetes-int-or-string` (an integer or a string), `nullable`.

use serde_json::{Map, Value};

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

/// `pruning.Prune` of a bare value (a schema's `default`), its root an object's root only when
/// the schema is an embedded resource.
pub fn prune_value_of(schema: &Value, value: &mut Value) {
    prune_value(schema, value, "", &mut Vec::new());
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

/// `PruneNonNullableNullsWithoutDefaults` then `Default`
/// (`pkg/apiserver/schema/defaulting/prunenulls.go`, `algorithm.go`): a `null` the schema
/// neither allows (`nullable`) nor defaults is dropped; a missing field, or a `null` one that
/// is not nullable, takes the schema's `default`.
pub fn default(schema: &Value, value: &mut Value) {
    prune_nulls(Some(schema), value);
    fill_defaults(schema, value);
}

/// The schema of `key` in an object: its property, else `additionalProperties`.
fn field_schema<'a>(schema: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    let schema = schema?;
    schema
        .get("properties")
        .and_then(|p| p.get(key))
        .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
}

/// `isNonNullableNull`: a `null` its schema does not declare `nullable`.
fn non_nullable_null(value: &Value, schema: Option<&Value>) -> bool {
    value.is_null() && schema.is_some_and(|s| !is_true(s, "nullable"))
}

fn prune_nulls(schema: Option<&Value>, value: &mut Value) {
    match value {
        Value::Object(obj) => obj.retain(|key, v| {
            let child = field_schema(schema, key);
            if non_nullable_null(v, child) && child.is_some_and(|c| c.get("default").is_none()) {
                return false;
            }
            prune_nulls(child, v);
            true
        }),
        Value::Array(items) => {
            let item_schema = schema.and_then(|s| s.get("items"));
            for item in items {
                prune_nulls(item_schema, item);
            }
        }
        _ => {}
    }
}

fn fill_defaults(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(obj) => {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (key, child) in properties {
                    if let Some(d) = child.get("default")
                        && obj
                            .get(key)
                            .is_none_or(|v| non_nullable_null(v, Some(child)))
                    {
                        obj.insert(key.clone(), d.clone());
                    }
                }
            }
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, v) in obj.iter_mut() {
                if let Some(child) = schema.get("properties").and_then(|p| p.get(key)) {
                    fill_defaults(child, v);
                } else if let Some(additional) = additional {
                    if non_nullable_null(v, Some(additional))
                        && let Some(d) = additional.get("default")
                    {
                        *v = d.clone();
                    }
                    fill_defaults(additional, v);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    if non_nullable_null(item, Some(item_schema))
                        && let Some(d) = item_schema.get("default")
                    {
                        *item = d.clone();
                    }
                    fill_defaults(item_schema, item);
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

    /// `PruneNonNullableNullsWithoutDefaults` and `Default`: a non-nullable `null` goes, or
    /// takes the default when there is one; a nullable one stays.
    #[test]
    fn nulls_are_dropped_or_defaulted_as_kube_does() {
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "a": {"type": "string"},
            "b": {"type": "integer", "default": 1},
            "c": {"type": "string", "nullable": true},
            "m": {"type": "object", "additionalProperties": {"type": "string"}}
        }}}});
        let mut obj = json!({"spec": {"a": null, "b": null, "c": null, "m": {"k": null}}});
        default(&schema, &mut obj);
        assert_eq!(obj, json!({"spec": {"b": 1, "c": null, "m": {}}}));
    }
}
