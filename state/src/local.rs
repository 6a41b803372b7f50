//! The local snapshot file: atomic writes, backups, and the overwrite checks.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A state file on the local disk.
pub struct LocalState {
    /// `terraform.tfstate` (or the configured path).
    pub path: PathBuf,
}

impl LocalState {
    /// The state file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> LocalState {
        LocalState { path: path.into() }
    }

    /// A file beside the state (`terraform.tfstate.backup`, `.journal`).
    pub fn sibling(&self, suffix: &str) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.path.with_file_name(format!("{name}{suffix}"))
    }

    /// The journal's path.
    pub fn journal_path(&self) -> PathBuf {
        self.sibling(".journal")
    }

    /// The snapshot's text, `None` when there is no state yet. Never modifies the file.
    pub fn read(&self) -> std::io::Result<Option<String>> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) if t.trim().is_empty() => Ok(None),
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes a new snapshot atomically, keeping the previous one as `.backup`. Refuses when
    /// the file on disk is not the one this writer read: another lineage, or a serial above
    /// `read_serial`.
    pub fn write(&self, text: &str, read_serial: u64, read_lineage: &str) -> Result<(), String> {
        if let Ok(Some(current)) = self.read() {
            if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&current) {
                let disk_serial = doc["serial"].as_u64().unwrap_or(0);
                let disk_lineage = doc["lineage"].as_str().unwrap_or_default();
                if !read_lineage.is_empty() && disk_lineage != read_lineage {
                    return Err(format!("The state file {} now has lineage {disk_lineage:?}, not {read_lineage:?}: it was replaced by an unrelated state. Refusing to overwrite it.", self.path.display()));
                }
                if disk_serial > read_serial {
                    return Err(format!("The state file {} was updated by another process (serial {disk_serial} > {read_serial}). Refusing to overwrite newer state.", self.path.display()));
                }
            }
            std::fs::write(self.sibling(".backup"), &current)
                .map_err(|e| format!("{}: {e}", self.sibling(".backup").display()))?;
        }
        atomic_write(&self.path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

/// Writes to a temporary file in the same directory, fsyncs, renames over, fsyncs the
/// directory: a reader sees the old or the new file, never a torn one.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_back_up_and_refuse_newer_or_foreign_state() {
        let d = tempfile::tempdir().unwrap();
        let s = LocalState::new(d.path().join("terraform.tfstate"));
        assert!(s.read().unwrap().is_none());
        s.write("{\"serial\": 1, \"lineage\": \"L\"}", 0, "")
            .unwrap();
        s.write("{\"serial\": 2, \"lineage\": \"L\"}", 1, "L")
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(s.sibling(".backup")).unwrap(),
            "{\"serial\": 1, \"lineage\": \"L\"}"
        );
        let newer = s
            .write("{\"serial\": 2, \"lineage\": \"L\"}", 1, "L")
            .unwrap_err();
        assert!(newer.contains("updated by another process"), "{newer}");
        let foreign = s.write("{}", 2, "OTHER").unwrap_err();
        assert!(foreign.contains("unrelated state"), "{foreign}");
    }
}
