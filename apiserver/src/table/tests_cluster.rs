//! Tests for the cluster and networking printers, the columns and odd input.

use serde_json::json;

use super::tests::{Case, NOW, ago, run};
use super::tests_workloads::meta;
use super::{Column, cells, columns, default_columns};

#[test]
fn cluster_kinds() {
    let node = json!({
        "metadata": {"name": "cp-1", "creationTimestamp": ago(183_600), "labels": {
            "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/": "x", "kubernetes.io/hostname": "cp-1"}},
        "status": {
            "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "192.168.1.10"}, {"type": "Hostname", "address": "cp-1"}],
            "nodeInfo": {"kubeletVersion": "v1.36.0", "osImage": "Ubuntu 24.04.1 LTS", "kernelVersion": "6.8.0-45-generic",
                "containerRuntimeVersion": "containerd://2.0.0"}
        }
    });
    let cases = [
        Case {
            name: "Node Ready with control-plane role",
            group: "",
            resource: "nodes",
            obj: node,
            want: json!([
                "cp-1",
                "Ready",
                "control-plane",
                "2d3h",
                "v1.36.0",
                "192.168.1.10",
                "<none>",
                "Ubuntu 24.04.1 LTS",
                "6.8.0-45-generic",
                "containerd://2.0.0"
            ]),
        },
        Case {
            name: "Node NotReady, cordoned, legacy role label",
            group: "",
            resource: "nodes",
            obj: json!({"metadata": {"name": "w-1", "creationTimestamp": ago(60), "labels": {"kubernetes.io/role": "worker", "node-role.kubernetes.io/gpu": ""}},
                "spec": {"unschedulable": true},
                "status": {"conditions": [{"type": "Ready", "status": "Unknown"}], "addresses": [{"type": "ExternalIP", "address": "203.0.113.5"}]}}),
            want: json!([
                "w-1",
                "NotReady,SchedulingDisabled",
                "gpu,worker",
                "60s",
                "",
                "<none>",
                "203.0.113.5",
                "<unknown>",
                "<unknown>",
                "<unknown>"
            ]),
        },
        Case {
            name: "Node without conditions",
            group: "",
            resource: "nodes",
            obj: json!({"metadata": {"name": "new", "creationTimestamp": ago(5)}}),
            want: json!([
                "new",
                "Unknown",
                "<none>",
                "5s",
                "",
                "<none>",
                "<none>",
                "<unknown>",
                "<unknown>",
                "<unknown>"
            ]),
        },
        Case {
            name: "Namespace",
            group: "",
            resource: "namespaces",
            obj: json!({"metadata": {"name": "kube-system", "creationTimestamp": ago(864_000)}, "status": {"phase": "Active"}}),
            want: json!(["kube-system", "Active", "10d"]),
        },
        Case {
            name: "core Event",
            group: "",
            resource: "events",
            obj: json!({"metadata": meta("web-0.17f3", 600), "involvedObject": {"kind": "Pod", "name": "web-0", "fieldPath": "spec.containers{web}"},
                "reason": "BackOff", "message": "Back-off restarting failed container web in pod web-0\n", "type": "Warning",
                "source": {"component": "kubelet", "host": "node-1"}, "firstTimestamp": ago(600), "lastTimestamp": ago(30), "count": 12}),
            want: json!([
                "30s",
                "Warning",
                "BackOff",
                "pod/web-0",
                "spec.containers{web}",
                "kubelet, node-1",
                "Back-off restarting failed container web in pod web-0",
                "10m",
                12,
                "web-0.17f3"
            ]),
        },
        Case {
            name: "core Event from the new API: eventTime, series, reporting controller",
            group: "",
            resource: "events",
            obj: json!({"metadata": meta("ns.1", 300), "involvedObject": {"kind": "Node"}, "reason": "Scheduled", "message": "ok", "type": "Normal",
                "eventTime": "2026-11-22T22:37:35.000000Z", "series": {"count": 4, "lastObservedTime": "2026-11-22T22:42:00.500000Z"},
                "reportingComponent": "default-scheduler", "reportingInstance": "default-scheduler-cp-1"}),
            want: json!([
                "34s",
                "Normal",
                "Scheduled",
                "node",
                "",
                "default-scheduler, default-scheduler-cp-1",
                "ok",
                "5m",
                4,
                "ns.1"
            ]),
        },
        Case {
            name: "events.k8s.io Event",
            group: "events.k8s.io",
            resource: "events",
            obj: json!({"metadata": meta("web.2", 120), "regarding": {"kind": "Deployment", "name": "web"}, "reason": "ScalingReplicaSet",
                "note": "Scaled up replica set web-5d4f to 3", "type": "Normal", "eventTime": ago(120), "reportingController": "deployment-controller",
                "reportingInstance": ""}),
            want: json!([
                "2m",
                "Normal",
                "ScalingReplicaSet",
                "deployment/web",
                "",
                "deployment-controller",
                "Scaled up replica set web-5d4f to 3",
                "2m",
                1,
                "web.2"
            ]),
        },
        Case {
            name: "PersistentVolume bound",
            group: "",
            resource: "persistentvolumes",
            obj: json!({"metadata": {"name": "pv-1", "creationTimestamp": ago(3600)},
                "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                    "claimRef": {"namespace": "default", "name": "data"}, "storageClassName": "fast", "volumeMode": "Filesystem"},
                "status": {"phase": "Bound"}}),
            want: json!([
                "pv-1",
                "10Gi",
                "RWO,RWX",
                "Retain",
                "Bound",
                "default/data",
                "fast",
                "<unset>",
                "",
                "60m",
                "Filesystem"
            ]),
        },
        Case {
            name: "PersistentVolume terminating, beta class annotation",
            group: "",
            resource: "persistentvolumes",
            obj: json!({"metadata": {"name": "pv-2", "creationTimestamp": ago(60), "deletionTimestamp": ago(1),
                    "annotations": {"volume.beta.kubernetes.io/storage-class": "old"}},
                "spec": {"capacity": {"storage": "1536Mi"}, "storageClassName": "new", "volumeAttributesClassName": "gold"},
                "status": {"phase": "Released", "reason": "Reclaiming"}}),
            want: json!([
                "pv-2",
                "1536Mi",
                "",
                "",
                "Terminating",
                "",
                "old",
                "gold",
                "Reclaiming",
                "60s",
                "<unset>"
            ]),
        },
        Case {
            name: "PersistentVolumeClaim bound",
            group: "",
            resource: "persistentvolumeclaims",
            obj: json!({"metadata": meta("data", 3600), "spec": {"volumeName": "pv-1", "storageClassName": "fast", "volumeMode": "Filesystem",
                    "resources": {"requests": {"storage": "8Gi"}}},
                "status": {"phase": "Bound", "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"]}}),
            want: json!([
                "data",
                "Bound",
                "pv-1",
                "10Gi",
                "RWO",
                "fast",
                "<unset>",
                "60m",
                "Filesystem"
            ]),
        },
        Case {
            name: "PersistentVolumeClaim pending",
            group: "",
            resource: "persistentvolumeclaims",
            obj: json!({"metadata": meta("wait", 60), "spec": {"resources": {"requests": {"storage": "1Gi"}}}, "status": {"phase": "Pending"}}),
            want: json!([
                "wait", "Pending", "", "", "", "", "<unset>", "60s", "<unset>"
            ]),
        },
        Case {
            name: "StorageClass default",
            group: "storage.k8s.io",
            resource: "storageclasses",
            obj: json!({"metadata": {"name": "standard", "creationTimestamp": ago(864_000), "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer"}),
            want: json!([
                "standard (default)",
                "rancher.io/local-path",
                "Delete",
                "WaitForFirstConsumer",
                false,
                "10d"
            ]),
        },
        Case {
            name: "PriorityClass",
            group: "scheduling.k8s.io",
            resource: "priorityclasses",
            obj: json!({"metadata": {"name": "system-node-critical", "creationTimestamp": ago(864_000)}, "value": 2_000_001_000,
                "globalDefault": false, "preemptionPolicy": "PreemptLowerPriority"}),
            want: json!([
                "system-node-critical",
                2_000_001_000,
                false,
                "10d",
                "PreemptLowerPriority"
            ]),
        },
        Case {
            name: "Secret",
            group: "",
            resource: "secrets",
            obj: json!({"metadata": meta("tls", 60), "type": "kubernetes.io/tls", "data": {"tls.crt": "Y3J0", "tls.key": "a2V5"}}),
            want: json!(["tls", "kubernetes.io/tls", 2, "60s"]),
        },
        Case {
            name: "ConfigMap with binary data",
            group: "",
            resource: "configmaps",
            obj: json!({"metadata": meta("cfg", 60), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}}),
            want: json!(["cfg", 3, "60s"]),
        },
        Case {
            name: "ServiceAccount",
            group: "",
            resource: "serviceaccounts",
            obj: json!({"metadata": meta("default", 60)}),
            want: json!(["default", 0, "60s"]),
        },
        Case {
            name: "ResourceQuota",
            group: "",
            resource: "resourcequotas",
            obj: json!({"metadata": meta("quota", 60), "status": {
                "hard": {"requests.cpu": "2", "pods": "10", "limits.memory": "2Gi", "limits.cpu": "4", "requests.memory": "1Gi"},
                "used": {"requests.cpu": "500m", "pods": "3", "limits.memory": "1024Mi", "requests.memory": "0"}}}),
            want: json!([
                "quota",
                "pods: 3/10, requests.cpu: 500m/2, requests.memory: 0/1Gi",
                "limits.cpu: 0/4, limits.memory: 1Gi/2Gi",
                "60s"
            ]),
        },
        Case {
            name: "Lease",
            group: "coordination.k8s.io",
            resource: "leases",
            obj: json!({"metadata": meta("kube-scheduler", 60), "spec": {"holderIdentity": "cp-1_4b2c"}}),
            want: json!(["kube-scheduler", "cp-1_4b2c", "60s"]),
        },
        Case {
            name: "RoleBinding",
            group: "rbac.authorization.k8s.io",
            resource: "rolebindings",
            obj: json!({"metadata": meta("read", 60), "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                "subjects": [{"kind": "User", "name": "jane"}, {"kind": "Group", "name": "devs"}, {"kind": "User", "name": "bob"},
                    {"kind": "ServiceAccount", "name": "ci", "namespace": "tools"}, {"kind": "Other", "name": "x"}]}),
            want: json!([
                "read",
                "Role/reader",
                "60s",
                "jane, bob",
                "devs",
                "tools/ci"
            ]),
        },
        Case {
            name: "ClusterRoleBinding",
            group: "rbac.authorization.k8s.io",
            resource: "clusterrolebindings",
            obj: json!({"metadata": {"name": "admins", "creationTimestamp": ago(60)}, "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
                "subjects": [{"kind": "Group", "name": "system:masters"}]}),
            want: json!([
                "admins",
                "ClusterRole/cluster-admin",
                "60s",
                "",
                "system:masters",
                ""
            ]),
        },
        Case {
            name: "ComponentStatus",
            group: "",
            resource: "componentstatuses",
            obj: json!({"metadata": {"name": "etcd-0"}, "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}),
            want: json!(["etcd-0", "Healthy", "ok", ""]),
        },
        Case {
            name: "LimitRange uses the default table",
            group: "",
            resource: "limitranges",
            obj: json!({"metadata": {"name": "limits", "creationTimestamp": "2026-11-22T22:42:35Z"}}),
            want: json!(["limits", "2026-11-22T22:42:35Z"]),
        },
        Case {
            name: "Role uses the default table",
            group: "rbac.authorization.k8s.io",
            resource: "roles",
            obj: json!({"metadata": {"name": "reader"}}),
            want: json!(["reader", "0001-01-01T00:00:00Z"]),
        },
    ];
    run(&cases);
}

#[test]
fn networking() {
    let addr = |ip: &str| json!({"ip": ip});
    let cases = [
        Case {
            name: "Endpoints with ports, more than three",
            group: "",
            resource: "endpoints",
            obj: json!({"metadata": meta("web", 60), "subsets": [
                {"addresses": [addr("10.0.0.1"), addr("10.0.0.2")], "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}]},
                {"addresses": [addr("fd00::1")], "ports": [{"port": 8080}]}]}),
            want: json!([
                "web",
                "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...",
                "60s"
            ]),
        },
        Case {
            name: "Endpoints headless without ports, IPv6",
            group: "",
            resource: "endpoints",
            obj: json!({"metadata": meta("db", 60), "subsets": [{"addresses": [addr("fd00::1")], "ports": [{"port": 5432}]}, {"addresses": [addr("10.0.0.9")]}]}),
            want: json!(["db", "[fd00::1]:5432,10.0.0.9", "60s"]),
        },
        Case {
            name: "Endpoints empty",
            group: "",
            resource: "endpoints",
            obj: json!({"metadata": meta("none", 60)}),
            want: json!(["none", "<none>", "60s"]),
        },
        Case {
            name: "EndpointSlice",
            group: "discovery.k8s.io",
            resource: "endpointslices",
            obj: json!({"metadata": meta("web-abc", 60), "addressType": "IPv4", "ports": [{"name": "http", "port": 80}, {"name": "metrics"}, {}],
                "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2", "10.0.0.3"]}, {"addresses": ["10.0.0.4"]}]}),
            want: json!([
                "web-abc",
                "IPv4",
                "80,metrics,*",
                "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...",
                "60s"
            ]),
        },
        Case {
            name: "EndpointSlice empty",
            group: "discovery.k8s.io",
            resource: "endpointslices",
            obj: json!({"metadata": meta("empty", 60), "addressType": "IPv6", "endpoints": []}),
            want: json!(["empty", "IPv6", "<unset>", "<unset>", "60s"]),
        },
        Case {
            name: "Ingress with TLS and address",
            group: "networking.k8s.io",
            resource: "ingresses",
            obj: json!({"metadata": meta("web", 60), "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["a.example.com"]}],
                    "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}, {}, {"host": "c.example.com"}, {"host": "d.example.com"}]},
                "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.20"}, {"hostname": "lb.example.com"}]}}}),
            want: json!([
                "web",
                "nginx",
                "a.example.com,b.example.com,c.example.com + 2 more...",
                "203.0.113.20,lb.example.com",
                "80, 443",
                "60s"
            ]),
        },
        Case {
            name: "Ingress without class or hosts",
            group: "networking.k8s.io",
            resource: "ingresses",
            obj: json!({"metadata": meta("catch-all", 60), "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}),
            want: json!(["catch-all", "<none>", "*", "", "80", "60s"]),
        },
        Case {
            name: "IngressClass default with parameters",
            group: "networking.k8s.io",
            resource: "ingressclasses",
            obj: json!({"metadata": {"name": "nginx", "creationTimestamp": ago(60), "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
                "spec": {"controller": "k8s.io/ingress-nginx", "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}}),
            want: json!([
                "nginx (default)",
                "k8s.io/ingress-nginx",
                "IngressParameters.k8s.example.com/external-lb",
                "60s"
            ]),
        },
        Case {
            name: "IngressClass without parameters",
            group: "networking.k8s.io",
            resource: "ingressclasses",
            obj: json!({"metadata": {"name": "traefik", "creationTimestamp": ago(60)}, "spec": {"controller": "traefik.io/ingress-controller"}}),
            want: json!(["traefik", "traefik.io/ingress-controller", "<none>", "60s"]),
        },
        Case {
            name: "NetworkPolicy",
            group: "networking.k8s.io",
            resource: "networkpolicies",
            obj: json!({"metadata": meta("deny", 60), "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Ingress"]}}),
            want: json!(["deny", "role=db", "60s"]),
        },
        Case {
            name: "NetworkPolicy selecting all pods",
            group: "networking.k8s.io",
            resource: "networkpolicies",
            obj: json!({"metadata": meta("all", 60), "spec": {"podSelector": {}}}),
            want: json!(["all", "<none>", "60s"]),
        },
    ];
    run(&cases);
}

const RESOURCES: &[(&str, &str)] = &[
    ("", "pods"),
    ("", "podtemplates"),
    ("", "replicationcontrollers"),
    ("", "services"),
    ("", "endpoints"),
    ("", "nodes"),
    ("", "namespaces"),
    ("", "events"),
    ("", "persistentvolumes"),
    ("", "persistentvolumeclaims"),
    ("", "secrets"),
    ("", "configmaps"),
    ("", "serviceaccounts"),
    ("", "resourcequotas"),
    ("", "componentstatuses"),
    ("", "limitranges"),
    ("apps", "replicasets"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "controllerrevisions"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("autoscaling", "horizontalpodautoscalers"),
    ("policy", "poddisruptionbudgets"),
    ("discovery.k8s.io", "endpointslices"),
    ("networking.k8s.io", "ingresses"),
    ("networking.k8s.io", "ingressclasses"),
    ("networking.k8s.io", "networkpolicies"),
    ("events.k8s.io", "events"),
    ("storage.k8s.io", "storageclasses"),
    ("scheduling.k8s.io", "priorityclasses"),
    ("coordination.k8s.io", "leases"),
    ("rbac.authorization.k8s.io", "rolebindings"),
    ("rbac.authorization.k8s.io", "clusterrolebindings"),
    ("rbac.authorization.k8s.io", "roles"),
    ("rbac.authorization.k8s.io", "clusterroles"),
];

/// Every printer, fed odd JSON, returns one cell per column and does not panic.
#[test]
fn odd_input() {
    let odd = [
        json!(null),
        json!(7),
        json!("pod"),
        json!([1, 2]),
        json!({}),
        json!({"metadata": {"name": 5, "creationTimestamp": {"x": 1}, "labels": [1], "ownerReferences": "x", "annotations": 3}}),
        json!({"metadata": null, "spec": null, "status": null}),
        json!({"spec": {"containers": [null, 1, {"name": 2}], "ports": [{"port": "80", "nodePort": -5}], "metrics": [null, 5, {"type": "Resource"}],
            "selector": {"matchLabels": "x", "matchExpressions": [1]}, "capacity": {"storage": {"a": 1}}, "replicas": 1e300, "podSelector": 4,
            "clusterIPs": [null], "rules": [3], "tls": "x", "jobTemplate": 1, "template": []},
            "status": {"conditions": "x", "hard": {"cpu": [1]}, "used": 3, "currentMetrics": [1], "loadBalancer": {"ingress": [1, {"ip": 2}]},
            "containerStatuses": [{"state": {"terminated": 1}}], "addresses": [2]},
            "subsets": [{"addresses": [{"ip": 1}], "ports": [{"port": "x"}]}], "endpoints": [{"addresses": [1, null]}], "ports": [{"port": "x"}],
            "subjects": [1], "roleRef": 2, "series": 3, "involvedObject": [], "regarding": 1, "data": [], "secrets": {}, "revision": "2"}),
        json!({"metadata": {"creationTimestamp": "0000-01-01T00:00:00Z", "deletionTimestamp": "9999-12-31T23:59:59Z"},
            "spec": {"initContainers": [{"name": "a", "restartPolicy": "Always"}], "capacity": {"storage": "1e-2147483648"}},
            "status": {"startTime": "9999-12-31T23:59:59Z", "completionTime": "0000-01-01T00:00:00Z",
                "initContainerStatuses": [{"name": "a", "started": true, "restartCount": 9_223_372_036_854_775_807_i64,
                    "lastTerminationState": {"terminated": {"finishedAt": "9999-12-31T23:59:59.999999999Z"}}}],
                "containerStatuses": [{"restartCount": 9_223_372_036_854_775_807_i64}],
                "hard": {"cpu": "10e2147483647"}, "used": {"cpu": "1e2147483647"}}}),
    ];
    for (i, (group, resource)) in RESOURCES.iter().enumerate() {
        for (j, obj) in odd.iter().enumerate() {
            println!("#{i}.{j}: {group}/{resource}");
            let width = columns(group, resource).unwrap_or(default_columns()).len();
            for now in [NOW, i64::MIN, -1, 0, i64::MAX] {
                assert_eq!(
                    cells(group, resource, obj, now).len(),
                    width,
                    "#{i}.{j}: {group}/{resource} at {now}"
                );
            }
        }
    }
}

#[test]
fn column_definitions() {
    let names = |cols: &[Column]| {
        cols.iter()
            .map(|c| (c.name, c.priority))
            .collect::<Vec<_>>()
    };
    let pods = columns("", "pods").unwrap_or_default();
    assert_eq!(
        names(pods),
        [
            ("Name", 0),
            ("Ready", 0),
            ("Status", 0),
            ("Restarts", 0),
            ("Age", 0),
            ("IP", 1),
            ("Node", 1),
            ("Nominated Node", 1),
            ("Readiness Gates", 1)
        ]
    );
    assert_eq!(
        pods[0].to_json(),
        json!({"name": "Name", "type": "string", "format": "name",
            "description": "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
            "priority": 0})
    );
    assert_eq!(
        pods[4].to_json().to_string(),
        r#"{"name":"Age","type":"string","format":"","description":"CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata","priority":0}"#
    );
    assert_eq!(names(default_columns()), [("Name", 0), ("Created At", 0)]);
    assert_eq!(default_columns()[1].type_, "date");
    let events = columns("events.k8s.io", "events").unwrap_or_default();
    assert_eq!(events, columns("", "events").unwrap_or_default());
    assert_eq!(
        names(events),
        [
            ("Last Seen", 0),
            ("Type", 0),
            ("Reason", 0),
            ("Object", 0),
            ("Subobject", 1),
            ("Source", 1),
            ("Message", 0),
            ("First Seen", 1),
            ("Count", 1),
            ("Name", 1)
        ]
    );
    assert_eq!(events[9].format, "name");
    assert_eq!(
        names(columns("batch", "jobs").unwrap_or_default()),
        [
            ("Name", 0),
            ("Status", 0),
            ("Completions", 0),
            ("Duration", 0),
            ("Age", 0),
            ("Containers", 1),
            ("Images", 1),
            ("Selector", 1)
        ]
    );
    assert_eq!(
        names(columns("apps", "deployments").unwrap_or_default())[1..5],
        [
            ("Ready", 0),
            ("Up-to-date", 0),
            ("Available", 0),
            ("Age", 0)
        ]
    );
    assert_eq!(
        names(columns("", "serviceaccounts").unwrap_or_default()),
        [("Name", 0), ("Secrets", 0), ("Age", 0)]
    );
    assert_eq!(
        columns("scheduling.k8s.io", "priorityclasses").unwrap_or_default()[4].priority,
        0
    );
    for (group, resource) in [
        ("", "limitranges"),
        ("rbac.authorization.k8s.io", "roles"),
        ("rbac.authorization.k8s.io", "clusterroles"),
        ("apps", "pods"),
    ] {
        assert_eq!(columns(group, resource), None, "{group}/{resource}");
    }
    // Every column of every printer has a name, a known type and a description.
    for (group, resource) in RESOURCES {
        for c in columns(group, resource).unwrap_or(default_columns()) {
            assert!(
                !c.name.is_empty() && !c.description.is_empty(),
                "{group}/{resource} {}",
                c.name
            );
            assert!(
                ["string", "integer", "boolean", "date"].contains(&c.type_),
                "{group}/{resource} {}",
                c.name
            );
        }
    }
}
