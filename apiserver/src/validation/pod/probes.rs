//! Probes (`validateProbe` and the liveness/readiness/startup rules) and lifecycle hooks, with
//! `validateHandler` over their actions.

use serde_json::Value;

use super::util::{child, not_supported};
use crate::error::Cause;
use crate::validation::common::{
    get, int_of, list_of, nonnegative, port_num_or_name, str_of, valid_port_num,
};

/// The liveness, readiness and startup probes of a container.
pub fn probes(c: &Value, grace: Option<i64>, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for field in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(probe) = get(c, field) else { continue };
        let p = child(path, field);
        errs.extend(self::probe(probe, grace, &p));
        match field {
            "readinessProbe" => {
                if let Some(seconds) = get(probe, "terminationGracePeriodSeconds") {
                    errs.push(Cause::invalid(
                        &child(&p, "terminationGracePeriodSeconds"),
                        seconds,
                        "must not be set for readinessProbes",
                    ));
                }
            }
            _ => {
                let threshold = int_of(probe, "successThreshold").unwrap_or(0);
                if threshold != 1 {
                    errs.push(Cause::invalid(
                        &child(&p, "successThreshold"),
                        &Value::from(threshold),
                        "must be 1",
                    ));
                }
            }
        }
    }
    errs
}

/// `validateProbe`.
fn probe(probe: &Value, grace: Option<i64>, path: &str) -> Vec<Cause> {
    let mut errs = handler(
        probe,
        &["exec", "httpGet", "tcpSocket", "grpc"],
        grace,
        path,
    );
    for field in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        errs.extend(nonnegative(
            int_of(probe, field).unwrap_or(0),
            &child(path, field),
        ));
    }
    if let Some(seconds) = int_of(probe, "terminationGracePeriodSeconds")
        && seconds <= 0
    {
        errs.push(Cause::invalid(
            &child(path, "terminationGracePeriodSeconds"),
            &Value::from(seconds),
            "must be greater than 0",
        ));
    }
    errs
}

/// `validateLifecycle`.
pub fn lifecycle(lifecycle: &Value, grace: Option<i64>, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    for hook in ["postStart", "preStop"] {
        if let Some(h) = get(lifecycle, hook) {
            errs.extend(handler(
                h,
                &["exec", "httpGet", "tcpSocket", "sleep"],
                grace,
                &child(path, hook),
            ));
        }
    }
    errs
}

/// `validateHandler` over the handler kinds the handler's type has, in kube's order.
fn handler(h: &Value, kinds: &[&str], grace: Option<i64>, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    let mut count = 0;
    for kind in kinds {
        let Some(action) = get(h, kind) else { continue };
        let p = child(path, kind);
        if count > 0 {
            errs.push(Cause::forbidden(
                &p,
                "may not specify more than 1 handler type",
            ));
            continue;
        }
        count += 1;
        match *kind {
            "exec" => {
                if list_of(action, "command").is_empty() {
                    errs.push(Cause::required(&child(&p, "command"), ""));
                }
            }
            "httpGet" => errs.extend(http_get(action, &p)),
            "tcpSocket" => errs.extend(port_num_or_name(get(action, "port"), &child(&p, "port"))),
            "grpc" => errs.extend(valid_port_num(
                int_of(action, "port").unwrap_or(0),
                &child(&p, "port"),
            )),
            _ => {
                let seconds = int_of(action, "seconds").unwrap_or(0);
                if let Some(grace) = grace
                    && (seconds < 0 || seconds > grace)
                {
                    errs.push(Cause::invalid(
                        &p,
                        &Value::from(seconds),
                        &format!(
                            "must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                        ),
                    ));
                }
            }
        }
    }
    if count == 0 {
        errs.push(Cause::required(path, "must specify a handler type"));
    }
    errs
}

/// `validateHTTPGetAction`.
fn http_get(action: &Value, path: &str) -> Vec<Cause> {
    let mut errs = Vec::new();
    if str_of(action, "path").is_empty() {
        errs.push(Cause::required(&child(path, "path"), ""));
    }
    errs.extend(port_num_or_name(get(action, "port"), &child(path, "port")));
    let scheme = str_of(action, "scheme");
    if scheme != "HTTP" && scheme != "HTTPS" {
        errs.push(not_supported(
            &child(path, "scheme"),
            scheme,
            &["HTTP", "HTTPS"],
        ));
    }
    for header in list_of(action, "httpHeaders") {
        let name = str_of(header, "name");
        let valid =
            !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
        if !valid {
            errs.push(Cause::invalid(
                &child(path, "httpHeaders"),
                &Value::from(name),
                "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
            ));
        }
    }
    errs
}
