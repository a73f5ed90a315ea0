//! A follower's proposals on their way to the leader: the proposals that arrive while the
//! previous call is under way travel together, in one `/raft/forward` call that the leader
//! answers with one answer per proposal.
//!
//! One call per proposal cost the follower a request and a response on the peer connection
//! per write, and the leader an HTTP exchange per write; at 64 connections those were a third
//! of the leader's CPU in a follower-bound run. Proposals sent together also reach the
//! leader's log together ([`crate::node`] gathers them into one entry).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::Request;
use crate::network::{CallError, PeerClient};
use crate::node::{Answer, Counters, Forwarded, gather};

/// Calls to the leader under way at once: while one is, new proposals gather for the next.
/// One at a time sends the leader about one call per entry it writes, so the proposals of a
/// call share an entry and the leader serves fewer calls: through a follower at 64
/// connections, entries held ~31 creates instead of ~19 with four calls, and a create cost the
/// three nodes 223–257 CPU-µs instead of 232–298 over alternating runs (BENCHMARKS.md,
/// session 7).
const CALLS_IN_FLIGHT: usize = 1;

/// One proposal waiting to be sent.
struct Outgoing {
    leader: u64,
    addr: String,
    request: Request,
    timeout: Duration,
    answer: oneshot::Sender<Result<Answer, String>>,
}

/// The queue of a follower's proposals to the leader, and the task that sends them.
pub(crate) struct Forwarder {
    queue: mpsc::UnboundedSender<Outgoing>,
}

impl Forwarder {
    /// Starts the sending task (counting its calls in `counters`); it ends when the forwarder
    /// is dropped.
    pub(crate) fn start(client: PeerClient, counters: Arc<Counters>) -> Forwarder {
        let (queue, outgoing) = mpsc::unbounded_channel();
        tokio::spawn(send_batches(client, counters, outgoing));
        Forwarder { queue }
    }

    /// Sends `request` to `leader` at `addr`, with others queued meanwhile; answers the
    /// leader's answer for it, or why the call failed.
    pub(crate) async fn send(
        &self,
        leader: u64,
        addr: &str,
        request: Request,
        timeout: Duration,
    ) -> Answer {
        let (answer, answered) = oneshot::channel();
        let outgoing = Outgoing {
            leader,
            addr: addr.to_owned(),
            request,
            timeout,
            answer,
        };
        if self.queue.send(outgoing).is_err() {
            return Forwarded::Failed("the node is shutting down".into());
        }
        match answered.await {
            Ok(Ok(answer)) => answer,
            Ok(Err(why)) => Forwarded::Failed(why),
            Err(_) => Forwarded::Failed("the node is shutting down".into()),
        }
    }
}

/// Takes the first queued proposal, waits for a free call, adds whatever queued meanwhile (up
/// to an entry's limits) and sends them, one call per leader they were meant for.
async fn send_batches(
    client: PeerClient,
    counters: Arc<Counters>,
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
) {
    let in_flight = Arc::new(Semaphore::new(CALLS_IN_FLIGHT));
    while let Some(first) = outgoing.recv().await {
        let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
            return;
        };
        let batch = gather(first, &mut outgoing, |out| &out.request);
        // Normally one leader; during a change of leader some may name the old one.
        let mut groups: Vec<Vec<Outgoing>> = Vec::new();
        for out in batch {
            match groups
                .iter_mut()
                .find(|g| g[0].leader == out.leader && g[0].addr == out.addr)
            {
                Some(group) => group.push(out),
                None => groups.push(vec![out]),
            }
        }
        counters
            .forward_calls
            .fetch_add(groups.len() as u64, Ordering::Relaxed);
        let calls: Vec<_> = groups
            .into_iter()
            .map(|group| tokio::spawn(send_group(client.clone(), group)))
            .collect();
        tokio::spawn(async move {
            for call in calls {
                let _ = call.await;
            }
            drop(permit);
        });
    }
}

/// One call carrying `group`'s proposals; each waiter gets its own answer.
async fn send_group(client: PeerClient, group: Vec<Outgoing>) {
    let (leader, addr) = (group[0].leader, group[0].addr.clone());
    let timeout = group.iter().map(|o| o.timeout).min().unwrap_or_default();
    let (requests, answers): (Vec<Request>, Vec<_>) =
        group.into_iter().map(|o| (o.request, o.answer)).unzip();
    let sent: Result<Vec<Answer>, CallError> = client
        .call(leader, &addr, "/raft/forward", &requests, timeout)
        .await;
    match sent {
        Ok(answered) if answered.len() == answers.len() => {
            for (answer, reply) in answers.into_iter().zip(answered) {
                let _ = answer.send(Ok(reply));
            }
        }
        Ok(answered) => {
            let why = format!(
                "node {leader} answered {} of {} forwarded proposals",
                answered.len(),
                answers.len()
            );
            for answer in answers {
                let _ = answer.send(Err(why.clone()));
            }
        }
        Err(e) => {
            let why = e.to_string();
            for answer in answers {
                let _ = answer.send(Err(why.clone()));
            }
        }
    }
}
