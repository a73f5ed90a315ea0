//! Three API servers in one process, each on its own Raft replica: a leader cut off from the
//! others (the peer network's fault layer) answers its clients' writes with a retryable 503
//! and commits nothing; the majority goes on; after healing every node serves the same objects.
//! Every node loads the same manifest at start, and the object is made once.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use kubemem_apiserver::controllers::Controllers;
use kubemem_apiserver::{Config, Server};
use kubemem_raft::{NodeConfig, PeerNode, RaftNode, Timing};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.0 exchange: status line, headers and body as text.
async fn exchange(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, response)
}

fn configmap(name: &str) -> String {
    format!(r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}}}}"#)
}

/// Three Raft nodes in this process, an API server on each (no controllers, every server
/// loading `manifests`), once a leader is elected: the nodes, the servers and the leader's id.
async fn cluster(manifests: Vec<String>) -> (BTreeMap<u64, RaftNode>, BTreeMap<u64, Server>, u64) {
    let mut listeners = Vec::new();
    let mut members = BTreeMap::new();
    for id in 1..=3u64 {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        members.insert(
            id,
            PeerNode {
                peer_addr: l.local_addr().expect("addr").to_string(),
            },
        );
        listeners.push((id, l));
    }
    let mut nodes = BTreeMap::new();
    for (id, listener) in listeners {
        let node = RaftNode::start(
            NodeConfig {
                id,
                node: members[&id].clone(),
                api_addr: String::new(),
                initial_members: members.clone(),
                data_dir: None,
                store: Default::default(),
                timing: Timing {
                    request_timeout: Duration::from_secs(2),
                    ..Timing::default()
                },
            },
            listener,
        )
        .await
        .expect("node");
        nodes.insert(id, node);
    }
    let leader = nodes[&1]
        .wait_for_leader(Duration::from_secs(10))
        .await
        .expect("leader");
    let mut servers = BTreeMap::new();
    for (id, node) in &nodes {
        let config = Config {
            controllers: Controllers::none(),
            manifests: manifests.clone(),
            ..Config::default()
        };
        let server = Server::start_on(
            "127.0.0.1:0".parse().expect("addr"),
            config,
            Some(node.clone()),
        )
        .await
        .expect("server");
        servers.insert(*id, server);
    }
    (nodes, servers, leader)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_off_leader_answers_503_and_the_majority_commits() {
    // Every node loads the same manifest; the first one creates the object.
    let (nodes, servers, leader) = cluster(vec![
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seeded\n".to_owned(),
    ])
    .await;
    let others: Vec<u64> = nodes.keys().copied().filter(|id| *id != leader).collect();
    let path = "/api/v1/namespaces/default/configmaps";

    nodes[&leader].faults().block(others.clone());
    for id in &others {
        nodes[id].faults().block([leader]);
    }
    let (status, response) = exchange(
        servers[&leader].addr(),
        "POST",
        path,
        &configmap("minority"),
    )
    .await;
    assert_eq!(status, 503, "{response}");
    assert!(
        response.contains("Retry-After: 1") || response.contains("retry-after: 1"),
        "{response}"
    );
    assert!(
        response.contains(r#""reason":"ServiceUnavailable""#),
        "{response}"
    );
    let (status, response) = exchange(
        servers[&others[0]].addr(),
        "POST",
        path,
        &configmap("majority"),
    )
    .await;
    assert_eq!(status, 201, "{response}");

    for node in nodes.values() {
        node.faults().heal();
    }
    for server in servers.values() {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let (status, body) = exchange(server.addr(), "GET", path, "").await;
            if status == 200 && body.contains(r#""name":"majority""#) {
                assert!(body.contains(r#""name":"seeded""#), "{body}");
                assert!(!body.contains(r#""name":"minority""#), "{body}");
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{status}: {body}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    for (_, server) in servers {
        server.shutdown().await.expect("shutdown");
    }
}

/// `kubemem_raft_read_barriers_total` of a node.
fn read_barriers(node: &RaftNode) -> u64 {
    node.metrics_text()
        .lines()
        .find_map(|l| l.strip_prefix("kubemem_raft_read_barriers_total "))
        .and_then(|v| v.parse().ok())
        .expect("read_barriers_total in the metrics")
}

/// The namespace check of a create reads the node's own replica, as kube-apiserver's
/// NamespaceLifecycle admission reads its informer cache: a create in an active namespace
/// costs no read-index round. A namespace the replica does not show yet is confirmed with a
/// linearizable read, so a namespace acknowledged through another node is never refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_check_the_namespace_in_the_local_replica() {
    let (nodes, servers, leader) = cluster(Vec::new()).await;
    let follower = *nodes.keys().find(|id| **id != leader).expect("a follower");
    let before = read_barriers(&nodes[&follower]);
    for i in 0..20 {
        let (status, response) = exchange(
            servers[&follower].addr(),
            "POST",
            "/api/v1/namespaces/default/configmaps",
            &configmap(&format!("local-{i}")),
        )
        .await;
        assert_eq!(status, 201, "{response}");
    }
    assert_eq!(read_barriers(&nodes[&follower]), before);

    for (i, via) in nodes.keys().filter(|id| **id != follower).enumerate() {
        let namespace = format!("fresh-{i}");
        let (status, response) = exchange(
            servers[via].addr(),
            "POST",
            "/api/v1/namespaces",
            &format!(
                r#"{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{namespace}"}}}}"#
            ),
        )
        .await;
        assert_eq!(status, 201, "{response}");
        let (status, response) = exchange(
            servers[&follower].addr(),
            "POST",
            &format!("/api/v1/namespaces/{namespace}/configmaps"),
            &configmap("first"),
        )
        .await;
        assert_eq!(status, 201, "{response}");
    }
    let before_miss = read_barriers(&nodes[&follower]);
    let (status, response) = exchange(
        servers[&follower].addr(),
        "POST",
        "/api/v1/namespaces/missing/configmaps",
        &configmap("nowhere"),
    )
    .await;
    assert_eq!(status, 404, "{response}");
    assert!(
        response.contains(r#"namespaces \"missing\" not found"#),
        "{response}"
    );
    assert_eq!(read_barriers(&nodes[&follower]), before_miss + 1);
    for (_, server) in servers {
        server.shutdown().await.expect("shutdown");
    }
}
