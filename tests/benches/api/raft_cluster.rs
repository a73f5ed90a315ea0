//! Scenario `cluster`: a 3-node Raft cluster of release processes (`kubemem cluster up`).
//! Creates of ~200-byte ConfigMaps sent to the leader and to a follower (forwarded) at 1, 16
//! and 64 connections, then the time from SIGKILL of the leader to a leader the survivors
//! agree on. Target (issue #5): at 64 connections at least half the single-node create
//! throughput, measured first in the same run: one in-memory `kubemem serve`, the same
//! 20,000 creates at 64 connections.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode, Uri};
use kubemem_apiserver::cluster::{self, ClusterFile};

use crate::client::{closed_loop, ms, quantile};
use crate::server::cpu_of;
use crate::{Bench, Report, configmap_body, throughput};

const COLLECTION: &str = "/api/v1/namespaces/default/configmaps";
const CREATES: usize = 20_000;
const CAP: Duration = Duration::from_secs(30);
const BODY: usize = 200;

pub fn run(bench: &Bench, report: &mut Report) {
    let Some(single) = throughput::spawn(bench, report, "cluster") else {
        return;
    };
    let load = throughput::create_load(bench, &single, "single", CREATES, BODY, CAP);
    drop(single);
    if load.errors > 0 {
        return report.fail(
            "cluster",
            format!(
                "single node: {} creates failed: {:?}",
                load.errors, load.first_error
            ),
        );
    }
    let single_rate = load.ok as f64 / load.elapsed.as_secs_f64();
    println!("  one in-memory node, 64 conns: {single_rate:.0}/s");
    report.info(
        "cluster",
        "creates/s to one in-memory node, 64 conns (reference)",
        format!("{single_rate:.0}/s"),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = match cluster::up(&bench.bin, dir.path(), 3) {
        Ok(file) => file,
        Err(e) => return report.fail("cluster", format!("cluster up: {e}")),
    };
    let result = measure(bench, report, &file, single_rate / 2.0);
    let _ = cluster::down(dir.path());
    if let Err(e) = result {
        report.fail("cluster", e);
    }
}

fn measure(
    bench: &Bench,
    report: &mut Report,
    file: &ClusterFile,
    target: f64,
) -> Result<(), String> {
    let leader = cluster::agreed_leader(file, None, Duration::from_secs(10)).ok_or("no leader")?;
    let follower = file
        .nodes
        .iter()
        .find(|n| n.id != leader)
        .ok_or("no follower")?;
    let leader_entry = file.node(leader).map_err(|e| e.to_string())?;
    for (role, entry) in [("leader", leader_entry), ("follower", follower)] {
        for conns in [1, 16, 64] {
            let prefix = format!("{role}-{conns}");
            let n = if conns == 1 { CREATES / 10 } else { CREATES };
            let bodies: Vec<Bytes> = (0..n)
                .map(|i| configmap_body(&format!("{prefix}-{i:07}"), BODY))
                .collect();
            let uri: Uri = COLLECTION.parse().expect("uri");
            let make = Arc::new(move |i: usize| (Method::POST, uri.clone(), bodies[i].clone()));
            let cpu = |pid: u32| cpu_of(&format!("/proc/{pid}/stat"), false);
            let before: Vec<Duration> = file.nodes.iter().map(|n| cpu(n.pid)).collect();
            let entries_before = last_log_index(leader_entry);
            let load = bench.rt.block_on(closed_loop(
                entry.api,
                conns,
                n,
                CAP,
                StatusCode::CREATED,
                make,
            ));
            let rate = load.ok as f64 / load.elapsed.as_secs_f64();
            println!(
                "  to the {role}, {conns} conns: {} ok, {} errors, {rate:.0}/s, p99 {}",
                load.ok,
                load.errors,
                ms(quantile(&load.latencies, 0.99))
            );
            if load.errors > 0 {
                return Err(format!(
                    "{} creates failed: {:?}",
                    load.errors, load.first_error
                ));
            }
            // Where the CPU goes: the three nodes share the two cores with the load generator.
            let per_create: Vec<String> = file
                .nodes
                .iter()
                .zip(&before)
                .map(|(n, at)| {
                    let used = cpu(n.pid).saturating_sub(*at).as_secs_f64();
                    let who = if n.id == leader { "leader" } else { "follower" };
                    let target = if n.id == entry.id { ", sent to" } else { "" };
                    format!(
                        "node {} ({who}{target}) {:.0}",
                        n.id,
                        used * 1e6 / load.ok.max(1) as f64
                    )
                })
                .collect();
            let entries = last_log_index(leader_entry)
                .zip(entries_before)
                .map(|(a, b)| a.saturating_sub(b));
            let per_entry = entries.filter(|e| *e > 0).map_or(String::new(), |e| {
                format!("; {:.1} creates per log entry", load.ok as f64 / e as f64)
            });
            let per_create = format!("{} CPU-µs per create{per_entry}", per_create.join(", "));
            println!("    {per_create}");
            let metric = format!("creates/s to the {role}, {conns} conns");
            if conns == 64 {
                report.at_least("cluster", &metric, rate, target, |v| format!("{v:.0}/s"));
            } else {
                report.info("cluster", &metric, format!("{rate:.0}/s"));
            }
            report.info(
                "cluster",
                &format!("  p99 to the {role}, {conns} conns"),
                ms(quantile(&load.latencies, 0.99)),
            );
            if conns == 64 {
                report.info(
                    "cluster",
                    &format!("  cpu at 64 conns to the {role}"),
                    per_create,
                );
            }
        }
    }
    let killed = Instant::now();
    std::process::Command::new("kill")
        .args(["-KILL", &leader_entry.pid.to_string()])
        .status()
        .map_err(|e| e.to_string())?;
    let elected = cluster::agreed_leader(file, Some(leader), Duration::from_secs(10))
        .ok_or("no new leader within 10 s")?;
    let took = killed.elapsed();
    println!("  node {elected} leads {took:?} after SIGKILL of node {leader}");
    report.at_most(
        "cluster",
        "new leader after SIGKILL of the leader",
        took.as_secs_f64() * 1000.0,
        3000.0,
        |v| format!("{v:.0} ms"),
    );
    Ok(())
}

/// The last index of a node's log (`/raft/status`).
fn last_log_index(node: &cluster::NodeEntry) -> Option<u64> {
    cluster::node_status(node)?.get("lastLogIndex")?.as_u64()
}
