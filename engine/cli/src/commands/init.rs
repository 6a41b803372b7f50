//! `autostack init`: check the configuration's providers and backend (no downloads: providers
//! are compiled in).

use crate::args::InitArgs;
use crate::session;
use crate::ui;
use autostack_core::addrs::ProviderSource;
use autostack_core::context::source_of;
use autostack_core::graph::provider_addr;
use autostack_lang::config::ModuleTree;
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

/// True when this build serves `s` natively.
fn native_provider(s: &ProviderSource) -> bool {
    let name = s.to_string();
    autostack_provider_builtin::provider_for(&name).is_some()
        || session::cloud_provider(&name).is_some()
}

/// Verifies every provider is available and the backend is usable.
pub fn run(a: &InitArgs) -> u8 {
    let color = ui::color_stderr(a.no_color);
    let loaded = match session::load_config(&PathBuf::from(".")) {
        Ok(l) => l,
        Err((s, d)) => {
            ui::print_diags(&d, &s, color);
            return 1;
        }
    };
    println!("Initializing the backend...");
    if let Some(b) = &loaded.tree.module.terraform.backend {
        println!("\nSuccessfully configured the backend {:?}! AutoStack will automatically\nuse this backend unless the backend configuration changes.", b.ty);
    }
    if !loaded.tree.children.is_empty() {
        println!("Initializing modules...");
        for name in loaded.tree.children.keys() {
            println!(
                "- {name} in {}",
                loaded.tree.module.module_calls[name].source
            );
        }
    }
    println!("\nInitializing provider plugins...");
    let mut all = BTreeSet::new();
    sources(&loaded.tree, &loaded.tree, &mut Vec::new(), &mut all);
    let mut missing = Vec::new();
    let native: BTreeSet<ProviderSource> =
        all.iter().filter(|s| native_provider(s)).cloned().collect();
    for s in &native {
        println!("- Using {s} (built in)");
    }
    match crate::plugins::install(&loaded.tree, &all, &native, a.upgrade) {
        Ok(left) => missing.extend(left.iter().map(ProviderSource::short)),
        Err(d) => {
            ui::print_diags(&d, &loaded.sources, color);
            return 1;
        }
    }
    if !missing.is_empty() {
        let detail = format!("Could not find providers {} in this build of AutoStack. Providers are compiled in; the available ones are hashicorp/random, hashicorp/null, hashicorp/local, hashicorp/time, terraform.io/builtin/terraform and the cloud providers enabled at build time.", missing.join(", "));
        ui::print_diags(
            &session::error("Failed to query available provider packages", detail),
            &loaded.sources,
            color,
        );
        return 1;
    }
    let ok = "AutoStack has been successfully initialized!";
    println!("\n{}\n\nYou may now begin working with AutoStack. Try running \"autostack plan\" to see\nany changes that are required for your infrastructure. All AutoStack commands\nshould now work.", if ui::color_stdout(a.no_color) { format!("\x1b[32;1m{ok}\x1b[0m") } else { ok.to_string() });
    0
}
