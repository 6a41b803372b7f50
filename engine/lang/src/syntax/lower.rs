//! Lowering hcl-edit's syntax tree into our located AST.

use super::ast::*;
use super::body::{Attribute, Block, Body};
use super::template::lower_template;
use crate::diag::{Diagnostic, Diagnostics, Range, SourceFile};
use crate::value::{Number, Value};
use hcl_edit::expr::{self as hx, Expression as HExpr, TraversalOperator};
use hcl_edit::structure as hs;
use hcl_edit::{Decorated, Span};
use std::cell::Cell;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// Converts hcl-edit nodes to AST nodes, mapping byte spans to ranges in `file`.
pub(crate) struct Lowerer<'a> {
    pub(crate) file: &'a SourceFile,
    pub(crate) diags: Diagnostics,
    /// Offset of the parsed text in `file` (when a file is parsed in chunks).
    pub(crate) base: usize,
    /// The line of the last position computed, where the next one usually is.
    line_hint: Cell<usize>,
}

impl<'a> Lowerer<'a> {
    pub(crate) fn new(file: &'a SourceFile) -> Self {
        Lowerer {
            file,
            diags: Diagnostics::new(),
            base: 0,
            line_hint: Cell::new(0),
        }
    }

    pub(crate) fn range(&self, span: Option<std::ops::Range<usize>>) -> Range {
        let span = span.map_or(0..0, |s| s.start + self.base..s.end + self.base);
        let mut hint = self.line_hint.get();
        let r = self.file.range_near(span, &mut hint);
        self.line_hint.set(hint);
        r
    }

    pub(crate) fn body(&mut self, body: &hs::Body, range: Range) -> Body {
        let mut out = Body {
            attributes: Vec::new(),
            blocks: Vec::new(),
            range,
        };
        self.body_into(body, &mut out);
        out
    }

    /// Appends the attributes and blocks of `body` to `out`.
    pub(crate) fn body_into(&mut self, body: &hs::Body, out: &mut Body) {
        let blocks = body.iter().filter(|s| s.is_block()).count();
        let attrs = body.len() - blocks;
        if out.attributes.is_empty() && out.blocks.is_empty() {
            out.attributes.reserve_exact(attrs);
            out.blocks.reserve_exact(blocks);
        } else {
            out.attributes.reserve(attrs);
            out.blocks.reserve(blocks);
        }
        for s in body.iter() {
            match s {
                hs::Structure::Attribute(a) => {
                    let name_range = self.range(a.key.span());
                    out.attributes.push(Attribute {
                        name: a.key.value().as_str().to_string(),
                        range: self.range(a.span()),
                        name_range,
                        expr: self.expr(&a.value),
                    });
                }
                hs::Structure::Block(b) => out.blocks.push(self.block(b)),
            }
        }
    }

    fn block(&mut self, b: &hs::Block) -> Block {
        let labels = b
            .labels
            .iter()
            .map(|l| match l {
                hs::BlockLabel::Ident(i) => (i.value().as_str().to_string(), self.range(i.span())),
                hs::BlockLabel::String(s) => (nfc(s.value()), self.range(s.span())),
            })
            .collect();
        let range = self.range(b.span());
        // The body runs from its `{` to its `}`, as HCL's `Body.SrcRange` does: Terraform
        // puts a missing argument's error at the brace (hcl-edit gives a body no such span).
        let header_end = b.labels.last().map_or(b.ident.span(), |l| match l {
            hs::BlockLabel::Ident(i) => i.span(),
            hs::BlockLabel::String(s) => s.span(),
        });
        let body_range = match header_end.and_then(|h| self.open_brace(h.end + self.base)) {
            Some(brace) => self.file.range(brace..range.end.byte),
            None => range.clone(),
        };
        Block {
            ty: b.ident.value().as_str().to_string(),
            ty_range: self.range(b.ident.span()),
            labels,
            body: self.body(&b.body, body_range),
            range,
        }
    }

    /// The byte offset of the `{` that opens a block body, scanning from the end of the
    /// header at file offset `from` over blanks and `/* */` comments.
    fn open_brace(&self, from: usize) -> Option<usize> {
        let text = self.file.text.get(from..)?;
        let mut at = 0;
        loop {
            let rest = &text[at..];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            at += rest.len() - trimmed.len();
            if trimmed.starts_with('{') {
                return Some(from + at);
            }
            let comment = trimmed.strip_prefix("/*")?;
            at += 2 + comment.find("*/")? + 2;
        }
    }

    pub(crate) fn expr(&mut self, e: &HExpr) -> Expr {
        let range = self.range(e.span());
        let kind = match e {
            HExpr::Null(_) => ExprKind::Literal(Value::null()),
            HExpr::Bool(b) => ExprKind::Literal(Value::Bool(*b.value())),
            HExpr::Number(n) => self.number(n, &range),
            HExpr::String(s) => ExprKind::Literal(Value::string(nfc(s.value()))),
            HExpr::Array(a) => ExprKind::Tuple(a.iter().map(|e| self.expr(e)).collect()),
            HExpr::Object(o) => ExprKind::Object(self.object(o)),
            HExpr::StringTemplate(t) => lower_template(self, t),
            HExpr::HeredocTemplate(h) => lower_template(self, &h.template),
            HExpr::Parenthesis(p) => ExprKind::Parens(Box::new(self.expr(p.inner()))),
            HExpr::Variable(v) => ExprKind::Traversal(Traversal {
                root: v.value().as_str().to_string(),
                root_range: range.clone(),
                steps: Vec::new(),
            }),
            HExpr::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr)),
                Box::new(self.expr(&c.true_expr)),
                Box::new(self.expr(&c.false_expr)),
            ),
            HExpr::FuncCall(f) => self.call(f),
            HExpr::Traversal(t) => return self.traversal(t, range),
            HExpr::UnaryOp(u) => {
                let op = match u.operator.value() {
                    hx::UnaryOperator::Neg => UnaryOp::Neg,
                    hx::UnaryOperator::Not => UnaryOp::Not,
                };
                let inner = self.expr(&u.expr);
                // `-5` is a literal in HCL, so that `-9223372036854775808` and friends are exact.
                if let (UnaryOp::Neg, ExprKind::Literal(Value::Number(n))) = (op, &inner.kind) {
                    ExprKind::Literal(Value::Number(n.neg()))
                } else {
                    ExprKind::Unary(op, Box::new(inner))
                }
            }
            HExpr::BinaryOp(b) => ExprKind::Binary(
                binary_op(*b.operator.value()),
                Box::new(self.expr(&b.lhs_expr)),
                Box::new(self.expr(&b.rhs_expr)),
            ),
            HExpr::ForExpr(f) => self.for_expr(f),
        };
        Expr { kind, range }
    }

    fn number(&mut self, n: &hcl_edit::Formatted<hcl_edit::Number>, range: &Range) -> ExprKind {
        let text: std::borrow::Cow<'_, str> = n
            .span()
            .and_then(|s| self.file.text.get(s.start + self.base..s.end + self.base))
            .map_or_else(|| n.value().to_string().into(), Into::into);
        match Number::parse(&text) {
            Some(num) => ExprKind::Literal(Value::Number(num)),
            None => {
                self.diags.push(Diagnostic::error(
                    "Invalid number literal",
                    format!("Failed to recognize the value of this number literal: {text:?}."),
                    Some(range.clone()),
                ));
                ExprKind::Literal(Value::Unknown(crate::value::Type::Number))
            }
        }
    }

    fn object(&mut self, o: &hx::Object) -> Vec<ObjectItem> {
        o.iter()
            .map(|(k, v)| {
                let (key, bare_key) = match k {
                    hx::ObjectKey::Ident(i) => {
                        let r = self.range(i.span());
                        (
                            Expr {
                                kind: ExprKind::Literal(Value::string(i.value().as_str())),
                                range: r,
                            },
                            true,
                        )
                    }
                    hx::ObjectKey::Expression(e) => (self.expr(e), false),
                };
                ObjectItem {
                    key,
                    bare_key,
                    value: self.expr(v.expr()),
                }
            })
            .collect()
    }

    fn call(&mut self, f: &hx::FuncCall) -> ExprKind {
        let mut name = String::with_capacity(
            f.name.name.len() + f.name.namespace.iter().map(|n| n.len() + 2).sum::<usize>(),
        );
        for ns in &f.name.namespace {
            name.push_str(ns.value().as_str());
            name.push_str("::");
        }
        name.push_str(f.name.name.value().as_str());
        let name_range = self.range(f.name.name.span());
        let name_range = match f.name.namespace.first() {
            Some(first) => self.range(first.span()).to(&name_range),
            None => name_range,
        };
        let args = f.args.iter().map(|a| self.expr(a)).collect();
        ExprKind::Call {
            name,
            name_range,
            args,
            expand_final: f.args.expand_final(),
        }
    }

    fn for_expr(&mut self, f: &hx::ForExpr) -> ExprKind {
        ExprKind::For(Box::new(ForExpr {
            key_var: f
                .intro
                .key_var
                .as_ref()
                .map(|k| k.value().as_str().to_string()),
            value_var: f.intro.value_var.value().as_str().to_string(),
            coll: self.expr(&f.intro.collection_expr),
            key: f.key_expr.as_ref().map(|k| self.expr(k)),
            value: self.expr(&f.value_expr),
            cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
            group: f.grouping,
        }))
    }

    /// Splits a traversal into static steps, dynamic indexes and splats, as HCL does: after a
    /// `[*]` every later operator applies per element; after `.*` only attribute steps do.
    fn traversal(&mut self, t: &hx::Traversal, range: Range) -> Expr {
        let mut base = self.expr(&t.expr);
        if let ExprKind::Traversal(tr) = &mut base.kind {
            tr.steps.reserve_exact(t.operators.len());
        }
        let start = base.range.clone();
        let expr = self.apply_ops(base, &t.operators, &start);
        Expr { range, ..expr }
    }

    fn apply_ops(
        &mut self,
        mut cur: Expr,
        ops: &[Decorated<TraversalOperator>],
        start: &Range,
    ) -> Expr {
        let mut i = 0;
        while i < ops.len() {
            let r = self.range(ops[i].span());
            match ops[i].value() {
                TraversalOperator::GetAttr(name) => {
                    cur = push_step(cur, Step::Attr(name.value().as_str().to_string(), r))
                }
                TraversalOperator::LegacyIndex(n) => {
                    cur = push_step(
                        cur,
                        Step::Index(Value::Number(Number::from(*n.value() as i64)), r),
                    )
                }
                TraversalOperator::Index(e) => {
                    let key = self.expr(e);
                    cur = match literal_key(&key) {
                        Some(v) => push_step(cur, Step::Index(v, r)),
                        None => {
                            let range = start.to(&r);
                            Expr {
                                kind: ExprKind::Index(Box::new(cur), Box::new(key)),
                                range,
                            }
                        }
                    };
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(ops[i].value(), TraversalOperator::FullSplat(_));
                    let mut j = i + 1;
                    while j < ops.len()
                        && (full || matches!(ops[j].value(), TraversalOperator::GetAttr(_)))
                    {
                        j += 1;
                    }
                    let item = Expr {
                        kind: ExprKind::SplatItem,
                        range: r.clone(),
                    };
                    let each = self.apply_ops(item, &ops[i + 1..j], &r);
                    let range = start.to(&self.range(ops[j - 1].span()));
                    cur = Expr {
                        kind: ExprKind::Splat {
                            source: Box::new(cur),
                            each: Box::new(each),
                        },
                        range,
                    };
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        cur
    }
}

/// `s` in Unicode normalization form C (a plain copy when it already is, as is usual).
pub(crate) fn nfc(s: &str) -> String {
    match unicode_normalization::is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.to_string(),
        _ => s.nfc().collect(),
    }
}

/// Appends a static step to a traversal (or wraps a non-traversal in `Relative`).
fn push_step(e: Expr, step: Step) -> Expr {
    let range = e.range.to(step.range());
    match e.kind {
        ExprKind::Traversal(mut t) => {
            t.steps.push(step);
            Expr {
                kind: ExprKind::Traversal(t),
                range,
            }
        }
        ExprKind::Relative(inner, mut steps) => {
            steps.push(step);
            Expr {
                kind: ExprKind::Relative(inner, steps),
                range,
            }
        }
        kind => Expr {
            kind: ExprKind::Relative(
                Box::new(Expr {
                    kind,
                    range: e.range,
                }),
                vec![step],
            ),
            range,
        },
    }
}

/// A literal index key (`[0]`, `["a"]`) stays a static traversal step, as in HCL.
fn literal_key(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Literal(v @ (Value::Number(_) | Value::String(_))) => Some(v.clone()),
        ExprKind::Template(parts) => match parts.as_slice() {
            [TemplatePart::Literal(s)] => Some(Value::string(s.as_str())),
            [] => Some(Value::string("")),
            _ => None,
        },
        _ => None,
    }
}

fn binary_op(op: hx::BinaryOperator) -> BinaryOp {
    use hx::BinaryOperator as H;
    match op {
        H::Eq => BinaryOp::Eq,
        H::NotEq => BinaryOp::NotEq,
        H::LessEq => BinaryOp::LtEq,
        H::GreaterEq => BinaryOp::GtEq,
        H::Less => BinaryOp::Lt,
        H::Greater => BinaryOp::Gt,
        H::Plus => BinaryOp::Add,
        H::Minus => BinaryOp::Sub,
        H::Mul => BinaryOp::Mul,
        H::Div => BinaryOp::Div,
        H::Mod => BinaryOp::Mod,
        H::And => BinaryOp::And,
        H::Or => BinaryOp::Or,
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::SourceFile;

    /// A missing-argument error points at its block, also when the body is `{}` (hcl-edit
    /// gives an empty body no span; it had put the error at the file's first line).
    #[test]
    fn an_empty_body_is_located_at_its_block() {
        let text = "# comment\n\nresource \"a\" \"b\" {}\n";
        let file = SourceFile::new("t.tf", text);
        let body = super::super::parse_file(&file).expect("parses");
        let block = &body.blocks[0];
        assert_eq!(block.body.range.start.line, 3);
        assert_eq!(block.body.range.start.column, 18, "at the `{{`");
        assert_eq!(block.body.range.end, block.range.end);
    }

    /// A body starts at its `{`, past any `/* */` comment after the header (as HCL's
    /// `Body.SrcRange`), so a missing argument is reported there.
    #[test]
    fn a_body_starts_at_its_open_brace() {
        let text = "moved /* { */ {\n  from = a.b\n}\nlocals   {\n  x = 1\n}\n";
        let file = SourceFile::new("t.tf", text);
        let body = super::super::parse_file(&file).expect("parses");
        let starts: Vec<_> = body.blocks.iter().map(|b| b.body.range.start).collect();
        assert_eq!(
            (starts[0].line, starts[0].column, starts[0].byte),
            (1, 15, 14)
        );
        assert_eq!((starts[1].line, starts[1].column), (4, 10));
        let missing = body.blocks[0].body.missing_item_range();
        assert_eq!((missing.start, missing.end), (starts[0], starts[0]));
    }

    #[test]
    fn nfc_normalizes_only_when_needed() {
        assert_eq!(super::nfc("cafe\u{301}"), "caf\u{e9}");
        assert_eq!(super::nfc("caf\u{e9} plain"), "caf\u{e9} plain");
    }
}
