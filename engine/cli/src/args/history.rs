//! Options of the state-history commands: `state history`, `rollback`, and what `apply`
//! does when a resource fails (`-on-error`).

use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// What `apply` does when any resource fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Terraform's behaviour: stop, keeping what was done (the state records it).
    #[default]
    Keep,
    /// Destroy what this apply created and put back what it updated in place.
    Rollback,
}

/// `state history` options.
#[derive(Debug, Args)]
pub struct StateHistoryArgs {
    /// Print the versions as JSON.
    #[arg(long)]
    pub json: bool,
    /// Disable color output (the table has none; accepted as every command accepts it).
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
}

/// `rollback` options.
#[derive(Debug, Args)]
pub struct RollbackCmd {
    /// The state version (serial) to return to; default: the version before the current one.
    #[arg(long, value_name = "SERIAL")]
    pub to: Option<u64>,
    /// Skip interactive approval of the plan.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// Machine-readable output: one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Hold a state lock during the operation (`-lock=false` disables it).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub lock: Option<bool>,
    /// Duration to retry a state lock (e.g. `10s`).
    #[arg(long = "lock-timeout", value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// Limit the number of concurrent operations (default 10).
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Skip the cost section of the plan.
    #[arg(long = "no-cost")]
    pub no_cost: bool,
    /// What to do when a resource fails: keep (default) or rollback.
    #[arg(long = "on-error", value_enum, default_value_t = OnError::Keep)]
    pub on_error: OnError,
    /// Path to the state file (legacy local backend option).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
}
