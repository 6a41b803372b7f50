//! State storage for AutoStack: where `terraform.tfstate` lives and how it is written safely.
//!
//! - [`local::LocalState`]: the snapshot file, written atomically (temp file, fsync, rename,
//!   fsync of the directory) with the previous snapshot kept as `.backup`, refusing to
//!   overwrite a newer or foreign state (serial and lineage checks);
//! - [`lock::StateLock`]: an exclusive OS lock with Terraform's lock-info file and its
//!   "state is locked" message, released on drop (and by the OS when a process dies);
//! - [`journal`]: checksummed, fsync'd records of finished resource operations, appended in
//!   O(1) during apply and replayed after a crash; a torn tail is ignored.
//!
//! The state document itself is Terraform's v4 JSON; turning it into typed values needs
//! provider schemas, which is the engine's job (`autostack_core::statefile`).
#![deny(missing_docs)]

pub mod journal;
pub mod local;
pub mod lock;
