//! `autostack translate -to=CLOUD DIR`: a configuration written with one cloud's concrete
//! types rewritten for another cloud (or for the portable types), each resource with its
//! mapping rule as a comment, and a list of what could not be translated.
//!
//! Pipeline: `source` (parse, with file:line:col diagnostics) → `read` (concrete → neutral
//! items, by the rule tables in `rules/`) → `write` (neutral → target blocks) → `refs`
//! (references rewritten; the whole in `pipeline`) → `emit` (hcl-rs serializes, our `fmt` makes it canonical).
//!
//! Exit status: 0 when everything was translated, [`EXIT_PARTIAL`] when the output was
//! written but some things could not be translated (listed), 1 on errors.

mod emit;
mod generate;
mod hclexpr;
mod model;
mod pipeline;
mod read;
mod refs;
mod rules;
mod source;
mod values;
mod write;

use crate::args::TranslateArgs;
use crate::ui;
use autostack_lang::diag::{Diagnostic, Diagnostics, Sources};
use model::Target;
use std::path::{Path, PathBuf};

/// Exit status when the output was written but parts could not be translated.
pub const EXIT_PARTIAL: u8 = 4;

/// Runs `translate`.
pub fn run(a: &TranslateArgs) -> u8 {
    let sources = Sources::new();
    match run_inner(a, &sources) {
        Ok(code) => code,
        Err(d) => {
            ui::print_diags(&d, &sources, ui::color_stderr(a.no_color));
            1
        }
    }
}

fn run_inner(a: &TranslateArgs, sources: &Sources) -> Result<u8, Diagnostics> {
    let to = Target::parse(&a.to).ok_or_else(|| {
        Diagnostics::from(Diagnostic::error(
            "Invalid -to",
            format!(
                "{:?} is not a target: use aws, azure, gcp or portable.",
                a.to
            ),
            None,
        ))
    })?;
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let src = source::load(&dir, to, sources)?;
    let out = pipeline::translate(&src, to)
        .map_err(|e| Diagnostics::from(Diagnostic::error("Translation failed", e, None)))?;
    let dest = a.out.clone().unwrap_or_else(|| default_out(&dir, to));
    if dest.as_os_str() == "-" {
        for (name, text) in &out.files {
            println!("# ---- {name} ----\n{text}");
        }
    } else {
        write_dir(&dest, &out.files, &src.others, a.force)?;
        println!(
            "Translated {} ({}) to {} in {}: {} files.",
            dir.display(),
            src.cloud,
            to.name(),
            dest.display(),
            out.files.len()
        );
    }
    if out.lost.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "Warning: {} item(s) could not be translated (also listed at the top of {}):",
        out.lost.len(),
        out.files.first().map_or("the output", |f| f.0.as_str())
    );
    for l in &out.lost {
        eprintln!("  - {}: {}: {}", l.at, l.subject, l.why);
    }
    Ok(EXIT_PARTIAL)
}

/// `DIR-<target>` beside the source directory.
fn default_out(dir: &Path, to: Target) -> PathBuf {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = abs
        .file_name()
        .map_or("config".into(), |n| n.to_string_lossy().into_owned());
    abs.with_file_name(format!("{name}-{}", to.name()))
}

fn write_dir(
    dest: &Path,
    files: &[(String, String)],
    others: &[PathBuf],
    force: bool,
) -> Result<(), Diagnostics> {
    let fail = |what: &str, e: std::io::Error| {
        Diagnostics::from(Diagnostic::error(
            "Failed to write the translation",
            format!("{what}: {e}"),
            None,
        ))
    };
    let non_empty = std::fs::read_dir(dest).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !force {
        return Err(Diagnostic::error(
            "Output directory not empty",
            format!(
                "{} already has files; choose another -out or pass -force to overwrite.",
                dest.display()
            ),
            None,
        )
        .into());
    }
    std::fs::create_dir_all(dest).map_err(|e| fail(&dest.display().to_string(), e))?;
    for (name, text) in files {
        std::fs::write(dest.join(name), text).map_err(|e| fail(name, e))?;
    }
    for p in others {
        if let Some(n) = p.file_name() {
            std::fs::copy(p, dest.join(n)).map_err(|e| fail(&p.display().to_string(), e))?;
        }
    }
    Ok(())
}
