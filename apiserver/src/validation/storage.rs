//! `ValidatePersistentVolume`, `ValidatePersistentVolumeClaim` and their updates.

use serde_json::{Map, Value};

use super::Write;
use super::common::{
    IMMUTABLE, get, host_path_type, list_of, obj_of, plain, set_or_remove, str_of,
    validate_label_selector,
};
use crate::error::Cause;
use crate::names;
use crate::quantity::Quantity;

const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// The PersistentVolume source fields, in the order `ValidatePersistentVolumeSpec` counts them,
/// with the path its `may not specify more than 1 volume type` names.
const PV_SOURCES: [(&str, &str); 22] = [
    ("hostPath", "hostPath"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("nfs", "nfs"),
    ("rbd", "rbd"),
    ("quobyte", "quobyte"),
    ("cephfs", "cephFS"),
    ("iscsi", "iscsi"),
    ("cinder", "cinder"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("scaleIO", "scaleIO"),
    ("local", "local"),
    ("storageos", "storageos"),
    ("csi", "csi"),
];

/// The access mode checks shared by both specs.
fn access_modes(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let (mut once_pod, mut other) = (false, false);
    for mode in list_of(spec, "accessModes") {
        let mode = mode.as_str().unwrap_or("");
        if !ACCESS_MODES.contains(&mode) {
            causes.push(Cause::not_supported(
                "spec.accessModes",
                &Value::from(mode),
                &ACCESS_MODES,
            ));
        }
        if mode == "ReadWriteOncePod" {
            once_pod = true;
        } else if ACCESS_MODES.contains(&mode) {
            other = true;
        }
    }
    if once_pod && other {
        causes.push(Cause::forbidden(
            "spec.accessModes",
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    causes
}

/// `ValidateClassName` of a set class name field.
fn class_name(spec: Option<&Value>, key: &str) -> Vec<Cause> {
    let name = str_of(spec, key);
    if name.is_empty() {
        return Vec::new();
    }
    names::is_dns1123_subdomain(name)
        .iter()
        .map(|m| Cause::invalid(&format!("spec.{key}"), &Value::from(name), m))
        .collect()
}

/// `ValidatePositiveQuantityValue`.
fn positive_quantity(q: &Quantity, path: &str) -> Option<Cause> {
    (q.sign() <= 0).then(|| {
        Cause::invalid(
            path,
            &Value::from(q.string().unwrap_or_default()),
            "must be greater than zero",
        )
    })
}

/// `validatePathNoBacksteps`.
fn no_backsteps(path: &str, field: &str) -> Option<Cause> {
    path.split(['/', '\\'])
        .any(|p| p == "..")
        .then(|| Cause::invalid(field, &Value::from(path), "must not contain '..'"))
}

/// The checks of the sources kubemem users set (hostPath, nfs, local, csi); the cloud sources
/// are only counted.
fn volume_source(key: &str, source: &Value, path: &str) -> Vec<Cause> {
    let src = Some(source);
    let mut causes = Vec::new();
    match key {
        "hostPath" => {
            let p = str_of(src, "path");
            if p.is_empty() {
                return vec![Cause::required(&format!("{path}.path"), "")];
            }
            causes.extend(no_backsteps(p, &format!("{path}.path")));
            causes.extend(host_path_type(get(src, "type"), &format!("{path}.type")));
        }
        "nfs" => {
            if str_of(src, "server").is_empty() {
                causes.push(Cause::required(&format!("{path}.server"), ""));
            }
            let p = str_of(src, "path");
            if p.is_empty() {
                causes.push(Cause::required(&format!("{path}.path"), ""));
            }
            if !p.starts_with('/') {
                causes.push(Cause::invalid(
                    &format!("{path}.path"),
                    &Value::from(p),
                    "must be an absolute path",
                ));
            }
        }
        "local" => {
            let p = str_of(src, "path");
            if p.is_empty() {
                return vec![Cause::required(&format!("{path}.path"), "")];
            }
            causes.extend(no_backsteps(p, &format!("{path}.path")));
        }
        "csi" => {
            let driver = str_of(src, "driver");
            let field = format!("{path}.driver");
            if driver.is_empty() {
                causes.push(Cause::required(&field, ""));
            }
            if driver.len() > 63 {
                causes.push(Cause::too_long(&field, 63));
            }
            causes.extend(
                names::is_dns1123_subdomain(&driver.to_lowercase())
                    .iter()
                    .map(|m| Cause::invalid(&field, &Value::from(driver), m)),
            );
            if str_of(src, "volumeHandle").is_empty() {
                causes.push(Cause::required(&format!("{path}.volumeHandle"), ""));
            }
        }
        _ => {}
    }
    causes
}

/// `ValidatePersistentVolume` (not inline).
fn persistent_volume_spec(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    if list_of(spec, "accessModes").is_empty() {
        causes.push(Cause::required("spec.accessModes", ""));
    }
    causes.extend(access_modes(spec));
    let capacity = obj_of(spec, "capacity");
    if capacity.is_none_or(Map::is_empty) {
        causes.push(Cause::required("spec.capacity", ""));
    }
    if capacity.is_none_or(|c| !c.contains_key("storage") || c.len() > 1) {
        let rendered = match get(spec, "capacity") {
            None => "core.ResourceList(nil)".to_owned(),
            Some(capacity) => capacity.to_string(),
        };
        causes.push(Cause::not_supported_shown(
            "spec.capacity",
            &rendered,
            &["storage"],
        ));
    }
    let mut resources: Vec<(&String, &Value)> = capacity.into_iter().flatten().collect();
    resources.sort_by_key(|(k, _)| k.as_str());
    for (name, qty) in resources {
        let path = format!("spec.capacity[{name}]");
        let Some(q) = Quantity::from_json(qty) else {
            continue;
        };
        if q.sign() < 0 {
            causes.push(Cause::invalid(
                &path,
                &Value::from(q.string().unwrap_or_default()),
                "must be a valid resource quantity",
            ));
        }
        causes.extend(positive_quantity(&q, &path));
    }
    let policy = str_of(spec, "persistentVolumeReclaimPolicy");
    const POLICIES: [&str; 3] = ["Delete", "Recycle", "Retain"];
    if !policy.is_empty() && !POLICIES.contains(&policy) {
        causes.push(Cause::not_supported(
            "spec.persistentVolumeReclaimPolicy",
            &Value::from(policy),
            &POLICIES,
        ));
    }
    let mut node_affinity = false;
    if let Some(affinity) = get(spec, "nodeAffinity") {
        node_affinity = true;
        if get(affinity, "required").is_none() {
            causes.push(Cause::required(
                "spec.nodeAffinity.required",
                "must specify required node constraints",
            ));
        }
    }
    let mut count = 0;
    for (key, name) in PV_SOURCES {
        let Some(source) = get(spec, key) else {
            continue;
        };
        if count > 0 && key != "flexVolume" {
            causes.push(Cause::forbidden(
                &format!("spec.{name}"),
                "may not specify more than 1 volume type",
            ));
            continue;
        }
        count += 1;
        causes.extend(volume_source(key, source, &format!("spec.{key}")));
        if key == "local" && !node_affinity {
            causes.push(Cause::required(
                "spec.nodeAffinity",
                "Local volume requires node affinity",
            ));
        }
    }
    if count == 0 {
        causes.push(Cause::required("spec", "must specify a volume type"));
    }
    let host_path = str_of(get(spec, "hostPath"), "path");
    if get(spec, "hostPath").is_some()
        && host_path.trim_end_matches('/').is_empty()
        && host_path.starts_with('/')
        && policy == "Recycle"
    {
        causes.push(Cause::forbidden(
            "spec.persistentVolumeReclaimPolicy",
            "may not be 'recycle' for a hostPath mount of '/'",
        ));
    }
    causes.extend(class_name(spec, "storageClassName"));
    causes.extend(volume_mode(spec));
    if let Some(class) = get(spec, "volumeAttributesClassName").and_then(Value::as_str) {
        if class.is_empty() {
            causes.push(Cause::required(
                "spec.volumeAttributesClassName",
                "an empty string is disallowed",
            ));
        } else {
            causes.extend(class_name(spec, "volumeAttributesClassName"));
        }
        if get(spec, "csi").is_none() {
            causes.push(Cause::required(
                "spec.csi",
                "has to be specified when using volumeAttributesClassName",
            ));
        }
    }
    causes
}

fn volume_mode(spec: Option<&Value>) -> Option<Cause> {
    let mode = get(spec, "volumeMode").and_then(Value::as_str)?;
    (mode != "Block" && mode != "Filesystem").then(|| {
        Cause::not_supported(
            "spec.volumeMode",
            &Value::from(mode),
            &["Block", "Filesystem"],
        )
    })
}

/// `ValidatePersistentVolume` / `ValidatePersistentVolumeUpdate`.
pub fn persistent_volume(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    let spec = obj.get("spec");
    match write {
        Write::Create => persistent_volume_spec(spec),
        Write::Update { old } => {
            let old_spec = old.get("spec");
            let mut causes = persistent_volume_spec(spec);
            let source = |spec: Option<&Value>, expand_secret: bool| -> Vec<Option<Value>> {
                PV_SOURCES
                    .iter()
                    .map(|(key, _)| {
                        let mut v = get(spec, key).cloned();
                        if *key == "csi"
                            && !expand_secret
                            && let Some(Value::Object(csi)) = v.as_mut()
                        {
                            csi.remove("controllerExpandSecretRef");
                        }
                        v
                    })
                    .collect()
            };
            let old_csi_without_secret = get(old_spec, "csi")
                .is_some_and(|csi| get(csi, "controllerExpandSecretRef").is_none());
            if source(spec, !old_csi_without_secret) != source(old_spec, true) {
                causes.push(Cause::forbidden(
                    "spec.persistentvolumesource",
                    "spec.persistentvolumesource is immutable after creation\n",
                ));
            }
            let mode = get(spec, "volumeMode");
            if mode != get(old_spec, "volumeMode") {
                causes.push(Cause::invalid_shown("volumeMode", &plain(mode), IMMUTABLE));
            }
            if get(old_spec, "nodeAffinity").is_some()
                && get(spec, "nodeAffinity") != get(old_spec, "nodeAffinity")
            {
                causes.push(Cause::invalid(
                    "nodeAffinity",
                    get(spec, "nodeAffinity").unwrap_or(&Value::Null),
                    "field is immutable, except for updating from beta label to GA",
                ));
            }
            if get(old_spec, "volumeAttributesClassName").is_some()
                && get(spec, "volumeAttributesClassName").is_none()
            {
                causes.push(Cause::forbidden(
                    "spec.volumeAttributesClassName",
                    "update from non-nil value to nil is forbidden",
                ));
            }
            causes
        }
        Write::Status { .. } => Vec::new(),
    }
}

/// `ValidatePersistentVolumeClaimSpec`.
fn claim_spec(spec: Option<&Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    if list_of(spec, "accessModes").is_empty() {
        causes.push(Cause::required(
            "spec.accessModes",
            "at least 1 access mode is required",
        ));
    }
    causes.extend(validate_label_selector(
        get(spec, "selector"),
        "spec.selector",
    ));
    causes.extend(access_modes(spec));
    let storage_path = "spec.resources[storage]";
    match get(get(get(spec, "resources"), "requests"), "storage") {
        None => causes.push(Cause::required(storage_path, "")),
        Some(storage) => causes
            .extend(Quantity::from_json(storage).and_then(|q| positive_quantity(&q, storage_path))),
    }
    causes.extend(class_name(spec, "storageClassName"));
    causes.extend(volume_mode(spec));
    for (key, namespaced) in [("dataSource", false), ("dataSourceRef", true)] {
        if let Some(source) = get(spec, key) {
            causes.extend(data_source(source, &format!("spec.{key}"), namespaced));
        }
    }
    let ref_namespace = str_of(get(spec, "dataSourceRef"), "namespace");
    let data_source = get(spec, "dataSource");
    if !ref_namespace.is_empty() {
        if data_source.is_some() {
            causes.push(Cause::invalid(
                "spec",
                &Value::from("spec.dataSource"),
                "may not be specified when dataSourceRef.namespace is specified",
            ));
        }
    } else if let (Some(source), Some(reference)) = (data_source, get(spec, "dataSourceRef")) {
        let same = ["apiGroup", "kind", "name"]
            .iter()
            .all(|k| get(source, k) == get(reference, k));
        if !same {
            causes.push(Cause::invalid(
                "spec",
                &Value::from("spec.dataSource"),
                "must match dataSourceRef",
            ));
        }
    }
    if get(spec, "volumeAttributesClassName").is_some() {
        causes.extend(class_name(spec, "volumeAttributesClassName"));
    }
    causes
}

/// `validateDataSource` / `validateDataSourceRef`.
fn data_source(source: &Value, path: &str, namespaced: bool) -> Vec<Cause> {
    let src = Some(source);
    let mut causes = Vec::new();
    if str_of(src, "name").is_empty() {
        causes.push(Cause::required(&format!("{path}.name"), ""));
    }
    let kind = str_of(src, "kind");
    if kind.is_empty() {
        causes.push(Cause::required(&format!("{path}.kind"), ""));
    }
    let group = str_of(src, "apiGroup");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        causes.push(Cause::invalid(
            path,
            &Value::from(kind),
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ));
    }
    if !group.is_empty() {
        causes.extend(
            names::is_dns1123_subdomain(group)
                .iter()
                .map(|m| Cause::invalid(&format!("{path}.apiGroup"), &Value::from(group), m)),
        );
    }
    let namespace = str_of(src, "namespace");
    if namespaced && !namespace.is_empty() {
        causes.extend(
            names::name_is_dns_label(namespace, false)
                .iter()
                .map(|m| Cause::invalid(&format!("{path}.namespace"), &Value::from(namespace), m)),
        );
    }
    causes
}

/// `ValidatePersistentVolumeClaim` / `ValidatePersistentVolumeClaimUpdate` (with the
/// recovery from expansion failure that is on by default).
pub fn persistent_volume_claim(obj: &Map<String, Value>, write: Write<'_>) -> Vec<Cause> {
    let spec = obj.get("spec");
    let old = match write {
        Write::Create => return claim_spec(spec),
        Write::Status { .. } => return Vec::new(),
        Write::Update { old } => old,
    };
    let old_spec = old.get("spec");
    let mut causes = claim_spec(spec);
    let mut new_clone = spec.cloned().unwrap_or(Value::Null);
    let mut old_clone = old_spec.cloned().unwrap_or(Value::Null);
    if str_of(old_spec, "volumeName").is_empty() {
        set(&mut old_clone, "volumeName", get(spec, "volumeName"));
    }
    let annotation = old
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
        .and_then(Value::as_str);
    let new_class = get(spec, "storageClassName").and_then(Value::as_str);
    if let Some(new_class) = new_class
        && get(old_spec, "storageClassName").is_none()
        && annotation.is_none_or(|a| a == new_class)
    {
        set(&mut new_clone, "storageClassName", None);
    }
    let bound = str_of(obj.get("status"), "phase") == "Bound";
    if bound
        && let Some(requests) = new_clone
            .get_mut("resources")
            .and_then(|r| r.get_mut("requests"))
    {
        set(
            requests,
            "storage",
            get(get(get(old_spec, "resources"), "requests"), "storage"),
        );
    }
    set(
        &mut new_clone,
        "volumeAttributesClassName",
        get(old_spec, "volumeAttributesClassName"),
    );
    if new_clone != old_clone {
        causes.push(Cause::forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n",
        ));
    }
    let storage = |spec: Option<&Value>| {
        get(get(get(spec, "resources"), "requests"), "storage")
            .and_then(Quantity::from_json)
            .or_else(|| Quantity::parse("0"))
    };
    let status_size = get(get(old.get("status"), "capacity"), "storage")
        .and_then(Quantity::from_json)
        .or_else(|| Quantity::parse("0"));
    if let (Some(new_size), Some(old_size), Some(status_size)) =
        (storage(spec), storage(old_spec), status_size)
        && new_size.cmp(&old_size).is_some_and(|o| o.is_lt())
        && new_size.cmp(&status_size).is_some_and(|o| o.is_le())
    {
        causes.push(Cause::forbidden(
            "spec.resources.requests.storage",
            "field can not be less than status.capacity",
        ));
    }
    let mode = get(spec, "volumeMode");
    if mode != get(old_spec, "volumeMode") {
        causes.push(Cause::invalid_shown("volumeMode", &plain(mode), IMMUTABLE));
    }
    if get(old_spec, "volumeAttributesClassName").is_some() {
        match get(spec, "volumeAttributesClassName").and_then(Value::as_str) {
            None => causes.push(Cause::forbidden(
                "spec.volumeAttributesClassName",
                "update from non-nil value to nil is forbidden",
            )),
            Some("") => causes.push(Cause::forbidden(
                "spec.volumeAttributesClassName",
                "update from non-nil value to an empty string is forbidden",
            )),
            Some(_) => {}
        }
    }
    causes
}

fn set(target: &mut Value, key: &str, value: Option<&Value>) {
    if let Some(map) = target.as_object_mut() {
        set_or_remove(map, key, value);
    }
}
