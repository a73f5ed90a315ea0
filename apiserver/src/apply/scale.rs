//! The managed fields of the `scale` subresource (`managedfields.ScaleHandler`): a write to
//! `/scale` is tracked on the `autoscaling/v1` Scale object, whose managers come from the
//! parent's (only `.spec.replicas`) and go back into the parent's.

use serde_json::Value;

use super::managed::{self, Managed};
use super::path::{self, Path};
use super::set::FieldSet;
use super::updater::VersionedSet;

/// The Scale's version.
const SCALE_VERSION: &str = "autoscaling/v1";

fn scale_replicas() -> Path {
    path::field_path(&["spec", "replicas"])
}

/// The Scale's `managedFields` from its parent's (`ToSubresource`): the parent's managers of
/// `replicas` (the path of the replica count in the parent, `["spec", "replicas"]`), at
/// `parent_api_version`, as owners of the Scale's `.spec.replicas`.
pub fn scale_managed_fields(
    parent: Option<&Value>,
    parent_api_version: &str,
    replicas: &[&str],
) -> Result<Option<Value>, String> {
    let parent = managed::decode(parent)?;
    let replicas = path::field_path(replicas);
    let mut out = Managed::default();
    for (id, owned) in &parent.fields {
        if owned.api_version == parent_api_version && owned.set.has(&replicas) {
            out.fields.insert(
                id.clone(),
                VersionedSet {
                    set: FieldSet::of(&[scale_replicas()]),
                    api_version: SCALE_VERSION.into(),
                    applied: owned.applied,
                },
            );
            if let Some(t) = parent.times.get(id) {
                out.times.insert(id.clone(), *t);
            }
        }
    }
    Ok(managed::encode(&out))
}

/// The parent's `managedFields` after a write to its Scale (`ToParent`): managers of the
/// Scale's `.spec.replicas` own the parent's `replicas`, which the parent's managers that
/// are not Scale managers lose; entries at another version than `parent_api_version` are
/// dropped; a new Scale manager's entry has no `time` (kube takes it from the parent's
/// entries, where it is not).
pub fn parent_managed_fields(
    parent: Option<&Value>,
    scale: Option<&Value>,
    parent_api_version: &str,
    replicas: &[&str],
) -> Result<Option<Value>, String> {
    let parent = managed::decode(parent)?;
    let mut scale = managed::decode(scale)?;
    let replicas = path::field_path(replicas);
    let mut out = Managed::default();
    let keep = |out: &mut Managed, id: &str, owned: VersionedSet| {
        out.fields.insert(id.to_string(), owned);
        if let Some(t) = parent.times.get(id) {
            out.times.insert(id.to_string(), *t);
        }
    };
    for (id, owned) in &parent.fields {
        if owned.api_version != parent_api_version {
            continue;
        }
        // Not a replicas manager, or still one through the Scale: kept as it is.
        if !owned.set.has(&replicas) || scale.fields.remove(id).is_some() {
            keep(&mut out, id, owned.clone());
        } else {
            let rest = owned
                .set
                .difference(&FieldSet::of(std::slice::from_ref(&replicas)));
            if !rest.is_empty() {
                keep(
                    &mut out,
                    id,
                    VersionedSet {
                        set: rest,
                        ..owned.clone()
                    },
                );
            }
        }
    }
    for (id, owned) in &scale.fields {
        if owned.set.has(&scale_replicas()) {
            keep(
                &mut out,
                id,
                VersionedSet {
                    set: FieldSet::of(std::slice::from_ref(&replicas)),
                    api_version: parent_api_version.to_string(),
                    applied: owned.applied,
                },
            );
        }
    }
    Ok(managed::encode(&out))
}
