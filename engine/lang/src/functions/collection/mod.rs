//! Collection functions: lists, tuples, sets and maps, with cty's result types (a tuple in
//! gives a tuple out where Terraform does so, a list in gives a list).

mod lists;
mod maps;
mod sets;

use super::Functions;
use crate::value::{convert::unify_values, Value};

pub(super) fn register(f: &mut Functions) {
    lists::register(f);
    maps::register(f);
    sets::register(f);
}

/// Elements of a list, set or tuple argument (the framework guarantees known, non-null).
pub(super) fn seq(v: &Value) -> Vec<Value> {
    v.as_seq().map(<[Value]>::to_vec).unwrap_or_default()
}

/// Rebuilds a sequence like `like`: a tuple stays a tuple, a list stays a list (unified).
pub(super) fn same_kind(like: &Value, items: Vec<Value>) -> Value {
    match like.unmarked() {
        Value::Tuple(_) => Value::tuple(items),
        Value::List(et, _) | Value::Set(et, _) if items.is_empty() => {
            Value::list(et.clone(), items)
        }
        _ => match unify_values(&items) {
            Some((t, vals)) => Value::list(t, vals),
            None => Value::tuple(items),
        },
    }
}

#[cfg(test)]
mod tests;
