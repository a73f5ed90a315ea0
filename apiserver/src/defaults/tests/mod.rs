//! Defaulting snapshots: everyday manifests and the exact objects kube-apiserver v1.36 returns
//! for them (before the registry's metadata, status and allocation work). Each expectation is
//! written in Go's field order and compared as text, so insertion order is checked too.
//!
//! Where they come from: the `SetDefaults_*` functions and generated defaulters named in each
//! case, read at their v1.36-era versions in kubernetes/kubernetes; the pod template shape
//! (`imagePullPolicy`, `resources: {}`, `terminationMessagePath/Policy`, `dnsPolicy`,
//! `restartPolicy`, `schedulerName`, `securityContext: {}`, `terminationGracePeriodSeconds: 30`)
//! matches the `kubectl get deployment -o yaml` dump at
//! https://cka.yunwei361.com/07.-managing-state-with-deployments/managing-state-with-deployments/deployment-configuration-pod-template
//! (there with the pre-1.33 `creationTimestamp: null`, which kubernetes/kubernetes#130989
//! dropped: an empty template `metadata` is now `{}`).

mod admission;
mod units;

use serde_json::{Value, json};

use super::{apply_defaults, job_selector, service_ip_families};

struct Case {
    name: &'static str,
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    input: Value,
    want: Value,
}

/// Runs a case: prints it, compares the text (so the field order too), then checks that
/// defaulting again changes nothing (kube-apiserver defaults on every decode).
fn run(case: Case) {
    let mut obj = case.input.as_object().cloned().expect("object");
    apply_defaults(case.group, case.version, case.resource, &mut obj);
    let got = Value::Object(obj.clone());
    println!(
        "== {}\n{}",
        case.name,
        serde_json::to_string_pretty(&got).unwrap()
    );
    assert_eq!(got.to_string(), case.want.to_string(), "{}", case.name);
    apply_defaults(case.group, case.version, case.resource, &mut obj);
    assert_eq!(
        Value::Object(obj).to_string(),
        case.want.to_string(),
        "{}: idempotent",
        case.name
    );
}

/// The defaulted pod template fields every container-only `PodSpec` gets
/// (`SetDefaults_PodSpec`).
fn pod_spec_tail() -> [(&'static str, Value); 5] {
    [
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("securityContext", json!({})),
        ("schedulerName", json!("default-scheduler")),
    ]
}

#[test]
fn deployment_nginx_with_port_and_liveness_probe() {
    run(Case {
        name: "Deployment (SetDefaults_Deployment, SetDefaults_PodSpec, _Container, _Probe, _HTTPGetAction, ContainerPort protocol)",
        group: "apps",
        version: "v1",
        resource: "deployments",
        input: json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{
                        "name": "nginx", "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}],
                        "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5}
                    }]}
                }
            }
        }),
        want: json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {
                        "containers": [{
                            "name": "nginx", "image": "nginx:1.27",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "resources": {},
                            "livenessProbe": {
                                "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                                "initialDelaySeconds": 5, "timeoutSeconds": 1, "periodSeconds": 10,
                                "successThreshold": 1, "failureThreshold": 3
                            },
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File",
                            "imagePullPolicy": "IfNotPresent"
                        }],
                        "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                        "dnsPolicy": "ClusterFirst", "securityContext": {},
                        "schedulerName": "default-scheduler"
                    }
                },
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                "revisionHistoryLimit": 10,
                "progressDeadlineSeconds": 600
            }
        }),
    });
}

#[test]
fn minimal_pod() {
    let mut spec = json!({"containers": [{
        "name": "busybox", "image": "busybox", "command": ["sleep", "3600"],
        "resources": {},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "imagePullPolicy": "Always"
    }]});
    for (k, v) in pod_spec_tail() {
        spec[k] = v;
    }
    spec["enableServiceLinks"] = json!(true);
    run(Case {
        name: "Pod (SetDefaults_Pod: enableServiceLinks; no tag means :latest, so Always)",
        group: "",
        version: "v1",
        resource: "pods",
        input: json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "busybox"},
            "spec": {"containers": [{"name": "busybox", "image": "busybox", "command": ["sleep", "3600"]}]}
        }),
        want: json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "busybox"}, "spec": spec}),
    });
}

#[test]
fn service_node_port() {
    let input = json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "metrics", "port": 9090}],
            "selector": {"app": "web"},
            "type": "NodePort"
        }
    });
    let defaulted = json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {
            "ports": [
                {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080},
                {"name": "metrics", "protocol": "TCP", "port": 9090, "targetPort": 9090}
            ],
            "selector": {"app": "web"},
            "type": "NodePort",
            "sessionAffinity": "None",
            "externalTrafficPolicy": "Cluster",
            "internalTrafficPolicy": "Cluster"
        }
    });
    run(Case {
        name: "Service NodePort (SetDefaults_Service)",
        group: "",
        version: "v1",
        resource: "services",
        input,
        want: defaulted.clone(),
    });
    let mut obj = defaulted.as_object().cloned().unwrap();
    service_ip_families(&mut obj, None);
    let spec = &obj["spec"];
    assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
    assert_eq!(spec["ipFamilyPolicy"], json!("SingleStack"));
    let keys: Vec<&str> = spec
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "ports",
            "selector",
            "type",
            "sessionAffinity",
            "externalTrafficPolicy",
            "ipFamilies",
            "ipFamilyPolicy",
            "internalTrafficPolicy"
        ]
    );
}

#[test]
fn service_load_balancer_client_ip_and_headless() {
    let mut lb = json!({"spec": {"ports": [{"port": 443, "targetPort": "https"}], "type": "LoadBalancer", "sessionAffinity": "ClientIP"}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "services", &mut lb);
    assert_eq!(
        Value::Object(lb).to_string(),
        json!({"spec": {
            "ports": [{"protocol": "TCP", "port": 443, "targetPort": "https"}],
            "type": "LoadBalancer", "sessionAffinity": "ClientIP", "externalTrafficPolicy": "Cluster",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
            "allocateLoadBalancerNodePorts": true, "internalTrafficPolicy": "Cluster"
        }})
        .to_string()
    );
    // Headless without selector: RequireDualStack, both families (allowed on single-stack).
    let mut headless = json!({"spec": {"clusterIP": "None", "ports": [{"port": 80}]}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "services", &mut headless);
    service_ip_families(&mut headless, None);
    assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));
    assert_eq!(
        headless["spec"]["ipFamilyPolicy"],
        json!("RequireDualStack")
    );
    assert_eq!(headless["spec"]["ipFamilies"], json!(["IPv4", "IPv6"]));
    // ExternalName: no traffic policies, no families.
    let mut external = json!({"spec": {"type": "ExternalName", "externalName": "example.com"}})
        .as_object()
        .cloned()
        .unwrap();
    apply_defaults("", "v1", "services", &mut external);
    service_ip_families(&mut external, None);
    assert_eq!(
        external["spec"],
        json!({"type": "ExternalName", "sessionAffinity": "None", "externalName": "example.com"})
    );
}

#[test]
fn job_pi_then_selector() {
    let mut pod = json!({"containers": [{
        "name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"],
        "resources": {},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent"
    }], "restartPolicy": "Never"});
    for (k, v) in pod_spec_tail().into_iter().skip(1) {
        pod[k] = v;
    }
    let input = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
        "spec": {
            "backoffLimit": 4,
            "template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}], "restartPolicy": "Never"}}
        }
    });
    let want = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
        "spec": {
            "parallelism": 1, "completions": 1,
            "backoffLimit": 4,
            "manualSelector": false,
            "template": {"metadata": {}, "spec": pod},
            "completionMode": "NonIndexed", "suspend": false, "podReplacementPolicy": "TerminatingOrFailed"
        }
    });
    run(Case {
        name: "Job (SetDefaults_Job with JobPodReplacementPolicy GA)",
        group: "batch",
        version: "v1",
        resource: "jobs",
        input: input.clone(),
        want,
    });

    // PrepareForCreate's selector, then defaulting: the unlabeled Job gets the template's
    // final labels.
    let uid = "0f3c4a0e-5a84-4c43-9d6e-7c1f0ad7c0a1";
    let mut obj = input.as_object().cloned().unwrap();
    job_selector(&mut obj, uid);
    apply_defaults("batch", "v1", "jobs", &mut obj);
    let labels = json!({
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi",
        "controller-uid": uid, "job-name": "pi"
    });
    assert_eq!(obj["metadata"], json!({"name": "pi", "labels": labels}));
    assert_eq!(
        obj["spec"]["template"]["metadata"],
        json!({"labels": labels})
    );
    assert_eq!(
        obj["spec"]["selector"],
        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
    );
    let keys: Vec<&str> = obj["spec"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "parallelism",
            "completions",
            "backoffLimit",
            "selector",
            "manualSelector",
            "template",
            "completionMode",
            "suspend",
            "podReplacementPolicy"
        ]
    );

    // Template labels and no Job labels: the Job shares the template's (filled) map.
    let mut shared = json!({"metadata": {"name": "j"}, "spec": {"template": {"metadata": {"labels": {"app": "x"}}}}})
        .as_object()
        .cloned()
        .unwrap();
    job_selector(&mut shared, "u");
    apply_defaults("batch", "v1", "jobs", &mut shared);
    assert_eq!(
        shared["metadata"]["labels"],
        shared["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(shared["metadata"]["labels"]["app"], json!("x"));
    // Labels of its own: kept as they are.
    let mut own = json!({"metadata": {"name": "j", "labels": {"app": "x"}}, "spec": {"manualSelector": false, "template": {"metadata": {"labels": {"app": "x"}}}}})
        .as_object()
        .cloned()
        .unwrap();
    job_selector(&mut own, "u");
    apply_defaults("batch", "v1", "jobs", &mut own);
    assert_eq!(own["metadata"]["labels"], json!({"app": "x"}));
    assert_eq!(
        own["spec"]["template"]["metadata"]["labels"]
            .as_object()
            .unwrap()
            .len(),
        5
    );
    // manualSelector: true: nothing generated.
    let mut manual = json!({"metadata": {"name": "j"}, "spec": {"manualSelector": true}})
        .as_object()
        .cloned()
        .unwrap();
    job_selector(&mut manual, "u");
    assert_eq!(
        Value::Object(manual),
        json!({"metadata": {"name": "j"}, "spec": {"manualSelector": true}})
    );
}

#[test]
fn cron_job_hello() {
    let mut pod = json!({"containers": [{
        "name": "hello", "image": "busybox:1.28", "command": ["/bin/sh", "-c", "date"],
        "resources": {},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent"
    }], "restartPolicy": "OnFailure"});
    for (k, v) in pod_spec_tail().into_iter().skip(1) {
        pod[k] = v;
    }
    run(Case {
        name: "CronJob (SetDefaults_CronJob; the job template gets no SetDefaults_Job)",
        group: "batch",
        version: "v1",
        resource: "cronjobs",
        input: json!({
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [{"name": "hello", "image": "busybox:1.28", "command": ["/bin/sh", "-c", "date"]}],
                "restartPolicy": "OnFailure"
            }}}}}
        }),
        want: json!({
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
            "spec": {
                "schedule": "* * * * *",
                "concurrencyPolicy": "Allow", "suspend": false,
                "jobTemplate": {"metadata": {}, "spec": {"template": {"metadata": {}, "spec": pod}}},
                "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1
            }
        }),
    });
}

#[test]
fn stateful_set_with_claim_template() {
    let mut pod = json!({"containers": [{
        "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
        "ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"}],
        "resources": {},
        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}],
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent"
    }]});
    for (k, v) in pod_spec_tail() {
        pod[k] = v;
    }
    run(Case {
        name: "StatefulSet (SetDefaults_StatefulSet with MaxUnavailableStatefulSet; claim templates get PVC defaults)",
        group: "apps",
        version: "v1",
        resource: "statefulsets",
        input: json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{
                    "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                    "ports": [{"name": "web", "containerPort": 80}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
                }]}},
                "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
                    "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}
                }}],
                "serviceName": "nginx"
            }
        }),
        want: json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": pod},
                "volumeClaimTemplates": [{
                    "metadata": {"name": "www"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
                    "status": {"phase": "Pending"}
                }],
                "serviceName": "nginx",
                "podManagementPolicy": "OrderedReady",
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}},
                "revisionHistoryLimit": 10,
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}
            }
        }),
    });
}

#[test]
fn daemon_set_with_volumes_env_and_limits() {
    let mut pod = json!({
        "volumes": [
            {"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}},
            {"name": "config", "configMap": {"name": "fluentd", "defaultMode": 420}},
            {"name": "scratch", "emptyDir": {}}
        ],
        "containers": [{
            "name": "fluentd", "image": "quay.io/fluentd_elasticsearch/fluentd:v5.0.1",
            "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
            "resources": {"limits": {"cpu": "500m", "memory": "200Mi"}},
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent"
        }]
    });
    for (k, v) in pod_spec_tail() {
        pod[k] = v;
    }
    run(Case {
        name: "DaemonSet (SetDefaults_DaemonSet; template volumes, fieldRef, quantities; no requests from limits in templates)",
        group: "apps",
        version: "v1",
        resource: "daemonsets",
        input: json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "fluentd"},
            "spec": {
                "selector": {"matchLabels": {"name": "fluentd"}},
                "template": {"metadata": {"labels": {"name": "fluentd"}}, "spec": {
                    "volumes": [
                        {"name": "varlog", "hostPath": {"path": "/var/log"}},
                        {"name": "config", "configMap": {"name": "fluentd"}},
                        {"name": "scratch"}
                    ],
                    "containers": [{
                        "name": "fluentd", "image": "quay.io/fluentd_elasticsearch/fluentd:v5.0.1",
                        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                        "resources": {"limits": {"memory": "200Mi", "cpu": 0.5}}
                    }]
                }}
            }
        }),
        want: json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "fluentd"},
            "spec": {
                "selector": {"matchLabels": {"name": "fluentd"}},
                "template": {"metadata": {"labels": {"name": "fluentd"}}, "spec": pod},
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                "revisionHistoryLimit": 10
            }
        }),
    });
}

#[test]
fn hpa_v2_without_metrics() {
    run(Case {
        name: "HPA autoscaling/v2 (minReplicas, 80% CPU, behavior filled rule by rule)",
        group: "autoscaling",
        version: "v2",
        resource: "horizontalpodautoscalers",
        input: json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "maxReplicas": 10,
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}
            }
        }),
        want: json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 1,
                "maxReplicas": 10,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}],
                "behavior": {
                    "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
                        {"type": "Pods", "value": 4, "periodSeconds": 15},
                        {"type": "Percent", "value": 100, "periodSeconds": 15}
                    ]},
                    "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}
                }
            }
        }),
    });
    run(Case {
        name: "HPA autoscaling/v1 (minReplicas only; the CPU target is the conversion's)",
        group: "autoscaling",
        version: "v1",
        resource: "horizontalpodautoscalers",
        input: json!({"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5}}),
        want: json!({"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5}}),
    });
}

#[test]
fn persistent_volume_and_claim() {
    run(Case {
        name: "PersistentVolume (SetDefaults_PersistentVolume, HostPathVolumeSource)",
        group: "",
        version: "v1",
        resource: "persistentvolumes",
        input: json!({
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv0001"},
            "spec": {"capacity": {"storage": "10Gi"}, "hostPath": {"path": "/mnt/data"}, "accessModes": ["ReadWriteOnce"]}
        }),
        want: json!({
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv0001"},
            "spec": {
                "capacity": {"storage": "10Gi"},
                "hostPath": {"path": "/mnt/data", "type": ""},
                "accessModes": ["ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": "Retain",
                "volumeMode": "Filesystem"
            },
            "status": {"phase": "Pending"}
        }),
    });
    run(Case {
        name: "PersistentVolumeClaim (SetDefaults_PersistentVolumeClaim and _Spec)",
        group: "",
        version: "v1",
        resource: "persistentvolumeclaims",
        input: json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1024Mi"}}}
        }),
        want: json!({
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"}
        }),
    });
}

#[test]
fn secret_and_small_kinds() {
    run(Case {
        name: "Secret (SetDefaults_Secret)",
        group: "",
        version: "v1",
        resource: "secrets",
        input: json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "dg=="}}),
        want: json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "dg=="}, "type": "Opaque"}),
    });
    run(Case {
        name: "StorageClass (SetDefaults_StorageClass)",
        group: "storage.k8s.io",
        version: "v1",
        resource: "storageclasses",
        input: json!({"metadata": {"name": "fast"}, "provisioner": "example.com/fast", "allowVolumeExpansion": true}),
        want: json!({"metadata": {"name": "fast"}, "provisioner": "example.com/fast", "reclaimPolicy": "Delete", "allowVolumeExpansion": true, "volumeBindingMode": "Immediate"}),
    });
    run(Case {
        name: "PriorityClass (SetDefaults_PriorityClass)",
        group: "scheduling.k8s.io",
        version: "v1",
        resource: "priorityclasses",
        input: json!({"metadata": {"name": "high"}, "value": 1000000}),
        want: json!({"metadata": {"name": "high"}, "value": 1000000, "preemptionPolicy": "PreemptLowerPriority"}),
    });
    run(Case {
        name: "RoleBinding (SetDefaults_RoleBinding, SetDefaults_Subject)",
        group: "rbac.authorization.k8s.io",
        version: "v1",
        resource: "rolebindings",
        input: json!({"subjects": [{"kind": "User", "name": "jane"}, {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"}], "roleRef": {"kind": "Role", "name": "reader"}}),
        want: json!({"subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "jane"}, {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"}], "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}}),
    });
    run(Case {
        name: "NetworkPolicy (SetDefaults_NetworkPolicy, _NetworkPolicyPort)",
        group: "networking.k8s.io",
        version: "v1",
        resource: "networkpolicies",
        input: json!({"spec": {"egress": [{"ports": [{"port": 53}]}]}}),
        want: json!({"spec": {"podSelector": {}, "egress": [{"ports": [{"protocol": "TCP", "port": 53}]}], "policyTypes": ["Ingress", "Egress"]}}),
    });
    run(Case {
        name: "EndpointSlice (SetDefaults_EndpointPort)",
        group: "discovery.k8s.io",
        version: "v1",
        resource: "endpointslices",
        input: json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}], "ports": [{"port": 80}]}),
        want: json!({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {}}], "ports": [{"name": "", "protocol": "TCP", "port": 80}]}),
    });
    run(Case {
        name: "ReplicationController (selector and labels from the template, one replica)",
        group: "",
        version: "v1",
        resource: "replicationcontrollers",
        input: json!({"metadata": {"name": "rc"}, "spec": {"template": {"metadata": {"labels": {"app": "a"}}}}}),
        want: json!({"metadata": {"name": "rc", "labels": {"app": "a"}}, "spec": {"replicas": 1, "selector": {"app": "a"}, "template": {"metadata": {"labels": {"app": "a"}}}}}),
    });
    run(Case {
        name: "LimitRange (SetDefaults_LimitRangeItem)",
        group: "",
        version: "v1",
        resource: "limitranges",
        input: json!({"spec": {"limits": [{"type": "Container", "max": {"memory": "1Gi"}, "min": {"cpu": "0.1"}}]}}),
        want: json!({"spec": {"limits": [{"type": "Container", "max": {"memory": "1Gi"}, "min": {"cpu": "100m"}, "default": {"memory": "1Gi"}, "defaultRequest": {"cpu": "100m", "memory": "1Gi"}}]}}),
    });
}
