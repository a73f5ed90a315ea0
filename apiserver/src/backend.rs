//! The seam between the API and replication (DESIGN.md: "the way of one write").
//!
//! The registry talks to a [`Backend`]: it proposes transactions and reads ranges; every node
//! watches its own store, fed by its own applies. [`LocalBackend`] applies at once to an
//! in-process [`Store`]; [`RaftBackend`] commits through openraft first (`kubemem-raft`).

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use kubemem_raft::RaftNode;
use kubemem_store::{
    RangeRequest, RangeResponse, Revision, Store, StoreError, Txn, TxnResponse, Watcher,
};

/// A boxed future, so that `Backend` can be used as `dyn Backend`.
pub type BackendFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a backend could not serve a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The keyspace refused the read (compacted or future revision).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No quorum could be reached in time (a leader change, a partition); worth retrying. A
    /// write that answered this may still commit.
    #[error("{0}")]
    Unavailable(String),
}

pub trait Backend: Send + Sync + 'static {
    /// Proposes a transaction and answers once it is applied on this node.
    fn txn(&self, txn: Txn) -> BackendFuture<'_, Result<TxnResponse, BackendError>>;
    /// Reads; at revision 0 (the current one) linearizably: never older than a write
    /// acknowledged before it began.
    fn range(&self, req: RangeRequest) -> BackendFuture<'_, Result<RangeResponse, BackendError>>;
    /// Reads this node's replica as it is, without a quorum round (etcd's serializable read):
    /// possibly older than a write acknowledged elsewhere. For checks that kube-apiserver makes
    /// against an informer cache, and that confirm a miss with a linearizable read.
    fn range_local(&self, req: &RangeRequest) -> Result<RangeResponse, StoreError>;
    /// Watches this node's store from `start` (inclusive; 0 = only future events).
    fn watch(&self, prefix: Bytes, start: Revision) -> Result<Watcher, StoreError>;
    /// The newest revision applied on this node.
    fn current_revision(&self) -> Revision;
    /// Returns once this node has applied `revision` (at once if it has).
    fn wait_for_revision(&self, revision: Revision) -> BackendFuture<'_, ()>;
    /// The newest revision whose history has been compacted away.
    fn compacted_revision(&self) -> Revision;
    /// Whether this node runs the built-in controllers now (the Raft leader does; a single
    /// node always does), so that one node of a cluster acts on each change.
    fn leads(&self) -> bool;
}

/// A single node: every transaction applies immediately to the in-process store.
pub struct LocalBackend {
    store: Store,
}

impl LocalBackend {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl Backend for LocalBackend {
    fn txn(&self, txn: Txn) -> BackendFuture<'_, Result<TxnResponse, BackendError>> {
        let response = self.store.txn(txn);
        Box::pin(std::future::ready(Ok(response)))
    }

    fn range(&self, req: RangeRequest) -> BackendFuture<'_, Result<RangeResponse, BackendError>> {
        let response = self.store.range(&req).map_err(BackendError::from);
        Box::pin(std::future::ready(response))
    }

    fn range_local(&self, req: &RangeRequest) -> Result<RangeResponse, StoreError> {
        self.store.range(req)
    }

    fn watch(&self, prefix: Bytes, start: Revision) -> Result<Watcher, StoreError> {
        self.store.watch(prefix, start)
    }

    fn current_revision(&self) -> Revision {
        self.store.current_revision()
    }

    fn wait_for_revision(&self, revision: Revision) -> BackendFuture<'_, ()> {
        Box::pin(self.store.wait_for_revision(revision))
    }

    fn compacted_revision(&self) -> Revision {
        self.store.compacted_revision()
    }

    fn leads(&self) -> bool {
        true
    }
}

/// One node of a Raft cluster: writes commit on a quorum (through the leader), reads at the
/// current revision pass a read-index barrier first, watches follow this node's applies.
pub struct RaftBackend {
    node: RaftNode,
}

impl RaftBackend {
    pub fn new(node: RaftNode) -> Self {
        Self { node }
    }
}

fn unavailable(e: kubemem_raft::ProposeError) -> BackendError {
    BackendError::Unavailable(e.to_string())
}

impl Backend for RaftBackend {
    fn txn(&self, txn: Txn) -> BackendFuture<'_, Result<TxnResponse, BackendError>> {
        Box::pin(async move { self.node.propose_txn(txn).await.map_err(unavailable) })
    }

    fn range(&self, req: RangeRequest) -> BackendFuture<'_, Result<RangeResponse, BackendError>> {
        Box::pin(async move {
            if req.revision <= 0 {
                self.node.read_barrier().await.map_err(unavailable)?;
            }
            Ok(self.node.store().range(&req)?)
        })
    }

    fn range_local(&self, req: &RangeRequest) -> Result<RangeResponse, StoreError> {
        self.node.store().range(req)
    }

    fn watch(&self, prefix: Bytes, start: Revision) -> Result<Watcher, StoreError> {
        self.node.store().watch(prefix, start)
    }

    fn current_revision(&self) -> Revision {
        self.node.store().current_revision()
    }

    fn wait_for_revision(&self, revision: Revision) -> BackendFuture<'_, ()> {
        Box::pin(self.node.store().wait_for_revision(revision))
    }

    fn compacted_revision(&self) -> Revision {
        self.node.store().compacted_revision()
    }

    fn leads(&self) -> bool {
        self.node.is_leader()
    }
}
