//! What `apply` adds for the state history: after a successful apply, the version it wrote
//! (the state it replaced and the configuration it applied, see [`crate::versions`]); after
//! a failed one under `-on-error=rollback`, the undoing of what it did.

use super::run::{Output, Session};
use crate::progress;
use crate::versions::{encode_body, Meta, Recorded};
use autostack_core::apply::{undo, ApplyOptions, StateSink, Undone};
use autostack_core::plan::{Plan, PlanMode};
use autostack_core::state::State;
use autostack_lang::config::recorded::config_texts;
use autostack_lang::{Diagnostics, Severity};
use autostack_state::versions::DEFAULT_KEEP;
use serde_json::json;

/// A rollback's target: the serial returned to and the configuration recorded with it.
pub struct Target<'a> {
    /// The version's serial.
    pub serial: u64,
    /// Its recorded configuration (recorded again with the version the rollback writes).
    pub recorded: &'a Recorded,
}

/// What an apply did: added, changed, destroyed.
pub type Changes = (usize, usize, usize);

/// Records the version a successful apply wrote; a failure to record is a warning (the
/// apply itself succeeded).
pub async fn record_version(
    s: &Session,
    state: &State,
    (mode, changes, monthly_cost): (PlanMode, Changes, Option<f64>),
    target: Option<&Target<'_>>,
    out: &Output,
) {
    let recorded = match target {
        Some(t) => t.recorded.clone(),
        None => Recorded {
            files: config_texts(&s.ctx.tree, &s.sources),
            variables: s.ctx.vars.clone(),
        },
    };
    let previous = autostack_core::statefile::encode(&s.state, &s.schemas);
    let operation = match (target, mode) {
        (Some(_), _) => "rollback",
        (None, PlanMode::Destroy) => "destroy",
        (None, PlanMode::RefreshOnly) => "refresh",
        (None, PlanMode::Normal) => "apply",
    };
    let meta = Meta {
        serial: state.serial,
        previous_serial: s.state.serial,
        time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        who: autostack_state::LockInfo::new("", "").who,
        operation: operation.to_string(),
        added: changes.0,
        changed: changes.1,
        destroyed: changes.2,
        monthly_cost,
        rolled_back_to: target.map(|t| t.serial),
    };
    let keep = crate::costing::policies(&s.ctx.tree.module.dir)
        .ok()
        .flatten()
        .and_then(|p| p.history_keep)
        .unwrap_or(DEFAULT_KEEP);
    let body = encode_body(&recorded, &previous);
    if let Err(d) = s.backend.keep_version(&meta, &body, keep).await {
        out.diags(&as_warnings(d), &s.sources);
    }
}

fn as_warnings(d: Diagnostics) -> Diagnostics {
    let mut warnings = Diagnostics::new();
    for mut x in d {
        x.severity = Severity::Warning;
        warnings.push(x);
    }
    warnings
}

/// Undoes what a failed apply of `plan` did (it left `after`), journaled through `sink`,
/// and says what was undone and what could not be.
pub async fn roll_back(
    s: &Session,
    plan: &Plan,
    after: State,
    opts: ApplyOptions,
    sink: &dyn StateSink,
    out: &Output,
) -> Undone {
    if !out.json {
        println!("\nRolling back: this apply failed, so what it created is destroyed and what it updated in place is put back.\n");
    }
    let undone = undo(&s.ctx, plan, after, opts, sink).await;
    out.diags(&undone.diags, &s.sources);
    let summary = format!(
        "Rollback {}: {} destroyed, {} restored, {} not undone.",
        if undone.diags.has_errors() {
            "incomplete"
        } else {
            "complete"
        },
        undone.destroyed,
        undone.restored,
        undone.not_undone.len()
    );
    if out.json {
        let not_undone: Vec<_> = (undone.not_undone.iter())
            .map(|(addr, why)| json!({ "resource": addr.to_string(), "reason": why }))
            .collect();
        progress::emit(
            "info",
            &summary,
            "rollback_summary",
            json!({ "rollback": { "destroyed": undone.destroyed, "restored": undone.restored, "not_undone": not_undone } }),
        );
        return undone;
    }
    println!("\n{summary}");
    if !undone.not_undone.is_empty() {
        println!("\nNot undone (what this apply did that a rollback cannot reverse):");
        for (addr, why) in &undone.not_undone {
            println!("  - {addr}: {why}");
        }
    }
    undone
}
