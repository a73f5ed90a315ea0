//! OpenAPI v3 documents for the kinds kubemem serves.
//!
//! kube-apiserver publishes `/openapi/v3` (an index of group-versions, each with a
//! `serverRelativeURL` carrying a content hash) and one document per group-version. kubectl
//! reads them to decide whether the server validates fields itself: it looks for a PATCH
//! operation tagged with the kind's `x-kubernetes-group-version-kind` that takes the
//! `fieldValidation` query parameter (`QueryParamVerifierV3`), and if there is one it leaves
//! validation to the server instead of downloading schemas.
//!
//! This crate builds the paths and operations of those documents — every operation with its
//! `x-kubernetes-action`, `x-kubernetes-group-version-kind` and query parameters, as
//! kube-apiserver's installer registers them. The component schemas of the kinds come with the
//! kubectl-fidelity issue (#3).

use serde_json::{Map, Value, json};

/// A resource as the documents need it.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    /// Plural, as in the path.
    pub resource: &'a str,
    pub namespaced: bool,
    /// Discovery verbs (`create`, `delete`, `deletecollection`, `get`, `list`, `patch`,
    /// `update`, `watch`).
    pub verbs: &'a [&'a str],
}

/// The path of a group-version in the index: `api/v1` or `apis/apps/v1`.
pub fn group_version_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

fn query_param(name: &str, description: &str, kind: &str) -> Value {
    json!({
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": kind, "uniqueItems": true}
    })
}

/// The query parameters kube-apiserver's installer declares for each action.
fn parameters(action: &str) -> Vec<Value> {
    let pretty = query_param(
        "pretty",
        "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
        "string",
    );
    let dry_run = query_param(
        "dryRun",
        "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
        "string",
    );
    let field_manager = query_param(
        "fieldManager",
        "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.",
        "string",
    );
    let field_validation = query_param(
        "fieldValidation",
        "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.",
        "string",
    );
    let force = query_param(
        "force",
        "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.",
        "boolean",
    );
    let list = [
        ("allowWatchBookmarks", "boolean"),
        ("continue", "string"),
        ("fieldSelector", "string"),
        ("labelSelector", "string"),
        ("limit", "integer"),
        ("resourceVersion", "string"),
        ("resourceVersionMatch", "string"),
        ("sendInitialEvents", "boolean"),
        ("timeoutSeconds", "integer"),
        ("watch", "boolean"),
    ]
    .iter()
    .map(|(name, kind)| query_param(name, name, kind))
    .collect::<Vec<_>>();
    let delete = [
        ("gracePeriodSeconds", "integer"),
        (
            "ignoreStoreReadErrorWithClusterBreakingPotential",
            "boolean",
        ),
        ("orphanDependents", "boolean"),
        ("propagationPolicy", "string"),
    ]
    .iter()
    .map(|(name, kind)| query_param(name, name, kind))
    .collect::<Vec<_>>();
    match action {
        "post" | "put" => vec![dry_run, field_manager, field_validation],
        "patch" => vec![dry_run, field_manager, field_validation, force],
        "delete" => {
            let mut p = vec![dry_run];
            p.extend(delete);
            p
        }
        "deletecollection" => {
            let mut p = vec![dry_run];
            p.extend(delete);
            p.extend(list);
            p
        }
        "list" => list,
        _ => vec![pretty],
    }
}

fn operation(r: &Resource<'_>, action: &str, operation_id: String) -> Value {
    json!({
        "description": format!("{action} {}", r.kind),
        "operationId": operation_id,
        "parameters": parameters(action),
        "responses": {"200": {"description": "OK"}, "401": {"description": "Unauthorized"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": r.group, "version": r.version, "kind": r.kind}
    })
}

/// The OpenAPI v3 document of one group-version.
pub fn group_version_document(group: &str, version: &str, resources: &[Resource<'_>]) -> Value {
    let base = format!("/{}", group_version_path(group, version));
    let mut paths = Map::new();
    for r in resources
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let scope = if r.namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        };
        let collection = format!("{base}{scope}/{}", r.resource);
        let item = format!("{collection}/{{name}}");
        let id = |verb: &str| format!("{verb}{}", r.kind);
        let mut collection_ops = Map::new();
        let mut item_ops = Map::new();
        for verb in r.verbs {
            match *verb {
                "list" => {
                    collection_ops.insert("get".into(), operation(r, "list", id("list")));
                }
                "create" => {
                    collection_ops.insert("post".into(), operation(r, "post", id("create")));
                }
                "deletecollection" => {
                    collection_ops.insert(
                        "delete".into(),
                        operation(r, "deletecollection", id("deleteCollection")),
                    );
                }
                "get" => {
                    item_ops.insert("get".into(), operation(r, "get", id("read")));
                }
                "update" => {
                    item_ops.insert("put".into(), operation(r, "put", id("replace")));
                }
                "patch" => {
                    item_ops.insert("patch".into(), operation(r, "patch", id("patch")));
                }
                "delete" => {
                    item_ops.insert("delete".into(), operation(r, "delete", id("delete")));
                }
                _ => {}
            }
        }
        if !collection_ops.is_empty() {
            paths.insert(collection, Value::Object(collection_ops));
        }
        if !item_ops.is_empty() {
            paths.insert(item, Value::Object(item_ops));
        }
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.36.0"},
        "paths": paths,
        "components": {"schemas": {}}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CM: Resource<'static> = Resource {
        group: "",
        version: "v1",
        kind: "ConfigMap",
        resource: "configmaps",
        namespaced: true,
        verbs: &[
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ],
    };

    #[test]
    fn patch_operations_carry_gvk_and_field_validation() {
        let doc = group_version_document("", "v1", &[CM]);
        let patch = &doc["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "ConfigMap"
        );
        assert_eq!(patch["x-kubernetes-action"], "patch");
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
        assert!(doc["paths"]["/api/v1/namespaces/{namespace}/configmaps"]["post"].is_object());
    }

    #[test]
    fn cluster_scoped_paths_have_no_namespace() {
        let ns = Resource {
            kind: "Namespace",
            resource: "namespaces",
            namespaced: false,
            ..CM
        };
        let doc = group_version_document("", "v1", &[ns]);
        assert!(doc["paths"]["/api/v1/namespaces/{name}"]["get"].is_object());
        assert_eq!(group_version_path("apps", "v1"), "apis/apps/v1");
    }
}
