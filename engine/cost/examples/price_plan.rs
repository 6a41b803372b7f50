//! Prices a Terraform JSON plan (`terraform show -json plan.tfplan > plan.json`) from the command line.
//!
//! `cargo run -p autostack-cost --example price_plan -- PLAN.json [--usage FILE] [--policy FILE]
//! [--catalog FILE]... [--compare-to BASE_REPORT.json] [--format table|summary|json|markdown] [--group-by KEY]`
//!
//! Exit codes as the CLI will use them: 0 ok, 1 error, 3 budget/policy violation.

use autostack_cost::report::{json, markdown, table};
use autostack_cost::{load_plan_json, Catalog, Estimator, GroupBy, PolicySet, Report, Usage};
use std::path::PathBuf;

fn main() {
    match run() {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("Error: {e}");
            std::process::exit(1);
        }
    }
}

#[derive(Default)]
struct Args {
    plan: Option<PathBuf>,
    usage: Option<PathBuf>,
    policy: Option<PathBuf>,
    catalogs: Vec<PathBuf>,
    compare_to: Option<PathBuf>,
    format: String,
    group_by: Option<GroupBy>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        format: "table".to_string(),
        ..Args::default()
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--usage" => a.usage = Some(val()?.into()),
            "--policy" => a.policy = Some(val()?.into()),
            "--catalog" => a.catalogs.push(val()?.into()),
            "--compare-to" => a.compare_to = Some(val()?.into()),
            "--format" => a.format = val()?,
            "--group-by" => a.group_by = Some(val()?.parse()?),
            _ if a.plan.is_none() => a.plan = Some(arg.into()),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    Ok(a)
}

fn run() -> Result<i32, Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let plan = args.plan.ok_or("usage: price_plan PLAN.json [options]")?;
    let loaded;
    let catalog = if args.catalogs.is_empty() {
        Catalog::embedded()
    } else {
        loaded = Catalog::load(&args.catalogs)?;
        &loaded
    };
    let usage = match &args.usage {
        Some(p) => Usage::load(p)?,
        None => Usage::empty(),
    };
    let input = load_plan_json(&plan)?;
    let mut report = Estimator::new(catalog).with_usage(usage).estimate(&input);
    if let Some(base) = &args.compare_to {
        let base = Report::from_json(&std::fs::read_to_string(base)?)
            .map_err(|e| format!("{}: {e}", base.display()))?;
        report = report.compare_to(&base);
    }
    if let Some(p) = &args.policy {
        report.check(&PolicySet::load(p)?);
    }
    let out = match (args.format.as_str(), &args.group_by) {
        ("table", Some(g)) => table::render_groups(&report.group_by(g)),
        ("json", Some(g)) => json::render_groups(&report.group_by(g)),
        ("markdown", Some(g)) => markdown::render_groups(&report.group_by(g)),
        ("table", None) => table::render(&report),
        ("summary", None) => table::render_summary(&report),
        ("json", None) => json::render(&report),
        ("markdown", None) => markdown::render(&report),
        (f, _) => return Err(format!("unknown format {f}").into()),
    };
    print!("{out}");
    Ok(if report.violations.is_empty() {
        0
    } else {
        autostack_cost::EXIT_POLICY_VIOLATION
    })
}
