//! Uploads of a remote backend during an apply. Every finished operation is journaled on
//! this machine as with the local backend (crash-safe, O(1) per resource); the flusher takes
//! the operations journaled since its last upload, replays them into its copy of the state
//! and uploads the whole snapshot at most once per interval, so an apply of 1,000 resources
//! makes a handful of uploads, not 1,000. The apply's final snapshot is written after the
//! flusher stops (see [`Flusher::finish`]); if the process dies first, the next command
//! replays the journal and uploads the recovered state.
//!
//! The interval is 5 seconds, or `TF_STATE_PERSIST_INTERVAL` (whole seconds, at least 1;
//! Terraform reads the same variable, with a 20-second floor).

use super::journal::replay;
use autostack_state::model::Document;
use autostack_state::rules::Expected;
use autostack_state::snapshots::Snapshots;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Records journaled since the last upload, shared between the journal and the flusher.
pub type Pending = Arc<Mutex<Vec<Vec<u8>>>>;

/// The default time between uploads.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The time between uploads (`TF_STATE_PERSIST_INTERVAL` seconds, else 5).
pub fn interval() -> Duration {
    std::env::var("TF_STATE_PERSIST_INTERVAL")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s >= 1)
        .map_or(DEFAULT_INTERVAL, Duration::from_secs)
}

/// A running flusher.
pub struct Flusher {
    pending: Pending,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<usize>,
}

/// What the flusher uploads with.
pub struct Target {
    /// The store, through codec and encryption.
    pub snapshots: Snapshots,
    /// The workspace.
    pub workspace: String,
    /// The serial and lineage the next write expects (shared with the backend).
    pub loaded: Arc<Mutex<Expected>>,
}

impl Flusher {
    /// Starts uploading `base` with the operations journaled from now on, every `every`.
    pub fn start(target: Target, mut base: Document, every: Duration) -> Flusher {
        let pending: Pending = Arc::default();
        let (stop, mut stopped) = watch::channel(false);
        let queue = pending.clone();
        let task = tokio::spawn(async move {
            let mut uploads = 0;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stopped.changed() => return uploads,
                }
                let records = std::mem::take(&mut *queue.lock().unwrap_or_else(|e| e.into_inner()));
                if records.is_empty() {
                    continue;
                }
                replay(&mut base, &records);
                if upload(&target, &mut base).await {
                    uploads += 1;
                }
            }
        });
        Flusher {
            pending,
            stop,
            task,
        }
    }

    /// Where the journal puts each record it writes.
    pub fn pending(&self) -> Pending {
        self.pending.clone()
    }

    /// Stops the flusher (an upload in flight completes first); returns how many uploads it
    /// made. What it had not uploaded yet goes with the apply's final snapshot.
    pub async fn finish(self) -> usize {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or(0)
    }
}

/// Uploads `doc` as the next snapshot; a failure is not fatal (the journal holds the
/// operations, and the next upload or the final snapshot carries them).
async fn upload(target: &Target, doc: &mut Document) -> bool {
    let expected = target
        .loaded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    match target
        .snapshots
        .save(&target.workspace, doc, &expected)
        .await
    {
        Ok(stamp) => {
            *target.loaded.lock().unwrap_or_else(|e| e.into_inner()) = Expected::read(&stamp);
            true
        }
        Err(_) => false,
    }
}
