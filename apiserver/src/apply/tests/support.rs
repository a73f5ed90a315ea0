//! Test helpers: a [`Schema`] over SMD's own schema language (`types: - name: ... map:
//! fields: ...`), as SMD's and kube's tests write their schemas, and YAML/JSON parsing.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::apply::schema::{Field, Kind, ListType, Scalar, Schema};

/// Parses YAML (or JSON) into a value; an empty document is `null`.
pub(crate) fn yaml(text: &str) -> Value {
    let trimmed = unindent(text);
    if trimmed.trim().is_empty() {
        return Value::Null;
    }
    serde_saphyr::from_str(&trimmed).unwrap_or_else(|e| panic!("bad test YAML {text}: {e}"))
}

/// Removes the common indentation of a Go raw string literal.
fn unindent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| l.get(indent..).unwrap_or("").replace('\t', "  "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Named types of an SMD schema.
pub(crate) struct Types(BTreeMap<String, Value>);

impl Types {
    pub(crate) fn parse(text: &str) -> Types {
        let doc = yaml(text);
        let mut types = BTreeMap::new();
        for t in doc["types"].as_array().into_iter().flatten() {
            let name = t["name"].as_str().unwrap_or_default().to_string();
            let mut atom = t.clone();
            if let Some(obj) = atom.as_object_mut() {
                obj.remove("name");
            }
            types.insert(name, atom);
        }
        Types(types)
    }

    /// The node of a named type.
    pub(crate) fn root(&self, name: &str) -> Node<'_> {
        Node {
            types: self,
            atom: self.resolve(&json!({ "namedType": name })),
            default: None,
        }
    }

    fn resolve(&self, type_ref: &Value) -> Value {
        let Some(name) = type_ref["namedType"].as_str() else {
            return type_ref.clone();
        };
        let mut atom = match name {
            "__untyped_deduced_" => json!({"deduced": true}),
            "__untyped_atomic_" => json!({"untyped": true}),
            _ => self
                .0
                .get(name)
                .cloned()
                .unwrap_or(json!({"untyped": true})),
        };
        if let Some(rel) = type_ref.get("elementRelationship")
            && let Some(map) = atom.get_mut("map").and_then(Value::as_object_mut)
        {
            map.insert("elementRelationship".into(), rel.clone());
        }
        atom
    }
}

/// A node of a test schema.
pub(crate) struct Node<'t> {
    types: &'t Types,
    atom: Value,
    default: Option<Value>,
}

impl Schema for Node<'_> {
    fn kind(&self) -> Kind {
        let a = &self.atom;
        if a.get("deduced").is_some() {
            return Kind::Deduced;
        }
        if a.get("untyped").is_some() {
            return Kind::Untyped;
        }
        if let Some(map) = a.get("map") {
            return Kind::Map {
                atomic: map["elementRelationship"] == "atomic",
            };
        }
        if let Some(list) = a.get("list") {
            return Kind::List(match list["elementRelationship"].as_str() {
                Some("associative") => {
                    let keys: Vec<String> = list["keys"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect();
                    if keys.is_empty() {
                        ListType::Set
                    } else {
                        ListType::Map(keys)
                    }
                }
                _ => ListType::Atomic,
            });
        }
        Kind::Scalar(match a["scalar"].as_str() {
            Some("numeric") => Scalar::Numeric,
            Some("string") => Scalar::String,
            Some("boolean") => Scalar::Boolean,
            _ => Scalar::Any,
        })
    }

    fn field(&self, name: &str) -> Option<Field<'_>> {
        let map = self.atom.get("map")?;
        if let Some(f) = map["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["name"] == name)
        {
            return Some(Field {
                schema: Box::new(Node {
                    types: self.types,
                    atom: self.types.resolve(&f["type"]),
                    default: f.get("default").cloned(),
                }),
                declared: true,
            });
        }
        let element = map.get("elementType")?;
        Some(Field {
            schema: Box::new(Node {
                types: self.types,
                atom: self.types.resolve(element),
                default: None,
            }),
            declared: false,
        })
    }

    fn items(&self) -> Option<Box<dyn Schema + '_>> {
        let element = self.atom.get("list")?.get("elementType")?;
        Some(Box::new(Node {
            types: self.types,
            atom: self.types.resolve(element),
            default: None,
        }))
    }

    fn default_value(&self) -> Option<Value> {
        self.default.clone()
    }
}
