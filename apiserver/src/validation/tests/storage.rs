use serde_json::{Value, json};

use super::{at, case, cause, remove, run_creates, run_updates};
use crate::names;

const PVS: (&str, &str, &str) = ("", "v1", "persistentvolumes");
const PVCS: (&str, &str, &str) = ("", "v1", "persistentvolumeclaims");

fn volume() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv"},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": "/data"}
        }
    })
}

#[test]
fn persistent_volume_create() {
    run_creates(
        PVS,
        &volume(),
        vec![
            case(
                "no access mode",
                |v| remove(v, "spec/accessModes"),
                vec![cause(
                    "spec.accessModes",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "an unknown access mode",
                |v| *at(v, "spec/accessModes") = json!(["ReadSometimes"]),
                vec![cause(
                    "spec.accessModes",
                    "FieldValueNotSupported",
                    "Unsupported value: \"ReadSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
                )],
            ),
            case(
                "ReadWriteOncePod with another mode",
                |v| *at(v, "spec/accessModes") = json!(["ReadWriteOncePod", "ReadWriteOnce"]),
                vec![cause(
                    "spec.accessModes",
                    "FieldValueForbidden",
                    "Forbidden: may not use ReadWriteOncePod with other access modes",
                )],
            ),
            case(
                "no capacity",
                |v| remove(v, "spec/capacity"),
                vec![
                    cause("spec.capacity", "FieldValueRequired", "Required value"),
                    cause(
                        "spec.capacity",
                        "FieldValueNotSupported",
                        "Unsupported value: core.ResourceList(nil): supported values: \"storage\"",
                    ),
                ],
            ),
            case(
                "zero storage",
                |v| *at(v, "spec/capacity/storage") = json!("0"),
                vec![cause(
                    "spec.capacity[storage]",
                    "FieldValueInvalid",
                    "Invalid value: \"0\": must be greater than zero",
                )],
            ),
            case(
                "two sources",
                |v| *at(v, "spec/nfs") = json!({"server": "nfs", "path": "/x"}),
                vec![cause(
                    "spec.nfs",
                    "FieldValueForbidden",
                    "Forbidden: may not specify more than 1 volume type",
                )],
            ),
            case(
                "no source",
                |v| remove(v, "spec/hostPath"),
                vec![cause(
                    "spec",
                    "FieldValueRequired",
                    "Required value: must specify a volume type",
                )],
            ),
            case(
                "a host path with ..",
                |v| *at(v, "spec/hostPath/path") = json!("/data/../etc"),
                vec![cause(
                    "spec.hostPath.path",
                    "FieldValueInvalid",
                    "Invalid value: \"/data/../etc\": must not contain '..'",
                )],
            ),
            case(
                "a relative NFS path",
                |v| {
                    remove(v, "spec/hostPath");
                    *at(v, "spec/nfs") = json!({"server": "nfs", "path": "x"});
                },
                vec![cause(
                    "spec.nfs.path",
                    "FieldValueInvalid",
                    "Invalid value: \"x\": must be an absolute path",
                )],
            ),
            case(
                "a local volume without node affinity",
                |v| {
                    remove(v, "spec/hostPath");
                    *at(v, "spec/local/path") = json!("/mnt/disk");
                },
                vec![cause(
                    "spec.nodeAffinity",
                    "FieldValueRequired",
                    "Required value: Local volume requires node affinity",
                )],
            ),
            case(
                "an unknown reclaim policy",
                |v| *at(v, "spec/persistentVolumeReclaimPolicy") = json!("Keep"),
                vec![cause(
                    "spec.persistentVolumeReclaimPolicy",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\"",
                )],
            ),
        ],
    );
}

#[test]
fn persistent_volume_update() {
    run_updates(
        PVS,
        &volume(),
        vec![
            case(
                "capacity may change",
                |v| *at(v, "spec/capacity/storage") = json!("2Gi"),
                vec![],
            ),
            case(
                "the source may not",
                |v| *at(v, "spec/hostPath/path") = json!("/other"),
                vec![cause(
                    "spec.persistentvolumesource",
                    "FieldValueForbidden",
                    "Forbidden: spec.persistentvolumesource is immutable after creation\n",
                )],
            ),
        ],
    );
}

fn claim() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    })
}

#[test]
fn persistent_volume_claim_create() {
    let class = names::is_dns1123_subdomain("Fast_SSD");
    assert_eq!(class.len(), 1);
    run_creates(
        PVCS,
        &claim(),
        vec![
            case(
                "no access mode",
                |c| remove(c, "spec/accessModes"),
                vec![cause(
                    "spec.accessModes",
                    "FieldValueRequired",
                    "Required value: at least 1 access mode is required",
                )],
            ),
            case(
                "no storage request",
                |c| remove(c, "spec/resources"),
                vec![cause(
                    "spec.resources[storage]",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "a zero storage request",
                |c| *at(c, "spec/resources/requests/storage") = json!("0Gi"),
                vec![cause(
                    "spec.resources[storage]",
                    "FieldValueInvalid",
                    "Invalid value: \"0\": must be greater than zero",
                )],
            ),
            case(
                "a data source of the core group that is not a claim",
                |c| *at(c, "spec/dataSource") = json!({"kind": "Foo", "name": "x"}),
                vec![cause(
                    "spec.dataSource",
                    "FieldValueInvalid",
                    "Invalid value: \"Foo\": must be 'PersistentVolumeClaim' when referencing the default apiGroup",
                )],
            ),
            case(
                "an unknown volume mode",
                |c| *at(c, "spec/volumeMode") = json!("Raw"),
                vec![cause(
                    "spec.volumeMode",
                    "FieldValueNotSupported",
                    "Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\"",
                )],
            ),
        ],
    );
    let mut bad_class = claim();
    *at(&mut bad_class, "spec/storageClassName") = json!("Fast_SSD");
    let obj = super::defaulted("", "v1", "persistentvolumeclaims", bad_class);
    assert_eq!(
        super::causes(PVCS, &obj, super::Write::Create),
        vec![(
            "spec.storageClassName".into(),
            "FieldValueInvalid".into(),
            format!("Invalid value: \"Fast_SSD\": {}", class[0])
        )]
    );
}

#[test]
fn persistent_volume_claim_update() {
    let immutable = "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n";
    run_updates(
        PVCS,
        &claim(),
        vec![
            case(
                "a pending claim keeps its request",
                |c| *at(c, "spec/resources/requests/storage") = json!("2Gi"),
                vec![cause("spec", "FieldValueForbidden", immutable)],
            ),
            case(
                "its volume name may be set once",
                |c| *at(c, "spec/volumeName") = json!("pv"),
                vec![],
            ),
        ],
    );
    let mut bound = claim();
    *at(&mut bound, "status") = json!({"phase": "Bound", "capacity": {"storage": "1Gi"}});
    run_updates(
        PVCS,
        &bound,
        vec![
            case(
                "a bound claim may grow",
                |c| *at(c, "spec/resources/requests/storage") = json!("2Gi"),
                vec![],
            ),
            case(
                "not shrink below its capacity",
                |c| *at(c, "spec/resources/requests/storage") = json!("500Mi"),
                vec![cause(
                    "spec.resources.requests.storage",
                    "FieldValueForbidden",
                    "Forbidden: field can not be less than status.capacity",
                )],
            ),
            case(
                "nor change its access modes",
                |c| *at(c, "spec/accessModes") = json!(["ReadWriteMany"]),
                vec![cause("spec", "FieldValueForbidden", immutable)],
            ),
        ],
    );
}
