//! The conformance suite every kubemem backend runs (feature `testing`).
//!
//! A backend — the single-node [`Store`], or the Raft-replicated store — implements [`Backend`];
//! [`run_all`] then drives each named case against a fresh, empty backend, as openraft's
//! `Suite::test_all` does for storage. Each case is also a public function, so a backend can run
//! one at a time (one `#[tokio::test]` per case reports failures by name).
//!
//! Requirements on the backend under test:
//!
//! * `make` returns an **empty** backend (revision 0) with **automatic compaction disabled**;
//!   the cases assert exact revisions, starting from 1.
//! * Once `txn`, `compact` or `restore` has returned, its effect is visible to `range` and to
//!   watchers made by `watch` (for Raft: applied on the node serving them).
//! * The suite runs inside a tokio runtime with time enabled (`#[tokio::test]`); waits for
//!   watch events time out after [`EVENT_TIMEOUT`].
//!
//! ```
//! use kubemem_store::{Store, StoreConfig, testing};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! testing::run_all(|| async { Store::new(StoreConfig { auto_compact_retention: None }) }).await;
//! # });
//! ```

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

use crate::{
    Compare, CompareOp, Event, EventKind, KeyValue, Op, OpResult, RangeRequest, RangeResponse,
    Revision, Store, StoreError, Txn, TxnResponse, WatchBatch, Watcher,
};

/// How long a case waits for a watch event before failing.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the suite needs from a backend. Async because a replicated backend commits through
/// consensus before it answers.
pub trait Backend {
    /// Applies a txn (on every replica, for a replicated backend).
    fn txn(&self, txn: Txn) -> impl Future<Output = TxnResponse>;
    /// Reads at a revision; revision 0 must be linearizable.
    fn range(
        &self,
        request: RangeRequest,
    ) -> impl Future<Output = Result<RangeResponse, StoreError>>;
    /// Compacts to `revision`.
    fn compact(&self, revision: Revision) -> impl Future<Output = Result<(), StoreError>>;
    /// Watches `prefix` from `start_revision` (see [`Store::watch`]).
    fn watch(
        &self,
        prefix: Bytes,
        start_revision: Revision,
    ) -> impl Future<Output = Result<Watcher, StoreError>>;
    /// Snapshots the whole keyspace.
    fn snapshot(&self) -> impl Future<Output = Bytes>;
    /// Replaces the backend's contents with a snapshot.
    fn restore(&self, snapshot: Bytes) -> impl Future<Output = Result<(), StoreError>>;
}

impl Backend for Store {
    async fn txn(&self, txn: Txn) -> TxnResponse {
        Store::txn(self, txn)
    }

    async fn range(&self, request: RangeRequest) -> Result<RangeResponse, StoreError> {
        Store::range(self, &request)
    }

    async fn compact(&self, revision: Revision) -> Result<(), StoreError> {
        Store::compact(self, revision)
    }

    async fn watch(&self, prefix: Bytes, start_revision: Revision) -> Result<Watcher, StoreError> {
        Store::watch(self, prefix, start_revision)
    }

    async fn snapshot(&self) -> Bytes {
        Store::snapshot(self)
    }

    async fn restore(&self, snapshot: Bytes) -> Result<(), StoreError> {
        Store::install_snapshot(self, &snapshot)
    }
}

/// Defines [`CASES`] and [`run_all`] from one list, so they cannot disagree.
macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        /// The names of the cases, in the order [`run_all`] runs them.
        pub const CASES: &[&str] = &[$(stringify!($name),)* "snapshot_round_trip"];

        /// Runs every case, each against fresh backends from `make` (async, since starting a
        /// replicated backend is).
        pub async fn run_all<B, F, Fut>(make: F)
        where
            B: Backend,
            F: Fn() -> Fut,
            Fut: Future<Output = B>,
        {
            $(
                println!("=== {}", stringify!($name));
                $name(&make().await).await;
            )*
            println!("=== snapshot_round_trip");
            snapshot_round_trip(&make().await, &make().await).await;
        }
    };
}

suite!(
    create,
    update_with_mod_revision_compare,
    conflict,
    create_if_absent,
    delete,
    multi_op_txn,
    range_at_old_revisions,
    prefix_after_limit_count,
    compaction_errors,
    future_revision,
    watch_from_history,
    watch_live_events,
    watch_ordering_across_keys,
    watch_prefix_filtering,
    watch_prev_kv,
    watcher_compacted_while_lagging,
);

fn kv(key: &str, value: &str, create: Revision, modified: Revision, version: i64) -> KeyValue {
    KeyValue {
        key: Bytes::copy_from_slice(key.as_bytes()),
        value: Bytes::copy_from_slice(value.as_bytes()),
        create_revision: create,
        mod_revision: modified,
        version,
    }
}

async fn put<B: Backend>(backend: &B, key: &str, value: &str) -> TxnResponse {
    let op = Op::put(key.to_owned(), value.to_owned());
    backend.txn(Txn::unconditional(vec![op])).await
}

async fn delete_key<B: Backend>(backend: &B, key: &str) -> TxnResponse {
    let op = Op::delete(key.to_owned());
    backend.txn(Txn::unconditional(vec![op])).await
}

async fn get<B: Backend>(backend: &B, key: &str) -> Option<KeyValue> {
    let response = backend
        .range(RangeRequest::key(key.to_owned()))
        .await
        .expect("read at the current revision");
    assert!(
        response.kvs.len() <= 1,
        "one key read returned {:?}",
        response.kvs
    );
    response.kvs.into_iter().next()
}

async fn current_revision<B: Backend>(backend: &B) -> Revision {
    backend
        .range(RangeRequest::key(""))
        .await
        .expect("read at the current revision")
        .revision
}

fn keys(response: &RangeResponse) -> Vec<String> {
    response
        .kvs
        .iter()
        .map(|kv| String::from_utf8_lossy(&kv.key).into_owned())
        .collect()
}

async fn next_batch(watcher: &mut Watcher) -> WatchBatch {
    tokio::time::timeout(EVENT_TIMEOUT, watcher.next())
        .await
        .unwrap_or_else(|_| panic!("no watch event within {EVENT_TIMEOUT:?}"))
        .expect("watch batch")
}

/// Collects exactly `count` events, checking each batch's revision bookkeeping on the way.
async fn events(watcher: &mut Watcher, count: usize) -> Vec<Event> {
    let mut events = Vec::new();
    while events.len() < count {
        let batch = next_batch(watcher).await;
        assert!(!batch.events.is_empty(), "batches are never empty");
        assert_eq!(batch.revision, watcher.revision());
        assert!(
            batch
                .events
                .iter()
                .all(|e| e.kv.mod_revision <= batch.revision),
            "a batch holds no event past its revision"
        );
        events.extend(batch.events);
    }
    assert_eq!(events.len(), count, "more events than expected: {events:?}");
    events
}

fn summary(events: &[Event]) -> Vec<(EventKind, String, Revision)> {
    events
        .iter()
        .map(|e| {
            let key = String::from_utf8_lossy(&e.kv.key).into_owned();
            (e.kind, key, e.kv.mod_revision)
        })
        .collect()
}

fn assert_caught_up(watcher: &mut Watcher) {
    if let Some(extra) = watcher.try_next() {
        panic!("unexpected watch batch: {extra:?}");
    }
}

/// A put of a new key creates revision 1 with version 1.
pub async fn create<B: Backend>(backend: &B) {
    assert_eq!(current_revision(backend).await, 0, "a new backend is empty");
    let response = put(backend, "/c/a", "1").await;
    assert_eq!(
        response,
        TxnResponse {
            succeeded: true,
            revision: 1,
            results: vec![OpResult::Put {
                prev: None,
                kv: kv("/c/a", "1", 1, 1, 1)
            }],
        }
    );
    assert_eq!(get(backend, "/c/a").await, Some(kv("/c/a", "1", 1, 1, 1)));
    assert_eq!(current_revision(backend).await, 1);
}

/// An update guarded by the current `mod_revision` succeeds and bumps `version`.
pub async fn update_with_mod_revision_compare<B: Backend>(backend: &B) {
    put(backend, "/u/a", "1").await;
    let response = backend
        .txn(Txn {
            compares: vec![Compare::mod_revision("/u/a", CompareOp::Equal, 1)],
            success: vec![Op::put("/u/a", "2")],
            failure: vec![Op::get("/u/a")],
        })
        .await;
    assert!(response.succeeded);
    assert_eq!(response.revision, 2);
    assert_eq!(
        response.results,
        [OpResult::Put {
            prev: Some(kv("/u/a", "1", 1, 1, 1)),
            kv: kv("/u/a", "2", 1, 2, 2)
        }]
    );
    assert_eq!(get(backend, "/u/a").await, Some(kv("/u/a", "2", 1, 2, 2)));
}

/// A stale `mod_revision` fails the compare, runs the failure ops, and writes nothing.
pub async fn conflict<B: Backend>(backend: &B) {
    put(backend, "/x/a", "1").await;
    put(backend, "/x/a", "2").await;
    let response = backend
        .txn(Txn {
            compares: vec![Compare::mod_revision("/x/a", CompareOp::Equal, 1)],
            success: vec![Op::put("/x/a", "lost update")],
            failure: vec![Op::get("/x/a")],
        })
        .await;
    assert_eq!(
        response,
        TxnResponse {
            succeeded: false,
            revision: 2,
            results: vec![OpResult::Get(Some(kv("/x/a", "2", 1, 2, 2)))],
        }
    );
    assert_eq!(
        current_revision(backend).await,
        2,
        "a failed txn consumes no revision"
    );
    assert_eq!(get(backend, "/x/a").await, Some(kv("/x/a", "2", 1, 2, 2)));
}

/// `create_revision == 0` means "absent": create-only-if-missing works once.
pub async fn create_if_absent<B: Backend>(backend: &B) {
    let create = || Txn {
        compares: vec![Compare::create_revision("/n/a", CompareOp::Equal, 0)],
        success: vec![Op::put("/n/a", "first")],
        failure: vec![Op::get("/n/a")],
    };
    assert!(backend.txn(create()).await.succeeded);
    let again = backend.txn(create()).await;
    assert!(!again.succeeded);
    assert_eq!(
        again.results,
        [OpResult::Get(Some(kv("/n/a", "first", 1, 1, 1)))]
    );
}

/// Deletes take a revision and report the previous value; deleting a missing key is a no-op
/// that takes none; a recreated key starts a new generation.
pub async fn delete<B: Backend>(backend: &B) {
    put(backend, "/d/a", "1").await;
    let deleted = delete_key(backend, "/d/a").await;
    assert_eq!(
        deleted,
        TxnResponse {
            succeeded: true,
            revision: 2,
            results: vec![OpResult::Delete {
                prev: Some(kv("/d/a", "1", 1, 1, 1))
            }],
        }
    );
    assert_eq!(get(backend, "/d/a").await, None);
    let again = delete_key(backend, "/d/a").await;
    assert_eq!(
        again.revision, 2,
        "deleting a missing key consumes no revision"
    );
    assert_eq!(again.results, [OpResult::Delete { prev: None }]);
    let recreated = put(backend, "/d/a", "2").await;
    assert_eq!(
        recreated.results,
        [OpResult::Put {
            prev: None,
            kv: kv("/d/a", "2", 3, 3, 1)
        }]
    );
}

/// All writes of one txn share one revision; a `Get` sees the txn's earlier ops.
pub async fn multi_op_txn<B: Backend>(backend: &B) {
    put(backend, "/m/c", "old").await;
    let response = backend
        .txn(Txn::unconditional(vec![
            Op::put("/m/a", "1"),
            Op::get("/m/a"),
            Op::put("/m/b", "1"),
            Op::delete("/m/c"),
        ]))
        .await;
    assert_eq!(response.revision, 2);
    assert_eq!(
        response.results[1],
        OpResult::Get(Some(kv("/m/a", "1", 2, 2, 1)))
    );
    let all = backend
        .range(RangeRequest::prefix("/m/"))
        .await
        .expect("range");
    assert_eq!(keys(&all), ["/m/a", "/m/b"]);
    assert!(all.kvs.iter().all(|kv| kv.mod_revision == 2));
}

/// Reads at each past revision see the keyspace exactly as it was.
pub async fn range_at_old_revisions<B: Backend>(backend: &B) {
    put(backend, "/r/a", "1").await; // 1
    put(backend, "/r/b", "1").await; // 2
    put(backend, "/r/a", "2").await; // 3
    delete_key(backend, "/r/b").await; // 4
    let expected: [&[KeyValue]; 5] = [
        // Revision 0 reads at the current revision, 4.
        &[kv("/r/a", "2", 1, 3, 2)],
        &[kv("/r/a", "1", 1, 1, 1)],
        &[kv("/r/a", "1", 1, 1, 1), kv("/r/b", "1", 2, 2, 1)],
        &[kv("/r/a", "2", 1, 3, 2), kv("/r/b", "1", 2, 2, 1)],
        &[kv("/r/a", "2", 1, 3, 2)],
    ];
    for (revision, expected) in (0..).zip(expected) {
        let request = RangeRequest::prefix("/r/").at_revision(revision);
        let response = backend.range(request).await.expect("range");
        assert_eq!(response.kvs, expected, "read at {revision}");
        let served_at = if revision == 0 { 4 } else { revision };
        assert_eq!(response.revision, served_at, "read at {revision}");
    }
}

/// Prefix reads are ordered, paginate with `after` + `limit`, and count all matches.
pub async fn prefix_after_limit_count<B: Backend>(backend: &B) {
    let ops = ["/p/5", "/p/1", "/q/1", "/p/3", "/p/2", "/p", "/p/4", "/o/9"]
        .into_iter()
        .map(|key| Op::put(key, "x"))
        .collect();
    backend.txn(Txn::unconditional(ops)).await;
    let mut pages = Vec::new();
    let mut request = RangeRequest::prefix("/p/").with_limit(2);
    loop {
        let page = backend.range(request.clone()).await.expect("page");
        pages.push((keys(&page), page.more, page.count));
        match page.kvs.last() {
            Some(last) if page.more => request = request.after_key(last.key.clone()),
            _ => break,
        }
    }
    let expected = vec![
        (vec!["/p/1".to_owned(), "/p/2".to_owned()], true, 5),
        (vec!["/p/3".to_owned(), "/p/4".to_owned()], true, 3),
        (vec!["/p/5".to_owned()], false, 1),
    ];
    assert_eq!(pages, expected);
    let counted = backend
        .range(RangeRequest::prefix("/p").only_count())
        .await
        .expect("count");
    assert_eq!(
        (counted.kvs.len(), counted.count, counted.more),
        (0, 6, false)
    );
    let everything = backend.range(RangeRequest::prefix("")).await.expect("all");
    assert_eq!(
        keys(&everything),
        ["/o/9", "/p", "/p/1", "/p/2", "/p/3", "/p/4", "/p/5", "/q/1"]
    );
}

/// Compaction refuses to go backwards or forwards past current; reads below it fail, at it work.
pub async fn compaction_errors<B: Backend>(backend: &B) {
    for i in 1..=5 {
        put(backend, "/k/a", &i.to_string()).await;
    }
    assert_eq!(
        backend.compact(6).await,
        Err(StoreError::FutureRevision {
            requested: 6,
            current: 5
        })
    );
    backend.compact(3).await.expect("compact(3)");
    for again in [2, 3] {
        assert_eq!(
            backend.compact(again).await,
            Err(StoreError::Compacted {
                requested: again,
                compacted: 3
            }),
            "compact({again}) after compact(3)"
        );
    }
    let below = backend
        .range(RangeRequest::key("/k/a").at_revision(2))
        .await;
    assert_eq!(
        below,
        Err(StoreError::Compacted {
            requested: 2,
            compacted: 3
        })
    );
    let at = backend
        .range(RangeRequest::key("/k/a").at_revision(3))
        .await
        .expect("read at the compacted revision");
    assert_eq!(at.kvs, [kv("/k/a", "3", 1, 3, 3)]);
    let watch = backend.watch(Bytes::from_static(b"/k/"), 3).await;
    assert_eq!(
        watch.map(|w| w.revision()),
        Err(StoreError::Compacted {
            requested: 3,
            compacted: 3
        })
    );
    backend.compact(5).await.expect("compact to current");
}

/// Reading past the current revision fails.
pub async fn future_revision<B: Backend>(backend: &B) {
    assert_eq!(
        backend.range(RangeRequest::key("/f").at_revision(1)).await,
        Err(StoreError::FutureRevision {
            requested: 1,
            current: 0
        })
    );
    put(backend, "/f", "x").await;
    assert_eq!(
        backend.range(RangeRequest::key("/f").at_revision(2)).await,
        Err(StoreError::FutureRevision {
            requested: 2,
            current: 1
        })
    );
}

/// A watch from a past revision replays history from exactly there, then continues live.
pub async fn watch_from_history<B: Backend>(backend: &B) {
    put(backend, "/h/a", "1").await; // 1
    put(backend, "/h/b", "1").await; // 2
    put(backend, "/h/a", "2").await; // 3
    delete_key(backend, "/h/b").await; // 4
    let mut watcher = backend
        .watch(Bytes::from_static(b"/h/"), 2)
        .await
        .expect("watch");
    let replayed = events(&mut watcher, 3).await;
    assert_eq!(
        summary(&replayed),
        [
            (EventKind::Put, "/h/b".into(), 2),
            (EventKind::Put, "/h/a".into(), 3),
            (EventKind::Delete, "/h/b".into(), 4),
        ]
    );
    assert_eq!(watcher.revision(), 4);
    assert_caught_up(&mut watcher);
    put(backend, "/h/c", "1").await;
    let live = events(&mut watcher, 1).await;
    assert_eq!(summary(&live), [(EventKind::Put, "/h/c".into(), 5)]);
}

/// A watch from "now" (0) sees only later writes, each exactly once.
pub async fn watch_live_events<B: Backend>(backend: &B) {
    put(backend, "/l/old", "x").await;
    let mut watcher = backend.watch(Bytes::new(), 0).await.expect("watch");
    assert_eq!(watcher.revision(), 1);
    assert_caught_up(&mut watcher);
    put(backend, "/l/a", "1").await;
    assert_eq!(
        summary(&events(&mut watcher, 1).await),
        [(EventKind::Put, "/l/a".into(), 2)]
    );
    put(backend, "/l/b", "1").await;
    delete_key(backend, "/l/a").await;
    assert_eq!(
        summary(&events(&mut watcher, 2).await),
        [
            (EventKind::Put, "/l/b".into(), 3),
            (EventKind::Delete, "/l/a".into(), 4),
        ]
    );
    assert_caught_up(&mut watcher);
}

/// Events across many keys arrive in revision order, and in op order within one revision.
pub async fn watch_ordering_across_keys<B: Backend>(backend: &B) {
    let mut watcher = backend.watch(Bytes::new(), 1).await.expect("watch");
    let mut expected = Vec::new();
    for i in 0..20 {
        let key = format!("/o/{}", (i * 7) % 5);
        let revision = put(backend, &key, "x").await.revision;
        expected.push((EventKind::Put, key, revision));
    }
    let response = backend
        .txn(Txn::unconditional(vec![
            Op::put("/o/z", "x"),
            Op::delete("/o/0"),
            Op::put("/o/a", "x"),
        ]))
        .await;
    expected.push((EventKind::Put, "/o/z".into(), response.revision));
    expected.push((EventKind::Delete, "/o/0".into(), response.revision));
    expected.push((EventKind::Put, "/o/a".into(), response.revision));
    let got = events(&mut watcher, expected.len()).await;
    assert_eq!(summary(&got), expected);
    assert_eq!(watcher.revision(), response.revision);
}

/// A watcher sees only keys under its prefix, yet its revision passes the others.
pub async fn watch_prefix_filtering<B: Backend>(backend: &B) {
    let mut watcher = backend
        .watch(Bytes::from_static(b"/a/"), 0)
        .await
        .expect("watch");
    put(backend, "/ab", "x").await; // 1: not under "/a/"
    put(backend, "/a/1", "x").await; // 2
    put(backend, "/b/1", "x").await; // 3
    put(backend, "/a/", "x").await; // 4: the prefix itself matches
    put(backend, "/b/2", "x").await; // 5
    assert_eq!(
        summary(&events(&mut watcher, 2).await),
        [
            (EventKind::Put, "/a/1".into(), 2),
            (EventKind::Put, "/a/".into(), 4),
        ]
    );
    assert_caught_up(&mut watcher);
    assert_eq!(
        watcher.revision(),
        5,
        "the revision covers unrelated writes too"
    );
}

/// Events carry the previous value; a delete event has etcd's shape.
pub async fn watch_prev_kv<B: Backend>(backend: &B) {
    let mut watcher = backend.watch(Bytes::new(), 0).await.expect("watch");
    put(backend, "/v/a", "1").await;
    put(backend, "/v/a", "2").await;
    delete_key(backend, "/v/a").await;
    put(backend, "/v/a", "3").await;
    let got = events(&mut watcher, 4).await;
    let expected = vec![
        Event {
            kind: EventKind::Put,
            kv: kv("/v/a", "1", 1, 1, 1),
            prev_kv: None,
        },
        Event {
            kind: EventKind::Put,
            kv: kv("/v/a", "2", 1, 2, 2),
            prev_kv: Some(kv("/v/a", "1", 1, 1, 1)),
        },
        Event {
            kind: EventKind::Delete,
            kv: kv("/v/a", "", 0, 3, 0),
            prev_kv: Some(kv("/v/a", "2", 1, 2, 2)),
        },
        Event {
            kind: EventKind::Put,
            kv: kv("/v/a", "3", 4, 4, 1),
            prev_kv: None,
        },
    ];
    assert_eq!(got, expected);
}

/// A watcher that has not read past a compacted revision gets `Compacted`, and stays finished.
pub async fn watcher_compacted_while_lagging<B: Backend>(backend: &B) {
    let mut lagging = backend.watch(Bytes::new(), 0).await.expect("watch");
    let mut keeping_up = backend.watch(Bytes::new(), 0).await.expect("watch");
    put(backend, "/w/a", "1").await;
    put(backend, "/w/a", "2").await;
    assert_eq!(events(&mut keeping_up, 2).await.len(), 2);
    backend.compact(2).await.expect("compact");
    put(backend, "/w/a", "3").await;
    let expected = StoreError::Compacted {
        requested: 1,
        compacted: 2,
    };
    let first = tokio::time::timeout(EVENT_TIMEOUT, lagging.next()).await;
    assert_eq!(first, Ok(Err(expected.clone())));
    let again = tokio::time::timeout(EVENT_TIMEOUT, lagging.next()).await;
    assert_eq!(
        again,
        Ok(Err(expected)),
        "a compacted watcher stays finished"
    );
    assert_eq!(
        summary(&events(&mut keeping_up, 1).await),
        [(EventKind::Put, "/w/a".into(), 3)],
        "a watcher that kept up is unaffected"
    );
}

/// A snapshot restored into another backend answers every read and watch at a retained
/// revision exactly as the source, and carries on from the same revision.
pub async fn snapshot_round_trip<B: Backend>(source: &B, target: &B) {
    put(source, "/s/a", "1").await; // 1
    put(source, "/s/b", "1").await; // 2
    put(source, "/s/a", "2").await; // 3
    source.compact(2).await.expect("compact");
    delete_key(source, "/s/b").await; // 4
    source
        .txn(Txn::unconditional(vec![
            Op::put("/s/c", "1"),
            Op::put("/s/a", "3"),
        ]))
        .await; // 5
    target
        .restore(source.snapshot().await)
        .await
        .expect("restore");
    for revision in 0..=6 {
        let request = RangeRequest::prefix("/s/").at_revision(revision);
        assert_eq!(
            target.range(request.clone()).await,
            source.range(request).await,
            "read at {revision}"
        );
    }
    // (start, events from there: 3 → a@3, b@4, c@5, a@5); starts 1 and 2 are compacted.
    for (start, count) in [(1, 0), (2, 0), (3, 4), (4, 3), (5, 2)] {
        let source_watch = source.watch(Bytes::new(), start).await;
        let target_watch = target.watch(Bytes::new(), start).await;
        match (source_watch, target_watch) {
            (Ok(mut from_source), Ok(mut from_target)) => {
                let expected = events(&mut from_source, count).await;
                assert_eq!(
                    events(&mut from_target, count).await,
                    expected,
                    "watch from {start}"
                );
            }
            (from_source, from_target) => assert_eq!(
                from_target.map(|w| w.revision()),
                from_source.map(|w| w.revision()),
                "watch from {start}"
            ),
        }
    }
    let next = put(target, "/s/d", "1").await;
    assert_eq!(
        next.revision, 6,
        "the restored backend continues the revision sequence"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreConfig;

    fn store() -> Store {
        Store::new(StoreConfig {
            auto_compact_retention: None,
        })
    }

    macro_rules! cases {
        ($($name:ident),* $(,)?) => {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(&store()).await;
                }
            )*

            #[test]
            fn every_case_has_a_test() {
                let tested = [$(stringify!($name)),*, "snapshot_round_trip"];
                assert_eq!(tested, CASES);
            }
        };
    }

    cases!(
        create,
        update_with_mod_revision_compare,
        conflict,
        create_if_absent,
        delete,
        multi_op_txn,
        range_at_old_revisions,
        prefix_after_limit_count,
        compaction_errors,
        future_revision,
        watch_from_history,
        watch_live_events,
        watch_ordering_across_keys,
        watch_prefix_filtering,
        watch_prev_kv,
        watcher_compacted_while_lagging,
    );

    #[tokio::test]
    async fn snapshot_round_trip() {
        super::snapshot_round_trip(&store(), &store()).await;
    }

    #[tokio::test]
    async fn run_all_on_store() {
        run_all(|| async { store() }).await;
    }
}
