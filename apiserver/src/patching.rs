//! PATCH of objects and their `status` and `scale` subresources, as kube-apiserver's patch
//! handler (`handlers/patch.go`) runs it: the patch type comes from the Content-Type, the
//! current object is read and encoded at the request's version, the patch applied, the result
//! decoded and written back as an update — conditionally when the patch itself sets
//! `metadata.resourceVersion` (a stale one is a 409), otherwise retried on a lost race, as
//! `GuaranteedUpdate` does.

use serde_json::{Map, Value};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Cause, OPTIMISTIC_LOCK_MSG};
use crate::kinds::Kind;
use crate::object::meta_str;
use crate::patch::{FieldValidation, NoMeta, PatchError, PatchMeta};
use crate::registry::UpdateMode;

/// The patch types and their media types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    /// Server-side apply (`application/apply-patch+yaml`).
    Apply,
}

/// What a client may send, as kube-apiserver lists it in its 415.
const ACCEPTED: &str = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json";

impl PatchType {
    /// The patch type of a Content-Type.
    pub fn from_content_type(media: &str) -> ApiResult<Self> {
        match media {
            "application/json-patch+json" => Ok(Self::Json),
            "application/merge-patch+json" => Ok(Self::Merge),
            "application/strategic-merge-patch+json" => Ok(Self::Strategic),
            "application/apply-patch+yaml" => Ok(Self::Apply),
            _ => Err(ApiError::UnsupportedMediaType(format!(
                "the body of the request was in an unknown format - accepted media types include: {ACCEPTED}"
            ))),
        }
    }
}

/// The part of an object a PATCH writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchTarget {
    Object,
    Status,
    Scale,
}

impl PatchTarget {
    /// What a write of this target may change.
    fn mode(self) -> UpdateMode {
        match self {
            PatchTarget::Status => UpdateMode::Status,
            PatchTarget::Object | PatchTarget::Scale => UpdateMode::Main,
        }
    }
}

impl From<PatchError> for ApiError {
    fn from(e: PatchError) -> Self {
        match e {
            PatchError::BadRequest(m) => ApiError::BadRequest(m),
            PatchError::Invalid(_) => ApiError::PatchRejected,
            PatchError::TooLarge(m) => ApiError::RequestEntityTooLarge(m),
            PatchError::Internal(m) => ApiError::Unknown(m),
            PatchError::Panic(_) => ApiError::Panicked,
        }
    }
}

/// One patch applied: the result, what the strict decode of the patch itself found, and how
/// kube quotes the patch in a 422.
struct Patched {
    object: Value,
    strict: Vec<String>,
    quote: Quote,
}

/// What kube puts as the bad value of a patch's 422 (`field.Invalid(field.NewPath("patch"),
/// ...)`).
enum Quote {
    /// JSON and merge patches: the patched object's bytes as evanphx/json-patch v4 marshals it.
    Merged(Value),
    Json(crate::patch::JsonPatched),
    /// Strategic merge: the patch map, `fmt.Sprintf("%+v", patchMap)`.
    PatchMap(Value),
}

impl Patched {
    /// The 422 kube answers when the patched object does not decode (`detail` is the decoding
    /// error) or strict decoding refuses it: `NewInvalid(schema.GroupKind{}, "", ...)`.
    fn invalid(self, current: &Value, detail: &str) -> ApiError {
        let quoted = match self.quote {
            Quote::Merged(patch) => {
                let mut object = self.object;
                crate::patch::merge_marshal_order(current, &patch, &mut object);
                String::from_utf8_lossy(&crate::json::to_vec(&object)).into_owned()
            }
            Quote::Json(patched) => {
                let mut object = self.object;
                patched.marshal_order(&mut object);
                String::from_utf8_lossy(&crate::json::to_vec(&object)).into_owned()
            }
            Quote::PatchMap(patch) => crate::patch::go_sprint(&patch),
        };
        ApiError::Invalid {
            group: String::new(),
            kind: String::new(),
            name: String::new(),
            causes: vec![Cause::invalid("patch", &Value::String(quoted), detail)],
        }
    }
}

/// Applies one patch document to `current` (the object as served at the request's version);
/// `meta` is the strategic-merge metadata of its type.
fn apply(
    meta: &dyn PatchMeta,
    patch_type: PatchType,
    current: &Value,
    patch: &[u8],
    validation: FieldValidation,
) -> ApiResult<Patched> {
    // `kjson.UnmarshalStrict` of merge and strategic patches into a map: repeated keys.
    let parse = || -> ApiResult<(Value, Vec<String>)> {
        let (value, duplicates) = crate::strict_json::parse(patch).map_err(|e| {
            ApiError::BadRequest(match validation {
                FieldValidation::Ignore => e.to_string(),
                _ => format!("error decoding patch: {e}"),
            })
        })?;
        let mut strict: Vec<String> = Vec::new();
        if validation != FieldValidation::Ignore {
            for d in &duplicates {
                let message =
                    crate::body::finding_message(&kubemem_openapi::Finding::Duplicate(d.path()));
                if strict.len() < 100 && !strict.contains(&message) {
                    strict.push(message);
                }
            }
        }
        Ok((value, strict))
    };
    Ok(match patch_type {
        PatchType::Json => {
            let text = std::str::from_utf8(patch)
                .map_err(|e| ApiError::BadRequest(format!("error decoding patch: {e}")))?;
            let mut patched = crate::patch::json_patch(current, text, validation)?;
            Patched {
                object: std::mem::take(&mut patched.object),
                strict: std::mem::take(&mut patched.strict_errors),
                quote: Quote::Json(patched),
            }
        }
        PatchType::Merge => {
            let (patch, strict) = parse()?;
            Patched {
                object: crate::patch::merge_patch(current, &patch, validation)?,
                strict,
                quote: Quote::Merged(patch),
            }
        }
        PatchType::Strategic => {
            let (patch, strict) = parse()?;
            Patched {
                object: crate::patch::strategic_merge(current, &patch, meta)?,
                strict,
                quote: Quote::PatchMap(patch),
            }
        }
        PatchType::Apply => {
            return Err(ApiError::Internal(
                "server-side apply is not a merge of the patch body".into(),
            ));
        }
    })
}

/// PATCH: applies `patch` to the current object (or its status or scale) and writes the result.
#[allow(clippy::too_many_arguments)]
pub async fn patch(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    target: PatchTarget,
    patch_type: PatchType,
    patch: &[u8],
    validation: FieldValidation,
    write: &crate::registry::WriteOptions,
) -> ApiResult<(Vec<u8>, Vec<String>)> {
    // Strategic merge needs a kind's Go struct, which custom resources have not: kube refuses
    // the patch type (415) before reading anything; the other patch types need no metadata.
    let meta = match patch_type {
        PatchType::Strategic => Some(crate::patch_meta::for_kind(kind)?),
        _ => crate::patch_meta::for_kind(kind).ok(),
    };
    let meta: &(dyn PatchMeta + Sync) = match &meta {
        Some(meta) => meta,
        None => &NoMeta,
    };
    loop {
        let (stored, kv) = state.registry.get_object(kind, namespace, name).await?;
        let current = Value::Object(match target {
            PatchTarget::Scale => match crate::subresources::scale_to_patch(kind, stored)? {
                Value::Object(scale) => scale,
                _ => Map::new(),
            },
            PatchTarget::Object | PatchTarget::Status => kind.served_object(stored),
        });
        // A Scale has no lists, so it needs no strategic metadata.
        let mut patched = match target {
            PatchTarget::Scale => apply(&NoMeta, patch_type, &current, patch, validation)?,
            PatchTarget::Object | PatchTarget::Status => {
                apply(meta, patch_type, &current, patch, validation)?
            }
        };
        let decoder = match patch_type {
            PatchType::Strategic => kubemem_openapi::Decoder::Unstructured,
            _ => kubemem_openapi::Decoder::Json,
        };
        if matches!(target, PatchTarget::Scale)
            && patched.object.is_object()
            && let Some(error) = crate::subresources::scale_type_error(&patched.object, decoder)
        {
            return Err(patched.invalid(&current, &error));
        }
        let Value::Object(mut object) = std::mem::take(&mut patched.object) else {
            return Err(ApiError::BadRequest(
                "the patched object is not a JSON object".into(),
            ));
        };
        let explicit_rv = meta_str(&object, "resourceVersion") != kv.mod_revision.to_string();
        let warnings = match target {
            PatchTarget::Scale => Vec::new(),
            PatchTarget::Object | PatchTarget::Status => {
                // A strict refusal quotes the object before its unknown fields were dropped.
                let unpruned = (validation == FieldValidation::Strict).then(|| object.clone());
                let findings = match crate::body::check_fields(kind, &mut object, &[], decoder) {
                    Ok(findings) => findings,
                    Err(error) => {
                        patched.object = Value::Object(object);
                        return Err(patched.invalid(&current, &error));
                    }
                };
                let mut strict = std::mem::take(&mut patched.strict);
                strict.extend(findings);
                let warnings = match validation {
                    FieldValidation::Strict if !strict.is_empty() => {
                        patched.object = Value::Object(unpruned.unwrap_or(object));
                        let detail = crate::body::strict_decoding_error(&strict);
                        return Err(patched.invalid(&current, &detail));
                    }
                    FieldValidation::Warn => strict,
                    _ => Vec::new(),
                };
                crate::defaults::apply_defaults(
                    kind.info.group,
                    kind.info.version,
                    kind.info.resource,
                    &mut object,
                );
                warnings
            }
        };
        let result = match target {
            PatchTarget::Scale => {
                crate::subresources::update_scale(state, kind, namespace, name, &object, write)
                    .await
                    .map(|scale| crate::json::to_vec(&scale))
            }
            PatchTarget::Object | PatchTarget::Status => {
                check_identity(kind, &object, name)?;
                let written = state
                    .registry
                    .update(kind, namespace, name, object, write, target.mode())
                    .await;
                written.map(|w| w.body)
            }
        };
        match result {
            Err(ApiError::Conflict { message, .. })
                if !explicit_rv && message == OPTIMISTIC_LOCK_MSG =>
            {
                continue;
            }
            other => return other.map(|patched| (patched, warnings)),
        }
    }
}

/// A patch may not change what the object is: its kind, version, name or namespace.
fn check_identity(kind: &Kind, patched: &Map<String, Value>, name: &str) -> ApiResult<()> {
    let api_version = patched
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let patched_kind = patched.get("kind").and_then(Value::as_str).unwrap_or("");
    if api_version != kind.api_version() || patched_kind != kind.info.kind {
        return Err(ApiError::BadRequest(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({})",
            kind.api_version()
        )));
    }
    let patched_name = meta_str(patched, "name");
    if patched_name != name {
        return Err(ApiError::BadRequest(format!(
            "the name of the object ({patched_name}) does not match the name on the URL ({name})"
        )));
    }
    Ok(())
}

/// The `PatchOptions` checks of server-side apply (`force` only on apply, `fieldManager`
/// required on apply), as a 422 of `PatchOptions.meta.k8s.io ""`.
pub fn check_options(is_apply: bool, field_manager: &str, force_set: bool) -> ApiResult<()> {
    let causes: Vec<Cause> = crate::apply::patch_option_errors(is_apply, field_manager, force_set)
        .into_iter()
        .map(|e| Cause {
            reason: e.reason,
            message: e.message,
            field: e.field.to_owned(),
        })
        .collect();
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::Invalid {
        group: "meta.k8s.io".into(),
        kind: "PatchOptions".into(),
        name: String::new(),
        causes,
    })
}

/// Server-side apply: merges the applied configuration into the live object (or creates it),
/// with the ownership rules of `managedFields`; another manager's field set to another value is
/// a 409 unless `force`.
#[allow(clippy::too_many_arguments)]
pub async fn server_side_apply(
    state: &AppState,
    kind: &Kind,
    namespace: Option<&str>,
    name: &str,
    target: PatchTarget,
    body: &[u8],
    manager: &str,
    force: bool,
    write: &crate::registry::WriteOptions,
) -> ApiResult<Vec<u8>> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::BadRequest(format!("error decoding YAML: {e}")))?;
    let mut config: Value = serde_saphyr::from_str(text)
        .map_err(|e| ApiError::BadRequest(format!("error decoding YAML: {e}")))?;
    crate::object::drop_nulls(&mut config);
    let untracked = crate::registry::WriteOptions {
        dry_run: write.dry_run,
        manager: None,
    };
    loop {
        let live = match state.registry.get_object(kind, namespace, name).await {
            Ok((stored, _)) => Some(Value::Object(kind.served_object(stored))),
            Err(ApiError::NotFound { .. }) if target == PatchTarget::Object => None,
            Err(e) => return Err(e),
        };
        let applied = merge_applied(kind, target, live.as_ref(), &config, manager, force)?;
        let Value::Object(mut applied) = applied else {
            return Err(ApiError::BadRequest(
                "the applied object is not a JSON object".into(),
            ));
        };
        check_identity(kind, &applied, name)?;
        crate::defaults::apply_defaults(
            kind.info.group,
            kind.info.version,
            kind.info.resource,
            &mut applied,
        );
        let result = match (&live, target) {
            (None, _) => {
                state
                    .registry
                    .create(kind, namespace, applied, &untracked)
                    .await
            }
            (Some(_), _) => {
                state
                    .registry
                    .update(kind, namespace, name, applied, &untracked, target.mode())
                    .await
            }
        };
        match result {
            Ok(written) => return Ok(written.body),
            Err(ApiError::Conflict { message, .. }) if message == OPTIMISTIC_LOCK_MSG => continue,
            Err(ApiError::AlreadyExists { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The object server-side apply makes of `config` over `live` (no I/O: the schema's trait
/// objects are not `Send`, so none of this is held across an await).
fn merge_applied(
    kind: &Kind,
    target: PatchTarget,
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
) -> ApiResult<Value> {
    let Some(schema) =
        crate::apply_schema::for_kind(kind.info.group, kind.info.version, kind.info.kind)
    else {
        return Err(ApiError::UnsupportedMediaType(
            "server-side apply needs the kind's schema".into(),
        ));
    };
    let subresource = (target == PatchTarget::Status).then_some("status");
    let reset: &[&[&str]] = match subresource {
        Some(_) => &[&["spec"], &["metadata"]],
        None if kind.status_subresource => &[&["status"]],
        None => &[],
    };
    let api_version = kind.api_version();
    let now = crate::clock::now_rfc3339();
    let scope = crate::apply::Scope {
        schema: &schema,
        api_version: &api_version,
        kind: kind.info.kind,
        subresource,
        reset_fields: reset,
        empty: kind.zero(),
        now: &now,
    };
    crate::apply::apply(live, config, manager, force, &scope).map_err(|e| ApiError::Status {
        code: e.code(),
        status: e.status(),
    })
}
