//! What can go wrong reading, writing, locking and encrypting state.

use crate::lock::LockInfo;
use std::path::PathBuf;

/// An error of the state crate. Messages are the ones users see (after the command's
/// "Failed to load state"-style summary).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The document is not JSON at all.
    #[error("{line}:{column}: the state file is not valid JSON: {source}")]
    InvalidJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's explanation.
        source: serde_json::Error,
    },
    /// A JSON document without a `version`.
    #[error("state has no \"version\"")]
    MissingVersion,
    /// A state format this build does not read.
    #[error("unsupported state format version {0}; AutoStack reads version 4 (Terraform 0.12 and later)")]
    UnsupportedVersion(u64),
    /// Version 4 JSON whose structure is wrong (a field of the wrong type, say).
    #[error("invalid state document: {0}")]
    Malformed(serde_json::Error),
    /// Writing the encoded document failed.
    #[error("cannot write the state document: {0}")]
    Encode(serde_json::Error),
    /// The stored state has another lineage than the one the writer read.
    #[error("The state file {location} now has lineage {stored:?}, not {expected:?}: it was replaced by an unrelated state. Refusing to overwrite it.")]
    ForeignLineage {
        /// Where the state is stored.
        location: String,
        /// The stored lineage.
        stored: String,
        /// The lineage the writer read.
        expected: String,
    },
    /// The stored state is newer than the one the writer read.
    #[error("The state file {location} was updated by another process (serial {stored} > {expected}). Refusing to overwrite newer state.")]
    NewerSerial {
        /// Where the state is stored.
        location: String,
        /// The stored serial.
        stored: u64,
        /// The serial the writer read.
        expected: u64,
    },
    /// `state push` of a state from another history.
    #[error("cannot import state with lineage {incoming:?} over unrelated state with lineage {current:?}")]
    PushForeignLineage {
        /// The pushed state's lineage.
        incoming: String,
        /// The stored state's lineage.
        current: String,
    },
    /// `state push` of an older state.
    #[error("cannot overwrite existing state with serial {current} with a different state that has the same or a lower serial ({incoming})")]
    PushOlderSerial {
        /// The stored serial.
        current: u64,
        /// The pushed serial.
        incoming: u64,
    },
    /// Another process holds the lock (Terraform's message, with the holder's info).
    #[error("{}", crate::lock::held_message(.0))]
    Locked(Box<LockInfo>),
    /// `force-unlock` with nothing locked.
    #[error("No lock information found: the state is not locked.")]
    NotLocked,
    /// `force-unlock` with another lock's ID.
    #[error("lock ID {given:?} does not match existing lock ID {held:?}")]
    LockIdMismatch {
        /// The ID given.
        given: String,
        /// The ID of the lock held.
        held: String,
    },
    /// A workspace name that cannot be a directory name.
    #[error("invalid workspace name {0:?}")]
    InvalidWorkspace(String),
    /// The encryption stage refused the bytes (wrong key, not encrypted, corrupt).
    #[error("state encryption: {0}")]
    Encryption(String),
    /// A remote backend's service failed or refused a request (after its retries).
    #[error("{0}")]
    Remote(String),
    /// The backend block's arguments are wrong (an unknown argument, a value of the wrong
    /// type, a missing required one).
    #[error("{0}")]
    Config(String),
    /// A backend type this build does not have.
    #[error("The backend {0:?} is not available in this build of AutoStack.")]
    UnsupportedBackend(String),
    /// A file operation failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

impl StateError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StateError {
        StateError::Io {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = StateError> = std::result::Result<T, E>;
