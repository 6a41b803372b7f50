//! The write and read path of a snapshot: model → [`codec`] → [`Encryptor`] → [`StateStore`],
//! and back.

use crate::codec::{self, Stamp};
use crate::error::Result;
use crate::model::{Document, Resource};
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
        self.save_with(workspace, doc, None, expected).await
    }

    /// [`Snapshots::save`] of `doc` with the resources `resources` makes in place of its own,
    /// each made as the writer reaches it.
    pub async fn save_streamed(
        &self,
        workspace: &str,
        doc: &mut Document,
        resources: &ResourceSource<'_>,
        expected: &Expected,
    ) -> Result<Stamp> {
        self.save_with(workspace, doc, Some(resources), expected)
            .await
    }

    async fn save_with(
        &self,
        workspace: &str,
        doc: &mut Document,
        resources: Option<&ResourceSource<'_>>,
        expected: &Expected,
    ) -> Result<Stamp> {
        let next = expected.next(&doc.lineage);
        doc.serial = next.serial;
        doc.lineage = next.lineage.clone();
        let doc = &*doc;
        let produce = move |w: &mut dyn std::io::Write| match resources {
            Some(made) => codec::encode_streamed_to(doc, made(), w),
            None => codec::encode_to(doc, w),
        };
        if self.encryptor.is_plaintext() {
            // Streamed into the store: a large state is never held encoded in memory.
            self.store
                .write_streamed(workspace, &produce, expected)
                .await?;
        } else {
            let mut plain = Vec::with_capacity(4096);
            produce(&mut plain)?;
            let stored = self.encryptor.encrypt(plain)?;
            self.store.write(workspace, &stored, expected).await?;
        }
        Ok(next)
    }
}

/// The resources of a snapshot, made as it is written: each call yields them all, in the
/// document's order (a store may write a snapshot more than once).
pub type ResourceSource<'a> =
    dyn Fn() -> Box<dyn Iterator<Item = Resource> + 'a> + Send + Sync + 'a;
