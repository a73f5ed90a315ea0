//! CustomResourceDefinitions through the router: a CRD is validated, established, discovered;
//! its custom resources are validated, pruned, defaulted, printed, and deleted with it.

use axum::Router;
use axum::body::Body;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use kubemem_apiserver::controllers::Controllers;
use kubemem_apiserver::{AppState, Config, router};
use serde_json::{Value, json};
use tower::ServiceExt;

struct App {
    router: Router,
    _shutdown: tokio::sync::watch::Sender<bool>,
}

/// An app running only `controllers`.
async fn app_with(controllers: Controllers) -> App {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let config = Config {
        controllers,
        ..Config::default()
    };
    let state = AppState::start(config, rx).await.expect("boots");
    App {
        router: router(state),
        _shutdown: tx,
    }
}

async fn app() -> App {
    app_with(Controllers::none()).await
}

impl App {
    async fn call_with(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        accept: &str,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("accept", accept);
        let body = match body {
            Some(v) => {
                request = request.header("content-type", "application/json");
                Body::from(serde_json::to_vec(&v).unwrap())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// The status and JSON body (`null` if none) of `request`.
    async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value)
    }

    /// A PATCH of `uri` with `body` as `content_type`.
    async fn patch(&self, uri: &str, content_type: &str, body: &[u8]) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(Method::PATCH)
            .uri(uri)
            .header("content-type", content_type)
            .body(Body::from(body.to_vec()))
            .unwrap();
        self.send(request).await
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call_with(method, uri, body, "application/json").await
    }
}

const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const WIDGETS: &str = "/apis/example.com/v1/namespaces/default/widgets";

fn widget_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [
                {
                    "name": "v1", "served": true, "storage": true,
                    "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
                    "selectableFields": [{"jsonPath": ".spec.color"}],
                    "additionalPrinterColumns": [
                        {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
                        {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"}
                    ],
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "required": ["color"], "properties": {
                            "color": {"type": "string", "enum": ["red", "blue"]},
                            "replicas": {"type": "integer", "minimum": 0, "default": 1}
                        }},
                        "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}
                    }}}
                },
                {
                    "name": "v1beta1", "served": true, "storage": false,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
                }
            ]
        }
    })
}

fn widget(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec})
}

#[tokio::test]
async fn a_crd_is_established_and_serves_its_custom_resources() {
    let app = app().await;
    let (status, _) = app.call(Method::GET, WIDGETS, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, crd) = app.call(Method::POST, CRDS, Some(widget_crd())).await;
    assert_eq!(status, StatusCode::CREATED, "{crd}");
    assert_eq!(crd["spec"]["names"]["listKind"], "WidgetList");
    assert_eq!(crd["spec"]["conversion"], json!({"strategy": "None"}));
    assert_eq!(crd["status"]["conditions"][1]["type"], "Established");
    assert_eq!(crd["status"]["conditions"][1]["status"], "True");
    assert_eq!(crd["status"]["storedVersions"], json!(["v1"]));

    // Discovery lists the group, its versions (v1 preferred) and the resource.
    let (_, group) = app.call(Method::GET, "/apis/example.com", None).await;
    assert_eq!(group["preferredVersion"]["version"], "v1");
    let (_, list) = app.call(Method::GET, "/apis/example.com/v1", None).await;
    let names: Vec<&str> = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["widgets", "widgets/scale", "widgets/status"]);
    assert_eq!(list["resources"][0]["shortNames"], json!(["wd"]));
    let (_, apis) = app.call(Method::GET, "/apis", None).await;
    assert!(
        apis["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "example.com")
    );

    // Create: unknown fields pruned (and warned about), defaults filled in.
    let mut body = widget("a", json!({"color": "red", "junk": true}));
    body["extra"] = json!(1);
    let (status, created) = app.call(Method::POST, WIDGETS, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["spec"], json!({"color": "red", "replicas": 1}));
    assert!(created.get("extra").is_none());
    assert_eq!(created["metadata"]["generation"], 1);

    // Strict field validation refuses the same body.
    let (status, refused) = app
        .call(
            Method::POST,
            &format!("{WIDGETS}?fieldValidation=Strict"),
            Some(widget("s", json!({"color": "red", "junk": true}))),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused["message"],
        "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.junk\""
    );

    // Validation against the schema, then of the scale subresource's paths (`ValidateScaleSpec`),
    // with kube's messages.
    let (status, invalid) = app
        .call(
            Method::POST,
            WIDGETS,
            Some(widget("b", json!({"color": "green", "replicas": -1}))),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{invalid}");
    assert_eq!(
        invalid["message"],
        "Widget.example.com \"b\" is invalid: [spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\", spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0, .spec.replicas: Invalid value: -1: should be a non-negative integer]"
    );

    // The other served version reads the same object under its own apiVersion.
    let (status, beta) = app
        .call(
            Method::GET,
            "/apis/example.com/v1beta1/namespaces/default/widgets/a",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(beta["apiVersion"], "example.com/v1beta1");
    assert_eq!(beta["spec"]["color"], "red");

    // The status subresource: the main resource does not write status, /status does.
    let mut update = created.clone();
    update["status"] = json!({"replicas": 5});
    update["spec"]["color"] = json!("blue");
    let (_, updated) = app
        .call(Method::PUT, &format!("{WIDGETS}/a"), Some(update.clone()))
        .await;
    assert!(updated.get("status").is_none(), "{updated}");
    assert_eq!(updated["metadata"]["generation"], 2);
    update["metadata"]["resourceVersion"] = updated["metadata"]["resourceVersion"].clone();
    let (status, with_status) = app
        .call(Method::PUT, &format!("{WIDGETS}/a/status"), Some(update))
        .await;
    assert_eq!(status, StatusCode::OK, "{with_status}");
    assert_eq!(with_status["status"], json!({"replicas": 5}));
    assert_eq!(with_status["spec"]["color"], "blue");

    // Field selectors on selectableFields; others are refused.
    app.call(
        Method::POST,
        WIDGETS,
        Some(widget("c", json!({"color": "red"}))),
    )
    .await;
    let (_, reds) = app
        .call(
            Method::GET,
            &format!("{WIDGETS}?fieldSelector=spec.color%3Dred"),
            None,
        )
        .await;
    let names: Vec<&str> = reds["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c"]);
    let (status, bad) = app
        .call(
            Method::GET,
            &format!("{WIDGETS}?fieldSelector=spec.replicas%3D1"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["message"], "field label not supported: spec.replicas");

    // Table output has the printer columns.
    let (_, table) = app
        .call_with(
            Method::GET,
            WIDGETS,
            None,
            "application/json;as=Table;v=v1;g=meta.k8s.io",
        )
        .await;
    let columns: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["Name", "Color", "Replicas"]);
    assert_eq!(table["rows"][0]["cells"], json!(["a", "blue", 1]));

    // Deleting the CRD deletes its custom resources and its endpoint (the CRD finalizer's
    // work, which goes on after the DELETE answers).
    let (status, _) = app
        .call(Method::DELETE, &format!("{CRDS}/widgets.example.com"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    app.wait_for(
        &format!("{CRDS}/widgets.example.com"),
        "the CRD goes",
        |s, _| s == StatusCode::NOT_FOUND,
    )
    .await;
    let (status, _) = app.call(Method::GET, WIDGETS, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(Method::POST, CRDS, Some(widget_crd())).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = app.call(Method::GET, WIDGETS, None).await;
    assert_eq!(list["items"], json!([]));
}

/// kube-openapi's messages through `kubeOpenAPIResultToFieldErrors`: a type error shows the
/// value's type name; the string validator stops at its first failure; `required` comes after
/// the properties' errors; a schema's constraint on `metadata.name` holds.
#[tokio::test]
async fn custom_resources_get_kube_openapis_validation_errors() {
    let app = app().await;
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["metadata"] =
        json!({"type": "object", "properties": {"name": {"type": "string", "maxLength": 8}}});
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["tag"] =
        json!({"type": "string", "minLength": 3, "pattern": "^[a-z]+$"});
    let (status, created) = app.call(Method::POST, CRDS, Some(crd)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, refused) = app
        .call(
            Method::POST,
            WIDGETS,
            Some(widget("a-long-name", json!({"replicas": "3", "tag": "A"}))),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["message"],
        "Widget.example.com \"a-long-name\" is invalid: [metadata.name: Too long: may not be more than 8 bytes, spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\", spec.tag: Invalid value: \"A\": spec.tag in body should be at least 3 chars long, spec.color: Required value, .spec.replicas: Invalid value: 0: .spec.replicas accessor error: 3 is of the type string, expected int64]"
    );
    assert_eq!(
        refused["details"]["causes"][1],
        json!({"reason": "FieldValueTypeInvalid", "message": "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"", "field": "spec.replicas"})
    );
}

/// `customResourceValidator.Validate`: the name is a DNS subdomain
/// (`ValidateObjectMetaAccessor` with `NameIsDNSSubdomain`), checked before the schema, and the
/// schema's own constraints on `metadata.name` hold for a generated name too.
#[tokio::test]
async fn custom_resource_names_are_dns_subdomains_and_meet_the_schema() {
    let app = app().await;
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["metadata"] =
        json!({"type": "object", "properties": {"name": {"type": "string", "pattern": "^w-"}}});
    let (status, created) = app.call(Method::POST, CRDS, Some(crd)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let (status, refused) = app
        .call(Method::POST, WIDGETS, Some(widget("Bad_Name", json!({}))))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused["message"],
        "Widget.example.com \"Bad_Name\" is invalid: [metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), metadata.name: Invalid value: \"Bad_Name\": metadata.name in body should match '^w-', spec.color: Required value]"
    );

    let mut generated = widget("", json!({"color": "red"}));
    generated["metadata"] = json!({"generateName": "x-"});
    let (status, refused) = app.call(Method::POST, WIDGETS, Some(generated)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let cause = &refused["details"]["causes"][0];
    assert_eq!(cause["field"], "metadata.name");
    let name = refused["details"]["name"].as_str().unwrap();
    assert!(name.starts_with("x-") && name.len() == 7, "{name}");
    assert_eq!(
        cause["message"],
        format!("Invalid value: \"{name}\": metadata.name in body should match '^w-'")
    );
    let (status, _) = app
        .call(
            Method::POST,
            WIDGETS,
            Some(widget("w-1", json!({"color": "red"}))),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// The `Warning` headers of a GET of `uri`, with its status.
async fn warnings_of(app: &App, uri: &str) -> (StatusCode, Vec<String>) {
    let request = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let warnings = response
        .headers()
        .get_all("warning")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (response.status(), warnings)
}

/// `deprecated: true` makes every request to the version carry kube's `defaultDeprecationWarning`
/// (naming the highest served version above it) or the version's `deprecationWarning`.
#[tokio::test]
async fn deprecated_versions_warn_on_every_request() {
    let app = app().await;
    let mut crd = widget_crd();
    crd["spec"]["versions"][1]["deprecated"] = json!(true);
    let v1alpha1 = json!({"name": "v1alpha1", "served": true, "storage": false, "deprecated": true,
        "deprecationWarning": "v1alpha1 goes away in 2.0",
        "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}});
    crd["spec"]["versions"]
        .as_array_mut()
        .unwrap()
        .push(v1alpha1);
    let (status, created) = app.call(Method::POST, CRDS, Some(crd)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let beta = "/apis/example.com/v1beta1/namespaces/default/widgets";
    let default_warning =
        "299 - \"example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget\"";
    assert_eq!(
        warnings_of(&app, beta).await,
        (StatusCode::OK, vec![default_warning.to_owned()])
    );
    // Errors warn too: the handler adds the warning before serving.
    assert_eq!(
        warnings_of(&app, &format!("{beta}/missing")).await,
        (StatusCode::NOT_FOUND, vec![default_warning.to_owned()])
    );
    assert_eq!(
        warnings_of(&app, "/apis/example.com/v1alpha1/widgets").await,
        (
            StatusCode::OK,
            vec!["299 - \"v1alpha1 goes away in 2.0\"".to_owned()]
        )
    );
    assert_eq!(warnings_of(&app, WIDGETS).await, (StatusCode::OK, vec![]));
}

#[tokio::test]
async fn invalid_crds_and_cel_rules_are_refused() {
    let app = app().await;
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["x-kubernetes-validations"] =
        json!([{"rule": "self.spec.replicas >= 0"}]);
    crd["spec"]["versions"][1]["storage"] = json!(true);
    let (status, refused) = app.call(Method::POST, CRDS, Some(crd)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused["message"],
        concat!(
            "CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: [",
            // The versions differ, so each keeps its schema (validated in the versions' loop).
            "spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations: Forbidden: CEL validation rules are not supported by kubemem; remove x-kubernetes-validations, ",
            // `%#v` of the internal versions; kube prints heap addresses for the pointers.
            "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{",
            "apiextensions.CustomResourceDefinitionVersion{Name:\"v1\", Served:true, Storage:true, Deprecated:false, DeprecationWarning:(*string)(nil), ",
            "Schema:(*apiextensions.CustomResourceValidation)(0xc000000000), Subresources:(*apiextensions.CustomResourceSubresources)(0xc000000000), ",
            "AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition{",
            "apiextensions.CustomResourceColumnDefinition{Name:\"Color\", Type:\"string\", Format:\"\", Description:\"\", Priority:0, JSONPath:\".spec.color\"}, ",
            "apiextensions.CustomResourceColumnDefinition{Name:\"Replicas\", Type:\"integer\", Format:\"\", Description:\"\", Priority:0, JSONPath:\".spec.replicas\"}}, ",
            "SelectableFields:[]apiextensions.SelectableField{apiextensions.SelectableField{JSONPath:\".spec.color\"}}}, ",
            "apiextensions.CustomResourceDefinitionVersion{Name:\"v1beta1\", Served:true, Storage:true, Deprecated:false, DeprecationWarning:(*string)(nil), ",
            "Schema:(*apiextensions.CustomResourceValidation)(0xc000000000), Subresources:(*apiextensions.CustomResourceSubresources)(nil), ",
            "AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}: ",
            "must have exactly one version marked as storage version, ",
            // `PrepareForCreate` stored the first storage version only.
            "status.storedVersions: Invalid value: []string{\"v1\"}: must have the storage version v1beta1]"
        )
    );
    let (_, list) = app.call(Method::GET, CRDS, None).await;
    assert_eq!(list["items"], json!([]));
}

/// A one-version CRD is validated in kube's internal shape: its schema at `spec.validation`,
/// the structural errors sorted; `metadata` may only restrict `name` and `generateName`.
#[tokio::test]
async fn a_one_version_crds_schema_errors_are_at_spec_validation() {
    let app = app().await;
    let mut crd = gadget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = json!({"properties": {
        "metadata": {"type": "object", "properties": {"labels": {"type": "object"}}},
        "spec": {"properties": {"size": {"type": "integer", "default": "big"}}}
    }});
    let (status, refused) = app.call(Method::POST, CRDS, Some(crd)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused["message"],
        "CustomResourceDefinition.apiextensions.k8s.io \"gadgets.example.com\" is invalid: [spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified, spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields, spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root]"
    );
    assert_eq!(
        refused["details"]["causes"][2],
        json!({"reason": "FieldValueRequired", "message": "Required value: must not be empty at the root", "field": "spec.validation.openAPIV3Schema.type"})
    );
}

#[tokio::test]
async fn openapi_publishes_custom_resources_while_their_crd_serves_them() {
    let app = app().await;
    const V2: &str = "/openapi/v2";
    const INDEX: &str = "/openapi/v3";
    const DOC: &str = "/openapi/v3/apis/example.com/v1";
    let (_, index) = app.call(Method::GET, INDEX, None).await;
    assert!(index["paths"].get("apis/example.com/v1").is_none());
    let (status, _) = app.call(Method::GET, DOC, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, v2) = app.call(Method::GET, V2, None).await;
    assert!(v2["definitions"].get("com.example.v1.Widget").is_none());
    // The CRD kind itself is among the built-in definitions.
    let crd_def = &v2["definitions"]["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"];
    assert_eq!(
        crd_def["x-kubernetes-group-version-kind"],
        json!([{"group": "apiextensions.k8s.io", "kind": "CustomResourceDefinition", "version": "v1"}])
    );

    let (status, _) = app.call(Method::POST, CRDS, Some(widget_crd())).await;
    assert_eq!(status, StatusCode::CREATED);

    // v2: the kind and list definitions, named by the reversed group, and the operations.
    let (_, v2) = app.call(Method::GET, V2, None).await;
    let widget = &v2["definitions"]["com.example.v1.Widget"];
    assert_eq!(
        widget["x-kubernetes-group-version-kind"],
        json!([{"group": "example.com", "kind": "Widget", "version": "v1"}])
    );
    assert_eq!(
        widget["properties"]["metadata"]["$ref"],
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    // v2 keeps value validations but not defaults.
    assert_eq!(
        widget["properties"]["spec"]["properties"]["replicas"],
        json!({"minimum": 0, "type": "integer"})
    );
    assert_eq!(widget["properties"]["spec"]["required"], json!(["color"]));
    let list = &v2["definitions"]["com.example.v1.WidgetList"];
    assert_eq!(list["description"], "WidgetList is a list of Widget");
    assert_eq!(
        list["properties"]["items"]["items"]["$ref"],
        "#/definitions/com.example.v1.Widget"
    );
    // The preserve-unknown-fields version publishes an object and nothing more.
    assert_eq!(
        v2["definitions"]["com.example.v1beta1.Widget"],
        json!({"type": "object", "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1beta1"}]})
    );
    let item = &v2["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"];
    assert_eq!(
        item["get"]["operationId"],
        "readExampleComV1NamespacedWidget"
    );
    assert_eq!(
        item["get"]["produces"],
        json!(["application/json", "application/yaml"])
    );
    assert_eq!(
        item["patch"]["consumes"],
        json!([
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml"
        ])
    );
    let scale = &v2["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale"];
    assert_eq!(
        scale["get"]["operationId"],
        "readExampleComV1NamespacedWidgetScale"
    );
    assert_eq!(
        scale["get"]["responses"]["200"]["schema"]["$ref"],
        "#/definitions/io.k8s.api.autoscaling.v1.Scale"
    );
    assert_eq!(
        v2["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets"]["delete"]["operationId"],
        "deleteExampleComV1CollectionNamespacedWidget"
    );
    assert_eq!(
        v2["paths"]["/apis/example.com/v1/widgets"]["get"]["operationId"],
        "listExampleComV1WidgetForAllNamespaces"
    );

    // v3: an index entry and a document with the schemas (defaults kept, refs to components).
    let (_, index) = app.call(Method::GET, INDEX, None).await;
    let url = index["paths"]["apis/example.com/v1"]["serverRelativeURL"]
        .as_str()
        .expect("an index entry");
    assert!(
        url.starts_with("/openapi/v3/apis/example.com/v1?hash="),
        "{url}"
    );
    assert!(index["paths"].get("apis/example.com/v1beta1").is_some());
    let (status, doc) = app.call(Method::GET, DOC, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        doc["info"],
        json!({"title": "Kubernetes CRD Swagger", "version": "v0.1.0"})
    );
    let schemas = &doc["components"]["schemas"];
    let widget = &schemas["com.example.v1.Widget"];
    assert_eq!(
        widget["properties"]["spec"]["properties"]["replicas"],
        json!({"default": 1, "minimum": 0, "type": "integer"})
    );
    assert_eq!(
        widget["properties"]["metadata"]["allOf"],
        json!([{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}])
    );
    for name in [
        "com.example.v1.WidgetList",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
        "io.k8s.api.autoscaling.v1.Scale",
    ] {
        assert!(schemas.get(name).is_some(), "{name}");
    }
    let patch =
        &doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"],
        json!({"group": "example.com", "kind": "Widget", "version": "v1"})
    );
    assert!(
        patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "fieldValidation")
    );

    // Deleting the CRD takes them away again, once the CRD finalizer has let it go.
    let (status, _) = app
        .call(Method::DELETE, &format!("{CRDS}/widgets.example.com"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    app.wait_for(
        &format!("{CRDS}/widgets.example.com"),
        "the CRD goes",
        |s, _| s == StatusCode::NOT_FOUND,
    )
    .await;
    let (_, index) = app.call(Method::GET, INDEX, None).await;
    assert!(index["paths"].get("apis/example.com/v1").is_none());
    let (status, _) = app.call(Method::GET, DOC, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, v2) = app.call(Method::GET, V2, None).await;
    assert!(v2["definitions"].get("com.example.v1.Widget").is_none());
}

#[tokio::test]
async fn a_crd_with_an_unknown_field_is_refused_under_strict_validation() {
    let app = app().await;
    let mut crd = widget_crd();
    crd["spec"]["bogus"] = json!(true);
    let (status, refused) = app
        .call(
            Method::POST,
            &format!("{CRDS}?fieldValidation=Strict"),
            Some(crd),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(
        refused["message"],
        "CustomResourceDefinition in version \"v1\" cannot be handled as a CustomResourceDefinition: strict decoding error: unknown field \"spec.bogus\""
    );
}

#[tokio::test]
async fn custom_resources_take_merge_patches_and_refuse_strategic_ones_as_kube_does() {
    let app = app().await;
    app.call(Method::POST, CRDS, Some(widget_crd())).await;
    app.call(
        Method::POST,
        WIDGETS,
        Some(widget("a", json!({"color": "red"}))),
    )
    .await;
    const STRATEGIC: &str = "application/strategic-merge-patch+json";
    const BLUE: &[u8] = br#"{"spec":{"color":"blue"}}"#;
    let (status, refused) = app.patch(&format!("{WIDGETS}/a"), STRATEGIC, BLUE).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(refused["reason"], "UnsupportedMediaType");
    assert_eq!(
        refused["message"],
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    );
    // The patch type is refused before the object is looked up.
    let (status, _) = app
        .patch(&format!("{WIDGETS}/missing"), STRATEGIC, BLUE)
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A merge patch needs no strategic metadata.
    let (status, _) = app
        .patch(
            &format!("{WIDGETS}/a"),
            "application/merge-patch+json",
            BLUE,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, stored) = app.call(Method::GET, &format!("{WIDGETS}/a"), None).await;
    assert_eq!(stored["spec"]["color"], "blue");
}

const GADGETS: &str = "/apis/example.com/v1/namespaces/default/gadgets";

/// A CRD whose scale subresource names its own paths.
fn gadget_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "gadgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"plural": "gadgets", "kind": "Gadget"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}, "scale": {
                    "specReplicasPath": ".spec.size",
                    "statusReplicasPath": ".status.ready",
                    "labelSelectorPath": ".status.selector"
                }},
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": {
                        "size": {"type": "integer"}, "replicas": {"type": "integer"}
                    }},
                    "status": {"type": "object", "properties": {
                        "ready": {"type": "integer"}, "selector": {"type": "string"}
                    }}
                }}}
            }]
        }
    })
}

fn gadget(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": name}, "spec": spec})
}

impl App {
    async fn merge_patch(&self, uri: &str, patch: Value) -> (StatusCode, Value) {
        let body = serde_json::to_vec(&patch).unwrap();
        self.patch(uri, "application/merge-patch+json", &body).await
    }
}

#[tokio::test]
async fn the_scale_of_a_custom_resource_reads_and_writes_the_crds_paths() {
    let app = app().await;
    let (status, crd) = app.call(Method::POST, CRDS, Some(gadget_crd())).await;
    assert_eq!(status, StatusCode::CREATED, "{crd}");
    let (status, crd) = app.call(Method::POST, CRDS, Some(widget_crd())).await;
    assert_eq!(status, StatusCode::CREATED, "{crd}");

    // Discovery lists `<plural>/scale` only for the versions with the subresource.
    let (_, v1) = app.call(Method::GET, "/apis/example.com/v1", None).await;
    let (_, beta) = app
        .call(Method::GET, "/apis/example.com/v1beta1", None)
        .await;
    let names = |list: &Value| -> Vec<String> {
        list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&v1),
        [
            "gadgets",
            "gadgets/scale",
            "gadgets/status",
            "widgets",
            "widgets/scale",
            "widgets/status"
        ]
    );
    assert_eq!(names(&beta), ["widgets"]);
    let (status, _) = app
        .call(
            Method::GET,
            "/apis/example.com/v1beta1/namespaces/default/widgets/a/scale",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // GET reads .spec.size, .status.ready and .status.selector; .spec.replicas is not the count.
    let (status, created) = app
        .call(
            Method::POST,
            GADGETS,
            Some(gadget("g", json!({"size": 2, "replicas": 9}))),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let mut with_status = created.clone();
    with_status["status"] = json!({"ready": 1, "selector": "app=g"});
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("{GADGETS}/g/status"),
            Some(with_status),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, scale) = app
        .call(Method::GET, &format!("{GADGETS}/g/scale"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{scale}");
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    assert_eq!(scale["metadata"]["name"], "g");
    assert_eq!(scale["spec"], json!({"replicas": 2}));
    assert_eq!(scale["status"], json!({"replicas": 1, "selector": "app=g"}));

    // PUT writes .spec.size.
    let mut put = scale.clone();
    put["spec"]["replicas"] = json!(5);
    let (status, scaled) = app
        .call(Method::PUT, &format!("{GADGETS}/g/scale"), Some(put))
        .await;
    assert_eq!(status, StatusCode::OK, "{scaled}");
    assert_eq!(scaled["spec"], json!({"replicas": 5}));
    let (_, stored) = app.call(Method::GET, &format!("{GADGETS}/g"), None).await;
    assert_eq!(stored["spec"], json!({"size": 5, "replicas": 9}));
    assert_eq!(
        stored["metadata"]["resourceVersion"],
        scaled["metadata"]["resourceVersion"]
    );

    // PATCH too.
    let (status, patched) = app
        .merge_patch(
            &format!("{GADGETS}/g/scale"),
            json!({"spec": {"replicas": 7}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["spec"], json!({"replicas": 7}));
    assert_eq!(
        patched["status"],
        json!({"replicas": 1, "selector": "app=g"})
    );
    let (_, stored) = app.call(Method::GET, &format!("{GADGETS}/g"), None).await;
    assert_eq!(stored["spec"]["size"], 7);

    // A negative count is the custom resource's own validation error.
    let (status, invalid) = app
        .merge_patch(
            &format!("{GADGETS}/g/scale"),
            json!({"spec": {"replicas": -1}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{invalid}");
    assert_eq!(
        invalid["message"],
        "Gadget.example.com \"g\" is invalid: .spec.size: Invalid value: -1: should be a non-negative integer"
    );
    let (status, invalid) = app
        .call(
            Method::POST,
            GADGETS,
            Some(gadget("neg", json!({"size": -2}))),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{invalid}");
    assert_eq!(
        invalid["message"],
        "Gadget.example.com \"neg\" is invalid: .spec.size: Invalid value: -2: should be a non-negative integer"
    );

    // Without its spec replicas field a custom resource has no Scale to GET, and a PATCH must
    // set the count.
    app.call(Method::POST, GADGETS, Some(gadget("empty", json!({}))))
        .await;
    let (status, missing) = app
        .call(Method::GET, &format!("{GADGETS}/empty/scale"), None)
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(missing["reason"], "InternalError");
    assert_eq!(
        missing["message"],
        "Internal error occurred: the spec replicas field \".spec.size\" does not exist"
    );
    let (status, empty) = app
        .merge_patch(
            &format!("{GADGETS}/empty/scale"),
            json!({"metadata": {"labels": {"a": "b"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{empty}");
    assert_eq!(
        empty["message"],
        "the spec replicas field \".spec.size\" cannot be empty"
    );
    let (status, set) = app
        .merge_patch(
            &format!("{GADGETS}/empty/scale"),
            json!({"spec": {"replicas": 3}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let (_, stored) = app
        .call(Method::GET, &format!("{GADGETS}/empty"), None)
        .await;
    assert_eq!(stored["spec"], json!({"size": 3}));
}

#[tokio::test]
async fn scale_paths_outside_spec_and_status_are_refused() {
    let app = app().await;
    let mut crd = gadget_crd();
    crd["spec"]["versions"][0]["subresources"]["scale"] =
        json!({"specReplicasPath": ".status.size", "labelSelectorPath": "status.selector"});
    let (status, refused) = app.call(Method::POST, CRDS, Some(crd)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused["message"],
        // One version: the v1 conversion moved its subresources to `spec.subresources`.
        "CustomResourceDefinition.apiextensions.k8s.io \"gadgets.example.com\" is invalid: [spec.subresources.scale.specReplicasPath: Invalid value: \".status.size\": should be a json path under .spec, spec.subresources.scale.statusReplicasPath: Required value, spec.subresources.scale.labelSelectorPath: Invalid value: \"status.selector\": must be a simple json path starting with .]"
    );
}

/// An app whose garbage collector runs.
async fn app_with_gc() -> App {
    app_with(Controllers {
        garbagecollector: true,
        ..Controllers::none()
    })
    .await
}

impl App {
    /// Waits up to 5s for `check` of a GET of `uri`.
    async fn wait_for(&self, uri: &str, what: &str, check: impl Fn(StatusCode, &Value) -> bool) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let (status, body) = self.call(Method::GET, uri, None).await;
            if check(status, &body) {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "{what}: {body}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// A widget owned (`blockOwnerDeletion`) by the widget `owner`.
    async fn dependent_widget(&self, name: &str, owner: &Value) {
        let mut body = widget(name, json!({"color": "red"}));
        body["metadata"]["ownerReferences"] = json!([{"apiVersion": "example.com/v1", "kind": "Widget",
            "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
            "controller": true, "blockOwnerDeletion": true}]);
        let (status, created) = self.call(Method::POST, WIDGETS, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
}

#[tokio::test]
async fn the_garbage_collector_deletes_custom_resources_and_finalizes_their_owners() {
    let app = app_with_gc().await;
    app.call(Method::POST, CRDS, Some(widget_crd())).await;
    let delete = |name: &'static str, policy: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::DELETE,
                &format!("{WIDGETS}/{name}"),
                Some(json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy})),
            )
            .await
        }
    };

    // Background: the dependent custom resource follows its owner.
    let (_, owner) = app
        .call(
            Method::POST,
            WIDGETS,
            Some(widget("bg", json!({"color": "red"}))),
        )
        .await;
    app.dependent_widget("bg-child", &owner).await;
    assert_eq!(delete("bg", "Background").await.0, StatusCode::OK);
    app.wait_for(
        &format!("{WIDGETS}/bg-child"),
        "background: the child goes",
        |s, _| s == StatusCode::NOT_FOUND,
    )
    .await;

    // Foreground: the owner waits with `foregroundDeletion` until its dependent is gone, then the
    // collector removes the finalizer from the custom resource.
    let (_, owner) = app
        .call(
            Method::POST,
            WIDGETS,
            Some(widget("fg", json!({"color": "red"}))),
        )
        .await;
    app.dependent_widget("fg-child", &owner).await;
    let (status, marked) = delete("fg", "Foreground").await;
    assert_eq!(status, StatusCode::OK, "{marked}");
    assert_eq!(
        marked["metadata"]["finalizers"],
        json!(["foregroundDeletion"])
    );
    app.wait_for(
        &format!("{WIDGETS}/fg-child"),
        "foreground: the child goes",
        |s, _| s == StatusCode::NOT_FOUND,
    )
    .await;
    app.wait_for(
        &format!("{WIDGETS}/fg"),
        "foreground: the owner goes last",
        |s, _| s == StatusCode::NOT_FOUND,
    )
    .await;
}

/// `customresourcedefinition.REST.Delete` marks the CRD; the CRD finalizer (kube-apiserver's,
/// so it runs with no controller switched on) deletes the custom resources, waits for those
/// held by finalizers, and only then removes its finalizer, which lets the CRD go.
#[tokio::test]
async fn deleting_a_crd_waits_for_its_custom_resources_as_kube_does() {
    let app = app().await;
    let crd_uri = format!("{CRDS}/widgets.example.com");
    app.call(Method::POST, CRDS, Some(widget_crd())).await;
    let mut held = widget("held", json!({"color": "red"}));
    held["metadata"]["finalizers"] = json!(["example.com/hold"]);
    for body in [held, widget("free", json!({"color": "blue"}))] {
        let (status, created) = app.call(Method::POST, WIDGETS, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }

    let (status, marked) = app.call(Method::DELETE, &crd_uri, None).await;
    assert_eq!(status, StatusCode::OK, "{marked}");
    assert_eq!(marked["kind"], "CustomResourceDefinition");
    assert!(
        marked["metadata"]["deletionTimestamp"].is_string(),
        "{marked}"
    );
    assert_eq!(
        marked["metadata"]["finalizers"],
        json!(["customresourcecleanup.apiextensions.k8s.io"])
    );
    let terminating = &marked["status"]["conditions"][2];
    assert_eq!(terminating["type"], "Terminating");
    assert_eq!(terminating["status"], "True");
    assert_eq!(terminating["reason"], "InstanceDeletionPending");
    assert_eq!(
        terminating["message"],
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"
    );

    // While it terminates: no create (refused before the body is read), fewer verbs.
    let (status, refused) = app
        .call(Method::POST, WIDGETS, Some(json!({"not": "even a widget"})))
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        refused,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "create not allowed while custom resource definition is terminating",
            "reason": "MethodNotAllowed", "details": {"group": "example.com", "kind": "widgets"},
            "code": 405})
    );
    let (_, discovery) = app.call(Method::GET, "/apis/example.com/v1", None).await;
    assert_eq!(
        discovery["resources"][0]["verbs"],
        json!(["delete", "deletecollection", "get", "list", "watch"])
    );

    // The finalizer deletes what it can and waits for the held one.
    app.wait_for(
        &format!("{WIDGETS}/free"),
        "the free widget goes",
        |s, _| s == StatusCode::NOT_FOUND,
    )
    .await;
    app.wait_for(&crd_uri, "deletion in progress", |_, crd| {
        crd["status"]["conditions"][2]["reason"] == "InstanceDeletionInProgress"
    })
    .await;
    let (_, crd) = app.call(Method::GET, &crd_uri, None).await;
    assert_eq!(
        crd["status"]["conditions"][2]["message"],
        "CustomResource deletion is in progress"
    );
    let (status, held) = app
        .call(Method::GET, &format!("{WIDGETS}/held"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(held["metadata"]["deletionTimestamp"].is_string(), "{held}");
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let (status, _) = app.call(Method::GET, &crd_uri, None).await;
    assert_eq!(status, StatusCode::OK, "the CRD waits for the held widget");

    // Its finalizer removed, the widget goes, and so does the CRD.
    let (status, _) = app
        .patch(
            &format!("{WIDGETS}/held"),
            "application/merge-patch+json",
            br#"{"metadata":{"finalizers":null}}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    app.wait_for(&crd_uri, "the CRD goes", |s, _| s == StatusCode::NOT_FOUND)
        .await;
    let (status, _) = app.call(Method::GET, WIDGETS, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deleting_a_namespace_deletes_its_custom_resources() {
    let app = app_with(Controllers {
        namespace: true,
        ..Controllers::none()
    })
    .await;
    app.call(Method::POST, CRDS, Some(widget_crd())).await;
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/namespaces",
            Some(json!({"metadata": {"name": "team"}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let team_widgets = "/apis/example.com/v1/namespaces/team/widgets";
    let (status, created) = app
        .call(
            Method::POST,
            team_widgets,
            Some(widget("w", json!({"color": "red"}))),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, _) = app
        .call(Method::DELETE, "/api/v1/namespaces/team", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    app.wait_for("/api/v1/namespaces/team", "the namespace goes", |s, _| {
        s == StatusCode::NOT_FOUND
    })
    .await;
    let (status, left) = app
        .call(Method::GET, &format!("{team_widgets}/w"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{left}");
}
