//! The peer listener: openraft's RPCs, proposals forwarded by followers, read-index requests,
//! membership changes (`kubemem cluster add-node`/`remove-node`) and `/raft/status`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use openraft::raft::{AppendEntriesRequest, InstallSnapshotRequest, VoteRequest};

use crate::network::FROM_HEADER;
use crate::node::{self, MembersChange, Shared};
use crate::{Request, TypeConfig, decode, encode};

/// Serves the peer listener until `stopped` flips to true.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let app = Router::new()
        .route("/raft/append", post(append))
        .route("/raft/vote", post(vote))
        .route("/raft/snapshot", post(snapshot))
        .route("/raft/forward", post(forward))
        .route("/raft/read-index", post(read_index))
        .route("/raft/members", post(members))
        .route("/raft/status", get(status))
        // Appends and snapshot chunks are bounded by the Raft config, not by a body limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(shared);
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "peer listener");
        }
    });
}

/// Refuses a message from a peer this node is cut off from (fault injection), as a dropped
/// packet would: the sender sees a failure.
fn refused(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    let from = headers
        .get(FROM_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())?;
    shared
        .faults
        .blocks(from)
        .then(|| (StatusCode::SERVICE_UNAVAILABLE, "cut off").into_response())
}

fn bad(e: postcard::Error) -> Response {
    (StatusCode::BAD_REQUEST, e.to_string()).into_response()
}

fn reply<T: serde::Serialize>(value: &T) -> Response {
    encode(value).into_response()
}

/// Checks the sender, decodes the body as `Req` and answers what `handle` makes of it.
async fn rpc<Req, Resp, Fut>(
    shared: Arc<Shared>,
    headers: &HeaderMap,
    body: &[u8],
    handle: impl FnOnce(Arc<Shared>, Req) -> Fut,
) -> Response
where
    Req: serde::de::DeserializeOwned,
    Resp: serde::Serialize,
    Fut: std::future::Future<Output = Resp>,
{
    if let Some(r) = refused(&shared, headers) {
        return r;
    }
    match decode::<Req>(body) {
        Ok(request) => reply(&handle(shared, request).await),
        Err(e) => bad(e),
    }
}

async fn append(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    rpc(
        shared,
        &headers,
        &body,
        |s, r: AppendEntriesRequest<TypeConfig>| async move { s.raft.append_entries(r).await },
    )
    .await
}

async fn vote(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    rpc(
        shared,
        &headers,
        &body,
        |s, r: VoteRequest<u64>| async move { s.raft.vote(r).await },
    )
    .await
}

async fn snapshot(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    rpc(
        shared,
        &headers,
        &body,
        |s, r: InstallSnapshotRequest<TypeConfig>| async move { s.raft.install_snapshot(r).await },
    )
    .await
}

async fn forward(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    rpc(shared, &headers, &body, |s, r: Vec<Request>| async move {
        node::write_many_here(&s, r).await
    })
    .await
}

async fn read_index(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(r) = refused(&shared, &headers) {
        return r;
    }
    reply(&node::read_index_here(&shared).await)
}

async fn members(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refused(&shared, &headers) {
        return r;
    }
    let Ok(change) = decode::<MembersChange>(&body) else {
        return (StatusCode::BAD_REQUEST, "not a membership change").into_response();
    };
    // Any member takes the request; the change itself is made by the leader.
    let node = crate::RaftNode { shared };
    let done = match change {
        MembersChange::Add(id, peer) => node.add_member(id, peer).await,
        MembersChange::Remove(id) => node.remove_member(id).await,
    };
    match done {
        Ok(()) => reply(&node::Forwarded::Done(())),
        Err(e) => reply(&node::Forwarded::<()>::Failed(e.to_string())),
    }
}

async fn status(State(shared): State<Arc<Shared>>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&node::status(&shared)).unwrap_or_default(),
    )
        .into_response()
}
