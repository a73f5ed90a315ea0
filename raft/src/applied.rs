//! How far this node's state machine has applied the log, and the callers waiting for an index.
//!
//! A write sent to a follower is answered once the follower has applied it, and a read barrier
//! waits for the read index the same way: at 64 connections dozens of callers wait at once.
//! openraft's own `Raft::wait` wakes every waiter on every metrics change and clones the
//! metrics each time; here a waiter is woken once, when its index is applied.

use std::collections::BTreeMap;

use parking_lot::Mutex;
use tokio::sync::oneshot;

/// The applied index and the waiters for higher ones.
#[derive(Default)]
pub(crate) struct Applied {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    index: u64,
    waiting: BTreeMap<u64, Vec<oneshot::Sender<()>>>,
}

impl Applied {
    /// The state machine has applied everything up to `index` (a lower index changes nothing).
    pub(crate) fn advance(&self, index: u64) {
        let ready = {
            let mut state = self.state.lock();
            if index <= state.index {
                return;
            }
            state.index = index;
            let later = state.waiting.split_off(&(index + 1));
            std::mem::replace(&mut state.waiting, later)
        };
        for sender in ready.into_values().flatten() {
            let _ = sender.send(());
        }
    }

    /// Returns once `index` is applied. Without a deadline; callers bound it.
    pub(crate) async fn reached(&self, index: u64) {
        let receiver = {
            let mut state = self.state.lock();
            if index <= state.index {
                return;
            }
            let (sender, receiver) = oneshot::channel();
            state.waiting.entry(index).or_default().push(sender);
            receiver
        };
        // The sender is dropped unanswered only with this `Applied`, i.e. never while a
        // caller holds it; either way the index can no longer be waited for.
        let _ = receiver.await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_waiter_wakes_when_its_index_is_applied_and_not_before() {
        let applied = Arc::new(Applied::default());
        applied.advance(3);
        applied.reached(2).await;
        applied.reached(3).await;
        let waiting = tokio::spawn({
            let applied = Arc::clone(&applied);
            async move { applied.reached(5).await }
        });
        applied.advance(4);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "woken at 4 for 5");
        applied.advance(2);
        applied.advance(7);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("woken at 7")
            .expect("the waiter");
        assert!(applied.state.lock().waiting.is_empty());
    }
}
