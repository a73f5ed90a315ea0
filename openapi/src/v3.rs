//! `/openapi/v3/<path>`: one OpenAPI 3.0 document per group-version (and the small ones of
//! `/api`, `/apis`, `/apis/<group>` and `/version`).
//!
//! Shape (checked against kubernetes/kubernetes `api/openapi-spec/v3/apis__apps__v1_openapi.json`):
//! parameters inline as `{description, in, name, required, schema: {type, uniqueItems}}`; the
//! body in `requestBody.content.<media type>.schema`; responses with one `content` entry per
//! produced media type; `components.schemas` holding the definitions the paths reach, with
//! `$ref: "#/components/schemas/<name>"` — a `$ref` with siblings (a property's description)
//! wrapped in `allOf`; `components.securitySchemes.BearerToken`.
//!
//! kube's v3 schemas also carry the `default` that openapi-gen derives from Go types (`{}` for
//! a non-pointer struct, `0`/`""`/`false` for a non-pointer scalar without `omitempty`). The v2
//! definitions we start from have lost them; they are restored where the v2 form tells:
//! required scalars, elements of arrays of structs, and `metadata`/`spec`/`status` of kinds.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::json::{self, Writer};

use crate::definitions::{definitions, ref_name};
use crate::routes::{self, In, Param, Payload, Route};
use crate::{Resource, Subresource};

const COMPONENTS: &str = "#/components/schemas/";

/// A parameter, written.
fn param_json(p: &Param) -> Vec<u8> {
    let mut w = Writer::new();
    w.begin_object();
    w.key("description").string(&p.description);
    w.key("in").string(p.location.as_str());
    w.key("name").string(p.name);
    if p.required {
        w.key("required").raw(b"true");
    }
    w.key("schema")
        .begin_object()
        .key("type")
        .string(p.ty)
        .key("uniqueItems")
        .raw(b"true")
        .end_object();
    w.end_object();
    w.out
}

/// The written form of every parameter, built once per document.
type ParamJson<'a> = HashMap<&'a Param, Vec<u8>>;

fn write_params(w: &mut Writer, params: &[Param], written: &ParamJson<'_>) {
    w.begin_array();
    for p in params.iter().filter(|p| p.location != In::Body) {
        w.raw(&written[p]);
    }
    w.end_array();
}

/// `{"<media type>": {"schema": <payload>}, ...}`, media types sorted.
fn write_content(w: &mut Writer, media_types: &[&str], payload: &Payload) {
    let mut sorted = media_types.to_vec();
    sorted.sort_unstable();
    w.begin_object();
    for media_type in sorted {
        w.key(media_type).begin_object().key("schema");
        match payload {
            Payload::Definition(name) => {
                w.reference(COMPONENTS, name);
            }
            Payload::String => {
                w.begin_object().key("type").string("string").end_object();
            }
        }
        w.end_object();
    }
    w.end_object();
}

fn write_operation(w: &mut Writer, route: &Route, written: &ParamJson<'_>) {
    w.begin_object();
    w.key("description").string(&route.description);
    w.key("operationId").string(&route.operation_id);
    if route.params.iter().any(|p| p.location != In::Body) {
        w.key("parameters");
        write_params(w, &route.params, written);
    }
    if let Some(body) = route.params.iter().find(|p| p.location == In::Body) {
        let definition = Payload::Definition(body.body.clone().unwrap_or_default());
        w.key("requestBody").begin_object().key("content");
        write_content(w, route.consumes, &definition);
        if body.required {
            w.key("required").raw(b"true");
        }
        w.end_object();
    }
    w.key("responses").begin_object();
    for (code, description, payload) in &route.responses {
        w.key(&code.to_string()).begin_object().key("content");
        write_content(w, route.produces, payload);
        w.key("description").string(description).end_object();
    }
    w.key("401")
        .begin_object()
        .key("description")
        .string("Unauthorized")
        .end_object();
    w.end_object();
    w.key("tags").strings([route.tag.as_str()]);
    crate::v2::write_extensions(w, route);
    w.end_object();
}

/// The definition names a route's bodies and responses refer to.
fn route_refs(route: &Route) -> impl Iterator<Item = &str> {
    route
        .params
        .iter()
        .filter_map(|p| p.body.as_deref())
        .chain(
            route
                .responses
                .iter()
                .filter_map(|(_, _, payload)| match payload {
                    Payload::Definition(name) => Some(name.as_str()),
                    Payload::String => None,
                }),
        )
}

/// Every definition in v3 form, written once per process.
fn written_schemas() -> &'static HashMap<&'static str, Vec<u8>> {
    static WRITTEN: OnceLock<HashMap<&'static str, Vec<u8>>> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        definitions()
            .iter()
            .map(|(name, schema)| (name, json::to_vec(&v3_schema(name, schema))))
            .collect()
    })
}

/// A document of `routes`: paths, and the schemas they reach, written as Go writes JSON.
fn document_json(routes: Vec<Route>) -> Vec<u8> {
    document_json_with(routes, &[], ("Kubernetes", crate::KUBERNETES_VERSION))
}

/// A document of `routes` that also holds `custom` schemas (v2 form) under their names, with
/// `info` as its title and version.
fn document_json_with(
    routes: Vec<Route>,
    custom: &[(String, Value)],
    info: (&str, &str),
) -> Vec<u8> {
    let schemas = written_schemas();
    let mut roots: Vec<&str> = routes.iter().flat_map(route_refs).collect();
    for (_, schema) in custom {
        crate::definitions::collect_refs(schema, &mut roots);
    }
    let mut all: BTreeMap<&str, &[u8]> = definitions()
        .closure(roots)
        .into_iter()
        .map(|name| (name, schemas[name].as_slice()))
        .collect();
    let custom: Vec<(&str, Vec<u8>)> = custom
        .iter()
        .map(|(name, schema)| (name.as_str(), json::to_vec(&convert(schema, false))))
        .collect();
    for (name, written) in &custom {
        all.insert(name, written);
    }
    let items = routes::path_items(routes);
    let mut written: ParamJson<'_> = HashMap::new();
    for p in items.values().flat_map(|item| {
        item.params
            .iter()
            .chain(item.operations.iter().flat_map(|(_, r)| r.params.iter()))
    }) {
        if p.location != In::Body && !written.contains_key(p) {
            written.insert(p, param_json(p));
        }
    }
    let mut w = Writer::new();
    w.begin_object();
    w.key("components").begin_object();
    w.key("schemas").begin_object();
    for (name, written) in &all {
        w.key(name).raw(written);
    }
    w.end_object();
    w.key("securitySchemes").value(&crate::v2::bearer_token());
    w.end_object();
    w.key("info")
        .begin_object()
        .key("title")
        .string(info.0)
        .key("version")
        .string(info.1)
        .end_object();
    w.key("openapi").string("3.0.0");
    w.key("paths").begin_object();
    for (path, item) in &items {
        w.key(path).begin_object();
        let mut members: Vec<&str> = item.operations.iter().map(|(m, _)| *m).collect();
        if !item.params.is_empty() {
            members.push("parameters");
        }
        members.sort_unstable();
        for member in members {
            w.key(member);
            match item.operations.iter().find(|(m, _)| *m == member) {
                Some((_, route)) => write_operation(&mut w, route, &written),
                None => write_params(&mut w, &item.params, &written),
            }
        }
        w.end_object();
    }
    w.end_object();
    w.end_object();
    w.out
}

fn document(routes: Vec<Route>) -> Value {
    serde_json::from_slice(&document_json(routes)).expect("valid JSON")
}

/// The OpenAPI v3 document of one group-version: its discovery path, the resources (and
/// subresources) served in it, and the schemas they reach.
pub fn v3_group_version_document(
    group: &str,
    version: &str,
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
) -> Value {
    document(group_version_routes(
        group,
        version,
        resources,
        subresources,
    ))
}

/// Every v3 document kube-apiserver lists in `/openapi/v3` for what is served, keyed by
/// the path after `/openapi/v3/`: `api`, `apis`, `version`, `apis/<group>`, then `api/v1`
/// and `apis/<group>/<version>`.
pub fn v3_documents(
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
) -> Vec<(String, Value)> {
    document_routes(resources, subresources)
        .into_iter()
        .map(|(path, routes)| (path, document(routes)))
        .collect()
}

/// [`v3_documents`], serialized the way Go does.
pub(crate) fn v3_documents_json(
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
) -> Vec<(String, Vec<u8>)> {
    document_routes(resources, subresources)
        .into_iter()
        .map(|(path, routes)| (path, document_json(routes)))
        .collect()
}

/// The routes of each document, by path.
fn document_routes(
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
) -> Vec<(String, Vec<Route>)> {
    let group_versions: BTreeSet<(&str, &str)> =
        resources.iter().map(|r| (r.group, r.version)).collect();
    let groups: BTreeSet<&str> = group_versions
        .iter()
        .map(|(g, _)| *g)
        .filter(|g| !g.is_empty())
        .collect();
    let mut out = vec![
        ("api".to_string(), vec![routes::core_versions_route()]),
        ("apis".to_string(), vec![routes::groups_route()]),
        ("version".to_string(), vec![routes::version_route()]),
    ];
    for group in groups {
        out.push((format!("apis/{group}"), vec![routes::group_route(group)]));
    }
    for (group, version) in group_versions {
        out.push((
            crate::group_version_path(group, version),
            group_version_routes(group, version, resources, subresources),
        ));
    }
    out
}

fn group_version_routes(
    group: &str,
    version: &str,
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
) -> Vec<Route> {
    let mut routes = vec![routes::resources_route(group, version)];
    for r in resources
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        routes.extend(routes::resource_routes(r, subresources));
    }
    routes
}

/// A v2 definition in v3 form.
pub(crate) fn v3_schema(name: &str, schema: &Value) -> Value {
    match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
            return json!({
                "description": schema["description"],
                "format": "int-or-string",
                "oneOf": [{"type": "integer"}, {"type": "string"}]
            });
        }
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => {
            return json!({
                "description": schema["description"],
                "oneOf": [{"type": "string"}, {"type": "number"}]
            });
        }
        _ => {}
    }
    let is_kind = schema.get("x-kubernetes-group-version-kind").is_some();
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = convert(schema, false);
    if let Some(properties) = out.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, value) in properties.iter_mut() {
            let default = if required.contains(property.as_str()) {
                zero_value(value)
            } else {
                None
            };
            let default = default.or_else(|| {
                (is_kind && matches!(property.as_str(), "metadata" | "spec" | "status"))
                    .then(|| value.get("allOf").map(|_| json!({})))
                    .flatten()
            });
            if let (Some(default), Some(map)) = (default, value.as_object_mut()) {
                map.insert("default".into(), default);
                sort_object(value);
            }
        }
    }
    out
}

/// The zero value openapi-gen gives a required scalar.
fn zero_value(property: &Value) -> Option<Value> {
    if property.get("allOf").is_some() || property.get("$ref").is_some() {
        return None;
    }
    match property["type"].as_str()? {
        "string" => Some(json!("")),
        "integer" | "number" => Some(json!(0)),
        "boolean" => Some(json!(false)),
        _ => None,
    }
}

fn sort_object(value: &mut Value) {
    if let Value::Object(map) = value {
        let taken = std::mem::take(map);
        let sorted: std::collections::BTreeMap<String, Value> = taken.into_iter().collect();
        map.extend(sorted);
    }
}

/// Rewrites `$ref`s to components, wrapping a `$ref` that has siblings in `allOf`.
/// `in_items` is set for the schema of an array's elements.
fn convert(schema: &Value, in_items: bool) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    let mut reference = None;
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                reference = value.as_str().and_then(ref_name).map(str::to_string);
            }
            "properties" => {
                let props: Map<String, Value> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), convert(v, false)))
                    .collect();
                out.insert(key.clone(), Value::Object(props));
            }
            "items" => {
                out.insert(key.clone(), convert(value, true));
            }
            "additionalProperties" => {
                out.insert(key.clone(), convert(value, false));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    let Some(reference) = reference else {
        return Value::Object(out);
    };
    let target = json!({"$ref": format!("{COMPONENTS}{reference}")});
    // Elements of an array of structs get the struct's zero value as default.
    if in_items
        && definitions()
            .definition(&reference)
            .is_some_and(|d| d.get("properties").is_some())
    {
        out.insert("default".into(), json!({}));
    }
    if out.is_empty() {
        return target;
    }
    out.insert("allOf".into(), json!([target]));
    let mut value = Value::Object(out);
    sort_object(&mut value);
    value
}

/// The v3 document of each group-version the custom resources are served in (`title`
/// `Kubernetes CRD Swagger`, as the CRD builder's documents are), keyed by path.
pub(crate) fn custom_v3_documents_json(
    custom: &[crate::CustomResource<'_>],
) -> Vec<(String, Vec<u8>)> {
    let mut by_group_version: BTreeMap<(&str, &str), Vec<&crate::CustomResource<'_>>> =
        BTreeMap::new();
    for cr in custom {
        by_group_version
            .entry((cr.group, cr.version))
            .or_default()
            .push(cr);
    }
    by_group_version
        .into_iter()
        .map(|((group, version), crs)| {
            let routes = crs
                .iter()
                .flat_map(|cr| crate::custom::custom_routes(cr))
                .collect();
            let schemas: Vec<(String, Value)> = crs
                .iter()
                .flat_map(|cr| crate::custom::custom_definitions(cr, false))
                .collect();
            (
                crate::group_version_path(group, version),
                document_json_with(routes, &schemas, ("Kubernetes CRD Swagger", "v0.1.0")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_with_siblings_are_wrapped_in_all_of() {
        let defs = definitions();
        let ds = v3_schema(
            "io.k8s.api.apps.v1.DaemonSet",
            defs.definition("io.k8s.api.apps.v1.DaemonSet").unwrap(),
        );
        assert_eq!(
            ds["properties"]["spec"],
            json!({
                "allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DaemonSetSpec"}],
                "default": {},
                "description": "The desired behavior of this daemon set. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status"
            })
        );
        let list = v3_schema(
            "io.k8s.api.apps.v1.DaemonSetList",
            defs.definition("io.k8s.api.apps.v1.DaemonSetList").unwrap(),
        );
        assert_eq!(
            list["properties"]["items"]["items"],
            json!({
                "allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DaemonSet"}],
                "default": {}
            })
        );
        let condition = v3_schema(
            "io.k8s.api.apps.v1.DaemonSetCondition",
            defs.definition("io.k8s.api.apps.v1.DaemonSetCondition")
                .unwrap(),
        );
        assert_eq!(condition["properties"]["type"]["default"], "");
        assert!(condition["properties"]["message"].get("default").is_none());
        assert_eq!(
            condition["properties"]["lastTransitionTime"],
            json!({
                "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"}],
                "description": "Last time the condition transitioned from one status to another."
            })
        );
    }
}
