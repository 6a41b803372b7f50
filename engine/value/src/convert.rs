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
        .collect::<Result<crate::ValueMap, _>>()?;
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
    let mut out = crate::ValueMap::new();
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

/// True when some value of type `have` could convert to `want` (used for nulls and unknowns):
/// cty's `GetConversionUnsafe` finds a conversion.
pub fn conversion_possible(have: &Type, want: &Type) -> bool {
    super::unify::can_convert(have, want, true)
}

/// The single type all of `types` can convert to, as cty's `convert.UnifyUnsafe` finds it
/// (`Dynamic` for no types at all).
pub fn unify(types: &[Type]) -> Option<Type> {
    if types.is_empty() {
        return Some(Type::Dynamic);
    }
    super::unify::unify_types(types, true)
}

/// Converts each value to the unified type of all of them (for conditionals and collections).
pub fn unify_values(values: &[Value]) -> Option<(Type, Vec<Value>)> {
    let tys: Vec<Type> = values.iter().map(Value::ty).collect();
    let t = unify(&tys)?;
    let out: Option<Vec<Value>> = values.iter().map(|v| convert(v, &t).ok()).collect();
    Some((t, out?))
}
