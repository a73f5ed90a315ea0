//! Table-driven tests, most cases ported from kube's own tables (each names its source).

mod json_patch_cases;
mod merge_patch_cases;
mod robustness;
mod smp_cases;
mod smp_errors;

use serde_json::{Map, Value};

use super::gofmt::{self, GoType, Verb};
use super::lists;
use super::meta::{FieldMeta, PatchMeta, Strategy};

/// Prints `#{i}: {name}` for each case, runs it, and fails with every failing case listed.
pub(super) struct Runner {
    next: usize,
    failures: Vec<String>,
}

impl Runner {
    pub(super) fn new() -> Self {
        Runner {
            next: 0,
            failures: Vec::new(),
        }
    }

    pub(super) fn case(&mut self, name: &str, check: impl FnOnce() -> Result<(), String>) {
        let i = self.next;
        self.next += 1;
        println!("#{i}: {name}");
        if let Err(why) = check() {
            println!("    FAILED: {why}");
            self.failures.push(format!("#{i}: {name}: {why}"));
        }
    }

    pub(super) fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} cases failed:\n{}",
            self.failures.len(),
            self.next,
            self.failures.join("\n")
        );
    }
}

pub(super) fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("bad test YAML: {e}\n{text}"))
}

pub(super) fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad test JSON: {e}\n{text}"))
}

pub(super) fn expect_eq(got: &Value, want: &Value) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("\n  got:  {got}\n  want: {want}"))
    }
}

/// A [`PatchMeta`] described by JSON: named struct types, each a map of field name to
/// `{"strategy": <tag>, "key": <merge key>, "type": <struct type name> | "fields": {<inline>} |
/// "map": true}`. A field with none of `type`/`fields`/`map` is a scalar (a string).
pub(super) struct Described<'a> {
    types: &'a Map<String, Value>,
    shape: Shape<'a>,
}

enum Shape<'a> {
    Struct {
        name: &'a str,
        fields: &'a Map<String, Value>,
    },
    MapOfStrings,
    Scalar,
}

impl<'a> Described<'a> {
    pub(super) fn new(types: &'a Value, root: &'a str) -> Self {
        let types = types.as_object().expect("types must be an object");
        Described {
            types,
            shape: Shape::Struct {
                name: root,
                fields: types[root]
                    .as_object()
                    .expect("root type must be an object"),
            },
        }
    }
}

impl PatchMeta for Described<'_> {
    fn field(&self, name: &str) -> Result<FieldMeta<'_>, String> {
        let (type_name, fields) = match &self.shape {
            Shape::Struct { name, fields } => (*name, *fields),
            Shape::MapOfStrings => {
                return Ok(FieldMeta {
                    strategy: Strategy::None,
                    merge_key: None,
                    nested: Box::new(Described {
                        types: self.types,
                        shape: Shape::Scalar,
                    }),
                });
            }
            Shape::Scalar => {
                return Err(
                    "merging an object in json but data type is not map or struct, instead is: string"
                        .into(),
                );
            }
        };
        let Some(desc) = fields.get(name) else {
            return Err(format!(
                "unable to find api field in struct {type_name} for the json field {name:?}"
            ));
        };
        let strategy = desc
            .get("strategy")
            .and_then(Value::as_str)
            .map_or(Some(Strategy::None), Strategy::from_tag)
            .ok_or_else(|| format!("unexpected patch strategy: {desc}"))?;
        let shape = if let Some(t) = desc.get("type").and_then(Value::as_str) {
            Shape::Struct {
                name: t,
                fields: self.types[t].as_object().ok_or("unknown type")?,
            }
        } else if let Some(inline) = desc.get("fields").and_then(Value::as_object) {
            Shape::Struct {
                name: "",
                fields: inline,
            }
        } else if desc.get("map").is_some() {
            Shape::MapOfStrings
        } else {
            Shape::Scalar
        };
        Ok(FieldMeta {
            strategy,
            merge_key: desc.get("key").and_then(Value::as_str),
            nested: Box::new(Described {
                types: self.types,
                shape,
            }),
        })
    }
}

/// The test type of `strategicpatch/patch_test.go`: `MergeItem` and `RetainKeysMergeItem`.
pub(super) const MERGE_ITEM_TYPES: &str = r#"{
  "MergeItem": {
    "name": {}, "value": {}, "other": {},
    "mergingList": {"strategy": "merge", "key": "name", "type": "MergeItem"},
    "nonMergingList": {"type": "MergeItem"},
    "mergingIntList": {"strategy": "merge"},
    "nonMergingIntList": {},
    "mergeItemPtr": {"strategy": "merge", "key": "name", "type": "MergeItem"},
    "simpleMap": {"map": true},
    "replacingItem": {"strategy": "replace", "type": "RawExtension"},
    "retainKeysMap": {"strategy": "retainKeys", "type": "RetainKeysMergeItem"},
    "retainKeysMergingList": {"strategy": "merge,retainKeys", "key": "name", "type": "MergeItem"}
  },
  "RetainKeysMergeItem": {
    "name": {}, "value": {}, "other": {},
    "simpleMap": {"map": true},
    "mergingIntList": {"strategy": "merge"},
    "mergingList": {"strategy": "merge", "key": "name", "type": "MergeItem"},
    "nonMergingList": {"type": "MergeItem"}
  },
  "RawExtension": {}
}"#;

/// `sortMergeListsByNameMap` of kube's test harness, which it applies to the inputs and the
/// expectations of its YAML-map cases: merging lists sorted by merge key (as `%v` strings),
/// merging scalar lists de-duplicated and sorted, `$retainKeys` / `$deleteFromPrimitiveList`
/// sorted.
pub(super) fn sort_merge_lists(v: &Value, meta: &dyn PatchMeta) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        let sorted = if k == "$retainKeys" || k.starts_with("$deleteFromPrimitiveList") {
            sort_scalars(v.as_array().cloned().unwrap_or_default())
        } else if k.starts_with("$setElementOrder") || k == "$patch" {
            v.clone()
        } else {
            match v {
                Value::Object(_) => {
                    let field = meta.field(k).expect("test data must match the type");
                    sort_merge_lists(v, &*field.nested)
                }
                Value::Array(items) => {
                    let field = meta.list_field(k).expect("test data must match the type");
                    if field.strategy.merges() {
                        sort_array(items, &field)
                    } else {
                        v.clone()
                    }
                }
                _ => v.clone(),
            }
        };
        out.insert(k.clone(), sorted);
    }
    Value::Object(out)
}

fn sort_array(items: &[Value], field: &FieldMeta<'_>) -> Value {
    if items.is_empty() {
        return Value::Array(Vec::new());
    }
    if lists::element_type(&[items]).ok() != Some(GoType::Map) {
        let deduped = lists::deduplicate(items.to_vec()).expect("scalars");
        return sort_scalars(deduped);
    }
    let key = field.merge_key.unwrap_or("");
    let mut sorted: Vec<Value> = items
        .iter()
        .map(|item| sort_merge_lists(item, &*field.nested))
        .collect();
    sorted.sort_by_key(|item| gofmt::fmt_top(item.get(key).unwrap_or(&Value::Null), Verb::V));
    Value::Array(sorted)
}

fn sort_scalars(mut items: Vec<Value>) -> Value {
    items.sort_by_key(|v| gofmt::fmt_top(v, Verb::V));
    Value::Array(items)
}
