//! The direct parser's operators, conditionals, parentheses and `for` expressions.

use super::{is_ident_char, is_keyword, Parser, MAX_DEPTH, MAX_OPERATORS};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, ForExpr, UnaryOp};
use crate::value::Value;

/// Binary operators: token, operator, precedence (higher binds tighter).
const BINARY: &[(&[u8], BinaryOp, u8)] = &[
    (b"||", BinaryOp::Or, 1),
    (b"&&", BinaryOp::And, 2),
    (b"==", BinaryOp::Eq, 3),
    (b"!=", BinaryOp::NotEq, 3),
    (b"<=", BinaryOp::LtEq, 4),
    (b">=", BinaryOp::GtEq, 4),
    (b"<", BinaryOp::Lt, 4),
    (b">", BinaryOp::Gt, 4),
    (b"+", BinaryOp::Add, 5),
    (b"-", BinaryOp::Sub, 5),
    (b"*", BinaryOp::Mul, 6),
    (b"/", BinaryOp::Div, 6),
    (b"%", BinaryOp::Mod, 6),
];

impl Parser<'_, '_> {
    /// An expression: operators and conditionals over terms, all on one line. The caller
    /// checks what follows it.
    pub(super) fn expr(&mut self) -> Option<Expr> {
        self.depth += 1;
        let e = self.conditional();
        self.depth -= 1;
        e
    }

    fn conditional(&mut self) -> Option<Expr> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        let cond = self.binary(1)?;
        let save = self.i;
        self.spaces();
        if self.eat(b'?').is_none() {
            self.i = save;
            return Some(cond);
        }
        self.spaces();
        let then = self.expr()?;
        self.spaces();
        self.eat(b':')?;
        self.spaces();
        let otherwise = self.expr()?;
        let range = cond.range.to(&otherwise.range);
        Some(Expr {
            kind: ExprKind::Conditional(Box::new(cond), Box::new(then), Box::new(otherwise)),
            range,
        })
    }

    fn binary(&mut self, min: u8) -> Option<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let save = self.i;
            self.spaces();
            let rest = &self.b[self.i..];
            if !matches!(
                rest.first(),
                Some(b'|' | b'&' | b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%')
            ) {
                self.i = save;
                return Some(lhs);
            }
            if rest.starts_with(b"//") || rest.starts_with(b"/*") {
                self.i = save;
                return Some(lhs);
            }
            let found = BINARY.iter().find(|(tok, ..)| rest.starts_with(tok));
            let Some(&(tok, op, prec)) = found.filter(|(_, _, p)| *p >= min) else {
                self.i = save;
                return Some(lhs);
            };
            // Comments, `=>` and doubled operators are not for the subset.
            let after = rest.get(tok.len()).copied();
            if matches!(
                after,
                Some(b'/' | b'*' | b'=' | b'>' | b'<' | b'&' | b'|' | b'+' | b'-' | b'!' | b'%')
            ) || (tok == b"!=" && after == Some(b'='))
            {
                return None;
            }
            self.operators += 1;
            if self.operators > MAX_OPERATORS {
                return None;
            }
            self.i += tok.len();
            self.spaces();
            let rhs = self.binary(prec + 1)?;
            let range = lhs.range.to(&rhs.range);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                range,
            };
        }
    }

    fn unary(&mut self) -> Option<Expr> {
        let op = match self.peek()? {
            b'-' => UnaryOp::Neg,
            b'!' => UnaryOp::Not,
            _ => return self.term(),
        };
        let start = self.i;
        self.i += 1;
        if matches!(self.peek()?, b' ' | b'-' | b'!') {
            return None;
        }
        let inner = self.term()?;
        let range = self.range(start, self.i);
        let kind = match (op, inner.kind) {
            (UnaryOp::Neg, ExprKind::Literal(Value::Number(n))) => {
                ExprKind::Literal(Value::Number(n.neg()))
            }
            (op, kind) => ExprKind::Unary(
                op,
                Box::new(Expr {
                    kind,
                    range: inner.range,
                }),
            ),
        };
        Some(Expr { kind, range })
    }

    /// `( expr )`, at `(`.
    pub(super) fn parens(&mut self) -> Option<ExprKind> {
        self.i += 1;
        self.spaces();
        let inner = self.expr()?;
        self.spaces();
        self.eat(b')')?;
        Some(ExprKind::Parens(Box::new(inner)))
    }

    /// A keyword followed by a space.
    fn keyword(&mut self, word: &str) -> Option<()> {
        if !self.ident_is(word) || self.at(word.len()) != Some(b' ') {
            return None;
        }
        self.i += word.len();
        self.spaces();
        Some(())
    }

    fn var(&mut self) -> Option<String> {
        let (name, _, _) = self.ident()?;
        (!is_keyword(name)).then(|| name.to_string())
    }

    /// `[for ... ]` or `{for ... }` on one line, at `for`; `close` is the closing bracket.
    pub(super) fn for_expr(&mut self, close: u8) -> Option<ExprKind> {
        self.keyword("for")?;
        let first = self.var()?;
        self.spaces();
        let (key_var, value_var) = if self.eat(b',').is_some() {
            self.spaces();
            (Some(first), self.var()?)
        } else {
            (None, first)
        };
        self.spaces();
        self.keyword("in")?;
        let coll = self.expr()?;
        self.spaces();
        self.eat(b':')?;
        self.spaces();
        let key = if close == b'}' {
            let k = self.expr()?;
            self.spaces();
            if !self.b[self.i..].starts_with(b"=>") {
                return None;
            }
            self.i += 2;
            self.spaces();
            Some(k)
        } else {
            None
        };
        let value = self.expr()?;
        self.spaces();
        let cond = if self.ident_is("if") {
            self.keyword("if")?;
            let c = self.expr()?;
            self.spaces();
            Some(c)
        } else {
            None
        };
        if self.eat(close).is_none() || self.peek().is_some_and(is_ident_char) {
            return None;
        }
        Some(ExprKind::For(Box::new(ForExpr {
            key_var,
            value_var,
            coll,
            key,
            value,
            cond,
            group: false,
        })))
    }
}
