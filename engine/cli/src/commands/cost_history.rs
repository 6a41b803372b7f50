//! `autostack cost history`: the monthly run-rate each successful apply recorded in the
//! state's history, the spend of the month so far and its month-end forecast, checked
//! against the forecast budgets of `autostack.hcl` (a broken one exits 3, as in `cost`).

use crate::args::CostHistoryArgs;
use crate::backend::Backend;
use crate::session;
use crate::ui;
use autostack_cost::history::{parse_records, summarize};
use autostack_cost::history_render as render;
use std::path::PathBuf;

/// Runs the command.
pub async fn run(a: &CostHistoryArgs) -> u8 {
    let sources = autostack_lang::diag::Sources::new();
    let fail = |d: autostack_lang::Diagnostics| {
        ui::print_diags(&d, &sources, ui::color_stderr(false));
        1
    };
    let module = session::load_config(&PathBuf::from("."))
        .map(|l| l.tree.module)
        .unwrap_or_default();
    let backend = match Backend::from_config(&module, a.state.as_deref()).await {
        Ok(b) => b,
        Err(d) => return fail(d),
    };
    let records = match backend.history().await {
        Ok(r) => r,
        Err(d) => return fail(d),
    };
    let history = parse_records(records.iter().map(Vec::as_slice));
    let month = summarize(&history, chrono::Utc::now());
    let page = match a.format.as_str() {
        "json" => render::json(&history, &month),
        "markdown" => render::markdown(&history, &month),
        "html" => render::html(&history, &month),
        _ => render::table(&history, &month),
    };
    println!("{}", page.trim_end());
    let policies = match crate::costing::policies(&module.dir) {
        Ok(p) => p,
        Err(d) => return fail(d),
    };
    let broken = policies
        .map(|p| p.check_forecast(&month))
        .unwrap_or_default();
    if broken.is_empty() {
        return 0;
    }
    eprintln!("\nError: {} budget violation(s)\n", broken.len());
    for v in &broken {
        eprintln!("  {v}");
    }
    autostack_cost::EXIT_POLICY_VIOLATION as u8
}
