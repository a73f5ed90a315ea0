//! The `scale` subresource of custom resources: an `autoscaling/v1` `Scale` read from and
//! written to the paths a CRD names (`subresources.scale.specReplicasPath`,
//! `statusReplicasPath`, `labelSelectorPath`), as `ScaleREST` of apiextensions-apiserver's
//! `pkg/registry/customresource/etcd.go` does, and the checks of those paths on every write of a
//! custom resource (`ValidateScaleSpec` / `ValidateScaleStatus` of its `validator.go`).
//!
//! The paths are read as `unstructured.NestedInt64` / `NestedString` read them: a missing field
//! is zero (or empty), a field of another type, or a step through something that is not an
//! object, is an error with Go's wording (`.spec.replicas accessor error: 3 is of the type
//! string, expected int64`).

use serde_json::{Map, Value, json};

use super::ScalePaths;
use crate::apply::{go_type, go_v};
use crate::error::Cause;

/// What a PATCH of a Scale sees as `spec.replicas` when the custom resource has none
/// (`invalidSpecReplicas`, the smallest int32): a patch that leaves it is refused.
pub const INVALID_SPEC_REPLICAS: i64 = i32::MIN as i64;

/// `splitReplicasPath`: the fields of a path, its leading period ignored.
pub fn split(path: &str) -> Vec<&str> {
    path.strip_prefix('.').unwrap_or(path).split('.').collect()
}

fn json_path(fields: &[&str]) -> String {
    format!(".{}", fields.join("."))
}

/// `unstructured.NestedFieldNoCopy`.
fn nested<'a>(obj: &'a Map<String, Value>, fields: &[&str]) -> Result<Option<&'a Value>, String> {
    let mut current: Option<&Value> = None;
    for (i, field) in fields.iter().enumerate() {
        let map = match current {
            None => obj,
            Some(Value::Null) => return Ok(None),
            Some(Value::Object(m)) => m,
            Some(other) => {
                return Err(format!(
                    "{} accessor error: {} is of the type {}, expected map[string]interface{{}}",
                    json_path(&fields[..=i]),
                    go_v(other),
                    go_type(other)
                ));
            }
        };
        match map.get(*field) {
            Some(v) => current = Some(v),
            None => return Ok(None),
        }
    }
    Ok(current)
}

/// `unstructured.NestedInt64`: `None` when the field is missing.
fn nested_int64(obj: &Map<String, Value>, path: &str) -> Result<Option<i64>, String> {
    let fields = split(path);
    match nested(obj, &fields)? {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if go_type(v) == "int64" => Ok(Some(n)),
            _ => Err(format!(
                "{} accessor error: {} is of the type {}, expected int64",
                json_path(&fields),
                go_v(v),
                go_type(v)
            )),
        },
    }
}

/// `unstructured.NestedString`: empty when the field is missing.
fn nested_string(obj: &Map<String, Value>, path: &str) -> Result<String, String> {
    let fields = split(path);
    match nested(obj, &fields)? {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err(format!(
            "{} accessor error: {} is of the type {}, expected string",
            json_path(&fields),
            go_v(v),
            go_type(v)
        )),
    }
}

/// `scaleFromCustomResource`: the Scale of a custom resource, and whether its spec replicas
/// field was there (a missing one reads as 0).
pub fn scale_of(cr: &Map<String, Value>, paths: &ScalePaths) -> Result<(Value, bool), String> {
    let spec_replicas = nested_int64(cr, &paths.spec_replicas)?;
    let status_replicas = nested_int64(cr, &paths.status_replicas)?.unwrap_or(0);
    let selector = match paths.label_selector.as_deref() {
        Some(path) if !path.is_empty() => nested_string(cr, path)?,
        _ => String::new(),
    };
    // `int32(...)`: values past int32 wrap as Go's conversion does (validation keeps them out).
    let replicas = spec_replicas.unwrap_or(0) as i32;
    let scale = crate::subresources::scale(
        cr,
        i64::from(replicas),
        i64::from(status_replicas as i32),
        selector,
    );
    Ok((scale, spec_replicas.is_some()))
}

/// `unstructured.SetNestedField` of the spec replicas: missing (or null) objects on the way are
/// made.
pub fn set_spec_replicas(
    cr: &mut Map<String, Value>,
    paths: &ScalePaths,
    replicas: i64,
) -> Result<(), String> {
    let fields = split(&paths.spec_replicas);
    let Some((last, parents)) = fields.split_last() else {
        return Ok(());
    };
    let mut map = cr;
    for (i, field) in parents.iter().enumerate() {
        let slot = map
            .entry(*field)
            .and_modify(|v| {
                if v.is_null() {
                    *v = json!({});
                }
            })
            .or_insert_with(|| json!({}));
        map = match slot {
            Value::Object(m) => m,
            _ => {
                return Err(format!(
                    "value cannot be set because {} is not a map[string]interface{{}}",
                    json_path(&fields[..=i])
                ));
            }
        };
    }
    map.insert((*last).to_owned(), json!(replicas));
    Ok(())
}

/// A replicas count at `path`: an int64 from 0 to the largest int32.
fn check_replicas(obj: &Map<String, Value>, path: &str, out: &mut Vec<Cause>) {
    match nested_int64(obj, path) {
        Err(e) => out.push(Cause::invalid(path, &json!(0), &e)),
        Ok(Some(n)) if n < 0 => out.push(Cause::invalid(
            path,
            &json!(n),
            "should be a non-negative integer",
        )),
        Ok(Some(n)) if n > i64::from(i32::MAX) => out.push(Cause::invalid(
            path,
            &json!(n),
            &format!("should be less than or equal to {}", i32::MAX),
        )),
        Ok(_) => {}
    }
}

/// `ValidateScaleSpec`: on create and update of a custom resource.
pub fn validate_spec(obj: &Map<String, Value>, paths: &ScalePaths) -> Vec<Cause> {
    let mut out = Vec::new();
    check_replicas(obj, &paths.spec_replicas, &mut out);
    out
}

/// `ValidateScaleStatus`: on create, update and status update of a custom resource.
pub fn validate_status(obj: &Map<String, Value>, paths: &ScalePaths) -> Vec<Cause> {
    let mut out = Vec::new();
    check_replicas(obj, &paths.status_replicas, &mut out);
    if let Some(path) = &paths.label_selector
        && let Err(e) = nested_string(obj, path)
    {
        out.push(Cause::invalid(path, &json!(""), &e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(selector: Option<&str>) -> ScalePaths {
        ScalePaths {
            spec_replicas: ".spec.size".into(),
            status_replicas: ".status.ready.count".into(),
            label_selector: selector.map(str::to_owned),
        }
    }

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn the_scale_reads_the_crds_paths() {
        let cr = obj(
            json!({"metadata": {"name": "x", "namespace": "ns", "uid": "u", "resourceVersion": "5", "labels": {"a": "b"}},
            "spec": {"size": 3, "replicas": 9}, "status": {"ready": {"count": 2}, "sel": "app=x"}}),
        );
        let (scale, found) = scale_of(&cr, &paths(Some(".status.sel"))).unwrap();
        assert!(found);
        assert_eq!(
            scale,
            json!({"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {"name": "x", "namespace": "ns", "uid": "u", "resourceVersion": "5"},
                "spec": {"replicas": 3}, "status": {"replicas": 2, "selector": "app=x"}})
        );
        let (scale, found) = scale_of(&obj(json!({"spec": {}})), &paths(None)).unwrap();
        assert!(!found);
        assert_eq!(scale["spec"], json!({}));
        assert_eq!(scale["status"], json!({"replicas": 0}));
    }

    #[test]
    fn fields_of_another_type_are_gos_accessor_errors() {
        let cases = [
            (
                json!({"spec": {"size": "3"}}),
                ".spec.size accessor error: 3 is of the type string, expected int64",
            ),
            (
                json!({"spec": {"size": 1.5}}),
                ".spec.size accessor error: 1.5 is of the type float64, expected int64",
            ),
            (
                json!({"spec": [1, 2]}),
                ".spec.size accessor error: [1 2] is of the type []interface {}, expected map[string]interface{}",
            ),
            (
                json!({"spec": {"size": null}}),
                ".spec.size accessor error: <nil> is of the type <nil>, expected int64",
            ),
            (
                json!({"spec": {"size": 1}, "status": {"ready": 4}}),
                ".status.ready.count accessor error: 4 is of the type int64, expected map[string]interface{}",
            ),
            (
                json!({"spec": {"size": 1}, "status": {"sel": {"a": 1}}}),
                ".status.sel accessor error: map[a:1] is of the type map[string]interface {}, expected string",
            ),
        ];
        for (i, (cr, want)) in cases.into_iter().enumerate() {
            println!("#{i}: {cr}");
            assert_eq!(
                scale_of(&obj(cr), &paths(Some(".status.sel"))).unwrap_err(),
                want,
                "#{i}"
            );
        }
        // A null on the way reads as missing.
        assert!(
            !scale_of(&obj(json!({"spec": null})), &paths(None))
                .unwrap()
                .1
        );
    }

    #[test]
    fn setting_replicas_makes_the_objects_on_the_way() {
        let mut cr = obj(json!({"spec": null}));
        set_spec_replicas(&mut cr, &paths(None), 4).unwrap();
        assert_eq!(cr["spec"], json!({"size": 4}));
        let mut cr = obj(json!({"spec": "x"}));
        assert_eq!(
            set_spec_replicas(&mut cr, &paths(None), 4).unwrap_err(),
            "value cannot be set because .spec is not a map[string]interface{}"
        );
    }

    #[test]
    fn writes_check_the_replicas_and_the_selector() {
        let messages = |causes: Vec<Cause>| -> Vec<String> {
            causes
                .iter()
                .map(|c| format!("{}: {}", c.field, c.message))
                .collect()
        };
        let p = paths(Some(".status.sel"));
        let cr = obj(
            json!({"spec": {"size": -1}, "status": {"ready": {"count": 2147483648_i64}, "sel": 7}}),
        );
        assert_eq!(
            messages(validate_spec(&cr, &p)),
            [".spec.size: Invalid value: -1: should be a non-negative integer"]
        );
        assert_eq!(
            messages(validate_status(&cr, &p)),
            [
                ".status.ready.count: Invalid value: 2147483648: should be less than or equal to 2147483647",
                ".status.sel: Invalid value: \"\": .status.sel accessor error: 7 is of the type int64, expected string",
            ]
        );
        let cr = obj(json!({"spec": {"size": "2"}}));
        assert_eq!(
            messages(validate_spec(&cr, &p)),
            [
                ".spec.size: Invalid value: 0: .spec.size accessor error: 2 is of the type string, expected int64"
            ]
        );
        assert!(validate_status(&obj(json!({})), &p).is_empty());
    }
}
