//! Label and label-selector formatting: `labels.FormatLabels`, `metav1.LabelSelectorAsSelector`
//! followed by `Selector.String()`, and `metav1.FormatLabelSelector`.

use serde_json::{Map, Value};

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
    let empty = Vec::new();
    let match_labels = sel.get("matchLabels").and_then(Value::as_object);
    let exprs = sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    if match_labels.is_none_or(Map::is_empty) && exprs.is_empty() {
        return Ok(String::new());
    }
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in match_labels.into_iter().flatten() {
        let v = v.as_str().unwrap_or("");
        if !valid_key(k) || !valid_value(v) {
            return Err(());
        }
        reqs.push((k.clone(), format!("{k}={v}")));
    }
    for e in exprs {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| v.as_str().unwrap_or("")).collect())
            .unwrap_or_default();
        if !valid_key(key) || !values.iter().all(|v| valid_value(v)) {
            return Err(());
        }
        let text = match e.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" | "NotIn" if values.is_empty() => return Err(()),
            op @ ("In" | "NotIn") => {
                let mut sorted = values.clone();
                sorted.sort_unstable();
                format!(
                    "{key} {} ({})",
                    if op == "In" { "in" } else { "notin" },
                    sorted.join(",")
                )
            }
            "Exists" | "DoesNotExist" if !values.is_empty() => return Err(()),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return Err(()),
        };
        reqs.push((key.to_string(), text));
    }
    // internalSelector.Add sorts requirements by key.
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(reqs
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(","))
}

/// A label key: an optional DNS-subdomain prefix and `/`, then a qualified name.
fn valid_key(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if p.is_empty() || p.len() > 253 || !p.split('.').all(label_ok) {
            return false;
        }
    }
    !name.is_empty() && valid_value(name)
}

/// A label value: empty, or up to 63 alphanumerics, `-`, `_`, `.` starting and ending with an
/// alphanumeric.
fn valid_value(v: &str) -> bool {
    if v.is_empty() {
        return true;
    }
    let b = v.as_bytes();
    v.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}
