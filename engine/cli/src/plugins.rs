//! Provider plugins behind the `plugins` feature: a provider address is served by its native
//! implementation, by the plugin `init` installed for it, or by both (native types natively,
//! the others through the plugin); `autostack.hcl` can force one:
//! `provider "aws" { implementation = "plugin" }` (or `"native"`). The same blocks set each
//! configuration's `concurrency` ([`limits`]); they are parsed with the budgets and policies
//! (`autostack_cost::policy::ProviderSettings`).

use autostack_core::addrs::ProviderSource;
use autostack_core::limits::ProviderLimits;
use autostack_lang::Diagnostics;
use autostack_provider_sdk::Provider;
use std::path::Path;

/// The concurrency of each provider configuration, from `autostack.hcl` in `dir`.
pub fn limits(dir: &Path) -> Result<ProviderLimits, Diagnostics> {
    let set = crate::costing::policies(dir)?.unwrap_or_default();
    Ok(ProviderLimits::new(move |p| {
        set.concurrency(&p.local, p.alias.as_deref())
    }))
}

/// `implementation` of the default configuration of provider type `ty` (a bad file was
/// reported when the session opened).
#[cfg(feature = "plugins")]
fn implementation(dir: &Path, ty: &str) -> Option<String> {
    let set = crate::costing::policies(dir).ok()??;
    set.provider(ty, None)?.implementation.clone()
}

/// The provider for `source`, given the native one (if this build has it).
#[cfg(feature = "plugins")]
pub fn with_plugin(
    source: &ProviderSource,
    native: Option<Box<dyn Provider>>,
) -> Option<Box<dyn Provider>> {
    use autostack_provider_plugin::install::installed;
    use autostack_provider_plugin::{PluginProvider, Routed};
    let cwd = std::env::current_dir().unwrap_or_default();
    let address = source.to_string();
    let choice = implementation(&cwd, &source.ty);
    if choice.as_deref() == Some("native") {
        return native;
    }
    let Some(pkg) = installed(&cwd, &address) else {
        return if choice.as_deref() == Some("plugin") {
            None
        } else {
            native
        };
    };
    let plugin = match PluginProvider::load(&pkg.executable, &address) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Warning: could not load the plugin for {address}: {e}");
            return native;
        }
    };
    match native {
        Some(n) if choice.is_none() => Some(Box::new(Routed::new(n, plugin))),
        _ => Some(Box::new(plugin)),
    }
}

/// Without the `plugins` feature only native providers exist.
#[cfg(not(feature = "plugins"))]
pub fn with_plugin(
    _: &ProviderSource,
    native: Option<Box<dyn Provider>>,
) -> Option<Box<dyn Provider>> {
    native
}

/// Installs plugins for `all` providers as `terraform init` does (from the CLI
/// configuration's sources into `.terraform/providers`, recorded in the lock file) and returns
/// no missing provider (one found nowhere is an error). A provider in `native` needs no
/// plugin: one is installed when a local source (filesystem mirror, plugin cache) has it (its
/// types the native one lacks then work), else nothing is said; `autostack.hcl`'s
/// `implementation = "plugin"` makes it a plugin like any other.
#[cfg(feature = "plugins")]
pub fn install(
    tree: &autostack_lang::config::ModuleTree,
    all: &std::collections::BTreeSet<ProviderSource>,
    native: &std::collections::BTreeSet<ProviderSource>,
    upgrade: bool,
) -> Result<Vec<ProviderSource>, autostack_lang::Diagnostics> {
    use autostack_provider_plugin::install::{
        self, cliconfig::CliConfig, lockfile::Locks, Event, Options, Requirement,
    };
    let err = |summary: &str, e: String| crate::session::error(summary, e);
    let failed = |e: String| err("Failed to install provider", e);
    let cwd = std::env::current_dir().unwrap_or_default();
    let cfg = CliConfig::load().map_err(failed)?;
    let mut locks = Locks::read(&cwd).map_err(failed)?;
    let had_lock = !locks.0.is_empty();
    let mut third_party = false;
    for source in all {
        let req = Requirement {
            address: source.to_string(),
            constraints: constraints(tree, source),
        };
        let forced = implementation(&cwd, &source.ty).as_deref() == Some("plugin");
        let quiet = native.contains(source) && !forced;
        let mut report = |e: Event| {
            if !quiet {
                print_event(e)
            }
        };
        let opts = Options {
            upgrade,
            local_only: quiet,
            ..Options::default()
        };
        let mut trial = locks.clone();
        match install::install(&cwd, &[req], &mut trial, &cfg, &opts, &mut report) {
            Ok(done) => {
                locks = trial;
                third_party |= done.iter().any(|i| i.third_party);
            }
            Err(_) if quiet => {}
            Err(e) => return Err(err(&e.summary, e.detail)),
        }
    }
    if third_party {
        println!("\nPartner and community providers are signed by their developers.\nIf you'd like to know more about provider signing, you can read about it here:\nhttps://developer.hashicorp.com/terraform/cli/plugins/signing");
    }
    if !locks.0.is_empty() {
        locks.write(&cwd).map_err(failed)?;
        if !had_lock {
            println!("\nAutoStack has created a lock file .terraform.lock.hcl to record the provider\nselections it made above. Include this file in your version control repository\nso that AutoStack can guarantee to make the same selections by default when\nyou run \"autostack init\" in the future.");
        }
    }
    Ok(Vec::new())
}

#[cfg(feature = "plugins")]
fn print_event(e: autostack_provider_plugin::install::Event) {
    use autostack_provider_plugin::install::Event;
    match e {
        Event::Finding(p, Some(c)) => println!("- Finding {p} versions matching {c:?}..."),
        Event::Finding(p, None) => println!("- Finding latest version of {p}..."),
        Event::Reusing(p) => {
            println!("- Reusing previous version of {p} from the dependency lock file")
        }
        Event::Installing(p, v) => println!("- Installing {p} v{v}..."),
        Event::Installed(p, v, auth) => println!("- Installed {p} v{v} ({auth})"),
        Event::UsingInstalled(p, v) => println!("- Using previously-installed {p} v{v}"),
        Event::FromCache(p, v) => println!("- Using {p} v{v} from the shared cache directory"),
    }
}

/// Every module's version constraints on `source`, joined as Terraform joins them.
#[cfg(feature = "plugins")]
pub fn constraints(
    tree: &autostack_lang::config::ModuleTree,
    source: &ProviderSource,
) -> Option<String> {
    fn walk(
        t: &autostack_lang::config::ModuleTree,
        source: &ProviderSource,
        out: &mut Vec<String>,
    ) {
        for rp in t.module.terraform.required_providers.values() {
            if rp.source.parse::<ProviderSource>().ok().as_ref() == Some(source) {
                out.extend(
                    rp.version
                        .iter()
                        .filter(|v| !out.contains(v))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
        }
        t.children.values().for_each(|c| walk(c, source, out));
    }
    let mut out = Vec::new();
    walk(tree, source, &mut out);
    (!out.is_empty()).then(|| out.join(", "))
}

/// Without the `plugins` feature, providers are compiled in: the non-native ones are missing.
#[cfg(not(feature = "plugins"))]
pub fn install(
    _: &autostack_lang::config::ModuleTree,
    all: &std::collections::BTreeSet<ProviderSource>,
    native: &std::collections::BTreeSet<ProviderSource>,
    _: bool,
) -> Result<Vec<ProviderSource>, autostack_lang::Diagnostics> {
    Ok(all.difference(native).cloned().collect())
}

/// Starts, in the background and all at once, the plugins of the providers the configuration
/// uses that nothing native serves (their start overlaps the evaluation of the
/// configuration instead of following one another in the walk).
#[cfg(feature = "plugins")]
pub fn prestart(tree: &autostack_lang::config::ModuleTree) {
    let mut all = std::collections::BTreeSet::new();
    crate::commands::provider_sources(tree, &mut all);
    let cwd = std::env::current_dir().unwrap_or_default();
    for source in all {
        let name = source.to_string();
        let native = autostack_provider_builtin::provider_for(&name).is_some()
            || crate::session::cloud_provider(&name).is_some();
        if let Some(pkg) =
            autostack_provider_plugin::install::installed(&cwd, &name).filter(|_| !native)
        {
            autostack_provider_plugin::prestart(&pkg.executable);
        }
    }
}

/// Without plugins there is nothing to start.
#[cfg(not(feature = "plugins"))]
pub fn prestart(_: &autostack_lang::config::ModuleTree) {}

/// Stops plugins started early that no provider took.
pub fn stop_unused() {
    #[cfg(feature = "plugins")]
    autostack_provider_plugin::stop_unused();
}
