//! The rewrites `terraform fmt` makes on top of `hclwrite`'s whitespace layout, plus the
//! body-structure checks that make it refuse input that does not parse.
//!
//! Walking the body structure (attributes, blocks, nested bodies) with an explicit stack,
//! it records token-level edits (Terraform splices tokens and never re-lexes, which matters
//! when an unwrapped heredoc ends up followed by more text on its closing line):
//!
//! * every block's labels become quoted strings (`resource aws_instance web` →
//!   `resource "aws_instance" "web"`), re-escaped canonically, dropping comments between them;
//! * an attribute whose whole value is one interpolation, `"${expr}"`, becomes `expr`
//!   (parenthesised when it spans lines), unless literal text or a second sequence is present;
//! * in a `variable` block, `type = "string"`/`"list"`/`"map"` lose their legacy quotes and
//!   bare `list`/`map`/`set` become `list(any)`/`map(any)`/`set(any)`.

use std::collections::HashMap;
use std::ops::Range;

use super::lexer::{Kind, Token};
use super::strings::{decode_quoted, escape_quoted};
use super::FormatError;

/// Replace the tokens at indices `tokens` with the pieces `with`.
pub(super) struct Edit {
    pub tokens: Range<usize>,
    pub with: Vec<Piece>,
}

/// Part of an edit's replacement.
pub(super) enum Piece {
    /// A run of the original tokens, by index.
    Original(Range<usize>),
    /// A new token with its text.
    New(Kind, String),
}

/// Checks the body structure of `tokens` and returns Terraform's rewrites, in source order.
pub(super) fn terraform_edits(src: &str, tokens: &[Token]) -> Result<Vec<Edit>, FormatError> {
    let mut walker = Walker {
        src,
        tokens,
        pos: 0,
        blocks: Vec::new(),
        root_names: HashMap::new(),
        edits: Vec::new(),
    };
    walker.walk()?;
    Ok(walker.edits)
}

/// A multi-line block whose body is being walked.
struct Frame<'a> {
    /// Token index of its `{`.
    open: usize,
    /// Whether this is a top-level `variable` block (where `type` is a type expression).
    variable: bool,
    /// Attribute names set so far in its body, with the token that set each.
    names: HashMap<&'a str, usize>,
}

/// A block label as `hclwrite` reads it back: its value (`None` when it cannot, and
/// Terraform then drops the label) and the index of its last token.
struct Label {
    value: Option<String>,
    last: usize,
}

struct Walker<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    blocks: Vec<Frame<'a>>,
    root_names: HashMap<&'a str, usize>,
    edits: Vec<Edit>,
}

const UNCLOSED_BLOCK: &str =
    "Unclosed configuration block: there is no closing brace for this block";

const ITEM_REQUIRED: &str = "Argument or block definition required: an argument or block \
     definition is required here; to set an argument, use the equals sign \"=\" to introduce \
     the argument value";

impl<'a> Walker<'a> {
    fn walk(&mut self) -> Result<(), FormatError> {
        loop {
            let Some(i) = self.skip_blank() else {
                return match self.blocks.last() {
                    Some(frame) => Err(self.error(frame.open, UNCLOSED_BLOCK)),
                    None => Ok(()),
                };
            };
            match self.tokens[i].kind {
                Kind::CBrace if !self.blocks.is_empty() => {
                    self.blocks.pop();
                    self.pos = i + 1;
                    self.expect_line_end("Missing newline after block definition")?;
                }
                Kind::Ident => self.item(i)?,
                _ => return Err(self.error(i, ITEM_REQUIRED)),
            }
        }
    }

    fn error(&self, index: usize, message: &str) -> FormatError {
        let offset = self.tokens.get(index).map_or(self.src.len(), |t| t.start);
        FormatError::at(self.src, offset, message)
    }

    fn is_line_end(&self, index: usize) -> bool {
        self.tokens[index].ends_line(self.src)
    }

    /// Skips newlines and comments; returns the next token's index without consuming it.
    fn skip_blank(&mut self) -> Option<usize> {
        while let Some(tok) = self.tokens.get(self.pos) {
            if !matches!(tok.kind, Kind::Newline | Kind::Comment) {
                return Some(self.pos);
            }
            self.pos += 1;
        }
        None
    }

    /// Index of the next token that is not an inline comment (line comments count as
    /// newlines), without consuming it.
    fn peek_sig(&self) -> Option<usize> {
        (self.pos..self.tokens.len())
            .find(|&i| self.tokens[i].kind != Kind::Comment || self.tokens[i].ends_line(self.src))
    }

    /// Like [`Self::peek_sig`], consuming the token.
    fn next_sig(&mut self) -> Option<usize> {
        let next = self.peek_sig();
        self.pos = next.map_or(self.tokens.len(), |i| i + 1);
        next
    }

    fn kind_at(&self, index: Option<usize>) -> Option<Kind> {
        index.map(|i| self.tokens[i].kind)
    }

    fn expect_line_end(&mut self, message: &str) -> Result<(), FormatError> {
        match self.next_sig() {
            None => Ok(()),
            Some(i) if self.is_line_end(i) => Ok(()),
            Some(i) => Err(self.error(i, message)),
        }
    }

    /// An attribute or a block starting at the identifier `name`.
    fn item(&mut self, name: usize) -> Result<(), FormatError> {
        self.pos = name + 1;
        let in_variable = self.blocks.len() == 1 && self.blocks[0].variable;
        match self.kind_at(self.peek_sig()) {
            Some(Kind::Equal) => {
                self.next_sig();
                self.declare(name)?;
                self.attribute(name, in_variable)?;
                self.expect_line_end("Missing newline after argument: an argument definition must end with a newline")
            }
            Some(Kind::Ident | Kind::OQuote | Kind::OBrace) => self.block(name),
            _ => Err(self.error(name, ITEM_REQUIRED)),
        }
    }

    /// Records attribute `name` in the current body, rejecting a second definition.
    fn declare(&mut self, name: usize) -> Result<(), FormatError> {
        let text = self.tokens[name].text(self.src);
        let names = match self.blocks.last_mut() {
            Some(frame) => &mut frame.names,
            None => &mut self.root_names,
        };
        let Some(&first) = names.get(text) else {
            names.insert(text, name);
            return Ok(());
        };
        let msg = format!("Attribute redefined: the argument {text:?} was already set; each argument may be set only once");
        let first = &self.tokens[first];
        Err(FormatError {
            first_definition: Some(first.start..first.end),
            ..self.error(name, &msg)
        })
    }

    /// The value of attribute `name`, just after its `=`; leaves the terminator unconsumed.
    fn attribute(&mut self, name: usize, in_variable: bool) -> Result<(), FormatError> {
        let (start, end) = self.expression()?;
        let expr = &self.tokens[start..end];
        let edit = if in_variable && self.tokens[name].text(self.src) == "type" {
            type_edit(self.src, expr, start)
        } else {
            unwrap_edit(expr, start)
        };
        self.edits.extend(edit);
        Ok(())
    }

    /// Scans an expression up to a newline or `}` outside brackets, checking that brackets
    /// pair up. Returns its token range without surrounding comments.
    fn expression(&mut self) -> Result<(usize, usize), FormatError> {
        let begin = self.pos;
        let mut open: Vec<usize> = Vec::new();
        while let Some(tok) = self.tokens.get(self.pos) {
            if open.is_empty() && (self.is_line_end(self.pos) || tok.kind == Kind::CBrace) {
                break;
            }
            self.check_token(self.pos, &mut open)?;
            self.pos += 1;
        }
        if let Some(&o) = open.last() {
            return Err(self.error(o, &unbalanced_message(Some(self.tokens[o].kind))));
        }
        let body = &self.tokens[begin..self.pos];
        let first = body.iter().position(|t| t.kind != Kind::Comment);
        let last = body.iter().rposition(|t| t.kind != Kind::Comment);
        match (first, last) {
            (Some(f), Some(l)) => Ok((begin + f, begin + l + 1)),
            _ => Err(self.error(
                self.pos,
                "Invalid expression: expected the start of an expression",
            )),
        }
    }

    /// Checks one expression token: brackets pair up, template sequences are not empty,
    /// and string escapes are valid. `open` holds the indices of unclosed openers.
    fn check_token(&self, i: usize, open: &mut Vec<usize>) -> Result<(), FormatError> {
        let tok = self.tokens[i];
        match tok.kind.bracket_change() {
            1 => open.push(i),
            -1 => {
                let opener = open.pop().map(|o| self.tokens[o].kind);
                if opener.map(closer_for) != Some(tok.kind) {
                    return Err(self.error(i, &unbalanced_message(opener)));
                }
                let empty = i > 0 && self.tokens[i - 1].kind.bracket_change() > 0;
                if empty && tok.kind == Kind::TemplateSeqEnd {
                    return Err(
                        self.error(i, "Invalid expression: expected the start of an expression")
                    );
                }
            }
            _ if tok.kind == Kind::QuotedLit => {
                if let Err(at) = decode_quoted(tok.text(self.src)) {
                    return Err(FormatError::at(self.src, tok.start + at, BAD_ESCAPE));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A block header (labels, `{`) after its type name, then its body or one-line content.
    fn block(&mut self, name: usize) -> Result<(), FormatError> {
        let labels = self.labels()?;
        let brace = self.pos - 1;
        self.normalise_labels(name, &labels);
        let variable = self.blocks.is_empty() && self.tokens[name].text(self.src) == "variable";
        let Some(next) = self.peek_sig() else {
            return Err(self.error(brace, UNCLOSED_BLOCK));
        };
        if self.is_line_end(next) {
            self.blocks.push(Frame {
                open: brace,
                variable,
                names: HashMap::new(),
            });
            return Ok(());
        }
        match self.tokens[next].kind {
            Kind::CBrace => {
                self.next_sig();
                self.expect_line_end("Missing newline after block definition")
            }
            Kind::Ident => self.one_line_block(brace, variable),
            _ => Err(self.error(next, "Invalid block definition: an opening brace must be followed by a newline, an argument, or a closing brace")),
        }
    }

    /// Replaces the tokens from after the block type through the last label with the
    /// labels `hclwrite` can read, each re-quoted (comments in between are dropped).
    fn normalise_labels(&mut self, name: usize, labels: &[Label]) {
        let Some(last) = labels.last() else {
            return;
        };
        let mut with = Vec::new();
        for value in labels.iter().filter_map(|l| l.value.as_deref()) {
            with.push(new(Kind::OQuote, "\""));
            if !value.is_empty() {
                with.push(Piece::New(Kind::QuotedLit, escape_quoted(value)));
            }
            with.push(new(Kind::CQuote, "\""));
        }
        let tokens = name + 1..last.last + 1;
        self.edits.push(Edit { tokens, with });
    }

    /// The single argument of a one-line block `name { arg = value }`.
    fn one_line_block(&mut self, brace: usize, variable: bool) -> Result<(), FormatError> {
        let attr = self.next_sig().unwrap_or(brace);
        let equals = self.next_sig();
        if self.kind_at(equals) != Some(Kind::Equal) {
            return Err(self.error(attr, "Invalid single-argument block definition: a single-line block definition can contain only a single argument"));
        }
        self.attribute(attr, variable)?;
        match self.next_sig() {
            Some(i) if self.tokens[i].kind == Kind::CBrace => {
                self.expect_line_end("Missing newline after block definition")
            }
            other => Err(self.error(other.unwrap_or(brace), "Invalid single-argument block definition: a single-line block definition must end with a closing brace immediately after its single argument")),
        }
    }

    /// Block labels, consuming the `{` after them.
    fn labels(&mut self) -> Result<Vec<Label>, FormatError> {
        let mut labels = Vec::new();
        loop {
            let Some(i) = self.next_sig() else {
                return Err(self.error(self.tokens.len(), "Invalid block definition: a block definition must have block content delimited by \"{\" and \"}\""));
            };
            let tok = self.tokens[i];
            match tok.kind {
                Kind::OBrace => return Ok(labels),
                Kind::Ident => labels.push(Label {
                    value: Some(tok.text(self.src).to_string()),
                    last: i,
                }),
                Kind::OQuote => labels.push(self.quoted_label(i)?),
                _ => return Err(self.error(i, "Invalid block definition: either a quoted string block label or an opening brace (\"{\") is expected here")),
            }
        }
    }

    /// A quoted label starting at the `"` token `open`; it may hold only literal text.
    /// Its value is kept only when it lexed as a single literal token, as in `hclwrite`.
    fn quoted_label(&mut self, open: usize) -> Result<Label, FormatError> {
        let mut value = String::new();
        let mut pieces = 0;
        loop {
            let i = self.pos;
            self.pos += 1;
            let Some(tok) = self.tokens.get(i) else {
                return Err(self.error(open, "Unterminated template string"));
            };
            match tok.kind {
                Kind::QuotedLit => {
                    pieces += 1;
                    match decode_quoted(tok.text(self.src)) {
                        Ok(text) => value.push_str(&text),
                        Err(at) => {
                            return Err(FormatError::at(self.src, tok.start + at, BAD_ESCAPE))
                        }
                    }
                }
                Kind::CQuote => {
                    let value = (pieces <= 1).then_some(value);
                    return Ok(Label { value, last: i });
                }
                _ => return Err(self.error(i, TEMPLATE_IN_LABEL)),
            }
        }
    }
}

const BAD_ESCAPE: &str =
    "Invalid escape sequence: the symbol after the backslash is not a valid escape";

const TEMPLATE_IN_LABEL: &str = "Invalid string literal: template sequences are not allowed \
     in this string; to include a literal \"$\", double it (as \"$$\") to escape it";

fn closer_for(opener: Kind) -> Kind {
    match opener {
        Kind::OBrace => Kind::CBrace,
        Kind::OBrack => Kind::CBrack,
        Kind::OParen => Kind::CParen,
        _ => Kind::TemplateSeqEnd,
    }
}

fn unbalanced_message(opener: Option<Kind>) -> String {
    let what = match opener {
        Some(Kind::OParen) => "parentheses: expected a closing parenthesis",
        Some(Kind::OBrack) => "brackets: expected a closing bracket",
        Some(Kind::OBrace) => "braces: expected a closing brace",
        Some(_) => "template sequence: expected a closing brace",
        None => "brackets: this closing bracket has no matching opening bracket",
    };
    format!("Unbalanced {what}")
}

/// `terraform fmt`'s unwrapping of an interpolation-only string `"${expr}"` to `expr`.
fn unwrap_edit(expr: &[Token], at: usize) -> Option<Edit> {
    let n = expr.len();
    if n < 5
        || expr[0].kind != Kind::OQuote
        || expr[1].kind != Kind::TemplateInterp
        || expr[n - 2].kind != Kind::TemplateSeqEnd
        || expr[n - 1].kind != Kind::CQuote
    {
        return None;
    }
    let inside = &expr[2..n - 2];
    let mut quotes = 0i64;
    for tok in inside {
        match tok.kind {
            Kind::OQuote => quotes += 1,
            Kind::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            Kind::TemplateInterp | Kind::TemplateSeqEnd | Kind::QuotedLit => return None,
            _ => {}
        }
    }
    let first = inside.iter().position(|t| t.kind != Kind::Newline)?;
    let last = inside.iter().rposition(|t| t.kind != Kind::Newline)?;
    let trimmed = &inside[first..=last];
    let multi_line = trimmed.iter().any(|t| t.kind == Kind::Newline);
    let parenthesised =
        trimmed[0].kind == Kind::OParen && trimmed[trimmed.len() - 1].kind == Kind::CParen;
    let body = Piece::Original(at + 2 + first..at + 2 + last + 1);
    let with = if multi_line && !parenthesised {
        vec![new(Kind::OParen, "("), body, new(Kind::CParen, ")")]
    } else {
        vec![body]
    };
    Some(Edit {
        tokens: at..at + n,
        with,
    })
}

/// `terraform fmt`'s normalisation of a `variable` block's `type` expression.
fn type_edit(src: &str, expr: &[Token], at: usize) -> Option<Edit> {
    let (name, element) = match expr {
        [word] if word.kind == Kind::Ident => match word.text(src) {
            name @ ("list" | "map" | "set") => (name, Some("any")),
            _ => return None,
        },
        [open, lit, close]
            if open.kind == Kind::OQuote
                && lit.kind == Kind::QuotedLit
                && close.kind == Kind::CQuote =>
        {
            match lit.text(src) {
                "string" => ("string", None),
                name @ ("list" | "map") => (name, Some("string")),
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut with = vec![new(Kind::Ident, name)];
    if let Some(element) = element {
        with.extend([
            new(Kind::OParen, "("),
            new(Kind::Ident, element),
            new(Kind::CParen, ")"),
        ]);
    }
    Some(Edit {
        tokens: at..at + expr.len(),
        with,
    })
}

fn new(kind: Kind, text: &str) -> Piece {
    Piece::New(kind, text.to_string())
}
