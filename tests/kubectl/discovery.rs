//! `kubectl version`, `api-versions` and `api-resources`: /version and discovery as kubectl reads
//! them.

use super::{each_kubectl, lines, texts};

/// The group-versions kubemem serves, as `kubectl api-versions` prints them (sorted).
const API_VERSIONS: &[&str] = &[
    "apiextensions.k8s.io/v1",
    "apps/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "events.k8s.io/v1",
    "networking.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1",
    "v1",
];

/// `kubectl api-resources` rows split on whitespace (NAME, SHORTNAMES, APIVERSION, NAMESPACED,
/// KIND; SHORTNAMES may be empty), in kubectl's order: core first, then groups by name.
const API_RESOURCES: &[&[&str]] = &[
    &["bindings", "v1", "true", "Binding"],
    &["componentstatuses", "cs", "v1", "false", "ComponentStatus"],
    &["configmaps", "cm", "v1", "true", "ConfigMap"],
    &["endpoints", "ep", "v1", "true", "Endpoints"],
    &["events", "ev", "v1", "true", "Event"],
    &["limitranges", "limits", "v1", "true", "LimitRange"],
    &["namespaces", "ns", "v1", "false", "Namespace"],
    &["nodes", "no", "v1", "false", "Node"],
    &[
        "persistentvolumeclaims",
        "pvc",
        "v1",
        "true",
        "PersistentVolumeClaim",
    ],
    &["persistentvolumes", "pv", "v1", "false", "PersistentVolume"],
    &["pods", "po", "v1", "true", "Pod"],
    &["podtemplates", "v1", "true", "PodTemplate"],
    &[
        "replicationcontrollers",
        "rc",
        "v1",
        "true",
        "ReplicationController",
    ],
    &["resourcequotas", "quota", "v1", "true", "ResourceQuota"],
    &["secrets", "v1", "true", "Secret"],
    &["serviceaccounts", "sa", "v1", "true", "ServiceAccount"],
    &["services", "svc", "v1", "true", "Service"],
    &[
        "customresourcedefinitions",
        "crd,crds",
        "apiextensions.k8s.io/v1",
        "false",
        "CustomResourceDefinition",
    ],
    &[
        "controllerrevisions",
        "apps/v1",
        "true",
        "ControllerRevision",
    ],
    &["daemonsets", "ds", "apps/v1", "true", "DaemonSet"],
    &["deployments", "deploy", "apps/v1", "true", "Deployment"],
    &["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
    &["statefulsets", "sts", "apps/v1", "true", "StatefulSet"],
    &[
        "horizontalpodautoscalers",
        "hpa",
        "autoscaling/v2",
        "true",
        "HorizontalPodAutoscaler",
    ],
    &["cronjobs", "cj", "batch/v1", "true", "CronJob"],
    &["jobs", "batch/v1", "true", "Job"],
    &["leases", "coordination.k8s.io/v1", "true", "Lease"],
    &[
        "endpointslices",
        "discovery.k8s.io/v1",
        "true",
        "EndpointSlice",
    ],
    &["events", "ev", "events.k8s.io/v1", "true", "Event"],
    &[
        "ingressclasses",
        "networking.k8s.io/v1",
        "false",
        "IngressClass",
    ],
    &[
        "ingresses",
        "ing",
        "networking.k8s.io/v1",
        "true",
        "Ingress",
    ],
    &[
        "networkpolicies",
        "netpol",
        "networking.k8s.io/v1",
        "true",
        "NetworkPolicy",
    ],
    &[
        "poddisruptionbudgets",
        "pdb",
        "policy/v1",
        "true",
        "PodDisruptionBudget",
    ],
    &[
        "clusterrolebindings",
        "rbac.authorization.k8s.io/v1",
        "false",
        "ClusterRoleBinding",
    ],
    &[
        "clusterroles",
        "rbac.authorization.k8s.io/v1",
        "false",
        "ClusterRole",
    ],
    &[
        "rolebindings",
        "rbac.authorization.k8s.io/v1",
        "true",
        "RoleBinding",
    ],
    &["roles", "rbac.authorization.k8s.io/v1", "true", "Role"],
    &[
        "priorityclasses",
        "pc",
        "scheduling.k8s.io/v1",
        "false",
        "PriorityClass",
    ],
    &[
        "storageclasses",
        "sc",
        "storage.k8s.io/v1",
        "false",
        "StorageClass",
    ],
];

const API_RESOURCES_HEADER: &[&str] = &["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];

/// A table split into rows of whitespace-separated cells.
fn cells(table: &str) -> Vec<Vec<&str>> {
    table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect()
}

fn expected_rows(filter: impl Fn(&[&str]) -> bool) -> Vec<Vec<&'static str>> {
    std::iter::once(API_RESOURCES_HEADER)
        .chain(API_RESOURCES.iter().copied().filter(|r| filter(r)))
        .map(<[&str]>::to_vec)
        .collect()
}

#[test]
fn version_reports_v1_36_0() {
    each_kubectl(|k| {
        k.say("version");
        let out = k.run(&["version"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "version: {stdout}\n{stderr}");
        let server_line = if k.release() == "1.27" {
            // kubectl < 1.28 prints the whole version.Info struct.
            "Server Version: version.Info{Major:\"1\", Minor:\"36\", GitVersion:\"v1.36.0\","
        } else {
            "Server Version: v1.36.0"
        };
        assert!(
            stdout.lines().any(|l| l.starts_with(server_line)),
            "no line starting {server_line:?} in:\n{stdout}"
        );
        let skew = format!(
            "WARNING: version difference between client ({}) and server (1.36) exceeds the \
             supported minor version skew of +/-1",
            k.release()
        );
        assert!(stderr.contains(&skew), "no {skew:?} in stderr:\n{stderr}");

        k.say("version -o json");
        let out = k.run(&["version", "-o", "json"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "version -o json: {stdout}\n{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("version JSON");
        let server = &json["serverVersion"];
        assert_eq!(server["gitVersion"], "v1.36.0", "{json:#}");
        assert_eq!(server["major"], "1", "{json:#}");
        assert_eq!(server["minor"], "36", "{json:#}");
        assert_eq!(server["platform"], "linux/amd64", "{json:#}");
        assert_eq!(server["gitTreeState"], "clean", "{json:#}");
        assert!(
            json["clientVersion"]["gitVersion"]
                .as_str()
                .is_some_and(|v| v.starts_with(&format!("v{}.", k.release()))),
            "{json:#}"
        );
    });
}

/// Removes ANSI colour sequences (`ESC [ ... m`): kubectl 1.27 colours `cluster-info` even when
/// stdout is not a terminal.
fn without_colours(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn cluster_info_and_health() {
    each_kubectl(|k| {
        k.say("cluster-info");
        assert_eq!(
            without_colours(&k.ok(&["cluster-info"])),
            format!(
                "Kubernetes control plane is running at {}\n\nTo further debug and diagnose \
                 cluster problems, use 'kubectl cluster-info dump'.\n",
                k.cluster.url()
            )
        );
        for path in ["/healthz", "/livez", "/readyz"] {
            k.say(&format!("get --raw {path}"));
            assert_eq!(k.ok(&["get", "--raw", path]), "ok");
        }
    });
}

#[test]
fn api_versions_lists_exactly_the_served_group_versions() {
    each_kubectl(|k| {
        k.say("api-versions");
        assert_eq!(k.ok(&["api-versions"]), lines(API_VERSIONS));
    });
}

#[test]
fn api_resources_lists_every_served_resource() {
    each_kubectl(|k| {
        k.say("api-resources");
        let out = k.ok(&["api-resources"]);
        let rows = cells(&out);
        for row in [
            &["pods", "po", "v1", "true", "Pod"][..],
            &["deployments", "deploy", "apps/v1", "true", "Deployment"],
            &["namespaces", "ns", "v1", "false", "Namespace"],
            &[
                "horizontalpodautoscalers",
                "hpa",
                "autoscaling/v2",
                "true",
                "HorizontalPodAutoscaler",
            ],
        ] {
            assert!(rows.iter().any(|r| r == row), "no row {row:?} in:\n{out}");
        }
        assert_eq!(rows, expected_rows(|_| true), "api-resources:\n{out}");
    });
}

#[test]
fn api_resources_cluster_scoped() {
    each_kubectl(|k| {
        k.say("api-resources --namespaced=false");
        let out = k.ok(&["api-resources", "--namespaced=false"]);
        assert_eq!(
            cells(&out),
            expected_rows(|r| r[r.len() - 2] == "false"),
            "api-resources --namespaced=false:\n{out}"
        );
    });
}

#[test]
fn api_resources_output_name() {
    each_kubectl(|k| {
        k.say("api-resources -o name");
        let expected: Vec<String> = API_RESOURCES
            .iter()
            .map(|r| {
                let api_version = r[r.len() - 3];
                match api_version.split_once('/') {
                    Some((group, _)) => format!("{}.{group}", r[0]),
                    None => r[0].to_owned(),
                }
            })
            .collect();
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_eq!(k.ok(&["api-resources", "-o", "name"]), lines(&expected));
    });
}

#[test]
fn api_resources_of_one_group() {
    each_kubectl(|k| {
        k.say("api-resources --api-group=apps");
        assert_eq!(
            k.ok(&["api-resources", "--api-group=apps"]),
            lines(&[
                "NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND",
                "controllerrevisions                apps/v1      true         ControllerRevision",
                "daemonsets            ds           apps/v1      true         DaemonSet",
                "deployments           deploy       apps/v1      true         Deployment",
                "replicasets           rs           apps/v1      true         ReplicaSet",
                "statefulsets          sts          apps/v1      true         StatefulSet",
            ])
        );
    });
}
