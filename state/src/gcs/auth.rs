//! Credentials of the gcs backend, chosen as Terraform chooses them: `access_token`, else
//! `credentials` (a key file's path or contents), else `GOOGLE_BACKEND_CREDENTIALS` /
//! `GOOGLE_CREDENTIALS`, else anonymous when an endpoint override is set (emulators), else
//! Application Default Credentials.

use super::GcsSettings;
use crate::error::{Result, StateError};
use google_cloud_auth::credentials::{
    self, CacheableResource, Credentials, CredentialsProvider, EntityTag,
};
use http::{Extensions, HeaderMap, HeaderValue};

/// A fixed OAuth 2.0 access token (`access_token`).
#[derive(Debug)]
struct AccessToken {
    header: HeaderValue,
    tag: EntityTag,
}

impl CredentialsProvider for AccessToken {
    async fn headers(
        &self,
        _: Extensions,
    ) -> std::result::Result<
        CacheableResource<HeaderMap>,
        google_cloud_auth::errors::CredentialsError,
    > {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::AUTHORIZATION, self.header.clone());
        Ok(CacheableResource::New {
            entity_tag: self.tag.clone(),
            data: headers,
        })
    }

    async fn universe_domain(&self) -> Option<String> {
        None
    }
}

/// The credentials both the client and the JSON API calls use.
pub struct Auth {
    credentials: Credentials,
    anonymous: bool,
}

impl Auth {
    /// The credentials `settings` ask for.
    pub fn new(settings: &GcsSettings) -> Result<Auth> {
        let bad = |e: String| StateError::Remote(format!("Error loading credentials: {e}"));
        if let Some(token) = settings.access_token.as_deref().filter(|t| !t.is_empty()) {
            let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| bad("the access token is not a valid header value".into()))?;
            header.set_sensitive(true);
            let credentials = Credentials::from(AccessToken {
                header,
                tag: EntityTag::new(),
            });
            return Ok(Auth {
                credentials,
                anonymous: false,
            });
        }
        let key = settings
            .credentials
            .clone()
            .filter(|c| !c.is_empty())
            .or_else(|| std::env::var("GOOGLE_BACKEND_CREDENTIALS").ok())
            .or_else(|| std::env::var("GOOGLE_CREDENTIALS").ok());
        if let Some(key) = key {
            // A path or the JSON itself, as Terraform's `credentials` takes either.
            let text = if key.trim_start().starts_with('{') {
                key
            } else {
                std::fs::read_to_string(&key).map_err(|e| bad(format!("{key}: {e}")))?
            };
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
                bad("the string provided in credentials is neither valid json nor a valid file path".into())
            })?;
            let credentials = credentials::service_account::Builder::new(json)
                .build()
                .map_err(|e| bad(e.to_string()))?;
            return Ok(Auth {
                credentials,
                anonymous: false,
            });
        }
        if settings.storage_custom_endpoint.is_some() {
            let credentials = credentials::anonymous::Builder::new().build();
            return Ok(Auth {
                credentials,
                anonymous: true,
            });
        }
        let credentials = credentials::Builder::default()
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Auth {
            credentials,
            anonymous: false,
        })
    }

    /// For the storage client.
    pub fn credentials(&self) -> Credentials {
        self.credentials.clone()
    }

    /// `req` with the credentials' headers (none for anonymous access).
    pub async fn apply(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.anonymous {
            return req;
        }
        match self.credentials.headers(Extensions::new()).await {
            Ok(CacheableResource::New { data, .. }) => req.headers(data),
            _ => req,
        }
    }
}
