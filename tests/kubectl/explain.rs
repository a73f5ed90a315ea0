//! `kubectl explain`, which renders the OpenAPI v3 schemas the server publishes: one field with
//! its description and the fields of its type, one kind, and a whole kind with `--recursive`.
//!
//! Fields whose type is an enum carry what kube-apiserver publishes for them (OpenAPIEnums, on by
//! default): their `enum` values, which 1.33 prints (an `ENUM:` block for the field explained, an
//! `enum:` line in field lists, four values at most, `""` for the empty one), and a "Possible
//! enum values" paragraph at the end of the description, which both releases print. The
//! expected text follows kubectl's `plaintext.tmpl` (`extractEnum`, `wrap` with go-wordwrap) on
//! kube's descriptions.

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

/// The description of `PodSpec.restartPolicy`, as explain wraps it (both releases).
const RESTART_POLICY: &[&str] = &[
    "DESCRIPTION:",
    "    Restart policy for all containers within the pod. One of Always, OnFailure,",
    "    Never. In some contexts, only a subset of those values may be permitted.",
    "    Default to Always. More info:",
    "    https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy",
    "    ",
    "    Possible enum values:",
    "     - `\"Always\"`",
    "     - `\"Never\"`",
    "     - `\"OnFailure\"`",
    "    ",
    "",
];

#[test]
fn explain_an_enum_field() {
    each_kubectl(|k| {
        k.say("explain pod.spec.restartPolicy");
        let mut expected = vec![
            "KIND:       Pod",
            "VERSION:    v1",
            "",
            "FIELD: restartPolicy <string>",
        ];
        if k.release() != "1.27" {
            expected.extend(["ENUM:", "    Always", "    Never", "    OnFailure"]);
        }
        expected.push("");
        expected.extend(RESTART_POLICY);
        assert_eq!(
            k.ok(&["explain", "pod.spec.restartPolicy"]),
            lines(&expected)
        );
    });
}

#[test]
fn explain_lists_enum_values_of_fields() {
    each_kubectl(|k| {
        k.say("explain pod.spec.containers.ports");
        let enum_line: &[&str] = if k.release() == "1.27" {
            &[]
        } else {
            &["  enum: SCTP, TCP, UDP"]
        };
        let mut expected = vec![
            "KIND:       Pod",
            "VERSION:    v1",
            "",
            "FIELD: ports <[]ContainerPort>",
            "",
        ];
        if k.release() != "1.27" {
            expected.push("");
        }
        expected.extend([
            "DESCRIPTION:",
            "    List of ports to expose from the container. Not specifying a port here DOES",
            "    NOT prevent that port from being exposed. Any port which is listening on the",
            "    default \"0.0.0.0\" address inside a container will be accessible from the",
            "    network. Modifying this array with strategic merge patch may corrupt the",
            "    data. For more information See",
            "    https://github.com/kubernetes/kubernetes/issues/108255. Cannot be updated.",
            "    ContainerPort represents a network port in a single container.",
            "    ",
            "FIELDS:",
            "  containerPort\t<integer> -required-",
            "    Number of port to expose on the pod's IP address. This must be a valid port",
            "    number, 0 < x < 65536.",
            "",
            "  hostIP\t<string>",
            "    What host IP to bind the external port to.",
            "",
            "  hostPort\t<integer>",
            "    Number of port to expose on the host. If specified, this must be a valid",
            "    port number, 0 < x < 65536. If HostNetwork is specified, this must match",
            "    ContainerPort. Most containers do not need this.",
            "",
            "  name\t<string>",
            "    If specified, this must be an IANA_SVC_NAME and unique within the pod. Each",
            "    named port in a pod must have a unique name. Name for the port that can be",
            "    referred to by services.",
            "",
            "  protocol\t<string>",
        ]);
        expected.extend(enum_line);
        expected.extend([
            "    Protocol for port. Must be UDP, TCP, or SCTP. Defaults to \"TCP\".",
            "    ",
            "    Possible enum values:",
            "     - `\"SCTP\"` is the SCTP protocol.",
            "     - `\"TCP\"` is the TCP protocol.",
            "     - `\"UDP\"` is the UDP protocol.",
            "",
            "",
        ]);
        assert_eq!(
            k.ok(&["explain", "pod.spec.containers.ports"]),
            lines(&expected)
        );
    });
}

#[test]
fn explain_recursive_lists_enum_values() {
    each_kubectl(|k| {
        k.say("explain deployment --recursive: enum lines");
        let out = k.ok(&["explain", "deployment", "--recursive"]);
        // (field line, 1.33's enum line): past four values, `, ....`; the empty value as `""`.
        for (field, values) in [
            (
                "      type\t<string>",
                "      enum: Recreate, RollingUpdate",
            ),
            (
                "        restartPolicy\t<string>",
                "        enum: Always, Never, OnFailure",
            ),
            (
                "            type\t<string>",
                "            enum: \"\", BlockDevice, CharDevice, Directory, ....",
            ),
        ] {
            if k.release() == "1.27" {
                assert!(!out.contains("enum:"), "{out}");
                assert!(
                    out.lines().any(|l| l == field),
                    "no line {field:?} in\n{out}"
                );
            } else {
                let pair = lines(&[field, values]);
                assert!(out.contains(&pair), "no {pair:?} in\n{out}");
            }
        }
    });
}
