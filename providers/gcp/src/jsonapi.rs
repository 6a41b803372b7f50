//! The one helper for Google JSON APIs that google-cloud-rust reaches over gRPC only (Cloud
//! Storage bucket and object administration: `storage/v1/b`, `.../o`) or not at all
//! (Resource Manager's `v1/projects/{p}`): plain REST calls on the same HTTP stack
//! (reqwest, rustls) and the same credentials as the Google clients, with throttling and
//! transient failures retried (each attempt paced by the provider's adaptive rate limiter)
//! and Google's error envelope classified.

use crate::auth::TokenSource;
use crate::client::GcpError;
use autostack_provider_sdk::ratelimit::{retry_paced, AdaptiveRate};
use autostack_provider_sdk::retry::Backoff;
use reqwest_google::Method;
use serde_json::Value as Json;
use std::sync::Arc;

/// A JSON API caller for one provider block.
#[derive(Clone)]
pub struct JsonApi {
    http: reqwest_google::Client,
    tokens: TokenSource,
    retry: Backoff,
    rate: Arc<AdaptiveRate>,
    /// Cloud Storage's JSON API base (`https://storage.googleapis.com/storage/v1/`).
    pub storage: String,
    /// Resource Manager's base (`https://cloudresourcemanager.googleapis.com/v1/`).
    pub resource_manager: String,
}

impl JsonApi {
    /// A caller with the given bases (each ending in `/`).
    pub fn new(
        http: reqwest_google::Client,
        tokens: TokenSource,
        retry: Backoff,
        storage: String,
        resource_manager: String,
    ) -> JsonApi {
        JsonApi {
            http,
            tokens,
            retry,
            rate: Arc::default(),
            storage,
            resource_manager,
        }
    }

    /// The caller pacing its calls with `rate` (shared with the provider's other clients).
    pub fn with_rate(mut self, rate: Arc<AdaptiveRate>) -> JsonApi {
        self.rate = rate;
        self
    }

    /// `GET url`; `None` for 404.
    pub async fn get(&self, url: &str) -> Result<Option<Json>, GcpError> {
        match self.send(Method::GET, url, None).await {
            Err(e) if e.status == 404 => Ok(None),
            other => other.map(Some),
        }
    }

    /// `POST url` with a JSON body.
    pub async fn post(&self, url: &str, body: &Json) -> Result<Json, GcpError> {
        self.send(Method::POST, url, Some(body)).await
    }

    /// `PATCH url` with a JSON body.
    pub async fn patch(&self, url: &str, body: &Json) -> Result<Json, GcpError> {
        self.send(Method::PATCH, url, Some(body)).await
    }

    /// `DELETE url`.
    pub async fn delete(&self, url: &str) -> Result<(), GcpError> {
        self.send(Method::DELETE, url, None).await.map(|_| ())
    }

    /// One call, again on throttling and transient failures; an empty answer is `null`.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<&Json>,
    ) -> Result<Json, GcpError> {
        retry_paced(&self.rate, self.retry, || {
            self.once(method.clone(), url, body)
        })
        .await
    }

    async fn once(&self, method: Method, url: &str, body: Option<&Json>) -> Result<Json, GcpError> {
        let token = self
            .tokens
            .access_token()
            .await
            .map_err(|e| GcpError::local("authError", e.to_string()))?;
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| {
            let kind = if e.is_timeout() {
                "timeout"
            } else {
                "connectionFailure"
            };
            GcpError::local(kind, crate::client::error_chain(&e))
        })?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| GcpError::local("connectionFailure", e.to_string()))?;
        if !(200..300).contains(&status) {
            return Err(GcpError::from_body(status, &bytes));
        }
        if bytes.is_empty() {
            return Ok(Json::Null);
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| GcpError::local("invalidResponse", format!("{url}: {e}")))
    }
}

/// A path segment or query value percent-encoded (object names may hold `/`, spaces, ...).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_escaped_for_paths() {
        assert_eq!(super::escape("a/b c.txt"), "a%2Fb%20c.txt");
    }
}
