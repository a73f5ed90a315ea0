//! Lenient accessors over the v1 JSON of an object, decoding like Go's `encoding/json` into the
//! internal type would: a missing key and `null` are the zero value (or a nil pointer), a value of
//! the wrong type is treated as missing, and nothing panics.

use serde_json::{Map, Value};

/// The value at `path`, or `None` if a step is missing, `null`, or not an object.
pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = cur.as_object()?.get(*key)?;
    }
    if cur.is_null() { None } else { Some(cur) }
}

/// Whether a pointer field is set (present and not `null`).
pub(crate) fn has(v: &Value, path: &[&str]) -> bool {
    at(v, path).is_some()
}

/// A string field; `""` when missing or not a string.
pub(crate) fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

/// A string pointer field: `Some` only when it holds a string.
pub(crate) fn opt_str<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

/// An integer field; 0 when missing or not a number (floats are truncated).
pub(crate) fn int_at(v: &Value, path: &[&str]) -> i64 {
    at(v, path).map_or(0, as_int)
}

/// An integer pointer field: `Some` only when it holds a number.
pub(crate) fn opt_int(v: &Value, path: &[&str]) -> Option<i64> {
    at(v, path).filter(|x| x.is_number()).map(as_int)
}

/// A number as an integer; 0 for anything that is not a number.
pub(crate) fn as_int(v: &Value) -> i64 {
    if let Some(i) = v.as_i64() {
        i
    } else if let Some(u) = v.as_u64() {
        i64::try_from(u).unwrap_or(i64::MAX)
    } else {
        // `as` saturates and maps NaN to 0, which is what we want for odd input.
        v.as_f64().map_or(0, |f| f as i64)
    }
}

/// A boolean field; false when missing or not a boolean.
pub(crate) fn bool_at(v: &Value, path: &[&str]) -> bool {
    at(v, path).and_then(Value::as_bool).unwrap_or(false)
}

/// A boolean pointer field.
pub(crate) fn opt_bool(v: &Value, path: &[&str]) -> Option<bool> {
    at(v, path).and_then(Value::as_bool)
}

/// A list field; empty when missing or not an array.
pub(crate) fn arr<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A map field (`map[string]...`), or `None`.
pub(crate) fn obj<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Map<String, Value>> {
    at(v, path).and_then(Value::as_object)
}

/// The number of entries of a map field (`len(m)` in Go).
pub(crate) fn map_len(v: &Value, path: &[&str]) -> i64 {
    obj(v, path).map_or(0, |m| i64::try_from(m.len()).unwrap_or(i64::MAX))
}

/// `metadata.name`.
pub(crate) fn name(v: &Value) -> String {
    str_at(v, &["metadata", "name"]).to_string()
}

/// An annotation value; `""` when absent.
pub(crate) fn annotation<'a>(v: &'a Value, key: &str) -> &'a str {
    obj(v, &["metadata", "annotations"])
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Go's `strconv.Itoa`-style length of a slice, as the `int64` the printers put in cells.
pub(crate) fn len_i64(items: &[Value]) -> i64 {
    i64::try_from(items.len()).unwrap_or(i64::MAX)
}
