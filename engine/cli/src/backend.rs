//! The state backend of a command: glue between the command and `autostack-state`'s seams.
//! The configured backend (see [`settings`]: a store, a locker and a history built from the
//! backend block's arguments) is read through the codec and the encryption stage into the
//! raw v4 model; the journal of an interrupted apply (kept on this machine whatever the
//! backend) is replayed into that model without any provider, and the recovered state is
//! written back (uploaded, for a remote backend); typed values are decoded from it with
//! provider schemas only by the commands that need them ([`Backend::load`]). During an apply
//! on a remote backend, a [`flusher`] uploads the journaled progress at most every few
//! seconds, not once per resource.

pub mod flusher;
mod journal;
pub mod settings;
mod versions;

pub use journal::Journal;

use crate::session::error;
use autostack_core::addrs::InstanceAddr;
use autostack_core::apply::Intent;
use autostack_core::jsonplan::TERRAFORM_VERSION;
use autostack_core::state::{InstanceObject, OutputValue, State};
use autostack_core::statefile::{self, SchemaSource};
use autostack_lang::config::Module;
use autostack_lang::Diagnostics;
use autostack_state::backends::{self, local_storage, OpenOptions, Storage};
use autostack_state::codec::{self, Stamp};
use autostack_state::local::LocalStore;
use autostack_state::model::{self, Document};
use autostack_state::rules::Expected;
use autostack_state::snapshots::Snapshots;
use autostack_state::{lock_within, Encryptor, LockInfo, StateError};
use serde_json::value::RawValue;
use settings::BackendChoice;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Holds the state lock until dropped.
pub type LockGuard = autostack_state::LockGuard;

/// The configured state storage and what was read from it.
pub struct Backend {
    storage: Storage,
    snapshots: Snapshots,
    workspace: String,
    /// The serial and lineage as loaded (or last written): what the next write expects.
    loaded: Arc<Mutex<Expected>>,
    /// Journal payloads of the creates a killed apply left pending, as loaded.
    pending: Mutex<Vec<serde_json::Value>>,
}

/// The encryption stage of a configuration's state: plaintext unless the `encryption` block
/// or `TF_ENCRYPTION` encrypts it (see [`crate::encryption`]).
pub fn encryptor_for(m: &Module) -> Result<Arc<dyn Encryptor>, Diagnostics> {
    crate::encryption::state_encryptor(m)
}

impl Backend {
    /// The backend the configuration asks for (see [`settings::for_command`]) on the
    /// selected workspace, or the local file `-state` names.
    pub async fn from_config(
        m: &Module,
        state_path: Option<&Path>,
    ) -> Result<Backend, Diagnostics> {
        let encryptor = encryptor_for(m)?;
        let workspace = settings::current_workspace();
        if let Some(p) = state_path {
            let store = LocalStore::new(p).with_encryptor(encryptor.clone());
            return Ok(Backend::new(
                local_storage(Arc::new(store)),
                encryptor,
                workspace,
            ));
        }
        let choice = settings::for_command(m)?;
        Backend::open(&choice, encryptor, workspace).await
    }

    /// Opens the backend `choice` names, on `workspace`.
    pub async fn open(
        choice: &BackendChoice,
        encryptor: Arc<dyn Encryptor>,
        workspace: String,
    ) -> Result<Backend, Diagnostics> {
        let opts = OpenOptions {
            encryptor: encryptor.clone(),
            data_dir: settings::data_dir(),
        };
        let storage = backends::open(&choice.ty, &choice.config, &opts)
            .await
            .map_err(|e| {
                error(
                    &format!("Failed to configure the backend {:?}", choice.ty),
                    e.to_string(),
                )
            })?;
        Ok(Backend::new(storage, encryptor, workspace))
    }

    fn new(storage: Storage, encryptor: Arc<dyn Encryptor>, workspace: String) -> Backend {
        Backend {
            snapshots: Snapshots::new(storage.store.clone(), encryptor),
            storage,
            workspace,
            loaded: Arc::new(Mutex::new(Expected::default())),
            pending: Mutex::new(Vec::new()),
        }
    }

    /// The same backend on another workspace.
    pub fn on_workspace(&self, workspace: &str) -> Backend {
        Backend {
            snapshots: self.snapshots.clone(),
            storage: self.storage.clone(),
            workspace: workspace.to_string(),
            loaded: Arc::new(Mutex::new(Expected::default())),
            pending: Mutex::new(Vec::new()),
        }
    }

    /// The workspaces that exist: `default` first, then the others sorted.
    pub async fn workspaces(&self) -> Result<Vec<String>, Diagnostics> {
        self.storage
            .store
            .list()
            .await
            .map_err(|e| error("Failed to get configured named states", e.to_string()))
    }

    /// Removes `workspace` and its state.
    pub async fn delete_workspace(&self, workspace: &str) -> Result<(), Diagnostics> {
        self.storage
            .store
            .delete(workspace)
            .await
            .map_err(|e| error("Failed to delete workspace", e.to_string()))?;
        let journal = self.storage.files.rewrite_journal(workspace, &[]);
        journal.map_err(|e| error("Failed to delete workspace", e.to_string()))
    }

    /// Where `workspace`'s state is kept (a path, a URL), for messages.
    pub fn location(&self, workspace: &str) -> String {
        self.storage.store.location(workspace)
    }

    /// Writes `doc` as this workspace's state with its own serial and lineage (a copy made
    /// elsewhere), over what [`Backend::load_document`] read.
    pub async fn write_as_is(&self, doc: &Document) -> Result<(), Diagnostics> {
        let expected = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let written = self
            .snapshots
            .write_as_is(&self.workspace, doc, &expected)
            .await;
        written.map_err(|e| error("Failed to persist state", e.to_string()))?;
        self.set_loaded(&Stamp {
            serial: doc.serial,
            lineage: doc.lineage.clone(),
        });
        Ok(())
    }

    /// Makes `workspace` exist: the local backend's directory, or an empty state where only a
    /// state makes a workspace (as Terraform's remote backends do).
    pub async fn create_workspace(&self) -> Result<(), Diagnostics> {
        let fail = |e: StateError| error("Failed to create workspace", e.to_string());
        if self
            .storage
            .files
            .prepare_workspace(&self.workspace)
            .map_err(fail)?
        {
            return Ok(());
        }
        let mut doc = Document::empty(TERRAFORM_VERSION);
        self.load_document().await?;
        self.persist_document(&mut doc).await.map(drop)
    }

    /// True when the state lives elsewhere than this disk.
    pub fn is_remote(&self) -> bool {
        self.storage.is_remote()
    }

    /// Takes the exclusive lock, retrying up to `timeout`.
    pub async fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, Diagnostics> {
        let info = LockInfo::new(operation, TERRAFORM_VERSION);
        lock_within(&*self.storage.locker, &self.workspace, &info, timeout)
            .await
            .map_err(|e| error("Error acquiring the state lock", e.to_string()))
    }

    /// Removes a lock left behind, if its ID matches.
    pub async fn force_unlock(&self, id: &str) -> Result<(), Diagnostics> {
        self.storage
            .locker
            .unlock(&self.workspace, id)
            .await
            .map_err(|e| error("Failed to unlock state", e.to_string()))
    }

    /// Reads the snapshot as a raw document (no provider involved), replaying a journal left
    /// by an interrupted apply, and stores the recovered state (callers hold the lock);
    /// returns it and how many journaled operations were recovered. A corrupt file is never
    /// modified.
    pub async fn load_document(&self) -> Result<(Document, usize), Diagnostics> {
        self.storage
            .files
            .sweep(&self.workspace)
            .map_err(|e| error("Failed to load state", e.to_string()))?;
        let (mut doc, records) = self.snapshot_and_journal().await?;
        self.set_loaded(&Stamp {
            serial: doc.serial,
            lineage: doc.lineage.clone(),
        });
        let recovered = journal::replay(&mut doc, &records);
        if recovered > 0 {
            self.persist_document(&mut doc).await?;
        }
        let pending: Vec<serde_json::Value> = autostack_state::journal::pending(&records)
            .into_iter()
            .filter(|d| doc.lineage.is_empty() || d["lineage"] == doc.lineage.as_str())
            .filter(|d| journal::intent_of(&d["intent"]).is_some())
            .collect();
        // The snapshot now holds every finished operation; only pending creates stay (an
        // empty journal, left by an apply killed before its first record, goes).
        self.keep_in_journal(&pending)?;
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = pending;
        Ok((doc, recovered))
    }

    /// The state as [`Backend::load_document`] recovers it, for commands that only read
    /// (`state pull`, `output`, `show`): the journal is replayed in memory and nothing is
    /// written, since they hold no lock (an azurerm lease would refuse the write; elsewhere it
    /// could race the lock's holder). The next locking command stores the recovery.
    pub async fn read_document(&self) -> Result<Document, Diagnostics> {
        let (mut doc, records) = self.snapshot_and_journal().await?;
        journal::replay(&mut doc, &records);
        Ok(doc)
    }

    /// The stored snapshot (an empty document when there is none) and the journal's records.
    async fn snapshot_and_journal(&self) -> Result<(Document, Vec<Vec<u8>>), Diagnostics> {
        let doc = self
            .snapshots
            .load(&self.workspace)
            .await
            .map_err(|e| self.state_failure(e))?
            .unwrap_or_else(|| Document::empty(TERRAFORM_VERSION));
        let records = self
            .storage
            .files
            .read_journal(&self.workspace)
            .map_err(|e| error("Failed to read state journal", e.to_string()))?;
        Ok((doc, records))
    }

    /// [`Backend::load_document`], decoded into typed values with the providers' schemas.
    pub async fn load(&self, schemas: &dyn SchemaSource) -> Result<(State, usize), Diagnostics> {
        let (doc, recovered) = self.load_document().await?;
        let state = statefile::decode_owned(doc, schemas).map_err(|e| self.decode_failure(e))?;
        Ok((state, recovered))
    }

    /// [`Backend::read_document`], decoded with the providers' schemas.
    pub async fn read(&self, schemas: &dyn SchemaSource) -> Result<State, Diagnostics> {
        let doc = self.read_document().await?;
        statefile::decode_owned(doc, schemas).map_err(|e| self.decode_failure(e))
    }

    /// The root module outputs (no provider involved).
    pub async fn load_outputs(&self) -> Result<BTreeMap<String, OutputValue>, Diagnostics> {
        let part = self.with_snapshot(|b| codec::decode_part::<model::Outputs>(b));
        let outputs = match part.await? {
            Some(part) => part.outputs,
            None => self.read_document().await?.outputs,
        };
        statefile::decode_outputs(&outputs).map_err(|e| self.decode_failure(e))
    }

    /// The address of every resource instance, in order (no provider involved).
    pub async fn load_addresses(&self) -> Result<Vec<InstanceAddr>, Diagnostics> {
        let heads = match self
            .with_snapshot(|b| codec::decode_part::<model::Heads>(b))
            .await?
        {
            Some(part) => part,
            None => model::Heads::from(&self.read_document().await?),
        };
        statefile::addresses(&heads).map_err(|e| self.decode_failure(e))
    }

    /// Writes the state document to `w` as Terraform lays it out (`state pull`).
    pub async fn pull(&self, mut w: impl Write) -> Result<(), Diagnostics> {
        let streamed = self.with_snapshot(|b| {
            // Raw values borrowed from the input: nothing is copied on the way through.
            let doc: Document<&RawValue> = codec::decode_part(b)?;
            codec::encode_to(&doc, &mut w)
        });
        if streamed.await?.is_none() {
            let doc = self.read_document().await?;
            codec::encode_to(&doc, &mut w).map_err(|e| self.state_failure(e))?;
        }
        w.flush()
            .map_err(|e| error("Failed to write state", e.to_string()))
    }

    /// `read` applied to the snapshot's bytes when there is no journal to replay first (so
    /// the bytes are the whole state); `None` when there is one (then load the document).
    async fn with_snapshot<T>(
        &self,
        read: impl FnOnce(&[u8]) -> Result<T, StateError>,
    ) -> Result<Option<T>, Diagnostics> {
        let journal = self
            .storage
            .files
            .journal_path(&self.workspace)
            .map_err(|e| error("Failed to read state journal", e.to_string()))?;
        if journal.exists() {
            return Ok(None);
        }
        let bytes = match self.snapshots.read_bytes(&self.workspace).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => codec::encode(&Document::empty(TERRAFORM_VERSION))
                .map_err(|e| self.state_failure(e))?
                .into(),
            Err(e) => return Err(self.state_failure(e)),
        };
        read(&bytes).map(Some).map_err(|e| self.state_failure(e))
    }

    /// A state error as a command reports it.
    fn state_failure(&self, e: StateError) -> Diagnostics {
        match e {
            StateError::Encode(_) => error("Failed to write state", e.to_string()),
            _ => {
                let location = self.snapshots.store().location(&self.workspace);
                error("Failed to load state", located(&location, &e))
            }
        }
    }

    /// The object at `addr` in `doc` alone, typed by its provider's schema (no other is
    /// decoded).
    pub fn decode_instance(
        &self,
        doc: &Document,
        addr: &InstanceAddr,
        schemas: &dyn SchemaSource,
    ) -> Result<Option<InstanceObject>, Diagnostics> {
        statefile::decode_one(doc, addr, schemas).map_err(|e| self.decode_failure(e))
    }

    fn decode_failure(&self, e: String) -> Diagnostics {
        let location = self.snapshots.store().location(&self.workspace);
        error("Failed to load state", format!("{location}: {e}"))
    }

    /// The creates a killed apply left pending (found by the last `load`), to resolve through
    /// their providers.
    pub fn pending_intents(&self) -> Vec<Intent> {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .iter()
            .filter_map(|d| journal::intent_of(&d["intent"]))
            .collect()
    }

    /// Writes the state after pending intents were resolved and keeps in the journal only
    /// those still unresolved (indexes into [`Backend::pending_intents`]).
    pub async fn settle_intents(
        &self,
        state: &mut State,
        schemas: &(dyn SchemaSource + Sync),
        unresolved: &[usize],
    ) -> Result<(), Diagnostics> {
        self.persist(state, schemas).await?;
        let keep: Vec<serde_json::Value> = {
            let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            unresolved
                .iter()
                .filter_map(|&i| pending.get(i).cloned())
                .collect()
        };
        self.keep_in_journal(&keep)?;
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = keep;
        Ok(())
    }

    fn keep_in_journal(&self, payloads: &[serde_json::Value]) -> Result<(), Diagnostics> {
        let bytes: Vec<Vec<u8>> = payloads
            .iter()
            .map(|d| serde_json::to_vec(d).unwrap_or_default())
            .collect();
        self.storage
            .files
            .rewrite_journal(&self.workspace, &bytes)
            .map_err(|e| error("Failed to write state journal", e.to_string()))
    }

    /// Opens the journal for an apply starting from `base`.
    pub fn journal<'a>(
        &self,
        base: &State,
        schemas: &'a (dyn SchemaSource + Sync),
    ) -> Result<Journal<'a>, Diagnostics> {
        let inner = self
            .storage
            .files
            .open_journal(&self.workspace)
            .map_err(|e| error("Failed to open state journal", e.to_string()))?;
        let lineage = if base.lineage.is_empty() {
            autostack_state::rules::new_lineage()
        } else {
            base.lineage.clone()
        };
        Ok(Journal::new(inner, lineage, schemas))
    }

    /// For a remote backend, starts uploading the apply's progress from `base` (the state the
    /// apply starts from, journaled under `lineage`) at most every few seconds.
    pub fn start_flusher(
        &self,
        base: &State,
        schemas: &dyn SchemaSource,
        lineage: &str,
    ) -> Option<flusher::Flusher> {
        if !self.is_remote() {
            return None;
        }
        let mut doc = statefile::encode(base, schemas);
        doc.lineage = lineage.to_string();
        let target = flusher::Target {
            snapshots: self.snapshots.clone(),
            workspace: self.workspace.clone(),
            loaded: self.loaded.clone(),
        };
        Some(flusher::Flusher::start(target, doc, flusher::interval()))
    }

    /// Writes a new snapshot (serial + 1; a lineage for a new state), keeping the previous
    /// one as `.backup`; refuses to overwrite a newer or foreign state.
    pub async fn persist(
        &self,
        state: &mut State,
        schemas: &(dyn SchemaSource + Sync),
    ) -> Result<(), Diagnostics> {
        let stamp = match statefile::ResourceRuns::of(state) {
            // Each resource encoded as the writer reaches it.
            Some(runs) => {
                let mut head = statefile::encode_head(state);
                let made =
                    || -> Box<dyn Iterator<Item = _> + '_> { Box::new(runs.resources(schemas)) };
                self.persist_snapshot(&mut head, Some(&made)).await?
            }
            None => {
                self.persist_document(&mut statefile::encode(state, schemas))
                    .await?
            }
        };
        state.serial = stamp.serial;
        state.lineage = stamp.lineage;
        Ok(())
    }

    /// Writes `doc` as the next snapshot (see [`Backend::persist`]).
    pub async fn persist_document(&self, doc: &mut Document) -> Result<Stamp, Diagnostics> {
        self.persist_snapshot(doc, None).await
    }

    /// Writes `head` as the next snapshot, with the resources `made` makes in place of its own
    /// when given, and remembers its stamp for the next write.
    async fn persist_snapshot(
        &self,
        head: &mut Document,
        made: Option<&autostack_state::snapshots::ResourceSource<'_>>,
    ) -> Result<Stamp, Diagnostics> {
        let expected = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let saved = match made {
            Some(made) => {
                (self.snapshots)
                    .save_streamed(&self.workspace, head, made, &expected)
                    .await
            }
            None => self.snapshots.save(&self.workspace, head, &expected).await,
        };
        let stamp = saved.map_err(|e| error("Failed to persist state", e.to_string()))?;
        self.set_loaded(&stamp);
        Ok(stamp)
    }

    fn set_loaded(&self, stamp: &Stamp) {
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) = Expected::read(stamp);
    }
}

/// A state error with where the state is: `path:line:col: ...` for JSON syntax (as
/// compilers put it), `path: ...` otherwise (I/O errors name their file already).
fn located(location: &str, e: &StateError) -> String {
    match e {
        StateError::InvalidJson { .. } => format!("{location}:{e}"),
        StateError::Io { .. } => e.to_string(),
        _ => format!("{location}: {e}"),
    }
}

impl Backend {
    /// Appends one record to this workspace's history (kept beside the state).
    pub async fn append_history(&self, record: &[u8]) -> Result<(), Diagnostics> {
        let stored = self
            .storage
            .history
            .append_history(&self.workspace, record)
            .await;
        stored.map_err(|e| error("Failed to record the cost history", e.to_string()))
    }

    /// This workspace's history records, oldest first.
    pub async fn history(&self) -> Result<Vec<Vec<u8>>, Diagnostics> {
        let read = self.storage.history.history(&self.workspace).await;
        read.map_err(|e| error("Failed to read the cost history", e.to_string()))
    }
}
