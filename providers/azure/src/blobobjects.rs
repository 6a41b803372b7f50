//! The blobs of an `azurerm_storage_container` as an [`ObjectStore`]: what a migration
//! copies out of or into Azure Blob Storage, through the blob data plane (azure_storage_blobs
//! of the provider's azure_core family, shared-key auth). The account's blob endpoint and key
//! come from Resource Manager (the account's `primaryEndpoints.blob` and `listKeys`) on first
//! use. Reads are ranged Get Blob calls of [`READ_CHUNK`]; writes are one Put Blob up to
//! [`BLOCK_SIZE`], else Put Block per [`BLOCK_SIZE`] and Put Block List, each with its MD5.

use crate::client::{AzureClient, ClientParts};
use async_trait::async_trait;
use autostack_provider_sdk::objects::{ObjectInfo, ObjectReader, ObjectStore, Parts};
use autostack_value::{Diagnostic, Diagnostics};
use azure_core::Pageable;
use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::blob::{BlobBlockType, BlockList};
use azure_storage_blobs::prelude::{
    BlobContentMD5, BlobContentType, ClientBuilder, ContainerClient, Hash,
};
use futures::StreamExt;
use md5::{Digest, Md5};
use tokio::sync::OnceCell;

/// The size of one ranged read.
pub const READ_CHUNK: u64 = 4 * 1024 * 1024;
/// The size of a block, and the largest blob sent in one Put Blob.
pub const BLOCK_SIZE: usize = 8 * 1024 * 1024;
/// The storage emulator's well-known account (Azurite), whose key is public and fixed.
const EMULATOR_ACCOUNT: &str = "devstoreaccount1";
const EMULATOR_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// One blob container's blobs.
pub struct BlobObjects {
    arm: AzureClient,
    account_id: String,
    name: String,
    container: OnceCell<ContainerClient>,
}

impl BlobObjects {
    /// The blobs of container `name` in the account whose Resource Manager ID is `account_id`.
    pub fn new(c: &AzureClient, account_id: &str, name: &str) -> BlobObjects {
        let arm = AzureClient::new(ClientParts {
            http: c.http.clone(),
            credential: c.credential.clone(),
            endpoint: c.endpoint.clone(),
            scope: c.scope.clone(),
            subscription_id: c.subscription_id.clone(),
            tenant_id: c.tenant_id.clone(),
            client_id: c.client_id.clone(),
            features: c.features,
        });
        BlobObjects {
            arm,
            account_id: account_id.to_string(),
            name: name.to_string(),
            container: OnceCell::new(),
        }
    }

    /// The container's data-plane client: the account's blob endpoint and key, read once.
    async fn container(&self) -> Result<&ContainerClient, Diagnostics> {
        self.container.get_or_try_init(|| self.connect()).await
    }

    async fn connect(&self) -> Result<ContainerClient, Diagnostics> {
        let api = crate::storage_account::API;
        let fail = |e: crate::client::ArmError| {
            let action = format!("reading the storage account of {}", self.location());
            Diagnostics::from(autostack_provider_sdk::CloudError::diagnostic(&e, &action))
        };
        let account = self.arm.get(&self.account_id, api).await.map_err(fail)?;
        let endpoint = account
            .as_ref()
            .and_then(|a| a.pointer("/properties/primaryEndpoints/blob"))
            .and_then(|b| b.as_str())
            .ok_or_else(|| {
                self.error("the storage account has no blob endpoint (does it exist?)")
            })?;
        let endpoint = endpoint.trim_end_matches('/').to_string();
        let name = account_name(&endpoint);
        let key = match name == EMULATOR_ACCOUNT {
            true => EMULATOR_KEY.to_string(),
            false => {
                let keys = self
                    .arm
                    .action(&self.account_id, "listKeys", api)
                    .await
                    .map_err(fail)?;
                let key = keys.pointer("/keys/0/value").and_then(|k| k.as_str());
                key.ok_or_else(|| self.error("listKeys returned no key"))?
                    .to_string()
            }
        };
        let credentials = StorageCredentials::access_key(name.clone(), key);
        let builder =
            ClientBuilder::new(name.clone(), credentials).cloud_location(CloudLocation::Custom {
                account: name,
                uri: endpoint,
            });
        Ok(builder.container_client(self.name.clone()))
    }

    fn error(&self, what: impl std::fmt::Display) -> Diagnostics {
        Diagnostics::from(Diagnostic::error(
            "Blob storage failed",
            format!("{}: {what}", self.location()),
            None,
        ))
    }

    /// One Put Blob of the whole (small) body with its Content-MD5.
    async fn put_single(
        &self,
        c: &ContainerClient,
        info: &ObjectInfo,
        body: Vec<u8>,
    ) -> Result<[u8; 16], Diagnostics> {
        let md5: [u8; 16] = Md5::digest(&body).into();
        let mut put = c
            .blob_client(&info.key)
            .put_block_blob(body)
            .hash(Hash::MD5(md5));
        if let Some(t) = &info.content_type {
            put = put.content_type(BlobContentType::from(t.clone()));
        }
        put.await
            .map_err(|e| self.error(format!("writing {:?}: {e}", info.key)))?;
        Ok(md5)
    }

    /// Put Block for each part (each with its MD5), then Put Block List recording the whole
    /// blob's MD5 as its Content-MD5.
    async fn put_blocks(
        &self,
        c: &ContainerClient,
        info: &ObjectInfo,
        ahead: Vec<Vec<u8>>,
        mut parts: Parts,
    ) -> Result<[u8; 16], Diagnostics> {
        let blob = c.blob_client(&info.key);
        let (mut whole, mut blocks) = (Md5::new(), BlockList::default());
        let mut ahead = ahead.into_iter();
        loop {
            let part = match ahead.next() {
                Some(p) => p,
                None => match parts.next_part(BLOCK_SIZE).await? {
                    Some(p) => p,
                    None => break,
                },
            };
            whole.update(&part);
            let id = format!("{:08}", blocks.blocks.len());
            let md5: [u8; 16] = Md5::digest(&part).into();
            (blob.put_block(id.clone(), part).hash(Hash::MD5(md5)).await)
                .map_err(|e| self.error(format!("writing a block of {:?}: {e}", info.key)))?;
            blocks.blocks.push(BlobBlockType::new_uncommitted(id));
        }
        let md5: [u8; 16] = whole.finalize().into();
        let mut put = blob.put_block_list(blocks).content_md5(BlobContentMD5(md5));
        if let Some(t) = &info.content_type {
            put = put.content_type(BlobContentType::from(t.clone()));
        }
        put.await
            .map_err(|e| self.error(format!("committing the blocks of {:?}: {e}", info.key)))?;
        Ok(md5)
    }
}

/// The account a blob endpoint serves: the host's first label
/// (`https://ACCOUNT.blob.core.windows.net`), or the first path segment of an emulator's
/// path-style endpoint (`http://127.0.0.1:10000/ACCOUNT`).
fn account_name(endpoint: &str) -> String {
    let rest = endpoint.split("://").nth(1).unwrap_or(endpoint);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    match path.split('/').next().filter(|p| !p.is_empty()) {
        Some(account) => account.to_string(),
        None => host.split('.').next().unwrap_or(host).to_string(),
    }
}

#[async_trait]
impl ObjectStore for BlobObjects {
    fn location(&self) -> String {
        let account = self.account_id.rsplit('/').next().unwrap_or_default();
        format!("azure://{account}/{}", self.name)
    }

    async fn list(&self) -> Result<Vec<ObjectInfo>, Diagnostics> {
        let c = self.container().await?;
        let mut pages = c.list_blobs().into_stream();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.error(format!("listing: {e}")))?;
            out.extend(page.blobs.blobs().map(|b| ObjectInfo {
                key: b.name.clone(),
                size: b.properties.content_length,
                md5: b.properties.content_md5.as_ref().map(|m| *m.as_slice()),
                content_type: Some(b.properties.content_type.clone()).filter(|t| !t.is_empty()),
            }));
        }
        Ok(out)
    }

    async fn open(&self, key: &str) -> Result<Box<dyn ObjectReader>, Diagnostics> {
        let c = self.container().await?;
        let pages = c
            .blob_client(key)
            .get()
            .chunk_size(READ_CHUNK)
            .into_stream();
        Ok(Box::new(BlobReader {
            pages,
            location: format!("{}/{key}", self.location()),
        }))
    }

    async fn put(
        &self,
        info: &ObjectInfo,
        body: Box<dyn ObjectReader>,
    ) -> Result<ObjectInfo, Diagnostics> {
        let c = self.container().await?;
        let mut parts = Parts::new(body);
        let first = parts.next_part(BLOCK_SIZE).await?.unwrap_or_default();
        let md5 = match first.len() < BLOCK_SIZE {
            true => self.put_single(c, info, first).await?,
            false => match parts.next_part(BLOCK_SIZE).await? {
                None => self.put_single(c, info, first).await?,
                Some(second) => self.put_blocks(c, info, vec![first, second], parts).await?,
            },
        };
        let props = c.blob_client(&info.key).get_properties().await;
        let props = props.map_err(|e| self.error(format!("reading back {:?}: {e}", info.key)))?;
        let p = props.blob.properties;
        Ok(ObjectInfo {
            key: info.key.clone(),
            size: p.content_length,
            md5: p.content_md5.as_ref().map(|m| *m.as_slice()).or(Some(md5)),
            content_type: Some(p.content_type).filter(|t| !t.is_empty()),
        })
    }
}

/// Ranged Get Blob calls, one chunk each.
struct BlobReader {
    pages: Pageable<azure_storage_blobs::blob::operations::GetBlobResponse, azure_core::Error>,
    location: String,
}

#[async_trait]
impl ObjectReader for BlobReader {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Diagnostics> {
        let fail = |e: azure_core::Error| {
            let d = Diagnostic::error(
                "Blob storage failed",
                format!("reading {}: {e}", self.location),
                None,
            );
            Diagnostics::from(d)
        };
        match self.pages.next().await {
            None => Ok(None),
            // A ranged read of an empty blob is refused as out of range.
            Some(Err(e)) if empty_range(&e) => Ok(None),
            Some(page) => {
                let data = page.map_err(fail)?.data.collect().await.map_err(fail)?;
                Ok(Some(data.to_vec()))
            }
        }
    }
}

/// True for the 416 answer to a ranged read of an empty blob.
fn empty_range(e: &azure_core::Error) -> bool {
    matches!(e.kind(), azure_core::error::ErrorKind::HttpResponse { status, .. } if u16::from(*status) == 416)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_comes_from_the_endpoint() {
        assert_eq!(
            super::account_name("https://acct1.blob.core.windows.net"),
            "acct1"
        );
        assert_eq!(
            super::account_name("http://127.0.0.1:10000/devstoreaccount1"),
            "devstoreaccount1"
        );
    }
}
