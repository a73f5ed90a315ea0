//! A kind's Go zero value as kube-apiserver encodes it (`creater.New(kind)`): the live object
//! the field manager and server-side apply compare a create against. What it holds decides the
//! `managedFields` of every create: a map or list there (as `null`) is not owned as a whole
//! (`"f:spec":{"f:replicas":{}}`), one absent is (`"f:data":{".":{},...}`).
//!
//! Encoding a zero struct, Go writes every value struct (`omitempty` never omits one), each
//! `metav1.Time` as `null`, each pointer, slice and map without `omitempty` as `null`, each
//! scalar without it as its zero, and nothing that is `omitempty` and empty. Which Go field is a
//! pointer or `omitempty` comes from `protobuf/go-fields.txt` (read off a Go binary), the field
//! types from the OpenAPI definitions.

use std::collections::HashMap;
use std::sync::OnceLock;

use kubemem_openapi::SchemaRef;
use serde_json::{Map, Value, json};

const GO_FIELDS: &str = include_str!("protobuf/go-fields.txt");

struct GoField {
    json: &'static str,
    pointer: bool,
    omitempty: bool,
}

/// The Go fields of each definition, in struct order; embedded structs (`-`) are left out,
/// which is exact for those kinds embed (`TypeMeta`, and sources whose fields are all
/// `omitempty` pointers).
fn go_fields() -> &'static HashMap<&'static str, Vec<GoField>> {
    static FIELDS: OnceLock<HashMap<&'static str, Vec<GoField>>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        GO_FIELDS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let name = words.next()?;
                let fields = words
                    .filter(|w| *w != "-")
                    .map(|w| {
                        let omitempty = w.ends_with('?');
                        let w = w.trim_end_matches('?');
                        GoField {
                            json: w.trim_end_matches('*'),
                            pointer: w.ends_with('*'),
                            omitempty,
                        }
                    })
                    .collect();
                Some((name, fields))
            })
            .collect()
    })
}

/// The zero value of `group/version, kind`; `{}` for a kind the tables do not know.
pub fn object(group: &str, version: &str, kind: &str) -> Value {
    kubemem_openapi::definitions()
        .schema_for_gvk(group, version, kind)
        .and_then(|schema| zero_struct(&schema))
        .unwrap_or_else(|| json!({}))
}

fn zero_struct(schema: &SchemaRef<'_>) -> Option<Value> {
    let fields = go_fields().get(schema.name()?)?;
    let mut out = Map::new();
    for f in fields {
        let Some(field) = schema.field(f.json) else {
            continue;
        };
        let value = if f.pointer {
            (!f.omitempty).then_some(Value::Null)
        } else {
            zero_field(&field.schema(), f.omitempty)
        };
        if let Some(value) = value {
            out.insert(f.json.to_owned(), value);
        }
    }
    Some(Value::Object(out))
}

/// A non-pointer field's zero as encoded: `None` when `omitempty` leaves it out.
fn zero_field(schema: &SchemaRef<'_>, omitempty: bool) -> Option<Value> {
    match schema.name() {
        Some(
            "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
            | "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
            | "io.k8s.apimachinery.pkg.runtime.RawExtension",
        ) => return Some(Value::Null),
        Some("io.k8s.apimachinery.pkg.api.resource.Quantity") => return Some(json!("0")),
        Some("io.k8s.apimachinery.pkg.util.intstr.IntOrString") => return Some(json!(0)),
        _ => {}
    }
    if schema.has_properties() {
        return Some(zero_struct(schema).unwrap_or_else(|| json!({})));
    }
    if omitempty {
        return None;
    }
    Some(match (schema.type_(), schema.format()) {
        (Some("string"), Some("byte")) | (Some("array"), _) => Value::Null,
        (Some("string"), _) => json!(""),
        (Some("integer" | "number"), _) => json!(0),
        (Some("boolean"), _) => json!(false),
        _ => Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `runtime.DefaultUnstructuredConverter.ToUnstructured(&appsv1.Deployment{})` and
    /// friends give.
    #[test]
    fn zero_values_as_go_encodes_them() {
        assert_eq!(
            object("apps", "v1", "Deployment"),
            json!({"metadata": {"creationTimestamp": null},
                "spec": {"selector": null,
                    "template": {"metadata": {"creationTimestamp": null}, "spec": {"containers": null}},
                    "strategy": {}},
                "status": {}})
        );
        assert_eq!(
            object("", "v1", "ConfigMap"),
            json!({"metadata": {"creationTimestamp": null}})
        );
        assert_eq!(
            object("autoscaling", "v1", "Scale"),
            json!({"metadata": {"creationTimestamp": null}, "spec": {}, "status": {"replicas": 0}})
        );
        assert_eq!(
            object("", "v1", "Service"),
            json!({"metadata": {"creationTimestamp": null}, "spec": {}, "status": {"loadBalancer": {}}})
        );
        assert_eq!(object("example.com", "v1", "Widget"), json!({}));
    }
}
