//! The state versions of the backend's workspace (see `autostack_state::versions` for where
//! each backend keeps them, [`crate::versions`] for what they record).

use super::Backend;
use crate::session::error;
use crate::versions::{decode_meta, Meta};
use autostack_lang::Diagnostics;

impl Backend {
    /// Keeps a version (its listing entry and body), keeping only the last `keep`.
    pub async fn keep_version(
        &self,
        meta: &Meta,
        body: &[u8],
        keep: usize,
    ) -> Result<(), Diagnostics> {
        let meta_bytes = serde_json::to_vec(meta).unwrap_or_default();
        let kept = self
            .storage
            .versions
            .keep_version(&self.workspace, meta.serial, &meta_bytes, body, keep)
            .await;
        kept.map_err(|e| error("Failed to record the state version", e.to_string()))
    }

    /// The kept versions' listing entries, oldest first.
    pub async fn versions(&self) -> Result<Vec<Meta>, Diagnostics> {
        let fail = |detail: String| error("Failed to read the state history", detail);
        let listed = self.storage.versions.versions(&self.workspace).await;
        let location = self.storage.versions.versions_location(&self.workspace);
        let mut out = Vec::new();
        for (serial, bytes) in listed.map_err(|e| fail(e.to_string()))? {
            let meta =
                decode_meta(&bytes).map_err(|e| fail(format!("{location}: {serial}: {e}")))?;
            out.push(meta);
        }
        Ok(out)
    }

    /// The body of version `serial`, `None` when it is not kept.
    pub async fn version_body(&self, serial: u64) -> Result<Option<Vec<u8>>, Diagnostics> {
        let read = self
            .storage
            .versions
            .version_body(&self.workspace, serial)
            .await;
        read.map_err(|e| error("Failed to read the state history", e.to_string()))
    }

    /// Where this workspace's versions are kept, for messages.
    pub fn versions_location(&self) -> String {
        self.storage.versions.versions_location(&self.workspace)
    }
}
