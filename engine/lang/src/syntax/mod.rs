//! Parsing HCL native syntax (via hcl-edit) into located bodies and expressions.

pub mod ast;
pub mod balance;
mod body;
mod fast;
#[cfg(test)]
mod fast_tests;
mod json;
mod lower;
mod split;
mod template;

pub use ast::{
    BinaryOp, Expr, ExprKind, ForExpr, ObjectItem, Step, TemplatePart, Traversal, UnaryOp,
};
pub use body::{Attribute, Block, Body};

use crate::diag::{BlockHeader, Diagnostic, Diagnostics, SourceFile};
use lower::Lowerer;

/// Deepest bracket nesting accepted; deeper input is an error rather than a risk to the stack.
pub const MAX_NESTING: usize = 1500;

/// Parses a `.tf` (native syntax) or `.tf.json` file into a body.
pub fn parse_file(file: &SourceFile) -> Result<Body, Diagnostics> {
    if file.name.ends_with(".json") {
        return json::parse_json_file(file);
    }
    check_nesting(file)?;
    let whole = file.range(0..file.text.len());
    let mut l = Lowerer::new(file);
    let mut out = Body {
        range: whole.clone(),
        ..Body::default()
    };
    // Large files are parsed a piece at a time, by the direct parser where it can; errors,
    // and top-level attributes (whose uniqueness hcl-edit checks per piece), come from
    // parsing the file in one piece with hcl-edit.
    let chunks = split::chunks(&file.text);
    let mut in_pieces = true;
    for c in &chunks {
        l.base = c.start;
        let text = &file.text[c.clone()];
        if fast::body_into(&l, text, &mut out) {
            continue;
        }
        // hcl-edit backtracks exponentially on unclosed brackets: those are reported from
        // the scan, never parsed.
        let parsed = match balance::find_unbalanced(text) {
            None => hcl_edit::parser::parse_body(text).ok(),
            Some(_) => None,
        };
        let Some(body) = parsed else {
            in_pieces = false;
            break;
        };
        l.body_into(&body, &mut out);
    }
    if !in_pieces || (chunks.len() > 1 && !out.attributes.is_empty()) {
        unclosed(file)?;
        let body = hcl_edit::parser::parse_body(&file.text).map_err(|e| syntax_error(file, &e))?;
        l = Lowerer::new(file);
        out = l.body(&body, whole);
    }
    file.set_blocks(
        out.blocks
            .iter()
            .map(|b| BlockHeader {
                span: b.range.start.byte..b.range.end.byte,
                header: b.header(),
            })
            .collect(),
    );
    l.diags.into_result(out)
}

/// Parses the body of a `block_type` block given on its own (OpenTofu's `TF_ENCRYPTION`
/// holds an `encryption` block's body): JSON when it starts with `{`, native syntax otherwise.
pub fn parse_block_body(file: &SourceFile, block_type: &str) -> Result<Body, Diagnostics> {
    if file.text.trim_start().starts_with('{') {
        return json::parse_json_body(file, Some(block_type));
    }
    parse_file(file)
}

/// Parses a standalone expression (console input, `-var` values).
pub fn parse_expr(file: &SourceFile) -> Result<Expr, Diagnostics> {
    check_nesting(file)?;
    if file.text.trim().is_empty() {
        return Err(Diagnostic::error(
            "Invalid expression",
            "Expected the start of an expression, but found the end of the file.",
            Some(file.range(0..0)),
        )
        .into());
    }
    unclosed(file)?;
    let e = hcl_edit::parser::parse_expr(&file.text).map_err(|e| syntax_error(file, &e))?;
    let mut l = Lowerer::new(file);
    let out = l.expr(&e);
    l.diags.into_result(out)
}

/// Parses a whole file as a template (for `templatefile`).
pub fn parse_template(file: &SourceFile) -> Result<Expr, Diagnostics> {
    check_nesting(file)?;
    let t = hcl_edit::parser::parse_template(&file.text).map_err(|e| syntax_error(file, &e))?;
    let mut l = Lowerer::new(file);
    let kind = template::lower_template(&mut l, &t);
    let out = Expr {
        kind,
        range: file.range(0..file.text.len()),
    };
    l.diags.into_result(out)
}

/// Unclosed brackets and strings, reported where they open (more useful than where a parser
/// gives up, often the end of the file), before hcl-edit sees them: it backtracks
/// exponentially on nested unclosed braces (found by the `hcl` fuzz target: 676 bytes took
/// minutes).
fn unclosed(file: &SourceFile) -> Result<(), Diagnostics> {
    match balance::find_unbalanced(&file.text) {
        Some(u) => {
            let end = (u.offset + 1).min(file.text.len());
            Err(Diagnostic::error(u.summary, u.detail, Some(file.range(u.offset..end))).into())
        }
        None => Ok(()),
    }
}

fn syntax_error(file: &SourceFile, e: &hcl_edit::parser::Error) -> Diagnostics {
    if let Err(d) = unclosed(file) {
        return d;
    }
    // The parser's offset is a byte's: inside a multi-byte character, the character starts
    // the range.
    let mut offset = e.location().offset().min(file.text.len());
    while !file.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let end = file.text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    let msg = e.message();
    if ends_with_bare_argument(&file.text) {
        // The file ends after an argument's `=` (hcl-edit points at the file's start).
        let end = file.text.len();
        let detail = "Expected the start of an expression, but found the end of the file.";
        return Diagnostic::error("Missing expression", detail, Some(file.range(end..end))).into();
    }
    if msg.contains("redefined attribute") {
        if let Some(d) = redefined(file) {
            return d.into();
        }
    }
    let (summary, detail) = if msg.contains("heredoc") {
        (
            "Unterminated template string",
            format!("No closing marker was found for the heredoc: {msg}."),
        )
    } else if msg.starts_with("invalid expression") {
        // An argument without a value: HCL's words for it.
        let found = match offset >= file.text.len() {
            true => "the end of the file",
            false => "an invalid expression token",
        };
        let summary = match offset >= file.text.len() {
            true => "Missing expression",
            false => "Invalid expression",
        };
        let detail = format!("Expected the start of an expression, but found {found}.");
        (summary, detail)
    } else if offset >= file.text.len() {
        ("Unexpected end of file", format!("The file ended unexpectedly: {msg}. Check for unclosed braces, brackets or strings."))
    } else if msg.contains('"') || msg.contains("string") {
        ("Invalid string", format!("{}.", capitalize(msg)))
    } else {
        ("Invalid syntax", format!("{}.", capitalize(msg)))
    };
    Diagnostic::error(summary, detail, Some(file.range(offset..end))).into()
}

/// HCL's "Attribute redefined", naming where the attribute was first set (hcl-edit names
/// neither; the formatter's walk of the body structure finds both).
fn redefined(file: &SourceFile) -> Option<Diagnostic> {
    let e = crate::fmt::format_source(&file.text).err()?;
    let first = e.first_definition?;
    let name = &file.text[first.clone()];
    // The redefinition is at 1-based line and character column `e.line`, `e.column`.
    let line: usize = (file.text.split_inclusive('\n').take(e.line - 1))
        .map(str::len)
        .sum();
    let column: usize = (file.text[line..].chars().take(e.column - 1))
        .map(char::len_utf8)
        .sum();
    let again = line + column;
    let detail = format!(
        "The argument {name:?} was already set at {}. Each argument may be set only once.",
        crate::config::short_range(&file.range(first))
    );
    let subject = file.range(again..again + name.len());
    Some(Diagnostic::error(
        "Attribute redefined",
        detail,
        Some(subject),
    ))
}

/// Whether the last line of `text` is `NAME =` and nothing more.
fn ends_with_bare_argument(text: &str) -> bool {
    let last = text.trim_end().rsplit('\n').next().unwrap_or_default();
    let Some(name) = last.trim().strip_suffix('=') else {
        return false;
    };
    let name = name.trim_end();
    let mut chars = name.chars();
    (chars.next()).is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Rejects input nested deeper than [`MAX_NESTING`] before the recursive parser sees it.
fn check_nesting(file: &SourceFile) -> Result<(), Diagnostics> {
    let bytes = file.text.as_bytes();
    let mut opens = memchr::memchr3_iter(b'(', b'[', b'{', bytes).peekable();
    let mut closes = memchr::memchr3_iter(b')', b']', b'}', bytes).peekable();
    // The brackets in order, found a vectorized search at a time.
    let brackets = std::iter::from_fn(|| match (opens.peek(), closes.peek()) {
        (Some(o), Some(c)) if o < c => opens.next(),
        (Some(_), None) => opens.next(),
        _ => closes.next(),
    });
    let mut depth = 0usize;
    for i in brackets {
        match bytes[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Diagnostic::error(
                        "Nesting too deep",
                        format!("This expression is nested more than {MAX_NESTING} levels deep, which AutoStack does not support."),
                        Some(file.range(i..i + 1)),
                    )
                    .into());
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
