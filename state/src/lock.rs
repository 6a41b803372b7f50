//! Terraform's lock info: who holds a state lock, for what, since when; and the "state is
//! locked" message built from it.

use serde::{Deserialize, Serialize};

/// The `terraform_version` of the empty state a remote backend creates for a new workspace.
pub const VERSION_OF_EMPTY: &str = "1.11.4";

/// What a lock holder records about itself (Terraform's `LockInfo`, same JSON field names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The lock's ID (a UUID), what `force-unlock` takes.
    #[serde(rename = "ID", default)]
    pub id: String,
    /// The operation holding it (`OperationTypeApply`, ...).
    #[serde(rename = "Operation", default)]
    pub operation: String,
    /// Free-form extra information.
    #[serde(rename = "Info", default)]
    pub info: String,
    /// `user@host` of the holder.
    #[serde(rename = "Who", default)]
    pub who: String,
    /// The holder's Terraform-compatible version.
    #[serde(rename = "Version", default)]
    pub version: String,
    /// When the lock was taken (RFC 3339, nanoseconds, UTC).
    #[serde(rename = "Created", default)]
    pub created: String,
    /// The locked state's location.
    #[serde(rename = "Path", default)]
    pub path: String,
}

impl LockInfo {
    /// Info for a new lock taken now by this user on this host, with a fresh ID.
    pub fn new(operation: &str, version: &str) -> LockInfo {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            info: String::new(),
            who: format!(
                "{}@{}",
                std::env::var("USER").unwrap_or_else(|_| "root".into()),
                hostname()
            ),
            version: version.to_string(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            path: String::new(),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into())
}

/// Terraform's "state is locked" explanation, with the holder's lock info.
pub fn held_message(holder: &LockInfo) -> String {
    format!(
        "Error message: state is locked by another process: resource temporarily unavailable\nLock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {}\n\n\nAutoStack acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.",
        holder.id, holder.path, holder.operation, holder.who, holder.version, holder.created, holder.info
    )
}
