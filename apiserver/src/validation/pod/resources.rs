//! Compute resources: `ValidateContainerResourceRequirements` with the resource name and
//! quantity rules of `pkg/apis/core/helper`, and the container's resource claims.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::util::{child, index, key, quantity_string};
use crate::error::Cause;
use crate::names;
use crate::quantity::Quantity;
use crate::validation::common::{NEGATIVE, invalid_each, list_of, obj_of, str_of};

/// `helper.IsNativeResource`.
fn is_native_resource(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `helper.IsHugePageResourceName`.
fn is_huge_page(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `helper.IsExtendedResourceName`.
fn is_extended_resource(name: &str) -> bool {
    if is_native_resource(name) || name.starts_with("requests.") {
        return false;
    }
    names::is_qualified_name(&format!("requests.{name}")).is_empty()
}

/// `helper.IsStandardResourceName`.
fn is_standard_resource(name: &str) -> bool {
    const STANDARD: [&str; 20] = [
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "persistentvolumeclaims",
        "configmaps",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    ];
    STANDARD.contains(&name) || is_huge_page(name) || name.starts_with("requests.hugepages-")
}

/// `helper.IsIntegerResourceName`.
fn is_integer_resource(name: &str) -> bool {
    const INTEGER: [&str; 9] = [
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    ];
    INTEGER.contains(&name) || is_extended_resource(name)
}

/// `validateContainerResourceName`: resource names print unquoted (`ResourceName` has a
/// `String()` method).
fn container_resource_name(name: &str, path: &str) -> Vec<Cause> {
    let mut errs: Vec<Cause> = names::is_qualified_name(name)
        .iter()
        .map(|m| Cause::invalid_shown(path, name, m))
        .collect();
    let plain = !name.contains('/');
    if errs.is_empty() && plain && !is_standard_resource(name) {
        errs.push(Cause::invalid_shown(
            path,
            name,
            "must be a standard resource type or fully qualified",
        ));
    }
    if plain {
        if !["cpu", "memory", "ephemeral-storage"].contains(&name) && !is_huge_page(name) {
            errs.push(Cause::invalid_shown(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native_resource(name) && !is_extended_resource(name) {
        errs.push(Cause::invalid_shown(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// `ValidateResourceQuantityValue`.
fn resource_quantity_value(name: &str, q: &Quantity, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    if q.sign() < 0 {
        errs.push(Cause::invalid(
            path,
            &Value::from(quantity_string(q)),
            NEGATIVE,
        ));
    }
    if is_integer_resource(name) && q.is_integer() == Some(false) {
        errs.push(Cause::invalid_shown(
            path,
            &quantity_string(q),
            "must be an integer",
        ));
    }
    errs
}

/// `validateResourceQuantityHugePageValue`.
fn huge_page_value(name: &str, q: &Quantity, path: &str) -> Option<Cause> {
    let divisible = name
        .strip_prefix("hugepages-")
        .and_then(Quantity::parse)
        .filter(|page| page.sign() > 0 && page.is_integer() == Some(true))
        .and_then(|page| Some(q.value()? % page.value()? == 0))
        .unwrap_or(false);
    (!divisible).then(|| {
        let shown = quantity_string(q);
        Cause::invalid(
            path,
            &Value::from(shown.as_str()),
            &format!("{shown} is not positive integer multiple of {name}"),
        )
    })
}

/// `ValidateContainerResourceRequirements` (also the pod overhead's, with no claims).
pub fn resource_requirements(
    requirements: &Value,
    claim_names: Option<&BTreeSet<String>>,
    path: &str,
) -> Vec<Cause> {
    let mut errs = Vec::new();
    let lim_path = child(path, "limits");
    let req_path = child(path, "requests");
    let mut limits = BTreeMap::new();
    let mut cpu_or_memory = false;
    let mut huge_pages = false;
    for (name, value) in obj_of(requirements, "limits").into_iter().flatten() {
        let p = key(&lim_path, name);
        errs.extend(container_resource_name(name, &p));
        let Some(q) = Quantity::from_json(value) else {
            continue;
        };
        errs.extend(resource_quantity_value(name, &q, &p));
        if is_huge_page(name) {
            huge_pages = true;
            errs.extend(huge_page_value(name, &q, &p));
        }
        cpu_or_memory |= name == "cpu" || name == "memory";
        limits.insert(name.as_str(), q);
    }
    for (name, value) in obj_of(requirements, "requests").into_iter().flatten() {
        let p = key(&req_path, name);
        errs.extend(container_resource_name(name, &p));
        let Some(q) = Quantity::from_json(value) else {
            continue;
        };
        errs.extend(resource_quantity_value(name, &q, &p));
        let overcommit = is_native_resource(name) && !is_huge_page(name);
        match limits.get(name.as_str()) {
            Some(limit) => {
                let ord = q.cmp(limit);
                let shown = Value::from(quantity_string(&q));
                let limit_shown = quantity_string(limit);
                if ord.is_some_and(|o| o.is_ne()) && !overcommit {
                    errs.push(Cause::invalid(
                        &req_path,
                        &shown,
                        &format!("must be equal to {name} limit of {limit_shown}"),
                    ));
                } else if ord.is_some_and(|o| o.is_gt()) {
                    errs.push(Cause::invalid(
                        &req_path,
                        &shown,
                        &format!("must be less than or equal to {name} limit of {limit_shown}"),
                    ));
                }
            }
            None if !overcommit => errs.push(Cause::required(
                &lim_path,
                "Limit must be set for non overcommitable resources",
            )),
            None => {}
        }
        if is_huge_page(name) {
            huge_pages = true;
            errs.extend(huge_page_value(name, &q, &p));
        }
        cpu_or_memory |= name == "cpu" || name == "memory";
    }
    if !cpu_or_memory && huge_pages {
        errs.push(Cause::forbidden(path, "HugePages require cpu or memory"));
    }
    if let Some(claim_names) = claim_names {
        errs.extend(resource_claim_names(
            list_of(requirements, "claims"),
            claim_names,
            &child(path, "claims"),
        ));
    }
    errs
}

/// `validateResourceClaimNames`.
fn resource_claim_names(claims: &[Value], pod_claims: &BTreeSet<String>, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, claim) in claims.iter().enumerate() {
        let p = index(path, i);
        let name = str_of(claim, "name");
        if name.is_empty() {
            errs.push(Cause::required(&p, ""));
            continue;
        }
        if seen.iter().any(|k| k == name) {
            errs.push(Cause::duplicate(&p, &Value::from(name)));
        } else {
            let request = str_of(claim, "request");
            let mut k = name.to_owned();
            if !request.is_empty() {
                errs.extend(invalid_each(
                    &child(&p, "request"),
                    request,
                    names::is_dns1123_label(request),
                ));
                k = format!("{name}/{request}");
            }
            if seen.contains(&k) {
                errs.push(Cause::duplicate(&p, &Value::from(k.as_str())));
            } else if request.is_empty() {
                for other in &seen {
                    if other
                        .split_once('/')
                        .is_some_and(|(claim, _)| claim == name)
                    {
                        errs.push(Cause::duplicate(&p, &Value::from(name)));
                    }
                }
            }
            seen.push(k);
        }
        if !pod_claims.contains(name) {
            let mut cause = Cause::not_found(&p, &Value::from(name));
            let list = if pod_claims.is_empty() {
                " which is empty".to_owned()
            } else {
                let names: Vec<&str> = pod_claims.iter().map(String::as_str).collect();
                format!(": {}", names.join(", "))
            };
            cause.message = format!(
                "{}: must be one of the names in pod.spec.resourceClaims{list}",
                cause.message
            );
            errs.push(cause);
        }
    }
    errs
}
