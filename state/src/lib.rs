//! State for AutoStack: what `terraform.tfstate` holds and where it is kept. In the pipeline
//! **load (lang) → expand + graph (core) → refresh + plan (core ↔ providers) → cost → apply
//! (core ↔ providers) → persist (state)**, this crate is the last step, and the first thing a
//! command reads: it knows Terraform's state v4 document but no provider schemas, so reading
//! a state (`state list`, `state pull`, `output`) starts no provider. The engine decodes
//! attributes into typed values only when it needs them (`autostack_core::statefile`).
//!
//! - [`model`]: the v4 document as plain data, attributes kept as raw JSON;
//! - [`codec`]: bytes ↔ model (pure; byte-exact with Terraform's layout);
//! - [`rules`]: serial and lineage (a write names the snapshot it read; newer or foreign
//!   state is never overwritten; a new state gets a new lineage);
//! - [`journal`]: checksummed records of finished operations and intents, appended in O(1)
//!   during apply and replayed after a crash; a torn tail is ignored;
//! - [`snapshots`]: model → codec → encryptor → store, and back;
//! - [`stored`]: a snapshot's bytes as a store hands them over (a large local file mapped,
//!   not copied into the heap);
//! - [`local`]: the local backend (Terraform's file layout, backups, atomic writes, the OS
//!   lock with Terraform's lock-info file);
//! - `pg` and `s3` (cargo features of the same names): PostgreSQL and S3 backends with
//!   Terraform's layouts and locks;
//! - [`backends`]: every backend behind one door (a store, a locker and a history built from
//!   the backend block's arguments), [`backend_config`]: their argument schemas and
//!   Terraform's hash of a backend block.
//!
//! The seams every backend implements ([`seams`]):
//! - [`StateStore`]: read (or hand over without a copy), write with the expected
//!   serial/lineage, delete, list workspaces;
//! - [`Locker`]: lock with [`LockInfo`], unlock by ID (`force-unlock`); [`lock_within`]
//!   waits up to `-lock-timeout`;
//! - [`Encryptor`]: bytes → bytes between codec and store, applied to snapshots, backups and
//!   journal records alike ([`Plaintext`] by default; [`encryption`] is OpenTofu's client-side
//!   encryption, its configuration and file format);
//! - [`History`]: one record per successful apply, kept beside the state (the cost history);
//! - [`versions::Versions`]: the last N state versions with the configuration each apply
//!   applied (`state history`, `rollback`), kept as each backend allows.
//!
//! Errors are [`StateError`].
#![deny(missing_docs)]

#[cfg(feature = "azurerm")]
pub mod azurerm;
pub mod backend_config;
pub mod backends;
pub mod codec;
pub mod encryption;
pub mod error;
#[cfg(feature = "gcs")]
pub mod gcs;
pub mod journal;
pub mod local;
pub mod lock;
pub mod model;
#[cfg(feature = "pg")]
pub mod pg;
#[cfg(feature = "remote")]
pub mod remote;
#[cfg(feature = "remote")]
pub mod remote_open;
pub mod rules;
#[cfg(feature = "s3")]
pub mod s3;
pub mod seams;
pub mod snapshots;
pub mod stored;
pub mod versions;

pub use error::StateError;
pub use lock::LockInfo;
pub use seams::{
    lock_within, BoxFuture, Encryptor, History, LockGuard, Locker, Plaintext, Release, StateStore,
};
