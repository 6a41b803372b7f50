//! A direct parser for the plain subset of HCL that most configurations are written in:
//! blocks, attributes, literals, references, function calls, tuples, objects and strings with
//! `${}` interpolation. It builds the same tree (ranges included) as parsing with hcl-edit
//! and lowering, without hcl-edit's intermediate tree. Anything outside the subset (or any
//! error) makes it give up, and the caller parses that text with hcl-edit instead, so errors
//! and unusual syntax behave exactly as before.

use super::ast::{Expr, ExprKind, ObjectItem, Step, TemplatePart, Traversal};
use super::body::{Attribute, Block, Body};
use super::lower::Lowerer;
use crate::value::{Number, Value};

mod ops;

/// Appends the structures in `text` (at `l.base` in the file) to `out`; `false`, with `out`
/// unchanged, when the text is outside the subset.
pub(crate) fn body_into(l: &Lowerer<'_>, text: &str, out: &mut Body) -> bool {
    if !text.is_ascii() || text.contains('\r') || text.contains('\t') {
        return false;
    }
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        l,
        scratch: Scratch::default(),
        depth: 0,
        operators: 0,
    };
    let Some((mut attrs, mut blocks)) = p.body(true) else {
        return false;
    };
    #[cfg(debug_assertions)]
    same_as_hcl_edit(l, text, &attrs, &blocks);
    out.attributes.append(&mut attrs);
    out.blocks.append(&mut blocks);
    true
}

/// In debug builds (and so in every test), checks the direct parse against hcl-edit's.
#[cfg(debug_assertions)]
fn same_as_hcl_edit(l: &Lowerer<'_>, text: &str, attrs: &[Attribute], blocks: &[Block]) {
    let mut check = Lowerer::new(l.file);
    check.base = l.base;
    let expected = hcl_edit::parser::parse_body(text)
        .map(|t| check.body(&t, crate::diag::Range::default()))
        .map(|b| format!("{:?}{:?}", b.attributes, b.blocks));
    let got = format!("{attrs:?}{blocks:?}");
    assert!(
        expected.as_ref() == Ok(&got),
        "the direct parser disagrees with hcl-edit on:\n{text}\n{expected:?}\n{got}"
    );
}

struct Parser<'a, 'l> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    l: &'l Lowerer<'l>,
    scratch: Scratch,
    /// Expressions and blocks being parsed, one inside another.
    depth: usize,
    /// Binary operators in the current attribute's expression.
    operators: usize,
}

/// Deepest nesting of expressions and blocks taken; hcl-edit rejects more than 64 levels,
/// and deeper input is left to it, as is any expression with more than [`MAX_OPERATORS`]
/// binary operators (hcl-edit rejects more than 128 on a path).
const MAX_DEPTH: usize = 32;
/// Most binary operators taken in one attribute's expression.
const MAX_OPERATORS: usize = 32;

/// Stacks that lists are built on before being moved into vectors of their exact size.
#[derive(Default)]
struct Scratch {
    exprs: Vec<Expr>,
    steps: Vec<Step>,
    items: Vec<ObjectItem>,
    attrs: Vec<Attribute>,
    blocks: Vec<Block>,
}

/// Moves the items pushed since `mark` into a vector of their own.
fn take<T>(stack: &mut Vec<T>, mark: usize) -> Vec<T> {
    stack.drain(mark..).collect()
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Names that start `for` expressions or are literals; the subset avoids them as names.
fn is_keyword(s: &str) -> bool {
    matches!(s, "for" | "in" | "if" | "true" | "false" | "null")
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at(&self, off: usize) -> Option<u8> {
        self.b.get(self.i + off).copied()
    }

    fn text(&self, start: usize, end: usize) -> &'a str {
        // The input is ASCII, so any byte offset is a character boundary.
        self.s.get(start..end).unwrap_or("")
    }

    fn range(&self, start: usize, end: usize) -> crate::diag::Range {
        self.l.range(Some(start..end))
    }

    /// Skips spaces.
    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    /// Skips spaces, newlines and comments.
    fn space_lines(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\n') => self.i += 1,
                Some(b'#') => self.line_comment(),
                Some(b'/') if self.at(1) == Some(b'/') => self.line_comment(),
                Some(b'/') if self.at(1) == Some(b'*') => {
                    let rest = &self.b[self.i + 2..];
                    let end = rest.windows(2).position(|w| w == b"*/")?;
                    self.i += 2 + end + 2;
                }
                _ => return Some(()),
            }
        }
    }

    fn line_comment(&mut self) {
        while !matches!(self.peek(), None | Some(b'\n')) {
            self.i += 1;
        }
    }

    /// Ends a line: spaces, an optional line comment, then a newline (or the end of input).
    fn line_end(&mut self) -> Option<()> {
        self.spaces();
        match self.peek() {
            Some(b'#') => self.line_comment(),
            Some(b'/') if self.at(1) == Some(b'/') => self.line_comment(),
            _ => {}
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    fn ident(&mut self) -> Option<(&'a str, usize, usize)> {
        let start = self.i;
        if !is_ident_start(self.peek()?) {
            return None;
        }
        while self.peek().is_some_and(is_ident_char) {
            self.i += 1;
        }
        Some((self.text(start, self.i), start, self.i))
    }

    fn body(&mut self, top: bool) -> Option<(Vec<Attribute>, Vec<Block>)> {
        let (attrs, blocks) = (self.scratch.attrs.len(), self.scratch.blocks.len());
        loop {
            self.space_lines()?;
            match self.peek() {
                None if top => break,
                Some(b'}') if !top => break,
                None | Some(b'}') => return None,
                _ => {}
            }
            let (name, start, end) = self.ident()?;
            self.spaces();
            if self.peek() == Some(b'=') && self.at(1) != Some(b'=') {
                self.i += 1;
                self.spaces();
                self.operators = 0;
                let expr = self.expr()?;
                let expr_end = expr.range.end.byte - self.l.base;
                if self.scratch.attrs[attrs..].iter().any(|a| a.name == name) {
                    return None;
                }
                self.scratch.attrs.push(Attribute {
                    name: name.to_string(),
                    name_range: self.range(start, end),
                    range: self.range(start, expr_end),
                    expr,
                });
                self.line_end()?;
            } else {
                let block = self.block(name, start, end)?;
                self.scratch.blocks.push(block);
            }
        }
        Some((
            take(&mut self.scratch.attrs, attrs),
            take(&mut self.scratch.blocks, blocks),
        ))
    }

    fn block(&mut self, ty: &str, start: usize, end: usize) -> Option<Block> {
        self.depth += 1;
        let block = self.block_inner(ty, start, end);
        self.depth -= 1;
        block
    }

    fn block_inner(&mut self, ty: &str, start: usize, end: usize) -> Option<Block> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        let ty_range = self.range(start, end);
        let mut labels = Vec::with_capacity(2);
        loop {
            match self.peek()? {
                b'"' => {
                    let s = self.i;
                    let text = self.simple_string()?;
                    labels.push((text, self.range(s, self.i)));
                }
                b'{' => break,
                _ => {
                    let (label, s, e) = self.ident()?;
                    labels.push((label.to_string(), self.range(s, e)));
                }
            }
            self.spaces();
        }
        let brace = self.i;
        self.i += 1;
        self.line_end()?;
        let (attributes, blocks) = self.body(false)?;
        self.i += 1; // `}`
        let range = self.range(start, self.i);
        let body_range = self.range(brace, self.i);
        self.line_end()?;
        Some(Block {
            ty: ty.to_string(),
            ty_range,
            labels,
            body: Body {
                attributes,
                blocks,
                range: body_range,
            },
            range,
        })
    }

    fn term(&mut self) -> Option<Expr> {
        let start = self.i;
        let kind = match self.peek()? {
            b'"' => self.string()?,
            b'0'..=b'9' => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                if self.peek() == Some(b'.') {
                    self.i += 1;
                    let digits = self.i;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.i += 1;
                    }
                    if self.i == digits {
                        return None;
                    }
                }
                if self.peek().is_some_and(|c| is_ident_char(c) || c == b'.') {
                    return None;
                }
                let text = self.text(start, self.i);
                // hcl-edit rejects literals beyond f64's range; only long ones can be.
                if text.len() > 300 && !text.parse::<f64>().is_ok_and(f64::is_finite) {
                    return None;
                }
                ExprKind::Literal(Value::Number(Number::parse(text)?))
            }
            b'[' => self.tuple()?,
            b'{' => self.object()?,
            b'(' => self.parens()?,
            _ => {
                let (name, s, e) = self.ident()?;
                match (name, self.peek()) {
                    (_, Some(b'(')) => return self.call(name, s, e),
                    ("true" | "false" | "null", Some(c)) if c == b'.' || c == b'[' => return None,
                    ("true", _) => ExprKind::Literal(Value::Bool(true)),
                    ("false", _) => ExprKind::Literal(Value::Bool(false)),
                    ("null", _) => ExprKind::Literal(Value::null()),
                    _ if is_keyword(name) => return None,
                    _ => return self.traversal(name, s, e),
                }
            }
        };
        Some(Expr {
            kind,
            range: self.range(start, self.i),
        })
    }

    fn traversal(&mut self, root: &str, start: usize, end: usize) -> Option<Expr> {
        let root_range = self.range(start, end);
        let mark = self.scratch.steps.len();
        loop {
            let s = self.i;
            match self.peek() {
                Some(b'.') => {
                    self.i += 1;
                    let (name, _, _) = self.ident()?;
                    let step = Step::Attr(name.to_string(), self.range(s, self.i));
                    self.scratch.steps.push(step);
                }
                Some(b'[') => {
                    self.i += 1;
                    if !matches!(self.peek(), Some(b'0'..=b'9' | b'"')) {
                        return None;
                    }
                    let key = self.term()?;
                    self.eat(b']')?;
                    let v = match key.kind {
                        ExprKind::Literal(v @ (Value::Number(_) | Value::String(_))) => v,
                        _ => return None,
                    };
                    let step = Step::Index(v, self.range(s, self.i));
                    self.scratch.steps.push(step);
                }
                _ => break,
            }
        }
        let steps = take(&mut self.scratch.steps, mark);
        Some(Expr {
            kind: ExprKind::Traversal(Traversal {
                root: root.to_string(),
                root_range,
                steps,
            }),
            range: self.range(start, self.i),
        })
    }

    fn call(&mut self, name: &str, start: usize, end: usize) -> Option<Expr> {
        if is_keyword(name) {
            return None;
        }
        self.i += 1; // `(`
        let args = self.list(b')')?;
        Some(Expr {
            kind: ExprKind::Call {
                name: name.to_string(),
                name_range: self.range(start, end),
                args,
                expand_final: false,
            },
            range: self.range(start, self.i),
        })
    }

    /// Comma-separated expressions up to `close` (which is consumed).
    fn list(&mut self, close: u8) -> Option<Vec<Expr>> {
        let mark = self.scratch.exprs.len();
        loop {
            self.space_lines()?;
            if self.eat(close).is_some() {
                return Some(take(&mut self.scratch.exprs, mark));
            }
            let e = self.expr()?;
            self.scratch.exprs.push(e);
            self.space_lines()?;
            if self.eat(b',').is_none() && self.peek() != Some(close) {
                return None;
            }
        }
    }

    fn tuple(&mut self) -> Option<ExprKind> {
        self.i += 1;
        if self.ident_is("for") {
            return self.for_expr(b']');
        }
        Some(ExprKind::Tuple(self.list(b']')?))
    }

    fn ident_is(&self, word: &str) -> bool {
        self.b[self.i..].starts_with(word.as_bytes())
            && !self.at(word.len()).is_some_and(is_ident_char)
    }

    fn object(&mut self) -> Option<ExprKind> {
        self.i += 1;
        if self.ident_is("for") {
            return self.for_expr(b'}');
        }
        let mark = self.scratch.items.len();
        loop {
            self.space_lines()?;
            if self.eat(b'}').is_some() {
                return Some(ExprKind::Object(take(&mut self.scratch.items, mark)));
            }
            let s = self.i;
            let (key, bare_key) = if self.peek() == Some(b'"') {
                let text = self.simple_string()?;
                (text, false)
            } else {
                let (name, _, _) = self.ident()?;
                if is_keyword(name) {
                    return None;
                }
                (name.to_string(), true)
            };
            let seen = |i: &ObjectItem| matches!(&i.key.kind, ExprKind::Literal(Value::String(k)) if **k == *key);
            if self.scratch.items[mark..].iter().any(seen) {
                return None;
            }
            let key_expr = Expr {
                kind: ExprKind::Literal(Value::string(key)),
                range: self.range(s, self.i),
            };
            self.spaces();
            match self.peek() {
                Some(b'=') if self.at(1) != Some(b'=') => self.i += 1,
                Some(b':') => self.i += 1,
                _ => return None,
            }
            self.spaces();
            let value = self.expr()?;
            self.scratch.items.push(ObjectItem {
                key: key_expr,
                bare_key,
                value,
            });
            self.spaces();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'\n' | b'}' | b'#') => {}
                Some(b'/') if self.at(1) == Some(b'/') => {}
                _ => return None,
            }
        }
    }

    /// A quoted string without interpolation.
    fn simple_string(&mut self) -> Option<String> {
        match self.string()? {
            ExprKind::Literal(Value::String(s)) => Some(s.to_string()),
            _ => None,
        }
    }

    /// A quoted string: a literal, or a template when it has interpolations.
    fn string(&mut self) -> Option<ExprKind> {
        self.i += 1; // `"`
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\n' => return None,
                b'\\' => {
                    lit.push(match self.at(1)? {
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'"' => '"',
                        b'\\' => '\\',
                        _ => return None,
                    });
                    self.i += 2;
                }
                b'$' | b'%' if self.at(1) == Some(b'{') => {
                    if c == b'%' {
                        return None;
                    }
                    self.i += 2;
                    if self.peek() == Some(b'~') {
                        return None;
                    }
                    self.space_lines()?;
                    let e = self.expr()?;
                    self.space_lines()?;
                    if self.peek() != Some(b'}') {
                        return None;
                    }
                    self.i += 1;
                    if !lit.is_empty() {
                        parts.push(TemplatePart::Literal(std::mem::take(&mut lit)));
                    }
                    parts.push(TemplatePart::Interp(e));
                }
                b'$' | b'%' if self.at(1) == Some(c) => return None,
                _ => {
                    let s = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| !matches!(c, b'"' | b'\n' | b'\\' | b'$' | b'%'))
                    {
                        self.i += 1;
                    }
                    if self.i == s {
                        lit.push(c as char);
                        self.i += 1;
                    } else {
                        lit.push_str(self.text(s, self.i));
                    }
                }
            }
        }
        if parts.is_empty() {
            return Some(ExprKind::Literal(Value::string(lit)));
        }
        if !lit.is_empty() {
            parts.push(TemplatePart::Literal(lit));
        }
        parts.shrink_to_fit();
        Some(ExprKind::Template(parts))
    }
}
