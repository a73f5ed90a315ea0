//! The Raft log and vote: in memory, and under `--data-dir` also on disk (see `persist`).
//!
//! Disk writes are grouped: appends, truncations, purges and commit points go, in order, to one
//! writer thread, which writes everything queued since its last round and fsyncs once before
//! it tells openraft the appends are flushed (`LogFlushed`). Concurrent proposals thus share an
//! fsync, and openraft's core never waits for the disk. A truncation waits for its own write
//! (a dropped entry must not come back after a crash); the vote is saved before `save_vote`
//! returns.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::ops::RangeBounds;
use std::sync::{Arc, Weak, mpsc};

use openraft::storage::{LogFlushed, LogState, RaftLogStorage};
use openraft::{Entry, LogId, RaftLogReader, StorageError, StorageIOError, Vote};
use parking_lot::Mutex;

use crate::TypeConfig;
use crate::persist::{DataDir, Live, Loaded, Record};

/// The log of one node. Clones share it (openraft reads it from its replication tasks).
#[derive(Clone)]
pub struct LogStore {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    vote: Option<Vote<u64>>,
    committed: Option<LogId<u64>>,
    last_purged: Option<LogId<u64>>,
    log: BTreeMap<u64, Entry<TypeConfig>>,
    disk: Option<Disk>,
}

/// The writer thread's queue, and the directory for the vote file.
struct Disk {
    jobs: mpsc::Sender<Job>,
    vote: Arc<Mutex<DataDir>>,
}

/// Work for the writer thread, in log order.
enum Job {
    /// Append records; `flushed` is told once they are on disk.
    Append(Vec<Record>, LogFlushed<TypeConfig>),
    /// A truncation or purge that dropped `removed` entries; `done` is told once it is on disk.
    Drop(Record, usize, Option<mpsc::Sender<std::io::Result<()>>>),
    /// A new commit point (made durable by the round's fsync).
    Committed(LogId<u64>),
}

impl LogStore {
    /// A log kept in memory only.
    pub fn in_memory() -> LogStore {
        LogStore::with(Loaded::default(), None)
    }

    pub(crate) fn with(loaded: Loaded, disk: Option<DataDir>) -> LogStore {
        let inner = Arc::new(Mutex::new(Inner {
            vote: loaded.vote,
            committed: loaded.committed,
            last_purged: loaded.last_purged,
            log: loaded.log,
            disk: None,
        }));
        if let Some(disk) = disk {
            let disk = Arc::new(Mutex::new(disk));
            let (jobs, queue) = mpsc::channel();
            let writer = (Arc::clone(&disk), Arc::downgrade(&inner));
            std::thread::Builder::new()
                .name("raft-log-writer".into())
                .spawn(move || write_rounds(&writer.0, &writer.1, &queue))
                .expect("a thread starts");
            inner.lock().disk = Some(Disk { jobs, vote: disk });
        }
        LogStore { inner }
    }

    /// The highest log index known to be committed (as openraft last reported it).
    pub fn committed_index(&self) -> Option<u64> {
        self.inner.lock().committed.map(|id| id.index)
    }
}

/// The writer thread: takes every queued job, writes their records, fsyncs once, answers them.
/// Ends when the log store is dropped.
fn write_rounds(disk: &Mutex<DataDir>, log: &Weak<Mutex<Inner>>, queue: &mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut records = Vec::new();
        let mut dropped = 0;
        let mut flushed = Vec::new();
        let mut done = Vec::new();
        for job in std::iter::once(first).chain(queue.try_iter()) {
            match job {
                Job::Append(batch, callback) => {
                    records.extend(batch);
                    flushed.push(callback);
                }
                Job::Drop(record, removed, reply) => {
                    records.push(record);
                    dropped += removed;
                    done.extend(reply);
                }
                Job::Committed(id) => records.push(Record::Committed(id)),
            }
        }
        let result = write_round(disk, log, &records, dropped);
        let answer = || match &result {
            Ok(()) => Ok(()),
            Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
        };
        for callback in flushed {
            callback.log_io_completed(answer());
        }
        for reply in done {
            let _ = reply.send(answer());
        }
    }
}

/// Writes one round's records; rewrites the file when most of it is dead. The log's lock is
/// never taken while the directory's is held (`save_vote` takes them the other way round).
fn write_round(
    disk: &Mutex<DataDir>,
    log: &Weak<Mutex<Inner>>,
    records: &[Record],
    dropped: usize,
) -> std::io::Result<()> {
    {
        let mut disk = disk.lock();
        disk.append(records)?;
        disk.forget(dropped);
    }
    let live_len = log.upgrade().map_or(0, |inner| inner.lock().log.len());
    if !disk.lock().rewrite_due(live_len) {
        return Ok(());
    }
    let live = live(log);
    disk.lock().rewrite(live)
}

/// What the log holds now, for a rewrite of the file.
fn live(log: &Weak<Mutex<Inner>>) -> Live {
    match log.upgrade() {
        Some(inner) => {
            let inner = inner.lock();
            (
                inner.log.values().cloned().collect(),
                inner.last_purged,
                inner.committed,
            )
        }
        None => (Vec::new(), None, None),
    }
}

fn io_error(e: std::io::Error) -> StorageError<u64> {
    StorageIOError::write_logs(&e).into()
}

fn writer_gone() -> StorageError<u64> {
    io_error(std::io::Error::other("the raft log writer has stopped"))
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry<TypeConfig>>, StorageError<u64>> {
        let inner = self.inner.lock();
        Ok(inner.log.range(range).map(|(_, e)| e.clone()).collect())
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError<u64>> {
        let inner = self.inner.lock();
        let last = inner
            .log
            .last_key_value()
            .map(|(_, e)| e.log_id)
            .or(inner.last_purged);
        Ok(LogState {
            last_purged_log_id: inner.last_purged,
            last_log_id: last,
        })
    }

    async fn get_log_reader(&mut self) -> LogStore {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote<u64>) -> Result<(), StorageError<u64>> {
        let mut inner = self.inner.lock();
        if let Some(disk) = &inner.disk {
            disk.vote
                .lock()
                .save_vote(vote)
                .map_err(|e| StorageError::from(StorageIOError::write_vote(&e)))?;
        }
        inner.vote = Some(*vote);
        Ok(())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote<u64>>, StorageError<u64>> {
        Ok(self.inner.lock().vote)
    }

    async fn save_committed(
        &mut self,
        committed: Option<LogId<u64>>,
    ) -> Result<(), StorageError<u64>> {
        let mut inner = self.inner.lock();
        if let (Some(disk), Some(id)) = (&inner.disk, committed) {
            disk.jobs
                .send(Job::Committed(id))
                .map_err(|_| writer_gone())?;
        }
        inner.committed = committed;
        Ok(())
    }

    async fn read_committed(&mut self) -> Result<Option<LogId<u64>>, StorageError<u64>> {
        Ok(self.inner.lock().committed)
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError<u64>>
    where
        I: IntoIterator<Item = Entry<TypeConfig>> + Send,
        I::IntoIter: Send,
    {
        let mut inner = self.inner.lock();
        let entries: Vec<_> = entries.into_iter().collect();
        let records = inner
            .disk
            .as_ref()
            .map(|_| entries.iter().cloned().map(Record::Append).collect());
        for entry in entries {
            inner.log.insert(entry.log_id.index, entry);
        }
        match (&inner.disk, records) {
            (Some(disk), Some(records)) => disk
                .jobs
                .send(Job::Append(records, callback))
                .map_err(|_| writer_gone()),
            _ => {
                callback.log_io_completed(Ok(()));
                Ok(())
            }
        }
    }

    async fn truncate(&mut self, log_id: LogId<u64>) -> Result<(), StorageError<u64>> {
        let done = {
            let mut inner = self.inner.lock();
            let removed = inner.log.split_off(&log_id.index).len();
            let Some(disk) = &inner.disk else {
                return Ok(());
            };
            let (done, wait) = mpsc::channel();
            disk.jobs
                .send(Job::Drop(
                    Record::Truncate(log_id.index),
                    removed,
                    Some(done),
                ))
                .map_err(|_| writer_gone())?;
            wait
        };
        match done.recv() {
            Ok(written) => written.map_err(io_error),
            Err(_) => Err(writer_gone()),
        }
    }

    async fn purge(&mut self, log_id: LogId<u64>) -> Result<(), StorageError<u64>> {
        let mut inner = self.inner.lock();
        let kept = inner.log.split_off(&(log_id.index + 1));
        let removed = std::mem::replace(&mut inner.log, kept).len();
        inner.last_purged = Some(log_id);
        // Entries a crash brings back are committed and in the snapshot: no need to wait.
        if let Some(disk) = &inner.disk {
            disk.jobs
                .send(Job::Drop(Record::Purge(log_id), removed, None))
                .map_err(|_| writer_gone())?;
        }
        Ok(())
    }
}
