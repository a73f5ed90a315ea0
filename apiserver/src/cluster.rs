//! `kubemem cluster`: a Raft cluster of `kubemem serve` processes on one machine, for demos and
//! tests. Everything about a cluster lives in its directory:
//!
//! ```text
//! DIR/cluster.json        the nodes: id, API and peer addresses, pid, the command that runs it
//! DIR/kubeconfig          one context per node (node-1, node-2, ...), current: node-1
//! DIR/node-N.kubeconfig   written by node N once it serves
//! DIR/node-N.pid          node N's process id
//! DIR/node-N.log          node N's stdout and stderr
//! DIR/node-N/             node N's --data-dir (vote, log, snapshot)
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One node of a cluster directory.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeEntry {
    pub id: u64,
    pub api: SocketAddr,
    pub peer: SocketAddr,
    pub pid: u32,
    /// The arguments of `kubemem serve` that (re)start it.
    pub args: Vec<String>,
}

/// `DIR/cluster.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ClusterFile {
    pub nodes: Vec<NodeEntry>,
}

impl ClusterFile {
    pub fn load(dir: &Path) -> io::Result<ClusterFile> {
        let bytes = fs::read(dir.join("cluster.json")).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("{}: {e} (no cluster there?)", dir.display()),
            )
        })?;
        serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn save(&self, dir: &Path) -> io::Result<()> {
        let tmp = dir.join("cluster.json.tmp");
        fs::write(
            &tmp,
            serde_json::to_vec_pretty(self).map_err(io::Error::other)?,
        )?;
        fs::rename(tmp, dir.join("cluster.json"))
    }

    pub fn node(&self, id: u64) -> io::Result<&NodeEntry> {
        self.nodes
            .iter()
            .find(|n| n.id == id)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no node {id}")))
    }
}

/// How long `up` and `add-node` wait for a node to serve.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

fn free_port() -> io::Result<SocketAddr> {
    TcpListener::bind("127.0.0.1:0")?.local_addr()
}

fn peers_arg(nodes: &BTreeMap<u64, SocketAddr>) -> String {
    nodes
        .iter()
        .map(|(id, addr)| format!("{id}={addr}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn serve_args(dir: &Path, id: u64, api: SocketAddr, peer: SocketAddr, peers: &str) -> Vec<String> {
    vec![
        "serve".into(),
        "--node-id".into(),
        id.to_string(),
        "--peers".into(),
        peers.into(),
        "--listen".into(),
        api.to_string(),
        "--peer-listen".into(),
        peer.to_string(),
        "--data-dir".into(),
        dir.join(format!("node-{id}")).display().to_string(),
        "--kubeconfig".into(),
        dir.join(format!("node-{id}.kubeconfig"))
            .display()
            .to_string(),
    ]
}

/// Starts `kubemem serve` with `args` in the background (its own process group, output to
/// `DIR/node-N.log`); answers its pid.
fn spawn(exe: &Path, dir: &Path, id: u64, args: &[String]) -> io::Result<u32> {
    use std::os::unix::process::CommandExt;
    let _ = fs::remove_file(dir.join(format!("node-{id}.kubeconfig")));
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("node-{id}.log")))?;
    let child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()?;
    let pid = child.id();
    fs::write(dir.join(format!("node-{id}.pid")), format!("{pid}\n"))?;
    Ok(pid)
}

/// Starts a node with `args`; its entry for `cluster.json`.
fn launch(
    exe: &Path,
    dir: &Path,
    id: u64,
    api: SocketAddr,
    peer: SocketAddr,
    args: Vec<String>,
) -> io::Result<NodeEntry> {
    let pid = spawn(exe, dir, id, &args)?;
    Ok(NodeEntry {
        id,
        api,
        peer,
        pid,
        args,
    })
}

/// Waits until node `id` has written its kubeconfig (it serves), or its process ended.
fn wait_ready(dir: &Path, id: u64, pid: u32) -> io::Result<()> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let kubeconfig = dir.join(format!("node-{id}.kubeconfig"));
    while !kubeconfig.exists() {
        if !alive(pid) {
            return Err(io::Error::other(format!(
                "node {id} exited; see {}",
                dir.join(format!("node-{id}.log")).display()
            )));
        }
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("node {id} did not become ready in {READY_TIMEOUT:?}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// Whether process `pid` still runs (and is not a zombie).
pub fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

fn signal(pid: u32, name: &str) -> io::Result<()> {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()?;
    if status.success() || !alive(pid) {
        Ok(())
    } else {
        Err(io::Error::other(format!("kill -{name} {pid} failed")))
    }
}

/// Sends SIGTERM and waits up to 10 s for the process to end, then SIGKILLs it.
fn stop(pid: u32) -> io::Result<()> {
    if !alive(pid) {
        return Ok(());
    }
    signal(pid, "TERM")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        if Instant::now() > deadline {
            signal(pid, "KILL")?;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

fn write_kubeconfig(dir: &Path, file: &ClusterFile) -> io::Result<()> {
    let mut out = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for n in &file.nodes {
        out.push_str(&format!(
            "- name: node-{}\n  cluster:\n    server: http://{}\n",
            n.id, n.api
        ));
    }
    out.push_str("contexts:\n");
    for n in &file.nodes {
        out.push_str(&format!(
            "- name: node-{id}\n  context:\n    cluster: node-{id}\n    user: kubemem\n    namespace: default\n",
            id = n.id
        ));
    }
    let current = file.nodes.first().map_or(1, |n| n.id);
    out.push_str(&format!(
        "current-context: node-{current}\nusers:\n- name: kubemem\n  user: {{}}\npreferences: {{}}\n"
    ));
    let tmp = dir.join("kubeconfig.tmp");
    fs::write(&tmp, out)?;
    fs::rename(tmp, dir.join("kubeconfig"))
}

/// `kubemem cluster up`: starts `nodes` nodes and returns once all serve (a leader is elected
/// and the boot objects are committed).
pub fn up(exe: &Path, dir: &Path, nodes: u64) -> io::Result<ClusterFile> {
    if nodes == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a cluster needs at least one node",
        ));
    }
    fs::create_dir_all(dir)?;
    if dir.join("cluster.json").exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already holds a cluster (kubemem cluster down --dir {0})",
                dir.display()
            ),
        ));
    }
    let dir = fs::canonicalize(dir)?;
    let mut addrs = Vec::new();
    for _ in 1..=nodes {
        addrs.push((free_port()?, free_port()?));
    }
    let peers: BTreeMap<u64, SocketAddr> = (1..=nodes).zip(addrs.iter().map(|a| a.1)).collect();
    let peers = peers_arg(&peers);
    let mut file = ClusterFile::default();
    for (id, (api, peer)) in (1..=nodes).zip(addrs) {
        let args = serve_args(&dir, id, api, peer, &peers);
        file.nodes.push(launch(exe, &dir, id, api, peer, args)?);
    }
    file.save(&dir)?;
    for n in &file.nodes {
        wait_ready(&dir, n.id, n.pid)?;
    }
    write_kubeconfig(&dir, &file)?;
    Ok(file)
}

/// `kubemem cluster start-node`: starts a stopped node again from its data directory.
pub fn start_node(exe: &Path, dir: &Path, id: u64) -> io::Result<()> {
    let mut file = ClusterFile::load(dir)?;
    let entry = file.node(id)?.clone();
    if alive(entry.pid) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("node {id} is running (pid {})", entry.pid),
        ));
    }
    let pid = spawn(exe, dir, id, &entry.args)?;
    if let Some(n) = file.nodes.iter_mut().find(|n| n.id == id) {
        n.pid = pid;
    }
    file.save(dir)?;
    wait_ready(dir, id, pid)
}

/// `kubemem cluster add-node`: starts a new node that joins the running cluster (a learner
/// first, caught up by log or snapshot, then a voter).
pub fn add_node(exe: &Path, dir: &Path) -> io::Result<u64> {
    let mut file = ClusterFile::load(dir)?;
    let id = file.nodes.iter().map(|n| n.id).max().unwrap_or(0) + 1;
    let (api, peer) = (free_port()?, free_port()?);
    let mut peers: BTreeMap<u64, SocketAddr> = file.nodes.iter().map(|n| (n.id, n.peer)).collect();
    peers.insert(id, peer);
    let mut args = serve_args(dir, id, api, peer, &peers_arg(&peers));
    args.push("--join".into());
    let entry = launch(exe, dir, id, api, peer, args)?;
    let pid = entry.pid;
    file.nodes.push(entry);
    file.save(dir)?;
    wait_ready(dir, id, pid)?;
    write_kubeconfig(dir, &file)?;
    Ok(id)
}

/// `kubemem cluster remove-node`: takes node `id` out of the membership, then stops it.
pub fn remove_node(dir: &Path, id: u64) -> io::Result<()> {
    let mut file = ClusterFile::load(dir)?;
    let entry = file.node(id)?.clone();
    let contact = file
        .nodes
        .iter()
        .find(|n| n.id != id && alive(n.pid))
        .ok_or_else(|| io::Error::other("no other running node to ask"))?
        .peer
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(kubemem_raft::leave(&contact, id))
        .map_err(io::Error::other)?;
    stop(entry.pid)?;
    file.nodes.retain(|n| n.id != id);
    file.save(dir)?;
    remove_node_files(dir, id);
    write_kubeconfig(dir, &file)
}

/// `kubemem cluster stop-node`: stops node `id` (SIGTERM) without changing the membership.
pub fn stop_node(dir: &Path, id: u64) -> io::Result<()> {
    stop(ClusterFile::load(dir)?.node(id)?.pid)
}

/// `kubemem cluster down`: stops every node and removes the cluster's files (data included).
pub fn down(dir: &Path) -> io::Result<()> {
    let file = ClusterFile::load(dir)?;
    for n in &file.nodes {
        stop(n.pid)?;
    }
    for n in &file.nodes {
        remove_node_files(dir, n.id);
    }
    let _ = fs::remove_file(dir.join("kubeconfig"));
    fs::remove_file(dir.join("cluster.json"))
}

/// Removes a node's pid file, kubeconfig and data directory (its log stays, for a post-mortem).
fn remove_node_files(dir: &Path, id: u64) {
    for name in [format!("node-{id}.pid"), format!("node-{id}.kubeconfig")] {
        let _ = fs::remove_file(dir.join(name));
    }
    let _ = fs::remove_dir_all(dir.join(format!("node-{id}")));
}

/// `GET http://{addr}{path}` with a short timeout; the body.
pub fn http_get(addr: SocketAddr, path: &str) -> io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (_, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| io::Error::other("not an HTTP answer"))?;
    Ok(body.to_owned())
}

/// One node's `/raft/status`, or `None` if it does not answer.
pub fn node_status(entry: &NodeEntry) -> Option<Value> {
    let body = http_get(entry.api, "/raft/status").ok()?;
    serde_json::from_str(&body).ok()
}

/// The leader every running node but `except` names (and that is not `except` itself), waiting
/// up to `within` for them to agree.
pub fn agreed_leader(file: &ClusterFile, except: Option<u64>, within: Duration) -> Option<u64> {
    let deadline = Instant::now() + within;
    loop {
        let leaders: Vec<Option<u64>> = file
            .nodes
            .iter()
            .filter(|n| Some(n.id) != except)
            .map(|n| {
                node_status(n)
                    .filter(|s| s["role"] == "Leader" || s["role"] == "Follower")
                    .and_then(|s| s["leader"].as_u64())
            })
            .collect();
        if let Some(Some(leader)) = leaders.first()
            && Some(*leader) != except
            && leaders.iter().all(|l| *l == Some(*leader))
        {
            return Some(*leader);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `kubemem cluster status`: a line per node.
pub fn status(dir: &Path) -> io::Result<String> {
    let file = ClusterFile::load(dir)?;
    let mut rows = vec![
        [
            "ID",
            "API",
            "PEER",
            "PID",
            "ROLE",
            "TERM",
            "LEADER",
            "LAST-LOG",
            "COMMITTED",
            "APPLIED",
            "REVISION",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for n in &file.nodes {
        let status = node_status(n);
        let field = |name: &str| match status.as_ref().and_then(|s| s.get(name)) {
            Some(Value::Null) | None => "-".to_owned(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        };
        let role = if status.is_some() {
            field("role")
        } else if alive(n.pid) {
            "unreachable".into()
        } else {
            "down".into()
        };
        rows.push(vec![
            n.id.to_string(),
            n.api.to_string(),
            n.peer.to_string(),
            n.pid.to_string(),
            role,
            field("term"),
            field("leader"),
            field("lastLogIndex"),
            field("committedIndex"),
            field("appliedIndex"),
            field("appliedRevision"),
        ]);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("   ").trim_end());
        out.push('\n');
    }
    Ok(out)
}

/// The directory's path as the CLI prints it.
pub fn shown(dir: &Path) -> PathBuf {
    fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned())
}
