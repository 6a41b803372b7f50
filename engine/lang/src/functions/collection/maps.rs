//! Map and object functions: keys, values, lookup, merge, zipmap, transpose, matchkeys.

use super::seq;
use crate::functions::{rt, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{convert, Marks, Type, Value, ValueMap};
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
            vec![
                any("inputMap").unknowns().marked(),
                Param::new("key", Type::String).unknowns().marked(),
            ],
            Ret::Fixed(rt::dynamic),
            lookup,
        )
        .variadic(any("default").nullable().unknowns().marked()),
    );
    f.add(
        "merge",
        Function::new(vec![], Ret::Computed(merge_type), merge)
            .variadic(any("maps").nullable().marked().unknowns()),
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
        Value::Map(..) | Value::Object(..) => {
            Ok(v.as_entries().map(ValueMap::to_btree).unwrap_or_default())
        }
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

/// Terraform's `lookup` result type: the attribute's (or the default's) type for an object,
/// the element type for a map, whose default must convert to it.
fn lookup_type(a: &[Value]) -> Result<Type, FnError> {
    if a.len() > 3 {
        return Err(FnError::new(format!(
            "lookup() takes two or three arguments, got {}",
            a.len()
        )));
    }
    match a[0].ty() {
        Type::Object(attrs) => {
            let Some(key) = a[1].unmarked().as_str() else {
                return Ok(Type::Dynamic);
            };
            match (attrs.get(key), a.get(2)) {
                (Some(t), _) => Ok(t.clone()),
                (None, Some(d)) => Ok(d.ty()),
                (None, None) => Err(FnError::arg(
                    0,
                    format!("the given object has no attribute {key:?}"),
                )),
            }
        }
        Type::Map(et) => {
            if a.get(2).is_some_and(|d| convert(d, &et).is_err()) {
                return Err(FnError::arg(
                    2,
                    "the default value must have the same type as the map elements",
                ));
            }
            Ok(*et)
        }
        _ => Err(FnError::arg(
            0,
            "lookup() requires a map as the first argument",
        )),
    }
}

/// Terraform's `lookup`: the map's and key's marks go on the result; the default keeps its own.
fn lookup(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    if a[0].ty() == Type::Dynamic {
        // cty does not call a function with a value of no type yet: the result is unknown.
        return Ok(Value::Unknown(Type::Dynamic));
    }
    let ret = lookup_type(a)?;
    let (m, map_marks) = a[0].clone().unmark();
    let (key, key_marks) = a[1].clone().unmark();
    let marks = map_marks.union(key_marks);
    let (Some(entries), Some(k)) = (m.as_entries(), key.as_str()) else {
        return Ok(Value::Unknown(ret).mark(marks));
    };
    if let Some(v) = entries.get(k) {
        return Ok(v.clone().mark(marks));
    }
    match a.get(2) {
        Some(d) => convert(d, &ret)
            .map(|v| v.mark(marks))
            .map_err(|e| FnError::new(e.to_string())),
        None if key_marks.is_sensitive() => {
            Err(FnError::new("lookup failed to find key (sensitive value)"))
        }
        None => Err(FnError::new(format!("lookup failed to find key {k:?}"))),
    }
}

/// cty's `merge` result type: the arguments' type when they all share one, an object of every
/// attribute otherwise (dynamic when an argument is dynamic, or an unknown map hides keys).
fn merge_type(a: &[Value]) -> Type {
    let Some(first) = a.first().map(Value::ty) else {
        return Type::Object(BTreeMap::new());
    };
    let mut attrs = BTreeMap::new();
    let mut keys_known = true;
    for v in a {
        match v.ty() {
            Type::Dynamic => return Type::Dynamic,
            Type::Object(at) if !v.is_null() => attrs.extend(at),
            Type::Map(et) if !v.is_null() => match v.as_entries() {
                Some(m) => attrs.extend(m.keys().map(|k| (k.clone(), (*et).clone()))),
                None => keys_known = false,
            },
            _ => {}
        }
    }
    if a.iter().all(|v| v.ty() == first) {
        first
    } else if keys_known {
        Type::Object(attrs)
    } else {
        Type::Dynamic
    }
}

/// cty's `merge`: later arguments win; each argument's own marks go on the result, marks
/// inside stay where they are.
fn merge(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    if let Some(v) = a
        .iter()
        .find(|v| !matches!(v.ty(), Type::Map(_) | Type::Object(_) | Type::Dynamic))
    {
        return Err(FnError::new(format!(
            "arguments must be maps or objects, got {:?}",
            v.ty().friendly_name()
        )));
    }
    let ret = merge_type(a);
    // Only a wholly unknown argument hides the result; unknowns inside arguments stay in place.
    if a.iter().any(Value::is_unknown) {
        return Ok(Value::Unknown(ret));
    }
    let mut out = BTreeMap::new();
    let mut marks = Marks::NONE;
    for v in a.iter().filter(|v| !v.is_null()) {
        let (v, m) = v.clone().unmark();
        marks = marks.union(m);
        if let Some(entries) = v.as_entries() {
            out.extend(entries.iter().map(|(k, x)| (k.clone(), x.clone())));
        }
    }
    let r = match ret {
        Type::Map(et) => Value::map(*et, out.into()),
        _ => Value::object(out.into()),
    };
    Ok(r.mark(marks))
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
        Value::List(et, _) => Value::map(et.clone(), out.into()),
        _ => Value::object(out.into()),
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
