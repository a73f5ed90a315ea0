use serde_json::{Value, json};

use super::{at, case, cause, remove, run_creates, run_updates};

const SERVICES: (&str, &str, &str) = ("", "v1", "services");

/// A Service as the registry validates it: its ClusterIP allocated, its families set.
fn service() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "selector": {"app": "web"},
            "ports": [{"port": 80}],
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack"
        }
    })
}

const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";

#[test]
fn service_create() {
    run_creates(
        SERVICES,
        &service(),
        vec![
            case(
                "no ports",
                |s| remove(s, "spec/ports"),
                vec![cause("spec.ports", "FieldValueRequired", "Required value")],
            ),
            case(
                "port out of range (the target port defaults to it)",
                |s| *at(s, "spec/ports") = json!([{"port": 70000}]),
                vec![
                    cause(
                        "spec.ports[0].port",
                        "FieldValueInvalid",
                        &format!("Invalid value: 70000: {PORT_RANGE}"),
                    ),
                    cause(
                        "spec.ports[0].targetPort",
                        "FieldValueInvalid",
                        &format!("Invalid value: 70000: {PORT_RANGE}"),
                    ),
                ],
            ),
            case(
                "several ports need names",
                |s| *at(s, "spec/ports") = json!([{"port": 80}, {"port": 443}]),
                vec![
                    cause("spec.ports[0].name", "FieldValueRequired", "Required value"),
                    cause("spec.ports[1].name", "FieldValueRequired", "Required value"),
                ],
            ),
            case(
                "duplicate port name",
                |s| {
                    *at(s, "spec/ports") =
                        json!([{"name": "http", "port": 80}, {"name": "http", "port": 81}])
                },
                vec![cause(
                    "spec.ports[1].name",
                    "FieldValueDuplicate",
                    "Duplicate value: \"http\"",
                )],
            ),
            case(
                "duplicate port and protocol",
                |s| {
                    *at(s, "spec/ports") =
                        json!([{"name": "a", "port": 80}, {"name": "b", "port": 80}])
                },
                vec![cause(
                    "spec.ports[1]",
                    "FieldValueDuplicate",
                    "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}",
                )],
            ),
            case(
                "unknown protocol",
                |s| *at(s, "spec/ports/0/protocol") = json!("HTTP"),
                vec![cause(
                    "spec.ports[0].protocol",
                    "FieldValueNotSupported",
                    "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                )],
            ),
            case(
                "bad target port name",
                |s| *at(s, "spec/ports/0/targetPort") = json!("Http_Port"),
                vec![cause(
                    "spec.ports[0].targetPort",
                    "FieldValueInvalid",
                    "Invalid value: \"Http_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                )],
            ),
            case(
                "unknown type",
                |s| *at(s, "spec/type") = json!("Foo"),
                vec![cause(
                    "spec.type",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
                )],
            ),
            case(
                "unknown session affinity",
                |s| *at(s, "spec/sessionAffinity") = json!("Sticky"),
                vec![cause(
                    "spec.sessionAffinity",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
                )],
            ),
            case(
                "a nodePort on a ClusterIP Service",
                |s| *at(s, "spec/ports/0/nodePort") = json!(30080),
                vec![cause(
                    "spec.ports[0].nodePort",
                    "FieldValueForbidden",
                    "Forbidden: may not be used when `type` is 'ClusterIP'",
                )],
            ),
            case(
                "a bad selector value",
                |s| *at(s, "spec/selector/app") = json!("-web"),
                vec![cause(
                    "spec.selector",
                    "FieldValueInvalid",
                    "Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                )],
            ),
            case(
                "an ExternalName Service without a name",
                |s| {
                    let spec = at(s, "spec");
                    *spec = json!({"type": "ExternalName", "ports": [{"port": 80}]});
                },
                vec![cause(
                    "spec.externalName",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "an ExternalName Service with cluster IPs",
                |s| {
                    *at(s, "spec/type") = json!("ExternalName");
                    *at(s, "spec/externalName") = json!("example.com.");
                },
                vec![
                    cause(
                        "spec.clusterIPs",
                        "FieldValueForbidden",
                        "Forbidden: may not be set for ExternalName services",
                    ),
                    cause(
                        "spec.ipFamilies",
                        "FieldValueForbidden",
                        "Forbidden: may not be set for ExternalName services",
                    ),
                    cause(
                        "spec.ipFamilyPolicy",
                        "FieldValueForbidden",
                        "Forbidden: may not be set for ExternalName services",
                    ),
                ],
            ),
            case(
                "source ranges on a ClusterIP Service",
                |s| *at(s, "spec/loadBalancerSourceRanges") = json!(["10.0.0.0/33"]),
                vec![
                    cause(
                        "spec.LoadBalancerSourceRanges",
                        "FieldValueForbidden",
                        "Forbidden: may only be used when `type` is 'LoadBalancer'",
                    ),
                    cause(
                        "spec.LoadBalancerSourceRanges[0]",
                        "FieldValueInvalid",
                        "Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                    ),
                ],
            ),
            case(
                "an external traffic policy on an internal Service",
                |s| *at(s, "spec/externalTrafficPolicy") = json!("Local"),
                vec![cause(
                    "spec.externalTrafficPolicy",
                    "FieldValueInvalid",
                    "Invalid value: \"Local\": may only be set for externally-accessible services",
                )],
            ),
            case(
                "an external IP in the loopback range",
                |s| *at(s, "spec/externalIPs") = json!(["127.0.0.1"]),
                vec![cause(
                    "spec.externalIPs[0]",
                    "FieldValueInvalid",
                    "Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                )],
            ),
            case(
                "client IP affinity timeout too long",
                |s| {
                    *at(s, "spec/sessionAffinity") = json!("ClientIP");
                    *at(s, "spec/sessionAffinityConfig/clientIP/timeoutSeconds") = json!(86401);
                },
                vec![cause(
                    "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                    "FieldValueInvalid",
                    "Invalid value: 86401: must be greater than 0 and less than 86400",
                )],
            ),
        ],
    );
}

#[test]
fn service_update() {
    run_updates(
        SERVICES,
        &service(),
        vec![
            case(
                "the cluster IP may not change",
                |s| {
                    *at(s, "spec/clusterIP") = json!("10.96.0.11");
                    *at(s, "spec/clusterIPs") = json!(["10.96.0.11"]);
                },
                vec![cause(
                    "spec.clusterIPs[0]",
                    "FieldValueInvalid",
                    "Invalid value: []string{\"10.96.0.11\"}: may not change once set",
                )],
            ),
            case(
                "the ports may",
                |s| *at(s, "spec/ports") = json!([{"port": 8080}]),
                vec![],
            ),
        ],
    );
}
