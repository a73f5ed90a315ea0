//! The seam between the API and replication (DESIGN.md: "the way of one write").
//!
//! The registry talks to a [`Backend`]: it proposes transactions and reads ranges; every node
//! watches its own store, fed by its own applies. [`LocalBackend`] applies at once to an
//! in-process [`Store`]; the Raft backend (issue #5) will commit through openraft first.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use kubemem_store::{
    RangeRequest, RangeResponse, Revision, Store, StoreError, Txn, TxnResponse, Watcher,
};

/// A boxed future, so that `Backend` can be used as `dyn Backend`.
pub type BackendFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait Backend: Send + Sync + 'static {
    /// Proposes a transaction and answers once it is applied on this node.
    fn txn(&self, txn: Txn) -> BackendFuture<'_, TxnResponse>;
    /// A linearizable read: never older than a write acknowledged before it began.
    fn range(&self, req: RangeRequest) -> BackendFuture<'_, Result<RangeResponse, StoreError>>;
    /// Watches this node's store from `start` (inclusive; 0 = only future events).
    fn watch(&self, prefix: Bytes, start: Revision) -> Result<Watcher, StoreError>;
    /// The newest revision applied on this node.
    fn current_revision(&self) -> Revision;
    /// The newest revision whose history has been compacted away.
    fn compacted_revision(&self) -> Revision;
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
    fn txn(&self, txn: Txn) -> BackendFuture<'_, TxnResponse> {
        let response = self.store.txn(txn);
        Box::pin(std::future::ready(response))
    }

    fn range(&self, req: RangeRequest) -> BackendFuture<'_, Result<RangeResponse, StoreError>> {
        let response = self.store.range(&req);
        Box::pin(std::future::ready(response))
    }

    fn watch(&self, prefix: Bytes, start: Revision) -> Result<Watcher, StoreError> {
        self.store.watch(prefix, start)
    }

    fn current_revision(&self) -> Revision {
        self.store.current_revision()
    }

    fn compacted_revision(&self) -> Revision {
        self.store.compacted_revision()
    }
}
