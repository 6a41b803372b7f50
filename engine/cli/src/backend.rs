//! The state backend of a command: glue between the command and `autostack-state`'s seams.
//! The configured store (the local backend: the only one this build has) is read through the
//! codec and the encryption stage into the raw v4 model; the journal of an interrupted apply
//! is replayed into that model without any provider; typed values are decoded from it with
//! provider schemas only by the commands that need them ([`Backend::load`]).

mod journal;

pub use journal::Journal;

use crate::session::error;
use autostack_core::addrs::InstanceAddr;
use autostack_core::apply::Intent;
use autostack_core::jsonplan::TERRAFORM_VERSION;
use autostack_core::state::{InstanceObject, OutputValue, State};
use autostack_core::statefile::{self, SchemaSource};
use autostack_lang::config::Module;
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_state::codec::{self, Stamp};
use autostack_state::local::LocalStore;
use autostack_state::model::{self, Document};
use autostack_state::rules::Expected;
use autostack_state::seams::DEFAULT_WORKSPACE;
use autostack_state::snapshots::Snapshots;
use autostack_state::{lock_within, Encryptor, LockInfo, Locker, StateError};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Holds the state lock until dropped.
pub type LockGuard = autostack_state::LockGuard;

/// The configured state storage and what was read from it.
pub struct Backend {
    store: Arc<LocalStore>,
    snapshots: Snapshots,
    workspace: String,
    /// The serial and lineage as loaded (or last written): what the next write expects.
    loaded: Mutex<Expected>,
    /// Journal payloads of the creates a killed apply left pending, as loaded.
    pending: Mutex<Vec<serde_json::Value>>,
}

impl Backend {
    /// The backend the configuration asks for (`local`, with an optional `path`), or the
    /// `-state` override.
    pub fn from_config(m: &Module, state_path: Option<&Path>) -> Result<Backend, Diagnostics> {
        let mut path = PathBuf::from("terraform.tfstate");
        if let Some(b) = &m.terraform.backend {
            if b.ty != "local" {
                return Err(Diagnostic::error("Unsupported backend type", format!("The backend {:?} is not available in this build of AutoStack; use the \"local\" backend.", b.ty), Some(b.range.clone())).into());
            }
            if let Some(a) = b.config.attr("path") {
                let mut d = Diagnostics::new();
                if let Some(p) = autostack_lang::config::eval_static(&a.expr, &mut d)
                    .and_then(|v| v.as_str().map(PathBuf::from))
                {
                    path = p;
                }
            }
        }
        if let Some(p) = state_path {
            path = p.to_path_buf();
        }
        let encryptor: Arc<dyn Encryptor> = crate::encryption::state_encryptor(m)?;
        let store = Arc::new(LocalStore::new(path).with_encryptor(encryptor.clone()));
        Ok(Backend {
            snapshots: Snapshots::new(store.clone(), encryptor),
            store,
            workspace: DEFAULT_WORKSPACE.to_string(),
            loaded: Mutex::new(Expected::default()),
            pending: Mutex::new(Vec::new()),
        })
    }

    /// Takes the exclusive lock, retrying up to `timeout`.
    pub async fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, Diagnostics> {
        let info = LockInfo::new(operation, TERRAFORM_VERSION);
        lock_within(&*self.store, &self.workspace, &info, timeout)
            .await
            .map_err(|e| error("Error acquiring the state lock", e.to_string()))
    }

    /// Removes a lock left behind, if its ID matches.
    pub async fn force_unlock(&self, id: &str) -> Result<(), Diagnostics> {
        self.store
            .unlock(&self.workspace, id)
            .await
            .map_err(|e| error("Failed to unlock state", e.to_string()))
    }

    /// Reads the snapshot as a raw document (no provider involved), replaying a journal left
    /// by an interrupted apply; returns it and how many journaled operations were recovered.
    /// A corrupt file is never modified.
    pub async fn load_document(&self) -> Result<(Document, usize), Diagnostics> {
        self.store
            .sweep(&self.workspace)
            .map_err(|e| error("Failed to load state", e.to_string()))?;
        let mut doc = self
            .snapshots
            .load(&self.workspace)
            .await
            .map_err(|e| self.state_failure(e))?
            .unwrap_or_else(|| Document::empty(TERRAFORM_VERSION));
        self.set_loaded(&Stamp {
            serial: doc.serial,
            lineage: doc.lineage.clone(),
        });
        let records = self
            .store
            .read_journal(&self.workspace)
            .map_err(|e| error("Failed to read state journal", e.to_string()))?;
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

    /// [`Backend::load_document`], decoded into typed values with the providers' schemas.
    pub async fn load(&self, schemas: &dyn SchemaSource) -> Result<(State, usize), Diagnostics> {
        let (doc, recovered) = self.load_document().await?;
        let state = statefile::decode(&doc, schemas).map_err(|e| self.decode_failure(e))?;
        Ok((state, recovered))
    }

    /// The root module outputs (no provider involved).
    pub async fn load_outputs(&self) -> Result<BTreeMap<String, OutputValue>, Diagnostics> {
        let part = self.with_snapshot(|b| codec::decode_part::<model::Outputs>(b));
        let outputs = match part.await? {
            Some(part) => part.outputs,
            None => self.load_document().await?.0.outputs,
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
            None => model::Heads::from(&self.load_document().await?.0),
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
            let (doc, _) = self.load_document().await?;
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
            .store
            .journal_path(&self.workspace)
            .map_err(|e| error("Failed to read state journal", e.to_string()))?;
        if journal.exists() {
            return Ok(None);
        }
        let bytes = match self.snapshots.read_bytes(&self.workspace).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => codec::encode(&Document::empty(TERRAFORM_VERSION))
                .map_err(|e| self.state_failure(e))?,
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
        schemas: &dyn SchemaSource,
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
        self.store
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
            .store
            .open_journal(&self.workspace)
            .map_err(|e| error("Failed to open state journal", e.to_string()))?;
        let lineage = if base.lineage.is_empty() {
            autostack_state::rules::new_lineage()
        } else {
            base.lineage.clone()
        };
        Ok(Journal::new(inner, lineage, schemas))
    }

    /// Writes a new snapshot (serial + 1; a lineage for a new state), keeping the previous
    /// one as `.backup`; refuses to overwrite a newer or foreign state.
    pub async fn persist(
        &self,
        state: &mut State,
        schemas: &dyn SchemaSource,
    ) -> Result<(), Diagnostics> {
        let mut doc = statefile::encode(state, schemas);
        let stamp = self.persist_document(&mut doc).await?;
        state.serial = stamp.serial;
        state.lineage = stamp.lineage;
        Ok(())
    }

    /// Writes `doc` as the next snapshot (see [`Backend::persist`]).
    pub async fn persist_document(&self, doc: &mut Document) -> Result<Stamp, Diagnostics> {
        let expected = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let stamp = self
            .snapshots
            .save(&self.workspace, doc, &expected)
            .await
            .map_err(|e| error("Failed to persist state", e.to_string()))?;
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
        use autostack_state::History;
        let stored = self.store.append_history(&self.workspace, record).await;
        stored.map_err(|e| error("Failed to record the cost history", e.to_string()))
    }

    /// This workspace's history records, oldest first.
    pub async fn history(&self) -> Result<Vec<Vec<u8>>, Diagnostics> {
        use autostack_state::History;
        let read = self.store.history(&self.workspace).await;
        read.map_err(|e| error("Failed to read the cost history", e.to_string()))
    }
}
