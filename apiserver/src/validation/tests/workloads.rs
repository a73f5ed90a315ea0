use serde_json::{Value, json};

use super::{at, case, cause, remove, run_creates, run_updates, template};
use crate::names;

const DEPLOYMENTS: (&str, &str, &str) = ("apps", "v1", "deployments");
const REPLICA_SETS: (&str, &str, &str) = ("apps", "v1", "replicasets");
const DAEMON_SETS: (&str, &str, &str) = ("apps", "v1", "daemonsets");
const STATEFUL_SETS: (&str, &str, &str) = ("apps", "v1", "statefulsets");
const REPLICATION_CONTROLLERS: (&str, &str, &str) = ("", "v1", "replicationcontrollers");

const DOES_NOT_MATCH: &str = "Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`";

fn controller(kind: &str, api_version: &str) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "web", "namespace": "default", "uid": "u"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template("Always")}
    })
}

#[test]
fn deployment_create() {
    run_creates(
        DEPLOYMENTS,
        &controller("Deployment", "apps/v1"),
        vec![
            case(
                "selector does not match",
                |d| *at(d, "spec/selector/matchLabels/app") = json!("api"),
                vec![cause(
                    "spec.template.metadata.labels",
                    "FieldValueInvalid",
                    DOES_NOT_MATCH,
                )],
            ),
            case(
                "no selector: required, and the nil selector matches nothing",
                |d| remove(d, "spec/selector"),
                vec![
                    cause("spec.selector", "FieldValueRequired", "Required value"),
                    cause(
                        "spec.template.metadata.labels",
                        "FieldValueInvalid",
                        DOES_NOT_MATCH,
                    ),
                ],
            ),
            case(
                "empty selector",
                |d| *at(d, "spec/selector") = json!({}),
                vec![cause(
                    "spec.selector",
                    "FieldValueInvalid",
                    "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
                )],
            ),
            case(
                "bad selector operator",
                |d| {
                    *at(d, "spec/selector") = json!({"matchExpressions": [
                        {"key": "app", "operator": "Foo", "values": ["web"]}
                    ]})
                },
                vec![
                    cause(
                        "spec.selector.matchExpressions[0].operator",
                        "FieldValueInvalid",
                        "Invalid value: \"Foo\": not a valid selector operator",
                    ),
                    cause(
                        "spec.selector",
                        "FieldValueInvalid",
                        "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Foo\", Values:[]string{\"web\"}}}}: invalid label selector",
                    ),
                ],
            ),
            case(
                "negative replicas",
                |d| *at(d, "spec/replicas") = json!(-1),
                vec![cause(
                    "spec.replicas",
                    "FieldValueInvalid",
                    "Invalid value: -1: must be greater than or equal to 0",
                )],
            ),
            case(
                "restartPolicy Never",
                |d| *at(d, "spec/template/spec/restartPolicy") = json!("Never"),
                vec![cause(
                    "spec.template.spec.restartPolicy",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Never\": supported values: \"Always\"",
                )],
            ),
            case(
                "activeDeadlineSeconds",
                |d| *at(d, "spec/template/spec/activeDeadlineSeconds") = json!(10),
                vec![cause(
                    "spec.template.spec.activeDeadlineSeconds",
                    "FieldValueForbidden",
                    "Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
                )],
            ),
            case(
                "maxSurge and maxUnavailable both 0",
                |d| *at(d, "spec/strategy") = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}),
                vec![cause(
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    "FieldValueInvalid",
                    "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0",
                )],
            ),
            case(
                "maxUnavailable over 100%",
                |d| *at(d, "spec/strategy/rollingUpdate/maxUnavailable") = json!("110%"),
                vec![cause(
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    "FieldValueInvalid",
                    "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"110%\"}: must not be greater than 100%",
                )],
            ),
            case(
                "maxSurge not a percent",
                |d| *at(d, "spec/strategy/rollingUpdate/maxSurge") = json!("abc"),
                vec![cause(
                    "spec.strategy.rollingUpdate.maxSurge",
                    "FieldValueInvalid",
                    "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                )],
            ),
            case(
                "negative maxSurge",
                |d| *at(d, "spec/strategy/rollingUpdate/maxSurge") = json!(-1),
                vec![cause(
                    "spec.strategy.rollingUpdate.maxSurge",
                    "FieldValueInvalid",
                    "Invalid value: -1: must be greater than or equal to 0",
                )],
            ),
            case(
                "unknown strategy type",
                |d| *at(d, "spec/strategy") = json!({"type": "Foo"}),
                vec![cause(
                    "spec.strategy",
                    "FieldValueNotSupported",
                    "Unsupported value: apps.DeploymentStrategy{Type:\"Foo\", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\"",
                )],
            ),
            case(
                "Recreate with rollingUpdate",
                |d| {
                    *at(d, "spec/strategy") =
                        json!({"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})
                },
                vec![cause(
                    "spec.strategy.rollingUpdate",
                    "FieldValueForbidden",
                    "Forbidden: may not be specified when strategy `type` is 'Recreate'",
                )],
            ),
            case(
                "progress deadline not above minReadySeconds",
                |d| {
                    *at(d, "spec/minReadySeconds") = json!(10);
                    *at(d, "spec/progressDeadlineSeconds") = json!(5);
                },
                vec![cause(
                    "spec.progressDeadlineSeconds",
                    "FieldValueInvalid",
                    "Invalid value: 5: must be greater than minReadySeconds",
                )],
            ),
            case(
                "negative minReadySeconds and revisionHistoryLimit",
                |d| {
                    *at(d, "spec/minReadySeconds") = json!(-1);
                    *at(d, "spec/revisionHistoryLimit") = json!(-2);
                },
                vec![
                    cause(
                        "spec.minReadySeconds",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                    cause(
                        "spec.revisionHistoryLimit",
                        "FieldValueInvalid",
                        "Invalid value: -2: must be greater than or equal to 0",
                    ),
                ],
            ),
        ],
    );
}

#[test]
fn deployment_update_keeps_the_selector() {
    run_updates(
        DEPLOYMENTS,
        &controller("Deployment", "apps/v1"),
        vec![
            case(
                "replicas may change",
                |d| *at(d, "spec/replicas") = json!(5),
                vec![],
            ),
            case(
                "selector may not",
                |d| {
                    *at(d, "spec/selector/matchLabels/tier") = json!("fe");
                    *at(d, "spec/template/metadata/labels/tier") = json!("fe");
                },
                vec![cause(
                    "spec.selector",
                    "FieldValueInvalid",
                    "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"tier\":\"fe\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
                )],
            ),
        ],
    );
}

#[test]
fn replica_set_create_and_update() {
    let base = controller("ReplicaSet", "apps/v1");
    run_creates(
        REPLICA_SETS,
        &base,
        vec![
            case(
                "empty selector (kube's message says deployment)",
                |d| *at(d, "spec/selector") = json!({"matchLabels": {}}),
                vec![cause(
                    "spec.selector",
                    "FieldValueInvalid",
                    "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
                )],
            ),
            case(
                "selector does not match",
                |d| *at(d, "spec/template/metadata/labels/app") = json!("api"),
                vec![cause(
                    "spec.template.metadata.labels",
                    "FieldValueInvalid",
                    "Invalid value: map[string]string{\"app\":\"api\"}: `selector` does not match template `labels`",
                )],
            ),
        ],
    );
    run_updates(
        REPLICA_SETS,
        &base,
        vec![case(
            "selector is immutable",
            |d| {
                *at(d, "spec/selector") =
                    json!({"matchExpressions": [{"key": "app", "operator": "Exists"}]})
            },
            vec![cause(
                "spec.selector",
                "FieldValueInvalid",
                "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Exists\", Values:[]string(nil)}}}: field is immutable",
            )],
        )],
    );
}

#[test]
fn daemon_set_create() {
    run_creates(
        DAEMON_SETS,
        &controller("DaemonSet", "apps/v1"),
        vec![
            case(
                "no selector is not required, but matches nothing",
                |d| remove(d, "spec/selector"),
                vec![cause(
                    "spec.template.metadata.labels",
                    "FieldValueInvalid",
                    DOES_NOT_MATCH,
                )],
            ),
            case(
                "empty selector",
                |d| *at(d, "spec/selector") = json!({}),
                vec![cause(
                    "spec.selector",
                    "FieldValueInvalid",
                    "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset",
                )],
            ),
            case(
                "maxUnavailable and maxSurge both 0",
                |d| *at(d, "spec/updateStrategy") = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}),
                vec![cause(
                    "spec.updateStrategy.rollingUpdate.maxUnavailable",
                    "FieldValueRequired",
                    "Required value: cannot be 0 when maxSurge is 0",
                )],
            ),
            case(
                "maxUnavailable and maxSurge both set",
                |d| *at(d, "spec/updateStrategy") = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "10%"}}),
                vec![cause(
                    "spec.updateStrategy.rollingUpdate.maxSurge",
                    "FieldValueInvalid",
                    "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"10%\"}: may not be set when maxUnavailable is non-zero",
                )],
            ),
            case(
                "unknown strategy",
                |d| *at(d, "spec/updateStrategy") = json!({"type": "Later"}),
                vec![cause(
                    "spec.updateStrategy",
                    "FieldValueNotSupported",
                    "Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Later\", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: \"RollingUpdate\", \"OnDelete\"",
                )],
            ),
            case(
                "restartPolicy OnFailure and activeDeadlineSeconds",
                |d| {
                    *at(d, "spec/template/spec/restartPolicy") = json!("OnFailure");
                    *at(d, "spec/template/spec/activeDeadlineSeconds") = json!(5);
                },
                vec![
                    cause(
                        "spec.template.spec.restartPolicy",
                        "FieldValueNotSupported",
                        "Unsupported value: \"OnFailure\": supported values: \"Always\"",
                    ),
                    cause(
                        "spec.template.spec.activeDeadlineSeconds",
                        "FieldValueForbidden",
                        "Forbidden: activeDeadlineSeconds in DaemonSet is not Supported",
                    ),
                ],
            ),
        ],
    );
}

fn stateful_set() -> Value {
    let mut s = controller("StatefulSet", "apps/v1");
    *at(&mut s, "spec/serviceName") = json!("web");
    s
}

#[test]
fn stateful_set_create() {
    let label_errors = names::is_dns1123_label("Web_1");
    let service_name = format!("Invalid value: \"Web_1\": {}", label_errors[0]);
    let cases = vec![
        case(
            "bad podManagementPolicy",
            |s| *at(s, "spec/podManagementPolicy") = json!("Foo"),
            vec![cause(
                "spec.podManagementPolicy",
                "FieldValueInvalid",
                "Invalid value: \"Foo\": must be 'OrderedReady' or 'Parallel'",
            )],
        ),
        case(
            "rollingUpdate with OnDelete",
            |s| {
                *at(s, "spec/updateStrategy") =
                    json!({"type": "OnDelete", "rollingUpdate": {"partition": 1}})
            },
            vec![cause(
                "spec.updateStrategy.rollingUpdate",
                "FieldValueInvalid",
                "Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
            )],
        ),
        case(
            "unknown update strategy",
            |s| *at(s, "spec/updateStrategy") = json!({"type": "Later"}),
            vec![cause(
                "spec.updateStrategy",
                "FieldValueInvalid",
                "Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Later\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'",
            )],
        ),
        case(
            "negative partition, zero maxUnavailable",
            |s| *at(s, "spec/updateStrategy") = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": -1, "maxUnavailable": 0}}),
            vec![
                cause(
                    "spec.updateStrategy.rollingUpdate.partition",
                    "FieldValueInvalid",
                    "Invalid value: -1: must be greater than or equal to 0",
                ),
                cause(
                    "spec.updateStrategy.rollingUpdate.maxUnavailable",
                    "FieldValueInvalid",
                    "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0",
                ),
            ],
        ),
        case(
            "bad retention policy",
            |s| *at(s, "spec/persistentVolumeClaimRetentionPolicy/whenScaled") = json!("Keep"),
            vec![cause(
                "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
                "FieldValueNotSupported",
                "Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
            )],
        ),
        case(
            "negative ordinals start",
            |s| *at(s, "spec/ordinals/start") = json!(-1),
            vec![cause(
                "spec.ordinals.start",
                "FieldValueInvalid",
                "Invalid value: -1: must be greater than or equal to 0",
            )],
        ),
        case(
            "empty selector",
            |s| *at(s, "spec/selector") = json!({}),
            vec![cause(
                "spec.selector",
                "FieldValueInvalid",
                "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
            )],
        ),
        case(
            "activeDeadlineSeconds",
            |s| *at(s, "spec/template/spec/activeDeadlineSeconds") = json!(1),
            vec![cause(
                "spec.template.spec.activeDeadlineSeconds",
                "FieldValueForbidden",
                "Forbidden: activeDeadlineSeconds in StatefulSet is not Supported",
            )],
        ),
    ];
    run_creates(STATEFUL_SETS, &stateful_set(), cases);
    let mut bad_service = stateful_set();
    *at(&mut bad_service, "spec/serviceName") = json!("Web_1");
    let obj = super::defaulted("apps", "v1", "statefulsets", bad_service);
    assert_eq!(
        super::causes(STATEFUL_SETS, &obj, super::Write::Create),
        vec![(
            "spec.serviceName".into(),
            "FieldValueInvalid".into(),
            service_name
        )]
    );
}

#[test]
fn stateful_set_update_is_limited_to_some_fields() {
    let forbidden = "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
    run_updates(
        STATEFUL_SETS,
        &stateful_set(),
        vec![
            case(
                "the allowed fields",
                |s| {
                    *at(s, "spec/replicas") = json!(3);
                    *at(s, "spec/minReadySeconds") = json!(3);
                    *at(s, "spec/revisionHistoryLimit") = json!(3);
                    *at(s, "spec/template/metadata/annotations/a") = json!("b");
                    *at(s, "spec/updateStrategy") = json!({"type": "OnDelete"});
                },
                vec![],
            ),
            case(
                "serviceName",
                |s| *at(s, "spec/serviceName") = json!("other"),
                vec![cause("spec", "FieldValueForbidden", forbidden)],
            ),
            case(
                "podManagementPolicy",
                |s| *at(s, "spec/podManagementPolicy") = json!("Parallel"),
                vec![cause("spec", "FieldValueForbidden", forbidden)],
            ),
        ],
    );
}

#[test]
fn replication_controller_create() {
    let rc = json!({
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "template": template("Always")}
    });
    run_creates(
        REPLICATION_CONTROLLERS,
        &rc,
        vec![
            case(
                "no template",
                |r| remove(r, "spec/template"),
                vec![cause(
                    "spec.template",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "selector does not match",
                |r| *at(r, "spec/selector/app") = json!("api"),
                vec![cause(
                    "spec.template.metadata.labels",
                    "FieldValueInvalid",
                    DOES_NOT_MATCH,
                )],
            ),
            case(
                "negative replicas, activeDeadlineSeconds",
                |r| {
                    *at(r, "spec/replicas") = json!(-1);
                    *at(r, "spec/template/spec/activeDeadlineSeconds") = json!(1);
                },
                vec![
                    cause(
                        "spec.replicas",
                        "FieldValueInvalid",
                        "Invalid value: -1: must be greater than or equal to 0",
                    ),
                    cause(
                        "spec.template.spec.activeDeadlineSeconds",
                        "FieldValueForbidden",
                        "Forbidden: activeDeadlineSeconds in ReplicationController is not Supported",
                    ),
                ],
            ),
        ],
    );
}
