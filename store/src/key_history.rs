//! One key's history: its retained writes, oldest first, grouped implicitly into generations.
//!
//! A [`KeyHistory`] is a list of [`Entry`]s with strictly increasing `mod_revision`. An entry is
//! either a put (it carries the value, the generation's `create_revision` and the `version`) or a
//! tombstone (a delete: no value, `create_revision` 0, `version` 0). A put on a missing key starts
//! a generation; a tombstone ends it. Values are [`Bytes`], shared with whoever reads them.
//!
//! # Worked trace
//!
//! As in etcd's `key_index.go`: `put@1; put@2; delete@3; put@4; delete@5` leaves
//!
//! ```text
//! entries:  put@1 (c1 v1)  put@2 (c1 v2)  tomb@3  put@4 (c4 v1)  tomb@5
//!           └──── generation created at 1 ────┘  └─ generation at 4 ─┘
//!
//! read at:  1 → put@1 (create 1, version 1)
//!           2 → put@2 (create 1, version 2)
//!           3 → missing (tombstone)
//!           4 → put@4 (create 4, version 1)
//!           5 → missing (tombstone)
//! ```
//!
//! `compact(R)` keeps what a read at any revision ≥ R needs: every entry after R, plus the latest
//! entry at or before R unless that one is a tombstone (a read at R then finds nothing, which
//! needs no entry). A history left empty means the key is gone from the index.
//!
//! ```text
//! compact(2): put@2 (c1 v2)  tomb@3  put@4 (c4 v1)  tomb@5   put@1 dropped; reads at 2..5 unchanged
//! compact(3):                        put@4 (c4 v1)  tomb@5   put@2 and tomb@3 dropped
//! compact(4):                        put@4 (c4 v1)  tomb@5   nothing more to drop
//! compact(5):                                                all dropped: the key leaves the index
//! ```
//!
//! Within one txn a key is written at most once per revision (the txn stages its ops and records
//! each key's final state), so `mod_revision`s never repeat. Two generations may also touch
//! without a tombstone between them (delete and put of the same key in one txn): the new
//! generation's first entry simply has a different `create_revision`.

use bytes::Bytes;

use crate::{KeyValue, Revision};

/// One retained write of a key: a put (`value` is `Some`) or a tombstone (`value` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) mod_revision: Revision,
    pub(crate) create_revision: Revision,
    pub(crate) version: i64,
    pub(crate) value: Option<Bytes>,
}

impl Entry {
    /// A tombstone: the key was deleted at `revision`.
    pub(crate) fn tombstone(revision: Revision) -> Entry {
        Entry {
            mod_revision: revision,
            create_revision: 0,
            version: 0,
            value: None,
        }
    }

    pub(crate) fn is_tombstone(&self) -> bool {
        self.value.is_none()
    }

    /// The entry as seen by readers. A tombstone becomes etcd's delete event shape: empty value,
    /// `mod_revision` = the delete revision, `create_revision` and `version` 0.
    pub(crate) fn to_key_value(&self, key: &Bytes) -> KeyValue {
        KeyValue {
            key: key.clone(),
            value: self.value.clone().unwrap_or_default(),
            create_revision: self.create_revision,
            mod_revision: self.mod_revision,
            version: self.version,
        }
    }
}

/// The retained writes of one key, oldest first; never empty while it is in the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyHistory {
    entries: Vec<Entry>,
    /// The newest entry's `mod_revision`, negated if it is a tombstone. Kept inline (in the index
    /// node, next to the key) so that counting keys — a walk over the whole range on every list —
    /// need not follow the pointer to `entries` for each key.
    newest: Revision,
}

/// `KeyHistory::newest` for `entry`.
fn newest_of(entry: &Entry) -> Revision {
    if entry.is_tombstone() {
        -entry.mod_revision
    } else {
        entry.mod_revision
    }
}

impl KeyHistory {
    /// A history holding one write. Sized exactly (`vec![x]` allocates room for one): most keys
    /// are written once and stay that way, and pushing onto an empty `Vec` would reserve four.
    pub(crate) fn new(first: Entry) -> KeyHistory {
        KeyHistory {
            newest: newest_of(&first),
            entries: vec![first],
        }
    }

    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The key's current value, unless it is deleted.
    pub(crate) fn live(&self) -> Option<&Entry> {
        self.entries.last().filter(|entry| !entry.is_tombstone())
    }

    /// Whether the key exists as of `revision`: the same as `live_at(revision).is_some()`, but
    /// answered from the inline summary whenever `revision` is at or after the newest write —
    /// for almost every key on almost every read.
    pub(crate) fn exists_at(&self, revision: Revision) -> bool {
        if revision >= self.newest.abs() {
            return self.newest > 0;
        }
        self.live_at(revision).is_some()
    }

    /// The key's value as of `revision`: the latest write at or before it, unless that write is a
    /// tombstone or there is none.
    pub(crate) fn live_at(&self, revision: Revision) -> Option<&Entry> {
        let after = self
            .entries
            .partition_point(|entry| entry.mod_revision <= revision);
        after
            .checked_sub(1)
            .map(|index| &self.entries[index])
            .filter(|entry| !entry.is_tombstone())
    }

    /// The write made exactly at `revision`, with the key's live value just before it (the
    /// event's `prev_kv`). `None` if the key was not written at `revision`.
    pub(crate) fn change_at(&self, revision: Revision) -> Option<(&Entry, Option<&Entry>)> {
        let index = self
            .entries
            .binary_search_by_key(&revision, |entry| entry.mod_revision)
            .ok()?;
        let previous = index
            .checked_sub(1)
            .map(|before| &self.entries[before])
            .filter(|entry| !entry.is_tombstone());
        Some((&self.entries[index], previous))
    }

    /// Appends a write; its `mod_revision` is newer than every retained one.
    pub(crate) fn record(&mut self, entry: Entry) {
        debug_assert!(
            self.entries
                .last()
                .is_none_or(|last| last.mod_revision < entry.mod_revision),
            "writes are recorded in revision order"
        );
        self.newest = newest_of(&entry);
        self.entries.push(entry);
    }

    /// Drops what reads at `revision` and later no longer need (see the module doc). Returns
    /// `true` when nothing remains and the key should leave the index.
    pub(crate) fn compact(&mut self, revision: Revision) -> bool {
        let after = self
            .entries
            .partition_point(|entry| entry.mod_revision <= revision);
        let Some(latest) = after.checked_sub(1) else {
            return false;
        };
        let keep_from = if self.entries[latest].is_tombstone() {
            after
        } else {
            latest
        };
        if keep_from > 0 {
            self.entries.drain(..keep_from);
            if self.entries.capacity() > 2 * self.entries.len() {
                self.entries.shrink_to_fit();
            }
        }
        self.entries.is_empty()
    }

    /// Rebuilds a history read from a snapshot, checking every invariant the rest of the crate
    /// relies on: non-empty; revisions strictly increasing within `1 ..= current`; at most the
    /// first entry at or below `compacted`, and that one a put; a tombstone only after a put;
    /// puts with `1 ≤ create_revision ≤ mod_revision` and `version ≥ 1`; tombstones with
    /// `create_revision` and `version` 0.
    pub(crate) fn from_entries(
        entries: Vec<Entry>,
        compacted: Revision,
        current: Revision,
    ) -> Result<KeyHistory, String> {
        let Some(newest) = entries.last().map(newest_of) else {
            return Err("key with no history".into());
        };
        let mut previous: Option<&Entry> = None;
        for (index, entry) in entries.iter().enumerate() {
            if entry.mod_revision < 1 || entry.mod_revision > current {
                return Err(format!(
                    "mod_revision {} outside 1..={current}",
                    entry.mod_revision
                ));
            }
            if let Some(previous) = previous
                && previous.mod_revision >= entry.mod_revision
            {
                return Err("revisions not increasing".into());
            }
            if entry.mod_revision <= compacted && (index > 0 || entry.is_tombstone()) {
                return Err(format!(
                    "history at or below the compacted revision {compacted} not compacted"
                ));
            }
            if entry.is_tombstone() {
                if entry.create_revision != 0 || entry.version != 0 {
                    return Err("tombstone with a create_revision or version".into());
                }
                if previous.is_none_or(Entry::is_tombstone) {
                    return Err("tombstone without a preceding put".into());
                }
            } else if entry.create_revision < 1
                || entry.create_revision > entry.mod_revision
                || entry.version < 1
            {
                return Err(format!(
                    "put at {} with create_revision {} and version {}",
                    entry.mod_revision, entry.create_revision, entry.version
                ));
            }
            previous = Some(entry);
        }
        Ok(KeyHistory { entries, newest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(mod_revision: Revision, create_revision: Revision, version: i64) -> Entry {
        Entry {
            mod_revision,
            create_revision,
            version,
            value: Some(Bytes::from(format!("v{mod_revision}"))),
        }
    }

    /// put@1; put@2; delete@3; put@4; delete@5 — the module doc's trace.
    fn traced() -> KeyHistory {
        let mut history = KeyHistory::new(put(1, 1, 1));
        history.record(put(2, 1, 2));
        history.record(Entry::tombstone(3));
        history.record(put(4, 4, 1));
        history.record(Entry::tombstone(5));
        history
    }

    fn revisions(history: &KeyHistory) -> Vec<Revision> {
        history.entries().iter().map(|e| e.mod_revision).collect()
    }

    #[test]
    fn reads_follow_the_worked_trace() {
        let history = traced();
        /// (read at, the (mod_revision, create_revision, version) seen)
        type Case = (Revision, Option<(Revision, Revision, i64)>);
        let cases: &[Case] = &[
            (0, None),
            (1, Some((1, 1, 1))),
            (2, Some((2, 1, 2))),
            (3, None),
            (4, Some((4, 4, 1))),
            (5, None),
            (6, None),
        ];
        for (i, (at, expected)) in cases.iter().enumerate() {
            let got = history
                .live_at(*at)
                .map(|e| (e.mod_revision, e.create_revision, e.version));
            assert_eq!(got, *expected, "#{i}: read at {at}");
            assert_eq!(
                history.exists_at(*at),
                expected.is_some(),
                "#{i}: exists at {at}"
            );
        }
        assert_eq!(history.live(), None);
    }

    #[test]
    fn compaction_follows_the_worked_trace() {
        // (compact to, retained mod_revisions, key leaves the index)
        let cases: &[(Revision, &[Revision], bool)] = &[
            (1, &[1, 2, 3, 4, 5], false),
            (2, &[2, 3, 4, 5], false),
            (3, &[4, 5], false),
            (4, &[4, 5], false),
            (5, &[], true),
        ];
        for (i, (to, retained, gone)) in cases.iter().enumerate() {
            let mut history = traced();
            assert_eq!(history.compact(*to), *gone, "#{i}: compact({to}) empties");
            assert_eq!(revisions(&history), *retained, "#{i}: compact({to}) keeps");
            // Reads at and after the compacted revision are unchanged.
            for at in *to..=6 {
                assert_eq!(
                    history.live_at(at),
                    traced().live_at(at),
                    "#{i}: read at {at} after compact({to})"
                );
                if !*gone {
                    assert_eq!(history.exists_at(at), traced().exists_at(at));
                }
            }
        }
    }

    #[test]
    fn compaction_is_incremental() {
        let mut history = traced();
        for to in [2, 4, 5] {
            let gone = history.compact(to);
            assert_eq!(gone, to == 5, "compact({to})");
        }
        assert!(history.entries().is_empty());
    }

    #[test]
    fn compaction_before_the_first_write_keeps_everything() {
        let mut history = KeyHistory::new(put(7, 7, 1));
        assert!(!history.compact(3));
        assert_eq!(revisions(&history), [7]);
    }

    #[test]
    fn exists_at_agrees_with_live_at_for_a_live_key() {
        let mut history = KeyHistory::new(put(3, 3, 1));
        history.record(put(6, 3, 2));
        for at in 0..=8 {
            assert_eq!(
                history.exists_at(at),
                history.live_at(at).is_some(),
                "at {at}"
            );
        }
        assert!(!history.exists_at(2));
    }

    #[test]
    fn a_new_history_holds_exactly_one_entry() {
        assert_eq!(KeyHistory::new(put(1, 1, 1)).entries.capacity(), 1);
    }

    #[test]
    fn compaction_releases_spare_capacity() {
        let mut history = KeyHistory::new(put(1, 1, 1));
        for revision in 2..=9 {
            history.record(put(revision, 1, revision));
        }
        history.compact(9);
        assert_eq!(revisions(&history), [9]);
        assert!(history.entries.capacity() <= 2);
    }

    #[test]
    fn change_at_gives_the_write_and_the_value_before_it() {
        let history = traced();
        let at = |revision| {
            history
                .change_at(revision)
                .map(|(entry, prev)| (entry.mod_revision, prev.map(|p| p.mod_revision)))
        };
        assert_eq!(at(1), Some((1, None)));
        assert_eq!(at(2), Some((2, Some(1))));
        assert_eq!(at(3), Some((3, Some(2))));
        assert_eq!(at(4), Some((4, None)), "after a tombstone there is no prev");
        assert_eq!(at(5), Some((5, Some(4))));
        assert_eq!(at(6), None);
    }

    #[test]
    fn tombstones_read_as_etcd_delete_events() {
        let kv = Entry::tombstone(9).to_key_value(&Bytes::from_static(b"k"));
        assert_eq!(
            kv,
            KeyValue {
                key: Bytes::from_static(b"k"),
                value: Bytes::new(),
                create_revision: 0,
                mod_revision: 9,
                version: 0,
            }
        );
    }

    #[test]
    fn from_entries_accepts_what_the_store_produces() {
        let history = traced();
        let rebuilt = KeyHistory::from_entries(history.entries().to_vec(), 0, 5);
        assert_eq!(rebuilt, Ok(history.clone()));
        let mut compacted = history;
        compacted.compact(2);
        let rebuilt = KeyHistory::from_entries(compacted.entries().to_vec(), 2, 5);
        assert_eq!(rebuilt, Ok(compacted));
    }

    #[test]
    fn from_entries_rejects_broken_invariants() {
        let cases: &[(&str, Vec<Entry>, Revision, Revision)] = &[
            ("empty", vec![], 0, 5),
            ("revision zero", vec![put(0, 0, 1)], 0, 5),
            ("future revision", vec![put(6, 6, 1)], 0, 5),
            ("not increasing", vec![put(2, 2, 1), put(2, 2, 2)], 0, 5),
            ("starts with a tombstone", vec![Entry::tombstone(2)], 0, 5),
            (
                "two tombstones",
                vec![put(1, 1, 1), Entry::tombstone(2), Entry::tombstone(3)],
                0,
                5,
            ),
            (
                "tombstone with a version",
                vec![
                    put(1, 1, 1),
                    Entry {
                        version: 3,
                        ..Entry::tombstone(2)
                    },
                ],
                0,
                5,
            ),
            ("create after mod", vec![put(2, 3, 1)], 0, 5),
            ("version zero", vec![put(2, 2, 0)], 0, 5),
            (
                "two entries at or below compacted",
                vec![put(1, 1, 1), put(2, 1, 2)],
                2,
                5,
            ),
            (
                "tombstone at or below compacted",
                vec![put(1, 1, 1), Entry::tombstone(2)],
                2,
                5,
            ),
        ];
        for (i, (name, entries, compacted, current)) in cases.iter().enumerate() {
            assert!(
                KeyHistory::from_entries(entries.clone(), *compacted, *current).is_err(),
                "#{i}: {name}"
            );
        }
    }
}
