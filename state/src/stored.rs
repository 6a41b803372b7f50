//! A snapshot's bytes as its store hands them over: read into memory, or mapped from the file
//! they live in.
//!
//! Why map: reading a 850 MB state (a million resources) into a `Vec` has the kernel zero
//! 850 MB of fresh pages and copy the file into them, 0.5–2.8 s of system time that varied
//! from run to run more than everything else the command did. A mapping reads the page cache
//! where it is. Small files (under [`MAP_FROM`]) are read: a mapping costs more than it saves.
//!
//! Why it is safe: the local backend replaces a state by renaming a new file over it, so the
//! file a command mapped never changes under it. A program that rewrites the file in place
//! (Terraform's local backend truncates and rewrites it) while a command reads it makes the
//! kernel raise `SIGBUS` on a page that is gone; [`guard_truncation`] turns that into a
//! message and exit status 1 instead of a crash, as a torn read would have been an error too.

use memmap2::{Mmap, MmapOptions};
use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

/// Files at least this large are mapped; smaller ones are read.
pub const MAP_FROM: u64 = 4 << 20;

/// Bytes of a stored snapshot.
pub enum Stored {
    /// Read into memory.
    Owned(Vec<u8>),
    /// Mapped from a file that is never rewritten in place.
    Mapped(Mmap),
}

impl Stored {
    /// The contents of the file at `path`: mapped when it is large, read otherwise.
    pub fn open(path: &Path) -> std::io::Result<Stored> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        if len < MAP_FROM {
            let mut bytes = Vec::with_capacity(len as usize);
            file.read_to_end(&mut bytes)?;
            return Ok(Stored::Owned(bytes));
        }
        guard_truncation();
        // SAFETY: the mapping is read-only and the file is replaced by rename, never
        // rewritten in place by AutoStack; another program truncating it raises SIGBUS,
        // which `guard_truncation` turns into an orderly exit (see the module docs).
        // `populate` maps the cached pages at once instead of one fault at a time.
        let map = unsafe { MmapOptions::new().populate().map(&file)? };
        Ok(Stored::Mapped(map))
    }

    /// The bytes, owned (a copy when mapped).
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            Stored::Owned(v) => v,
            Stored::Mapped(m) => m.to_vec(),
        }
    }
}

impl Deref for Stored {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Stored::Owned(v) => v,
            Stored::Mapped(m) => m,
        }
    }
}

impl From<Vec<u8>> for Stored {
    fn from(v: Vec<u8>) -> Stored {
        Stored::Owned(v)
    }
}

/// What a command prints when a file it had mapped was truncated by another program.
const TRUNCATED: &[u8] = b"\nError: a state file changed size while it was being read\n\n\
Another program rewrote it in place (Terraform's local backend does) while this command \
read it. Nothing was written. Run the command again once the other program is done.\n";

/// Installs, once, a `SIGBUS` handler that reports a mapped file truncated under the process
/// and exits with status 1.
#[cfg(unix)]
pub fn guard_truncation() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    extern "C" fn on_sigbus(_: libc::c_int) {
        // SAFETY: write(2) and _exit(2) are async-signal-safe; the message is static.
        unsafe {
            libc::write(2, TRUNCATED.as_ptr().cast(), TRUNCATED.len());
            libc::_exit(1);
        }
    }
    ONCE.call_once(|| {
        // SAFETY: a zeroed sigaction with a plain handler and an empty mask is valid; the
        // handler only makes async-signal-safe calls.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    });
}

/// Without `SIGBUS`, nothing to install.
#[cfg(not(unix))]
pub fn guard_truncation() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_are_read_and_large_ones_mapped_with_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, b"{\"version\": 4}").unwrap();
        let read = Stored::open(&small).unwrap();
        assert!(matches!(read, Stored::Owned(_)));
        assert_eq!(&*read, b"{\"version\": 4}");
        let large = dir.path().join("large");
        let bytes: Vec<u8> = (0..MAP_FROM + 7).map(|i| (i % 251) as u8).collect();
        std::fs::write(&large, &bytes).unwrap();
        let mapped = Stored::open(&large).unwrap();
        assert!(matches!(mapped, Stored::Mapped(_)));
        assert_eq!(&*mapped, &bytes[..]);
        // Replaced by rename, as the local backend writes: the mapping keeps the old file.
        let next = dir.path().join("next");
        std::fs::write(&next, b"new").unwrap();
        std::fs::rename(&next, &large).unwrap();
        assert_eq!(&*mapped, &bytes[..]);
        assert_eq!(mapped.into_vec(), bytes);
    }

    #[test]
    #[cfg(unix)]
    fn a_mapped_file_truncated_under_the_process_ends_it_with_a_message_and_status_1() {
        // The child: maps a large file, truncates it as an in-place writer would, reads on.
        if let Some(path) = std::env::var_os("AUTOSTACK_TRUNCATED_CHILD") {
            let mapped = Stored::open(Path::new(&path)).unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(0)
                .unwrap();
            let sum = mapped.iter().map(|b| *b as u64).sum::<u64>();
            panic!("read {sum} past the end of a truncated file");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terraform.tfstate");
        std::fs::write(&path, vec![b' '; MAP_FROM as usize * 2]).unwrap();
        let name = "stored::tests::a_mapped_file_truncated_under_the_process_ends_it_with_a_message_and_status_1";
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env("AUTOSTACK_TRUNCATED_CHILD", &path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("Error: a state file changed size while it was being read"),
            "{stderr}"
        );
    }
}
