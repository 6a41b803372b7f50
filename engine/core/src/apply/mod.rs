//! Apply: carry out a plan on tokio. An operation starts the moment its dependencies finish;
//! `parallelism` bounds how many provider calls run at once; a failure stops only what
//! depends on it; every finished resource operation is reported to a [`StateSink`] (the
//! journal) before anything that depends on it starts.

mod checks;
mod driver;
mod exec;
mod moving;
mod opgraph;
mod recover;
mod undo;

pub use driver::apply;
pub use recover::{recover, Recovery};
pub use undo::{undo, Undone};

use crate::addrs::InstanceAddr;
use crate::state::{InstanceObject, State};
use autostack_lang::Diagnostics;
use std::time::Duration;

/// A create about to start: what the next command needs to find its object if the process
/// dies before the create is recorded.
#[derive(Debug, Clone)]
pub struct Intent {
    /// The instance being created.
    pub addr: InstanceAddr,
    /// The create's idempotency token (unique to this create).
    pub token: String,
    /// The root provider configuration (`aws`, `aws.west`).
    pub provider: crate::addrs::ProviderConfig,
    /// The object as planned (unknown where only the create can tell), with the state
    /// metadata the created object will carry.
    pub object: InstanceObject,
}

/// Receives every finished resource operation, durably, before dependents proceed, and every
/// create's intent before the create starts.
pub trait StateSink: Send + Sync {
    /// Records the new object of `addr` (`None`: it was destroyed); `token` is the intent the
    /// operation resolves (a create's).
    fn record(
        &self,
        addr: &InstanceAddr,
        obj: Option<&InstanceObject>,
        token: Option<&str>,
    ) -> Result<(), String>;
    /// Records, durably, that a create is about to start.
    fn intent(&self, intent: &Intent) -> Result<(), String>;
    /// Records that the create of intent `token` made nothing.
    fn resolved(&self, token: &str) -> Result<(), String>;
    /// Records that the current object of `addr` is now deposed object `key` (a migration's
    /// old side, kept until its data is copied and it is deleted).
    fn depose(&self, addr: &InstanceAddr, key: &str) -> Result<(), String>;
    /// Records that deposed object `key` of `addr` was destroyed.
    fn deposed_gone(&self, addr: &InstanceAddr, key: &str) -> Result<(), String>;
    /// Makes every record so far durable as [`StateSink::record`] promises: a sink may hold
    /// records until this, which the apply calls before it starts their dependents.
    fn flush(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A sink that records nothing (tests, and `-lock=false` dry runs).
pub struct NoSink;

impl StateSink for NoSink {
    fn record(
        &self,
        _: &InstanceAddr,
        _: Option<&InstanceObject>,
        _: Option<&str>,
    ) -> Result<(), String> {
        Ok(())
    }
    fn intent(&self, _: &Intent) -> Result<(), String> {
        Ok(())
    }
    fn resolved(&self, _: &str) -> Result<(), String> {
        Ok(())
    }
    fn depose(&self, _: &InstanceAddr, _: &str) -> Result<(), String> {
        Ok(())
    }
    fn deposed_gone(&self, _: &InstanceAddr, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// Apply settings.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Most operations in flight at once (Terraform's default: 10).
    pub parallelism: usize,
    /// How often a running operation reports progress (Terraform's "Still creating..."
    /// lines: every 10 s).
    pub progress_every: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            parallelism: 10,
            progress_every: Duration::from_secs(10),
        }
    }
}

/// What an apply did.
#[derive(Debug)]
pub struct ApplyOutcome {
    /// The new state (everything that was created is in it, even after failures).
    pub state: State,
    /// Errors and warnings.
    pub diags: Diagnostics,
    /// Resources added.
    pub added: usize,
    /// Resources changed.
    pub changed: usize,
    /// Resources destroyed.
    pub destroyed: usize,
    /// Resources moved to another cloud (counted apart from adds and destroys).
    pub migrated: usize,
}
