//! `autostack apply`, `destroy` and `refresh`.

use super::apply_history::{record_version, roll_back, Target};
use super::run::{self, Output, Session};
use crate::args::ApplyCmd;
use crate::args::OnError;
use crate::progress;
use autostack_core::apply::{apply as run_apply, ApplyOptions};
use autostack_core::plan::{Plan, PlanMode};
use autostack_core::planfile;
use autostack_cost::history::RunRate;
use autostack_lang::value::display::format_value;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};

/// Applies (a fresh plan, or a saved one); exit 0 on success, 1 on any error.
pub async fn run(a: &ApplyCmd, mode: PlanMode) -> u8 {
    let out = Output::new(a.common.json, a.common.no_color);
    if out.json {
        progress::emit_version();
    }
    let s = match run::open(&a.common, &out, "OperationTypeApply").await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = match &a.plan_file {
        Some(path) => match saved_plan(&s, path, &out) {
            Ok(p) => p,
            Err(code) => return code,
        },
        None => {
            let opts = match run::plan_options(&a.common, mode) {
                Ok(o) => o,
                Err(d) => {
                    out.diags(&d, &s.sources);
                    return 1;
                }
            };
            let plan = match run::make_plan(&s, &opts, &out).await {
                Ok(p) => p,
                Err(code) => return code,
            };
            crate::costing::plan_section(&plan, &s, a.common.no_cost, &out);
            if !plan.has_changes() {
                return finish(&s, &plan, None, &out, mode);
            }
            if !a.auto_approve && !confirm(mode, &out) {
                return 1;
            }
            plan
        }
    };
    let code = execute(&s, &plan, a, &out, mode, None).await;
    // Plain data the exit takes back at once (see `alloc::leave_to_exit`).
    crate::alloc::leave_to_exit(plan);
    code
}

fn saved_plan(s: &Session, path: &std::path::Path, out: &Output) -> Result<Plan, u8> {
    let fail = |detail: String| {
        out.diags(
            &crate::session::error("Failed to load saved plan", detail),
            &s.sources,
        );
        1
    };
    crate::meter::phase("Reading the saved plan");
    let text = crate::encryption::read_plan(path, &s.ctx.tree.module).map_err(|d| {
        out.diags(&d, &s.sources);
        1u8
    })?;
    let plan = planfile::read(&text, &s.ctx.tree, &s.schemas)
        .map_err(|e| fail(format!("{}: {}", path.display(), e.0)))?;
    drop(text);
    if plan.base_lineage != s.state.lineage
        && !s.state.lineage.is_empty()
        && !plan.base_lineage.is_empty()
        || plan.base_serial != s.state.serial
    {
        return Err(fail(format!(
            "Saved plan is stale: the state was changed by another operation after the plan was created (plan made at serial {}, state is now at serial {}). Create a new plan.",
            plan.base_serial, s.state.serial
        )));
    }
    Ok(plan)
}

/// Asks for the approval of the plan shown (on a terminal; refused elsewhere).
pub(super) fn confirm(mode: PlanMode, out: &Output) -> bool {
    if out.json || !std::io::stdin().is_terminal() {
        let _ = out;
        eprintln!("\nError: No configuration approval\n\nApply requires interactive approval, but standard input is not a terminal.\nUse -auto-approve to apply without confirmation.");
        return false;
    }
    let (q, what) = if mode == PlanMode::Destroy {
        ("Do you really want to destroy all resources?", "AutoStack will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm.")
    } else {
        ("Do you want to perform these actions?", "AutoStack will perform the actions described above.\n  Only 'yes' will be accepted to approve.")
    };
    print!("\n{q}\n  {what}\n\n  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    if line.trim() == "yes" {
        println!();
        true
    } else {
        let what = if mode == PlanMode::Destroy {
            "Destroy"
        } else {
            "Apply"
        };
        eprintln!("\n{what} cancelled.");
        false
    }
}

/// Applies `plan`: journaled, persisted, undone on failure under `-on-error=rollback`, and
/// recorded as a state version on success (`target`: a rollback's, whose configuration is
/// recorded rather than the loaded one).
pub(super) async fn execute(
    s: &Session,
    plan: &Plan,
    a: &ApplyCmd,
    out: &Output,
    mode: PlanMode,
    target: Option<&Target<'_>>,
) -> u8 {
    let mut journal = match s.backend.journal(&s.state, &s.schemas) {
        Ok(j) => j,
        Err(d) => {
            out.diags(&d, &s.sources);
            return 1;
        }
    };
    let flusher = s
        .backend
        .start_flusher(&s.state, &s.schemas, journal.lineage());
    if let Some(f) = &flusher {
        journal.tee(f.pending());
    }
    let opts = ApplyOptions {
        parallelism: a.common.parallelism.max(1),
        ..ApplyOptions::default()
    };
    // Progress goes to the session's event renderer (`s.ctx.events`), a line an operation:
    // the meter, which named the reading before, stops (it said "Reading state" throughout a
    // saved plan's apply).
    crate::meter::finish();
    let mut outcome = match run_apply(&s.ctx, plan, opts, &journal).await {
        Ok(o) => o,
        Err(d) => {
            out.diags(&d, &s.sources);
            return 1;
        }
    };
    let failed = outcome.diags.has_errors();
    if failed && a.on_error == OnError::Rollback {
        // The apply's errors first, then the undoing (journaled like the apply).
        out.diags(&std::mem::take(&mut outcome.diags), &s.sources);
        let undone = roll_back(s, plan, outcome.state, opts, &journal, out).await;
        outcome.state = undone.state;
    }
    if let Some(f) = flusher {
        f.finish().await;
    }
    let mut state = std::mem::take(&mut outcome.state);
    state.lineage = journal.lineage().to_string();
    state.serial = s.state.serial;
    if let Err(d) = s.backend.persist(&mut state, &s.schemas).await {
        out.diags(&d, &s.sources);
        return 1;
    }
    journal.finish();
    if failed {
        out.diags(&outcome.diags, &s.sources);
        return 1;
    }
    let code = succeeded(s, plan, a, (out, mode), target, &outcome, &state).await;
    crate::alloc::leave_to_exit(state);
    code
}

/// After a successful apply: its run-rate and its state version recorded, the summary.
async fn succeeded(
    s: &Session,
    plan: &Plan,
    a: &ApplyCmd,
    (out, mode): (&Output, PlanMode),
    target: Option<&Target<'_>>,
    outcome: &autostack_core::apply::ApplyOutcome,
    state: &autostack_core::state::State,
) -> u8 {
    let monthly_cost = match a.common.no_cost {
        true => None,
        false => record_run_rate(s, plan, state, out).await,
    };
    let changes = (outcome.added, outcome.changed, outcome.destroyed);
    record_version(s, state, (mode, changes, monthly_cost), target, out).await;
    out.diags(&outcome.diags, &s.sources);
    let counts = (
        outcome.added,
        outcome.changed,
        outcome.destroyed,
        outcome.migrated,
    );
    finish(s, plan, Some((counts, state)), out, mode)
}

/// Records the monthly run-rate the apply left in the state's history (what `cost history`
/// charts) and returns its monthly cost; a failure to record is a warning, the apply itself
/// succeeded.
async fn record_run_rate(
    s: &Session,
    plan: &Plan,
    state: &autostack_core::state::State,
    out: &Output,
) -> Option<f64> {
    let now = chrono::Utc::now();
    let rate = match crate::costing::run_rate_report(plan, &s.ctx.tree) {
        Some(report) => RunRate::after_apply(&report, now, state.serial),
        None => RunRate::nothing_priced(now, state.serial),
    }
    .with_changed(crate::drift::applied_addresses(plan));
    if let Err(d) = s.backend.append_history(rate.to_line().as_bytes()).await {
        let mut warnings = autostack_lang::Diagnostics::new();
        for mut x in d {
            x.severity = autostack_lang::Severity::Warning;
            warnings.push(x);
        }
        out.diags(&warnings, &s.sources);
    }
    Some(rate.monthly)
}

/// What an apply did: added, changed, destroyed, migrated.
type Counts = (usize, usize, usize, usize);

/// Prints the closing summary and outputs.
pub(super) fn finish(
    s: &Session,
    plan: &Plan,
    done: Option<(Counts, &autostack_core::state::State)>,
    out: &Output,
    mode: PlanMode,
) -> u8 {
    let ((added, changed, destroyed, migrated), state) = match done {
        Some((c, st)) => (c, st),
        None => ((0, 0, 0, 0), &s.state),
    };
    let imported = plan.counts().0;
    let msg = if migrated > 0 {
        // Moves between clouds are counted apart, as the plan's summary counts them.
        format!("Apply complete! Resources: {added} added, {changed} changed, {destroyed} destroyed, {migrated} migrated.")
    } else if mode == PlanMode::Destroy {
        format!("Destroy complete! Resources: {destroyed} destroyed.")
    } else if imported > 0 {
        format!("Apply complete! Resources: {imported} imported, {added} added, {changed} changed, {destroyed} destroyed.")
    } else {
        format!(
            "Apply complete! Resources: {added} added, {changed} changed, {destroyed} destroyed."
        )
    };
    if out.json {
        progress::emit(
            "info",
            &msg,
            "change_summary",
            json!({ "changes": { "add": added, "change": changed, "import": imported, "remove": destroyed, "operation": if mode == PlanMode::Destroy { "destroy" } else { "apply" } } }),
        );
        let outputs: serde_json::Map<String, serde_json::Value> = state.outputs.iter().map(|(n, o)| (n.clone(), json!({ "sensitive": o.sensitive, "type": autostack_lang::value::json::type_json(&o.value.ty()), "value": if o.sensitive { serde_json::Value::Null } else { autostack_core::jsonplan::known_json(&o.value) } }))).collect();
        progress::emit(
            "info",
            &format!("Outputs: {}", outputs.len()),
            "outputs",
            json!({ "outputs": outputs }),
        );
        return 0;
    }
    let text = if out.color {
        format!("\x1b[1m\x1b[32m{msg}\x1b[0m")
    } else {
        msg
    };
    println!("\n{text}");
    if mode != PlanMode::Destroy && !state.outputs.is_empty() {
        println!("\nOutputs:\n");
        for (n, o) in &state.outputs {
            let v = if o.sensitive {
                "<sensitive>".to_string()
            } else {
                format_value(&o.value, 0)
            };
            println!("{n} = {v}");
        }
    }
    0
}
