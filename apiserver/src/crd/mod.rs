//! CustomResourceDefinitions (`apiextensions.k8s.io/v1`) and the custom resources they define.
//!
//! The set of served kinds is the static catalog plus what the stored CRDs define. Nothing is
//! kept in step with watch events: a request for `/apis/<group>/<version>/<plural>` that the
//! catalog does not serve reads the CRD named `<plural>.<group>` from the keyspace (the name is
//! forced to be that by validation), and serves it if the CRD is `Established` and serves that
//! version. Every node reading the same keyspace at the same revision therefore serves the same
//! kinds, and a CRD is served from the revision that established it. Built kinds are cached by
//! the CRD's `mod_revision`, so a changed CRD is rebuilt on the next request.
//!
//! * [`status`]: what kube-apiserver's naming and establishing controllers write into a CRD's
//!   status, computed in the CRD's own write (see `docs/DESIGN.md`, decision 19).
//! * [`validation`]: `ValidateCustomResourceDefinition` and `...Update`.
//! * [`structural`]: the rules of a CRD's schema (structural, defaults, OpenAPI subset).
//! * [`schema`]: custom resources against their schema: pruning, defaulting.
//! * [`schema_validator`]: custom resources against their schema: kube-openapi's validation.
//! * [`finalizer`]: deleting a CRD: the first DELETE's mark and the CRD finalizer.
//! * [`printer`]: `additionalPrinterColumns` in Table output.
//! * [`scale`]: the `scale` subresource at the paths a CRD names.

pub mod finalizer;
pub mod printer;
pub mod scale;
pub mod schema;
pub mod schema_validator;
pub mod status;
pub mod structural;
pub mod validation;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::catalog::{ResourceInfo, SubresourceInfo};
use crate::error::ApiResult;
use crate::kinds::Kind;
use crate::object;
use crate::registry::Registry;

/// Where CRDs are stored.
pub const PREFIX: &str = "/registry/apiextensions.k8s.io/customresourcedefinitions/";

/// Whether a kind is the CRD kind itself.
pub fn is_crd(kind: &Kind) -> bool {
    kind.info.group == "apiextensions.k8s.io" && kind.info.resource == "customresourcedefinitions"
}

/// One served version of a CRD: what its custom resources' endpoint needs.
#[derive(Debug)]
pub struct Served {
    /// The CRD's name, `<plural>.<group>`.
    pub crd_name: String,
    pub group: String,
    pub version: String,
    pub storage_version: String,
    pub kind: String,
    pub list_kind: String,
    /// `spec.versions[].schema.openAPIV3Schema`, if any.
    pub schema: Option<Value>,
    /// Status is a subresource.
    pub status: bool,
    /// The scale subresource's paths.
    pub scale: Option<ScalePaths>,
    /// `additionalPrinterColumns`.
    pub columns: Vec<printer::PrinterColumn>,
    /// The warning every request to a `deprecated` version carries.
    pub warning: Option<String>,
    /// The CRD is being deleted (`Terminating`): its custom resources are not created any more.
    pub terminating: bool,
}

/// `spec.versions[].subresources.scale`: JSON paths (`.spec.replicas`).
#[derive(Debug, Clone)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

/// The string at `path` in `v`, or "" if there is none.
fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The strings of a JSON array (none if it is not one).
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Whether the CRD has the condition `type_` with status `True`.
pub fn condition_true(crd: &Value, type_: &str) -> bool {
    crd.get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)
        .is_some_and(|conditions| {
            conditions
                .iter()
                .any(|c| c["type"] == type_ && c["status"] == "True")
        })
}

/// The storage version of a CRD (`spec.versions[]` with `storage: true`).
pub fn storage_version(crd: &Value) -> Option<&str> {
    versions(crd)
        .iter()
        .find(|v| v["storage"] == true)
        .and_then(|v| v["name"].as_str())
}

fn versions(crd: &Value) -> &[Value] {
    crd.get("spec")
        .and_then(|s| s.get("versions"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
}

/// The served version `version` of a CRD, if it serves it.
pub fn served(crd: &Value, version: &str) -> Option<Served> {
    let spec = crd.get("spec")?;
    let v = versions(crd)
        .iter()
        .find(|v| v["name"] == version && v["served"] == true)?;
    let subresources = v.get("subresources");
    let scale = subresources
        .and_then(|s| s.get("scale"))
        .map(|s| ScalePaths {
            spec_replicas: str_at(s, &["specReplicasPath"]).to_owned(),
            status_replicas: str_at(s, &["statusReplicasPath"]).to_owned(),
            label_selector: s
                .get("labelSelectorPath")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    let kind = str_at(spec, &["names", "kind"]).to_owned();
    Some(Served {
        crd_name: str_at(crd, &["metadata", "name"]).to_owned(),
        group: str_at(spec, &["group"]).to_owned(),
        version: version.to_owned(),
        storage_version: storage_version(crd).unwrap_or(version).to_owned(),
        list_kind: match str_at(spec, &["names", "listKind"]) {
            "" => format!("{kind}List"),
            list_kind => list_kind.to_owned(),
        },
        kind,
        schema: v
            .get("schema")
            .and_then(|s| s.get("openAPIV3Schema"))
            .cloned(),
        status: subresources.and_then(|s| s.get("status")).is_some(),
        scale,
        columns: printer::columns(v),
        terminating: condition_true(crd, "Terminating"),
        warning: (v["deprecated"] == true).then(|| match v["deprecationWarning"].as_str() {
            Some(warning) => warning.to_owned(),
            None => default_deprecation_warning(spec, version),
        }),
    })
}

/// `defaultDeprecationWarning` (`pkg/apiserver/customresource_handler.go`): `<group>/<version>
/// <Kind> is deprecated`, and `; use <group>/<version> <Kind>` naming the highest-priority
/// served, non-deprecated version that ranks above the deprecated one, if any.
fn default_deprecation_warning(spec: &Value, deprecated: &str) -> String {
    let group = str_at(spec, &["group"]);
    let kind = str_at(spec, &["names", "kind"]);
    let mut message = format!("{group}/{deprecated} {kind} is deprecated");
    let mut newer: Vec<&str> = spec
        .get("versions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|v| v["served"] == true && v["deprecated"] != true)
        .filter_map(|v| v["name"].as_str())
        .filter(|name| compare_versions(name, deprecated) == std::cmp::Ordering::Less)
        .collect();
    newer.sort_by(|a, b| compare_versions(a, b));
    if let Some(best) = newer.first() {
        message.push_str(&format!("; use {group}/{best} {kind}"));
    }
    message
}

/// The discovery entry of a CRD's version, made `'static` by interning: the same entry (a CRD
/// read again, by another node or after a restart of its cache) is leaked only once per process,
/// so the leak is bounded by the distinct CRD definitions a process sees.
pub fn resource_info(crd: &Value, served: &Served) -> &'static ResourceInfo {
    static INTERNED: Mutex<Option<HashMap<String, &'static ResourceInfo>>> = Mutex::new(None);
    let spec = &crd["spec"];
    let v = versions(crd)
        .iter()
        .find(|v| v["name"] == served.version.as_str());
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let leak_all = |list: Vec<String>| -> &'static [&'static str] {
        Box::leak(
            list.into_iter()
                .map(leak)
                .collect::<Vec<_>>()
                .into_boxed_slice(),
        )
    };
    let short_names = strings(&spec["names"]["shortNames"]);
    let categories = strings(&spec["names"]["categories"]);
    let selectable: Vec<String> = v
        .and_then(|v| v.get("selectableFields"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|f| f["jsonPath"].as_str())
                .map(|p| p.trim_start_matches('.').to_owned())
                .collect()
        })
        .unwrap_or_default();
    let key = serde_json::json!([
        served.group,
        served.version,
        str_at(spec, &["names", "plural"]),
        str_at(spec, &["names", "singular"]),
        served.kind,
        str_at(spec, &["scope"]),
        short_names,
        categories,
        served.storage_version,
        served.status,
        served.scale.is_some(),
        selectable,
        served.warning,
        served.terminating,
    ])
    .to_string();
    let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    let interned = interned.get_or_insert_with(HashMap::new);
    if let Some(info) = interned.get(&key) {
        return info;
    }
    let kind = leak(served.kind.clone());
    let mut subresources = Vec::new();
    if served.scale.is_some() {
        subresources.push(SubresourceInfo {
            name: "scale",
            group: "autoscaling",
            version: "v1",
            kind: "Scale",
            verbs: &["get", "patch", "update"],
        });
    }
    if served.status {
        subresources.push(SubresourceInfo {
            name: "status",
            group: "",
            version: "",
            kind,
            verbs: &["get", "patch", "update"],
        });
    }
    let info: &'static ResourceInfo = Box::leak(Box::new(ResourceInfo {
        group: leak(served.group.clone()),
        version: leak(served.version.clone()),
        resource: leak(str_at(spec, &["names", "plural"]).to_owned()),
        singular: leak(str_at(spec, &["names", "singular"]).to_owned()),
        kind,
        namespaced: str_at(spec, &["scope"]) == "Namespaced",
        // The discovery controller's verbs; a terminating CRD's resources take no new writes.
        verbs: if served.terminating {
            &["delete", "deletecollection", "get", "list", "watch"]
        } else {
            &[
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "create",
                "update",
                "watch",
            ]
        },
        short_names: leak_all(short_names),
        categories: leak_all(categories),
        storage_version_hash: leak(storage_version_hash(
            &served.group,
            &served.storage_version,
            &served.kind,
        )),
        subresources: Box::leak(subresources.into_boxed_slice()),
        field_selectors: leak_all(selectable),
        stored: true,
        warning: served.warning.clone().map(leak),
    }));
    interned.insert(key, info);
    info
}

/// `discovery.StorageVersionHash`: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>").
pub fn storage_version_hash(group: &str, version: &str, kind: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{group}/{version}/{kind}"));
    base64::engine::general_purpose::STANDARD.encode(&digest[..8])
}

/// Built kinds by (CRD name, version), with the CRD revision they were built at.
type Built = HashMap<(String, String), (i64, Arc<Kind>)>;

/// The kinds built from CRDs.
#[derive(Default)]
pub struct CustomKinds {
    built: Mutex<Built>,
}

impl CustomKinds {
    /// The custom resource kind served at `/apis/<group>/<version>/<resource>`, if an
    /// established CRD defines it.
    pub async fn resolve(
        &self,
        registry: &Registry,
        group: &str,
        version: &str,
        resource: &str,
    ) -> ApiResult<Option<Arc<Kind>>> {
        let Some((name, kv)) = read(registry, group, resource).await? else {
            return Ok(None);
        };
        Ok(self.build(name, version, kv.mod_revision, || {
            Value::Object(object::decode(&kv.value, kv.mod_revision))
        }))
    }

    /// The kind of the custom resources stored under `/registry/<group>/<resource>/`, for the
    /// server's own writes to them (the garbage collector's): at the CRD's storage version if
    /// it serves it, else at its first served version (versions differ only in `apiVersion`).
    pub async fn resolve_stored(
        &self,
        registry: &Registry,
        group: &str,
        resource: &str,
    ) -> ApiResult<Option<Arc<Kind>>> {
        let Some((name, kv)) = read(registry, group, resource).await? else {
            return Ok(None);
        };
        let crd = Value::Object(object::decode(&kv.value, kv.mod_revision));
        let served: Vec<&str> = versions(&crd)
            .iter()
            .filter(|v| v["served"] == true)
            .filter_map(|v| v["name"].as_str())
            .collect();
        let version = match storage_version(&crd) {
            Some(storage) if served.contains(&storage) => storage,
            _ => match served.first() {
                Some(first) => first,
                None => return Ok(None),
            },
        };
        Ok(self.build(name, version, kv.mod_revision, || crd.clone()))
    }

    /// The kinds every established CRD serves, in name order then `spec.versions` order.
    pub async fn served(&self, registry: &Registry) -> ApiResult<Vec<Arc<Kind>>> {
        let mut kinds = Vec::new();
        for crd in list(registry).await? {
            let name = str_at(&crd, &["metadata", "name"]);
            // `list` decodes each CRD with its `mod_revision` as its resourceVersion.
            let Ok(revision) = str_at(&crd, &["metadata", "resourceVersion"]).parse() else {
                continue;
            };
            for version in versions(&crd).iter().filter_map(|v| v["name"].as_str()) {
                kinds.extend(self.build(name.to_owned(), version, revision, || crd.clone()));
            }
        }
        Ok(kinds)
    }

    /// The kind of a CRD's `version`, from the cache while the CRD is still at `revision`;
    /// `crd` is the CRD, decoded only when the kind is built.
    fn build(
        &self,
        name: String,
        version: &str,
        revision: i64,
        crd: impl FnOnce() -> Value,
    ) -> Option<Arc<Kind>> {
        let cache_key = (name, version.to_owned());
        if let Some((built_at, kind)) = self.lock().get(&cache_key)
            && *built_at == revision
        {
            return Some(Arc::clone(kind));
        }
        let kind = kind_of(&crd(), version)?;
        self.lock().insert(cache_key, (revision, Arc::clone(&kind)));
        Some(kind)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Built> {
        self.built.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The stored CRD named `<resource>.<group>`, with its name.
async fn read(
    registry: &Registry,
    group: &str,
    resource: &str,
) -> ApiResult<Option<(String, kubemem_store::KeyValue)>> {
    if !group.contains('.') {
        return Ok(None);
    }
    let name = format!("{resource}.{group}");
    let kv = registry.get_kv(&format!("{PREFIX}{name}")).await?;
    Ok(kv.map(|kv| (name, kv)))
}

/// The kind of an established CRD's served version.
pub fn kind_of(crd: &Value, version: &str) -> Option<Arc<Kind>> {
    if !condition_true(crd, "Established") {
        return None;
    }
    let served = served(crd, version)?;
    let info = resource_info(crd, &served);
    Some(Arc::new(Kind::custom(info, Arc::new(served))))
}

/// Every stored CRD, in name order.
pub async fn list(registry: &Registry) -> ApiResult<Vec<Value>> {
    Ok(registry
        .list_prefix(PREFIX)
        .await?
        .into_iter()
        .map(Value::Object)
        .collect())
}

/// `version.CompareKubeAwareVersionStrings`, highest priority first: GA versions (`v2` before
/// `v1`), then betas, then alphas (higher numbers first), then anything else by name.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn parse(v: &str) -> Option<(u64, u8, u64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let major = rest[..digits].parse().ok()?;
        let tail = &rest[digits..];
        let (level, minor) = if tail.is_empty() {
            (2, 0)
        } else if let Some(n) = tail.strip_prefix("beta") {
            (1, n.parse().ok()?)
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (0, n.parse().ok()?)
        } else {
            return None;
        };
        Some((major, level, minor))
    }
    match (parse(a), parse(b)) {
        (Some((ma, la, na)), Some((mb, lb, nb))) => lb.cmp(&la).then(mb.cmp(&ma)).then(nb.cmp(&na)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// The decoded object of a stored CRD.
pub fn as_map(crd: Value) -> Map<String, Value> {
    match crd {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `defaultDeprecationWarning`: the highest served, non-deprecated version above the
    /// deprecated one is recommended; none when there is none.
    #[test]
    fn default_deprecation_warnings_name_the_best_newer_version() {
        let spec = json!({"group": "example.com", "names": {"kind": "Widget"}, "versions": [
            {"name": "v1alpha1", "served": true},
            {"name": "v1beta1", "served": true},
            {"name": "v1beta2", "served": true, "deprecated": true},
            {"name": "v2", "served": false},
            {"name": "v1", "served": true}
        ]});
        let cases = [
            (
                "v1alpha1",
                "example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget",
            ),
            ("v1", "example.com/v1 Widget is deprecated"),
        ];
        for (i, (version, want)) in cases.into_iter().enumerate() {
            println!("#{i}: {version}");
            assert_eq!(default_deprecation_warning(&spec, version), want, "#{i}");
        }
    }
}
