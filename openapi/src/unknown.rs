//! Unknown fields, found the way kube-apiserver's strict decoding finds them.
//!
//! kube-apiserver decodes built-in kinds with `sigs.k8s.io/json` (case-sensitive, unknown
//! fields collected instead of failing at the first). Each unknown field is reported as
//! `unknown field "<path>"`, the path being the JSON field names from the root joined with `.`,
//! array elements as `[<index>]` and map values under their key:
//! `unknown field "spec.template.spec.containers[0].imagee"`. They come in document order;
//! `fieldValidation=Strict` fails the request with all of them joined by `, ` after
//! `strict decoding error: `, `Warn` sends one warning each.
//!
//! What is walked: a property is known when the object's definition lists it; an object with
//! `additionalProperties` (a Go map) accepts any key and checks each value; objects without
//! properties (`RawExtension`, `FieldsV1`) and `x-kubernetes-preserve-unknown-fields` accept
//! anything. A value whose JSON type does not match is not walked (that is a type error, not an
//! unknown field).

use serde_json::Value;

use crate::definitions::{SchemaRef, definitions};

/// The unknown fields of `object`, a `group/version, Kind` object, as paths (`spec.foo`,
/// `spec.containers[0].bogus`). Empty when the kind is unknown.
pub fn unknown_fields(group: &str, version: &str, kind: &str, object: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(schema) = definitions().schema_for_gvk(group, version, kind) {
        walk(schema, object, &mut String::new(), &mut out);
    }
    out
}

/// The messages kube-apiserver gives for `unknown_fields` (`unknown field "spec.foo"`).
pub fn unknown_field_messages(
    group: &str,
    version: &str,
    kind: &str,
    object: &Value,
) -> Vec<String> {
    unknown_fields(group, version, kind, object)
        .into_iter()
        .map(|path| format!("unknown field \"{path}\""))
        .collect()
}

/// Removes the unknown fields of `object` (what decoding into the Go type drops), returning
/// their paths as [`unknown_fields`] gives them, in one walk. Nothing is removed for an unknown
/// kind.
pub fn prune(group: &str, version: &str, kind: &str, object: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(schema) = definitions().schema_for_gvk(group, version, kind) {
        prune_walk(schema, object, &mut String::new(), &mut out);
    }
    out
}

fn prune_walk(schema: SchemaRef<'_>, value: &mut Value, path: &mut String, out: &mut Vec<String>) {
    if schema.preserves_unknown_fields() {
        return;
    }
    match value {
        Value::Object(map) => {
            if schema.properties().is_some() {
                let mut unknown = Vec::new();
                for (key, child) in map.iter_mut() {
                    let len = push_field(path, key);
                    match schema.field(key) {
                        Some(field) => prune_walk(field.schema(), child, path, out),
                        None => {
                            out.push(path.clone());
                            unknown.push(key.clone());
                        }
                    }
                    path.truncate(len);
                }
                for key in unknown {
                    map.remove(&key);
                }
            } else if let Some(values) = schema.additional_properties() {
                for (key, child) in map.iter_mut() {
                    let len = push_field(path, key);
                    prune_walk(values, child, path, out);
                    path.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            if let Some(element) = schema.items() {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    prune_walk(element, child, path, out);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// Checks `value` against `schema`; `path` is the path of `value` (empty at the root).
fn walk(schema: SchemaRef<'_>, value: &Value, path: &mut String, out: &mut Vec<String>) {
    if schema.preserves_unknown_fields() {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(properties) = schema.properties() {
                for (key, child) in map {
                    let len = push_field(path, key);
                    match properties.get(key) {
                        Some(_) => {
                            let field = schema.field(key).expect("listed property");
                            walk(field.schema(), child, path, out);
                        }
                        None => out.push(path.clone()),
                    }
                    path.truncate(len);
                }
            } else if let Some(values) = schema.additional_properties() {
                for (key, child) in map {
                    let len = push_field(path, key);
                    walk(values, child, path, out);
                    path.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            if let Some(element) = schema.items() {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(element, child, path, out);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// Appends `.key` (or `key` at the root) and returns the length to truncate back to.
fn push_field(path: &mut String, key: &str) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
    len
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `(name, (group, version, kind), object, unknown paths)`.
    type Case = (
        &'static str,
        (&'static str, &'static str, &'static str),
        Value,
        &'static [&'static str],
    );

    #[test]
    fn prune_drops_what_unknown_fields_reports() {
        let mut pod = json!({"foo": 1, "metadata": {"name": "p", "labels": {"a": "b"}},
            "spec": {"containers": [{"name": "c", "bogus": true, "env": [{"name": "X", "nope": 1}]}]}});
        let unknown = prune("", "v1", "Pod", &mut pod);
        assert_eq!(
            unknown,
            [
                "foo",
                "spec.containers[0].bogus",
                "spec.containers[0].env[0].nope"
            ]
        );
        assert_eq!(
            pod,
            json!({"metadata": {"name": "p", "labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "env": [{"name": "X"}]}]}})
        );
    }

    #[test]
    fn unknown_field_table() {
        let cases: &[Case] = &[
            (
                "a valid pod",
                ("", "v1", "Pod"),
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"x": "y"}},
                       "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]}}),
                &[],
            ),
            (
                "top level and spec",
                ("", "v1", "Pod"),
                json!({"foo": 1, "spec": {"bar": true}}),
                &["foo", "spec.bar"],
            ),
            (
                "inside a list, in document order",
                ("", "v1", "Pod"),
                json!({"spec": {"containers": [{"name": "a"}, {"name": "b", "bogus": 1, "ports": [{"nope": 1}]}]}}),
                &[
                    "spec.containers[1].bogus",
                    "spec.containers[1].ports[0].nope",
                ],
            ),
            (
                "metadata is ObjectMeta; labels and annotations are maps",
                ("apps", "v1", "Deployment"),
                json!({"metadata": {"name": "d", "labels": {"anything": "goes"}, "nam": "x"},
                       "spec": {"replicass": 1, "template": {"spec": {"containers": [{"imagee": "x"}]}}}}),
                &[
                    "metadata.nam",
                    "spec.replicass",
                    "spec.template.spec.containers[0].imagee",
                ],
            ),
            (
                "keys are case-sensitive",
                ("", "v1", "ConfigMap"),
                json!({"Data": {"a": "b"}, "data": {"a": "b"}}),
                &["Data"],
            ),
            (
                "raw extension and managed fields accept anything",
                ("apps", "v1", "ControllerRevision"),
                json!({"data": {"whatever": {"deep": 1}},
                       "metadata": {"managedFields": [{"fieldsV1": {"f:spec": {}}, "bogus": 1}]}}),
                &["metadata.managedFields[0].bogus"],
            ),
            (
                "map values are walked under their key",
                ("", "v1", "Service"),
                json!({"spec": {"selector": {"app": "x"}, "ports": [{"port": 80, "targetPort": "http", "x": 1}]}}),
                &["spec.ports[0].x"],
            ),
            (
                "wrong JSON types are not unknown fields",
                ("", "v1", "Pod"),
                json!({"spec": "nope", "metadata": {"labels": ["a"]}}),
                &[],
            ),
            (
                "ingress backend in the old shape",
                ("networking.k8s.io", "v1", "Ingress"),
                json!({"spec": {"rules": [{"http": {"paths": [{"backend": {"serviceName": "s", "servicePort": 80}}]}}]}}),
                &[
                    "spec.rules[0].http.paths[0].backend.serviceName",
                    "spec.rules[0].http.paths[0].backend.servicePort",
                ],
            ),
            (
                "unknown kind",
                ("example.com", "v1", "Widget"),
                json!({"anything": 1}),
                &[],
            ),
        ];
        for (i, (name, (g, v, k), object, want)) in cases.iter().enumerate() {
            assert_eq!(unknown_fields(g, v, k, object), *want, "#{i}: {name}");
        }
    }

    #[test]
    fn messages_quote_the_path() {
        assert_eq!(
            unknown_field_messages("", "v1", "Pod", &json!({"spec": {"foo": 1}})),
            ["unknown field \"spec.foo\""]
        );
    }
}
