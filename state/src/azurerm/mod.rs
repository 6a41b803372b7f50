//! The azurerm backend, with Terraform's layout on Azure Blob Storage: the default
//! workspace's state is the blob `key` of the container, workspace `W`'s the blob
//! `key + "env:" + W`; the lock is an infinite lease on that blob (created empty when
//! missing), its ID the lease ID, and the holder's lock info is the blob's metadata
//! `terraformlockid` (base64 of the lock info JSON), as Terraform writes them.
//!
//! A writer holding the lock writes with its lease; every write reads the stored snapshot
//! first and refuses newer or foreign state.

mod lock;

use crate::codec;
use crate::error::{Result, StateError};
use crate::remote::{self, Try};
use crate::rules::Expected;
use crate::seams::{Encryptor, Plaintext, StateStore, DEFAULT_WORKSPACE};
use async_trait::async_trait;
use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::{BlobClient, ClientBuilder, ContainerClient};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Terraform's separator between the key and a workspace's name.
pub const KEY_ENV_PREFIX: &str = "env:";
/// The blob metadata key of the lock info.
pub const LOCK_INFO_META_KEY: &str = "terraformlockid";

/// The arguments of `backend "azurerm" {}`, named as Terraform names them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AzurermSettings {
    /// `storage_account_name`.
    pub storage_account_name: String,
    /// `container_name`.
    pub container_name: String,
    /// `key`: the default workspace's blob.
    pub key: String,
    /// `access_key` (shared key).
    pub access_key: Option<String>,
    /// `sas_token`.
    pub sas_token: Option<String>,
    /// The blob service's URL instead of `https://ACCOUNT.blob.core.windows.net` (Azurite's
    /// `http://127.0.0.1:PORT/devstoreaccount1`); Terraform derives it from `endpoint` or a
    /// connection string's `BlobEndpoint`.
    pub blob_endpoint: Option<String>,
}

impl std::fmt::Debug for AzurermSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys and tokens are never printed.
        f.debug_struct("AzurermSettings")
            .field("storage_account_name", &self.storage_account_name)
            .field("container_name", &self.container_name)
            .field("key", &self.key)
            .field("blob_endpoint", &self.blob_endpoint)
            .finish_non_exhaustive()
    }
}

/// State in an Azure Blob Storage container.
pub struct AzurermStore {
    container: ContainerClient,
    container_name: String,
    key: String,
    encryptor: Arc<dyn Encryptor>,
    /// The lease this process holds on a workspace's blob, by workspace.
    leases: Mutex<HashMap<String, String>>,
}

impl AzurermStore {
    /// The store the settings describe (no request is made yet).
    pub fn new(settings: &AzurermSettings) -> Result<AzurermStore> {
        let bad = |m: &str| StateError::Remote(format!("the azurerm backend: {m}"));
        if settings.storage_account_name.is_empty()
            || settings.container_name.is_empty()
            || settings.key.is_empty()
        {
            return Err(bad(
                "storage_account_name, container_name and key are required",
            ));
        }
        let account = settings.storage_account_name.clone();
        let credentials = match (&settings.access_key, &settings.sas_token) {
            (Some(k), _) => StorageCredentials::access_key(account.clone(), k.clone()),
            (None, Some(t)) => StorageCredentials::sas_token(t.trim_start_matches('?'))
                .map_err(|e| bad(&format!("invalid sas_token: {e}")))?,
            (None, None) => return Err(bad("give access_key or sas_token")),
        };
        let mut builder = ClientBuilder::new(account.clone(), credentials);
        if let Some(uri) = &settings.blob_endpoint {
            builder = builder.cloud_location(CloudLocation::Custom {
                account,
                uri: uri.trim_end_matches('/').to_string(),
            });
        }
        Ok(AzurermStore {
            container: builder.container_client(settings.container_name.clone()),
            container_name: settings.container_name.clone(),
            key: settings.key.clone(),
            encryptor: Arc::new(Plaintext),
            leases: Mutex::new(HashMap::new()),
        })
    }

    /// The same store, reading stored snapshots through `encryptor` for the overwrite check.
    pub fn with_encryptor(self, encryptor: Arc<dyn Encryptor>) -> AzurermStore {
        AzurermStore { encryptor, ..self }
    }

    /// The blob of `workspace`: `key`, or `key + "env:" + workspace`.
    pub fn blob_name(&self, workspace: &str) -> Result<String> {
        if workspace == DEFAULT_WORKSPACE {
            return Ok(self.key.clone());
        }
        if workspace.is_empty() || workspace.contains('/') {
            return Err(StateError::InvalidWorkspace(workspace.to_string()));
        }
        Ok(format!("{}{KEY_ENV_PREFIX}{workspace}", self.key))
    }

    fn blob(&self, workspace: &str) -> Result<BlobClient> {
        Ok(self.container.blob_client(self.blob_name(workspace)?))
    }

    fn lease(&self, workspace: &str) -> Option<String> {
        self.leases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(workspace)
            .cloned()
    }
}

impl AzurermStore {
    /// The metadata of `workspace`'s blob (empty when it does not exist).
    async fn metadata(&self, workspace: &str) -> Result<HashMap<String, String>> {
        let blob = self.blob(workspace)?;
        let what = format!("reading {}", self.location(workspace));
        remote::retry(&what, || async {
            match blob.get_properties().await {
                Ok(p) => Try::Done(Ok(p.blob.metadata.unwrap_or_default())),
                Err(e) if status(&e) == Some(404) => Try::Done(Ok(HashMap::new())),
                Err(e) => attempt(&what, e),
            }
        })
        .await
    }
}

/// The HTTP status of an Azure error, if it has one.
fn status(e: &azure_core::Error) -> Option<u16> {
    match e.kind() {
        azure_core::error::ErrorKind::HttpResponse { status, .. } => Some(u16::from(*status)),
        _ => None,
    }
}

/// An Azure failure as a retry decision.
fn attempt<T>(what: &str, e: azure_core::Error) -> Try<T> {
    match status(&e) {
        Some(s) if !remote::transient(s) => {
            Try::Done(Err(StateError::Remote(format!("{what}: {e}"))))
        }
        _ => Try::Again(e.to_string()),
    }
}

fn lease_id(id: &str) -> Result<azure_core::request_options::LeaseId> {
    id.parse()
        .map_err(|_| StateError::Remote(format!("lock ID {id:?} is not a lease ID")))
}

#[async_trait]
impl StateStore for AzurermStore {
    fn location(&self, workspace: &str) -> String {
        let name = self
            .blob_name(workspace)
            .unwrap_or_else(|_| workspace.to_string());
        format!("{}/{name}", self.container_name)
    }

    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        let blob = self.blob(workspace)?;
        let what = format!("reading {}", self.location(workspace));
        remote::retry(&what, || async {
            // An empty blob (one Terraform created to lease) holds no state.
            match blob.get_properties().await {
                Ok(p) if p.blob.properties.content_length == 0 => return Try::Done(Ok(None)),
                Ok(_) => {}
                Err(e) if status(&e) == Some(404) => return Try::Done(Ok(None)),
                Err(e) => return attempt(&what, e),
            }
            match blob.get_content().await {
                Ok(bytes) => Try::Done(Ok(Some(bytes))),
                Err(e) if status(&e) == Some(404) => Try::Done(Ok(None)),
                Err(e) => attempt(&what, e),
            }
        })
        .await
    }

    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        if let Some(current) = self.read(workspace).await? {
            let stored = self
                .encryptor
                .decrypt(current)
                .and_then(|p| codec::stamp(&p));
            if let Ok(stored) = stored {
                expected.check(&stored, &self.location(workspace))?;
            }
        }
        let blob = self.blob(workspace)?;
        let lease = self.lease(workspace).map(|l| lease_id(&l)).transpose()?;
        // A put replaces the blob's metadata: keep what is there (the lock info), as
        // Terraform does.
        let kept = self.metadata(workspace).await?;
        let what = format!("writing {}", self.location(workspace));
        remote::retry(&what, || async {
            let mut meta = azure_core::request_options::Metadata::new();
            for (k, v) in &kept {
                meta.insert(k.clone(), v.clone());
            }
            let mut put = blob
                .put_block_blob(bytes.to_vec())
                .content_type("application/json")
                .metadata(meta);
            if let Some(l) = lease {
                put = put.lease_id(l);
            }
            match put.await {
                Ok(_) => Try::Done(Ok(())),
                Err(e) => attempt(&what, e),
            }
        })
        .await
    }

    async fn delete(&self, workspace: &str) -> Result<()> {
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::InvalidWorkspace(workspace.to_string()));
        }
        let blob = self.blob(workspace)?;
        let what = format!("deleting {}", self.location(workspace));
        remote::retry(&what, || async {
            match blob.delete().await {
                Ok(_) => Try::Done(Ok(())),
                Err(e) if status(&e) == Some(404) => Try::Done(Ok(())),
                Err(e) => attempt(&what, e),
            }
        })
        .await
    }

    async fn list(&self) -> Result<Vec<String>> {
        let prefix = format!("{}{KEY_ENV_PREFIX}", self.key);
        let what = format!("listing {}/{prefix}*", self.container_name);
        let names = remote::retry(&what, || async {
            let mut pages = self
                .container
                .list_blobs()
                .prefix(prefix.clone())
                .into_stream();
            let mut names = Vec::new();
            while let Some(page) = pages.next().await {
                match page {
                    Ok(p) => names.extend(p.blobs.blobs().map(|b| b.name.clone())),
                    Err(e) => return attempt(&what, e),
                }
            }
            Try::Done(Ok(names))
        })
        .await?;
        let mut out = vec![DEFAULT_WORKSPACE.to_string()];
        let mut others: Vec<String> = names
            .iter()
            .filter_map(|n| n.strip_prefix(&prefix))
            .filter(|n| !n.contains('/') && !n.is_empty())
            .map(str::to_string)
            .collect();
        others.sort();
        out.extend(others);
        Ok(out)
    }
}
