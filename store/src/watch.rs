//! Watch: each [`Watcher`] is a cursor into the change log that pulls its own events.
//!
//! There is no hub pushing into per-watcher queues. A watcher remembers the next revision it
//! owes its reader (`cursor`); to produce a batch it takes the store's read lock briefly, scans
//! the change log from the cursor, keeps the changes under its prefix, builds the events from the
//! key histories (cloning `Bytes`, never copying values) and advances the cursor. Writers only
//! publish a new revision on the channel of each prefix they touched (`feeds`: a watcher whose
//! prefix saw no change since its cursor skips to the present without a scan), so:
//!
//! * a watcher that never reads costs the writers nothing (it holds no queue that could fill);
//! * a watcher that reads slowly just lags; if compaction passes its cursor, its next read
//!   answers [`StoreError::Compacted`] and it is finished — that is how "too far behind" shows,
//!   never as a gap;
//! * a far-behind watcher catches up in batches of at most [`MAX_BATCH_EVENTS`] events (more only
//!   when a single revision alone has more), scanning at most [`MAX_SCAN_CHANGES`] log entries
//!   per lock hold, so it never holds the lock for long.
//!
//! ```text
//! log:     (4,/a/x) (5,/b/y) (6,/a/x) (6,/a/z) (8,/b/y)   current = 9 (7, 9: no visible change)
//! watcher on "/a/", cursor 5:
//!   next() → batch [Put /a/x @6, Put /a/z @6], revision 9; cursor 10
//!   next() → waits for the channel to announce revision ≥ 10, then scans again
//! compact(9) while the cursor is 5 → next() = Err(Compacted { requested: 5, compacted: 9 })
//! ```
//!
//! A batch never splits a revision, so [`Watcher::revision`] can promise that every event at or
//! below it has been returned.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::watch;

use crate::feeds::Feed;
use crate::keyspace::Keyspace;
use crate::store::Shared;
use crate::{KeyValue, Revision, StoreError};

/// A batch stops at the first revision boundary at or after this many events.
pub(crate) const MAX_BATCH_EVENTS: usize = 1000;

/// A scan releases the lock at the first revision boundary after this many log entries.
pub(crate) const MAX_SCAN_CHANGES: usize = 10_000;

/// What happened to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The key was created or updated.
    Put,
    /// The key was deleted.
    Delete,
}

/// One change to one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Put or delete.
    pub kind: EventKind,
    /// The key after the change. For a delete: the key, an empty value, `mod_revision` = the
    /// delete's revision, `create_revision` and `version` 0.
    pub kv: KeyValue,
    /// The key just before the change, if it existed.
    pub prev_kv: Option<KeyValue>,
}

/// Consecutive events for one watcher, in revision order (op order within a revision).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchBatch {
    /// At least one event.
    pub events: Vec<Event>,
    /// Every event at or below this revision has now been returned; equals
    /// [`Watcher::revision`] right after this batch.
    pub revision: Revision,
}

/// A cursor over the store's changes under one prefix; made by [`crate::Store::watch`].
///
/// `Send + 'static` and independent of the `Store` handle's lifetime (it shares the keyspace).
pub struct Watcher {
    shared: Arc<Shared>,
    /// The watchers of this watcher's prefix, and what their writers publish.
    feed: Arc<Feed>,
    changes: watch::Receiver<Revision>,
    /// The next revision whose events this watcher owes.
    cursor: Revision,
    /// Set once the watcher fell behind compaction; returned from then on.
    failed: Option<StoreError>,
    max_batch_events: usize,
}

impl Watcher {
    /// A watcher of `feed`'s prefix from revision `start`.
    pub(crate) fn new(shared: Arc<Shared>, feed: Arc<Feed>, start: Revision) -> Watcher {
        let changes = feed.subscribe();
        Watcher {
            shared,
            feed,
            changes,
            cursor: start,
            failed: None,
            max_batch_events: MAX_BATCH_EVENTS,
        }
    }

    /// The prefix this watcher filters on.
    pub fn prefix(&self) -> &Bytes {
        self.feed.prefix()
    }

    /// Every event at or below this revision has been returned. It advances past revisions with
    /// no matching changes too (as soon as a read notices them), so it serves as the revision of
    /// a bookmark or progress notification. For a watcher started at a future revision `S` it
    /// starts at `S - 1`.
    pub fn revision(&self) -> Revision {
        self.cursor - 1
    }

    /// Waits for the next batch of at least one event.
    ///
    /// Returns [`StoreError::Compacted`] if compaction passed the cursor before the events were
    /// read; the watcher is then finished and keeps returning that error.
    ///
    /// Cancel-safe: the cursor only moves when a batch is returned, so dropping the future (for
    /// example when another `tokio::select!` branch wins) loses nothing.
    pub async fn next(&mut self) -> Result<WatchBatch, StoreError> {
        loop {
            if let Some(result) = self.try_next() {
                return result;
            }
            // The sender lives in `self.feed`, which this watcher keeps alive, so `changed`
            // returns only when a new revision is published; were it ever closed, no revision
            // could follow and waiting forever would be the truth.
            if self.changes.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// The next batch if one is ready now; `None` if the watcher is caught up (its
    /// [`revision`](Watcher::revision) still advances to the current revision).
    pub fn try_next(&mut self) -> Option<Result<WatchBatch, StoreError>> {
        if let Some(error) = &self.failed {
            return Some(Err(error.clone()));
        }
        // Mark the published revision as seen *before* reading the log: a write committed after
        // this point makes the next `changed()` return at once, so no wake-up is lost.
        self.changes.mark_unchanged();
        loop {
            let keyspace = self.shared.keyspace.read();
            if self.feed.last_change() < self.cursor {
                // Nothing under the prefix changed from the cursor on: nothing is owed.
                self.cursor = self.cursor.max(keyspace.current + 1);
                return None;
            }
            if self.cursor <= keyspace.compacted {
                let error = StoreError::Compacted {
                    requested: self.cursor,
                    compacted: keyspace.compacted,
                };
                self.failed = Some(error.clone());
                return Some(Err(error));
            }
            if self.cursor > keyspace.current {
                return None;
            }
            let (events, covered) = keyspace.events(
                self.feed.prefix(),
                self.cursor,
                self.max_batch_events,
                MAX_SCAN_CHANGES,
            );
            drop(keyspace);
            self.cursor = covered + 1;
            if !events.is_empty() {
                return Some(Ok(WatchBatch {
                    events,
                    revision: covered,
                }));
            }
        }
    }
}

impl fmt::Debug for Watcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watcher")
            .field("prefix", self.feed.prefix())
            .field("revision", &self.revision())
            .field("failed", &self.failed)
            .finish()
    }
}

impl Keyspace {
    /// The events under `prefix` from revision `from` on, stopping at a revision boundary once
    /// `max_events` events or `max_scan` log entries are reached. Also returns the last revision
    /// fully covered (the current one if the scan reached the end of the log).
    pub(crate) fn events(
        &self,
        prefix: &[u8],
        from: Revision,
        max_events: usize,
        max_scan: usize,
    ) -> (Vec<Event>, Revision) {
        let mut events = Vec::new();
        let mut scanning = None;
        for (scanned, change) in self.log.since(from).enumerate() {
            if scanning != Some(change.revision) {
                if events.len() >= max_events || scanned >= max_scan {
                    return (events, change.revision - 1);
                }
                scanning = Some(change.revision);
            }
            if !change.key.starts_with(prefix) {
                continue;
            }
            let Some((entry, prev)) = self
                .index
                .get(&change.key)
                .and_then(|history| history.change_at(change.revision))
            else {
                continue;
            };
            events.push(Event {
                kind: if entry.is_tombstone() {
                    EventKind::Delete
                } else {
                    EventKind::Put
                },
                kv: entry.to_key_value(&change.key),
                prev_kv: prev.map(|prev| prev.to_key_value(&change.key)),
            });
        }
        (events, self.current)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{Op, Store, StoreConfig, Txn};

    fn store() -> Store {
        Store::new(StoreConfig {
            auto_compact_retention: None,
        })
    }

    fn put(store: &Store, key: &str, value: &str) -> Revision {
        store
            .txn(Txn::unconditional(vec![Op::put(
                key.to_owned(),
                value.to_owned(),
            )]))
            .revision
    }

    fn delete(store: &Store, key: &str) -> Revision {
        store
            .txn(Txn::unconditional(vec![Op::delete(key.to_owned())]))
            .revision
    }

    fn summary(batch: &WatchBatch) -> Vec<(EventKind, String, Revision)> {
        batch
            .events
            .iter()
            .map(|e| {
                let key = String::from_utf8_lossy(&e.kv.key).into_owned();
                (e.kind, key, e.kv.mod_revision)
            })
            .collect()
    }

    #[test]
    fn replays_history_then_reports_nothing_more() {
        let store = store();
        put(&store, "/a/x", "1");
        put(&store, "/b/y", "1");
        put(&store, "/a/x", "2");
        delete(&store, "/a/x");
        let mut watcher = store.watch(Bytes::from_static(b"/a/"), 1).expect("watch");
        let batch = watcher.try_next().expect("ready").expect("not compacted");
        assert_eq!(
            summary(&batch),
            [
                (EventKind::Put, "/a/x".into(), 1),
                (EventKind::Put, "/a/x".into(), 3),
                (EventKind::Delete, "/a/x".into(), 4),
            ]
        );
        assert_eq!(batch.revision, 4);
        assert_eq!(watcher.revision(), 4);
        let delete = &batch.events[2];
        assert_eq!(delete.kv.value, "");
        assert_eq!((delete.kv.create_revision, delete.kv.version), (0, 0));
        assert_eq!(
            delete.prev_kv.as_ref().map(|kv| kv.value.clone()),
            Some("2".into())
        );
        assert_eq!(batch.events[0].prev_kv, None);
        assert!(watcher.try_next().is_none());
    }

    #[test]
    fn revision_advances_past_unrelated_writes() {
        let store = store();
        let mut watcher = store.watch(Bytes::from_static(b"/a/"), 0).expect("watch");
        assert_eq!(watcher.revision(), 0);
        put(&store, "/b/1", "x");
        put(&store, "/b/2", "x");
        assert!(watcher.try_next().is_none());
        assert_eq!(watcher.revision(), 2);
        put(&store, "/a/1", "x");
        put(&store, "/b/3", "x");
        let batch = watcher.try_next().expect("ready").expect("ok");
        assert_eq!(summary(&batch), [(EventKind::Put, "/a/1".into(), 3)]);
        assert_eq!(batch.revision, 4);
    }

    #[test]
    fn a_write_wakes_only_the_watchers_of_its_prefix() {
        let store = store();
        let mut a = store.watch(Bytes::from_static(b"/a/"), 0).expect("watch");
        let all = store.watch(Bytes::new(), 0).expect("watch");
        put(&store, "/b/1", "x");
        let woken = |w: &Watcher| w.changes.has_changed().expect("open");
        assert!(!woken(&a), "/a/ woken by /b/1");
        assert!(woken(&all));
        put(&store, "/a/1", "x");
        assert!(woken(&a));
        let batch = a.try_next().expect("ready").expect("ok");
        assert_eq!(summary(&batch), [(EventKind::Put, "/a/1".into(), 2)]);
    }

    #[test]
    fn compaction_of_revisions_with_nothing_for_a_watcher_does_not_expire_it() {
        let store = store();
        put(&store, "/a/1", "x");
        let mut watcher = store.watch(Bytes::from_static(b"/a/"), 2).expect("watch");
        for i in 0..5 {
            put(&store, &format!("/b/{i}"), "x");
        }
        store.compact(5).expect("compact");
        assert!(watcher.try_next().is_none(), "nothing owed, no error");
        assert_eq!(watcher.revision(), 6);
        put(&store, "/a/2", "x");
        let batch = watcher.try_next().expect("ready").expect("ok");
        assert_eq!(summary(&batch), [(EventKind::Put, "/a/2".into(), 7)]);
    }

    #[test]
    fn batches_are_bounded_and_never_split_a_revision() {
        let store = store();
        for i in 0..10 {
            put(&store, &format!("/k/{i}"), "x");
        }
        // Revision 11 writes three keys at once.
        store.txn(Txn::unconditional(vec![
            Op::put("/k/a", "x"),
            Op::put("/k/b", "x"),
            Op::put("/k/c", "x"),
        ]));
        let mut watcher = store.watch(Bytes::new(), 1).expect("watch");
        watcher.max_batch_events = 4;
        let mut sizes = Vec::new();
        let mut revisions = Vec::new();
        while let Some(batch) = watcher.try_next() {
            let batch = batch.expect("ok");
            sizes.push(batch.events.len());
            revisions.push(batch.revision);
        }
        assert_eq!(sizes, [4, 4, 2 + 3]);
        assert_eq!(revisions, [4, 8, 11]);
    }

    #[test]
    fn scans_are_bounded_even_without_matches() {
        let mut keyspace = Keyspace::default();
        for i in 0..30 {
            keyspace.apply(Txn::unconditional(vec![Op::put(
                format!("/other/{i}"),
                "x",
            )]));
        }
        keyspace.apply(Txn::unconditional(vec![Op::put("/mine", "x")]));
        let (events, covered) = keyspace.events(b"/mine", 1, 10, 8);
        assert_eq!((events.len(), covered), (0, 8));
        let (events, covered) = keyspace.events(b"/mine", 25, 10, 8);
        assert_eq!((events.len(), covered), (1, 31));
    }

    #[test]
    fn a_watcher_that_never_reads_does_not_block_writers() {
        let store = Store::new(StoreConfig::default());
        let idle = store.watch(Bytes::new(), 0).expect("watch");
        for i in 0..100_000 {
            put(&store, &format!("/k/{}", i % 1000), "x");
        }
        assert_eq!(store.current_revision(), 100_000);
        // The default retention compacted well past where the idle watcher stopped.
        let mut idle = idle;
        assert_eq!(
            idle.try_next(),
            Some(Err(StoreError::Compacted {
                requested: 1,
                compacted: store.compacted_revision()
            }))
        );
    }

    #[test]
    fn a_lagging_watcher_gets_compacted_and_stays_finished() {
        let store = store();
        put(&store, "/a", "1");
        let mut watcher = store.watch(Bytes::new(), 1).expect("watch");
        let first = watcher.try_next().expect("ready").expect("ok");
        assert_eq!(first.revision, 1);
        put(&store, "/a", "2");
        put(&store, "/a", "3");
        store.compact(2).expect("compact");
        let expected = StoreError::Compacted {
            requested: 2,
            compacted: 2,
        };
        assert_eq!(watcher.try_next(), Some(Err(expected.clone())));
        put(&store, "/a", "4");
        assert_eq!(watcher.try_next(), Some(Err(expected)));
    }

    #[test]
    fn a_caught_up_watcher_survives_compaction() {
        let store = store();
        put(&store, "/a", "1");
        put(&store, "/a", "2");
        let mut watcher = store.watch(Bytes::new(), 0).expect("watch");
        store.compact(2).expect("compact");
        put(&store, "/a", "3");
        let batch = watcher.try_next().expect("ready").expect("ok");
        assert_eq!(summary(&batch), [(EventKind::Put, "/a".into(), 3)]);
        assert_eq!(
            batch.events[0].prev_kv.as_ref().map(|kv| kv.mod_revision),
            Some(2)
        );
    }

    #[tokio::test]
    async fn next_wakes_on_a_matching_write_from_another_task() {
        let store = store();
        let mut watcher = store.watch(Bytes::from_static(b"/a/"), 0).expect("watch");
        let writer = store.clone();
        let task = tokio::spawn(async move {
            for i in 0..3 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                put(&writer, &format!("/b/{i}"), "x");
            }
            put(&writer, "/a/1", "x");
        });
        let batch = tokio::time::timeout(Duration::from_secs(10), watcher.next())
            .await
            .expect("woken")
            .expect("ok");
        assert_eq!(summary(&batch), [(EventKind::Put, "/a/1".into(), 4)]);
        task.await.expect("writer");
    }

    #[tokio::test]
    async fn next_is_cancel_safe() {
        let store = store();
        let mut watcher = store.watch(Bytes::new(), 0).expect("watch");
        let mut seen = Vec::new();
        let mut writes = 0;
        while seen.len() < 20 {
            tokio::select! {
                batch = watcher.next() => {
                    seen.extend(batch.expect("ok").events.into_iter().map(|e| e.kv.mod_revision));
                }
                () = tokio::time::sleep(Duration::from_millis(1)) => {
                    // The timer wins on every idle round, cancelling `next`; then write one more.
                    if writes < 20 {
                        writes += 1;
                        put(&store, "/k", "x");
                    }
                }
            }
        }
        assert_eq!(seen, (1..=20).collect::<Vec<_>>());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_and_watchers_see_every_event_in_order() {
        let store = store();
        let mut watchers: Vec<Watcher> = (0..4)
            .map(|_| store.watch(Bytes::new(), 0).expect("watch"))
            .collect();
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for i in 0..250 {
                        put(&store, &format!("/w{w}/{i}"), "x");
                        if i % 50 == 0 {
                            tokio::task::yield_now().await;
                        }
                    }
                })
            })
            .collect();
        for watcher in &mut watchers {
            let mut revisions = Vec::new();
            while revisions.len() < 1000 {
                let batch = tokio::time::timeout(Duration::from_secs(10), watcher.next())
                    .await
                    .expect("events keep coming")
                    .expect("ok");
                revisions.extend(batch.events.iter().map(|e| e.kv.mod_revision));
                assert_eq!(batch.revision, watcher.revision());
            }
            assert_eq!(revisions, (1..=1000).collect::<Vec<_>>());
        }
        for writer in writers {
            writer.await.expect("writer");
        }
    }

    #[test]
    fn install_snapshot_keeps_watchers_whose_history_is_retained() {
        let source = store();
        for i in 0..5 {
            put(&source, "/a", &i.to_string());
        }
        let snapshot = source.snapshot();
        let follower = store();
        put(&follower, "/a", "0");
        put(&follower, "/a", "1");
        let mut caught_up = follower.watch(Bytes::new(), 1).expect("watch");
        assert_eq!(
            caught_up.try_next().map(|b| b.map(|b| b.revision)),
            Some(Ok(2))
        );
        follower.install_snapshot(&snapshot).expect("install");
        let batch = caught_up.try_next().expect("ready").expect("ok");
        assert_eq!(
            summary(&batch).iter().map(|e| e.2).collect::<Vec<_>>(),
            [3, 4, 5]
        );

        source.compact(4).expect("compact");
        let compacted = source.snapshot();
        let lagging_follower = store();
        put(&lagging_follower, "/a", "0");
        let mut lagging = lagging_follower.watch(Bytes::new(), 0).expect("watch");
        lagging_follower
            .install_snapshot(&compacted)
            .expect("install");
        assert_eq!(
            lagging.try_next(),
            Some(Err(StoreError::Compacted {
                requested: 2,
                compacted: 4
            }))
        );
    }
}
