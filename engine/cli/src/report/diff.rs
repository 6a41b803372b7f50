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
    let mut texts = Vec::with_capacity(plan.changes.len());
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
            resource(&mut out, &mut texts, c, &style, lookup);
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
    out.push_str(&texts_script(&texts));
    out.push_str("</section>");
    out
}

/// One resource: its summary line now, its text in `texts` for the page's script to show
/// when opened (a 10,000-resource plan would otherwise make the browser lay out megabytes of
/// diff nobody has opened yet). Plain rows, not `<details>`: each of those costs the
/// browser a shadow tree, which made a 10,000-resource page take seconds to open.
fn resource(
    out: &mut String,
    texts: &mut Vec<String>,
    c: &ResourceChange,
    style: &Style,
    lookup: BlockLookup<'_>,
) {
    let text = render_change(c, style, lookup);
    let (header, body) = text.split_once('\n').unwrap_or((&text, ""));
    let header = header.trim().trim_start_matches("# ");
    let _ = write!(
        out,
        r#"<div class="res a-{act}" data-name="{name}" data-text="{i}" tabindex="0"><span class="sym">{sym}</span> {header}</div>"#,
        act = action_word(c.action),
        name = escape(&c.addr.to_string()),
        i = texts.len(),
        sym = escape(c.action.symbol()),
        header = escape(header),
    );
    texts.push(body.to_string());
}

/// The diff texts as a JSON array inside a `<script>` element (`</` escaped so no text can
/// close it).
fn texts_script(texts: &[String]) -> String {
    let json = serde_json::to_string(texts).unwrap_or_else(|_| "[]".into());
    format!(
        r#"<script type="application/json" id="diff-texts">{}</script>"#,
        json.replace("</", "<\\/")
    )
}
