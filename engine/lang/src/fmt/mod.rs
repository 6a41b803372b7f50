//! `autostack fmt`: canonical formatting of `.tf` source, as Terraform's `fmt` does it.
//!
//! Reproduces `terraform fmt` (v1.11) byte for byte. Like Terraform's, this formatter works
//! on the token stream rather than on a syntax tree, so comments and blank lines survive:
//!
//! 1. `lexer` splits the source into `hclsyntax`-style tokens (templates and heredocs are
//!    token sequences; heredoc bodies and comments are kept verbatim);
//! 2. `rewrite` walks the body structure, refusing input that cannot parse, and applies
//!    Terraform's own rewrites: quoted block labels, unwrapped `"${expr}"` values, and
//!    unquoted legacy `variable` types;
//! 3. `layout` recomputes every space between tokens with `hclwrite`'s rules: indentation
//!    by bracket nesting, one-or-zero spaces between tokens, and aligned `=` and comments.
//!
//! Blank lines, trailing blank lines and a missing final newline are preserved, as Terraform
//! does; trailing spaces are removed except inside comments and heredocs.

pub mod generate;
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
    /// For a redefined attribute: the byte span of the name where it was first set.
    pub first_definition: Option<std::ops::Range<usize>>,
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
            first_definition: None,
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
    // `hclwrite` keeps the spaces after the last token on its end-of-file token.
    let trailing = src.len() - tokens.last().map_or(0, |t| t.end);
    if edits.is_empty() {
        return Ok(layout::render(src, &tokens, trailing));
    }
    let (text, tokens) = apply_edits(src, &tokens, &edits);
    Ok(layout::render(&text, &tokens, trailing))
}

/// Splices non-overlapping, ordered edits into the token stream. New tokens' text is
/// appended after a copy of `src`, so every token still indexes into one string.
fn apply_edits(
    src: &str,
    tokens: &[lexer::Token],
    edits: &[rewrite::Edit],
) -> (String, Vec<lexer::Token>) {
    let mut text = src.to_string();
    let mut out = Vec::with_capacity(tokens.len());
    let mut at = 0;
    for edit in edits {
        out.extend_from_slice(&tokens[at..edit.tokens.start]);
        for piece in &edit.with {
            match piece {
                rewrite::Piece::Original(range) => out.extend_from_slice(&tokens[range.clone()]),
                rewrite::Piece::New(kind, new) => {
                    let start = text.len();
                    text.push_str(new);
                    out.push(lexer::Token {
                        kind: *kind,
                        start,
                        end: text.len(),
                    });
                }
            }
        }
        at = edit.tokens.end;
    }
    out.extend_from_slice(&tokens[at..]);
    (text, out)
}
