//! Expression evaluation with Terraform's semantics.
//!
//! References are resolved through a [`Scope`] (the core engine implements one over its graph;
//! [`MapScope`] serves the console and tests). Names bound by `for` expressions and template
//! directives live in the evaluator's own frame stack and shadow the scope.

mod body;
pub mod builtin_refs;
mod call;
mod collections;
mod conditional;
mod message;
mod operators;
mod provider_call;
mod references;
pub mod scope;
mod template;

pub use message::{condition_message, ConditionMessage};
pub use scope::{MapScope, Scope};

use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::functions::{CallCtx, Functions};
use crate::syntax::{Expr, ExprKind, Step, Traversal};
use crate::value::ops::AccessError;
use crate::value::{Type, Value};
use std::path::PathBuf;

/// Evaluation result: a value, or the diagnostics explaining why there is none.
pub type EvalResult = Result<Value, Diagnostics>;

/// Evaluates expressions against a scope and a function table.
pub struct Evaluator<'a> {
    scope: &'a dyn Scope,
    ctx: CallCtx<'a>,
    frames: Vec<(String, Value)>,
    splat_items: Vec<Value>,
    /// Nesting of `eval` calls: references are checked up front at the outermost one.
    depth: usize,
    /// True in the console, the only place Terraform has the `type` function.
    console: bool,
}

impl<'a> Evaluator<'a> {
    /// An evaluator resolving references in `scope`, with paths relative to `base_dir`.
    pub fn new(scope: &'a dyn Scope, functions: &'a Functions, base_dir: PathBuf) -> Self {
        Evaluator {
            scope,
            ctx: CallCtx {
                base_dir,
                functions,
                plan_mode: false,
            },
            frames: Vec::new(),
            splat_items: Vec::new(),
            depth: 0,
            console: false,
        }
    }

    /// Enables the console-only `type` function (see [`crate::console`]).
    pub fn console_mode(mut self, on: bool) -> Self {
        self.console = on;
        self
    }

    /// Makes impure functions (`timestamp`, `uuid`) return unknowns, as during plan.
    pub fn plan_mode(mut self, on: bool) -> Self {
        self.ctx.plan_mode = on;
        self
    }

    /// Evaluates one expression; at the outermost call, first resolves every reference in it
    /// as Terraform does (see `references`).
    pub fn eval(&mut self, e: &Expr) -> EvalResult {
        if self.depth == 0 && references::may_hide_errors(e) {
            self.check_references(e)?;
        }
        self.depth += 1;
        let r = self.eval_kind(e);
        self.depth -= 1;
        r
    }

    fn eval_kind(&mut self, e: &Expr) -> EvalResult {
        match &e.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Template(parts) => self.template(parts, &e.range),
            ExprKind::Tuple(items) => {
                let vals = self.eval_all(items)?;
                Ok(Value::tuple(vals))
            }
            ExprKind::Object(items) => self.object(items),
            ExprKind::Traversal(t) => self.traversal(t),
            ExprKind::Relative(inner, steps) => {
                let v = self.eval(inner)?;
                apply_steps(v, steps)
            }
            ExprKind::Index(coll, key) => {
                let c = self.eval(coll)?;
                let k = self.eval(key)?;
                c.index(&k).map_err(|err| access_diag(err, &e.range))
            }
            ExprKind::Splat { source, each } => self.splat(source, each),
            ExprKind::SplatItem => Ok(self
                .splat_items
                .last()
                .cloned()
                .unwrap_or_else(Value::unknown)),
            ExprKind::Call {
                name,
                name_range,
                args,
                expand_final,
            } => self.call(name, name_range, args, *expand_final, &e.range),
            ExprKind::Unary(op, inner) => {
                let v = self.eval(inner)?;
                operators::unary(*op, v, &e.range)
            }
            ExprKind::Binary(op, l, r) => {
                let a = self.eval(l)?;
                let b = self.eval(r)?;
                operators::binary(*op, a, b, &l.range, &r.range, &e.range)
            }
            ExprKind::Conditional(c, a, b) => self.conditional(c, a, b),
            ExprKind::For(f) => self.for_expr(f, &e.range),
            ExprKind::Parens(inner) => self.eval(inner),
        }
    }

    fn eval_all(&mut self, items: &[Expr]) -> Result<Vec<Value>, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            if let Some(v) = diags.take(self.eval(i)) {
                out.push(v);
            }
        }
        diags.into_result(out)
    }

    fn object(&mut self, items: &[crate::syntax::ObjectItem]) -> EvalResult {
        let mut out = std::collections::BTreeMap::new();
        let mut marks = crate::value::Marks::NONE;
        let mut unknown_key = false;
        for item in items {
            let k = self.eval(&item.key)?;
            let v = self.eval(&item.value)?;
            if k.is_null() {
                return Err(Diagnostic::error(
                    "Invalid object key",
                    "Key expression in object constructor must not be null.",
                    Some(item.key.range.clone()),
                )
                .into());
            }
            if k.is_unknown() {
                unknown_key = true;
                continue;
            }
            let (k, m) = k.unmark();
            marks = marks.union(m);
            let k = crate::value::convert(&k, &Type::String).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Incorrect key type",
                    format!("Can't use this value as a key: {e}."),
                    Some(item.key.range.clone()),
                ))
            })?;
            out.insert(k.as_str().unwrap_or_default().to_string(), v);
        }
        if unknown_key {
            return Ok(Value::Unknown(Type::Dynamic).mark(marks));
        }
        Ok(Value::object(out.into()).mark(marks))
    }

    fn traversal(&mut self, t: &Traversal) -> EvalResult {
        if let Some((_, v)) = self.frames.iter().rev().find(|(n, _)| *n == t.root) {
            let v = v.clone();
            return apply_steps(v, &t.steps);
        }
        let (v, used) = self.scope.resolve(t).map_err(Diagnostics::from)?;
        apply_steps(v, &t.steps[used.min(t.steps.len())..])
    }

    fn splat(&mut self, source: &Expr, each: &Expr) -> EvalResult {
        let src = self.eval(source)?;
        let (src, marks) = src.unmark();
        let (items, as_list) = match &src {
            Value::Null(_) => return Ok(Value::tuple(Vec::new()).mark(marks)),
            Value::Unknown(_) => return Ok(Value::unknown().mark(marks)),
            Value::List(_, xs) | Value::Set(_, xs) => (xs.to_vec(), true),
            Value::Tuple(xs) => (xs.to_vec(), false),
            other => (vec![other.clone()], false),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            self.splat_items.push(item);
            let r = self.eval(each);
            self.splat_items.pop();
            out.push(r?);
        }
        let r = if as_list {
            match crate::value::convert::unify_values(&out) {
                Some((t, vals)) => Value::list(t, vals),
                None => Value::tuple(out),
            }
        } else {
            Value::tuple(out)
        };
        Ok(r.mark(marks))
    }

    /// Runs `f` with extra local names bound (iterators, `self`), then unbinds them.
    pub fn with_frame<T>(
        &mut self,
        binds: Vec<(String, Value)>,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let n = self.frames.len();
        self.frames.extend(binds);
        let r = f(self);
        self.frames.truncate(n);
        r
    }
}

/// The (key, value) pairs a `for` expression, a template `for` directive or a `dynamic`
/// block iterates: (index, element) for lists and tuples, (element, element) for sets,
/// (key, value) for maps and objects; `None` for anything else.
pub(crate) fn iteration_pairs(v: &Value) -> Option<Vec<(Value, Value)>> {
    Some(match v {
        Value::List(_, xs) | Value::Tuple(xs) => xs
            .iter()
            .enumerate()
            .map(|(i, x)| {
                (
                    Value::Number(crate::value::Number::from(i as i64)),
                    x.clone(),
                )
            })
            .collect(),
        Value::Set(_, xs) => xs.iter().map(|x| (x.clone(), x.clone())).collect(),
        Value::Map(_, m) | Value::Object(m) => m
            .iter()
            .map(|(k, x)| (Value::string(k.as_str()), x.clone()))
            .collect(),
        _ => return None,
    })
}

/// Applies static attribute/index steps to a value.
pub fn apply_steps(mut v: Value, steps: &[Step]) -> EvalResult {
    for s in steps {
        v = match s {
            Step::Attr(name, r) => v.get_attr(name).map_err(|e| access_diag(e, r))?,
            Step::Index(k, r) => v.index(k).map_err(|e| access_diag(e, r))?,
        };
    }
    Ok(v)
}

fn access_diag(e: AccessError, range: &Range) -> Diagnostics {
    Diagnostic::error(e.summary, e.detail, Some(range.clone())).into()
}

#[cfg(test)]
mod tests;
