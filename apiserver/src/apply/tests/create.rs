//! The shortcuts of a write nobody else manages (every create): they must record what the
//! general field manager records, over the server's own schemas.

use serde_json::{Value, json};

use crate::apply::managed::{self, Managed, ManagerId};
use crate::apply::manager::strip_meta;
use crate::apply::path::{PathElement, field_path};
use crate::apply::schema::{Deduced, Schema};
use crate::apply::set::FieldSet;
use crate::apply::{Scope, typed};

const NOW: &str = "2026-05-01T10:00:00Z";

fn configmap() -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {
            "name": "cm", "namespace": "default", "uid": "u-1",
            "creationTimestamp": NOW,
            "labels": {"app": "web", "tier": "front"},
            "annotations": {"note": "x"},
            "finalizers": ["a/b", "c/d"],
            "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "o-1"}]
        },
        "data": {"config": "abc", "other": ""},
        "binaryData": {"bin": "AAEC"},
        "immutable": false
    })
}

fn pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default", "uid": "u-2",
                     "creationTimestamp": NOW, "generateName": "p-"},
        "spec": {
            "containers": [
                {
                    "name": "app", "image": "nginx", "args": ["-v", "-x"],
                    "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
                    "env": [{"name": "A", "value": "1"},
                            {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    "resources": {"limits": {"cpu": "1"}, "requests": {}}
                },
                {"name": "app", "image": "duplicate"},
                {"name": "side", "image": "busybox", "ports": []}
            ],
            "volumes": [{"name": "data", "emptyDir": {}},
                        {"name": "cfg", "configMap": {"name": "cm", "items": [{"key": "k", "path": "p"}]}}],
            "nodeSelector": {"disk": "ssd"},
            "tolerations": [{"key": "k", "operator": "Exists"}],
            "affinity": null
        },
        "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}
    })
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "default", "uid": "u-3",
                     "creationTimestamp": NOW, "generation": 1,
                     "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"},
                         "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a"]}]},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web"}, "creationTimestamp": null},
                "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}
            }
        },
        "status": {}
    })
}

/// A Service: `spec.selector` is an atomic map, `spec.ports` a list keyed by port and
/// protocol (defaulted).
fn service() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "s", "namespace": "default", "uid": "u-4", "creationTimestamp": NOW},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}, {"port": 80, "protocol": "UDP"}],
                 "clusterIPs": ["10.0.0.1"], "type": "ClusterIP"}
    })
}

/// Each object with its group, version and kind.
fn objects() -> Vec<(&'static str, &'static str, &'static str, Value)> {
    vec![
        ("", "v1", "ConfigMap", configmap()),
        (
            "",
            "v1",
            "ConfigMap",
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": "bare"}}),
        ),
        (
            "",
            "v1",
            "ConfigMap",
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": "e", "labels": {}}, "data": {}}),
        ),
        ("", "v1", "Pod", pod()),
        ("apps", "v1", "Deployment", deployment()),
        ("", "v1", "Service", service()),
    ]
}

/// Changes of `rhs` over `lhs` as the comparison gives them, and what it removed.
fn compared(lhs: &Value, rhs: &Value, s: &dyn Schema) -> (FieldSet, FieldSet) {
    let cmp = typed::compare(lhs, rhs, s);
    (cmp.added.union(&cmp.modified), cmp.removed)
}

fn assert_changed(lhs: &Value, rhs: &Value, s: &dyn Schema) {
    let (changed, removed) = compared(lhs, rhs, s);
    let fast = typed::changed(lhs, rhs, s);
    assert_eq!(fast.paths(), changed.paths(), "{lhs}\n->\n{rhs}");
    assert!(fast.intersection(&removed).is_empty(), "{lhs}\n->\n{rhs}");
}

#[test]
fn changed_is_what_the_comparison_adds_and_modifies() {
    for (group, version, kind, obj) in objects() {
        let schema = crate::apply_schema::for_kind(group, version, kind).unwrap();
        let zero = crate::zero::object(group, version, kind);
        assert_changed(&zero, &obj, &schema);
        assert_changed(&obj, &obj, &schema);
        assert_changed(&obj, &zero, &schema);
        assert_changed(&json!({}), &obj, &schema);
        assert_changed(&obj, &json!({"metadata": null, "kind": 1}), &schema);
        assert_changed(&Value::Null, &obj, &Deduced);
    }
    let schema = crate::apply_schema::for_kind("", "v1", "Pod").unwrap();
    let mut changed = pod();
    changed["spec"]["containers"][0]["image"] = json!("nginx:2");
    changed["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80, "protocol": "TCP"}]);
    changed["spec"]["containers"][1] = json!({"name": "new"});
    changed["spec"]["tolerations"] = json!([]);
    changed["spec"]["volumes"] = json!("not a list");
    changed["spec"]["nodeSelector"] = json!(null);
    changed["status"] = json!({"phase": ["wrong"]});
    assert_changed(&pod(), &changed, &schema);
    assert_changed(&changed, &pod(), &schema);
    let schema = crate::apply_schema::for_kind("", "v1", "ConfigMap").unwrap();
    let odd = json!({"metadata": {"labels": "x", "annotations": [1]}, "data": null, "unknown": {"a": [1]}});
    assert_changed(&configmap(), &odd, &schema);
    assert_changed(&odd, &configmap(), &schema);
    let deduced = json!({"a": null, "b": {"c": 1}, "d": [1, {"e": 2}], "f": "g"});
    let other = json!({"a": {"x": 1}, "b": "s", "d": {"e": [2]}, "f": null, "h": {}});
    assert_changed(&deduced, &other, &Deduced);
    assert_changed(&other, &deduced, &Deduced);
}

#[test]
fn a_first_manager_is_recorded_as_among_others() {
    let resets: [&[&[&str]]; 3] = [&[], &[&["status"]], &[&["spec"], &["metadata"]]];
    for (group, version, kind, obj) in objects() {
        let schema = crate::apply_schema::for_kind(group, version, kind).unwrap();
        let zero = crate::zero::object(group, version, kind);
        let api_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        for (reset_fields, subresource) in resets.into_iter().zip([None, None, Some("status")]) {
            let scope = Scope {
                schema: &schema,
                api_version: &api_version,
                kind,
                subresource,
                reset_fields,
                empty: &zero,
                now: NOW,
            };
            let ctx = scope.ctx();
            let id = ctx.id("kubectl-create", managed::UPDATE);
            for (live, new) in [(&zero, &obj), (&obj, &zero), (&json!({}), &obj)] {
                let mut first = Managed::default();
                ctx.track_first(live, new, &mut first, &id);
                let mut shared = Managed::default();
                ctx.track_shared(live, new, &mut shared, &id);
                assert_eq!(first, shared, "{kind} {reset_fields:?}: {live}\n->\n{new}");
                assert_eq!(managed::encode(&first), managed::encode(&shared));
            }
        }
    }
}

#[test]
fn strip_meta_takes_out_the_stripped_paths() {
    let stripped: Vec<_> = [
        &["apiVersion"][..],
        &["kind"],
        &["metadata"],
        &["metadata", "name"],
        &["metadata", "namespace"],
        &["metadata", "creationTimestamp"],
        &["metadata", "selfLink"],
        &["metadata", "uid"],
        &["metadata", "clusterName"],
        &["metadata", "generation"],
        &["metadata", "managedFields"],
        &["metadata", "resourceVersion"],
    ]
    .iter()
    .map(|p| field_path(p))
    .collect();
    let stripped = FieldSet::of(&stripped);
    let schema = crate::apply_schema::for_kind("", "v1", "ConfigMap").unwrap();
    let mut owner = field_path(&["metadata", "ownerReferences"]);
    owner.push(PathElement::Field("uid".into()));
    let extra = [
        field_path(&["metadata", "name", "deeper"]),
        field_path(&["metadata", "uid"]),
        field_path(&["metadata", "labels"]),
        field_path(&["kind", "x"]),
        field_path(&["spec"]),
        owner,
    ];
    for set in [
        typed::to_field_set(&configmap(), &schema),
        FieldSet::of(&stripped.paths()),
        FieldSet::of(&extra),
        FieldSet::of(&extra[..2]),
        FieldSet::new(),
    ] {
        let mut fast = set.clone();
        strip_meta(&mut fast);
        let mut general = set.clone();
        general.subtract(&stripped);
        assert_eq!(fast, general, "{:?}", set.paths());
    }
}

#[test]
fn manager_ids_read_plainly_as_json_reads_them() {
    for id in [
        r#"{"manager":"kubectl","operation":"Update","apiVersion":"v1"}"#,
        r#"{"manager":"m","operation":"Apply","subresource":"status"}"#,
        r#"{"operation":"Update","manager":"m","apiVersion":"apps/v1","subresource":"scale"}"#,
        r#"{"manager":"é,:{}","operation":"Update"}"#,
        r#"{"manager":"","operation":"Update"}"#,
        r#"{"manager":"a","manager":"b"}"#,
        r#"{"manager":"a","other":"b"}"#,
        r#"{"manager":"a\"b"}"#,
        r#"{"manager":"\u003c"}"#,
        r#"{"manager": "a"}"#,
        r#"{"manager":"a",}"#,
        r#"{"manager":"a"}x"#,
        r#"{"manager":"a"},"#,
        r#"{"manager":1}"#,
        "{\"manager\":\"a\tb\"}",
        "{}",
        "",
        "[]",
    ] {
        if let Some(plain) = ManagerId::decode_plain(id) {
            assert_eq!(plain, ManagerId::decode_json(id), "{id}");
        }
        assert_eq!(ManagerId::decode(id), ManagerId::decode_json(id), "{id}");
    }
    let plain = r#"{"manager":"kubectl","operation":"Update","apiVersion":"v1"}"#;
    assert!(ManagerId::decode_plain(plain).is_some());
}
