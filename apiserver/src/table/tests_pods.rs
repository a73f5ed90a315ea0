//! Tests for the pod printer.

use serde_json::{Value, json};

use super::row_conditions;
use super::tests::{Case, ago, run};

fn pod(status: Value) -> Value {
    json!({
        "metadata": {"name": "web-0", "namespace": "default", "creationTimestamp": ago(600)},
        "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": status,
    })
}

fn running(name: &str, restarts: i64) -> Value {
    json!({"name": name, "ready": true, "restartCount": restarts, "state": {"running": {"startedAt": ago(500)}}})
}

#[test]
fn pods() {
    let mut init = pod(json!({
        "phase": "Pending",
        "conditions": [{"type": "Initialized", "status": "False"}],
        "initContainerStatuses": [
            {"name": "migrate", "ready": false, "restartCount": 0, "state": {"running": {"startedAt": ago(30)}}},
            {"name": "seed", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
        ],
        "containerStatuses": [{"name": "web", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}]
    }));
    init["spec"]["initContainers"] =
        json!([{"name": "migrate", "image": "migrate"}, {"name": "seed", "image": "seed"}]);

    let mut init_crash = init.clone();
    init_crash["status"]["initContainerStatuses"][0] = json!({
        "name": "migrate", "restartCount": 3,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastTerminationState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(40)}}
    });
    let mut init_error = init.clone();
    init_error["status"]["initContainerStatuses"][0]["state"] =
        json!({"terminated": {"exitCode": 1, "reason": "Error"}});
    let mut init_exit = init.clone();
    init_exit["status"]["initContainerStatuses"][0]["state"] =
        json!({"terminated": {"exitCode": 2}});
    let mut init_signal = init.clone();
    init_signal["status"]["initContainerStatuses"][0]["state"] =
        json!({"terminated": {"exitCode": 137, "signal": 9}});
    let mut init_done = init.clone();
    init_done["status"]["initContainerStatuses"][0]["state"] =
        json!({"terminated": {"exitCode": 0, "reason": "Completed"}});

    let mut sidecar = pod(json!({
        "phase": "Running",
        "podIP": "10.244.1.7",
        "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
        "initContainerStatuses": [{
            "name": "proxy", "ready": true, "started": true, "restartCount": 2,
            "state": {"running": {"startedAt": ago(300)}},
            "lastTerminationState": {"terminated": {"exitCode": 1, "finishedAt": ago(600)}}
        }],
        "containerStatuses": [{
            "name": "web", "ready": true, "restartCount": 1, "state": {"running": {"startedAt": ago(170)}},
            "lastTerminationState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "finishedAt": ago(180)}}
        }]
    }));
    sidecar["spec"]["initContainers"] =
        json!([{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}]);

    let mut terminating = pod(
        json!({"phase": "Running", "podIP": "10.244.1.8", "containerStatuses": [running("web", 0)]}),
    );
    terminating["metadata"]["deletionTimestamp"] = json!(ago(5));
    let mut node_lost = terminating.clone();
    node_lost["status"]["reason"] = json!("NodeLost");
    let mut deleted_done = terminating.clone();
    deleted_done["status"]["phase"] = json!("Succeeded");

    let mut two = pod(json!({
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [
            {"name": "job", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            running("web", 0)
        ]
    }));
    two["spec"]["containers"] =
        json!([{"name": "job", "image": "busybox"}, {"name": "web", "image": "nginx"}]);
    let mut two_ready = two.clone();
    two_ready["status"]["conditions"] = json!([{"type": "Ready", "status": "True"}]);

    let mut gated = pod(json!({
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]
    }));
    gated["spec"]["nodeName"] = json!(null);

    let mut gates = pod(json!({
        "phase": "Running",
        "podIPs": [{"ip": "fd00::7"}, {"ip": "10.0.0.7"}],
        "nominatedNodeName": "node-2",
        "conditions": [{"type": "example.com/lb", "status": "True"}, {"type": "example.com/dns", "status": "False"}],
        "containerStatuses": [running("web", 0)]
    }));
    gates["spec"]["readinessGates"] =
        json!([{"conditionType": "example.com/lb"}, {"conditionType": "example.com/dns"}]);

    let cases = [
        Case {
            name: "running and ready",
            group: "",
            resource: "pods",
            obj: pod(
                json!({"phase": "Running", "podIP": "10.244.1.5", "containerStatuses": [running("web", 0)]}),
            ),
            want: json!([
                "web-0",
                "1/1",
                "Running",
                "0",
                "10m",
                "10.244.1.5",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "CrashLoopBackOff with restarts",
            group: "",
            resource: "pods",
            obj: pod(
                json!({"phase": "Running", "podIP": "10.244.1.6", "containerStatuses": [{
                    "name": "web", "ready": false, "restartCount": 5,
                    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s"}},
                    "lastTerminationState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(300)}}
                }]}),
            ),
            want: json!([
                "web-0",
                "0/1",
                "CrashLoopBackOff",
                "5 (5m ago)",
                "10m",
                "10.244.1.6",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "Completed",
            group: "",
            resource: "pods",
            obj: pod(
                json!({"phase": "Succeeded", "podIP": "10.244.1.9", "containerStatuses": [{
                    "name": "web", "ready": false, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": ago(60)}}
                }]}),
            ),
            want: json!([
                "web-0",
                "0/1",
                "Completed",
                "0",
                "10m",
                "10.244.1.9",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "ErrImagePull while pending",
            group: "",
            resource: "pods",
            obj: pod(
                json!({"phase": "Pending", "containerStatuses": [{"name": "web", "state": {"waiting": {"reason": "ErrImagePull"}}}]}),
            ),
            want: json!([
                "web-0",
                "0/1",
                "ErrImagePull",
                "0",
                "10m",
                "<none>",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "init containers in progress",
            group: "",
            resource: "pods",
            obj: init,
            want: json!([
                "web-0", "0/1", "Init:0/2", "0", "10m", "<none>", "node-1", "<none>", "<none>"
            ]),
        },
        Case {
            name: "init container crash looping",
            group: "",
            resource: "pods",
            obj: init_crash,
            want: json!([
                "web-0",
                "0/1",
                "Init:CrashLoopBackOff",
                "3 (40s ago)",
                "10m",
                "<none>",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "init container failed",
            group: "",
            resource: "pods",
            obj: init_error,
            want: json!([
                "web-0",
                "0/1",
                "Init:Error",
                "0",
                "10m",
                "<none>",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "init container exit code",
            group: "",
            resource: "pods",
            obj: init_exit,
            want: json!([
                "web-0",
                "0/1",
                "Init:ExitCode:2",
                "0",
                "10m",
                "<none>",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "init container signal",
            group: "",
            resource: "pods",
            obj: init_signal,
            want: json!([
                "web-0",
                "0/1",
                "Init:Signal:9",
                "0",
                "10m",
                "<none>",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "first init done, second initializing",
            group: "",
            resource: "pods",
            obj: init_done,
            want: json!([
                "web-0", "0/1", "Init:1/2", "0", "10m", "<none>", "node-1", "<none>", "<none>"
            ]),
        },
        Case {
            name: "sidecar counts in READY and RESTARTS",
            group: "",
            resource: "pods",
            obj: sidecar,
            want: json!([
                "web-0",
                "2/2",
                "Running",
                "3 (3m ago)",
                "10m",
                "10.244.1.7",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "Terminating",
            group: "",
            resource: "pods",
            obj: terminating,
            want: json!([
                "web-0",
                "1/1",
                "Terminating",
                "0",
                "10m",
                "10.244.1.8",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "NodeLost while deleting",
            group: "",
            resource: "pods",
            obj: node_lost,
            want: json!([
                "web-0",
                "1/1",
                "Unknown",
                "0",
                "10m",
                "10.244.1.8",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "deleting a finished pod keeps its phase",
            group: "",
            resource: "pods",
            obj: deleted_done,
            want: json!([
                "web-0",
                "1/1",
                "Succeeded",
                "0",
                "10m",
                "10.244.1.8",
                "node-1",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "Completed container beside a running one, not Ready",
            group: "",
            resource: "pods",
            obj: two,
            want: json!([
                "web-0", "1/2", "NotReady", "0", "10m", "<none>", "node-1", "<none>", "<none>"
            ]),
        },
        Case {
            name: "Completed container beside a running one, Ready",
            group: "",
            resource: "pods",
            obj: two_ready,
            want: json!([
                "web-0", "1/2", "Running", "0", "10m", "<none>", "node-1", "<none>", "<none>"
            ]),
        },
        Case {
            name: "SchedulingGated",
            group: "",
            resource: "pods",
            obj: gated,
            want: json!([
                "web-0",
                "0/1",
                "SchedulingGated",
                "0",
                "10m",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "readiness gates and podIPs",
            group: "",
            resource: "pods",
            obj: gates,
            want: json!([
                "web-0", "1/1", "Running", "0", "10m", "fd00::7", "node-1", "node-2", "1/2"
            ]),
        },
        Case {
            name: "empty object",
            group: "",
            resource: "pods",
            obj: json!({}),
            want: json!([
                "",
                "0/0",
                "",
                "0",
                "<unknown>",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ]),
        },
        Case {
            name: "wrong types everywhere",
            group: "",
            resource: "pods",
            obj: json!({"metadata": "x", "spec": 5, "status": {"phase": 3, "containerStatuses": "oops", "initContainerStatuses": [1, null, {"state": 7}]}}),
            want: json!([
                "",
                "0/0",
                "Init:0/0",
                "0",
                "<unknown>",
                "<none>",
                "<none>",
                "<none>",
                "<none>"
            ]),
        },
    ];
    run(&cases);

    let succeeded = pod(json!({"phase": "Succeeded"}));
    assert_eq!(
        row_conditions("", "pods", &succeeded),
        Some(
            json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}])
        )
    );
    let failed = pod(json!({"phase": "Failed"}));
    assert_eq!(
        row_conditions("", "pods", &failed),
        Some(
            json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}])
        )
    );
    assert_eq!(
        row_conditions("", "pods", &pod(json!({"phase": "Running"}))),
        None
    );
    assert_eq!(row_conditions("apps", "deployments", &succeeded), None);
}
