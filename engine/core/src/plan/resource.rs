//! Planning resources: refresh, per-instance configuration, diff and action.

use super::adopt::prevent_destroy_error;
use super::run::Planner;
use super::{Action, PlanMode, Reason, ResourceChange};
use crate::addrs::{implied_local_name, InstanceAddr, InstanceKey, Name, ResourceAddr};
use crate::addrs::{ProviderConfig, ProviderSource};
use crate::context::Context;
use crate::events::Event;
use crate::graph::{provider_addr, ModPath, Node};
use crate::state::InstanceObject;
use crate::validate::schema_of;
use crate::values::Expansion;
use crate::walk::instance::plan_instance;
use autostack_lang::config::{Mode, Resource};
use autostack_lang::{Diagnostic, Value};
use autostack_provider_sdk::{
    differs, Instance, Private, Provider, ReadDataRequest, ReadRequest, ResourceSchema,
};
use std::sync::Arc;

/// A resource being planned: its block, schema, provider (configuration and source),
/// expansion and dependencies.
struct Resolved<'x> {
    r: &'x Resource,
    schema: &'x ResourceSchema,
    provider: &'x Arc<dyn Provider>,
    paddr: &'x ProviderConfig,
    source: &'x Arc<ProviderSource>,
    exp: Expansion,
    deps: std::sync::Arc<[String]>,
}

impl Planner<'_> {
    /// Plans the resource `local` of module `path` (graph node `node`) in every instance of
    /// the module; `deps` is what it depends on.
    pub(crate) async fn visit_resource(
        &mut self,
        path: &ModPath,
        local: &str,
        node: &Node,
        deps: Arc<[String]>,
    ) {
        let Some(tree) = self.w.ctx.module(path) else {
            return;
        };
        let Some(r) = tree.module.resources.get(local) else {
            return;
        };
        let paddr = provider_addr(&self.w.ctx.tree, path, r);
        let Some(provider) = self.w.ctx.provider(&paddr).await else {
            return;
        };
        // Types and arguments were checked before the walk (crate::validate).
        let source = self.w.ctx.shared_source(&paddr);
        let schema = match schema_of(provider.as_ref(), &source, r) {
            Ok(s) => s,
            Err(d) => return self.w.diags.push(d),
        };
        let skip = self.opts.mode != PlanMode::Normal
            || self.targeted.as_ref().is_some_and(|t| !t.contains(node));
        for inst in self.w.instances(path) {
            let raddr = ResourceAddr {
                module: inst.clone(),
                mode: r.mode,
                ty: Name::new(&r.ty),
                name: Name::new(&r.name),
            };
            self.refresh((&provider, &paddr), &raddr, Some(&source))
                .await;
            if skip {
                self.keep_prior(&raddr, r);
                continue;
            }
            let bound = (&provider, &paddr, &source);
            self.plan_resource(&raddr, r, schema, bound, deps.clone())
                .await;
        }
    }

    /// Reads every prior instance of a resource in one batch and records drift. With
    /// `source` (the provider the configuration binds), portable objects recorded on another
    /// provider type are left to the move that reads them through their own
    /// ([`super::migrate`]).
    pub(crate) async fn refresh(
        &mut self,
        (provider, paddr): (&Arc<dyn Provider>, &ProviderConfig),
        raddr: &ResourceAddr,
        source: Option<&ProviderSource>,
    ) {
        if self.opts.skip_refresh || raddr.mode == Mode::Data {
            return;
        }
        let kept = |o: &InstanceObject| {
            !source.is_some_and(|s| super::migrate::recorded_elsewhere(&raddr.ty, &o.provider, s))
        };
        // One search for the resource's objects: read, then written back in place.
        let objects: Vec<(&InstanceAddr, &mut InstanceObject)> = (self.w.prior.instances)
            .range_mut(raddr.instance(None)..)
            .take_while(|(a, _)| &a.resource == raddr)
            .filter(|(_, o)| kept(o))
            .collect();
        if objects.is_empty() {
            return;
        }
        let events = &self.w.ctx.events;
        let mut current = Vec::with_capacity(objects.len());
        for (addr, o) in &objects {
            if let Some(id) = nonempty_id(o) {
                events.event(&Event::RefreshStart { addr, id });
            }
            current.push(stored(o));
        }
        let start = std::time::Instant::now();
        let permit = self.w.ctx.limits.provider_permit(paddr).await;
        let results = provider
            .read_many(ReadRequest::new(&raddr.ty, current))
            .await;
        drop(permit);
        let elapsed = start.elapsed();
        // What needs the planner (drift, errors) is noted for after the write-back.
        let mut noted = Vec::new();
        for ((addr, o), res) in objects.into_iter().zip(results) {
            if let Some(id) = nonempty_id(o) {
                events.event(&Event::RefreshDone { addr, id, elapsed });
            }
            match res {
                Ok(Some(Instance {
                    state: v, private, ..
                })) => {
                    if differs(&o.value, &v) {
                        noted.push((addr.clone(), o.clone(), Ok(Some(v.clone()))));
                    }
                    o.value = v;
                    o.private = private.to_state();
                }
                read => noted.push((addr.clone(), o.clone(), read.map(|_| None))),
            }
        }
        for (addr, obj, read) in noted {
            match read {
                Ok(Some(v)) => {
                    let c = self.drift_change(&addr, &obj, Some(v), Action::Update);
                    self.drift.push(c);
                }
                Ok(None) => {
                    let c = self.drift_change(&addr, &obj, None, Action::Delete);
                    self.drift.push(c);
                    self.w.prior.instances.remove(&addr);
                }
                Err(d) => crate::redact::scrub(d, &[&obj.value])
                    .into_iter()
                    .for_each(|x| self.w.diags.push(with_addr(self.w.ctx, x, &addr))),
            }
        }
    }

    /// Untargeted (or destroy/refresh-only) resources keep their prior values for references.
    fn keep_prior(&mut self, raddr: &ResourceAddr, r: &Resource) {
        let exp = if r.count.is_some() {
            Expansion::Count(self.w.prior.instances_of(raddr).count() as i64)
        } else if r.for_each.is_some() {
            Expansion::ForEach(
                self.w
                    .prior
                    .instances_of(raddr)
                    .filter_map(|(a, o)| match &a.key {
                        Some(InstanceKey::Str(k)) => Some((k.clone(), o.value.clone())),
                        _ => None,
                    })
                    .collect::<autostack_lang::value::ValueMap>()
                    .into(),
            )
        } else {
            Expansion::Single
        };
        self.w.bind_from_state(raddr, exp);
    }

    async fn plan_resource(
        &mut self,
        raddr: &ResourceAddr,
        r: &Resource,
        schema: &ResourceSchema,
        (provider, paddr, source): (&Arc<dyn Provider>, &ProviderConfig, &Arc<ProviderSource>),
        deps: Arc<[String]>,
    ) {
        let exp = match self.w.expand_resource(raddr, r) {
            Ok(x) => x,
            Err(d) => return self.w.diags.extend(d),
        };
        let keys = exp.keys();
        let of = Resolved {
            r,
            schema,
            provider,
            paddr,
            source,
            deps,
            exp,
        };
        for key in &keys {
            self.plan_one(raddr.instance(key.clone()), &of).await;
        }
        self.plan_dropped_keys(raddr, r, &keys);
    }

    /// Plans one instance: its configuration, its change, its postconditions; its planned
    /// object becomes its value for references.
    async fn plan_one(&mut self, addr: InstanceAddr, of: &Resolved<'_>) {
        let (r, schema) = (of.r, of.schema);
        let config = match (self.w).instance_config(&addr, r, &of.exp, schema, of.provider.as_ref())
        {
            Ok((config, warnings)) => {
                self.w.diags.extend(warnings);
                config
            }
            Err(d) => return self.w.diags.extend(d),
        };
        // A managed instance's prior object is found once: copied as planning sees it, then
        // its bookkeeping updated in place (a plan with errors keeps no state).
        let prior = match r.mode {
            Mode::Managed => self.w.prior.instances.get_mut(&addr).map(|o| {
                let seen = o.clone();
                keep_books(o, self.w.ctx, of, r.mode);
                seen
            }),
            Mode::Data => None,
        };
        let found = prior.is_some();
        let change = match r.mode {
            Mode::Managed => self.plan_moving_or_managed(&addr, of, prior, config).await,
            Mode::Data => self.plan_data(&addr, r, of.provider, config).await,
        };
        let Some(mut change) = change else { return };
        // A data source's object, or one an import just brought in, is found now.
        if !found {
            if let Some(o) = self.w.prior.instances.get_mut(&addr) {
                keep_books(o, self.w.ctx, of, r.mode);
            }
        }
        change.provider_source = of.source.clone();
        change.provider = of.paddr.clone();
        change.dependencies = of.deps.clone();
        change.schema_version = schema.version;
        change.prev_addr = self.moved_from.get(&addr).cloned().map(Box::new);
        let value = (change.after.clone()).unwrap_or_else(|| schema.block.empty_value());
        if change.after.is_some() {
            let post = self.w.postconditions(&addr, r, &of.exp, &value);
            self.w.diags.extend(post);
        }
        let resources = self.w.values.resources.get_mut(&addr.resource.module);
        if let Some(rv) = resources.and_then(|m| m.get_mut(&addr.resource.local())) {
            rv.set(addr.key.clone(), value);
        }
        debug_assert_eq!(change.addr, addr, "a change is planned for its own address");
        self.w
            .ctx
            .events
            .event(&crate::events::Event::InstancePlanned);
        self.changes.insert(Box::new(change));
    }

    /// A portable instance whose object is on another cloud plans as a move; any other as
    /// [`Self::plan_managed`] plans it.
    async fn plan_moving_or_managed(
        &mut self,
        addr: &InstanceAddr,
        of: &Resolved<'_>,
        prior: Option<InstanceObject>,
        config: Value,
    ) -> Option<ResourceChange> {
        let to = of.source;
        let Some(old) = self.old_side(addr, prior.as_ref(), to) else {
            return (self.plan_managed(addr, of, prior, config)).await;
        };
        // A move resumed after its new object was made plans against that object.
        let made = old
            .resumed
            .then(|| self.w.prior.instances.get(addr))
            .flatten();
        let private = stored_private(made);
        let prior = (made.map(|o| &o.value), &private);
        let planned =
            match plan_instance(of.provider.as_ref(), of.r, of.schema, prior, &config).await {
                Ok(p) => (p.planned, p.planned_private.to_state()),
                Err(d) => {
                    self.w.diags.extend(d);
                    return None;
                }
            };
        let before = self.w.diags.error_count();
        match self.plan_migrate(addr, of.r, planned, old, to).await {
            Some(c) => Some(c),
            None if self.w.diags.error_count() > before => None,
            None => {
                let prior = self.w.prior.instances.get(addr).cloned();
                (self.plan_managed(addr, of, prior, config)).await
            }
        }
    }

    /// Plans `addr` against its `prior` object (none: a create, or an import when the
    /// configuration imports it).
    async fn plan_managed(
        &mut self,
        addr: &InstanceAddr,
        of: &Resolved<'_>,
        prior: Option<InstanceObject>,
        config: Value,
    ) -> Option<ResourceChange> {
        let (r, schema, provider) = (of.r, of.schema, of.provider);
        let (importing, prior) = match prior {
            Some(prior) => (None, Some(prior)),
            None => {
                let importing = self.import(addr, schema, provider).await;
                (importing, self.w.prior.instances.get(addr).cloned())
            }
        };
        let prior_private = stored_private(prior.as_ref());
        let prior_value = (prior.as_ref().map(|p| &p.value), &prior_private);
        let planned = match plan_instance(provider.as_ref(), r, schema, prior_value, &config).await
        {
            Ok(p) => p,
            Err(d) => {
                self.w.diags.extend(d);
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
        let mut after = planned.planned.clone();
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
        if change.action.is_replace() {
            // A replacement is a new object: planned as a create from the configuration, as
            // apply will plan it.
            let fresh = (None, &Private::default());
            match plan_instance(provider.as_ref(), r, schema, fresh, &config).await {
                Ok(fresh) => after = fresh.planned,
                Err(d) => self.w.diags.extend(d),
            }
        }
        if change.action.is_replace() && r.lifecycle.prevent_destroy {
            self.w.diags.push(prevent_destroy_error(addr, r));
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
                self.w.prior.instances.insert(
                    addr.clone(),
                    InstanceObject {
                        value: v.clone(),
                        provider: "".into(),
                        schema_version: 0,
                        dependencies: Default::default(),
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
                    .for_each(|x| self.w.diags.push(with_addr(self.w.ctx, x, addr)));
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
                    ty: ty.into(),
                    name: name.into(),
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

/// What state records of an instance besides its object: the provider configuration that
/// manages it, when the state named none, and what the configuration makes a managed one
/// depend on. As Terraform does on apply, even for unchanged (or just imported) objects,
/// since that later orders their destruction.
fn keep_books(
    o: &mut InstanceObject,
    ctx: &crate::context::Context,
    of: &Resolved<'_>,
    mode: Mode,
) {
    if o.provider.is_empty() {
        o.provider = ctx.state_provider_name(of.paddr);
    }
    if mode == Mode::Managed {
        o.dependencies = of.deps.clone();
    }
}

impl ResourceChange {
    /// A change with defaults for the bookkeeping fields (the provider its type implies).
    pub fn new(
        addr: InstanceAddr,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Self {
        let local = implied_local_name(&addr.resource.ty);
        ResourceChange {
            provider: ProviderConfig::new(local, None),
            provider_source: Arc::new(ProviderSource::implied_by(local)),
            addr,
            prev_addr: None,
            action,
            reason: None,
            before,
            after,
            requires_replace: Vec::new(),
            dependencies: Default::default(),
            create_before_destroy: false,
            importing: None,
            schema_version: 0,
            planned_private: None,
            migration: None,
            deposed: None,
        }
    }
}

impl Planner<'_> {
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

/// `d`, about instance `addr` (see [`crate::context::Context::about_instance`]).
pub(crate) fn with_addr(ctx: &Context, d: Diagnostic, addr: &InstanceAddr) -> Diagnostic {
    ctx.about_instance(d, addr)
}

/// The value at static steps inside `v` (None when absent).
fn value_at(v: &Value, steps: &[autostack_lang::syntax::Step]) -> Option<Value> {
    autostack_lang::eval::apply_steps(v.clone(), steps).ok()
}

/// The object's `id`, when it has one (what refresh events name).
fn nonempty_id(o: &InstanceObject) -> Option<&str> {
    Some(autostack_provider_sdk::attr_str(&o.value, "id")).filter(|id| !id.is_empty())
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
