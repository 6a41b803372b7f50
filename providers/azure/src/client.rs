//! The configured Azure Resource Manager client one provider block shares: bearer tokens from
//! azure_identity's credential, requests through azure_core's HTTP client, transient failures
//! retried, every request paced by an adaptive rate limiter (slower while ARM throttles,
//! faster again after), and ARM's errors classified for the SDK's retry and wait helpers.
//! Long-running operations are followed in [`crate::lro`].

use crate::config::Features;
use autostack_provider_sdk::ratelimit::{self, AdaptiveRate};
use autostack_provider_sdk::retry::Backoff;
use autostack_provider_sdk::{CloudError, ErrorClass};
use autostack_value::Diagnostic;
use azure_core::auth::TokenCredential;
use azure_core::headers::{HeaderName, Headers};
use azure_core::{HttpClient, Method, Request, Url};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest a `Retry-After` is honoured: ARM asks for 10–60 s, most operations finish
/// far sooner, and the backoff below it keeps polling cheap.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(5);

/// Everything a resource type needs to talk to ARM for one provider block.
pub struct AzureClient {
    /// The HTTP client (azure_core's, on reqwest with rustls).
    pub http: Arc<dyn HttpClient>,
    /// Where tokens come from (azure_identity's client-secret flow).
    pub credential: Arc<dyn TokenCredential>,
    /// The Resource Manager endpoint, without a trailing slash.
    pub endpoint: String,
    /// The token scope (`{resource manager audience}/.default`).
    pub scope: String,
    /// The subscription every resource is created in.
    pub subscription_id: String,
    /// The tenant the credential authenticates in.
    pub tenant_id: String,
    /// The client (application) ID of the credential.
    pub client_id: String,
    /// The object ID of the credential's principal (from its token).
    pub object_id: String,
    /// The `features {}` block.
    pub features: Features,
    /// How waiters and retries pace themselves (from ~100 ms, capped).
    pub wait: Backoff,
    /// The request rate: unlimited until ARM throttles (429), then adaptive.
    pub rate: AdaptiveRate,
    /// Serializes changes to one VM's data disks (ARM rejects concurrent PUTs of a VM).
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Objects read since the last change made through this client, by lower-cased ID:
    /// reads that need an object another type's refresh just read (a VM's NICs, the VM of a
    /// disk attachment) take it from here. Any change empties it.
    seen: Mutex<HashMap<String, Json>>,
    /// Bumped when a change starts and when it ends; a read overlapping one is not kept.
    generation: std::sync::atomic::AtomicU64,
    /// Changes in progress (a PUT and its operation, a delete until 404).
    changing: std::sync::atomic::AtomicU64,
    /// The portable firewalls (network security group IDs, lower-cased) whose rules this
    /// run's plan changes: an instance that unions their rules is planned to change with them.
    firewall_changes: Mutex<std::collections::HashSet<String>>,
}

/// A change in progress through an [`AzureClient`] (see [`AzureClient::changing`]).
pub struct Changing<'a>(&'a AzureClient);

impl Drop for Changing<'_> {
    fn drop(&mut self) {
        use std::sync::atomic::Ordering::SeqCst;
        self.0.generation.fetch_add(1, SeqCst);
        self.0.changing.fetch_sub(1, SeqCst);
    }
}

/// An answer from ARM: status, the headers the async protocol reads, and the JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// `Azure-AsyncOperation`, when sent.
    pub async_operation: Option<String>,
    /// `Location`, when sent.
    pub location: Option<String>,
    /// `Retry-After` in seconds, when sent.
    pub retry_after: Option<Duration>,
    /// The body (`Null` when empty).
    pub body: Json,
}

impl AzureClient {
    /// A client for `endpoint` with a credential and subscription.
    pub fn new(parts: ClientParts) -> AzureClient {
        AzureClient {
            http: parts.http,
            credential: parts.credential,
            endpoint: parts.endpoint.trim_end_matches('/').to_string(),
            scope: parts.scope,
            subscription_id: parts.subscription_id,
            tenant_id: parts.tenant_id,
            client_id: parts.client_id,
            object_id: String::new(),
            features: parts.features,
            wait: waiter_backoff(),
            rate: AdaptiveRate::default(),
            locks: Mutex::new(HashMap::new()),
            firewall_changes: Mutex::new(Default::default()),
            seen: Mutex::new(HashMap::new()),
            generation: Default::default(),
            changing: Default::default(),
        }
    }

    /// The absolute URL of an ARM path (`/subscriptions/...`) with `api-version`; an absolute
    /// URL (a `nextLink`, a polling URL) is taken as it is.
    pub fn url(&self, path: &str, api_version: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            return path.to_string();
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}api-version={api_version}", self.endpoint)
    }

    /// One request, retried while ARM throttles (429, `Retry-After` honoured up to a cap) or
    /// fails transiently (5xx, dropped connections); any other error status is an [`ArmError`].
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Json>,
    ) -> Result<Reply, ArmError> {
        let _change = (method != Method::Get).then(|| self.changing());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let ticket = self.rate.acquire().await;
            let reply = self.send_once(method, url, body).await;
            ratelimit::report(&self.rate, ticket, &reply);
            match reply {
                Err(e) if e.class().is_transient() && attempt < self.wait.attempts.min(12) => {
                    let base = self.wait.delay(attempt);
                    tokio::time::sleep(
                        e.retry_after
                            .map_or(base, |r| r.min(RETRY_AFTER_CAP).max(base)),
                    )
                    .await;
                }
                r => return r,
            }
        }
    }

    async fn send_once(
        &self,
        method: Method,
        url: &str,
        body: Option<&Json>,
    ) -> Result<Reply, ArmError> {
        let parsed =
            Url::parse(url).map_err(|e| ArmError::local("InvalidUrl", format!("{url}: {e}")))?;
        let token = self
            .credential
            .get_token(&[self.scope.as_str()])
            .await
            .map_err(|e| ArmError::local("AuthenticationFailed", error_chain(&e)))?;
        let mut req = Request::new(parsed, method);
        req.insert_header("authorization", format!("Bearer {}", token.token.secret()));
        req.insert_header(
            "user-agent",
            concat!("autostack/", env!("CARGO_PKG_VERSION"), " azurerm"),
        );
        if let Some(b) = body {
            req.insert_header("content-type", "application/json");
            req.set_body(serde_json::to_vec(b).unwrap_or_default());
        }
        let resp = self
            .http
            .execute_request(&req)
            .await
            .map_err(|e| ArmError::transport(&e))?;
        let (status, headers, stream) = resp.deconstruct();
        let bytes = stream
            .collect()
            .await
            .map_err(|e| ArmError::transport(&e))?;
        let json = match bytes.is_empty() {
            true => Json::Null,
            false => serde_json::from_slice(&bytes).unwrap_or(Json::Null),
        };
        let status = status as u16;
        let reply = Reply {
            status,
            async_operation: header(&headers, "azure-asyncoperation"),
            location: header(&headers, "location"),
            retry_after: header(&headers, "retry-after")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
            body: json,
        };
        match status {
            200..=299 => Ok(reply),
            _ => Err(ArmError::from_reply(&reply)),
        }
    }

    /// GET of an ARM path; `None` when it does not exist.
    pub async fn get(&self, path: &str, api_version: &str) -> Result<Option<Json>, ArmError> {
        let generation = self.quiet_generation();
        match self
            .send(Method::Get, &self.url(path, api_version), None)
            .await
        {
            Ok(r) => {
                self.remember(generation, &r.body);
                Ok(Some(r.body))
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every item of a list, following `nextLink`.
    pub async fn list(&self, path: &str, api_version: &str) -> Result<Vec<Json>, ArmError> {
        let generation = self.quiet_generation();
        let mut out = Vec::new();
        let mut next = Some(self.url(path, api_version));
        while let Some(url) = next.take() {
            let page = self.send(Method::Get, &url, None).await?.body;
            if let Some(items) = page.get("value").and_then(Json::as_array) {
                items.iter().for_each(|i| self.remember(generation, i));
                out.extend(items.iter().cloned());
            }
            next = page
                .get("nextLink")
                .and_then(Json::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        }
        Ok(out)
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, HashMap<String, Json>> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a change in progress until the guard drops: what was read is forgotten, and
    /// reads overlapping the change are not kept.
    pub fn changing(&self) -> Changing<'_> {
        use std::sync::atomic::Ordering::SeqCst;
        self.changing.fetch_add(1, SeqCst);
        self.generation.fetch_add(1, SeqCst);
        self.seen().clear();
        Changing(self)
    }

    /// The generation when no change is in progress (`None` while one is).
    fn quiet_generation(&self) -> Option<u64> {
        use std::sync::atomic::Ordering::SeqCst;
        (self.changing.load(SeqCst) == 0).then(|| self.generation.load(SeqCst))
    }

    /// Keeps an object read from ARM (by its `id`) for [`AzureClient::recently_read`] when no
    /// change started or ended since the read began.
    fn remember(&self, read_at: Option<u64>, item: &Json) {
        if read_at.is_none() || self.quiet_generation() != read_at {
            return;
        }
        if let Some(id) = item.get("id").and_then(Json::as_str) {
            self.seen().insert(id.to_ascii_lowercase(), item.clone());
        }
    }

    /// The object `id` as read since the last change made through this client, if it was.
    pub fn recently_read(&self, id: &str) -> Option<Json> {
        self.seen().get(&id.to_ascii_lowercase()).cloned()
    }

    /// The lock that serializes changes to the object `id` (case-insensitive).
    pub fn lock_for(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id.to_ascii_lowercase()).or_default().clone()
    }

    /// Notes that this run's plan changes the rules of the firewall whose group is `nsg_id`.
    pub fn note_firewall_change(&self, nsg_id: &str) {
        let mut all = (self.firewall_changes.lock()).unwrap_or_else(|p| p.into_inner());
        all.insert(nsg_id.to_ascii_lowercase());
    }

    /// True when this run's plan changes the rules of the firewall whose group is `nsg_id`.
    pub fn firewall_changes(&self, nsg_id: &str) -> bool {
        let all = (self.firewall_changes.lock()).unwrap_or_else(|p| p.into_inner());
        all.contains(&nsg_id.to_ascii_lowercase())
    }

    /// The backoff for waiting out conflicts with objects still going away.
    pub fn patience(&self) -> Backoff {
        Backoff {
            attempts: 90,
            ..self.wait
        }
    }
}

/// What [`AzureClient::new`] is built from.
pub struct ClientParts {
    /// The HTTP client.
    pub http: Arc<dyn HttpClient>,
    /// The credential.
    pub credential: Arc<dyn TokenCredential>,
    /// The Resource Manager endpoint.
    pub endpoint: String,
    /// The token scope.
    pub scope: String,
    /// The subscription.
    pub subscription_id: String,
    /// The tenant.
    pub tenant_id: String,
    /// The client ID.
    pub client_id: String,
    /// The `features {}` block.
    pub features: Features,
}

fn header(h: &Headers, name: &'static str) -> Option<String> {
    h.get_optional_string(&HeaderName::from_static(name))
}

/// How waiters poll: first check after ~100 ms, exponential with jitter, capped at 2 s apart,
/// for up to about half an hour (a VM create in a busy region).
pub fn waiter_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(100),
        max: Duration::from_secs(2),
        attempts: 900,
    }
}

/// An error from ARM (or from reaching it): HTTP status, ARM's error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmError {
    /// The HTTP status (0 when no answer came).
    pub status: u16,
    /// ARM's `error.code` (`ResourceNotFound`), or the failure kind.
    pub code: String,
    /// ARM's `error.message`.
    pub message: String,
    /// `Retry-After`, when the answer carried one.
    pub retry_after: Option<Duration>,
}

impl ArmError {
    /// The error an ARM answer carries (`{"error":{"code","message"}}`, or the status alone).
    pub fn from_reply(r: &Reply) -> ArmError {
        let err = r.body.get("error").unwrap_or(&r.body);
        let text = |k: &str| err.get(k).and_then(Json::as_str).map(str::to_string);
        ArmError {
            status: r.status,
            code: text("code").unwrap_or_else(|| r.status.to_string()),
            message: text("message").unwrap_or_default(),
            retry_after: r.retry_after,
        }
    }

    /// A failure detected by the provider itself.
    pub fn local(code: &str, message: impl Into<String>) -> ArmError {
        ArmError {
            status: 0,
            code: code.to_string(),
            message: message.into(),
            retry_after: None,
        }
    }

    fn transport(e: &azure_core::Error) -> ArmError {
        ArmError::local("ConnectionFailure", error_chain(e))
    }
}

/// How ARM's answers fall into the SDK's classes: missing objects, throttling, objects in use
/// or busy (pass once dependents settle), transient failures, and everything else.
pub fn classify(status: u16, code: &str) -> ErrorClass {
    const CONFLICT: [&str; 10] = [
        "InUseSubnetCannotBeDeleted",
        "NicInUse",
        "NicReservedForAnotherVm",
        "PublicIPAddressCannotBeDeleted",
        "InUseNetworkSecurityGroupCannotBeDeleted",
        "AnotherOperationInProgress",
        "OperationNotAllowed",
        "RetryableError",
        "ResourceGroupBeingDeleted",
        "Conflict",
    ];
    match code {
        "ResourceNotFound"
        | "ResourceGroupNotFound"
        | "NotFound"
        | "ContainerNotFound"
        | "ParentResourceNotFound" => ErrorClass::NotFound,
        "ConnectionFailure" => ErrorClass::Retryable,
        c if CONFLICT.contains(&c) && status != 404 => ErrorClass::Conflict,
        _ if status == 0 => ErrorClass::Fatal,
        _ => ErrorClass::of_status(status),
    }
}

impl CloudError for ArmError {
    fn class(&self) -> ErrorClass {
        classify(self.status, &self.code)
    }

    fn timed_out(what: &str) -> ArmError {
        ArmError::local("WaiterTimeout", format!("timed out waiting for {what}"))
    }

    fn diagnostic(&self, action: &str) -> Diagnostic {
        let status = match self.status {
            0 => String::new(),
            s => format!("unexpected status {s} ({})", reason(s)),
        };
        Diagnostic::error(
            format!("{action}: {}", self.code),
            format!("{status} with error: {}: {}", self.code, self.message)
                .trim_start()
                .to_string(),
            None,
        )
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "400 Bad Request",
        401 => "401 Unauthorized",
        403 => "403 Forbidden",
        404 => "404 Not Found",
        409 => "409 Conflict",
        429 => "429 Too Many Requests",
        500..=599 => "Server Error",
        _ => "HTTP",
    }
}

impl std::fmt::Display for ArmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// An error and its causes as one line, each message once.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_errors_fall_into_classes() {
        let table = [
            (404, "ResourceNotFound", ErrorClass::NotFound),
            (404, "ResourceGroupNotFound", ErrorClass::NotFound),
            (404, "ContainerNotFound", ErrorClass::NotFound),
            (429, "SubscriptionRequestsThrottled", ErrorClass::Throttled),
            (500, "InternalServerError", ErrorClass::Retryable),
            (503, "ServiceUnavailable", ErrorClass::Retryable),
            (400, "InUseSubnetCannotBeDeleted", ErrorClass::Conflict),
            (409, "OperationNotAllowed", ErrorClass::Conflict),
            (409, "Conflict", ErrorClass::Conflict),
            (400, "InvalidParameter", ErrorClass::Fatal),
            (409, "PropertyChangeNotAllowed", ErrorClass::Conflict),
            (0, "ConnectionFailure", ErrorClass::Retryable),
            (0, "WaiterTimeout", ErrorClass::Fatal),
        ];
        for (status, code, class) in table {
            assert_eq!(classify(status, code), class, "{status} {code}");
        }
    }

    #[test]
    fn error_bodies_are_read_as_arm_writes_them() {
        let r = Reply {
            status: 404,
            async_operation: None,
            location: None,
            retry_after: None,
            body: serde_json::json!({"error": {"code": "ResourceGroupNotFound", "message": "Resource group 'x' could not be found."}}),
        };
        let e = ArmError::from_reply(&r);
        assert!(e.is_not_found());
        let d = e.diags("retrieving Resource Group").to_string();
        assert!(
            d.contains("ResourceGroupNotFound") && d.contains("404 Not Found"),
            "{d}"
        );
    }
}
