//! Numeric functions: abs, ceil, floor, log, max, min, parseint, pow, signum.

use super::{gomath, rt, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{display::quote, Number, Type, Value};
use num_bigint::{BigInt, BigUint};
use std::cmp::Ordering;

/// gocty's message when a number does not fit an `int`.
pub(super) const NOT_WHOLE: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";

/// gocty's message when a number does not fit a `float64`.
const NOT_FLOAT64: &str = "value must be between -179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000 and 179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000 inclusive";

pub(super) fn register(f: &mut Functions) {
    let num = || vec![Param::new("num", Type::Number)];
    let number = Ret::Fixed(rt::number);
    f.add("abs", Function::new(num(), number, abs));
    f.add("ceil", Function::new(num(), number, ceil));
    f.add("floor", Function::new(num(), number, floor));
    f.add("signum", Function::new(num(), number, signum));
    let two = |b: &'static str| vec![Param::new("num", Type::Number), Param::new(b, Type::Number)];
    f.add("log", Function::new(two("base"), number, log));
    f.add("pow", Function::new(two("power"), number, pow));
    let numbers = Param::new("numbers", Type::Number);
    f.add(
        "max",
        Function::new(vec![], number, max).variadic(numbers.clone()),
    );
    f.add("min", Function::new(vec![], number, min).variadic(numbers));
    f.add(
        "parseint",
        Function::new(
            vec![
                Param::new("number", Type::Dynamic).unknowns().marked(),
                Param::new("base", Type::Number).unknowns().marked(),
            ],
            Ret::Computed(parseint_type),
            parseint,
        ),
    );
}

/// The number argument `i` (the framework guarantees a known number).
fn num_arg(args: &[Value], i: usize) -> Number {
    args.get(i)
        .and_then(Value::as_number)
        .cloned()
        .unwrap_or_else(|| Number::from(0))
}

fn abs(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::Number(num_arg(args, 0).abs()))
}

fn ceil(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::Number(whole(num_arg(args, 0), Number::ceil)))
}

fn floor(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::Number(whole(num_arg(args, 0), Number::floor)))
}

/// Rounds to a whole number as cty does (via big.Int, so never a negative zero).
fn whole(n: Number, round: fn(&Number) -> Number) -> Number {
    if n.is_infinite() {
        return n;
    }
    let r = round(&n);
    if r.signum() == 0 {
        Number::from(0)
    } else {
        r
    }
}

/// Converts to float64 as gocty does: rounding is fine, overflowing to infinity is not.
fn to_float64(n: &Number) -> Result<f64, FnError> {
    let f = n.to_f64();
    if f.is_infinite() && !n.is_infinite() {
        return Err(FnError::new(NOT_FLOAT64));
    }
    Ok(f)
}

/// A float64 result; NaN is what makes cty's `NumberFloatVal` panic.
fn float_result(f: f64) -> FnResult {
    if f.is_nan() {
        return Err(FnError::new(
            "panic in function implementation: Float.SetFloat64(NaN)",
        ));
    }
    Ok(Value::Number(Number::from_f64(f)))
}

fn log(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let num = to_float64(&num_arg(args, 0))?;
    let base = to_float64(&num_arg(args, 1))?;
    float_result(gomath::log(num) / gomath::log(base))
}

fn pow(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let num = to_float64(&num_arg(args, 0))?;
    let power = to_float64(&num_arg(args, 1))?;
    float_result(gomath::pow(num, power))
}

fn signum(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let n = num_arg(args, 0);
    let i = n.to_i64().ok_or_else(|| FnError::new(NOT_WHOLE))?;
    Ok(Value::int(i.signum()))
}

/// big.Float comparison: -0 and +0 are equal.
fn num_cmp(a: &Number, b: &Number) -> Ordering {
    if a.signum() == 0 && b.signum() == 0 {
        Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// max/min: the first argument that is strictly beyond all earlier ones (cty's loop).
fn extreme(args: &[Value], want: Ordering, start: Number) -> FnResult {
    if args.is_empty() {
        return Err(FnError::new("must pass at least one number"));
    }
    let mut best = start;
    for i in 0..args.len() {
        let n = num_arg(args, i);
        if num_cmp(&n, &best) == want {
            best = n;
        }
    }
    Ok(Value::Number(best))
}

fn max(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    extreme(args, Ordering::Greater, Number::neg_infinity())
}

fn min(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    extreme(args, Ordering::Less, Number::infinity())
}

fn parseint_type(args: &[Value]) -> Type {
    match args.first().map(Value::ty) {
        Some(Type::Dynamic) => Type::Dynamic,
        _ => Type::Number,
    }
}

fn parseint(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let (num, num_marks) = args.first().cloned().unwrap_or_else(Value::null).unmark();
    let (base, base_marks) = args.get(1).cloned().unwrap_or_else(Value::null).unmark();
    let marks = num_marks.union(base_marks);
    match num.ty() {
        Type::Dynamic => return Ok(Value::Unknown(Type::Dynamic).mark(marks)),
        Type::String => {}
        other => {
            return Err(FnError::arg(
                0,
                format!(
                    "first argument must be a string, not {}",
                    other.friendly_name()
                ),
            ))
        }
    }
    if num.is_unknown() || base.is_unknown() {
        return Ok(Value::Unknown(Type::Number).mark(marks));
    }
    let text = num.as_str().unwrap_or_default();
    let base = base
        .as_number()
        .and_then(Number::to_i64)
        .ok_or_else(|| FnError::arg(1, NOT_WHOLE))?;
    if !(2..=62).contains(&base) {
        return Err(FnError::arg(
            1,
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let parsed = parse_big_int(text, base as u32).ok_or_else(|| {
        FnError::arg(
            0,
            format!("cannot parse {} as a base {base} integer", quote(text)),
        )
    })?;
    let n = Number::parse(&parsed.to_string()).ok_or_else(|| FnError::arg(0, "invalid number"))?;
    Ok(Value::Number(n).mark(marks))
}

/// Go's `big.Int.SetString(s, base)` for 2 ≤ base ≤ 62: optional sign, at least one digit,
/// no prefixes or underscores; letters are case-insensitive up to base 36, beyond that
/// `a`–`z` are 10–35 and `A`–`Z` are 36–61.
fn parse_big_int(s: &str, base: u32) -> Option<BigInt> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let values = digits
        .chars()
        .map(|c| {
            let d = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'a'..='z' => c as u32 - 'a' as u32 + 10,
                'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
                'A'..='Z' => c as u32 - 'A' as u32 + 36,
                _ => return None,
            };
            u8::try_from(d).ok().filter(|d| u32::from(*d) < base)
        })
        .collect::<Option<Vec<u8>>>()?;
    if values.is_empty() {
        return None;
    }
    let n = BigInt::from(BigUint::from_radix_be(&values, base)?);
    Some(if neg { -n } else { n })
}

#[cfg(test)]
#[path = "numeric_tests.rs"]
mod tests;
