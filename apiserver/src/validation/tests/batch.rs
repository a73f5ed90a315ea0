use serde_json::{Value, json};

use super::{
    Write, at, case, cause, causes, defaulted, remove, run_creates, run_updates, template,
};
use crate::validation::cron::parse_standard;

const JOBS: (&str, &str, &str) = ("batch", "v1", "jobs");
const CRON_JOBS: (&str, &str, &str) = ("batch", "v1", "cronjobs");

/// A Job as the registry validates it: the selector and labels generated from its uid.
fn job() -> Value {
    let mut tmpl = template("Never");
    *at(&mut tmpl, "metadata/labels") = json!({
        "batch.kubernetes.io/controller-uid": "u", "batch.kubernetes.io/job-name": "pi",
        "controller-uid": "u", "job-name": "pi"
    });
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi", "namespace": "default", "uid": "u"},
        "spec": {
            "completions": 1,
            "parallelism": 1,
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}},
            "template": tmpl
        }
    })
}

#[test]
fn job_create() {
    run_creates(
        JOBS,
        &job(),
        vec![
            case(
                "restartPolicy Always",
                |j| *at(j, "spec/template/spec/restartPolicy") = json!("Always"),
                vec![cause(
                    "spec.template.spec.restartPolicy",
                    "FieldValueRequired",
                    "Required value: valid values: \"OnFailure\", \"Never\"",
                )],
            ),
            case(
                "unknown restartPolicy",
                |j| *at(j, "spec/template/spec/restartPolicy") = json!("Sometimes"),
                // ValidatePodTemplateSpec first, then the Job's own rule.
                vec![
                    cause(
                        "spec.template.spec.restartPolicy",
                        "FieldValueNotSupported",
                        "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                    ),
                    cause(
                        "spec.template.spec.restartPolicy",
                        "FieldValueNotSupported",
                        "Unsupported value: \"Sometimes\": supported values: \"OnFailure\", \"Never\"",
                    ),
                ],
            ),
            case(
                "negative parallelism and backoffLimit",
                |j| {
                    *at(j, "spec/parallelism") = json!(-1);
                    *at(j, "spec/backoffLimit") = json!(-2);
                },
                vec![
                    cause(
                        "spec.parallelism",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                    cause(
                        "spec.backoffLimit",
                        "FieldValueInvalid",
                        "Invalid value: -2: must be greater than or equal to 0",
                    ),
                ],
            ),
            case(
                "unknown completionMode",
                |j| *at(j, "spec/completionMode") = json!("Sometimes"),
                vec![cause(
                    "spec.completionMode",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\"",
                )],
            ),
            case(
                "a selector that is not the generated one",
                |j| *at(j, "spec/selector") = json!({"matchLabels": {"app": "x"}}),
                vec![
                    cause(
                        "spec.selector",
                        "FieldValueInvalid",
                        "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated",
                    ),
                    cause(
                        "spec.template.metadata.labels",
                        "FieldValueInvalid",
                        "Invalid value: map[string]string{\"batch.kubernetes.io/controller-uid\":\"u\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"u\", \"job-name\":\"pi\"}: `selector` does not match template `labels`",
                    ),
                ],
            ),
            case(
                "a generated label missing",
                |j| remove(j, "spec/template/metadata/labels/job-name"),
                vec![cause(
                    "spec.template.metadata.labels[job-name]",
                    "FieldValueRequired",
                    "Required value: pi",
                )],
            ),
            case(
                "a manual selector is the user's",
                |j| {
                    *at(j, "spec/manualSelector") = json!(true);
                    *at(j, "spec/selector") = json!({"matchLabels": {"app": "web"}});
                    *at(j, "spec/template/metadata/labels") = json!({"app": "web"});
                },
                vec![],
            ),
            case(
                "exit code 0 with In",
                |j| {
                    *at(j, "spec/podFailurePolicy") = json!({"rules": [
                        {"action": "FailJob", "onExitCodes": {"operator": "In", "values": [0, 3, 2]}}
                    ]})
                },
                vec![
                    cause(
                        "spec.podFailurePolicy.rules[0].onExitCodes.values[0]",
                        "FieldValueInvalid",
                        "Invalid value: 0: must not be 0 for the In operator",
                    ),
                    cause(
                        "spec.podFailurePolicy.rules[0].onExitCodes.values",
                        "FieldValueInvalid",
                        "Invalid value: []int32{0, 3, 2}: must be ordered",
                    ),
                ],
            ),
            case(
                "a rule with neither requirement",
                |j| *at(j, "spec/podFailurePolicy") = json!({"rules": [{"action": "Explode"}]}),
                vec![
                    cause(
                        "spec.podFailurePolicy.rules[0].action",
                        "FieldValueNotSupported",
                        "Unsupported value: \"Explode\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"",
                    ),
                    cause(
                        "spec.podFailurePolicy.rules[0]",
                        "FieldValueInvalid",
                        "Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
                    ),
                ],
            ),
            case(
                "backoffLimitPerIndex without Indexed",
                |j| *at(j, "spec/backoffLimitPerIndex") = json!(1),
                vec![cause(
                    "spec.backoffLimitPerIndex",
                    "FieldValueInvalid",
                    "Invalid value: 1: requires indexed completion mode",
                )],
            ),
            case(
                "Indexed without completions",
                |j| {
                    *at(j, "spec/completionMode") = json!("Indexed");
                    remove(j, "spec/completions");
                },
                vec![cause(
                    "spec.completions",
                    "FieldValueRequired",
                    "Required value: when completion mode is Indexed",
                )],
            ),
        ],
    );
}

#[test]
fn job_update() {
    run_updates(
        JOBS,
        &job(),
        vec![
            case(
                "the spec's causes come twice (ValidateJob, then ValidateJobUpdate)",
                |j| *at(j, "spec/parallelism") = json!(-1),
                vec![
                    cause(
                        "spec.parallelism",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                    cause(
                        "spec.parallelism",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                ],
            ),
            case(
                "completions are immutable",
                |j| *at(j, "spec/completions") = json!(3),
                vec![cause(
                    "spec.completions",
                    "FieldValueInvalid",
                    "Invalid value: 3: field is immutable",
                )],
            ),
            case(
                "completionMode is immutable",
                |j| *at(j, "spec/completionMode") = json!("Indexed"),
                vec![cause(
                    "spec.completionMode",
                    "FieldValueInvalid",
                    "Invalid value: \"Indexed\": field is immutable",
                )],
            ),
        ],
    );
    let old = defaulted("batch", "v1", "jobs", job());
    let mut new = job();
    *at(&mut new, "spec/template/spec/nodeSelector") = json!({"disk": "ssd"});
    let new = defaulted("batch", "v1", "jobs", new);
    let got = causes(JOBS, &new, Write::Update { old: &old });
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("spec.template", "FieldValueInvalid")
    );
    assert!(got[0].2.ends_with(": field is immutable"), "{}", got[0].2);

    let mut suspended = job();
    *at(&mut suspended, "spec/suspend") = json!(true);
    let old = defaulted("batch", "v1", "jobs", suspended.clone());
    *at(&mut suspended, "spec/template/spec/nodeSelector") = json!({"disk": "ssd"});
    let new = defaulted("batch", "v1", "jobs", suspended);
    assert_eq!(
        causes(JOBS, &new, Write::Update { old: &old }),
        vec![],
        "a suspended Job that never started may change its scheduling directives"
    );
}

fn cron_job() -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "hello", "namespace": "default"},
        "spec": {
            "schedule": "*/5 * * * *",
            "jobTemplate": {"spec": {"template": template("OnFailure")}}
        }
    })
}

#[test]
fn cron_job_create() {
    run_creates(
        CRON_JOBS,
        &cron_job(),
        vec![
            case(
                "no schedule",
                |c| remove(c, "spec/schedule"),
                vec![cause(
                    "spec.schedule",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "a schedule with one field",
                |c| *at(c, "spec/schedule") = json!("hourly"),
                vec![cause(
                    "spec.schedule",
                    "FieldValueInvalid",
                    "Invalid value: \"hourly\": expected exactly 5 fields, found 1: [hourly]",
                )],
            ),
            case(
                "TZ in the schedule",
                |c| *at(c, "spec/schedule") = json!("TZ=UTC 0 * * * *"),
                vec![cause(
                    "spec.schedule",
                    "FieldValueInvalid",
                    "Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                )],
            ),
            case(
                "unknown concurrencyPolicy",
                |c| *at(c, "spec/concurrencyPolicy") = json!("Sometimes"),
                vec![cause(
                    "spec.concurrencyPolicy",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
                )],
            ),
            case(
                "a job template that restarts Always, with a selector",
                |c| {
                    *at(c, "spec/jobTemplate/spec/template/spec/restartPolicy") = json!("Always");
                    *at(c, "spec/jobTemplate/spec/selector") = json!({"matchLabels": {"a": "b"}});
                },
                vec![
                    cause(
                        "spec.jobTemplate.spec.template.spec.restartPolicy",
                        "FieldValueRequired",
                        "Required value: valid values: \"OnFailure\", \"Never\"",
                    ),
                    cause(
                        "spec.jobTemplate.spec.selector",
                        "FieldValueInvalid",
                        "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated",
                    ),
                ],
            ),
            case(
                "negative history limits",
                |c| {
                    *at(c, "spec/successfulJobsHistoryLimit") = json!(-1);
                    *at(c, "spec/failedJobsHistoryLimit") = json!(-1);
                },
                vec![
                    cause(
                        "spec.successfulJobsHistoryLimit",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                    cause(
                        "spec.failedJobsHistoryLimit",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                ],
            ),
            case(
                "a Local or unknown time zone",
                |c| *at(c, "spec/timeZone") = json!("Local"),
                vec![cause(
                    "spec.timeZone",
                    "FieldValueInvalid",
                    "Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                )],
            ),
            case(
                "a real time zone",
                |c| *at(c, "spec/timeZone") = json!("Europe/Paris"),
                vec![],
            ),
            case(
                "a name too long for its Jobs",
                |c| *at(c, "metadata/name") = json!("a".repeat(53)),
                vec![cause(
                    "metadata.name",
                    "FieldValueInvalid",
                    &format!(
                        "Invalid value: \"{}\": must be no more than 52 characters",
                        "a".repeat(53)
                    ),
                )],
            ),
        ],
    );
}

#[test]
fn cron_schedules_parse_as_robfig_cron_does() {
    for ok in [
        "*/5 * * * *",
        "0 0 1 jan mon",
        "0-59/15 1,2 * * SUN",
        "@hourly",
        "@every 1h30m",
    ] {
        assert_eq!(parse_standard(ok), Ok(()), "{ok}");
    }
    for (bad, err) in [
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("61 * * * *", "end of range (61) above maximum (59): 61"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        (
            "5-1 * * * *",
            "beginning of range (5) beyond end of range (1): 5-1",
        ),
        (
            "*/0 * * * *",
            "step of range should be a positive number: */0",
        ),
        (
            "x * * * *",
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
        ),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("* * * * 7", "end of range (7) above maximum (6): 7"),
        ("@weekday", "unrecognized descriptor: @weekday"),
        (
            "@every 5x",
            "failed to parse duration @every 5x: time: unknown unit \"x\" in duration \"5x\"",
        ),
        (
            "@every 5",
            "failed to parse duration @every 5: time: missing unit in duration \"5\"",
        ),
    ] {
        assert_eq!(parse_standard(bad), Err(err.to_owned()), "{bad}");
    }
}
