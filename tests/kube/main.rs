//! kube-rs, the Rust client controllers are written with, against an in-process kubemem:
//! typed CRUD with optimistic locking, a watcher with bookmarks feeding a reflector,
//! server-side apply with its conflicts, and a `Controller` of a custom resource whose
//! ConfigMaps the garbage collector removes with it.

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

mod controller {
    //! A `kube::runtime::Controller` of `ConfigMapGenerator`s (a CRD made through the API): for
    //! each one it server-side applies a ConfigMap with its `spec.data`, owned by it
    //! (`controller`, `blockOwnerDeletion`). The ConfigMap follows the generator's changes, and
    //! goes with it through the garbage collector, in the background and in the foreground.

    use std::sync::Arc;
    use std::time::Duration;

    use futures_util::StreamExt;
    use k8s_openapi::api::core::v1::ConfigMap;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind};
    use kube::api::{Patch, PatchParams, PostParams};
    use kube::runtime::controller::{Action, Controller};
    use kube::runtime::watcher;
    use kube::{Client, Resource, ResourceExt};
    use kubemem_apiserver::testing::TestServer;
    use serde_json::{Value, json};

    fn generators() -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("example.com", "v1", "ConfigMapGenerator"),
            "configmapgenerators",
        )
    }

    fn crd() -> CustomResourceDefinition {
        serde_json::from_value(json!({
            "metadata": {"name": "configmapgenerators.example.com"},
            "spec": {
                "group": "example.com",
                "scope": "Namespaced",
                "names": {"plural": "configmapgenerators", "kind": "ConfigMapGenerator"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "data": {"type": "object", "additionalProperties": {"type": "string"}}
                        }}
                    }}}}]
            }
        }))
        .expect("a CRD")
    }

    fn generator(name: &str, data: Value) -> DynamicObject {
        let mut obj = DynamicObject::new(name, &generators());
        obj.data = json!({"spec": {"data": data}});
        obj
    }

    /// Applies the generator's ConfigMap; a generator being deleted is left to the collector.
    async fn reconcile(generator: Arc<DynamicObject>, client: Arc<Client>) -> kube::Result<Action> {
        if generator.meta().deletion_timestamp.is_some() {
            return Ok(Action::await_change());
        }
        let mut owner = generator
            .controller_owner_ref(&generators())
            .expect("a generator read from the server has a name and uid");
        owner.block_owner_deletion = Some(true);
        let name = generator.name_any();
        let configmap = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "ownerReferences": [owner]},
            "data": generator.data["spec"]["data"],
        });
        let namespace = generator.namespace().unwrap_or_default();
        Api::<ConfigMap>::namespaced((*client).clone(), &namespace)
            .patch(
                &name,
                &PatchParams::apply("configmapgenerator-controller").force(),
                &Patch::Apply(configmap),
            )
            .await?;
        Ok(Action::await_change())
    }

    fn retry(_: Arc<DynamicObject>, _: &kube::Error, _: Arc<Client>) -> Action {
        Action::requeue(Duration::from_millis(100))
    }

    /// Polls `get` (every 20ms, up to 10s) until `done` holds of what it answers.
    async fn until<T: std::fmt::Debug>(
        what: &str,
        get: impl AsyncFn() -> kube::Result<Option<T>>,
        done: impl Fn(&Option<T>) -> bool,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let got = get().await.expect("a read");
            if done(&got) {
                return got;
            }
            assert!(tokio::time::Instant::now() < deadline, "{what}: {got:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn data(cm: &Option<ConfigMap>) -> Option<Value> {
        cm.as_ref()
            .map(|cm| serde_json::to_value(&cm.data).expect("JSON"))
    }

    #[tokio::test]
    async fn a_controller_keeps_owned_configmaps_that_the_garbage_collector_removes() {
        let server = TestServer::start().await.expect("starts");
        let client = server.kube_client().expect("a client");
        println!("=== create the ConfigMapGenerator CRD");
        Api::<CustomResourceDefinition>::all(client.clone())
            .create(&PostParams::default(), &crd())
            .await
            .expect("the CRD is created");
        let gens: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), "default", &generators());
        let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");

        println!("=== run the controller");
        let controller =
            Controller::new_with(gens.clone(), watcher::Config::default(), generators())
                .owns(cms.clone(), watcher::Config::default())
                .run(reconcile, retry, Arc::new(client.clone()))
                .for_each(|_| async {});
        let controller = tokio::spawn(controller);

        println!("=== create generator a: its ConfigMap appears, owned by it");
        let a = gens
            .create(&PostParams::default(), &generator("a", json!({"k": "1"})))
            .await
            .expect("a is created");
        let cm = until(
            "the ConfigMap of a",
            || cms.get_opt("a"),
            |cm| data(cm) == Some(json!({"k": "1"})),
        )
        .await
        .expect("a ConfigMap");
        let owners = cm.metadata.owner_references.expect("owner references");
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].kind, "ConfigMapGenerator");
        assert_eq!(owners[0].api_version, "example.com/v1");
        assert_eq!(owners[0].name, "a");
        assert_eq!(Some(&owners[0].uid), a.metadata.uid.as_ref());
        assert_eq!(owners[0].controller, Some(true));
        assert_eq!(owners[0].block_owner_deletion, Some(true));

        println!("=== change generator a: its ConfigMap follows");
        gens.patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"data": {"k": "2", "extra": "3"}}})),
        )
        .await
        .expect("a is patched");
        until(
            "the ConfigMap of a follows",
            || cms.get_opt("a"),
            |cm| data(cm) == Some(json!({"k": "2", "extra": "3"})),
        )
        .await;

        println!("=== delete generator a (background): the collector deletes its ConfigMap");
        gens.delete("a", &DeleteParams::background())
            .await
            .expect("a is deleted");
        until(
            "the ConfigMap of a goes",
            || cms.get_opt("a"),
            Option::is_none,
        )
        .await;

        println!("=== generator b, its ConfigMap held by a finalizer");
        gens.create(&PostParams::default(), &generator("b", json!({"k": "b"})))
            .await
            .expect("b is created");
        until(
            "the ConfigMap of b",
            || cms.get_opt("b"),
            |cm| data(cm) == Some(json!({"k": "b"})),
        )
        .await;
        cms.patch(
            "b",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": ["example.com/hold"]}})),
        )
        .await
        .expect("the ConfigMap of b is held");

        println!("=== delete generator b (foreground): it waits for its ConfigMap");
        gens.delete("b", &DeleteParams::foreground())
            .await
            .expect("b is being deleted");
        until(
            "the ConfigMap of b is being deleted",
            || cms.get_opt("b"),
            |cm| {
                cm.as_ref()
                    .is_some_and(|cm| cm.metadata.deletion_timestamp.is_some())
            },
        )
        .await;
        let waiting = gens.get("b").await.expect("b waits");
        assert!(waiting.metadata.deletion_timestamp.is_some());
        assert_eq!(
            waiting.metadata.finalizers,
            Some(vec!["foregroundDeletion".to_owned()])
        );

        println!("=== release the ConfigMap: it goes, then generator b");
        cms.patch(
            "b",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": null}})),
        )
        .await
        .expect("the ConfigMap of b is released");
        until(
            "the ConfigMap of b goes",
            || cms.get_opt("b"),
            Option::is_none,
        )
        .await;
        until("generator b goes", || gens.get_opt("b"), Option::is_none).await;

        controller.abort();
        server.shutdown().await.expect("stops");
    }
}
