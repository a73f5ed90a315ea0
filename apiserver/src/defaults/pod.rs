//! Pods, pod templates and everything below a `PodSpec` (`pkg/apis/core/v1/defaults.go`):
//! `SetDefaults_PodSpec` and the nested defaulters run for every `PodSpec` (pods and every
//! template); `SetDefaults_Pod` (requests from limits, pod-level resources, service links,
//! host-network ports) only for Pods.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::image;
use super::json::{
    self, Obj, child, child_or_insert, default, default_num, default_str, each, put,
};
use crate::quantity::Quantity;

/// A Pod: `SetObjectDefaults_Pod`.
pub fn pod(obj: &mut Obj) {
    let Some(spec) = child(obj, "spec") else {
        return;
    };
    pod_only(spec);
    pod_spec(spec);
    if let Some(resources) = child(spec, "resources") {
        resource_list(resources, "limits");
        resource_list(resources, "requests");
    }
}

/// A `PodTemplateSpec` (templates of pod templates, controllers and jobs): `metadata` as Go
/// always encodes it, and the `PodSpec` defaults.
pub fn template(t: &mut Obj) {
    child_or_insert(t, json::TEMPLATE, "metadata");
    if let Some(spec) = child(t, "spec") {
        pod_spec(spec);
    }
}

/// `SetDefaults_PodSpec` and the generated defaulting of what a `PodSpec` holds.
fn pod_spec(spec: &mut Obj) {
    let order = json::POD_SPEC;
    default_str(spec, order, "dnsPolicy", "ClusterFirst");
    default_str(spec, order, "restartPolicy", "Always");
    default(spec, order, "securityContext", Value::Object(Map::new()));
    default(
        spec,
        order,
        "terminationGracePeriodSeconds",
        Value::from(30),
    );
    default_str(spec, order, "schedulerName", "default-scheduler");
    // v1 conversion: serviceAccount is an alias of serviceAccountName, which wins.
    if json::unset_str(spec, "serviceAccountName") && !json::unset_str(spec, "serviceAccount") {
        let name = spec["serviceAccount"].clone();
        put(spec, order, "serviceAccountName", name);
    }
    match spec.get("serviceAccountName") {
        Some(Value::String(name)) if !name.is_empty() => {
            let name = Value::String(name.clone());
            put(spec, order, "serviceAccount", name);
        }
        _ => {
            spec.shift_remove("serviceAccount");
        }
    }
    each(spec, "volumes", volume);
    for key in ["initContainers", "containers", "ephemeralContainers"] {
        each(spec, key, container);
    }
    resource_list(spec, "overhead");
}

/// `SetDefaults_Pod`: what Pods get and templates do not.
fn pod_only(spec: &mut Obj) {
    for key in ["containers", "initContainers"] {
        each(spec, key, |c| {
            if let Some(resources) = child(c, "resources") {
                requests_from_limits(resources);
            }
        });
    }
    pod_level_resources(spec);
    default(
        spec,
        json::POD_SPEC,
        "enableServiceLinks",
        Value::Bool(true),
    );
    if spec.get("hostNetwork") == Some(&Value::Bool(true)) {
        for key in ["containers", "initContainers"] {
            each(spec, key, |c| {
                each(c, "ports", |p| {
                    if json::unset_num(p, "hostPort")
                        && let Some(port) = p.get("containerPort").filter(|v| v.is_number())
                    {
                        let port = port.clone();
                        put(p, json::CONTAINER_PORT, "hostPort", port);
                    }
                })
            });
        }
    }
}

/// Requests default to the limits they lack.
fn requests_from_limits(resources: &mut Obj) {
    let Some(Value::Object(limits)) = resources.get("limits") else {
        return;
    };
    let limits = limits.clone();
    let had_requests = !json::absent(resources, "requests");
    let Some(requests) = child_or_insert(resources, json::RESOURCE_REQUIREMENTS, "requests") else {
        return;
    };
    for (name, value) in limits {
        requests.entry(name).or_insert(value);
    }
    if !had_requests && requests.is_empty() {
        resources.shift_remove("requests");
    }
}

/// `SetDefaults_Container` and the generated defaulting of a container's ports, env, resources,
/// probes and lifecycle handlers; `resources` is a struct Go always encodes.
fn container(c: &mut Obj) {
    let order = json::CONTAINER;
    if json::unset_str(c, "imagePullPolicy") {
        let policy = image::pull_policy(json::str_of(c, "image"));
        put(c, order, "imagePullPolicy", Value::String(policy.into()));
    }
    default_str(c, order, "terminationMessagePath", "/dev/termination-log");
    default_str(c, order, "terminationMessagePolicy", "File");
    each(c, "ports", |p| {
        default_str(p, json::CONTAINER_PORT, "protocol", "TCP")
    });
    each(c, "env", |e| {
        if let Some(from) = child(e, "valueFrom")
            && let Some(field_ref) = child(from, "fieldRef")
        {
            object_field_selector(field_ref);
        }
    });
    if let Some(resources) = child_or_insert(c, order, "resources") {
        resource_list(resources, "limits");
        resource_list(resources, "requests");
    }
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(probe) = child(c, key) {
            self::probe(probe);
        }
    }
    if let Some(lifecycle) = child(c, "lifecycle") {
        for key in ["postStart", "preStop"] {
            if let Some(handler) = child(lifecycle, key)
                && let Some(http_get) = child(handler, "httpGet")
            {
                self::http_get(http_get);
            }
        }
    }
}

/// `SetDefaults_Probe` and its handlers.
fn probe(p: &mut Obj) {
    let order = json::PROBE;
    default_num(p, order, "timeoutSeconds", 1);
    default_num(p, order, "periodSeconds", 10);
    default_num(p, order, "successThreshold", 1);
    default_num(p, order, "failureThreshold", 3);
    if let Some(http_get) = child(p, "httpGet") {
        self::http_get(http_get);
    }
    if let Some(grpc) = child(p, "grpc") {
        default(grpc, json::GRPC, "service", Value::String(String::new()));
    }
}

/// `SetDefaults_HTTPGetAction`.
fn http_get(h: &mut Obj) {
    default_str(h, json::HTTP_GET, "path", "/");
    default_str(h, json::HTTP_GET, "scheme", "HTTP");
}

/// `SetDefaults_ObjectFieldSelector`.
fn object_field_selector(f: &mut Obj) {
    default_str(f, json::OBJECT_FIELD_SELECTOR, "apiVersion", "v1");
}

/// `SetDefaults_Volume` and the defaulters of each volume source.
fn volume(v: &mut Obj) {
    let order = json::VOLUME;
    if order[1..].iter().all(|source| json::absent(v, source)) {
        put(v, order, "emptyDir", Value::Object(Map::new()));
    }
    if let Some(image) = child(v, "image")
        && json::unset_str(image, "pullPolicy")
    {
        let policy = image::pull_policy(json::str_of(image, "reference"));
        put(
            image,
            json::IMAGE_VOLUME,
            "pullPolicy",
            Value::String(policy.into()),
        );
    }
    if let Some(host_path) = child(v, "hostPath") {
        default(
            host_path,
            json::HOST_PATH,
            "type",
            Value::String(String::new()),
        );
    }
    if let Some(empty_dir) = child(v, "emptyDir") {
        canonical_quantity_field(empty_dir, "sizeLimit");
    }
    if let Some(secret) = child(v, "secret") {
        default(secret, json::SECRET_VOLUME, "defaultMode", Value::from(420));
    }
    if let Some(config_map) = child(v, "configMap") {
        default(
            config_map,
            json::CONFIG_MAP_VOLUME,
            "defaultMode",
            Value::from(420),
        );
    }
    if let Some(downward) = child(v, "downwardAPI") {
        default(
            downward,
            json::DOWNWARD_API_VOLUME,
            "defaultMode",
            Value::from(420),
        );
        downward_api_items(downward);
    }
    if let Some(projected) = child(v, "projected") {
        default(
            projected,
            json::PROJECTED_VOLUME,
            "defaultMode",
            Value::from(420),
        );
        each(projected, "sources", |s| {
            if let Some(downward) = child(s, "downwardAPI") {
                downward_api_items(downward);
            }
            if let Some(token) = child(s, "serviceAccountToken") {
                default(
                    token,
                    json::SA_TOKEN_PROJECTION,
                    "expirationSeconds",
                    Value::from(3600),
                );
            }
        });
    }
    if let Some(iscsi) = child(v, "iscsi") {
        iscsi_source(iscsi);
    }
    if let Some(rbd) = child(v, "rbd") {
        rbd_source(rbd);
    }
    if let Some(azure_disk) = child(v, "azureDisk") {
        azure_disk_source(azure_disk);
    }
    if let Some(scale_io) = child(v, "scaleIO") {
        scale_io_source(scale_io);
    }
    if let Some(ephemeral) = child(v, "ephemeral")
        && let Some(claim) = child(ephemeral, "volumeClaimTemplate")
    {
        child_or_insert(claim, json::TEMPLATE, "metadata");
        if let Some(spec) = child(claim, "spec") {
            pvc_spec(spec);
        }
    }
}

fn downward_api_items(d: &mut Obj) {
    each(d, "items", |item| {
        if let Some(field_ref) = child(item, "fieldRef") {
            object_field_selector(field_ref);
        }
    });
}

/// `ISCSIVolumeSource` and `ISCSIPersistentVolumeSource` (`+default="default"`).
pub fn iscsi_source(o: &mut Obj) {
    default_str(o, json::ISCSI, "iscsiInterface", "default");
}

/// `RBDVolumeSource` and `RBDPersistentVolumeSource`.
pub fn rbd_source(o: &mut Obj) {
    default_str(o, json::RBD, "pool", "rbd");
    default_str(o, json::RBD, "user", "admin");
    default_str(o, json::RBD, "keyring", "/etc/ceph/keyring");
}

/// `SetDefaults_AzureDiskVolumeSource`.
pub fn azure_disk_source(o: &mut Obj) {
    let order = json::AZURE_DISK;
    default(o, order, "cachingMode", Value::String("ReadWrite".into()));
    default(o, order, "kind", Value::String("Shared".into()));
    default(o, order, "fsType", Value::String("ext4".into()));
    default(o, order, "readOnly", Value::Bool(false));
}

/// `SetDefaults_ScaleIOVolumeSource` and its persistent twin.
pub fn scale_io_source(o: &mut Obj) {
    default_str(o, json::SCALE_IO, "storageMode", "ThinProvisioned");
    default_str(o, json::SCALE_IO, "fsType", "xfs");
}

/// `SetDefaults_PersistentVolumeClaimSpec` and the claim's resource lists;
/// `resources` is a struct Go always encodes.
pub fn pvc_spec(spec: &mut Obj) {
    default(
        spec,
        json::PVC_SPEC,
        "volumeMode",
        Value::String("Filesystem".into()),
    );
    if let Some(resources) = child_or_insert(spec, json::PVC_SPEC, "resources") {
        resource_list(resources, "limits");
        resource_list(resources, "requests");
    }
}

/// `SetDefaults_ResourceList` on `o[key]`: every quantity rounded up to milli precision and
/// written canonically, the keys in Go's map order (sorted). Unparsable values stay as given.
pub fn resource_list(o: &mut Obj, key: &str) {
    let Some(Value::Object(list)) = o.get_mut(key) else {
        return;
    };
    for value in list.values_mut() {
        if let Some(mut q) = Quantity::from_json(value) {
            q.round_up(-3);
            if let Some(s) = q.string() {
                *value = Value::String(s);
            }
        }
    }
    list.sort_keys();
}

/// A single quantity written canonically (no rounding: not a resource list).
pub fn canonical_quantity_field(o: &mut Obj, key: &str) {
    if let Some(value) = o.get_mut(key)
        && let Some(s) = Quantity::from_json(value).and_then(|q| q.string())
    {
        *value = Value::String(s);
    }
}

/// The `PodLevelResources` defaults of `SetDefaults_Pod` (beta, on in v1.36), when
/// `spec.resources` is given: `defaultHugePagePodLimits` then `defaultPodRequests`.
fn pod_level_resources(spec: &mut Obj) {
    let Some(Value::Object(resources)) = spec.get("resources") else {
        return;
    };
    let limits = quantities(resources.get("limits"));
    let requests = quantities(resources.get("requests"));
    let has_limits = matches!(resources.get("limits"), Some(Value::Object(m)) if !m.is_empty());
    let has_requests = matches!(resources.get("requests"), Some(Value::Object(m)) if !m.is_empty());

    let mut new_limits = None;
    if has_limits || has_requests {
        let mut pod_limits = limits.clone();
        if let Some(aggregate) = aggregate(spec, "limits") {
            for (name, q) in aggregate {
                if hugepages(&name) && !requests.contains_key(&name) {
                    pod_limits.entry(name).or_insert(q);
                }
            }
        }
        if !pod_limits.is_empty() && pod_limits.len() != limits.len() {
            new_limits = Some(pod_limits);
        }
    }
    let limits = new_limits.clone().unwrap_or(limits);
    let mut new_requests = None;
    if !limits.is_empty() {
        let mut pod_requests = requests.clone();
        if let Some(aggregate) = aggregate(spec, "requests") {
            for (name, q) in aggregate {
                if pod_level(&name) && !hugepages(&name) {
                    pod_requests.entry(name).or_insert(q);
                }
            }
        }
        for (name, q) in &limits {
            if pod_level(name) {
                pod_requests
                    .entry(name.clone())
                    .or_insert_with(|| q.clone());
            }
        }
        if !pod_requests.is_empty() && pod_requests.len() != requests.len() {
            new_requests = Some(pod_requests);
        }
    }
    let Some(resources) = child(spec, "resources") else {
        return;
    };
    for (key, list) in [("limits", new_limits), ("requests", new_requests)] {
        let Some(list) = list else { continue };
        let Some(target) = child_or_insert(resources, json::RESOURCE_REQUIREMENTS, key) else {
            continue;
        };
        for (name, q) in list {
            if let Some(s) = q.string() {
                target.entry(name).or_insert(Value::String(s));
            }
        }
    }
}

/// `IsSupportedPodLevelResource`: cpu, memory and huge pages.
fn pod_level(name: &str) -> bool {
    name == "cpu" || name == "memory" || hugepages(name)
}

fn hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// A resource list's parsable quantities.
fn quantities(list: Option<&Value>) -> BTreeMap<String, Quantity> {
    let Some(Value::Object(list)) = list else {
        return BTreeMap::new();
    };
    list.iter()
        .filter_map(|(k, v)| Quantity::from_json(v).map(|q| (k.clone(), q)))
        .collect()
}

/// `AggregateContainerRequests`/`AggregateContainerLimits` on the spec (sidecar-aware: the
/// containers' sum plus restartable init containers, at least the peak of any init container
/// with the sidecars started before it); `None` on overflow.
fn aggregate(spec: &Obj, field: &str) -> Option<BTreeMap<String, Quantity>> {
    let list_of = |c: &Value| quantities(c.get("resources").and_then(|r| r.get(field)));
    let containers = |key: &str| match spec.get(key) {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let mut result = BTreeMap::new();
    for c in containers("containers") {
        add_list(&mut result, &list_of(&c))?;
    }
    let mut restartable = BTreeMap::new();
    let mut init = BTreeMap::new();
    for c in containers("initContainers") {
        let list = list_of(&c);
        let current = if c.get("restartPolicy").and_then(Value::as_str) == Some("Always") {
            add_list(&mut result, &list)?;
            add_list(&mut restartable, &list)?;
            restartable.clone()
        } else {
            let mut combined = BTreeMap::new();
            add_list(&mut combined, &list)?;
            add_list(&mut combined, &restartable)?;
            combined
        };
        max_list(&mut init, &current)?;
    }
    max_list(&mut result, &init)?;
    Some(result)
}

fn add_list(list: &mut BTreeMap<String, Quantity>, new: &BTreeMap<String, Quantity>) -> Option<()> {
    for (name, q) in new {
        let sum = match list.get(name) {
            Some(existing) => existing.add(q)?,
            None => q.clone(),
        };
        list.insert(name.clone(), sum);
    }
    Some(())
}

fn max_list(list: &mut BTreeMap<String, Quantity>, new: &BTreeMap<String, Quantity>) -> Option<()> {
    for (name, q) in new {
        let greater = match list.get(name) {
            Some(existing) => q.cmp(existing)?.is_gt(),
            None => true,
        };
        if greater {
            list.insert(name.clone(), q.clone());
        }
    }
    Some(())
}
