//! Command-line parsing: Terraform's single-dash flags (`-var`, `-json`, `-chdir=DIR`) are
//! accepted alongside the double-dash forms, then clap does the rest.

mod backend;
mod clouds;
mod drift;
mod history;
mod providers;

pub use backend::{
    parse_lock_timeout, InitArgs, LockArgs, WorkspaceCmd, WorkspaceDeleteArgs, WorkspaceNewArgs,
    WorkspaceSelectArgs,
};
use clap::{Args, Parser, Subcommand};
pub use clouds::{MigrateCmd, TranslateArgs};
pub use drift::DriftArgs;
pub use history::{OnError, RollbackCmd, StateHistoryArgs};
pub use providers::{ProvidersArgs, ProvidersCmd, ProvidersLockArgs, ProvidersMirrorArgs};
use std::path::PathBuf;

/// AutoStack: a Terraform-compatible, multi-cloud infrastructure-as-code engine.
#[derive(Debug, Parser)]
#[command(name = "autostack", version, about, disable_version_flag = true)]
pub struct Cli {
    /// Switch to a different working directory before executing the given subcommand.
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<String>,
    /// Print the version (same as the `version` command).
    #[arg(long = "version", short = 'v')]
    pub version_flag: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check whether the configuration is valid.
    Validate(ValidateArgs),
    /// Try Terraform expressions at an interactive command prompt.
    Console(ConsoleArgs),
    /// Reformat your configuration in the standard style.
    Fmt(FmtArgs),
    /// Show the current AutoStack version.
    Version(VersionArgs),
    /// Prepare your working directory for other commands.
    Init(InitArgs),
    /// Install or upgrade remote modules.
    Get(GetArgs),
    /// Show changes required by the current configuration.
    Plan(PlanCmd),
    /// Create or update infrastructure.
    Apply(ApplyCmd),
    /// Destroy previously-created infrastructure.
    Destroy(ApplyCmd),
    /// Update the state to match remote systems.
    Refresh(ApplyCmd),
    /// Show the current state or a saved plan.
    Show(ShowArgs),
    /// Show output values from your root module.
    Output(OutputArgs),
    /// Advanced state management.
    #[command(subcommand)]
    State(StateCmd),
    /// Associate existing infrastructure with a resource.
    Import(ImportArgs),
    /// Generate a Graphviz graph of the steps in an operation.
    Graph(GraphArgs),
    /// Workspace management.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Release a stuck lock on the current workspace.
    #[command(name = "force-unlock")]
    ForceUnlock(ForceUnlockArgs),
    /// Price a configuration or plan on AWS, Azure and GCP; check budgets and policies.
    Cost(CostArgs),
    /// Refresh prices from the clouds' public price APIs, or show what they date from.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Show the providers required for this configuration.
    Providers(ProvidersArgs),
    /// Rewrite a configuration of one cloud's resources for another cloud or the portable
    /// types (exit 0: fully translated; 4: written, with items not translated; 1: error).
    Translate(TranslateArgs),
    /// Plan moving the stack's portable resources to another cloud, or rewrite the files for it.
    Migrate(MigrateCmd),
    /// Return to the configuration recorded with an earlier state version (plan, then apply).
    Rollback(RollbackCmd),
    /// Report what changed outside AutoStack: per resource and attribute, when it was last
    /// applied and the monthly cost effect (exit 2 on drift with -detailed-exitcode).
    Drift(DriftArgs),
}

/// `get` options.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// Check already-downloaded modules for available updates and install the newest
    /// versions available.
    #[arg(long)]
    pub update: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
}

/// `catalog` subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogCmd {
    /// Fetch current list prices into the local catalog (used before the embedded one).
    Update(CatalogUpdateArgs),
    /// Show, per cloud, where prices come from and what they date from.
    Status(CatalogStatusArgs),
}

/// `catalog update` options.
#[derive(Debug, Args)]
pub struct CatalogUpdateArgs {
    /// Clouds to fetch: aws, azure, gcp (comma-separated or repeated; default: all three).
    #[arg(long, value_delimiter = ',')]
    pub cloud: Vec<String>,
    /// Regions to fetch (comma-separated or repeated; default: a documented list per cloud).
    #[arg(long, value_delimiter = ',')]
    pub region: Vec<String>,
    /// The price API's base URL (a mirror or a test server); only with a single -cloud.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The GCP Cloud Billing API key (default: $GOOGLE_BILLING_API_KEY).
    #[arg(long = "api-key", value_name = "KEY")]
    pub api_key: Option<String>,
}

/// `catalog status` options.
#[derive(Debug, Args)]
pub struct CatalogStatusArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `cost` options.
#[derive(Debug, Args)]
pub struct CostArgs {
    /// Price an AutoStack saved plan.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Price a Terraform JSON plan (`terraform show -json PLAN`).
    #[arg(long = "plan-json", value_name = "FILE")]
    pub plan_json: Option<PathBuf>,
    /// Output format: table, json or markdown.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// A previous `-format=json` report to compare against (the pull request's base).
    #[arg(long = "compare-to", value_name = "FILE")]
    pub compare_to: Option<PathBuf>,
    /// A price catalog (CSV) to use instead of the embedded one.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// A usage file (YAML) for usage-based prices.
    #[arg(long, value_name = "FILE")]
    pub usage: Option<PathBuf>,
    /// Sum costs per tag:KEY, provider, cloud or module.
    #[arg(long = "group-by", value_name = "KEY")]
    pub group_by: Option<String>,
    /// Leave out optimization hints.
    #[arg(long = "no-hints")]
    pub no_hints: bool,
    /// `history`: the run-rate every apply recorded, the month so far and its forecast.
    #[command(subcommand)]
    pub sub: Option<CostSub>,
    /// The configuration directory (default: the working directory).
    pub dir: Option<PathBuf>,
}

/// `cost` subcommands.
#[derive(Debug, Subcommand)]
pub enum CostSub {
    /// The monthly run-rate each apply left, month-to-date spend and month-end forecast.
    History(CostHistoryArgs),
}

/// `cost history` options.
#[derive(Debug, Args)]
pub struct CostHistoryArgs {
    /// Output format: table, json, markdown or html.
    #[arg(long, default_value = "table", value_parser = ["table", "json", "markdown", "html"])]
    pub format: String,
    /// The state file (default: the configured backend's).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
}

/// Options shared by plan, apply, destroy and refresh.
#[derive(Debug, Args, Clone, Default)]
pub struct PlanArgs {
    /// Input variables.
    #[command(flatten)]
    pub vars: VarArgs,
    /// Select the "destroy" planning mode.
    #[arg(long)]
    pub destroy: bool,
    /// Select the "refresh only" planning mode.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
    /// Skip checking for external changes to remote objects (`-refresh=false`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub refresh: Option<bool>,
    /// Limit planning to only the given resource instances and their dependencies.
    #[arg(long, value_name = "ADDRESS")]
    pub target: Vec<String>,
    /// Force replacement of a particular resource instance.
    #[arg(long, value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Machine-readable output: one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Ask for input for variables if not directly set.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub input: Option<bool>,
    /// Hold a state lock during the operation (`-lock=false` disables it).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub lock: Option<bool>,
    /// Duration to retry a state lock (e.g. `10s`).
    #[arg(long = "lock-timeout", value_name = "DURATION")]
    pub lock_timeout: Option<String>,
    /// Limit the number of concurrent operations (default 10).
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Path to the state file (legacy local backend option).
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Skip the cost section of the plan.
    #[arg(long = "no-cost")]
    pub no_cost: bool,
    /// Show warnings in a compact form (accepted for compatibility).
    #[arg(long = "compact-warnings")]
    pub compact_warnings: bool,
}

impl PlanArgs {
    /// `-lock-timeout` as a duration (Go syntax: `30s`, `2m`); zero when unset or invalid.
    pub fn lock_timeout(&self) -> std::time::Duration {
        parse_lock_timeout(self.lock_timeout.as_deref())
    }
}

/// `plan` options.
#[derive(Debug, Args)]
pub struct PlanCmd {
    /// Common options.
    #[command(flatten)]
    pub common: PlanArgs,
    /// Write a plan file to the given path, for `apply` to use.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit code 0: no changes, 1: error, 2: changes present.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Also write the plan as a self-contained HTML report (graph, cost, diff) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

/// `apply` / `destroy` / `refresh` options.
#[derive(Debug, Args)]
pub struct ApplyCmd {
    /// Common options.
    #[command(flatten)]
    pub common: PlanArgs,
    /// Skip interactive approval of the plan.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// What to do when a resource fails: keep (Terraform's behaviour) or rollback.
    #[arg(long = "on-error", value_enum, default_value_t = OnError::Keep)]
    pub on_error: OnError,
    /// A saved plan file to apply.
    pub plan_file: Option<PathBuf>,
}

/// `show` options.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Machine-readable JSON (Terraform's JSON plan/state format).
    #[arg(long)]
    pub json: bool,
    /// With -json: print sensitive values (withheld as null otherwise; Terraform prints them).
    #[arg(long = "show-sensitive", requires = "json")]
    pub show_sensitive: bool,
    /// A saved plan as a self-contained HTML report (graph, cost, diff) on stdout.
    #[arg(long, conflicts_with = "json")]
    pub html: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// A saved plan or a state file (default: the current state).
    pub path: Option<PathBuf>,
}

/// `output` options.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print the outputs as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print a string output's raw value, without quotes.
    #[arg(long)]
    pub raw: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// A single output to show.
    pub name: Option<String>,
}

/// `state` subcommands.
#[derive(Debug, Subcommand)]
pub enum StateCmd {
    /// List resources in the state.
    List(StateListArgs),
    /// Show a resource in the state.
    Show(StateAddrArgs),
    /// Move an item in the state.
    Mv(StateMvArgs),
    /// Remove instances from the state.
    Rm(StateRmArgs),
    /// Pull current state and output to stdout.
    Pull(StateFileArgs),
    /// Update remote state from a local state file.
    Push(StatePushArgs),
    /// List the kept state versions (serial, time, who, changes, monthly cost).
    History(StateHistoryArgs),
}

/// `state list` options.
#[derive(Debug, Args)]
pub struct StateListArgs {
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Filter by address prefixes.
    pub addresses: Vec<String>,
}

/// Options naming one address.
#[derive(Debug, Args)]
pub struct StateAddrArgs {
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// The resource instance address.
    pub address: String,
}

/// `state mv` options.
#[derive(Debug, Args)]
pub struct StateMvArgs {
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Show what would move without moving it.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Source address.
    pub source: String,
    /// Destination address.
    pub destination: String,
}

/// `state rm` options.
#[derive(Debug, Args)]
pub struct StateRmArgs {
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Show what would be removed.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Addresses to remove.
    #[arg(required = true)]
    pub addresses: Vec<String>,
}

/// Options with only a state path.
#[derive(Debug, Args)]
pub struct StateFileArgs {
    /// Path to the state file.
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
}

/// `state push` options.
#[derive(Debug, Args)]
pub struct StatePushArgs {
    /// State locking.
    #[command(flatten)]
    pub lock: LockArgs,
    /// Write even when lineage differs or the serial is lower.
    #[arg(long)]
    pub force: bool,
    /// The state file to push (`-` for stdin).
    pub path: String,
}

/// `import` options.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Common options (variables, locking).
    #[command(flatten)]
    pub common: PlanArgs,
    /// Resource address to import into.
    pub address: String,
    /// The provider-specific ID of the existing object.
    pub id: String,
}

/// `graph` options.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Graph type (accepted for compatibility: plan, apply, plan-destroy).
    #[arg(long = "type")]
    pub ty: Option<String>,
    /// Output format: `dot` (Graphviz, as Terraform), `svg` or `html` (a drawn graph).
    #[arg(long, default_value = "dot", value_parser = ["dot", "svg", "html"])]
    pub format: String,
}

/// `force-unlock` options.
#[derive(Debug, Args)]
pub struct ForceUnlockArgs {
    /// Don't ask for confirmation.
    #[arg(long)]
    pub force: bool,
    /// The lock ID.
    pub lock_id: String,
}

/// Options shared by commands that read input variables.
#[derive(Debug, Args, Clone, Default)]
pub struct VarArgs {
    /// Set a value for one of the input variables in the root module (`NAME=VALUE`).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Load variable values from the given file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

/// `validate` options.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Produce output in a machine-readable JSON format.
    #[arg(long)]
    pub json: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Directory of the configuration (defaults to the working directory).
    pub dir: Option<PathBuf>,
}

/// `console` options.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Input variables.
    #[command(flatten)]
    pub vars: VarArgs,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Ask for input for variables if not directly set (accepted for compatibility).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub input: Option<bool>,
}

/// `fmt` options.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// List files whose formatting differs.
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub list: bool,
    /// Write result to source file instead of STDOUT.
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub write: bool,
    /// Display diffs of formatting changes.
    #[arg(long)]
    pub diff: bool,
    /// Check if the input is formatted; exit status 3 when it is not.
    #[arg(long)]
    pub check: bool,
    /// Also process files in subdirectories.
    #[arg(long)]
    pub recursive: bool,
    /// Disable color output.
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Files or directories to format; `-` reads standard input.
    #[arg(allow_hyphen_values = true)]
    pub targets: Vec<String>,
}

/// `version` options.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Output the version information as a JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Rewrites Terraform-style `-flag` / `-flag=value` into `--flag` forms clap understands.
pub fn normalize(argv: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(argv.len());
    for (i, a) in argv.into_iter().enumerate() {
        let single_dash_word = a.len() > 2
            && a.starts_with('-')
            && !a.starts_with("--")
            && a.as_bytes()[1].is_ascii_alphabetic();
        if i > 0 && single_dash_word && a != "-v" {
            out.push(format!("-{a}"));
        } else {
            out.push(a);
        }
    }
    out
}

/// Parses the process arguments.
pub fn parse(argv: Vec<String>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(normalize(argv))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_dash_flags_are_accepted() {
        let cli = parse(vec![
            "autostack".into(),
            "-chdir=x".into(),
            "validate".into(),
            "-json".into(),
        ])
        .unwrap();
        assert_eq!(cli.chdir.as_deref(), Some("x"));
        assert!(matches!(
            cli.command,
            Some(Command::Validate(ValidateArgs { json: true, .. }))
        ));
        let cli = parse(vec![
            "autostack".into(),
            "console".into(),
            "-var".into(),
            "a=1".into(),
            "--var=b=2".into(),
        ])
        .unwrap();
        let Some(Command::Console(c)) = cli.command else {
            panic!("console expected")
        };
        assert_eq!(c.vars.vars, vec!["a=1", "b=2"]);
        let cli = parse(vec![
            "autostack".into(),
            "fmt".into(),
            "-list=false".into(),
            "-".into(),
        ])
        .unwrap();
        let Some(Command::Fmt(f)) = cli.command else {
            panic!("fmt expected")
        };
        assert!(!f.list);
        assert_eq!(f.targets, vec!["-"]);
    }
}
