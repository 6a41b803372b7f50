//! State versions in S3: two objects per version beside the state object,
//! `<key>.versions/<serial>.meta` and `.body`, stored through the encryptor (and with the
//! backend's server-side encryption settings, as the state is).

use super::{failure, S3Store};
use crate::error::Result;
use crate::versions::{beyond, part_name, serial_of, Versions};
use async_trait::async_trait;

impl S3Store {
    /// The key prefix of `workspace`'s versions.
    fn versions_prefix(&self, workspace: &str) -> String {
        format!("{}.versions/", self.path(workspace))
    }

    /// The serials of `workspace`'s kept metas, ascending.
    async fn version_serials(&self, workspace: &str) -> Result<Vec<u64>> {
        let prefix = self.versions_prefix(workspace);
        let mut serials = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.settings.bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| failure("listing the state versions", &e))?;
            for obj in page.contents() {
                let name = obj.key().and_then(|k| k.strip_prefix(&prefix));
                serials.extend(name.and_then(|n| serial_of(n, "meta")));
            }
        }
        serials.sort_unstable();
        Ok(serials)
    }

    async fn delete_key(&self, key: &str) -> Result<()> {
        self.s3
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(key)
            .send()
            .await
            .map(drop)
            .map_err(|e| failure("deleting an old state version", &e))
    }
}

#[async_trait]
impl Versions for S3Store {
    fn versions_location(&self, workspace: &str) -> String {
        format!(
            "s3://{}/{}",
            self.settings.bucket,
            self.versions_prefix(workspace)
        )
    }

    async fn keep_version(
        &self,
        workspace: &str,
        serial: u64,
        meta: &[u8],
        body: &[u8],
        keep: usize,
    ) -> Result<()> {
        let prefix = self.versions_prefix(workspace);
        // The body first: a listed meta always has its body.
        for (part, bytes) in [("body", body), ("meta", meta)] {
            let stored = self.encryptor.encrypt(bytes.to_vec())?;
            self.put(&format!("{prefix}{}", part_name(serial, part)), stored)
                .await?;
        }
        let serials = self.version_serials(workspace).await?;
        for s in beyond(&serials, keep) {
            self.delete_key(&format!("{prefix}{}", part_name(*s, "meta")))
                .await?;
            self.delete_key(&format!("{prefix}{}", part_name(*s, "body")))
                .await?;
        }
        Ok(())
    }

    async fn versions(&self, workspace: &str) -> Result<Vec<(u64, Vec<u8>)>> {
        let prefix = self.versions_prefix(workspace);
        let mut out = Vec::new();
        for serial in self.version_serials(workspace).await? {
            let key = format!("{prefix}{}", part_name(serial, "meta"));
            if let Some(stored) = self.get(&key).await? {
                out.push((serial, self.encryptor.decrypt(stored)?));
            }
        }
        Ok(out)
    }

    async fn version_body(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>> {
        let key = format!(
            "{}{}",
            self.versions_prefix(workspace),
            part_name(serial, "body")
        );
        match self.get(&key).await? {
            Some(stored) => self.encryptor.decrypt(stored).map(Some),
            None => Ok(None),
        }
    }
}
