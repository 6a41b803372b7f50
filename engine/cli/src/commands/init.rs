//! `autostack init`: check the configuration's providers and backend (no downloads: providers
//! are compiled in).

use crate::args::InitArgs;
use crate::session::{self, Builtins};
use crate::ui;
use autostack_core::context::{full_source, ProviderResolver};
use autostack_core::graph::default_provider_name;
use autostack_lang::config::ModuleTree;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn sources(tree: &ModuleTree, out: &mut BTreeSet<String>) {
    let m = &tree.module;
    for rp in m.terraform.required_providers.values() {
        out.insert(rp.source.clone());
    }
    for r in m.resources.values() {
        let name = r
            .provider
            .as_ref()
            .map_or(default_provider_name(&r.ty), |(n, _)| n.as_str());
        let src = match m.terraform.required_providers.get(name) {
            Some(rp) => rp.source.clone(),
            None if name == "terraform" => "terraform.io/builtin/terraform".into(),
            None => format!("hashicorp/{name}"),
        };
        out.insert(src);
    }
    for c in tree.children.values() {
        sources(c, out);
    }
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
    sources(&loaded.tree, &mut all);
    let mut missing = Vec::new();
    for s in &all {
        if Builtins.instantiate(s).is_some() {
            println!("- Using {} (built in)", full_source(s));
        } else {
            missing.push(s.clone());
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
