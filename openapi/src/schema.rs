//! The definitions compiled for the walkers: each schema object of them — a definition, a
//! property's schema, or the `items` or `additionalProperties` schema of one — is a [`Node`] of
//! one table (`Definitions` holds it), with what the walkers ask of it worked out once, when
//! the definitions are loaded: its type and format, its properties sorted for a binary search,
//! its `$ref`, `items` and `additionalProperties` as node ids, whether it preserves unknown
//! fields, and the extensions of patches and merges. (Reading a key of a `serde_json::Value`
//! object is a SipHash lookup; the walks of every write ask a few hundred.)
//!
//! [`SchemaRef`] (a node with its `$ref` resolved) and [`FieldInfo`] (a property) are the
//! views the walkers use; both give node ids, for tables of what callers work out once per
//! node (server-side apply's atoms).

use serde_json::Value;

use crate::definitions::{Definitions, ref_name};

/// Compiles every definition of `all` into the node table: the definitions take the first
/// ids, in `all`'s order, so that a `$ref` (looked up with `definition_id`) resolves before
/// its target is compiled.
pub(crate) fn compile(
    all: &'static serde_json::Map<String, Value>,
    definition_id: impl Fn(&str) -> Option<usize>,
) -> Vec<Node> {
    let mut compiler = Compiler {
        definition_id,
        nodes: Vec::new(),
    };
    for (name, schema) in all {
        let id = compiler.nodes.len();
        compiler
            .nodes
            .push(Node::unresolved(id, schema, Some(name)));
    }
    for (id, schema) in all.values().enumerate() {
        compiler.compile(id, schema);
    }
    compiler.nodes
}

/// The order properties are kept in for a binary search: by length, then by name, so that most
/// steps of a search compare two lengths instead of two strings.
fn lookup_order(name: &str) -> (usize, &str) {
    (name.len(), name)
}

/// One schema object of the definitions, compiled.
pub(crate) struct Node {
    /// The schema as published.
    raw: &'static Value,
    /// The definition name, for a definition.
    name: Option<&'static str>,
    /// The definition the `$ref` names, as written.
    reference: Option<&'static str>,
    /// The node `$ref` points at: that definition, or this node when there is no `$ref` (or
    /// it names no definition).
    target: usize,
    type_: Option<&'static str>,
    format: Option<&'static str>,
    /// `properties` (when an object), each with its node, in [`lookup_order`].
    properties: Option<Box<[(&'static str, usize)]>>,
    /// `items`' node.
    items: Option<usize>,
    /// `additionalProperties`' node, when it is a schema (not a boolean).
    additional_properties: Option<usize>,
    /// See [`SchemaRef::preserves_unknown_fields`].
    preserves_unknown_fields: bool,
    /// The `x-kubernetes-*` extensions of patches and merges (`None` when it has none).
    extensions: Option<Box<Extensions>>,
}

/// The extensions kube puts on a property (and on some definitions) for patches and merges.
#[derive(Default)]
struct Extensions {
    patch_strategy: Option<&'static str>,
    patch_merge_key: Option<&'static str>,
    list_type: Option<&'static str>,
    list_map_keys: Vec<&'static str>,
    map_type: Option<&'static str>,
}

/// Fills in the node table, one schema object at a time.
struct Compiler<F> {
    definition_id: F,
    nodes: Vec<Node>,
}

impl<F: Fn(&str) -> Option<usize>> Compiler<F> {
    /// Adds a node for `schema` (and its inline schemas) and returns its id.
    fn add(&mut self, schema: &'static Value) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node::unresolved(id, schema, None));
        self.compile(id, schema);
        id
    }

    /// Works out node `id`'s facts from its `schema`, adding its inline schemas.
    fn compile(&mut self, id: usize, schema: &'static Value) {
        let Value::Object(map) = schema else {
            return;
        };
        let mut node = Node::unresolved(id, schema, self.nodes[id].name);
        let mut extensions = Extensions::default();
        let mut preserve = false;
        let mut additional = None;
        for (key, value) in map {
            match key.as_str() {
                "$ref" => {
                    node.reference = value.as_str().and_then(ref_name);
                    if let Some(target) = node.reference.and_then(&self.definition_id) {
                        node.target = target;
                    }
                }
                "type" => node.type_ = value.as_str(),
                "format" => node.format = value.as_str(),
                "properties" => {
                    if let Value::Object(properties) = value {
                        let mut fields: Vec<_> = properties
                            .iter()
                            .map(|(name, property)| (name.as_str(), self.add(property)))
                            .collect();
                        fields.sort_unstable_by(|(a, _), (b, _)| {
                            lookup_order(a).cmp(&lookup_order(b))
                        });
                        node.properties = Some(fields.into());
                    }
                }
                "items" => node.items = Some(self.add(value)),
                "additionalProperties" => {
                    additional = Some(value);
                    if value.is_object() {
                        node.additional_properties = Some(self.add(value));
                    }
                }
                "x-kubernetes-preserve-unknown-fields" => preserve = *value == Value::Bool(true),
                "x-kubernetes-patch-strategy" => extensions.patch_strategy = value.as_str(),
                "x-kubernetes-patch-merge-key" => extensions.patch_merge_key = value.as_str(),
                "x-kubernetes-list-type" => extensions.list_type = value.as_str(),
                "x-kubernetes-list-map-keys" => {
                    extensions.list_map_keys = value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                }
                "x-kubernetes-map-type" => extensions.map_type = value.as_str(),
                _ => {}
            }
        }
        node.preserves_unknown_fields = preserve
            || additional == Some(&Value::Bool(true))
            || (node.type_ == Some("object") && node.properties.is_none() && additional.is_none());
        if extensions.patch_strategy.is_some()
            || extensions.patch_merge_key.is_some()
            || extensions.list_type.is_some()
            || !extensions.list_map_keys.is_empty()
            || extensions.map_type.is_some()
        {
            node.extensions = Some(Box::new(extensions));
        }
        self.nodes[id] = node;
    }
}

impl Node {
    /// The schema as published.
    pub(crate) fn raw(&self) -> &'static Value {
        self.raw
    }

    /// The definition name, for a definition.
    pub(crate) fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// Node `id` of `raw`, with nothing worked out yet: its own target.
    fn unresolved(id: usize, raw: &'static Value, name: Option<&'static str>) -> Node {
        Node {
            raw,
            name,
            reference: None,
            target: id,
            type_: None,
            format: None,
            properties: None,
            items: None,
            additional_properties: None,
            preserves_unknown_fields: false,
            extensions: None,
        }
    }
}

/// A schema node, with `$ref`s resolved: a definition, or a schema inline in one (a property's
/// `items` or `additionalProperties`).
#[derive(Clone, Copy)]
pub struct SchemaRef<'a> {
    defs: &'a Definitions,
    id: usize,
}

impl std::fmt::Debug for SchemaRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.name() {
            Some(name) => write!(f, "SchemaRef({name})"),
            None => write!(f, "SchemaRef({})", self.value()),
        }
    }
}

impl<'a> SchemaRef<'a> {
    /// Node `id` (a definition, or a node without `$ref`).
    pub(crate) fn new(defs: &'a Definitions, id: usize) -> SchemaRef<'a> {
        SchemaRef { defs, id }
    }

    fn node(&self) -> &'a Node {
        self.defs.node(self.id)
    }

    /// The node `id` resolves to (following its `$ref` if it has one).
    fn resolve(defs: &'a Definitions, id: usize) -> SchemaRef<'a> {
        SchemaRef {
            defs,
            id: defs.node(id).target,
        }
    }

    /// This node's id in the compiled table (below [`Definitions::node_count`]), for tables of
    /// what callers work out once per node.
    pub fn id(&self) -> usize {
        self.id
    }

    /// The definition name of this node, if it is a definition.
    pub fn name(&self) -> Option<&'a str> {
        self.node().name
    }

    /// The raw schema.
    pub fn value(&self) -> &'a Value {
        self.node().raw
    }

    /// `type` (`object`, `array`, `string`, `integer`, `number`, `boolean`), if set.
    pub fn type_(&self) -> Option<&'a str> {
        self.node().type_
    }

    /// `format` (`int32`, `date-time`, `int-or-string`, `byte`, ...), if set.
    pub fn format(&self) -> Option<&'a str> {
        self.node().format
    }

    /// Whether the schema lists properties (a Go struct).
    pub fn has_properties(&self) -> bool {
        self.node().properties.is_some()
    }

    /// The properties, if the schema lists them (a Go struct), shortest names first (names
    /// of one length by name).
    pub fn properties(&self) -> Option<impl Iterator<Item = FieldInfo<'a>> + 'a> {
        let defs = self.defs;
        let properties = self.node().properties.as_deref()?;
        Some(
            properties
                .iter()
                .map(move |&(name, id)| FieldInfo { defs, name, id }),
        )
    }

    /// The `required` property names.
    pub fn required(&self) -> impl Iterator<Item = &'a str> {
        self.value()["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// The property `name`.
    pub fn field(&self, name: &str) -> Option<FieldInfo<'a>> {
        let properties = self.node().properties.as_deref()?;
        let i = properties
            .binary_search_by(|(key, _)| lookup_order(key).cmp(&lookup_order(name)))
            .ok()?;
        let (name, id) = properties[i];
        Some(FieldInfo {
            defs: self.defs,
            name,
            id,
        })
    }

    /// The schema of the elements, for an array.
    pub fn items(&self) -> Option<SchemaRef<'a>> {
        let items = self.node().items?;
        Some(SchemaRef::resolve(self.defs, items))
    }

    /// The schema of the values, for a map (`additionalProperties` as a schema).
    pub fn additional_properties(&self) -> Option<SchemaRef<'a>> {
        let values = self.node().additional_properties?;
        Some(SchemaRef::resolve(self.defs, values))
    }

    /// Whether any field is accepted: `x-kubernetes-preserve-unknown-fields`,
    /// `additionalProperties: true`, or an object without `properties` nor
    /// `additionalProperties` (`RawExtension`, `FieldsV1`: raw JSON in Go).
    pub fn preserves_unknown_fields(&self) -> bool {
        self.node().preserves_unknown_fields
    }

    /// `x-kubernetes-patch-strategy` on the schema itself.
    pub fn patch_strategy(&self) -> Option<&'a str> {
        self.node().extensions()?.patch_strategy
    }

    /// `x-kubernetes-patch-merge-key` on the schema itself.
    pub fn patch_merge_key(&self) -> Option<&'a str> {
        self.node().extensions()?.patch_merge_key
    }

    /// `x-kubernetes-list-type` on the schema itself.
    pub fn list_type(&self) -> Option<&'a str> {
        self.node().extensions()?.list_type
    }

    /// `x-kubernetes-list-map-keys` on the schema itself.
    pub fn list_map_keys(&self) -> impl Iterator<Item = &'a str> {
        self.node().list_map_keys().iter().copied()
    }

    /// `x-kubernetes-map-type` on the schema itself (kube puts it on some structs, e.g.
    /// `LabelSelector`).
    pub fn map_type(&self) -> Option<&'a str> {
        self.node().extensions()?.map_type
    }

    /// Walks field names from this node: an array in the way is crossed into its elements,
    /// so `["spec", "template", "spec", "containers", "ports"]` from a Deployment gives the
    /// `ports` field of a container (the paths a strategic merge patch walks). The last
    /// field's info, or `None` if a name is not a property.
    pub fn at(&self, path: &[&str]) -> Option<FieldInfo<'a>> {
        let (last, parents) = path.split_last()?;
        let mut node = *self;
        for name in parents {
            node = node.field(name)?.schema().elements();
        }
        node.field(last)
    }

    /// The elements' schema for an array (repeatedly), this node otherwise.
    fn elements(self) -> SchemaRef<'a> {
        let mut node = self;
        while node.type_() == Some("array") {
            match node.items() {
                Some(items) => node = items,
                None => break,
            }
        }
        node
    }
}

impl Node {
    fn extensions(&self) -> Option<&Extensions> {
        self.extensions.as_deref()
    }

    fn list_map_keys(&self) -> &[&'static str] {
        self.extensions()
            .map_or(&[], |e| e.list_map_keys.as_slice())
    }
}

/// One property of a definition: its type and the extensions kube puts on properties.
#[derive(Clone, Copy)]
pub struct FieldInfo<'a> {
    defs: &'a Definitions,
    name: &'a str,
    /// The node of the property's own schema (its `$ref` unresolved).
    id: usize,
}

impl std::fmt::Debug for FieldInfo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldInfo")
            .field("name", &self.name)
            .field("type", &self.type_())
            .field("reference", &self.reference())
            .field("items_reference", &self.items_reference())
            .field("patch_strategy", &self.patch_strategy())
            .field("patch_merge_key", &self.patch_merge_key())
            .field("list_type", &self.list_type())
            .field("list_map_keys", &self.list_map_keys().collect::<Vec<_>>())
            .field("map_type", &self.map_type())
            .finish()
    }
}

impl<'a> FieldInfo<'a> {
    fn node(&self) -> &'a Node {
        self.defs.node(self.id)
    }

    /// The id of the property's own schema in the compiled table (below
    /// [`Definitions::node_count`]; the same as its [`FieldInfo::schema`]'s when it has no
    /// `$ref`), for tables of what callers work out once per node.
    pub fn id(&self) -> usize {
        self.id
    }

    /// The property name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The property's own schema (with its `$ref` unresolved).
    pub fn value(&self) -> &'a Value {
        self.node().raw
    }

    /// `description`.
    pub fn description(&self) -> Option<&'a str> {
        self.value()["description"].as_str()
    }

    /// The property's type: its own `type`, or the referenced definition's.
    pub fn type_(&self) -> Option<&'a str> {
        self.schema().type_().or(self.node().type_)
    }

    /// The definition the property refers to (`io.k8s.api.core.v1.PodSpec`), if any.
    pub fn reference(&self) -> Option<&'a str> {
        self.node().reference
    }

    /// The definition the elements refer to, for an array (`io.k8s.api.core.v1.Container`).
    pub fn items_reference(&self) -> Option<&'a str> {
        self.defs.node(self.node().items?).reference
    }

    /// The definition the values refer to, for a map.
    pub fn additional_properties_reference(&self) -> Option<&'a str> {
        self.defs.node(self.node().additional_properties?).reference
    }

    /// `x-kubernetes-patch-strategy` (`merge`, `replace`, `retainKeys`, `merge,retainKeys`).
    pub fn patch_strategy(&self) -> Option<&'a str> {
        self.node().extensions()?.patch_strategy
    }

    /// Whether the patch strategy includes `strategy` (the extension is a comma-separated
    /// list, as `retainKeys,merge` for `volumes`).
    pub fn has_patch_strategy(&self, strategy: &str) -> bool {
        self.patch_strategy()
            .is_some_and(|s| s.split(',').any(|s| s == strategy))
    }

    /// `x-kubernetes-patch-merge-key`.
    pub fn patch_merge_key(&self) -> Option<&'a str> {
        self.node().extensions()?.patch_merge_key
    }

    /// `x-kubernetes-list-type` (`atomic`, `set`, `map`).
    pub fn list_type(&self) -> Option<&'a str> {
        self.node().extensions()?.list_type
    }

    /// `x-kubernetes-list-map-keys`.
    pub fn list_map_keys(&self) -> impl Iterator<Item = &'a str> {
        self.node().list_map_keys().iter().copied()
    }

    /// `x-kubernetes-map-type` (`atomic`, `granular`): on the property, or on the referenced
    /// definition (kube puts it on the struct, e.g. `LabelSelector`).
    pub fn map_type(&self) -> Option<&'a str> {
        self.node()
            .extensions()
            .and_then(|e| e.map_type)
            .or_else(|| self.schema().map_type())
    }

    /// The schema of the value: the referenced definition, or the inline schema.
    pub fn schema(&self) -> SchemaRef<'a> {
        SchemaRef::resolve(self.defs, self.id)
    }

    /// The schema of the elements, for an array.
    pub fn items(&self) -> Option<SchemaRef<'a>> {
        self.schema().items()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::definitions::definitions;

    /// The definition a `$ref` names, or the schema itself.
    fn resolve(raw: &Value) -> &Value {
        match raw["$ref"].as_str().and_then(ref_name) {
            Some(name) => definitions().definition(name).unwrap(),
            None => raw,
        }
    }

    /// What the walkers read from the JSON before the table existed, for every node reachable
    /// from a definition: the compiled answers must be the same.
    #[test]
    fn compiled_facts_match_the_json() {
        fn check(schema: SchemaRef<'_>, seen: &mut Vec<bool>) {
            if std::mem::replace(&mut seen[schema.id()], true) {
                return;
            }
            let raw = schema.value();
            let at = format!("{schema:?}");
            assert_eq!(schema.type_(), raw["type"].as_str(), "{at}");
            assert_eq!(schema.format(), raw["format"].as_str(), "{at}");
            assert_eq!(
                schema.has_properties(),
                raw["properties"].is_object(),
                "{at}"
            );
            assert_eq!(
                schema.preserves_unknown_fields(),
                raw["x-kubernetes-preserve-unknown-fields"] == Value::Bool(true)
                    || raw["additionalProperties"] == Value::Bool(true)
                    || (raw["type"] == "object"
                        && !raw["properties"].is_object()
                        && raw.get("additionalProperties").is_none()),
                "{at}"
            );
            assert_eq!(
                schema.map_type(),
                raw["x-kubernetes-map-type"].as_str(),
                "{at}"
            );
            let names: Vec<&str> = schema
                .properties()
                .into_iter()
                .flatten()
                .map(|f| f.name())
                .collect();
            let mut want: Vec<&str> = raw["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name.as_str())
                .collect();
            want.sort_unstable_by_key(|name| lookup_order(name));
            assert_eq!(names, want, "{at}");
            for name in names {
                let field = schema.field(name).unwrap();
                let property = &raw["properties"][name];
                assert!(std::ptr::eq(field.value(), property), "{at}.{name}");
                let resolved = match field.reference() {
                    Some(reference) => definitions().definition(reference).unwrap(),
                    None => property,
                };
                assert!(
                    std::ptr::eq(field.schema().value(), resolved),
                    "{at}.{name}"
                );
                for (got, key) in [
                    (field.patch_strategy(), "x-kubernetes-patch-strategy"),
                    (field.patch_merge_key(), "x-kubernetes-patch-merge-key"),
                    (field.list_type(), "x-kubernetes-list-type"),
                ] {
                    assert_eq!(got, property[key].as_str(), "{at}.{name} {key}");
                }
                let keys: Vec<&str> = property["x-kubernetes-list-map-keys"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                assert_eq!(
                    field.list_map_keys().collect::<Vec<_>>(),
                    keys,
                    "{at}.{name}"
                );
                check(field.schema(), seen);
            }
            assert!(schema.field("no such field").is_none(), "{at}");
            match (schema.items(), raw.get("items")) {
                (Some(items), Some(raw_items)) => {
                    assert!(std::ptr::eq(items.value(), resolve(raw_items)), "{at}");
                    check(items, seen);
                }
                (None, None) => {}
                _ => panic!("{at}: items"),
            }
            match (
                schema.additional_properties(),
                raw.get("additionalProperties"),
            ) {
                (Some(values), Some(raw_values)) => {
                    assert!(std::ptr::eq(values.value(), resolve(raw_values)), "{at}");
                    check(values, seen);
                }
                (None, None | Some(Value::Bool(_))) => {}
                _ => panic!("{at}: additionalProperties"),
            }
        }
        let defs = definitions();
        let mut seen = vec![false; defs.node_count()];
        for (name, raw) in defs.iter() {
            let schema = defs.schema(name).unwrap();
            assert_eq!(schema.name(), Some(name));
            assert!(std::ptr::eq(schema.value(), raw), "{name}");
            check(schema, &mut seen);
        }
    }
}
