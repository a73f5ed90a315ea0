//! JSON patch (RFC 6902, `application/json-patch+json`) exactly as kube-apiserver applies it:
//! the handler's strict decode (`applyJSPatch`), then `jsonpatch.DecodePatch` and `Patch.Apply` of
//! `gopkg.in/evanphx/json-patch.v4`.
//!
//! v4 departs from the RFC in ways clients can observe, all kept here:
//! - `replace` of a missing object member adds it; `copy` from a missing member writes `null`;
//! - `test` of a missing member (or of `null`) against `null` (or with no `value`) succeeds;
//! - negative array indices count from the end (`-1` is the last element; for `add`, `-1` appends);
//!   indices may have a sign or leading zeros (`strconv.Atoi`);
//! - `add` with path `""` fails; `replace`/`test` with path `""` act on the whole document;
//! - a path without a leading `/` has its first token ignored (`a/b` is `/b`);
//! - an `add`/`replace` without `value` writes `null`; unknown members of an operation are ignored;
//! - `test` compares leaves by their JSON text: the current object's text is Go's encoding
//!   (`<`, `>`, `&` escaped as `\u003c`...), the patch's is as sent, so `"a&b"` sent unescaped
//!   does not equal a current `a&b`, and `1.0` does not equal `1`;
//! - `test` of arrays holding `null` on either side panics in kube (a plain-text 500).
//!
//! Every failure while applying is the same 422 for the client; the texts below are kube's
//! internal ones, kept for logs and tests.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{FieldValidation, MAX_DEPTH, PatchError, check_depth, gofmt, kind_of};

/// `maxJSONPatchOperations` of the handler.
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;
/// `jsonpatch.AccumulatedCopySizeLimit`, set by the apiserver from its `JSONPatchMaxCopyBytes`
/// (default 3 MiB).
pub const MAX_COPY_BYTES: usize = 3 * 1024 * 1024;

/// The result of a JSON patch.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPatched {
    pub object: Value,
    /// The strict-decoding problems of the patch itself, already prefixed `json patch ` as the
    /// handler does (`json patch unknown field "Op"`). With `Warn` kube sends each as a warning;
    /// with `Strict` it fails with 422 (the handler's `NewInvalid` over the patched object, which
    /// is the server's job).
    pub strict_errors: Vec<String>,
    /// What v4 decoded into maps on the way (see [`JsonPatched::marshal_order`]): the path tokens
    /// of each container along an operation's paths, and of each tested value (`true`: decoded
    /// whole by the comparison).
    decoded: Vec<(Vec<String>, bool)>,
}

impl JsonPatched {
    /// Puts the keys of `object` (this patch's result) in the order v4's `Patch.Apply` marshals
    /// them: sorted in the maps it decoded (the top level, the containers its operations walked
    /// through, the values `test` compared), as they were elsewhere. kube quotes these bytes in
    /// the 422 of a patch whose result does not decode. Paths are those of the operations, taken
    /// against the result.
    pub fn marshal_order(&self, object: &mut Value) {
        if let Value::Object(m) = object {
            m.sort_keys();
        }
        for (tokens, whole) in &self.decoded {
            let mut node = Some(&mut *object);
            for token in tokens {
                node = match node {
                    Some(Value::Object(m)) => m.get_mut(token),
                    Some(Value::Array(a)) => match array_get_index(a.len(), token) {
                        Ok(i) => a.get_mut(i),
                        Err(_) => None,
                    },
                    _ => None,
                };
            }
            match node {
                Some(node) if *whole => super::merge_patch::sort_deep(node),
                Some(Value::Object(m)) => m.sort_keys(),
                _ => {}
            }
        }
    }
}

/// The containers v4's `findObject` decodes for each operation, and the values `test` decodes.
fn decoded_paths(ops: &[Op]) -> Vec<(Vec<String>, bool)> {
    fn tokens(path: &str) -> Vec<String> {
        path.split('/').skip(1).map(decode_key).collect()
    }
    fn along(path: &str, out: &mut Vec<(Vec<String>, bool)>) {
        let all = tokens(path);
        for end in 1..all.len() {
            out.push((all[..end].to_vec(), false));
        }
    }
    let mut out = Vec::new();
    for op in ops {
        let kind = op.kind();
        if let Ok(path) = op.path() {
            along(&path, &mut out);
            if kind == "test" {
                out.push((tokens(&path), true));
            }
        }
        if matches!(kind.as_str(), "move" | "copy")
            && let Ok(from) = op.from()
        {
            along(&from, &mut out);
        }
    }
    out
}

/// Applies a JSON patch, given as the request body text, to `doc` (the current object).
///
/// The body must be syntactically valid JSON: the server reports syntax errors itself, with Go's
/// `encoding/json` texts, as `400 error decoding patch: <text>` under `Warn`/`Strict` and
/// `400 <text>` under `Ignore`.
pub fn json_patch(
    doc: &Value,
    patch: &str,
    validation: FieldValidation,
) -> Result<JsonPatched, PatchError> {
    let top: Value =
        serde_json::from_str(patch).map_err(|e| PatchError::BadRequest(e.to_string()))?;
    check_depth(doc)?;
    check_depth(&top)?;
    let strict_errors = if validation == FieldValidation::Ignore {
        Vec::new()
    } else {
        strict_decode(&top)?
    };
    let ops = decode_patch(&top, patch)?;
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(PatchError::TooLarge(format!(
            "Request entity too large: The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {}",
            ops.len()
        )));
    }
    if !matches!(doc, Value::Object(_) | Value::Array(_)) {
        return Err(PatchError::Invalid(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.partialDoc",
            kind_of(doc)
        )));
    }
    let mut object = doc.clone();
    let mut copied = 0;
    for op in &ops {
        apply(&mut object, op, &mut copied)?;
    }
    Ok(JsonPatched {
        object,
        strict_errors,
        decoded: decoded_paths(&ops),
    })
}

/// `kjson.UnmarshalStrict(patch, &[]jsonPatchOp)`: type errors fail the request, unknown members
/// are collected (case-sensitively, deduplicated, at most 100).
fn strict_decode(top: &Value) -> Result<Vec<String>, PatchError> {
    let fail = |msg: String| {
        Err(PatchError::BadRequest(format!(
            "error decoding patch: {msg}"
        )))
    };
    let ops = match top {
        Value::Null => return Ok(Vec::new()),
        Value::Array(ops) => ops,
        other => {
            return fail(format!(
                "json: cannot unmarshal {} into Go value of type []handlers.jsonPatchOp",
                kind_of(other)
            ));
        }
    };
    let mut first_type_error = None;
    let mut strict = Vec::new();
    for op in ops {
        let fields = match op {
            Value::Null => continue,
            Value::Object(fields) => fields,
            other => {
                first_type_error.get_or_insert_with(|| {
                    format!(
                        "json: cannot unmarshal {} into Go value of type handlers.jsonPatchOp",
                        kind_of(other)
                    )
                });
                continue;
            }
        };
        for (key, value) in fields {
            match key.as_str() {
                "op" | "path" | "from" => {
                    if !matches!(value, Value::String(_) | Value::Null) {
                        first_type_error.get_or_insert_with(|| {
                            format!(
                                "json: cannot unmarshal {} into Go struct field jsonPatchOp.{key} of type string",
                                kind_of(value)
                            )
                        });
                    }
                }
                "value" => {}
                unknown => {
                    let msg = format!("json patch unknown field {}", go_quote(unknown));
                    if strict.len() < 100 && !strict.contains(&msg) {
                        strict.push(msg);
                    }
                }
            }
        }
    }
    match first_type_error {
        Some(msg) => fail(msg),
        None => Ok(strict),
    }
}

/// One operation: its members as raw JSON (`map[string]*json.RawMessage`, last duplicate wins).
struct Op {
    fields: BTreeMap<String, Box<RawValue>>,
}

/// `jsonpatch.DecodePatch`.
fn decode_patch(top: &Value, text: &str) -> Result<Vec<Op>, PatchError> {
    let elements = match top {
        Value::Null => return Ok(Vec::new()),
        Value::Array(elements) => elements,
        other => {
            return Err(PatchError::BadRequest(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                kind_of(other)
            )));
        }
    };
    if let Some(bad) = elements
        .iter()
        .find(|e| !matches!(e, Value::Object(_) | Value::Null))
    {
        return Err(PatchError::BadRequest(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
            kind_of(bad)
        )));
    }
    let raws: Vec<Box<RawValue>> =
        serde_json::from_str(text).map_err(|e| PatchError::BadRequest(e.to_string()))?;
    raws.iter()
        .map(|raw| {
            let fields = if raw.get().trim() == "null" {
                BTreeMap::new()
            } else {
                serde_json::from_str(raw.get())
                    .map_err(|e| PatchError::BadRequest(e.to_string()))?
            };
            Ok(Op { fields })
        })
        .collect()
}

/// Why a string member could not be read.
enum Missing {
    /// Absent or `null`.
    Absent,
    /// Not a string: Go's unmarshal error.
    Decode(String),
}

impl Op {
    /// `Operation.Kind()`: `unknown` unless `op` is a string.
    fn kind(&self) -> String {
        match self.string("op") {
            Ok(s) => s,
            Err(_) => "unknown".to_owned(),
        }
    }

    fn string(&self, name: &str) -> Result<String, Missing> {
        let raw = match self.fields.get(name) {
            Some(raw) if raw.get().trim() != "null" => raw.get(),
            _ => return Err(Missing::Absent),
        };
        match serde_json::from_str::<Value>(raw) {
            Ok(Value::String(s)) => Ok(s),
            Ok(other) => Err(Missing::Decode(format!(
                "json: cannot unmarshal {} into Go value of type string",
                kind_of(&other)
            ))),
            Err(e) => Err(Missing::Decode(e.to_string())),
        }
    }

    /// `Operation.Path()`, with kube's text for a missing path.
    fn path(&self) -> Result<String, String> {
        self.string("path").map_err(|m| match m {
            Missing::Absent => "operation missing path field: missing value".to_owned(),
            Missing::Decode(e) => e,
        })
    }

    /// `Operation.From()`.
    fn from(&self) -> Result<String, String> {
        self.string("from").map_err(|m| match m {
            Missing::Absent => "operation, missing from field: missing value".to_owned(),
            Missing::Decode(e) => e,
        })
    }

    /// The raw `value`: `None` when absent, `Some(None)` when `null`.
    fn raw_value(&self) -> Option<Option<&RawValue>> {
        self.fields
            .get("value")
            .map(|raw| (raw.get().trim() != "null").then_some(&**raw))
    }

    /// The value to write: absent or `null` write `null`.
    fn value(&self) -> Result<Value, PatchError> {
        match self.raw_value() {
            Some(Some(raw)) => {
                serde_json::from_str(raw.get()).map_err(|e| PatchError::Invalid(e.to_string()))
            }
            _ => Ok(Value::Null),
        }
    }
}

fn apply(doc: &mut Value, op: &Op, copied: &mut usize) -> Result<(), PatchError> {
    let invalid = |msg: String| Err(PatchError::Invalid(msg));
    match op.kind().as_str() {
        "add" => {
            let Ok(path) = op.path() else {
                return invalid("add operation failed to decode path: missing value".into());
            };
            let value = op.value()?;
            check_write(&path, &value)?;
            let Some((con, key)) = find_object(doc, &path) else {
                return invalid(format!(
                    "add operation does not apply: doc is missing path: \"{path}\": missing value"
                ));
            };
            add(con, &key, value)
                .or_else(|e| invalid(format!("error in add for path: '{path}': {e}")))
        }
        "remove" => {
            let Ok(path) = op.path() else {
                return invalid("remove operation failed to decode path: missing value".into());
            };
            let Some((con, key)) = find_object(doc, &path) else {
                return invalid(format!(
                    "remove operation does not apply: doc is missing path: \"{path}\": missing value"
                ));
            };
            remove(con, &key)
                .map(drop)
                .or_else(|e| invalid(format!("error in remove for path: '{path}': {e}")))
        }
        "replace" => replace(doc, op),
        "move" => move_op(doc, op),
        "test" => test(doc, op),
        "copy" => copy(doc, op, copied),
        other => invalid(format!("Unexpected kind: {other}")),
    }
}

fn replace(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let path = op.path().map_err(|e| {
        PatchError::Invalid(format!("replace operation failed to decode path: {e}"))
    })?;
    if path.is_empty() {
        return match op.raw_value() {
            None => Err(nil_dereference()),
            Some(_) => match op.value()? {
                v @ (Value::Object(_) | Value::Array(_)) => {
                    *doc = v;
                    Ok(())
                }
                _ => Err(PatchError::Invalid(
                    "replace operation value must be object or array: %!w(<nil>)".into(),
                )),
            },
        };
    }
    let value = op.value()?;
    check_write(&path, &value)?;
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(PatchError::Invalid(format!(
            "replace operation does not apply: doc is missing path: {path}: missing value"
        )));
    };
    match con {
        Value::Array(a) => {
            let Ok(i) = array_get_index(a.len(), &key) else {
                return Err(PatchError::Invalid(format!(
                    "replace operation does not apply: doc is missing key: {path}: missing value"
                )));
            };
            a[i] = value;
        }
        Value::Object(m) => {
            m.insert(key, value);
        }
        _ => {}
    }
    Ok(())
}

fn move_op(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let from = op
        .from()
        .map_err(|e| PatchError::Invalid(format!("move operation failed to decode from: {e}")))?;
    let Some((con, key)) = find_object(doc, &from) else {
        return Err(PatchError::Invalid(format!(
            "move operation does not apply: doc is missing from path: {from}: missing value"
        )));
    };
    get(con, &key)
        .map_err(|e| PatchError::Invalid(format!("error in move for path: '{key}': {e}")))?;
    let value = remove(con, &key)
        .map_err(|e| PatchError::Invalid(format!("error in move for path: '{key}': {e}")))?;
    let path = op
        .path()
        .map_err(|e| PatchError::Invalid(format!("move operation failed to decode path: {e}")))?;
    check_write(&path, &value)?;
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(PatchError::Invalid(format!(
            "move operation does not apply: doc is missing destination path: {path}: missing value"
        )));
    };
    add(con, &key, value)
        .map_err(|e| PatchError::Invalid(format!("error in move for path: '{path}': {e}")))
}

fn copy(doc: &mut Value, op: &Op, copied: &mut usize) -> Result<(), PatchError> {
    let from = op
        .from()
        .map_err(|e| PatchError::Invalid(format!("copy operation failed to decode from: {e}")))?;
    let Some((con, key)) = find_object(doc, &from) else {
        return Err(PatchError::Invalid(format!(
            "copy operation does not apply: doc is missing from path: {from}: missing value"
        )));
    };
    let value = get(con, &key)
        .map_err(|e| PatchError::Invalid(format!("error in copy for from: '{from}': {e}")))?
        .cloned()
        .unwrap_or(Value::Null);
    let Ok(path) = op.path() else {
        return Err(PatchError::Invalid(
            "copy operation failed to decode path: missing value".into(),
        ));
    };
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(PatchError::Invalid(format!(
            "copy operation does not apply: doc is missing destination path: {path}: missing value"
        )));
    };
    check_write(&path, &value)?;
    if !value.is_null() {
        *copied += go_json_len(&value);
        if *copied > MAX_COPY_BYTES {
            return Err(PatchError::Invalid(format!(
                "Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MAX_COPY_BYTES}"
            )));
        }
    }
    add(con, &key, value)
        .map_err(|e| PatchError::Invalid(format!("error while adding value during copy: {e}")))
}

fn test(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let path = op
        .path()
        .map_err(|e| PatchError::Invalid(format!("test operation failed to decode path: {e}")))?;
    let failed = || {
        Err(PatchError::Invalid(format!(
            "testing value {path} failed: test failed"
        )))
    };
    if path.is_empty() {
        return match op.raw_value() {
            None => Err(nil_dereference()),
            Some(None) => failed(),
            Some(Some(raw)) if raw_equal(doc, raw)? => Ok(()),
            Some(Some(_)) => failed(),
        };
    }
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(PatchError::Invalid(format!(
            "test operation does not apply: is missing path: {path}: missing value"
        )));
    };
    let current = get(con, &key)
        .map_err(|e| PatchError::Invalid(format!("error in test for path: '{path}': {e}")))?;
    match (current, op.raw_value()) {
        (None, None | Some(None)) => Ok(()),
        (None, Some(Some(_))) | (Some(_), None | Some(None)) => failed(),
        (Some(current), Some(Some(raw))) if raw_equal(current, raw)? => Ok(()),
        _ => failed(),
    }
}

/// Keeps results within [`MAX_DEPTH`]: writing `value` at `path` nests it that many levels deep.
fn check_write(path: &str, value: &Value) -> Result<(), PatchError> {
    if path.split('/').count().saturating_sub(1) + gofmt::depth(value) > MAX_DEPTH {
        return Err(PatchError::BadRequest("exceeded max depth".into()));
    }
    Ok(())
}

/// A Go nil-pointer panic (v4 dereferences a missing `value` for `replace`/`test` of `""`, and
/// a `nil` array element when comparing arrays).
fn nil_dereference() -> PatchError {
    PatchError::Panic("runtime error: invalid memory address or nil pointer dereference".into())
}

/// `lazyNode.equal(current, patchValue)`: structural, with leaves compared as JSON text.
fn raw_equal(current: &Value, raw: &RawValue) -> Result<bool, PatchError> {
    let text = raw.get().trim();
    let parse = |e: serde_json::Error| PatchError::Invalid(e.to_string());
    match current {
        Value::Object(m) => {
            if !text.starts_with('{') {
                return Ok(false);
            }
            let other: BTreeMap<String, Box<RawValue>> =
                serde_json::from_str(text).map_err(parse)?;
            if other.len() != m.len() {
                return Ok(false);
            }
            for (k, v) in m {
                let Some(ov) = other.get(k) else {
                    return Ok(false);
                };
                let ov_null = ov.get().trim() == "null";
                if v.is_null() != ov_null {
                    return Ok(false);
                }
                if !v.is_null() && !raw_equal(v, ov)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Value::Array(a) => {
            if !text.starts_with('[') {
                return Ok(false);
            }
            let other: Vec<Box<RawValue>> = serde_json::from_str(text).map_err(parse)?;
            if other.len() != a.len() {
                return Ok(false);
            }
            for (v, ov) in a.iter().zip(&other) {
                if v.is_null() || ov.get().trim() == "null" {
                    return Err(nil_dereference());
                }
                if !raw_equal(v, ov)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        scalar => Ok(gofmt::json_scalar(scalar) == text),
    }
}

/// The length of Go's compact, HTML-escaped encoding of `v` (what a copy adds).
fn go_json_len(v: &Value) -> usize {
    match v {
        Value::Array(a) => 2 + a.len().saturating_sub(1) + a.iter().map(go_json_len).sum::<usize>(),
        Value::Object(m) => {
            2 + m.len().saturating_sub(1)
                + m.iter()
                    .map(|(k, v)| gofmt::json_string(k).len() + 1 + go_json_len(v))
                    .sum::<usize>()
        }
        scalar => gofmt::json_scalar(scalar).len(),
    }
}

/// RFC 6901 token decoding (`~1` then `~0`, in one left-to-right pass as `strings.NewReplacer`).
fn decode_key(k: &str) -> String {
    k.replace("~1", "/").replace("~0", "~")
}

/// `findObject`: the container holding the last token of `path`, and that token.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let key = decode_key(part);
        let next = match cur {
            Value::Object(m) => m.get_mut(&key)?,
            Value::Array(a) => {
                let i = array_get_index(a.len(), &key).ok()?;
                &mut a[i]
            }
            _ => return None,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        cur = next;
    }
    Some((cur, decode_key(split[split.len() - 1])))
}

/// `container.get`: `Ok(None)` is Go's `nil` (a missing member or a `null`).
fn get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, String> {
    match con {
        Value::Object(m) => Ok(m.get(key).filter(|v| !v.is_null())),
        Value::Array(a) => {
            let i = array_get_index(a.len(), key)?;
            Ok(Some(&a[i]).filter(|v| !v.is_null()))
        }
        _ => Ok(None),
    }
}

fn add(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_owned(), value);
            Ok(())
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(value);
                return Ok(());
            }
            let idx = atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let size = len_i64(a.len()) + 1;
            if idx >= size || idx < -size {
                return Err(invalid_index(idx));
            }
            let idx = if idx < 0 { idx + size } else { idx };
            a.insert(usize::try_from(idx).map_err(|_| invalid_index(idx))?, value);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `container.remove`, returning the removed value (for `move`).
fn remove(con: &mut Value, key: &str) -> Result<Value, String> {
    match con {
        Value::Object(m) => remove_member(m, key),
        Value::Array(a) => {
            let idx = atoi(key)?;
            let len = len_i64(a.len());
            if idx >= len || idx < -len {
                return Err(invalid_index(idx));
            }
            let idx = if idx < 0 { idx + len } else { idx };
            Ok(a.remove(usize::try_from(idx).map_err(|_| invalid_index(idx))?))
        }
        _ => Ok(Value::Null),
    }
}

fn remove_member(m: &mut Map<String, Value>, key: &str) -> Result<Value, String> {
    m.shift_remove(key)
        .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: missing value"))
}

/// `partialArray.get`'s index: negative counts from the end.
fn array_get_index(len: usize, key: &str) -> Result<usize, String> {
    let idx = atoi(key)?;
    let n = len_i64(len);
    if idx < -n {
        return Err(invalid_index(idx));
    }
    let idx = if idx < 0 { idx + n } else { idx };
    if idx >= n {
        return Err(invalid_index(idx));
    }
    usize::try_from(idx).map_err(|_| invalid_index(idx))
}

fn len_i64(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: invalid index referenced")
}

/// `strconv.Atoi`: an optional sign and decimal digits, within `int64`.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.Atoi: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    let magnitude = digits.trim_start_matches('0');
    let parsed = if magnitude.is_empty() {
        Some(0)
    } else if s.starts_with('-') {
        format!("-{magnitude}").parse().ok()
    } else {
        magnitude.parse().ok()
    };
    parsed.ok_or_else(|| format!("strconv.Atoi: parsing {}: value out of range", go_quote(s)))
}

/// `%q` of a string (exact for printable text).
fn go_quote(s: &str) -> String {
    format!("{s:?}")
}
