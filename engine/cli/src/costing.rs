//! Pricing plans with `autostack-cost`: the cost section of `plan`/`apply`, and the inputs of
//! `autostack cost` (a saved plan, a Terraform JSON plan, or a configuration alone).

use crate::commands::run::{Output, Session};
use autostack_core::jsonplan::plan_json;
use autostack_core::plan::Plan;
use autostack_cost::{Catalog, Estimator, PlanInput, PolicySet, Report};
use autostack_lang::Diagnostics;
use std::path::Path;

/// Prices a plan: the Terraform JSON plan is the one input format of the cost engine, so
/// AutoStack plans and Terraform plans are priced by the same code.
pub fn input_of(plan: &Plan, s: &Session) -> Result<PlanInput, Diagnostics> {
    let doc = plan_json(plan, &s.ctx.tree);
    autostack_cost::parse_plan_json("plan", &doc.to_string())
        .map_err(|e| crate::session::error("Failed to price the plan", e.to_string()))
}

/// The report for an input with the embedded catalog.
pub fn report(input: &PlanInput, catalog: &Catalog) -> Report {
    Estimator::new(catalog).estimate(input)
}

/// Budgets and policies in `autostack.hcl` beside the configuration, if any.
pub fn policies(dir: &Path) -> Result<Option<PolicySet>, Diagnostics> {
    PolicySet::load_dir(dir)
        .map_err(|e| crate::session::error("Invalid autostack.hcl", e.to_string()))
}

/// Prints the cost section after a plan (unless `-no-cost` or `-json`); returns the number
/// of broken budgets and policies.
pub fn plan_section(plan: &Plan, s: &Session, no_cost: bool, out: &Output) -> usize {
    if no_cost || out.json {
        return 0;
    }
    let input = match input_of(plan, s) {
        Ok(i) => i,
        Err(d) => {
            out.diags(&d, &s.sources);
            return 0;
        }
    };
    if input.resource_changes.is_empty() {
        return 0;
    }
    let mut report = report(&input, Catalog::embedded());
    let violations = match policies(&s.ctx.tree.module.dir) {
        Ok(Some(p)) => report.check(&p),
        Ok(None) => 0,
        Err(d) => {
            out.diags(&d, &s.sources);
            0
        }
    };
    println!();
    print!("{}", autostack_cost::report::table::render_summary(&report));
    if violations > 0 {
        eprintln!("\nError: {violations} budget or policy violation(s)\n");
        for v in &report.violations {
            eprintln!("  {v}");
        }
    }
    violations
}
