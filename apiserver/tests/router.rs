//! Handler tests through the router, without a socket: exact status codes, `Status` bodies and
//! headers as kube-apiserver answers them, and that every refused request leaves the store as
//! it was.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use kubemem_apiserver::{AppState, Config, router};
use kubemem_store::StoreConfig;
use serde_json::{Value, json};
use tower::ServiceExt;

struct App {
    router: Router,
    _shutdown: tokio::sync::watch::Sender<bool>,
}

async fn app_with(config: Config) -> App {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let state = AppState::start(config, rx).await.expect("boots");
    App {
        router: router(state),
        _shutdown: tx,
    }
}

/// A valid Deployment or ReplicaSet spec: a selector matching the template's labels.
fn workload_spec(replicas: i64) -> Value {
    json!({
        "replicas": replicas,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}
        }
    })
}

async fn app() -> App {
    app_with(Config {
        bookmark_interval: Duration::from_millis(100),
        controllers: without_root_ca(),
        ..Config::default()
    })
    .await
}

/// The default controllers but the root CA publisher: lists of ConfigMaps here hold only what
/// each test made (the publisher has a test of its own).
fn without_root_ca() -> kubemem_apiserver::controllers::Controllers {
    kubemem_apiserver::controllers::Controllers {
        root_ca_cert_publisher: false,
        ..Default::default()
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `warning` headers, in order.
    fn warnings(&self) -> Vec<&str> {
        self.headers
            .get_all("warning")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }
}

impl App {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        let body = match body {
            Some(v) => {
                request = request.header("content-type", "application/json");
                Body::from(serde_json::to_vec(&v).unwrap())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    async fn raw(
        &self,
        method: Method,
        uri: &str,
        content_type: &str,
        body: impl Into<Body>,
    ) -> Reply {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", content_type)
            .body(body.into())
            .unwrap();
        self.send(request).await
    }

    async fn get(&self, uri: &str) -> Reply {
        self.call(Method::GET, uri, None).await
    }

    async fn create_cm(&self, ns: &str, name: &str, labels: Value) -> Value {
        let reply = self
            .call(
                Method::POST,
                &format!("/api/v1/namespaces/{ns}/configmaps"),
                Some(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}, "data": {"k": "v"}})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        reply.json()
    }

    /// The list revision: unchanged when a request was refused.
    async fn revision(&self) -> String {
        self.get("/api/v1/namespaces").await.json()["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[tokio::test]
async fn boot_state_has_the_namespaces_and_the_kubernetes_service() {
    let app = app().await;
    let names: Vec<String> = app.get("/api/v1/namespaces").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ns| ns["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["default", "kube-node-lease", "kube-public", "kube-system"]
    );
    let ns = app.get("/api/v1/namespaces/default").await.json();
    assert_eq!(
        ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
        "default"
    );
    assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
    assert_eq!(ns["status"]["phase"], "Active");
    let svc = app
        .get("/api/v1/namespaces/default/services/kubernetes")
        .await
        .json();
    assert_eq!(svc["spec"]["clusterIP"], "10.96.0.1");
}

#[tokio::test]
async fn create_get_update_delete_round_trip() {
    let app = app().await;
    let created = app.create_cm("default", "a", json!({"app": "x"})).await;
    let rv = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        created["metadata"]["uid"]
            .as_str()
            .is_some_and(|u| u.len() == 36)
    );
    assert!(
        created["metadata"]["creationTimestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert!(
        created["metadata"].get("generation").is_none(),
        "configmaps track no generation"
    );

    let got = app.get("/api/v1/namespaces/default/configmaps/a").await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.ends_with(b"}\n"), "JSON bodies end with a newline");
    assert_eq!(got.json(), created);
    assert!(got.text().starts_with(r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","namespace":"default","uid":""#));

    // An update that changes nothing writes nothing.
    let same = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/a",
            Some(created.clone()),
        )
        .await;
    assert_eq!(same.status, StatusCode::OK);
    assert_eq!(same.json()["metadata"]["resourceVersion"], rv.as_str());

    let mut changed = created.clone();
    changed["data"]["k"] = json!("w");
    let updated = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/a",
            Some(changed.clone()),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    let new_rv = updated.json()["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(new_rv.parse::<i64>().unwrap() > rv.parse::<i64>().unwrap());
    assert_eq!(
        updated.json()["metadata"]["uid"],
        created["metadata"]["uid"]
    );

    // The stale resourceVersion now conflicts, with kube-apiserver's exact Status.
    let stale = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/a",
            Some(changed),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        stale.text(),
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Operation cannot be fulfilled on configmaps \\\"a\\\": the object has been modified; please apply your changes to the latest version and try again\",\"reason\":\"Conflict\",\"details\":{\"name\":\"a\",\"kind\":\"configmaps\"},\"code\":409}\n"
    );

    let deleted = app
        .call(
            Method::DELETE,
            "/api/v1/namespaces/default/configmaps/a",
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        deleted.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": "a", "kind": "configmaps", "uid": created["metadata"]["uid"]}})
    );
    let gone = app.get("/api/v1/namespaces/default/configmaps/a").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone.text(),
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"configmaps \\\"a\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"a\",\"kind\":\"configmaps\"},\"code\":404}\n"
    );
}

#[tokio::test]
async fn generate_name_appends_five_characters() {
    let app = app().await;
    let reply = app
        .call(
            Method::POST,
            "/apis/apps/v1/namespaces/default/deployments",
            Some(json!({"metadata": {"generateName": "web-"}, "spec": workload_spec(1)})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let body = reply.json();
    let name = body["metadata"]["name"].as_str().unwrap();
    assert_eq!(name.len(), "web-".len() + 5);
    assert!(
        name[4..]
            .chars()
            .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
    );
    assert_eq!(body["metadata"]["generation"], 1);
    assert_eq!(body["apiVersion"], "apps/v1");
    assert_eq!(body["status"], json!({}));
}

#[tokio::test]
async fn bad_input_gets_kube_apiserver_status_and_changes_nothing() {
    let app = app().await;
    app.create_cm("default", "exists", json!({})).await;
    let before = app.revision().await;
    let cm = "/api/v1/namespaces/default/configmaps";
    type Case = (
        &'static str,
        Method,
        String,
        &'static str,
        Body,
        StatusCode,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from("{"),
            StatusCode::BAD_REQUEST,
            "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input ({)",
        ),
        (
            "not JSON at all",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from("xyz"),
            StatusCode::BAD_REQUEST,
            "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'x' looking for beginning of value (78797a)",
        ),
        (
            "another kind",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}"#),
            StatusCode::BAD_REQUEST,
            "Secret in version \"v1\" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion",
        ),
        (
            "another group version",
            Method::POST,
            "/apis/apps/v1/namespaces/default/deployments".into(),
            "application/json",
            Body::from(r#"{"apiVersion":"apps/v2","kind":"Deployment","metadata":{"name":"d"}}"#),
            StatusCode::BAD_REQUEST,
            "the API version in the data (apps/v2) does not match the expected API version (apps/v1)",
        ),
        (
            "namespace mismatch",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(r#"{"metadata":{"name":"n","namespace":"other"}}"#),
            StatusCode::BAD_REQUEST,
            "the namespace of the provided object does not match the namespace sent on the request",
        ),
        (
            "name mismatch",
            Method::PUT,
            format!("{cm}/exists"),
            "application/json",
            Body::from(r#"{"metadata":{"name":"other"}}"#),
            StatusCode::BAD_REQUEST,
            "the name of the object (other) does not match the name on the URL (exists)",
        ),
        (
            "invalid name",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(r#"{"metadata":{"name":"Foo_bar"}}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ConfigMap \"Foo_bar\" is invalid: metadata.name: Invalid value: \"Foo_bar\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ),
        (
            "no name",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(r#"{"metadata":{}}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required",
        ),
        (
            "already exists",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(r#"{"metadata":{"name":"exists"}}"#),
            StatusCode::CONFLICT,
            "configmaps \"exists\" already exists",
        ),
        (
            "missing namespace",
            Method::POST,
            "/api/v1/namespaces/nope/configmaps".into(),
            "application/json",
            Body::from(r#"{"metadata":{"name":"n"}}"#),
            StatusCode::NOT_FOUND,
            "namespaces \"nope\" not found",
        ),
        (
            "resourceVersion on create",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(r#"{"metadata":{"name":"n","resourceVersion":"5"}}"#),
            StatusCode::INTERNAL_SERVER_ERROR,
            "resourceVersion should not be set on objects to be created",
        ),
        (
            "YAML that is not YAML",
            Method::POST,
            cm.into(),
            "application/yaml",
            Body::from("a: [b"),
            StatusCode::BAD_REQUEST,
            "the object provided is unrecognized",
        ),
        (
            "empty protobuf body",
            Method::POST,
            cm.into(),
            "application/vnd.kubernetes.protobuf",
            Body::from("k8s\0"),
            StatusCode::BAD_REQUEST,
            "the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)",
        ),
        (
            "unknown media type",
            Method::POST,
            cm.into(),
            "text/plain",
            Body::from("x"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        ),
        (
            "too large",
            Method::POST,
            cm.into(),
            "application/json",
            Body::from(vec![b' '; 3 * 1024 * 1024 + 1]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request entity too large: limit is 3145728",
        ),
        (
            "update of a missing object",
            Method::PUT,
            format!("{cm}/missing"),
            "application/json",
            Body::from(r#"{"metadata":{"name":"missing"}}"#),
            StatusCode::NOT_FOUND,
            "configmaps \"missing\" not found",
        ),
        (
            "name with a slash",
            Method::GET,
            format!("{cm}/a%2Fb"),
            "application/json",
            Body::empty(),
            StatusCode::BAD_REQUEST,
            "Name parameter invalid: \"a/b\": may not contain '/'",
        ),
        (
            "unknown resource",
            Method::GET,
            "/api/v1/foos".into(),
            "application/json",
            Body::empty(),
            StatusCode::NOT_FOUND,
            "the server could not find the requested resource",
        ),
        (
            "POST to an object",
            Method::POST,
            format!("{cm}/exists"),
            "application/json",
            Body::from("{}"),
            StatusCode::METHOD_NOT_ALLOWED,
            "the server does not allow this method on the requested resource",
        ),
        (
            "undeletable namespace",
            Method::DELETE,
            "/api/v1/namespaces/kube-system".into(),
            "application/json",
            Body::empty(),
            StatusCode::FORBIDDEN,
            "namespaces \"kube-system\" is forbidden: this namespace may not be deleted",
        ),
    ];
    for (i, (name, method, uri, content_type, body, status, message)) in
        cases.into_iter().enumerate()
    {
        println!("#{i}: {name}");
        let reply = app.raw(method, &uri, content_type, body).await;
        assert_eq!(reply.status, status, "#{i}: {name}: {}", reply.text());
        let body = reply.json();
        assert_eq!(body["kind"], "Status", "#{i}: {name}");
        assert_eq!(body["code"], status.as_u16(), "#{i}: {name}");
        let got = body["message"].as_str().unwrap_or("");
        assert!(got.starts_with(message), "#{i}: {name}: message {got:?}");
        assert_eq!(
            app.revision().await,
            before,
            "#{i}: {name} changed the store"
        );
    }
}

#[tokio::test]
async fn invalid_status_lists_causes() {
    let app = app().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/namespaces/default/configmaps",
            Some(json!({"metadata": {"name": "Bad", "labels": {"a b": "c"}}})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = reply.json();
    assert_eq!(body["reason"], "Invalid");
    assert_eq!(body["details"]["name"], "Bad");
    assert_eq!(body["details"]["kind"], "ConfigMap");
    let causes = body["details"]["causes"].as_array().unwrap();
    assert_eq!(causes.len(), 2);
    assert_eq!(causes[0]["reason"], "FieldValueInvalid");
    assert_eq!(causes[0]["field"], "metadata.name");
    assert!(
        causes[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid value: \"Bad\": ")
    );
    assert_eq!(causes[1]["field"], "metadata.labels");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("ConfigMap \"Bad\" is invalid: [metadata.name: Invalid value: \"Bad\"")
    );
}

#[tokio::test]
async fn discovery_documents() {
    let app = app().await;
    let api = app.get("/api").await;
    assert!(api.text().starts_with(r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","#));
    let core = app.get("/api/v1").await;
    assert!(core.text().starts_with(r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"bindings","singularName":"binding","namespaced":true,"kind":"Binding","verbs":["create"]},"#), "{}", core.text());
    let pods = core.json()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods")
        .cloned()
        .unwrap();
    assert_eq!(
        pods,
        json!({"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], "shortNames": ["po"], "categories": ["all"], "storageVersionHash": "xPOwRZ+Yhw8="})
    );
    let apps = app.get("/apis/apps/v1").await.json();
    assert_eq!(apps["apiVersion"], "v1");
    assert_eq!(apps["groupVersion"], "apps/v1");
    let groups: Vec<String> = app.get("/apis").await.json()["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(&groups[..3], ["apps", "events.k8s.io", "autoscaling"]);
    assert_eq!(app.get("/apis/nope/v1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn aggregated_discovery_v2_with_etag() {
    let app = app().await;
    let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    let request = |etag: Option<&str>| {
        let mut r = Request::builder().uri("/apis").header("accept", accept);
        if let Some(etag) = etag {
            r = r.header("if-none-match", etag);
        }
        r.body(Body::empty()).unwrap()
    };
    let reply = app.send(request(None)).await;
    assert_eq!(
        reply.headers["content-type"],
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    assert_eq!(reply.headers["cache-control"], "public");
    let body = reply.json();
    assert_eq!(body["apiVersion"], "apidiscovery.k8s.io/v2");
    assert_eq!(body["items"][0]["metadata"], json!({"name": "apps"}));
    let deployments = body["items"][0]["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "deployments")
        .cloned()
        .unwrap();
    assert_eq!(
        deployments["responseKind"],
        json!({"group": "", "version": "", "kind": "Deployment"})
    );
    assert_eq!(deployments["scope"], "Namespaced");
    assert_eq!(
        deployments["subresources"][0]["responseKind"],
        json!({"group": "autoscaling", "version": "v1", "kind": "Scale"})
    );
    let etag = reply.headers["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() == 130);
    let again = app.send(request(Some(&etag))).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // v2beta1 alone (kubectl 1.27-1.29) gets the same document under its own version.
    let beta = app
        .send(
            Request::builder()
                .uri("/api")
                .header("accept", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(beta.json()["apiVersion"], "apidiscovery.k8s.io/v2beta1");
    assert_eq!(
        beta.headers["content-type"],
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
    );
}

#[tokio::test]
async fn version_health_and_headers() {
    let app = app().await;
    let version = app.get("/version").await;
    assert!(
        version
            .text()
            .starts_with("{\n  \"major\": \"1\",\n  \"minor\": \"36\",")
    );
    assert_eq!(version.json()["gitVersion"], "v1.36.0");
    let ready = app.get("/readyz").await;
    assert_eq!(
        (ready.status, ready.text().as_str()),
        (StatusCode::OK, "ok")
    );
    let verbose = app.get("/livez?verbose").await.text();
    assert!(verbose.starts_with("[+]ping ok\n") && verbose.ends_with("livez check passed\n"));
    let reply = app.get("/api/v1/namespaces/default").await;
    assert_eq!(reply.headers["cache-control"], "no-cache, private");
    assert_eq!(reply.headers["audit-id"].len(), 36);
    let endpoints = app.get("/api/v1/namespaces/default/endpoints").await;
    assert_eq!(
        endpoints.headers["warning"],
        "299 - \"v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\""
    );
    let pretty = app.get("/api/v1/namespaces/default?pretty=true").await;
    assert!(pretty.text().starts_with("{\n  \"kind\": \"Namespace\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {\n    \"name\": \"default\","), "{}", pretty.text());
    assert_eq!(
        app.get("/nothing/here").await.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404})
    );
}

#[tokio::test]
async fn list_pagination_with_continue_and_remaining_count() {
    let app = app().await;
    for i in 0..5 {
        app.create_cm("default", &format!("cm-{i}"), json!({}))
            .await;
    }
    let first = app
        .get("/api/v1/namespaces/default/configmaps?limit=2")
        .await
        .json();
    let rv = first["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(first["metadata"]["remainingItemCount"], 3);
    assert!(
        first["items"][0].get("kind").is_none(),
        "items of a typed list carry no kind"
    );
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["cm-0", "cm-1"]);
    // A write between pages does not show up: every page reads the first page's revision.
    app.create_cm("default", "cm-2a", json!({})).await;
    let token = first["metadata"]["continue"].as_str().unwrap();
    let second = app
        .get(&format!(
            "/api/v1/namespaces/default/configmaps?limit=2&continue={token}"
        ))
        .await
        .json();
    assert_eq!(names(&second), ["cm-2", "cm-3"]);
    assert_eq!(second["metadata"]["resourceVersion"], rv.as_str());
    let token = second["metadata"]["continue"].as_str().unwrap();
    let last = app
        .get(&format!(
            "/api/v1/namespaces/default/configmaps?limit=2&continue={token}"
        ))
        .await
        .json();
    assert_eq!(names(&last), ["cm-4"]);
    assert!(last["metadata"].get("continue").is_none());
    assert!(last["metadata"].get("remainingItemCount").is_none());

    let bad = app
        .get("/api/v1/namespaces/default/configmaps?limit=2&continue=abc!")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid continue token: continue key is not valid: ")
    );
    let with_rv = app
        .get(&format!(
            "/api/v1/namespaces/default/configmaps?limit=2&continue={token}&resourceVersion=3"
        ))
        .await;
    assert_eq!(
        with_rv.json()["message"],
        "specifying resource version is not allowed when using continue"
    );
}

#[tokio::test]
async fn list_selectors_and_option_validation() {
    let app = app().await;
    app.create_cm("default", "a", json!({"app": "web", "tier": "front"}))
        .await;
    app.create_cm("default", "b", json!({"app": "db"})).await;
    app.create_cm("kube-system", "c", json!({"app": "web"}))
        .await;
    let names = |uri: &str| {
        let app = &app;
        let uri = uri.to_owned();
        async move {
            let reply = app.get(&uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
            reply.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        names("/api/v1/configmaps?labelSelector=app%3Dweb").await,
        ["a", "c"]
    );
    assert_eq!(
        names("/api/v1/namespaces/default/configmaps?labelSelector=app%20in%20(web,db),!tier")
            .await,
        ["b"]
    );
    assert_eq!(
        names("/api/v1/configmaps?fieldSelector=metadata.namespace%3Dkube-system").await,
        ["c"]
    );
    assert_eq!(
        names("/api/v1/configmaps?fieldSelector=metadata.name!%3Da&labelSelector=app").await,
        ["b", "c"]
    );

    let bad = app
        .get("/api/v1/configmaps?labelSelector=a%20in%20(b")
        .await;
    assert_eq!(
        bad.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "unable to parse requirement: found '', expected: ',' or ')'", "reason": "BadRequest", "code": 400})
    );
    let field = app.get("/api/v1/pods?fieldSelector=spec.foo%3D1").await;
    assert_eq!(
        field.json()["message"],
        "field label not supported: spec.foo"
    );
    let rvm = app
        .get("/api/v1/configmaps?resourceVersionMatch=Exact")
        .await;
    assert_eq!(rvm.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        rvm.json()["message"],
        "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"
    );
    let rv = app.get("/api/v1/configmaps?resourceVersion=abc").await;
    assert_eq!(
        rv.json()["message"],
        "invalid resource version: resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax"
    );
}

#[tokio::test]
async fn list_at_an_exact_revision_and_after_compaction() {
    let app = app_with(Config {
        store: StoreConfig {
            auto_compact_retention: Some(10),
        },
        controllers: without_root_ca(),
        ..Config::default()
    })
    .await;
    let first = app.create_cm("default", "a", json!({})).await;
    let rv = first["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create_cm("default", "b", json!({})).await;
    let exact = app
        .get(&format!(
            "/api/v1/namespaces/default/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact"
        ))
        .await
        .json();
    assert_eq!(exact["items"].as_array().unwrap().len(), 1);
    assert_eq!(exact["metadata"]["resourceVersion"], rv.as_str());
    for i in 0..20 {
        app.create_cm("default", &format!("x{i}"), json!({})).await;
    }
    let old = app
        .get(&format!(
            "/api/v1/namespaces/default/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact"
        ))
        .await;
    assert_eq!(old.status, StatusCode::GONE);
    assert_eq!(old.json()["reason"], "Expired");
    assert_eq!(
        old.json()["message"],
        "The resourceVersion for the provided list is too old."
    );
}

#[tokio::test]
async fn delete_preconditions_and_collection() {
    let app = app().await;
    let a = app.create_cm("default", "a", json!({"x": "1"})).await;
    app.create_cm("default", "b", json!({"x": "1"})).await;
    app.create_cm("default", "c", json!({})).await;
    let wrong = app
        .call(
            Method::DELETE,
            "/api/v1/namespaces/default/configmaps/a",
            Some(json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "nope"}})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::CONFLICT);
    assert!(wrong.json()["message"].as_str().unwrap().contains("nope"));
    let right = app
        .call(
            Method::DELETE,
            "/api/v1/namespaces/default/configmaps/a",
            Some(json!({"preconditions": {"uid": a["metadata"]["uid"]}})),
        )
        .await;
    assert_eq!(right.status, StatusCode::OK);
    let collection = app
        .call(
            Method::DELETE,
            "/api/v1/namespaces/default/configmaps?labelSelector=x",
            None,
        )
        .await;
    assert_eq!(collection.status, StatusCode::OK);
    assert_eq!(collection.json()["kind"], "ConfigMapList");
    assert_eq!(collection.json()["items"][0]["metadata"]["name"], "b");
    let left: Vec<Value> = app
        .get("/api/v1/namespaces/default/configmaps")
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["metadata"]["name"], "c");
}

#[tokio::test]
async fn finalizers_hold_an_object_until_removed() {
    let app = app().await;
    let reply = app
        .call(
            Method::POST,
            "/api/v1/namespaces/default/configmaps",
            Some(json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let marked = app
        .call(
            Method::DELETE,
            "/api/v1/namespaces/default/configmaps/held",
            None,
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK);
    let held = app
        .get("/api/v1/namespaces/default/configmaps/held")
        .await
        .json();
    assert!(held["metadata"]["deletionTimestamp"].is_string());
    let mut added = held.clone();
    added["metadata"]["finalizers"] = json!(["example.com/hold", "example.com/more"]);
    let refused = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/held",
            Some(added),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut released = held;
    released["metadata"]["finalizers"] = json!([]);
    let done = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/held",
            Some(released),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/namespaces/default/configmaps/held")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Polls `uri` until it answers 404 (or 5 s pass).
async fn wait_gone(app: &App, uri: &str) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::time::Instant::now() < deadline {
        if app.get(uri).await.status == StatusCode::NOT_FOUND {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn namespace_deletion_terminates_empties_and_removes_the_namespace() {
    let app = app().await;
    app.call(
        Method::POST,
        "/api/v1/namespaces",
        Some(json!({"metadata": {"name": "team"}})),
    )
    .await;
    app.create_cm("team", "a", json!({})).await;
    app.call(
        Method::POST,
        "/api/v1/namespaces/team/configmaps",
        Some(json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})),
    )
    .await;
    let deleted = app
        .call(Method::DELETE, "/api/v1/namespaces/team", None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
    assert_eq!(deleted.json()["status"]["phase"], "Terminating");
    assert!(deleted.json()["metadata"]["deletionTimestamp"].is_string());

    assert!(wait_gone(&app, "/api/v1/namespaces/team/configmaps/a").await);
    let refused = app
        .call(
            Method::POST,
            "/api/v1/namespaces/team/configmaps",
            Some(json!({"metadata": {"name": "new"}})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "configmaps \"new\" is forbidden: unable to create new content in namespace team because it is being terminated",
            "reason": "Forbidden",
            "details": {"name": "new", "kind": "configmaps", "causes": [{"reason": "NamespaceTerminating", "message": "namespace team is being terminated", "field": "metadata.namespace"}]},
            "code": 403})
    );
    // The finalizer holds the object, and the object holds the namespace.
    assert_eq!(
        app.get("/api/v1/namespaces/team").await.status,
        StatusCode::OK
    );
    let mut held = app
        .get("/api/v1/namespaces/team/configmaps/held")
        .await
        .json();
    held["metadata"]["finalizers"] = json!([]);
    app.call(
        Method::PUT,
        "/api/v1/namespaces/team/configmaps/held",
        Some(held),
    )
    .await;
    assert!(
        wait_gone(&app, "/api/v1/namespaces/team").await,
        "the namespace goes once it is empty"
    );
}

#[tokio::test]
async fn every_namespace_gets_a_default_service_account() {
    let app = app().await;
    app.call(
        Method::POST,
        "/api/v1/namespaces",
        Some(json!({"metadata": {"name": "fresh"}})),
    )
    .await;
    for ns in ["kube-system", "fresh"] {
        let uri = format!("/api/v1/namespaces/{ns}/serviceaccounts/default");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while app.get(&uri).await.status != StatusCode::OK {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no default ServiceAccount in {ns}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn without_controllers_a_deleted_namespace_stays_terminating() {
    let app = app_with(Config {
        controllers: kubemem_apiserver::controllers::Controllers::none(),
        ..Config::default()
    })
    .await;
    app.call(
        Method::POST,
        "/api/v1/namespaces",
        Some(json!({"metadata": {"name": "team"}})),
    )
    .await;
    app.call(Method::DELETE, "/api/v1/namespaces/team", None)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.get("/api/v1/namespaces/team").await.json()["status"]["phase"],
        "Terminating"
    );
    assert_eq!(
        app.get("/api/v1/namespaces/default/serviceaccounts/default")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn status_subresource_writes_only_status() {
    let app = app().await;
    let created = app
        .call(
            Method::POST,
            "/apis/apps/v1/namespaces/default/deployments",
            Some(json!({"metadata": {"name": "d"}, "spec": workload_spec(1), "status": {"replicas": 9}})),
        )
        .await
        .json();
    assert_eq!(created["status"], json!({}), "status is reset on create");
    let mut both = created.clone();
    both["spec"]["replicas"] = json!(3);
    both["status"] = json!({"replicas": 2});
    let via_status = app
        .call(
            Method::PUT,
            "/apis/apps/v1/namespaces/default/deployments/d/status",
            Some(both.clone()),
        )
        .await
        .json();
    assert_eq!(via_status["status"]["replicas"], 2);
    assert_eq!(via_status["spec"]["replicas"], 1);
    assert_eq!(via_status["metadata"]["generation"], 1);
    both["metadata"]["resourceVersion"] = via_status["metadata"]["resourceVersion"].clone();
    both["status"] = json!({"replicas": 7});
    let via_main = app
        .call(
            Method::PUT,
            "/apis/apps/v1/namespaces/default/deployments/d",
            Some(both),
        )
        .await
        .json();
    assert_eq!(via_main["spec"]["replicas"], 3);
    assert_eq!(via_main["status"]["replicas"], 2);
    assert_eq!(via_main["metadata"]["generation"], 2);
}

#[tokio::test]
async fn binding_assigns_a_pod_once() {
    let app = app().await;
    app.call(
        Method::POST,
        "/api/v1/namespaces/default/pods",
        Some(json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})),
    )
    .await;
    let binding = json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p"}, "target": {"kind": "Node", "name": "node-1"}});
    let bound = app
        .call(
            Method::POST,
            "/api/v1/namespaces/default/pods/p/binding",
            Some(binding.clone()),
        )
        .await;
    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text());
    assert_eq!(bound.json()["status"], "Success");
    let pod = app.get("/api/v1/namespaces/default/pods/p").await.json();
    assert_eq!(pod["spec"]["nodeName"], "node-1");
    assert_eq!(pod["status"]["conditions"][0]["type"], "PodScheduled");
    let again = app
        .call(
            Method::POST,
            "/api/v1/namespaces/default/bindings",
            Some(binding),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(
        again.json()["message"],
        "Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"node-1\""
    );
    let cs = app.get("/api/v1/componentstatuses").await.json();
    assert_eq!(cs["items"][0]["metadata"]["name"], "etcd-0");
}

#[tokio::test]
async fn an_invalid_pod_is_refused_with_every_cause_and_changes_nothing() {
    let app = app().await;
    let pods = "/api/v1/namespaces/default/pods";
    let before = app.revision().await;
    let invalid = app
        .call(
            Method::POST,
            pods,
            Some(json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "x"},
                "spec": {
                    "containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 70000}]}],
                    "restartPolicy": "Sometimes"
                }
            })),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        invalid.json(),
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Pod \"x\" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"]",
            "reason": "Invalid",
            "details": {
                "name": "x",
                "kind": "Pod",
                "causes": [
                    {
                        "reason": "FieldValueInvalid",
                        "message": "Invalid value: 70000: must be between 1 and 65535, inclusive",
                        "field": "spec.containers[0].ports[0].containerPort"
                    },
                    {
                        "reason": "FieldValueNotSupported",
                        "message": "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                        "field": "spec.restartPolicy"
                    }
                ]
            },
            "code": 422
        })
    );
    assert_eq!(
        app.get(&format!("{pods}/x")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.revision().await, before);

    let created = app
        .call(
            Method::POST,
            pods,
            Some(json!({"metadata": {"name": "y"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let mut changed = created.json();
    changed["spec"]["hostname"] = json!("h");
    let before = app.revision().await;
    let refused = app
        .call(Method::PUT, &format!("{pods}/y"), Some(changed))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.json();
    assert_eq!(body["details"]["causes"][0]["field"], "spec");
    assert_eq!(
        body["message"],
        "Pod \"y\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n- spec.hostname: null\n+ spec.hostname: \"h\"\n"
    );
    assert_eq!(app.revision().await, before);
    let mut new_image = created.json();
    new_image["spec"]["containers"][0]["image"] = json!("nginx:2");
    let updated = app
        .call(Method::PUT, &format!("{pods}/y"), Some(new_image))
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
}

/// Reads watch events from a streaming body until `count` events arrived (or 5 s passed).
async fn watch_events(
    app: &App,
    uri: &str,
    count: usize,
    during: impl std::future::Future<Output = ()>,
) -> Vec<Value> {
    let response = app
        .router
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let mut body = response.into_body();
    let mut events = Vec::new();
    let mut buffer = Vec::new();
    let collect = async {
        while events.len() < count {
            let Some(frame) = body.frame().await else {
                break;
            };
            let frame = frame.unwrap();
            if let Some(data) = frame.data_ref() {
                buffer.extend_from_slice(data);
                while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buffer.drain(..=end).collect();
                    events.push(serde_json::from_slice::<Value>(&line).unwrap());
                }
            }
        }
    };
    let ((), _) = tokio::join!(
        async {
            tokio::time::timeout(Duration::from_secs(5), collect)
                .await
                .ok();
        },
        during
    );
    events
}

fn summary(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let name = e["object"]["metadata"]["name"].as_str().unwrap_or("");
            format!("{} {name}", e["type"].as_str().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn watch_replays_from_a_revision_and_applies_selectors_like_the_cacher() {
    let app = app().await;
    let a = app.create_cm("default", "a", json!({"app": "web"})).await;
    let rv = a["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut b = app.create_cm("default", "b", json!({"app": "web"})).await;
    b["metadata"]["labels"] = json!({"app": "db"});
    let reply = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/b",
            Some(b),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    app.call(
        Method::DELETE,
        "/api/v1/namespaces/default/configmaps/a",
        None,
    )
    .await;
    let from_start = format!("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}");
    let events = watch_events(&app, &from_start, 3, async {}).await;
    assert_eq!(summary(&events), ["ADDED b", "MODIFIED b", "DELETED a"]);
    let selected = format!("{from_start}&labelSelector=app%3Dweb");
    let events = watch_events(&app, &selected, 3, async {}).await;
    assert_eq!(summary(&events), ["ADDED b", "DELETED b", "DELETED a"]);
    // The DELETED for a carries the deletion's revision.
    let deleted_rv: i64 = events[2]["object"]["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(deleted_rv > rv.parse::<i64>().unwrap() + 2);
}

#[tokio::test]
async fn watch_without_revision_starts_with_the_current_state_then_follows() {
    let app = app().await;
    app.create_cm("default", "a", json!({})).await;
    let events = watch_events(
        &app,
        "/api/v1/namespaces/default/configmaps?watch=true",
        2,
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            app.create_cm("default", "b", json!({})).await;
        },
    )
    .await;
    assert_eq!(summary(&events), ["ADDED a", "ADDED b"]);
}

#[tokio::test]
async fn watch_initial_events_end_with_an_annotated_bookmark() {
    let app = app().await;
    app.create_cm("default", "a", json!({})).await;
    let uri = "/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true";
    let events = watch_events(&app, uri, 3, async {}).await;
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[1]["type"], "BOOKMARK");
    assert_eq!(
        events[1]["object"],
        json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"resourceVersion": events[1]["object"]["metadata"]["resourceVersion"], "annotations": {"k8s.io/initial-events-end": "true"}}})
    );
    // Then periodic bookmarks (100 ms in this test's config), without the annotation.
    assert_eq!(events[2]["type"], "BOOKMARK");
    assert!(events[2]["object"]["metadata"].get("annotations").is_none());
}

/// A watch is woken only by writes under its own prefix, yet its bookmarks carry the newest
/// revision, as kube-apiserver's do (its cacher sees every write of the resource's etcd).
#[tokio::test]
async fn a_bookmark_carries_the_revision_of_writes_to_other_resources() {
    let app = app().await;
    let start = app.revision().await;
    let uri = format!(
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={start}&allowWatchBookmarks=true"
    );
    let written = std::sync::Mutex::new(Value::Null);
    // While the watch waits (its first bookmark is due after 100 ms in this test's config).
    let write = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let secret = app
            .call(
                Method::POST,
                "/api/v1/namespaces/default/secrets",
                Some(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})),
            )
            .await;
        assert_eq!(secret.status, StatusCode::CREATED, "{}", secret.text());
        *written.lock().unwrap() = secret.json()["metadata"]["resourceVersion"].clone();
    };
    let events = watch_events(&app, &uri, 1, write).await;
    assert_eq!(events[0]["type"], "BOOKMARK");
    assert_eq!(
        events[0]["object"]["metadata"]["resourceVersion"],
        *written.lock().unwrap()
    );
    assert_ne!(*written.lock().unwrap(), json!(start));
}

#[tokio::test]
async fn watch_timeout_ends_the_stream() {
    let app = app().await;
    let events = watch_events(
        &app,
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1&timeoutSeconds=1",
        1,
        async {},
    )
    .await;
    assert!(events.is_empty());
}

#[tokio::test]
async fn watch_from_a_compacted_revision_gets_one_error_event() {
    let app = app_with(Config {
        store: StoreConfig {
            auto_compact_retention: Some(5),
        },
        ..Config::default()
    })
    .await;
    for i in 0..20 {
        app.create_cm("default", &format!("x{i}"), json!({})).await;
    }
    let events = watch_events(
        &app,
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=2",
        2,
        async {},
    )
    .await;
    assert_eq!(events.len(), 1, "the stream ends after the error");
    assert_eq!(events[0]["type"], "ERROR");
    let status = &events[0]["object"];
    assert_eq!(status["code"], 410);
    assert_eq!(status["reason"], "Expired");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .starts_with("too old resource version: 2 (")
    );
}

#[tokio::test]
async fn item_watch_requires_a_matching_name() {
    let app = app().await;
    let bad = app
        .get("/api/v1/namespaces/default/configmaps/a?watch=1&fieldSelector=metadata.name%3Db")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json()["message"],
        "fieldSelector metadata.name doesn't match requested name"
    );
}

#[tokio::test]
async fn horizontal_pod_autoscalers_are_stored_once_and_served_at_v1_and_v2() {
    let app = app().await;
    let v1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
    let v2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    let target = json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"});
    let created = app
        .call(
            Method::POST,
            v1,
            Some(json!({"metadata": {"name": "a"}, "spec": {"scaleTargetRef": target, "minReplicas": 1, "maxReplicas": 5, "targetCPUUtilizationPercentage": 60}})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["apiVersion"], "autoscaling/v1");
    assert_eq!(created.json()["spec"]["targetCPUUtilizationPercentage"], 60);
    let as_v2 = app.get(&format!("{v2}/a")).await.json();
    assert_eq!(as_v2["apiVersion"], "autoscaling/v2");
    assert_eq!(
        as_v2["spec"]["metrics"],
        json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}])
    );
    assert_eq!(
        as_v2["metadata"]["resourceVersion"],
        created.json()["metadata"]["resourceVersion"]
    );

    let from_v2 = app
        .call(
            Method::POST,
            v2,
            Some(json!({"metadata": {"name": "b"}, "spec": {"scaleTargetRef": target, "maxReplicas": 3, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}})),
        )
        .await;
    assert_eq!(from_v2.status, StatusCode::CREATED, "{}", from_v2.text());
    let list = app.get(v1).await.json();
    assert_eq!(list["kind"], "HorizontalPodAutoscalerList");
    assert_eq!(list["apiVersion"], "autoscaling/v1");
    assert!(list["items"][1].get("apiVersion").is_none());
    assert_eq!(
        list["items"][1]["spec"]["targetCPUUtilizationPercentage"],
        70
    );
    let events = watch_events(&app, &format!("{v1}?watch=1&resourceVersion=1"), 2, async {
    })
    .await;
    assert_eq!(events[1]["object"]["apiVersion"], "autoscaling/v1");
    assert_eq!(
        events[1]["object"]["spec"]["targetCPUUtilizationPercentage"],
        70
    );
    let wrong = app
        .call(Method::POST, v1, Some(json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "c"}})))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong.json()["message"],
        "the API version in the data (autoscaling/v2) does not match the expected API version (autoscaling/v1)"
    );
}

#[tokio::test]
async fn scale_subresource_reads_and_writes_spec_replicas() {
    let app = app().await;
    let deployments = "/apis/apps/v1/namespaces/default/deployments";
    app.call(
        Method::POST,
        deployments,
        Some(json!({"metadata": {"name": "web"}, "spec": workload_spec(2)})),
    )
    .await;
    let scale = app.get(&format!("{deployments}/web/scale")).await.json();
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    assert_eq!(scale["spec"], json!({"replicas": 2}));
    assert_eq!(
        scale["status"],
        json!({"replicas": 0, "selector": "app=web"})
    );
    let updated = app
        .call(
            Method::PUT,
            &format!("{deployments}/web/scale"),
            Some(json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {"name": "web"}, "spec": {"replicas": 5}})),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    assert_eq!(updated.json()["spec"]["replicas"], 5);
    let deployment = app.get(&format!("{deployments}/web")).await.json();
    assert_eq!(deployment["spec"]["replicas"], 5);
    assert_eq!(deployment["metadata"]["generation"], 2);
    let stale = app
        .call(
            Method::PUT,
            &format!("{deployments}/web/scale"),
            Some(json!({"metadata": {"name": "web", "resourceVersion": scale["metadata"]["resourceVersion"]}, "spec": {"replicas": 1}})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let negative = app
        .call(
            Method::PUT,
            &format!("{deployments}/web/scale"),
            Some(json!({"spec": {"replicas": -1}})),
        )
        .await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        negative.json()["message"],
        "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    // A count its Go type (int32) cannot hold fails the decoding, before any validation.
    for (replicas, words) in [(json!("abc"), "string"), (json!(1.5), "number 1.5")] {
        let refused = app
            .call(
                Method::PUT,
                &format!("{deployments}/web/scale"),
                Some(json!({"spec": {"replicas": replicas}})),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            refused.json()["message"],
            format!(
                "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal {words} into Go struct field ScaleSpec.spec.replicas of type int32"
            )
        );
    }
    let patched = app
        .raw(
            Method::PATCH,
            &format!("{deployments}/web/scale"),
            "application/merge-patch+json",
            r#"{"spec":{"replicas":"abc"}}"#,
        )
        .await;
    assert_eq!(patched.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = patched.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with(" \"\" is invalid: patch: Invalid value: ")
            && message.ends_with(": json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32"),
        "{message}"
    );
    let deployment = app.get(&format!("{deployments}/web")).await.json();
    assert_eq!(
        deployment["spec"]["replicas"], 5,
        "the refusals changed nothing"
    );
    assert_eq!(
        app.get("/api/v1/namespaces/default/configmaps/x/scale")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pod_subresources_that_need_a_kubelet_say_so() {
    let app = app().await;
    app.call(
        Method::POST,
        "/api/v1/namespaces/default/pods",
        Some(json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}})),
    )
    .await;
    let log = app.get("/api/v1/namespaces/default/pods/p/log").await;
    assert_eq!(log.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        log.json()["message"],
        "container \"nginx\" in pod \"p\" is waiting to start: ContainerCreating"
    );
    let exec = app
        .call(
            Method::POST,
            "/api/v1/namespaces/default/pods/p/exec?command=ls",
            None,
        )
        .await;
    assert_eq!(exec.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        exec.json()["message"],
        "pod p does not have a host assigned"
    );
}

async fn get_as(app: &App, uri: &str, accept: &str) -> Reply {
    app.send(
        Request::builder()
            .uri(uri)
            .header("accept", accept)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

const KUBECTL_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

#[tokio::test]
async fn tables_for_lists_objects_and_watches() {
    let app = app().await;
    app.create_cm("default", "a", json!({})).await;
    let table = get_as(
        &app,
        "/api/v1/namespaces/default/configmaps",
        KUBECTL_ACCEPT,
    )
    .await;
    assert_eq!(table.status, StatusCode::OK);
    let table = table.json();
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["apiVersion"], "meta.k8s.io/v1");
    let names: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Data", "Age"]);
    assert_eq!(table["columnDefinitions"][0]["format"], "name");
    assert_eq!(table["rows"][0]["cells"][0], "a");
    assert_eq!(table["rows"][0]["cells"][1], 1);
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    assert_eq!(table["rows"][0]["object"]["metadata"]["name"], "a");
    assert!(table["metadata"]["resourceVersion"].is_string());

    let full = get_as(
        &app,
        "/api/v1/namespaces/default/configmaps/a?includeObject=Object",
        KUBECTL_ACCEPT,
    )
    .await
    .json();
    assert_eq!(full["rows"].as_array().unwrap().len(), 1);
    assert_eq!(full["rows"][0]["object"]["data"]["k"], "v");
    let none = get_as(
        &app,
        "/api/v1/namespaces/default/configmaps?includeObject=None",
        KUBECTL_ACCEPT,
    )
    .await
    .json();
    assert_eq!(none["rows"][0]["object"], Value::Null);
    let bad = get_as(
        &app,
        "/api/v1/namespaces/default/configmaps?includeObject=All",
        KUBECTL_ACCEPT,
    )
    .await;
    assert_eq!(
        bad.json()["message"],
        "unrecognized includeObject value: \"All\""
    );

    // Kinds without a printer get kube-apiserver's default columns.
    let roles = get_as(
        &app,
        "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
        KUBECTL_ACCEPT,
    )
    .await
    .json();
    let names: Vec<&str> = roles["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Created At"]);

    let response = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/api/v1/namespaces/default/configmaps?watch=1")
                .header("accept", KUBECTL_ACCEPT)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let mut body = response.into_body();
    let mut text = String::new();
    let read = async {
        while text.matches('\n').count() < 2 {
            let Some(Ok(frame)) = body.frame().await else {
                break;
            };
            if let Some(data) = frame.data_ref() {
                text.push_str(&String::from_utf8_lossy(data));
            }
        }
    };
    let ((), _) = tokio::join!(
        async {
            tokio::time::timeout(Duration::from_secs(5), read)
                .await
                .ok();
        },
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            app.create_cm("default", "b", json!({})).await;
        }
    );
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[0]["object"]["kind"], "Table");
    assert!(
        events[0]["object"]["columnDefinitions"].is_array(),
        "headers on the first event"
    );
    assert_eq!(
        events[1]["object"]["columnDefinitions"],
        Value::Null,
        "and only there"
    );
    assert_eq!(events[1]["object"]["rows"][0]["cells"][0], "b");
}

#[tokio::test]
async fn partial_object_metadata() {
    let app = app().await;
    app.create_cm("default", "a", json!({"x": "y"})).await;
    let accept =
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    let list = get_as(&app, "/api/v1/namespaces/default/configmaps", accept)
        .await
        .json();
    assert_eq!(list["kind"], "PartialObjectMetadataList");
    assert_eq!(list["items"][0]["kind"], "PartialObjectMetadata");
    assert_eq!(list["items"][0]["metadata"]["labels"]["x"], "y");
    assert!(list["items"][0].get("data").is_none());
    let one = get_as(
        &app,
        "/api/v1/namespaces/default/configmaps/a",
        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
    )
    .await
    .json();
    assert_eq!(one["kind"], "PartialObjectMetadata");
    assert_eq!(one["apiVersion"], "meta.k8s.io/v1");
    // Protobuf alone is served for built-in kinds (tests/protobuf.rs has the bytes).
    let protobuf = get_as(
        &app,
        "/api/v1/namespaces/default/configmaps/a",
        "application/vnd.kubernetes.protobuf",
    )
    .await;
    assert_eq!(protobuf.status, StatusCode::OK);
    assert_eq!(
        protobuf.headers["content-type"],
        "application/vnd.kubernetes.protobuf"
    );
}

#[tokio::test]
async fn services_get_cluster_ips_and_node_ports_that_are_never_shared() {
    let app = app().await;
    let services = "/api/v1/namespaces/default/services";
    let create = |name: &str, spec: Value| {
        app.call(
            Method::POST,
            services,
            Some(json!({"metadata": {"name": name}, "spec": spec})),
        )
    };
    let a = create("a", json!({"ports": [{"port": 80}]})).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let a = a.json();
    let ip = a["spec"]["clusterIP"].as_str().unwrap().to_owned();
    let octets: Vec<u8> = ip.split('.').map(|o| o.parse().unwrap()).collect();
    assert!(
        octets[0] == 10 && (96..112).contains(&octets[1]),
        "{ip} is in 10.96.0.0/12"
    );
    assert_eq!(a["spec"]["clusterIPs"], json!([ip]));
    assert_eq!(a["spec"]["ipFamilies"], json!(["IPv4"]));

    let taken = create("b", json!({"clusterIP": ip, "ports": [{"port": 80}]})).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        taken.json()["message"],
        format!(
            "Service \"b\" is invalid: spec.clusterIPs: Invalid value: [\"{ip}\"]: failed to allocate IP {ip}: provided IP is already allocated"
        )
    );
    let first = create(
        "c",
        json!({"clusterIP": "10.96.0.1", "ports": [{"port": 80}]}),
    )
    .await;
    assert_eq!(
        first.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the kubernetes Service holds 10.96.0.1"
    );
    let headless = create("h", json!({"clusterIP": "None", "ports": [{"port": 80}]}))
        .await
        .json();
    assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));

    let np = create(
        "np",
        json!({"type": "NodePort", "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}]}),
    )
    .await
    .json();
    let ports: Vec<i64> = np["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["nodePort"].as_i64().unwrap())
        .collect();
    assert!(ports.iter().all(|p| (30000..=32767).contains(p)) && ports[0] != ports[1]);
    let clash = create(
        "np2",
        json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": ports[0]}]}),
    )
    .await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        clash.json()["message"],
        format!(
            "Service \"np2\" is invalid: spec.ports[0].nodePort: Invalid value: {}: provided port is already allocated",
            ports[0]
        )
    );

    // An update that leaves them out keeps them; a delete releases them.
    let mut update = np.clone();
    update["spec"].as_object_mut().unwrap().remove("clusterIP");
    update["spec"].as_object_mut().unwrap().remove("clusterIPs");
    update["spec"]["ports"][0]
        .as_object_mut()
        .unwrap()
        .remove("nodePort");
    let updated = app
        .call(Method::PUT, &format!("{services}/np"), Some(update))
        .await
        .json();
    assert_eq!(updated["spec"]["clusterIP"], np["spec"]["clusterIP"]);
    assert_eq!(updated["spec"]["ports"][0]["nodePort"], ports[0]);
    app.call(Method::DELETE, &format!("{services}/a"), None)
        .await;
    let reuse = create("d", json!({"clusterIP": ip, "ports": [{"port": 80}]})).await;
    assert_eq!(reuse.status, StatusCode::CREATED, "{}", reuse.text());
}

async fn wait_for(app: &App, uri: &str, what: &str, check: impl Fn(&Reply) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let reply = app.get(uri).await;
        if check(&reply) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: {}",
            reply.text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A Deployment and a ReplicaSet it owns; the ReplicaSet's URI.
async fn owner_and_dependent(app: &App, name: &str, block: bool) -> (String, String) {
    let deployments = "/apis/apps/v1/namespaces/default/deployments";
    let owner = app
        .call(
            Method::POST,
            deployments,
            Some(json!({"metadata": {"name": name}, "spec": workload_spec(1)})),
        )
        .await
        .json();
    let uid = owner["metadata"]["uid"].clone();
    let rs = app
        .call(
            Method::POST,
            "/apis/apps/v1/namespaces/default/replicasets",
            Some(json!({"metadata": {"name": format!("{name}-rs"), "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": block}
            ]}, "spec": workload_spec(1)})),
        )
        .await;
    assert_eq!(rs.status, StatusCode::CREATED, "{}", rs.text());
    (
        format!("{deployments}/{name}"),
        format!("/apis/apps/v1/namespaces/default/replicasets/{name}-rs"),
    )
}

#[tokio::test]
async fn garbage_collection_follows_the_propagation_policy() {
    let app = app().await;
    let delete = |uri: String, policy: &'static str| {
        let app = &app;
        async move {
            app.call(Method::DELETE, &uri, Some(json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy})))
                .await
        }
    };

    let (owner, dependent) = owner_and_dependent(&app, "bg", false).await;
    assert_eq!(
        delete(owner.clone(), "Background").await.status,
        StatusCode::OK
    );
    wait_for(&app, &dependent, "background: the ReplicaSet goes", |r| {
        r.status == StatusCode::NOT_FOUND
    })
    .await;

    let (owner, dependent) = owner_and_dependent(&app, "orphan", false).await;
    let marked = delete(owner.clone(), "Orphan").await;
    assert_eq!(marked.status, StatusCode::OK);
    wait_for(&app, &owner, "orphan: the Deployment goes", |r| {
        r.status == StatusCode::NOT_FOUND
    })
    .await;
    let kept = app.get(&dependent).await.json();
    assert_eq!(kept["metadata"].get("ownerReferences"), None, "{kept}");

    let (owner, dependent) = owner_and_dependent(&app, "fg", true).await;
    // Hold the dependent so the foreground deletion has to wait for it.
    let mut rs = app.get(&dependent).await.json();
    rs["metadata"]["finalizers"] = json!(["example.com/hold"]);
    app.call(Method::PUT, &dependent, Some(rs)).await;
    assert_eq!(
        delete(owner.clone(), "Foreground").await.status,
        StatusCode::OK
    );
    wait_for(
        &app,
        &dependent,
        "foreground: the ReplicaSet is being deleted",
        |r| r.json()["metadata"]["deletionTimestamp"].is_string(),
    )
    .await;
    let waiting = app.get(&owner).await.json();
    assert_eq!(
        waiting["metadata"]["finalizers"],
        json!(["foregroundDeletion"])
    );
    let mut rs = app.get(&dependent).await.json();
    rs["metadata"]["finalizers"] = json!([]);
    app.call(Method::PUT, &dependent, Some(rs)).await;
    wait_for(&app, &owner, "foreground: the Deployment goes last", |r| {
        r.status == StatusCode::NOT_FOUND
    })
    .await;
}

#[tokio::test]
async fn an_update_without_a_namespace_takes_the_urls() {
    let app = app().await;
    let created = app.create_cm("default", "a", json!({})).await;
    let mut body = created.clone();
    body["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("namespace");
    body["data"] = json!({"k": "w"});
    let updated = app
        .call(
            Method::PUT,
            "/api/v1/namespaces/default/configmaps/a",
            Some(body),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    assert_eq!(updated.json()["metadata"]["namespace"], "default");
}

#[tokio::test]
async fn values_of_the_wrong_type_are_refused_in_gos_words() {
    let app = app().await;
    let before = app.revision().await;
    let reply = app
        .call(
            Method::POST,
            "/apis/apps/v1/namespaces/default/deployments",
            Some(json!({"metadata": {"name": "d"}, "spec": {"replicas": "two"}})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json()["message"],
        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
    );
    assert_eq!(app.revision().await, before);
}

/// kube's field-validation integration test body: `paused` and `imagePullPolicy` twice, unknown
/// fields around them.
const DUPLICATED_DEPLOYMENT: &str = r#"{"apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "dup", "labels": {"app": "nginx"}},
  "spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2",
    "paused": true, "paused": false,
    "selector": {"matchLabels": {"app": "nginx"}},
    "template": {"metadata": {"labels": {"app": "nginx"}},
      "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
        "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}"#;

#[tokio::test]
async fn duplicate_fields_are_warned_about_or_refused_in_document_order() {
    let app = app().await;
    let uri = "/apis/apps/v1/namespaces/default/deployments";
    let before = app.revision().await;
    let strict = app
        .raw(
            Method::POST,
            &format!("{uri}?fieldValidation=Strict"),
            "application/json",
            DUPLICATED_DEPLOYMENT,
        )
        .await;
    assert_eq!(strict.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        strict.json()["message"],
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: \
         unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\", duplicate field \
         \"spec.paused\", unknown field \"spec.template.spec.containers[0].unknownNested\", \
         duplicate field \"spec.template.spec.containers[0].imagePullPolicy\""
    );
    assert_eq!(app.revision().await, before);

    let warned = app
        .raw(Method::POST, uri, "application/json", DUPLICATED_DEPLOYMENT)
        .await;
    assert_eq!(warned.status, StatusCode::CREATED, "{}", warned.text());
    assert_eq!(
        warned.warnings(),
        [
            "299 - \"unknown field \\\"spec.unknown1\\\"\"",
            "299 - \"unknown field \\\"spec.unknownDupe\\\"\"",
            "299 - \"duplicate field \\\"spec.paused\\\"\"",
            "299 - \"unknown field \\\"spec.template.spec.containers[0].unknownNested\\\"\"",
            "299 - \"duplicate field \\\"spec.template.spec.containers[0].imagePullPolicy\\\"\"",
        ]
    );
    // The last of the duplicates is kept.
    let created = warned.json();
    assert_eq!(created["spec"]["paused"], false);
    assert_eq!(
        created["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "Never"
    );
}

/// A strict patch whose result does not decode is a 422 on the field `patch` of no kind, quoting
/// the strategic patch as Go prints its map, or the merged object as evanphx/json-patch writes it.
#[tokio::test]
async fn strict_patches_are_refused_with_a_patch_cause() {
    let app = app().await;
    let cm = app.create_cm("default", "p", json!({"a": "b"})).await;
    let uri = "/api/v1/namespaces/default/configmaps/p?fieldValidation=Strict";
    let before = app.revision().await;

    let smp = app
        .raw(
            Method::PATCH,
            uri,
            "application/strategic-merge-patch+json",
            r#"{"data": {"z": "1"}, "bogus": {"b": 2.5, "a": [1, "x", null]}, "bogus": 3}"#,
        )
        .await;
    assert_eq!(
        smp.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        smp.text()
    );
    let detail = "strict decoding error: duplicate field \"bogus\", unknown field \"bogus\"";
    assert_eq!(
        smp.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": format!(" \"\" is invalid: patch: Invalid value: \"map[bogus:3 data:map[z:1]]\": {detail}"),
            "reason": "Invalid",
            "details": {"causes": [{"reason": "FieldValueInvalid",
                "message": format!("Invalid value: \"map[bogus:3 data:map[z:1]]\": {detail}"),
                "field": "patch"}]},
            "code": 422})
    );

    let merge = app
        .raw(
            Method::PATCH,
            uri,
            "application/merge-patch+json",
            r#"{"zz": {"y": 1, "x": 2}, "data": {"b": "<2>"}}"#,
        )
        .await;
    assert_eq!(
        merge.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        merge.text()
    );
    // Sorted where v4 decoded into maps (the top, the merged `data`, the added `zz`); the
    // untouched `metadata` as the server wrote it.
    let quoted = format!(
        r#"{{"apiVersion":"v1","data":{{"b":"\u003c2\u003e","k":"v"}},"kind":"ConfigMap","metadata":{},"zz":{{"x":2,"y":1}}}}"#,
        serde_json::to_string(&cm["metadata"]).unwrap()
    );
    assert_eq!(
        merge.json()["message"],
        format!(
            " \"\" is invalid: patch: Invalid value: {}: strict decoding error: unknown field \"zz\"",
            serde_json::to_string(&quoted).unwrap()
        )
    );

    let json_patch = app
        .raw(
            Method::PATCH,
            uri,
            "application/json-patch+json",
            r#"[{"op": "add", "path": "/data/x", "value": "1"}, {"op": "add", "path": "/metadata/labels/c", "value": "d"}, {"op": "add", "path": "/q", "value": {"b": 1, "a": 2}}]"#,
        )
        .await;
    assert_eq!(json_patch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut metadata = cm["metadata"].as_object().unwrap().clone();
    metadata.insert("labels".into(), json!({"a": "b", "c": "d"}));
    metadata.sort_keys();
    let quoted = format!(
        r#"{{"apiVersion":"v1","data":{{"k":"v","x":"1"}},"kind":"ConfigMap","metadata":{},"q":{{"b":1,"a":2}}}}"#,
        serde_json::to_string(&metadata).unwrap()
    );
    assert_eq!(
        json_patch.json()["details"]["causes"][0]["message"],
        format!(
            "Invalid value: {}: strict decoding error: unknown field \"q\"",
            serde_json::to_string(&quoted).unwrap()
        )
    );

    let wrong_type = app
        .raw(
            Method::PATCH,
            "/api/v1/namespaces/default/configmaps/p",
            "application/strategic-merge-patch+json",
            r#"{"data": {"k": 1}}"#,
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong_type.json()["message"],
        " \"\" is invalid: patch: Invalid value: \"map[data:map[k:1]]\": cannot convert int64 to \
         string"
    );
    let wrong_type = app
        .raw(
            Method::PATCH,
            "/api/v1/namespaces/default/configmaps/p",
            "application/merge-patch+json",
            r#"{"immutable": "yes"}"#,
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong_type.json()["message"].as_str().unwrap().ends_with(
            "json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool"
        ),
        "{}",
        wrong_type.text()
    );
    assert_eq!(app.revision().await, before);

    let warned = app
        .raw(
            Method::PATCH,
            "/api/v1/namespaces/default/configmaps/p",
            "application/merge-patch+json",
            r#"{"data": {"k": "1", "k": "2"}, "bogus": 1}"#,
        )
        .await;
    assert_eq!(warned.status, StatusCode::OK, "{}", warned.text());
    assert_eq!(
        warned.warnings(),
        [
            "299 - \"duplicate field \\\"data.k\\\"\"",
            "299 - \"unknown field \\\"bogus\\\"\""
        ]
    );
    assert_eq!(warned.json()["data"]["k"], "2");
}

/// The field manager compares a create against the kind's Go zero value, so value structs
/// (`spec`, `strategy`, `template`) are not owned as a whole, as in kube's managedFields.
#[tokio::test]
async fn created_objects_record_their_fields_against_the_go_zero_value() {
    let app = app().await;
    let reply = app
        .call(
            Method::POST,
            "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create",
            Some(
                json!({"metadata": {"name": "nginx", "labels": {"app": "nginx"}},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "nginx"}},
                    "template": {"metadata": {"labels": {"app": "nginx"}},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    // kube-apiserver's entry for `kubectl create deployment nginx --image=nginx`.
    let want = r#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}"#;
    assert_eq!(
        reply.json()["metadata"]["managedFields"][0]["fieldsV1"].to_string(),
        want
    );
}

fn pod(name: &str, node: Option<&str>) -> Value {
    let mut pod = json!({"metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    if let Some(node) = node {
        pod["spec"]["nodeName"] = json!(node);
    }
    pod
}

/// `rest.BeforeDelete` with the pod strategy: an unbound pod is marked and deleted at once (the
/// answer is the pod, as the pod registry returns deleted objects); a bound one gets its grace
/// period, which only a shorter one can change, and `gracePeriodSeconds=0` ends.
#[tokio::test]
async fn pods_are_deleted_gracefully_when_bound_to_a_node() {
    let app = app_with(Config {
        controllers: kubemem_apiserver::controllers::Controllers {
            serviceaccount: true,
            ..kubemem_apiserver::controllers::Controllers::none()
        },
        ..Config::default()
    })
    .await;
    let pods = "/api/v1/namespaces/default/pods";
    let created = app.call(Method::POST, pods, Some(pod("free", None))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let before: i64 = app.revision().await.parse().unwrap();
    let deleted = app
        .call(Method::DELETE, &format!("{pods}/free"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
    let body = deleted.json();
    assert_eq!(body["kind"], "Pod");
    assert_eq!(body["metadata"]["deletionGracePeriodSeconds"], 0);
    assert!(body["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(
        app.get(&format!("{pods}/free")).await.status,
        StatusCode::NOT_FOUND
    );
    // Marked (MODIFIED), then deleted (DELETED).
    let after: i64 = app.revision().await.parse().unwrap();
    assert_eq!(after, before + 2);

    app.call(Method::POST, pods, Some(pod("bound", Some("node-1"))))
        .await;
    let uri = format!("{pods}/bound");
    let marked = app.call(Method::DELETE, &uri, None).await.json();
    assert_eq!(marked["metadata"]["deletionGracePeriodSeconds"], 30);
    let at = |v: &Value| {
        let text = v["metadata"]["deletionTimestamp"]
            .as_str()
            .unwrap()
            .to_owned();
        chrono_free_seconds(&text)
    };
    let first = at(&marked);
    let still = app.get(&uri).await.json();
    assert_eq!(still["metadata"]["deletionGracePeriodSeconds"], 30);

    let revision = app.revision().await;
    let again = app
        .call(
            Method::DELETE,
            &format!("{uri}?gracePeriodSeconds=60"),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        app.revision().await,
        revision,
        "a longer period changes nothing"
    );

    let shorter = app
        .call(
            Method::DELETE,
            &format!("{uri}?gracePeriodSeconds=10"),
            None,
        )
        .await
        .json();
    assert_eq!(shorter["metadata"]["deletionGracePeriodSeconds"], 10);
    // Only the first mark bumps the generation.
    assert_eq!(
        shorter["metadata"]["generation"],
        marked["metadata"]["generation"]
    );
    assert_eq!(at(&shorter), first - 20);

    let forced = app
        .call(Method::DELETE, &format!("{uri}?gracePeriodSeconds=0"), None)
        .await;
    assert_eq!(forced.status, StatusCode::OK);
    assert_eq!(app.get(&uri).await.status, StatusCode::NOT_FOUND);
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp (`2026-11-23T01:02:03Z`).
fn chrono_free_seconds(text: &str) -> i64 {
    let n = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

/// Without kubelets, the pod garbage collector ends graceful deletions on nodes that do not
/// exist; on a node that does, the pod waits.
#[tokio::test]
async fn the_pod_garbage_collector_ends_deletions_on_missing_nodes() {
    let app = app().await;
    let pods = "/api/v1/namespaces/default/pods";
    let node = app
        .call(
            Method::POST,
            "/api/v1/nodes",
            Some(json!({"metadata": {"name": "real"}})),
        )
        .await;
    assert_eq!(node.status, StatusCode::CREATED, "{}", node.text());
    app.call(Method::POST, pods, Some(pod("ghost", Some("missing"))))
        .await;
    app.call(Method::POST, pods, Some(pod("kept", Some("real"))))
        .await;
    app.call(Method::DELETE, &format!("{pods}/ghost"), None)
        .await;
    app.call(Method::DELETE, &format!("{pods}/kept"), None)
        .await;
    assert!(wait_gone(&app, &format!("{pods}/ghost")).await);
    let kept = app.get(&format!("{pods}/kept")).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(kept.json()["metadata"]["deletionGracePeriodSeconds"], 30);
}

/// Every active namespace gets `kube-root-ca.crt` with the cluster CA, written as
/// kube-controller-manager; an edited one is put back.
#[tokio::test]
async fn every_namespace_gets_the_root_ca_configmap() {
    let app = app_with(Config::default()).await;
    let uri = "/api/v1/namespaces/default/configmaps/kube-root-ca.crt";
    let cm = app.get(uri).await.json();
    assert_eq!(
        cm["metadata"]["annotations"],
        json!({"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."})
    );
    let pem = cm["data"]["ca.crt"].as_str().unwrap().to_owned();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    assert_eq!(
        cm["metadata"]["managedFields"][0]["manager"],
        "kube-controller-manager"
    );

    app.call(
        Method::POST,
        "/api/v1/namespaces",
        Some(json!({"metadata": {"name": "team"}})),
    )
    .await;
    wait_for(
        &app,
        "/api/v1/namespaces/team/configmaps/kube-root-ca.crt",
        "the root CA in a new namespace",
        |r| r.status == StatusCode::OK && r.json()["data"]["ca.crt"] == pem,
    )
    .await;

    let mut edited = cm.clone();
    edited["data"]["ca.crt"] = json!("tampered");
    let reply = app.call(Method::PUT, uri, Some(edited)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    wait_for(&app, uri, "the root CA put back", |r| {
        r.json()["data"]["ca.crt"] == pem
    })
    .await;
}

#[tokio::test]
async fn per_kind_validation_answers_kube_apiservers_invalid_status() {
    let app = app().await;
    let before = app.revision().await;
    let mut deployment = json!({"metadata": {"name": "x"}, "spec": workload_spec(1)});
    deployment["spec"]["selector"]["matchLabels"]["app"] = json!("api");
    let reply = app
        .call(
            Method::POST,
            "/apis/apps/v1/namespaces/default/deployments",
            Some(deployment),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json(),
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Deployment.apps \"x\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            "reason": "Invalid",
            "details": {"name": "x", "group": "apps", "kind": "Deployment", "causes": [{
                "reason": "FieldValueInvalid",
                "message": "Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
                "field": "spec.template.metadata.labels"
            }]},
            "code": 422
        })
    );

    let reply = app
        .call(
            Method::POST,
            "/api/v1/namespaces/default/services",
            Some(json!({"metadata": {"name": "web"}, "spec": {"ports": [
                {"name": "http", "port": 0, "targetPort": 8080}, {"name": "http", "port": 443}
            ]}})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json(),
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Service \"web\" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[1].name: Duplicate value: \"http\"]",
            "reason": "Invalid",
            "details": {"name": "web", "kind": "Service", "causes": [
                {"reason": "FieldValueInvalid", "message": "Invalid value: 0: must be between 1 and 65535, inclusive", "field": "spec.ports[0].port"},
                {"reason": "FieldValueDuplicate", "message": "Duplicate value: \"http\"", "field": "spec.ports[1].name"}
            ]},
            "code": 422
        })
    );
    assert_eq!(app.revision().await, before, "nothing was written");
}

#[tokio::test]
async fn an_immutable_config_map_keeps_its_data() {
    let app = app().await;
    let uri = "/api/v1/namespaces/default/configmaps";
    let created = app
        .call(
            Method::POST,
            uri,
            Some(json!({"metadata": {"name": "frozen"}, "data": {"k": "v"}, "immutable": true})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let stored = created.json();
    let mut changed = stored.clone();
    changed["data"]["k"] = json!("w");
    let before = app.revision().await;
    let reply = app
        .call(Method::PUT, &format!("{uri}/frozen"), Some(changed))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json(),
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
            "reason": "Invalid",
            "details": {"name": "frozen", "kind": "ConfigMap", "causes": [{
                "reason": "FieldValueForbidden",
                "message": "Forbidden: field is immutable when `immutable` is set",
                "field": "data"
            }]},
            "code": 422
        })
    );
    assert_eq!(app.revision().await, before);
    assert_eq!(app.get(&format!("{uri}/frozen")).await.json(), stored);
}

#[tokio::test]
async fn a_service_patched_to_another_type_drops_what_that_type_does_not_use() {
    let app = app().await;
    let uri = "/api/v1/namespaces/default/services";
    let created = app
        .call(
            Method::POST,
            uri,
            Some(json!({"metadata": {"name": "np"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let patched = app
        .raw(
            Method::PATCH,
            &format!("{uri}/np"),
            "application/merge-patch+json",
            r#"{"spec":{"type":"ClusterIP"}}"#,
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    let spec = &patched.json()["spec"];
    assert_eq!(spec["ports"][0].get("nodePort"), None);
    assert_eq!(spec.get("externalTrafficPolicy"), None);

    let external = app
        .raw(
            Method::PATCH,
            &format!("{uri}/np"),
            "application/merge-patch+json",
            r#"{"spec":{"type":"ExternalName","externalName":"example.com"}}"#,
        )
        .await;
    assert_eq!(external.status, StatusCode::OK, "{}", external.text());
    let spec = &external.json()["spec"];
    assert_eq!(spec.get("clusterIPs"), None, "{spec}");
}

/// One Event, two APIs: what `events.k8s.io/v1` writes, core `v1` lists (and the other way),
/// each in its own shape, with the field selectors of each.
#[tokio::test]
async fn events_are_one_object_seen_through_both_apis() {
    let app = app().await;
    let created = app
        .call(
            Method::POST,
            "/apis/events.k8s.io/v1/namespaces/default/events",
            Some(
                json!({"metadata": {"name": "e1"}, "eventTime": "2026-11-23T01:00:00.000000Z",
                "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
                "action": "Sync", "reason": "Synced", "note": "all good",
                "regarding": {"kind": "Widget", "name": "w", "namespace": "default"},
                "type": "Normal"}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["apiVersion"], "events.k8s.io/v1");
    assert_eq!(created.json()["note"], "all good");

    let core = app.get("/api/v1/namespaces/default/events/e1").await.json();
    assert_eq!(core["apiVersion"], "v1");
    assert_eq!(core["involvedObject"]["name"], "w");
    assert_eq!(core["message"], "all good");
    assert_eq!(core["reportingComponent"], "example.com/ctl");
    assert_eq!(core["source"], json!({}));

    app.call(
        Method::POST,
        "/api/v1/namespaces/default/events",
        Some(
            json!({"metadata": {"name": "e2"}, "involvedObject": {"kind": "Pod", "name": "p"},
            "reason": "Started", "message": "started", "type": "Normal",
            "source": {"component": "kubelet"}}),
        ),
    )
    .await;
    let names = |list: Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let listed = app
        .get("/apis/events.k8s.io/v1/namespaces/default/events")
        .await
        .json();
    assert_eq!(names(listed.clone()), ["e1", "e2"]);
    assert_eq!(listed["items"][1]["regarding"]["name"], "p");
    assert_eq!(
        listed["items"][1]["deprecatedSource"]["component"],
        "kubelet"
    );
    let selected = app
        .get("/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dp")
        .await
        .json();
    assert_eq!(names(selected), ["e2"]);
    let selected = app
        .get("/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dw")
        .await
        .json();
    assert_eq!(names(selected), ["e1"]);
}

/// A YAML body's repeated keys are reported as kube's YAML decoding words them, with their
/// lines, before the unknown fields; the last value is kept.
#[tokio::test]
async fn repeated_yaml_keys_are_reported_with_their_lines() {
    let app = app().await;
    let uri = "/apis/apps/v1/namespaces/default/deployments";
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dup\n  labels:\n    app: nginx\nspec:\n  unknown1: val1\n  unknownDupe: valDupe\n  unknownDupe: valDupe2\n  paused: true\n  paused: false\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:latest\n        unknownNested: val1\n        imagePullPolicy: Always\n        imagePullPolicy: Never";
    let strict = app
        .raw(
            Method::POST,
            &format!("{uri}?fieldValidation=Strict"),
            "application/yaml",
            yaml,
        )
        .await;
    assert_eq!(strict.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        strict.json()["message"],
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: \
         line 10: key \"unknownDupe\" already set in map, line 12: key \"paused\" already set in \
         map, line 26: key \"imagePullPolicy\" already set in map, unknown field \"spec.unknown1\", \
         unknown field \"spec.unknownDupe\", unknown field \
         \"spec.template.spec.containers[0].unknownNested\""
    );
    let warned = app.raw(Method::POST, uri, "application/yaml", yaml).await;
    assert_eq!(warned.status, StatusCode::CREATED, "{}", warned.text());
    assert_eq!(warned.warnings().len(), 6);
    assert_eq!(warned.json()["spec"]["paused"], false);
}

/// `markAsDeleting`: an object held by a finalizer is marked once, bumping its generation;
/// deleting it again changes nothing.
#[tokio::test]
async fn a_held_object_is_marked_once_with_its_generation_bumped() {
    let app = app().await;
    let uri = "/apis/apps/v1/namespaces/default/deployments";
    let created = app
        .call(
            Method::POST,
            uri,
            Some(
                json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"]},
                "spec": workload_spec(1)}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["metadata"]["generation"], 1);
    let marked = app
        .call(Method::DELETE, &format!("{uri}/held"), None)
        .await
        .json();
    assert_eq!(marked["metadata"]["generation"], 2);
    assert_eq!(marked["metadata"]["deletionGracePeriodSeconds"], 0);
    let revision = app.revision().await;
    let again = app
        .call(Method::DELETE, &format!("{uri}/held"), None)
        .await
        .json();
    assert_eq!(again["metadata"]["generation"], 2);
    assert_eq!(app.revision().await, revision);
}
