//! What the per-kind validators share: reading the stored JSON as Go reads the internal types
//! (an absent field is the zero value), the helpers of `pkg/apis/core/validation` and
//! `k8s.io/apimachinery/pkg/api/validation`, label selectors as `metav1.LabelSelectorAsSelector`
//! builds them, and Go's `%#v` of the typed values kube puts in messages.

use serde_json::{Map, Value};

use crate::error::{Cause, go_quote};
use crate::names;

/// `IsNegativeErrorMsg`.
pub const NEGATIVE: &str = "must be greater than or equal to 0";
/// `FieldImmutableErrorMsg`.
pub const IMMUTABLE: &str = "field is immutable";
/// `core.MaxSecretSize` (also the ConfigMap limit).
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// The member `key` of `v` when `v` is an object; JSON `null` counts as absent (a nil pointer).
/// Every reader takes a `&Value` or an `Option<&Value>` (a parent that may be absent).
pub fn get<'a>(v: impl Into<Option<&'a Value>>, key: &str) -> Option<&'a Value> {
    v.into().and_then(|v| v.get(key)).filter(|v| !v.is_null())
}

/// `get` along a path of members.
pub fn at<'a>(v: impl Into<Option<&'a Value>>, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v.into()?, |v, key| get(v, key))
}

/// A string field; `""` when absent (Go's zero value).
pub fn str_of<'a>(v: impl Into<Option<&'a Value>>, key: &str) -> &'a str {
    get(v, key).and_then(Value::as_str).unwrap_or("")
}

/// An integer field; `None` when absent (a nil pointer, or Go's zero for a plain field).
pub fn int_of<'a>(v: impl Into<Option<&'a Value>>, key: &str) -> Option<i64> {
    get(v, key).and_then(Value::as_i64)
}

/// An object field.
pub fn obj_of<'a>(v: impl Into<Option<&'a Value>>, key: &str) -> Option<&'a Map<String, Value>> {
    get(v, key).and_then(Value::as_object)
}

/// An array field; empty when absent.
pub fn list_of<'a>(v: impl Into<Option<&'a Value>>, key: &str) -> &'a [Value] {
    get(v, key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Sets `key` of `map` to a copy of `value`, or removes it when `value` is `None` (how the update
/// validators carry the fields a write may change from one version into the other).
pub fn set_or_remove(map: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    match value {
        Some(v) => map.insert(key.to_owned(), v.clone()),
        None => map.remove(key),
    };
}

/// A `map[string]string` field as sorted pairs (Go iterates maps randomly; sorted gives kube's
/// messages in one of its orders).
pub fn string_pairs(v: Option<&Value>) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = v
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// `ValidateNonnegativeField`.
pub fn nonnegative(value: i64, field: &str) -> Option<Cause> {
    (value < 0).then(|| Cause::invalid(field, &Value::from(value), NEGATIVE))
}

/// `ValidateNonnegativeField` of an optional integer field (checked only when set).
pub fn nonnegative_at<'a>(
    v: impl Into<Option<&'a Value>>,
    key: &str,
    field: &str,
) -> Option<Cause> {
    int_of(v, key).and_then(|n| nonnegative(n, field))
}

/// How `field.Error` prints a scalar, a nil pointer (`null`), or (for the structs kube prints
/// with `%#v`, whose pointers print as addresses no one can reproduce) the JSON of the value.
pub fn plain(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "null".to_owned(),
        Some(Value::String(s)) => go_quote(s),
        Some(other) => other.to_string(),
    }
}

/// One `field.Invalid` of a string value per message.
pub fn invalid_each(field: &str, value: &str, msgs: Vec<String>) -> Vec<Cause> {
    msgs.iter()
        .map(|m| Cause::invalid(field, &Value::from(value), m))
        .collect()
}

/// `ValidateDNS1123Label`.
pub fn dns1123_label(value: &str, field: &str) -> Vec<Cause> {
    invalid_each(field, value, names::is_dns1123_label(value))
}

/// `ValidateDNS1123Subdomain`.
pub fn dns1123_subdomain(value: &str, field: &str) -> Vec<Cause> {
    invalid_each(field, value, names::is_dns1123_subdomain(value))
}

/// `ValidateQualifiedName` (also `ValidateLabelName`).
pub fn qualified_name(value: &str, field: &str) -> Vec<Cause> {
    invalid_each(field, value, names::is_qualified_name(value))
}

/// `validation.InclusiveRangeError(lo, hi)`.
pub fn inclusive_range_error(lo: i64, hi: i64) -> String {
    format!("must be between {lo} and {hi}, inclusive")
}

/// `validation.IsValidPortNum` (field form).
pub fn valid_port_num(port: i64, field: &str) -> Vec<Cause> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec![Cause::invalid(
            field,
            &Value::from(port),
            &inclusive_range_error(1, 65535),
        )]
    }
}

/// `validation.IsValidPortName`.
pub fn port_name_errors(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if port.len() > 15 {
        errs.push(names::max_len_error(15, "characters"));
    }
    if port.is_empty()
        || !port
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_owned(),
        );
    }
    if !port.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_owned());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".to_owned());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_owned());
    }
    errs
}

/// `ValidatePortNumOrName` of an `IntOrString`.
pub fn port_num_or_name(port: Option<&Value>, field: &str) -> Vec<Cause> {
    match port {
        Some(Value::String(name)) => invalid_each(field, name, port_name_errors(name)),
        other => valid_port_num(other.and_then(Value::as_i64).unwrap_or(0), field),
    }
}

/// A port's protocol: required, and one of `supportedPortProtocols`.
pub fn protocol(value: &str, field: &str) -> Option<Cause> {
    const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
    if value.is_empty() {
        Some(Cause::required(field, ""))
    } else {
        (!PROTOCOLS.contains(&value))
            .then(|| Cause::not_supported(field, &Value::from(value), &PROTOCOLS))
    }
}

/// `validateHostPathType`: a set type is one of `supportedHostPathTypes`.
pub fn host_path_type(value: Option<&Value>, field: &str) -> Option<Cause> {
    const TYPES: [&str; 8] = [
        "",
        "BlockDevice",
        "CharDevice",
        "Directory",
        "DirectoryOrCreate",
        "File",
        "FileOrCreate",
        "Socket",
    ];
    value
        .and_then(Value::as_str)
        .filter(|t| !TYPES.contains(t))
        .map(|t| Cause::not_supported(field, &Value::from(t), &TYPES))
}

/// `validation.IsValidIP` (field form).
pub fn valid_ip(value: &str, field: &str) -> Option<Cause> {
    value.parse::<std::net::IpAddr>().is_err().then(|| {
        Cause::invalid(
            field,
            &Value::from(value),
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        )
    })
}

/// `validation.IsValidCIDR` (field form).
pub fn valid_cidr(value: &str, field: &str) -> Option<Cause> {
    let parses = value.split_once('/').is_some_and(|(ip, bits)| {
        let max = match ip.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => 32,
            Ok(std::net::IpAddr::V6(_)) => 128,
            Err(_) => return false,
        };
        !bits.is_empty()
            && bits.bytes().all(|b| b.is_ascii_digit())
            && bits.parse::<u32>().is_ok_and(|b| b <= max)
    });
    (!parses).then(|| {
        Cause::invalid(
            field,
            &Value::from(value),
            "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
        )
    })
}

/// `IsConfigMapKey` (Secret and ConfigMap data keys).
pub fn config_map_key_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if key.len() > names::DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(names::max_len_error(
            names::DNS1123_SUBDOMAIN_MAX_LENGTH,
            "characters",
        ));
    }
    let charset = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_');
    if key.is_empty() || !key.bytes().all(charset) {
        errs.push(names::regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    if key == "." {
        errs.push("must not be '.'".to_owned());
    } else if key == ".." {
        errs.push("must not be '..'".to_owned());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".to_owned());
    }
    errs
}

/// Go's `%#v` of a `map[string]string`.
pub fn go_string_map(v: Option<&Value>) -> String {
    match v.and_then(Value::as_object) {
        None => "map[string]string(nil)".to_owned(),
        Some(_) => {
            let parts: Vec<String> = string_pairs(v)
                .into_iter()
                .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
                .collect();
            format!("map[string]string{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%#v` of a slice of the string type `elem` (`string`, `core.IPFamily`).
pub fn go_strings(elem: &str, v: Option<&Value>) -> String {
    match v.and_then(Value::as_array) {
        None => format!("[]{elem}(nil)"),
        Some(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|s| go_quote(s.as_str().unwrap_or("")))
                .collect();
            format!("[]{elem}{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%#v` of a `[]string`.
pub fn go_string_slice(v: Option<&Value>) -> String {
    go_strings("string", v)
}

/// Go's `%#v` of a `metav1.LabelSelector` (the value behind the `*metav1.LabelSelector` kube
/// passes).
pub fn go_label_selector(v: Option<&Value>) -> String {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return "null".to_owned();
    };
    let expressions = match get(v, "matchExpressions").and_then(Value::as_array) {
        None => "[]v1.LabelSelectorRequirement(nil)".to_owned(),
        Some(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|e| {
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                        go_quote(str_of(e, "key")),
                        go_quote(str_of(e, "operator")),
                        go_string_slice(get(e, "values"))
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", parts.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{expressions}}}",
        go_string_map(get(v, "matchLabels"))
    )
}

/// Go's `%#v` of an `intstr.IntOrString` (absent is the zero value, an int 0).
pub fn go_int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(s)
            )
        }
        other => format!(
            "intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}",
            other.and_then(Value::as_i64).unwrap_or(0)
        ),
    }
}

/// One requirement of a label selector, ready to match.
#[derive(Debug)]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A selector as `labels.Selector`: `Nothing` (a nil `*LabelSelector`), or requirements (none
/// for an empty selector, which is `Everything`).
#[derive(Debug)]
pub enum Selector {
    Nothing,
    Requirements(Vec<Requirement>),
}

impl Selector {
    /// `Selector.Empty()`: true for `Everything` only.
    pub fn is_empty(&self) -> bool {
        matches!(self, Selector::Requirements(r) if r.is_empty())
    }

    /// `Selector.Matches(labels.Set(labels))`.
    pub fn matches(&self, labels: Option<&Value>) -> bool {
        let get = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
        match self {
            Selector::Nothing => false,
            Selector::Requirements(reqs) => reqs.iter().all(|r| match r {
                Requirement::In(k, vals) => get(k).is_some_and(|v| vals.iter().any(|x| x == v)),
                Requirement::NotIn(k, vals) => get(k).is_none_or(|v| !vals.iter().any(|x| x == v)),
                Requirement::Exists(k) => get(k).is_some(),
                Requirement::DoesNotExist(k) => get(k).is_none(),
            }),
        }
    }
}

/// `labels.Set(m).AsSelector()` of a plain map selector (ReplicationController, Service).
pub fn map_selector(map: Option<&Value>) -> Selector {
    Selector::Requirements(
        string_pairs(map)
            .into_iter()
            .map(|(k, v)| Requirement::In(k.to_owned(), vec![v.to_owned()]))
            .collect(),
    )
}

/// `metav1.LabelSelectorAsSelector`: `Err` when a requirement does not build (bad key, value,
/// operator or value count).
pub fn label_selector_as_selector(selector: Option<&Value>) -> Result<Selector, ()> {
    let Some(selector) = selector.filter(|v| !v.is_null()) else {
        return Ok(Selector::Nothing);
    };
    let mut reqs = Vec::new();
    let key_ok = |k: &str| names::is_qualified_name(k).is_empty();
    let value_ok = |v: &str| names::is_valid_label_value(v).is_empty();
    for (k, v) in string_pairs(get(selector, "matchLabels")) {
        if !key_ok(k) || !value_ok(v) {
            return Err(());
        }
        reqs.push(Requirement::In(k.to_owned(), vec![v.to_owned()]));
    }
    for e in list_of(selector, "matchExpressions") {
        let key = str_of(e, "key").to_owned();
        let values: Vec<String> = list_of(e, "values")
            .iter()
            .map(|v| v.as_str().unwrap_or("").to_owned())
            .collect();
        if !key_ok(&key) || !values.iter().all(|v| value_ok(v)) {
            return Err(());
        }
        let req = match (str_of(e, "operator"), values.is_empty()) {
            ("In", false) => Requirement::In(key, values),
            ("NotIn", false) => Requirement::NotIn(key, values),
            ("Exists", true) => Requirement::Exists(key),
            ("DoesNotExist", true) => Requirement::DoesNotExist(key),
            _ => return Err(()),
        };
        reqs.push(req);
    }
    Ok(Selector::Requirements(reqs))
}

/// `metav1validation.ValidateLabelSelector` (label values checked strictly).
pub fn validate_label_selector(selector: Option<&Value>, path: &str) -> Vec<Cause> {
    let Some(selector) = selector.filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    let mut causes = names::validate_labels(
        string_pairs(get(selector, "matchLabels")),
        &format!("{path}.matchLabels"),
    );
    for (i, e) in list_of(selector, "matchExpressions").iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        let values = list_of(e, "values");
        match str_of(e, "operator") {
            "In" | "NotIn" if values.is_empty() => causes.push(Cause::required(
                &format!("{p}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => causes.push(Cause::forbidden(
                &format!("{p}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => causes.push(Cause::invalid(
                &format!("{p}.operator"),
                &Value::from(other),
                "not a valid selector operator",
            )),
        }
        causes.extend(qualified_name(str_of(e, "key"), &format!("{p}.key")));
        for (j, v) in values.iter().enumerate() {
            let v = v.as_str().unwrap_or("");
            causes.extend(invalid_each(
                &format!("{p}.values[{j}]"),
                v,
                names::is_valid_label_value(v),
            ));
        }
    }
    causes
}

/// The number of `matchLabels` plus `matchExpressions` of a selector.
pub fn selector_size(selector: &Value) -> usize {
    obj_of(selector, "matchLabels").map_or(0, Map::len)
        + list_of(selector, "matchExpressions").len()
}

/// `ValidateHasLabel`.
pub fn has_label(meta: Option<&Value>, path: &str, key: &str, expected: &str) -> Option<Cause> {
    let labels = get(meta, "labels");
    let field = format!("{path}.labels[{key}]");
    match get(labels, key).and_then(Value::as_str) {
        None => Some(Cause::required(&field, expected)),
        Some(actual) if actual != expected => Some(Cause::invalid_shown(
            &field,
            &go_string_map(labels),
            &format!("must be '{expected}'"),
        )),
        Some(_) => None,
    }
}
