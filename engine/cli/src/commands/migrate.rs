//! `autostack migrate -to=CLOUD [-region=R] [-write]`: the plan of moving every portable
//! resource to another cloud, made from the configuration as the rewrite would leave it
//! (nothing is written), or, with `-write`, that rewrite written in place.

use super::run::{self, Output};
use crate::args::MigrateCmd;
use crate::migrate::{self, Rewrite, Target};
use crate::session::{self, load_config, load_config_with};
use autostack_core::jsonplan::plan_json;
use autostack_core::plan::PlanMode;
use std::path::PathBuf;

/// Plans (exit 0, 2 with `-detailed-exitcode` when there are changes) or writes (exit 0);
/// 1 on error.
pub async fn run(a: &MigrateCmd) -> u8 {
    let out = Output::new(false, a.common.no_color || a.common.json);
    let Some(target) = Target::parse(&a.to) else {
        let d = session::error(
            "Invalid -to",
            format!(
                "{:?} is not a cloud: use -to=aws, -to=gcp or -to=azure.",
                a.to
            ),
        );
        out.diags(&d, &Default::default());
        return 1;
    };
    if a.common.destroy || a.common.refresh_only {
        let d = session::error(
            "Invalid option",
            "migrate plans the move of the stack: -destroy and -refresh-only do not apply.",
        );
        out.diags(&d, &Default::default());
        return 1;
    }
    crate::meter::start("Loading configuration", !a.common.json && !a.write);
    let dir = PathBuf::from(".");
    let loaded = match load_config(&dir) {
        Ok(l) => l,
        Err((sources, d)) => {
            out.diags(&d, &sources);
            return 1;
        }
    };
    let rewrite = match migrate::prepare(&loaded.tree, target, a.region.as_deref(), a.write) {
        Ok(r) => r,
        Err(d) => {
            out.diags(&d, &loaded.sources);
            return 1;
        }
    };
    if a.write {
        return write(&rewrite, &out);
    }
    plan(a, &rewrite, &out).await
}

/// Plans the configuration as rewritten and prints the plan and the migration summary.
async fn plan(a: &MigrateCmd, rw: &Rewrite, out: &Output) -> u8 {
    let loaded = match load_config_with(&PathBuf::from("."), &rw.overlay()) {
        Ok(l) => l,
        Err((sources, d)) => {
            out.diags(&d, &sources);
            return 1;
        }
    };
    let opts = match run::plan_options(&a.common, PlanMode::Normal) {
        Ok(o) => o,
        Err(d) => {
            out.diags(&d, &Default::default());
            return 1;
        }
    };
    let mut s = match run::open_loaded(loaded, &a.common, out, "OperationTypePlan").await {
        Ok(s) => s,
        Err(code) => return code,
    };
    if a.common.json {
        s.ctx.events = std::sync::Arc::new(autostack_core::events::Silent);
    }
    let plan = match run::compute_plan(&s, &opts, out).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    if a.common.json {
        crate::meter::finish();
        let mut doc = plan_json(&plan, &s.ctx.tree);
        autostack_core::jsonredact::redact_document(&mut doc);
        println!("{doc}");
    } else {
        println!(
            "Planning the move of this stack to {} ({}{}): no file is changed.\n",
            rw.target.cloud,
            rw.region,
            rw.alias_regions()
        );
        run::report_plan(&plan, out, &s.schemas);
        print!("{}", migrate::report::summary(&plan, &s.ctx.tree, rw));
        if crate::costing::plan_section(&plan, &s, a.common.no_cost, out) > 0 {
            return autostack_cost::EXIT_POLICY_VIOLATION as u8;
        }
        println!(
            "\n{}\n\nTo make this move, run `autostack migrate -to={} -write` (it rewrites the provider\nblocks and bindings in the .tf files), then `autostack apply`.",
            crate::render::RULE,
            rw.target.cloud
        );
    }
    if a.detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    }
}

/// Writes the rewritten files and says what changed.
fn write(rw: &Rewrite, out: &Output) -> u8 {
    if rw.is_noop() {
        println!(
            "No changes: the configuration is already rewritten for {} ({}).",
            rw.target.cloud, rw.region
        );
        return 0;
    }
    for f in rw.files.iter().filter(|f| f.before != f.after) {
        if let Err(e) = std::fs::write(&f.path, &f.after) {
            let d = session::error("Failed to write file", format!("{}: {e}", f.name));
            out.diags(&d, &Default::default());
            return 1;
        }
        for n in &f.notes {
            println!("  {n}");
        }
    }
    let from: Vec<&str> = rw.from.iter().map(|c| c.as_str()).collect();
    println!(
        "\nRewrote the configuration for {} ({}; {}{}): {} portable resource(s) now bound to {}.\nRun `autostack plan` to see the move, then `autostack apply` to make it. Once it is applied,\nthe {} provider block can be deleted (nothing is left on that cloud for it to manage{}).",
        rw.target.cloud,
        rw.region,
        rw.how,
        rw.alias_regions(),
        rw.moving.len(),
        rw.target.local,
        from.join(", "),
        match rw.staying.is_empty() {
            true => String::new(),
            false => format!(" except {} non-portable resource(s), which keep it", rw.staying.len()),
        }
    );
    0
}
