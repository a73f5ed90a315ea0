//! Discovery, version and health endpoints.
//!
//! `/api`, `/apis`, `/api/v1` and `/apis/<group>/<version>` answer the legacy discovery
//! documents; `/api` and `/apis` also answer aggregated discovery (`apidiscovery.k8s.io` v2 and
//! v2beta1) when the Accept header asks for it, as kubectl 1.27+ does first.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::catalog::{GROUPS, RESOURCES, ResourceInfo};
use crate::error::ApiError;
use crate::handlers::json_response;
use sha2::{Digest, Sha512};

/// The Kubernetes release kubemem answers as.
pub const KUBERNETES_VERSION: &str = "v1.36.0";

/// `/version` is written with `json.MarshalIndent(…, "", "  ")`.
fn pretty_json(value: &Value) -> Response {
    let mut response = (StatusCode::OK, crate::json::to_vec_pretty(value)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn json(value: &Value) -> Response {
    json_response(StatusCode::OK, crate::json::to_vec(value))
}

pub async fn version() -> Response {
    pretty_json(&json!({
        "major": "1",
        "minor": "36",
        "emulationMajor": "1",
        "emulationMinor": "36",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "35",
        "gitVersion": KUBERNETES_VERSION,
        "gitCommit": "kubemem",
        "gitTreeState": "clean",
        "buildDate": "2026-11-01T00:00:00Z",
        "goVersion": concat!("rust", env!("CARGO_PKG_RUST_VERSION")),
        "compiler": "rustc",
        "platform": concat!("linux/", "amd64")
    }))
}

#[derive(Deserialize)]
pub struct HealthQuery {
    verbose: Option<String>,
}

/// The checks a kube-apiserver lists under `?verbose` that apply to kubemem.
const CHECKS: &[&str] = &[
    "ping",
    "log",
    "etcd",
    "poststarthook/start-apiextensions-informers",
];

fn health(kind: &str, q: &HealthQuery) -> Response {
    let text = if q.verbose.is_some() {
        let mut out = String::new();
        for check in CHECKS {
            out.push_str(&format!("[+]{check} ok\n"));
        }
        out.push_str(&format!("{kind} check passed\n"));
        out
    } else {
        "ok".to_owned()
    };
    let mut response = (StatusCode::OK, text).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

pub async fn healthz(Query(q): Query<HealthQuery>) -> Response {
    health("healthz", &q)
}

pub async fn livez(Query(q): Query<HealthQuery>) -> Response {
    health("livez", &q)
}

pub async fn readyz(Query(q): Query<HealthQuery>) -> Response {
    health("readyz", &q)
}

fn if_none_match(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
}

/// Which aggregated discovery version the Accept header asks for, if any.
fn aggregated(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    for part in accept.split(',') {
        let params: Vec<&str> = part.split(';').map(str::trim).collect();
        let has = |p: &str| params.contains(&p);
        if params.first() == Some(&"application/json")
            && has("g=apidiscovery.k8s.io")
            && has("as=APIGroupDiscoveryList")
        {
            // kube-apiserver v1.36 has stopped serving v2beta1 (AggregatedDiscoveryRemoveBetaType is
            // locked on); kubemem still answers it, as its discovery contract asks, so that
            // kubectl 1.27-1.29 (which ask for v2beta1 only) get aggregated discovery too. The
            // two versions differ only in `apiVersion` and the Content-Type.
            if has("v=v2") {
                return Some("v2");
            }
            if has("v=v2beta1") {
                return Some("v2beta1");
            }
        }
    }
    None
}

pub async fn api(State(_state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(version) = aggregated(&headers) {
        let served = Served::built_in();
        return aggregated_response(version, &served, &[""], if_none_match(&headers));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    json(&json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]
    }))
}

/// A group as discovery lists it (a CRD's names are `'static` as its interned
/// [`ResourceInfo`] is).
struct Group {
    name: &'static str,
    versions: Vec<&'static str>,
    preferred_version: &'static str,
}

/// What discovery lists: the built-in groups and resources, then the groups of established
/// CRDs (after every built-in group, in name order, as their APIServices' priorities put them).
struct Served {
    groups: Vec<Group>,
    resources: Vec<&'static ResourceInfo>,
}

impl Served {
    fn built_in() -> Self {
        Self {
            groups: GROUPS
                .iter()
                .map(|g| Group {
                    name: g.name,
                    versions: g.versions.to_vec(),
                    preferred_version: g.preferred_version,
                })
                .collect(),
            resources: RESOURCES.iter().collect(),
        }
    }

    /// The built-ins and what the stored CRDs serve now.
    async fn now(state: &AppState) -> Result<Self, ApiError> {
        let mut served = Self::built_in();
        let mut custom = std::collections::BTreeMap::<&str, Vec<&str>>::new();
        let mut resources = Vec::new();
        for kind in state.custom_kinds.served(&state.registry).await? {
            let versions = custom.entry(kind.info.group).or_default();
            if !versions.contains(&kind.info.version) {
                versions.push(kind.info.version);
            }
            resources.push(kind.info);
        }
        // A CRD group's resources are listed in name order, as kube's discovery sorts them.
        resources.sort_by_key(|r| (r.group, r.resource));
        served.resources.extend(resources);
        for (name, mut versions) in custom {
            versions.sort_by(|a, b| crate::crd::compare_versions(a, b));
            served.groups.push(Group {
                name,
                preferred_version: versions[0],
                versions,
            });
        }
        Ok(served)
    }

    fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
}

pub async fn apis(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let served = match Served::now(&state).await {
        Ok(served) => served,
        Err(e) => return e.into_response(),
    };
    if let Some(version) = aggregated(&headers) {
        let groups: Vec<&str> = served.groups.iter().map(|g| g.name).collect();
        return aggregated_response(version, &served, &groups, if_none_match(&headers));
    }
    let groups: Vec<Value> = served.groups.iter().map(group_value).collect();
    json(&json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}))
}

fn group_value(g: &Group) -> Value {
    let versions: Vec<Value> = g
        .versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{}/{v}", g.name), "version": v}))
        .collect();
    json!({
        "name": g.name,
        "versions": versions,
        "preferredVersion": {"groupVersion": format!("{}/{}", g.name, g.preferred_version), "version": g.preferred_version}
    })
}

pub async fn group(State(state): State<Arc<AppState>>, Path(group): Path<String>) -> Response {
    let served = match Served::now(&state).await {
        Ok(served) => served,
        Err(e) => return e.into_response(),
    };
    match served.group(&group) {
        Some(g) => {
            let mut v = group_value(g);
            if let Value::Object(m) = &mut v {
                let mut ordered = Map::new();
                ordered.insert("kind".into(), "APIGroup".into());
                ordered.insert("apiVersion".into(), "v1".into());
                ordered.extend(std::mem::take(m));
                *m = ordered;
            }
            json(&v)
        }
        None => ApiError::NoRoute.into_response(),
    }
}

pub async fn core_v1() -> Response {
    resource_list(&Served::built_in(), "", "v1")
}

pub async fn group_version(
    State(state): State<Arc<AppState>>,
    Path((group, version)): Path<(String, String)>,
) -> Response {
    let served = match Served::now(&state).await {
        Ok(served) => served,
        Err(e) => return e.into_response(),
    };
    if !served
        .group(&group)
        .is_some_and(|g| g.versions.contains(&version.as_str()))
    {
        return ApiError::NoRoute.into_response();
    }
    resource_list(&served, &group, &version)
}

fn resource_list(served: &Served, group: &str, version: &str) -> Response {
    let group_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    let mut resources = Vec::new();
    for info in served
        .resources
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut r = Map::new();
        r.insert("name".into(), info.resource.into());
        r.insert("singularName".into(), info.singular.into());
        r.insert("namespaced".into(), info.namespaced.into());
        r.insert("kind".into(), info.kind.into());
        r.insert("verbs".into(), json!(info.verbs));
        if !info.short_names.is_empty() {
            r.insert("shortNames".into(), json!(info.short_names));
        }
        if !info.categories.is_empty() {
            r.insert("categories".into(), json!(info.categories));
        }
        if !info.storage_version_hash.is_empty() {
            r.insert(
                "storageVersionHash".into(),
                info.storage_version_hash.into(),
            );
        }
        resources.push(Value::Object(r));
        for sub in info.subresources {
            let mut s = Map::new();
            s.insert(
                "name".into(),
                format!("{}/{}", info.resource, sub.name).into(),
            );
            s.insert("singularName".into(), "".into());
            s.insert("namespaced".into(), info.namespaced.into());
            if !sub.version.is_empty() {
                s.insert("group".into(), sub.group.into());
                s.insert("version".into(), sub.version.into());
            }
            s.insert("kind".into(), sub.kind.into());
            s.insert("verbs".into(), json!(sub.verbs));
            resources.push(Value::Object(s));
        }
    }
    // `/api/v1` leaves `apiVersion` empty; group-versions under `/apis` set it.
    let mut list = Map::new();
    list.insert("kind".into(), "APIResourceList".into());
    if !group.is_empty() {
        list.insert("apiVersion".into(), "v1".into());
    }
    list.insert("groupVersion".into(), group_version.into());
    list.insert("resources".into(), Value::Array(resources));
    json(&Value::Object(list))
}

fn set(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, v);
    }
}

/// `APIGroupDiscoveryList` for `groups` ("" is the core group, served at `/api`), with the
/// ETag kube-apiserver computes (SHA-512 of the body, upper-case hex).
fn aggregated_response(
    version: &str,
    served: &Served,
    groups: &[&str],
    if_none_match: Option<&str>,
) -> Response {
    let mut items = Vec::new();
    for group in groups {
        let versions: Vec<&str> = if group.is_empty() {
            vec!["v1"]
        } else {
            served
                .group(group)
                .map(|g| g.versions.clone())
                .unwrap_or_default()
        };
        let version_items: Vec<Value> = versions
            .iter()
            .map(|v| {
                let resources: Vec<Value> = served
                    .resources
                    .iter()
                    .filter(|r| r.group == *group && r.version == *v)
                    .map(|r| aggregated_resource(r))
                    .collect();
                json!({"version": v, "resources": resources, "freshness": "Current"})
            })
            .collect();
        let metadata = if group.is_empty() {
            json!({})
        } else {
            json!({ "name": group })
        };
        items.push(json!({"metadata": metadata, "versions": version_items}));
    }
    let body = json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{version}"),
        "metadata": {},
        "items": items
    });
    let bytes = crate::json::to_vec(&body);
    let etag: String = Sha512::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let etag = format!("\"{etag}\"");
    if if_none_match == Some(etag.as_str()) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set(&mut response, header::ETAG, &etag);
        return response;
    }
    let mut response = json_response(StatusCode::OK, bytes);
    set(
        &mut response,
        header::CONTENT_TYPE,
        &format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"),
    );
    set(&mut response, header::ETAG, &etag);
    set(&mut response, header::VARY, "Accept");
    set(&mut response, header::CACHE_CONTROL, "public");
    response
}

fn aggregated_resource(info: &ResourceInfo) -> Value {
    let mut r = Map::new();
    r.insert("resource".into(), info.resource.into());
    r.insert(
        "responseKind".into(),
        json!({"group": "", "version": "", "kind": info.kind}),
    );
    r.insert(
        "scope".into(),
        if info.namespaced {
            "Namespaced"
        } else {
            "Cluster"
        }
        .into(),
    );
    r.insert("singularResource".into(), info.singular.into());
    r.insert("verbs".into(), json!(info.verbs));
    if !info.short_names.is_empty() {
        r.insert("shortNames".into(), json!(info.short_names));
    }
    if !info.categories.is_empty() {
        r.insert("categories".into(), json!(info.categories));
    }
    if !info.subresources.is_empty() {
        let subs: Vec<Value> = info
            .subresources
            .iter()
            .map(|s| {
                json!({
                    "subresource": s.name,
                    "responseKind": {"group": s.group, "version": s.version, "kind": s.kind},
                    "verbs": s.verbs
                })
            })
            .collect();
        r.insert("subresources".into(), Value::Array(subs));
    }
    Value::Object(r)
}
