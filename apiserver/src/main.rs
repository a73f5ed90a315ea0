//! The `kubemem` command.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use kubemem_apiserver::controllers::Controllers;
use kubemem_apiserver::{Config, Server, cluster, kubeconfig};
use kubemem_raft::{NodeConfig, PeerNode, RaftNode, Timing};

/// mimalloc instead of the system allocator: a create allocates and frees hundreds of small
/// blocks (JSON maps and strings), and glibc's malloc spent ~22% of the instructions of one
/// (BENCHMARKS.md, session 4).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kubemem",
    version,
    about = "An in-memory Kubernetes API server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Kubernetes API (single node, in memory) until SIGTERM or SIGINT.
    Serve {
        /// Address to listen on; port 0 picks a free port. Loopback only until TLS and
        /// authentication are supported.
        #[arg(long, default_value = "127.0.0.1:6443")]
        listen: SocketAddr,
        /// Where to write a kubeconfig for this server once it is ready.
        #[arg(long, default_value = "kubemem.kubeconfig")]
        kubeconfig: PathBuf,
        /// The built-in controllers to run, comma-separated (empty for a bare API server).
        #[arg(long, default_value = "namespace,serviceaccount,garbagecollector,podgc,root-ca-cert-publisher", value_parser = Controllers::parse)]
        controllers: Controllers,
        /// A YAML manifest whose objects exist from the start (repeatable; created in order).
        #[arg(long = "load", value_name = "PATH")]
        load: Vec<PathBuf>,
        /// Serve `/kubemem/faults/` to inject conflicts, latency and watch failures (tests).
        #[arg(long)]
        fault_injection: bool,
        #[command(flatten)]
        raft: RaftArgs,
    },
    /// Run a Raft cluster of kubemem processes on this machine (for demos and tests).
    Cluster {
        #[command(subcommand)]
        command: ClusterCommand,
    },
}

/// Replication: with `--node-id`, this process is one node of a Raft cluster.
#[derive(clap::Args)]
struct RaftArgs {
    /// This node's id in the cluster (enables Raft replication).
    #[arg(long, requires = "peers")]
    node_id: Option<u64>,
    /// Every initial node's peer address, this one's included: `1=127.0.0.1:7001,2=...`.
    #[arg(long, value_parser = parse_peers)]
    peers: Option<BTreeMap<u64, SocketAddr>>,
    /// The address of this node's peer listener (default: its entry in --peers).
    #[arg(long)]
    peer_listen: Option<SocketAddr>,
    /// Keep vote, log and snapshots here (fsynced), so a restart rejoins under the same id.
    /// Without it the replica is in memory only.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Join a running cluster (through the nodes of --peers) instead of forming one.
    #[arg(long)]
    join: bool,
}

#[derive(Subcommand)]
enum ClusterCommand {
    /// Start N nodes in the background; returns once they serve.
    Up {
        #[arg(long, default_value_t = 3)]
        nodes: u64,
        #[arg(long)]
        dir: PathBuf,
    },
    /// Per node: id, addresses, role, term, leader, last log index, committed index, applied
    /// index and revision.
    Status {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Start a new node and add it to the cluster.
    AddNode {
        #[arg(long)]
        dir: PathBuf,
    },
    /// Remove a node from the cluster and stop it.
    RemoveNode {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        id: u64,
    },
    /// Stop one node (SIGTERM), leaving the membership as it is.
    StopNode {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        id: u64,
    },
    /// Start a stopped node again from its data directory.
    StartNode {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        id: u64,
    },
    /// Stop every node and remove the cluster's files.
    Down {
        #[arg(long)]
        dir: PathBuf,
    },
}

fn parse_peers(list: &str) -> Result<BTreeMap<u64, SocketAddr>, String> {
    list.split(',')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (id, addr) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?}: expected ID=HOST:PORT"))?;
            let id = id.parse().map_err(|e| format!("{id:?}: {e}"))?;
            let addr = addr.parse().map_err(|e| format!("{addr:?}: {e}"))?;
            Ok((id, addr))
        })
        .collect()
}

fn cluster_command(command: ClusterCommand) -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    match command {
        ClusterCommand::Up { nodes, dir } => {
            let file = cluster::up(&exe, &dir, nodes)?;
            let dir = cluster::shown(&dir);
            for n in &file.nodes {
                println!("node {} serving on http://{} (pid {})", n.id, n.api, n.pid);
            }
            print!("{}", cluster::status(&dir)?);
            println!("export KUBECONFIG={}", dir.join("kubeconfig").display());
        }
        ClusterCommand::Status { dir } => print!("{}", cluster::status(&dir)?),
        ClusterCommand::AddNode { dir } => {
            let id = cluster::add_node(&exe, &dir)?;
            println!("node {id} added");
        }
        ClusterCommand::RemoveNode { dir, id } => {
            cluster::remove_node(&dir, id)?;
            println!("node {id} removed");
        }
        ClusterCommand::StopNode { dir, id } => {
            cluster::stop_node(&dir, id)?;
            println!("node {id} stopped");
        }
        ClusterCommand::StartNode { dir, id } => {
            cluster::start_node(&exe, &dir, id)?;
            println!("node {id} started");
        }
        ClusterCommand::Down { dir } => {
            cluster::down(&dir)?;
            println!("cluster in {} stopped", dir.display());
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Cluster { command } => cluster_command(command),
        Command::Serve {
            listen,
            kubeconfig,
            controllers,
            load,
            fault_injection,
            raft,
        } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| std::io::Error::other(format!("cannot start the runtime: {e}")))
            .and_then(|runtime| {
                runtime.block_on(async {
                    let manifests = load
                        .iter()
                        .map(|path| {
                            std::fs::read_to_string(path).map_err(|e| {
                                std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                            })
                        })
                        .collect::<std::io::Result<Vec<String>>>()?;
                    let config = Config {
                        controllers,
                        manifests,
                        fault_injection,
                        ..Config::default()
                    };
                    let node = match raft.node_id {
                        Some(id) => Some(start_node(id, listen, raft).await?),
                        None => None,
                    };
                    serve(listen, kubeconfig, config, node).await
                })
            }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kubemem: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Starts this process's Raft replica and waits for a leader (the API then boots on it).
async fn start_node(id: u64, listen: SocketAddr, args: RaftArgs) -> std::io::Result<RaftNode> {
    let peers = args.peers.unwrap_or_default();
    let peer_listen = args
        .peer_listen
        .or_else(|| peers.get(&id).copied())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("node {id} has no entry in --peers and no --peer-listen"),
            )
        })?;
    if !peer_listen.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "refusing to listen on {peer_listen}: the peer network serves loopback addresses only"
            ),
        ));
    }
    let listener = tokio::net::TcpListener::bind(peer_listen).await?;
    let peer_addr = listener.local_addr()?.to_string();
    let members: BTreeMap<u64, PeerNode> = peers
        .iter()
        .map(|(id, addr)| {
            (
                *id,
                PeerNode {
                    peer_addr: addr.to_string(),
                },
            )
        })
        .collect();
    let node = RaftNode::start(
        NodeConfig {
            id,
            node: PeerNode {
                peer_addr: peer_addr.clone(),
            },
            api_addr: listen.to_string(),
            initial_members: if args.join { BTreeMap::new() } else { members },
            data_dir: args.data_dir,
            store: Default::default(),
            timing: Timing::default(),
        },
        listener,
    )
    .await?;
    if args.join {
        let contacts: Vec<String> = peers
            .iter()
            .filter(|(peer, _)| **peer != id)
            .map(|(_, addr)| addr.to_string())
            .collect();
        let me = PeerNode { peer_addr };
        tokio::spawn(async move {
            for attempt in 0.. {
                let contact = &contacts[attempt % contacts.len().max(1)];
                match kubemem_raft::join(contact, id, me.clone()).await {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(contact, error = %e, "joining the cluster"),
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
    }
    node.wait_for_leader(Duration::from_secs(120))
        .await
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::TimedOut, e.to_string()))?;
    Ok(node)
}

async fn serve(
    listen: SocketAddr,
    kubeconfig_path: PathBuf,
    config: Config,
    node: Option<RaftNode>,
) -> std::io::Result<()> {
    // Handlers first: once the ready lines are printed, a SIGTERM must find them installed.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let server = Server::start_on(listen, config, node).await?;
    kubeconfig::write(&kubeconfig_path, &server.url())?;
    let shown = std::fs::canonicalize(&kubeconfig_path).unwrap_or(kubeconfig_path);
    println!("kubemem serving on {}", server.url());
    println!("export KUBECONFIG={}", shown.display());
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    server.shutdown().await
}
