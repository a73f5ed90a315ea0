//! `/openapi/v2`: the Swagger 2.0 document of everything served.
//!
//! Shape (checked against kubernetes/kubernetes `api/openapi-spec/swagger.json`): `paths` with
//! one operation per route (`consumes`, `description`, `operationId`, `parameters`, `produces`,
//! `responses` with `401 Unauthorized` added, `schemes: ["https"]`, `tags`,
//! `x-kubernetes-action`, `x-kubernetes-group-version-kind`), parameters shared by every
//! operation of a path on the path; `definitions`; `securityDefinitions` (`BearerToken`) and
//! `security`.
//!
//! Parameters are deduplicated the way kube-openapi's `deduplicateParameters`
//! (`pkg/builder/parameters.go`) does: every parameter except `name`, `dryRun`,
//! `fieldValidation` (kubectl looks for those two in operations) and bodies whose schema is not
//! an apimachinery type moves to the top-level `parameters` under `<name>-<hash>`, the hash
//! being the first 6 bytes of the FNV-1 64 hash of the parameter's Go JSON, base64url-encoded
//! (`pretty-tJGM1-ng`); operations refer to it with `$ref: "#/parameters/<name>-<hash>"`.
//!
//! Keys are written sorted, as in the checked-in `swagger.json`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::json::{self, Writer};

use crate::definitions::definitions;
use crate::routes::{self, In, Param, Payload, Route};
use crate::{Resource, Subresource};

/// Builds an object with its keys sorted.
pub(crate) fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
    let sorted: BTreeMap<String, Value> = pairs.into_iter().map(|(k, v)| (k.into(), v)).collect();
    Value::Object(sorted.into_iter().collect::<Map<String, Value>>())
}

/// The routes of everything served, with the discovery routes of their group-versions.
pub(crate) fn all_routes(
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
) -> Vec<Route> {
    let mut routes = vec![
        routes::core_versions_route(),
        routes::groups_route(),
        routes::version_route(),
    ];
    let mut group_versions = BTreeSet::new();
    for r in resources {
        group_versions.insert((r.group, r.version));
        routes.extend(routes::resource_routes(r, subresources));
    }
    let mut groups = BTreeSet::new();
    for (group, version) in group_versions {
        routes.push(routes::resources_route(group, version));
        if !group.is_empty() && groups.insert(group) {
            routes.push(routes::group_route(group));
        }
    }
    routes
}

/// The Go `encoding/json` form of a string: HTML-safe escapes for `<`, `>`, `&` and the
/// U+2028/U+2029 line separators, as `json.Marshal` writes them.
pub(crate) fn go_json_string(s: &str) -> String {
    let plain = serde_json::to_string(s).expect("strings serialize");
    if !plain.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return plain;
    }
    plain
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A parameter as Go's `json.Marshal(spec.Parameter)` writes it (the input of the hash):
/// `CommonValidations`, `SimpleSchema`, then `ParamProps`, empty fields omitted.
fn go_json(p: &Param) -> String {
    let mut parts = Vec::new();
    if p.location != In::Body {
        parts.push("\"uniqueItems\":true".to_string());
        parts.push(format!("\"type\":{}", go_json_string(p.ty)));
    }
    if !p.description.is_empty() {
        parts.push(format!(
            "\"description\":{}",
            go_json_string(&p.description)
        ));
    }
    parts.push(format!("\"name\":{}", go_json_string(p.name)));
    parts.push(format!("\"in\":{}", go_json_string(p.location.as_str())));
    if p.required {
        parts.push("\"required\":true".to_string());
    }
    if let Some(definition) = &p.body {
        parts.push(format!(
            "\"schema\":{{\"$ref\":{}}}",
            go_json_string(&format!("#/definitions/{definition}"))
        ));
    }
    format!("{{{}}}", parts.join(","))
}

/// FNV-1 (not 1a) 64-bit, as Go's `hash/fnv.New64`.
fn fnv1_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        hash ^= u64::from(b);
    }
    hash
}

/// base64url (with padding, which 6 bytes never need) of the first 6 bytes of the hash.
fn base64_hash(s: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let hash = fnv1_64(s.as_bytes()).to_be_bytes();
    let mut out = String::with_capacity(8);
    for chunk in hash[..6].chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(chunk[1]) << 8) | u32::from(chunk[2]);
        for shift in [18, 12, 6, 0] {
            out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
        }
    }
    out
}

/// Whether kube-openapi keeps the parameter in the operation.
fn unshared(p: &Param) -> bool {
    (p.location != In::Body && p.name == "name")
        || (p.location == In::Query && (p.name == "fieldValidation" || p.name == "dryRun"))
        || p.body
            .as_ref()
            .is_some_and(|d| !d.starts_with("io.k8s.apimachinery"))
}

/// The parameter as it appears in the document.
fn param_value(p: &Param) -> Value {
    let mut pairs = vec![("in", json!(p.location.as_str())), ("name", json!(p.name))];
    if !p.description.is_empty() {
        pairs.push(("description", json!(p.description)));
    }
    if p.required {
        pairs.push(("required", json!(true)));
    }
    match &p.body {
        Some(definition) => {
            pairs.push((
                "schema",
                json!({"$ref": format!("#/definitions/{definition}")}),
            ));
        }
        None => {
            pairs.push(("type", json!(p.ty)));
            pairs.push(("uniqueItems", json!(true)));
        }
    }
    obj(pairs)
}

/// Deduplicated parameters: the shared ones by name, and the JSON each parameter is written
/// as (a `$ref` to a shared one, or itself inline).
#[derive(Default)]
struct SharedParams<'a> {
    values: BTreeMap<String, Value>,
    written: HashMap<&'a Param, Vec<u8>>,
}

impl<'a> SharedParams<'a> {
    fn collect(params: impl Iterator<Item = &'a Param>) -> Self {
        let unique: HashSet<&Param> = params.collect();
        let mut shared = SharedParams::default();
        let mut keys: BTreeMap<String, &Param> = BTreeMap::new();
        for &p in &unique {
            if unshared(p) {
                shared.written.insert(p, json::to_vec(&param_value(p)));
            } else {
                keys.insert(go_json(p), p);
            }
        }
        // kube-openapi names them in the sorted order of their JSON.
        for (text, p) in keys {
            let mut name = format!("{}-{}", p.name, base64_hash(&text));
            let mut i = 0;
            while shared.values.contains_key(&name) {
                i += 1;
                name = format!("{}-{i}", p.name);
            }
            shared.values.insert(name.clone(), param_value(p));
            let mut w = Writer::new();
            w.reference("#/parameters/", &name);
            shared.written.insert(p, w.out);
        }
        shared
    }

    fn write(&self, w: &mut Writer, params: &[Param]) {
        w.begin_array();
        for p in params {
            match self.written.get(p) {
                Some(json) => w.raw(json),
                None => w.value(&param_value(p)),
            };
        }
        w.end_array();
    }
}

fn write_payload(w: &mut Writer, payload: &Payload) {
    match payload {
        Payload::Definition(name) => {
            w.reference("#/definitions/", name);
        }
        Payload::String => {
            w.begin_object().key("type").string("string").end_object();
        }
    }
}

/// `x-kubernetes-action` and `x-kubernetes-group-version-kind`, the last keys of an operation.
pub(crate) fn write_extensions(w: &mut Writer, route: &Route) {
    if let Some(action) = route.action {
        w.key("x-kubernetes-action").string(action);
    }
    if let Some((group, version, kind)) = &route.gvk {
        w.key("x-kubernetes-group-version-kind")
            .begin_object()
            .key("group")
            .string(group)
            .key("kind")
            .string(kind)
            .key("version")
            .string(version)
            .end_object();
    }
}

/// One operation, keys in sorted order.
fn write_operation(w: &mut Writer, route: &Route, shared: &SharedParams<'_>) {
    w.begin_object();
    w.key("consumes").strings(route.consumes.iter().copied());
    w.key("description").string(&route.description);
    w.key("operationId").string(&route.operation_id);
    if !route.params.is_empty() {
        w.key("parameters");
        shared.write(w, &route.params);
    }
    w.key("produces").strings(route.produces.iter().copied());
    w.key("responses").begin_object();
    for (code, description, payload) in &route.responses {
        w.key(&code.to_string()).begin_object();
        w.key("description").string(description);
        w.key("schema");
        write_payload(w, payload);
        w.end_object();
    }
    w.key("401")
        .begin_object()
        .key("description")
        .string("Unauthorized")
        .end_object();
    w.end_object();
    w.key("schemes").strings(["https"]);
    w.key("tags").strings([route.tag.as_str()]);
    write_extensions(w, route);
    w.end_object();
}

/// The security definitions kube-apiserver declares.
pub(crate) fn bearer_token() -> Value {
    json!({
        "BearerToken": {
            "description": "Bearer Token authentication",
            "in": "header",
            "name": "authorization",
            "type": "apiKey"
        }
    })
}

/// The definitions, written once per process.
pub(crate) fn definitions_json() -> &'static [u8] {
    static WRITTEN: OnceLock<Vec<u8>> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        let mut w = Writer::new();
        w.begin_object();
        for (name, schema) in definitions().iter() {
            w.key(name).value(schema);
        }
        w.end_object();
        w.out
    })
}

/// The Swagger 2.0 document of `resources` (and their `subresources`): what kube-apiserver
/// serves at `/openapi/v2`, written as Go writes JSON. [`crate::v2_protobuf`] encodes it for
/// kubectl.
pub(crate) fn v2_json(resources: &[Resource<'_>], subresources: &[Subresource<'_>]) -> Vec<u8> {
    v2_json_with(resources, subresources, definitions_json())
}

/// The v2 document with `definitions` (written JSON) as its definitions.
pub(crate) fn v2_json_with(
    resources: &[Resource<'_>],
    subresources: &[Subresource<'_>],
    definitions: &[u8],
) -> Vec<u8> {
    v2_json_of(all_routes(resources, subresources), definitions)
}

/// The v2 document of `routes` with `definitions` (written JSON) as its definitions.
pub(crate) fn v2_json_of(routes: Vec<Route>, definitions: &[u8]) -> Vec<u8> {
    let items = routes::path_items(routes);
    let shared = SharedParams::collect(items.values().flat_map(|item| {
        item.params
            .iter()
            .chain(item.operations.iter().flat_map(|(_, r)| r.params.iter()))
    }));
    let mut w = Writer::new();
    w.begin_object();
    w.key("definitions").raw(definitions);
    w.key("info")
        .begin_object()
        .key("title")
        .string("Kubernetes")
        .key("version")
        .string(crate::KUBERNETES_VERSION)
        .end_object();
    w.key("parameters").begin_object();
    for (name, value) in &shared.values {
        w.key(name).value(value);
    }
    w.end_object();
    w.key("paths").begin_object();
    for (path, item) in &items {
        w.key(path).begin_object();
        // Sorted: delete, get, head, options, parameters, patch, post, put.
        let mut members: Vec<&str> = item.operations.iter().map(|(m, _)| *m).collect();
        if !item.params.is_empty() {
            members.push("parameters");
        }
        members.sort_unstable();
        for member in members {
            w.key(member);
            match item.operations.iter().find(|(m, _)| *m == member) {
                Some((_, route)) => write_operation(&mut w, route, &shared),
                None => shared.write(&mut w, &item.params),
            }
        }
        w.end_object();
    }
    w.end_object();
    w.key("security").value(&json!([{"BearerToken": []}]));
    w.key("securityDefinitions").value(&bearer_token());
    w.key("swagger").string("2.0");
    w.end_object();
    w.out
}

/// The Swagger 2.0 document of `resources` (and their `subresources`): what kube-apiserver
/// serves at `/openapi/v2` as JSON. [`crate::v2_protobuf`] encodes it for kubectl;
/// [`crate::Documents`] has it written.
pub fn v2_document(resources: &[Resource<'_>], subresources: &[Subresource<'_>]) -> Value {
    serde_json::from_slice(&v2_json(resources, subresources)).expect("valid JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_parameter_names_match_kube() {
        let pretty = Param {
            name: "pretty",
            location: In::Query,
            description: "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).".into(),
            ty: "string",
            required: false,
            body: None,
        };
        assert_eq!(base64_hash(&go_json(&pretty)), "tJGM1-ng");
        let namespace = Param {
            name: "namespace",
            location: In::Path,
            description: "object name and auth scope, such as for teams and projects".into(),
            ty: "string",
            required: true,
            body: None,
        };
        assert_eq!(base64_hash(&go_json(&namespace)), "vgWSWtn3");
        let patch = Param {
            name: "body",
            location: In::Body,
            description: "".into(),
            ty: "",
            required: true,
            body: Some("io.k8s.apimachinery.pkg.apis.meta.v1.Patch".into()),
        };
        assert_eq!(base64_hash(&go_json(&patch)), "78PwaGsr");
        let delete = Param {
            required: false,
            body: Some("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions".into()),
            ..patch
        };
        assert_eq!(base64_hash(&go_json(&delete)), "2Y1dVQaQ");
    }

    #[test]
    fn go_escapes_html() {
        assert_eq!(go_json_string("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\"");
        assert_eq!(go_json_string("plain \"q\""), "\"plain \\\"q\\\"\"");
    }
}
