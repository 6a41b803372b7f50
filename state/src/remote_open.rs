//! The gcs and azurerm backends behind the one door of [`crate::backends`]: their argument
//! schemas (Terraform's names) and how their block's arguments become a store.
//!
//! Both stores take their lock through an `Arc` of themselves (azurerm remembers the lease
//! it holds and sends it with every write), so the storage keeps that very `Arc` for reads,
//! writes and locks alike ([`Shared`]).

use crate::backend_config::{attr, Attr, Kind};
use crate::backends::{OpenOptions, Storage};
use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::rules::Expected;
use crate::seams::{LockGuard, Locker, StateStore};
use async_trait::async_trait;
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// A store whose [`Locker`] is implemented on an `Arc` of it.
struct Shared<S>(Arc<S>);

#[async_trait]
impl<S: StateStore + 'static> StateStore for Shared<S> {
    fn location(&self, workspace: &str) -> String {
        self.0.location(workspace)
    }
    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        self.0.read(workspace).await
    }
    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        self.0.write(workspace, bytes, expected).await
    }
    async fn delete(&self, workspace: &str) -> Result<()> {
        self.0.delete(workspace).await
    }
    async fn list(&self) -> Result<Vec<String>> {
        self.0.list().await
    }
}

#[async_trait]
impl<S: Send + Sync + 'static> Locker for Shared<S>
where
    Arc<S>: Locker,
{
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        self.0.try_lock(workspace, info).await
    }
    async fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        self.0.unlock(workspace, id).await
    }
}

/// A string argument (an empty one counts as unset).
fn string(config: &Map<String, Json>, name: &str) -> Option<String> {
    config
        .get(name)
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A required string argument.
fn required(config: &Map<String, Json>, ty: &str, name: &str) -> Result<String> {
    string(config, name).ok_or_else(|| {
        StateError::Config(format!("The {ty} backend needs the argument \"{name}\"."))
    })
}

/// Terraform's gcs backend arguments (`encryption_key`, `kms_encryption_key` and
/// impersonation are accepted and refused when set: see [`open_gcs`]).
#[cfg(feature = "gcs")]
pub const GCS_SCHEMA: &[Attr] = &[
    attr("bucket", Kind::String),
    attr("prefix", Kind::String),
    attr("credentials", Kind::String),
    attr("access_token", Kind::String),
    attr("impersonate_service_account", Kind::String),
    attr("impersonate_service_account_delegates", Kind::StringList),
    attr("encryption_key", Kind::String),
    attr("kms_encryption_key", Kind::String),
    attr("storage_custom_endpoint", Kind::String),
];

/// Opens the gcs backend (`GOOGLE_CREDENTIALS` / `GOOGLE_OAUTH_ACCESS_TOKEN` as Terraform).
#[cfg(feature = "gcs")]
pub async fn open_gcs(config: &Map<String, Json>, opts: &OpenOptions) -> Result<Storage> {
    use crate::gcs::{GcsSettings, GcsStore};
    for unsupported in [
        "encryption_key",
        "kms_encryption_key",
        "impersonate_service_account",
    ] {
        if string(config, unsupported).is_some() {
            return Err(StateError::Config(format!(
                "The gcs backend's \"{unsupported}\" is not supported by AutoStack yet."
            )));
        }
    }
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let settings = GcsSettings {
        bucket: required(config, "gcs", "bucket")?,
        prefix: string(config, "prefix").unwrap_or_default(),
        credentials: string(config, "credentials").or_else(|| env("GOOGLE_CREDENTIALS")),
        access_token: string(config, "access_token").or_else(|| env("GOOGLE_OAUTH_ACCESS_TOKEN")),
        storage_custom_endpoint: string(config, "storage_custom_endpoint")
            .or_else(|| env("GOOGLE_STORAGE_CUSTOM_ENDPOINT")),
    };
    let store = GcsStore::new(&settings).await?;
    let store = Arc::new(store.with_encryptor(opts.encryptor.clone()));
    Ok(Storage::remote(Arc::new(Shared(store)), opts))
}

/// Terraform's azurerm backend arguments used here (shared key, SAS, or the endpoint of a
/// connection string); Entra ID authentication arguments are accepted and refused when set.
#[cfg(feature = "azurerm")]
pub const AZURERM_SCHEMA: &[Attr] = &[
    attr("storage_account_name", Kind::String),
    attr("container_name", Kind::String),
    attr("key", Kind::String),
    attr("access_key", Kind::String),
    attr("sas_token", Kind::String),
    attr("connection_string", Kind::String),
    attr("endpoint", Kind::String),
    attr("environment", Kind::String),
    attr("resource_group_name", Kind::String),
    attr("subscription_id", Kind::String),
    attr("tenant_id", Kind::String),
    attr("client_id", Kind::String),
    attr("client_secret", Kind::String),
    attr("use_azuread_auth", Kind::Bool),
    attr("use_msi", Kind::Bool),
    attr("use_oidc", Kind::Bool),
    attr("snapshot", Kind::Bool),
];

/// Opens the azurerm backend (`ARM_ACCESS_KEY`, `ARM_SAS_TOKEN` as Terraform).
#[cfg(feature = "azurerm")]
pub fn open_azurerm(config: &Map<String, Json>, opts: &OpenOptions) -> Result<Storage> {
    use crate::azurerm::{AzurermSettings, AzurermStore};
    if config.get("use_azuread_auth") == Some(&Json::Bool(true))
        || config.get("use_msi") == Some(&Json::Bool(true))
        || config.get("use_oidc") == Some(&Json::Bool(true))
    {
        return Err(StateError::Config(
            "The azurerm backend authenticates here with an access key or a SAS token; Entra ID (use_azuread_auth, use_msi, use_oidc) is not supported by AutoStack yet.".into(),
        ));
    }
    let env = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
    let connection = string(config, "connection_string");
    let part = |key: &str| connection.as_deref().and_then(|c| connection_part(c, key));
    let settings = AzurermSettings {
        storage_account_name: string(config, "storage_account_name")
            .or_else(|| part("AccountName"))
            .ok_or_else(|| {
                StateError::Config("The azurerm backend needs \"storage_account_name\".".into())
            })?,
        container_name: required(config, "azurerm", "container_name")?,
        key: required(config, "azurerm", "key")?,
        access_key: string(config, "access_key")
            .or_else(|| part("AccountKey"))
            .or_else(|| env("ARM_ACCESS_KEY")),
        sas_token: string(config, "sas_token")
            .or_else(|| part("SharedAccessSignature"))
            .or_else(|| env("ARM_SAS_TOKEN")),
        blob_endpoint: part("BlobEndpoint").or_else(|| string(config, "endpoint")),
    };
    let store = AzurermStore::new(&settings)?.with_encryptor(opts.encryptor.clone());
    Ok(Storage::remote(Arc::new(Shared(Arc::new(store))), opts))
}

/// The value of `key` in an Azure storage connection string (`K1=v1;K2=v2`).
#[cfg(feature = "azurerm")]
fn connection_part(connection: &str, key: &str) -> Option<String> {
    connection.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().to_string())
    })
}

#[cfg(all(test, feature = "azurerm"))]
mod tests {
    use super::connection_part;

    #[test]
    fn connection_strings_give_their_parts() {
        let c = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
        assert_eq!(
            connection_part(c, "AccountName").as_deref(),
            Some("devstoreaccount1")
        );
        assert_eq!(connection_part(c, "accountkey").as_deref(), Some("a2V5=="));
        assert_eq!(
            connection_part(c, "BlobEndpoint").as_deref(),
            Some("http://127.0.0.1:10000/devstoreaccount1")
        );
        assert_eq!(connection_part(c, "SharedAccessSignature"), None);
    }
}
