//! The plan walk: nodes of the configuration graph in dependency order, each evaluated for
//! every instance of its module.

use super::expand::expansion;
use super::{OutputChange, Plan, PlanMode, PlanOptions, ResourceChange};
use crate::addrs::{InstanceAddr, ModuleInstance, ProviderConfig};
use crate::conform::conform;
use crate::context::Context;
use crate::graph::{self, ModPath, Node};
use crate::state::State;
use crate::values::{Declared, Expansion, Values, WalkScope};
use autostack_lang::config::typeexpr::convert_to;
use autostack_lang::eval::Evaluator;
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_provider_sdk::ConfigureRequest;
use std::collections::{BTreeMap, HashMap, HashSet};

/// State shared by the node visitors of one plan.
pub(crate) struct Walker<'a> {
    pub ctx: &'a Context,
    pub opts: &'a PlanOptions,
    /// Prior state after moves and refresh.
    pub prior: State,
    pub values: Values,
    pub changes: BTreeMap<InstanceAddr, ResourceChange>,
    pub drift: Vec<ResourceChange>,
    pub diags: Diagnostics,
    /// Module instances of each static path.
    pub module_instances: HashMap<ModPath, Vec<ModuleInstance>>,
    /// Resource nodes to plan when `-target` is used (`None`: all).
    pub targeted: Option<HashSet<Node>>,
    /// Previous addresses of moved instances.
    pub moved_from: HashMap<InstanceAddr, InstanceAddr>,
    /// The resources each resource node depends on, transitively, as state records them.
    pub resource_deps: HashMap<Node, Vec<String>>,
}

/// Plans `prior` against the configuration.
pub async fn plan(ctx: &Context, prior: &State, opts: &PlanOptions) -> Result<Plan, Diagnostics> {
    let g = graph::build(&ctx.tree)?;
    let checked = crate::validate::check_schemas(&ctx.tree, ctx.resolver.as_ref());
    if checked.has_errors() {
        return Err(checked);
    }
    let mut w = Walker::new(ctx, prior, opts);
    w.diags = checked;
    w.resource_deps = graph::resource_dependencies(&g);
    w.targeted = super::adopt::targets(&g, opts, &mut w.diags);
    w.apply_moves();
    // As in Terraform, a node that failed stops its dependents: they would only add errors
    // that fixing the first one makes go away.
    let mut failed = HashSet::new();
    for node in &g.order {
        let i = g.index[node];
        let incoming = g.graph.neighbors_directed(i, petgraph::Direction::Incoming);
        if incoming.into_iter().any(|a| failed.contains(&a)) {
            failed.insert(i);
            continue;
        }
        let seen = w.diags.len();
        w.visit(node).await;
        if w.diags.iter().skip(seen).any(|d| d.is_error()) {
            failed.insert(i);
        }
    }
    if opts.mode != PlanMode::RefreshOnly {
        w.plan_orphans().await;
    }
    w.run_checks();
    if w.diags.has_errors() {
        return Err(w.diags);
    }
    let plan = w.finish(prior);
    for change in plan
        .changes
        .iter()
        .filter(|c| c.action != super::Action::NoOp)
    {
        ctx.events.event(&crate::events::Event::Planned { change });
    }
    Ok(plan)
}

impl<'a> Walker<'a> {
    pub(crate) fn new(ctx: &'a Context, prior: &State, opts: &'a PlanOptions) -> Self {
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
        let mut module_instances = HashMap::new();
        module_instances.insert(Vec::new(), vec![ModuleInstance::root()]);
        Walker {
            ctx,
            opts,
            prior: prior.clone(),
            values,
            changes: BTreeMap::new(),
            drift: Vec::new(),
            diags: Diagnostics::new(),
            module_instances,
            targeted: None,
            moved_from: HashMap::new(),
            resource_deps: HashMap::new(),
        }
    }

    pub(crate) fn instances(&self, path: &ModPath) -> Vec<ModuleInstance> {
        self.module_instances.get(path).cloned().unwrap_or_default()
    }

    pub(crate) fn evaluator<'s>(&self, scope: &'s WalkScope<'s>) -> Evaluator<'s>
    where
        'a: 's,
    {
        Evaluator::new(scope, &self.ctx.functions, self.ctx.cwd.clone()).plan_mode(true)
    }

    pub(crate) async fn visit(&mut self, node: &Node) {
        match node {
            Node::Var(path, name) => self.visit_var(path, name),
            Node::Local(path, name) => self.visit_local(path, name),
            Node::Output(path, name) => self.visit_output(path, name),
            Node::Call(path, name) => self.visit_call(path, name),
            Node::Provider(addr) => self.visit_provider(addr).await,
            Node::Resource(path, addr) => self.visit_resource(path, addr, node).await,
        }
    }

    fn visit_var(&mut self, path: &ModPath, name: &str) {
        let Some((call_name, parent)) = path.split_last() else {
            return;
        };
        let Some(module) = self.ctx.module(path) else {
            return;
        };
        let Some(var) = module.module.variables.get(name) else {
            return;
        };
        let Some(call) = self
            .ctx
            .module(parent)
            .and_then(|p| p.module.module_calls.get(call_name))
        else {
            return;
        };
        for inst in self.instances(&path.to_vec()) {
            let Some((parent_inst, (_, key))) = inst.split_last() else {
                continue;
            };
            let value = match call.inputs.get(name) {
                Some(e) => {
                    let each_value = key.as_ref().and_then(|k| {
                        self.values
                            .calls
                            .get(&parent_inst)
                            .and_then(|c| c.get(call_name))
                            .and_then(|x| x.each_value(k))
                    });
                    let scope = WalkScope {
                        key: key.clone(),
                        each_value,
                        ..WalkScope::module(&self.values, &parent_inst)
                    };
                    let mut ev = self.evaluator(&scope);
                    match ev.eval(e) {
                        Ok(v) => match convert_to(&v, &var.ty) {
                            Ok(v) => v,
                            Err(err) => {
                                self.diags.push(Diagnostic::error("Invalid value for input variable", format!("The given value is not suitable for module.{call_name}.var.{name} declared at {}: {err}.", autostack_lang::config::short_range(&var.range)), Some(e.range.clone())));
                                continue;
                            }
                        },
                        Err(d) => {
                            self.diags.extend(d);
                            continue;
                        }
                    }
                }
                None => {
                    match &var.default {
                        Some(d) => d.clone(),
                        None => {
                            self.diags.push(Diagnostic::error("Missing required argument", format!("The argument {name:?} is required, but no definition was found."), Some(call.range.clone())));
                            continue;
                        }
                    }
                }
            };
            let value = if var.sensitive {
                value.sensitive()
            } else {
                value
            };
            self.values
                .vars
                .entry(inst)
                .or_default()
                .insert(name.to_string(), value);
        }
    }

    fn visit_local(&mut self, path: &ModPath, name: &str) {
        let Some(l) = self
            .ctx
            .module(path)
            .and_then(|m| m.module.locals.get(name))
        else {
            return;
        };
        for inst in self.instances(path) {
            let scope = WalkScope::module(&self.values, &inst);
            let mut ev = self.evaluator(&scope);
            let v = match ev.eval(&l.expr) {
                Ok(v) => v,
                Err(d) => {
                    self.diags.extend(d);
                    continue;
                }
            };
            self.values
                .locals
                .entry(inst)
                .or_default()
                .insert(name.to_string(), v);
        }
    }

    fn visit_output(&mut self, path: &ModPath, name: &str) {
        let Some(o) = self
            .ctx
            .module(path)
            .and_then(|m| m.module.outputs.get(name))
        else {
            return;
        };
        for inst in self.instances(path) {
            let scope = WalkScope::module(&self.values, &inst);
            let mut ev = self.evaluator(&scope);
            let v = match ev.eval(&o.expr) {
                Ok(v) => v,
                Err(d) => {
                    self.diags.extend(d);
                    continue;
                }
            };
            if !o.preconditions.is_empty() {
                let scope = WalkScope::module(&self.values, &inst);
                let mut ev = self.evaluator(&scope);
                let pre = crate::conditions::check_rules(
                    &mut ev,
                    &o.preconditions,
                    "Module output value precondition failed",
                    autostack_lang::Severity::Error,
                );
                if pre.has_errors() {
                    self.diags.extend(pre);
                    continue;
                }
            }
            if inst.is_root() && !o.sensitive && v.is_sensitive_deep() {
                self.diags.push(Diagnostic::error(
                    "Output refers to sensitive values",
                    "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, AutoStack requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                    Some(o.range.clone()),
                ));
                continue;
            }
            let v = if o.sensitive { v.sensitive() } else { v };
            self.values
                .outputs
                .entry(inst)
                .or_default()
                .insert(name.to_string(), v);
        }
    }

    fn visit_call(&mut self, path: &ModPath, name: &str) {
        let Some(call) = self
            .ctx
            .module(path)
            .and_then(|m| m.module.module_calls.get(name))
        else {
            return;
        };
        let mut children = Vec::new();
        for inst in self.instances(path) {
            let scope = WalkScope::module(&self.values, &inst);
            let mut ev = self.evaluator(&scope);
            let exp = match expansion(&mut ev, call.count.as_ref(), call.for_each.as_ref()) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.extend(d);
                    Expansion::Count(0)
                }
            };
            children.extend(exp.keys().into_iter().map(|k| inst.child(name, k)));
            self.values
                .calls
                .entry(inst)
                .or_default()
                .insert(name.to_string(), exp);
        }
        let mut child_path = path.clone();
        child_path.push(name.to_string());
        self.module_instances.insert(child_path, children);
    }

    pub(crate) async fn visit_provider(&mut self, addr: &ProviderConfig) {
        if self.ctx.provider(addr).await.is_some() {
            return;
        }
        let mut provider = match self.ctx.instantiate(addr) {
            Ok(p) => p,
            Err(d) => return self.diags.extend(d),
        };
        let cfg = self
            .ctx
            .tree
            .module
            .providers
            .iter()
            .find(|p| p.name == addr.local && p.alias == addr.alias);
        let root = ModuleInstance::root();
        let scope = WalkScope::module(&self.values, &root);
        let mut ev = self.evaluator(&scope);
        let schema = provider.schema().provider.clone();
        let value = match cfg {
            Some(c) => ev
                .eval_body(&c.config)
                .and_then(|v| conform(&schema, Some(&c.config), &v)),
            None => Ok(schema.empty_value()),
        };
        let value = match value {
            Ok(v) => v,
            Err(d) => return self.diags.extend(d),
        };
        if let Err(d) = provider.configure(ConfigureRequest::new(value)).await {
            // Providers see values, not files: point their errors at the provider block.
            let at = cfg.map(|c| c.range.clone());
            for mut x in d {
                if x.subject.is_none() {
                    x.subject = at.clone();
                }
                self.diags.push(x);
            }
            return;
        }
        self.ctx
            .providers
            .lock()
            .await
            .insert(addr.clone(), std::sync::Arc::from(provider));
    }

    /// `check` blocks: failed assertions are warnings, as in Terraform.
    fn run_checks(&mut self) {
        let root = ModuleInstance::root();
        let scope = WalkScope::module(&self.values, &root);
        let mut ev = self.evaluator(&scope);
        let mut out = Diagnostics::new();
        for c in &self.ctx.tree.module.checks {
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
            self.diags.push(d);
        }
    }

    fn finish(self, base: &State) -> Plan {
        let outputs = self.root_outputs();
        let variables = self
            .ctx
            .vars
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Plan {
            mode: self.opts.mode,
            changes: self.changes.into_values().collect(),
            drift: self.drift,
            outputs,
            prior: self.prior,
            base_serial: base.serial,
            base_lineage: base.lineage.clone(),
            variables,
            warnings: self.diags,
        }
    }

    fn root_outputs(&self) -> BTreeMap<String, OutputChange> {
        let mut out = BTreeMap::new();
        let planned = self
            .values
            .outputs
            .get(&ModuleInstance::root())
            .cloned()
            .unwrap_or_default();
        let declared = &self.ctx.tree.module.outputs;
        for (name, o) in declared {
            let before = self.prior.outputs.get(name).map(|x| x.value.clone());
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
        for (name, o) in &self.prior.outputs {
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

impl Walker<'_> {
    /// The resources an instance of `raddr` depends on, as state records them: like
    /// Terraform, every resource (and data source) it reaches through references,
    /// `depends_on`, locals and variables — its ancestors in the graph, sorted.
    pub(crate) fn dependencies(&self, raddr: &crate::addrs::ResourceAddr) -> Vec<String> {
        self.resource_deps
            .get(&Node::Resource(raddr.module.path(), raddr.local()))
            .cloned()
            .unwrap_or_default()
    }
}
