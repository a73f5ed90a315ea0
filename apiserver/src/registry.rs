//! The generic registry: create, get, update and delete for every kind, on the MVCC keyspace.
//!
//! This is kube-apiserver's `genericregistry.Store` in small. Each write reads the current value,
//! runs the kind's rules ([`Kind`]) and proposes one transaction whose compare on
//! `mod_revision` is the optimistic lock (DESIGN.md invariant 2): a stale `resourceVersion`
//! fails there and becomes `409 Conflict`; an unconditional update whose compare lost a race
//! re-reads and tries again, as `GuaranteedUpdate` does.

use std::sync::Arc;

use bytes::Bytes;
use kubemem_store::{
    Compare, CompareOp, KeyValue, Op, OpResult, RangeEnd, RangeRequest, Revision, Txn,
};
use serde_json::{Map, Value, json};

use crate::allocator;
use crate::backend::{Backend, BackendError};
use crate::clock;
use crate::defaults;
use crate::error::{ApiError, ApiResult, Cause, GroupResource, OPTIMISTIC_LOCK_MSG};
use crate::kinds::Kind;
use crate::names;
use crate::object::{self, meta_mut, meta_str};
use crate::validation::{self, Write, string_pairs};

/// How many times a create tries again when a generated name or an allocated value is taken (kube-apiserver's
/// `RetryGenerateName`).
const CREATE_ATTEMPTS: usize = 8;

/// How a create or an update is made.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: everything but the write.
    pub dry_run: bool,
    /// The field manager the write is recorded for in `metadata.managedFields`; `None` leaves
    /// them as they are (the server's own writes).
    pub manager: Option<String>,
}

/// Records in `metadata.managedFields` that `manager` owns what it changed from `old` to `new`
/// (server-side apply's bookkeeping of every write).
pub fn track(
    kind: &Kind,
    old: Option<&Map<String, Value>>,
    new: Map<String, Value>,
    manager: &str,
    subresource: Option<&str>,
) -> Map<String, Value> {
    let Some(schema) =
        crate::apply_schema::for_kind(kind.info.group, kind.info.version, kind.info.kind)
    else {
        return new;
    };
    let now = clock::now_rfc3339();
    let reset: &[&[&str]] = match subresource {
        Some(_) => &[&["spec"], &["metadata"]],
        None if kind.status_subresource => &[&["status"]],
        None => &[],
    };
    let storage_version = kind.storage_api_version.clone();
    let scope = crate::apply::Scope {
        schema: &schema,
        api_version: &storage_version,
        kind: kind.info.kind,
        subresource,
        reset_fields: reset,
        empty: kind.zero(),
        now: &now,
    };
    let old = old.map(|o| Value::Object(o.clone()));
    match crate::apply::update(old.as_ref(), Value::Object(new), manager, &scope) {
        Value::Object(tracked) => tracked,
        _ => Map::new(),
    }
}

/// `DeleteOptions` as far as the registry uses them.
#[derive(Debug, Default, Clone)]
pub struct DeleteOptions {
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
    pub dry_run: bool,
    pub propagation: Propagation,
    /// `gracePeriodSeconds`, for kinds with graceful deletion (pods).
    pub grace_period_seconds: Option<i64>,
}

/// What `rest.BeforeDelete` decides for a kind with graceful deletion (pods).
#[derive(Debug, PartialEq, Eq)]
enum Grace {
    /// Not graceful: finalizers decide (every other kind; a pod marked with no grace left).
    No,
    /// A graceful deletion is under way and the request does not shorten it.
    Pending,
    /// Mark the object as deleting at `timestamp` after `period` seconds.
    Mark { timestamp: i64, period: i64 },
}

/// `rest.BeforeDelete` with the pod strategy's `CheckGracefulDelete`, at `now` (Unix
/// seconds): a pod not bound to a node, or finished, goes at once (period 0); otherwise it
/// gets the requested grace period or its `terminationGracePeriodSeconds`. A pod already being
/// deleted may only have its grace period shortened.
fn pod_grace(pod: &Map<String, Value>, requested: Option<i64>, now: i64) -> Grace {
    // Negative values are treated as one second on the delete path.
    let requested = requested.map(|g| if g < 0 { 1 } else { g });
    let meta = &pod["metadata"];
    if let Some(deleting) = meta["deletionTimestamp"]
        .as_str()
        .and_then(clock::parse_rfc3339)
    {
        let existing = match meta["deletionGracePeriodSeconds"].as_i64() {
            Some(g) if g < 0 => 1,
            Some(g) if g > 0 => g,
            _ => return Grace::No,
        };
        return match requested {
            Some(period) if period < existing => {
                let timestamp = deleting - existing + period;
                if timestamp < now {
                    // The grace period is over: the shortest graceful period is left.
                    let period = if period != 0 { 1 } else { 0 };
                    Grace::Mark {
                        timestamp: now,
                        period,
                    }
                } else {
                    Grace::Mark { timestamp, period }
                }
            }
            _ => Grace::Pending,
        };
    }
    let spec = &pod["spec"];
    let mut period = requested
        .or_else(|| spec["terminationGracePeriodSeconds"].as_i64())
        .unwrap_or(0);
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    if spec["nodeName"].as_str().unwrap_or("").is_empty() || matches!(phase, "Failed" | "Succeeded")
    {
        period = 0;
    }
    if period < 0 {
        period = 1;
    }
    Grace::Mark {
        timestamp: now + period,
        period,
    }
}

/// `DeleteOptions.propagationPolicy`: what happens to the dependents (objects whose
/// `ownerReferences` name the deleted one), carried out by the garbage collector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    /// Unset: the kind's default, which for every served kind is `Background`.
    #[default]
    Default,
    /// The object goes now; the garbage collector deletes the dependents afterwards.
    Background,
    /// The object stays (finalizer `foregroundDeletion`) until its blocking dependents are gone.
    Foreground,
    /// The object stays (finalizer `orphan`) until its dependents no longer reference it.
    Orphan,
}

impl Propagation {
    /// The finalizer a policy puts on the deleted object, if any.
    pub fn finalizer(self) -> Option<&'static str> {
        match self {
            Self::Foreground => Some("foregroundDeletion"),
            Self::Orphan => Some("orphan"),
            Self::Default | Self::Background => None,
        }
    }
}

/// Which parts of an object an update may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateMode {
    /// The main resource: everything but status (for kinds with a status subresource).
    Main,
    /// The `/status` subresource: status only.
    Status,
    /// The server's own writes: everything.
    System,
}

/// The generic registry over one backend.
#[derive(Clone)]
pub struct Registry {
    backend: Arc<dyn Backend>,
}

/// What a write answers: the object as served, and whether it was created.
pub struct Written {
    pub body: Vec<u8>,
    pub created: bool,
}

impl Registry {
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Self { backend }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// The current value of one key, if any.
    pub async fn get_kv(&self, key: &str) -> ApiResult<Option<KeyValue>> {
        let response = self
            .backend
            .range(RangeRequest::key(Bytes::copy_from_slice(key.as_bytes())))
            .await?;
        Ok(response.kvs.into_iter().next())
    }

    /// GET of one object, served from its stored bytes.
    pub async fn get(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
    ) -> ApiResult<Vec<u8>> {
        match self.get_kv(&kind.key(namespace, name)).await? {
            Some(kv) => Ok(kind.served(&kv.value, kv.mod_revision)),
            None => Err(not_found(kind, name)),
        }
    }

    /// The current object, decoded, with its revision.
    pub async fn get_object(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
    ) -> ApiResult<(Map<String, Value>, KeyValue)> {
        match self.get_kv(&kind.key(namespace, name)).await? {
            Some(kv) => Ok((object::decode(&kv.value, kv.mod_revision), kv)),
            None => Err(not_found(kind, name)),
        }
    }

    /// POST: creates `obj` (already checked against the path's kind and namespace).
    pub async fn create(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        obj: Map<String, Value>,
        write: &WriteOptions,
    ) -> ApiResult<Written> {
        let mut obj = kind.to_storage(obj);
        if meta_str(&obj, "resourceVersion")
            .parse::<u64>()
            .is_ok_and(|rv| rv != 0)
        {
            return Err(ApiError::Unknown(
                "resourceVersion should not be set on objects to be created".into(),
            ));
        }
        let generate_name = meta_str(&obj, "generateName").to_owned();
        let generated = meta_str(&obj, "name").is_empty() && !generate_name.is_empty();
        let mut namespace_seen = match namespace.filter(|_| kind.info.namespaced) {
            Some(ns) => Some(
                self.check_namespace(kind, meta_str(&obj, "name"), ns)
                    .await?,
            ),
            None => None,
        };
        self.prepare_create(kind, namespace, &mut obj);
        if crate::crd::is_crd(kind) {
            let others = crate::crd::list(self).await?;
            crate::crd::status::compute(&mut obj, None, false, &others, &clock::now_rfc3339());
        }
        if let (true, Some(ns)) = (is(kind, "", "pods"), namespace) {
            self.admit_pod(ns, &mut obj).await?;
        }
        // A create is attempted again only after losing a race for a generated name or an
        // allocated value; without either, the request itself is written instead of a copy.
        let retries = generated || allocator::allocates(kind);
        let mut requested = obj;
        for attempt in 0.. {
            let mut obj = if retries {
                requested.clone()
            } else {
                std::mem::take(&mut requested)
            };
            allocator::allocate(self, kind, &mut obj, None).await?;
            if is(kind, "", "services") {
                defaults::service_ip_families(&mut obj, None);
            }
            if generated {
                meta_mut(&mut obj).insert(
                    "name".into(),
                    Value::String(names::generate_name(&generate_name, |n| {
                        fastrand::usize(..n)
                    })),
                );
            }
            if is(kind, "batch", "jobs") {
                let uid = meta_str(&obj, "uid").to_owned();
                defaults::job_selector(&mut obj, &uid);
                defaults::apply_defaults("batch", "v1", "jobs", &mut obj);
            }
            validate_create(kind, &obj)?;
            if let Some(manager) = &write.manager {
                obj = track(kind, None, obj, manager, None);
            }
            let name = meta_str(&obj, "name").to_owned();
            let key = kind.key(namespace, &name);
            let value = object::encode(&obj);
            if write.dry_run {
                let existing = self.get_kv(&key).await?;
                if existing.is_some() {
                    return Err(already_exists(kind, &name));
                }
                // A dry-run create has no revision, so its object has no resourceVersion.
                let mut obj = object::decode(&value, 0);
                meta_mut(&mut obj).remove("resourceVersion");
                return Ok(Written {
                    body: crate::json::to_vec(&kind.served_object(obj)),
                    created: true,
                });
            }
            let reserved = allocator::reservations(kind, &obj);
            let response = loop {
                let mut compares = vec![absent(&key)];
                compares.extend(reserved.iter().map(|k| absent(k)));
                let mut success = vec![Op::Put {
                    key: key.clone().into(),
                    value: value.clone(),
                }];
                success.extend(reserved.iter().map(|k| Op::Put {
                    key: k.clone().into(),
                    value: key.clone().into(),
                }));
                // On failure: the object as it is, and the namespace (its second result).
                let mut failure = vec![Op::Get {
                    key: key.clone().into(),
                }];
                if let Some(seen) = &namespace_seen {
                    compares.push(Compare::mod_revision(
                        seen.key.clone(),
                        CompareOp::Equal,
                        seen.revision,
                    ));
                    failure.push(Op::Get {
                        key: seen.key.clone(),
                    });
                }
                let response = self
                    .backend
                    .txn(Txn {
                        compares,
                        success,
                        failure,
                    })
                    .await?;
                // The namespace changed since it was checked: check it again as it is now.
                if let (false, Some(seen), Some(OpResult::Get(current))) = (
                    response.succeeded,
                    namespace_seen.as_mut(),
                    response.results.get(1),
                ) && current.as_ref().map(|kv| kv.mod_revision) != Some(seen.revision)
                {
                    seen.revision = active_namespace(kind, &name, seen.name, current.clone())?;
                    continue;
                }
                break response;
            };
            if response.succeeded {
                return Ok(Written {
                    body: kind.served(&value, response.revision),
                    created: true,
                });
            }
            let exists = matches!(response.results.first(), Some(OpResult::Get(Some(_))));
            // Either the name is taken (retried only for generated names) or an allocated
            // value was won by a concurrent create (allocated again).
            if attempt + 1 >= CREATE_ATTEMPTS || !retries || (exists && !generated) {
                return Err(already_exists(kind, &name));
            }
        }
        unreachable!("the create loop returns")
    }

    /// Fills in what `BeforeCreate` and the strategy's `PrepareForCreate` set on a new object.
    fn prepare_create(&self, kind: &Kind, namespace: Option<&str>, obj: &mut Map<String, Value>) {
        obj.insert("kind".into(), Value::String(kind.info.kind.to_owned()));
        obj.insert(
            "apiVersion".into(),
            Value::String(kind.storage_api_version.clone()),
        );
        kind.prepare_for_create(obj);
        let tracks_generation = kind.tracks_generation;
        let meta = meta_mut(obj);
        const SYSTEM: [&str; 4] = [
            "selfLink",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ];
        // One scan of the few keys: cheaper than hashing four keys that are mostly absent.
        meta.retain(|key, _| !SYSTEM.contains(&key.as_str()));
        match namespace {
            Some(ns) if kind.info.namespaced => {
                meta.insert("namespace".into(), Value::String(ns.to_owned()));
            }
            _ => {
                meta.remove("namespace");
            }
        }
        meta.insert(
            "uid".into(),
            Value::String(crate::uid::new_v4().to_string()),
        );
        if tracks_generation {
            meta.insert("generation".into(), json!(1));
        }
        meta.insert(
            "creationTimestamp".into(),
            Value::String(clock::now_rfc3339()),
        );
    }

    /// The mutating admission plugins kube-apiserver runs on a new pod by default:
    /// DefaultTolerationSeconds, Priority and ServiceAccount (which refuses a pod whose service
    /// account does not exist, and mounts its API token otherwise); and the QoS class.
    async fn admit_pod(&self, namespace: &str, pod: &mut Map<String, Value>) -> ApiResult<()> {
        let name = meta_str(pod, "name").to_owned();
        let forbidden = |detail: String| ApiError::Forbidden {
            resource: GroupResource::new("", "pods"),
            name: name.clone(),
            message: format!("pods {name:?} is forbidden: {detail}"),
        };
        defaults::default_toleration_seconds(pod);
        defaults::default_priority(pod, None).map_err(&forbidden)?;
        let account = pod
            .get("spec")
            .and_then(|s| s.get("serviceAccountName"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_owned();
        let key = format!("/registry/serviceaccounts/{namespace}/{account}");
        let Some(kv) = self.get_kv(&key).await? else {
            return Err(forbidden(format!(
                "error looking up service account {namespace}/{account}: serviceaccount {account:?} not found"
            )));
        };
        let suffix = names::generate_name_suffix(|n| fastrand::usize(..n));
        defaults::service_account_token(pod, &object::decode(&kv.value, kv.mod_revision), &suffix);
        let qos = crate::kinds::qos_class(pod);
        if let Some(status) = pod.get_mut("status").and_then(Value::as_object_mut) {
            status.insert("qosClass".into(), Value::String(qos.into()));
        }
        Ok(())
    }

    /// kube-apiserver's NamespaceLifecycle admission: the namespace must exist and not be
    /// terminating. Like kube, which looks in its informer cache first and asks storage only
    /// when the cache does not show an active namespace, an active namespace in this node's
    /// replica is enough; anything else is confirmed by a linearizable read (on a Raft cluster
    /// that spares most writes a read-index round). Answers the namespace as seen, whose
    /// revision the create's txn compares, so nothing is written into a namespace that changed
    /// (was marked for deletion, say) after this check.
    async fn check_namespace<'n>(
        &self,
        kind: &Kind,
        name: &str,
        namespace: &'n str,
    ) -> ApiResult<NamespaceSeen<'n>> {
        let key = Bytes::from(format!("/registry/namespaces/{namespace}"));
        let local = self
            .backend
            .range_local(&RangeRequest::key(key.clone()))
            .map_err(BackendError::from)?;
        let revision = match local.kvs.first() {
            Some(kv) if !object::is_deleting(&kv.value) => kv.mod_revision,
            _ => {
                let current = self.backend.range(RangeRequest::key(key.clone())).await?;
                active_namespace(kind, name, namespace, current.kvs.into_iter().next())?
            }
        };
        Ok(NamespaceSeen {
            name: namespace,
            key,
            revision,
        })
    }

    /// An update (PUT, a patch's result, a server write), conditional when
    /// `metadata.resourceVersion` is set; `mode` says which parts of `obj` are taken.
    pub async fn update(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
        obj: Map<String, Value>,
        write: &WriteOptions,
        mode: UpdateMode,
    ) -> ApiResult<Written> {
        let obj = kind.to_storage(obj);
        let key = kind.key(namespace, name);
        let expected = parse_resource_version(meta_str(&obj, "resourceVersion"))?;
        loop {
            let Some(current) = self.get_kv(&key).await? else {
                if kind.create_on_update && expected.is_none() {
                    let mut obj = obj;
                    meta_mut(&mut obj).insert("name".into(), Value::String(name.to_owned()));
                    return self.create(kind, namespace, obj, write).await;
                }
                return Err(not_found(kind, name));
            };
            if let Some(expected) = expected
                && expected != current.mod_revision
            {
                return Err(conflict(kind, name));
            }
            let old = object::decode(&current.value, current.mod_revision);
            let mut new = obj.clone();
            // A body without a namespace takes the URL's, as kube-apiserver's update does.
            if let Some(ns) = namespace.filter(|_| kind.info.namespaced)
                && meta_str(&new, "namespace").is_empty()
            {
                meta_mut(&mut new).insert("namespace".into(), Value::String(ns.to_owned()));
            }
            if mode == UpdateMode::Status {
                // The body is the object as read plus the new status: keep every other part.
                let status = new.remove("status");
                new = old.clone();
                match status {
                    Some(status) => new.insert("status".into(), status),
                    None => new.remove("status"),
                };
            }
            prepare_update(kind, &mut new, &old, mode)?;
            if mode == UpdateMode::Main {
                kind.prepare_for_update(&mut new, &old);
                allocator::allocate(self, kind, &mut new, Some(&old)).await?;
                if is(kind, "", "services") {
                    defaults::service_ip_families(&mut new, Some(&old));
                }
            }
            if crate::crd::is_crd(kind) && mode != UpdateMode::System {
                let others = crate::crd::list(self).await?;
                crate::crd::status::compute(
                    &mut new,
                    old.get("status"),
                    mode == UpdateMode::Status,
                    &others,
                    &clock::now_rfc3339(),
                );
            }
            if kind.tracks_generation
                && mode != UpdateMode::Status
                && Kind::spec_changed(&new, &old)
            {
                let generation = old["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
                meta_mut(&mut new).insert("generation".into(), json!(generation));
            }
            validate_update(kind, &new, &old, mode)?;
            if let Some(manager) = &write.manager {
                let subresource = (mode == UpdateMode::Status).then_some("status");
                new = track(kind, Some(&old), new, manager, subresource);
            }
            match self
                .write_over(kind, &current, &old, new, write.dry_run, true)
                .await?
            {
                Some(written) => return Ok(written),
                None if expected.is_some() => return Err(conflict(kind, name)),
                None => continue,
            }
        }
    }

    /// Writes `new` over `current` if nothing changed in between; `None` when the compare lost.
    /// An object whose bytes would not change is not written (no revision is consumed), as
    /// `GuaranteedUpdate` does. With `may_finalize`, a write that leaves a deleting object
    /// nothing to wait for deletes it instead.
    async fn write_over(
        &self,
        kind: &Kind,
        current: &KeyValue,
        old: &Map<String, Value>,
        new: Map<String, Value>,
        dry_run: bool,
        may_finalize: bool,
    ) -> ApiResult<Option<Written>> {
        let value = object::encode(&new);
        if value == current.value {
            return Ok(Some(Written {
                body: kind.served(&current.value, current.mod_revision),
                created: false,
            }));
        }
        // `shouldDeleteDuringUpdate`: an update leaving a deleting object with no finalizers and
        // no grace period deletes it.
        let finalizing = may_finalize
            && !meta_str(&new, "deletionTimestamp").is_empty()
            && new["metadata"]["deletionGracePeriodSeconds"]
                .as_i64()
                .unwrap_or(0)
                == 0
            && !kind.is_held(&new);
        if dry_run {
            // Nothing is written, so the object keeps the revision it has.
            return Ok(Some(Written {
                body: kind.served(&value, current.mod_revision),
                created: false,
            }));
        }
        let op = if finalizing {
            Op::Delete {
                key: current.key.clone(),
            }
        } else {
            Op::Put {
                key: current.key.clone(),
                value: value.clone(),
            }
        };
        let held = allocator::reservations(kind, old);
        let wanted = if finalizing {
            Default::default()
        } else {
            allocator::reservations(kind, &new)
        };
        let mut compares = vec![Compare::ModRevision {
            key: current.key.clone(),
            op: CompareOp::Equal,
            revision: current.mod_revision,
        }];
        compares.extend(wanted.difference(&held).map(|k| absent(k)));
        let mut success = vec![op];
        success.extend(wanted.difference(&held).map(|k| Op::Put {
            key: k.clone().into(),
            value: current.key.clone(),
        }));
        success.extend(held.difference(&wanted).map(|k| Op::Delete {
            key: k.clone().into(),
        }));
        let response = self
            .backend
            .txn(Txn {
                compares,
                success,
                failure: vec![],
            })
            .await?;
        if !response.succeeded {
            return Ok(None);
        }
        Ok(Some(Written {
            body: kind.served(&value, response.revision),
            created: false,
        }))
    }

    /// DELETE of one object. An object with finalizers is only marked (`deletionTimestamp`);
    /// it goes when its last finalizer is removed. Answers the body kube-apiserver answers.
    pub async fn delete(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
        name: &str,
        options: &DeleteOptions,
    ) -> ApiResult<Vec<u8>> {
        let key = kind.key(namespace, name);
        loop {
            let Some(current) = self.get_kv(&key).await? else {
                return Err(not_found(kind, name));
            };
            let old = object::decode(&current.value, current.mod_revision);
            check_preconditions(kind, name, &old, current.mod_revision, options)?;
            if crate::crd::is_crd(kind) && meta_str(&old, "deletionTimestamp").is_empty() {
                // `customresourcedefinition.REST.Delete`: the first DELETE only marks the CRD;
                // the CRD finalizer deletes its custom resources, then lets it go.
                let mut marked = old.clone();
                crate::crd::finalizer::mark_for_deletion(&mut marked, &clock::now_rfc3339());
                match self
                    .write_over(kind, &current, &old, marked, options.dry_run, false)
                    .await?
                {
                    Some(written) => return Ok(written.body),
                    None => continue,
                }
            }
            let finalizer = options.propagation.finalizer();
            let grace = if is(kind, "", "pods") {
                pod_grace(&old, options.grace_period_seconds, clock::now_unix())
            } else {
                Grace::No
            };
            let mark = match grace {
                Grace::Pending => return Ok(deleted_answer(kind, &current, &old)),
                Grace::Mark { timestamp, period } => Some((timestamp, period)),
                // `markAsDeleting`: a held object of a kind without graceful deletion is marked
                // once, with no grace period.
                Grace::No if kind.is_held(&old) || finalizer.is_some() => {
                    if !meta_str(&old, "deletionTimestamp").is_empty() {
                        return Ok(kind.served(&current.value, current.mod_revision));
                    }
                    Some((clock::now_unix(), 0))
                }
                Grace::No => None,
            };
            if let Some((timestamp, period)) = mark {
                // Marked first (a MODIFIED event); gone only when nothing holds it and no
                // grace is left, on the next round, as kube's store deletes after its update.
                let mut marked = old.clone();
                let meta = meta_mut(&mut marked);
                if let Some(finalizer) = finalizer {
                    add_finalizer(meta, finalizer);
                }
                // The first mark bumps a tracked generation (`BeforeDelete`, `markAsDeleting`).
                if !meta.contains_key("deletionTimestamp")
                    && let Some(generation) = meta.get("generation").and_then(Value::as_i64)
                    && generation > 0
                {
                    meta.insert("generation".into(), json!(generation + 1));
                }
                meta.insert(
                    "deletionTimestamp".into(),
                    Value::String(clock::rfc3339(timestamp)),
                );
                meta.insert("deletionGracePeriodSeconds".into(), json!(period));
                let held = kind.is_held(&marked);
                match self
                    .write_over(kind, &current, &old, marked, options.dry_run, false)
                    .await?
                {
                    Some(written) if held || period > 0 || options.dry_run => {
                        return Ok(written.body);
                    }
                    _ => continue,
                }
            }
            if !options.dry_run {
                let mut success = vec![Op::Delete {
                    key: current.key.clone(),
                }];
                success.extend(
                    allocator::reservations(kind, &old)
                        .into_iter()
                        .map(|k| Op::Delete { key: k.into() }),
                );
                let response = self
                    .backend
                    .txn(Txn {
                        compares: vec![Compare::ModRevision {
                            key: current.key.clone(),
                            op: CompareOp::Equal,
                            revision: current.mod_revision,
                        }],
                        success,
                        failure: vec![],
                    })
                    .await?;
                if !response.succeeded {
                    continue;
                }
            }
            return Ok(deleted_answer(kind, &current, &old));
        }
    }
}

impl Registry {
    /// Deletes every key under `prefix` in one transaction (the custom resources of a CRD no
    /// version of which is served, which nothing else can reach).
    pub async fn delete_prefix(&self, prefix: &str) -> ApiResult<()> {
        let response = self
            .backend
            .range(RangeRequest {
                key: Bytes::from(prefix.to_owned()),
                end: RangeEnd::Prefix,
                revision: 0,
                limit: 0,
                after: None,
                count_only: false,
            })
            .await?;
        if response.kvs.is_empty() {
            return Ok(());
        }
        self.backend
            .txn(Txn {
                compares: vec![],
                success: response
                    .kvs
                    .into_iter()
                    .map(|kv| Op::Delete { key: kv.key })
                    .collect(),
                failure: vec![],
            })
            .await?;
        Ok(())
    }
}

fn add_finalizer(meta: &mut Map<String, Value>, finalizer: &str) {
    let list = meta.entry("finalizers").or_insert_with(|| json!([]));
    if let Some(list) = list.as_array_mut()
        && !list.iter().any(|f| f == finalizer)
    {
        list.push(json!(finalizer));
    }
}

/// `finalizeDelete`: the deleted object for kinds whose registry returns it, a `Status` naming
/// it for the others.
fn deleted_answer(kind: &Kind, current: &KeyValue, old: &Map<String, Value>) -> Vec<u8> {
    if kubemem_openapi::delete_returns_object(kind.info.group, kind.info.resource) {
        kind.served(&current.value, current.mod_revision)
    } else {
        delete_success(kind, meta_str(old, "name"), meta_str(old, "uid"))
    }
}

impl Registry {
    /// Every object under a key prefix, decoded, in key order.
    pub async fn list_prefix(&self, prefix: &str) -> ApiResult<Vec<Map<String, Value>>> {
        let response = self
            .backend
            .range(RangeRequest::prefix(Bytes::copy_from_slice(
                prefix.as_bytes(),
            )))
            .await?;
        Ok(response
            .kvs
            .iter()
            .map(|kv| object::decode(&kv.value, kv.mod_revision))
            .collect())
    }

    /// Every object of `kind` (in `namespace`, or everywhere), decoded.
    pub async fn list_objects(
        &self,
        kind: &Kind,
        namespace: Option<&str>,
    ) -> ApiResult<Vec<Map<String, Value>>> {
        self.list_prefix(&kind.list_prefix(namespace)).await
    }
}

fn is(kind: &Kind, group: &str, resource: &str) -> bool {
    kind.info.group == group && kind.info.resource == resource
}

/// The namespace of a create as its check saw it.
struct NamespaceSeen<'a> {
    name: &'a str,
    key: Bytes,
    revision: Revision,
}

/// The revision of a namespace that exists and is not terminating; otherwise the error a
/// write into it gets.
fn active_namespace(
    kind: &Kind,
    name: &str,
    namespace: &str,
    current: Option<KeyValue>,
) -> ApiResult<Revision> {
    match current {
        Some(kv) if object::is_deleting(&kv.value) => Err(ApiError::NamespaceTerminating {
            resource: kind.group_resource(),
            name: name.to_owned(),
            namespace: namespace.to_owned(),
        }),
        Some(kv) => Ok(kv.mod_revision),
        None => Err(ApiError::NotFound {
            resource: GroupResource::new("", "namespaces"),
            name: namespace.to_owned(),
        }),
    }
}

/// The compare "`key` does not exist".
fn absent(key: &str) -> Compare {
    Compare::CreateRevision {
        key: Bytes::copy_from_slice(key.as_bytes()),
        op: CompareOp::Equal,
        revision: 0,
    }
}

/// The `Status` kube-apiserver answers for an object deleted at once.
fn delete_success(kind: &Kind, name: &str, uid: &str) -> Vec<u8> {
    let mut details = Map::new();
    details.insert("name".into(), name.into());
    if !kind.info.group.is_empty() {
        details.insert("group".into(), kind.info.group.into());
    }
    details.insert("kind".into(), kind.info.resource.into());
    details.insert("uid".into(), uid.into());
    let status = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    });
    crate::json::to_vec(&status)
}

fn check_preconditions(
    kind: &Kind,
    name: &str,
    old: &Map<String, Value>,
    revision: i64,
    options: &DeleteOptions,
) -> ApiResult<()> {
    // `rest.BeforeDelete` names the Kind, not the resource, in these conflicts.
    let failed = |message: String| ApiError::Conflict {
        resource: GroupResource::new(kind.info.group, kind.info.kind),
        name: name.to_owned(),
        message,
    };
    let uid = meta_str(old, "uid");
    if let Some(expected) = options.precondition_uid.as_deref().filter(|u| *u != uid) {
        return Err(failed(format!(
            "the UID in the precondition ({expected}) does not match the UID in record ({uid}). The object might have been deleted and then recreated"
        )));
    }
    let actual = revision.to_string();
    if let Some(expected) = options
        .precondition_resource_version
        .as_deref()
        .filter(|rv| *rv != actual)
    {
        return Err(failed(format!(
            "the ResourceVersion in the precondition ({expected}) does not match the ResourceVersion in record ({actual}). The object might have been modified"
        )));
    }
    Ok(())
}

/// Carries over what an update may not change (`rest.BeforeUpdate`) and refuses changes to
/// immutable metadata. The server's own writes (`UpdateMode::System`) may start a deletion.
fn prepare_update(
    kind: &Kind,
    new: &mut Map<String, Value>,
    old: &Map<String, Value>,
    mode: UpdateMode,
) -> ApiResult<()> {
    let old_meta = old
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let meta = meta_mut(new);
    meta.remove("resourceVersion");
    meta.remove("selfLink");
    if meta
        .get("uid")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
        && let Some(uid) = old_meta.get("uid")
    {
        meta.insert("uid".into(), uid.clone());
    }
    let carried: &[&str] = match mode {
        UpdateMode::System if !old_meta.contains_key("deletionTimestamp") => {
            &["creationTimestamp", "generation"]
        }
        _ => &[
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ],
    };
    for carried in carried.iter().copied() {
        match old_meta.get(carried) {
            Some(v) => meta.insert(carried.into(), v.clone()),
            None => meta.remove(carried),
        };
    }
    if !kind.info.namespaced {
        meta.remove("namespace");
    }
    let mut causes = Vec::new();
    for immutable in ["name", "namespace", "uid"] {
        let (a, b) = (
            meta.get(immutable).and_then(Value::as_str).unwrap_or(""),
            old_meta
                .get(immutable)
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        if a != b {
            causes.push(Cause::invalid(
                &format!("metadata.{immutable}"),
                &Value::String(a.to_owned()),
                "field is immutable",
            ));
        }
    }
    if !old_meta.contains_key("deletionTimestamp") {
        return invalid_if_any(kind, new, causes);
    }
    let added_finalizer = meta
        .get("finalizers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|f| {
            !old_meta
                .get("finalizers")
                .and_then(Value::as_array)
                .is_some_and(|old| old.contains(f))
        });
    if added_finalizer {
        causes.push(Cause::forbidden(
            "metadata.finalizers",
            "no new finalizers can be added if the object is being deleted",
        ));
    }
    invalid_if_any(kind, new, causes)
}

fn invalid_if_any(kind: &Kind, obj: &Map<String, Value>, causes: Vec<Cause>) -> ApiResult<()> {
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::Invalid {
        group: kind.info.group.to_owned(),
        kind: kind.info.kind.to_owned(),
        name: meta_str(obj, "name").to_owned(),
        causes,
    })
}

/// `ValidateObjectMeta` for a new object.
fn validate_create(kind: &Kind, obj: &Map<String, Value>) -> ApiResult<()> {
    let mut causes = validate_meta(kind, obj);
    causes.extend(validation::validate(kind, obj, Write::Create));
    invalid_if_any(kind, obj, causes)
}

fn validate_update(
    kind: &Kind,
    new: &Map<String, Value>,
    old: &Map<String, Value>,
    mode: UpdateMode,
) -> ApiResult<()> {
    let mut causes = validate_meta(kind, new);
    // The server's own writes skip the per-kind update rules: kube-apiserver's binding writes
    // storage directly, past the pod strategy's `ValidateUpdate` (it sets `spec.nodeName`, which
    // no client update may change), and the controllers' writes change nothing those rules check.
    let write = match mode {
        UpdateMode::Status => Some(Write::Status { old }),
        UpdateMode::Main => Some(Write::Update { old }),
        UpdateMode::System => None,
    };
    if let Some(write) = write {
        causes.extend(validation::validate(kind, new, write));
    }
    invalid_if_any(kind, new, causes)
}

fn validate_meta(kind: &Kind, obj: &Map<String, Value>) -> Vec<Cause> {
    let mut causes = names::validate_object_meta_name(
        meta_str(obj, "name"),
        meta_str(obj, "generateName"),
        |name, prefix| kind.validate_name(name, prefix),
    );
    let meta = |key: &str| obj.get("metadata").and_then(|m| m.get(key));
    causes.extend(names::validate_labels(
        string_pairs(meta("labels")),
        "metadata.labels",
    ));
    causes.extend(names::validate_annotations(
        string_pairs(meta("annotations")),
        "metadata.annotations",
    ));
    causes
}

/// A `resourceVersion` from a request body or query: "" is none, anything else a revision.
pub fn parse_resource_version(rv: &str) -> ApiResult<Option<i64>> {
    if rv.is_empty() {
        return Ok(None);
    }
    rv.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest(format!("invalid resource version: {rv}")))
}

pub fn not_found(kind: &Kind, name: &str) -> ApiError {
    ApiError::NotFound {
        resource: kind.group_resource(),
        name: name.to_owned(),
    }
}

fn already_exists(kind: &Kind, name: &str) -> ApiError {
    ApiError::AlreadyExists {
        resource: kind.group_resource(),
        name: name.to_owned(),
    }
}

fn conflict(kind: &Kind, name: &str) -> ApiError {
    ApiError::Conflict {
        resource: kind.group_resource(),
        name: name.to_owned(),
        message: OPTIMISTIC_LOCK_MSG.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use kubemem_store::{RangeResponse, Store, StoreConfig, StoreError, Watcher};

    use super::*;
    use crate::backend::{BackendFuture, LocalBackend};

    /// A node whose replica lags: its own reads (`range_local`) see `replica`, everything else
    /// the committed state.
    struct Lagging {
        committed: LocalBackend,
        replica: Store,
    }

    impl Backend for Lagging {
        fn txn(
            &self,
            txn: Txn,
        ) -> BackendFuture<'_, Result<kubemem_store::TxnResponse, BackendError>> {
            self.committed.txn(txn)
        }
        fn range(
            &self,
            req: RangeRequest,
        ) -> BackendFuture<'_, Result<RangeResponse, BackendError>> {
            self.committed.range(req)
        }
        fn range_local(&self, req: &RangeRequest) -> Result<RangeResponse, StoreError> {
            self.replica.range(req)
        }
        fn watch(&self, prefix: Bytes, start: Revision) -> Result<Watcher, StoreError> {
            self.committed.watch(prefix, start)
        }
        fn current_revision(&self) -> Revision {
            self.committed.current_revision()
        }
        fn wait_for_revision(&self, revision: Revision) -> BackendFuture<'_, ()> {
            self.committed.wait_for_revision(revision)
        }
        fn compacted_revision(&self) -> Revision {
            self.committed.compacted_revision()
        }
        fn leads(&self) -> bool {
            true
        }
    }

    fn put(store: &Store, key: &str, obj: Value) {
        let Value::Object(obj) = obj else {
            unreachable!("an object")
        };
        store.txn(Txn::unconditional(vec![Op::put(
            key.to_owned(),
            object::encode(&obj),
        )]));
    }

    fn namespace(deleting: bool, label: &str) -> Value {
        let mut meta = json!({"name": "ns", "uid": "u", "labels": {"l": label}});
        if deleting {
            meta["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        }
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta})
    }

    /// The replica shows `ns` active; the committed state has it changed since, as `now`.
    async fn create_in_changed_namespace(now: Value) -> ApiResult<Written> {
        let replica = Store::new(StoreConfig::default());
        put(&replica, "/registry/namespaces/ns", namespace(false, "a"));
        let committed = Store::new(StoreConfig::default());
        put(&committed, "/registry/namespaces/ns", namespace(false, "a"));
        put(&committed, "/registry/namespaces/ns", now);
        let registry = Registry::new(Arc::new(Lagging {
            committed: LocalBackend::new(committed),
            replica,
        }));
        let info = crate::catalog::RESOURCES
            .iter()
            .find(|i| i.group.is_empty() && i.resource == "configmaps")
            .expect("configmaps");
        let Value::Object(obj) =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}})
        else {
            unreachable!("an object")
        };
        registry
            .create(&Kind::new(info), Some("ns"), obj, &WriteOptions::default())
            .await
    }

    #[tokio::test]
    async fn a_create_is_refused_in_a_namespace_marked_for_deletion_since_the_check() {
        match create_in_changed_namespace(namespace(true, "a")).await {
            Err(ApiError::NamespaceTerminating { namespace, .. }) => assert_eq!(namespace, "ns"),
            other => panic!("{:?}", other.map(|w| w.created)),
        }
    }

    #[tokio::test]
    async fn a_create_goes_on_in_a_namespace_otherwise_changed_since_the_check() {
        let written = create_in_changed_namespace(namespace(false, "b"))
            .await
            .expect("created");
        assert!(written.created);
    }
}
