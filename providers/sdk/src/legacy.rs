//! Planning as the providers built on Terraform's legacy plugin SDK (hashicorp/aws, azurerm,
//! google) plan: they store an unset optional attribute as its zero value (`""`, `false`,
//! `0`, an empty collection) and treat that zero as equal to null, and they cannot plan a set
//! of strings holding an unknown element. State written by them (and by us imitating them)
//! plans no change only when planning follows the same rules.

use crate::plan::plan_by_schema;
use crate::request::PlanResponse;
use crate::schema::{Block, ResourceSchema};
use autostack_value::{make_set, Value};

/// Plans by schema with the legacy SDK's rules: an unset attribute whose prior value is a
/// zero value keeps it, and a computed set holding an unknown element is planned wholly
/// unknown.
pub fn plan_legacy(schema: &ResourceSchema, prior: Option<&Value>, config: &Value) -> PlanResponse {
    let config = match prior.and_then(Value::as_entries) {
        Some(p) => with_prior_zero_values(config, p),
        None => config.clone(),
    };
    let mut pc = plan_by_schema(schema, prior, &config);
    pc.planned = unknown_sets_of_unknowns(schema, pc.planned);
    pc
}

/// The legacy SDK cannot hash a set element that is unknown, so it plans the whole set
/// unknown (e.g. `vpc_security_group_ids = [aws_security_group.web.id]` before the group
/// exists); plan JSON consumers see it that way in Terraform's plan (`after_unknown: true`),
/// so we plan the same, and apply plans again with the known values.
fn unknown_sets_of_unknowns(schema: &ResourceSchema, planned: Value) -> Value {
    let Some(m) = planned.as_entries() else {
        return planned;
    };
    let collapse = |(k, v): (&String, &Value)| {
        let attr = schema.block.attributes.get(k)?;
        let elems = match v.unmarked() {
            Value::Set(_, xs) if attr.computed => xs,
            _ => return None,
        };
        elems
            .iter()
            .any(Value::is_unknown)
            .then(|| (k.clone(), Value::Unknown(attr.ty.clone())))
    };
    let collapsed: Vec<(String, Value)> = m.iter().filter_map(collapse).collect();
    if collapsed.is_empty() {
        return planned;
    }
    let mut m = m.clone();
    m.extend(collapsed);
    Value::object(m)
}

/// `config` with each null attribute whose prior value is a zero value set to that zero.
fn with_prior_zero_values(config: &Value, prior: &autostack_value::ValueMap) -> Value {
    let Some(m) = config.as_entries() else {
        return config.clone();
    };
    let mut m = m.clone();
    for (k, v) in m.iter_mut() {
        if v.is_null() {
            if let Some(p) = prior.get(k).filter(|p| is_zero(p)) {
                *v = p.clone();
            }
        }
    }
    Value::object(m)
}

/// A value read from the cloud, shaped as the legacy SDK's state would hold it for
/// `prior`: an optional, non-computed attribute the cloud reports as a zero value (`""`,
/// `0`, `false`, empty) and has no default stays as `prior` had it, null or zero, so an unset argument reads
/// back unset and applies consistently with its plan. Inside nested blocks (whose elements
/// have no stable prior to compare with) such zero values read as null.
pub fn settle_zero_values(block: &Block, prior: Option<&Value>, read: Value) -> Value {
    let Some(m) = read.as_entries() else {
        return read;
    };
    let mut m = m.clone();
    for (name, a) in &block.attributes {
        let unset_is_null = a.optional && !a.computed && a.default.is_none();
        let Some(v) = m.get(name).filter(|v| !v.is_null() && unset_is_null) else {
            continue;
        };
        let had_null = match prior {
            Some(p) => crate::attrs::attr(p, name).is_none(),
            None => true,
        };
        if had_null && is_zero(v) {
            m.insert(name.clone(), Value::Null(a.ty.clone()));
        }
    }
    for (name, nb) in &block.blocks {
        let Some(v) = m.get(name) else { continue };
        let settle = |e: &Value| settle_zero_values(&nb.block, None, e.clone());
        let settled = match v.unmarked() {
            Value::List(t, xs) => Value::list(t.clone(), xs.iter().map(settle).collect()),
            Value::Set(t, xs) => make_set(t.clone(), xs.iter().map(settle).collect()),
            Value::Object(_) => settle(v),
            _ => continue,
        };
        m.insert(name.clone(), settled);
    }
    Value::object(m)
}

/// True for `""`, `false`, `0` and empty collections.
pub fn is_zero(v: &Value) -> bool {
    let v = v.unmarked();
    v.as_str() == Some("")
        || v.as_bool() == Some(false)
        || v.as_number().is_some_and(|n| n.to_i64() == Some(0))
        || v.as_seq().is_some_and(<[Value]>::is_empty)
        || v.as_entries()
            .is_some_and(autostack_value::ValueMap::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attrs::get;
    use crate::schema::{Attribute, Block};
    use autostack_value::Type;

    fn schema() -> ResourceSchema {
        let block = Block::new()
            .attr("name", Attribute::optional(Type::String))
            .attr("size", Attribute::optional_computed(Type::Number))
            .attr("flag", Attribute::optional(Type::Bool))
            .attr(
                "groups",
                Attribute::optional_computed(Type::set(Type::String)),
            );
        ResourceSchema { version: 0, block }
    }

    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let mut m: std::collections::BTreeMap<String, Value> = [
            ("name", Value::Null(Type::String)),
            ("size", Value::Null(Type::Number)),
            ("flag", Value::Null(Type::Bool)),
            ("groups", Value::Null(Type::set(Type::String))),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        m.extend(pairs.into_iter().map(|(k, v)| (k.to_string(), v)));
        Value::object(m.into())
    }

    #[test]
    fn unset_attributes_keep_prior_zero_values() {
        let s = schema();
        let prior = config(vec![
            ("name", Value::string("")),
            ("size", Value::int(0)),
            ("flag", Value::bool(false)),
            ("groups", autostack_value::make_set(Type::String, vec![])),
        ]);
        let p = plan_legacy(&s, Some(&prior), &config(vec![]));
        assert!(!crate::differs(&prior, &p.planned), "{:?}", p.planned);
        // The plain planner would plan the optional zeroes away (null).
        let plain = plan_by_schema(&s, Some(&prior), &config(vec![]));
        assert!(get(&plain.planned, "name").is_none());
        // A non-zero prior value of an unset optional attribute is still planned away.
        let prior = config(vec![("name", Value::string("x"))]);
        let p = plan_legacy(&s, Some(&prior), &config(vec![]));
        assert!(get(&p.planned, "name").is_none());
    }

    #[test]
    fn sets_holding_unknowns_are_planned_unknown() {
        let groups = autostack_value::make_set(
            Type::String,
            vec![Value::string("sg-1"), Value::Unknown(Type::String)],
        );
        let p = plan_legacy(&schema(), None, &config(vec![("groups", groups)]));
        let planned = p.planned.as_entries().unwrap()["groups"].clone();
        assert!(planned.is_unknown());
    }

    #[test]
    fn zero_values_read_back_as_the_prior_had_them() {
        let s = schema();
        let read = config(vec![
            ("name", Value::string("")),
            ("size", Value::int(0)),
            ("flag", Value::bool(false)),
        ]);
        // Unset before: the cloud's zeroes read as unset (size is computed: kept).
        let settled = settle_zero_values(&s.block, None, read.clone());
        assert!(get(&settled, "name").is_none() && get(&settled, "flag").is_none());
        assert_eq!(get(&settled, "size"), Some(&Value::int(0)));
        // A prior written as zeroes (by the legacy SDK) keeps them.
        let prior = config(vec![
            ("name", Value::string("")),
            ("flag", Value::bool(false)),
        ]);
        let settled = settle_zero_values(&s.block, Some(&prior), read.clone());
        assert_eq!(get(&settled, "name"), Some(&Value::string("")));
        // Non-zero values are what the cloud says.
        let read = config(vec![("name", Value::string("x"))]);
        assert_eq!(
            get(&settle_zero_values(&s.block, None, read), "name"),
            Some(&Value::string("x"))
        );
        // Inside nested blocks zeroes read as null.
        let nested = Block::new().block("rule", crate::schema::Nesting::List, s.block.clone());
        let read = Value::object_from([(
            "rule",
            Value::list(
                s.block.value_type(),
                vec![config(vec![("name", Value::string(""))])],
            ),
        )]);
        let settled = settle_zero_values(&nested, None, read);
        let rule = &get(&settled, "rule").unwrap().as_seq().unwrap()[0];
        assert!(get(rule, "name").is_none(), "{rule:?}");
    }

    #[test]
    fn zero_values() {
        assert!(is_zero(&Value::string("")));
        assert!(is_zero(&Value::int(0)));
        assert!(is_zero(&Value::bool(false)));
        assert!(!is_zero(&Value::string("a")));
        assert!(!is_zero(&Value::Null(Type::String)));
    }
}
