//! Planning resources: refresh, per-instance diff and action, orphans, moves and targets.

use super::expand::expansion;
use super::walk::Walker;
use super::{Action, PlanMode, PlanOptions, Reason, ResourceChange};
use crate::addrs::{parse_instance, InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr};
use crate::graph::{provider_addr, ConfigGraph, ModPath, Node};
use crate::state::InstanceObject;
use crate::values::{Expansion, ResourceValues, WalkScope};
use autostack_lang::config::{IgnoreChanges, Mode, Resource};
use autostack_lang::syntax::{ExprKind, Step};
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::conform::{check_body, conform};
use autostack_provider_sdk::{differs, Provider, ResourceSchema};
use petgraph::Direction;
use std::collections::HashSet;
use std::sync::Arc;

/// The resource nodes a `-target` plan covers: targets and everything they depend on.
pub(crate) fn targets(g: &ConfigGraph, opts: &PlanOptions, diags: &mut Diagnostics) -> Option<HashSet<Node>> {
    if opts.targets.is_empty() {
        return None;
    }
    let mut stack = Vec::new();
    for t in &opts.targets {
        match parse_instance(t) {
            Ok(a) => {
                let node = Node::Resource(a.resource.module.path(), a.resource.local());
                match g.index.get(&node) {
                    Some(i) => stack.push(*i),
                    None => diags.push(Diagnostic::warning("Resource targeting matched nothing", format!("The target {t:?} does not match any resource in the configuration."), None)),
                }
            }
            Err(e) => diags.push(Diagnostic::error("Invalid target address", e.0, None)),
        }
    }
    let mut seen = HashSet::new();
    while let Some(i) = stack.pop() {
        if seen.insert(i) {
            stack.extend(g.graph.neighbors_directed(i, Direction::Incoming));
        }
    }
    Some(seen.into_iter().map(|i| g.graph[i].clone()).collect())
}

impl Walker<'_> {
    /// Renames prior instances as `moved` blocks say (root module only).
    pub(crate) fn apply_moves(&mut self) {
        for m in &self.ctx.tree.module.moved {
            let (Some(from), Some(to)) = (expr_addr(&m.from), expr_addr(&m.to)) else {
                self.diags.push(Diagnostic::error("Invalid \"moved\" address", "The \"from\" and \"to\" arguments must be resource or resource instance addresses.", Some(m.range.clone())));
                continue;
            };
            let moves: Vec<(InstanceAddr, InstanceAddr)> = self
                .prior
                .instances
                .keys()
                .filter(|a| a.resource == from.resource && (from.key.is_none() || a.key == from.key))
                .map(|a| (a.clone(), InstanceAddr { resource: to.resource.clone(), key: if from.key.is_none() { a.key.clone() } else { to.key.clone() } }))
                .collect();
            for (old, new) in moves {
                if self.prior.instances.contains_key(&new) {
                    continue;
                }
                if let Some(obj) = self.prior.instances.remove(&old) {
                    self.prior.instances.insert(new.clone(), obj);
                    self.moved_from.insert(new, old);
                }
            }
        }
    }

    pub(crate) async fn visit_resource(&mut self, path: &ModPath, local: &str, node: &Node) {
        let Some(tree) = self.ctx.module(path) else { return };
        let Some(r) = tree.module.resources.get(local) else { return };
        let paddr = provider_addr(&self.ctx.tree, path, r);
        let Some(provider) = self.ctx.provider(&paddr).await else { return };
        let schema = match schema_of(provider.as_ref(), r) {
            Ok(s) => s,
            Err(d) => return self.diags.extend(d),
        };
        self.diags.extend(check_body(&schema.block, &r.config, "this block"));
        let skip = self.opts.mode != PlanMode::Normal || self.targeted.as_ref().is_some_and(|t| !t.contains(node));
        for inst in self.instances(path) {
            let raddr = ResourceAddr { module: inst.clone(), mode: r.mode, ty: r.ty.clone(), name: r.name.clone() };
            self.refresh(&provider, &raddr).await;
            if skip {
                self.keep_prior(&raddr, r);
                continue;
            }
            self.plan_resource(&inst, &raddr, r, &schema, &provider, &paddr).await;
        }
    }

    /// Reads every prior instance of a resource in one batch and records drift.
    async fn refresh(&mut self, provider: &Arc<dyn Provider>, raddr: &ResourceAddr) {
        if self.opts.skip_refresh || raddr.mode == Mode::Data {
            return;
        }
        let items: Vec<(InstanceAddr, InstanceObject)> = self.prior.instances_of(raddr).map(|(a, o)| (a.clone(), o.clone())).collect();
        if items.is_empty() {
            return;
        }
        let current: Vec<Value> = items.iter().map(|(_, o)| o.value.clone()).collect();
        let results = provider.read_many(&raddr.ty, &current).await;
        for ((addr, obj), res) in items.into_iter().zip(results) {
            match res {
                Ok(Some(v)) => {
                    if differs(&obj.value, &v) {
                        self.drift.push(drift_change(&addr, &obj, Some(v.clone()), Action::Update));
                    }
                    if let Some(o) = self.prior.instances.get_mut(&addr) {
                        o.value = v;
                    }
                }
                Ok(None) => {
                    self.drift.push(drift_change(&addr, &obj, None, Action::Delete));
                    self.prior.instances.remove(&addr);
                }
                Err(d) => d.into_iter().for_each(|x| self.diags.push(with_addr(x, &addr))),
            }
        }
    }

    /// Untargeted (or destroy/refresh-only) resources keep their prior values for references.
    fn keep_prior(&mut self, raddr: &ResourceAddr, r: &Resource) {
        let exp = if r.count.is_some() {
            Expansion::Count(self.prior.instances_of(raddr).count() as i64)
        } else if r.for_each.is_some() {
            Expansion::ForEach(self.prior.instances_of(raddr).filter_map(|(a, o)| match &a.key {
                Some(InstanceKey::Str(k)) => Some((k.clone(), o.value.clone())),
                _ => None,
            }).collect())
        } else {
            Expansion::Single
        };
        let mut rv = ResourceValues::new(exp);
        for (a, o) in self.prior.instances_of(raddr) {
            rv.set(a.key.clone(), o.value.clone());
        }
        self.values.resources.entry(raddr.module.clone()).or_default().insert(raddr.local(), rv);
    }

    async fn plan_resource(&mut self, inst: &ModuleInstance, raddr: &ResourceAddr, r: &Resource, schema: &ResourceSchema, provider: &Arc<dyn Provider>, paddr: &str) {
        let exp = {
            let scope = WalkScope::module(&self.values, inst);
            let mut ev = self.evaluator(&scope);
            match expansion(&mut ev, r.count.as_ref(), r.for_each.as_ref()) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.extend(d);
                    return;
                }
            }
        };
        let keys = exp.keys();
        self.values.resources.entry(inst.clone()).or_default().insert(raddr.local(), ResourceValues::new(exp.clone()));
        let deps = self.dependencies(r);
        for key in &keys {
            let addr = raddr.instance(key.clone());
            let each_value = key.as_ref().and_then(|k| exp.each_value(k));
            let config = {
                let scope = WalkScope { key: key.clone(), each_value, ..WalkScope::module(&self.values, inst) };
                let mut ev = self.evaluator(&scope);
                ev.eval_body(&r.config).and_then(|v| conform(&schema.block, Some(&r.config), &v))
            };
            let config = match config {
                Ok(c) => c,
                Err(d) => {
                    self.diags.extend(d);
                    continue;
                }
            };
            let change = match r.mode {
                Mode::Managed => self.plan_managed(&addr, r, schema, provider, config).await,
                Mode::Data => self.plan_data(&addr, r, provider, config).await,
            };
            let Some(mut change) = change else { continue };
            if let Some(o) = self.prior.instances.get_mut(&addr).filter(|o| o.provider.is_empty()) {
                o.provider = self.ctx.state_provider(paddr);
            }
            change.provider = paddr.to_string();
            change.provider_source = self.ctx.provider_source(paddr);
            change.dependencies = deps.clone();
            change.schema_version = schema.version;
            change.prev_addr = self.moved_from.get(&addr).cloned();
            let value = change.after.clone().unwrap_or_else(|| schema.block.empty_value());
            if let Some(rv) = self.values.resources.get_mut(inst).and_then(|m| m.get_mut(&raddr.local())) {
                rv.set(key.clone(), value);
            }
            self.changes.insert(addr, change);
        }
        self.plan_dropped_keys(raddr, r, &keys);
    }

    async fn plan_managed(&mut self, addr: &InstanceAddr, r: &Resource, schema: &ResourceSchema, provider: &Arc<dyn Provider>, config: Value) -> Option<ResourceChange> {
        let importing = match self.prior.instances.contains_key(addr) {
            true => None,
            false => self.import(addr, schema, provider).await,
        };
        let prior = self.prior.instances.get(addr).cloned();
        let planned = match provider.plan(&addr.resource.ty, prior.as_ref().map(|p| &p.value), &config).await {
            Ok(p) => p,
            Err(d) => {
                self.diags.extend(d);
                return None;
            }
        };
        let cbd = r.lifecycle.create_before_destroy;
        let mut change = ResourceChange::new(addr.clone(), Action::Create, prior.as_ref().map(|p| p.value.clone()), Some(planned.planned.clone()));
        change.create_before_destroy = cbd;
        change.importing = importing;
        let Some(prior) = prior else { return Some(change) };
        let mut after = ignore_changes(&r.lifecycle.ignore_changes, &prior.value, planned.planned.clone());
        let replace_action = if cbd { Action::CreateThenDelete } else { Action::DeleteThenCreate };
        let reason = if prior.tainted {
            Some(Reason::Tainted)
        } else if self.opts.replace.contains(addr) {
            Some(Reason::ReplaceByRequest)
        } else if self.triggered(addr, r) {
            Some(Reason::ReplaceByTriggers)
        } else if !planned.requires_replace.is_empty() {
            Some(Reason::CannotUpdate)
        } else {
            None
        };
        change.action = match &reason {
            Some(_) => replace_action,
            None if differs(&prior.value, &after) => Action::Update,
            None => Action::NoOp,
        };
        if matches!(reason, Some(Reason::Tainted | Reason::ReplaceByRequest | Reason::ReplaceByTriggers)) && planned.requires_replace.is_empty() {
            match provider.plan(&addr.resource.ty, None, &config).await {
                Ok(fresh) => after = fresh.planned,
                Err(d) => self.diags.extend(d),
            }
        }
        if change.action.is_replace() && r.lifecycle.prevent_destroy {
            self.diags.push(prevent_destroy_error(addr, r));
        }
        change.reason = reason;
        change.requires_replace = planned.requires_replace;
        change.after = Some(if change.action == Action::NoOp { prior.value.clone() } else { after });
        let _ = schema;
        Some(change)
    }

    async fn plan_data(&mut self, addr: &InstanceAddr, _r: &Resource, provider: &Arc<dyn Provider>, config: Value) -> Option<ResourceChange> {
        if !config.is_wholly_known() {
            let mut c = ResourceChange::new(addr.clone(), Action::Read, None, Some(config));
            c.reason = Some(Reason::ConfigUnknown);
            return Some(c);
        }
        match provider.read_data(&addr.resource.ty, &config).await {
            Ok(v) => {
                self.prior.instances.insert(addr.clone(), InstanceObject { value: v.clone(), provider: String::new(), schema_version: 0, dependencies: Vec::new(), tainted: false, private: None, create_before_destroy: false });
                Some(ResourceChange::new(addr.clone(), Action::NoOp, Some(v.clone()), Some(v)))
            }
            Err(d) => {
                d.into_iter().for_each(|x| self.diags.push(with_addr(x, addr)));
                None
            }
        }
    }

    /// Imports the object an `import` block names for `addr` into prior state; returns its ID.
    async fn import(&mut self, addr: &InstanceAddr, schema: &ResourceSchema, provider: &Arc<dyn Provider>) -> Option<String> {
        let block = self.ctx.tree.module.imports.iter().find(|i| expr_addr(&i.to).as_ref() == Some(addr))?;
        let root = ModuleInstance::root();
        let id = {
            let scope = WalkScope::module(&self.values, &root);
            let mut ev = self.evaluator(&scope);
            match ev.eval(&block.id) {
                Ok(v) => match v.as_str() {
                    Some(s) => s.to_string(),
                    None => {
                        self.diags.push(Diagnostic::error("Invalid import id argument", "The import ID must be a known string.", Some(block.id.range.clone())));
                        return None;
                    }
                },
                Err(d) => {
                    self.diags.extend(d);
                    return None;
                }
            }
        };
        let imported = match provider.import(&addr.resource.ty, &id).await {
            Ok(v) => v,
            Err(d) => {
                d.into_iter().for_each(|x| self.diags.push(with_addr(x, addr)));
                return None;
            }
        };
        let value = match provider.read(&addr.resource.ty, &imported).await {
            Ok(Some(v)) => v,
            Ok(None) => {
                self.diags.push(Diagnostic::error("Cannot import non-existent remote object", format!("While attempting to import an existing object to {addr}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource."), Some(block.range.clone())));
                return None;
            }
            Err(d) => {
                self.diags.extend(d);
                return None;
            }
        };
        let obj = InstanceObject { value, provider: String::new(), schema_version: schema.version, dependencies: Vec::new(), tainted: false, private: None, create_before_destroy: false };
        self.prior.instances.insert(addr.clone(), obj);
        Some(id)
    }

    /// True when a `replace_triggered_by` reference has a planned change.
    fn triggered(&self, addr: &InstanceAddr, r: &Resource) -> bool {
        r.lifecycle.replace_triggered_by.iter().any(|e| {
            let mut hit = false;
            e.visit_traversals(&mut |t| {
                if let Ok((autostack_lang::eval::scope::Subject::Resource { data: false, ty, name }, _)) = autostack_lang::eval::scope::parse_ref(t) {
                    let target = ResourceAddr { module: addr.resource.module.clone(), mode: Mode::Managed, ty, name };
                    hit |= self.changes.iter().any(|(a, c)| a.resource == target && c.action != Action::NoOp);
                }
            });
            hit
        })
    }

    /// The resources `r` depends on (as state records them).
    fn dependencies(&self, r: &Resource) -> Vec<String> {
        let mut deps = std::collections::BTreeSet::new();
        let mut add = |t: &autostack_lang::syntax::Traversal| {
            if let Ok((autostack_lang::eval::scope::Subject::Resource { data, ty, name }, _)) = autostack_lang::eval::scope::parse_ref(t) {
                deps.insert(if data { format!("data.{ty}.{name}") } else { format!("{ty}.{name}") });
            }
        };
        for a in &r.config.attributes {
            a.expr.visit_traversals(&mut add);
        }
        for b in &r.config.blocks {
            for a in &b.body.attributes {
                a.expr.visit_traversals(&mut add);
            }
        }
        r.depends_on.iter().for_each(&mut add);
        deps.into_iter().collect()
    }

    /// Prior instances whose key is no longer produced by count/for_each are destroyed.
    fn plan_dropped_keys(&mut self, raddr: &ResourceAddr, r: &Resource, keys: &[Option<InstanceKey>]) {
        let wanted: HashSet<&Option<InstanceKey>> = keys.iter().collect();
        let dropped: Vec<(InstanceAddr, InstanceObject)> = self.prior.instances_of(raddr).filter(|(a, _)| !wanted.contains(&a.key)).map(|(a, o)| (a.clone(), o.clone())).collect();
        for (addr, obj) in dropped {
            if r.mode == Mode::Data {
                continue;
            }
            if r.lifecycle.prevent_destroy {
                self.diags.push(prevent_destroy_error(&addr, r));
            }
            let reason = match addr.key {
                Some(InstanceKey::Int(_)) => Reason::CountIndex,
                Some(InstanceKey::Str(_)) => Reason::EachKey,
                None => Reason::NoResourceConfig,
            };
            self.changes.insert(addr.clone(), delete_change(&addr, &obj, reason));
        }
    }

    /// Instances in state whose resource is gone from the configuration (or every instance
    /// in destroy mode) are destroyed.
    pub(crate) async fn plan_orphans(&mut self) {
        let destroy = self.opts.mode == PlanMode::Destroy;
        let orphans: Vec<(InstanceAddr, InstanceObject)> = self
            .prior
            .instances
            .iter()
            .filter(|(a, _)| a.resource.mode == Mode::Managed && !self.changes.contains_key(*a))
            .filter(|(a, _)| destroy || !self.declared_in_config(&a.resource))
            .filter(|(a, _)| self.targeted.is_none() || self.opts.targets.iter().any(|t| a.to_string().starts_with(t.as_str())))
            .map(|(a, o)| (a.clone(), o.clone()))
            .collect();
        for (addr, obj) in orphans {
            if destroy {
                if let Some(r) = self.ctx.module(&addr.resource.module.path()).and_then(|m| m.module.resources.get(&addr.resource.local())) {
                    if r.lifecycle.prevent_destroy {
                        self.diags.push(prevent_destroy_error(&addr, r));
                    }
                }
            }
            let reason = if destroy { Reason::DestroyMode } else { Reason::NoResourceConfig };
            self.changes.insert(addr.clone(), delete_change(&addr, &obj, reason));
        }
    }

    fn declared_in_config(&self, r: &ResourceAddr) -> bool {
        self.ctx.module(&r.module.path()).is_some_and(|m| m.module.resources.contains_key(&r.local())) && self.instances(&r.module.path()).contains(&r.module)
    }
}

impl ResourceChange {
    /// A change with defaults for the bookkeeping fields.
    pub(crate) fn new(addr: InstanceAddr, action: Action, before: Option<Value>, after: Option<Value>) -> Self {
        ResourceChange {
            addr,
            prev_addr: None,
            provider: String::new(),
            provider_source: String::new(),
            action,
            reason: None,
            before,
            after,
            requires_replace: Vec::new(),
            dependencies: Vec::new(),
            create_before_destroy: false,
            importing: None,
            schema_version: 0,
        }
    }
}

fn delete_change(addr: &InstanceAddr, obj: &InstanceObject, reason: Reason) -> ResourceChange {
    let mut c = ResourceChange::new(addr.clone(), Action::Delete, Some(obj.value.clone()), None);
    c.reason = Some(reason);
    c.provider = provider_from_state(&obj.provider);
    c.dependencies = obj.dependencies.clone();
    c.schema_version = obj.schema_version;
    c
}

fn drift_change(addr: &InstanceAddr, obj: &InstanceObject, after: Option<Value>, action: Action) -> ResourceChange {
    let mut c = ResourceChange::new(addr.clone(), action, Some(obj.value.clone()), after);
    c.provider = provider_from_state(&obj.provider);
    c
}

/// `provider["registry.terraform.io/hashicorp/aws"].east` → `aws.east`.
pub(crate) fn provider_from_state(s: &str) -> String {
    let inner = s.split("provider[\"").nth(1).unwrap_or(s);
    let (source, rest) = inner.split_once("\"]").unwrap_or((inner, ""));
    let name = source.rsplit('/').next().unwrap_or(source);
    match rest.strip_prefix('.') {
        Some(alias) if !alias.is_empty() => format!("{name}.{alias}"),
        _ => name.to_string(),
    }
}

fn prevent_destroy_error(addr: &InstanceAddr, r: &Resource) -> Diagnostic {
    Diagnostic::error(
        "Instance cannot be destroyed",
        format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag."),
        Some(r.range.clone()),
    )
}

fn with_addr(mut d: Diagnostic, addr: &InstanceAddr) -> Diagnostic {
    d.detail = if d.detail.is_empty() { format!("with {addr}") } else { format!("{}\n\nwith {addr}", d.detail) };
    d
}

fn schema_of(p: &dyn Provider, r: &Resource) -> Result<ResourceSchema, Diagnostics> {
    let map = if r.mode == Mode::Data { &p.schema().data_sources } else { &p.schema().resources };
    map.get(&r.ty).cloned().ok_or_else(|| {
        let kind = if r.mode == Mode::Data { "data source" } else { "resource type" };
        let hint = autostack_lang::diag::did_you_mean(&r.ty, map.keys().map(String::as_str));
        Diagnostics::from(Diagnostic::error(format!("Invalid {kind}"), format!("The provider does not support {kind} {:?}.{hint}", r.ty), Some(r.range.clone())))
    })
}

/// Keeps prior values for ignored attributes.
fn ignore_changes(ic: &IgnoreChanges, prior: &Value, planned: Value) -> Value {
    match ic {
        IgnoreChanges::None => planned,
        IgnoreChanges::All => prior.clone(),
        IgnoreChanges::Paths(paths) => {
            let mut out = planned.as_entries().cloned().unwrap_or_default();
            let before = prior.as_entries().cloned().unwrap_or_default();
            for t in paths {
                // Top-level attribute granularity: `tags`, `tags["Name"]` both keep `tags`.
                if let Some(v) = before.get(&t.root) {
                    out.insert(t.root.clone(), v.clone());
                }
            }
            Value::object(out)
        }
    }
}

/// A `moved`/`import` address expression (`aws_instance.a`, `aws_instance.a[0]`).
pub(crate) fn expr_addr(e: &autostack_lang::syntax::Expr) -> Option<InstanceAddr> {
    let text = match &e.kind {
        ExprKind::Traversal(t) => {
            let mut s = t.root.clone();
            for step in &t.steps {
                match step {
                    Step::Attr(a, _) => s.push_str(&format!(".{a}")),
                    Step::Index(Value::String(k), _) => s.push_str(&format!("[{k:?}]")),
                    Step::Index(v, _) => s.push_str(&format!("[{}]", v.as_number()?)),
                }
            }
            s
        }
        _ => return None,
    };
    parse_instance(&text).ok()
}
