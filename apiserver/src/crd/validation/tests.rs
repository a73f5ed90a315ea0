//! `ValidateCustomResourceDefinition`'s rules, one case per rule, each naming the kube function
//! it mirrors.

use super::*;

/// The CRD as the registry validates it: defaulted, with the status its write computes
/// (`storedVersions` as `PrepareForCreate` leaves it).
fn crd(v: Value) -> Map<String, Value> {
    let mut m = super::super::as_map(v);
    default(&mut m);
    super::super::status::compute(&mut m, None, false, &[], "T");
    m
}

fn messages(causes: &[Cause]) -> Vec<String> {
    causes.iter().map(Cause::full).collect()
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

/// A `%#v` of one version as the v1 conversion leaves it when the schema moved to the spec.
fn go_version(name: &str, storage: bool) -> String {
    format!(
        "apiextensions.CustomResourceDefinitionVersion{{Name:\"{name}\", Served:true, Storage:{storage}, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}"
    )
}

#[test]
fn a_good_crd_is_defaulted_and_valid() {
    let obj = crd(good());
    assert_eq!(obj["spec"]["names"]["singular"], "widget");
    assert_eq!(obj["spec"]["names"]["listKind"], "WidgetList");
    assert_eq!(obj["spec"]["conversion"], json!({"strategy": "None"}));
    assert!(validate(&obj, None).is_empty());
}

/// One case per rule, each naming the kube function it mirrors; `edit` changes [`good`].
#[test]
fn crd_rules_and_messages_are_kubes() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, Vec<String>)> = vec![
        (
            // ValidateCustomResourceDefinition's nameFn; validateEnumStrings (scope).
            "name and scope",
            |v| {
                v["metadata"]["name"] = json!("other.example.com");
                v["spec"]["scope"] = json!("Global");
            },
            vec![
                "metadata.name: Invalid value: \"other.example.com\": must be spec.names.plural+\".\"+spec.group".into(),
                "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"".into(),
            ],
        ),
        (
            // validateCustomResourceDefinitionSpec: group.
            "group",
            |v| {
                v["metadata"]["name"] = json!("widgets.example");
                v["spec"]["group"] = json!("example");
            },
            vec!["spec.group: Invalid value: \"example\": should be a domain with at least one dot".into()],
        ),
        (
            // storageFlagCount != 1 with the versions' %#v (the schema moved to
            // spec.validation, so no version has one), then
            // ValidateCustomResourceDefinitionStoredVersions on what PrepareForCreate left.
            "two storage versions",
            |v| {
                let version = v["spec"]["versions"][0].clone();
                let mut second = version.clone();
                second["name"] = json!("v2");
                v["spec"]["versions"] = json!([version, second]);
            },
            vec![
                format!(
                    "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{{}, {}}}: must have exactly one version marked as storage version",
                    go_version("v1", true),
                    go_version("v2", true)
                ),
                "status.storedVersions: Invalid value: []string{\"v1\"}: must have the storage version v2".into(),
            ],
        ),
        (
            "no storage version",
            |v| v["spec"]["versions"][0]["storage"] = json!(false),
            vec![
                format!(
                    "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{{}}}: must have exactly one version marked as storage version",
                    go_version("v1", false)
                ),
                "status.storedVersions: Invalid value: []string(nil): must have at least one stored version".into(),
            ],
        ),
        (
            // Version names: DNS-1035 on versions[i].name and on the internal spec.version.
            "version name",
            |v| v["spec"]["versions"][0]["name"] = json!("V1"),
            vec![
                "spec.versions[0].name: Invalid value: \"V1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into(),
                "spec.version: Invalid value: \"V1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into(),
            ],
        ),
        (
            // requireOpenAPISchema: every version without a schema.
            "no schema",
            |v| {
                v["spec"]["versions"][0].as_object_mut().unwrap().remove("schema");
            },
            vec!["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required".into()],
        ),
        (
            // ValidateCustomResourceDefinitionNames: shortNames, kind == listKind, categories.
            "names",
            |v| {
                v["spec"]["names"]["shortNames"] = json!(["Bad_Name"]);
                v["spec"]["names"]["listKind"] = json!("Widget");
                v["spec"]["names"]["categories"] = json!(["all_"]);
            },
            vec![
                "spec.names.shortNames[0]: Invalid value: \"Bad_Name\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into(),
                "spec.names.listKind: Invalid value: \"Widget\": kind and listKind may not be the same".into(),
                "spec.names.categories[0]: Invalid value: \"all_\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into(),
            ],
        ),
        (
            // ValidateStructural (sorted), one version: at spec.validation, after the names.
            "structural, one version",
            |v| {
                v["spec"]["names"]["shortNames"] = json!(["Bad_Name"]);
                v["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = json!({
                    "properties": {"spec": {"properties": {"b": {"type": "array"}, "a": {}}}}
                });
            },
            vec![
                "spec.names.shortNames[0]: Invalid value: \"Bad_Name\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[a].type: Required value: must not be empty for specified object fields".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[b].items: Required value: must be specified".into(),
                "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields".into(),
                "spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root".into(),
            ],
        ),
        (
            // Two versions with different schemas: per version, within the versions' errors.
            "structural, two versions",
            |v| {
                let mut second = v["spec"]["versions"][0].clone();
                second["name"] = json!("v2");
                second["storage"] = json!(false);
                second["schema"]["openAPIV3Schema"]["type"] = json!("array");
                v["spec"]["versions"].as_array_mut().unwrap().push(second);
                v["spec"]["names"]["kind"] = json!("");
            },
            vec![
                "spec.versions[1].schema.openAPIV3Schema.items: Required value: must be specified".into(),
                "spec.versions[1].schema.openAPIV3Schema.type: Invalid value: \"array\": must be object at the root".into(),
                // No kind: the defaults derive no singular and no listKind either.
                "spec.names.singular: Required value".into(),
                "spec.names.kind: Required value".into(),
                "spec.names.listKind: Required value".into(),
            ],
        ),
        (
            // ValidateStructural: metadata at the root may only restrict name/generateName;
            // additionalProperties at the root; a nested metadata.
            "metadata restrictions",
            |v| {
                v["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = json!({"type": "object", "properties": {
                    "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}, "labels": {"type": "object"}}},
                    "spec": {"type": "object", "anyOf": [{"properties": {"metadata": {}}}]}
                }});
            },
            vec![
                "spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified".into(),
                "spec.validation.openAPIV3Schema.properties[spec].anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context".into(),
            ],
        ),
        (
            // A metadata restricting only the name is allowed.
            "metadata name only",
            |v| {
                v["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["metadata"] =
                    json!({"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}}});
            },
            vec![],
        ),
        (
            // ValidateCustomResourceDefinitionOpenAPISchema after the structural rules.
            "openapi subset",
            |v| {
                v["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = json!({
                    "type": "object",
                    "properties": {
                        "t": {"type": "strin"},
                        "u": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
                        "p": {"type": "object", "x-kubernetes-preserve-unknown-fields": false},
                        "l": {"type": "array", "x-kubernetes-list-type": "map", "items": {"type": "object", "properties": {"k": {"type": "string"}}}, "x-kubernetes-list-map-keys": ["k"]}
                    },
                    "additionalProperties": {"type": "string"}
                });
            },
            vec![
                "spec.validation.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[t].type: Unsupported value: \"strin\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[u].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[l].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property".into(),
            ],
        ),
        (
            // ValidateDefaults: a default must validate against its schema and be pruned;
            // defaults in top-level metadata are forbidden.
            "defaults",
            |v| {
                v["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = json!({
                    "type": "object",
                    "properties": {
                        "r": {"type": "integer", "default": "one"},
                        "o": {"type": "object", "properties": {"a": {"type": "string"}}, "default": {"a": "x", "b": 1}}
                    }
                });
            },
            vec![
                "spec.validation.openAPIV3Schema.properties[spec].properties[r].default: Invalid value: \"string\":  in body must be of type integer: \"string\"".into(),
                "spec.validation.openAPIV3Schema.properties[spec].properties[o].default: Invalid value: map[string]interface {}{\"a\":\"x\", \"b\":1}: must not have unknown fields".into(),
            ],
        ),
        (
            // ValidateCustomResourceColumnDefinition.
            "printer columns",
            |v| {
                v["spec"]["versions"][0]["additionalPrinterColumns"] = json!([
                    {"name": "A", "type": "text", "jsonPath": "spec.a", "format": "uuid"},
                    {"jsonPath": ".spec.b"}
                ]);
            },
            vec![
                "spec.additionalPrinterColumns[0].type: Invalid value: \"text\": must be one of boolean,date,integer,number,string".into(),
                "spec.additionalPrinterColumns[0].format: Invalid value: \"uuid\": must be one of byte,date,date-time,double,float,int32,int64,password".into(),
                "spec.additionalPrinterColumns[0].JSONPath: Invalid value: \"spec.a\": must be a simple json path starting with .".into(),
                "spec.additionalPrinterColumns[1].name: Required value".into(),
                "spec.additionalPrinterColumns[1].type: Required value: must be one of boolean,date,integer,number,string".into(),
            ],
        ),
        (
            // validateDeprecationWarning.
            "deprecation warning",
            |v| v["spec"]["versions"][0]["deprecationWarning"] = json!("old"),
            vec!["spec.versions[0].deprecationWarning: Invalid value: \"old\": can only be set for deprecated versions".into()],
        ),
        (
            // validateCustomResourceConversion for strategy None.
            "conversion",
            |v| v["spec"]["conversion"] = json!({"strategy": "None", "webhook": {"conversionReviewVersions": ["v1"]}}),
            vec!["spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook".into()],
        ),
        (
            // validateAPIApproval.
            "api approval",
            |v| {
                v["metadata"]["name"] = json!("widgets.apps.k8s.io");
                v["spec"]["group"] = json!("apps.k8s.io");
            },
            vec!["metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation \"api-approved.kubernetes.io\", see https://github.com/kubernetes/enhancements/pull/1111".into()],
        ),
        (
            "api approval, approved",
            |v| {
                v["metadata"]["name"] = json!("widgets.apps.k8s.io");
                v["metadata"]["annotations"] = json!({"api-approved.kubernetes.io": "https://github.com/kubernetes/kubernetes/pull/1"});
                v["spec"]["group"] = json!("apps.k8s.io");
            },
            vec![],
        ),
        (
            // validatePreserveUnknownFields.
            "preserveUnknownFields",
            |v| v["spec"]["preserveUnknownFields"] = json!(true),
            vec!["spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead".into()],
        ),
    ];
    for (i, (name, edit, want)) in cases.into_iter().enumerate() {
        println!("#{i}: {name}");
        let mut v = good();
        edit(&mut v);
        assert_eq!(messages(&validate(&crd(v), None)), want, "#{i}: {name}");
    }
}

/// `ValidateCustomResourceDefinitionSubresources`, at `spec.subresources` (one version).
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
                "spec.subresources.scale.specReplicasPath: Required value",
                "spec.subresources.scale.statusReplicasPath: Required value",
            ],
        ),
        (
            json!({"specReplicasPath": "spec.replicas", "statusReplicasPath": ".spec.replicas", "labelSelectorPath": ".metadata.labels"}),
            vec![
                "spec.subresources.scale.specReplicasPath: Invalid value: \"spec.replicas\": must be a simple json path starting with .",
                "spec.subresources.scale.statusReplicasPath: Invalid value: \".spec.replicas\": should be a json path under .status",
                "spec.subresources.scale.labelSelectorPath: Invalid value: \".metadata.labels\": should be a json path under either .spec or .status",
            ],
        ),
        (
            json!({"specReplicasPath": ".spec", "statusReplicasPath": ".", "labelSelectorPath": "x"}),
            vec![
                "spec.subresources.scale.specReplicasPath: Invalid value: \".spec\": should be a json path under .spec",
                "spec.subresources.scale.statusReplicasPath: Invalid value: \".\": should be a json path under .status",
                "spec.subresources.scale.labelSelectorPath: Invalid value: \"x\": must be a simple json path starting with .",
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

/// `validateCustomResourceDefinitionSpecUpdate` and the stored versions' migration rule.
#[test]
fn updates_keep_names_scope_and_stored_versions() {
    let old = crd(good());
    let mut v = Value::Object(old.clone());
    v["spec"]["scope"] = json!("Cluster");
    v["spec"]["versions"][0]["name"] = json!("v2");
    let mut new = super::super::as_map(v);
    super::super::status::compute(&mut new, old.get("status"), false, &[], "T");
    assert_eq!(
        messages(&validate(&new, Some(&old))),
        [
            "spec.scope: Invalid value: \"Cluster\": field is immutable",
            "status.storedVersions[0]: Invalid value: \"v1\": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions",
        ]
    );
}
