//! Unknown fields, found the way kube-apiserver's strict decoding finds them.
//!
//! kube-apiserver decodes built-in kinds with `sigs.k8s.io/json` (case-sensitive, unknown
//! fields collected instead of failing at the first). Each unknown field is reported as
//! `unknown field "<path>"`, the path being the JSON field names from the root joined with `.`,
//! array elements as `[<index>]` and map values under their key:
//! `unknown field "spec.template.spec.containers[0].imagee"`. A key repeated in one object is
//! `duplicate field "<path>"`, reported where the repeat stands (a repeated unknown key only as
//! unknown, once). They come in document order; `fieldValidation=Strict` fails the request with
//! all of them joined by `, ` after `strict decoding error: `, `Warn` sends one warning each.
//!
//! What is walked: a property is known when the object's definition lists it; an object with
//! `additionalProperties` (a Go map) accepts any key and checks each value; objects without
//! properties (`RawExtension`, `FieldsV1`) and `x-kubernetes-preserve-unknown-fields` accept
//! anything. A value whose JSON type does not match is not walked (that is a type error, not an
//! unknown field).

use std::fmt::Write as _;

use serde_json::Value;

use crate::definitions::definitions;
use crate::schema::SchemaRef;

/// A key that appeared again in one JSON object, as the body's parser saw it: `parent` is the
/// path of the object (as findings write paths), `position` the number of distinct keys the
/// object had when the repeat came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub parent: String,
    pub position: usize,
    pub key: String,
}

impl Duplicate {
    /// The repeated key's path (`spec.paused`).
    pub fn path(&self) -> String {
        let mut path = self.parent.clone();
        push_field(&mut path, &self.key);
        path
    }
}

/// One strict-decoding finding, with its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    Unknown(String),
    Duplicate(String),
}

impl Finding {
    pub fn path(&self) -> &str {
        match self {
            Finding::Unknown(path) | Finding::Duplicate(path) => path,
        }
    }

    /// The word of kube's message: `<word> field "<path>"`.
    pub fn word(&self) -> &'static str {
        match self {
            Finding::Unknown(_) => "unknown",
            Finding::Duplicate(_) => "duplicate",
        }
    }
}

/// Removes the unknown fields of `object` (what decoding into the Go type drops) and returns
/// them, with the `duplicates` the parser found inside known objects, in document order, in one
/// walk. Nothing is removed for an unknown kind.
pub fn prune(
    group: &str,
    version: &str,
    kind: &str,
    object: &mut Value,
    duplicates: &[Duplicate],
) -> Vec<Finding> {
    let mut walk = Prune {
        duplicates,
        path: String::new(),
        out: Vec::new(),
    };
    if let Some(schema) = definitions().schema_for_gvk(group, version, kind) {
        walk.value(schema, object);
    }
    walk.out
}

struct Prune<'a> {
    duplicates: &'a [Duplicate],
    /// The path of the value being walked (empty at the root).
    path: String,
    out: Vec<Finding>,
}

impl Prune<'_> {
    fn value(&mut self, schema: SchemaRef<'_>, value: &mut Value) {
        if schema.preserves_unknown_fields() {
            return;
        }
        match value {
            Value::Object(map) => {
                let known = |key: &str| schema.field(key).is_some();
                if schema.has_properties() {
                    let mut unknown = Vec::new();
                    for (i, (key, child)) in map.iter_mut().enumerate() {
                        self.repeats_at(i, &known);
                        let len = push_field(&mut self.path, key);
                        match schema.field(key) {
                            Some(field) => self.value(field.schema(), child),
                            None => {
                                self.out.push(Finding::Unknown(self.path.clone()));
                                unknown.push(key.clone());
                            }
                        }
                        self.path.truncate(len);
                    }
                    self.repeats_at(map.len(), &known);
                    for key in unknown {
                        map.remove(&key);
                    }
                } else if let Some(values) = schema.additional_properties() {
                    for (i, (key, child)) in map.iter_mut().enumerate() {
                        self.repeats_at(i, &|_| true);
                        let len = push_field(&mut self.path, key);
                        self.value(values, child);
                        self.path.truncate(len);
                    }
                    self.repeats_at(map.len(), &|_| true);
                }
            }
            Value::Array(items) => {
                if let Some(element) = schema.items() {
                    for (i, child) in items.iter_mut().enumerate() {
                        let len = self.path.len();
                        // Writing to a String cannot fail.
                        let _ = write!(self.path, "[{i}]");
                        self.value(element, child);
                        self.path.truncate(len);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reports the repeats of known keys that came after the object's first `position` keys.
    fn repeats_at(&mut self, position: usize, known: &dyn Fn(&str) -> bool) {
        for d in self.duplicates {
            if d.position == position && d.parent == self.path && known(&d.key) {
                self.out.push(Finding::Duplicate(d.path()));
            }
        }
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
        assert_eq!(
            paths(prune("", "v1", "Pod", &mut pod, &[])),
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
            let mut object = object.clone();
            assert_eq!(
                paths(prune(g, v, k, &mut object, &[])),
                *want,
                "#{i}: {name}"
            );
        }
    }

    fn paths(findings: Vec<Finding>) -> Vec<String> {
        findings.iter().map(|f| f.path().to_owned()).collect()
    }

    /// kube's field-validation integration test: the deployment with `unknownDupe` and `paused`
    /// twice in its spec and `imagePullPolicy` twice in its container.
    #[test]
    fn duplicates_come_where_the_repeat_stands() {
        let mut deployment = json!({"metadata": {"name": "d"},
            "spec": {"unknown1": "v", "unknownDupe": "v2", "paused": false, "selector": {},
                     "template": {"spec": {"containers": [
                         {"name": "n", "image": "i", "unknownNested": "v", "imagePullPolicy": "Never"}]}}}});
        let duplicates = [
            Duplicate {
                parent: "spec".into(),
                position: 2,
                key: "unknownDupe".into(),
            },
            Duplicate {
                parent: "spec".into(),
                position: 3,
                key: "paused".into(),
            },
            Duplicate {
                parent: "spec.template.spec.containers[0]".into(),
                position: 4,
                key: "imagePullPolicy".into(),
            },
        ];
        let findings = prune("apps", "v1", "Deployment", &mut deployment, &duplicates);
        assert_eq!(
            findings,
            [
                Finding::Unknown("spec.unknown1".into()),
                Finding::Unknown("spec.unknownDupe".into()),
                Finding::Duplicate("spec.paused".into()),
                Finding::Unknown("spec.template.spec.containers[0].unknownNested".into()),
                Finding::Duplicate("spec.template.spec.containers[0].imagePullPolicy".into()),
            ]
        );
    }

    #[test]
    fn duplicates_in_maps_and_at_the_end() {
        let mut cm =
            json!({"metadata": {"name": "c", "labels": {"a": "1", "b": "2"}}, "data": {"k": "v"}});
        let duplicates = [
            Duplicate {
                parent: "metadata.labels".into(),
                position: 1,
                key: "a".into(),
            },
            Duplicate {
                parent: String::new(),
                position: 2,
                key: "data".into(),
            },
        ];
        let findings = prune("", "v1", "ConfigMap", &mut cm, &duplicates);
        assert_eq!(
            findings,
            [
                Finding::Duplicate("metadata.labels.a".into()),
                Finding::Duplicate("data".into())
            ]
        );
    }
}
