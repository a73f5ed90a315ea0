//! Kubernetes field selectors, parsed and matched exactly as
//! `k8s.io/apimachinery/pkg/fields` does (`fields.ParseSelector`,
//! `Selector.Matches`, `Selector.Transform`).
//!
//! Ground truth (kubernetes/kubernetes):
//! - `staging/src/k8s.io/apimachinery/pkg/fields/selector.go` — `splitTerms`
//!   (backslash-escaped commas are data), `splitTerm` (first of `!=`, `==`, `=`
//!   at the earliest position), `UnescapeValue` (`\\`, `\,`, `\=`), the
//!   sorting of raw terms, `hasTerm`/`notHasTerm`/`andTerm` and their
//!   `Transform` (a term whose field and value both become empty is dropped).
//! - `staging/src/k8s.io/apimachinery/pkg/fields/fields.go` — `Set.Get` returns
//!   `""` for a missing field, so a missing field compares as the empty string.
//! - `staging/src/k8s.io/apimachinery/pkg/runtime/` —
//!   `DefaultMetaV1FieldSelectorConversion` (kinds without a registered
//!   conversion func) and `pkg/apis/core/v1/conversion.go` (the per-kind funcs
//!   that answer `field label not supported: %s`).
//! - `staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/conversion/converter.go`
//!   — `crConverter.ConvertFieldLabel` (`field label not supported: %s` for custom
//!   resources, after `metadata.name`, `metadata.namespace` (namespaced only) and
//!   the CRD's `selectableFields`).
//!
//! # Statuses
//!
//! Both a syntax error and an unsupported field become HTTP 400 BadRequest with
//! the error text as `message` and no `details`
//! (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/get.go`,
//! `ListResource`): the syntax error comes out of
//! `ParameterCodec.DecodeParameters` (`metav1.Convert_string_To_fields_Selector`
//! is `fields.ParseSelector(*in)`, unwrapped) and is wrapped as
//! `errors.NewBadRequest(err.Error())`; the unsupported field comes out of
//! `opts.FieldSelector.Transform(scope.Convertor.ConvertFieldLabel)` and is also
//! wrapped as `errors.NewBadRequest(err.Error())`
//! (no field causes are attached).
//!
//! ```json
//! {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
//!  "message":"invalid selector: 'a'; can't understand 'a'","reason":"BadRequest","code":400}
//! {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
//!  "message":"field label not supported: spec.foo","reason":"BadRequest","code":400}
//! ```
//!
//! When the request also names a single object (watch on `.../pods/NAME`), a
//! non-empty field selector must require `metadata.name=NAME`, otherwise
//! `errors.NewBadRequest("fieldSelector metadata.name doesn't match requested name")`.

/// The operator of a field requirement (`selection.Equals` for both `=` and
/// `==`, `selection.NotEquals` for `!=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOperator {
    /// `field=value` or `field==value`
    Equals,
    /// `field!=value`
    NotEquals,
}

/// One term of a field selector (`fields.Requirement`), value unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRequirement {
    /// The field path, e.g. `metadata.name` (never escaped or trimmed).
    pub field: String,
    /// `=`/`==` or `!=`.
    pub op: FieldOperator,
    /// The unescaped value.
    pub value: String,
}

/// A parsed field selector: the AND of its requirements, in kube's order
/// (terms sorted by their raw text before parsing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    #[cfg(test)]
    /// The requirements, in kube's evaluation order.
    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.requirements
    }

    /// True when nothing is restricted (`Selector.Empty()`).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// `Selector.Matches`: `get(field)` returns the object's value for a field
    /// path; `None` compares as `""`, like `fields.Set.Get`.
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.requirements.iter().all(|r| {
            let actual = get(&r.field).unwrap_or_default();
            match r.op {
                FieldOperator::Equals => actual == r.value,
                FieldOperator::NotEquals => actual != r.value,
            }
        })
    }

    /// `Selector.RequiresExactMatch(field)`: the value of the first `=`/`==`
    /// term on `field`.
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.op == FieldOperator::Equals && r.field == field)
            .map(|r| r.value.as_str())
    }

    /// `Selector.Transform(fn)`: maps every term through `f(field, value)` in
    /// order, stops at the first error (its text becomes the 400 message), and
    /// drops terms whose new field and value are both empty.
    pub fn transform(
        &self,
        mut f: impl FnMut(&str, &str) -> Result<(String, String), String>,
    ) -> Result<FieldSelector, String> {
        let mut requirements = Vec::with_capacity(self.requirements.len());
        for r in &self.requirements {
            let (field, value) = f(&r.field, &r.value)?;
            if field.is_empty() && value.is_empty() {
                continue;
            }
            requirements.push(FieldRequirement {
                field,
                op: r.op,
                value,
            });
        }
        Ok(FieldSelector { requirements })
    }
}

/// `fields.ParseSelector(s)`: the `Err` is exactly kube's `err.Error()`.
pub fn parse(selector: &str) -> Result<FieldSelector, String> {
    let mut parts = split_terms(selector);
    parts.sort_unstable();
    let mut requirements = Vec::new();
    for part in parts {
        if part.is_empty() {
            continue;
        }
        let Some((lhs, op, rhs)) = split_term(part) else {
            return Err(format!(
                "invalid selector: '{selector}'; can't understand '{part}'"
            ));
        };
        let value = unescape_value(rhs)?;
        // ParseSelector applies the identity Transform, which already drops
        // terms whose field and value are both empty (e.g. "=").
        if lhs.is_empty() && value.is_empty() {
            continue;
        }
        requirements.push(FieldRequirement {
            field: lhs.to_owned(),
            op,
            value,
        });
    }
    Ok(FieldSelector { requirements })
}

/// `splitTerms`: split on unescaped commas, keeping escapes in the terms.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::with_capacity(1);
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// `splitTerm`: the first operator occurrence, trying `!=`, `==`, `=` at each
/// character position.
fn split_term(term: &str) -> Option<(&str, FieldOperator, &str)> {
    const OPERATORS: [(&str, FieldOperator); 3] = [
        ("!=", FieldOperator::NotEquals),
        ("==", FieldOperator::Equals),
        ("=", FieldOperator::Equals),
    ];
    term.char_indices().find_map(|(i, _)| {
        let remaining = &term[i..];
        OPERATORS
            .iter()
            .find(|(op, _)| remaining.starts_with(op))
            .map(|(op, kind)| (&term[..i], *kind, &term[i + op.len()..]))
    })
}

/// `UnescapeValue`.
fn unescape_value(s: &str) -> Result<String, String> {
    if !s.contains(['\\', ',', '=']) {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            match c {
                '\\' | ',' | '=' => out.push(c),
                _ => {
                    return Err(format!(
                        "invalid field selector: invalid escape sequence: \\{c}"
                    ));
                }
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            // UnescapedRune prints the rune with %v, i.e. its decimal code point.
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                ));
            }
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn render(sel: &FieldSelector) -> String {
        sel.requirements()
            .iter()
            .map(|r| {
                let op = match r.op {
                    FieldOperator::Equals => "=",
                    FieldOperator::NotEquals => "!=",
                };
                format!("{}{op}{}", r.field, r.value)
            })
            .collect::<Vec<_>>()
            .join(" ; ")
    }

    // Successful parses per staging/src/k8s.io/apimachinery/pkg/fields/selector.go
    // (splitTerms, sort.StringSlice(parts).Sort(), splitTerm, UnescapeValue,
    // identity Transform dropping empty field+value terms).
    #[test]
    fn parse_ok_table() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            (",", ""),
            (",,", ""),
            ("=", ""),
            ("a=b", "a=b"),
            ("a==b", "a=b"),
            ("a!=b", "a!=b"),
            ("a=", "a="),
            ("=b", "=b"),
            ("!=", ""),
            ("a=b,c=d", "a=b ; c=d"),
            ("c=d,a=b", "a=b ; c=d"),
            ("a=b,", "a=b"),
            ("a = b", "a = b"),
            (" a=b", " a=b"),
            ("x!y=z", "x!y=z"),
            ("a=b\\,c", "a=b,c"),
            ("a=b\\=c", "a=b=c"),
            ("a=b\\\\c", "a=b\\c"),
            ("a=\\\\,b=c", "a=\\ ; b=c"),
            (
                "metadata.name=foo,status.phase!=Running",
                "metadata.name=foo ; status.phase!=Running",
            ),
            ("a\\,b=c", "a\\,b=c"),
            ("a=日本", "a=日本"),
            ("a=b,=,c=d", "a=b ; c=d"),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            let got =
                parse(input).unwrap_or_else(|e| panic!("#{i}: {input:?}: unexpected error {e}"));
            assert_eq!(render(&got), *want, "#{i}: {input:?}");
            assert_eq!(got.is_empty(), want.is_empty(), "#{i}: {input:?}");
        }
    }

    // Error texts from staging/src/k8s.io/apimachinery/pkg/fields/selector.go:
    // parseSelector ("invalid selector: '%s'; can't understand '%s'"),
    // InvalidEscapeSequence ("invalid field selector: invalid escape sequence: %s"),
    // UnescapedRune ("invalid field selector: unescaped character in value: %v").
    #[test]
    fn parse_err_table() {
        let cases: &[(&str, &str)] = &[
            ("a", "invalid selector: 'a'; can't understand 'a'"),
            ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
            ("z,a", "invalid selector: 'z,a'; can't understand 'a'"),
            ("a!b", "invalid selector: 'a!b'; can't understand 'a!b'"),
            ("a<b", "invalid selector: 'a<b'; can't understand 'a<b'"),
            (
                "a in (b)",
                "invalid selector: 'a in (b)'; can't understand 'a in (b)'",
            ),
            (
                "a=b=c",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a===b",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a!==b",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a=!=b",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a=b\\,c=d",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a!=b=",
                "invalid field selector: unescaped character in value: 61",
            ),
            (
                "a=b\\",
                "invalid field selector: invalid escape sequence: \\",
            ),
            (
                "a=b\\n",
                "invalid field selector: invalid escape sequence: \\n",
            ),
            (
                "a=\\日",
                "invalid field selector: invalid escape sequence: \\日",
            ),
            (
                "z=\\x,a",
                "invalid selector: 'z=\\x,a'; can't understand 'a'",
            ),
            (
                "a=\\x,z",
                "invalid field selector: invalid escape sequence: \\x",
            ),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            let got = parse(input).expect_err(&format!("#{i}: {input:?} should fail"));
            assert_eq!(got, *want, "#{i}: {input:?}");
        }
    }

    // hasTerm.Matches / notHasTerm.Matches with fields.Set.Get ("" when missing).
    #[test]
    fn matches_table() {
        type Case = (&'static str, &'static [(&'static str, &'static str)], bool);
        let cases: &[Case] = &[
            ("", &[], true),
            ("a=b", &[("a", "b")], true),
            ("a=b", &[("a", "c")], false),
            ("a=b", &[], false),
            ("a=", &[], true),
            ("a==", &[("a", "")], true),
            ("a!=", &[], false),
            ("a!=b", &[], true),
            ("a!=b", &[("a", "b")], false),
            ("a=b,c!=d", &[("a", "b"), ("c", "e")], true),
            ("a=b,c!=d", &[("a", "b"), ("c", "d")], false),
            ("a=x\\,y", &[("a", "x,y")], true),
        ];
        for (i, (sel, fields, want)) in cases.iter().enumerate() {
            println!("#{i}: {sel:?} {fields:?}");
            let map: BTreeMap<&str, &str> = fields.iter().copied().collect();
            let s = parse(sel).expect("valid selector");
            assert_eq!(
                s.matches(|f| map.get(f).map(|v| (*v).to_owned())),
                *want,
                "#{i}: {sel:?}"
            );
        }
    }

    // Selector.Transform: renames, stops at the first error, drops emptied terms.
    #[test]
    fn transform_table() {
        let rename = |f: &str, v: &str| match f {
            "spec.host" => Ok(("spec.nodeName".to_owned(), v.to_owned())),
            f if f.ends_with(".bad") => Err(format!("field label not supported: {f}")),
            f => Ok((f.to_owned(), v.to_owned())),
        };
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("spec.host=n1", Ok("spec.nodeName=n1")),
            ("z.bad=1,a.bad=2", Err("field label not supported: a.bad")),
            ("metadata.name=x", Ok("metadata.name=x")),
        ];
        for (i, (sel, want)) in cases.iter().enumerate() {
            println!("#{i}: {sel:?}");
            let got = parse(sel)
                .expect("valid selector")
                .transform(rename)
                .map(|s| render(&s));
            assert_eq!(
                got.as_deref(),
                want.map_err(|e| e.to_owned()).as_deref(),
                "#{i}: {sel:?}"
            );
        }
        let dropped = parse("a=b")
            .expect("valid selector")
            .transform(|_, _| Ok((String::new(), String::new())))
            .expect("no error");
        assert!(dropped.is_empty());
    }

    #[test]
    fn requires_exact_match_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("metadata.name=foo", "metadata.name", Some("foo")),
            ("metadata.name==foo", "metadata.name", Some("foo")),
            ("metadata.name!=foo", "metadata.name", None),
            ("a=b", "metadata.name", None),
            ("", "metadata.name", None),
        ];
        for (i, (sel, field, want)) in cases.iter().enumerate() {
            println!("#{i}: {sel:?} {field}");
            assert_eq!(
                parse(sel).expect("valid").requires_exact_match(field),
                *want,
                "#{i}"
            );
        }
    }
}
