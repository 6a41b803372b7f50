//! A state's resources in the document's order, each encoded when the writer reaches it
//! (`autostack_state::codec::encode_streamed_to`): a persisted snapshot of a million objects
//! is never also a document of a million instances in memory, and the encoding of each runs
//! while the writer thread takes the last megabyte to the file.
//!
//! The order is [`encode`]'s: resources sorted by module, data before managed, type and name
//! (a stable sort), each resource's objects as the state holds them. Where that is not one
//! pass over the state (deposed objects; a resource's keys the document orders differently,
//! such as `9` before `"a"`), there are no runs and [`encode`] puts the objects in order.

#[cfg(doc)]
use super::encode;
use super::{encode_typed, LastSchema, SchemaSource};
use crate::addrs::{InstanceAddr, InstanceKey};
use crate::state::{InstanceObject, State};
use autostack_lang::config::Mode;
use autostack_state::model;
use std::cmp::Ordering;
use std::ops::Range;
use std::sync::Arc;

/// How the document orders resources: module address (`""`: root), managed after data, type,
/// name.
type ResourceOrder<'s> = (Arc<str>, bool, &'s str, &'s str);

/// A state's objects grouped by resource, the groups in the document's order.
pub struct ResourceRuns<'s> {
    objects: Vec<(&'s InstanceAddr, &'s InstanceObject)>,
    /// Each resource's place in the document and its objects' range in `objects`.
    runs: Vec<(ResourceOrder<'s>, Range<usize>)>,
}

impl<'s> ResourceRuns<'s> {
    /// The runs of `st`'s resources, or `None` when they are not one pass (see the module
    /// documentation).
    pub fn of(st: &'s State) -> Option<ResourceRuns<'s>> {
        if !st.deposed.is_empty() {
            return None;
        }
        let mut objects: Vec<(&InstanceAddr, &InstanceObject)> =
            Vec::with_capacity(st.instances.len());
        let mut runs: Vec<(ResourceOrder<'s>, Range<usize>)> = Vec::new();
        for (i, (addr, obj)) in st.instances.iter().enumerate() {
            let r = &addr.resource;
            match (objects.last(), runs.last_mut()) {
                (Some((prev, _)), Some((_, range))) if prev.resource == *r => {
                    if key_order(&prev.key, &addr.key) != Ordering::Less {
                        return None;
                    }
                    range.end = i + 1;
                }
                (prev, last) => {
                    // A module's resources are adjacent: its address is rendered once.
                    let module = match (prev, last) {
                        (Some((p, _)), Some((order, _))) if p.resource.module == r.module => {
                            order.0.clone()
                        }
                        _ => Arc::from(r.module.to_string()),
                    };
                    let order = (
                        module,
                        r.mode == Mode::Managed,
                        r.ty.as_str(),
                        r.name.as_str(),
                    );
                    runs.push((order, i..i + 1));
                }
            }
            objects.push((addr, obj));
        }
        runs.sort_by(|a, b| a.0.cmp(&b.0));
        if runs.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        Some(ResourceRuns { objects, runs })
    }

    /// The resources, each encoded as it is reached (attributes typed by `schemas`).
    pub fn resources<'a>(
        &'a self,
        schemas: &'a dyn SchemaSource,
    ) -> impl Iterator<Item = model::Resource> + 'a {
        let mut last = LastSchema::default();
        self.runs.iter().map(move |(order, range)| {
            let objects = &self.objects[range.clone()];
            let r = &objects[0].0.resource;
            let instances = (objects.iter())
                .map(|(addr, obj)| {
                    let schema = last.get(schemas, (&obj.provider, r.mode, &r.ty));
                    encode_typed(addr, obj, schema.map(|(t, _)| t))
                })
                .collect();
            model::Resource {
                module: (!order.0.is_empty()).then(|| order.0.to_string()),
                mode: match r.mode {
                    Mode::Data => model::Mode::Data,
                    _ => model::Mode::Managed,
                },
                ty: r.ty.to_string(),
                name: r.name.to_string(),
                each: None,
                // As `encode`: the resource names its last object's provider.
                provider: objects[objects.len() - 1].1.provider.to_string(),
                instances,
            }
        })
    }
}

/// How the document orders two instance keys of one resource: none, then `count` indexes by
/// value, then `for_each` keys by their bytes.
fn key_order(a: &Option<InstanceKey>, b: &Option<InstanceKey>) -> Ordering {
    let rank = |k: &Option<InstanceKey>| match k {
        None => 0,
        Some(InstanceKey::Int(_)) => 1,
        Some(InstanceKey::Str(_)) => 2,
    };
    match (a, b) {
        (Some(InstanceKey::Int(x)), Some(InstanceKey::Int(y))) => x.cmp(y),
        (Some(InstanceKey::Str(x)), Some(InstanceKey::Str(y))) => x.as_str().cmp(y.as_str()),
        _ => rank(a).cmp(&rank(b)),
    }
}
