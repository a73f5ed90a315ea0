//! `resource.Quantity.String()`: the canonical form a quantity prints as once parsed
//! (`k8s.io/apimachinery/pkg/api/resource`: `ParseQuantity`, `CanonicalizeBytes`).
//!
//! The value is held exactly as `mantissa * 10^exponent` in 128 bits, which covers every quantity
//! Kubernetes validation admits; anything that does not parse or does not fit prints as the text
//! it was given.

use serde_json::Value;

#[derive(Clone, Copy, PartialEq)]
enum Format {
    DecimalSi,
    BinarySi,
    DecimalExponent,
}

/// `Quantity.String()` of a non-pointer quantity field: `0` when unset.
pub(crate) fn format(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "0".to_string(),
        Some(v) => render(v),
    }
}

/// `(*Quantity).String()` of a pointer field: `<nil>` when unset.
pub(crate) fn format_ptr(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "<nil>".to_string(),
        Some(v) => render(v),
    }
}

fn render(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    canonical(text.trim()).unwrap_or(text)
}

/// Parses and canonicalizes a quantity; `None` if Go would reject it (or it overflows here).
fn canonical(s: &str) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    if s == "0" {
        return Some("0".to_string());
    }
    let (negative, num, denom, suffix) = split(s)?;
    let (base, exp, mut format) = interpret(suffix)?;
    let digits = format!("{num}{denom}");
    let mut mantissa: u128 = digits
        .trim_start_matches('0')
        .parse()
        .ok()
        .or_else(|| digits.chars().all(|c| c == '0').then_some(0))?;
    let denom_len = i32::try_from(denom.len()).ok()?;
    let mut exponent: i32;
    if base == 10 {
        exponent = exp.checked_sub(denom_len)?;
    } else {
        mantissa = mantissa.checked_mul(1u128.checked_shl(u32::try_from(exp).ok()?)?)?;
        exponent = -denom_len;
    }
    if mantissa == 0 {
        return Some("0".to_string());
    }
    // Values finer than a nano are rounded up (away from zero) to 1n.
    if exponent < -9 {
        let shift = u32::try_from(-9 - i64::from(exponent)).ok()?;
        mantissa = match 10u128.checked_pow(shift) {
            Some(div) => mantissa.div_ceil(div),
            None => 1,
        };
        exponent = -9;
    }
    // A binary quantity is capped at the largest int64.
    if format == Format::BinarySi && exceeds(mantissa, exponent, i64::MAX as u128) {
        mantissa = i64::MAX as u128;
        exponent = 0;
    }
    if format == Format::BinarySi {
        // |q| < 1024 or a fraction prints in decimal to avoid rounding.
        match integer_value(mantissa, exponent) {
            Some(v) if v >= 1024 => {
                let (mut v, mut times) = (v, 0);
                while v >= 1024 && v.is_multiple_of(1024) {
                    v /= 1024;
                    times += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].get(times)?;
                return Some(format!("{}{v}{suffix}", if negative { "-" } else { "" }));
            }
            _ => format = Format::DecimalSi,
        }
    }
    while mantissa >= 10 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
        exponent = exponent.checked_add(1)?;
    }
    match exponent.rem_euclid(3) {
        1 => {
            mantissa = mantissa.checked_mul(10)?;
            exponent -= 1;
        }
        2 => {
            mantissa = mantissa.checked_mul(100)?;
            exponent -= 2;
        }
        _ => {}
    }
    let suffix = match format {
        Format::DecimalExponent if exponent == 0 => String::new(),
        Format::DecimalExponent => format!("e{exponent}"),
        _ => match exponent {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => "",
        }
        .to_string(),
    };
    Some(format!(
        "{}{mantissa}{suffix}",
        if negative { "-" } else { "" }
    ))
}

/// `parseQuantityString`: sign, integer digits, fraction digits, suffix.
fn split(s: &str) -> Option<(bool, &str, &str, &str)> {
    let b = s.as_bytes();
    let mut pos = 0;
    let negative = match b.first() {
        Some(b'-') => {
            pos += 1;
            true
        }
        Some(b'+') => {
            pos += 1;
            false
        }
        _ => false,
    };
    while pos < b.len() && b[pos] == b'0' {
        pos += 1;
    }
    if pos == b.len() {
        return Some((negative, "0", "", ""));
    }
    let start = pos;
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = if pos == start { "0" } else { &s[start..pos] };
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[start..pos];
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    if !b[pos..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((negative, num, denom, &s[suffix_start..]))
}

/// The suffix's base, exponent and format.
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let dec = match suffix {
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "" => Some(0),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = dec {
        return Some((10, e, Format::DecimalSi));
    }
    let bin = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = bin {
        return Some((2, e, Format::BinarySi));
    }
    let rest = suffix.strip_prefix(['e', 'E'])?;
    if rest.is_empty() {
        return None;
    }
    let e: i64 = rest.parse().ok()?;
    Some((10, i32::try_from(e).ok()?, Format::DecimalExponent))
}

/// Whether `mantissa * 10^exponent` is greater than `limit`.
fn exceeds(mantissa: u128, exponent: i32, limit: u128) -> bool {
    if exponent >= 0 {
        match 10u128
            .checked_pow(exponent.unsigned_abs())
            .and_then(|p| mantissa.checked_mul(p))
        {
            Some(v) => v > limit,
            None => true,
        }
    } else {
        match 10u128.checked_pow(exponent.unsigned_abs()) {
            Some(p) => {
                mantissa / p > limit || (mantissa / p == limit && !mantissa.is_multiple_of(p))
            }
            None => false,
        }
    }
}

/// `mantissa * 10^exponent` if it is a whole number that fits.
fn integer_value(mantissa: u128, exponent: i32) -> Option<u128> {
    let p = 10u128.checked_pow(exponent.unsigned_abs())?;
    if exponent >= 0 {
        mantissa.checked_mul(p)
    } else {
        mantissa.is_multiple_of(p).then_some(mantissa / p)
    }
}
