//! Whitespace layout over a token stream, following the rules of `hclwrite`'s formatter.
//!
//! The stream is cut into lines (a line ends with a newline token or a `#`/`//` comment,
//! which swallows its line ending; a heredoc therefore sits inside one "line"). Each line
//! has up to three cells: `lead`, `assign` (from a top-level `=` when the right-hand side is
//! bracket-balanced) and `comment` (a trailing comment). Then, in order:
//!
//! 1. indentation: two spaces per open bracket level, driven by each line's net bracket count;
//! 2. spacing: zero or one space between neighbouring tokens within a cell;
//! 3. alignment: `=` of consecutive assignment lines, then trailing comments, line up.
//!
//! Only the spaces before tokens change; token text is copied through untouched.

use unicode_segmentation::UnicodeSegmentation;

use super::lexer::{Kind, Token};

/// A line as index ranges into the token vector: `lead` is `start..assign/comment/end`.
struct Line {
    start: usize,
    assign: Option<usize>,
    comment: Option<usize>,
    end: usize,
}

impl Line {
    fn lead_end(&self) -> usize {
        self.assign.or(self.comment).unwrap_or(self.end)
    }

    fn assign_end(&self) -> usize {
        self.comment.unwrap_or(self.end)
    }
}

/// Renders `tokens` (lexed from `src`) with canonical spacing; `trailing` is the number of
/// spaces after the last token, which `hclwrite` carries on its end-of-file token.
pub(super) fn render(src: &str, tokens: &[Token], trailing: usize) -> String {
    let lines = split_lines(src, tokens);
    let mut spaces = vec![0usize; tokens.len()];
    indent(&lines, tokens, &mut spaces);
    space_cells(&lines, tokens, src, &mut spaces);
    align(&lines, tokens, src, &mut spaces);

    let mut out = String::with_capacity(src.len() + src.len() / 8);
    for (tok, &n) in tokens.iter().zip(&spaces) {
        push_spaces(&mut out, n);
        out.push_str(tok.text(src));
    }
    push_spaces(&mut out, trailing);
    out
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Cuts the stream into lines and finds each line's assign and comment cells.
fn split_lines(src: &str, tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, tok) in tokens.iter().enumerate() {
        if tok.ends_line(src) {
            lines.push(cells(tokens, start, i + 1));
            start = i + 1;
        }
    }
    if start < tokens.len() {
        lines.push(cells(tokens, start, tokens.len()));
    }
    lines
}

fn cells(tokens: &[Token], start: usize, end: usize) -> Line {
    let mut line = Line {
        start,
        assign: None,
        comment: None,
        end,
    };
    if end - start > 1 && tokens[end - 1].kind == Kind::Comment {
        line.comment = Some(end - 1);
    }
    let lead_end = line.lead_end();
    let equals = (start + 1..lead_end).find(|&i| tokens[i].kind == Kind::Equal);
    if let Some(eq) = equals {
        let net: i64 = tokens[eq..lead_end]
            .iter()
            .map(|t| t.kind.bracket_change())
            .sum();
        if net == 0 {
            line.assign = Some(eq);
        }
    }
    line
}

/// Sets each line's leading spaces from an indent stack of per-line opener counts.
fn indent(lines: &[Line], tokens: &[Token], spaces: &mut [usize]) {
    let mut stack: Vec<i64> = Vec::new();
    for line in lines {
        if tokens[line.start].kind == Kind::Newline {
            continue;
        }
        let mut net = 0;
        for tok in &tokens[line.start..line.lead_end()] {
            net += tok.kind.bracket_change();
            if tok.kind == Kind::OHeredoc {
                break;
            }
        }
        net += tokens[line.lead_end()..line.assign_end()]
            .iter()
            .map(|t| t.kind.bracket_change())
            .sum::<i64>();
        let level = stack.len();
        if net > 0 {
            stack.push(net);
        } else if net < 0 {
            close_levels(&mut stack, -net);
        }
        spaces[line.start] = 2 * if net > 0 { level } else { stack.len() };
    }
}

/// Pops `closed` openers off the indent stack, one level per remembered line.
fn close_levels(stack: &mut Vec<i64>, mut closed: i64) {
    while closed > 0 {
        let Some(top) = stack.last_mut() else {
            return;
        };
        if closed < *top {
            *top -= closed;
            return;
        }
        closed -= *top;
        stack.pop();
    }
}

/// Sets the single or zero space between neighbouring tokens inside each cell.
fn space_cells(lines: &[Line], tokens: &[Token], src: &str, spaces: &mut [usize]) {
    for line in lines {
        space_run(tokens, src, line.start, line.lead_end(), spaces);
        if let Some(eq) = line.assign {
            spaces[eq] = 1;
            space_run(tokens, src, eq, line.assign_end(), spaces);
        }
    }
}

fn space_run(tokens: &[Token], src: &str, start: usize, end: usize, spaces: &mut [usize]) {
    for i in start..end.saturating_sub(1) {
        let before = if i > start { Some(tokens[i - 1]) } else { None };
        let space = space_after(src, tokens[i], before, tokens[i + 1]);
        spaces[i + 1] = usize::from(space);
    }
}

/// Whether one space separates `subject` from the following token `after`.
fn space_after(src: &str, subject: Token, before: Option<Token>, after: Token) -> bool {
    use Kind::*;
    let (s, a) = (subject.kind, after.kind);
    let before_kind = before.map(|b| b.kind);
    match () {
        _ if a == Newline => false,
        _ if s == Ident && a == OParen => false,
        _ if (s == Ident && a == DoubleColon) || (s == DoubleColon && a == Ident) => false,
        _ if s == Dot || a == Dot => false,
        _ if a == Comma || a == Ellipsis => false,
        _ if s == Comma => true,
        _ if matches!(s, QuotedLit | StringLit | OQuote | OHeredoc)
            || matches!(a, QuotedLit | StringLit | CQuote | CHeredoc) =>
        {
            false
        }
        _ if s == Ident && subject.text(src) == "in" && before_kind == Some(Ident) => true,
        _ if a == OBrack && (s == Ident || s == NumberLit || s.bracket_change() < 0) => false,
        _ if s == Bang => false,
        _ if s == Minus => !minus_is_unary(before_kind),
        _ if s == OBrace || a == CBrace => !(s == OBrace && a == CBrace),
        _ if matches!(s, TemplateInterp | TemplateControl) && a == OBrace => true,
        _ if s == CBrace && a == TemplateSeqEnd => true,
        _ if s == TemplateSeqEnd && matches!(a, TemplateInterp | TemplateControl) => false,
        _ if s.bracket_change() > 0 => false,
        _ if a.bracket_change() < 0 => false,
        _ => true,
    }
}

/// `hclwrite`'s guess that a `-` is a negation: nothing before it can end an operand.
fn minus_is_unary(before: Option<Kind>) -> bool {
    use Kind::*;
    match before {
        None => true,
        Some(kind) => matches!(
            kind,
            OParen
                | OBrace
                | OBrack
                | Equal
                | Colon
                | Comma
                | Question
                | Plus
                | Star
                | Slash
                | Percent
                | Minus
                | EqualOp
                | NotEqual
                | Gt
                | Ge
                | Lt
                | Le
                | And
                | Or
                | Bang
        ),
    }
}

/// Aligns `=` across runs of consecutive assignment lines, then trailing comments across
/// runs of consecutive commented lines.
fn align(lines: &[Line], tokens: &[Token], src: &str, spaces: &mut [usize]) {
    let lead = |l: &Line, sp: &[usize]| columns(src, tokens, sp, l.start, l.lead_end());
    align_runs(lines, spaces, |l| l.assign, lead);
    let lead_assign = |l: &Line, sp: &[usize]| columns(src, tokens, sp, l.start, l.assign_end());
    align_runs(lines, spaces, |l| l.comment, lead_assign);
}

/// For each maximal run of lines where `cell` is present, pads the cell's first token so
/// that all of them start one column after the widest `width` in the run.
fn align_runs(
    lines: &[Line],
    spaces: &mut [usize],
    cell: impl Fn(&Line) -> Option<usize>,
    width: impl Fn(&Line, &[usize]) -> usize,
) {
    let mut i = 0;
    while i < lines.len() {
        if cell(&lines[i]).is_none() {
            i += 1;
            continue;
        }
        let run_end = (i..lines.len())
            .find(|&j| cell(&lines[j]).is_none())
            .unwrap_or(lines.len());
        let widths: Vec<usize> = lines[i..run_end].iter().map(|l| width(l, spaces)).collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (line, w) in lines[i..run_end].iter().zip(widths) {
            if let Some(first) = cell(line) {
                spaces[first] = max - w + 1;
            }
        }
        i = run_end;
    }
}

/// Display columns of tokens `start..end`: spaces plus grapheme clusters of the text.
fn columns(src: &str, tokens: &[Token], spaces: &[usize], start: usize, end: usize) -> usize {
    (start..end)
        .map(|i| spaces[i] + grapheme_count(tokens[i].text(src)))
        .sum()
}

fn grapheme_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len() - text.matches("\r\n").count()
    } else {
        text.graphemes(true).count()
    }
}
