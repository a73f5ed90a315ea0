//! The server-side apply schema of a kind, read from the OpenAPI definitions the way
//! kube-openapi's `schemaconv` derives structured-merge-diff's atoms (see `apply::schema`).
//! Extensions sit on the property (`x-kubernetes-list-type`, `x-kubernetes-map-type`,
//! patch strategy and merge key), so a node carries the property next to the resolved schema.

use std::sync::OnceLock;

use kubemem_openapi::{FieldInfo, SchemaRef};
use serde_json::Value;

use crate::apply::{Deduced, Field, Kind, ListType, Scalar, Schema};

/// A node: the resolved schema, the property that led to it (with its extensions), and the
/// default of the field when it is a defaulted key field.
pub struct Node {
    schema: SchemaRef<'static>,
    /// Always a property whose schema is `schema`.
    property: Option<FieldInfo<'static>>,
    default: Option<Value>,
}

impl Node {
    fn new(schema: SchemaRef<'static>, default: Option<Value>) -> Self {
        Node {
            schema,
            property: None,
            default,
        }
    }

    fn of_property(info: FieldInfo<'static>, default: Option<Value>) -> Self {
        Node {
            schema: info.schema(),
            property: Some(info),
            default,
        }
    }

    /// The definitions' node this one is read from: the property (whose own schema is
    /// `schema` or a `$ref` to it), or `schema`.
    fn id(&self) -> usize {
        self.property.map_or(self.schema.id(), |p| p.id())
    }
}

/// The schema of a kind, if the definitions have it.
pub fn for_kind(group: &str, version: &str, kind: &str) -> Option<Node> {
    kubemem_openapi::definitions()
        .schema_for_gvk(group, version, kind)
        .map(|schema| Node::new(schema, None))
}

impl Node {
    /// An extension (as the definitions' table compiled it), on the property first, then on
    /// the schema itself.
    fn extension(
        &self,
        on_property: fn(&FieldInfo<'static>) -> Option<&'static str>,
        on_schema: fn(&SchemaRef<'static>) -> Option<&'static str>,
    ) -> Option<&'static str> {
        self.property
            .as_ref()
            .and_then(on_property)
            .or_else(|| on_schema(&self.schema))
    }

    /// `x-kubernetes-list-map-keys`, on the property first, then on the schema itself.
    fn list_map_keys(&self) -> Vec<String> {
        let on_property: Vec<String> = self
            .property
            .iter()
            .flat_map(|p| p.list_map_keys())
            .map(str::to_owned)
            .collect();
        if !on_property.is_empty() {
            return on_property;
        }
        self.schema.list_map_keys().map(str::to_owned).collect()
    }

    fn type_(&self) -> Option<&'static str> {
        self.property
            .and_then(|p| p.value()["type"].as_str())
            .or_else(|| self.schema.type_())
    }
}

/// Key fields of associative lists that kube's OpenAPI v3 defaults (the v2 definitions do not
/// carry the defaults).
fn key_default(parent: Option<&str>, field: &str) -> Option<Value> {
    match (parent?, field) {
        (
            "io.k8s.api.core.v1.ContainerPort"
            | "io.k8s.api.core.v1.ServicePort"
            | "io.k8s.api.core.v1.EndpointPort"
            | "io.k8s.api.discovery.v1.EndpointPort",
            "protocol",
        ) => Some(Value::String("TCP".into())),
        _ => None,
    }
}

impl Schema for Node {
    fn kind(&self) -> Kind {
        // Worked out once per node of the definitions: the walks of every write ask each node
        // for it several times (validation, comparison, each child's lookup).
        static KINDS: OnceLock<Box<[OnceLock<Kind>]>> = OnceLock::new();
        let kinds = KINDS.get_or_init(|| {
            (0..kubemem_openapi::definitions().node_count())
                .map(|_| OnceLock::new())
                .collect()
        });
        kinds[self.id()].get_or_init(|| self.find_kind()).clone()
    }

    fn field(&self, name: &str) -> Option<Field<'_>> {
        if self.schema.has_properties() {
            let Some(info) = self.schema.field(name) else {
                return self.schema.preserves_unknown_fields().then(|| Field {
                    schema: Box::new(Deduced),
                    declared: false,
                });
            };
            return Some(Field {
                schema: Box::new(Node::of_property(
                    info,
                    key_default(self.schema.name(), name),
                )),
                declared: true,
            });
        }
        match self.schema.additional_properties() {
            Some(values) => Some(Field {
                schema: Box::new(Node::new(values, None)),
                declared: false,
            }),
            None => Some(Field {
                schema: Box::new(Deduced),
                declared: false,
            }),
        }
    }

    fn items(&self) -> Option<Box<dyn Schema + '_>> {
        let items = self.schema.items()?;
        Some(Box::new(Node::new(items, None)))
    }

    fn default_value(&self) -> Option<Value> {
        self.default.clone()
    }
}

impl Node {
    /// What the definitions say this node is (see `apply::schema`).
    fn find_kind(&self) -> Kind {
        let name = self.schema.name().unwrap_or("");
        match name {
            "io.k8s.apimachinery.pkg.runtime.RawExtension" => return Kind::Untyped,
            "io.k8s.apimachinery.pkg.api.resource.Quantity"
            | "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
            | "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
            | "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" => return Kind::Scalar(Scalar::Any),
            _ => {}
        }
        let atomic_map = self.extension(FieldInfo::map_type, SchemaRef::map_type) == Some("atomic");
        match self.type_() {
            Some("array") => {
                let list = match self.extension(FieldInfo::list_type, SchemaRef::list_type) {
                    Some("atomic") => ListType::Atomic,
                    Some("set") => ListType::Set,
                    Some("map") => ListType::Map(self.list_map_keys()),
                    _ => {
                        let strategy = self
                            .extension(FieldInfo::patch_strategy, SchemaRef::patch_strategy)
                            .unwrap_or("");
                        let key =
                            self.extension(FieldInfo::patch_merge_key, SchemaRef::patch_merge_key);
                        match (strategy.split(',').any(|s| s == "merge"), key) {
                            (true, Some(key)) => ListType::Map(vec![key.to_owned()]),
                            (true, None) => ListType::Set,
                            _ => ListType::Atomic,
                        }
                    }
                };
                Kind::List(list)
            }
            Some("integer" | "number") => Kind::Scalar(Scalar::Numeric),
            Some("boolean") => Kind::Scalar(Scalar::Boolean),
            Some("string") => match self.schema.format().unwrap_or("") {
                "" | "byte" => Kind::Scalar(Scalar::String),
                _ => Kind::Scalar(Scalar::Any),
            },
            _ if self.schema.has_properties() || self.schema.additional_properties().is_some() => {
                Kind::Map { atomic: atomic_map }
            }
            _ => Kind::Deduced,
        }
    }
}
