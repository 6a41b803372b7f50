//! `autostack validate`: check the configuration without state or providers.

use crate::args::ValidateArgs;
use crate::ui;
use autostack_core::functions::ConfigFunctions;
use autostack_core::validate::check_schemas;
use autostack_lang::config::{load_module_tree, validate::validate_tree_with};
use autostack_lang::diag::Sources;
use autostack_lang::functions::provider::ProviderFunctions;
use autostack_lang::functions::Functions;
use std::path::PathBuf;

/// Validates the configuration in the working directory (or the given one).
pub fn run(a: &ValidateArgs) -> u8 {
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let sources = Sources::new();
    let (mut tree, mut diags) = load_module_tree(&dir, &sources);
    diags.extend(autostack_core::addrs::bind_portable(&mut tree));
    if !diags.has_errors() {
        // Provider-defined functions are called as Terraform calls them here: through
        // unconfigured providers.
        let tree = std::sync::Arc::new(tree);
        let resolver = std::sync::Arc::new(crate::session::Builtins);
        let provided: std::sync::Arc<dyn ProviderFunctions> =
            std::sync::Arc::new(ConfigFunctions::new(tree.clone(), resolver));
        let functions = Functions::standard();
        diags.extend(validate_tree_with(
            &tree,
            &functions,
            Some(&provided),
            &mut Vec::new(),
        ));
        diags.extend(check_schemas(&tree, &crate::session::Builtins));
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
