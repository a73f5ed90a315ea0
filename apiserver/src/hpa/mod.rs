//! HorizontalPodAutoscaler conversion between `autoscaling/v2` (the storage
//! form) and `autoscaling/v1`, on JSON objects.
//!
//! kube-apiserver converts v2 -> internal -> v1 and back; the internal type has
//! the v2 shape, so this module reproduces the composition of:
//!
//! * `pkg/apis/autoscaling/v1/conversion.go`:
//!   `Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler`,
//!   `Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler`,
//!   the Spec/Status functions and the per-source MetricSpec/MetricStatus ones;
//! * `pkg/apis/autoscaling/v2/conversion.go` (v2 <-> internal only drops the
//!   round-trip annotations);
//! * `pkg/apis/autoscaling/annotations.go` (annotation keys, `DefaultCPUUtilization`)
//!   and `pkg/apis/autoscaling/helpers.go`
//!   (`DropRoundTripHorizontalPodAutoscalerAnnotations`);
//! * field names, order and `omitempty` from
//!   `staging/src/k8s.io/api/autoscaling/v1/types.go` and `.../v2/types.go`.
//!
//! v1 only carries `targetCPUUtilizationPercentage` and
//! `currentCPUUtilizationPercentage`; everything else travels in
//! `autoscaling.alpha.kubernetes.io/*` annotations holding `encoding/json`
//! output (compact, `<` `>` `&` U+2028 U+2029 escaped; see `crate::json`):
//!
//! * `.../metrics`: every spec metric except CPU-utilization ones, in v1
//!   `MetricSpec` form;
//! * `.../current-metrics`: *all* status metrics (CPU included) in v1
//!   `MetricStatus` form;
//! * `.../behavior`: the *internal* `HorizontalPodAutoscalerBehavior`, which has
//!   no json tags, so its keys are Go field names (`ScaleUp`,
//!   `StabilizationWindowSeconds`, ..., `Tolerance`) and nil pointers are `null`;
//! * `.../conditions`: the conditions in v1 form.
//!
//! Reading v1, annotations are decoded like `encoding/json.Unmarshal`: keys
//! match case-insensitively, and an annotation that does not parse or has a
//! value of the wrong type is ignored as a whole. All round-trip annotations
//! are removed afterwards whether they were used or not.
//!
//! Not done here (they are defaulting, not conversion): v1 `minReplicas`
//! defaulting and v2 defaulting (`minReplicas`, default CPU metric, behavior
//! fill-in). Quantities are passed through as text (trimmed, validated when
//! read from an annotation) but not canonicalized.
//!
//! Layout: this file holds the two conversions; `model` the internal
//! (v2-shaped) types, `read` decoding (v2 and v1 bodies, round-trip
//! annotations) and `write` encoding (v2 and v1 json, metadata edits).

mod model;
mod read;
mod write;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use model::{cpu_utilization_metric, cpu_utilization_target};
use read::{
    decode_list, decode_object, metric_spec_from_v1, metric_status_from_v1, read_behavior,
    read_condition, read_v1, read_v2,
};
use write::{
    annotations_of, behavior_internal_json, behavior_v2_json, condition_json, drop_round_trip,
    insert_status_head, kind_of, marshal, metadata_of, metric_spec_to_v1, metric_status_to_v1,
    metric_v2_json, ref_json, store_annotations,
};

/// `autoscaling.MetricSpecsAnnotation` (annotations.go).
pub const METRIC_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// `autoscaling.MetricStatusesAnnotation` (annotations.go).
pub const METRIC_STATUSES_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/current-metrics";
/// `autoscaling.HorizontalPodAutoscalerConditionsAnnotation` (annotations.go).
pub const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";
/// `autoscaling.BehaviorSpecsAnnotation` (annotations.go).
pub const BEHAVIOR_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/behavior";
/// `autoscaling.ToleranceScaleDownAnnotation` (annotations.go; written by v2beta2 only).
pub const TOLERANCE_SCALE_DOWN_ANNOTATION: &str =
    "autoscaling.alpha.kubernetes.io/scale-down-tolerance";
/// `autoscaling.ToleranceScaleUpAnnotation` (annotations.go; written by v2beta2 only).
pub const TOLERANCE_SCALE_UP_ANNOTATION: &str =
    "autoscaling.alpha.kubernetes.io/scale-up-tolerance";
/// `autoscaling.DefaultCPUUtilization` (annotations.go).
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;

/// The keys `DropRoundTripHorizontalPodAutoscalerAnnotations` (helpers.go) removes.
const ROUND_TRIP_ANNOTATIONS: [&str; 6] = [
    METRIC_SPECS_ANNOTATION,
    BEHAVIOR_SPECS_ANNOTATION,
    TOLERANCE_SCALE_DOWN_ANNOTATION,
    TOLERANCE_SCALE_UP_ANNOTATION,
    METRIC_STATUSES_ANNOTATION,
    CONDITIONS_ANNOTATION,
];

/// `metav1.ObjectMeta` json fields up to (excluding) `annotations`, in Go order.
const OBJECT_META_BEFORE_ANNOTATIONS: [&str; 11] = [
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
];

type Obj = Map<String, Value>;

/// autoscaling/v2 object (as stored) -> autoscaling/v1 object (as served at /apis/autoscaling/v1).
pub fn v2_to_v1(obj: &Map<String, Value>) -> Map<String, Value> {
    let hpa = read_v2(obj).unwrap_or_default();

    // Convert_autoscaling_HorizontalPodAutoscalerSpec_To_v1_HorizontalPodAutoscalerSpec
    let mut spec = Obj::new();
    spec.insert("scaleTargetRef".into(), ref_json(&hpa.scale_target_ref));
    if let Some(n) = hpa.min_replicas {
        spec.insert("minReplicas".into(), n.into());
    }
    spec.insert("maxReplicas".into(), hpa.max_replicas.into());
    if let Some(cpu) = hpa.metrics.iter().find_map(cpu_utilization_target) {
        spec.insert("targetCPUUtilizationPercentage".into(), cpu.into());
    }

    // Convert_autoscaling_HorizontalPodAutoscalerStatus_To_v1_HorizontalPodAutoscalerStatus:
    // no `break`, so the last CPU status with a utilization wins.
    let mut status = Obj::new();
    insert_status_head(&mut status, &hpa);
    status.insert("currentReplicas".into(), hpa.current_replicas.into());
    status.insert("desiredReplicas".into(), hpa.desired_replicas.into());
    let current_cpu = hpa
        .current_metrics
        .iter()
        .filter(|m| m.kind == "Resource")
        .filter_map(|m| m.resource.as_ref())
        .filter(|r| r.name == "cpu")
        .filter_map(|r| r.measure.average_utilization)
        .next_back();
    if let Some(cpu) = current_cpu {
        status.insert("currentCPUUtilizationPercentage".into(), cpu.into());
    }

    // Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler:
    // drop stale round-trip annotations, then set the ones produced here.
    let mut metadata = metadata_of(obj);
    let mut annotations = annotations_of(&metadata);
    let mut changed = drop_round_trip(&mut annotations);
    let mut set = |key: &str, value: Value| {
        annotations
            .get_or_insert_with(Obj::new)
            .insert(key.into(), marshal(&value).into());
        changed = true;
    };
    let other_metrics: Vec<Value> = hpa
        .metrics
        .iter()
        .filter(|m| cpu_utilization_target(m).is_none())
        .map(metric_spec_to_v1)
        .collect();
    if !other_metrics.is_empty() {
        set(METRIC_SPECS_ANNOTATION, Value::Array(other_metrics));
    }
    if !hpa.current_metrics.is_empty() {
        let current = hpa
            .current_metrics
            .iter()
            .map(metric_status_to_v1)
            .collect();
        set(METRIC_STATUSES_ANNOTATION, Value::Array(current));
    }
    if let Some(behavior) = &hpa.behavior {
        set(BEHAVIOR_SPECS_ANNOTATION, behavior_internal_json(behavior));
    }
    if !hpa.conditions.is_empty() {
        let conditions = hpa.conditions.iter().map(condition_json).collect();
        set(CONDITIONS_ANNOTATION, Value::Array(conditions));
    }
    if changed {
        store_annotations(&mut metadata, annotations);
    }

    let mut out = Obj::new();
    out.insert("kind".into(), kind_of(obj));
    out.insert("apiVersion".into(), "autoscaling/v1".into());
    out.insert("metadata".into(), Value::Object(metadata));
    out.insert("spec".into(), Value::Object(spec));
    out.insert("status".into(), Value::Object(status));
    out
}

/// autoscaling/v1 object (as a client sends it) -> autoscaling/v2 object (to store).
pub fn v1_to_v2(obj: &Map<String, Value>) -> Map<String, Value> {
    let mut hpa = read_v1(obj).unwrap_or_default();
    let mut metadata = metadata_of(obj);
    let mut annotations = annotations_of(&metadata);
    let annotation = |key: &str| {
        annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };

    // Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler, in its order.
    if let Some(others) =
        annotation(METRIC_SPECS_ANNOTATION).and_then(|t| decode_list(&t, metric_spec_from_v1))
    {
        // The spec conversion put the CPU metric (if any) in Metrics; it goes last.
        let cpu = std::mem::replace(&mut hpa.metrics, others);
        hpa.metrics.extend(cpu);
    }
    if let Some(behavior) =
        annotation(BEHAVIOR_SPECS_ANNOTATION).and_then(|t| decode_object(&t, read_behavior))
    {
        // `behavior != (autoscaling.HorizontalPodAutoscalerBehavior{})`
        if behavior.scale_up.is_some() || behavior.scale_down.is_some() {
            hpa.behavior = Some(behavior);
        }
    }
    if let Some(current) =
        annotation(METRIC_STATUSES_ANNOTATION).and_then(|t| decode_list(&t, metric_status_from_v1))
    {
        hpa.current_metrics = current;
    }
    if hpa.metrics.is_empty() {
        hpa.metrics = vec![cpu_utilization_metric(DEFAULT_CPU_UTILIZATION)];
    }
    if let Some(conditions) =
        annotation(CONDITIONS_ANNOTATION).and_then(|t| decode_list(&t, read_condition))
    {
        hpa.conditions = conditions;
    }
    if drop_round_trip(&mut annotations) {
        store_annotations(&mut metadata, annotations);
    }

    let mut spec = Obj::new();
    spec.insert("scaleTargetRef".into(), ref_json(&hpa.scale_target_ref));
    if let Some(n) = hpa.min_replicas {
        spec.insert("minReplicas".into(), n.into());
    }
    spec.insert("maxReplicas".into(), hpa.max_replicas.into());
    // `metrics,omitempty`; never empty here because of the default above.
    let metrics = hpa.metrics.iter().map(metric_v2_json).collect();
    spec.insert("metrics".into(), Value::Array(metrics));
    if let Some(behavior) = &hpa.behavior {
        spec.insert("behavior".into(), behavior_v2_json(behavior));
    }

    let mut status = Obj::new();
    insert_status_head(&mut status, &hpa);
    if hpa.current_replicas != 0 {
        status.insert("currentReplicas".into(), hpa.current_replicas.into());
    }
    status.insert("desiredReplicas".into(), hpa.desired_replicas.into());
    // v2 `currentMetrics` has no omitempty; an empty list is nil after the
    // protobuf storage round trip, hence `null`.
    let current_metrics = if hpa.current_metrics.is_empty() {
        Value::Null
    } else {
        Value::Array(hpa.current_metrics.iter().map(metric_v2_json).collect())
    };
    status.insert("currentMetrics".into(), current_metrics);
    if !hpa.conditions.is_empty() {
        let conditions = hpa.conditions.iter().map(condition_json).collect();
        status.insert("conditions".into(), Value::Array(conditions));
    }

    let mut out = Obj::new();
    out.insert("kind".into(), kind_of(obj));
    out.insert("apiVersion".into(), "autoscaling/v2".into());
    out.insert("metadata".into(), Value::Object(metadata));
    out.insert("spec".into(), Value::Object(spec));
    out.insert("status".into(), Value::Object(status));
    out
}
