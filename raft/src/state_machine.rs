//! The state machine: a [`Store`] fed by committed entries in log order, and the table that
//! makes a retried proposal answer its first answer instead of applying twice.
//!
//! A snapshot is the store's own snapshot (`Store::snapshot`) with that table, so a node that
//! installs one deduplicates exactly as the nodes that applied the log did.

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use openraft::storage::{RaftStateMachine, Snapshot};
use openraft::{
    Entry, EntryPayload, LogId, RaftSnapshotBuilder, SnapshotMeta, StorageError, StorageIOError,
    StoredMembership,
};
use serde::{Deserialize, Serialize};

use kubemem_store::Store;

use crate::applied::Applied;
use crate::persist;
use crate::{Batch, Command, PeerNode, Request, Response, TypeConfig, decode, encode};

/// How many recent proposals are remembered for deduplication. A retry comes within seconds of
/// its first attempt; this many writes later it is no longer a retry of anything in flight.
pub const DEDUP_WINDOW: usize = 10_000;

/// The replicated state of one node.
pub struct StateMachine {
    store: Store,
    last_applied: Option<LogId<u64>>,
    membership: StoredMembership<u64, PeerNode>,
    recent: Recent,
    current: Option<(SnapshotMeta<u64, PeerNode>, Bytes)>,
    disk: Option<PathBuf>,
    /// `last_applied`'s index, for the callers waiting for one.
    applied: Arc<Applied>,
}

/// The answers of the last [`DEDUP_WINDOW`] proposals, by request id.
#[derive(Default, Serialize, Deserialize)]
struct Recent {
    order: VecDeque<u128>,
    answers: HashMap<u128, Response>,
}

impl Recent {
    fn remember(&mut self, id: u128, response: Response) {
        if self.answers.insert(id, response).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > DEDUP_WINDOW {
            if let Some(old) = self.order.pop_front() {
                self.answers.remove(&old);
            }
        }
    }
}

/// What a snapshot's data holds, besides the meta openraft keeps.
#[derive(Deserialize)]
struct SnapshotData {
    recent: Recent,
    store: Bytes,
}

/// [`SnapshotData`] as it is written: the same encoding, borrowing the dedup table.
#[derive(Serialize)]
struct SnapshotDataRef<'a> {
    recent: &'a Recent,
    store: Bytes,
}

impl StateMachine {
    /// A state machine applying to `store` (empty, or restored from `snapshot`), telling
    /// `applied` how far it got.
    pub(crate) fn new(
        store: Store,
        snapshot: Option<(SnapshotMeta<u64, PeerNode>, Vec<u8>)>,
        disk: Option<PathBuf>,
        applied: Arc<Applied>,
    ) -> Result<StateMachine, String> {
        let mut machine = StateMachine {
            store,
            last_applied: None,
            membership: StoredMembership::default(),
            recent: Recent::default(),
            current: None,
            disk,
            applied,
        };
        if let Some((meta, data)) = snapshot {
            machine.install(&meta, &data)?;
            machine.current = Some((meta, Bytes::from(data)));
        }
        Ok(machine)
    }

    fn install(&mut self, meta: &SnapshotMeta<u64, PeerNode>, data: &[u8]) -> Result<(), String> {
        let decoded: SnapshotData = decode(data).map_err(|e| e.to_string())?;
        self.store
            .install_snapshot(&decoded.store)
            .map_err(|e| e.to_string())?;
        self.recent = decoded.recent;
        self.last_applied = meta.last_log_id;
        self.membership = meta.last_membership.clone();
        if let Some(id) = self.last_applied {
            self.applied.advance(id.index);
        }
        Ok(())
    }

    fn apply_request(&mut self, request: &Request) -> Response {
        if let Some(first) = self.recent.answers.get(&request.id) {
            return first.clone();
        }
        let response = match &request.command {
            Command::Txn(txn) => Response::Txn(self.store.txn(txn.clone())),
            Command::Compact(revision) => Response::Compact(self.store.compact(*revision)),
            Command::Restore(bytes) => Response::Restore(self.store.install_snapshot(bytes)),
        };
        self.recent.remember(request.id, response.clone());
        response
    }
}

/// Builds a snapshot from state captured when openraft asked for the builder.
pub struct Builder {
    meta: SnapshotMeta<u64, PeerNode>,
    data: Bytes,
    disk: Option<PathBuf>,
}

impl RaftSnapshotBuilder<TypeConfig> for Builder {
    async fn build_snapshot(&mut self) -> Result<Snapshot<TypeConfig>, StorageError<u64>> {
        if let Some(dir) = &self.disk {
            persist::save_snapshot(dir, &self.meta, &self.data)
                .map_err(|e| StorageError::from(StorageIOError::write_snapshot(None, &e)))?;
        }
        Ok(Snapshot {
            meta: self.meta.clone(),
            snapshot: Box::new(Cursor::new(self.data.to_vec())),
        })
    }
}

impl RaftStateMachine<TypeConfig> for StateMachine {
    type SnapshotBuilder = Builder;

    async fn applied_state(
        &mut self,
    ) -> Result<(Option<LogId<u64>>, StoredMembership<u64, PeerNode>), StorageError<u64>> {
        Ok((self.last_applied, self.membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<Vec<Response>>, StorageError<u64>>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + Send,
        I::IntoIter: Send,
    {
        let mut responses = Vec::new();
        for entry in entries {
            self.last_applied = Some(entry.log_id);
            responses.push(match entry.payload {
                EntryPayload::Blank => Vec::new(),
                EntryPayload::Normal(Batch(requests)) => requests
                    .iter()
                    .map(|request| self.apply_request(request))
                    .collect(),
                EntryPayload::Membership(membership) => {
                    self.membership = StoredMembership::new(Some(entry.log_id), membership);
                    Vec::new()
                }
            });
        }
        if let Some(id) = self.last_applied {
            self.applied.advance(id.index);
        }
        Ok(responses)
    }

    async fn get_snapshot_builder(&mut self) -> Builder {
        // The state must be captured at `last_applied`, so here rather than in the builder;
        // encoding a large keyspace takes a while, so other tasks move off this thread.
        let encode_now = || {
            encode(&SnapshotDataRef {
                recent: &self.recent,
                store: self.store.snapshot(),
            })
        };
        let data = match tokio::runtime::Handle::current().runtime_flavor() {
            tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(encode_now),
            _ => encode_now(),
        };
        let meta = SnapshotMeta {
            last_log_id: self.last_applied,
            last_membership: self.membership.clone(),
            snapshot_id: format!(
                "{}-{}",
                self.last_applied.map_or(0, |id| id.leader_id.term),
                self.last_applied.map_or(0, |id| id.index)
            ),
        };
        let data = Bytes::from(data);
        self.current = Some((meta.clone(), data.clone()));
        Builder {
            meta,
            data,
            disk: self.disk.clone(),
        }
    }

    async fn begin_receiving_snapshot(
        &mut self,
    ) -> Result<Box<Cursor<Vec<u8>>>, StorageError<u64>> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta<u64, PeerNode>,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError<u64>> {
        let data = snapshot.into_inner();
        self.install(meta, &data).map_err(|e| {
            StorageError::from(StorageIOError::read_snapshot(
                Some(meta.signature()),
                &std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            ))
        })?;
        if let Some(dir) = &self.disk {
            persist::save_snapshot(dir, meta, &data)
                .map_err(|e| StorageError::from(StorageIOError::write_snapshot(None, &e)))?;
        }
        self.current = Some((meta.clone(), Bytes::from(data)));
        Ok(())
    }

    async fn get_current_snapshot(
        &mut self,
    ) -> Result<Option<Snapshot<TypeConfig>>, StorageError<u64>> {
        Ok(self.current.as_ref().map(|(meta, data)| Snapshot {
            meta: meta.clone(),
            snapshot: Box::new(Cursor::new(data.to_vec())),
        }))
    }
}

#[cfg(test)]
mod tests {
    use kubemem_store::{Op, StoreConfig, Txn};

    use super::*;

    fn put(id: u128, value: &str) -> Request {
        Request {
            id,
            command: Command::Txn(Txn::unconditional(vec![Op::put("k", value.to_owned())])),
        }
    }

    #[test]
    fn a_repeated_request_answers_its_first_answer() {
        let store = Store::new(StoreConfig::default());
        let mut machine =
            StateMachine::new(store.clone(), None, None, Arc::default()).expect("machine");
        let first = machine.apply_request(&put(7, "a"));
        machine.apply_request(&put(8, "b"));
        let again = machine.apply_request(&put(7, "a"));
        assert_eq!(first, again);
        assert_eq!(store.current_revision(), 2, "the retry did not write");
    }

    #[test]
    fn the_window_forgets_the_oldest() {
        let mut recent = Recent::default();
        for id in 0..(DEDUP_WINDOW as u128 + 5) {
            recent.remember(id, Response::None);
        }
        assert_eq!(recent.answers.len(), DEDUP_WINDOW);
        assert!(!recent.answers.contains_key(&4));
        assert!(recent.answers.contains_key(&5));
    }
}
