//! Every other kind: the rest of `pkg/apis/core/v1/defaults.go`, and `autoscaling/v1`, `v2`,
//! `networking/v1`, `rbac/v1`, `storage/v1`, `scheduling/v1`, `discovery/v1` defaults.

use serde_json::{Map, Value, json};

use super::json::{self, Obj, child, child_or_insert, default, default_str, each, put};
use super::pod;
use super::spec_or_insert;

/// `SetDefaults_Service`.
pub fn service(obj: &mut Obj) {
    let Some(spec) = spec_or_insert(obj) else {
        return;
    };
    let order = json::SERVICE_SPEC;
    default_str(spec, order, "sessionAffinity", "None");
    match json::str_of(spec, "sessionAffinity") {
        "None" => {
            spec.shift_remove("sessionAffinityConfig");
        }
        "ClientIP" => {
            let has_timeout = spec
                .get("sessionAffinityConfig")
                .and_then(|c| c.get("clientIP"))
                .and_then(|c| c.get("timeoutSeconds"))
                .is_some_and(|t| !t.is_null());
            if !has_timeout {
                let config = json!({"clientIP": {"timeoutSeconds": 10800}});
                put(spec, order, "sessionAffinityConfig", config);
            }
        }
        _ => {}
    }
    default_str(spec, order, "type", "ClusterIP");
    each(spec, "ports", |p| {
        default_str(p, json::SERVICE_PORT, "protocol", "TCP");
        let unset = match p.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => n.as_f64() == Some(0.0),
            Some(Value::String(s)) => s.is_empty(),
            _ => false,
        };
        if unset {
            let port = p
                .get("port")
                .filter(|v| v.is_number())
                .cloned()
                .unwrap_or(Value::from(0));
            put(p, json::SERVICE_PORT, "targetPort", port);
        }
    });
    let kind = json::str_of(spec, "type").to_owned();
    let externally_accessible = kind == "LoadBalancer"
        || kind == "NodePort"
        || kind == "ClusterIP" && !json::empty_array(spec, "externalIPs");
    if externally_accessible {
        default_str(spec, order, "externalTrafficPolicy", "Cluster");
    }
    if matches!(kind.as_str(), "NodePort" | "LoadBalancer" | "ClusterIP") {
        default(
            spec,
            order,
            "internalTrafficPolicy",
            Value::String("Cluster".into()),
        );
    }
    if kind == "LoadBalancer" {
        default(
            spec,
            order,
            "allocateLoadBalancerNodePorts",
            Value::Bool(true),
        );
        if let Some(status) = child(obj, "status")
            && let Some(lb) = child(status, "loadBalancer")
        {
            each(lb, "ingress", |ingress| {
                if !json::unset_str(ingress, "ip") {
                    default(
                        ingress,
                        json::LB_INGRESS,
                        "ipMode",
                        Value::String("VIP".into()),
                    );
                }
            });
        }
    }
}

/// `SetDefaults_Endpoints`.
pub fn endpoints(obj: &mut Obj) {
    each(obj, "subsets", |subset| {
        each(subset, "ports", |p| {
            default_str(
                p,
                &["name", "port", "protocol", "appProtocol"],
                "protocol",
                "TCP",
            )
        });
    });
}

/// `SetDefaults_Namespace` (the `kubernetes.io/metadata.name` label, when named) and
/// `SetDefaults_NamespaceStatus`.
pub fn namespace(obj: &mut Obj) {
    let name = obj
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !name.is_empty()
        && let Some(meta) = child(obj, "metadata")
        && let Some(labels) = child_or_insert(meta, json::OBJECT_META, "labels")
    {
        labels.insert("kubernetes.io/metadata.name".into(), Value::String(name));
        labels.sort_keys();
    }
    if let Some(status) = child_or_insert(obj, json::OBJECT, "status") {
        default_str(status, &["phase", "conditions"], "phase", "Active");
    }
}

/// `SetDefaults_Secret`.
pub fn secret(obj: &mut Obj) {
    let order = &[
        "kind",
        "apiVersion",
        "metadata",
        "immutable",
        "data",
        "stringData",
        "type",
    ];
    default_str(obj, order, "type", "Opaque");
}

/// `SetDefaults_PersistentVolume` and the persistent volume sources' defaults.
pub fn persistent_volume(obj: &mut Obj) {
    if let Some(spec) = spec_or_insert(obj) {
        let order = json::PV_SPEC;
        default_str(spec, order, "persistentVolumeReclaimPolicy", "Retain");
        default(
            spec,
            order,
            "volumeMode",
            Value::String("Filesystem".into()),
        );
        pod::resource_list(spec, "capacity");
        if let Some(host_path) = child(spec, "hostPath") {
            default(
                host_path,
                json::HOST_PATH,
                "type",
                Value::String(String::new()),
            );
        }
        if let Some(rbd) = child(spec, "rbd") {
            pod::rbd_source(rbd);
        }
        if let Some(iscsi) = child(spec, "iscsi") {
            pod::iscsi_source(iscsi);
        }
        if let Some(azure_disk) = child(spec, "azureDisk") {
            pod::azure_disk_source(azure_disk);
        }
        if let Some(scale_io) = child(spec, "scaleIO") {
            pod::scale_io_source(scale_io);
        }
    }
    if let Some(status) = child_or_insert(obj, json::OBJECT, "status") {
        default_str(
            status,
            &["phase", "message", "reason", "lastPhaseTransitionTime"],
            "phase",
            "Pending",
        );
    }
}

/// `SetDefaults_PersistentVolumeClaim` and `SetDefaults_PersistentVolumeClaimSpec` (also for
/// StatefulSet claim templates).
pub fn persistent_volume_claim(obj: &mut Obj) {
    if let Some(spec) = spec_or_insert(obj) {
        pod::pvc_spec(spec);
    }
    if let Some(status) = child_or_insert(obj, json::OBJECT, "status") {
        default_str(status, json::PVC_STATUS, "phase", "Pending");
        pod::resource_list(status, "capacity");
        pod::resource_list(status, "allocatedResources");
    }
}

/// `SetDefaults_LimitRangeItem`: for `Container` items the default limit comes from the max,
/// the default request from the default limit, then from the min.
pub fn limit_range(obj: &mut Obj) {
    let Some(spec) = spec_or_insert(obj) else {
        return;
    };
    let order = &[
        "type",
        "max",
        "min",
        "default",
        "defaultRequest",
        "maxLimitRequestRatio",
    ];
    each(spec, "limits", |item| {
        if json::str_of(item, "type") == "Container" {
            for (from, to) in [
                ("max", "default"),
                ("default", "defaultRequest"),
                ("min", "defaultRequest"),
            ] {
                let Some(Value::Object(source)) = item.get(from) else {
                    continue;
                };
                if source.is_empty()
                    || !matches!(item.get(to), None | Some(Value::Null | Value::Object(_)))
                {
                    continue;
                }
                let source = source.clone();
                if let Some(target) = child_or_insert(item, order, to) {
                    for (name, value) in source {
                        target.entry(name).or_insert(value);
                    }
                }
            }
        }
        for key in [
            "max",
            "min",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
        ] {
            pod::resource_list(item, key);
        }
    });
}

/// The resource lists of a ResourceQuota; `spec` is a struct Go always encodes.
pub fn resource_quota(obj: &mut Obj) {
    if let Some(spec) = spec_or_insert(obj) {
        pod::resource_list(spec, "hard");
    }
    if let Some(status) = child(obj, "status") {
        pod::resource_list(status, "hard");
        pod::resource_list(status, "used");
    }
}

/// `SetDefaults_NodeStatus`: allocatable defaults to capacity; `spec` is always encoded.
pub fn node(obj: &mut Obj) {
    spec_or_insert(obj);
    let Some(status) = child(obj, "status") else {
        return;
    };
    if json::absent(status, "allocatable")
        && let Some(capacity) = status.get("capacity").filter(|c| c.is_object()).cloned()
    {
        put(
            status,
            &["capacity", "allocatable", "phase", "conditions"],
            "allocatable",
            capacity,
        );
    }
    pod::resource_list(status, "capacity");
    pod::resource_list(status, "allocatable");
}

/// A core/v1 Event has no defaults; its struct, time and non-`omitempty` string fields are
/// always encoded.
pub fn core_event(obj: &mut Obj) {
    let order = &[
        "kind",
        "apiVersion",
        "metadata",
        "involvedObject",
        "reason",
        "message",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "count",
        "type",
        "eventTime",
        "series",
        "action",
        "related",
        "reportingComponent",
        "reportingInstance",
    ];
    for key in ["involvedObject", "source"] {
        default(obj, order, key, Value::Object(Map::new()));
    }
    for key in ["firstTimestamp", "lastTimestamp", "eventTime"] {
        if !obj.contains_key(key) {
            put(obj, order, key, Value::Null);
        }
    }
    for key in ["reportingComponent", "reportingInstance"] {
        default(obj, order, key, Value::String(String::new()));
    }
}

/// An events.k8s.io/v1 Event: no defaults; struct and time fields always encoded.
pub fn events_event(obj: &mut Obj) {
    let order = &[
        "kind",
        "apiVersion",
        "metadata",
        "eventTime",
        "series",
        "reportingController",
        "reportingInstance",
        "action",
        "reason",
        "regarding",
        "related",
        "note",
        "type",
        "deprecatedSource",
        "deprecatedFirstTimestamp",
        "deprecatedLastTimestamp",
        "deprecatedCount",
    ];
    for key in ["regarding", "deprecatedSource"] {
        default(obj, order, key, Value::Object(Map::new()));
    }
    for key in [
        "eventTime",
        "deprecatedFirstTimestamp",
        "deprecatedLastTimestamp",
    ] {
        if !obj.contains_key(key) {
            put(obj, order, key, Value::Null);
        }
    }
}

/// A Lease has no defaults; its `spec` is always encoded.
pub fn lease(obj: &mut Obj) {
    spec_or_insert(obj);
}

const HPA_V1_SPEC: &[&str] = &[
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "targetCPUUtilizationPercentage",
];
const HPA_V2_SPEC: &[&str] = &[
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "metrics",
    "behavior",
];
const SCALING_RULES: &[&str] = &[
    "stabilizationWindowSeconds",
    "selectPolicy",
    "policies",
    "tolerance",
];

/// autoscaling/v1 `SetDefaults_HorizontalPodAutoscaler` (the CPU target is defaulted by the
/// conversion, not here).
pub fn hpa_v1(obj: &mut Obj) {
    if let Some(spec) = spec_or_insert(obj) {
        default(spec, HPA_V1_SPEC, "minReplicas", Value::from(1));
    }
}

/// autoscaling/v2 `SetDefaults_HorizontalPodAutoscaler`: one replica at least, 80% CPU
/// utilization when no metric is given, and a given `behavior` filled in rule by rule.
pub fn hpa_v2(obj: &mut Obj) {
    let Some(spec) = spec_or_insert(obj) else {
        return;
    };
    default(spec, HPA_V2_SPEC, "minReplicas", Value::from(1));
    if json::empty_array(spec, "metrics") {
        let cpu = json!([{
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}
        }]);
        put(spec, HPA_V2_SPEC, "metrics", cpu);
    }
    let Some(behavior) = child(spec, "behavior") else {
        return;
    };
    let scale_up = json!({
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}
        ]
    });
    let scale_down = json!({
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]
    });
    for (key, defaults) in [("scaleUp", scale_up), ("scaleDown", scale_down)] {
        let rules = scaling_rules(behavior.get(key), defaults);
        put(behavior, &["scaleUp", "scaleDown"], key, rules);
    }
}

/// `copyHPAScalingRules(from, defaults)`: every non-nil field of the given rules over the
/// defaults (`policies: []` wins too, and `omitempty` then hides it).
fn scaling_rules(given: Option<&Value>, defaults: Value) -> Value {
    let Value::Object(mut rules) = defaults else {
        return defaults;
    };
    if let Some(Value::Object(given)) = given {
        for key in SCALING_RULES {
            match given.get(*key) {
                None | Some(Value::Null) => {}
                Some(Value::Array(a)) if *key == "policies" && a.is_empty() => {
                    rules.shift_remove(*key);
                }
                Some(v) => put(&mut rules, SCALING_RULES, key, v.clone()),
            }
        }
    }
    Value::Object(rules)
}

/// `SetDefaults_NetworkPolicy` (policy types) and `SetDefaults_NetworkPolicyPort`;
/// `podSelector` is a struct Go always encodes.
pub fn network_policy(obj: &mut Obj) {
    let Some(spec) = spec_or_insert(obj) else {
        return;
    };
    let order = &["podSelector", "ingress", "egress", "policyTypes"];
    default(spec, order, "podSelector", Value::Object(Map::new()));
    for key in ["ingress", "egress"] {
        each(spec, key, |rule| {
            each(rule, "ports", |p| {
                default(
                    p,
                    &["protocol", "port", "endPort"],
                    "protocol",
                    Value::String("TCP".into()),
                )
            });
        });
    }
    if json::empty_array(spec, "policyTypes") {
        let mut types = vec![Value::String("Ingress".into())];
        if !json::empty_array(spec, "egress") {
            types.push(Value::String("Egress".into()));
        }
        put(spec, order, "policyTypes", Value::Array(types));
    }
}

/// `SetDefaults_IngressClass`: parameters are cluster-scoped unless said otherwise.
pub fn ingress_class(obj: &mut Obj) {
    let Some(spec) = spec_or_insert(obj) else {
        return;
    };
    if let Some(parameters) = child(spec, "parameters") {
        let order = &["apiGroup", "kind", "name", "scope", "namespace"];
        default(parameters, order, "scope", Value::String("Cluster".into()));
    }
}

/// `SetDefaults_RoleBinding`/`SetDefaults_ClusterRoleBinding` and `SetDefaults_Subject`.
pub fn role_binding(obj: &mut Obj) {
    const GROUP: &str = "rbac.authorization.k8s.io";
    each(obj, "subjects", |subject| {
        if json::unset_str(subject, "apiGroup")
            && matches!(json::str_of(subject, "kind"), "User" | "Group")
        {
            put(
                subject,
                &["kind", "apiGroup", "name", "namespace"],
                "apiGroup",
                Value::String(GROUP.into()),
            );
        }
    });
    if let Some(role_ref) = child_or_insert(
        obj,
        &["kind", "apiVersion", "metadata", "subjects", "roleRef"],
        "roleRef",
    ) {
        default_str(role_ref, &["apiGroup", "kind", "name"], "apiGroup", GROUP);
    }
}

/// `SetDefaults_StorageClass`.
pub fn storage_class(obj: &mut Obj) {
    let order = &[
        "kind",
        "apiVersion",
        "metadata",
        "provisioner",
        "parameters",
        "reclaimPolicy",
        "mountOptions",
        "allowVolumeExpansion",
        "volumeBindingMode",
        "allowedTopologies",
    ];
    default(obj, order, "reclaimPolicy", Value::String("Delete".into()));
    default(
        obj,
        order,
        "volumeBindingMode",
        Value::String("Immediate".into()),
    );
}

/// `SetDefaults_PriorityClass`; `value` has no `omitempty`.
pub fn priority_class(obj: &mut Obj) {
    let order = &[
        "kind",
        "apiVersion",
        "metadata",
        "value",
        "globalDefault",
        "description",
        "preemptionPolicy",
    ];
    default(obj, order, "value", Value::from(0));
    default(
        obj,
        order,
        "preemptionPolicy",
        Value::String("PreemptLowerPriority".into()),
    );
}

/// `SetDefaults_EndpointPort` of discovery/v1; an endpoint's `conditions` is always encoded.
pub fn endpoint_slice(obj: &mut Obj) {
    each(obj, "ports", |p| {
        let order = &["name", "protocol", "port", "appProtocol"];
        default(p, order, "name", Value::String(String::new()));
        default(p, order, "protocol", Value::String("TCP".into()));
    });
    each(obj, "endpoints", |e| {
        let order = &[
            "addresses",
            "conditions",
            "hostname",
            "targetRef",
            "deprecatedTopology",
            "nodeName",
            "zone",
            "hints",
        ];
        default(e, order, "conditions", Value::Object(Map::new()));
    });
}
