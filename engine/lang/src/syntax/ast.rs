//! The expression AST: HCL's native expression syntax with source ranges on every node.

use crate::diag::Range;
use crate::value::Value;

/// An expression with the source range it came from.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it is in the source.
    pub range: Range,
}

/// The kinds of expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A literal: null, bool, number, or a string without interpolation.
    Literal(Value),
    /// A quoted or heredoc template (already unescaped, heredoc indentation stripped).
    Template(Vec<TemplatePart>),
    /// `[a, b]`.
    Tuple(Vec<Expr>),
    /// `{ k = v, ... }`.
    Object(Vec<ObjectItem>),
    /// A reference rooted at a name: `var.x`, `aws_instance.web[0].id`, `each.key`.
    Traversal(Traversal),
    /// Static attribute/index steps applied to the result of another expression: `f(x).a[0]`.
    Relative(Box<Expr>, Vec<Step>),
    /// `coll[key]` with a non-literal key.
    Index(Box<Expr>, Box<Expr>),
    /// `source[*].each` / `source.*.each`: `each` is evaluated per element, with the element
    /// bound to [`ExprKind::SplatItem`].
    Splat {
        /// The collection (or single value) splatted.
        source: Box<Expr>,
        /// What each element becomes.
        each: Box<Expr>,
    },
    /// The element placeholder inside a splat's `each` expression.
    SplatItem,
    /// `name(args...)`, `expand_final` for a trailing `...`.
    Call {
        /// The function's name (`provider::aws::arn_parse` included).
        name: String,
        /// Where the name is written.
        name_range: Range,
        /// The arguments.
        args: Vec<Expr>,
        /// The last argument is expanded (`f(xs...)`).
        expand_final: bool,
    },
    /// `-x` / `!x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[for k, v in coll : val if cond]` / `{for k, v in coll : key => val... if cond}`.
    For(Box<ForExpr>),
    /// `( expr )`: kept so that `(a).b` and object keys behave as in HCL.
    Parens(Box<Expr>),
}

/// One item of an object constructor.
#[derive(Debug, Clone)]
pub struct ObjectItem {
    /// The key expression; a bare identifier key is a string literal marked `bare`.
    pub key: Expr,
    /// True when the key was a bare identifier (`{ a = 1 }`), which is never a reference.
    pub bare_key: bool,
    /// The value expression.
    pub value: Expr,
}

/// A reference: a root name and static steps (`var` `.x` `[0]`).
#[derive(Debug, Clone)]
pub struct Traversal {
    /// The root name (`var`, `local`, `aws_instance`, a `for` variable, ...).
    pub root: String,
    /// Where the root name is.
    pub root_range: Range,
    /// The following attribute and literal-index steps.
    pub steps: Vec<Step>,
}

/// One static traversal step.
#[derive(Debug, Clone)]
pub enum Step {
    /// `.name`.
    Attr(String, Range),
    /// `[literal]` or legacy `.0`.
    Index(Value, Range),
}

impl Step {
    /// Where the step is in the source.
    pub fn range(&self) -> &Range {
        match self {
            Step::Attr(_, r) | Step::Index(_, r) => r,
        }
    }
}

/// One piece of a template.
#[derive(Debug, Clone)]
pub enum TemplatePart {
    /// Literal text.
    Literal(String),
    /// `${expr}`.
    Interp(Expr),
    /// `%{ if cond }...%{ else }...%{ endif }`.
    If {
        /// The condition.
        cond: Expr,
        /// Parts rendered when it holds.
        then: Vec<TemplatePart>,
        /// Parts rendered otherwise (`%{ else }`).
        otherwise: Vec<TemplatePart>,
    },
    /// `%{ for k, v in coll }...%{ endfor }`.
    For {
        /// The key (or index) variable, when two are named.
        key: Option<String>,
        /// The value variable.
        value: String,
        /// The collection iterated.
        coll: Expr,
        /// Parts rendered per element.
        body: Vec<TemplatePart>,
    },
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-`.
    Neg,
    /// `!`.
    Not,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Mod,
    /// `&&`.
    And,
    /// `||`.
    Or,
}

impl BinaryOp {
    /// The operator's source token.
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Eq => "==",
            NotEq => "!=",
            Lt => "<",
            LtEq => "<=",
            Gt => ">",
            GtEq => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            And => "&&",
            Or => "||",
        }
    }
}

/// A `for` expression.
#[derive(Debug, Clone)]
pub struct ForExpr {
    /// The key (or index) variable, when two variables are declared.
    pub key_var: Option<String>,
    /// The value variable.
    pub value_var: String,
    /// The collection iterated over.
    pub coll: Expr,
    /// For object results: the key expression.
    pub key: Option<Expr>,
    /// The value expression.
    pub value: Expr,
    /// The optional `if` filter.
    pub cond: Option<Expr>,
    /// `...` after the value: group values by key into lists.
    pub group: bool,
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it, parents first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::SplatItem | ExprKind::Traversal(_) => {}
            ExprKind::Template(parts) => walk_parts(parts, f),
            ExprKind::Tuple(items) | ExprKind::Call { args: items, .. } => {
                items.iter().for_each(|e| e.walk(f))
            }
            ExprKind::Object(items) => items.iter().for_each(|i| {
                i.key.walk(f);
                i.value.walk(f);
            }),
            ExprKind::Relative(e, _) | ExprKind::Unary(_, e) | ExprKind::Parens(e) => e.walk(f),
            ExprKind::Index(a, b)
            | ExprKind::Binary(_, a, b)
            | ExprKind::Splat { source: a, each: b } => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::Conditional(c, a, b) => {
                c.walk(f);
                a.walk(f);
                b.walk(f);
            }
            ExprKind::For(fe) => {
                fe.coll.walk(f);
                for e in [fe.key.as_ref(), Some(&fe.value), fe.cond.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    e.walk(f);
                }
            }
        }
    }

    /// Calls `f` on every traversal (reference) in the expression, skipping names bound by
    /// enclosing `for` expressions and template `for` directives.
    pub fn visit_traversals<'a>(&'a self, f: &mut dyn FnMut(&'a Traversal)) {
        let mut bound = Vec::new();
        self.visit_inner(&mut bound, f);
    }

    fn visit_inner<'a>(&'a self, bound: &mut Vec<&'a str>, f: &mut dyn FnMut(&'a Traversal)) {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::SplatItem => {}
            ExprKind::Template(parts) => visit_parts(parts, bound, f),
            ExprKind::Tuple(items) => items.iter().for_each(|e| e.visit_inner(bound, f)),
            ExprKind::Object(items) => items.iter().for_each(|i| {
                if !i.bare_key {
                    i.key.visit_inner(bound, f);
                }
                i.value.visit_inner(bound, f);
            }),
            ExprKind::Traversal(t) => {
                if !bound.contains(&t.root.as_str()) {
                    f(t)
                }
            }
            ExprKind::Relative(e, _) | ExprKind::Unary(_, e) | ExprKind::Parens(e) => {
                e.visit_inner(bound, f)
            }
            ExprKind::Index(a, b)
            | ExprKind::Binary(_, a, b)
            | ExprKind::Splat { source: a, each: b } => {
                a.visit_inner(bound, f);
                b.visit_inner(bound, f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.visit_inner(bound, f)),
            ExprKind::Conditional(c, a, b) => {
                c.visit_inner(bound, f);
                a.visit_inner(bound, f);
                b.visit_inner(bound, f);
            }
            ExprKind::For(fe) => {
                fe.coll.visit_inner(bound, f);
                let n = bound.len();
                bound.extend(fe.key_var.as_deref());
                bound.push(&fe.value_var);
                for e in [fe.key.as_ref(), Some(&fe.value), fe.cond.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    e.visit_inner(bound, f);
                }
                bound.truncate(n);
            }
        }
    }
}

fn visit_parts<'a>(
    parts: &'a [TemplatePart],
    bound: &mut Vec<&'a str>,
    f: &mut dyn FnMut(&'a Traversal),
) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => e.visit_inner(bound, f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                cond.visit_inner(bound, f);
                visit_parts(then, bound, f);
                visit_parts(otherwise, bound, f);
            }
            TemplatePart::For {
                key,
                value,
                coll,
                body,
            } => {
                coll.visit_inner(bound, f);
                let n = bound.len();
                bound.extend(key.as_deref());
                bound.push(value);
                visit_parts(body, bound, f);
                bound.truncate(n);
            }
        }
    }
}

fn walk_parts<'a>(parts: &'a [TemplatePart], f: &mut dyn FnMut(&'a Expr)) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => e.walk(f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                cond.walk(f);
                walk_parts(then, f);
                walk_parts(otherwise, f);
            }
            TemplatePart::For { coll, body, .. } => {
                coll.walk(f);
                walk_parts(body, f);
            }
        }
    }
}
