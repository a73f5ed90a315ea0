//! The field manager as kube-apiserver runs it: `kubectl create` then `kubectl apply
//! --server-side`, managedFields entries, resets, caps, subresources, errors and their Status
//! (kube's `fieldmanager_test.go`, `conflict_test.go`, `capmanagers_test.go`).

use serde_json::{Value, json};

use super::kinds;
use super::support::{Node, yaml};
use crate::apply::{self, ApplyError, Scope};

const T0: &str = "2026-05-01T10:00:00Z";
const T1: &str = "2026-05-01T10:00:05Z";
const T2: &str = "2026-05-01T10:00:09Z";

fn scope<'a>(
    schema: &'a Node<'a>,
    api_version: &'a str,
    kind: &'a str,
    empty: &'a Value,
    now: &'a str,
) -> Scope<'a> {
    Scope {
        schema,
        api_version,
        kind,
        subresource: None,
        reset_fields: &[],
        empty,
        now,
    }
}

fn managed(obj: &Value) -> Value {
    obj["metadata"]["managedFields"].clone()
}

fn show(label: &str, v: &Value) {
    println!("{label}: {v}");
}

fn configmap(data: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cm", "namespace": "default"},
        "data": {"key": data}
    })
}

/// Stores what the registry adds on create.
fn stored(mut obj: Value, uid: &str) -> Value {
    obj["metadata"]["uid"] = json!(uid);
    obj["metadata"]["resourceVersion"] = json!("1");
    obj["metadata"]["creationTimestamp"] = json!(T0);
    obj
}

#[test]
fn kubectl_create_then_server_side_apply() {
    let types = kinds::types();
    let schema = types.root("ConfigMap");
    let empty = kinds::empty("ConfigMap");
    let s0 = scope(&schema, "v1", "ConfigMap", &empty, T0);

    // kubectl create configmap cm --from-literal=key=a
    let created = stored(
        apply::update(None, configmap("a"), "kubectl-create", &s0),
        "u1",
    );
    show("created", &created);
    assert_eq!(
        managed(&created),
        json!([{"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":T0,
                "fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:key":{}}}}])
    );

    // kubectl apply --server-side (fieldManager=kubectl) changing data.key
    let s1 = scope(&schema, "v1", "ConfigMap", &empty, T1);
    let err = apply::apply(Some(&created), &configmap("b"), "kubectl", false, &s1).unwrap_err();
    show("conflict", &err.status());
    assert_eq!(err.code(), 409);
    assert_eq!(
        err.status(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
               "message":"Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1: .data.key",
               "reason":"Conflict",
               "details":{"causes":[{"reason":"FieldManagerConflict",
                                      "message":"conflict with \"kubectl-create\" using v1",
                                      "field":".data.key"}]},
               "code":409})
    );

    // --force-conflicts: ownership moves.
    let forced = apply::apply(Some(&created), &configmap("b"), "kubectl", true, &s1).unwrap();
    show("forced", &forced);
    assert_eq!(forced["data"]["key"], "b");
    assert_eq!(
        managed(&forced),
        json!([
            {"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":T1,
             "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:key":{}}}},
            {"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":T0,
             "fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}
        ])
    );

    // The same apply again is a no-op: nothing changes, not even the time.
    let s2 = scope(&schema, "v1", "ConfigMap", &empty, T2);
    let again = apply::apply(Some(&forced), &configmap("b"), "kubectl", false, &s2).unwrap();
    assert_eq!(again, forced);

    // An apply without data.key gives it up: nobody else owns it, so it is removed.
    let mut bare = configmap("b");
    bare.as_object_mut().unwrap().remove("data");
    let dropped = apply::apply(Some(&forced), &bare, "kubectl", false, &s2).unwrap();
    show("dropped", &dropped);
    assert!(dropped["data"].get("key").is_none());
}

#[test]
fn kubectl_create_deployment_fields() {
    let types = kinds::types();
    let schema = types.root("Deployment");
    let empty = kinds::empty("Deployment");
    let s = scope(&schema, "apps/v1", "Deployment", &empty, T0);
    // `kubectl create deployment nginx --image=nginx`, as defaulted before the field manager.
    let new = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: default
  creationTimestamp: null
  labels: {app: nginx}
spec:
  replicas: 1
  selector: {matchLabels: {app: nginx}}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx
        imagePullPolicy: Always
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      restartPolicy: Always
      terminationGracePeriodSeconds: 30
      dnsPolicy: ClusterFirst
      securityContext: {}
      schedulerName: default-scheduler
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 25%, maxSurge: 25%}
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
status: {}
"#,
    );
    let out = apply::update(None, new.clone(), "kubectl-create", &s);
    show("deployment", &managed(&out));
    let want: Value = serde_json::from_str(
        r#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}"#,
    )
    .unwrap();
    assert_eq!(managed(&out)[0]["fieldsV1"], want);
    // Key order is SMD's, as written.
    assert_eq!(managed(&out)[0]["fieldsV1"].to_string(), want.to_string());

    // kubectl scale --replicas=3: the Scale gets the replicas managers, the write is
    // tracked on the Scale, and goes back to the Deployment.
    let parent = stored(out, "u1");
    let scale_types = kinds::types();
    let scale_schema = scale_types.root("Scale");
    let scale_empty = kinds::empty("Scale");
    let scale_mf = apply::scale_managed_fields(
        parent["metadata"].get("managedFields"),
        "apps/v1",
        &["spec", "replicas"],
    )
    .unwrap();
    show("scale managers", scale_mf.as_ref().unwrap());
    let old_scale = json!({"apiVersion":"autoscaling/v1","kind":"Scale",
        "metadata":{"name":"nginx","namespace":"default","uid":"u1","managedFields":scale_mf},
        "spec":{"replicas":1},"status":{"replicas":1,"selector":"app=nginx"}});
    let mut new_scale = old_scale.clone();
    new_scale["spec"]["replicas"] = json!(3);
    let ss = Scope {
        schema: &scale_schema,
        api_version: "autoscaling/v1",
        kind: "Scale",
        subresource: Some("scale"),
        reset_fields: &[&["status"]],
        empty: &scale_empty,
        now: T1,
    };
    let written = apply::update(Some(&old_scale), new_scale.clone(), "kubectl", &ss);
    show("scale after", &managed(&written));
    let back = apply::parent_managed_fields(
        parent["metadata"].get("managedFields"),
        written["metadata"].get("managedFields"),
        "apps/v1",
        &["spec", "replicas"],
    )
    .unwrap()
    .unwrap();
    show("parent after", &back);
    // No time: kube looks the Scale manager's time up among the parent's entries. Sorted
    // first for it.
    assert_eq!(
        back[0],
        json!({"manager":"kubectl","operation":"Update","apiVersion":"apps/v1",
        "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"subresource":"scale"})
    );
    assert!(back[1]["fieldsV1"]["f:spec"].get("f:replicas").is_none());
    assert_eq!(back[1]["manager"], "kubectl-create");
}

#[test]
fn apply_creates_and_owns_what_it_sets() {
    let types = kinds::types();
    let schema = types.root("Deployment");
    let empty = kinds::empty("Deployment");
    let s = scope(&schema, "apps/v1", "Deployment", &empty, T0);
    let config = yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1
        ports: [{containerPort: 80}]
"#,
    );
    let out = apply::apply(None, &config, "manager-a", false, &s).unwrap();
    show("created by apply", &out);
    assert_eq!(out["status"], json!({}));
    assert!(out["metadata"].get("creationTimestamp").is_none());
    let entries = managed(&out);
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["operation"], "Apply");
    assert_eq!(
        entries[0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"]
            ["f:ports"],
        json!({"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}})
    );

    // A controller sets the protocol explicitly and a replica count: another applier that
    // leaves the port alone does not conflict; one that changes replicas does.
    let s1 = scope(&schema, "apps/v1", "Deployment", &empty, T1);
    let mut changed = stored(out, "u1");
    changed["spec"]["replicas"] = json!(5);
    changed["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"] = json!("TCP");
    let updated = apply::update(
        Some(&stored(changed.clone(), "u1")),
        changed.clone(),
        "hpa",
        &s1,
    );
    let updated = apply::update(
        Some(&{
            let mut live = changed.clone();
            live["spec"]["replicas"] = json!(2);
            live["metadata"]["managedFields"] = managed(&updated);
            live
        }),
        {
            let mut new = changed.clone();
            new["metadata"]["managedFields"] = managed(&updated);
            new
        },
        "hpa",
        &s1,
    );
    show("after hpa", &managed(&updated));
    let err = apply::apply(Some(&updated), &config, "manager-a", false, &s1).unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"hpa\" using apps/v1: .spec.replicas"
    );
}

#[test]
fn several_conflicts_message() {
    let types = kinds::types();
    let schema = types.root("ConfigMap");
    let empty = kinds::empty("ConfigMap");
    let s = scope(&schema, "v1", "ConfigMap", &empty, T0);
    let base = json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"app":"x"}},"data":{"a":"1","b":"2"}});
    let one = apply::apply(None, &base, "one", false, &s).unwrap();
    let mut second = base.clone();
    second["data"] = json!({"c": "3"});
    second["metadata"]["labels"] = json!({"team": "t"});
    let two = apply::apply(Some(&stored(one, "u")), &second, "two", false, &s).unwrap();
    let mut both = base.clone();
    both["data"] = json!({"a": "9", "c": "9"});
    both["metadata"]["labels"] = json!({"app": "y"});
    let err = apply::apply(Some(&two), &both, "three", false, &s).unwrap_err();
    show("conflicts", &err.status());
    assert_eq!(
        err.message(),
        "Apply failed with 3 conflicts: conflicts with \"one\":\n- .data.a\n- .metadata.labels.app\nconflicts with \"two\":\n- .data.c"
    );
    assert_eq!(err.causes().len(), 3);
}

#[test]
fn client_managed_fields_rules() {
    let types = kinds::types();
    let schema = types.root("ConfigMap");
    let empty = kinds::empty("ConfigMap");
    let s = scope(&schema, "v1", "ConfigMap", &empty, T0);
    let live = stored(apply::update(None, configmap("a"), "creator", &s), "u1");

    // A valid list replaces the live one.
    let mut new = configmap("a");
    new["metadata"]["managedFields"] = json!([{"manager":"someone","operation":"Apply","apiVersion":"v1",
        "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:key":{}}}}]);
    let out = apply::update(Some(&live), new.clone(), "creator", &s);
    show("client-set", &managed(&out));
    assert_eq!(managed(&out)[0]["manager"], "someone");
    assert_eq!(managed(&out).as_array().unwrap().len(), 1);

    // An invalid one is ignored.
    new["metadata"]["managedFields"] =
        json!([{"manager":"x","operation":"Patch","apiVersion":"v1","fieldsType":"FieldsV1"}]);
    let out = apply::update(Some(&live), new.clone(), "creator", &s);
    assert_eq!(managed(&out), managed(&live));
    new["metadata"]["managedFields"] = json!([{"manager":"x","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"bad":{}}}]);
    assert_eq!(
        managed(&apply::update(Some(&live), new.clone(), "creator", &s)),
        managed(&live)
    );

    // [] and [{}] reset; the object is then untracked by updates…
    new["metadata"]["uid"] = json!("u1");
    for reset in [json!([]), json!([{}])] {
        new["metadata"]["managedFields"] = reset;
        let out = apply::update(Some(&live), new.clone(), "creator", &s);
        assert!(out["metadata"].get("managedFields").is_none(), "{out}");
        let mut next = configmap("changed");
        next["metadata"]["uid"] = json!("u1");
        let untracked = apply::update(Some(&out), next.clone(), "later", &s);
        assert!(untracked["metadata"].get("managedFields").is_none());
        // …until an apply: the existing fields go to before-first-apply.
        let applied = apply::apply(Some(&untracked), &json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"other":"x"}}), "ssa", false, &s).unwrap();
        show("after first apply", &managed(&applied));
        let entries = managed(&applied);
        let names: Vec<&str> = entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ssa", "before-first-apply"]);
        let err = apply::apply(Some(&applied), &configmap("mine"), "ssa", false, &s).unwrap_err();
        assert_eq!(
            err.message(),
            "Apply failed with 1 conflict: conflict with \"before-first-apply\" using v1: .data.key"
        );
    }

    // Only metadata the manager never owns: nothing tracked (TestApplyStripsFields).
    let meta_only = json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"b","uid":"b","generation":0,"resourceVersion":"b","creationTimestamp":T0,
        "managedFields":[{"manager":"update","operation":"Apply","apiVersion":"v1"}]}});
    let out = apply::update(None, meta_only.clone(), "fieldmanager_test", &s);
    assert!(out["metadata"].get("managedFields").is_none(), "{out}");
}

#[test]
fn subresource_writes() {
    let types = kinds::types();
    let schema = types.root("Deployment");
    let empty = kinds::empty("Deployment");
    let s = scope(&schema, "apps/v1", "Deployment", &empty, T0);
    let config = json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1}});
    let live = stored(
        apply::apply(None, &config, "user", false, &s).unwrap(),
        "u1",
    );

    let status = Scope {
        subresource: Some("status"),
        reset_fields: &[&["spec"], &["metadata", "labels"]],
        now: T1,
        ..scope(&schema, "apps/v1", "Deployment", &empty, T1)
    };
    let mut new = live.clone();
    new["status"] = json!({"replicas": 1, "conditions": [{"type": "Available", "status": "True"}]});
    new["spec"]["replicas"] = json!(7); // reset by the status strategy: not owned
    new["metadata"]["managedFields"] = json!([]); // ignored on a subresource
    let out = apply::update(Some(&live), new.clone(), "kube-controller-manager", &status);
    show("status write", &managed(&out));
    let entries = managed(&out);
    assert_eq!(entries[0]["manager"], "user");
    assert_eq!(entries[0]["fieldsV1"], json!({"f:spec":{"f:replicas":{}}}));
    assert_eq!(
        entries[1],
        json!({"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":T1,
               "fieldsType":"FieldsV1",
               "fieldsV1":{"f:status":{"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:status":{},"f:type":{}}},"f:replicas":{}}},
               "subresource":"status"})
    );
}

#[test]
fn update_managers_are_capped() {
    let types = kinds::types();
    let schema = types.root("ConfigMap");
    let empty = kinds::empty("ConfigMap");
    let times: Vec<String> = (0..12)
        .map(|i| format!("2026-05-01T10:00:{i:02}Z"))
        .collect();
    let mut live: Option<Value> = None;
    for (i, now) in times.iter().enumerate() {
        let s = scope(&schema, "v1", "ConfigMap", &empty, now);
        let mut new =
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{}});
        for j in 0..=i {
            new["data"][format!("k{j}")] = json!("v");
        }
        if let Some(l) = &live {
            new["metadata"]["uid"] = json!("u");
            new["metadata"]["managedFields"] = managed(l);
        }
        let out = apply::update(live.as_ref(), new.clone(), &format!("m{i:02}"), &s);
        live = Some(out);
    }
    let entries = managed(live.as_ref().unwrap());
    show("capped", &entries);
    let names: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["manager"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 10);
    assert_eq!(names[0], "ancient-changes");
    assert_eq!(entries[0]["time"], "2026-05-01T10:00:02Z");
    assert_eq!(
        entries[0]["fieldsV1"],
        json!({"f:data":{".":{},"f:k0":{},"f:k1":{},"f:k2":{}}})
    );
}

#[test]
fn apply_errors_and_statuses() {
    let types = kinds::types();
    let schema = types.root("Deployment");
    let empty = kinds::empty("Deployment");
    let s = scope(&schema, "apps/v1", "Deployment", &empty, T0);
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"name":"d"}}),
            400,
            "invalid object type: apps/v1beta1, Kind=Deployment",
        ),
        (
            json!({"metadata":{"name":"d"}}),
            400,
            "invalid object type: /, Kind=",
        ),
        (
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","managedFields":[{"manager":"test"}]}}),
            400,
            "metadata.managedFields must be nil",
        ),
        (
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns"},"spec":{"bogus":1}}),
            500,
            "failed to create typed patch object (ns/d; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema",
        ),
        (
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":"3"}}),
            500,
            "failed to create typed patch object (/d; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string",
        ),
        (
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}),
            500,
            "failed to create typed patch object (/d; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field \"name\" (and doesn't have default value)",
        ),
        (
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"a"}]}}}}),
            500,
            "failed to create typed patch object (/d; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name=\"a\"]",
        ),
    ];
    for (config, code, message) in cases {
        let err: ApplyError = apply::apply(None, &config, "m", false, &s).unwrap_err();
        show("error", &err.status());
        assert_eq!((err.code(), err.message().as_str()), (code, message));
    }
    let internal = apply::apply(None, &json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"bogus":1}}), "m", false, &s).unwrap_err();
    assert_eq!(
        internal.status(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"failed to create typed patch object (/d; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema","code":500})
    );
    let bad = apply::apply(
        None,
        &json!({"apiVersion":"apps/v1beta1","kind":"Deployment"}),
        "m",
        false,
        &s,
    )
    .unwrap_err();
    assert_eq!(
        bad.status(),
        json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
        "message":"invalid object type: apps/v1beta1, Kind=Deployment","reason":"BadRequest","code":400})
    );
}

#[test]
fn client_side_apply_upgrade() {
    // TestInteropForClientSideApplyAndServerSideApply / TestServerSideApplyWithInvalidLastApplied.
    let types = kinds::types();
    let schema = types.root("ConfigMap");
    let empty = kinds::empty("ConfigMap");
    let s = scope(&schema, "v1", "ConfigMap", &empty, T0);
    let mut csa = configmap("v1");
    let last = "{\"apiVersion\":\"v1\",\"data\":{\"key\":\"v1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"}}\n";
    csa["metadata"]["annotations"] =
        json!({ "kubectl.kubernetes.io/last-applied-configuration": last });
    let live = stored(
        apply::update(None, csa.clone(), "kubectl-client-side-apply", &s),
        "u1",
    );

    // kubectl may take over what its annotation says it set, without conflicts, and the
    // annotation follows the new configuration.
    let out = apply::apply(Some(&live), &configmap("v2"), "kubectl", false, &s).unwrap();
    show("upgraded", &out);
    assert_eq!(out["data"]["key"], "v2");
    assert_eq!(
        out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
        "{\"apiVersion\":\"v1\",\"data\":{\"key\":\"v2\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"}}\n"
    );
    // Another manager name gets the conflict.
    assert_eq!(
        apply::apply(Some(&live), &configmap("v2"), "other", false, &s)
            .unwrap_err()
            .code(),
        409
    );

    // An unusable annotation: conflict, then force fixes it.
    let mut bad = live.clone();
    bad["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
        json!("invalid-object");
    assert_eq!(
        apply::apply(Some(&bad), &configmap("v2"), "kubectl", false, &s)
            .unwrap_err()
            .code(),
        409
    );
    let fixed = apply::apply(Some(&bad), &configmap("v2"), "kubectl", true, &s).unwrap();
    assert!(
        fixed["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap()
            .contains("\"v2\"")
    );
}

#[test]
fn no_op_writes_keep_managed_fields() {
    let types = kinds::types();
    let schema = types.root("ConfigMap");
    let empty = kinds::empty("ConfigMap");
    let s0 = scope(&schema, "v1", "ConfigMap", &empty, T0);
    let live = stored(
        apply::apply(None, &configmap("a"), "a", false, &s0).unwrap(),
        "u1",
    );
    let s1 = scope(&schema, "v1", "ConfigMap", &empty, T1);
    // Same update again: unchanged.
    let mut same = live.clone();
    same["metadata"]["managedFields"] = managed(&live);
    assert_eq!(apply::update(Some(&live), same.clone(), "a", &s1), live);
    // Same apply by another manager: a new entry, no time, object unchanged otherwise.
    let other = apply::apply(Some(&live), &configmap("a"), "b", false, &s1).unwrap();
    show("shared no-op", &managed(&other));
    let entries = managed(&other);
    // Sorted by time, a missing one counting as the epoch.
    assert_eq!(entries[0]["manager"], "b");
    assert!(entries[0].get("time").is_none());
    assert_eq!(entries[1]["time"], T0);
}

#[test]
fn user_agent_and_options() {
    assert_eq!(
        apply::manager_or_user_agent(None, "kubectl/v1.36.0 (linux/amd64) kubernetes/abc"),
        "kubectl"
    );
    assert_eq!(
        apply::manager_or_user_agent(Some("mine"), "kubectl/v1"),
        "mine"
    );
    assert_eq!(
        apply::manager_or_user_agent(Some(""), "Go-http-client/1.1"),
        "Go-http-client"
    );
    assert_eq!(apply::manager_or_user_agent(None, "a\u{7}b/1"), "ab");
    assert_eq!(
        apply::manager_or_user_agent(None, &"x".repeat(300)).len(),
        128
    );

    let errs = apply::patch_option_errors(true, "", false);
    assert_eq!(
        (errs[0].reason, errs[0].message.as_str(), errs[0].field),
        (
            "FieldValueRequired",
            "Required value: is required for apply patch",
            "fieldManager"
        )
    );
    let errs = apply::patch_option_errors(false, "m", true);
    assert_eq!(
        (errs[0].reason, errs[0].message.as_str(), errs[0].field),
        (
            "FieldValueForbidden",
            "Forbidden: may not be specified for non-apply patch",
            "force"
        )
    );
    let errs = apply::errors::field_manager_errors(&"m".repeat(129));
    assert_eq!(errs[0].message, "Too long: may not be more than 128 bytes");
    let errs = apply::errors::field_manager_errors("a\u{1}");
    assert_eq!(
        errs[0].message,
        "Invalid value: \"a\\x01\": invalid character U+0001 (at position 1)"
    );
    assert!(apply::patch_option_errors(true, "kubectl", false).is_empty());
}
