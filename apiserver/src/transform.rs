//! Responses in the representation the client negotiated (`negotiate`): the object itself
//! (bytes as stored), a server-side `Table` (`meta.k8s.io` v1 or v1beta1, rows from the
//! printers in `table`), or `PartialObjectMetadata[List]`.
//!
//! Table rows carry the object as `includeObject` asks: `Metadata` (the default) embeds a
//! `PartialObjectMetadata`, `Object` the whole object, `None` nothing. On a watch only the first
//! event's Table carries `columnDefinitions` (kube-apiserver sets `NoHeaders` after it).

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::kinds::Kind;
use crate::list::Page;
use crate::negotiate::Representation;

/// `TableOptions.IncludeObject`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query parameter.
    pub fn parse(value: Option<&str>) -> ApiResult<Self> {
        match value.unwrap_or("") {
            "" | "Metadata" => Ok(Self::Metadata),
            "None" => Ok(Self::None),
            "Object" => Ok(Self::Object),
            other => Err(ApiError::BadRequest(format!(
                "unrecognized includeObject value: {}",
                crate::error::go_quote(other)
            ))),
        }
    }
}

/// How one response (or one watch stream) is written.
#[derive(Clone, Copy, Debug)]
pub struct Presenter {
    pub representation: Representation,
    pub include: IncludeObject,
    /// Whether Table column definitions are still to be sent (watch: only the first time).
    pub headers: bool,
}

impl Presenter {
    pub fn new(representation: Representation, include: IncludeObject) -> Self {
        Self {
            representation,
            include,
            headers: true,
        }
    }

    /// One object, as a GET or a watch event carries it.
    pub fn object(&mut self, kind: &Kind, stored: &[u8], revision: i64, out: &mut Vec<u8>) {
        match self.representation {
            Representation::Object | Representation::PartialObjectMetadataList(_) => {
                kind.write_served(stored, revision, false, out)
            }
            Representation::PartialObjectMetadata(version) => {
                crate::json::write(out, &partial(&served(kind, stored, revision), version))
            }
            Representation::Table(version) => {
                let obj = served(kind, stored, revision);
                let meta = json!({ "resourceVersion": revision.to_string() });
                let rows = vec![self.row(kind, &obj, version)];
                crate::json::write(out, &self.table(kind, version, meta, rows));
            }
        }
    }

    /// A list page.
    pub fn list(&mut self, kind: &Kind, page: &Page) -> Vec<u8> {
        let version = match self.representation {
            Representation::Object | Representation::PartialObjectMetadata(_) => {
                return crate::list::list_body(kind, page);
            }
            Representation::Table(version) | Representation::PartialObjectMetadataList(version) => {
                version
            }
        };
        let mut meta = Map::new();
        meta.insert("resourceVersion".into(), page.revision.to_string().into());
        if let Some(token) = &page.continue_token {
            meta.insert("continue".into(), token.clone().into());
        }
        if let Some(remaining) = page.remaining {
            meta.insert("remainingItemCount".into(), remaining.into());
        }
        let objects = page
            .items
            .iter()
            .map(|kv| served(kind, &kv.value, kv.mod_revision));
        let body = if let Representation::Table(_) = self.representation {
            let rows = objects.map(|obj| self.row(kind, &obj, version)).collect();
            self.table(kind, version, Value::Object(meta), rows)
        } else {
            let items: Vec<Value> = objects.map(|obj| partial(&obj, version)).collect();
            json!({
                "kind": "PartialObjectMetadataList",
                "apiVersion": format!("meta.k8s.io/{version}"),
                "metadata": meta,
                "items": items,
            })
        };
        crate::json::to_vec(&body)
    }

    fn table(&mut self, kind: &Kind, version: &str, metadata: Value, rows: Vec<Value>) -> Value {
        let columns = if std::mem::replace(&mut self.headers, false) {
            if let Some(custom) = &kind.custom {
                crate::crd::printer::definitions(&custom.columns)
            } else {
                let columns = crate::table::columns(kind.info.group, kind.info.resource)
                    .unwrap_or_else(crate::table::default_columns);
                Value::Array(columns.iter().map(crate::table::Column::to_json).collect())
            }
        } else {
            Value::Null
        };
        json!({
            "kind": "Table",
            "apiVersion": format!("meta.k8s.io/{version}"),
            "metadata": metadata,
            "columnDefinitions": columns,
            "rows": rows,
        })
    }

    fn row(&self, kind: &Kind, obj: &Value, version: &str) -> Value {
        let (group, resource) = (kind.info.group, kind.info.resource);
        let cells = match &kind.custom {
            Some(custom) => {
                crate::crd::printer::cells(&custom.columns, obj, crate::clock::now_unix())
            }
            None => crate::table::cells(group, resource, obj, crate::clock::now_unix()),
        };
        let mut row = Map::new();
        row.insert("cells".into(), Value::Array(cells));
        if let Some(conditions) = crate::table::row_conditions(group, resource, obj) {
            row.insert("conditions".into(), conditions);
        }
        let object = match self.include {
            IncludeObject::None => Value::Null,
            IncludeObject::Metadata => partial(obj, version),
            IncludeObject::Object => obj.clone(),
        };
        row.insert("object".into(), object);
        Value::Object(row)
    }
}

/// A stored object decoded as served at `kind`'s version.
fn served(kind: &Kind, stored: &[u8], revision: i64) -> Value {
    Value::Object(kind.served_object(crate::object::decode(stored, revision)))
}

/// `meta.AsPartialObjectMetadata`: the object's metadata under the `PartialObjectMetadata` kind.
fn partial(obj: &Value, version: &str) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": format!("meta.k8s.io/{version}"),
        "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}
