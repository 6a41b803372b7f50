//! `autostack providers`: the providers the configuration requires (a tree by module, with
//! their constraints), `providers schema -json` (Terraform's format_version "1.0", for
//! native and plugin providers alike); `providers lock` and `providers mirror` are in
//! `providers_install`.

use super::providers_install::{lock, mirror};
use crate::args::{ProvidersArgs, ProvidersCmd};
use crate::session;
use crate::ui;
use autostack_core::addrs::ProviderSource;
use autostack_lang::config::ModuleTree;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Runs `providers` or one of its subcommands.
pub fn run(a: &ProvidersArgs) -> u8 {
    let loaded = match session::load_config(&PathBuf::from(".")) {
        Ok(l) => l,
        Err((s, d)) => {
            ui::print_diags(&d, &s, ui::color_stderr(false));
            return 1;
        }
    };
    let mut all = BTreeSet::new();
    super::init::sources(&loaded.tree, &loaded.tree, &mut Vec::new(), &mut all);
    let result = match &a.sub {
        None => {
            print!("\nProviders required by configuration:\n.\n");
            print_tree(&loaded.tree, "");
            print_state_providers();
            Ok(())
        }
        Some(ProvidersCmd::Schema(s)) if !s.json => Err(session::error(
            "The -json flag is required",
            "The `providers schema` command requires the `-json` flag.",
        )),
        Some(ProvidersCmd::Schema(_)) => schema_json(&all),
        Some(ProvidersCmd::Lock(l)) => lock(&loaded.tree, &all, l),
        Some(ProvidersCmd::Mirror(m)) => mirror(&loaded.tree, &all, m),
    };
    match result {
        Ok(()) => 0,
        Err(d) => {
            ui::print_diags(&d, &loaded.sources, ui::color_stderr(false));
            1
        }
    }
}

/// One module's providers, then its children, drawn as Terraform draws them.
fn print_tree(tree: &ModuleTree, indent: &str) {
    let providers: Vec<(String, Option<String>)> = tree
        .module
        .terraform
        .required_providers
        .values()
        .filter_map(|rp| {
            rp.source
                .parse::<ProviderSource>()
                .ok()
                .map(|s| (s.to_string(), rp.version.clone()))
        })
        .collect();
    let children: Vec<(&String, &ModuleTree)> = tree.children.iter().collect();
    let total = providers.len() + children.len();
    for (i, (addr, version)) in providers.iter().enumerate() {
        let branch = if i + 1 == total {
            "└── "
        } else {
            "├── "
        };
        let v = version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        println!("{indent}{branch}provider[{addr}]{v}");
    }
    for (i, (name, child)) in children.iter().enumerate() {
        let last = providers.len() + i + 1 == total;
        println!(
            "{indent}{}module.{name}",
            if last { "└── " } else { "├── " }
        );
        print_tree(
            child,
            &format!("{indent}{}", if last { "    " } else { "│   " }),
        );
    }
}

/// The providers the local state's resources name, as Terraform lists them.
fn print_state_providers() {
    let Ok(text) = std::fs::read_to_string("terraform.tfstate") else {
        println!();
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let providers: BTreeSet<String> = doc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["provider"].as_str())
        .filter_map(|p| {
            p.strip_prefix("provider[\"")
                .and_then(|p| p.split('"').next())
                .map(str::to_string)
        })
        .collect();
    println!("\nProviders required by state:\n");
    for p in providers {
        println!("    provider[{p}]\n");
    }
}

#[cfg(feature = "plugins")]
fn schema_json(all: &BTreeSet<ProviderSource>) -> Result<(), autostack_lang::Diagnostics> {
    use autostack_provider_plugin::{install::installed, schema_json, PluginProvider};
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut schemas = serde_json::Map::new();
    for source in all {
        let addr = source.to_string();
        let entry = match installed(&cwd, &addr) {
            Some(pkg) => {
                let p = PluginProvider::load(&pkg.executable, &addr)
                    .map_err(|e| session::error("Failed to load plugin schemas", e))?;
                schema_json::from_plugin(&p.plugin().raw_schema)
            }
            None => {
                let native = autostack_provider_builtin::provider_for(&addr)
                    .or_else(|| session::cloud_provider(&addr));
                let Some(p) = native else {
                    return Err(session::error(
                        "Failed to load plugin schemas",
                        format!("Provider {addr:?} is not installed: run \"autostack init\"."),
                    ));
                };
                schema_json::from_native(p.schema())
            }
        };
        schemas.insert(addr, entry);
    }
    println!(
        "{}",
        serde_json::json!({"format_version": "1.0", "provider_schemas": schemas})
    );
    Ok(())
}

#[cfg(not(feature = "plugins"))]
fn schema_json(_: &BTreeSet<ProviderSource>) -> Result<(), autostack_lang::Diagnostics> {
    Err(session::error(
        "Plugins are not in this build",
        "`providers schema` needs the `plugins` feature.",
    ))
}
