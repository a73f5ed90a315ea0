//! A valid pod mutated one way per case; the exact causes (field, reason, message) in kube's
//! order.

use serde_json::{Value, json};

use super::{validate_pod, validate_pod_template_spec};
use crate::error::Cause;
use crate::names;
use crate::validation::Write;

const INVALID: &str = "FieldValueInvalid";
const REQUIRED: &str = "FieldValueRequired";
const FORBIDDEN: &str = "FieldValueForbidden";
const NOT_SUPPORTED: &str = "FieldValueNotSupported";
const DUPLICATE: &str = "FieldValueDuplicate";
const NOT_FOUND: &str = "FieldValueNotFound";

/// A defaulted pod that validates.
fn pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "volumes": [{"name": "data", "emptyDir": {}}],
            "containers": [{
                "name": "c",
                "image": "nginx",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "imagePullPolicy": "Always",
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "resources": {}
            }],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "serviceAccountName": "default",
            "tolerations": [{
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300
            }]
        }
    })
}

type Row = (String, &'static str, String);

fn rows(causes: Vec<Cause>) -> Vec<Row> {
    causes
        .into_iter()
        .map(|c| (c.field, c.reason, c.message))
        .collect()
}

fn expect(expected: &[(&str, &str, &str)]) -> Vec<Row> {
    expected
        .iter()
        .map(|(f, r, m)| {
            let reason = [
                INVALID,
                REQUIRED,
                FORBIDDEN,
                NOT_SUPPORTED,
                DUPLICATE,
                NOT_FOUND,
            ]
            .into_iter()
            .find(|known| known == r)
            .unwrap_or("unknown");
            (f.to_string(), reason, m.to_string())
        })
        .collect()
}

fn create_causes(p: &Value) -> Vec<Row> {
    rows(validate_pod(p.as_object().unwrap(), Write::Create))
}

/// The causes of creating `pod()` changed by `mutate`.
fn create(mutate: impl FnOnce(&mut Value)) -> Vec<Row> {
    let mut p = pod();
    mutate(&mut p);
    create_causes(&p)
}

/// The causes of updating `pod()` to `pod()` changed by `mutate`.
fn update(mutate: impl FnOnce(&mut Value)) -> Vec<Row> {
    let old = pod();
    let mut new = pod();
    mutate(&mut new);
    rows(validate_pod(
        new.as_object().unwrap(),
        Write::Update {
            old: old.as_object().unwrap(),
        },
    ))
}

fn label_msg(value: &str) -> String {
    names::is_dns1123_label(value).remove(0)
}

fn c0(p: &mut Value) -> &mut Value {
    &mut p["spec"]["containers"][0]
}

#[test]
fn a_defaulted_pod_is_valid() {
    assert_eq!(create_causes(&pod()), vec![]);
}

#[test]
fn containers_are_required_named_and_have_an_image() {
    assert_eq!(
        create(|p| p["spec"]["containers"] = json!([])),
        expect(&[("spec.containers", REQUIRED, "Required value")])
    );
    let bad = format!("Invalid value: \"C_1\": {}", label_msg("C_1"));
    assert_eq!(
        create(|p| {
            c0(p)["name"] = json!("C_1");
            c0(p).as_object_mut().unwrap().remove("image");
        }),
        expect(&[
            ("spec.containers[0].name", INVALID, &bad),
            ("spec.containers[0].image", REQUIRED, "Required value"),
        ])
    );
    assert_eq!(
        create(|p| {
            let second = p["spec"]["containers"][0].clone();
            p["spec"]["containers"].as_array_mut().unwrap().push(second);
            p["spec"]["containers"][1]["ports"] = json!([]);
        }),
        expect(&[(
            "spec.containers[1].name",
            DUPLICATE,
            "Duplicate value: \"c\""
        )])
    );
    assert_eq!(
        create(|p| c0(p)["image"] = json!(" nginx")),
        expect(&[(
            "spec.containers[0].image",
            INVALID,
            "Invalid value: \" nginx\": must not have leading or trailing whitespace"
        )])
    );
}

#[test]
fn enumerated_values() {
    assert_eq!(
        create(|p| p["spec"]["restartPolicy"] = json!("Sometimes")),
        expect(&[(
            "spec.restartPolicy",
            NOT_SUPPORTED,
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
        )])
    );
    assert_eq!(
        create(|p| p["spec"]["dnsPolicy"] = json!("Foo")),
        expect(&[(
            "spec.dnsPolicy",
            NOT_SUPPORTED,
            "Unsupported value: \"Foo\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""
        )])
    );
    assert_eq!(
        create(|p| c0(p)["imagePullPolicy"] = json!("Sometimes")),
        expect(&[(
            "spec.containers[0].imagePullPolicy",
            NOT_SUPPORTED,
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""
        )])
    );
    assert_eq!(
        create(|p| c0(p)["terminationMessagePolicy"] = json!("")),
        expect(&[(
            "spec.containers[0].terminationMessagePolicy",
            REQUIRED,
            "Required value"
        )])
    );
    assert_eq!(
        create(|p| p["spec"]["dnsPolicy"] = json!("None")),
        expect(&[(
            "spec.dnsConfig",
            REQUIRED,
            "Required value: must provide `dnsConfig` when `dnsPolicy` is None"
        )])
    );
    assert_eq!(
        create(|p| p["spec"]["os"] = json!({"name": "mac"})),
        expect(&[(
            "spec.os",
            NOT_SUPPORTED,
            "Unsupported value: \"mac\": supported values: \"linux\", \"windows\""
        )])
    );
}

#[test]
fn ports() {
    assert_eq!(
        create(|p| c0(p)["ports"] = json!([
            {"name": "Http", "containerPort": 0, "protocol": "TCP"},
            {"name": "web", "containerPort": 70000, "hostPort": -1, "protocol": "HTTP"},
            {"name": "web", "containerPort": 81, "protocol": "TCP"},
            {"name": "abcdefghijklmnop", "containerPort": 82}
        ])),
        expect(&[
            (
                "spec.containers[0].ports[0].name",
                INVALID,
                "Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
            ),
            (
                "spec.containers[0].ports[0].containerPort",
                REQUIRED,
                "Required value"
            ),
            (
                "spec.containers[0].ports[1].containerPort",
                INVALID,
                "Invalid value: 70000: must be between 1 and 65535, inclusive"
            ),
            (
                "spec.containers[0].ports[1].hostPort",
                INVALID,
                "Invalid value: -1: must be between 1 and 65535, inclusive"
            ),
            (
                "spec.containers[0].ports[1].protocol",
                NOT_SUPPORTED,
                "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""
            ),
            (
                "spec.containers[0].ports[2].name",
                DUPLICATE,
                "Duplicate value: \"web\""
            ),
            (
                "spec.containers[0].ports[3].name",
                INVALID,
                "Invalid value: \"abcdefghijklmnop\": must be no more than 15 characters"
            ),
            (
                "spec.containers[0].ports[3].protocol",
                REQUIRED,
                "Required value"
            ),
        ])
    );
    assert_eq!(
        create(|p| {
            c0(p)["ports"][0]["hostPort"] = json!(8080);
            let mut second = p["spec"]["containers"][0].clone();
            second["name"] = json!("d");
            second["ports"][0]["containerPort"] = json!(81);
            p["spec"]["containers"].as_array_mut().unwrap().push(second);
        }),
        expect(&[(
            "spec.containers[1].ports[0].hostPort",
            DUPLICATE,
            "Duplicate value: \"TCP//8080\""
        )])
    );
    assert_eq!(
        create(|p| {
            p["spec"]["hostNetwork"] = json!(true);
            c0(p)["ports"][0]["hostPort"] = json!(8080);
        }),
        expect(&[(
            "spec.containers[0].ports[0].hostPort",
            INVALID,
            "Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"
        )])
    );
}

#[test]
fn env_and_env_from() {
    assert_eq!(
        create(|p| c0(p)["env"] = json!([
            {"name": "A=B", "value": "x"},
            {"name": "", "valueFrom": {}},
            {"name": "C", "value": "x", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
            {"name": "D", "valueFrom": {
                "secretKeyRef": {"name": "s", "key": "k"},
                "configMapKeyRef": {"name": "m", "key": "k"}
            }},
            {"name": "E", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.foo"}}},
            {"name": "F", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.phase"}}},
            {"name": "G", "valueFrom": {"fileKeyRef": {"volumeName": "data", "path": "env", "key": "G"}}}
        ])),
        expect(&[
            (
                "spec.containers[0].env[0].name",
                INVALID,
                "Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"
            ),
            ("spec.containers[0].env[1].name", REQUIRED, "Required value"),
            (
                "spec.containers[0].env[1].valueFrom",
                INVALID,
                "Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
            ),
            (
                "spec.containers[0].env[2].valueFrom",
                INVALID,
                "Invalid value: \"\": may not be specified when `value` is not empty"
            ),
            (
                "spec.containers[0].env[3].valueFrom",
                INVALID,
                "Invalid value: \"\": may not have more than one field specified at a time"
            ),
            (
                "spec.containers[0].env[4].valueFrom.fieldRef.fieldPath",
                INVALID,
                "Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: spec.foo"
            ),
            (
                "spec.containers[0].env[5].valueFrom.fieldRef.fieldPath",
                NOT_SUPPORTED,
                "Unsupported value: \"status.phase\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""
            ),
        ])
    );
    assert_eq!(
        create(|p| c0(p)["env"] = json!([
            {"name": "A", "valueFrom": {"configMapKeyRef": {"name": "m", "key": "a b"}}}
        ])),
        expect(&[(
            "spec.containers[0].env[0].valueFrom.configMapKeyRef.key",
            INVALID,
            "Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
        )])
    );
    assert_eq!(
        create(|p| c0(p)["envFrom"] = json!([{"prefix": "P_"}, {"configMapRef": {"name": ""}}])),
        expect(&[
            (
                "spec.containers[0].envFrom",
                INVALID,
                "Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"
            ),
            (
                "spec.containers[0].envFrom[1].configMapRef.name",
                REQUIRED,
                "Required value"
            ),
        ])
    );
}

#[test]
fn resources() {
    assert_eq!(
        create(|p| c0(p)["resources"] = json!({
            "limits": {"cpu": "1", "foo": "1"},
            "requests": {"cpu": "2", "memory": "-1"}
        })),
        expect(&[
            (
                "spec.containers[0].resources.limits[foo]",
                INVALID,
                "Invalid value: foo: must be a standard resource type or fully qualified"
            ),
            (
                "spec.containers[0].resources.limits[foo]",
                INVALID,
                "Invalid value: foo: must be a standard resource for containers"
            ),
            (
                "spec.containers[0].resources.requests",
                INVALID,
                "Invalid value: \"2\": must be less than or equal to cpu limit of 1"
            ),
            (
                "spec.containers[0].resources.requests[memory]",
                INVALID,
                "Invalid value: \"-1\": must be greater than or equal to 0"
            ),
        ])
    );
    assert_eq!(
        create(|p| c0(p)["resources"] = json!({
            "limits": {"example.com/gpu": "500m"},
            "requests": {"example.com/gpu": "500m", "example.com/fpga": "1"}
        })),
        expect(&[
            (
                "spec.containers[0].resources.limits[example.com/gpu]",
                INVALID,
                "Invalid value: 500m: must be an integer"
            ),
            (
                "spec.containers[0].resources.requests[example.com/gpu]",
                INVALID,
                "Invalid value: 500m: must be an integer"
            ),
            (
                "spec.containers[0].resources.limits",
                REQUIRED,
                "Required value: Limit must be set for non overcommitable resources"
            ),
        ])
    );
}

#[test]
fn probes_and_lifecycle() {
    assert_eq!(
        create(|p| {
            c0(p)["livenessProbe"] = json!({
                "exec": {"command": ["true"]},
                "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                "periodSeconds": -1,
                "successThreshold": 2
            });
            c0(p)["readinessProbe"] = json!({
                "terminationGracePeriodSeconds": 10,
                "successThreshold": 1
            });
            c0(p)["startupProbe"] = json!({
                "httpGet": {"path": "/", "port": "Web", "scheme": "FTP"},
                "successThreshold": 1
            });
            c0(p)["lifecycle"] = json!({
                "preStop": {"sleep": {"seconds": 100}},
                "postStart": {"exec": {"command": []}}
            });
        }),
        expect(&[
            (
                "spec.containers[0].lifecycle.postStart.exec.command",
                REQUIRED,
                "Required value"
            ),
            (
                "spec.containers[0].lifecycle.preStop.sleep",
                INVALID,
                "Invalid value: 100: must be non-negative and less than terminationGracePeriodSeconds (30)"
            ),
            (
                "spec.containers[0].livenessProbe.httpGet",
                FORBIDDEN,
                "Forbidden: may not specify more than 1 handler type"
            ),
            (
                "spec.containers[0].livenessProbe.periodSeconds",
                INVALID,
                "Invalid value: -1: must be greater than or equal to 0"
            ),
            (
                "spec.containers[0].livenessProbe.successThreshold",
                INVALID,
                "Invalid value: 2: must be 1"
            ),
            (
                "spec.containers[0].readinessProbe",
                REQUIRED,
                "Required value: must specify a handler type"
            ),
            (
                "spec.containers[0].readinessProbe.terminationGracePeriodSeconds",
                INVALID,
                "Invalid value: 10: must not be set for readinessProbes"
            ),
            (
                "spec.containers[0].startupProbe.httpGet.port",
                INVALID,
                "Invalid value: \"Web\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
            ),
            (
                "spec.containers[0].startupProbe.httpGet.scheme",
                NOT_SUPPORTED,
                "Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""
            ),
        ])
    );
}

#[test]
fn init_containers() {
    let init = |extra: Value| {
        let mut c = json!({
            "name": "init",
            "image": "busybox",
            "imagePullPolicy": "Always",
            "terminationMessagePolicy": "File"
        });
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    assert_eq!(
        create(|p| p["spec"]["initContainers"] = json!([
            init(json!({"readinessProbe": {"exec": {"command": ["true"]}, "successThreshold": 1}})),
            init(json!({"name": "c", "restartPolicy": "Never"})),
            init(
                json!({"name": "side", "restartPolicy": "Always", "livenessProbe": {"exec": {"command": ["true"]}, "successThreshold": 3}})
            ),
        ])),
        expect(&[
            (
                "spec.initContainers[0].readinessProbe",
                FORBIDDEN,
                "Forbidden: may not be set for init containers without restartPolicy=Always"
            ),
            (
                "spec.initContainers[1].restartPolicy",
                NOT_SUPPORTED,
                "Unsupported value: \"Never\": supported values: \"Always\""
            ),
            (
                "spec.initContainers[1].name",
                DUPLICATE,
                "Duplicate value: \"c\""
            ),
            (
                "spec.initContainers[2].livenessProbe.successThreshold",
                INVALID,
                "Invalid value: 3: must be 1"
            ),
        ])
    );
    assert_eq!(
        create(|p| c0(p)["restartPolicy"] = json!("Always")),
        expect(&[(
            "spec.containers[0].restartPolicy",
            FORBIDDEN,
            "Forbidden: may not be set for non-init containers"
        )])
    );
}

#[test]
fn volumes_and_mounts() {
    assert_eq!(
        create(|p| {
            p["spec"]["volumes"] = json!([
                {"name": "data", "emptyDir": {}, "hostPath": {"path": "/x"}},
                {"name": "Bad_Name", "secret": {"defaultMode": 512}},
                {"name": "cm", "configMap": {"name": "m", "items": [{"key": "k", "path": "x"}]}},
                {"name": "cm", "downwardAPI": {"items": [{"path": "p", "fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}]}},
                {"name": "none"},
                {"name": "cm2", "configMap": {"name": "m", "items": [{"key": "k", "path": "../x"}]}}
            ]);
            c0(p)["volumeMounts"] = json!([
                {"name": "data", "mountPath": "/data"},
                {"name": "cm", "mountPath": "/data"},
                {"name": "cm", "mountPath": "/m", "subPath": "/abs"}
            ]);
        }),
        expect(&[
            (
                "spec.volumes[0].hostPath",
                FORBIDDEN,
                "Forbidden: may not specify more than 1 volume type"
            ),
            (
                "spec.volumes[1].secret.secretName",
                REQUIRED,
                "Required value"
            ),
            (
                "spec.volumes[1].secret.defaultMode",
                INVALID,
                "Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive"
            ),
            (
                "spec.volumes[1].name",
                INVALID,
                &format!("Invalid value: \"Bad_Name\": {}", label_msg("Bad_Name"))
            ),
            (
                "spec.volumes[3].downwardAPI.fieldRef.fieldPath",
                NOT_SUPPORTED,
                "Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\""
            ),
            ("spec.volumes[3].name", DUPLICATE, "Duplicate value: \"cm\""),
            (
                "spec.volumes[4]",
                REQUIRED,
                "Required value: must specify a volume type"
            ),
            (
                "spec.volumes[5].configMap.items[0].path",
                INVALID,
                "Invalid value: \"../x\": must not contain '..'"
            ),
            (
                "spec.containers[0].volumeMounts[0].name",
                NOT_FOUND,
                "Not found: \"data\""
            ),
            (
                "spec.containers[0].volumeMounts[1].mountPath",
                INVALID,
                "Invalid value: \"/data\": must be unique"
            ),
            (
                "spec.containers[0].volumeMounts.subPath",
                INVALID,
                "Invalid value: \"/abs\": must be a relative path"
            ),
        ])
    );
    assert_eq!(
        create(|p| p["spec"]["volumes"][0] =
            json!({"name": "data", "secret": {"secretName": "s"}, "downwardAPI": {}})),
        expect(&[
            (
                "spec.volumes[0].downwarAPI",
                FORBIDDEN,
                "Forbidden: may not specify more than 1 volume type"
            ),
            (
                "spec.containers[0].volumeMounts[0].name",
                NOT_FOUND,
                "Not found: \"data\""
            ),
        ])
    );
    assert_eq!(
        create(|p| c0(p)["volumeMounts"][0]["mountPath"] = json!("")),
        expect(&[(
            "spec.containers[0].volumeMounts[0].mountPath",
            REQUIRED,
            "Required value"
        )])
    );
}

#[test]
fn scheduling() {
    let key_msgs = names::is_qualified_name("");
    assert_eq!(
        create(|p| {
            p["spec"]["nodeSelector"] = json!({"disk": "ssd!"});
            p["spec"]["affinity"] = json!({
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{
                        "matchExpressions": [
                            {"key": "a", "operator": "Gt", "values": ["1", "2"]},
                            {"key": "b", "operator": "Exists", "values": ["x"]},
                            {"key": "c", "operator": "Foo"}
                        ]
                    }]},
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 0, "preference": {}}
                    ]
                },
                "podAntiAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {}}]
                }
            });
        }),
        expect(&[
            (
                "spec.nodeSelector",
                INVALID,
                &format!(
                    "Invalid value: \"ssd!\": {}",
                    names::is_valid_label_value("ssd!")[0]
                )
            ),
            (
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values",
                REQUIRED,
                "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"
            ),
            (
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values",
                FORBIDDEN,
                "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            ),
            (
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[2].operator",
                INVALID,
                "Invalid value: \"Foo\": not a valid selector operator"
            ),
            (
                "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                INVALID,
                "Invalid value: 0: must be in the range 1-100"
            ),
            (
                "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
                REQUIRED,
                "Required value: can not be empty"
            ),
            (
                "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
                INVALID,
                &format!("Invalid value: \"\": {}", key_msgs[0])
            ),
            (
                "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
                INVALID,
                &format!("Invalid value: \"\": {}", key_msgs[1])
            ),
        ])
    );
    assert_eq!(
        create(|p| p["spec"]["tolerations"] = json!([
            {"key": "k", "operator": "Exists", "value": "v"},
            {"operator": "Equal", "effect": "NoSchedule", "tolerationSeconds": 5},
            {"key": "k", "operator": "In", "effect": "Never"}
        ])),
        expect(&[
            (
                "spec.tolerations[0].operator",
                INVALID,
                "Invalid value: \"v\": value must be empty when `operator` is 'Exists'"
            ),
            (
                "spec.tolerations[1].operator",
                INVALID,
                "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""
            ),
            (
                "spec.tolerations[1].effect",
                INVALID,
                "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"
            ),
            (
                "spec.tolerations[2].operator",
                NOT_SUPPORTED,
                "Unsupported value: \"In\": supported values: \"Equal\", \"Exists\""
            ),
            (
                "spec.tolerations[2].effect",
                NOT_SUPPORTED,
                "Unsupported value: \"Never\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
            ),
        ])
    );
    assert_eq!(
        create(|p| p["spec"]["topologySpreadConstraints"] = json!([
            {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"},
            {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "minDomains": 2}
        ])),
        expect(&[
            (
                "spec.topologySpreadConstraints[0].maxSkew",
                INVALID,
                "Invalid value: 0: must be greater than zero"
            ),
            (
                "spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}",
                DUPLICATE,
                "Duplicate value: \"{zone, DoNotSchedule}\""
            ),
        ])
    );
}

#[test]
fn spec_scalars_and_security_context() {
    let subdomain = names::is_dns1123_subdomain("Bad_SA").remove(0);
    assert_eq!(
        create(|p| {
            p["spec"]["securityContext"] =
                json!({"runAsUser": -1, "sysctls": [{"name": "net.ipv4.ip_forward"}]});
            p["spec"]["hostNetwork"] = json!(true);
            p["spec"]["containers"][0]["ports"] = json!([]);
            c0(p)["securityContext"] =
                json!({"runAsGroup": 5_000_000_000_i64, "procMount": "Unmasked"});
            p["spec"]["serviceAccountName"] = json!("Bad_SA");
            p["spec"]["activeDeadlineSeconds"] = json!(0);
            p["spec"]["hostname"] = json!("Host_1");
            p["spec"]
                .as_object_mut()
                .unwrap()
                .remove("terminationGracePeriodSeconds");
        }),
        expect(&[
            (
                "spec.terminationGracePeriodSeconds",
                REQUIRED,
                "Required value"
            ),
            (
                "spec.containers[0].securityContext.runAsGroup",
                INVALID,
                "Invalid value: 5000000000: must be between 0 and 4294967295, inclusive"
            ),
            (
                "spec.containers[0].securityContext.procMount",
                INVALID,
                "Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`"
            ),
            (
                "spec.securityContext.runAsUser",
                INVALID,
                "Invalid value: -1: must be between 0 and 4294967295, inclusive"
            ),
            (
                "spec.securityContext.sysctls[0].name",
                INVALID,
                "Invalid value: \"net.ipv4.ip_forward\": may not be specified when 'hostNetwork' is true"
            ),
            (
                "spec.serviceAccountName",
                INVALID,
                &format!("Invalid value: \"Bad_SA\": {subdomain}")
            ),
            (
                "spec.activeDeadlineSeconds",
                INVALID,
                "Invalid value: 0: must be between 1 and 2147483647, inclusive"
            ),
            (
                "spec.hostname",
                INVALID,
                &format!("Invalid value: \"Host_1\": {}", label_msg("Host_1"))
            ),
        ])
    );
}

#[test]
fn create_only_rules_and_annotations() {
    assert_eq!(
        create(|p| {
            p["metadata"]["annotations"] = json!({
                "controller.kubernetes.io/pod-deletion-cost": "abc",
                "seccomp.security.alpha.kubernetes.io/pod": "bogus"
            });
            p["spec"]["ephemeralContainers"] = json!([{
                "name": "debug",
                "image": "busybox",
                "imagePullPolicy": "Always",
                "terminationMessagePolicy": "File",
                "targetContainerName": "nope"
            }]);
        }),
        expect(&[
            (
                "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]",
                INVALID,
                "Invalid value: \"abc\": must be a 32bit integer"
            ),
            (
                "metadata.annotations.seccomp.security.alpha.kubernetes.io/pod",
                INVALID,
                "Invalid value: \"bogus\": must be a valid seccomp profile"
            ),
            (
                "spec.ephemeralContainers[0].targetContainerName",
                NOT_FOUND,
                "Not found: \"nope\""
            ),
            (
                "spec.ephemeralContainers",
                FORBIDDEN,
                "Forbidden: cannot be set on create"
            ),
        ])
    );
}

#[test]
fn many_causes_come_in_kubes_order() {
    assert_eq!(
        create(|p| {
            p["spec"]["restartPolicy"] = json!("Sometimes");
            p["spec"]["volumes"][0]["name"] = json!("");
            c0(p)["name"] = json!("");
            c0(p)["image"] = json!("");
            c0(p)["ports"][0]["protocol"] = json!("");
            p["spec"]["hostname"] = json!("a.b");
        }),
        expect(&[
            ("spec.volumes[0].name", REQUIRED, "Required value"),
            ("spec.containers[0].name", REQUIRED, "Required value"),
            ("spec.containers[0].image", REQUIRED, "Required value"),
            (
                "spec.containers[0].ports[0].protocol",
                REQUIRED,
                "Required value"
            ),
            (
                "spec.containers[0].volumeMounts[0].name",
                NOT_FOUND,
                "Not found: \"data\""
            ),
            (
                "spec.restartPolicy",
                NOT_SUPPORTED,
                "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
            ),
            (
                "spec.hostname",
                INVALID,
                "Invalid value: \"a.b\": must not contain dots"
            ),
        ])
    );
}

#[test]
fn templates_validate_labels_and_the_spec_under_the_path() {
    let mut spec = pod()["spec"].clone();
    spec["containers"][0]["image"] = json!("");
    spec["ephemeralContainers"] = json!([]);
    let template = json!({"metadata": {"labels": {"app": "-x"}}, "spec": spec});
    assert_eq!(
        rows(validate_pod_template_spec(&template, "spec.template")),
        expect(&[
            (
                "spec.template.labels",
                INVALID,
                &format!(
                    "Invalid value: \"-x\": {}",
                    names::is_valid_label_value("-x")[0]
                )
            ),
            (
                "spec.template.spec.containers[0].image",
                REQUIRED,
                "Required value"
            ),
        ])
    );
    assert_eq!(
        rows(validate_pod_template_spec(&json!({}), "spec.template")),
        expect(&[
            (
                "spec.template.spec.terminationGracePeriodSeconds",
                REQUIRED,
                "Required value"
            ),
            ("spec.template.spec.containers", REQUIRED, "Required value"),
            (
                "spec.template.spec.restartPolicy",
                REQUIRED,
                "Required value"
            ),
            ("spec.template.spec.dnsPolicy", REQUIRED, "Required value"),
        ])
    );
}

const UPDATABLE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

#[test]
fn updates_may_change_images_deadlines_and_add_tolerations() {
    assert_eq!(
        update(|p| {
            c0(p)["image"] = json!("nginx:2");
            p["spec"]["activeDeadlineSeconds"] = json!(60);
            p["spec"]["tolerations"][0]["tolerationSeconds"] = json!(10);
            p["spec"]["tolerations"]
                .as_array_mut()
                .unwrap()
                .push(json!({"key": "k", "operator": "Exists"}));
            p["spec"]["hostNetwork"] = json!(false);
        }),
        vec![]
    );
}

#[test]
fn updates_of_other_fields_are_forbidden() {
    assert_eq!(
        update(|p| {
            p["spec"]["hostname"] = json!("h");
            c0(p)["ports"][0]["containerPort"] = json!(81);
        }),
        expect(&[(
            "spec",
            FORBIDDEN,
            &format!(
                "Forbidden: {UPDATABLE}\n- spec.containers[0].ports[0].containerPort: 80\n+ spec.containers[0].ports[0].containerPort: 81\n- spec.hostname: null\n+ spec.hostname: \"h\"\n"
            )
        )])
    );
    assert_eq!(
        update(|p| {
            let second = p["spec"]["containers"][0].clone();
            p["spec"]["containers"].as_array_mut().unwrap().push(second);
            p["spec"]["hostname"] = json!("h");
        }),
        expect(&[
            (
                "spec.containers[1].name",
                DUPLICATE,
                "Duplicate value: \"c\""
            ),
            (
                "spec.containers",
                FORBIDDEN,
                "Forbidden: pod updates may not add or remove containers"
            ),
        ])
    );
    assert_eq!(
        update(|p| c0(p)["image"] = json!("")),
        expect(&[
            ("spec.containers[0].image", REQUIRED, "Required value"),
            ("spec.containers[0].image", REQUIRED, "Required value"),
        ])
    );
    assert_eq!(
        update(|p| p["spec"]["tolerations"][0]["effect"] = json!("NoSchedule")),
        expect(&[
            (
                "spec.tolerations[0].effect",
                INVALID,
                "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"
            ),
            (
                "spec.tolerations",
                FORBIDDEN,
                "Forbidden: existing toleration can not be modified except its tolerationSeconds"
            ),
        ])
    );
}

#[test]
fn active_deadline_updates() {
    let from = |old: Option<i64>, new: Option<i64>| {
        let mut old_pod = pod();
        let mut new_pod = pod();
        if let Some(v) = old {
            old_pod["spec"]["activeDeadlineSeconds"] = json!(v);
        }
        if let Some(v) = new {
            new_pod["spec"]["activeDeadlineSeconds"] = json!(v);
        }
        rows(validate_pod(
            new_pod.as_object().unwrap(),
            Write::Update {
                old: old_pod.as_object().unwrap(),
            },
        ))
    };
    assert_eq!(from(Some(60), Some(30)), vec![]);
    assert_eq!(
        from(Some(30), Some(60)),
        expect(&[(
            "spec.activeDeadlineSeconds",
            INVALID,
            "Invalid value: 60: must be less than or equal to previous value"
        )])
    );
    assert_eq!(
        from(Some(30), None),
        expect(&[(
            "spec.activeDeadlineSeconds",
            INVALID,
            "Invalid value: null: must not update from a positive integer to nil value"
        )])
    );
}

#[test]
fn status_updates() {
    let mut old = pod();
    old["spec"]["restartPolicy"] = json!("Never");
    old["status"] = json!({
        "qosClass": "BestEffort",
        "containerStatuses": [{"name": "c", "state": {"terminated": {"exitCode": 0}}}]
    });
    let mut new = old.clone();
    new["status"] = json!({
        "qosClass": "Burstable",
        "conditions": [{"type": "Ready"}, {"type": "bad type"}],
        "containerStatuses": [{"name": "c", "state": {"running": {}}}]
    });
    let causes = rows(validate_pod(
        new.as_object().unwrap(),
        Write::Status {
            old: old.as_object().unwrap(),
        },
    ));
    let type_msg = names::is_qualified_name("bad type").remove(0);
    assert_eq!(
        causes,
        expect(&[
            (
                "metadata.conditions[1].Type",
                INVALID,
                &format!("Invalid value: \"bad type\": {type_msg}")
            ),
            (
                "status.qosClass",
                INVALID,
                "Invalid value: \"Burstable\": field is immutable"
            ),
            (
                "status.containerStatuses[0].state",
                FORBIDDEN,
                "Forbidden: may not be transitioned to non-terminated state"
            ),
        ])
    );
}

#[test]
fn gated_pods_may_gain_node_selector_entries_only() {
    let mut old = pod();
    old["spec"]["schedulingGates"] = json!([{"name": "example.com/gate"}]);
    old["spec"]["nodeSelector"] = json!({"disk": "ssd"});
    let updated = |mutate: &dyn Fn(&mut Value)| {
        let mut new = old.clone();
        mutate(&mut new);
        rows(validate_pod(
            new.as_object().unwrap(),
            Write::Update {
                old: old.as_object().unwrap(),
            },
        ))
    };
    assert_eq!(
        updated(&|p| {
            p["spec"]["nodeSelector"]["zone"] = json!("a");
            p["spec"]["schedulingGates"] = json!([]);
        }),
        vec![]
    );
    assert_eq!(
        updated(&|p| p["spec"]["nodeSelector"] = json!({"disk": "hdd"})),
        expect(&[(
            "spec.nodeSelector",
            INVALID,
            "Invalid value: map[string]string{\"disk\":\"hdd\"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)"
        )])
    );
    assert_eq!(
        updated(&|p| p["spec"]["schedulingGates"] =
            json!([{"name": "example.com/gate"}, {"name": "b"}])),
        expect(&[(
            "spec.schedulingGates[1].name",
            FORBIDDEN,
            "Forbidden: only deletion is allowed, but found new scheduling gate 'b'"
        )])
    );
}

#[test]
fn gated_pods_may_gain_node_affinity_requirements_only() {
    let required = |expressions: Value| {
        json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": expressions}]
        }}})
    };
    let updated = |old_affinity: Option<Value>, new_affinity: Value| {
        let mut old = pod();
        old["spec"]["schedulingGates"] = json!([{"name": "example.com/gate"}]);
        if let Some(affinity) = old_affinity {
            old["spec"]["affinity"] = affinity;
        }
        let mut new = old.clone();
        new["spec"]["affinity"] = new_affinity;
        rows(validate_pod(
            new.as_object().unwrap(),
            Write::Update {
                old: old.as_object().unwrap(),
            },
        ))
    };
    let a = json!({"key": "a", "operator": "Exists"});
    let b = json!({"key": "b", "operator": "Exists"});
    assert_eq!(
        updated(Some(required(json!([a]))), required(json!([a, b]))),
        vec![]
    );
    assert_eq!(updated(None, required(json!([a]))), vec![]);
    assert_eq!(
        updated(Some(required(json!([a]))), required(json!([b]))),
        expect(&[(
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]",
            INVALID,
            "Invalid value: {\"matchExpressions\":[{\"key\":\"b\",\"operator\":\"Exists\"}]}: only additions are allowed (no mutations or deletions)"
        )])
    );
}
