//! The apply graph: configuration nodes plus one operation per instance change, wired so that
//! creates and updates follow references, destroys run in reverse, and
//! `create_before_destroy` replacements delete the old object last. O(nodes + edges): each
//! resource gets join/barrier nodes instead of instance-to-instance edges.

use crate::addrs::{config_address, ResourceAddr};
use crate::graph::{ConfigGraph, Node};
use crate::plan::{Action, Plan};
use crate::FastMap;
use petgraph::graph::NodeIndex;
use petgraph::Direction;

/// What one operation does.
#[derive(Debug, Clone)]
pub enum Op {
    /// Evaluate a configuration node (a `Resource` node assembles its instances' values), by
    /// its index in the configuration graph (a copy of each node was a tenth of the graph).
    Config(NodeIndex),
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

/// Builds the apply graph of a plan over its configuration graph. Configuration nodes are
/// found by their index in the graph, not by hashing a copy of each (1M resources: a
/// SipHash table of cloned nodes grew 25 times from 100k, outgrowing the caches).
pub fn build(g: &ConfigGraph, plan: &Plan) -> OpGraph {
    let mut og = OpGraph {
        ops: Vec::new(),
        succs: Vec::new(),
        preds: Vec::new(),
    };
    // The op of each configuration node, by node index.
    let mut config_op = vec![usize::MAX; g.graph.node_count()];
    for &gi in &g.order {
        config_op[gi.index()] = og.add(Op::Config(gi));
    }
    // Per resource node, each instance's first forward op and the op that finishes it (the
    // same, except for a move, which finishes with its copy).
    let mut forward_of: Vec<Vec<(usize, usize)>> = vec![Vec::new(); g.graph.node_count()];
    let mut destroy_of: FastMap<String, Vec<usize>> = FastMap::default();
    // Each destroying change's destroy op, by change index.
    let mut destroy_op = vec![usize::MAX; plan.changes.len()];
    let mut replaced_cbd: Vec<(usize, Option<NodeIndex>)> = Vec::new();
    // Changes are in address order: a resource's instances are adjacent and share its node.
    let mut last: Option<(&ResourceAddr, Option<NodeIndex>)> = None;
    for (i, c) in plan.changes.iter().enumerate() {
        let gi = match last {
            Some((r, gi)) if *r == c.addr.resource => gi,
            _ => g.index.get(&resource_node(&c.addr)).copied(),
        };
        last = Some((&c.addr.resource, gi));
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
        if let (Some(f), Some(gi)) = (fwd, gi) {
            forward_of[gi.index()].push((f, copy.unwrap_or(f)));
        }
        if let Some(d) = del {
            destroy_op[i] = d;
            destroy_of
                .entry(c.addr.resource.config_address())
                .or_default()
                .push(d);
        }
        match (c.action, fwd, del) {
            (Action::DeleteThenCreate, Some(f), Some(d)) => og.edge(d, f),
            (Action::CreateThenDelete, Some(f), Some(d)) => {
                og.edge(f, d);
                replaced_cbd.push((d, gi));
            }
            (Action::Migrate, Some(f), Some(d)) => {
                let copy = copy.unwrap_or(f);
                og.edge(f, copy);
                og.edge(copy, d);
                replaced_cbd.push((d, gi));
            }
            _ => {}
        }
    }
    // Forward edges: config dependencies of a resource gate its instance operations, and the
    // resource's node (the join) waits for all of them.
    for &gi in &g.order {
        let op = config_op[gi.index()];
        let fwd = &forward_of[gi.index()];
        for pred in g.graph.neighbors_directed(gi, Direction::Incoming) {
            let p = config_op[pred.index()];
            if fwd.is_empty() {
                og.edge(p, op);
            }
            for &(f, _) in fwd {
                og.edge(p, f);
            }
        }
        for &(_, end) in fwd {
            og.edge(end, op);
        }
    }
    destroy_edges(&mut og, plan, (&destroy_of, &destroy_op), g, &config_op);
    for (d, gi) in replaced_cbd {
        // The old object goes only after everything that referenced it has moved on.
        if let Some(gi) = gi {
            for succ in g.graph.neighbors_directed(gi, Direction::Outgoing) {
                og.edge(config_op[succ.index()], d);
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

/// Destroys of a resource wait for the destroys of everything that depended on it: each
/// destroy, for every resource its state `dependencies` name, is an edge into that resource's
/// barrier (`destroy_of`: a resource's destroys by configuration address; `destroy_op`: the
/// destroy of each change).
fn destroy_edges(
    og: &mut OpGraph,
    plan: &Plan,
    (destroy_of, destroy_op): (&FastMap<String, Vec<usize>>, &[usize]),
    g: &ConfigGraph,
    config_op: &[usize],
) {
    let mut barrier: FastMap<String, usize> = FastMap::default();
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
        // Dependencies are configuration addresses (every instance of every module instance
        // of a resource); states from earlier AutoStack builds name a module's own resources
        // relative to it, so a name not found whole is tried there too.
        let steps = c.addr.resource.module.steps();
        let module_prefix = (!steps.is_empty())
            .then(|| config_address(steps.iter().map(|(name, _)| name.as_str()), ""));
        for dep in c.dependencies.iter() {
            let found = barrier.get(dep.as_str()).or_else(|| {
                let prefix = module_prefix.as_deref()?;
                barrier.get(&format!("{prefix}{dep}"))
            });
            if let Some(&b) = found {
                og.edge(destroy_op[i], b);
            }
        }
    }
    // Providers must be configured before destroys run.
    for &gi in &g.order {
        if matches!(g.graph[gi], Node::Provider(_)) {
            for &b in barrier.values() {
                og.edge(config_op[gi.index()], b);
            }
        }
    }
}
