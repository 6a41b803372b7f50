//! How Compute Engine types plan beyond the schema: `project`, `region`/`zone` and
//! `deletion_policy` from the provider's defaults, references kept in their prior form when
//! they name the same object, and fingerprints planned unknown when what they cover changes.

use crate::client::GcpClient;
use crate::compute::{default_location, Spec};
use autostack_provider_sdk::attrs::{get_str, with_attrs};
use autostack_value::{Type, Value};

/// The planned value with `project` and the location taken from the provider when the
/// configuration leaves them unset (hashicorp/google's `DefaultProviderProject`/`Region`/
/// `Zone` customize-diff functions).
pub fn plan_location(c: &GcpClient, sp: &Spec, planned: &Value) -> Value {
    let mut fill = Vec::new();
    let has = |name: &str| planned.as_entries().is_some_and(|m| m.contains_key(name));
    let unset = |name: &str| {
        has(name)
            && autostack_provider_sdk::attrs::get(planned, name).is_none_or(|v| v.is_unknown())
    };
    if unset("deletion_policy") {
        fill.push(("deletion_policy", Value::string("DELETE")));
    }
    if unset("project") && !c.project.is_empty() {
        fill.push(("project", Value::string(c.project.as_str())));
    }
    if let Some(a) = sp.scope.attr() {
        let d = default_location(c, sp.scope);
        if unset(a) && !d.is_empty() {
            fill.push((a, Value::string(d)));
        }
    }
    match fill.is_empty() {
        true => planned.clone(),
        false => with_attrs(planned, fill),
    }
}

/// `v` with each string attribute of `names` set to `prior`'s when both name the same object.
pub fn keep_same_refs(prior: &Value, v: &Value, names: &[&str]) -> Value {
    let same: Vec<(&str, Value)> = names
        .iter()
        .filter_map(|n| {
            let (old, new) = (get_str(prior, n)?, get_str(v, n)?);
            (old != new && crate::wire::same_ref(old, new)).then(|| (*n, Value::string(old)))
        })
        .collect();
    match same.is_empty() {
        true => v.clone(),
        false => with_attrs(v, same),
    }
}

/// `planned` with the computed `volatile` attributes unknown when `source` changes from
/// `prior` (fingerprints the API recomputes on every change of what they cover).
pub fn unknown_when_changed(
    prior: &Value,
    planned: Value,
    source: &str,
    volatile: &[&str],
) -> Value {
    if !autostack_provider_sdk::attrs::changed(prior, &planned, source) {
        return planned;
    }
    let unknowns: Vec<(&str, Value)> = volatile
        .iter()
        .map(|k| (*k, Value::Unknown(Type::String)))
        .collect();
    with_attrs(&planned, unknowns)
}

/// `fresh` with the project, location and deletion policy that `planned` got from the
/// provider (for kinds that plan a replacement themselves).
pub fn plan_location_pub(planned: &Value, fresh: &Value) -> Value {
    let keep = ["project", "region", "zone", "deletion_policy"]
        .into_iter()
        .filter_map(|k| {
            autostack_provider_sdk::attrs::attr(planned, k)
                .filter(|v| v.is_wholly_known())
                .map(|v| (k, v.clone()))
        });
    with_attrs(fresh, keep.collect::<Vec<_>>())
}
