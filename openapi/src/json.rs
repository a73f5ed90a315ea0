//! JSON written the way Go's `encoding/json` writes it (kube-apiserver's bytes): compact, with
//! `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`, `\u003e`, `\u0026`, `\u2028`,
//! `\u2029`, `\b`, `\f`, `\n`, `\r`, `\t` as such (Go 1.22 and later) and the other control
//! characters as `\u00XX`. The API server writes the objects it stores with it too.

use serde_json::Value;

/// `json.Marshal` of a value. Written by hand rather than through serde_json's generic
/// serializer: this crate builds megabytes of documents at startup, in debug builds too.
pub(crate) fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    write_value(value, &mut out);
    out
}

/// Appends `value`'s compact encoding to `out`.
pub fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            use std::io::Write as _;
            // Writing to a `Vec` cannot fail.
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(key, out);
                out.push(b':');
                write_value(item, out);
            }
            out.push(b'}');
        }
    }
}

/// A JSON string as Go writes it: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other
/// controls as `\u00XX`, and the HTML-safe and line-separator escapes.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    write_str_contents(s, out);
    out.push(b'"');
}

/// The bytes `write_str_contents` looks at twice (a table: this runs over megabytes in debug
/// builds).
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'&' as usize] = true;
    table[0xe2] = true;
    table
};

fn write_str_contents(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[b as usize] {
            i += 1;
            continue;
        }
        let mut width = 1;
        let mut unicode = [b'\\', b'u', b'0', b'0', b'0', b'0'];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            b'&' => b"\\u0026",
            0xe2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0xa8)) => {
                    width = 3;
                    b"\\u2028"
                }
                (Some(0x80), Some(0xa9)) => {
                    width = 3;
                    b"\\u2029"
                }
                _ => {
                    i += 1;
                    continue;
                }
            },
            control => {
                unicode[4] = HEX[usize::from(control >> 4)];
                unicode[5] = HEX[usize::from(control & 0xf)];
                &unicode
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += width;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Writes JSON as it goes: commas between members and elements are placed by the writer.
#[derive(Default)]
pub(crate) struct Writer {
    pub out: Vec<u8>,
    /// Per open object or array: whether a member or element was written.
    written: Vec<bool>,
    /// A key was just written: the next value follows it without a comma.
    after_key: bool,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer {
            out: Vec::with_capacity(1 << 16),
            ..Writer::default()
        }
    }

    fn separate(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(written) = self.written.last_mut() {
            if *written {
                self.out.push(b',');
            }
            *written = true;
        }
    }

    pub(crate) fn begin_object(&mut self) -> &mut Self {
        self.separate();
        self.out.push(b'{');
        self.written.push(false);
        self
    }

    pub(crate) fn begin_array(&mut self) -> &mut Self {
        self.separate();
        self.out.push(b'[');
        self.written.push(false);
        self
    }

    pub(crate) fn end_object(&mut self) -> &mut Self {
        self.out.push(b'}');
        self.written.pop();
        self
    }

    pub(crate) fn end_array(&mut self) -> &mut Self {
        self.out.push(b']');
        self.written.pop();
        self
    }

    pub(crate) fn key(&mut self, key: &str) -> &mut Self {
        self.separate();
        write_str(key, &mut self.out);
        self.out.push(b':');
        self.after_key = true;
        self
    }

    pub(crate) fn string(&mut self, s: &str) -> &mut Self {
        self.separate();
        write_str(s, &mut self.out);
        self
    }

    /// Already written JSON.
    pub(crate) fn raw(&mut self, json: &[u8]) -> &mut Self {
        self.separate();
        self.out.extend_from_slice(json);
        self
    }

    pub(crate) fn value(&mut self, value: &Value) -> &mut Self {
        self.separate();
        write_value(value, &mut self.out);
        self
    }

    pub(crate) fn strings<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) -> &mut Self {
        self.begin_array();
        for s in items {
            self.string(s);
        }
        self.end_array()
    }

    /// `{"$ref": "<prefix><name>"}`.
    pub(crate) fn reference(&mut self, prefix: &str, name: &str) -> &mut Self {
        self.begin_object().key("$ref");
        self.separate();
        self.out.push(b'"');
        write_str_contents(prefix, &mut self.out);
        write_str_contents(name, &mut self.out);
        self.out.push(b'"');
        self.end_object()
    }
}

/// Replaces the `placeholder` that `document` starts with by `head` followed by `body`:
/// `{"definitions":{}` + rest becomes `{"definitions":` + body + rest.
pub(crate) fn splice(document: &[u8], placeholder: &[u8], head: &[u8], body: &[u8]) -> Vec<u8> {
    let rest = document
        .strip_prefix(placeholder)
        .expect("the document starts with the placeholder");
    let mut out = Vec::with_capacity(head.len() + body.len() + rest.len());
    out.extend_from_slice(head);
    out.extend_from_slice(body);
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escapes_like_go() {
        assert_eq!(
            to_vec(&json!({"a": "<b> & \u{2028}", "é": 1})),
            b"{\"a\":\"\\u003cb\\u003e \\u0026 \\u2028\",\"\xc3\xa9\":1}".to_vec()
        );
        let tricky = json!([
            "q\"\\ \n\r\t\u{8}\u{1f} \u{2019}",
            null,
            true,
            1.5,
            -2,
            {},
            []
        ]);
        assert_eq!(
            String::from_utf8(to_vec(&tricky)).unwrap(),
            "[\"q\\\"\\\\ \\n\\r\\t\\b\\u001f \u{2019}\",null,true,1.5,-2,{},[]]"
        );
        let parsed: Value = serde_json::from_slice(&to_vec(&tricky)).unwrap();
        assert_eq!(parsed, tricky);
        assert_eq!(
            splice(
                b"{\"d\":{},\"x\":1}",
                b"{\"d\":{}",
                b"{\"d\":",
                b"{\"k\":2}"
            ),
            b"{\"d\":{\"k\":2},\"x\":1}".to_vec()
        );
    }
}
