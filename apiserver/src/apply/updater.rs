//! `merge.Updater` of structured-merge-diff: who owns what after an update, and the merge,
//! pruning and ownership of an apply.
//!
//! Managers are keyed by an opaque identifier (kube puts the manager, operation and
//! subresource in it). There is no version conversion here: sets recorded at another
//! `apiVersion` are compared at the request's (see the module docs).

use std::collections::BTreeMap;

use serde_json::Value;

use super::errors::Conflict;
use super::schema::Schema;
use super::set::FieldSet;
use super::typed::{self, Comparison};
use super::value;

/// The fields a manager owns, at the version it last wrote them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VersionedSet {
    pub(crate) set: FieldSet,
    pub(crate) api_version: String,
    pub(crate) applied: bool,
}

/// Manager identifier → owned fields (`fieldpath.ManagedFields`).
pub(crate) type Managers = BTreeMap<String, VersionedSet>;

pub(crate) struct Updater<'a> {
    pub(crate) schema: &'a dyn Schema,
    /// Fields nobody takes ownership of here (kube's reset fields).
    pub(crate) ignored: &'a FieldSet,
}

impl Updater<'_> {
    /// Takes the fields `workflow` changed away from the other managers (or reports them as
    /// conflicts unless `force`), and the fields it removed; drops emptied managers.
    fn update(
        &self,
        old: &Value,
        new: &Value,
        managers: &mut Managers,
        workflow: &str,
        force: bool,
    ) -> Result<Comparison, Vec<Conflict>> {
        let compare = typed::compare(old, new, self.schema).exclude(self.ignored);
        let mut conflicts: Vec<(String, FieldSet)> = Vec::new();
        let others = managers.iter().filter(|(manager, _)| *manager != workflow);
        // A create has no other managers: nothing to take from anyone.
        let changed = match others.clone().next() {
            Some(_) => compare.modified.union(&compare.added),
            None => FieldSet::new(),
        };
        for (manager, owned) in others {
            let taken = owned.set.intersection(&changed);
            if !taken.is_empty() {
                conflicts.push((manager.clone(), taken));
            }
        }
        if !force && !conflicts.is_empty() {
            return Err(conflicts
                .into_iter()
                .flat_map(|(manager, set)| {
                    set.paths()
                        .into_iter()
                        .map(move |path| Conflict::new(manager.clone(), path))
                })
                .collect());
        }
        for (manager, taken) in &conflicts {
            if let Some(owned) = managers.get_mut(manager) {
                owned.set.subtract(taken);
            }
        }
        if !compare.removed.is_empty() {
            for (manager, owned) in managers.iter_mut() {
                if manager != workflow {
                    owned.set.subtract(&compare.removed);
                }
            }
        }
        managers.retain(|_, owned| !owned.set.is_empty());
        Ok(compare)
    }

    /// Records a non-apply write (`Updater.Update`): `manager` owns what it changed.
    pub(crate) fn update_managers(
        &self,
        live: &Value,
        new: &Value,
        version: &str,
        managers: &mut Managers,
        manager: &str,
    ) {
        let Ok(compare) = self.update(live, new, managers, manager, true) else {
            return;
        };
        let mut set = managers.remove(manager).map(|v| v.set).unwrap_or_default();
        // Both come from one walk, so an element in both is the same value either way: the
        // smaller is merged into the larger (a create adds much and modifies little).
        let (mut changed, rest) = if compare.added.width() > compare.modified.width() {
            (compare.added, compare.modified)
        } else {
            (compare.modified, compare.added)
        };
        changed.absorb(rest);
        set.absorb(changed);
        if !compare.removed.is_empty() {
            set.subtract(&compare.removed);
        }
        if !self.ignored.is_empty() {
            set = set.recursive_difference(self.ignored);
        }
        if !set.is_empty() {
            managers.insert(
                manager.to_string(),
                VersionedSet {
                    set,
                    api_version: version.to_string(),
                    applied: false,
                },
            );
        }
    }

    /// Applies a configuration (`Updater.Apply`): the merged object, `None` when it equals
    /// the live one.
    pub(crate) fn apply(
        &self,
        live: &Value,
        config: &Value,
        version: &str,
        managers: &mut Managers,
        manager: &str,
        force: bool,
    ) -> Result<Option<Value>, Vec<Conflict>> {
        let merged = typed::merge(live, config, self.schema);
        let last = managers.get(manager).map(|v| v.set.clone());
        let set = typed::to_field_set(config, self.schema).recursive_difference(self.ignored);
        managers.insert(
            manager.to_string(),
            VersionedSet {
                set,
                api_version: version.to_string(),
                applied: true,
            },
        );
        let merged = match last {
            Some(last) if !last.is_empty() => self.prune(merged, managers, &last),
            _ => merged,
        };
        self.update(live, &merged, managers, manager, force)?;
        Ok((!value::equals(live, &merged)).then_some(merged))
    }

    /// Removes what the applier applied last time and no longer applies, unless someone
    /// still owns it (`prune`, `addBackOwnedItems`, `addBackDanglingItems`).
    fn prune(&self, merged: Value, managers: &Managers, last: &FieldSet) -> Value {
        let named = |set: &FieldSet| set.ensure_named_fields_are_members(self.schema);
        let fields = |v: &Value| named(&typed::to_field_set(v, self.schema));
        let pruned = typed::remove_items(&merged, &named(last), self.schema);

        let managed = managers
            .values()
            .fold(FieldSet::new(), |acc, owned| acc.union(&owned.set));
        let merged_set = fields(&merged);
        let keep = fields(&pruned).union(&named(&managed));
        let pruned = typed::remove_items(&merged, &merged_set.difference(&keep), self.schema);

        let dangling = merged_set
            .difference(&fields(&pruned))
            .intersection(&named(last));
        typed::remove_items(&merged, &dangling, self.schema)
    }
}
