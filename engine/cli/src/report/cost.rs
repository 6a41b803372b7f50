//! The cost section of the report: the plan's monthly cost before and after, the same
//! infrastructure on each cloud as bars, and the costliest resources. A resource whose price
//! is unknown is shown as unknown, never as $0, and every total says how many it leaves out.

use super::html::escape;
use autostack_cost::report::{Status, Total};
use autostack_cost::{fmt_delta, fmt_usd, Report};
use std::fmt::Write;

/// How many resources the table of costliest ones lists.
const TOP: usize = 25;

/// The cost section (`cost`: the report and how many free resources it left out).
pub fn cost_section(cost: Option<(&Report, usize)>) -> String {
    let Some((report, free)) = cost else {
        return r#"<section id="cost"><h2>Monthly cost</h2><p>The cost section is off (<code>-no-cost</code>).</p></section>"#.into();
    };
    let t = &report.total;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<section id="cost" data-before="{:.2}" data-after="{:.2}" data-delta="{:.2}" data-unpriced="{}"><h2>Monthly cost</h2><p class="total">{} → <b>{}</b> per month ({})</p><p class="note">{}Prices from {} (catalog of {}), USD, {} hours a month.</p>"#,
        t.before,
        t.after,
        t.delta,
        t.unpriced,
        fmt_usd(t.before),
        fmt_usd(t.after),
        fmt_delta(t.delta),
        left_out(t, free),
        escape(&report.catalog),
        escape(&report.catalog_date),
        report.hours_per_month,
    );
    out.push_str(&cloud_bars(report));
    out.push_str(&top_resources(report));
    out.push_str("</section>");
    out
}

/// "Leaves out N resources whose price is unknown." (or nothing when none is left out).
fn left_out(t: &Total, free: usize) -> String {
    let mut parts = Vec::new();
    if t.unpriced > 0 {
        parts.push(format!(
            "Leaves out {} resource{} whose price is unknown or only partly known. ",
            t.unpriced,
            if t.unpriced == 1 { "" } else { "s" }
        ));
    }
    if free > 0 {
        parts.push(format!(
            "{free} resource{} of no cloud cost nothing. ",
            if free == 1 { "" } else { "s" }
        ));
    }
    parts.concat()
}

/// One bar per cloud: the same infrastructure's monthly cost there.
fn cloud_bars(report: &Report) -> String {
    let max = report
        .totals
        .values()
        .map(|t| t.after.max(t.before))
        .fold(0.0, f64::max);
    let mut out =
        String::from(r#"<div class="clouds"><h3>The same infrastructure on each cloud</h3>"#);
    for (cloud, t) in &report.totals {
        let width = if max > 0.0 {
            100.0 * t.after / max
        } else {
            0.0
        };
        let cheapest = report.cheapest.as_ref().is_some_and(|c| c.cloud == *cloud);
        let _ = write!(
            out,
            r#"<div class="cloud{}" data-cloud="{cloud}" data-after="{:.2}" data-unpriced="{}"><span class="name">{cloud}</span><span class="bar"><i style="width:{width:.1}%"></i></span><span class="amount">{}{}</span></div>"#,
            if cheapest { " cheapest" } else { "" },
            t.after,
            t.unpriced,
            fmt_usd(t.after),
            match t.unpriced {
                0 => String::new(),
                n => format!(" · {n} not priced"),
            },
        );
    }
    out.push_str("</div>");
    out
}

/// The costliest resources after the change, with unknown prices said as such.
fn top_resources(report: &Report) -> String {
    // Resources of no cloud (random_*, terraform_data, ...) cost nothing and fill no row.
    let mut rows: Vec<_> = report
        .resources
        .iter()
        .filter(|r| r.cloud.is_some())
        .collect();
    let after = |r: &&autostack_cost::report::ResourceCost| r.monthly_cost.after.unwrap_or(-1.0);
    rows.sort_by(|a, b| after(b).total_cmp(&after(a)));
    let mut out = String::from(
        r#"<table class="top"><thead><tr><th>Resource</th><th>Cloud</th><th>Action</th><th>Before</th><th>After</th></tr></thead><tbody>"#,
    );
    for r in rows.iter().take(TOP) {
        let money = |x: Option<f64>| match (r.status, x) {
            (Status::Unpriced | Status::DependsOn, _) | (_, None) => "unknown".to_string(),
            (Status::Partial, Some(x)) => format!("≥ {} (partly priced)", fmt_usd(x)),
            (_, Some(x)) => fmt_usd(x),
        };
        let _ = write!(
            out,
            r#"<tr data-name="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            escape(&r.address),
            escape(&r.address),
            r.cloud.map(|c| c.to_string()).unwrap_or_default(),
            escape(&r.action),
            money(r.monthly_cost.before),
            money(r.monthly_cost.after),
        );
    }
    out.push_str("</tbody></table>");
    if rows.is_empty() {
        return r#"<p class="note">No resource of a cloud in this plan.</p>"#.into();
    }
    if rows.len() > TOP {
        let _ = write!(out, r#"<p class="note">and {} more.</p>"#, rows.len() - TOP);
    }
    out
}
