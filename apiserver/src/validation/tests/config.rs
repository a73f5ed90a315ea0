use serde_json::{Value, json};

use super::{at, case, cause, remove, run_creates, run_updates};

const CONFIG_MAPS: (&str, &str, &str) = ("", "v1", "configmaps");
const SECRETS: (&str, &str, &str) = ("", "v1", "secrets");

fn config_map() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default"},
        "data": {"app.properties": "a=b"}
    })
}

#[test]
fn config_map_create() {
    run_creates(
        CONFIG_MAPS,
        &config_map(),
        vec![
            case(
                "a key with a space",
                |c| *at(c, "data/a b") = json!("x"),
                vec![cause(
                    "data[a b]",
                    "FieldValueInvalid",
                    "Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                )],
            ),
            case(
                "a key of two dots",
                |c| *at(c, "binaryData/..") = json!("eA=="),
                vec![cause(
                    "binaryData[..]",
                    "FieldValueInvalid",
                    "Invalid value: \"..\": must not be '..'",
                )],
            ),
            case(
                "a key in data and binaryData",
                |c| *at(c, "binaryData/app.properties") = json!("eA=="),
                vec![cause(
                    "data[app.properties]",
                    "FieldValueInvalid",
                    "Invalid value: \"app.properties\": duplicate of key present in binaryData",
                )],
            ),
            case(
                "over a mebibyte",
                |c| *at(c, "data/big") = json!("x".repeat(1024 * 1024)),
                vec![cause(
                    "",
                    "FieldValueTooLong",
                    "Too long: may not be more than 1048576 bytes",
                )],
            ),
        ],
    );
}

#[test]
fn immutable_config_map_update() {
    let mut immutable = config_map();
    *at(&mut immutable, "immutable") = json!(true);
    run_updates(
        CONFIG_MAPS,
        &immutable,
        vec![
            case(
                "labels may change",
                |c| *at(c, "metadata/labels/a") = json!("b"),
                vec![],
            ),
            case(
                "data may not",
                |c| *at(c, "data/app.properties") = json!("a=c"),
                vec![cause(
                    "data",
                    "FieldValueForbidden",
                    "Forbidden: field is immutable when `immutable` is set",
                )],
            ),
            case(
                "nor immutable, nor binaryData",
                |c| {
                    *at(c, "immutable") = json!(false);
                    *at(c, "binaryData/b") = json!("eA==");
                },
                vec![
                    cause(
                        "immutable",
                        "FieldValueForbidden",
                        "Forbidden: field is immutable when `immutable` is set",
                    ),
                    cause(
                        "binaryData",
                        "FieldValueForbidden",
                        "Forbidden: field is immutable when `immutable` is set",
                    ),
                ],
            ),
        ],
    );
}

fn secret() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "default"},
        "data": {"password": "c2VjcmV0"}
    })
}

#[test]
fn secret_create() {
    run_creates(
        SECRETS,
        &secret(),
        vec![
            case(
                "a TLS secret needs its keys",
                |s| *at(s, "type") = json!("kubernetes.io/tls"),
                vec![
                    cause("data[tls.crt]", "FieldValueRequired", "Required value"),
                    cause("data[tls.key]", "FieldValueRequired", "Required value"),
                ],
            ),
            case(
                "basic auth needs a username or a password",
                |s| {
                    *at(s, "type") = json!("kubernetes.io/basic-auth");
                    remove(s, "data/password");
                },
                vec![
                    cause("data[username]", "FieldValueRequired", "Required value"),
                    cause("data[password]", "FieldValueRequired", "Required value"),
                ],
            ),
            case(
                "basic auth with a password only",
                |s| *at(s, "type") = json!("kubernetes.io/basic-auth"),
                vec![],
            ),
            case(
                "ssh auth needs a private key",
                |s| *at(s, "type") = json!("kubernetes.io/ssh-auth"),
                vec![cause(
                    "data[ssh-privatekey]",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "a service account token needs its account",
                |s| *at(s, "type") = json!("kubernetes.io/service-account-token"),
                vec![cause(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "FieldValueRequired",
                    "Required value",
                )],
            ),
            case(
                "a docker config that is not JSON",
                |s| {
                    *at(s, "type") = json!("kubernetes.io/dockerconfigjson");
                    *at(s, "data/.dockerconfigjson") = json!("eA==");
                },
                vec![cause(
                    "data[.dockerconfigjson]",
                    "FieldValueInvalid",
                    "Invalid value: \"<secret contents redacted>\": invalid character 'x' looking for beginning of value",
                )],
            ),
            case(
                "a bad key",
                |s| *at(s, "data/a:b") = json!("eA=="),
                vec![cause(
                    "data[a:b]",
                    "FieldValueInvalid",
                    "Invalid value: \"a:b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                )],
            ),
        ],
    );
}

#[test]
fn secret_update() {
    let mut immutable = secret();
    *at(&mut immutable, "immutable") = json!(true);
    run_updates(
        SECRETS,
        &immutable,
        vec![case(
            "the type is immutable",
            |s| {
                *at(s, "type") = json!("kubernetes.io/tls");
                *at(s, "data") = json!({"tls.crt": "eA==", "tls.key": "eA=="});
            },
            vec![
                cause(
                    "type",
                    "FieldValueInvalid",
                    "Invalid value: \"kubernetes.io/tls\": field is immutable",
                ),
                cause(
                    "data",
                    "FieldValueForbidden",
                    "Forbidden: field is immutable when `immutable` is set",
                ),
            ],
        )],
    );
}
