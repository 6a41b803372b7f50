//! Options of the commands that configure backends, select workspaces and hold state locks.

use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// `-lock` and `-lock-timeout`, on every command that locks the state.
#[derive(Debug, Args, Clone, Default)]
pub struct LockArgs {
    /// Hold a state lock during the operation (`-lock=false` disables it).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub lock: Option<bool>,
    /// Duration to retry a state lock (e.g. `10s`).
    #[arg(long = "lock-timeout", value_name = "DURATION")]
    pub lock_timeout: Option<String>,
}

impl LockArgs {
    /// Whether to lock (`-lock`, true unless `-lock=false`).
    pub fn enabled(&self) -> bool {
        self.lock.unwrap_or(true)
    }

    /// `-lock-timeout` as a duration.
    pub fn timeout(&self) -> Duration {
        parse_lock_timeout(self.lock_timeout.as_deref())
    }
}

/// A `-lock-timeout` value (Go syntax: `30s`, `2m`, `500ms`); zero when unset or invalid.
pub fn parse_lock_timeout(t: Option<&str>) -> Duration {
    let Some(t) = t else {
        return Duration::ZERO;
    };
    let (num, unit) = t.split_at(
        t.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len()),
    );
    let n: f64 = num.parse().unwrap_or(0.0);
    let secs = match unit {
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => n,
    };
    Duration::from_secs_f64(secs.max(0.0))
}

/// `init` options.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Ask for input (`-input=false` never asks).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub input: Option<bool>,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Install the newest module and provider versions the constraints allow.
    #[arg(long)]
    pub upgrade: bool,
    /// Install modules (`-get=false` skips module installation).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub get: Option<bool>,
    /// Configure the backend (`-backend=false` skips it).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub backend: Option<bool>,
    /// Backend configuration: `KEY=VALUE`, or a file of such lines (repeatable).
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
    /// Use the configured backend as is, ignoring the recorded one (no state migration).
    #[arg(long)]
    pub reconfigure: bool,
    /// Copy every workspace's state from the recorded backend to the configured one.
    #[arg(long = "migrate-state")]
    pub migrate_state: bool,
    /// Answer "yes" to the state migration questions.
    #[arg(long = "force-copy")]
    pub force_copy: bool,
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `workspace` subcommands.
#[derive(Debug, Subcommand)]
pub enum WorkspaceCmd {
    /// Create a new workspace and select it.
    New(WorkspaceNewArgs),
    /// Select a workspace.
    Select(WorkspaceSelectArgs),
    /// List the workspaces.
    List(WorkspaceListArgs),
    /// Show the name of the current workspace.
    Show,
    /// Delete a workspace.
    Delete(WorkspaceDeleteArgs),
}

/// `workspace new` options.
#[derive(Debug, Args)]
pub struct WorkspaceNewArgs {
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
    /// Copy this state file into the new workspace.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// The workspace's name.
    pub name: String,
}

/// `workspace select` options.
#[derive(Debug, Args)]
pub struct WorkspaceSelectArgs {
    /// Create the workspace when it does not exist.
    #[arg(long = "or-create", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub or_create: Option<bool>,
    /// The workspace's name.
    pub name: String,
}

/// `workspace list` options.
#[derive(Debug, Args)]
pub struct WorkspaceListArgs {}

/// `workspace delete` options.
#[derive(Debug, Args)]
pub struct WorkspaceDeleteArgs {
    /// Delete even when the workspace's state tracks resources.
    #[arg(long)]
    pub force: bool,
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
    /// The workspace's name.
    pub name: String,
}
