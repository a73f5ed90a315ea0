//! The list helpers of `strategicpatch/patch.go`: element types, de-duplication, deletion,
//! partitioning, and the ordering of merged lists (`normalizeElementOrder`). The ordering uses
//! Go's `sort.SliceStable` with kube's comparator, which is not a strict weak order, so the
//! result depends on the algorithm: Go's insertion-sort + SymMerge is reproduced step by step.

use serde_json::{Map, Value};

use super::PatchError;
use super::gofmt::{self, GoType, Verb, bad_arg_type, go_eq, hashable, no_merge_key};

/// `$patch`.
pub(crate) const DIRECTIVE: &str = "$patch";

static NULL: Value = Value::Null;

/// `sliceElementType(slices...)`: the common Go type of all elements.
pub(crate) fn element_type(slices: &[&[Value]]) -> Result<GoType, PatchError> {
    let mut prev = None;
    for v in slices.iter().flat_map(|s| s.iter()) {
        let t = gofmt::go_type(v);
        match prev {
            None => {
                if t == GoType::Nil {
                    // `reflect.TypeOf(nil).Kind()`: a nil-pointer panic.
                    return Err(PatchError::Panic(
                        "runtime error: invalid memory address or nil pointer dereference".into(),
                    ));
                }
                if t == GoType::Slice {
                    return Err(PatchError::Invalid(
                        "lists of lists are not supported".into(),
                    ));
                }
                prev = Some(t);
            }
            Some(p) if p != t => {
                let all: Vec<Value> = slices.iter().map(|s| Value::Array(s.to_vec())).collect();
                return Err(PatchError::Internal(format!(
                    "list element types are not identical: {}",
                    gofmt::fmt_slice(&all, Verb::V)
                )));
            }
            Some(_) => {}
        }
    }
    prev.ok_or_else(|| PatchError::Internal("no elements in any of the given slices".into()))
}

/// `deduplicateScalars`, with its order-changing swap-with-last.
pub(crate) fn deduplicate(mut s: Vec<Value>) -> Result<Vec<Value>, PatchError> {
    let mut length = s.len().saturating_sub(1);
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if go_eq(&s[i], &s[j])? {
                s.swap(j, length);
                s.truncate(length);
                length -= 1;
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    Ok(s)
}

/// `deleteFromSlice`: drops every element of `current` found in `to_delete` (a Go map lookup).
pub(crate) fn delete_from(
    current: &[Value],
    to_delete: &[Value],
) -> Result<Vec<Value>, PatchError> {
    for v in to_delete {
        hashable(v)?;
    }
    let mut kept = Vec::with_capacity(current.len());
    for v in current {
        if !in_go_set(v, to_delete)? {
            kept.push(v.clone());
        }
    }
    Ok(kept)
}

/// `set[v]` for a Go `map[interface{}]…` whose keys are `set` (already checked hashable).
fn in_go_set(v: &Value, set: &[Value]) -> Result<bool, PatchError> {
    hashable(v)?;
    for s in set {
        if go_eq(v, s)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `findMapInSliceBasedOnKeyValue`: the index of the first map whose `key` equals `value`.
pub(crate) fn find_by_key(
    list: &[Value],
    key: &str,
    value: &Value,
) -> Result<Option<usize>, PatchError> {
    for (i, v) in list.iter().enumerate() {
        let Value::Object(m) = v else {
            return Err(PatchError::Internal(format!(
                "value for key {i} is not a map"
            )));
        };
        if let Some(candidate) = m.get(key)
            && go_eq(candidate, value)?
        {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `extractToDeleteItems`: the items without and with `$patch: delete`.
pub(crate) fn split_deletions(list: &[Value]) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut keep = Vec::new();
    let mut delete = Vec::new();
    for v in list {
        let Value::Object(m) = v else {
            return Err(bad_arg_type(GoType::Map, v));
        };
        if m.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
            delete.push(v.clone());
        } else {
            keep.push(v.clone());
        }
    }
    Ok((keep, delete))
}

/// `partitionPrimitivesByPresentInList`.
pub(crate) fn partition_primitives(
    list: &[Value],
    by: &[Value],
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    for v in by {
        hashable(v)?;
    }
    let (mut present, mut absent) = (Vec::new(), Vec::new());
    for v in list {
        if in_go_set(v, by)? {
            present.push(v.clone());
        } else {
            absent.push(v.clone());
        }
    }
    Ok((present, absent))
}

/// `partitionMapsByPresentInList`.
pub(crate) fn partition_maps(
    list: &[Value],
    by: &[Value],
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let (mut present, mut absent) = (Vec::new(), Vec::new());
    for v in list {
        let Value::Object(m) = v else {
            return Err(bad_arg_type(GoType::Map, v));
        };
        let Some(value) = m.get(key) else {
            return Err(no_merge_key(m, key));
        };
        if find_by_key(by, key, value)?.is_some() {
            present.push(v.clone());
        } else {
            absent.push(v.clone());
        }
    }
    Ok((present, absent))
}

/// `normalizeElementOrder`: sorts the patch items by `patch_order` and the server-only items by
/// `server_order`, then interleaves them.
pub(crate) fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: &str,
    kind: GoType,
) -> Result<Vec<Value>, PatchError> {
    let patch = normalize_slice_order(patch, patch_order, key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, key, kind)?;
    merge_sorted(server_only, patch, server_order, key, kind)
}

/// `index(l, v, mergeKey, kind)`: the position of `v` in `l`, comparing merge-key values (maps)
/// or the items themselves with Go's `==`.
fn index(l: &[Value], v: &Value, key: &str, kind: GoType) -> Result<Option<usize>, PatchError> {
    let val = |item: &'_ Value| -> Value {
        if kind == GoType::Map {
            match item {
                Value::Object(m) => m.get(key).unwrap_or(&NULL).clone(),
                _ => Value::Null,
            }
        } else {
            item.clone()
        }
    };
    let wanted = val(v);
    for (i, item) in l.iter().enumerate() {
        if go_eq(&wanted, &val(item))? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `normalizeSliceOrder`.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    key: &str,
    kind: GoType,
) -> Result<Vec<Value>, PatchError> {
    let (mut to_sort, to_delete) = if kind == GoType::Map {
        for item in to_sort.iter().chain(order) {
            let Value::Object(m) = item else {
                return Err(bad_arg_type(GoType::Map, item));
            };
            if !m.contains_key(key) {
                return Err(no_merge_key(m, key));
            }
        }
        split_deletions(&to_sort)?
    } else {
        (to_sort, Vec::new())
    };
    let mut less = |a: &Value, b: &Value| -> Result<bool, PatchError> {
        if let Some(ia) = index(order, a, key, kind)?
            && let Some(ib) = index(order, b, key, kind)?
        {
            return Ok(ia < ib);
        }
        Ok(true)
    };
    stable_sort(&mut to_sort, &mut less)?;
    to_sort.extend(to_delete);
    Ok(to_sort)
}

/// `mergeSortedSlice(left, right, serverOrder)`: inserts each `left` item before the first
/// `right` item that comes after it in `server_order`.
fn merge_sorted(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    key: &str,
    kind: GoType,
) -> Result<Vec<Value>, PatchError> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => match (
                index(server_order, l, key, kind)?,
                index(server_order, r, key, kind)?,
            ) {
                (Some(li), Some(ri)) => li < ri,
                _ => false,
            },
        };
        out.extend(if take_left { left.next() } else { right.next() });
    }
    Ok(out)
}

type Less<'a> = dyn FnMut(&Value, &Value) -> Result<bool, PatchError> + 'a;

/// Go's `sort.SliceStable`: insertion sort on blocks of 20, then SymMerge rounds.
fn stable_sort(data: &mut [Value], less: &mut Less<'_>) -> Result<(), PatchError> {
    let n = data.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b, less)?;
        a = b;
        b += block;
    }
    insertion_sort(data, a, n, less)?;
    while block < n {
        let (mut a, mut b) = (0, 2 * block);
        while b <= n {
            sym_merge(data, a, a + block, b, less)?;
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, less)?;
        }
        block *= 2;
    }
    Ok(())
}

fn insertion_sort(
    data: &mut [Value],
    a: usize,
    b: usize,
    less: &mut Less<'_>,
) -> Result<(), PatchError> {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&data[j], &data[j - 1])? {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
    Ok(())
}

fn sym_merge(
    data: &mut [Value],
    a: usize,
    m: usize,
    b: usize,
    less: &mut Less<'_>,
) -> Result<(), PatchError> {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(&data[h], &data[a])? {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            data.swap(k, k + 1);
        }
        return Ok(());
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(&data[m], &data[h])? {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            data.swap(k, k - 1);
            k -= 1;
        }
        return Ok(());
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(&data[p - c], &data[c])? {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(data, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid, less)?;
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b, less)?;
    }
    Ok(())
}

/// Go's `rotate` (block swaps), which `slice::rotate_left` matches in effect.
fn rotate(data: &mut [Value], a: usize, m: usize, b: usize) {
    data[a..b].rotate_left(m - a);
}

/// `mergeKeyValueEqual(left, right, mergeKey)`.
pub(crate) fn merge_key_value_equal(
    left: &Value,
    right: &Value,
    key: &str,
) -> Result<bool, PatchError> {
    if key.is_empty() {
        return go_eq(left, right);
    }
    let l = as_map(left)?;
    let r = as_map(right)?;
    let lv = l.get(key).ok_or_else(|| no_merge_key(l, key))?;
    let rv = r.get(key).ok_or_else(|| no_merge_key(r, key))?;
    go_eq(lv, rv)
}

fn as_map(v: &Value) -> Result<&Map<String, Value>, PatchError> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(bad_arg_type(GoType::Map, other)),
    }
}
