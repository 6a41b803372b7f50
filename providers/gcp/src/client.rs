//! The configured clients one `provider "google"` block shares, and how Google API errors
//! become classified [`GcpError`]s and diagnostics.

use crate::auth::TokenSource;
use crate::jsonapi::JsonApi;
use autostack_provider_sdk::labels::Labels;
use autostack_provider_sdk::ratelimit::AdaptiveRate;
use autostack_provider_sdk::retry::{self, Backoff};
use autostack_provider_sdk::{ApplyError, CloudError, ErrorClass};
use autostack_value::Diagnostic;
use google_cloud_compute_v1::client as compute;
use serde_json::Value as Json;
use std::future::Future;
use std::time::Duration;

/// The Compute Engine clients (one per service, as google-cloud-compute-v1 splits them).
pub struct Compute {
    /// `instances`.
    pub instances: compute::Instances,
    /// `networks`.
    pub networks: compute::Networks,
    /// `subnetworks`.
    pub subnetworks: compute::Subnetworks,
    /// `firewalls`.
    pub firewalls: compute::Firewalls,
    /// `addresses`.
    pub addresses: compute::Addresses,
    /// `disks`.
    pub disks: compute::Disks,
    /// `images`.
    pub images: compute::Images,
    /// `zones`.
    pub zones: compute::Zones,
    /// `zoneOperations`.
    pub zone_ops: compute::ZoneOperations,
    /// `regionOperations`.
    pub region_ops: compute::RegionOperations,
    /// `globalOperations`.
    pub global_ops: compute::GlobalOperations,
}

/// Everything a resource type needs to talk to Google Cloud for one provider block.
pub struct GcpClient {
    /// Compute Engine.
    pub compute: Compute,
    /// Cloud Storage object data (reads, multipart writes).
    pub storage: google_cloud_storage::client::Storage,
    /// Cloud Storage JSON API (buckets, object metadata, listing, deletes) and other JSON
    /// APIs (Resource Manager).
    pub json: JsonApi,
    /// Where tokens come from (`google_client_config.access_token`).
    pub tokens: TokenSource,
    /// The provider's `project` (may be empty: resources then need their own).
    pub project: String,
    /// The provider's `region`.
    pub region: String,
    /// The provider's `zone`.
    pub zone: String,
    /// `labels` / `terraform_labels` / `effective_labels` with `default_labels`.
    pub labels: Labels,
    /// How operations and waiters poll: from ~100 ms, exponential with jitter.
    pub wait: Backoff,
    /// How throttled and transient calls are retried.
    pub retry: Backoff,
    /// The request rate of every call through [`GcpClient::call`] and [`JsonApi`]:
    /// unlimited until Google throttles (429, `rateLimitExceeded`), then adaptive.
    pub rate: std::sync::Arc<AdaptiveRate>,
}

impl GcpClient {
    /// Runs `op` again while it fails with throttling or a transient error, each attempt
    /// paced by [`GcpClient::rate`].
    pub async fn call<T, F, Fut>(&self, op: F) -> Result<T, GcpError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, GcpError>>,
    {
        autostack_provider_sdk::ratelimit::retry_paced(&self.rate, self.retry, op).await
    }

    /// Polls `check` until it returns true (see [`retry::wait_until`]).
    pub async fn wait_until<F, Fut>(&self, what: &str, check: F) -> Result<(), GcpError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<bool, GcpError>>,
    {
        retry::wait_until(self.wait, what, check).await
    }

    /// Deletes with `op`, again while dependent objects are still going away
    /// (`resourceInUseByAnotherResource`, `resourceNotReady`), an object already gone
    /// counting as deleted; a failure is an apply error for `action`.
    pub async fn delete<T, F, Fut>(&self, action: &str, op: F) -> Result<(), ApplyError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, GcpError>>,
    {
        use autostack_provider_sdk::ActionExt;
        let patience = Backoff {
            attempts: 90,
            ..self.wait
        };
        retry::delete(patience, op).await.or_apply(action)
    }

    /// The project of an object: its own `project`, else the provider's.
    pub fn project_of<'a>(&'a self, v: &'a autostack_value::Value) -> &'a str {
        autostack_provider_sdk::attrs::nonempty_str(v, "project").unwrap_or(&self.project)
    }
}

/// How waiters poll: first check after ~100 ms, capped at 2 s apart, for up to ~10 minutes.
pub fn waiter_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_secs(2),
        attempts: 320,
    }
}

/// How calls are retried on throttling and 5xx: jittered exponential backoff from 100 ms,
/// at most 10 s apart, 10 attempts (hashicorp/google retries these for minutes).
pub fn retry_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_secs(10),
        attempts: 10,
    }
}

/// An error from a Google API (or from reaching it): HTTP status, Google's reason and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpError {
    /// The HTTP status (0 when no answer came: connection or deserialization failures).
    pub status: u16,
    /// Google's reason (`notFound`, `rateLimitExceeded`) or an operation's error code
    /// (`RESOURCE_IN_USE_BY_ANOTHER_RESOURCE`), or our own failure kind.
    pub reason: String,
    /// The message.
    pub message: String,
}

impl GcpError {
    /// A failure the provider detects itself.
    pub fn local(reason: &str, message: impl Into<String>) -> GcpError {
        GcpError {
            status: 0,
            reason: reason.into(),
            message: message.into(),
        }
    }

    /// The error of an HTTP answer: Google's envelope `{"error":{"code","message","errors":
    /// [{"reason"}],"status"}}` when the body has it.
    pub fn from_body(status: u16, body: &[u8]) -> GcpError {
        let doc: Json = serde_json::from_slice(body).unwrap_or(Json::Null);
        let err = &doc["error"];
        let reason = err["errors"][0]["reason"]
            .as_str()
            .or_else(|| err["status"].as_str())
            .unwrap_or_default();
        let message = err["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect());
        GcpError {
            status,
            reason: reason.to_string(),
            message,
        }
    }
}

impl From<google_cloud_gax::error::Error> for GcpError {
    fn from(e: google_cloud_gax::error::Error) -> GcpError {
        if let (Some(status), Some(body)) = (e.http_status_code(), e.http_payload()) {
            return GcpError::from_body(status, body);
        }
        if let Some(s) = e.status() {
            let status = e.http_status_code().unwrap_or(0);
            return GcpError {
                status,
                reason: status_reason(s.code.name(), &s.message).to_string(),
                message: s.message.clone(),
            };
        }
        let reason = match () {
            _ if e.is_timeout() => "timeout",
            _ if e.is_connect() || e.is_io() || e.is_transport() => "connectionFailure",
            _ if e.is_authentication() => "authError",
            _ if e.is_deserialization() => "invalidResponse",
            _ => "clientError",
        };
        GcpError::local(reason, error_chain(&e))
    }
}

/// The reason of an error gax parsed into a status. Compute's envelope carries its reason in
/// `errors[0].reason`, which a status has no field for, so Compute's errors arrive as code
/// `UNKNOWN` with only the message left; the messages of the reasons that pass once other
/// operations finish are fixed ("The resource '…' is not ready", "The … resource '…' is
/// already being used by '…'"), and are read back into those reasons.
fn status_reason<'a>(code: &'a str, message: &str) -> &'a str {
    match code {
        "UNKNOWN" if message.ends_with("is not ready") => "resourceNotReady",
        "UNKNOWN" if message.contains("is already being used by") => {
            "resourceInUseByAnotherResource"
        }
        _ => code,
    }
}

/// An error and its causes as one line, each message once.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let m = c.to_string();
        if !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cause = c.source();
    }
    out
}

/// How Google's reasons and codes fall into the SDK's classes (hashicorp/google's retry
/// predicates: 429 and `rateLimitExceeded` are throttling; 5xx, `backendError` and dropped
/// connections are transient; `resourceNotReady`, in-use and fingerprint mismatches pass
/// once other operations finish).
pub fn classify(status: u16, reason: &str) -> ErrorClass {
    const THROTTLED: [&str; 4] = [
        "rateLimitExceeded",
        "userRateLimitExceeded",
        "RESOURCE_EXHAUSTED",
        "quotaExceeded",
    ];
    const CONFLICT: [&str; 6] = [
        "resourceNotReady",
        "RESOURCE_NOT_READY",
        "resourceInUseByAnotherResource",
        "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
        "conditionNotMet",
        "FAILED_PRECONDITION",
    ];
    const TRANSIENT: [&str; 5] = [
        "backendError",
        "internalError",
        "connectionFailure",
        "timeout",
        "UNAVAILABLE",
    ];
    match reason {
        r if THROTTLED.contains(&r) => ErrorClass::Throttled,
        r if CONFLICT.contains(&r) => ErrorClass::Conflict,
        r if TRANSIENT.contains(&r) => ErrorClass::Retryable,
        "notFound" | "NOT_FOUND" => ErrorClass::NotFound,
        // 409 alreadyExists is the caller's mistake, not a conflict to wait out.
        "alreadyExists" | "ALREADY_EXISTS" | "conflict" => ErrorClass::Fatal,
        _ if status == 0 => ErrorClass::Fatal,
        _ => ErrorClass::of_status(status),
    }
}

impl CloudError for GcpError {
    fn class(&self) -> ErrorClass {
        classify(self.status, &self.reason)
    }

    fn timed_out(what: &str) -> GcpError {
        GcpError::local("timeout", format!("timed out waiting for {what}"))
    }

    fn diagnostic(&self, action: &str) -> Diagnostic {
        let code = match self.status {
            0 => self.reason.clone(),
            s => format!("googleapi: Error {s}"),
        };
        let reason = match self.reason.is_empty() {
            true => String::new(),
            false => format!(", {}", self.reason),
        };
        Diagnostic::error(
            format!("Error {action}"),
            format!("{code}: {}{reason}", self.message),
            None,
        )
    }
}

impl std::fmt::Display for GcpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.reason, self.message)
    }
}

/// Converts a Google client result into [`GcpError`].
pub trait GcpResultExt<T> {
    /// Maps the error.
    fn gcp(self) -> Result<T, GcpError>;
}

impl<T> GcpResultExt<T> for Result<T, google_cloud_gax::error::Error> {
    fn gcp(self) -> Result<T, GcpError> {
        self.map_err(GcpError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_errors_fall_into_classes() {
        let table = [
            (404, "notFound", ErrorClass::NotFound),
            (429, "rateLimitExceeded", ErrorClass::Throttled),
            (403, "rateLimitExceeded", ErrorClass::Throttled),
            (400, "resourceNotReady", ErrorClass::Conflict),
            (400, "resourceInUseByAnotherResource", ErrorClass::Conflict),
            (
                0,
                "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
                ErrorClass::Conflict,
            ),
            (412, "conditionNotMet", ErrorClass::Conflict),
            (500, "backendError", ErrorClass::Retryable),
            (503, "", ErrorClass::Retryable),
            (0, "connectionFailure", ErrorClass::Retryable),
            (409, "alreadyExists", ErrorClass::Fatal),
            (400, "invalid", ErrorClass::Fatal),
            (401, "authError", ErrorClass::Fatal),
        ];
        for (status, reason, class) in table {
            assert_eq!(classify(status, reason), class, "{status} {reason}");
        }
        let not_ready = "The resource 'projects/p/global/firewalls/f' is not ready";
        let in_use = "The network resource 'projects/p/global/networks/n' is already being used by 'projects/p/global/firewalls/f'";
        for (message, class) in [
            (not_ready, ErrorClass::Conflict),
            (in_use, ErrorClass::Conflict),
            ("Invalid value", ErrorClass::Fatal),
        ] {
            assert_eq!(
                classify(0, status_reason("UNKNOWN", message)),
                class,
                "{message}"
            );
        }
    }

    #[test]
    fn googles_error_envelope_is_read() {
        let body = br#"{"error":{"code":404,"message":"The resource 'projects/p/global/networks/n' was not found","errors":[{"message":"x","domain":"global","reason":"notFound"}]}}"#;
        let e = GcpError::from_body(404, body);
        assert!(e.is_not_found());
        let d = e.diags("reading Network");
        assert!(
            d.to_string().contains("googleapi: Error 404: The resource"),
            "{d}"
        );
        let plain = GcpError::from_body(502, b"Bad Gateway");
        assert_eq!(plain.class(), ErrorClass::Retryable);
        assert_eq!(plain.message, "Bad Gateway");
    }
}
