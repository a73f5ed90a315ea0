//! Raft clusters in one process: the store conformance suite through a follower, partitions,
//! restarts from `--data-dir`, and a 50 MB snapshot sent to a new member.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use kubemem_raft::{Command, NodeConfig, PeerNode, ProposeError, RaftNode, Response, Timing};
use kubemem_store::{
    Op, RangeRequest, RangeResponse, Revision, StoreConfig, StoreError, Txn, TxnResponse, Watcher,
    testing,
};

fn timing() -> Timing {
    Timing {
        request_timeout: Duration::from_secs(3),
        ..Timing::default()
    }
}

struct Cluster {
    nodes: BTreeMap<u64, RaftNode>,
    members: BTreeMap<u64, PeerNode>,
    listeners: BTreeMap<u64, Option<tokio::net::TcpListener>>,
    dirs: Option<tempfile::TempDir>,
    timing: Timing,
}

async fn listener() -> (tokio::net::TcpListener, String) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr").to_string();
    (l, addr)
}

impl Cluster {
    async fn start(n: u64, persistent: bool, timing: Timing) -> Cluster {
        let mut members = BTreeMap::new();
        let mut listeners = BTreeMap::new();
        for id in 1..=n {
            let (l, addr) = listener().await;
            members.insert(id, PeerNode { peer_addr: addr });
            listeners.insert(id, Some(l));
        }
        let mut cluster = Cluster {
            nodes: BTreeMap::new(),
            members,
            listeners,
            dirs: persistent.then(|| tempfile::tempdir().expect("tempdir")),
            timing,
        };
        for id in 1..=n {
            cluster.boot(id, true).await;
        }
        cluster.nodes[&1]
            .wait_for_leader(Duration::from_secs(10))
            .await
            .expect("leader");
        cluster
    }

    fn dir(&self, id: u64) -> Option<PathBuf> {
        self.dirs
            .as_ref()
            .map(|d| d.path().join(format!("node-{id}")))
    }

    /// Starts node `id` on its address (again, after a stop).
    async fn boot(&mut self, id: u64, initial: bool) {
        let listener = match self.listeners.get_mut(&id).and_then(Option::take) {
            Some(l) => l,
            None => tokio::net::TcpListener::bind(&self.members[&id].peer_addr)
                .await
                .expect("rebind"),
        };
        let node = RaftNode::start(
            NodeConfig {
                id,
                node: self.members[&id].clone(),
                api_addr: String::new(),
                initial_members: if initial {
                    self.members.clone()
                } else {
                    BTreeMap::new()
                },
                data_dir: self.dir(id),
                store: StoreConfig {
                    auto_compact_retention: None,
                },
                timing: self.timing.clone(),
            },
            listener,
        )
        .await
        .expect("start");
        self.nodes.insert(id, node);
    }

    async fn stop(&mut self, id: u64) {
        let node = self.nodes.remove(&id).expect("running");
        node.shutdown().await;
        // Let the listener's socket go before it is bound again.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    async fn leader(&self) -> u64 {
        let any = self.nodes.values().next().expect("a node");
        any.wait_for_leader(Duration::from_secs(10))
            .await
            .expect("leader")
    }

    /// A node other than the leader.
    async fn follower(&self) -> &RaftNode {
        let leader = self.leader().await;
        self.nodes
            .values()
            .find(|n| n.id() != leader)
            .expect("a follower")
    }

    /// Waits until every running node has applied the same revision, and compares keyspaces.
    async fn converged(&self) -> Revision {
        // Generous: the suite's tests share two cores, and one ships a 50 MB snapshot.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let revisions: Vec<Revision> = self
                .nodes
                .values()
                .map(|n| n.store().current_revision())
                .collect();
            if revisions.windows(2).all(|w| w[0] == w[1]) {
                let all: Vec<RangeResponse> = self
                    .nodes
                    .values()
                    .map(|n| n.store().range(&RangeRequest::prefix("")).expect("range"))
                    .collect();
                if all.windows(2).all(|w| w[0] == w[1]) {
                    return revisions[0];
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no convergence: {revisions:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn shutdown(self) {
        for node in self.nodes.values() {
            node.shutdown().await;
        }
    }
}

fn put(key: &str, value: impl Into<Bytes>) -> Txn {
    Txn::unconditional(vec![Op::Put {
        key: Bytes::copy_from_slice(key.as_bytes()),
        value: value.into(),
    }])
}

/// The conformance suite's view of a cluster: everything goes through node 2, a follower or
/// the leader as the election went, so forwarding and read-your-writes are exercised.
struct Through(Cluster);

impl testing::Backend for Through {
    async fn txn(&self, txn: Txn) -> TxnResponse {
        self.0.nodes[&2].propose_txn(txn).await.expect("txn")
    }

    async fn range(&self, request: RangeRequest) -> Result<RangeResponse, StoreError> {
        let node = &self.0.nodes[&2];
        if request.revision <= 0 {
            node.read_barrier().await.expect("read barrier");
        }
        node.store().range(&request)
    }

    async fn compact(&self, revision: Revision) -> Result<(), StoreError> {
        match self.0.nodes[&2].propose(Command::Compact(revision)).await {
            Ok(Response::Compact(result)) => result,
            other => panic!("compact answered {other:?}"),
        }
    }

    async fn watch(&self, prefix: Bytes, start_revision: Revision) -> Result<Watcher, StoreError> {
        self.0.nodes[&2].store().watch(prefix, start_revision)
    }

    async fn snapshot(&self) -> Bytes {
        self.0.nodes[&2].store().snapshot()
    }

    async fn restore(&self, snapshot: Bytes) -> Result<(), StoreError> {
        match self.0.nodes[&2].propose(Command::Restore(snapshot)).await {
            Ok(Response::Restore(result)) => result,
            other => panic!("restore answered {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_conformance_suite_passes_on_three_nodes() {
    testing::run_all(|| async { Through(Cluster::start(3, false, timing()).await) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_node_applies_the_same_revisions() {
    let cluster = Cluster::start(3, false, timing()).await;
    let mut watchers: Vec<Watcher> = cluster
        .nodes
        .values()
        .map(|n| n.store().watch(Bytes::new(), 1).expect("watch"))
        .collect();
    for (i, node) in cluster.nodes.values().cycle().take(30).enumerate() {
        let response = node
            .propose_txn(put(&format!("k{}", i % 7), format!("v{i}")))
            .await
            .expect("propose");
        assert_eq!(response.revision, i as i64 + 1);
        // Read-your-writes: the node that answered has applied it.
        assert!(node.store().current_revision() >= response.revision);
    }
    assert_eq!(cluster.converged().await, 30);
    let mut seen = Vec::new();
    for watcher in &mut watchers {
        let mut events = Vec::new();
        while events.len() < 30 {
            let batch = tokio::time::timeout(Duration::from_secs(5), watcher.next())
                .await
                .expect("event")
                .expect("batch");
            events.extend(batch.events);
        }
        seen.push(events);
    }
    assert!(
        seen.windows(2).all(|w| w[0] == w[1]),
        "identical watch streams"
    );
    // Concurrent reads on a follower share read-index rounds.
    let follower = cluster.follower().await;
    let forwarded = |node: &RaftNode| counter(node, "forwarded_total");
    let before = forwarded(follower);
    for barrier in futures_util::future::join_all((0..64).map(|_| follower.read_barrier())).await {
        barrier.expect("barrier");
    }
    let rounds = forwarded(follower) - before;
    assert!(
        (1..32).contains(&rounds),
        "{rounds} read-index rounds for 64 reads"
    );
    cluster.shutdown().await;
}

/// A counter of a node's Raft metrics (`kubemem_raft_<name>`).
fn counter(node: &RaftNode, name: &str) -> u64 {
    let prefix = format!("kubemem_raft_{name} ");
    node.metrics_text()
        .lines()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_owned))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no {name}"))
}

/// The revisions of proposals that all succeed, in order.
async fn committed_revisions(
    proposals: impl Iterator<
        Item = impl std::future::Future<Output = Result<TxnResponse, ProposeError>>,
    >,
) -> Vec<Revision> {
    let mut revisions: Vec<Revision> = futures_util::future::join_all(proposals)
        .await
        .into_iter()
        .map(|r| {
            let r = r.expect("propose");
            assert!(r.succeeded);
            r.revision
        })
        .collect();
    revisions.sort_unstable();
    revisions
}

/// Concurrent proposals share log entries (group commit on the leader, whose openraft core
/// fsyncs each append before it takes the next), yet each gets its own revision and answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_proposals_share_log_entries() {
    let cluster = Cluster::start(3, true, timing()).await;
    let leader = cluster.leader().await;
    let last_log = |node: &RaftNode| node.status().last_log_index.unwrap_or(0);
    let before = last_log(&cluster.nodes[&leader]);
    let proposals = cluster
        .nodes
        .values()
        .cycle()
        .take(128)
        .enumerate()
        .map(|(i, node)| node.propose_txn(put(&format!("k{i:03}"), format!("v{i}"))));
    let revisions = committed_revisions(proposals).await;
    assert_eq!(revisions, (1..=128).collect::<Vec<Revision>>());
    let entries = last_log(&cluster.nodes[&leader]) - before;
    assert!(
        (1..64).contains(&entries),
        "{entries} log entries for 128 concurrent proposals"
    );
    assert_eq!(cluster.converged().await, 128);
    cluster.shutdown().await;
}

/// A follower's concurrent proposals travel to the leader together: fewer calls than
/// proposals, each proposal still with its own revision and answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followers_concurrent_proposals_share_calls_to_the_leader() {
    let cluster = Cluster::start(3, true, timing()).await;
    let follower = cluster.follower().await;
    let counter = |name: &str| counter(follower, name);
    // Right after an election the new leader refuses writes until its leadership is
    // committed; the follower retries. One write first, so that the count below is exact.
    follower
        .propose_txn(put("first", "x"))
        .await
        .expect("first write");
    let (forwarded, calls) = (counter("forwarded_total"), counter("forward_calls_total"));
    let proposals =
        (0..128).map(|i| follower.propose_txn(put(&format!("f{i:03}"), format!("v{i}"))));
    let revisions = committed_revisions(proposals).await;
    assert_eq!(revisions, (2..=129).collect::<Vec<Revision>>());
    assert_eq!(counter("forwarded_total") - forwarded, 128);
    let calls = counter("forward_calls_total") - calls;
    assert!((1..64).contains(&calls), "{calls} calls for 128 proposals");
    assert_eq!(cluster.converged().await, 129);
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_off_leader_commits_nothing_and_the_majority_goes_on() {
    let cluster = Cluster::start(3, false, timing()).await;
    cluster.nodes[&1]
        .propose_txn(put("before", "x"))
        .await
        .expect("write");
    let old = cluster.leader().await;
    let others: Vec<u64> = cluster
        .nodes
        .keys()
        .copied()
        .filter(|id| *id != old)
        .collect();
    cluster.nodes[&old].faults().block(others.clone());
    for id in &others {
        cluster.nodes[id].faults().block([old]);
    }
    // The minority's clients get errors; nothing they sent commits.
    let minority = cluster.nodes[&old]
        .propose_txn(put("minority", "lost"))
        .await;
    assert!(
        matches!(minority, Err(ProposeError::Unavailable { .. })),
        "{minority:?}"
    );
    // The majority elects a leader and commits.
    let response = cluster.nodes[&others[0]]
        .propose_txn(put("majority", "kept"))
        .await
        .expect("majority write");
    let new = cluster.nodes[&others[1]]
        .wait_for_leader(Duration::from_secs(5))
        .await
        .expect("leader");
    assert_ne!(new, old);
    assert!(response.succeeded);
    for node in cluster.nodes.values() {
        node.faults().heal();
    }
    let revision = cluster.converged().await;
    let keys = cluster.nodes[&old]
        .store()
        .range(&RangeRequest::prefix(""))
        .expect("range");
    let names: Vec<&[u8]> = keys.kvs.iter().map(|kv| kv.key.as_ref()).collect();
    assert_eq!(names, vec![&b"before"[..], b"majority"], "at {revision}");
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_catches_up_by_log_and_by_snapshot() {
    let timing = Timing {
        snapshot_every: 50,
        logs_kept: 0,
        ..timing()
    };
    let mut cluster = Cluster::start(3, true, timing).await;
    for i in 0..10 {
        cluster.nodes[&1]
            .propose_txn(put("a", format!("{i}")))
            .await
            .expect("write");
    }
    // By log: a short absence.
    cluster.stop(3).await;
    for i in 0..10 {
        cluster.nodes[&1]
            .propose_txn(put("b", format!("{i}")))
            .await
            .expect("write");
    }
    cluster.boot(3, true).await;
    assert_eq!(cluster.converged().await, 20);
    // By snapshot: the others snapshot and purge their logs while it is away.
    cluster.stop(3).await;
    for i in 0..200 {
        cluster.nodes[&1]
            .propose_txn(put("c", format!("{i}")))
            .await
            .expect("write");
    }
    let purged = cluster.nodes[&1].raft().metrics().borrow().purged;
    assert!(purged.is_some_and(|p| p.index > 30), "purged {purged:?}");
    cluster.boot(3, true).await;
    assert_eq!(cluster.converged().await, 220);
    let snapshot = cluster.nodes[&3].raft().metrics().borrow().snapshot;
    assert!(snapshot.is_some(), "node 3 installed a snapshot");
    // Every node restarts from its files with nothing lost.
    for id in [1, 2, 3] {
        cluster.stop(id).await;
    }
    for id in [1, 2, 3] {
        cluster.boot(id, true).await;
    }
    cluster.nodes[&2].read_barrier().await.expect("barrier");
    assert_eq!(cluster.converged().await, 220);
    cluster.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_member_gets_a_50_mb_snapshot_and_a_member_leaves() {
    // Appends of 4 MB in an unoptimized build: slower heartbeats, so none times out. The 800
    // writes below make at least 50 log entries (16 concurrent ones may share an entry).
    let timing = Timing {
        snapshot_every: 20,
        logs_kept: 5,
        heartbeat: Duration::from_millis(500),
        election_min: Duration::from_millis(2000),
        election_max: Duration::from_millis(3000),
        request_timeout: Duration::from_secs(15),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let mut cluster = Cluster::start(3, false, timing).await;
    let value = Bytes::from(vec![b'x'; 64 * 1024]);
    for batch in 0..50 {
        let writes = (0..16).map(|i| {
            let key = format!("big/{:03}", batch * 16 + i);
            cluster.nodes[&1].propose_txn(put(&key, value.clone()))
        });
        for written in futures_util::future::join_all(writes).await {
            written.expect("write");
        }
    }
    let leader = cluster.leader().await;
    cluster.nodes[&leader]
        .raft()
        .trigger()
        .snapshot()
        .await
        .expect("snapshot");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while cluster.nodes[&leader]
        .raft()
        .metrics()
        .borrow()
        .purged
        .is_none()
    {
        // Any purge: a node with an empty log can only catch up from the snapshot.
        assert!(
            tokio::time::Instant::now() < deadline,
            "no purge: {:?}",
            cluster.nodes[&leader].raft().metrics().borrow()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (l, addr) = listener().await;
    cluster.members.insert(4, PeerNode { peer_addr: addr });
    cluster.listeners.insert(4, Some(l));
    cluster.boot(4, false).await;
    if let Err(e) = cluster.nodes[&2]
        .add_member(4, cluster.members[&4].clone())
        .await
    {
        for n in cluster.nodes.values() {
            eprintln!("{:?}\n{:?}", n.status(), n.raft().metrics().borrow());
        }
        panic!("add node 4: {e}");
    }
    assert_eq!(cluster.converged().await, 800);
    let status = cluster.nodes[&4].status();
    assert_eq!(status.voters, vec![1, 2, 3, 4]);
    assert!(
        status.snapshot_index.is_some(),
        "node 4 was sent a snapshot"
    );
    let size: usize = cluster.nodes[&4]
        .store()
        .range(&RangeRequest::prefix("big/"))
        .expect("range")
        .kvs
        .iter()
        .map(|kv| kv.value.len())
        .sum();
    assert!(size >= 50 * 1024 * 1024, "{size} bytes");
    // Node 1 leaves; the other three keep committing.
    cluster.nodes[&4]
        .remove_member(1)
        .await
        .expect("remove node 1");
    cluster.stop(1).await;
    cluster.nodes[&3]
        .propose_txn(put("after", "x"))
        .await
        .expect("write");
    assert_eq!(cluster.nodes[&4].status().voters, vec![2, 3, 4]);
    assert_eq!(cluster.converged().await, 801);
    cluster.shutdown().await;
}
