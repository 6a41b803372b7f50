//! Map and object functions: keys, values, lookup, merge, zipmap, transpose, matchkeys.

use super::seq;
use crate::functions::{rt, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::convert::unify_values;
use crate::value::{Type, Value};
use std::collections::BTreeMap;

fn any(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
}

pub(super) fn register(f: &mut Functions) {
    f.add(
        "keys",
        Function::new(vec![any("inputMap")], Ret::Fixed(rt::dynamic), keys),
    );
    f.add(
        "values",
        Function::new(vec![any("mapping")], Ret::Fixed(rt::dynamic), values),
    );
    f.add(
        "lookup",
        Function::new(
            vec![any("inputMap"), Param::new("key", Type::String)],
            Ret::Fixed(rt::dynamic),
            lookup,
        )
        .variadic(any("default").nullable()),
    );
    f.add(
        "merge",
        Function::new(vec![], Ret::Fixed(rt::dynamic), merge).variadic(any("maps").nullable()),
    );
    f.add(
        "zipmap",
        Function::new(
            vec![Param::new("keys", Type::list(Type::String)), any("values")],
            Ret::Fixed(rt::dynamic),
            zipmap,
        ),
    );
    f.add(
        "transpose",
        Function::new(
            vec![Param::new("values", Type::map(Type::list(Type::String)))],
            Ret::Fixed(|| Type::map(Type::list(Type::String))),
            transpose,
        ),
    );
    f.add(
        "matchkeys",
        Function::new(
            vec![
                Param::new("values", Type::list(Type::Dynamic)),
                Param::new("keys", Type::list(Type::Dynamic)),
                Param::new("searchset", Type::list(Type::Dynamic)),
            ],
            Ret::Fixed(rt::dynamic),
            matchkeys,
        ),
    );
}

fn entries(v: &Value, i: usize) -> Result<BTreeMap<String, Value>, FnError> {
    match v.unmarked() {
        Value::Map(..) | Value::Object(..) => Ok(v.as_entries().cloned().unwrap_or_default()),
        _ => Err(FnError::arg(i, "must have map or object type")),
    }
}

fn keys(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let m = entries(&a[0], 0)?;
    let ks: Vec<Value> = m.keys().map(|k| Value::string(k.as_str())).collect();
    Ok(match a[0].unmarked() {
        Value::Map(..) => Value::list(Type::String, ks),
        _ => Value::tuple(ks),
    })
}

fn values(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let m = entries(&a[0], 0)?;
    let vs: Vec<Value> = m.into_values().collect();
    Ok(match a[0].unmarked() {
        Value::Map(et, _) => Value::list(et.clone(), vs),
        _ => Value::tuple(vs),
    })
}

fn lookup(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    if a.len() > 3 {
        return Err(FnError::new("lookup() takes at most three arguments"));
    }
    let m = match a[0].unmarked() {
        Value::Map(..) | Value::Object(..) => a[0].as_entries().cloned().unwrap_or_default(),
        _ => {
            return Err(FnError::arg(
                0,
                "the first argument must be a map or object",
            ))
        }
    };
    let key = a[1].as_str().unwrap_or_default();
    if let Some(v) = m.get(key) {
        return Ok(match (a.get(2), v) {
            (Some(d), v) if !d.is_null() => {
                unify_values(&[v.clone(), d.clone()]).map_or(v.clone(), |(_, vs)| vs[0].clone())
            }
            _ => v.clone(),
        });
    }
    match a.get(2) {
        Some(d) => Ok(d.clone()),
        None => match a[0].unmarked() {
            Value::Object(_) => Err(FnError::arg(
                0,
                format!("the given object has no attribute {key:?}"),
            )),
            _ => Err(FnError::new(format!("lookup failed to find key {key:?}"))),
        },
    }
}

fn merge(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut out = BTreeMap::new();
    let mut any_object = false;
    for (i, v) in a.iter().enumerate() {
        if v.is_null() {
            continue;
        }
        match v.unmarked() {
            Value::Object(_) => any_object = true,
            Value::Map(..) => {}
            _ => {
                return Err(FnError::arg(
                    i,
                    "arguments must be maps or objects, got \"".to_string()
                        + &v.ty().friendly_name()
                        + "\"",
                ))
            }
        }
        out.extend(entries(v, i)?);
    }
    if !any_object {
        let vals: Vec<Value> = out.values().cloned().collect();
        if let Some((t, conv)) = unify_values(&vals) {
            let t = if vals.is_empty() {
                a.iter()
                    .find_map(|v| v.ty().element_type().cloned())
                    .unwrap_or(Type::Dynamic)
            } else {
                t
            };
            return Ok(Value::map(t, out.keys().cloned().zip(conv).collect()));
        }
    }
    Ok(Value::object(out))
}

fn zipmap(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let ks = seq(&a[0]);
    let vs = match a[1].unmarked() {
        Value::List(..) | Value::Tuple(..) => seq(&a[1]),
        _ => return Err(FnError::arg(1, "must be a list or tuple")),
    };
    if ks.len() != vs.len() {
        return Err(FnError::new(format!(
            "number of keys ({}) does not match number of values ({})",
            ks.len(),
            vs.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (k, v) in ks.iter().zip(vs) {
        let key = k
            .as_str()
            .ok_or_else(|| FnError::arg(0, "keys must not be null"))?;
        out.insert(key.to_string(), v);
    }
    Ok(match a[1].unmarked() {
        Value::List(et, _) => Value::map(et.clone(), out),
        _ => Value::object(out),
    })
}

fn transpose(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, list) in entries(&a[0], 0)? {
        for v in seq(&list) {
            let s = v
                .as_str()
                .ok_or_else(|| FnError::arg(0, "input must not contain null list elements"))?;
            out.entry(s.to_string())
                .or_default()
                .push(Value::string(k.as_str()));
        }
    }
    Ok(Value::map(
        Type::list(Type::String),
        out.into_iter()
            .map(|(k, vs)| (k, Value::list(Type::String, vs)))
            .collect(),
    ))
}

fn matchkeys(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let (vals, ks, search) = (seq(&a[0]), seq(&a[1]), seq(&a[2]));
    if vals.len() != ks.len() {
        return Err(FnError::new("length of keys and values should be equal"));
    }
    let mut out = Vec::new();
    for (v, k) in vals.iter().zip(&ks) {
        if search.iter().any(|s| s.equals(k).as_bool() == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(
        a[0].ty().element_type().cloned().unwrap_or(Type::Dynamic),
        out,
    ))
}
