//! `application/vnd.kubernetes.protobuf`: request bodies decoded into the JSON object the
//! server works with, as kube-apiserver decodes them into its Go types and `json.Marshal`
//! writes those; responses encoded from the JSON the server answers with ([`encode`]).
//!
//! The body is the magic `k8s\0` and a `runtime.Unknown` (apimachinery
//! `pkg/runtime/generated.proto`): `typeMeta` (1: `{1: apiVersion, 2: kind}`), `raw` (2: the
//! object's own message), `contentEncoding` (3), `contentType` (4). The object's message is
//! read with the field table of [`fields`], generated from the prost sources of the crate
//! `k8s-pb` by `scripts/generate-protobuf-fields.py`.
//!
//! JSON forms, as Go's types marshal them:
//! - scalars: `bytes` as base64; a zero value of a non-pointer `omitempty` field ([`Card::Omit`])
//!   is left out, since Kubernetes' marshallers write such fields whether set or not;
//! - `metav1.Time` {1: seconds, 2: nanos}: RFC 3339 in UTC, whole seconds (the nanoseconds are
//!   dropped on decoding, as `Time.Unmarshal` does); an empty message is the zero time, `null`;
//! - `metav1.MicroTime`: the same with six fractional digits;
//! - `intstr.IntOrString` {1: type, 2: intVal, 3: strVal}: a number or a string;
//! - `resource.Quantity` {1: string}: the string (`"0"` when empty);
//! - `runtime.RawExtension`, `metav1.FieldsV1` {1: raw}: the raw bytes, which are JSON;
//! - `map<string, V>`: repeated entries {1: key, 2: value}, as a JSON object;
//! - embedded Go structs (`json:",inline"`, e.g. `Volume.volumeSource`): their fields are the
//!   parent's.
//!
//! Unknown fields are skipped, as Go's unmarshallers skip them.

mod encode;
mod fields;
mod wire;

pub use encode::{encode, has_message, watch_event};

use base64::Engine as _;
use serde_json::{Map, Number, Value};

use wire::{Reader, Wire};

/// The field type of a table entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Ty {
    Str,
    Bytes,
    Bool,
    I32,
    I64,
    F64,
    /// A message: `fields::MESSAGES[i]`.
    Msg(u16),
    Time,
    MicroTime,
    IntOrString,
    Quantity,
    /// `RawExtension` or `FieldsV1`: embedded JSON.
    RawJson,
}

/// How a field appears.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Card {
    /// A non-pointer field written in JSON whenever present on the wire (messages, scalars
    /// without `omitempty`); the encoder always writes it.
    Opt,
    /// A pointer field: written in JSON whenever present on the wire; the encoder writes it
    /// only when the JSON has it.
    Ptr,
    /// A non-pointer `omitempty` scalar: written unless zero.
    Omit,
    /// A list.
    Rep,
    /// A `map<string, V>`.
    Map,
    /// An embedded struct whose fields are the parent's.
    Inline,
}

#[derive(Clone, Copy)]
pub(super) struct Field {
    tag: u32,
    json: &'static str,
    ty: Ty,
    card: Card,
}

pub(super) const fn f(tag: u32, json: &'static str, ty: Ty, card: Card) -> Field {
    Field {
        tag,
        json,
        ty,
        card,
    }
}

pub(super) struct Message {
    name: &'static str,
    /// By tag, ascending.
    fields: &'static [Field],
}

/// The prefix of every protobuf body.
const MAGIC: &[u8] = b"k8s\0";

/// How deep messages may nest.
const MAX_DEPTH: usize = 100;

/// Why a body could not be decoded, with the envelope's version and kind when it had them
/// (kube words the 400 by that: `X in version "v" cannot be handled as a Y: ...` with, else
/// `the object provided is unrecognized (must be of type Y): ...`).
#[derive(Debug, PartialEq)]
pub struct DecodeError {
    /// `(version, kind)` of the envelope.
    pub kind: Option<(String, String)>,
    pub message: String,
}

impl DecodeError {
    fn bare(message: impl Into<String>) -> Self {
        Self {
            kind: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Decodes a `k8s\0` + runtime.Unknown body into the object's JSON (with apiVersion and kind
/// from the envelope).
pub fn decode(body: &[u8]) -> Result<Value, DecodeError> {
    // The checks and messages of apimachinery's protobuf `Serializer.Decode`.
    if body.is_empty() {
        return Err(DecodeError::bare("empty data"));
    }
    let Some(envelope) = body.strip_prefix(MAGIC) else {
        return Err(DecodeError::bare(
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
        ));
    };
    if envelope.is_empty() {
        return Err(DecodeError::bare("empty body"));
    }
    let unknown = Unknown::read(envelope).map_err(|e| DecodeError::bare(e.to_string()))?;
    let type_meta = format!(
        "runtime.TypeMeta{{APIVersion:{:?}, Kind:{:?}}}",
        unknown.api_version, unknown.kind
    );
    if unknown.kind.is_empty() {
        return Err(DecodeError::bare(format!(
            "Object 'Kind' is missing in '{type_meta}'"
        )));
    }
    if unknown.api_version.is_empty() {
        return Err(DecodeError::bare(format!(
            "Object 'apiVersion' is missing in '{type_meta}'"
        )));
    }
    let version = unknown
        .api_version
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let fail = |message: String| DecodeError {
        kind: Some((version.clone(), unknown.kind.clone())),
        message,
    };
    let Some(message) = lookup(&unknown.api_version, &unknown.kind) else {
        return Err(fail(format!(
            "no kind {:?} is registered for version {:?} in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\"",
            unknown.kind, unknown.api_version
        )));
    };
    let mut object = Map::new();
    object.insert("kind".into(), Value::String(unknown.kind.clone()));
    object.insert(
        "apiVersion".into(),
        Value::String(unknown.api_version.clone()),
    );
    decode_message(unknown.raw, message, &mut object, 0).map_err(fail)?;
    Ok(Value::Object(object))
}

/// The message of an envelope's apiVersion and kind.
fn lookup(api_version: &str, kind: &str) -> Option<&'static Message> {
    fields::KINDS
        .iter()
        .find(|(v, k, _)| *k == kind && (*v == api_version || *v == "*"))
        .and_then(|&(_, _, i)| fields::MESSAGES.get(usize::from(i)))
}

/// `runtime.Unknown`.
#[derive(Default)]
struct Unknown<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
}

impl<'a> Unknown<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, String> {
        let mut out = Unknown::default();
        let mut r = Reader::new(bytes);
        while let Some((tag, value)) = r.field().map_err(|e| go_error("Unknown", &e))? {
            match (tag, value) {
                (1, Wire::Len(type_meta)) => {
                    let mut t = Reader::new(type_meta);
                    while let Some((tag, value)) =
                        t.field().map_err(|e| go_error("TypeMeta", &e))?
                    {
                        match (tag, value) {
                            (1, Wire::Len(s)) => out.api_version = lossy(s),
                            (2, Wire::Len(s)) => out.kind = lossy(s),
                            (1 | 2, w) => {
                                return Err(wrong_wire_type(
                                    w,
                                    if tag == 1 { "APIVersion" } else { "Kind" },
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                (2, Wire::Len(raw)) => out.raw = raw,
                (3 | 4, Wire::Len(_)) => {}
                (1..=4, w) => {
                    let name =
                        ["TypeMeta", "Raw", "ContentEncoding", "ContentType"][tag as usize - 1];
                    return Err(wrong_wire_type(w, name));
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

/// A wire error as the gogo unmarshaller of `message` words it.
fn go_error(message: &str, e: &wire::Error) -> String {
    match e {
        wire::Error::IllegalTag { .. } | wire::Error::EndGroup => format!("proto: {message}: {e}"),
        _ => e.to_string(),
    }
}

fn wrong_wire_type(w: Wire<'_>, field: &str) -> String {
    format!(
        "proto: wrong wireType = {} for field {field}",
        w.wire_type()
    )
}

/// Go's `string(bytes)` as `json.Marshal` writes it: invalid UTF-8 becomes U+FFFD.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The short name of a message (`io.k8s.api.core.v1.PodSpec` -> `PodSpec`).
fn short(message: &Message) -> &'static str {
    message.name.rsplit('.').next().unwrap_or(message.name)
}

/// The Go field name a JSON name stands for, near enough for error messages.
fn go_name(json: &str) -> String {
    let mut chars = json.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Decodes the fields of one message into `out` (a field seen again merges, as in Go).
fn decode_message(
    bytes: &[u8],
    message: &Message,
    out: &mut Map<String, Value>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("proto: exceeded maximum recursion depth".into());
    }
    let mut r = Reader::new(bytes);
    while let Some((tag, value)) = r.field().map_err(|e| go_error(short(message), &e))? {
        let Ok(i) = message.fields.binary_search_by_key(&tag, |f| f.tag) else {
            continue;
        };
        let field = &message.fields[i];
        match field.card {
            Card::Inline => {
                let Ty::Msg(m) = field.ty else {
                    return Err(format!(
                        "proto: {}: inline field of a scalar type",
                        short(message)
                    ));
                };
                let Wire::Len(inner) = value else {
                    return Err(wrong_wire_type(
                        value,
                        &go_name(short(&fields::MESSAGES[usize::from(m)])),
                    ));
                };
                decode_message(inner, &fields::MESSAGES[usize::from(m)], out, depth + 1)?;
            }
            Card::Rep => {
                let slot = out
                    .entry(field.json)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                if let Value::Array(items) = slot {
                    repeated(field, value, items, depth)?;
                }
            }
            Card::Map => {
                let Wire::Len(entry) = value else {
                    return Err(wrong_wire_type(value, &go_name(field.json)));
                };
                let (key, v) = map_entry(field, entry, depth)?;
                let slot = out
                    .entry(field.json)
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(map) = slot {
                    map.insert(key, v);
                }
            }
            Card::Opt | Card::Ptr | Card::Omit => {
                if let Ty::Msg(m) = field.ty {
                    // A message seen again is merged into the first, as Go's unmarshallers do.
                    let Wire::Len(inner) = value else {
                        return Err(wrong_wire_type(value, &go_name(field.json)));
                    };
                    let slot = out
                        .entry(field.json)
                        .or_insert_with(|| Value::Object(Map::new()));
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    if let Value::Object(map) = slot {
                        decode_message(inner, &fields::MESSAGES[usize::from(m)], map, depth + 1)?;
                    }
                    continue;
                }
                match single(field, value, depth)? {
                    Some(v) if !(field.card == Card::Omit && is_zero(&v)) => {
                        out.insert(field.json.to_owned(), v);
                    }
                    _ => {
                        out.remove(field.json);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Elements of a repeated field: one, or a packed run of scalars.
fn repeated(
    field: &Field,
    value: Wire<'_>,
    items: &mut Vec<Value>,
    depth: usize,
) -> Result<(), String> {
    let packed = matches!(field.ty, Ty::Bool | Ty::I32 | Ty::I64 | Ty::F64);
    match (packed, value) {
        (true, Wire::Len(run)) => {
            let mut r = Reader::new(run);
            while !r.is_empty() {
                let element = if field.ty == Ty::F64 {
                    Wire::Fixed64(r.fixed64().map_err(|e| e.to_string())?)
                } else {
                    Wire::Varint(r.varint().map_err(|e| e.to_string())?)
                };
                items.extend(single(field, element, depth)?);
            }
        }
        _ => {
            if let Ty::Msg(m) = field.ty {
                let Wire::Len(inner) = value else {
                    return Err(wrong_wire_type(value, &go_name(field.json)));
                };
                let mut object = Map::new();
                decode_message(
                    inner,
                    &fields::MESSAGES[usize::from(m)],
                    &mut object,
                    depth + 1,
                )?;
                items.push(Value::Object(object));
            } else {
                // A special type in a list (`[]metav1.Time`...) that reads as null is kept as
                // null, as Go writes it.
                items.push(single(field, value, depth)?.unwrap_or(Value::Null));
            }
        }
    }
    Ok(())
}

/// A map entry {1: key, 2: value}; a missing part is its zero value.
fn map_entry(field: &Field, entry: &[u8], depth: usize) -> Result<(String, Value), String> {
    let mut key = String::new();
    let mut value = None;
    let mut r = Reader::new(entry);
    while let Some((tag, w)) = r.field().map_err(|e| e.to_string())? {
        match tag {
            1 => match w {
                Wire::Len(s) => key = lossy(s),
                _ => return Err(wrong_wire_type(w, "key")),
            },
            2 => {
                value = Some(if let Ty::Msg(m) = field.ty {
                    let Wire::Len(inner) = w else {
                        return Err(wrong_wire_type(w, "value"));
                    };
                    let mut object = Map::new();
                    decode_message(
                        inner,
                        &fields::MESSAGES[usize::from(m)],
                        &mut object,
                        depth + 1,
                    )?;
                    Value::Object(object)
                } else {
                    single(field, w, depth)?.unwrap_or(Value::Null)
                });
            }
            _ => {}
        }
    }
    let value = match value {
        Some(v) => v,
        None => zero(field.ty),
    };
    Ok((key, value))
}

/// The JSON of a type's zero value.
fn zero(ty: Ty) -> Value {
    match ty {
        Ty::Str | Ty::Bytes => Value::String(String::new()),
        Ty::Bool => Value::Bool(false),
        Ty::I32 | Ty::I64 | Ty::F64 | Ty::IntOrString => Value::Number(0.into()),
        Ty::Quantity => Value::String("0".into()),
        Ty::Msg(_) => Value::Object(Map::new()),
        Ty::Time | Ty::MicroTime | Ty::RawJson => Value::Null,
    }
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// One scalar or special-type value; `None` where Go writes `null` (the zero time, a nil raw).
fn single(field: &Field, value: Wire<'_>, depth: usize) -> Result<Option<Value>, String> {
    let wrong = || wrong_wire_type(value, &go_name(field.json));
    let v = match (field.ty, value) {
        (Ty::Str, Wire::Len(s)) => Value::String(lossy(s)),
        (Ty::Bytes, Wire::Len(b)) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        (Ty::Bool, Wire::Varint(n)) => Value::Bool(n != 0),
        (Ty::I32, Wire::Varint(n)) => Value::Number((n as i32).into()),
        (Ty::I64, Wire::Varint(n)) => Value::Number((n as i64).into()),
        (Ty::F64, Wire::Fixed64(bits)) => {
            let x = f64::from_bits(bits);
            Value::Number(
                Number::from_f64(x).ok_or_else(|| format!("json: unsupported value: {x}"))?,
            )
        }
        (Ty::Time, Wire::Len(b)) => return time(b, false),
        (Ty::MicroTime, Wire::Len(b)) => return time(b, true),
        (Ty::IntOrString, Wire::Len(b)) => int_or_string(b)?,
        (Ty::Quantity, Wire::Len(b)) => quantity(b)?,
        (Ty::RawJson, Wire::Len(b)) => return raw_json(b),
        (Ty::Msg(m), Wire::Len(inner)) => {
            let mut object = Map::new();
            decode_message(
                inner,
                &fields::MESSAGES[usize::from(m)],
                &mut object,
                depth + 1,
            )?;
            Value::Object(object)
        }
        _ => return Err(wrong()),
    };
    Ok(Some(v))
}

/// Seconds since the Unix epoch of `9999-12-31T23:59:59Z`.
const MAX_TIME_UNIX: i64 = 253_402_300_799;

/// `metav1.Time` / `metav1.MicroTime` {1: seconds, 2: nanos}.
fn time(bytes: &[u8], micro: bool) -> Result<Option<Value>, String> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let (mut seconds, mut nanos) = (0i64, 0i64);
    let mut r = Reader::new(bytes);
    while let Some((tag, w)) = r.field().map_err(|e| go_error("Timestamp", &e))? {
        match (tag, w) {
            (1, Wire::Varint(n)) => seconds = n as i64,
            (2, Wire::Varint(n)) => nanos = i64::from(n as i32),
            (1 | 2, w) => {
                return Err(wrong_wire_type(
                    w,
                    if tag == 1 { "Seconds" } else { "Nanos" },
                ));
            }
            _ => {}
        }
    }
    // `Time.Unmarshal` keeps whole seconds; `MicroTime.Unmarshal` keeps the nanoseconds,
    // which `time.Unix` normalizes into [0, 1e9).
    if !micro {
        nanos = 0;
    }
    seconds = seconds.saturating_add(nanos.div_euclid(1_000_000_000));
    let nanos = nanos.rem_euclid(1_000_000_000);
    if seconds == crate::clock::ZERO_TIME_UNIX && nanos == 0 {
        return Ok(None);
    }
    if !(crate::clock::ZERO_TIME_UNIX..=MAX_TIME_UNIX).contains(&seconds) {
        return Err(format!(
            "Time.MarshalJSON: year outside of range [0,9999] ({seconds} seconds)"
        ));
    }
    let text = crate::clock::rfc3339(seconds);
    Ok(Some(Value::String(if micro {
        // "…05Z" -> "…05.000000Z"
        let stem = text.strip_suffix('Z').unwrap_or(&text);
        format!("{stem}.{:06}Z", nanos / 1000)
    } else {
        text
    })))
}

/// `intstr.IntOrString` {1: type, 2: intVal, 3: strVal}.
fn int_or_string(bytes: &[u8]) -> Result<Value, String> {
    let (mut kind, mut int_val, mut str_val) = (0i64, 0i32, String::new());
    let mut r = Reader::new(bytes);
    while let Some((tag, w)) = r.field().map_err(|e| go_error("IntOrString", &e))? {
        match (tag, w) {
            (1, Wire::Varint(n)) => kind = n as i64,
            (2, Wire::Varint(n)) => int_val = n as i32,
            (3, Wire::Len(s)) => str_val = lossy(s),
            (1..=3, w) => {
                let name = ["Type", "IntVal", "StrVal"][tag as usize - 1];
                return Err(wrong_wire_type(w, name));
            }
            _ => {}
        }
    }
    match kind {
        0 => Ok(Value::Number(int_val.into())),
        1 => Ok(Value::String(str_val)),
        _ => Err("impossible IntOrString.Type".into()),
    }
}

/// `resource.Quantity` {1: string}.
fn quantity(bytes: &[u8]) -> Result<Value, String> {
    let mut text = String::new();
    let mut r = Reader::new(bytes);
    while let Some((tag, w)) = r.field().map_err(|e| go_error("Quantity", &e))? {
        match (tag, w) {
            (1, Wire::Len(s)) => text = lossy(s),
            (1, w) => return Err(wrong_wire_type(w, "String_")),
            _ => {}
        }
    }
    if text.is_empty() {
        text = "0".into();
    }
    Ok(Value::String(text))
}

/// `runtime.RawExtension` / `metav1.FieldsV1` {1: raw}: the raw bytes are the JSON.
fn raw_json(bytes: &[u8]) -> Result<Option<Value>, String> {
    let mut raw: Option<&[u8]> = None;
    let mut r = Reader::new(bytes);
    while let Some((tag, w)) = r.field().map_err(|e| go_error("RawExtension", &e))? {
        match (tag, w) {
            (1, Wire::Len(b)) => raw = Some(b),
            (1, w) => return Err(wrong_wire_type(w, "Raw")),
            _ => {}
        }
    }
    match raw {
        None => Ok(None),
        Some(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(None),
        Some(b) => serde_json::from_slice(b).map(Some).map_err(|e| {
            format!("json: error calling MarshalJSON for type *runtime.RawExtension: {e}")
        }),
    }
}

#[cfg(test)]
mod tests;
