//! structured-merge-diff's merge tests (`merge/leaf_test.go`, `set_test.go`,
//! `key_test.go`-like associative lists, `default_keys_test.go`, `nested_test.go`-like
//! nesting, `multiple_appliers_test.go`-like ownership moves), run through the updater with
//! SMD's fixture semantics: the live object starts `null`, managers are plain names, the final
//! object is checked with a typed comparison (order of sets and maps does not count), each
//! manager's set with its `FieldsV1`.

use serde_json::Value;

use super::support::{Types, yaml};
use crate::apply::schema::Schema;
use crate::apply::set::FieldSet;
use crate::apply::typed;
use crate::apply::updater::{Managers, Updater};

pub(crate) enum Op {
    Apply(&'static str, &'static str, &'static str),
    /// An apply expected to conflict: manager, version, object, `(manager, field)`s.
    Conflict(
        &'static str,
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    ),
    ForceApply(&'static str, &'static str, &'static str),
    Update(&'static str, &'static str, &'static str),
}

pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) ops: Vec<Op>,
    pub(crate) object: &'static str,
    /// manager, version, FieldsV1.
    pub(crate) managed: &'static [(&'static str, &'static str, &'static str)],
}

pub(crate) fn run(schema: &dyn Schema, cases: &[Case]) {
    let ignored = FieldSet::new();
    let updater = Updater {
        schema,
        ignored: &ignored,
    };
    for case in cases {
        println!("== {}", case.name);
        let mut live = Value::Null;
        let mut managers = Managers::new();
        for (i, op) in case.ops.iter().enumerate() {
            match op {
                Op::Apply(m, v, obj) | Op::ForceApply(m, v, obj) => {
                    let force = matches!(op, Op::ForceApply(..));
                    match updater.apply(&live, &yaml(obj), v, &mut managers, m, force) {
                        Ok(Some(new)) => live = new,
                        Ok(None) => {}
                        Err(c) => panic!("{} op {i}: unexpected conflicts {c:?}", case.name),
                    }
                }
                Op::Conflict(m, v, obj, expected) => {
                    let mut scratch = managers.clone();
                    let got = updater
                        .apply(&live, &yaml(obj), v, &mut scratch, m, false)
                        .expect_err("conflicts");
                    let got: Vec<(String, String)> =
                        got.into_iter().map(|c| (c.manager, c.field)).collect();
                    println!("   conflicts: {got:?}");
                    let want: Vec<(String, String)> = expected
                        .iter()
                        .map(|(m, f)| (m.to_string(), f.to_string()))
                        .collect();
                    assert_eq!(got, want, "{} op {i}", case.name);
                }
                Op::Update(m, v, obj) => {
                    let new = yaml(obj);
                    updater.update_managers(&live, &new, v, &mut managers, m);
                    live = new;
                }
            }
        }
        println!("   object: {live}");
        let expected = yaml(case.object);
        let cmp = typed::compare(&live, &expected, schema);
        assert!(
            cmp.added.is_empty() && cmp.modified.is_empty() && cmp.removed.is_empty(),
            "{}: object {live} != {expected}",
            case.name
        );
        for (m, owned) in &managers {
            println!("   {m} {} {}", owned.api_version, owned.set.to_fields_v1());
        }
        assert_eq!(
            managers.len(),
            case.managed.len(),
            "{}: managers",
            case.name
        );
        for (m, v, fields) in case.managed {
            let owned = managers
                .get(*m)
                .unwrap_or_else(|| panic!("{}: no manager {m}", case.name));
            let want = FieldSet::from_fields_v1(&serde_json::from_str(fields).expect("json"))
                .expect("fields");
            assert_eq!(owned.set, want, "{}: {m}", case.name);
            assert_eq!(owned.api_version, *v, "{}: {m} version", case.name);
        }
    }
}

const LEAF: &str = r#"
types:
- name: leafFields
  map:
    fields:
    - name: numeric
      type:
        scalar: numeric
    - name: string
      type:
        scalar: string
    - name: bool
      type:
        scalar: boolean
"#;

#[test]
fn leaf_fields() {
    let types = Types::parse(LEAF);
    let schema = types.root("leafFields");
    use Op::*;
    run(
        &schema,
        &[
            Case {
                name: "apply_twice",
                ops: vec![
                    Apply("default", "v1", "numeric: 1\nstring: \"string\""),
                    Apply(
                        "default",
                        "v1",
                        "numeric: 2\nstring: \"string\"\nbool: false",
                    ),
                ],
                object: "numeric: 2\nstring: \"string\"\nbool: false",
                managed: &[(
                    "default",
                    "v1",
                    r#"{"f:bool":{},"f:numeric":{},"f:string":{}}"#,
                )],
            },
            Case {
                name: "apply_twice_different_versions",
                ops: vec![
                    Apply("default", "v1", "numeric: 1\nstring: \"string\""),
                    Apply(
                        "default",
                        "v2",
                        "numeric: 2\nstring: \"string\"\nbool: false",
                    ),
                ],
                object: "numeric: 2\nstring: \"string\"\nbool: false",
                managed: &[(
                    "default",
                    "v2",
                    r#"{"f:bool":{},"f:numeric":{},"f:string":{}}"#,
                )],
            },
            Case {
                name: "apply_update_apply_no_conflict",
                ops: vec![
                    Apply("default", "v1", "numeric: 1\nstring: \"string\""),
                    Update(
                        "controller",
                        "v1",
                        "numeric: 1\nstring: \"string\"\nbool: true",
                    ),
                    Apply("default", "v1", "numeric: 2\nstring: \"string\""),
                ],
                object: "numeric: 2\nstring: \"string\"\nbool: true",
                managed: &[
                    ("default", "v1", r#"{"f:numeric":{},"f:string":{}}"#),
                    ("controller", "v1", r#"{"f:bool":{}}"#),
                ],
            },
            Case {
                name: "apply_update_apply_with_conflict",
                ops: vec![
                    Apply("default", "v1", "numeric: 1\nstring: \"string\""),
                    Update(
                        "controller",
                        "v1",
                        "numeric: 1\nstring: \"controller string\"\nbool: true",
                    ),
                    Conflict(
                        "default",
                        "v1",
                        "numeric: 2\nstring: \"user string\"",
                        &[("controller", ".string")],
                    ),
                    ForceApply("default", "v1", "numeric: 2\nstring: \"user string\""),
                ],
                object: "numeric: 2\nstring: \"user string\"\nbool: true",
                managed: &[
                    ("default", "v1", r#"{"f:numeric":{},"f:string":{}}"#),
                    ("controller", "v1", r#"{"f:bool":{}}"#),
                ],
            },
            Case {
                name: "apply_twice_remove",
                ops: vec![
                    Apply(
                        "default",
                        "v1",
                        "numeric: 1\nstring: \"string\"\nbool: false",
                    ),
                    Apply("default", "v1", "string: \"new string\""),
                ],
                object: "string: \"new string\"",
                managed: &[("default", "v1", r#"{"f:string":{}}"#)],
            },
            Case {
                name: "update_apply_omits",
                ops: vec![
                    Apply("default", "v1", "numeric: 2"),
                    Update("controller", "v1", "numeric: 1"),
                    Apply("default", "v1", ""),
                ],
                object: "numeric: 1",
                managed: &[("controller", "v1", r#"{"f:numeric":{}}"#)],
            },
            Case {
                name: "update_remove_empty_set",
                ops: vec![
                    Apply("default", "v1", "string: \"string\""),
                    Update("controller", "v1", "string: \"new string\""),
                ],
                object: "string: \"new string\"",
                managed: &[("controller", "v1", r#"{"f:string":{}}"#)],
            },
            Case {
                name: "apply_remove_empty_set",
                ops: vec![
                    Apply("default", "v1", "string: \"string\""),
                    Apply("default", "v1", ""),
                ],
                object: "",
                managed: &[],
            },
        ],
    );
}

const SETS: &str = r#"
types:
- name: sets
  map:
    fields:
    - name: list
      type:
        list:
          elementType:
            scalar: string
          elementRelationship: associative
"#;

#[test]
fn sets() {
    let types = Types::parse(SETS);
    let schema = types.root("sets");
    use Op::*;
    run(
        &schema,
        &[
            Case {
                name: "apply_twice",
                ops: vec![
                    Apply("default", "v1", "list: [a, c]"),
                    Apply("default", "v1", "list: [a, b, c, d]"),
                ],
                object: "list: [a, b, c, d]",
                managed: &[(
                    "default",
                    "v1",
                    r#"{"f:list":{"v:\"a\"":{},"v:\"b\"":{},"v:\"c\"":{},"v:\"d\"":{}}}"#,
                )],
            },
            Case {
                name: "apply_update_apply_no_overlap",
                ops: vec![
                    Apply("default", "v1", "list: [a, c]"),
                    Update("controller", "v1", "list: [a, b, c, d]"),
                    Apply("default", "v1", "list: [a, aprime, c, cprime]"),
                ],
                object: "list: [a, aprime, b, c, cprime, d]",
                managed: &[
                    (
                        "default",
                        "v1",
                        r#"{"f:list":{"v:\"a\"":{},"v:\"aprime\"":{},"v:\"c\"":{},"v:\"cprime\"":{}}}"#,
                    ),
                    (
                        "controller",
                        "v1",
                        r#"{"f:list":{"v:\"b\"":{},"v:\"d\"":{}}}"#,
                    ),
                ],
            },
            Case {
                name: "apply_update_apply_with_overlap",
                ops: vec![
                    Apply("default", "v1", "list: [a, c]"),
                    Update("controller", "v1", "list: [a, b, c, d]"),
                    Apply("default", "v1", "list: [a, b, c]"),
                ],
                object: "list: [a, b, c, d]",
                managed: &[
                    (
                        "default",
                        "v1",
                        r#"{"f:list":{"v:\"a\"":{},"v:\"b\"":{},"v:\"c\"":{}}}"#,
                    ),
                    (
                        "controller",
                        "v1",
                        r#"{"f:list":{"v:\"b\"":{},"v:\"d\"":{}}}"#,
                    ),
                ],
            },
            Case {
                name: "apply_update_apply_reorder",
                ops: vec![
                    Apply("default", "v1", "list: [a, b, c, d]"),
                    Update("controller", "v1", "list: [a, d, c, b]"),
                    Apply("default", "v1", "list: [a, b, c, d]"),
                ],
                object: "list: [a, b, c, d]",
                managed: &[(
                    "default",
                    "v1",
                    r#"{"f:list":{"v:\"a\"":{},"v:\"b\"":{},"v:\"c\"":{},"v:\"d\"":{}}}"#,
                )],
            },
            Case {
                name: "apply_twice_remove",
                ops: vec![
                    Apply("default", "v1", "list: [a, b, c, d]"),
                    Apply("default", "v1", "list: [a, c]"),
                ],
                object: "list: [a, c]",
                managed: &[("default", "v1", r#"{"f:list":{"v:\"a\"":{},"v:\"c\"":{}}}"#)],
            },
            Case {
                name: "apply_twice_remove_across_versions",
                ops: vec![
                    Apply("default", "v1", "list: [a, b, c, d]"),
                    Apply("default", "v2", "list: [a, c, e]"),
                ],
                object: "list: [a, c, e]",
                managed: &[(
                    "default",
                    "v2",
                    r#"{"f:list":{"v:\"a\"":{},"v:\"c\"":{},"v:\"e\"":{}}}"#,
                )],
            },
        ],
    );
}

#[test]
fn set_merge_keeps_both_orders() {
    // The ordered merge of typed/merge.go: live [a,b,c,d], config [a,d,c,b] → config's order;
    // live [a,b,c,d], config [a,aprime,c,cprime] → items interleaved.
    let types = Types::parse(SETS);
    let schema = types.root("sets");
    for (live, config, want) in [
        (
            "list: [a, b, c, d]",
            "list: [a, d, c, b]",
            "list: [a, d, c, b]",
        ),
        (
            "list: [a, b, c, d]",
            "list: [a, aprime, c, cprime]",
            "list: [a, b, aprime, c, d, cprime]",
        ),
        ("list: [x, a]", "list: [a, z]", "list: [x, a, z]"),
        ("list: [b, a]", "list: [a, b, c]", "list: [a, b, c]"),
    ] {
        let merged = typed::merge(&yaml(live), &yaml(config), &schema);
        println!("merge {live} + {config} = {merged}");
        assert_eq!(merged, yaml(want));
    }
}

const PORTS: &str = r#"
types:
- name: v1
  map:
    fields:
      - name: containerPorts
        type:
          list:
            elementType:
              map:
                fields:
                - name: port
                  type:
                    scalar: numeric
                - name: protocol
                  default: "TCP"
                  type:
                    scalar: string
                - name: name
                  type:
                    scalar: string
            elementRelationship: associative
            keys:
            - port
            - protocol
"#;

#[test]
fn default_keys() {
    let types = Types::parse(PORTS);
    let schema = types.root("v1");
    use Op::*;
    run(
        &schema,
        &[
            Case {
                name: "apply_missing_defaulted_key_A",
                ops: vec![Apply("default", "v1", "containerPorts:\n- port: 80")],
                object: "containerPorts:\n- port: 80",
                managed: &[(
                    "default",
                    "v1",
                    r#"{"f:containerPorts":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}}}"#,
                )],
            },
            Case {
                name: "apply_missing_defaulted_key_B",
                ops: vec![Apply(
                    "default",
                    "v1",
                    "containerPorts:\n- port: 80\n- port: 80\n  protocol: UDP",
                )],
                object: "containerPorts:\n- port: 80\n- port: 80\n  protocol: UDP",
                managed: &[(
                    "default",
                    "v1",
                    r#"{"f:containerPorts":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}},"k:{\"port\":80,\"protocol\":\"UDP\"}":{".":{},"f:port":{},"f:protocol":{}}}}"#,
                )],
            },
            Case {
                name: "apply_missing_defaulted_key_with_conflict",
                ops: vec![
                    Apply(
                        "apply-one",
                        "v1",
                        "containerPorts:\n- port: 80\n  protocol: TCP\n  name: foo",
                    ),
                    Conflict(
                        "apply-two",
                        "v1",
                        "containerPorts:\n- port: 80\n  name: bar",
                        &[(
                            "apply-one",
                            ".containerPorts[port=80,protocol=\"TCP\"].name",
                        )],
                    ),
                ],
                object: "containerPorts:\n- port: 80\n  protocol: TCP\n  name: foo",
                managed: &[(
                    "apply-one",
                    "v1",
                    r#"{"f:containerPorts":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{}}}}"#,
                )],
            },
        ],
    );
    // Keys that cannot be built are schema errors (TestDefaultKeysFlatErrors).
    for (name, obj) in [
        (
            "apply_missing_undefaulted_defaulted_key",
            "containerPorts:\n- protocol: TCP",
        ),
        (
            "apply_missing_defaulted_key_ambiguous_A",
            "containerPorts:\n- port: 80\n- port: 80",
        ),
        (
            "apply_missing_defaulted_key_ambiguous_B",
            "containerPorts:\n- port: 80\n- port: 80\n  protocol: TCP",
        ),
    ] {
        let errs = typed::validate(&yaml(obj), &schema, false);
        println!("== {name}: {}", typed::render_errors(&errs));
        assert!(!errs.is_empty(), "{name}");
    }
}

const NESTED: &str = r#"
types:
- name: type
  map:
    fields:
      - name: listOfLists
        type:
          namedType: listOfLists
      - name: mapOfMaps
        type:
          namedType: mapOfMaps
      - name: atomicMap
        type:
          namedType: atomicMap
- name: listOfLists
  list:
    elementType:
      map:
        fields:
        - name: name
          type:
            scalar: string
        - name: value
          type:
            namedType: list
    elementRelationship: associative
    keys:
    - name
- name: list
  list:
    elementType:
      scalar: string
    elementRelationship: associative
- name: mapOfMaps
  map:
    elementType:
      namedType: map
- name: map
  map:
    elementType:
      scalar: string
- name: atomicMap
  map:
    elementType:
      scalar: string
    elementRelationship: atomic
"#;

#[test]
fn nested() {
    let types = Types::parse(NESTED);
    let schema = types.root("type");
    use Op::*;
    run(
        &schema,
        &[
            Case {
                name: "nested list items are owned one by one",
                ops: vec![
                    Apply("default", "v1", "listOfLists:\n- name: a\n  value: [b, c]"),
                    Update(
                        "controller",
                        "v1",
                        "listOfLists:\n- name: a\n  value: [b, c, d]",
                    ),
                    Apply("default", "v1", "listOfLists:\n- name: a\n  value: [b]"),
                ],
                object: "listOfLists:\n- name: a\n  value: [b, d]",
                managed: &[
                    (
                        "default",
                        "v1",
                        r#"{"f:listOfLists":{"k:{\"name\":\"a\"}":{".":{},"f:name":{},"f:value":{"v:\"b\"":{}}}}}"#,
                    ),
                    (
                        "controller",
                        "v1",
                        r#"{"f:listOfLists":{"k:{\"name\":\"a\"}":{"f:value":{"v:\"d\"":{}}}}}"#,
                    ),
                ],
            },
            Case {
                name: "map entries are members, removed when no longer applied",
                ops: vec![
                    Apply("default", "v1", "mapOfMaps:\n  a:\n    b: x\n    c: y"),
                    Apply("default", "v1", "mapOfMaps:\n  a:\n    b: x"),
                ],
                object: "mapOfMaps:\n  a:\n    b: x",
                managed: &[(
                    "default",
                    "v1",
                    r#"{"f:mapOfMaps":{"f:a":{".":{},"f:b":{}}}}"#,
                )],
            },
            Case {
                name: "atomic map is replaced and owned whole",
                ops: vec![
                    Apply("one", "v1", "atomicMap:\n  a: x\n  b: y"),
                    Conflict("two", "v1", "atomicMap:\n  a: x", &[("one", ".atomicMap")]),
                    ForceApply("two", "v1", "atomicMap:\n  a: x"),
                ],
                object: "atomicMap:\n  a: x",
                managed: &[("two", "v1", r#"{"f:atomicMap":{}}"#)],
            },
        ],
    );
}

const MULTI: &str = r#"
types:
- name: v1
  map:
    fields:
      - name: items
        type:
          namedType: items
- name: items
  list:
    elementType:
      namedType: item
    elementRelationship: associative
    keys:
    - name
- name: item
  map:
    fields:
    - name: name
      type:
        scalar: string
    - name: value
      type:
        scalar: numeric
"#;

#[test]
fn multiple_appliers() {
    let types = Types::parse(MULTI);
    let schema = types.root("v1");
    use Op::*;
    run(
        &schema,
        &[
            Case {
                name: "remove_one (multiple_appliers_test.go)",
                ops: vec![
                    Apply("apply-one", "v1", "items:\n- name: a\n- name: b"),
                    Apply("apply-two", "v2", "items:\n- name: c"),
                    Apply("apply-one", "v3", "items:\n- name: a"),
                ],
                object: "items:\n- name: a\n- name: c",
                managed: &[
                    (
                        "apply-one",
                        "v3",
                        r#"{"f:items":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}"#,
                    ),
                    (
                        "apply-two",
                        "v2",
                        r#"{"f:items":{"k:{\"name\":\"c\"}":{".":{},"f:name":{}}}}"#,
                    ),
                ],
            },
            Case {
                name: "shared item survives its first applier",
                ops: vec![
                    Apply("apply-one", "v1", "items:\n- name: a\n  value: 1"),
                    Apply("apply-two", "v1", "items:\n- name: a"),
                    Apply("apply-one", "v1", "items: []"),
                ],
                object: "items:\n- name: a",
                managed: &[(
                    "apply-two",
                    "v1",
                    r#"{"f:items":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}"#,
                )],
            },
            Case {
                name: "conflict on a value, two managers",
                ops: vec![
                    Apply("apply-one", "v1", "items:\n- name: a\n  value: 1"),
                    Update(
                        "controller",
                        "v1",
                        "items:\n- name: a\n  value: 2\n- name: b\n  value: 3",
                    ),
                    Conflict(
                        "apply-two",
                        "v1",
                        "items:\n- name: a\n  value: 4\n- name: b\n  value: 5",
                        &[
                            ("controller", ".items[name=\"a\"].value"),
                            ("controller", ".items[name=\"b\"].value"),
                        ],
                    ),
                ],
                object: "items:\n- name: a\n  value: 2\n- name: b\n  value: 3",
                managed: &[
                    (
                        "apply-one",
                        "v1",
                        r#"{"f:items":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}"#,
                    ),
                    (
                        "controller",
                        "v1",
                        r#"{"f:items":{"k:{\"name\":\"a\"}":{"f:value":{}},"k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:value":{}}}}"#,
                    ),
                ],
            },
        ],
    );
}
