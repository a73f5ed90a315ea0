//! `kubectl delete` by name, by manifest and by label selector; namespaces that may not be
//! deleted, and a namespace whose deletion takes its objects along.

use super::{configmap, documents, each_kubectl, lines};

#[test]
fn delete_by_name() {
    each_kubectl(|k| {
        k.create(
            "ab.yaml",
            &documents(&[configmap("a", &[]), configmap("b", &[])]),
        );
        k.say("delete cm a");
        assert_eq!(k.ok(&["delete", "cm", "a"]), "configmap \"a\" deleted\n");
        assert_eq!(k.ok(&["get", "cm", "-o", "name"]), "configmap/b\n");
        k.say("delete cm a again");
        assert_eq!(
            k.fails(&["delete", "cm", "a"]),
            "Error from server (NotFound): configmaps \"a\" not found\n"
        );
    });
}

#[test]
fn delete_by_manifest() {
    each_kubectl(|k| {
        let path = k.manifest(
            "three.yaml",
            &documents(&[
                configmap("a", &[]),
                configmap("b", &[]),
                configmap("c", &[]),
            ]),
        );
        k.ok(&["create", "-f", &path]);
        k.create("keep.yaml", &configmap("keep", &[]));
        k.say("delete -f three.yaml");
        assert_eq!(
            k.ok(&["delete", "-f", &path]),
            lines(&[
                "configmap \"a\" deleted",
                "configmap \"b\" deleted",
                "configmap \"c\" deleted",
            ])
        );
        assert_eq!(k.ok(&["get", "cm", "-o", "name"]), "configmap/keep\n");
        k.say("delete -f three.yaml again");
        let not_found = |name: &str| {
            format!(
                "Error from server (NotFound): error when deleting \"{path}\": configmaps \"{name}\" not found"
            )
        };
        assert_eq!(
            k.fails(&["delete", "-f", &path]),
            lines(&[&not_found("a"), &not_found("b"), &not_found("c")])
        );
    });
}

#[test]
fn delete_by_label_selector_deletes_only_matches() {
    each_kubectl(|k| {
        k.create(
            "labelled.yaml",
            &documents(&[
                configmap("a", &[("app", "x")]),
                configmap("b", &[("app", "y")]),
                configmap("c", &[("app", "x"), ("tier", "t")]),
                configmap("d", &[]),
            ]),
        );
        k.say("delete cm -l app=x");
        assert_eq!(
            k.ok(&["delete", "cm", "-l", "app=x"]),
            lines(&["configmap \"a\" deleted", "configmap \"c\" deleted"])
        );
        assert_eq!(
            k.ok(&["get", "cm", "-o", "name"]),
            lines(&["configmap/b", "configmap/d"])
        );
        k.say("delete cm -l app=x again");
        let out = k.run(&["delete", "cm", "-l", "app=x"]);
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "No resources found\n");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    });
}

#[test]
fn delete_all_stays_in_the_namespace() {
    each_kubectl(|k| {
        k.create(
            "two-namespaces.yaml",
            &documents(&[
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n".to_owned(),
                configmap("a", &[]),
                configmap("b", &[]),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n"
                    .to_owned(),
            ]),
        );
        k.say("delete cm --all");
        assert_eq!(
            k.ok(&["delete", "cm", "--all"]),
            lines(&["configmap \"a\" deleted", "configmap \"b\" deleted"])
        );
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "-A",
                "-o",
                "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}"
            ]),
            "other/c "
        );
    });
}

#[test]
fn delete_system_namespaces_is_forbidden() {
    each_kubectl(|k| {
        for ns in ["default", "kube-system", "kube-public"] {
            k.say(&format!("delete ns {ns}"));
            assert_eq!(
                k.fails(&["delete", "ns", ns]),
                format!(
                    "Error from server (Forbidden): namespaces \"{ns}\" is forbidden: this namespace may not be deleted\n"
                )
            );
        }
        assert_eq!(
            k.ok(&["get", "ns", "-o", "name"]),
            lines(&[
                "namespace/default",
                "namespace/kube-node-lease",
                "namespace/kube-public",
                "namespace/kube-system",
            ])
        );
    });
}

#[test]
fn delete_namespace_deletes_its_objects() {
    each_kubectl(|k| {
        k.create(
            "team.yaml",
            r#"apiVersion: v1
kind: Namespace
metadata:
  name: team
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: team
---
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: team
spec:
  containers:
  - name: c
    image: nginx
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: outside
"#,
        );
        assert_eq!(
            k.ok(&["get", "cm,pods", "-n", "team", "-o", "name"]),
            lines(&["configmap/a", "pod/p"])
        );
        k.say("delete ns team");
        assert_eq!(
            k.ok(&["delete", "ns", "team"]),
            "namespace \"team\" deleted\n"
        );
        assert_eq!(
            k.fails(&["get", "ns", "team"]),
            "Error from server (NotFound): namespaces \"team\" not found\n"
        );
        k.say("recreate ns team: it is empty");
        k.create(
            "ns.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n",
        );
        assert_eq!(k.ok(&["get", "cm,pods", "-n", "team", "-o", "name"]), "");
        assert_eq!(k.ok(&["get", "cm", "-o", "name"]), "configmap/outside\n");
    });
}

/// A pod bound to a node is deleted gracefully: `kubectl delete` waits until it is gone, which
/// with no kubelet the pod garbage collector sees to (the node does not exist); an unbound pod
/// goes at once.
#[test]
fn delete_a_pod_bound_to_a_node() {
    each_kubectl(|k| {
        k.create(
            "bound.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bound\nspec:\n  nodeName: gone\n  \
             containers:\n  - name: c\n    image: nginx\n",
        );
        k.say("delete pod bound");
        assert_eq!(k.ok(&["delete", "pod", "bound"]), "pod \"bound\" deleted\n");
        assert_eq!(k.ok(&["get", "pods", "-o", "name"]), "");

        k.say("run free (unbound) and delete it --wait=false");
        k.ok(&["run", "free", "--image=nginx"]);
        assert_eq!(
            k.ok(&["delete", "pod", "free", "--wait=false"]),
            "pod \"free\" deleted\n"
        );
        assert_eq!(k.ok(&["get", "pods", "-o", "name"]), "");
    });
}

/// A ReplicaSet owned by Deployment `owner` (its controller, blocking the owner's deletion).
fn owned_replica_set(k: &super::Kubectl, owner: &str) {
    let uid = k.ok(&["get", "deployment", owner, "-o", "jsonpath={.metadata.uid}"]);
    k.create(
        &format!("{owner}-rs.yaml"),
        &format!(
            "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: {owner}-rs\n  \
             ownerReferences:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: {owner}\n    \
             uid: {uid}\n    controller: true\n    blockOwnerDeletion: true\nspec:\n  replicas: 0\n  \
             selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      \
             labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n        \
             image: nginx\n"
        ),
    );
}

/// Waits until `kubectl get <args>` prints `want` (5 s at most) and returns what it printed.
fn eventually(k: &super::Kubectl, args: &[&str], want: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let out = k.ok(args);
        if out == want || std::time::Instant::now() > deadline {
            return out;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The garbage collector follows `--cascade`: background (the default) and foreground delete a
/// Deployment's ReplicaSets, orphan keeps them without the owner reference.
#[test]
fn delete_cascades_to_dependents() {
    each_kubectl(|k| {
        let app = "      - name: app\n        image: nginx\n";
        for name in ["bg", "fg", "orphan"] {
            k.create(&format!("{name}.yaml"), &super::deployment(name, app));
            owned_replica_set(k, name);
        }
        let list = ["get", "rs", "-o", "name"];
        k.say("delete deployment bg (background)");
        assert_eq!(
            k.ok(&["delete", "deployment", "bg"]),
            "deployment.apps \"bg\" deleted\n"
        );
        assert_eq!(
            eventually(
                k,
                &list,
                "replicaset.apps/fg-rs\nreplicaset.apps/orphan-rs\n"
            ),
            "replicaset.apps/fg-rs\nreplicaset.apps/orphan-rs\n"
        );

        k.say("delete deployment fg --cascade=foreground");
        assert_eq!(
            k.ok(&["delete", "deployment", "fg", "--cascade=foreground"]),
            "deployment.apps \"fg\" deleted\n"
        );
        assert_eq!(
            eventually(k, &list, "replicaset.apps/orphan-rs\n"),
            "replicaset.apps/orphan-rs\n"
        );
        assert_eq!(
            k.ok(&["get", "deployment", "-o", "name"]),
            "deployment.apps/orphan\n"
        );

        k.say("delete deployment orphan --cascade=orphan");
        assert_eq!(
            k.ok(&["delete", "deployment", "orphan", "--cascade=orphan"]),
            "deployment.apps \"orphan\" deleted\n"
        );
        assert_eq!(k.ok(&["get", "deployment", "-o", "name"]), "");
        assert_eq!(k.ok(&list), "replicaset.apps/orphan-rs\n");
        assert_eq!(
            k.ok(&[
                "get",
                "rs",
                "orphan-rs",
                "-o",
                "jsonpath={.metadata.ownerReferences}"
            ]),
            ""
        );
    });
}
