//! Terraform's promise about an apply result: every value known in the planned new state
//! comes back unchanged, and only what the plan left unknown may take any value of its type.
//! The engine checks it after every apply ("Provider produced inconsistent result after
//! apply"), and the lifecycle test kit checks it for every resource type.

use crate::plan::differs;
use crate::provider::{AttrPath, PathStep};
use autostack_value::Value;
use std::collections::BTreeSet;

/// The first place where an applied object breaks its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Inconsistency {
    /// Where (empty: the whole object).
    pub path: AttrPath,
    /// What the plan promised there.
    pub planned: Value,
    /// What the provider returned.
    pub applied: Value,
}

/// Where `applied` breaks the promise `planned` made, if anywhere: the deepest path whose
/// planned value was known (or a collection of known length) and came back different.
/// Marks do not count, but stay on the values reported, so a caller can redact them.
pub fn inconsistency(planned: &Value, applied: &Value) -> Option<Inconsistency> {
    check(planned, applied, &mut Vec::new())
}

fn check(planned: &Value, applied: &Value, path: &mut AttrPath) -> Option<Inconsistency> {
    if planned.unmarked().is_unknown() {
        return None;
    }
    let found = || {
        Some(Inconsistency {
            path: path.clone(),
            planned: planned.clone(),
            applied: applied.clone(),
        })
    };
    match (planned.unmarked(), applied.unmarked()) {
        (Value::Object(p), Value::Object(a)) | (Value::Map(_, p), Value::Map(_, a)) => {
            let object = matches!(planned.unmarked(), Value::Object(_));
            let keys: BTreeSet<&String> = p.keys().chain(a.keys()).collect();
            keys.into_iter().find_map(|k| {
                let null = Value::Null(autostack_value::Type::Dynamic);
                let (pv, av) = (p.get(k).unwrap_or(&null), a.get(k).unwrap_or(&null));
                path.push(if object {
                    PathStep::Attr(k.clone())
                } else {
                    PathStep::Key(k.clone())
                });
                let r = check(pv, av, path);
                path.pop();
                r
            })
        }
        (Value::List(_, p), Value::List(_, a)) | (Value::Tuple(p), Value::Tuple(a)) => {
            if p.len() != a.len() {
                return found();
            }
            p.iter()
                .zip(a.iter())
                .enumerate()
                .find_map(|(i, (pv, av))| {
                    path.push(PathStep::Index(i));
                    let r = check(pv, av, path);
                    path.pop();
                    r
                })
        }
        // Set elements have no identity to follow: a set planned in full must come back whole.
        _ if planned.is_wholly_known() && differs(planned, applied) => found(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_value::Type;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn unknowns_take_any_value_and_knowns_must_hold() {
        let planned = obj(&[
            ("id", Value::Unknown(Type::String)),
            ("name", Value::string("a")),
            (
                "tags",
                Value::map(Type::String, [("k".to_string(), Value::string("v"))].into()),
            ),
            (
                "ports",
                Value::list(
                    Type::Number,
                    vec![Value::int(1), Value::Unknown(Type::Number)],
                ),
            ),
        ]);
        let good = obj(&[
            ("id", Value::string("i-1")),
            ("name", Value::string("a")),
            (
                "tags",
                Value::map(Type::String, [("k".to_string(), Value::string("v"))].into()),
            ),
            (
                "ports",
                Value::list(Type::Number, vec![Value::int(1), Value::int(2)]),
            ),
        ]);
        assert_eq!(inconsistency(&planned, &good), None);

        let tag = obj(&[
            ("id", Value::string("i-1")),
            ("name", Value::string("a")),
            (
                "tags",
                Value::map(Type::String, [("k".to_string(), Value::string("w"))].into()),
            ),
            (
                "ports",
                Value::list(Type::Number, vec![Value::int(1), Value::int(2)]),
            ),
        ]);
        let bad = inconsistency(&planned, &tag).expect("changed tag");
        assert_eq!(crate::path_string(&bad.path), "tags[\"k\"]");
        assert_eq!(bad.applied.as_str(), Some("w"));

        let short = obj(&[
            ("id", Value::string("i-1")),
            ("name", Value::string("a")),
            (
                "tags",
                Value::map(Type::String, [("k".to_string(), Value::string("v"))].into()),
            ),
            ("ports", Value::list(Type::Number, vec![Value::int(1)])),
        ]);
        let bad = inconsistency(&planned, &short).expect("shorter list");
        assert_eq!(crate::path_string(&bad.path), "ports");
    }

    #[test]
    fn marks_do_not_count_and_a_wholly_unknown_plan_accepts_anything() {
        let planned = obj(&[("secret", Value::string("s").sensitive())]);
        let applied = obj(&[("secret", Value::string("s"))]);
        assert_eq!(inconsistency(&planned, &applied), None);
        assert_eq!(
            inconsistency(&Value::Unknown(Type::Dynamic), &applied),
            None
        );
    }
}
