//! Content negotiation of responses: which representation an `Accept` header asks for.
//!
//! kube-apiserver serves an object as itself (`application/json`), or transformed: as a
//! server-side `Table` (`application/json;as=Table;v=v1;g=meta.k8s.io`, what kubectl asks for
//! first), or as `PartialObjectMetadata` / `PartialObjectMetadataList` (metadata-only
//! clients). The header is a preference-ordered list; the first range the server can produce
//! wins, as in `negotiation.NegotiateOutputMediaType`.
//!
//! Each may be encoded as JSON or as protobuf (`application/vnd.kubernetes.protobuf`), which
//! kube serves for the kinds with generated protobuf types (not custom resources) and for
//! `PartialObjectMetadata(List)` of any kind, never for `Table` (`RequestScope.
//! AllowsMediaTypeTransform`). Errors are negotiated apart ([`error_encoding`]).

use http::{HeaderMap, header};

use crate::error::{ApiError, ApiResult};

/// What a response carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Representation {
    /// The object or list itself.
    Object,
    /// A `meta.k8s.io` Table of the given version (`v1` or `v1beta1`).
    Table(&'static str),
    /// `PartialObjectMetadata` (for an object or a watch) of the given version.
    PartialObjectMetadata(&'static str),
    /// `PartialObjectMetadataList` (for a list) of the given version.
    PartialObjectMetadataList(&'static str),
}

/// How a response body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Json,
    /// `application/vnd.kubernetes.protobuf` (`k8s\0` + `runtime.Unknown`).
    Protobuf,
}

/// The protobuf media type.
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

/// One range of an `Accept` header: the encoding it names (`None`: one we do not serve) and
/// its `as`, `g` and `v` parameters.
struct Range<'a> {
    encoding: Option<Encoding>,
    as_kind: &'a str,
    group: &'a str,
    version: &'a str,
}

fn ranges(accept: &str) -> impl Iterator<Item = Range<'_>> {
    accept.split(',').map(|range| {
        let mut parts = range.split(';').map(str::trim);
        let encoding = match parts.next().unwrap_or("") {
            "application/json" | "application/*" | "*/*" => Some(Encoding::Json),
            PROTOBUF => Some(Encoding::Protobuf),
            _ => None,
        };
        let mut out = Range {
            encoding,
            as_kind: "",
            group: "",
            version: "",
        };
        for param in parts {
            match param.split_once('=') {
                Some(("as", v)) => out.as_kind = v,
                Some(("g", v)) => out.group = v,
                Some(("v", v)) => out.version = v,
                _ => {}
            }
        }
        out
    })
}

fn accept(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|a| !a.trim().is_empty())
}

/// The encoding of an error (`metav1.Status`) for a request whose `Accept` is `headers`, as
/// `responsewriters.ErrorNegotiated` picks it: the first range without `as` that names JSON or
/// protobuf (`DefaultEndpointRestrictions` refuses every transformation), JSON when none does.
pub fn error_encoding(headers: &HeaderMap) -> Encoding {
    accept(headers)
        .and_then(|a| {
            ranges(a)
                .filter(|r| r.as_kind.is_empty())
                .find_map(|r| r.encoding)
        })
        .unwrap_or(Encoding::Json)
}

/// The media types kube-apiserver lists when nothing in `Accept` can be served.
const ACCEPTED: &str = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

/// Picks the representation and its encoding for a request whose `Accept` is `headers`; `list`
/// tells whether the response is a list (where `PartialObjectMetadataList` applies) or not,
/// `protobuf` whether the kind has a protobuf form (a built-in kind).
pub fn negotiate(
    headers: &HeaderMap,
    list: bool,
    protobuf: bool,
) -> ApiResult<(Representation, Encoding)> {
    let Some(accept) = accept(headers) else {
        return Ok((Representation::Object, Encoding::Json));
    };
    for range in ranges(accept) {
        let Some(encoding) = range.encoding else {
            continue;
        };
        if range.as_kind.is_empty() {
            if encoding == Encoding::Protobuf && !protobuf {
                continue;
            }
            return Ok((Representation::Object, encoding));
        }
        if range.group != "meta.k8s.io" {
            continue;
        }
        let version = match range.version {
            "v1" => "v1",
            "v1beta1" => "v1beta1",
            _ => continue,
        };
        match (range.as_kind, list) {
            ("Table", _) if encoding == Encoding::Json => {
                return Ok((Representation::Table(version), encoding));
            }
            ("PartialObjectMetadata", false) => {
                return Ok((Representation::PartialObjectMetadata(version), encoding));
            }
            ("PartialObjectMetadataList", true) => {
                return Ok((Representation::PartialObjectMetadataList(version), encoding));
            }
            _ => {}
        }
    }
    Err(ApiError::NotAcceptable(format!(
        "only the following media types are accepted: {ACCEPTED}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str, list: bool) -> ApiResult<Representation> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, accept.parse().unwrap());
        negotiate(&headers, list, false).map(|(r, _)| r)
    }

    #[test]
    fn first_servable_range_wins() {
        let kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        let cases: &[(&str, bool, Result<Representation, ()>)] = &[
            (kubectl, true, Ok(Representation::Table("v1"))),
            (
                "application/json;as=Table;v=v1beta1;g=meta.k8s.io",
                false,
                Ok(Representation::Table("v1beta1")),
            ),
            ("application/json", true, Ok(Representation::Object)),
            ("*/*", false, Ok(Representation::Object)),
            (
                "application/vnd.kubernetes.protobuf, application/json",
                false,
                Ok(Representation::Object),
            ),
            (
                "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
                true,
                Ok(Representation::PartialObjectMetadataList("v1")),
            ),
            (
                "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
                false,
                Ok(Representation::PartialObjectMetadata("v1")),
            ),
            (
                "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
                true,
                Err(()),
            ),
            (
                "application/json;as=Table;v=v2;g=meta.k8s.io",
                false,
                Err(()),
            ),
            ("application/vnd.kubernetes.protobuf", false, Err(())),
        ];
        for (i, (accept, list, want)) in cases.iter().enumerate() {
            println!("#{i}: {accept} list={list}");
            assert_eq!(pick(accept, *list).map_err(|_| ()), *want, "#{i}");
        }
        assert_eq!(
            pick("text/html", false).unwrap_err().to_string(),
            "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
        );
    }

    #[test]
    fn protobuf_for_built_in_kinds_and_partial_object_metadata_never_for_tables() {
        use Encoding::{Json, Protobuf};
        let client_go = "application/vnd.kubernetes.protobuf, application/json";
        let metadata_client = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
        let table =
            "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json";
        type Case = (
            &'static str,
            bool,
            bool,
            Result<(Representation, Encoding), ()>,
        );
        let cases: &[Case] = &[
            (
                client_go,
                false,
                true,
                Ok((Representation::Object, Protobuf)),
            ),
            // A custom resource: the next range.
            (client_go, false, false, Ok((Representation::Object, Json))),
            ("application/vnd.kubernetes.protobuf", false, false, Err(())),
            (
                metadata_client,
                true,
                false,
                Ok((Representation::PartialObjectMetadataList("v1"), Protobuf)),
            ),
            (table, true, true, Ok((Representation::Object, Json))),
        ];
        for (i, (accept, list, protobuf, want)) in cases.iter().enumerate() {
            println!("#{i}: {accept} list={list} protobuf={protobuf}");
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, accept.parse().unwrap());
            assert_eq!(
                negotiate(&headers, *list, *protobuf).map_err(|_| ()),
                *want,
                "#{i}"
            );
        }
        let errors: &[(&str, Encoding)] = &[
            (client_go, Protobuf),
            ("application/vnd.kubernetes.protobuf", Protobuf),
            (metadata_client, Json),
            (table, Json),
            ("text/html", Json),
        ];
        for (accept, want) in errors {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, accept.parse().unwrap());
            assert_eq!(error_encoding(&headers), *want, "{accept}");
        }
    }
}
