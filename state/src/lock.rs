//! The state lock: an exclusive OS lock (released by the OS if the holder dies) on
//! Terraform's `.terraform.tfstate.lock.info`, which describes the holder and is removed on
//! release, so nothing is left beside the state, as with Terraform.
//!
//! Removing a lock file while another process waits on it is safe because a waiter that gets
//! the OS lock checks that the path still names the file it locked; if the holder removed
//! (or replaced) it meanwhile, the waiter locked a dead file and starts over with the path.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Holds the lock until dropped.
pub struct StateLock {
    file: File,
    info_path: PathBuf,
    /// The lock's ID, for `force-unlock`.
    pub id: String,
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // Remove while still holding the lock: a waiter then finds the path gone or new. (Not
        // when `force-unlock` already gave the path to another holder.)
        if names_file(&self.info_path, &self.file) {
            let _ = std::fs::remove_file(&self.info_path);
        }
        let _ = self.file.unlock();
    }
}

fn sibling(state: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let name = state
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state.with_file_name(format!("{prefix}{name}{suffix}"))
}

/// Where the lock-info file of a state file lives.
pub fn info_path(state: &Path) -> PathBuf {
    sibling(state, ".", ".lock.info")
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// Takes the exclusive lock on `state`, retrying with backoff up to `timeout`; on failure
/// the error is Terraform's message with the holder's lock info.
pub fn acquire(
    state: &Path,
    operation: &str,
    version: &str,
    timeout: Duration,
) -> Result<StateLock, String> {
    let info_path = info_path(state);
    let start = Instant::now();
    let mut delay = Duration::from_millis(50);
    let file = loop {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .read(true)
            .open(&info_path)
            .map_err(|e| format!("{}: {e}", info_path.display()))?;
        match lock_if_current(file, &info_path) {
            Some(Ok(file)) => break file,
            Some(Err(())) => continue,
            None => {}
        }
        if start.elapsed() >= timeout {
            return Err(held_message(state));
        }
        std::thread::sleep(
            delay
                .min(timeout.saturating_sub(start.elapsed()))
                .max(Duration::from_millis(10)),
        );
        delay = (delay * 2).min(Duration::from_secs(1));
    };
    let id = uuid::Uuid::new_v4().to_string();
    let info = serde_json::json!({
        "ID": id,
        "Operation": operation,
        "Info": "",
        "Who": format!("{}@{}", std::env::var("USER").unwrap_or_else(|_| "root".into()), hostname()),
        "Version": version,
        "Created": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        "Path": state.to_string_lossy(),
    });
    file.set_len(0)
        .and_then(|()| {
            (&file).write_all(serde_json::to_string(&info).unwrap_or_default().as_bytes())
        })
        .map_err(|e| format!("{}: {e}", info_path.display()))?;
    Ok(StateLock {
        file,
        info_path,
        id,
    })
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

/// Terraform's "state is locked" explanation, with the holder's lock info.
pub fn held_message(state: &Path) -> String {
    let info: serde_json::Value = std::fs::read_to_string(info_path(state))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let s = |k: &str| info[k].as_str().unwrap_or("").to_string();
    format!(
        "Error message: state is locked by another process: resource temporarily unavailable\nLock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {}\n\n\nAutoStack acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.",
        s("ID"), s("Path"), s("Operation"), s("Who"), s("Version"), s("Created"), s("Info")
    )
}

/// Removes the lock info of a lock with ID `id` (a holder that died keeps no OS lock).
pub fn force_unlock(state: &Path, id: &str) -> Result<(), String> {
    let path = info_path(state);
    let info: serde_json::Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or("No lock information found: the state is not locked.")?;
    if info["ID"].as_str() != Some(id) {
        return Err(format!(
            "lock ID {id:?} does not match existing lock ID {:?}",
            info["ID"].as_str().unwrap_or_default()
        ));
    }
    std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_locker_sees_the_holder() {
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join("terraform.tfstate");
        let held = acquire(&state, "OperationTypeApply", "1.11.4", Duration::ZERO).unwrap();
        let err = acquire(
            &state,
            "OperationTypePlan",
            "1.11.4",
            Duration::from_millis(100),
        )
        .err()
        .expect("locked");
        assert!(
            err.contains("state is locked") && err.contains("Operation: OperationTypeApply"),
            "{err}"
        );
        assert!(force_unlock(&state, "wrong").is_err());
        let id = held.id.clone();
        drop(held);
        assert!(acquire(&state, "OperationTypePlan", "1.11.4", Duration::ZERO).is_ok());
        let _ = id;
    }

    #[test]
    fn nothing_is_left_beside_the_state_after_release() {
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join("terraform.tfstate");
        let held = acquire(&state, "OperationTypeApply", "1.11.4", Duration::ZERO).unwrap();
        assert!(info_path(&state).exists());
        drop(held);
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_waiter_that_opened_the_removed_file_starts_over() {
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join("terraform.tfstate");
        let held = acquire(&state, "OperationTypeApply", "1.11.4", Duration::ZERO).unwrap();
        let waiter = File::open(info_path(&state)).unwrap();
        assert!(lock_if_current(waiter.try_clone().unwrap(), &info_path(&state)).is_none());
        drop(held);
        // The OS lock on the removed file is free, but it no longer guards the state.
        assert!(matches!(
            lock_if_current(waiter, &info_path(&state)),
            Some(Err(()))
        ));
        assert!(acquire(&state, "OperationTypePlan", "1.11.4", Duration::ZERO).is_ok());
    }

    #[test]
    fn removing_the_lock_file_on_release_never_lets_two_hold_it() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join("terraform.tfstate");
        let inside = AtomicUsize::new(0);
        let entries = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| {
                    for _ in 0..40 {
                        let g = acquire(
                            &state,
                            "OperationTypeApply",
                            "1.11.4",
                            Duration::from_secs(30),
                        )
                        .unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        entries.fetch_add(1, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        drop(g);
                    }
                });
            }
        });
        assert_eq!(entries.load(Ordering::SeqCst), 240);
        assert!(!info_path(&state).exists());
    }
}
