//! Set functions: setunion, setintersection, setsubtract, setproduct.

use super::seq;
use crate::functions::{rt, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::convert::unify;
use crate::value::{convert, make_set, Type, Value};

fn set_param(name: &'static str) -> Param {
    Param::new(name, Type::set(Type::Dynamic))
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "setunion",
        Function::new(
            vec![set_param("first_set")],
            Ret::Fixed(rt::dynamic),
            setunion,
        )
        .variadic(set_param("other_sets")),
    );
    f.add(
        "setintersection",
        Function::new(
            vec![set_param("first_set")],
            Ret::Fixed(rt::dynamic),
            setintersection,
        )
        .variadic(set_param("other_sets")),
    );
    f.add(
        "setsubtract",
        Function::new(
            vec![set_param("a"), set_param("b")],
            Ret::Fixed(rt::dynamic),
            setsubtract,
        ),
    );
    f.add(
        "setproduct",
        Function::new(vec![], Ret::Fixed(rt::dynamic), setproduct)
            .variadic(Param::new("sets", Type::Dynamic)),
    );
}

/// Converts all sets to their unified element type.
fn unified(a: &[Value]) -> Result<(Type, Vec<Vec<Value>>), FnError> {
    let tys: Vec<Type> = a
        .iter()
        .filter_map(|v| v.ty().element_type().cloned())
        .filter(|t| *t != Type::Dynamic || a.len() == 1)
        .collect();
    let et = unify(&tys)
        .ok_or_else(|| FnError::new("given sets must all have compatible element types"))?;
    let sets = a
        .iter()
        .map(|v| {
            seq(v)
                .iter()
                .map(|x| convert(x, &et).unwrap_or_else(|_| x.clone()))
                .collect()
        })
        .collect();
    Ok((et, sets))
}

fn contains(set: &[Value], x: &Value) -> bool {
    set.iter().any(|y| y.equals(x).as_bool() == Some(true))
}

fn setunion(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let (et, sets) = unified(a)?;
    Ok(make_set(et, sets.into_iter().flatten().collect()))
}

fn setintersection(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let (et, sets) = unified(a)?;
    let out = sets[0]
        .iter()
        .filter(|x| sets[1..].iter().all(|s| contains(s, x)))
        .cloned()
        .collect();
    Ok(make_set(et, out))
}

fn setsubtract(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let (et, sets) = unified(a)?;
    let out = sets[0]
        .iter()
        .filter(|x| !contains(&sets[1], x))
        .cloned()
        .collect();
    Ok(make_set(et, out))
}

fn setproduct(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    if a.len() < 2 {
        return Err(FnError::new("at least two arguments are required"));
    }
    let mut all_sets = true;
    let mut lists = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        match v.unmarked() {
            Value::Set(..) => {}
            Value::List(..) | Value::Tuple(..) => all_sets = false,
            _ => return Err(FnError::arg(i, "a set or a list is required")),
        }
        lists.push(seq(v));
    }
    let mut rows: Vec<Vec<Value>> = vec![Vec::new()];
    for l in &lists {
        rows = rows
            .iter()
            .flat_map(|r| {
                l.iter().map(move |x| {
                    let mut r = r.clone();
                    r.push(x.clone());
                    r
                })
            })
            .collect();
    }
    let tuples: Vec<Value> = rows.into_iter().map(Value::tuple).collect();
    let et = tuples.first().map_or(Type::Dynamic, Value::ty);
    Ok(if all_sets {
        make_set(et, tuples)
    } else {
        Value::list(et, tuples)
    })
}
