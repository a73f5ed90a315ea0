//! The revision-ordered change log: which keys each retained revision wrote, in op order.
//!
//! ```text
//! revision:  4    5    5    5    7    8          (6 wrote nothing visible; see txn)
//! key:       a    b    c    a    b    a
//!            ▲ front: first revision after `compacted`          back: `current` ▲
//! ```
//!
//! The log holds only `(revision, key)`; the values, `create_revision`, `version` and the previous
//! value live in the key's history, which retains every write after the compacted revision —
//! exactly the part of the log that is retained. Keys are clones of the index's own key
//! [`Bytes`], so the log costs about 40 bytes per write and copies nothing.
//!
//! The log serves two readers: watchers, which scan it from their cursor, and compaction, which
//! pops the compacted revisions off the front and compacts just those keys' histories — so a
//! compaction costs what it drops, not the size of the keyspace.

use std::collections::VecDeque;

use bytes::Bytes;

use crate::Revision;

/// One write in the log: `key` was put or deleted at `revision`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) revision: Revision,
    pub(crate) key: Bytes,
}

/// The retained writes, oldest first; revisions are non-decreasing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ChangeLog {
    changes: VecDeque<Change>,
}

impl ChangeLog {
    /// Appends a write; `revision` is at least the newest one in the log.
    pub(crate) fn push(&mut self, revision: Revision, key: Bytes) {
        debug_assert!(
            self.changes
                .back()
                .is_none_or(|last| last.revision <= revision),
            "changes are logged in revision order"
        );
        self.changes.push_back(Change { revision, key });
    }

    pub(crate) fn len(&self) -> usize {
        self.changes.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter()
    }

    /// The writes at `revision` and after, in log order. O(log n) to find the start.
    pub(crate) fn since(&self, revision: Revision) -> impl Iterator<Item = &Change> + Clone {
        let start = self
            .changes
            .partition_point(|change| change.revision < revision);
        self.changes.range(start..)
    }

    /// Removes the writes at `revision` and before, returning their keys (a key written at
    /// several of those revisions appears once per write).
    pub(crate) fn drain_through(&mut self, revision: Revision) -> Vec<Bytes> {
        let end = self
            .changes
            .partition_point(|change| change.revision <= revision);
        self.changes.drain(..end).map(|change| change.key).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> ChangeLog {
        let mut log = ChangeLog::default();
        for (revision, key) in [(4, "a"), (5, "b"), (5, "c"), (5, "a"), (7, "b"), (8, "a")] {
            log.push(revision, Bytes::from(key));
        }
        log
    }

    fn keys<'a>(changes: impl Iterator<Item = &'a Change>) -> Vec<(Revision, &'a [u8])> {
        changes.map(|c| (c.revision, &c.key[..])).collect()
    }

    #[test]
    fn since_starts_at_the_first_write_at_or_after_the_revision() {
        let log = log();
        let cases: &[(Revision, usize)] = &[(0, 6), (4, 6), (5, 5), (6, 2), (7, 2), (8, 1), (9, 0)];
        for (i, (revision, expected)) in cases.iter().enumerate() {
            assert_eq!(
                log.since(*revision).count(),
                *expected,
                "#{i}: since({revision})"
            );
        }
        assert_eq!(
            keys(log.since(5)),
            [(5, &b"b"[..]), (5, b"c"), (5, b"a"), (7, b"b"), (8, b"a")],
            "op order within a revision is kept"
        );
    }

    #[test]
    fn drain_through_pops_the_front() {
        let mut log = log();
        assert_eq!(log.drain_through(3), Vec::<Bytes>::new());
        assert_eq!(log.drain_through(5), ["a", "b", "c", "a"]);
        assert_eq!(keys(log.iter()), [(7, &b"b"[..]), (8, b"a")]);
        assert_eq!(log.drain_through(6), Vec::<Bytes>::new());
        assert_eq!(log.drain_through(100), ["b", "a"]);
        assert_eq!(log.len(), 0);
    }
}
