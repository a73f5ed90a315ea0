//! Scenario 6: resident memory of a `kubemem serve` holding 100k ConfigMaps of ~1 KiB each,
//! against the bytes it stores (the objects' JSON as GET serves them).

use std::time::Duration;

use http::StatusCode;

use crate::client::Conn;
use crate::server::CpuMeter;
use crate::throughput::{check_alive, create_load, spawn};
use crate::{Bench, Report};

const OBJECTS: usize = 100_000;
/// Create bodies of this size come back (with uid, timestamps, resourceVersion) as ~1 KiB.
const BODY: usize = 860;
const CAP: Duration = Duration::from_secs(120);
const TARGET_RATIO: f64 = 2.0;
/// Every this many objects, a GET checks that the create response had the size GET serves.
const SAMPLE_EVERY: usize = 997;

pub fn run(bench: &Bench, report: &mut Report) {
    let Some(mut process) = spawn(bench, report, "rss") else {
        return;
    };
    std::thread::sleep(Duration::from_millis(200));
    let idle = process.status_kib("VmRSS").unwrap_or(0);
    let cpu = CpuMeter::start(Some(&process));
    let load = create_load(bench, &process, "rss", OBJECTS, BODY, CAP);
    let cpu = cpu.stop(load.ok);
    println!(
        "  {} creates of {BODY}-byte bodies, {} errors in {:.2} s ({:.0}/s); cpu: {}",
        load.ok,
        load.errors,
        load.elapsed.as_secs_f64(),
        load.per_second(),
        cpu
    );
    if load.ok != OBJECTS {
        report.fail(
            "rss",
            format!(
                "only {} of {OBJECTS} creates: {}",
                load.ok,
                load.first_error.as_deref().unwrap_or_default()
            ),
        );
    }
    // The create responses are the objects as served; check a sample against GET.
    let mean_created = load.body_bytes as f64 / load.ok.max(1) as f64;
    let sampled = bench.rt.block_on(async {
        let mut conn = Conn::open(process.addr).await?;
        let (mut n, mut bytes) = (0usize, 0usize);
        for i in (0..OBJECTS).step_by(SAMPLE_EVERY) {
            let (status, body) = conn
                .get(&format!("/api/v1/namespaces/default/configmaps/rss-{i:07}"))
                .await?;
            if status != StatusCode::OK {
                return Err(format!("GET rss-{i:07}: {status}"));
            }
            n += 1;
            bytes += body.len();
        }
        Ok::<_, String>(bytes as f64 / n as f64)
    });
    let mean_get = match sampled {
        Ok(m) => m,
        Err(e) => {
            report.fail("rss", e);
            return;
        }
    };
    std::thread::sleep(Duration::from_secs(1));
    let rss = process.status_kib("VmRSS").unwrap_or(0) * 1024;
    let hwm = process.status_kib("VmHWM").unwrap_or(0) * 1024;
    let stored = load.body_bytes;
    let mib = |b: f64| format!("{:.1} MiB", b / (1024.0 * 1024.0));
    println!(
        "  objects as served: {:.0} bytes each on create, {:.0} on GET (sample); {} in all",
        mean_created,
        mean_get,
        mib(stored as f64)
    );
    println!(
        "  VmRSS idle {}, after {} ({:.2}x stored; growth {:.2}x stored); VmHWM {}",
        mib((idle * 1024) as f64),
        mib(rss as f64),
        rss as f64 / stored as f64,
        (rss - idle * 1024) as f64 / stored as f64,
        mib(hwm as f64),
    );
    report.info(
        "rss",
        &format!("stored: {} objects as served", load.ok),
        mib(stored as f64),
    );
    report.at_most(
        "rss",
        "VmRSS / stored bytes",
        rss as f64 / stored as f64,
        TARGET_RATIO,
        |v| format!("{v:.2}x"),
    );
    report.info("rss", "VmRSS", mib(rss as f64));
    report.info(
        "rss",
        "VmRSS growth over idle / stored",
        format!("{:.2}x", (rss - idle * 1024) as f64 / stored as f64),
    );
    report.info("rss", "VmHWM (peak)", mib(hwm as f64));
    report.info(
        "rss",
        "creates/s of the ~1 KiB objects",
        format!("{:.0}/s", load.per_second()),
    );
    report.cpu("rss", &cpu);
    check_alive(&mut process, report, "rss");
}
