//! Revision numbering and the bounds every read at a revision checks.
//!
//! ```text
//!   compacted                              current
//!       │  readable: compacted ..= current    │   future
//! ──────┼─────────────────────────────────────┼──────────►
//!  gone │ R ok            R ok            R ok│ FutureRevision
//! ```
//!
//! Reading *at* the compacted revision works (compaction keeps exactly what that read needs);
//! reading below it answers [`StoreError::Compacted`]. Reading above the current revision
//! answers [`StoreError::FutureRevision`]. A requested revision ≤ 0 means "the current one".

use crate::StoreError;

/// The keyspace's logical clock.
///
/// An empty store is at revision 0; the first txn that writes creates revision 1, and every later
/// writing txn advances it by exactly one. Never negative, never reused, no gaps — which is why
/// the apiserver can use it verbatim as `resourceVersion`.
pub type Revision = i64;

/// Resolves the revision a read is served at: `requested` itself, or `current` when
/// `requested ≤ 0`, provided it lies within `compacted ..= current`.
pub(crate) fn read_revision(
    requested: Revision,
    current: Revision,
    compacted: Revision,
) -> Result<Revision, StoreError> {
    if requested <= 0 {
        return Ok(current);
    }
    if requested > current {
        return Err(StoreError::FutureRevision { requested, current });
    }
    if requested < compacted {
        return Err(StoreError::Compacted {
            requested,
            compacted,
        });
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_revision_bounds() {
        /// (name, requested, current, compacted, expected)
        type Case = (
            &'static str,
            Revision,
            Revision,
            Revision,
            Result<Revision, StoreError>,
        );
        let cases: &[Case] = &[
            ("zero means current", 0, 7, 3, Ok(7)),
            ("negative means current", -5, 7, 3, Ok(7)),
            ("empty store, current", 0, 0, 0, Ok(0)),
            ("current itself", 7, 7, 3, Ok(7)),
            ("between", 5, 7, 3, Ok(5)),
            ("at the compacted revision", 3, 7, 3, Ok(3)),
            (
                "below the compacted revision",
                2,
                7,
                3,
                Err(StoreError::Compacted {
                    requested: 2,
                    compacted: 3,
                }),
            ),
            (
                "future",
                8,
                7,
                3,
                Err(StoreError::FutureRevision {
                    requested: 8,
                    current: 7,
                }),
            ),
            (
                "future on an empty store",
                1,
                0,
                0,
                Err(StoreError::FutureRevision {
                    requested: 1,
                    current: 0,
                }),
            ),
        ];
        for (i, (name, requested, current, compacted, expected)) in cases.iter().enumerate() {
            assert_eq!(
                read_revision(*requested, *current, *compacted),
                *expected,
                "#{i}: {name}"
            );
        }
    }
}
