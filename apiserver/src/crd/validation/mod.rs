//! `ValidateCustomResourceDefinition` / `ValidateCustomResourceDefinitionUpdate`
//! (`pkg/apis/apiextensions/validation/validation.go`) for `apiextensions.k8s.io/v1`, and the v1
//! defaults (`pkg/apis/apiextensions/v1/defaults.go`).
//!
//! kube validates the *internal* CRD, which the v1 conversion
//! (`Convert_v1_CustomResourceDefinitionSpec_To_apiextensions_CustomResourceDefinitionSpec`)
//! shapes: when every version has the same `schema` (a single version always does), it moves to
//! `spec.validation`; likewise `subresources` to `spec.subresources` and
//! `additionalPrinterColumns` to `spec.additionalPrinterColumns`. Field paths, and the order of
//! the errors, follow that shape ([`Internal`]): a one-version CRD's schema errors read
//! `spec.validation.openAPIV3Schema...` and come after the names' errors, a multi-version one's
//! with differing schemas `spec.versions[i].schema.openAPIV3Schema...` within the versions'.
//!
//! Where kube prints `spec.versions` with `%#v`, kubemem prints the same Go syntax of the
//! internal versions, with `0xc000000000` for each non-nil pointer (a heap address in kube).
//! The schema rules are [`super::structural`]'s. CEL rules (`x-kubernetes-validations`) are
//! refused (decision 19 of `docs/DESIGN.md`), as are webhook conversions, which kubemem cannot
//! call. `selectableFields` are not validated.

use serde_json::{Map, Value, json};

use super::structural::{go_strings, validate_validation};
use crate::error::{Cause, go_quote, is_go_printable};
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
    let conversion = spec
        .entry("conversion")
        .or_insert_with(|| json!({"strategy": "None"}));
    // `SetDefaults_CustomResourceConversion`.
    if let Some(conversion) = conversion.as_object_mut()
        && conversion
            .get("strategy")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
    {
        conversion.insert("strategy".into(), json!("None"));
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A field that is set: present and not `null`.
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|f| !f.is_null())
}

/// The CRD's spec as kube's internal type holds it after the v1 conversion: the per-version
/// `schema`, `subresources` and `additionalPrinterColumns` that every version has alike are the
/// spec's, and no version's.
struct Internal<'a> {
    versions: &'a [Value],
    /// `spec.validation`.
    validation: Option<&'a Value>,
    /// `spec.subresources`.
    subresources: Option<&'a Value>,
    /// `spec.additionalPrinterColumns`.
    columns: &'a [Value],
    schema_moved: bool,
    subresources_moved: bool,
    columns_moved: bool,
}

impl<'a> Internal<'a> {
    fn of(spec: &'a Value) -> Self {
        let versions = items(spec, "versions");
        // `apiequality.Semantic.DeepEqual`: an empty list is no list.
        let columns_of = |v: &'a Value| items(v, "additionalPrinterColumns");
        let same = |get: &dyn Fn(&'a Value) -> Option<&'a Value>| {
            versions
                .iter()
                .all(|v| get(v) == versions.first().and_then(get))
        };
        let some = !versions.is_empty();
        let schema_moved = some && same(&|v| field(v, "schema"));
        let subresources_moved = some && same(&|v| field(v, "subresources"));
        let columns_moved = some
            && versions
                .iter()
                .all(|v| columns_of(v) == columns_of(&versions[0]));
        let first = versions.first();
        Self {
            versions,
            validation: first
                .filter(|_| schema_moved)
                .and_then(|v| field(v, "schema")),
            subresources: first
                .filter(|_| subresources_moved)
                .and_then(|v| field(v, "subresources")),
            columns: first
                .filter(|_| columns_moved)
                .map_or(&[], |v| columns_of(v)),
            schema_moved,
            subresources_moved,
            columns_moved,
        }
    }

    fn schema(&self, version: &'a Value) -> Option<&'a Value> {
        field(version, "schema").filter(|_| !self.schema_moved)
    }

    fn subresources(&self, version: &'a Value) -> Option<&'a Value> {
        field(version, "subresources").filter(|_| !self.subresources_moved)
    }

    fn columns(&self, version: &'a Value) -> &'a [Value] {
        if self.columns_moved {
            &[]
        } else {
            items(version, "additionalPrinterColumns")
        }
    }

    /// `getSubresourcesForVersion` then `hasStatusEnabled`.
    fn status_enabled(&self, version: &'a Value) -> bool {
        let subresources = if self.subresources_moved {
            self.subresources
        } else {
            self.subresources(version)
        };
        subresources.is_some_and(|s| field(s, "status").is_some())
    }

    /// `hasAnyStatusEnabled`.
    fn any_status_enabled(&self) -> bool {
        self.subresources
            .is_some_and(|s| field(s, "status").is_some())
            || self.versions.iter().any(|v| {
                self.subresources(v)
                    .is_some_and(|s| field(s, "status").is_some())
            })
    }

    /// `%#v` of `spec.Versions` (`[]apiextensions.CustomResourceDefinitionVersion`).
    fn go_versions(&self) -> String {
        const TYPE: &str = "apiextensions.CustomResourceDefinitionVersion";
        if self.versions.is_empty() {
            return format!("[]{TYPE}(nil)");
        }
        let pointer = |set: bool, ty: &str| {
            let address = if set { "0xc000000000" } else { "nil" };
            format!("(*{ty})({address})")
        };
        let listed: Vec<String> = self
            .versions
            .iter()
            .map(|v| {
                let columns = if self.columns_moved || field(v, "additionalPrinterColumns").is_none() {
                    "[]apiextensions.CustomResourceColumnDefinition(nil)".to_owned()
                } else {
                    let cols: Vec<String> = self
                        .columns(v)
                        .iter()
                        .map(|c| {
                            format!(
                                "apiextensions.CustomResourceColumnDefinition{{Name:{}, Type:{}, Format:{}, Description:{}, Priority:{}, JSONPath:{}}}",
                                go_quote(s(c, "name")),
                                go_quote(s(c, "type")),
                                go_quote(s(c, "format")),
                                go_quote(s(c, "description")),
                                c["priority"].as_i64().unwrap_or(0),
                                go_quote(s(c, "jsonPath")),
                            )
                        })
                        .collect();
                    format!("[]apiextensions.CustomResourceColumnDefinition{{{}}}", cols.join(", "))
                };
                let selectable = match field(v, "selectableFields").and_then(Value::as_array) {
                    None => "[]apiextensions.SelectableField(nil)".to_owned(),
                    Some(fields) => {
                        let fields: Vec<String> = fields
                            .iter()
                            .map(|f| format!("apiextensions.SelectableField{{JSONPath:{}}}", go_quote(s(f, "jsonPath"))))
                            .collect();
                        format!("[]apiextensions.SelectableField{{{}}}", fields.join(", "))
                    }
                };
                format!(
                    "{TYPE}{{Name:{}, Served:{}, Storage:{}, Deprecated:{}, DeprecationWarning:{}, Schema:{}, Subresources:{}, AdditionalPrinterColumns:{columns}, SelectableFields:{selectable}}}",
                    go_quote(s(v, "name")),
                    v["served"] == true,
                    v["storage"] == true,
                    v["deprecated"] == true,
                    pointer(field(v, "deprecationWarning").is_some(), "string"),
                    pointer(self.schema(v).is_some(), "apiextensions.CustomResourceValidation"),
                    pointer(self.subresources(v).is_some(), "apiextensions.CustomResourceSubresources"),
                )
            })
            .collect();
        format!("[]{TYPE}{{{}}}", listed.join(", "))
    }
}

/// The causes of a CRD beyond the generic metadata checks: `ValidateCustomResourceDefinition`,
/// or with `old` (the stored CRD) `ValidateCustomResourceDefinitionUpdate`.
pub fn validate(crd: &Map<String, Value>, old: Option<&Map<String, Value>>) -> Vec<Cause> {
    let mut out = Vec::new();
    let spec = crd.get("spec").unwrap_or(&Value::Null);
    let names = spec.get("names").unwrap_or(&Value::Null);
    let name = crate::object::meta_str(crd, "name");
    // The CRD's `nameFn` adds this to `NameIsDNSSubdomain`'s messages.
    if !name.is_empty() && name != format!("{}.{}", s(names, "plural"), s(spec, "group")) {
        out.push(Cause::invalid(
            "metadata.name",
            &json!(name),
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    let internal = Internal::of(spec);
    validate_spec(spec, &internal, &mut out);
    if let Some(old) = old {
        // `validateCustomResourceDefinitionSpecUpdate`
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
    stored_versions(crd, internal.versions, &mut out);
    api_approval(crd, old, &mut out);
    // `validatePreserveUnknownFields`
    let preserving = |obj: &Map<String, Value>| obj["spec"]["preserveUnknownFields"] == true;
    if preserving(crd) && !old.is_some_and(preserving) {
        out.push(Cause::invalid(
            "spec.preserveUnknownFields",
            &Value::Bool(true),
            "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead",
        ));
    }
    out
}

/// `validateCustomResourceDefinitionSpec`.
fn validate_spec(spec: &Value, internal: &Internal<'_>, out: &mut Vec<Cause>) {
    let names = spec.get("names").unwrap_or(&Value::Null);
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
    enum_strings(
        "spec.scope",
        s(spec, "scope"),
        &["Cluster", "Namespaced"],
        out,
    );
    let has_schema = |v: Option<&Value>| v.and_then(|v| field(v, "openAPIV3Schema")).is_some();
    if !has_schema(internal.validation) {
        for (i, version) in internal.versions.iter().enumerate() {
            if !has_schema(internal.schema(version)) {
                out.push(Cause::required(
                    &format!("spec.versions[{i}].schema.openAPIV3Schema"),
                    "schemas are required",
                ));
            }
        }
    }
    if spec["preserveUnknownFields"] == true && has_defaults(spec) {
        out.push(Cause::invalid(
            "spec.preserveUnknownFields",
            &Value::Bool(true),
            "must be false in order to use defaults in the schema",
        ));
    }
    let mut storage = 0;
    let mut seen = std::collections::HashSet::new();
    let mut unique = true;
    for (i, version) in internal.versions.iter().enumerate() {
        let path = format!("spec.versions[{i}]");
        if version["storage"] == true {
            storage += 1;
        }
        let name = s(version, "name");
        unique &= seen.insert(name.to_owned());
        if let errs @ [_, ..] = is_dns1035_label(name).as_slice() {
            out.push(Cause::invalid(
                &format!("{path}.name"),
                &json!(name),
                &errs.join(","),
            ));
        }
        // validateCustomResourceDefinitionVersion
        for error in deprecation_warning(version) {
            out.push(Cause::invalid(
                &format!("{path}.deprecationWarning"),
                &version["deprecationWarning"],
                &error,
            ));
        }
        if let Some(schema) = internal.schema(version) {
            out.extend(validate_validation(
                schema,
                internal.status_enabled(version),
                &format!("{path}.schema"),
            ));
        }
        if let Some(subresources) = internal.subresources(version) {
            validate_subresources(subresources, &format!("{path}.subresources"), out);
        }
        for (j, column) in internal.columns(version).iter().enumerate() {
            validate_column(
                column,
                &format!("{path}.additionalPrinterColumns[{j}]"),
                out,
            );
        }
    }
    if !unique {
        out.push(Cause::invalid_shown(
            "spec.versions",
            &internal.go_versions(),
            "must contain unique version names",
        ));
    }
    if storage != 1 {
        out.push(Cause::invalid_shown(
            "spec.versions",
            &internal.go_versions(),
            "must have exactly one version marked as storage version",
        ));
    }
    // `spec.version` is the first version's name after the conversion.
    if let Some(first) = internal.versions.first()
        && let errs @ [_, ..] = is_dns1035_label(s(first, "name")).as_slice()
        && !s(first, "name").is_empty()
    {
        out.push(Cause::invalid(
            "spec.version",
            &json!(s(first, "name")),
            &errs.join(","),
        ));
    }
    for field in ["plural", "singular", "kind", "listKind"] {
        if s(names, field).is_empty() {
            out.push(Cause::required(&format!("spec.names.{field}"), ""));
        }
    }
    validate_names(names, "spec.names", out);
    if let Some(validation) = internal.validation {
        out.extend(validate_validation(
            validation,
            internal.any_status_enabled(),
            "spec.validation",
        ));
    }
    if let Some(subresources) = internal.subresources {
        validate_subresources(subresources, "spec.subresources", out);
    }
    for (j, column) in internal.columns.iter().enumerate() {
        validate_column(column, &format!("spec.additionalPrinterColumns[{j}]"), out);
    }
    validate_conversion(spec.get("conversion"), out);
}

/// `validateEnumStrings` with `required`.
fn enum_strings(path: &str, value: &str, accepted: &[&str], out: &mut Vec<Cause>) {
    if value.is_empty() {
        out.push(Cause::required(path, ""));
    } else if !accepted.contains(&value) {
        out.push(Cause::not_supported(path, &json!(value), accepted));
    }
}

/// `specHasDefaults`: a `default` anywhere in a version's schema.
fn has_defaults(spec: &Value) -> bool {
    fn any_default(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                m.get("default").is_some_and(|d| !d.is_null()) || m.values().any(any_default)
            }
            Value::Array(a) => a.iter().any(any_default),
            _ => false,
        }
    }
    items(spec, "versions")
        .iter()
        .filter_map(|v| v.get("schema"))
        .any(any_default)
}

/// `validateDeprecationWarning`.
fn deprecation_warning(version: &Value) -> Vec<String> {
    let Some(warning) = field(version, "deprecationWarning") else {
        return Vec::new();
    };
    if version["deprecated"] != true {
        return vec!["can only be set for deprecated versions".to_owned()];
    }
    let warning = warning.as_str().unwrap_or("");
    let mut errors = Vec::new();
    if warning.len() > 256 {
        errors.push("must be <= 256 characters long".to_owned());
    }
    if warning.is_empty() {
        errors.push("must not be an empty string".to_owned());
    }
    for (i, c) in warning.char_indices() {
        if !is_go_printable(c) && c != ' ' {
            errors.push(format!(
                "must only contain printable UTF-8 characters; non-printable character found at index {i}"
            ));
            break;
        }
        if c.is_control() {
            errors.push(format!(
                "must only contain printable UTF-8 characters; control character found at index {i}"
            ));
            break;
        }
    }
    errors
}

/// `ValidateCustomResourceColumnDefinition`.
fn validate_column(column: &Value, path: &str, out: &mut Vec<Cause>) {
    const TYPES: &str = "boolean,date,integer,number,string";
    const FORMATS: &str = "byte,date,date-time,double,float,int32,int64,password";
    if s(column, "name").is_empty() {
        out.push(Cause::required(&format!("{path}.name"), ""));
    }
    match s(column, "type") {
        "" => out.push(Cause::required(
            &format!("{path}.type"),
            &format!("must be one of {TYPES}"),
        )),
        t if TYPES.split(',').any(|x| x == t) => {}
        t => out.push(Cause::invalid(
            &format!("{path}.type"),
            &json!(t),
            &format!("must be one of {TYPES}"),
        )),
    }
    let format = s(column, "format");
    if !format.is_empty() && !FORMATS.split(',').any(|x| x == format) {
        out.push(Cause::invalid(
            &format!("{path}.format"),
            &json!(format),
            &format!("must be one of {FORMATS}"),
        ));
    }
    let json_path = s(column, "jsonPath");
    if json_path.is_empty() {
        out.push(Cause::required(&format!("{path}.JSONPath"), ""));
    } else {
        simple_json_path(json_path, &format!("{path}.JSONPath"), out);
    }
}

/// `validateSimpleJSONPath`; whether it passed.
fn simple_json_path(value: &str, path: &str, out: &mut Vec<Cause>) -> bool {
    if !value.starts_with('.') {
        out.push(Cause::invalid(
            path,
            &json!(value),
            "must be a simple json path starting with .",
        ));
        return false;
    }
    true
}

/// `ValidateCustomResourceDefinitionSubresources`: the scale paths are required, simple JSON
/// paths under `.spec.` and `.status.`, a label selector path under either.
fn validate_subresources(subresources: &Value, path: &str, out: &mut Vec<Cause>) {
    let Some(scale) = field(subresources, "scale") else {
        return;
    };
    for (key, prefix, detail) in [
        (
            "specReplicasPath",
            ".spec.",
            "should be a json path under .spec",
        ),
        (
            "statusReplicasPath",
            ".status.",
            "should be a json path under .status",
        ),
    ] {
        let value = s(scale, key);
        let field_path = format!("{path}.scale.{key}");
        if value.is_empty() {
            out.push(Cause::required(&field_path, ""));
        } else if simple_json_path(value, &field_path, out) && !value.starts_with(prefix) {
            out.push(Cause::invalid(&field_path, &json!(value), detail));
        }
    }
    let selector = s(scale, "labelSelectorPath");
    let field_path = format!("{path}.scale.labelSelectorPath");
    if !selector.is_empty()
        && simple_json_path(selector, &field_path, out)
        && !selector.starts_with(".spec.")
        && !selector.starts_with(".status.")
    {
        out.push(Cause::invalid(
            &field_path,
            &json!(selector),
            "should be a json path under either .spec or .status",
        ));
    }
}

/// `validateCustomResourceConversion`, the v1 `webhook` read as the internal
/// `webhookClientConfig` and `conversionReviewVersions`.
fn validate_conversion(conversion: Option<&Value>, out: &mut Vec<Cause>) {
    let Some(conversion) = conversion.filter(|c| !c.is_null()) else {
        return;
    };
    let strategy = s(conversion, "strategy");
    enum_strings(
        "spec.conversion.strategy",
        strategy,
        &["None", "Webhook"],
        out,
    );
    let webhook = conversion.get("webhook").unwrap_or(&Value::Null);
    if strategy == "Webhook" {
        out.push(Cause::forbidden(
            "spec.conversion.strategy",
            "kubemem does not call conversion webhooks: only \"None\" is supported",
        ));
        return;
    }
    if field(webhook, "clientConfig").is_some() {
        out.push(Cause::forbidden(
            "spec.conversion.webhookClientConfig",
            "should not be set when strategy is not set to Webhook",
        ));
    }
    if !items(webhook, "conversionReviewVersions").is_empty() {
        out.push(Cause::forbidden(
            "spec.conversion.conversionReviewVersions",
            "should not be set when strategy is not set to Webhook",
        ));
    }
}

/// `ValidateCustomResourceDefinitionNames`.
fn validate_names(names: &Value, path: &str, out: &mut Vec<Cause>) {
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
    let each = |out: &mut Vec<Cause>, field: &str| {
        for (i, value) in items(names, field).iter().enumerate() {
            let value = value.as_str().unwrap_or("");
            if let errs @ [_, ..] = is_dns1035_label(value).as_slice() {
                out.push(Cause::invalid(
                    &format!("{path}.{field}[{i}]"),
                    &json!(value),
                    &errs.join(","),
                ));
            }
        }
    };
    each(out, "shortNames");
    let kind = s(names, "kind");
    if !kind.is_empty() && kind == s(names, "listKind") {
        out.push(Cause::invalid(
            &format!("{path}.listKind"),
            &json!(kind),
            "kind and listKind may not be the same",
        ));
    }
    each(out, "categories");
}

/// `ValidateCustomResourceDefinitionStoredVersions`, on the stored versions the strategy's
/// `PrepareForCreate`/`PrepareForUpdate` leave (the first storage version added).
fn stored_versions(crd: &Map<String, Value>, versions: &[Value], out: &mut Vec<Cause>) {
    let stored: Vec<&str> = crd
        .get("status")
        .map(|s| items(s, "storedVersions"))
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let path = "status.storedVersions";
    if stored.is_empty() {
        out.push(Cause::invalid_shown(
            path,
            &go_strings(&stored),
            "must have at least one stored version",
        ));
        return;
    }
    for version in versions {
        let name = s(version, "name");
        if version["storage"] == true && !stored.contains(&name) {
            out.push(Cause::invalid_shown(
                path,
                &go_strings(&stored),
                &format!("must have the storage version {name}"),
            ));
        }
    }
    for (i, name) in stored.iter().enumerate() {
        if !versions.iter().any(|v| s(v, "name") == *name) {
            out.push(Cause::invalid(
                &format!("{path}[{i}]"),
                &json!(name),
                &format!(
                    "missing from spec.versions; {name} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in {name} and removes {name} from status.storedVersions"
                ),
            ));
        }
    }
}

/// `KubeAPIApprovedAnnotation`.
const API_APPROVED: &str = "api-approved.kubernetes.io";

/// `validateAPIApproval`: a CRD of a protected group (`k8s.io`, `kubernetes.io` and their
/// subdomains) needs the approval annotation, unless an update leaves its state as it was.
fn api_approval(crd: &Map<String, Value>, old: Option<&Map<String, Value>>, out: &mut Vec<Cause>) {
    let group = crd["spec"]["group"].as_str().unwrap_or("");
    let protected = ["k8s.io", "kubernetes.io"]
        .iter()
        .any(|g| group == *g || group.ends_with(&format!(".{g}")));
    if !protected {
        return;
    }
    let annotation = |obj: &Map<String, Value>| {
        obj.get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(API_APPROVED))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let new = annotation(crd);
    let (state, reason) = approval_state(&new);
    if let Some(old) = old
        && approval_state(&annotation(old)).0 == state
    {
        return;
    }
    let path = format!("metadata.annotations[{API_APPROVED}]");
    match state {
        Approval::Missing => out.push(Cause::required(&path, &reason)),
        Approval::Invalid => out.push(Cause::invalid(&path, &json!(new), &reason)),
        Approval::Approved | Approval::Bypassed => {}
    }
}

#[derive(PartialEq, Eq)]
enum Approval {
    Invalid,
    Approved,
    Bypassed,
    Missing,
}

/// `GetAPIApprovalState`.
fn approval_state(annotation: &str) -> (Approval, String) {
    if annotation.is_empty() {
        return (
            Approval::Missing,
            format!(
                "protected groups must have approval annotation {}, see https://github.com/kubernetes/enhancements/pull/1111",
                go_quote(API_APPROVED)
            ),
        );
    }
    if annotation.starts_with("unapproved") {
        return (
            Approval::Bypassed,
            format!("not approved: {}", go_quote(annotation)),
        );
    }
    // `url.ParseRequestURI` with a scheme and a host.
    let url = annotation.split_once("://").filter(|(scheme, rest)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && !rest.split(['/', '?', '#']).next().unwrap_or("").is_empty()
            && !annotation.contains(' ')
    });
    if url.is_some() {
        return (Approval::Approved, format!("approved in {annotation}"));
    }
    (
        Approval::Invalid,
        format!(
            "protected groups must have approval annotation {} with either a URL or a reason starting with \"unapproved\", see https://github.com/kubernetes/enhancements/pull/1111",
            go_quote(API_APPROVED)
        ),
    )
}

#[cfg(test)]
mod tests;
