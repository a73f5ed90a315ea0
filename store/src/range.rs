//! Reads: one key or every key under a prefix, as of a revision, paginated by `after` + `limit`.
//!
//! A range walks the ordered index from `max(key, after)` up to the end of the prefix (its
//! successor, as etcd's `GetPrefixRangeEnd`) and, for each key, asks its history for the live
//! value at the read revision (keys deleted by then are skipped). Returning a page costs
//! O(log n + limit) history lookups. `count` (the number of matching keys ignoring `limit`, which
//! Kubernetes turns into `remainingItemCount`) keeps walking the rest of the range, like etcd's
//! `Revisions`, so it is O(keys in range) — but only over the index nodes: the bound check
//! compares no keys and `KeyHistory::exists_at` answers from inline data, so no per-key pointer
//! is followed (≈ 1 ms per 100 000 keys).

use std::ops::Bound;

use bytes::Bytes;

use crate::keyspace::Keyspace;
use crate::revision::read_revision;
use crate::{KeyValue, Revision, StoreError};

/// Which keys a [`RangeRequest`] covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RangeEnd {
    /// Just `key` itself.
    #[default]
    Key,
    /// Every key starting with `key` (all keys when `key` is empty).
    Prefix,
}

/// A read of one key or a prefix. Build one with [`RangeRequest::key`] or
/// [`RangeRequest::prefix`] and the `with`-style methods, or fill the fields directly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeRequest {
    /// The key, or the prefix when `end` is [`RangeEnd::Prefix`].
    pub key: Bytes,
    /// Whether `key` is a single key or a prefix.
    pub end: RangeEnd,
    /// The revision to read at; 0 (or negative) means the current revision.
    pub revision: Revision,
    /// The most keys to return; 0 means no limit.
    pub limit: usize,
    /// Only keys strictly greater than this (the last key of the previous page).
    pub after: Option<Bytes>,
    /// Return no keys, only `count`.
    pub count_only: bool,
}

impl RangeRequest {
    /// A read of the single key `key` at the current revision.
    pub fn key(key: impl Into<Bytes>) -> RangeRequest {
        RangeRequest {
            key: key.into(),
            ..RangeRequest::default()
        }
    }

    /// A read of every key starting with `prefix` at the current revision.
    pub fn prefix(prefix: impl Into<Bytes>) -> RangeRequest {
        RangeRequest {
            key: prefix.into(),
            end: RangeEnd::Prefix,
            ..RangeRequest::default()
        }
    }

    /// Reads at `revision` instead of the current revision.
    pub fn at_revision(self, revision: Revision) -> RangeRequest {
        RangeRequest { revision, ..self }
    }

    /// Returns at most `limit` keys (0: no limit).
    pub fn with_limit(self, limit: usize) -> RangeRequest {
        RangeRequest { limit, ..self }
    }

    /// Returns only keys strictly greater than `after`.
    pub fn after_key(self, after: impl Into<Bytes>) -> RangeRequest {
        RangeRequest {
            after: Some(after.into()),
            ..self
        }
    }

    /// Returns only the count, no keys.
    pub fn only_count(self) -> RangeRequest {
        RangeRequest {
            count_only: true,
            ..self
        }
    }
}

/// The answer to a [`RangeRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeResponse {
    /// The matching keys in key order, at most `limit` of them (none when `count_only`).
    pub kvs: Vec<KeyValue>,
    /// Whether more matching keys follow the last one returned (always `false` when
    /// `count_only`).
    pub more: bool,
    /// How many keys match (key or prefix, revision and `after`), ignoring `limit`.
    pub count: usize,
    /// The revision the read was served at (the current one if the request said 0).
    pub revision: Revision,
}

impl Keyspace {
    pub(crate) fn range(&self, request: &RangeRequest) -> Result<RangeResponse, StoreError> {
        let revision = read_revision(request.revision, self.current, self.compacted)?;
        let limit = match request.limit {
            0 => usize::MAX,
            limit => limit,
        };
        let mut response = RangeResponse {
            revision,
            ..RangeResponse::default()
        };
        let prefix_end;
        let end = match request.end {
            RangeEnd::Key => Bound::Included(&request.key[..]),
            RangeEnd::Prefix => {
                prefix_end = successor(&request.key);
                prefix_end
                    .as_deref()
                    .map_or(Bound::Unbounded, Bound::Excluded)
            }
        };
        let start = match &request.after {
            Some(after) if after[..] >= request.key[..] => Bound::Excluded(&after[..]),
            _ => Bound::Included(&request.key[..]),
        };
        if is_empty(start, end) {
            return Ok(response);
        }
        for (key, history) in self.index.range::<[u8], _>((start, end)) {
            if !history.exists_at(revision) {
                continue;
            }
            response.count += 1;
            if request.count_only {
                continue;
            }
            if response.kvs.len() == limit {
                response.more = true;
            } else if let Some(entry) = history.live_at(revision) {
                response.kvs.push(entry.to_key_value(key));
            }
        }
        Ok(response)
    }
}

/// The smallest key greater than every key starting with `prefix`, or `None` if there is none
/// (an empty prefix, or one of only `0xff` bytes).
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let last = prefix.iter().rposition(|&byte| byte != 0xff)?;
    let mut end = prefix[..=last].to_vec();
    end[last] += 1;
    Some(end)
}

/// Whether no key lies between the bounds (`BTreeMap::range` panics on such bounds). The start
/// is `key` or `after` and the end `key` or the prefix's successor, so only an `after` at or past
/// the end can cross it.
fn is_empty(start: Bound<&[u8]>, end: Bound<&[u8]>) -> bool {
    match (start, end) {
        (Bound::Excluded(start), Bound::Included(end) | Bound::Excluded(end)) => start >= end,
        (Bound::Included(start), Bound::Excluded(end)) => start >= end,
        (Bound::Included(start), Bound::Included(end)) => start > end,
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Op, Txn};

    fn keyspace(ops: &[Vec<Op>]) -> Keyspace {
        let mut keyspace = Keyspace::default();
        for ops in ops {
            keyspace.apply(Txn::unconditional(ops.clone()));
        }
        keyspace
    }

    fn keys(response: &RangeResponse) -> Vec<&str> {
        response
            .kvs
            .iter()
            .map(|kv| std::str::from_utf8(&kv.key).unwrap_or("<not utf-8>"))
            .collect()
    }

    /// Revision 1: /a/1 /a/2 /a/3 /b/1; 2: update /a/2; 3: delete /a/1; 4: put /a/4.
    fn fixture() -> Keyspace {
        keyspace(&[
            vec![
                Op::put("/a/1", "x"),
                Op::put("/a/2", "x"),
                Op::put("/a/3", "x"),
                Op::put("/b/1", "x"),
            ],
            vec![Op::put("/a/2", "y")],
            vec![Op::delete("/a/1")],
            vec![Op::put("/a/4", "x")],
        ])
    }

    #[test]
    fn table() {
        let keyspace = fixture();
        /// (name, request, keys, more, count, served at)
        type Case = (
            &'static str,
            RangeRequest,
            Vec<&'static str>,
            bool,
            usize,
            Revision,
        );
        let cases: Vec<Case> = vec![
            (
                "one key",
                RangeRequest::key("/a/2"),
                vec!["/a/2"],
                false,
                1,
                4,
            ),
            ("missing key", RangeRequest::key("/a"), vec![], false, 0, 4),
            (
                "deleted key",
                RangeRequest::key("/a/1"),
                vec![],
                false,
                0,
                4,
            ),
            (
                "deleted key at an older revision",
                RangeRequest::key("/a/1").at_revision(2),
                vec!["/a/1"],
                false,
                1,
                2,
            ),
            (
                "prefix",
                RangeRequest::prefix("/a/"),
                vec!["/a/2", "/a/3", "/a/4"],
                false,
                3,
                4,
            ),
            (
                "empty prefix is everything",
                RangeRequest::prefix(""),
                vec!["/a/2", "/a/3", "/a/4", "/b/1"],
                false,
                4,
                4,
            ),
            (
                "prefix at revision 1",
                RangeRequest::prefix("/a/").at_revision(1),
                vec!["/a/1", "/a/2", "/a/3"],
                false,
                3,
                1,
            ),
            (
                "limit",
                RangeRequest::prefix("/a/").with_limit(2),
                vec!["/a/2", "/a/3"],
                true,
                3,
                4,
            ),
            (
                "limit equal to the matches",
                RangeRequest::prefix("/a/").with_limit(3),
                vec!["/a/2", "/a/3", "/a/4"],
                false,
                3,
                4,
            ),
            (
                "after",
                RangeRequest::prefix("/a/").after_key("/a/2"),
                vec!["/a/3", "/a/4"],
                false,
                2,
                4,
            ),
            (
                "after a key that does not exist",
                RangeRequest::prefix("/a/").after_key("/a/25"),
                vec!["/a/3", "/a/4"],
                false,
                2,
                4,
            ),
            (
                "after and limit",
                RangeRequest::prefix("/a/").after_key("/a/2").with_limit(1),
                vec!["/a/3"],
                true,
                2,
                4,
            ),
            (
                "after before the prefix",
                RangeRequest::prefix("/a/").after_key("/"),
                vec!["/a/2", "/a/3", "/a/4"],
                false,
                3,
                4,
            ),
            (
                "after past the prefix",
                RangeRequest::prefix("/a/").after_key("/b"),
                vec![],
                false,
                0,
                4,
            ),
            (
                "after the single key",
                RangeRequest::key("/a/2").after_key("/a/2"),
                vec![],
                false,
                0,
                4,
            ),
            (
                "after before the single key",
                RangeRequest::key("/a/2").after_key("/a/1"),
                vec!["/a/2"],
                false,
                1,
                4,
            ),
            (
                "count only",
                RangeRequest::prefix("/a/").with_limit(1).only_count(),
                vec![],
                false,
                3,
                4,
            ),
        ];
        for (i, (name, request, expected, more, count, revision)) in cases.iter().enumerate() {
            let response = keyspace.range(request).expect(name);
            assert_eq!(keys(&response), *expected, "#{i}: {name}: keys");
            assert_eq!(response.more, *more, "#{i}: {name}: more");
            assert_eq!(response.count, *count, "#{i}: {name}: count");
            assert_eq!(response.revision, *revision, "#{i}: {name}: revision");
        }
    }

    #[test]
    fn values_and_metadata_are_as_of_the_revision() {
        let keyspace = fixture();
        let at = |revision| {
            keyspace
                .range(&RangeRequest::key("/a/2").at_revision(revision))
                .map(|response| response.kvs)
        };
        let kv = |value: &'static str, mod_revision, version| KeyValue {
            key: Bytes::from_static(b"/a/2"),
            value: Bytes::from_static(value.as_bytes()),
            create_revision: 1,
            mod_revision,
            version,
        };
        assert_eq!(at(1), Ok(vec![kv("x", 1, 1)]));
        assert_eq!(at(2), Ok(vec![kv("y", 2, 2)]));
        assert_eq!(at(4), Ok(vec![kv("y", 2, 2)]));
    }

    #[test]
    fn paginating_visits_every_key_once() {
        let mut ops = Vec::new();
        for i in 0..25 {
            ops.push(Op::put(format!("/p/{i:02}"), "x"));
        }
        let keyspace = keyspace(&[ops]);
        let mut seen = Vec::new();
        let mut request = RangeRequest::prefix("/p/").with_limit(7);
        loop {
            let page = keyspace.range(&request).expect("page");
            assert_eq!(page.count, 25 - seen.len());
            seen.extend(page.kvs.iter().map(|kv| kv.key.clone()));
            let Some(last) = page.kvs.last() else { break };
            if !page.more {
                break;
            }
            request = request.after_key(last.key.clone());
        }
        let expected: Vec<Bytes> = (0..25).map(|i| Bytes::from(format!("/p/{i:02}"))).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn prefix_successor() {
        let cases: &[(&[u8], Option<&[u8]>)] = &[
            (b"", None),
            (b"/a/", Some(b"/a0")),
            (b"a", Some(b"b")),
            (b"a\xff", Some(b"b")),
            (b"a\xff\xff", Some(b"b")),
            (b"\xff", None),
            (b"\xff\xff", None),
            (b"\x00", Some(b"\x01")),
        ];
        for (i, (prefix, expected)) in cases.iter().enumerate() {
            assert_eq!(successor(prefix).as_deref(), *expected, "#{i}: {prefix:?}");
        }
    }

    #[test]
    fn prefixes_with_high_bytes() {
        let keyspace = keyspace(&[vec![
            Op::put(&b"a\xff"[..], "x"),
            Op::put(&b"a\xff\x00"[..], "x"),
            Op::put(&b"a\xff\xff"[..], "x"),
            Op::put(&b"b"[..], "x"),
            Op::put(&b"\xff"[..], "x"),
            Op::put(&b"\xff\x01"[..], "x"),
        ]]);
        let count = |request: RangeRequest| keyspace.range(&request).map(|r| r.count);
        assert_eq!(count(RangeRequest::prefix(&b"a\xff"[..])), Ok(3));
        assert_eq!(count(RangeRequest::prefix(&b"a\xff\xff"[..])), Ok(1));
        assert_eq!(count(RangeRequest::prefix(&b"\xff"[..])), Ok(2));
        assert_eq!(
            count(RangeRequest::prefix(&b"a\xff"[..]).after_key(&b"a\xff\xff"[..])),
            Ok(0)
        );
        assert_eq!(
            count(RangeRequest::prefix(&b"\xff"[..]).after_key(&b"\xff\xff"[..])),
            Ok(0)
        );
    }

    #[test]
    fn an_after_at_or_past_the_end_reads_nothing() {
        let keyspace = fixture();
        for (i, request) in [
            RangeRequest::prefix("/a/").after_key("/a0"),
            RangeRequest::prefix("/a/").after_key("/a1"),
            RangeRequest::key("/a/2").after_key("/a/2"),
            RangeRequest::key("/a/2").after_key("/z"),
        ]
        .into_iter()
        .enumerate()
        {
            let response = keyspace.range(&request).expect("range");
            assert_eq!(
                (response.count, response.kvs.len()),
                (0, 0),
                "#{i}: {request:?}"
            );
        }
    }

    #[test]
    fn empty_store_reads_at_revision_zero() {
        let response = Keyspace::default()
            .range(&RangeRequest::prefix(""))
            .expect("range");
        assert_eq!(response, RangeResponse::default());
    }

    #[test]
    fn revision_bounds_are_checked() {
        let mut keyspace = fixture();
        keyspace.compact(2).expect("compact");
        assert_eq!(
            keyspace.range(&RangeRequest::prefix("").at_revision(1)),
            Err(StoreError::Compacted {
                requested: 1,
                compacted: 2
            })
        );
        assert_eq!(
            keyspace.range(&RangeRequest::prefix("").at_revision(5)),
            Err(StoreError::FutureRevision {
                requested: 5,
                current: 4
            })
        );
        let at_compacted = keyspace
            .range(&RangeRequest::prefix("/a/").at_revision(2))
            .expect("read at the compacted revision");
        assert_eq!(keys(&at_compacted), ["/a/1", "/a/2", "/a/3"]);
    }
}
