//! Scenario 1: from spawning `kubemem serve` to the first `GET /readyz` answering `ok`; and the
//! same for the in-process fixture, `TestServer::start` (issue #6: at most 10 ms).

use std::time::{Duration, Instant};

use kubemem_apiserver::Config;
use kubemem_apiserver::testing::TestServer;

use crate::client::{ms, quantile};
use crate::server::{CpuMeter, ServerProcess, readyz_ok};
use crate::{Bench, Report};

const RUNS: usize = 25;
/// How long one start may take before the run counts as failed.
const CAP: Duration = Duration::from_secs(5);
const TARGET_MS: f64 = 30.0;
/// The in-process fixture's start-up target (issue #6).
const FIXTURE_TARGET_MS: f64 = 10.0;

pub fn run(bench: &Bench, report: &mut Report) {
    let mut to_line = Vec::new();
    let mut to_ready = Vec::new();
    let cpu = CpuMeter::start(None);
    for i in 0..RUNS {
        let t0 = Instant::now();
        let (process, line) = match ServerProcess::spawn(&bench.bin) {
            Ok(p) => p,
            Err(e) => {
                report.fail("startup", format!("run {i}: {e}"));
                continue;
            }
        };
        match poll_ready(process.addr, t0) {
            Some(ready) => {
                to_line.push(line.as_nanos() as u64);
                to_ready.push(ready.as_nanos() as u64);
            }
            None => report.fail("startup", format!("run {i}: /readyz not ok within {CAP:?}")),
        }
        drop(process);
    }
    let process_cpu = cpu.stop(0);
    to_line.sort_unstable();
    to_ready.sort_unstable();
    println!(
        "  process: {} runs; spawn → ready min {} p50 {} max {}; spawn → \"serving on\" line p50 {}",
        to_ready.len(),
        ms(quantile(&to_ready, 0.0)),
        ms(quantile(&to_ready, 0.5)),
        ms(quantile(&to_ready, 1.0)),
        ms(quantile(&to_line, 0.5)),
    );

    // In process: the runtime is built once (like a test harness would), the fixture's
    // TestServer::start (server and kubeconfig) timed.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut start = Vec::new();
    let mut start_ready = Vec::new();
    let cpu = CpuMeter::start(None);
    for i in 0..RUNS {
        let t0 = Instant::now();
        let server = match rt.block_on(TestServer::start_with(Config::default())) {
            Ok(s) => s,
            Err(e) => {
                report.fail("startup", format!("in-process run {i}: {e}"));
                continue;
            }
        };
        let started = t0.elapsed();
        match poll_ready(server.addr(), t0) {
            Some(ready) => {
                start.push(started.as_nanos() as u64);
                start_ready.push(ready.as_nanos() as u64);
            }
            None => report.fail("startup", format!("in-process run {i}: /readyz not ok")),
        }
        if let Err(e) = rt.block_on(server.shutdown()) {
            report.fail("startup", format!("in-process run {i}: shutdown: {e}"));
        }
    }
    let in_process_cpu = cpu.stop(0);
    start.sort_unstable();
    start_ready.sort_unstable();
    println!(
        "  in-process: TestServer::start min {} p50 {} max {}; start → ready p50 {}",
        ms(quantile(&start, 0.0)),
        ms(quantile(&start, 0.5)),
        ms(quantile(&start, 1.0)),
        ms(quantile(&start_ready, 0.5)),
    );

    let show = |v: f64| format!("{v:.1} ms");
    if !to_ready.is_empty() {
        report.at_most(
            "startup",
            &format!("spawn → /readyz ok, median of {}", to_ready.len()),
            quantile(&to_ready, 0.5) as f64 / 1e6,
            TARGET_MS,
            show,
        );
        report.info(
            "startup",
            "spawn → /readyz ok, max",
            show(quantile(&to_ready, 1.0) as f64 / 1e6),
        );
        report.cpu("startup", &process_cpu);
    }
    if !start.is_empty() {
        report.at_most(
            "startup",
            &format!("in-process TestServer::start, median of {}", start.len()),
            quantile(&start, 0.5) as f64 / 1e6,
            FIXTURE_TARGET_MS,
            show,
        );
        report.cpu("startup", &in_process_cpu);
    }
}

/// Polls `/readyz` without pause until it answers `ok`; the time since `t0`.
fn poll_ready(addr: std::net::SocketAddr, t0: Instant) -> Option<Duration> {
    while t0.elapsed() < CAP {
        if readyz_ok(addr) {
            return Some(t0.elapsed());
        }
    }
    None
}
