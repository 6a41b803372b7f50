//! `autostack fmt`: rewrite configuration files in the canonical style.

use crate::args::FmtArgs;
use crate::ui;
use autostack_lang::diag::{Diagnostic, Diagnostics, Sources};
use autostack_lang::fmt::format_source;
use autostack_lang::syntax::parse_file;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Result of formatting one input.
enum Outcome {
    Unchanged,
    Changed,
}

/// Formats the targets; exit 0, 2 on syntax errors, 3 with `-check` when something differs.
pub fn run(a: &FmtArgs) -> u8 {
    let sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut changed = false;
    let targets = if a.targets.is_empty() {
        vec![".".to_string()]
    } else {
        a.targets.clone()
    };
    for t in &targets {
        if t == "-" {
            let mut text = String::new();
            if std::io::stdin().read_to_string(&mut text).is_err() {
                diags.push(Diagnostic::error(
                    "Failed to read standard input",
                    "Standard input is not valid UTF-8 text.",
                    None,
                ));
                continue;
            }
            match format_one("<stdin>", &text, &sources) {
                Ok(out) => {
                    changed |= out != text;
                    if !a.check || a.diff {
                        print_output(a, "<stdin>", &text, &out);
                    }
                }
                Err(d) => diags.extend(d),
            }
            continue;
        }
        let path = PathBuf::from(t);
        let files = if path.is_dir() {
            collect(&path, a.recursive)
        } else {
            vec![path]
        };
        for f in files {
            match process_file(a, &f, &sources) {
                Ok(Outcome::Changed) => changed = true,
                Ok(Outcome::Unchanged) => {}
                Err(d) => diags.extend(d),
            }
        }
    }
    if diags.has_errors() {
        ui::print_diags(&diags, &sources, ui::color_stderr(a.no_color));
        return 2;
    }
    if a.check && changed {
        3
    } else {
        0
    }
}

fn print_output(a: &FmtArgs, name: &str, old: &str, new: &str) {
    if a.diff {
        print!("{}", unified_diff(name, old, new));
    } else {
        print!("{new}");
    }
    let _ = std::io::stdout().flush();
}

fn process_file(a: &FmtArgs, f: &Path, sources: &Sources) -> Result<Outcome, Diagnostics> {
    let name = f.to_string_lossy().trim_start_matches("./").to_string();
    let bytes = std::fs::read(f).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Failed to read file",
            format!("{name}: {e}"),
            None,
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostics::from(Diagnostic::error(
            "Invalid character encoding",
            format!("The file {name} is not valid UTF-8."),
            None,
        ))
    })?;
    let out = format_one(&name, &text, sources)?;
    if out == text {
        return Ok(Outcome::Unchanged);
    }
    if a.list {
        println!("{name}");
    }
    if a.write && !a.check {
        std::fs::write(f, &out).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Failed to write file",
                format!("{name}: {e}"),
                None,
            ))
        })?;
    }
    if a.diff {
        print!("{}", unified_diff(&name, &text, &out));
    }
    Ok(Outcome::Changed)
}

/// Checks syntax with the real parser, then formats.
fn format_one(name: &str, text: &str, sources: &Sources) -> Result<String, Diagnostics> {
    let file = sources.add(name.to_string(), text.to_string());
    parse_file(&file)?;
    format_source(text).map_err(|e| {
        let pos = autostack_lang::diag::Pos {
            line: e.line as u32,
            column: e.column as u32,
            byte: 0,
        };
        let range = autostack_lang::Range {
            filename: file.name.clone(),
            start: pos,
            end: pos,
        };
        Diagnostics::from(Diagnostic::error(
            "Invalid syntax",
            e.message.clone(),
            Some(range),
        ))
    })
}

fn collect(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if p.is_dir() {
            if recursive && !name.starts_with('.') {
                out.extend(collect(&p, true));
            }
        } else if name.ends_with(".tf")
            || name.ends_with(".tfvars")
            || name.ends_with(".tftest.hcl")
        {
            out.push(p);
        }
    }
    out
}

/// `diff -u` style output with Terraform's `old/` and `new/` labels.
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}
