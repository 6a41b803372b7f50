//! The configuration graph: one node per variable, local, output, resource, module call and
//! provider of every (static) module, with edges from references and `depends_on`.
//! Building it is O(nodes + edges); a cycle is a diagnostic naming every node on it.

use crate::addrs::{config_address, implied_local_name, ProviderConfig};
use autostack_lang::config::{Module, ModuleTree, Resource};
use autostack_lang::eval::scope::{parse_ref, Subject};
use autostack_lang::syntax::{Body, Expr, Traversal};
use autostack_lang::{Diagnostic, Diagnostics};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;
use std::fmt;

/// A map keyed by graph nodes.
pub type NodeMap<V> = crate::FastMap<Node, V>;

/// Each resource node's dependencies, by node index (see [`resource_dependencies`]).
pub type ResourceDeps = Vec<Option<std::sync::Arc<[String]>>>;

/// A static module path (`["net", "subnets"]`).
pub type ModPath = Vec<String>;

/// One node of the configuration graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// `var.NAME` of a module.
    Var(ModPath, String),
    /// `local.NAME`.
    Local(ModPath, String),
    /// `output.NAME`.
    Output(ModPath, String),
    /// A resource or data source (`TYPE.NAME` / `data.TYPE.NAME`).
    Resource(ModPath, String),
    /// A `module` call (its count/for_each), in the calling module.
    Call(ModPath, String),
    /// A root provider configuration (`aws`, `aws.east`).
    Provider(ProviderConfig),
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = |p: &ModPath| p.iter().map(|m| format!("module.{m}.")).collect::<String>();
        match self {
            Node::Var(p, n) => write!(f, "{}var.{n}", prefix(p)),
            Node::Local(p, n) => write!(f, "{}local.{n}", prefix(p)),
            Node::Output(p, n) => write!(f, "{}output.{n}", prefix(p)),
            Node::Resource(p, n) => write!(f, "{}{n}", prefix(p)),
            Node::Call(p, n) => write!(f, "{}module.{n}", prefix(p)),
            Node::Provider(a) => write!(f, "provider[\"{a}\"]"),
        }
    }
}

/// The graph and a topological order of its nodes.
pub struct ConfigGraph {
    /// Nodes and dependency edges (edge a → b: b depends on a).
    pub graph: DiGraph<Node, ()>,
    /// Index of each node.
    pub index: NodeMap<NodeIndex>,
    /// The nodes, dependencies first.
    pub order: Vec<NodeIndex>,
}

/// Finds the module at a static path.
pub fn module_at<'a>(tree: &'a ModuleTree, path: &[String]) -> Option<&'a ModuleTree> {
    let mut t = tree;
    for p in path {
        t = t.children.get(p)?;
    }
    Some(t)
}

/// The root provider configuration a resource in `path` uses (`aws`, `aws.east`): its
/// `provider` argument or the one its type implies, followed up through module calls'
/// `providers` maps.
pub fn provider_addr(tree: &ModuleTree, path: &[String], r: &Resource) -> ProviderConfig {
    passed_provider(tree, path, local_provider(r))
}

/// The provider configuration a resource names in its own module: its `provider` argument
/// or the one its type implies.
fn local_provider(r: &Resource) -> ProviderConfig {
    match &r.provider {
        Some((n, a)) => ProviderConfig::new(n.clone(), a.clone()),
        None => ProviderConfig::new(implied_local_name(&r.ty), None),
    }
}

/// The root provider configuration `addr`, as named in module `path`, stands for: followed
/// up through module calls' `providers` maps.
fn passed_provider(tree: &ModuleTree, path: &[String], mut addr: ProviderConfig) -> ProviderConfig {
    for depth in (0..path.len()).rev() {
        let Some(parent) = module_at(tree, &path[..depth]) else {
            break;
        };
        let Some(call) = parent.module.module_calls.get(&path[depth]) else {
            break;
        };
        let passed = (call.providers.iter())
            .find(|(child, _)| child.parse::<ProviderConfig>().ok().as_ref() == Some(&addr));
        if let Some(parent_addr) = passed.and_then(|(_, p)| p.parse().ok()) {
            addr = parent_addr;
        }
    }
    addr
}

/// Sources a node's incoming edges are scanned for before its edges go into a set.
const MANY_SOURCES: usize = 32;

struct Builder<'a> {
    tree: &'a ModuleTree,
    g: DiGraph<Node, ()>,
    index: NodeMap<NodeIndex>,
    /// Nodes with [`MANY_SOURCES`] incoming edges or more, whose edges are checked in
    /// `hub_edges` (see [`Builder::link`]).
    hubs: crate::FastSet<NodeIndex>,
    /// Every edge into a hub.
    hub_edges: crate::FastSet<(NodeIndex, NodeIndex)>,
    /// The provider node of each configuration named in the module being built, and the
    /// node of the call that made that module: the same few for all of its resources.
    scope: ModuleScope,
}

/// What the resources of one module share in the graph.
#[derive(Default)]
struct ModuleScope {
    providers: crate::FastMap<ProviderConfig, NodeIndex>,
    call: Option<NodeIndex>,
}

impl Builder<'_> {
    fn node(&mut self, n: Node) -> NodeIndex {
        match self.index.entry(n) {
            std::collections::hash_map::Entry::Occupied(e) => *e.get(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let i = self.g.add_node(e.key().clone());
                *e.insert(i)
            }
        }
    }

    fn edge(&mut self, from: Node, to: NodeIndex) {
        let f = self.node(from);
        self.link(f, to);
    }

    /// Adds the edge `from → to` unless it is there already.
    ///
    /// A node's sources are few (what its expressions refer to, its provider and module
    /// call), so its incoming edges, just added, are scanned for `from`. Petgraph's
    /// `update_edge` scans the source's outgoing edges instead: quadratic for a provider used
    /// by every resource. A set of all edges costs a cache miss an edge at a million nodes; a
    /// set is kept only for the edges of nodes with many sources (an output listing a
    /// thousand resources), whose scans would grow with them.
    fn link(&mut self, from: NodeIndex, to: NodeIndex) {
        let new = if self.hubs.contains(&to) {
            self.hub_edges.insert((from, to))
        } else {
            let mut sources = self.g.neighbors_directed(to, petgraph::Direction::Incoming);
            let known = sources.by_ref().take(MANY_SOURCES).any(|s| s == from);
            if !known && sources.next().is_some() {
                let all = self.g.neighbors_directed(to, petgraph::Direction::Incoming);
                self.hub_edges.extend(all.map(|s| (s, to)));
                self.hubs.insert(to);
                self.hub_edges.insert((from, to))
            } else {
                !known
            }
        };
        if new {
            self.g.add_edge(from, to, ());
        }
    }

    /// Adds edges from every node a traversal in module `path` refers to.
    fn refs(&mut self, path: &ModPath, t: &Traversal, to: NodeIndex) {
        if let Ok((subject, _)) = parse_ref(t) {
            self.subject(path, subject, to);
        }
    }

    /// Adds edges from every node `subject`, named in module `path`, stands for.
    fn subject(&mut self, path: &ModPath, subject: Subject, to: NodeIndex) {
        let child_path = |c: &str| {
            let mut p = path.clone();
            p.push(c.to_string());
            p
        };
        match subject {
            Subject::Var(n) => self.edge(Node::Var(path.clone(), n), to),
            Subject::Local(n) => self.edge(Node::Local(path.clone(), n), to),
            Subject::Resource { data, ty, name } => {
                let key = if data {
                    format!("data.{ty}.{name}")
                } else {
                    format!("{ty}.{name}")
                };
                self.edge(Node::Resource(path.clone(), key), to);
            }
            Subject::Module(c) => {
                self.edge(Node::Call(path.clone(), c.clone()), to);
                if let Some(child) = module_at(self.tree, &child_path(&c)) {
                    for o in child.module.outputs.keys() {
                        self.edge(Node::Output(child_path(&c), o.clone()), to);
                    }
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, path: &ModPath, e: &Expr, to: NodeIndex) {
        let mut subjects = Vec::new();
        e.visit_traversals(&mut |t| subjects.extend(parse_ref(t).ok().map(|(s, _)| s)));
        for s in subjects {
            self.subject(path, s, to);
        }
    }

    fn body(&mut self, path: &ModPath, b: &Body, to: NodeIndex) {
        for a in &b.attributes {
            self.expr(path, &a.expr, to);
        }
        for nb in &b.blocks {
            self.body(path, &nb.body, to);
        }
    }

    fn module(&mut self, path: &ModPath, m: &Module) {
        for name in m.variables.keys() {
            self.node(Node::Var(path.clone(), name.clone()));
        }
        for (name, l) in &m.locals {
            let to = self.node(Node::Local(path.clone(), name.clone()));
            self.expr(path, &l.expr, to);
        }
        for (name, o) in &m.outputs {
            let to = self.node(Node::Output(path.clone(), name.clone()));
            self.expr(path, &o.expr, to);
            for t in &o.depends_on {
                self.refs(path, t, to);
            }
            for c in &o.preconditions {
                self.expr(path, &c.condition, to);
            }
        }
        self.scope = ModuleScope {
            providers: Default::default(),
            call: (path.split_last())
                .map(|(last, parent)| self.node(Node::Call(parent.to_vec(), last.clone()))),
        };
        for (addr, r) in &m.resources {
            let to = self.node(Node::Resource(path.clone(), addr.clone()));
            self.resource(path, r, to);
        }
        for (name, call) in &m.module_calls {
            let to = self.node(Node::Call(path.clone(), name.clone()));
            for e in call.count.iter().chain(call.for_each.iter()) {
                self.expr(path, e, to);
            }
            for t in &call.depends_on {
                self.refs(path, t, to);
            }
            let mut child_path = path.clone();
            child_path.push(name.clone());
            for (input, e) in &call.inputs {
                let v = self.node(Node::Var(child_path.clone(), input.clone()));
                self.expr(path, e, v);
            }
            self.call_scope(&child_path, to);
        }
    }

    /// Orders every variable, local, output and nested call of a called module after the call:
    /// the call's expansion decides the module's instances, so nothing inside it (a variable
    /// left at its default, a constant local) can be evaluated before it.
    fn call_scope(&mut self, child_path: &ModPath, call: NodeIndex) {
        let Some(child) = module_at(self.tree, child_path) else {
            return;
        };
        let m = &child.module;
        let p = || child_path.clone();
        let nodes = (m.variables.keys().map(|n| Node::Var(p(), n.clone())))
            .chain(m.locals.keys().map(|n| Node::Local(p(), n.clone())))
            .chain(m.outputs.keys().map(|n| Node::Output(p(), n.clone())))
            .chain(m.module_calls.keys().map(|n| Node::Call(p(), n.clone())));
        for n in nodes.collect::<Vec<_>>() {
            let to = self.node(n);
            self.link(call, to);
        }
    }

    fn resource(&mut self, path: &ModPath, r: &Resource, to: NodeIndex) {
        self.body(path, &r.config, to);
        for e in (r.count.as_deref().into_iter())
            .chain(r.for_each.as_deref())
            .chain(r.lifecycle.replace_triggered_by.iter())
        {
            self.expr(path, e, to);
        }
        for t in &r.depends_on {
            self.refs(path, t, to);
        }
        for c in &r.lifecycle.preconditions {
            self.expr(path, &c.condition, to);
            self.expr(path, &c.error_message, to);
        }
        let local = local_provider(r);
        let provider = match self.scope.providers.get(&local) {
            Some(&p) => p,
            None => {
                let addr = passed_provider(self.tree, path, local.clone());
                let p = self.node(Node::Provider(addr));
                self.scope.providers.insert(local, p);
                p
            }
        };
        self.link(provider, to);
        if let Some(call) = self.scope.call {
            self.link(call, to);
        }
    }

    fn tree(&mut self, path: &ModPath, t: &ModuleTree) {
        self.module(path, &t.module);
        for (name, child) in &t.children {
            let mut p = path.clone();
            p.push(name.clone());
            self.tree(&p, child);
        }
    }
}

/// The number of things a module tree declares (variables, locals, outputs, resources and
/// calls in every module): about the graph's nodes.
fn declared(tree: &ModuleTree) -> usize {
    let m = &tree.module;
    let own = m.variables.len() + m.locals.len() + m.outputs.len();
    let own = own + m.resources.len() + m.module_calls.len();
    own + tree.children.values().map(declared).sum::<usize>()
}

/// Builds the graph for a module tree and orders it; cycles are errors naming their nodes.
pub fn build(tree: &ModuleTree) -> Result<ConfigGraph, Diagnostics> {
    // Sized once: growing tables of a million nodes rehashed them all, each time.
    let nodes = declared(tree);
    let mut b = Builder {
        tree,
        g: DiGraph::with_capacity(nodes, 2 * nodes),
        index: NodeMap::with_capacity_and_hasher(nodes, Default::default()),
        hubs: Default::default(),
        hub_edges: Default::default(),
        scope: ModuleScope::default(),
    };
    for p in &tree.module.providers {
        let to = b.node(Node::Provider(ProviderConfig::new(
            p.name.clone(),
            p.alias.clone(),
        )));
        b.body(&Vec::new(), &p.config, to);
    }
    b.tree(&Vec::new(), tree);
    let Builder { g, index, .. } = b;
    let mut diags = Diagnostics::new();
    for scc in tarjan_scc(&g) {
        let self_loop = scc.len() == 1 && g.contains_edge(scc[0], scc[0]);
        if scc.len() > 1 || self_loop {
            let mut names: Vec<String> = scc.iter().map(|i| g[*i].to_string()).collect();
            names.sort();
            diags.push(Diagnostic::error(
                "Cycle in configuration",
                format!("Cycle: {}", names.join(", ")),
                None,
            ));
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let order = petgraph::algo::toposort(&g, None).map_err(|_| {
        Diagnostics::from(Diagnostic::error(
            "Cycle in configuration",
            "The configuration contains a dependency cycle.",
            None,
        ))
    })?;
    Ok(ConfigGraph {
        graph: g,
        index,
        order,
    })
}

/// For every resource node, the resources and data sources it depends on directly or through
/// any other node (locals, variables, outputs, module calls), as Terraform records them in
/// state: absolute configuration addresses (`module.net.aws_subnet.a`, no instance keys) of
/// every such ancestor in any module, sorted.
///
/// One depth-first search per resource over its ancestors. The walk goes through the nodes in
/// storage order and marks visits with a per-search stamp, not a fresh set, so that a million
/// searches allocate nothing but their answers. The answers are by node index (`None` for
/// other nodes): keyed by node, they cost a copy of every node and a hash table.
pub fn resource_dependencies(g: &ConfigGraph) -> ResourceDeps {
    let mut out = vec![None; g.graph.node_count()];
    let mut stamp = vec![usize::MAX; g.graph.node_count()];
    let mut stack = Vec::new();
    let mut deps = std::collections::BTreeSet::new();
    for (search, i) in g.graph.node_indices().enumerate() {
        let node = &g.graph[i];
        if !matches!(node, Node::Resource(..)) {
            continue;
        }
        stack.push(i);
        while let Some(j) = stack.pop() {
            for a in g.graph.neighbors_directed(j, petgraph::Direction::Incoming) {
                if std::mem::replace(&mut stamp[a.index()], search) == search {
                    continue;
                }
                stack.push(a);
                if let Node::Resource(p, name) = &g.graph[a] {
                    if a != i {
                        deps.insert(config_address(p.iter().map(String::as_str), name));
                    }
                }
            }
        }
        out[i.index()] = Some(std::mem::take(&mut deps).into_iter().collect());
    }
    out
}

/// Edges between resources as `autostack graph` and the plan report draw them: from each
/// resource (or data source) to the nearest resources it depends on, looking through locals,
/// variables, outputs, module calls and providers. One pass in topological order, each
/// non-resource node remembering the nearest resources behind it.
pub fn resource_edges(g: &ConfigGraph) -> Vec<(Node, Node)> {
    let mut nearest: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::new();
    let mut edges = Vec::new();
    for &i in &g.order {
        let node = &g.graph[i];
        let mut behind = std::collections::BTreeSet::new();
        for p in g.graph.neighbors_directed(i, petgraph::Direction::Incoming) {
            match &g.graph[p] {
                Node::Resource(..) => {
                    behind.insert(p);
                }
                _ => behind.extend(nearest.get(&p).into_iter().flatten().copied()),
            }
        }
        if let Node::Resource(..) = node {
            edges.extend(behind.iter().map(|&d| (g.graph[d].clone(), node.clone())));
        } else {
            nearest.insert(i, behind.into_iter().collect());
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_lang::diag::Sources;
    use petgraph::Direction::Incoming;

    fn graph_of(main_tf: &str) -> ConfigGraph {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.tf"), main_tf).expect("write");
        let (tree, diags) = autostack_lang::config::load_module_tree(dir.path(), &Sources::new());
        assert!(!diags.has_errors(), "{diags}");
        build(&tree).unwrap_or_else(|d| panic!("{d}"))
    }

    /// The names of the nodes with an edge into `node`, sorted; an edge twice names it twice.
    fn sources(g: &ConfigGraph, node: &str) -> Vec<String> {
        let (&i, _) = (g.index.iter().find(|(n, _)| n.to_string() == node))
            .map(|(n, i)| (i, n))
            .unwrap_or_else(|| panic!("no node {node}"));
        let mut names: Vec<String> = (g.graph.neighbors_directed(i, Incoming))
            .map(|s| g.graph[s].to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn each_dependency_is_one_edge_for_nodes_of_few_sources_and_of_many() {
        // `local.all` names 40 resources (past the scan limit), each twice and in two
        // orders; `terraform_data.a` names `b` three times; the provider serves all 42.
        let names: Vec<String> = (0..40).map(|i| format!("terraform_data.r{i}.id")).collect();
        let reversed: Vec<String> = names.iter().rev().cloned().collect();
        let mut tf: String = (0..40)
            .map(|i| format!("resource \"terraform_data\" \"r{i}\" {{}}\n"))
            .collect();
        tf += &format!(
            "locals {{\n  all = [{}, {}]\n}}\n",
            names.join(", "),
            reversed.join(", ")
        );
        tf += "resource \"terraform_data\" \"b\" {}\n";
        tf += "resource \"terraform_data\" \"a\" {\n  input = \"${terraform_data.b.id}${terraform_data.b.id}\"\n  depends_on = [terraform_data.b]\n}\n";
        let g = graph_of(&tf);
        let mut want: Vec<String> = (0..40).map(|i| format!("terraform_data.r{i}")).collect();
        want.sort();
        assert_eq!(sources(&g, "local.all"), want);
        assert_eq!(
            sources(&g, "terraform_data.a"),
            ["provider[\"terraform\"]", "terraform_data.b"]
        );
        let provider = g.index[&Node::Provider(ProviderConfig::new("terraform".to_string(), None))];
        let served = g
            .graph
            .neighbors_directed(provider, petgraph::Direction::Outgoing);
        assert_eq!(served.count(), 42);
        // 40 into the local, `b` into `a`, the provider into each resource.
        assert_eq!(g.graph.edge_count(), 40 + 1 + 42);
    }
}
