//! kubemem's API server: an in-memory Kubernetes API on an etcd-style MVCC keyspace.
//!
//! [`Server::start`] binds a loopback listener and serves the Kubernetes REST and watch API;
//! [`router`] gives the same service as an axum `Router` for tests that need no socket.

#![forbid(unsafe_code)]

mod allocator;
mod apply;
mod apply_schema;
pub mod backend;
mod body;
mod ca;
pub mod catalog;
pub mod clock;
pub mod cluster;
pub mod controllers;
mod crd;
mod defaults;
mod discovery;
pub mod error;
mod events;
pub mod faults;
mod field_selector;
mod filters;
mod handlers;
mod hpa;
mod json;
pub mod kinds;
pub mod kubeconfig;
mod label_selector;
mod list;
mod names;
mod negotiate;
pub mod object;
mod openapi;
mod patch;
mod patch_meta;
mod patching;
pub mod protobuf;
mod quantity;
pub mod registry;
mod special;
mod strict_json;
mod subresources;
mod table;
pub mod testing;
mod transform;
mod uid;
mod validation;
mod watch;
mod yaml_keys;
mod zero;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use kubemem_store::{Store, StoreConfig};
use serde_json::{Map, Value, json};

use axum::serve::ListenerExt;

use crate::backend::{Backend, LocalBackend, RaftBackend};
use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::registry::{DeleteOptions, Registry, WriteOptions};

/// How a server is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// How often a watch with `allowWatchBookmarks` gets a BOOKMARK (kube-apiserver: ~1 min).
    pub bookmark_interval: Duration,
    /// The keyspace's retention of history.
    pub store: StoreConfig,
    /// The built-in controllers that run (all by default).
    pub controllers: controllers::Controllers,
    /// Manifests (YAML, several documents each) whose objects exist from the start, created in
    /// order as POSTs would create them.
    pub manifests: Vec<String>,
    /// Serves `/kubemem/faults/` (fault injection for controller tests).
    pub fault_injection: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bookmark_interval: Duration::from_secs(60),
            store: StoreConfig::default(),
            controllers: controllers::Controllers::default(),
            manifests: Vec::new(),
            fault_injection: false,
        }
    }
}

/// What every request handler shares.
pub struct AppState {
    pub registry: Registry,
    kinds: HashMap<(&'static str, &'static str, &'static str), Arc<Kind>>,
    /// The kinds stored CRDs define.
    custom_kinds: crd::CustomKinds,
    pub config: Config,
    /// The cluster CA certificate (PEM), which `kube-root-ca.crt` publishes.
    pub root_ca: String,
    /// Faults armed for tests (none unless asked for).
    pub faults: faults::Faults,
    /// This node's Raft replica, when the keyspace is replicated.
    pub raft: Option<kubemem_raft::RaftNode>,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl AppState {
    /// A fresh single-node state with kube-apiserver's boot objects in it, its built-in
    /// controllers running (until `shutdown` flips to true).
    pub async fn start(
        config: Config,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> ApiResult<Arc<Self>> {
        Self::start_on(config, None, shutdown).await
    }

    /// As [`AppState::start`], on a Raft replica when `raft` is given: the boot objects are
    /// created by whichever node gets there first (the others find them), and the controllers
    /// act only while this node leads.
    pub async fn start_on(
        config: Config,
        raft: Option<kubemem_raft::RaftNode>,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> ApiResult<Arc<Self>> {
        let state = Arc::new(Self::new(config, raft, shutdown).await?);
        for manifest in &state.config.manifests {
            state.load(manifest).await?;
        }
        controllers::start(&state).await;
        Ok(state)
    }

    /// Creates the objects of a manifest (YAML documents) in order, each as a strict POST
    /// would, into its `metadata.namespace` or `default`. On a Raft replica an object that
    /// already exists is left as it is (another node, or this one before a restart, made it).
    async fn load(&self, manifest: &str) -> ApiResult<()> {
        let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(manifest)
            .map_err(|e| ApiError::BadRequest(format!("manifest: {e}")))?;
        let write = WriteOptions {
            dry_run: false,
            manager: Some("kubemem".to_owned()),
        };
        for (i, mut document) in documents.into_iter().enumerate() {
            object::drop_nulls(&mut document);
            let map = match document {
                Value::Null => continue,
                Value::Object(map) => map,
                _ => {
                    return Err(ApiError::BadRequest(format!(
                        "manifest document {}: not an object",
                        i + 1
                    )));
                }
            };
            let field = |name: &str| map.get(name).and_then(Value::as_str).unwrap_or("");
            let (api_version, object_kind) = (field("apiVersion"), field("kind"));
            let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
            let Some(kind) = self
                .kinds
                .values()
                .find(|k| {
                    k.info.group == group && k.info.version == version && k.info.kind == object_kind
                })
                .cloned()
            else {
                return Err(ApiError::BadRequest(format!(
                    "manifest document {}: no resource for {api_version:?}, Kind={object_kind:?}",
                    i + 1
                )));
            };
            let namespace = kind
                .info
                .namespaced
                .then(|| object::meta_str(&map, "namespace").to_owned())
                .map(|ns| {
                    if ns.is_empty() {
                        "default".to_owned()
                    } else {
                        ns
                    }
                });
            let decoded =
                body::decode_map(map, &[], Vec::new(), &kind, patch::FieldValidation::Strict)?;
            match self
                .registry
                .create(&kind, namespace.as_deref(), decoded.object, &write)
                .await
            {
                // Every node of a cluster loads the same manifests; the first one creates.
                Err(ApiError::AlreadyExists { .. }) if self.raft.is_some() => {}
                created => {
                    created?;
                }
            }
        }
        Ok(())
    }

    async fn new(
        config: Config,
        raft: Option<kubemem_raft::RaftNode>,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) -> ApiResult<Self> {
        let backend: Arc<dyn Backend> = match &raft {
            Some(node) => Arc::new(RaftBackend::new(node.clone())),
            None => Arc::new(LocalBackend::new(Store::new(config.store.clone()))),
        };
        let kinds = catalog::RESOURCES
            .iter()
            .filter(|info| catalog::is_stored(info))
            .map(|info| {
                (
                    (info.group, info.version, info.resource),
                    Arc::new(Kind::new(info)),
                )
            })
            .collect();
        let root_ca = ca::generate()
            .map_err(|e| ApiError::Internal(format!("generating the cluster CA: {e}")))?;
        let state = Self {
            registry: Registry::new(backend),
            kinds,
            custom_kinds: crd::CustomKinds::default(),
            config,
            root_ca,
            faults: faults::Faults::default(),
            raft,
            shutdown,
        };
        state.boot().await?;
        Ok(state)
    }

    /// The kind served at `/apis/<group>/<version>/<resource>`.
    pub fn kind(&self, group: &str, version: &str, resource: &str) -> Option<Arc<Kind>> {
        self.kinds.get(&(group, version, resource)).cloned()
    }

    /// The kind served at `/apis/<group>/<version>/<resource>`: a built-in one, or one an
    /// established CRD defines.
    pub async fn resolve_kind(
        &self,
        group: &str,
        version: &str,
        resource: &str,
    ) -> ApiResult<Option<Arc<Kind>>> {
        if let Some(kind) = self.kind(group, version, resource) {
            return Ok(Some(kind));
        }
        self.custom_kinds
            .resolve(&self.registry, group, version, resource)
            .await
    }

    fn shutdown(&self) -> tokio::sync::watch::Receiver<bool> {
        self.shutdown.clone()
    }

    /// One kind per stored resource (versions of one resource share their storage).
    fn stored_kinds(&self) -> Vec<Arc<Kind>> {
        let mut seen = std::collections::HashSet::new();
        self.kinds
            .values()
            .filter(|k| seen.insert(k.prefix.clone()))
            .cloned()
            .collect()
    }

    /// One kind per stored resource, the custom resources of established CRDs included.
    async fn stored_kinds_with_custom(&self) -> ApiResult<Vec<Arc<Kind>>> {
        let mut kinds = self.stored_kinds();
        for crd in crd::list(&self.registry).await? {
            let spec = &crd["spec"];
            let (Some(group), Some(plural)) =
                (spec["group"].as_str(), spec["names"]["plural"].as_str())
            else {
                continue;
            };
            if let Some(kind) = self
                .custom_kinds
                .resolve_stored(&self.registry, group, plural)
                .await?
            {
                kinds.push(kind);
            }
        }
        Ok(kinds)
    }

    /// The kind whose objects are stored under `key`: a built-in one, or the custom resource
    /// kind an established CRD defines ([`crd::CustomKinds::resolve_stored`]).
    async fn stored_kind_at(&self, key: &str) -> ApiResult<Option<Arc<Kind>>> {
        if let Some(kind) = self
            .stored_kinds()
            .into_iter()
            .find(|k| key.starts_with(&k.prefix))
        {
            return Ok(Some(kind));
        }
        let Some(rest) = key.strip_prefix("/registry/") else {
            return Ok(None);
        };
        let mut parts = rest.splitn(3, '/');
        let (Some(group), Some(resource), Some(_)) = (parts.next(), parts.next(), parts.next())
        else {
            return Ok(None);
        };
        self.custom_kinds
            .resolve_stored(&self.registry, group, resource)
            .await
    }

    fn kind_of(&self, group: &str, version: &str, resource: &str) -> ApiResult<Arc<Kind>> {
        self.kind(group, version, resource)
            .ok_or_else(|| ApiError::Internal(format!("no kind for {group}/{version}/{resource}")))
    }

    /// The namespaces and the `kubernetes` Service a new kube-apiserver has.
    async fn boot(&self) -> ApiResult<()> {
        let namespaces = self.kind_of("", "v1", "namespaces")?;
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let obj = object_of(json!({"metadata": {"name": ns}}));
            let created = self
                .registry
                .create(&namespaces, None, obj, &WriteOptions::default())
                .await;
            self.created_or_found(&namespaces, None, ns, created)
                .await?;
        }
        let services = self.kind_of("", "v1", "services")?;
        let kubernetes = object_of(json!({
            "metadata": {
                "name": "kubernetes",
                "labels": {"component": "apiserver", "provider": "kubernetes"}
            },
            "spec": {
                "ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}],
                "clusterIP": "10.96.0.1",
                "clusterIPs": ["10.96.0.1"],
                "type": "ClusterIP",
                "sessionAffinity": "None",
                "ipFamilies": ["IPv4"],
                "ipFamilyPolicy": "SingleStack",
                "internalTrafficPolicy": "Cluster"
            }
        }));
        let created = self
            .registry
            .create(
                &services,
                Some("default"),
                kubernetes,
                &WriteOptions::default(),
            )
            .await;
        self.created_or_found(&services, Some("default"), "kubernetes", created)
            .await
    }

    /// A boot object's create failed: fine if another node of the cluster (or this node, before
    /// a restart) created it first — then its create lost to that one (AlreadyExists, or the
    /// `kubernetes` Service's ClusterIP already taken).
    async fn created_or_found<T>(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
        created: ApiResult<T>,
    ) -> ApiResult<()> {
        match created {
            Ok(_) => Ok(()),
            Err(e) => match self.registry.get_kv(&kind.key(namespace, name)).await? {
                Some(_) => Ok(()),
                None => Err(e),
            },
        }
    }

    /// DELETE of a namespace: refused for the immortal ones; otherwise the namespace is marked
    /// `Terminating` (the namespace controller empties it, then it goes) and answered as it is.
    async fn delete_namespace(
        &self,
        kind: &Kind,
        name: &str,
        options: &DeleteOptions,
    ) -> ApiResult<Vec<u8>> {
        if matches!(name, "default" | "kube-system" | "kube-public") {
            return Err(ApiError::Forbidden {
                resource: kind.group_resource(),
                name: name.to_owned(),
                message: format!(
                    "namespaces {name:?} is forbidden: this namespace may not be deleted"
                ),
            });
        }
        let (mut ns, kv) = self.registry.get_object(kind, None, name).await?;
        if !object::meta_str(&ns, "deletionTimestamp").is_empty() {
            return Ok(kind.served(&kv.value, kv.mod_revision));
        }
        let meta = object::meta_mut(&mut ns);
        meta.insert("deletionTimestamp".into(), clock::now_rfc3339().into());
        meta.insert("deletionGracePeriodSeconds".into(), json!(0));
        ns.insert("status".into(), json!({"phase": "Terminating"}));
        let written = self
            .registry
            .update(
                kind,
                None,
                name,
                ns,
                &WriteOptions {
                    dry_run: options.dry_run,
                    manager: None,
                },
                registry::UpdateMode::System,
            )
            .await?;
        Ok(written.body)
    }
}

fn object_of(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The whole HTTP service.
pub fn router(state: Arc<AppState>) -> Router {
    let mut extra = Router::new();
    if state.config.fault_injection {
        extra = extra.route(
            "/kubemem/faults/{what}",
            axum::routing::post(faults::inject),
        );
    }
    if state.raft.is_some() {
        extra = extra
            .route("/raft/status", get(raft_status))
            .route("/metrics", get(raft_metrics));
    }
    extra
        .route("/version", get(discovery::version))
        .route("/healthz", get(discovery::healthz))
        .route("/livez", get(discovery::livez))
        .route("/readyz", get(discovery::readyz))
        .route("/openapi/v2", get(openapi::v2))
        .route("/openapi/v3", get(openapi::index))
        .route("/openapi/v3/{*path}", get(openapi::document))
        .route("/api", get(discovery::api))
        .route("/apis", get(discovery::apis))
        .route("/api/v1", get(discovery::core_v1))
        .route("/apis/{group}", get(discovery::group))
        .route("/apis/{group}/{version}", get(discovery::group_version))
        .route("/api/v1/{*rest}", axum::routing::any(handlers::core))
        .route(
            "/apis/{group}/{version}/{*rest}",
            axum::routing::any(handlers::grouped),
        )
        .fallback(|| async { ApiError::NoRoute })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::middleware::from_fn(filters::response_headers))
        .with_state(state)
}

/// `/raft/status`: this node's view of the cluster, as JSON.
async fn raft_status(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = state.raft.as_ref().map(kubemem_raft::RaftNode::status);
    let mut body = crate::json::to_vec(&status);
    body.push(b'\n');
    ([(http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `/metrics`: Raft metrics in the Prometheus text format.
async fn raft_metrics(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let text = state
        .raft
        .as_ref()
        .map(kubemem_raft::RaftNode::metrics_text)
        .unwrap_or_default();
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        text,
    )
        .into_response()
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Binds `listen` (a loopback address; port 0 picks a free one) and serves until
    /// [`Server::shutdown`].
    pub async fn start(listen: SocketAddr, config: Config) -> std::io::Result<Self> {
        Self::start_on(listen, config, None).await
    }

    /// As [`Server::start`], serving the keyspace of a Raft replica when `raft` is given.
    pub async fn start_on(
        listen: SocketAddr,
        config: Config,
        raft: Option<kubemem_raft::RaftNode>,
    ) -> std::io::Result<Self> {
        if !listen.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "refusing to listen on {listen}: without TLS and authentication kubemem serves loopback addresses only"
                ),
            ));
        }
        let (tx, rx) = tokio::sync::watch::channel(false);
        let state = AppState::start_on(config, raft, rx.clone())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        // Go's net package turns Nagle off on every connection, so kube-apiserver sends each
        // watch event at once; so do we.
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY");
            }
        });
        let app = router(Arc::clone(&state));
        let mut stop = rx;
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|stopped| *stopped).await;
                })
                .await
        });
        Ok(Self {
            addr,
            state,
            shutdown: tx,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The faults that can be armed on this server.
    pub fn faults(&self) -> &faults::Faults {
        &self.state.faults
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, ends open watches and waits for in-flight requests; then stops this
    /// node's Raft replica, if any.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(true);
        let served = self.task.await.map_err(std::io::Error::other)?;
        if let Some(raft) = &self.state.raft {
            raft.shutdown().await;
        }
        served
    }
}
