//! Pricing plans with `autostack-cost`: the cost section of `plan`/`apply`, and the inputs of
//! `autostack cost` (a saved plan, a Terraform JSON plan, or a configuration alone).

use crate::commands::run::{Output, Session};
use crate::plan_input::{plan_input, Detail};
use autostack_core::plan::Plan;
use autostack_cost::report::table::{render_nothing_priced, render_section};
use autostack_cost::{Catalog, Estimator, PlanInput, PolicySet, Report};
use autostack_lang::Diagnostics;
use std::path::Path;

/// The report for an input priced with `catalog` (usually [`Catalog::effective`]).
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
    // Policies read every resource (tags, counts); without them inert types are left out.
    let policy_set = policies(&s.ctx.tree.module.dir).unwrap_or_else(|d| {
        out.diags(&d, &s.sources);
        None
    });
    let detail = match policy_set {
        Some(_) => Detail::Full,
        None => Detail::Section,
    };
    let (input, skipped) = plan_input(plan, &s.ctx.tree, detail);
    if input.resource_changes.is_empty() {
        // Nothing to price: the catalog is not even loaded.
        if skipped > 0 {
            println!("\n{}", render_nothing_priced(skipped).trim_end());
        }
        return 0;
    }
    for w in Catalog::effective_warnings() {
        eprintln!("Warning: local price catalog: {w}");
    }
    let mut report = report(&input, Catalog::effective());
    let violations = policy_set.map_or(0, |p| report.check(&p));
    println!();
    print!("{}", render_section(&report, skipped));
    if violations > 0 {
        eprintln!("\nError: {violations} budget or policy violation(s)\n");
        for v in &report.violations {
            eprintln!("  {v}");
        }
    }
    violations
}

/// The report a run-rate is taken from: the plan's resources as the cost section prices them
/// (types of no cloud left out); `None` when nothing is left to price, and the catalog is
/// then not even loaded, so recording the history costs an apply of free resources nothing.
pub fn run_rate_report(plan: &Plan, tree: &autostack_lang::config::ModuleTree) -> Option<Report> {
    let (input, _) = plan_input(plan, tree, Detail::Section);
    if input.resource_changes.is_empty() {
        return None;
    }
    Some(report(&input, Catalog::effective()))
}

/// The full cost report of a plan for pictures (every managed resource, as `autostack cost`
/// prices a saved plan), with how many of its resources are of a type no cloud charges for.
pub fn full_report(plan: &Plan, tree: &autostack_lang::config::ModuleTree) -> (Report, usize) {
    let (input, _) = plan_input(plan, tree, Detail::Full);
    let free = input
        .resource_changes
        .iter()
        .filter(|c| autostack_cost::is_inert(&c.type_name))
        .count();
    (report(&input, Catalog::effective()), free)
}
