//! `kubectl explain`, which renders the OpenAPI v3 schemas the server publishes: one field with
//! its description and the fields of its type, one kind, and a whole kind with `--recursive`.
//!
//! Fields whose type is an enum are left out: kube-apiserver publishes their `enum` values and a
//! "Possible enum values" paragraph (OpenAPIEnums, on by default), which 1.33 prints as `enum:`
//! lines; kubemem's definitions come from kube's published snapshot, generated without them.

use super::{each_kubectl, lines};

/// `kubectl explain deployment.spec.selector` from `DESCRIPTION:` on (both releases print the
/// same; the descriptions are those of kube-apiserver v1.36).
const SELECTOR: &[&str] = &[
    "DESCRIPTION:",
    "    Label selector for pods. Existing ReplicaSets whose pods are selected by",
    "    this will be the ones affected by this deployment. It must match the pod",
    "    template's labels.",
    "    A label selector is a label query over a set of resources. The result of",
    "    matchLabels and matchExpressions are ANDed. An empty label selector matches",
    "    all objects. A null label selector matches no objects.",
    "    ",
    "FIELDS:",
    "  matchExpressions\t<[]LabelSelectorRequirement>",
    "    matchExpressions is a list of label selector requirements. The requirements",
    "    are ANDed.",
    "",
    "  matchLabels\t<map[string]string>",
    "    matchLabels is a map of {key,value} pairs. A single {key,value} in the",
    "    matchLabels map is equivalent to an element of matchExpressions, whose key",
    "    field is \"key\", the operator is \"In\", and the values array contains only",
    "    \"value\". The requirements are ANDed.",
    "",
    "",
];

/// `kubectl explain configmap` (both releases).
const CONFIGMAP: &[&str] = &[
    "KIND:       ConfigMap",
    "VERSION:    v1",
    "",
    "DESCRIPTION:",
    "    ConfigMap holds configuration data for pods to consume.",
    "    ",
    "FIELDS:",
    "  apiVersion\t<string>",
    "    APIVersion defines the versioned schema of this representation of an object.",
    "    Servers should convert recognized schemas to the latest internal value, and",
    "    may reject unrecognized values. More info:",
    "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
    "",
    "  binaryData\t<map[string]string>",
    "    BinaryData contains the binary data. Each key must consist of alphanumeric",
    "    characters, '-', '_' or '.'. BinaryData can contain byte sequences that are",
    "    not in the UTF-8 range. The keys stored in BinaryData must not overlap with",
    "    the ones in the Data field, this is enforced during validation process.",
    "    Using this field will require 1.10+ apiserver and kubelet.",
    "",
    "  data\t<map[string]string>",
    "    Data contains the configuration data. Each key must consist of alphanumeric",
    "    characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use",
    "    the BinaryData field. The keys stored in Data must not overlap with the keys",
    "    in the BinaryData field, this is enforced during validation process.",
    "",
    "  immutable\t<boolean>",
    "    Immutable, if set to true, ensures that data stored in the ConfigMap cannot",
    "    be updated (only object metadata can be modified). If not set to true, the",
    "    field can be modified at any time. Defaulted to nil.",
    "",
    "  kind\t<string>",
    "    Kind is a string value representing the REST resource this object",
    "    represents. Servers may infer this from the endpoint the client submits",
    "    requests to. Cannot be updated. In CamelCase. More info:",
    "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
    "",
    "  metadata\t<ObjectMeta>",
    "    Standard object's metadata. More info:",
    "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    "",
    "",
];

#[test]
fn explain_one_field() {
    each_kubectl(|k| {
        k.say("explain deployment.spec.selector");
        let mut head = vec![
            "GROUP:      apps",
            "KIND:       Deployment",
            "VERSION:    v1",
            "",
            "FIELD: selector <LabelSelector>",
            "",
        ];
        if k.release() != "1.27" {
            // Where 1.33's template would list the values of an enum.
            head.push("");
        }
        assert_eq!(
            k.ok(&["explain", "deployment.spec.selector"]),
            lines(&[head.as_slice(), SELECTOR].concat())
        );
    });
}

#[test]
fn explain_one_kind() {
    each_kubectl(|k| {
        k.say("explain configmap");
        assert_eq!(k.ok(&["explain", "configmap"]), lines(CONFIGMAP));
    });
}

#[test]
fn explain_recursive_lists_every_field() {
    each_kubectl(|k| {
        k.say("explain deployment --recursive");
        let out = k.ok(&["explain", "deployment", "--recursive"]);
        assert!(
            out.starts_with(&lines(&[
                "GROUP:      apps",
                "KIND:       Deployment",
                "VERSION:    v1",
                "",
                "DESCRIPTION:",
                "    Deployment enables declarative updates for Pods and ReplicaSets.",
                "    ",
                "FIELDS:",
                "  apiVersion\t<string>",
                "  kind\t<string>",
                "  metadata\t<ObjectMeta>",
            ])),
            "{out}"
        );
        let spec = lines(&[
            "  spec\t<DeploymentSpec>",
            "    minReadySeconds\t<integer>",
            "    paused\t<boolean>",
            "    progressDeadlineSeconds\t<integer>",
            "    replicas\t<integer>",
            "    revisionHistoryLimit\t<integer>",
            "    selector\t<LabelSelector> -required-",
            "      matchExpressions\t<[]LabelSelectorRequirement>",
            "        key\t<string> -required-",
            "        operator\t<string> -required-",
            "        values\t<[]string>",
            "      matchLabels\t<map[string]string>",
        ]);
        assert!(out.contains(&spec), "{out}");
        for line in [
            "    template\t<PodTemplateSpec> -required-",
            "        containers\t<[]Container> -required-",
            "  status\t<DeploymentStatus>",
            "    readyReplicas\t<integer>",
        ] {
            assert!(out.lines().any(|l| l == line), "no line {line:?} in\n{out}");
        }
    });
}
