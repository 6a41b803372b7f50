//! The state backend of a command: where the state is (the local backend of
//! `autostack-state`), and the conversion between its documents and the engine's typed
//! [`State`] (which needs provider schemas).

use crate::session::error;
use autostack_core::addrs::InstanceAddr;
use autostack_core::apply::{Intent, StateSink};
use autostack_core::state::{InstanceObject, State};
use autostack_core::statefile::{self, SchemaSource};
use autostack_lang::config::Module;
use autostack_lang::value::json::{decode_full, encode_full};
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_state::journal;
use autostack_state::local::LocalState;
use autostack_state::lock::{self, StateLock};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Holds the state lock until dropped.
pub type LockGuard = StateLock;

/// The configured state storage and what was read from it.
pub struct Backend {
    local: LocalState,
    /// The serial and lineage as loaded, for the overwrite checks.
    loaded: Mutex<(u64, String)>,
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
        Ok(Backend {
            local: LocalState::new(path),
            loaded: Mutex::new((0, String::new())),
            pending: Mutex::new(Vec::new()),
        })
    }

    /// Takes the exclusive lock, retrying up to `timeout`.
    pub fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, Diagnostics> {
        lock::acquire(
            &self.local.path,
            operation,
            autostack_core::jsonplan::TERRAFORM_VERSION,
            timeout,
        )
        .map_err(|e| error("Error acquiring the state lock", e))
    }

    /// Removes a lock left behind, if its ID matches.
    pub fn force_unlock(&self, id: &str) -> Result<(), Diagnostics> {
        lock::force_unlock(&self.local.path, id).map_err(|e| error("Failed to unlock state", e))
    }

    /// Reads the snapshot, replaying a journal left by an interrupted apply; returns the state
    /// and how many journaled operations were recovered. A corrupt file is never modified.
    pub fn load(&self, schemas: &dyn SchemaSource) -> Result<(State, usize), Diagnostics> {
        let path = self.local.path.display().to_string();
        let text = self
            .local
            .read()
            .map_err(|e| error("Failed to load state", format!("{path}: {e}")))?;
        let mut state = match text {
            None => State::default(),
            Some(text) => {
                let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                    error(
                        "Failed to load state",
                        format!(
                            "{path}:{}:{}: the state file is not valid JSON: {e}",
                            e.line(),
                            e.column()
                        ),
                    )
                })?;
                statefile::decode(&doc, schemas)
                    .map_err(|e| error("Failed to load state", format!("{path}: {e}")))?
            }
        };
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) =
            (state.serial, state.lineage.clone());
        let records = journal::read(&self.local.journal_path())
            .map_err(|e| error("Failed to read state journal", e.to_string()))?;
        let recovered = replay(&mut state, &records, schemas);
        if recovered > 0 {
            self.persist(&mut state, schemas)?;
        }
        let pending: Vec<serde_json::Value> = journal::pending(&records)
            .into_iter()
            .filter(|d| state.lineage.is_empty() || d["lineage"] == state.lineage.as_str())
            .filter(|d| intent_of(&d["intent"]).is_some())
            .collect();
        // The snapshot now holds every finished operation; only pending creates stay (an
        // empty journal, left by an apply killed before its first record, goes).
        self.keep_in_journal(&pending)?;
        *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = pending;
        Ok((state, recovered))
    }

    /// The creates a killed apply left pending (found by the last `load`), to resolve through
    /// their providers.
    pub fn pending_intents(&self) -> Vec<Intent> {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .iter()
            .filter_map(|d| intent_of(&d["intent"]))
            .collect()
    }

    /// Writes the state after pending intents were resolved and keeps in the journal only
    /// those still unresolved (indexes into [`Backend::pending_intents`]).
    pub fn settle_intents(
        &self,
        state: &mut State,
        schemas: &dyn SchemaSource,
        unresolved: &[usize],
    ) -> Result<(), Diagnostics> {
        self.persist(state, schemas)?;
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let keep: Vec<serde_json::Value> = unresolved
            .iter()
            .filter_map(|&i| pending.get(i).cloned())
            .collect();
        self.keep_in_journal(&keep)?;
        *pending = keep;
        Ok(())
    }

    fn keep_in_journal(&self, payloads: &[serde_json::Value]) -> Result<(), Diagnostics> {
        let bytes: Vec<Vec<u8>> = payloads
            .iter()
            .map(|d| serde_json::to_vec(d).unwrap_or_default())
            .collect();
        journal::rewrite(&self.local.journal_path(), &bytes)
            .map_err(|e| error("Failed to write state journal", e.to_string()))
    }

    /// Opens the journal for an apply starting from `base`.
    pub fn journal<'a>(
        &self,
        base: &State,
        schemas: &'a (dyn SchemaSource + Sync),
    ) -> Result<Journal<'a>, Diagnostics> {
        let inner = journal::Journal::open(&self.local.journal_path())
            .map_err(|e| error("Failed to open state journal", e.to_string()))?;
        let lineage = if base.lineage.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            base.lineage.clone()
        };
        Ok(Journal {
            inner,
            lineage,
            schemas,
        })
    }

    /// Writes a new snapshot (serial + 1; a lineage for a new state), keeping the previous
    /// one as `.backup`; refuses to overwrite a newer or foreign state.
    pub fn persist(
        &self,
        state: &mut State,
        schemas: &dyn SchemaSource,
    ) -> Result<(), Diagnostics> {
        let (loaded_serial, loaded_lineage) = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if state.lineage.is_empty() {
            state.lineage = if loaded_lineage.is_empty() {
                uuid::Uuid::new_v4().to_string()
            } else {
                loaded_lineage.clone()
            };
        }
        state.serial = loaded_serial + 1;
        let text = serde_json::to_string_pretty(&statefile::encode(state, schemas))
            .unwrap_or_default()
            + "\n";
        self.local
            .write(&text, loaded_serial, &loaded_lineage)
            .map_err(|e| error("Failed to persist state", e))?;
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) =
            (state.serial, state.lineage.clone());
        Ok(())
    }
}

/// Applies journal records (in order) to a state; returns how many were applied.
fn replay(state: &mut State, records: &[Vec<u8>], schemas: &dyn SchemaSource) -> usize {
    let mut n = 0;
    for rec in records {
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(rec) else {
            break;
        };
        if doc.get("addr").is_none() {
            // An intent or a resolution: see `journal::pending`.
            continue;
        }
        let lineage = doc["lineage"].as_str().unwrap_or_default();
        if !state.lineage.is_empty() && lineage != state.lineage {
            continue;
        }
        if state.lineage.is_empty() {
            state.lineage = lineage.to_string();
        }
        let Ok(addr) =
            autostack_core::addrs::parse_instance(doc["addr"].as_str().unwrap_or_default())
        else {
            break;
        };
        if doc["object"].is_null() {
            state.instances.remove(&addr);
        } else if let Some((_, obj)) = statefile::decode(&doc["object"], schemas)
            .ok()
            .and_then(|one| one.instances.into_iter().next())
        {
            state.instances.insert(addr, obj);
        }
        n += 1;
    }
    n
}

/// Journals every finished resource operation of an apply.
pub struct Journal<'a> {
    inner: journal::Journal,
    lineage: String,
    schemas: &'a (dyn SchemaSource + Sync),
}

impl Journal<'_> {
    /// The lineage the journaled records belong to (the new state's lineage).
    pub fn lineage(&self) -> &str {
        &self.lineage
    }

    /// The journal is no longer needed once the snapshot is written.
    pub fn finish(self) {
        self.inner.remove();
    }
}

/// An intent record's `intent` object read back (`None` when it is not one this version
/// wrote).
fn intent_of(j: &serde_json::Value) -> Option<Intent> {
    let s = |k: &str| j[k].as_str().map(str::to_string);
    let addr = autostack_core::addrs::parse_instance(j["addr"].as_str()?).ok()?;
    let value = decode_full(&j["planned"]).ok()?;
    Some(Intent {
        addr,
        token: s("token")?,
        provider: s("provider")?.parse().ok()?,
        object: InstanceObject {
            value,
            provider: s("state_provider")?,
            schema_version: j["schema_version"].as_u64().unwrap_or(0),
            dependencies: j["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect(),
            tainted: false,
            private: None,
            create_before_destroy: j["create_before_destroy"].as_bool().unwrap_or(false),
        },
    })
}

impl StateSink for Journal<'_> {
    fn intent(&self, i: &Intent) -> Result<(), String> {
        let o = &i.object;
        let payload = serde_json::to_vec(&serde_json::json!({
            "lineage": self.lineage,
            "intent": {
                "token": i.token,
                "addr": i.addr.to_string(),
                "provider": i.provider.to_string(),
                "type": i.addr.resource.ty,
                "planned": encode_full(&o.value),
                "state_provider": o.provider,
                "schema_version": o.schema_version,
                "dependencies": o.dependencies,
                "create_before_destroy": o.create_before_destroy,
            }
        }))
        .map_err(|e| e.to_string())?;
        self.inner.append(&payload).map_err(|e| e.to_string())
    }

    fn resolved(&self, token: &str) -> Result<(), String> {
        let payload =
            serde_json::to_vec(&serde_json::json!({ "lineage": self.lineage, "resolved": token }))
                .map_err(|e| e.to_string())?;
        // Not fsync'd: lost to a power cut, it only costs the next command a lookup.
        self.inner
            .append_unsynced(&payload)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn record(
        &self,
        addr: &InstanceAddr,
        obj: Option<&InstanceObject>,
        token: Option<&str>,
    ) -> Result<(), String> {
        let object = match obj {
            Some(o) => {
                let mut one = State::default();
                one.instances.insert(addr.clone(), o.clone());
                statefile::encode(&one, self.schemas)
            }
            None => serde_json::Value::Null,
        };
        let payload = serde_json::to_vec(&serde_json::json!({ "lineage": self.lineage, "addr": addr.to_string(), "object": object, "token": token })).map_err(|e| e.to_string())?;
        // Written before dependents start (a killed process loses nothing); the next intent's
        // fsync or the snapshot takes it to disk (see `journal`'s durability note).
        self.inner
            .append_unsynced(&payload)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}
