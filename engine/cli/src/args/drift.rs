//! Options of `autostack drift`.

use super::{LockArgs, PlanArgs, VarArgs};
use clap::Args;
use std::path::PathBuf;

/// `drift` options: the plan flags that make sense for a refresh-only check.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// Output format: table (for people), json (for programs) or markdown (an issue body).
    #[arg(long, default_value = "table", value_parser = ["table", "json", "markdown"])]
    pub format: String,
    /// Exit code 0: no drift, 1: error, 2: drift found (without it, 0 unless an error).
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Input variables.
    #[command(flatten)]
    pub vars: VarArgs,
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
    /// Check only the given resource instances (and their dependencies).
    #[arg(long, value_name = "ADDRESS")]
    pub target: Vec<String>,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Ask for input for variables if not directly set.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub input: Option<bool>,
    /// Path to the state file (legacy local backend option).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Leave out the cost effect of the drift (no price catalog is loaded).
    #[arg(long = "no-cost")]
    pub no_cost: bool,
}

impl DriftArgs {
    /// The refresh-only plan these options ask for.
    pub fn plan_args(&self) -> PlanArgs {
        PlanArgs {
            vars: self.vars.clone(),
            refresh_only: true,
            target: self.target.clone(),
            no_color: self.no_color,
            input: self.input,
            lock: self.lock.lock,
            lock_timeout: self.lock.lock_timeout.clone(),
            state: self.state.clone(),
            no_cost: self.no_cost,
            ..PlanArgs::default()
        }
    }
}
