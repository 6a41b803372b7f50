//! Pictures of a plan: the self-contained HTML report (`plan -html=FILE`, `show -html
//! PLANFILE`) and the resource graph as SVG or HTML (`graph -format=svg|html`).

pub mod cost;
pub mod diff;
pub mod graph;
pub mod html;
pub mod layout;

pub use html::{plan_page, ReportInput};

use crate::render::plan::BlockLookup;
use autostack_core::plan::Plan;
use autostack_lang::config::ModuleTree;
use autostack_lang::Diagnostics;

/// The HTML report of `plan` made from the configuration `tree` (priced unless `no_cost`).
pub fn plan_report(
    plan: &Plan,
    tree: &ModuleTree,
    lookup: BlockLookup<'_>,
    no_cost: bool,
    source: String,
) -> Result<String, Diagnostics> {
    let graph = autostack_core::graph::build(tree)?;
    let priced = (!no_cost).then(|| crate::costing::full_report(plan, tree));
    let input = ReportInput {
        graph: &graph,
        lookup,
        cost: priced.as_ref().map(|(r, free)| (r, *free)),
        source,
    };
    Ok(plan_page(plan, &input))
}
