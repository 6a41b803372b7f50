//! Type conversion functions (`tobool`, `tolist`, `tomap`, `tonumber`, `toset`, `tostring`)
//! and the sensitivity functions (`sensitive`, `nonsensitive`, `issensitive`).

use super::{rt, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::convert::conversion_possible;
use crate::value::{convert, display::quote, unify, Type, Value};

pub(super) fn register(f: &mut Functions) {
    let v = || {
        vec![Param::new("v", Type::Dynamic)
            .nullable()
            .unknowns()
            .marked()]
    };
    f.add("tobool", Function::new(v(), Ret::Fixed(rt::bool), tobool));
    f.add(
        "tonumber",
        Function::new(v(), Ret::Fixed(rt::number), tonumber),
    );
    f.add(
        "tostring",
        Function::new(v(), Ret::Fixed(rt::string), tostring),
    );
    f.add("tolist", Function::new(v(), Ret::Fixed(list_any), tolist));
    f.add("toset", Function::new(v(), Ret::Fixed(set_any), toset));
    f.add("tomap", Function::new(v(), Ret::Fixed(map_any), tomap));
    let value = || {
        vec![Param::new("value", Type::Dynamic)
            .nullable()
            .unknowns()
            .marked()]
    };
    let same = Ret::Computed(first_type);
    f.add("sensitive", Function::new(value(), same, sensitive));
    f.add("nonsensitive", Function::new(value(), same, nonsensitive));
    f.add(
        "issensitive",
        Function::new(value(), Ret::Fixed(rt::bool), issensitive),
    );
}

fn list_any() -> Type {
    Type::list(Type::Dynamic)
}

fn set_any() -> Type {
    Type::set(Type::Dynamic)
}

fn map_any() -> Type {
    Type::map(Type::Dynamic)
}

fn first_type(args: &[Value]) -> Type {
    args.first().map_or(Type::Dynamic, Value::ty)
}

fn first(args: &[Value]) -> Value {
    args.first().cloned().unwrap_or_else(Value::null)
}

fn tobool(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    convert_to(first(args), &Type::Bool)
}

fn tonumber(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    convert_to(first(args), &Type::Number)
}

fn tostring(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    convert_to(first(args), &Type::String)
}

fn tolist(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    convert_to(first(args), &list_any())
}

fn toset(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    convert_to(first(args), &set_any())
}

fn tomap(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    convert_to(first(args), &map_any())
}

/// Terraform's `MakeToFunc`: a type check with explicit-conversion messages, then the
/// conversion itself (unknowns stay unknown, marks are kept).
fn convert_to(arg: Value, want: &Type) -> FnResult {
    let got = arg.ty();
    if got != *want && !type_convertible(&got, want) {
        return Err(FnError::arg(
            0,
            format!(
                "cannot convert {} to {}",
                got.friendly_name(),
                constraint_name(want)
            ),
        ));
    }
    if arg.is_unknown() {
        return Ok(Value::Unknown(want.clone()).mark(arg.marks()));
    }
    convert(&arg, want).map_err(|_| conversion_failure(&arg, want))
}

/// Whether cty's `GetConversionUnsafe` finds a conversion (for the constraint types the
/// `to*` functions use: primitives and collections of "any single type").
fn type_convertible(got: &Type, want: &Type) -> bool {
    match (want, got) {
        (_, Type::Dynamic) => true,
        (Type::List(_) | Type::Set(_), Type::List(_) | Type::Set(_)) => true,
        (Type::List(_) | Type::Set(_), Type::Tuple(ts)) => unify(ts).is_some(),
        (Type::Map(_), Type::Map(_)) => true,
        (Type::Map(_), Type::Object(attrs)) => {
            let ts: Vec<Type> = attrs.values().cloned().collect();
            unify(&ts).is_some()
        }
        (Type::List(_) | Type::Set(_) | Type::Map(_), _) => false,
        // Primitives convert through strings only (no number <-> bool).
        (Type::Bool | Type::Number, Type::Bool | Type::Number) => got == want,
        _ => conversion_possible(got, want),
    }
}

/// cty's `FriendlyNameForConstraint` for the `to*` targets.
fn constraint_name(want: &Type) -> String {
    match want {
        Type::List(_) => "list of any single type".into(),
        Type::Set(_) => "set of any single type".into(),
        Type::Map(_) => "map of any single type".into(),
        other => other.friendly_name(),
    }
}

/// The error for a value whose type converts but whose value does not.
fn conversion_failure(arg: &Value, want: &Type) -> FnError {
    let (val, _) = arg.clone().unmark_deep();
    let got = val.ty();
    let want_name = constraint_name(want);
    let what = || val.as_str().map_or_else(|| "string".to_string(), quote);
    let msg = if arg.is_sensitive_deep() {
        format!(
            "cannot convert this sensitive {} to {want_name}",
            got.friendly_name()
        )
    } else if got == Type::String && *want == Type::Bool {
        format!(
            "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
            what()
        )
    } else if got == Type::String && *want == Type::Number {
        format!(
            "cannot convert {} to number; given string must be a decimal representation of a number",
            what()
        )
    } else {
        format!("cannot convert {} to {want_name}", got.friendly_name())
    };
    FnError::arg(0, msg)
}

fn sensitive(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(first(args).sensitive())
}

/// Removes the top-level sensitive mark (nested marks stay). `Marks` only knows the sensitive
/// mark today, so removing it leaves the value unmarked.
fn nonsensitive(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let (v, _) = first(args).unmark();
    Ok(v)
}

/// True when the value itself is sensitive; unknown (not sensitive) values give unknown.
fn issensitive(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    let v = first(args);
    Ok(if v.marks().is_sensitive() {
        Value::Bool(true)
    } else if v.is_unknown() {
        Value::Unknown(Type::Bool)
    } else {
        Value::Bool(false)
    })
}

#[cfg(test)]
#[path = "typeconv_tests.rs"]
mod tests;
