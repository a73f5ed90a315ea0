//! What places a pod: affinity (`validateAffinity`), tolerations (`ValidateTolerations`),
//! topology spread constraints, readiness and scheduling gates, and the DNS config.

use std::collections::HashSet;

use serde_json::Value;

use super::util::{child, index, is_dns1123_subdomain_with_underscore, not_supported};
use crate::error::Cause;
use crate::names;
use crate::validation::common::{
    get, go_string_slice, int_of, invalid_each, list_of, qualified_name, str_of,
    validate_label_selector,
};

/// `validateAffinity`.
pub fn affinity(affinity: Option<&Value>, path: &str) -> Vec<Cause> {
    let Some(affinity) = affinity else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if let Some(na) = get(affinity, "nodeAffinity") {
        let p = child(path, "nodeAffinity");
        if let Some(required) = get(na, "requiredDuringSchedulingIgnoredDuringExecution") {
            errs.extend(node_selector(
                required,
                &child(&p, "requiredDuringSchedulingIgnoredDuringExecution"),
            ));
        }
        let pp = child(&p, "preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in list_of(na, "preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            errs.extend(weight(term, &index(&pp, i)));
            errs.extend(node_selector_term(
                get(term, "preference").unwrap_or(&Value::Null),
                true,
                &child(&index(&pp, i), "preference"),
            ));
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        let Some(pa) = get(affinity, kind) else {
            continue;
        };
        let p = child(path, kind);
        let rp = child(&p, "requiredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in list_of(pa, "requiredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            errs.extend(pod_affinity_term(term, &index(&rp, i)));
        }
        let pp = child(&p, "preferredDuringSchedulingIgnoredDuringExecution");
        for (i, weighted) in list_of(pa, "preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            errs.extend(weight(weighted, &index(&pp, i)));
            errs.extend(pod_affinity_term(
                get(weighted, "podAffinityTerm").unwrap_or(&Value::Null),
                &child(&index(&pp, i), "podAffinityTerm"),
            ));
        }
    }
    errs
}

/// A preference's or weighted term's `weight`: 1 to 100.
fn weight(term: &Value, path: &str) -> Option<Cause> {
    let w = int_of(term, "weight").unwrap_or(0);
    (w <= 0 || w > 100).then(|| {
        Cause::invalid(
            &child(path, "weight"),
            &Value::from(w),
            "must be in the range 1-100",
        )
    })
}

/// `ValidateNodeSelector`.
fn node_selector(selector: &Value, path: &str) -> Vec<Cause> {
    let terms = list_of(selector, "nodeSelectorTerms");
    let tp = child(path, "nodeSelectorTerms");
    if terms.is_empty() {
        return vec![Cause::required(
            &tp,
            "must have at least one node selector term",
        )];
    }
    terms
        .iter()
        .enumerate()
        .flat_map(|(i, term)| node_selector_term(term, false, &index(&tp, i)))
        .collect()
}

/// `ValidateNodeSelectorTerm`.
fn node_selector_term(term: &Value, allow_invalid_value: bool, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for (j, req) in list_of(term, "matchExpressions").iter().enumerate() {
        let p = index(&child(path, "matchExpressions"), j);
        let values = list_of(req, "values");
        let vp = child(&p, "values");
        match str_of(req, "operator") {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(Cause::required(
                        &vp,
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(Cause::forbidden(
                        &vp,
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            "Gt" | "Lt" => {
                if values.len() != 1 {
                    errs.push(Cause::required(
                        &vp,
                        "must be specified single value when `operator` is 'Lt' or 'Gt'",
                    ));
                }
            }
            op => errs.push(Cause::invalid(
                &child(&p, "operator"),
                &Value::from(op),
                "not a valid selector operator",
            )),
        }
        errs.extend(qualified_name(str_of(req, "key"), &child(&p, "key")));
        if !allow_invalid_value {
            for (k, value) in values.iter().enumerate() {
                let value = value.as_str().unwrap_or("");
                errs.extend(invalid_each(
                    &index(&vp, k),
                    value,
                    names::is_valid_label_value(value),
                ));
            }
        }
    }
    for (j, req) in list_of(term, "matchFields").iter().enumerate() {
        let p = index(&child(path, "matchFields"), j);
        let values = list_of(req, "values");
        match str_of(req, "operator") {
            "In" | "NotIn" => {
                if values.len() != 1 {
                    errs.push(Cause::required(
                        &child(&p, "values"),
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    ));
                }
            }
            op => errs.push(Cause::invalid(
                &child(&p, "operator"),
                &Value::from(op),
                "not a valid selector operator",
            )),
        }
        let k = str_of(req, "key");
        if k == "metadata.name" {
            for (i, v) in values.iter().enumerate() {
                let v = v.as_str().unwrap_or("");
                errs.extend(invalid_each(
                    &index(&child(&p, "values"), i),
                    v,
                    names::name_is_dns_subdomain(v, false),
                ));
            }
        } else {
            errs.push(Cause::invalid(
                &child(&p, "key"),
                &Value::from(k),
                "not a valid field selector key",
            ));
        }
    }
    errs
}

/// `validatePodAffinityTerm`.
fn pod_affinity_term(term: &Value, path: &str) -> Vec<Cause> {
    let mut errs =
        validate_label_selector(get(term, "labelSelector"), &child(path, "labelSelector"));
    errs.extend(validate_label_selector(
        get(term, "namespaceSelector"),
        &child(path, "namespaceSelector"),
    ));
    for ns in list_of(term, "namespaces") {
        let ns = ns.as_str().unwrap_or("");
        errs.extend(invalid_each(
            &child(path, "namespace"),
            ns,
            names::name_is_dns_label(ns, false),
        ));
    }
    errs.extend(match_label_keys(term, path));
    let topology_key = str_of(term, "topologyKey");
    if topology_key.is_empty() {
        errs.push(Cause::required(
            &child(path, "topologyKey"),
            "can not be empty",
        ));
    }
    errs.extend(qualified_name(topology_key, &child(path, "topologyKey")));
    errs
}

/// The keys of a label selector's `matchLabels` and `matchExpressions`.
fn selector_keys(selector: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = get(selector, "matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    keys.extend(
        list_of(selector, "matchExpressions")
            .iter()
            .map(|e| str_of(e, "key")),
    );
    keys
}

/// `validateMatchLabelKeysAndMismatchLabelKeys`.
fn match_label_keys(term: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let selector = get(term, "labelSelector");
    let match_keys = list_of(term, "matchLabelKeys");
    for field in ["matchLabelKeys", "mismatchLabelKeys"] {
        let keys = list_of(term, field);
        if keys.is_empty() {
            continue;
        }
        let p = child(path, field);
        if selector.is_none() {
            errs.push(Cause::forbidden(
                &p,
                "must not be specified when labelSelector is not set",
            ));
            continue;
        }
        for (i, k) in keys.iter().enumerate() {
            errs.extend(qualified_name(k.as_str().unwrap_or(""), &index(&p, i)));
        }
    }
    if let Some(selector) = selector {
        let mut seen: HashSet<&str> = get(selector, "matchLabels")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
            .collect();
        for expr in list_of(selector, "matchExpressions") {
            let k = str_of(expr, "key");
            let last = match_keys.iter().rposition(|m| m.as_str() == Some(k));
            if let Some(i) = last
                && seen.contains(k)
            {
                errs.push(Cause::invalid(
                    &index(path, i),
                    &Value::from(k),
                    "exists in both matchLabelKeys and labelSelector",
                ));
            }
            seen.insert(k);
        }
    }
    let mismatch: HashSet<&str> = list_of(term, "mismatchLabelKeys")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (i, k) in match_keys.iter().enumerate() {
        let k = k.as_str().unwrap_or("");
        if mismatch.contains(k) {
            errs.push(Cause::invalid(
                &index(&child(path, "matchLabelKeys"), i),
                &Value::from(k),
                "exists in both matchLabelKeys and mismatchLabelKeys",
            ));
        }
    }
    errs
}

/// `ValidateTolerations`.
pub fn tolerations(tolerations: &[Value], path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for (i, t) in tolerations.iter().enumerate() {
        let p = index(path, i);
        let k = str_of(t, "key");
        let op = str_of(t, "operator");
        let effect = str_of(t, "effect");
        let value = str_of(t, "value");
        let op_path = child(&p, "operator");
        if !k.is_empty() {
            errs.extend(qualified_name(k, &child(&p, "key")));
        }
        if k.is_empty() && op != "Exists" {
            errs.push(Cause::invalid(
                &op_path,
                &Value::from(op),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if get(t, "tolerationSeconds").is_some() && effect != "NoExecute" {
            errs.push(Cause::invalid(
                &child(&p, "effect"),
                &Value::from(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match op {
            "Equal" | "" => {
                let msgs = names::is_valid_label_value(value);
                if !msgs.is_empty() {
                    errs.push(Cause::invalid(
                        &op_path,
                        &Value::from(value),
                        &msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(Cause::invalid(
                        &op_path,
                        &Value::from(value),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(not_supported(&op_path, other, &["Equal", "Exists"])),
        }
        if !effect.is_empty() && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect)
        {
            errs.push(not_supported(
                &child(&p, "effect"),
                effect,
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

/// `validateTopologySpreadConstraints`.
pub fn topology_spread_constraints(constraints: &[Value], path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for (i, c) in constraints.iter().enumerate() {
        let p = index(path, i);
        let max_skew = int_of(c, "maxSkew").unwrap_or(0);
        if max_skew <= 0 {
            errs.push(Cause::invalid(
                &child(&p, "maxSkew"),
                &Value::from(max_skew),
                "must be greater than zero",
            ));
        }
        let topology_key = str_of(c, "topologyKey");
        if topology_key.is_empty() {
            errs.push(Cause::required(
                &child(&p, "topologyKey"),
                "can not be empty",
            ));
        }
        let action = str_of(c, "whenUnsatisfiable");
        if action != "DoNotSchedule" && action != "ScheduleAnyway" {
            errs.push(not_supported(
                &child(&p, "whenUnsatisfiable"),
                action,
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        let repeated = constraints[i + 1..].iter().any(|other| {
            str_of(other, "topologyKey") == topology_key
                && str_of(other, "whenUnsatisfiable") == action
        });
        if repeated {
            errs.push(Cause::duplicate(
                &child(&p, "{topologyKey, whenUnsatisfiable}"),
                &Value::from(format!("{{{topology_key}, {action}}}")),
            ));
        }
        if let Some(min_domains) = int_of(c, "minDomains") {
            let mp = child(&p, "minDomains");
            if min_domains <= 0 {
                errs.push(Cause::invalid(
                    &mp,
                    &Value::from(min_domains),
                    "must be greater than zero",
                ));
            }
            if action != "DoNotSchedule" {
                errs.push(Cause::invalid(
                    &mp,
                    &Value::from(min_domains),
                    &format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"
                    ),
                ));
            }
        }
        for field in ["nodeAffinityPolicy", "nodeTaintsPolicy"] {
            if let Some(policy) = get(c, field).and_then(Value::as_str)
                && policy != "Honor"
                && policy != "Ignore"
            {
                errs.push(not_supported(
                    &child(&p, field),
                    policy,
                    &["Honor", "Ignore"],
                ));
            }
        }
        let selector = get(c, "labelSelector");
        let keys = list_of(c, "matchLabelKeys");
        if !keys.is_empty() {
            let kp = child(&p, "matchLabelKeys");
            let selector_keys = selector.map(selector_keys).unwrap_or_default();
            if selector.is_none() {
                errs.push(Cause::forbidden(
                    &kp,
                    "must not be specified when labelSelector is not set",
                ));
            }
            for (j, k) in keys.iter().enumerate() {
                let k = k.as_str().unwrap_or("");
                errs.extend(qualified_name(k, &index(&kp, j)));
                if selector_keys.contains(&k) {
                    errs.push(Cause::invalid(
                        &index(&kp, j),
                        &Value::from(k),
                        "exists in both matchLabelKeys and labelSelector",
                    ));
                }
            }
        }
        errs.extend(validate_label_selector(
            selector,
            &child(&p, "labelSelector"),
        ));
    }
    errs
}

/// `validateReadinessGates`.
pub fn readiness_gates(gates: &[Value], path: &str) -> Vec<Cause> {
    gates
        .iter()
        .enumerate()
        .flat_map(|(i, g)| {
            qualified_name(
                str_of(g, "conditionType"),
                &child(&index(path, i), "conditionType"),
            )
        })
        .collect()
}

/// `validateSchedulingGates`.
pub fn scheduling_gates(gates: &[Value], path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut seen = HashSet::new();
    for (i, g) in gates.iter().enumerate() {
        let name = str_of(g, "name");
        errs.extend(qualified_name(name, &index(path, i)));
        if !seen.insert(name) {
            errs.push(Cause::duplicate(&index(path, i), &Value::from(name)));
        }
    }
    errs
}

/// `validatePodDNSConfig` (relaxed search validation: the `RelaxedDNSSearchValidation` gate is
/// on in v1.36).
pub fn dns_config(spec: &Value, path: &str) -> Vec<Cause> {
    let config = get(spec, "dnsConfig");
    let mut errs = Vec::new();
    if str_of(spec, "dnsPolicy") == "None" {
        let Some(config) = config else {
            return vec![Cause::required(
                path,
                "must provide `dnsConfig` when `dnsPolicy` is None",
            )];
        };
        if list_of(config, "nameservers").is_empty() {
            return vec![Cause::required(
                &child(path, "nameservers"),
                "must provide at least one DNS nameserver when `dnsPolicy` is None",
            )];
        }
    }
    let Some(config) = config else {
        return errs;
    };
    let nameservers = list_of(config, "nameservers");
    if nameservers.len() > 3 {
        errs.push(Cause::invalid_shown(
            &child(path, "nameservers"),
            &go_string_slice(get(config, "nameservers")),
            "must not have more than 3 nameservers",
        ));
    }
    let searches = list_of(config, "searches");
    let sp = child(path, "searches");
    if searches.len() > 32 {
        errs.push(Cause::invalid_shown(
            &sp,
            &go_string_slice(get(config, "searches")),
            "must not have more than 32 search paths",
        ));
    }
    let joined: usize = searches
        .iter()
        .map(|s| s.as_str().unwrap_or("").len())
        .sum::<usize>()
        + searches.len().saturating_sub(1);
    if joined > 2048 {
        errs.push(Cause::invalid_shown(
            &sp,
            &go_string_slice(get(config, "searches")),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, search) in searches.iter().enumerate() {
        let search = search.as_str().unwrap_or("");
        if search != "." {
            let trimmed = search.strip_suffix('.').unwrap_or(search);
            errs.extend(invalid_each(
                &index(&sp, i),
                trimmed,
                is_dns1123_subdomain_with_underscore(trimmed),
            ));
        }
    }
    for (i, option) in list_of(config, "options").iter().enumerate() {
        if str_of(option, "name").is_empty() {
            errs.push(Cause::required(
                &index(&child(path, "options"), i),
                "must not be empty",
            ));
        }
    }
    errs
}
