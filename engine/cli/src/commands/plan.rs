//! `autostack plan`.

use super::run::{self, Output};
use crate::args::PlanCmd;
use crate::progress;
use autostack_core::plan::PlanMode;
use autostack_core::planfile;

/// Plans; exit 0 (or 2 with `-detailed-exitcode` when there are changes), 1 on error.
pub async fn run(a: &PlanCmd) -> u8 {
    let out = Output::new(a.common.json, a.common.no_color);
    if out.json {
        progress::emit_version();
    }
    let opts = match run::plan_options(&a.common, PlanMode::Normal) {
        Ok(o) => o,
        Err(d) => {
            out.diags(&d, &Default::default());
            return 1;
        }
    };
    let mut s = match run::open(&a.common, &out, "OperationTypePlan").await {
        Ok(s) => s,
        Err(code) => return code,
    };
    // The plan keeps the state it was made from (refreshed), so the session's is handed over.
    let prior = std::mem::take(&mut s.state);
    // Nothing follows the plan but its output: the walk's data is left to the exit.
    autostack_core::teardown::leave_garbage_to_exit();
    let plan = match run::plan_state(&s, prior, &opts, &out).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    let encryptor = match a
        .out
        .as_ref()
        .map(|_| crate::encryption::plan_encryptor(&s.ctx.tree.module))
    {
        Some(Err(d)) => {
            out.diags(&d, &s.sources);
            return 1;
        }
        Some(Ok(e)) => e,
        None => None,
    };
    // The saved plan is written on another thread while the plan and its cost are printed.
    let (written, violations) = std::thread::scope(|scope| {
        let writer = a.out.as_deref().map(|path| {
            scope.spawn(|| write_plan(path, &plan, &s.ctx.tree, &s.schemas, encryptor.as_deref()))
        });
        run::report_plan(&plan, &out, &s.schemas);
        let violations = crate::costing::plan_section(&plan, &s, a.common.no_cost, &out);
        let written = writer.map(|w| {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the writer panicked")))
        });
        (written, violations)
    });
    if let Some(path) = &a.out {
        if let Some(Err(e)) = written {
            out.diags(
                &crate::session::error(
                    "Failed to write plan file",
                    format!("{}: {e}", path.display()),
                ),
                &s.sources,
            );
            return 1;
        }
        if !out.json {
            println!("\n{}\n\nSaved the plan to: {}\n\nTo perform exactly these actions, run the following command to apply:\n    autostack apply {:?}", crate::render::RULE, path.display(), path.display().to_string());
        }
    } else if !out.json && plan.has_changes() {
        println!("\n{}\n\nNote: You didn't use the -out option to save this plan, so AutoStack can't\nguarantee to take exactly these actions if you run \"autostack apply\" now.", crate::render::RULE);
    }
    if let Some(path) = &a.html {
        let page = crate::report::plan_report(
            &plan,
            &s.ctx.tree,
            &|c| s.schemas.block_for(c),
            a.common.no_cost,
            std::env::current_dir().map_or_else(|_| ".".into(), |d| d.display().to_string()),
        );
        let written = page.and_then(|p| {
            std::fs::write(path, p).map_err(|e| {
                crate::session::error("Failed to write report", format!("{}: {e}", path.display()))
            })
        });
        if let Err(d) = written {
            out.diags(&d, &s.sources);
            return 1;
        }
    }
    let code = if violations > 0 {
        autostack_cost::EXIT_POLICY_VIOLATION as u8
    } else if a.detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    };
    crate::alloc::leave_to_exit(plan);
    code
}

/// Streams the saved plan to `path` through a writer thread, or writes it encrypted by `encryptor`
/// (the `plan` target of the `encryption` block) in one piece.
fn write_plan(
    path: &std::path::Path,
    plan: &autostack_core::plan::Plan,
    tree: &autostack_lang::config::ModuleTree,
    schemas: &crate::session::Schemas,
    encryptor: Option<&dyn autostack_state::Encryptor>,
) -> std::io::Result<()> {
    if let Some(enc) = encryptor {
        let mut plain = Vec::new();
        planfile::write_to(plan, tree, schemas, &mut plain)?;
        let sealed = enc.encrypt(plain).map_err(std::io::Error::other)?;
        return std::fs::write(path, sealed);
    }
    // Encoding here, the system calls on a thread of their own.
    let mut w = autostack_state::local::handoff::Handoff::new(std::fs::File::create(path)?)?;
    planfile::write_to(plan, tree, schemas, &mut w)?;
    w.finish().map(drop)
}
