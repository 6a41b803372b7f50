//! The shared pipeline of plan, apply and destroy: load, lock, read state, plan, render.

use crate::args::PlanArgs;
use crate::backend::{Backend, LockGuard};
use crate::progress::{self, Progress};
use crate::render::{write_plan, Style};
use crate::session::{self, Schemas};
use crate::ui;
use autostack_core::addrs::parse_instance;
use autostack_core::context::Context;
use autostack_core::plan::{Plan, PlanMode, PlanOptions};
use autostack_core::state::State;
use autostack_lang::diag::Sources;
use autostack_lang::{Diagnostic, Diagnostics};
use serde_json::json;
use std::path::PathBuf;

/// Everything a command holds while it works.
pub struct Session {
    /// The engine context.
    pub ctx: Context,
    /// Sources for diagnostics.
    pub sources: Sources,
    /// State storage.
    pub backend: Backend,
    /// Held for the whole command.
    pub _lock: Option<LockGuard>,
    /// The state as read.
    pub state: State,
    /// Schema lookups for state encoding.
    pub schemas: Schemas,
}

/// How a command reports.
#[derive(Clone, Copy)]
pub struct Output {
    /// `-json` stream.
    pub json: bool,
    /// Colors.
    pub color: bool,
}

impl Output {
    /// From the common flags.
    pub fn new(json: bool, no_color: bool) -> Self {
        Output {
            json,
            color: !json && ui::color_stdout(no_color),
        }
    }

    /// Reports diagnostics (human on stderr, or JSON lines).
    pub fn diags(&self, d: &Diagnostics, sources: &Sources) {
        if !d.is_empty() {
            crate::meter::finish();
        }
        if self.json {
            for x in d {
                let level = if x.is_error() { "error" } else { "warn" };
                let sev = if x.is_error() { "Error" } else { "Warning" };
                progress::emit(
                    level,
                    &format!("{sev}: {}", x.summary),
                    "diagnostic",
                    json!({ "diagnostic": autostack_lang::diag::render_json(x, sources) }),
                );
            }
        } else {
            ui::print_diags(d, sources, ui::color_stderr(!self.color));
        }
    }

    /// The apply progress observer for the resources of `tree`.
    pub fn progress(&self, tree: &autostack_lang::config::ModuleTree) -> Progress {
        if self.json {
            Progress::Json(crate::progress::bindings(tree))
        } else {
            Progress::Human { color: self.color }
        }
    }
}

/// Loads configuration, variables and state (locking it unless `-lock=false`).
pub async fn open(a: &PlanArgs, out: &Output, operation: &str) -> Result<Session, u8> {
    crate::meter::start("Loading configuration", !out.json);
    let dir = PathBuf::from(".");
    let loaded = match session::load_config(&dir) {
        Ok(l) => l,
        Err((sources, d)) => {
            out.diags(&d, &sources);
            return Err(1);
        }
    };
    open_loaded(loaded, a, out, operation).await
}

/// [`open`] for a configuration already loaded (`migrate` plans a rewritten one).
pub async fn open_loaded(
    loaded: session::Loaded,
    a: &PlanArgs,
    out: &Output,
    operation: &str,
) -> Result<Session, u8> {
    let vars = match session::variables(&loaded, &a.vars, a.input.unwrap_or(true)) {
        Ok(v) => v,
        Err(d) => {
            out.diags(&d, &loaded.sources);
            return Err(1);
        }
    };
    open_with_vars(loaded, vars, a, out, operation).await
}

/// [`open_loaded`] with the input variables given (`rollback` plans recorded ones).
pub async fn open_with_vars(
    loaded: session::Loaded,
    vars: std::collections::HashMap<String, autostack_lang::Value>,
    a: &PlanArgs,
    out: &Output,
    operation: &str,
) -> Result<Session, u8> {
    let (mut ctx, sources) = session::context(loaded, vars);
    ctx.events = std::sync::Arc::new(out.progress(&ctx.tree));
    ctx.limits = match crate::plugins::limits(&ctx.tree.module.dir) {
        Ok(l) => std::sync::Arc::new(l),
        Err(d) => {
            out.diags(&d, &sources);
            return Err(1);
        }
    };
    let backend = match Backend::from_config(&ctx.tree.module, a.state.as_deref()).await {
        Ok(b) => b,
        Err(d) => {
            out.diags(&d, &sources);
            return Err(1);
        }
    };
    let lock = if a.lock.unwrap_or(true) {
        match backend.lock(operation, a.lock_timeout()).await {
            Ok(g) => Some(g),
            Err(d) => {
                out.diags(&d, &sources);
                return Err(1);
            }
        }
    } else {
        None
    };
    let schemas = Schemas::new(ctx.resolver.clone());
    crate::meter::phase("Reading state");
    let mut state = match backend.load(&schemas).await {
        Ok((s, recovered)) => {
            if recovered > 0 && !out.json {
                println!("Recovered {recovered} resource operation(s) from an interrupted apply (state journal replayed).\n", recovered = recovered);
            }
            s
        }
        Err(d) => {
            out.diags(&d, &sources);
            return Err(1);
        }
    };
    if let Err(d) = resolve_intents(&ctx, &backend, &schemas, &mut state, out).await {
        out.diags(&d, &sources);
        return Err(1);
    }
    Ok(Session {
        ctx,
        sources,
        backend,
        _lock: lock,
        state,
        schemas,
    })
}

/// Resolves the creates a killed apply left pending (each through its provider's `recover`)
/// and records what they made; fails when some cannot be resolved yet, since planning then
/// could create a second object.
async fn resolve_intents(
    ctx: &Context,
    backend: &Backend,
    schemas: &Schemas,
    state: &mut State,
    out: &Output,
) -> Result<(), Diagnostics> {
    let intents = backend.pending_intents();
    if intents.is_empty() {
        return Ok(());
    }
    let rec = autostack_core::apply::recover(ctx, state, &intents).await;
    backend
        .settle_intents(state, schemas, &rec.unresolved)
        .await?;
    if !out.json {
        println!(
            "Resolved {} create(s) interrupted by a crash: {} object(s) found and recorded in the state.\n",
            intents.len() - rec.unresolved.len(),
            rec.recorded
        );
    }
    if rec.unresolved.is_empty() {
        return Ok(());
    }
    let mut d = rec.diags;
    d.push(Diagnostic::error(
        "Interrupted creates could not be resolved",
        format!(
            "{} create(s) of an interrupted apply may have made objects that the state does not hold ({}); they stay in the state journal until a command can look them up through their providers.",
            rec.unresolved.len(),
            rec.unresolved
                .iter()
                .map(|&i| intents[i].addr.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None,
    ));
    Err(d)
}

/// The plan options of the command line.
pub fn plan_options(a: &PlanArgs, mode: PlanMode) -> Result<PlanOptions, Diagnostics> {
    let mut replace = Vec::new();
    for r in &a.replace {
        replace
            .push(parse_instance(r).map_err(|e| session::error("Invalid replace address", e.0))?);
    }
    let mode = if a.destroy {
        PlanMode::Destroy
    } else if a.refresh_only {
        PlanMode::RefreshOnly
    } else {
        mode
    };
    Ok(PlanOptions {
        mode,
        skip_refresh: !a.refresh.unwrap_or(true),
        targets: a.target.clone(),
        replace,
    })
}

/// Plans and reports the plan; `Err(exit code)` on failure.
pub async fn make_plan(s: &Session, opts: &PlanOptions, out: &Output) -> Result<Plan, u8> {
    let plan = compute_plan(s, opts, out).await?;
    report_plan(&plan, out, &s.schemas);
    Ok(plan)
}

/// [`make_plan`] without printing the plan (the caller prints it with [`report_plan`]).
pub async fn compute_plan(s: &Session, opts: &PlanOptions, out: &Output) -> Result<Plan, u8> {
    plan_state(s, s.state.clone(), opts, out).await
}

/// [`compute_plan`] of `prior`, handed over: for a command that needs the state read only
/// to plan it (`plan`), so that the walk takes it instead of a copy.
pub async fn plan_state(
    s: &Session,
    prior: autostack_core::state::State,
    opts: &PlanOptions,
    out: &Output,
) -> Result<Plan, u8> {
    // Refreshes and planned changes are reported through the engine's events.
    crate::meter::phase("Planning");
    let plan = match autostack_core::plan::plan_owned(&s.ctx, prior, opts).await {
        Ok(p) => p,
        Err(d) => {
            out.diags(&d, &s.sources);
            return Err(1);
        }
    };
    out.diags(&plan.warnings, &s.sources);
    Ok(plan)
}

/// Prints a plan (human) or its change_summary message (JSON; each planned_change message
/// came as the engine planned it).
pub fn report_plan(plan: &Plan, out: &Output, schemas: &Schemas) {
    crate::meter::finish();
    if out.json {
        let (imp, add, change, destroy) = plan.counts();
        let msg = crate::render::summary_line(plan, &Style { color: false });
        progress::emit(
            "info",
            &msg,
            "change_summary",
            json!({ "changes": { "add": add, "change": change, "import": imp, "remove": destroy, "operation": "plan" } }),
        );
    } else {
        use std::io::Write as _;
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let style = Style { color: out.color };
        // A reader that went away (a closed pipe) is no error of the plan's.
        let _ = write_plan(plan, &style, &|c| schemas.block_for(c), &mut stdout)
            .and_then(|()| stdout.flush());
    }
}
