//! `autostack cost history` renderers: a table with a sparkline for terminals, JSON for
//! machines, Markdown for pull requests and a page with an SVG chart for people.

use crate::history::{sparkline, MonthSummary, RunRate};
use crate::util::fmt_usd;
use std::fmt::Write;

/// The terminal table: the month so far, the forecast, the run-rate over time.
pub fn table(history: &[RunRate], month: &MonthSummary) -> String {
    let mut out = summary_lines(month);
    if history.is_empty() {
        out.push_str("No apply has recorded a run-rate yet.\n");
        return out;
    }
    let rates: Vec<f64> = history.iter().map(|r| r.monthly).collect();
    let _ = writeln!(
        out,
        "Run-rate over {} applies: {}\n",
        history.len(),
        sparkline(&rates)
    );
    let _ = writeln!(
        out,
        "{:<22} {:>7} {:>14} {:>9}",
        "APPLIED (UTC)", "SERIAL", "PER MONTH", "UNPRICED"
    );
    for [time, serial, monthly, unpriced] in rows(history) {
        let _ = writeln!(out, "{time:<22} {serial:>7} {monthly:>14} {unpriced:>9}");
    }
    out
}

/// Each record's cells: when, serial, run-rate, unpriced count.
fn rows(history: &[RunRate]) -> impl Iterator<Item = [String; 4]> + '_ {
    history.iter().map(|r| {
        [
            r.time.format("%Y-%m-%d %H:%M").to_string(),
            r.serial.to_string(),
            fmt_usd(r.monthly),
            r.unpriced.to_string(),
        ]
    })
}

fn summary_lines(m: &MonthSummary) -> String {
    format!(
        "{}: {} so far ({:.0} % of the month), forecast {} at the current run-rate of {} a month.\n\n",
        m.month,
        fmt_usd(m.month_to_date),
        m.elapsed * 100.0,
        fmt_usd(m.forecast),
        fmt_usd(m.current),
    )
}

/// The history and the month as one JSON document.
pub fn json(history: &[RunRate], month: &MonthSummary) -> String {
    let doc = serde_json::json!({ "month": month, "history": history });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// A Markdown section for a pull-request comment.
pub fn markdown(history: &[RunRate], month: &MonthSummary) -> String {
    let mut out = format!("### Cost history\n\n{}", summary_lines(month));
    if !history.is_empty() {
        let rates: Vec<f64> = history.iter().map(|r| r.monthly).collect();
        let _ = writeln!(out, "Run-rate over time: `{}`\n", sparkline(&rates));
        out.push_str("| applied (UTC) | serial | per month | unpriced |\n|---|---:|---:|---:|\n");
        for [time, serial, monthly, unpriced] in rows(history) {
            let _ = writeln!(out, "| {time} | {serial} | {monthly} | {unpriced} |");
        }
    }
    out
}

/// A self-contained page with the run-rate as an SVG step chart.
pub fn html(history: &[RunRate], month: &MonthSummary) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>AutoStack cost history</title><style>body{{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}}svg{{background:#f6f8fa;border-radius:8px}}.line{{fill:none;stroke:#0969da;stroke-width:2}}.axis{{fill:#59636e;font-size:11px}}</style></head><body><h1>Cost history</h1><p id="month" data-month-to-date="{:.2}" data-forecast="{:.2}" data-current="{:.2}">{}</p>{}</body></html>"#,
        month.month_to_date,
        month.forecast,
        month.current,
        summary_lines(month).trim(),
        chart(history),
    )
}

/// The run-rate as a step line over time (constant between applies).
fn chart(history: &[RunRate]) -> String {
    const W: f64 = 720.0;
    const H: f64 = 240.0;
    const PAD: f64 = 40.0;
    let (Some(first), Some(last)) = (history.first(), history.last()) else {
        return "<p>No apply has recorded a run-rate yet.</p>".into();
    };
    let t0 = first.time.timestamp() as f64;
    let span = (last.time.timestamp() as f64 - t0).max(1.0);
    let top = history
        .iter()
        .map(|r| r.monthly)
        .fold(0.0, f64::max)
        .max(1.0);
    let x = |t: f64| PAD + (t - t0) / span * (W - 2.0 * PAD);
    let y = |v: f64| H - PAD - v / top * (H - 2.0 * PAD);
    let mut path = String::new();
    for (i, r) in history.iter().enumerate() {
        let (px, py) = (x(r.time.timestamp() as f64), y(r.monthly));
        if i == 0 {
            let _ = write!(path, "M{px:.1} {py:.1}");
        } else {
            let _ = write!(path, "H{px:.1}V{py:.1}");
        }
    }
    format!(
        r#"<svg id="chart" width="{W}" height="{H}" viewBox="0 0 {W} {H}" data-points="{}"><path class="line" d="{path}"/><text class="axis" x="{PAD}" y="{}">{}</text><text class="axis" x="{}" y="{}" text-anchor="end">{}</text><text class="axis" x="4" y="{}">{}</text></svg>"#,
        history.len(),
        H - 12.0,
        first.time.format("%Y-%m-%d"),
        W - PAD,
        H - 12.0,
        last.time.format("%Y-%m-%d"),
        PAD - 6.0,
        fmt_usd(top),
    )
}
