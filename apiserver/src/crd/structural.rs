//! The rules a CRD's `openAPIV3Schema` must follow, as `validateCustomResourceDefinitionValidation`
//! (`pkg/apis/apiextensions/validation/validation.go`) applies them: the root checks, then
//! `ValidateStructural` (`pkg/apiserver/schema/validation.go`: errors sorted by their text), and
//! only if the schema is structural `ValidateDefaults`
//! (`pkg/apiserver/schema/defaulting/validation.go`), then
//! `ValidateCustomResourceDefinitionOpenAPISchema` over the whole schema.
//!
//! `path` is where the schema sits in the internal CRD: `spec.validation` when every version has
//! the same schema (the v1 conversion moves it there), `spec.versions[i].schema` otherwise.
//!
//! Departures: `validateStructuralCompleteness` (properties only specified inside `anyOf` and
//! friends), a `pattern` Go's regexp would not compile, the `%#v` error for non-root fields at
//! the root of a schema with a status subresource, and the metadata checks of defaults inside
//! embedded resources are not ported. CEL rules are refused (decision 19 of `docs/DESIGN.md`).
//! Properties are visited in the schema's order (kube ranges over Go maps).

use serde_json::Value;

use crate::error::{Cause, go_quote};

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn is_true(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

fn properties(v: &Value) -> impl Iterator<Item = (&String, &Value)> {
    v.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn non_empty_object(v: &Value, key: &str) -> bool {
    v.get(key)
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
}

/// `validateCustomResourceDefinitionValidation` for one `schema` (a `CustomResourceValidation`)
/// at `path`; `status` is whether a status subresource applies to it.
pub fn validate_validation(schema: &Value, status: bool, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    let Some(root) = schema.get("openAPIV3Schema").filter(|r| r.is_object()) else {
        return out;
    };
    let root_path = format!("{path}.openAPIV3Schema");
    // The status-subresource root check walks `JSONSchemaProps`' fields in order and stops at
    // the first it refuses; `id`, `$schema` and `$ref` come before `type`.
    let before_type = ["id", "$schema", "$ref"]
        .iter()
        .any(|k| root.get(*k).is_some());
    if status && !before_type && !s(root, "type").is_empty() && s(root, "type") != "object" {
        out.push(Cause::invalid(
            &format!("{root_path}.type"),
            &root["type"],
            "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled",
        ));
    }
    if is_true(root, "nullable") {
        out.push(Cause::forbidden(
            &format!("{root_path}.nullable"),
            "nullable cannot be true at the root",
        ));
    }
    let structural = validate_structural(root, &root_path);
    if structural.is_empty() {
        validate_defaults(root, &root_path, true, false, &mut out);
    } else {
        out.extend(structural);
    }
    let ssv = Ssv {
        allow_defaults: true,
        disallow_reason: String::new(),
        inside_meta: false,
    };
    openapi_schema(root, &root_path, &ssv, true, &mut out);
    out
}

// ---- ValidateStructural ----------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

/// `ValidateStructural`: the invariants of a structural schema, sorted by their text.
pub fn validate_structural(schema: &Value, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    invariants(schema, Level::Root, path, &mut out);
    out.sort_by_key(Cause::full);
    out
}

/// `[{type: integer}, {type: string}]`, the `anyOf` `x-kubernetes-int-or-string` may spell out.
fn int_or_string_any_of(any_of: &[Value]) -> bool {
    any_of
        == [
            serde_json::json!({"type": "integer"}),
            serde_json::json!({"type": "string"}),
        ]
}

/// `validateStructuralInvariants`.
fn invariants(schema: &Value, lvl: Level, path: &str, out: &mut Vec<Cause>) {
    let ty = s(schema, "type");
    if ty == "array" && schema.get("items").is_none() {
        out.push(Cause::required(
            &format!("{path}.items"),
            "must be specified",
        ));
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        invariants(items, Level::Item, &format!("{path}.items"), out);
    }
    for (key, property) in properties(schema) {
        invariants(
            property,
            Level::Field,
            &format!("{path}.properties[{key}]"),
            out,
        );
    }
    // validateGeneric
    if let Some(additional) = schema.get("additionalProperties") {
        if lvl == Level::Root {
            out.push(Cause::forbidden(
                &format!("{path}.additionalProperties"),
                "must not be used at the root",
            ));
        }
        if additional.is_object() {
            invariants(
                additional,
                Level::Field,
                &format!("{path}.additionalProperties"),
                out,
            );
        }
    }
    // validateExtensions
    let int_or_string = is_true(schema, "x-kubernetes-int-or-string");
    let preserve = is_true(schema, "x-kubernetes-preserve-unknown-fields");
    let embedded = is_true(schema, "x-kubernetes-embedded-resource");
    if int_or_string && preserve {
        out.push(Cause::invalid(
            &format!("{path}.x-kubernetes-preserve-unknown-fields"),
            &Value::Bool(true),
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    if int_or_string && embedded {
        out.push(Cause::invalid(
            &format!("{path}.x-kubernetes-embedded-resource"),
            &Value::Bool(true),
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    let skip_any_of = int_or_string_any_of(list(schema, "anyOf"));
    let skip_first_all_of_any_of = list(schema, "allOf")
        .first()
        .is_some_and(|first| int_or_string_any_of(list(first, "anyOf")));
    value_validation(schema, skip_any_of, skip_first_all_of_any_of, path, out);

    let check_metadata = lvl == Level::Root || embedded;
    if embedded && ty != "object" {
        let detail = "must be object if x-kubernetes-embedded-resource is true";
        out.push(if ty.is_empty() {
            Cause::required(&format!("{path}.type"), detail)
        } else {
            Cause::invalid(&format!("{path}.type"), &schema["type"], detail)
        });
    } else if ty.is_empty() && !int_or_string && !preserve {
        let detail = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        out.push(Cause::required(&format!("{path}.type"), detail));
    }
    if embedded && schema.get("additionalProperties").is_some() {
        out.push(Cause::forbidden(
            &format!("{path}.additionalProperties"),
            "must not be used if x-kubernetes-embedded-resource is set",
        ));
    }
    if lvl == Level::Root && !ty.is_empty() && ty != "object" {
        out.push(Cause::invalid(
            &format!("{path}.type"),
            &schema["type"],
            "must be object at the root",
        ));
    }
    let property = |key: &str| schema.get("properties").and_then(|p| p.get(key));
    for (key, want) in [
        ("kind", "string"),
        ("apiVersion", "string"),
        ("metadata", "object"),
    ] {
        if let Some(p) = property(key)
            && check_metadata
            && s(p, "type") != want
        {
            out.push(Cause::invalid(
                &format!("{path}.properties[{key}].type"),
                &Value::String(s(p, "type").to_owned()),
                &format!("must be {want}"),
            ));
        }
    }
    if let Some(metadata) = property("metadata")
        && lvl == Level::Root
        && !metadata_only_names(metadata)
    {
        out.push(Cause::forbidden(
            &format!("{path}.properties[metadata]"),
            "must not specify anything other than name and generateName, but metadata is implicitly specified",
        ));
    }
    if embedded && !preserve && !non_empty_object(schema, "properties") {
        out.push(Cause::required(
            &format!("{path}.properties"),
            "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields",
        ));
    }
}

/// The root's `metadata` may restrict `name` and `generateName` only: its `type` and `default`
/// are set aside (checked elsewhere), so are its properties when they are just those two; what
/// is left of it as a structural schema must be empty. `example` and `externalDocs` are no part
/// of a structural schema.
fn metadata_only_names(metadata: &Value) -> bool {
    let Some(m) = metadata.as_object() else {
        return true;
    };
    m.iter().all(|(key, value)| match key.as_str() {
        "type" | "default" | "example" | "externalDocs" => true,
        "properties" => value
            .as_object()
            .is_some_and(|p| !p.is_empty() && p.keys().all(|k| k == "name" || k == "generateName")),
        _ => false,
    })
}

/// `validateValueValidation`: the logic junctors of a structural node.
fn value_validation(
    v: &Value,
    skip_any_of: bool,
    skip_first_all_of_any_of: bool,
    path: &str,
    out: &mut Vec<Cause>,
) {
    if !skip_any_of {
        for (i, sub) in list(v, "anyOf").iter().enumerate() {
            nested(sub, false, &format!("{path}.anyOf[{i}]"), out);
        }
    }
    for (i, sub) in list(v, "allOf").iter().enumerate() {
        let skip = skip_first_all_of_any_of && i == 0;
        nested(sub, skip, &format!("{path}.allOf[{i}]"), out);
    }
    for (i, sub) in list(v, "oneOf").iter().enumerate() {
        nested(sub, false, &format!("{path}.oneOf[{i}]"), out);
    }
    if let Some(not) = v.get("not").filter(|n| n.is_object()) {
        nested(not, false, &format!("{path}.not"), out);
    }
}

/// `validateNestedValueValidation`: inside `allOf`/`anyOf`/`oneOf`/`not` only value
/// validations may be given.
fn nested(v: &Value, skip_any_of: bool, path: &str, out: &mut Vec<Cause>) {
    value_validation(v, skip_any_of, false, path, out);
    if let Some(items) = v.get("items").filter(|i| i.is_object()) {
        nested(items, false, &format!("{path}.items"), out);
    }
    for (key, property) in properties(v) {
        nested(property, false, &format!("{path}.properties[{key}]"), out);
    }
    let forbidden = |out: &mut Vec<Cause>, key: &str, detail: &str| {
        out.push(Cause::forbidden(&format!("{path}.{key}"), detail));
    };
    if !s(v, "type").is_empty() {
        forbidden(out, "type", "must be empty to be structural");
    }
    if v.get("additionalProperties").is_some() {
        forbidden(
            out,
            "additionalProperties",
            "must be undefined to be structural",
        );
    }
    if v.get("default").is_some_and(|d| !d.is_null()) {
        forbidden(out, "default", "must be undefined to be structural");
    }
    if !s(v, "title").is_empty() {
        forbidden(out, "title", "must be empty to be structural");
    }
    if !s(v, "description").is_empty() {
        forbidden(out, "description", "must be empty to be structural");
    }
    if is_true(v, "nullable") {
        forbidden(out, "nullable", "must be false to be structural");
    }
    for key in [
        "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-embedded-resource",
        "x-kubernetes-int-or-string",
    ] {
        if is_true(v, key) {
            forbidden(out, key, "must be false to be structural");
        }
    }
    if !list(v, "x-kubernetes-list-map-keys").is_empty() {
        forbidden(
            out,
            "x-kubernetes-list-map-keys",
            "must be empty to be structural",
        );
    }
    if v.get("x-kubernetes-list-type").is_some() {
        forbidden(
            out,
            "x-kubernetes-list-type",
            "must be undefined to be structural",
        );
    }
    if v.get("properties")
        .and_then(|p| p.get("metadata"))
        .is_some()
    {
        out.push(Cause::forbidden(
            &format!("{path}.properties[metadata]"),
            "must not be specified in a nested context",
        ));
    }
}

// ---- ValidateDefaults ------------------------------------------------------------------------

/// `ValidateDefaults`' recursion: every `default` (outside object metadata, where they are
/// forbidden) must be pruned already and valid against its own schema. `additionalProperties`
/// is not followed (defaults are refused there).
fn validate_defaults(
    schema: &Value,
    path: &str,
    root: bool,
    inside_meta: bool,
    out: &mut Vec<Cause>,
) {
    let embedded = root || is_true(schema, "x-kubernetes-embedded-resource");
    let inside_meta = inside_meta && !embedded;
    if let Some(default) = schema.get("default").filter(|d| !d.is_null())
        && !inside_meta
    {
        let default_path = format!("{path}.default");
        let mut pruned = default.clone();
        let mut as_root = schema.clone();
        if root && let Some(m) = as_root.as_object_mut() {
            m.insert("x-kubernetes-embedded-resource".into(), Value::Bool(true));
        }
        super::schema::prune_value_of(&as_root, &mut pruned);
        if &pruned != default {
            out.push(Cause::invalid_shown(
                &default_path,
                &go_sharp_v(default, true),
                "must not have unknown fields",
            ));
        }
        out.extend(super::schema_validator::validate_at(
            schema,
            default,
            &default_path,
        ));
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        validate_defaults(items, &format!("{path}.items"), false, inside_meta, out);
    }
    for (key, property) in properties(schema) {
        let meta =
            inside_meta || (embedded && matches!(key.as_str(), "metadata" | "apiVersion" | "kind"));
        validate_defaults(
            property,
            &format!("{path}.properties[{key}]"),
            false,
            meta,
            out,
        );
    }
}

/// Go's `%#v` of a JSON value as `encoding/json` decodes it into `interface{}`: maps with
/// sorted keys, `[]interface {}`, strings quoted, numbers as `int64`/`float64` print. `top` is
/// whether the value is the operand itself (a nil inside a container prints with its type).
pub fn go_sharp_v(value: &Value, top: bool) -> String {
    match value {
        Value::Null if top => "<nil>".to_owned(),
        Value::Null => "interface {}(nil)".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => go_quote(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => super::schema_validator::go_float(n.as_f64().unwrap_or(0.0)),
        },
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| go_sharp_v(v, false)).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let entries: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", go_quote(k), go_sharp_v(&map[k], false)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", entries.join(", "))
        }
    }
}

// ---- ValidateCustomResourceDefinitionOpenAPISchema -------------------------------------------

/// `specStandardValidatorV3`: what a node may not use, and whether defaults are allowed there.
#[derive(Clone)]
struct Ssv {
    allow_defaults: bool,
    disallow_reason: String,
    inside_meta: bool,
}

impl Ssv {
    fn forbidding_defaults(&self, reason: &str) -> Self {
        Self {
            allow_defaults: false,
            disallow_reason: reason.to_owned(),
            inside_meta: self.inside_meta,
        }
    }

    /// `specStandardValidatorV3.validate`.
    fn validate(&self, schema: &Value, path: &str, out: &mut Vec<Cause>) {
        const TYPES: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];
        let ty = s(schema, "type");
        if !ty.is_empty() && !TYPES.contains(&ty) {
            out.push(Cause::not_supported(
                &format!("{path}.type"),
                &schema["type"],
                &TYPES,
            ));
        }
        if schema.get("default").is_some_and(|d| !d.is_null()) && !self.allow_defaults {
            let mut detail = "must not be set".to_owned();
            if !self.disallow_reason.is_empty() {
                detail.push(' ');
                detail.push_str(&self.disallow_reason);
            }
            out.push(Cause::forbidden(&format!("{path}.default"), &detail));
        }
        let forbidden = |out: &mut Vec<Cause>, key: &str, detail: &str| {
            out.push(Cause::forbidden(&format!("{path}.{key}"), detail));
        };
        if !s(schema, "id").is_empty() {
            forbidden(out, "id", "id is not supported");
        }
        if schema.get("additionalItems").is_some() {
            forbidden(out, "additionalItems", "additionalItems is not supported");
        }
        if non_empty_object(schema, "patternProperties") {
            forbidden(
                out,
                "patternProperties",
                "patternProperties is not supported",
            );
        }
        if non_empty_object(schema, "definitions") {
            forbidden(out, "definitions", "definitions is not supported");
        }
        if schema.get("dependencies").is_some() {
            forbidden(out, "dependencies", "dependencies is not supported");
        }
        if schema.get("$ref").is_some() {
            forbidden(out, "$ref", "$ref is not supported");
        }
        if ty == "null" {
            forbidden(
                out,
                "type",
                "type cannot be set to null, use nullable as an alternative",
            );
        }
        if schema
            .get("items")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            forbidden(
                out,
                "items",
                "items must be a schema object and not an array",
            );
        }
        if self.inside_meta && is_true(schema, "x-kubernetes-embedded-resource") {
            forbidden(
                out,
                "x-kubernetes-embedded-resource",
                "must not be used inside of resource meta",
            );
        }
    }
}

/// `ValidateCustomResourceDefinitionOpenAPISchema`.
fn openapi_schema(schema: &Value, path: &str, ssv: &Ssv, root: bool, out: &mut Vec<Cause>) {
    ssv.validate(schema, path, out);
    if is_true(schema, "uniqueItems") {
        out.push(Cause::forbidden(
            &format!("{path}.uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    if let Some(additional) = schema.get("additionalProperties") {
        if non_empty_object(schema, "properties")
            && (additional == &Value::Bool(false) || additional.is_object())
        {
            out.push(Cause::forbidden(
                &format!("{path}.additionalProperties"),
                "additionalProperties and properties are mutual exclusive",
            ));
        }
        if additional.is_object() {
            let sub = if ssv.inside_meta {
                ssv.forbidding_defaults("inside additionalProperties applying to object metadata")
            } else {
                ssv.clone()
            };
            openapi_schema(
                additional,
                &format!("{path}.additionalProperties"),
                &sub,
                false,
                out,
            );
        }
    }
    let embedded = is_true(schema, "x-kubernetes-embedded-resource");
    for (key, property) in properties(schema) {
        let mut sub = ssv.clone();
        if (root || embedded) && matches!(key.as_str(), "metadata" | "kind" | "apiVersion") {
            sub.inside_meta = true;
            if root {
                sub = sub.forbidding_defaults(&format!("in top-level {key}"));
            }
        }
        openapi_schema(
            property,
            &format!("{path}.properties[{key}]"),
            &sub,
            false,
            out,
        );
    }
    if let Some(not) = schema.get("not").filter(|n| n.is_object()) {
        openapi_schema(not, &format!("{path}.not"), ssv, false, out);
    }
    for junctor in ["allOf", "oneOf", "anyOf"] {
        for (i, sub) in list(schema, junctor).iter().enumerate() {
            openapi_schema(sub, &format!("{path}.{junctor}[{i}]"), ssv, false, out);
        }
    }
    if let Some(definitions) = schema.get("definitions").and_then(Value::as_object) {
        for (key, sub) in definitions {
            openapi_schema(sub, &format!("{path}.definitions[{key}]"), ssv, false, out);
        }
    }
    match schema.get("items") {
        Some(items @ Value::Object(_)) => {
            openapi_schema(items, &format!("{path}.items"), ssv, false, out);
        }
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                openapi_schema(item, &format!("{path}.items[{i}]"), ssv, false, out);
            }
        }
        _ => {}
    }
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(false)) {
        out.push(Cause::invalid(
            &format!("{path}.x-kubernetes-preserve-unknown-fields"),
            &Value::Bool(false),
            "must be true or undefined",
        ));
    }
    list_and_map_types(schema, path, out);
    if let Some(rules) = schema.get("x-kubernetes-validations")
        && !rules.is_null()
    {
        out.push(Cause::forbidden(
            &format!("{path}.x-kubernetes-validations"),
            "CEL validation rules are not supported by kubemem; remove x-kubernetes-validations",
        ));
    }
}

/// The `x-kubernetes-map-type`, `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`
/// rules, then `validateMapListKeysMapSet`.
fn list_and_map_types(schema: &Value, path: &str, out: &mut Vec<Cause>) {
    let ty = s(schema, "type");
    let map_type = schema.get("x-kubernetes-map-type").and_then(Value::as_str);
    let list_type = schema.get("x-kubernetes-list-type").and_then(Value::as_str);
    let keys: Vec<&str> = list(schema, "x-kubernetes-list-map-keys")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let keys_shown = go_strings(&keys);
    let type_required = |out: &mut Vec<Cause>, want: &str, detail: &str| {
        out.push(if ty.is_empty() {
            Cause::required(&format!("{path}.type"), detail)
        } else if ty != want {
            Cause::invalid(&format!("{path}.type"), &schema["type"], detail)
        } else {
            return;
        });
    };
    if map_type.is_some() {
        type_required(
            out,
            "object",
            "must be object if x-kubernetes-map-type is specified",
        );
    }
    if let Some(m) = map_type
        && m != "atomic"
        && m != "granular"
    {
        out.push(Cause::not_supported(
            &format!("{path}.x-kubernetes-map-type"),
            &Value::String(m.to_owned()),
            &["atomic", "granular"],
        ));
    }
    let items = schema.get("items").filter(|i| i.is_object());
    if list_type.is_some() && ty != "array" {
        type_required(
            out,
            "array",
            "must be array if x-kubernetes-list-type is specified",
        );
    } else if list_type == Some("set")
        && let Some(items) = items
    {
        let detail = "must be atomic as item of a list with x-kubernetes-list-type=set";
        let item_list_type = items.get("x-kubernetes-list-type").and_then(Value::as_str);
        match s(items, "type") {
            "array" if item_list_type.is_some_and(|t| t != "atomic") => {
                out.push(Cause::invalid(
                    &format!("{path}.items.x-kubernetes-list-type"),
                    &items["x-kubernetes-list-type"],
                    detail,
                ));
            }
            // kube prints the items' list type here (`is.XListType`), not their map type.
            "object" if s(items, "x-kubernetes-map-type") != "atomic" => {
                out.push(Cause::invalid(
                    &format!("{path}.items.x-kubernetes-map-type"),
                    &Value::String(item_list_type.unwrap_or("null").to_owned()),
                    detail,
                ));
            }
            _ => {}
        }
    }
    if let Some(l) = list_type
        && !matches!(l, "atomic" | "set" | "map")
    {
        out.push(Cause::not_supported(
            &format!("{path}.x-kubernetes-list-type"),
            &Value::String(l.to_owned()),
            &["atomic", "set", "map"],
        ));
    }
    if !keys.is_empty() {
        let detail = "must be map if x-kubernetes-list-map-keys is non-empty";
        match list_type {
            None => out.push(Cause::required(
                &format!("{path}.x-kubernetes-list-type"),
                detail,
            )),
            Some("map") => {}
            Some(other) => out.push(Cause::invalid(
                &format!("{path}.x-kubernetes-list-type"),
                &Value::String(other.to_owned()),
                detail,
            )),
        }
    }
    if list_type == Some("map") {
        if keys.is_empty() {
            out.push(Cause::required(
                &format!("{path}.x-kubernetes-list-map-keys"),
                "must not be empty if x-kubernetes-list-type is map",
            ));
        }
        if schema.get("items").is_none() {
            out.push(Cause::required(
                &format!("{path}.items"),
                "must have a schema if x-kubernetes-list-type is map",
            ));
        }
        if let Some(items) = items {
            if s(items, "type") != "object" {
                out.push(Cause::invalid(
                    &format!("{path}.items.type"),
                    &Value::String(s(items, "type").to_owned()),
                    "must be object if parent array's x-kubernetes-list-type is map",
                ));
            } else {
                let mut seen = Vec::new();
                for key in &keys {
                    match items.get("properties").and_then(|p| p.get(*key)) {
                        Some(p) if matches!(s(p, "type"), "array" | "object") => {
                            // kube prints the items' type, not the key's.
                            out.push(Cause::invalid(
                                &format!("{path}.items.properties[{key}].type"),
                                &Value::String(s(items, "type").to_owned()),
                                "must be a scalar type if parent array's x-kubernetes-list-type is map",
                            ));
                        }
                        Some(_) => {}
                        None => out.push(Cause::invalid_shown(
                            &format!("{path}.x-kubernetes-list-map-keys"),
                            &keys_shown,
                            "entries must all be names of item properties",
                        )),
                    }
                    if seen.contains(key) {
                        out.push(Cause::invalid_shown(
                            &format!("{path}.x-kubernetes-list-map-keys"),
                            &keys_shown,
                            "must not contain duplicate entries",
                        ));
                    }
                    seen.push(*key);
                }
            }
        }
    }
    // validateMapListKeysMapSet
    if let (Some(items), Some(lt @ ("set" | "map"))) = (items, list_type) {
        if is_true(items, "nullable") {
            out.push(Cause::forbidden(
                &format!("{path}.items.nullable"),
                &format!("cannot be nullable when x-kubernetes-list-type is {lt}"),
            ));
        }
        if lt == "map" {
            let required: Vec<&str> = list(items, "required")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for key in &keys {
                let Some(p) = items.get("properties").and_then(|p| p.get(*key)) else {
                    continue;
                };
                if !required.contains(key) && p.get("default").is_none_or(Value::is_null) {
                    out.push(Cause::required(
                        &format!("{path}.items.properties[{key}].default"),
                        "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
                    ));
                }
                if is_true(p, "nullable") {
                    out.push(Cause::forbidden(
                        &format!("{path}.items.properties[{key}].nullable"),
                        "this property is in x-kubernetes-list-map-keys, so it cannot be nullable",
                    ));
                }
            }
        }
    }
}

/// Go's `%#v` of a `[]string`.
pub fn go_strings(items: &[&str]) -> String {
    if items.is_empty() {
        return "[]string(nil)".to_owned();
    }
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}
