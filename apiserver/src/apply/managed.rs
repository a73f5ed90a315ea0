//! `metadata.managedFields` ↔ SMD managers (`managedfields/internal/managedfields.go`,
//! `capmanagers.go`, `buildmanagerinfo.go`).
//!
//! A manager is identified by the JSON of its entry without `time`, `fieldsType` and
//! `fieldsV1`, and without `apiVersion` for `Apply` (an applier keeps one entry whatever
//! version it applies at): `{"manager":"kubectl","operation":"Update","apiVersion":"v1"}`.
//! Entries are written sorted by operation (`Apply` first), time, manager, apiVersion and
//! subresource.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::set::FieldSet;
use super::updater::{Managers, VersionedSet};
use super::value::{self, Escape};
use crate::clock;
use crate::error::go_quote;

pub(crate) const APPLY: &str = "Apply";
pub(crate) const UPDATE: &str = "Update";

/// The managers of an object and when each last changed it (`Managed`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Managed {
    pub(crate) fields: Managers,
    /// Seconds since the epoch; a manager without one is written without `time`.
    pub(crate) times: BTreeMap<String, i64>,
}

/// The parts of a manager identifier.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ManagerId {
    pub(crate) manager: String,
    pub(crate) operation: String,
    pub(crate) api_version: String,
    pub(crate) subresource: String,
}

impl ManagerId {
    /// The identifier string (`BuildManagerIdentifier`: `json.Marshal` of the entry).
    pub(crate) fn encode(&self) -> String {
        encode_id(
            &self.manager,
            &self.operation,
            &self.api_version,
            &self.subresource,
        )
    }

    /// Reads an identifier back (`json.Unmarshal` into an entry); a foreign string gives an
    /// entry with only what it has.
    pub(crate) fn decode(id: &str) -> ManagerId {
        ManagerId::decode_plain(id).unwrap_or_else(|| ManagerId::decode_json(id))
    }

    /// What `encode` writes when no part needs an escape, read without a JSON parser (every
    /// write encodes its managers); `None` for anything else: another order of the same
    /// parts reads the same, a repeated or unknown part, an escape or a space does not.
    pub(crate) fn decode_plain(id: &str) -> Option<ManagerId> {
        let mut rest = id.strip_prefix('{')?.strip_suffix('}')?;
        let mut out = ManagerId::default();
        let mut seen = [false; 4];
        loop {
            // Parts are a few bytes long: a plain scan finds their ends sooner than memchr.
            let quote = |s: &str| s.bytes().position(|b| b == b'"');
            let rest_name = rest.strip_prefix('"')?;
            let (name, after) = rest_name.split_at(quote(rest_name)?);
            let after = after.strip_prefix("\":\"")?;
            let (value, after) = after.split_at(quote(after)?);
            let after = &after[1..];
            if value.bytes().any(|b| b == b'\\' || b < 0x20) {
                return None;
            }
            let (i, part) = match name {
                "manager" => (0, &mut out.manager),
                "operation" => (1, &mut out.operation),
                "apiVersion" => (2, &mut out.api_version),
                "subresource" => (3, &mut out.subresource),
                _ => return None,
            };
            if std::mem::replace(&mut seen[i], true) {
                return None;
            }
            value.clone_into(part);
            match after.strip_prefix(',') {
                Some(next) => rest = next,
                None if after.is_empty() => return Some(out),
                None => return None,
            }
        }
    }

    /// [`decode`](Self::decode) of any JSON: a struct of string parts, each once, reads
    /// straight into the struct; anything else as any JSON object, each part a string or
    /// nothing.
    pub(crate) fn decode_json(id: &str) -> ManagerId {
        if let Ok(id) = serde_json::from_str::<ManagerId>(id) {
            return id;
        }
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(id) else {
            return ManagerId::default();
        };
        let get = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        ManagerId {
            manager: get("manager"),
            operation: get("operation"),
            api_version: get("apiVersion"),
            subresource: get("subresource"),
        }
    }
}

/// The identifier of `manager` writing with `operation` at `api_version` (`buildManagerInfo`:
/// an empty name is `unknown`).
pub(crate) fn manager_id(
    manager: &str,
    operation: &str,
    api_version: &str,
    subresource: &str,
) -> String {
    let manager = if manager.is_empty() {
        "unknown"
    } else {
        manager
    };
    encode_id(manager, operation, api_version, subresource)
}

/// [`ManagerId::encode`] of the parts: the JSON of the non-empty ones, `apiVersion` only for
/// `Update`.
fn encode_id(manager: &str, operation: &str, api_version: &str, subresource: &str) -> String {
    // The names and quotes take 60 bytes at most; values are rarely escaped.
    let mut out = String::with_capacity(
        60 + manager.len() + operation.len() + api_version.len() + subresource.len(),
    );
    out.push('{');
    let mut field = |name: &str, v: &str| {
        if v.is_empty() {
            return;
        }
        if out.len() > 1 {
            out.push(',');
        }
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        value::write_go_json_string(&mut out, v, Escape::Html);
    };
    field("manager", manager);
    field("operation", operation);
    if operation != APPLY {
        field("apiVersion", api_version);
    }
    field("subresource", subresource);
    out.push('}');
    out
}

fn string_field<'a>(entry: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match entry.get(key) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("{key}: expected a string, got {other}")),
    }
}

/// Reads `metadata.managedFields` (`DecodeManagedFields`); `null` or absent is no manager.
pub(crate) fn decode(entries: Option<&Value>) -> Result<Managed, String> {
    let mut managed = Managed::default();
    let entries = match entries {
        None | Some(Value::Null) => return Ok(managed),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err("managedFields must be a list".into()),
    };
    for (i, entry) in entries.iter().enumerate() {
        let Value::Object(entry) = entry else {
            return Err(format!("managed fields entry {i} is not an object"));
        };
        let operation = string_field(entry, "operation")?;
        if operation != APPLY && operation != UPDATE {
            return Err("operation must be `Apply` or `Update`".into());
        }
        let api_version = string_field(entry, "apiVersion")?;
        if api_version.is_empty() {
            return Err("apiVersion must not be empty".into());
        }
        match string_field(entry, "fieldsType")? {
            "FieldsV1" => {}
            "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
            other => {
                return Err(format!(
                    "invalid fieldsType {} in managed fields entry {i}",
                    go_quote(other)
                ));
            }
        }
        let time = match entry.get("time") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => {
                Some(clock::parse_rfc3339(t).ok_or_else(|| format!("invalid time {t:?}"))?)
            }
            Some(other) => return Err(format!("time: expected a string, got {other}")),
        };
        let set = match entry.get("fieldsV1") {
            None | Some(Value::Null) => FieldSet::new(),
            Some(v) => FieldSet::from_fields_v1(v)
                .map_err(|e| format!("error decoding versioned set: error decoding set: {e}"))?,
        };
        let id = ManagerId {
            manager: string_field(entry, "manager")?.to_string(),
            operation: operation.to_string(),
            api_version: api_version.to_string(),
            subresource: string_field(entry, "subresource")?.to_string(),
        }
        .encode();
        managed.fields.insert(
            id.clone(),
            VersionedSet {
                set,
                api_version: api_version.to_string(),
                applied: operation == APPLY,
            },
        );
        match time {
            Some(t) => managed.times.insert(id, t),
            None => managed.times.remove(&id),
        };
    }
    Ok(managed)
}

/// Whether a request's `managedFields` asks to reset them: an empty list, or a list of one
/// empty entry (`isResetManagedFields`).
pub(crate) fn is_reset(entries: Option<&Value>) -> bool {
    match entries {
        Some(Value::Array(entries)) => match entries.as_slice() {
            [] => true,
            [Value::Object(entry)] => entry
                .iter()
                .all(|(k, v)| v.is_null() || (k != "fieldsV1" && v.as_str() == Some(""))),
            _ => false,
        },
        _ => false,
    }
}

/// The `managedFields` list of the managers (`encodeManagedFields`), `None` when there are
/// none (the field is then omitted).
pub(crate) fn encode(managed: &Managed) -> Option<Value> {
    if managed.fields.is_empty() {
        return None;
    }
    struct Entry {
        id: ManagerId,
        time: Option<i64>,
        fields: Value,
    }
    let mut entries: Vec<Entry> = managed
        .fields
        .iter()
        .map(|(key, owned)| {
            let mut id = ManagerId::decode(key);
            id.api_version = owned.api_version.clone();
            if owned.applied {
                id.operation = APPLY.to_string();
            }
            Entry {
                id,
                time: managed.times.get(key).copied(),
                fields: owned.set.to_fields_v1(),
            }
        })
        .collect();
    entries.sort_by(|p, q| {
        p.id.operation
            .cmp(&q.id.operation)
            .then(p.time.unwrap_or(0).cmp(&q.time.unwrap_or(0)))
            .then(p.id.manager.cmp(&q.id.manager))
            .then(p.id.api_version.cmp(&q.id.api_version))
            .then(p.id.subresource.cmp(&q.id.subresource))
    });
    let list = entries
        .into_iter()
        .map(|e| {
            let mut out = Map::with_capacity(7);
            let mut put = |k: &str, v: &str| {
                if !v.is_empty() {
                    out.insert(k.to_string(), Value::String(v.to_string()));
                }
            };
            put("manager", &e.id.manager);
            put("operation", &e.id.operation);
            put("apiVersion", &e.id.api_version);
            if let Some(t) = e.time {
                put("time", &clock::rfc3339(t));
            }
            put("fieldsType", "FieldsV1");
            out.insert("fieldsV1".into(), e.fields);
            if !e.id.subresource.is_empty() {
                out.insert("subresource".into(), Value::String(e.id.subresource));
            }
            Value::Object(out)
        })
        .collect();
    Some(Value::Array(list))
}

/// The most `Update` entries kept (`DefaultMaxUpdateManagers`).
pub(crate) const MAX_UPDATE_MANAGERS: usize = 10;

/// The bucket the oldest updaters are merged into.
const ANCIENT_CHANGES: &str = "ancient-changes";

/// Merges the oldest `Update` entries into one `ancient-changes` entry per version until at
/// most [`MAX_UPDATE_MANAGERS`] remain (`capUpdateManagers`), as kube does — including its
/// quirks: the first updater of a version only moves into the bucket when a second one of
/// that version joins it, and the bucket takes the time of the last entry merged.
pub(crate) fn cap_update_managers(managed: &mut Managed) {
    if managed
        .fields
        .values()
        .filter(|owned| !owned.applied)
        .count()
        <= MAX_UPDATE_MANAGERS
    {
        return;
    }
    let mut updaters: Vec<String> = managed
        .fields
        .iter()
        .filter(|(_, owned)| !owned.applied)
        .map(|(id, _)| id.clone())
        .collect();
    updaters.sort_by(|a, b| {
        let ta = managed.times.get(a).copied().unwrap_or(0);
        let tb = managed.times.get(b).copied().unwrap_or(0);
        ta.cmp(&tb).then(a.cmp(b))
    });
    let mut first_of_version: BTreeMap<String, String> = BTreeMap::new();
    let mut length = updaters.len();
    for manager in &updaters {
        if length <= MAX_UPDATE_MANAGERS {
            break;
        }
        let Some(owned) = managed.fields.get(manager).cloned() else {
            continue;
        };
        let time = managed.times.get(manager).copied();
        let version = owned.api_version.clone();
        let bucket = manager_id(ANCIENT_CHANGES, UPDATE, &version, "");
        match first_of_version.get(&version) {
            Some(first) => {
                if !managed.fields.contains_key(&bucket)
                    && let Some(moved) = managed.fields.remove(first)
                {
                    managed.fields.insert(bucket.clone(), moved);
                }
                let merged = managed
                    .fields
                    .get(&bucket)
                    .map_or_else(|| owned.set.clone(), |b| owned.set.union(&b.set));
                managed.fields.insert(
                    bucket.clone(),
                    VersionedSet {
                        set: merged,
                        api_version: version,
                        applied: owned.applied,
                    },
                );
                managed.fields.remove(manager);
                length -= 1;
                match time {
                    Some(t) => managed.times.insert(bucket, t),
                    None => managed.times.remove(&bucket),
                };
            }
            None => {
                first_of_version.insert(version, manager.clone());
            }
        }
    }
}
