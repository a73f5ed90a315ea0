//! `kubectl get -w`: a watching kubectl runs as a child process while another kubectl writes; its
//! lines are read with a deadline, and the child is always killed and reaped (guard on drop).
//!
//! The watcher prints one `<EVENT> <name>` line per event. It lists first (printing each item
//! as ADDED) and then watches from the list's resourceVersion, so once the line of an object
//! created beforehand has arrived, every later write is seen.

use super::{Kubectl, WATCH_TIMEOUT, configmap, each_kubectl};

const EVENTS: &str = "jsonpath={.type} {.object.metadata.name}{\"\\n\"}";

fn watch(k: &Kubectl, args: &[&str]) -> kubemem_tests::BackgroundKubectl {
    let mut all = vec!["get"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-w", "--output-watch-events", "-o", EVENTS]);
    k.background(&all)
}

#[test]
fn watch_sees_added_modified_deleted() {
    each_kubectl(|k| {
        k.create("before.yaml", &configmap("before", &[]));
        k.say("get cm -w --output-watch-events");
        let mut w = watch(k, &["cm"]);
        w.expect_line("ADDED before", WATCH_TIMEOUT);

        k.say("create cm w");
        k.create("w.yaml", &configmap("w", &[]));
        w.expect_line("ADDED w", WATCH_TIMEOUT);

        k.say("replace cm w");
        k.replace("w2.yaml", &configmap("w", &[("changed", "yes")]));
        w.expect_line("MODIFIED w", WATCH_TIMEOUT);

        k.say("delete cm w");
        k.ok(&["delete", "cm", "w"]);
        w.expect_line("DELETED w", WATCH_TIMEOUT);

        assert_eq!(
            w.seen(),
            ["ADDED before", "ADDED w", "MODIFIED w", "DELETED w"]
        );
        let stderr = w.stop();
        assert_eq!(stderr, "");
    });
}

#[test]
fn watch_with_label_selector_sees_objects_leave_and_enter() {
    each_kubectl(|k| {
        k.create("c1.yaml", &configmap("c1", &[("app", "web")]));
        k.create("c2.yaml", &configmap("c2", &[("app", "db")]));
        k.say("get cm -l app=web -w --output-watch-events");
        let mut w = watch(k, &["cm", "-l", "app=web"]);
        w.expect_line("ADDED c1", WATCH_TIMEOUT);

        k.say("create cm c3 (app=db), then c4 (app=web)");
        k.create("c3.yaml", &configmap("c3", &[("app", "db")]));
        k.create("c4.yaml", &configmap("c4", &[("app", "web")]));
        w.expect_line("ADDED c4", WATCH_TIMEOUT);

        k.say("replace cm c1 with app=other: it leaves the selection");
        k.replace("c1-other.yaml", &configmap("c1", &[("app", "other")]));
        w.expect_line("DELETED c1", WATCH_TIMEOUT);

        k.say("replace cm c2 with app=web: it enters the selection");
        k.replace("c2-web.yaml", &configmap("c2", &[("app", "web")]));
        w.expect_line("ADDED c2", WATCH_TIMEOUT);

        k.say("replace cm c4 (still app=web)");
        k.replace(
            "c4-more.yaml",
            &configmap("c4", &[("app", "web"), ("x", "y")]),
        );
        w.expect_line("MODIFIED c4", WATCH_TIMEOUT);

        assert_eq!(
            w.seen(),
            [
                "ADDED c1",
                "ADDED c4",
                "DELETED c1",
                "ADDED c2",
                "MODIFIED c4"
            ]
        );
        let stderr = w.stop();
        assert_eq!(stderr, "");
    });
}

#[test]
fn watch_all_namespaces_and_namespace_deletion() {
    each_kubectl(|k| {
        k.say("get cm -A -w --output-watch-events");
        let mut cms = watch(k, &["cm", "-A"]);
        k.say("get ns -w --output-watch-events");
        let mut nss = watch(k, &["ns"]);
        nss.expect_line("ADDED kube-system", WATCH_TIMEOUT);

        k.say("create ns team and cm team/t");
        k.create(
            "team.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\n  namespace: team\n",
        );
        nss.expect_line("ADDED team", WATCH_TIMEOUT);
        cms.expect_line("ADDED t", WATCH_TIMEOUT);

        k.say("delete ns team");
        k.ok(&["delete", "ns", "team"]);
        cms.expect_line("DELETED t", WATCH_TIMEOUT);
        nss.expect_line("DELETED team", WATCH_TIMEOUT);
    });
}
