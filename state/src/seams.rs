//! The seams every backend implements: where snapshots are stored ([`StateStore`]), how
//! writers exclude each other ([`Locker`]), and the bytes→bytes stage between the codec and
//! the store ([`Encryptor`]).

use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::rules::Expected;
use crate::stored::Stored;
use async_trait::async_trait;
use std::time::{Duration, Instant};

/// The name of the workspace every backend has.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Where a backend keeps its snapshots, one per workspace. Bytes are stored as given (they
/// have been through the [`Encryptor`] already).
#[async_trait]
pub trait StateStore: Send + Sync {
    /// A human description of where `workspace`'s state is (a path, a URL), for messages.
    fn location(&self, workspace: &str) -> String;

    /// The stored snapshot of `workspace`, `None` when it has none. Never modifies anything.
    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>>;

    /// [`StateStore::read`], for stores that can hand the bytes over without copying them
    /// into memory (a large file is mapped); the default reads them.
    async fn read_stored(&self, workspace: &str) -> Result<Option<Stored>> {
        Ok(self.read(workspace).await?.map(Stored::from))
    }

    /// Replaces `workspace`'s snapshot by `bytes`, refusing (with
    /// [`StateError::NewerSerial`] or [`StateError::ForeignLineage`]) when what it holds is
    /// not the snapshot `expected` names: see [`crate::rules`].
    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()>;

    /// [`StateStore::write`] of the bytes `produce` writes, for stores that can take them as
    /// they come (a file) instead of whole; the default collects them first.
    async fn write_streamed(
        &self,
        workspace: &str,
        produce: &WriteSnapshot<'_>,
        expected: &Expected,
    ) -> Result<()> {
        let mut bytes = Vec::new();
        produce(&mut bytes)?;
        self.write(workspace, &bytes, expected).await
    }

    /// Removes `workspace` and everything kept for it.
    async fn delete(&self, workspace: &str) -> Result<()>;

    /// The workspaces that exist: `default` first, then the others sorted.
    async fn list(&self) -> Result<Vec<String>>;
}

/// Writes a snapshot's bytes into the writer it is given (see [`StateStore::write_streamed`]).
pub type WriteSnapshot<'a> =
    dyn for<'w> Fn(&'w mut (dyn std::io::Write + 'w)) -> Result<()> + Send + Sync + 'a;

/// Mutual exclusion of the commands that write a workspace's state.
#[async_trait]
pub trait Locker: Send + Sync {
    /// Takes the lock now, recording `info`; fails with [`StateError::Locked`] (carrying the
    /// holder's info) when another holds it.
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard>;

    /// Releases the lock whose ID is `id`, whoever holds it (`force-unlock`); fails when the
    /// workspace is not locked or is locked under another ID.
    async fn unlock(&self, workspace: &str, id: &str) -> Result<()>;
}

/// What a backend keeps of a workspace's past besides its last snapshot: one record per
/// successful apply (the cost history reads them). Records are opaque bytes, kept in order.
#[async_trait]
pub trait History: Send + Sync {
    /// Appends one record to `workspace`'s history, durably.
    async fn append_history(&self, workspace: &str, record: &[u8]) -> Result<()>;

    /// `workspace`'s records, oldest first (none when it has no history).
    async fn history(&self, workspace: &str) -> Result<Vec<Vec<u8>>>;
}

/// How a remote lock is given back: a future that deletes the lock object, row or lease.
pub type Release = Box<dyn FnOnce() -> BoxFuture<Result<()>> + Send + Sync>;

/// A boxed future that may move between threads.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// A held lock. Releasing is explicit ([`LockGuard::release`]) for locks that need a request
/// to give back; dropping a guard releases it too (on the runtime, blocking this thread
/// briefly), so an early return never leaves a lock behind.
pub struct LockGuard {
    id: String,
    _held: Box<dyn Send + Sync>,
    release: Option<Release>,
}

impl LockGuard {
    /// A guard for the lock `id`, released when `held` is dropped (an OS lock, a database
    /// session).
    pub fn new(id: String, held: impl Send + Sync + 'static) -> LockGuard {
        LockGuard {
            id,
            _held: Box::new(held),
            release: None,
        }
    }

    /// A guard for the lock `id` that `release` gives back.
    pub fn releasing(id: String, release: Release) -> LockGuard {
        LockGuard {
            id,
            _held: Box::new(()),
            release: Some(release),
        }
    }

    /// The lock's ID (what `force-unlock` takes).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Gives the lock back now, reporting a failure (the lock then stays until
    /// `force-unlock`).
    pub async fn release(mut self) -> Result<()> {
        match self.release.take() {
            Some(release) => release().await,
            None => Ok(()),
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let Some(release) = self.release.take() else {
            return;
        };
        let future = release();
        // Within the CLI's multi-threaded runtime the request runs on it (its connection
        // pool lives there); elsewhere on a runtime of its own.
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                let _ = tokio::task::block_in_place(|| h.block_on(future));
            }
            _ => {
                let _ = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map(|rt| rt.block_on(future))
                })
                .join();
            }
        }
    }
}

/// Takes the lock, retrying with backoff (50 ms doubling up to 1 s) while another holds it,
/// for up to `timeout` (Terraform's `-lock-timeout`; zero tries once).
pub async fn lock_within(
    locker: &dyn Locker,
    workspace: &str,
    info: &LockInfo,
    timeout: Duration,
) -> Result<LockGuard> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(50);
    loop {
        match locker.try_lock(workspace, info).await {
            Err(StateError::Locked(holder)) => {
                let left = timeout.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return Err(StateError::Locked(holder));
                }
                tokio::time::sleep(delay.min(left).max(Duration::from_millis(10))).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            other => return other,
        }
    }
}

/// The stage between codec and store: everything a backend writes about a state (snapshots,
/// backups, journal records) is encrypted by it, and decrypted by it when read.
pub trait Encryptor: Send + Sync {
    /// The bytes to store for `plain`.
    fn encrypt(&self, plain: Vec<u8>) -> Result<Vec<u8>>;
    /// The plain bytes of `stored`; an error when they were not encrypted by this stage.
    fn decrypt(&self, stored: Vec<u8>) -> Result<Vec<u8>>;
    /// [`Encryptor::decrypt`] of bytes as a store handed them over; stages that store plain
    /// bytes keep them where they are (a mapped file stays mapped).
    fn decrypt_stored(&self, stored: Stored) -> Result<Stored> {
        self.decrypt(stored.into_vec()).map(Stored::from)
    }
    /// True when stored bytes are the plain ones (snapshots may then be streamed to the
    /// store as the codec writes them).
    fn is_plaintext(&self) -> bool {
        false
    }
}

/// No encryption: bytes are stored as the codec writes them (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct Plaintext;

impl Encryptor for Plaintext {
    fn encrypt(&self, plain: Vec<u8>) -> Result<Vec<u8>> {
        Ok(plain)
    }
    fn is_plaintext(&self) -> bool {
        true
    }
    fn decrypt(&self, stored: Vec<u8>) -> Result<Vec<u8>> {
        refuse_envelope(&stored)?;
        Ok(stored)
    }
    fn decrypt_stored(&self, stored: Stored) -> Result<Stored> {
        refuse_envelope(&stored)?;
        Ok(stored)
    }
}

/// Refuses bytes in OpenTofu's encryption envelope where plain ones are expected.
fn refuse_envelope(stored: &[u8]) -> Result<()> {
    // OpenTofu's envelope ends with its version field (Go writes it last): looking at the
    // tail tells an encrypted document apart without parsing the whole of a plain one.
    let tail = &stored[stored.len().saturating_sub(64)..];
    let marked = tail.windows(20).any(|w| w == b"\"encryption_version\"");
    if marked && crate::encryption::Envelope::decode(stored).is_some() {
        return Err(StateError::Encryption(
            "the data is encrypted (OpenTofu's encryption format), and no encryption method is configured to read it: configure terraform { encryption { ... } } or TF_ENCRYPTION".into(),
        ));
    }
    Ok(())
}
