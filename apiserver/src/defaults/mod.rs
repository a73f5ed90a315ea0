//! kube-apiserver's defaulting of built-in kinds, on JSON objects.
//!
//! kube-apiserver decodes every write (create, update, patch result) into the versioned Go type
//! and runs the scheme's defaulters: the `SetDefaults_*` functions of
//! `pkg/apis/<group>/<version>/defaults.go`, composed per kind by the generated
//! `zz_generated.defaults.go` (declarative `+default` tags included). It decodes what it stored
//! the same way, so defaulting also runs on every read: [`apply_defaults`] is idempotent and may
//! be run again after a strategy changed the object (see [`job_selector`]).
//!
//! Feature-gated defaults follow the v1.36 defaults: `ImageVolume` (on since 1.35),
//! `PodLevelResources` (beta, on), `MaxUnavailableStatefulSet` (beta, on since 1.35),
//! `JobPodReplacementPolicy` (GA); `PodLogsQuerySplitStreams` is alpha, so not applied.
//!
//! Besides the defaulters this pass also writes what the Go round trip makes visible:
//! - quantities in the resource lists the defaulters visit are rounded up to milli precision
//!   (`SetDefaults_ResourceList`) and written in canonical form, keys sorted as Go maps are;
//! - `spec.serviceAccount` mirrors `spec.serviceAccountName` (v1 PodSpec conversion);
//! - struct fields Go always encodes appear when absent: a container's `resources: {}`, a pod
//!   template's `metadata: {}`, a NetworkPolicy's `podSelector: {}` (statuses are the
//!   registry's `PrepareForCreate` business and are left alone).
//!
//! Defaults are inserted where Go's struct field order puts them. Values of the wrong JSON type
//! are left as they are: decoding or validation rejects them.
//!
//! Layout: `pod` (pod specs and templates), `workloads` (apps, batch, core controllers),
//! `kinds` (every other kind), `quantity` (resource.Quantity), `image` (image references),
//! `admission` (what the default-on admission plugins add to pods), `json` (helpers).

mod admission;
mod image;
mod json;
mod kinds;
mod pod;
mod workloads;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

pub use admission::{default_priority, default_toleration_seconds, service_account_token};

use json::{Obj, child, put};

/// Applies kube-apiserver's defaulting to a v1 object of `group`/`resource` as received on create
/// or update (SetDefaults_* of pkg/apis/<group>/v1/defaults.go + the generated defaulters, run on
/// decode — so also on updates), in place. `obj` is the JSON object as the client sent it,
/// at its served version (for HPA: autoscaling/v2 and v1 both possible — take `version`).
pub fn apply_defaults(group: &str, version: &str, resource: &str, obj: &mut Map<String, Value>) {
    match (group, resource) {
        ("", "pods") => pod::pod(obj),
        ("", "podtemplates") => {
            if let Some(template) = child(obj, "template") {
                pod::template(template);
            }
        }
        ("", "replicationcontrollers") => workloads::replication_controller(obj),
        ("", "services") => kinds::service(obj),
        ("", "endpoints") => kinds::endpoints(obj),
        ("", "namespaces") => kinds::namespace(obj),
        ("", "secrets") => kinds::secret(obj),
        ("", "persistentvolumes") => kinds::persistent_volume(obj),
        ("", "persistentvolumeclaims") => kinds::persistent_volume_claim(obj),
        ("", "limitranges") => kinds::limit_range(obj),
        ("", "resourcequotas") => kinds::resource_quota(obj),
        ("", "nodes") => kinds::node(obj),
        ("", "events") => kinds::core_event(obj),
        ("apps", "deployments") => workloads::deployment(obj),
        ("apps", "replicasets") => workloads::replica_set(obj),
        ("apps", "daemonsets") => workloads::daemon_set(obj),
        ("apps", "statefulsets") => workloads::stateful_set(obj),
        ("batch", "jobs") => workloads::job(obj),
        ("batch", "cronjobs") => workloads::cron_job(obj),
        ("autoscaling", "horizontalpodautoscalers") if version == "v1" => kinds::hpa_v1(obj),
        ("autoscaling", "horizontalpodautoscalers") => kinds::hpa_v2(obj),
        ("networking.k8s.io", "networkpolicies") => kinds::network_policy(obj),
        ("networking.k8s.io", "ingressclasses") => kinds::ingress_class(obj),
        ("rbac.authorization.k8s.io", "rolebindings" | "clusterrolebindings") => {
            kinds::role_binding(obj)
        }
        ("storage.k8s.io", "storageclasses") => kinds::storage_class(obj),
        ("scheduling.k8s.io", "priorityclasses") => kinds::priority_class(obj),
        ("discovery.k8s.io", "endpointslices") => kinds::endpoint_slice(obj),
        ("events.k8s.io", "events") => kinds::events_event(obj),
        ("coordination.k8s.io", "leases") => kinds::lease(obj),
        // configmaps (`data` nil becomes an empty map, which `omitempty` hides), serviceaccounts,
        // controllerrevisions, ingresses, poddisruptionbudgets, roles, clusterroles: no defaults.
        _ => {}
    }
}

/// The Job strategy's `PrepareForCreate` selector generation (`generateSelector`), run when
/// `spec.manualSelector` is not true: the template gets the `batch.kubernetes.io/controller-uid`,
/// `batch.kubernetes.io/job-name`, `controller-uid` and `job-name` labels (kept where the user
/// set them) and `spec.selector.matchLabels` gets `batch.kubernetes.io/controller-uid`. `obj`
/// must already carry its final name (after generateName); `uid` is the one it gets.
///
/// Call it on the Job as received, *then* [`apply_defaults`]: `SetDefaults_Job` gives a Job
/// without labels its template's label map — the same Go map, which this function then fills —
/// and defaults again when the stored object is read, so such a Job ends up labeled with the
/// template's final labels, generated ones included. Defaulting first and selecting second
/// would leave those out.
pub fn job_selector(obj: &mut Map<String, Value>, uid: &str) {
    let name = obj
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let Some(spec) = child(obj, "spec") else {
        return;
    };
    if spec.get("manualSelector") == Some(&Value::Bool(true)) {
        return;
    }
    if let Some(template) = json::child_or_insert(spec, json::JOB_SPEC, "template")
        && let Some(meta) = json::child_or_insert(template, json::TEMPLATE, "metadata")
        && let Some(labels) = json::child_or_insert(meta, &[], "labels")
    {
        for (key, value) in [
            ("job-name", &name),
            ("batch.kubernetes.io/job-name", &name),
            ("controller-uid", &uid.to_owned()),
            ("batch.kubernetes.io/controller-uid", &uid.to_owned()),
        ] {
            if !labels.contains_key(key) {
                labels.insert(key.into(), Value::String(value.clone()));
            }
        }
        labels.sort_keys();
    }
    if let Some(selector) = json::child_or_insert(spec, json::JOB_SPEC, "selector")
        && let Some(match_labels) = json::child_or_insert(selector, &[], "matchLabels")
    {
        if !match_labels.contains_key("batch.kubernetes.io/controller-uid") {
            match_labels.insert(
                "batch.kubernetes.io/controller-uid".into(),
                Value::String(uid.into()),
            );
        }
        match_labels.sort_keys();
    }
}

/// The Service REST layer's `normalizeClusterIPs` and `initIPFamilyFields` for a single-stack
/// IPv4 cluster (`--service-cluster-ip-range` of one IPv4 CIDR), run before ClusterIP
/// allocation. `old` is the stored Service on update, `None` on create.
///
/// - `type: ExternalName`: nothing.
/// - On create, `clusterIP` without `clusterIPs` gives `clusterIPs: [clusterIP]`.
/// - `ipFamilyPolicy` unset: the old object's policy on update; `RequireDualStack` for a
///   headless Service without selector; `SingleStack` otherwise.
/// - `ipFamilies` gets the family of each given cluster IP it lacks (IPv4 only: an IPv6 one is
///   left for the allocator's error), then: headless without selector starts from `[IPv4]` and
///   adds `IPv6` unless the policy is `SingleStack`; every other Service gets `[IPv4]` when
///   empty.
///
/// The errors of that code (dual-stack demanded of this cluster, IPv6 families) are not
/// raised here.
pub fn service_ip_families(obj: &mut Map<String, Value>, old: Option<&Map<String, Value>>) {
    let Some(spec) = child(obj, "spec") else {
        return;
    };
    if spec.get("type").and_then(Value::as_str) == Some("ExternalName") {
        return;
    }
    let cluster_ip = spec
        .get("clusterIP")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if old.is_none() && !cluster_ip.is_empty() && json::empty_array(spec, "clusterIPs") {
        put(
            spec,
            json::SERVICE_SPEC,
            "clusterIPs",
            Value::Array(vec![Value::String(cluster_ip.clone())]),
        );
    }
    let headless_without_selector = cluster_ip == "None" && json::empty_object(spec, "selector");
    if json::absent(spec, "ipFamilyPolicy") {
        let old_policy = old
            .and_then(|o| o.get("spec"))
            .and_then(|s| s.get("ipFamilyPolicy"))
            .filter(|p| !p.is_null())
            .cloned();
        let policy = match old_policy {
            Some(p) => p,
            None if headless_without_selector => Value::String("RequireDualStack".into()),
            None => Value::String("SingleStack".into()),
        };
        put(spec, json::SERVICE_SPEC, "ipFamilyPolicy", policy);
    }
    let single_stack = spec.get("ipFamilyPolicy").and_then(Value::as_str) == Some("SingleStack");
    let ips: Vec<String> = match spec.get("clusterIPs") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if !matches!(
        spec.get("ipFamilies"),
        None | Some(Value::Null) | Some(Value::Array(_))
    ) {
        return;
    }
    let mut families: Vec<Value> = match spec.get("ipFamilies") {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    for (i, ip) in ips.iter().enumerate() {
        if ip == "None" {
            break;
        }
        if i >= families.len() && !ip.contains(':') {
            families.push(Value::String("IPv4".into()));
        }
    }
    if headless_without_selector {
        if families.is_empty() {
            families.push(Value::String("IPv4".into()));
        }
        if families.len() < 2 && !single_stack {
            let other = if families[0] == "IPv4" {
                "IPv6"
            } else {
                "IPv4"
            };
            families.push(Value::String(other.into()));
        }
    } else if families.is_empty() {
        families.push(Value::String("IPv4".into()));
    }
    put(
        spec,
        json::SERVICE_SPEC,
        "ipFamilies",
        Value::Array(families),
    );
}

/// The object's `spec`, created when absent: for kinds whose `spec` is a Go struct, always
/// encoded.
fn spec_or_insert(obj: &mut Obj) -> Option<&mut Obj> {
    json::child_or_insert(obj, json::OBJECT, "spec")
}
