//! The apply driver: the operation graph run in dependency order, as many operations at once
//! as their permits allow, each settled operation's record made durable (a
//! [`StateSink::flush`]) before the operations waiting on it start.

use super::exec::{Run, Shared};
use super::opgraph;
use super::{ApplyOptions, ApplyOutcome, StateSink};
use crate::addrs::ModuleInstance;
use crate::context::Context;
use crate::graph;
use crate::plan::{Plan, PlanMode};
use crate::state::OutputValue;
use crate::walk::Walker;
use autostack_lang::{Diagnostic, Diagnostics};
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use tokio::sync::{Mutex, Semaphore};

/// The most a ready operation may hold while it waits for its permits (360 bytes in a debug
/// build; 2,512 when each waited inside its whole state).
const WAITING_OP_BYTES: usize = 1024;

/// Applies a plan; the outcome carries the new state even when some operations failed.
pub async fn apply(
    ctx: &Context,
    plan: &Plan,
    opts: ApplyOptions,
    sink: &dyn StateSink,
) -> Result<ApplyOutcome, Diagnostics> {
    let g = graph::build(&ctx.tree)?;
    ctx.provider_functions.preload(&plan.function_results);
    let og = opgraph::build(&g, plan);
    let walker = Walker::new(ctx, plan.prior.clone());
    let run = Run {
        ctx,
        plan,
        graph: &g.graph,
        shared: Mutex::new(Shared {
            walker,
            added: 0,
            changed: 0,
            destroyed: 0,
            migrated: 0,
        }),
        sem: Semaphore::new(opts.parallelism.max(1)),
        progress_every: opts.progress_every,
        sink,
    };
    let mut preds = og.preds.clone();
    let mut poisoned = vec![false; og.ops.len()];
    let mut ready: Vec<usize> = (0..og.ops.len()).filter(|&i| preds[i] == 0).collect();
    let mut running = FuturesUnordered::new();
    let mut unflushed = None;
    loop {
        // What settled is journaled before its dependents start. A failure is kept apart, not
        // in the walker: its lock may be held by an operation this loop is not polling.
        flush(sink, &mut unflushed);
        while let Some(i) = ready.pop() {
            if poisoned[i] {
                settle(i, false, &og.succs, &mut preds, &mut poisoned, &mut ready);
                continue;
            }
            let run = &run;
            let op = &og.ops[i];
            let waiting = async move { (i, run.op(op).await) };
            // Thousands wait at once in a large apply: what they hold is kept small (see
            // `Run::op`); every debug-build test that applies checks it.
            debug_assert!(
                std::mem::size_of_val(&waiting) <= WAITING_OP_BYTES,
                "a waiting operation holds {} bytes",
                std::mem::size_of_val(&waiting)
            );
            running.push(waiting);
        }
        let Some((i, ok)) = running.next().await else {
            break;
        };
        settle(i, ok, &og.succs, &mut preds, &mut poisoned, &mut ready);
        // Whatever else has finished settles now too, so its records share one flush.
        while let Some(Some((i, ok))) = running.next().now_or_never() {
            settle(i, ok, &og.succs, &mut preds, &mut poisoned, &mut ready);
        }
    }
    drop(running);
    let Shared {
        mut walker,
        added,
        changed,
        destroyed,
        migrated,
    } = run.shared.into_inner();
    if let Some(d) = unflushed {
        walker.diags.push(d);
    }
    let mut state = walker.prior;
    let outputs = walker
        .values
        .outputs
        .get(&ModuleInstance::root())
        .cloned()
        .unwrap_or_default();
    if plan.mode == PlanMode::Destroy {
        state.outputs.clear();
        // As Terraform: a complete destroy leaves no data source behind either.
        if !walker.diags.has_errors() {
            let data = autostack_lang::config::Mode::Data;
            state.instances.retain(|a, _| a.resource.mode != data);
        }
    } else if !walker.diags.has_errors() {
        state.outputs = ctx
            .tree
            .module
            .outputs
            .iter()
            .filter_map(|(n, o)| {
                outputs.get(n).filter(|v| v.is_wholly_known()).map(|v| {
                    (
                        n.clone(),
                        OutputValue {
                            value: v.clone(),
                            sensitive: o.sensitive,
                        },
                    )
                })
            })
            .collect();
    }
    Ok(ApplyOutcome {
        state,
        diags: walker.diags,
        added,
        changed,
        destroyed,
        migrated,
    })
}

/// Makes what settled durable before what waits on it starts ([`StateSink::flush`]); the
/// first failure is kept in `failed` for the outcome (the records stay held for the next try).
pub(super) fn flush(sink: &dyn StateSink, failed: &mut Option<Diagnostic>) {
    if let Err(e) = sink.flush() {
        failed.get_or_insert_with(|| {
            Diagnostic::error(
                "Failed to persist state",
                format!("Writing the state journal failed: {e}"),
                None,
            )
        });
    }
}

/// Marks op `i` done; releases or poisons its successors.
fn settle(
    i: usize,
    ok: bool,
    succs: &[Vec<usize>],
    preds: &mut [usize],
    poisoned: &mut [bool],
    ready: &mut Vec<usize>,
) {
    for &s in &succs[i] {
        if !ok {
            poisoned[s] = true;
        }
        preds[s] -= 1;
        if preds[s] == 0 {
            ready.push(s);
        }
    }
}
