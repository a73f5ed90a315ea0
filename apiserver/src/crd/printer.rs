//! `additionalPrinterColumns` in Table output, as the custom resource handler's table convertor
//! (`pkg/registry/customresource/tableconvertor`) prints them: a `Name` column, then the
//! version's columns (or `Age` when it declares none, `serveDefaultColumnsIfEmpty`). A cell is
//! the first result of the column's JSONPath, `null` when there is none; `string` columns print
//! the value as JSONPath prints it, `date` columns the age of a timestamp.
//!
//! JSONPaths are the simple ones CRDs use: `.a.b`, `.a[0]`, `.a[?(@.k=="v")].b`.

use serde_json::{Value, json};

use crate::table::columns::{CREATED_DESC, NAME_DESC};

/// One `additionalPrinterColumns` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterColumn {
    pub name: String,
    pub type_: String,
    pub format: String,
    pub description: String,
    pub priority: i64,
    pub json_path: String,
}

/// The columns of a CRD version (`spec.versions[]`), `Age` if it declares none.
pub fn columns(version: &Value) -> Vec<PrinterColumn> {
    let declared: Vec<PrinterColumn> = version
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| PrinterColumn {
            name: c["name"].as_str().unwrap_or("").to_owned(),
            type_: c["type"].as_str().unwrap_or("").to_owned(),
            format: c["format"].as_str().unwrap_or("").to_owned(),
            description: c["description"].as_str().unwrap_or("").to_owned(),
            priority: c["priority"].as_i64().unwrap_or(0),
            json_path: c["jsonPath"].as_str().unwrap_or("").to_owned(),
        })
        .collect();
    if !declared.is_empty() {
        return declared;
    }
    vec![PrinterColumn {
        name: "Age".into(),
        type_: "date".into(),
        format: String::new(),
        description: CREATED_DESC.into(),
        priority: 0,
        json_path: ".metadata.creationTimestamp".into(),
    }]
}

/// The `columnDefinitions` of a Table of custom resources.
pub fn definitions(columns: &[PrinterColumn]) -> Value {
    let mut out = vec![json!({
        "name": "Name", "type": "string", "format": "name", "description": NAME_DESC, "priority": 0
    })];
    out.extend(columns.iter().map(|c| {
        json!({
            "name": c.name,
            "type": c.type_,
            "format": c.format,
            "description": c.description,
            "priority": c.priority,
        })
    }));
    Value::Array(out)
}

/// The cells of one custom resource's row.
pub fn cells(columns: &[PrinterColumn], obj: &Value, now_unix: i64) -> Vec<Value> {
    let mut out = vec![json!(obj["metadata"]["name"].as_str().unwrap_or_default())];
    for column in columns {
        let cell = match find(obj, &column.json_path) {
            None => Value::Null,
            Some(value) => cell(&column.type_, value, now_unix),
        };
        out.push(cell);
    }
    out
}

/// `cellForJSONValue`, and JSONPath's printing for `string` columns.
fn cell(type_: &str, value: &Value, now_unix: i64) -> Value {
    match type_ {
        "string" => match value {
            Value::String(s) => json!(s),
            other => json!(other.to_string()),
        },
        "integer" => match value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .map_or(Value::Null, |i| json!(i)),
            _ => Value::Null,
        },
        "number" => match value {
            Value::Number(_) => value.clone(),
            _ => Value::Null,
        },
        "boolean" => match value {
            Value::Bool(_) => value.clone(),
            _ => Value::Null,
        },
        "date" => match crate::table::time::parse(Some(value)) {
            Some(t) => json!(crate::table::time::since(Some(t), now_unix)),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// The first result of a simple JSONPath.
pub fn find<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let path = path.trim().trim_start_matches('{').trim_end_matches('}');
    let mut current = obj;
    let mut rest = path.trim_start_matches('.');
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = &after[..end];
            current = if let Some(filter) = inside
                .strip_prefix("?(@.")
                .and_then(|f| f.strip_suffix(')'))
            {
                let (key, expected) = filter.split_once("==")?;
                let expected = expected.trim().trim_matches(|c| c == '"' || c == '\'');
                current.as_array()?.iter().find(|item| {
                    item.get(key.trim())
                        .is_some_and(|v| v.as_str() == Some(expected) || *v == expected)
                })?
            } else {
                current.get(inside.parse::<usize>().ok()?)?
            };
            rest = after[end + 1..].trim_start_matches('.');
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            current = current.get(&rest[..end])?;
            rest = rest[end..].trim_start_matches('.');
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_simple_jsonpaths() {
        let obj = json!({"spec": {"replicas": 3, "tags": ["a", "b"]},
            "status": {"conditions": [{"type": "A", "status": "False"}, {"type": "Ready", "status": "True"}]}});
        assert_eq!(find(&obj, ".spec.replicas"), Some(&json!(3)));
        assert_eq!(find(&obj, ".spec.tags[1]"), Some(&json!("b")));
        assert_eq!(
            find(&obj, ".status.conditions[?(@.type==\"Ready\")].status"),
            Some(&json!("True"))
        );
        assert_eq!(find(&obj, ".spec.missing"), None);
    }

    #[test]
    fn cells_follow_the_column_types() {
        let version = json!({"additionalPrinterColumns": [
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Image", "type": "string", "jsonPath": ".spec.image"},
            {"name": "Missing", "type": "string", "jsonPath": ".spec.nothing"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
        ]});
        let obj = json!({"metadata": {"name": "x", "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"replicas": 2, "image": "nginx"}});
        let now = 1_704_067_200 + 90;
        assert_eq!(
            cells(&columns(&version), &obj, now),
            [
                json!("x"),
                json!(2),
                json!("nginx"),
                Value::Null,
                json!("90s")
            ]
        );
        assert_eq!(columns(&json!({}))[0].name, "Age");
    }
}
