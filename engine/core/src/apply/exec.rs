//! The apply's operations (configuration nodes, creates, updates, destroys), run by
//! [`super::driver`]. Each provider operation holds a permit of its provider configuration
//! and one of `-parallelism` ([`crate::limits`]).

use super::checks::{
    inconsistent_final_plan, inconsistent_result, no_object, not_configured, with_addr,
};
use super::opgraph::Op;
use super::{Intent, StateSink};
use crate::addrs::InstanceAddr;
use crate::addrs::ProviderConfig;
use crate::context::{Context, SharedProvider};
use crate::events::Event;
use crate::graph::Node;
use crate::plan::{Action, Plan, ResourceChange};
use crate::state::InstanceObject;
use crate::walk::instance::plan_instance;
use crate::walk::Walker;
use autostack_lang::config::{Mode, Resource};
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::{
    differs, ApplyError, ApplyRequest, ApplyResponse, PlanResponse, Private, ReadDataRequest,
};
use std::sync::OnceLock;
use std::time::Instant;
use tokio::sync::{Mutex, Semaphore};

/// Mutable apply state behind one lock (held only for evaluation and bookkeeping, never
/// across provider calls).
pub(super) struct Shared<'a> {
    pub walker: Walker<'a>,
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    pub migrated: usize,
}

pub(super) struct Run<'a> {
    pub ctx: &'a Context,
    pub plan: &'a Plan,
    /// The configuration graph the operations' `Config` nodes index.
    pub graph: &'a petgraph::graph::DiGraph<Node, ()>,
    pub shared: Mutex<Shared<'a>>,
    pub sem: Semaphore,
    pub progress_every: std::time::Duration,
    pub sink: &'a dyn StateSink,
}

impl<'a> Run<'a> {
    /// Runs one operation of the graph; false when it failed (its dependents are poisoned).
    ///
    /// Every ready operation waits here for its provider's and the apply's permits, and only
    /// then is its own state (kilobytes: the provider call, the journal record, the progress
    /// timer) allocated: the chains or `for_each` keys of a large apply make tens of thousands
    /// ready at once, of which `-parallelism` run.
    pub(super) async fn op(&self, op: &Op) -> bool {
        let change = |i: &usize| &self.plan.changes[*i];
        match op {
            Op::Barrier => true,
            Op::Config(node) => self.config(&self.graph[*node]).await,
            Op::Forward(i) => {
                let c = change(i);
                self.permitted(&c.provider, || self.forward(c)).await
            }
            Op::Destroy(i) => {
                let c = change(i);
                let provider = super::moving::DestroyTarget::of(c).provider;
                self.permitted(provider, || self.destroy(c)).await
            }
            Op::Copy(i) => {
                let c = change(i);
                self.permitted(&c.provider, || self.copy(c)).await
            }
        }
    }

    /// Waits for `provider`'s and the apply's permits, then runs the operation `start` makes,
    /// boxed: made before the wait, its state would be held through it (see [`Run::op`]).
    async fn permitted<F: std::future::Future<Output = bool>>(
        &self,
        provider: &ProviderConfig,
        start: impl FnOnce() -> F,
    ) -> bool {
        let _permits = self.ctx.limits.permits(provider, &self.sem).await;
        Box::pin(start()).await
    }

    /// The walk's lock, taken after a record: when it must be waited for, the records held so
    /// far are written first, since the operation holding it may await a provider for long
    /// (a failed write stays held, and the apply loop reports it).
    pub(super) async fn shared_after_record(&self) -> tokio::sync::MutexGuard<'_, Shared<'a>> {
        if let Ok(sh) = self.shared.try_lock() {
            return sh;
        }
        let _ = self.sink.flush();
        self.shared.lock().await
    }

    async fn config(&self, node: &Node) -> bool {
        let mut sh = self.shared.lock().await;
        let before = sh.walker.diags.error_count();
        match node {
            Node::Resource(path, local) => join(&mut sh.walker, path, local),
            // Boxed: an evaluation's state would size every waiting operation (see `op`).
            other => Box::pin(sh.walker.visit(other)).await,
        }
        sh.walker.diags.error_count() == before
    }

    pub(super) async fn provider(&self, addr: &ProviderConfig) -> Option<SharedProvider> {
        if let Some(p) = self.ctx.provider(addr).await {
            return Some(p);
        }
        let mut sh = self.shared.lock().await;
        sh.walker.visit_provider(addr).await;
        self.ctx.provider(addr).await
    }

    pub(super) fn event(&self, e: Event<'_>) {
        self.ctx.events.event(&e);
    }

    /// Runs one provider operation, reporting `ApplyProgress` every `progress_every` while it
    /// runs (Terraform's "Still creating... [10s elapsed]").
    pub(super) async fn ticking<T>(
        &self,
        addr: &InstanceAddr,
        action: Action,
        start: Instant,
        op: impl std::future::Future<Output = T>,
    ) -> T {
        tokio::pin!(op);
        let every = self.progress_every;
        let mut next = tokio::time::Instant::from_std(start) + every;
        loop {
            tokio::select! {
                out = &mut op => return out,
                _ = tokio::time::sleep_until(next) => {
                    let elapsed = start.elapsed();
                    self.event(Event::ApplyProgress { addr, action, elapsed });
                    next += every;
                }
            }
        }
    }

    /// Applies a create, update or replace's create (its permits held).
    async fn forward(&self, c: &ResourceChange) -> bool {
        let start = Instant::now();
        let action = if c.action.is_replace() || c.action == Action::Migrate {
            Action::Create
        } else {
            c.action
        };
        self.event(Event::ApplyStart {
            addr: &c.addr,
            action,
        });
        // A create's idempotency token, made when its intent is journaled (the record of
        // what the create made then resolves it).
        let token = OnceLock::new();
        let op = self.forward_inner(c, &token);
        let result = self.ticking(&c.addr, action, start, op).await;
        // Journal before taking the shared lock, so that concurrent records share an fsync.
        let token = token.get().map(String::as_str);
        let recorded = match &result {
            Ok(obj) | Err((_, Some(obj))) => self.sink.record(&c.addr, Some(obj), token),
            Err((_, None)) => Ok(()),
        };
        let mut sh = self.shared_after_record().await;
        if let Err(e) = recorded {
            sh.walker.diags.push(Diagnostic::error(
                "Failed to persist state",
                format!("Recording {} in the state journal failed: {e}", c.addr),
                None,
            ));
        }
        match result {
            Ok(obj) => {
                let id = obj
                    .value
                    .as_entries()
                    .and_then(|m| m.get("id"))
                    .and_then(|v| v.as_str())
                    .map(str::to_string);
                match c.action {
                    Action::Update => sh.changed += 1,
                    Action::Read | Action::Migrate => {}
                    _ => sh.added += 1,
                }
                let post = postconditions(&mut sh.walker, c, &obj.value);
                sh.walker.prior.instances.insert(c.addr.clone(), obj);
                self.event(Event::ApplyDone {
                    addr: &c.addr,
                    action,
                    elapsed: start.elapsed(),
                    id: id.as_deref(),
                });
                let ok = !post.has_errors();
                sh.walker.diags.extend(post);
                ok
            }
            Err((diags, partial)) => {
                if let Some(obj) = partial {
                    sh.walker.prior.instances.insert(c.addr.clone(), obj);
                }
                sh.walker.diags.extend(diags);
                self.event(Event::ApplyErrored {
                    addr: &c.addr,
                    action,
                    elapsed: start.elapsed(),
                });
                false
            }
        }
    }

    async fn forward_inner(
        &self,
        c: &ResourceChange,
        token: &OnceLock<String>,
    ) -> Result<InstanceObject, (Diagnostics, Option<InstanceObject>)> {
        let provider = self
            .provider(&c.provider)
            .await
            .ok_or_else(|| (not_configured(&c.provider), None))?;
        let ty = &c.addr.resource.ty;
        let (prior, private) = self.updated(c).await.map_err(|d| (d, None))?;
        let provider_name = self.provider_name(c);
        let obj = |value: Value, tainted: bool, private: &Private| InstanceObject {
            value,
            provider: provider_name.clone(),
            schema_version: c.schema_version,
            dependencies: c.dependencies.clone(),
            tainted,
            private: private.to_state(),
            create_before_destroy: c.create_before_destroy,
        };
        let (r, config) = self
            .instance_config(c, &provider)
            .await
            .map_err(|d| (d, None))?;
        if c.action == Action::Read {
            let v = provider
                .read_data(ReadDataRequest::new(ty, &config))
                .await
                .map_err(|d| (with_addr(self.ctx, d, c), None))?;
            return Ok(obj(v, false, &private));
        }
        let PlanResponse {
            planned,
            planned_private: private,
            ..
        } = self
            .final_plan(
                c,
                &provider,
                &provider_name,
                r,
                (prior.as_ref(), &private),
                &config,
            )
            .await
            .map_err(|d| (d, None))?;
        let result = match prior {
            // A move resumed after its new object was made, with nothing to change on it.
            Some(prior) if c.action == Action::Migrate && !differs(&prior, &planned) => {
                Ok(ApplyResponse {
                    new_state: Some(prior),
                    private: private.clone(),
                })
            }
            Some(prior) => {
                let req = ApplyRequest::new(ty, Some(&prior), Some(&planned));
                provider
                    .apply(req.with_config(&config).with_private(&private))
                    .await
            }
            None => {
                let intent = obj(planned.clone(), false, &private);
                self.create(c, &provider, intent, (&config, &private), token)
                    .await
            }
        };
        // The provider saw these values unmarked and may quote them in its errors.
        let result = result.map_err(|mut e| {
            let seen = [&config, &planned, c.before.as_ref().unwrap_or(&config)];
            e.diags = crate::redact::scrub(e.diags, &seen);
            e
        });
        let tainted = c.action != Action::Update;
        match result {
            Ok(ApplyResponse {
                new_state: Some(v),
                private,
                ..
            }) => match inconsistent_result(c, &provider_name, &planned, &v) {
                None => Ok(obj(v, false, &private)),
                // Terraform tolerates what the legacy SDK's shims cannot keep exactly.
                Some(_) if provider.legacy_type_system(ty) => Ok(obj(v, false, &private)),
                // The object exists as the provider says; it is kept, and the run fails.
                Some(d) => Err((d, Some(obj(v, tainted, &private)))),
            },
            Ok(_) => Err((no_object(c), None)),
            Err(e) => {
                let partial = e.partial.map(|v| obj(v, tainted, &private));
                Err((with_addr(self.ctx, e.diags, c), partial))
            }
        }
    }

    /// The prior object of an update and its private data (none for other actions): the
    /// provider plans the update from them (Terraform's providers write private data back
    /// unchanged, e.g. hashicorp/aws's timeouts and schema version).
    async fn updated(&self, c: &ResourceChange) -> Result<(Option<Value>, Private), Diagnostics> {
        if c.action == Action::Migrate {
            return self.begin_move(c).await;
        }
        if c.action != Action::Update {
            return Ok((None, Private::default()));
        }
        let sh = self.shared.lock().await;
        match sh.walker.prior.instances.get(&c.addr) {
            Some(o) => Ok((Some(o.value.clone()), private_of(o.private.as_deref(), c)?)),
            None => Ok((None, Private::default())),
        }
    }

    /// The instance's plan made again with the values known now, through the same code as
    /// the plan; it must keep every promise the saved plan made.
    async fn final_plan(
        &self,
        c: &ResourceChange,
        provider: &SharedProvider,
        provider_name: &str,
        r: &Resource,
        prior: (Option<&Value>, &Private),
        config: &Value,
    ) -> Result<PlanResponse, Diagnostics> {
        let schema = provider
            .schema()
            .resources
            .get(&r.ty)
            .ok_or_else(|| not_configured(&c.provider))?;
        let planned = plan_instance(provider.as_ref(), r, schema, prior, config)
            .await
            .map_err(|d| with_addr(self.ctx, d, c))?;
        match inconsistent_final_plan(c, provider_name, &planned.planned) {
            // Terraform tolerates what the legacy SDK's shims cannot keep exactly.
            Some(d) if !provider.legacy_type_system(&r.ty) => Err(d),
            _ => Ok(planned),
        }
    }

    /// The provider address state records for a change's objects.
    fn provider_name(&self, c: &ResourceChange) -> std::sync::Arc<str> {
        self.ctx.state_provider_name(&c.provider)
    }

    /// A create: its intent is journaled (durably) before the provider starts, and resolved
    /// when the create fails without leaving anything; success is recorded by the caller.
    async fn create(
        &self,
        c: &ResourceChange,
        provider: &SharedProvider,
        planned: InstanceObject,
        (config, private): (&Value, &Private),
        token: &OnceLock<String>,
    ) -> Result<ApplyResponse, ApplyError> {
        let ty = &c.addr.resource.ty;
        // Nothing outside the state to lose track of, for a state-only type: a create killed
        // before its record left nothing, and the next apply makes it again. No intent, so no
        // token either.
        let token = (!provider.state_only(ty)).then(|| {
            token
                .get_or_init(|| uuid::Uuid::new_v4().to_string())
                .as_str()
        });
        let create = |planned| {
            let req = ApplyRequest::new(ty, None, Some(planned));
            let req = req.with_config(config).with_private(private);
            provider.apply(match token {
                Some(token) => req.with_token(token),
                None => req,
            })
        };
        let Some(token) = token else {
            return create(&planned.value).await;
        };
        let intent = Intent {
            addr: c.addr.clone(),
            token: token.to_string(),
            provider: c.provider.clone(),
            object: planned,
        };
        self.sink.intent(&intent).map_err(|e| {
            ApplyError::new(
                "Failed to persist state",
                format!("Journaling the intent to create {} failed: {e}", c.addr),
            )
        })?;
        let result = create(&intent.object.value).await;
        if let Err(ApplyError { partial: None, .. }) = &result {
            // Best effort: an unresolved intent only costs the next command a lookup.
            let _ = self.sink.resolved(token);
        }
        result
    }

    /// Evaluates the instance's configuration with the values known now (the resource block
    /// and the configuration).
    async fn instance_config(
        &self,
        c: &ResourceChange,
        provider: &SharedProvider,
    ) -> Result<(&'a Resource, Value), Diagnostics> {
        let mut sh = self.shared.lock().await;
        let w = &mut sh.walker;
        let r = w.resource_block(&c.addr.resource).ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Resource no longer in configuration",
                format!(
                    "{} is not in the configuration any more; make a new plan.",
                    c.addr
                ),
                None,
            ))
        })?;
        let schemas = if r.mode == Mode::Data {
            &provider.schema().data_sources
        } else {
            &provider.schema().resources
        };
        let schema = schemas
            .get(&r.ty)
            .ok_or_else(|| not_configured(&c.provider))?;
        let exp = w.expand_resource(&c.addr.resource, r)?;
        // Warnings were shown when the plan was made.
        let (config, _warnings) = w.instance_config(&c.addr, r, &exp, schema, provider.as_ref())?;
        Ok((r, config))
    }

    /// Destroys an object (its permits held).
    async fn destroy(&self, c: &ResourceChange) -> bool {
        let target = super::moving::DestroyTarget::of(c);
        let start = Instant::now();
        let action = Action::Delete;
        self.event(Event::ApplyStart {
            addr: &c.addr,
            action,
        });
        let Some(provider) = self.provider(target.provider).await else {
            let mut sh = self.shared.lock().await;
            sh.walker.diags.extend(not_configured(target.provider));
            return false;
        };
        let (before, private) = self.destroyed_object(c, &target).await;
        let req = ApplyRequest::new(&c.addr.resource.ty, Some(&before), None);
        let op = provider.apply(req.with_private(&private));
        let result = self.ticking(&c.addr, action, start, op).await;
        match result {
            Ok(_) => {
                self.record_destroyed(c, &target).await;
                self.event(Event::ApplyDone {
                    addr: &c.addr,
                    action,
                    elapsed: start.elapsed(),
                    id: None,
                });
                true
            }
            Err(e) => {
                let mut sh = self.shared.lock().await;
                sh.walker.diags.extend(with_addr(self.ctx, e.diags, c));
                self.event(Event::ApplyErrored {
                    addr: &c.addr,
                    action,
                    elapsed: start.elapsed(),
                });
                false
            }
        }
    }
}

/// A resource node in apply: its instances' current objects become its value.
fn join(w: &mut Walker<'_>, path: &[String], local: &str) {
    let Some(r) = w
        .ctx
        .module(path)
        .and_then(|m| m.module.resources.get(local))
    else {
        return;
    };
    for inst in w.instances(&path.to_vec()) {
        let raddr = crate::addrs::ResourceAddr {
            module: inst,
            mode: r.mode,
            ty: crate::addrs::Name::new(&r.ty),
            name: crate::addrs::Name::new(&r.name),
        };
        match w.expand_resource(&raddr, r) {
            Ok(exp) => w.bind_from_state(&raddr, exp),
            Err(d) => w.diags.extend(d),
        }
    }
}

/// The resource's postconditions against an instance's new object.
fn postconditions(w: &mut Walker<'_>, c: &ResourceChange, value: &Value) -> Diagnostics {
    let Some(r) = w.resource_block(&c.addr.resource) else {
        return Diagnostics::new();
    };
    if r.lifecycle.postconditions.is_empty() {
        return Diagnostics::new();
    }
    match w.expand_resource(&c.addr.resource, r) {
        Ok(exp) => w.postconditions(&c.addr, r, &exp, value),
        Err(d) => d,
    }
}

/// The provider-private data stored with `c`'s prior object (base64 in the state).
fn private_of(stored: Option<&str>, c: &ResourceChange) -> Result<Private, Diagnostics> {
    Private::from_state(stored).map_err(|e| {
        Diagnostic::error(
            "Invalid private data in state",
            format!("The state's private data for {} is unreadable: {e}", c.addr),
            None,
        )
        .into()
    })
}
