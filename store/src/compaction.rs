//! Compaction: dropping history that no read at or after the compacted revision needs.
//!
//! `compact(R)` pops the revisions `compacted+1 ..= R` off the change log and compacts the
//! history of exactly the keys they wrote (see `key_history` for what one key keeps). No other
//! key can hold droppable history: after the previous compaction each key kept at most one entry
//! at or below it, a put, and that entry is still the latest one at or below `R` unless the key
//! was written since — in which case it is in the popped part of the log. So a compaction costs
//! O(writes dropped × log keys), never a walk over the whole keyspace.
//!
//! ```text
//! before compact(5):  compacted = 2, current = 7, log = (3,a) (4,b) (5,a) (6,c) (7,a)
//! after:              compacted = 5,              log = (6,c) (7,a)
//!                     histories of a and b compacted to 5; c untouched
//! ```
//!
//! # Automatic compaction
//!
//! With `auto_compact_retention = Some(n)`, after each txn that wrote, if the retained history
//! spans more than `n + n/10` revisions (`current - compacted > n + n/10`), the store compacts to
//! `current - n`. Reads and watches at any of the last `n` revisions therefore always work, and
//! compaction runs once every ~`n/10` writing txns, dropping ~`n/10` revisions at a time. The
//! decision depends only on the revision counters, so every node applying the same txns
//! compacts at the same points (Raft determinism). A negative `n` is treated as 0: every writing
//! txn compacts to its own revision, so only watchers that are fully caught up survive.

use crate::keyspace::Keyspace;
use crate::{Revision, StoreError};

impl Keyspace {
    /// Compacts to `revision`, which must be above the compacted revision and at most the current
    /// one.
    pub(crate) fn compact(&mut self, revision: Revision) -> Result<(), StoreError> {
        if revision <= self.compacted {
            return Err(StoreError::Compacted {
                requested: revision,
                compacted: self.compacted,
            });
        }
        if revision > self.current {
            return Err(StoreError::FutureRevision {
                requested: revision,
                current: self.current,
            });
        }
        self.compact_to(revision);
        Ok(())
    }

    /// Compacts if the retention policy (module doc) says so.
    pub(crate) fn auto_compact(&mut self, retention: Option<i64>) {
        if let Some(target) = auto_compact_target(retention, self.current, self.compacted) {
            self.compact_to(target);
        }
    }

    fn compact_to(&mut self, revision: Revision) {
        for key in self.log.drain_through(revision) {
            if let Some(history) = self.index.get_mut(&key)
                && history.compact(revision)
            {
                self.index.remove(&key);
            }
        }
        self.compacted = revision;
    }
}

/// Where automatic compaction should compact to now, if anywhere.
fn auto_compact_target(
    retention: Option<i64>,
    current: Revision,
    compacted: Revision,
) -> Option<Revision> {
    let retention = retention?.max(0);
    let slack = retention / 10;
    (current - compacted > retention.saturating_add(slack)).then(|| current - retention)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Op, RangeRequest, Txn};

    fn write(keyspace: &mut Keyspace, ops: Vec<Op>) {
        keyspace.apply(Txn::unconditional(ops));
    }

    /// a: put@1 put@3 put@5 put@7; b: put@2 delete@4; c: put@6.
    fn fixture() -> Keyspace {
        let mut keyspace = Keyspace::default();
        write(&mut keyspace, vec![Op::put("a", "1")]);
        write(&mut keyspace, vec![Op::put("b", "2")]);
        write(&mut keyspace, vec![Op::put("a", "3")]);
        write(&mut keyspace, vec![Op::delete("b")]);
        write(&mut keyspace, vec![Op::put("a", "5")]);
        write(&mut keyspace, vec![Op::put("c", "6")]);
        write(&mut keyspace, vec![Op::put("a", "7")]);
        keyspace
    }

    fn retained(keyspace: &Keyspace) -> Vec<(String, Vec<Revision>)> {
        keyspace
            .index
            .iter()
            .map(|(key, history)| {
                let revisions = history.entries().iter().map(|e| e.mod_revision).collect();
                (String::from_utf8_lossy(key).into_owned(), revisions)
            })
            .collect()
    }

    fn owned(expected: &[(&str, &[Revision])]) -> Vec<(String, Vec<Revision>)> {
        expected
            .iter()
            .map(|(key, revisions)| (key.to_string(), revisions.to_vec()))
            .collect()
    }

    #[test]
    fn compaction_keeps_what_reads_at_the_revision_need() {
        /// (compact to, retained histories by key, retained log revisions)
        type Case = (
            Revision,
            &'static [(&'static str, &'static [Revision])],
            &'static [Revision],
        );
        let cases: &[Case] = &[
            (
                1,
                &[("a", &[1, 3, 5, 7]), ("b", &[2, 4]), ("c", &[6])],
                &[2, 3, 4, 5, 6, 7],
            ),
            (
                3,
                &[("a", &[3, 5, 7]), ("b", &[2, 4]), ("c", &[6])],
                &[4, 5, 6, 7],
            ),
            (4, &[("a", &[3, 5, 7]), ("c", &[6])], &[5, 6, 7]),
            (6, &[("a", &[5, 7]), ("c", &[6])], &[7]),
            (7, &[("a", &[7]), ("c", &[6])], &[]),
        ];
        for (i, (to, histories, log)) in cases.iter().enumerate() {
            let mut keyspace = fixture();
            let before = keyspace.clone();
            keyspace.compact(*to).expect("compact");
            assert_eq!(retained(&keyspace), owned(histories), "#{i}: compact({to})");
            let log_revisions: Vec<Revision> = keyspace.log.iter().map(|c| c.revision).collect();
            assert_eq!(log_revisions, *log, "#{i}: compact({to}) log");
            assert_eq!(keyspace.compacted, *to);
            for at in *to..=7 {
                let request = RangeRequest::prefix("").at_revision(at);
                assert_eq!(
                    keyspace.range(&request),
                    before.range(&request),
                    "#{i}: compact({to}) read at {at}"
                );
            }
        }
    }

    #[test]
    fn step_by_step_equals_all_at_once() {
        let mut stepped = fixture();
        for to in 1..=7 {
            stepped.compact(to).expect("compact");
        }
        let mut at_once = fixture();
        at_once.compact(7).expect("compact");
        assert_eq!(stepped, at_once);
    }

    #[test]
    fn bounds() {
        let mut keyspace = fixture();
        assert_eq!(
            keyspace.compact(8),
            Err(StoreError::FutureRevision {
                requested: 8,
                current: 7
            })
        );
        assert_eq!(
            keyspace.compact(0),
            Err(StoreError::Compacted {
                requested: 0,
                compacted: 0
            })
        );
        keyspace.compact(4).expect("compact");
        for again in [3, 4] {
            assert_eq!(
                keyspace.compact(again),
                Err(StoreError::Compacted {
                    requested: again,
                    compacted: 4
                }),
                "compact({again}) after compact(4)"
            );
        }
        keyspace.compact(7).expect("compact to current");
    }

    #[test]
    fn auto_compact_policy() {
        // (retention, current, compacted, target)
        let cases: &[(Option<i64>, Revision, Revision, Option<Revision>)] = &[
            (None, 1_000_000, 0, None),
            (Some(100), 100, 0, None),
            (Some(100), 110, 0, None),
            (Some(100), 111, 0, Some(11)),
            (Some(100), 121, 11, None),
            (Some(100), 122, 11, Some(22)),
            (Some(5), 6, 0, Some(1)),
            (Some(0), 1, 0, Some(1)),
            (Some(0), 1, 1, None),
            (Some(-3), 2, 1, Some(2)),
        ];
        for (i, (retention, current, compacted, target)) in cases.iter().enumerate() {
            assert_eq!(
                auto_compact_target(*retention, *current, *compacted),
                *target,
                "#{i}: retention {retention:?}, current {current}, compacted {compacted}"
            );
        }
    }

    #[test]
    fn auto_compaction_keeps_the_last_retention_revisions_readable() {
        let mut keyspace = Keyspace::default();
        for i in 0..1000 {
            write(&mut keyspace, vec![Op::put(format!("k{}", i % 7), "x")]);
            keyspace.auto_compact(Some(50));
            assert!(keyspace.current - keyspace.compacted <= 55, "at {i}");
            assert!(keyspace.current - keyspace.compacted >= 50.min(keyspace.current));
        }
        // Compactions at current = 56, 62, ..., 998 (every 6 writes), each to current - 50.
        assert_eq!(keyspace.compacted, 948);
        let read = keyspace.range(&RangeRequest::prefix("").at_revision(950));
        assert_eq!(read.map(|r| r.count), Ok(7));
        // History is bounded: one entry per key at the compacted revision plus the 52 writes since.
        let entries: usize = keyspace.index.values().map(|h| h.entries().len()).sum();
        assert_eq!(entries, 7 + 52);
    }
}
