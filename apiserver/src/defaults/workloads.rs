//! Controllers and their pod templates: `pkg/apis/apps/v1/defaults.go`,
//! `pkg/apis/batch/v1/defaults.go` and `SetDefaults_ReplicationController` of
//! `pkg/apis/core/v1/defaults.go`. Templates get the `PodSpec` defaults, not the Pod-only ones.

use serde_json::{Map, Value};

use super::json::{self, Obj, child, child_or_insert, default, default_str, each, put};
use super::{kinds, pod};

/// `SetDefaults_ReplicationController`: selector and labels from the template's labels,
/// one replica.
pub fn replication_controller(obj: &mut Obj) {
    let template_labels = obj
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"))
        .filter(|l| matches!(l, Value::Object(m) if !m.is_empty()))
        .cloned();
    if let Some(labels) = &template_labels {
        if let Some(spec) = child(obj, "spec")
            && json::empty_object(spec, "selector")
        {
            put(spec, json::REPLICA_SET_SPEC, "selector", labels.clone());
        }
        copy_labels_if_none(obj, labels);
    }
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    default(spec, json::REPLICA_SET_SPEC, "replicas", Value::from(1));
    if let Some(template) = child(spec, "template") {
        pod::template(template);
    }
}

/// `SetDefaults_Deployment`.
pub fn deployment(obj: &mut Obj) {
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    let order = json::DEPLOYMENT_SPEC;
    default(spec, order, "replicas", Value::from(1));
    if let Some(strategy) = child_or_insert(spec, order, "strategy") {
        default_str(strategy, json::STRATEGY, "type", "RollingUpdate");
        if json::str_of(strategy, "type") == "RollingUpdate"
            && let Some(rolling) = child_or_insert(strategy, json::STRATEGY, "rollingUpdate")
        {
            default(
                rolling,
                json::ROLLING_UPDATE,
                "maxUnavailable",
                Value::String("25%".into()),
            );
            default(
                rolling,
                json::ROLLING_UPDATE,
                "maxSurge",
                Value::String("25%".into()),
            );
        }
    }
    default(spec, order, "revisionHistoryLimit", Value::from(10));
    default(spec, order, "progressDeadlineSeconds", Value::from(600));
    template(spec);
}

/// `SetDefaults_ReplicaSet`.
pub fn replica_set(obj: &mut Obj) {
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    default(spec, json::REPLICA_SET_SPEC, "replicas", Value::from(1));
    template(spec);
}

/// `SetDefaults_DaemonSet`.
pub fn daemon_set(obj: &mut Obj) {
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    let order = json::DAEMON_SET_SPEC;
    if let Some(strategy) = child_or_insert(spec, order, "updateStrategy") {
        default_str(strategy, json::STRATEGY, "type", "RollingUpdate");
        if json::str_of(strategy, "type") == "RollingUpdate"
            && let Some(rolling) = child_or_insert(strategy, json::STRATEGY, "rollingUpdate")
        {
            default(
                rolling,
                json::ROLLING_UPDATE,
                "maxUnavailable",
                Value::from(1),
            );
            default(rolling, json::ROLLING_UPDATE, "maxSurge", Value::from(0));
        }
    }
    default(spec, order, "revisionHistoryLimit", Value::from(10));
    template(spec);
}

/// `SetDefaults_StatefulSet`, with `MaxUnavailableStatefulSet` (beta, on since 1.35), and the
/// claim templates' `PersistentVolumeClaim` defaults.
pub fn stateful_set(obj: &mut Obj) {
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    let order = json::STATEFUL_SET_SPEC;
    default_str(spec, order, "podManagementPolicy", "OrderedReady");
    if let Some(strategy) = child_or_insert(spec, order, "updateStrategy") {
        if json::unset_str(strategy, "type") {
            put(
                strategy,
                json::STRATEGY,
                "type",
                Value::String("RollingUpdate".into()),
            );
            default(
                strategy,
                json::STRATEGY,
                "rollingUpdate",
                Value::Object(Map::new()),
            );
        }
        if json::str_of(strategy, "type") == "RollingUpdate"
            && let Some(rolling) = child(strategy, "rollingUpdate")
        {
            default(
                rolling,
                json::STATEFUL_ROLLING_UPDATE,
                "partition",
                Value::from(0),
            );
            default(
                rolling,
                json::STATEFUL_ROLLING_UPDATE,
                "maxUnavailable",
                Value::from(1),
            );
        }
    }
    if let Some(policy) = child_or_insert(spec, order, "persistentVolumeClaimRetentionPolicy") {
        default_str(policy, json::PVC_RETENTION, "whenDeleted", "Retain");
        default_str(policy, json::PVC_RETENTION, "whenScaled", "Retain");
    }
    default(spec, order, "replicas", Value::from(1));
    default(spec, order, "revisionHistoryLimit", Value::from(10));
    template(spec);
    each(spec, "volumeClaimTemplates", |claim| {
        child_or_insert(claim, json::OBJECT, "metadata");
        kinds::persistent_volume_claim(claim);
    });
}

/// `SetDefaults_Job` (with `JobPodReplacementPolicy`, GA) and the pod failure policy patterns.
pub fn job(obj: &mut Obj) {
    let template_labels = obj
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"))
        .filter(|l| l.is_object())
        .cloned();
    if let Some(labels) = &template_labels {
        copy_labels_if_none(obj, labels);
    }
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    let order = json::JOB_SPEC;
    if json::absent(spec, "completions") && json::absent(spec, "parallelism") {
        put(spec, order, "completions", Value::from(1));
        put(spec, order, "parallelism", Value::from(1));
    }
    default(spec, order, "parallelism", Value::from(1));
    if json::absent(spec, "backoffLimit") {
        let limit = if json::absent(spec, "backoffLimitPerIndex") {
            6
        } else {
            i64::from(i32::MAX)
        };
        put(spec, order, "backoffLimit", Value::from(limit));
    }
    default(
        spec,
        order,
        "completionMode",
        Value::String("NonIndexed".into()),
    );
    default(spec, order, "suspend", Value::Bool(false));
    if json::absent(spec, "podReplacementPolicy") {
        let policy = if json::absent(spec, "podFailurePolicy") {
            "TerminatingOrFailed"
        } else {
            "Failed"
        };
        put(
            spec,
            order,
            "podReplacementPolicy",
            Value::String(policy.into()),
        );
    }
    default(spec, order, "manualSelector", Value::Bool(false));
    job_spec(spec);
}

/// `SetDefaults_CronJob`; the job template gets the pod template defaults but not
/// `SetDefaults_Job` (that takes a Job, not a JobSpec).
pub fn cron_job(obj: &mut Obj) {
    let Some(spec) = super::spec_or_insert(obj) else {
        return;
    };
    let order = json::CRON_JOB_SPEC;
    default_str(spec, order, "concurrencyPolicy", "Allow");
    default(spec, order, "suspend", Value::Bool(false));
    default(spec, order, "successfulJobsHistoryLimit", Value::from(3));
    default(spec, order, "failedJobsHistoryLimit", Value::from(1));
    if let Some(job_template) = child(spec, "jobTemplate") {
        child_or_insert(job_template, json::TEMPLATE, "metadata");
        if let Some(job_spec) = child(job_template, "spec") {
            self::job_spec(job_spec);
        }
    }
}

/// What every `JobSpec` gets: `SetDefaults_PodFailurePolicyOnPodConditionsPattern` and the
/// template's defaults.
fn job_spec(spec: &mut Obj) {
    if let Some(policy) = child(spec, "podFailurePolicy") {
        each(policy, "rules", |rule| {
            each(rule, "onPodConditions", |pattern| {
                default_str(pattern, json::POD_CONDITION_PATTERN, "status", "True");
            });
        });
    }
    template(spec);
}

/// The pod template of a controller spec.
fn template(spec: &mut Obj) {
    if let Some(template) = child(spec, "template") {
        pod::template(template);
    }
}

/// `if len(obj.Labels) == 0 { obj.Labels = labels }` (an empty map stays invisible).
fn copy_labels_if_none(obj: &mut Obj, labels: &Value) {
    if matches!(labels, Value::Object(m) if m.is_empty()) {
        return;
    }
    let Some(meta) = child_or_insert(obj, json::OBJECT, "metadata") else {
        return;
    };
    if json::empty_object(meta, "labels") {
        put(meta, json::OBJECT_META, "labels", labels.clone());
    }
}
