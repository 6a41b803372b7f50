//! `autostack show`: the current state, a saved plan, or a state file; human or JSON.

use crate::args::ShowArgs;
use crate::backend::Backend;
use crate::render::{render_plan, Style};
use crate::session::{self, Schemas};
use crate::ui;
use autostack_core::jsonplan::{plan_json, state_values_json, TERRAFORM_VERSION};
use autostack_core::state::State;
use autostack_core::{planfile, statefile};
use autostack_lang::value::display::format_value;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

/// Shows state or a plan.
pub async fn run(a: &ShowArgs) -> u8 {
    let sources = autostack_lang::diag::Sources::new();
    let color = ui::color_stderr(a.no_color);
    let fail = |d| {
        ui::print_diags(&d, &sources, color);
        1
    };
    let schemas = Schemas::new(Arc::new(session::Builtins));
    let loaded = session::load_config(&PathBuf::from("."));
    if let Some(path) = &a.path {
        let module = loaded
            .as_ref()
            .map(|l| l.tree.module.clone())
            .unwrap_or_default();
        let text = match crate::encryption::read_plan_or_state(path, &module) {
            Ok(t) => t,
            Err(d) => return fail(d),
        };
        let is_plan = match planfile::is_plan(&text) {
            Ok(is_plan) => is_plan,
            Err(e) => {
                return fail(session::error(
                    "Failed to read file",
                    format!(
                        "{} is neither a saved plan nor a state file: {e}",
                        path.display()
                    ),
                ))
            }
        };
        if is_plan {
            let Ok(l) = loaded else {
                return fail(session::error(
                    "Failed to load configuration",
                    "Showing a saved plan needs the configuration it was made from.",
                ));
            };
            let plan = match planfile::read(&text, &l.tree, &schemas) {
                Ok(p) => p,
                Err(e) => return fail(session::error("Failed to read saved plan", e.0)),
            };
            if a.json {
                println!("{}", json_out(plan_json(&plan, &l.tree), a.show_sensitive));
            } else if a.html {
                let lookup = |c: &_| schemas.block_for(c);
                let source = path.display().to_string();
                match crate::report::plan_report(&plan, &l.tree, &lookup, false, source) {
                    Ok(page) => print!("{page}"),
                    Err(d) => return fail(d),
                }
            } else {
                print!(
                    "{}",
                    render_plan(
                        &plan,
                        &Style {
                            color: ui::color_stdout(a.no_color)
                        },
                        &|c| schemas.block_for(c)
                    )
                );
            }
            return 0;
        }
        return match statefile::decode_text(&text, &schemas) {
            Ok(st) => show_state(&st, a),
            Err(e) => fail(session::error("Failed to read state file", e)),
        };
    }
    if a.html {
        return fail(session::error(
            "A plan file is required",
            "show -html draws a saved plan: autostack show -html PLANFILE > report.html",
        ));
    }
    let module = loaded.map(|l| l.tree.module).unwrap_or_default();
    let backend = match Backend::from_config(&module, None).await {
        Ok(b) => b,
        Err(d) => return fail(d),
    };
    match backend.read(&schemas).await {
        Ok(st) => show_state(&st, a),
        Err(d) => fail(d),
    }
}

/// A JSON document as printed: sensitive values withheld unless `-show-sensitive`.
fn json_out(mut doc: serde_json::Value, show_sensitive: bool) -> serde_json::Value {
    if !show_sensitive {
        autostack_core::jsonredact::redact_document(&mut doc);
    }
    doc
}

fn show_state(st: &State, a: &ShowArgs) -> u8 {
    if a.json {
        let mut doc = json!({ "format_version": "1.0" });
        if !st.instances.is_empty() || !st.outputs.is_empty() {
            doc["terraform_version"] = json!(TERRAFORM_VERSION);
            doc["values"] = state_values_json(st);
        }
        println!("{}", json_out(doc, a.show_sensitive));
        return 0;
    }
    if st.instances.is_empty() && st.outputs.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return 0;
    }
    for (addr, o) in &st.instances {
        println!("# {addr}:");
        print!("{}", resource_block(addr, &o.value));
        println!();
    }
    if !st.outputs.is_empty() {
        println!("\nOutputs:\n");
        for (n, o) in &st.outputs {
            let v = if o.sensitive {
                "(sensitive value)".into()
            } else {
                format_value(&o.value, 0)
            };
            println!("{n} = {v}");
        }
    }
    0
}

/// `resource "T" "N" { attr = value ... }` as `show` and `state show` print it.
pub fn resource_block(
    addr: &autostack_core::addrs::InstanceAddr,
    v: &autostack_lang::Value,
) -> String {
    let kind = if addr.resource.mode == autostack_lang::config::Mode::Data {
        "data"
    } else {
        "resource"
    };
    let mut out = format!(
        "{kind} \"{}\" \"{}\" {{\n",
        addr.resource.ty, addr.resource.name
    );
    let entries = v.as_entries().cloned().unwrap_or_default();
    let shown: Vec<_> = entries.iter().filter(|(_, x)| !x.is_null()).collect();
    let width = shown
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, x) in shown {
        let text = if x.marks().is_sensitive() {
            "(sensitive value)".into()
        } else {
            indent(&format_value(x, 0), 4)
        };
        out.push_str(&format!("    {k:<width$} = {text}\n"));
    }
    out.push_str("}\n");
    out
}

fn indent(s: &str, n: usize) -> String {
    s.replace('\n', &format!("\n{}", " ".repeat(n)))
}
