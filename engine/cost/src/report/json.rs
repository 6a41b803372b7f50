//! JSON renderer: the report as pretty-printed `autostack.cost/v1` JSON.

use super::{GroupRow, Report};

/// The report as pretty JSON (with a trailing newline).
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Chargeback rows as pretty JSON.
pub fn render_groups(rows: &[GroupRow]) -> String {
    let mut s =
        serde_json::to_string_pretty(rows).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
