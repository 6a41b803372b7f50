//! Options of the commands that move a configuration between clouds: `translate` and
//! `migrate`.

use super::PlanArgs;
use clap::Args;
use std::path::PathBuf;

/// `translate` options.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// The target: aws, azure, gcp or portable.
    #[arg(long, value_name = "CLOUD")]
    pub to: String,
    /// Where to write the result (default: DIR-<target> beside DIR; `-` prints it).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite a non-empty output directory.
    #[arg(long)]
    pub force: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// The configuration directory (default: the working directory).
    pub dir: Option<PathBuf>,
}

/// `migrate` options.
#[derive(Debug, Args)]
pub struct MigrateCmd {
    /// Common options.
    #[command(flatten)]
    pub common: PlanArgs,
    /// The cloud to move to: aws, gcp or azure.
    #[arg(long, value_name = "CLOUD")]
    pub to: String,
    /// The region on that cloud (default: the nearest to the current region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Rewrite the .tf files in place (provider blocks and bindings) instead of planning.
    #[arg(long)]
    pub write: bool,
    /// Exit code 0: no changes, 1: error, 2: changes present.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
}
