//! The azurerm lock, as Terraform's: an infinite lease on the workspace's blob (created
//! empty when missing) with the proposed lease ID the lock's ID, and the lock info (base64
//! of its JSON) in the blob's `terraformlockid` metadata.

use super::{attempt, lease_id, status, AzurermStore, LOCK_INFO_META_KEY};
use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::remote::{self, ReleaseOnDrop, Try};
use crate::seams::{LockGuard, Locker, StateStore};
use async_trait::async_trait;
use azure_core::prelude::LeaseDuration;
use azure_core::request_options::Metadata;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::sync::Arc;

impl AzurermStore {
    /// The holder recorded in the blob's metadata, `None` when there is none.
    pub async fn lock_holder(&self, workspace: &str) -> Result<Option<LockInfo>> {
        let meta = self.metadata(workspace).await?;
        let info = meta
            .get(LOCK_INFO_META_KEY)
            .and_then(|v| B64.decode(v).ok())
            .and_then(|json| serde_json::from_slice(&json).ok());
        Ok(info)
    }

    /// Sets (or with `None`, removes) the lock info metadata, under `lease`.
    async fn write_lock_info(
        &self,
        workspace: &str,
        lease: &str,
        info: Option<&LockInfo>,
    ) -> Result<()> {
        let blob = self.blob(workspace)?;
        let lease = lease_id(lease)?;
        let what = format!("writing the lock of {}", self.location(workspace));
        remote::retry(&what, || async {
            let mut meta = Metadata::new();
            if let Some(info) = info {
                let json = serde_json::to_vec(info).unwrap_or_default();
                meta.insert(LOCK_INFO_META_KEY, B64.encode(json));
            }
            match blob.set_metadata().metadata(meta).lease_id(lease).await {
                Ok(_) => Try::Done(Ok(())),
                Err(e) => attempt(&what, e),
            }
        })
        .await
    }

    async fn acquire(&self, workspace: &str, info: &LockInfo) -> Result<Option<()>> {
        let blob = self.blob(workspace)?;
        let proposed = lease_id(&info.id)?;
        let what = format!("locking {}", self.location(workspace));
        remote::retry(&what, || async {
            let props = match blob.get_properties().await {
                Ok(p) => Some(p),
                Err(e) if status(&e) == Some(404) => None,
                Err(e) => return attempt(&what, e),
            };
            if props.is_none() {
                // Terraform creates the blob it leases.
                let created = blob
                    .put_block_blob(Vec::<u8>::new())
                    .content_type("application/json")
                    .await;
                if let Err(e) = created {
                    if status(&e) != Some(412) {
                        return attempt(&what, e);
                    }
                }
            }
            // Acquiring with our own ID is idempotent: a retry after a lost answer gets the
            // lease it already has; a lease of another ID is a conflict (409).
            match blob
                .acquire_lease(LeaseDuration::Infinite)
                .proposed_lease_id(proposed)
                .await
            {
                Ok(_) => Try::Done(Ok(Some(()))),
                Err(e) if status(&e) == Some(409) => Try::Done(Ok(None)),
                Err(e) => attempt(&what, e),
            }
        })
        .await
    }
}

#[async_trait]
impl Locker for Arc<AzurermStore> {
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        let info = LockInfo {
            path: self.location(workspace),
            ..info.clone()
        };
        if self.acquire(workspace, &info).await?.is_none() {
            // Held: by another, or by this very lock (a retried acquire that had landed).
            let holder = self.lock_holder(workspace).await?.unwrap_or_default();
            if holder.id != info.id {
                return Err(StateError::Locked(Box::new(holder)));
            }
        }
        self.leases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(workspace.to_string(), info.id.clone());
        self.write_lock_info(workspace, &info.id, Some(&info))
            .await?;
        let store = self.clone();
        let (ws, id) = (workspace.to_string(), info.id.clone());
        let release = ReleaseOnDrop::new(async move {
            let _ = store.unlock(&ws, &id).await;
        });
        Ok(LockGuard::new(info.id, release))
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        let Some(holder) = self.lock_holder(workspace).await? else {
            return Err(StateError::NotLocked);
        };
        if holder.id != id {
            return Err(StateError::LockIdMismatch {
                given: id.to_string(),
                held: holder.id,
            });
        }
        self.write_lock_info(workspace, id, None).await?;
        let blob = self.blob(workspace)?;
        let lease = lease_id(id)?;
        let what = format!("unlocking {}", self.location(workspace));
        remote::retry(&what, || async {
            match blob.blob_lease_client(lease).release().await {
                Ok(_) => Try::Done(Ok(())),
                Err(e) if status(&e) == Some(409) => Try::Done(Ok(())),
                Err(e) => attempt(&what, e),
            }
        })
        .await?;
        self.leases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(workspace);
        Ok(())
    }
}
