//! Content negotiation of responses: which representation an `Accept` header asks for.
//!
//! kube-apiserver serves an object as itself (`application/json`), or transformed: as a
//! server-side `Table` (`application/json;as=Table;v=v1;g=meta.k8s.io`, what kubectl asks for
//! first), or as `PartialObjectMetadata` / `PartialObjectMetadataList` (metadata-only
//! clients). The header is a preference-ordered list; the first range the server can produce
//! wins, as in `negotiation.NegotiateOutputMediaType`.

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

/// The media types kube-apiserver lists when nothing in `Accept` can be served.
const ACCEPTED: &str = "application/json, application/yaml, application/vnd.kubernetes.protobuf";

/// Picks the representation for a request whose `Accept` is `headers`; `list` tells whether
/// the response is a list (where `PartialObjectMetadataList` applies) or not.
pub fn representation(headers: &HeaderMap, list: bool) -> ApiResult<Representation> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Representation::Object);
    };
    if accept.trim().is_empty() {
        return Ok(Representation::Object);
    }
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("");
        let (mut as_kind, mut group, mut version) = ("", "", "");
        for param in parts {
            match param.split_once('=') {
                Some(("as", v)) => as_kind = v,
                Some(("g", v)) => group = v,
                Some(("v", v)) => version = v,
                _ => {}
            }
        }
        if !matches!(media, "application/json" | "application/*" | "*/*") {
            continue;
        }
        if as_kind.is_empty() {
            return Ok(Representation::Object);
        }
        if group != "meta.k8s.io" {
            continue;
        }
        let version = match version {
            "v1" => "v1",
            "v1beta1" => "v1beta1",
            _ => continue,
        };
        match (as_kind, list) {
            ("Table", _) => return Ok(Representation::Table(version)),
            ("PartialObjectMetadata", false) => {
                return Ok(Representation::PartialObjectMetadata(version));
            }
            ("PartialObjectMetadataList", true) => {
                return Ok(Representation::PartialObjectMetadataList(version));
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
        representation(&headers, list)
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
}
