//! Sets of field paths (`fieldpath.Set`) and their `FieldsV1` encoding.
//!
//! A set is a tree: `members` are the paths that end here, `children` the subsets below a
//! path element (which does not itself make that element a member). `FieldsV1` writes each
//! node as an object whose keys are serialized path elements in SMD's order (fields, then
//! keys, then values, then indexes); a member is `{}`, a node that is both a member and has
//! members below starts with `".": {}`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::path::{Path, PathElement};
use super::schema::{self, Kind, Schema};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldSet {
    members: BTreeSet<PathElement>,
    /// Never holds an empty subset.
    children: BTreeMap<PathElement, FieldSet>,
}

impl FieldSet {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A set of the given paths.
    pub(crate) fn of(paths: &[Path]) -> Self {
        let mut set = Self::new();
        for p in paths {
            set.insert(p);
        }
        set
    }

    /// Adds a path (its parents are not made members). The empty path is the object itself,
    /// which nobody owns.
    pub(crate) fn insert(&mut self, path: &[PathElement]) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut node = self;
        for pe in parents {
            node = node.children.entry(pe.clone()).or_default();
        }
        node.members.insert(last.clone());
    }

    /// Adds the element `pe` below the top of the set: as a member when `is_member`, with
    /// `below` under it (at most once per element: a second `below` replaces the first).
    pub(crate) fn put(&mut self, pe: PathElement, (below, is_member): (Option<FieldSet>, bool)) {
        match below.filter(|below| !below.is_empty()) {
            Some(below) => {
                if is_member {
                    self.members.insert(pe.clone());
                }
                self.children.insert(pe, below);
            }
            None => {
                if is_member {
                    self.members.insert(pe);
                }
            }
        }
    }

    /// Keeps the members of the top of the set that `keep` accepts.
    pub(crate) fn retain_members(&mut self, keep: impl FnMut(&PathElement) -> bool) {
        self.members.retain(keep);
    }

    /// Runs `f` on the subset below `pe`, which is dropped if `f` empties it.
    pub(crate) fn edit_child(&mut self, pe: &PathElement, f: impl FnOnce(&mut FieldSet)) {
        if let Some(child) = self.children.get_mut(pe) {
            f(child);
            if child.is_empty() {
                self.children.remove(pe);
            }
        }
    }

    pub(crate) fn has(&self, path: &[PathElement]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for pe in parents {
            match node.children.get(pe) {
                Some(child) => node = child,
                None => return false,
            }
        }
        node.members.contains(last)
    }

    /// How many elements the top of the set has (members and children): a size to pick the
    /// cheaper side of a merge by.
    pub(crate) fn width(&self) -> usize {
        self.members.len() + self.children.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(FieldSet::is_empty)
    }

    /// The subset below `pe` (`WithPrefix`).
    pub(crate) fn child(&self, pe: &PathElement) -> Option<&FieldSet> {
        self.children.get(pe)
    }

    pub(crate) fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (pe, set) in &other.children {
            let merged = match out.children.get(pe) {
                Some(mine) => mine.union(set),
                None => set.clone(),
            };
            out.children.insert(pe.clone(), merged);
        }
        out
    }

    /// [`union`](Self::union) in place, taking `other`'s elements instead of cloning them.
    pub(crate) fn absorb(&mut self, other: FieldSet) {
        if self.is_empty() {
            *self = other;
            return;
        }
        self.members.extend(other.members);
        for (pe, set) in other.children {
            match self.children.get_mut(&pe) {
                Some(mine) => mine.absorb(set),
                None => {
                    self.children.insert(pe, set);
                }
            }
        }
    }

    pub(crate) fn intersection(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.intersection(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter_map(|(pe, mine)| {
                let theirs = other.children.get(pe)?;
                let both = mine.intersection(theirs);
                (!both.is_empty()).then(|| (pe.clone(), both))
            })
            .collect();
        FieldSet { members, children }
    }

    /// Paths of `self` not in `other`; `other`'s members do not remove `self`'s children.
    pub(crate) fn difference(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.difference(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter_map(|(pe, mine)| match other.children.get(pe) {
                Some(theirs) => {
                    let rest = mine.difference(theirs);
                    (!rest.is_empty()).then(|| (pe.clone(), rest))
                }
                None => Some((pe.clone(), mine.clone())),
            })
            .collect();
        FieldSet { members, children }
    }

    /// [`difference`](Self::difference) in place (no element is cloned).
    pub(crate) fn subtract(&mut self, other: &FieldSet) {
        if !other.members.is_empty() {
            self.members.retain(|pe| !other.members.contains(pe));
        }
        if other.children.is_empty() {
            return;
        }
        self.children
            .retain(|pe, mine| match other.children.get(pe) {
                Some(theirs) => {
                    mine.subtract(theirs);
                    !mine.is_empty()
                }
                None => true,
            });
    }

    /// Like [`difference`](Self::difference), but a member of `other` also removes
    /// everything below it.
    pub(crate) fn recursive_difference(&self, other: &FieldSet) -> FieldSet {
        let members = self.members.difference(&other.members).cloned().collect();
        let children = self
            .children
            .iter()
            .filter(|(pe, _)| !other.members.contains(*pe))
            .filter_map(|(pe, mine)| match other.children.get(pe) {
                Some(theirs) => {
                    let rest = mine.recursive_difference(theirs);
                    (!rest.is_empty()).then(|| (pe.clone(), rest))
                }
                None => Some((pe.clone(), mine.clone())),
            })
            .collect();
        FieldSet { members, children }
    }

    /// Every member path, members of a node before the nodes below it, in order (`Iterate`).
    pub(crate) fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect_paths(&mut Vec::new(), &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Path, out: &mut Vec<Path>) {
        for pe in &self.members {
            let mut p = prefix.clone();
            p.push(pe.clone());
            out.push(p);
        }
        for (pe, child) in &self.children {
            prefix.push(pe.clone());
            child.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// Adds, as members, the struct fields that have members below them
    /// (`EnsureNamedFieldsAreMembers`): pruning then removes a struct field whose leaves it
    /// removed, but never a map entry or list item on that account.
    pub(crate) fn ensure_named_fields_are_members(&self, schema: &dyn Schema) -> FieldSet {
        let mut members = self.members.clone();
        let mut children = BTreeMap::new();
        for (pe, child) in &self.children {
            if let Some(name) = pe.field_name()
                && schema::is_declared(schema, name)
            {
                members.insert(pe.clone());
            }
            let below = match pe {
                PathElement::Field(name)
                    if matches!(schema.kind(), Kind::Map { .. } | Kind::Deduced) =>
                {
                    child.ensure_named_fields_are_members(&*schema::map_child(schema, name).schema)
                }
                PathElement::Key(_) if matches!(schema.kind(), Kind::List(_) | Kind::Deduced) => {
                    child.ensure_named_fields_are_members(&*schema::list_items(schema))
                }
                _ => child.ensure_named_fields_are_members(&schema::Deduced),
            };
            children.insert(pe.clone(), below);
        }
        FieldSet { members, children }
    }

    /// The `FieldsV1` form of the set.
    pub(crate) fn to_fields_v1(&self) -> Value {
        Value::Object(self.emit(false))
    }

    fn emit(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::with_capacity(
            usize::from(include_self) + self.members.len() + self.children.len(),
        );
        if include_self && !self.is_empty() {
            out.insert(".".into(), Value::Object(Map::new()));
        }
        let mut members = self.members.iter().peekable();
        let mut children = self.children.iter().peekable();
        loop {
            let (pe, node) = match (members.peek(), children.peek()) {
                (None, None) => break,
                (Some(m), None) => (*m, None),
                (None, Some((c, set))) => (*c, Some((false, *set))),
                (Some(m), Some((c, set))) => {
                    if *m < *c {
                        (*m, None)
                    } else if *c < *m {
                        (*c, Some((false, *set)))
                    } else {
                        (*c, Some((true, *set)))
                    }
                }
            };
            let value = match node {
                None => {
                    members.next();
                    Map::new()
                }
                Some((also_member, set)) => {
                    if also_member {
                        members.next();
                    }
                    children.next();
                    set.emit(also_member)
                }
            };
            out.insert(pe.serialize(), Value::Object(value));
        }
        out
    }

    /// Parses `FieldsV1` (`Set.FromJSON`): unknown element types are skipped, malformed keys
    /// are errors.
    pub(crate) fn from_fields_v1(v: &Value) -> Result<FieldSet, String> {
        Ok(read_node(v)?.0.unwrap_or_default())
    }
}

/// One `FieldsV1` node: the subset below it (if any) and whether it is itself a member.
fn read_node(v: &Value) -> Result<(Option<FieldSet>, bool), String> {
    let map = match v {
        Value::Null => return Ok((None, true)),
        Value::Object(map) => map,
        other => {
            return Err(format!(
                "ReadMapCB: expect {{ or n, but found {}",
                other.to_string().chars().next().unwrap_or(' ')
            ));
        }
    };
    let mut is_member = false;
    let mut children: Option<FieldSet> = None;
    for (key, value) in map {
        if key == "." {
            is_member = true;
            continue;
        }
        let Some(pe) = PathElement::deserialize(key)
            .map_err(|e| format!("parsing key as path element: {e}"))?
        else {
            continue;
        };
        let (grandchildren, child_is_member) = read_node(value)?;
        if child_is_member {
            children.get_or_insert_default().members.insert(pe.clone());
        }
        if let Some(set) = grandchildren {
            children.get_or_insert_default().children.insert(pe, set);
        }
    }
    if children.is_none() {
        is_member = true;
    }
    Ok((children, is_member))
}
