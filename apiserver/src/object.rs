//! How an object is kept in the store, and how it is written back out without being parsed.
//!
//! kube-apiserver keeps `metadata.resourceVersion` out of etcd and fills it in from the key's
//! mod_revision on every read; so do we, but without decoding: an object is stored as its
//! canonical JSON *without* `resourceVersion`, behind an 8-byte header of two little-endian u32
//! offsets into the JSON: where `"metadata"` starts (items of a typed list are served without
//! their `kind` and `apiVersion`, as kube-apiserver serves them) and where
//! `,"resourceVersion":"N"` belongs. Reading an object is then three copies (head, the revision,
//! tail) — get, list and watch all serve bytes.
//!
//! ```text
//! stored: [meta][splice] {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","uid":"…"|,"creationTimestamp":…},…}
//!                   meta offset ─────────────────────────────┘                splice offset ───┘
//! get:    {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","uid":"…","resourceVersion":"42","creationTimestamp":…},…}
//! item:   {"metadata":{"name":"a","uid":"…","resourceVersion":"42","creationTimestamp":…},…}
//! ```
//!
//! The canonical order is Go's struct order for the parts every kind shares: `kind`,
//! `apiVersion`, `metadata` (in `ObjectMeta` field order), then the object's own fields as given.

use std::sync::LazyLock;

use bytes::Bytes;
use kubemem_openapi::json::{write_str, write_value};
use memchr::memmem;
use serde::Deserialize;
use serde_json::{Map, Value};

/// `ObjectMeta`'s fields in Go struct order but `resourceVersion`, which goes between the
/// first [`META_BEFORE_RV`] and the rest.
const META_ORDER: [&str; 15] = [
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    "clusterName",
];
/// How many of [`META_ORDER`] precede `resourceVersion`.
const META_BEFORE_RV: usize = 5;

const HEADER: usize = 8;

/// Encodes `obj` for storage. `metadata.resourceVersion` is dropped (the store supplies it) and
/// `metadata.name` must be present, so the splice lands after at least one field.
pub fn encode(obj: &Map<String, Value>) -> Bytes {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(&[0; HEADER]);
    out.push(b'{');
    let mut first = true;
    let field = |out: &mut Vec<u8>, key: &str, first: &mut bool| {
        if !*first {
            out.push(b',');
        }
        *first = false;
        write_str(key, out);
        out.push(b':');
    };
    // Single passes put the fields in their places (a lookup by key hashes the key).
    let (mut kind, mut api_version, mut meta) = (None, None, None);
    for (key, v) in obj {
        match key.as_str() {
            "kind" => kind = Some(v),
            "apiVersion" => api_version = Some(v),
            "metadata" => meta = v.as_object(),
            _ => {}
        }
    }
    for (key, v) in [("kind", kind), ("apiVersion", api_version)] {
        if let Some(v) = v {
            field(&mut out, key, &mut first);
            write_value(v, &mut out);
        }
    }
    let empty = Map::new();
    let meta = meta.unwrap_or(&empty);
    let meta_start = out.len() - HEADER + usize::from(!first);
    field(&mut out, "metadata", &mut first);
    out.push(b'{');
    let mut meta_first = true;
    let mut known: [Option<&Value>; META_ORDER.len()] = [None; META_ORDER.len()];
    let mut others = false;
    for (key, v) in meta {
        match META_ORDER.iter().position(|k| k == key) {
            Some(i) => known[i] = Some(v),
            None => others |= key != "resourceVersion",
        }
    }
    let (keys_before, keys_after) = META_ORDER.split_at(META_BEFORE_RV);
    let (before, after) = known.split_at(META_BEFORE_RV);
    for (key, v) in keys_before.iter().zip(before) {
        if let Some(v) = v {
            field(&mut out, key, &mut meta_first);
            write_value(v, &mut out);
        }
    }
    let splice = out.len() - HEADER;
    // Every collection of `ObjectMeta` is `omitempty`: an empty one is not written.
    let empty = |v: &&Value| match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    for (key, v) in keys_after.iter().zip(after) {
        if let Some(v) = v.filter(|v| !empty(v)) {
            field(&mut out, key, &mut meta_first);
            write_value(v, &mut out);
        }
    }
    if others {
        for (key, v) in meta {
            if key != "resourceVersion" && !META_ORDER.contains(&key.as_str()) {
                field(&mut out, key, &mut meta_first);
                write_value(v, &mut out);
            }
        }
    }
    out.push(b'}');
    for (key, v) in obj {
        if !matches!(key.as_str(), "kind" | "apiVersion" | "metadata") {
            field(&mut out, key, &mut first);
            write_value(v, &mut out);
        }
    }
    out.push(b'}');
    let offset = |o: usize| u32::try_from(o).unwrap_or(u32::MAX).to_le_bytes();
    out[..4].copy_from_slice(&offset(meta_start));
    out[4..HEADER].copy_from_slice(&offset(splice));
    // Stored bytes live as long as the object: keep none of the growth capacity.
    out.shrink_to_fit();
    Bytes::from(out)
}

/// The offsets of the header: where `"metadata"` starts and where `resourceVersion` goes.
fn offsets(stored: &[u8]) -> (usize, usize) {
    let read = |range: std::ops::Range<usize>| {
        stored
            .get(range)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| u32::from_le_bytes(b) as usize)
    };
    (read(0..4), read(4..HEADER))
}

/// The stored JSON with no `resourceVersion`, split where it goes.
fn split(stored: &[u8]) -> (&[u8], &[u8]) {
    let body = json(stored);
    body.split_at(offsets(stored).1.min(body.len()))
}

/// Appends the served JSON of a stored object at `revision` to `out`.
pub fn write_served(stored: &[u8], revision: i64, out: &mut Vec<u8>) {
    let (head, tail) = split(stored);
    out.reserve(head.len() + tail.len() + 32);
    out.extend_from_slice(head);
    out.extend_from_slice(b",\"resourceVersion\":\"");
    out.extend_from_slice(itoa(revision).as_bytes());
    out.push(b'"');
    out.extend_from_slice(tail);
}

/// Appends a stored object as an item of a typed list: without `kind` and `apiVersion`.
pub fn write_served_item(stored: &[u8], revision: i64, out: &mut Vec<u8>) {
    let (head, tail) = split(stored);
    let meta_start = offsets(stored).0.min(head.len());
    out.reserve(head.len() + tail.len() + 32);
    out.push(b'{');
    out.extend_from_slice(&head[meta_start..]);
    out.extend_from_slice(b",\"resourceVersion\":\"");
    out.extend_from_slice(itoa(revision).as_bytes());
    out.push(b'"');
    out.extend_from_slice(tail);
}

/// The served JSON of a stored object at `revision`.
pub fn served(stored: &[u8], revision: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(stored.len() + 32);
    write_served(stored, revision, &mut out);
    out
}

/// The stored JSON (without `resourceVersion`), for decoding on write paths.
pub fn json(stored: &[u8]) -> &[u8] {
    &stored[HEADER.min(stored.len())..]
}

/// Decodes a stored object, with `metadata.resourceVersion` set to `revision` where Go's
/// `ObjectMeta` puts it (the served bytes' order, which patches quote back).
pub fn decode(stored: &[u8], revision: i64) -> Map<String, Value> {
    serde_json::from_slice(&served(stored, revision)).unwrap_or_default()
}

/// `metadata` of a stored object, read as `T` from where the header says it starts and no
/// further: the rest of the object is not even scanned (the namespace check of every create
/// and the garbage collector's watch of every write read only metadata). `None` when the
/// stored value is not an object, or `T` does not take its metadata.
pub fn read_meta<T: serde::de::DeserializeOwned>(stored: &[u8]) -> Option<T> {
    // No check that the input ends after the value: the object's other fields follow.
    T::deserialize(&mut serde_json::Deserializer::from_slice(meta_on(stored)?)).ok()
}

/// The stored object's bytes from its metadata's value on.
fn meta_on(stored: &[u8]) -> Option<&[u8]> {
    json(stored)
        .get(offsets(stored).0..)?
        .strip_prefix(b"\"metadata\":")
}

/// [`read_meta`] for a `T` that takes none of the fields stored from `managedFields` on
/// (`managedFields`, `clusterName` and fields `ObjectMeta` does not have: [`encode`] writes them
/// last), without scanning them: `managedFields` is most of a written object's metadata (the
/// garbage collector's watch reads every write's).
///
/// The metadata is cut at the first `,"managedFields":[` and closed with `}`. That sequence
/// cannot stand inside a string (a quote there follows a backslash), so it is a key: the
/// metadata's own, and the cut part reads as `T` reads the whole; one nested deeper in the
/// metadata, and the cut part ends in an open value, an error, so the whole metadata is read
/// instead; one after the metadata, and the metadata is whole before the cut.
pub fn read_meta_before_managed_fields<T: serde::de::DeserializeOwned>(stored: &[u8]) -> Option<T> {
    static CUT: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new(b",\"managedFields\":["));
    let meta = meta_on(stored)?;
    if let Some(at) = CUT.find(meta) {
        let mut head = Vec::with_capacity(at + 1);
        head.extend_from_slice(&meta[..at]);
        head.push(b'}');
        if let Ok(t) = T::deserialize(&mut serde_json::Deserializer::from_slice(&head)) {
            return Some(t);
        }
    }
    T::deserialize(&mut serde_json::Deserializer::from_slice(meta)).ok()
}

/// Whether a stored object has a non-empty string `metadata.deletionTimestamp`.
pub fn is_deleting(stored: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Meta {
        #[serde(rename = "deletionTimestamp")]
        deletion_timestamp: Option<Value>,
    }
    read_meta::<Meta>(stored)
        .and_then(|m| m.deletion_timestamp)
        .as_ref()
        .and_then(Value::as_str)
        .is_some_and(|t| !t.is_empty())
}

fn itoa(n: i64) -> String {
    n.to_string()
}

/// `metadata` of an object, created empty if missing or not an object.
pub fn meta_mut(obj: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let entry = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    match entry {
        Value::Object(m) => m,
        _ => unreachable!("metadata was just made an object"),
    }
}

/// A string field of `metadata`, or "".
pub fn meta_str<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a str {
    obj.get("metadata")
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Removes every `null` member of every JSON object below `v`, as decoding into Go structs and
/// re-encoding with `omitempty` does for the fields clients leave null
/// (`creationTimestamp: null` in `kubectl create --dry-run -o yaml` output, say).
pub fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn encode_orders_like_go_structs_and_splices_resource_version() {
        let o = obj(json!({
            "data": {"k": "v"},
            "metadata": {"labels": {"a": "b"}, "resourceVersion": "7", "name": "n", "namespace": "ns", "uid": "u", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "apiVersion": "v1",
            "kind": "ConfigMap"
        }));
        let stored = encode(&o);
        assert_eq!(
            String::from_utf8(served(&stored, 42)).unwrap(),
            r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"n","namespace":"ns","uid":"u","resourceVersion":"42","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"a":"b"}},"data":{"k":"v"}}"#
        );
        let mut item = Vec::new();
        write_served_item(&stored, 42, &mut item);
        assert_eq!(
            String::from_utf8(item).unwrap(),
            r#"{"metadata":{"name":"n","namespace":"ns","uid":"u","resourceVersion":"42","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"a":"b"}},"data":{"k":"v"}}"#
        );
        let back = decode(&stored, 43);
        assert_eq!(back["metadata"]["resourceVersion"], "43");
        assert_eq!(back["data"]["k"], "v");
    }

    #[test]
    fn served_bytes_are_valid_json_at_every_revision() {
        let stored = encode(&obj(
            json!({"kind":"K","apiVersion":"v1","metadata":{"name":"x"}}),
        ));
        for rev in [1, 9, 10, 123_456_789] {
            let v: Value = serde_json::from_slice(&served(&stored, rev)).unwrap();
            assert_eq!(v["metadata"]["resourceVersion"], rev.to_string());
        }
    }

    #[test]
    fn empty_metadata_collections_are_left_out() {
        let stored = encode(&obj(
            json!({"metadata": {"name": "x", "finalizers": [], "labels": {}, "ownerReferences": []}}),
        ));
        assert_eq!(
            String::from_utf8(served(&stored, 3)).unwrap(),
            r#"{"metadata":{"name":"x","resourceVersion":"3"}}"#
        );
    }

    #[test]
    fn is_deleting_reads_only_the_deletion_timestamp() {
        let deleting = |meta: Value| {
            is_deleting(&encode(&obj(
                json!({"kind": "Namespace", "metadata": meta}),
            )))
        };
        assert!(deleting(
            json!({"name": "a", "deletionTimestamp": "2026-01-01T00:00:00Z"})
        ));
        assert!(!deleting(json!({"name": "a"})));
        assert!(!deleting(json!({"name": "a", "deletionTimestamp": ""})));
        assert!(!deleting(json!({"name": "a", "deletionTimestamp": 7})));
        assert!(!is_deleting(b"garbage"));
    }

    #[test]
    fn read_meta_reads_the_metadata_only() {
        let stored = encode(&obj(json!({"kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "a", "labels": {"x": "y"}}, "data": {"k": "v"}})));
        assert_eq!(
            read_meta::<Value>(&stored),
            Some(json!({"name": "a", "labels": {"x": "y"}}))
        );
        // An allocation reservation holds its owner's key, not an object.
        assert_eq!(
            read_meta::<Value>(b"/registry/services/specs/default/a"),
            None
        );
    }

    #[test]
    fn read_meta_before_managed_fields_reads_what_read_meta_reads() {
        #[derive(Deserialize, Debug, PartialEq)]
        #[serde(rename_all = "camelCase")]
        struct Owners {
            uid: Option<String>,
            owner_references: Option<Value>,
            finalizers: Option<Value>,
        }
        let managed = json!([{"manager": "m", "fieldsV1": {"f:data": {}}}]);
        let cases = [
            (
                "managedFields in the metadata",
                json!({"name": "a", "uid": "u",
                "ownerReferences": [{"uid": "o"}], "finalizers": ["f"],
                "managedFields": managed, "clusterName": "c", "extra": 1}),
            ),
            (
                "a managedFields list nested in an owner reference",
                json!({"name": "a",
                "ownerReferences": [{"uid": "o", "managedFields": []}],
                "managedFields": managed, "uid": "u"}),
            ),
            (
                "managedFields after the metadata only",
                json!({"name": "a", "uid": "u"}),
            ),
        ];
        for (i, (name, meta)) in cases.into_iter().enumerate() {
            let stored = encode(&obj(json!({"kind": "Pod", "apiVersion": "v1",
                "metadata": meta, "spec": {"template": {"metadata": {"managedFields": []}}}})));
            let whole = read_meta::<Owners>(&stored);
            assert!(
                whole.as_ref().is_some_and(|m| m.uid.is_some()),
                "#{i}: {name}"
            );
            assert_eq!(
                read_meta_before_managed_fields::<Owners>(&stored),
                whole,
                "#{i}: {name}"
            );
        }
        assert_eq!(
            read_meta_before_managed_fields::<Value>(b"/registry/services/specs/default/a"),
            None
        );
    }

    #[test]
    fn drop_nulls_is_recursive() {
        let mut v = json!({"a": null, "b": {"c": null, "d": [{"e": null, "f": 1}]}});
        drop_nulls(&mut v);
        assert_eq!(v, json!({"b": {"d": [{"f": 1}]}}));
    }
}
