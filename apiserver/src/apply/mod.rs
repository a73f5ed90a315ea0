//! Server-side apply and `metadata.managedFields`, as kube-apiserver v1.36 runs them: the
//! field manager of `k8s.io/apimachinery/pkg/util/managedfields` over
//! `sigs.k8s.io/structured-merge-diff` (SMD).
//!
//! Every write goes through the field manager:
//! - create, update, and JSON/merge/strategic patches: [`update`] records who changed what
//!   (operation `Update`);
//! - `PATCH` with `application/apply-patch+yaml`: [`apply`] merges the configuration into the
//!   live object (or into the kind's empty object on create) and records the applier
//!   (operation `Apply`), or refuses with [`ApplyError::Conflicts`] when it would change fields
//!   other managers own, unless `force`.
//!
//! What the caller does around them, as kube's handlers do:
//! - the manager name is `?fieldManager=`, else [`manager_or_user_agent`] of the User-Agent
//!   (updates only: apply requires `fieldManager`, see [`patch_option_errors`]);
//! - [`Scope::reset_fields`] are the paths the strategy resets for this (sub)resource
//!   (kube's `GetResetFields`, e.g. `status` for a main-resource write of a kind with a
//!   status subresource, `spec` and `metadata` fields for `/status`): nobody gains or loses
//!   them here; the caller still resets their values;
//! - the apply result is not defaulted nor validated here; it goes through the same
//!   defaulting, strategy, validation and no-op detection as an update (`checkName`: a
//!   configuration without `metadata.name` on create gives `the name of the object () does
//!   not match the name on the URL (x)`);
//! - `/scale`: [`scale_managed_fields`] gives the Scale its managers, [`update`]/[`apply`] run
//!   on the Scale (`api_version: "autoscaling/v1"`, subresource `scale`), and
//!   [`parent_managed_fields`] puts them back on the parent.
//!
//! Ownership is computed at the request's version: managers recorded at another version are
//! compared as if the shapes were the same (kube converts the objects to each manager's
//! version first).

pub(crate) mod errors;
mod managed;
mod manager;
mod path;
mod scale;
mod schema;
mod set;
mod typed;
mod updater;
mod value;

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::clock;
use crate::error::is_go_printable;

pub use errors::{ApplyError, patch_option_errors};
pub use scale::{parent_managed_fields, scale_managed_fields};
pub use schema::{Deduced, Field, Kind, ListType, Scalar, Schema};
pub(crate) use value::{go_type, go_v};

/// Where a write happens.
pub struct Scope<'a> {
    /// The schema of the kind (or of `Scale` for `/scale`).
    pub schema: &'a dyn Schema,
    /// The request's group-version: `v1`, `apps/v1`.
    pub api_version: &'a str,
    /// The kind: `Deployment`.
    pub kind: &'a str,
    /// `status`, `scale`, or `None` for the main resource.
    pub subresource: Option<&'a str>,
    /// Paths (of field names) nobody takes ownership of in this write (kube's reset fields),
    /// with everything below them.
    pub reset_fields: &'a [&'a [&'a str]],
    /// The kind's empty object as kube's Go types encode it (`creater.New(kind)`), the live
    /// object of a create: `{"metadata":{"creationTimestamp":null},"spec":{...},"status":{}}`.
    /// Non-pointer structs are there as objects and non-`omitempty` pointers, maps and slices
    /// as `null`: a granular map or list present there is not owned on create, one absent is
    /// (`"f:spec":{".":{},...}`). `{}` is close enough for kinds whose top-level fields are all
    /// optional.
    pub empty: &'a Value,
    /// Now, RFC 3339 (`2026-05-01T10:00:00Z`); entries are written with whole seconds.
    pub now: &'a str,
}

impl Scope<'_> {
    fn ctx(&self) -> manager::Ctx<'_> {
        let paths: Vec<path::Path> = self
            .reset_fields
            .iter()
            .map(|p| path::field_path(p))
            .collect();
        manager::Ctx {
            schema: self.schema,
            api_version: self.api_version,
            kind: self.kind,
            subresource: self.subresource.unwrap_or(""),
            ignored: set::FieldSet::of(&paths),
            empty: self.empty,
            now: clock::parse_rfc3339(self.now).unwrap_or(0),
        }
    }
}

/// The object to store after a non-apply write of `new` over `old` (`None` on create): `new`
/// with `metadata.managedFields` recomputed, `manager` owning what it changed.
///
/// A client may write `managedFields` itself on the main resource: a valid non-empty list
/// replaces the live one, `[]` or `[{}]` clears them (and nothing is tracked from then on,
/// until an apply), an invalid one is ignored (the live one is used). A subresource write
/// always starts from the live managers. An object the schema refuses keeps the live
/// managers unchanged.
pub fn update(old: Option<&Value>, new: Value, manager: &str, scope: &Scope) -> Value {
    if !new.is_object() {
        return new;
    }
    scope.ctx().update(old.unwrap_or(scope.empty), new, manager)
}

/// The object to store after applying `config` (`None` live: create). When the apply changes
/// nothing but the managers, the result is the live object with its new `managedFields`.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    scope: &Scope,
) -> Result<Value, ApplyError> {
    if !config.is_object() {
        return Err(ApplyError::BadRequest(format!(
            "invalid object type: {}",
            manager::gvk_string(config)
        )));
    }
    scope
        .ctx()
        .apply(live.unwrap_or(scope.empty), config, manager, force)
}

/// The manager of a write without `?fieldManager=` (`prefixFromUserAgent`): the User-Agent up
/// to the first `/`, printable characters only, at most 128 bytes (`kubectl/v1.36.0 (linux)`
/// → `kubectl`).
pub fn manager_or_user_agent(field_manager: Option<&str>, user_agent: &str) -> String {
    if let Some(m) = field_manager.filter(|m| !m.is_empty()) {
        return m.to_string();
    }
    let prefix = user_agent.split('/').next().unwrap_or("");
    let mut out = String::new();
    for c in prefix.chars().filter(|c| is_go_printable(*c)) {
        if out.len() + c.len_utf8() > 128 {
            break;
        }
        out.push(c);
    }
    out
}
