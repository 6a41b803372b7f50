//! `autostack graph`: the resource dependency graph in Graphviz DOT.

use crate::args::GraphArgs;
use crate::session;
use crate::ui;
use autostack_core::graph::{build, Node};
use petgraph::visit::EdgeRef;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Prints resources and their dependencies (through locals, variables and modules) as DOT.
pub fn run(_a: &GraphArgs) -> u8 {
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
    let is_res = |n: &Node| matches!(n, Node::Resource(..));
    let mut edges = BTreeSet::new();
    // For each resource, find the nearest resources it depends on through other nodes.
    for (node, &i) in &g.index {
        if !is_res(node) {
            continue;
        }
        let mut stack: Vec<_> = g
            .graph
            .edges_directed(i, petgraph::Direction::Incoming)
            .map(|e| e.source())
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(j) = stack.pop() {
            if !seen.insert(j) {
                continue;
            }
            let n = &g.graph[j];
            if is_res(n) {
                edges.insert((node.to_string(), n.to_string()));
            } else {
                stack.extend(
                    g.graph
                        .edges_directed(j, petgraph::Direction::Incoming)
                        .map(|e| e.source()),
                );
            }
        }
    }
    let nodes: BTreeSet<String> = g
        .index
        .keys()
        .filter(|n| is_res(n))
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
