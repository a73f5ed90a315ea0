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
//! output (compact, `<` `>` `&` U+2028 U+2029 escaped):
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

use std::collections::BTreeMap;

use serde_json::{Map, Value};

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
            .insert(key.into(), go_json(&value).into());
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

// ---------------------------------------------------------------------------
// The internal (v2-shaped) model.

#[derive(Debug, Clone, Default, PartialEq)]
struct Hpa {
    scale_target_ref: ObjectRef,
    min_replicas: Option<i32>,
    max_replicas: i32,
    metrics: Vec<Metric<Target>>,
    behavior: Option<Behavior>,
    observed_generation: Option<i64>,
    last_scale_time: Option<String>,
    current_replicas: i32,
    desired_replicas: i32,
    current_metrics: Vec<Metric<Current>>,
    conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ObjectRef {
    kind: String,
    name: String,
    api_version: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Requirement {
    key: String,
    operator: String,
    values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Selector {
    match_labels: BTreeMap<String, String>,
    match_expressions: Vec<Requirement>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Identifier {
    name: String,
    selector: Option<Selector>,
}

/// `MetricTarget`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Target {
    kind: String,
    value: Option<String>,
    average_value: Option<String>,
    average_utilization: Option<i32>,
}

/// `MetricValueStatus`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Current {
    value: Option<String>,
    average_value: Option<String>,
    average_utilization: Option<i32>,
}

/// `MetricSpec` (`T = Target`) or `MetricStatus` (`T = Current`).
#[derive(Debug, Clone, Default, PartialEq)]
struct Metric<T> {
    kind: String,
    object: Option<ObjectMetric<T>>,
    pods: Option<NamedMetric<T>>,
    resource: Option<ResourceMetric<T>>,
    container_resource: Option<ResourceMetric<T>>,
    external: Option<NamedMetric<T>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ObjectMetric<T> {
    described_object: ObjectRef,
    metric: Identifier,
    measure: T,
}

/// Pods and External sources.
#[derive(Debug, Clone, Default, PartialEq)]
struct NamedMetric<T> {
    metric: Identifier,
    measure: T,
}

/// Resource and ContainerResource sources (`container` unused for Resource).
#[derive(Debug, Clone, Default, PartialEq)]
struct ResourceMetric<T> {
    name: String,
    container: String,
    measure: T,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Behavior {
    scale_up: Option<ScalingRules>,
    scale_down: Option<ScalingRules>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ScalingRules {
    stabilization_window_seconds: Option<i32>,
    select_policy: Option<String>,
    policies: Vec<ScalingPolicy>,
    tolerance: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ScalingPolicy {
    kind: String,
    value: i32,
    period_seconds: i32,
}

/// `HorizontalPodAutoscalerCondition`; identical json in v1 and v2 (v1.36).
#[derive(Debug, Clone, Default, PartialEq)]
struct Condition {
    kind: String,
    status: String,
    last_transition_time: Option<String>,
    reason: String,
    message: String,
}

fn cpu_utilization_metric(utilization: i32) -> Metric<Target> {
    Metric {
        kind: "Resource".into(),
        resource: Some(ResourceMetric {
            name: "cpu".into(),
            container: String::new(),
            measure: Target {
                kind: "Utilization".into(),
                average_utilization: Some(utilization),
                ..Target::default()
            },
        }),
        ..Metric::default()
    }
}

/// The utilization of a `Resource` `cpu` metric with `target.averageUtilization` set.
fn cpu_utilization_target(m: &Metric<Target>) -> Option<i32> {
    let r = m.resource.as_ref().filter(|_| m.kind == "Resource")?;
    if r.name == "cpu" {
        r.measure.average_utilization
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Decoding.

/// How JSON is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The object body, already decoded/validated by the server: exact keys, a
    /// value of the wrong JSON type counts as absent.
    Body,
    /// A round-trip annotation, read like `encoding/json.Unmarshal`: keys match
    /// case-insensitively and any type error rejects the whole annotation.
    Annotation,
}

/// The annotation does not decode; `json.Unmarshal` returned an error.
#[derive(Debug)]
struct Rejected;

type Res<T> = Result<T, Rejected>;

impl Mode {
    /// The value under `name`; `null` reads as absent (zero value) like in Go.
    fn get<'a>(self, obj: &'a Obj, name: &str) -> Option<&'a Value> {
        let found = match self {
            Mode::Body => obj.get(name),
            // The last matching key wins, as later keys overwrite earlier ones.
            Mode::Annotation => obj
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v),
        };
        found.filter(|v| !v.is_null())
    }

    fn wrong_type<T>(self, fallback: T) -> Res<T> {
        match self {
            Mode::Body => Ok(fallback),
            Mode::Annotation => Err(Rejected),
        }
    }

    fn opt_string(self, obj: &Obj, name: &str) -> Res<Option<String>> {
        match self.get(obj, name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => self.wrong_type(None),
        }
    }

    fn string(self, obj: &Obj, name: &str) -> Res<String> {
        Ok(self.opt_string(obj, name)?.unwrap_or_default())
    }

    /// An integer that must fit `T` (Go rejects fractions, exponents and overflow).
    fn opt_int<T: TryFrom<i64>>(self, obj: &Obj, name: &str) -> Res<Option<T>> {
        match self.get(obj, name) {
            None => Ok(None),
            Some(v) => match v.as_i64().and_then(|n| T::try_from(n).ok()) {
                Some(n) => Ok(Some(n)),
                None => self.wrong_type(None),
            },
        }
    }

    fn int<T: TryFrom<i64> + Default>(self, obj: &Obj, name: &str) -> Res<T> {
        Ok(self.opt_int(obj, name)?.unwrap_or_default())
    }

    /// A `*resource.Quantity`: a string (or bare number), trimmed like
    /// `Quantity.UnmarshalJSON`; annotation values must parse.
    fn opt_quantity(self, obj: &Obj, name: &str) -> Res<Option<String>> {
        let text = match self.get(obj, name) {
            None => return Ok(None),
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return self.wrong_type(None),
        };
        if self == Mode::Annotation && !is_quantity(&text) {
            return Err(Rejected);
        }
        Ok(Some(text))
    }

    /// A non-pointer `resource.Quantity`: absent is the zero quantity, `"0"`.
    fn quantity(self, obj: &Obj, name: &str) -> Res<String> {
        Ok(self.opt_quantity(obj, name)?.unwrap_or_else(|| "0".into()))
    }

    /// A `metav1.Time`. Annotation values go through `time.Parse(RFC3339)` and
    /// come back out as UTC seconds; the zero time is `null`.
    fn opt_time(self, obj: &Obj, name: &str) -> Res<Option<String>> {
        match (self.get(obj, name), self) {
            (None, _) => Ok(None),
            (Some(Value::String(s)), Mode::Body) => Ok(Some(s.clone())),
            (Some(Value::String(s)), Mode::Annotation) => normalize_time(s).ok_or(Rejected),
            (Some(_), _) => self.wrong_type(None),
        }
    }

    fn object<'a>(self, obj: &'a Obj, name: &str) -> Res<Option<&'a Obj>> {
        match self.get(obj, name) {
            None => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(_) => self.wrong_type(None),
        }
    }

    /// A struct-valued field read with `read`; absent yields `None`.
    fn sub<T>(self, obj: &Obj, name: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Res<Option<T>> {
        self.object(obj, name)?.map(|o| read(self, o)).transpose()
    }

    /// A non-pointer struct field: absent reads as the zero value.
    fn nested<T>(self, obj: &Obj, name: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Res<T> {
        match self.object(obj, name)? {
            Some(o) => read(self, o),
            None => read(self, &Obj::new()),
        }
    }

    /// A slice of structs. A `null` element is the zero value; in body mode a
    /// non-object element is skipped.
    fn items<T>(self, obj: &Obj, name: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Res<Vec<T>> {
        match self.get(obj, name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => self.elements(items, read),
            Some(_) => self.wrong_type(Vec::new()),
        }
    }

    fn elements<T>(self, items: &[Value], read: impl Fn(Mode, &Obj) -> Res<T>) -> Res<Vec<T>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Object(o) => out.push(read(self, o)?),
                Value::Null => out.push(read(self, &Obj::new())?),
                _ => self.wrong_type(())?,
            }
        }
        Ok(out)
    }

    fn strings(self, obj: &Obj, name: &str) -> Res<Vec<String>> {
        let Some(value) = self.get(obj, name) else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = value else {
            return self.wrong_type(Vec::new());
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) => out.push(s.clone()),
                Value::Null => out.push(String::new()),
                _ => self.wrong_type(())?,
            }
        }
        Ok(out)
    }

    fn string_map(self, obj: &Obj, name: &str) -> Res<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        if let Some(map) = self.object(obj, name)? {
            for (k, v) in map {
                match v {
                    Value::String(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    Value::Null => {
                        out.insert(k.clone(), String::new());
                    }
                    _ => self.wrong_type(())?,
                }
            }
        }
        Ok(out)
    }
}

/// Decodes an annotation holding a JSON array, or `None` if `json.Unmarshal`
/// would fail (`null` is an empty slice).
fn decode_list<T>(text: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Option<Vec<T>> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => Mode::Annotation.elements(&items, read).ok(),
        _ => None,
    }
}

/// Decodes an annotation holding a JSON object (`null` is the zero value).
fn decode_object<T>(text: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Option<T> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Null => read(Mode::Annotation, &Obj::new()).ok(),
        Value::Object(o) => read(Mode::Annotation, &o).ok(),
        _ => None,
    }
}

fn read_ref(mode: Mode, o: &Obj) -> Res<ObjectRef> {
    Ok(ObjectRef {
        kind: mode.string(o, "kind")?,
        name: mode.string(o, "name")?,
        api_version: mode.string(o, "apiVersion")?,
    })
}

fn read_selector(mode: Mode, o: &Obj) -> Res<Selector> {
    Ok(Selector {
        match_labels: mode.string_map(o, "matchLabels")?,
        match_expressions: mode.items(o, "matchExpressions", |mode, r| {
            Ok(Requirement {
                key: mode.string(r, "key")?,
                operator: mode.string(r, "operator")?,
                values: mode.strings(r, "values")?,
            })
        })?,
    })
}

fn read_identifier(mode: Mode, o: &Obj) -> Res<Identifier> {
    Ok(Identifier {
        name: mode.string(o, "name")?,
        selector: mode.sub(o, "selector", read_selector)?,
    })
}

/// `HPAScalingRules` json fields and internal Go field names differ only in
/// case, so one reader serves the v2 body and the (case-insensitive) annotation.
fn read_behavior(mode: Mode, o: &Obj) -> Res<Behavior> {
    let rules = |mode: Mode, r: &Obj| -> Res<ScalingRules> {
        Ok(ScalingRules {
            stabilization_window_seconds: mode.opt_int(r, "stabilizationWindowSeconds")?,
            select_policy: mode.opt_string(r, "selectPolicy")?,
            policies: mode.items(r, "policies", |mode, p| {
                Ok(ScalingPolicy {
                    kind: mode.string(p, "type")?,
                    value: mode.int(p, "value")?,
                    period_seconds: mode.int(p, "periodSeconds")?,
                })
            })?,
            tolerance: mode.opt_quantity(r, "tolerance")?,
        })
    };
    Ok(Behavior {
        scale_up: mode.sub(o, "scaleUp", rules)?,
        scale_down: mode.sub(o, "scaleDown", rules)?,
    })
}

fn read_condition(mode: Mode, o: &Obj) -> Res<Condition> {
    Ok(Condition {
        kind: mode.string(o, "type")?,
        status: mode.string(o, "status")?,
        last_transition_time: mode.opt_time(o, "lastTransitionTime")?,
        reason: mode.string(o, "reason")?,
        message: mode.string(o, "message")?,
    })
}

/// `MetricTarget` / `MetricValueStatus` as nested in v2 metric sources.
trait Measure: Sized {
    /// The v2 json key (`target` / `current`).
    const KEY: &'static str;
    /// Whether this is the spec side (v2 object sources order their fields differently).
    const SPEC: bool;
    fn read(mode: Mode, o: &Obj) -> Res<Self>;
    fn write(&self) -> Value;
}

impl Measure for Target {
    const KEY: &'static str = "target";
    const SPEC: bool = true;

    fn read(mode: Mode, o: &Obj) -> Res<Self> {
        Ok(Target {
            kind: mode.string(o, "type")?,
            value: mode.opt_quantity(o, "value")?,
            average_value: mode.opt_quantity(o, "averageValue")?,
            average_utilization: mode.opt_int(o, "averageUtilization")?,
        })
    }

    fn write(&self) -> Value {
        let mut out = Obj::new();
        out.insert("type".into(), self.kind.clone().into());
        put_opt(&mut out, "value", &self.value);
        put_opt(&mut out, "averageValue", &self.average_value);
        put_opt(&mut out, "averageUtilization", &self.average_utilization);
        Value::Object(out)
    }
}

impl Measure for Current {
    const KEY: &'static str = "current";
    const SPEC: bool = false;

    fn read(mode: Mode, o: &Obj) -> Res<Self> {
        Ok(Current {
            value: mode.opt_quantity(o, "value")?,
            average_value: mode.opt_quantity(o, "averageValue")?,
            average_utilization: mode.opt_int(o, "averageUtilization")?,
        })
    }

    fn write(&self) -> Value {
        let mut out = Obj::new();
        put_opt(&mut out, "value", &self.value);
        put_opt(&mut out, "averageValue", &self.average_value);
        put_opt(&mut out, "averageUtilization", &self.average_utilization);
        Value::Object(out)
    }
}

/// A v2 `MetricSpec` / `MetricStatus`.
fn read_v2_metric<T: Measure>(mode: Mode, o: &Obj) -> Res<Metric<T>> {
    let measure = |mode: Mode, src: &Obj| mode.nested(src, T::KEY, T::read);
    let resource = |container: bool| {
        move |mode: Mode, src: &Obj| -> Res<ResourceMetric<T>> {
            Ok(ResourceMetric {
                name: mode.string(src, "name")?,
                container: if container {
                    mode.string(src, "container")?
                } else {
                    String::new()
                },
                measure: measure(mode, src)?,
            })
        }
    };
    let named = |mode: Mode, src: &Obj| -> Res<NamedMetric<T>> {
        Ok(NamedMetric {
            metric: mode.nested(src, "metric", read_identifier)?,
            measure: measure(mode, src)?,
        })
    };
    Ok(Metric {
        kind: mode.string(o, "type")?,
        object: mode.sub(o, "object", |mode, src| {
            Ok(ObjectMetric {
                described_object: mode.nested(src, "describedObject", read_ref)?,
                metric: mode.nested(src, "metric", read_identifier)?,
                measure: measure(mode, src)?,
            })
        })?,
        pods: mode.sub(o, "pods", named)?,
        resource: mode.sub(o, "resource", resource(false))?,
        container_resource: mode.sub(o, "containerResource", resource(true))?,
        external: mode.sub(o, "external", named)?,
    })
}

/// The parts of `status` shared by v1 and v2 ahead of the replica counts.
fn read_status_head(mode: Mode, status: &Obj, hpa: &mut Hpa) -> Res<()> {
    hpa.observed_generation = mode.opt_int(status, "observedGeneration")?;
    hpa.last_scale_time = mode.opt_time(status, "lastScaleTime")?;
    hpa.current_replicas = mode.int(status, "currentReplicas")?;
    hpa.desired_replicas = mode.int(status, "desiredReplicas")?;
    Ok(())
}

fn read_spec_head(mode: Mode, spec: &Obj, hpa: &mut Hpa) -> Res<()> {
    hpa.scale_target_ref = mode.nested(spec, "scaleTargetRef", read_ref)?;
    hpa.min_replicas = mode.opt_int(spec, "minReplicas")?;
    hpa.max_replicas = mode.int(spec, "maxReplicas")?;
    Ok(())
}

/// The stored v2 object (body mode never rejects).
fn read_v2(obj: &Obj) -> Res<Hpa> {
    let mode = Mode::Body;
    let mut hpa = Hpa::default();
    if let Some(spec) = mode.object(obj, "spec")? {
        read_spec_head(mode, spec, &mut hpa)?;
        hpa.metrics = mode.items(spec, "metrics", read_v2_metric)?;
        hpa.behavior = mode.sub(spec, "behavior", read_behavior)?;
    }
    if let Some(status) = mode.object(obj, "status")? {
        read_status_head(mode, status, &mut hpa)?;
        hpa.current_metrics = mode.items(status, "currentMetrics", read_v2_metric)?;
        hpa.conditions = mode.items(status, "conditions", read_condition)?;
    }
    Ok(hpa)
}

/// The v1 body through `autoConvert` plus the hand-written Spec/Status
/// conversions (conversion.go), before the annotations are applied.
fn read_v1(obj: &Obj) -> Res<Hpa> {
    let mode = Mode::Body;
    let mut hpa = Hpa::default();
    if let Some(spec) = mode.object(obj, "spec")? {
        read_spec_head(mode, spec, &mut hpa)?;
        // Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_HorizontalPodAutoscalerSpec
        if let Some(cpu) = mode.opt_int(spec, "targetCPUUtilizationPercentage")? {
            hpa.metrics = vec![cpu_utilization_metric(cpu)];
        }
    }
    if let Some(status) = mode.object(obj, "status")? {
        read_status_head(mode, status, &mut hpa)?;
        // Convert_v1_HorizontalPodAutoscalerStatus_To_autoscaling_HorizontalPodAutoscalerStatus
        if let Some(cpu) = mode.opt_int(status, "currentCPUUtilizationPercentage")? {
            hpa.current_metrics = vec![Metric {
                kind: "Resource".into(),
                resource: Some(ResourceMetric {
                    name: "cpu".into(),
                    container: String::new(),
                    measure: Current {
                        average_utilization: Some(cpu),
                        ..Current::default()
                    },
                }),
                ..Metric::default()
            }];
        }
    }
    Ok(hpa)
}

/// Decodes a v1 `MetricSpec` and applies `Convert_v1_MetricSpec_To_autoscaling_MetricSpec`
/// with the hand-written per-source conversions (conversion.go).
fn metric_spec_from_v1(mode: Mode, o: &Obj) -> Res<Metric<Target>> {
    let identifier = |mode: Mode, src: &Obj, name: &str, selector: &str| -> Res<Identifier> {
        Ok(Identifier {
            name: mode.string(src, name)?,
            selector: mode.sub(src, selector, read_selector)?,
        })
    };
    // Convert_v1_{Resource,ContainerResource}MetricSource_To_autoscaling_...
    let resource = |container: bool| {
        move |mode: Mode, src: &Obj| -> Res<ResourceMetric<Target>> {
            let average_utilization = mode.opt_int(src, "targetAverageUtilization")?;
            Ok(ResourceMetric {
                name: mode.string(src, "name")?,
                container: if container {
                    mode.string(src, "container")?
                } else {
                    String::new()
                },
                measure: Target {
                    kind: if average_utilization.is_none() {
                        "AverageValue".into()
                    } else {
                        "Utilization".into()
                    },
                    value: None,
                    average_value: mode.opt_quantity(src, "targetAverageValue")?,
                    average_utilization,
                },
            })
        }
    };
    Ok(Metric {
        kind: mode.string(o, "type")?,
        // Convert_v1_ObjectMetricSource_To_autoscaling_ObjectMetricSource: `Value: &in.TargetValue`.
        object: mode.sub(o, "object", |mode, src| {
            let average_value = mode.opt_quantity(src, "averageValue")?;
            Ok(ObjectMetric {
                described_object: mode.nested(src, "target", read_ref)?,
                metric: identifier(mode, src, "metricName", "selector")?,
                measure: Target {
                    kind: if average_value.is_none() {
                        "Value".into()
                    } else {
                        "AverageValue".into()
                    },
                    value: Some(mode.quantity(src, "targetValue")?),
                    average_value,
                    average_utilization: None,
                },
            })
        })?,
        // Convert_v1_PodsMetricSource_To_autoscaling_PodsMetricSource
        pods: mode.sub(o, "pods", |mode, src| {
            Ok(NamedMetric {
                metric: identifier(mode, src, "metricName", "selector")?,
                measure: Target {
                    kind: "AverageValue".into(),
                    average_value: Some(mode.quantity(src, "targetAverageValue")?),
                    ..Target::default()
                },
            })
        })?,
        resource: mode.sub(o, "resource", resource(false))?,
        container_resource: mode.sub(o, "containerResource", resource(true))?,
        // Convert_v1_ExternalMetricSource_To_autoscaling_ExternalMetricSource
        external: mode.sub(o, "external", |mode, src| {
            let value = mode.opt_quantity(src, "targetValue")?;
            Ok(NamedMetric {
                metric: identifier(mode, src, "metricName", "metricSelector")?,
                measure: Target {
                    kind: if value.is_none() {
                        "AverageValue".into()
                    } else {
                        "Value".into()
                    },
                    value,
                    average_value: mode.opt_quantity(src, "targetAverageValue")?,
                    average_utilization: None,
                },
            })
        })?,
    })
}

/// Decodes a v1 `MetricStatus` and applies `Convert_v1_MetricStatus_To_autoscaling_MetricStatus`
/// with the hand-written per-source conversions (conversion.go).
fn metric_status_from_v1(mode: Mode, o: &Obj) -> Res<Metric<Current>> {
    let identifier = |mode: Mode, src: &Obj, selector: &str| -> Res<Identifier> {
        Ok(Identifier {
            name: mode.string(src, "metricName")?,
            selector: mode.sub(src, selector, read_selector)?,
        })
    };
    // Convert_v1_{Resource,ContainerResource}MetricStatus_To_autoscaling_...:
    // `AverageValue: &in.CurrentAverageValue`.
    let resource = |container: bool| {
        move |mode: Mode, src: &Obj| -> Res<ResourceMetric<Current>> {
            Ok(ResourceMetric {
                name: mode.string(src, "name")?,
                container: if container {
                    mode.string(src, "container")?
                } else {
                    String::new()
                },
                measure: Current {
                    value: None,
                    average_value: Some(mode.quantity(src, "currentAverageValue")?),
                    average_utilization: mode.opt_int(src, "currentAverageUtilization")?,
                },
            })
        }
    };
    Ok(Metric {
        kind: mode.string(o, "type")?,
        // Convert_v1_ObjectMetricStatus_To_autoscaling_ObjectMetricStatus
        object: mode.sub(o, "object", |mode, src| {
            Ok(ObjectMetric {
                described_object: mode.nested(src, "target", read_ref)?,
                metric: identifier(mode, src, "selector")?,
                measure: Current {
                    value: Some(mode.quantity(src, "currentValue")?),
                    average_value: mode.opt_quantity(src, "averageValue")?,
                    average_utilization: None,
                },
            })
        })?,
        // Convert_v1_PodsMetricStatus_To_autoscaling_PodsMetricStatus
        pods: mode.sub(o, "pods", |mode, src| {
            Ok(NamedMetric {
                metric: identifier(mode, src, "selector")?,
                measure: Current {
                    average_value: Some(mode.quantity(src, "currentAverageValue")?),
                    ..Current::default()
                },
            })
        })?,
        resource: mode.sub(o, "resource", resource(false))?,
        container_resource: mode.sub(o, "containerResource", resource(true))?,
        // Convert_v1_ExternalMetricStatus_To_autoscaling_ExternalMetricStatus
        external: mode.sub(o, "external", |mode, src| {
            Ok(NamedMetric {
                metric: identifier(mode, src, "metricSelector")?,
                measure: Current {
                    value: Some(mode.quantity(src, "currentValue")?),
                    average_value: mode.opt_quantity(src, "currentAverageValue")?,
                    average_utilization: None,
                },
            })
        })?,
    })
}

// ---------------------------------------------------------------------------
// Encoding (Go struct field order, Go `omitempty`).

fn put_opt<T: Clone + Into<Value>>(out: &mut Obj, key: &str, value: &Option<T>) {
    if let Some(v) = value {
        out.insert(key.into(), v.clone().into());
    }
}

fn opt_json<T: Clone + Into<Value>>(value: &Option<T>) -> Value {
    value.clone().map_or(Value::Null, Into::into)
}

/// `CrossVersionObjectReference` (same json in v1 and v2).
fn ref_json(r: &ObjectRef) -> Value {
    let mut out = Obj::new();
    out.insert("kind".into(), r.kind.clone().into());
    out.insert("name".into(), r.name.clone().into());
    if !r.api_version.is_empty() {
        out.insert("apiVersion".into(), r.api_version.clone().into());
    }
    Value::Object(out)
}

/// `metav1.LabelSelector`: `matchLabels` is a Go map, so its keys come out sorted.
fn selector_json(s: &Selector) -> Value {
    let mut out = Obj::new();
    if !s.match_labels.is_empty() {
        let labels = s
            .match_labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        out.insert("matchLabels".into(), Value::Object(labels));
    }
    if !s.match_expressions.is_empty() {
        let expressions = s
            .match_expressions
            .iter()
            .map(|r| {
                let mut req = Obj::new();
                req.insert("key".into(), r.key.clone().into());
                req.insert("operator".into(), r.operator.clone().into());
                if !r.values.is_empty() {
                    req.insert("values".into(), r.values.clone().into());
                }
                Value::Object(req)
            })
            .collect();
        out.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(out)
}

fn put_selector(out: &mut Obj, key: &str, selector: &Option<Selector>) {
    if let Some(s) = selector {
        out.insert(key.into(), selector_json(s));
    }
}

fn identifier_json(id: &Identifier) -> Value {
    let mut out = Obj::new();
    out.insert("name".into(), id.name.clone().into());
    put_selector(&mut out, "selector", &id.selector);
    Value::Object(out)
}

/// A v2 `MetricSpec` / `MetricStatus`.
fn metric_v2_json<T: Measure>(m: &Metric<T>) -> Value {
    let mut out = Obj::new();
    out.insert("type".into(), m.kind.clone().into());
    if let Some(o) = &m.object {
        let mut v = Obj::new();
        if T::SPEC {
            v.insert("describedObject".into(), ref_json(&o.described_object));
            v.insert(T::KEY.into(), o.measure.write());
            v.insert("metric".into(), identifier_json(&o.metric));
        } else {
            v.insert("metric".into(), identifier_json(&o.metric));
            v.insert(T::KEY.into(), o.measure.write());
            v.insert("describedObject".into(), ref_json(&o.described_object));
        }
        out.insert("object".into(), Value::Object(v));
    }
    let named = |n: &NamedMetric<T>| {
        let mut v = Obj::new();
        v.insert("metric".into(), identifier_json(&n.metric));
        v.insert(T::KEY.into(), n.measure.write());
        Value::Object(v)
    };
    let resource = |r: &ResourceMetric<T>, container: bool| {
        let mut v = Obj::new();
        v.insert("name".into(), r.name.clone().into());
        v.insert(T::KEY.into(), r.measure.write());
        if container {
            v.insert("container".into(), r.container.clone().into());
        }
        Value::Object(v)
    };
    if let Some(p) = &m.pods {
        out.insert("pods".into(), named(p));
    }
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r, false));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r, true));
    }
    if let Some(e) = &m.external {
        out.insert("external".into(), named(e));
    }
    Value::Object(out)
}

/// `Convert_autoscaling_MetricSpec_To_v1_MetricSpec` with the hand-written
/// per-source conversions (conversion.go), as v1 `MetricSpec` json.
fn metric_spec_to_v1(m: &Metric<Target>) -> Value {
    let zero = || "0".to_owned();
    let mut out = Obj::new();
    out.insert("type".into(), m.kind.clone().into());
    if let Some(o) = &m.object {
        let mut v = Obj::new();
        v.insert("target".into(), ref_json(&o.described_object));
        v.insert("metricName".into(), o.metric.name.clone().into());
        let target_value = o.measure.value.clone().unwrap_or_else(zero);
        v.insert("targetValue".into(), target_value.into());
        put_selector(&mut v, "selector", &o.metric.selector);
        put_opt(&mut v, "averageValue", &o.measure.average_value);
        out.insert("object".into(), Value::Object(v));
    }
    if let Some(p) = &m.pods {
        let mut v = Obj::new();
        v.insert("metricName".into(), p.metric.name.clone().into());
        let average = p.measure.average_value.clone().unwrap_or_else(zero);
        v.insert("targetAverageValue".into(), average.into());
        put_selector(&mut v, "selector", &p.metric.selector);
        out.insert("pods".into(), Value::Object(v));
    }
    let resource = |r: &ResourceMetric<Target>, container: bool| {
        let mut v = Obj::new();
        v.insert("name".into(), r.name.clone().into());
        put_opt(
            &mut v,
            "targetAverageUtilization",
            &r.measure.average_utilization,
        );
        put_opt(&mut v, "targetAverageValue", &r.measure.average_value);
        if container {
            v.insert("container".into(), r.container.clone().into());
        }
        Value::Object(v)
    };
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r, false));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r, true));
    }
    if let Some(e) = &m.external {
        let mut v = Obj::new();
        v.insert("metricName".into(), e.metric.name.clone().into());
        put_selector(&mut v, "metricSelector", &e.metric.selector);
        put_opt(&mut v, "targetValue", &e.measure.value);
        put_opt(&mut v, "targetAverageValue", &e.measure.average_value);
        out.insert("external".into(), Value::Object(v));
    }
    Value::Object(out)
}

/// `Convert_autoscaling_MetricStatus_To_v1_MetricStatus` with the hand-written
/// per-source conversions (conversion.go), as v1 `MetricStatus` json.
fn metric_status_to_v1(m: &Metric<Current>) -> Value {
    let zero = || "0".to_owned();
    let mut out = Obj::new();
    out.insert("type".into(), m.kind.clone().into());
    if let Some(o) = &m.object {
        let mut v = Obj::new();
        v.insert("target".into(), ref_json(&o.described_object));
        v.insert("metricName".into(), o.metric.name.clone().into());
        let current = o.measure.value.clone().unwrap_or_else(zero);
        v.insert("currentValue".into(), current.into());
        put_selector(&mut v, "selector", &o.metric.selector);
        put_opt(&mut v, "averageValue", &o.measure.average_value);
        out.insert("object".into(), Value::Object(v));
    }
    if let Some(p) = &m.pods {
        let mut v = Obj::new();
        v.insert("metricName".into(), p.metric.name.clone().into());
        let average = p.measure.average_value.clone().unwrap_or_else(zero);
        v.insert("currentAverageValue".into(), average.into());
        put_selector(&mut v, "selector", &p.metric.selector);
        out.insert("pods".into(), Value::Object(v));
    }
    let resource = |r: &ResourceMetric<Current>, container: bool| {
        let mut v = Obj::new();
        v.insert("name".into(), r.name.clone().into());
        put_opt(
            &mut v,
            "currentAverageUtilization",
            &r.measure.average_utilization,
        );
        let average = r.measure.average_value.clone().unwrap_or_else(zero);
        v.insert("currentAverageValue".into(), average.into());
        if container {
            v.insert("container".into(), r.container.clone().into());
        }
        Value::Object(v)
    };
    if let Some(r) = &m.resource {
        out.insert("resource".into(), resource(r, false));
    }
    if let Some(r) = &m.container_resource {
        out.insert("containerResource".into(), resource(r, true));
    }
    if let Some(e) = &m.external {
        let mut v = Obj::new();
        v.insert("metricName".into(), e.metric.name.clone().into());
        put_selector(&mut v, "metricSelector", &e.metric.selector);
        let current = e.measure.value.clone().unwrap_or_else(zero);
        v.insert("currentValue".into(), current.into());
        put_opt(&mut v, "currentAverageValue", &e.measure.average_value);
        out.insert("external".into(), Value::Object(v));
    }
    Value::Object(out)
}

/// The internal `HorizontalPodAutoscalerBehavior` through `json.Marshal`: no
/// json tags, so Go field names, no omitempty, nil pointers/slices as `null`.
fn behavior_internal_json(b: &Behavior) -> Value {
    let rules = |r: &Option<ScalingRules>| {
        let Some(r) = r else {
            return Value::Null;
        };
        let mut out = Obj::new();
        out.insert(
            "StabilizationWindowSeconds".into(),
            opt_json(&r.stabilization_window_seconds),
        );
        out.insert("SelectPolicy".into(), opt_json(&r.select_policy));
        let policies = if r.policies.is_empty() {
            Value::Null
        } else {
            r.policies
                .iter()
                .map(|p| {
                    let mut policy = Obj::new();
                    policy.insert("Type".into(), p.kind.clone().into());
                    policy.insert("Value".into(), p.value.into());
                    policy.insert("PeriodSeconds".into(), p.period_seconds.into());
                    Value::Object(policy)
                })
                .collect()
        };
        out.insert("Policies".into(), policies);
        out.insert("Tolerance".into(), opt_json(&r.tolerance));
        Value::Object(out)
    };
    let mut out = Obj::new();
    out.insert("ScaleUp".into(), rules(&b.scale_up));
    out.insert("ScaleDown".into(), rules(&b.scale_down));
    Value::Object(out)
}

/// v2 `HorizontalPodAutoscalerBehavior`.
fn behavior_v2_json(b: &Behavior) -> Value {
    let rules = |r: &ScalingRules| {
        let mut out = Obj::new();
        put_opt(
            &mut out,
            "stabilizationWindowSeconds",
            &r.stabilization_window_seconds,
        );
        put_opt(&mut out, "selectPolicy", &r.select_policy);
        if !r.policies.is_empty() {
            let policies = r
                .policies
                .iter()
                .map(|p| {
                    let mut policy = Obj::new();
                    policy.insert("type".into(), p.kind.clone().into());
                    policy.insert("value".into(), p.value.into());
                    policy.insert("periodSeconds".into(), p.period_seconds.into());
                    Value::Object(policy)
                })
                .collect();
            out.insert("policies".into(), Value::Array(policies));
        }
        put_opt(&mut out, "tolerance", &r.tolerance);
        Value::Object(out)
    };
    let mut out = Obj::new();
    if let Some(r) = &b.scale_up {
        out.insert("scaleUp".into(), rules(r));
    }
    if let Some(r) = &b.scale_down {
        out.insert("scaleDown".into(), rules(r));
    }
    Value::Object(out)
}

/// `HorizontalPodAutoscalerCondition`. `lastTransitionTime` is a struct, so
/// `omitempty` does not apply and the zero time marshals as `null`.
fn condition_json(c: &Condition) -> Value {
    let mut out = Obj::new();
    out.insert("type".into(), c.kind.clone().into());
    out.insert("status".into(), c.status.clone().into());
    out.insert(
        "lastTransitionTime".into(),
        opt_json(&c.last_transition_time),
    );
    if !c.reason.is_empty() {
        out.insert("reason".into(), c.reason.clone().into());
    }
    if !c.message.is_empty() {
        out.insert("message".into(), c.message.clone().into());
    }
    Value::Object(out)
}

fn insert_status_head(status: &mut Obj, hpa: &Hpa) {
    put_opt(status, "observedGeneration", &hpa.observed_generation);
    put_opt(status, "lastScaleTime", &hpa.last_scale_time);
}

/// `encoding/json.Marshal` text: compact, with `<`, `>`, `&`, U+2028 and
/// U+2029 escaped. Those characters only occur inside strings, and serde_json
/// escapes everything else exactly as Go does (`\b` `\f` `\n` `\r` `\t`,
/// lowercase `\u00xx`).
fn go_json(value: &Value) -> String {
    let compact = value.to_string();
    let mut out = String::with_capacity(compact.len());
    for c in compact.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Metadata helpers.

fn kind_of(obj: &Obj) -> Value {
    match obj.get("kind") {
        Some(Value::String(kind)) => Value::String(kind.clone()),
        _ => Value::String("HorizontalPodAutoscaler".into()),
    }
}

fn metadata_of(obj: &Obj) -> Obj {
    match obj.get("metadata") {
        Some(Value::Object(meta)) => meta.clone(),
        _ => Obj::new(),
    }
}

fn annotations_of(metadata: &Obj) -> Option<Obj> {
    match metadata.get("annotations") {
        Some(Value::Object(a)) => Some(a.clone()),
        _ => None,
    }
}

/// `DropRoundTripHorizontalPodAutoscalerAnnotations`; true if anything was removed.
fn drop_round_trip(annotations: &mut Option<Obj>) -> bool {
    let Some(a) = annotations else {
        return false;
    };
    let mut dropped = false;
    for key in ROUND_TRIP_ANNOTATIONS {
        dropped |= a.shift_remove(key).is_some();
    }
    dropped
}

/// Writes back a modified annotations map the way Go marshals
/// `map[string]string`: keys sorted, and omitted when empty (`omitempty`). A
/// new `annotations` key goes where `ObjectMeta` declares it (after `labels`).
fn store_annotations(metadata: &mut Obj, annotations: Option<Obj>) {
    let sorted: BTreeMap<String, Value> = annotations.unwrap_or_default().into_iter().collect();
    if sorted.is_empty() {
        metadata.shift_remove("annotations");
        return;
    }
    let value = Value::Object(sorted.into_iter().collect());
    if let Some(slot) = metadata.get_mut("annotations") {
        *slot = value;
        return;
    }
    let index = metadata
        .keys()
        .rposition(|k| OBJECT_META_BEFORE_ANNOTATIONS.contains(&k.as_str()))
        .map_or(0, |i| i + 1);
    metadata.shift_insert(index, "annotations".into(), value);
}

// ---------------------------------------------------------------------------
// Value syntax checks used when decoding annotations.

/// Whether `resource.ParseQuantity` accepts `s`:
/// `[+-]? (digits | digits '.' digits? | '.' digits) suffix`, the suffix being
/// a binary SI unit, a decimal SI unit (or none) or a decimal exponent.
fn is_quantity(s: &str) -> bool {
    let bytes = s.as_bytes();
    let count_digits = |from: usize| {
        bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let whole = count_digits(i);
    i += whole;
    let mut fraction = 0;
    if bytes.get(i) == Some(&b'.') {
        fraction = count_digits(i + 1);
        i += 1 + fraction;
    }
    if whole + fraction == 0 {
        return false;
    }
    let suffix = s.get(i..).unwrap_or("");
    match suffix {
        "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti"
        | "Pi" | "Ei" => true,
        _ => {
            let Some(exponent) = suffix.strip_prefix(['e', 'E']) else {
                return false;
            };
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `metav1.Time` from an annotation: `time.Parse(time.RFC3339, s)` then
/// `UTC().Format(time.RFC3339)` (fractional seconds dropped). `None` if Go
/// fails to parse; `Some(None)` for the zero time, which marshals as `null`.
fn normalize_time(s: &str) -> Option<Option<String>> {
    let b = s.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0_i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(i, c)| b.get(i) != Some(&c)) {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = b.get(19..)?;
    let mut fraction_is_zero = true;
    if let [b'.' | b',', tail @ ..] = rest {
        let digits = tail.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        fraction_is_zero = tail.iter().take(digits).all(|&d| d == b'0');
        rest = tail.get(digits..)?;
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            let hours = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
            let minutes = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
            let magnitude = (hours * 60 + minutes) * 60;
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    let unix =
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
            - offset;
    if unix == days_from_civil(1, 1, 1) * SECONDS_PER_DAY && fraction_is_zero {
        return Some(None);
    }
    let (y, mo, d) = civil_from_days(unix.div_euclid(SECONDS_PER_DAY));
    let secs = unix.rem_euclid(SECONDS_PER_DAY);
    Some(Some(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        match v {
            Value::Object(o) => o,
            other => panic!("test fixture is not an object: {other}"),
        }
    }

    /// Exact comparison including key order (Map equality ignores order).
    fn assert_json(name: &str, got: &Obj, want: &Value) {
        let got = serde_json::to_string_pretty(got).expect("serialize");
        let want = serde_json::to_string_pretty(want).expect("serialize");
        assert_eq!(got, want, "case {name:?}");
    }

    fn meta() -> Value {
        json!({
            "name": "web",
            "namespace": "default",
            "uid": "3f0a",
            "resourceVersion": "7",
            "creationTimestamp": "2024-05-01T10:00:00Z"
        })
    }

    fn meta_with(annotations: Value) -> Value {
        json!({
            "name": "web",
            "namespace": "default",
            "uid": "3f0a",
            "resourceVersion": "7",
            "creationTimestamp": "2024-05-01T10:00:00Z",
            "annotations": annotations
        })
    }

    fn target_ref() -> Value {
        json!({"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"})
    }

    fn cpu(utilization: i32) -> Value {
        json!({"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": utilization}}})
    }

    fn v2(
        metrics: Option<Value>,
        behavior: Option<Value>,
        status: Value,
        metadata: Value,
    ) -> Value {
        let mut spec = json!({"scaleTargetRef": target_ref(), "minReplicas": 1, "maxReplicas": 10});
        if let (Some(m), Value::Object(s)) = (metrics, &mut spec) {
            s.insert("metrics".into(), m);
        }
        if let (Some(b), Value::Object(s)) = (behavior, &mut spec) {
            s.insert("behavior".into(), b);
        }
        json!({"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2",
            "metadata": metadata, "spec": spec, "status": status})
    }

    fn empty_v2_status() -> Value {
        json!({"desiredReplicas": 0, "currentMetrics": null})
    }

    fn v1(spec_extra: Value, status: Value, metadata: Value) -> Value {
        let mut spec = json!({"scaleTargetRef": target_ref(), "minReplicas": 1, "maxReplicas": 10});
        if let (Value::Object(extra), Value::Object(s)) = (spec_extra, &mut spec) {
            s.extend(extra);
        }
        json!({"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v1",
            "metadata": metadata, "spec": spec, "status": status})
    }

    /// Every metric source, in shapes kube round-trips through v1; CPU last
    /// because v1 -> internal appends the CPU metric after the annotation ones.
    fn all_metrics() -> Value {
        json!([
            {"type": "Resource", "resource": {"name": "memory",
                "target": {"type": "Utilization", "averageUtilization": 60}}},
            {"type": "Pods", "pods": {
                "metric": {"name": "packets-per-second", "selector": {"matchLabels": {"app": "web", "tier": "web"}}},
                "target": {"type": "AverageValue", "averageValue": "1k"}}},
            {"type": "Object", "object": {
                "describedObject": {"kind": "Ingress", "name": "main-route", "apiVersion": "networking.k8s.io/v1"},
                "target": {"type": "Value", "value": "10k"},
                "metric": {"name": "requests-per-second"}}},
            {"type": "External", "external": {
                "metric": {"name": "queue_messages_ready", "selector": {"matchExpressions": [
                    {"key": "queue", "operator": "In", "values": ["worker_tasks"]}]}},
                "target": {"type": "AverageValue", "averageValue": "30"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu",
                "target": {"type": "AverageValue", "averageValue": "500m"}, "container": "app"}},
            cpu(50)
        ])
    }

    // v1 MetricSpec json of all_metrics() minus CPU: staging/src/k8s.io/api/autoscaling/v1/types.go
    // field order; targetValue/targetAverageValue of Object/Pods are non-pointer Quantities.
    const ALL_METRICS_V1: &str = r#"[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":60}},{"type":"Pods","pods":{"metricName":"packets-per-second","targetAverageValue":"1k","selector":{"matchLabels":{"app":"web","tier":"web"}}}},{"type":"Object","object":{"target":{"kind":"Ingress","name":"main-route","apiVersion":"networking.k8s.io/v1"},"metricName":"requests-per-second","targetValue":"10k"}},{"type":"External","external":{"metricName":"queue_messages_ready","metricSelector":{"matchExpressions":[{"key":"queue","operator":"In","values":["worker_tasks"]}]},"targetAverageValue":"30"}},{"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageValue":"500m","container":"app"}}]"#;

    fn behavior() -> Value {
        json!({
            "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15}]},
            "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Min", "policies": [
                {"type": "Percent", "value": 10, "periodSeconds": 60}], "tolerance": "50m"}
        })
    }

    // The internal HorizontalPodAutoscalerBehavior (pkg/apis/autoscaling/types.go, no json tags)
    // through json.Marshal: Go field names, nil pointers as null, Tolerance last.
    const BEHAVIOR_INTERNAL: &str = r#"{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}],"Tolerance":null},"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}],"Tolerance":"50m"}}"#;

    fn busy_status() -> Value {
        json!({
            "observedGeneration": 3,
            "lastScaleTime": "2024-05-01T10:05:00Z",
            "currentReplicas": 3,
            "desiredReplicas": 4,
            "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu",
                    "current": {"averageValue": "120m", "averageUtilization": 62}}},
                {"type": "Resource", "resource": {"name": "memory",
                    "current": {"averageValue": "200Mi", "averageUtilization": 40}}},
                {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                    "current": {"averageValue": "900"}}},
                {"type": "Object", "object": {"metric": {"name": "requests-per-second"},
                    "current": {"value": "8k"},
                    "describedObject": {"kind": "Ingress", "name": "main-route", "apiVersion": "networking.k8s.io/v1"}}},
                {"type": "External", "external": {"metric": {"name": "queue_messages_ready"},
                    "current": {"value": "40", "averageValue": "10"}}},
                {"type": "ContainerResource", "containerResource": {"name": "cpu",
                    "current": {"averageValue": "300m", "averageUtilization": 75}, "container": "app"}}
            ],
            "conditions": [
                {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z",
                    "reason": "ReadyForNewScale", "message": "recommended size matches current size"},
                {"type": "ScalingLimited", "status": "False", "lastTransitionTime": "2024-05-01T10:00:00Z",
                    "reason": "DesiredWithinRange", "message": "desired <= max && desired >= min"}
            ]
        })
    }

    // v1 MetricStatus json (v1/types.go); currentValue/currentAverageValue are non-pointer.
    const BUSY_CURRENT_V1: &str = r#"[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":62,"currentAverageValue":"120m"}},{"type":"Resource","resource":{"name":"memory","currentAverageUtilization":40,"currentAverageValue":"200Mi"}},{"type":"Pods","pods":{"metricName":"packets-per-second","currentAverageValue":"900"}},{"type":"Object","object":{"target":{"kind":"Ingress","name":"main-route","apiVersion":"networking.k8s.io/v1"},"metricName":"requests-per-second","currentValue":"8k"}},{"type":"External","external":{"metricName":"queue_messages_ready","currentValue":"40","currentAverageValue":"10"}},{"type":"ContainerResource","containerResource":{"name":"cpu","currentAverageUtilization":75,"currentAverageValue":"300m","container":"app"}}]"#;

    // json.Marshal escapes < > & as \u003c \u003e \u0026.
    const BUSY_CONDITIONS_V1: &str = r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-05-01T10:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},{"type":"ScalingLimited","status":"False","lastTransitionTime":"2024-05-01T10:00:00Z","reason":"DesiredWithinRange","message":"desired \u003c= max \u0026\u0026 desired \u003e= min"}]"#;

    #[test]
    fn v2_to_v1_cases() {
        let cases: Vec<(&str, Value, Value)> = vec![
            (
                // Convert_autoscaling_HorizontalPodAutoscalerSpec_To_v1_HorizontalPodAutoscalerSpec;
                // v1 status currentReplicas/desiredReplicas have no omitempty.
                "cpu utilization only: targetCPUUtilizationPercentage, no annotations",
                v2(Some(json!([cpu(50)])), None, empty_v2_status(), meta()),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta(),
                ),
            ),
            (
                // conversion.go: every non-CPU-utilization metric goes to MetricSpecsAnnotation.
                "cpu + memory: memory in the metrics annotation",
                v2(
                    Some(
                        json!([cpu(50), {"type": "Resource", "resource": {"name": "memory",
                        "target": {"type": "Utilization", "averageUtilization": 60}}}]),
                    ),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":60}}]"#})),
                ),
            ),
            (
                "every metric source",
                v2(Some(all_metrics()), None, empty_v2_status(), meta()),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({METRIC_SPECS_ANNOTATION: ALL_METRICS_V1})),
                ),
            ),
            (
                // A CPU metric with an AverageValue target is not a utilization metric.
                "cpu average value target is an other metric, no targetCPU",
                v2(
                    Some(json!([{"type": "Resource", "resource": {"name": "cpu",
                        "target": {"type": "AverageValue", "averageValue": "250m"}}}])),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
                v1(
                    json!({}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Resource","resource":{"name":"cpu","targetAverageValue":"250m"}}]"#})),
                ),
            ),
            (
                // Object/Pods v1 targets are non-pointer quantities: absent -> "0".
                "object average value target gets targetValue 0",
                v2(
                    Some(json!([{"type": "Object", "object": {
                        "describedObject": {"kind": "Service", "name": "api"},
                        "target": {"type": "AverageValue", "averageValue": "2"},
                        "metric": {"name": "rps"}}}, cpu(50)])),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Object","object":{"target":{"kind":"Service","name":"api"},"metricName":"rps","targetValue":"0","averageValue":"2"}}]"#})),
                ),
            ),
            (
                // BehaviorSpecsAnnotation holds json.Marshal(in.Spec.Behavior) of the internal type.
                "behavior in the behavior annotation with Go field names",
                v2(
                    Some(json!([cpu(50)])),
                    Some(behavior()),
                    empty_v2_status(),
                    meta(),
                ),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({BEHAVIOR_SPECS_ANNOTATION: BEHAVIOR_INTERNAL})),
                ),
            ),
            (
                "behavior with only scaleDown: ScaleUp null, nil fields null",
                v2(
                    Some(json!([cpu(50)])),
                    Some(json!({"scaleDown": {"selectPolicy": "Disabled"}})),
                    empty_v2_status(),
                    meta(),
                ),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({BEHAVIOR_SPECS_ANNOTATION:
                        r#"{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Disabled","Policies":null,"Tolerance":null}}"#})),
                ),
            ),
            (
                // Status: the last CPU status with a utilization becomes currentCPUUtilizationPercentage;
                // all current metrics (CPU included) go to MetricStatusesAnnotation; conditions to
                // HorizontalPodAutoscalerConditionsAnnotation. Annotation keys sorted (Go map).
                "status with current metrics and conditions",
                v2(Some(json!([cpu(50)])), None, busy_status(), meta()),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"observedGeneration": 3, "lastScaleTime": "2024-05-01T10:05:00Z",
                        "currentReplicas": 3, "desiredReplicas": 4, "currentCPUUtilizationPercentage": 62}),
                    meta_with(json!({
                        CONDITIONS_ANNOTATION: BUSY_CONDITIONS_V1,
                        METRIC_STATUSES_ANNOTATION: BUSY_CURRENT_V1,
                    })),
                ),
            ),
            (
                // No metrics at all (impossible after v2 defaulting, which adds CPU 80%):
                // no targetCPUUtilizationPercentage and nothing to annotate.
                "no metrics: targetCPU absent, no annotations",
                v2(None, None, empty_v2_status(), meta()),
                v1(
                    json!({}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta(),
                ),
            ),
            (
                // Stale round-trip annotations are dropped first (helpers.go); a new annotations
                // map goes after labels (ObjectMeta order) and its keys come out sorted.
                "stale round-trip annotations dropped, user ones kept and sorted",
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    json!({"desiredReplicas": 2, "currentMetrics": null, "conditions": [
                        {"type": "AbleToScale", "status": "True"}]}),
                    json!({"name": "web", "labels": {"app": "web"},
                        "annotations": {"zeta": "1", CONDITIONS_ANNOTATION: "stale",
                            TOLERANCE_SCALE_UP_ANNOTATION: "1", "alpha": "2"},
                        "finalizers": ["x"]}),
                ),
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 2}),
                    json!({"name": "web", "labels": {"app": "web"},
                        "annotations": {"alpha": "2",
                            CONDITIONS_ANNOTATION: r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":null}]"#,
                            "zeta": "1"},
                        "finalizers": ["x"]}),
                ),
            ),
            (
                // metav1.LabelSelector.MatchLabels is a Go map: json.Marshal sorts its keys.
                "selector matchLabels sorted like a Go map",
                v2(
                    Some(json!([{"type": "Pods", "pods": {
                        "metric": {"name": "p", "selector": {"matchExpressions": [{"key": "k", "operator": "Exists"}],
                            "matchLabels": {"z": "1", "a": "2"}}},
                        "target": {"type": "AverageValue", "averageValue": "1"}}}])),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
                v1(
                    json!({}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    meta_with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Pods","pods":{"metricName":"p","targetAverageValue":"1","selector":{"matchLabels":{"a":"2","z":"1"},"matchExpressions":[{"key":"k","operator":"Exists"}]}}}]"#})),
                ),
            ),
            (
                "new annotations map placed after labels, before ownerReferences",
                v2(
                    Some(json!([{"type": "Resource", "resource": {"name": "memory",
                        "target": {"type": "AverageValue", "averageValue": "1Gi"}}}])),
                    None,
                    empty_v2_status(),
                    json!({"name": "web", "labels": {"app": "web"}, "ownerReferences": []}),
                ),
                v1(
                    json!({}),
                    json!({"currentReplicas": 0, "desiredReplicas": 0}),
                    json!({"name": "web", "labels": {"app": "web"},
                        "annotations": {METRIC_SPECS_ANNOTATION:
                            r#"[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"1Gi"}}]"#},
                        "ownerReferences": []}),
                ),
            ),
        ];
        for (name, input, want) in cases {
            println!("case: {name}");
            assert_json(name, &v2_to_v1(&obj(input)), &want);
        }
    }

    fn status_v2(extra: Value) -> Value {
        let mut status = json!({"desiredReplicas": 0, "currentMetrics": null});
        if let (Value::Object(extra), Value::Object(s)) = (extra, &mut status) {
            for (k, v) in extra {
                s.insert(k, v);
            }
        }
        status
    }

    #[test]
    fn v1_to_v2_cases() {
        let plain_meta = json!({"name": "web", "namespace": "default"});
        let with = |annotations: Value| json!({"name": "web", "namespace": "default", "annotations": annotations});
        let v1_in = |spec_extra: Value, metadata: Value| {
            v1(
                spec_extra,
                json!({"currentReplicas": 0, "desiredReplicas": 0}),
                metadata,
            )
        };
        let cases: Vec<(&str, Value, Value)> = vec![
            (
                // Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_HorizontalPodAutoscalerSpec.
                "targetCPUUtilizationPercentage becomes a CPU Utilization metric",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 70}),
                    plain_meta.clone(),
                ),
                v2(
                    Some(json!([cpu(70)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // "autoscaling/v1 formerly had an implicit default applied in the controller".
                "no targetCPU and no metrics annotation: DefaultCPUUtilization 80",
                v1_in(json!({}), plain_meta.clone()),
                v2(
                    Some(json!([cpu(80)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // Annotation metrics first, then the CPU metric from the spec conversion.
                "metrics annotation restored ahead of the CPU metric",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    with(json!({METRIC_SPECS_ANNOTATION: ALL_METRICS_V1})),
                ),
                v2(
                    Some(all_metrics()),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // json.Unmarshal error -> annotation ignored, still dropped at the end.
                "malformed metrics annotation ignored and removed",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    with(json!({METRIC_SPECS_ANNOTATION: "[{", "keep": "me"})),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    status_v2(json!({})),
                    with(json!({"keep": "me"})),
                ),
            ),
            (
                "a type error anywhere rejects the whole annotation",
                v1_in(
                    json!({}),
                    with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Pods","pods":{"metricName":"a","targetAverageValue":"1"}},{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":"60"}}]"#})),
                ),
                v2(
                    Some(json!([cpu(80)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // Quantity.UnmarshalJSON -> ParseQuantity error.
                "an unparsable quantity rejects the annotation",
                v1_in(
                    json!({}),
                    with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"type":"Pods","pods":{"metricName":"a","targetAverageValue":"12 apples"}}]"#})),
                ),
                v2(
                    Some(json!([cpu(80)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // encoding/json matches keys case-insensitively; a bare number is a Quantity.
                "annotation keys match case-insensitively",
                v1_in(
                    json!({}),
                    with(json!({METRIC_SPECS_ANNOTATION:
                        r#"[{"TYPE":"Pods","Pods":{"METRICNAME":"a","targetaveragevalue":5}}]"#})),
                ),
                v2(
                    Some(json!([{"type": "Pods", "pods": {"metric": {"name": "a"},
                        "target": {"type": "AverageValue", "averageValue": "5"}}}])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                "behavior annotation restored (v2-style lowercase keys also match)",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    with(json!({BEHAVIOR_SPECS_ANNOTATION:
                        r#"{"scaleUp":{"selectPolicy":"Disabled"},"ScaleDown":null}"#})),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    Some(json!({"scaleUp": {"selectPolicy": "Disabled"}})),
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // `behavior != (autoscaling.HorizontalPodAutoscalerBehavior{})`
                "empty behavior annotation ignored",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    with(json!({BEHAVIOR_SPECS_ANNOTATION: r#"{"ScaleUp":null}"#})),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // Convert_v1_HorizontalPodAutoscalerStatus_To_autoscaling_HorizontalPodAutoscalerStatus;
                // v2 currentReplicas is omitempty.
                "currentCPUUtilizationPercentage without annotation",
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 33}),
                    plain_meta.clone(),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    json!({"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
                        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 33}}}]}),
                    plain_meta.clone(),
                ),
            ),
            (
                // metav1.Time: time.Parse(RFC3339) then UTC().Format(RFC3339); zero -> null;
                // v1 ResourceMetricStatus currentAverageValue is non-pointer -> "0".
                "status annotations: times normalized to UTC, missing averages are 0",
                v1(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    json!({"currentReplicas": 0, "desiredReplicas": 1, "currentCPUUtilizationPercentage": 10}),
                    with(json!({
                        CONDITIONS_ANNOTATION: r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-05-01T01:30:00.75+02:00"},{"type":"ScalingActive","status":"False","lastTransitionTime":"0001-01-01T00:00:00Z","reason":"Bad"}]"#,
                        METRIC_STATUSES_ANNOTATION: r#"[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40}}]"#,
                    })),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    json!({"desiredReplicas": 1, "currentMetrics": [
                        {"type": "Resource", "resource": {"name": "cpu",
                            "current": {"averageValue": "0", "averageUtilization": 40}}}],
                        "conditions": [
                            {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-04-30T23:30:00Z"},
                            {"type": "ScalingActive", "status": "False", "lastTransitionTime": null, "reason": "Bad"}]}),
                    plain_meta.clone(),
                ),
            ),
            (
                "an invalid time rejects the conditions annotation",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    with(json!({CONDITIONS_ANNOTATION:
                        r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":"2024-02-30T00:00:00Z"}]"#})),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
            (
                // helpers.go drops the v2beta2 tolerance annotations too; v1 does not read them.
                "tolerance annotations dropped, user annotations kept",
                v1_in(
                    json!({"targetCPUUtilizationPercentage": 50}),
                    with(json!({"b": "2", TOLERANCE_SCALE_DOWN_ANNOTATION: "50m", "a": "1"})),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    status_v2(json!({})),
                    with(json!({"a": "1", "b": "2"})),
                ),
            ),
            (
                "null metrics annotation decodes as empty",
                v1_in(json!({}), with(json!({METRIC_SPECS_ANNOTATION: "null"}))),
                v2(
                    Some(json!([cpu(80)])),
                    None,
                    status_v2(json!({})),
                    plain_meta.clone(),
                ),
            ),
        ];
        for (name, input, want) in cases {
            println!("case: {name}");
            assert_json(name, &v1_to_v2(&obj(input)), &want);
        }
    }

    #[test]
    fn round_trip_identity() {
        let user_meta = json!({"name": "web", "namespace": "default", "labels": {"app": "web"},
            "annotations": {"a": "1", "z": "2"}, "finalizers": ["f"]});
        let cases: Vec<(&str, Value)> = vec![
            (
                "cpu only",
                v2(Some(json!([cpu(50)])), None, empty_v2_status(), meta()),
            ),
            (
                "cpu + memory + pods + object + external + containerResource",
                v2(Some(all_metrics()), None, empty_v2_status(), meta()),
            ),
            (
                "behavior set",
                v2(
                    Some(json!([cpu(50)])),
                    Some(behavior()),
                    empty_v2_status(),
                    meta(),
                ),
            ),
            (
                "status with conditions and current metrics",
                v2(Some(json!([cpu(50)])), None, busy_status(), meta()),
            ),
            (
                "everything plus user annotations and labels",
                v2(
                    Some(all_metrics()),
                    Some(behavior()),
                    busy_status(),
                    user_meta,
                ),
            ),
        ];
        for (name, x) in cases {
            println!("case: {name}");
            let x = obj(x);
            assert_json(name, &v1_to_v2(&v2_to_v1(&x)), &Value::Object(x.clone()));
        }
    }

    #[test]
    fn round_trip_not_identity() {
        let cases: Vec<(&str, Value, Value)> = vec![
            (
                // v1 -> internal appends the CPU metric after the annotation metrics.
                "cpu listed first moves last",
                v2(
                    Some(
                        json!([cpu(50), {"type": "Resource", "resource": {"name": "memory",
                        "target": {"type": "Utilization", "averageUtilization": 60}}}]),
                    ),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
                v2(
                    Some(json!([{"type": "Resource", "resource": {"name": "memory",
                        "target": {"type": "Utilization", "averageUtilization": 60}}}, cpu(50)])),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
            ),
            (
                "no metrics gains the 80% CPU default",
                v2(None, None, empty_v2_status(), meta()),
                v2(Some(json!([cpu(80)])), None, empty_v2_status(), meta()),
            ),
            (
                // Convert_v1_ObjectMetricSource_To_autoscaling_ObjectMetricSource: Value: &in.TargetValue.
                "object AverageValue target gains value 0",
                v2(
                    Some(json!([{"type": "Object", "object": {
                        "describedObject": {"kind": "Service", "name": "api"},
                        "target": {"type": "AverageValue", "averageValue": "2"},
                        "metric": {"name": "rps"}}}, cpu(50)])),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
                v2(
                    Some(json!([{"type": "Object", "object": {
                        "describedObject": {"kind": "Service", "name": "api"},
                        "target": {"type": "AverageValue", "value": "0", "averageValue": "2"},
                        "metric": {"name": "rps"}}}, cpu(50)])),
                    None,
                    empty_v2_status(),
                    meta(),
                ),
            ),
            (
                // Convert_v1_ResourceMetricStatus_To_autoscaling_ResourceMetricStatus: AverageValue: &in.CurrentAverageValue.
                "resource status without averageValue gains averageValue 0",
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    status_v2(
                        json!({"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                        "current": {"averageUtilization": 20}}}]}),
                    ),
                    meta(),
                ),
                v2(
                    Some(json!([cpu(50)])),
                    None,
                    status_v2(
                        json!({"currentMetrics": [{"type": "Resource", "resource": {"name": "cpu",
                        "current": {"averageValue": "0", "averageUtilization": 20}}}]}),
                    ),
                    meta(),
                ),
            ),
        ];
        for (name, x, want) in cases {
            println!("case: {name}");
            assert_json(name, &v1_to_v2(&v2_to_v1(&obj(x))), &want);
        }
    }

    #[test]
    fn bad_shapes_do_not_panic() {
        let cases: Vec<(&str, Value)> = vec![
            ("empty object", json!({})),
            (
                "metadata is a string",
                json!({"metadata": "x", "spec": [], "status": 3}),
            ),
            (
                "annotations not an object",
                json!({"metadata": {"annotations": [1, 2]}}),
            ),
            (
                "annotation values not strings",
                json!({"metadata": {"annotations": {METRIC_SPECS_ANNOTATION: 5,
                    BEHAVIOR_SPECS_ANNOTATION: {"a": 1}, CONDITIONS_ANNOTATION: null}}}),
            ),
            (
                "garbage inside spec and status",
                json!({"spec": {"scaleTargetRef": "d", "minReplicas": "1", "maxReplicas": 1e99,
                    "targetCPUUtilizationPercentage": -5_000_000_000_i64,
                    "metrics": [1, null, "x", {"type": 7, "resource": [], "pods": {"metric": 3,
                        "target": {"averageValue": {"x": 1}}}, "object": {"describedObject": null}}],
                    "behavior": {"scaleUp": {"policies": [null, 1, {"value": "x"}]}, "scaleDown": 4}},
                    "status": {"currentMetrics": {"a": 1}, "conditions": [3, {"lastTransitionTime": 5}],
                        "lastScaleTime": 1, "observedGeneration": "x"}}),
            ),
            (
                "hostile annotations",
                json!({"metadata": {"annotations": {
                    METRIC_SPECS_ANNOTATION: r#"[null, {"object": {"target": 1}}, 3]"#,
                    METRIC_STATUSES_ANNOTATION: r#"{"not":"a list"}"#,
                    BEHAVIOR_SPECS_ANNOTATION: r#"[1]"#,
                    CONDITIONS_ANNOTATION: r#"[{"lastTransitionTime":"2024-01-01T00:00:00+99:99"},{"lastTransitionTime":"é"}]"#}}}),
            ),
        ];
        for (name, input) in cases {
            println!("case: {name}");
            let input = obj(input);
            let as_v1 = v2_to_v1(&input);
            assert_eq!(
                as_v1.get("apiVersion"),
                Some(&json!("autoscaling/v1")),
                "{name}"
            );
            let as_v2 = v1_to_v2(&input);
            assert_eq!(
                as_v2.get("apiVersion"),
                Some(&json!("autoscaling/v2")),
                "{name}"
            );
            let back = v1_to_v2(&as_v1);
            assert_eq!(
                back.get("kind"),
                Some(&json!("HorizontalPodAutoscaler")),
                "{name}"
            );
        }
    }

    #[test]
    fn go_json_escapes_like_encoding_json() {
        let cases: Vec<(&str, Value, &str)> = vec![
            (
                "html characters",
                json!(["<a href='x'>&</a>"]),
                r#"["\u003ca href='x'\u003e\u0026\u003c/a\u003e"]"#,
            ),
            (
                "line and paragraph separators",
                json!("a\u{2028}b\u{2029}c"),
                r#""a\u2028b\u2029c""#,
            ),
            (
                "control characters",
                json!("\u{8}\u{c}\n\r\t\u{1}"),
                r#""\b\f\n\r\t\u0001""#,
            ),
            (
                "keys are escaped too",
                json!({"<k>": 1}),
                r#"{"\u003ck\u003e":1}"#,
            ),
            ("non-ASCII stays raw", json!("héllo ☃"), "\"héllo ☃\""),
        ];
        for (name, value, want) in cases {
            println!("case: {name}");
            assert_eq!(go_json(&value), want, "case {name:?}");
        }
    }

    #[test]
    fn quantity_syntax() {
        let cases: Vec<(&str, bool)> = vec![
            ("1", true),
            ("-1.5", true),
            ("+.5", true),
            ("5.", true),
            ("100m", true),
            ("1Gi", true),
            ("1e3", true),
            ("1E-3", true),
            ("0.5Ki", true),
            ("", false),
            (".", false),
            ("1K", false),
            ("1e", false),
            ("1.2.3", false),
            ("12 apples", false),
            ("Mi", false),
        ];
        for (input, want) in cases {
            println!("case: {input:?}");
            assert_eq!(is_quantity(input), want, "case {input:?}");
        }
    }

    #[test]
    fn time_normalization() {
        let cases: Vec<(&str, Option<Option<&str>>)> = vec![
            ("2024-05-01T10:00:00Z", Some(Some("2024-05-01T10:00:00Z"))),
            (
                "2024-05-01T10:00:00.123456Z",
                Some(Some("2024-05-01T10:00:00Z")),
            ),
            (
                "2024-03-01T01:00:00+02:00",
                Some(Some("2024-02-29T23:00:00Z")),
            ),
            (
                "2023-12-31T23:30:00-01:00",
                Some(Some("2024-01-01T00:30:00Z")),
            ),
            ("0001-01-01T00:00:00Z", Some(None)),
            ("2024-02-30T00:00:00Z", None),
            ("2024-05-01 10:00:00Z", None),
            ("2024-05-01T10:00:00", None),
            ("2024-05-01T24:00:00Z", None),
            ("2024-05-01T10:00:00.Z", None),
        ];
        for (input, want) in cases {
            println!("case: {input:?}");
            let got = normalize_time(input);
            assert_eq!(got.as_ref().map(|o| o.as_deref()), want, "case {input:?}");
        }
    }
}
