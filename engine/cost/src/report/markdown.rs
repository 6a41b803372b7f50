//! Markdown renderer: a pull-request comment.

use super::{Component, GroupRow, Report, ResourceCost};
use crate::util::{fmt_delta, fmt_qty, fmt_unit_price, fmt_usd};
use std::fmt::Write;

/// Escapes text for a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn opt_usd(x: Option<f64>) -> String {
    x.map_or_else(|| "?".to_string(), fmt_usd)
}

fn opt_delta(b: Option<f64>, a: Option<f64>) -> String {
    match (b, a) {
        (Some(b), Some(a)) => fmt_delta(a - b),
        _ => "?".to_string(),
    }
}

/// The report as a PR comment: totals, per-resource table, per-cloud comparison, collapsed details.
pub fn render(report: &Report) -> String {
    let mut out = String::from("## AutoStack cost estimate\n\n");
    let t = &report.total;
    let _ = writeln!(
        out,
        "**Monthly cost: {} → {} ({})**{}\n",
        fmt_usd(t.before),
        fmt_usd(t.after),
        fmt_delta(t.delta),
        if t.unpriced > 0 {
            format!(" · {} resource(s) not fully priced", t.unpriced)
        } else {
            String::new()
        }
    );
    out.push_str(&resource_table(report));
    out.push_str(&cloud_table(report));
    out.push_str(&violations(report));
    out.push_str(&details(report));
    let _ = writeln!(
        out,
        "\n<sub>USD list prices (on-demand, Linux), {} hours/month. Catalog dated {} ({}); oldest price used: {}. Each component names the date of its price.</sub>",
        fmt_qty(report.hours_per_month),
        report.catalog_date,
        report.catalog,
        oldest_used(report).unwrap_or_else(|| "none".to_string())
    );
    out
}

fn oldest_used(report: &Report) -> Option<String> {
    report
        .resources
        .iter()
        .flat_map(|r| r.components.iter())
        .filter_map(|c| c.source_date.clone())
        .min()
}

fn resource_table(report: &Report) -> String {
    let shown: Vec<&ResourceCost> = report
        .resources
        .iter()
        .filter(|r| r.action != "no-op" || r.monthly_cost.after.unwrap_or(0.0) > 0.0)
        .collect();
    if shown.is_empty() {
        return "No resources to price.\n\n".to_string();
    }
    let mut out = String::from("| Resource | Action | Where | Before | After | Delta | Status |\n|---|---|---|--:|--:|--:|---|\n");
    for r in shown {
        let place = match (&r.cloud, &r.region) {
            (Some(c), Some(reg)) => format!("{c} {reg}"),
            (Some(c), None) => c.to_string(),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            cell(&r.address),
            r.action,
            place,
            opt_usd(r.monthly_cost.before),
            opt_usd(r.monthly_cost.after),
            opt_delta(r.monthly_cost.before, r.monthly_cost.after),
            r.status.as_str().replace('_', " ")
        );
    }
    out.push('\n');
    out
}

fn cloud_table(report: &Report) -> String {
    let mut out = String::from("### The same infrastructure on each cloud\n\n| | Before | After | Delta | Not fully priced |\n|---|--:|--:|--:|--:|\n");
    let row = |name: String, t: &super::Total| {
        format!(
            "| {name} | {} | {} | {} | {} |\n",
            fmt_usd(t.before),
            fmt_usd(t.after),
            fmt_delta(t.delta),
            t.unpriced
        )
    };
    out.push_str(&row("Plan as written".to_string(), &report.total));
    for (c, t) in &report.totals {
        let name = if report.cheapest.as_ref().is_some_and(|ch| ch.cloud == *c) {
            format!("**All on {c}** (cheapest)")
        } else {
            format!("All on {c}")
        };
        out.push_str(&row(name, t));
    }
    if let Some(ch) = &report.cheapest {
        let _ = write!(
            out,
            "\nCheapest: **{}** at {}/month",
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
        out.push_str(".\n");
        if let Some(n) = &ch.note {
            let _ = writeln!(out, "> Note: {}.", cell(n));
        }
    }
    out.push('\n');
    out
}

fn violations(report: &Report) -> String {
    if report.violations.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "### :x: {} budget/policy violation(s)\n\n",
        report.violations.len()
    );
    for v in &report.violations {
        let _ = writeln!(
            out,
            "- **{} `{}`** (`{}`): {}",
            v.kind,
            cell(&v.name),
            v.rule,
            cell(&v.message)
        );
    }
    out.push('\n');
    out
}

fn details(report: &Report) -> String {
    let mut out =
        String::from("<details><summary>Details: components, equivalents and hints</summary>\n\n");
    for r in &report.resources {
        if r.components.is_empty() && r.equivalents.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### `{}`\n", r.address);
        if let Some(why) = &r.reason {
            let _ = writeln!(
                out,
                "_{}: {}_\n",
                r.status.as_str().replace('_', " "),
                cell(why)
            );
        }
        out.push_str(&components(&r.components));
        for (c, e) in &r.equivalents {
            let what = match (&e.sku, &e.region) {
                (Some(s), Some(reg)) => format!("`{s}` in {reg}"),
                _ => "no equivalent".to_string(),
            };
            let cost = super::cost_change(&e.monthly_cost);
            let why = e
                .reason
                .as_deref()
                .map(|w| format!(" ({}: {w})", e.status.as_str().replace('_', " ")))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- ≈ **{c}**: {what}, {cost}/month — {}{}",
                cell(&e.rule),
                cell(&why)
            );
        }
        out.push('\n');
    }
    if !report.hints.is_empty() {
        out.push_str("#### Hints\n\n");
        for h in &report.hints {
            let addr = h
                .address
                .as_deref()
                .map(|a| format!("`{a}`: "))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- save **{}/month**: {addr}{}",
                fmt_usd(h.monthly_saving),
                cell(&h.message)
            );
        }
        out.push('\n');
    }
    out.push_str("</details>\n");
    out
}

fn components(cs: &[Component]) -> String {
    if cs.is_empty() {
        return String::new();
    }
    let mut out = String::from("| Component | Quantity | Unit price | Monthly | Price date | Note |\n|---|--:|--:|--:|---|---|\n");
    for c in cs {
        let qty = c
            .quantity
            .map_or("?".to_string(), |q| format!("{} {}", fmt_qty(q), c.unit));
        let _ = writeln!(
            out,
            "| {} | {qty} | {} | {} | {} | {} |",
            cell(&c.name),
            c.unit_price.map_or("-".to_string(), fmt_unit_price),
            opt_usd(c.monthly_cost),
            c.source_date.as_deref().unwrap_or("-"),
            cell(c.reason.as_deref().unwrap_or(""))
        );
    }
    out.push('\n');
    out
}

/// Chargeback rows as a Markdown table.
pub fn render_groups(rows: &[GroupRow]) -> String {
    let mut out = String::from("| Group | Resources | Before | After | Delta | Not fully priced |\n|---|--:|--:|--:|--:|--:|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&r.key),
            r.resources,
            fmt_usd(r.before),
            fmt_usd(r.after),
            fmt_delta(r.delta),
            r.unpriced
        );
    }
    out
}
