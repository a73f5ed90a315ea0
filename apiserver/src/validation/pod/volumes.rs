//! `ValidateVolumes` and `validateVolumeSource` with the checks of each volume source.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::containers::{object_field_selector, pull_policy, resource_field_selector};
use super::util::{
    child, index, key, local_descending_path, local_non_reserved_path, path_no_backsteps,
};
use crate::error::Cause;
use crate::names;
use crate::quantity::Quantity;
use crate::validation::common::{
    dns1123_label, get, go_string_slice, host_path_type, inclusive_range_error, int_of,
    invalid_each, list_of, str_of,
};

const FILE_MODE: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// `validVolumeDownwardAPIFieldPathExpressions`, sorted.
const VOLUME_FIELD_PATHS: [&str; 5] = [
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];

/// The volume sources in `validateVolumeSource`'s order: the JSON field, and the field
/// `may not specify more than 1 volume type` names (kube's own spelling, typos included).
const SOURCES: [(&str, &str); 30] = [
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
];

/// `ValidateVolumes`: the causes and the volumes that validated, by name. `pod_name` is the
/// pod's name for a pod, `None` for a template.
pub fn volumes<'a>(
    volumes: &'a [Value],
    pod_name: Option<&str>,
    resource_is_pod: bool,
    path: &str,
) -> (BTreeMap<String, &'a Value>, Vec<Cause>) {
    let mut errs = Vec::new();
    let mut valid = BTreeMap::new();
    let pod_name = pod_name.filter(|n| !n.is_empty());
    let created_pvcs: HashSet<String> = match pod_name {
        Some(pod) => volumes
            .iter()
            .filter(|v| get(*v, "ephemeral").is_some())
            .map(|v| format!("{pod}-{}", str_of(v, "name")))
            .collect(),
        None => HashSet::new(),
    };
    let mut names = HashSet::new();
    for (i, vol) in volumes.iter().enumerate() {
        let p = index(path, i);
        let name = str_of(vol, "name");
        let mut el = source(vol, &p, name, pod_name, resource_is_pod);
        if name.is_empty() {
            el.push(Cause::required(&child(&p, "name"), ""));
        } else {
            el.extend(dns1123_label(name, &child(&p, "name")));
        }
        if names.contains(name) {
            el.push(Cause::duplicate(&child(&p, "name"), &Value::from(name)));
        }
        if el.is_empty() {
            names.insert(name);
            valid.insert(name.to_owned(), vol);
        } else {
            errs.extend(el);
        }
        if let Some(claim) = get(vol, "persistentVolumeClaim") {
            let claim_name = str_of(claim, "claimName");
            if created_pvcs.contains(claim_name) {
                errs.push(Cause::invalid(
                    &child(&child(&p, "persistentVolumeClaim"), "claimName"),
                    &Value::from(claim_name),
                    "must not reference a PVC that gets created for an ephemeral volume",
                ));
            }
        }
    }
    (valid, errs)
}

/// `validateVolumeSource`.
fn source(
    vol: &Value,
    path: &str,
    name: &str,
    pod_name: Option<&str>,
    resource_is_pod: bool,
) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut count = 0;
    for (field, forbidden_name) in SOURCES {
        let Some(src) = get(vol, field) else { continue };
        if count > 0 {
            errs.push(Cause::forbidden(
                &child(path, forbidden_name),
                "may not specify more than 1 volume type",
            ));
            continue;
        }
        count += 1;
        let p = child(path, field);
        errs.extend(match field {
            "emptyDir" => empty_dir(src, &p),
            "hostPath" => host_path(src, &p),
            "gitRepo" => {
                let mut e = required(src, &["repository"], &p);
                e.extend(local_descending_path(
                    str_of(src, "directory"),
                    &child(&p, "directory"),
                ));
                e
            }
            "gcePersistentDisk" => disk(src, "pdName", &child(path, "persistentDisk")),
            "awsElasticBlockStore" => disk(src, "volumeID", &p),
            "secret" => key_to_paths(src, "secretName", &p),
            "configMap" => key_to_paths(src, "name", &p),
            "nfs" => nfs(src, &p),
            "glusterfs" => required(src, &["endpoints", "path"], &p),
            "flocker" => flocker(src, &p),
            "persistentVolumeClaim" => required(src, &["claimName"], &p),
            "rbd" => {
                let mut e = Vec::new();
                if list_of(src, "monitors").is_empty() {
                    e.push(Cause::required(&child(&p, "monitors"), ""));
                }
                e.extend(required(src, &["image"], &p));
                e
            }
            "cinder" => {
                let mut e = required(src, &["volumeID"], &p);
                e.extend(secret_ref_name(src, &p));
                e
            }
            "cephfs" => {
                if list_of(src, "monitors").is_empty() {
                    vec![Cause::required(
                        &child(&child(path, "cephfs"), "monitors"),
                        "",
                    )]
                } else {
                    Vec::new()
                }
            }
            "downwardAPI" => downward_api(src, &p),
            "fc" => fc(src, &p),
            "flexVolume" => flex_volume(src, &p),
            "azureFile" => required(src, &["secretName", "shareName"], &p),
            "vsphereVolume" => required(src, &["volumePath"], &p),
            "photonPersistentDisk" => required(src, &["pdID"], &p),
            "portworxVolume" => required(src, &["volumeID"], &p),
            "storageos" => storageos(src, &p),
            "projected" => projected(src, &p),
            "scaleIO" => required(src, &["gateway", "system", "volumeName"], &p),
            "csi" => csi(src, &p),
            "ephemeral" => ephemeral(src, path, name, pod_name),
            "image" => {
                let mut e = Vec::new();
                if resource_is_pod && str_of(src, "reference").is_empty() {
                    e.push(Cause::required(&child(&p, "reference"), ""));
                }
                e.extend(pull_policy(
                    str_of(src, "pullPolicy"),
                    &child(&p, "pullPolicy"),
                ));
                e
            }
            _ => Vec::new(),
        });
    }
    if count == 0 {
        errs.push(Cause::required(path, "must specify a volume type"));
    }
    errs
}

/// `Required` for each empty string field.
fn required(src: &Value, fields: &[&str], path: &str) -> Vec<Cause> {
    fields
        .iter()
        .filter(|f| str_of(src, f).is_empty())
        .map(|f| Cause::required(&child(path, f), ""))
        .collect()
}

/// `secretRef.name` required when `secretRef` is set.
fn secret_ref_name(src: &Value, path: &str) -> Vec<Cause> {
    match get(src, "secretRef") {
        Some(r) if str_of(r, "name").is_empty() => {
            vec![Cause::required(
                &child(&child(path, "secretRef"), "name"),
                "",
            )]
        }
        _ => Vec::new(),
    }
}

fn empty_dir(src: &Value, path: &str) -> Vec<Cause> {
    match get(src, "sizeLimit").and_then(Quantity::from_json) {
        Some(q) if q.sign() < 0 => vec![Cause::forbidden(
            &child(path, "sizeLimit"),
            "SizeLimit field must be a valid resource quantity",
        )],
        _ => Vec::new(),
    }
}

fn host_path(src: &Value, path: &str) -> Vec<Cause> {
    let target = str_of(src, "path");
    if target.is_empty() {
        return vec![Cause::required(&child(path, "path"), "")];
    }
    let mut errs = path_no_backsteps(target, &child(path, "path"));
    errs.extend(host_path_type(get(src, "type"), &child(path, "type")));
    errs
}

/// GCE persistent disks and AWS EBS volumes: the id and the partition.
fn disk(src: &Value, id: &str, path: &str) -> Vec<Cause> {
    let mut errs = required(src, &[id], path);
    let partition = int_of(src, "partition").unwrap_or(0);
    if !(0..=255).contains(&partition) {
        errs.push(Cause::invalid(
            &child(path, "partition"),
            &Value::from(partition),
            &inclusive_range_error(1, 255),
        ));
    }
    errs
}

/// A file mode field.
fn mode(src: &Value, field: &str, path: &str) -> Option<Cause> {
    let m = int_of(src, field)?;
    (!(0..=0o777).contains(&m))
        .then(|| Cause::invalid(&child(path, field), &Value::from(m), FILE_MODE))
}

/// `validateSecretVolumeSource` / `validateConfigMapVolumeSource`.
fn key_to_paths(src: &Value, name_field: &str, path: &str) -> Vec<Cause> {
    let mut errs = required(src, &[name_field], path);
    errs.extend(mode(src, "defaultMode", path));
    for (i, item) in list_of(src, "items").iter().enumerate() {
        errs.extend(key_to_path(item, &index(&child(path, "items"), i)));
    }
    errs
}

/// `validateKeyToPath`.
fn key_to_path(item: &Value, path: &str) -> Vec<Cause> {
    let mut errs = required(item, &["key", "path"], path);
    errs.extend(local_non_reserved_path(
        str_of(item, "path"),
        &child(path, "path"),
    ));
    errs.extend(mode(item, "mode", path));
    errs
}

fn nfs(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs = required(src, &["server", "path"], path);
    let target = str_of(src, "path");
    if !target.starts_with('/') {
        errs.push(Cause::invalid(
            &child(path, "path"),
            &Value::from(target),
            "must be an absolute path",
        ));
    }
    errs
}

fn flocker(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let name = str_of(src, "datasetName");
    let uuid = str_of(src, "datasetUUID");
    if name.is_empty() && uuid.is_empty() {
        errs.push(Cause::required(
            path,
            "one of datasetName and datasetUUID is required",
        ));
    }
    if !name.is_empty() && !uuid.is_empty() {
        errs.push(Cause::invalid(
            path,
            &Value::from("resource"),
            "datasetName and datasetUUID can not be specified simultaneously",
        ));
    }
    if name.contains('/') {
        errs.push(Cause::invalid(
            &child(path, "datasetName"),
            &Value::from(name),
            "must not contain '/'",
        ));
    }
    errs
}

/// `validateDownwardAPIVolumeFile`; `path` is the source's (kube reports the items' causes
/// there, unindexed).
fn downward_api_file(file: &Value, path: &str) -> Vec<Cause> {
    let mut errs = required(file, &["path"], path);
    errs.extend(local_non_reserved_path(
        str_of(file, "path"),
        &child(path, "path"),
    ));
    match (get(file, "fieldRef"), get(file, "resourceFieldRef")) {
        (Some(field_ref), resource_ref) => {
            errs.extend(object_field_selector(
                field_ref,
                &VOLUME_FIELD_PATHS,
                &child(path, "fieldRef"),
            ));
            if resource_ref.is_some() {
                errs.push(Cause::invalid(
                    path,
                    &Value::from("resource"),
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                ));
            }
        }
        (None, Some(resource_ref)) => {
            errs.extend(resource_field_selector(
                resource_ref,
                true,
                &child(path, "resourceFieldRef"),
            ));
        }
        (None, None) => errs.push(Cause::required(
            path,
            "one of fieldRef and resourceFieldRef is required",
        )),
    }
    errs.extend(mode(file, "mode", path));
    errs
}

fn downward_api(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs: Vec<Cause> = mode(src, "defaultMode", path).into_iter().collect();
    for file in list_of(src, "items") {
        errs.extend(downward_api_file(file, path));
    }
    errs
}

fn fc(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let wwns = list_of(src, "targetWWNs");
    let wwids = list_of(src, "wwids");
    let p = child(path, "targetWWNs");
    if wwns.is_empty() && wwids.is_empty() {
        errs.push(Cause::required(
            &p,
            "must specify either targetWWNs or wwids, but not both",
        ));
    }
    if !wwns.is_empty() && !wwids.is_empty() {
        errs.push(Cause::invalid_shown(
            &p,
            &go_string_slice(get(src, "targetWWNs")),
            "targetWWNs and wwids can not be specified simultaneously",
        ));
    }
    if !wwns.is_empty() {
        match int_of(src, "lun") {
            None => errs.push(Cause::required(
                &child(path, "lun"),
                "lun is required if targetWWNs is specified",
            )),
            Some(lun) if !(0..=255).contains(&lun) => errs.push(Cause::invalid(
                &child(path, "lun"),
                &Value::from(lun),
                &inclusive_range_error(0, 255),
            )),
            Some(_) => {}
        }
    }
    errs
}

fn flex_volume(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs = required(src, &["driver"], path);
    let mut options: Vec<&String> = get(src, "options")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys())
        .collect();
    options.sort();
    for k in options {
        let namespace = k.split_once('/').map_or(k.as_str(), |(ns, _)| ns);
        let normalized = format!(".{}", namespace.to_lowercase());
        if normalized.ends_with(".kubernetes.io") || normalized.ends_with(".k8s.io") {
            errs.push(Cause::invalid(
                &key(&child(path, "options"), k),
                &Value::from(k.as_str()),
                "kubernetes.io and k8s.io namespaces are reserved",
            ));
        }
    }
    errs
}

fn storageos(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let name = str_of(src, "volumeName");
    if name.is_empty() {
        errs.push(Cause::required(&child(path, "volumeName"), ""));
    } else {
        errs.extend(dns1123_label(name, &child(path, "volumeName")));
    }
    let namespace = str_of(src, "volumeNamespace");
    if !namespace.is_empty() {
        errs.extend(dns1123_label(namespace, &child(path, "volumeNamespace")));
    }
    errs.extend(secret_ref_name(src, path));
    errs
}

/// `ValidateCSIDriverName` and the node publish secret of a CSI volume.
fn csi(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let driver = str_of(src, "driver");
    let dp = child(path, "driver");
    if driver.is_empty() {
        errs.push(Cause::required(&dp, ""));
    }
    if driver.len() > 63 {
        errs.push(Cause::too_long(&dp, 63));
    }
    errs.extend(
        names::is_dns1123_subdomain(&driver.to_lowercase())
            .iter()
            .map(|m| Cause::invalid(&dp, &Value::from(driver), m)),
    );
    if let Some(secret) = get(src, "nodePublishSecretRef") {
        let name = str_of(secret, "name");
        if name.is_empty() {
            errs.push(Cause::required(
                &child(&child(path, "nodePublishSecretRef"), "name"),
                "",
            ));
        } else {
            errs.extend(invalid_each(
                &child(path, "name"),
                name,
                names::name_is_dns_subdomain(name, false),
            ));
        }
    }
    errs
}

/// An ephemeral volume: its claim template is required, and the claim's name
/// `<pod>-<volume>` must be a valid object name.
fn ephemeral(src: &Value, volume_path: &str, name: &str, pod_name: Option<&str>) -> Vec<Cause> {
    let mut errs = Vec::new();
    if get(src, "volumeClaimTemplate").is_none() {
        errs.push(Cause::required(
            &child(&child(volume_path, "ephemeral"), "volumeClaimTemplate"),
            "",
        ));
    }
    if let Some(pod) = pod_name
        && !name.is_empty()
    {
        let pvc = format!("{pod}-{name}");
        for m in names::name_is_dns_subdomain(&pvc, false) {
            errs.push(Cause::invalid(
                &child(volume_path, "name"),
                &Value::from(name),
                &format!("PVC name {}: {m}", crate::error::go_quote(&pvc)),
            ));
        }
    }
    errs
}

/// `validateProjectedVolumeSource` with `validateProjectionSources`.
fn projected(src: &Value, path: &str) -> Vec<Cause> {
    let mut errs: Vec<Cause> = mode(src, "defaultMode", path).into_iter().collect();
    let mut paths = HashSet::new();
    let conflict =
        |value: &str| Cause::invalid(path, &Value::from(value), "conflicting duplicate paths");
    for (i, source) in list_of(src, "sources").iter().enumerate() {
        let sp = index(&child(path, "sources"), i);
        let mut count = 0;
        for kind in ["secret", "configMap"] {
            let Some(s) = get(source, kind) else { continue };
            count += 1;
            let kp = child(&sp, kind);
            let name = str_of(s, "name");
            if name.is_empty() {
                errs.push(Cause::required(&child(&kp, "name"), ""));
            }
            for (j, item) in list_of(s, "items").iter().enumerate() {
                errs.extend(key_to_path(item, &index(&child(&kp, "items"), j)));
                let item_path = str_of(item, "path");
                if !item_path.is_empty() && !paths.insert(item_path.to_owned()) {
                    errs.push(conflict(name));
                }
            }
        }
        if let Some(d) = get(source, "downwardAPI") {
            count += 1;
            let dp = child(&sp, "downwardAPI");
            for file in list_of(d, "items") {
                errs.extend(downward_api_file(file, &dp));
                let file_path = str_of(file, "path");
                if !file_path.is_empty() && !paths.insert(file_path.to_owned()) {
                    errs.push(conflict(file_path));
                }
            }
        }
        if let Some(token) = get(source, "serviceAccountToken") {
            count += 1;
            let tp = child(&sp, "serviceAccountToken");
            let expiration = int_of(token, "expirationSeconds").unwrap_or(0);
            if expiration < 600 {
                errs.push(Cause::invalid(
                    &child(&tp, "expirationSeconds"),
                    &Value::from(expiration),
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if expiration > 1 << 32 {
                errs.push(Cause::invalid(
                    &child(&tp, "expirationSeconds"),
                    &Value::from(expiration),
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            let token_path = str_of(token, "path");
            if token_path.is_empty() {
                errs.push(Cause::required(&child(path, "path"), ""));
            } else {
                errs.extend(local_non_reserved_path(token_path, &child(path, "path")));
            }
        }
        if let Some(bundle) = get(source, "clusterTrustBundle") {
            count += 1;
            let bp = child(&sp, "clusterTrustBundle");
            let bundle_path = str_of(bundle, "path");
            if bundle_path.is_empty() {
                errs.push(Cause::required(&child(&bp, "path"), ""));
            }
            errs.extend(local_non_reserved_path(bundle_path, &child(&bp, "path")));
            if !paths.insert(bundle_path.to_owned()) {
                errs.push(conflict(bundle_path));
            }
        }
        if count > 1 {
            errs.push(Cause::forbidden(
                &sp,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
    errs
}
