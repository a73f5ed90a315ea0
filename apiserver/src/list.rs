//! List: options, selectors, pagination and the list body, assembled from stored bytes.
//!
//! Semantics follow kube-apiserver's `ListOptions` (`resourceVersion` "" / "0" / N with
//! `resourceVersionMatch` Exact or NotOlderThan, `limit` / `continue`): a paginated list reads
//! every page at the revision of its first page, so the pages form one consistent snapshot; the
//! continue token carries that revision and the last key, and answers 410 Expired once the
//! revision has been compacted away.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use kubemem_store::{KeyValue, RangeEnd, RangeRequest, StoreError};

use crate::backend::BackendError;
use serde::Deserialize;
use serde_json::Value;

use crate::catalog::{self, FieldLabelError, FieldValueKind};
use crate::error::{ApiError, ApiResult, Cause};
use crate::field_selector::FieldSelector;
use crate::kinds::Kind;
use crate::label_selector::LabelSelector;
use crate::object;
use crate::registry::Registry;

/// `inconsistentContinue` of the etcd3 storage.
const CONTINUE_EXPIRED: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/// How long a read waits for a `resourceVersion` newer than the store before answering 504.
const TOO_LARGE_WAIT: Duration = Duration::from_secs(3);

/// The query of a list or watch request, as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    pub limit: Option<String>,
    #[serde(rename = "continue")]
    pub continue_token: Option<String>,
    pub resource_version: Option<String>,
    pub resource_version_match: Option<String>,
    pub watch: Option<String>,
    pub allow_watch_bookmarks: Option<String>,
    pub send_initial_events: Option<String>,
    pub timeout_seconds: Option<String>,
}

/// How a list or watch picks the revision it reads at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAt {
    /// `resourceVersion` unset: the newest state.
    Latest,
    /// `resourceVersion=0`: any state (we serve the newest).
    Any,
    /// `resourceVersion=N` (NotOlderThan): at least N.
    NotOlderThan(i64),
    /// `resourceVersion=N&resourceVersionMatch=Exact`.
    Exact(i64),
}

/// Parsed and validated list options.
#[derive(Debug)]
pub struct ListOptions {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub limit: usize,
    pub continue_from: Option<(i64, String)>,
    pub read_at: ReadAt,
    pub bookmarks: bool,
    pub send_initial_events: Option<bool>,
    pub timeout: Option<Duration>,
}

fn truthy(v: &Option<String>) -> bool {
    matches!(
        v.as_deref(),
        Some("1" | "true" | "True" | "TRUE" | "t" | "T")
    )
}

fn parse_bool(name: &str, v: &Option<String>) -> ApiResult<Option<bool>> {
    match v.as_deref() {
        None => Ok(None),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(Some(true)),
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(Some(false)),
        Some(other) => Err(ApiError::BadRequest(format!(
            "strconv.ParseBool: parsing \"{other}\": invalid syntax for {name}"
        ))),
    }
}

impl ListOptions {
    /// Parses and validates the query as `ValidateListOptions` does.
    pub fn parse(q: &ListQuery, kind: &Kind) -> ApiResult<Self> {
        let label_raw = q.label_selector.as_deref().unwrap_or("");
        let field_raw = q.field_selector.as_deref().unwrap_or("");
        let labels = crate::label_selector::parse(label_raw).map_err(ApiError::BadRequest)?;
        let fields = crate::field_selector::parse(field_raw).map_err(ApiError::BadRequest)?;
        let fields = canonical_fields(kind, &fields).map_err(ApiError::BadRequest)?;
        let limit = match q.limit.as_deref() {
            None | Some("") => 0,
            Some(s) => s.parse::<i64>().map_err(|_| {
                ApiError::BadRequest(format!("strconv.ParseInt: parsing \"{s}\": invalid syntax"))
            })?,
        };
        let watch = truthy(&q.watch);
        let send_initial_events = parse_bool("sendInitialEvents", &q.send_initial_events)?;
        let rv = q.resource_version.as_deref().unwrap_or("");
        let rv_match = q.resource_version_match.as_deref().unwrap_or("");
        let continue_token = q.continue_token.as_deref().unwrap_or("");
        let causes = validate(watch, rv, rv_match, continue_token, send_initial_events);
        if !causes.is_empty() {
            return Err(ApiError::Invalid {
                group: "meta.k8s.io".into(),
                kind: "ListOptions".into(),
                name: String::new(),
                causes,
            });
        }
        let revision = match rv {
            "" => None,
            s => Some(s.parse::<u64>().map_err(|_| {
                ApiError::BadRequest(format!(
                    "invalid resource version: resourceVersion: Invalid value: {s:?}: strconv.ParseUint: parsing {s:?}: invalid syntax"
                ))
            })? as i64),
        };
        let read_at = match (revision, rv_match) {
            (None, _) => ReadAt::Latest,
            (Some(0), _) => ReadAt::Any,
            (Some(n), "Exact") => ReadAt::Exact(n),
            (Some(n), _) => ReadAt::NotOlderThan(n),
        };
        let continue_from = if continue_token.is_empty() {
            None
        } else {
            if revision.is_some_and(|r| r != 0) {
                return Err(ApiError::BadRequest(
                    "specifying resource version is not allowed when using continue".into(),
                ));
            }
            Some(decode_continue(continue_token)?)
        };
        let timeout = match q.timeout_seconds.as_deref() {
            None | Some("") => None,
            Some(s) => Some(Duration::from_secs(s.parse::<u64>().map_err(|_| {
                ApiError::BadRequest(format!("strconv.ParseInt: parsing \"{s}\": invalid syntax"))
            })?)),
        };
        Ok(Self {
            labels,
            fields,
            limit: usize::try_from(limit).unwrap_or(0),
            continue_from,
            read_at,
            bookmarks: truthy(&q.allow_watch_bookmarks),
            send_initial_events,
            timeout,
        })
    }

    /// Whether an object passes the label and field selectors.
    pub fn matches(&self, kind: &Kind, stored: &[u8]) -> bool {
        if self.labels.is_empty() && self.fields.is_empty() {
            return true;
        }
        let Ok(obj) = serde_json::from_slice::<Value>(object::json(stored)) else {
            return false;
        };
        let labels = obj.get("metadata").and_then(|m| m.get("labels"));
        self.labels
            .matches(|key| labels.and_then(|l| l.get(key)).and_then(Value::as_str))
            && self.fields.matches(|field| field_value(kind, &obj, field))
    }

    fn filters(&self) -> bool {
        !(self.labels.is_empty() && self.fields.is_empty())
    }
}

/// `ValidateListOptions` / `validateWatchOptions` of `apiserver/pkg/apis/meta/internalversion`.
fn validate(
    watch: bool,
    rv: &str,
    rv_match: &str,
    continue_token: &str,
    send_initial_events: Option<bool>,
) -> Vec<Cause> {
    let mut causes = Vec::new();
    let field = "resourceVersionMatch";
    let not_supported = |supported: &[&str]| {
        Cause::not_supported(field, &Value::String(rv_match.into()), supported)
    };
    if watch {
        if send_initial_events.is_some() && rv_match != "NotOlderThan" {
            causes.push(Cause::forbidden(
                field,
                "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
            ));
        }
        if !rv_match.is_empty() {
            if send_initial_events.is_none() {
                causes.push(Cause::forbidden(
                    field,
                    "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                ));
            }
            if rv_match != "NotOlderThan" {
                causes.push(not_supported(&["NotOlderThan"]));
            }
            if !continue_token.is_empty() {
                causes.push(Cause::forbidden(
                    field,
                    "resourceVersionMatch is forbidden when continue is provided",
                ));
            }
        }
        return causes;
    }
    if !rv_match.is_empty() {
        if rv.is_empty() {
            causes.push(Cause::forbidden(
                field,
                "resourceVersionMatch is forbidden unless resourceVersion is provided",
            ));
        }
        if !continue_token.is_empty() {
            causes.push(Cause::forbidden(
                field,
                "resourceVersionMatch is forbidden when continue is provided",
            ));
        }
        if rv_match != "Exact" && rv_match != "NotOlderThan" {
            causes.push(not_supported(&["Exact", "NotOlderThan", ""]));
        }
        if rv_match == "Exact" && rv == "0" {
            causes.push(Cause::forbidden(
                field,
                "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
            ));
        }
    }
    if send_initial_events.is_some() {
        causes.push(Cause::forbidden(
            "sendInitialEvents",
            "sendInitialEvents is forbidden for list",
        ));
    }
    causes
}

/// Checks the field labels of a selector the way the kind's field label conversion does, and
/// renames aliases (pods' `spec.host`) to the labels they stand for.
fn canonical_fields(kind: &Kind, fields: &FieldSelector) -> Result<FieldSelector, String> {
    let spec = catalog::field_selector_spec(kind.info.group, kind.info.resource);
    fields.transform(|field, value| {
        let canonical = spec
            .and_then(|s| s.aliases.iter().find(|(alias, _)| *alias == field))
            .map_or(field, |(_, canonical)| *canonical);
        let accepted = canonical == "metadata.name"
            || (canonical == "metadata.namespace"
                && spec.is_none_or(|s| s.accepts_metadata_namespace))
            || kind.info.field_selectors.contains(&field);
        if accepted {
            Ok((canonical.to_owned(), value.to_owned()))
        } else if kind.custom.is_some() && !kind.info.field_selectors.is_empty() {
            Err(format!("field label not supported: {field}"))
        } else {
            Err(spec
                .map_or(FieldLabelError::DefaultMeta, |s| s.error)
                .message(field))
        }
    })
}

/// The value of a (canonical) field label on an object, as the kind's `ToSelectableFields`
/// computes it; labels that are accepted but carry no value read as "".
pub fn field_value(kind: &Kind, obj: &Value, field: &str) -> Option<String> {
    let at = |path: &str| -> Option<&Value> {
        path.split('.').try_fold(obj, |v, segment| v.get(segment))
    };
    let text = |v: Option<&Value>| -> Option<String> {
        v.and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        })
    };
    match field {
        "metadata.name" | "metadata.namespace" => return text(at(field)),
        _ => {}
    }
    if kind.custom.is_some() {
        return kind
            .info
            .field_selectors
            .contains(&field)
            .then(|| text(at(field)).unwrap_or_default());
    }
    let spec = catalog::field_selector_spec(kind.info.group, kind.info.resource)?;
    let selectable = spec.selectable.iter().find(|s| s.label == field)?;
    Some(match selectable.kind {
        FieldValueKind::Str => text(at(selectable.json_path))
            .filter(|s| !s.is_empty())
            .or_else(|| {
                (!selectable.fallback_json_path.is_empty())
                    .then(|| text(at(selectable.fallback_json_path)))
                    .flatten()
            })
            .unwrap_or_default(),
        FieldValueKind::Bool => at(selectable.json_path)
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .to_string(),
        FieldValueKind::Int => at(selectable.json_path)
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .to_string(),
    })
}

/// The continue token of the etcd3 storage: base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":K}`
/// where K is the last key returned, relative to the list prefix, followed by a NUL byte.
pub fn encode_continue(revision: i64, last_key_in_prefix: &str) -> String {
    let token = serde_json::json!({
        "v": "meta.k8s.io/v1",
        "rv": revision,
        "start": format!("{last_key_in_prefix}\u{0}"),
    });
    URL_SAFE_NO_PAD.encode(token.to_string())
}

fn decode_continue(token: &str) -> ApiResult<(i64, String)> {
    const GENERIC: &str = "continue key is not valid";
    let invalid = |why: String| ApiError::BadRequest(format!("invalid continue token: {why}"));
    let raw = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|e| invalid(format!("{GENERIC}: {e}")))?;
    #[derive(Deserialize)]
    struct Token {
        #[serde(default)]
        v: String,
        #[serde(default)]
        rv: i64,
        #[serde(default)]
        start: String,
    }
    let t: Token = serde_json::from_slice(&raw).map_err(|e| invalid(format!("{GENERIC}: {e}")))?;
    if t.v != "meta.k8s.io/v1" {
        return Err(invalid(format!(
            "{GENERIC}: server does not recognize this encoded version {}",
            t.v
        )));
    }
    if t.rv == 0 {
        return Err(invalid(format!(
            "{GENERIC}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        )));
    }
    if t.start.is_empty() {
        return Err(invalid(format!(
            "{GENERIC}: encoded start key empty (version meta.k8s.io/v1)"
        )));
    }
    let start = t.start.strip_suffix('\u{0}').unwrap_or(&t.start).to_owned();
    if start.split('/').any(|seg| seg == ".." || seg == ".") || start.starts_with('/') {
        return Err(invalid(format!("{GENERIC}: {}", t.start)));
    }
    Ok((t.rv, start))
}

/// Waits until the store has reached `revision`, or answers kube-apiserver's 504.
pub async fn wait_for_revision(registry: &Registry, revision: i64) -> ApiResult<()> {
    let backend = registry.backend();
    if tokio::time::timeout(TOO_LARGE_WAIT, backend.wait_for_revision(revision))
        .await
        .is_ok()
    {
        return Ok(());
    }
    Err(ApiError::Timeout {
        message: format!(
            "Too large resource version: {revision}, current: {}",
            backend.current_revision()
        ),
        retry_after_seconds: 1,
    })
}

/// One page of a list: matching items, the revision read at, and what is left.
pub struct Page {
    pub items: Vec<KeyValue>,
    pub revision: i64,
    pub continue_token: Option<String>,
    pub remaining: Option<i64>,
}

/// Reads one page of `kind` in `namespace` as `opts` asks.
pub async fn read_page(
    registry: &Registry,
    kind: &Kind,
    namespace: Option<&str>,
    opts: &ListOptions,
) -> ApiResult<Page> {
    let prefix = kind.list_prefix(namespace);
    let (revision, mut after) = match (&opts.continue_from, opts.read_at) {
        (Some((rv, start)), _) => ((*rv).max(0), Some(format!("{prefix}{start}"))),
        (None, ReadAt::Exact(n)) => {
            wait_for_revision(registry, n).await?;
            (n, None)
        }
        (None, ReadAt::NotOlderThan(n)) => {
            wait_for_revision(registry, n).await?;
            (0, None)
        }
        (None, ReadAt::Latest | ReadAt::Any) => (0, None),
    };
    let mut items = Vec::new();
    let mut read_revision = revision;
    loop {
        let want = if opts.limit == 0 {
            0
        } else {
            opts.limit - items.len()
        };
        let response = registry
            .backend()
            .range(RangeRequest {
                key: Bytes::copy_from_slice(prefix.as_bytes()),
                end: RangeEnd::Prefix,
                revision: read_revision,
                limit: want,
                after: after.as_ref().map(|a| Bytes::copy_from_slice(a.as_bytes())),
                count_only: false,
            })
            .await
            .map_err(|e| match e {
                BackendError::Store(StoreError::Compacted { .. }) => match &opts.continue_from {
                    Some((_, start)) => ApiError::ContinueExpired {
                        message: CONTINUE_EXPIRED.into(),
                        continue_token: encode_continue(-1, start),
                    },
                    None => ApiError::Expired(
                        "The resourceVersion for the provided list is too old.".into(),
                    ),
                },
                other => ApiError::from(other),
            })?;
        read_revision = response.revision;
        let returned = response.kvs.len();
        let last_key = response.kvs.last().map(|kv| kv.key.clone());
        items.extend(
            response
                .kvs
                .into_iter()
                .filter(|kv| opts.matches(kind, &kv.value)),
        );
        let full = opts.limit != 0 && items.len() >= opts.limit;
        if !response.more || opts.limit == 0 || returned == 0 || full {
            let continue_token = match (&last_key, response.more) {
                (Some(key), true) if opts.limit != 0 => {
                    let relative = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
                    Some(encode_continue(read_revision, &relative))
                }
                _ => None,
            };
            let remaining = (continue_token.is_some() && !opts.filters())
                .then(|| (response.count as i64) - (returned as i64))
                .filter(|r| *r > 0);
            return Ok(Page {
                items,
                revision: read_revision,
                continue_token,
                remaining,
            });
        }
        after = last_key.map(|k| String::from_utf8_lossy(&k).into_owned());
    }
}

/// The JSON body of a list: `{"kind":"<Kind>List","apiVersion":..,"metadata":{..},"items":[..]}`.
pub fn list_body(kind: &Kind, page: &Page) -> Vec<u8> {
    let api_version = kind.api_version();
    let size: usize = page.items.iter().map(|kv| kv.value.len() + 32).sum();
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(b"{\"kind\":\"");
    out.extend_from_slice(kind.info.kind.as_bytes());
    out.extend_from_slice(b"List\",\"apiVersion\":\"");
    out.extend_from_slice(api_version.as_bytes());
    out.extend_from_slice(b"\",\"metadata\":{\"resourceVersion\":\"");
    out.extend_from_slice(page.revision.to_string().as_bytes());
    out.push(b'"');
    if let Some(token) = &page.continue_token {
        out.extend_from_slice(b",\"continue\":\"");
        out.extend_from_slice(token.as_bytes());
        out.push(b'"');
    }
    if let Some(remaining) = page.remaining {
        out.extend_from_slice(b",\"remainingItemCount\":");
        out.extend_from_slice(remaining.to_string().as_bytes());
    }
    out.extend_from_slice(b"},\"items\":[");
    for (i, kv) in page.items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        kind.write_served(&kv.value, kv.mod_revision, true, &mut out);
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_token_round_trips_and_matches_kube_format() {
        let token = encode_continue(42, "ns/name");
        let raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        assert_eq!(
            String::from_utf8(raw).unwrap(),
            "{\"v\":\"meta.k8s.io/v1\",\"rv\":42,\"start\":\"ns/name\\u0000\"}"
        );
        assert_eq!(decode_continue(&token).unwrap(), (42, "ns/name".to_owned()));
        assert!(matches!(
            decode_continue("!!!"),
            Err(ApiError::BadRequest(_))
        ));
    }

    fn kind(group: &str, resource: &str) -> Kind {
        let info = catalog::RESOURCES
            .iter()
            .find(|r| r.group == group && r.resource == resource)
            .expect("in the catalog");
        Kind::new(info)
    }

    #[test]
    fn field_labels_are_checked_and_renamed_per_kind() {
        let cases: &[(&str, &str, &str, Result<&str, &str>)] = &[
            ("", "pods", "spec.host=n1", Ok("spec.nodeName")),
            ("", "pods", "status.phase=Running", Ok("status.phase")),
            (
                "",
                "pods",
                "spec.foo=1",
                Err("field label not supported: spec.foo"),
            ),
            (
                "",
                "configmaps",
                "metadata.namespace=x",
                Ok("metadata.namespace"),
            ),
            (
                "",
                "configmaps",
                "data.x=1",
                Err(
                    "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                ),
            ),
            (
                "",
                "nodes",
                "metadata.namespace=x",
                Err("field label not supported: metadata.namespace"),
            ),
            (
                "batch",
                "jobs",
                "status.active=1",
                Err("field label \"status.active\" not supported for batchv1.Job"),
            ),
            (
                "apps",
                "replicasets",
                "status.replicas=1",
                Err(
                    "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                ),
            ),
        ];
        for (i, (group, resource, selector, want)) in cases.iter().enumerate() {
            println!("#{i}: {group}/{resource} {selector}");
            let parsed = crate::field_selector::parse(selector).expect("parses");
            let got = canonical_fields(&kind(group, resource), &parsed);
            match (got, want) {
                (Ok(sel), Ok(field)) => assert!(
                    sel.matches(|f| (f == *field).then(|| selector
                        .split('=')
                        .nth(1)
                        .unwrap_or("")
                        .to_owned())),
                    "#{i}: renamed to {field}"
                ),
                (Err(e), Err(message)) => assert_eq!(e, *message, "#{i}"),
                (got, want) => panic!("#{i}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn field_values_follow_to_selectable_fields() {
        let pod = serde_json::json!({"metadata": {"name": "p", "namespace": "ns"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}});
        let pods = kind("", "pods");
        assert_eq!(
            field_value(&pods, &pod, "spec.nodeName").as_deref(),
            Some("n1")
        );
        assert_eq!(
            field_value(&pods, &pod, "spec.hostNetwork").as_deref(),
            Some("false")
        );
        assert_eq!(
            field_value(&pods, &pod, "metadata.namespace").as_deref(),
            Some("ns")
        );
        let job = serde_json::json!({"status": {"succeeded": 3}});
        assert_eq!(
            field_value(&kind("batch", "jobs"), &job, "status.successful").as_deref(),
            Some("3")
        );
    }

    #[test]
    fn list_option_validation_messages() {
        type Case<'a> = (bool, &'a str, &'a str, &'a str, Option<bool>, &'a [&'a str]);
        let cases: &[Case] = &[
            (
                false,
                "",
                "Exact",
                "",
                None,
                &[
                    "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
                ],
            ),
            (
                false,
                "0",
                "Exact",
                "",
                None,
                &[
                    "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                ],
            ),
            (
                false,
                "5",
                "Newest",
                "",
                None,
                &[
                    "resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"",
                ],
            ),
            (
                false,
                "",
                "",
                "",
                Some(true),
                &["sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"],
            ),
            (
                true,
                "",
                "",
                "",
                Some(true),
                &[
                    "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                ],
            ),
            (
                true,
                "",
                "NotOlderThan",
                "",
                None,
                &[
                    "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                ],
            ),
            (true, "", "NotOlderThan", "", Some(true), &[]),
            (false, "5", "NotOlderThan", "", None, &[]),
        ];
        for (i, (watch, rv, m, c, sie, want)) in cases.iter().enumerate() {
            let got: Vec<String> = validate(*watch, rv, m, c, *sie)
                .into_iter()
                .map(|c| c.full())
                .collect();
            assert_eq!(got, *want, "#{i}: watch={watch} rv={rv:?} match={m:?}");
        }
    }
}
