//! Strategic merge patch (`application/strategic-merge-patch+json`) as kube-apiserver applies
//! it: `strategicpatch.StrategicMergeMapPatch` (`mergeMap` with `MergeParallelList` and
//! `IgnoreUnmatchedNulls`), with `PatchMetaFromStruct` replaced by a [`PatchMeta`].
//!
//! Directives: `$patch: replace | delete` on a map (`merge` or anything else is an error),
//! `$patch: delete | replace` on a list item (`merge` is an error), `$retainKeys`,
//! `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
//!
//! Where kube iterates a Go map (the patch's keys), the order is random in kube; here it is the
//! patch's key order. Results differ only for patches whose keys interfere (which kube's own
//! tests avoid). New keys are appended to an object, existing keys keep their place.

use serde_json::{Map, Value};

use super::gofmt::{GoType, bad_arg_type, bad_patch_type, go_type, no_merge_key};
use super::lists::{
    self, DIRECTIVE, element_type, find_by_key, merge_key_value_equal, normalize_element_order,
    partition_maps, partition_primitives, split_deletions,
};
use super::meta::{FieldMeta, PatchMeta};
use super::{PatchError, check_depth, kind_of};

const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// `mergepatch.ErrBadPatchFormatForRetainKeys` (400).
const BAD_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
/// `mergepatch.ErrBadPatchFormatForPrimitiveList` (400).
const BAD_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
/// `mergepatch.ErrBadPatchFormatForSetElementOrderList` (400).
const BAD_SET_ELEMENT_ORDER: &str = "invalid patch format of setElementOrder list";

/// Applies a strategic merge patch to `original` (the current object, as
/// `DefaultUnstructuredConverter.ToUnstructured` gives it) with the type's metadata.
///
/// A `null` patch changes nothing; a patch that is not an object is
/// `400 json: cannot unmarshal <kind> into Go value of type map[string]interface {}` (the
/// handler's decode; kube adds no prefix here).
pub fn strategic_merge(
    original: &Value,
    patch: &Value,
    meta: &dyn PatchMeta,
) -> Result<Value, PatchError> {
    check_depth(original)?;
    check_depth(patch)?;
    let patch = match patch {
        Value::Null => return Ok(original.clone()),
        Value::Object(p) => p.clone(),
        other => {
            return Err(PatchError::BadRequest(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                kind_of(other)
            )));
        }
    };
    let Value::Object(original) = original else {
        return Err(bad_arg_type(GoType::Map, original));
    };
    merge_map(original.clone(), patch, meta).map(Value::Object)
}

/// `mergeMap`.
fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    meta: &dyn PatchMeta,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(directive) = patch.get(DIRECTIVE) {
        return match directive.as_str() {
            Some("replace") => {
                patch.shift_remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(bad_patch_type(directive, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    merge_patch_into_original(&mut original, &mut patch, meta)?;

    for (k, patch_v) in patch {
        let (k, is_delete_list) = if k.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            (
                extract_key(&k, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST)?,
                true,
            )
        } else {
            (k, false)
        };
        if patch_v.is_null() {
            original.shift_remove(&k);
            continue;
        }
        let Some(slot) = original.get_mut(&k) else {
            original.insert(k, patch_v);
            continue;
        };
        if go_type(slot) != go_type(&patch_v) {
            *slot = patch_v;
            continue;
        }
        let current = std::mem::take(slot);
        let merged = match (current, patch_v) {
            (Value::Object(cur), Value::Object(p)) => {
                let field = meta.field(&k).map_err(PatchError::Internal)?;
                if field.strategy.replaces() {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(cur, p, &*field.nested)?)
                }
            }
            (Value::Array(cur), Value::Array(p)) => {
                let field = meta.list_field(&k).map_err(PatchError::Internal)?;
                Value::Array(merge_slice_handler(cur, p, &field, is_delete_list)?.0)
            }
            (_, p) => p,
        };
        if let Some(slot) = original.get_mut(&k) {
            *slot = merged;
        }
    }
    Ok(original)
}

/// `extractKey`: the list name after `<prefix>/`.
fn extract_key(s: &str, prefix: &str, error: &str) -> Result<String, PatchError> {
    match s.split_once('/') {
        Some((p, key)) if p == prefix => Ok(key.to_owned()),
        _ => Err(PatchError::BadRequest(error.to_owned())),
    }
}

/// `applyRetainKeysDirective`: every non-null patch key must be listed; original keys that are
/// not listed are dropped.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(PatchError::BadRequest(BAD_RETAIN_KEYS.to_owned()));
    };
    for v in &retain {
        super::gofmt::hashable(v)?;
    }
    let listed = |k: &str| retain.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !listed(k) {
            return Err(PatchError::BadRequest(BAD_RETAIN_KEYS.to_owned()));
        }
    }
    original.retain(|k, _| listed(k));
    Ok(())
}

/// `mergePatchIntoOriginal`: merges each list named by a `$setElementOrder/<list>` directive and
/// orders it by the directive, then the patch, then the current list.
fn merge_patch_into_original(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    meta: &dyn PatchMeta,
) -> Result<(), PatchError> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order) = patch.shift_remove(&key) else {
            continue;
        };
        let Value::Array(order) = order else {
            return Err(bad_arg_type(GoType::Slice, &order));
        };
        let list_key = extract_key(&key, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER)?;
        let current = list_at(original, &list_key)?;
        let patched = list_at(patch, &list_key)?;
        let field = meta.list_field(&list_key).map_err(PatchError::Internal)?;
        let merge_key = field.merge_key.unwrap_or("");
        validate_against_order(patched.as_deref().unwrap_or(&[]), &order, merge_key)?;
        // `current` is read again below through Go's old slice header, so it shows what merging
        // did to the list's backing array (see `Aliased`).
        let (merged, current) = match (current, &patched) {
            (Some(c), None) => (c.clone(), c),
            (None, Some(p)) => (p.clone(), Vec::new()),
            (Some(c), Some(p)) => merge_slice_handler(c, p.clone(), &field, false)?,
            (None, None) => continue,
        };
        let (in_order, server_only) = if merge_key.is_empty() {
            partition_primitives(&merged, &order)?
        } else {
            partition_maps(&merged, &order, merge_key)?
        };
        let kind = element_type(&[&current, patched.as_deref().unwrap_or(&[])])?;
        let both =
            normalize_element_order(in_order, server_only, &order, &current, merge_key, kind)?;
        original.insert(list_key.clone(), Value::Array(both));
        patch.shift_remove(&list_key);
    }
    Ok(())
}

/// The list at `key`, if present; any other value is `ErrBadArgType`.
fn list_at(m: &Map<String, Value>, key: &str) -> Result<Option<Vec<Value>>, PatchError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a.clone())),
        Some(other) => Err(bad_arg_type(GoType::Slice, other)),
    }
}

/// `validatePatchWithSetOrderList`: the patch list's items (deletions aside) must appear in the
/// `$setElementOrder` list in the same relative order.
fn validate_against_order(
    patch_list: &[Value],
    order: &[Value],
    merge_key: &str,
) -> Result<(), PatchError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if merge_key.is_empty() {
        patch_list.to_vec()
    } else {
        split_deletions(patch_list)?.0
    };
    let (mut pi, mut oi) = (0, 0);
    while pi < non_delete.len() && oi < order.len() {
        if matches!(&non_delete[pi], Value::Object(m) if m.contains_key(DIRECTIVE)) {
            pi += 1;
            continue;
        }
        if merge_key_value_equal(&non_delete[pi], &order[oi], merge_key)? {
            pi += 1;
        }
        oi += 1;
    }
    if pi < non_delete.len() && oi >= order.len() {
        use super::gofmt::{Verb, fmt_slice};
        return Err(PatchError::Internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            fmt_slice(patch_list, Verb::V),
            fmt_slice(order, Verb::V)
        )));
    }
    Ok(())
}

/// `mergeSliceHandler`: lists with the `merge` strategy merge, others are replaced. Returns the
/// merged list and the window of the current list's backing array (see [`Aliased`]).
fn merge_slice_handler(
    original: Vec<Value>,
    patch: Vec<Value>,
    field: &FieldMeta<'_>,
    is_delete_list: bool,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    if field.strategy.merges() {
        merge_slice(
            original,
            patch,
            &*field.nested,
            field.merge_key.unwrap_or(""),
            is_delete_list,
        )
    } else {
        Ok((patch, original))
    }
}

/// The current list of a merge as a Go slice: `items` is the slice `mergeSlice` works on and
/// `window` the first `len(current)` slots of its backing array. `mergePatchIntoOriginal` orders
/// the merged list by the current list through its old slice header, which sees what deleting
/// (`append(s[:i], s[i+1:]...)` shifts the array left and leaves the last slot stale) and then
/// appending (writing into the freed slots) did to the array. kube's own expectations depend on
/// it (`add map and delete map from merging list`).
struct Aliased {
    items: Vec<Value>,
    window: Vec<Value>,
}

impl Aliased {
    fn new(items: Vec<Value>) -> Self {
        Aliased {
            window: items.clone(),
            items,
        }
    }

    fn remove(&mut self, i: usize) {
        let len = self.items.len();
        self.items.remove(i);
        if len <= self.window.len() && i + 1 < len {
            self.window[i..len].rotate_left(1);
            self.window[len - 1] = self.window[len - 2].clone();
        }
    }

    fn push(&mut self, v: Value) {
        let len = self.items.len();
        if let Some(slot) = self.window.get_mut(len) {
            *slot = v.clone();
        }
        self.items.push(v);
    }
}

/// `mergeSlice`: the merged list and the current list's window (see [`Aliased`]).
fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    meta: &dyn PatchMeta,
    key: &str,
    is_delete_list: bool,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    if original.is_empty() && patch.is_empty() {
        return Ok((Vec::new(), original));
    }
    let kind = element_type(&[&original, &patch])?;
    let (server_order, patch, merged, window) = if kind == GoType::Map {
        if key.is_empty() {
            // The element type is kube's `Name()` of the element schema: "struct" for typed lists.
            return Err(PatchError::Internal(
                "cannot merge lists without merge key for struct".into(),
            ));
        }
        let mut current = Aliased::new(original);
        let (replaced, patch) = merge_special_elements(&mut current, patch, key)?;
        match replaced {
            // `$patch: replace`: the patch's other items are the list, merged with nothing.
            Some(list) => (list.clone(), patch, list, current.window),
            None => {
                let server_order = current.items.clone();
                merge_by_key(&mut current, &patch, key, meta)?;
                (server_order, patch, current.items, current.window)
            }
        }
    } else {
        if is_delete_list {
            return Ok((lists::delete_from(&original, &patch)?, original));
        }
        let both: Vec<Value> = original.iter().chain(&patch).cloned().collect();
        let merged = lists::deduplicate(both)?;
        (original.clone(), patch, merged, original)
    };
    let (in_patch, server_only) = if key.is_empty() {
        partition_primitives(&merged, &patch)?
    } else {
        partition_maps(&merged, &patch, key)?
    };
    let merged = normalize_element_order(in_patch, server_only, &patch, &server_order, key, kind)?;
    Ok((merged, window))
}

/// `mergeSliceWithSpecialElements`: applies `$patch: delete` items to `current` and returns the
/// other patch items; with a `$patch: replace` item, those items are the whole list (returned as
/// `Some`, the remaining patch empty).
fn merge_special_elements(
    current: &mut Aliased,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Option<Vec<Value>>, Vec<Value>), PatchError> {
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for v in patch {
        let Value::Object(m) = &v else {
            return Err(bad_arg_type(GoType::Map, &v));
        };
        let Some(directive) = m.get(DIRECTIVE) else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let value = m.get(key).ok_or_else(|| no_merge_key(m, key))?;
                while let Some(i) = find_by_key(&current.items, key, value)? {
                    current.remove(i);
                }
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(PatchError::Internal(
                    "merging lists cannot yet be specified in the patch".into(),
                ));
            }
            _ => return Err(bad_patch_type(directive, m)),
        }
    }
    Ok(if replace {
        (Some(plain), Vec::new())
    } else {
        (None, plain)
    })
}

/// `mergeSliceWithoutSpecialElements`: merges each patch item into the first current item with
/// the same merge-key value, or appends it as is.
///
/// Merging happens in place in Go (same merge-key value), so `current.window` keeps its item.
fn merge_by_key(
    current: &mut Aliased,
    patch: &[Value],
    key: &str,
    meta: &dyn PatchMeta,
) -> Result<(), PatchError> {
    for v in patch {
        let Value::Object(m) = v else {
            return Err(bad_arg_type(GoType::Map, v));
        };
        let value = m.get(key).ok_or_else(|| no_merge_key(m, key))?;
        match find_by_key(&current.items, key, value)? {
            Some(i) => {
                if let Value::Object(cur) = &mut current.items[i] {
                    let taken = std::mem::take(cur);
                    *cur = merge_map(taken, m.clone(), meta)?;
                }
            }
            None => current.push(v.clone()),
        }
    }
    Ok(())
}
