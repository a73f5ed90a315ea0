//! Protobuf responses through the router: a client that prefers
//! `application/vnd.kubernetes.protobuf` (client-go, controller-runtime) gets every object,
//! list, error and watch event of a built-in kind as kube-apiserver writes it, and the same
//! object as the JSON answer once decoded.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use kubemem_apiserver::{AppState, Config, protobuf, router};
use serde_json::{Value, json};
use tower::ServiceExt;

const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
/// What client-go sends for built-in kinds.
const CLIENT_GO: &str = "application/vnd.kubernetes.protobuf, application/json";

struct App {
    router: Router,
    _shutdown: tokio::sync::watch::Sender<bool>,
}

struct Reply {
    status: StatusCode,
    content_type: String,
    body: Bytes,
}

async fn app() -> App {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let state = AppState::start(
        Config {
            bookmark_interval: Duration::from_millis(100),
            // Only the ConfigMaps each test makes (no `kube-root-ca.crt`).
            controllers: kubemem_apiserver::controllers::Controllers {
                root_ca_cert_publisher: false,
                ..Default::default()
            },
            ..Config::default()
        },
        rx,
    )
    .await
    .expect("boots");
    App {
        router: router(state),
        _shutdown: tx,
    }
}

impl App {
    async fn send(&self, method: Method, uri: &str, accept: &str, body: Option<Value>) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("accept", accept);
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = body.map_or_else(Body::empty, |v| Body::from(v.to_string()));
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            content_type,
            body,
        }
    }

    async fn json(&self, uri: &str) -> Value {
        let reply = self.send(Method::GET, uri, "application/json", None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        serde_json::from_slice(&reply.body).unwrap()
    }

    /// Creates `cm`, a ConfigMap in `default`, through JSON.
    async fn create_config_map(&self, cm: Value) {
        let reply = self
            .send(
                Method::POST,
                "/api/v1/namespaces/default/configmaps",
                "application/json",
                Some(cm),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
}

/// The fields of one protobuf message, in order: (tag, bytes of a length-delimited field or
/// the varint's value as little-endian bytes).
fn fields(mut b: &[u8]) -> Vec<(u32, Vec<u8>)> {
    fn varint(b: &mut &[u8]) -> u64 {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = b[0];
            *b = &b[1..];
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
        }
        n
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b);
        let value = match key & 7 {
            0 => varint(&mut b).to_le_bytes().to_vec(),
            2 => {
                let len = varint(&mut b) as usize;
                let (v, rest) = b.split_at(len);
                b = rest;
                v.to_vec()
            }
            w => panic!("wire type {w}"),
        };
        out.push(((key >> 3) as u32, value));
    }
    out
}

fn field(message: &[u8], tag: u32) -> Vec<u8> {
    fields(message)
        .into_iter()
        .find(|(t, _)| *t == tag)
        .unwrap_or_else(|| panic!("no field {tag}"))
        .1
}

fn text(message: &[u8], tag: u32) -> String {
    String::from_utf8(field(message, tag)).unwrap()
}

/// `(apiVersion, kind, raw)` of a `k8s\0` + `runtime.Unknown` body.
fn envelope(body: &[u8]) -> (String, String, Vec<u8>) {
    let unknown = body.strip_prefix(b"k8s\0").expect("the protobuf magic");
    let type_meta = field(unknown, 1);
    assert_eq!(
        fields(unknown).iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    (text(&type_meta, 1), text(&type_meta, 2), field(unknown, 2))
}

/// A body of `api_version`/`kind` around `raw`.
fn wrap(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    fn len_field(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
        out.push(tag << 3 | 2);
        let mut n = b.len();
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
        out.extend_from_slice(b);
    }
    let mut type_meta = Vec::new();
    len_field(&mut type_meta, 1, api_version.as_bytes());
    len_field(&mut type_meta, 2, kind.as_bytes());
    let mut out = b"k8s\0".to_vec();
    len_field(&mut out, 1, &type_meta);
    len_field(&mut out, 2, raw);
    out
}

/// The JSON a protobuf object body decodes to, nulls dropped (Go leaves them out too).
fn decoded(body: &[u8]) -> Value {
    let mut v = protobuf::decode(body).unwrap_or_else(|e| panic!("decode: {e:?}"));
    kubemem_apiserver::object::drop_nulls(&mut v);
    v
}

fn without_nulls(mut v: Value) -> Value {
    kubemem_apiserver::object::drop_nulls(&mut v);
    v
}

#[tokio::test]
async fn writes_and_reads_of_built_in_kinds_answer_protobuf() {
    let app = app().await;
    let objects = [
        (
            "/api/v1/namespaces/default/configmaps",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"b": "2", "a": "1"}}, "data": {"k": "v"}, "binaryData": {"bin": "AAH/"}}),
        ),
        (
            "/apis/apps/v1/namespaces/default/deployments",
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"rollingUpdate": {"maxSurge": "50%", "maxUnavailable": 0}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{
                    "name": "web", "image": "nginx",
                    "ports": [{"containerPort": 80}],
                    "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}
                }]}}
            }}),
        ),
        (
            "/api/v1/namespaces/default/services",
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"}, "spec": {"ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "web"}}}),
        ),
        (
            "/api/v1/namespaces/default/pods",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "1"]}]}}),
        ),
        (
            "/apis/batch/v1/namespaces/default/jobs",
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}),
        ),
    ];
    for (i, (collection, object)) in objects.iter().enumerate() {
        println!("#{i}: {collection}");
        let created = app
            .send(Method::POST, collection, CLIENT_GO, Some(object.clone()))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "#{i}");
        assert_eq!(created.content_type, PROTOBUF, "#{i}");
        let name = object["metadata"]["name"].as_str().unwrap();
        let uri = format!("{collection}/{name}");
        let json = without_nulls(app.json(&uri).await);
        assert_eq!(decoded(&created.body), json, "#{i}: create");

        let got = app.send(Method::GET, &uri, CLIENT_GO, None).await;
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.content_type, PROTOBUF);
        assert_eq!(got.body, created.body, "#{i}: get = create");
        let (api_version, kind, _) = envelope(&got.body);
        assert_eq!(
            (api_version.as_str(), kind.as_str()),
            (
                object["apiVersion"].as_str().unwrap(),
                object["kind"].as_str().unwrap()
            )
        );

        let patched = app.send(Method::PATCH, &uri, CLIENT_GO, None).await;
        assert_eq!(patched.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "#{i}");
        assert_eq!(patched.content_type, PROTOBUF, "#{i}: the error too");
    }

    // A merge patch, then the update of its result.
    let uri = "/api/v1/namespaces/default/configmaps/c";
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(uri)
        .header("accept", CLIENT_GO)
        .header("content-type", "application/merge-patch+json")
        .body(Body::from(r#"{"data":{"k2":"v2"}}"#))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json = without_nulls(app.json(uri).await);
    assert_eq!(decoded(&body), json);
    assert_eq!(json["data"], json!({"k": "v", "k2": "v2"}));
    let updated = app
        .send(Method::PUT, uri, CLIENT_GO, Some(json.clone()))
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(decoded(&updated.body), without_nulls(app.json(uri).await));

    // A delete answers the object (pods: being deleted) or a `Status`.
    let deleted = app.send(Method::DELETE, uri, CLIENT_GO, None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    let (api_version, kind, raw) = envelope(&deleted.body);
    assert_eq!((api_version.as_str(), kind.as_str()), ("v1", "Status"));
    assert_eq!(text(&raw, 2), "Success");
}

#[tokio::test]
async fn lists_are_the_kind_list_with_list_meta() {
    let app = app().await;
    for name in ["a", "b"] {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": name}});
        app.create_config_map(cm).await;
    }
    let uri = "/api/v1/namespaces/default/configmaps?limit=1";
    let reply = app.send(Method::GET, uri, CLIENT_GO, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type, PROTOBUF);
    let (api_version, kind, raw) = envelope(&reply.body);
    assert_eq!(
        (api_version.as_str(), kind.as_str()),
        ("v1", "ConfigMapList")
    );
    let json = app.json(uri).await;
    let list_meta = field(&raw, 1);
    assert_eq!(
        text(&list_meta, 2),
        json["metadata"]["resourceVersion"].as_str().unwrap()
    );
    assert_eq!(
        text(&list_meta, 3),
        json["metadata"]["continue"].as_str().unwrap()
    );
    assert_eq!(
        field(&list_meta, 4),
        1u64.to_le_bytes(),
        "remainingItemCount"
    );
    let items: Vec<Value> = fields(&raw)
        .into_iter()
        .filter(|(t, _)| *t == 2)
        .map(|(_, item)| decoded(&wrap("v1", "ConfigMap", &item)))
        .collect();
    let mut want = json["items"][0].clone();
    want["kind"] = json!("ConfigMap");
    want["apiVersion"] = json!("v1");
    assert_eq!(items, [without_nulls(want)]);
}

#[tokio::test]
async fn errors_are_a_protobuf_status_when_the_client_prefers_it() {
    let app = app().await;
    let uri = "/api/v1/namespaces/default/configmaps/missing";
    let reply = app.send(Method::GET, uri, CLIENT_GO, None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.content_type, PROTOBUF);
    let (api_version, kind, raw) = envelope(&reply.body);
    assert_eq!((api_version.as_str(), kind.as_str()), ("v1", "Status"));
    let json = app.send(Method::GET, uri, "application/json", None).await;
    let status: Value = serde_json::from_slice(&json.body).unwrap();
    assert_eq!(text(&raw, 2), "Failure");
    assert_eq!(text(&raw, 3), status["message"].as_str().unwrap());
    assert_eq!(text(&raw, 4), "NotFound");
    assert_eq!(field(&raw, 6), 404u64.to_le_bytes());
    let details = field(&raw, 5);
    assert_eq!(
        (text(&details, 1), text(&details, 3)),
        ("missing".into(), "configmaps".into())
    );

    // kubectl's Table request and a metadata-only one fall back to JSON errors: a range with
    // `as=` is no media type for an error.
    let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    assert_eq!(
        app.send(Method::GET, uri, table, None).await.content_type,
        "application/json"
    );
    let partial = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
    let reply = app.send(Method::GET, uri, partial, None).await;
    assert_eq!(
        (reply.status, reply.content_type.as_str()),
        (StatusCode::NOT_FOUND, "application/json")
    );
}

#[tokio::test]
async fn tables_stay_json_and_partial_object_metadata_may_be_protobuf() {
    let app = app().await;
    let uri = "/api/v1/namespaces/default";
    let table = "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io";
    let reply = app.send(Method::GET, uri, table, None).await;
    assert_eq!(
        (reply.status, reply.content_type.as_str()),
        (StatusCode::OK, "application/json")
    );
    let json: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(json["kind"], "Table");
    let only = "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io";
    let reply = app.send(Method::GET, uri, only, None).await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(reply.content_type, "application/json");

    let partial = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    let reply = app.send(Method::GET, uri, partial, None).await;
    assert_eq!(
        (reply.status, reply.content_type.as_str()),
        (StatusCode::OK, PROTOBUF)
    );
    let (api_version, kind, raw) = envelope(&reply.body);
    assert_eq!(
        (api_version.as_str(), kind.as_str()),
        ("meta.k8s.io/v1", "PartialObjectMetadata")
    );
    let namespace = app.json(uri).await;
    let meta = decoded(&wrap("v1", "ConfigMap", &raw));
    assert_eq!(
        meta["metadata"],
        without_nulls(namespace["metadata"].clone())
    );

    let partial_list = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    let reply = app
        .send(Method::GET, "/api/v1/namespaces", partial_list, None)
        .await;
    let (_, kind, raw) = envelope(&reply.body);
    assert_eq!(kind, "PartialObjectMetadataList");
    assert_eq!(
        fields(&raw).iter().filter(|(t, _)| *t == 2).count(),
        4,
        "four namespaces"
    );
}

#[tokio::test]
async fn watch_events_are_length_prefixed_watch_event_messages() {
    let app = app().await;
    let request = Request::builder()
        .uri("/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true")
        .header("accept", CLIENT_GO)
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.kubernetes.protobuf;stream=watch"
    );
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"}});
    app.create_config_map(cm).await;
    let mut body = response.into_body();
    let mut buffer = Vec::new();
    let mut events = Vec::new();
    let read = async {
        while events.len() < 2 {
            let Some(frame) = body.frame().await else {
                break;
            };
            buffer.extend_from_slice(frame.unwrap().data_ref().unwrap());
            while buffer.len() >= 4 {
                let len = u32::from_be_bytes(buffer[..4].try_into().unwrap()) as usize;
                if buffer.len() < 4 + len {
                    break;
                }
                let event: Vec<u8> = buffer.drain(..4 + len).skip(4).collect();
                events.push(event);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .ok();
    assert_eq!(events.len(), 2, "an ADDED event, then a bookmark");
    assert_eq!(text(&events[0], 1), "ADDED");
    let object = field(&field(&events[0], 2), 1);
    assert_eq!(
        decoded(&object),
        without_nulls(app.json("/api/v1/namespaces/default/configmaps/w").await)
    );
    assert_eq!(text(&events[1], 1), "BOOKMARK");
    let bookmark = decoded(&field(&field(&events[1], 2), 1));
    assert_eq!(bookmark["kind"], "ConfigMap");
}
