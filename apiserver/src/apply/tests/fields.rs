//! `FieldsV1`, paths, values and times as SMD and Go write them; and no panic on odd input.

use serde_json::{Value, json};

use super::kinds;
use super::support::yaml;
use crate::apply::path::{PathElement, path_string};
use crate::apply::schema::Deduced;
use crate::apply::set::FieldSet;
use crate::apply::value;
use crate::apply::{self, Scope};
use crate::clock;
use crate::error::go_quote;

#[test]
fn fields_v1_round_trips() {
    let cases = [
        r#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{}}}}}"#,
        r#"{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}}}}"#,
        r#"{"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/a\"":{}}}}"#,
        r#"{"f:list":{"i:0":{},"i:10":{},"i:2":{}}}"#,
        r#"{"f:a":{},"f:b":{"f:c":{}}}"#,
        r#"{"f:data":{"f:a\u003cb":{}},"f:k":{"k:{\"name\":\"x\\u0026y\"}":{}}}"#,
    ];
    for text in cases {
        let v: Value = serde_json::from_str(text).unwrap();
        let set = FieldSet::from_fields_v1(&v).unwrap();
        let back = set.to_fields_v1();
        println!("{text}\n  -> {back}");
        assert_eq!(FieldSet::from_fields_v1(&back).unwrap(), set);
    }
    // Order: fields, then keys, then values, then indexes (by number); keys sorted; "." first.
    let v = json!({"i:10":{},"i:2":{},"v:1":{},"k:{\"b\":1,\"a\":2}":{"f:z":{},"f:y":{}},"f:x":{},".":{}});
    let set = FieldSet::from_fields_v1(&json!({"f:top": v})).unwrap();
    assert_eq!(
        set.to_fields_v1().to_string(),
        r#"{"f:top":{".":{},"f:x":{},"k:{\"a\":2,\"b\":1}":{"f:y":{},"f:z":{}},"v:1":{},"i:2":{},"i:10":{}}}"#
    );
    // Unknown element types are dropped; malformed keys are errors.
    let set = FieldSet::from_fields_v1(&json!({"x:future":{},"f:a":{}})).unwrap();
    assert_eq!(set.to_fields_v1(), json!({"f:a":{}}));
    for bad in [
        json!({"f":{}}),
        json!({"fa":{}}),
        json!({"k:[1]":{}}),
        json!({"i:x":{}}),
        json!({"f:a":1}),
        json!(3),
    ] {
        let e = FieldSet::from_fields_v1(&bad);
        println!("{bad} -> {e:?}");
        assert!(e.is_err(), "{bad}");
    }
    // HTML characters in values are escaped as Go writes them.
    let pe = PathElement::Key(vec![("name".into(), json!("a<b&c"))]);
    assert_eq!(pe.serialize(), r#"k:{"name":"a\u003cb\u0026c"}"#);
    assert_eq!(PathElement::Value(json!(1.5)).serialize(), "v:1.5");
    assert_eq!(PathElement::Value(json!(1e21)).serialize(), "v:1e+21");
}

#[test]
fn paths_print_as_kube() {
    let path = vec![
        PathElement::Field("spec".into()),
        PathElement::Field("containers".into()),
        PathElement::Key(vec![("name".into(), json!("nginx"))]),
        PathElement::Field("ports".into()),
        PathElement::Key(vec![
            ("containerPort".into(), json!(80)),
            ("protocol".into(), json!("TCP")),
        ]),
    ];
    assert_eq!(
        path_string(&path),
        r#".spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]"#
    );
    assert_eq!(
        path_string(&[
            PathElement::Field("f".into()),
            PathElement::Value(json!("a\n"))
        ]),
        r#".f[="a\n"]"#
    );
    assert_eq!(path_string(&[PathElement::Index(3)]), "[3]");
}

#[test]
fn values_and_times() {
    use std::cmp::Ordering::*;
    assert_eq!(value::compare(&json!(1), &json!(1.0)), Equal);
    assert_eq!(value::compare(&json!(2), &json!("a")), Less);
    assert_eq!(value::compare(&json!("a"), &json!(true)), Less);
    assert_eq!(value::compare(&json!(null), &json!({})), Greater);
    assert!(value::equals(
        &json!({"a": [1, 2.0]}),
        &json!({"a": [1.0, 2]})
    ));
    assert_eq!(value::go_json_float(0.000001), "0.000001");
    assert_eq!(value::go_json_float(1e-7), "1e-7");
    assert_eq!(value::go_g(1_000_000.0), "1e+06");
    assert_eq!(value::go_g(123_456.0), "123456");
    assert_eq!(go_quote("a\"b\u{7f}é"), "\"a\\\"b\\x7fé\"");
    for (text, secs) in [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-05-01T10:00:00Z", 1_777_629_600),
        ("2026-05-01T12:00:00+02:00", 1_777_629_600),
        ("2024-02-29T23:59:59.999Z", 1_709_251_199),
    ] {
        assert_eq!(clock::parse_rfc3339(text), Some(secs), "{text}");
        println!("{text} = {secs} = {}", clock::rfc3339(secs));
    }
    assert_eq!(clock::rfc3339(1_777_629_600), "2026-05-01T10:00:00Z");
    for bad in [
        "2026-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "yesterday",
        "2026-05-01 10:00:00Z",
        "",
    ] {
        assert_eq!(clock::parse_rfc3339(bad), None, "{bad}");
    }
}

/// A deterministic generator of odd JSON.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn value(&mut self, depth: u32) -> Value {
        let keys = [
            "a", "b", "name", "data", "spec", "metadata", "f:x", "k:{", ".",
        ];
        match self.next() % if depth > 3 { 5 } else { 8 } {
            0 => Value::Null,
            1 => json!(self.next().is_multiple_of(3)),
            2 => json!(self.next() % 5),
            3 => json!(keys[(self.next() % 9) as usize]),
            4 => json!(0.5),
            5 | 6 => {
                let n = self.next() % 4;
                Value::Object(
                    (0..n)
                        .map(|_| {
                            (
                                keys[(self.next() % 9) as usize].to_string(),
                                self.value(depth + 1),
                            )
                        })
                        .collect(),
                )
            }
            _ => Value::Array(
                (0..self.next() % 4)
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
        }
    }
}

#[test]
fn odd_input_does_not_panic() {
    let types = kinds::types();
    let empty = json!({});
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let deduced = Deduced;
    for round in 0..600 {
        let kind = ["ConfigMap", "Deployment", "Scale"][round % 3];
        let node = types.root(kind);
        let schema: &dyn apply::Schema = if round.is_multiple_of(4) {
            &deduced
        } else {
            &node
        };
        let zero = if round.is_multiple_of(2) {
            kinds::empty(kind)
        } else {
            empty.clone()
        };
        let scope = Scope {
            schema,
            api_version: if kind == "Deployment" {
                "apps/v1"
            } else {
                "v1"
            },
            kind,
            subresource: if round.is_multiple_of(5) {
                Some("status")
            } else {
                None
            },
            reset_fields: &[&["status"]],
            empty: &zero,
            now: if round.is_multiple_of(7) {
                "garbage"
            } else {
                "2026-05-01T10:00:00Z"
            },
        };
        let mut live = g.value(0);
        let mut new = g.value(0);
        if let Some(obj) = new.as_object_mut() {
            obj.insert(
                "metadata".into(),
                json!({"managedFields": g.value(1), "uid": "u"}),
            );
        }
        if round.is_multiple_of(3)
            && let Some(obj) = live.as_object_mut()
        {
            obj.insert("metadata".into(), json!({"managedFields": [
                {"manager": "m", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1",
                 "time": "2026-01-01T00:00:00Z", "fieldsV1": g.value(1)},
                {"manager": "a", "operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:data": {"f:a": {}}, "f:spec": {"k:{\"name\":\"a\"}": {"f:b": {}}}}}
            ]}));
        }
        let updated = apply::update(Some(&live), new.clone(), "m", &scope);
        let _ = apply::update(None, new.clone(), "", &scope);
        let mut config = g.value(0);
        if let Some(obj) = config.as_object_mut() {
            obj.insert("apiVersion".into(), json!(scope.api_version));
            obj.insert("kind".into(), json!(kind));
        }
        for force in [false, true] {
            if let Err(e) = apply::apply(Some(&updated), &config, "kubectl", force, &scope) {
                let _ = e.status();
            }
        }
        let _ = apply::apply(None, &config, "x", false, &scope);
        let _ = apply::scale_managed_fields(
            live["metadata"].get("managedFields"),
            "v1",
            &["spec", "replicas"],
        );
    }
    // A live object whose lists repeat keys (kube allows it in stored objects).
    let node = types.root("Deployment");
    let dup = yaml(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: a}, {name: a, image: x}]",
    );
    let scope = Scope {
        schema: &node,
        api_version: "apps/v1",
        kind: "Deployment",
        subresource: None,
        reset_fields: &[],
        empty: &empty,
        now: "2026-05-01T10:00:00Z",
    };
    let out = apply::update(None, dup.clone(), "m", &scope);
    println!("duplicates: {}", out["metadata"]["managedFields"]);
    let applied = apply::apply(
        Some(&out),
        &yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}"),
        "n",
        false,
        &scope,
    );
    println!(
        "apply over duplicates: {:?}",
        applied.map(|o| o["spec"].clone())
    );
}
