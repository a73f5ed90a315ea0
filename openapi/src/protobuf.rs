//! `/openapi/v2` in protobuf: gnostic's `openapi.v2.Document`
//! (`github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto`), which kubectl asks for with
//! `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`.
//!
//! kube-openapi produces it by parsing the JSON document with gnostic (`ParseDocument`) and
//! marshalling the result (`handler.ToProtoBinary`), so this module does the same walk over the
//! JSON [`crate::v2_document`] built: each JSON object becomes the message gnostic builds for it,
//! fields written in field-number order (as Go's `proto.Marshal` does), proto3 defaults (empty
//! strings, `false`) omitted. Maps (`paths`, `definitions`, `properties`, ...) are repeated
//! `Named*` pairs in document order. Vendor extensions are `NamedAny { name, value: Any { yaml } }`
//! where `yaml` is the YAML text of the extension's value (gnostic's `NewAny` marshals the parsed
//! node with yaml.v3, styles cleared); readers (kube-openapi's `VendorExtensionToMap`)
//! YAML-decode it. A schema's `enum` values are `Any`s of the same kind.
//!
//! The wire format: every field is a varint key `(number << 3) | wire type`; strings and
//! messages are wire type 2 (length-delimited: varint length, then the bytes), bools wire
//! type 0 (varint).

use serde_json::{Map, Value};

/// A protobuf message being written.
#[derive(Default)]
pub struct Message {
    buf: Vec<u8>,
}

impl Message {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn varint(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    fn key(&mut self, field: u32, wire_type: u8) {
        self.varint(u64::from(field) << 3 | u64::from(wire_type));
    }

    /// A length-delimited field (bytes, string or embedded message), even if empty.
    pub fn bytes(&mut self, field: u32, bytes: &[u8]) -> &mut Self {
        self.key(field, 2);
        self.varint(bytes.len() as u64);
        self.buf.extend_from_slice(bytes);
        self
    }

    /// A string field; proto3 leaves out the empty string.
    pub fn string(&mut self, field: u32, s: &str) -> &mut Self {
        if !s.is_empty() {
            self.bytes(field, s.as_bytes());
        }
        self
    }

    /// Each string of a repeated string field.
    pub fn strings<'a>(
        &mut self,
        field: u32,
        values: impl IntoIterator<Item = &'a str>,
    ) -> &mut Self {
        for s in values {
            self.bytes(field, s.as_bytes());
        }
        self
    }

    /// A bool field; proto3 leaves out `false`.
    pub fn boolean(&mut self, field: u32, b: bool) -> &mut Self {
        if b {
            self.key(field, 0);
            self.varint(1);
        }
        self
    }

    /// An embedded message.
    pub fn message(&mut self, field: u32, message: Message) -> &mut Self {
        self.bytes(field, &message.buf)
    }
}

fn build(f: impl FnOnce(&mut Message)) -> Message {
    let mut m = Message::new();
    f(&mut m);
    m
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn strings_of<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a str> {
    v[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn entries(v: &Value) -> impl Iterator<Item = (&String, &Value)> {
    v.as_object().into_iter().flat_map(Map::iter)
}

/// `NamedAny` vendor extensions of an object, in document order.
fn vendor_extensions(m: &mut Message, field: u32, v: &Value) {
    for (name, value) in entries(v).filter(|(k, _)| k.starts_with("x-")) {
        let any = build(|a| {
            a.string(2, &yaml(value));
        });
        m.message(
            field,
            build(|n| {
                n.string(1, name).message(2, any);
            }),
        );
    }
}

/// The gnostic encoding of the Swagger 2.0 `document`.
pub fn v2_protobuf(document: &Value) -> Vec<u8> {
    let definitions = document
        .get("definitions")
        .map(|d| entries(d).map(|(k, v)| (k.as_str(), v)));
    encode(document, definitions)
}

/// The encoding of `document` with `definitions` in place of its own.
pub(crate) fn encode<'a>(
    document: &Value,
    definitions: Option<impl Iterator<Item = (&'a str, &'a Value)>>,
) -> Vec<u8> {
    build(|d| {
        d.string(1, str_of(document, "swagger"));
        if let Some(info) = document.get("info") {
            d.message(
                2,
                build(|m| {
                    m.string(1, str_of(info, "title"))
                        .string(2, str_of(info, "version"))
                        .string(3, str_of(info, "description"));
                }),
            );
        }
        d.strings(5, strings_of(document, "schemes"))
            .strings(6, strings_of(document, "consumes"))
            .strings(7, strings_of(document, "produces"));
        if let Some(paths) = document.get("paths") {
            d.message(
                8,
                build(|m| {
                    vendor_extensions(m, 1, paths);
                    for (name, item) in entries(paths).filter(|(k, _)| !k.starts_with("x-")) {
                        m.message(2, named(name, path_item(item)));
                    }
                }),
            );
        }
        if let Some(definitions) = definitions {
            d.message(
                9,
                build(|m| {
                    for (name, s) in definitions {
                        m.message(1, named(name, schema(s)));
                    }
                }),
            );
        }
        if let Some(parameters) = document.get("parameters") {
            d.message(
                10,
                build(|m| {
                    for (name, p) in entries(parameters) {
                        m.message(1, named(name, parameter(p)));
                    }
                }),
            );
        }
        for requirement in document["security"].as_array().into_iter().flatten() {
            d.message(
                12,
                build(|m| {
                    for (name, scopes) in entries(requirement) {
                        let array = build(|a| {
                            a.strings(
                                1,
                                scopes
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .filter_map(Value::as_str),
                            );
                        });
                        m.message(1, named(name, array));
                    }
                }),
            );
        }
        if let Some(definitions) = document.get("securityDefinitions") {
            d.message(
                13,
                build(|m| {
                    for (name, s) in entries(definitions) {
                        m.message(1, named(name, security_definition(s)));
                    }
                }),
            );
        }
        vendor_extensions(d, 16, document);
    })
    .into_bytes()
}

/// A `Named*` pair: `name = 1`, `value = 2`.
fn named(name: &str, value: Message) -> Message {
    build(|m| {
        m.string(1, name).message(2, value);
    })
}

fn security_definition(s: &Value) -> Message {
    // SecurityDefinitionsItem: basic = 1, apiKey = 2 (the only kinds kube uses).
    build(|m| match str_of(s, "type") {
        "basic" => {
            m.message(
                1,
                build(|b| {
                    b.string(1, "basic").string(2, str_of(s, "description"));
                    vendor_extensions(b, 3, s);
                }),
            );
        }
        _ => {
            m.message(
                2,
                build(|k| {
                    k.string(1, str_of(s, "type"))
                        .string(2, str_of(s, "name"))
                        .string(3, str_of(s, "in"))
                        .string(4, str_of(s, "description"));
                    vendor_extensions(k, 5, s);
                }),
            );
        }
    })
}

const OPERATION_FIELDS: &[(&str, u32)] = &[
    ("get", 2),
    ("put", 3),
    ("post", 4),
    ("delete", 5),
    ("options", 6),
    ("head", 7),
    ("patch", 8),
];

fn path_item(item: &Value) -> Message {
    build(|m| {
        m.string(1, str_of(item, "$ref"));
        for (method, field) in OPERATION_FIELDS {
            if let Some(op) = item.get(*method) {
                m.message(*field, operation(op));
            }
        }
        for p in item["parameters"].as_array().into_iter().flatten() {
            m.message(9, parameters_item(p));
        }
        vendor_extensions(m, 10, item);
    })
}

fn operation(op: &Value) -> Message {
    build(|m| {
        m.strings(1, strings_of(op, "tags"))
            .string(2, str_of(op, "summary"))
            .string(3, str_of(op, "description"))
            .string(5, str_of(op, "operationId"))
            .strings(6, strings_of(op, "produces"))
            .strings(7, strings_of(op, "consumes"));
        for p in op["parameters"].as_array().into_iter().flatten() {
            m.message(8, parameters_item(p));
        }
        if let Some(responses) = op.get("responses") {
            m.message(
                9,
                build(|r| {
                    for (code, response) in entries(responses).filter(|(k, _)| !k.starts_with("x-"))
                    {
                        r.message(1, named(code, response_value(response)));
                    }
                    vendor_extensions(r, 2, responses);
                }),
            );
        }
        m.strings(10, strings_of(op, "schemes"))
            .boolean(11, op["deprecated"] == Value::Bool(true));
        vendor_extensions(m, 13, op);
    })
}

fn response_value(response: &Value) -> Message {
    // ResponseValue: response = 1, json_reference = 2.
    build(|m| {
        if let Some(reference) = response["$ref"].as_str() {
            m.message(2, json_reference(reference, ""));
            return;
        }
        m.message(
            1,
            build(|r| {
                r.string(1, str_of(response, "description"));
                if let Some(s) = response.get("schema") {
                    // SchemaItem: schema = 1.
                    r.message(
                        2,
                        build(|i| {
                            i.message(1, schema(s));
                        }),
                    );
                }
                vendor_extensions(r, 5, response);
            }),
        );
    })
}

fn json_reference(reference: &str, description: &str) -> Message {
    build(|m| {
        m.string(1, reference).string(2, description);
    })
}

fn parameters_item(p: &Value) -> Message {
    // ParametersItem: parameter = 1, json_reference = 2.
    build(|m| {
        if let Some(reference) = p["$ref"].as_str() {
            m.message(2, json_reference(reference, str_of(p, "description")));
        } else {
            m.message(1, parameter(p));
        }
    })
}

fn parameter(p: &Value) -> Message {
    // Parameter: body_parameter = 1, non_body_parameter = 2; NonBodyParameter: header = 1,
    // formData = 2, query = 3, path = 4.
    build(|m| {
        let location = str_of(p, "in");
        if location == "body" {
            m.message(
                1,
                build(|b| {
                    b.string(1, str_of(p, "description"))
                        .string(2, str_of(p, "name"))
                        .string(3, location)
                        .boolean(4, p["required"] == Value::Bool(true));
                    if let Some(s) = p.get("schema") {
                        b.message(5, schema(s));
                    }
                    vendor_extensions(b, 6, p);
                }),
            );
            return;
        }
        // The sub-schemas share field numbers 1-4; `type` is 5 for header and path, 6 for
        // query and formData (after `allow_empty_value`), and `unique_items` follows it.
        let (which, shift) = match location {
            "header" => (1, 0),
            "formData" => (2, 1),
            "query" => (3, 1),
            _ => (4, 0),
        };
        let sub = build(|s| {
            s.boolean(1, p["required"] == Value::Bool(true))
                .string(2, location)
                .string(3, str_of(p, "description"))
                .string(4, str_of(p, "name"))
                .string(5 + shift, str_of(p, "type"))
                .string(6 + shift, str_of(p, "format"))
                .string(8 + shift, str_of(p, "collectionFormat"))
                .boolean(19 + shift, p["uniqueItems"] == Value::Bool(true));
            vendor_extensions(s, 22 + shift, p);
        });
        m.message(
            2,
            build(|n| {
                n.message(which, sub);
            }),
        );
    })
}

/// gnostic's `Schema`.
fn schema(s: &Value) -> Message {
    build(|m| {
        m.string(1, str_of(s, "$ref"))
            .string(2, str_of(s, "format"))
            .string(3, str_of(s, "title"))
            .string(4, str_of(s, "description"))
            .strings(19, strings_of(s, "required"));
        for value in s["enum"].as_array().into_iter().flatten() {
            // `repeated Any enum = 20`: gnostic's `NewAny` keeps each value as YAML text.
            m.message(
                20,
                build(|a| {
                    a.string(2, &yaml(value));
                }),
            );
        }
        match s.get("additionalProperties") {
            Some(Value::Bool(b)) => {
                m.message(
                    21,
                    build(|a| {
                        // oneof: a set bool field is written even when false.
                        a.key(2, 0);
                        a.varint(u64::from(*b));
                    }),
                );
            }
            Some(value @ Value::Object(_)) => {
                m.message(
                    21,
                    build(|a| {
                        a.message(1, schema(value));
                    }),
                );
            }
            _ => {}
        }
        match s.get("type") {
            Some(Value::String(t)) => {
                m.message(
                    22,
                    build(|t_item| {
                        t_item.strings(1, [t.as_str()]);
                    }),
                );
            }
            Some(Value::Array(types)) => {
                m.message(
                    22,
                    build(|t_item| {
                        t_item.strings(1, types.iter().filter_map(Value::as_str));
                    }),
                );
            }
            _ => {}
        }
        match s.get("items") {
            Some(Value::Array(items)) => {
                m.message(
                    23,
                    build(|i| {
                        for item in items {
                            i.message(1, schema(item));
                        }
                    }),
                );
            }
            Some(item @ Value::Object(_)) => {
                m.message(
                    23,
                    build(|i| {
                        i.message(1, schema(item));
                    }),
                );
            }
            _ => {}
        }
        for part in s["allOf"].as_array().into_iter().flatten() {
            m.message(24, schema(part));
        }
        if let Some(properties) = s.get("properties") {
            m.message(
                25,
                build(|p| {
                    for (name, value) in entries(properties) {
                        p.message(1, named(name, schema(value)));
                    }
                }),
            );
        }
        m.boolean(27, s["readOnly"] == Value::Bool(true));
        vendor_extensions(m, 31, s);
    })
}

/// The YAML text of a JSON value, block style with yaml.v3's 4-space indentation (what
/// gnostic stores in `Any.yaml`).
pub fn yaml(value: &Value) -> String {
    let mut out = String::new();
    emit(value, 0, &mut out);
    out
}

/// Writes `value` as a block at column `indent`, the cursor already there on the current line.
fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (i, (key, v)) in map.iter().enumerate() {
                if i > 0 {
                    pad(out, indent);
                }
                out.push_str(&yaml_scalar(key));
                out.push(':');
                if is_block(v) {
                    out.push('\n');
                    pad(out, indent + 4);
                    emit(v, indent + 4, out);
                } else {
                    out.push(' ');
                    out.push_str(&flow(v));
                    out.push('\n');
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    pad(out, indent);
                }
                out.push_str("- ");
                if is_block(item) {
                    emit(item, indent + 2, out);
                } else {
                    out.push_str(&flow(item));
                    out.push('\n');
                }
            }
        }
        _ => {
            out.push_str(&flow(value));
            out.push('\n');
        }
    }
}

/// A non-empty collection, written as a block.
fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

/// A scalar or empty collection on one line.
fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_scalar(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as a plain YAML scalar when it reads back as that string, double-quoted otherwise.
fn yaml_scalar(s: &str) -> String {
    let reserved = matches!(
        s.to_ascii_lowercase().as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    let numeric = s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o");
    let first = s.chars().next().unwrap_or(' ');
    let special_start = "-?:,[]{}#&*!|>'\"%@` ".contains(first);
    let special = s.contains(": ")
        || s.contains(" #")
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control());
    if reserved || numeric || special_start || special {
        serde_json::to_string(s).expect("strings serialize")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn varints_and_keys() {
        let mut m = Message::new();
        m.varint(0);
        m.varint(1);
        m.varint(127);
        m.varint(128);
        m.varint(300);
        m.varint(u64::MAX);
        assert_eq!(
            m.into_bytes(),
            [
                0x00, 0x01, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0x01
            ]
        );
        let mut m = Message::new();
        m.string(1, "2.0")
            .boolean(4, true)
            .boolean(5, false)
            .string(6, "");
        // field 1 wire 2 = 0x0a; field 4 wire 0 = 0x20.
        assert_eq!(m.into_bytes(), b"\x0a\x032.0\x20\x01");
        let mut m = Message::new();
        m.string(31, "x");
        // 31 << 3 | 2 = 250 = 0xfa 0x01.
        assert_eq!(m.into_bytes(), b"\xfa\x01\x01x");
    }

    #[test]
    fn small_document() {
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "Kubernetes", "version": "v1.36.0"},
            "paths": {
                "/api/": {"get": {"operationId": "getCoreAPIVersions", "x-kubernetes-action": "get"}}
            }
        });
        let bytes = v2_protobuf(&doc);
        let action = b"\x0a\x13x-kubernetes-action\x12\x06\x12\x04get\n";
        let mut ext = vec![0x6a, action.len() as u8];
        ext.extend_from_slice(action);
        let mut op = b"\x2a\x12getCoreAPIVersions".to_vec();
        op.extend_from_slice(&ext);
        let mut item = vec![0x12, op.len() as u8];
        item.extend_from_slice(&op);
        let mut named_item = b"\x0a\x05/api/".to_vec();
        named_item.push(0x12);
        named_item.push(item.len() as u8);
        named_item.extend_from_slice(&item);
        let mut paths = vec![0x12, named_item.len() as u8];
        paths.extend_from_slice(&named_item);
        let mut want = b"\x0a\x032.0\x12\x15\x0a\x0aKubernetes\x12\x07v1.36.0".to_vec();
        want.push(0x42);
        want.push(paths.len() as u8);
        want.extend_from_slice(&paths);
        assert_eq!(bytes, want);
    }

    #[test]
    fn schema_fields() {
        let s = json!({
            "description": "d",
            "type": "array",
            "items": {"$ref": "#/definitions/X"},
            "x-kubernetes-list-type": "atomic"
        });
        let bytes = schema(&s).into_bytes();
        let mut want = b"\x22\x01d".to_vec();
        want.extend_from_slice(b"\xb2\x01\x07\x0a\x05array"); // 22 << 3 | 2 = 0xb2 0x01
        want.extend_from_slice(b"\xba\x01\x13\x0a\x11\x0a\x0f#/definitions/X"); // 23: ItemsItem{schema{_ref}}
        let ext = b"\x0a\x16x-kubernetes-list-type\x12\x09\x12\x07atomic\n";
        want.extend_from_slice(b"\xfa\x01");
        want.push(ext.len() as u8);
        want.extend_from_slice(ext);
        assert_eq!(bytes, want);
    }

    #[test]
    fn enum_values_are_yaml_anys() {
        let s = json!({"enum": ["SCTP", ""], "type": "string"});
        let bytes = schema(&s).into_bytes();
        // 20 << 3 | 2 = 0xa2 0x01; Any { yaml = 2 }.
        let mut want = b"\xa2\x01\x07\x12\x05SCTP\n".to_vec();
        want.extend_from_slice(b"\xa2\x01\x05\x12\x03\"\"\n");
        want.extend_from_slice(b"\xb2\x01\x08\x0a\x06string");
        assert_eq!(bytes, want);
    }

    #[test]
    fn extension_values_as_yaml() {
        assert_eq!(yaml(&json!("merge")), "merge\n");
        assert_eq!(yaml(&json!("retainKeys,merge")), "retainKeys,merge\n");
        assert_eq!(
            yaml(&json!(["containerPort", "protocol"])),
            "- containerPort\n- protocol\n"
        );
        assert_eq!(
            yaml(&json!({"group": "", "kind": "Pod", "version": "v1"})),
            "group: \"\"\nkind: Pod\nversion: v1\n"
        );
        assert_eq!(
            yaml(&json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])),
            "- group: apps\n  kind: Deployment\n  version: v1\n"
        );
        assert_eq!(
            yaml(
                &json!([{"discriminator": "type", "fields-to-discriminateBy": {"localhostProfile": "LocalhostProfile"}}])
            ),
            "- discriminator: type\n  fields-to-discriminateBy:\n      localhostProfile: LocalhostProfile\n"
        );
        assert_eq!(yaml(&json!(true)), "true\n");
        assert_eq!(yaml(&json!("true")), "\"true\"\n");
        assert_eq!(yaml(&json!("1")), "\"1\"\n");
    }
}
