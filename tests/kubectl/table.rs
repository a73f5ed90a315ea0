//! `kubectl get` as a table: the columns of kube-apiserver's printers (server-side Table), `-o
//! wide`, `--show-labels` / `-L`, and `get -w` printing rows as objects change. Cells are
//! compared, not kubectl's padding, and AGE only for its form (see [`super::row_matches`]).

use super::{WATCH_TIMEOUT, assert_table, deployment, each_kubectl, row_matches};

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    app: web
spec:
  containers:
  - name: c
    image: nginx:1.25
";

/// A ClusterIP and a NodePort Service with their addresses spelled out (the server defaults and
/// allocates none of `type`, `protocol`, … yet; the addresses would be random).
const SERVICES: &str = "apiVersion: v1
kind: Service
metadata:
  name: front
spec:
  type: ClusterIP
  clusterIP: 10.96.100.10
  selector:
    app: web
  ports:
  - {name: http, port: 80, protocol: TCP}
  - {name: dns, port: 53, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata:
  name: np
spec:
  type: NodePort
  clusterIP: 10.96.100.11
  selector:
    app: web
  ports:
  - {name: http, port: 80, protocol: TCP, nodePort: 30080}
";

#[test]
fn get_pods_and_deployments_tables() {
    each_kubectl(|k| {
        k.create("p.yaml", POD);
        k.create(
            "web.yaml",
            &deployment(
                "web",
                "      - name: app\n        image: nginx:1.25\n      - name: log\n        image: busybox:1.36\n",
            ),
        );
        k.say("get pods");
        assert_table(
            &k.ok(&["get", "pods"]),
            &[
                "NAME   READY   STATUS    RESTARTS   AGE",
                "p      0/1     Pending   0          <age>",
            ],
        );
        k.say("get pods -o wide");
        assert_table(
            &k.ok(&["get", "pods", "-o", "wide"]),
            &[
                "NAME   READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES",
                "p      0/1     Pending   0          <age>   <none>   <none>   <none>           <none>",
            ],
        );
        k.say("get deployments");
        assert_table(
            &k.ok(&["get", "deployments"]),
            &[
                "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
                "web    0/2     0            0           <age>",
            ],
        );
        k.say("get deployments -o wide");
        assert_table(
            &k.ok(&["get", "deployments", "-o", "wide"]),
            &[
                "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                    SELECTOR",
                "web    0/2     0            0           <age>   app,log      nginx:1.25,busybox:1.36   app=web",
            ],
        );
    });
}

#[test]
fn get_services_namespaces_configmaps_tables() {
    each_kubectl(|k| {
        k.create("svc.yaml", SERVICES);
        k.say("get svc");
        assert_table(
            &k.ok(&["get", "svc"]),
            &[
                "NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)         AGE",
                "front        ClusterIP   10.96.100.10   <none>        80/TCP,53/UDP   <age>",
                "kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP         <age>",
                "np           NodePort    10.96.100.11   <none>        80:30080/TCP    <age>",
            ],
        );
        k.say("get svc -o wide");
        assert_table(
            &k.ok(&["get", "svc", "-o", "wide"]),
            &[
                "NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)         AGE   SELECTOR",
                "front        ClusterIP   10.96.100.10   <none>        80/TCP,53/UDP   <age>   app=web",
                "kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP         <age>   <none>",
                "np           NodePort    10.96.100.11   <none>        80:30080/TCP    <age>   app=web",
            ],
        );

        k.say("get ns");
        k.create(
            "team.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n",
        );
        assert_table(
            &k.ok(&["get", "ns"]),
            &[
                "NAME              STATUS   AGE",
                "default           Active   <age>",
                "kube-node-lease   Active   <age>",
                "kube-public       Active   <age>",
                "kube-system       Active   <age>",
                "team              Active   <age>",
            ],
        );

        k.say("get cm, --show-labels, -L app");
        k.create(
            "cms.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: web\n    tier: x\ndata:\n  k: v\n  l: w\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  labels:\n    app: db\n",
        );
        assert_table(
            &k.ok(&["get", "cm"]),
            &[
                "NAME   DATA   AGE",
                "a      2      <age>",
                "b      0      <age>",
            ],
        );
        assert_table(
            &k.ok(&["get", "cm", "--show-labels"]),
            &[
                "NAME   DATA   AGE   LABELS",
                "a      2      <age>   app=web,tier=x",
                "b      0      <age>   app=db",
            ],
        );
        assert_table(
            &k.ok(&["get", "cm", "-L", "app"]),
            &[
                "NAME   DATA   AGE   APP",
                "a      2      <age>   web",
                "b      0      <age>   db",
            ],
        );
        assert_table(
            &k.ok(&["get", "cm", "-A"]),
            &[
                "NAMESPACE   NAME   DATA   AGE",
                "default     a      2      <age>",
                "default     b      0      <age>",
            ],
        );
    });
}

#[test]
fn get_pods_watch_prints_rows() {
    each_kubectl(|k| {
        k.create("p.yaml", POD);
        k.say("get pods -w");
        let mut w = k.background(&["get", "pods", "-w"]);
        let header = "NAME   READY   STATUS    RESTARTS   AGE";
        let row = |name: &str| format!("{name}   0/1   Pending   0   <age>");
        w.expect_line_where("the header", |l| row_matches(l, header), WATCH_TIMEOUT);
        w.expect_line_where("the row of p", |l| row_matches(l, &row("p")), WATCH_TIMEOUT);

        k.say("create pod q; label it; delete it");
        k.create("q.yaml", &POD.replace("name: p", "name: q"));
        w.expect_line_where("q added", |l| row_matches(l, &row("q")), WATCH_TIMEOUT);
        k.ok(&["label", "pod", "q", "x=y"]);
        w.expect_line_where("q modified", |l| row_matches(l, &row("q")), WATCH_TIMEOUT);
        k.ok(&["delete", "pod", "q", "--wait=false"]);
        // Marked for deletion (MODIFIED), then gone (DELETED): both print as Terminating.
        let terminating = "q   0/1   Terminating   0   <age>";
        w.expect_line_where("q marked", |l| row_matches(l, terminating), WATCH_TIMEOUT);
        w.expect_line_where("q deleted", |l| row_matches(l, terminating), WATCH_TIMEOUT);
        assert_eq!(w.seen().len(), 6, "{:#?}", w.seen());
        assert_eq!(w.stop(), "");
    });
}
