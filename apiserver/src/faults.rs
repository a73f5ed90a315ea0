//! Fault injection for controller tests: make the next writes to a resource fail with 409
//! Conflict, slow a verb down, end every open watch with a 410 `ERROR` event or drop it. Off
//! unless asked for: [`crate::testing::TestServer`] has methods for each, and
//! `kubemem serve --fault-injection` serves them under `/kubemem/faults/` (nothing is injected
//! until a request asks).
//!
//! ```text
//! POST /kubemem/faults/conflicts?resource=configmaps&count=3     (group= for non-core)
//! POST /kubemem/faults/latency?verb=list&milliseconds=200         (0 clears it)
//! POST /kubemem/faults/watches?action=expire                       (or action=drop)
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use parking_lot::Mutex;

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// What an injected watch fault does to every open watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchFault {
    /// An `ERROR` event with a 410 `Expired` Status, then the end of the stream (as a watch
    /// whose start was compacted away): clients re-list.
    Expire,
    /// The stream ends with no event: clients re-watch.
    Drop,
}

/// The faults armed on one server.
#[derive(Debug)]
pub struct Faults {
    /// Whether a conflict or a latency was ever armed: until then requests pay one atomic load.
    armed: AtomicBool,
    /// `(group, resource)` → how many more writes get a 409.
    conflicts: Mutex<HashMap<(String, String), u32>>,
    /// Verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`) → added latency.
    latency: Mutex<HashMap<String, Duration>>,
    /// The last watch fault; every open watch reacts to each one sent after it opened.
    watches: tokio::sync::watch::Sender<Option<WatchFault>>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            armed: AtomicBool::new(false),
            conflicts: Mutex::default(),
            latency: Mutex::default(),
            watches: tokio::sync::watch::Sender::new(None),
        }
    }
}

impl Faults {
    /// The next `count` writes to `group/resource` answer 409 Conflict.
    pub fn conflict_next_writes(&self, group: &str, resource: &str, count: u32) {
        self.armed.store(true, Ordering::Relaxed);
        self.conflicts
            .lock()
            .insert((group.to_owned(), resource.to_owned()), count);
    }

    /// Whether this write to `group/resource` is one of those; counts it down.
    pub fn take_conflict(&self, group: &str, resource: &str) -> bool {
        let mut conflicts = self.conflicts.lock();
        match conflicts.get_mut(&(group.to_owned(), resource.to_owned())) {
            Some(left) if *left > 0 => {
                *left -= 1;
                true
            }
            _ => false,
        }
    }

    /// Every request of `verb` waits `delay` first (`Duration::ZERO` clears it).
    pub fn set_latency(&self, verb: &str, delay: Duration) {
        self.armed.store(true, Ordering::Relaxed);
        let mut latency = self.latency.lock();
        if delay.is_zero() {
            latency.remove(verb);
        } else {
            latency.insert(verb.to_owned(), delay);
        }
    }

    /// Whether any request fault (conflicts, latency) was ever armed.
    pub fn armed(&self) -> bool {
        self.armed.load(Ordering::Relaxed)
    }

    pub fn latency(&self, verb: &str) -> Option<Duration> {
        self.latency.lock().get(verb).copied()
    }

    /// Applies `fault` to every watch open now.
    pub fn watches(&self, fault: WatchFault) {
        self.watches.send_replace(Some(fault));
    }

    /// What a watch opening now follows: it reacts to faults injected after this.
    pub fn watch_faults(&self) -> tokio::sync::watch::Receiver<Option<WatchFault>> {
        let mut receiver = self.watches.subscribe();
        receiver.mark_unchanged();
        receiver
    }
}

/// `POST /kubemem/faults/{conflicts,latency,watches}` (served with `--fault-injection`).
pub async fn inject(
    State(state): State<Arc<AppState>>,
    Path(what): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<&'static str> {
    let arg = |name: &str| query.get(name).map(String::as_str).unwrap_or("");
    let number = |name: &str| {
        arg(name)
            .parse::<u64>()
            .map_err(|_| ApiError::BadRequest(format!("{name}: a whole number is needed")))
    };
    let faults = &state.faults;
    match what.as_str() {
        "conflicts" => {
            let count = u32::try_from(number("count")?)
                .map_err(|_| ApiError::BadRequest("count: too large".into()))?;
            faults.conflict_next_writes(arg("group"), arg("resource"), count);
        }
        "latency" => {
            faults.set_latency(arg("verb"), Duration::from_millis(number("milliseconds")?))
        }
        "watches" => faults.watches(match arg("action") {
            "expire" => WatchFault::Expire,
            "drop" => WatchFault::Drop,
            other => {
                return Err(ApiError::BadRequest(format!(
                    "action: {other:?} is not expire or drop"
                )));
            }
        }),
        _ => return Err(ApiError::PathNotFound),
    }
    Ok("ok")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_count_down_per_resource() {
        let faults = Faults::default();
        assert!(!faults.armed());
        faults.conflict_next_writes("", "configmaps", 2);
        assert!(faults.armed());
        assert!(!faults.take_conflict("apps", "configmaps"));
        assert!(faults.take_conflict("", "configmaps"));
        assert!(faults.take_conflict("", "configmaps"));
        assert!(!faults.take_conflict("", "configmaps"));
    }

    #[test]
    fn latency_is_per_verb_and_zero_clears_it() {
        let faults = Faults::default();
        faults.set_latency("list", Duration::from_millis(50));
        assert_eq!(faults.latency("list"), Some(Duration::from_millis(50)));
        assert_eq!(faults.latency("get"), None);
        faults.set_latency("list", Duration::ZERO);
        assert_eq!(faults.latency("list"), None);
    }

    #[test]
    fn a_watch_sees_only_faults_after_it_opened() {
        let faults = Faults::default();
        faults.watches(WatchFault::Drop);
        let mut receiver = faults.watch_faults();
        assert!(!receiver.has_changed().unwrap());
        faults.watches(WatchFault::Expire);
        assert!(receiver.has_changed().unwrap());
        assert_eq!(*receiver.borrow_and_update(), Some(WatchFault::Expire));
    }
}
