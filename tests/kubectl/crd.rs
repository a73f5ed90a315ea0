//! CustomResourceDefinitions: `kubectl apply -f` of a CRD and its custom resources, `kubectl get`
//! by plural and short name with the CRD's printer columns, deletion with the CRD, and
//! `kubectl explain` of a custom resource from the schema the server publishes.

use super::{Kubectl, each_kubectl, lines};

/// `kubectl apply -f crd.yaml` of `yaml`, then a wait for the CRD to be established: the
/// manifest's path and what apply printed.
fn apply_crd(k: &Kubectl, yaml: &str) -> (String, String) {
    let crd = k.manifest("crd.yaml", yaml);
    let applied = k.ok(&["apply", "-f", &crd]);
    k.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/widgets.example.com",
        "--timeout=10s",
    ]);
    (crd, applied)
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    plural: widgets
    kind: Widget
    shortNames: [wd]
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - name: Color
      type: string
      jsonPath: .spec.color
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the widget should look like.
            properties:
              color:
                type: string
                description: The color to paint the widget.
                enum: [red, blue]
              replicas:
                type: integer
                description: How many copies of the widget to make.
                default: 1
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w1
spec:
  color: red
";

#[test]
fn apply_a_crd_then_get_its_resources_with_printer_columns() {
    each_kubectl(|k| {
        k.say("apply -f crd.yaml");
        let (crd, applied) = apply_crd(k, CRD);
        assert_eq!(
            applied,
            "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"
        );
        k.say("apply -f widget.yaml; get widgets");
        let widget = k.manifest("widget.yaml", WIDGET);
        assert_eq!(
            k.ok(&["apply", "-f", &widget]),
            "widget.example.com/w1 created\n"
        );
        assert_eq!(
            k.ok(&["get", "widgets"]),
            lines(&["NAME   COLOR   REPLICAS", "w1     red     1"])
        );
        assert_eq!(
            k.ok(&["get", "wd", "w1", "-o", "jsonpath={.spec.replicas}"]),
            "1"
        );
        k.say("an invalid widget is refused with the schema's message");
        let bad = k.manifest(
            "bad.yaml",
            &WIDGET.replace("red", "green").replace("w1", "w2"),
        );
        let stderr = k.fails(&["apply", "-f", &bad]);
        assert!(
            stderr.contains(
                "spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\""
            ),
            "{stderr}"
        );
        k.say("delete the CRD: its widgets go with it");
        k.ok(&["delete", "-f", &crd]);
        // kubectl's cached discovery still knows the resource; the server no longer serves it.
        let stderr = k.fails(&["get", "widgets"]);
        assert!(
            stderr.contains("the server could not find the requested resource"),
            "{stderr}"
        );
    });
}

#[test]
fn explain_a_custom_resource_from_its_published_schema() {
    each_kubectl(|k| {
        k.say("apply -f crd.yaml; explain widget.spec");
        apply_crd(k, CRD);
        // 1.33 prints the schema's enum, and a blank line more after `FIELD:`.
        let (blank, color) = if k.release() == "1.27" {
            (&[][..], &["  color\t<string>"][..])
        } else {
            (&[""][..], &["  color\t<string>", "  enum: red, blue"][..])
        };
        let mut expected = vec![
            "GROUP:      example.com",
            "KIND:       Widget",
            "VERSION:    v1",
            "",
            "FIELD: spec <Object>",
            "",
        ];
        expected.extend(blank);
        expected.extend([
            "DESCRIPTION:",
            "    What the widget should look like.",
            "    ",
            "FIELDS:",
        ]);
        expected.extend(color);
        expected.extend([
            "    The color to paint the widget.",
            "",
            "  replicas\t<integer>",
            "    How many copies of the widget to make.",
            "",
            "",
        ]);
        assert_eq!(k.ok(&["explain", "widget.spec"]), lines(&expected));
    });
}

#[test]
fn apply_of_a_changed_custom_resource_is_a_merge_patch() {
    each_kubectl(|k| {
        k.say("apply -f crd.yaml; apply -f widget.yaml");
        apply_crd(k, CRD);
        let widget = k.manifest("widget.yaml", WIDGET);
        k.ok(&["apply", "-f", &widget]);
        // The published PATCH of a custom resource consumes no strategic merge patch, so
        // kubectl computes a JSON merge patch.
        k.say("apply -f widget.yaml with another color");
        let changed = k.manifest("changed.yaml", &WIDGET.replace("red", "blue"));
        assert_eq!(
            k.ok(&["apply", "-f", &changed]),
            "widget.example.com/w1 configured\n"
        );
        assert_eq!(
            k.ok(&["get", "widget", "w1", "-o", "jsonpath={.spec.color}"]),
            "blue"
        );
        assert_eq!(
            k.ok(&["apply", "-f", &changed]),
            "widget.example.com/w1 unchanged\n"
        );
    });
}

#[test]
fn scale_a_custom_resource_through_the_crds_replicas_path() {
    each_kubectl(|k| {
        k.say("apply -f crd.yaml (scale subresource at .spec.count); apply -f widget.yaml");
        apply_crd(
            k,
            &CRD.replace(
                "    additionalPrinterColumns:\n",
                "    subresources:\n      scale:\n        specReplicasPath: .spec.count\n        statusReplicasPath: .status.count\n    additionalPrinterColumns:\n",
            )
            .replace(
                "              replicas:\n",
                "              count:\n                type: integer\n              replicas:\n",
            ),
        );
        let widget = k.manifest("widget.yaml", &format!("{WIDGET}  count: 1\n"));
        k.ok(&["apply", "-f", &widget]);
        k.say("scale widget/w1 --replicas=3");
        assert_eq!(
            k.ok(&["scale", "widget/w1", "--replicas=3"]),
            "widget.example.com/w1 scaled\n"
        );
        assert_eq!(
            k.ok(&[
                "get",
                "widget",
                "w1",
                "-o",
                "jsonpath={.spec.count} {.spec.replicas}"
            ]),
            "3 1"
        );
    });
}
