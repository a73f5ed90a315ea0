//! Timestamps and the AGE column: a small RFC 3339 parser (what `metav1.Time` and
//! `metav1.MicroTime` accept), `duration.HumanDuration` from
//! `k8s.io/apimachinery/pkg/util/duration`, and the printers' `translateTimestampSince`.

use serde_json::Value;

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Unix seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z), which `IsZero` reports.
const ZERO_TIME_SECS: i128 = -62_135_596_800;

/// A point in time as nanoseconds since the Unix epoch.
pub(crate) type Nanos = i128;

/// Go's zero `time.Time`.
pub(crate) const ZERO: Nanos = ZERO_TIME_SECS * NANOS_PER_SEC;

/// Parses an RFC 3339 timestamp (`2026-11-22T22:42:35Z`, with optional fractional seconds and a
/// `Z` or `±hh:mm` offset). `None` for anything else, including `null` and a missing field.
pub(crate) fn parse(v: Option<&Value>) -> Option<Nanos> {
    parse_str(v?.as_str()?)
}

fn parse_str(s: &str) -> Option<Nanos> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let year = num(0, 4)?;
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let second = num(17, 2)?;
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut pos = 19;
    let mut nanos: i128 = 0;
    if b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            if pos - start < 9 {
                nanos = nanos * 10 + i128::from(b[pos] - b'0');
            }
            pos += 1;
        }
        let digits = pos - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset_secs: i64 = match b.get(pos..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digit = |c: u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
            let hours = digit(*h1)? * 10 + digit(*h2)?;
            let minutes = digit(*m1)? * 10 + digit(*m2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 3600 + minutes * 60;
            if *sign == b'-' { -total } else { total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = i128::from(days) * 86_400 + i128::from(hour * 3600 + minute * 60 + second)
        - i128::from(offset_secs);
    Some(secs * NANOS_PER_SEC + nanos)
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
pub(crate) fn from_unix(now_unix: i64) -> Nanos {
    i128::from(now_unix) * NANOS_PER_SEC
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
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(i64::try_from(days).unwrap_or(0));
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}
