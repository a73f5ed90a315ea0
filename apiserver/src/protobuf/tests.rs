use serde_json::{Value, json};

use super::*;

/// A protobuf message under construction.
#[derive(Default, Clone)]
struct Pb(Vec<u8>);

impl Pb {
    fn new() -> Self {
        Self::default()
    }

    fn raw_varint(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn key(&mut self, tag: u32, wire_type: u8) {
        self.raw_varint(u64::from(tag) << 3 | u64::from(wire_type));
    }

    /// A varint field (int32/int64/bool; a negative int32 as its 64-bit two's complement).
    fn int(mut self, tag: u32, n: i64) -> Self {
        self.key(tag, 0);
        self.raw_varint(n as u64);
        self
    }

    fn bytes(mut self, tag: u32, b: &[u8]) -> Self {
        self.key(tag, 2);
        self.raw_varint(b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    fn str(self, tag: u32, s: &str) -> Self {
        self.bytes(tag, s.as_bytes())
    }

    fn msg(self, tag: u32, m: Pb) -> Self {
        self.bytes(tag, &m.0)
    }

    /// A `map<string, string>` entry.
    fn entry(self, tag: u32, k: &str, v: &str) -> Self {
        self.msg(tag, Pb::new().str(1, k).str(2, v))
    }

    fn double(mut self, tag: u32, x: f64) -> Self {
        self.key(tag, 1);
        self.0.extend_from_slice(&x.to_bits().to_le_bytes());
        self
    }
}

/// `k8s\0` + runtime.Unknown{typeMeta, raw, contentEncoding "", contentType ""}, as
/// client-go's protobuf serializer writes it.
fn body(api_version: &str, kind: &str, raw: Pb) -> Vec<u8> {
    let unknown = Pb::new()
        .msg(1, Pb::new().str(1, api_version).str(2, kind))
        .msg(2, raw)
        .str(3, "")
        .str(4, "");
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&unknown.0);
    out
}

/// ObjectMeta as Go writes it: every non-pointer field, zero or not.
fn meta(name: &str, namespace: &str) -> Pb {
    Pb::new()
        .str(1, name)
        .str(2, "")
        .str(3, namespace)
        .str(4, "")
        .str(5, "")
        .str(6, "")
        .int(7, 0)
        .msg(8, Pb::new())
}

fn decoded(body: &[u8]) -> Value {
    let mut v = decode(body).unwrap_or_else(|e| panic!("decode: {e:?}"));
    crate::object::drop_nulls(&mut v);
    v
}

#[test]
fn namespace() {
    let raw = Pb::new()
        .msg(1, meta("x", "").entry(11, "team", "a"))
        .msg(2, Pb::new())
        .msg(3, Pb::new().str(1, ""));
    assert_eq!(
        decoded(&body("v1", "Namespace", raw)),
        json!({
            "kind": "Namespace",
            "apiVersion": "v1",
            "metadata": {"name": "x", "labels": {"team": "a"}},
            "spec": {},
            "status": {}
        })
    );
}

#[test]
fn kind_and_api_version_come_first() {
    let raw = Pb::new().msg(1, meta("x", ""));
    let v = decoded(&body("v1", "Namespace", raw));
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["kind", "apiVersion", "metadata"]);
}

#[test]
fn configmap_with_data_and_binary_data() {
    let raw = Pb::new()
        .msg(1, meta("c", "default"))
        .entry(2, "a", "b")
        .entry(2, "empty", "")
        .msg(3, Pb::new().str(1, "bin").bytes(2, &[0, 1, 0xff]))
        .int(4, 1);
    assert_eq!(
        decoded(&body("v1", "ConfigMap", raw)),
        json!({
            "kind": "ConfigMap",
            "apiVersion": "v1",
            "metadata": {"name": "c", "namespace": "default"},
            "data": {"a": "b", "empty": ""},
            "binaryData": {"bin": "AAH/"},
            "immutable": true
        })
    );
}

#[test]
fn pointer_false_is_kept() {
    // ConfigMap.immutable is a *bool: a present false is written.
    let raw = Pb::new().msg(1, meta("c", "")).int(4, 0);
    assert_eq!(
        decoded(&body("v1", "ConfigMap", raw))["immutable"],
        json!(false)
    );
}

#[test]
fn secret_bytes_are_base64() {
    let raw = Pb::new()
        .msg(1, meta("s", "default"))
        .msg(2, Pb::new().str(1, "p").bytes(2, b"q"))
        .msg(2, Pb::new().str(1, "none"))
        .str(3, "Opaque")
        .msg(4, Pb::new().str(1, "plain").str(2, "text"));
    assert_eq!(
        decoded(&body("v1", "Secret", raw)),
        json!({
            "kind": "Secret",
            "apiVersion": "v1",
            "metadata": {"name": "s", "namespace": "default"},
            "data": {"p": "cQ==", "none": ""},
            "type": "Opaque",
            "stringData": {"plain": "text"}
        })
    );
}

fn quantity(s: &str) -> Pb {
    Pb::new().str(1, s)
}

#[test]
fn deployment_with_a_container() {
    let port = Pb::new()
        .str(1, "http") // name
        .int(2, 0) // hostPort: omitempty, zero
        .int(3, 8080) // containerPort
        .str(4, "TCP")
        .str(5, "");
    let resources = Pb::new()
        .msg(1, Pb::new().str(1, "cpu").msg(2, quantity("500m")))
        .msg(1, Pb::new().str(1, "memory").msg(2, quantity("1Gi")))
        .msg(2, Pb::new().str(1, "cpu").msg(2, quantity("")));
    let container = Pb::new()
        .str(1, "nginx")
        .str(2, "nginx:1.27")
        .str(3, "nginx") // command
        .str(3, "-g")
        .msg(6, port)
        .msg(7, Pb::new().str(1, "A").str(2, "B"))
        .msg(8, resources)
        .str(14, "IfNotPresent")
        .int(16, 0) // stdin
        .int(18, 0); // tty
    let pod_spec = Pb::new()
        .msg(2, container)
        .str(3, "") // restartPolicy
        .int(4, 0) // terminationGracePeriodSeconds: *int64, kept
        .int(11, 0); // hostNetwork
    let template = Pb::new()
        .msg(1, meta("", "").entry(11, "app", "web"))
        .msg(2, pod_spec);
    let selector = Pb::new().entry(1, "app", "web");
    let strategy = Pb::new().str(1, "RollingUpdate").msg(
        2,
        Pb::new()
            .msg(1, Pb::new().int(1, 1).str(3, "25%")) // maxUnavailable: string
            .msg(2, Pb::new().int(1, 0).int(2, 2)), // maxSurge: int
    );
    let spec = Pb::new()
        .int(1, 2)
        .msg(2, selector)
        .msg(3, template)
        .msg(4, strategy)
        .int(5, 0) // minReadySeconds
        .int(7, 0); // paused
    let created = Pb::new().int(1, 1_700_000_000).int(2, 123);
    let metadata = Pb::new().str(1, "web").str(3, "default").msg(8, created);
    let raw = Pb::new().msg(1, metadata).msg(2, spec).msg(3, Pb::new());
    assert_eq!(
        decoded(&body("apps/v1", "Deployment", raw)),
        json!({
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": {
                "name": "web",
                "namespace": "default",
                "creationTimestamp": "2023-11-14T22:13:20Z"
            },
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [{
                            "name": "nginx",
                            "image": "nginx:1.27",
                            "command": ["nginx", "-g"],
                            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                            "env": [{"name": "A", "value": "B"}],
                            "resources": {
                                "limits": {"cpu": "500m", "memory": "1Gi"},
                                "requests": {"cpu": "0"}
                            },
                            "imagePullPolicy": "IfNotPresent"
                        }],
                        "terminationGracePeriodSeconds": 0
                    }
                },
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 2}
                }
            },
            "status": {}
        })
    );
}

#[test]
fn service_ports_with_int_or_string_target_ports() {
    let port = |name: &str, port: i64, target: Pb| {
        Pb::new()
            .str(1, name)
            .str(2, "TCP")
            .int(3, port)
            .msg(4, target)
            .int(5, 0)
    };
    let spec = Pb::new()
        .msg(
            1,
            port("a", 80, Pb::new().int(1, 0).int(2, 8080).str(3, "")),
        )
        .msg(
            1,
            port("b", 81, Pb::new().int(1, 1).int(2, 0).str(3, "web")),
        )
        .msg(1, port("c", 82, Pb::new()))
        .entry(2, "app", "web")
        .str(3, "")
        .str(4, "ClusterIP");
    let raw = Pb::new().msg(1, meta("svc", "default")).msg(2, spec);
    let v = decoded(&body("v1", "Service", raw));
    assert_eq!(
        v["spec"],
        json!({
            "ports": [
                {"name": "a", "protocol": "TCP", "port": 80, "targetPort": 8080},
                {"name": "b", "protocol": "TCP", "port": 81, "targetPort": "web"},
                {"name": "c", "protocol": "TCP", "port": 82, "targetPort": 0}
            ],
            "selector": {"app": "web"},
            "type": "ClusterIP"
        })
    );
}

#[test]
fn times_and_micro_times() {
    let at = |s: i64, n: i64| Pb::new().int(1, s).int(2, n);
    let spec = Pb::new()
        .str(1, "holder")
        .int(2, 15)
        .msg(3, at(1_700_000_000, 123_456_789))
        .msg(4, at(0, 0));
    let metadata = meta("l", "kube-node-lease").msg(9, at(1_700_000_000, 999_999_999));
    let raw = Pb::new().msg(1, metadata).msg(2, spec);
    let v = decoded(&body("coordination.k8s.io/v1", "Lease", raw));
    // Time keeps whole seconds; MicroTime keeps microseconds (truncated).
    assert_eq!(
        v["metadata"]["deletionTimestamp"],
        json!("2023-11-14T22:13:20Z")
    );
    assert_eq!(
        v["spec"]["acquireTime"],
        json!("2023-11-14T22:13:20.123456Z")
    );
    assert_eq!(v["spec"]["renewTime"], json!("1970-01-01T00:00:00.000000Z"));
    assert_eq!(v["spec"]["leaseDurationSeconds"], json!(15));
    // An empty Time is the zero time: null, dropped.
    assert!(v["metadata"].get("creationTimestamp").is_none());
}

#[test]
fn negative_int32_and_packed_or_unpacked_lists() {
    // PodSecurityContext: runAsUser (2, *int64), supplementalGroups (4, repeated int64).
    let mut packed = Pb::new();
    packed.raw_varint(5);
    packed.raw_varint(6);
    let security = Pb::new().int(2, -1).int(4, 1).int(4, 2).bytes(4, &packed.0);
    let container = Pb::new().str(1, "c");
    let pod_spec = Pb::new().msg(2, container).msg(14, security).int(25, -3); // priority
    let raw = Pb::new().msg(1, meta("p", "default")).msg(2, pod_spec);
    let v = decoded(&body("v1", "Pod", raw));
    assert_eq!(v["spec"]["securityContext"]["runAsUser"], json!(-1));
    assert_eq!(
        v["spec"]["securityContext"]["supplementalGroups"],
        json!([1, 2, 5, 6])
    );
    assert_eq!(v["spec"]["priority"], json!(-3));
}

#[test]
fn inline_structs_are_flattened() {
    // Volume{name, volumeSource{configMap{LocalObjectReference{name}, defaultMode}}}.
    let config_map = Pb::new()
        .msg(1, Pb::new().str(1, "cfg"))
        .int(3, 0o644)
        .int(4, 0); // optional: *bool false
    let volume = Pb::new().str(1, "v").msg(2, Pb::new().msg(19, config_map));
    let probe = Pb::new()
        .msg(
            1,
            Pb::new().msg(
                2,
                Pb::new()
                    .str(1, "/healthz")
                    .msg(2, Pb::new().int(1, 1).str(3, "http")),
            ),
        )
        .int(2, 3);
    let container = Pb::new().str(1, "c").msg(10, probe);
    let pod_spec = Pb::new().msg(1, volume).msg(2, container);
    let raw = Pb::new().msg(1, meta("p", "default")).msg(2, pod_spec);
    let v = decoded(&body("v1", "Pod", raw));
    assert_eq!(
        v["spec"]["volumes"],
        json!([{"name": "v", "configMap": {"name": "cfg", "defaultMode": 420, "optional": false}}])
    );
    assert_eq!(
        v["spec"]["containers"][0]["livenessProbe"],
        json!({"httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 3})
    );
}

#[test]
fn raw_extension_is_embedded_json() {
    let raw = Pb::new()
        .msg(1, meta("rev", "default"))
        .msg(2, Pb::new().bytes(1, br#"{"spec":{"template":{"x":1}}}"#))
        .int(3, 4);
    let v = decoded(&body("apps/v1", "ControllerRevision", raw));
    assert_eq!(v["data"], json!({"spec": {"template": {"x": 1}}}));
    assert_eq!(v["revision"], json!(4));
}

#[test]
fn doubles_and_unknown_fields() {
    // An unknown varint, fixed32, fixed64 and group in ObjectMeta are skipped.
    let mut metadata = meta("pc", "");
    metadata.key(99, 5);
    metadata.0.extend_from_slice(&[1, 2, 3, 4]);
    metadata = metadata.int(98, 7).double(97, 1.5);
    metadata.key(96, 3);
    metadata.key(96, 4);
    let raw = Pb::new()
        .msg(1, metadata)
        .int(2, 1000)
        .int(3, 0) // globalDefault: omitempty
        .str(4, "hi");
    assert_eq!(
        decoded(&body("scheduling.k8s.io/v1", "PriorityClass", raw)),
        json!({
            "kind": "PriorityClass",
            "apiVersion": "scheduling.k8s.io/v1",
            "metadata": {"name": "pc"},
            "value": 1000,
            "description": "hi"
        })
    );
}

#[test]
fn delete_options_of_any_group_version() {
    let raw = Pb::new()
        .int(1, 0) // gracePeriodSeconds: *int64
        .msg(2, Pb::new().str(1, "uid-1"))
        .str(4, "Foreground")
        .str(5, "All");
    assert_eq!(
        decoded(&body("apps/v1", "DeleteOptions", raw)),
        json!({
            "kind": "DeleteOptions",
            "apiVersion": "apps/v1",
            "gracePeriodSeconds": 0,
            "preconditions": {"uid": "uid-1"},
            "propagationPolicy": "Foreground",
            "dryRun": ["All"]
        })
    );
}

#[test]
fn errors_are_worded_as_kube_words_them() {
    let err = |b: &[u8]| decode(b).unwrap_err();
    assert_eq!(err(b""), DecodeError::bare("empty data"));
    assert_eq!(
        err(b"{}").message,
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
    );
    assert_eq!(err(b"k8s\0"), DecodeError::bare("empty body"));
    assert_eq!(err(b"k8s\0\x0a\x05"), DecodeError::bare("unexpected EOF"));
    let no_kind = body("v1", "", Pb::new());
    assert_eq!(
        err(&no_kind).message,
        r#"Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'"#
    );
    let unknown = err(&body("v1", "Widget", Pb::new()));
    assert_eq!(unknown.kind, Some(("v1".into(), "Widget".into())));
    assert!(
        unknown
            .message
            .starts_with(r#"no kind "Widget" is registered for version "v1""#)
    );
    // A truncated object in a whole envelope: the envelope's kind is known.
    let e = err(&body("v1", "ConfigMap", Pb(vec![0x0a, 0x05, 0x0a, 0x01])));
    assert_eq!(e.kind, Some(("v1".into(), "ConfigMap".into())));
    assert_eq!(e.message, "unexpected EOF");
    let wrong = body("v1", "ConfigMap", Pb::new().int(1, 3));
    assert_eq!(
        err(&wrong).message,
        "proto: wrong wireType = 0 for field Metadata"
    );
    let bad_time = body(
        "v1",
        "ConfigMap",
        Pb::new().msg(1, Pb::new().msg(8, Pb::new().int(1, i64::MAX))),
    );
    assert!(err(&bad_time).message.contains("year outside of range"));
    let bad_raw = body(
        "apps/v1",
        "ControllerRevision",
        Pb::new().msg(2, Pb::new().bytes(1, b"{")),
    );
    assert!(err(&bad_raw).message.contains("RawExtension"));
}

#[test]
fn never_panics_on_arbitrary_input() {
    // Every prefix and single-byte corruption of a real body decodes or fails cleanly.
    let real: &[u8] = include_bytes!("testdata/job-from-cronjob.pb");
    for n in 0..real.len() {
        let _ = decode(&real[..n]);
    }
    let mut corrupt = real.to_vec();
    for i in 4..corrupt.len() {
        for b in [0x00, 0x07, 0x80, 0xff] {
            let saved = corrupt[i];
            corrupt[i] = b;
            let _ = decode(&corrupt);
            corrupt[i] = saved;
        }
    }
}

/// The longest chain of nested messages from `i`; panics on a cycle (recursion through the
/// table would then be bounded by [`MAX_DEPTH`] alone).
fn depth(i: usize, path: &mut Vec<usize>) -> usize {
    assert!(
        !path.contains(&i),
        "cycle through {}",
        fields::MESSAGES[i].name
    );
    path.push(i);
    let d = fields::MESSAGES[i]
        .fields
        .iter()
        .filter_map(|f| match f.ty {
            Ty::Msg(j) => Some(depth(usize::from(j), path)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    path.pop();
    d + 1
}

#[test]
fn message_nesting_is_acyclic_and_shallow() {
    let deepest = (0..fields::MESSAGES.len())
        .map(|i| depth(i, &mut Vec::new()))
        .max()
        .unwrap();
    assert!(deepest < MAX_DEPTH, "{deepest}");
}

/// Real bodies kubectl v1.32 sent (`kubectl create ...`, captured at the server), and the
/// JSON the same kubectl writes for the same object (`--dry-run=client -o json`: Go's
/// `json.Marshal`).
const GOLDEN: &[(&str, &[u8], &str)] = &[
    (
        "namespace",
        include_bytes!("testdata/namespace.pb"),
        include_str!("testdata/namespace.json"),
    ),
    (
        "configmap",
        include_bytes!("testdata/configmap.pb"),
        include_str!("testdata/configmap.json"),
    ),
    (
        "configmap-binary",
        include_bytes!("testdata/configmap-binary.pb"),
        include_str!("testdata/configmap-binary.json"),
    ),
    (
        "secret",
        include_bytes!("testdata/secret.pb"),
        include_str!("testdata/secret.json"),
    ),
    (
        "secret-docker-registry",
        include_bytes!("testdata/secret-docker-registry.pb"),
        include_str!("testdata/secret-docker-registry.json"),
    ),
    (
        "deployment",
        include_bytes!("testdata/deployment.pb"),
        include_str!("testdata/deployment.json"),
    ),
    (
        "deployment-port",
        include_bytes!("testdata/deployment-port.pb"),
        include_str!("testdata/deployment-port.json"),
    ),
    (
        "service",
        include_bytes!("testdata/service.pb"),
        include_str!("testdata/service.json"),
    ),
    (
        "job",
        include_bytes!("testdata/job.pb"),
        include_str!("testdata/job.json"),
    ),
    (
        "job-from-cronjob",
        include_bytes!("testdata/job-from-cronjob.pb"),
        include_str!("testdata/job-from-cronjob.json"),
    ),
    (
        "cronjob",
        include_bytes!("testdata/cronjob.pb"),
        include_str!("testdata/cronjob.json"),
    ),
    (
        "role",
        include_bytes!("testdata/role.pb"),
        include_str!("testdata/role.json"),
    ),
    (
        "rolebinding",
        include_bytes!("testdata/rolebinding.pb"),
        include_str!("testdata/rolebinding.json"),
    ),
    (
        "clusterrole",
        include_bytes!("testdata/clusterrole.pb"),
        include_str!("testdata/clusterrole.json"),
    ),
    (
        "clusterrolebinding",
        include_bytes!("testdata/clusterrolebinding.pb"),
        include_str!("testdata/clusterrolebinding.json"),
    ),
    (
        "resourcequota",
        include_bytes!("testdata/resourcequota.pb"),
        include_str!("testdata/resourcequota.json"),
    ),
    (
        "serviceaccount",
        include_bytes!("testdata/serviceaccount.pb"),
        include_str!("testdata/serviceaccount.json"),
    ),
    (
        "priorityclass",
        include_bytes!("testdata/priorityclass.pb"),
        include_str!("testdata/priorityclass.json"),
    ),
    (
        "ingress",
        include_bytes!("testdata/ingress.pb"),
        include_str!("testdata/ingress.json"),
    ),
    (
        "pdb-min-available",
        include_bytes!("testdata/pdb-min-available.pb"),
        include_str!("testdata/pdb-min-available.json"),
    ),
    (
        "pdb-max-unavailable",
        include_bytes!("testdata/pdb-max-unavailable.pb"),
        include_str!("testdata/pdb-max-unavailable.json"),
    ),
    (
        "hpa",
        include_bytes!("testdata/hpa.pb"),
        include_str!("testdata/hpa.json"),
    ),
    (
        "tokenrequest",
        include_bytes!("testdata/tokenrequest.pb"),
        include_str!("testdata/tokenrequest.json"),
    ),
];

#[test]
fn golden_kubectl_bodies() {
    for (name, pb, want) in GOLDEN {
        let mut want: Value = serde_json::from_str(want).unwrap();
        crate::object::drop_nulls(&mut want);
        assert_eq!(decoded(pb), want, "{name}");
    }
}

#[test]
fn body_decoding_answers_400_as_kube_does() {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        "application/vnd.kubernetes.protobuf".parse().unwrap(),
    );
    let ok = crate::body::decode_value(
        &headers,
        include_bytes!("testdata/configmap.pb"),
        "ConfigMap",
    )
    .unwrap();
    assert_eq!(ok["data"], json!({"a": "b"}));
    let err = crate::body::decode_value(&headers, b"k8s\0\x0a\x05", "ConfigMap").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (6b3873000a05)"
    );
    let mut truncated = include_bytes!("testdata/configmap.pb").to_vec();
    let raw_start = truncated.len() - 10;
    truncated.truncate(raw_start);
    let err = crate::body::decode_value(&headers, &truncated, "ConfigMap").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the object provided is unrecognized"),
        "{err}"
    );
    let widget = body("v1", "Widget", Pb::new());
    let err = crate::body::decode_value(&headers, &widget, "ConfigMap").unwrap_err();
    assert!(
        err.to_string().starts_with(
            r#"Widget in version "v1" cannot be handled as a ConfigMap: no kind "Widget""#
        ),
        "{err}"
    );
}

#[test]
fn the_table_is_consistent() {
    for (i, m) in fields::MESSAGES.iter().enumerate() {
        assert!(
            m.fields.windows(2).all(|w| w[0].tag < w[1].tag),
            "{i} {}: tags not ascending",
            m.name
        );
        for f in m.fields {
            if let Ty::Msg(j) = f.ty {
                assert!(usize::from(j) < fields::MESSAGES.len());
            }
            assert_eq!(
                f.card == Card::Inline,
                f.json.is_empty(),
                "{}.{}",
                m.name,
                f.json
            );
            if f.card == Card::Omit {
                assert!(!matches!(f.ty, Ty::Msg(_)), "{}.{}", m.name, f.json);
            }
        }
    }
    for (v, k, i) in fields::KINDS {
        let name = fields::MESSAGES[usize::from(i)].name;
        assert!(name.ends_with(&format!(".{k}")), "{v} {k} -> {name}");
    }
}

#[test]
fn random_mutations_of_real_bodies_never_panic() {
    let bodies: [&[u8]; 4] = [
        include_bytes!("testdata/job-from-cronjob.pb"),
        include_bytes!("testdata/deployment-port.pb"),
        include_bytes!("testdata/hpa.pb"),
        include_bytes!("testdata/secret-docker-registry.pb"),
    ];
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..3000 {
        let mut b = bodies[rng.usize(..bodies.len())].to_vec();
        for _ in 0..rng.usize(1..6) {
            let i = rng.usize(4..b.len());
            match rng.u8(..3) {
                0 => b[i] = rng.u8(..),
                1 => {
                    b.remove(i);
                }
                _ => b.insert(i, rng.u8(..)),
            }
        }
        let _ = decode(&b);
    }
}

#[test]
fn encoding_the_golden_json_gives_the_golden_bytes() {
    for (name, pb, json) in GOLDEN {
        let object: Value = serde_json::from_str(json).unwrap();
        let got = encode(&object).unwrap_or_else(|| panic!("{name}: no message"));
        if got != *pb {
            let at = got
                .iter()
                .zip(pb.iter())
                .take_while(|(a, b)| a == b)
                .count();
            panic!(
                "{name}: bytes differ at {at} (got {} bytes, want {})\n got: {:02x?}\nwant: {:02x?}",
                got.len(),
                pb.len(),
                &got[at.saturating_sub(8)..(at + 24).min(got.len())],
                &pb[at.saturating_sub(8)..(at + 24).min(pb.len())],
            );
        }
    }
}

#[test]
fn decoding_then_encoding_a_golden_body_gives_it_back() {
    for (name, pb, _) in GOLDEN {
        let object = decode(pb).unwrap();
        assert_eq!(encode(&object).as_deref(), Some(*pb), "{name}");
    }
}

/// The `raw` of an encoded object.
fn raw_of(object: Value) -> Vec<u8> {
    let body = encode(&object).expect("a message");
    let (api_version, kind) = (
        object["apiVersion"].as_str().unwrap(),
        object["kind"].as_str().unwrap(),
    );
    let mut r = Reader::new(body.strip_prefix(MAGIC).unwrap());
    let mut raw = None;
    while let Some((tag, w)) = r.field().unwrap() {
        if let (2, Wire::Len(b)) = (tag, w) {
            raw = Some(b.to_vec());
        }
    }
    let raw = raw.unwrap();
    assert_eq!(body, self::body(api_version, kind, Pb(raw.clone())));
    raw
}

#[test]
fn pointers_are_written_when_set_and_values_always() {
    let spec = |spec: Value| {
        raw_of(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {}, "spec": spec}))
    };
    let template = Pb::new().msg(1, meta("", "")).msg(2, {
        // PodSpec: every non-pointer field of its own, zero.
        let raw = raw_of(json!({"apiVersion": "v1", "kind": "PodTemplate", "template": {}}));
        let mut r = Reader::new(&raw);
        let mut spec = Vec::new();
        while let Some((tag, w)) = r.field().unwrap() {
            if let (2, Wire::Len(t)) = (tag, w) {
                let mut r = Reader::new(t);
                while let Some((tag, w)) = r.field().unwrap() {
                    if let (2, Wire::Len(s)) = (tag, w) {
                        spec = s.to_vec();
                    }
                }
            }
        }
        Pb(spec)
    });
    let strategy = Pb::new().str(1, "");
    let tail = |p: Pb, revision_history_limit: Option<i64>| {
        let p = p
            .msg(3, template.clone())
            .msg(4, strategy.clone())
            .int(5, 0);
        let p = match revision_history_limit {
            Some(n) => p.int(6, n),
            None => p,
        };
        p.int(7, 0)
    };
    let deployment = |spec: Pb| {
        Pb::new()
            .msg(1, meta("", ""))
            .msg(2, spec)
            .msg(
                3,
                Pb::new()
                    .int(1, 0)
                    .int(2, 0)
                    .int(3, 0)
                    .int(4, 0)
                    .int(5, 0)
                    .int(7, 0),
            )
            .0
    };
    // replicas (1), selector (2), revisionHistoryLimit (6), progressDeadlineSeconds (9) are
    // pointers: absent, not written; zero, written.
    assert_eq!(spec(json!({})), deployment(tail(Pb::new(), None)));
    assert_eq!(
        spec(json!({"replicas": 0, "revisionHistoryLimit": -1})),
        deployment(tail(Pb::new().int(1, 0), Some(-1)))
    );
}

#[test]
fn times_micro_times_and_int_or_strings() {
    let raw = raw_of(json!({
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "e", "creationTimestamp": "2024-01-02T03:04:05Z"},
        "eventTime": "2024-01-02T03:04:05.123456Z",
    }));
    let mut r = Reader::new(&raw);
    let mut seen = Vec::new();
    while let Some((tag, w)) = r.field().unwrap() {
        if let (1 | 2, Wire::Len(b)) = (tag, w) {
            seen.push((tag, b.to_vec()));
        }
    }
    let created = Pb::new().int(1, 1_704_164_645).int(2, 0);
    assert!(
        seen[0].1.windows(created.0.len() + 2).any(|w| w[0] == 0x42
            && usize::from(w[1]) == created.0.len()
            && w[2..] == created.0[..])
    );
    assert_eq!(
        seen[1],
        (2, Pb::new().int(1, 1_704_164_645).int(2, 123_456_000).0)
    );

    let port = |target: Value| {
        raw_of(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {}, "spec": {"ports": [{"port": 80, "targetPort": target}]}}),
        )
    };
    let int = Pb::new().int(1, 0).int(2, 8080).str(3, "");
    let text = Pb::new().int(1, 1).int(2, 0).str(3, "http");
    let has = |raw: &[u8], m: &Pb| raw.windows(m.0.len()).any(|w| w == &m.0[..]);
    assert!(has(&port(json!(8080)), &Pb::new().msg(4, int)));
    assert!(has(&port(json!("http")), &Pb::new().msg(4, text)));
}

#[test]
fn status_lists_and_watch_events() {
    let status = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "configmaps \"x\" not found", "reason": "NotFound",
        "details": {"name": "x", "kind": "configmaps"}, "code": 404
    });
    let want = Pb::new()
        .msg(1, Pb::new().str(1, "").str(2, "").str(3, ""))
        .str(2, "Failure")
        .str(3, "configmaps \"x\" not found")
        .str(4, "NotFound")
        .msg(
            5,
            Pb::new()
                .str(1, "x")
                .str(2, "")
                .str(3, "configmaps")
                .int(5, 0)
                .str(6, ""),
        )
        .int(6, 404);
    assert_eq!(encode(&status).unwrap(), body("v1", "Status", want.clone()));

    let frame = watch_event(&json!({"type": "ERROR", "object": status})).unwrap();
    let event = Pb::new()
        .str(1, "ERROR")
        .msg(2, Pb::new().bytes(1, &body("v1", "Status", want)));
    assert_eq!(frame[..4], (event.0.len() as u32).to_be_bytes());
    assert_eq!(frame[4..], event.0);

    let list = json!({
        "kind": "NamespaceList", "apiVersion": "v1",
        "metadata": {"resourceVersion": "7", "remainingItemCount": 0},
        "items": [{"metadata": {"name": "a"}}]
    });
    let want = Pb::new()
        .msg(1, Pb::new().str(1, "").str(2, "7").str(3, "").int(4, 0))
        .msg(
            2,
            Pb::new()
                .msg(1, meta("a", ""))
                .msg(2, Pb::new())
                .msg(3, Pb::new().str(1, "")),
        );
    assert_eq!(encode(&list).unwrap(), body("v1", "NamespaceList", want));
    assert_eq!(
        encode(&json!({"kind": "Widget", "apiVersion": "example.com/v1"})),
        None
    );
    assert_eq!(
        encode(&json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1"})),
        None
    );
}
