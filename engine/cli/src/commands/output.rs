//! `autostack output`.

use crate::args::OutputArgs;
use crate::backend::Backend;
use crate::session;
use crate::ui;
use autostack_lang::value::display::format_value;
use autostack_lang::Value;
use std::path::PathBuf;

/// Prints root outputs from the state: all (`name = value`), one, `-json` or `-raw`.
pub async fn run(a: &OutputArgs) -> u8 {
    let sources = autostack_lang::diag::Sources::new();
    let color = ui::color_stderr(a.no_color);
    let module = session::load_config(&PathBuf::from("."))
        .map(|l| l.tree.module)
        .unwrap_or_default();
    let backend = match Backend::from_config(&module, a.state.as_deref()).await {
        Ok(b) => b,
        Err(d) => {
            ui::print_diags(&d, &sources, color);
            return 1;
        }
    };
    // Outputs carry their types: reading them needs no provider.
    let outputs = match backend.load_outputs().await {
        Ok(o) => o,
        Err(d) => {
            ui::print_diags(&d, &sources, color);
            return 1;
        }
    };
    match &a.name {
        Some(name) => {
            let Some(o) = outputs.get(name) else {
                ui::print_diags(&session::error("Output not found", "The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `autostack apply`, since the state won't be updated with new output variables until that command is run."), &sources, color);
                return 1;
            };
            let (v, _) = o.value.clone().unmark_deep();
            if a.json {
                println!("{}", autostack_core::jsonplan::known_json(&v));
            } else if a.raw {
                match v.unmarked() {
                    Value::String(s) => print!("{s}"),
                    Value::Number(n) => print!("{n}"),
                    Value::Bool(b) => print!("{b}"),
                    _ => {
                        ui::print_diags(&session::error("Unsupported value for raw output", format!("The -raw option only supports strings, numbers, and boolean values, but output value {name:?} is {}.\n\nUse the -json option for machine-readable representations of output values that have complex types.", v.ty().friendly_name())), &sources, color);
                        return 1;
                    }
                }
            } else {
                println!("{}", format_value(&v, 0));
            }
        }
        None if a.json => {
            let m: serde_json::Map<String, serde_json::Value> = outputs
                .iter()
                .map(|(n, o)| {
                    let (v, _) = o.value.clone().unmark_deep();
                    (n.clone(), serde_json::json!({ "sensitive": o.sensitive, "type": autostack_lang::value::json::type_json(&v.ty()), "value": autostack_core::jsonplan::known_json(&v) }))
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&m).unwrap_or_default());
        }
        None => {
            if outputs.is_empty() {
                eprintln!("\nWarning: No outputs found\n\nThe state file either has no outputs defined, or all the defined outputs are\nempty. Please define an output in your configuration with the `output` keyword\nand run `autostack refresh` for it to become available. If you are using\ninterpolation, please verify the interpolated value is not empty. You can use\nthe `autostack console` command to assist.");
                return 0;
            }
            for (n, o) in &outputs {
                let v = if o.sensitive {
                    "<sensitive>".to_string()
                } else {
                    format_value(&o.value, 0)
                };
                println!("{n} = {v}");
            }
        }
    }
    0
}
