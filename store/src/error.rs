//! The crate's one error enum. Messages carry etcd's `mvcc:` prefix so logs read the same.

use crate::Revision;

/// Why a read, compaction, watch or restore was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StoreError {
    /// The requested revision's history has been dropped by compaction (for a watcher: it fell
    /// so far behind that compaction passed its cursor). The apiserver maps this to
    /// `410 Gone` / "too old resource version".
    #[error("mvcc: required revision has been compacted")]
    Compacted {
        /// The revision that was asked for (for a watcher: the first one it had not yet seen).
        requested: Revision,
        /// The store's compacted revision at the time.
        compacted: Revision,
    },
    /// The requested revision has not been written yet.
    #[error("mvcc: required revision is a future revision")]
    FutureRevision {
        /// The revision that was asked for.
        requested: Revision,
        /// The store's current revision at the time.
        current: Revision,
    },
    /// The bytes given to restore are not a snapshot this crate wrote (truncated, altered, or
    /// internally inconsistent); the message says what was wrong.
    #[error("mvcc: corrupt snapshot: {0}")]
    CorruptSnapshot(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_etcd() {
        let compacted = StoreError::Compacted {
            requested: 1,
            compacted: 2,
        };
        assert_eq!(
            compacted.to_string(),
            "mvcc: required revision has been compacted"
        );
        let future = StoreError::FutureRevision {
            requested: 3,
            current: 2,
        };
        assert_eq!(
            future.to_string(),
            "mvcc: required revision is a future revision"
        );
        let corrupt = StoreError::CorruptSnapshot("bad magic".into());
        assert_eq!(corrupt.to_string(), "mvcc: corrupt snapshot: bad magic");
    }
}
