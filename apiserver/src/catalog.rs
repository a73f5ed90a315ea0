//! Static catalog of the built-in resources kubemem serves, as kube-apiserver
//! **v1.36** (default feature gates, default `--runtime-config`) reports them in
//! legacy discovery (`/api/v1`, `/apis/<g>/<v>`, i.e. `APIResourceList`) and in
//! aggregated discovery (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`).
//!
//! Self-contained, no dependencies. See `NOTES.md` next to this file for the
//! JSON shapes, headers, `/version` and health endpoints.
//!
//! Sources (kubernetes/kubernetes unless noted):
//! * `api/discovery/api__v1.json`, `api/discovery/apis__<group>__<version>.json`,
//!   `api/discovery/apis.json`, `api/discovery/aggregated_v2.json` — snapshots of a
//!   real kube-apiserver written by `hack/update-openapi-spec.sh`. NOTE that script
//!   runs with `--feature-gates=AllAlpha=true,AllBeta=true --runtime-config=api/all=true`,
//!   so alpha/beta-only entries in those files were dropped here.
//! * `pkg/controlplane/storageversionhashdata/data.go` — the expected storage
//!   version hash of every built-in GVR (all hashes below match it and are
//!   re-computed by the unit test).
//! * `pkg/registry/core/rest/storage_core.go` — which core subresources exist
//!   (`pods/resize` is registered when `InPlacePodVerticalScaling` is on: beta
//!   and default-on since 1.33, GA since 1.35).
//! * `staging/src/k8s.io/apiserver/pkg/endpoints/installer.go` — `Install()`
//!   registers storage paths in `sort.Strings` order, and every APIResource's
//!   verbs are `sort.Strings`-ed; subresources get `singularName: ""`.
//! * `pkg/apis/core/v1/conversion.go`, `pkg/apis/events/v1/conversion.go`,
//!   `pkg/apis/batch/v1/conversion.go` (field label conversion funcs) and
//!   `pkg/registry/**/strategy.go` (`ToSelectableFields`) for field selectors.

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/// One subresource as discovery shows it.
///
/// `group`/`version` are exactly the `APIResource.group` / `APIResource.version`
/// of the legacy list: empty when the response kind lives in the parent's
/// group-version (then they are omitted in `/api/v1` & `/apis/<g>/<v>` JSON and
/// rendered as `"group":"","version":""` in aggregated `responseKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubresourceInfo {
    /// e.g. "status", "scale", "log" (without the parent's name).
    pub name: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// Sorted, exactly as discovery lists them.
    pub verbs: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// "" for the legacy core group (served under /api/v1).
    pub group: &'static str,
    pub version: &'static str,
    /// Plural, e.g. "pods".
    pub resource: &'static str,
    /// `singularName` (legacy) / `singularResource` (aggregated).
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    /// Exact order kube-apiserver lists them (always `sort.Strings` order).
    pub verbs: &'static [&'static str],
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// "" means the field is omitted (bindings, componentstatuses).
    pub storage_version_hash: &'static str,
    /// Sorted by name (= discovery order).
    pub subresources: &'static [SubresourceInfo],
    /// Field labels accepted in `fieldSelector` beyond `metadata.name` /
    /// `metadata.namespace` (including legacy aliases such as pods' `spec.host`).
    /// Anything else is a 400. Details (aliases, which labels actually match,
    /// whether `metadata.namespace` is accepted, error text) are in
    /// [`FIELD_SELECTOR_SPECS`].
    pub field_selectors: &'static [&'static str],
    /// Kept in the store and served by the generic registry (false for the virtual
    /// `bindings` and the computed `componentstatuses`).
    pub stored: bool,
    /// The deprecation warning kube-apiserver sends (`Warning: 299 - "..."`) on requests to it.
    pub warning: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupInfo {
    pub name: &'static str,
    /// In the order kube lists them (preferred first).
    pub versions: &'static [&'static str],
    pub preferred_version: &'static str,
}

// ---------------------------------------------------------------------------
// Verb sets (all already in sort.Strings order)
// ---------------------------------------------------------------------------

const V_ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// namespaces: no deletecollection.
const V_NS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const V_GPU: &[&str] = &["get", "patch", "update"];
const V_CREATE: &[&str] = &["create"];
const V_GET: &[&str] = &["get"];
const V_GET_LIST: &[&str] = &["get", "list"];
const V_UPDATE: &[&str] = &["update"];
/// rest.Connecter with GET+POST (attach, exec, portforward).
const V_CONNECT_GP: &[&str] = &["create", "get"];
/// rest.Connecter proxy (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS; HEAD/OPTIONS map to nothing).
const V_PROXY: &[&str] = &["create", "delete", "get", "patch", "update"];

const CAT_ALL: &[&str] = &["all"];
const NONE: &[&str] = &[];

const fn sub(
    name: &'static str,
    kind: &'static str,
    verbs: &'static [&'static str],
) -> SubresourceInfo {
    SubresourceInfo {
        name,
        group: "",
        version: "",
        kind,
        verbs,
    }
}

const fn sub_gvk(
    name: &'static str,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    verbs: &'static [&'static str],
) -> SubresourceInfo {
    SubresourceInfo {
        name,
        group,
        version,
        kind,
        verbs,
    }
}

const SCALE: SubresourceInfo = sub_gvk("scale", "autoscaling", "v1", "Scale", V_GPU);

// ---------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------

/// The legacy core group, served at `/api` (never listed in `/apis`).
/// In aggregated discovery at `/api` it is the single item, with `metadata: {}`.
pub static CORE_GROUP: GroupInfo = GroupInfo {
    name: "",
    versions: &["v1"],
    preferred_version: "v1",
};

/// Named groups in the order kube-apiserver v1.36 lists them in `/apis`
/// (APIGroupList) and in aggregated discovery at `/apis`, restricted to the
/// groups kubemem serves. The order comes from the kube-aggregator APIService
/// group priorities (`pkg/controlplane/apiserver/aggregator.go`
/// `apiVersionPriorities`); verified against `api/discovery/apis.json` and
/// `api/discovery/aggregated_v2.json`. Full upstream order for reference:
/// apiregistration.k8s.io, apps, events.k8s.io, authentication.k8s.io,
/// authorization.k8s.io, autoscaling, batch, certificates.k8s.io,
/// networking.k8s.io, policy, rbac.authorization.k8s.io, storage.k8s.io,
/// admissionregistration.k8s.io, apiextensions.k8s.io, scheduling.k8s.io,
/// coordination.k8s.io, node.k8s.io, discovery.k8s.io,
/// flowcontrol.apiserver.k8s.io, resource.k8s.io, ...
pub static GROUPS: &[GroupInfo] = &[
    GroupInfo {
        name: "apps",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "events.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "autoscaling",
        versions: &["v2", "v1"],
        preferred_version: "v2",
    },
    GroupInfo {
        name: "batch",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "networking.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "policy",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "rbac.authorization.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "storage.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "apiextensions.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "scheduling.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "coordination.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
    GroupInfo {
        name: "discovery.k8s.io",
        versions: &["v1"],
        preferred_version: "v1",
    },
];

// ---------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------

/// Every built-in resource kubemem serves, grouped by group-version in
/// `CORE_GROUP`, then `GROUPS` order (versions in `GroupInfo::versions` order),
/// and inside one group-version in discovery order (byte-wise sort of the
/// resource name; each resource's subresources follow it, also sorted — this
/// equals the `sort.Strings` order of "resource" / "resource/sub" paths that
/// installer.go uses; the unit test checks it).
///
/// Emitting `/api/v1` or `/apis/<g>/<v>`: for each entry of that GV, one
/// APIResource for the resource, then one per subresource (name
/// "resource/sub", singularName "", same `namespaced`, group/version only if
/// non-empty, no shortNames/categories/storageVersionHash).
pub static RESOURCES: &[ResourceInfo] = &[
    // ===================== core/v1 (/api/v1) =====================
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "bindings",
        singular: "binding",
        kind: "Binding",
        namespaced: true,
        verbs: V_CREATE,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "",
        subresources: &[],
        field_selectors: NONE,
        stored: false,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "componentstatuses",
        singular: "componentstatus",
        kind: "ComponentStatus",
        namespaced: false,
        verbs: V_GET_LIST,
        short_names: &["cs"],
        categories: NONE,
        storage_version_hash: "",
        subresources: &[],
        field_selectors: NONE,
        stored: false,
        warning: Some("v1 ComponentStatus is deprecated in v1.19+"),
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "configmaps",
        singular: "configmap",
        kind: "ConfigMap",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["cm"],
        categories: NONE,
        storage_version_hash: "qFsyl6wFWjQ=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "endpoints",
        singular: "endpoints",
        kind: "Endpoints",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["ep"],
        categories: NONE,
        storage_version_hash: "fWeeMqaN/OA=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: Some(
            "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
        ),
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "events",
        singular: "event",
        kind: "Event",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["ev"],
        categories: NONE,
        storage_version_hash: "r2yiGXH7wu8=",
        subresources: &[],
        field_selectors: &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "limitranges",
        singular: "limitrange",
        kind: "LimitRange",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["limits"],
        categories: NONE,
        storage_version_hash: "EBKMFVe6cwo=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "namespaces",
        singular: "namespace",
        kind: "Namespace",
        namespaced: false,
        verbs: V_NS,
        short_names: &["ns"],
        categories: NONE,
        storage_version_hash: "Q3oi5N2YM8M=",
        subresources: &[
            sub("finalize", "Namespace", V_UPDATE),
            sub("status", "Namespace", V_GPU),
        ],
        field_selectors: &["status.phase"],
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "nodes",
        singular: "node",
        kind: "Node",
        namespaced: false,
        verbs: V_ALL,
        short_names: &["no"],
        categories: NONE,
        storage_version_hash: "XwShjMxG9Fs=",
        subresources: &[
            sub("proxy", "NodeProxyOptions", V_PROXY),
            sub("status", "Node", V_GPU),
        ],
        field_selectors: &["spec.unschedulable"],
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        kind: "PersistentVolumeClaim",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["pvc"],
        categories: NONE,
        storage_version_hash: "QWTyNDq0dC4=",
        subresources: &[sub("status", "PersistentVolumeClaim", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "persistentvolumes",
        singular: "persistentvolume",
        kind: "PersistentVolume",
        namespaced: false,
        verbs: V_ALL,
        short_names: &["pv"],
        categories: NONE,
        storage_version_hash: "HN/zwEC+JgM=",
        subresources: &[sub("status", "PersistentVolume", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "pods",
        singular: "pod",
        kind: "Pod",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["po"],
        categories: CAT_ALL,
        storage_version_hash: "xPOwRZ+Yhw8=",
        subresources: &[
            sub("attach", "PodAttachOptions", V_CONNECT_GP),
            sub("binding", "Binding", V_CREATE),
            sub("ephemeralcontainers", "Pod", V_GPU),
            sub_gvk("eviction", "policy", "v1", "Eviction", V_CREATE),
            sub("exec", "PodExecOptions", V_CONNECT_GP),
            sub("log", "Pod", V_GET),
            sub("portforward", "PodPortForwardOptions", V_CONNECT_GP),
            sub("proxy", "PodProxyOptions", V_PROXY),
            sub("resize", "Pod", V_GPU),
            sub("status", "Pod", V_GPU),
        ],
        field_selectors: &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
            // legacy alias, rewritten to spec.nodeName
            "spec.host",
        ],
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "podtemplates",
        singular: "podtemplate",
        kind: "PodTemplate",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "LIXB2x4IFpk=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "replicationcontrollers",
        singular: "replicationcontroller",
        kind: "ReplicationController",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["rc"],
        categories: CAT_ALL,
        storage_version_hash: "Jond2If31h0=",
        subresources: &[SCALE, sub("status", "ReplicationController", V_GPU)],
        field_selectors: &["status.replicas"],
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "resourcequotas",
        singular: "resourcequota",
        kind: "ResourceQuota",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["quota"],
        categories: NONE,
        storage_version_hash: "8uhSgffRX6w=",
        subresources: &[sub("status", "ResourceQuota", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "secrets",
        singular: "secret",
        kind: "Secret",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "S6u1pOWzb84=",
        subresources: &[],
        field_selectors: &["type"],
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "serviceaccounts",
        singular: "serviceaccount",
        kind: "ServiceAccount",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["sa"],
        categories: NONE,
        storage_version_hash: "pbx9ZvyFpBE=",
        subresources: &[sub_gvk(
            "token",
            "authentication.k8s.io",
            "v1",
            "TokenRequest",
            V_CREATE,
        )],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "",
        version: "v1",
        resource: "services",
        singular: "service",
        kind: "Service",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["svc"],
        categories: CAT_ALL,
        storage_version_hash: "0/CO1lhkEBI=",
        subresources: &[
            sub("proxy", "ServiceProxyOptions", V_PROXY),
            sub("status", "Service", V_GPU),
        ],
        field_selectors: &["spec.clusterIP", "spec.type"],
        stored: true,
        warning: None,
    },
    // ===================== apps/v1 =====================
    ResourceInfo {
        group: "apps",
        version: "v1",
        resource: "controllerrevisions",
        singular: "controllerrevision",
        kind: "ControllerRevision",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "85nkx63pcBU=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "apps",
        version: "v1",
        resource: "daemonsets",
        singular: "daemonset",
        kind: "DaemonSet",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["ds"],
        categories: CAT_ALL,
        storage_version_hash: "dd7pWHUlMKQ=",
        subresources: &[sub("status", "DaemonSet", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "apps",
        version: "v1",
        resource: "deployments",
        singular: "deployment",
        kind: "Deployment",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["deploy"],
        categories: CAT_ALL,
        storage_version_hash: "8aSe+NMegvE=",
        subresources: &[SCALE, sub("status", "Deployment", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "apps",
        version: "v1",
        resource: "replicasets",
        singular: "replicaset",
        kind: "ReplicaSet",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["rs"],
        categories: CAT_ALL,
        storage_version_hash: "P1RzHs8/mWQ=",
        subresources: &[SCALE, sub("status", "ReplicaSet", V_GPU)],
        // NOT "status.replicas": pkg/apis/apps/v1 registers no field label
        // conversion func, so apps/v1 ReplicaSet falls back to
        // DefaultMetaV1FieldSelectorConversion and rejects it with 400
        // (kubernetes/kubernetes#135136, seen on 1.34; fix PR #135139 was closed
        // unmerged), although registry/apps/replicaset/strategy.go would match it.
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "apps",
        version: "v1",
        resource: "statefulsets",
        singular: "statefulset",
        kind: "StatefulSet",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["sts"],
        categories: CAT_ALL,
        storage_version_hash: "H+vl74LkKdo=",
        subresources: &[SCALE, sub("status", "StatefulSet", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== events.k8s.io/v1 =====================
    ResourceInfo {
        group: "events.k8s.io",
        version: "v1",
        resource: "events",
        singular: "event",
        kind: "Event",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["ev"],
        categories: NONE,
        // Same storage as core events (cohabitating resource stored as core v1
        // Event), hence the hash of "/v1/Event", not "events.k8s.io/v1/Event".
        storage_version_hash: "r2yiGXH7wu8=",
        subresources: &[],
        field_selectors: &[
            "reason",
            "regarding.kind",
            "regarding.namespace",
            "regarding.name",
            "regarding.uid",
            "regarding.apiVersion",
            "regarding.resourceVersion",
            "regarding.fieldPath",
            "reportingController",
            "source",
            "type",
        ],
        stored: true,
        warning: None,
    },
    // ===================== autoscaling/v2 (preferred) =====================
    ResourceInfo {
        group: "autoscaling",
        version: "v2",
        resource: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        kind: "HorizontalPodAutoscaler",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["hpa"],
        categories: CAT_ALL,
        storage_version_hash: "qwQve8ut294=",
        subresources: &[sub("status", "HorizontalPodAutoscaler", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== autoscaling/v1 =====================
    ResourceInfo {
        group: "autoscaling",
        version: "v1",
        resource: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        kind: "HorizontalPodAutoscaler",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["hpa"],
        categories: CAT_ALL,
        // Storage version is autoscaling/v2, so v1 shows the v2 hash.
        storage_version_hash: "qwQve8ut294=",
        subresources: &[sub("status", "HorizontalPodAutoscaler", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== batch/v1 =====================
    ResourceInfo {
        group: "batch",
        version: "v1",
        resource: "cronjobs",
        singular: "cronjob",
        kind: "CronJob",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["cj"],
        categories: CAT_ALL,
        storage_version_hash: "sd5LIXh4Fjs=",
        subresources: &[sub("status", "CronJob", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "batch",
        version: "v1",
        resource: "jobs",
        singular: "job",
        kind: "Job",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: CAT_ALL,
        storage_version_hash: "mudhfqk/qZY=",
        subresources: &[sub("status", "Job", V_GPU)],
        field_selectors: &["status.successful"],
        stored: true,
        warning: None,
    },
    // ===================== networking.k8s.io/v1 =====================
    ResourceInfo {
        group: "networking.k8s.io",
        version: "v1",
        resource: "ingressclasses",
        singular: "ingressclass",
        kind: "IngressClass",
        namespaced: false,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "l/iqIbDgFyQ=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "networking.k8s.io",
        version: "v1",
        resource: "ingresses",
        singular: "ingress",
        kind: "Ingress",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["ing"],
        categories: NONE,
        storage_version_hash: "39NQlfNR+bo=",
        subresources: &[sub("status", "Ingress", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "networking.k8s.io",
        version: "v1",
        resource: "networkpolicies",
        singular: "networkpolicy",
        kind: "NetworkPolicy",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["netpol"],
        categories: NONE,
        storage_version_hash: "YpfwF18m1G8=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== policy/v1 =====================
    ResourceInfo {
        group: "policy",
        version: "v1",
        resource: "poddisruptionbudgets",
        singular: "poddisruptionbudget",
        kind: "PodDisruptionBudget",
        namespaced: true,
        verbs: V_ALL,
        short_names: &["pdb"],
        categories: NONE,
        storage_version_hash: "EVWiDmWqyJw=",
        subresources: &[sub("status", "PodDisruptionBudget", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== rbac.authorization.k8s.io/v1 =====================
    ResourceInfo {
        group: "rbac.authorization.k8s.io",
        version: "v1",
        resource: "clusterrolebindings",
        singular: "clusterrolebinding",
        kind: "ClusterRoleBinding",
        namespaced: false,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "48tpQ8gZHFc=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "rbac.authorization.k8s.io",
        version: "v1",
        resource: "clusterroles",
        singular: "clusterrole",
        kind: "ClusterRole",
        namespaced: false,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "bYE5ZWDrJ44=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "rbac.authorization.k8s.io",
        version: "v1",
        resource: "rolebindings",
        singular: "rolebinding",
        kind: "RoleBinding",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "eGsCzGH6b1g=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    ResourceInfo {
        group: "rbac.authorization.k8s.io",
        version: "v1",
        resource: "roles",
        singular: "role",
        kind: "Role",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "7FuwZcIIItM=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== storage.k8s.io/v1 =====================
    ResourceInfo {
        group: "storage.k8s.io",
        version: "v1",
        resource: "storageclasses",
        singular: "storageclass",
        kind: "StorageClass",
        namespaced: false,
        verbs: V_ALL,
        short_names: &["sc"],
        categories: NONE,
        storage_version_hash: "K+m6uJwbjGY=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== apiextensions.k8s.io/v1 =====================
    ResourceInfo {
        group: "apiextensions.k8s.io",
        version: "v1",
        resource: "customresourcedefinitions",
        singular: "customresourcedefinition",
        kind: "CustomResourceDefinition",
        namespaced: false,
        verbs: V_ALL,
        short_names: &["crd", "crds"],
        categories: &["api-extensions"],
        storage_version_hash: "M5uH+AlWATY=",
        subresources: &[sub("status", "CustomResourceDefinition", V_GPU)],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== scheduling.k8s.io/v1 =====================
    ResourceInfo {
        group: "scheduling.k8s.io",
        version: "v1",
        resource: "priorityclasses",
        singular: "priorityclass",
        kind: "PriorityClass",
        namespaced: false,
        verbs: V_ALL,
        short_names: &["pc"],
        categories: NONE,
        storage_version_hash: "1QwjyaZjj3Y=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== coordination.k8s.io/v1 =====================
    ResourceInfo {
        group: "coordination.k8s.io",
        version: "v1",
        resource: "leases",
        singular: "lease",
        kind: "Lease",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "gqkMMb/YqFM=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
    // ===================== discovery.k8s.io/v1 =====================
    ResourceInfo {
        group: "discovery.k8s.io",
        version: "v1",
        resource: "endpointslices",
        singular: "endpointslice",
        kind: "EndpointSlice",
        namespaced: true,
        verbs: V_ALL,
        short_names: NONE,
        categories: NONE,
        storage_version_hash: "qgS0xkrxYAI=",
        subresources: &[],
        field_selectors: NONE,
        stored: true,
        warning: None,
    },
];

// ---------------------------------------------------------------------------
// Field selectors: full contract
// ---------------------------------------------------------------------------
//
// kube-apiserver evaluates `?fieldSelector=` in two independent layers
// (identically for LIST, WATCH and DELETECOLLECTION):
//
// 1. Acceptance / aliasing: every requirement goes through
//    `Scheme.ConvertFieldLabel(<request GVK>, label, value)`, i.e. the kind's
//    `AddFieldLabelConversionFunc`; a kind without one uses
//    `runtime.DefaultMetaV1FieldSelectorConversion` (metadata.name and
//    metadata.namespace only). An error becomes
//    `400 {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":<err>,"reason":"BadRequest","code":400}`.
// 2. Matching: the registry strategy's `ToSelectableFields` builds a
//    fields.Set; a label accepted in (1) but absent from the set reads as ""
//    (so `status.podIPs=1.2.3.4` on pods is accepted and matches nothing).
//
// Operators are `=`, `==`, `!=` (no set-based operators for fields).

/// How a selectable field's value is stringified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValueKind {
    /// Missing / null JSON value => "".
    Str,
    /// strconv.FormatBool; missing => "false".
    Bool,
    /// strconv.Itoa; missing => "0".
    Int,
}

/// One (canonical, i.e. post-conversion) selectable label and where its
/// value lives in the object as served in the request's group-version JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectableField {
    pub label: &'static str,
    pub json_path: &'static str,
    /// Used when `json_path` resolves to "" ("" = no fallback).
    pub fallback_json_path: &'static str,
    pub kind: FieldValueKind,
}

/// Text of the 400 for an unsupported label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLabelError {
    /// `runtime.DefaultMetaV1FieldSelectorConversion`:
    /// `"foo" is not a known field selector: only "metadata.name", "metadata.namespace"`
    DefaultMeta,
    /// core/v1 and events.k8s.io/v1 conversion funcs: `field label not supported: foo`
    NotSupported,
    /// batch/v1 Job: `field label "foo" not supported for batchv1.Job`
    BatchV1Job,
}

impl FieldLabelError {
    pub fn message(self, label: &str) -> String {
        match self {
            FieldLabelError::DefaultMeta => format!(
                "{:?} is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                label
            ),
            FieldLabelError::NotSupported => format!("field label not supported: {}", label),
            FieldLabelError::BatchV1Job => {
                format!("field label {:?} not supported for batchv1.Job", label)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSelectorSpec {
    pub group: &'static str,
    pub resource: &'static str,
    /// metadata.name is always accepted; metadata.namespace is NOT accepted by
    /// the Node and Namespace conversion funcs (it is by the default func,
    /// even for cluster-scoped kinds, where it only matches "").
    pub accepts_metadata_namespace: bool,
    /// Client label -> canonical label (the alias itself is listed in
    /// `ResourceInfo::field_selectors`).
    pub aliases: &'static [(&'static str, &'static str)],
    /// Canonical labels that actually carry a value (besides metadata.*).
    pub selectable: &'static [SelectableField],
    pub error: FieldLabelError,
}

const fn sf(label: &'static str, json_path: &'static str, kind: FieldValueKind) -> SelectableField {
    SelectableField {
        label,
        json_path,
        fallback_json_path: "",
        kind,
    }
}

/// Resources whose kind registers a custom field label conversion func.
/// Every resource not listed here: accepts exactly metadata.name and
/// metadata.namespace, error `FieldLabelError::DefaultMeta`.
pub static FIELD_SELECTOR_SPECS: &[FieldSelectorSpec] = &[
    // pkg/apis/core/v1/conversion.go (Pod) + pkg/registry/core/pod/strategy.go ToSelectableFields
    FieldSelectorSpec {
        group: "",
        resource: "pods",
        accepts_metadata_namespace: true,
        aliases: &[("spec.host", "spec.nodeName")],
        selectable: &[
            sf("spec.nodeName", "spec.nodeName", FieldValueKind::Str),
            sf(
                "spec.restartPolicy",
                "spec.restartPolicy",
                FieldValueKind::Str,
            ),
            sf(
                "spec.schedulerName",
                "spec.schedulerName",
                FieldValueKind::Str,
            ),
            sf(
                "spec.serviceAccountName",
                "spec.serviceAccountName",
                FieldValueKind::Str,
            ),
            sf("spec.hostNetwork", "spec.hostNetwork", FieldValueKind::Bool),
            sf("status.phase", "status.phase", FieldValueKind::Str),
            // upstream: status.podIPs[0].ip (v1 keeps status.podIP equal to it)
            sf("status.podIP", "status.podIP", FieldValueKind::Str),
            sf(
                "status.nominatedNodeName",
                "status.nominatedNodeName",
                FieldValueKind::Str,
            ),
            // "status.podIPs" is accepted but never set => always "".
        ],
        error: FieldLabelError::NotSupported,
    },
    // core/v1 conversion.go (Node) + registry/core/node/strategy.go
    FieldSelectorSpec {
        group: "",
        resource: "nodes",
        accepts_metadata_namespace: false,
        aliases: &[],
        selectable: &[sf(
            "spec.unschedulable",
            "spec.unschedulable",
            FieldValueKind::Bool,
        )],
        error: FieldLabelError::NotSupported,
    },
    // core/v1 conversion.go AddFieldLabelConversionsForNamespace + registry/core/namespace/strategy.go
    // (the strategy also sets a legacy bare "name" key, unreachable because the
    // conversion func rejects "name").
    FieldSelectorSpec {
        group: "",
        resource: "namespaces",
        accepts_metadata_namespace: false,
        aliases: &[],
        selectable: &[sf("status.phase", "status.phase", FieldValueKind::Str)],
        error: FieldLabelError::NotSupported,
    },
    // core/v1 conversion.go AddFieldLabelConversionsForSecret + registry/core/secret/strategy.go
    FieldSelectorSpec {
        group: "",
        resource: "secrets",
        accepts_metadata_namespace: true,
        aliases: &[],
        selectable: &[sf("type", "type", FieldValueKind::Str)],
        error: FieldLabelError::NotSupported,
    },
    // core/v1 conversion.go AddFieldLabelConversionsForService + registry/core/service/strategy.go
    FieldSelectorSpec {
        group: "",
        resource: "services",
        accepts_metadata_namespace: true,
        aliases: &[],
        selectable: &[
            sf("spec.clusterIP", "spec.clusterIP", FieldValueKind::Str),
            sf("spec.type", "spec.type", FieldValueKind::Str),
        ],
        error: FieldLabelError::NotSupported,
    },
    // core/v1 conversion.go (ReplicationController) + registry/core/replicationcontroller/strategy.go
    FieldSelectorSpec {
        group: "",
        resource: "replicationcontrollers",
        accepts_metadata_namespace: true,
        aliases: &[],
        selectable: &[sf(
            "status.replicas",
            "status.replicas",
            FieldValueKind::Int,
        )],
        error: FieldLabelError::NotSupported,
    },
    // core/v1 conversion.go AddFieldLabelConversionsForEvent + registry/core/event/strategy.go
    FieldSelectorSpec {
        group: "",
        resource: "events",
        accepts_metadata_namespace: true,
        aliases: &[],
        selectable: &[
            sf(
                "involvedObject.kind",
                "involvedObject.kind",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.namespace",
                "involvedObject.namespace",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.name",
                "involvedObject.name",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.uid",
                "involvedObject.uid",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.apiVersion",
                "involvedObject.apiVersion",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.resourceVersion",
                "involvedObject.resourceVersion",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.fieldPath",
                "involvedObject.fieldPath",
                FieldValueKind::Str,
            ),
            sf("reason", "reason", FieldValueKind::Str),
            // core/v1 JSON name of ReportingController is "reportingComponent"
            sf(
                "reportingComponent",
                "reportingComponent",
                FieldValueKind::Str,
            ),
            SelectableField {
                label: "source",
                json_path: "source.component",
                fallback_json_path: "reportingComponent",
                kind: FieldValueKind::Str,
            },
            sf("type", "type", FieldValueKind::Str),
        ],
        error: FieldLabelError::NotSupported,
    },
    // pkg/apis/events/v1/conversion.go AddFieldLabelConversionsForEvent; matching
    // uses the core event strategy on the stored core Event (events.rs), so the paths
    // below are core JSON. Core spellings (involvedObject.*, reportingComponent)
    // are NOT accepted as labels here.
    FieldSelectorSpec {
        group: "events.k8s.io",
        resource: "events",
        accepts_metadata_namespace: true,
        aliases: &[
            ("regarding.kind", "involvedObject.kind"),
            ("regarding.namespace", "involvedObject.namespace"),
            ("regarding.name", "involvedObject.name"),
            ("regarding.uid", "involvedObject.uid"),
            ("regarding.apiVersion", "involvedObject.apiVersion"),
            (
                "regarding.resourceVersion",
                "involvedObject.resourceVersion",
            ),
            ("regarding.fieldPath", "involvedObject.fieldPath"),
            ("reportingController", "reportingComponent"),
        ],
        selectable: &[
            sf(
                "involvedObject.kind",
                "involvedObject.kind",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.namespace",
                "involvedObject.namespace",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.name",
                "involvedObject.name",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.uid",
                "involvedObject.uid",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.apiVersion",
                "involvedObject.apiVersion",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.resourceVersion",
                "involvedObject.resourceVersion",
                FieldValueKind::Str,
            ),
            sf(
                "involvedObject.fieldPath",
                "involvedObject.fieldPath",
                FieldValueKind::Str,
            ),
            sf("reason", "reason", FieldValueKind::Str),
            sf(
                "reportingComponent",
                "reportingComponent",
                FieldValueKind::Str,
            ),
            SelectableField {
                label: "source",
                json_path: "source.component",
                fallback_json_path: "reportingComponent",
                kind: FieldValueKind::Str,
            },
            sf("type", "type", FieldValueKind::Str),
        ],
        error: FieldLabelError::NotSupported,
    },
    // pkg/apis/batch/v1/conversion.go + registry/batch/job/strategy.go
    FieldSelectorSpec {
        group: "batch",
        resource: "jobs",
        accepts_metadata_namespace: true,
        aliases: &[],
        // label differs from the field: Job.Status.Succeeded
        selectable: &[sf(
            "status.successful",
            "status.succeeded",
            FieldValueKind::Int,
        )],
        error: FieldLabelError::BatchV1Job,
    },
];

/// The field-selector contract for a group/resource (None => metadata-only
/// default, see [`FIELD_SELECTOR_SPECS`]).
pub fn field_selector_spec(group: &str, resource: &str) -> Option<&'static FieldSelectorSpec> {
    FIELD_SELECTOR_SPECS
        .iter()
        .find(|s| s.group == group && s.resource == resource)
}

// ---------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------

/// Whether the generic registry stores and serves this resource.
pub fn is_stored(info: &ResourceInfo) -> bool {
    info.stored
}

pub fn find_resource(group: &str, version: &str, resource: &str) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.resource == resource)
}

/// Resources of one group-version, in discovery order.
pub fn resources_of(group: &str, version: &str) -> impl Iterator<Item = &'static ResourceInfo> {
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

pub fn find_group(name: &str) -> Option<&'static GroupInfo> {
    if name.is_empty() {
        return Some(&CORE_GROUP);
    }
    GROUPS.iter().find(|g| g.name == name)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use sha2::Digest;

    /// `apiserver/pkg/endpoints/discovery/storageversionhash.go`:
    /// base64.StdEncoding(sha256("<group>/<version>/<kind>")[:8]) of the storage GVK.
    fn storage_version_hash(group: &str, version: &str, kind: &str) -> String {
        let digest = sha2::Sha256::digest(format!("{group}/{version}/{kind}"));
        base64::engine::general_purpose::STANDARD.encode(&digest[..8])
    }
    use std::collections::{HashMap, HashSet};

    fn all_groups() -> Vec<&'static GroupInfo> {
        std::iter::once(&CORE_GROUP).chain(GROUPS.iter()).collect()
    }

    /// The storage GVK kube uses for the hash.
    fn storage_gvk(r: &ResourceInfo) -> (&'static str, &'static str, &'static str) {
        match (r.group, r.resource) {
            ("events.k8s.io", "events") => ("", "v1", "Event"),
            ("autoscaling", "horizontalpodautoscalers") => {
                ("autoscaling", "v2", "HorizontalPodAutoscaler")
            }
            _ => (r.group, r.version, r.kind),
        }
    }

    #[test]
    fn storage_version_hash_known_values() {
        assert_eq!(storage_version_hash("", "v1", "Pod"), "xPOwRZ+Yhw8=");
        assert_eq!(
            storage_version_hash("apps", "v1", "Deployment"),
            "8aSe+NMegvE="
        );
    }

    #[test]
    fn every_group_has_resources_and_every_resource_has_a_group() {
        for g in all_groups() {
            assert!(
                g.versions.contains(&g.preferred_version),
                "{}: preferred not in versions",
                g.name
            );
            assert_eq!(
                g.versions[0], g.preferred_version,
                "{}: preferred must be first",
                g.name
            );
            for v in g.versions {
                assert!(
                    resources_of(g.name, v).next().is_some(),
                    "group {:?} version {} has no resources",
                    g.name,
                    v
                );
            }
        }
        for r in RESOURCES {
            let g = find_group(r.group)
                .unwrap_or_else(|| panic!("{}: group {:?} not in GROUPS", r.resource, r.group));
            assert!(
                g.versions.contains(&r.version),
                "{}/{}: version not in group",
                r.group,
                r.version
            );
        }
        let names: HashSet<_> = GROUPS.iter().map(|g| g.name).collect();
        assert_eq!(names.len(), GROUPS.len(), "duplicate group");
        assert!(
            !names.contains(""),
            "core must not be in GROUPS (it is not listed in /apis)"
        );
    }

    #[test]
    fn no_duplicate_gvr_and_resources_are_in_catalog_order() {
        let mut seen = HashSet::new();
        for r in RESOURCES {
            assert!(
                seen.insert((r.group, r.version, r.resource)),
                "duplicate {}/{}/{}",
                r.group,
                r.version,
                r.resource
            );
        }
        // RESOURCES is ordered by (group position, version position) and, within
        // a GV, flattening resource + "resource/sub" paths gives sort.Strings order.
        let pos: HashMap<(&str, &str), usize> = all_groups()
            .iter()
            .enumerate()
            .flat_map(|(gi, g)| {
                g.versions
                    .iter()
                    .enumerate()
                    .map(move |(vi, v)| ((g.name, *v), gi * 100 + vi))
            })
            .collect();
        let keys: Vec<usize> = RESOURCES
            .iter()
            .map(|r| pos[&(r.group, r.version)])
            .collect();
        assert!(
            keys.windows(2).all(|w| w[0] <= w[1]),
            "RESOURCES not grouped in GROUPS order"
        );
        for &(g, v) in pos.keys() {
            let paths: Vec<String> = resources_of(g, v)
                .flat_map(|r| {
                    std::iter::once(r.resource.to_string()).chain(
                        r.subresources
                            .iter()
                            .map(move |s| format!("{}/{}", r.resource, s.name)),
                    )
                })
                .collect();
            let mut sorted = paths.clone();
            sorted.sort();
            assert_eq!(
                paths, sorted,
                "{}/{} not in discovery (sort.Strings) order",
                g, v
            );
        }
    }

    #[test]
    fn short_names_unique_across_resources() {
        // The same plural in two group-versions (events vs events.k8s.io/events,
        // autoscaling v1/v2 HPAs) legitimately shares a short name, exactly as
        // upstream; any other reuse is a bug.
        let mut owner: HashMap<&str, &str> = HashMap::new();
        for r in RESOURCES {
            for sn in r.short_names {
                let prev = owner.entry(sn).or_insert(r.resource);
                assert_eq!(
                    *prev, r.resource,
                    "short name {} used by {} and {}",
                    sn, prev, r.resource
                );
                assert!(
                    !RESOURCES
                        .iter()
                        .any(|o| o.resource == *sn || o.singular == *sn),
                    "short name {} collides with a plural/singular",
                    sn
                );
            }
        }
    }

    #[test]
    fn storage_version_hashes() {
        for r in RESOURCES {
            if !r.stored && r.storage_version_hash.is_empty() {
                assert!(matches!(r.resource, "bindings" | "componentstatuses"));
                continue;
            }
            let h = r.storage_version_hash;
            assert_eq!(h.len(), 12, "{}: hash {:?} is not 12 chars", r.resource, h);
            assert!(
                h.ends_with('='),
                "{}: 8 bytes encode to 11 chars + '='",
                r.resource
            );
            assert!(
                h[..11]
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/'),
                "{}: not std base64",
                r.resource
            );
            let (g, v, k) = storage_gvk(r);
            assert_eq!(
                h,
                storage_version_hash(g, v, k),
                "{}/{}/{}",
                r.group,
                r.version,
                r.resource
            );
        }
    }

    #[test]
    fn verbs_subresources_and_selectors_are_well_formed() {
        const KNOWN: &[&str] = &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ];
        for r in RESOURCES {
            let mut v = r.verbs.to_vec();
            v.sort();
            v.dedup();
            assert_eq!(v, r.verbs, "{}: verbs must be sorted & unique", r.resource);
            assert!(r.verbs.iter().all(|x| KNOWN.contains(x)));
            assert!(!r.singular.is_empty());
            for s in r.subresources {
                let mut v = s.verbs.to_vec();
                v.sort();
                assert_eq!(v, s.verbs, "{}/{}: verbs not sorted", r.resource, s.name);
                assert_eq!(
                    s.group.is_empty(),
                    s.version.is_empty(),
                    "{}/{}",
                    r.resource,
                    s.name
                );
                assert_ne!(
                    (s.group, s.version),
                    (r.group, r.version),
                    "same-GV subresource must leave group/version empty"
                );
            }
            for c in r.categories {
                assert!(matches!(*c, "all" | "api-extensions"), "{c}");
            }
            // Every alias in FIELD_SELECTOR_SPECS is an accepted label, every
            // canonical selectable label is reachable.
            if let Some(spec) = field_selector_spec(r.group, r.resource) {
                assert!(!r.field_selectors.is_empty());
                for (alias, canon) in spec.aliases {
                    assert!(
                        r.field_selectors.contains(alias),
                        "{}: alias {} not listed",
                        r.resource,
                        alias
                    );
                    assert!(
                        spec.selectable.iter().any(|f| f.label == *canon),
                        "{}: {} not selectable",
                        r.resource,
                        canon
                    );
                }
                for f in spec.selectable {
                    let reachable = r.field_selectors.contains(&f.label)
                        || spec.aliases.iter().any(|(_, c)| *c == f.label);
                    assert!(reachable, "{}: {} unreachable", r.resource, f.label);
                }
                if !r.namespaced {
                    assert!(!spec.accepts_metadata_namespace);
                }
            } else {
                assert!(
                    r.field_selectors.is_empty(),
                    "{}: selectors without spec",
                    r.resource
                );
            }
        }
        assert_eq!(
            FieldLabelError::DefaultMeta.message("status.replicas"),
            r#""status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace""#
        );
        assert_eq!(
            FieldLabelError::NotSupported.message("x"),
            "field label not supported: x"
        );
        assert_eq!(
            FieldLabelError::BatchV1Job.message("x"),
            r#"field label "x" not supported for batchv1.Job"#
        );
    }
}
