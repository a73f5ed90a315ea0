//! JSON merge patch: evanphx/json-patch v4 `merge_test.go` (its RFC 7386 appendix table, the
//! failing RFC cases, the wholesale-replacement cases), then the handler's strict decode and v4's
//! null pruning.

use super::{Runner, expect_eq, json};
use crate::patch::{FieldValidation, PatchError, merge_patch};

/// `rfcTests` plus `TestMergePatch*` of merge_test.go: (target, patch, expected).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "rfcTests[0]",
        r#"{"a":"b"}"#,
        r#"{"a":"c"}"#,
        r#"{"a":"c"}"#,
    ),
    (
        "rfcTests[1]",
        r#"{"a":"b"}"#,
        r#"{"b":"c"}"#,
        r#"{"a":"b","b":"c"}"#,
    ),
    ("rfcTests[2]", r#"{"a":"b"}"#, r#"{"a":null}"#, "{}"),
    (
        "rfcTests[3]",
        r#"{"a":"b","b":"c"}"#,
        r#"{"a":null}"#,
        r#"{"b":"c"}"#,
    ),
    (
        "rfcTests[4]",
        r#"{"a":["b"]}"#,
        r#"{"a":"c"}"#,
        r#"{"a":"c"}"#,
    ),
    (
        "rfcTests[5]",
        r#"{"a":"c"}"#,
        r#"{"a":["b"]}"#,
        r#"{"a":["b"]}"#,
    ),
    (
        "rfcTests[6]",
        r#"{"a":{"b": "c"}}"#,
        r#"{"a": {"b": "d","c": null}}"#,
        r#"{"a":{"b":"d"}}"#,
    ),
    (
        "rfcTests[7]",
        r#"{"a":[{"b":"c"}]}"#,
        r#"{"a":[1]}"#,
        r#"{"a":[1]}"#,
    ),
    (
        "rfcTests[8]",
        r#"["a","b"]"#,
        r#"["c","d"]"#,
        r#"["c","d"]"#,
    ),
    ("rfcTests[9]", r#"{"a":"b"}"#, r#"["c"]"#, r#"["c"]"#),
    (
        "rfcTests[10]",
        r#"{"e":null}"#,
        r#"{"a":1}"#,
        r#"{"a":1,"e":null}"#,
    ),
    (
        "rfcTests[11]",
        "[1,2]",
        r#"{"a":"b","c":null}"#,
        r#"{"a":"b"}"#,
    ),
    (
        "rfcTests[12]",
        "{}",
        r#"{"a":{"bb":{"ccc":null}}}"#,
        r#"{"a":{"bb":{}}}"#,
    ),
    (
        "TestMergePatchReplaceKey",
        r#"{ "title": "hello" }"#,
        r#"{ "title": "goodbye" }"#,
        r#"{ "title": "goodbye" }"#,
    ),
    (
        "TestMergePatchIgnoresOtherValues",
        r#"{ "title": "hello", "age": 18 }"#,
        r#"{ "title": "goodbye" }"#,
        r#"{ "title": "goodbye", "age": 18 }"#,
    ),
    (
        "TestMergePatchNilDoc",
        r#"{ "title": null }"#,
        r#"{ "title": {"foo": "bar"} }"#,
        r#"{ "title": {"foo": "bar"} }"#,
    ),
    (
        "TestMergePatchRecursesIntoObjects",
        r#"{ "person": { "title": "hello", "age": 18 } }"#,
        r#"{ "person": { "title": "goodbye" } }"#,
        r#"{ "person": { "title": "goodbye", "age": 18 } }"#,
    ),
    (
        "TestMergePatchReplacesNonObjectsWholesale[0]",
        "[1]",
        "[2]",
        "[2]",
    ),
    (
        "TestMergePatchReplacesNonObjectsWholesale[1]",
        r#"{ "a": 1 }"#,
        "[2]",
        "[2]",
    ),
    (
        "TestMergePatchReplacesNonObjectsWholesale[2]",
        "[1]",
        r#"{ "a": 1 }"#,
        r#"{ "a": 1 }"#,
    ),
    (
        "TestMergePatchReplacesNonObjectsWholesale[3]",
        r#"{ "a": 1, "b": 1 }"#,
        r#"{ "a": 2 }"#,
        r#"{ "a": 2, "b": 1 }"#,
    ),
    (
        "TestMergePatchReturnsEmptyArrayOnEmptyArray",
        r#"{ "array": ["one", "two"] }"#,
        r#"{ "array": [] }"#,
        r#"{ "array": [] }"#,
    ),
    (
        "TestMergePatchReplaceKeyNotEscaping",
        r#"{ "obj": { "title/escaped": "hello" } }"#,
        r#"{ "obj": { "title/escaped": "goodbye" } }"#,
        r#"{ "obj": { "title/escaped": "goodbye" } }"#,
    ),
    // v4 pruning: nulls in added values go at any depth, in objects within arrays too; null
    // array elements stay; an array replacing an object is not pruned.
    (
        "v4: added value pruned",
        "{}",
        r#"{"a":{"b":null,"c":[{"d":null,"e":1},null]}}"#,
        r#"{"a":{"c":[{"e":1},null]}}"#,
    ),
    (
        "v4: array replacing an object kept as is",
        r#"{"a":{"x":1}}"#,
        r#"{"a":[{"d":null}]}"#,
        r#"{"a":[{"d":null}]}"#,
    ),
    (
        "v4: object replacing a scalar pruned",
        r#"{"a":"s"}"#,
        r#"{"a":{"b":null,"c":1}}"#,
        r#"{"a":{"c":1}}"#,
    ),
];

#[test]
fn merge_patch_cases() {
    let mut r = Runner::new();
    for (name, doc, patch, want) in CASES {
        r.case(name, || {
            let got = merge_patch(&json(doc), &json(patch), FieldValidation::Ignore)
                .map_err(|e| format!("{e:?}"))?;
            expect_eq(&got, &json(want))
        });
    }
    let errors: &[(&str, &str, FieldValidation, PatchError)] = &[
        ("rfcFailTests: null patch", "null", FieldValidation::Ignore, PatchError::BadRequest("Invalid JSON Patch".into())),
        ("rfcFailTests: string patch", r#""bar""#, FieldValidation::Ignore, PatchError::BadRequest("Invalid JSON Patch".into())),
        ("strict decode: null passes, then Invalid JSON Patch", "null", FieldValidation::Warn,
         PatchError::BadRequest("Invalid JSON Patch".into())),
        ("strict decode: string", r#""bar""#, FieldValidation::Strict, PatchError::BadRequest(
            "error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}".into())),
        ("strict decode: array", "[]", FieldValidation::Warn, PatchError::BadRequest(
            "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}".into())),
    ];
    for (name, patch, validation, want) in errors {
        r.case(name, || {
            match merge_patch(&json(r#"{"a":"foo"}"#), &json(patch), *validation) {
                Err(e) if &e == want => Ok(()),
                other => Err(format!("{other:?}")),
            }
        });
    }
    r.case("status shapes", || {
        let shapes = [
            (PatchError::BadRequest("m".into()),
             r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"BadRequest","code":400}"#),
            (PatchError::Invalid("test failed".into()),
             r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server rejected our request due to an error in our request","reason":"Invalid","details":{},"code":422}"#),
            (PatchError::TooLarge("Request entity too large: x".into()),
             r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Request entity too large: x","reason":"RequestEntityTooLarge","code":413}"#),
            (PatchError::Internal("boom".into()),
             r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"boom","code":500}"#),
        ];
        for (err, want) in shapes {
            let got = err.status().map(|s| s.to_string()).unwrap_or_default();
            if got != want {
                return Err(format!("{got} != {want}"));
            }
        }
        match PatchError::Panic("x".into()).status() {
            None => Ok(()),
            Some(s) => Err(format!("panic has no Status, got {s}")),
        }
    });
    r.finish();
}
