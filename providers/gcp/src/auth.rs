//! Credentials as hashicorp/google finds them: a static `access_token` (or
//! `GOOGLE_OAUTH_ACCESS_TOKEN`), a service-account key (`credentials` as a path or as the JSON
//! itself, `GOOGLE_CREDENTIALS`, or the file `GOOGLE_APPLICATION_CREDENTIALS` names), or
//! Application Default Credentials. A service-account key goes through its `token_uri` with
//! the OAuth 2.0 JWT-bearer grant, as Terraform's Go client does (google-cloud-auth's own
//! service-account credentials sign a JWT per request and never call `token_uri`); the key is
//! parsed and RS256-signed by google-cloud-auth. Every client of a provider block (Compute,
//! Storage and the JSON-API helper) shares one [`Credentials`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine as _;
use google_cloud_auth::credentials::{
    CacheableResource, Credentials, CredentialsProvider, EntityTag,
};
use google_cloud_auth::errors::CredentialsError;
use http::{Extensions, HeaderMap, HeaderValue};
use serde_json::{json, Value as Json};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

/// The scopes hashicorp/google asks for by default.
pub const DEFAULT_SCOPES: [&str; 2] = [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/userinfo.email",
];

/// Where a provider block's access tokens come from.
#[derive(Clone, Debug)]
pub enum TokenSource {
    /// A static OAuth 2.0 access token.
    Static(String),
    /// A service-account key exchanged at its `token_uri`.
    ServiceAccount(Arc<ServiceAccount>),
    /// Application Default Credentials resolved by google-cloud-auth.
    Adc(Credentials),
}

impl TokenSource {
    /// The credentials the Google clients send.
    pub fn credentials(&self) -> Credentials {
        match self {
            TokenSource::Adc(c) => c.clone(),
            other => Credentials::from(other.clone()),
        }
    }

    /// The current access token (`google_client_config.access_token`); empty for ADC
    /// sources that give headers only.
    pub async fn access_token(&self) -> Result<String, CredentialsError> {
        match self {
            TokenSource::Static(t) => Ok(t.clone()),
            TokenSource::ServiceAccount(sa) => sa.token().await,
            TokenSource::Adc(c) => match c.headers(Extensions::new()).await? {
                CacheableResource::New { data, .. } => Ok(bearer_of(&data)),
                CacheableResource::NotModified => Ok(String::new()),
            },
        }
    }
}

fn bearer_of(headers: &HeaderMap) -> String {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string()
}

impl CredentialsProvider for TokenSource {
    async fn headers(
        &self,
        _: Extensions,
    ) -> Result<CacheableResource<HeaderMap>, CredentialsError> {
        let token = self.access_token().await?;
        let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|e| CredentialsError::from_msg(false, e.to_string()))?;
        value.set_sensitive(true);
        let mut data = HeaderMap::new();
        data.insert(http::header::AUTHORIZATION, value);
        Ok(CacheableResource::New {
            entity_tag: EntityTag::new(),
            data,
        })
    }

    async fn universe_domain(&self) -> Option<String> {
        None
    }
}

/// A service-account key and the token it was last exchanged for.
pub struct ServiceAccount {
    email: String,
    token_uri: String,
    scopes: String,
    signer: google_cloud_auth::signer::Signer,
    key_id: String,
    http: reqwest_google::Client,
    cached: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("email", &self.email)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

impl ServiceAccount {
    /// Reads a key (`type = "service_account"`); the private key stays inside the signer.
    pub fn from_key(
        key: &Json,
        scopes: &[String],
        http: reqwest_google::Client,
    ) -> Result<ServiceAccount, String> {
        let field = |n: &str| {
            key.get(n)
                .and_then(Json::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("the service account key has no {n:?}"))
        };
        let signer = google_cloud_auth::credentials::service_account::Builder::new(key.clone())
            .build_signer()
            .map_err(|e| format!("the service account key cannot sign: {e}"))?;
        Ok(ServiceAccount {
            email: field("client_email")?,
            token_uri: field("token_uri")
                .unwrap_or_else(|_| "https://oauth2.googleapis.com/token".into()),
            key_id: field("private_key_id").unwrap_or_default(),
            scopes: scopes.join(" "),
            signer,
            http,
            cached: Mutex::new(None),
        })
    }

    /// The cached access token, or a fresh one when it expires within a minute.
    async fn token(&self) -> Result<String, CredentialsError> {
        let mut cached = self.cached.lock().await;
        if let Some((t, until)) = cached.as_ref() {
            if *until > Instant::now() + Duration::from_secs(60) {
                return Ok(t.clone());
            }
        }
        let (token, lifetime) = self.exchange().await?;
        *cached = Some((token.clone(), Instant::now() + lifetime));
        Ok(token)
    }

    /// The JWT-bearer grant: a signed assertion (iss, scope, aud = token_uri, 1 h) posted to
    /// `token_uri` (https://developers.google.com/identity/protocols/oauth2/service-account#httprest).
    async fn exchange(&self) -> Result<(String, Duration), CredentialsError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.key_id});
        let claims = json!({"iss": self.email, "scope": self.scopes, "aud": self.token_uri,
                            "iat": now, "exp": now + 3600});
        let input = format!(
            "{}.{}",
            B64URL.encode(header.to_string()),
            B64URL.encode(claims.to_string())
        );
        let signature = self.signer.sign(input.as_bytes()).await.map_err(|e| {
            CredentialsError::from_msg(false, format!("signing the token request: {e}"))
        })?;
        let assertion = format!("{input}.{}", B64URL.encode(signature));
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ];
        let transient = |e: reqwest_google::Error| {
            CredentialsError::from_msg(true, format!("token request to {}: {e}", self.token_uri))
        };
        let resp = self
            .http
            .post(&self.token_uri)
            .form(&form)
            .send()
            .await
            .map_err(transient)?;
        let status = resp.status();
        let body: Json = resp.json().await.map_err(transient)?;
        if !status.is_success() {
            let retry = status.is_server_error() || status.as_u16() == 429;
            return Err(CredentialsError::from_msg(
                retry,
                format!(
                    "oauth2: cannot fetch token: {status}: {} {}",
                    body["error"].as_str().unwrap_or_default(),
                    body["error_description"].as_str().unwrap_or_default()
                ),
            ));
        }
        let token = body["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let lifetime = Duration::from_secs(body["expires_in"].as_u64().unwrap_or(3599));
        Ok((token, lifetime))
    }
}

/// The key JSON of `credentials`: the contents when it is JSON, else the file it names.
pub fn read_key(credentials: &str) -> Result<Json, String> {
    let text = match credentials.trim_start().starts_with('{') {
        true => credentials.to_string(),
        false => std::fs::read_to_string(credentials)
            .map_err(|e| format!("reading credentials file {credentials:?}: {e}"))?,
    };
    serde_json::from_str(&text).map_err(|e| format!("credentials are not valid JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_json_or_a_path() {
        assert_eq!(read_key("{\"type\":\"x\"}").unwrap()["type"], "x");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.json");
        std::fs::write(&p, "{\"type\":\"service_account\"}").unwrap();
        assert_eq!(
            read_key(p.to_str().unwrap()).unwrap()["type"],
            "service_account"
        );
        assert!(read_key("/no/such/file")
            .unwrap_err()
            .contains("reading credentials file"));
        assert!(read_key("{not json").is_err());
    }
}
