//! A `kubemem serve` child process on an ephemeral loopback port, killed when dropped, and what
//! `/proc` says about it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The release `kubemem` binary: `$KUBEMEM_BIN`, else `kubemem` next to this bench's `deps/`.
pub fn kubemem_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KUBEMEM_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(Path::parent)
        .map(|release| release.join("kubemem"))
        .expect("target/release")
}

/// A running `kubemem serve`; killed (SIGKILL) and reaped on drop.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    /// Spawns `kubemem serve --listen 127.0.0.1:0 --kubeconfig DIR/kubeconfig --controllers …`
    /// and waits for its "kubemem serving on http://…" line; also returns how long after the
    /// spawn call that was.
    pub fn spawn(bin: &Path) -> Result<(ServerProcess, Duration), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let t0 = Instant::now();
        let mut child = Command::new(bin)
            .arg("serve")
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--kubeconfig")
            .arg(dir.path().join("kubeconfig"))
            // Every default controller but the root CA publisher, whose kube-root-ca.crt
            // would be one more ConfigMap in the namespace the bench counts.
            .arg("--controllers")
            .arg("namespace,serviceaccount,garbagecollector,podgc")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        // The reader lives as long as the child: the server prints after the first line, and a
        // closed pipe would make its println! fail.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout);
            let mut line = String::new();
            while matches!(lines.read_line(&mut line), Ok(n) if n > 0) {
                if let Some(url) = line.trim().strip_prefix("kubemem serving on http://") {
                    let _ = tx.send((url.to_owned(), Instant::now()));
                }
                line.clear();
            }
        });
        let mut process = ServerProcess {
            child,
            addr: "127.0.0.1:0".parse().expect("addr"),
            _dir: dir,
        };
        let (url, at) = rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| "kubemem did not print its URL within 10 s".to_owned())?;
        process.addr = url.parse().map_err(|e| format!("{url}: {e}"))?;
        Ok((process, at - t0))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(status)` once the process has exited (a crash, since nobody asked it to stop).
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) if status.success() => Some(format!(
                "{status} (its graceful shutdown: something outside this bench sent it SIGTERM or SIGINT)"
            )),
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(e.to_string()),
        }
    }

    /// A line of `/proc/PID/status` in KiB (`VmRSS`, `VmHWM`).
    pub fn status_kib(&self, field: &str) -> Option<u64> {
        proc_status_kib(self.pid(), field)
    }

    /// CPU time (user + system) the process has used so far.
    pub fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.pid()), false)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// utime + stime of `/proc/.../stat` (with `children`, also cutime + cstime: the reaped child
/// processes'), at the usual 100 ticks per second.
pub fn cpu_of(stat_path: &str, children: bool) -> Duration {
    let stat = std::fs::read_to_string(stat_path).unwrap_or_default();
    // Fields after the parenthesised command name; utime, stime, cutime and cstime are fields
    // 14 to 17.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut total = ticks(11) + ticks(12);
    if children {
        total += ticks(13) + ticks(14);
    }
    Duration::from_millis(total * 10)
}

/// Busy CPU time of the whole machine (`/proc/stat`'s `cpu` line but idle and iowait), and the
/// part of it spent in interrupts and softirqs (loopback TCP's receive path, mostly), which is
/// not charged to any process.
pub fn machine_busy() -> (Duration, Duration) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let field = |i: usize| ticks.get(i).copied().unwrap_or(0);
    // user nice system idle iowait irq softirq steal
    let busy = field(0) + field(1) + field(2) + field(5) + field(6) + field(7);
    let irq = field(5) + field(6);
    (
        Duration::from_millis(busy * 10),
        Duration::from_millis(irq * 10),
    )
}

/// Where the CPU went over one measured phase.
pub struct CpuMeter {
    server: Option<(u32, Duration)>,
    client: Duration,
    busy: Duration,
    irq: Duration,
    at: Instant,
}

impl CpuMeter {
    /// Starts measuring; without a server, the load generator's share includes the child
    /// processes it has reaped (the start-up scenario's servers).
    pub fn start(server: Option<&ServerProcess>) -> CpuMeter {
        let (busy, irq) = machine_busy();
        CpuMeter {
            server: server.map(|p| (p.pid(), p.cpu())),
            client: cpu_of("/proc/self/stat", server.is_none()),
            busy,
            irq,
            at: Instant::now(),
        }
    }

    /// The use since the start, over `ops` operations (0: not per-op).
    pub fn stop(&self, ops: usize) -> CpuUse {
        let wall = self.at.elapsed().as_secs_f64();
        let server = self.server.map_or(0.0, |(pid, at)| {
            (cpu_of(&format!("/proc/{pid}/stat"), false).saturating_sub(at)).as_secs_f64()
        });
        let client = (cpu_of("/proc/self/stat", self.server.is_none()).saturating_sub(self.client))
            .as_secs_f64();
        let (busy, irq) = machine_busy();
        let busy = busy.saturating_sub(self.busy).as_secs_f64();
        let irq = irq.saturating_sub(self.irq).as_secs_f64();
        CpuUse {
            server: server / wall,
            client: client / wall,
            irq: irq / wall,
            others: ((busy - server - client - irq) / wall).max(0.0),
            per_op: (ops > 0).then(|| (server * 1e6 / ops as f64, client * 1e6 / ops as f64)),
        }
    }
}

/// CPU use in cores (CPU-seconds per second) over a phase.
pub struct CpuUse {
    pub server: f64,
    pub client: f64,
    /// Interrupts and softirqs, charged to no process (loopback TCP's receive path, mostly).
    pub irq: f64,
    /// Every other process on the machine: more than [`CpuUse::DISTURBED`] makes the figures
    /// of the phase unreliable.
    pub others: f64,
    /// CPU microseconds per operation: (server, load generator).
    pub per_op: Option<(f64, f64)>,
}

impl CpuUse {
    pub const DISTURBED: f64 = 0.15;

    pub fn disturbed(&self) -> bool {
        self.others > Self::DISTURBED
    }

    /// "1.36 / 0.52 / 0.25 / 0.00": server, load generator, softirq, other processes.
    pub fn cores(&self) -> String {
        format!(
            "{:.2} / {:.2} / {:.2} / {:.2}",
            self.server, self.client, self.irq, self.others
        )
    }
}

impl std::fmt::Display for CpuUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "server {:.2} cores, load generator {:.2}, softirq {:.2}, other processes {:.2}",
            self.server, self.client, self.irq, self.others
        )?;
        if let Some((server, client)) = self.per_op {
            write!(f, " ({server:.1} / {client:.1} CPU-µs per op)")?;
        }
        if self.disturbed() {
            write!(f, " — DISTURBED by other processes")?;
        }
        Ok(())
    }
}

/// `GET /readyz` on a fresh connection with plain blocking I/O: true when it answers 200 `ok`.
pub fn readyz_ok(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /readyz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = Vec::new();
    if stream.read_to_end(&mut response).is_err() {
        return false;
    }
    response.starts_with(b"HTTP/1.1 200") && response.ends_with(b"ok")
}
