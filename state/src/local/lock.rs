//! The local state lock: an exclusive OS lock (released by the OS if the holder dies) on
//! Terraform's `.terraform.tfstate.lock.info` beside the state file, which describes the
//! holder and is removed on release, so nothing is left beside the state, as with Terraform.
//!
//! Removing a lock file while another process waits on it is safe because a waiter that gets
//! the OS lock checks that the path still names the file it locked; if the holder removed
//! (or replaced) it meanwhile, the waiter locked a dead file and starts over with the path.

use super::LocalStore;
use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::seams::{LockGuard, Locker};
use async_trait::async_trait;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The OS lock on a lock-info file; dropping it removes the file and releases the lock.
struct HeldFile {
    file: File,
    info_path: PathBuf,
}

impl Drop for HeldFile {
    fn drop(&mut self) {
        // Remove while still holding the lock: a waiter then finds the path gone or new. (Not
        // when `force-unlock` already gave the path to another holder.)
        if names_file(&self.info_path, &self.file) {
            let _ = std::fs::remove_file(&self.info_path);
        }
        let _ = self.file.unlock();
    }
}

/// Where the lock-info file of a state file lives.
pub fn info_path(state: &Path) -> PathBuf {
    let name = state
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state.with_file_name(format!(".{name}.lock.info"))
}

#[async_trait]
impl Locker for LocalStore {
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        let state = self.prepared_path(workspace)?;
        let held = try_lock_file(&state)?;
        let info = LockInfo {
            path: state.to_string_lossy().into_owned(),
            ..info.clone()
        };
        let text = serde_json::to_string(&info).map_err(StateError::Malformed)?;
        held.file
            .set_len(0)
            .and_then(|()| (&held.file).write_all(text.as_bytes()))
            .map_err(|e| StateError::io(&held.info_path, e))?;
        Ok(LockGuard::new(info.id, held))
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        let path = info_path(&self.state_path(workspace)?);
        let info: LockInfo = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or(StateError::NotLocked)?;
        if info.id != id {
            return Err(StateError::LockIdMismatch {
                given: id.to_string(),
                held: info.id,
            });
        }
        std::fs::remove_file(&path).map_err(|e| StateError::io(&path, e))
    }
}

/// Takes the OS lock on `state`'s lock-info file now, or reports the holder.
fn try_lock_file(state: &Path) -> Result<HeldFile> {
    let info_path = info_path(state);
    loop {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .read(true)
            .open(&info_path)
            .map_err(|e| StateError::io(&info_path, e))?;
        match lock_if_current(file, &info_path) {
            Some(Ok(file)) => return Ok(HeldFile { file, info_path }),
            // The holder removed the file between our open and lock: try the path again.
            Some(Err(())) => continue,
            None => return Err(StateError::Locked(Box::new(holder(&info_path)))),
        }
    }
}

/// The lock info a holder wrote (empty fields when it cannot be read).
fn holder(info_path: &Path) -> LockInfo {
    std::fs::read_to_string(info_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Tries the OS lock on `file`, opened from `path`: `None` when another process holds it,
/// `Some(Err)` when it was got but the holder removed the file meanwhile (start over), the
/// locked file otherwise.
fn lock_if_current(file: File, path: &Path) -> Option<Result<File, ()>> {
    file.try_lock().ok()?;
    Some(if names_file(path, &file) {
        Ok(file)
    } else {
        Err(())
    })
}

/// True when `path` still names the open `file` (same device and inode).
fn names_file(path: &Path, file: &File) -> bool {
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(p), Ok(f)) => p.dev() == f.dev() && p.ino() == f.ino(),
        _ => false,
    }
}

#[cfg(test)]
#[path = "lock_tests.rs"]
mod tests;
