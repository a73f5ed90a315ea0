//! `ValidateCustomResourceDefinition` / `ValidateCustomResourceDefinitionUpdate`
//! (`pkg/apis/apiextensions/validation/validation.go`) for `apiextensions.k8s.io/v1`, and the v1
//! defaults (`pkg/apis/apiextensions/v1/defaults.go`).
//!
//! The structural-schema rules kept are the ones CRDs most often break: a schema per version,
//! `type: object` at the root, a type on every specified field. CEL rules
//! (`x-kubernetes-validations`) are refused (decision 19 of `docs/DESIGN.md`), as are webhook
//! conversions, which kubemem cannot call.

use serde_json::{Map, Value, json};

use crate::error::Cause;
use crate::names::{is_dns1035_label, is_dns1123_subdomain};

/// `SetDefaults_CustomResourceDefinitionSpec`: `singular` from the kind, `listKind`,
/// conversion `None`.
pub fn default(crd: &mut Map<String, Value>) {
    let Some(spec) = crd.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(names) = spec.get_mut("names").and_then(Value::as_object_mut) {
        let kind = names
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if names
            .get("singular")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            names.insert("singular".into(), json!(kind.to_lowercase()));
        }
        if names
            .get("listKind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
            && !kind.is_empty()
        {
            names.insert("listKind".into(), json!(format!("{kind}List")));
        }
    }
    spec.entry("conversion")
        .or_insert_with(|| json!({"strategy": "None"}));
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The causes of a CRD beyond the generic metadata checks. `old` is the stored CRD on update.
pub fn validate(crd: &Map<String, Value>, old: Option<&Map<String, Value>>) -> Vec<Cause> {
    let mut out = Vec::new();
    let spec = crd.get("spec").unwrap_or(&Value::Null);
    let names = spec.get("names").unwrap_or(&Value::Null);
    let name = crate::object::meta_str(crd, "name");
    if name != format!("{}.{}", s(names, "plural"), s(spec, "group")) {
        out.push(Cause::invalid(
            "metadata.name",
            &json!(name),
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    let group = s(spec, "group");
    if group.is_empty() {
        out.push(Cause::required("spec.group", ""));
    } else if let errs @ [_, ..] = is_dns1123_subdomain(group).as_slice() {
        out.push(Cause::invalid("spec.group", &json!(group), &errs.join(",")));
    } else if group.split('.').count() < 2 {
        out.push(Cause::invalid(
            "spec.group",
            &json!(group),
            "should be a domain with at least one dot",
        ));
    }
    match s(spec, "scope") {
        "" => out.push(Cause::required("spec.scope", "")),
        "Cluster" | "Namespaced" => {}
        other => out.push(Cause::not_supported(
            "spec.scope",
            &json!(other),
            &["Cluster", "Namespaced"],
        )),
    }
    let versions = spec
        .get("versions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut storage = 0;
    let mut seen = std::collections::HashSet::new();
    let mut unique = true;
    for (i, version) in versions.iter().enumerate() {
        if version.get("storage") == Some(&Value::Bool(true)) {
            storage += 1;
        }
        let name = s(version, "name");
        unique &= seen.insert(name.to_owned());
        if let errs @ [_, ..] = is_dns1035_label(name).as_slice() {
            out.push(Cause::invalid(
                &format!("spec.versions[{i}].name"),
                &json!(name),
                &errs.join(","),
            ));
        }
    }
    if versions.is_empty() {
        out.push(Cause::required(
            "spec.versions",
            "must have at least one version",
        ));
    }
    if !unique {
        out.push(Cause::invalid_shown(
            "spec.versions",
            &go_versions(versions),
            "must contain unique version names",
        ));
    }
    if storage != 1 {
        out.push(Cause::invalid_shown(
            "spec.versions",
            &go_versions(versions),
            "must have exactly one version marked as storage version",
        ));
    }
    for field in ["plural", "singular", "kind", "listKind"] {
        if s(names, field).is_empty() {
            out.push(Cause::required(&format!("spec.names.{field}"), ""));
        }
    }
    out.extend(validate_names(names, "spec.names"));
    match s(spec.get("conversion").unwrap_or(&Value::Null), "strategy") {
        "" | "None" => {}
        "Webhook" => out.push(Cause::forbidden(
            "spec.conversion.strategy",
            "kubemem does not call conversion webhooks: only \"None\" is supported",
        )),
        other => out.push(Cause::not_supported(
            "spec.conversion.strategy",
            &json!(other),
            &["None", "Webhook"],
        )),
    }
    for (i, version) in versions.iter().enumerate() {
        let path = format!("spec.versions[{i}]");
        match version.get("schema").and_then(|s| s.get("openAPIV3Schema")) {
            None => out.push(Cause::required(
                &format!("{path}.schema.openAPIV3Schema"),
                "schemas are required",
            )),
            Some(schema) => {
                let path = format!("{path}.schema.openAPIV3Schema");
                if s(schema, "type") != "object" {
                    out.push(match s(schema, "type") {
                        "" => Cause::required(
                            &format!("{path}.type"),
                            "must not be empty at the root",
                        ),
                        other => Cause::invalid(
                            &format!("{path}.type"),
                            &json!(other),
                            "must be object at the root",
                        ),
                    });
                }
                structural(schema, &path, true, &mut out);
            }
        }
        if let Some(scale) = version.get("subresources").and_then(|s| s.get("scale")) {
            validate_scale(scale, &format!("{path}.subresources"), &mut out);
        }
        for (j, column) in version
            .get("additionalPrinterColumns")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let path = format!("{path}.additionalPrinterColumns[{j}]");
            if s(column, "name").is_empty() {
                out.push(Cause::required(&format!("{path}.name"), ""));
            }
            match s(column, "type") {
                "integer" | "number" | "string" | "boolean" | "date" => {}
                "" => out.push(Cause::required(&format!("{path}.type"), "")),
                other => out.push(Cause::not_supported(
                    &format!("{path}.type"),
                    &json!(other),
                    &["boolean", "date", "integer", "number", "string"],
                )),
            }
            if s(column, "jsonPath").is_empty() {
                out.push(Cause::required(&format!("{path}.JSONPath"), ""));
            }
        }
    }
    if let Some(old) = old {
        let old_spec = old.get("spec").unwrap_or(&Value::Null);
        let established = super::condition_true(&Value::Object(old.clone()), "Established");
        let immutable = |out: &mut Vec<Cause>, field: &str, new: &Value, old: &Value| {
            if new != old {
                out.push(Cause::invalid(field, new, "field is immutable"));
            }
        };
        if established {
            immutable(&mut out, "spec.scope", &spec["scope"], &old_spec["scope"]);
            immutable(
                &mut out,
                "spec.names.kind",
                &names["kind"],
                &old_spec["names"]["kind"],
            );
        }
        immutable(&mut out, "spec.group", &spec["group"], &old_spec["group"]);
        immutable(
            &mut out,
            "spec.names.plural",
            &names["plural"],
            &old_spec["names"]["plural"],
        );
    }
    out
}

/// The scale part of `ValidateCustomResourceDefinitionSubresources`: the replicas paths are
/// required, simple JSON paths under `.spec.` and `.status.`, a label selector path under either.
fn validate_scale(scale: &Value, path: &str, out: &mut Vec<Cause>) {
    let checks: [(&str, &[&str], &str); 3] = [
        (
            "specReplicasPath",
            &[".spec."],
            "should be a json path under .spec",
        ),
        (
            "statusReplicasPath",
            &[".status."],
            "should be a json path under .status",
        ),
        (
            "labelSelectorPath",
            &[".spec.", ".status."],
            "should be a json path under either .spec or .status",
        ),
    ];
    for (field, prefixes, detail) in checks {
        let value = s(scale, field);
        let field_path = format!("{path}.scale.{field}");
        if value.is_empty() {
            if field != "labelSelectorPath" {
                out.push(Cause::required(&field_path, ""));
            }
        } else if !value.starts_with('.') {
            out.push(Cause::invalid(
                &field_path,
                &json!(value),
                "must be a simple json path starting with .",
            ));
        } else if !prefixes.iter().any(|p| value.starts_with(p)) {
            out.push(Cause::invalid(&field_path, &json!(value), detail));
        }
    }
}

/// `%v` of `[]CustomResourceDefinitionVersion` is unwieldy; kubemem prints the version names.
fn go_versions(versions: &[Value]) -> String {
    let names: Vec<String> = versions.iter().map(|v| s(v, "name").to_owned()).collect();
    format!("[{}]", names.join(" "))
}

/// `ValidateCustomResourceDefinitionNames`.
fn validate_names(names: &Value, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    for field in ["plural", "singular"] {
        let value = s(names, field);
        if let errs @ [_, ..] = is_dns1035_label(value).as_slice()
            && !value.is_empty()
        {
            out.push(Cause::invalid(
                &format!("{path}.{field}"),
                &json!(value),
                &errs.join(","),
            ));
        }
    }
    for field in ["kind", "listKind"] {
        let value = s(names, field);
        if let errs @ [_, ..] = is_dns1035_label(&value.to_lowercase()).as_slice()
            && !value.is_empty()
        {
            out.push(Cause::invalid(
                &format!("{path}.{field}"),
                &json!(value),
                &format!(
                    "may have mixed case, but should otherwise match: {}",
                    errs.join(",")
                ),
            ));
        }
    }
    for field in ["shortNames", "categories"] {
        for (i, value) in names
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let value = value.as_str().unwrap_or("");
            if let errs @ [_, ..] = is_dns1035_label(value).as_slice() {
                out.push(Cause::invalid(
                    &format!("{path}.{field}[{i}]"),
                    &json!(value),
                    &errs.join(","),
                ));
            }
        }
    }
    let kind = s(names, "kind");
    if !kind.is_empty() && kind == s(names, "listKind") {
        out.push(Cause::invalid(
            &format!("{path}.listKind"),
            &json!(kind),
            "kind and listKind may not be the same",
        ));
    }
    out
}

/// The structural-schema rules kubemem checks, and its refusal of CEL rules.
fn structural(schema: &Value, path: &str, root: bool, out: &mut Vec<Cause>) {
    if schema.get("x-kubernetes-validations").is_some() {
        out.push(Cause::forbidden(
            &format!("{path}.x-kubernetes-validations"),
            "CEL validation rules are not supported by kubemem; remove x-kubernetes-validations",
        ));
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
        out.push(Cause::forbidden(
            &format!("{path}.uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        if schema
            .get("additionalProperties")
            .is_some_and(|a| a.is_object() || *a == Value::Bool(false))
        {
            out.push(Cause::forbidden(
                &format!("{path}.additionalProperties"),
                "additionalProperties and properties are mutual exclusive",
            ));
        }
        for (key, child) in properties {
            let child_path = format!("{path}.properties[{key}]");
            if root && key == "metadata" {
                continue;
            }
            if !typed(child) {
                out.push(Cause::required(
                    &format!("{child_path}.type"),
                    "must not be empty for specified object fields",
                ));
            }
            structural(child, &child_path, false, out);
        }
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        let child_path = format!("{path}.additionalProperties");
        if !typed(additional) {
            out.push(Cause::required(
                &format!("{child_path}.type"),
                "must not be empty for specified object fields",
            ));
        }
        structural(additional, &child_path, false, out);
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        let child_path = format!("{path}.items");
        if !typed(items) {
            out.push(Cause::required(
                &format!("{child_path}.type"),
                "must not be empty for specified array items",
            ));
        }
        structural(items, &child_path, false, out);
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        for (i, sub) in schema
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if sub.get("x-kubernetes-validations").is_some() {
                structural(sub, &format!("{path}.{combinator}[{i}]"), false, out);
            }
        }
    }
}

/// A type, or one of the extensions that stand for it.
fn typed(schema: &Value) -> bool {
    !s(schema, "type").is_empty()
        || schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true))
        || schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(v: Value) -> Map<String, Value> {
        let mut m = super::super::as_map(v);
        default(&mut m);
        m
    }

    fn messages(causes: &[Cause]) -> Vec<String> {
        causes
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect()
    }

    fn good() -> Value {
        json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {
                "group": "example.com",
                "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object"}}}}}]
            }
        })
    }

    #[test]
    fn a_good_crd_is_defaulted_and_valid() {
        let obj = crd(good());
        assert_eq!(obj["spec"]["names"]["singular"], "widget");
        assert_eq!(obj["spec"]["names"]["listKind"], "WidgetList");
        assert_eq!(obj["spec"]["conversion"], json!({"strategy": "None"}));
        assert!(validate(&obj, None).is_empty());
    }

    #[test]
    fn names_versions_scope_and_schemas_are_checked() {
        let mut v = good();
        v["metadata"]["name"] = json!("other.example.com");
        v["spec"]["scope"] = json!("Global");
        v["spec"]["names"]["shortNames"] = json!(["Bad_Name"]);
        v["spec"]["versions"] = json!([
            {"name": "v1", "served": true, "storage": false, "schema": {"openAPIV3Schema": {"type": "object",
                "properties": {"spec": {"properties": {"x": {"type": "string"}}},
                               "rule": {"type": "string", "x-kubernetes-validations": [{"rule": "self != ''"}]}}}}},
            {"name": "v2", "served": true, "storage": false}
        ]);
        assert_eq!(
            messages(&validate(&crd(v), None)),
            [
                "metadata.name: Invalid value: \"other.example.com\": must be spec.names.plural+\".\"+spec.group",
                "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"",
                "spec.versions: Invalid value: [v1 v2]: must have exactly one version marked as storage version",
                "spec.names.shortNames[0]: Invalid value: \"Bad_Name\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
                "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
                "spec.versions[0].schema.openAPIV3Schema.properties[rule].x-kubernetes-validations: Forbidden: CEL validation rules are not supported by kubemem; remove x-kubernetes-validations",
                "spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required",
            ]
        );
    }

    #[test]
    fn scale_paths_are_checked() {
        let cases = [
            (
                json!({"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"}),
                vec![],
            ),
            (
                json!({"labelSelectorPath": ""}),
                vec![
                    "spec.versions[0].subresources.scale.specReplicasPath: Required value",
                    "spec.versions[0].subresources.scale.statusReplicasPath: Required value",
                ],
            ),
            (
                json!({"specReplicasPath": "spec.replicas", "statusReplicasPath": ".spec.replicas", "labelSelectorPath": ".metadata.labels"}),
                vec![
                    "spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \"spec.replicas\": must be a simple json path starting with .",
                    "spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: \".spec.replicas\": should be a json path under .status",
                    "spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: \".metadata.labels\": should be a json path under either .spec or .status",
                ],
            ),
            (
                json!({"specReplicasPath": ".spec", "statusReplicasPath": ".", "labelSelectorPath": "x"}),
                vec![
                    "spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".spec\": should be a json path under .spec",
                    "spec.versions[0].subresources.scale.statusReplicasPath: Invalid value: \".\": should be a json path under .status",
                    "spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: \"x\": must be a simple json path starting with .",
                ],
            ),
        ];
        for (i, (scale, want)) in cases.into_iter().enumerate() {
            println!("#{i}: {scale}");
            let mut v = good();
            v["spec"]["versions"][0]["subresources"] = json!({ "scale": scale });
            assert_eq!(messages(&validate(&crd(v), None)), want, "#{i}");
        }
    }
}
