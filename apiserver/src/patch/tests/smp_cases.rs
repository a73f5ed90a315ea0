//! kube's strategic-merge-patch case tables (`strategicpatch/patch_test.go`), applied as kube's
//! `testTwoWayPatch*` / `testThreeWayPatch*` / `TestCustomStrategicMergePatch` apply them.

use serde_json::{Map, Value};

use super::{Described, MERGE_ITEM_TYPES, Runner, expect_eq, json, sort_merge_lists, yaml};
use crate::patch::{PatchMeta, strategic_merge};

const RAW_CASES: &[&str] = &[
    include_str!("../testdata/smp_raw_merge.yaml"),
    include_str!("../testdata/smp_raw_order.yaml"),
    include_str!("../testdata/smp_raw_retain.yaml"),
];
const MAP_CASES: &str = include_str!("../testdata/smp_maps.yaml");

/// One application: `patch` on `doc` must give `want`, or fail with a message containing `error`.
fn check(
    meta: &dyn PatchMeta,
    doc: &Value,
    patch: &Value,
    want: Option<&Value>,
    error: Option<&str>,
) -> Result<(), String> {
    match (strategic_merge(doc, patch, meta), error, want) {
        (Ok(got), None, Some(want)) => expect_eq(&got, want),
        (Err(e), Some(needle), _) if e.to_string().contains(needle) => Ok(()),
        (got, _, _) => Err(format!(
            "unexpected outcome {got:?} (expected error {error:?})"
        )),
    }
}

fn field<'a>(case: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    case.get(name)
}

/// Runs each case's two-way half (original + twoWay) and three-way half (current + threeWay).
fn run_tables(runner: &mut Runner, docs: &[&str], sorted: bool) {
    let types = json(MERGE_ITEM_TYPES);
    let meta = Described::new(&types, "MergeItem");
    let empty = Value::Object(Map::new());
    let prepare = |v: &Value| {
        if sorted {
            sort_merge_lists(v, &meta)
        } else {
            v.clone()
        }
    };
    for doc in docs {
        let cases = yaml(doc);
        for case in cases.as_array().expect("a list of cases") {
            let case = case.as_object().expect("a case");
            let table = case["table"].as_str().unwrap_or_default();
            let name = case["description"].as_str().unwrap_or_default();
            let error = field(case, "expectedError").and_then(Value::as_str);
            if let Some(two_way) = field(case, "twoWay") {
                let original = prepare(field(case, "original").unwrap_or(&empty));
                let want = field(case, "twoWayResult")
                    .or(field(case, "modified"))
                    .map(prepare);
                runner.case(&format!("{table}: {name} (two-way)"), || {
                    check(&meta, &original, &prepare(two_way), want.as_ref(), error)
                });
            }
            if let (Some(three_way), Some(result)) =
                (field(case, "threeWay"), field(case, "result"))
            {
                let current = prepare(field(case, "current").unwrap_or(&empty));
                runner.case(&format!("{table}: {name} (three-way)"), || {
                    check(
                        &meta,
                        &current,
                        &prepare(three_way),
                        Some(&prepare(result)),
                        None,
                    )
                });
            }
        }
    }
}

#[test]
fn strategic_merge_patch_kube_tables() {
    let mut runner = Runner::new();
    run_tables(&mut runner, RAW_CASES, false);
    run_tables(&mut runner, &[MAP_CASES], true);
    runner.finish();
}

/// `TestUnknownField` of patch_test.go: fields the type does not have are merged blindly, until
/// both sides hold an object or list there and kube must look the field up.
#[test]
fn strategic_merge_patch_unknown_fields() {
    let types = json(MERGE_ITEM_TYPES);
    let meta = Described::new(&types, "MergeItem");
    let mut runner = Runner::new();
    let cases = [
        (
            "TestUnknownField: no diff",
            r#"{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}"#,
            "{}",
            Ok(r#"{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}"#),
        ),
        (
            "TestUnknownField: added only",
            r#"{"name":"foo"}"#,
            r#"{"array":[1,2,3],"complex":{"nested":true},"scalar":true}"#,
            Ok(r#"{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}"#),
        ),
        (
            "TestUnknownField: removed only",
            r#"{"name":"foo","scalar":true,"complex":{"nested":true}}"#,
            r#"{"complex":null,"scalar":null}"#,
            Ok(r#"{"name":"foo"}"#),
        ),
        (
            "TestUnknownField: diff",
            r#"{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}"#,
            r#"{"complex":{"nested":false}}"#,
            Err(r#"unable to find api field in struct MergeItem for the json field "complex""#),
        ),
    ];
    for (name, doc, patch, want) in cases {
        runner.case(name, || {
            let got = strategic_merge(&json(doc), &json(patch), &meta);
            match (got, want) {
                (Ok(got), Ok(want)) => expect_eq(&got, &json(want)),
                (Err(crate::patch::PatchError::Internal(msg)), Err(want)) if msg == want => Ok(()),
                (got, _) => Err(format!("unexpected {got:?}")),
            }
        });
    }
    runner.finish();
}
