//! `autostack cost`: price a configuration, a saved plan, or a Terraform JSON plan, as a
//! table, JSON or a Markdown pull-request comment; exit 3 when a budget or policy breaks.

use crate::args::CostArgs;
use crate::costing;
use crate::plan_input::{plan_input, Detail};
use crate::session::{self, Schemas};
use crate::ui;
use autostack_core::planfile;
use autostack_cost::{Catalog, Estimator, PlanInput, Report, Usage, EXIT_POLICY_VIOLATION};
use autostack_lang::Diagnostics;
use std::path::PathBuf;
use std::sync::Arc;

fn fail(d: &Diagnostics) -> u8 {
    ui::print_diags(d, &Default::default(), ui::color_stderr(false));
    1
}

fn err(summary: &str, e: impl std::fmt::Display) -> Diagnostics {
    session::error(summary, e.to_string())
}

/// The priced input: `-plan-json`, `-plan`, or the configuration in DIR priced as if created.
fn input(a: &CostArgs, dir: &std::path::Path) -> Result<PlanInput, Diagnostics> {
    if let Some(p) = &a.plan_json {
        return autostack_cost::load_plan_json(p)
            .map_err(|e| err("Failed to read the JSON plan", e));
    }
    let loaded = session::load_config(dir).map_err(|(_, d)| d)?;
    if let Some(p) = &a.plan {
        let text = crate::encryption::read_plan(p, &loaded.tree.module)?;
        let schemas = Schemas::new(Arc::new(session::Builtins));
        let plan = planfile::read(&text, &loaded.tree, &schemas)
            .map_err(|e| err("Invalid plan file", e.0))?;
        return Ok(plan_input(&plan, &loaded.tree, Detail::Full).0);
    }
    crate::config_cost::config_input(&loaded)
}

/// Runs the command.
pub fn run(a: &CostArgs) -> u8 {
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let input = match input(a, &dir) {
        Ok(i) => i,
        Err(d) => return fail(&d),
    };
    let owned;
    let catalog: &Catalog = match &a.catalog {
        Some(path) => match Catalog::load(std::slice::from_ref(path)) {
            Ok(c) => {
                owned = c;
                &owned
            }
            Err(e) => return fail(&err("Invalid price catalog", e)),
        },
        None => {
            for w in Catalog::effective_warnings() {
                eprintln!("Warning: local price catalog: {w}");
            }
            Catalog::effective()
        }
    };
    let mut est = Estimator::new(catalog).with_hints(!a.no_hints);
    let usage_path = a
        .usage
        .clone()
        .or_else(|| Some(dir.join("autostack-usage.yml")).filter(|p| p.exists()));
    if let Some(u) = usage_path {
        match Usage::load(&u) {
            Ok(u) => est = est.with_usage(u),
            Err(e) => return fail(&err("Invalid usage file", e)),
        }
    }
    let mut report = est.estimate(&input);
    if let Some(base) = &a.compare_to {
        let text = match std::fs::read_to_string(base) {
            Ok(t) => t,
            Err(e) => {
                return fail(&err(
                    "Failed to read the base report",
                    format!("{}: {e}", base.display()),
                ))
            }
        };
        match Report::from_json(&text) {
            Ok(b) => report = report.compare_to(&b),
            Err(e) => return fail(&err("Invalid base report", e)),
        }
    }
    let violations = match costing::policies(&dir) {
        Ok(Some(p)) => report.check(&p),
        Ok(None) => 0,
        Err(d) => return fail(&d),
    };
    let text = match (a.format.as_str(), &a.group_by) {
        (f, Some(g)) => {
            let by = match g.parse::<autostack_cost::GroupBy>() {
                Ok(b) => b,
                Err(e) => return fail(&err("Invalid -group-by", e)),
            };
            let rows = report.group_by(&by);
            match f {
                "json" => autostack_cost::report::json::render_groups(&rows),
                "markdown" => autostack_cost::report::markdown::render_groups(&rows),
                _ => autostack_cost::report::table::render_groups(&rows),
            }
        }
        ("json", None) => autostack_cost::report::json::render(&report),
        ("markdown", None) => autostack_cost::report::markdown::render(&report),
        ("table", None) => autostack_cost::report::table::render(&report),
        (other, None) => {
            return fail(&err(
                "Invalid -format",
                format!("{other:?}: use table, json or markdown"),
            ))
        }
    };
    print!("{text}");
    if violations > 0 {
        EXIT_POLICY_VIOLATION as u8
    } else {
        0
    }
}
