//! JSON merge patch (RFC 7386, `application/merge-patch+json`) exactly as kube-apiserver applies
//! it: `jsonpatch.MergePatch` of `gopkg.in/evanphx/json-patch.v4`, preceded by the handler's
//! strict decode of the patch into a `map[string]interface{}` (`applyJSPatch`).
//!
//! Beyond the RFC, v4 has these behaviours, kept here:
//! - a `null` in a patch value that is *added* (no current value, or a current `null`) is pruned
//!   at every depth of objects, including objects inside arrays;
//! - a patch object that *replaces* a non-object is pruned the same way, but a patch array that
//!   replaces an object is kept as is (nulls and all);
//! - `null` elements of arrays are never removed;
//! - a top-level array patch replaces the whole document (with its objects pruned).

use serde_json::{Map, Value};

use super::{FieldValidation, PatchError, check_depth, kind_of};

/// `jsonpatch.ErrBadJSONPatch`, which the handler turns into a 400.
const BAD_JSON_PATCH: &str = "Invalid JSON Patch";
/// `jsonpatch.ErrBadJSONDoc`, which the handler returns as a plain error (500).
const BAD_JSON_DOC: &str = "Invalid JSON Document";

/// Applies a JSON merge patch to `doc` (the current object, encoded as the server would).
///
/// With [`FieldValidation::Warn`] or [`FieldValidation::Strict`] (kube's default is `Warn`), a
/// patch that is not an object or `null` fails the handler's strict decode first:
/// `400 error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}`.
/// With `Ignore`, `null` and scalars are `400 Invalid JSON Patch` and an array patch replaces the
/// whole document (the server then fails to decode the result into the object).
pub fn merge_patch(
    doc: &Value,
    patch: &Value,
    validation: FieldValidation,
) -> Result<Value, PatchError> {
    check_depth(doc)?;
    check_depth(patch)?;
    if validation != FieldValidation::Ignore && !matches!(patch, Value::Object(_) | Value::Null) {
        return Err(PatchError::BadRequest(format!(
            "error decoding patch: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            kind_of(patch)
        )));
    }
    if doc.is_null() {
        return Err(PatchError::Internal(BAD_JSON_DOC.to_owned()));
    }
    match (doc, patch) {
        (_, Value::Null) => Err(PatchError::BadRequest(BAD_JSON_PATCH.to_owned())),
        (Value::Object(d), Value::Object(p)) => {
            let mut d = d.clone();
            merge_docs(&mut d, p);
            Ok(Value::Object(d))
        }
        (_, Value::Object(p)) => {
            let mut p = p.clone();
            prune_doc_nulls(&mut p);
            Ok(Value::Object(p))
        }
        (_, Value::Array(a)) => {
            let mut a = a.clone();
            prune_array_nulls(&mut a);
            Ok(Value::Array(a))
        }
        _ => Err(PatchError::BadRequest(BAD_JSON_PATCH.to_owned())),
    }
}

/// Puts the keys of `merged` (the result of [`merge_patch`] of `patch` over `doc`) in the order
/// v4's `MergePatch` marshals them: a map it decoded (the top level, every object it merged
/// into, every value it pruned) is written with sorted keys; a value it never decoded (an
/// untouched member of `doc`, a non-object patch over an object) keeps its bytes' order. kube
/// quotes these bytes in the 422 of a patch whose result does not decode.
pub fn marshal_order(doc: &Value, patch: &Value, merged: &mut Value) {
    match (doc, patch, merged) {
        (Value::Object(d), Value::Object(p), Value::Object(m)) => order_doc(d, p, m),
        (_, _, merged) => sort_deep(merged),
    }
}

fn order_doc(
    doc: &Map<String, Value>,
    patch: &Map<String, Value>,
    merged: &mut Map<String, Value>,
) {
    merged.sort_keys();
    for (k, m) in merged.iter_mut() {
        let Some(p) = patch.get(k) else {
            continue;
        };
        match (doc.get(k), p, m) {
            (Some(Value::Object(d)), Value::Object(p), Value::Object(m)) => order_doc(d, p, m),
            (Some(Value::Object(_)), _, _) => {}
            (_, _, m) => sort_deep(m),
        }
    }
}

/// Every object at or under `v` decoded into a map: keys sorted.
pub(super) fn sort_deep(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.sort_keys();
            m.values_mut().for_each(sort_deep);
        }
        Value::Array(a) => a.iter_mut().for_each(sort_deep),
        _ => {}
    }
}

/// `mergeDocs`.
fn merge_docs(doc: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        if v.is_null() {
            doc.shift_remove(k);
            continue;
        }
        match doc.get_mut(k) {
            Some(cur) if !cur.is_null() => merge(cur, v),
            _ => {
                let mut v = v.clone();
                prune_nulls(&mut v);
                doc.insert(k.clone(), v);
            }
        }
    }
}

/// `merge(cur, patch)`: objects merge; a non-object current value takes the pruned patch; an
/// object current value takes a non-object patch as is.
fn merge(cur: &mut Value, patch: &Value) {
    match (&mut *cur, patch) {
        (Value::Object(c), Value::Object(p)) => merge_docs(c, p),
        (Value::Object(_), _) => *cur = patch.clone(),
        _ => {
            let mut p = patch.clone();
            prune_nulls(&mut p);
            *cur = p;
        }
    }
}

fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => prune_doc_nulls(m),
        Value::Array(a) => prune_array_nulls(a),
        _ => {}
    }
}

fn prune_doc_nulls(m: &mut Map<String, Value>) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        prune_nulls(v);
    }
}

/// `pruneAryNulls` keeps `null` elements and prunes inside the others.
fn prune_array_nulls(a: &mut [Value]) {
    for v in a.iter_mut() {
        prune_nulls(v);
    }
}
