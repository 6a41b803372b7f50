//! Table renderer: aligned plain text for terminals.

use super::{Equivalent, GroupRow, Report, ResourceCost, Total};
use crate::catalog::Cloud;
use crate::util::{fmt_delta, fmt_qty, fmt_unit_price, fmt_usd};
use std::fmt::Write;

/// Left-aligns text columns and right-aligns the columns listed in `right`.
pub(crate) fn align(rows: &[Vec<String>], right: &[usize]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if c > 0 {
                line.push_str("  ");
            }
            if right.contains(&c) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn opt_usd(x: Option<f64>) -> String {
    x.map_or_else(|| "?".to_string(), fmt_usd)
}

fn opt_delta(before: Option<f64>, after: Option<f64>) -> String {
    match (before, after) {
        (Some(b), Some(a)) => fmt_delta(a - b),
        _ => "?".to_string(),
    }
}

/// The report as an aligned text table with components, equivalents, totals and hints.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "Monthly cost estimate (USD, {} hours/month; catalog {}, {})\n\n",
        fmt_qty(report.hours_per_month),
        report.catalog_date,
        report.catalog
    );
    let mut rows = vec![[
        "RESOURCE", "ACTION", "CLOUD", "REGION", "BEFORE", "AFTER", "DELTA", "STATUS",
    ]
    .map(String::from)
    .to_vec()];
    for r in &report.resources {
        rows.push(resource_row(r));
    }
    out.push_str(&align(&rows, &[4, 5, 6]));
    let details: String = report.resources.iter().map(details).collect();
    if !details.is_empty() {
        out.push('\n');
        out.push_str(&details);
    }
    out.push('\n');
    out.push_str(&totals(report));
    if !report.hints.is_empty() {
        out.push_str("\nHints:\n");
        for h in &report.hints {
            let addr = h
                .address
                .as_deref()
                .map(|a| format!("{a}: "))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  - save {}/month: {addr}{}",
                fmt_usd(h.monthly_saving),
                h.message
            );
        }
    }
    if !report.violations.is_empty() {
        out.push_str("\nBudget and policy violations:\n");
        for v in &report.violations {
            let _ = writeln!(out, "  ✗ {v}");
        }
    }
    out
}

/// The cost section of a plan in which no resource has a cost to show (`free` resources, all
/// free of charge): one line, instead of an empty table.
pub fn render_nothing_priced(free: usize) -> String {
    let why = match free {
        0 => String::new(),
        1 => " (1 resource, free of charge)".to_string(),
        n => format!(" ({n} resources, all free of charge)"),
    };
    format!("Cost (USD per month): nothing in this plan is priced{why}.\n")
}

/// A compact cost section for `plan` / `apply`: one line per resource with its cost on every
/// cloud (its own, and its equivalents), then the totals.
pub fn render_summary(report: &Report) -> String {
    render_section(report, 0)
}

/// [`render_summary`] for a report whose caller left out `skipped` free resources: when no
/// resource has a cost to show, one line says so instead of an empty table.
pub fn render_section(report: &Report, skipped: usize) -> String {
    let shown = report
        .resources
        .iter()
        .filter(|r| r.status != super::Status::Free)
        .count();
    if shown == 0 {
        return render_nothing_priced(skipped + report.resources.len());
    }
    let mut out = format!(
        "Cost (USD per month; catalog {}; ≈ = equivalent on that cloud):

",
        report.catalog_date
    );
    let mut rows = vec![[
        "RESOURCE", "BEFORE", "AFTER", "DELTA", "AWS", "AZURE", "GCP",
    ]
    .map(String::from)
    .to_vec()];
    for r in report
        .resources
        .iter()
        .filter(|r| r.status != super::Status::Free)
    {
        let (b, a) = (r.monthly_cost.before, r.monthly_cost.after);
        let own = format!("{}{}", opt_usd(a), partly(r.status, a));
        let mut row = vec![r.address.clone(), opt_usd(b), own.clone(), opt_delta(b, a)];
        for c in Cloud::ALL {
            row.push(match r.equivalents.get(&c) {
                _ if r.cloud == Some(c) => own.clone(),
                Some(e) => {
                    let after = e.monthly_cost.after;
                    format!("≈{}{}", opt_usd(after), partly(e.status, after))
                }
                None => "-".to_string(),
            });
        }
        rows.push(row);
    }
    out.push_str(&align(&rows, &[1, 2, 3, 4, 5, 6]));
    out.push('\n');
    out.push_str(&totals(report));
    out
}

/// `*` when an amount is known but leaves out unpriced components.
fn partly(status: super::Status, amount: Option<f64>) -> &'static str {
    let incomplete = matches!(status, super::Status::Partial | super::Status::DependsOn);
    if incomplete && amount.is_some() {
        "*"
    } else {
        ""
    }
}

fn resource_row(r: &ResourceCost) -> Vec<String> {
    vec![
        r.address.clone(),
        r.action.clone(),
        r.cloud.map_or("-".to_string(), |c| c.to_string()),
        r.region.clone().unwrap_or_else(|| "-".to_string()),
        opt_usd(r.monthly_cost.before),
        opt_usd(r.monthly_cost.after),
        opt_delta(r.monthly_cost.before, r.monthly_cost.after),
        r.status.as_str().to_string(),
    ]
}

fn details(r: &ResourceCost) -> String {
    if r.components.is_empty() && r.equivalents.is_empty() && r.reason.is_none() {
        return String::new();
    }
    let mut out = format!("{}\n", r.address);
    if let Some(why) = &r.reason {
        let _ = writeln!(out, "    {}: {why}", r.status.as_str());
    }
    for c in &r.components {
        let qty = c.quantity.map_or("?".to_string(), fmt_qty);
        let line = match (c.unit_price, c.monthly_cost) {
            (Some(p), Some(m)) => format!(
                "{qty} {} × {} = {} (price of {})",
                c.unit,
                fmt_unit_price(p),
                fmt_usd(m),
                c.source_date.as_deref().unwrap_or("?")
            ),
            _ => format!(
                "{}: {}",
                c.status.as_str(),
                c.reason.as_deref().unwrap_or("")
            ),
        };
        let _ = writeln!(out, "    {}  {line}", c.name);
        if let (Some(why), Some(_)) = (&c.reason, c.monthly_cost) {
            let _ = writeln!(out, "      note: {why}");
        }
    }
    for (cloud, e) in &r.equivalents {
        out.push_str(&equivalent_line(*cloud, e));
    }
    out
}

fn equivalent_line(cloud: Cloud, e: &Equivalent) -> String {
    let what = match (&e.sku, &e.region) {
        (Some(s), Some(r)) => format!("{s} in {r}"),
        _ => "no equivalent".to_string(),
    };
    let cost = super::cost_change(&e.monthly_cost);
    let why = e
        .reason
        .as_deref()
        .map(|r| format!(" [{}: {r}]", e.status.as_str()))
        .unwrap_or_default();
    format!("    ≈ {cloud}: {what}, {cost}/month — {}{why}\n", e.rule)
}

fn total_row(name: String, t: &Total) -> Vec<String> {
    vec![
        name,
        fmt_usd(t.before),
        fmt_usd(t.after),
        fmt_delta(t.delta),
        t.unpriced.to_string(),
    ]
}

fn totals(report: &Report) -> String {
    let mut rows = vec![["TOTAL", "BEFORE", "AFTER", "DELTA", "NOT FULLY PRICED"]
        .map(String::from)
        .to_vec()];
    rows.push(total_row("plan as written".to_string(), &report.total));
    for (c, t) in &report.totals {
        rows.push(total_row(format!("all on {c}"), t));
    }
    let mut out = align(&rows, &[1, 2, 3, 4]);
    if let Some(ch) = &report.cheapest {
        let _ = write!(
            out,
            "\nCheapest: {} at {}/month",
            ch.cloud,
            fmt_usd(ch.monthly_cost)
        );
        if ch.saving > 0.0 {
            let _ = write!(
                out,
                ", saving {}/month against the plan as written",
                fmt_usd(ch.saving)
            );
        }
        out.push('\n');
        if let Some(n) = &ch.note {
            let _ = writeln!(out, "  note: {n}");
        }
    }
    out
}

/// Chargeback rows as an aligned table.
pub fn render_groups(rows: &[GroupRow]) -> String {
    let mut t = vec![[
        "GROUP",
        "RESOURCES",
        "BEFORE",
        "AFTER",
        "DELTA",
        "NOT FULLY PRICED",
    ]
    .map(String::from)
    .to_vec()];
    for r in rows {
        t.push(vec![
            r.key.clone(),
            r.resources.to_string(),
            fmt_usd(r.before),
            fmt_usd(r.after),
            fmt_delta(r.delta),
            r.unpriced.to_string(),
        ]);
    }
    align(&t, &[1, 2, 3, 4, 5])
}
