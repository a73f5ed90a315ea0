//! What the generic registry needs to know of each kind: the kube-apiserver strategy in small.
//!
//! kube-apiserver gives every kind a `RESTCreateStrategy`/`RESTUpdateStrategy`; the parts the
//! core registry needs — how names are validated, whether `metadata.generation` is tracked,
//! whether status belongs to a `/status` subresource, whether PUT may create — are the rules
//! below. Field-level defaults and validation of each kind grow here (issue #4).

use serde_json::{Map, Value, json};

use crate::catalog::ResourceInfo;
use crate::error::GroupResource;
use crate::names;

/// How `metadata.name` is validated (`ValidateObjectMeta`'s `nameFn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// `NameIsDNSSubdomain`: most kinds.
    Subdomain,
    /// `NameIsDNSLabel`: namespaces.
    Label,
    /// `NameIsDNS1035Label`: services.
    Dns1035Label,
    /// `ValidatePathSegmentName`: RBAC objects.
    PathSegment,
}

/// A kind as the registry serves it: its discovery entry and its strategy rules.
#[derive(Debug)]
pub struct Kind {
    pub info: &'static ResourceInfo,
    pub name_rule: NameRule,
    /// `metadata.generation` starts at 1 and grows with every change outside metadata and status.
    pub tracks_generation: bool,
    /// Status is written through `/status` only: reset on create, kept on update.
    pub status_subresource: bool,
    /// `AllowCreateOnUpdate`: a PUT to a missing object creates it.
    pub create_on_update: bool,
    /// Storage key prefix, `/registry/<resource>/` (core) or `/registry/<group>/<resource>/`.
    pub prefix: String,
    /// `apiVersion` of the stored objects: the storage version, which differs from the served
    /// one where one stored form is served at several versions.
    pub storage_api_version: String,
    /// The served kind's Go zero value, made on first use (it reads the OpenAPI definitions,
    /// which start-up does not need).
    zero: std::sync::OnceLock<Value>,
    /// Converts between the stored and the served form, when they differ.
    conversion: Option<Conversion>,
    /// The CRD version this kind comes from, for custom resources.
    pub custom: Option<std::sync::Arc<crate::crd::Served>>,
    /// Objects of this kind have a protobuf form (built-in kinds do, custom resources not).
    pub protobuf: bool,
}

/// The two directions of a version conversion.
#[derive(Debug)]
enum Conversion {
    /// Built-in conversion functions.
    Functions {
        to_served: fn(&Map<String, Value>) -> Map<String, Value>,
        to_storage: fn(&Map<String, Value>) -> Map<String, Value>,
    },
    /// A CRD's conversion `None`: only `apiVersion` changes.
    ApiVersion { served: String, storage: String },
}

impl Conversion {
    fn to_served(&self, obj: &Map<String, Value>) -> Map<String, Value> {
        match self {
            Conversion::Functions { to_served, .. } => to_served(obj),
            Conversion::ApiVersion { served, .. } => with_api_version(obj, served),
        }
    }

    fn to_storage(&self, obj: &Map<String, Value>) -> Map<String, Value> {
        match self {
            Conversion::Functions { to_storage, .. } => to_storage(obj),
            Conversion::ApiVersion { storage, .. } => with_api_version(obj, storage),
        }
    }
}

fn with_api_version(obj: &Map<String, Value>, api_version: &str) -> Map<String, Value> {
    let mut out = obj.clone();
    if out.contains_key("apiVersion") {
        out.insert("apiVersion".into(), Value::String(api_version.to_owned()));
    }
    out
}

impl Kind {
    pub fn new(info: &'static ResourceInfo) -> Self {
        let (group, resource) = (info.group, info.resource);
        let name_rule = match (group, resource) {
            ("", "namespaces") => NameRule::Label,
            ("", "services") => NameRule::Dns1035Label,
            ("rbac.authorization.k8s.io", _) => NameRule::PathSegment,
            _ => NameRule::Subdomain,
        };
        let tracks_generation = matches!(
            (group, resource),
            ("", "pods" | "replicationcontrollers")
                | (
                    "apps",
                    "deployments" | "replicasets" | "daemonsets" | "statefulsets"
                )
                | ("batch", "jobs" | "cronjobs")
                | ("autoscaling", "horizontalpodautoscalers")
                | ("networking.k8s.io", "ingresses" | "networkpolicies")
                | ("policy", "poddisruptionbudgets")
                | ("apiextensions.k8s.io", "customresourcedefinitions")
        );
        let status_subresource = info.subresources.iter().any(|s| s.name == "status");
        let create_on_update = matches!(
            (group, resource),
            ("", "endpoints") | ("coordination.k8s.io", "leases")
        );
        let prefix = match (group, resource) {
            // Both Event APIs keep one object under the core key (`events.rs`).
            ("", _) | ("events.k8s.io", "events") => format!("/registry/{resource}/"),
            _ => format!("/registry/{group}/{resource}/"),
        };
        let (storage_api_version, conversion) = match (group, info.version, resource) {
            ("autoscaling", "v1", "horizontalpodautoscalers") => (
                "autoscaling/v2".to_owned(),
                Some(Conversion::Functions {
                    to_served: crate::hpa::v2_to_v1,
                    to_storage: crate::hpa::v1_to_v2,
                }),
            ),
            ("events.k8s.io", "v1", "events") => (
                "v1".to_owned(),
                Some(Conversion::Functions {
                    to_served: crate::events::to_events_v1,
                    to_storage: crate::events::to_core,
                }),
            ),
            _ => (api_version(info), None),
        };
        Self {
            info,
            name_rule,
            tracks_generation,
            status_subresource,
            create_on_update,
            prefix,
            storage_api_version,
            zero: std::sync::OnceLock::new(),
            conversion,
            custom: None,
            protobuf: crate::protobuf::has_message(&api_version(info), info.kind),
        }
    }

    /// A custom resource kind: one served version of a CRD (`info` made from it).
    pub fn custom(info: &'static ResourceInfo, served: std::sync::Arc<crate::crd::Served>) -> Self {
        let storage_api_version = format!("{}/{}", served.group, served.storage_version);
        let served_api_version = api_version(info);
        let conversion =
            (storage_api_version != served_api_version).then(|| Conversion::ApiVersion {
                served: served_api_version,
                storage: storage_api_version.clone(),
            });
        Self {
            info,
            name_rule: NameRule::Subdomain,
            tracks_generation: true,
            status_subresource: served.status,
            create_on_update: false,
            prefix: format!("/registry/{}/{}/", info.group, info.resource),
            storage_api_version,
            zero: std::sync::OnceLock::new(),
            conversion,
            custom: Some(served),
            protobuf: false,
        }
    }

    /// The served kind's Go zero value as kube encodes it: the live object of a create for the
    /// field manager.
    pub fn zero(&self) -> &Value {
        self.zero
            .get_or_init(|| crate::zero::object(self.info.group, self.info.version, self.info.kind))
    }

    /// Whether finalizers hold the object: `metadata.finalizers`, and for a namespace also
    /// `spec.finalizers` (the `kubernetes` finalizer the namespace controller removes).
    pub fn is_held(&self, obj: &Map<String, Value>) -> bool {
        let non_empty =
            |v: Option<&Value>| v.and_then(Value::as_array).is_some_and(|a| !a.is_empty());
        non_empty(obj.get("metadata").and_then(|m| m.get("finalizers")))
            || (self.info.group.is_empty()
                && self.info.resource == "namespaces"
                && non_empty(obj.get("spec").and_then(|s| s.get("finalizers"))))
    }

    /// An object as received at this kind's version, in its stored form.
    pub fn to_storage(&self, obj: Map<String, Value>) -> Map<String, Value> {
        match &self.conversion {
            Some(c) => c.to_storage(&obj),
            None => obj,
        }
    }

    /// Appends a stored object as served at this kind's version; `item` leaves out `kind` and
    /// `apiVersion`, as items of a typed list are written. Without a conversion this copies
    /// bytes; with one the object is decoded, converted and encoded.
    pub fn write_served(&self, stored: &[u8], revision: i64, item: bool, out: &mut Vec<u8>) {
        let Some(conversion) = &self.conversion else {
            return if item {
                crate::object::write_served_item(stored, revision, out)
            } else {
                crate::object::write_served(stored, revision, out)
            };
        };
        let mut served = conversion.to_served(&crate::object::decode(stored, revision));
        if item {
            served.remove("kind");
            served.remove("apiVersion");
        }
        crate::json::write(out, &served);
    }

    /// A decoded stored object, converted to this kind's version.
    pub fn served_object(&self, obj: Map<String, Value>) -> Map<String, Value> {
        match &self.conversion {
            Some(c) => c.to_served(&obj),
            None => obj,
        }
    }

    /// A stored object as served at this kind's version.
    pub fn served(&self, stored: &[u8], revision: i64) -> Vec<u8> {
        let mut out = Vec::with_capacity(stored.len() + 32);
        self.write_served(stored, revision, false, &mut out);
        out
    }

    pub fn group_resource(&self) -> GroupResource {
        GroupResource::new(self.info.group, self.info.resource)
    }

    /// `apiVersion` of this kind's objects as served: `v1`, `apps/v1`.
    pub fn api_version(&self) -> String {
        api_version(self.info)
    }

    /// The storage key of one object.
    pub fn key(&self, namespace: Option<&str>, name: &str) -> String {
        match namespace {
            Some(ns) if self.info.namespaced => format!("{}{ns}/{name}", self.prefix),
            _ => format!("{}{name}", self.prefix),
        }
    }

    /// The key prefix of a list: the whole resource, or one namespace of it.
    pub fn list_prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.info.namespaced => format!("{}{ns}/", self.prefix),
            _ => self.prefix.clone(),
        }
    }

    /// Validates a name as this kind's strategy does, returning the messages.
    pub fn validate_name(&self, name: &str, prefix: bool) -> Vec<String> {
        match self.name_rule {
            NameRule::Subdomain => names::name_is_dns_subdomain(name, prefix),
            NameRule::Label => names::name_is_dns_label(name, prefix),
            NameRule::Dns1035Label => names::name_is_dns1035_label(name, prefix),
            NameRule::PathSegment => names::validate_path_segment_name(name, prefix),
        }
    }

    /// `PrepareForCreate`: what the strategy resets or fills in on a new object.
    pub fn prepare_for_create(&self, obj: &mut Map<String, Value>) {
        if let Some(status) = zero_status(self.info.group, self.info.resource) {
            obj.insert("status".into(), status);
        }
        match (self.info.group, self.info.resource) {
            ("", "namespaces") => {
                set_namespace_name_label(obj);
                let spec = obj.entry("spec").or_insert_with(|| json!({}));
                if let Some(spec) = spec.as_object_mut() {
                    let finalizers = spec.entry("finalizers").or_insert_with(|| json!([]));
                    if let Some(list) = finalizers.as_array_mut()
                        && !list.iter().any(|f| f == "kubernetes")
                    {
                        list.push(json!("kubernetes"));
                    }
                }
            }
            ("", "secrets") => prepare_secret(obj),
            _ => {}
        }
    }

    /// `PrepareForUpdate`: keeps what a write to the main resource may not change.
    pub fn prepare_for_update(&self, new: &mut Map<String, Value>, old: &Map<String, Value>) {
        if self.status_subresource {
            match old.get("status") {
                Some(status) => new.insert("status".into(), status.clone()),
                None => new.remove("status"),
            };
        }
        match (self.info.group, self.info.resource) {
            ("", "namespaces") => {
                set_namespace_name_label(new);
                match old.get("spec") {
                    Some(spec) => new.insert("spec".into(), spec.clone()),
                    None => new.remove("spec"),
                };
            }
            ("", "secrets") => prepare_secret(new),
            _ => {}
        }
    }

    /// Whether an update changes what `metadata.generation` counts: everything but metadata
    /// and status.
    pub fn spec_changed(new: &Map<String, Value>, old: &Map<String, Value>) -> bool {
        let outside = |o: &Map<String, Value>| -> Vec<(String, Value)> {
            o.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "metadata" | "status" | "kind" | "apiVersion")
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let (mut a, mut b) = (outside(new), outside(old));
        a.sort_by(|x, y| x.0.cmp(&y.0));
        b.sort_by(|x, y| x.0.cmp(&y.0));
        a != b
    }
}

/// The status a kind's `PrepareForCreate` resets a new object to: the zero value of its v1 status
/// struct as Go encodes it (fields without `omitempty` appear as zero), or the first phase.
fn zero_status(group: &str, resource: &str) -> Option<Value> {
    Some(match (group, resource) {
        ("", "pods") => json!({"phase": "Pending"}),
        ("", "namespaces") => json!({"phase": "Active"}),
        ("", "services") | ("networking.k8s.io", "ingresses") => json!({"loadBalancer": {}}),
        ("", "replicationcontrollers") | ("apps", "replicasets") => json!({"replicas": 0}),
        ("apps", "statefulsets") => json!({"replicas": 0, "availableReplicas": 0}),
        ("apps", "daemonsets") => json!({
            "currentNumberScheduled": 0,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": 0,
            "numberReady": 0
        }),
        ("autoscaling", "horizontalpodautoscalers") => json!({"desiredReplicas": 0}),
        ("policy", "poddisruptionbudgets") => json!({
            "disruptionsAllowed": 0,
            "currentHealthy": 0,
            "desiredHealthy": 0,
            "expectedPods": 0
        }),
        ("apps", "deployments") | ("batch", "jobs" | "cronjobs") | ("", "resourcequotas") => {
            json!({})
        }
        _ => return None,
    })
}

/// Every namespace carries its name as the `kubernetes.io/metadata.name` label.
fn set_namespace_name_label(obj: &mut Map<String, Value>) {
    let name = crate::object::meta_str(obj, "name").to_owned();
    let labels = crate::object::meta_mut(obj)
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(labels) = labels {
        labels.insert("kubernetes.io/metadata.name".into(), Value::String(name));
    }
}

/// A Secret's write-only `stringData` is merged into `data` (base64), as the v1 conversion does;
/// `type` defaults to `Opaque`.
fn prepare_secret(obj: &mut Map<String, Value>) {
    use base64::Engine;
    if let Some(Value::Object(strings)) = obj.remove("stringData") {
        let data = obj.entry("data").or_insert_with(|| json!({}));
        if let Some(data) = data.as_object_mut() {
            for (key, value) in strings {
                let text = value.as_str().unwrap_or_default();
                let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                data.insert(key, Value::String(encoded));
            }
        }
    }
    obj.entry("type").or_insert_with(|| json!("Opaque"));
}

fn api_version(info: &ResourceInfo) -> String {
    if info.group.is_empty() {
        info.version.to_owned()
    } else {
        format!("{}/{}", info.group, info.version)
    }
}

/// `qos.GetPodQOS`: Guaranteed when every container has cpu and memory limits equal to its
/// requests, BestEffort when no container has any request or limit, Burstable otherwise.
pub fn qos_class(pod: &Map<String, Value>) -> &'static str {
    let containers = pod
        .get("spec")
        .map(|s| {
            ["initContainers", "containers"]
                .iter()
                .filter_map(|f| s.get(*f).and_then(Value::as_array))
                .flatten()
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let resources = |c: &Value, which: &str| -> Map<String, Value> {
        c.get("resources")
            .and_then(|r| r.get(which))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let (requests, limits) = (resources(c, "requests"), resources(c, "limits"));
        any |= !requests.is_empty() || !limits.is_empty();
        for r in ["cpu", "memory"] {
            let limit = limits.get(r);
            if limit.is_none() || requests.get(r).is_some_and(|q| Some(q) != limit) {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}
