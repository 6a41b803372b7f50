//! `autostack validate`: check the configuration without state or providers.

use crate::args::ValidateArgs;
use crate::ui;
use autostack_core::context::ProviderResolver;
use autostack_core::graph::default_provider_name;
use autostack_lang::config::{load_module_tree, validate::validate_tree};
use autostack_lang::config::{Mode, ModuleTree};
use autostack_lang::diag::Sources;
use autostack_lang::functions::Functions;
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_provider_sdk::conform::check_body;
use std::path::PathBuf;

/// Checks every resource's arguments against its provider's schema, as `terraform validate`
/// does once providers are installed (ours are built in).
fn check_schemas(tree: &ModuleTree) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let m = &tree.module;
    for r in m.resources.values() {
        let name = r
            .provider
            .as_ref()
            .map_or(default_provider_name(&r.ty), |(n, _)| n.as_str());
        let source = match m.terraform.required_providers.get(name) {
            Some(rp) => rp.source.clone(),
            None if name == "terraform" => "terraform.io/builtin/terraform".into(),
            None => format!("hashicorp/{name}"),
        };
        let Some(p) = crate::session::Builtins.instantiate(&source) else {
            continue;
        };
        let schemas = if r.mode == Mode::Data {
            &p.schema().data_sources
        } else {
            &p.schema().resources
        };
        match schemas.get(&r.ty) {
            Some(s) => diags.extend(check_body(&s.block, &r.config, "this block")),
            None => {
                let hint =
                    autostack_lang::diag::did_you_mean(&r.ty, schemas.keys().map(String::as_str));
                diags.push(Diagnostic::error(
                    "Invalid resource type",
                    format!(
                        "The provider {source} does not support resource type {:?}.{hint}",
                        r.ty
                    ),
                    Some(r.range.clone()),
                ));
            }
        }
    }
    for child in tree.children.values() {
        diags.extend(check_schemas(child));
    }
    diags
}

/// Validates the configuration in the working directory (or the given one).
pub fn run(a: &ValidateArgs) -> u8 {
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let sources = Sources::new();
    let (tree, mut diags) = load_module_tree(&dir, &sources);
    if !diags.has_errors() {
        diags.extend(validate_tree(&tree, &Functions::standard()));
        diags.extend(check_schemas(&tree));
    }
    let valid = !diags.has_errors();
    if a.json {
        let out = serde_json::json!({
            "format_version": "1.0",
            "valid": valid,
            "error_count": diags.error_count(),
            "warning_count": diags.warning_count(),
            "diagnostics": ui::diags_json(&diags, &sources),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        ui::print_diags(&diags, &sources, ui::color_stderr(a.no_color));
        if valid {
            let color = ui::color_stdout(a.no_color);
            println!(
                "{} The configuration is valid.",
                ui::style(color, "32;1", "Success!")
            );
            if !diags.is_empty() {
                println!();
            }
        }
    }
    u8::from(!valid)
}
