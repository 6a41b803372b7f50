//! The local state backend: `terraform.tfstate` with a lock, a backup of the previous
//! snapshot, atomic snapshot writes, and a crash-safe journal of resource operations.

use crate::session::error;
use autostack_core::addrs::InstanceAddr;
use autostack_core::apply::StateSink;
use autostack_core::state::{InstanceObject, State};
use autostack_core::statefile::{self, SchemaSource};
use autostack_lang::config::Module;
use autostack_lang::{Diagnostic, Diagnostics};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A local state file and its companions.
pub struct Backend {
    path: PathBuf,
    /// The serial and lineage as loaded, for the overwrite checks.
    loaded: Mutex<(u64, String)>,
}

/// Holds the state lock until dropped.
pub struct LockGuard {
    file: File,
    info_path: PathBuf,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.info_path);
        let _ = self.file.unlock();
    }
}

fn io_err(what: &str, path: &Path, e: impl std::fmt::Display) -> Diagnostics {
    error(what, format!("{}: {e}", path.display()))
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
            path,
            loaded: Mutex::new((0, String::new())),
        })
    }

    fn with_suffix(&self, suffix: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.path.with_file_name(format!("{name}{suffix}"))
    }

    fn lock_info_path(&self) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.path.with_file_name(format!(".{name}.lock.info"))
    }

    /// Takes the exclusive lock, retrying up to `timeout`.
    pub fn lock(&self, operation: &str, timeout: Duration) -> Result<LockGuard, Diagnostics> {
        let lock_path = self.with_suffix(".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .read(true)
            .open(&lock_path)
            .map_err(|e| io_err("Error acquiring the state lock", &lock_path, e))?;
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            if file.try_lock().is_ok() {
                break;
            }
            if start.elapsed() >= timeout {
                return Err(self.held_error());
            }
            std::thread::sleep(
                delay
                    .min(timeout.saturating_sub(start.elapsed()))
                    .max(Duration::from_millis(10)),
            );
            delay = (delay * 2).min(Duration::from_secs(1));
        }
        let info = serde_json::json!({
            "ID": uuid::Uuid::new_v4().to_string(),
            "Operation": operation,
            "Info": "",
            "Who": format!("{}@{}", std::env::var("USER").unwrap_or_else(|_| "root".into()), hostname()),
            "Version": autostack_core::jsonplan::TERRAFORM_VERSION,
            "Created": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            "Path": self.path.to_string_lossy(),
        });
        let info_path = self.lock_info_path();
        std::fs::write(&info_path, serde_json::to_string(&info).unwrap_or_default())
            .map_err(|e| io_err("Error acquiring the state lock", &info_path, e))?;
        Ok(LockGuard { file, info_path })
    }

    fn held_error(&self) -> Diagnostics {
        let info: serde_json::Value = std::fs::read_to_string(self.lock_info_path())
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let s = |k: &str| info[k].as_str().unwrap_or("").to_string();
        error(
            "Error acquiring the state lock",
            format!(
                "Error message: state is locked by another process: resource temporarily unavailable\nLock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {}\n\n\nAutoStack acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.",
                s("ID"), s("Path"), s("Operation"), s("Who"), s("Version"), s("Created"), s("Info")
            ),
        )
    }

    /// Removes a lock left behind, if its ID matches.
    pub fn force_unlock(&self, id: &str) -> Result<(), Diagnostics> {
        let info: serde_json::Value = std::fs::read_to_string(self.lock_info_path())
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(|| {
                error(
                    "Failed to unlock state",
                    "No lock information found: the state is not locked.",
                )
            })?;
        if info["ID"].as_str() != Some(id) {
            return Err(error(
                "Failed to unlock state",
                format!(
                    "lock ID {id:?} does not match existing lock ID {:?}",
                    info["ID"].as_str().unwrap_or_default()
                ),
            ));
        }
        std::fs::remove_file(self.lock_info_path())
            .map_err(|e| io_err("Failed to unlock state", &self.lock_info_path(), e))
    }

    /// Reads the snapshot, replaying a journal left by an interrupted apply; returns the state
    /// and how many journaled operations were recovered. A corrupt file is never modified.
    pub fn load(&self, schemas: &dyn SchemaSource) -> Result<(State, usize), Diagnostics> {
        let mut state = match std::fs::read_to_string(&self.path) {
            Ok(text) if text.trim().is_empty() => State::default(),
            Ok(text) => {
                let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                    error(
                        "Failed to load state",
                        format!(
                            "{}:{}:{}: the state file is not valid JSON: {e}",
                            self.path.display(),
                            e.line(),
                            e.column()
                        ),
                    )
                })?;
                statefile::decode(&doc, schemas).map_err(|e| {
                    error(
                        "Failed to load state",
                        format!("{}: {e}", self.path.display()),
                    )
                })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(io_err("Failed to load state", &self.path, e)),
        };
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) =
            (state.serial, state.lineage.clone());
        let recovered = self.replay_journal(&mut state, schemas)?;
        if recovered > 0 {
            self.persist(&mut state, schemas)?;
        }
        let _ = std::fs::remove_file(self.with_suffix(".journal"));
        Ok((state, recovered))
    }

    fn replay_journal(
        &self,
        state: &mut State,
        schemas: &dyn SchemaSource,
    ) -> Result<usize, Diagnostics> {
        let Ok(mut f) = File::open(self.with_suffix(".journal")) else {
            return Ok(0);
        };
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(|e| {
            io_err(
                "Failed to read state journal",
                &self.with_suffix(".journal"),
                e,
            )
        })?;
        let mut n = 0;
        for rec in journal_records(&bytes) {
            let doc: serde_json::Value = match serde_json::from_slice(rec) {
                Ok(d) => d,
                Err(_) => break,
            };
            if doc["lineage"].as_str() != Some(state.lineage.as_str()) && !state.lineage.is_empty()
            {
                continue;
            }
            if state.lineage.is_empty() {
                state.lineage = doc["lineage"].as_str().unwrap_or_default().to_string();
            }
            let Ok(addr) =
                autostack_core::addrs::parse_instance(doc["addr"].as_str().unwrap_or_default())
            else {
                break;
            };
            if doc["object"].is_null() {
                state.instances.remove(&addr);
            } else if let Ok(one) = statefile::decode(&doc["object"], schemas) {
                if let Some((_, obj)) = one.instances.into_iter().next() {
                    state.instances.insert(addr, obj);
                }
            }
            n += 1;
        }
        Ok(n)
    }

    /// Opens the journal for an apply starting from `base`.
    pub fn journal<'a>(
        &self,
        base: &State,
        schemas: &'a (dyn SchemaSource + Sync),
    ) -> Result<Journal<'a>, Diagnostics> {
        let path = self.with_suffix(".journal");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io_err("Failed to open state journal", &path, e))?;
        let lineage = if base.lineage.is_empty() {
            uuid::Uuid::new_v4().to_string()
        } else {
            base.lineage.clone()
        };
        Ok(Journal {
            file: Mutex::new(file),
            path,
            lineage,
            schemas,
        })
    }

    /// Writes a new snapshot atomically (serial + 1; a lineage for a new state), keeping the
    /// previous one as `.backup`; refuses to overwrite a newer or foreign state.
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
        if let Ok(text) = std::fs::read_to_string(&self.path) {
            if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) {
                let disk_serial = doc["serial"].as_u64().unwrap_or(0);
                let disk_lineage = doc["lineage"].as_str().unwrap_or_default();
                if !loaded_lineage.is_empty() && disk_lineage != loaded_lineage {
                    return Err(error("Failed to persist state", format!("The state file {} now has lineage {disk_lineage:?}, not {loaded_lineage:?}: it was replaced by an unrelated state. Refusing to overwrite it.", self.path.display())));
                }
                if disk_serial > loaded_serial {
                    return Err(error("Failed to persist state", format!("The state file {} was updated by another process (serial {disk_serial} > {loaded_serial}). Refusing to overwrite newer state.", self.path.display())));
                }
                std::fs::write(self.with_suffix(".backup"), &text).map_err(|e| {
                    io_err(
                        "Failed to write state backup",
                        &self.with_suffix(".backup"),
                        e,
                    )
                })?;
            }
        }
        if state.lineage.is_empty() {
            state.lineage = if loaded_lineage.is_empty() {
                uuid::Uuid::new_v4().to_string()
            } else {
                loaded_lineage
            };
        }
        state.serial = loaded_serial + 1;
        let doc = statefile::encode(state, schemas);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        atomic_write(&self.path, text.as_bytes())
            .map_err(|e| io_err("Failed to persist state", &self.path, e))?;
        *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) =
            (state.serial, state.lineage.clone());
        Ok(())
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// Write to a temporary file in the same directory, fsync, rename over, fsync the directory.
fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    File::open(dir)?.sync_all()
}

/// Frames a record: length (u32 LE), SHA-256 of the payload, payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 36);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

/// The complete, intact records of a journal; stops at a torn or corrupt tail.
fn journal_records(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 36 <= bytes.len() {
        let len = u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        let Some(payload) = bytes.get(i + 36..i + 36 + len) else {
            break;
        };
        if Sha256::digest(payload).as_slice() != &bytes[i + 4..i + 36] {
            break;
        }
        out.push(payload);
        i += 36 + len;
    }
    out
}

/// Appends one checksummed, fsync'd record per finished resource operation.
pub struct Journal<'a> {
    file: Mutex<File>,
    path: PathBuf,
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
        let _ = std::fs::remove_file(&self.path);
    }
}

impl StateSink for Journal<'_> {
    fn record(&self, addr: &InstanceAddr, obj: Option<&InstanceObject>) -> Result<(), String> {
        let object = match obj {
            Some(o) => {
                let mut one = State::default();
                one.instances.insert(addr.clone(), o.clone());
                statefile::encode(&one, self.schemas)
            }
            None => serde_json::Value::Null,
        };
        let payload = serde_json::to_vec(&serde_json::json!({ "lineage": self.lineage, "addr": addr.to_string(), "object": object })).map_err(|e| e.to_string())?;
        let mut f = self.file.lock().map_err(|e| e.to_string())?;
        f.write_all(&frame(&payload)).map_err(|e| e.to_string())?;
        f.sync_data().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_journal_tails_are_ignored_at_every_offset() {
        let a = frame(b"{\"first\":1}");
        let b = frame(b"{\"second\":2}");
        let mut all = a.clone();
        all.extend_from_slice(&b);
        for cut in a.len()..all.len() {
            assert_eq!(journal_records(&all[..cut]).len(), 1, "cut at {cut}");
        }
        assert_eq!(journal_records(&all).len(), 2);
        let mut corrupt = all.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0xff;
        assert_eq!(journal_records(&corrupt).len(), 1);
    }
}
