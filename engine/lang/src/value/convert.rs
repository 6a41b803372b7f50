//! Type conversion and unification with Terraform's (cty's) rules.

use super::{Number, Type, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a conversion failed, phrased as Terraform phrases it ("string required").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// Path inside the value where the failure happened (`["a"][0]`), empty at the top.
    pub path: String,
    /// The reason, e.g. `number required`.
    pub message: String,
}

impl std::fmt::Display for ConvertError {
    /// cty's wording: `element 0: attribute "a": string required`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.path, self.message)
    }
}

fn err(message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: String::new(),
        message: message.into(),
    }
}

fn at(mut e: ConvertError, step: String) -> ConvertError {
    e.path = format!("{step}: {}", e.path);
    e
}

/// Converts `v` to type `want`, as cty's `convert.Convert` does (marks are preserved).
pub fn convert(v: &Value, want: &Type) -> Result<Value, ConvertError> {
    if let Value::Marked(inner, m) = v {
        return convert(inner, want).map(|r| r.mark(*m));
    }
    if *want == Type::Dynamic {
        return Ok(v.clone());
    }
    match v {
        Value::Null(t) => {
            return if conversion_possible(t, want) {
                Ok(Value::Null(want.clone()))
            } else {
                Err(mismatch(t, want))
            };
        }
        Value::Unknown(t) => {
            return if conversion_possible(t, want) {
                Ok(Value::Unknown(want.clone()))
            } else {
                Err(mismatch(t, want))
            };
        }
        _ => {}
    }
    match want {
        Type::Dynamic => Ok(v.clone()),
        Type::String => to_string(v).ok_or_else(|| mismatch(&v.ty(), want)),
        Type::Number => to_number(v),
        Type::Bool => to_bool(v),
        Type::List(et) => to_list(v, et, want),
        Type::Set(et) => to_set(v, et, want),
        Type::Map(et) => to_map(v, et, want),
        Type::Tuple(ets) => to_tuple(v, ets, want),
        Type::Object(attrs) => to_object(v, attrs, want),
    }
}

fn mismatch(have: &Type, want: &Type) -> ConvertError {
    match (have, want) {
        (Type::Object(_) | Type::Map(_), Type::Object(_)) => err("object required"),
        _ => err(format!("{} required", want.friendly_name())),
    }
}

fn to_string(v: &Value) -> Option<Value> {
    match v {
        Value::String(_) => Some(v.clone()),
        Value::Number(n) => Some(Value::string(n.to_string())),
        Value::Bool(b) => Some(Value::string(if *b { "true" } else { "false" })),
        _ => None,
    }
}

fn to_number(v: &Value) -> Result<Value, ConvertError> {
    match v {
        Value::Number(_) => Ok(v.clone()),
        Value::String(s) => Number::parse(s)
            .map(Value::Number)
            .ok_or_else(|| err("a number is required")),
        other => Err(mismatch(&other.ty(), &Type::Number)),
    }
}

fn to_bool(v: &Value) -> Result<Value, ConvertError> {
    match v {
        Value::Bool(_) => Ok(v.clone()),
        // cty also takes "1" and "0", and hints at lowercase for other spellings.
        Value::String(s) => match &**s {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            s if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                Err(err(format!(
                    "a bool is required; to convert from string, use lowercase {:?}",
                    s.to_ascii_lowercase()
                )))
            }
            _ => Err(err("a bool is required")),
        },
        other => Err(mismatch(&other.ty(), &Type::Bool)),
    }
}

/// Converts each element to `et` (unifying first when `et` is dynamic).
fn convert_elems(items: &[Value], et: &Type) -> Result<(Type, Vec<Value>), ConvertError> {
    let et = if et.has_dynamic() {
        let tys: Vec<Type> = items.iter().map(Value::ty).collect();
        match unify(&tys) {
            Some(u) if items.is_empty() => u,
            Some(u) => fill_dynamic(et, &u),
            None => return Err(err("all list elements must have the same type")),
        }
    } else {
        et.clone()
    };
    let out = items
        .iter()
        .enumerate()
        .map(|(i, x)| convert(x, &et).map_err(|e| at(e, format!("element {i}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((et, out))
}

/// Replaces `Dynamic` parts of a constraint with the concrete type found by unification.
fn fill_dynamic(constraint: &Type, concrete: &Type) -> Type {
    match (constraint, concrete) {
        (Type::Dynamic, c) => c.clone(),
        (Type::List(a), Type::List(b)) => Type::list(fill_dynamic(a, b)),
        (Type::Set(a), Type::Set(b)) => Type::set(fill_dynamic(a, b)),
        (Type::Map(a), Type::Map(b)) => Type::map(fill_dynamic(a, b)),
        _ => constraint.clone(),
    }
}

fn to_list(v: &Value, et: &Type, want: &Type) -> Result<Value, ConvertError> {
    match v {
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            let (et, out) = convert_elems(items, et)?;
            Ok(Value::List(et, Arc::new(out)))
        }
        other => Err(mismatch(&other.ty(), want)),
    }
}

fn to_set(v: &Value, et: &Type, want: &Type) -> Result<Value, ConvertError> {
    match v {
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            let (et, out) = convert_elems(items, et)?;
            Ok(super::set::make_set(et, out))
        }
        other => Err(mismatch(&other.ty(), want)),
    }
}

fn to_map(v: &Value, et: &Type, want: &Type) -> Result<Value, ConvertError> {
    let m = match v {
        Value::Map(_, m) | Value::Object(m) => m,
        other => return Err(mismatch(&other.ty(), want)),
    };
    let et = if et.has_dynamic() {
        let tys: Vec<Type> = m.values().map(Value::ty).collect();
        match unify(&tys) {
            Some(u) if m.is_empty() => u,
            Some(u) => fill_dynamic(et, &u),
            None => return Err(err("all map elements must have the same type")),
        }
    } else {
        et.clone()
    };
    let out = m
        .iter()
        .map(|(k, x)| {
            convert(x, &et)
                .map(|c| (k.clone(), c))
                .map_err(|e| at(e, format!("element {k:?}")))
        })
        .collect::<Result<BTreeMap<_, _>, _>>()?;
    Ok(Value::Map(et, Arc::new(out)))
}

fn to_tuple(v: &Value, ets: &[Type], want: &Type) -> Result<Value, ConvertError> {
    let items = match v {
        Value::Tuple(items) | Value::List(_, items) => items,
        other => return Err(mismatch(&other.ty(), want)),
    };
    if items.len() != ets.len() {
        return Err(err(format!("tuple required with {} elements", ets.len())));
    }
    let out = items
        .iter()
        .zip(ets)
        .enumerate()
        .map(|(i, (x, t))| convert(x, t).map_err(|e| at(e, format!("element {i}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::tuple(out))
}

fn to_object(
    v: &Value,
    attrs: &BTreeMap<String, Type>,
    want: &Type,
) -> Result<Value, ConvertError> {
    let m = match v {
        Value::Object(m) | Value::Map(_, m) => m,
        other => return Err(mismatch(&other.ty(), want)),
    };
    let mut out = BTreeMap::new();
    for (k, t) in attrs {
        match m.get(k) {
            Some(x) => {
                out.insert(
                    k.clone(),
                    convert(x, t).map_err(|e| at(e, format!(".{k}")))?,
                );
            }
            None => return Err(err(format!("attribute {k:?} is required"))),
        }
    }
    Ok(Value::object(out))
}

/// True when some value of type `have` could convert to `want` (used for nulls and unknowns).
pub fn conversion_possible(have: &Type, want: &Type) -> bool {
    match (have, want) {
        (_, Type::Dynamic) | (Type::Dynamic, _) => true,
        (a, b) if a == b => true,
        (a, b) if a.is_primitive() && b.is_primitive() => true,
        (Type::List(a) | Type::Set(a), Type::List(b) | Type::Set(b)) => conversion_possible(a, b),
        (Type::Tuple(ts), Type::List(b) | Type::Set(b)) => {
            ts.iter().all(|t| conversion_possible(t, b))
        }
        (Type::List(a), Type::Tuple(ts)) => ts.iter().all(|t| conversion_possible(a, t)),
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| conversion_possible(x, y))
        }
        (Type::Map(a), Type::Map(b)) => conversion_possible(a, b),
        (Type::Object(a), Type::Map(b)) => a.values().all(|t| conversion_possible(t, b)),
        (Type::Map(a), Type::Object(b)) => b.values().all(|t| conversion_possible(a, t)),
        (Type::Object(a), Type::Object(b)) => b
            .iter()
            .all(|(k, t)| a.get(k).is_some_and(|x| conversion_possible(x, t))),
        _ => false,
    }
}

/// The single type all of `types` can convert to, as cty's `convert.Unify` finds it.
pub fn unify(types: &[Type]) -> Option<Type> {
    let Some(first) = types.first() else {
        return Some(Type::Dynamic);
    };
    if types.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    let concrete: Vec<&Type> = types.iter().filter(|t| **t != Type::Dynamic).collect();
    if concrete.len() < types.len() {
        // A dynamic member: unify the rest, then everything converts to that.
        let rest: Vec<Type> = concrete.into_iter().cloned().collect();
        return unify(&rest);
    }
    if types.iter().all(Type::is_primitive) {
        let has_num = types.contains(&Type::Number);
        let has_bool = types.contains(&Type::Bool);
        return (!(has_num && has_bool) || types.contains(&Type::String)).then_some(Type::String);
    }
    unify_structural(types)
}

fn unify_structural(types: &[Type]) -> Option<Type> {
    match &types[0] {
        Type::List(_) | Type::Set(_) | Type::Map(_) => {
            let elems: Option<Vec<Type>> = types
                .iter()
                .map(|t| element_of_same_kind(&types[0], t))
                .collect();
            let et = unify(&elems?)?;
            Some(match &types[0] {
                Type::List(_) => Type::list(et),
                Type::Set(_) => Type::set(et),
                _ => Type::map(et),
            })
        }
        Type::Object(first) => {
            let objs: Option<Vec<&BTreeMap<String, Type>>> = types
                .iter()
                .map(|t| {
                    if let Type::Object(a) = t {
                        Some(a)
                    } else {
                        None
                    }
                })
                .collect();
            let objs = objs?;
            if objs.iter().all(|o| o.keys().eq(first.keys())) {
                let mut out = BTreeMap::new();
                for k in first.keys() {
                    let ts: Vec<Type> = objs.iter().map(|o| o[k].clone()).collect();
                    out.insert(k.clone(), unify(&ts)?);
                }
                return Some(Type::Object(out));
            }
            let all: Vec<Type> = objs.iter().flat_map(|o| o.values().cloned()).collect();
            unify(&all).map(Type::map)
        }
        Type::Tuple(first) => {
            let tups: Option<Vec<&Vec<Type>>> = types
                .iter()
                .map(|t| {
                    if let Type::Tuple(a) = t {
                        Some(a)
                    } else {
                        None
                    }
                })
                .collect();
            let tups = tups?;
            if tups.iter().all(|t| t.len() == first.len()) {
                let out: Option<Vec<Type>> = (0..first.len())
                    .map(|i| unify(&tups.iter().map(|t| t[i].clone()).collect::<Vec<_>>()))
                    .collect();
                return out.map(Type::Tuple);
            }
            let all: Vec<Type> = tups.iter().flat_map(|t| t.iter().cloned()).collect();
            unify(&all).map(Type::list)
        }
        _ => None,
    }
}

fn element_of_same_kind(kind: &Type, t: &Type) -> Option<Type> {
    match (kind, t) {
        (Type::List(_), Type::List(e))
        | (Type::Set(_), Type::Set(e))
        | (Type::Map(_), Type::Map(e)) => Some((**e).clone()),
        _ => None,
    }
}

/// Converts each value to the unified type of all of them (for conditionals and collections).
pub fn unify_values(values: &[Value]) -> Option<(Type, Vec<Value>)> {
    let tys: Vec<Type> = values.iter().map(Value::ty).collect();
    let t = unify(&tys)?;
    let out: Option<Vec<Value>> = values.iter().map(|v| convert(v, &t).ok()).collect();
    Some((t, out?))
}
