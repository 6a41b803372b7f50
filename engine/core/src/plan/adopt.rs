//! Adopting existing objects into a plan: `-target` selection, `import` blocks and the destroys of instances no longer in the configuration.

use super::resource::with_addr;
use super::run::Planner;
use super::{Action, PlanMode, PlanOptions, Reason, ResourceChange};
use crate::addrs::{
    parse_instance, AbsProviderConfig, InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr,
};
use crate::graph::{ConfigGraph, Node};
use crate::state::InstanceObject;
use crate::values::WalkScope;
use autostack_lang::config::{Mode, Resource};
use autostack_lang::syntax::{ExprKind, Step};
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::{read_one, ImportRequest, Provider, ResourceSchema};
use petgraph::Direction;
use std::collections::HashSet;
use std::sync::Arc;

/// The resource nodes a `-target` plan covers: targets and everything they depend on.
pub(crate) fn targets(
    g: &ConfigGraph,
    opts: &PlanOptions,
    diags: &mut Diagnostics,
) -> Option<HashSet<Node>> {
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
                    None => diags.push(Diagnostic::warning(
                        "Resource targeting matched nothing",
                        format!(
                            "The target {t:?} does not match any resource in the configuration."
                        ),
                        None,
                    )),
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

impl Planner<'_> {
    pub(crate) async fn import(
        &mut self,
        addr: &InstanceAddr,
        schema: &ResourceSchema,
        provider: &Arc<dyn Provider>,
    ) -> Option<String> {
        let block = self
            .w
            .ctx
            .tree
            .module
            .imports
            .iter()
            .find(|i| expr_addr(&i.to).as_ref() == Some(addr))?;
        let root = ModuleInstance::root();
        let id = {
            let scope = WalkScope::module(&self.w.values, &root);
            let mut ev = self.w.evaluator(&scope);
            match ev.eval(&block.id) {
                Ok(v) => match v.as_str() {
                    Some(s) => s.to_string(),
                    None => {
                        self.w.diags.push(Diagnostic::error(
                            "Invalid import id argument",
                            "The import ID must be a known string.",
                            Some(block.id.range.clone()),
                        ));
                        return None;
                    }
                },
                Err(d) => {
                    self.w.diags.extend(d);
                    return None;
                }
            }
        };
        let imported = match provider
            .import(ImportRequest::new(&addr.resource.ty, &id))
            .await
        {
            Ok(v) => v,
            Err(d) => {
                d.into_iter()
                    .for_each(|x| self.w.diags.push(with_addr(self.w.ctx, x, addr)));
                return None;
            }
        };
        let (value, private) = match read_one(provider.as_ref(), &addr.resource.ty, imported).await
        {
            Ok(Some(o)) => (o.state, o.private),
            Ok(None) => {
                self.w.diags.push(Diagnostic::error("Cannot import non-existent remote object", format!("While attempting to import an existing object to {addr}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource."), Some(block.range.clone())));
                return None;
            }
            Err(d) => {
                self.w.diags.extend(d);
                return None;
            }
        };
        let obj = InstanceObject {
            value,
            provider: "".into(),
            schema_version: schema.version,
            dependencies: Default::default(),
            tainted: false,
            private: private.to_state(),
            create_before_destroy: false,
        };
        self.w.prior.instances.insert(addr.clone(), obj);
        Some(id)
    }

    /// True when a `replace_triggered_by` reference has a planned change.
    pub(crate) fn plan_dropped_keys(
        &mut self,
        raddr: &ResourceAddr,
        r: &Resource,
        keys: &[Option<InstanceKey>],
    ) {
        let wanted: HashSet<&Option<InstanceKey>> = keys.iter().collect();
        let dropped: Vec<(InstanceAddr, InstanceObject)> = self
            .w
            .prior
            .instances_of(raddr)
            .filter(|(a, _)| !wanted.contains(&a.key))
            .map(|(a, o)| (a.clone(), o.clone()))
            .collect();
        for (addr, obj) in dropped {
            if r.mode == Mode::Data {
                continue;
            }
            if r.lifecycle.prevent_destroy {
                self.w.diags.push(prevent_destroy_error(&addr, r));
            }
            let reason = match addr.key {
                Some(InstanceKey::Int(_)) => Reason::CountIndex,
                Some(InstanceKey::Str(_)) => Reason::EachKey,
                None => Reason::NoResourceConfig,
            };
            self.changes
                .insert(Box::new(self.delete_change(&addr, &obj, reason)));
        }
    }

    /// Instances in state whose resource is gone from the configuration (or every instance
    /// in destroy mode) are destroyed.
    pub(crate) async fn plan_orphans(&mut self) {
        let destroy = self.opts.mode == PlanMode::Destroy;
        let orphans: Vec<(InstanceAddr, InstanceObject)> = self
            .w
            .prior
            .instances
            .iter()
            .filter(|(a, _)| a.resource.mode == Mode::Managed && !self.changes.contains_key(a))
            .filter(|(a, _)| destroy || !self.declared_in_config(&a.resource))
            .filter(|(a, _)| {
                self.targeted.is_none()
                    || self
                        .opts
                        .targets
                        .iter()
                        .any(|t| a.to_string().starts_with(t.as_str()))
            })
            .map(|(a, o)| (a.clone(), o.clone()))
            .collect();
        let orphans = if destroy {
            orphans
        } else {
            self.refresh_orphans(orphans).await
        };
        for (addr, obj) in orphans {
            if destroy {
                if let Some(r) = self
                    .w
                    .ctx
                    .module(&addr.resource.module.path())
                    .and_then(|m| m.module.resources.get(&addr.resource.local()))
                {
                    if r.lifecycle.prevent_destroy {
                        self.w.diags.push(prevent_destroy_error(&addr, r));
                    }
                }
            }
            let reason = if destroy {
                Reason::DestroyMode
            } else {
                Reason::NoResourceConfig
            };
            self.changes
                .insert(Box::new(self.delete_change(&addr, &obj, reason)));
        }
    }

    /// Reads the current state of objects whose resource left the configuration, as Terraform
    /// does: one gone already needs no delete (refresh records it as drift). Returns those that
    /// still exist, with their current values.
    async fn refresh_orphans(
        &mut self,
        orphans: Vec<(InstanceAddr, InstanceObject)>,
    ) -> Vec<(InstanceAddr, InstanceObject)> {
        let mut seen = HashSet::new();
        for (addr, obj) in &orphans {
            if !seen.insert(addr.resource.clone()) {
                continue;
            }
            let mut c = ResourceChange::new(addr.clone(), Action::Delete, None, None);
            self.use_state_provider(&mut c, &obj.provider);
            self.w.visit_provider(&c.provider).await;
            if let Some(provider) = self.w.ctx.provider(&c.provider).await {
                self.refresh((&provider, &c.provider), &addr.resource, None)
                    .await;
            }
        }
        (orphans.into_iter())
            .filter_map(|(a, _)| self.w.prior.instances.get(&a).cloned().map(|o| (a, o)))
            .collect()
    }

    fn declared_in_config(&self, r: &ResourceAddr) -> bool {
        self.w
            .ctx
            .module(&r.module.path())
            .is_some_and(|m| m.module.resources.contains_key(&r.local()))
            && self.w.instances(&r.module.path()).contains(&r.module)
    }
}

impl Planner<'_> {
    fn delete_change(
        &self,
        addr: &InstanceAddr,
        obj: &InstanceObject,
        reason: Reason,
    ) -> ResourceChange {
        let mut c =
            ResourceChange::new(addr.clone(), Action::Delete, Some(obj.value.clone()), None);
        c.reason = Some(reason);
        self.use_state_provider(&mut c, &obj.provider);
        // What the configuration makes it depend on counts too, as in Terraform (whose destroy
        // refreshes first, recording them): an imported object's state records none.
        let mut deps = obj.dependencies.to_vec();
        if self.declared_in_config(&addr.resource) {
            deps.extend(self.w.dependencies(&addr.resource).iter().cloned());
            deps.sort();
            deps.dedup();
        }
        c.dependencies = deps.into();
        c.schema_version = obj.schema_version;
        c
    }

    /// Points a change at the provider configuration its object's state records (a state
    /// entry that does not parse keeps the provider its type implies).
    pub(crate) fn use_state_provider(&self, c: &mut ResourceChange, recorded: &str) {
        if let Ok(abs) = recorded.parse::<AbsProviderConfig>() {
            c.provider = self.w.ctx.config_for(&abs);
            c.provider_source = Arc::new(abs.source);
        }
    }
}

pub(crate) fn prevent_destroy_error(addr: &InstanceAddr, r: &Resource) -> Diagnostic {
    Diagnostic::error(
        "Instance cannot be destroyed",
        format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag."),
        Some(r.range.clone()),
    )
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
