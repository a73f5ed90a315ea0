//! Tests for the workload printers, the HPA included.

use serde_json::{Value, json};

use super::tests::{Case, ago, run};

pub(super) fn meta(name: &str, age: i64) -> Value {
    json!({"name": name, "namespace": "default", "creationTimestamp": ago(age)})
}

fn template(labels: Value) -> Value {
    json!({"metadata": {"labels": labels}, "spec": {"containers": [
        {"name": "web", "image": "nginx:1.27"}, {"name": "log", "image": "fluent-bit:3"}
    ]}})
}

#[test]
fn workloads() {
    let selector = json!({"matchLabels": {"app": "web"}});
    let cases = [
        Case {
            name: "Deployment 2/3",
            group: "apps",
            resource: "deployments",
            obj: json!({"metadata": meta("web", 185), "spec": {"replicas": 3, "selector": selector, "template": template(json!({"app": "web"}))},
                "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}),
            want: json!([
                "web",
                "2/3",
                3,
                2,
                "3m5s",
                "web,log",
                "nginx:1.27,fluent-bit:3",
                "app=web"
            ]),
        },
        Case {
            name: "Deployment without status or selector",
            group: "apps",
            resource: "deployments",
            obj: json!({"metadata": meta("empty", 5), "spec": {"replicas": 1}}),
            want: json!(["empty", "0/1", 0, 0, "5s", "", "", ""]),
        },
        Case {
            name: "Deployment with an invalid selector",
            group: "apps",
            resource: "deployments",
            obj: json!({"metadata": meta("bad", 5), "spec": {"selector": {"matchExpressions": [{"key": "a", "operator": "Nope"}]}}}),
            want: json!(["bad", "0/0", 0, 0, "5s", "", "", "<invalid>"]),
        },
        Case {
            name: "ReplicaSet",
            group: "apps",
            resource: "replicasets",
            obj: json!({"metadata": meta("web-5d4f", 3600), "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "5d4f"}}, "template": template(json!({}))},
                "status": {"replicas": 3, "readyReplicas": 3}}),
            want: json!([
                "web-5d4f",
                3,
                3,
                3,
                "60m",
                "web,log",
                "nginx:1.27,fluent-bit:3",
                "app=web,pod-template-hash=5d4f"
            ]),
        },
        Case {
            name: "ReplicationController",
            group: "",
            resource: "replicationcontrollers",
            obj: json!({"metadata": meta("legacy", 600), "spec": {"replicas": 2, "selector": {"app": "legacy"}, "template": template(json!({"app": "legacy"}))},
                "status": {"replicas": 2, "readyReplicas": 1}}),
            want: json!([
                "legacy",
                2,
                2,
                1,
                "10m",
                "web,log",
                "nginx:1.27,fluent-bit:3",
                "app=legacy"
            ]),
        },
        Case {
            name: "DaemonSet",
            group: "apps",
            resource: "daemonsets",
            obj: json!({"metadata": meta("agent", 864_000), "spec": {"selector": {"matchLabels": {"app": "agent"}},
                    "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}, "containers": [{"name": "agent", "image": "agent:2"}]}}},
                "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2}}),
            want: json!([
                "agent",
                3,
                3,
                2,
                3,
                2,
                "kubernetes.io/os=linux",
                "10d",
                "agent",
                "agent:2",
                "app=agent"
            ]),
        },
        Case {
            name: "StatefulSet",
            group: "apps",
            resource: "statefulsets",
            obj: json!({"metadata": meta("db", 11_100), "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "pg", "image": "postgres:17"}]}}},
                "status": {"replicas": 3, "readyReplicas": 1}}),
            want: json!(["db", "1/3", "3h5m", "pg", "postgres:17"]),
        },
        Case {
            name: "Job running",
            group: "batch",
            resource: "jobs",
            obj: json!({"metadata": meta("pi", 100), "spec": {"completions": 1, "parallelism": 1, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "c0ffee"}},
                    "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34"}]}}},
                "status": {"active": 1, "startTime": ago(90)}}),
            want: json!([
                "pi",
                "Running",
                "0/1",
                "90s",
                "100s",
                "pi",
                "perl:5.34",
                "batch.kubernetes.io/controller-uid=c0ffee"
            ]),
        },
        Case {
            name: "Job completed",
            group: "batch",
            resource: "jobs",
            obj: json!({"metadata": meta("pi", 600), "spec": {"completions": 1, "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34"}]}}},
                "status": {"succeeded": 1, "startTime": ago(599), "completionTime": ago(476),
                    "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}}),
            want: json!([
                "pi",
                "Complete",
                "1/1",
                "2m3s",
                "10m",
                "pi",
                "perl:5.34",
                "<none>"
            ]),
        },
        Case {
            name: "Job parallel without completions, failed",
            group: "batch",
            resource: "jobs",
            obj: json!({"metadata": meta("work", 600), "spec": {"parallelism": 3},
                "status": {"succeeded": 2, "failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}}),
            want: json!(["work", "Failed", "2/1 of 3", "", "10m", "", "", "<none>"]),
        },
        Case {
            name: "Job success criteria met, suspended, terminating",
            group: "batch",
            resource: "jobs",
            obj: json!({"metadata": meta("idx", 60), "spec": {"completions": 5}, "status": {"succeeded": 3,
                "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}]}}),
            want: json!([
                "idx",
                "SuccessCriteriaMet",
                "3/5",
                "",
                "60s",
                "",
                "",
                "<none>"
            ]),
        },
        Case {
            name: "Job suspended",
            group: "batch",
            resource: "jobs",
            obj: json!({"metadata": meta("later", 60), "spec": {"completions": 1, "suspend": true},
                "status": {"conditions": [{"type": "Suspended", "status": "True"}, {"type": "Complete", "status": "False"}]}}),
            want: json!(["later", "Suspended", "0/1", "", "60s", "", "", "<none>"]),
        },
        Case {
            name: "CronJob",
            group: "batch",
            resource: "cronjobs",
            obj: json!({"metadata": meta("backup", 864_000), "spec": {"schedule": "0 3 * * *", "timeZone": "Europe/Paris", "suspend": false,
                    "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "backup", "image": "restic:0.17"}]}}}}},
                "status": {"active": [{"name": "backup-29000000"}], "lastScheduleTime": ago(540)}}),
            want: json!([
                "backup",
                "0 3 * * *",
                "Europe/Paris",
                "False",
                1,
                "9m",
                "10d",
                "backup",
                "restic:0.17",
                "<none>"
            ]),
        },
        Case {
            name: "CronJob never scheduled, suspend unset",
            group: "batch",
            resource: "cronjobs",
            obj: json!({"metadata": meta("hourly", 60), "spec": {"schedule": "@hourly"}}),
            want: json!([
                "hourly", "@hourly", "<none>", "<unset>", 0, "<none>", "60s", "", "", "<none>"
            ]),
        },
        Case {
            name: "ControllerRevision owned by a StatefulSet",
            group: "apps",
            resource: "controllerrevisions",
            obj: json!({"metadata": {"name": "db-7c9", "creationTimestamp": ago(60), "ownerReferences": [
                    {"apiVersion": "v1", "kind": "Pod", "name": "x", "controller": false},
                    {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "controller": true}]}, "revision": 2}),
            want: json!(["db-7c9", "statefulset.apps/db", 2, "60s"]),
        },
        Case {
            name: "ControllerRevision without a controller",
            group: "apps",
            resource: "controllerrevisions",
            obj: json!({"metadata": meta("orphan", 60), "revision": 1}),
            want: json!(["orphan", "<none>", 1, "60s"]),
        },
        Case {
            name: "PodDisruptionBudget",
            group: "policy",
            resource: "poddisruptionbudgets",
            obj: json!({"metadata": meta("web", 60), "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}}),
            want: json!(["web", "50%", "N/A", 1, "60s"]),
        },
        Case {
            name: "PodTemplate",
            group: "",
            resource: "podtemplates",
            obj: json!({"metadata": meta("tpl", 60), "template": template(json!({"app": "web", "tier": "fe"}))}),
            want: json!([
                "tpl",
                "web,log",
                "nginx:1.27,fluent-bit:3",
                "app=web,tier=fe"
            ]),
        },
    ];
    run(&cases);
}

fn hpa(metrics: Value, current: Value) -> Value {
    json!({"metadata": meta("web", 300),
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 10, "metrics": metrics},
        "status": {"currentReplicas": 3, "desiredReplicas": 3, "currentMetrics": current}})
}

#[test]
fn horizontal_pod_autoscalers() {
    let cpu = json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}});
    let cpu_now = json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 50, "averageValue": "250m"}}});
    let mem = json!({"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "500Mi"}}});
    let pods = json!({"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}});
    let cases = [
        Case {
            name: "cpu utilization",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: hpa(json!([cpu]), json!([cpu_now])),
            want: json!(["web", "Deployment/web", "cpu: 50%/80%", "2", 10, 3, "5m"]),
        },
        Case {
            name: "cpu not measured yet",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: hpa(json!([cpu]), json!(null)),
            want: json!([
                "web",
                "Deployment/web",
                "cpu: <unknown>/80%",
                "2",
                10,
                3,
                "5m"
            ]),
        },
        Case {
            name: "memory average value, more than two metrics",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: hpa(
                json!([mem, cpu, pods]),
                json!([{"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "262144Ki"}}}]),
            ),
            want: json!([
                "web",
                "Deployment/web",
                "memory: 256Mi/500Mi, cpu: <unknown>/80% + 1 more...",
                "2",
                10,
                3,
                "5m"
            ]),
        },
        Case {
            name: "pods, object and external metrics",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: hpa(
                json!([pods,
                    {"type": "Object", "object": {"describedObject": {"kind": "Ingress", "name": "main"}, "metric": {"name": "rps"}, "target": {"type": "Value", "value": "10k"}}}]),
                json!([{"type": "Pods", "pods": {"current": {"averageValue": "1500m"}}},
                    {"type": "Object", "object": {"current": {"value": "2k"}}}]),
            ),
            want: json!([
                "web",
                "Deployment/web",
                "1500m/1k, 2k/10k",
                "2",
                10,
                3,
                "5m"
            ]),
        },
        Case {
            name: "external average value and a target with neither",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: hpa(
                json!([{"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}}},
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization"}}}]),
                json!([{"type": "External", "external": {"current": {"value": "12"}}}]),
            ),
            want: json!([
                "web",
                "Deployment/web",
                "<unknown>/30 (avg), cpu: <unknown>/<auto>",
                "2",
                10,
                3,
                "5m"
            ]),
        },
        Case {
            name: "no metrics, no minReplicas, unknown type",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: json!({"metadata": meta("bare", 300), "spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "db"}, "maxReplicas": 4}}),
            want: json!(["bare", "StatefulSet/db", "<none>", "<unset>", 4, 0, "5m"]),
        },
        Case {
            name: "status of a pods metric without a value",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            obj: hpa(
                json!([pods, {"type": "Weird"}]),
                json!([{"type": "Pods", "pods": {}}]),
            ),
            want: json!([
                "web",
                "Deployment/web",
                "<nil>/1k, <unknown type>",
                "2",
                10,
                3,
                "5m"
            ]),
        },
    ];
    run(&cases);
}
