//! The schema the merge walks: what structured-merge-diff's `schema.Atom` tells of a node,
//! as kube-openapi's `schemaconv` derives it from the OpenAPI definitions.
//!
//! The server implements [`Schema`] over its definitions (`SchemaRef`/`FieldInfo`):
//! - a property with `properties` → [`Kind::Map`] (a struct; its properties are *declared*
//!   fields, [`Field::declared`]); `x-kubernetes-map-type: atomic` on the property or on the
//!   referenced definition → `atomic: true`; `x-kubernetes-preserve-unknown-fields` → undeclared
//!   names are [`Deduced`] elements, otherwise `field` answers `None` for them;
//! - `additionalProperties: {schema}` → [`Kind::Map`] whose fields are all undeclared elements
//!   of that schema;
//! - an object without `properties` nor `additionalProperties`, or
//!   `x-kubernetes-preserve-unknown-fields` alone → [`Kind::Deduced`];
//! - `io.k8s.apimachinery.pkg.runtime.RawExtension` → [`Kind::Untyped`];
//! - an array → [`Kind::List`]: `x-kubernetes-list-type` `atomic`/`set`/`map` (keys from
//!   `x-kubernetes-list-map-keys`); without it, `x-kubernetes-patch-strategy` `merge` (or
//!   `merge,retainKeys`) gives a map keyed by `x-kubernetes-patch-merge-key`, or a set when
//!   there is no merge key; anything else is atomic;
//! - `integer`/`number` → [`Scalar::Numeric`], `string` (format `""` or `byte`) →
//!   [`Scalar::String`], `boolean` → [`Scalar::Boolean`]; `int-or-string`, `date-time`, other
//!   formats and `io.k8s.apimachinery.pkg.api.resource.Quantity` → [`Scalar::Any`].
//!
//! A key field of an associative list may carry a default (`protocol: TCP` of container and
//! service ports in kube's OpenAPI v3): [`Schema::default_value`] of that field's node.

use serde_json::Value;

/// The scalar types SMD checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    Numeric,
    Boolean,
    /// Any scalar (`untyped`): int-or-string, date-time, Quantity...
    Any,
}

/// How an associative list is keyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListType {
    /// Replaced and owned as a whole.
    Atomic,
    /// Items are scalars, owned one by one by value (`v:`).
    Set,
    /// Items are maps, owned one by one by their key fields (`k:`).
    Map(Vec<String>),
}

/// What a node is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Scalar(Scalar),
    /// A struct or a map; `atomic` when owned as a whole (`x-kubernetes-map-type: atomic`).
    Map {
        atomic: bool,
    },
    List(ListType),
    /// No schema: shaped by the value (SMD's `__untyped_deduced_`): maps granular with deduced
    /// values, lists atomic, scalars of any type.
    Deduced,
    /// Any value, owned as a whole (SMD's `__untyped_atomic_`).
    Untyped,
}

/// A map entry's schema.
pub struct Field<'a> {
    pub schema: Box<dyn Schema + 'a>,
    /// A property of a struct (`properties`), as opposed to an entry of a map
    /// (`additionalProperties`): SMD owns map entries themselves, struct fields only through
    /// their leaves.
    pub declared: bool,
}

/// A node of a kind's schema.
pub trait Schema {
    /// What this node is.
    fn kind(&self) -> Kind;
    /// The schema of the entry `name`, for a [`Kind::Map`]; `None` when the struct does not
    /// declare it and takes no other fields ("field not declared in schema").
    fn field(&self, name: &str) -> Option<Field<'_>>;
    /// The schema of the items, for a [`Kind::List`].
    fn items(&self) -> Option<Box<dyn Schema + '_>>;
    /// The default of this node as a struct field (the OpenAPI `default`), used for a missing
    /// key field of an associative list item.
    fn default_value(&self) -> Option<Value> {
        None
    }
}

/// SMD's deduced schema, for objects without one (a CRD without a structural schema, an
/// embedded object without properties): maps are granular, lists atomic.
pub struct Deduced;

impl Schema for Deduced {
    fn kind(&self) -> Kind {
        Kind::Deduced
    }

    fn field(&self, _name: &str) -> Option<Field<'_>> {
        Some(Field {
            schema: Box::new(Deduced),
            declared: false,
        })
    }

    fn items(&self) -> Option<Box<dyn Schema + '_>> {
        Some(Box::new(Untyped))
    }
}

/// SMD's untyped atomic schema: anything, owned whole.
struct Untyped;

impl Schema for Untyped {
    fn kind(&self) -> Kind {
        Kind::Untyped
    }

    fn field(&self, _name: &str) -> Option<Field<'_>> {
        Some(Field {
            schema: Box::new(Untyped),
            declared: false,
        })
    }

    fn items(&self) -> Option<Box<dyn Schema + '_>> {
        Some(Box::new(Untyped))
    }
}

/// A node as resolved against a value (SMD's `deduceAtom` + `handleAtom`, which tries map,
/// then scalar, then list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Atom {
    Scalar(Scalar),
    Map { atomic: bool },
    List(ListType),
}

/// The atom a value is walked as.
pub(crate) fn atom(schema: &dyn Schema, v: Option<&Value>) -> Atom {
    let shaped = |atomic: bool| match v {
        Some(Value::Array(_)) => Atom::List(ListType::Atomic),
        Some(Value::Object(_) | Value::Null) | None => Atom::Map { atomic },
        Some(_) => Atom::Scalar(Scalar::Any),
    };
    match schema.kind() {
        Kind::Scalar(s) => Atom::Scalar(s),
        Kind::Map { atomic } => Atom::Map { atomic },
        Kind::List(t) => Atom::List(t),
        Kind::Deduced => shaped(false),
        Kind::Untyped => shaped(true),
    }
}

/// The schema of map entry `name`: the declared field, the element type, or — for a name the
/// schema refuses (only reachable on values that failed validation) — an untyped leaf.
pub(crate) fn map_child<'a>(schema: &'a dyn Schema, name: &str) -> Field<'a> {
    match schema.kind() {
        Kind::Deduced => Field {
            schema: Box::new(Deduced),
            declared: false,
        },
        Kind::Untyped => Field {
            schema: Box::new(Untyped),
            declared: false,
        },
        _ => schema.field(name).unwrap_or(Field {
            schema: Box::new(Untyped),
            declared: false,
        }),
    }
}

/// Whether `name` is a declared field of this node (SMD's `Map.FindField`).
pub(crate) fn is_declared(schema: &dyn Schema, name: &str) -> bool {
    matches!(schema.kind(), Kind::Map { .. }) && schema.field(name).is_some_and(|f| f.declared)
}

/// The schema of list items.
pub(crate) fn list_items(schema: &dyn Schema) -> Box<dyn Schema + '_> {
    match schema.kind() {
        Kind::Deduced | Kind::Untyped => Box::new(Untyped),
        _ => schema.items().unwrap_or_else(|| Box::new(Untyped)),
    }
}
