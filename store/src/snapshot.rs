//! The snapshot format: the whole keyspace, history included, as length-prefixed binary.
//!
//! All integers are little-endian; `u64` lengths and counts, `i64` revisions and versions.
//!
//! ```text
//! "KMEMSNAP"                          8 bytes of magic
//! format version        u32           1
//! current revision      i64
//! compacted revision    i64
//! key count             u64
//!   key length          u64   ┐ per key, in strictly increasing key order
//!   key bytes                 │
//!   entry count         u64   │
//!     mod_revision      i64   │ ┐ per retained entry, oldest first
//!     create_revision   i64   │ │
//!     version           i64   │ │
//!     kind              u8    │ │ 0 = tombstone, 1 = put
//!     value length      u64   │ │ ┐ puts only
//!     value bytes             ┘ ┘ ┘
//! change count          u64
//!   revision            i64   ┐ per change-log entry, in log order
//!   key ordinal         u64   ┘ index into the key list above
//! checksum              u64           over every byte before it
//! ```
//!
//! Encoding the retained histories and the log (rather than replaying txns) makes restore
//! O(size) and exact: every range at a retained revision and every watch from one answers as on
//! the original, including the order of events within a revision. Decoding trusts nothing: the
//! checksum is checked first, then every length against the bytes left, and every invariant of
//! the keyspace (see `keyspace`) before anything is built — bad bytes give
//! [`StoreError::CorruptSnapshot`], never a panic or a huge allocation.

use std::collections::{BTreeMap, BTreeSet};

use bytes::{BufMut, Bytes, BytesMut};

use crate::change_log::ChangeLog;
use crate::key_history::{Entry, KeyHistory};
use crate::keyspace::Keyspace;
use crate::{Revision, StoreError};

const MAGIC: &[u8; 8] = b"KMEMSNAP";
const FORMAT_VERSION: u32 = 1;

/// The fewest bytes one encoded entry takes (a tombstone).
const MIN_ENTRY_LEN: usize = 3 * 8 + 1;
/// The fewest bytes one encoded key takes (empty key, one tombstone-sized entry).
const MIN_KEY_LEN: usize = 8 + 8 + MIN_ENTRY_LEN;
/// The bytes one encoded change takes.
const CHANGE_LEN: usize = 8 + 8;

const TOMBSTONE: u8 = 0;
const PUT: u8 = 1;

/// Encodes the keyspace without the checksum; [`seal`] adds it. Split so the store can compute
/// the checksum after releasing its lock.
pub(crate) fn encode(keyspace: &Keyspace) -> BytesMut {
    let mut out = BytesMut::with_capacity(encoded_len(keyspace));
    out.put_slice(MAGIC);
    out.put_u32_le(FORMAT_VERSION);
    out.put_i64_le(keyspace.current);
    out.put_i64_le(keyspace.compacted);
    out.put_u64_le(keyspace.index.len() as u64);
    for (key, history) in &keyspace.index {
        out.put_u64_le(key.len() as u64);
        out.put_slice(key);
        out.put_u64_le(history.entries().len() as u64);
        for entry in history.entries() {
            out.put_i64_le(entry.mod_revision);
            out.put_i64_le(entry.create_revision);
            out.put_i64_le(entry.version);
            match &entry.value {
                None => out.put_u8(TOMBSTONE),
                Some(value) => {
                    out.put_u8(PUT);
                    out.put_u64_le(value.len() as u64);
                    out.put_slice(value);
                }
            }
        }
    }
    out.put_u64_le(keyspace.log.len() as u64);
    let mut ordinals: BTreeMap<&[u8], u64> = BTreeMap::new();
    for (ordinal, key) in (0u64..).zip(keyspace.index.keys()) {
        ordinals.insert(key, ordinal);
    }
    for change in keyspace.log.iter() {
        out.put_i64_le(change.revision);
        // Every logged key is in the index (keyspace invariant).
        out.put_u64_le(ordinals.get(&change.key[..]).copied().unwrap_or(u64::MAX));
    }
    out
}

/// The exact length of `encode`'s output, so the buffer is allocated once.
fn encoded_len(keyspace: &Keyspace) -> usize {
    let header = MAGIC.len() + 4 + 8 + 8 + 8;
    let keys: usize = keyspace
        .index
        .iter()
        .map(|(key, history)| {
            let entries: usize = history
                .entries()
                .iter()
                .map(|entry| MIN_ENTRY_LEN + entry.value.as_ref().map_or(0, |v| 8 + v.len()))
                .sum();
            8 + key.len() + 8 + entries
        })
        .sum();
    header + keys + 8 + keyspace.log.len() * CHANGE_LEN + 8
}

/// Appends the checksum: the snapshot is complete.
pub(crate) fn seal(mut body: BytesMut) -> Bytes {
    let sum = checksum(&body);
    body.put_u64_le(sum);
    body.freeze()
}

/// Decodes and validates a snapshot (see the module doc).
pub(crate) fn decode(snapshot: &[u8]) -> Result<Keyspace, StoreError> {
    let Some((body, sum)) = snapshot.split_last_chunk::<8>() else {
        return Err(corrupt("shorter than its checksum"));
    };
    if checksum(body) != u64::from_le_bytes(*sum) {
        return Err(corrupt("checksum mismatch"));
    }
    let mut reader = Reader { rest: body };
    if reader.array::<8>("magic")? != *MAGIC {
        return Err(corrupt("not a kubemem store snapshot"));
    }
    let version = u32::from_le_bytes(reader.array("format version")?);
    if version != FORMAT_VERSION {
        return Err(corrupt(format!("unsupported format version {version}")));
    }
    let current = reader.i64("current revision")?;
    let compacted = reader.i64("compacted revision")?;
    if !(0 <= compacted && compacted <= current && current < Revision::MAX) {
        return Err(corrupt(format!(
            "revisions out of order: compacted {compacted}, current {current}"
        )));
    }

    let key_count = reader.count(MIN_KEY_LEN, "key count")?;
    let mut keys: Vec<Bytes> = Vec::with_capacity(key_count);
    let mut histories: Vec<KeyHistory> = Vec::with_capacity(key_count);
    let mut logged_entries = 0usize;
    for _ in 0..key_count {
        let len = reader.count(1, "key length")?;
        let key = reader.take(len, "key")?;
        if keys.last().is_some_and(|last| last[..] >= *key) {
            return Err(corrupt("keys not in strictly increasing order"));
        }
        let entry_count = reader.count(MIN_ENTRY_LEN, "entry count")?;
        let mut entries = Vec::with_capacity(entry_count);
        for _ in 0..entry_count {
            entries.push(reader.entry()?);
        }
        logged_entries += entries
            .iter()
            .filter(|entry| entry.mod_revision > compacted)
            .count();
        let history = KeyHistory::from_entries(entries, compacted, current)
            .map_err(|reason| corrupt(format!("key {}: {reason}", keys.len())))?;
        keys.push(Bytes::copy_from_slice(key));
        histories.push(history);
    }

    let change_count = reader.count(CHANGE_LEN, "change count")?;
    if change_count != logged_entries {
        return Err(corrupt(format!(
            "{change_count} changes logged for {logged_entries} writes after the compacted revision"
        )));
    }
    let mut log = ChangeLog::default();
    let mut revision = compacted;
    let mut keys_at_revision = BTreeSet::new();
    for _ in 0..change_count {
        let at = reader.i64("change revision")?;
        let ordinal = usize::try_from(reader.u64("key ordinal")?)
            .map_err(|_| corrupt("key ordinal out of range"))?;
        if at <= compacted || at > current || at < revision {
            return Err(corrupt(format!("change at revision {at} out of order")));
        }
        if at != revision {
            revision = at;
            keys_at_revision.clear();
        }
        let (Some(key), Some(history)) = (keys.get(ordinal), histories.get(ordinal)) else {
            return Err(corrupt("key ordinal out of range"));
        };
        if history.change_at(at).is_none() || !keys_at_revision.insert(ordinal) {
            return Err(corrupt(format!(
                "change at revision {at} does not match key {ordinal}'s history"
            )));
        }
        log.push(at, key.clone());
    }
    if !reader.rest.is_empty() {
        return Err(corrupt("trailing bytes"));
    }
    Ok(Keyspace {
        index: keys.into_iter().zip(histories).collect(),
        log,
        current,
        compacted,
    })
}

fn corrupt(reason: impl Into<String>) -> StoreError {
    StoreError::CorruptSnapshot(reason.into())
}

/// Reads the encoding front to back; every read checks the bytes left.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], StoreError> {
        if len > self.rest.len() {
            return Err(corrupt(format!("truncated {what}")));
        }
        let (head, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], StoreError> {
        let (head, rest) = self
            .rest
            .split_first_chunk::<N>()
            .ok_or_else(|| corrupt(format!("truncated {what}")))?;
        self.rest = rest;
        Ok(*head)
    }

    fn u64(&mut self, what: &str) -> Result<u64, StoreError> {
        self.array(what).map(u64::from_le_bytes)
    }

    fn i64(&mut self, what: &str) -> Result<i64, StoreError> {
        self.array(what).map(i64::from_le_bytes)
    }

    /// A count (or length) of items that take at least `item_len` bytes each; refused if the
    /// bytes left cannot hold that many, so a corrupt count never drives a huge allocation.
    fn count(&mut self, item_len: usize, what: &str) -> Result<usize, StoreError> {
        let count = self.u64(what)?;
        usize::try_from(count)
            .ok()
            .filter(|&count| count <= self.rest.len() / item_len)
            .ok_or_else(|| corrupt(format!("{what} {count} exceeds the snapshot")))
    }

    fn entry(&mut self) -> Result<Entry, StoreError> {
        let mod_revision = self.i64("mod_revision")?;
        let create_revision = self.i64("create_revision")?;
        let version = self.i64("version")?;
        let [kind] = self.array("entry kind")?;
        let value = match kind {
            TOMBSTONE => None,
            PUT => {
                let len = self.count(1, "value length")?;
                Some(Bytes::copy_from_slice(self.take(len, "value")?))
            }
            other => return Err(corrupt(format!("unknown entry kind {other}"))),
        };
        Ok(Entry {
            mod_revision,
            create_revision,
            version,
            value,
        })
    }
}

/// A 64-bit checksum over 8-byte words. Each step `(hash ^ word) * K` then a rotation is a
/// bijection of `hash`, so any single altered word always changes the result; it guards against
/// damage in transit or storage, not against forgery.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |hash: u64, word: u64| (hash ^ word).wrapping_mul(K).rotate_left(29);
    let (words, tail) = bytes.as_chunks::<8>();
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    for word in words {
        hash = step(hash, u64::from_le_bytes(*word));
    }
    let mut last = [0u8; 8];
    last[..tail.len()].copy_from_slice(tail);
    hash = step(hash, u64::from_le_bytes(last));
    hash ^ (hash >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Op, RangeRequest, Store, StoreConfig, Txn};

    fn store() -> Store {
        Store::new(StoreConfig {
            auto_compact_retention: None,
        })
    }

    /// A store exercising every shape: updates, deletes, a recreated key, a multi-key revision,
    /// an empty revision, and compaction.
    fn populated() -> Store {
        let store = store();
        let write = |ops: Vec<Op>| store.txn(Txn::unconditional(ops));
        write(vec![
            Op::put("/a", "1"),
            Op::put("/b", "1"),
            Op::put("/c", "1"),
        ]);
        write(vec![Op::put("/a", "2")]);
        write(vec![Op::delete("/b")]);
        write(vec![Op::put("/b", "again")]);
        write(vec![Op::put("/new", "x"), Op::delete("/new")]);
        write(vec![Op::put("/c", "2"), Op::put("/a", "3")]);
        write(vec![Op::delete("/c")]);
        store.compact(2).expect("compact");
        write(vec![Op::put("/d", "")]);
        store
    }

    fn keyspace(store: &Store) -> Keyspace {
        decode(&store.snapshot()).expect("decode")
    }

    #[test]
    fn round_trip_is_exact() {
        let original = populated();
        let snapshot = original.snapshot();
        let restored = Store::restore(StoreConfig::default(), &snapshot).expect("restore");
        assert_eq!(keyspace(&restored), keyspace(&original));
        assert_eq!(restored.current_revision(), 8);
        assert_eq!(restored.compacted_revision(), 2);
        for at in 0..=9 {
            let request = RangeRequest::prefix("").at_revision(at);
            assert_eq!(
                restored.range(&request),
                original.range(&request),
                "read at {at}"
            );
        }
        for from in 0..=9 {
            let watch = |store: &Store| {
                let mut watcher = store.watch(Bytes::new(), from)?;
                let mut batches = Vec::new();
                while let Some(batch) = watcher.try_next() {
                    batches.push(batch?);
                }
                Ok::<_, StoreError>(batches)
            };
            assert_eq!(watch(&restored), watch(&original), "watch from {from}");
        }
        assert_eq!(
            restored.snapshot(),
            snapshot,
            "re-encoding is byte-identical"
        );
    }

    #[test]
    fn restored_stores_keep_writing_like_the_original() {
        let original = populated();
        let restored =
            Store::restore(StoreConfig::default(), &original.snapshot()).expect("restore");
        for store in [&original, &restored] {
            store.txn(Txn::unconditional(vec![
                Op::put("/a", "4"),
                Op::delete("/d"),
            ]));
            store.compact(6).expect("compact");
        }
        assert_eq!(keyspace(&restored), keyspace(&original));
    }

    #[test]
    fn empty_store_format_is_stable() {
        let snapshot = store().snapshot();
        let mut expected = Vec::new();
        expected.extend_from_slice(b"KMEMSNAP");
        expected.extend_from_slice(&1u32.to_le_bytes());
        expected.extend_from_slice(&[0; 8 * 4]); // current, compacted, no keys, no changes
        assert_eq!(&snapshot[..snapshot.len() - 8], &expected[..]);
        assert_eq!(snapshot.len(), expected.len() + 8);
        assert_eq!(decode(&snapshot), Ok(Keyspace::default()));
    }

    #[test]
    fn every_truncation_is_refused() {
        let snapshot = populated().snapshot();
        for len in 0..snapshot.len() {
            assert!(
                matches!(
                    decode(&snapshot[..len]),
                    Err(StoreError::CorruptSnapshot(_))
                ),
                "truncated to {len} bytes"
            );
        }
        let mut longer = snapshot.to_vec();
        longer.push(0);
        assert!(decode(&longer).is_err(), "one byte too many");
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let snapshot = populated().snapshot();
        for at in 0..snapshot.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut damaged = snapshot.to_vec();
                damaged[at] ^= flip;
                assert!(
                    matches!(decode(&damaged), Err(StoreError::CorruptSnapshot(_))),
                    "byte {at} ^ {flip:#x}"
                );
            }
        }
    }

    /// Bytes with a valid checksum but broken contents: each must be caught by validation.
    #[test]
    fn inconsistent_contents_are_refused() {
        fn sealed(build: impl FnOnce(&mut BytesMut)) -> Bytes {
            let mut body = BytesMut::new();
            body.put_slice(MAGIC);
            body.put_u32_le(FORMAT_VERSION);
            build(&mut body);
            seal(body)
        }
        fn put_entry(body: &mut BytesMut, revision: i64, create: i64, version: i64) {
            body.put_i64_le(revision);
            body.put_i64_le(create);
            body.put_i64_le(version);
            body.put_u8(PUT);
            body.put_u64_le(1);
            body.put_u8(b'v');
        }
        fn put_key(body: &mut BytesMut, key: &[u8], entries: &[(i64, i64, i64)]) {
            body.put_u64_le(key.len() as u64);
            body.put_slice(key);
            body.put_u64_le(entries.len() as u64);
            for &(revision, create, version) in entries {
                put_entry(body, revision, create, version);
            }
        }
        let cases: Vec<(&str, Bytes, &str)> = vec![
            (
                "wrong magic",
                {
                    let mut body = BytesMut::from(&b"NOTASNAP"[..]);
                    body.put_u32_le(FORMAT_VERSION);
                    seal(body)
                },
                "not a kubemem store snapshot",
            ),
            (
                "future format",
                {
                    let mut body = BytesMut::from(&MAGIC[..]);
                    body.put_u32_le(2);
                    seal(body)
                },
                "unsupported format version 2",
            ),
            (
                "compacted above current",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(2);
                }),
                "revisions out of order",
            ),
            (
                "huge key count",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(0);
                    b.put_u64_le(u64::MAX);
                }),
                "key count",
            ),
            (
                "keys out of order",
                sealed(|b| {
                    b.put_i64_le(2);
                    b.put_i64_le(0);
                    b.put_u64_le(2);
                    put_key(b, b"b", &[(1, 1, 1)]);
                    put_key(b, b"a", &[(2, 2, 1)]);
                }),
                "keys not in strictly increasing order",
            ),
            (
                "history beyond current",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(0);
                    b.put_u64_le(1);
                    put_key(b, b"a", &[(2, 2, 1)]);
                }),
                "key 0: mod_revision 2 outside 1..=1",
            ),
            (
                "unknown entry kind",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(0);
                    b.put_u64_le(1);
                    b.put_u64_le(1);
                    b.put_u8(b'a');
                    b.put_u64_le(1);
                    b.put_i64_le(1);
                    b.put_i64_le(1);
                    b.put_i64_le(1);
                    b.put_u8(7);
                }),
                "unknown entry kind 7",
            ),
            (
                "write missing from the log",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(0);
                    b.put_u64_le(1);
                    put_key(b, b"a", &[(1, 1, 1)]);
                    b.put_u64_le(0);
                }),
                "0 changes logged for 1 writes",
            ),
            (
                "log points at the wrong revision",
                sealed(|b| {
                    b.put_i64_le(2);
                    b.put_i64_le(0);
                    b.put_u64_le(1);
                    put_key(b, b"a", &[(1, 1, 1)]);
                    b.put_u64_le(1);
                    b.put_i64_le(2);
                    b.put_u64_le(0);
                }),
                "does not match",
            ),
            (
                "log points at a missing key",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(0);
                    b.put_u64_le(1);
                    put_key(b, b"a", &[(1, 1, 1)]);
                    b.put_u64_le(1);
                    b.put_i64_le(1);
                    b.put_u64_le(5);
                }),
                "key ordinal out of range",
            ),
            (
                "log lists one write twice",
                sealed(|b| {
                    b.put_i64_le(1);
                    b.put_i64_le(0);
                    b.put_u64_le(2);
                    put_key(b, b"a", &[(1, 1, 1)]);
                    put_key(b, b"b", &[(1, 1, 1)]);
                    b.put_u64_le(2);
                    for _ in 0..2 {
                        b.put_i64_le(1);
                        b.put_u64_le(0);
                    }
                }),
                "does not match",
            ),
            (
                "log out of order",
                sealed(|b| {
                    b.put_i64_le(2);
                    b.put_i64_le(0);
                    b.put_u64_le(1);
                    put_key(b, b"a", &[(1, 1, 1), (2, 1, 2)]);
                    b.put_u64_le(2);
                    for revision in [2, 1] {
                        b.put_i64_le(revision);
                        b.put_u64_le(0);
                    }
                }),
                "change at revision 1 out of order",
            ),
        ];
        for (i, (name, snapshot, reason)) in cases.iter().enumerate() {
            match decode(snapshot) {
                Err(StoreError::CorruptSnapshot(message)) => {
                    assert!(message.contains(reason), "#{i}: {name}: {message}");
                }
                other => panic!("#{i}: {name}: {other:?}"),
            }
        }
    }

    #[test]
    fn encoded_len_is_exact() {
        let keyspace = keyspace(&populated());
        assert_eq!(encoded_len(&keyspace), encode(&keyspace).len() + 8);
    }

    #[test]
    fn checksum_detects_any_single_word_change() {
        let base = vec![7u8; 64];
        let sum = checksum(&base);
        for at in 0..base.len() {
            let mut changed = base.clone();
            changed[at] = 8;
            assert_ne!(checksum(&changed), sum, "byte {at}");
        }
        assert_ne!(
            checksum(&base[..63]),
            checksum(&[&base[..63], &[0u8][..]].concat())
        );
    }

    /// 50 000 values of 1 KiB (≈ 50 MB) through snapshot and restore. Not timed: it checks that
    /// the large case is correct; it prints the durations for a human to look at.
    #[test]
    fn large_keyspace_round_trip() {
        let store = store();
        let value = Bytes::from(vec![b'x'; 1024]);
        for batch in 0..50 {
            let ops = (0..1000)
                .map(|i| {
                    Op::put(
                        format!("/registry/configmaps/ns/cm-{batch:02}-{i:04}"),
                        value.clone(),
                    )
                })
                .collect();
            store.txn(Txn::unconditional(ops));
        }
        let started = std::time::Instant::now();
        let snapshot = store.snapshot();
        let encoded = started.elapsed();
        let restored = Store::restore(StoreConfig::default(), &snapshot).expect("restore");
        println!(
            "{} MB: snapshot {encoded:?}, restore {:?}",
            snapshot.len() / 1_000_000,
            started.elapsed() - encoded
        );
        assert!(snapshot.len() > 50_000 * 1024);
        let all = RangeRequest::prefix("/registry/").only_count();
        assert_eq!(restored.range(&all).map(|r| r.count), Ok(50_000));
        let one = RangeRequest::key("/registry/configmaps/ns/cm-49-0999");
        assert_eq!(restored.range(&one), store.range(&one));
    }
}
