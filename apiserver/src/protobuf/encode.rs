//! Responses in `application/vnd.kubernetes.protobuf`: the JSON object the server would answer
//! with, written as kube-apiserver's protobuf serializer writes the Go object.
//!
//! A response body is `k8s\0` and a `runtime.Unknown` (`typeMeta {1: apiVersion, 2: kind}`,
//! `raw`, `contentEncoding ""`, `contentType ""`, each always written, as `Unknown.NestedMarshalTo`
//! does), `raw` being the object's message as the gogo-generated `MarshalToSizedBuffer` writes it:
//! - fields in field-number order (the table is sorted by tag);
//! - every non-pointer field always, zero or not (a non-pointer message absent from the JSON is
//!   its zero value, whose own non-pointer fields are written too); a pointer field ([`Card::Ptr`])
//!   only when the JSON has it (not `null`); a `[]byte` only when the JSON has it (`nil`
//!   otherwise);
//! - lists as one field per element (kube's `.proto` files declare none packed), maps as one
//!   `{1: key, 2: value}` entry per key, keys sorted as Go's `sort.Strings` sorts them;
//! - `metav1.Time` as `{1: seconds, 2: nanos = 0}` and nothing for the zero time
//!   (`Time.ProtoTime` drops the nanoseconds), `metav1.MicroTime` with its nanoseconds,
//!   `IntOrString` as `{1: type, 2: intVal, 3: strVal}`, `Quantity` as `{1: its string}`,
//!   `RawExtension`/`FieldsV1` as `{1: the JSON bytes}` when set;
//! - embedded structs (`json:",inline"`) as a message of the parent's properties.
//!
//! Lists (`XxxList`) are `{1: ListMeta, 2: items}`, as every generated list type of kube is;
//! `PartialObjectMetadata` is `{1: ObjectMeta}`; `Status` and the watch's `WatchEvent` are in
//! the table. A JSON value of the wrong type is taken as absent: stored objects are validated,
//! so it only guards against a panic.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::{Card, Field, MAGIC, MAX_DEPTH, Message, Ty, fields, lookup};

/// The protobuf body of a served object, list or `Status` (`k8s\0` + `runtime.Unknown`), or
/// `None` when its kind has no protobuf message here (custom resources, `Table`).
pub fn encode(object: &Value) -> Option<Vec<u8>> {
    let object = object.as_object()?;
    let api_version = object.get("apiVersion")?.as_str()?;
    let kind = object.get("kind")?.as_str()?;
    let mut raw = Vec::new();
    encode_raw(&mut raw, object, api_version, kind)?;
    Some(envelope(api_version, kind, &raw))
}

/// Whether objects of this apiVersion and kind can be written as protobuf.
pub fn has_message(api_version: &str, kind: &str) -> bool {
    lookup(api_version, kind).is_some()
}

/// One event of a protobuf watch stream: a 4-byte big-endian length, then the `WatchEvent`
/// `{1: type, 2: RawExtension{1: the object's own protobuf body}}` with no envelope of its own
/// (the stream serializer is apimachinery's `RawSerializer`, framed by its
/// `LengthDelimitedFramer`). `None` when the object has no protobuf message.
pub fn watch_event(event: &Value) -> Option<Vec<u8>> {
    let event_type = event.get("type")?.as_str()?;
    let object = encode(event.get("object")?)?;
    let mut raw_extension = Vec::new();
    put_len(&mut raw_extension, 1, &object);
    let mut message = Vec::new();
    put_len(&mut message, 1, event_type.as_bytes());
    put_len(&mut message, 2, &raw_extension);
    let length = u32::try_from(message.len()).ok()?;
    let mut out = Vec::with_capacity(4 + message.len());
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&message);
    Some(out)
}

/// `k8s\0` + `runtime.Unknown{typeMeta, raw, contentEncoding: "", contentType: ""}`.
fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut type_meta = Vec::with_capacity(api_version.len() + kind.len() + 4);
    put_len(&mut type_meta, 1, api_version.as_bytes());
    put_len(&mut type_meta, 2, kind.as_bytes());
    let mut out = Vec::with_capacity(raw.len() + type_meta.len() + 20);
    out.extend_from_slice(MAGIC);
    put_len(&mut out, 1, &type_meta);
    put_len(&mut out, 2, raw);
    put_len(&mut out, 3, b"");
    put_len(&mut out, 4, b"");
    out
}

/// The object's own message: a kind of the table, one of its lists, `Status`, or
/// `PartialObjectMetadata(List)`.
fn encode_raw(
    out: &mut Vec<u8>,
    object: &Map<String, Value>,
    api_version: &str,
    kind: &str,
) -> Option<()> {
    let meta_group = matches!(api_version, "meta.k8s.io/v1" | "meta.k8s.io/v1beta1");
    match kind {
        "Status" if api_version == "v1" => message(out, object, by_name(STATUS)?, 0),
        "PartialObjectMetadata" if meta_group => partial_object_metadata(out, object),
        "PartialObjectMetadataList" if meta_group => list(out, object, partial_object_metadata),
        _ => match lookup(api_version, kind) {
            Some(m) => message(out, object, m, 0),
            None => {
                let item = lookup(api_version, kind.strip_suffix("List")?)?;
                list(out, object, |out, i| message(out, i, item, 0))
            }
        },
    }
    Some(())
}

const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

/// A message of the table by its definition name (the table is sorted by name).
fn by_name(name: &str) -> Option<&'static Message> {
    let i = fields::MESSAGES
        .binary_search_by(|m| m.name.cmp(name))
        .ok()?;
    fields::MESSAGES.get(i)
}

/// `{1: metadata}`.
fn partial_object_metadata(out: &mut Vec<u8>, object: &Map<String, Value>) {
    if let Some(meta) = by_name(OBJECT_META) {
        nested(out, 1, object.get("metadata"), meta, 0);
    }
}

/// `{1: ListMeta, 2: items}`.
fn list(
    out: &mut Vec<u8>,
    object: &Map<String, Value>,
    item: impl Fn(&mut Vec<u8>, &Map<String, Value>),
) {
    if let Some(meta) = by_name(LIST_META) {
        nested(out, 1, object.get("metadata"), meta, 0);
    }
    let empty = Map::new();
    for v in object
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut buf = Vec::new();
        item(&mut buf, v.as_object().unwrap_or(&empty));
        put_len(out, 2, &buf);
    }
}

/// A message field holding `value` (an object, or the zero message when absent), `m` being
/// `depth` messages deep.
fn nested(out: &mut Vec<u8>, tag: u32, value: Option<&Value>, m: &Message, depth: usize) {
    let empty = Map::new();
    let mut buf = Vec::new();
    message(
        &mut buf,
        value.and_then(Value::as_object).unwrap_or(&empty),
        m,
        depth,
    );
    put_len(out, tag, &buf);
}

/// The fields of `m` read from `object`, in tag order.
fn message(out: &mut Vec<u8>, object: &Map<String, Value>, m: &Message, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for field in m.fields {
        let value = object.get(field.json).filter(|v| !v.is_null());
        match field.card {
            Card::Inline => {
                if let Ty::Msg(i) = field.ty {
                    let mut buf = Vec::new();
                    message(
                        &mut buf,
                        object,
                        &fields::MESSAGES[usize::from(i)],
                        depth + 1,
                    );
                    put_len(out, field.tag, &buf);
                }
            }
            Card::Rep => {
                for item in value.and_then(Value::as_array).into_iter().flatten() {
                    single(out, field, Some(item).filter(|v| !v.is_null()), depth);
                }
            }
            Card::Map => {
                let Some(map) = value.and_then(Value::as_object) else {
                    continue;
                };
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_unstable();
                for key in keys {
                    let mut entry = Vec::new();
                    put_len(&mut entry, 1, key.as_bytes());
                    let entry_value = map.get(key).filter(|v| !v.is_null());
                    let value_field = Field { tag: 2, ..*field };
                    single(&mut entry, &value_field, entry_value, depth);
                    put_len(out, field.tag, &entry);
                }
            }
            Card::Ptr => {
                if value.is_some() {
                    single(out, field, value, depth);
                }
            }
            Card::Opt | Card::Omit => single(out, field, value, depth),
        }
    }
}

/// One field of `field.ty` holding `value`, or its zero value when `None` (a `[]byte` is
/// then `nil` and not written).
fn single(out: &mut Vec<u8>, field: &Field, value: Option<&Value>, depth: usize) {
    let tag = field.tag;
    match field.ty {
        Ty::Str => put_len(
            out,
            tag,
            value.and_then(Value::as_str).unwrap_or("").as_bytes(),
        ),
        Ty::Bytes => {
            let bytes = value
                .and_then(Value::as_str)
                .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok());
            if let Some(bytes) = bytes {
                put_len(out, tag, &bytes);
            }
        }
        Ty::Bool => put_varint_field(
            out,
            tag,
            u64::from(value.and_then(Value::as_bool) == Some(true)),
        ),
        // Go converts an int32 to uint64 with its sign extended.
        Ty::I32 => put_varint_field(out, tag, i64::from(int(value) as i32) as u64),
        Ty::I64 => put_varint_field(out, tag, int(value) as u64),
        Ty::F64 => {
            put_key(out, tag, 1);
            let x = value.and_then(Value::as_f64).unwrap_or(0.0);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        Ty::Msg(i) => nested(
            out,
            tag,
            value,
            &fields::MESSAGES[usize::from(i)],
            depth + 1,
        ),
        Ty::Time | Ty::MicroTime => {
            let mut buf = Vec::new();
            let parsed = value
                .and_then(Value::as_str)
                .and_then(crate::clock::parse_rfc3339_nanos);
            if let Some((seconds, nanos)) = parsed
                && !(seconds == crate::clock::ZERO_TIME_UNIX && nanos == 0)
            {
                let nanos = if field.ty == Ty::MicroTime { nanos } else { 0 };
                put_varint_field(&mut buf, 1, seconds as u64);
                put_varint_field(&mut buf, 2, u64::from(nanos));
            }
            put_len(out, tag, &buf);
        }
        Ty::IntOrString => {
            let mut buf = Vec::new();
            match value {
                Some(Value::String(s)) => {
                    put_varint_field(&mut buf, 1, 1);
                    put_varint_field(&mut buf, 2, 0);
                    put_len(&mut buf, 3, s.as_bytes());
                }
                v => {
                    put_varint_field(&mut buf, 1, 0);
                    put_varint_field(&mut buf, 2, i64::from(int(v) as i32) as u64);
                    put_len(&mut buf, 3, b"");
                }
            }
            put_len(out, tag, &buf);
        }
        Ty::Quantity => {
            let text = value.and_then(Value::as_str).filter(|s| !s.is_empty());
            let mut buf = Vec::new();
            put_len(&mut buf, 1, text.unwrap_or("0").as_bytes());
            put_len(out, tag, &buf);
        }
        Ty::RawJson => {
            let mut buf = Vec::new();
            if let Some(v) = value {
                put_len(&mut buf, 1, &crate::json::to_vec(v));
            }
            put_len(out, tag, &buf);
        }
    }
}

/// An integer as Go decodes it from JSON (0 when absent or not a number).
fn int(value: Option<&Value>) -> i64 {
    match value {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|u| u as i64))
            .or_else(|| n.as_f64().map(|f| f as i64))
            .unwrap_or(0),
        _ => 0,
    }
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_key(out: &mut Vec<u8>, tag: u32, wire_type: u8) {
    put_varint(out, u64::from(tag) << 3 | u64::from(wire_type));
}

fn put_varint_field(out: &mut Vec<u8>, tag: u32, n: u64) {
    put_key(out, tag, 0);
    put_varint(out, n);
}

/// A length-delimited field.
fn put_len(out: &mut Vec<u8>, tag: u32, bytes: &[u8]) {
    put_key(out, tag, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}
