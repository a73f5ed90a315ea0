//! `resource.Quantity` (k8s.io/apimachinery/pkg/api/resource), shared by defaulting, table
//! printing and HPA annotation decoding: parsing as `ParseQuantity` does, `RoundUp`, `Add`,
//! `Cmp`, and `String()` / `MarshalJSON` — the input string when `ParseQuantity` kept it (it was
//! already canonical), else `CanonicalizeBytes` — plus the syntax check annotation decoding uses.
//!
//! Values are held exactly as `value × 10^scale` in an `i128`; anything that would overflow it
//! (far beyond what the API accepts) is treated as unparsable and left alone.

use serde_json::Value;

/// How a quantity is written: the format of its suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `e3`, `E6`.
    DecimalExponent,
    /// `Ki`, `Mi`, …
    BinarySI,
    /// `m`, `k`, `M`, …
    DecimalSI,
}

#[derive(Clone, Debug)]
pub struct Quantity {
    value: i128,
    scale: i32,
    format: Format,
    /// The string `ParseQuantity` kept because it was in canonical form; cleared by arithmetic.
    cached: Option<String>,
}

/// The canonical JSON string of a quantity given as a JSON string or number, as kube-apiserver
/// writes it back; `None` when it does not parse (decoding would reject the object) or does not
/// fit here.
pub fn canonical_quantity(v: &Value) -> Option<String> {
    Quantity::from_json(v)?.string()
}

/// `Quantity.String()` of a non-pointer quantity field: `0` when unset.
pub fn format(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "0".to_string(),
        Some(v) => render(v),
    }
}

/// `(*Quantity).String()` of a pointer field: `<nil>` when unset.
pub fn format_ptr(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "<nil>".to_string(),
        Some(v) => render(v),
    }
}

/// `String()` of a set field; a value that does not parse (or fit) prints as given.
fn render(v: &Value) -> String {
    canonical_quantity(v).unwrap_or_else(|| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Whether `resource.ParseQuantity` accepts the syntax of `s`:
/// `[+-]? (digits | digits '.' digits? | '.' digits) suffix`, the suffix being a binary SI unit,
/// a decimal SI unit (or none) or a decimal exponent. Stricter than Go in one way: a number
/// with no digit at all (`.`, `-`, `Mi`) is refused, where Go reads it as zero.
pub fn is_quantity(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let has_digit = unsigned
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .any(|b| b.is_ascii_digit());
    has_digit && split(s).is_some_and(|parts| interpret(parts.suffix).is_some())
}

const NANO: i32 = -9;
const MAX_INT64_FACTORS: i32 = 18;

impl Quantity {
    pub fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) => Self::parse(s.trim()),
            Value::Number(n) => Self::parse(&n.to_string()),
            _ => None,
        }
    }

    /// `ParseQuantity`.
    pub fn parse(s: &str) -> Option<Self> {
        if s.is_empty() {
            return None;
        }
        if s == "0" {
            return Some(Self::zero_cached());
        }
        let parts = split(s)?;
        let (base, exponent, format) = interpret(parts.suffix)?;

        let mut scale = 0i32;
        let mut mantissa = 1i64;
        let precision = match format {
            Format::DecimalExponent | Format::DecimalSI => {
                scale = exponent;
                MAX_INT64_FACTORS - (parts.num.len() + parts.denom.len()) as i32
            }
            Format::BinarySI if exponent >= 0 && parts.denom.is_empty() => {
                mantissa = 1i64 << exponent;
                15 - parts.num.len() as i32 - exponent * 3 / 10 - 1
            }
            Format::BinarySI => -1,
        };
        if precision >= 0 {
            scale = scale.checked_sub(i32::try_from(parts.denom.len()).ok()?)?;
            if scale >= NANO {
                let shifted = format!("{}{}", parts.num, parts.denom);
                let value: i64 = shifted.parse().ok()?;
                if let Some(result) = value.checked_mul(mantissa) {
                    let result = if parts.positive { result } else { -result };
                    let canonical = match format {
                        Format::BinarySI => exponent % 10 == 0 && value & 0x07 != 0,
                        _ => {
                            scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0')
                        }
                    };
                    return Some(Self {
                        value: i128::from(result),
                        scale,
                        format,
                        cached: canonical.then(|| s.to_owned()),
                    });
                }
            }
        }

        // The arbitrary-precision path (inf.Dec in Go).
        let (mut value, mut scale) = decimal(parts.value)?;
        if base == 10 {
            scale = scale.checked_add(exponent)?;
        } else {
            value = value.checked_mul(1i128.checked_shl(exponent as u32)?)?;
        }
        let negative = value < 0;
        let mut q = Self {
            value: value.abs(),
            scale,
            format,
            cached: None,
        };
        if q.value != 0 {
            q.round_up(NANO);
        }
        // Only binary quantities are capped, at the largest int64.
        let max = Self {
            value: i128::from(i64::MAX),
            scale: 0,
            format,
            cached: None,
        };
        if format == Format::BinarySI && q.cmp(&max)?.is_gt() {
            q = max;
        }
        if format == Format::BinarySI && q.value != 0 && q.cmp_int(1)?.is_lt() {
            q.format = Format::DecimalSI;
        }
        if negative {
            q.value = -q.value;
        }
        Some(q)
    }

    fn zero_cached() -> Self {
        Self {
            value: 0,
            scale: 0,
            format: Format::DecimalSI,
            cached: Some("0".into()),
        }
    }

    /// `RoundUp(scale)`: rounds away from zero to `10^scale` precision when finer.
    pub fn round_up(&mut self, scale: i32) {
        if self.scale >= scale {
            return;
        }
        if let Some((rounded, _)) = self.as_scale(scale) {
            *self = rounded;
        }
    }

    /// The value at `scale` (rounded away from zero when that loses digits) and whether exact.
    fn as_scale(&self, scale: i32) -> Option<(Self, bool)> {
        let mut out = Self {
            cached: None,
            ..self.clone()
        };
        if self.scale >= scale {
            out.value = self
                .value
                .checked_mul(pow10(self.scale.checked_sub(scale)?)?)?;
            out.scale = scale;
            return Some((out, true));
        }
        // A divisor beyond i128 exceeds every value: the quotient is zero.
        let (q, r) = match pow10(scale.checked_sub(self.scale)?) {
            Some(divisor) => (self.value / divisor, self.value % divisor),
            None => (0, self.value),
        };
        out.value = if r == 0 { q } else { q + self.value.signum() };
        out.scale = scale;
        Some((out, r == 0))
    }

    /// `Value()`: rounded away from zero to an integer; `None` on overflow.
    pub fn value(&self) -> Option<i128> {
        Some(self.as_scale(0)?.0.value)
    }

    /// `MilliValue() % 1000 == 0`: whether the quantity is a whole number; `None` on overflow.
    pub fn is_integer(&self) -> Option<bool> {
        Some(self.as_scale(0)?.1)
    }

    /// `Sign()`: -1, 0 or 1.
    pub fn sign(&self) -> i32 {
        self.value.signum() as i32
    }

    /// `Add`: the sum takes the format of the first non-zero operand.
    pub fn add(&self, other: &Self) -> Option<Self> {
        let scale = self.scale.min(other.scale);
        let a = self.as_scale(scale)?.0.value;
        let b = other.as_scale(scale)?.0.value;
        let format = if self.value == 0 {
            other.format
        } else {
            self.format
        };
        Some(Self {
            value: a.checked_add(b)?,
            scale,
            format,
            cached: None,
        })
    }

    /// `Cmp`.
    pub fn cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        let scale = self.scale.min(other.scale);
        Some(
            self.as_scale(scale)?
                .0
                .value
                .cmp(&other.as_scale(scale)?.0.value),
        )
    }

    fn cmp_int(&self, n: i128) -> Option<std::cmp::Ordering> {
        self.cmp(&Self {
            value: n,
            scale: 0,
            format: self.format,
            cached: None,
        })
    }

    /// `String()`: the string `ParseQuantity` kept, else `CanonicalizeBytes`; `None` on overflow.
    pub fn string(&self) -> Option<String> {
        match &self.cached {
            Some(s) => Some(s.clone()),
            None => self.canonical(),
        }
    }

    /// `CanonicalizeBytes`; `None` on overflow.
    fn canonical(&self) -> Option<String> {
        if self.value == 0 {
            return Some("0".into());
        }
        let mut format = self.format;
        let mut integer = None;
        if format == Format::BinarySI {
            if self.cmp_int(-1024)?.is_gt() && self.cmp_int(1024)?.is_lt() {
                format = Format::DecimalSI;
            } else {
                let (rounded, exact) = self.as_scale(0)?;
                if exact {
                    integer = Some(rounded.value);
                } else {
                    format = Format::DecimalSI;
                }
            }
        }
        if let Some(integer) = integer.filter(|_| format == Format::BinarySI) {
            let (amount, times) = remove_factors(integer, 1024);
            let suffix = match times {
                0 => "",
                1 => "Ki",
                2 => "Mi",
                3 => "Gi",
                4 => "Ti",
                5 => "Pi",
                6 => "Ei",
                _ => return None,
            };
            return Some(format!("{amount}{suffix}"));
        }
        let (mut amount, times) = remove_factors(self.value, 10);
        let mut exponent = self.scale.checked_add(times)?;
        while exponent % 3 != 0 {
            amount = amount.checked_mul(10)?;
            exponent -= 1;
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
            .to_owned(),
        };
        Some(format!("{amount}{suffix}"))
    }
}

impl std::fmt::Display for Quantity {
    /// `MarshalJSON` without the quotes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.string().ok_or(std::fmt::Error)?)
    }
}

fn pow10(n: i32) -> Option<i128> {
    10i128.checked_pow(u32::try_from(n).ok()?)
}

fn remove_factors(value: i128, base: i128) -> (i128, i32) {
    let (mut result, mut times) = (value.abs(), 0);
    while result >= base && result % base == 0 {
        result /= base;
        times += 1;
    }
    (if value < 0 { -result } else { result }, times)
}

/// The pieces `parseQuantityString` finds.
struct Parts<'a> {
    positive: bool,
    /// The number as written (sign included), for the arbitrary-precision path.
    value: &'a str,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// `parseQuantityString`.
fn split(s: &str) -> Option<Parts<'_>> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    match b.first()? {
        b'-' => {
            positive = false;
            pos += 1;
        }
        b'+' => pos += 1,
        _ => {}
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Some(Parts {
            positive,
            value: "0",
            num: "0",
            denom: "",
            suffix: "",
        });
    }
    let start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = if pos == start { "0" } else { &s[start..pos] };
    if pos >= end {
        return Some(Parts {
            positive,
            value: s,
            num,
            denom: "",
            suffix: "",
        });
    }
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[start..pos];
        if pos >= end {
            return Some(Parts {
                positive,
                value: s,
                num,
                denom,
                suffix: "",
            });
        }
    }
    let value = &s[..pos];
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    (pos >= end).then_some(Parts {
        positive,
        value,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

/// `suffixHandler.interpret`: base, exponent and format of a suffix.
fn interpret(suffix: &str) -> Option<(i32, i32, Format)> {
    let decimal = match suffix {
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
    if let Some(e) = decimal {
        return Some((10, e, Format::DecimalSI));
    }
    let binary = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = binary {
        return Some((2, e, Format::BinarySI));
    }
    let rest = suffix.strip_prefix(['e', 'E']).filter(|r| !r.is_empty())?;
    let exponent: i64 = rest.parse().ok()?;
    // Go's `int32(parsed)`: an exponent beyond 32 bits wraps.
    Some((10, exponent as i32, Format::DecimalExponent))
}

/// A decimal string (sign, digits, optional fraction) as `(unscaled, scale)`.
fn decimal(s: &str) -> Option<(i128, i32)> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value: i128 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        if !c.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(i128::from(c - b'0'))?;
    }
    let scale = -i32::try_from(frac.len()).ok()?;
    Some((if negative { -value } else { value }, scale))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Quantity, canonical_quantity, format, format_ptr, is_quantity};

    #[test]
    fn quantities_as_kube_writes_them() {
        let cases: &[(Value, Option<&str>)] = &[
            (json!("100m"), Some("100m")),
            (json!("0.5"), Some("500m")),
            (json!(0.5), Some("500m")),
            (json!(2), Some("2")),
            (json!("1000m"), Some("1")),
            (json!("3000m"), Some("3")),
            (json!("1.0"), Some("1")),
            (json!("1500m"), Some("1500m")),
            (json!("5000"), Some("5k")),
            (json!("1200"), Some("1200")),
            (json!("1000k"), Some("1M")),
            (json!("1G"), Some("1G")),
            (json!("128Mi"), Some("128Mi")),
            (json!("1024Mi"), Some("1Gi")),
            (json!("2048Ki"), Some("2Mi")),
            (json!("1.5Gi"), Some("1536Mi")),
            (json!("0.5Ki"), Some("512")),
            (json!("1.5Ki"), Some("1536")),
            (json!("1e3"), Some("1e3")),
            (json!("1E3"), Some("1E3")),
            (json!("1e4"), Some("10e3")),
            (json!("12e6"), Some("12e6")),
            (json!("0"), Some("0")),
            (json!("0Mi"), Some("0")),
            (json!("-1"), Some("-1")),
            (json!("+1"), Some("+1")),
            (json!("01"), Some("01")),
            (json!(" 1Gi "), Some("1Gi")),
            (json!("0.000000001"), Some("1n")),
            (json!("0.0000000001"), Some("1n")),
            // Finer than i128 can scale: still rounds up to 1n.
            (json!("1e-50"), Some("1e-9")),
            // Only binary quantities are capped at the largest int64.
            (json!("10000000000000000000e0"), Some("10e18")),
            (json!("99999999999Ei"), Some("9223372036854775807")),
            (json!(""), None),
            (json!("abc"), None),
            (json!("1.2.3"), None),
            (json!("1Mb"), None),
            (json!("1e"), None),
            (json!(true), None),
        ];
        for (input, want) in cases {
            assert_eq!(canonical_quantity(input).as_deref(), *want, "{input}");
        }
    }

    #[test]
    fn field_strings() {
        let cases: &[(&str, Value, &str)] = &[
            ("binary stays", json!("10Gi"), "10Gi"),
            ("1024Mi is 1Gi", json!("1024Mi"), "1Gi"),
            ("1536Mi stays", json!("1536Mi"), "1536Mi"),
            ("1.5Gi", json!("1.5Gi"), "1536Mi"),
            ("0.5Gi", json!("0.5Gi"), "512Mi"),
            ("small binary prints decimal", json!("0.5Ki"), "512"),
            ("half a cpu", json!("0.5"), "500m"),
            ("millis stay", json!("250m"), "250m"),
            ("1000m is 1", json!("1000m"), "1"),
            ("2000 is 2k", json!("2000"), "2k"),
            ("1024 decimal", json!("1024"), "1024"),
            ("1.0", json!("1.0"), "1"),
            ("exponent", json!("1e3"), "1e3"),
            ("exponent normalised", json!("12e1"), "120"),
            ("mega", json!("100M"), "100M"),
            ("sub-nano rounds up", json!("0.0000000001"), "1n"),
            ("negative binary", json!("-1Gi"), "-1Gi"),
            // `ParseQuantity` keeps a canonical input as written, sign included.
            ("plus sign kept", json!("+3"), "+3"),
            ("zero with suffix", json!("0Mi"), "0"),
            ("bare number", json!(2), "2"),
            ("bare fraction", json!(0.25), "250m"),
            ("garbage kept", json!("abc"), "abc"),
            ("bad suffix kept", json!("5Q"), "5Q"),
            ("tiny exponent rounds up", json!("1e-2147483648"), "1e-9"),
            (
                "exponent overflow kept",
                json!("10e2147483647"),
                "10e2147483647",
            ),
            (
                "huge binary capped",
                json!("99999999999Ei"),
                "9223372036854775807",
            ),
        ];
        for (i, (name, v, want)) in cases.iter().enumerate() {
            println!("#{i}: {name}");
            assert_eq!(format(Some(v)), *want, "#{i}: {name}");
        }
        assert_eq!(format(None), "0");
        assert_eq!(format_ptr(None), "<nil>");
        assert_eq!(format_ptr(Some(&json!("1024Mi"))), "1Gi");
    }

    #[test]
    fn syntax() {
        let cases: Vec<(&str, bool)> = vec![
            ("1", true),
            ("-1.5", true),
            ("+.5", true),
            ("5.", true),
            ("100m", true),
            ("1Gi", true),
            ("1e3", true),
            ("1E-3", true),
            ("0.5Ki", true),
            ("", false),
            (".", false),
            ("-", false),
            ("1K", false),
            ("1e", false),
            ("1e+", false),
            ("1.2.3", false),
            ("12 apples", false),
            ("Mi", false),
        ];
        for (input, want) in cases {
            println!("case: {input:?}");
            assert_eq!(is_quantity(input), want, "case {input:?}");
        }
    }

    #[test]
    fn sub_unit_binary_adds_as_decimal() {
        // `ParseQuantity` turns a binary quantity in (0, 1) into DecimalSI, the format `Add` keeps.
        let half = Quantity::parse("0.00048828125Ki").unwrap();
        let sum = half.add(&Quantity::parse("1023.5").unwrap()).unwrap();
        assert_eq!(sum.to_string(), "1024");
    }
}
