//! Unary and binary operators with HCL's conversion, unknown and mark rules.

use super::EvalResult;
use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::syntax::{BinaryOp, UnaryOp};
use crate::value::{convert, Number, Type, Value};

fn operand_err(side: &str, msg: impl std::fmt::Display, range: &Range) -> Diagnostics {
    Diagnostic::error(
        "Invalid operand",
        format!("Unsuitable value for {side} operand: {msg}."),
        Some(range.clone()),
    )
    .into()
}

fn failed(msg: &str, range: &Range) -> Diagnostics {
    Diagnostic::error(
        "Operation failed",
        format!("Error during operation: {msg}."),
        Some(range.clone()),
    )
    .into()
}

/// `-x` and `!x`.
pub(super) fn unary(op: UnaryOp, v: Value, range: &Range) -> EvalResult {
    let (v, marks) = v.unmark_deep();
    let want = match op {
        UnaryOp::Neg => Type::Number,
        UnaryOp::Not => Type::Bool,
    };
    if v.is_null() {
        return Err(failed("argument must not be null", range));
    }
    let v = convert(&v, &want).map_err(|e| operand_err("unary", e, range))?;
    let r = match (&v, op) {
        (Value::Unknown(_), _) => Value::Unknown(want),
        (Value::Number(n), UnaryOp::Neg) => Value::Number(n.neg()),
        (Value::Bool(b), UnaryOp::Not) => Value::Bool(!b),
        _ => Value::Unknown(want),
    };
    Ok(r.mark(marks))
}

/// `a op b`.
pub(super) fn binary(
    op: BinaryOp,
    a: Value,
    b: Value,
    lr: &Range,
    rr: &Range,
    range: &Range,
) -> EvalResult {
    use BinaryOp::*;
    if matches!(op, Eq | NotEq) {
        let r = a.equals(&b);
        return Ok(if op == NotEq { negate(r) } else { r });
    }
    let (a, ma) = a.unmark_deep();
    let (b, mb) = b.unmark_deep();
    let marks = ma.union(mb);
    let want = if matches!(op, And | Or) {
        Type::Bool
    } else {
        Type::Number
    };
    let (a, b) = match (convert(&a, &want), convert(&b, &want)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            // Like HCL, report every unsuitable operand, not only the first.
            let mut d = Diagnostics::new();
            if let Err(e) = a {
                d.extend(operand_err("left", e, lr));
            }
            if let Err(e) = b {
                d.extend(operand_err("right", e, rr));
            }
            return Err(d);
        }
    };
    if a.is_null() || b.is_null() {
        return Err(failed("argument must not be null", range));
    }
    let result_ty = if matches!(op, Add | Sub | Mul | Div | Mod) {
        Type::Number
    } else {
        Type::Bool
    };
    if a.is_unknown() || b.is_unknown() {
        return Ok(Value::Unknown(result_ty).mark(marks));
    }
    let r = match (&a, &b) {
        (Value::Bool(x), Value::Bool(y)) => {
            Value::Bool(if op == And { *x && *y } else { *x || *y })
        }
        (Value::Number(x), Value::Number(y)) => arith(op, x, y, range)?,
        _ => Value::Unknown(result_ty),
    };
    Ok(r.mark(marks))
}

fn arith(op: BinaryOp, x: &Number, y: &Number, range: &Range) -> EvalResult {
    use BinaryOp::*;
    let n = match op {
        Add => x
            .add(y)
            .ok_or_else(|| failed("can't compute the sum of opposing infinities", range))?,
        Sub => x
            .sub(y)
            .ok_or_else(|| failed("can't subtract infinity from itself", range))?,
        Mul => x
            .mul(y)
            .ok_or_else(|| failed("can't multiply zero by infinity", range))?,
        Div => x
            .div(y)
            .ok_or_else(|| failed("can't divide zero by zero or infinity by infinity", range))?,
        Mod => x
            .rem(y)
            .ok_or_else(|| failed("can't use modulo with infinity", range))?,
        Lt => return Ok(Value::Bool(x < y)),
        LtEq => return Ok(Value::Bool(x <= y)),
        Gt => return Ok(Value::Bool(x > y)),
        GtEq => return Ok(Value::Bool(x >= y)),
        Eq | NotEq | And | Or => unreachable!("handled by the caller"),
    };
    Ok(Value::Number(n))
}

fn negate(v: Value) -> Value {
    let (inner, m) = v.unmark();
    let r = match inner {
        Value::Bool(b) => Value::Bool(!b),
        other => other,
    };
    r.mark(m)
}
