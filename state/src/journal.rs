//! The apply journal: one length-prefixed, SHA-256-checksummed record per finished resource
//! operation, fsync'd before the operation's dependents start.

use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Frames a record: length (u32 LE), SHA-256 of the payload, payload.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 36);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

/// The complete, intact records of a journal; stops at a torn or corrupt tail.
pub fn records(bytes: &[u8]) -> Vec<&[u8]> {
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

/// An open journal file, appended to by concurrent operations.
pub struct Journal {
    file: Mutex<File>,
    path: PathBuf,
}

impl Journal {
    /// Opens (creating) the journal at `path` for appending.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal {
            file: Mutex::new(file),
            path: path.to_path_buf(),
        })
    }

    /// Appends one record and waits until it is on disk.
    pub fn append(&self, payload: &[u8]) -> std::io::Result<()> {
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.write_all(&frame(payload))?;
        f.sync_data()
    }

    /// Removes the journal (after the snapshot that contains its records is written).
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads the intact records of the journal at `path` (none when it does not exist).
pub fn read(path: &Path) -> std::io::Result<Vec<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(records(&bytes).into_iter().map(<[u8]>::to_vec).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_tails_are_ignored_at_every_offset() {
        let a = frame(b"{\"first\":1}");
        let b = frame(b"{\"second\":2}");
        let mut all = a.clone();
        all.extend_from_slice(&b);
        for cut in a.len()..all.len() {
            assert_eq!(records(&all[..cut]).len(), 1, "cut at {cut}");
        }
        assert_eq!(records(&all).len(), 2);
        let mut corrupt = all.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0xff;
        assert_eq!(records(&corrupt).len(), 1);
    }

    #[test]
    fn appended_records_read_back() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j");
        let j = Journal::open(&p).unwrap();
        j.append(b"one").unwrap();
        j.append(b"two").unwrap();
        assert_eq!(read(&p).unwrap(), vec![b"one".to_vec(), b"two".to_vec()]);
        j.remove();
        assert!(read(&p).unwrap().is_empty());
    }
}
