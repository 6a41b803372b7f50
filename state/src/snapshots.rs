//! The write and read path of a snapshot: model → [`codec`] → [`Encryptor`] → [`StateStore`],
//! and back.

use crate::codec::{self, Stamp};
use crate::error::Result;
use crate::model::Document;
use crate::rules::Expected;
use crate::seams::{Encryptor, StateStore};
use crate::stored::Stored;
use std::sync::Arc;

/// A store seen through the codec and the encryption stage.
#[derive(Clone)]
pub struct Snapshots {
    store: Arc<dyn StateStore>,
    encryptor: Arc<dyn Encryptor>,
}

impl Snapshots {
    /// Snapshots kept in `store`, encrypted by `encryptor`.
    pub fn new(store: Arc<dyn StateStore>, encryptor: Arc<dyn Encryptor>) -> Snapshots {
        Snapshots { store, encryptor }
    }

    /// The store.
    pub fn store(&self) -> &dyn StateStore {
        &*self.store
    }

    /// The decrypted, still encoded snapshot of `workspace` (`None`: no state yet).
    pub async fn read_bytes(&self, workspace: &str) -> Result<Option<Stored>> {
        match self.store.read_stored(workspace).await? {
            Some(stored) => self.encryptor.decrypt_stored(stored).map(Some),
            None => Ok(None),
        }
    }

    /// The snapshot of `workspace` (`None`: no state yet).
    pub async fn load(&self, workspace: &str) -> Result<Option<Document>> {
        match self.read_bytes(workspace).await? {
            Some(plain) => codec::decode(&plain).map(Some),
            None => Ok(None),
        }
    }

    /// Writes `doc` with its own serial and lineage (a copy of a state made elsewhere: state
    /// migration), refusing as [`Snapshots::save`] does when the store no longer holds what
    /// `expected` names.
    pub async fn write_as_is(
        &self,
        workspace: &str,
        doc: &Document,
        expected: &Expected,
    ) -> Result<()> {
        let stored = self.encryptor.encrypt(codec::encode(doc)?)?;
        self.store.write(workspace, &stored, expected).await
    }

    /// Writes `doc` as `workspace`'s next snapshot: its serial and lineage are set from
    /// `expected` (see [`Expected::next`]), and the store refuses when it no longer holds what
    /// `expected` names. Returns the new snapshot's stamp.
    pub async fn save(
        &self,
        workspace: &str,
        doc: &mut Document,
        expected: &Expected,
    ) -> Result<Stamp> {
        let next = expected.next(&doc.lineage);
        doc.serial = next.serial;
        doc.lineage = next.lineage.clone();
        if self.encryptor.is_plaintext() {
            // Streamed into the store: a large state is never held encoded in memory.
            let doc = &*doc;
            let produce = move |w: &mut dyn std::io::Write| codec::encode_to(doc, w);
            self.store
                .write_streamed(workspace, &produce, expected)
                .await?;
        } else {
            let stored = self.encryptor.encrypt(codec::encode(doc)?)?;
            self.store.write(workspace, &stored, expected).await?;
        }
        Ok(next)
    }
}
