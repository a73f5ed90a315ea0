//! Server-side Table printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), as
//! kube-apiserver v1.36 does it with `pkg/printers/internalversion/printers.go` for built-in
//! kinds and `rest.DefaultTableConvertor` for the rest.
//!
//! The printers run on the v1 JSON of an object (what the store holds; HorizontalPodAutoscalers in
//! their autoscaling/v2 storage form). kube-apiserver always prints with `Wide: true`, so a row
//! has one cell per column, priority-1 columns included; clients drop those unless `-o wide`.
//! Cells are JSON strings, integers and booleans exactly as Go marshals the printers' values.
//!
//! Objects are printed as stored: kube-apiserver prints objects that went through defaulting,
//! so a field that defaulting would have set (a Service's `type`, a port's `protocol`,
//! `spec.replicas`, a CronJob's `suspend`, ...) prints as its zero value here if it is missing.

mod cluster;
pub(crate) mod columns;
mod json;
mod network;
mod pods;
pub(crate) mod selector;
pub(crate) mod time;
mod workloads;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_cluster;
#[cfg(test)]
mod tests_pods;
#[cfg(test)]
mod tests_workloads;

use serde_json::{Value, json};

/// A `metav1.TableColumnDefinition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// `"string"`, `"integer"`, `"boolean"` or `"date"`.
    pub type_: &'static str,
    /// `"name"` for the object's name column, `""` otherwise.
    pub format: &'static str,
    pub description: &'static str,
    /// 0 for normal columns, 1 for the ones `kubectl get -o wide` adds.
    pub priority: i32,
}

impl Column {
    /// The column as it appears in `columnDefinitions` (Go field order, no field omitted).
    // By reference so that `columns.iter().map(Column::to_json)` works.
    #[allow(clippy::wrong_self_convention)]
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// The printer registered for a resource.
#[derive(Clone, Copy)]
enum Printer {
    Pod,
    PodTemplate,
    ReplicationController,
    ReplicaSet,
    Deployment,
    DaemonSet,
    StatefulSet,
    Job,
    CronJob,
    ControllerRevision,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
    IngressClass,
    NetworkPolicy,
    Node,
    Namespace,
    Event { events_api: bool },
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
    PriorityClass,
    Secret,
    ConfigMap,
    ServiceAccount,
    ResourceQuota,
    Lease,
    RoleBinding,
    ClusterRoleBinding,
    ComponentStatus,
}

fn printer(group: &str, resource: &str) -> Option<Printer> {
    use Printer as P;
    Some(match (group, resource) {
        ("", "pods") => P::Pod,
        ("", "podtemplates") => P::PodTemplate,
        ("", "replicationcontrollers") => P::ReplicationController,
        ("", "services") => P::Service,
        ("", "endpoints") => P::Endpoints,
        ("", "nodes") => P::Node,
        ("", "namespaces") => P::Namespace,
        ("", "events") => P::Event { events_api: false },
        ("", "persistentvolumes") => P::PersistentVolume,
        ("", "persistentvolumeclaims") => P::PersistentVolumeClaim,
        ("", "secrets") => P::Secret,
        ("", "configmaps") => P::ConfigMap,
        ("", "serviceaccounts") => P::ServiceAccount,
        ("", "resourcequotas") => P::ResourceQuota,
        ("", "componentstatuses") => P::ComponentStatus,
        ("apps", "replicasets") => P::ReplicaSet,
        ("apps", "deployments") => P::Deployment,
        ("apps", "daemonsets") => P::DaemonSet,
        ("apps", "statefulsets") => P::StatefulSet,
        ("apps", "controllerrevisions") => P::ControllerRevision,
        ("batch", "jobs") => P::Job,
        ("batch", "cronjobs") => P::CronJob,
        ("autoscaling", "horizontalpodautoscalers") => P::HorizontalPodAutoscaler,
        ("policy", "poddisruptionbudgets") => P::PodDisruptionBudget,
        ("discovery.k8s.io", "endpointslices") => P::EndpointSlice,
        ("networking.k8s.io", "ingresses") => P::Ingress,
        ("networking.k8s.io", "ingressclasses") => P::IngressClass,
        ("networking.k8s.io", "networkpolicies") => P::NetworkPolicy,
        ("events.k8s.io", "events") => P::Event { events_api: true },
        ("storage.k8s.io", "storageclasses") => P::StorageClass,
        ("scheduling.k8s.io", "priorityclasses") => P::PriorityClass,
        ("coordination.k8s.io", "leases") => P::Lease,
        ("rbac.authorization.k8s.io", "rolebindings") => P::RoleBinding,
        ("rbac.authorization.k8s.io", "clusterrolebindings") => P::ClusterRoleBinding,
        _ => return None,
    })
}

/// The column definitions of a resource (group `""` for core), or `None` if kube-apiserver has
/// no printer for it (limitranges, roles, clusterroles, ...): use [`default_columns`] then.
pub fn columns(group: &str, resource: &str) -> Option<&'static [Column]> {
    use Printer as P;
    Some(match printer(group, resource)? {
        P::Pod => columns::PODS,
        P::PodTemplate => columns::POD_TEMPLATES,
        P::ReplicationController => columns::REPLICATION_CONTROLLERS,
        P::ReplicaSet => columns::REPLICA_SETS,
        P::Deployment => columns::DEPLOYMENTS,
        P::DaemonSet => columns::DAEMON_SETS,
        P::StatefulSet => columns::STATEFUL_SETS,
        P::Job => columns::JOBS,
        P::CronJob => columns::CRON_JOBS,
        P::ControllerRevision => columns::CONTROLLER_REVISIONS,
        P::HorizontalPodAutoscaler => columns::HORIZONTAL_POD_AUTOSCALERS,
        P::PodDisruptionBudget => columns::POD_DISRUPTION_BUDGETS,
        P::Service => columns::SERVICES,
        P::Endpoints => columns::ENDPOINTS,
        P::EndpointSlice => columns::ENDPOINT_SLICES,
        P::Ingress => columns::INGRESSES,
        P::IngressClass => columns::INGRESS_CLASSES,
        P::NetworkPolicy => columns::NETWORK_POLICIES,
        P::Node => columns::NODES,
        P::Namespace => columns::NAMESPACES,
        P::Event { .. } => columns::EVENTS,
        P::PersistentVolume => columns::PERSISTENT_VOLUMES,
        P::PersistentVolumeClaim => columns::PERSISTENT_VOLUME_CLAIMS,
        P::StorageClass => columns::STORAGE_CLASSES,
        P::PriorityClass => columns::PRIORITY_CLASSES,
        P::Secret => columns::SECRETS,
        P::ConfigMap => columns::CONFIG_MAPS,
        P::ServiceAccount => columns::SERVICE_ACCOUNTS,
        P::ResourceQuota => columns::RESOURCE_QUOTAS,
        P::Lease => columns::LEASES,
        P::RoleBinding => columns::ROLE_BINDINGS,
        P::ClusterRoleBinding => columns::CLUSTER_ROLE_BINDINGS,
        P::ComponentStatus => columns::COMPONENT_STATUSES,
    })
}

/// `rest.DefaultTableConvertor`'s columns: `Name` and `Created At`.
pub fn default_columns() -> &'static [Column] {
    columns::DEFAULT
}

/// The cells of one row, in the order of [`columns`] (or [`default_columns`] for a resource
/// without a printer), with the AGE-like cells computed against `now_unix` (seconds).
pub fn cells(group: &str, resource: &str, obj: &Value, now_unix: i64) -> Vec<Value> {
    use Printer as P;
    let now = now_unix;
    let Some(p) = printer(group, resource) else {
        let created = time::parse(json::at(obj, &["metadata", "creationTimestamp"]));
        return vec![json!(json::name(obj)), json!(time::rfc3339_utc(created))];
    };
    match p {
        P::Pod => pods::cells(obj, now),
        P::PodTemplate => pods::pod_template_cells(obj),
        P::ReplicationController => workloads::replication_controller(obj, now),
        P::ReplicaSet => workloads::replica_set(obj, now),
        P::Deployment => workloads::deployment(obj, now),
        P::DaemonSet => workloads::daemon_set(obj, now),
        P::StatefulSet => workloads::stateful_set(obj, now),
        P::Job => workloads::job(obj, now),
        P::CronJob => workloads::cron_job(obj, now),
        P::ControllerRevision => workloads::controller_revision(obj, now),
        P::HorizontalPodAutoscaler => workloads::horizontal_pod_autoscaler(obj, now),
        P::PodDisruptionBudget => workloads::pod_disruption_budget(obj, now),
        P::Service => network::service(obj, now),
        P::Endpoints => network::endpoints(obj, now),
        P::EndpointSlice => network::endpoint_slice(obj, now),
        P::Ingress => network::ingress(obj, now),
        P::IngressClass => network::ingress_class(obj, now),
        P::NetworkPolicy => network::network_policy(obj, now),
        P::Node => cluster::node(obj, now),
        P::Namespace => cluster::namespace(obj, now),
        P::Event { events_api } => cluster::event(obj, now, events_api),
        P::PersistentVolume => cluster::persistent_volume(obj, now),
        P::PersistentVolumeClaim => cluster::persistent_volume_claim(obj, now),
        P::StorageClass => cluster::storage_class(obj, now),
        P::PriorityClass => cluster::priority_class(obj, now),
        P::Secret => cluster::secret(obj, now),
        P::ConfigMap => cluster::config_map(obj, now),
        P::ServiceAccount => cluster::service_account(obj, now),
        P::ResourceQuota => cluster::resource_quota(obj, now),
        P::Lease => cluster::lease(obj, now),
        P::RoleBinding | P::ClusterRoleBinding => cluster::role_binding(obj, now),
        P::ComponentStatus => cluster::component_status(obj),
    }
}

/// The row's `conditions` (`metav1.TableRowCondition`s), which only pods have: a Succeeded or
/// Failed pod gets `[{"type":"Completed","status":"True","reason":...,"message":...}]`. `None`
/// means the row has no `conditions` key.
pub fn row_conditions(group: &str, resource: &str, obj: &Value) -> Option<Value> {
    match printer(group, resource)? {
        Printer::Pod => pods::conditions(obj),
        _ => None,
    }
}

/// `layoutContainerCells`: container names and images of a pod spec, comma separated.
fn containers(pod_spec: Option<&Value>) -> (String, String) {
    let list = pod_spec.map_or(&[][..], |s| json::arr(s, &["containers"]));
    let names: Vec<&str> = list.iter().map(|c| json::str_at(c, &["name"])).collect();
    let images: Vec<&str> = list.iter().map(|c| json::str_at(c, &["image"])).collect();
    (names.join(","), images.join(","))
}
