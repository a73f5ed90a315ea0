//! Object name, label and annotation validation with kube-apiserver's exact
//! messages, and `generateName` handling.
//!
//! Ground truth (kubernetes/kubernetes, v1.35/v1.36 era):
//! - `staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go` —
//!   `IsDNS1123Label`, `IsDNS1123Subdomain`, `IsDNS1035Label` and their
//!   `MaxLenError` (`"must be no more than %d characters"`), `RegexError`,
//!   `EmptyError` (`"must be non-empty"`). These back the name validators.
//! - `staging/src/k8s.io/apimachinery/pkg/api/validate/content/{kube,dns,errors}.go`
//!   — `IsLabelKey` (aliased as `util/validation.IsQualifiedName`),
//!   `IsLabelValue` (aliased as `IsValidLabelValue`), the prefix-part
//!   `IsDNS1123Subdomain`; this package's `MaxLenError` says
//!   `"must be no more than %d bytes"`. So label/annotation keys and label values
//!   report lengths in **bytes**, object names in **characters**.
//! - `staging/src/k8s.io/apimachinery/pkg/api/validation/generic.go` —
//!   `NameIsDNSSubdomain`, `NameIsDNSLabel`, `NameIsDNS1035Label`,
//!   `maskTrailingDash`, `ValidateNamespaceName = NameIsDNSLabel`.
//! - `staging/src/k8s.io/apimachinery/pkg/api/validation/path/name.go` —
//!   `ValidatePathSegmentName`.
//! - `staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go` —
//!   `ValidateObjectMetaAccessor` (generateName/name/namespace),
//!   `ValidateAnnotations`, `TotalAnnotationSizeLimitB = 256 * (1 << 10)`.
//! - `staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go`
//!   — `ValidateLabels`.
//! - `staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go` —
//!   `ErrorBody`, `TooLong` (`"may not be more than %d bytes"`), `ToAggregate`.
//! - `staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go` — `NewInvalid`.
//! - `staging/src/k8s.io/apiserver/pkg/storage/names/generate.go` and
//!   `staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go` —
//!   `SimpleNameGenerator` (base truncated to 58 bytes + 5 random characters).
//! - `staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go` —
//!   `NamespaceKeyFunc` (`"Name parameter invalid: %q: %s"`).
//!
//! # Invalid object name on create
//!
//! Creating ConfigMap `Foo_bar` fails validation
//! (`ValidateObjectMeta(..., ValidateConfigMapName = NameIsDNSSubdomain, field.NewPath("metadata"))`),
//! returned through `errors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "Foo_bar", errs)`:
//!
//! ```json
//! {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
//!  "message":"ConfigMap \"Foo_bar\" is invalid: metadata.name: Invalid value: \"Foo_bar\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
//!  "reason":"Invalid",
//!  "details":{"name":"Foo_bar","kind":"ConfigMap","causes":[{"reason":"FieldValueInvalid",
//!    "message":"Invalid value: \"Foo_bar\": a lowercase RFC 1123 subdomain must consist of ... )*')",
//!    "field":"metadata.name"}]},
//!  "code":422}
//! ```
//!
//! `message` is [`invalid_message`]; each cause is a [`FieldError`]
//! (`reason`, `message` = `ErrorBody()`, `field`); `details.group` is omitted
//! when empty.

use serde_json::Value;

use crate::error::Cause;
use std::fmt::Write as _;

/// `DNS1123LabelMaxLength`.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// `DNS1123SubdomainMaxLength`.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// `DNS1035LabelMaxLength`.
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;
/// `TotalAnnotationSizeLimitB` (256 KiB), summed over `len(key) + len(value)`.
pub const TOTAL_ANNOTATION_SIZE_LIMIT_B: usize = 256 * (1 << 10);
/// `names.randomLength`: characters appended to `generateName`.
pub const GENERATED_SUFFIX_LENGTH: usize = 5;
/// `names.MaxGeneratedNameLength` (`maxNameLength 63 - randomLength 5`): the
/// `generateName` base is cut to this many bytes.
pub const MAX_GENERATED_NAME_LENGTH: usize = 63 - GENERATED_SUFFIX_LENGTH;
/// `utilrand` alphabet (vowels omitted "to reduce the chances of bad words").
pub const GENERATED_NAME_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_ERROR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_MAX_LENGTH: usize = 63;
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX_LENGTH: usize = 63;

/// Unit of `util/validation.MaxLenError` (object names).
const UTIL_LEN_UNIT: &str = "characters";
/// Unit of `api/validate/content.MaxLenError` (label keys/values, key prefixes).
const CONTENT_LEN_UNIT: &str = "bytes";

pub(crate) fn max_len_error(length: usize, unit: &str) -> String {
    format!("must be no more than {length} {unit}")
}

/// `RegexError` (identical in util/validation and content).
pub(crate) fn regex_error(msg: &str, re: &str, examples: &[&str]) -> String {
    let mut out = msg.to_owned();
    if examples.is_empty() {
        let _ = write!(out, " (regex used for validation is '{re}')");
        return out;
    }
    out.push_str(" (e.g. ");
    for (i, ex) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        let _ = write!(out, "'{ex}', ");
    }
    let _ = write!(out, "regex used for validation is '{re}')");
    out
}

fn subdomain_fmt() -> String {
    format!("{DNS1123_LABEL_FMT}(\\.{DNS1123_LABEL_FMT})*")
}

fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
fn matches_dns1123_label(s: &[u8]) -> bool {
    match (s.first(), s.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && s.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
fn matches_dns1123_subdomain(s: &[u8]) -> bool {
    s.split(|&c| c == b'.').all(matches_dns1123_label)
}

/// `^[a-z]([-a-z0-9]*[a-z0-9])?$`
fn matches_dns1035_label(s: &[u8]) -> bool {
    match (s.first(), s.last()) {
        (Some(&first), Some(&last)) => {
            first.is_ascii_lowercase()
                && is_lower_alnum(last)
                && s.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn matches_label_key_name(s: &[u8]) -> bool {
    match (s.first(), s.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && s.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn dns1123_subdomain_errors(value: &[u8], unit: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH, unit));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERROR_MSG,
            &subdomain_fmt(),
            &["example.com"],
        ));
    }
    errs
}

fn dns1123_label_errors(value: &[u8]) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH, UTIL_LEN_UNIT));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            // A valid subdomain but not a label: it must be the dots.
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

fn dns1035_label_errors(value: &[u8]) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1035_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1035_LABEL_MAX_LENGTH, UTIL_LEN_UNIT));
    }
    if !matches_dns1035_label(value) {
        errs.push(regex_error(
            DNS1035_LABEL_ERR_MSG,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `validation.IsDNS1123Subdomain` (lengths in characters).
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    dns1123_subdomain_errors(value.as_bytes(), UTIL_LEN_UNIT)
}

/// `validation.IsDNS1123Label` (lengths in characters; `"must not contain dots"`
/// for a valid subdomain that is not a label).
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    dns1123_label_errors(value.as_bytes())
}

/// `validation.IsDNS1035Label` (Service names).
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    dns1035_label_errors(value.as_bytes())
}

/// `validation.IsQualifiedName` = `content.IsLabelKey`: label keys, annotation
/// keys, finalizer names. Lengths in bytes.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix.as_bytes(), CONTENT_LEN_UNIT)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > LABEL_KEY_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_error(LABEL_KEY_MAX_LENGTH, CONTENT_LEN_UNIT)
        ));
    }
    if !matches_label_key_name(name.as_bytes()) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `validation.IsValidLabelValue` = `content.IsLabelValue`. Lengths in bytes.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH, CONTENT_LEN_UNIT));
    }
    if !value.is_empty() && !matches_label_key_name(value.as_bytes()) {
        errs.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `path.ValidatePathSegmentName(name, prefix)`: for `prefix` only the
/// `may not contain` checks apply.
pub fn validate_path_segment_name(name: &str, prefix: bool) -> Vec<String> {
    if !prefix {
        for illegal in [".", ".."] {
            if name == illegal {
                return vec![format!("may not be '{illegal}'")];
            }
        }
    }
    ["/", "%"]
        .iter()
        .filter(|illegal| name.contains(*illegal))
        .map(|illegal| format!("may not contain '{illegal}'"))
        .collect()
}

/// The BadRequest message of `NamespaceKeyFunc`/`NoNamespaceKeyFunc` for a name
/// that fails [`validate_path_segment_name`] (`msgs` joined with `";"`), e.g.
/// `Name parameter invalid: "a/b": may not contain '/'`.
pub fn invalid_path_segment_message(name: &str, msgs: &[String]) -> String {
    format!(
        "Name parameter invalid: {}: {}",
        crate::error::go_quote(name),
        msgs.join(";")
    )
}

/// `maskTrailingDash`: `name[:len(name)-2] + "a"` when the name ends in `-`
/// (it drops the character before the dash too). Go panics for the name `"-"`;
/// here that yields `"a"`.
fn mask_trailing_dash(name: &str) -> Vec<u8> {
    let bytes = name.as_bytes();
    if bytes.last() == Some(&b'-') {
        let mut masked = bytes[..bytes.len().saturating_sub(2)].to_vec();
        masked.push(b'a');
        masked
    } else {
        bytes.to_vec()
    }
}

/// `NameIsDNSSubdomain(name, prefix)` (most kinds, e.g. ConfigMap, Secret, Pod).
pub fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        dns1123_subdomain_errors(&mask_trailing_dash(name), UTIL_LEN_UNIT)
    } else {
        is_dns1123_subdomain(name)
    }
}

/// `NameIsDNSLabel(name, prefix)` (e.g. Namespace; `ValidateNamespaceName`).
pub fn name_is_dns_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        dns1123_label_errors(&mask_trailing_dash(name))
    } else {
        is_dns1123_label(name)
    }
}

/// `NameIsDNS1035Label(name, prefix)` (e.g. Service).
pub fn name_is_dns1035_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        dns1035_label_errors(&mask_trailing_dash(name))
    } else {
        is_dns1035_label(name)
    }
}

/// `utilrand.String(5)`: `rand(n)` must return a uniformly random index in
/// `0..n`; it is called with `n = 27` (the alphabet length) five times.
pub fn generate_name_suffix(mut rand: impl FnMut(usize) -> usize) -> String {
    let alphabet = GENERATED_NAME_ALPHABET.as_bytes();
    (0..GENERATED_SUFFIX_LENGTH)
        .map(|_| char::from(alphabet[rand(alphabet.len()) % alphabet.len()]))
        .collect()
}

/// `SimpleNameGenerator.GenerateName(base)`: `base` cut to
/// [`MAX_GENERATED_NAME_LENGTH`] bytes, plus [`generate_name_suffix`]. (Go cuts
/// at a byte and may split a UTF-8 character; here the cut backs off to a
/// character boundary — such a base is an invalid name either way.)
pub fn generate_name(base: &str, rand: impl FnMut(usize) -> usize) -> String {
    let mut cut = base.len().min(MAX_GENERATED_NAME_LENGTH);
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{}", &base[..cut], generate_name_suffix(rand))
}

/// `v1validation.ValidateLabels(labels, fldPath)`: per label, the key's
/// messages then the value's, all on `fld_path` (not keyed). Go iterates the
/// map in random order; pass labels sorted for a deterministic result.
pub fn validate_labels<'a>(
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    fld_path: &str,
) -> Vec<Cause> {
    let mut errs = Vec::new();
    for (k, v) in labels {
        errs.extend(
            is_qualified_name(k)
                .iter()
                .map(|m| Cause::invalid(fld_path, &Value::from(k), m)),
        );
        errs.extend(
            is_valid_label_value(v)
                .iter()
                .map(|m| Cause::invalid(fld_path, &Value::from(v), m)),
        );
    }
    errs
}

/// `ValidateAnnotations(annotations, fldPath)`: keys checked as qualified names
/// after lower-casing (the error shows the original key), then one
/// `Too long: may not be more than 262144 bytes` when the summed
/// `len(key) + len(value)` exceeds [`TOTAL_ANNOTATION_SIZE_LIMIT_B`].
pub fn validate_annotations<'a>(
    annotations: impl IntoIterator<Item = (&'a str, &'a str)>,
    fld_path: &str,
) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut total = 0usize;
    for (k, v) in annotations {
        errs.extend(
            is_qualified_name(&go_to_lower(k))
                .iter()
                .map(|m| Cause::invalid(fld_path, &Value::from(k), m)),
        );
        total = total.saturating_add(k.len()).saturating_add(v.len());
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B {
        errs.push(Cause::too_long(fld_path, TOTAL_ANNOTATION_SIZE_LIMIT_B));
    }
    errs
}

/// The name part of `ValidateObjectMetaAccessor` (the path used by core kinds
/// on create): `metadata.generateName` checked with `name_fn(generateName,
/// true)` when set, then `metadata.name` — `Required value: name or
/// generateName is required` when empty, else `name_fn(name, false)`. The
/// caller generates the name (see [`generate_name`]) before validating.
pub fn validate_object_meta_name(
    name: &str,
    generate_name: &str,
    name_fn: impl Fn(&str, bool) -> Vec<String>,
) -> Vec<Cause> {
    let mut errs = Vec::new();
    if !generate_name.is_empty() {
        errs.extend(
            name_fn(generate_name, true)
                .iter()
                .map(|m| Cause::invalid("metadata.generateName", &Value::from(generate_name), m)),
        );
    }
    if name.is_empty() {
        errs.push(Cause::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        errs.extend(
            name_fn(name, false)
                .iter()
                .map(|m| Cause::invalid("metadata.name", &Value::from(name), m)),
        );
    }
    errs
}

/// Go's `strings.ToLower` (per-rune simple lower-case mapping).
fn go_to_lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    const KEY_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    // util/validation/validation.go: IsDNS1123Subdomain, IsDNS1123Label,
    // IsDNS1035Label (MaxLenError "must be no more than %d characters").
    #[test]
    fn dns_table() {
        let sub253 = format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(61)
        );
        let sub254 = format!("{sub253}e");
        let upper254 = "A".repeat(254);
        let cases: Vec<(&str, String, Vec<String>)> = vec![
            ("sub", "foo".into(), vec![]),
            ("sub", "foo.bar-baz.1".into(), vec![]),
            ("sub", "a".repeat(64), vec![]),
            ("sub", sub253.clone(), vec![]),
            (
                "sub",
                sub254.clone(),
                strs(&["must be no more than 253 characters"]),
            ),
            (
                "sub",
                upper254.clone(),
                vec![
                    "must be no more than 253 characters".into(),
                    SUBDOMAIN_MSG.into(),
                ],
            ),
            ("sub", "".into(), strs(&[SUBDOMAIN_MSG])),
            ("sub", "Foo_bar".into(), strs(&[SUBDOMAIN_MSG])),
            ("sub", "foo.".into(), strs(&[SUBDOMAIN_MSG])),
            ("sub", ".foo".into(), strs(&[SUBDOMAIN_MSG])),
            ("sub", "foo..bar".into(), strs(&[SUBDOMAIN_MSG])),
            ("sub", "foo-.bar".into(), strs(&[SUBDOMAIN_MSG])),
            ("sub", "foo\n".into(), strs(&[SUBDOMAIN_MSG])),
            ("label", "foo-1".into(), vec![]),
            ("label", "a".repeat(63), vec![]),
            (
                "label",
                "a".repeat(64),
                strs(&["must be no more than 63 characters"]),
            ),
            ("label", "foo.bar".into(), strs(&["must not contain dots"])),
            (
                "label",
                format!("{}.b", "a".repeat(63)),
                vec![
                    "must be no more than 63 characters".into(),
                    "must not contain dots".into(),
                ],
            ),
            ("label", "Foo".into(), strs(&[LABEL_MSG])),
            ("label", "".into(), strs(&[LABEL_MSG])),
            ("label", "-a".into(), strs(&[LABEL_MSG])),
            ("1035", "my-svc".into(), vec![]),
            ("1035", "1abc".into(), strs(&[DNS1035_MSG])),
            (
                "1035",
                "a".repeat(64),
                strs(&["must be no more than 63 characters"]),
            ),
        ];
        for (i, (which, input, want)) in cases.iter().enumerate() {
            println!("#{i}: {which} {input:?}");
            let got = match *which {
                "sub" => is_dns1123_subdomain(input),
                "label" => is_dns1123_label(input),
                _ => is_dns1035_label(input),
            };
            assert_eq!(&got, want, "#{i}: {which} {input:?}");
        }
    }

    // api/validate/content/kube.go IsLabelKey / IsLabelValue, dns.go prefix check,
    // errors.go MaxLenError "must be no more than %d bytes", EmptyError.
    #[test]
    fn qualified_name_table() {
        let cases: Vec<(String, Vec<String>)> = vec![
            ("simple".into(), vec![]),
            ("Uppercase_Is_OK_123".into(), vec![]),
            ("example.com/Uppercase_Is_OK_123".into(), vec![]),
            ("k".repeat(63), vec![]),
            (format!("{}/{}", "a".repeat(253), "b".repeat(63)), vec![]),
            (
                "k".repeat(64),
                strs(&["name part must be no more than 63 bytes"]),
            ),
            (
                "é".repeat(32),
                vec![
                    "name part must be no more than 63 bytes".into(),
                    KEY_NAME_MSG.into(),
                ],
            ),
            ("nospecialchars%^=@".into(), strs(&[KEY_NAME_MSG])),
            ("-cantstartwithadash".into(), strs(&[KEY_NAME_MSG])),
            (
                "".into(),
                vec!["name part must be non-empty".into(), KEY_NAME_MSG.into()],
            ),
            (
                "example.com/".into(),
                vec!["name part must be non-empty".into(), KEY_NAME_MSG.into()],
            ),
            ("/simple".into(), strs(&["prefix part must be non-empty"])),
            (
                "Example.com/abc".into(),
                vec![format!("prefix part {SUBDOMAIN_MSG}")],
            ),
            (
                format!("{}/abc", "a".repeat(254)),
                strs(&["prefix part must be no more than 253 bytes"]),
            ),
            (
                "only/one/slash".into(),
                strs(&[
                    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                ]),
            ),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            assert_eq!(&is_qualified_name(input), want, "#{i}: {input:?}");
        }
    }

    #[test]
    fn label_value_table() {
        let cases: Vec<(String, Vec<String>)> = vec![
            ("".into(), vec![]),
            ("simple".into(), vec![]),
            ("1234".into(), vec![]),
            ("a".repeat(63), vec![]),
            ("a".repeat(64), strs(&["must be no more than 63 bytes"])),
            ("-starts-with-dash".into(), strs(&[VALUE_MSG])),
            ("ends.with.dot.".into(), strs(&[VALUE_MSG])),
            ("Tama-nui-te-rā".into(), strs(&[VALUE_MSG])),
            (
                format!("-{}", "a".repeat(63)),
                vec!["must be no more than 63 bytes".into(), VALUE_MSG.into()],
            ),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            assert_eq!(&is_valid_label_value(input), want, "#{i}: {input:?}");
        }
    }

    // api/validation/path/name.go ValidatePathSegmentName.
    #[test]
    fn path_segment_table() {
        let cases: &[(&str, bool, &[&str])] = &[
            ("foo", false, &[]),
            (".", false, &["may not be '.'"]),
            ("..", false, &["may not be '..'"]),
            (".", true, &[]),
            ("...", false, &[]),
            ("a/b", false, &["may not contain '/'"]),
            ("a%b", false, &["may not contain '%'"]),
            (
                "a/%b",
                false,
                &["may not contain '/'", "may not contain '%'"],
            ),
            (
                "a/%b",
                true,
                &["may not contain '/'", "may not contain '%'"],
            ),
        ];
        for (i, (input, prefix, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?} prefix={prefix}");
            assert_eq!(
                validate_path_segment_name(input, *prefix),
                strs(want),
                "#{i}: {input:?}"
            );
        }
        assert_eq!(
            invalid_path_segment_message("a/%b", &validate_path_segment_name("a/%b", false)),
            "Name parameter invalid: \"a/%b\": may not contain '/';may not contain '%'"
        );
    }

    // api/validation/generic.go NameIsDNSSubdomain/NameIsDNSLabel/NameIsDNS1035Label
    // with maskTrailingDash (name[:len(name)-2] + "a").
    #[test]
    fn name_fn_table() {
        let cases: Vec<(&str, String, bool, Vec<String>)> = vec![
            ("sub", "foo-".into(), true, vec![]),
            ("sub", "foo-".into(), false, strs(&[SUBDOMAIN_MSG])),
            ("sub", "Foo_".into(), true, strs(&[SUBDOMAIN_MSG])),
            ("sub", "a-".into(), true, vec![]),
            ("sub", "-".into(), true, vec![]),
            ("sub", "foo.-".into(), true, vec![]),
            ("sub", "-.-".into(), true, strs(&[SUBDOMAIN_MSG])),
            ("sub", format!("{}-", "a".repeat(253)), true, vec![]),
            (
                "sub",
                format!("{}-", "a".repeat(254)),
                true,
                strs(&["must be no more than 253 characters"]),
            ),
            (
                "sub",
                "a".repeat(254),
                true,
                strs(&["must be no more than 253 characters"]),
            ),
            ("label", "ns-".into(), true, vec![]),
            (
                "label",
                "a.b-".into(),
                true,
                strs(&["must not contain dots"]),
            ),
            ("label", "ns-".into(), false, strs(&[LABEL_MSG])),
            ("1035", "svc-".into(), true, vec![]),
            ("1035", "1svc-".into(), true, strs(&[DNS1035_MSG])),
        ];
        for (i, (which, input, prefix, want)) in cases.iter().enumerate() {
            println!("#{i}: {which} {input:?} prefix={prefix}");
            let got = match *which {
                "sub" => name_is_dns_subdomain(input, *prefix),
                "label" => name_is_dns_label(input, *prefix),
                _ => name_is_dns1035_label(input, *prefix),
            };
            assert_eq!(&got, want, "#{i}: {which} {input:?}");
        }
    }

    // storage/names/generate.go + util/rand/rand.go.
    #[test]
    fn generate_name_table() {
        let long = "x".repeat(70);
        let multibyte = format!("{}é", "x".repeat(57));
        let cases: Vec<(&str, String)> = vec![
            ("web-", "web-bcdfg".into()),
            ("", "bcdfg".into()),
            (long.as_str(), format!("{}bcdfg", "x".repeat(58))),
            (multibyte.as_str(), format!("{}bcdfg", "x".repeat(57))),
        ];
        for (i, (base, want)) in cases.iter().enumerate() {
            println!("#{i}: {base:?}");
            let mut next = 0;
            let got = generate_name(base, |n| {
                assert_eq!(n, 27);
                next += 1;
                next - 1
            });
            assert_eq!(&got, want, "#{i}: {base:?}");
        }
        assert_eq!(generate_name_suffix(|n| n - 1), "99999");
        assert_eq!(MAX_GENERATED_NAME_LENGTH, 58);
    }

    // meta/v1/validation ValidateLabels, api/validation/objectmeta.go
    // ValidateAnnotations (TooLong "may not be more than 262144 bytes").
    #[test]
    fn labels_and_annotations_table() {
        let big = "v".repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B);
        type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<String>);
        let cases: Vec<Case> = vec![
            ("labels", vec![("app", "web"), ("tier", "")], vec![]),
            (
                "labels",
                vec![("a b", "c@d")],
                vec![
                    format!("metadata.labels: Invalid value: \"a b\": {KEY_NAME_MSG}"),
                    format!("metadata.labels: Invalid value: \"c@d\": {VALUE_MSG}"),
                ],
            ),
            (
                "annotations",
                vec![("Example.COM/Key", "anything goes")],
                vec![],
            ),
            (
                "annotations",
                vec![("Ex_ample.com/k", "v")],
                vec![format!(
                    "metadata.annotations: Invalid value: \"Ex_ample.com/k\": prefix part {SUBDOMAIN_MSG}"
                )],
            ),
            (
                "annotations",
                vec![("k", &big[..TOTAL_ANNOTATION_SIZE_LIMIT_B - 1])],
                vec![],
            ),
            (
                "annotations",
                vec![("k", big.as_str())],
                strs(&["metadata.annotations: Too long: may not be more than 262144 bytes"]),
            ),
        ];
        for (i, (which, pairs, want)) in cases.iter().enumerate() {
            println!(
                "#{i}: {which} {:?}",
                pairs.iter().map(|(k, _)| *k).collect::<Vec<_>>()
            );
            let got = if *which == "labels" {
                validate_labels(pairs.iter().copied(), "metadata.labels")
            } else {
                validate_annotations(pairs.iter().copied(), "metadata.annotations")
            };
            let got: Vec<String> = got.iter().map(Cause::full).collect();
            assert_eq!(&got, want, "#{i}: {which}");
        }
    }

    // api/validation/objectmeta.go ValidateObjectMetaAccessor +
    // api/errors/errors.go NewInvalid message.
    #[test]
    fn object_meta_and_invalid_message_table() {
        let cases: Vec<(&str, &str, &str, &str, &str, &str)> = vec![
            (
                "",
                "ConfigMap",
                "Foo_bar",
                "",
                "FieldValueInvalid",
                "ConfigMap \"Foo_bar\" is invalid: metadata.name: Invalid value: \"Foo_bar\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            ),
            (
                "",
                "ConfigMap",
                "",
                "",
                "FieldValueRequired",
                "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required",
            ),
            (
                "apps",
                "Deployment",
                "Web",
                "",
                "FieldValueInvalid",
                "Deployment.apps \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            ),
            (
                "",
                "ConfigMap",
                "Foo_bcdfg",
                "Foo_",
                "FieldValueInvalid",
                "ConfigMap \"Foo_bcdfg\" is invalid: [metadata.generateName: Invalid value: \"Foo_\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), metadata.name: Invalid value: \"Foo_bcdfg\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')]",
            ),
        ];
        for (i, (group, kind, name, gen_name, reason, want)) in cases.iter().enumerate() {
            println!("#{i}: {kind} {name:?} generateName={gen_name:?}");
            let errs = validate_object_meta_name(name, gen_name, name_is_dns_subdomain);
            assert_eq!(errs[0].reason, *reason, "#{i}");
            let e = crate::error::ApiError::Invalid {
                group: group.to_string(),
                kind: kind.to_string(),
                name: name.to_string(),
                causes: errs,
            };
            assert_eq!(e.to_string(), *want, "#{i}");
        }
        let cause = &validate_object_meta_name("Foo_bar", "", name_is_dns_subdomain)[0];
        assert_eq!(cause.field, "metadata.name");
        assert_eq!(
            cause.message,
            format!("Invalid value: \"Foo_bar\": {SUBDOMAIN_MSG}")
        );
    }

    #[test]
    fn go_to_lower_table() {
        let cases: &[(&str, &str)] = &[("ABC", "abc"), ("İ", "i"), ("ΑΣ", "ασ"), ("é", "é")];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            assert_eq!(go_to_lower(input), *want, "#{i}");
        }
    }
}
