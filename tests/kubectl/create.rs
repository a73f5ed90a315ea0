//! `kubectl create -f`: multi-document manifests, AlreadyExists, a missing namespace, invalid
//! names.

use super::{each_kubectl, lines};

/// Two ConfigMaps and a Secret in the default namespace, a Namespace and a Pod in it.
const MIXED: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels:
    app: x
data:
  k: v
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
---
apiVersion: v1
kind: Secret
metadata:
  name: s
stringData:
  password: hunter2
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
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
"#;

#[test]
fn create_multi_document_manifest() {
    each_kubectl(|k| {
        k.say("create -f mixed.yaml");
        assert_eq!(
            k.create("mixed.yaml", MIXED),
            lines(&[
                "configmap/a created",
                "configmap/b created",
                "secret/s created",
                "namespace/team created",
                "pod/p created",
            ])
        );
        k.say("get what was created");
        assert_eq!(
            k.ok(&["get", "cm,secret", "-o", "name"]),
            lines(&["configmap/a", "configmap/b", "secret/s"])
        );
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "a",
                "-o",
                "jsonpath={.metadata.labels.app} {.data.k}"
            ]),
            "x v"
        );
        assert_eq!(
            k.ok(&["get", "ns", "team", "-o", "jsonpath={.status.phase}"]),
            "Active"
        );
        assert_eq!(
            k.ok(&["get", "pods", "-n", "team", "-o", "name"]),
            "pod/p\n"
        );
        assert_eq!(
            k.ok(&[
                "get",
                "pod",
                "p",
                "-n",
                "team",
                "-o",
                "jsonpath={.spec.containers[0].image} {.status.phase}",
            ]),
            "nginx Pending"
        );
    });
}

#[test]
fn create_secret_string_data_is_stored_as_data() {
    each_kubectl(|k| {
        k.say("create -f secret with stringData");
        k.create(
            "secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: hunter2\n",
        );
        let secret = k.json(&["get", "secret", "s", "-o", "json"]);
        assert_eq!(secret["data"]["password"], "aHVudGVyMg==", "{secret:#}");
        assert_eq!(secret["type"], "Opaque", "{secret:#}");
        assert!(secret.get("stringData").is_none(), "{secret:#}");
    });
}

#[test]
fn create_twice_is_already_exists() {
    each_kubectl(|k| {
        let path = k.manifest("mixed.yaml", MIXED);
        k.ok(&["create", "-f", &path]);
        k.say("create -f mixed.yaml again");
        let msg = |what: &str| {
            format!(
                "Error from server (AlreadyExists): error when creating \"{path}\": {what} already exists"
            )
        };
        assert_eq!(
            k.fails(&["create", "-f", &path]),
            lines(&[
                &msg("configmaps \"a\""),
                &msg("configmaps \"b\""),
                &msg("secrets \"s\""),
                &msg("namespaces \"team\""),
                &msg("pods \"p\""),
            ])
        );
    });
}

#[test]
fn create_in_missing_namespace_is_not_found() {
    each_kubectl(|k| {
        k.say("create -f cm in namespace nope");
        let path = k.manifest(
            "nope.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nope\n",
        );
        assert_eq!(
            k.fails(&["create", "-f", &path]),
            format!(
                "Error from server (NotFound): error when creating \"{path}\": namespaces \"nope\" not found\n"
            )
        );
        k.say("create -n nope -f cm without namespace");
        let path = k.manifest(
            "plain.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        );
        assert_eq!(
            k.fails(&["create", "-n", "nope", "-f", &path]),
            format!(
                "Error from server (NotFound): error when creating \"{path}\": namespaces \"nope\" not found\n"
            )
        );
    });
}

#[test]
fn create_with_invalid_name_is_invalid() {
    each_kubectl(|k| {
        k.say("create -f cm Foo_bar");
        let path = k.manifest(
            "bad.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Foo_bar\n",
        );
        assert_eq!(
            k.fails(&["create", "-f", &path]),
            "The ConfigMap \"Foo_bar\" is invalid: metadata.name: Invalid value: \"Foo_bar\": \
             a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \
             '-' or '.', and must start and end with an alphanumeric character (e.g. \
             'example.com', regex used for validation is \
             '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
        );
        k.say("nothing was created");
        assert_eq!(k.ok(&["get", "cm", "-o", "name"]), "");
    });
}
