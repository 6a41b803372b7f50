//! `providers` and its subcommands' options.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `providers` and its subcommands.
#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// The subcommand (none: the providers the configuration requires).
    #[command(subcommand)]
    pub sub: Option<ProvidersCmd>,
}

/// `providers` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProvidersCmd {
    /// Show schemas for the providers used in the configuration.
    Schema(ProvidersSchemaArgs),
    /// Write out dependency locks for the configured providers.
    Lock(ProvidersLockArgs),
    /// Save local copies of all required provider plugins.
    Mirror(ProvidersMirrorArgs),
}

/// `providers schema` options.
#[derive(Debug, Args)]
pub struct ProvidersSchemaArgs {
    /// Print the schemas as JSON (required, as in Terraform).
    #[arg(long)]
    pub json: bool,
}

/// `providers lock` options.
#[derive(Debug, Args)]
pub struct ProvidersLockArgs {
    /// Consult only this filesystem mirror.
    #[arg(long = "fs-mirror", value_name = "DIR")]
    pub fs_mirror: Option<PathBuf>,
    /// Consult only this network mirror.
    #[arg(long = "net-mirror", value_name = "URL")]
    pub net_mirror: Option<String>,
    /// Platforms to lock checksums for (`OS_ARCH`; repeatable; default: this machine's).
    #[arg(long = "platform", value_name = "OS_ARCH")]
    pub platform: Vec<String>,
    /// Providers to lock (default: all).
    pub providers: Vec<String>,
}

/// `providers mirror` options.
#[derive(Debug, Args)]
pub struct ProvidersMirrorArgs {
    /// Platforms to mirror packages for (`OS_ARCH`; repeatable; default: this machine's).
    #[arg(long = "platform", value_name = "OS_ARCH")]
    pub platform: Vec<String>,
    /// Whether to mirror the versions the lock file selected.
    #[arg(long = "lock-file", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub lock_file: bool,
    /// The directory to write the mirror into.
    pub dir: PathBuf,
}
