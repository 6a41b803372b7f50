//! Values to and from JSON, as Terraform writes them in state and in `show -json` (ctyjson).

use super::{make_set, Number, PathStep, Type, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// A known value as JSON; unknowns become `null` (use [`unknown_mask`] to find them) and marks
/// are dropped (use [`sensitive_mask`]).
pub fn to_json(v: &Value) -> Json {
    match v.unmarked() {
        Value::Null(_) | Value::Unknown(_) | Value::Marked(..) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => number_json(n),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            Json::Array(xs.iter().map(to_json).collect())
        }
        Value::Map(_, m) | Value::Object(m) => {
            Json::Object(m.iter().map(|(k, x)| (k.clone(), to_json(x))).collect())
        }
    }
}

fn number_json(n: &Number) -> Json {
    if n.is_infinite() {
        return Json::Null;
    }
    let text = n.to_string();
    serde_json::from_str::<serde_json::Number>(&text)
        .map(Json::Number)
        .unwrap_or(Json::Null)
}

/// Terraform's `after_unknown` shape: `true` where unknown, structure where partly unknown,
/// `false` (or omitted, for objects) elsewhere.
pub fn unknown_mask(v: &Value) -> Json {
    mask(v, &|v| v.is_unknown())
}

/// Terraform's `before_sensitive` / `after_sensitive` shape: `true` where sensitive.
pub fn sensitive_mask(v: &Value) -> Json {
    mask(v, &|v| v.marks().is_sensitive())
}

fn mask(v: &Value, hit: &dyn Fn(&Value) -> bool) -> Json {
    if hit(v) {
        return Json::Bool(true);
    }
    match v.unmarked() {
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            Json::Array(xs.iter().map(|x| mask(x, hit)).collect())
        }
        Value::Map(_, m) | Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m.iter() {
                let sub = mask(x, hit);
                if sub != Json::Bool(false) {
                    out.insert(k.clone(), sub);
                }
            }
            Json::Object(out)
        }
        _ => Json::Bool(false),
    }
}

/// Paths (as lists of steps) of the sensitive parts of a value, for state's
/// `sensitive_attributes`.
pub fn sensitive_paths(v: &Value) -> Vec<Vec<PathStep>> {
    let mut out = Vec::new();
    collect_sensitive(v, &mut Vec::new(), &mut out);
    out
}

fn collect_sensitive(v: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    if v.marks().is_sensitive() {
        out.push(path.clone());
        return;
    }
    match v.unmarked() {
        Value::List(_, xs) | Value::Tuple(xs) => {
            for (i, x) in xs.iter().enumerate() {
                path.push(PathStep::Index(i));
                collect_sensitive(x, path, out);
                path.pop();
            }
        }
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            path.push(PathStep::Attr(k.clone()));
            collect_sensitive(x, path, out);
            path.pop();
        }),
        Value::Map(_, m) => m.iter().for_each(|(k, x)| {
            path.push(PathStep::Key(k.clone()));
            collect_sensitive(x, path, out);
            path.pop();
        }),
        _ => {}
    }
}

/// Why JSON did not match the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

/// Decodes JSON into a value of type `ty` (`Dynamic` infers objects and tuples).
pub fn from_json(j: &Json, ty: &Type) -> Result<Value, JsonError> {
    if j.is_null() {
        return Ok(Value::Null(ty.clone()));
    }
    let err = |what: &str| JsonError(format!("{what} required, found {}", json_kind(j)));
    Ok(match (ty, j) {
        (Type::Dynamic, _) => infer(j),
        (Type::Bool, Json::Bool(b)) => Value::Bool(*b),
        (Type::Number, Json::Number(n)) => {
            Value::Number(Number::parse(&n.to_string()).ok_or_else(|| err("number"))?)
        }
        (Type::Number, Json::String(s)) => {
            Value::Number(Number::parse(s).ok_or_else(|| err("number"))?)
        }
        (Type::String, Json::String(s)) => Value::string(s.as_str()),
        (Type::String, Json::Number(n)) => Value::string(n.to_string()),
        (Type::String, Json::Bool(b)) => Value::string(b.to_string()),
        (Type::List(et), Json::Array(xs)) => Value::list(
            (**et).clone(),
            xs.iter()
                .map(|x| from_json(x, et))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Set(et), Json::Array(xs)) => make_set(
            (**et).clone(),
            xs.iter()
                .map(|x| from_json(x, et))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Tuple(ts), Json::Array(xs)) if ts.len() == xs.len() => Value::tuple(
            xs.iter()
                .zip(ts)
                .map(|(x, t)| from_json(x, t))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Map(et), Json::Object(m)) => Value::map(
            (**et).clone(),
            m.iter()
                .map(|(k, x)| from_json(x, et).map(|v| (k.clone(), v)))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Object(attrs), Json::Object(m)) => {
            let mut out = crate::ValueMap::new();
            for (k, t) in attrs {
                let v = match m.get(k) {
                    Some(x) => from_json(x, t).map_err(|e| JsonError(format!("{k}: {}", e.0)))?,
                    None => Value::Null(t.clone()),
                };
                out.insert(k.clone(), v);
            }
            Value::object(out)
        }
        (t, _) => return Err(err(&t.friendly_name())),
    })
}

fn infer(j: &Json) -> Value {
    match j {
        Json::Null => Value::null(),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Number::parse(&n.to_string()).map_or(Value::null(), Value::Number),
        Json::String(s) => Value::string(s.as_str()),
        Json::Array(xs) => Value::tuple(xs.iter().map(infer).collect()),
        Json::Object(m) => Value::object(m.iter().map(|(k, x)| (k.clone(), infer(x))).collect()),
    }
}

fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// A type as Terraform's JSON type notation (`"string"`, `["list","string"]`,
/// `["object",{"a":"number"}]`).
pub fn type_json(t: &Type) -> Json {
    match t {
        Type::Dynamic => Json::String("dynamic".into()),
        Type::Bool => Json::String("bool".into()),
        Type::Number => Json::String("number".into()),
        Type::String => Json::String("string".into()),
        Type::List(e) => serde_json::json!(["list", type_json(e)]),
        Type::Set(e) => serde_json::json!(["set", type_json(e)]),
        Type::Map(e) => serde_json::json!(["map", type_json(e)]),
        Type::Tuple(ts) => {
            serde_json::json!(["tuple", ts.iter().map(type_json).collect::<Vec<_>>()])
        }
        Type::Object(attrs) => serde_json::json!([
            "object",
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), type_json(t)))
                .collect::<Map<_, _>>()
        ]),
    }
}

/// Parses Terraform's JSON type notation.
pub fn type_from_json(j: &Json) -> Option<Type> {
    match j {
        Json::String(s) => match s.as_str() {
            "dynamic" => Some(Type::Dynamic),
            "bool" => Some(Type::Bool),
            "number" => Some(Type::Number),
            "string" => Some(Type::String),
            _ => None,
        },
        Json::Array(a) if a.len() == 2 => match (a[0].as_str()?, &a[1]) {
            ("list", e) => Some(Type::list(type_from_json(e)?)),
            ("set", e) => Some(Type::set(type_from_json(e)?)),
            ("map", e) => Some(Type::map(type_from_json(e)?)),
            ("tuple", Json::Array(ts)) => ts
                .iter()
                .map(type_from_json)
                .collect::<Option<Vec<_>>>()
                .map(Type::Tuple),
            ("object", Json::Object(m)) => m
                .iter()
                .map(|(k, t)| type_from_json(t).map(|t| (k.clone(), t)))
                .collect::<Option<BTreeMap<_, _>>>()
                .map(Type::Object),
            _ => None,
        },
        _ => None,
    }
}

/// JSON for a value of schema type `ty`, where `dynamic`-typed parts carry their type as
/// `{"value": ..., "type": ...}` (how Terraform stores them in state).
pub fn to_typed_json(v: &Value, ty: &Type) -> Json {
    match (ty, v.unmarked()) {
        (_, Value::Null(_) | Value::Unknown(_)) => Json::Null,
        (Type::Dynamic, x) => {
            serde_json::json!({ "value": to_json(x), "type": type_json(&x.ty()) })
        }
        (Type::Object(attrs), Value::Object(m)) => Json::Object(
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        to_typed_json(x, attrs.get(k).unwrap_or(&Type::Dynamic)),
                    )
                })
                .collect(),
        ),
        (Type::Map(et), Value::Map(_, m) | Value::Object(m)) => Json::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), to_typed_json(x, et)))
                .collect(),
        ),
        (
            Type::List(et) | Type::Set(et),
            Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs),
        ) => Json::Array(xs.iter().map(|x| to_typed_json(x, et)).collect()),
        (Type::Tuple(ts), Value::Tuple(xs)) => Json::Array(
            xs.iter()
                .zip(ts)
                .map(|(x, t)| to_typed_json(x, t))
                .collect(),
        ),
        (_, x) => to_json(x),
    }
}

/// Decodes JSON written by [`to_typed_json`].
pub fn from_typed_json(j: &Json, ty: &Type) -> Result<Value, JsonError> {
    match (ty, j) {
        (_, Json::Null) => Ok(Value::Null(ty.clone())),
        (Type::Dynamic, Json::Object(m)) if m.contains_key("type") && m.contains_key("value") => {
            let t = type_from_json(&m["type"])
                .ok_or_else(|| JsonError("invalid type in dynamic value".into()))?;
            from_json(&m["value"], &t)
        }
        (Type::Object(attrs), Json::Object(m)) => {
            let mut out = crate::ValueMap::new();
            for (k, t) in attrs {
                let v = match m.get(k) {
                    Some(x) => {
                        from_typed_json(x, t).map_err(|e| JsonError(format!("{k}: {}", e.0)))?
                    }
                    None => Value::Null(t.clone()),
                };
                out.insert(k.clone(), v);
            }
            Ok(Value::object(out))
        }
        (Type::Map(et), Json::Object(m)) if et.has_dynamic() => Ok(Value::map(
            (**et).clone(),
            m.iter()
                .map(|(k, x)| from_typed_json(x, et).map(|v| (k.clone(), v)))
                .collect::<Result<_, _>>()?,
        )),
        (Type::List(et), Json::Array(xs)) if et.has_dynamic() => Ok(Value::list(
            (**et).clone(),
            xs.iter()
                .map(|x| from_typed_json(x, et))
                .collect::<Result<_, _>>()?,
        )),
        (Type::Set(et), Json::Array(xs)) if et.has_dynamic() => Ok(make_set(
            (**et).clone(),
            xs.iter()
                .map(|x| from_typed_json(x, et))
                .collect::<Result<_, _>>()?,
        )),
        _ => from_json(j, ty),
    }
}

/// A lossless JSON encoding of any value, unknowns and sensitivity included (for saved plans):
/// `{"type": T, "value": V, "unknown": U, "sensitive": S}` with Terraform's mask shapes.
pub fn encode_full(v: &Value) -> Json {
    serde_json::json!({
        "type": type_json(&v.ty()),
        "value": to_json(v),
        "unknown": unknown_mask(v),
        "sensitive": sensitive_mask(v),
    })
}

/// Decodes [`encode_full`]'s output.
pub fn decode_full(j: &Json) -> Result<Value, JsonError> {
    let ty = j
        .get("type")
        .and_then(type_from_json)
        .ok_or_else(|| JsonError("missing or invalid type".into()))?;
    let v = from_json(j.get("value").unwrap_or(&Json::Null), &ty)?;
    let v = apply_mask(v, j.get("unknown").unwrap_or(&Json::Bool(false)), &|v| {
        Value::Unknown(v.ty())
    });
    Ok(apply_mask(
        v,
        j.get("sensitive").unwrap_or(&Json::Bool(false)),
        &|v| v.clone().sensitive(),
    ))
}

fn apply_mask(v: Value, mask: &Json, f: &dyn Fn(&Value) -> Value) -> Value {
    match mask {
        Json::Bool(true) => f(&v),
        Json::Array(ms) => {
            let (inner, marks) = v.unmark();
            let map_items = |xs: &[Value]| {
                xs.iter()
                    .enumerate()
                    .map(|(i, x)| apply_mask(x.clone(), ms.get(i).unwrap_or(&Json::Bool(false)), f))
                    .collect::<Vec<_>>()
            };
            let out = match &inner {
                Value::List(t, xs) => Value::list(t.clone(), map_items(xs)),
                Value::Set(t, xs) => Value::Set(t.clone(), std::sync::Arc::new(map_items(xs))),
                Value::Tuple(xs) => Value::tuple(map_items(xs)),
                _ => inner,
            };
            out.mark(marks)
        }
        Json::Object(ms) => {
            let (inner, marks) = v.unmark();
            let map_entries = |m: &crate::ValueMap| {
                m.iter()
                    .map(|(k, x)| {
                        (
                            k.clone(),
                            apply_mask(x.clone(), ms.get(k).unwrap_or(&Json::Bool(false)), f),
                        )
                    })
                    .collect::<crate::ValueMap>()
            };
            let out = match &inner {
                Value::Object(m) => Value::object(map_entries(m)),
                Value::Map(t, m) => Value::map(t.clone(), map_entries(m)),
                _ => inner,
            };
            out.mark(marks)
        }
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Type;

    #[test]
    fn full_encoding_round_trips_unknowns_and_marks() {
        let v = Value::object_from([
            ("a", Value::string("x")),
            ("b", Value::Unknown(Type::Number)),
            (
                "c",
                Value::tuple(vec![Value::int(1), Value::string("s").sensitive()]),
            ),
            ("d", Value::Null(Type::list(Type::String))),
        ]);
        let back = decode_full(&encode_full(&v)).unwrap();
        assert!(back.raw_equals(&v), "{back:?}");
    }

    #[test]
    fn dynamic_attributes_carry_their_type_in_state() {
        let ty = Type::Object([("input".to_string(), Type::Dynamic)].into_iter().collect());
        let v = Value::object_from([("input", Value::tuple(vec![Value::int(1)]))]);
        let j = to_typed_json(&v, &ty);
        assert_eq!(j["input"]["type"], serde_json::json!(["tuple", ["number"]]));
        assert!(from_typed_json(&j, &ty).unwrap().raw_equals(&v));
    }
}
