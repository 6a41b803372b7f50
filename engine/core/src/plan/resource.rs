//! Planning resources: refresh, per-instance configuration, diff and action.

use super::adopt::prevent_destroy_error;
use super::expand::expansion;
use super::ignore::{config_with_ignored, ignore_changes};
use super::walk::Walker;
use super::{Action, PlanMode, Reason, ResourceChange};
use crate::addrs::{implied_local_name, InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr};
use crate::addrs::{ProviderConfig, ProviderSource};
use crate::conform::conform;
use crate::events::Event;
use crate::graph::{provider_addr, ModPath, Node};
use crate::state::InstanceObject;
use crate::validate::schema_of;
use crate::values::{Expansion, ResourceValues, WalkScope};
use autostack_lang::config::{Mode, Resource};
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::{
    differs, Instance, PlanRequest, Private, Provider, ReadDataRequest, ReadRequest,
    ResourceSchema, ValidateRequest,
};
use std::sync::Arc;

impl Walker<'_> {
    pub(crate) async fn visit_resource(&mut self, path: &ModPath, local: &str, node: &Node) {
        let Some(tree) = self.ctx.module(path) else {
            return;
        };
        let Some(r) = tree.module.resources.get(local) else {
            return;
        };
        let paddr = provider_addr(&self.ctx.tree, path, r);
        let Some(provider) = self.ctx.provider(&paddr).await else {
            return;
        };
        // Types and arguments were checked before the walk (crate::validate).
        let schema = match schema_of(provider.as_ref(), &self.ctx.provider_source(&paddr), r) {
            Ok(s) => s.clone(),
            Err(d) => return self.diags.push(d),
        };
        let skip = self.opts.mode != PlanMode::Normal
            || self.targeted.as_ref().is_some_and(|t| !t.contains(node));
        for inst in self.instances(path) {
            let raddr = ResourceAddr {
                module: inst.clone(),
                mode: r.mode,
                ty: r.ty.clone(),
                name: r.name.clone(),
            };
            self.refresh(&provider, &raddr).await;
            if skip {
                self.keep_prior(&raddr, r);
                continue;
            }
            self.plan_resource(&inst, &raddr, r, &schema, &provider, &paddr)
                .await;
        }
    }

    /// Reads every prior instance of a resource in one batch and records drift.
    pub(crate) async fn refresh(&mut self, provider: &Arc<dyn Provider>, raddr: &ResourceAddr) {
        if self.opts.skip_refresh || raddr.mode == Mode::Data {
            return;
        }
        let items: Vec<(InstanceAddr, InstanceObject)> = self
            .prior
            .instances_of(raddr)
            .map(|(a, o)| (a.clone(), o.clone()))
            .collect();
        if items.is_empty() {
            return;
        }
        let current: Vec<Instance> = items.iter().map(|(_, o)| stored(o)).collect();
        let ids: Vec<&str> = current
            .iter()
            .map(|o| autostack_provider_sdk::attr_str(&o.state, "id"))
            .collect();
        let with_id = || items.iter().zip(&ids).filter(|(_, id)| !id.is_empty());
        for ((addr, _), id) in with_id() {
            self.ctx.events.event(&Event::RefreshStart { addr, id });
        }
        let start = std::time::Instant::now();
        let results = provider
            .read_many(ReadRequest::new(&raddr.ty, current.clone()))
            .await;
        let elapsed = start.elapsed();
        for ((addr, _), id) in with_id() {
            self.ctx
                .events
                .event(&Event::RefreshDone { addr, id, elapsed });
        }
        for ((addr, obj), res) in items.into_iter().zip(results) {
            match res {
                Ok(Some(Instance {
                    state: v, private, ..
                })) => {
                    if differs(&obj.value, &v) {
                        let c = self.drift_change(&addr, &obj, Some(v.clone()), Action::Update);
                        self.drift.push(c);
                    }
                    if let Some(o) = self.prior.instances.get_mut(&addr) {
                        o.value = v;
                        o.private = private.to_state();
                    }
                }
                Ok(None) => {
                    let c = self.drift_change(&addr, &obj, None, Action::Delete);
                    self.drift.push(c);
                    self.prior.instances.remove(&addr);
                }
                Err(d) => d
                    .into_iter()
                    .for_each(|x| self.diags.push(with_addr(x, &addr))),
            }
        }
    }

    /// Untargeted (or destroy/refresh-only) resources keep their prior values for references.
    fn keep_prior(&mut self, raddr: &ResourceAddr, r: &Resource) {
        let exp = if r.count.is_some() {
            Expansion::Count(self.prior.instances_of(raddr).count() as i64)
        } else if r.for_each.is_some() {
            Expansion::ForEach(
                self.prior
                    .instances_of(raddr)
                    .filter_map(|(a, o)| match &a.key {
                        Some(InstanceKey::Str(k)) => Some((k.clone(), o.value.clone())),
                        _ => None,
                    })
                    .collect(),
            )
        } else {
            Expansion::Single
        };
        let mut rv = ResourceValues::new(exp);
        for (a, o) in self.prior.instances_of(raddr) {
            rv.set(a.key.clone(), o.value.clone());
        }
        self.values
            .resources
            .entry(raddr.module.clone())
            .or_default()
            .insert(raddr.local(), rv);
    }

    async fn plan_resource(
        &mut self,
        inst: &ModuleInstance,
        raddr: &ResourceAddr,
        r: &Resource,
        schema: &ResourceSchema,
        provider: &Arc<dyn Provider>,
        paddr: &ProviderConfig,
    ) {
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
        self.values
            .resources
            .entry(inst.clone())
            .or_default()
            .insert(raddr.local(), ResourceValues::new(exp.clone()));
        let deps = self.dependencies(raddr);
        for key in &keys {
            let addr = raddr.instance(key.clone());
            let each_value = key.as_ref().and_then(|k| exp.each_value(k));
            let config = {
                let scope = WalkScope {
                    key: key.clone(),
                    each_value,
                    ..WalkScope::module(&self.values, inst)
                };
                let mut ev = self.evaluator(&scope);
                let pre = crate::conditions::check_rules(
                    &mut ev,
                    &r.lifecycle.preconditions,
                    "Resource precondition failed",
                    autostack_lang::Severity::Error,
                );
                if pre.has_errors() {
                    Err(pre)
                } else {
                    ev.eval_body(&r.config)
                        .and_then(|v| conform(&schema.block, Some(&r.config), &v))
                }
            };
            let config = match config.and_then(|c| self.validated(provider, r, c)) {
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
            if let Some(o) = self.prior.instances.get_mut(&addr) {
                if o.provider.is_empty() {
                    o.provider = self.ctx.state_provider(paddr).to_string();
                }
                // As Terraform does on apply, even for unchanged (or just imported) objects:
                // the state records what the configuration makes this instance depend on,
                // which later orders its destruction.
                if r.mode == Mode::Managed {
                    o.dependencies = deps.clone();
                }
            }
            change.provider_source = self.ctx.provider_source(paddr);
            change.provider = paddr.clone();
            change.dependencies = deps.clone();
            change.schema_version = schema.version;
            change.prev_addr = self.moved_from.get(&addr).cloned();
            let value = change
                .after
                .clone()
                .unwrap_or_else(|| schema.block.empty_value());
            if !r.lifecycle.postconditions.is_empty() && change.after.is_some() {
                let scope = WalkScope {
                    key: key.clone(),
                    each_value: key.as_ref().and_then(|k| exp.each_value(k)),
                    self_value: Some(value.clone()),
                    ..WalkScope::module(&self.values, inst)
                };
                let mut ev = self.evaluator(&scope);
                let post = crate::conditions::check_rules(
                    &mut ev,
                    &r.lifecycle.postconditions,
                    "Resource postcondition failed",
                    autostack_lang::Severity::Error,
                );
                self.diags.extend(post);
            }
            if let Some(rv) = self
                .values
                .resources
                .get_mut(inst)
                .and_then(|m| m.get_mut(&raddr.local()))
            {
                rv.set(key.clone(), value);
            }
            self.changes.insert(addr, change);
        }
        self.plan_dropped_keys(raddr, r, &keys);
    }

    async fn plan_managed(
        &mut self,
        addr: &InstanceAddr,
        r: &Resource,
        schema: &ResourceSchema,
        provider: &Arc<dyn Provider>,
        config: Value,
    ) -> Option<ResourceChange> {
        let importing = match self.prior.instances.contains_key(addr) {
            true => None,
            false => self.import(addr, schema, provider).await,
        };
        let prior = self.prior.instances.get(addr).cloned();
        let proposed = config_with_ignored(
            &r.lifecycle.ignore_changes,
            prior.as_ref().map(|p| &p.value),
            config.clone(),
            &schema.block,
        );
        let prior_private = stored_private(prior.as_ref());
        let req = PlanRequest::new(
            &addr.resource.ty,
            prior.as_ref().map(|p| &p.value),
            &proposed,
        );
        let planned = match provider
            .plan(req.with_config(&config).with_private(&prior_private))
            .await
        {
            Ok(p) => p,
            Err(d) => {
                self.diags.extend(d);
                return None;
            }
        };
        let cbd = r.lifecycle.create_before_destroy;
        let mut change = ResourceChange::new(
            addr.clone(),
            Action::Create,
            prior.as_ref().map(|p| p.value.clone()),
            Some(planned.planned.clone()),
        );
        change.create_before_destroy = cbd;
        change.importing = importing;
        change.planned_private = planned.planned_private.to_state();
        let Some(prior) = prior else {
            return Some(change);
        };
        let mut after = ignore_changes(
            &r.lifecycle.ignore_changes,
            &prior.value,
            planned.planned.clone(),
        );
        let replace_action = if cbd {
            Action::CreateThenDelete
        } else {
            Action::DeleteThenCreate
        };
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
        if matches!(
            reason,
            Some(Reason::Tainted | Reason::ReplaceByRequest | Reason::ReplaceByTriggers)
        ) && planned.requires_replace.is_empty()
        {
            match provider
                .plan(PlanRequest::new(&addr.resource.ty, None, &config))
                .await
            {
                Ok(fresh) => after = fresh.planned,
                Err(d) => self.diags.extend(d),
            }
        }
        if change.action.is_replace() && r.lifecycle.prevent_destroy {
            self.diags.push(prevent_destroy_error(addr, r));
        }
        change.reason = reason;
        change.requires_replace = planned.requires_replace;
        change.after = Some(if change.action == Action::NoOp {
            prior.value.clone()
        } else {
            after
        });
        Some(change)
    }

    async fn plan_data(
        &mut self,
        addr: &InstanceAddr,
        _r: &Resource,
        provider: &Arc<dyn Provider>,
        config: Value,
    ) -> Option<ResourceChange> {
        if !config.is_wholly_known() {
            let mut c = ResourceChange::new(addr.clone(), Action::Read, None, Some(config));
            c.reason = Some(Reason::ConfigUnknown);
            return Some(c);
        }
        match provider
            .read_data(ReadDataRequest::new(&addr.resource.ty, &config))
            .await
        {
            Ok(v) => {
                self.prior.instances.insert(
                    addr.clone(),
                    InstanceObject {
                        value: v.clone(),
                        provider: String::new(),
                        schema_version: 0,
                        dependencies: Vec::new(),
                        tainted: false,
                        private: None,
                        create_before_destroy: false,
                    },
                );
                Some(ResourceChange::new(
                    addr.clone(),
                    Action::NoOp,
                    Some(v.clone()),
                    Some(v),
                ))
            }
            Err(d) => {
                d.into_iter()
                    .for_each(|x| self.diags.push(with_addr(x, addr)));
                None
            }
        }
    }

    /// Imports the object an `import` block names for `addr` into prior state; returns its ID.
    fn triggered(&self, addr: &InstanceAddr, r: &Resource) -> bool {
        use autostack_lang::eval::scope::{parse_ref, Subject};
        use autostack_lang::syntax::Step;
        r.lifecycle.replace_triggered_by.iter().any(|e| {
            let mut hit = false;
            e.visit_traversals(&mut |t| {
                let Ok((
                    Subject::Resource {
                        data: false,
                        ty,
                        name,
                    },
                    used,
                )) = parse_ref(t)
                else {
                    return;
                };
                let target = ResourceAddr {
                    module: addr.resource.module.clone(),
                    mode: Mode::Managed,
                    ty,
                    name,
                };
                // `aws_x.y` (or `aws_x.y[0]`) fires on any change; `aws_x.y.attr` only when
                // that attribute changes.
                let mut rest = &t.steps[used..];
                let key = match rest.first() {
                    Some(Step::Index(k, _)) => {
                        rest = &rest[1..];
                        Some(k.clone())
                    }
                    _ => None,
                };
                let attr: Vec<Step> = rest.to_vec();
                hit |= self
                    .changes
                    .iter()
                    .filter(|(a, _)| a.resource == target)
                    .filter(|(a, _)| {
                        key.as_ref().is_none_or(|k| {
                            a.key
                                .as_ref()
                                .map(|x| x.to_value())
                                .is_some_and(|x| x.equals(k).as_bool() == Some(true))
                        })
                    })
                    .any(|(_, c)| {
                        if c.action == Action::NoOp {
                            return false;
                        }
                        if attr.is_empty() {
                            return true;
                        }
                        let pick = |v: &Option<Value>| v.as_ref().and_then(|v| value_at(v, &attr));
                        match (pick(&c.before), pick(&c.after)) {
                            (Some(b), Some(a)) => differs(&b, &a),
                            (None, None) => false,
                            _ => true,
                        }
                    });
            });
            hit
        })
    }
}

impl ResourceChange {
    /// A change with defaults for the bookkeeping fields.
    pub(crate) fn new(
        addr: InstanceAddr,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Self {
        let local = implied_local_name(&addr.resource.ty);
        ResourceChange {
            provider: ProviderConfig::new(local, None),
            provider_source: ProviderSource::implied_by(local),
            addr,
            prev_addr: None,
            action,
            reason: None,
            before,
            after,
            requires_replace: Vec::new(),
            dependencies: Vec::new(),
            create_before_destroy: false,
            importing: None,
            schema_version: 0,
            planned_private: None,
        }
    }
}

impl Walker<'_> {
    /// The provider's own checks of an instance's configuration (Terraform's
    /// `ValidateResourceConfig`); its diagnostics point at the resource block. Warnings are
    /// kept, errors stop this instance.
    fn validated(
        &mut self,
        provider: &Arc<dyn Provider>,
        r: &Resource,
        config: Value,
    ) -> Result<Value, Diagnostics> {
        let mut found = Diagnostics::new();
        if r.mode == Mode::Data {
            return Ok(config); // `validate` is the managed type's (a data source may share its name)
        }
        for d in provider.validate(ValidateRequest::new(&r.ty, &config)) {
            found.push(d.or_at(&r.range));
        }
        if found.has_errors() {
            return Err(found);
        }
        self.diags.extend(found);
        Ok(config)
    }

    fn drift_change(
        &self,
        addr: &InstanceAddr,
        obj: &InstanceObject,
        after: Option<Value>,
        action: Action,
    ) -> ResourceChange {
        let mut c = ResourceChange::new(addr.clone(), action, Some(obj.value.clone()), after);
        self.use_state_provider(&mut c, &obj.provider);
        c
    }
}

pub(crate) fn with_addr(mut d: Diagnostic, addr: &InstanceAddr) -> Diagnostic {
    d.detail = if d.detail.is_empty() {
        format!("with {addr}")
    } else {
        format!("{}\n\nwith {addr}", d.detail)
    };
    d
}

/// The value at static steps inside `v` (None when absent).
fn value_at(v: &Value, steps: &[autostack_lang::syntax::Step]) -> Option<Value> {
    autostack_lang::eval::apply_steps(v.clone(), steps).ok()
}

/// An object as the provider is given it: its value and decoded private data (unreadable
/// private data is passed as none; the provider then plans as for an object without any).
fn stored(o: &InstanceObject) -> Instance {
    Instance::new(o.value.clone()).with_private(stored_private(Some(o)))
}

/// The decoded private data of a stored object.
fn stored_private(o: Option<&InstanceObject>) -> Private {
    Private::from_state(o.and_then(|o| o.private.as_deref())).unwrap_or_default()
}
