//! `lifecycle { ignore_changes }`, as Terraform applies it: to the configuration before the
//! provider plans (ignored paths take the prior state's values), and again to the planned
//! value for providers that plan like the legacy SDK.

use autostack_lang::config::IgnoreChanges;
use autostack_lang::syntax::Step;
use autostack_lang::Value;
use autostack_provider_sdk::schema::{Block, Nesting};

/// The configuration the provider plans from: with a prior object, each ignored path takes
/// the prior's value; `all` takes the whole prior object with its computed-only attributes
/// nulled, so the provider is not handed values it alone decides as if they were configured.
pub(crate) fn config_with_ignored(
    ic: &IgnoreChanges,
    prior: Option<&Value>,
    config: Value,
    block: &Block,
) -> Value {
    match (ic, prior) {
        (_, None) | (IgnoreChanges::None, _) => config,
        (IgnoreChanges::All, Some(p)) => without_computed_only(p, block),
        (IgnoreChanges::Paths(_), Some(p)) => ignore_changes(ic, p, config),
    }
}

/// `v` with every computed-only attribute of `block` (at any depth) set to null.
pub(crate) fn without_computed_only(v: &Value, block: &Block) -> Value {
    let (inner, marks) = v.clone().unmark();
    let Some(entries) = inner.as_entries() else {
        return inner.mark(marks);
    };
    let mut out = entries.clone();
    for (name, a) in &block.attributes {
        if a.computed && !a.optional && !a.required {
            out.insert(name.clone(), Value::Null(a.ty.clone()));
        }
    }
    for (name, nb) in &block.blocks {
        let Some(x) = out.get(name) else { continue };
        let fixed = match nb.nesting {
            Nesting::Single => without_computed_only(x, &nb.block),
            Nesting::List | Nesting::Set => map_items(x, |i| without_computed_only(i, &nb.block)),
        };
        out.insert(name.clone(), fixed);
    }
    Value::object(out).mark(marks)
}

/// A list or set with `f` applied to each element (other values unchanged).
fn map_items(v: &Value, f: impl Fn(&Value) -> Value) -> Value {
    let (inner, marks) = v.clone().unmark();
    let out = match &inner {
        Value::List(t, items) => Value::list(t.clone(), items.iter().map(&f).collect()),
        Value::Set(t, items) => {
            autostack_lang::value::make_set(t.clone(), items.iter().map(&f).collect())
        }
        _ => inner.clone(),
    };
    out.mark(marks)
}

/// Keeps prior values for ignored attributes.
pub(crate) fn ignore_changes(ic: &IgnoreChanges, prior: &Value, planned: Value) -> Value {
    match ic {
        IgnoreChanges::None => planned,
        IgnoreChanges::All => prior.clone(),
        IgnoreChanges::Paths(paths) => paths.iter().fold(planned, |v, t| {
            let mut steps = vec![Step::Attr(t.root.clone(), t.root_range.clone())];
            steps.extend(t.steps.iter().cloned());
            keep_prior_at(v, prior, &steps)
        }),
    }
}

/// `planned` with the value at `path` taken from `prior` (removed when prior has none).
fn keep_prior_at(planned: Value, prior: &Value, path: &[Step]) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return prior.clone();
    };
    let key = match first {
        Step::Attr(name, _) => name.clone(),
        Step::Index(k, _) => match k.as_str() {
            Some(s) => s.to_string(),
            None => match k.as_number().and_then(autostack_lang::Number::to_i64) {
                Some(i) => return keep_prior_at_index(planned, prior, i, rest),
                None => return planned,
            },
        },
    };
    let (inner, marks) = planned.unmark();
    let Some(entries) = inner.as_entries() else {
        return inner.mark(marks);
    };
    let mut out = entries.clone();
    let before = prior.as_entries().and_then(|m| m.get(&key));
    match (before, out.remove(&key)) {
        (Some(b), Some(p)) => {
            out.insert(key, keep_prior_at(p, b, rest));
        }
        (Some(b), None) if rest.is_empty() => {
            out.insert(key, b.clone());
        }
        (None, Some(p)) if !rest.is_empty() => {
            out.insert(key, p);
        }
        _ => {}
    }
    let rebuilt = match &inner {
        Value::Map(t, _) => Value::map(t.clone(), out),
        _ => Value::object(out),
    };
    rebuilt.mark(marks)
}

fn keep_prior_at_index(planned: Value, prior: &Value, i: i64, rest: &[Step]) -> Value {
    let (inner, marks) = planned.unmark();
    let (Some(items), Some(before)) = (
        inner.as_seq(),
        prior.as_seq().and_then(|b| b.get(i as usize)),
    ) else {
        return inner.mark(marks);
    };
    let mut items = items.to_vec();
    if let Some(slot) = items.get_mut(i as usize) {
        *slot = keep_prior_at(slot.clone(), before, rest);
    }
    let rebuilt = match &inner {
        Value::List(t, _) => Value::list(t.clone(), items),
        Value::Tuple(_) => Value::tuple(items),
        _ => inner.clone(),
    };
    rebuilt.mark(marks)
}
