//! Writes: a txn's compares pick its success or failure ops, which apply atomically at one
//! revision.
//!
//! Applying a txn:
//!
//! 1. Evaluate every compare against the committed state. A missing (or deleted) key has
//!    `create_revision` 0 and `mod_revision` 0, so `CreateRevision(key) == 0` means "absent".
//! 2. Run the chosen ops in order against a staging area, so later ops see earlier ones
//!    (a `Get` after a `Put` of the same key returns the put). Each key's *final* state is
//!    what gets recorded — one history entry and one change-log entry per key per revision.
//! 3. If any op wrote — a `Put`, or a `Delete` of a key that existed at that point — the txn
//!    takes revision `current + 1`, shared by all of its writes; otherwise it consumes nothing
//!    and `TxnResponse::revision` is the unchanged current revision.
//!
//! Same-key corner cases (etcd refuses them; we define them):
//!
//! ```text
//! put k; put k        one entry, version +2 (each put counts), value of the last put
//! delete k; put k     one entry starting a new generation (create_revision = this revision)
//! put k; delete k     k existed before: one tombstone. k did not: nothing is recorded, but the
//!                     put was reported with this revision, so the revision is still consumed —
//!                     it simply has no changes (watchers pass over it)
//! ```

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::key_history::{Entry, KeyHistory};
use crate::keyspace::Keyspace;
use crate::{KeyValue, Revision};

/// A transaction: if every compare holds, run `success`, else `failure`.
///
/// Compares see the committed state (a missing key has `create_revision` and `mod_revision` 0).
/// The chosen ops run in order and see each other's effects; all their writes share one new
/// revision. A txn consumes a revision only if it wrote: a `Put`, or a `Delete` of a key that
/// existed. Several ops on one key record only the key's final state: two puts count as two
/// versions; a delete then a put starts a new generation; a put then a delete of a key that did
/// not exist records nothing but still consumes the revision the put reported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Txn {
    /// Conditions on the committed state; all must hold for `success` to run.
    pub compares: Vec<Compare>,
    /// The ops to run when every compare holds (also when there are none).
    pub success: Vec<Op>,
    /// The ops to run when a compare fails.
    pub failure: Vec<Op>,
}

impl Txn {
    /// A txn with no compares that runs `ops`.
    pub fn unconditional(ops: Vec<Op>) -> Txn {
        Txn {
            success: ops,
            ..Txn::default()
        }
    }
}

/// A condition on one key's revisions. A missing key has `create_revision` and `mod_revision` 0.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Compare {
    /// Compares the revision of the key's last write.
    ModRevision {
        /// The key.
        key: Bytes,
        /// How the key's `mod_revision` must relate to `revision`.
        op: CompareOp,
        /// The revision to compare with.
        revision: Revision,
    },
    /// Compares the revision that created the key's current generation.
    CreateRevision {
        /// The key.
        key: Bytes,
        /// How the key's `create_revision` must relate to `revision`.
        op: CompareOp,
        /// The revision to compare with.
        revision: Revision,
    },
}

impl Compare {
    /// `mod_revision(key) <op> revision`.
    pub fn mod_revision(key: impl Into<Bytes>, op: CompareOp, revision: Revision) -> Compare {
        Compare::ModRevision {
            key: key.into(),
            op,
            revision,
        }
    }

    /// `create_revision(key) <op> revision`.
    pub fn create_revision(key: impl Into<Bytes>, op: CompareOp, revision: Revision) -> Compare {
        Compare::CreateRevision {
            key: key.into(),
            op,
            revision,
        }
    }
}

/// How the key's revision must relate to the compare's revision (`key's <op> given`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CompareOp {
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
}

impl CompareOp {
    fn holds(self, actual: Revision, given: Revision) -> bool {
        match self {
            CompareOp::Equal => actual == given,
            CompareOp::NotEqual => actual != given,
            CompareOp::Less => actual < given,
            CompareOp::Greater => actual > given,
        }
    }
}

/// One step of a txn.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Op {
    /// Reads the key as the txn has left it so far.
    Get {
        /// The key.
        key: Bytes,
    },
    /// Creates or updates the key.
    Put {
        /// The key.
        key: Bytes,
        /// The new value.
        value: Bytes,
    },
    /// Deletes the key; a no-op if it does not exist.
    Delete {
        /// The key.
        key: Bytes,
    },
}

impl Op {
    /// `Op::Get` of `key`.
    pub fn get(key: impl Into<Bytes>) -> Op {
        Op::Get { key: key.into() }
    }

    /// `Op::Put` of `value` at `key`.
    pub fn put(key: impl Into<Bytes>, value: impl Into<Bytes>) -> Op {
        Op::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    /// `Op::Delete` of `key`.
    pub fn delete(key: impl Into<Bytes>) -> Op {
        Op::Delete { key: key.into() }
    }
}

/// What a txn did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TxnResponse {
    /// Whether every compare held (and `success` ran).
    pub succeeded: bool,
    /// The txn's revision if it wrote, otherwise the (unchanged) current revision.
    pub revision: Revision,
    /// One result per op that ran, in order.
    pub results: Vec<OpResult>,
}

/// The result of one [`Op`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OpResult {
    /// The key as the txn had left it, if it existed.
    Get(Option<KeyValue>),
    /// A put: the key before it (if it existed) and after it.
    Put {
        /// The key before the put.
        prev: Option<KeyValue>,
        /// The key as written.
        kv: KeyValue,
    },
    /// A delete: the key before it; `None` means the delete was a no-op.
    Delete {
        /// The key before the delete.
        prev: Option<KeyValue>,
    },
}

/// The keys a txn has written so far, with their latest state (`None`: deleted), in the order
/// each key was first written.
#[derive(Default)]
struct Staging {
    writes: Vec<(Bytes, Option<Entry>)>,
    slots: BTreeMap<Bytes, usize>,
}

impl Staging {
    fn get(&self, key: &[u8]) -> Option<&Option<Entry>> {
        self.slots.get(key).map(|&slot| &self.writes[slot].1)
    }

    fn set(&mut self, key: Bytes, state: Option<Entry>) {
        match self.slots.get(&key) {
            Some(&slot) => self.writes[slot].1 = state,
            None => {
                self.slots.insert(key.clone(), self.writes.len());
                self.writes.push((key, state));
            }
        }
    }
}

impl Keyspace {
    /// The key's committed `(create_revision, mod_revision)`, or zeros if it does not exist.
    fn revisions_of(&self, key: &[u8]) -> (Revision, Revision) {
        self.index
            .get(key)
            .and_then(KeyHistory::live)
            .map_or((0, 0), |entry| (entry.create_revision, entry.mod_revision))
    }

    fn holds(&self, compare: &Compare) -> bool {
        match compare {
            Compare::ModRevision { key, op, revision } => {
                op.holds(self.revisions_of(key).1, *revision)
            }
            Compare::CreateRevision { key, op, revision } => {
                op.holds(self.revisions_of(key).0, *revision)
            }
        }
    }

    /// The key's live state as the txn sees it: staged if the txn wrote it, else committed.
    fn visible<'a>(&'a self, staging: &'a Staging, key: &[u8]) -> Option<&'a Entry> {
        match staging.get(key) {
            Some(state) => state.as_ref(),
            None => self.index.get(key).and_then(KeyHistory::live),
        }
    }

    /// Applies `txn` (see the module doc). Returns the response and whether a revision was
    /// consumed.
    pub(crate) fn apply(&mut self, txn: Txn) -> (TxnResponse, bool) {
        let succeeded = txn.compares.iter().all(|compare| self.holds(compare));
        let ops = if succeeded { txn.success } else { txn.failure };
        let revision = self.current + 1;
        let mut staging = Staging::default();
        let mut results = Vec::with_capacity(ops.len());
        let mut wrote = false;
        for op in ops {
            match op {
                Op::Get { key } => {
                    let kv = self.visible(&staging, &key).map(|e| e.to_key_value(&key));
                    results.push(OpResult::Get(kv));
                }
                Op::Put { key, value } => {
                    let prev = self.visible(&staging, &key);
                    let entry = Entry {
                        mod_revision: revision,
                        create_revision: prev.map_or(revision, |p| p.create_revision),
                        version: prev.map_or(1, |p| p.version.saturating_add(1)),
                        value: Some(value),
                    };
                    let prev = prev.map(|p| p.to_key_value(&key));
                    let kv = entry.to_key_value(&key);
                    staging.set(key, Some(entry));
                    results.push(OpResult::Put { prev, kv });
                    wrote = true;
                }
                Op::Delete { key } => {
                    let prev = self.visible(&staging, &key).map(|p| p.to_key_value(&key));
                    if prev.is_some() {
                        staging.set(key, None);
                        wrote = true;
                    }
                    results.push(OpResult::Delete { prev });
                }
            }
        }
        if wrote {
            self.current = revision;
            self.commit(revision, staging);
        }
        let response = TxnResponse {
            succeeded,
            revision: self.current,
            results,
        };
        (response, wrote)
    }

    /// Records each staged key's final state at `revision` in its history and the change log.
    /// The log gets the index's own copy of the key, so a key's bytes are stored once.
    fn commit(&mut self, revision: Revision, staging: Staging) {
        use std::collections::btree_map::Entry as Slot;
        for (key, state) in staging.writes {
            match (self.index.entry(key), state) {
                (Slot::Occupied(slot), Some(entry)) => {
                    self.log.push(revision, slot.key().clone());
                    slot.into_mut().record(entry);
                }
                (Slot::Vacant(slot), Some(entry)) => {
                    self.log.push(revision, slot.key().clone());
                    slot.insert(KeyHistory::new(entry));
                }
                (Slot::Occupied(slot), None) if slot.get().live().is_some() => {
                    self.log.push(revision, slot.key().clone());
                    slot.into_mut().record(Entry::tombstone(revision));
                }
                // Put then deleted within this txn, and absent before it: nothing to record.
                (_, None) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RangeRequest;

    fn kv(
        key: &'static str,
        value: &'static str,
        create: Revision,
        modified: Revision,
        version: i64,
    ) -> KeyValue {
        KeyValue {
            key: Bytes::from_static(key.as_bytes()),
            value: Bytes::from_static(value.as_bytes()),
            create_revision: create,
            mod_revision: modified,
            version,
        }
    }

    fn get(keyspace: &Keyspace, key: &'static str) -> Option<KeyValue> {
        keyspace
            .range(&RangeRequest::key(key))
            .ok()
            .and_then(|response| response.kvs.into_iter().next())
    }

    fn logged(keyspace: &Keyspace) -> Vec<(Revision, Bytes)> {
        keyspace
            .log
            .iter()
            .map(|change| (change.revision, change.key.clone()))
            .collect()
    }

    #[test]
    fn create_update_delete_recreate() {
        let mut keyspace = Keyspace::default();
        let (created, wrote) = keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")]));
        assert!(wrote);
        assert_eq!(
            created,
            TxnResponse {
                succeeded: true,
                revision: 1,
                results: vec![OpResult::Put {
                    prev: None,
                    kv: kv("k", "1", 1, 1, 1)
                }],
            }
        );
        let (updated, _) = keyspace.apply(Txn::unconditional(vec![Op::put("k", "2")]));
        assert_eq!(
            updated.results,
            [OpResult::Put {
                prev: Some(kv("k", "1", 1, 1, 1)),
                kv: kv("k", "2", 1, 2, 2)
            }]
        );
        let (deleted, _) = keyspace.apply(Txn::unconditional(vec![Op::delete("k")]));
        assert_eq!(deleted.revision, 3);
        assert_eq!(
            deleted.results,
            [OpResult::Delete {
                prev: Some(kv("k", "2", 1, 2, 2))
            }]
        );
        assert_eq!(get(&keyspace, "k"), None);
        let (recreated, _) = keyspace.apply(Txn::unconditional(vec![Op::put("k", "3")]));
        assert_eq!(
            recreated.results,
            [OpResult::Put {
                prev: None,
                kv: kv("k", "3", 4, 4, 1)
            }]
        );
        assert_eq!(
            logged(&keyspace),
            [
                (1, "k".into()),
                (2, "k".into()),
                (3, "k".into()),
                (4, "k".into())
            ]
        );
    }

    #[test]
    fn compares() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")])); // create 1
        keyspace.apply(Txn::unconditional(vec![Op::put("other", "1")])); // 2
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "2")])); // mod 3
        use CompareOp::*;
        let cases: &[(&str, Compare, bool)] = &[
            ("mod equal", Compare::mod_revision("k", Equal, 3), true),
            (
                "mod equal, stale",
                Compare::mod_revision("k", Equal, 1),
                false,
            ),
            (
                "mod not equal",
                Compare::mod_revision("k", NotEqual, 1),
                true,
            ),
            ("mod less", Compare::mod_revision("k", Less, 4), true),
            (
                "mod less, equal",
                Compare::mod_revision("k", Less, 3),
                false,
            ),
            ("mod greater", Compare::mod_revision("k", Greater, 2), true),
            (
                "mod greater, equal",
                Compare::mod_revision("k", Greater, 3),
                false,
            ),
            (
                "create equal",
                Compare::create_revision("k", Equal, 1),
                true,
            ),
            (
                "create not equal",
                Compare::create_revision("k", NotEqual, 1),
                false,
            ),
            (
                "missing key has create 0",
                Compare::create_revision("nope", Equal, 0),
                true,
            ),
            (
                "missing key has mod 0",
                Compare::mod_revision("nope", Equal, 0),
                true,
            ),
            (
                "present key is not absent",
                Compare::create_revision("k", Equal, 0),
                false,
            ),
        ];
        for (i, (name, compare, expected)) in cases.iter().enumerate() {
            let before = keyspace.clone();
            let (response, wrote) = keyspace.apply(Txn {
                compares: vec![compare.clone()],
                success: vec![Op::get("k")],
                failure: vec![Op::get("other")],
            });
            assert_eq!(response.succeeded, *expected, "#{i}: {name}");
            assert!(!wrote, "#{i}: {name}: reads consume no revision");
            assert_eq!(response.revision, 3, "#{i}: {name}");
            let read = if *expected { "k" } else { "other" };
            assert_eq!(
                response.results,
                [OpResult::Get(get(&keyspace, read))],
                "#{i}: {name}: the chosen branch ran"
            );
            assert_eq!(keyspace, before, "#{i}: {name}: nothing changed");
        }
    }

    #[test]
    fn all_compares_must_hold() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")]));
        let (response, wrote) = keyspace.apply(Txn {
            compares: vec![
                Compare::mod_revision("k", CompareOp::Equal, 1),
                Compare::create_revision("k", CompareOp::Equal, 0),
            ],
            success: vec![Op::put("k", "2")],
            failure: vec![],
        });
        assert!(!response.succeeded);
        assert!(!wrote);
        assert_eq!(response.results, []);
        assert_eq!(get(&keyspace, "k"), Some(kv("k", "1", 1, 1, 1)));
    }

    #[test]
    fn compares_see_deleted_keys_as_missing() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")]));
        keyspace.apply(Txn::unconditional(vec![Op::delete("k")]));
        let (response, _) = keyspace.apply(Txn {
            compares: vec![Compare::create_revision("k", CompareOp::Equal, 0)],
            success: vec![Op::put("k", "2")],
            failure: vec![],
        });
        assert!(response.succeeded);
        assert_eq!(get(&keyspace, "k"), Some(kv("k", "2", 3, 3, 1)));
    }

    #[test]
    fn many_ops_share_one_revision_in_op_order() {
        let mut keyspace = Keyspace::default();
        let (response, _) = keyspace.apply(Txn::unconditional(vec![
            Op::put("b", "1"),
            Op::put("a", "1"),
            Op::get("a"),
            Op::put("c", "1"),
        ]));
        assert_eq!(response.revision, 1);
        assert_eq!(
            response.results[2],
            OpResult::Get(Some(kv("a", "1", 1, 1, 1)))
        );
        assert_eq!(
            logged(&keyspace),
            [(1, "b".into()), (1, "a".into()), (1, "c".into())]
        );
    }

    #[test]
    fn no_op_txns_consume_no_revision() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")]));
        let before = keyspace.clone();
        let cases: Vec<(&str, Txn)> = vec![
            ("empty", Txn::default()),
            (
                "only reads",
                Txn::unconditional(vec![Op::get("k"), Op::get("nope")]),
            ),
            (
                "delete of a missing key",
                Txn::unconditional(vec![Op::delete("nope")]),
            ),
            (
                "failed compare with no failure ops",
                Txn {
                    compares: vec![Compare::mod_revision("k", CompareOp::Equal, 9)],
                    success: vec![Op::put("k", "2")],
                    failure: vec![],
                },
            ),
        ];
        for (i, (name, txn)) in cases.into_iter().enumerate() {
            let (response, wrote) = keyspace.apply(txn);
            assert!(!wrote, "#{i}: {name}");
            assert_eq!(response.revision, 1, "#{i}: {name}");
            assert_eq!(keyspace, before, "#{i}: {name}");
        }
    }

    #[test]
    fn two_puts_of_one_key_record_one_entry() {
        let mut keyspace = Keyspace::default();
        let (response, _) = keyspace.apply(Txn::unconditional(vec![
            Op::put("k", "1"),
            Op::put("k", "2"),
        ]));
        assert_eq!(
            response.results,
            [
                OpResult::Put {
                    prev: None,
                    kv: kv("k", "1", 1, 1, 1)
                },
                OpResult::Put {
                    prev: Some(kv("k", "1", 1, 1, 1)),
                    kv: kv("k", "2", 1, 1, 2)
                },
            ]
        );
        assert_eq!(get(&keyspace, "k"), Some(kv("k", "2", 1, 1, 2)));
        assert_eq!(keyspace.index[&b"k"[..]].entries().len(), 1);
        assert_eq!(logged(&keyspace), [(1, "k".into())]);
    }

    #[test]
    fn delete_then_put_starts_a_generation_without_a_tombstone() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")]));
        let (response, _) =
            keyspace.apply(Txn::unconditional(vec![Op::delete("k"), Op::put("k", "2")]));
        assert_eq!(response.revision, 2);
        assert_eq!(get(&keyspace, "k"), Some(kv("k", "2", 2, 2, 1)));
        assert_eq!(keyspace.index[&b"k"[..]].entries().len(), 2);
        assert_eq!(logged(&keyspace), [(1, "k".into()), (2, "k".into())]);
    }

    #[test]
    fn put_then_delete_of_an_existing_key_is_a_delete() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("k", "1")]));
        let (response, _) =
            keyspace.apply(Txn::unconditional(vec![Op::put("k", "2"), Op::delete("k")]));
        assert_eq!(
            response.results[1],
            OpResult::Delete {
                prev: Some(kv("k", "2", 1, 2, 2))
            }
        );
        assert_eq!(get(&keyspace, "k"), None);
        let history = &keyspace.index[&b"k"[..]];
        assert!(history.entries()[1].is_tombstone());
        assert_eq!(logged(&keyspace), [(1, "k".into()), (2, "k".into())]);
    }

    #[test]
    fn put_then_delete_of_a_new_key_consumes_an_empty_revision() {
        let mut keyspace = Keyspace::default();
        let (response, wrote) =
            keyspace.apply(Txn::unconditional(vec![Op::put("k", "1"), Op::delete("k")]));
        assert!(wrote);
        assert_eq!(response.revision, 1);
        assert_eq!(keyspace.current, 1);
        assert!(keyspace.index.is_empty());
        assert_eq!(keyspace.log.len(), 0);
    }

    #[test]
    fn the_log_shares_the_index_key() {
        let mut keyspace = Keyspace::default();
        keyspace.apply(Txn::unconditional(vec![Op::put("key", "1")]));
        keyspace.apply(Txn::unconditional(vec![Op::put(b"key".to_vec(), "2")]));
        let (indexed, _) = keyspace.index.iter().next().expect("one key");
        for change in keyspace.log.iter() {
            assert_eq!(change.key.as_ptr(), indexed.as_ptr());
        }
    }
}
