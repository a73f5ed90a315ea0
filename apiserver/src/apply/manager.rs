//! kube's field manager chain (`managedfields/internal/fieldmanager.go` and the managers it
//! wraps, outermost first): version check, last-applied annotation upgrade and sync,
//! "before-first-apply", the cap on update managers, manager identifiers, timestamps, the
//! stripping of metadata fields, and the structured merge.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::errors::{ApplyError, Conflict};
use super::managed::{self, APPLY, Managed, UPDATE};
use super::path::PathElement;
use super::schema::Schema;
use super::set::FieldSet;
use super::typed;
use super::updater::{Updater, VersionedSet};
use super::value::{self, Escape};

/// The manager name SMD sees for an update before it is renamed (`managedFieldsUpdater`).
const CURRENT_OPERATION: &str = "current-operation";
/// The manager that takes the fields of an object first applied to without managed fields.
const BEFORE_FIRST_APPLY: &str = "before-first-apply";
/// The client-side apply annotation.
pub(crate) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `TotalAnnotationSizeLimitB`.
const ANNOTATIONS_SIZE_LIMIT: usize = 256 * 1024;

/// Where a write happens and what it may own.
pub(crate) struct Ctx<'a> {
    pub(crate) schema: &'a dyn Schema,
    pub(crate) api_version: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) subresource: &'a str,
    pub(crate) ignored: FieldSet,
    /// The kind's empty object (`creater.New(kind)`).
    pub(crate) empty: &'a Value,
    pub(crate) now: i64,
}

pub(crate) fn meta<'v>(obj: &'v Value, field: &str) -> Option<&'v Value> {
    obj.get("metadata").and_then(|m| m.get(field))
}

fn meta_str<'v>(obj: &'v Value, field: &str) -> &'v str {
    meta(obj, field).and_then(Value::as_str).unwrap_or("")
}

/// `obj` without `metadata.managedFields` (borrowed when it has none: the kind's empty
/// object, the live object of a create).
pub(crate) fn without_managed_fields(obj: &Value) -> Cow<'_, Value> {
    if meta(obj, "managedFields").is_none() {
        return Cow::Borrowed(obj);
    }
    let mut out = obj.clone();
    if let Some(Value::Object(m)) = out.get_mut("metadata") {
        m.shift_remove("managedFields");
    }
    Cow::Owned(out)
}

/// Sets `metadata.managedFields` (removes it for `None`).
pub(crate) fn set_managed_fields(obj: &mut Value, entries: Option<Value>) {
    let Value::Object(root) = obj else { return };
    match entries {
        Some(entries) => {
            let meta = root
                .entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = meta {
                m.insert("managedFields".into(), entries);
            }
        }
        None => {
            if let Some(Value::Object(m)) = root.get_mut("metadata") {
                m.shift_remove("managedFields");
            }
        }
    }
}

/// Takes out the paths never tracked (`stripMetaManager`): `apiVersion`, `kind`, `metadata`
/// and these fields of `metadata`, exactly (so `metadata.labels` and the like stay).
pub(crate) fn strip_meta(set: &mut FieldSet) {
    set.retain_members(|pe| !matches!(pe.field_name(), Some("apiVersion" | "kind" | "metadata")));
    set.edit_child(&PathElement::Field("metadata".into()), |meta| {
        meta.retain_members(|pe| {
            !matches!(
                pe.field_name(),
                Some(
                    "name"
                        | "namespace"
                        | "creationTimestamp"
                        | "selfLink"
                        | "uid"
                        | "clusterName"
                        | "generation"
                        | "managedFields"
                        | "resourceVersion"
                )
            )
        });
    });
}

/// [`strip_meta`] of the set of manager `id`, dropped if that empties it.
fn strip_manager(managed: &mut Managed, id: &str) {
    if let Some(owned) = managed.fields.get_mut(id) {
        strip_meta(&mut owned.set);
        if owned.set.is_empty() {
            managed.fields.remove(id);
        }
    }
}

/// `group/version, Kind=kind` of an object (`GroupVersionKind.String`).
pub(crate) fn gvk_string(obj: &Value) -> String {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let (group, version) = split_api_version(api_version).unwrap_or(("", ""));
    format!("{group}/{version}, Kind={kind}")
}

/// `schema.ParseGroupVersion`.
fn split_api_version(api_version: &str) -> Option<(&str, &str)> {
    match api_version.matches('/').count() {
        0 => Some(("", api_version)),
        1 => api_version.split_once('/'),
        _ => None,
    }
}

/// `namespace/name; gvk` of an object (`objectGVKNN`).
fn gvk_nn(obj: &Value) -> String {
    format!(
        "{}/{}; {}",
        meta_str(obj, "namespace"),
        meta_str(obj, "name"),
        gvk_string(obj)
    )
}

impl Ctx<'_> {
    fn updater(&self) -> Updater<'_> {
        Updater {
            schema: self.schema,
            ignored: &self.ignored,
        }
    }

    pub(crate) fn id(&self, manager: &str, operation: &str) -> String {
        managed::manager_id(manager, operation, self.api_version, self.subresource)
    }

    /// `structuredMergeManager.Update` under `managedFieldsUpdater` and `stripMetaManager`,
    /// for the manager identifier `id`.
    fn track_update(
        &self,
        live: &Value,
        new: &Value,
        managed: &mut Managed,
        id: &str,
    ) -> Result<(), String> {
        for (what, obj) in [("new", new), ("live", live)] {
            let errs = typed::validate(obj, self.schema, true);
            if !errs.is_empty() {
                return Err(format!(
                    "failed to convert {what} object ({}) to smd typed: {}",
                    gvk_nn(obj),
                    typed::render_errors(&errs)
                ));
            }
        }
        if managed.fields.is_empty() {
            self.track_first(live, new, managed, id);
        } else {
            self.track_shared(live, new, managed, id);
        }
        Ok(())
    }

    /// [`track_update`](Self::track_update) of an object nobody manages yet (a create, the
    /// fields of an object first applied to): `id` owns all it changed, with nobody to take
    /// anything from; what [`track_shared`](Self::track_shared) records then.
    pub(crate) fn track_first(&self, live: &Value, new: &Value, managed: &mut Managed, id: &str) {
        let mut set = typed::changed(live, new, self.schema);
        if !self.ignored.is_empty() {
            set = set.recursive_difference(&self.ignored);
        }
        strip_meta(&mut set);
        if !set.is_empty() {
            self.record_update(managed, id, set);
        }
    }

    /// [`track_update`](Self::track_update) among other managers: `id` takes what it changed
    /// from them and they lose what it removed.
    pub(crate) fn track_shared(&self, live: &Value, new: &Value, managed: &mut Managed, id: &str) {
        self.updater().update_managers(
            live,
            new,
            self.api_version,
            &mut managed.fields,
            CURRENT_OPERATION,
        );
        strip_manager(managed, CURRENT_OPERATION);
        if let Some(current) = managed.fields.remove(CURRENT_OPERATION) {
            let set = match managed.fields.get(id) {
                Some(previous) => current.set.union(&previous.set),
                None => current.set,
            };
            self.record_update(managed, id, set);
        }
    }

    /// `id` owns `set` after a non-apply write, at this request's version, as of now.
    fn record_update(&self, managed: &mut Managed, id: &str, set: FieldSet) {
        managed.fields.insert(
            id.to_string(),
            VersionedSet {
                set,
                api_version: self.api_version.to_string(),
                applied: false,
            },
        );
        managed.times.insert(id.to_string(), self.now);
    }

    /// `capManagersManager.Update` down to the structured merge.
    fn update_chain(
        &self,
        live: &Value,
        new: &Value,
        managed: &mut Managed,
        manager: &str,
    ) -> Result<(), String> {
        let id = self.id(manager, UPDATE);
        self.track_update(live, new, managed, &id)?;
        managed::cap_update_managers(managed);
        Ok(())
    }

    /// `FieldManager.Update`: the managers after a non-apply write of `new` over `live`.
    pub(crate) fn update(&self, live: &Value, mut new: Value, manager: &str) -> Value {
        // The request's managed fields, taken out of the object written (not copied).
        let requested = match new.get_mut("metadata") {
            Some(Value::Object(m)) => m.shift_remove("managedFields"),
            _ => None,
        };
        let mut out = new;
        let live_fields = meta(live, "managedFields");
        let decode_live = || managed::decode(live_fields).unwrap_or_default();
        let mut managed = if !self.subresource.is_empty() {
            decode_live()
        } else {
            let requested = requested.as_ref();
            if managed::is_reset(requested) {
                Managed::default()
            } else {
                match managed::decode(requested) {
                    Ok(m) if !m.fields.is_empty() => m,
                    _ => decode_live(),
                }
            }
        };
        let live_plain = without_managed_fields(live);
        // skipNonAppliedManager: nothing is tracked on an update of an object that has no
        // managers (they were reset); creates are always tracked.
        let tracked = !managed.fields.is_empty() || meta_str(live, "uid").is_empty();
        if tracked
            && self
                .update_chain(&live_plain, &out, &mut managed, manager)
                .is_err()
        {
            // UpdateNoErrors: keep the live object's managed fields.
            set_managed_fields(&mut out, live_fields.cloned());
            return out;
        }
        set_managed_fields(&mut out, managed::encode(&managed));
        out
    }

    /// `FieldManager.Apply`.
    pub(crate) fn apply(
        &self,
        live: &Value,
        config: &Value,
        manager: &str,
        force: bool,
    ) -> Result<Value, ApplyError> {
        let managed = managed::decode(meta(live, "managedFields"))
            .map_err(|e| ApplyError::Internal(format!("failed to decode managed fields: {e}")))?;
        // versionCheckManager
        let expected = format!("{}, Kind={}", self.group_version_string(), self.kind);
        if gvk_string(config) != expected {
            return Err(ApplyError::BadRequest(format!(
                "invalid object type: {}",
                gvk_string(config)
            )));
        }
        let live = without_managed_fields(live);
        // lastAppliedManager
        let (mut obj, managed) =
            match self.apply_chain(&live, config, managed.clone(), manager, force) {
                Err(ApplyError::Conflicts(conflicts)) if manager == "kubectl" => {
                    match self.allowed_conflicts(&live) {
                        Some(allowed) => {
                            let denied: Vec<Conflict> = conflicts
                                .iter()
                                .filter(|c| !allowed.has(&c.path))
                                .cloned()
                                .collect();
                            if denied.is_empty() {
                                self.apply_chain(&live, config, managed, manager, true)?
                            } else {
                                return Err(ApplyError::Conflicts(denied));
                            }
                        }
                        None => return Err(ApplyError::Conflicts(conflicts)),
                    }
                }
                other => other?,
            };
        // lastAppliedUpdater
        if manager == "kubectl" && has_last_applied(&obj) {
            set_last_applied(&mut obj, build_last_applied(config));
        }
        set_managed_fields(&mut obj, managed::encode(&managed));
        Ok(obj)
    }

    /// `metav1.GroupVersion.String` of the request's version.
    fn group_version_string(&self) -> String {
        match split_api_version(self.api_version) {
            Some((group, version)) => format!("{group}/{version}"),
            None => format!("/{}", self.api_version),
        }
    }

    /// `skipNonAppliedManager.Apply` down to the structured merge; the result object (the
    /// live one when the apply changes nothing) and the managers.
    fn apply_chain(
        &self,
        live: &Value,
        config: &Value,
        mut managed: Managed,
        manager: &str,
        force: bool,
    ) -> Result<(Value, Managed), ApplyError> {
        if managed.fields.is_empty() {
            self.update_chain(self.empty, live, &mut managed, BEFORE_FIRST_APPLY)
                .map_err(|e| {
                    ApplyError::Internal(format!(
                        "failed to create manager for existing fields: {e}"
                    ))
                })?;
        }
        let id = self.id(manager, APPLY);
        // structuredMergeManager.Apply
        if meta(config, "managedFields").is_some_and(|v| !v.is_null()) {
            return Err(ApplyError::BadRequest(
                "metadata.managedFields must be nil".into(),
            ));
        }
        let errs = typed::validate(config, self.schema, false);
        if !errs.is_empty() {
            return Err(ApplyError::Internal(format!(
                "failed to create typed patch object ({}): {}",
                gvk_nn(config),
                typed::render_errors(&errs)
            )));
        }
        let errs = typed::validate(live, self.schema, true);
        if !errs.is_empty() {
            return Err(ApplyError::Internal(format!(
                "failed to create typed live object ({}): {}",
                gvk_nn(live),
                typed::render_errors(&errs)
            )));
        }
        let merged = self
            .updater()
            .apply(
                live,
                config,
                self.api_version,
                &mut managed.fields,
                &id,
                force,
            )
            .map_err(ApplyError::Conflicts)?;
        strip_manager(&mut managed, &id);
        // managedFieldsUpdater.Apply
        let obj = match merged {
            Some(obj) => {
                managed.times.insert(id, self.now);
                drop_nulls(obj)
            }
            None => live.clone(),
        };
        Ok((obj, managed))
    }

    /// The conflicts a `kubectl` server-side apply may take over because the client-side
    /// apply annotation of the live object says kubectl set them
    /// (`allowedConflictsFromLastApplied`); `None` when there is no usable annotation.
    fn allowed_conflicts(&self, live: &Value) -> Option<FieldSet> {
        let text = meta(live, "annotations")?.get(LAST_APPLIED)?.as_str()?;
        if text.is_empty() {
            return None;
        }
        let last: Value = serde_json::from_str(text).ok()?;
        if !last.is_object()
            || last.get("apiVersion").and_then(Value::as_str) != Some(self.api_version)
        {
            return None;
        }
        if !typed::validate(&last, self.schema, false).is_empty() {
            return None;
        }
        let set = typed::to_field_set(&last, self.schema);
        let cmp = typed::compare(&last, live, self.schema);
        Some(
            set.difference(&cmp.modified)
                .difference(&cmp.added)
                .difference(&cmp.removed),
        )
    }
}

/// Drops `null` map entries, as decoding into Go types does for the pointers, maps and
/// slices SMD leaves null (a pruned map, an applied `null`).
fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

fn has_last_applied(obj: &Value) -> bool {
    meta(obj, "annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
}

/// The annotation value for an applied configuration (`buildLastApplied`): the
/// configuration without the annotation, as `UnstructuredJSONScheme` encodes it (sorted
/// keys, trailing newline).
fn build_last_applied(config: &Value) -> String {
    let mut config = config.clone();
    if let Some(Value::Object(meta)) = config.get_mut("metadata")
        && let Some(Value::Object(annotations)) = meta.get_mut("annotations")
    {
        annotations.shift_remove(LAST_APPLIED);
        if annotations.is_empty() {
            meta.shift_remove("annotations");
        }
    }
    let mut text = value::go_json(&config, Escape::Html, true);
    text.push('\n');
    text
}

/// `SetLastApplied`: dropped again when the annotations would pass 256 KiB.
fn set_last_applied(obj: &mut Value, text: String) {
    let Some(Value::Object(meta)) = obj.get_mut("metadata") else {
        return;
    };
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(annotations) = annotations else {
        return;
    };
    annotations.insert(LAST_APPLIED.into(), Value::String(text));
    let size: usize = annotations
        .iter()
        .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
        .sum();
    if size > ANNOTATIONS_SIZE_LIMIT {
        annotations.shift_remove(LAST_APPLIED);
    }
}
