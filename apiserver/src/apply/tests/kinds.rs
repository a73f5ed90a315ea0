//! A schema of a few kube kinds in SMD's language, as the server derives it from the OpenAPI
//! definitions (list types, map keys, atomic `LabelSelector`, the `protocol: TCP` default of
//! container ports, `Quantity`/`IntOrString`/`Time` as untyped scalars).

use serde_json::Value;

use super::support::Types;

pub(crate) const KINDS: &str = r#"
types:
- name: ConfigMap
  map:
    fields:
    - {name: apiVersion, type: {scalar: string}}
    - {name: kind, type: {scalar: string}}
    - {name: metadata, type: {namedType: ObjectMeta}}
    - {name: data, type: {map: {elementType: {scalar: string}}}}
    - {name: binaryData, type: {map: {elementType: {scalar: string}}}}
    - {name: immutable, type: {scalar: boolean}}
- name: ObjectMeta
  map:
    fields:
    - {name: name, type: {scalar: string}}
    - {name: generateName, type: {scalar: string}}
    - {name: namespace, type: {scalar: string}}
    - {name: selfLink, type: {scalar: string}}
    - {name: uid, type: {scalar: string}}
    - {name: resourceVersion, type: {scalar: string}}
    - {name: generation, type: {scalar: numeric}}
    - {name: creationTimestamp, type: {scalar: untyped}}
    - {name: deletionTimestamp, type: {scalar: untyped}}
    - {name: labels, type: {map: {elementType: {scalar: string}}}}
    - {name: annotations, type: {map: {elementType: {scalar: string}}}}
    - name: finalizers
      type: {list: {elementType: {scalar: string}, elementRelationship: associative}}
    - name: ownerReferences
      type:
        list:
          elementType: {namedType: OwnerReference}
          elementRelationship: associative
          keys: [uid]
    - name: managedFields
      type: {list: {elementType: {namedType: ManagedFieldsEntry}, elementRelationship: atomic}}
- name: OwnerReference
  map:
    fields:
    - {name: apiVersion, type: {scalar: string}}
    - {name: kind, type: {scalar: string}}
    - {name: name, type: {scalar: string}}
    - {name: uid, type: {scalar: string}}
    - {name: controller, type: {scalar: boolean}}
    - {name: blockOwnerDeletion, type: {scalar: boolean}}
    elementRelationship: atomic
- name: ManagedFieldsEntry
  map:
    fields:
    - {name: manager, type: {scalar: string}}
    - {name: operation, type: {scalar: string}}
    - {name: apiVersion, type: {scalar: string}}
    - {name: time, type: {scalar: untyped}}
    - {name: fieldsType, type: {scalar: string}}
    - {name: fieldsV1, type: {namedType: __untyped_deduced_}}
    - {name: subresource, type: {scalar: string}}
- name: Deployment
  map:
    fields:
    - {name: apiVersion, type: {scalar: string}}
    - {name: kind, type: {scalar: string}}
    - {name: metadata, type: {namedType: ObjectMeta}}
    - {name: spec, type: {namedType: DeploymentSpec}}
    - {name: status, type: {namedType: DeploymentStatus}}
- name: DeploymentSpec
  map:
    fields:
    - {name: replicas, type: {scalar: numeric}}
    - {name: selector, type: {namedType: LabelSelector}}
    - {name: template, type: {namedType: PodTemplateSpec}}
    - {name: strategy, type: {namedType: DeploymentStrategy}}
    - {name: minReadySeconds, type: {scalar: numeric}}
    - {name: revisionHistoryLimit, type: {scalar: numeric}}
    - {name: paused, type: {scalar: boolean}}
    - {name: progressDeadlineSeconds, type: {scalar: numeric}}
- name: DeploymentStrategy
  map:
    fields:
    - {name: type, type: {scalar: string}}
    - name: rollingUpdate
      type:
        map:
          fields:
          - {name: maxUnavailable, type: {scalar: untyped}}
          - {name: maxSurge, type: {scalar: untyped}}
- name: DeploymentStatus
  map:
    fields:
    - {name: observedGeneration, type: {scalar: numeric}}
    - {name: replicas, type: {scalar: numeric}}
    - {name: readyReplicas, type: {scalar: numeric}}
    - name: conditions
      type:
        list:
          elementType:
            map:
              fields:
              - {name: type, type: {scalar: string}}
              - {name: status, type: {scalar: string}}
              - {name: reason, type: {scalar: string}}
          elementRelationship: associative
          keys: [type]
- name: LabelSelector
  map:
    fields:
    - {name: matchLabels, type: {map: {elementType: {scalar: string}}}}
    - name: matchExpressions
      type: {list: {elementType: {namedType: __untyped_atomic_}, elementRelationship: atomic}}
    elementRelationship: atomic
- name: PodTemplateSpec
  map:
    fields:
    - {name: metadata, type: {namedType: ObjectMeta}}
    - {name: spec, type: {namedType: PodSpec}}
- name: PodSpec
  map:
    fields:
    - name: containers
      type:
        list:
          elementType: {namedType: Container}
          elementRelationship: associative
          keys: [name]
    - {name: restartPolicy, type: {scalar: string}}
    - {name: terminationGracePeriodSeconds, type: {scalar: numeric}}
    - {name: dnsPolicy, type: {scalar: string}}
    - {name: schedulerName, type: {scalar: string}}
    - {name: nodeSelector, type: {map: {elementType: {scalar: string}, elementRelationship: atomic}}}
    - name: securityContext
      type:
        map:
          fields:
          - {name: runAsUser, type: {scalar: numeric}}
          - {name: runAsNonRoot, type: {scalar: boolean}}
- name: Container
  map:
    fields:
    - {name: name, type: {scalar: string}}
    - {name: image, type: {scalar: string}}
    - {name: imagePullPolicy, type: {scalar: string}}
    - {name: command, type: {list: {elementType: {scalar: string}, elementRelationship: atomic}}}
    - {name: args, type: {list: {elementType: {scalar: string}, elementRelationship: atomic}}}
    - name: ports
      type:
        list:
          elementType: {namedType: ContainerPort}
          elementRelationship: associative
          keys: [containerPort, protocol]
    - name: env
      type:
        list:
          elementType:
            map:
              fields:
              - {name: name, type: {scalar: string}}
              - {name: value, type: {scalar: string}}
          elementRelationship: associative
          keys: [name]
    - name: resources
      type:
        map:
          fields:
          - {name: limits, type: {map: {elementType: {scalar: untyped}}}}
          - {name: requests, type: {map: {elementType: {scalar: untyped}}}}
    - {name: terminationMessagePath, type: {scalar: string}}
    - {name: terminationMessagePolicy, type: {scalar: string}}
- name: ContainerPort
  map:
    fields:
    - {name: containerPort, type: {scalar: numeric}}
    - {name: protocol, type: {scalar: string}, default: TCP}
    - {name: name, type: {scalar: string}}
    - {name: hostPort, type: {scalar: numeric}}
- name: Scale
  map:
    fields:
    - {name: apiVersion, type: {scalar: string}}
    - {name: kind, type: {scalar: string}}
    - {name: metadata, type: {namedType: ObjectMeta}}
    - name: spec
      type: {map: {fields: [{name: replicas, type: {scalar: numeric}}]}}
    - name: status
      type:
        map:
          fields:
          - {name: replicas, type: {scalar: numeric}}
          - {name: selector, type: {scalar: string}}
"#;

pub(crate) fn types() -> Types {
    Types::parse(KINDS)
}

/// `creater.New(kind)` as kube's Go types encode it.
pub(crate) fn empty(kind: &str) -> Value {
    let (group, version) = match kind {
        "Deployment" => ("apps", "v1"),
        "Scale" => ("autoscaling", "v1"),
        _ => ("", "v1"),
    };
    crate::zero::object(group, version, kind)
}
