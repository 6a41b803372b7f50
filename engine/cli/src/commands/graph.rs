//! `autostack graph`: the resource dependency graph in Graphviz DOT.

use crate::args::GraphArgs;
use crate::report::graph::{svg, svg_document, DrawGraph, GRAPH_STYLE};
use crate::session;
use crate::ui;
use autostack_core::graph::{build, resource_edges, Node};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Prints resources and their dependencies (through locals, variables and modules) as DOT.
pub fn run(a: &GraphArgs) -> u8 {
    let loaded = match session::load_config(&PathBuf::from(".")) {
        Ok(l) => l,
        Err((s, d)) => {
            ui::print_diags(&d, &s, ui::color_stderr(false));
            return 1;
        }
    };
    let g = match build(&loaded.tree) {
        Ok(g) => g,
        Err(d) => {
            ui::print_diags(&d, &loaded.sources, ui::color_stderr(false));
            return 1;
        }
    };
    if a.format != "dot" {
        let drawn = DrawGraph::of_config(&g, &Default::default());
        match a.format.as_str() {
            "svg" => println!("{}", svg_document(&drawn)),
            _ => println!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>AutoStack resource graph</title><style>body{{margin:16px;font:14px system-ui,sans-serif}}{GRAPH_STYLE}</style></head><body><h1>Resource graph</h1>{}</body></html>",
                svg(&drawn, "graph", true)
            ),
        }
        return 0;
    }
    let edges: BTreeSet<(String, String)> = resource_edges(&g)
        .into_iter()
        .map(|(dep, node)| (node.to_string(), dep.to_string()))
        .collect();
    let nodes: BTreeSet<String> = g
        .index
        .keys()
        .filter(|n| matches!(n, Node::Resource(..)))
        .map(|n| n.to_string())
        .collect();
    println!(
        "digraph G {{\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];"
    );
    for n in &nodes {
        println!("  \"{n}\" [label=\"{n}\"];");
    }
    for (a, b) in &edges {
        println!("  \"{a}\" -> \"{b}\";");
    }
    println!("}}");
    0
}
