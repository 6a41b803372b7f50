//! The apply journal beside the state (`terraform.tfstate.journal`): what an apply did since
//! the last snapshot, replayed by the next command after a crash.
//!
//! Format: a sequence of records, each `len: u32 LE | SHA-256 of payload: 32 bytes | payload`.
//! A payload is one JSON object of one of three kinds:
//! - **intent** `{"lineage": L, "intent": {"token": T, "addr": A, "provider": P, "type": Y, ..}}`,
//!   on disk before a create starts; besides the idempotency token it holds what the provider
//!   needs to find the object again (the planned value);
//! - **operation** `{"lineage": L, "addr": A, "provider": P?, "instance": I?, "token": T?}`, a
//!   finished operation: the object's provider and its instance in state v4 form (without
//!   the index key, which `addr` has), neither after a destroy; `token` resolves the intent
//!   of the create that made the object. Earlier journals wrote the object as `"object": O |
//!   null`, a v4 document of its one resource, and are read as before;
//! - **resolution** `{"lineage": L, "resolved": T}`: intent `T` made nothing (its create failed,
//!   or recovery found nothing).
//!
//! Each payload goes through the backend's [`Encryptor`] before it is framed (the checksum
//! covers the stored bytes), so with encryption on no record is written in plaintext.
//!
//! An intent with no later operation or resolution naming its token is *pending*: the process
//! died while its create was in flight. Readers stop at the first torn or corrupt record, so a
//! crash mid-append loses only the record being written.
//!
//! Durability: every record is written (in the page cache, so it survives the process being
//! killed) before its operation's dependents start. Intents are also fsync'd before their
//! create starts (concurrent appenders share one fsync); operations and resolutions are not,
//! because the next fsync of the file (the next intent, or the snapshot) carries them to
//! disk in order, and one lost to a power cut costs only a `recover` lookup (its intent is
//! durable) or a refresh (an update or destroy).
//!
//! Finished operations may be *held* ([`Journal::hold`]) and written together by the next
//! [`Journal::flush`], which the apply calls before it starts the operations that depend on
//! them: a write each cost a million small writes at a million resources (4 s of system
//! time, the kernel zeroing and locking per call), and a batch loses nothing a kill between
//! the operation and its own write would not. Every other append, and dropping the journal,
//! writes what is held first, so records stay in the order they were made.

use crate::error::{Result, StateError};
use crate::seams::Encryptor;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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

/// The intent records (whole payloads, with their lineage) that nothing after them resolves,
/// in journal order.
pub fn pending(payloads: &[Vec<u8>]) -> Vec<Json> {
    let docs: Vec<Json> = payloads
        .iter()
        .filter_map(|p| serde_json::from_slice(p).ok())
        .collect();
    let resolved: HashSet<&str> = docs
        .iter()
        .filter_map(|d| d.get("resolved").or_else(|| d.get("token")))
        .filter_map(Json::as_str)
        .collect();
    docs.iter()
        .filter(|d| {
            d["intent"]["token"]
                .as_str()
                .is_some_and(|t| !resolved.contains(t))
        })
        .cloned()
        .collect()
}

/// An open journal file, appended to by concurrent operations.
pub struct Journal {
    file: File,
    /// Bytes appended so far, and the framed records held for the next write.
    written: Mutex<Appended>,
    /// Bytes known to be on disk; held while an fsync runs, so waiters share its result.
    synced: Mutex<u64>,
    path: PathBuf,
    encryptor: Arc<dyn Encryptor>,
}

/// What a journal has appended: the file's length and the records held for its next write.
struct Appended {
    len: u64,
    held: Vec<u8>,
}

/// Held records are written once they reach this many bytes, whether flushed or not.
const HOLD_LIMIT: usize = 1 << 20;

impl Journal {
    /// Opens (creating) the journal at `path` for appending records encrypted by `encryptor`.
    pub fn open(path: &Path, encryptor: Arc<dyn Encryptor>) -> std::io::Result<Journal> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let len = file.metadata()?.len();
        Ok(Journal {
            file,
            written: Mutex::new(Appended {
                len,
                held: Vec::new(),
            }),
            synced: Mutex::new(len),
            path: path.to_path_buf(),
            encryptor,
        })
    }

    /// Appends one record and waits until it is on disk. An fsync started after this record
    /// was written covers it, so concurrent appends cost about one fsync, not one each.
    pub fn append(&self, payload: &[u8]) -> Result<()> {
        let end = self.append_unsynced(payload)?;
        let mut synced = self.synced.lock().unwrap_or_else(|e| e.into_inner());
        if *synced >= end {
            return Ok(());
        }
        let target = self.written.lock().unwrap_or_else(|e| e.into_inner()).len;
        self.file
            .sync_data()
            .map_err(|e| StateError::io(&self.path, e))?;
        *synced = target;
        Ok(())
    }

    /// Appends one record without waiting for the disk (the next [`Journal::append`] takes it
    /// there); returns the journal's length after it.
    pub fn append_unsynced(&self, payload: &[u8]) -> Result<u64> {
        let framed = frame(&self.encryptor.encrypt(payload.to_vec())?);
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        w.held.extend_from_slice(&framed);
        self.write_held(&mut w)?;
        Ok(w.len)
    }

    /// Holds one record for the next write ([`Journal::flush`], any append, or the drop of
    /// the journal), which takes it to the file after the records held before it.
    pub fn hold(&self, payload: &[u8]) -> Result<()> {
        let framed = frame(&self.encryptor.encrypt(payload.to_vec())?);
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        w.held.extend_from_slice(&framed);
        match w.held.len() >= HOLD_LIMIT {
            true => self.write_held(&mut w),
            false => Ok(()),
        }
    }

    /// Writes the held records (to the page cache, not waiting for the disk).
    pub fn flush(&self) -> Result<()> {
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        self.write_held(&mut w)
    }

    /// Writes what `w` holds in one call and counts it appended; on failure it stays held.
    fn write_held(&self, w: &mut Appended) -> Result<()> {
        if w.held.is_empty() {
            return Ok(());
        }
        (&self.file)
            .write_all(&w.held)
            .map_err(|e| StateError::io(&self.path, e))?;
        w.len += w.held.len() as u64;
        w.held.clear();
        Ok(())
    }

    /// Removes the journal (after the snapshot that contains its records is written).
    pub fn remove(self) {
        let mut w = self.written.lock().unwrap_or_else(|e| e.into_inner());
        // The snapshot holds them: nothing to write before the file goes.
        w.held.clear();
        drop(w);
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for Journal {
    /// Writes the records still held (an apply that returns early, or unwinds, keeps them).
    fn drop(&mut self) {
        let w = self.written.get_mut().unwrap_or_else(|e| e.into_inner());
        let _ = (&self.file).write_all(&w.held);
    }
}

/// Reads the intact records of the journal at `path` (none when it does not exist), decrypted.
pub fn read(path: &Path, encryptor: &dyn Encryptor) -> Result<Vec<Vec<u8>>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StateError::io(path, e)),
    };
    records(&bytes)
        .into_iter()
        .map(|r| encryptor.decrypt(r.to_vec()))
        .collect()
}

/// Replaces the journal at `path` by exactly `payloads` (atomically), or removes it when there
/// are none: what is left once a snapshot holds everything else.
pub fn rewrite(path: &Path, payloads: &[Vec<u8>], encryptor: &dyn Encryptor) -> Result<()> {
    if payloads.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StateError::io(path, e)),
            _ => Ok(()),
        };
    }
    let mut bytes = Vec::new();
    for p in payloads {
        bytes.extend(frame(&encryptor.encrypt(p.clone())?));
    }
    crate::local::atomic_write(path, &bytes).map_err(|e| StateError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seams::Plaintext;

    fn intent(t: &str) -> Vec<u8> {
        format!("{{\"lineage\":\"L\",\"intent\":{{\"token\":\"{t}\",\"addr\":\"a.{t}\"}}}}")
            .into_bytes()
    }

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
    fn an_intent_is_pending_until_its_token_is_resolved_at_every_tear() {
        let seq: Vec<Vec<u8>> = vec![
            intent("t1"),
            intent("t2"),
            br#"{"lineage":"L","addr":"a.t1","object":{},"token":"t1"}"#.to_vec(),
            br#"{"lineage":"L","resolved":"t2"}"#.to_vec(),
        ];
        let bytes: Vec<u8> = seq.iter().flat_map(|p| frame(p)).collect();
        // Pending tokens after each whole record; a tear inside a record equals the cut
        // just before it.
        let expect = [vec![], vec!["t1"], vec!["t1", "t2"], vec!["t2"], vec![]];
        let mut bounds = vec![0];
        for p in &seq {
            bounds.push(bounds.last().unwrap() + 36 + p.len());
        }
        for cut in 0..=bytes.len() {
            let whole = bounds.iter().filter(|&&b| b <= cut).count() - 1;
            let recs: Vec<Vec<u8>> = records(&bytes[..cut]).iter().map(|r| r.to_vec()).collect();
            let tokens: Vec<String> = pending(&recs)
                .iter()
                .map(|d| d["intent"]["token"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(tokens, expect[whole], "cut at {cut}");
        }
    }

    #[test]
    fn appended_records_read_back_and_rewrite_keeps_only_what_is_given() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j");
        let j = Journal::open(&p, Arc::new(Plaintext)).unwrap();
        j.append(b"one").unwrap();
        j.append_unsynced(b"two").unwrap();
        assert_eq!(
            read(&p, &Plaintext).unwrap(),
            vec![b"one".to_vec(), b"two".to_vec()]
        );
        rewrite(&p, &[intent("t9")], &Plaintext).unwrap();
        assert_eq!(read(&p, &Plaintext).unwrap(), vec![intent("t9")]);
        // Reopened, the journal appends after what is there.
        let j = Journal::open(&p, Arc::new(Plaintext)).unwrap();
        j.append(b"three").unwrap();
        assert_eq!(read(&p, &Plaintext).unwrap().len(), 2);
        j.remove();
        assert!(read(&p, &Plaintext).unwrap().is_empty());
        rewrite(&p, &[], &Plaintext).unwrap();
    }

    #[test]
    fn held_records_are_written_by_the_next_flush_append_or_drop_in_order() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j");
        let j = Journal::open(&p, Arc::new(Plaintext)).unwrap();
        j.hold(b"one").unwrap();
        j.hold(b"two").unwrap();
        assert!(
            read(&p, &Plaintext).unwrap().is_empty(),
            "held, not written"
        );
        j.flush().unwrap();
        assert_eq!(
            read(&p, &Plaintext).unwrap(),
            [b"one".to_vec(), b"two".to_vec()]
        );
        j.hold(b"three").unwrap();
        let end = j.append_unsynced(b"four").unwrap();
        let all = read(&p, &Plaintext).unwrap();
        assert_eq!(all[2..], [b"three".to_vec(), b"four".to_vec()]);
        assert_eq!(end, std::fs::metadata(&p).unwrap().len());
        j.hold(b"five").unwrap();
        j.append(b"six").unwrap();
        assert_eq!(read(&p, &Plaintext).unwrap().len(), 6);
        j.hold(b"seven").unwrap();
        drop(j);
        let all = read(&p, &Plaintext).unwrap();
        assert_eq!(all.last().unwrap(), b"seven");
        // Past the limit, holding writes without waiting for a flush.
        let j = Journal::open(&p, Arc::new(Plaintext)).unwrap();
        let big = vec![b'x'; HOLD_LIMIT];
        j.hold(&big).unwrap();
        assert_eq!(read(&p, &Plaintext).unwrap().len(), 8);
        j.hold(b"nine").unwrap();
        j.remove();
        assert!(!p.exists(), "removed, and the drop wrote nothing back");
    }

    #[test]
    fn concurrent_appends_all_land_intact() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j");
        let j = Journal::open(&p, Arc::new(Plaintext)).unwrap();
        std::thread::scope(|s| {
            for t in 0..8 {
                let j = &j;
                s.spawn(move || {
                    for i in 0..50 {
                        j.append(format!("{t}-{i}").as_bytes()).unwrap();
                    }
                });
            }
        });
        assert_eq!(read(&p, &Plaintext).unwrap().len(), 400);
    }
}
