//! `autostack fmt`: canonical formatting of `.tf` source, as Terraform's `fmt` does it.
//!
//! Reproduces `terraform fmt` (v1.11) byte for byte. Like Terraform's, this formatter works
//! on the token stream rather than on a syntax tree, so comments and blank lines survive:
//!
//! 1. [`lexer`] splits the source into `hclsyntax`-style tokens (templates and heredocs are
//!    token sequences; heredoc bodies and comments are kept verbatim);
//! 2. [`rewrite`] walks the body structure, refusing input that cannot parse, and applies
//!    Terraform's own rewrites: quoted block labels, unwrapped `"${expr}"` values, and
//!    unquoted legacy `variable` types;
//! 3. [`layout`] recomputes every space between tokens with `hclwrite`'s rules: indentation
//!    by bracket nesting, one-or-zero spaces between tokens, and aligned `=` and comments.
//!
//! Blank lines, trailing blank lines and a missing final newline are preserved, as Terraform
//! does; trailing spaces are removed except inside comments and heredocs.

mod layout;
mod lexer;
mod rewrite;
mod strings;
#[cfg(test)]
mod tests;

use std::fmt;

/// A reason the source cannot be formatted, located at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// What is wrong, as a one-line summary and detail.
    pub message: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
}

impl FormatError {
    /// An error at byte `offset` of `src`.
    fn at(src: &str, offset: usize, message: &str) -> FormatError {
        let offset = floor_char_boundary(src, offset.min(src.len()));
        let before = &src[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        FormatError {
            message: message.to_string(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

fn floor_char_boundary(src: &str, mut offset: usize) -> usize {
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for FormatError {}

/// Formats HCL/Terraform source exactly as `terraform fmt` does, or explains why it cannot.
pub fn format_source(src: &str) -> Result<String, FormatError> {
    let tokens = lexer::lex(src)?;
    let edits = rewrite::terraform_edits(src, &tokens)?;
    if edits.is_empty() {
        return Ok(layout::render(src, &tokens, trailing_spaces(src, &tokens)));
    }
    let rewritten = apply_edits(src, &edits);
    let tokens = lexer::lex(&rewritten).map_err(|e| FormatError {
        message: format!("internal formatter error after rewriting: {}", e.message),
        ..e
    })?;
    Ok(layout::render(
        &rewritten,
        &tokens,
        trailing_spaces(&rewritten, &tokens),
    ))
}

/// The spaces after the last token, which Terraform keeps at the end of the file.
fn trailing_spaces(src: &str, tokens: &[lexer::Token]) -> usize {
    src.len() - tokens.last().map_or(0, |t| t.end)
}

/// Splices non-overlapping, source-ordered edits into `src`.
fn apply_edits(src: &str, edits: &[rewrite::Edit]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&src[at..edit.start]);
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(&src[at..]);
    out
}
