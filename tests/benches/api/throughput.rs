//! Scenarios 2–4: creates and gets at 64 connections (closed loop), and lists of 10k objects.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode, Uri};

use crate::client::{Conn, Load, closed_loop, ms, quantile};
use crate::server::{CpuMeter, ServerProcess};
use crate::{Bench, Report, configmap_body};

const CONNS: usize = 64;
const COLLECTION: &str = "/api/v1/namespaces/default/configmaps";

const CREATES: usize = 100_000;
const CREATE_CAP: Duration = Duration::from_secs(60);
const CREATE_BODY: usize = 200;
const CREATE_TARGET: f64 = 20_000.0;

const GETS: usize = 200_000;
const GET_WARMUP: usize = 5_000;
const GET_CAP: Duration = Duration::from_secs(30);
const GET_TARGET: f64 = 40_000.0;

const LIST_OBJECTS: usize = 10_000;
const LIST_WARMUP: usize = 3;
const LISTS: usize = 30;
const LIST_CAP: Duration = Duration::from_secs(30);
const LIST_TARGET_MS: f64 = 20.0;

/// Spawns a server or records why not.
pub fn spawn(bench: &Bench, report: &mut Report, scenario: &'static str) -> Option<ServerProcess> {
    match ServerProcess::spawn(&bench.bin) {
        Ok((p, _)) => Some(p),
        Err(e) => {
            report.fail(scenario, e);
            None
        }
    }
}

/// Records a crashed server.
pub fn check_alive(process: &mut ServerProcess, report: &mut Report, scenario: &'static str) {
    if let Some(status) = process.exited() {
        report.fail(
            scenario,
            format!("kubemem exited during the scenario: {status}"),
        );
    }
}

/// Prints and records a closed-loop run: rate (against `target`), p50/p99, errors.
fn record_load(
    report: &mut Report,
    scenario: &'static str,
    what: &str,
    load: &Load,
    total: usize,
    target: f64,
) {
    println!(
        "  {} {what} ok, {} errors in {:.2} s{}: {:.0}/s; latency p50 {} p99 {} max {}",
        load.ok,
        load.errors,
        load.elapsed.as_secs_f64(),
        if load.capped {
            " (stopped at the time cap)"
        } else {
            ""
        },
        load.per_second(),
        ms(quantile(&load.latencies, 0.5)),
        ms(quantile(&load.latencies, 0.99)),
        ms(quantile(&load.latencies, 1.0)),
    );
    if load.errors > 0 {
        report.fail(
            scenario,
            format!(
                "{} of {total} {what} failed; first: {}",
                load.errors,
                load.first_error.as_deref().unwrap_or("?")
            ),
        );
    }
    if load.capped {
        report.fail(
            scenario,
            format!("only {} of {total} {what} before the time cap", load.ok),
        );
    }
    report.at_least(
        scenario,
        &format!("{what}/s at {CONNS} connections ({} requests)", load.ok),
        load.per_second(),
        target,
        |v| format!("{v:.0}/s"),
    );
    report.info(
        scenario,
        &format!("{what} latency p50"),
        ms(quantile(&load.latencies, 0.5)),
    );
    report.info(
        scenario,
        &format!("{what} latency p99"),
        ms(quantile(&load.latencies, 0.99)),
    );
}

/// Creates `n` ConfigMaps named `{prefix}-{i:07}` with `size`-byte bodies at 64 connections.
pub fn create_load(
    bench: &Bench,
    process: &ServerProcess,
    prefix: &str,
    n: usize,
    size: usize,
    cap: Duration,
) -> Load {
    let bodies: Vec<Bytes> = (0..n)
        .map(|i| configmap_body(&format!("{prefix}-{i:07}"), size))
        .collect();
    let uri: Uri = COLLECTION.parse().expect("uri");
    let make = Arc::new(move |i: usize| (Method::POST, uri.clone(), bodies[i].clone()));
    bench.rt.block_on(closed_loop(
        process.addr,
        CONNS,
        n,
        cap,
        StatusCode::CREATED,
        make,
    ))
}

/// Scenario 2: 100k creates of ~200-byte ConfigMaps, unique names, 64 connections.
pub fn create(bench: &Bench, report: &mut Report) {
    let Some(mut process) = spawn(bench, report, "create") else {
        return;
    };
    let cpu = CpuMeter::start(Some(&process));
    let load = create_load(bench, &process, "bench", CREATES, CREATE_BODY, CREATE_CAP);
    let cpu = cpu.stop(load.ok);
    println!("  cpu: {cpu}");
    record_load(report, "create", "creates", &load, CREATES, CREATE_TARGET);
    report.cpu("create", &cpu);
    // Every acknowledged create must be there.
    let count = bench.rt.block_on(async {
        let mut conn = Conn::open(process.addr).await?;
        let (status, body) = conn.get(COLLECTION).await?;
        if status != StatusCode::OK {
            return Err(format!("list: {status}"));
        }
        let list: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        Ok::<_, String>(list["items"].as_array().map_or(0, Vec::len))
    });
    match count {
        Ok(n) if n == load.ok => println!("  list after the run: {n} ConfigMaps, as acknowledged"),
        Ok(n) => report.fail(
            "create",
            format!("{} creates acknowledged, {n} listed", load.ok),
        ),
        Err(e) => report.fail("create", format!("list after the run: {e}")),
    }
    check_alive(&mut process, report, "create");
}

/// Scenario 3: GET of one object at 64 connections.
pub fn get(bench: &Bench, report: &mut Report) {
    let Some(mut process) = spawn(bench, report, "get") else {
        return;
    };
    let created = create_load(bench, &process, "one", 1, CREATE_BODY, GET_CAP);
    if created.ok != 1 {
        report.fail(
            "get",
            format!("create: {}", created.first_error.unwrap_or_default()),
        );
        return;
    }
    let uri: Uri = format!("{COLLECTION}/one-0000000").parse().expect("uri");
    let make = Arc::new(move |_| (Method::GET, uri.clone(), Bytes::new()));
    let warm = bench.rt.block_on(closed_loop(
        process.addr,
        CONNS,
        GET_WARMUP,
        GET_CAP,
        StatusCode::OK,
        make.clone(),
    ));
    if warm.errors > 0 {
        report.fail(
            "get",
            format!("warm-up: {}", warm.first_error.unwrap_or_default()),
        );
    }
    let cpu = CpuMeter::start(Some(&process));
    let load = bench.rt.block_on(closed_loop(
        process.addr,
        CONNS,
        GETS,
        GET_CAP,
        StatusCode::OK,
        make,
    ));
    let cpu = cpu.stop(load.ok);
    println!("  cpu: {cpu}");
    println!("  body: {} bytes", load.body_bytes / load.ok.max(1) as u64);
    record_load(report, "get", "gets", &load, GETS, GET_TARGET);
    report.cpu("get", &cpu);
    check_alive(&mut process, report, "get");
}

/// Scenario 4: GET of the whole collection of 10k ConfigMaps, one request at a time.
pub fn list(bench: &Bench, report: &mut Report) {
    let Some(mut process) = spawn(bench, report, "list") else {
        return;
    };
    let created = create_load(bench, &process, "list", LIST_OBJECTS, CREATE_BODY, LIST_CAP);
    if created.ok != LIST_OBJECTS {
        report.fail(
            "list",
            format!(
                "only {} of {LIST_OBJECTS} creates: {}",
                created.ok,
                created.first_error.unwrap_or_default()
            ),
        );
        return;
    }
    let result = bench.rt.block_on(async {
        let mut conn = Conn::open(process.addr).await?;
        let (_, body) = conn.get(COLLECTION).await?;
        let list: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let items = list["items"].as_array().map_or(0, Vec::len);
        if items != LIST_OBJECTS {
            return Err(format!("the list has {items} items, not {LIST_OBJECTS}"));
        }
        for _ in 0..LIST_WARMUP {
            conn.get(COLLECTION).await?;
        }
        let cpu = CpuMeter::start(Some(&process));
        let deadline = Instant::now() + LIST_CAP;
        let mut times = Vec::with_capacity(LISTS);
        while times.len() < LISTS && Instant::now() < deadline {
            let t0 = Instant::now();
            let (status, body) = conn.get(COLLECTION).await?;
            times.push(t0.elapsed().as_nanos() as u64);
            if status != StatusCode::OK || body.len() < LIST_OBJECTS * 100 {
                return Err(format!("list answered {status} with {} bytes", body.len()));
            }
        }
        let cpu = cpu.stop(times.len());
        println!("  cpu: {cpu}");
        times.sort_unstable();
        Ok::<_, String>((times, body.len(), cpu))
    });
    match result {
        Ok((times, bytes, cpu)) => {
            println!(
                "  {} lists of {LIST_OBJECTS} ({:.1} MB each): min {} p50 {} p90 {} max {}",
                times.len(),
                bytes as f64 / 1e6,
                ms(quantile(&times, 0.0)),
                ms(quantile(&times, 0.5)),
                ms(quantile(&times, 0.9)),
                ms(quantile(&times, 1.0)),
            );
            if times.len() < LISTS {
                report.fail(
                    "list",
                    format!("only {} of {LISTS} lists before the time cap", times.len()),
                );
            }
            report.at_most(
                "list",
                &format!(
                    "list of 10k ConfigMaps ({:.1} MB), median of {}",
                    bytes as f64 / 1e6,
                    times.len()
                ),
                quantile(&times, 0.5) as f64 / 1e6,
                LIST_TARGET_MS,
                |v| format!("{v:.1} ms"),
            );
            report.info("list", "list of 10k, p90", ms(quantile(&times, 0.9)));
            report.cpu("list", &cpu);
        }
        Err(e) => report.fail("list", e),
    }
    check_alive(&mut process, report, "list");
}
