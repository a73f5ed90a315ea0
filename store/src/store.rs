//! [`Store`]: the shared handle — one lock around the keyspace, and channels to wake watchers.
//!
//! `Store` is `Clone` (an `Arc` inside) and `Send + Sync`; every method takes `&self`. Reads
//! (`range`, `current_revision`, `snapshot`'s encoding, watchers catching up) share a
//! `parking_lot::RwLock`; `txn`, `compact` and `install_snapshot` take it exclusively for as long
//! as applying takes and nothing more. After a txn that wrote, the writer publishes the new
//! revision on `tokio::sync::watch` channels — single slots, overwritten, never full — so a
//! writer never waits for any watcher: one for [`Store::wait_for_revision`], and one per prefix
//! watched, for the watchers of the prefixes its keys are under (see `feeds`).

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::RwLock;
use tokio::sync::watch;

use crate::feeds::Feeds;
use crate::keyspace::Keyspace;
use crate::watch::Watcher;
use crate::{RangeRequest, RangeResponse, Revision, StoreError, Txn, TxnResponse, snapshot};

/// How a [`Store`] behaves; the same on every node of a cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    /// Keep at least this many revisions of history; `None` never compacts automatically.
    ///
    /// The default, `Some(10_000)`, lets a list-then-watch client resume from a
    /// `resourceVersion` up to 10 000 writes old (kube-apiserver's etcd keeps ~5 minutes), at a
    /// memory cost of at most ~11 000 superseded values. See the `compaction` module for the
    /// exact policy.
    pub auto_compact_retention: Option<i64>,
}

impl Default for StoreConfig {
    fn default() -> StoreConfig {
        StoreConfig {
            auto_compact_retention: Some(10_000),
        }
    }
}

/// An etcd-style MVCC keyspace (see the crate doc). Cheap to clone: clones share one keyspace.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
}

/// What a store's clones and its watchers share.
pub(crate) struct Shared {
    pub(crate) keyspace: RwLock<Keyspace>,
    /// The latest revision written, for [`Store::wait_for_revision`].
    pub(crate) revisions: watch::Sender<Revision>,
    /// The watchers, by prefix.
    pub(crate) feeds: Feeds,
    config: StoreConfig,
}

impl Store {
    /// An empty store at revision 0.
    pub fn new(config: StoreConfig) -> Store {
        Store::with_keyspace(config, Keyspace::default())
    }

    fn with_keyspace(config: StoreConfig, keyspace: Keyspace) -> Store {
        let (revisions, _) = watch::channel(keyspace.current);
        Store {
            shared: Arc::new(Shared {
                keyspace: RwLock::new(keyspace),
                revisions,
                feeds: Feeds::default(),
                config,
            }),
        }
    }

    /// The configuration the store was made with.
    pub fn config(&self) -> &StoreConfig {
        &self.shared.config
    }

    /// The revision of the latest write (0 for an empty store).
    pub fn current_revision(&self) -> Revision {
        self.shared.keyspace.read().current
    }

    /// Waits until the store has reached `revision` (at once if it has): what a replica does
    /// before answering a write it forwarded, so its own reads and watches already show it.
    pub async fn wait_for_revision(&self, revision: Revision) {
        let mut revisions = self.shared.revisions.subscribe();
        // The sender lives as long as `self`, so this cannot fail.
        let _ = revisions.wait_for(|current| *current >= revision).await;
    }

    /// The revision the store was last compacted to (0 if never); reads below it fail.
    pub fn compacted_revision(&self) -> Revision {
        self.shared.keyspace.read().compacted
    }

    /// Reads one key or a prefix at a revision; see [`RangeRequest`] for the options.
    ///
    /// Fails with [`StoreError::Compacted`] below the compacted revision and
    /// [`StoreError::FutureRevision`] above the current one; reading *at* the compacted revision
    /// works.
    pub fn range(&self, request: &RangeRequest) -> Result<RangeResponse, StoreError> {
        self.shared.keyspace.read().range(request)
    }

    /// Applies `txn` atomically: the only way to write. If it wrote, it took the next revision,
    /// automatic compaction ran if due, and watchers were woken. See [`Txn`] for the semantics.
    pub fn txn(&self, txn: Txn) -> TxnResponse {
        let (response, touched) = {
            let mut keyspace = self.shared.keyspace.write();
            let (response, wrote) = keyspace.apply(txn);
            if !wrote {
                return response;
            }
            let keys = keyspace
                .log
                .since(response.revision)
                .map(|change| &change.key[..]);
            let touched = self.shared.feeds.touched(keys, response.revision);
            keyspace.auto_compact(self.shared.config.auto_compact_retention);
            (response, touched)
        };
        for feed in touched {
            feed.wake();
        }
        self.shared.revisions.send_replace(response.revision);
        response
    }

    /// Drops the history that reads at `revision` and later do not need.
    ///
    /// Fails with [`StoreError::Compacted`] if `revision` is at or below the compacted revision
    /// and [`StoreError::FutureRevision`] if it is above the current one. Watchers whose cursor
    /// it passes get [`StoreError::Compacted`] on their next read.
    pub fn compact(&self, revision: Revision) -> Result<(), StoreError> {
        self.shared.keyspace.write().compact(revision)
    }

    /// Watches every key starting with `prefix` (empty: all keys) from `start_revision` on.
    ///
    /// `start_revision ≤ 0` means "future events only" (from `current_revision() + 1`). A start
    /// at or below the compacted revision fails with [`StoreError::Compacted`]: some of the
    /// events it asks for are gone. A start beyond the next revision is allowed; the watcher
    /// waits for it.
    pub fn watch(&self, prefix: Bytes, start_revision: Revision) -> Result<Watcher, StoreError> {
        let keyspace = self.shared.keyspace.read();
        let start = if start_revision <= 0 {
            keyspace.current + 1
        } else if start_revision <= keyspace.compacted {
            return Err(StoreError::Compacted {
                requested: start_revision,
                compacted: keyspace.compacted,
            });
        } else {
            start_revision
        };
        let feed = self.shared.feeds.join(prefix, keyspace.current);
        drop(keyspace);
        Ok(Watcher::new(Arc::clone(&self.shared), feed, start))
    }

    /// Encodes the whole keyspace, including retained history and the compacted revision, in
    /// the format described in the `snapshot` module. The store stays readable meanwhile; writers
    /// wait only while the bytes are copied.
    pub fn snapshot(&self) -> Bytes {
        let body = snapshot::encode(&self.shared.keyspace.read());
        snapshot::seal(body)
    }

    /// A store holding exactly what `snapshot` encoded: every read and watch at a retained
    /// revision answers as it did on the original. Fails with [`StoreError::CorruptSnapshot`]
    /// on bytes that are not an intact snapshot.
    pub fn restore(config: StoreConfig, snapshot: &[u8]) -> Result<Store, StoreError> {
        Ok(Store::with_keyspace(config, snapshot::decode(snapshot)?))
    }

    /// Replaces this store's contents with `snapshot` (what a Raft follower does when the leader
    /// sends one). Existing watchers carry on from their cursor if the snapshot still retains
    /// the history after it, and otherwise get [`StoreError::Compacted`]; since applying the same
    /// txns yields the same history, they see no difference. On error nothing changes.
    pub fn install_snapshot(&self, snapshot: &[u8]) -> Result<(), StoreError> {
        let keyspace = snapshot::decode(snapshot)?;
        let current = keyspace.current;
        let touched = {
            let mut installed = self.shared.keyspace.write();
            *installed = keyspace;
            self.shared.feeds.all(current)
        };
        for feed in touched {
            feed.wake();
        }
        self.shared.revisions.send_replace(current);
        Ok(())
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keyspace = self.shared.keyspace.read();
        f.debug_struct("Store")
            .field("current_revision", &keyspace.current)
            .field("compacted_revision", &keyspace.compacted)
            .field("keys", &keyspace.index.len())
            .field("config", &self.shared.config)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Op, Watcher};

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn handles_are_shareable() {
        assert_send_sync::<Store>();
        assert_send_sync::<Watcher>();
    }

    #[test]
    fn clones_share_one_keyspace() {
        let store = Store::new(StoreConfig::default());
        let clone = store.clone();
        clone.txn(Txn::unconditional(vec![Op::put("k", "v")]));
        assert_eq!(store.current_revision(), 1);
        let read = store.range(&RangeRequest::key("k")).expect("range");
        assert_eq!(read.kvs[0].value, "v");
    }

    #[tokio::test]
    async fn wait_for_revision_returns_once_reached() {
        let store = Store::new(StoreConfig::default());
        store.txn(Txn::unconditional(vec![Op::put("k", "v")]));
        store.wait_for_revision(1).await;
        let waiting = tokio::spawn({
            let store = store.clone();
            async move { store.wait_for_revision(3).await }
        });
        store.txn(Txn::unconditional(vec![Op::put("k", "v2")]));
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "revision 2 is not 3");
        store.txn(Txn::unconditional(vec![Op::put("k", "v3")]));
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("woken at revision 3")
            .expect("task");
    }

    #[test]
    fn new_store_is_empty_at_revision_zero() {
        let store = Store::new(StoreConfig::default());
        assert_eq!(store.current_revision(), 0);
        assert_eq!(store.compacted_revision(), 0);
        assert_eq!(
            format!("{store:?}"),
            "Store { current_revision: 0, compacted_revision: 0, keys: 0, \
             config: StoreConfig { auto_compact_retention: Some(10000) } }"
        );
    }

    #[test]
    fn txn_auto_compacts_per_config() {
        let store = Store::new(StoreConfig {
            auto_compact_retention: Some(10),
        });
        for i in 0..12 {
            store.txn(Txn::unconditional(vec![Op::put("k", format!("{i}"))]));
        }
        assert_eq!(store.current_revision(), 12);
        assert_eq!(store.compacted_revision(), 2);
        let never = Store::new(StoreConfig {
            auto_compact_retention: None,
        });
        for i in 0..100 {
            never.txn(Txn::unconditional(vec![Op::put("k", format!("{i}"))]));
        }
        assert_eq!(never.compacted_revision(), 0);
    }

    #[test]
    fn compact_checks_bounds() {
        let store = Store::new(StoreConfig::default());
        store.txn(Txn::unconditional(vec![Op::put("k", "v")]));
        assert_eq!(
            store.compact(2),
            Err(StoreError::FutureRevision {
                requested: 2,
                current: 1
            })
        );
        assert_eq!(store.compact(1), Ok(()));
        assert_eq!(store.compacted_revision(), 1);
        assert_eq!(
            store.compact(1),
            Err(StoreError::Compacted {
                requested: 1,
                compacted: 1
            })
        );
    }

    #[test]
    fn watch_start_bounds() {
        let store = Store::new(StoreConfig::default());
        for i in 0..5 {
            store.txn(Txn::unconditional(vec![Op::put("k", format!("{i}"))]));
        }
        store.compact(3).expect("compact");
        let cases: &[(Revision, Result<Revision, StoreError>)] = &[
            (0, Ok(5)),
            (-1, Ok(5)),
            (
                1,
                Err(StoreError::Compacted {
                    requested: 1,
                    compacted: 3,
                }),
            ),
            (
                3,
                Err(StoreError::Compacted {
                    requested: 3,
                    compacted: 3,
                }),
            ),
            (4, Ok(3)),
            (6, Ok(5)),
            (9, Ok(8)),
        ];
        for (i, (start, expected)) in cases.iter().enumerate() {
            let watcher = store.watch(Bytes::new(), *start);
            assert_eq!(
                watcher.map(|w| w.revision()),
                *expected,
                "#{i}: watch from {start}"
            );
        }
    }
}
