//! How Go sees and prints the decoded JSON values the patch engines work on.
//!
//! apimachinery decodes JSON into `interface{}` trees (`map[string]interface{}`, `[]interface{}`,
//! `string`, `int64` or `float64` (`PreserveInts`), `bool`, `nil`), compares them with Go's `==`,
//! and puts them into error messages with `fmt`'s `%v` / `%s`. Several of those messages reach the
//! client verbatim (a strategic merge patch error is a 500 whose message is `err.Error()`), so this
//! module reproduces Go's dynamic types, equality, and formatting.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

use super::PatchError;

/// The dynamic Go type of a decoded JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GoType {
    Nil,
    Bool,
    Int64,
    Float64,
    String,
    Slice,
    Map,
}

impl GoType {
    /// `reflect.Type.String()`, as `%s` prints a `reflect.TypeOf(v)`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            GoType::Nil => "%!s(<nil>)",
            GoType::Bool => "bool",
            GoType::Int64 => "int64",
            GoType::Float64 => "float64",
            GoType::String => "string",
            GoType::Slice => "[]interface {}",
            GoType::Map => "map[string]interface {}",
        }
    }
}

/// The Go type `kjson.UnmarshalCaseSensitivePreserveInts` gives a JSON value: integers that fit
/// an `int64` become `int64`, every other number `float64`.
pub(crate) fn go_type(v: &Value) -> GoType {
    match v {
        Value::Null => GoType::Nil,
        Value::Bool(_) => GoType::Bool,
        Value::Number(n) if n.is_i64() => GoType::Int64,
        Value::Number(_) => GoType::Float64,
        Value::String(_) => GoType::String,
        Value::Array(_) => GoType::Slice,
        Value::Object(_) => GoType::Map,
    }
}

/// `mergepatch.ErrBadArgType(expected, actual)`.
pub(crate) fn bad_arg_type(expected: GoType, actual: &Value) -> PatchError {
    PatchError::Internal(format!(
        "expected a {}, but received a {}",
        expected.name(),
        go_type(actual).name()
    ))
}

/// `mergepatch.ErrNoMergeKey(m, k)`.
pub(crate) fn no_merge_key(m: &Map<String, Value>, key: &str) -> PatchError {
    PatchError::Internal(format!(
        "map: {} does not contain declared merge key: {key}",
        fmt_map(m, Verb::V)
    ))
}

/// `mergepatch.ErrBadPatchType(t, m)`.
pub(crate) fn bad_patch_type(t: &Value, m: &Map<String, Value>) -> PatchError {
    PatchError::Internal(format!(
        "unknown patch type: {} in map: {}",
        fmt_top(t, Verb::S),
        fmt_map(m, Verb::V)
    ))
}

/// Go's `a == b` on two `interface{}` values. Equal dynamic types that are not comparable (maps,
/// slices) make Go panic.
pub(crate) fn go_eq(a: &Value, b: &Value) -> Result<bool, PatchError> {
    let (ta, tb) = (go_type(a), go_type(b));
    if ta != tb {
        return Ok(false);
    }
    Ok(match (a, b) {
        (Value::Array(_), _) | (Value::Object(_), _) => {
            return Err(PatchError::Panic(format!(
                "runtime error: comparing uncomparable type {}",
                ta.name()
            )));
        }
        (Value::Number(x), Value::Number(y)) => number_eq(x, y),
        _ => a == b,
    })
}

fn number_eq(x: &Number, y: &Number) -> bool {
    match (x.as_i64(), y.as_i64()) {
        (Some(x), Some(y)) => x == y,
        _ => x.as_f64() == y.as_f64(),
    }
}

/// Using `v` as a Go map key: maps and slices are unhashable and make Go panic.
pub(crate) fn hashable(v: &Value) -> Result<(), PatchError> {
    match go_type(v) {
        t @ (GoType::Slice | GoType::Map) => Err(PatchError::Panic(format!(
            "runtime error: hash of unhashable type {}",
            t.name()
        ))),
        _ => Ok(()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    V,
    S,
}

/// `fmt.Sprintf("%v")` / `("%s")` of a value passed directly as an argument (a top-level `nil`
/// prints `%!s(<nil>)` / `<nil>`).
pub(crate) fn fmt_top(v: &Value, verb: Verb) -> String {
    let mut out = String::new();
    match (v, verb) {
        (Value::Null, Verb::S) => out.push_str("%!s(<nil>)"),
        _ => write_value(&mut out, v, verb),
    }
    out
}

pub(crate) fn fmt_map(m: &Map<String, Value>, verb: Verb) -> String {
    let mut out = String::new();
    write_map(&mut out, m, verb);
    out
}

pub(crate) fn fmt_slice(s: &[Value], verb: Verb) -> String {
    let mut out = String::new();
    write_slice(&mut out, s, verb);
    out
}

fn write_value(out: &mut String, v: &Value, verb: Verb) {
    match v {
        // Inside a map or slice an `interface{}` holding nil prints `<nil>` for any verb.
        Value::Null => out.push_str("<nil>"),
        Value::String(s) => out.push_str(s),
        Value::Array(a) => write_slice(out, a, verb),
        Value::Object(m) => write_map(out, m, verb),
        Value::Bool(_) | Value::Number(_) => {
            let text = scalar_v(v);
            if verb == Verb::S {
                let _ = write!(out, "%!s({}={text})", go_type(v).name());
            } else {
                out.push_str(&text);
            }
        }
    }
}

fn write_slice(out: &mut String, s: &[Value], verb: Verb) {
    out.push('[');
    for (i, v) in s.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(out, v, verb);
    }
    out.push(']');
}

/// `fmt` prints maps with their keys sorted.
fn write_map(out: &mut String, m: &Map<String, Value>, verb: Verb) {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.push_str("map[");
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(k);
        out.push(':');
        write_value(out, v, verb);
    }
    out.push(']');
}

/// `%v` of a bool or number.
fn scalar_v(v: &Value) -> String {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => float_g(n.as_f64().unwrap_or(0.0)),
        },
        other => other.to_string(),
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, which is what `%v` prints for a `float64`: the
/// shortest digits, in `%e` form when the exponent is < -4 or >= 6 (e.g. `1e+06`, `1.5e-05`).
pub(crate) fn float_g(f: f64) -> String {
    let (digits, exp) = shortest_digits(f);
    let neg = if f.is_sign_negative() { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let mut s = format!("{neg}{}", &digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(s, "e{sign}{:02}", exp.unsigned_abs());
        s
    } else {
        fixed(neg, &digits, exp)
    }
}

/// Go's `encoding/json` text for a `float64`: `'f'` form for 1e-6 <= |f| < 1e21, otherwise
/// `'e'` form with a one-digit negative exponent kept as is (`1e-7`, `1e+21`).
pub(crate) fn float_json(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let (digits, exp) = shortest_digits(f);
        let neg = if f.is_sign_negative() { "-" } else { "" };
        let mut s = format!("{neg}{}", &digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(s, "e{sign}{}", exp.unsigned_abs());
        s
    } else {
        let (digits, exp) = shortest_digits(f);
        let neg = if f.is_sign_negative() { "-" } else { "" };
        fixed(neg, &digits, exp)
    }
}

/// The shortest round-trip decimal digits of `f` and the exponent of the first digit.
fn shortest_digits(f: f64) -> (String, i32) {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

fn fixed(neg: &str, digits: &str, exp: i32) -> String {
    let mut s = String::from(neg);
    if exp < 0 {
        s.push_str("0.");
        for _ in 0..(-exp - 1) {
            s.push('0');
        }
        s.push_str(digits);
    } else {
        let int_len = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= int_len {
            s.push_str(digits);
            for _ in digits.len()..int_len {
                s.push('0');
            }
        } else {
            s.push_str(&digits[..int_len]);
            s.push('.');
            s.push_str(&digits[int_len..]);
        }
    }
    s
}

/// A string as Go's `encoding/json` encoder writes it (HTML-safe escaping, the default of
/// `json.NewEncoder`, which the apiserver's JSON serializer uses).
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A scalar as Go's `encoding/json` encoder writes it.
pub(crate) fn json_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => json_string(s),
        Value::Number(n) if n.is_f64() => float_json(n.as_f64().unwrap_or(0.0)),
        other => other.to_string(),
    }
}

/// The nesting depth of `v` (a scalar is 0), computed without recursion.
pub(crate) fn depth(v: &Value) -> usize {
    let mut max = 0;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        match v {
            Value::Array(a) => {
                max = max.max(d + 1);
                stack.extend(a.iter().map(|c| (c, d + 1)));
            }
            Value::Object(m) => {
                max = max.max(d + 1);
                stack.extend(m.values().map(|c| (c, d + 1)));
            }
            _ => {}
        }
    }
    max
}
