//! The plan report page: one self-contained HTML document (inline CSS, JS and SVG; nothing
//! fetched from the network) with the change summary, the resource graph, the cost section
//! and the plan's diff grouped by module.

use super::cost::cost_section;
use super::diff::diff_section;
use super::graph::{svg, DrawGraph, DrawNode, GRAPH_STYLE};
use crate::render::plan::BlockLookup;
use crate::render::{summary_line, Style};
use autostack_core::graph::{ConfigGraph, Node};
use autostack_core::plan::{Action, Plan};
use autostack_cost::Report;
use std::collections::BTreeMap;
use std::fmt::Write;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");
/// Above this many nodes the graph opens with top-level modules folded.
const FOLD_ABOVE: usize = 150;

/// What a report shows besides the plan itself.
pub struct ReportInput<'a> {
    /// The configuration graph (for resources and their dependencies).
    pub graph: &'a ConfigGraph,
    /// Finds the schema block of a change, to render nested blocks as Terraform does.
    pub lookup: BlockLookup<'a>,
    /// The plan's cost report, with the number of resources it leaves out as free of any
    /// cloud; `None` with `-no-cost`.
    pub cost: Option<(&'a Report, usize)>,
    /// Where the plan came from (a directory or a plan file), for the title.
    pub source: String,
}

/// Text with `&`, `<`, `>` and quotes escaped for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The word a report uses for an action (and its CSS class).
pub fn action_word(a: Action) -> &'static str {
    match a {
        Action::NoOp => "no-op",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::Delete => "delete",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Migrate => "migrate",
    }
}

/// The whole report page of `plan`.
pub fn plan_page(plan: &Plan, input: &ReportInput<'_>) -> String {
    let (_, add, change, destroy) = plan.counts();
    let summary = if plan.has_changes() {
        summary_line(plan, &Style { color: false })
    } else {
        "No changes. Your infrastructure matches the configuration.".to_string()
    };
    let mut out = String::with_capacity(4096 + 600 * plan.changes.len());
    let title = format!("AutoStack plan — {}", input.source);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><style>{STYLE}{GRAPH_STYLE}</style></head><body><header><h1>{t}</h1><p id="summary" class="summary" data-add="{add}" data-change="{change}" data-destroy="{destroy}">{s}</p><p class="meta">AutoStack {v} · generated {when}</p></header>"#,
        t = escape(&title),
        s = escape(&summary),
        v = env!("CARGO_PKG_VERSION"),
        when = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
    );
    out.push_str(&graph_section(plan, input.graph));
    out.push_str(&cost_section(input.cost));
    out.push_str(&diff_section(plan, input.lookup));
    let _ = writeln!(out, "<script>{SCRIPT}</script></body></html>");
    out
}

/// The graph section: the full drawing and the one with modules folded (one of them shown).
fn graph_section(plan: &Plan, g: &ConfigGraph) -> String {
    let mut actions: BTreeMap<String, DrawNode> = BTreeMap::new();
    for c in &plan.changes {
        let path = c.addr.resource.module.path();
        let name = Node::Resource(path.clone(), c.addr.resource.local()).to_string();
        let node = actions.entry(name.clone()).or_insert_with(|| DrawNode {
            name,
            module: path.first().cloned(),
            ..DrawNode::default()
        });
        *node.actions.entry(action_word(c.action)).or_default() += 1;
    }
    let full = DrawGraph::of_config(g, &actions);
    let folded = full.folded();
    let fold = full.nodes.len() > FOLD_ABOVE && folded.nodes.len() < full.nodes.len();
    // The view not shown waits in a <template>: parsed, but not laid out until asked for.
    let view = |id: &str, picture: String, shown: bool| match shown {
        true => format!(r#"<div class="view" id="{id}">{picture}</div>"#),
        false => {
            format!(r#"<div class="view hidden" id="{id}"><template>{picture}</template></div>"#)
        }
    };
    format!(
        r#"<section id="graph-section"><h2>Resource graph</h2><div class="controls"><input id="search" type="search" placeholder="Search resources…" aria-label="Search resources"><button id="fold" type="button" data-folded="{fold}">{label}</button><span id="matches"></span><span class="legend"><i class="a-create"></i>create <i class="a-update"></i>update <i class="a-replace"></i>replace <i class="a-delete"></i>delete <i class="a-read"></i>read <i class="a-no-op"></i>no change</span></div><div class="graph-box">{}{}</div></section>"#,
        view("view-full", svg(&full, "graph-full", false), !fold),
        view("view-folded", svg(&folded, "graph-folded", false), fold),
        label = if fold {
            "Expand modules"
        } else {
            "Fold modules"
        },
    )
}
