//! Snapshot-style tests of document fragments, against what kube-apiserver v1.36 serves
//! (`api/openapi-spec/swagger.json` and `api/openapi-spec/v3/*.json` of kubernetes/kubernetes;
//! those are captured with OpenAPIEnums off, so the enum fragments are a running server's, as
//! `openapi/definitions/README.md` tells).

use serde_json::{Value, json};

use super::*;

const ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const GPU: &[&str] = &["get", "patch", "update"];

const POD: Resource<'static> = Resource {
    group: "",
    version: "v1",
    kind: "Pod",
    resource: "pods",
    namespaced: true,
    verbs: ALL,
};
const CM: Resource<'static> = Resource {
    kind: "ConfigMap",
    resource: "configmaps",
    ..POD
};
const NS: Resource<'static> = Resource {
    kind: "Namespace",
    resource: "namespaces",
    namespaced: false,
    verbs: &[
        "create", "delete", "get", "list", "patch", "update", "watch",
    ],
    ..POD
};
const NODE: Resource<'static> = Resource {
    kind: "Node",
    resource: "nodes",
    namespaced: false,
    ..POD
};
const SVC: Resource<'static> = Resource {
    kind: "Service",
    resource: "services",
    ..POD
};
const DEPLOY: Resource<'static> = Resource {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    resource: "deployments",
    namespaced: true,
    verbs: ALL,
};
const SC: Resource<'static> = Resource {
    group: "storage.k8s.io",
    version: "v1",
    kind: "StorageClass",
    resource: "storageclasses",
    namespaced: false,
    verbs: ALL,
};
const HPA1: Resource<'static> = Resource {
    group: "autoscaling",
    version: "v1",
    kind: "HorizontalPodAutoscaler",
    resource: "horizontalpodautoscalers",
    namespaced: true,
    verbs: ALL,
};
const HPA2: Resource<'static> = Resource {
    version: "v2",
    ..HPA1
};

fn sub(
    parent: Resource<'static>,
    name: &'static str,
    kind: &'static str,
    verbs: &'static [&'static str],
) -> Subresource<'static> {
    Subresource {
        parent,
        name,
        group: "",
        version: "",
        kind,
        verbs,
    }
}

fn catalog() -> (Vec<Resource<'static>>, Vec<Subresource<'static>>) {
    let resources = vec![POD, CM, NS, NODE, SVC, DEPLOY, SC, HPA1, HPA2];
    let connect = &["create", "get"][..];
    let proxy = &["create", "delete", "get", "patch", "update"][..];
    let subresources = vec![
        sub(POD, "attach", "PodAttachOptions", connect),
        sub(POD, "binding", "Binding", &["create"]),
        sub(POD, "ephemeralcontainers", "Pod", GPU),
        Subresource {
            group: "policy",
            version: "v1",
            ..sub(POD, "eviction", "Eviction", &["create"])
        },
        sub(POD, "exec", "PodExecOptions", connect),
        sub(POD, "log", "Pod", &["get"]),
        sub(POD, "portforward", "PodPortForwardOptions", connect),
        sub(POD, "proxy", "PodProxyOptions", proxy),
        sub(POD, "status", "Pod", GPU),
        sub(NS, "finalize", "Namespace", &["update"]),
        sub(NODE, "proxy", "NodeProxyOptions", proxy),
        sub(SVC, "proxy", "ServiceProxyOptions", proxy),
        Subresource {
            group: "autoscaling",
            version: "v1",
            ..sub(DEPLOY, "scale", "Scale", GPU)
        },
        sub(DEPLOY, "status", "Deployment", GPU),
        sub(HPA2, "status", "HorizontalPodAutoscaler", GPU),
    ];
    (resources, subresources)
}

fn v2() -> Value {
    let (resources, subresources) = catalog();
    v2_document(&resources, &subresources)
}

const DRY_RUN: &str = "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed";
const FIELD_VALIDATION: &str = "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.";

#[test]
fn v2_pod_patch_operation() {
    let doc = v2();
    let item = &doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"];
    assert_eq!(
        item["patch"],
        json!({
            "consumes": [
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/strategic-merge-patch+json",
                "application/apply-patch+yaml"
            ],
            "description": "partially update the specified Pod",
            "operationId": "patchCoreV1NamespacedPod",
            "parameters": [
                {"$ref": "#/parameters/body-78PwaGsr"},
                {"description": DRY_RUN, "in": "query", "name": "dryRun", "type": "string", "uniqueItems": true},
                {"$ref": "#/parameters/fieldManager-7c6nTn1T"},
                {"description": FIELD_VALIDATION, "in": "query", "name": "fieldValidation", "type": "string", "uniqueItems": true},
                {"$ref": "#/parameters/force-tOGGb0Yi"}
            ],
            "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
            "responses": {
                "200": {"description": "OK", "schema": {"$ref": "#/definitions/io.k8s.api.core.v1.Pod"}},
                "201": {"description": "Created", "schema": {"$ref": "#/definitions/io.k8s.api.core.v1.Pod"}},
                "401": {"description": "Unauthorized"}
            },
            "schemes": ["https"],
            "tags": ["core_v1"],
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": {"group": "", "kind": "Pod", "version": "v1"}
        })
    );
    assert_eq!(
        item["parameters"],
        json!([
            {"description": "name of the Pod", "in": "path", "name": "name", "required": true, "type": "string", "uniqueItems": true},
            {"$ref": "#/parameters/namespace-vgWSWtn3"},
            {"$ref": "#/parameters/pretty-tJGM1-ng"}
        ])
    );
    // Pods are deleted with the object as answer; config maps with a Status.
    assert_eq!(
        item["delete"]["responses"]["202"]["schema"]["$ref"],
        "#/definitions/io.k8s.api.core.v1.Pod"
    );
    assert_eq!(
        doc["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["delete"]["responses"]["200"]
            ["schema"]["$ref"],
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status"
    );
}

#[test]
fn v2_operations_and_paths() {
    let doc = v2();
    let paths = doc["paths"].as_object().unwrap();
    let op = |path: &str, method: &str| &doc["paths"][path][method]["operationId"];
    assert_eq!(op("/api/v1/pods", "get"), "listCoreV1PodForAllNamespaces");
    assert_eq!(
        op("/api/v1/namespaces/{namespace}/pods", "delete"),
        "deleteCoreV1CollectionNamespacedPod"
    );
    assert_eq!(
        op("/apis/apps/v1/namespaces/{namespace}/deployments", "post"),
        "createAppsV1NamespacedDeployment"
    );
    assert_eq!(
        op(
            "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
            "get"
        ),
        "readAppsV1NamespacedDeploymentScale"
    );
    assert_eq!(
        paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["put"]["x-kubernetes-group-version-kind"],
        json!({"group": "autoscaling", "kind": "Scale", "version": "v1"})
    );
    assert_eq!(
        op("/api/v1/watch/namespaces/{namespace}/pods/{name}", "get"),
        "watchCoreV1NamespacedPod"
    );
    assert_eq!(
        op("/api/v1/watch/namespaces/{namespace}/pods", "get"),
        "watchCoreV1NamespacedPodList"
    );
    assert_eq!(
        op("/api/v1/watch/pods", "get"),
        "watchCoreV1PodListForAllNamespaces"
    );
    assert_eq!(
        op("/api/v1/namespaces/{name}", "get"),
        "readCoreV1Namespace"
    );
    assert_eq!(
        op("/api/v1/namespaces/{name}/finalize", "put"),
        "replaceCoreV1NamespaceFinalize"
    );
    assert_eq!(
        op(
            "/api/v1/namespaces/{namespace}/pods/{name}/eviction",
            "post"
        ),
        "createCoreV1NamespacedPodEviction"
    );
    assert_eq!(
        op("/api/v1/namespaces/{namespace}/pods/{name}/log", "get"),
        "readCoreV1NamespacedPodLog"
    );
    assert_eq!(
        op("/api/v1/nodes/{name}/proxy/{path}", "head"),
        "connectCoreV1HeadNodeProxyWithPath"
    );
    assert_eq!(
        op("/api/v1/namespaces/{namespace}/pods/{name}/exec", "post"),
        "connectCoreV1PostNamespacedPodExec"
    );
    assert_eq!(op("/apis/apps/v1/", "get"), "getAppsV1APIResources");
    assert_eq!(op("/apis/apps/", "get"), "getAppsAPIGroup");
    assert_eq!(op("/apis/storage.k8s.io/", "get"), "getStorageAPIGroup");
    assert_eq!(op("/api/", "get"), "getCoreAPIVersions");
    assert_eq!(op("/apis/", "get"), "getAPIVersions");
    assert_eq!(op("/version/", "get"), "getCodeVersion");
    assert_eq!(
        op(
            "/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}/status",
            "patch"
        ),
        "patchAutoscalingV2NamespacedHorizontalPodAutoscalerStatus"
    );
    // The collection: namespace and pretty are shared by list, create and deletecollection.
    let pods = &paths["/api/v1/namespaces/{namespace}/pods"];
    assert_eq!(
        pods["parameters"],
        json!([{"$ref": "#/parameters/namespace-vgWSWtn3"}, {"$ref": "#/parameters/pretty-tJGM1-ng"}])
    );
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| match p["$ref"].as_str() {
                Some(r) => r.trim_start_matches("#/parameters/").to_string(),
                None => p["name"].as_str().unwrap().to_string(),
            })
            .collect()
    };
    assert_eq!(
        names(&pods["delete"]["parameters"]),
        [
            "body-2Y1dVQaQ",
            "continue-QfD61s0i",
            "dryRun",
            "fieldSelector-xIcQKXFG",
            "gracePeriodSeconds--K5HaBOS",
            "ignoreStoreReadErrorWithClusterBreakingPotential-QbNkfIqj",
            "labelSelector-5Zw57w4C",
            "limit-1NfNmdNH",
            "orphanDependents-uRB25kX5",
            "propagationPolicy-6jk3prlO",
            "resourceVersion-5WAnf1kx",
            "resourceVersionMatch-t8XhRHeC",
            "sendInitialEvents-rLXlEK_k",
            "timeoutSeconds-yvYezaOC"
        ]
    );
    assert_eq!(
        pods["get"]["description"],
        "list or watch objects of kind Pod"
    );
    assert_eq!(
        pods["get"]["produces"],
        json!([
            "application/json",
            "application/yaml",
            "application/vnd.kubernetes.protobuf",
            "application/json;stream=watch",
            "application/vnd.kubernetes.protobuf;stream=watch"
        ])
    );
    // Only a watch operation at a watch path: all its parameters are on the path.
    assert_eq!(
        names(&paths["/api/v1/watch/pods"]["parameters"]),
        [
            "allowWatchBookmarks-HC2hJt-J",
            "continue-QfD61s0i",
            "fieldSelector-xIcQKXFG",
            "labelSelector-5Zw57w4C",
            "limit-1NfNmdNH",
            "pretty-tJGM1-ng",
            "resourceVersion-5WAnf1kx",
            "resourceVersionMatch-t8XhRHeC",
            "sendInitialEvents-rLXlEK_k",
            "timeoutSeconds-yvYezaOC",
            "watch-XNNPZGbK"
        ]
    );
}

/// Every shared parameter name kube-apiserver's swagger.json has: the name embeds a hash of
/// the parameter's JSON, so this checks each description letter for letter.
#[test]
fn v2_shared_parameters_are_kubes() {
    let doc = v2();
    let parameters = doc["parameters"].as_object().unwrap();
    for name in [
        "allowWatchBookmarks-HC2hJt-J",
        "body-2Y1dVQaQ",
        "body-78PwaGsr",
        "command-Py3eQybp",
        "container-1GeXxFDC",
        "container-_Q-EJ3nR",
        "container-i5dOmRiM",
        "continue-QfD61s0i",
        "fieldManager-7c6nTn1T",
        "fieldManager-Qy4HdaTW",
        "fieldSelector-xIcQKXFG",
        "follow-9OIXh_2R",
        "force-tOGGb0Yi",
        "gracePeriodSeconds--K5HaBOS",
        "insecureSkipTLSVerifyBackend-gM00jVbe",
        "labelSelector-5Zw57w4C",
        "limit-1NfNmdNH",
        "limitBytes-zwd1RXuc",
        "namespace-vgWSWtn3",
        "orphanDependents-uRB25kX5",
        "path-QCf0eosM",
        "path-oPbzgLUj",
        "path-rFDtV0x9",
        "path-z6Ciiujn",
        "ports-91KROJmm",
        "pretty-tJGM1-ng",
        "previous-1jxDPu3y",
        "propagationPolicy-6jk3prlO",
        "resourceVersion-5WAnf1kx",
        "resourceVersionMatch-t8XhRHeC",
        "sendInitialEvents-rLXlEK_k",
        "sinceSeconds-vE2NLdnP",
        "stderr-26jJhFUR",
        "stderr-W_1TNlWc",
        "stdin-PSzNhyUC",
        "stdin-sEFnN3IS",
        "stdout--EZLRwV1",
        "stdout-005YMKE6",
        "tailLines-2fRTNzbP",
        "timeoutSeconds-yvYezaOC",
        "timestamps-c17fW1w_",
        "tty-g7MlET_l",
        "tty-s0flW37O",
        "watch-XNNPZGbK",
    ] {
        assert!(
            parameters.contains_key(name),
            "{name}: {:?}",
            parameters.keys().collect::<Vec<_>>()
        );
    }
    assert_eq!(
        parameters["namespace-vgWSWtn3"],
        json!({
            "description": "object name and auth scope, such as for teams and projects",
            "in": "path",
            "name": "namespace",
            "required": true,
            "type": "string",
            "uniqueItems": true
        })
    );
}

#[test]
fn v2_definitions_and_top_level() {
    let doc = v2();
    assert_eq!(doc["swagger"], "2.0");
    assert_eq!(
        doc["info"],
        json!({"title": "Kubernetes", "version": "v1.36.0"})
    );
    assert_eq!(
        doc["securityDefinitions"]["BearerToken"],
        json!({"description": "Bearer Token authentication", "in": "header", "name": "authorization", "type": "apiKey"})
    );
    assert_eq!(doc["security"], json!([{"BearerToken": []}]));
    assert_eq!(
        doc["definitions"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"],
        json!({
            "description": "List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.",
            "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"},
            "type": "array",
            "x-kubernetes-list-map-keys": ["name"],
            "x-kubernetes-list-type": "map",
            "x-kubernetes-patch-merge-key": "name",
            "x-kubernetes-patch-strategy": "merge"
        })
    );
    assert_eq!(
        doc["definitions"]["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"],
        json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
    );
    // Every $ref points at a definition that is there.
    let text = doc.to_string();
    for piece in text.split("\"#/definitions/").skip(1) {
        let name = &piece[..piece.find('"').unwrap()];
        assert!(doc["definitions"].get(name).is_some(), "{name}");
    }
}

/// `ContainerPort.protocol` as kube-apiserver v1.36 publishes it with OpenAPIEnums on (its
/// default): the values of the `+enum` type `Protocol`, and their paragraph in the description.
const PROTOCOL_DESCRIPTION: &str = "Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\".\n\nPossible enum values:\n - `\"SCTP\"` is the SCTP protocol.\n - `\"TCP\"` is the TCP protocol.\n - `\"UDP\"` is the UDP protocol.";
const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

#[test]
fn v2_enum_fields() {
    let doc = v2();
    let defs = &doc["definitions"];
    assert_eq!(
        defs["io.k8s.api.core.v1.ContainerPort"]["properties"]["protocol"],
        json!({
            "description": PROTOCOL_DESCRIPTION,
            "enum": ["SCTP", "TCP", "UDP"],
            "type": "string"
        })
    );
    assert_eq!(
        defs["io.k8s.api.core.v1.PodSpec"]["properties"]["restartPolicy"]["enum"],
        json!(["Always", "Never", "OnFailure"])
    );
    // An enum element type: the values on `items`, no paragraph.
    assert_eq!(
        defs["io.k8s.api.core.v1.PersistentVolumeClaimSpec"]["properties"]["accessModes"],
        json!({
            "description": "accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1",
            "items": {"enum": ACCESS_MODES, "type": "string"},
            "type": "array",
            "x-kubernetes-list-type": "atomic"
        })
    );
    // As served (Go's key order: `enum` between `description` and `type`).
    let (resources, subresources) = catalog();
    let served = Documents::build(&resources, &subresources);
    let text = String::from_utf8(served.v2_json).unwrap();
    assert!(
        text.contains(r#""protocol":{"description":"Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\".\n\nPossible enum values:\n - `\"SCTP\"` is the SCTP protocol.\n - `\"TCP\"` is the TCP protocol.\n - `\"UDP\"` is the UDP protocol.","enum":["SCTP","TCP","UDP"],"type":"string"}"#),
        "no ContainerPort.protocol in the written document"
    );
}

#[test]
fn v3_enum_fields() {
    let (resources, subresources) = catalog();
    let doc = v3_group_version_document("", "v1", &resources, &subresources);
    let schemas = &doc["components"]["schemas"];
    let protocol = &schemas["io.k8s.api.core.v1.ContainerPort"]["properties"]["protocol"];
    assert_eq!(protocol["description"], PROTOCOL_DESCRIPTION);
    assert_eq!(protocol["enum"], json!(["SCTP", "TCP", "UDP"]));
    assert_eq!(protocol["type"], "string");
    let restart = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["restartPolicy"];
    assert_eq!(
        restart["description"],
        "Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, only a subset of those values may be permitted. Default to Always. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy\n\nPossible enum values:\n - `\"Always\"`\n - `\"Never\"`\n - `\"OnFailure\"`"
    );
    assert_eq!(restart["enum"], json!(["Always", "Never", "OnFailure"]));
    assert_eq!(
        schemas["io.k8s.api.core.v1.ServiceSpec"]["properties"]["ipFamilies"]["items"]["enum"],
        json!(["", "IPv4", "IPv6"])
    );
}

#[test]
fn v3_apps_document() {
    let (resources, subresources) = catalog();
    let doc = v3_group_version_document("apps", "v1", &resources, &subresources);
    assert_eq!(doc["openapi"], "3.0.0");
    let item = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
    let patch = &item["patch"];
    assert_eq!(patch["operationId"], "patchAppsV1NamespacedDeployment");
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "apps", "kind": "Deployment", "version": "v1"})
    );
    let names: Vec<&str> = patch["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["dryRun", "fieldManager", "fieldValidation", "force"]
    );
    assert_eq!(
        patch["parameters"][2],
        json!({"description": FIELD_VALIDATION, "in": "query", "name": "fieldValidation", "schema": {"type": "string", "uniqueItems": true}})
    );
    let patch_schema = json!({"schema": {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}});
    assert_eq!(
        patch["requestBody"],
        json!({
            "content": {
                "application/apply-patch+yaml": patch_schema,
                "application/json-patch+json": patch_schema,
                "application/merge-patch+json": patch_schema,
                "application/strategic-merge-patch+json": patch_schema
            },
            "required": true
        })
    );
    let deployment =
        json!({"schema": {"$ref": "#/components/schemas/io.k8s.api.apps.v1.Deployment"}});
    assert_eq!(
        patch["responses"]["200"],
        json!({
            "content": {
                "application/json": deployment,
                "application/vnd.kubernetes.protobuf": deployment,
                "application/yaml": deployment
            },
            "description": "OK"
        })
    );
    assert_eq!(
        item["delete"]["requestBody"],
        json!({"content": {"*/*": {"schema": {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"}}}})
    );
    assert_eq!(
        item["parameters"][0],
        json!({"description": "name of the Deployment", "in": "path", "name": "name", "required": true, "schema": {"type": "string", "uniqueItems": true}})
    );
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert_eq!(
        schemas["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"],
        json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
    );
    assert_eq!(
        schemas["io.k8s.api.apps.v1.Deployment"]["properties"]["metadata"],
        json!({
            "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}],
            "default": {},
            "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
        })
    );
    assert_eq!(
        schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["oneOf"],
        json!([{"type": "integer"}, {"type": "string"}])
    );
    // Reached through the scale subresource and the operations.
    for name in [
        "io.k8s.api.autoscaling.v1.Scale",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
        "io.k8s.api.core.v1.PodSpec",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    assert!(!schemas.contains_key("io.k8s.api.core.v1.Pod"));
    assert_eq!(
        doc["components"]["securitySchemes"]["BearerToken"]["type"],
        "apiKey"
    );
    // Every $ref points at a schema that is there.
    let text = doc.to_string();
    for piece in text.split("\"#/components/schemas/").skip(1) {
        let name = &piece[..piece.find('"').unwrap()];
        assert!(schemas.contains_key(name), "{name}");
    }
}

#[test]
fn v3_documents_cover_groups_and_discovery() {
    let (resources, subresources) = catalog();
    let docs = v3_documents(&resources, &subresources);
    let paths: Vec<&str> = docs.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "api",
            "apis",
            "version",
            "apis/apps",
            "apis/autoscaling",
            "apis/storage.k8s.io",
            "api/v1",
            "apis/apps/v1",
            "apis/autoscaling/v1",
            "apis/autoscaling/v2",
            "apis/storage.k8s.io/v1"
        ]
    );
    let (_, apps) = &docs[3];
    assert_eq!(
        apps["paths"]["/apis/apps/"]["get"]["responses"]["200"]["content"]["application/json"],
        json!({"schema": {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup"}})
    );
    // The compatibility entry point still answers without subresources.
    let old = group_version_document("", "v1", &resources);
    assert!(old["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"].is_object());
    assert!(old["paths"]["/api/v1/namespaces/{namespace}/pods/{name}/status"].is_null());
}

/// A minimal protobuf reader: the fields of one message as `(number, payload)`.
fn fields(mut bytes: &[u8]) -> Vec<(u64, Vec<u8>)> {
    fn varint(bytes: &mut &[u8]) -> u64 {
        let mut n = 0;
        let mut shift = 0;
        loop {
            let b = bytes[0];
            *bytes = &bytes[1..];
            n |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return n;
            }
        }
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let key = varint(&mut bytes);
        match key & 7 {
            0 => out.push((key >> 3, varint(&mut bytes).to_le_bytes().to_vec())),
            2 => {
                let len = varint(&mut bytes) as usize;
                out.push((key >> 3, bytes[..len].to_vec()));
                bytes = &bytes[len..];
            }
            other => panic!("wire type {other}"),
        }
    }
    out
}

fn field(message: &[u8], number: u64) -> Vec<Vec<u8>> {
    fields(message)
        .into_iter()
        .filter(|(n, _)| *n == number)
        .map(|(_, v)| v)
        .collect()
}

/// The `value` of the `Named*` entry called `name` among `entries`.
fn named<'a>(entries: &'a [Vec<u8>], name: &str) -> Option<&'a [u8]> {
    entries.iter().find_map(|e| {
        let fs = fields(e);
        (fs[0] == (1, name.as_bytes().to_vec())).then(|| {
            let value = &fs[1].1;
            let start = e.len() - value.len();
            &e[start..]
        })
    })
}

#[test]
fn v2_protobuf_decodes_as_gnostic_document() {
    let doc = v2();
    let bytes = v2_protobuf(&doc);
    assert_eq!(field(&bytes, 1), [b"2.0".to_vec()]);
    let info = &field(&bytes, 2)[0];
    assert_eq!(field(info, 1), [b"Kubernetes".to_vec()]);
    assert_eq!(field(info, 2), [b"v1.36.0".to_vec()]);
    // definitions = 9: Definitions { repeated NamedSchema additional_properties = 1 }.
    let definitions = field(&field(&bytes, 9)[0], 1);
    assert_eq!(
        definitions.len(),
        doc["definitions"].as_object().unwrap().len()
    );
    let deployment = named(&definitions, "io.k8s.api.apps.v1.Deployment").unwrap();
    // Schema.type = 22 (TypeItem), vendor_extension = 31.
    assert_eq!(field(&field(deployment, 22)[0], 1), [b"object".to_vec()]);
    let extensions = field(deployment, 31);
    let gvk = named(&extensions, "x-kubernetes-group-version-kind").unwrap();
    assert_eq!(
        field(gvk, 2),
        [b"- group: apps\n  kind: Deployment\n  version: v1\n".to_vec()]
    );
    // properties = 25 → containers of PodSpec carries its patch extensions.
    let pod_spec = named(&definitions, "io.k8s.api.core.v1.PodSpec").unwrap();
    let properties = field(&field(pod_spec, 25)[0], 1);
    let containers = named(&properties, "containers").unwrap();
    let containers_ext = field(containers, 31);
    let strategy = named(&containers_ext, "x-kubernetes-patch-strategy").unwrap();
    assert_eq!(field(strategy, 2), [b"merge\n".to_vec()]);
    // enum = 20: one Any per value, its YAML text in `yaml` (2).
    let container_port = named(&definitions, "io.k8s.api.core.v1.ContainerPort").unwrap();
    let port_properties = field(&field(container_port, 25)[0], 1);
    let protocol = named(&port_properties, "protocol").unwrap();
    let values: Vec<Vec<u8>> = field(protocol, 20)
        .iter()
        .flat_map(|any| field(any, 2))
        .collect();
    assert_eq!(
        values,
        [b"SCTP\n".to_vec(), b"TCP\n".to_vec(), b"UDP\n".to_vec()]
    );
    // items = 23: ItemsItem { repeated Schema schema = 1 } with the $ref (_ref = 1).
    let items = field(&field(containers, 23)[0], 1);
    assert_eq!(
        field(&items[0], 1),
        [b"#/definitions/io.k8s.api.core.v1.Container".to_vec()]
    );
    // paths = 8: Paths { repeated NamedPathItem path = 2 }.
    let paths = field(&field(&bytes, 8)[0], 2);
    assert_eq!(paths.len(), doc["paths"].as_object().unwrap().len());
    let pod = named(&paths, "/api/v1/namespaces/{namespace}/pods/{name}").unwrap();
    let patch = &field(pod, 8)[0];
    assert_eq!(field(patch, 5), [b"patchCoreV1NamespacedPod".to_vec()]);
    // The fieldValidation query parameter: ParametersItem.parameter(1) →
    // Parameter.non_body_parameter(2) → query_parameter_sub_schema(3) → name(4).
    let params = field(patch, 8);
    let names: Vec<Vec<u8>> = params
        .iter()
        .filter_map(|p| field(p, 1).into_iter().next())
        .filter_map(|p| field(&p, 2).into_iter().next())
        .filter_map(|p| field(&p, 3).into_iter().next())
        .flat_map(|q| field(&q, 4))
        .collect();
    assert_eq!(names, [b"dryRun".to_vec(), b"fieldValidation".to_vec()]);
    let operation_ext = field(patch, 13);
    let gvk = named(&operation_ext, "x-kubernetes-group-version-kind").unwrap();
    assert_eq!(
        field(gvk, 2),
        [b"group: \"\"\nkind: Pod\nversion: v1\n".to_vec()]
    );
    // security_definitions = 13 → BearerToken → api_key_security (2).
    let security = field(&field(&bytes, 13)[0], 1);
    let bearer = named(&security, "BearerToken").unwrap();
    let api_key = &field(bearer, 2)[0];
    assert_eq!(field(api_key, 2), [b"authorization".to_vec()]);
}

#[test]
fn documents_build_quickly() {
    let (resources, subresources) = catalog();
    let _ = definitions();
    let start = std::time::Instant::now();
    let docs = Documents::build(&resources, &subresources);
    let elapsed = start.elapsed();
    println!(
        "built in {elapsed:?}: v2 {} bytes, protobuf {} bytes, {} v3 documents",
        docs.v2_json.len(),
        docs.v2_protobuf.len(),
        docs.v3.len()
    );
    assert!(elapsed.as_secs() < 5, "{elapsed:?}");
    // The spliced bytes are the documents the Value builders give.
    let v2: Value = serde_json::from_slice(&docs.v2_json).unwrap();
    assert_eq!(v2, v2_document(&resources, &subresources));
    assert_eq!(docs.v2_protobuf, v2_protobuf(&v2));
    for ((path, bytes), (path2, value)) in
        docs.v3.iter().zip(v3_documents(&resources, &subresources))
    {
        assert_eq!(path, &path2);
        let parsed: Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(parsed, value, "{path}");
    }
}

/// Every kind kubemem serves, all verbs, status subresources.
fn full_catalog() -> (Vec<Resource<'static>>, Vec<Subresource<'static>>) {
    let kinds: &[(&str, &str, &str, &str, bool)] = &[
        ("", "v1", "Namespace", "namespaces", false),
        ("", "v1", "Pod", "pods", true),
        ("", "v1", "Service", "services", true),
        ("", "v1", "Endpoints", "endpoints", true),
        ("", "v1", "ConfigMap", "configmaps", true),
        ("", "v1", "Secret", "secrets", true),
        (
            "",
            "v1",
            "ReplicationController",
            "replicationcontrollers",
            true,
        ),
        ("", "v1", "Node", "nodes", false),
        ("", "v1", "Event", "events", true),
        ("", "v1", "ServiceAccount", "serviceaccounts", true),
        ("", "v1", "PersistentVolume", "persistentvolumes", false),
        (
            "",
            "v1",
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            true,
        ),
        ("", "v1", "LimitRange", "limitranges", true),
        ("", "v1", "ResourceQuota", "resourcequotas", true),
        ("", "v1", "PodTemplate", "podtemplates", true),
        ("apps", "v1", "Deployment", "deployments", true),
        ("apps", "v1", "ReplicaSet", "replicasets", true),
        ("apps", "v1", "DaemonSet", "daemonsets", true),
        ("apps", "v1", "StatefulSet", "statefulsets", true),
        (
            "apps",
            "v1",
            "ControllerRevision",
            "controllerrevisions",
            true,
        ),
        ("batch", "v1", "Job", "jobs", true),
        ("batch", "v1", "CronJob", "cronjobs", true),
        (
            "autoscaling",
            "v1",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            true,
        ),
        (
            "autoscaling",
            "v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            true,
        ),
        ("coordination.k8s.io", "v1", "Lease", "leases", true),
        (
            "discovery.k8s.io",
            "v1",
            "EndpointSlice",
            "endpointslices",
            true,
        ),
        ("events.k8s.io", "v1", "Event", "events", true),
        ("networking.k8s.io", "v1", "Ingress", "ingresses", true),
        (
            "networking.k8s.io",
            "v1",
            "IngressClass",
            "ingressclasses",
            false,
        ),
        (
            "networking.k8s.io",
            "v1",
            "NetworkPolicy",
            "networkpolicies",
            true,
        ),
        (
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            true,
        ),
        ("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
        (
            "rbac.authorization.k8s.io",
            "v1",
            "RoleBinding",
            "rolebindings",
            true,
        ),
        (
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole",
            "clusterroles",
            false,
        ),
        (
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRoleBinding",
            "clusterrolebindings",
            false,
        ),
        (
            "storage.k8s.io",
            "v1",
            "StorageClass",
            "storageclasses",
            false,
        ),
        (
            "scheduling.k8s.io",
            "v1",
            "PriorityClass",
            "priorityclasses",
            false,
        ),
    ];
    let resources: Vec<Resource<'static>> = kinds
        .iter()
        .map(|&(group, version, kind, resource, namespaced)| Resource {
            group,
            version,
            kind,
            resource,
            namespaced,
            verbs: ALL,
        })
        .collect();
    let mut subresources: Vec<Subresource<'static>> = resources
        .iter()
        .map(|r| sub(*r, "status", r.kind, GPU))
        .collect();
    subresources.extend(catalog().1);
    (resources, subresources)
}

#[test]
fn full_catalog_documents_are_consistent() {
    let (resources, subresources) = full_catalog();
    let docs = Documents::build(&resources, &subresources);
    let v2: Value = serde_json::from_slice(&docs.v2_json).unwrap();
    // Every kind's definition is there, and every $ref resolves.
    for r in &resources {
        let name = definitions()
            .name_for_gvk(r.group, r.version, r.kind)
            .unwrap();
        assert!(v2["definitions"].get(name).is_some(), "{name}");
    }
    for (path, doc) in &docs.v3 {
        let doc: Value = serde_json::from_slice(doc).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let text = doc.to_string();
        for piece in text.split("\"#/components/schemas/").skip(1) {
            let name = &piece[..piece.find('"').unwrap()];
            assert!(schemas.contains_key(name), "{path}: {name}");
        }
    }
    let ids: Vec<&str> = v2["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "operation ids are unique");
}
