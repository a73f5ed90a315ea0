//! The controllers of `pkg/apis/apps/validation` (Deployment, ReplicaSet, DaemonSet,
//! StatefulSet) and the ReplicationController of `pkg/apis/core/validation`, with the selector
//! immutability their apps/v1 strategies add on update.

use serde_json::{Map, Value};

use super::Write;
use super::common::{
    IMMUTABLE, Selector, at, dns1123_label, get, go_int_or_string, go_label_selector,
    go_string_map, int_of, label_selector_as_selector, map_selector, nonnegative, nonnegative_at,
    selector_size, str_of, validate_label_selector,
};
use super::pod::validate_pod_template_spec;
use crate::error::Cause;

static NULL: Value = Value::Null;

/// `ValidateDeployment` / `ValidateDeploymentUpdate` plus the strategy's selector check.
pub fn deployment(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    spec_with_immutable_selector(obj, write, deployment_spec)
}

/// `ValidateReplicaSet` / `ValidateReplicaSetUpdate` plus the strategy's selector check.
pub fn replica_set(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    spec_with_immutable_selector(obj, write, replica_set_spec)
}

/// `ValidateDaemonSet` / `ValidateDaemonSetUpdate` plus the strategy's selector check. apps/v1
/// has no `templateGeneration` (the strategy keeps the internal one in step with the template),
/// so its checks never fire and are left out.
pub fn daemon_set(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    spec_with_immutable_selector(obj, write, daemon_set_spec)
}

/// `ValidateStatefulSet` / `ValidateStatefulSetUpdate`.
pub fn stateful_set(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    match write {
        Write::Create => stateful_set_spec(obj.get("spec"), true),
        Write::Update { old } => {
            let mut causes = stateful_set_spec(obj.get("spec"), false);
            const UPDATABLE: [&str; 7] = [
                "replicas",
                "template",
                "updateStrategy",
                "minReadySeconds",
                "ordinals",
                "revisionHistoryLimit",
                "persistentVolumeClaimRetentionPolicy",
            ];
            let changed = match (obj.get("spec"), old.get("spec")) {
                (Some(Value::Object(new)), Some(Value::Object(old))) => new
                    .keys()
                    .chain(old.keys())
                    .filter(|k| !UPDATABLE.contains(&k.as_str()))
                    .any(|k| new.get(k) != old.get(k)),
                (new, old) => new.unwrap_or(&Value::Null) != old.unwrap_or(&Value::Null),
            };
            if changed {
                causes.push(Cause::forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
            causes
        }
        Write::Status { .. } => Vec::new(),
    }
}

/// `ValidateReplicationController` / `ValidateReplicationControllerUpdate`.
pub fn replication_controller(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    if matches!(write, Write::Status { .. }) {
        return Vec::new();
    }
    let spec = obj.get("spec");
    let mut causes: Vec<Cause> = nonnegative_at(spec, "minReadySeconds", "spec.minReadySeconds")
        .into_iter()
        .collect();
    let selector = get(spec, "selector");
    let selector_matcher = map_selector(selector);
    if selector_matcher.is_empty() {
        causes.push(Cause::required("spec.selector", ""));
    }
    causes.extend(nonnegative_at(spec, "replicas", "spec.replicas"));
    match get(spec, "template") {
        None => causes.push(Cause::required("spec.template", "")),
        Some(template) => causes.extend(template_for_replicas(
            template,
            &selector_matcher,
            "spec.template",
            "ReplicationController",
        )),
    }
    causes
}

/// The `spec` checks of a Deployment, ReplicaSet or DaemonSet on create and update, and on
/// update its immutable selector; nothing on `/status`.
fn spec_with_immutable_selector(
    obj: &Map<String, Value>,
    write: Write<'_>,
    spec: fn(Option<&Value>) -> Vec<Cause>,
) -> Vec<Cause> {
    match write {
        Write::Create => spec(obj.get("spec")),
        Write::Update { old } => {
            let mut causes = spec(obj.get("spec"));
            causes.extend(selector_immutable(obj, old));
            causes
        }
        Write::Status { .. } => Vec::new(),
    }
}

/// The apps/v1 strategies' `ValidateImmutableField(new.Spec.Selector, old.Spec.Selector)`.
fn selector_immutable(obj: &Map<String, Value>, old: &Map<String, Value>) -> Option<Cause> {
    let new = at(obj.get("spec"), &["selector"]);
    let old = at(old.get("spec"), &["selector"]);
    (new != old).then(|| Cause::invalid_shown("spec.selector", &go_label_selector(new), IMMUTABLE))
}

/// The selector checks of the Deployment and ReplicaSet specs (and StatefulSet's, with its
/// word): required, valid, not empty; then the selector it builds, or the cause saying it does
/// not build (`None`).
fn required_selector(
    spec: Option<&Value>,
    what: &str,
    invalid_detail: &str,
) -> (Vec<Cause>, Option<Selector>) {
    let mut causes = Vec::new();
    let selector = get(spec, "selector");
    match selector {
        None => causes.push(Cause::required("spec.selector", "")),
        Some(s) => {
            causes.extend(validate_label_selector(Some(s), "spec.selector"));
            if selector_size(s) == 0 {
                causes.push(Cause::invalid_shown(
                    "spec.selector",
                    &go_label_selector(Some(s)),
                    &format!("empty selector is invalid for {what}"),
                ));
            }
        }
    }
    match label_selector_as_selector(selector) {
        Ok(matcher) => (causes, Some(matcher)),
        Err(()) => {
            causes.push(Cause::invalid_shown(
                "spec.selector",
                &go_label_selector(selector),
                invalid_detail,
            ));
            (causes, None)
        }
    }
}

/// `ValidatePodTemplateSpecForReplicaSet` (and `ValidatePodTemplateSpecForRC`, whose only
/// difference is the controller named in the `activeDeadlineSeconds` message).
fn template_for_replicas(
    template: &Value,
    selector: &Selector,
    path: &str,
    controller: &str,
) -> Vec<Cause> {
    let mut causes = Vec::new();
    let labels = at(template, &["metadata", "labels"]);
    if !selector.is_empty() && !selector.matches(labels) {
        causes.push(does_not_match(path, labels));
    }
    causes.extend(validate_pod_template_spec(template, path));
    causes.extend(restart_policy_always(template, &format!("{path}.spec")));
    if get(get(template, "spec"), "activeDeadlineSeconds").is_some() {
        causes.push(Cause::forbidden(
            &format!("{path}.spec.activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {controller} is not Supported"),
        ));
    }
    causes
}

/// ``Invalid(<path>.metadata.labels, labels, "`selector` does not match template `labels`")``.
pub fn does_not_match(template_path: &str, labels: Option<&Value>) -> Cause {
    Cause::invalid_shown(
        &format!("{template_path}.metadata.labels"),
        &go_string_map(labels),
        "`selector` does not match template `labels`",
    )
}

/// The template's `restartPolicy` must be `Always` (an unset one is defaulted to it).
fn restart_policy_always(template: &Value, spec_path: &str) -> Option<Cause> {
    let policy = str_of(get(template, "spec"), "restartPolicy");
    (!policy.is_empty() && policy != "Always").then(|| {
        Cause::not_supported(
            &format!("{spec_path}.restartPolicy"),
            &Value::from(policy),
            &["Always"],
        )
    })
}

/// The selector and the template of `ValidateDeploymentSpec` and `ValidateReplicaSetSpec`
/// (both say "deployment" of an empty selector).
fn replica_set_selector_and_template(spec: Option<&Value>) -> Vec<Cause> {
    let (mut causes, selector) = required_selector(spec, "deployment", "invalid label selector");
    if let Some(selector) = selector {
        causes.extend(template_for_replicas(
            get(spec, "template").unwrap_or(&NULL),
            &selector,
            "spec.template",
            "ReplicaSet",
        ));
    }
    causes
}

/// `ValidateDeploymentSpec`.
fn deployment_spec(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes: Vec<Cause> = nonnegative_at(spec, "replicas", "spec.replicas")
        .into_iter()
        .collect();
    causes.extend(replica_set_selector_and_template(spec));
    causes.extend(deployment_strategy(get(spec, "strategy")));
    causes.extend(nonnegative_at(
        spec,
        "minReadySeconds",
        "spec.minReadySeconds",
    ));
    causes.extend(nonnegative_at(
        spec,
        "revisionHistoryLimit",
        "spec.revisionHistoryLimit",
    ));
    if let Some(deadline) = int_of(spec, "progressDeadlineSeconds") {
        causes.extend(nonnegative(deadline, "spec.progressDeadlineSeconds"));
        if deadline <= int_of(spec, "minReadySeconds").unwrap_or(0) {
            causes.push(Cause::invalid(
                "spec.progressDeadlineSeconds",
                &Value::from(deadline),
                "must be greater than minReadySeconds",
            ));
        }
    }
    causes
}

/// `ValidateDeploymentStrategy`.
fn deployment_strategy(strategy: Option<&Value>) -> Vec<Cause> {
    let rolling = get(strategy, "rollingUpdate");
    match str_of(strategy, "type") {
        "Recreate" => rolling
            .map(|_| {
                Cause::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            })
            .into_iter()
            .collect(),
        "RollingUpdate" => match rolling {
            None => vec![Cause::required(
                "spec.strategy.rollingUpdate",
                "this should be defaulted and never be nil",
            )],
            Some(rolling) => rolling_update_deployment(rolling, "spec.strategy.rollingUpdate"),
        },
        other => vec![Cause::not_supported_shown(
            "spec.strategy",
            &format!(
                "apps.DeploymentStrategy{{Type:{}, RollingUpdate:{}}}",
                crate::error::go_quote(other),
                go_pointer("apps.RollingUpdateDeployment", rolling)
            ),
            &["Recreate", "RollingUpdate"],
        )],
    }
}

/// Go's `%#v` of a pointer field inside a struct: `(*T)(nil)`, or (an address nobody can
/// reproduce) `(*T)(0xc000000000)`.
fn go_pointer(type_name: &str, v: Option<&Value>) -> String {
    match v {
        None => format!("(*{type_name})(nil)"),
        Some(_) => format!("(*{type_name})(0xc000000000)"),
    }
}

/// `ValidateRollingUpdateDeployment`.
fn rolling_update_deployment(rolling: &Value, path: &str) -> Vec<Cause> {
    let unavailable = get(rolling, "maxUnavailable");
    let surge = get(rolling, "maxSurge");
    let mut causes = positive_int_or_percent(unavailable, &format!("{path}.maxUnavailable"));
    causes.extend(positive_int_or_percent(surge, &format!("{path}.maxSurge")));
    if int_or_percent_value(unavailable) == 0 && int_or_percent_value(surge) == 0 {
        causes.push(Cause::invalid_shown(
            &format!("{path}.maxUnavailable"),
            &go_int_or_string(unavailable),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    causes.extend(not_more_than_100_percent(
        unavailable,
        &format!("{path}.maxUnavailable"),
    ));
    causes
}

/// `ValidatePositiveIntOrPercent`.
fn positive_int_or_percent(v: Option<&Value>, path: &str) -> Vec<Cause> {
    match v {
        Some(Value::String(s)) if percent(s).is_none() => vec![Cause::invalid_shown(
            path,
            &go_int_or_string(v),
            &crate::names::regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'",
                "[0-9]+%",
                &["1%", "93%"],
            ),
        )],
        Some(Value::String(_)) => Vec::new(),
        other => nonnegative(other.and_then(Value::as_i64).unwrap_or(0), path)
            .into_iter()
            .collect(),
    }
}

/// The number of a valid percent string (`IsValidPercent` then `Atoi`).
fn percent(s: &str) -> Option<i64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(i64::MAX))
}

/// `getIntOrPercentValue`: the percent's number, else `IntValue()` (a string that is not a
/// number is 0).
fn int_or_percent_value(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::String(s)) => percent(s).unwrap_or_else(|| s.parse().unwrap_or(0)),
        other => other.and_then(Value::as_i64).unwrap_or(0),
    }
}

/// `IsNotMoreThan100Percent`.
fn not_more_than_100_percent(v: Option<&Value>, path: &str) -> Option<Cause> {
    let value = match v {
        Some(Value::String(s)) => percent(s)?,
        _ => return None,
    };
    (value > 100)
        .then(|| Cause::invalid_shown(path, &go_int_or_string(v), "must not be greater than 100%"))
}

/// `ValidateReplicaSetSpec`.
fn replica_set_spec(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes: Vec<Cause> = nonnegative_at(spec, "replicas", "spec.replicas")
        .into_iter()
        .chain(nonnegative_at(
            spec,
            "minReadySeconds",
            "spec.minReadySeconds",
        ))
        .collect();
    causes.extend(replica_set_selector_and_template(spec));
    causes
}

/// `ValidateDaemonSetSpec`.
fn daemon_set_spec(spec: Option<&Value>) -> Vec<Cause> {
    let selector = get(spec, "selector");
    let mut causes = validate_label_selector(selector, "spec.selector");
    let template = get(spec, "template").unwrap_or(&NULL);
    let labels = at(template, &["metadata", "labels"]);
    if label_selector_as_selector(selector).is_ok_and(|s| !s.matches(labels)) {
        causes.push(does_not_match("spec.template", labels));
    }
    if let Some(s) = selector.filter(|s| selector_size(s) == 0) {
        causes.push(Cause::invalid_shown(
            "spec.selector",
            &go_label_selector(Some(s)),
            "empty selector is invalid for daemonset",
        ));
    }
    causes.extend(validate_pod_template_spec(template, "spec.template"));
    causes.extend(restart_policy_always(template, "spec.template.spec"));
    if get(get(template, "spec"), "activeDeadlineSeconds").is_some() {
        causes.push(Cause::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in DaemonSet is not Supported",
        ));
    }
    causes.extend(nonnegative_at(
        spec,
        "minReadySeconds",
        "spec.minReadySeconds",
    ));
    causes.extend(daemon_set_update_strategy(get(spec, "updateStrategy")));
    causes.extend(nonnegative_at(
        spec,
        "revisionHistoryLimit",
        "spec.revisionHistoryLimit",
    ));
    causes
}

/// `ValidateDaemonSetUpdateStrategy`.
fn daemon_set_update_strategy(strategy: Option<&Value>) -> Vec<Cause> {
    let rolling = get(strategy, "rollingUpdate");
    match str_of(strategy, "type") {
        "OnDelete" => Vec::new(),
        "RollingUpdate" => match rolling {
            None => vec![Cause::required("spec.updateStrategy.rollingUpdate", "")],
            Some(rolling) => {
                rolling_update_daemon_set(rolling, "spec.updateStrategy.rollingUpdate")
            }
        },
        other => vec![Cause::not_supported_shown(
            "spec.updateStrategy",
            &format!(
                "apps.DaemonSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                crate::error::go_quote(other),
                go_pointer("apps.RollingUpdateDaemonSet", rolling)
            ),
            &["RollingUpdate", "OnDelete"],
        )],
    }
}

/// `ValidateRollingUpdateDaemonSet`.
fn rolling_update_daemon_set(rolling: &Value, path: &str) -> Vec<Cause> {
    let unavailable = get(rolling, "maxUnavailable");
    let surge = get(rolling, "maxSurge");
    let unavailable_path = format!("{path}.maxUnavailable");
    let surge_path = format!("{path}.maxSurge");
    let mut causes = positive_int_or_percent(unavailable, &unavailable_path);
    causes.extend(positive_int_or_percent(surge, &surge_path));
    causes.extend(not_more_than_100_percent(unavailable, &unavailable_path));
    causes.extend(not_more_than_100_percent(surge, &surge_path));
    let has_unavailable = int_or_percent_value(unavailable) != 0;
    let has_surge = int_or_percent_value(surge) != 0;
    if has_unavailable && has_surge {
        causes.push(Cause::invalid_shown(
            &surge_path,
            &go_int_or_string(surge),
            "may not be set when maxUnavailable is non-zero",
        ));
    } else if !has_unavailable && !has_surge {
        causes.push(Cause::required(
            &unavailable_path,
            "cannot be 0 when maxSurge is 0",
        ));
    }
    causes
}

/// `ValidateStatefulSetSpec`; `create` says whether `serviceName` is checked (an update keeps
/// tolerating a stored one).
fn stateful_set_spec(spec: Option<&Value>, create: bool) -> Vec<Cause> {
    let mut causes = Vec::new();
    let service_name = str_of(spec, "serviceName");
    if create && !service_name.is_empty() {
        causes.extend(dns1123_label(service_name, "spec.serviceName"));
    }
    match str_of(spec, "podManagementPolicy") {
        "" => causes.push(Cause::required("spec.podManagementPolicy", "")),
        "OrderedReady" | "Parallel" => {}
        other => causes.push(Cause::invalid(
            "spec.podManagementPolicy",
            &Value::from(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = get(spec, "updateStrategy");
    let rolling = get(strategy, "rollingUpdate");
    match str_of(strategy, "type") {
        "" => causes.push(Cause::required("spec.updateStrategy", "")),
        "OnDelete" => {
            if let Some(rolling) = rolling {
                causes.push(Cause::invalid_shown(
                    "spec.updateStrategy.rollingUpdate",
                    &go_rolling_update_stateful_set(rolling),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(rolling) = rolling {
                causes.extend(rolling_update_stateful_set(
                    rolling,
                    "spec.updateStrategy.rollingUpdate",
                ));
            }
        }
        other => causes.push(Cause::invalid_shown(
            "spec.updateStrategy",
            &format!(
                "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                crate::error::go_quote(other),
                go_pointer("apps.RollingUpdateStatefulSetStrategy", rolling)
            ),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(policy) = get(spec, "persistentVolumeClaimRetentionPolicy") {
        for field in ["whenDeleted", "whenScaled"] {
            let value = str_of(policy, field);
            if value != "Retain" && value != "Delete" {
                causes.push(Cause::not_supported(
                    &format!("spec.persistentVolumeClaimRetentionPolicy.{field}"),
                    &Value::from(value),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    causes.extend(nonnegative_at(spec, "replicas", "spec.replicas"));
    causes.extend(nonnegative_at(
        spec,
        "minReadySeconds",
        "spec.minReadySeconds",
    ));
    if let Some(ordinals) = get(spec, "ordinals") {
        causes.extend(nonnegative_at(
            Some(ordinals),
            "start",
            "spec.ordinals.start",
        ));
    }
    let (selector_causes, selector) = required_selector(spec, "statefulset", "");
    causes.extend(selector_causes);
    let template = get(spec, "template").unwrap_or(&NULL);
    if let Some(selector) = selector {
        let labels = at(template, &["metadata", "labels"]);
        if !selector.is_empty() && !selector.matches(labels) {
            causes.push(does_not_match("spec.template", labels));
        }
        causes.extend(validate_pod_template_spec(template, "spec.template"));
    }
    causes.extend(restart_policy_always(template, "spec.template.spec"));
    if get(get(template, "spec"), "activeDeadlineSeconds").is_some() {
        causes.push(Cause::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    causes
}

/// Go's `%#v` of an `apps.RollingUpdateStatefulSetStrategy`.
fn go_rolling_update_stateful_set(rolling: &Value) -> String {
    format!(
        "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{}}}",
        int_of(rolling, "partition").unwrap_or(0),
        go_pointer("intstr.IntOrString", get(rolling, "maxUnavailable"))
    )
}

/// `validateRollingUpdateStatefulSet`.
fn rolling_update_stateful_set(rolling: &Value, path: &str) -> Vec<Cause> {
    let mut causes: Vec<Cause> = nonnegative_at(rolling, "partition", &format!("{path}.partition"))
        .into_iter()
        .collect();
    if let Some(unavailable) = get(rolling, "maxUnavailable") {
        let field = format!("{path}.maxUnavailable");
        causes.extend(positive_int_or_percent(Some(unavailable), &field));
        if int_or_percent_value(Some(unavailable)) == 0 {
            causes.push(Cause::invalid_shown(
                &field,
                &go_int_or_string(Some(unavailable)),
                "cannot be 0",
            ));
        }
        causes.extend(not_more_than_100_percent(Some(unavailable), &field));
    }
    causes
}
