//! `autostack init`: install the configuration's modules (`modules`), configure the backend
//! (recording it in `.terraform/terraform.tfstate`, with `-backend-config`, `-reconfigure`,
//! `-migrate-state` and `-force-copy` as Terraform's init has them) and find the
//! configuration's providers (built in, or installed as plugins).

mod migrate;
pub mod modules;

use crate::args::InitArgs;
use crate::backend::settings::{self, BackendChoice};
use crate::backend::{encryptor_for, Backend};
use crate::session;
use crate::ui;
use autostack_core::addrs::ProviderSource;
use autostack_core::context::source_of;
use autostack_core::graph::provider_addr;
use autostack_lang::config::{Module, ModuleTree};
use autostack_lang::diag::Sources;
use autostack_lang::Diagnostics;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Every provider source the configuration uses: `required_providers` and each resource's
/// provider, as the engine resolves it.
pub(crate) fn sources(
    root: &ModuleTree,
    tree: &ModuleTree,
    path: &mut Vec<String>,
    out: &mut BTreeSet<ProviderSource>,
) {
    let required = tree.module.terraform.required_providers.values();
    out.extend(required.filter_map(|rp| rp.source.parse::<ProviderSource>().ok()));
    for r in tree.module.resources.values() {
        out.insert(source_of(root, &provider_addr(root, path, r)));
    }
    for (name, c) in &tree.children {
        path.push(name.clone());
        sources(root, c, path, out);
        path.pop();
    }
}

/// Configures the backend, then verifies every provider is available.
pub async fn run(a: &InitArgs) -> u8 {
    let color = ui::color_stderr(a.no_color);
    if a.get.unwrap_or(true) {
        if let Err((s, d)) = modules::init_modules(a.upgrade, ui::color_stdout(a.no_color)).await {
            ui::print_diags(&d, &s, color);
            return 1;
        }
    }
    let loaded = match session::load_config(&PathBuf::from(".")) {
        Ok(l) => l,
        Err((s, d)) => {
            ui::print_diags(&d, &s, color);
            return 1;
        }
    };
    if a.backend.unwrap_or(true) {
        println!("Initializing the backend...");
        if let Err(d) = init_backend(a, &loaded.tree.module, &loaded.sources).await {
            ui::print_diags(&d, &loaded.sources, color);
            return 1;
        }
    }
    if let Err(d) = check_providers(&loaded.tree, a.upgrade) {
        ui::print_diags(&d, &loaded.sources, color);
        return 1;
    }
    let ok = "AutoStack has been successfully initialized!";
    println!("\n{}\n\nYou may now begin working with AutoStack. Try running \"autostack plan\" to see\nany changes that are required for your infrastructure. All AutoStack commands\nshould now work.", if ui::color_stdout(a.no_color) { format!("\x1b[32;1m{ok}\x1b[0m") } else { ok.to_string() });
    0
}

/// True when this build serves `s` natively.
fn native_provider(s: &ProviderSource) -> bool {
    let name = s.to_string();
    autostack_provider_builtin::provider_for(&name).is_some()
        || session::cloud_provider(&name).is_some()
}

/// Finds every provider: built in, or installed as a plugin (filesystem mirrors, registries,
/// the lock file; see `crate::plugins`).
fn check_providers(tree: &ModuleTree, upgrade: bool) -> Result<(), Diagnostics> {
    println!("\nInitializing provider plugins...");
    let mut all = BTreeSet::new();
    sources(tree, tree, &mut Vec::new(), &mut all);
    let native: BTreeSet<ProviderSource> =
        all.iter().filter(|s| native_provider(s)).cloned().collect();
    for s in &native {
        println!("- Using {s} (built in)");
    }
    let left = crate::plugins::install(tree, &all, &native, upgrade)?;
    if left.is_empty() {
        return Ok(());
    }
    let missing: Vec<String> = left.iter().map(ProviderSource::short).collect();
    let detail = format!("Could not find providers {} in this build of AutoStack or in the configured provider installation (filesystem mirrors, network mirrors, registries). Built in are hashicorp/random, hashicorp/null, hashicorp/local, hashicorp/time, terraform.io/builtin/terraform and the cloud providers enabled at build time.", missing.join(", "));
    Err(session::error(
        "Failed to query available provider packages",
        detail,
    ))
}

/// The backend part of init: what the files ask for (with `-backend-config`) against what
/// was recorded, as Terraform's init decides (configure, keep, migrate, or refuse).
async fn init_backend(a: &InitArgs, m: &Module, sources: &Sources) -> Result<(), Diagnostics> {
    let written = match &m.terraform.backend {
        Some(b) => Some(settings::from_block(b)?),
        None => None,
    };
    let wanted = match &written {
        Some(w) => settings::with_overrides(w.clone(), &a.backend_config, sources)?,
        None => BackendChoice::local_default(),
    };
    let saved = if a.reconfigure {
        None
    } else {
        settings::read_saved()?
    };
    let previous = saved.clone().unwrap_or_else(BackendChoice::local_default);
    let changed = previous.ty != wanted.ty
        || previous.hash != wanted.hash
        || (!a.backend_config.is_empty() && previous.config != wanted.config);
    let encryptor = encryptor_for(m)?;
    let workspace = settings::current_workspace();
    let target = Backend::open(&wanted, encryptor.clone(), workspace.clone()).await?;
    if changed && saved.is_some() && !a.migrate_state {
        return Err(session::error("Backend configuration changed", "A change in the backend configuration has been detected, which may require migrating existing state.\n\nIf you wish to attempt automatic migration of the state, run \"autostack init -migrate-state\".\nIf you wish to store the current configuration with no changes to the state, run \"autostack init -reconfigure\"."));
    }
    // Terraform offers to copy the previous backend's state when the backend changes (the
    // default local one included), unless -reconfigure says to start over.
    if changed && !a.reconfigure {
        let source = Backend::open(&previous, encryptor, workspace).await?;
        if saved.is_some() {
            println!("Backend configuration changed!\n\nAutoStack has detected that the configuration specified for the backend\nhas changed. AutoStack will now check for existing state in the backends.\n");
        }
        migrate::copy_all(&source, &target, &previous.ty, &wanted.ty, a).await?;
    }
    match &written {
        Some(_) => settings::write_saved(&wanted)?,
        None => settings::remove_saved()?,
    }
    if let Some(w) = &written {
        // Reaching the backend proves the configuration works (credentials, bucket, table).
        target.workspaces().await?;
        println!("\nSuccessfully configured the backend {:?}! AutoStack will automatically\nuse this backend unless the backend configuration changes.", w.ty);
    }
    Ok(())
}
