//! Wall-clock times as Kubernetes writes them: RFC 3339 in UTC with whole seconds
//! (`metav1.Time`), e.g. `2026-11-22T22:42:35Z`, and read back as Go's
//! `time.Parse(time.RFC3339, s)` reads them.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as `metav1.Time` serializes it.
pub fn now_rfc3339() -> String {
    rfc3339(now_unix())
}

/// Now, in whole seconds since the Unix epoch.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Seconds since the Unix epoch, formatted as `metav1.Time`.
pub fn rfc3339(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(SECONDS_PER_DAY);
    let rem = unix_secs.rem_euclid(SECONDS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        );
    }
    // Every write stamps one or two of these: digits by hand, not through `format!`.
    let rem = rem as u32;
    let mut out = [0; 20];
    let fields = [
        (y as u32, 4, b'-'),
        (m, 2, b'-'),
        (d, 2, b'T'),
        (rem / 3600, 2, b':'),
        (rem % 3600 / 60, 2, b':'),
        (rem % 60, 2, b'Z'),
    ];
    let mut at = 0;
    for (mut n, width, separator) in fields {
        for digit in out[at..at + width].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
        out[at + width] = separator;
        at += width + 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Seconds since the Unix epoch of `0001-01-01T00:00:00Z`, Go's zero `time.Time`
/// (`Time.IsZero`; `metav1.Time` marshals it as `null`).
pub const ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// Seconds since the Unix epoch of an RFC 3339 timestamp, as `time.Parse(time.RFC3339, s)`
/// then `Time.Unix()` give them; `None` where that parse fails.
///
/// The accepted form is `YYYY-MM-DDThh:mm:ss[(.|,)digits](Z|±hh:mm)`: every field has exactly
/// the digits shown, the date must exist (leap years included), `hh` is `00`-`23`, `mm` and `ss`
/// are `00`-`59` (no leap second), `T` and `Z` are upper case and nothing may follow the zone.
/// Fractional seconds may have any number of digits (at least one) and are dropped, so the
/// result is the whole second at or before the instant ([`parse_rfc3339_nanos`] keeps them). The zone offset is any two-digit hour
/// and minute pair up to `24:60` (the limits of Go's fallback parser, which takes `+24:00`
/// where its RFC 3339 fast path stops at `23:59`), subtracted to get UTC.
///
/// One corner differs from Go, whose fallback parser also accepts a one-digit hour
/// (`T1:00:00Z`).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    parse_rfc3339_nanos(s).map(|(secs, _)| secs)
}

/// [`parse_rfc3339`] with the fraction kept, as Go's `time.Time` holds it: the whole seconds
/// since the Unix epoch and the nanoseconds after them (`0..1_000_000_000`). Digits past the
/// ninth are truncated, as Go's `parseNanoseconds` does.
pub fn parse_rfc3339_nanos(s: &str) -> Option<(i64, u32)> {
    let b = s.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0_i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(i, c)| b.get(i) != Some(&c)) {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = b.get(19..)?;
    let mut nanos = 0;
    if let [b'.' | b',', tail @ ..] = rest {
        let digits = tail.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        nanos = tail[..digits]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(9)
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'));
        rest = tail.get(digits..)?;
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            let hours = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
            let minutes = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
            if hours > 24 || minutes > 60 {
                return None;
            }
            let magnitude = (hours * 60 + minutes) * 60;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    Some((
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
            - offset,
        nanos,
    ))
}

/// Howard Hinnant's `days_from_civil`: a proleptic Gregorian date to days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a proleptic Gregorian date.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_387_355), "2026-11-22T22:42:35Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(ZERO_TIME_UNIX), "0001-01-01T00:00:00Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800), "10000-01-01T00:00:00Z");
    }

    #[test]
    fn hand_written_digits_match_format() {
        let reference = |secs: i64| {
            let rem = secs.rem_euclid(SECONDS_PER_DAY);
            let (y, m, d) = civil_from_days(secs.div_euclid(SECONDS_PER_DAY));
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            )
        };
        let mut secs = ZERO_TIME_UNIX;
        while secs < 253_402_300_800 {
            assert_eq!(rfc3339(secs), reference(secs), "{secs}");
            secs += 7_777_777;
        }
    }

    #[test]
    fn parses_what_go_rfc3339_accepts() {
        let cases: Vec<(&str, Option<i64>)> = vec![
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2026-11-22T22:42:35Z", Some(1_795_387_355)),
            ("2000-02-29T00:00:00Z", Some(951_782_400)),
            ("0001-01-01T00:00:00Z", Some(-62_135_596_800)),
            ("1969-12-31T23:59:59Z", Some(-1)),
            // Fractions of any length, after `.` or `,`, are dropped (floor, like `Time.Unix`).
            ("1970-01-01T00:00:00.999999999999Z", Some(0)),
            ("1969-12-31T23:59:59.5Z", Some(-1)),
            ("1970-01-01T00:00:01,5Z", Some(1)),
            // Offsets are subtracted, across day, month and year boundaries.
            ("2024-03-01T01:00:00+02:00", Some(1_709_247_600)),
            ("2023-12-31T23:30:00-01:00", Some(1_704_069_000)),
            ("1970-01-01T00:00:00-00:00", Some(0)),
            ("1970-01-01T05:30:00.25+05:30", Some(0)),
            // Go's fallback parser takes offsets up to 24:60, no further.
            ("1970-01-02T00:00:00+24:00", Some(0)),
            ("1970-01-01T01:00:00+00:60", Some(0)),
            ("1970-01-01T00:00:00+25:00", None),
            ("1970-01-01T00:00:00+00:61", None),
            ("1970-01-01T00:00:00+99:99", None),
            ("2024-02-30T00:00:00Z", None),
            ("2023-02-29T00:00:00Z", None),
            ("1900-02-29T00:00:00Z", None),
            ("2024-13-01T00:00:00Z", None),
            ("2024-00-01T00:00:00Z", None),
            ("2024-05-00T00:00:00Z", None),
            ("2024-05-01T24:00:00Z", None),
            ("2024-05-01T10:60:00Z", None),
            ("2024-05-01T23:59:60Z", None),
            ("2024-05-01 10:00:00Z", None),
            ("2024-05-01t10:00:00Z", None),
            ("2024-05-01T10:00:00z", None),
            ("2024-05-01T10:00:00", None),
            ("2024-05-01T10:00:00.Z", None),
            ("2024-05-01T10:00:00.5", None),
            ("2024-05-01T10:00:00ZZ", None),
            ("2024-05-01T10:00:00+0200", None),
            ("2024-05-01T10:00:00+02:00Z", None),
            ("2024-5-01T10:00:00Z", None),
            ("+024-05-01T10:00:00Z", None),
            ("2024-05-01T10:00:0\u{e9}Z", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_rfc3339(input), want, "case {input:?}");
            assert_eq!(
                parse_rfc3339_nanos(input).map(|(secs, _)| secs),
                want,
                "case {input:?}"
            );
        }
    }

    #[test]
    fn keeps_the_fraction_to_the_nanosecond() {
        let cases: Vec<(&str, Option<(i64, u32)>)> = vec![
            ("1970-01-01T00:00:00Z", Some((0, 0))),
            ("1970-01-01T00:00:00.5Z", Some((0, 500_000_000))),
            ("1970-01-01T00:00:00,25Z", Some((0, 250_000_000))),
            ("1970-01-01T00:00:00.000000001Z", Some((0, 1))),
            // Past nine digits the rest is truncated, not rounded.
            ("1970-01-01T00:00:00.1234567899Z", Some((0, 123_456_789))),
            ("1970-01-01T00:00:00.999999999999Z", Some((0, 999_999_999))),
            // Before the epoch the fraction still counts forward from the whole second.
            ("1969-12-31T23:59:59.5Z", Some((-1, 500_000_000))),
            (
                "2026-11-22T22:42:30.123456Z",
                Some((1_795_387_350, 123_456_000)),
            ),
            (
                "2026-11-22T23:37:35.999+01:00",
                Some((1_795_387_055, 999_000_000)),
            ),
            ("0001-01-01T00:00:00Z", Some((-62_135_596_800, 0))),
            ("1970-01-01T00:00:00.Z", None),
            ("1970-01-01T00:00:00.5", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_rfc3339_nanos(input), want, "case {input:?}");
        }
    }

    #[test]
    fn parse_inverts_format() {
        for secs in [
            -62_135_596_800,
            -86_401,
            -1,
            0,
            59,
            951_868_799,
            1_795_387_355,
        ] {
            assert_eq!(parse_rfc3339(&rfc3339(secs)), Some(secs), "{secs}");
        }
        let mut secs = -62_135_596_800_i64;
        while secs < 253_402_300_800 {
            assert_eq!(parse_rfc3339(&rfc3339(secs)), Some(secs), "{secs}");
            secs += 7_777_777;
        }
    }
}
