//! The strategic-merge metadata of a type: which fields merge lists (and by which key), which
//! replace, which retain keys. kube reads it from the Go struct tags `patchStrategy` /
//! `patchMergeKey` (`PatchMetaFromStruct`); the OpenAPI extensions
//! `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` carry the same values.

/// A field's `patchStrategy`. `retainKeys` changes nothing when a patch is applied (the patch's
/// `$retainKeys` directive is honoured on any map); it only matters to patch generation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// No tag: lists are replaced, maps are merged.
    #[default]
    None,
    /// `merge`: lists are merged (by the merge key for lists of objects, as a set otherwise).
    Merge,
    /// `replace`: the value, list or map, is replaced wholesale.
    Replace,
    /// `retainKeys`.
    RetainKeys,
    /// `merge,retainKeys`.
    MergeRetainKeys,
}

impl Strategy {
    /// Parses a `patchStrategy` tag / `x-kubernetes-patch-strategy` value; `None` for a
    /// combination kube rejects (`unexpected patch strategy`).
    pub fn from_tag(tag: &str) -> Option<Strategy> {
        let parts: Vec<&str> = tag.split(',').collect();
        match parts.as_slice() {
            [""] => Some(Strategy::None),
            ["merge"] => Some(Strategy::Merge),
            ["replace"] => Some(Strategy::Replace),
            ["retainKeys"] => Some(Strategy::RetainKeys),
            ["merge", "retainKeys"] | ["retainKeys", "merge"] => Some(Strategy::MergeRetainKeys),
            _ => None,
        }
    }

    pub(crate) fn merges(self) -> bool {
        matches!(self, Strategy::Merge | Strategy::MergeRetainKeys)
    }

    pub(crate) fn replaces(self) -> bool {
        self == Strategy::Replace
    }
}

/// The metadata of one field, as `LookupPatchMetadataForStruct` / `ForSlice` return it.
pub struct FieldMeta<'a> {
    pub strategy: Strategy,
    /// `patchMergeKey`; only lists of objects with the `merge` strategy use it.
    pub merge_key: Option<&'a str>,
    /// The metadata of the field's value: the object's own fields for an object; for a list, the
    /// metadata of one element; for a map type (`map[string]T`, e.g. `data`, `labels`), a
    /// metadata whose every field is a `T` (kube's lookup on a map type returns the element type
    /// with no strategy, whatever the key).
    pub nested: Box<dyn PatchMeta + 'a>,
}

/// Strategic-merge metadata of an object type (or of a map type, see [`FieldMeta::nested`]).
///
/// The engine asks only for fields whose value is an object or a list in both the current object
/// and the patch (scalars are always replaced), and for fields named by `$setElementOrder/<field>`.
pub trait PatchMeta {
    /// `LookupPatchMetadataForStruct(name)`. An `Err` is sent as a 500 with that message; kube's
    /// texts are `unable to find api field in struct <Type> for the json field "<name>"` for an
    /// unknown field of a struct and `merging an object in json but data type is not map or
    /// struct, instead is: <kind>` when the described type is a scalar.
    fn field(&self, name: &str) -> Result<FieldMeta<'_>, String>;

    /// `LookupPatchMetadataForSlice(name)`: the metadata of a list field, `nested` describing one
    /// element. kube fails for a field that is not a list with `expected slice or array type, but
    /// got: <kind of this type>` (e.g. `struct`); the default does not check and is `field`.
    fn list_field(&self, name: &str) -> Result<FieldMeta<'_>, String> {
        self.field(name)
    }
}

/// The metadata of a type with no strategic information: every field is untagged, so lists are
/// replaced and maps merged at any depth, and no lookup fails. This is how kube's lookup treats a
/// `map[string]interface{}`. (kube refuses strategic merge patches on custom resources with 415
/// before any patching; that check is the server's.)
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMeta;

impl PatchMeta for NoMeta {
    fn field(&self, _name: &str) -> Result<FieldMeta<'_>, String> {
        Ok(FieldMeta {
            strategy: Strategy::None,
            merge_key: None,
            nested: Box::new(NoMeta),
        })
    }
}
