//! Deleting a CRD as kube-apiserver does: the first DELETE only marks it
//! (`customresourcedefinition.REST.Delete`, `pkg/registry/customresourcedefinition/etcd.go`),
//! and the CRD finalizer (`pkg/controller/finalizer/crd_finalizer.go`) — part of kube-apiserver,
//! so it runs whatever controllers are switched on, as in envtest — deletes the custom
//! resources, waits for them to be gone, and lets the CRD go.
//!
//! A worked trace for a CRD `widgets.example.com` with a custom resource `a` that has a
//! finalizer of its own:
//!
//! ```text
//! DELETE crd            deletionTimestamp set, finalizer customresourcecleanup.apiextensions.k8s.io
//!                       added, Terminating=True InstanceDeletionPending; 200 with the CRD.
//!                       POST widgets now answers 405 "create not allowed while custom resource
//!                       definition is terminating"; discovery lists delete/get/list/watch only.
//! finalizer pass        Terminating=True InstanceDeletionInProgress "CustomResource deletion is
//!                       in progress"; DELETE of every widget: `a` is marked (deletionTimestamp).
//! (passes, each tick)   `a` is still there: nothing is written, the condition stays InProgress.
//! client removes a's    `a` goes.
//!   finalizer
//! finalizer pass        no widget left: Terminating=False InstanceDeletionCompleted "removed all
//!                       instances" and the finalizer removed in one status write, which deletes
//!                       the CRD (no finalizer, no grace period: `shouldDeleteDuringUpdate`).
//! ```
//!
//! Departure: kube's controller waits a minute for the custom resources each time it runs, then
//! writes `InstanceDeletionCheck` ("could not confirm zero CustomResources remaining: ...") and
//! retries with a growing backoff; kubemem keeps `InstanceDeletionInProgress` while it waits.

use serde_json::{Map, Value, json};

use super::status::set_condition;
use crate::AppState;
use crate::backend::BackendFuture;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::object::{meta_mut, meta_str};
use crate::registry::{DeleteOptions, UpdateMode, WriteOptions};

/// `apiextensions.CustomResourceCleanupFinalizer`.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

fn has_finalizer(crd: &Map<String, Value>) -> bool {
    crd.get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|f| f == CLEANUP_FINALIZER))
}

/// The first DELETE of a CRD (`REST.Delete`'s update): the deletion stamped, the cleanup
/// finalizer added, `Terminating` set.
pub fn mark_for_deletion(crd: &mut Map<String, Value>, now: &str) {
    let meta = meta_mut(crd);
    meta.entry("deletionTimestamp")
        .or_insert_with(|| Value::String(now.to_owned()));
    let finalizers = meta.entry("finalizers").or_insert_with(|| json!([]));
    if let Some(list) = finalizers.as_array_mut()
        && !list.iter().any(|f| f == CLEANUP_FINALIZER)
    {
        list.push(json!(CLEANUP_FINALIZER));
    }
    set_condition(
        crd,
        "Terminating",
        "True",
        "InstanceDeletionPending",
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        now,
    );
}

/// One pass of the CRD finalizer over every CRD being deleted.
pub fn pass(state: &AppState) -> BackendFuture<'_, ()> {
    Box::pin(async move {
        let Some(kind) = state.kind("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        else {
            return;
        };
        let Ok(crds) = super::list(&state.registry).await else {
            return;
        };
        for crd in crds {
            let crd = super::as_map(crd);
            if meta_str(&crd, "deletionTimestamp").is_empty() || !has_finalizer(&crd) {
                continue;
            }
            let name = meta_str(&crd, "name").to_owned();
            match finalize(state, &kind, &name).await {
                Ok(()) | Err(ApiError::NotFound { .. } | ApiError::Conflict { .. }) => {}
                Err(e) => tracing::warn!(crd = %name, error = %e, "CRD finalizer"),
            }
        }
    })
}

/// `CRDFinalizer.sync` for the CRD `name`.
async fn finalize(state: &AppState, kind: &Kind, name: &str) -> ApiResult<()> {
    let (crd, _) = state.registry.get_object(kind, None, name).await?;
    if meta_str(&crd, "deletionTimestamp").is_empty() || !has_finalizer(&crd) {
        return Ok(());
    }
    let in_progress = crd["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| {
            c["type"] == "Terminating"
                && c["status"] == "True"
                && c["reason"] == "InstanceDeletionInProgress"
        });
    if !in_progress {
        write_status(state, kind, name, |crd, now| {
            set_condition(
                crd,
                "Terminating",
                "True",
                "InstanceDeletionInProgress",
                "CustomResource deletion is in progress",
                now,
            );
        })
        .await?;
    }
    let (crd, _) = state.registry.get_object(kind, None, name).await?;
    let crd_value = Value::Object(crd);
    let (status, reason, message) = if super::condition_true(&crd_value, "Established") {
        if delete_instances(state, &crd_value).await? > 0 {
            // Some are held by their finalizers: the next pass looks again.
            return Ok(());
        }
        (
            "False",
            "InstanceDeletionCompleted",
            "removed all instances",
        )
    } else {
        (
            "False",
            "NeverEstablished",
            "resource was never established",
        )
    };
    write_status(state, kind, name, |crd, now| {
        set_condition(crd, "Terminating", status, reason, message, now);
        let meta = meta_mut(crd);
        if let Some(list) = meta.get_mut("finalizers").and_then(Value::as_array_mut) {
            list.retain(|f| f != CLEANUP_FINALIZER);
            if list.is_empty() {
                meta.remove("finalizers");
            }
        }
    })
    .await
}

/// `deleteInstances`: a DELETE of every custom resource not being deleted yet (so their own
/// finalizers are honoured); the number of custom resources left.
async fn delete_instances(state: &AppState, crd: &Value) -> ApiResult<usize> {
    let spec = &crd["spec"];
    let (group, plural) = (
        spec["group"].as_str().unwrap_or(""),
        spec["names"]["plural"].as_str().unwrap_or(""),
    );
    let Some(kind) = state
        .custom_kinds
        .resolve_stored(&state.registry, group, plural)
        .await?
    else {
        // No version is served: nothing can read or hold them; they go with the CRD's keys.
        state
            .registry
            .delete_prefix(&format!("/registry/{group}/{plural}/"))
            .await?;
        return Ok(0);
    };
    let items = state.registry.list_objects(&kind, None).await?;
    let mut left = 0;
    for item in &items {
        left += 1;
        if !meta_str(item, "deletionTimestamp").is_empty() {
            continue;
        }
        let namespace = Some(meta_str(item, "namespace")).filter(|ns| !ns.is_empty());
        match state
            .registry
            .delete(
                &kind,
                namespace,
                meta_str(item, "name"),
                &DeleteOptions::default(),
            )
            .await
        {
            Ok(_) | Err(ApiError::NotFound { .. } | ApiError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    if left > 0 {
        left = state.registry.list_objects(&kind, None).await?.len();
    }
    Ok(left)
}

/// A status write of the CRD `name` as read now, changed by `edit` (`UpdateStatus`, written as
/// the server's own write). A write that leaves a deleting CRD no finalizer deletes it.
async fn write_status(
    state: &AppState,
    kind: &Kind,
    name: &str,
    edit: impl FnOnce(&mut Map<String, Value>, &str),
) -> ApiResult<()> {
    let (mut crd, kv) = state.registry.get_object(kind, None, name).await?;
    edit(&mut crd, &clock::now_rfc3339());
    meta_mut(&mut crd).insert(
        "resourceVersion".into(),
        Value::String(kv.mod_revision.to_string()),
    );
    state
        .registry
        .update(
            kind,
            None,
            name,
            crd,
            &WriteOptions::default(),
            UpdateMode::System,
        )
        .await
        .map(drop)
}
