//! The built-in controllers that kube-controller-manager would run next to kube-apiserver, for
//! the behaviour clients expect from a cluster (each can be switched off, for a bare API server
//! as envtest gives):
//!
//! - **namespace**: a namespace being deleted (`Terminating`) is emptied — every object in it
//!   deleted, objects held by finalizers waited for — then its `kubernetes` finalizer is removed
//!   and it goes.
//! - **serviceaccount**: every active namespace has a `default` ServiceAccount.
//! - **garbagecollector**: dependents follow their owners (`gc`).
//! - **root-ca-cert-publisher**: every active namespace has the `kube-root-ca.crt` ConfigMap
//!   with the cluster CA (put back as it should be if edited).
//! - **podgc**: a pod being deleted gracefully on a node that does not exist is deleted at once
//!   (kube's pod garbage collector force-deletes pods bound to missing nodes; here there are no
//!   kubelets to finish a graceful deletion, and no quarantine period is waited).
//!
//! The CRD finalizer ([`crate::crd::finalizer`]) is started here too, always: kube-apiserver
//! runs it, not kube-controller-manager.
//!
//! Each controller follows the keyspace with a watcher and acts through the registry, like any
//! client; a pass is also made at start and on a short tick, so work that waits on something
//! (a finalizer) is retried.

mod gc;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::object::{meta_mut, meta_str};
use crate::registry::{DeleteOptions, UpdateMode};

/// Which controllers run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controllers {
    pub namespace: bool,
    pub serviceaccount: bool,
    pub garbagecollector: bool,
    pub podgc: bool,
    pub root_ca_cert_publisher: bool,
}

impl Default for Controllers {
    fn default() -> Self {
        Self {
            namespace: true,
            serviceaccount: true,
            garbagecollector: true,
            podgc: true,
            root_ca_cert_publisher: true,
        }
    }
}

impl Controllers {
    /// None of them: a bare API server.
    pub fn none() -> Self {
        Self {
            namespace: false,
            serviceaccount: false,
            garbagecollector: false,
            podgc: false,
            root_ca_cert_publisher: false,
        }
    }

    /// Parses a comma-separated list of controller names
    /// (`namespace,serviceaccount,garbagecollector,podgc,root-ca-cert-publisher`; empty for
    /// none).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut controllers = Self::none();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "namespace" => controllers.namespace = true,
                "serviceaccount" => controllers.serviceaccount = true,
                "garbagecollector" => controllers.garbagecollector = true,
                "podgc" => controllers.podgc = true,
                "root-ca-cert-publisher" => controllers.root_ca_cert_publisher = true,
                other => {
                    return Err(format!(
                        "unknown controller {other:?} (known: namespace, serviceaccount, garbagecollector, podgc, root-ca-cert-publisher)"
                    ));
                }
            }
        }
        Ok(controllers)
    }
}

/// How often a controller re-examines its objects when nothing changed.
const RESYNC: Duration = Duration::from_millis(500);

/// Starts the configured controllers; they stop when the server shuts down. The boot
/// namespaces get their `default` ServiceAccounts and `kube-root-ca.crt` before this returns,
/// so a pod created right after start-up finds both.
pub async fn start(state: &Arc<AppState>) {
    // Not kube-controller-manager's: kube-apiserver's own CRD finalizer, which runs whatever
    // controllers are switched on (envtest's bare API server deletes CRDs too).
    spawn(
        state,
        crate::crd::PREFIX,
        any_change,
        crate::crd::finalizer::pass,
    );
    let controllers = state.config.controllers.clone();
    let leads = state.registry.backend().leads();
    if controllers.serviceaccount && leads {
        serviceaccount_pass(state).await;
    }
    if controllers.root_ca_cert_publisher {
        if leads {
            root_ca_pass(state).await;
        }
        spawn(state, "/registry/namespaces/", any_change, root_ca_pass);
        // Only the publisher's own ConfigMaps, not every ConfigMap write.
        spawn(
            state,
            "/registry/configmaps/",
            |e| e.kv.key.ends_with(b"/kube-root-ca.crt"),
            root_ca_pass,
        );
    }
    if controllers.namespace {
        spawn(state, "/registry/namespaces/", any_change, namespace_pass);
    }
    if controllers.serviceaccount {
        spawn(
            state,
            "/registry/namespaces/",
            any_change,
            serviceaccount_pass,
        );
        spawn(
            state,
            "/registry/serviceaccounts/",
            any_change,
            serviceaccount_pass,
        );
    }
    if controllers.garbagecollector {
        gc::start(state);
    }
    if controllers.podgc {
        // Only pods being deleted (a node that goes away is noticed on the resync tick).
        spawn(
            state,
            "/registry/pods/",
            |e| e.kind == kubemem_store::EventKind::Put && is_deleting(&e.kv.value),
            podgc_pass,
        );
    }
}

type Pass = for<'a> fn(&'a AppState) -> crate::backend::BackendFuture<'a, ()>;

/// Which changes under a controller's prefix call for a pass.
type Interest = fn(&kubemem_store::Event) -> bool;

fn any_change(_: &kubemem_store::Event) -> bool {
    true
}

/// Runs `pass` at start, after every change under `prefix` that `interest` picks, and on every
/// resync tick — while this node leads (one node of a cluster acts; a new leader picks the work
/// up at its next tick).
fn spawn(state: &Arc<AppState>, prefix: &'static str, interest: Interest, pass: Pass) {
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let mut shutdown = state.shutdown();
        let start = state.registry.backend().current_revision() + 1;
        let Ok(mut watcher) = state
            .registry
            .backend()
            .watch(Bytes::from_static(prefix.as_bytes()), start)
        else {
            return;
        };
        let mut tick = tokio::time::interval(RESYNC);
        let mut due = true;
        loop {
            if due && state.registry.backend().leads() {
                pass(&state).await;
            }
            tokio::select! {
                changed = watcher.next() => match changed {
                    Ok(batch) => due = batch.events.iter().any(interest),
                    Err(_) => {
                        // Compacted past this watcher: follow from now on.
                        let now = state.registry.backend().current_revision() + 1;
                        match state.registry.backend().watch(Bytes::from_static(prefix.as_bytes()), now) {
                            Ok(w) => watcher = w,
                            Err(_) => return,
                        }
                        due = true;
                    }
                },
                _ = tick.tick() => due = true,
                _ = shutdown.wait_for(|stopped| *stopped) => return,
            }
        }
    });
}

/// Every namespace, decoded.
async fn namespaces(state: &AppState) -> Vec<serde_json::Map<String, Value>> {
    let Some(kind) = state.kind("", "v1", "namespaces") else {
        return Vec::new();
    };
    state
        .registry
        .list_objects(&kind, None)
        .await
        .unwrap_or_default()
}

fn namespace_pass(state: &AppState) -> crate::backend::BackendFuture<'_, ()> {
    Box::pin(async move {
        for ns in namespaces(state).await {
            if !meta_str(&ns, "deletionTimestamp").is_empty() {
                let name = meta_str(&ns, "name").to_owned();
                if let Err(e) = finalize_namespace(state, &name).await {
                    tracing::warn!(namespace = %name, error = %e, "namespace controller");
                }
            }
        }
    })
}

/// Deletes what is left in a terminating namespace; once nothing is, removes the `kubernetes`
/// finalizer (which lets the namespace go).
async fn finalize_namespace(state: &AppState, namespace: &str) -> Result<(), ApiError> {
    let mut remaining = 0;
    for kind in state
        .stored_kinds_with_custom()
        .await?
        .into_iter()
        .filter(|k| k.info.namespaced)
    {
        for obj in state.registry.list_objects(&kind, Some(namespace)).await? {
            remaining += 1;
            if !meta_str(&obj, "deletionTimestamp").is_empty() {
                continue;
            }
            let name = meta_str(&obj, "name");
            match state
                .registry
                .delete(&kind, Some(namespace), name, &DeleteOptions::default())
                .await
            {
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    if remaining > 0 {
        return Ok(());
    }
    let Some(kind) = state.kind("", "v1", "namespaces") else {
        return Ok(());
    };
    let (mut ns, kv) = state.registry.get_object(&kind, None, namespace).await?;
    let Some(spec) = ns.get_mut("spec").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    if let Some(finalizers) = spec.get_mut("finalizers").and_then(Value::as_array_mut) {
        finalizers.retain(|f| f != "kubernetes");
        if finalizers.is_empty() {
            spec.remove("finalizers");
        }
    }
    meta_mut(&mut ns).insert(
        "resourceVersion".into(),
        Value::String(kv.mod_revision.to_string()),
    );
    match state
        .registry
        .update(
            &kind,
            None,
            namespace,
            ns,
            &Default::default(),
            UpdateMode::System,
        )
        .await
    {
        Ok(_) | Err(ApiError::NotFound { .. } | ApiError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether stored object bytes carry a `deletionTimestamp` (without decoding them).
fn is_deleting(stored: &[u8]) -> bool {
    stored
        .windows(b"\"deletionTimestamp\"".len())
        .any(|w| w == b"\"deletionTimestamp\"")
}

/// Force-deletes the pods being deleted gracefully whose node does not exist.
fn podgc_pass(state: &AppState) -> crate::backend::BackendFuture<'_, ()> {
    Box::pin(async move {
        let (Some(pods), Some(nodes)) =
            (state.kind("", "v1", "pods"), state.kind("", "v1", "nodes"))
        else {
            return;
        };
        let Ok(all) = state.registry.list_objects(&pods, None).await else {
            return;
        };
        for pod in all {
            let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
            if meta_str(&pod, "deletionTimestamp").is_empty()
                || node.is_empty()
                || !state
                    .registry
                    .get_kv(&nodes.key(None, node))
                    .await
                    .is_ok_and(|kv| kv.is_none())
            {
                continue;
            }
            let force = DeleteOptions {
                grace_period_seconds: Some(0),
                precondition_uid: Some(meta_str(&pod, "uid").to_owned()),
                ..DeleteOptions::default()
            };
            let (namespace, name) = (meta_str(&pod, "namespace"), meta_str(&pod, "name"));
            match state
                .registry
                .delete(&pods, Some(namespace), name, &force)
                .await
            {
                Ok(_) | Err(ApiError::NotFound { .. } | ApiError::Conflict { .. }) => {}
                Err(e) => tracing::warn!(namespace, name, error = %e, "pod garbage collector"),
            }
        }
    })
}

/// The manager kube-controller-manager's controllers write as.
const MANAGER: &str = "kube-controller-manager";

/// `RootCACertConfigMapName` and the description the publisher gives it.
const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";
const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

fn root_ca_pass(state: &AppState) -> crate::backend::BackendFuture<'_, ()> {
    Box::pin(async move {
        let Some(kind) = state.kind("", "v1", "configmaps") else {
            return;
        };
        let data = json!({"ca.crt": state.root_ca});
        let annotations = json!({"kubernetes.io/description": ROOT_CA_DESCRIPTION});
        let write = crate::registry::WriteOptions {
            dry_run: false,
            manager: Some(MANAGER.to_owned()),
        };
        for ns in namespaces(state).await {
            if !meta_str(&ns, "deletionTimestamp").is_empty() {
                continue;
            }
            let namespace = meta_str(&ns, "name");
            let result = match state
                .registry
                .get_object(&kind, Some(namespace), ROOT_CA_CONFIGMAP)
                .await
            {
                Err(ApiError::NotFound { .. }) => {
                    let cm = json!({"metadata": {"name": ROOT_CA_CONFIGMAP, "annotations": annotations},
                        "data": data});
                    let Value::Object(cm) = cm else { continue };
                    state
                        .registry
                        .create(&kind, Some(namespace), cm, &write)
                        .await
                        .map(drop)
                }
                Ok((cm, _))
                    if cm.get("data") != Some(&data)
                        || cm["metadata"]["annotations"]["kubernetes.io/description"]
                            != ROOT_CA_DESCRIPTION =>
                {
                    let mut cm = cm;
                    cm.insert("data".into(), data.clone());
                    let meta = meta_mut(&mut cm);
                    let notes = meta.entry("annotations").or_insert_with(|| json!({}));
                    if let Some(notes) = notes.as_object_mut() {
                        notes.insert(
                            "kubernetes.io/description".into(),
                            json!(ROOT_CA_DESCRIPTION),
                        );
                    }
                    state
                        .registry
                        .update(
                            &kind,
                            Some(namespace),
                            ROOT_CA_CONFIGMAP,
                            cm,
                            &write,
                            UpdateMode::Main,
                        )
                        .await
                        .map(drop)
                }
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            };
            match result {
                Ok(())
                | Err(
                    ApiError::AlreadyExists { .. }
                    | ApiError::Conflict { .. }
                    | ApiError::Forbidden { .. }
                    | ApiError::NamespaceTerminating { .. },
                ) => {}
                Err(e) => tracing::warn!(namespace, error = %e, "root CA publisher"),
            }
        }
    })
}

fn serviceaccount_pass(state: &AppState) -> crate::backend::BackendFuture<'_, ()> {
    Box::pin(async move {
        let Some(kind) = state.kind("", "v1", "serviceaccounts") else {
            return;
        };
        for ns in namespaces(state).await {
            if !meta_str(&ns, "deletionTimestamp").is_empty() {
                continue;
            }
            let namespace = meta_str(&ns, "name");
            if state
                .registry
                .get_kv(&kind.key(Some(namespace), "default"))
                .await
                .is_ok_and(|kv| kv.is_none())
            {
                let sa = json!({"metadata": {"name": "default"}});
                let Value::Object(sa) = sa else { continue };
                let write = crate::registry::WriteOptions {
                    dry_run: false,
                    manager: Some(MANAGER.to_owned()),
                };
                match state
                    .registry
                    .create(&kind, Some(namespace), sa, &write)
                    .await
                {
                    Ok(_) | Err(ApiError::AlreadyExists { .. } | ApiError::Forbidden { .. }) => {}
                    Err(e) => {
                        tracing::warn!(namespace, error = %e, "serviceaccount controller");
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controller_lists() {
        assert_eq!(
            Controllers::parse(
                "namespace,serviceaccount,garbagecollector,podgc,root-ca-cert-publisher"
            ),
            Ok(Controllers::default())
        );
        assert_eq!(Controllers::parse(""), Ok(Controllers::none()));
        assert!(Controllers::parse("gc").is_err());
    }
}
