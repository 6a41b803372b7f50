//! The `provider "google"` block (hashicorp/google's whole schema, see [`provider_schema`]):
//! project, region, zone, credentials, endpoints, default labels and the attribution label,
//! each with the environment variables hashicorp/google reads, turned into configured clients.

use crate::auth::{read_key, ServiceAccount, TokenSource, DEFAULT_SCOPES};
use crate::client::{retry_backoff, waiter_backoff, Compute, GcpClient};
use crate::jsonapi::JsonApi;
use crate::provider_schema;
use async_trait::async_trait;
use autostack_provider_sdk::attrs::{error, get, get_bool, get_strings, nonempty_str, string_map};
use autostack_provider_sdk::labels::{Attribution, Labels, GOOGLE_LABELS};
use autostack_provider_sdk::ratelimit::AdaptiveRate;
use autostack_provider_sdk::{Block, ClientFactory, Planning};
use autostack_value::{Diagnostics, Value};
use google_cloud_auth::credentials::Credentials;
use std::sync::Arc;

/// Builds [`GcpClient`]s from `provider "google"` blocks.
pub struct GcpFactory;

/// The first non-empty value of `name` in the block or of the environment variables `env`.
fn setting(config: &Value, name: &str, env: &[&str]) -> Option<String> {
    nonempty_str(config, name).map(str::to_string).or_else(|| {
        env.iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    })
}

/// An endpoint override: the block's `<service>_custom_endpoint` or
/// `GOOGLE_<SERVICE>_CUSTOM_ENDPOINT`, with a trailing `/`.
fn endpoint(config: &Value, service: &str, default: &str) -> String {
    let env = format!("GOOGLE_{}_CUSTOM_ENDPOINT", service.to_ascii_uppercase());
    let e = setting(
        config,
        &format!("{service}_custom_endpoint"),
        &[env.as_str()],
    )
    .unwrap_or_else(|| default.to_string());
    match e.ends_with('/') {
        true => e,
        false => format!("{e}/"),
    }
}

/// The host a client library is given for an API whose paths it adds itself:
/// `http://127.0.0.1:8701/compute/v1/` → `http://127.0.0.1:8701`.
fn host_of(base: &str, api_path: &str) -> String {
    let b = base.trim_end_matches('/');
    b.strip_suffix(api_path.trim_end_matches('/'))
        .unwrap_or(b)
        .to_string()
}

/// Where the block's tokens come from, in hashicorp/google's order: `access_token`, then
/// `credentials` (or `GOOGLE_CREDENTIALS`, `GOOGLE_CLOUD_KEYFILE_JSON`,
/// `GCLOUD_KEYFILE_JSON`), then `GOOGLE_OAUTH_ACCESS_TOKEN`, then Application Default
/// Credentials (a service-account file named by `GOOGLE_APPLICATION_CREDENTIALS` goes
/// through its token_uri like any key).
async fn token_source(
    config: &Value,
    http: &reqwest_google::Client,
) -> Result<TokenSource, Diagnostics> {
    let mut scopes = get_strings(config, "scopes");
    if scopes.is_empty() {
        scopes = DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect();
    }
    if let Some(t) = nonempty_str(config, "access_token") {
        return Ok(TokenSource::Static(t.to_string()));
    }
    let key_env = [
        "GOOGLE_CREDENTIALS",
        "GOOGLE_CLOUD_KEYFILE_JSON",
        "GCLOUD_KEYFILE_JSON",
    ];
    if let Some(c) = setting(config, "credentials", &key_env) {
        return key_source(&c, &scopes, http);
    }
    if let Some(t) = setting(&Value::null(), "", &["GOOGLE_OAUTH_ACCESS_TOKEN"]) {
        return Ok(TokenSource::Static(t));
    }
    if let Some(path) = setting(&Value::null(), "", &["GOOGLE_APPLICATION_CREDENTIALS"]) {
        let key = read_key(&path).map_err(|e| error("Error loading credentials", e))?;
        if key["type"] == "service_account" {
            return key_source(&path, &scopes, http);
        }
    }
    let adc: Credentials = google_cloud_auth::credentials::Builder::default()
        .with_scopes(scopes)
        .build()
        .map_err(|e| error("Attempted to load application default credentials since neither `credentials` nor `access_token` was set in the provider block.", format!("No credentials loaded. To use your gcloud credentials, run 'gcloud auth application-default login': {e}")))?;
    Ok(TokenSource::Adc(adc))
}

fn key_source(
    credentials: &str,
    scopes: &[String],
    http: &reqwest_google::Client,
) -> Result<TokenSource, Diagnostics> {
    let key = read_key(credentials).map_err(|e| error("Error loading credentials", e))?;
    if key["type"] != "service_account" {
        let adc = google_cloud_auth::credentials::user_account::Builder::new(key)
            .with_scopes(scopes.to_vec())
            .build()
            .map_err(|e| error("Error loading credentials", e.to_string()))?;
        return Ok(TokenSource::Adc(adc));
    }
    let sa = ServiceAccount::from_key(&key, scopes, http.clone())
        .map_err(|e| error("Error loading credentials", e))?;
    Ok(TokenSource::ServiceAccount(Arc::new(sa)))
}

/// `default_labels`, `add_terraform_attribution_label` (default true) and
/// `terraform_attribution_label_addition_strategy` (`CREATION_ONLY` or `PROACTIVE`).
fn labels(config: &Value) -> Result<Labels, Diagnostics> {
    let mut l = Labels::new(GOOGLE_LABELS);
    l.defaults = get(config, "default_labels")
        .map(string_map)
        .unwrap_or_default();
    let strategy = nonempty_str(config, "terraform_attribution_label_addition_strategy")
        .unwrap_or("CREATION_ONLY");
    let proactive = match strategy {
        "CREATION_ONLY" => false,
        "PROACTIVE" => true,
        other => {
            return Err(error(
                "Invalid provider configuration",
                format!("unrecognized terraform_attribution_label_addition_strategy {other:?}: expected CREATION_ONLY or PROACTIVE"),
            ))
        }
    };
    if get_bool(config, "add_terraform_attribution_label").unwrap_or(true) {
        l.attribution = Some(Attribution {
            key: "goog-terraform-provisioned".into(),
            value: "true".into(),
            proactive,
        });
    }
    Ok(l)
}

macro_rules! compute_client {
    ($ty:ident, $host:expr, $creds:expr) => {
        google_cloud_compute_v1::client::$ty::builder()
            .with_endpoint($host)
            .with_credentials($creds.clone())
            .build()
            .await
            .map_err(|e| error("Error creating the Compute Engine client", e.to_string()))?
    };
}

async fn compute(host: &str, creds: &Credentials) -> Result<Compute, Diagnostics> {
    Ok(Compute {
        instances: compute_client!(Instances, host, creds),
        networks: compute_client!(Networks, host, creds),
        subnetworks: compute_client!(Subnetworks, host, creds),
        firewalls: compute_client!(Firewalls, host, creds),
        addresses: compute_client!(Addresses, host, creds),
        disks: compute_client!(Disks, host, creds),
        images: compute_client!(Images, host, creds),
        zones: compute_client!(Zones, host, creds),
        zone_ops: compute_client!(ZoneOperations, host, creds),
        region_ops: compute_client!(RegionOperations, host, creds),
        global_ops: compute_client!(GlobalOperations, host, creds),
    })
}

#[async_trait]
impl ClientFactory for GcpFactory {
    type Client = GcpClient;

    fn config_schema(&self) -> Block {
        provider_schema::schema().clone()
    }

    async fn configure(&self, config: &Value) -> Result<GcpClient, Diagnostics> {
        let http = reqwest_google::Client::builder()
            .build()
            .map_err(|e| error("Error creating the HTTP client", e.to_string()))?;
        let tokens = token_source(config, &http).await?;
        let creds = tokens.credentials();
        let compute_base = endpoint(
            config,
            "compute",
            "https://compute.googleapis.com/compute/v1/",
        );
        let storage_base = endpoint(
            config,
            "storage",
            "https://storage.googleapis.com/storage/v1/",
        );
        let crm_base = endpoint(
            config,
            "resource_manager",
            "https://cloudresourcemanager.googleapis.com/v1/",
        );
        let storage = google_cloud_storage::client::Storage::builder()
            .with_endpoint(host_of(&storage_base, "/storage/v1"))
            .with_credentials(creds.clone())
            .build()
            .await
            .map_err(|e| error("Error creating the Cloud Storage client", e.to_string()))?;
        let rate = std::sync::Arc::new(AdaptiveRate::default());
        Ok(GcpClient {
            compute: compute(&host_of(&compute_base, "/compute/v1"), &creds).await?,
            storage,
            json: JsonApi::new(
                http,
                tokens.clone(),
                retry_backoff(),
                storage_base,
                crm_base,
            )
            .with_rate(rate.clone()),
            tokens,
            project: setting(
                config,
                "project",
                &[
                    "GOOGLE_PROJECT",
                    "GOOGLE_CLOUD_PROJECT",
                    "GCLOUD_PROJECT",
                    "CLOUDSDK_CORE_PROJECT",
                ],
            )
            .unwrap_or_default(),
            region: setting(
                config,
                "region",
                &["GOOGLE_REGION", "GCLOUD_REGION", "CLOUDSDK_COMPUTE_REGION"],
            )
            .unwrap_or_default(),
            zone: setting(
                config,
                "zone",
                &["GOOGLE_ZONE", "GCLOUD_ZONE", "CLOUDSDK_COMPUTE_ZONE"],
            )
            .unwrap_or_default(),
            labels: labels(config)?,
            wait: waiter_backoff(),
            retry: retry_backoff(),
            rate,
        })
    }

    /// hashicorp/google is built on the legacy plugin SDK, and merges `default_labels`.
    fn planning<'c>(&self, client: &'c GcpClient) -> Planning<'c> {
        Planning {
            legacy: true,
            labels: Some(&client.labels),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_their_path_and_clients_get_the_host() {
        let cfg = Value::object_from([(
            "compute_custom_endpoint",
            Value::string("http://127.0.0.1:9/compute/v1"),
        )]);
        let base = endpoint(
            &cfg,
            "compute",
            "https://compute.googleapis.com/compute/v1/",
        );
        assert_eq!(base, "http://127.0.0.1:9/compute/v1/");
        assert_eq!(host_of(&base, "/compute/v1"), "http://127.0.0.1:9");
        assert_eq!(
            host_of("https://storage.googleapis.com/storage/v1/", "/storage/v1"),
            "https://storage.googleapis.com"
        );
    }

    #[test]
    fn attribution_follows_the_provider_arguments() {
        let on = labels(&Value::object_from([("default_labels", Value::null())])).unwrap();
        assert!(on.attribution.as_ref().is_some_and(|a| !a.proactive));
        let off = labels(&Value::object_from([(
            "add_terraform_attribution_label",
            Value::bool(false),
        )]))
        .unwrap();
        assert!(off.attribution.is_none());
        let bad = Value::object_from([(
            "terraform_attribution_label_addition_strategy",
            Value::string("SOMETIMES"),
        )]);
        assert!(labels(&bad).is_err());
    }
}
