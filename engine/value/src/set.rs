//! Sets: cty's canonical element order and deduplication.

use super::{Marks, Type, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// Builds a set of element type `et`: marks on elements move to the whole set (as in cty),
/// duplicates are removed and elements are put in cty's order (strings lexically, numbers
/// numerically, `false` before `true`, unknowns last).
pub fn make_set(et: Type, items: Vec<Value>) -> Value {
    let mut marks = Marks::NONE;
    let mut items: Vec<Value> = items
        .into_iter()
        .map(|v| {
            let (v, m) = v.unmark_deep();
            marks = marks.union(m);
            v
        })
        .collect();
    items.sort_by(set_order);
    items.dedup_by(|a, b| a.is_wholly_known() && b.is_wholly_known() && a.raw_equals(b));
    Value::Set(et, Arc::new(items)).mark(marks)
}

/// cty's set ordering.
pub fn set_order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Unknown(_), Value::Unknown(_)) => Ordering::Equal,
        (Value::Unknown(_), _) => Ordering::Greater,
        (_, Value::Unknown(_)) => Ordering::Less,
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => canonical_key(a).cmp(&canonical_key(b)),
    }
}

/// A stable textual key for structural values (cty orders these by hash; any total order
/// that is deterministic serves, since Terraform never promises their order).
fn canonical_key(v: &Value) -> String {
    match v {
        Value::Null(_) => "null".into(),
        Value::Unknown(_) => "~".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            format!(
                "[{}]",
                xs.iter().map(canonical_key).collect::<Vec<_>>().join(",")
            )
        }
        Value::Map(_, m) | Value::Object(m) => {
            format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{k:?}:{}", canonical_key(v)))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
        Value::Marked(v, _) => canonical_key(v),
    }
}
