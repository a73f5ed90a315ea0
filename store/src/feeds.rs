//! Which watchers a write wakes. Watchers are grouped by prefix into feeds; a txn wakes only the
//! feeds whose prefix one of its keys starts with, so a write to a ConfigMap does not wake the
//! watchers of namespaces or pods (an API server runs a few controllers' watchers on other
//! prefixes, and each woken one would take the read lock and scan the log for nothing).
//!
//! A feed also remembers the last revision that changed a key under its prefix. A watcher whose
//! cursor is past it owes nothing up to the current revision, so it moves its cursor there
//! without scanning — which is how a watcher on a quiet prefix still "advances past unrelated
//! writes" (and is never expired by compaction of revisions that held nothing for it).
//!
//! ```text
//! feeds: "/a/" (last change 4), "/b/" (last change 7); current 7
//! txn at 8 puts /a/x      → "/a/" last change 8, its watchers woken; "/b/" untouched
//! watcher on "/b/", cursor 8: 7 < 8, so nothing is owed: cursor → 9 without a scan
//! ```
//!
//! `last_change` is written under the keyspace's write lock and read under its read lock, so a
//! reader never sees a revision applied without the feed's record of it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Weak};

use bytes::Bytes;
use parking_lot::Mutex;
use tokio::sync::watch;

use crate::Revision;

/// The watchers of one prefix.
pub(crate) struct Feed {
    prefix: Bytes,
    /// The last revision that changed a key under `prefix`, or the revision the feed was made
    /// at (anything before may have).
    last_change: AtomicI64,
    /// Publishes `last_change` to the watchers.
    changes: watch::Sender<Revision>,
}

impl Feed {
    /// The prefix its watchers filter on.
    pub(crate) fn prefix(&self) -> &Bytes {
        &self.prefix
    }

    /// The last revision that may have changed a key under the prefix. Read it with the
    /// keyspace locked.
    pub(crate) fn last_change(&self) -> Revision {
        self.last_change.load(Ordering::Relaxed)
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<Revision> {
        self.changes.subscribe()
    }

    fn mark(&self, revision: Revision) {
        self.last_change.store(revision, Ordering::Relaxed);
    }

    /// Wakes the watchers (after the keyspace lock is released, so that they can read).
    pub(crate) fn wake(&self) {
        self.changes.send_replace(self.last_change());
    }
}

/// The live feeds of a store.
#[derive(Default)]
pub(crate) struct Feeds {
    feeds: Mutex<Vec<Weak<Feed>>>,
}

impl Feeds {
    /// The feed of `prefix`, made if no watcher holds one; `current` is the keyspace's revision
    /// (hold its lock).
    pub(crate) fn join(&self, prefix: Bytes, current: Revision) -> Arc<Feed> {
        let mut feeds = self.feeds.lock();
        if let Some(feed) = feeds
            .iter()
            .filter_map(Weak::upgrade)
            .find(|feed| feed.prefix == prefix)
        {
            return feed;
        }
        let feed = Arc::new(Feed {
            prefix,
            last_change: AtomicI64::new(current),
            changes: watch::Sender::new(current),
        });
        feeds.retain(|feed| feed.strong_count() > 0);
        feeds.push(Arc::downgrade(&feed));
        feed
    }

    /// Records that `keys` changed at `revision` (hold the keyspace's write lock); answers the
    /// feeds to wake once it is released.
    pub(crate) fn touched<'a>(
        &self,
        keys: impl Iterator<Item = &'a [u8]> + Clone,
        revision: Revision,
    ) -> Vec<Arc<Feed>> {
        self.select(revision, |feed| {
            keys.clone().any(|key| key.starts_with(&feed.prefix))
        })
    }

    /// Records that every key may have changed at `revision` (a snapshot replaced the
    /// keyspace); answers every feed, to wake.
    pub(crate) fn all(&self, revision: Revision) -> Vec<Arc<Feed>> {
        self.select(revision, |_| true)
    }

    fn select(&self, revision: Revision, pick: impl Fn(&Feed) -> bool) -> Vec<Arc<Feed>> {
        let mut picked = Vec::new();
        // Dead feeds (their last watcher is gone) leave the list on the way.
        self.feeds.lock().retain(|feed| {
            let Some(feed) = feed.upgrade() else {
                return false;
            };
            if pick(&feed) {
                feed.mark(revision);
                picked.push(feed);
            }
            true
        });
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_touches_the_feeds_of_its_prefixes_only() {
        let feeds = Feeds::default();
        let all = feeds.join(Bytes::new(), 3);
        let a = feeds.join(Bytes::from_static(b"/a/"), 3);
        let b = feeds.join(Bytes::from_static(b"/b/"), 3);
        assert!(Arc::ptr_eq(&a, &feeds.join(Bytes::from_static(b"/a/"), 4)));
        let touched = feeds.touched([&b"/a/x"[..]].into_iter(), 5);
        assert_eq!(touched.len(), 2);
        assert_eq!(
            (all.last_change(), a.last_change(), b.last_change()),
            (5, 5, 3)
        );
        drop(b);
        let touched = feeds.all(6);
        assert_eq!(touched.len(), 2, "the dropped feed is gone");
        assert_eq!(feeds.feeds.lock().len(), 2);
    }
}
