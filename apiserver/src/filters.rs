//! What kube-apiserver's handler chain adds to every response (`DefaultBuildHandlerChain`):
//! `Audit-Id` (the request's, or a new UUID), `Cache-Control: no-cache, private` unless the
//! handler set one, and pretty-printed JSON for `?pretty=true` or a curl / wget / browser
//! User-Agent (`negotiation.isPrettyPrint`). Streams (watches) are never re-indented.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, header};
use http_body::Body as _;
use http_body_util::BodyExt;

const AUDIT_ID: &str = "audit-id";

/// `isPrettyPrint`: `?pretty=` wins; otherwise the User-Agent decides.
fn is_pretty(request: &Request) -> bool {
    if let Some(query) = request.uri().query()
        && query.contains("pretty")
    {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("pretty=")
                && !value.is_empty()
            {
                return matches!(value, "1" | "t" | "T" | "true" | "TRUE" | "True");
            }
        }
    }
    request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ua| {
            ua.starts_with("curl") || ua.starts_with("Wget") || ua.starts_with("Mozilla/5.0")
        })
}

pub async fn response_headers(request: Request, next: Next) -> Response {
    let pretty = is_pretty(&request);
    let audit_id = request.headers().get(AUDIT_ID).cloned().unwrap_or_else(|| {
        HeaderValue::from_str(&crate::uid::new_v4().to_string())
            .unwrap_or(HeaderValue::from_static("0"))
    });
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(AUDIT_ID, audit_id);
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache, private"),
        );
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/json");
    if pretty && is_json && response.body().size_hint().exact().is_some() {
        return indent(response).await;
    }
    response
}

/// Re-encodes a complete JSON body with `json.MarshalIndent(v, "", "  ")` (no trailing
/// newline, as kube-apiserver's pretty encoder writes it).
async fn indent(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await else {
        return Response::from_parts(parts, Body::empty());
    };
    let bytes = collected.to_bytes();
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => {
            let pretty = crate::json::to_vec_pretty(&value);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(pretty))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}
