//! Helpers on JSON objects with Go's semantics: a pointer is unset when the key is missing or
//! `null`, a string when it is also `""`, a number when it is also `0`. Inserted keys go where
//! Go's struct field order puts them (the `&[&str]` tables below, from
//! `staging/src/k8s.io/api/*/v1/types.go`).

use serde_json::{Map, Value};

pub type Obj = Map<String, Value>;

/// Top-level fields of an object.
pub const OBJECT: &[&str] = &["kind", "apiVersion", "metadata", "spec", "status"];
/// `PodTemplateSpec`, `JobTemplateSpec`.
pub const TEMPLATE: &[&str] = &["metadata", "spec"];
pub const POD_SPEC: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
    "hostnameOverride",
];
pub const CONTAINER: &[&str] = &[
    "name",
    "targetContainerName",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];
pub const CONTAINER_PORT: &[&str] = &["name", "hostPort", "containerPort", "protocol", "hostIP"];
pub const PROBE: &[&str] = &[
    "exec",
    "httpGet",
    "tcpSocket",
    "grpc",
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
];
pub const HTTP_GET: &[&str] = &["path", "port", "host", "scheme", "httpHeaders"];
pub const GRPC: &[&str] = &["port", "service"];
pub const OBJECT_FIELD_SELECTOR: &[&str] = &["apiVersion", "fieldPath"];
pub const RESOURCE_REQUIREMENTS: &[&str] = &["limits", "requests", "claims"];
/// `Volume`: the name, then `VolumeSource`'s members (every one a pointer).
pub const VOLUME: &[&str] = &[
    "name",
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];
pub const HOST_PATH: &[&str] = &["path", "type"];
pub const SECRET_VOLUME: &[&str] = &["secretName", "items", "defaultMode", "optional"];
pub const CONFIG_MAP_VOLUME: &[&str] = &["name", "items", "defaultMode", "optional"];
pub const DOWNWARD_API_VOLUME: &[&str] = &["items", "defaultMode"];
pub const PROJECTED_VOLUME: &[&str] = &["sources", "defaultMode"];
pub const SA_TOKEN_PROJECTION: &[&str] = &["audience", "expirationSeconds", "path"];
pub const ISCSI: &[&str] = &[
    "targetPortal",
    "iqn",
    "lun",
    "iscsiInterface",
    "fsType",
    "readOnly",
    "portals",
    "chapAuthDiscovery",
    "chapAuthSession",
    "secretRef",
    "initiatorName",
];
pub const RBD: &[&str] = &[
    "monitors",
    "image",
    "fsType",
    "pool",
    "user",
    "keyring",
    "secretRef",
    "readOnly",
];
pub const AZURE_DISK: &[&str] = &[
    "diskName",
    "diskURI",
    "cachingMode",
    "fsType",
    "readOnly",
    "kind",
];
pub const SCALE_IO: &[&str] = &[
    "gateway",
    "system",
    "secretRef",
    "sslEnabled",
    "protectionDomain",
    "storagePool",
    "storageMode",
    "volumeName",
    "fsType",
    "readOnly",
];
pub const IMAGE_VOLUME: &[&str] = &["reference", "pullPolicy"];
pub const PVC_SPEC: &[&str] = &[
    "accessModes",
    "selector",
    "resources",
    "volumeName",
    "storageClassName",
    "volumeMode",
    "dataSource",
    "dataSourceRef",
    "volumeAttributesClassName",
];
pub const PVC_STATUS: &[&str] = &["phase", "accessModes", "capacity", "conditions"];
pub const PV_SPEC: &[&str] = &[
    "capacity",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "hostPath",
    "glusterfs",
    "nfs",
    "rbd",
    "iscsi",
    "cinder",
    "cephfs",
    "fc",
    "flocker",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "local",
    "storageos",
    "csi",
    "accessModes",
    "claimRef",
    "persistentVolumeReclaimPolicy",
    "storageClassName",
    "mountOptions",
    "volumeMode",
    "nodeAffinity",
    "volumeAttributesClassName",
];
pub const SERVICE_SPEC: &[&str] = &[
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
    "trafficDistribution",
];
pub const SERVICE_PORT: &[&str] = &[
    "name",
    "protocol",
    "appProtocol",
    "port",
    "targetPort",
    "nodePort",
];
pub const LB_INGRESS: &[&str] = &["ip", "hostname", "ipMode", "ports"];
pub const DEPLOYMENT_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
];
/// `DeploymentStrategy`, `DaemonSetUpdateStrategy`, `StatefulSetUpdateStrategy`.
pub const STRATEGY: &[&str] = &["type", "rollingUpdate"];
pub const ROLLING_UPDATE: &[&str] = &["maxUnavailable", "maxSurge"];
pub const DAEMON_SET_SPEC: &[&str] = &[
    "selector",
    "template",
    "updateStrategy",
    "minReadySeconds",
    "revisionHistoryLimit",
];
pub const STATEFUL_SET_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "volumeClaimTemplates",
    "serviceName",
    "podManagementPolicy",
    "updateStrategy",
    "revisionHistoryLimit",
    "minReadySeconds",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
];
pub const STATEFUL_ROLLING_UPDATE: &[&str] = &["partition", "maxUnavailable"];
pub const PVC_RETENTION: &[&str] = &["whenDeleted", "whenScaled"];
/// `ReplicaSetSpec`, `ReplicationControllerSpec`.
pub const REPLICA_SET_SPEC: &[&str] = &["replicas", "minReadySeconds", "selector", "template"];
pub const JOB_SPEC: &[&str] = &[
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "successPolicy",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "selector",
    "manualSelector",
    "template",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
    "podReplacementPolicy",
    "managedBy",
];
pub const POD_CONDITION_PATTERN: &[&str] = &["type", "status"];
pub const CRON_JOB_SPEC: &[&str] = &[
    "schedule",
    "timeZone",
    "startingDeadlineSeconds",
    "concurrencyPolicy",
    "suspend",
    "jobTemplate",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
];
pub const OBJECT_META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// `o[key]` as an object, when it is one.
pub fn child<'a>(o: &'a mut Obj, key: &str) -> Option<&'a mut Obj> {
    o.get_mut(key).and_then(Value::as_object_mut)
}

/// `o[key]` as an object, inserting `{}` (at its `order` place) when the key is missing or
/// `null`; `None` when it holds another type.
pub fn child_or_insert<'a>(o: &'a mut Obj, order: &[&str], key: &str) -> Option<&'a mut Obj> {
    if absent(o, key) {
        put(o, order, key, Value::Object(Map::new()));
    }
    child(o, key)
}

/// Calls `f` on every object of the array `o[key]`.
pub fn each(o: &mut Obj, key: &str, mut f: impl FnMut(&mut Obj)) {
    if let Some(Value::Array(items)) = o.get_mut(key) {
        items
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .for_each(&mut f);
    }
}

/// A nil pointer, map or slice: missing or `null`.
pub fn absent(o: &Obj, key: &str) -> bool {
    matches!(o.get(key), None | Some(Value::Null))
}

/// An unset string: missing, `null` or `""`.
pub fn unset_str(o: &Obj, key: &str) -> bool {
    matches!(o.get(key), None | Some(Value::Null))
        || o.get(key) == Some(&Value::String(String::new()))
}

/// An unset number: missing, `null` or zero.
pub fn unset_num(o: &Obj, key: &str) -> bool {
    match o.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// `len(map) == 0`: missing, `null` or `{}` (another type counts as set).
pub fn empty_object(o: &Obj, key: &str) -> bool {
    match o.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        _ => false,
    }
}

/// `len(slice) == 0`: missing, `null` or `[]` (another type counts as set).
pub fn empty_array(o: &Obj, key: &str) -> bool {
    match o.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Sets `o[key]`: in place when the key exists, else before the first key that Go's field
/// `order` puts after it (at the end when there is none or `key` is not in `order`).
pub fn put(o: &mut Obj, order: &[&str], key: &str, value: Value) {
    if let Some(slot) = o.get_mut(key) {
        *slot = value;
        return;
    }
    let at = order.iter().position(|k| *k == key).and_then(|rank| {
        o.keys().position(|existing| {
            order
                .iter()
                .position(|k| k == existing)
                .is_some_and(|r| r > rank)
        })
    });
    match at {
        Some(index) => {
            o.shift_insert(index, key.to_owned(), value);
        }
        None => {
            o.insert(key.to_owned(), value);
        }
    }
}

/// `if o[key] == nil { o[key] = value }`.
pub fn default(o: &mut Obj, order: &[&str], key: &str, value: Value) {
    if absent(o, key) {
        put(o, order, key, value);
    }
}

/// `if o[key] == "" { o[key] = value }`.
pub fn default_str(o: &mut Obj, order: &[&str], key: &str, value: &str) {
    if unset_str(o, key) {
        put(o, order, key, Value::String(value.to_owned()));
    }
}

/// `if o[key] == 0 { o[key] = value }`.
pub fn default_num(o: &mut Obj, order: &[&str], key: &str, value: i64) {
    if unset_num(o, key) {
        put(o, order, key, Value::from(value));
    }
}

/// The string `o[key]`, or "" (Go's zero value) when missing or not a string.
pub fn str_of<'a>(o: &'a Obj, key: &str) -> &'a str {
    o.get(key).and_then(Value::as_str).unwrap_or("")
}
