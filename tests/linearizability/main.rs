//! Linearizability of the Raft-replicated keyspace while its leader is killed and restarted.
//!
//! A three-node in-process cluster of [`RaftNode`]s with `--data-dir`s; clients, each bound to
//! one node, create, update (guarded by the resourceVersion they last saw) and read a few
//! objects the way the API server does, recording each call's interval and outcome; a nemesis
//! shuts the leader down every [`KILL_EVERY`] and restarts it from its data dir (once another
//! leader is elected, or before that). The recorded
//! history must pass the checker of `kubemem_tests::linearizability`. A negative control
//! records reads served without the read barrier by a node cut off from the others, and the
//! checker must reject them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kubemem_raft::{NodeConfig, PeerNode, RaftNode, Timing};
use kubemem_store::{Compare, CompareOp, Op, OpResult, RangeRequest, StoreConfig, Txn};
use kubemem_tests::linearizability::{self, Call, Operation, Outcome, Rv};

const NODES: u64 = 3;
/// Few keys, so clients race on each object.
const KEYS: usize = 4;
const CLIENTS: usize = 7;
/// Leader kills per run; the clients run until the last restarted node has been up for
/// [`KILL_EVERY`].
const KILLS: usize = 4;
/// How long a leader runs before it is killed: after a restart, the kill is this long after the
/// restart.
const KILL_EVERY: Duration = Duration::from_millis(1200);
/// How long a killed leader stays down before it restarts.
const DOWN: Duration = Duration::from_millis(300);

/// The cluster the clients and the nemesis share: the running nodes, by id.
struct Cluster {
    nodes: Mutex<BTreeMap<u64, RaftNode>>,
    members: BTreeMap<u64, PeerNode>,
    dirs: tempfile::TempDir,
}

impl Cluster {
    async fn start() -> Cluster {
        let mut members = BTreeMap::new();
        let mut listeners = Vec::new();
        for id in 1..=NODES {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let peer_addr = listener.local_addr().expect("addr").to_string();
            members.insert(id, PeerNode { peer_addr });
            listeners.push((id, listener));
        }
        let cluster = Cluster {
            nodes: Mutex::new(BTreeMap::new()),
            members,
            dirs: tempfile::tempdir().expect("tempdir"),
        };
        for (id, listener) in listeners {
            cluster.boot(id, Some(listener)).await;
        }
        cluster.leader().await;
        cluster
    }

    /// A running node's handle; `None` while it is down.
    fn node(&self, id: u64) -> Option<RaftNode> {
        self.nodes.lock().expect("nodes").get(&id).cloned()
    }

    /// Starts node `id` from its data dir, on its peer address (bound again after a stop).
    async fn boot(&self, id: u64, listener: Option<tokio::net::TcpListener>) {
        let listener = match listener {
            Some(listener) => listener,
            None => rebind(&self.members[&id].peer_addr).await,
        };
        let node = RaftNode::start(
            NodeConfig {
                id,
                node: self.members[&id].clone(),
                api_addr: String::new(),
                initial_members: self.members.clone(),
                data_dir: Some(self.dirs.path().join(format!("node-{id}"))),
                store: StoreConfig {
                    auto_compact_retention: None,
                },
                timing: Timing {
                    request_timeout: Duration::from_secs(3),
                    ..Timing::default()
                },
            },
            listener,
        )
        .await
        .expect("start");
        self.nodes.lock().expect("nodes").insert(id, node);
    }

    async fn stop(&self, id: u64) {
        let node = self.nodes.lock().expect("nodes").remove(&id);
        node.expect("running").shutdown().await;
    }

    /// The nodes running now.
    fn running(&self) -> Vec<RaftNode> {
        self.nodes
            .lock()
            .expect("nodes")
            .values()
            .cloned()
            .collect()
    }

    /// The node that leads now, waiting up to 10 s for one.
    async fn leader(&self) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(leader) = self.running().iter().find(|n| n.is_leader()) {
                return leader.id();
            }
            assert!(Instant::now() < deadline, "no leader within 10 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn shutdown(&self) {
        for node in self.running() {
            node.shutdown().await;
        }
    }
}

/// Binds a stopped node's peer address again, once its old socket is gone.
async fn rebind(addr: &str) -> tokio::net::TcpListener {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(e) => assert!(Instant::now() < deadline, "rebind {addr}: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How one client behaves.
#[derive(Clone, Copy, Debug)]
struct Client {
    id: usize,
    /// The node it sends everything to.
    node: u64,
    /// Whether it writes; otherwise it only reads.
    writes: bool,
    /// Whether its reads wait for the read barrier (the API server's reads do).
    barrier: bool,
}

fn key(k: usize) -> String {
    format!("lin/{k}")
}

/// Runs `client` until `stop` is set, recording every call it made on `clock`'s time line.
async fn run(
    cluster: Arc<Cluster>,
    client: Client,
    seed: u64,
    clock: Instant,
    stop: Arc<AtomicBool>,
) -> Vec<Operation> {
    let mut rng = fastrand::Rng::with_seed(seed);
    // The rv this client last saw of each key: what its updates expect.
    let mut seen: BTreeMap<usize, Rv> = BTreeMap::new();
    let mut history = Vec::new();
    for seq in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(node) = cluster.node(client.node) else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let k = rng.usize(0..KEYS);
        // Unique across clients, and readable: client 3's 17th call writes 3000017.
        let value = client.id as u64 * 1_000_000 + seq;
        let call = match (client.writes, rng.u32(0..10), seen.get(&k)) {
            (false, _, _) | (true, 0..4, _) => Call::Get,
            (true, 4, _) | (true, _, None) => Call::Create { value },
            (true, _, Some(&expected_rv)) => Call::Update { value, expected_rv },
        };
        let op = timed(&node, client, k, call, clock).await;
        if let Outcome::Ok { rv } | Outcome::Found { rv, .. } = op.outcome {
            seen.insert(k, rv);
        }
        history.push(op);
        // Think time; it also keeps a client whose reads never wait (no barrier) from
        // hogging a worker thread.
        tokio::time::sleep(Duration::from_micros(rng.u64(0..1_000))).await;
    }
    history
}

/// Makes one call and records it.
async fn timed(node: &RaftNode, client: Client, k: usize, call: Call, clock: Instant) -> Operation {
    let invoked_ns = clock.elapsed().as_nanos() as u64;
    let outcome = execute(node, &key(k), call, client.barrier).await;
    Operation {
        client: client.id,
        key: key(k),
        call,
        outcome,
        invoked_ns,
        returned_ns: clock.elapsed().as_nanos() as u64,
    }
}

/// One call as the API server makes it: a create is a txn "put if absent, else get", an update
/// "put if the mod revision is the expected rv, else get" (the get tells a conflict from a
/// missing object), a get a read barrier and a local read. A proposal or barrier that fails is
/// an unknown outcome.
async fn execute(node: &RaftNode, key: &str, call: Call, barrier: bool) -> Outcome {
    let write = |compare: Compare, value: u64| Txn {
        compares: vec![compare],
        success: vec![Op::put(key.to_owned(), value.to_string())],
        failure: vec![Op::get(key.to_owned())],
    };
    let txn = match call {
        Call::Create { value } => write(
            Compare::create_revision(key.to_owned(), CompareOp::Equal, 0),
            value,
        ),
        Call::Update { value, expected_rv } => write(
            Compare::mod_revision(key.to_owned(), CompareOp::Equal, expected_rv),
            value,
        ),
        Call::Get => {
            if barrier && node.read_barrier().await.is_err() {
                return Outcome::Unknown;
            }
            let read = node.store().range(&RangeRequest::key(key.to_owned()));
            return match read.expect("a read at the current revision").kvs.first() {
                Some(kv) => Outcome::Found {
                    value: decode(&kv.value),
                    rv: kv.mod_revision,
                },
                None => Outcome::NotFound,
            };
        }
    };
    let Ok(response) = node.propose_txn(txn).await else {
        return Outcome::Unknown;
    };
    if response.succeeded {
        return Outcome::Ok {
            rv: response.revision,
        };
    }
    match (&response.results[..], call) {
        ([OpResult::Get(Some(_))], Call::Create { .. }) => Outcome::AlreadyExists,
        ([OpResult::Get(Some(_))], _) => Outcome::Conflict,
        ([OpResult::Get(None)], Call::Update { .. }) => Outcome::NotFound,
        _ => panic!("{call:?} on {key}: a failed compare answered {response:?}"),
    }
}

fn decode(value: &[u8]) -> u64 {
    std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a value no client wrote: {value:?}"))
}

/// Starts `clients`, which run until `stop` is set.
async fn record(
    cluster: &Arc<Cluster>,
    clients: &[Client],
    clock: Instant,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<Operation>>> {
    let seed = fastrand::u64(..);
    println!("=== {} clients, seed {seed}", clients.len());
    clients
        .iter()
        .map(|&client| {
            tokio::spawn(run(
                Arc::clone(cluster),
                client,
                seed.wrapping_add(client.id as u64),
                clock,
                Arc::clone(stop),
            ))
        })
        .collect()
}

async fn merged(handles: Vec<tokio::task::JoinHandle<Vec<Operation>>>) -> Vec<Operation> {
    let mut history = Vec::new();
    for handle in handles {
        history.extend(handle.await.expect("client"));
    }
    history
}

/// How many operations ended with each kind of outcome.
#[derive(Debug, Default)]
struct Counts {
    writes_ok: usize,
    already_exists: usize,
    conflicts: usize,
    not_found: usize,
    reads_found: usize,
    unknown: usize,
}

impl Counts {
    fn of(history: &[Operation]) -> Counts {
        let mut counts = Counts::default();
        for op in history {
            match op.outcome {
                Outcome::Ok { .. } => counts.writes_ok += 1,
                Outcome::AlreadyExists => counts.already_exists += 1,
                Outcome::Conflict => counts.conflicts += 1,
                Outcome::NotFound => counts.not_found += 1,
                Outcome::Found { .. } => counts.reads_found += 1,
                Outcome::Unknown => counts.unknown += 1,
            }
        }
        counts
    }
}

/// When the nemesis restarts a leader it killed.
#[derive(Clone, Copy, Debug)]
enum Restart {
    /// Once the other nodes have elected a new leader (and at least [`DOWN`] later).
    AfterAnotherLeader,
    /// After [`DOWN`], usually before the others' election timeout: openraft then restores
    /// the node as the leader of its old term.
    BeforeAnElection,
}

/// Kills the leader [`KILLS`] times, each [`KILL_EVERY`] after the last restart.
async fn kill_leaders(cluster: &Cluster, restart: Restart, clock: Instant) {
    for _ in 0..KILLS {
        tokio::time::sleep(KILL_EVERY).await;
        let leader = cluster.leader().await;
        let at = |clock: Instant| clock.elapsed().as_secs_f64();
        println!("=== {:.1} s: kill leader {leader}", at(clock));
        cluster.stop(leader).await;
        tokio::time::sleep(DOWN).await;
        if let Restart::AfterAnotherLeader = restart {
            let next = cluster.leader().await;
            println!("=== {:.1} s: node {next} leads", at(clock));
        }
        cluster.boot(leader, None).await;
        println!("=== {:.1} s: node {leader} restarted", at(clock));
    }
    tokio::time::sleep(KILL_EVERY).await;
}

/// Runs [`CLIENTS`] clients while the leader is killed [`KILLS`] times, checks their history
/// and that it is not vacuous.
async fn linearizable_while_leaders_are_killed(restart: Restart) {
    let cluster = Arc::new(Cluster::start().await);
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|id| Client {
            id,
            node: id as u64 % NODES + 1,
            writes: true,
            barrier: true,
        })
        .collect();
    let clock = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let handles = record(&cluster, &clients, clock, &stop).await;
    kill_leaders(&cluster, restart, clock).await;
    stop.store(true, Ordering::Relaxed);
    let history = merged(handles).await;
    let ran = clock.elapsed();
    cluster.shutdown().await;

    let started = Instant::now();
    let verdict = linearizability::check(&history);
    let took = started.elapsed();
    let counts = Counts::of(&history);
    println!(
        "=== {verdict}\nchecked in {took:?}; ran {ran:.1?} with {KILLS} leaders killed; {counts:?}"
    );
    assert!(verdict.is_linearizable(), "{verdict}");
    // Not vacuous: most calls got an answer, and writes and reads both went through.
    assert!(
        counts.unknown * 4 < history.len(),
        "too many unknown outcomes: {counts:?}"
    );
    assert!(counts.writes_ok >= 50, "{counts:?}");
    assert!(counts.reads_found >= 50, "{counts:?}");
    assert!(
        counts.conflicts + counts.already_exists > 0,
        "no races: {counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyspace_stays_linearizable_while_leaders_are_killed() {
    linearizable_while_leaders_are_killed(Restart::AfterAnotherLeader).await;
}

/// A leader restarted within the election timeout comes back as the leader of its old term
/// (openraft's `Engine::startup`); its read index — `max(noop of its term, committed)` — is
/// only as new as the writes it acknowledged because the committed log id is persisted in its
/// data dir (before that fix this test saw stale reads after the barrier).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyspace_stays_linearizable_while_leaders_restart_quickly() {
    linearizable_while_leaders_are_killed(Restart::BeforeAnElection).await;
}

/// The negative control: a node cut off from the others still serves reads from its own
/// replica if they skip the read barrier; the majority goes on writing, so those reads are
/// stale and the checker must say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_without_the_barrier_on_a_cut_off_node_are_caught() {
    let cluster = Arc::new(Cluster::start().await);
    let leader = cluster.leader().await;
    let cut = (1..=NODES).find(|id| *id != leader).expect("a follower");
    let majority: Vec<u64> = (1..=NODES).filter(|id| *id != cut).collect();
    // Every object exists on the cut-off node before the cut, so it has something to serve.
    let clock = Instant::now();
    let setup = Client {
        id: 0,
        node: leader,
        writes: true,
        barrier: true,
    };
    let node = cluster.node(leader).expect("leader");
    let mut history = Vec::new();
    let mut revision = 0;
    for k in 0..KEYS {
        let created = timed(&node, setup, k, Call::Create { value: 0 }, clock).await;
        let Outcome::Ok { rv } = created.outcome else {
            panic!("{created}");
        };
        revision = rv;
        history.push(created);
    }
    let cut_node = cluster.node(cut).expect("follower");
    while cut_node.store().current_revision() < revision {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("=== cut node {cut} off from {majority:?}");
    cut_node.faults().block(majority.iter().copied());
    for id in &majority {
        cluster.node(*id).expect("running").faults().block([cut]);
    }

    let writers = majority.iter().enumerate().map(|(id, &node)| Client {
        id,
        node,
        writes: true,
        barrier: true,
    });
    let readers = (0..2).map(|i| Client {
        id: majority.len() + i,
        node: cut,
        writes: false,
        barrier: false,
    });
    let clients: Vec<Client> = writers.chain(readers).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let handles = record(&cluster, &clients, clock, &stop).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    history.extend(merged(handles).await);
    cluster.shutdown().await;

    let verdict = linearizability::check(&history);
    println!("=== {verdict}\n{:?}", Counts::of(&history));
    assert!(!verdict.is_linearizable(), "stale reads went unnoticed");
    // Each violation is a stale read of the cut-off node.
    for violation in &verdict.violations {
        assert!(
            violation.operations.iter().any(|op| op.call == Call::Get
                && op.client >= majority.len()
                && matches!(op.outcome, Outcome::Found { .. })),
            "{violation}"
        );
    }
}
