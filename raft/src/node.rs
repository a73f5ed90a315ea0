//! [`RaftNode`]: one replica, and the calls the API server makes on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kubemem_store::{Op, Store, StoreConfig, Txn, TxnResponse};
use openraft::error::{ClientWriteError, InitializeError, RaftError};
use openraft::{ChangeMembers, ServerState, SnapshotPolicy};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::Instant;

use crate::applied::Applied;
use crate::forward::Forwarder;
use crate::log_store::LogStore;
use crate::network::{Faults, Network, PeerClient};
use crate::persist::{DataDir, Loaded};
use crate::state_machine::StateMachine;
use crate::{Batch, Command, PeerNode, Raft, Request, Response, server};

/// Raft timings; the defaults suit nodes on one machine.
#[derive(Clone, Debug)]
pub struct Timing {
    pub heartbeat: Duration,
    pub election_min: Duration,
    pub election_max: Duration,
    /// How long a proposal or read barrier keeps retrying (through leader changes) before it
    /// answers "unavailable".
    pub request_timeout: Duration,
    /// A snapshot is built after this many entries since the last one.
    pub snapshot_every: u64,
    /// Entries kept in the log behind a snapshot (a follower further behind gets the snapshot).
    pub logs_kept: u64,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            // openraft also gives an append this long to answer.
            heartbeat: Duration::from_millis(100),
            election_min: Duration::from_millis(500),
            election_max: Duration::from_millis(1000),
            request_timeout: Duration::from_secs(5),
            snapshot_every: 10_000,
            logs_kept: 1_000,
        }
    }
}

/// How to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub id: u64,
    /// This node's peer address, as the others reach it.
    pub node: PeerNode,
    /// This node's Kubernetes API address (for status only).
    pub api_addr: String,
    /// The initial voters, this node among them; empty for a node that will be added to a
    /// running cluster (`cluster add-node`).
    pub initial_members: BTreeMap<u64, PeerNode>,
    /// Where vote, log and snapshots are kept; `None`: in memory only (a restart is then a new
    /// node).
    pub data_dir: Option<PathBuf>,
    pub store: StoreConfig,
    pub timing: Timing,
}

/// Why a proposal or read could not be served; both are worth retrying.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProposeError {
    /// No leader could be reached, or it could not reach a quorum, within the request timeout.
    /// A proposal may still commit later.
    #[error("raft: no quorum within {timeout:?}: {reason}")]
    Unavailable { timeout: Duration, reason: String },
    /// The node is shutting down.
    #[error("raft: this node is shutting down")]
    Stopped,
}

/// What a leader answers a forwarded proposal, read-index request or membership change.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) enum Forwarded<T> {
    Done(T),
    /// Not (or no longer) the leader; try this one.
    NotLeader(Option<u64>),
    Failed(String),
}

/// A membership change asked of the leader.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) enum MembersChange {
    Add(u64, PeerNode),
    Remove(u64),
}

/// One node's view of the cluster, for `/raft/status` and `kubemem cluster status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub id: u64,
    pub peer_addr: String,
    pub api_addr: String,
    /// `Leader`, `Follower`, `Candidate`, `Learner` or `Shutdown`.
    pub role: String,
    pub term: u64,
    pub leader: Option<u64>,
    pub last_log_index: Option<u64>,
    pub committed_index: Option<u64>,
    pub applied_index: Option<u64>,
    /// The keyspace revision applied here (the resourceVersion of the newest write).
    pub applied_revision: i64,
    pub snapshot_index: Option<u64>,
    pub voters: Vec<u64>,
    pub learners: Vec<u64>,
    pub nodes: BTreeMap<u64, PeerNode>,
}

/// Read-index rounds: one runs at a time; the others wait for its answer or the next one's.
pub(crate) struct ReadRounds {
    running: tokio::sync::Mutex<()>,
    /// Rounds started so far; a round's number is its position.
    started: AtomicU64,
    /// The last finished round's number and answer.
    answers: tokio::sync::watch::Sender<(u64, Result<u64, ProposeError>)>,
}

impl Default for ReadRounds {
    fn default() -> Self {
        ReadRounds {
            running: tokio::sync::Mutex::new(()),
            started: AtomicU64::new(0),
            answers: tokio::sync::watch::Sender::new((0, Ok(0))),
        }
    }
}

#[derive(Default)]
pub(crate) struct Counters {
    pub proposals: AtomicU64,
    pub forwarded: AtomicU64,
    pub forward_calls: AtomicU64,
    pub retries: AtomicU64,
    pub read_barriers: AtomicU64,
}

/// What the node's handles and its peer server share.
pub(crate) struct Shared {
    pub id: u64,
    pub node: PeerNode,
    pub api_addr: String,
    pub raft: Raft,
    pub store: Store,
    pub log: LogStore,
    /// How far this node has applied the log.
    applied: Arc<Applied>,
    pub client: PeerClient,
    /// This node's proposals on their way to the leader, when it is not the leader.
    forwarder: Forwarder,
    pub faults: Arc<Faults>,
    pub timing: Timing,
    pub counters: Arc<Counters>,
    read_rounds: ReadRounds,
    /// Requests for the leader's log, gathered into entries by [`propose_batches`].
    proposals: mpsc::UnboundedSender<Pending>,
    stop: tokio::sync::watch::Sender<bool>,
}

/// A request waiting for the leader's log, and who waits for its index and response.
type Pending = (Request, oneshot::Sender<Answer>);

/// What the leader answers a write: its log index and response.
pub(crate) type Answer = Forwarded<(u64, Response)>;

/// At most this many entries of gathered requests are being written at once: while they are,
/// new requests gather into the next entry. An entry costs every node an fsync and an append
/// round whatever it holds (~350 µs of CPU on a follower here), and the cluster's nodes share
/// the machine's cores, so fuller entries pay: with one at a time instead of two, an entry held
/// 25 instead of 15 creates at 64 connections, each create cost ~5% less CPU, and creates sent
/// to a follower went ~11% faster (BENCHMARKS.md, session 5).
const ENTRIES_IN_FLIGHT: usize = 1;

/// Limits of one entry: requests, and bytes of keys and values (a request is at most a few
/// MiB, so an entry stays well under what a peer accepts in one append).
const BATCH_REQUESTS: usize = 512;
const BATCH_BYTES: usize = 4 << 20;

/// One replica of the keyspace. Cheap to clone.
#[derive(Clone)]
pub struct RaftNode {
    pub(crate) shared: Arc<Shared>,
}

/// What the leader runs for a request it received itself.
type Here<Req, T> = for<'a> fn(
    &'a Shared,
    Req,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Forwarded<T>> + Send + 'a>,
>;

/// How another node sends a request to the leader (id, peer address), within the time left.
type There<Req, T> = for<'a> fn(
    &'a Shared,
    u64,
    &'a str,
    Req,
    Duration,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Forwarded<T>> + Send + 'a>,
>;

/// Sends `request` to the leader's `path` in a call of its own.
async fn call_leader<Req: Serialize, T: serde::de::DeserializeOwned>(
    shared: &Shared,
    leader: u64,
    addr: &str,
    path: &str,
    request: &Req,
    timeout: Duration,
) -> Forwarded<T> {
    shared
        .client
        .call(leader, addr, path, request, timeout)
        .await
        .unwrap_or_else(|e| Forwarded::Failed(e.to_string()))
}

/// How long a membership change may take: a new member first catches up, maybe by a large
/// snapshot.
const MEMBERSHIP_TIMEOUT: Duration = Duration::from_secs(20);

/// How long to wait between attempts when no leader is known or it did not answer.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

impl RaftNode {
    /// Starts a node serving its peers on `peer_listener`. A node listed in its own
    /// `initial_members` whose log is empty initializes the cluster with them (every initial
    /// node does so with the same list, which openraft accepts once per node).
    pub async fn start(
        config: NodeConfig,
        peer_listener: tokio::net::TcpListener,
    ) -> std::io::Result<RaftNode> {
        let (mut loaded, disk) = match &config.data_dir {
            Some(dir) => {
                let (disk, loaded) = DataDir::open(dir)?;
                (loaded, Some(disk))
            }
            None => (Loaded::default(), None),
        };
        let store = Store::new(config.store.clone());
        let snapshot = loaded.snapshot.take();
        let applied = Arc::new(Applied::default());
        let machine = StateMachine::new(
            store.clone(),
            snapshot,
            config.data_dir.clone(),
            Arc::clone(&applied),
        )
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let log = LogStore::with(loaded, disk);
        let timing = config.timing.clone();
        let raft_config = openraft::Config {
            cluster_name: "kubemem".into(),
            heartbeat_interval: millis(timing.heartbeat),
            election_timeout_min: millis(timing.election_min),
            election_timeout_max: millis(timing.election_max),
            install_snapshot_timeout: 10_000,
            // Bounded appends, so a heartbeat behind one is never late by a whole backlog.
            max_payload_entries: 64,
            snapshot_policy: SnapshotPolicy::LogsSinceLast(timing.snapshot_every),
            max_in_snapshot_log_to_keep: timing.logs_kept,
            ..openraft::Config::default()
        }
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let faults = Arc::new(Faults::default());
        let client = PeerClient::new(config.id, Arc::clone(&faults));
        let raft = Raft::new(
            config.id,
            Arc::new(raft_config),
            Network {
                client: client.clone(),
            },
            log.clone(),
            machine,
        )
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let counters = Arc::new(Counters::default());
        let (proposals, queue) = mpsc::unbounded_channel();
        tokio::spawn(propose_batches(raft.clone(), queue));
        let shared = Arc::new(Shared {
            id: config.id,
            node: config.node.clone(),
            api_addr: config.api_addr.clone(),
            raft,
            store,
            log,
            applied,
            forwarder: Forwarder::start(client.clone(), Arc::clone(&counters)),
            client,
            faults,
            timing,
            counters,
            read_rounds: ReadRounds::default(),
            proposals,
            stop,
        });
        server::spawn(Arc::clone(&shared), peer_listener, stopped);
        if config.initial_members.contains_key(&config.id) {
            match shared.raft.initialize(config.initial_members.clone()).await {
                Ok(()) | Err(RaftError::APIError(InitializeError::NotAllowed(_))) => {}
                Err(e) => return Err(std::io::Error::other(e.to_string())),
            }
        }
        Ok(RaftNode { shared })
    }

    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// This node's replica of the keyspace: read it after [`RaftNode::read_barrier`], watch it
    /// freely.
    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The openraft handle (metrics, membership, triggers).
    pub fn raft(&self) -> &Raft {
        &self.shared.raft
    }

    /// The network faults armed on this node.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Whether this node is the leader now.
    pub fn is_leader(&self) -> bool {
        self.shared.raft.metrics().borrow().state == ServerState::Leader
    }

    /// Waits until some leader is known, up to `timeout`; answers its id.
    pub async fn wait_for_leader(&self, timeout: Duration) -> Result<u64, ProposeError> {
        let mut metrics = self.shared.raft.metrics();
        let found = tokio::time::timeout(timeout, async {
            loop {
                if let Some(leader) = metrics.borrow_and_update().current_leader {
                    return Ok(leader);
                }
                if metrics.changed().await.is_err() {
                    return Err(ProposeError::Stopped);
                }
            }
        })
        .await;
        found.unwrap_or_else(|_| {
            Err(ProposeError::Unavailable {
                timeout,
                reason: "no leader elected".into(),
            })
        })
    }

    /// Commits a txn and answers once it is applied on this node.
    pub async fn propose_txn(&self, txn: Txn) -> Result<TxnResponse, ProposeError> {
        match self.propose(Command::Txn(txn)).await? {
            Response::Txn(response) => Ok(response),
            other => unreachable_response(other),
        }
    }

    /// Commits a command (through the leader, one hop away) and answers its response once it is
    /// applied on this node. Retries through leader changes until the request timeout, keeping
    /// the request id, so a command is applied at most once however often it is sent.
    pub async fn propose(&self, command: Command) -> Result<Response, ProposeError> {
        let shared = &self.shared;
        shared.counters.proposals.fetch_add(1, Ordering::Relaxed);
        let request = Request {
            id: fastrand::u128(..),
            command,
        };
        let (index, response) = self
            .with_leader(
                shared.timing.request_timeout,
                &request,
                |shared, request| Box::pin(write_here(shared, request)),
                |shared, leader, addr, request, left| {
                    Box::pin(shared.forwarder.send(leader, addr, request, left))
                },
            )
            .await?;
        self.wait_applied(index).await?;
        Ok(response)
    }

    /// Returns once this node has applied every write acknowledged (anywhere) before the call:
    /// the leader confirms its leadership with a quorum and names its commit point (the read
    /// index), and this node waits until it has applied that far.
    pub async fn read_barrier(&self) -> Result<(), ProposeError> {
        self.shared
            .counters
            .read_barriers
            .fetch_add(1, Ordering::Relaxed);
        let index = self.read_index().await?;
        self.wait_applied(index).await
    }

    /// The read index, shared between concurrent callers: one round to the leader at a time,
    /// and a caller takes the answer of a round that *started* after it arrived (an older
    /// round could miss a write acknowledged just before the call). Many concurrent reads so
    /// cost one quorum check per round instead of one each.
    async fn read_index(&self) -> Result<u64, ProposeError> {
        let rounds = &self.shared.read_rounds;
        let arrived_after = rounds.started.load(Ordering::SeqCst);
        let mut answers = rounds.answers.subscribe();
        loop {
            tokio::select! {
                biased;
                changed = answers.changed() => {
                    if changed.is_err() {
                        return Err(ProposeError::Stopped);
                    }
                    let (round, answer) = answers.borrow_and_update().clone();
                    if round > arrived_after {
                        return answer;
                    }
                }
                // No round running (or the last one was abandoned): run one.
                _running = rounds.running.lock() => {
                    let round = rounds.started.fetch_add(1, Ordering::SeqCst) + 1;
                    let answer = self
                        .with_leader(
                            self.shared.timing.request_timeout,
                            &(),
                            |shared, ()| Box::pin(read_index_here(shared)),
                            |shared, leader, addr, (), left| {
                                Box::pin(call_leader(shared, leader, addr, "/raft/read-index", &(), left))
                            },
                        )
                        .await;
                    let _previous = rounds.answers.send_replace((round, answer.clone()));
                    return answer;
                }
            }
        }
    }

    /// Adds a node: first as a learner that catches up (by log or snapshot), then as a voter.
    pub async fn add_member(&self, id: u64, node: PeerNode) -> Result<(), ProposeError> {
        self.with_leader(
            MEMBERSHIP_TIMEOUT,
            &MembersChange::Add(id, node),
            |shared, c| Box::pin(change_members_here(shared, c)),
            send_members_change,
        )
        .await
    }

    /// Removes a voter (or learner) from the cluster.
    pub async fn remove_member(&self, id: u64) -> Result<(), ProposeError> {
        self.with_leader(
            MEMBERSHIP_TIMEOUT,
            &MembersChange::Remove(id),
            |shared, c| Box::pin(change_members_here(shared, c)),
            send_members_change,
        )
        .await
    }

    /// Runs `here` if this node leads, or sends `request` to the leader with `there`;
    /// retries through leader changes until the request timeout.
    async fn with_leader<Req: Clone, T>(
        &self,
        timeout: Duration,
        request: &Req,
        here: Here<Req, T>,
        there: There<Req, T>,
    ) -> Result<T, ProposeError> {
        let shared = &self.shared;
        let deadline = Instant::now() + timeout;
        let mut reason = String::from("no leader known");
        let mut first = true;
        loop {
            if !first {
                shared.counters.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(RETRY_PAUSE).await;
            }
            first = false;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(ProposeError::Unavailable { timeout, reason });
            }
            if *shared.stop.borrow() {
                return Err(ProposeError::Stopped);
            }
            // The leader and its address, read in place (this runs for every write and read).
            let target = {
                let metrics = shared.raft.metrics();
                let metrics = metrics.borrow();
                metrics.current_leader.map(|leader| {
                    let node = metrics
                        .membership_config
                        .nodes()
                        .find(|(id, _)| **id == leader)
                        .map(|(_, node)| node.peer_addr.clone());
                    (leader, node)
                })
            };
            let Some((leader, peer_addr)) = target else {
                continue;
            };
            let answer = if leader == shared.id {
                match tokio::time::timeout(remaining, here(shared, request.clone())).await {
                    Ok(answer) => answer,
                    Err(_) => Forwarded::Failed("the leader did not commit in time".into()),
                }
            } else {
                let Some(peer_addr) = peer_addr else {
                    continue;
                };
                shared.counters.forwarded.fetch_add(1, Ordering::Relaxed);
                there(shared, leader, &peer_addr, request.clone(), remaining).await
            };
            match answer {
                Forwarded::Done(value) => return Ok(value),
                Forwarded::NotLeader(hint) => {
                    reason = format!("node {leader} is no longer the leader (hint: {hint:?})");
                }
                Forwarded::Failed(why) => reason = why,
            }
        }
    }

    /// Waits until this node has applied log index `index`.
    async fn wait_applied(&self, index: u64) -> Result<(), ProposeError> {
        let timeout = self.shared.timing.request_timeout;
        let mut stop = self.shared.stop.subscribe();
        tokio::select! {
            () = self.shared.applied.reached(index) => Ok(()),
            _ = stop.wait_for(|stopped| *stopped) => Err(ProposeError::Stopped),
            () = tokio::time::sleep(timeout) => Err(ProposeError::Unavailable {
                timeout,
                reason: format!("log index {index} not applied on node {}", self.shared.id),
            }),
        }
    }

    /// What `/raft/status` shows.
    pub fn status(&self) -> Status {
        status(&self.shared)
    }

    /// Raft metrics in the Prometheus text format.
    pub fn metrics_text(&self) -> String {
        let s = status(&self.shared);
        let c = &self.shared.counters;
        let opt = |v: Option<u64>| v.map_or(-1, |v| v as i64);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: i64| {
            out.push_str(&format!(
                "# HELP kubemem_raft_{name} {help}\n# TYPE kubemem_raft_{name} {kind}\nkubemem_raft_{name} {value}\n"
            ));
        };
        metric("node_id", "gauge", "This node's id.", s.id as i64);
        metric("term", "gauge", "The current term.", s.term as i64);
        metric(
            "is_leader",
            "gauge",
            "1 if this node is the leader.",
            i64::from(s.role == "Leader"),
        );
        metric(
            "leader_id",
            "gauge",
            "The leader's id (-1: none known).",
            opt(s.leader),
        );
        metric(
            "last_log_index",
            "gauge",
            "The last index in this node's log.",
            opt(s.last_log_index),
        );
        metric(
            "committed_index",
            "gauge",
            "The highest index known committed.",
            opt(s.committed_index),
        );
        metric(
            "applied_index",
            "gauge",
            "The highest index applied to the keyspace.",
            opt(s.applied_index),
        );
        metric(
            "applied_revision",
            "gauge",
            "The keyspace revision applied here.",
            s.applied_revision,
        );
        metric(
            "voters",
            "gauge",
            "Voters in the membership.",
            s.voters.len() as i64,
        );
        for (name, help, counter) in [
            (
                "proposals_total",
                "Proposals made through this node.",
                &c.proposals,
            ),
            (
                "forwarded_total",
                "Requests forwarded to the leader.",
                &c.forwarded,
            ),
            (
                "forward_calls_total",
                "Calls that carried forwarded proposals to the leader.",
                &c.forward_calls,
            ),
            (
                "retries_total",
                "Attempts repeated after a leader change or failure.",
                &c.retries,
            ),
            (
                "read_barriers_total",
                "Linearizable read barriers.",
                &c.read_barriers,
            ),
        ] {
            metric(
                name,
                "counter",
                help,
                counter.load(Ordering::Relaxed) as i64,
            );
        }
        out
    }

    /// Stops the node: its peer listener closes and openraft shuts down.
    pub async fn shutdown(&self) {
        self.shared.stop.send_replace(true);
        if let Err(e) = self.shared.raft.shutdown().await {
            tracing::warn!(error = %e, "raft shutdown");
        }
    }
}

/// Asks the cluster, through the member whose peer listener is `contact`, to add node `id`
/// (a learner first, caught up, then a voter). What `kubemem serve --join` does.
pub async fn join(contact: &str, id: u64, node: PeerNode) -> Result<(), String> {
    ask_members(contact, MembersChange::Add(id, node)).await
}

/// Asks the cluster, through the member whose peer listener is `contact`, to remove node `id`.
pub async fn leave(contact: &str, id: u64) -> Result<(), String> {
    ask_members(contact, MembersChange::Remove(id)).await
}

async fn ask_members(contact: &str, change: MembersChange) -> Result<(), String> {
    let client = PeerClient::new(0, Arc::new(Faults::default()));
    let answer: Forwarded<()> = client
        .call(0, contact, "/raft/members", &change, MEMBERSHIP_TIMEOUT)
        .await
        .map_err(|e| e.to_string())?;
    match answer {
        Forwarded::Done(()) => Ok(()),
        Forwarded::NotLeader(leader) => Err(format!("no leader answered (last known: {leader:?})")),
        Forwarded::Failed(why) => Err(why),
    }
}

fn unreachable_response(other: Response) -> Result<TxnResponse, ProposeError> {
    Err(ProposeError::Unavailable {
        timeout: Duration::ZERO,
        reason: format!("a txn was answered with {other:?}"),
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// On the leader: appends, commits and applies a request (in an entry with the requests
/// gathered with it); answers its log index and response.
pub(crate) async fn write_here(shared: &Shared, request: Request) -> Answer {
    answer_of(queue_here(shared, request)).await
}

/// On the leader: [`write_here`] for the proposals a follower forwarded together, queued
/// together so that they share an entry; answers them in their order.
pub(crate) async fn write_many_here(shared: &Shared, requests: Vec<Request>) -> Vec<Answer> {
    let queued: Vec<_> = requests
        .into_iter()
        .map(|request| queue_here(shared, request))
        .collect();
    let mut answers = Vec::with_capacity(queued.len());
    for answered in queued {
        answers.push(answer_of(answered).await);
    }
    answers
}

/// Queues a request for the leader's next entry.
fn queue_here(shared: &Shared, request: Request) -> oneshot::Receiver<Answer> {
    let (answer, answered) = oneshot::channel();
    // A failed send drops `answer`, which `answer_of` reports.
    let _ = shared.proposals.send((request, answer));
    answered
}

async fn answer_of(answered: oneshot::Receiver<Answer>) -> Answer {
    answered
        .await
        .unwrap_or_else(|_| Forwarded::Failed("the node is shutting down".into()))
}

/// Gathers the requests that arrive while earlier entries are being written into one entry
/// each time ([`Batch`]): group commit on the leader, whose openraft core fsyncs every append
/// before it takes the next. Ends when the node's handles are gone.
async fn propose_batches(raft: Raft, mut queue: mpsc::UnboundedReceiver<Pending>) {
    let in_flight = Arc::new(Semaphore::new(ENTRIES_IN_FLIGHT));
    while let Some(first) = queue.recv().await {
        let Ok(permit) = Arc::clone(&in_flight).acquire_owned().await else {
            return;
        };
        let batch = gather(first, &mut queue, |pending| &pending.0);
        let raft = raft.clone();
        tokio::spawn(async move {
            write_batch(&raft, batch).await;
            drop(permit);
        });
    }
}

/// Appends one entry of requests and answers each of them.
async fn write_batch(raft: &Raft, batch: Vec<Pending>) {
    let (requests, answers): (Vec<Request>, Vec<_>) = batch.into_iter().unzip();
    match raft.client_write(Batch(requests.into())).await {
        Ok(written) => {
            let index = written.log_id.index;
            for (answer, response) in answers.into_iter().zip(written.data) {
                let _ = answer.send(Forwarded::Done((index, response)));
            }
        }
        Err(e) => {
            let failed = match e {
                RaftError::APIError(ClientWriteError::ForwardToLeader(f)) => {
                    Forwarded::NotLeader(f.leader_id)
                }
                e => Forwarded::Failed(e.to_string()),
            };
            for answer in answers {
                let _ = answer.send(failed.clone());
            }
        }
    }
}

/// `first` and what is queued behind it, up to an entry's limits; `request` names the request
/// each queued item carries.
pub(crate) fn gather<T>(
    first: T,
    queue: &mut mpsc::UnboundedReceiver<T>,
    request: impl Fn(&T) -> &Request,
) -> Vec<T> {
    let mut bytes = request_bytes(request(&first));
    let mut batch = vec![first];
    while batch.len() < BATCH_REQUESTS && bytes < BATCH_BYTES {
        let Ok(next) = queue.try_recv() else {
            break;
        };
        bytes += request_bytes(request(&next));
        batch.push(next);
    }
    batch
}

/// The bytes of keys and values a request carries.
fn request_bytes(request: &Request) -> usize {
    match &request.command {
        Command::Txn(txn) => txn
            .success
            .iter()
            .chain(&txn.failure)
            .map(|op| match op {
                Op::Put { key, value } => key.len() + value.len(),
                Op::Get { key } | Op::Delete { key } => key.len(),
            })
            .sum(),
        Command::Compact(_) => 0,
        Command::Restore(bytes) => bytes.len(),
    }
}

/// On the leader: confirms leadership with a quorum; answers the read index.
pub(crate) async fn read_index_here(shared: &Shared) -> Forwarded<u64> {
    match shared.raft.ensure_linearizable().await {
        Ok(read) => Forwarded::Done(read.map_or(0, |id| id.index)),
        Err(RaftError::APIError(openraft::error::CheckIsLeaderError::ForwardToLeader(f))) => {
            Forwarded::NotLeader(f.leader_id)
        }
        Err(e) => Forwarded::Failed(e.to_string()),
    }
}

/// Sends a membership change to the leader.
fn send_members_change<'a>(
    shared: &'a Shared,
    leader: u64,
    addr: &'a str,
    change: MembersChange,
    timeout: Duration,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Forwarded<()>> + Send + 'a>> {
    Box::pin(
        async move { call_leader(shared, leader, addr, "/raft/members", &change, timeout).await },
    )
}

/// On the leader: a membership change, a learner first caught up.
pub(crate) async fn change_members_here(shared: &Shared, change: MembersChange) -> Forwarded<()> {
    let result = match change {
        MembersChange::Add(id, node) => match shared.raft.add_learner(id, node, true).await {
            Ok(_) => {
                shared
                    .raft
                    .change_membership(ChangeMembers::AddVoterIds(BTreeSet::from([id])), false)
                    .await
            }
            Err(e) => Err(e),
        },
        MembersChange::Remove(id) => {
            shared
                .raft
                .change_membership(ChangeMembers::RemoveVoters(BTreeSet::from([id])), false)
                .await
        }
    };
    match result {
        Ok(_) => Forwarded::Done(()),
        Err(RaftError::APIError(ClientWriteError::ForwardToLeader(f))) => {
            Forwarded::NotLeader(f.leader_id)
        }
        Err(e) => Forwarded::Failed(e.to_string()),
    }
}

pub(crate) fn status(shared: &Shared) -> Status {
    let metrics = shared.raft.metrics().borrow().clone();
    let membership = metrics.membership_config.membership();
    Status {
        id: shared.id,
        peer_addr: shared.node.peer_addr.clone(),
        api_addr: shared.api_addr.clone(),
        role: format!("{:?}", metrics.state),
        term: metrics.current_term,
        leader: metrics.current_leader,
        last_log_index: metrics.last_log_index,
        committed_index: shared.log.committed_index(),
        applied_index: metrics.last_applied.map(|id| id.index),
        applied_revision: shared.store.current_revision(),
        snapshot_index: metrics.snapshot.map(|id| id.index),
        voters: membership.voter_ids().collect(),
        learners: membership.learner_ids().collect(),
        nodes: membership
            .nodes()
            .map(|(id, node)| (*id, node.clone()))
            .collect(),
    }
}
