//! The routes kube-apiserver's installer registers for a resource, as data both documents
//! (`/openapi/v2`, `/openapi/v3/...`) are printed from.
//!
//! Sources (kubernetes/kubernetes): `staging/src/k8s.io/apiserver/pkg/endpoints/installer.go`
//! (`registerResourceHandlers`: the actions, their docs, operation names, parameters, media
//! types and responses), `staging/src/k8s.io/apiserver/pkg/endpoints/openapi/openapi.go`
//! (`GetOperationIDAndTags`: `listNamespacedPod` on `/api/v1/...` becomes
//! `listCoreV1NamespacedPod`, tag `core_v1`), and kube-openapi's `pkg/builder` (parameters
//! common to every operation of a path move to the path, all sorted by name then `in`).
//!
//! Query parameters are the json fields of the options struct of each action
//! (`AddObjectParams`): `ListOptions` for list and watch, `CreateOptions`/`UpdateOptions`/
//! `PatchOptions`, `DeleteOptions` for delete (and, for deletecollection, `ListOptions` without
//! `watch` and `allowWatchBookmarks`); descriptions are the structs' field docs as
//! `api/openapi-spec/swagger.json` shows them.

use std::borrow::Cow;

use crate::params::{
    DELETE_OPTIONS, LIST_OPTIONS, NAMESPACE, PRETTY, body, connect_options, log_options, options,
    path_param, query, write_options,
};
use crate::{Resource, Subresource};

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum In {
    Body,
    Path,
    Query,
}

impl In {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            In::Body => "body",
            In::Path => "path",
            In::Query => "query",
        }
    }
}

/// One parameter of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param {
    pub name: &'static str,
    pub location: In,
    pub description: Cow<'static, str>,
    /// `string`, `integer` or `boolean` (not for the body).
    pub ty: &'static str,
    pub required: bool,
    /// The definition of the body.
    pub body: Option<String>,
}

/// Hashes what tells parameters apart cheaply: descriptions run to kilobytes and the documents
/// hash every parameter of every operation (equality still compares them whole).
impl std::hash::Hash for Param {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.location.hash(state);
        self.required.hash(state);
        self.body.hash(state);
        self.description.len().hash(state);
        self.description
            .get(..self.description.len().min(24))
            .hash(state);
    }
}

/// What a response carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Payload {
    /// `$ref` to a definition.
    Definition(String),
    /// `{"type": "string"}` (connect, log).
    String,
}

/// One operation at one path.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub path: String,
    /// Lowercase HTTP method (`get`, `put`, `post`, `delete`, `patch`, `head`, `options`).
    pub method: &'static str,
    pub description: String,
    pub operation_id: String,
    pub tag: String,
    pub consumes: &'static [&'static str],
    pub produces: &'static [&'static str],
    pub params: Vec<Param>,
    /// `(code, description, payload)`, sorted by code; 401 is added by the printers.
    pub responses: Vec<(u16, &'static str, Payload)>,
    /// `x-kubernetes-action`, absent on discovery routes.
    pub action: Option<&'static str>,
    /// `x-kubernetes-group-version-kind`.
    pub gvk: Option<(String, String, String)>,
}

pub(crate) const JSON_YAML_PROTOBUF: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];
pub(crate) const LIST_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf;stream=watch",
];
pub(crate) const PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
];
const ANY: &[&str] = &["*/*"];
const LOG_MEDIA_TYPES: &[&str] = &[
    "text/plain",
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];
const JSON_ONLY: &[&str] = &["application/json"];

/// The resources whose registry sets `ReturnDeletedObject: true` (`pkg/registry/**/storage`):
/// a delete answers with the object rather than a `Status`, and the documents say so.
/// Namespaces do not: their REST wraps the store without the `MayReturnFullObjectDeleter`
/// method.
const RETURNS_DELETED_OBJECT: &[(&str, &str)] = &[
    ("", "persistentvolumeclaims"),
    ("", "persistentvolumes"),
    ("", "pods"),
    ("", "podtemplates"),
    ("", "resourcequotas"),
    ("", "serviceaccounts"),
    ("", "services"),
    ("storage.k8s.io", "storageclasses"),
];

/// Whether kube-apiserver answers a delete of `resource` with the deleted object (true) or
/// with a `Status` (false).
pub fn delete_returns_object(group: &str, resource: &str) -> bool {
    RETURNS_DELETED_OBJECT.contains(&(group, resource))
}

pub(crate) const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
pub(crate) const DELETE_OPTIONS_DEF: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
pub(crate) const PATCH_DEF: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
const WATCH_EVENT: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";

/// `ToValidOperationID`: letters, `_` and (not first) digits kept; anything else dropped and
/// the next letter capitalized.
fn operation_id_part(s: &str, capitalize_first: bool) -> String {
    let mut out = String::new();
    let mut capitalize = capitalize_first;
    for (i, c) in s.chars().enumerate() {
        if c.is_alphabetic() || c == '_' || (i != 0 && c.is_ascii_digit()) {
            if capitalize {
                out.extend(c.to_uppercase());
                capitalize = false;
            } else {
                out.push(c);
            }
        } else {
            capitalize = true;
        }
    }
    out
}

/// `(operation-id infix, tag)` of a group-version: `("CoreV1", "core_v1")`,
/// `("RbacAuthorizationV1", "rbacAuthorization_v1")`.
pub(crate) fn group_version_names(group: &str, version: &str) -> (String, String) {
    let group = if group.is_empty() { "core" } else { group };
    let trimmed = group.strip_suffix(".k8s.io").unwrap_or(group);
    let infix = operation_id_part(trimmed, true) + &operation_id_part(version, true);
    let tag = operation_id_part(trimmed, false) + "_" + &operation_id_part(version, false);
    (infix, tag)
}

/// The tag and operation-id infix of a group alone (`/apis/apps/`): `("Apps", "apps")`.
pub(crate) fn group_names(group: &str) -> (String, String) {
    let trimmed = group.strip_suffix(".k8s.io").unwrap_or(group);
    (
        operation_id_part(trimmed, true),
        operation_id_part(trimmed, false),
    )
}

pub(crate) fn title(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The `/api/v1` or `/apis/<group>/<version>` prefix.
pub(crate) fn base_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    }
}

/// Builds routes with the pieces shared by one resource.
struct Builder<'r> {
    r: &'r Resource<'r>,
    infix: String,
    tag: String,
    base: String,
    scope: &'static str,
    namespaced: &'static str,
}

impl Builder<'_> {
    fn route(
        &self,
        path: String,
        method: &'static str,
        verb: &str,
        rest: &str,
        description: String,
    ) -> Route {
        Route {
            path,
            method,
            description,
            operation_id: format!("{verb}{}{rest}", self.infix),
            tag: self.tag.clone(),
            consumes: ANY,
            produces: JSON_YAML_PROTOBUF,
            params: Vec::new(),
            responses: Vec::new(),
            action: None,
            gvk: Some((
                self.r.group.to_string(),
                self.r.version.to_string(),
                self.r.kind.to_string(),
            )),
        }
    }

    /// The PUT of an object or a subresource: `item` parameters, the body, write options.
    fn replace(
        &self,
        path: String,
        rest: &str,
        description: String,
        item: Vec<Param>,
        definition: &str,
    ) -> Route {
        let mut route = self.route(path, "put", "replace", rest, description);
        route.params = with(with(item, [body(definition, true)]), write_options(false));
        route.responses = ok_or_created(definition);
        route.action = Some("put");
        route
    }

    /// The PATCH of an object or a subresource.
    fn patch(
        &self,
        path: String,
        rest: &str,
        description: String,
        item: Vec<Param>,
        definition: &str,
    ) -> Route {
        let mut route = self.route(path, "patch", "patch", rest, description);
        route.consumes = PATCH_TYPES;
        route.params = with(with(item, [body(PATCH_DEF, true)]), write_options(true));
        route.responses = ok_or_created(definition);
        route.action = Some("patch");
        route
    }

    fn namespace(&self) -> Vec<Param> {
        if self.r.namespaced {
            vec![path_param("namespace", NAMESPACE)]
        } else {
            Vec::new()
        }
    }
}

/// The 200 and 201 answers of a PUT or PATCH.
fn ok_or_created(definition: &str) -> Vec<(u16, &'static str, Payload)> {
    vec![
        (200, "OK", Payload::Definition(definition.to_string())),
        (201, "Created", Payload::Definition(definition.to_string())),
    ]
}

pub(crate) fn with<T>(mut v: Vec<T>, more: impl IntoIterator<Item = T>) -> Vec<T> {
    v.extend(more);
    v
}

/// The routes of one resource and its subresources.
pub(crate) fn resource_routes(r: &Resource<'_>, subresources: &[Subresource<'_>]) -> Vec<Route> {
    let (infix, tag) = group_version_names(r.group, r.version);
    let b = Builder {
        r,
        infix,
        tag,
        base: base_path(r.group, r.version),
        scope: if r.namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        },
        namespaced: if r.namespaced { "Namespaced" } else { "" },
    };
    let kind = r.kind;
    let definition = crate::definitions::definitions()
        .name_for_gvk(r.group, r.version, kind)
        .unwrap_or_default()
        .to_string();
    let list_definition = crate::definitions::definitions()
        .name_for_gvk(r.group, r.version, &format!("{kind}List"))
        .unwrap_or_default()
        .to_string();
    let collection = format!("{}{}/{}", b.base, b.scope, r.resource);
    let item = format!("{collection}/{{name}}");
    let name = || path_param("name", format!("name of the {kind}"));
    let pretty = || query("pretty", "string", PRETTY);
    let has = |verb: &str| r.verbs.contains(&verb);
    let ns = b.namespaced;
    let mut routes = Vec::new();

    if has("list") {
        let description = if has("watch") {
            format!("list or watch objects of kind {kind}")
        } else {
            format!("list objects of kind {kind}")
        };
        let mut route = b.route(
            collection.clone(),
            "get",
            "list",
            &format!("{ns}{kind}"),
            description.clone(),
        );
        route.produces = LIST_MEDIA_TYPES;
        route.params = with(with(b.namespace(), [pretty()]), options(LIST_OPTIONS, &[]));
        route.responses = vec![(200, "OK", Payload::Definition(list_definition.clone()))];
        route.action = Some("list");
        if r.namespaced {
            let mut all = route.clone();
            all.path = format!("{}/{}", b.base, r.resource);
            all.operation_id = format!("list{}{kind}ForAllNamespaces", b.infix);
            all.params = with(vec![pretty()], options(LIST_OPTIONS, &[]));
            routes.push(all);
        }
        routes.push(route);
    }
    if has("create") {
        let mut route = b.route(
            collection.clone(),
            "post",
            "create",
            &format!("{ns}{kind}"),
            format!("create a {kind}"),
        );
        route.params = with(
            with(b.namespace(), [pretty(), body(&definition, true)]),
            write_options(false),
        );
        route.responses = with(
            ok_or_created(&definition),
            [(202, "Accepted", Payload::Definition(definition.clone()))],
        );
        route.action = Some("post");
        routes.push(route);
    }
    if has("deletecollection") {
        let mut route = b.route(
            collection.clone(),
            "delete",
            "delete",
            &format!("Collection{ns}{kind}"),
            format!("delete collection of {kind}"),
        );
        route.params = with(
            with(
                with(b.namespace(), [pretty(), body(DELETE_OPTIONS_DEF, false)]),
                options(DELETE_OPTIONS, &[]),
            ),
            options(LIST_OPTIONS, &["watch", "allowWatchBookmarks"]),
        );
        route.responses = vec![(200, "OK", Payload::Definition(STATUS.to_string()))];
        route.action = Some("deletecollection");
        routes.push(route);
    }
    let item_params = || with(vec![name(), pretty()], b.namespace());
    if has("get") {
        let mut route = b.route(
            item.clone(),
            "get",
            "read",
            &format!("{ns}{kind}"),
            format!("read the specified {kind}"),
        );
        route.params = item_params();
        route.responses = vec![(200, "OK", Payload::Definition(definition.clone()))];
        route.action = Some("get");
        routes.push(route);
    }
    if has("update") {
        routes.push(b.replace(
            item.clone(),
            &format!("{ns}{kind}"),
            format!("replace the specified {kind}"),
            item_params(),
            &definition,
        ));
    }
    if has("patch") {
        routes.push(b.patch(
            item.clone(),
            &format!("{ns}{kind}"),
            format!("partially update the specified {kind}"),
            item_params(),
            &definition,
        ));
    }
    if has("delete") {
        let mut route = b.route(
            item.clone(),
            "delete",
            "delete",
            &format!("{ns}{kind}"),
            format!("delete a {kind}"),
        );
        route.params = with(
            with(item_params(), [body(DELETE_OPTIONS_DEF, false)]),
            options(DELETE_OPTIONS, &[]),
        );
        let deleted = if delete_returns_object(r.group, r.resource) {
            definition.clone()
        } else {
            STATUS.to_string()
        };
        route.responses = vec![
            (200, "OK", Payload::Definition(deleted.clone())),
            (202, "Accepted", Payload::Definition(deleted)),
        ];
        route.action = Some("delete");
        routes.push(route);
    }
    if has("watch") {
        let watch_base = format!("{}/watch", b.base);
        let mut one = b.route(
            format!("{watch_base}{}/{}/{{name}}", b.scope, r.resource),
            "get",
            "watch",
            &format!("{ns}{kind}"),
            format!("watch changes to an object of kind {kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter."),
        );
        one.produces = LIST_MEDIA_TYPES;
        one.params = with(with(item_params(), []), options(LIST_OPTIONS, &[]));
        one.responses = vec![(200, "OK", Payload::Definition(WATCH_EVENT.to_string()))];
        one.action = Some("watch");
        routes.push(one.clone());
        let mut list = one.clone();
        list.path = format!("{watch_base}{}/{}", b.scope, r.resource);
        list.operation_id = format!("watch{}{ns}{kind}List", b.infix);
        list.description = format!(
            "watch individual changes to a list of {kind}. deprecated: use the 'watch' parameter with a list operation instead."
        );
        list.params = with(with(b.namespace(), [pretty()]), options(LIST_OPTIONS, &[]));
        list.action = Some("watchlist");
        if r.namespaced {
            let mut all = list.clone();
            all.path = format!("{watch_base}/{}", r.resource);
            all.operation_id = format!("watch{}{kind}ListForAllNamespaces", b.infix);
            all.params = with(vec![pretty()], options(LIST_OPTIONS, &[]));
            routes.push(all);
        }
        routes.push(list);
    }

    for s in subresources.iter().filter(|s| {
        s.parent.group == r.group
            && s.parent.version == r.version
            && s.parent.resource == r.resource
    }) {
        routes.extend(subresource_routes(&b, s, &item));
    }
    routes
}

/// The routes of one subresource at `item/<name>`.
fn subresource_routes(b: &Builder<'_>, s: &Subresource<'_>, item: &str) -> Vec<Route> {
    let r = b.r;
    let (group, version) = if s.group.is_empty() && s.version.is_empty() {
        (r.group, r.version)
    } else {
        (s.group, s.version)
    };
    let definition = crate::definitions::definitions()
        .name_for_gvk(group, version, s.kind)
        .map(str::to_string);
    let path = format!("{item}/{}", s.name);
    let ns = b.namespaced;
    let rest = format!("{ns}{}{}", r.kind, title(s.name));
    let name = path_param("name", format!("name of the {}", s.kind));
    let pretty = query("pretty", "string", PRETTY);
    let gvk = Some((group.to_string(), version.to_string(), s.kind.to_string()));
    let mut routes = Vec::new();
    let mut push = |mut route: Route| {
        route.gvk = gvk.clone();
        routes.push(route);
    };
    let has = |verb: &str| s.verbs.contains(&verb);

    // Subresources without a schema of their own are rest.Connecter (attach, exec,
    // portforward, proxy) or the log stream.
    let Some(definition) = definition else {
        if s.name == "log" {
            return Vec::new();
        }
        return connect_routes(b, s, &path, gvk);
    };
    if s.name == "log" {
        let mut route = b.route(
            path.clone(),
            "get",
            "read",
            &rest,
            format!("read log of the specified {}", r.kind),
        );
        route.produces = LOG_MEDIA_TYPES;
        route.params = with(with(vec![name, pretty], b.namespace()), log_options());
        route.responses = vec![(200, "OK", Payload::String)];
        route.action = Some("get");
        push(route);
        return routes;
    }
    let item_params = || with(vec![name.clone(), pretty.clone()], b.namespace());
    if has("get") {
        let mut route = b.route(
            path.clone(),
            "get",
            "read",
            &rest,
            format!("read {} of the specified {}", s.name, r.kind),
        );
        route.params = item_params();
        route.responses = vec![(200, "OK", Payload::Definition(definition.clone()))];
        route.action = Some("get");
        push(route);
    }
    if has("update") {
        push(b.replace(
            path.clone(),
            &rest,
            format!("replace {} of the specified {}", s.name, r.kind),
            item_params(),
            &definition,
        ));
    }
    if has("patch") {
        push(b.patch(
            path.clone(),
            &rest,
            format!("partially update {} of the specified {}", s.name, r.kind),
            item_params(),
            &definition,
        ));
    }
    if has("create") {
        let mut route = b.route(
            path.clone(),
            "post",
            "create",
            &rest,
            format!("create {} of a {}", s.name, r.kind),
        );
        route.params = with(
            with(item_params(), [body(&definition, true)]),
            write_options(false),
        );
        route.responses = with(
            ok_or_created(&definition),
            [(202, "Accepted", Payload::Definition(definition.clone()))],
        );
        route.action = Some("post");
        push(route);
    }
    routes
}

/// `connect<Method><Namespaced><Kind><Sub>` routes: GET and POST for attach, exec and
/// portforward; every method, at `proxy` and `proxy/{path}`, for proxy.
fn connect_routes(
    b: &Builder<'_>,
    s: &Subresource<'_>,
    path: &str,
    gvk: Option<(String, String, String)>,
) -> Vec<Route> {
    let r = b.r;
    let methods: &[&'static str] = if s.name == "proxy" {
        &["delete", "get", "head", "options", "patch", "post", "put"]
    } else {
        &["get", "post"]
    };
    let mut paths = vec![(path.to_string(), String::new())];
    if s.name == "proxy" {
        paths.push((format!("{path}/{{path}}"), "WithPath".to_string()));
    }
    let mut routes = Vec::new();
    for (path, suffix) in paths {
        for &method in methods {
            let mut params = vec![path_param("name", format!("name of the {}", s.kind))];
            params.extend(b.namespace());
            if !suffix.is_empty() {
                params.push(path_param("path", "path to the resource"));
            }
            params.extend(connect_options(s.kind));
            let upper = method.to_uppercase();
            routes.push(Route {
                path: path.clone(),
                method,
                description: format!("connect {upper} requests to {} of {}", s.name, r.kind),
                operation_id: format!(
                    "connect{}{}{}{}{}{suffix}",
                    b.infix,
                    title(method),
                    b.namespaced,
                    r.kind,
                    title(s.name)
                ),
                tag: b.tag.clone(),
                consumes: ANY,
                produces: ANY,
                params,
                responses: vec![(200, "OK", Payload::String)],
                action: Some("connect"),
                gvk: gvk.clone(),
            });
        }
    }
    routes
}

/// `GET /api/v1/` or `/apis/<group>/<version>/`: the APIResourceList.
pub(crate) fn resources_route(group: &str, version: &str) -> Route {
    let (infix, tag) = group_version_names(group, version);
    discovery_route(
        format!("{}/", base_path(group, version)),
        "get available resources",
        format!("get{infix}APIResources"),
        tag,
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
    )
}

/// `GET /apis/<group>/`: the APIGroup.
pub(crate) fn group_route(group: &str) -> Route {
    let (infix, tag) = group_names(group);
    discovery_route(
        format!("/apis/{group}/"),
        "get information of a group",
        format!("get{infix}APIGroup"),
        tag,
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
    )
}

/// `GET /api/`: the APIVersions.
pub(crate) fn core_versions_route() -> Route {
    discovery_route(
        "/api/".to_string(),
        "get available API versions",
        "getCoreAPIVersions".to_string(),
        "core".to_string(),
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    )
}

/// `GET /apis/`: the APIGroupList.
pub(crate) fn groups_route() -> Route {
    discovery_route(
        "/apis/".to_string(),
        "get available API versions",
        "getAPIVersions".to_string(),
        "apis".to_string(),
        "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
    )
}

/// `GET /version/`.
pub(crate) fn version_route() -> Route {
    let mut route = discovery_route(
        "/version/".to_string(),
        "get the code version",
        "getCodeVersion".to_string(),
        "version".to_string(),
        "io.k8s.apimachinery.pkg.version.Info",
    );
    route.consumes = JSON_ONLY;
    route.produces = JSON_ONLY;
    route
}

fn discovery_route(
    path: String,
    description: &str,
    operation_id: String,
    tag: String,
    definition: &str,
) -> Route {
    Route {
        path,
        method: "get",
        description: description.to_string(),
        operation_id,
        tag,
        consumes: JSON_YAML_PROTOBUF,
        produces: JSON_YAML_PROTOBUF,
        params: Vec::new(),
        responses: vec![(200, "OK", Payload::Definition(definition.to_string()))],
        action: None,
        gvk: None,
    }
}

/// A path with its operations, parameters shared by all of them moved to the path, every
/// list sorted by `(name, in)` (kube-openapi's `buildPaths`).
pub(crate) struct PathItem {
    pub params: Vec<Param>,
    /// `(method, route)` in the order of kube-openapi's JSON: get, put, post, delete,
    /// options, head, patch.
    pub operations: Vec<(&'static str, Route)>,
}

pub(crate) const METHOD_ORDER: &[&str] =
    &["get", "put", "post", "delete", "options", "head", "patch"];

/// Groups routes by path.
pub(crate) fn path_items(routes: Vec<Route>) -> std::collections::BTreeMap<String, PathItem> {
    let mut by_path: std::collections::BTreeMap<String, Vec<Route>> = Default::default();
    for route in routes {
        by_path.entry(route.path.clone()).or_default().push(route);
    }
    by_path
        .into_iter()
        .map(|(path, mut routes)| {
            let common: Vec<Param> = routes[0]
                .params
                .iter()
                .filter(|p| {
                    p.location != In::Body
                        && routes.iter().all(|r| {
                            r.params
                                .iter()
                                .any(|q| q.name == p.name && q.location == p.location)
                        })
                })
                .cloned()
                .collect();
            for route in &mut routes {
                route.params.retain(|p| {
                    !common
                        .iter()
                        .any(|c| c.name == p.name && c.location == p.location)
                });
                sort_params(&mut route.params);
            }
            let mut params = common;
            sort_params(&mut params);
            routes.sort_by_key(|r| METHOD_ORDER.iter().position(|m| *m == r.method));
            let operations = routes.into_iter().map(|r| (r.method, r)).collect();
            (path, PathItem { params, operations })
        })
        .collect()
}

fn sort_params(params: &mut [Param]) {
    params.sort_by(|a, b| (a.name, a.location.as_str()).cmp(&(b.name, b.location.as_str())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_and_tags_follow_kube() {
        assert_eq!(
            group_version_names("", "v1"),
            ("CoreV1".to_string(), "core_v1".to_string())
        );
        assert_eq!(
            group_version_names("rbac.authorization.k8s.io", "v1"),
            (
                "RbacAuthorizationV1".to_string(),
                "rbacAuthorization_v1".to_string()
            )
        );
        assert_eq!(
            group_version_names("autoscaling", "v2"),
            ("AutoscalingV2".to_string(), "autoscaling_v2".to_string())
        );
        assert_eq!(
            group_names("networking.k8s.io"),
            ("Networking".to_string(), "networking".to_string())
        );
        assert!(delete_returns_object("", "pods"));
        assert!(!delete_returns_object("", "configmaps"));
        assert!(!delete_returns_object("", "namespaces"));
    }
}
