//! The three faces of a drift report: a table for people, a JSON document for programs, and
//! Markdown fit for a GitHub issue body (with a hidden marker a workflow finds it by).

use super::Style;
use crate::drift::{AttrDrift, CostEffect, DriftReport, DriftedResource, LastApplied, Shown};
use autostack_cost::{fmt_delta, fmt_usd};
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// The hidden comment that opens every Markdown report: a scheduled workflow finds the issue
/// it opened before by it and updates that one.
pub const MARKER: &str = "<!-- autostack:drift-report -->";

/// The JSON document's format version.
pub const FORMAT_VERSION: &str = "1.0";

/// The headline: how many drifted of how many checked.
fn headline(r: &DriftReport) -> String {
    if r.resources.is_empty() {
        return match r.checked {
            0 => "No drift: the state holds no resources.".into(),
            1 => "No drift: the 1 resource in the state matches its remote object.".into(),
            n => format!("No drift: the {n} resources in the state match their remote objects."),
        };
    }
    let deleted = r.resources.iter().filter(|x| x.deleted).count();
    let changed = r.resources.len() - deleted;
    format!(
        "Drift: {} of {} resource{} changed outside AutoStack ({changed} changed, {deleted} deleted).",
        r.resources.len(),
        r.checked,
        if r.checked == 1 { "" } else { "s" }
    )
}

/// `$7.59 -> $30.37 (+$22.78)`.
fn cost_line(c: &CostEffect, arrow: &str) -> String {
    format!(
        "{} {arrow} {} ({})",
        fmt_usd(c.before),
        fmt_usd(c.after),
        fmt_delta(c.delta())
    )
}

/// True when a resource costs something before or after (free types get no cost line).
fn has_cost(c: &CostEffect) -> bool {
    c.before.abs() >= 0.005 || c.after.abs() >= 0.005
}

/// `2024-05-01 12:00:00 UTC (the apply that wrote state serial 4)`.
fn when(l: &LastApplied) -> String {
    match l.time {
        Some(t) => format!(
            "{} ({})",
            t.format("%Y-%m-%d %H:%M:%S UTC"),
            l.source.describe()
        ),
        None => format!("unknown ({})", l.source.describe()),
    }
}

fn status(r: &DriftedResource) -> &'static str {
    if r.deleted {
        "has been deleted"
    } else {
        "has changed"
    }
}

/// The report as a table for a terminal.
pub fn table(r: &DriftReport, style: &Style) -> String {
    let mut out = format!("{}\n", style.bold(&headline(r)));
    if let Some(c) = &r.cost {
        let _ = writeln!(out, "Monthly cost effect: {}", cost_line(c, "->"));
    }
    for res in &r.resources {
        out.push('\n');
        let head = format!("# {} {}", res.address, status(res));
        let _ = writeln!(out, "{}", style.bold(&head));
        let _ = writeln!(out, "  Last applied: {}", when(&res.last_applied));
        if let Some(c) = res.monthly.as_ref().filter(|c| has_cost(c)) {
            let _ = writeln!(out, "  Monthly cost: {}", cost_line(c, "->"));
        }
        out.push('\n');
        out.push_str(&attr_table(res, style));
    }
    out
}

/// The attribute rows of one resource: path, value in state, value now (a deleted one has
/// no "now" column: everything it recorded is gone).
fn rows(res: &DriftedResource) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = match res.deleted {
        true => vec!["ATTRIBUTE", "IN STATE"],
        false => vec!["ATTRIBUTE", "IN STATE", "NOW"],
    };
    let rows = (res.attributes.iter())
        .map(|a| match res.deleted {
            true => vec![a.path.clone(), a.before.text()],
            false => vec![a.path.clone(), a.before.text(), a.after.text()],
        })
        .collect();
    (header, rows)
}

fn attr_table(res: &DriftedResource, style: &Style) -> String {
    let (header, rows) = rows(res);
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            (rows.iter().chain([&header]))
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: &[String]| {
        let cells: Vec<String> = (r.iter().zip(&widths))
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        format!("  {}", cells.join("  ").trim_end())
    };
    let mut out = format!("{}\n", style.comment(&line(&header)));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    out
}

/// The report as Markdown: a summary line, then a table per resource.
pub fn markdown(r: &DriftReport) -> String {
    let mut out = format!("{MARKER}\n## AutoStack drift report\n\n");
    let _ = writeln!(out, "**{}**", headline(r));
    if let Some(c) = &r.cost {
        let _ = writeln!(out, "\nMonthly cost effect: **{}**", cost_line(c, "→"));
    }
    for res in &r.resources {
        let what = if res.deleted { "deleted" } else { "changed" };
        let _ = writeln!(out, "\n### `{}` {what}\n", res.address);
        let _ = write!(out, "Last applied: {}", when(&res.last_applied));
        if let Some(c) = res.monthly.as_ref().filter(|c| has_cost(c)) {
            let _ = write!(out, " · monthly cost: {}", cost_line(c, "→"));
        }
        match res.deleted {
            true => out.push_str("\n\n| Attribute | In state |\n|---|---|\n"),
            false => out.push_str("\n\n| Attribute | In state | Now |\n|---|---|---|\n"),
        }
        for a in &res.attributes {
            let mut cells = vec![code(&a.path), md_value(&a.before)];
            if !res.deleted {
                cells.push(md_value(&a.after));
            }
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    let _ = writeln!(
        out,
        "\n<sub>Workspace `{}` checked at {} by `autostack drift`.</sub>",
        r.workspace,
        r.checked_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    out
}

fn md_value(v: &Shown) -> String {
    match v {
        Shown::Value(_) => code(&v.text()),
        other => format!("_{}_", other.text()),
    }
}

/// Inline code that survives any content: pipes escaped for tables, backticks fenced.
fn code(s: &str) -> String {
    let s = s.replace('|', "\\|");
    let mut fence = String::from("`");
    while s.contains(fence.as_str()) {
        fence.push('`');
    }
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// The report as one JSON document.
pub fn json(r: &DriftReport) -> String {
    let cost = |c: &Option<CostEffect>| match c {
        // Rounded as the cost reports round, so sums print without binary noise.
        Some(c) => {
            json!({ "before": usd(c.before), "after": usd(c.after), "delta": usd(c.delta()) })
        }
        None => Json::Null,
    };
    let resources: Vec<Json> = r
        .resources
        .iter()
        .map(|res| {
            json!({
                "address": res.address,
                "type": res.type_name,
                "status": if res.deleted { "deleted" } else { "changed" },
                "last_applied": {
                    "time": res.last_applied.time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                    "source": res.last_applied.source.name(),
                    "detail": res.last_applied.source.describe(),
                },
                "monthly_cost": cost(&res.monthly),
                "attributes": res.attributes.iter().map(attr_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let deleted = r.resources.iter().filter(|x| x.deleted).count();
    let doc = json!({
        "format_version": FORMAT_VERSION,
        "workspace": r.workspace,
        "checked_at": r.checked_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "drift": !r.resources.is_empty(),
        "summary": {
            "checked": r.checked,
            "drifted": r.resources.len(),
            "changed": r.resources.len() - deleted,
            "deleted": deleted,
            "monthly_cost": cost(&r.cost),
            "currency": "USD",
        },
        "resources": resources,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

fn usd(x: f64) -> f64 {
    (x * 1_000_000.0).round() / 1_000_000.0
}

fn attr_json(a: &AttrDrift) -> Json {
    let value = |v: &Shown| match v {
        Shown::Value(j) => j.clone(),
        _ => Json::Null,
    };
    json!({
        "path": a.path,
        "before": value(&a.before),
        "after": value(&a.after),
        "before_absent": a.before == Shown::Absent,
        "after_absent": a.after == Shown::Absent,
        "sensitive": a.before == Shown::Sensitive || a.after == Shown::Sensitive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_pipes_and_backticks() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`q"), "`` `q ``");
    }
}
