//! The Raft log and vote: in memory, and under `--data-dir` also on disk (see `persist`).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::ops::RangeBounds;
use std::sync::Arc;

use openraft::storage::{LogFlushed, LogState, RaftLogStorage};
use openraft::{Entry, LogId, RaftLogReader, StorageError, StorageIOError, Vote};
use parking_lot::Mutex;

use crate::TypeConfig;
use crate::persist::{DataDir, Loaded, Record};

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
    disk: Option<DataDir>,
}

impl LogStore {
    /// A log kept in memory only.
    pub fn in_memory() -> LogStore {
        LogStore::with(Loaded::default(), None)
    }

    pub(crate) fn with(loaded: Loaded, disk: Option<DataDir>) -> LogStore {
        LogStore {
            inner: Arc::new(Mutex::new(Inner {
                vote: loaded.vote,
                committed: loaded.committed,
                last_purged: loaded.last_purged,
                log: loaded.log,
                disk,
            })),
        }
    }

    /// The highest log index known to be committed (as openraft last reported it).
    pub fn committed_index(&self) -> Option<u64> {
        self.inner.lock().committed.map(|id| id.index)
    }
}

impl Inner {
    /// Records on disk that `removed` entries were dropped (by a truncation or a purge).
    fn record_drop(&mut self, record: Record, removed: usize) -> std::io::Result<()> {
        match &mut self.disk {
            Some(disk) => disk
                .append(&[record])
                .and_then(|()| disk.forget(removed, &self.log, self.last_purged, self.committed)),
            None => Ok(()),
        }
    }
}

fn io_error(e: std::io::Error) -> StorageError<u64> {
    StorageIOError::write_logs(&e).into()
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
            disk.save_vote(vote)
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
        if let (Some(disk), Some(id)) = (&mut inner.disk, committed) {
            disk.append(&[Record::Committed(id)]).map_err(io_error)?;
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
        if let Some(disk) = &mut inner.disk {
            let records: Vec<Record> = entries.iter().cloned().map(Record::Append).collect();
            if let Err(e) = disk.append(&records) {
                let error = io_error(std::io::Error::new(e.kind(), e.to_string()));
                callback.log_io_completed(Err(e));
                return Err(error);
            }
        }
        for entry in entries {
            inner.log.insert(entry.log_id.index, entry);
        }
        callback.log_io_completed(Ok(()));
        Ok(())
    }

    async fn truncate(&mut self, log_id: LogId<u64>) -> Result<(), StorageError<u64>> {
        let mut inner = self.inner.lock();
        let removed = inner.log.split_off(&log_id.index).len();
        inner
            .record_drop(Record::Truncate(log_id.index), removed)
            .map_err(io_error)
    }

    async fn purge(&mut self, log_id: LogId<u64>) -> Result<(), StorageError<u64>> {
        let mut inner = self.inner.lock();
        let kept = inner.log.split_off(&(log_id.index + 1));
        let removed = std::mem::replace(&mut inner.log, kept).len();
        inner.last_purged = Some(log_id);
        inner
            .record_drop(Record::Purge(log_id), removed)
            .map_err(io_error)
    }
}
