//! Kubernetes label selectors, parsed and matched exactly as
//! `k8s.io/apimachinery/pkg/labels` does (`labels.Parse`, `Selector.Matches`).
//!
//! Ground truth (kubernetes/kubernetes, v1.35/v1.36 era):
//! - `staging/src/k8s.io/apimachinery/pkg/labels/selector.go` — lexer, parser,
//!   `NewRequirement`, `Requirement.Matches`, every parse error text.
//! - `staging/src/k8s.io/apimachinery/pkg/api/validate/content/kube.go` —
//!   `IsLabelKey` / `IsLabelValue` (what `validateLabelKey` / `validateLabelValue`
//!   call; `util/validation.IsQualifiedName` and `IsValidLabelValue` are now
//!   aliases of these).
//! - `staging/src/k8s.io/apimachinery/pkg/api/validate/content/dns.go` and
//!   `errors.go` — the prefix-part subdomain check, `MaxLenError`
//!   (`"must be no more than %d bytes"`), `RegexError`, `EmptyError`.
//! - `staging/src/k8s.io/apimachinery/pkg/util/validation/field/{errors,path}.go`
//!   — `field.Error.Error()` (`"<field>: Invalid value: %q: <detail>"`), a nil
//!   `*field.Path` printing as `<nil>`, `ErrorList.ToAggregate()`.
//! - `staging/src/k8s.io/apimachinery/pkg/util/errors/errors.go` —
//!   `aggregate.Error()`: one error prints as itself, several (deduplicated) as
//!   `[e1, e2]`.
//!
//! # How a bad `labelSelector` query parameter becomes a Status
//!
//! `GET /api/v1/pods?labelSelector=a%20in%20(b` is decoded by
//! `metainternalversion.ParameterCodec.DecodeParameters` into
//! `metainternalversion.ListOptions`; the string→selector step is
//! `metav1.Convert_string_To_labels_Selector`
//! (`staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/conversion.go`), which is
//! just `labels.Parse(*in)` and returns the error unwrapped. `ListResource`
//! (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/get.go`) then does
//! `err = errors.NewBadRequest(err.Error())`. There is **no wrapper text** on the
//! server side (the `Unable to find "pods" that match label selector ...`
//! prefix users see is added by kubectl, client side), so the Status is:
//!
//! ```json
//! {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
//!  "message":"unable to parse requirement: found '', expected: ',' or ')'",
//!  "reason":"BadRequest","code":400}
//! ```
//!
//! i.e. HTTP 400, `reason: "BadRequest"`, `message` = the `Err` string of
//! [`parse`] verbatim, no `details`.
//!
//! # Behaviour notes
//! - Consecutive commas in a value set (`x in (a,,)`) follow the fixed parser
//!   (kubernetes PR #133419, merged 2025): the second comma is *not* consumed,
//!   so `x in (,,)` parses to `{""}` instead of failing.
//! - A NUL byte in the input behaves like end-of-input inside the lexer, just as
//!   Go's `Lexer.read` returning `0` does.
//! - The only approximation is Go's `%q` quoting of non-ASCII, non-printable
//!   characters inside error messages (see `go_quote`); ASCII is exact.

/// A selection operator, with the spelling of `k8s.io/apimachinery/pkg/selection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `!key`
    DoesNotExist,
    /// `key=value`
    Equals,
    /// `key==value`
    DoubleEquals,
    /// `key in (a,b)`
    In,
    /// `key!=value`
    NotEquals,
    /// `key notin (a,b)`
    NotIn,
    /// `key`
    Exists,
    /// `key>1`
    GreaterThan,
    /// `key<1`
    LessThan,
}

impl Operator {
    #[cfg(test)]
    /// The `selection.Operator` string value (`"!"`, `"="`, `"=="`, `"in"`,
    /// `"!="`, `"notin"`, `"exists"`, `"gt"`, `"lt"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::DoesNotExist => "!",
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::In => "in",
            Operator::NotEquals => "!=",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }
}

/// One requirement of a selector (`labels.Requirement`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    /// Sorted and de-duplicated, as `sets.String.List()` hands them to
    /// `NewRequirement`.
    values: Vec<String>,
}

impl Requirement {
    #[cfg(test)]
    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    #[cfg(test)]
    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    #[cfg(test)]
    /// The values, sorted and de-duplicated (empty for `Exists`/`DoesNotExist`).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    fn has_value(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    /// `Requirement.Matches`.
    fn matches<'v>(&self, get: &impl Fn(&str) -> Option<&'v str>) -> bool {
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                get(&self.key).is_some_and(|v| self.has_value(v))
            }
            Operator::NotIn | Operator::NotEquals => {
                get(&self.key).is_none_or(|v| !self.has_value(v))
            }
            Operator::Exists => get(&self.key).is_some(),
            Operator::DoesNotExist => get(&self.key).is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(label) = get(&self.key) else {
                    return false;
                };
                // strconv.ParseInt(s, 10, 64) accepts exactly what i64::from_str does.
                let Ok(label) = label.parse::<i64>() else {
                    return false;
                };
                let [value] = self.values.as_slice() else {
                    return false;
                };
                let Ok(value) = value.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    label > value
                } else {
                    label < value
                }
            }
        }
    }
}

/// A parsed label selector: the AND of its requirements, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// True when the selector does not restrict anything (`Selector.Empty()`),
    /// e.g. for `""` or `"  "`.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    #[cfg(test)]
    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// `Selector.Matches`: `get(key)` returns the object's value for a label, or
    /// `None` when the object has no such label.
    pub fn matches<'v>(&self, get: impl Fn(&str) -> Option<&'v str>) -> bool {
        self.requirements.iter().all(|r| r.matches(&get))
    }
}

/// `labels.Parse(s)`: the `Err` is exactly kube's `err.Error()`.
pub fn parse(s: &str) -> Result<LabelSelector, String> {
    let mut parser = Parser {
        items: Lexer {
            s: s.as_bytes(),
            pos: 0,
        }
        .scan_all(),
        position: 0,
    };
    let mut requirements = parser.parse()?;
    // sort.Sort(ByKey(items)); Go's sort is not stable, but requirements with
    // equal keys are ANDed, so their relative order cannot change a match.
    requirements.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(LabelSelector { requirements })
}

// ---------------------------------------------------------------------------
// Lexer (selector.go: Lexer, scanIDOrKeyword, scanSpecialSymbol, Lex)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

/// `string2token`.
fn string_to_token(s: &[u8]) -> Option<Token> {
    Some(match s {
        b")" => Token::ClosedPar,
        b"," => Token::Comma,
        b"!" => Token::DoesNotExist,
        b"==" => Token::DoubleEquals,
        b"=" => Token::Equals,
        b">" => Token::GreaterThan,
        b"in" => Token::In,
        b"<" => Token::LessThan,
        b"!=" => Token::NotEquals,
        b"notin" => Token::NotIn,
        b"(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(ch: u8) -> bool {
    matches!(ch, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special_symbol(ch: u8) -> bool {
    matches!(ch, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn lossless(bytes: &[u8]) -> String {
    // Buffers are cut only at ASCII bytes of a &str, so they are valid UTF-8.
    String::from_utf8_lossy(bytes).into_owned()
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    /// Returns 0 at the end of input (and for a NUL byte, like Go).
    fn read(&mut self) -> u8 {
        match self.s.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => 0,
        }
    }

    /// Only ever called right after a `read` that returned a non-zero byte.
    fn unread(&mut self) {
        self.pos -= 1;
    }

    fn scan_id_or_keyword(&mut self) -> (Token, String) {
        let mut buffer = Vec::new();
        loop {
            let ch = self.read();
            if ch == 0 {
                break;
            }
            if is_special_symbol(ch) || is_whitespace(ch) {
                self.unread();
                break;
            }
            buffer.push(ch);
        }
        match string_to_token(&buffer) {
            Some(tok) => (tok, lossless(&buffer)),
            None => (Token::Identifier, lossless(&buffer)),
        }
    }

    fn scan_special_symbol(&mut self) -> (Token, String) {
        let mut last: Option<(Token, usize)> = None;
        let mut buffer = Vec::new();
        loop {
            let ch = self.read();
            if ch == 0 {
                break;
            }
            if !is_special_symbol(ch) {
                self.unread();
                break;
            }
            buffer.push(ch);
            if let Some(tok) = string_to_token(&buffer) {
                last = Some((tok, buffer.len()));
            } else if last.is_some() {
                self.unread();
                break;
            }
        }
        match last {
            Some((tok, len)) => (tok, lossless(&buffer[..len])),
            // Unreachable in practice (every single special symbol is a token),
            // kept to mirror selector.go.
            None => (
                Token::Error,
                format!("error expected: keyword found '{}'", lossless(&buffer)),
            ),
        }
    }

    fn skip_white_spaces(&mut self, mut ch: u8) -> u8 {
        while is_whitespace(ch) {
            ch = self.read();
        }
        ch
    }

    fn lex(&mut self) -> (Token, String) {
        let first = self.read();
        let ch = self.skip_white_spaces(first);
        if ch == 0 {
            return (Token::EndOfString, String::new());
        }
        self.unread();
        if is_special_symbol(ch) {
            self.scan_special_symbol()
        } else {
            self.scan_id_or_keyword()
        }
    }

    /// `Parser.scan`: every token up to and including EndOfString.
    fn scan_all(mut self) -> Vec<(Token, String)> {
        let mut items = Vec::new();
        loop {
            let item = self.lex();
            let done = item.0 == Token::EndOfString;
            items.push(item);
            if done {
                return items;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Parser (selector.go: Parser.parse, parseRequirement, ...)
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

/// The operators listed after "expected:" (`binaryOperators`, joined by ", ").
const BINARY_OPERATORS: &str = "in, notin, =, ==, !=, gt, lt";

impl Parser {
    fn lookahead(&self, ctx: Context) -> (Token, String) {
        let (tok, lit) = &self.items[self.position];
        (Self::in_context(*tok, ctx), lit.clone())
    }

    fn consume(&mut self, ctx: Context) -> (Token, String) {
        let (tok, lit) = &self.items[self.position];
        let out = (Self::in_context(*tok, ctx), lit.clone());
        // The parser never consumes past EndOfString: every path stops there.
        self.position = (self.position + 1).min(self.items.len() - 1);
        out
    }

    fn in_context(tok: Token, ctx: Context) -> Token {
        match (ctx, tok) {
            (Context::Values, Token::In | Token::NotIn) => Token::Identifier,
            _ => tok,
        }
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, operator) = self.parse_key_and_infer_operator()?;
        if let Some(op @ (Operator::Exists | Operator::DoesNotExist)) = operator {
            return new_requirement(key, op, Vec::new());
        }
        let operator = self.parse_operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        new_requirement(key, operator, values)
    }

    /// Returns the key and `Some(Exists | DoesNotExist)` when the operator is
    /// already known, `None` when a binary operator must follow.
    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut operator = None;
        let (mut tok, mut literal) = self.consume(Context::Values);
        if tok == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (tok, literal) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{literal}', expected: identifier"));
        }
        let errs = crate::names::is_qualified_name(&literal);
        if !errs.is_empty() {
            // validateLabelKey(literal, p.path) with a nil path.
            return Err(invalid_error("<nil>", &literal, &errs.join("; ")));
        }
        let (t, _) = self.lookahead(Context::Values);
        if (t == Token::EndOfString || t == Token::Comma) && operator.is_none() {
            operator = Some(Operator::Exists);
        }
        Ok((literal, operator))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => return Err(format!("found '{lit}', expected: {BINARY_OPERATORS}")),
        })
    }

    fn parse_values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let values = self.parse_identifiers_list()?;
                let (tok, _) = self.consume(Context::Values);
                if tok != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    /// Returns the de-duplicated values, sorted (what `sets.String.List()` yields).
    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, String> {
        let mut set = std::collections::BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    set.insert(lit);
                    let (tok2, lit2) = self.lookahead(Context::Values);
                    match tok2 {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set.into_iter().collect()),
                        _ => return Err(format!("found '{lit2}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if set.is_empty() {
                        set.insert(String::new()); // to handle (,
                    }
                    let (tok2, _) = self.lookahead(Context::Values);
                    if tok2 == Token::ClosedPar {
                        set.insert(String::new()); // to handle ,)
                        return Ok(set.into_iter().collect());
                    }
                    if tok2 == Token::Comma {
                        set.insert(String::new()); // to handle ,, (not consumed since #133419)
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if tok == Token::EndOfString || tok == Token::Comma {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

/// `NewRequirement(key, op, vals, field.WithPath(nil))` for the shapes the
/// parser can produce: the key was already validated and the value count is
/// always right, so only the Gt/Lt integer check and value validation remain.
fn new_requirement(
    key: String,
    operator: Operator,
    values: Vec<String>,
) -> Result<Requirement, String> {
    let mut errs: Vec<String> = Vec::new();
    if matches!(operator, Operator::GreaterThan | Operator::LessThan) {
        for (i, v) in values.iter().enumerate() {
            if v.parse::<i64>().is_err() {
                errs.push(invalid_error(
                    &format!("values[{i}]"),
                    v,
                    "for 'Gt', 'Lt' operators, the value must be an integer",
                ));
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        let msgs = crate::names::is_valid_label_value(v);
        if !msgs.is_empty() {
            errs.push(invalid_error(
                &format!("values[{i}][{key}]"),
                v,
                &msgs.join("; "),
            ));
        }
    }
    if errs.is_empty() {
        Ok(Requirement {
            key,
            operator,
            values,
        })
    } else {
        Err(aggregate(errs))
    }
}

/// `field.Invalid(path, value, detail).Error()` for a string value.
fn invalid_error(field: &str, value: &str, detail: &str) -> String {
    format!(
        "{field}: Invalid value: {}: {detail}",
        crate::error::go_quote(value)
    )
}

/// `ErrorList.ToAggregate().Error()` for a non-empty list.
fn aggregate(errs: Vec<String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    if seen.len() == 1 {
        seen.remove(0)
    } else {
        format!("[{}]", seen.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const KEY_REGEX_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const VALUE_REGEX_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const SUBDOMAIN_REGEX_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    fn render(sel: &LabelSelector) -> String {
        sel.requirements()
            .iter()
            .map(|r| {
                format!(
                    "{}|{}|{}",
                    r.key(),
                    r.operator().as_str(),
                    r.values().join(",")
                )
            })
            .collect::<Vec<_>>()
            .join(" ; ")
    }

    // Successful parses: structure per selector.go's parser (sorted keys,
    // sorted de-duplicated values, inferred Exists/DoesNotExist).
    #[test]
    fn parse_ok_table() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("   \t\r\n", ""),
            ("x=a", "x|=|a"),
            ("x==a", "x|==|a"),
            ("x!=a", "x|!=|a"),
            ("x = a", "x|=|a"),
            ("x=", "x|=|"),
            ("x= ", "x|=|"),
            ("x=,y=b", "x|=| ; y|=|b"),
            ("x", "x|exists|"),
            ("!x", "x|!|"),
            ("! x", "x|!|"),
            ("x,y", "x|exists| ; y|exists|"),
            ("z,a", "a|exists| ; z|exists|"),
            ("x in (a,b)", "x|in|a,b"),
            ("x in (b,a,b)", "x|in|a,b"),
            ("x notin (a)", "x|notin|a"),
            ("x in ()", "x|in|"),
            ("x in (,)", "x|in|"),
            ("x in (a,)", "x|in|,a"),
            ("x in (,a)", "x|in|,a"),
            ("x in (a,,b)", "x|in|,a,b"),
            ("x in (a,,)", "x|in|,a"),
            ("x in (,,)", "x|in|"),
            ("x in (in,notin)", "x|in|in,notin"),
            ("in in (in)", "in|in|in"),
            ("x=in", "x|=|in"),
            ("x>1", "x|gt|1"),
            ("x<10", "x|lt|10"),
            ("example.com/key=v", "example.com/key|=|v"),
            (
                "x in (foo,,baz),y,z notin ()",
                "x|in|,baz,foo ; y|exists| ; z|notin|",
            ),
            ("a=b\u{0}", "a|=|b"),
            ("a,\u{0}b", "a|exists| ; b|exists|"),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            let got =
                parse(input).unwrap_or_else(|e| panic!("#{i}: {input:?}: unexpected error {e}"));
            assert_eq!(render(&got), *want, "#{i}: {input:?}");
            assert_eq!(got.is_empty(), want.is_empty(), "#{i}: {input:?}");
        }
    }

    // Error texts from staging/src/k8s.io/apimachinery/pkg/labels/selector.go
    // (parse, parseRequirement, parseKeyAndInferOperator, parseOperator,
    // parseValues, parseIdentifiersList, parseExactValue, NewRequirement,
    // validateLabelKey, validateLabelValue) and api/validate/content/kube.go.
    #[test]
    fn parse_err_table() {
        let long_key = "k".repeat(64);
        let long_value = "v".repeat(64);
        let long_prefix = format!("{}/a", "p".repeat(254));
        let cases: Vec<(String, String)> = vec![
            ("a in (b".into(), "unable to parse requirement: found '', expected: ',' or ')'".into()),
            ("a in b".into(), "unable to parse requirement: found 'b' expected: '('".into()),
            ("a in".into(), "unable to parse requirement: found '' expected: '('".into()),
            ("a in (".into(), "unable to parse requirement: found '', expected: ',', ')' or identifier".into()),
            ("a in (=)".into(), "unable to parse requirement: found '=', expected: ',', ')' or identifier".into()),
            ("a in (b c)".into(), "unable to parse requirement: found 'c', expected: ',' or ')'".into()),
            ("a in (b,=)".into(), "unable to parse requirement: found '=', expected: ',', or identifier".into()),
            ("a b".into(), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt".into()),
            ("a !b".into(), "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt".into()),
            ("a=(b)".into(), "unable to parse requirement: found '(', expected: identifier".into()),
            ("a=b c".into(), "found 'c', expected: ',' or 'end of string'".into()),
            ("!a=b".into(), "found '=', expected: ',' or 'end of string'".into()),
            ("a,".into(), "found '', expected: identifier after ','".into()),
            ("a,,b".into(), "found ',', expected: identifier after ','".into()),
            (",a".into(), "found ',', expected: !, identifier, or 'end of string'".into()),
            ("=a".into(), "found '=', expected: !, identifier, or 'end of string'".into()),
            ("(".into(), "found '(', expected: !, identifier, or 'end of string'".into()),
            ("!".into(), "unable to parse requirement: found '', expected: identifier".into()),
            ("!=a".into(), "found '!=', expected: !, identifier, or 'end of string'".into()),
            ("!!a".into(), "unable to parse requirement: found '!', expected: identifier".into()),
            ("a==(b".into(), "unable to parse requirement: found '(', expected: identifier".into()),
            (
                "a@b=c".into(),
                format!("unable to parse requirement: <nil>: Invalid value: \"a@b\": {KEY_REGEX_MSG}"),
            ),
            (
                "-a".into(),
                format!("unable to parse requirement: <nil>: Invalid value: \"-a\": {KEY_REGEX_MSG}"),
            ),
            (
                format!("{long_key}=v"),
                format!("unable to parse requirement: <nil>: Invalid value: \"{long_key}\": name part must be no more than 63 bytes"),
            ),
            (
                "a/b/c".into(),
                "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into(),
            ),
            (
                "/a".into(),
                "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty".into(),
            ),
            (
                "a/".into(),
                format!("unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; {KEY_REGEX_MSG}"),
            ),
            (
                "Example.com/a".into(),
                format!("unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part {SUBDOMAIN_REGEX_MSG}"),
            ),
            (
                long_prefix.clone(),
                format!("unable to parse requirement: <nil>: Invalid value: \"{long_prefix}\": prefix part must be no more than 253 bytes"),
            ),
            (
                "a=b@c".into(),
                format!("unable to parse requirement: values[0][a]: Invalid value: \"b@c\": {VALUE_REGEX_MSG}"),
            ),
            (
                format!("a={long_value}"),
                format!("unable to parse requirement: values[0][a]: Invalid value: \"{long_value}\": must be no more than 63 bytes"),
            ),
            (
                "a in (z,-b)".into(),
                format!("unable to parse requirement: values[0][a]: Invalid value: \"-b\": {VALUE_REGEX_MSG}"),
            ),
            (
                "a in (_b,-c)".into(),
                format!("unable to parse requirement: [values[0][a]: Invalid value: \"-c\": {VALUE_REGEX_MSG}, values[1][a]: Invalid value: \"_b\": {VALUE_REGEX_MSG}]"),
            ),
            (
                "a>b".into(),
                "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer".into(),
            ),
            (
                "a<".into(),
                "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer".into(),
            ),
            (
                "a>-1".into(),
                format!("unable to parse requirement: values[0][a]: Invalid value: \"-1\": {VALUE_REGEX_MSG}"),
            ),
            (
                "a>1.5".into(),
                "unable to parse requirement: values[0]: Invalid value: \"1.5\": for 'Gt', 'Lt' operators, the value must be an integer".into(),
            ),
            (
                "a>b@".into(),
                format!("unable to parse requirement: [values[0]: Invalid value: \"b@\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: \"b@\": {VALUE_REGEX_MSG}]"),
            ),
            (
                "a>99999999999999999999".into(),
                "unable to parse requirement: values[0]: Invalid value: \"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer".into(),
            ),
            (
                "a\"b".into(),
                format!("unable to parse requirement: <nil>: Invalid value: \"a\\\"b\": {KEY_REGEX_MSG}"),
            ),
            (
                "a\u{1}b".into(),
                format!("unable to parse requirement: <nil>: Invalid value: \"a\\x01b\": {KEY_REGEX_MSG}"),
            ),
            (
                "a, \u{0}b".into(),
                "found '', expected: identifier after ','".into(),
            ),
            ("a=b\u{0}c".into(), "found 'c', expected: ',' or 'end of string'".into()),
            (
                "a>+5".into(),
                format!("unable to parse requirement: values[0][a]: Invalid value: \"+5\": {VALUE_REGEX_MSG}"),
            ),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            let got = parse(input).expect_err(&format!("#{i}: {input:?} should fail"));
            assert_eq!(&got, want, "#{i}: {input:?}");
        }
    }

    // Requirement.Matches semantics from selector.go.
    #[test]
    fn matches_table() {
        type Case = (&'static str, &'static [(&'static str, &'static str)], bool);
        let cases: &[Case] = &[
            ("", &[], true),
            ("", &[("a", "b")], true),
            ("x=a", &[("x", "a")], true),
            ("x=a", &[("x", "b")], false),
            ("x=a", &[], false),
            ("x==a", &[("x", "a")], true),
            ("x=", &[("x", "")], true),
            ("x=", &[], false),
            ("x!=a", &[], true),
            ("x!=a", &[("x", "a")], false),
            ("x!=a", &[("x", "b")], true),
            ("x in (a,b)", &[("x", "b")], true),
            ("x in (a,b)", &[("x", "c")], false),
            ("x in (a,b)", &[], false),
            ("x notin (a,b)", &[], true),
            ("x notin (a,b)", &[("x", "a")], false),
            ("x notin (a,b)", &[("x", "c")], true),
            ("x in ()", &[("x", "")], true),
            ("x", &[("x", "")], true),
            ("x", &[], false),
            ("!x", &[], true),
            ("!x", &[("x", "1")], false),
            ("x>1", &[("x", "2")], true),
            ("x>1", &[("x", "1")], false),
            ("x>1", &[("x", "+2")], true),
            ("x>1", &[("x", "a")], false),
            ("x>1", &[], false),
            ("x<1", &[("x", "-5")], true),
            ("x<1", &[("x", "99999999999999999999")], false),
            ("x=a,y", &[("x", "a"), ("y", "")], true),
            ("x=a,y", &[("x", "a")], false),
            ("x=a,x=b", &[("x", "a")], false),
        ];
        for (i, (sel, labels, want)) in cases.iter().enumerate() {
            println!("#{i}: {sel:?} {labels:?}");
            let map: BTreeMap<&str, &str> = labels.iter().copied().collect();
            let s = parse(sel).expect("valid selector");
            assert_eq!(
                s.matches(|k| map.get(k).copied()),
                *want,
                "#{i}: {sel:?} {labels:?}"
            );
        }
    }

    #[test]
    fn go_quote_table() {
        let cases: &[(&str, &str)] = &[
            ("abc", "\"abc\""),
            ("a\"b\\c", "\"a\\\"b\\\\c\""),
            ("\t\n\r\u{7}\u{8}\u{b}\u{c}", "\"\\t\\n\\r\\a\\b\\v\\f\""),
            ("\u{0}\u{1f}\u{7f}", "\"\\x00\\x1f\\x7f\""),
            ("é日本", "\"é日本\""),
            ("\u{a0}\u{200b}\u{feff}", "\"\\u00a0\\u200b\\ufeff\""),
            ("\u{e0001}", "\"\\U000e0001\""),
        ];
        for (i, (input, want)) in cases.iter().enumerate() {
            println!("#{i}: {input:?}");
            assert_eq!(crate::error::go_quote(input), *want, "#{i}: {input:?}");
        }
    }
}
