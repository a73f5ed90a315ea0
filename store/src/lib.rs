//! The etcd-style MVCC keyspace behind kubemem.
//!
//! This crate owns one thing: an ordered map from byte keys to byte values that remembers its
//! past. It knows nothing of HTTP, Kubernetes, clocks, randomness or Raft; the apiserver stores
//! objects here under `/registry/...` keys, and the Raft state machine owns one [`Store`] per
//! node and applies the same [`Txn`]s in the same order on every node.
//!
//! # The model
//!
//! * **Revisions.** The keyspace has one counter, the [`Revision`]. An empty store is at
//!   revision 0. Every [`Txn`] that writes (at least one put, or a delete of a key that exists)
//!   advances it by exactly one, and all of that txn's writes carry the new revision as their
//!   `mod_revision`. A txn that only reads, fails its compares without writing, or only deletes
//!   missing keys consumes no revision. Revisions therefore have no gaps.
//! * **Keys and versions.** Each key has generations, as in etcd: a put on a missing key starts a
//!   generation (`create_revision` = that revision, `version` = 1), each further put increments
//!   `version`, and a delete ends the generation with a tombstone. See [`KeyValue`].
//! * **Reads at a revision.** [`Store::range`] reads one key or a prefix as it was at any
//!   revision from the compacted revision up to the current one, with `after` + `limit`
//!   pagination. Older revisions answer [`StoreError::Compacted`], newer ones
//!   [`StoreError::FutureRevision`].
//! * **Writes are txns.** [`Store::txn`] evaluates compares on `mod_revision` /
//!   `create_revision` (optimistic locking) and applies the success or failure ops atomically.
//! * **History and compaction.** Every write is remembered (values are shared [`Bytes`], never
//!   copied) until [`Store::compact`] drops what is no longer needed to read at the compacted
//!   revision. [`StoreConfig::auto_compact_retention`] compacts automatically and
//!   deterministically, as part of applying a txn.
//! * **Watch.** The history doubles as a revision-ordered change log. A [`Watcher`] is a cursor
//!   into it: it pulls the changes after its cursor, filters them by prefix and hands them out in
//!   bounded [`WatchBatch`]es. Writers only bump a `tokio::sync::watch` channel; they never wait
//!   for watchers. A watcher that falls so far behind that compaction passes its cursor gets
//!   [`StoreError::Compacted`] — never a silent gap.
//! * **Snapshots.** [`Store::snapshot`] encodes the whole keyspace including retained history;
//!   [`Store::restore`] (or [`Store::install_snapshot`] in place) brings it back so that every
//!   read and watch at a retained revision answers exactly as before.
//!
//! # Modules
//!
//! One concern per file, as in etcd's `mvcc` package: `revision` (numbering and read bounds),
//! `key_history` (one key's generations, with a worked trace), `change_log` (the
//! revision-ordered log watchers read), `keyspace` (the state), `range`, `txn`, `compaction`,
//! `watch` (the pull-based watch hub), `snapshot` (the binary format), `store` (the shared
//! handle) and, behind the `testing` feature, [`testing`] (the conformance suite every backend
//! runs).
//!
//! # Example
//!
//! ```
//! use kubemem_store::{Compare, CompareOp, Op, RangeRequest, Store, StoreConfig, Txn};
//!
//! let store = Store::new(StoreConfig::default());
//! let created = store.txn(Txn::unconditional(vec![Op::put("/registry/a", "1")]));
//! assert_eq!(created.revision, 1);
//!
//! // Optimistic update: only if nobody wrote the key since revision 1.
//! let updated = store.txn(Txn {
//!     compares: vec![Compare::mod_revision("/registry/a", CompareOp::Equal, 1)],
//!     success: vec![Op::put("/registry/a", "2")],
//!     failure: vec![Op::get("/registry/a")],
//! });
//! assert!(updated.succeeded);
//!
//! let old = store.range(&RangeRequest::key("/registry/a").at_revision(1)).unwrap();
//! assert_eq!(old.kvs[0].value, "1");
//! ```

mod change_log;
mod compaction;
mod error;
mod feeds;
mod key_history;
mod keyspace;
mod range;
mod revision;
mod snapshot;
mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod txn;
mod watch;

pub use bytes::Bytes;
pub use error::StoreError;
pub use keyspace::KeyValue;
pub use range::{RangeEnd, RangeRequest, RangeResponse};
pub use revision::Revision;
pub use store::{Store, StoreConfig};
pub use txn::{Compare, CompareOp, Op, OpResult, Txn, TxnResponse};
pub use watch::{Event, EventKind, WatchBatch, Watcher};
