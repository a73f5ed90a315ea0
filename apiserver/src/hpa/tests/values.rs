//! Value syntax used in the round-trip annotations: JSON text, quantities, times.

use serde_json::{Value, json};

use crate::hpa::read::normalize_time;
use crate::hpa::write::marshal;

#[test]
fn annotation_json_escapes_like_encoding_json() {
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "html characters",
            json!(["<a href='x'>&</a>"]),
            r#"["\u003ca href='x'\u003e\u0026\u003c/a\u003e"]"#,
        ),
        (
            "line and paragraph separators",
            json!("a\u{2028}b\u{2029}c"),
            r#""a\u2028b\u2029c""#,
        ),
        (
            "control characters",
            json!("\u{8}\u{c}\n\r\t\u{1}"),
            r#""\b\f\n\r\t\u0001""#,
        ),
        (
            "keys are escaped too",
            json!({"<k>": 1}),
            r#"{"\u003ck\u003e":1}"#,
        ),
        ("non-ASCII stays raw", json!("héllo ☃"), "\"héllo ☃\""),
    ];
    for (name, value, want) in cases {
        println!("case: {name}");
        assert_eq!(marshal(&value), want, "case {name:?}");
    }
}

#[test]
fn time_normalization() {
    let cases: Vec<(&str, Option<Option<&str>>)> = vec![
        ("2024-05-01T10:00:00Z", Some(Some("2024-05-01T10:00:00Z"))),
        (
            "2024-05-01T10:00:00.123456Z",
            Some(Some("2024-05-01T10:00:00Z")),
        ),
        (
            "2024-03-01T01:00:00+02:00",
            Some(Some("2024-02-29T23:00:00Z")),
        ),
        (
            "2023-12-31T23:30:00-01:00",
            Some(Some("2024-01-01T00:30:00Z")),
        ),
        ("0001-01-01T00:00:00Z", Some(None)),
        // `Time.IsZero` looks at the instant, nanoseconds included.
        ("0001-01-01T01:00:00+01:00", Some(None)),
        ("0001-01-01T00:00:00.5Z", Some(Some("0001-01-01T00:00:00Z"))),
        ("2024-02-30T00:00:00Z", None),
        ("2024-05-01 10:00:00Z", None),
        ("2024-05-01T10:00:00", None),
        ("2024-05-01T24:00:00Z", None),
        ("2024-05-01T10:00:00.Z", None),
    ];
    for (input, want) in cases {
        println!("case: {input:?}");
        let got = normalize_time(input);
        assert_eq!(got.as_ref().map(|o| o.as_deref()), want, "case {input:?}");
    }
}
