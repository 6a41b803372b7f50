//! What the remote backends (gcs, azurerm) share: retrying transient failures with jittered
//! exponential backoff, and locks released when their guard is dropped.
//!
//! A request is retried when the service answered 408, 429 or 5xx, or the connection failed:
//! up to [`ATTEMPTS`] tries, 50 ms doubling up to 2 s between them. Writes that are retried
//! are conditional (a generation, a lease), so a retry never overwrites another writer's
//! data; a retried create that finds its own earlier attempt recognizes it.

use crate::error::{Result, StateError};
use std::future::Future;
use std::time::Duration;

/// How many times a request is tried.
pub const ATTEMPTS: u32 = 10;

/// Whether an HTTP status is worth trying again.
pub fn transient(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

/// The pause before retry `attempt` (1-based): 50 ms doubling up to 2 s, plus up to 50%
/// jitter so that racing clients spread out.
pub fn backoff(attempt: u32) -> Duration {
    let base = 50u64.saturating_mul(1 << attempt.min(6)).min(2000);
    let mut r = [0u8; 2];
    let _ = getrandom::fill(&mut r);
    let jitter = u64::from(u16::from_le_bytes(r)) % (base / 2 + 1);
    Duration::from_millis(base + jitter)
}

/// One request's outcome: done (success or a final error) or worth another try.
pub enum Try<T> {
    /// Finished: return this.
    Done(Result<T>),
    /// Failed transiently (the message is kept for the last attempt's error).
    Again(String),
}

/// Runs `op` until it is done or [`ATTEMPTS`] tries failed transiently.
pub async fn retry<T, F, Fut>(what: &str, mut op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Try<T>>,
{
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        match op().await {
            Try::Done(r) => return r,
            Try::Again(msg) => last = msg,
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(backoff(attempt)).await;
        }
    }
    Err(StateError::Remote(format!(
        "{what} failed after {ATTEMPTS} attempts: {last}"
    )))
}

/// Classifies a reqwest outcome: `Again` for connection failures and transient statuses.
pub fn classify(
    r: reqwest::Result<reqwest::Response>,
) -> std::result::Result<reqwest::Response, Try<()>> {
    match r {
        Ok(resp) if transient(resp.status().as_u16()) => {
            Err(Try::Again(format!("HTTP {}", resp.status())))
        }
        Ok(resp) => Ok(resp),
        Err(e) => Err(Try::Again(e.to_string())),
    }
}

/// Held while a remote lock is; dropping it runs `release` to completion on a thread of its
/// own (a drop cannot await, and may happen inside or outside a runtime).
pub struct ReleaseOnDrop {
    /// In a mutex only to be `Sync` (a guard is shared; the future is taken once).
    release: std::sync::Mutex<Option<std::pin::Pin<Box<dyn Future<Output = ()> + Send>>>>,
}

impl ReleaseOnDrop {
    /// A guard that runs `release` when dropped.
    pub fn new(release: impl Future<Output = ()> + Send + 'static) -> ReleaseOnDrop {
        ReleaseOnDrop {
            release: std::sync::Mutex::new(Some(Box::pin(release))),
        }
    }
}

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        let taken = self.release.get_mut().map(Option::take);
        let Ok(Some(release)) = taken else {
            return;
        };
        let done = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(release);
            }
        });
        let _ = done.join();
    }
}
