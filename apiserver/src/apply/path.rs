//! Field paths (`sigs.k8s.io/structured-merge-diff/fieldpath`): path elements, their order,
//! their human form (`.spec.containers[name="nginx"].image`) and their `FieldsV1` form
//! (`f:spec`, `k:{"name":"nginx"}`, `v:"a"`, `i:0`).

use std::cmp::Ordering;

use serde_json::Value;

use super::value::{self, Escape};
use crate::error::go_quote;

/// One step of a field path.
#[derive(Clone, Debug)]
pub(crate) enum PathElement {
    /// A field of a struct or map (`f:<name>`).
    Field(String),
    /// An item of an associative list, by its key fields sorted by name (`k:{...}`).
    Key(Vec<(String, Value)>),
    /// An item of a set, by its value (`v:<json>`).
    Value(Value),
    /// An item of an atomic list, by index (`i:<n>`; only in sets SMD builds internally).
    Index(i64),
}

/// A field path from the object's root.
pub(crate) type Path = Vec<PathElement>;

impl PathElement {
    fn rank(&self) -> u8 {
        match self {
            PathElement::Field(_) => 0,
            PathElement::Key(_) => 1,
            PathElement::Value(_) => 2,
            PathElement::Index(_) => 3,
        }
    }

    /// The field name, for a `Field`.
    pub(crate) fn field_name(&self) -> Option<&str> {
        match self {
            PathElement::Field(name) => Some(name),
            _ => None,
        }
    }

    /// The element as a path prints it (`PathElement.String`).
    pub(crate) fn display(&self) -> String {
        match self {
            PathElement::Field(name) => format!(".{name}"),
            PathElement::Key(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", value::smd_string(v)))
                    .collect();
                format!("[{}]", parts.join(","))
            }
            PathElement::Value(v) => format!("[={}]", value::smd_string(v)),
            PathElement::Index(i) => format!("[{i}]"),
        }
    }

    /// The element as `FieldsV1` writes it (`SerializePathElement`).
    pub(crate) fn serialize(&self) -> String {
        match self {
            PathElement::Field(name) => ["f:", name].concat(),
            PathElement::Key(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}:{}",
                            value::go_json_string(k, Escape::Plain),
                            value::go_json(v, Escape::Html, true)
                        )
                    })
                    .collect();
                format!("k:{{{}}}", parts.join(","))
            }
            PathElement::Value(v) => format!("v:{}", value::go_json(v, Escape::Html, true)),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    /// Parses a `FieldsV1` key (`DeserializePathElement`); `Ok(None)` for an unknown element
    /// type, which kube skips.
    pub(crate) fn deserialize(s: &str) -> Result<Option<PathElement>, String> {
        let b = s.as_bytes();
        if b.len() < 2 {
            return Err("key must be 2 characters long:".into());
        }
        if b[1] != b':' {
            return Err(format!("missing colon: {s}"));
        }
        let rest = &s[2..];
        match b[0] {
            b'f' => Ok(Some(PathElement::Field(rest.to_string()))),
            b'v' => {
                let v = first_json_value(rest)?;
                Ok(Some(PathElement::Value(v)))
            }
            b'k' => {
                let fields = match first_json_value(rest)? {
                    Value::Object(map) => map.into_iter().collect(),
                    Value::Null => Vec::new(),
                    _ => return Err(format!("ReadObjectCB: expect {{ or n, but found {rest}")),
                };
                Ok(Some(PathElement::Key(sorted_key(fields))))
            }
            b'i' => parse_go_int(rest)
                .map(|i| Some(PathElement::Index(i)))
                .ok_or_else(|| format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(rest))),
            _ => Ok(None),
        }
    }
}

/// Key fields sorted by name (`FieldList.Sort`, stable).
pub(crate) fn sorted_key(mut fields: Vec<(String, Value)>) -> Vec<(String, Value)> {
    fields.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    fields
}

/// The first JSON value of `s` (json-iterator reads one value and ignores what follows).
fn first_json_value(s: &str) -> Result<Value, String> {
    let mut stream = serde_json::Deserializer::from_str(s).into_iter::<Value>();
    match stream.next() {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("unexpected end of JSON input".into()),
    }
}

/// `strconv.Atoi`: an optional sign and decimal digits.
fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn compare_keys(a: &[(String, Value)], b: &[(String, Value)]) -> Ordering {
    for ((ka, va), (kb, vb)) in a.iter().zip(b) {
        let c = ka.as_bytes().cmp(kb.as_bytes());
        if c != Ordering::Equal {
            return c;
        }
        let c = value::compare(va, vb);
        if c != Ordering::Equal {
            return c;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for PathElement {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PathElement::Field(a), PathElement::Field(b)) => a.as_bytes().cmp(b.as_bytes()),
            (PathElement::Key(a), PathElement::Key(b)) => compare_keys(a, b),
            (PathElement::Value(a), PathElement::Value(b)) => value::compare(a, b),
            (PathElement::Index(a), PathElement::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for PathElement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PathElement {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PathElement {}

/// A path as SMD prints it (`.spec.containers[name="nginx"].image`).
pub(crate) fn path_string(path: &[PathElement]) -> String {
    path.iter().map(PathElement::display).collect()
}

/// A path of field names.
pub(crate) fn field_path(names: &[&str]) -> Path {
    names
        .iter()
        .map(|n| PathElement::Field((*n).to_string()))
        .collect()
}
