//! A custom resource against its version's `openAPIV3Schema`, as kube-apiserver checks it:
//! kube-openapi's `validate.SchemaValidator` (`pkg/validation/validate/schema.go` and the
//! validators it runs), whose results `kubeOpenAPIResultToFieldErrors`
//! (`apiextensions-apiserver/pkg/apiserver/validation/validation.go`) turns into field errors.
//!
//! The whole object is validated, `apiVersion`, `kind` and `metadata` included (so a schema's
//! constraints on `metadata.name` hold, as in kube). Each value goes through kube-openapi's
//! validators in their order — type, `allOf`/`anyOf`/`oneOf`/`not`, string, number, array,
//! `enum`, object — each applying by the kind of the value, so a value of the wrong type also
//! meets the checks of its own kind. A result keeps kube-openapi's match count, which picks
//! the errors reported for a failed `anyOf`/`oneOf` (the branch with the most checks passed).
//! Within a result an error message is kept once (`Result.AddErrors`).
//!
//! A worked example: `{"spec": {"replicas": "3"}}` against `replicas: {type: integer,
//! minimum: 1}` fails the type validator (`spec.replicas in body must be of type integer:
//! "string"`, whose field error shows the *type name* as the value); the number validator
//! does not apply to a string, so that is the only error.
//!
//! Departures: string `format`s are not checked (kube checks `date-time`, `uuid`, ... with
//! strfmt); a format only changes which values the type validator lets through, as in kube.
//! Properties are visited in the object's order (kube ranges over a Go map: random order).

use serde_json::{Map, Value};

use crate::error::{Cause, go_quote};

/// The causes of a custom resource against its schema (`ValidateCustomResource(nil, ...)`).
pub fn validate(schema: &Value, obj: &Map<String, Value>) -> Vec<Cause> {
    validate_at(schema, &Value::Object(obj.clone()), "")
}

/// The causes of `value` against `schema`, their fields under `base` (`ValidateCustomResource`
/// with a field path, as `ValidateDefaults` checks a default at `...default`); `""` is the nil
/// path.
pub fn validate_at(schema: &Value, value: &Value, base: &str) -> Vec<Cause> {
    validate_value(schema, value, "")
        .errors
        .into_iter()
        .map(|mut e| {
            if !base.is_empty() {
                e.cause.field = match e.cause.field.as_str() {
                    "<nil>" => base.to_owned(),
                    field => format!("{base}.{field}"),
                };
            }
            e.cause
        })
        .collect()
}

/// One kube-openapi error: its message (what `Result.AddErrors` compares) and the field error
/// `kubeOpenAPIResultToFieldErrors` makes of it.
struct Failure {
    message: String,
    cause: Cause,
}

/// `validate.Result`: the errors, kept once each, and the match count.
#[derive(Default)]
struct Outcome {
    errors: Vec<Failure>,
    matches: usize,
}

impl Outcome {
    fn failed(failure: Failure) -> Self {
        Self {
            errors: vec![failure],
            matches: 0,
        }
    }

    /// `AddErrors`: a message already reported is not added again.
    fn add(&mut self, failure: Failure) {
        if !self.errors.iter().any(|e| e.message == failure.message) {
            self.errors.push(failure);
        }
    }

    /// `Merge`: the errors (deduplicated) and the match count.
    fn merge(&mut self, other: Outcome) {
        for failure in other.errors {
            self.add(failure);
        }
        self.matches += other.matches;
    }

    fn valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The field path `kubeOpenAPIResultToFieldErrors` gives an error named `name`: the name less
/// one leading dot, or no path (`<nil>`) for the root.
fn field_of(name: &str) -> String {
    if name.is_empty() || name == "." {
        "<nil>".to_owned()
    } else {
        name.strip_prefix('.').unwrap_or(name).to_owned()
    }
}

/// `"%s in body ..."`: kube-openapi's messages name the value's path and `in` (always `body`).
fn in_body(name: &str, rest: &str) -> String {
    format!("{name} in body {rest}")
}

/// An error of the default branch: `field.Invalid(path, value, message)`.
fn invalid(name: &str, shown: String, message: String) -> Failure {
    Failure {
        cause: Cause::invalid_shown(&field_of(name), &shown, &message),
        message,
    }
}

/// An error of no `errors.Validation` (the composite `allOf`/`anyOf`/`oneOf`/`not` ones):
/// `field.Invalid(fldPath, "", err.Error())` with the nil path kube validates from.
fn composite(message: String) -> Failure {
    Failure {
        cause: Cause::invalid_shown("<nil>", "\"\"", &message),
        message,
    }
}

/// `InvalidTypeCode`: `field.TypeInvalid(path, <the value's type name>, message)`.
fn type_invalid(name: &str, expected: &str, actual: &str) -> Failure {
    let message = in_body(
        name,
        &format!("must be of type {expected}: {}", go_quote(actual)),
    );
    let mut cause = Cause::invalid_shown(&field_of(name), &go_quote(actual), &message);
    cause.reason = "FieldValueTypeInvalid";
    Failure { message, cause }
}

/// The formats kube keeps in a CRD's schema (`StripUnsupportedFormatsPostProcess`); only they
/// take part in the type validator's format rules.
const SUPPORTED_FORMATS: &[&str] = &[
    "bsonobjectid",
    "uri",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "cidr",
    "mac",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "isbn",
    "isbn10",
    "isbn13",
    "creditcard",
    "ssn",
    "hexcolor",
    "rgbcolor",
    "byte",
    "password",
    "date",
    "duration",
    "datetime",
    "date-time",
];

fn is_true(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool) == Some(true)
}

/// The schema's types as kube-openapi sees them: `x-kubernetes-int-or-string` is
/// `[integer, string]`.
fn types(schema: &Value) -> Vec<&str> {
    if is_true(schema, "x-kubernetes-int-or-string") {
        return vec!["integer", "string"];
    }
    match schema.get("type").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => vec![t],
        _ => Vec::new(),
    }
}

fn format(schema: &Value) -> &str {
    match schema.get("format").and_then(Value::as_str) {
        Some(f) if SUPPORTED_FORMATS.contains(&f) => f,
        _ => "",
    }
}

/// A JSON number as kube's decoder makes it: an integer literal is an `int64`, anything else a
/// `float64`.
#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Float(f64),
}

fn number(value: &Value) -> Option<Number> {
    let n = value.as_number()?;
    match n.as_i64() {
        Some(i) => Some(Number::Int(i)),
        None => n.as_f64().map(Number::Float),
    }
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// Go's `%v` of the value.
    fn shown(self) -> String {
        match self {
            Number::Int(i) => i.to_string(),
            Number::Float(f) => go_float(f),
        }
    }
}

/// The JSON type kube-openapi's type validator infers for a (non-null) value.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Number(_) => match number(value) {
            Some(Number::Int(_)) => "integer",
            _ => "number",
        },
    }
}

/// Go's `%v` of a `float64` (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest digits,
/// in exponent form when the exponent is below -4 or at least 6 (`1e+06`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{exp_sign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        let zeros = "0".repeat((-point) as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = point as usize;
    if digits.len() <= point {
        let zeros = "0".repeat(point - digits.len());
        format!("{sign}{digits}{zeros}")
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// A number as Go's `encoding/json` writes it: a whole `float64` without a fraction.
fn go_json_number(value: &Value) -> String {
    match number(value) {
        Some(Number::Float(f)) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        Some(Number::Float(f)) => f.to_string(),
        _ => value.to_string(),
    }
}

/// How a bad value is printed in a field error (`field.Error.ErrorBody`): strings quoted,
/// numbers as Go prints an `int64` or a `float64`.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => go_quote(s),
        Value::Null => "null".to_owned(),
        Value::Number(_) => number(value).map_or_else(|| value.to_string(), Number::shown),
        other => other.to_string(),
    }
}

/// `SchemaValidator.Validate`.
fn validate_value(schema: &Value, data: &Value, path: &str) -> Outcome {
    let mut result = Outcome::default();
    if data.is_null() {
        result.merge(type_validator(schema, data, path));
        result.merge(common_validator(schema, data, path));
        return result;
    }
    let applies_type = !types(schema).is_empty() || !format(schema).is_empty();
    let mut run = |applies: bool, outcome: &dyn Fn() -> Outcome| {
        if applies {
            result.merge(outcome());
            result.matches += 1;
        }
    };
    run(applies_type, &|| type_validator(schema, data, path));
    run(true, &|| schema_props_validator(schema, data, path));
    run(data.is_string(), &|| string_validator(schema, data, path));
    run(data.is_number(), &|| number_validator(schema, data, path));
    run(data.is_array(), &|| slice_validator(schema, data, path));
    run(true, &|| common_validator(schema, data, path));
    run(data.is_object(), &|| object_validator(schema, data, path));
    result.matches += 1;
    result
}

/// `typeValidator.Validate`.
fn type_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let ok = Outcome {
        errors: Vec::new(),
        matches: 1,
    };
    let types = types(schema);
    if data.is_null() {
        if !types.is_empty() && !types.contains(&"null") && !is_true(schema, "nullable") {
            return Outcome::failed(type_invalid(path, &types.join(","), "null"));
        }
        return ok;
    }
    let actual = json_type(data);
    let format = format(schema);
    let numeric = types.contains(&"number") || types.contains(&"integer");
    if !numeric && !format.is_empty() && (data.is_string() || data.is_array()) {
        return ok;
    }
    let float_int = actual == "number"
        && number(data).is_some_and(|n| n.as_f64().fract() == 0.0)
        && types.contains(&"integer");
    let int_float = actual == "integer" && types.contains(&"number");
    if !(types.contains(&actual) || float_int || int_float) {
        return Outcome::failed(type_invalid(path, &types.join(","), actual));
    }
    ok
}

/// `schemaPropsValidator.Validate`: `anyOf`, `oneOf`, `allOf`, `not`.
fn schema_props_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let list = |key: &str| -> Vec<&Value> {
        schema
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    };
    let mut main = Outcome::default();
    let any_of = list("anyOf");
    if !any_of.is_empty() {
        let mut best: Option<Outcome> = None;
        let mut first_success: Option<Outcome> = None;
        for sub in any_of {
            let result = validate_value(sub, data, path);
            if result.valid() {
                best = None;
                first_success = Some(result);
                break;
            }
            if best.as_ref().is_none_or(|b| result.matches > b.matches) {
                best = Some(result);
            }
        }
        if first_success.is_none() {
            main.add(composite(format!(
                "{} must validate at least one schema (anyOf)",
                go_quote(path)
            )));
        }
        if let Some(chosen) = best.or(first_success) {
            main.merge(chosen);
        }
    }
    let one_of = list("oneOf");
    if !one_of.is_empty() {
        let mut best: Option<Outcome> = None;
        let mut first_success: Option<Outcome> = None;
        let mut validated = 0;
        for sub in one_of {
            let result = validate_value(sub, data, path);
            if result.valid() {
                validated += 1;
                best = None;
                first_success.get_or_insert(result);
                continue;
            }
            if validated == 0 && best.as_ref().is_none_or(|b| result.matches > b.matches) {
                best = Some(result);
            }
        }
        if validated != 1 {
            let found = if validated == 0 {
                "Found none valid".to_owned()
            } else {
                format!("Found {validated} valid alternatives")
            };
            main.add(composite(format!(
                "{} must validate one and only one schema (oneOf). {found}",
                go_quote(path)
            )));
            if let Some(best) = best {
                main.merge(best);
            }
        } else if let Some(success) = first_success {
            main.merge(success);
        }
    }
    let all_of = list("allOf");
    if !all_of.is_empty() {
        let total = all_of.len();
        let mut validated = 0;
        for sub in all_of {
            let result = validate_value(sub, data, path);
            if result.valid() {
                validated += 1;
            }
            main.merge(result);
        }
        if validated != total {
            let none = if validated == 0 {
                ". None validated"
            } else {
                ""
            };
            main.add(composite(format!(
                "{} must validate all the schemas (allOf){none}",
                go_quote(path)
            )));
        }
    }
    if let Some(not) = schema.get("not").filter(|n| n.is_object())
        && validate_value(not, data, path).valid()
    {
        main.add(composite(format!(
            "{} must not validate the schema (not)",
            go_quote(path)
        )));
    }
    main.matches += 1;
    main
}

/// `stringValidator.Validate`: the first of `maxLength`, `minLength`, `pattern` that fails.
fn string_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let Some(s) = data.as_str() else {
        return Outcome::default();
    };
    let chars = s.chars().count() as u64;
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && chars > max
    {
        return Outcome::failed(Failure {
            message: in_body(path, &format!("should be at most {max} chars long")),
            cause: Cause::too_long(&field_of(path), max as usize),
        });
    }
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && chars < min
    {
        let message = in_body(path, &format!("should be at least {min} chars long"));
        return Outcome::failed(invalid(path, go_quote(s), message));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Ok(re) = regex::Regex::new(pattern)
        && !re.is_match(s)
    {
        let message = in_body(path, &format!("should match '{pattern}'"));
        return Outcome::failed(invalid(path, go_quote(s), message));
    }
    Outcome::default()
}

/// `numberValidator.Validate`: `multipleOf`, then `minimum`, then `maximum`. An integer is
/// checked against the bound converted to an integer (`MaximumNativeType`), so it prints as one.
fn number_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let mut result = Outcome::default();
    let Some(n) = number(data) else {
        return result;
    };
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let value = n.shown();
    if let Some(factor) = bound("multipleOf") {
        // `MultipleOfNativeType`: an integer against the factor converted to an integer.
        let failed = match n {
            Number::Int(i) if factor.trunc() as i64 != 0 => {
                let factor = factor.trunc() as i64;
                (i % factor != 0).then(|| factor.to_string())
            }
            _ => {
                let data = n.as_f64();
                let mult = if factor < 1.0 {
                    1.0 / factor * data
                } else {
                    data / factor
                };
                (mult.fract() != 0.0 || !mult.is_finite()).then(|| go_float(factor))
            }
        };
        if let Some(factor) = failed {
            let message = in_body(path, &format!("should be a multiple of {factor}"));
            result.add(invalid(path, value.clone(), message));
        }
    }
    let exclusive = |key: &str| is_true(schema, key);
    if let Some(min) = bound("minimum") {
        let (low, shown_min) = match n {
            Number::Int(i) => ((i as f64) < min.trunc(), (min as i64).to_string()),
            Number::Float(f) => (f < min, go_float(min)),
        };
        let at = match n {
            Number::Int(i) => i as f64 == min.trunc(),
            Number::Float(f) => f == min,
        };
        let strict = exclusive("exclusiveMinimum");
        if low || (strict && at) {
            let words = if strict {
                "greater than"
            } else {
                "greater than or equal to"
            };
            let message = in_body(path, &format!("should be {words} {shown_min}"));
            result.add(invalid(path, value.clone(), message));
        }
    }
    if let Some(max) = bound("maximum") {
        let (high, shown_max) = match n {
            Number::Int(i) => ((i as f64) > max.trunc(), (max as i64).to_string()),
            Number::Float(f) => (f > max, go_float(max)),
        };
        let at = match n {
            Number::Int(i) => i as f64 == max.trunc(),
            Number::Float(f) => f == max,
        };
        let strict = exclusive("exclusiveMaximum");
        if high || (strict && at) {
            let words = if strict {
                "less than"
            } else {
                "less than or equal to"
            };
            let message = in_body(path, &format!("should be {words} {shown_max}"));
            result.add(invalid(path, value, message));
        }
    }
    result.matches += 1;
    result
}

/// `schemaSliceValidator.Validate`: the items, then `minItems` and `maxItems`.
fn slice_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let mut result = Outcome::default();
    let items = data.as_array().map_or(&[][..], Vec::as_slice);
    if let Some(item_schema) = schema.get("items").filter(|i| i.is_object()) {
        for (i, item) in items.iter().enumerate() {
            result.merge(validate_value(item_schema, item, &format!("{path}[{i}]")));
        }
    }
    let size = items.len();
    if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
        && (size as u64) < min
    {
        let message = in_body(path, &format!("should have at least {min} items"));
        result.add(invalid(path, size.to_string(), message));
    }
    if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
        && size as u64 > max
    {
        result.add(Failure {
            message: in_body(path, &format!("should have at most {max} items")),
            cause: Cause::too_many(&field_of(path), size, max as usize),
        });
    }
    result.matches += 1;
    result
}

/// Whether `data` matches the enum value `option` as `basicCommonValidator` compares them: the
/// value converted to the option's Go type (an integer option truncates a number).
fn enum_matches(data: &Value, option: &Value) -> bool {
    match (number(data), number(option)) {
        (Some(d), Some(Number::Int(o))) => d.as_f64().trunc() == o as f64,
        (Some(d), Some(Number::Float(o))) => d.as_f64() == o,
        _ => data == option,
    }
}

/// `basicCommonValidator.Validate`: `enum`, as `field.NotSupported` with the options (strings as
/// they are, other values as JSON).
fn common_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let Some(options) = schema.get("enum").and_then(Value::as_array) else {
        return Outcome::default();
    };
    if options.is_empty() || (!data.is_null() && options.iter().any(|o| enum_matches(data, o))) {
        return Outcome::default();
    }
    let supported: Vec<String> = options
        .iter()
        .map(|o| match o {
            Value::String(s) => s.clone(),
            Value::Number(_) => go_json_number(o),
            other => other.to_string(),
        })
        .collect();
    let supported_refs: Vec<&str> = supported.iter().map(String::as_str).collect();
    Outcome::failed(Failure {
        message: in_body(path, &format!("should be one of [{}]", supported.join(" "))),
        cause: Cause::not_supported_shown(&field_of(path), &shown(data), &supported_refs),
    })
}

/// `objectValidator.Validate`: `minProperties`, `maxProperties`, the values of
/// `additionalProperties`, the properties, then `required`.
fn object_validator(schema: &Value, data: &Value, path: &str) -> Outcome {
    let mut result = Outcome::default();
    let Some(obj) = data.as_object() else {
        return result;
    };
    let size = obj.len();
    if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
        && (size as u64) < min
    {
        let message = in_body(path, &format!("should have at least {min} properties"));
        result.add(invalid(path, size.to_string(), message));
    }
    if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
        && size as u64 > max
    {
        result.add(Failure {
            message: in_body(path, &format!("should have at most {max} properties")),
            cause: Cause::too_many(&field_of(path), size, max as usize),
        });
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    let regular = |key: &str| properties.is_some_and(|p| p.contains_key(key));
    match schema.get("additionalProperties") {
        Some(Value::Bool(false)) => {
            for key in obj.keys().filter(|k| !regular(k)) {
                let message = format!("{path}.{key} in body is a forbidden property");
                result.add(invalid(path, go_quote(key), message));
            }
        }
        Some(additional @ Value::Object(_)) => {
            for (key, value) in obj.iter().filter(|(k, _)| !regular(k)) {
                result.merge(validate_value(additional, value, &format!("{path}.{key}")));
            }
        }
        _ => {}
    }
    if let Some(properties) = properties {
        for (key, value) in obj {
            if let Some(property) = properties.get(key) {
                let name = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                result.merge(validate_value(property, value, &name));
            }
        }
    }
    for required in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !obj.contains_key(required) {
            let name = format!("{path}.{required}");
            result.add(Failure {
                message: in_body(&name, "is required"),
                cause: Cause::required(&field_of(&name), ""),
            });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(schema: Value, obj: Value) -> Vec<String> {
        let Value::Object(obj) = obj else {
            panic!("an object")
        };
        validate(&schema, &obj)
            .iter()
            .map(|c| format!("{} {}: {}", c.reason, c.field, c.message))
            .collect()
    }

    #[test]
    fn go_floats_print_as_fmt_v() {
        for (f, want) in [
            (1.5, "1.5"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.25, "-2.25"),
            (100.0, "100"),
        ] {
            assert_eq!(go_float(f), want, "{f}");
        }
    }

    /// Each case mirrors the kube-openapi validator named and `kubeOpenAPIResultToFieldErrors`'
    /// branch for its error code.
    #[test]
    fn errors_are_kube_openapis_through_kube_openapi_result_to_field_errors() {
        let cases: Vec<(&str, Value, Value, Vec<&str>)> = vec![
            (
                // typeValidator + InvalidTypeCode: the value shown is the type's name.
                "type",
                json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"x": {"type": "integer"}}}}}),
                json!({"spec": {"x": "3"}}),
                vec![
                    "FieldValueTypeInvalid spec.x: Invalid value: \"string\": spec.x in body must be of type integer: \"string\"",
                ],
            ),
            (
                // A float of an integer value is an integer; 1.5 is a "number".
                "float-int",
                json!({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}),
                json!({"a": 2.0, "b": 1.5}),
                vec![
                    "FieldValueTypeInvalid b: Invalid value: \"number\": b in body must be of type integer: \"number\"",
                ],
            ),
            (
                // x-kubernetes-int-or-string is the types [integer, string].
                "int-or-string",
                json!({"type": "object", "properties": {"port": {"x-kubernetes-int-or-string": true}}}),
                json!({"port": true}),
                vec![
                    "FieldValueTypeInvalid port: Invalid value: \"boolean\": port in body must be of type integer,string: \"boolean\"",
                ],
            ),
            (
                // A null: the type validator and the enum only; nullable lets it through.
                "null",
                json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string", "nullable": true}}}),
                json!({"a": null, "b": null}),
                vec![
                    "FieldValueTypeInvalid a: Invalid value: \"null\": a in body must be of type string: \"null\"",
                ],
            ),
            (
                // A value of the wrong type still meets its own kind's checks (enum here).
                "type-then-enum",
                json!({"type": "object", "properties": {"c": {"type": "string", "enum": ["red", "blue"]}}}),
                json!({"c": 1}),
                vec![
                    "FieldValueTypeInvalid c: Invalid value: \"integer\": c in body must be of type string: \"integer\"",
                    "FieldValueNotSupported c: Unsupported value: 1: supported values: \"red\", \"blue\"",
                ],
            ),
            (
                // stringValidator stops at its first failure: maxLength, minLength, pattern.
                "string",
                json!({"type": "object", "properties": {
                    "long": {"type": "string", "maxLength": 3, "pattern": "^[a-z]+$"},
                    "short": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                    "pat": {"type": "string", "pattern": "^[a-z]+$"}}}),
                json!({"long": "ABCDE", "short": "A", "pat": "A1"}),
                vec![
                    "FieldValueTooLong long: Too long: may not be more than 3 bytes",
                    "FieldValueInvalid short: Invalid value: \"A\": short in body should be at least 2 chars long",
                    "FieldValueInvalid pat: Invalid value: \"A1\": pat in body should match '^[a-z]+$'",
                ],
            ),
            (
                // numberValidator: multipleOf, minimum, maximum; an integer meets integer bounds.
                "number",
                json!({"type": "object", "properties": {
                    "n": {"type": "integer", "multipleOf": 2, "maximum": 5.5},
                    "f": {"type": "number", "minimum": 1000000, "exclusiveMinimum": true},
                    "e": {"type": "integer", "maximum": 3, "exclusiveMaximum": true}}}),
                json!({"n": 7, "f": 2.5, "e": 3}),
                vec![
                    "FieldValueInvalid n: Invalid value: 7: n in body should be a multiple of 2",
                    "FieldValueInvalid n: Invalid value: 7: n in body should be less than or equal to 5",
                    "FieldValueInvalid f: Invalid value: 2.5: f in body should be greater than 1e+06",
                    "FieldValueInvalid e: Invalid value: 3: e in body should be less than 3",
                ],
            ),
            (
                // schemaSliceValidator: items first, then minItems (the count as the value) and
                // maxItems (field.TooMany).
                "array",
                json!({"type": "object", "properties": {
                    "few": {"type": "array", "minItems": 2, "items": {"type": "string"}},
                    "many": {"type": "array", "maxItems": 1, "items": {"type": "string"}}}}),
                json!({"few": [1], "many": ["a", "b"]}),
                vec![
                    "FieldValueTypeInvalid few[0]: Invalid value: \"integer\": few[0] in body must be of type string: \"integer\"",
                    "FieldValueInvalid few: Invalid value: 1: few in body should have at least 2 items",
                    "FieldValueTooMany many: Too many: 2: must have at most 1 item",
                ],
            ),
            (
                // objectValidator: minProperties/maxProperties with the actual count, the
                // properties, then required (after the properties' errors).
                "object",
                json!({"type": "object", "required": ["spec"], "properties": {
                    "labels": {"type": "object", "minProperties": 2, "additionalProperties": {"type": "string"}},
                    "tags": {"type": "object", "maxProperties": 1, "additionalProperties": {"type": "string"}},
                    "spec": {"type": "object"}}}),
                json!({"labels": {"a": 1}, "tags": {"a": "x", "b": "y"}}),
                vec![
                    "FieldValueInvalid labels: Invalid value: 1: labels in body should have at least 2 properties",
                    "FieldValueTypeInvalid labels.a: Invalid value: \"integer\": labels.a in body must be of type string: \"integer\"",
                    "FieldValueTooMany tags: Too many: 2: must have at most 1 item",
                    "FieldValueRequired spec: Required value",
                ],
            ),
            (
                // schemaPropsValidator: anyOf reports its failure then the best branch's errors.
                "anyOf",
                json!({"type": "object", "properties": {"spec": {"type": "object",
                    "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                    "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}}}),
                json!({"spec": {}}),
                vec![
                    "FieldValueInvalid <nil>: Invalid value: \"\": \"spec\" must validate at least one schema (anyOf)",
                    "FieldValueRequired spec.a: Required value",
                ],
            ),
            (
                // oneOf with two valid branches.
                "oneOf",
                json!({"type": "object", "properties": {"spec": {"type": "object",
                    "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                    "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}}}),
                json!({"spec": {"a": "x", "b": "y"}}),
                vec![
                    "FieldValueInvalid <nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found 2 valid alternatives",
                ],
            ),
            (
                // metadata is validated like any field: a schema's constraint on the name holds.
                "metadata",
                json!({"type": "object", "properties": {"metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}}}}),
                json!({"metadata": {"name": "toolong"}}),
                vec!["FieldValueTooLong metadata.name: Too long: may not be more than 5 bytes"],
            ),
        ];
        for (i, (name, schema, obj, want)) in cases.into_iter().enumerate() {
            println!("#{i}: {name}");
            assert_eq!(messages(schema, obj), want, "#{i}: {name}");
        }
    }
}
