//! Watch: the newline-delimited JSON event stream of `?watch=1`.
//!
//! A watch starts either from a `resourceVersion` (every change after it, replayed from the
//! store's history) or from the current state (synthetic `ADDED` events for what exists, as
//! kube-apiserver does for `resourceVersion` "" or "0" and for `sendInitialEvents=true`), then
//! follows the store's watcher. Selectors are applied per event the way kube-apiserver's
//! cacher does: an object that stops matching is `DELETED` for this watcher, one that starts
//! matching is `ADDED`. A watcher that falls behind compaction gets one `ERROR` event with a
//! 410 `Status` and the stream ends — never a silent gap.
//!
//! ```text
//! store revisions:  5 put a   6 put b (labels changed)   7 delete a
//! watch rv=4, -l x: ADDED a@5  DELETED b@6 (b stopped matching)  DELETED a@7
//! ```

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use kubemem_store::{Event, EventKind, RangeEnd, RangeRequest, StoreError, WatchBatch, Watcher};
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::faults::WatchFault;
use crate::kinds::Kind;
use crate::list::{ListOptions, ReadAt, wait_for_revision};
use crate::registry::Registry;
use crate::transform::Presenter;

/// What a watch needs beyond its options.
pub struct WatchRequest {
    pub kind: Arc<Kind>,
    pub namespace: Option<String>,
    pub api_version: String,
    pub opts: ListOptions,
    pub bookmark_interval: Duration,
    /// Flips to true when the server shuts down; open watches then end.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Injected watch faults (`faults`): expire or drop this watch.
    pub faults: tokio::sync::watch::Receiver<Option<WatchFault>>,
    /// How event objects are written (as themselves, as Tables, as partial metadata).
    pub presenter: Presenter,
}

struct State {
    pending: Option<Bytes>,
    presenter: Presenter,
    watcher: Watcher,
    req: WatchRequest,
    bookmarks: Option<tokio::time::Interval>,
    deadline: Option<tokio::time::Instant>,
    done: bool,
}

/// Starts a watch; errors that happen before the first event are answered as HTTP errors.
pub async fn start(
    registry: &Registry,
    req: WatchRequest,
) -> ApiResult<impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static> {
    let prefix = Bytes::from(req.kind.list_prefix(req.namespace.as_deref()));
    let backend = registry.backend();
    let initial_events = match (req.opts.send_initial_events, req.opts.read_at) {
        (Some(send), _) => send,
        (None, ReadAt::Latest | ReadAt::Any) => true,
        (None, ReadAt::NotOlderThan(_) | ReadAt::Exact(_)) => false,
    };
    let mut pending = Vec::new();
    let mut presenter = req.presenter;
    let start_revision = match req.opts.read_at {
        ReadAt::NotOlderThan(n) | ReadAt::Exact(n) => {
            wait_for_revision(registry, n).await?;
            if initial_events { 0 } else { n + 1 }
        }
        ReadAt::Latest | ReadAt::Any => 0,
    };
    let watcher = if start_revision == 0 {
        let snapshot = backend
            .range(RangeRequest {
                key: prefix.clone(),
                end: RangeEnd::Prefix,
                revision: 0,
                limit: 0,
                after: None,
                count_only: false,
            })
            .await?;
        if initial_events {
            for kv in snapshot
                .kvs
                .iter()
                .filter(|kv| req.opts.matches(&req.kind, &kv.value))
            {
                push_event(
                    &mut pending,
                    &mut presenter,
                    &req.kind,
                    "ADDED",
                    &kv.value,
                    kv.mod_revision,
                );
            }
            if req.opts.send_initial_events == Some(true) && req.opts.bookmarks {
                push_bookmark(&mut pending, &req, snapshot.revision, true);
            }
        }
        backend.watch(prefix, snapshot.revision + 1)
    } else {
        backend.watch(prefix, start_revision)
    };
    let watcher = match watcher {
        Ok(w) => w,
        Err(StoreError::Compacted { compacted, .. }) => {
            let rv = start_revision - 1;
            return Ok(futures_util::future::Either::Left(
                futures_util::stream::once(std::future::ready(Ok(error_event(rv, compacted)))),
            ));
        }
        Err(e) => return Err(ApiError::Internal(e.to_string())),
    };
    let bookmarks = req.opts.bookmarks.then(|| {
        let start = tokio::time::Instant::now() + req.bookmark_interval;
        tokio::time::interval_at(start, req.bookmark_interval)
    });
    let deadline = req.opts.timeout.map(|t| tokio::time::Instant::now() + t);
    let state = State {
        pending: (!pending.is_empty()).then(|| Bytes::from(pending)),
        presenter,
        watcher,
        req,
        bookmarks,
        deadline,
        done: false,
    };
    Ok(futures_util::future::Either::Right(
        futures_util::stream::unfold(state, next_chunk),
    ))
}

async fn next_chunk(mut st: State) -> Option<(Result<Bytes, Infallible>, State)> {
    if st.done {
        return None;
    }
    if let Some(chunk) = st.pending.take() {
        return Some((Ok(chunk), st));
    }
    loop {
        let deadline = st.deadline;
        let mut shutdown = st.req.shutdown.clone();
        let mut faults = st.req.faults.clone();
        let bookmark_tick = async {
            match st.bookmarks.as_mut() {
                Some(interval) => {
                    interval.tick().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            read = st.watcher.next() => {
                let mut out = Vec::new();
                match add_events(&mut st, read, &mut out) {
                    Ok(()) if out.is_empty() => {}
                    Ok(()) => return Some((Ok(Bytes::from(out)), st)),
                    Err(end) => return end.map(|chunk| (Ok(chunk), st)),
                }
            },
            () = bookmark_tick => {
                // A watcher hears of writes under its prefix only: catch up on the others (and
                // any events not yet read) so that the bookmark carries the newest revision.
                let mut out = Vec::new();
                if let Some(read) = st.watcher.try_next()
                    && let Err(end) = add_events(&mut st, read, &mut out)
                {
                    return end.map(|chunk| (Ok(chunk), st));
                }
                push_bookmark(&mut out, &st.req, st.watcher.revision(), false);
                return Some((Ok(Bytes::from(out)), st));
            },
            () = sleep_until(deadline) => return None,
            _ = shutdown.wait_for(|stopped| *stopped) => return None,
            Ok(()) = faults.changed() => {
                st.req.faults.mark_unchanged();
                match *faults.borrow() {
                    Some(WatchFault::Expire) => {
                        st.done = true;
                        let revision = st.watcher.revision();
                        return Some((Ok(error_event(revision, revision + 1)), st));
                    }
                    Some(WatchFault::Drop) => return None,
                    None => {}
                }
            }
        }
    }
}

/// Appends the events of a read from the watcher to `out`. A read that ends the watch answers
/// the stream's last chunk (the ERROR event of a watcher compaction passed), or none.
fn add_events(
    st: &mut State,
    read: Result<WatchBatch, StoreError>,
    out: &mut Vec<u8>,
) -> Result<(), Option<Bytes>> {
    match read {
        Ok(batch) => {
            for event in &batch.events {
                encode_event(out, &st.req, &mut st.presenter, event);
            }
            Ok(())
        }
        Err(StoreError::Compacted {
            requested,
            compacted,
        }) => {
            st.done = true;
            Err(Some(error_event(requested - 1, compacted)))
        }
        Err(_) => Err(None),
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Turns one store event into the watch event this watcher sees, if any.
fn encode_event(out: &mut Vec<u8>, req: &WatchRequest, presenter: &mut Presenter, event: &Event) {
    let matches = |stored: &[u8]| req.opts.matches(&req.kind, stored);
    let revision = event.kv.mod_revision;
    match event.kind {
        EventKind::Put => {
            let new_matches = matches(&event.kv.value);
            let old_matches = event.prev_kv.as_ref().map(|p| matches(&p.value));
            match (old_matches, new_matches) {
                (None | Some(false), true) => push_event(
                    out,
                    presenter,
                    &req.kind,
                    "ADDED",
                    &event.kv.value,
                    revision,
                ),
                (Some(true), true) => push_event(
                    out,
                    presenter,
                    &req.kind,
                    "MODIFIED",
                    &event.kv.value,
                    revision,
                ),
                (Some(true), false) => {
                    if let Some(prev) = &event.prev_kv {
                        push_event(out, presenter, &req.kind, "DELETED", &prev.value, revision);
                    }
                }
                (_, false) => {}
            }
        }
        EventKind::Delete => {
            if let Some(prev) = event.prev_kv.as_ref().filter(|p| matches(&p.value)) {
                push_event(out, presenter, &req.kind, "DELETED", &prev.value, revision);
            }
        }
    }
}

fn push_event(
    out: &mut Vec<u8>,
    presenter: &mut Presenter,
    kind: &Kind,
    event: &str,
    stored: &[u8],
    revision: i64,
) {
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(event.as_bytes());
    out.extend_from_slice(b"\",\"object\":");
    presenter.object(kind, stored, revision, out);
    out.extend_from_slice(b"}\n");
}

/// A BOOKMARK: an empty object of the kind carrying only the revision (and, at the end of the
/// initial events, the `k8s.io/initial-events-end` annotation).
fn push_bookmark(out: &mut Vec<u8>, req: &WatchRequest, revision: i64, initial_end: bool) {
    let mut metadata = json!({ "resourceVersion": revision.to_string() });
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let event = json!({
        "type": "BOOKMARK",
        "object": {"kind": req.kind.info.kind, "apiVersion": req.api_version, "metadata": metadata},
    });
    crate::json::write(out, &event);
    out.push(b'\n');
}

/// A chunk of JSON events (each one line) as protobuf watch frames
/// ([`crate::protobuf::watch_event`]); an event whose object has no protobuf form (none of a
/// kind that negotiated protobuf) is left out.
pub fn json_events_to_protobuf(chunk: Bytes) -> Bytes {
    let mut out = Vec::with_capacity(chunk.len());
    for line in chunk.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let frame = serde_json::from_slice(line)
            .ok()
            .and_then(|event| crate::protobuf::watch_event(&event));
        out.extend(frame.into_iter().flatten());
    }
    Bytes::from(out)
}

/// The ERROR event that ends a watch whose start has been compacted away.
fn error_event(requested: i64, compacted: i64) -> Bytes {
    let status = ApiError::Expired(format!(
        "too old resource version: {requested} ({compacted})"
    ))
    .to_status();
    let mut out = crate::json::to_vec(&json!({"type": "ERROR", "object": status}));
    out.push(b'\n');
    Bytes::from(out)
}
