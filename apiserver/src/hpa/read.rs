//! Decoding: the v2 (stored) and v1 (client) bodies, and the round-trip
//! annotations read like `encoding/json.Unmarshal`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Obj;
use super::model::{
    Behavior, Condition, Current, Hpa, Identifier, Measure, Metric, NamedMetric, ObjectMetric,
    ObjectRef, Requirement, ResourceMetric, ScalingPolicy, ScalingRules, Selector, Target,
    cpu_utilization_metric,
};
use crate::clock;
use crate::quantity::is_quantity;

/// How JSON is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// The object body, already decoded/validated by the server: exact keys, a
    /// value of the wrong JSON type counts as absent.
    Body,
    /// A round-trip annotation, read like `encoding/json.Unmarshal`: keys match
    /// case-insensitively and any type error rejects the whole annotation.
    Annotation,
}

/// The annotation does not decode; `json.Unmarshal` returned an error.
#[derive(Debug)]
pub(super) struct Rejected;

pub(super) type Res<T> = Result<T, Rejected>;

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
pub(super) fn decode_list<T>(text: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Option<Vec<T>> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => Mode::Annotation.elements(&items, read).ok(),
        _ => None,
    }
}

/// Decodes an annotation holding a JSON object (`null` is the zero value).
pub(super) fn decode_object<T>(text: &str, read: impl Fn(Mode, &Obj) -> Res<T>) -> Option<T> {
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
pub(super) fn read_behavior(mode: Mode, o: &Obj) -> Res<Behavior> {
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

pub(super) fn read_condition(mode: Mode, o: &Obj) -> Res<Condition> {
    Ok(Condition {
        kind: mode.string(o, "type")?,
        status: mode.string(o, "status")?,
        last_transition_time: mode.opt_time(o, "lastTransitionTime")?,
        reason: mode.string(o, "reason")?,
        message: mode.string(o, "message")?,
    })
}

/// `MetricTarget` as nested in v2 metric specs.
pub(super) fn read_target(mode: Mode, o: &Obj) -> Res<Target> {
    Ok(Target {
        kind: mode.string(o, "type")?,
        value: mode.opt_quantity(o, "value")?,
        average_value: mode.opt_quantity(o, "averageValue")?,
        average_utilization: mode.opt_int(o, "averageUtilization")?,
    })
}

/// `MetricValueStatus` as nested in v2 metric statuses.
pub(super) fn read_current(mode: Mode, o: &Obj) -> Res<Current> {
    Ok(Current {
        value: mode.opt_quantity(o, "value")?,
        average_value: mode.opt_quantity(o, "averageValue")?,
        average_utilization: mode.opt_int(o, "averageUtilization")?,
    })
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
pub(super) fn read_v2(obj: &Obj) -> Res<Hpa> {
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
pub(super) fn read_v1(obj: &Obj) -> Res<Hpa> {
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
pub(super) fn metric_spec_from_v1(mode: Mode, o: &Obj) -> Res<Metric<Target>> {
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
pub(super) fn metric_status_from_v1(mode: Mode, o: &Obj) -> Res<Metric<Current>> {
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
// Value syntax checks used when decoding annotations.

/// `metav1.Time` from an annotation: `time.Parse(time.RFC3339, s)` then
/// `UTC().Format(time.RFC3339)` (fractional seconds dropped). `None` if Go
/// fails to parse; `Some(None)` for the zero time, which marshals as `null`.
pub(super) fn normalize_time(s: &str) -> Option<Option<String>> {
    let (unix, nanos) = clock::parse_rfc3339_nanos(s)?;
    // `Time.IsZero` also wants zero nanoseconds: `0001-01-01T00:00:00.5Z` is not zero.
    if unix == clock::ZERO_TIME_UNIX && nanos == 0 {
        return Some(None);
    }
    Some(Some(clock::rfc3339(unix)))
}
