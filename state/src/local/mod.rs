//! The local backend, with Terraform's layout: the default workspace's state at the configured
//! path (`terraform.tfstate`), every other workspace's at
//! `terraform.tfstate.d/<name>/terraform.tfstate`; beside each state file its `.backup` (the
//! previous snapshot), its `.journal` and, while locked, `.<name>.lock.info`.
//!
//! Snapshots are written atomically (temp file, fsync, rename, fsync of the directory), so a
//! reader sees the old or the new file, never a torn one.

pub mod handoff;
mod lock;

pub use lock::info_path;

use crate::codec;
use crate::error::{Result, StateError};
use crate::journal::Journal;
use crate::rules::Expected;
use crate::seams::{Encryptor, History, Plaintext, StateStore, WriteSnapshot, DEFAULT_WORKSPACE};
use crate::stored::Stored;
use async_trait::async_trait;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Terraform's directory of non-default workspaces.
pub const WORKSPACE_DIR: &str = "terraform.tfstate.d";

/// State files on the local disk.
pub struct LocalStore {
    /// The default workspace's state file (`terraform.tfstate` or the configured path).
    path: PathBuf,
    /// Where other workspaces live.
    workspace_dir: PathBuf,
    /// Decrypts stored snapshots for the overwrite check, and encrypts journal records.
    encryptor: Arc<dyn Encryptor>,
}

impl LocalStore {
    /// The store whose default workspace is at `path`, plaintext.
    pub fn new(path: impl Into<PathBuf>) -> LocalStore {
        LocalStore {
            path: path.into(),
            workspace_dir: PathBuf::from(WORKSPACE_DIR),
            encryptor: Arc::new(Plaintext),
        }
    }

    /// The same store with other workspaces under `dir`.
    pub fn with_workspace_dir(self, dir: impl Into<PathBuf>) -> LocalStore {
        LocalStore {
            workspace_dir: dir.into(),
            ..self
        }
    }

    /// The same store, with what it writes beside snapshots encrypted by `encryptor` (the one
    /// the snapshots go through).
    pub fn with_encryptor(self, encryptor: Arc<dyn Encryptor>) -> LocalStore {
        LocalStore { encryptor, ..self }
    }

    /// The state file of `workspace`.
    pub fn state_path(&self, workspace: &str) -> Result<PathBuf> {
        if workspace == DEFAULT_WORKSPACE {
            return Ok(self.path.clone());
        }
        check_workspace_name(workspace)?;
        Ok(self.workspace_dir.join(workspace).join("terraform.tfstate"))
    }

    /// The state file of `workspace`, with its directory created when missing (a `path` or
    /// `workspace_dir` in a directory of its own, another workspace's directory).
    fn prepared_path(&self, workspace: &str) -> Result<PathBuf> {
        let path = self.state_path(workspace)?;
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            std::fs::create_dir_all(dir).map_err(|e| StateError::io(dir, e))?;
        }
        Ok(path)
    }

    /// The journal of `workspace` (`terraform.tfstate.journal`).
    pub fn journal_path(&self, workspace: &str) -> Result<PathBuf> {
        Ok(sibling(&self.state_path(workspace)?, ".journal"))
    }

    /// The backup of `workspace`'s previous snapshot (`terraform.tfstate.backup`).
    pub fn backup_path(&self, workspace: &str) -> Result<PathBuf> {
        Ok(sibling(&self.state_path(workspace)?, ".backup"))
    }

    /// Removes the temporary files of writers killed mid-write (`.terraform.tfstate.tmp-PID`
    /// whose process is gone): an atomic write leaves the old snapshot in place, and only
    /// this debris beside it.
    pub fn sweep(&self, workspace: &str) -> Result<()> {
        sweep_beside(&self.state_path(workspace)?)
    }

    /// The stage journal records and the overwrite check go through.
    pub fn encryptor(&self) -> &dyn Encryptor {
        &*self.encryptor
    }

    /// The stage journal records go through, shared (versions beside the state use it too).
    pub fn shared_encryptor(&self) -> Arc<dyn Encryptor> {
        self.encryptor.clone()
    }

    /// Opens `workspace`'s journal for appending (records go through the encryptor).
    pub fn open_journal(&self, workspace: &str) -> Result<Journal> {
        let path = sibling(&self.prepared_path(workspace)?, ".journal");
        Journal::open(&path, self.encryptor.clone()).map_err(|e| StateError::io(path, e))
    }

    /// The intact records of `workspace`'s journal, decrypted.
    pub fn read_journal(&self, workspace: &str) -> Result<Vec<Vec<u8>>> {
        crate::journal::read(&self.journal_path(workspace)?, &*self.encryptor)
    }

    /// The history of `workspace` (`terraform.tfstate.history`): journal-framed records
    /// through the encryptor, so a torn last record is dropped, never misread.
    pub fn history_path(&self, workspace: &str) -> Result<PathBuf> {
        Ok(sibling(&self.state_path(workspace)?, ".history"))
    }

    /// Leaves exactly `payloads` in `workspace`'s journal (none: no journal).
    pub fn rewrite_journal(&self, workspace: &str, payloads: &[Vec<u8>]) -> Result<()> {
        crate::journal::rewrite(&self.journal_path(workspace)?, payloads, &*self.encryptor)
    }
}

/// How much of a stored snapshot is read for its stamp before the whole of it is.
const STAMP_PREFIX: usize = 64 * 1024;

impl LocalStore {
    /// The state file of `workspace`, once checked against `expected` and its current
    /// snapshot kept as the backup: ready to be replaced.
    fn replaceable(&self, workspace: &str, expected: &Expected) -> Result<PathBuf> {
        let path = self.prepared_path(workspace)?;
        // A snapshot this store cannot read (corrupt, foreign encryption) is not checked; it
        // is kept as the backup.
        if let Some(stored) = self.stored_stamp(&path)? {
            expected.check(&stored, &path.display().to_string())?;
        }
        keep_as_backup(&path)?;
        Ok(path)
    }

    /// The stamp of the snapshot at `path`: from its first bytes when they hold it (a plain
    /// state), else from the whole file decrypted; `None` when there is none or it cannot
    /// be read.
    fn stored_stamp(&self, path: &Path) -> Result<Option<codec::Stamp>> {
        let mut head = Vec::with_capacity(STAMP_PREFIX);
        match File::open(path) {
            Ok(f) => f
                .take(STAMP_PREFIX as u64)
                .read_to_end(&mut head)
                .map_err(|e| StateError::io(path, e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StateError::io(path, e)),
        };
        if head.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        if self.encryptor.is_plaintext() {
            if let Some(stamp) = codec::stamp_of_prefix(&head) {
                return Ok(Some(stamp));
            }
        }
        let whole = std::fs::read(path).map_err(|e| StateError::io(path, e))?;
        let plain = self.encryptor.decrypt(whole);
        Ok(plain.and_then(|p| codec::stamp(&p)).ok())
    }
}

/// Keeps the snapshot at `path` as its `.backup` before it is replaced: a hard link to the
/// same file (the replacement is a new file renamed over `path`, so the link keeps the old
/// bytes without copying them), or a copy where links are refused.
fn keep_as_backup(path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let backup = sibling(path, ".backup");
    match std::fs::remove_file(&backup) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(StateError::io(backup, e))
        }
        _ => {}
    }
    if std::fs::hard_link(path, &backup).is_err() {
        std::fs::copy(path, &backup).map_err(|e| StateError::io(&backup, e))?;
    }
    Ok(())
}

#[async_trait]
impl History for LocalStore {
    async fn append_history(&self, workspace: &str, record: &[u8]) -> Result<()> {
        let path = sibling(&self.prepared_path(workspace)?, ".history");
        let file =
            Journal::open(&path, self.encryptor.clone()).map_err(|e| StateError::io(&path, e))?;
        file.append(record)
    }

    async fn history(&self, workspace: &str) -> Result<Vec<Vec<u8>>> {
        crate::journal::read(&self.history_path(workspace)?, &*self.encryptor)
    }
}

#[async_trait]
impl StateStore for LocalStore {
    fn location(&self, workspace: &str) -> String {
        self.state_path(workspace)
            .map_or_else(|_| workspace.to_string(), |p| p.display().to_string())
    }

    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.read_stored(workspace).await?.map(Stored::into_vec))
    }

    async fn read_stored(&self, workspace: &str) -> Result<Option<Stored>> {
        let path = self.state_path(workspace)?;
        match Stored::open(&path) {
            Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(None),
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::io(path, e)),
        }
    }

    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        let path = self.replaceable(workspace, expected)?;
        atomic_write(&path, bytes).map_err(|e| StateError::io(path, e))
    }

    async fn write_streamed(
        &self,
        workspace: &str,
        produce: &WriteSnapshot<'_>,
        expected: &Expected,
    ) -> Result<()> {
        let path = self.replaceable(workspace, expected)?;
        atomic_write_with(&path, produce)
    }

    async fn delete(&self, workspace: &str) -> Result<()> {
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::InvalidWorkspace(workspace.to_string()));
        }
        let path = self.state_path(workspace)?;
        let dir = path.parent().unwrap_or(&path);
        match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StateError::io(dir, e)),
            _ => Ok(()),
        }
    }

    async fn list(&self) -> Result<Vec<String>> {
        let mut names = vec![DEFAULT_WORKSPACE.to_string()];
        let entries = match std::fs::read_dir(&self.workspace_dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(names),
            Err(e) => return Err(StateError::io(&self.workspace_dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| StateError::io(&self.workspace_dir, e))?;
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names[1..].sort();
        Ok(names)
    }
}

/// Refuses a workspace name that cannot be a directory or file name (Terraform refuses the
/// same: empty, `.`, `..`, or with a path separator).
pub fn check_workspace_name(workspace: &str) -> Result<()> {
    let plain = !workspace.is_empty()
        && workspace != "."
        && workspace != ".."
        && !workspace.contains(['/', '\\', '\0']);
    if plain {
        Ok(())
    } else {
        Err(StateError::InvalidWorkspace(workspace.to_string()))
    }
}

/// Removes the temporary files that [`atomic_write`]s of `path` killed mid-write left
/// (`.NAME.tmp-PID` whose process is gone).
pub fn sweep_beside(path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let pid = file
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            let stale = entry.path();
            std::fs::remove_file(&stale).map_err(|e| StateError::io(stale, e))?;
        }
    }
    Ok(())
}

/// A file beside `state` (`terraform.tfstate.backup`, `.journal`).
fn sibling(state: &Path, suffix: &str) -> PathBuf {
    let name = state
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state.with_file_name(format!("{name}{suffix}"))
}

/// Writes to a temporary file in the same directory, fsyncs, renames over, fsyncs the
/// directory: a reader sees the old or the new file, never a torn one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, tmp) = temp_beside(path);
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    File::open(dir)?.sync_all()
}

/// [`atomic_write`] of what `produce` writes, streamed through a buffer into the temporary
/// file (which is removed when `produce` fails).
pub fn atomic_write_with(path: &Path, produce: &WriteSnapshot) -> Result<()> {
    let (dir, tmp) = temp_beside(path);
    let written = (|| {
        let file = File::create(&tmp).map_err(|e| StateError::io(&tmp, e))?;
        // Encoding here, the system calls on a thread of their own (see `handoff`).
        let mut w = handoff::Handoff::new(file).map_err(|e| StateError::io(&tmp, e))?;
        produce(&mut w)?;
        let file = w.finish().map_err(|e| StateError::io(&tmp, e))?;
        file.sync_all().map_err(|e| StateError::io(&tmp, e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    std::fs::rename(&tmp, path).map_err(|e| StateError::io(path, e))?;
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StateError::io(dir, e))
}

/// The directory of `path` and the temporary file a write of it goes through first.
fn temp_beside(path: &Path) -> (&Path, PathBuf) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, dir.join(format!(".{name}.tmp-{}", std::process::id())))
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
