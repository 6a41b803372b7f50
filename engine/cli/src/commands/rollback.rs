//! `autostack rollback [-to=SERIAL]`: plans the return to the desired configuration recorded
//! with an earlier state version (its files' texts and its variables, read in place of the
//! working directory's; nothing on disk is changed) and, on confirmation or with
//! `-auto-approve`, applies it. The version it writes records that configuration again, so
//! the next `state history` shows the rollback and where it returned to.

use super::apply::{confirm, execute, finish};
use super::apply_history::Target;
use super::run::{self, Output, Session};
use crate::args::{ApplyCmd, PlanArgs, RollbackCmd};
use crate::backend::Backend;
use crate::progress;
use crate::session::{self, error, load_config, load_config_with};
use crate::versions::{decode_body, Meta, Recorded};
use autostack_core::plan::{PlanMode, PlanOptions};
use autostack_lang::config::recorded::restoring_overlay;
use autostack_lang::Diagnostics;
use std::path::PathBuf;

/// Plans and applies the rollback: exit 0 when applied (or nothing to change), 1 on error
/// (a bad `-to` included) or when not approved.
pub async fn run(a: &RollbackCmd) -> u8 {
    let out = Output::new(a.json, a.no_color);
    if out.json {
        progress::emit_version();
    }
    let apply = apply_args(a);
    let (s, meta, recorded) = match open(a, &apply, &out).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    if !out.json {
        crate::meter::finish();
        println!(
            "Rolling back to state version {} ({} by {}, {}): planning the configuration and variables recorded with it; no file is changed.\n",
            meta.serial, meta.time, meta.who, meta.operation
        );
    }
    let mode = match meta.operation.as_str() {
        "destroy" => PlanMode::Destroy,
        _ => PlanMode::Normal,
    };
    let opts = PlanOptions {
        mode,
        ..PlanOptions::default()
    };
    let plan = match run::make_plan(&s, &opts, &out).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    crate::costing::plan_section(&plan, &s, a.no_cost, &out);
    if !plan.has_changes() {
        return finish(&s, &plan, None, &out, mode);
    }
    if !a.auto_approve && !confirm(mode, &out) {
        return 1;
    }
    let target = Target {
        serial: meta.serial,
        recorded: &recorded,
    };
    execute(&s, &plan, &apply, &out, mode, Some(&target)).await
}

/// The session of the rollback: the recorded configuration loaded in place of the working
/// directory's, with the recorded variables, and the state locked and read.
async fn open(
    a: &RollbackCmd,
    apply: &ApplyCmd,
    out: &Output,
) -> Result<(Session, Meta, Recorded), u8> {
    crate::meter::start("Loading configuration", !out.json);
    let current = load_config(&PathBuf::from(".")).map_err(|(sources, d)| {
        out.diags(&d, &sources);
        1u8
    })?;
    let (meta, recorded) = target(a, &current.tree.module).await.map_err(|d| {
        out.diags(&d, &current.sources);
        1u8
    })?;
    let overlay = restoring_overlay(&recorded.files, &current.tree);
    let loaded = load_config_with(&PathBuf::from("."), &overlay).map_err(|(sources, d)| {
        out.diags(&d, &sources);
        1u8
    })?;
    let vars = recorded.variables.clone();
    let op = "OperationTypeApply";
    let s = run::open_with_vars(loaded, vars, &apply.common, out, op).await?;
    Ok((s, meta, recorded))
}

/// The `apply` options the rollback applies with.
fn apply_args(a: &RollbackCmd) -> ApplyCmd {
    ApplyCmd {
        common: PlanArgs {
            json: a.json,
            no_color: a.no_color,
            lock: a.lock,
            lock_timeout: a.lock_timeout.clone(),
            parallelism: a.parallelism,
            state: a.state.clone(),
            no_cost: a.no_cost,
            input: Some(false),
            ..PlanArgs::default()
        },
        auto_approve: a.auto_approve,
        on_error: a.on_error,
        plan_file: None,
    }
}

/// The version to return to (`-to`, else the last one before the current state) and its
/// recorded configuration; a clear error when there is none.
async fn target(
    a: &RollbackCmd,
    module: &autostack_lang::config::Module,
) -> Result<(Meta, Recorded), Diagnostics> {
    let backend = Backend::from_config(module, a.state.as_deref()).await?;
    let versions = backend.versions().await?;
    if versions.is_empty() {
        return Err(error(
            "No state history",
            format!("No state versions are kept in {}: each successful apply records one, and there is none to roll back to.", backend.versions_location()),
        ));
    }
    let current = backend.read_document().await?.serial;
    let kept = || {
        let serials: Vec<String> = versions.iter().map(|m| m.serial.to_string()).collect();
        serials.join(", ")
    };
    let meta = match a.to {
        Some(to) => versions.iter().find(|m| m.serial == to).ok_or_else(|| {
            error(
                "Unknown state version",
                format!("-to={to}: no state version with serial {to} is kept. Kept versions: {} (see `autostack state history`).", kept()),
            )
        })?,
        None => versions.iter().rev().find(|m| m.serial < current).ok_or_else(|| {
            error(
                "No earlier state version",
                format!("The current state (serial {current}) has no earlier version kept to roll back to. Kept versions: {}.", kept()),
            )
        })?,
    };
    let body = backend.version_body(meta.serial).await?.ok_or_else(|| {
        error(
            "State version incomplete",
            format!(
                "The configuration recorded with version {} is missing from {}.",
                meta.serial,
                backend.versions_location()
            ),
        )
    })?;
    let recorded = decode_body(&body).map_err(|e| {
        session::error(
            "Invalid state version",
            format!("version {}: {e}", meta.serial),
        )
    })?;
    Ok((meta.clone(), recorded))
}
