//! `autostack state history [-json]`: the kept state versions, oldest first: serial, when,
//! who, what the apply changed, the monthly cost after it. The current version is marked.

use crate::args::StateHistoryArgs;
use crate::backend::Backend;
use crate::session;
use crate::ui;
use crate::versions::Meta;
use std::path::PathBuf;

/// Runs the command: exit 0, or 1 when the history cannot be read.
pub async fn run(a: &StateHistoryArgs) -> u8 {
    let fail = |d: autostack_lang::Diagnostics| {
        ui::print_diags(&d, &Default::default(), ui::color_stderr(false));
        1
    };
    let module = session::load_config(&PathBuf::from("."))
        .map(|l| l.tree.module)
        .unwrap_or_default();
    let backend = match Backend::from_config(&module, a.state.as_deref()).await {
        Ok(b) => b,
        Err(d) => return fail(d),
    };
    let versions = match backend.versions().await {
        Ok(v) => v,
        Err(d) => return fail(d),
    };
    let current = match backend.read_document().await {
        Ok(doc) => doc.serial,
        Err(d) => return fail(d),
    };
    if a.json {
        let doc = serde_json::json!({
            "current_serial": current,
            "location": backend.versions_location(),
            "versions": versions,
        });
        println!("{doc}");
        return 0;
    }
    if versions.is_empty() {
        println!("No state versions are kept yet: each successful apply records one.");
        return 0;
    }
    print!("{}", table(&versions, current));
    0
}

/// The versions as a text table.
fn table(versions: &[Meta], current: u64) -> String {
    let rows: Vec<[String; 6]> = versions
        .iter()
        .map(|m| {
            let serial = match m.serial == current {
                true => format!("{} (current)", m.serial),
                false => m.serial.to_string(),
            };
            let operation = match m.rolled_back_to {
                Some(to) => format!("rollback to {to}"),
                None => m.operation.clone(),
            };
            let cost = m
                .monthly_cost
                .map_or_else(|| "-".to_string(), |c| format!("${c:.2}/mo"));
            let changes = format!(
                "{} added, {} changed, {} destroyed",
                m.added, m.changed, m.destroyed
            );
            [
                serial,
                m.time.clone(),
                m.who.clone(),
                operation,
                changes,
                cost,
            ]
        })
        .collect();
    let head = [
        "SERIAL",
        "TIME",
        "WHO",
        "OPERATION",
        "CHANGES",
        "MONTHLY COST",
    ];
    let mut widths = head.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = (cells.iter().zip(widths))
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&head.map(String::from));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}
