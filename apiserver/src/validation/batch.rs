//! `pkg/apis/batch/validation`: Job (with the options its strategy derives from the stored
//! Job) and CronJob.

use serde_json::{Map, Value};

use super::Write;
use super::common::{
    IMMUTABLE, at, get, go_label_selector, has_label, int_of, label_selector_as_selector, list_of,
    nonnegative_at, plain, qualified_name, set_or_remove, str_of, validate_label_selector,
};
use super::cron::parse_standard;
use super::pod::validate_pod_template_spec;
use super::workloads::does_not_match;
use crate::error::{Cause, go_quote};
use crate::names;

static NULL: Value = Value::Null;

const MAX_PARALLELISM_FOR_INDEXED_JOB: i64 = 100_000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB: i64 = 100_000;
const COMPLETIONS_SOFT_LIMIT: i64 = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS: i64 = 10_000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS: i64 = 10_000;
const MAX_POD_FAILURE_POLICY_RULES: usize = 20;
const MAX_ON_EXIT_CODES_VALUES: usize = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS: usize = 20;
const MAX_MANAGED_BY_LENGTH: usize = 63;
const MAX_SUCCEEDED_INDEXES_LENGTH: usize = 64 * 1024;
const MAX_SUCCESS_POLICY_RULES: usize = 20;

const CONTROLLER_UID: &str = "batch.kubernetes.io/controller-uid";
const JOB_NAME: &str = "batch.kubernetes.io/job-name";
const LEGACY_CONTROLLER_UID: &str = "controller-uid";
const LEGACY_JOB_NAME: &str = "job-name";

/// The Job strategy's `Validate` (`ValidateJob`) and `ValidateUpdate` (`ValidateJob` then
/// `ValidateJobUpdate`, so the spec's causes come twice).
pub fn job(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    match write {
        Write::Create => validate_job(obj, true),
        Write::Update { old } => {
            let template_labels = at(old.get("spec"), &["template", "metadata", "labels"]);
            let prefixed = get(template_labels, JOB_NAME).is_some()
                && get(template_labels, CONTROLLER_UID).is_some();
            let mut causes = validate_job(obj, prefixed);
            causes.extend(job_spec_update(obj.get("spec"), old));
            causes
        }
        Write::Status { .. } => Vec::new(),
    }
}

/// `ValidateJob` (after the metadata).
fn validate_job(obj: &Map<String, Value>, require_prefixed_labels: bool) -> Vec<Cause> {
    let spec = obj.get("spec");
    let meta = obj.get("metadata");
    let name = str_of(meta, "name");
    let mut causes = generated_selector(obj, require_prefixed_labels);
    causes.extend(validate_job_spec(spec));
    if str_of(spec, "completionMode") == "Indexed"
        && let Some(completions) = int_of(spec, "completions").filter(|c| *c > 0)
    {
        let hostname = format!("{name}-{}", completions - 1);
        if !names::is_dns1123_label(&hostname).is_empty() {
            causes.push(Cause::invalid(
                "metadata.name",
                &Value::from(name),
                &format!("will not able to create pod with invalid DNS label: {hostname}"),
            ));
        }
    }
    causes
}

/// `validateGeneratedSelector`.
fn generated_selector(obj: &Map<String, Value>, validate_batch_labels: bool) -> Vec<Cause> {
    let spec = obj.get("spec");
    if get(spec, "manualSelector").and_then(Value::as_bool) == Some(true) {
        return Vec::new();
    }
    let Some(selector) = get(spec, "selector") else {
        return Vec::new();
    };
    let meta = obj.get("metadata");
    let uid = str_of(meta, "uid");
    let name = str_of(meta, "name");
    let mut causes = Vec::new();
    if uid.is_empty() {
        causes.push(Cause::required("metadata.uid", ""));
    }
    let template_meta = at(spec, &["template", "metadata"]);
    let path = "spec.template.metadata";
    causes.extend(has_label(template_meta, path, LEGACY_CONTROLLER_UID, uid));
    causes.extend(has_label(template_meta, path, LEGACY_JOB_NAME, name));
    let mut expected = Map::new();
    if validate_batch_labels {
        causes.extend(has_label(template_meta, path, CONTROLLER_UID, uid));
        causes.extend(has_label(template_meta, path, JOB_NAME, name));
        expected.insert(CONTROLLER_UID.into(), uid.into());
        expected.insert(JOB_NAME.into(), name.into());
    }
    expected.insert(LEGACY_CONTROLLER_UID.into(), uid.into());
    expected.insert(LEGACY_JOB_NAME.into(), name.into());
    if label_selector_as_selector(Some(selector))
        .is_ok_and(|s| !s.matches(Some(&Value::Object(expected))))
    {
        causes.push(Cause::invalid_shown(
            "spec.selector",
            &go_label_selector(Some(selector)),
            "`selector` not auto-generated",
        ));
    }
    causes
}

/// `ValidateJobSpec`.
fn validate_job_spec(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes = job_spec_fields(spec, "spec");
    let selector = get(spec, "selector");
    match selector {
        None => causes.push(Cause::required("spec.selector", "")),
        Some(s) => causes.extend(validate_label_selector(Some(s), "spec.selector")),
    }
    let labels = at(spec, &["template", "metadata", "labels"]);
    if label_selector_as_selector(selector).is_ok_and(|s| !s.matches(labels)) {
        causes.push(does_not_match("spec.template", labels));
    }
    causes
}

/// `validateJobSpec` of the JobSpec at `path` (`spec`, or a CronJob's
/// `spec.jobTemplate.spec`).
fn job_spec_fields(spec: Option<&Value>, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    for field in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
    ] {
        causes.extend(nonnegative_at(spec, field, &format!("{path}.{field}")));
    }
    let parallelism = int_of(spec, "parallelism");
    let completions = int_of(spec, "completions");
    let backoff_per_index = int_of(spec, "backoffLimitPerIndex");
    let max_failed = int_of(spec, "maxFailedIndexes");
    if max_failed.is_some() {
        causes.extend(nonnegative_at(
            spec,
            "maxFailedIndexes",
            &format!("{path}.maxFailedIndexes"),
        ));
        if backoff_per_index.is_none() {
            causes.push(Cause::required(
                &format!("{path}.backoffLimitPerIndex"),
                "when maxFailedIndexes is specified",
            ));
        }
    }
    if let Some(managed_by) = get(spec, "managedBy").and_then(Value::as_str) {
        let field = format!("{path}.managedBy");
        causes.extend(domain_prefixed_path(managed_by, &field));
        if managed_by.len() > MAX_MANAGED_BY_LENGTH {
            causes.push(Cause::too_long(&field, MAX_MANAGED_BY_LENGTH));
        }
    }
    let mode = get(spec, "completionMode").and_then(Value::as_str);
    if let Some(mode) = mode {
        if mode != "NonIndexed" && mode != "Indexed" {
            causes.push(Cause::not_supported(
                &format!("{path}.completionMode"),
                &Value::from(mode),
                &["NonIndexed", "Indexed"],
            ));
        }
        if mode == "Indexed" {
            causes.extend(indexed_limits(
                path,
                parallelism,
                completions,
                backoff_per_index,
                max_failed,
            ));
        }
    }
    if mode.is_none_or(|m| m == "NonIndexed") {
        if let Some(b) = backoff_per_index {
            causes.push(Cause::invalid(
                &format!("{path}.backoffLimitPerIndex"),
                &Value::from(b),
                "requires indexed completion mode",
            ));
        }
        if let Some(m) = max_failed {
            causes.push(Cause::invalid(
                &format!("{path}.maxFailedIndexes"),
                &Value::from(m),
                "requires indexed completion mode",
            ));
        }
    }
    let failure_policy = get(spec, "podFailurePolicy");
    if let Some(policy) = failure_policy {
        causes.extend(pod_failure_policy(
            spec,
            policy,
            &format!("{path}.podFailurePolicy"),
        ));
    }
    if let Some(success) = get(spec, "successPolicy") {
        let field = format!("{path}.successPolicy");
        if mode != Some("Indexed") {
            causes.push(Cause::invalid(
                &field,
                success,
                "requires indexed completion mode",
            ));
        } else {
            causes.extend(success_policy(success, completions.unwrap_or(0), &field));
        }
    }
    if let Some(replacement) = get(spec, "podReplacementPolicy").and_then(Value::as_str) {
        let field = format!("{path}.podReplacementPolicy");
        let value = Value::from(replacement);
        if failure_policy.is_some() {
            if replacement != "Failed" {
                causes.push(Cause::not_supported(&field, &value, &["Failed"]));
            }
        } else if replacement != "Failed" && replacement != "TerminatingOrFailed" {
            causes.push(Cause::not_supported(
                &field,
                &value,
                &["Failed", "TerminatingOrFailed"],
            ));
        }
    }
    let template = get(spec, "template").unwrap_or(&NULL);
    causes.extend(validate_pod_template_spec(
        template,
        &format!("{path}.template"),
    ));
    let restart_path = format!("{path}.template.spec.restartPolicy");
    match str_of(get(template, "spec"), "restartPolicy") {
        "Always" | "" => causes.push(Cause::required(
            &restart_path,
            "valid values: \"OnFailure\", \"Never\"",
        )),
        "OnFailure" if failure_policy.is_some() => causes.push(Cause::invalid(
            &restart_path,
            &Value::from("OnFailure"),
            "only \"Never\" is supported when podFailurePolicy is specified",
        )),
        "OnFailure" | "Never" => {}
        other => causes.push(Cause::not_supported(
            &restart_path,
            &Value::from(other),
            &["OnFailure", "Never"],
        )),
    }
    causes
}

/// The limits of an Indexed Job in `validateJobSpec`.
fn indexed_limits(
    path: &str,
    parallelism: Option<i64>,
    completions: Option<i64>,
    backoff_per_index: Option<i64>,
    max_failed: Option<i64>,
) -> Vec<Cause> {
    let mut causes = Vec::new();
    let parallelism_path = format!("{path}.parallelism");
    let max_failed_path = format!("{path}.maxFailedIndexes");
    if completions.is_none() {
        causes.push(Cause::required(
            &format!("{path}.completions"),
            "when completion mode is Indexed",
        ));
    }
    if let Some(p) = parallelism.filter(|p| *p > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        causes.push(Cause::invalid(
            &parallelism_path,
            &Value::from(p),
            &format!(
                "must be less than or equal to {MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed"
            ),
        ));
    }
    if let (Some(c), Some(m)) = (completions, max_failed)
        && m > c
    {
        causes.push(Cause::invalid(
            &max_failed_path,
            &Value::from(m),
            "must be less than or equal to completions",
        ));
    }
    if let Some(m) = max_failed.filter(|m| *m > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
        causes.push(Cause::invalid(
            &max_failed_path,
            &Value::from(m),
            &format!("must be less than or equal to {MAX_FAILED_INDEXES_FOR_INDEXED_JOB}"),
        ));
    }
    if completions.is_some_and(|c| c > COMPLETIONS_SOFT_LIMIT) && backoff_per_index.is_some() {
        if max_failed.is_none() {
            causes.push(Cause::required(
                &max_failed_path,
                &format!("must be specified when completions is above {COMPLETIONS_SOFT_LIMIT}"),
            ));
        }
        let detail = |limit: i64| {
            format!(
                "must be less than or equal to {limit} when completions are above {COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index"
            )
        };
        if let Some(p) = parallelism.filter(|p| *p > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
            causes.push(Cause::invalid(
                &parallelism_path,
                &Value::from(p),
                &detail(PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS),
            ));
        }
        if let Some(m) = max_failed.filter(|m| *m > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
            causes.push(Cause::invalid(
                &max_failed_path,
                &Value::from(m),
                &detail(MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS),
            ));
        }
    }
    causes
}

/// `validation.IsDomainPrefixedPath`.
fn domain_prefixed_path(value: &str, field: &str) -> Vec<Cause> {
    if value.is_empty() {
        return vec![Cause::required(field, "")];
    }
    let Some((host, path)) = value
        .split_once('/')
        .filter(|(h, p)| !h.is_empty() && !p.is_empty())
    else {
        return vec![Cause::invalid(
            field,
            &Value::from(value),
            "must be a domain-prefixed path (such as \"acme.io/foo\")",
        )];
    };
    let mut causes: Vec<Cause> = names::is_dns1123_subdomain(host)
        .iter()
        .map(|m| Cause::invalid(field, &Value::from(host), m))
        .collect();
    let path_char = |c: char| c.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:".contains(c);
    if !path.chars().all(path_char) {
        causes.push(Cause::invalid(
            field,
            &Value::from(path),
            &names::regex_error("Invalid path", r"[A-Za-z0-9/\-._~%!$&'()*+,;=:]+", &[]),
        ));
    }
    causes
}

/// Go's `%q` of a `[]string` (`["a" "b"]`).
fn go_q_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[{}]", quoted.join(" "))
}

/// An `Invalid` cause whose value is `field.OmitValueType{}`.
fn invalid_omitted(field: &str, detail: &str) -> Cause {
    Cause {
        reason: "FieldValueInvalid",
        message: format!("Invalid value: {detail}"),
        field: field.to_owned(),
    }
}

/// `validatePodFailurePolicy`.
fn pod_failure_policy(spec: Option<&Value>, policy: &Value, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let rules_path = format!("{path}.rules");
    let rules = list_of(policy, "rules");
    if rules.len() > MAX_POD_FAILURE_POLICY_RULES {
        causes.push(Cause::too_many(
            &rules_path,
            rules.len(),
            MAX_POD_FAILURE_POLICY_RULES,
        ));
    }
    let template_spec = at(spec, &["template", "spec"]);
    let container_names: Vec<&str> = list_of(template_spec, "containers")
        .iter()
        .chain(list_of(template_spec, "initContainers"))
        .map(|c| str_of(c, "name"))
        .collect();
    let has_backoff_per_index = get(spec, "backoffLimitPerIndex").is_some();
    const ACTIONS: [&str; 4] = ["Count", "FailIndex", "FailJob", "Ignore"];
    for (i, rule) in rules.iter().enumerate() {
        let rule_path = format!("{rules_path}[{i}]");
        let action_path = format!("{rule_path}.action");
        match str_of(rule, "action") {
            "" => causes.push(Cause::required(
                &action_path,
                &format!("valid values: {}", go_q_list(&ACTIONS)),
            )),
            "FailIndex" if !has_backoff_per_index => causes.push(Cause::invalid(
                &action_path,
                &Value::from("FailIndex"),
                "requires the backoffLimitPerIndex to be set",
            )),
            action if !ACTIONS.contains(&action) => causes.push(Cause::not_supported(
                &action_path,
                &Value::from(action),
                &ACTIONS,
            )),
            _ => {}
        }
        let on_exit_codes = get(rule, "onExitCodes");
        let on_conditions = list_of(rule, "onPodConditions");
        if let Some(req) = on_exit_codes {
            causes.extend(on_exit_codes_requirement(
                req,
                &format!("{rule_path}.onExitCodes"),
                &container_names,
            ));
        }
        if !on_conditions.is_empty() {
            causes.extend(on_pod_conditions(
                on_conditions,
                &format!("{rule_path}.onPodConditions"),
            ));
        }
        if on_exit_codes.is_some() && !on_conditions.is_empty() {
            causes.push(invalid_omitted(
                &rule_path,
                "specifying both OnExitCodes and OnPodConditions is not supported",
            ));
        }
        if on_exit_codes.is_none() && on_conditions.is_empty() {
            causes.push(invalid_omitted(
                &rule_path,
                "specifying one of OnExitCodes and OnPodConditions is required",
            ));
        }
    }
    causes
}

/// `validatePodFailurePolicyRuleOnPodConditions`.
fn on_pod_conditions(patterns: &[Value], path: &str) -> Vec<Cause> {
    const STATUSES: [&str; 3] = ["False", "True", "Unknown"];
    let mut causes = Vec::new();
    if patterns.len() > MAX_ON_POD_CONDITIONS_PATTERNS {
        causes.push(Cause::too_many(
            path,
            patterns.len(),
            MAX_ON_POD_CONDITIONS_PATTERNS,
        ));
    }
    for (j, pattern) in patterns.iter().enumerate() {
        let pattern_path = format!("{path}[{j}]");
        causes.extend(qualified_name(
            str_of(pattern, "type"),
            &format!("{pattern_path}.type"),
        ));
        let status_path = format!("{pattern_path}.status");
        match str_of(pattern, "status") {
            "" => causes.push(Cause::required(
                &status_path,
                &format!("valid values: {}", go_q_list(&STATUSES)),
            )),
            status if !STATUSES.contains(&status) => causes.push(Cause::not_supported(
                &status_path,
                &Value::from(status),
                &STATUSES,
            )),
            _ => {}
        }
    }
    causes
}

/// Go's `%#v` of a `[]int32`.
fn go_int32_slice(v: Option<&Value>) -> String {
    match v.and_then(Value::as_array) {
        None => "[]int32(nil)".to_owned(),
        Some(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|n| n.as_i64().unwrap_or(0).to_string())
                .collect();
            format!("[]int32{{{}}}", parts.join(", "))
        }
    }
}

/// `validatePodFailurePolicyRuleOnExitCodes`.
fn on_exit_codes_requirement(req: &Value, path: &str, container_names: &[&str]) -> Vec<Cause> {
    const OPERATORS: [&str; 2] = ["In", "NotIn"];
    let mut causes = Vec::new();
    let operator_path = format!("{path}.operator");
    let operator = str_of(req, "operator");
    if operator.is_empty() {
        causes.push(Cause::required(
            &operator_path,
            &format!("valid values: {}", go_q_list(&OPERATORS)),
        ));
    } else if !OPERATORS.contains(&operator) {
        causes.push(Cause::not_supported(
            &operator_path,
            &Value::from(operator),
            &OPERATORS,
        ));
    }
    if let Some(name) = get(req, "containerName").and_then(Value::as_str)
        && !container_names.contains(&name)
    {
        causes.push(Cause::invalid(
            &format!("{path}.containerName"),
            &Value::from(name),
            "must be one of the container or initContainer names in the pod template",
        ));
    }
    let values_path = format!("{path}.values");
    let values_json = get(req, "values");
    let values: Vec<i64> = list_of(req, "values")
        .iter()
        .map(|v| v.as_i64().unwrap_or(0))
        .collect();
    if values.is_empty() {
        causes.push(Cause::invalid_shown(
            &values_path,
            &go_int32_slice(values_json),
            "at least one value is required",
        ));
    } else if values.len() > MAX_ON_EXIT_CODES_VALUES {
        causes.push(Cause::too_many(
            &values_path,
            values.len(),
            MAX_ON_EXIT_CODES_VALUES,
        ));
    }
    let mut seen = Vec::new();
    for (j, value) in values.iter().enumerate() {
        let value_path = format!("{values_path}[{j}]");
        if operator == "In" && *value == 0 {
            causes.push(Cause::invalid(
                &value_path,
                &Value::from(0),
                "must not be 0 for the In operator",
            ));
        }
        if seen.contains(value) {
            causes.push(Cause::duplicate(&value_path, &Value::from(*value)));
        } else {
            seen.push(*value);
        }
    }
    if values.windows(2).any(|w| w[0] > w[1]) {
        causes.push(Cause::invalid_shown(
            &values_path,
            &go_int32_slice(values_json),
            "must be ordered",
        ));
    }
    causes
}

/// `validateSuccessPolicy` of an Indexed Job.
fn success_policy(policy: &Value, completions: i64, path: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let rules_path = format!("{path}.rules");
    let rules = list_of(policy, "rules");
    if rules.is_empty() {
        causes.push(Cause::required(
            &rules_path,
            "at least one rules must be specified when the successPolicy is specified",
        ));
    }
    if rules.len() > MAX_SUCCESS_POLICY_RULES {
        causes.push(Cause::too_many(
            &rules_path,
            rules.len(),
            MAX_SUCCESS_POLICY_RULES,
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        let rule_path = format!("{rules_path}[{i}]");
        let count = int_of(rule, "succeededCount");
        let indexes = get(rule, "succeededIndexes").and_then(Value::as_str);
        if count.is_none() && indexes.is_none() {
            causes.push(Cause::required(
                &rule_path,
                "at least one of succeededCount or succeededIndexes must be specified",
            ));
        }
        let mut total = 0;
        if let Some(indexes) = indexes {
            let field = format!("{rule_path}.succeededIndexes");
            if indexes.len() > MAX_SUCCEEDED_INDEXES_LENGTH {
                causes.push(Cause::too_long(&field, MAX_SUCCEEDED_INDEXES_LENGTH));
            }
            match indexes_format(indexes, completions) {
                Ok(n) => total = n,
                Err(e) => causes.push(Cause::invalid(
                    &field,
                    &Value::from(indexes),
                    &format!("error parsing succeededIndexes: {e}"),
                )),
            }
        }
        if let Some(count) = count {
            let field = format!("{rule_path}.succeededCount");
            causes.extend(nonnegative_at(rule, "succeededCount", &field));
            if count > completions {
                causes.push(Cause::invalid(
                    &field,
                    &Value::from(count),
                    &format!(
                        "must be less than or equal to {completions} (the number of specified completions)"
                    ),
                ));
            }
            if indexes.is_some() && count > total {
                causes.push(Cause::invalid(
                    &field,
                    &Value::from(count),
                    &format!(
                        "must be less than or equal to {total} (the number of indexes in the specified succeededIndexes field)"
                    ),
                ));
            }
        }
    }
    causes
}

/// `validateIndexesFormat`: the number of indexes, or the parse error.
fn indexes_format(indexes: &str, completions: i64) -> Result<i64, String> {
    if indexes.is_empty() {
        return Ok(0);
    }
    let mut last: Option<i64> = None;
    let mut total = 0;
    for interval in indexes.split(',') {
        let (x, y) = index_interval(interval, completions)?;
        if let Some(last) = last.filter(|l| *l >= x) {
            return Err(format!(
                "non-increasing order, previous: {last}, current: {x}"
            ));
        }
        total += y - x + 1;
        last = Some(y);
    }
    Ok(total)
}

/// `parseIndexInterval`.
fn index_interval(interval: &str, completions: i64) -> Result<(i64, i64), String> {
    let limits: Vec<&str> = interval.split('-').collect();
    if limits.len() > 2 {
        return Err(format!(
            "the fragment {} violates the requirement that an index interval can have at most two parts separated by '-'",
            go_quote(interval)
        ));
    }
    let parse = |s: &str| -> Result<i64, String> {
        let x: i64 = s.parse().map_err(|_| {
            format!(
                "cannot convert string to integer for index: {}",
                go_quote(s)
            )
        })?;
        if x >= completions {
            return Err(format!("too large index: {}", go_quote(s)));
        }
        Ok(x)
    };
    let x = parse(limits[0])?;
    match limits.get(1) {
        None => Ok((x, x)),
        Some(high) => {
            let y = parse(high)?;
            if x >= y {
                return Err(format!("non-increasing order, previous: {x}, current: {y}"));
            }
            Ok((x, y))
        }
    }
}

/// `ValidateJobSpecUpdate`'s checks beyond `ValidateJobSpec` (which `job` gets again).
fn job_spec_update(spec: Option<&Value>, old: &Map<String, Value>) -> Vec<Cause> {
    let old_spec = old.get("spec");
    let mut causes = validate_job_spec(spec);
    causes.extend(completions_update(spec, old_spec));
    if get(spec, "selector") != get(old_spec, "selector") {
        causes.push(Cause::invalid_shown(
            "spec.selector",
            &go_label_selector(get(spec, "selector")),
            IMMUTABLE,
        ));
    }
    let suspended = get(old_spec, "suspend").and_then(Value::as_bool) == Some(true);
    let not_started = at(old.get("status"), &["startTime"]).is_none();
    let template = get(spec, "template");
    let old_template = get(old_spec, "template");
    let patched;
    let old_template = if suspended && not_started {
        patched =
            with_scheduling_directives(old_template.cloned().unwrap_or(Value::Null), template);
        Some(&patched).filter(|t| !t.is_null())
    } else {
        old_template
    };
    if template != old_template {
        causes.push(Cause::invalid(
            "spec.template",
            template.unwrap_or(&NULL),
            IMMUTABLE,
        ));
    }
    for field in [
        "completionMode",
        "podFailurePolicy",
        "backoffLimitPerIndex",
        "managedBy",
        "successPolicy",
    ] {
        let new = get(spec, field);
        if new != get(old_spec, field) {
            causes.push(Cause::invalid_shown(
                &format!("spec.{field}"),
                &plain(new),
                IMMUTABLE,
            ));
        }
    }
    causes
}

/// `validateCompletions` (elastic Indexed Jobs enabled).
fn completions_update(spec: Option<&Value>, old_spec: Option<&Value>) -> Option<Cause> {
    let new = int_of(spec, "completions");
    let old = int_of(old_spec, "completions");
    if new == old {
        return None;
    }
    let field = "spec.completions";
    if str_of(spec, "completionMode") != "Indexed" {
        return Some(Cause::invalid_shown(
            field,
            &new.map_or("null".to_owned(), |n| n.to_string()),
            IMMUTABLE,
        ));
    }
    let new = new?;
    (Some(new) != int_of(spec, "parallelism")).then(|| {
        Cause::invalid(
            field,
            &Value::from(new),
            "can only be modified in tandem with spec.parallelism",
        )
    })
}

/// The old template with what a suspended Job that never started may change taken from the
/// new one (`AllowMutableSchedulingDirectives`).
fn with_scheduling_directives(mut old: Value, new: Option<&Value>) -> Value {
    let Some(old_map) = old.as_object_mut() else {
        return old;
    };
    let new_meta = get(new, "metadata");
    let new_spec = get(new, "spec");
    let meta = old_map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(meta) = meta.as_object_mut() {
        for field in ["annotations", "labels"] {
            set_or_remove(meta, field, get(new_meta, field));
        }
    }
    let spec = old_map
        .entry("spec")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(spec) = spec.as_object_mut() else {
        return old;
    };
    for field in ["nodeSelector", "tolerations", "schedulingGates"] {
        set_or_remove(spec, field, get(new_spec, field));
    }
    let new_affinity = get(new_spec, "affinity");
    let new_node_affinity = get(new_affinity, "nodeAffinity");
    match (
        new_affinity,
        spec.get_mut("affinity").and_then(Value::as_object_mut),
    ) {
        (None, Some(affinity)) => {
            affinity.remove("nodeAffinity");
            if affinity.is_empty() {
                spec.remove("affinity");
            }
        }
        (Some(_), None) => {
            let mut affinity = Map::new();
            set_or_remove(&mut affinity, "nodeAffinity", new_node_affinity);
            spec.insert("affinity".into(), Value::Object(affinity));
        }
        (Some(_), Some(affinity)) => set_or_remove(affinity, "nodeAffinity", new_node_affinity),
        (None, None) => {}
    }
    old
}

/// `ValidateCronJobCreate` / `ValidateCronJobUpdate`.
pub fn cron_job(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    match write {
        Write::Create => {
            let mut causes = cron_job_spec(obj.get("spec"), None);
            let name = str_of(obj.get("metadata"), "name");
            if name.len() > names::DNS1123_LABEL_MAX_LENGTH - 11 {
                causes.push(Cause::invalid(
                    "metadata.name",
                    &Value::from(name),
                    "must be no more than 52 characters",
                ));
            }
            causes
        }
        Write::Update { old } => cron_job_spec(obj.get("spec"), Some(old.get("spec"))),
        Write::Status { .. } => Vec::new(),
    }
}

/// `validateCronJobSpec`; `old` is the stored spec on update.
fn cron_job_spec(spec: Option<&Value>, old: Option<Option<&Value>>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let schedule = str_of(spec, "schedule");
    let time_zone = get(spec, "timeZone").and_then(Value::as_str);
    if schedule.is_empty() {
        causes.push(Cause::required("spec.schedule", ""));
    } else {
        let allow_tz = old.is_some_and(|old| str_of(old, "schedule").contains("TZ"));
        let value = Value::from(schedule);
        if let Err(e) = parse_standard(schedule) {
            causes.push(Cause::invalid("spec.schedule", &value, &e));
        }
        if allow_tz && schedule.contains("TZ") && time_zone.is_some() {
            causes.push(Cause::invalid(
                "spec.schedule",
                &value,
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            ));
        } else if !allow_tz && schedule.contains("TZ") {
            causes.push(Cause::invalid(
                "spec.schedule",
                &value,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    causes.extend(nonnegative_at(
        spec,
        "startingDeadlineSeconds",
        "spec.startingDeadlineSeconds",
    ));
    let old_zone = old.map(|old| get(old, "timeZone").and_then(Value::as_str));
    if old_zone.is_none_or(|old| old != time_zone) {
        causes.extend(time_zone.and_then(validate_time_zone));
    }
    match str_of(spec, "concurrencyPolicy") {
        "Allow" | "Forbid" | "Replace" => {}
        "" => causes.push(Cause::required("spec.concurrencyPolicy", "")),
        other => causes.push(Cause::not_supported(
            "spec.concurrencyPolicy",
            &Value::from(other),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let job_spec = at(spec, &["jobTemplate", "spec"]);
    causes.extend(job_spec_fields(job_spec, "spec.jobTemplate.spec"));
    if let Some(selector) = get(job_spec, "selector") {
        causes.push(Cause::invalid_shown(
            "spec.jobTemplate.spec.selector",
            &go_label_selector(Some(selector)),
            "`selector` will be auto-generated",
        ));
    }
    if get(job_spec, "manualSelector").and_then(Value::as_bool) == Some(true) {
        causes.push(Cause::not_supported(
            "spec.jobTemplate.spec.manualSelector",
            &Value::Bool(true),
            &["nil", "false"],
        ));
    }
    causes.extend(nonnegative_at(
        spec,
        "successfulJobsHistoryLimit",
        "spec.successfulJobsHistoryLimit",
    ));
    causes.extend(nonnegative_at(
        spec,
        "failedJobsHistoryLimit",
        "spec.failedJobsHistoryLimit",
    ));
    causes
}

/// `validateTimeZone` of a set `timeZone`.
fn validate_time_zone(zone: &str) -> Option<Cause> {
    let field = "spec.timeZone";
    let value = Value::from(zone);
    if zone.is_empty() {
        return Some(Cause::invalid(
            field,
            &value,
            "timeZone must be nil or non-empty string",
        ));
    }
    let part_ok = |part: &str| {
        part != "."
            && part != ".."
            && !part.starts_with('-')
            && (1..=14).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    };
    if !zone.split('/').all(part_ok) {
        return Some(Cause::invalid(
            field,
            &value,
            &format!("unknown time zone {zone}"),
        ));
    }
    if zone.eq_ignore_ascii_case("local") {
        return Some(Cause::invalid(
            field,
            &value,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    (!time_zone_exists(zone))
        .then(|| Cause::invalid(field, &value, &format!("unknown time zone {zone}")))
}

/// Whether `time.LoadLocation(zone)` succeeds: `UTC`, `Local`, or a zone of the system's
/// tz database.
pub fn time_zone_exists(zone: &str) -> bool {
    matches!(zone, "" | "UTC" | "Local")
        || (!zone.split('/').any(|p| p == ".." || p.is_empty())
            && std::path::Path::new("/usr/share/zoneinfo")
                .join(zone)
                .is_file())
}
