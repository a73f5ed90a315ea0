//! Values as structured-merge-diff and Go see them: SMD's total order and equality over JSON
//! values (`value.Compare`, `value.Equals`: ints and floats compare numerically), its
//! `value.ToString` (used in field paths), Go's JSON string and float encodings, and the `%v` and
//! `%#v` renderings SMD puts in error messages (`%q` is [`crate::error::go_quote`]).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::error::go_quote;

/// A JSON number as SMD sees it: `int64` or `float64` (a `uint64` beyond `int64` decodes to a
/// float in Go).
#[derive(Clone, Copy)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

pub(crate) fn num(v: &Value) -> Option<Num> {
    let Value::Number(n) = v else { return None };
    if let Some(i) = n.as_i64() {
        return Some(Num::Int(i));
    }
    n.as_f64().map(Num::Float)
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// The rank of a value's type in SMD's order: numbers, strings, booleans, lists, maps, null.
fn rank(v: &Value) -> u8 {
    match v {
        Value::Number(_) => 0,
        Value::String(_) => 1,
        Value::Bool(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
        Value::Null => 5,
    }
}

/// `value.Compare`: a total order over values of any type.
pub(crate) fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => x.cmp(&y),
            (Some(x), Some(y)) => as_f64(x).partial_cmp(&as_f64(y)).unwrap_or(Ordering::Equal),
            _ => Ordering::Equal,
        },
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (l, r) in x.iter().zip(y) {
                let c = compare(l, r);
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => compare_maps(x, y),
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => rank(a).cmp(&rank(b)),
    }
}

/// `value.MapCompare`: by sorted keys, then by the values of equal keys, then by size.
fn compare_maps(x: &Map<String, Value>, y: &Map<String, Value>) -> Ordering {
    let mut xk: Vec<&String> = x.keys().collect();
    let mut yk: Vec<&String> = y.keys().collect();
    xk.sort();
    yk.sort();
    for (l, r) in xk.iter().zip(&yk) {
        let c = l.as_bytes().cmp(r.as_bytes());
        if c != Ordering::Equal {
            return c;
        }
        let c = compare(&x[l.as_str()], &y[r.as_str()]);
        if c != Ordering::Equal {
            return c;
        }
    }
    xk.len().cmp(&yk.len())
}

/// `value.Equals`: structural equality, with ints and floats equal when numerically equal.
pub(crate) fn equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => match (num(a), num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => x == y,
            (Some(x), Some(y)) => as_f64(x) == as_f64(y),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| equals(l, r))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, l)| y.get(k).is_some_and(|r| equals(l, r)))
        }
        _ => a == b,
    }
}

/// `value.ToString`, as field paths print key and set values.
pub(crate) fn smd_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Number(_) => match num(v) {
            Some(Num::Int(i)) => i.to_string(),
            Some(Num::Float(f)) => go_g(f),
            None => String::new(),
        },
        Value::String(s) => go_quote(s),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(smd_string).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", smd_string(v)))
            .collect(),
    }
}

/// How a JSON string is escaped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escape {
    /// `encoding/json` (and json-iterator's `WriteVal` with the standard-library config): `<`,
    /// `>`, `&`, U+2028 and U+2029 escaped too.
    Html,
    /// json-iterator's `WriteString` (object keys it writes by hand): quotes, backslashes and
    /// control characters only.
    Plain,
}

/// A JSON string as Go writes it.
pub(crate) fn go_json_string(s: &str, escape: Escape) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_go_json_string(&mut out, s, escape);
    out
}

/// [`go_json_string`], appended to `out`.
pub(crate) fn write_go_json_string(out: &mut String, s: &str, escape: Escape) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if escape == Escape::Html => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float as Go's JSON encoders write it: shortest representation, `e` notation below 1e-6
/// and from 1e21, with a two-digit exponent trimmed (`1e-7`, `1e+21`).
pub(crate) fn go_json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = go_exp(f);
        match s.rsplit_once("e-0") {
            Some((mantissa, digit)) if digit.len() == 1 => format!("{mantissa}e-{digit}"),
            _ => s,
        }
    } else {
        format!("{f}")
    }
}

/// `strconv.FormatFloat(f, 'e', -1, 64)`: `1e+21`, `1.5e-07`.
fn go_exp(f: f64) -> String {
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    let digits = if digits.len() < 2 {
        format!("0{digits}")
    } else {
        digits.to_string()
    };
    format!("{mantissa}e{sign}{digits}")
}

/// A float as Go's `%v` prints it (`strconv.FormatFloat(f, 'g', -1, 64)`: exponent form when
/// the decimal exponent is below -4 or at least 6).
pub(crate) fn go_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let exp: i32 = format!("{f:e}")
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        go_exp(f)
    } else {
        format!("{f}")
    }
}

/// A value as Go's `encoding/json` writes an `interface{}`: map keys sorted when `sort_keys`
/// (a Go map), kept in order otherwise.
pub(crate) fn go_json(v: &Value, escape: Escape, sort_keys: bool) -> String {
    let mut out = String::new();
    write_go_json(&mut out, v, escape, sort_keys);
    out
}

fn write_go_json(out: &mut String, v: &Value, escape: Escape, sort_keys: bool) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) => match num(v) {
            Some(Num::Int(i)) => out.push_str(&i.to_string()),
            Some(Num::Float(f)) => out.push_str(&go_json_float(f)),
            None => out.push('0'),
        },
        Value::String(s) => out.push_str(&go_json_string(s, escape)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, item, escape, sort_keys);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if sort_keys {
                keys.sort();
            }
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&go_json_string(k, escape));
                out.push(':');
                write_go_json(out, &m[k.as_str()], escape, sort_keys);
            }
            out.push('}');
        }
    }
}

/// Go's `%v` of an unstructured value (`map[a:1 b:[x y]]`).
pub(crate) fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(_) => match num(v) {
            Some(Num::Int(i)) => i.to_string(),
            Some(Num::Float(f)) => go_g(f),
            None => String::new(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_v).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_v(&m[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// Go's `%#v` of an unstructured value (`map[string]interface {}{"a":1}`).
pub(crate) fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(_) => match num(v) {
            Some(Num::Int(i)) => i.to_string(),
            Some(Num::Float(f)) => go_g(f),
            None => String::new(),
        },
        Value::String(s) => go_quote(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_sharp_v).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", go_quote(k), go_sharp_v(&m[k.as_str()])))
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%T` of an unstructured value.
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(_) => match num(v) {
            Some(Num::Int(_)) => "int64",
            _ => "float64",
        },
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}
