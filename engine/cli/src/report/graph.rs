//! The resource graph as SVG: one node per resource block (its instances' actions summed
//! up), edges to the nearest resources it depends on, laid out left to right by
//! [`super::layout`]. The same drawing serves the plan report and `autostack graph
//! -format=svg|html`; the report also draws a view with every top-level module folded into
//! one node, for large graphs.

use super::html::escape;
use super::layout::layered;
use autostack_core::graph::{resource_edges, ConfigGraph, Node};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// A node to draw: its name, the module it belongs to and what the plan does to it.
#[derive(Debug, Clone, Default)]
pub struct DrawNode {
    /// Address (`module.net.aws_subnet.a`, or `module.net` when folded).
    pub name: String,
    /// Top-level module call it sits in (`net`), if any.
    pub module: Option<String>,
    /// Instances per action word (`create`, `update`, `replace`, `delete`, `read`, `no-op`).
    pub actions: BTreeMap<&'static str, usize>,
}

impl DrawNode {
    /// The action that colours the node: the most disruptive one among its instances.
    pub fn dominant(&self) -> &'static str {
        const RANK: [&str; 6] = ["replace", "delete", "create", "update", "read", "no-op"];
        RANK.into_iter()
            .find(|a| self.actions.contains_key(a))
            .unwrap_or("no-op")
    }

    fn instances(&self) -> usize {
        self.actions.values().sum()
    }
}

/// Nodes and `(dependency, dependent)` edges between them.
#[derive(Debug, Clone, Default)]
pub struct DrawGraph {
    /// The nodes.
    pub nodes: Vec<DrawNode>,
    /// Edges as node indexes.
    pub edges: Vec<(usize, usize)>,
}

impl DrawGraph {
    /// The configuration's resources with the plan's actions (`actions` by resource address;
    /// resources only the plan knows, such as removed ones, are added).
    pub fn of_config(g: &ConfigGraph, actions: &BTreeMap<String, DrawNode>) -> DrawGraph {
        let mut out = DrawGraph::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |out: &mut DrawGraph, name: String, module: Option<String>| {
            *index.entry(name.clone()).or_insert_with(|| {
                let mut node = actions.get(&name).cloned().unwrap_or_default();
                node.name = name;
                node.module = module;
                out.nodes.push(node);
                out.nodes.len() - 1
            })
        };
        for node in g.order.iter().map(|&i| &g.graph[i]) {
            if let Node::Resource(path, _) = node {
                add(&mut out, node.to_string(), path.first().cloned());
            }
        }
        for (name, n) in actions {
            add(&mut out, name.clone(), n.module.clone());
        }
        for (dep, node) in resource_edges(g) {
            let (a, b) = (index[&dep.to_string()], index[&node.to_string()]);
            out.edges.push((a, b));
        }
        out
    }

    /// The same graph with every top-level module folded into one node (`module.NAME`),
    /// its instances' actions summed and its edges merged.
    pub fn folded(&self) -> DrawGraph {
        let mut out = DrawGraph::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut map = Vec::with_capacity(self.nodes.len());
        for n in &self.nodes {
            let key = match &n.module {
                Some(m) => format!("module.{m}"),
                None => n.name.clone(),
            };
            let i = *index.entry(key.clone()).or_insert_with(|| {
                out.nodes.push(DrawNode {
                    name: key,
                    module: n.module.clone(),
                    actions: BTreeMap::new(),
                });
                out.nodes.len() - 1
            });
            for (a, k) in &n.actions {
                *out.nodes[i].actions.entry(a).or_default() += k;
            }
            map.push(i);
        }
        let mut seen = std::collections::HashSet::new();
        for &(a, b) in &self.edges {
            let e = (map[a], map[b]);
            if e.0 != e.1 && seen.insert(e) {
                out.edges.push(e);
            }
        }
        out
    }
}

// A node's box; graph.css sizes `rect`s the same.
const NODE_W: usize = 230;
const NODE_H: usize = 26;
const SIZE: &str = r#" width="230" height="26" rx="4""#;
const COL_GAP: usize = 70;
const ROW_GAP: usize = 10;
const PAD: usize = 10;
/// The drawing's own style (colours by action), for pages and standalone SVG files.
pub const GRAPH_STYLE: &str = include_str!("graph.css");
/// Rows per column before a layer wraps into the next sub-column.
const MAX_ROWS: usize = 40;

/// Draws `g` as an SVG element with the given id; nodes carry their name and action as
/// data attributes (the report's search and its tests read them). In a page, the boxes'
/// size comes from [`GRAPH_STYLE`] (bytes saved ×10,000 nodes); `sized` writes it on each
/// box, for SVG viewers that do not size shapes from CSS.
pub fn svg(g: &DrawGraph, id: &str, sized: bool) -> String {
    let layout = layered(g.nodes.len(), &g.edges, MAX_ROWS);
    let at = |i: usize| {
        let (c, r) = layout.position[i];
        (PAD + c * (NODE_W + COL_GAP), PAD + r * (NODE_H + ROW_GAP))
    };
    let width = 2 * PAD + layout.columns.max(1) * (NODE_W + COL_GAP) - COL_GAP;
    let height = 2 * PAD + layout.rows.max(1) * (NODE_H + ROW_GAP) - ROW_GAP;
    let mut out = String::with_capacity(200 * (g.nodes.len() + g.edges.len()) + 256);
    let _ = write!(
        out,
        r#"<svg id="{id}" class="graph" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" data-nodes="{}" data-edges="{}"><g class="edges">"#,
        g.nodes.len(),
        g.edges.len()
    );
    for &(a, b) in &g.edges {
        let ((ax, ay), (bx, by)) = (at(a), at(b));
        let (x1, y1, x2, y2) = (ax + NODE_W, ay + NODE_H / 2, bx, by + NODE_H / 2);
        let mid = (x1 + x2) / 2;
        let _ = write!(
            out,
            r#"<path data-from="{a}" data-to="{b}" d="M{x1} {y1}C{mid} {y1} {mid} {y2} {x2} {y2}"/>"#
        );
    }
    out.push_str(r#"</g><g class="nodes">"#);
    for (i, n) in g.nodes.iter().enumerate() {
        node(&mut out, n, at(i), sized);
    }
    out.push_str("</g></svg>");
    out
}

/// A standalone SVG document of `g`, carrying its style.
pub fn svg_document(g: &DrawGraph) -> String {
    let picture = svg(g, "graph", true);
    let close = picture.find('>').map_or(0, |i| i + 1);
    format!(
        "{}<style>{GRAPH_STYLE}</style>{}",
        &picture[..close],
        &picture[close..]
    )
}

fn node(out: &mut String, n: &DrawNode, (x, y): (usize, usize), sized: bool) {
    let name = escape(&n.name);
    let count = n.instances();
    let label = shorten(&n.name, if count > 1 { 26 } else { 31 });
    let badge = if count > 1 {
        format!(" ×{count}")
    } else {
        String::new()
    };
    let summary: Vec<String> = n.actions.iter().map(|(a, k)| format!("{k} {a}")).collect();
    let _ = write!(
        out,
        r#"<g class="node a-{act}" data-name="{name}" data-actions="{actions}" transform="translate({x} {y})"><rect{size}/><text x="8" y="17">{label}{badge}</text></g>"#,
        act = n.dominant(),
        size = if sized { SIZE } else { "" },
        actions = escape(&summary.join(", ")),
        label = escape(&label),
    );
}

/// The end of a long address, which says most (`…aws_subnet.private`).
fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - (max - 1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, module: Option<&str>, acts: &[(&'static str, usize)]) -> DrawNode {
        DrawNode {
            name: name.into(),
            module: module.map(str::to_string),
            actions: acts.iter().copied().collect(),
        }
    }

    #[test]
    fn the_most_disruptive_action_colours_a_node() {
        assert_eq!(
            node("a", None, &[("create", 3), ("delete", 1)]).dominant(),
            "delete"
        );
        assert_eq!(node("a", None, &[]).dominant(), "no-op");
    }

    #[test]
    fn folding_merges_a_modules_nodes_actions_and_edges() {
        let g = DrawGraph {
            nodes: vec![
                node("terraform_data.root", None, &[("create", 1)]),
                node("module.m.terraform_data.a", Some("m"), &[("create", 2)]),
                node("module.m.terraform_data.b", Some("m"), &[("update", 1)]),
            ],
            edges: vec![(0, 1), (0, 2), (1, 2)],
        };
        let f = g.folded();
        assert_eq!(f.nodes.len(), 2);
        assert_eq!(f.nodes[1].name, "module.m");
        assert_eq!(f.nodes[1].actions["create"], 2);
        assert_eq!(f.nodes[1].actions["update"], 1);
        assert_eq!(f.edges, vec![(0, 1)]);
    }

    #[test]
    fn svg_escapes_names_and_counts_its_parts() {
        let g = DrawGraph {
            nodes: vec![
                node("terraform_data.a[\"<x>\"]", None, &[("create", 1)]),
                node("terraform_data.b", None, &[("no-op", 4)]),
            ],
            edges: vec![(0, 1)],
        };
        let s = svg(&g, "g1", false);
        assert!(s.contains(r#"data-nodes="2" data-edges="1""#), "{s}");
        assert!(s.contains("&lt;x&gt;") && !s.contains("<x>"), "{s}");
        assert!(s.contains("×4"), "{s}");
        assert!(s.contains(r#"class="node a-create""#), "{s}");
    }
}
