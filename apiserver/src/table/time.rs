//! Timestamps and the AGE column: `metav1.Time` and `metav1.MicroTime` read to the nanosecond
//! (parsed by [`clock::parse_rfc3339_nanos`]), `duration.HumanDuration` from
//! `k8s.io/apimachinery/pkg/util/duration`, and the printers' `translateTimestampSince`.

use serde_json::Value;

use crate::clock;

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// A point in time as nanoseconds since the Unix epoch.
pub(crate) type Nanos = i128;

/// Go's zero `time.Time`.
pub(crate) const ZERO: Nanos = from_unix(clock::ZERO_TIME_UNIX);

/// Parses an RFC 3339 timestamp as [`clock::parse_rfc3339_nanos`] does (`2026-11-22T22:42:35Z`,
/// with optional fractional seconds and a `Z` or `±hh:mm` offset). `None` for anything else,
/// including `null` and a missing field.
pub(crate) fn parse(v: Option<&Value>) -> Option<Nanos> {
    let (secs, nanos) = clock::parse_rfc3339_nanos(v?.as_str()?)?;
    Some(from_unix(secs) + Nanos::from(nanos))
}

/// `metav1.Time.IsZero()`: a nil/unparsable time or Go's zero time.
pub(crate) fn is_zero(t: Option<Nanos>) -> bool {
    t.is_none_or(|n| n == ZERO)
}

/// Go's `time.Time.Sub`: the difference, saturated to the range of `time.Duration` (int64 ns).
pub(crate) fn sub(later: Nanos, earlier: Nanos) -> i64 {
    let d = later - earlier;
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

/// `now` as a point in time.
pub(crate) const fn from_unix(now_unix: i64) -> Nanos {
    // A widening cast: `i128::from` is not `const`.
    now_unix as Nanos * NANOS_PER_SEC
}

/// The printers' `translateTimestampSince`: `<unknown>` for a zero time, else
/// `HumanDuration(time.Since(t))`.
pub(crate) fn since(t: Option<Nanos>, now_unix: i64) -> String {
    match t {
        Some(t) if !is_zero(Some(t)) => human_duration(sub(from_unix(now_unix), t)),
        _ => "<unknown>".to_string(),
    }
}

/// The AGE cell of an object: `translateTimestampSince(obj.CreationTimestamp)`.
pub(crate) fn age(obj: &Value, now_unix: i64) -> String {
    since(
        parse(super::json::at(obj, &["metadata", "creationTimestamp"])),
        now_unix,
    )
}

/// `duration.HumanDuration`: a succinct duration with ~2-3 significant figures.
pub(crate) fn human_duration(d: i64) -> String {
    const SEC: i64 = 1_000_000_000;
    const MIN: i64 = 60 * SEC;
    const HOUR: i64 = 60 * MIN;
    // int(d.Seconds()) truncates toward zero, as integer division does.
    let seconds = d / SEC;
    if seconds < -1 {
        return "<invalid>".to_string();
    } else if seconds < 0 {
        return "0s".to_string();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d / MIN;
    if minutes < 10 {
        let s = (d / SEC) % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d / HOUR;
    if hours < 8 {
        let m = (d / MIN) % 60;
        if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        }
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        }
    } else if hours < 24 * 365 * 2 {
        format!("{}d", hours / 24)
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        }
    } else {
        format!("{}y", hours / 24 / 365)
    }
}

/// `t.UTC().Format(time.RFC3339)` (whole seconds, `Z`), as the default table's "Created At"
/// column prints it; a missing time prints as Go's zero time.
pub(crate) fn rfc3339_utc(t: Option<Nanos>) -> String {
    let secs = t.unwrap_or(ZERO).div_euclid(NANOS_PER_SEC);
    // Every `Nanos` here came from whole `i64` seconds, so the conversion cannot fail.
    clock::rfc3339(i64::try_from(secs).unwrap_or(clock::ZERO_TIME_UNIX))
}
