//! The files of `--data-dir`: what lets a node restart under its own id without losing an
//! acknowledged write or voting twice in a term.
//!
//! - `vote`: the last vote, replaced atomically (write a temporary file, fsync, rename, fsync the
//!   directory) before openraft is told it is saved.
//! - `log`: append-only records `[len: u32 LE][checksum: u64 LE][postcard record]`, a record
//!   being an appended entry, a truncation (entries from an index on are gone) or a purge
//!   (entries up to a log id are gone). An append batch is fsynced before openraft hears it is
//!   flushed, so an entry a leader counted towards a quorum survives a crash of this process or
//!   machine. On start the records are replayed; a torn or corrupt tail (a crash mid-append:
//!   never acknowledged) is cut off. When most records are dead the file is rewritten with the
//!   live entries only.
//!   The committed log id is recorded there too (fsynced): a node restarted as the leader of
//!   its old term must not name a read index older than writes it acknowledged, and openraft
//!   re-applies up to it at start.
//! - `snapshot`: the last snapshot (its meta and the state machine's bytes), replaced
//!   atomically; the state machine starts from it.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use openraft::{Entry, LogId, SnapshotMeta, Vote};
use serde::{Deserialize, Serialize};

use crate::{PeerNode, TypeConfig, decode, encode};

/// One record of the `log` file.
#[derive(Serialize, Deserialize)]
pub(crate) enum Record {
    Append(Entry<TypeConfig>),
    /// Entries at and after this index are gone.
    Truncate(u64),
    /// Entries up to and including this log id are gone.
    Purge(LogId<u64>),
    /// Entries up to and including this log id are committed.
    Committed(LogId<u64>),
}

/// What a data directory held at start.
#[derive(Default)]
pub(crate) struct Loaded {
    pub vote: Option<Vote<u64>>,
    pub log: BTreeMap<u64, Entry<TypeConfig>>,
    pub last_purged: Option<LogId<u64>>,
    pub committed: Option<LogId<u64>>,
    pub snapshot: Option<(SnapshotMeta<u64, PeerNode>, Vec<u8>)>,
}

/// What a rewrite of the log file keeps: the live entries, the last purged and the committed
/// log ids.
pub(crate) type Live = (
    Vec<Entry<TypeConfig>>,
    Option<LogId<u64>>,
    Option<LogId<u64>>,
);

/// An open data directory.
pub(crate) struct DataDir {
    path: PathBuf,
    log: File,
    /// Records in the log file that no longer describe a live entry.
    dead_records: usize,
}

/// FNV-1a, enough to tell a torn record from an intact one.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn frame(record: &Record, out: &mut Vec<u8>) {
    let body = encode(record);
    let len = u32::try_from(body.len()).expect("a log record is smaller than 4 GiB");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&checksum(&body).to_le_bytes());
    out.extend_from_slice(&body);
}

impl DataDir {
    /// Opens (creating if needed) `path` and reads what it holds.
    pub(crate) fn open(path: &Path) -> io::Result<(DataDir, Loaded)> {
        fs::create_dir_all(path)?;
        let mut loaded = Loaded::default();
        if let Some(bytes) = read_optional(&path.join("vote"))? {
            loaded.vote = Some(decode(&bytes).map_err(invalid("vote"))?);
        }
        if let Some(bytes) = read_optional(&path.join("snapshot"))? {
            loaded.snapshot = Some(decode(&bytes).map_err(invalid("snapshot"))?);
        }
        let log_path = path.join("log");
        let mut bytes = Vec::new();
        if let Some(mut file) = open_optional(&log_path)? {
            file.read_to_end(&mut bytes)?;
        }
        let (good, records) = replay(&bytes, &mut loaded);
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)?;
        if good < bytes.len() {
            tracing::warn!(
                cut = bytes.len() - good,
                "cutting a torn tail off the raft log"
            );
            log.set_len(good as u64)?;
            log.sync_all()?;
        }
        let dead_records = records.saturating_sub(loaded.log.len());
        Ok((
            DataDir {
                path: path.to_owned(),
                log,
                dead_records,
            },
            loaded,
        ))
    }

    /// Appends records and fsyncs them.
    pub(crate) fn append(&mut self, records: &[Record]) -> io::Result<()> {
        let mut out = Vec::new();
        let mut sync = false;
        for record in records {
            frame(record, &mut out);
            match record {
                Record::Append(_) => sync = true,
                Record::Truncate(_) => {
                    sync = true;
                    self.dead_records += 1;
                }
                Record::Purge(_) => self.dead_records += 1,
                // A commit point alone is written, not fsynced: the next append's fsync takes it
                // along. A process crash keeps it (the page cache survives); only a machine
                // crash can lose the newest ones, and a machine restarts well after the
                // election timeout, when the restarted node is no longer the leader.
                Record::Committed(_) => self.dead_records += 1,
            }
        }
        self.log.write_all(&out)?;
        if sync {
            self.log.sync_data()?;
        }
        Ok(())
    }

    /// Counts entries that a truncation or purge made dead.
    pub(crate) fn forget(&mut self, dropped: usize) {
        self.dead_records += dropped;
    }

    /// Whether dead records outnumber the `live` entries (and are many): time to rewrite.
    pub(crate) fn rewrite_due(&self, live: usize) -> bool {
        self.dead_records >= 1024 && self.dead_records >= live
    }

    /// Rewrites the file with only what is live.
    pub(crate) fn rewrite(&mut self, (entries, last_purged, committed): Live) -> io::Result<()> {
        let mut out = Vec::new();
        if let Some(purged) = last_purged {
            frame(&Record::Purge(purged), &mut out);
        }
        if let Some(committed) = committed {
            frame(&Record::Committed(committed), &mut out);
        }
        for entry in entries {
            frame(&Record::Append(entry), &mut out);
        }
        let log_path = self.path.join("log");
        replace(&self.path, &log_path, &out)?;
        self.log = OpenOptions::new().append(true).open(&log_path)?;
        self.dead_records = 0;
        Ok(())
    }

    pub(crate) fn save_vote(&self, vote: &Vote<u64>) -> io::Result<()> {
        replace(&self.path, &self.path.join("vote"), &encode(vote))
    }
}

/// Saves the state machine's latest snapshot in the data directory `dir`.
pub(crate) fn save_snapshot(
    dir: &Path,
    meta: &SnapshotMeta<u64, PeerNode>,
    data: &[u8],
) -> io::Result<()> {
    replace(dir, &dir.join("snapshot"), &encode(&(meta, data)))
}

/// Replays records into `loaded`; answers how many bytes were intact and how many records.
fn replay(bytes: &[u8], loaded: &mut Loaded) -> (usize, usize) {
    let mut at = 0;
    let mut records = 0;
    while bytes.len() - at >= 12 {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let sum = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().expect("8 bytes"));
        let Some(body) = bytes.get(at + 12..at + 12 + len) else {
            break;
        };
        if checksum(body) != sum {
            break;
        }
        let Ok(record) = decode::<Record>(body) else {
            break;
        };
        match record {
            Record::Append(entry) => {
                loaded.log.insert(entry.log_id.index, entry);
            }
            Record::Truncate(index) => {
                loaded.log.split_off(&index);
            }
            Record::Purge(log_id) => {
                loaded.log = loaded.log.split_off(&(log_id.index + 1));
                loaded.last_purged = Some(log_id);
            }
            Record::Committed(log_id) => loaded.committed = Some(log_id),
        }
        records += 1;
        at += 12 + len;
    }
    (at, records)
}

fn invalid(what: &'static str) -> impl Fn(postcard::Error) -> io::Error {
    move |e| io::Error::new(io::ErrorKind::InvalidData, format!("{what}: {e}"))
}

fn open_optional(path: &Path) -> io::Result<Option<File>> {
    match File::open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replaces `path` with `bytes` atomically and durably.
fn replace(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension("tmp");
    let mut file = File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&temporary, path)?;
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use openraft::{CommittedLeaderId, EntryPayload};

    use super::*;

    fn entry(index: u64) -> Entry<TypeConfig> {
        Entry {
            log_id: LogId::new(CommittedLeaderId::new(1, 1), index),
            payload: EntryPayload::Blank,
        }
    }

    #[test]
    fn records_replay_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let (mut data, loaded) = DataDir::open(dir.path()).expect("open");
            assert!(loaded.log.is_empty() && loaded.vote.is_none());
            data.append(
                &(1..=5)
                    .map(|i| Record::Append(entry(i)))
                    .collect::<Vec<_>>(),
            )
            .expect("append");
            data.append(&[Record::Truncate(4), Record::Append(entry(4))])
                .expect("truncate");
            data.append(&[Record::Purge(entry(2).log_id)])
                .expect("purge");
            data.append(&[Record::Committed(entry(4).log_id)])
                .expect("committed");
            data.save_vote(&Vote::new(3, 2)).expect("vote");
        }
        // A crash in the middle of an append leaves part of a record.
        let log = dir.path().join("log");
        let intact = fs::metadata(&log).expect("log").len();
        let mut torn = Vec::new();
        frame(&Record::Append(entry(5)), &mut torn);
        torn.truncate(torn.len() - 3);
        OpenOptions::new()
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(&torn))
            .expect("torn write");

        let (_, loaded) = DataDir::open(dir.path()).expect("reopen");
        assert_eq!(loaded.log.keys().copied().collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(loaded.last_purged, Some(entry(2).log_id));
        assert_eq!(loaded.vote, Some(Vote::new(3, 2)));
        assert_eq!(loaded.committed, Some(entry(4).log_id));
        assert_eq!(fs::metadata(&log).expect("log").len(), intact);
    }

    #[test]
    fn a_mostly_dead_log_is_rewritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut data, _) = DataDir::open(dir.path()).expect("open");
        let records: Vec<_> = (1..=2000).map(|i| Record::Append(entry(i))).collect();
        data.append(&records).expect("append");
        let before = fs::metadata(dir.path().join("log")).expect("log").len();
        let live: Vec<_> = (1991..=2000).map(entry).collect();
        data.forget(1990);
        assert!(data.rewrite_due(live.len()));
        data.rewrite((live, Some(entry(1990).log_id), Some(entry(2000).log_id)))
            .expect("rewrite");
        let after = fs::metadata(dir.path().join("log")).expect("log").len();
        assert!(after * 50 < before, "{after} vs {before}");
        drop(data);
        let (_, loaded) = DataDir::open(dir.path()).expect("reopen");
        assert_eq!(loaded.log.len(), 10);
        assert_eq!(loaded.last_purged, Some(entry(1990).log_id));
        assert_eq!(loaded.committed, Some(entry(2000).log_id));
    }
}
