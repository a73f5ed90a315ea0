//! The keyspace's state: the ordered key index, the change log and the two revision counters.
//!
//! ```text
//! index:  "/registry/pods/a" → [put@3 (c3 v1), put@9 (c3 v2)]      ordered by key
//!         "/registry/pods/b" → [put@5 (c5 v1), tomb@8]
//! log:    (5, b) (8, b) (9, a)        only writes after `compacted`: put@3 is kept for reads
//!                                     at 4..=8, but its event is gone
//! current = 9, compacted = 4
//! ```
//!
//! Invariants every operation keeps (and a restored snapshot is checked against):
//!
//! * every history is non-empty and obeys the rules in `key_history`;
//! * every entry with `mod_revision > compacted` appears exactly once in the log, and every log
//!   change points at such an entry;
//! * `0 ≤ compacted ≤ current`.
//!
//! The operations live next to their concern: `range`, `txn`, `compaction`, `watch` (events),
//! `snapshot` (encoding).

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::Revision;
use crate::change_log::ChangeLog;
use crate::key_history::KeyHistory;

/// A key as it was at some revision — what reads, txn results and watch events return.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KeyValue {
    /// The key.
    pub key: Bytes,
    /// The value (empty for a delete event).
    pub value: Bytes,
    /// The revision that created this generation of the key (0 for a delete event).
    pub create_revision: Revision,
    /// The revision of the last write to the key (for a delete event, the delete's revision).
    pub mod_revision: Revision,
    /// Puts since the generation was created: 1 on create (0 for a delete event).
    pub version: i64,
}

/// Everything the store holds; guarded by the store's lock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Keyspace {
    pub(crate) index: BTreeMap<Bytes, KeyHistory>,
    pub(crate) log: ChangeLog,
    pub(crate) current: Revision,
    pub(crate) compacted: Revision,
}
