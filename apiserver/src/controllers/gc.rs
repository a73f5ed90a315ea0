//! The garbage collector: dependents (objects whose `metadata.ownerReferences` name an owner by
//! uid) follow their owners as kube-controller-manager's garbage collector makes them.
//!
//! - An owner deleted in the background: once every owner a dependent names is gone, the
//!   dependent is deleted (in the background too, so the deletion cascades).
//! - An owner deleted with `propagationPolicy=Orphan` carries the `orphan` finalizer: the
//!   collector removes the owner's references from its dependents, then the finalizer, and the
//!   owner goes while the dependents stay.
//! - An owner deleted with `propagationPolicy=Foreground` carries `foregroundDeletion`: its
//!   dependents are deleted in the foreground too, and once none that blocks its deletion
//!   (`blockOwnerDeletion: true`) is left, the finalizer goes and so does the owner.
//!
//! The collector keeps the ownership graph in memory: built from one read of the keyspace, then
//! kept current from a watch of everything under `/registry/`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use kubemem_store::{EventKind, RangeEnd, RangeRequest};
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::error::ApiError;
use crate::kinds::Kind;
use crate::object::meta_mut;
use crate::registry::{DeleteOptions, Propagation, UpdateMode};

/// The parts of an object's metadata the collector reads.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NodeMeta {
    #[serde(default)]
    uid: String,
    #[serde(default)]
    owner_references: Vec<OwnerRef>,
    #[serde(default)]
    deletion_timestamp: Option<String>,
    #[serde(default)]
    finalizers: Vec<String>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct OwnerRef {
    #[serde(default)]
    uid: String,
    #[serde(default)]
    block_owner_deletion: Option<bool>,
}

/// The ownership graph.
#[derive(Default)]
struct Graph {
    /// uid → key of every live object.
    alive: HashMap<String, Bytes>,
    /// key → what the collector knows of the object.
    nodes: HashMap<Bytes, NodeMeta>,
    /// owner uid → the keys of its dependents.
    dependents: HashMap<String, HashSet<Bytes>>,
    /// Dependents that may have lost their last owner: checked at the next round.
    pending: HashSet<Bytes>,
    /// Owners being deleted with a finalizer the collector serves.
    finalizing: HashSet<Bytes>,
}

/// The finalizers the collector serves.
const FINALIZERS: [&str; 2] = ["orphan", "foregroundDeletion"];

impl Graph {
    fn remove(&mut self, key: &Bytes) {
        // Every write of every object comes here and almost no object is being finalized:
        // the key is not hashed for an empty set.
        if !self.finalizing.is_empty() {
            self.finalizing.remove(key);
        }
        if let Some(old) = self.nodes.remove(key) {
            self.alive.remove(&old.uid);
            if let Some(dependents) = self.dependents.get(&old.uid) {
                self.pending.extend(dependents.iter().cloned());
            }
            for owner in &old.owner_references {
                if let Some(set) = self.dependents.get_mut(&owner.uid) {
                    set.remove(key);
                    if set.is_empty() {
                        self.dependents.remove(&owner.uid);
                    }
                }
            }
        }
    }

    fn put(&mut self, key: Bytes, stored: &[u8]) {
        self.remove(&key);
        // Keys that hold no object (allocation reservations) have no uid and are not nodes.
        let Some(meta) = crate::object::read_meta_before_managed_fields::<NodeMeta>(stored) else {
            return;
        };
        if meta.uid.is_empty() {
            return;
        }
        for owner in &meta.owner_references {
            self.dependents
                .entry(owner.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        if meta
            .owner_references
            .iter()
            .any(|o| !self.alive.contains_key(&o.uid))
        {
            self.pending.insert(key.clone());
        }
        if meta.deletion_timestamp.is_some()
            && meta
                .finalizers
                .iter()
                .any(|f| FINALIZERS.contains(&f.as_str()))
        {
            self.finalizing.insert(key.clone());
        }
        self.alive.insert(meta.uid.clone(), key.clone());
        self.nodes.insert(key, meta);
    }

    /// The pending dependents all of whose owners are gone (the others need nothing).
    fn take_orphaned(&mut self) -> Vec<Bytes> {
        let pending = std::mem::take(&mut self.pending);
        pending
            .into_iter()
            .filter(|key| {
                self.nodes.get(key).is_some_and(|meta| {
                    meta.deletion_timestamp.is_none()
                        && meta
                            .owner_references
                            .iter()
                            .all(|o| !self.alive.contains_key(&o.uid))
                })
            })
            .collect()
    }

    /// Owners being deleted with `finalizer`.
    fn finalizing(&self, finalizer: &str) -> Vec<(Bytes, String)> {
        self.finalizing
            .iter()
            .filter_map(|key| {
                let meta = self.nodes.get(key)?;
                meta.finalizers
                    .iter()
                    .any(|f| f == finalizer)
                    .then(|| (key.clone(), meta.uid.clone()))
            })
            .collect()
    }
}

/// The kind, namespace and name a key belongs to: built-in kinds and custom resources alike
/// (owners and dependents may be either).
async fn locate(
    state: &AppState,
    key: &[u8],
) -> Result<Option<(Arc<Kind>, Option<String>, String)>, ApiError> {
    let Ok(key) = std::str::from_utf8(key) else {
        return Ok(None);
    };
    let Some(kind) = state.stored_kind_at(key).await? else {
        return Ok(None);
    };
    let Some(rest) = key.strip_prefix(kind.prefix.as_str()) else {
        return Ok(None);
    };
    let (namespace, name) = match rest.split_once('/') {
        Some((ns, name)) if kind.info.namespaced => (Some(ns.to_owned()), name.to_owned()),
        _ => (None, rest.to_owned()),
    };
    Ok(Some((kind, namespace, name)))
}

async fn delete(state: &AppState, key: &[u8], propagation: Propagation) -> Result<(), ApiError> {
    let Some((kind, namespace, name)) = locate(state, key).await? else {
        return Ok(());
    };
    let options = DeleteOptions {
        propagation,
        ..DeleteOptions::default()
    };
    match state
        .registry
        .delete(&kind, namespace.as_deref(), &name, &options)
        .await
    {
        Ok(_) | Err(ApiError::NotFound { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Rewrites an object with `change`, as the server's own write.
async fn rewrite(
    state: &AppState,
    key: &[u8],
    change: impl Fn(&mut serde_json::Map<String, Value>),
) -> Result<(), ApiError> {
    let Some((kind, namespace, name)) = locate(state, key).await? else {
        return Ok(());
    };
    let ns = namespace.as_deref();
    let (mut obj, kv) = match state.registry.get_object(&kind, ns, &name).await {
        Ok(found) => found,
        Err(ApiError::NotFound { .. }) => return Ok(()),
        Err(e) => return Err(e),
    };
    change(&mut obj);
    meta_mut(&mut obj).insert("resourceVersion".into(), kv.mod_revision.to_string().into());
    match state
        .registry
        .update(
            &kind,
            ns,
            &name,
            obj,
            &Default::default(),
            UpdateMode::System,
        )
        .await
    {
        Ok(_) | Err(ApiError::NotFound { .. } | ApiError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

fn remove_finalizer(obj: &mut serde_json::Map<String, Value>, finalizer: &str) {
    if let Some(list) = meta_mut(obj)
        .get_mut("finalizers")
        .and_then(Value::as_array_mut)
    {
        list.retain(|f| f != finalizer);
    }
}

/// One round of work on the graph.
async fn collect(state: &AppState, graph: &mut Graph) -> Result<(), ApiError> {
    for key in graph.take_orphaned() {
        delete(state, &key, Propagation::Background).await?;
    }
    for (owner, uid) in graph.finalizing("orphan") {
        for dependent in graph.dependents.get(&uid).into_iter().flatten() {
            rewrite(state, dependent, |obj| {
                if let Some(refs) = meta_mut(obj)
                    .get_mut("ownerReferences")
                    .and_then(Value::as_array_mut)
                {
                    refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(&uid));
                }
            })
            .await?;
        }
        if graph.dependents.get(&uid).is_none_or(HashSet::is_empty) {
            rewrite(state, &owner, |obj| remove_finalizer(obj, "orphan")).await?;
        }
    }
    for (owner, uid) in graph.finalizing("foregroundDeletion") {
        let mut blocking = false;
        for dependent in graph.dependents.get(&uid).into_iter().flatten() {
            let Some(meta) = graph.nodes.get(dependent) else {
                continue;
            };
            blocking |= meta
                .owner_references
                .iter()
                .any(|o| o.uid == uid && o.block_owner_deletion == Some(true));
            if meta.deletion_timestamp.is_none() {
                delete(state, dependent, Propagation::Foreground).await?;
            }
        }
        if !blocking {
            rewrite(state, &owner, |obj| {
                remove_finalizer(obj, "foregroundDeletion")
            })
            .await?;
        }
    }
    Ok(())
}

/// Runs the collector until the server shuts down, on the node that leads: a node that does not
/// lead keeps no graph (it would follow every write for nothing); one that comes to lead builds
/// it then.
pub fn start(state: &Arc<AppState>) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let mut shutdown = state.shutdown();
        let mut tick = tokio::time::interval(super::RESYNC);
        loop {
            while !state.registry.backend().leads() {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = shutdown.wait_for(|stopped| *stopped) => return,
                }
            }
            // Each round builds the graph from one read, then follows the watch; a watch that
            // falls behind compaction, or a node that stops leading, ends the round.
            let Some((mut graph, mut watcher)) = build(&state).await else {
                return;
            };
            while state.registry.backend().leads() {
                if let Err(e) = collect(&state, &mut graph).await {
                    tracing::warn!(error = %e, "garbage collector");
                }
                tokio::select! {
                    batch = watcher.next() => match batch {
                        Ok(batch) => {
                            for event in batch.events {
                                match event.kind {
                                    EventKind::Put => {
                                        graph.put(event.kv.key, &event.kv.value);
                                    }
                                    EventKind::Delete => graph.remove(&event.kv.key),
                                }
                            }
                        }
                        Err(_) => break,
                    },
                    _ = tick.tick() => {}
                    _ = shutdown.wait_for(|stopped| *stopped) => return,
                }
            }
        }
    });
}

/// The graph of everything stored now, and a watcher from just after.
async fn build(state: &AppState) -> Option<(Graph, kubemem_store::Watcher)> {
    let backend = state.registry.backend();
    let prefix = Bytes::from_static(b"/registry/");
    let snapshot = backend
        .range(RangeRequest {
            key: prefix.clone(),
            end: RangeEnd::Prefix,
            revision: 0,
            limit: 0,
            after: None,
            count_only: false,
        })
        .await
        .ok()?;
    let mut graph = Graph::default();
    for kv in &snapshot.kvs {
        graph.put(kv.key.clone(), &kv.value);
    }
    let watcher = backend.watch(prefix, snapshot.revision + 1).ok()?;
    Some((graph, watcher))
}
