//! Raft replication of the `kubemem-store` keyspace with openraft 0.9.
//!
//! A [`RaftNode`] owns one replica: the openraft core, its log ([`log_store`]), the state
//! machine that owns a [`kubemem_store::Store`] ([`state_machine`]) and the peer network over
//! HTTP on its own listener ([`network`], [`server`]). The API server on top talks to it through
//! three calls:
//!
//! - [`RaftNode::propose`]: a txn, committed on a quorum and applied on every node in log
//!   order, answered once it is applied on *this* node (so this node's reads and watches already
//!   show it). A follower forwards the proposal to the leader, one hop. Every proposal carries a
//!   request id; a retry after a leader change reuses it, and the state machine answers a
//!   repeated id with the first answer instead of applying it twice. The leader gathers the
//!   requests that arrive while its previous entries are being written into one log entry (a
//!   [`Batch`]), so concurrent writes share an fsync and a replication round.
//! - [`RaftNode::read_barrier`]: the read index — the leader confirms its leadership with a
//!   quorum and names its applied revision; this node waits until it has applied as much. A read
//!   after the barrier never returns state older than a write acknowledged before it began.
//! - [`RaftNode::store`]: the local store, for reads after the barrier and for watches, which
//!   every node serves from its own applies (revisions are the store's, identical everywhere:
//!   the same log applied in the same order).
//!
//! ```text
//!  client ─► follower API ─► RaftNode::propose ─ POST /raft/forward ─► leader: client_write
//!                                  ▲                                     │ append, replicate,
//!                                  │ wait until applied here             │ commit on a quorum
//!                                  └──────── response (revision) ◄───────┘ apply (every node)
//! ```

mod applied;
mod forward;
pub mod log_store;
pub mod network;
mod node;
mod persist;
mod server;
pub mod state_machine;

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use kubemem_store::{Revision, StoreError, Txn, TxnResponse};
use serde::{Deserialize, Serialize};

pub use node::{NodeConfig, ProposeError, RaftNode, Status, Timing, join, leave};
pub use openraft;

openraft::declare_raft_types!(
    /// kubemem's openraft types: log entries carry a [`Batch`] of requests, applying one
    /// answers a [`Response`] per request, nodes are `u64` ids with a [`PeerNode`] address pair.
    pub TypeConfig:
        D = Batch,
        R = Vec<Response>,
        NodeId = u64,
        Node = PeerNode,
        SnapshotData = std::io::Cursor<Vec<u8>>,
);

/// The openraft handle with kubemem's types.
pub type Raft = openraft::Raft<TypeConfig>;

/// A node's address, recorded in the membership so every node can reach every other. Every
/// initial node initializes the cluster with the same list (from `--peers`), so the membership
/// holds only what all of them know: the peer listeners.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerNode {
    /// The peer listener (Raft RPCs, forwarded proposals), `host:port`.
    pub peer_addr: String,
}

impl fmt::Display for PeerNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.peer_addr)
    }
}

/// One proposal: a command and the id that makes retries idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Unique per proposal (random); a retried proposal keeps it.
    pub id: u128,
    pub command: Command,
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.command {
            Command::Txn(txn) => write!(
                f,
                "txn {:032x} ({} compares, {} ops)",
                self.id,
                txn.compares.len(),
                txn.success.len()
            ),
            Command::Compact(revision) => write!(f, "compact {:032x} to {revision}", self.id),
            Command::Restore(bytes) => {
                write!(f, "restore {:032x} ({} bytes)", self.id, bytes.len())
            }
        }
    }
}

/// One log entry's payload: the requests the leader gathered while its previous entries were
/// being written (see `node::propose_batches`), applied in order, each with its own revision.
/// openraft 0.9's core waits for each append's fsync before it takes the next, so an entry per
/// request would cost an fsync per request on the leader.
///
/// The requests are shared: openraft clones an entry on its way into the log and again on its
/// way to the state machine, and a deep clone of every request cost each node ~2 CPU-µs per
/// create (session 7).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch(pub Arc<[Request]>);

impl fmt::Display for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0[..] {
            [one] => one.fmt(f),
            all => write!(f, "{} requests", all.len()),
        }
    }
}

/// What the state machine does with a request; everything it needs travels in it (DESIGN.md
/// invariant 3: apply is deterministic).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// A keyspace transaction.
    Txn(Txn),
    /// Compacts history up to a revision.
    Compact(Revision),
    /// Replaces the whole keyspace with a store snapshot (`Store::snapshot` bytes).
    Restore(Bytes),
}

/// The answer of applying one request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// Blank and membership entries answer nothing.
    #[default]
    None,
    Txn(TxnResponse),
    Compact(Result<(), StoreError>),
    Restore(Result<(), StoreError>),
}

/// Encodes a message for the peer network and the files under `--data-dir`.
pub(crate) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // postcard fails only on types serde cannot describe (none here) or a full buffer (a Vec
    // grows).
    postcard::to_stdvec(value).expect("postcard encodes kubemem's raft types")
}

/// Decodes what [`encode`] wrote.
pub(crate) fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, postcard::Error> {
    postcard::from_bytes(bytes)
}
