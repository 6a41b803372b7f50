//! Undoing a failed apply (`apply -on-error=rollback`): what the apply created is destroyed
//! and what it updated in place is put back to its prior values, dependents before what they
//! depend on (the reverse of the apply's order), each operation journaled like any apply's.
//! What cannot be undone (a replaced object's old identity, a destroyed object, a move to
//! another cloud) is listed, not guessed at.
//!
//! What the apply did is read from the state it left against the plan's prior state, not
//! from its events: a create that failed half-way (a tainted object) is destroyed too.

use super::{ApplyOptions, StateSink};
use crate::addrs::{InstanceAddr, ProviderConfig};
use crate::context::Context;
use crate::events::Event;
use crate::plan::{Action, Plan};
use crate::state::{InstanceObject, State};
use autostack_lang::config::Mode;
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_provider_sdk::{differs, ApplyRequest, PlanRequest, Private};
use futures::stream::{FuturesUnordered, StreamExt};
use std::time::Instant;
use tokio::sync::Semaphore;

/// What a rollback did.
#[derive(Debug)]
pub struct Undone {
    /// The state after the rollback.
    pub state: State,
    /// Errors of undo operations that failed (their objects stay as the apply left them).
    pub diags: Diagnostics,
    /// Objects the apply created, now destroyed.
    pub destroyed: usize,
    /// Objects the apply updated, now back to their prior values.
    pub restored: usize,
    /// What could not be undone, and why, by address.
    pub not_undone: Vec<(InstanceAddr, String)>,
}

/// One undo operation.
enum UndoOp {
    /// Destroy an object the apply created.
    Destroy(InstanceAddr, ProviderConfig),
    /// Put an updated object back to `prior`.
    Restore(InstanceAddr, ProviderConfig, InstanceObject),
}

impl UndoOp {
    fn addr(&self) -> &InstanceAddr {
        match self {
            UndoOp::Destroy(a, _) | UndoOp::Restore(a, _, _) => a,
        }
    }
}

/// Undoes what the apply of `plan` did, from the state it left (`after`).
pub async fn undo(
    ctx: &Context,
    plan: &Plan,
    after: State,
    opts: ApplyOptions,
    sink: &dyn StateSink,
) -> Undone {
    let (ops, not_undone) = undo_ops(plan, &after);
    let order = reverse_dependency_waits(&ops, &after);
    let mut undone = Undone {
        state: after,
        diags: Diagnostics::new(),
        destroyed: 0,
        restored: 0,
        not_undone,
    };
    let sem = Semaphore::new(opts.parallelism.max(1));
    let mut waits: Vec<usize> = order.iter().map(|(n, _)| *n).collect();
    let mut ready: Vec<usize> = (0..ops.len()).filter(|&i| waits[i] == 0).collect();
    let mut running = FuturesUnordered::new();
    let mut started = vec![false; ops.len()];
    let mut unflushed = None;
    loop {
        // As in the apply: what settled is journaled before what waits on it starts.
        super::driver::flush(sink, &mut unflushed);
        while let Some(i) = ready.pop() {
            started[i] = true;
            let current = undone.state.instances.get(ops[i].addr()).cloned();
            let (ctx, sem, op) = (ctx, &sem, &ops[i]);
            running.push(async move {
                let _permit = sem.acquire().await;
                // Boxed once it may run, as the apply's operations are (see `Run::op`).
                (i, Box::pin(run_op(ctx, op, current, sink)).await)
            });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        settle(&mut undone, &ops[i], result);
        for &j in &order[i].1 {
            waits[j] -= 1;
            if waits[j] == 0 {
                ready.push(j);
            }
        }
    }
    if let Some(d) = unflushed {
        undone.diags.push(d);
    }
    // Only a cycle among recorded dependencies leaves an operation waiting.
    for (op, _) in ops.iter().zip(&started).filter(|(_, s)| !**s) {
        let why = "not undone: its recorded dependencies form a cycle";
        undone.not_undone.push((op.addr().clone(), why.to_string()));
    }
    undone
}

/// Records one finished undo operation in `undone`.
fn settle(undone: &mut Undone, op: &UndoOp, result: Result<Option<InstanceObject>, Diagnostics>) {
    match (op, result) {
        (UndoOp::Destroy(addr, _), Ok(_)) => {
            undone.state.instances.remove(addr);
            undone.destroyed += 1;
        }
        (UndoOp::Restore(addr, _, _), Ok(obj)) => {
            if let Some(obj) = obj {
                undone.state.instances.insert(addr.clone(), obj);
            }
            undone.restored += 1;
        }
        (op, Err(d)) => {
            let what = match op {
                UndoOp::Destroy(..) => "created by this apply; destroying it failed, it stays",
                UndoOp::Restore(..) => {
                    "updated by this apply; putting it back failed, it keeps its new values"
                }
            };
            undone
                .not_undone
                .push((op.addr().clone(), what.to_string()));
            undone.diags.extend(d);
        }
    }
}

/// The undo operations of what the apply did, and what it did that cannot be undone.
fn undo_ops(plan: &Plan, after: &State) -> (Vec<UndoOp>, Vec<(InstanceAddr, String)>) {
    let mut ops = Vec::new();
    let mut not_undone = Vec::new();
    for c in plan.changes.iter().rev() {
        if c.addr.resource.mode != Mode::Managed {
            continue;
        }
        let before = plan.prior.instances.get(&c.addr);
        let now = after.instances.get(&c.addr);
        let changed = match (before, now) {
            (Some(b), Some(n)) => differs(&b.value, &n.value) || b.tainted != n.tainted,
            (None, None) => false,
            _ => true,
        };
        if !changed {
            continue;
        }
        let provider = c.provider.clone();
        match (c.action, before, now) {
            (Action::Create, None, Some(_)) => ops.push(UndoOp::Destroy(c.addr.clone(), provider)),
            (Action::Update, Some(b), Some(_)) => {
                ops.push(UndoOp::Restore(c.addr.clone(), provider, b.clone()))
            }
            (action, before, now) => {
                not_undone.push((c.addr.clone(), irreversible(action, before, now)));
            }
        }
    }
    (ops, not_undone)
}

/// Why a change cannot be undone, in words.
fn irreversible(
    action: Action,
    before: Option<&InstanceObject>,
    now: Option<&InstanceObject>,
) -> String {
    let id = |o: Option<&InstanceObject>| {
        o.and_then(|o| {
            o.value
                .as_entries()?
                .get("id")?
                .as_str()
                .map(str::to_string)
        })
        .map_or(String::new(), |id| format!(" (id {id})"))
    };
    match (action, now) {
        (Action::Delete, _) => format!("destroyed{}: a destroyed object cannot be brought back", id(before)),
        (Action::Migrate, _) => "moved to another cloud: the move is not reversed; plan the move back".to_string(),
        (_, None) => format!("replaced: the previous object{} was destroyed and its replacement was not created", id(before)),
        (_, Some(_)) => format!("replaced: the previous object{} was destroyed and cannot be restored; the new object{} stays", id(before), id(now)),
    }
}

/// For each operation, how many others must finish first and which wait on it: an object
/// is undone before the objects it depends on (its state `dependencies`, configuration
/// addresses, each looked up once among the operations' resources).
fn reverse_dependency_waits(ops: &[UndoOp], after: &State) -> Vec<(usize, Vec<usize>)> {
    let mut order: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); ops.len()];
    let mut of_resource: crate::FastMap<String, Vec<usize>> = Default::default();
    for (i, op) in ops.iter().enumerate() {
        let target = op.addr().resource.config_address();
        of_resource.entry(target).or_default().push(i);
    }
    for (j, op) in ops.iter().enumerate() {
        let deps = match op {
            UndoOp::Restore(_, _, prior) => prior.dependencies.clone(),
            UndoOp::Destroy(a, _) => after
                .instances
                .get(a)
                .map(|o| o.dependencies.clone())
                .unwrap_or_default(),
        };
        // `j` depends on `i`: `j` is undone first, `i` waits for it.
        let waiting = deps.iter().filter_map(|d| of_resource.get(d.as_str()));
        for &i in waiting.flatten() {
            if i != j {
                order[j].1.push(i);
                order[i].0 += 1;
            }
        }
    }
    order
}

/// Runs one undo operation on the object the apply left (`current`), journaling its result;
/// returns the restored object (none for a destroy).
async fn run_op(
    ctx: &Context,
    op: &UndoOp,
    current: Option<InstanceObject>,
    sink: &dyn StateSink,
) -> Result<Option<InstanceObject>, Diagnostics> {
    let (addr, provider, action) = match op {
        UndoOp::Destroy(a, p) => (a, p, Action::Delete),
        UndoOp::Restore(a, p, _) => (a, p, Action::Update),
    };
    let Some(current) = current else {
        return Ok(None);
    };
    let start = Instant::now();
    ctx.events.event(&Event::ApplyStart { addr, action });
    let result = match op {
        UndoOp::Destroy(..) => destroy(ctx, addr, provider, &current).await.map(|()| None),
        UndoOp::Restore(_, _, prior) => restore(ctx, addr, provider, &current, prior)
            .await
            .map(Some),
    };
    let recorded = match &result {
        Ok(obj) => sink.record(addr, obj.as_ref(), None),
        Err(_) => Ok(()),
    };
    let result = match recorded {
        Err(e) => Err(fail(
            addr,
            "Failed to persist state",
            format!("Recording the rollback of {addr} in the state journal failed: {e}"),
        )),
        Ok(()) => result,
    };
    let elapsed = start.elapsed();
    match &result {
        Ok(obj) => {
            let id = obj.as_ref().and_then(|o| {
                o.value
                    .as_entries()?
                    .get("id")?
                    .as_str()
                    .map(str::to_string)
            });
            ctx.events.event(&Event::ApplyDone {
                addr,
                action,
                elapsed,
                id: id.as_deref(),
            });
        }
        Err(_) => ctx.events.event(&Event::ApplyErrored {
            addr,
            action,
            elapsed,
        }),
    }
    result
}

fn fail(addr: &InstanceAddr, summary: &str, detail: String) -> Diagnostics {
    Diagnostic::error(
        summary,
        format!("{detail}\n\nwith {addr} (rolling back)"),
        None,
    )
    .into()
}

async fn destroy(
    ctx: &Context,
    addr: &InstanceAddr,
    provider: &ProviderConfig,
    current: &InstanceObject,
) -> Result<(), Diagnostics> {
    let p = ctx
        .provider(provider)
        .await
        .ok_or_else(|| not_available(addr, provider))?;
    let private = private_of(addr, current)?;
    let req = ApplyRequest::new(&addr.resource.ty, Some(&current.value), None);
    p.apply(req.with_private(&private))
        .await
        .map(drop)
        .map_err(|e| e.diags)
}

/// Puts `current` back to `prior` through the provider: planned from the prior object's
/// values as configuration (computed-only attributes left to the provider), refused when
/// that would replace the object.
async fn restore(
    ctx: &Context,
    addr: &InstanceAddr,
    provider: &ProviderConfig,
    current: &InstanceObject,
    prior: &InstanceObject,
) -> Result<InstanceObject, Diagnostics> {
    let p = ctx
        .provider(provider)
        .await
        .ok_or_else(|| not_available(addr, provider))?;
    let ty = addr.resource.ty.as_str();
    let schema = p
        .schema()
        .resources
        .get(ty)
        .ok_or_else(|| not_available(addr, provider))?;
    let config = crate::walk::ignore::without_computed_only(&prior.value, &schema.block);
    let private = private_of(addr, current)?;
    let req = PlanRequest::new(ty, Some(&current.value), &prior.value).with_config(&config);
    let planned = p.plan(req.with_private(&private)).await?;
    if !planned.requires_replace.is_empty() {
        let detail = format!("Putting {addr} back to its prior values would replace it, so it keeps the values this apply gave it.");
        return Err(fail(addr, "Cannot roll back in place", detail));
    }
    let req = ApplyRequest::new(ty, Some(&current.value), Some(&planned.planned));
    let resp = p
        .apply(
            req.with_config(&config)
                .with_private(&planned.planned_private),
        )
        .await
        .map_err(|e| e.diags)?;
    let value = resp.new_state.ok_or_else(|| {
        fail(
            addr,
            "Provider returned no object",
            format!("The provider produced no state for {addr} when putting it back."),
        )
    })?;
    Ok(InstanceObject {
        value,
        private: resp.private.to_state(),
        ..prior.clone()
    })
}

fn private_of(addr: &InstanceAddr, obj: &InstanceObject) -> Result<Private, Diagnostics> {
    Private::from_state(obj.private.as_deref()).map_err(|e| {
        fail(
            addr,
            "Invalid private data in state",
            format!("The state's private data for {addr} is unreadable: {e}"),
        )
    })
}

fn not_available(addr: &InstanceAddr, provider: &ProviderConfig) -> Diagnostics {
    fail(
        addr,
        "Provider configuration not present",
        format!("The provider configuration {provider:?} is not available to roll back {addr}."),
    )
}
