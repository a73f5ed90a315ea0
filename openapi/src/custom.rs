//! The OpenAPI of custom resources: what kube-apiserver publishes for each served version of a
//! CustomResourceDefinition (`apiextensions-apiserver/pkg/controller/openapi/builder`).
//!
//! * Definitions are named by the reversed group (`example.com/v1.Widget` becomes
//!   `com.example.v1.Widget`, kube-openapi's `friendlyName`). The kind's is the CRD's
//!   structural schema (`ToKubeOpenAPI`) with `apiVersion`, `kind` (TypeMeta's) and `metadata`
//!   (`$ref` ObjectMeta) set, and `x-kubernetes-group-version-kind`; without a schema it is
//!   `{type: object}`. The list's is `<ListKind> is a list of <Kind>` with `items` and
//!   ListMeta.
//! * In v2, `ToStructuralOpenAPIV2` applies: junctors (`allOf`, `anyOf`, `oneOf`, `not`) are
//!   dropped, a nullable node loses its type, items and properties (and its place in
//!   `required`), a node preserving unknown fields loses its items and properties, an array
//!   left without items loses its type; a root preserving unknown fields publishes
//!   `{type: object}` alone (kubectl would otherwise refuse unknown fields); `default`s are
//!   pruned (`PruneDefaults`). In v3, `x-kubernetes-int-or-string` is unfolded into
//!   `anyOf: [integer, string]`.
//! * Routes are `buildRoute`'s: produced as JSON and YAML only, PATCH consuming JSON patch,
//!   merge patch and apply patch (no strategic merge patch), GetOptions on reads, and the
//!   `status` and `scale` subresources the version has.

use serde_json::{Map, Value, json};

use crate::definitions::definitions;
use crate::params::{
    DELETE_OPTIONS, LIST_OPTIONS, NAMESPACE, PRETTY, body, options, path_param, query,
    write_options,
};
use crate::routes::{
    self, DELETE_OPTIONS_DEF, PATCH_DEF, Payload, Route, STATUS, group_version_names, title, with,
};

/// A served version of a CRD, as the documents need it.
#[derive(Clone, Copy, Debug)]
pub struct CustomResource<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub list_kind: &'a str,
    /// The resource (`spec.names.plural`).
    pub plural: &'a str,
    pub namespaced: bool,
    /// The version has the status subresource.
    pub status: bool,
    /// The version has the scale subresource.
    pub scale: bool,
    /// `spec.versions[].schema.openAPIV3Schema`.
    pub schema: Option<&'a Value>,
}

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const SCALE: &str = "io.k8s.api.autoscaling.v1.Scale";
/// `metav1beta1.PartialObjectMetadata{}.SwaggerDoc()["metadata"]`.
const OBJECT_META_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
/// `metav1beta1.PartialObjectMetadataList{}.SwaggerDoc()["metadata"]`.
const LIST_META_DOC: &str = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const EMBEDDED_API_VERSION_DOC: &str = "apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const EMBEDDED_KIND_DOC: &str = "kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// kube-openapi's `friendlyName` of `<group>/<version>.<kind>`: `com.example.v1.Widget`.
pub fn definition_name(group: &str, version: &str, kind: &str) -> String {
    let reversed: Vec<&str> = group.rsplit('.').collect();
    format!("{}.{version}.{kind}", reversed.join("."))
}

/// The schema-node keywords a structural schema keeps (`Generic`, `ValueValidation` and the
/// extensions); anything else (`example`, `externalDocs`) is not published.
const KEPT: &[&str] = &[
    "description",
    "type",
    "title",
    "default",
    "nullable",
    "format",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "enum",
    "maxProperties",
    "minProperties",
    "required",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-list-type",
    "x-kubernetes-map-type",
    "x-kubernetes-validations",
];
const JUNCTORS: &[&str] = &["allOf", "oneOf", "anyOf", "not"];

fn is_true(node: &Map<String, Value>, key: &str) -> bool {
    node.get(key) == Some(&Value::Bool(true))
}

/// One node of a CRD schema as `ToKubeOpenAPI` (after `ToStructuralOpenAPIV2` in v2) writes it.
fn node(schema: &Value, v2: bool) -> Value {
    let Value::Object(input) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in input {
        let keep = KEPT.contains(&key.as_str())
            // Booleans are omitted when false.
            && value != &Value::Bool(false)
            && !(v2 && (JUNCTORS.contains(&key.as_str()) || key == "nullable" || key == "default"));
        if keep {
            out.insert(key.clone(), value.clone());
        }
    }
    let nullable = is_true(input, "nullable");
    let preserve = is_true(input, "x-kubernetes-preserve-unknown-fields");
    let mut items = input
        .get("items")
        .filter(|_| !(v2 && (nullable || preserve)));
    let properties = input
        .get("properties")
        .and_then(Value::as_object)
        .filter(|_| !(v2 && (nullable || preserve)));
    if v2 && nullable {
        out.remove("type");
    }
    if let Some(additional) = input.get("additionalProperties") {
        out.insert("additionalProperties".into(), node(additional, v2));
    }
    if let Some(item) = items.take() {
        out.insert("items".into(), node(item, v2));
    } else if v2 && out.get("type") == Some(&json!("array")) {
        // kubectl cannot cope with an array without an item schema.
        out.remove("type");
    }
    if let Some(properties) = properties {
        let converted: Map<String, Value> = properties
            .iter()
            .map(|(name, p)| (name.clone(), node(p, v2)))
            .collect();
        out.insert("properties".into(), Value::Object(converted));
        if v2 {
            // A nullable property is not required in v2.
            if let Some(Value::Array(required)) = out.get_mut("required") {
                required.retain(|name| {
                    name.as_str()
                        .and_then(|n| properties.get(n))
                        .and_then(Value::as_object)
                        .is_none_or(|p| !is_true(p, "nullable"))
                });
            }
        }
    }
    if !v2 && is_true(input, "x-kubernetes-int-or-string") {
        unfold_int_or_string(&mut out);
    }
    if is_true(input, "x-kubernetes-embedded-resource") && !(v2 && preserve) {
        add_embedded_properties(&mut out);
    }
    Value::Object(out)
}

/// `Structural.Unfold`: an int-or-string node validates as one of integer or string.
fn unfold_int_or_string(out: &mut Map<String, Value>) {
    let either = json!([{"type": "integer"}, {"type": "string"}]);
    let is_either = |v: Option<&Value>| v == Some(&either);
    let all_of_first = out
        .get("allOf")
        .and_then(|a| a.get(0))
        .and_then(|first| first.get("anyOf"));
    if is_either(out.get("anyOf")) || is_either(all_of_first) {
        return;
    }
    if !out.contains_key("anyOf") {
        out.insert("anyOf".into(), either);
        return;
    }
    let mut all_of = vec![json!({ "anyOf": either })];
    if let Some(Value::Array(rest)) = out.remove("allOf") {
        all_of.extend(rest);
    }
    out.insert("allOf".into(), Value::Array(all_of));
}

/// `addEmbeddedProperties`: an embedded resource gets `apiVersion`, `kind` and `metadata`,
/// and requires the first two.
fn add_embedded_properties(out: &mut Map<String, Value>) {
    let properties = out
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(properties) = properties {
        properties.insert(
            "apiVersion".into(),
            json!({"description": EMBEDDED_API_VERSION_DOC, "type": "string"}),
        );
        properties.insert(
            "kind".into(),
            json!({"description": EMBEDDED_KIND_DOC, "type": "string"}),
        );
        properties.insert("metadata".into(), object_meta());
    }
    let required = out.entry("required").or_insert_with(|| json!([]));
    if let Value::Array(required) = required {
        for name in ["kind", "apiVersion"] {
            if !required.iter().any(|r| r == name) {
                required.push(json!(name));
            }
        }
    }
}

fn object_meta() -> Value {
    json!({"$ref": format!("{}{OBJECT_META}", crate::REF_PREFIX), "description": OBJECT_META_DOC})
}

/// TypeMeta's `apiVersion` or `kind` property.
fn type_meta(property: &str) -> Value {
    definitions()
        .definition(STATUS)
        .and_then(|status| status["properties"].get(property))
        .cloned()
        .unwrap_or_else(|| json!({"type": "string"}))
}

fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!([{"group": group, "kind": kind, "version": version}])
}

/// Sorts every object's keys, as Go writes maps.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The definitions of a custom resource's kind and list kind, as `/openapi/v2` (`v2`) or
/// `/openapi/v3` publish them (`$ref`s still in v2 form: the v3 writer rewrites them).
pub fn custom_definitions(cr: &CustomResource<'_>, v2: bool) -> [(String, Value); 2] {
    let name = definition_name(cr.group, cr.version, cr.kind);
    let preserve_root = cr
        .schema
        .and_then(Value::as_object)
        .is_some_and(|s| is_true(s, "x-kubernetes-preserve-unknown-fields"));
    let mut kind = match cr.schema {
        Some(schema) if !(v2 && preserve_root) => {
            let mut kind = node(schema, v2);
            if let Value::Object(map) = &mut kind {
                let properties = map
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(properties) = properties {
                    properties.insert("metadata".into(), object_meta());
                    properties.insert("apiVersion".into(), type_meta("apiVersion"));
                    properties.insert("kind".into(), type_meta("kind"));
                }
            }
            kind
        }
        _ => json!({"type": "object"}),
    };
    if let Value::Object(map) = &mut kind {
        map.insert(
            "x-kubernetes-group-version-kind".into(),
            gvk(cr.group, cr.version, cr.kind),
        );
    }
    let list = json!({
        "description": format!("{} is a list of {}", cr.list_kind, cr.kind),
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": type_meta("apiVersion"),
            "kind": type_meta("kind"),
            "items": {
                "description": format!("List of {}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md", cr.plural),
                "type": "array",
                "items": {"$ref": format!("{}{name}", crate::REF_PREFIX)}
            },
            "metadata": {"$ref": format!("{}{LIST_META}", crate::REF_PREFIX), "description": LIST_META_DOC}
        },
        "x-kubernetes-group-version-kind": gvk(cr.group, cr.version, cr.list_kind),
    });
    [
        (name, sorted(kind)),
        (
            definition_name(cr.group, cr.version, cr.list_kind),
            sorted(list),
        ),
    ]
}

const JSON_YAML: &[&str] = &["application/json", "application/yaml"];
const CR_PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
];
/// `GetOptions`' one field.
const GET_OPTIONS: &[(&str, &str, &str)] = &[(
    "resourceVersion",
    "string",
    "resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset",
)];

/// `descriptionFor`'s article for `create` and `delete` (`GetArticleForNoun`).
fn article(kind: &str) -> &'static str {
    if kind.ends_with('s') && !kind.ends_with("ss") {
        " "
    } else if kind.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        " an "
    } else {
        " a "
    }
}

/// The routes `generateBuilder` registers for a custom resource's version.
pub(crate) fn custom_routes(cr: &CustomResource<'_>) -> Vec<Route> {
    let (infix, tag) = group_version_names(cr.group, cr.version);
    let kind = cr.kind;
    let definition = definition_name(cr.group, cr.version, kind);
    let list_definition = definition_name(cr.group, cr.version, cr.list_kind);
    let ns = if cr.namespaced { "Namespaced" } else { "" };
    let base = routes::base_path(cr.group, cr.version);
    let root = if cr.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", cr.plural)
    } else {
        format!("{base}/{}", cr.plural)
    };
    let route = |path: String,
                 method: &'static str,
                 verb: &str,
                 action: &'static str,
                 sub: &str,
                 description: String| {
        let mut params = vec![query("pretty", "string", PRETTY)];
        if path.contains("{namespace}") {
            params.push(path_param("namespace", NAMESPACE));
        }
        if path.contains("{name}") {
            params.push(path_param("name", format!("name of the {kind}")));
        }
        params.extend(match action {
            "get" => options(GET_OPTIONS, &[]),
            "list" | "deletecollection" => options(LIST_OPTIONS, &[]),
            "put" | "post" => write_options(false),
            "patch" => write_options(true),
            _ => with(
                options(DELETE_OPTIONS, &[]),
                [body(DELETE_OPTIONS_DEF, false)],
            ),
        });
        Route {
            path,
            method,
            description,
            operation_id: {
                let (head, rest) = split_verb(verb);
                format!("{head}{infix}{rest}{ns}{kind}{}", title(sub))
            },
            tag: tag.clone(),
            consumes: if method == "patch" {
                CR_PATCH_TYPES
            } else {
                JSON_YAML
            },
            produces: JSON_YAML,
            params,
            responses: Vec::new(),
            action: Some(action),
            gvk: Some((
                cr.group.to_string(),
                cr.version.to_string(),
                kind.to_string(),
            )),
        }
    };
    let ok = |d: &str| (200, "OK", Payload::Definition(d.to_string()));
    let mut out = Vec::new();
    if cr.namespaced {
        let mut all = route(
            format!("{base}/{}", cr.plural),
            "get",
            "list",
            "list",
            "",
            format!("list objects of kind {kind}"),
        );
        all.operation_id = format!("list{infix}{kind}ForAllNamespaces");
        all.responses = vec![ok(&list_definition)];
        out.push(all);
    }
    let mut list = route(
        root.clone(),
        "get",
        "list",
        "list",
        "",
        format!("list objects of kind {kind}"),
    );
    list.responses = vec![ok(&list_definition)];
    out.push(list);
    let mut create = route(
        root.clone(),
        "post",
        "create",
        "post",
        "",
        format!("create{}{kind}", article(kind)),
    );
    create.params.push(body(&definition, true));
    create.responses = vec![
        ok(&definition),
        (201, "Created", Payload::Definition(definition.clone())),
        (202, "Accepted", Payload::Definition(definition.clone())),
    ];
    out.push(create);
    let mut collection = route(
        root.clone(),
        "delete",
        "deletecollection",
        "deletecollection",
        "",
        format!("delete collection of {kind}"),
    );
    collection.responses = vec![ok(STATUS)];
    out.push(collection);

    let mut item = |sub: &str, definition: &str| {
        let path = if sub.is_empty() {
            format!("{root}/{{name}}")
        } else {
            format!("{root}/{{name}}/{sub}")
        };
        let of = if sub.is_empty() {
            String::new()
        } else {
            format!(" {sub} of")
        };
        let mut read = route(
            path.clone(),
            "get",
            "read",
            "get",
            sub,
            format!("read{of} the specified {kind}"),
        );
        read.responses = vec![ok(definition)];
        out.push(read);
        let mut replace = route(
            path.clone(),
            "put",
            "replace",
            "put",
            sub,
            format!("replace{of} the specified {kind}"),
        );
        replace.params.push(body(definition, true));
        replace.responses = vec![
            ok(definition),
            (201, "Created", Payload::Definition(definition.to_string())),
        ];
        out.push(replace);
        if sub.is_empty() {
            let mut delete = route(
                path.clone(),
                "delete",
                "delete",
                "delete",
                sub,
                format!("delete{}{kind}", article(kind)),
            );
            delete.responses = vec![
                ok(STATUS),
                (202, "Accepted", Payload::Definition(STATUS.to_string())),
            ];
            out.push(delete);
        }
        let mut patch = route(
            path,
            "patch",
            "patch",
            "patch",
            sub,
            format!("partially update{of} the specified {kind}"),
        );
        patch.params.push(body(PATCH_DEF, true));
        patch.responses = vec![ok(definition)];
        out.push(patch);
    };
    item("", &definition);
    if cr.status {
        item("status", &definition);
    }
    if cr.scale {
        item("scale", SCALE);
    }
    out
}

/// `GetOperationIDAndTags` splits the shortest verb off the operation name and puts the
/// group-version after it: `deletecollection…` becomes `delete<GroupVersion>Collection…`.
fn split_verb(verb: &str) -> (&str, &'static str) {
    if verb == "deletecollection" {
        ("delete", "Collection")
    } else {
        (verb, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_follow_the_crd_builder() {
        assert_eq!(
            definition_name("stable.example.com", "v1", "CronTab"),
            "com.example.stable.v1.CronTab"
        );
        let schema = json!({"type": "object", "example": {}, "properties": {
            "n": {"type": "object", "nullable": true, "properties": {"a": {"type": "string"}}},
            "any": {"type": "array", "x-kubernetes-preserve-unknown-fields": true, "items": {"type": "string"}},
            "port": {"x-kubernetes-int-or-string": true, "default": 80},
            "pod": {"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true},
            "one": {"type": "string", "anyOf": [{"pattern": "a"}], "uniqueItems": false}
        }, "required": ["n", "one"]});
        let cr = CustomResource {
            group: "example.com",
            version: "v1",
            kind: "Widget",
            list_kind: "WidgetList",
            plural: "widgets",
            namespaced: true,
            status: false,
            scale: false,
            schema: Some(&schema),
        };
        let [(_, v2), _] = custom_definitions(&cr, true);
        let p = &v2["properties"];
        assert_eq!(p["n"], json!({}));
        assert_eq!(
            p["any"],
            json!({"x-kubernetes-preserve-unknown-fields": true})
        );
        assert_eq!(p["port"], json!({"x-kubernetes-int-or-string": true}));
        assert_eq!(
            p["pod"],
            json!({"type": "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true})
        );
        assert_eq!(p["one"], json!({"type": "string"}));
        assert_eq!(v2["required"], json!(["one"]));
        assert!(v2.get("example").is_none());
        let [(_, v3), _] = custom_definitions(&cr, false);
        let p = &v3["properties"];
        assert_eq!(p["n"]["nullable"], true);
        assert_eq!(
            p["port"],
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}], "default": 80, "x-kubernetes-int-or-string": true})
        );
        assert_eq!(p["pod"]["required"], json!(["kind", "apiVersion"]));
        assert_eq!(
            p["pod"]["properties"]["kind"]["description"],
            EMBEDDED_KIND_DOC
        );
        assert_eq!(p["one"]["anyOf"], json!([{"pattern": "a"}]));
        assert_eq!(v3["required"], json!(["n", "one"]));
    }

    #[test]
    fn routes_follow_the_crd_builder() {
        let cr = CustomResource {
            group: "example.com",
            version: "v1",
            kind: "Index",
            list_kind: "IndexList",
            plural: "indexes",
            namespaced: false,
            status: true,
            scale: true,
            schema: None,
        };
        let ids: Vec<(String, &str, String)> = custom_routes(&cr)
            .into_iter()
            .map(|r| (r.operation_id, r.method, r.description))
            .collect();
        let expected = [
            ("listExampleComV1Index", "get", "list objects of kind Index"),
            ("createExampleComV1Index", "post", "create an Index"),
            (
                "deleteExampleComV1CollectionIndex",
                "delete",
                "delete collection of Index",
            ),
            ("readExampleComV1Index", "get", "read the specified Index"),
            (
                "replaceExampleComV1Index",
                "put",
                "replace the specified Index",
            ),
            ("deleteExampleComV1Index", "delete", "delete an Index"),
            (
                "patchExampleComV1Index",
                "patch",
                "partially update the specified Index",
            ),
            (
                "readExampleComV1IndexStatus",
                "get",
                "read status of the specified Index",
            ),
            (
                "replaceExampleComV1IndexStatus",
                "put",
                "replace status of the specified Index",
            ),
            (
                "patchExampleComV1IndexStatus",
                "patch",
                "partially update status of the specified Index",
            ),
            (
                "readExampleComV1IndexScale",
                "get",
                "read scale of the specified Index",
            ),
            (
                "replaceExampleComV1IndexScale",
                "put",
                "replace scale of the specified Index",
            ),
            (
                "patchExampleComV1IndexScale",
                "patch",
                "partially update scale of the specified Index",
            ),
        ];
        assert_eq!(ids.len(), expected.len());
        for (i, (got, want)) in ids.iter().zip(expected).enumerate() {
            assert_eq!((got.0.as_str(), got.1, got.2.as_str()), want, "#{i}");
        }
    }
}
