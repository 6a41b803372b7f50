//! The plan's diff in the report: resources grouped by module instance, each a collapsible
//! block with Terraform's text for its change, lines coloured by their symbol.

use super::html::{action_word, escape};
use crate::render::plan::{render_change, BlockLookup};
use crate::render::Style;
use autostack_core::plan::{Action, Plan, ResourceChange};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The diff section: changed resources by module; unchanged ones counted.
pub fn diff_section(plan: &Plan, lookup: BlockLookup<'_>) -> String {
    let mut by_module: BTreeMap<String, Vec<&ResourceChange>> = BTreeMap::new();
    let mut unchanged = 0;
    for c in &plan.changes {
        if c.action == Action::NoOp {
            unchanged += 1;
            continue;
        }
        by_module
            .entry(c.addr.resource.module.to_string())
            .or_default()
            .push(c);
    }
    let mut out = String::from(r#"<section id="diff"><h2>Changes</h2>"#);
    if by_module.is_empty() {
        out.push_str("<p>No resource changes.</p>");
    }
    let style = Style { color: false };
    for (module, changes) in &by_module {
        let name = if module.is_empty() {
            "root module"
        } else {
            module
        };
        let _ = write!(
            out,
            r#"<details class="module" open><summary>{} <span class="count">{} change{}</span></summary>"#,
            escape(name),
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        );
        for c in changes {
            resource(&mut out, c, &style, lookup);
        }
        out.push_str("</details>");
    }
    if unchanged > 0 {
        let _ = write!(
            out,
            r#"<p class="unchanged">{unchanged} resource instance{} unchanged.</p>"#,
            if unchanged == 1 { "" } else { "s" }
        );
    }
    out.push_str("</section>");
    out
}

fn resource(out: &mut String, c: &ResourceChange, style: &Style, lookup: BlockLookup<'_>) {
    let text = render_change(c, style, lookup);
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("# ");
    let _ = write!(
        out,
        r#"<details class="res a-{act}" data-name="{name}"><summary><span class="sym">{sym}</span> {header}</summary><pre>"#,
        act = action_word(c.action),
        name = escape(&c.addr.to_string()),
        sym = escape(c.action.symbol()),
        header = escape(header),
    );
    for line in lines {
        let class = match line.trim_start().split(' ').next().unwrap_or_default() {
            "+" => "l-add",
            "-" => "l-del",
            "~" => "l-upd",
            "-/+" | "+/-" => "l-rep",
            "<=" => "l-read",
            "#" => "l-note",
            _ => "",
        };
        match class {
            "" => out.push_str(&escape(line)),
            c => {
                let _ = write!(out, r#"<span class="{c}">{}</span>"#, escape(line));
            }
        }
        out.push('\n');
    }
    out.push_str("</pre></details>");
}
