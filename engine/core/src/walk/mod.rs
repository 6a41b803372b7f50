//! The resource-instance walk that plan and apply share.
//!
//! A [`Walker`] holds what evaluating the configuration needs — the values of variables,
//! locals, outputs, module calls and resources found so far, the module instances of each
//! static path, and the state the walk started from — and visits the graph's configuration
//! nodes ([`nodes`]). Expansion of `count`/`for_each` and the scope of one instance live in
//! [`expand`]; evaluating an instance's configuration and asking its provider for the planned
//! object live in [`instance`]. Plan (`crate::plan`) decides actions on top of it; apply
//! (`crate::apply`) carries them out on top of it: neither reaches into the other.

pub(crate) mod expand;
pub(crate) mod ignore;
pub(crate) mod instance;
mod nodes;

use crate::addrs::{ModuleInstance, ResourceAddr};
use crate::context::Context;
use crate::graph::{ModPath, Node};
use crate::state::State;
use crate::values::{Declared, Values, WalkScope};
use autostack_lang::eval::Evaluator;
use autostack_lang::Diagnostics;
use std::collections::HashMap;

/// Evaluation state of one walk over the configuration graph.
pub(crate) struct Walker<'a> {
    pub ctx: &'a Context,
    /// The state as the walk goes: plan refreshes and moves it, apply records results in it.
    pub prior: State,
    pub values: Values,
    pub diags: Diagnostics,
    /// Module instances of each static path.
    pub module_instances: HashMap<ModPath, Vec<ModuleInstance>>,
    /// The resources each resource node depends on, transitively, as state records them.
    pub resource_deps: crate::graph::ResourceDeps,
    /// The configuration graph's node index, to find a resource's dependencies by address.
    pub node_index: crate::graph::NodeMap<petgraph::graph::NodeIndex>,
}

impl<'a> Walker<'a> {
    /// A walk of `ctx`'s configuration starting from `prior`.
    pub(crate) fn new(ctx: &'a Context, prior: State) -> Self {
        let mut values = Values {
            root_dir: ".".into(),
            cwd: ctx.cwd.to_string_lossy().into_owned(),
            workspace: ctx.workspace.clone(),
            ..Values::default()
        };
        values.vars.insert(ModuleInstance::root(), ctx.vars.clone());
        declare(
            &mut values,
            &ctx.tree,
            &mut Vec::new(),
            &ctx.tree.module.dir,
        );
        let paths: Vec<Vec<String>> = values.module_dirs.keys().cloned().collect();
        for path in paths {
            let fns = ctx.provider_functions.for_module(&path);
            values.provider_functions.insert(path, fns);
        }
        let mut module_instances = HashMap::new();
        module_instances.insert(Vec::new(), vec![ModuleInstance::root()]);
        Walker {
            ctx,
            prior,
            values,
            diags: Diagnostics::new(),
            module_instances,
            resource_deps: Default::default(),
            node_index: Default::default(),
        }
    }

    /// The instances of the module at a static path (known once its call was visited).
    pub(crate) fn instances(&self, path: &ModPath) -> Vec<ModuleInstance> {
        self.module_instances.get(path).cloned().unwrap_or_default()
    }

    /// An evaluator over `scope` with the context's functions, in plan mode (unknowns flow).
    pub(crate) fn evaluator<'s>(&self, scope: &'s WalkScope<'s>) -> Evaluator<'s>
    where
        'a: 's,
    {
        Evaluator::new(scope, &self.ctx.functions, self.ctx.cwd.clone()).plan_mode(true)
    }

    /// Evaluates a configuration node (variable, local, output, module call, provider);
    /// resource nodes are plan's and apply's own.
    pub(crate) async fn visit(&mut self, node: &Node) {
        match node {
            Node::Var(path, name) => self.visit_var(path, name),
            Node::Local(path, name) => self.visit_local(path, name),
            Node::Output(path, name) => self.visit_output(path, name),
            Node::Call(path, name) => self.visit_call(path, name),
            Node::Provider(addr) => self.visit_provider(addr).await,
            Node::Resource(..) => {}
        }
    }

    /// The resources an instance of `raddr` depends on, as state records them: like
    /// Terraform, every resource (and data source) it reaches through references,
    /// `depends_on`, locals and variables — its ancestors in the graph, sorted.
    pub(crate) fn dependencies(&self, raddr: &ResourceAddr) -> std::sync::Arc<[String]> {
        let node = Node::Resource(raddr.module.path(), raddr.local());
        (self.node_index.get(&node)).map_or_else(Default::default, |&i| self.dependencies_at(i))
    }

    /// The dependencies of the resource at node `i` of the configuration graph.
    pub(crate) fn dependencies_at(
        &self,
        i: petgraph::graph::NodeIndex,
    ) -> std::sync::Arc<[String]> {
        (self.resource_deps.get(i.index()).cloned().flatten()).unwrap_or_default()
    }
}

fn declare(
    values: &mut Values,
    tree: &autostack_lang::config::ModuleTree,
    path: &mut Vec<String>,
    root_dir: &std::path::Path,
) {
    let m = &tree.module;
    values.declared.insert(
        path.clone(),
        Declared {
            vars: m.variables.keys().cloned().collect(),
            locals: m.locals.keys().cloned().collect(),
            resources: m.resources.keys().cloned().collect(),
            calls: m.module_calls.keys().cloned().collect(),
        },
    );
    let rel = m
        .dir
        .strip_prefix(root_dir)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| m.dir.to_string_lossy().into_owned());
    values
        .module_dirs
        .insert(path.clone(), if rel.is_empty() { ".".into() } else { rel });
    for (name, child) in &tree.children {
        path.push(name.clone());
        declare(values, child, path, root_dir);
        path.pop();
    }
}
