//! The plan run: the configuration graph walked in dependency order (configuration nodes by
//! the shared [`Walker`], resource nodes planned here), then the destroys of what left the
//! configuration, `check` blocks, and the finished [`Plan`].

use super::changes::Changes;
use super::{OutputChange, Plan, PlanMode, PlanOptions, ResourceChange};
use crate::addrs::{InstanceAddr, ModuleInstance};
use crate::context::Context;
use crate::graph::{self, Node};
use crate::state::State;
use crate::values::WalkScope;
use crate::walk::Walker;
use autostack_lang::Diagnostics;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One plan: the shared walk plus what only planning keeps.
pub(crate) struct Planner<'a> {
    /// The walk over the configuration.
    pub w: Walker<'a>,
    pub opts: &'a PlanOptions,
    /// The changes planned, by address (see [`Changes`]).
    pub changes: Changes,
    pub drift: Vec<ResourceChange>,
    /// Resource nodes to plan when `-target` is used (`None`: all).
    pub targeted: Option<HashSet<Node>>,
    /// Previous addresses of moved instances.
    pub moved_from: HashMap<InstanceAddr, InstanceAddr>,
    /// Deletes of deposed objects (kept apart: they share their address with a change).
    pub deposed_changes: Vec<ResourceChange>,
}

/// Plans `prior` against the configuration.
pub async fn plan(ctx: &Context, prior: &State, opts: &PlanOptions) -> Result<Plan, Diagnostics> {
    plan_owned(ctx, prior.clone(), opts).await
}

/// [`plan`] of a state the caller hands over: the walk refreshes and keeps it (the plan's
/// prior), where [`plan`] copies it first (0.5 KB a resource).
pub async fn plan_owned(
    ctx: &Context,
    prior: State,
    opts: &PlanOptions,
) -> Result<Plan, Diagnostics> {
    let mut g = graph::build(&ctx.tree)?;
    let checked = crate::validate::check_schemas(&ctx.tree, ctx.resolver.as_ref());
    if checked.has_errors() {
        return Err(checked);
    }
    let mut p = Planner {
        changes: Changes::with_capacity(prior.instances.len()),
        w: Walker::new(ctx, prior),
        opts,
        drift: Vec::new(),
        targeted: None,
        moved_from: HashMap::new(),
        deposed_changes: Vec::new(),
    };
    p.w.diags = checked;
    p.w.resource_deps = graph::resource_dependencies(&g);
    p.targeted = super::adopt::targets(&g, opts, &mut p.w.diags);
    p.w.node_index = std::mem::take(&mut g.index);
    p.apply_moves().await;
    // As in Terraform, a node that failed stops its dependents: they would only add errors
    // that fixing the first one makes go away.
    let mut failed = vec![false; g.graph.node_count()];
    let total = g.order.len();
    for (done, &i) in g.order.iter().enumerate() {
        ctx.events
            .event(&crate::events::Event::Walked { done, total });
        let node = &g.graph[i];
        let incoming = g.graph.neighbors_directed(i, petgraph::Direction::Incoming);
        if incoming.into_iter().any(|a| failed[a.index()]) {
            failed[i.index()] = true;
            continue;
        }
        let seen = p.w.diags.len();
        match node {
            Node::Resource(path, local) => {
                let deps = p.w.dependencies_at(i);
                p.visit_resource(path, local, node, deps).await
            }
            other => p.w.visit(other).await,
        }
        if p.w.diags.iter().skip(seen).any(|d| d.is_error()) {
            failed[i.index()] = true;
        }
    }
    if opts.mode != PlanMode::RefreshOnly {
        p.plan_orphans().await;
        p.plan_deposed().await;
    }
    p.run_checks();
    if p.w.diags.has_errors() {
        return Err(p.w.diags);
    }
    let plan = p.finish();
    crate::teardown::drop_later(g);
    for change in plan
        .changes
        .iter()
        .filter(|c| c.action != super::Action::NoOp)
    {
        ctx.events.event(&crate::events::Event::Planned { change });
    }
    Ok(plan)
}

impl Planner<'_> {
    /// `check` blocks: failed assertions are warnings, as in Terraform.
    fn run_checks(&mut self) {
        let root = ModuleInstance::root();
        let scope = WalkScope::module(&self.w.values, &root);
        let mut ev = self.w.evaluator(&scope);
        let mut out = Diagnostics::new();
        for c in &self.w.ctx.tree.module.checks {
            out.extend(crate::conditions::check_rules(
                &mut ev,
                &c.asserts,
                "Check block assertion failed",
                autostack_lang::Severity::Warning,
            ));
        }
        // Errors evaluating a check (e.g. references to resources not yet created) are
        // reported as warnings too: checks never block a plan.
        for mut d in out {
            d.severity = autostack_lang::Severity::Warning;
            self.w.diags.push(d);
        }
    }

    /// The plan, made against the prior state's serial and lineage (the walk refreshes the
    /// prior's objects, never those two).
    fn finish(mut self) -> Plan {
        let outputs = self.root_outputs();
        let (base_serial, base_lineage) = (self.w.prior.serial, self.w.prior.lineage.clone());
        // The walk's values and dependency lists are garbage now (see crate::teardown).
        let values = std::mem::take(&mut self.w.values);
        let deps = (
            std::mem::take(&mut self.w.resource_deps),
            std::mem::take(&mut self.w.node_index),
        );
        crate::teardown::drop_later((values, deps));
        let variables = self
            .w
            .ctx
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut changes = self.changes.into_sorted();
        changes.extend(self.deposed_changes.into_iter().map(Box::new));
        Plan {
            mode: self.opts.mode,
            changes,
            drift: self.drift,
            outputs,
            prior: self.w.prior,
            base_serial,
            base_lineage,
            variables,
            warnings: self.w.diags,
            function_results: self.w.ctx.provider_functions.result_hashes(),
        }
    }

    fn root_outputs(&self) -> BTreeMap<String, OutputChange> {
        let mut out = BTreeMap::new();
        let planned = self
            .w
            .values
            .outputs
            .get(&ModuleInstance::root())
            .cloned()
            .unwrap_or_default();
        let declared = &self.w.ctx.tree.module.outputs;
        for (name, o) in declared {
            let before = self.w.prior.outputs.get(name).map(|x| x.value.clone());
            let after = if self.opts.mode == PlanMode::Destroy {
                None
            } else {
                planned.get(name).cloned()
            };
            out.insert(
                name.clone(),
                OutputChange {
                    before,
                    after,
                    sensitive: o.sensitive,
                },
            );
        }
        for (name, o) in &self.w.prior.outputs {
            if !declared.contains_key(name) {
                out.insert(
                    name.clone(),
                    OutputChange {
                        before: Some(o.value.clone()),
                        after: None,
                        sensitive: o.sensitive,
                    },
                );
            }
        }
        out
    }
}
