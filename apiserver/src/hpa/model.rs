//! The internal (`pkg/apis/autoscaling`) HorizontalPodAutoscaler, which has the
//! v2 shape; both conversions decode into it and encode from it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Obj;
use super::read::{Mode, Res, read_current, read_target};
use super::write::{current_json, target_json};

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Hpa {
    pub(super) scale_target_ref: ObjectRef,
    pub(super) min_replicas: Option<i32>,
    pub(super) max_replicas: i32,
    pub(super) metrics: Vec<Metric<Target>>,
    pub(super) behavior: Option<Behavior>,
    pub(super) observed_generation: Option<i64>,
    pub(super) last_scale_time: Option<String>,
    pub(super) current_replicas: i32,
    pub(super) desired_replicas: i32,
    pub(super) current_metrics: Vec<Metric<Current>>,
    pub(super) conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ObjectRef {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) api_version: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Requirement {
    pub(super) key: String,
    pub(super) operator: String,
    pub(super) values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Selector {
    pub(super) match_labels: BTreeMap<String, String>,
    pub(super) match_expressions: Vec<Requirement>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Identifier {
    pub(super) name: String,
    pub(super) selector: Option<Selector>,
}

/// `MetricTarget`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Target {
    pub(super) kind: String,
    pub(super) value: Option<String>,
    pub(super) average_value: Option<String>,
    pub(super) average_utilization: Option<i32>,
}

/// `MetricValueStatus`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Current {
    pub(super) value: Option<String>,
    pub(super) average_value: Option<String>,
    pub(super) average_utilization: Option<i32>,
}

/// `MetricSpec` (`T = Target`) or `MetricStatus` (`T = Current`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Metric<T> {
    pub(super) kind: String,
    pub(super) object: Option<ObjectMetric<T>>,
    pub(super) pods: Option<NamedMetric<T>>,
    pub(super) resource: Option<ResourceMetric<T>>,
    pub(super) container_resource: Option<ResourceMetric<T>>,
    pub(super) external: Option<NamedMetric<T>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ObjectMetric<T> {
    pub(super) described_object: ObjectRef,
    pub(super) metric: Identifier,
    pub(super) measure: T,
}

/// Pods and External sources.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct NamedMetric<T> {
    pub(super) metric: Identifier,
    pub(super) measure: T,
}

/// Resource and ContainerResource sources (`container` unused for Resource).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ResourceMetric<T> {
    pub(super) name: String,
    pub(super) container: String,
    pub(super) measure: T,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Behavior {
    pub(super) scale_up: Option<ScalingRules>,
    pub(super) scale_down: Option<ScalingRules>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ScalingRules {
    pub(super) stabilization_window_seconds: Option<i32>,
    pub(super) select_policy: Option<String>,
    pub(super) policies: Vec<ScalingPolicy>,
    pub(super) tolerance: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ScalingPolicy {
    pub(super) kind: String,
    pub(super) value: i32,
    pub(super) period_seconds: i32,
}

/// `HorizontalPodAutoscalerCondition`; identical json in v1 and v2 (v1.36).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Condition {
    pub(super) kind: String,
    pub(super) status: String,
    pub(super) last_transition_time: Option<String>,
    pub(super) reason: String,
    pub(super) message: String,
}

pub(super) fn cpu_utilization_metric(utilization: i32) -> Metric<Target> {
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
pub(super) fn cpu_utilization_target(m: &Metric<Target>) -> Option<i32> {
    let r = m.resource.as_ref().filter(|_| m.kind == "Resource")?;
    if r.name == "cpu" {
        r.measure.average_utilization
    } else {
        None
    }
}

/// `MetricTarget` / `MetricValueStatus` as nested in v2 metric sources.
pub(super) trait Measure: Sized {
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
        read_target(mode, o)
    }

    fn write(&self) -> Value {
        target_json(self)
    }
}

impl Measure for Current {
    const KEY: &'static str = "current";
    const SPEC: bool = false;

    fn read(mode: Mode, o: &Obj) -> Res<Self> {
        read_current(mode, o)
    }

    fn write(&self) -> Value {
        current_json(self)
    }
}
