//! Typed walks over JSON values (`sigs.k8s.io/structured-merge-diff/typed`): validation, the
//! field set of an object, the comparison of two objects, the merge of a configuration into
//! an object, and the removal of a field set from an object.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use super::path::{self, Path, PathElement};
use super::schema::{self, Atom, ListType, Scalar, Schema};
use super::set::FieldSet;
use super::value;
use crate::error::go_quote;

/// The path element of a list item (`listItemToPathElement`).
pub(crate) fn list_item_pe(
    list: &ListType,
    items: &dyn Schema,
    index: usize,
    item: &Value,
) -> Result<PathElement, String> {
    match list {
        ListType::Map(keys) if !keys.is_empty() => {
            let map = match item {
                Value::Null => {
                    return Err("associative list with keys may not have a null element".into());
                }
                Value::Object(map) => map,
                _ => {
                    return Err("associative list with keys may not have non-map elements".into());
                }
            };
            let mut fields = Vec::with_capacity(keys.len());
            for key in keys {
                match map.get(key) {
                    Some(v) => fields.push((key.clone(), v.clone())),
                    None => match schema::map_child(items, key).schema.default_value() {
                        Some(default) => fields.push((key.clone(), default)),
                        None => {
                            return Err(format!(
                                "associative list with keys has an element that omits key field {} (and doesn't have default value)",
                                go_quote(key)
                            ));
                        }
                    },
                }
            }
            Ok(PathElement::Key(path::sorted_key(fields)))
        }
        ListType::Map(_) | ListType::Set => match item {
            Value::Object(_) => {
                Err("associative list without keys has an element that's a map type".into())
            }
            Value::Array(_) => Err("not supported: associative list with lists as elements".into()),
            Value::Null => {
                Err("associative list without keys has an element that's an explicit null".into())
            }
            v => Ok(PathElement::Value(v.clone())),
        },
        ListType::Atomic => Ok(PathElement::Index(i64::try_from(index).unwrap_or(i64::MAX))),
    }
}

/// A validation error: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VError {
    path: String,
    message: String,
}

/// SMD's `ValidationErrors.Error()`.
pub(crate) fn render_errors(errs: &[VError]) -> String {
    let one = |e: &VError| {
        if e.path.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.path, e.message)
        }
    };
    match errs {
        [e] => one(e),
        _ => {
            let mut lines = vec!["errors:".to_string()];
            lines.extend(errs.iter().map(|e| format!("  {}", one(e))));
            lines.join("\n")
        }
    }
}

/// Adds a child's errors under the child's path element, which `display` writes out only when
/// there are errors (validation walks every field of every write).
fn extend_prefixed(errs: &mut Vec<VError>, display: impl FnOnce() -> String, child: Vec<VError>) {
    if child.is_empty() {
        return;
    }
    let prefix = display();
    errs.extend(child.into_iter().map(|mut e| {
        e.path = format!("{prefix}{}", e.path);
        e
    }));
}

fn err(message: String) -> Vec<VError> {
    vec![VError {
        path: String::new(),
        message,
    }]
}

/// `%v` of an SMD value (a pointer to a struct holding the Go value).
fn smd_v(v: &Value) -> String {
    format!("&{{{}}}", value::go_v(v))
}

fn validate_scalar(t: Scalar, v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    let ok = match t {
        Scalar::Numeric => v.is_number(),
        Scalar::String => v.is_string(),
        Scalar::Boolean => v.is_boolean(),
        Scalar::Any => !(v.is_object() || v.is_array()),
    };
    if ok {
        return None;
    }
    Some(match t {
        Scalar::Numeric => format!("expected numeric (int or float), got {}", value::go_type(v)),
        Scalar::String => format!(
            "expected string, got &value.valueUnstructured{{Value:{}}}",
            value::go_sharp_v(v)
        ),
        Scalar::Boolean => format!("expected boolean, got {}", smd_v(v)),
        Scalar::Any => format!("expected any scalar, got {}", smd_v(v)),
    })
}

/// Checks a value against the schema (`TypedValue.Validate`); `allow_duplicates` lets
/// associative lists repeat a key (kube allows it in stored objects, not in applied ones).
pub(crate) fn validate(v: &Value, s: &dyn Schema, allow_duplicates: bool) -> Vec<VError> {
    match schema::atom(s, Some(v)) {
        Atom::Scalar(t) => validate_scalar(t, v).map(err).unwrap_or_default(),
        Atom::List(list) => {
            let items = match v {
                Value::Null => return Vec::new(),
                Value::Array(items) => items,
                _ => return err(format!("expected list, got {}", smd_v(v))),
            };
            let item_schema = schema::list_items(s);
            let associative = list != ListType::Atomic;
            let mut errs = Vec::new();
            let mut seen: BTreeSet<PathElement> = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                let pe = match list_item_pe(&list, &*item_schema, i, item) {
                    Ok(pe) => pe,
                    Err(e) => {
                        errs.extend(err(format!("element {i}: {e}")));
                        return errs;
                    }
                };
                if associative && !allow_duplicates && !seen.insert(pe.clone()) {
                    errs.extend(err(format!("duplicate entries for key {}", pe.display())));
                }
                let child = validate(item, &*item_schema, allow_duplicates);
                extend_prefixed(&mut errs, || pe.display(), child);
            }
            errs
        }
        Atom::Map { .. } => {
            let map = match v {
                Value::Null => return Vec::new(),
                Value::Object(map) => map,
                _ => return err(format!("expected map, got {}", smd_v(v))),
            };
            let mut errs = Vec::new();
            let typed_map = matches!(s.kind(), schema::Kind::Map { .. });
            for (key, val) in map {
                let field = if typed_map {
                    s.field(key)
                } else {
                    Some(schema::map_child(s, key))
                };
                let display = || PathElement::Field(key.clone()).display();
                let Some(field) = field else {
                    errs.push(VError {
                        path: display(),
                        message: "field not declared in schema".into(),
                    });
                    break;
                };
                let child = validate(val, &*field.schema, allow_duplicates);
                extend_prefixed(&mut errs, display, child);
            }
            errs
        }
    }
}

/// The fields a value sets (`TypedValue.ToFieldSet`): leaves, map entries, list items, and
/// atomic maps and lists as a whole.
pub(crate) fn to_field_set(v: &Value, s: &dyn Schema) -> FieldSet {
    let mut set = FieldSet::new();
    field_set_walk(v, s, &mut Vec::new(), &mut set);
    set
}

fn field_set_walk(v: &Value, s: &dyn Schema, path: &mut Path, set: &mut FieldSet) {
    match schema::atom(s, Some(v)) {
        Atom::Scalar(_) => set.insert(path),
        Atom::List(list) => {
            if list == ListType::Atomic {
                set.insert(path);
                return;
            }
            let Value::Array(items) = v else { return };
            let item_schema = schema::list_items(s);
            for (i, item) in items.iter().enumerate() {
                let Ok(pe) = list_item_pe(&list, &*item_schema, i, item) else {
                    continue;
                };
                path.push(pe);
                field_set_walk(item, &*item_schema, path, set);
                set.insert(path);
                path.pop();
            }
        }
        Atom::Map { atomic } => {
            if atomic {
                set.insert(path);
                return;
            }
            let Value::Object(map) = v else { return };
            for (key, val) in map {
                let field = schema::map_child(s, key);
                path.push(PathElement::Field(key.clone()));
                field_set_walk(val, &*field.schema, path, set);
                if !field.declared {
                    set.insert(path);
                }
                path.pop();
            }
        }
    }
}

/// What changed from one object to another (`typed.Comparison`).
#[derive(Default)]
pub(crate) struct Comparison {
    pub(crate) added: FieldSet,
    pub(crate) modified: FieldSet,
    pub(crate) removed: FieldSet,
}

impl Comparison {
    /// Drops `fields` and everything below them from the comparison (`ExcludeFields`).
    pub(crate) fn exclude(self, fields: &FieldSet) -> Comparison {
        if fields.is_empty() {
            return self;
        }
        Comparison {
            added: self.added.recursive_difference(fields),
            modified: self.modified.recursive_difference(fields),
            removed: self.removed.recursive_difference(fields),
        }
    }
}

/// Compares two objects (`TypedValue.Compare`).
pub(crate) fn compare(lhs: &Value, rhs: &Value, s: &dyn Schema) -> Comparison {
    let mut out = Comparison::default();
    compare_walk(Some(lhs), Some(rhs), s, &mut Vec::new(), &mut out);
    out
}

fn compare_walk(
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    s: &dyn Schema,
    path: &mut Path,
    out: &mut Comparison,
) {
    if lhs.is_none() && rhs.is_none() {
        return;
    }
    let (al, ar) = (schema::atom(s, lhs), schema::atom(s, rhs));
    let mut in_leaf = false;
    if rhs.is_none() {
        compare_atom(&al, lhs, rhs, s, path, out, &mut in_leaf);
    } else if lhs.is_none() || al == ar {
        compare_atom(&ar, lhs, rhs, s, path, out, &mut in_leaf);
    } else {
        let mut other_leaf = false;
        compare_atom(&al, lhs, rhs, s, path, out, &mut other_leaf);
        compare_atom(&ar, lhs, rhs, s, path, out, &mut in_leaf);
    }
    if !in_leaf {
        if lhs.is_none() {
            out.added.insert(path);
        } else if rhs.is_none() {
            out.removed.insert(path);
        }
    }
}

fn compare_leaf(
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    path: &Path,
    out: &mut Comparison,
    in_leaf: &mut bool,
) {
    if *in_leaf {
        return;
    }
    *in_leaf = true;
    match (lhs, rhs) {
        (None, _) => out.added.insert(path),
        (_, None) => out.removed.insert(path),
        (Some(l), Some(r)) if !value::equals(l, r) => out.modified.insert(path),
        _ => {}
    }
}

fn compare_atom(
    atom: &Atom,
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    s: &dyn Schema,
    path: &mut Path,
    out: &mut Comparison,
    in_leaf: &mut bool,
) {
    match atom {
        Atom::Scalar(_) => compare_leaf(lhs, rhs, path, out, in_leaf),
        Atom::List(list) => {
            let l = lhs.and_then(Value::as_array);
            let r = rhs.and_then(Value::as_array);
            let empty = l.is_none_or(Vec::is_empty) && r.is_none_or(Vec::is_empty);
            if *list == ListType::Atomic || empty {
                compare_leaf(lhs, rhs, path, out, in_leaf);
                return;
            }
            let item_schema = schema::list_items(s);
            let l_index = index_items(list, &*item_schema, l.map(Vec::as_slice));
            let r_index = index_items(list, &*item_schema, r.map(Vec::as_slice));
            let l_by_key: BTreeMap<&PathElement, &Value> =
                l_index.iter().map(|(p, v)| (p, *v)).collect();
            let r_by_key: BTreeMap<&PathElement, &Value> =
                r_index.iter().map(|(p, v)| (p, *v)).collect();
            for (pe, rv) in &r_index {
                path.push(pe.clone());
                compare_walk(
                    l_by_key.get(pe).copied(),
                    Some(rv),
                    &*item_schema,
                    path,
                    out,
                );
                path.pop();
            }
            for (pe, lv) in &l_index {
                if r_by_key.contains_key(pe) {
                    continue;
                }
                path.push(pe.clone());
                compare_walk(Some(lv), None, &*item_schema, path, out);
                path.pop();
            }
        }
        Atom::Map { atomic } => {
            let l = lhs.and_then(Value::as_object);
            let r = rhs.and_then(Value::as_object);
            let empty = l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty);
            if *atomic || empty {
                compare_leaf(lhs, rhs, path, out, in_leaf);
                return;
            }
            for (key, lv, rv) in zip_entries(l, r) {
                let field = schema::map_child(s, key);
                path.push(PathElement::Field(key.to_string()));
                compare_walk(lv, rv, &*field.schema, path, out);
                path.pop();
            }
        }
    }
}

/// `added ∪ modified` of [`compare`]: what a write of `rhs` over `lhs` changes, for a writer
/// that no other manager shares the object with (nothing to take from anyone, and what it
/// removed is in neither set). Built from the bottom up: each subtree absent from `lhs` (on a
/// create, most of the object) is one set of every node below it, without the comparison's
/// inserts of one path at a time from the root.
pub(crate) fn changed(lhs: &Value, rhs: &Value, s: &dyn Schema) -> FieldSet {
    changed_walk(lhs, rhs, s).0.unwrap_or_default()
}

/// The changes below a node present on both sides (`None` for a leaf), and whether the node
/// itself changed (as [`compare_walk`] records them).
fn changed_walk(lhs: &Value, rhs: &Value, s: &dyn Schema) -> (Option<FieldSet>, bool) {
    let (al, ar) = (schema::atom(s, Some(lhs)), schema::atom(s, Some(rhs)));
    let mut out = changed_atom(&ar, lhs, rhs, s);
    if al != ar {
        let (below, leaf) = changed_atom(&al, lhs, rhs, s);
        if let Some(below) = below {
            out.0.get_or_insert_default().absorb(below);
        }
        out.1 |= leaf;
    }
    out
}

fn changed_atom(atom: &Atom, lhs: &Value, rhs: &Value, s: &dyn Schema) -> (Option<FieldSet>, bool) {
    let leaf = || (None, !value::equals(lhs, rhs));
    let mut set = FieldSet::new();
    match atom {
        Atom::Scalar(_) => return leaf(),
        Atom::List(list) => {
            let l = lhs.as_array().map(Vec::as_slice);
            let r = rhs.as_array().map(Vec::as_slice);
            if *list == ListType::Atomic
                || (l.is_none_or(<[Value]>::is_empty) && r.is_none_or(<[Value]>::is_empty))
            {
                return leaf();
            }
            let item_schema = schema::list_items(s);
            let l_index = index_items(list, &*item_schema, l);
            let l_by_key: BTreeMap<&PathElement, &Value> =
                l_index.iter().map(|(p, v)| (p, *v)).collect();
            for (pe, rv) in index_items(list, &*item_schema, r) {
                let child = match l_by_key.get(&pe) {
                    Some(lv) => changed_walk(lv, rv, &*item_schema),
                    None => (added(rv, &*item_schema), true),
                };
                set.put(pe, child);
            }
        }
        Atom::Map { atomic } => {
            let l = lhs.as_object();
            let r = rhs.as_object();
            if *atomic || (l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty)) {
                return leaf();
            }
            for (key, rv) in r.into_iter().flatten() {
                let field = schema::map_child(s, key);
                let child = match l.and_then(|m| m.get(key)) {
                    Some(lv) => changed_walk(lv, rv, &*field.schema),
                    None => (added(rv, &*field.schema), true),
                };
                set.put(PathElement::Field(key.clone()), child);
            }
        }
    }
    (Some(set), false)
}

/// Every node below a value absent from the other side, as [`compare_walk`] adds them: map
/// entries and list items (the node itself is the caller's), down to scalars, atomic maps and
/// lists, and empty ones; `None` for a leaf.
fn added(v: &Value, s: &dyn Schema) -> Option<FieldSet> {
    let mut set = FieldSet::new();
    match (schema::atom(s, Some(v)), v) {
        (Atom::List(list), Value::Array(items))
            if list != ListType::Atomic && !items.is_empty() =>
        {
            let item_schema = schema::list_items(s);
            for (pe, item) in index_items(&list, &*item_schema, Some(items)) {
                set.put(pe, (added(item, &*item_schema), true));
            }
        }
        (Atom::Map { atomic: false }, Value::Object(map)) if !map.is_empty() => {
            for (key, val) in map {
                let field = schema::map_child(s, key);
                set.put(
                    PathElement::Field(key.clone()),
                    (added(val, &*field.schema), true),
                );
            }
        }
        _ => return None,
    }
    Some(set)
}

/// The entries of both maps by key, with the value on each side: the left's keys in order,
/// then the right's others.
fn zip_entries<'a>(
    l: Option<&'a Map<String, Value>>,
    r: Option<&'a Map<String, Value>>,
) -> impl Iterator<Item = (&'a str, Option<&'a Value>, Option<&'a Value>)> {
    let left = l
        .into_iter()
        .flatten()
        .map(move |(k, lv)| (k.as_str(), Some(lv), r.and_then(|m| m.get(k))));
    let right = r
        .into_iter()
        .flatten()
        .filter(move |(k, _)| !l.is_some_and(|m| m.contains_key(*k)))
        .map(|(k, rv)| (k.as_str(), None, Some(rv)));
    left.chain(right)
}

/// Merges `rhs` into `lhs` (`TypedValue.Merge`): granular maps by key, associative lists by
/// item (in an order that keeps both sides' relative order), everything else replaced.
pub(crate) fn merge(lhs: &Value, rhs: &Value, s: &dyn Schema) -> Value {
    merge_walk(Some(lhs), Some(rhs), s).unwrap_or(Value::Null)
}

fn merge_walk(lhs: Option<&Value>, rhs: Option<&Value>, s: &dyn Schema) -> Option<Value> {
    if lhs.is_none() && rhs.is_none() {
        return None;
    }
    match schema::atom(s, rhs) {
        Atom::Scalar(t) => {
            let bad = |v: Option<&Value>| v.is_some_and(|v| validate_scalar(t, v).is_some());
            if bad(lhs) || bad(rhs) {
                return None;
            }
            rhs.or(lhs).cloned()
        }
        Atom::List(list) => {
            let l = lhs.and_then(Value::as_array);
            let r = rhs.and_then(Value::as_array);
            let empty = l.is_none_or(Vec::is_empty) && r.is_none_or(Vec::is_empty);
            if list == ListType::Atomic || empty {
                return rhs.or(lhs).cloned();
            }
            let out = merge_list(&list, l.map(Vec::as_slice), r.map(Vec::as_slice), s);
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Atom::Map { atomic } => {
            let l = lhs.and_then(Value::as_object);
            let r = rhs.and_then(Value::as_object);
            let empty = l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty);
            if atomic || empty {
                return rhs.or(lhs).cloned();
            }
            let mut out = Map::new();
            for (key, lv, rv) in zip_entries(l, r) {
                let field = schema::map_child(s, key);
                if let Some(v) = merge_walk(lv, rv, &*field.schema) {
                    out.insert(key.to_string(), v);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

/// The items of a list by path element, in order, duplicates and unkeyable items dropped
/// (`indexListPathElements`).
fn index_items<'a>(
    list: &ListType,
    items: &dyn Schema,
    values: Option<&'a [Value]>,
) -> Vec<(PathElement, &'a Value)> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<(PathElement, &Value)> = Vec::new();
    for (i, item) in values.into_iter().flatten().enumerate() {
        if let Ok(pe) = list_item_pe(list, items, i, item)
            && seen.insert(pe.clone())
        {
            out.push((pe, item));
        }
    }
    out
}

fn merge_list(
    list: &ListType,
    lhs: Option<&[Value]>,
    rhs: Option<&[Value]>,
    s: &dyn Schema,
) -> Vec<Value> {
    let item_schema = schema::list_items(s);
    let l = index_items(list, &*item_schema, lhs);
    let r = index_items(list, &*item_schema, rhs);
    let l_by_key: BTreeMap<&PathElement, &Value> = l.iter().map(|(p, v)| (p, *v)).collect();
    let r_by_key: BTreeMap<&PathElement, &Value> = r.iter().map(|(p, v)| (p, *v)).collect();
    let mut shared = r
        .iter()
        .filter(|(pe, _)| l_by_key.contains_key(pe))
        .map(|(pe, _)| pe.clone())
        .collect::<VecDeque<_>>();
    let mut next_shared = shared.pop_front();
    let mut out = Vec::with_capacity(l.len().max(r.len()));
    let mut push = |lv: Option<&Value>, rv: Option<&Value>| {
        if let Some(v) = merge_walk(lv, rv, &*item_schema) {
            out.push(v);
        }
    };
    let (mut li, mut ri) = (0, 0);
    while li < l.len() || ri < r.len() {
        let before = (li, ri);
        if li < l.len() && ri < r.len() {
            let pe = &l[li].0;
            if *pe == r[ri].0 {
                push(Some(l[li].1), Some(r[ri].1));
                li += 1;
                ri += 1;
                next_shared = shared.pop_front();
                continue;
            }
            if r_by_key.contains_key(pe) && next_shared.as_ref().is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < l.len() {
            let pe = &l[li].0;
            if !r_by_key.contains_key(pe) {
                push(Some(l[li].1), None);
                li += 1;
                continue;
            }
        }
        if ri < r.len() {
            let pe = &r[ri].0;
            push(l_by_key.get(pe).copied(), Some(r[ri].1));
            ri += 1;
            if next_shared.as_ref() == Some(pe) {
                next_shared = shared.pop_front();
            }
        }
        if (li, ri) == before {
            // An item of the left already merged from the right: nothing left to do with it.
            li += 1;
        }
    }
    out
}

/// Removes the fields of `set` from a value (`TypedValue.RemoveItems`): a removed map entry
/// or list item disappears; a map or list left empty becomes null, as in SMD.
pub(crate) fn remove_items(v: &Value, set: &FieldSet, s: &dyn Schema) -> Value {
    match schema::atom(s, Some(v)) {
        Atom::Scalar(_) => v.clone(),
        Atom::List(list) => {
            let Value::Array(items) = v else {
                return Value::Null;
            };
            if items.is_empty() || list == ListType::Atomic {
                return Value::Null;
            }
            let item_schema = schema::list_items(s);
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let Ok(pe) = list_item_pe(&list, &*item_schema, i, item) else {
                    out.push(item.clone());
                    continue;
                };
                if set.has(std::slice::from_ref(&pe)) {
                    continue;
                }
                match set.child(&pe).filter(|sub| !sub.is_empty()) {
                    Some(sub) => out.push(remove_items(item, sub, &*item_schema)),
                    None => out.push(item.clone()),
                }
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Array(out)
            }
        }
        Atom::Map { atomic } => {
            let Value::Object(map) = v else {
                return Value::Null;
            };
            if map.is_empty() || atomic {
                return Value::Null;
            }
            let mut out = Map::new();
            for (key, val) in map {
                let pe = PathElement::Field(key.clone());
                if set.has(std::slice::from_ref(&pe)) {
                    continue;
                }
                let kept = match set.child(&pe).filter(|sub| !sub.is_empty()) {
                    Some(sub) => remove_items(val, sub, &*schema::map_child(s, key).schema),
                    None => val.clone(),
                };
                out.insert(key.clone(), kept);
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Object(out)
            }
        }
    }
}
