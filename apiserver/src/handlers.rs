//! The resource endpoints: `/api/v1/...` and `/apis/<group>/<version>/...`.
//!
//! A path is resolved to a kind, an optional namespace, name and subresource (the shapes
//! kube-apiserver's installer registers), then the verb is chosen from the method and the
//! query (`watch`), and the registry does the rest.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt as _;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::AppState;
use crate::body;
use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::list::{self, ListOptions, ListQuery};
use crate::negotiate::{self, Encoding, Representation};
use crate::patch::FieldValidation;
use crate::patching::{PatchTarget, PatchType};
use crate::registry::{DeleteOptions, Propagation, UpdateMode, WriteOptions};
use crate::transform::{IncludeObject, Presenter};
use crate::watch::{self, WatchRequest};

/// Where a request points.
#[derive(Debug, PartialEq, Eq)]
pub struct Target<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub namespace: Option<&'a str>,
    pub resource: &'a str,
    pub name: Option<&'a str>,
    pub subresource: Option<&'a str>,
    /// The legacy `/watch/` path prefix was used.
    pub watch_path: bool,
}

/// Parses the segments after `/api/v1/` or `/apis/<group>/<version>/`.
pub fn parse_target<'a>(group: &'a str, version: &'a str, rest: &'a str) -> Option<Target<'a>> {
    let mut segments: Vec<&str> = rest.split('/').collect();
    if segments.last() == Some(&"") {
        segments.pop();
    }
    let watch_path = segments.first() == Some(&"watch");
    if watch_path {
        segments.remove(0);
    }
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let target = |namespace, resource, name, subresource| Target {
        group,
        version,
        namespace,
        resource,
        name,
        subresource,
        watch_path,
    };
    Some(match segments.as_slice() {
        [resource] => target(None, *resource, None, None),
        ["namespaces", ns, sub @ ("status" | "finalize")] => {
            target(None, "namespaces", Some(*ns), Some(*sub))
        }
        ["namespaces", ns, resource] => target(Some(*ns), *resource, None, None),
        ["namespaces", ns, resource, name] => target(Some(*ns), *resource, Some(*name), None),
        ["namespaces", ns, resource, name, sub] => {
            target(Some(*ns), *resource, Some(*name), Some(*sub))
        }
        [resource, name] => target(None, *resource, Some(*name), None),
        [resource, name, sub] => target(None, *resource, Some(*name), Some(*sub)),
        _ => return None,
    })
}

/// Query parameters of writes.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WriteQuery {
    dry_run: Option<String>,
    field_validation: Option<String>,
    field_manager: Option<String>,
    force: Option<String>,
    grace_period_seconds: Option<String>,
    propagation_policy: Option<String>,
}

impl WriteQuery {
    fn dry_run(&self) -> ApiResult<bool> {
        match self.dry_run.as_deref() {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::BadRequest(format!(
                "Invalid dryRun value: {other:?}: supported values: \"All\""
            ))),
        }
    }

    /// How the write is made: `dryRun`, and the field manager (`fieldManager`, or the
    /// User-Agent's product name as kube-apiserver takes it).
    fn write(&self, parts: &Parts) -> ApiResult<WriteOptions> {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let manager =
            crate::apply::manager_or_user_agent(self.field_manager.as_deref(), user_agent);
        Ok(WriteOptions {
            dry_run: self.dry_run()?,
            manager: Some(manager),
        })
    }

    fn field_validation(&self) -> ApiResult<FieldValidation> {
        match self.field_validation.as_deref() {
            None | Some("" | "Warn") => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(other) => Err(ApiError::BadRequest(format!(
                "Invalid fieldValidation value: {other}: supported values: \"Ignore\", \"Warn\", \"Strict\""
            ))),
        }
    }
}

pub async fn core(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let rest = parts.uri.path().strip_prefix("/api/v1/").unwrap_or("");
    serve(&state, "", "v1", rest, &parts, body).await
}

pub async fn grouped(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut path = parts.uri.path().trim_start_matches("/apis/").splitn(3, '/');
    let (group, version, rest) = (
        path.next().unwrap_or(""),
        path.next().unwrap_or(""),
        path.next().unwrap_or(""),
    );
    serve(&state, group, version, rest, &parts, body).await
}

/// Answers a resource request, with the deprecation warning of its resource if it has one.
async fn serve(
    state: &AppState,
    group: &str,
    version: &str,
    rest: &str,
    parts: &Parts,
    body: Body,
) -> Response {
    let Some(target) = parse_target(group, version, rest) else {
        return ApiError::PathNotFound.into_response();
    };
    // A custom resource's deprecated version warns on every request it serves, errors
    // included, as kube's CRD handler adds the warning before serving.
    let warning = match crate::catalog::find_resource(group, version, target.resource) {
        Some(resource) => resource.warning,
        None => state
            .resolve_kind(group, version, target.resource)
            .await
            .ok()
            .flatten()
            .and_then(|kind| kind.info.warning),
    }
    .and_then(|w| HeaderValue::from_str(&format!("299 - {}", crate::error::go_quote(w))).ok());
    let response = dispatch(state, &target, parts, body).await;
    let encoding = match &response {
        Ok(_) => {
            let protobuf = state
                .kind(group, version, target.resource)
                .is_some_and(|kind| kind.protobuf);
            let list = target.name.is_none();
            negotiate::negotiate(&parts.headers, list, protobuf).map_or(Encoding::Json, |(_, e)| e)
        }
        Err(_) => negotiate::error_encoding(&parts.headers),
    };
    let mut response = response.unwrap_or_else(IntoResponse::into_response);
    if encoding == Encoding::Protobuf {
        response = to_protobuf(response).await;
    }
    if let Some(warning) = warning {
        response.headers_mut().append(header::WARNING, warning);
    }
    response
}

async fn dispatch(
    state: &AppState,
    target: &Target<'_>,
    parts: &Parts,
    body: Body,
) -> ApiResult<Response> {
    let (uri, headers) = (&parts.uri, &parts.headers);
    let body = match special(state, target, parts, body).await {
        Ok(response) => return response,
        Err(body) => body,
    };
    let kind = state
        .resolve_kind(target.group, target.version, target.resource)
        .await?
        .ok_or(ApiError::PathNotFound)?;
    if target.namespace.is_some() && !kind.info.namespaced {
        return Err(ApiError::PathNotFound);
    }
    if kind.info.namespaced && target.namespace.is_none() && target.name.is_some() {
        return Err(ApiError::PathNotFound);
    }
    negotiate::negotiate(headers, false, kind.protobuf)?;
    let namespace = target.namespace;
    let name = target.name.map(path_name).transpose()?;
    let name = name.as_deref();
    inject_faults(state, &kind, target, &parts.method, name.is_some(), uri).await?;
    if let Some(sub) = target.subresource {
        return subresource(
            state,
            &kind,
            namespace,
            name.unwrap_or(""),
            sub,
            parts,
            body,
        )
        .await;
    }
    let watching = target.watch_path || query_flag(uri, "watch");
    match (name, parts.method.clone()) {
        (None, Method::GET) if watching => {
            watch_collection(state, kind, namespace, None, parts).await
        }
        (None, Method::GET) => list_collection(state, &kind, namespace, parts).await,
        (None, Method::POST) if kind.custom.as_ref().is_some_and(|c| c.terminating) => {
            // Refused before the body is read, as kube's CRD handler does.
            Err(ApiError::CustomResourceTerminating {
                resource: kind.group_resource(),
                verb: "create",
            })
        }
        (None, Method::POST) => {
            let q = write_query(uri)?;
            let bytes = body::read(body).await?;
            let decoded = body::decode_object(headers, &bytes, &kind, q.field_validation()?)?;
            body::check_path(&decoded.object, &kind, namespace, None)?;
            let written = state
                .registry
                .create(&kind, namespace, decoded.object, &q.write(parts)?)
                .await?;
            Ok(with_warnings(
                json_response(StatusCode::CREATED, written.body),
                &decoded.warnings,
            ))
        }
        (None, Method::DELETE) => delete_collection(state, &kind, namespace, uri, body).await,
        (Some(name), Method::GET) if watching => {
            watch_collection(state, kind, namespace, Some(name), parts).await
        }
        (Some(name), Method::GET) => get_object(state, &kind, namespace, name, parts).await,
        (Some(name), Method::PUT) => {
            let q = write_query(uri)?;
            let bytes = body::read(body).await?;
            let decoded = body::decode_object(headers, &bytes, &kind, q.field_validation()?)?;
            body::check_path(&decoded.object, &kind, namespace, Some(name))?;
            let written = state
                .registry
                .update(
                    &kind,
                    namespace,
                    name,
                    decoded.object,
                    &q.write(parts)?,
                    UpdateMode::Main,
                )
                .await?;
            let code = if written.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok(with_warnings(
                json_response(code, written.body),
                &decoded.warnings,
            ))
        }
        (Some(name), Method::DELETE) => {
            let q = write_query(uri)?;
            let bytes = body::read(body).await?;
            let options = delete_options(headers, &bytes, &q)?;
            if kind.info.group.is_empty() && kind.info.resource == "namespaces" {
                let body = state.delete_namespace(&kind, name, &options).await?;
                return Ok(json_response(StatusCode::OK, body));
            }
            let body = state
                .registry
                .delete(&kind, namespace, name, &options)
                .await?;
            Ok(json_response(StatusCode::OK, body))
        }
        (Some(name), Method::PATCH) => {
            patch(
                state,
                &kind,
                namespace,
                name,
                PatchTarget::Object,
                parts,
                body,
            )
            .await
        }
        _ => Err(ApiError::MethodNotAllowed),
    }
}

/// The faults armed for tests (`faults`): the verb's added latency, then a 409 for a write to a
/// resource whose next writes were made to conflict.
async fn inject_faults(
    state: &AppState,
    kind: &Kind,
    target: &Target<'_>,
    method: &Method,
    named: bool,
    uri: &Uri,
) -> ApiResult<()> {
    if !state.faults.armed() {
        return Ok(());
    }
    let verb = match (method, named) {
        (&Method::GET, _) if target.watch_path || query_flag(uri, "watch") => "watch",
        (&Method::GET, true) => "get",
        (&Method::GET, false) => "list",
        (&Method::POST, _) => "create",
        (&Method::PUT, _) => "update",
        (&Method::PATCH, _) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => return Ok(()),
    };
    if let Some(delay) = state.faults.latency(verb) {
        tokio::time::sleep(delay).await;
    }
    let write = !matches!(verb, "get" | "list" | "watch");
    if write
        && state
            .faults
            .take_conflict(kind.info.group, kind.info.resource)
    {
        return Err(ApiError::Conflict {
            resource: kind.group_resource(),
            name: target.name.unwrap_or("").to_owned(),
            message: crate::error::OPTIMISTIC_LOCK_MSG.to_owned(),
        });
    }
    Ok(())
}

/// `componentstatuses`, `bindings` and `pods/<name>/binding`; gives the body back for
/// everything else.
async fn special(
    state: &AppState,
    target: &Target<'_>,
    parts: &Parts,
    body: Body,
) -> Result<ApiResult<Response>, Body> {
    if !target.group.is_empty() || target.version != "v1" {
        return Err(body);
    }
    match (
        target.resource,
        target.namespace,
        target.subresource,
        &parts.method,
    ) {
        ("componentstatuses", None, None, &Method::GET) => {
            let name = match target.name.map(path_name).transpose() {
                Ok(name) => name,
                Err(e) => return Ok(Err(e)),
            };
            Ok(crate::special::component_statuses(name.as_deref())
                .map(|v| json_response(StatusCode::OK, crate::json::to_vec(&v))))
        }
        ("componentstatuses", None, None, _) => Ok(Err(ApiError::MethodNotAllowed)),
        ("bindings", Some(ns), None, &Method::POST) if target.name.is_none() => {
            Ok(bind(state, ns, None, parts, body).await)
        }
        ("pods", Some(ns), Some("binding"), &Method::POST) => {
            Ok(bind(state, ns, target.name, parts, body).await)
        }
        ("bindings", _, _, _) => Ok(Err(ApiError::MethodNotAllowed)),
        _ => Err(body),
    }
}

async fn bind(
    state: &AppState,
    namespace: &str,
    pod: Option<&str>,
    parts: &Parts,
    body: Body,
) -> ApiResult<Response> {
    let q = write_query(&parts.uri)?;
    let bytes = body::read(body).await?;
    let Value::Object(binding) = body::decode_value(&parts.headers, &bytes, "Binding")? else {
        return Err(ApiError::BadRequest(
            "a Binding must be a JSON object".into(),
        ));
    };
    let name = match pod {
        Some(raw) => path_name(raw)?,
        None => crate::object::meta_str(&binding, "name").to_owned(),
    };
    let status = crate::special::bind(state, namespace, &name, &binding, q.dry_run()?).await?;
    Ok(json_response(
        StatusCode::CREATED,
        crate::json::to_vec(&status),
    ))
}

async fn subresource(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    sub: &str,
    parts: &Parts,
    body: Body,
) -> ApiResult<Response> {
    let (uri, headers) = (&parts.uri, &parts.headers);
    if !crate::subresources::has(kind, sub) {
        return Err(ApiError::PathNotFound);
    }
    match (sub, &parts.method) {
        ("status", &Method::GET) => Ok(json_response(
            StatusCode::OK,
            state.registry.get(kind, namespace, name).await?,
        )),
        ("status", &Method::PATCH) => {
            patch(
                state,
                kind,
                namespace,
                name,
                PatchTarget::Status,
                parts,
                body,
            )
            .await
        }
        ("scale", &Method::PATCH) => {
            patch(
                state,
                kind,
                namespace,
                name,
                PatchTarget::Scale,
                parts,
                body,
            )
            .await
        }
        ("status", &Method::PUT) => {
            let q = write_query(uri)?;
            let bytes = body::read(body).await?;
            let decoded = body::decode_object(headers, &bytes, kind, q.field_validation()?)?;
            body::check_path(&decoded.object, kind, namespace, Some(name))?;
            let written = state
                .registry
                .update(
                    kind,
                    namespace,
                    name,
                    decoded.object,
                    &q.write(parts)?,
                    UpdateMode::Status,
                )
                .await?;
            Ok(with_warnings(
                json_response(StatusCode::OK, written.body),
                &decoded.warnings,
            ))
        }
        ("scale", &Method::GET) => {
            let (obj, _) = state.registry.get_object(kind, namespace, name).await?;
            let scale = crate::subresources::read_scale(kind, obj)?;
            Ok(json_response(StatusCode::OK, crate::json::to_vec(&scale)))
        }
        ("scale", &Method::PUT) => {
            let q = write_query(uri)?;
            let bytes = body::read(body).await?;
            let scale = body::decode_value(headers, &bytes, "Scale")?;
            if scale.is_object()
                && let Some(error) =
                    crate::subresources::scale_type_error(&scale, kubemem_openapi::Decoder::Json)
            {
                return Err(ApiError::BadRequest(format!(
                    "Scale in version \"v1\" cannot be handled as a Scale: {error}"
                )));
            }
            let Value::Object(scale) = scale else {
                return Err(ApiError::BadRequest("a Scale must be a JSON object".into()));
            };
            let scale = crate::subresources::update_scale(
                state,
                kind,
                namespace,
                name,
                &scale,
                &q.write(parts)?,
            )
            .await?;
            Ok(json_response(StatusCode::OK, crate::json::to_vec(&scale)))
        }
        ("log" | "exec" | "attach" | "portforward" | "proxy", _)
            if kind.info.resource == "pods" =>
        {
            Err(crate::subresources::pod_connect(state, kind, namespace, name, sub).await)
        }
        _ => Err(ApiError::MethodNotAllowed),
    }
}

/// PATCH of an object, its status or its scale.
async fn patch(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    target: PatchTarget,
    parts: &Parts,
    body: Body,
) -> ApiResult<Response> {
    let patch_type = PatchType::from_content_type(body::content_type(&parts.headers))?;
    let q = write_query(&parts.uri)?;
    let force = match q.force.as_deref() {
        None => None,
        Some("true" | "1" | "t" | "T" | "True" | "TRUE") => Some(true),
        Some(_) => Some(false),
    };
    let is_apply = patch_type == PatchType::Apply;
    crate::patching::check_options(
        is_apply,
        q.field_manager.as_deref().unwrap_or(""),
        force.is_some(),
    )?;
    let bytes = body::read(body).await?;
    if is_apply && target != PatchTarget::Scale {
        let manager = q.field_manager.clone().unwrap_or_default();
        let applied = crate::patching::server_side_apply(
            state,
            kind,
            namespace,
            name,
            target,
            &bytes,
            &manager,
            force == Some(true),
            &q.write(parts)?,
        )
        .await?;
        return Ok(json_response(StatusCode::OK, applied));
    }
    let (patched, warnings) = crate::patching::patch(
        state,
        kind,
        namespace,
        name,
        target,
        patch_type,
        &bytes,
        q.field_validation()?,
        &q.write(parts)?,
    )
    .await?;
    Ok(with_warnings(
        json_response(StatusCode::OK, patched),
        &warnings,
    ))
}

/// A name from the request path, percent-decoded and checked as the storage key functions do
/// (`Name parameter invalid: ...`).
fn path_name(raw: &str) -> ApiResult<String> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                decoded.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let name = String::from_utf8(decoded)
        .map_err(|_| ApiError::BadRequest(format!("invalid name in path: {raw}")))?;
    let problems = crate::names::validate_path_segment_name(&name, false);
    if problems.is_empty() {
        Ok(name)
    } else {
        Err(ApiError::BadRequest(
            crate::names::invalid_path_segment_message(&name, &problems),
        ))
    }
}

fn query_flag(uri: &Uri, key: &str) -> bool {
    uri.query().is_some_and(|q| {
        q.split('&').any(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, "true"));
            k == key && matches!(v, "1" | "true" | "True" | "TRUE" | "t" | "T")
        })
    })
}

fn list_query(uri: &Uri) -> ApiResult<ListQuery> {
    Query::<ListQuery>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

fn write_query(uri: &Uri) -> ApiResult<WriteQuery> {
    let q = Query::<WriteQuery>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    q.field_validation()?;
    Ok(q)
}

/// A JSON response re-encoded as protobuf, as kube-apiserver answers a client that prefers it;
/// any other response (a stream, text, a kind without a protobuf message) is left as it is.
async fn to_protobuf(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == "application/json");
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::Internal("reading the response body".into()).into_response();
    };
    let encoded = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| crate::protobuf::encode(&v));
    let Some(encoded) = encoded else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(negotiate::PROTOBUF),
    );
    Response::from_parts(parts, Body::from(encoded))
}

/// How a read is presented: the negotiated representation and `includeObject`, and the
/// negotiated encoding.
fn presenter(parts: &Parts, list: bool, kind: &Kind) -> ApiResult<(Presenter, Encoding)> {
    let (representation, encoding) = negotiate::negotiate(&parts.headers, list, kind.protobuf)?;
    let include = Query::<IncludeQuery>::try_from_uri(&parts.uri)
        .map(|q| q.0.include_object)
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let presenter = Presenter::new(representation, IncludeObject::parse(include.as_deref())?);
    Ok((presenter, encoding))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IncludeQuery {
    include_object: Option<String>,
}

async fn get_object(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    parts: &Parts,
) -> ApiResult<Response> {
    let (mut presenter, _) = presenter(parts, false, kind)?;
    if presenter.representation == Representation::Object {
        let body = state.registry.get(kind, namespace, name).await?;
        return Ok(json_response(StatusCode::OK, body));
    }
    let kv = state
        .registry
        .get_kv(&kind.key(namespace, name))
        .await?
        .ok_or_else(|| crate::registry::not_found(kind, name))?;
    let mut body = Vec::new();
    presenter.object(kind, &kv.value, kv.mod_revision, &mut body);
    Ok(json_response(StatusCode::OK, body))
}

async fn list_collection(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    parts: &Parts,
) -> ApiResult<Response> {
    let (mut presenter, _) = presenter(parts, true, kind)?;
    let opts = ListOptions::parse(&list_query(&parts.uri)?, kind)?;
    let page = list::read_page(&state.registry, kind, namespace, &opts).await?;
    Ok(json_response(StatusCode::OK, presenter.list(kind, &page)))
}

/// A watch of a collection, or of one object (`.../configmaps/NAME?watch=1`, the legacy form:
/// the name becomes a `metadata.name` field selector).
async fn watch_collection(
    state: &AppState,
    kind: Arc<Kind>,
    namespace: Option<&str>,
    name: Option<&str>,
    parts: &Parts,
) -> ApiResult<Response> {
    let (presenter, encoding) = presenter(parts, false, &kind)?;
    let mut query = list_query(&parts.uri)?;
    if let Some(name) = name {
        let fields = query.field_selector.as_deref().unwrap_or("");
        let selector = crate::field_selector::parse(fields).map_err(ApiError::BadRequest)?;
        if selector.is_empty() {
            query.field_selector = Some(format!("metadata.name={name}"));
        } else if selector.requires_exact_match("metadata.name") != Some(name) {
            return Err(ApiError::BadRequest(
                "fieldSelector metadata.name doesn't match requested name".into(),
            ));
        }
    }
    let opts = ListOptions::parse(&query, &kind)?;
    let request = WatchRequest {
        api_version: kind.api_version(),
        namespace: namespace.map(str::to_owned),
        kind,
        opts,
        bookmark_interval: state.config.bookmark_interval,
        shutdown: state.shutdown(),
        faults: state.faults.watch_faults(),
        presenter,
    };
    let stream = watch::start(&state.registry, request).await?;
    let (body, content_type) = match encoding {
        Encoding::Json => (Body::from_stream(stream), "application/json"),
        Encoding::Protobuf => (
            Body::from_stream(stream.map(|chunk| chunk.map(watch::json_events_to_protobuf))),
            "application/vnd.kubernetes.protobuf;stream=watch",
        ),
    };
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

async fn delete_collection(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    uri: &Uri,
    body: Body,
) -> ApiResult<Response> {
    let opts = ListOptions::parse(&list_query(uri)?, kind)?;
    let q = write_query(uri)?;
    let bytes = body::read(body).await?;
    let options = delete_options(&HeaderMap::new(), &bytes, &q)?;
    let page = list::read_page(&state.registry, kind, namespace, &opts).await?;
    let mut deleted = Vec::new();
    for kv in &page.items {
        let obj = crate::object::decode(&kv.value, kv.mod_revision);
        let name = crate::object::meta_str(&obj, "name");
        let ns = crate::object::meta_str(&obj, "namespace");
        let ns = (!ns.is_empty()).then_some(ns);
        match state.registry.delete(kind, ns, name, &options).await {
            Ok(_) | Err(ApiError::NotFound { .. }) => deleted.push(kv.clone()),
            Err(e) => return Err(e),
        }
    }
    let result = list::Page {
        items: deleted,
        revision: state.registry.backend().current_revision(),
        continue_token: None,
        remaining: None,
    };
    Ok(json_response(
        StatusCode::OK,
        list::list_body(kind, &result),
    ))
}

/// `DeleteOptions` from the body (JSON or YAML) and the query.
fn delete_options(headers: &HeaderMap, bytes: &[u8], q: &WriteQuery) -> ApiResult<DeleteOptions> {
    let mut options = DeleteOptions {
        dry_run: q.dry_run()?,
        ..DeleteOptions::default()
    };
    if let Some(g) = q.grace_period_seconds.as_deref() {
        options.grace_period_seconds = Some(g.parse::<i64>().map_err(|_| {
            ApiError::BadRequest(format!("strconv.ParseInt: parsing \"{g}\": invalid syntax"))
        })?);
    }
    if let Some(policy) = q.propagation_policy.as_deref() {
        options.propagation = check_propagation_policy(policy)?;
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(options);
    }
    let value = body::decode_value(headers, bytes, "DeleteOptions")?;
    let body: Map<String, Value> = match value {
        Value::Object(m) => m,
        _ => return Err(ApiError::BadRequest("invalid DeleteOptions body".into())),
    };
    if let Some(pre) = body.get("preconditions") {
        options.precondition_uid = pre.get("uid").and_then(Value::as_str).map(str::to_owned);
        options.precondition_resource_version = pre
            .get("resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    if let Some(grace) = body.get("gracePeriodSeconds").and_then(Value::as_i64) {
        options.grace_period_seconds = Some(grace);
    }
    if let Some(policy) = body.get("propagationPolicy").and_then(Value::as_str) {
        options.propagation = check_propagation_policy(policy)?;
    } else if body.get("orphanDependents") == Some(&Value::Bool(true)) {
        options.propagation = Propagation::Orphan;
    }
    if body
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|d| d.iter().any(|v| v == "All"))
    {
        options.dry_run = true;
    }
    Ok(options)
}

fn check_propagation_policy(policy: &str) -> ApiResult<Propagation> {
    match policy {
        "Orphan" => Ok(Propagation::Orphan),
        "Background" => Ok(Propagation::Background),
        "Foreground" => Ok(Propagation::Foreground),
        other => Err(ApiError::Invalid {
            group: "meta.k8s.io".into(),
            kind: "DeleteOptions".into(),
            name: String::new(),
            causes: vec![crate::error::Cause {
                reason: "FieldValueNotSupported",
                message: format!(
                    "propagationPolicy: Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                ),
                field: "propagationPolicy".into(),
            }],
        }),
    }
}

/// Adds one `Warning: 299 - "<text>"` header per distinct warning, as kube-apiserver's warning
/// recorder does.
fn with_warnings(mut response: Response, warnings: &[String]) -> Response {
    let mut seen = std::collections::HashSet::new();
    for warning in warnings.iter().filter(|w| seen.insert(w.as_str())) {
        let text = format!("299 - {}", crate::error::go_quote(warning));
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().append(header::WARNING, value);
        }
    }
    response
}

/// A JSON response; the body gets the newline Go's `json.Encoder` ends every document with.
pub fn json_response(code: StatusCode, mut body: Vec<u8>) -> Response {
    body.push(b'\n');
    let mut response = (code, Bytes::from(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_path_shapes_kube_apiserver_registers() {
        let t = parse_target("", "v1", "namespaces/default/configmaps/x").unwrap();
        assert_eq!(
            (t.namespace, t.resource, t.name),
            (Some("default"), "configmaps", Some("x"))
        );
        let t = parse_target("", "v1", "namespaces/default").unwrap();
        assert_eq!(
            (t.namespace, t.resource, t.name),
            (None, "namespaces", Some("default"))
        );
        let t = parse_target("", "v1", "namespaces/x/status").unwrap();
        assert_eq!(
            (t.resource, t.name, t.subresource),
            ("namespaces", Some("x"), Some("status"))
        );
        let t = parse_target("", "v1", "namespaces/x/pods").unwrap();
        assert_eq!((t.namespace, t.resource, t.name), (Some("x"), "pods", None));
        let t = parse_target("apps", "v1", "watch/namespaces/x/deployments").unwrap();
        assert!(t.watch_path);
        assert_eq!(t.resource, "deployments");
        let t = parse_target("", "v1", "nodes/n1/status").unwrap();
        assert_eq!(
            (t.resource, t.name, t.subresource),
            ("nodes", Some("n1"), Some("status"))
        );
        assert!(parse_target("", "v1", "a/b/c/d").is_none());
        assert!(parse_target("", "v1", "namespaces//pods").is_none());
    }
}
