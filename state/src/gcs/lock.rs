//! The gcs lock: `PREFIX/W.tflock` created only if absent, holding the lock info JSON, its
//! generation the lock's ID (Terraform's: `force-unlock GENERATION` works on either's lock).

use super::GcsStore;
use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::remote::ReleaseOnDrop;
use crate::seams::{LockGuard, Locker};
use async_trait::async_trait;
use std::sync::Arc;

impl GcsStore {
    /// The holder of `workspace`'s lock (its ID the lock object's generation), `None` when
    /// it is not locked.
    pub async fn lock_holder(&self, workspace: &str) -> Result<Option<LockInfo>> {
        let Some((bytes, generation)) = self.get(&self.lock_object(workspace)?).await? else {
            return Ok(None);
        };
        let mut info: LockInfo = serde_json::from_slice(&bytes).unwrap_or_default();
        info.id = generation.to_string();
        Ok(Some(info))
    }

    fn lock_url(&self, workspace: &str) -> String {
        format!("gs://{}/{}{workspace}.tflock", self.bucket, self.prefix)
    }
}

#[async_trait]
impl Locker for Arc<GcsStore> {
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        let name = self.lock_object(workspace)?;
        let info = LockInfo {
            path: self.lock_url(workspace),
            ..info.clone()
        };
        let json = serde_json::to_vec(&info).map_err(StateError::Encode)?;
        let generation = match self.put_if(&name, &json, 0).await? {
            Some(g) => g,
            None => match self.get(&name).await? {
                // A retried create whose first attempt had landed: the lock is ours.
                Some((held, g)) if held == json => g,
                Some((held, g)) => {
                    let mut holder: LockInfo = serde_json::from_slice(&held).unwrap_or_default();
                    holder.id = g.to_string();
                    return Err(StateError::Locked(Box::new(holder)));
                }
                None => {
                    return Err(StateError::Remote(format!(
                        "{}: the lock vanished while it was taken; try again",
                        self.lock_url(workspace)
                    )))
                }
            },
        };
        let store = self.clone();
        let release = ReleaseOnDrop::new(async move {
            let _ = store.delete_object(&name, Some(generation)).await;
        });
        Ok(LockGuard::new(generation.to_string(), release))
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        let generation: i64 = id.parse().map_err(|_| {
            StateError::Remote(format!("Lock ID should be numerical value, got '{id}'"))
        })?;
        let Some(holder) = self.lock_holder(workspace).await? else {
            return Err(StateError::NotLocked);
        };
        if holder.id != id {
            return Err(StateError::LockIdMismatch {
                given: id.to_string(),
                held: holder.id,
            });
        }
        match self
            .delete_object(&self.lock_object(workspace)?, Some(generation))
            .await?
        {
            true => Ok(()),
            false => Err(StateError::NotLocked),
        }
    }
}
