//! The conditional operator `c ? a : b`, as HCL's `ConditionalExpr` evaluates it: both
//! results are evaluated and their types unified (cty's `UnifyUnsafe`) before the condition
//! is looked at, so `x ? [] : var.list` has the list's type whichever branch is taken; only
//! the taken branch's errors are reported.

use super::{EvalResult, Evaluator};
use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::syntax::Expr;
use crate::value::unify::unify_types;
use crate::value::{convert, Type, Value};

/// Which branch a conversion or error belongs to.
struct Branch<'e> {
    name: &'static str,
    expr: &'e Expr,
    result: EvalResult,
    convert: bool,
}

impl Evaluator<'_> {
    /// Evaluates `c ? a : b`.
    pub(super) fn conditional(&mut self, c: &Expr, a: &Expr, b: &Expr) -> EvalResult {
        // A branch that fails is DynamicVal to the type check, as in HCL.
        let mut t = Branch::new("true", a, self.eval(a));
        let mut f = Branch::new("false", b, self.eval(b));
        let (tv, fv) = (t.value(), f.value());
        let ty = if is_untyped_null(&tv) {
            t.convert = true;
            fv.ty()
        } else if is_untyped_null(&fv) {
            f.convert = true;
            tv.ty()
        } else if tv.ty() == Type::Dynamic || fv.ty() == Type::Dynamic {
            Type::Dynamic
        } else {
            let (tt, ft) = (tv.ty(), fv.ty());
            let Some(ty) = unify_types(&[tt.clone(), ft.clone()], true) else {
                return Err(mismatch_diag(&tt, &ft, a.range.to(&b.range)));
            };
            t.convert = tt != ty;
            f.convert = ft != ty;
            ty
        };
        let cond = self.eval(c)?;
        let (cond, cond_marks) = cond.unmark();
        if cond.is_null() {
            return Err(Diagnostic::error(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                Some(c.range.clone()),
            )
            .into());
        }
        let marks = cond_marks.union(tv.marks()).union(fv.marks());
        if cond.is_unknown() {
            let both_null = tv.is_null() && fv.is_null();
            let r = if both_null {
                Value::Null(ty)
            } else {
                Value::Unknown(ty)
            };
            return Ok(r.mark(marks));
        }
        let chosen = match convert(&cond, &Type::Bool).ok().and_then(|v| v.as_bool()) {
            Some(true) => t,
            Some(false) => f,
            None => {
                return Err(Diagnostic::error(
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                    Some(c.range.clone()),
                )
                .into())
            }
        };
        chosen.finish(&ty).map(|v| v.unmark().0.mark(marks))
    }
}

impl<'e> Branch<'e> {
    fn new(name: &'static str, expr: &'e Expr, result: EvalResult) -> Self {
        Branch {
            name,
            expr,
            result,
            convert: false,
        }
    }

    /// The branch's value, or DynamicVal when it failed.
    fn value(&self) -> Value {
        self.result
            .as_ref()
            .map_or(Value::Unknown(Type::Dynamic), Value::clone)
    }

    /// The taken branch's value converted to the result type, or its errors.
    fn finish(self, ty: &Type) -> EvalResult {
        let v = self.result?;
        if !self.convert {
            return Ok(v);
        }
        convert(&v, ty).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Inconsistent conditional result types",
                // HCL prints the cty error's message without its path.
                format!(
                    "The {} result value has the wrong type: {}.",
                    self.name, e.message
                ),
                Some(self.expr.range.clone()),
            ))
        })
    }
}

/// A literal `null` (an unmarked null of no type), which takes the other branch's type.
fn is_untyped_null(v: &Value) -> bool {
    matches!(v, Value::Null(Type::Dynamic))
}

fn mismatch_diag(t: &Type, f: &Type, range: Range) -> Diagnostics {
    Diagnostic::error(
        "Inconsistent conditional result types",
        format!(
            "The true and false result expressions must have consistent types. {}.",
            describe_mismatch(t, f)
        ),
        Some(range),
    )
    .into()
}

/// HCL's `describeConditionalTypeMismatch`: names the first differing attribute or element
/// of two structural types, else the two types' friendly names.
fn describe_mismatch(t: &Type, f: &Type) -> String {
    match (t, f) {
        (Type::Object(ta), Type::Object(fa)) => {
            for (name, tt) in ta {
                match fa.get(name) {
                    None => return format!("The 'true' value includes object attribute {name:?}, which is absent in the 'false' value"),
                    Some(ft) if ft != tt => {
                        return format!(
                            "Type mismatch for object attribute {name:?}: {}",
                            describe_mismatch(tt, ft)
                        )
                    }
                    Some(_) => {}
                }
            }
            if let Some(name) = fa.keys().find(|k| !ta.contains_key(*k)) {
                return format!("The 'false' value includes object attribute {name:?}, which is absent in the 'true' value");
            }
        }
        (Type::Tuple(te), Type::Tuple(fe)) => {
            if te.len() != fe.len() {
                return format!(
                    "The 'true' tuple has length {}, but the 'false' tuple has length {}",
                    te.len(),
                    fe.len()
                );
            }
            if let Some(i) = (0..te.len()).find(|&i| te[i] != fe[i]) {
                return format!(
                    "Type mismatch for tuple element {i}: {}",
                    describe_mismatch(&te[i], &fe[i])
                );
            }
        }
        (Type::List(te), Type::List(fe))
        | (Type::Set(te), Type::Set(fe))
        | (Type::Map(te), Type::Map(fe))
            if matches!(
                (&**te, &**fe),
                (Type::Object(_), Type::Object(_)) | (Type::Tuple(_), Type::Tuple(_))
            ) =>
        {
            let noun = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            return format!(
                "Mismatched {noun} element types: {}",
                describe_mismatch(te, fe)
            );
        }
        _ => {}
    }
    let (tn, fn_) = (t.friendly_name(), f.friendly_name());
    if tn == fn_ {
        return "At least one deeply-nested attribute or element is not compatible across both the 'true' and the 'false' value".into();
    }
    format!("The 'true' value is {tn}, but the 'false' value is {fn_}")
}

#[cfg(test)]
#[path = "conditional_tests.rs"]
mod tests;
