//! Per-kind validation: a minimal valid object of each kind, mutated one way per case, and the
//! exact causes (field, reason, message) kube-apiserver v1.36 gives for it, in its order.

mod autoscaling;
mod batch;
mod cluster;
mod config;
mod service;
mod storage;
mod workloads;

use serde_json::{Map, Value, json};

use super::{Write, validate};
use crate::catalog;
use crate::defaults::apply_defaults;
use crate::kinds::Kind;

/// One expected cause: `(field, reason, message)`.
type Expected = (&'static str, &'static str, String);

/// The defaulted storage form of `obj` (as the registry validates it).
fn defaulted(group: &str, version: &str, resource: &str, obj: Value) -> Map<String, Value> {
    let mut obj = obj.as_object().cloned().expect("an object");
    apply_defaults(group, version, resource, &mut obj);
    obj
}

/// The causes of validating `obj` as a `group/version/resource` write.
fn causes(
    resource: (&str, &str, &str),
    obj: &Map<String, Value>,
    write: Write<'_>,
) -> Vec<(String, String, String)> {
    let (group, version, name) = resource;
    let info = catalog::find_resource(group, version, name).expect("a known resource");
    validate(&Kind::new(info), obj, write)
        .into_iter()
        .map(|c| (c.field, c.reason.to_owned(), c.message))
        .collect()
}

/// A case: a name, the edit of the valid object, the causes expected.
struct Case {
    name: &'static str,
    edit: fn(&mut Value),
    want: Vec<Expected>,
}

fn case(name: &'static str, edit: fn(&mut Value), want: Vec<Expected>) -> Case {
    Case { name, edit, want }
}

fn cause(field: &'static str, reason: &'static str, message: &str) -> Expected {
    (field, reason, message.to_owned())
}

/// Runs creates: `base` must be valid; each case's edit of it must give exactly its causes.
fn run_creates(resource: (&str, &str, &str), base: &Value, cases: Vec<Case>) {
    let (group, version, name) = resource;
    let valid = defaulted(group, version, name, base.clone());
    assert_eq!(
        causes(resource, &valid, Write::Create),
        vec![],
        "the base object is valid"
    );
    for case in cases {
        let mut obj = base.clone();
        (case.edit)(&mut obj);
        let obj = defaulted(group, version, name, obj);
        let got = causes(resource, &obj, Write::Create);
        assert_eq!(got, expected(&case.want), "case {:?}", case.name);
    }
}

/// Runs updates of the valid `base` (the stored object) to each case's edit of it.
fn run_updates(resource: (&str, &str, &str), base: &Value, cases: Vec<Case>) {
    let (group, version, name) = resource;
    let old = defaulted(group, version, name, base.clone());
    assert_eq!(
        causes(resource, &old, Write::Update { old: &old }),
        vec![],
        "an update that changes nothing is valid"
    );
    for case in cases {
        let mut obj = base.clone();
        (case.edit)(&mut obj);
        let obj = defaulted(group, version, name, obj);
        let got = causes(resource, &obj, Write::Update { old: &old });
        assert_eq!(got, expected(&case.want), "case {:?}", case.name);
    }
}

fn expected(want: &[Expected]) -> Vec<(String, String, String)> {
    want.iter()
        .map(|(f, r, m)| ((*f).to_owned(), (*r).to_owned(), m.clone()))
        .collect()
}

/// A pod template whose spec is valid, labelled `app: web`.
fn template(restart_policy: &str) -> Value {
    json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {
            "restartPolicy": restart_policy,
            "containers": [{"name": "web", "image": "nginx"}]
        }
    })
}

/// The value at a `/`-separated path of `v` (numbers index arrays), created (as objects)
/// where missing.
fn at<'a>(v: &'a mut Value, path: &str) -> &'a mut Value {
    path.split('/').fold(v, |v, key| {
        if let Ok(i) = key.parse::<usize>()
            && v.is_array()
        {
            return &mut v[i];
        }
        if !v.is_object() {
            *v = json!({});
        }
        v.as_object_mut()
            .expect("an object")
            .entry(key)
            .or_insert(Value::Null)
    })
}

/// Removes the member at a `/`-separated path.
fn remove(v: &mut Value, path: &str) {
    let (parent, key) = path.rsplit_once('/').map_or(("", path), |(p, k)| (p, k));
    let parent = if parent.is_empty() { v } else { at(v, parent) };
    if let Some(map) = parent.as_object_mut() {
        map.remove(key);
    }
}
