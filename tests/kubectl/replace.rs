//! `kubectl replace -f` (a PUT): optimistic locking on resourceVersion and replacing what does
//! not exist.

use super::{configmap, each_kubectl};

#[test]
fn replace_with_stale_resource_version_is_conflict() {
    each_kubectl(|k| {
        k.create("a.yaml", &configmap("a", &[]));
        let stale = k.ok(&["get", "cm", "a", "-o", "yaml"]);
        let stale = k.manifest("stale.yaml", &stale);

        k.say("replace -f with changed data (no resourceVersion)");
        assert_eq!(
            k.replace(
                "changed.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v2\n",
            ),
            "configmap/a replaced\n"
        );

        k.say("replace -f at the old resourceVersion");
        assert_eq!(
            k.fails(&["replace", "-f", &stale]),
            format!(
                "Error from server (Conflict): error when replacing \"{stale}\": Operation cannot \
                 be fulfilled on configmaps \"a\": the object has been modified; please apply \
                 your changes to the latest version and try again\n"
            )
        );
        assert_eq!(k.ok(&["get", "cm", "a", "-o", "jsonpath={.data.k}"]), "v2");
    });
}

#[test]
fn replace_missing_object_is_not_found() {
    each_kubectl(|k| {
        k.say("replace -f cm that does not exist");
        let path = k.manifest("zz.yaml", &configmap("zz", &[]));
        assert_eq!(
            k.fails(&["replace", "-f", &path]),
            format!(
                "Error from server (NotFound): error when replacing \"{path}\": configmaps \"zz\" not found\n"
            )
        );
    });
}
