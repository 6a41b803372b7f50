//! The apply graph: configuration nodes plus one operation per instance change, wired so that
//! creates and updates follow references, destroys run in reverse, and
//! `create_before_destroy` replacements delete the old object last. O(nodes + edges): each
//! resource gets join/barrier nodes instead of instance-to-instance edges.

use crate::graph::{ConfigGraph, Node};
use crate::plan::{Action, Plan};
use petgraph::Direction;
use std::collections::HashMap;

/// What one operation does.
#[derive(Debug, Clone)]
pub enum Op {
    /// Evaluate a configuration node (a `Resource` node assembles its instances' values).
    Config(Node),
    /// Create, update, read, or the create half of a replacement: change index.
    Forward(usize),
    /// Destroy (a delete, or the destroy half of a replacement): change index.
    Destroy(usize),
    /// A move's data copy from the old object to the new one, between the create and
    /// everything that refers to the new object: change index.
    Copy(usize),
    /// Waits for every destroy of dependents of a resource before its own destroys.
    Barrier,
}

/// Operations and dependency edges between them.
pub struct OpGraph {
    /// The operations.
    pub ops: Vec<Op>,
    /// `succs[i]`: operations waiting on op `i`.
    pub succs: Vec<Vec<usize>>,
    /// Number of unfinished dependencies of each op.
    pub preds: Vec<usize>,
}

impl OpGraph {
    fn add(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.succs.push(Vec::new());
        self.preds.push(0);
        self.ops.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize) {
        self.succs[from].push(to);
        self.preds[to] += 1;
    }
}

/// The static resource node of an instance address.
fn resource_node(addr: &crate::addrs::InstanceAddr) -> Node {
    Node::Resource(addr.resource.module.path(), addr.resource.local())
}

/// Builds the apply graph of a plan over its configuration graph.
pub fn build(g: &ConfigGraph, plan: &Plan) -> OpGraph {
    let mut og = OpGraph {
        ops: Vec::new(),
        succs: Vec::new(),
        preds: Vec::new(),
    };
    let mut config_op: HashMap<Node, usize> = HashMap::new();
    for node in g.order.iter().map(|&i| &g.graph[i]) {
        config_op.insert(node.clone(), og.add(Op::Config(node.clone())));
    }
    // Per resource node, each instance's first forward op and the op that finishes it (the
    // same, except for a move, which finishes with its copy).
    let mut forward_of: HashMap<Node, Vec<(usize, usize)>> = HashMap::new();
    let mut destroy_of: HashMap<String, Vec<usize>> = HashMap::new();
    let mut replaced_cbd: Vec<(usize, Node)> = Vec::new();
    for (i, c) in plan.changes.iter().enumerate() {
        let node = resource_node(&c.addr);
        let fwd = matches!(
            c.action,
            Action::Create
                | Action::Update
                | Action::Read
                | Action::DeleteThenCreate
                | Action::CreateThenDelete
                | Action::Migrate
        )
        .then(|| og.add(Op::Forward(i)));
        let copy = (c.action == Action::Migrate).then(|| og.add(Op::Copy(i)));
        let del = destroys(c.action).then(|| og.add(Op::Destroy(i)));
        if let Some(f) = fwd {
            let end = copy.unwrap_or(f);
            forward_of.entry(node.clone()).or_default().push((f, end));
        }
        if let Some(d) = del {
            destroy_of
                .entry(c.addr.resource.to_string())
                .or_default()
                .push(d);
        }
        match (c.action, fwd, del) {
            (Action::DeleteThenCreate, Some(f), Some(d)) => og.edge(d, f),
            (Action::CreateThenDelete, Some(f), Some(d)) => {
                og.edge(f, d);
                replaced_cbd.push((d, node.clone()));
            }
            (Action::Migrate, Some(f), Some(d)) => {
                let copy = copy.unwrap_or(f);
                og.edge(f, copy);
                og.edge(copy, d);
                replaced_cbd.push((d, node.clone()));
            }
            _ => {}
        }
    }
    // Forward edges: config dependencies of a resource gate its instance operations, and the
    // resource's node (the join) waits for all of them.
    for (node, &op) in &config_op {
        let Some(&gi) = g.index.get(node) else {
            continue;
        };
        let fwd = forward_of.get(node).cloned().unwrap_or_default();
        for pred in g.graph.neighbors_directed(gi, Direction::Incoming) {
            let p = config_op[&g.graph[pred]];
            if fwd.is_empty() {
                og.edge(p, op);
            }
            for &(f, _) in &fwd {
                og.edge(p, f);
            }
        }
        for &(_, end) in &fwd {
            og.edge(end, op);
        }
    }
    destroy_edges(&mut og, plan, &destroy_of, &config_op);
    for (d, node) in replaced_cbd {
        // The old object goes only after everything that referenced it has moved on.
        if let Some(&gi) = g.index.get(&node) {
            for succ in g.graph.neighbors_directed(gi, Direction::Outgoing) {
                og.edge(config_op[&g.graph[succ]], d);
            }
        }
    }
    og
}

/// True for the actions that destroy an object (the old one, for replacements and moves).
fn destroys(a: Action) -> bool {
    matches!(
        a,
        Action::Delete | Action::DeleteThenCreate | Action::CreateThenDelete | Action::Migrate
    )
}

/// Destroys of a resource wait for the destroys of everything that depended on it.
fn destroy_edges(
    og: &mut OpGraph,
    plan: &Plan,
    destroy_of: &HashMap<String, Vec<usize>>,
    config_op: &HashMap<Node, usize>,
) {
    let mut barrier: HashMap<String, usize> = HashMap::new();
    for (res, ops) in destroy_of {
        let b = og.add(Op::Barrier);
        for &d in ops {
            og.edge(b, d);
        }
        barrier.insert(res.clone(), b);
    }
    for (i, c) in plan.changes.iter().enumerate() {
        if !destroys(c.action) {
            continue;
        }
        let Some(my_destroys) = destroy_of.get(&c.addr.resource.to_string()) else {
            continue;
        };
        let module_prefix = if c.addr.resource.module.is_root() {
            String::new()
        } else {
            format!("{}.", c.addr.resource.module)
        };
        for dep in c.dependencies.iter() {
            if let Some(&b) = barrier.get(&format!("{module_prefix}{dep}")) {
                let mine: Vec<usize> = my_destroys
                    .iter()
                    .copied()
                    .filter(|&d| matches!(og.ops[d], Op::Destroy(j) if j == i))
                    .collect();
                for d in mine {
                    og.edge(d, b);
                }
            }
        }
    }
    // Providers must be configured before destroys run.
    for (node, &op) in config_op {
        if matches!(node, Node::Provider(_)) {
            for &b in barrier.values() {
                og.edge(op, b);
            }
        }
    }
}
