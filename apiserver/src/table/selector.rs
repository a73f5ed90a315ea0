//! Label and label-selector formatting: `labels.FormatLabels`, `metav1.LabelSelectorAsSelector`
//! followed by `Selector.String()` (the crate's one implementation, which the Scale
//! subresource's `status.selector` uses too), and `metav1.FormatLabelSelector`.

use serde_json::{Map, Value};

use crate::names::{is_qualified_name, is_valid_label_value};

/// `labels.FormatLabels`: the `k=v` strings sorted (as whole strings, like `labels.Set.String`),
/// or `<none>`.
pub(crate) fn format_labels(map: Option<&Map<String, Value>>) -> String {
    let mut pairs: Vec<String> = map
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        return "<none>".to_string();
    }
    pairs.sort_unstable();
    pairs.join(",")
}

/// `metav1.FormatLabelSelector`: `<error>` for an invalid selector, `<none>` for an empty or
/// missing one.
pub(crate) fn format_label_selector(sel: Option<&Value>) -> String {
    match selector_string(sel) {
        Err(()) => "<error>".to_string(),
        Ok(s) if s.is_empty() => "<none>".to_string(),
        Ok(s) => s,
    }
}

/// `LabelSelectorAsSelector(sel).String()`: `""` for a nil selector (`labels.Nothing()`) and for an
/// empty one (`labels.Everything()`); `Err` where Go returns an error.
pub(crate) fn selector_string(sel: Option<&Value>) -> Result<String, ()> {
    let Some(sel) = sel.and_then(Value::as_object) else {
        return Ok(String::new());
    };
    requirements_string(
        sel.get("matchLabels").and_then(Value::as_object),
        sel.get("matchExpressions")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        Strictness::Go,
    )
}

/// What [`requirements_string`] does with a selector `LabelSelectorAsSelector` rejects (a key or
/// value that is not a valid label key or value, an unknown operator, `In`/`NotIn` without
/// values or `Exists`/`DoesNotExist` with some).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// Fail, as Go does. `In`/`NotIn` values are kept as given (Go copies `expr.Values`), and a
    /// value that is not a string reads as `""`.
    Go,
    /// Never fail; write out what there is (the Scale subresource's `status.selector`): every
    /// key and value as given, `In`/`NotIn` with whatever values it has, `Exists`/`DoesNotExist`
    /// ignoring its values, and a requirement with an unknown operator left out. Values that are
    /// not strings are dropped and the rest de-duplicated (as `sets.NewString(values...).List()`).
    Lenient,
}

/// `labels.Selector.String()` of the requirements `LabelSelectorAsSelector` builds from
/// `matchLabels` and `matchExpressions`: sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`,
/// `!k`, joined by commas; `""` when there are none. `Err` only for [`Strictness::Go`].
pub(crate) fn requirements_string(
    match_labels: Option<&Map<String, Value>>,
    match_expressions: &[Value],
    strictness: Strictness,
) -> Result<String, ()> {
    let strict = strictness == Strictness::Go;
    let mut reqs: Vec<(&str, String)> = Vec::new();
    for (k, v) in match_labels.into_iter().flatten() {
        let v = v.as_str().unwrap_or("");
        if strict && !(valid_key(k) && valid_value(v)) {
            return Err(());
        }
        reqs.push((k.as_str(), format!("{k}={v}")));
    }
    for e in match_expressions {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let values = e
            .get("values")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
            .iter();
        let mut values: Vec<&str> = if strict {
            values.map(|v| v.as_str().unwrap_or("")).collect()
        } else {
            values.filter_map(Value::as_str).collect()
        };
        values.sort_unstable();
        if !strict {
            values.dedup();
        }
        let operator = e.get("operator").and_then(Value::as_str).unwrap_or("");
        if strict {
            let count_ok = match operator {
                "In" | "NotIn" => !values.is_empty(),
                "Exists" | "DoesNotExist" => values.is_empty(),
                _ => false,
            };
            if !count_ok || !valid_key(key) || !values.iter().all(|v| valid_value(v)) {
                return Err(());
            }
        }
        let text = match operator {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            // Only a lenient caller gets here: a strict one has failed above.
            _ => continue,
        };
        reqs.push((key, text));
    }
    // internalSelector.Add sorts requirements by key.
    reqs.sort_by(|a, b| a.0.cmp(b.0));
    Ok(reqs
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(","))
}

/// A label key (`validation.IsQualifiedName`).
fn valid_key(key: &str) -> bool {
    is_qualified_name(key).is_empty()
}

/// A label value (`validation.IsValidLabelValue`); the empty value is valid.
fn valid_value(value: &str) -> bool {
    is_valid_label_value(value).is_empty()
}
