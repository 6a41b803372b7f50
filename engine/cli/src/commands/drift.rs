//! `autostack drift`: a refresh-only plan reported as drift (see [`crate::drift`]).
//!
//! Exit codes: 1 on error; otherwise 0, or with `-detailed-exitcode` 2 when something
//! drifted (as `plan -detailed-exitcode` exits 2 on changes).

use super::run::{self, Output, Session};
use crate::args::DriftArgs;
use crate::drift::{drifted, set_costs, CostEffect, DriftReport, Past};
use crate::plan_input::{plan_input, Detail};
use autostack_core::plan::{Plan, PlanMode};
use autostack_cost::history::parse_records;
use autostack_cost::Catalog;
use autostack_lang::config::Mode;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Runs the command.
pub async fn run(a: &DriftArgs) -> u8 {
    let out = Output::new(false, a.no_color);
    let common = a.plan_args();
    let opts = match run::plan_options(&common, PlanMode::RefreshOnly) {
        Ok(o) => o,
        Err(d) => {
            out.diags(&d, &Default::default());
            return 1;
        }
    };
    let mut s = match run::open(&common, &out, "OperationTypePlan").await {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Stdout carries the report alone (a Markdown issue body, a JSON document): no
    // "Refreshing state..." lines; the progress meter still runs on stderr.
    s.ctx.events = Arc::new(autostack_core::events::Silent);
    let plan = match run::compute_plan(&s, &opts, &out).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    crate::meter::finish();
    let report = report(&s, &plan, !a.no_cost).await;
    let page = match a.format.as_str() {
        "json" => crate::render::drift::json(&report),
        "markdown" => crate::render::drift::markdown(&report),
        _ => crate::render::drift::table(&report, &crate::render::Style { color: out.color }),
    };
    print!("{page}");
    if a.detailed_exitcode && !report.resources.is_empty() {
        2
    } else {
        0
    }
}

/// The report of a refresh-only `plan` made in session `s`.
async fn report(s: &Session, plan: &Plan, priced: bool) -> DriftReport {
    let past = past(s).await;
    let mut resources: Vec<_> = (plan.drift.iter())
        .map(|c| drifted(c, s.schemas.block_for(c).as_ref(), &past))
        .collect();
    resources.sort_by(|x, y| x.address.cmp(&y.address));
    let cost = match priced {
        true => set_costs(&mut resources, &drift_costs(plan, &s.ctx.tree)),
        false => None,
    };
    let checked = (s.state.instances.keys())
        .filter(|a| a.resource.mode == Mode::Managed)
        .count();
    DriftReport {
        workspace: s.ctx.workspace.clone(),
        checked_at: chrono::Utc::now(),
        checked,
        resources,
        cost,
    }
}

/// The history records and, for a local state, when its file was last written. An
/// unreadable history is no reason to fail a drift check: the times are then less precise.
async fn past(s: &Session) -> Past {
    let records = s.backend.history().await.unwrap_or_default();
    let state_written = match s.backend.is_remote() {
        true => None,
        false => std::fs::metadata(s.backend.location(&s.ctx.workspace))
            .and_then(|m| m.modified())
            .ok()
            .map(chrono::DateTime::<chrono::Utc>::from),
    };
    Past {
        records: parse_records(records.iter().map(Vec::as_slice)),
        state_written,
    }
}

/// The monthly cost of each drifted instance as the state records it and as it is now,
/// priced as the plan's cost section prices changes (instances of no priced type left out;
/// the catalog is not loaded when none is left).
fn drift_costs(
    plan: &Plan,
    tree: &autostack_lang::config::ModuleTree,
) -> BTreeMap<String, CostEffect> {
    let as_changes = Plan {
        mode: plan.mode,
        changes: plan.drift.iter().cloned().map(Box::new).collect(),
        drift: Vec::new(),
        outputs: BTreeMap::new(),
        prior: Default::default(),
        base_serial: plan.base_serial,
        base_lineage: plan.base_lineage.clone(),
        variables: plan.variables.clone(),
        warnings: Default::default(),
        function_results: Vec::new(),
    };
    let (input, _) = plan_input(&as_changes, tree, Detail::Section);
    if input.resource_changes.is_empty() {
        return BTreeMap::new();
    }
    for w in Catalog::effective_warnings() {
        eprintln!("Warning: local price catalog: {w}");
    }
    let report = crate::costing::report(&input, Catalog::effective());
    (report.resources.iter())
        .filter(|r| r.monthly_cost.before.is_some() || r.monthly_cost.after.is_some())
        .map(|r| {
            let m = &r.monthly_cost;
            let effect = CostEffect {
                before: m.before.unwrap_or(0.0),
                after: m.after.unwrap_or(0.0),
            };
            (r.address.clone(), effect)
        })
        .collect()
}
