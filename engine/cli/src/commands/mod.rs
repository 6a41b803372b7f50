//! One module per command; each returns the process exit code.

mod apply;
mod apply_history;
mod catalog;
mod console;
mod cost;
mod cost_history;
mod drift;
mod fmt;
mod graph;
mod import;
mod init;
mod migrate;
mod output;
mod plan;
mod providers;
mod providers_install;

/// Every provider source a configuration uses (the plugins started ahead of the walk).
#[cfg(feature = "plugins")]
pub fn provider_sources(
    tree: &autostack_lang::config::ModuleTree,
    out: &mut std::collections::BTreeSet<autostack_core::addrs::ProviderSource>,
) {
    init::sources(tree, tree, &mut Vec::new(), out);
}

mod rollback;
pub mod run;
mod show;
mod state;
mod state_history;
mod translate;
mod validate;
mod version;
mod workspace;

use crate::args::{Cli, Command};
use autostack_core::plan::PlanMode;

/// Runs the parsed command.
pub fn dispatch(cli: Cli) -> u8 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    match cli.command {
        _ if cli.version_flag => version::run(&crate::args::VersionArgs { json: false }),
        Some(Command::Validate(a)) => validate::run(&a),
        Some(Command::Console(a)) => console::run(&a),
        Some(Command::Fmt(a)) => fmt::run(&a),
        Some(Command::Version(a)) => version::run(&a),
        Some(Command::Init(a)) => rt.block_on(init::run(&a)),
        Some(Command::Get(a)) => rt.block_on(init::modules::get(&a)),
        Some(Command::Workspace(c)) => rt.block_on(workspace::run(&c)),
        Some(Command::Plan(a)) => rt.block_on(plan::run(&a)),
        Some(Command::Apply(a)) => rt.block_on(apply::run(&a, PlanMode::Normal)),
        Some(Command::Destroy(a)) => rt.block_on(apply::run(&a, PlanMode::Destroy)),
        Some(Command::Refresh(mut a)) => {
            a.auto_approve = true;
            a.common.refresh_only = true;
            rt.block_on(apply::run(&a, PlanMode::RefreshOnly))
        }
        Some(Command::Show(a)) => rt.block_on(show::run(&a)),
        Some(Command::Output(a)) => rt.block_on(output::run(&a)),
        Some(Command::State(c)) => rt.block_on(state::run(&c)),
        Some(Command::Import(a)) => rt.block_on(import::run(&a)),
        Some(Command::Graph(a)) => graph::run(&a),
        Some(Command::ForceUnlock(a)) => rt.block_on(state::force_unlock(&a)),
        Some(Command::Cost(a)) => match &a.sub {
            Some(crate::args::CostSub::History(h)) => rt.block_on(cost_history::run(h)),
            None => cost::run(&a),
        },
        Some(Command::Catalog(c)) => catalog::run(c, &rt),
        Some(Command::Providers(a)) => providers::run(&a),
        Some(Command::Translate(a)) => translate::run(&a),
        Some(Command::Migrate(a)) => rt.block_on(migrate::run(&a)),
        Some(Command::Rollback(a)) => rt.block_on(rollback::run(&a)),
        Some(Command::Drift(a)) => rt.block_on(drift::run(&a)),
        None => {
            let _ = <Cli as clap::CommandFactory>::command().print_help();
            1
        }
    }
}
