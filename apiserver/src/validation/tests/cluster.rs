use serde_json::{Value, json};

use super::{at, case, cause, run_creates, run_updates};

const NODES: (&str, &str, &str) = ("", "v1", "nodes");
const NAMESPACES: (&str, &str, &str) = ("", "v1", "namespaces");
const ENDPOINTS: (&str, &str, &str) = ("", "v1", "endpoints");

fn node() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "n1"},
        "spec": {
            "podCIDRs": ["10.244.0.0/24"],
            "providerID": "kind://n1",
            "taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
        }
    })
}

#[test]
fn node_create() {
    run_creates(
        NODES,
        &node(),
        vec![
            case(
                "a taint repeated with its effect",
                |n| {
                    *at(n, "spec/taints") = json!([
                        {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
                        {"key": "dedicated", "value": "cpu", "effect": "NoSchedule"},
                        {"key": "dedicated", "effect": "NoExecute"}
                    ])
                },
                vec![cause(
                    "metadata.taints[1]",
                    "FieldValueDuplicate",
                    "Duplicate value: core.Taint{Key:\"dedicated\", Value:\"cpu\", Effect:\"NoSchedule\", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair",
                )],
            ),
            case(
                "a taint without an effect, with a bad key",
                |n| *at(n, "spec/taints") = json!([{"key": "a/b/c"}]),
                vec![
                    cause(
                        "metadata.taints[0].key",
                        "FieldValueInvalid",
                        "Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                    ),
                    cause(
                        "metadata.taints[0].effect",
                        "FieldValueRequired",
                        "Required value",
                    ),
                ],
            ),
            case(
                "an unknown effect",
                |n| *at(n, "spec/taints/0/effect") = json!("NoAdmit"),
                vec![cause(
                    "metadata.taints[0].effect",
                    "FieldValueNotSupported",
                    "Unsupported value: \"NoAdmit\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                )],
            ),
            case(
                "two IPv4 pod CIDRs",
                |n| *at(n, "spec/podCIDRs") = json!(["10.244.0.0/24", "10.245.0.0/24"]),
                vec![cause(
                    "spec.podCIDRs",
                    "FieldValueInvalid",
                    "Invalid value: []string{\"10.244.0.0/24\", \"10.245.0.0/24\"}: may specify no more than one CIDR for each IP family",
                )],
            ),
            case(
                "a pod CIDR that is not one",
                |n| *at(n, "spec/podCIDRs") = json!(["10.244.0.0"]),
                vec![cause(
                    "spec.podCIDRs[0]",
                    "FieldValueInvalid",
                    "Invalid value: \"10.244.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                )],
            ),
        ],
    );
}

#[test]
fn node_update() {
    run_updates(
        NODES,
        &node(),
        vec![
            case(
                "taints may change",
                |n| *at(n, "spec/taints") = json!([]),
                vec![],
            ),
            case(
                "pod CIDRs may not",
                |n| *at(n, "spec/podCIDRs") = json!(["10.244.1.0/24"]),
                vec![cause(
                    "spec.podCIDRs",
                    "FieldValueForbidden",
                    "Forbidden: node updates may not change podCIDR except from \"\" to valid",
                )],
            ),
            case(
                "nor the provider ID",
                |n| *at(n, "spec/providerID") = json!("kind://n2"),
                vec![cause(
                    "spec.providerID",
                    "FieldValueForbidden",
                    "Forbidden: node updates may not change providerID except from \"\" to valid",
                )],
            ),
        ],
    );
}

#[test]
fn namespace_finalizers() {
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}, "spec": {"finalizers": ["kubernetes"]}});
    run_creates(
        NAMESPACES,
        &ns,
        vec![
            case(
                "a qualified finalizer",
                |n| *at(n, "spec/finalizers") = json!(["example.com/hold"]),
                vec![],
            ),
            case(
                "neither standard nor qualified",
                |n| *at(n, "spec/finalizers") = json!(["hold"]),
                vec![cause(
                    "spec.finalizers",
                    "FieldValueInvalid",
                    "Invalid value: \"hold\": name is neither a standard finalizer name nor is it fully qualified",
                )],
            ),
        ],
    );
}

#[test]
fn endpoints_subsets() {
    let ep = json!({
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [{"addresses": [{"ip": "10.244.0.5"}], "ports": [{"port": 8080}]}]
    });
    run_creates(
        ENDPOINTS,
        &ep,
        vec![
            case(
                "a subset without addresses",
                |e| *at(e, "subsets/0/addresses") = json!([]),
                vec![cause(
                    "subsets[0]",
                    "FieldValueRequired",
                    "Required value: must specify `addresses` or `notReadyAddresses`",
                )],
            ),
            case(
                "a loopback address and an unnamed second port",
                |e| {
                    *at(e, "subsets/0/addresses/0/ip") = json!("127.0.0.1");
                    *at(e, "subsets/0/ports") = json!([{"name": "a", "port": 1}, {"port": 0}]);
                },
                vec![
                    cause(
                        "subsets[0].addresses[0].ip",
                        "FieldValueInvalid",
                        "Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                    ),
                    cause(
                        "subsets[0].ports[1].name",
                        "FieldValueRequired",
                        "Required value",
                    ),
                    cause(
                        "subsets[0].ports[1].port",
                        "FieldValueInvalid",
                        "Invalid value: 0: must be between 1 and 65535, inclusive",
                    ),
                ],
            ),
        ],
    );
}
