//! The peer network: openraft's RPCs, forwarded proposals and read-index requests as HTTP POSTs
//! of postcard bodies to the peer listener (see `server`), with an in-process fault layer so
//! tests can cut a node off without root.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use openraft::error::{
    InstallSnapshotError, NetworkError, RPCError, RaftError, RemoteError, Unreachable,
};
use openraft::network::{RPCOption, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use parking_lot::RwLock;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{PeerNode, TypeConfig, decode, encode};

/// The header naming the sending node, so a receiver can drop traffic from a cut-off peer.
pub(crate) const FROM_HEADER: &str = "kubemem-raft-from";

/// Network faults for tests: the peers this node neither reaches nor hears. Cutting a node off
/// means telling it to block every other node and every other node to block it.
#[derive(Debug, Default)]
pub struct Faults {
    blocked: RwLock<BTreeSet<u64>>,
}

impl Faults {
    /// From now on, no message goes to or is accepted from these peers.
    pub fn block(&self, peers: impl IntoIterator<Item = u64>) {
        self.blocked.write().extend(peers);
    }

    /// Every peer is reachable again.
    pub fn heal(&self) {
        self.blocked.write().clear();
    }

    /// Whether messages to or from `peer` are dropped.
    pub fn blocks(&self, peer: u64) -> bool {
        self.blocked.read().contains(&peer)
    }
}

/// Why a call to a peer failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    #[error("peer {0} is cut off (fault injection)")]
    Blocked(u64),
    #[error("peer {0} did not answer within {1:?}")]
    Timeout(u64, Duration),
    #[error("peer {0} is unreachable: {1}")]
    Unreachable(u64, String),
    #[error("peer {0} answered {1}")]
    Refused(u64, String),
}

/// An HTTP client for the peer network, shared by every connection of one node.
#[derive(Clone)]
pub(crate) struct PeerClient {
    client: Client<HttpConnector, Full<Bytes>>,
    from: u64,
    faults: Arc<Faults>,
}

impl PeerClient {
    pub(crate) fn new(from: u64, faults: Arc<Faults>) -> PeerClient {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_millis(500)));
        PeerClient {
            client: Client::builder(TokioExecutor::new()).build(connector),
            from,
            faults,
        }
    }

    /// POSTs `body` to `http://{addr}{path}` and decodes the answer.
    pub(crate) async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        target: u64,
        addr: &str,
        path: &str,
        body: &Req,
        timeout: Duration,
    ) -> Result<Resp, CallError> {
        if self.faults.blocks(target) {
            return Err(CallError::Blocked(target));
        }
        let request = hyper::Request::post(format!("http://{addr}{path}"))
            .header(FROM_HEADER, self.from)
            .body(Full::new(Bytes::from(encode(body))))
            .map_err(|e| CallError::Unreachable(target, e.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| CallError::Unreachable(target, e.to_string()))?;
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| CallError::Unreachable(target, e.to_string()))?
                .to_bytes();
            if !status.is_success() {
                return Err(CallError::Refused(
                    target,
                    format!("{status}: {}", String::from_utf8_lossy(&bytes)),
                ));
            }
            decode(&bytes).map_err(|e| CallError::Refused(target, e.to_string()))
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .unwrap_or(Err(CallError::Timeout(target, timeout)))
    }
}

/// Makes a [`Connection`] per target for openraft.
pub struct Network {
    pub(crate) client: PeerClient,
}

impl RaftNetworkFactory<TypeConfig> for Network {
    type Network = Connection;

    async fn new_client(&mut self, target: u64, node: &PeerNode) -> Connection {
        Connection {
            target,
            addr: node.peer_addr.clone(),
            client: self.client.clone(),
        }
    }
}

/// openraft's view of one peer.
pub struct Connection {
    target: u64,
    addr: String,
    client: PeerClient,
}

impl Connection {
    async fn rpc<Req, Resp, E>(
        &self,
        path: &str,
        request: &Req,
        option: &RPCOption,
    ) -> Result<Resp, RPCError<u64, PeerNode, RaftError<u64, E>>>
    where
        Req: Serialize,
        Resp: DeserializeOwned,
        E: std::error::Error + DeserializeOwned,
    {
        let answer: Result<Resp, RaftError<u64, E>> = self
            .client
            .call(self.target, &self.addr, path, request, option.hard_ttl())
            .await
            .map_err(|e| match e {
                CallError::Refused(..) => RPCError::Network(NetworkError::new(&e)),
                _ => RPCError::Unreachable(Unreachable::new(&e)),
            })?;
        answer.map_err(|e| RPCError::RemoteError(RemoteError::new(self.target, e)))
    }
}

impl RaftNetwork<TypeConfig> for Connection {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<u64>, RPCError<u64, PeerNode, RaftError<u64>>> {
        self.rpc("/raft/append", &rpc, &option).await
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<
        InstallSnapshotResponse<u64>,
        RPCError<u64, PeerNode, RaftError<u64, InstallSnapshotError>>,
    > {
        self.rpc("/raft/snapshot", &rpc, &option).await
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<u64>,
        option: RPCOption,
    ) -> Result<VoteResponse<u64>, RPCError<u64, PeerNode, RaftError<u64>>> {
        self.rpc("/raft/vote", &rpc, &option).await
    }

    fn backoff(&self) -> openraft::network::Backoff {
        // Loopback peers come back fast; retry an unreachable one every 100 ms.
        openraft::network::Backoff::new(std::iter::repeat(Duration::from_millis(100)))
    }
}
