//! The API benchmarks of issue #2: start-up, create and get throughput, list latency, watch
//! fan-out and memory per stored byte, each against a fresh `kubemem serve` child process.
//!
//! ```text
//! cargo bench -p kubemem-tests --bench api             # every scenario
//! cargo bench -p kubemem-tests --bench api -- watch    # the scenarios whose name contains "watch"
//! ```
//!
//! The bench first runs `cargo build --release -p kubemem-apiserver --bin kubemem` (unless
//! `KUBEMEM_BIN` names a binary to use). Scenarios: `startup`, `create`, `get`, `list`, `watch`,
//! `rss`, `cluster` (3 Raft nodes). Each has a fixed count and a time cap and stops by itself; a server is killed when its
//! scenario ends (also on panic). The load generator is this process: a single-threaded tokio
//! runtime unless `KUBEMEM_BENCH_CLIENT_THREADS` says otherwise, so it takes as little CPU from
//! the server as it can — on a 2-core machine they still share the cores. Before each scenario
//! the bench waits for the machine to be idle, and repeats a scenario that other processes
//! disturbed (see [`ATTEMPTS`]). `KUBEMEM_BENCH_WATCHERS` and `KUBEMEM_BENCH_WATCH_RATES` change
//! the watch scenario's watcher count and write rates. The figures are in BENCHMARKS.md.

#[path = "api/client.rs"]
mod client;
#[path = "api/fanout.rs"]
mod fanout;
#[path = "api/memory.rs"]
mod memory;
#[path = "api/raft_cluster.rs"]
mod raft_cluster;
#[path = "api/server.rs"]
mod server;
#[path = "api/startup.rs"]
mod startup;
#[path = "api/throughput.rs"]
mod throughput;

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;

/// What every scenario gets.
pub struct Bench {
    /// The `kubemem` binary the child servers run.
    pub bin: PathBuf,
    /// The load generator's runtime.
    pub rt: tokio::runtime::Runtime,
}

/// One line of the results table.
struct Row {
    scenario: &'static str,
    metric: String,
    measured: String,
    target: String,
    verdict: String,
}

/// The results table and the correctness failures seen on the way.
#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
    failures: Vec<String>,
    /// Other processes took a noticeable share of the CPU during a measurement.
    disturbed: bool,
}

impl Report {
    /// A figure without a target.
    pub fn info(&mut self, scenario: &'static str, metric: &str, measured: String) {
        self.rows.push(Row {
            scenario,
            metric: metric.to_owned(),
            measured,
            target: String::new(),
            verdict: String::new(),
        });
    }

    /// A figure that must be at most `target` (same unit as `value`, shown by `show`).
    pub fn at_most(
        &mut self,
        scenario: &'static str,
        metric: &str,
        value: f64,
        target: f64,
        show: impl Fn(f64) -> String,
    ) {
        let verdict = if value <= target {
            "met".to_owned()
        } else {
            format!("MISSED ({:.1}x the target)", value / target)
        };
        self.rows.push(Row {
            scenario,
            metric: metric.to_owned(),
            measured: show(value),
            target: format!("<= {}", show(target)),
            verdict,
        });
    }

    /// A figure that must be at least `target`.
    pub fn at_least(
        &mut self,
        scenario: &'static str,
        metric: &str,
        value: f64,
        target: f64,
        show: impl Fn(f64) -> String,
    ) {
        let verdict = if value >= target {
            "met".to_owned()
        } else {
            format!("MISSED ({:.0}% of the target)", 100.0 * value / target)
        };
        self.rows.push(Row {
            scenario,
            metric: metric.to_owned(),
            measured: show(value),
            target: format!(">= {}", show(target)),
            verdict,
        });
    }

    /// Where the CPU went while the scenario's figures above were measured; flags figures
    /// disturbed by other processes.
    pub fn cpu(&mut self, scenario: &'static str, cpu: &server::CpuUse) {
        self.rows.push(Row {
            scenario,
            metric: "  cores: server / load gen. / softirq / others".to_owned(),
            measured: cpu.cores(),
            target: String::new(),
            verdict: if cpu.disturbed() {
                self.disturbed = true;
                "DISTURBED by other processes".to_owned()
            } else {
                String::new()
            },
        });
    }

    /// A correctness failure: errors, lost events, a crashed server.
    pub fn fail(&mut self, scenario: &'static str, what: String) {
        println!("  FAILURE: {what}");
        self.failures.push(format!("{scenario}: {what}"));
    }

    fn print(&self) {
        let widths = [
            "scenario".len().max(
                self.rows
                    .iter()
                    .map(|r| r.scenario.len())
                    .max()
                    .unwrap_or(0),
            ),
            "metric"
                .len()
                .max(self.rows.iter().map(|r| r.metric.len()).max().unwrap_or(0)),
            "measured".len().max(
                self.rows
                    .iter()
                    .map(|r| r.measured.len())
                    .max()
                    .unwrap_or(0),
            ),
            "target"
                .len()
                .max(self.rows.iter().map(|r| r.target.len()).max().unwrap_or(0)),
        ];
        let line = |cells: [&str; 5]| {
            println!(
                "| {:w0$} | {:w1$} | {:>w2$} | {:w3$} | {}",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            )
        };
        println!();
        line(["scenario", "metric", "measured", "target", "verdict"]);
        for r in &self.rows {
            line([r.scenario, &r.metric, &r.measured, &r.target, &r.verdict]);
        }
        if self.failures.is_empty() {
            println!("\nno correctness failures");
        } else {
            println!("\n{} correctness failure(s):", self.failures.len());
            for f in &self.failures {
                println!("  {f}");
            }
        }
    }
}

/// A ConfigMap body in namespace `default` of exactly `size` bytes (padding in `data.config`;
/// at least ~130). The namespace is there because PUT refuses a body without it (see BENCHMARKS.md).
pub fn configmap_body(name: &str, size: usize) -> Bytes {
    let head = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}","namespace":"default","labels":{{"app":"kubemem-bench"}}}},"data":{{"config":""#
    );
    let tail = r#""}}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head.as_bytes());
    // Vary the padding with the name so no two values are alike.
    let seed = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
    body.extend((0..pad).map(|i| b'a' + ((seed as usize + i * 7) % 26) as u8));
    body.extend_from_slice(tail.as_bytes());
    Bytes::from(body)
}

/// `cargo build --release -p kubemem-apiserver --bin kubemem`, so the servers run the code of
/// this checkout (cargo does not hold its lock while a bench runs). It lands next to this
/// bench's `deps/` directory, where [`server::kubemem_bin`] looks.
fn build_kubemem() -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let status = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "kubemem-apiserver",
            "--bin",
            "kubemem",
        ])
        .arg("--manifest-path")
        .arg(manifest)
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build: {status}"))
    }
}

/// Waits (at most `QUIET_CAP`) until the machine is idle for a second — no server runs between
/// scenarios, so what is busy then is someone else's work (a build, say) that would disturb
/// the figures.
fn wait_for_quiet() {
    const QUIET_CAP: Duration = Duration::from_secs(120);
    const BUSY_LIMIT: f64 = 0.15;
    let start = std::time::Instant::now();
    loop {
        let before = server::machine_busy().0;
        std::thread::sleep(Duration::from_secs(1));
        let busy = (server::machine_busy().0 - before).as_secs_f64();
        if busy <= BUSY_LIMIT {
            return;
        }
        if start.elapsed() >= QUIET_CAP {
            println!(
                "  WARNING: other processes keep {busy:.2} cores busy; measuring anyway (figures disturbed)"
            );
            return;
        }
        if start.elapsed() < Duration::from_secs(2) {
            println!("  waiting for other processes to quiet down ({busy:.2} cores busy)");
        }
    }
}

type Scenario = fn(&Bench, &mut Report);

/// A scenario whose measurement other processes disturbed is run again, up to this many times
/// in all; the last attempt's figures are kept (and marked DISTURBED if they still are).
const ATTEMPTS: usize = 3;

const SCENARIOS: &[(&str, Scenario)] = &[
    ("startup", startup::run),
    ("create", throughput::create),
    ("get", throughput::get),
    ("list", throughput::list),
    ("watch", fanout::run),
    ("rss", memory::run),
    ("cluster", raft_cluster::run),
];

fn main() -> std::process::ExitCode {
    // `cargo bench` passes `--bench`; everything else that is not a flag is a name filter.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if std::env::var_os("KUBEMEM_BIN").is_none()
        && let Err(e) = build_kubemem()
    {
        eprintln!("cannot build the kubemem binary: {e}");
        return std::process::ExitCode::from(2);
    }
    let bin = server::kubemem_bin();
    if !bin.is_file() {
        eprintln!("no kubemem binary at {}", bin.display());
        return std::process::ExitCode::from(2);
    }
    let threads: usize = std::env::var("KUBEMEM_BENCH_CLIENT_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    let rt = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .expect("client runtime");
    let age = std::fs::metadata(&bin)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .unwrap_or(Duration::ZERO);
    println!(
        "kubemem binary: {} (built {} s ago); {} CPU(s); load generator: {} thread(s)",
        bin.display(),
        age.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        threads.max(1),
    );
    let bench = Bench { bin, rt };
    let mut report = Report::default();
    for (name, run) in SCENARIOS {
        if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
            for attempt in 1..=ATTEMPTS {
                println!("=== {name}");
                wait_for_quiet();
                let mut this = Report::default();
                run(&bench, &mut this);
                // Correctness failures count whichever attempt saw them.
                report.failures.append(&mut this.failures);
                if !this.disturbed || attempt == ATTEMPTS {
                    report.rows.append(&mut this.rows);
                    break;
                }
                println!(
                    "  other processes disturbed the measurement; repeating ({attempt}/{ATTEMPTS})"
                );
            }
        }
    }
    report.print();
    if report.failures.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
