//! Strategic merge patch: directives, kube's quirks, and failures, with the texts and statuses of
//! `strategicpatch/patch.go`, `mergepatch/errors.go`, and the handler's
//! `interpretStrategicMergePatchError`.

use serde_json::Value;

use super::{Described, MERGE_ITEM_TYPES, Runner, expect_eq, json};
use crate::patch::{MAX_DEPTH, NoMeta, PatchError, PatchMeta, strategic_merge};

enum Want {
    Gives(&'static str),
    /// 400 with this message.
    BadRequest(&'static str),
    /// 422 generic (internal text).
    Invalid(&'static str),
    /// 500 with this message and no reason.
    Internal(&'static str),
    /// A Go panic in kube.
    Panic,
}

fn run(runner: &mut Runner, meta: &dyn PatchMeta, name: &str, doc: &str, patch: &str, want: Want) {
    runner.case(name, || {
        let got = strategic_merge(&json(doc), &json(patch), meta);
        match (&got, &want) {
            (Ok(v), Want::Gives(w)) => expect_eq(v, &json(w)),
            (Err(PatchError::BadRequest(m)), Want::BadRequest(w))
            | (Err(PatchError::Invalid(m)), Want::Invalid(w))
            | (Err(PatchError::Internal(m)), Want::Internal(w))
                if m == w =>
            {
                Ok(())
            }
            (Err(PatchError::Panic(_)), Want::Panic) => Ok(()),
            _ => Err(format!("unexpected {got:?}")),
        }
    });
}

#[test]
fn strategic_merge_patch_directives_and_errors() {
    let types = json(MERGE_ITEM_TYPES);
    let m = Described::new(&types, "MergeItem");
    let mut r = Runner::new();
    use Want::*;
    // Map directives (handleDirectiveInMergeMap).
    run(
        &mut r,
        &m,
        "$patch: replace on a nested map",
        r#"{"simpleMap":{"a":"1","b":"2"}}"#,
        r#"{"simpleMap":{"$patch":"replace","c":"3"}}"#,
        Gives(r#"{"simpleMap":{"c":"3"}}"#),
    );
    run(
        &mut r,
        &m,
        "$patch: delete on the whole object",
        r#"{"name":"a"}"#,
        r#"{"$patch":"delete"}"#,
        Gives("{}"),
    );
    run(
        &mut r,
        &m,
        "$patch: foo on a map",
        r#"{"simpleMap":{"a":"1"}}"#,
        r#"{"simpleMap":{"$patch":"foo","b":"y"}}"#,
        Internal("unknown patch type: foo in map: map[$patch:foo b:y]"),
    );
    run(
        &mut r,
        &m,
        "$patch: merge on a map is unknown too",
        r#"{"simpleMap":{"a":"1"}}"#,
        r#"{"simpleMap":{"$patch":"merge"}}"#,
        Internal("unknown patch type: merge in map: map[$patch:merge]"),
    );
    run(
        &mut r,
        &m,
        "$patch: 5 on a map (Go's %s of an int64)",
        "{}",
        r#"{"$patch":5}"#,
        Internal("unknown patch type: %!s(int64=5) in map: map[$patch:5]"),
    );
    // List-item directives (mergeSliceWithSpecialElements).
    run(
        &mut r,
        &m,
        "$patch: merge in a list item",
        r#"{"mergingList":[{"name":"1"}]}"#,
        r#"{"mergingList":[{"name":"1","$patch":"merge"}]}"#,
        Internal("merging lists cannot yet be specified in the patch"),
    );
    run(
        &mut r,
        &m,
        "$patch: foo in a list item",
        r#"{"mergingList":[{"name":"1"}]}"#,
        r#"{"mergingList":[{"name":"1","$patch":"foo"}]}"#,
        Internal("unknown patch type: foo in map: map[$patch:foo name:1]"),
    );
    run(
        &mut r,
        &m,
        "$patch: delete item without its merge key",
        r#"{"mergingList":[{"name":"1"}]}"#,
        r#"{"mergingList":[{"$patch":"delete"}]}"#,
        Internal("map: map[$patch:delete] does not contain declared merge key: name"),
    );
    run(
        &mut r,
        &m,
        "$patch: replace item replaces the list, other items kept raw",
        r#"{"mergingList":[{"name":"1","value":"a"}]}"#,
        r#"{"mergingList":[{"name":"2","other":null},{"$patch":"replace"}]}"#,
        Gives(r#"{"mergingList":[{"name":"2","other":null}]}"#),
    );
    run(
        &mut r,
        &m,
        "a new list item goes first, raw, nulls included",
        r#"{"mergingList":[{"name":"a"}]}"#,
        r#"{"mergingList":[{"name":"b","value":null}]}"#,
        Gives(r#"{"mergingList":[{"name":"b","value":null},{"name":"a"}]}"#),
    );
    // Parallel lists.
    run(
        &mut r,
        &m,
        "bad $deleteFromPrimitiveList key",
        r#"{"mergingIntList":[1]}"#,
        r#"{"$deleteFromPrimitiveListX/mergingIntList":[1]}"#,
        BadRequest("invalid patch format of primitive list"),
    );
    run(
        &mut r,
        &m,
        "$deleteFromPrimitiveList of a missing list adds the list (kube quirk)",
        "{}",
        r#"{"$deleteFromPrimitiveList/mergingIntList":[1]}"#,
        Gives(r#"{"mergingIntList":[1]}"#),
    );
    run(
        &mut r,
        &m,
        "$deleteFromPrimitiveList of a non-merging list replaces it (kube quirk)",
        r#"{"nonMergingIntList":[1,2]}"#,
        r#"{"$deleteFromPrimitiveList/nonMergingIntList":[1]}"#,
        Gives(r#"{"nonMergingIntList":[1]}"#),
    );
    run(
        &mut r,
        &m,
        "bad $setElementOrder key",
        r#"{"mergingIntList":[1]}"#,
        r#"{"$setElementOrderX/mergingIntList":[1]}"#,
        BadRequest("invalid patch format of setElementOrder list"),
    );
    run(
        &mut r,
        &m,
        "$setElementOrder not a list",
        r#"{"mergingIntList":[1]}"#,
        r#"{"$setElementOrder/mergingIntList":"x"}"#,
        Internal("expected a []interface {}, but received a string"),
    );
    run(
        &mut r,
        &m,
        "$setElementOrder of an unknown field",
        "{}",
        r#"{"$setElementOrder/foo":[1]}"#,
        Internal(r#"unable to find api field in struct MergeItem for the json field "foo""#),
    );
    // $retainKeys (applyRetainKeysDirective).
    run(
        &mut r,
        &m,
        "$retainKeys not a list",
        r#"{"retainKeysMap":{"name":"a"}}"#,
        r#"{"retainKeysMap":{"$retainKeys":"name"}}"#,
        BadRequest("invalid patch format of retainKeys"),
    );
    run(
        &mut r,
        &m,
        "$retainKeys missing a patched key",
        r#"{"retainKeysMap":{"name":"a"}}"#,
        r#"{"retainKeysMap":{"$retainKeys":["name"],"value":"v"}}"#,
        BadRequest("invalid patch format of retainKeys"),
    );
    // Element types (sliceElementType) and Go runtime panics.
    run(
        &mut r,
        &m,
        "lists of lists",
        r#"{"mergingIntList":[[1]]}"#,
        r#"{"mergingIntList":[[2]]}"#,
        Invalid("lists of lists are not supported"),
    );
    run(
        &mut r,
        &m,
        "mixed element types",
        r#"{"mergingIntList":[1]}"#,
        r#"{"mergingIntList":["a"]}"#,
        Internal("list element types are not identical: [[1] [a]]"),
    );
    run(
        &mut r,
        &m,
        "null after a number",
        r#"{"mergingIntList":[1]}"#,
        r#"{"mergingIntList":[null]}"#,
        Internal("list element types are not identical: [[1] [<nil>]]"),
    );
    run(
        &mut r,
        &m,
        "null first in a merging list panics",
        r#"{"mergingIntList":[]}"#,
        r#"{"mergingIntList":[null]}"#,
        Panic,
    );
    run(
        &mut r,
        &m,
        "object merge-key values panic (==)",
        r#"{"mergingList":[{"name":{"a":1}}]}"#,
        r#"{"mergingList":[{"name":{"a":1},"value":"x"}]}"#,
        Panic,
    );
    // The handler's decode of the patch.
    run(
        &mut r,
        &m,
        "patch is an array",
        "{}",
        "[]",
        BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}"),
    );
    run(
        &mut r,
        &m,
        "patch is null: no change",
        r#"{"name":"a"}"#,
        "null",
        Gives(r#"{"name":"a"}"#),
    );
    run(
        &mut r,
        &m,
        "scalars replace, types may change",
        r#"{"name":"a","value":{"x":1}}"#,
        r#"{"name":5,"value":"s"}"#,
        Gives(r#"{"name":5,"value":"s"}"#),
    );
    r.finish();
}

/// The metadata format of the brief: inline `fields` for a Pod-like type.
const POD_TYPES: &str = r#"{"Pod": {
  "metadata": {"fields": {"labels": {"map": true}, "finalizers": {"strategy": "merge"}}},
  "spec": {"fields": {
    "containers": {"strategy": "merge", "key": "name", "fields": {
      "name": {}, "image": {},
      "ports": {"strategy": "merge", "key": "containerPort", "fields": {"containerPort": {}, "protocol": {}}},
      "env": {"strategy": "merge", "key": "name", "fields": {"name": {}, "value": {}}},
      "args": {}
    }},
    "volumes": {"strategy": "merge,retainKeys", "key": "name", "fields": {
      "name": {}, "emptyDir": {"fields": {}}, "hostPath": {"fields": {"path": {}}}
    }}
  }}
}}"#;

#[test]
fn strategic_merge_patch_pod_and_no_meta() {
    let types = json(POD_TYPES);
    let pod = Described::new(&types, "Pod");
    let mut r = Runner::new();
    use Want::*;
    let current = r#"{"metadata":{"labels":{"a":"1"},"finalizers":["f1"]},"spec":{
        "containers":[{"name":"c1","image":"i:1","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}],"args":["x"]},
                      {"name":"c2","image":"j:1"}],
        "volumes":[{"name":"v","emptyDir":{}}]}}"#;
    run(
        &mut r,
        &pod,
        "pod: merge a container by name, its ports and env by key (new items first), replace args",
        current,
        r#"{"spec":{"containers":[{"name":"c1","image":"i:2","ports":[{"containerPort":443}],"env":[{"name":"A","value":null}],"args":["y"]}]}}"#,
        Gives(
            r#"{"metadata":{"labels":{"a":"1"},"finalizers":["f1"]},"spec":{
        "containers":[{"name":"c1","image":"i:2","ports":[{"containerPort":443},{"containerPort":80}],"env":[{"name":"A"}],"args":["y"]},
                      {"name":"c2","image":"j:1"}],
        "volumes":[{"name":"v","emptyDir":{}}]}}"#,
        ),
    );
    run(
        &mut r,
        &pod,
        "pod: delete a container, add a finalizer (first), drop a label",
        current,
        r#"{"metadata":{"labels":{"a":null,"b":"2"},"finalizers":["f2"]},"spec":{"containers":[{"name":"c2","$patch":"delete"}]}}"#,
        Gives(
            r#"{"metadata":{"labels":{"b":"2"},"finalizers":["f2","f1"]},"spec":{
        "containers":[{"name":"c1","image":"i:1","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}],"args":["x"]}],
        "volumes":[{"name":"v","emptyDir":{}}]}}"#,
        ),
    );
    run(
        &mut r,
        &pod,
        "pod: switch a volume source with $retainKeys",
        current,
        r#"{"spec":{"volumes":[{"name":"v","$retainKeys":["name","hostPath"],"hostPath":{"path":"/x"}}]}}"#,
        Gives(
            r#"{"metadata":{"labels":{"a":"1"},"finalizers":["f1"]},"spec":{
        "containers":[{"name":"c1","image":"i:1","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}],"args":["x"]},
                      {"name":"c2","image":"j:1"}],
        "volumes":[{"name":"v","hostPath":{"path":"/x"}}]}}"#,
        ),
    );
    run(
        &mut r,
        &pod,
        "pod: unknown nested field in both",
        r#"{"spec":{"foo":{"a":1}}}"#,
        r#"{"spec":{"foo":{"b":2}}}"#,
        Internal(r#"unable to find api field in struct  for the json field "foo""#),
    );
    run(
        &mut r,
        &NoMeta,
        "NoMeta: lists replaced, maps merged, directives honoured",
        r#"{"a":[1,2],"m":{"x":1,"l":[{"k":1}]},"d":{"y":1}}"#,
        r#"{"a":[3],"m":{"y":2,"l":[{"k":2}]},"d":{"$patch":"delete"}}"#,
        Gives(r#"{"a":[3],"m":{"x":1,"l":[{"k":2}],"y":2},"d":{}}"#),
    );
    let mut deep = Value::Null;
    for _ in 0..=MAX_DEPTH {
        deep = serde_json::json!({ "a": deep });
    }
    r.case(
        "nesting beyond MAX_DEPTH is refused",
        || match strategic_merge(&json("{}"), &deep, &NoMeta) {
            Err(PatchError::BadRequest(m)) if m == "exceeded max depth" => Ok(()),
            other => Err(format!("unexpected {other:?}")),
        },
    );
    r.finish();
}

/// Inputs at [`MAX_DEPTH`] must not overflow a tokio worker's 2 MiB stack (debug build).
#[test]
fn deepest_inputs_fit_a_worker_stack() {
    let worker = std::thread::Builder::new().stack_size(2 * 1024 * 1024);
    let handle = worker
        .spawn(|| {
            let types = json(MERGE_ITEM_TYPES);
            let meta = Described::new(&types, "MergeItem");
            let nest = |leaf: Value, wrap: &dyn Fn(Value) -> Value, levels: usize| {
                (0..levels).fold(leaf, |v, _| wrap(v))
            };
            let maps = |leaf: &str| {
                nest(
                    serde_json::json!({ "x": leaf }),
                    &|v| serde_json::json!({ "simpleMap": v, "retainKeysMap": {} }),
                    MAX_DEPTH - 1,
                )
            };
            let lists = |leaf: &str| {
                nest(
                    serde_json::json!({ "name": "n", "value": leaf }),
                    &|v| serde_json::json!({ "name": "n", "mergingList": [v] }),
                    MAX_DEPTH / 2 - 1,
                )
            };
            let mut r = Runner::new();
            r.case("strategic: maps nested MAX_DEPTH deep", || {
                strategic_merge(&maps("a"), &maps("b"), &NoMeta)
                    .map(drop)
                    .map_err(|e| e.to_string())
            });
            r.case("strategic: merging lists nested MAX_DEPTH deep", || {
                strategic_merge(&lists("a"), &lists("b"), &meta)
                    .map(drop)
                    .map_err(|e| e.to_string())
            });
            r.case("merge patch: maps nested MAX_DEPTH deep", || {
                crate::patch::merge_patch(
                    &maps("a"),
                    &maps("b"),
                    crate::patch::FieldValidation::Warn,
                )
                .map(drop)
                .map_err(|e| e.to_string())
            });
            r.finish();
        })
        .expect("spawn");
    handle.join().expect("no stack overflow");
}
