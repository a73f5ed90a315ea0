//! kube-rs, the Rust client controllers are written with, against an in-process kubemem:
//! typed CRUD with optimistic locking, a watcher with bookmarks feeding a reflector, and
//! server-side apply with its conflicts.

use std::time::Duration;

use futures_util::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Client;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use kubemem_apiserver::testing::TestServer;

async fn client(server: &TestServer) -> Client {
    server.kube_client().expect("a client")
}

fn configmap(name: &str, value: &str) -> ConfigMap {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": name},
        "data": {"k": value},
    }))
    .expect("a ConfigMap")
}

#[tokio::test]
async fn typed_crud_with_optimistic_locking() {
    let server = TestServer::start().await.expect("starts");
    let api: Api<ConfigMap> = Api::namespaced(client(&server).await, "default");

    let created = api
        .create(&PostParams::default(), &configmap("a", "1"))
        .await
        .expect("created");
    let rv = created
        .metadata
        .resource_version
        .clone()
        .expect("a resourceVersion");
    assert!(created.metadata.uid.is_some());

    let mut changed = created.clone();
    changed.data = Some([("k".to_owned(), "2".to_owned())].into());
    let replaced = api
        .replace("a", &PostParams::default(), &changed)
        .await
        .expect("replaced");
    assert_ne!(replaced.metadata.resource_version, Some(rv.clone()));

    // The first read's resourceVersion is stale now.
    let stale = api.replace("a", &PostParams::default(), &changed).await;
    match stale {
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 409);
            assert_eq!(status.reason, "Conflict");
            assert_eq!(
                status.message,
                "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; \
                 please apply your changes to the latest version and try again"
            );
        }
        other => panic!("expected a 409, got {other:?}"),
    }

    let listed = api.list(&Default::default()).await.expect("listed");
    assert!(
        listed
            .items
            .iter()
            .any(|cm| cm.metadata.name.as_deref() == Some("a"))
    );
    api.delete("a", &DeleteParams::default())
        .await
        .expect("deleted");
    match api.get("a").await {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 404),
        other => panic!("expected a 404, got {other:?}"),
    }
}

/// The reflector pattern of controllers, with both initial strategies: list then watch, and a
/// streaming list (`sendInitialEvents` ending at the annotated bookmark).
#[tokio::test]
async fn a_watcher_with_bookmarks_feeds_a_reflector() {
    // Bookmarks are on by default in kube-rs's watcher config.
    let list_watch = watcher::Config::default();
    assert!(list_watch.bookmarks);
    for config in [list_watch, watcher::Config::default().streaming_lists()] {
        reflect_changes(config).await;
    }
}

async fn reflect_changes(config: watcher::Config) {
    let server = TestServer::start().await.expect("starts");
    let api: Api<ConfigMap> = Api::namespaced(client(&server).await, "default");
    api.create(&PostParams::default(), &configmap("before", "1"))
        .await
        .expect("created");

    let (reader, writer) = reflector::store();
    let stream = watcher(api.clone(), config)
        .default_backoff()
        .reflect(writer)
        .applied_objects();
    let mut stream = Box::pin(stream);
    let wait = |reader: reflector::Store<ConfigMap>, want: Vec<&'static str>| async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let mut names: Vec<String> = reader
                .state()
                .iter()
                .filter_map(|cm| cm.metadata.name.clone())
                .filter(|n| n != "kube-root-ca.crt")
                .collect();
            names.sort();
            if names == want {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "reflector has {names:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let driver = tokio::spawn(async move { while stream.next().await.is_some() {} });
    wait(reader.clone(), vec!["before"]).await;
    api.create(&PostParams::default(), &configmap("after", "1"))
        .await
        .expect("created");
    wait(reader.clone(), vec!["after", "before"]).await;
    api.delete("before", &DeleteParams::default())
        .await
        .expect("deleted");
    wait(reader.clone(), vec!["after"]).await;
    driver.abort();
}

#[tokio::test]
async fn server_side_apply_owns_fields_and_reports_conflicts() {
    let server = TestServer::start().await.expect("starts");
    let api: Api<ConfigMap> = Api::namespaced(client(&server).await, "default");
    let config = serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "applied"}, "data": {"k": "1"},
    });
    let applied = api
        .patch(
            "applied",
            &PatchParams::apply("first"),
            &Patch::Apply(&config),
        )
        .await
        .expect("applied");
    let managers = applied.metadata.managed_fields.expect("managedFields");
    assert_eq!(managers[0].manager.as_deref(), Some("first"));
    assert_eq!(managers[0].operation.as_deref(), Some("Apply"));

    let mut other = config.clone();
    other["data"]["k"] = serde_json::json!("2");
    match api
        .patch(
            "applied",
            &PatchParams::apply("second"),
            &Patch::Apply(&other),
        )
        .await
    {
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 409);
            assert_eq!(
                status.message,
                "Apply failed with 1 conflict: conflict with \"first\": .data.k"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let forced = api
        .patch(
            "applied",
            &PatchParams::apply("second").force(),
            &Patch::Apply(&other),
        )
        .await
        .expect("forced");
    assert_eq!(forced.data.expect("data")["k"], "2");
}
