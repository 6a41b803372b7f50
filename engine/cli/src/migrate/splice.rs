//! Text splices located with hcl-edit's spans: `migrate -write` changes a file only where it
//! must (a value, an inserted line or block) and leaves every other byte, comments and
//! alignment included, as it was.

use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use std::ops::Range;

/// One change to a file's text: the bytes at `at` replaced by `text` (an empty range inserts).
#[derive(Debug, Clone)]
pub struct Splice {
    /// The bytes replaced.
    pub at: Range<usize>,
    /// What replaces them.
    pub text: String,
}

impl Splice {
    /// Inserts `text` at byte `at`.
    pub fn insert(at: usize, text: String) -> Splice {
        Splice { at: at..at, text }
    }
}

/// `text` with `splices` (non-overlapping) applied.
pub fn apply(text: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| std::cmp::Reverse((s.at.start, s.at.end)));
    let mut out = text.to_string();
    for s in splices {
        out.replace_range(s.at, &s.text);
    }
    out
}

/// The 1-based line and column of byte `at` of `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The byte where the line holding byte `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The whitespace before byte `at` on its line, when only whitespace precedes it.
pub fn indent_before(text: &str, at: usize) -> Option<&str> {
    let lead = &text[line_start(text, at)..at];
    lead.chars().all(|c| c == ' ' || c == '\t').then_some(lead)
}

/// The source text a parsed item spans.
pub fn source<'t>(text: &'t str, item: &impl Span) -> Option<&'t str> {
    item.span().and_then(|r| text.get(r))
}

/// The string a block's `key = "literal"` attribute holds.
pub fn literal(body: &Body, key: &str) -> Option<String> {
    body.get_attribute(key)
        .and_then(|a| a.value.as_str().map(str::to_string))
}

/// The labels of a block as strings.
pub fn labels(b: &Block) -> Vec<&str> {
    b.labels.iter().map(|l| l.as_str()).collect()
}

/// Inserts `lines` (each without indent or newline) as the first lines of `block`'s body,
/// indented as its first item is (two spaces more than the block when it is empty), followed
/// by a blank line when `separate` and the body has items.
pub fn prepend(text: &str, block: &Block, lines: &[String], separate: bool) -> Option<Splice> {
    let span = block.span()?;
    let open = span.start + text[span.clone()].find('{')?;
    let first = block.body.iter().next().and_then(Span::span);
    let body_end = first.as_ref().map_or(span.end - 1, |r| r.start);
    let indent = match &first {
        Some(r) => indent_before(text, r.start).unwrap_or("  ").to_string(),
        None => format!("{}  ", indent_before(text, span.start).unwrap_or("")),
    };
    let mut add: String = lines.iter().map(|l| format!("{indent}{l}\n")).collect();
    match text[open + 1..body_end].find('\n') {
        Some(nl) => {
            if separate && first.is_some() {
                add.push('\n');
            }
            Some(Splice::insert(open + 1 + nl + 1, add))
        }
        // A one-line block (`{ a = 1 }`, `{}`): break it open.
        None => Some(Splice::insert(open + 1, format!("\n{add}"))),
    }
}

/// Inserts `lines` as the last lines of `block`'s body, before its closing brace, indented
/// two spaces more than the brace.
pub fn append(text: &str, block: &Block, lines: &[String]) -> Option<Splice> {
    let span = block.span()?;
    let close = span.end - 1;
    match indent_before(text, close) {
        Some(ind) => {
            let add: String = lines.iter().map(|l| format!("{ind}  {l}\n")).collect();
            Some(Splice::insert(line_start(text, close), add))
        }
        None => {
            let add: String = lines.iter().map(|l| format!("  {l}\n")).collect();
            Some(Splice::insert(close, format!("\n{add}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_block(text: &str) -> Block {
        let body = hcl_edit::parser::parse_body(text).unwrap();
        body.into_iter().next().unwrap().into_block().unwrap()
    }

    #[test]
    fn splices_apply_from_the_end_and_positions_count_from_one() {
        let t = "ab\ncd";
        let out = apply(
            t,
            vec![
                Splice::insert(0, "<".into()),
                Splice {
                    at: 3..4,
                    text: "X".into(),
                },
            ],
        );
        assert_eq!(out, "<ab\nXd");
        assert_eq!(line_col(t, 4), (2, 2));
    }

    #[test]
    fn lines_go_first_in_a_body_with_its_indent_and_last_before_the_brace() {
        let t = "resource \"a\" \"b\" {\n  # why\n    x = 1\n}\n";
        let b = first_block(t);
        let s = prepend(t, &b, &["p = q".into()], true).unwrap();
        assert_eq!(
            apply(t, vec![s]),
            "resource \"a\" \"b\" {\n    p = q\n\n  # why\n    x = 1\n}\n"
        );
        let s = append(t, &b, &["y = 2".into()]).unwrap();
        assert_eq!(
            apply(t, vec![s]),
            "resource \"a\" \"b\" {\n  # why\n    x = 1\n  y = 2\n}\n"
        );
        let t = "p \"x\" {}\n";
        let s = prepend(t, &first_block(t), &["features {}".into()], true).unwrap();
        assert_eq!(apply(t, vec![s]), "p \"x\" {\n  features {}\n}\n");
    }
}
