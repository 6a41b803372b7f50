//! The S3 backend's locks, as Terraform takes them: with `use_lockfile`, the object
//! `<key>.tflock` holding the lock info JSON, written only if absent (`If-None-Match: *`);
//! with `dynamodb_table`, the item `LockID = "<bucket>/<key>"` with the info JSON in `Info`,
//! put only if absent (`attribute_not_exists(LockID)`). With both, the object first, then
//! the item (the object is removed again when the item cannot be had). Unlocking checks the
//! ID in each before deleting it; the process that wrote the lock object deletes it by its
//! ETag (`If-Match`), which checks the same in one request.
//!
//! A conditional write whose answer was lost and that the SDK then retried finds its own
//! lock: a lock that holds our ID is ours.

use super::{failure, S3Store};
use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::seams::{LockGuard, Locker};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumAlgorithm;

impl S3Store {
    fn lockfile_key(&self, workspace: &str) -> String {
        format!("{}.tflock", self.path(workspace))
    }

    /// Neither lock style configured: Terraform then does not lock.
    fn locks_nothing(&self) -> bool {
        !self.settings.use_lockfile && self.settings.dynamodb_table.is_none()
    }

    /// Writes the lock object; its ETag when S3 gave one (the release then deletes exactly
    /// that object, without reading it back first).
    async fn lock_file(
        &self,
        workspace: &str,
        info: &LockInfo,
        json: &str,
    ) -> Result<Option<String>> {
        let key = self.lockfile_key(workspace);
        let mut req = self
            .s3
            .put_object()
            .bucket(&self.settings.bucket)
            .key(&key)
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(json.as_bytes().to_vec()));
        if !self.settings.skip_checksum {
            req = req.checksum_algorithm(ChecksumAlgorithm::Sha256);
        }
        match req.send().await {
            Ok(out) => Ok(out.e_tag().map(String::from)),
            Err(e)
                if matches!(
                    e.code(),
                    Some("PreconditionFailed" | "ConditionalRequestConflict")
                ) =>
            {
                let holder = self.file_holder(workspace).await.unwrap_or_default();
                if holder.id == info.id {
                    return Ok(None);
                }
                Err(StateError::Locked(Box::new(holder)))
            }
            Err(e) => Err(failure("acquiring the state lock (lock file)", &e)),
        }
    }

    async fn file_holder(&self, workspace: &str) -> Result<LockInfo> {
        let bytes = self.get(&self.lockfile_key(workspace)).await?;
        let bytes = bytes.ok_or(StateError::NotLocked)?;
        serde_json::from_slice(&bytes).map_err(StateError::Malformed)
    }

    async fn lock_item(
        &self,
        table: &str,
        workspace: &str,
        info: &LockInfo,
        json: &str,
    ) -> Result<()> {
        let put = self
            .dynamodb
            .put_item()
            .table_name(table)
            .item("LockID", AttributeValue::S(self.lock_path(workspace)))
            .item("Info", AttributeValue::S(json.to_string()))
            .condition_expression("attribute_not_exists(LockID)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => {
                let holder = self.item_holder(table, workspace).await.unwrap_or_default();
                if holder.id == info.id {
                    return Ok(());
                }
                Err(StateError::Locked(Box::new(holder)))
            }
            Err(e) => Err(failure("acquiring the state lock (DynamoDB)", &e)),
        }
    }

    async fn item_holder(&self, table: &str, workspace: &str) -> Result<LockInfo> {
        let out = self
            .dynamodb
            .get_item()
            .table_name(table)
            .key("LockID", AttributeValue::S(self.lock_path(workspace)))
            .projection_expression("LockID, Info")
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| {
                failure(
                    &format!("Unable to retrieve item from DynamoDB table {table:?}"),
                    &e,
                )
            })?;
        let info = out
            .item
            .as_ref()
            .and_then(|i| i.get("Info"))
            .and_then(|v| v.as_s().ok());
        let info = info.ok_or(StateError::NotLocked)?;
        serde_json::from_str(info).map_err(StateError::Malformed)
    }

    async fn unlock_file(&self, workspace: &str, id: &str) -> Result<()> {
        let holder = self.file_holder(workspace).await?;
        if holder.id != id {
            return Err(StateError::LockIdMismatch {
                given: id.into(),
                held: holder.id,
            });
        }
        self.s3
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(self.lockfile_key(workspace))
            .send()
            .await
            .map(drop)
            .map_err(|e| failure("failed to delete the lock file", &e))
    }

    async fn unlock_item(&self, table: &str, workspace: &str, id: &str) -> Result<()> {
        let holder = self.item_holder(table, workspace).await?;
        if holder.id != id {
            return Err(StateError::LockIdMismatch {
                given: id.into(),
                held: holder.id,
            });
        }
        self.dynamodb
            .delete_item()
            .table_name(table)
            .key("LockID", AttributeValue::S(self.lock_path(workspace)))
            .send()
            .await
            .map(drop)
            .map_err(|e| failure("releasing the state lock (DynamoDB)", &e))
    }

    /// Deletes the lock object this process wrote, known by its ETag: one conditional
    /// request instead of reading the holder back (412 when the object was replaced, as
    /// after a `force-unlock` and another's lock).
    async fn unlock_own_file(&self, workspace: &str, id: &str, etag: &str) -> Result<()> {
        let out = self
            .s3
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(self.lockfile_key(workspace))
            .if_match(etag)
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.code(), Some("PreconditionFailed")) => {
                let held = self.file_holder(workspace).await?.id;
                Err(StateError::LockIdMismatch {
                    given: id.into(),
                    held,
                })
            }
            Err(e) if matches!(e.code(), Some("NoSuchKey" | "NotFound")) => {
                Err(StateError::NotLocked)
            }
            Err(e) => Err(failure("failed to delete the lock file", &e)),
        }
    }

    /// Releases whichever of the two locks this backend takes; both are tried. `etag` is the
    /// lock object's when this process wrote it.
    async fn unlock_all(&self, workspace: &str, id: &str, etag: Option<&str>) -> Result<()> {
        let file = match (self.settings.use_lockfile, etag) {
            (false, _) => Ok(()),
            (true, Some(etag)) => self.unlock_own_file(workspace, id, etag).await,
            (true, None) => self.unlock_file(workspace, id).await,
        };
        let item = match &self.settings.dynamodb_table {
            Some(table) => self.unlock_item(table, workspace, id).await,
            None => Ok(()),
        };
        file.and(item)
    }
}

#[async_trait]
impl Locker for S3Store {
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        // Taken beside the credential check; a lock taken with credentials the check then
        // refuses is given back.
        let Some(check) = &self.credentials else {
            return self.lock_now(workspace, info).await;
        };
        match tokio::join!(check.clone(), self.lock_now(workspace, info)) {
            (Ok(()), taken) => taken,
            (Err(refused), taken) => {
                if let Ok(guard) = taken {
                    let _ = guard.release().await;
                }
                Err(StateError::Config(refused))
            }
        }
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        if self.locks_nothing() {
            return Err(StateError::NotLocked);
        }
        self.checked(self.unlock_all(workspace, id, None)).await
    }
}

impl S3Store {
    async fn lock_now(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        let info = LockInfo {
            path: self.lock_path(workspace),
            ..info.clone()
        };
        if self.locks_nothing() {
            return Ok(LockGuard::new(info.id, ()));
        }
        let json = serde_json::to_string(&info).map_err(StateError::Malformed)?;
        let etag = match self.settings.use_lockfile {
            true => self.lock_file(workspace, &info, &json).await?,
            false => None,
        };
        if let Some(table) = &self.settings.dynamodb_table {
            if let Err(e) = self.lock_item(table, workspace, &info, &json).await {
                if self.settings.use_lockfile {
                    let _ = self.unlock_file(workspace, &info.id).await;
                }
                return Err(e);
            }
        }
        let (store, ws, id) = (self.clone(), workspace.to_string(), info.id.clone());
        Ok(LockGuard::releasing(
            info.id,
            Box::new(move || {
                Box::pin(async move { store.unlock_all(&ws, &id, etag.as_deref()).await })
            }),
        ))
    }
}
