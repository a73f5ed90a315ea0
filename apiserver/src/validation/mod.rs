//! Per-kind validation: what kube-apiserver's `pkg/apis/*/validation` checks beyond object
//! metadata, with its field paths, reasons and messages, in its order (the order of
//! `details.causes` and of the summary message).
//!
//! Objects arrive in their storage form (`Kind::to_storage`), defaulted and prepared, after the
//! metadata checks of the registry.

mod autoscaling;
mod batch;
mod cluster;
mod common;
mod config;
mod cron;
mod pod;
mod service;
mod storage;
mod workloads;

#[cfg(test)]
mod tests;

pub(crate) use common::string_pairs;

use serde_json::{Map, Value};

use crate::error::Cause;
use crate::kinds::Kind;

/// Which write is validated: kube-apiserver's strategies call `Validate` on create,
/// `ValidateUpdate` on update and their status strategy's `ValidateUpdate` on `/status`.
#[derive(Clone, Copy, Debug)]
pub enum Write<'a> {
    Create,
    Update { old: &'a Map<String, Value> },
    Status { old: &'a Map<String, Value> },
}

/// The causes for `obj` beyond `ValidateObjectMeta` / `ValidateObjectMetaUpdate`.
pub fn validate(kind: &Kind, obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    if let Some(custom) = &kind.custom {
        let mut causes = custom
            .schema
            .as_ref()
            .map(|schema| crate::crd::schema_validator::validate(schema, obj))
            .unwrap_or_default();
        if let Some(paths) = &custom.scale {
            if !matches!(write, Write::Status { .. }) {
                causes.extend(crate::crd::scale::validate_spec(obj, paths));
            }
            causes.extend(crate::crd::scale::validate_status(obj, paths));
        }
        return causes;
    }
    match (kind.info.group, kind.info.resource) {
        ("apiextensions.k8s.io", "customresourcedefinitions") => match write {
            Write::Create => crate::crd::validation::validate(obj, None),
            Write::Update { old } => crate::crd::validation::validate(obj, Some(old)),
            // `ValidateUpdateCustomResourceDefinitionStatus`: the accepted names, which kubemem
            // computes from the validated spec.
            Write::Status { .. } => Vec::new(),
        },
        ("", "pods") => pod::validate_pod(obj, write),
        ("", "podtemplates") if !matches!(write, Write::Status { .. }) => {
            pod::validate_pod_template_spec(obj.get("template").unwrap_or(&Value::Null), "template")
        }
        ("", "services") => service::service(obj, write),
        ("", "configmaps") => config::config_map(obj, write),
        ("", "secrets") => config::secret(obj, write),
        ("", "persistentvolumes") => storage::persistent_volume(obj, write),
        ("", "persistentvolumeclaims") => storage::persistent_volume_claim(obj, write),
        ("", "nodes") => cluster::node(obj, write),
        ("", "namespaces") => cluster::namespace(obj, write),
        ("", "endpoints") => cluster::endpoints(obj, write),
        ("autoscaling", "horizontalpodautoscalers") => {
            autoscaling::horizontal_pod_autoscaler(obj, write)
        }
        ("", "replicationcontrollers") => workloads::replication_controller(obj, write),
        ("apps", "deployments") => workloads::deployment(obj, write),
        ("apps", "replicasets") => workloads::replica_set(obj, write),
        ("apps", "daemonsets") => workloads::daemon_set(obj, write),
        ("apps", "statefulsets") => workloads::stateful_set(obj, write),
        ("batch", "jobs") => batch::job(obj, write),
        ("batch", "cronjobs") => batch::cron_job(obj, write),
        _ => Vec::new(),
    }
}
