//! JSON written the way Go's `encoding/json` writes it, so bytes match kube-apiserver's: `<`,
//! `>` and `&` escaped as `\u003c`, `\u003e`, `\u0026`, and U+2028/U+2029 as `\u2028`/`\u2029`
//! (serde_json leaves them raw; both are valid JSON, but clients compare bytes in places such as
//! `last-applied-configuration`). Pretty output is `json.MarshalIndent(v, "", "  ")`.

use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Wraps a formatter and applies Go's HTML-safe string escaping.
struct GoEscape<F>(F);

fn write_escaped<W: ?Sized + io::Write>(writer: &mut W, fragment: &str) -> io::Result<()> {
    // A byte scan: the characters Go escapes are ASCII or start with 0xE2 (U+2028 and U+2029
    // are E2 80 A8 and E2 80 A9), and no other character's encoding contains those bytes.
    let bytes = fragment.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(offset) = bytes[i..]
        .iter()
        .position(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2))
    {
        i += offset;
        let (escape, len) = match &bytes[i..] {
            [b'<', ..] => ("\\u003c", 1),
            [b'>', ..] => ("\\u003e", 1),
            [b'&', ..] => ("\\u0026", 1),
            [0xE2, 0x80, 0xA8, ..] => ("\\u2028", 3),
            [0xE2, 0x80, 0xA9, ..] => ("\\u2029", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        writer.write_all(&bytes[start..i])?;
        writer.write_all(escape.as_bytes())?;
        i += len;
        start = i;
    }
    writer.write_all(&bytes[start..])
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name<W: ?Sized + io::Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(writer $(, $arg)*)
        })*
    };
}

impl<F: Formatter> Formatter for GoEscape<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaped(writer, fragment)
    }

    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }
}

/// Appends the compact Go encoding of `value` to `out`.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, GoEscape(CompactFormatter));
    // Serializing into a Vec cannot fail for JSON values.
    let _ = value.serialize(&mut ser);
}

/// [`write`] of a JSON value, without serde's serializer for all but numbers: the same bytes,
/// for the objects every write encodes.
pub fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write(out, n),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, key);
                out.push(b':');
                write_value(out, item);
            }
            out.push(b'}');
        }
    }
}

/// The bytes [`write_str`] escapes: serde_json's (control characters, `"`, `\\`) and Go's
/// (`<`, `>`, `&`, and 0xE2, the first byte of U+2028 and U+2029).
static ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    let mut i = 0;
    let others = *b"\"\\<>&\xE2";
    while i < others.len() {
        table[others[i] as usize] = true;
        i += 1;
    }
    table
};

/// [`write`] of a string in one scan: serde_json's escapes (`\"`, `\\`, `\b`, `\f`, `\n`,
/// `\r`, `\t`, `\u00XX` for the other control characters) and Go's HTML-safe ones.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    static HEX_DIGITS: [u8; 16] = *b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !ESCAPED[usize::from(b)] {
            i += 1;
            continue;
        }
        let control;
        let (escape, len): (&[u8], usize) = match b {
            b'"' => (b"\\\"", 1),
            b'\\' => (b"\\\\", 1),
            0x08 => (b"\\b", 1),
            0x09 => (b"\\t", 1),
            0x0A => (b"\\n", 1),
            0x0C => (b"\\f", 1),
            0x0D => (b"\\r", 1),
            b'<' => (b"\\u003c", 1),
            b'>' => (b"\\u003e", 1),
            b'&' => (b"\\u0026", 1),
            0xE2 => match bytes.get(i + 1..i + 3) {
                Some([0x80, 0xA8]) => (b"\\u2028", 3),
                Some([0x80, 0xA9]) => (b"\\u2029", 3),
                _ => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                control = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX_DIGITS[usize::from(b >> 4)],
                    HEX_DIGITS[usize::from(b & 0xF)],
                ];
                (&control, 1)
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += len;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The compact Go encoding of `value`.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    write(&mut out, value);
    out
}

/// The indented Go encoding of `value` (`json.MarshalIndent(v, "", "  ")`).
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, GoEscape(PrettyFormatter::new()));
    let _ = value.serialize(&mut ser);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn write_value_writes_what_serde_writes() {
        let every_byte: String = (0u8..0x80).map(char::from).collect();
        for v in [
            json!({"a": "<b> & \u{2028}", "n": 1, "f": 1.5, "neg": -3, "big": 18446744073709551615u64}),
            json!([null, true, false, [], {}, [{}], {"": ""}]),
            json!({"s": every_byte, "u": "é…€\u{2029}x<\u{2028}", "k\"\n": "\\"}),
            json!("plain"),
        ] {
            let mut out = Vec::new();
            super::write_value(&mut out, &v);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(super::to_vec(&v)).unwrap(),
                "{v}"
            );
        }
    }

    #[test]
    fn escapes_html_and_line_separators_like_go() {
        let v = json!({"a": "<b> & \u{2028}", "n": 1});
        assert_eq!(
            String::from_utf8(super::to_vec(&v)).unwrap(),
            r#"{"a":"\u003cb\u003e \u0026 \u2028","n":1}"#
        );
        // Other characters starting with 0xE2 (`…`, `€`) are written as they are.
        assert_eq!(
            String::from_utf8(super::to_vec(&json!("…€\u{2029}x<"))).unwrap(),
            "\"…€\\u2029x\\u003c\""
        );
        assert_eq!(
            String::from_utf8(super::to_vec_pretty(&json!({"a": [1, {}], "b": {}}))).unwrap(),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}"
        );
    }
}
