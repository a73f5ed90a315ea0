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
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        let escape = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        writer.write_all(&fragment.as_bytes()[start..i])?;
        writer.write_all(escape.as_bytes())?;
        start = i + c.len_utf8();
    }
    writer.write_all(&fragment.as_bytes()[start..])
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
    fn escapes_html_and_line_separators_like_go() {
        let v = json!({"a": "<b> & \u{2028}", "n": 1});
        assert_eq!(
            String::from_utf8(super::to_vec(&v)).unwrap(),
            r#"{"a":"\u003cb\u003e \u0026 \u2028","n":1}"#
        );
        assert_eq!(
            String::from_utf8(super::to_vec_pretty(&json!({"a": [1, {}], "b": {}}))).unwrap(),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}"
        );
    }
}
