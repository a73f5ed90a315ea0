//! Values of the wrong JSON type, found the way decoding into kube-apiserver's Go types finds
//! them: `encoding/json`'s `UnmarshalTypeError`, whose text is
//! `json: cannot unmarshal <value> into Go struct field <Struct>.<path> of type <Go type>` —
//! `<Struct>` the innermost struct holding the field, `<path>` the JSON field names from the
//! root joined with `.` (no array indexes), `<value>` the JSON kind (`number 1.5` for a
//! fraction into an integer). Go reports the first one in document order.
//!
//! A strategic merge patch's result is not decoded from JSON but converted from a
//! `map[string]interface{}` (`runtime.DefaultUnstructuredConverter`), which words the same
//! mistakes its own way and without a path: `cannot restore struct from: string`,
//! `cannot convert int64 to string`, `unrecognized type: int32`.

use serde_json::Value;

use crate::definitions::definitions;
use crate::schema::SchemaRef;

/// How the object reaches its Go type, which decides the words of a type error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoder {
    /// `encoding/json` (`sigs.k8s.io/json`): bodies, JSON and merge patches.
    Json,
    /// The unstructured converter: strategic merge patches.
    Unstructured,
}

/// The first type error of `object`, a `group/version, Kind` object, in Go's words; `None` when
/// every value has a type its field takes (or the kind is unknown).
pub fn type_error(
    group: &str,
    version: &str,
    kind: &str,
    object: &Value,
    decoder: Decoder,
) -> Option<String> {
    let schema = definitions().schema_for_gvk(group, version, kind)?;
    let mut path = Vec::new();
    walk(schema, kind, object, &mut path, decoder)
}

/// `reflect.Kind` of a value of an unstructured map.
fn unstructured_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "invalid",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "slice",
        Value::Object(_) => "map",
    }
}

/// The unstructured converter's refusal of `value` for `schema` (`fromUnstructured`).
fn unstructured_error(schema: &SchemaRef<'_>, value: &Value) -> String {
    let from = unstructured_kind(value);
    if schema.has_properties() {
        return format!("cannot restore struct from: {from}");
    }
    let to = match (schema.type_(), schema.format()) {
        (Some("array"), _) | (Some("string"), Some("byte")) => {
            return format!("cannot restore slice from {from}");
        }
        (Some("string"), _) => "string",
        (Some("integer"), Some("int32")) => "int32",
        (Some("integer"), _) => "int64",
        (Some("number"), _) => "float64",
        (Some("boolean"), _) => "bool",
        _ => return format!("cannot restore map from {from}"),
    };
    // Go converts integers to strings and numbers to numbers, but JSON may not: those are
    // refused after the conversion check; anything else is a type it does not handle.
    let convertible = match from {
        "int64" => to != "bool",
        "float64" => matches!(to, "int32" | "int64" | "float64"),
        other => other == to,
    };
    if convertible {
        format!("cannot convert {from} to {to}")
    } else {
        format!("unrecognized type: {to}")
    }
}

/// The Go type a schema decodes into, as `reflect.Type.String()` prints it.
fn go_type(schema: &SchemaRef<'_>) -> String {
    if let Some(name) = schema.name() {
        return match name {
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => "intstr.IntOrString".into(),
            "io.k8s.apimachinery.pkg.api.resource.Quantity" => "resource.Quantity".into(),
            "io.k8s.apimachinery.pkg.apis.meta.v1.Time" => "v1.Time".into(),
            "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" => "v1.MicroTime".into(),
            other => {
                let mut parts = other.rsplit('.');
                let short = parts.next().unwrap_or(other);
                let package = parts.next().unwrap_or("v1");
                format!("{package}.{short}")
            }
        };
    }
    match (schema.type_(), schema.format()) {
        (Some("string"), Some("byte")) => "[]uint8".into(),
        (Some("string"), _) => "string".into(),
        (Some("integer"), Some("int32")) => "int32".into(),
        (Some("integer"), _) => "int64".into(),
        (Some("number"), _) => "float64".into(),
        (Some("boolean"), _) => "bool".into(),
        (Some("array"), _) => match schema.items() {
            Some(items) => format!("[]{}", go_type(&items)),
            None => "[]interface {}".into(),
        },
        _ => match schema.additional_properties() {
            Some(values) => format!("map[string]{}", go_type(&values)),
            None => "map[string]interface {}".into(),
        },
    }
}

/// How `encoding/json` names a JSON value in the error.
fn json_kind(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

fn walk(
    schema: SchemaRef<'_>,
    parent: &str,
    value: &Value,
    path: &mut Vec<String>,
    decoder: Decoder,
) -> Option<String> {
    if value.is_null() || schema.preserves_unknown_fields() {
        return None;
    }
    let error = |shown: String| {
        Some(match decoder {
            Decoder::Json => format!(
                "json: cannot unmarshal {shown} into Go struct field {parent}.{} of type {}",
                path.join("."),
                go_type(&schema)
            ),
            Decoder::Unstructured => unstructured_error(&schema, value),
        })
    };
    match schema.name() {
        // Both take a string or a number (Quantity: any number; IntOrString: an integer).
        Some("io.k8s.apimachinery.pkg.util.intstr.IntOrString") => {
            return match value {
                Value::String(_) => None,
                Value::Number(n) if n.is_i64() || n.is_u64() => None,
                other => error(json_kind(other)),
            };
        }
        Some("io.k8s.apimachinery.pkg.api.resource.Quantity") => {
            return match value {
                Value::String(_) | Value::Number(_) => None,
                other => error(json_kind(other)),
            };
        }
        _ => {}
    }
    match schema.type_() {
        Some("string") => (!value.is_string())
            .then(|| json_kind(value))
            .and_then(error),
        Some("boolean") => (!value.is_boolean())
            .then(|| json_kind(value))
            .and_then(error),
        Some("number") => (!value.is_number())
            .then(|| json_kind(value))
            .and_then(error),
        Some("integer") => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => None,
            // The converter takes a whole float for an integer.
            Value::Number(n)
                if decoder == Decoder::Unstructured
                    && n.as_f64().is_some_and(|f| f == f.trunc()) =>
            {
                None
            }
            Value::Number(n) => error(format!("number {n}")),
            other => error(json_kind(other)),
        },
        Some("array") => {
            let Value::Array(items) = value else {
                return error(json_kind(value));
            };
            let element = schema.items()?;
            items
                .iter()
                .find_map(|item| walk(element, parent, item, path, decoder))
        }
        _ => {
            let Value::Object(map) = value else {
                return if schema.has_properties() || schema.additional_properties().is_some() {
                    error(json_kind(value))
                } else {
                    None
                };
            };
            if schema.has_properties() {
                let own = schema
                    .name()
                    .and_then(|n| n.rsplit('.').next())
                    .unwrap_or(parent)
                    .to_owned();
                for (key, child) in map {
                    let Some(field) = schema.field(key) else {
                        continue;
                    };
                    path.push(key.clone());
                    let found = walk(field.schema(), &own, child, path, decoder);
                    path.pop();
                    if found.is_some() {
                        return found;
                    }
                }
                None
            } else if let Some(values) = schema.additional_properties() {
                // Map keys are not part of Go's field path.
                map.values()
                    .find_map(|child| walk(values, parent, child, path, decoder))
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Decoder, type_error};

    #[test]
    fn type_errors_in_go_words() {
        /// `(name, (group, version, kind), object, error)`.
        type Case<'a> = (
            &'a str,
            (&'a str, &'a str, &'a str),
            serde_json::Value,
            Option<&'a str>,
        );
        let cases: &[Case] = &[
            (
                "valid",
                ("", "v1", "ConfigMap"),
                json!({"data": {"k": "v"}}),
                None,
            ),
            (
                "a number in a string map",
                ("", "v1", "ConfigMap"),
                json!({"data": {"k": 1}}),
                Some(
                    "json: cannot unmarshal number into Go struct field ConfigMap.data of type string",
                ),
            ),
            (
                "a string for an int32",
                ("apps", "v1", "Deployment"),
                json!({"spec": {"replicas": "two"}}),
                Some(
                    "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
                ),
            ),
            (
                "inside a list: the path has no index",
                ("", "v1", "Pod"),
                json!({"spec": {"containers": [{"name": "c", "image": 3}]}}),
                Some(
                    "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string",
                ),
            ),
            (
                "an object for a list",
                ("", "v1", "Pod"),
                json!({"spec": {"containers": {"name": "c"}}}),
                Some(
                    "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container",
                ),
            ),
            (
                "int-or-string and quantity take both",
                ("", "v1", "Service"),
                json!({"spec": {"ports": [{"port": 80, "targetPort": "http"}]}}),
                None,
            ),
        ];
        for (i, (name, (g, v, k), object, want)) in cases.iter().enumerate() {
            println!("#{i}: {name}");
            assert_eq!(
                type_error(g, v, k, object, Decoder::Json).as_deref(),
                *want,
                "#{i}: {name}"
            );
        }
    }

    #[test]
    fn the_unstructured_converter_words_them_its_own_way() {
        let cases = [
            (json!({"data": {"k": 1}}), "cannot convert int64 to string"),
            (json!({"data": {"k": 1.5}}), "unrecognized type: string"),
            (json!({"data": {"k": true}}), "unrecognized type: string"),
            (json!({"data": "x"}), "cannot restore map from string"),
            (json!({"metadata": []}), "cannot restore struct from: slice"),
            (
                json!({"metadata": {"finalizers": "x"}}),
                "cannot restore slice from string",
            ),
            (json!({"immutable": 1}), "unrecognized type: bool"),
        ];
        for (object, want) in cases {
            assert_eq!(
                type_error("", "v1", "ConfigMap", &object, Decoder::Unstructured).as_deref(),
                Some(want),
                "{object}"
            );
        }
        let deployment = |replicas: Value| json!({"spec": {"replicas": replicas}});
        let error = |v| {
            type_error(
                "apps",
                "v1",
                "Deployment",
                &deployment(v),
                Decoder::Unstructured,
            )
        };
        assert_eq!(
            error(json!("two")).as_deref(),
            Some("unrecognized type: int32")
        );
        assert_eq!(
            error(json!(1.5)).as_deref(),
            Some("cannot convert float64 to int32")
        );
        assert_eq!(error(json!(2.0)), None);
    }
}
