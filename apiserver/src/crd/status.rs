//! A CRD's status as kube-apiserver's controllers write it: the naming controller
//! (`pkg/controller/status/naming_controller.go`: accepted names, `NamesAccepted`), the
//! establishing controller (`pkg/controller/establish`: `Established`), and the strategy's
//! `storedVersions`. kubemem computes them in the CRD's own write, so a CRD is established at the
//! revision that creates it (decision 19 of `docs/DESIGN.md`).

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::strings;

/// The status of `crd` given the other CRDs in the store and the time of the write.
/// `old_status` is the stored status (an update) and takes precedence over what the body says,
/// except for `storedVersions` when `status_write` (a write to `/status`).
pub fn compute(
    crd: &mut Map<String, Value>,
    old_status: Option<&Value>,
    status_write: bool,
    others: &[Value],
    now: &str,
) {
    let body_status = crd.get("status").cloned().unwrap_or_else(|| json!({}));
    let base = old_status.cloned().unwrap_or_else(|| json!({}));
    let name = crate::object::meta_str(crd, "name").to_owned();
    let spec = crd.get("spec").cloned().unwrap_or_else(|| json!({}));
    let group = spec["group"].as_str().unwrap_or("");

    let mut resources = HashSet::new();
    let mut kinds = HashSet::new();
    for other in others {
        if other["metadata"]["name"].as_str() == Some(name.as_str())
            || other["spec"]["group"].as_str() != Some(group)
        {
            continue;
        }
        let accepted = &other["status"]["acceptedNames"];
        for key in ["plural", "singular"] {
            if let Some(n) = accepted[key].as_str() {
                resources.insert(n.to_owned());
            }
        }
        for n in accepted["shortNames"].as_array().into_iter().flatten() {
            if let Some(n) = n.as_str() {
                resources.insert(n.to_owned());
            }
        }
        for key in ["kind", "listKind"] {
            if let Some(n) = accepted[key].as_str() {
                kinds.insert(n.to_owned());
            }
        }
    }

    let requested = &spec["names"];
    let accepted = &base["acceptedNames"];
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or("").to_owned();
    let mut names = Names {
        plural: text(accepted, "plural"),
        singular: text(accepted, "singular"),
        short_names: strings(&accepted["shortNames"]),
        kind: text(accepted, "kind"),
        list_kind: text(accepted, "listKind"),
    };
    let mut conflict: Option<(&str, String)> = None;
    let mut check = |field: &mut String, used: &HashSet<String>, requested: String, reason| {
        match equal_to_accepted_or_fresh(&requested, field, used) {
            Ok(()) => *field = requested,
            Err(message) => conflict = Some((reason, message)),
        }
    };
    check(
        &mut names.plural,
        &resources,
        text(requested, "plural"),
        "PluralConflict",
    );
    check(
        &mut names.singular,
        &resources,
        text(requested, "singular"),
        "SingularConflict",
    );
    let requested_short = strings(&requested["shortNames"]);
    if requested_short != names.short_names {
        let errors: Vec<String> = requested_short
            .iter()
            .filter(|s| !names.short_names.contains(s))
            .filter_map(|s| equal_to_accepted_or_fresh(s, "", &resources).err())
            .collect();
        if errors.is_empty() {
            names.short_names = requested_short;
        } else {
            conflict = Some(("ShortNamesConflict", aggregate(&errors)));
        }
    }
    let mut check = |field: &mut String, requested: String, reason| match equal_to_accepted_or_fresh(
        &requested, field, &kinds,
    ) {
        Ok(()) => *field = requested,
        Err(message) => conflict = Some((reason, message)),
    };
    check(&mut names.kind, text(requested, "kind"), "KindConflict");
    check(
        &mut names.list_kind,
        text(requested, "listKind"),
        "ListKindConflict",
    );

    let old_condition = |type_: &str| -> Option<Value> {
        base["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == type_)
            .cloned()
    };
    let (accepted_status, reason, message) = match &conflict {
        None => ("True", "NoConflicts", "no conflicts found".to_owned()),
        Some((reason, message)) => ("False", *reason, message.clone()),
    };
    let mut conditions = vec![condition(
        old_condition("NamesAccepted").as_ref(),
        "NamesAccepted",
        accepted_status,
        reason,
        &message,
        now,
    )];
    let established = old_condition("Established");
    let was_established = established.as_ref().is_some_and(|c| c["status"] == "True");
    conditions.push(if was_established || conflict.is_none() {
        condition(
            established.as_ref(),
            "Established",
            "True",
            "InitialNamesAccepted",
            "the initial names have been accepted",
            now,
        )
    } else {
        condition(
            established.as_ref(),
            "Established",
            "False",
            "NotAccepted",
            "not all names are accepted",
            now,
        )
    });

    // Conditions of other controllers (the finalizer's `Terminating`) are kept as they are:
    // from the body on a status write, else from the stored status.
    let others_from = if status_write { &body_status } else { &base };
    conditions.extend(
        others_from["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["type"] != "NamesAccepted" && c["type"] != "Established")
            .cloned(),
    );

    let mut stored_versions = if status_write {
        strings(&body_status["storedVersions"])
    } else {
        strings(&base["storedVersions"])
    };
    if let Some(storage) = super::storage_version(&Value::Object(crd.clone()))
        && !stored_versions.iter().any(|v| v == storage)
    {
        stored_versions.push(storage.to_owned());
    }

    let mut accepted_names = Map::new();
    accepted_names.insert("plural".into(), json!(names.plural));
    if !names.singular.is_empty() {
        accepted_names.insert("singular".into(), json!(names.singular));
    }
    if !names.short_names.is_empty() {
        accepted_names.insert("shortNames".into(), json!(names.short_names));
    }
    accepted_names.insert("kind".into(), json!(names.kind));
    if !names.list_kind.is_empty() {
        accepted_names.insert("listKind".into(), json!(names.list_kind));
    }
    let categories = strings(&requested["categories"]);
    if !categories.is_empty() {
        accepted_names.insert("categories".into(), json!(categories));
    }
    crd.insert(
        "status".into(),
        json!({
            "conditions": conditions,
            "acceptedNames": accepted_names,
            "storedVersions": stored_versions,
        }),
    );
}

struct Names {
    plural: String,
    singular: String,
    short_names: Vec<String>,
    kind: String,
    list_kind: String,
}

/// `equalToAcceptedOrFresh`.
fn equal_to_accepted_or_fresh(
    requested: &str,
    accepted: &str,
    used: &HashSet<String>,
) -> Result<(), String> {
    if requested == accepted || !used.contains(requested) {
        return Ok(());
    }
    Err(format!("{requested:?} is already in use"))
}

/// `utilerrors.NewAggregate(errs).Error()`: one error alone, else `[a, b]`.
fn aggregate(errors: &[String]) -> String {
    match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// `SetCRDCondition` on a CRD: the condition `type_` replaced (its transition time kept while
/// its status stays) or appended.
pub fn set_condition(
    crd: &mut Map<String, Value>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) {
    let status_obj = crd.entry("status").or_insert_with(|| json!({}));
    if !status_obj.is_object() {
        *status_obj = json!({});
    }
    let conditions = status_obj
        .as_object_mut()
        .map(|s| s.entry("conditions").or_insert_with(|| json!([])));
    let Some(conditions) = conditions.and_then(Value::as_array_mut) else {
        return;
    };
    match conditions.iter_mut().find(|c| c["type"] == type_) {
        Some(existing) => {
            let updated = condition(Some(existing), type_, status, reason, message, now);
            *existing = updated;
        }
        None => conditions.push(condition(None, type_, status, reason, message, now)),
    }
}

/// `SetCRDCondition`: the transition time changes only with the status.
fn condition(
    old: Option<&Value>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) -> Value {
    let since = old
        .filter(|c| c["status"] == status)
        .and_then(|c| c["lastTransitionTime"].as_str())
        .unwrap_or(now);
    json!({
        "type": type_,
        "status": status,
        "lastTransitionTime": since,
        "reason": reason,
        "message": message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crd(name: &str, plural: &str, kind: &str) -> Map<String, Value> {
        let group = name.split_once('.').map_or("", |(_, g)| g);
        let v = json!({
            "metadata": {"name": name},
            "spec": {
                "group": group,
                "names": {"plural": plural, "singular": plural.trim_end_matches('s'), "kind": kind, "listKind": format!("{kind}List"), "shortNames": ["x"]},
                "versions": [{"name": "v1", "served": true, "storage": true}]
            }
        });
        super::super::as_map(v)
    }

    #[test]
    fn a_fresh_crd_is_accepted_and_established() {
        let mut obj = crd("foos.example.com", "foos", "Foo");
        compute(&mut obj, None, false, &[], "T");
        assert_eq!(
            obj["status"],
            json!({
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "lastTransitionTime": "T", "reason": "NoConflicts", "message": "no conflicts found"},
                    {"type": "Established", "status": "True", "lastTransitionTime": "T", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
                ],
                "acceptedNames": {"plural": "foos", "singular": "foo", "shortNames": ["x"], "kind": "Foo", "listKind": "FooList"},
                "storedVersions": ["v1"]
            })
        );
    }

    /// The finalizer's `Terminating` condition survives a user's update of a deleting CRD
    /// (`PrepareForUpdate` keeps the stored status); `SetCRDCondition` keeps the transition
    /// time while the status stays.
    #[test]
    fn other_conditions_are_kept_and_set_as_set_crd_condition_does() {
        let mut stored = crd("foos.example.com", "foos", "Foo");
        compute(&mut stored, None, false, &[], "T0");
        set_condition(
            &mut stored,
            "Terminating",
            "True",
            "InstanceDeletionPending",
            "soon",
            "T1",
        );
        set_condition(
            &mut stored,
            "Terminating",
            "True",
            "InstanceDeletionInProgress",
            "now",
            "T2",
        );
        let mut updated = crd("foos.example.com", "foos", "Foo");
        compute(&mut updated, stored.get("status"), false, &[], "T3");
        assert_eq!(
            updated["status"]["conditions"][2],
            json!({"type": "Terminating", "status": "True", "lastTransitionTime": "T1",
                "reason": "InstanceDeletionInProgress", "message": "now"})
        );
        set_condition(
            &mut updated,
            "Terminating",
            "False",
            "InstanceDeletionCompleted",
            "done",
            "T4",
        );
        assert_eq!(
            updated["status"]["conditions"][2]["lastTransitionTime"],
            "T4"
        );
    }

    #[test]
    fn a_kind_taken_in_the_group_is_a_conflict_and_not_established() {
        let mut first = crd("foos.example.com", "foos", "Foo");
        compute(&mut first, None, false, &[], "T");
        let mut second = crd("bars.example.com", "bars", "Foo");
        compute(&mut second, None, false, &[Value::Object(first)], "T");
        let conditions = &second["status"]["conditions"];
        // The short name, the kind and the list kind are taken: the last conflict is reported.
        assert_eq!(conditions[0]["reason"], "ListKindConflict");
        assert_eq!(conditions[0]["message"], "\"FooList\" is already in use");
        assert_eq!(conditions[1]["status"], "False");
        assert_eq!(conditions[1]["reason"], "NotAccepted");
        assert_eq!(second["status"]["acceptedNames"]["plural"], "bars");
    }
}
