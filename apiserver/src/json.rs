//! JSON written the way Go's `encoding/json` writes it, so bytes match kube-apiserver's: `<`,
//! `>` and `&` escaped as `\u003c`, `\u003e`, `\u0026`, and U+2028/U+2029 as `\u2028`/`\u2029`
//! (serde_json leaves them raw; both are valid JSON, but clients compare bytes in places such as
//! `last-applied-configuration`). Pretty output is `json.MarshalIndent(v, "", "  ")`.

use std::io;

use serde::Serialize;
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
            // The writer of the objects the API server stores (and of the OpenAPI documents).
            let mut out = Vec::new();
            kubemem_openapi::json::write_value(&v, &mut out);
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
