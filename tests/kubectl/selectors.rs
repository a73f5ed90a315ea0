//! `kubectl get -l` and `--field-selector`: what matches, and how bad selectors are refused.

use super::{configmap, documents, each_kubectl, lines, texts};

/// web{app=web,tier=front}, db{app=db,tier=back}, cache{app=cache}, bare{}.
fn create_labelled(k: &super::Kubectl) {
    k.create(
        "labelled.yaml",
        &documents(&[
            configmap("web", &[("app", "web"), ("tier", "front")]),
            configmap("db", &[("app", "db"), ("tier", "back")]),
            configmap("cache", &[("app", "cache")]),
            configmap("bare", &[]),
        ]),
    );
}

#[test]
fn get_with_label_selectors() {
    let cases: &[(&str, &[&str])] = &[
        ("app=web", &["web"]),
        ("app==web", &["web"]),
        ("app!=web", &["bare", "cache", "db"]),
        ("app in (web,db)", &["db", "web"]),
        ("app notin (web,db)", &["bare", "cache"]),
        ("!tier", &["bare", "cache"]),
        ("tier", &["db", "web"]),
        ("app,!tier", &["cache"]),
        ("app=db,tier=back", &["db"]),
        ("app=db,tier=front", &[]),
        ("app=", &[]),
        ("missing", &[]),
    ];
    each_kubectl(|k| {
        create_labelled(k);
        for (i, (selector, names)) in cases.iter().enumerate() {
            k.say(&format!("#{i}: get cm -l {selector:?}"));
            let expected: Vec<String> = names.iter().map(|n| format!("configmap/{n}")).collect();
            let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
            assert_eq!(
                k.ok(&["get", "cm", "-l", selector, "-o", "name"]),
                lines(&expected),
                "selector {selector:?}"
            );
        }
    });
}

#[test]
fn get_with_bad_label_selector_is_bad_request() {
    let cases: &[(&str, &str)] = &[
        (
            "app in web",
            "unable to parse requirement: found 'web' expected: '('",
        ),
        ("app=a b", "found 'b', expected: ',' or 'end of string'"),
        ("app=web,,", "found ',', expected: identifier after ','"),
    ];
    each_kubectl(|k| {
        for (i, (selector, why)) in cases.iter().enumerate() {
            k.say(&format!("#{i}: get cm -l {selector:?}"));
            assert_eq!(
                k.fails(&["get", "cm", "-l", selector]),
                format!(
                    "Error from server (BadRequest): Unable to find \"/v1, Resource=configmaps\" \
                     that match label selector \"{selector}\", field selector \"\": {why}\n"
                ),
                "selector {selector:?}"
            );
        }
    });
}

#[test]
fn get_with_field_selectors() {
    each_kubectl(|k| {
        create_labelled(k);
        k.create(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
        );

        k.say("get cm --field-selector metadata.name=db");
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "--field-selector",
                "metadata.name=db",
                "-o",
                "name"
            ]),
            "configmap/db\n"
        );
        k.say("get cm --field-selector metadata.name!=db");
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "--field-selector",
                "metadata.name!=db",
                "-o",
                "name"
            ]),
            lines(&["configmap/bare", "configmap/cache", "configmap/web"])
        );
        k.say("get cm -A --field-selector metadata.namespace=default,metadata.name=web");
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "-A",
                "--field-selector",
                "metadata.namespace=default,metadata.name=web",
                "-o",
                "name",
            ]),
            "configmap/web\n"
        );
        k.say("get cm -l tier --field-selector metadata.name=web");
        assert_eq!(
            k.ok(&[
                "get",
                "cm",
                "-l",
                "tier",
                "--field-selector",
                "metadata.name=web",
                "-o",
                "name",
            ]),
            "configmap/web\n"
        );

        k.say("get pods --field-selector status.phase=Pending");
        assert_eq!(
            k.ok(&[
                "get",
                "pods",
                "--field-selector",
                "status.phase=Pending",
                "-o",
                "name"
            ]),
            "pod/p\n"
        );
        k.say("get pods --field-selector status.phase=Running");
        let out = k.run(&["get", "pods", "--field-selector", "status.phase=Running"]);
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(stderr, "No resources found in default namespace.\n");
    });
}

#[test]
fn get_with_unsupported_field_selector_is_bad_request() {
    each_kubectl(|k| {
        k.say("get cm --field-selector spec.x=1");
        assert_eq!(
            k.fails(&["get", "cm", "--field-selector", "spec.x=1"]),
            "Error from server (BadRequest): Unable to find \"/v1, Resource=configmaps\" that \
             match label selector \"\", field selector \"spec.x=1\": \"spec.x\" is not a known \
             field selector: only \"metadata.name\", \"metadata.namespace\"\n"
        );
        k.say("get pods --field-selector spec.foo=1");
        assert_eq!(
            k.fails(&["get", "pods", "--field-selector", "spec.foo=1"]),
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match \
             label selector \"\", field selector \"spec.foo=1\": field label not supported: \
             spec.foo\n"
        );
    });
}
