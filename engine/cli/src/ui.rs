//! Human and machine output: colors, diagnostics.

use autostack_lang::diag::{render_human, render_json, RenderOptions, Sources};
use autostack_lang::Diagnostics;
use std::io::IsTerminal;

/// Whether to color output written to stderr.
pub fn color_stderr(no_color: bool) -> bool {
    !no_color && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether to color output written to stdout.
pub fn color_stdout(no_color: bool) -> bool {
    !no_color && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics to stderr in Terraform's human format.
pub fn print_diags(diags: &Diagnostics, sources: &Sources, color: bool) {
    for d in diags {
        eprint!("{}", render_human(d, sources, RenderOptions { color }));
    }
}

/// Diagnostics as a JSON array (Terraform's `-json` diagnostic objects).
pub fn diags_json(diags: &Diagnostics, sources: &Sources) -> serde_json::Value {
    serde_json::Value::Array(diags.iter().map(|d| render_json(d, sources)).collect())
}

/// Wraps text in an ANSI style when `on`.
pub fn style(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
