//! Drift reports: what a refresh-only plan found changed outside AutoStack, summarised per
//! resource and attribute, with when each resource was last applied and what the drift does
//! to the monthly bill. `commands::drift` builds a [`DriftReport`]; `render::drift` prints it.
//!
//! Sensitive values never reach the report: a value marked sensitive (in the state's
//! `sensitive_attributes`, by the provider's read, or by the resource schema) is kept as
//! [`Shown::Sensitive`] and printed as `(sensitive value)`.

use autostack_core::plan::{Action, Plan, PlanMode, ResourceChange};
use autostack_cost::history::RunRate;
use autostack_lang::value::{path_string, PathStep, Value};
use autostack_provider_sdk::Block;
use chrono::{DateTime, Utc};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// A drift report: every managed instance was read back; these differ from the state.
#[derive(Debug, Clone)]
pub struct DriftReport {
    /// The workspace whose state was checked.
    pub workspace: String,
    /// When the check ran.
    pub checked_at: DateTime<Utc>,
    /// How many managed resource instances the state holds (all were read back).
    pub checked: usize,
    /// The instances changed or deleted outside AutoStack, in address order.
    pub resources: Vec<DriftedResource>,
    /// The monthly cost of the drifted resources as recorded and as found; `None` when none
    /// of them is of a priced type.
    pub cost: Option<CostEffect>,
}

/// One instance that drifted.
#[derive(Debug, Clone)]
pub struct DriftedResource {
    /// Its address (`aws_instance.web[0]`).
    pub address: String,
    /// Its resource type.
    pub type_name: String,
    /// Deleted outside AutoStack (rather than changed).
    pub deleted: bool,
    /// What differs, attribute by attribute (for a deleted one: what the state recorded).
    pub attributes: Vec<AttrDrift>,
    /// When it was last applied, and how that is known.
    pub last_applied: LastApplied,
    /// Its monthly cost as recorded and as found (`None`: not priced).
    pub monthly: Option<CostEffect>,
}

/// One attribute that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrDrift {
    /// The attribute's path as Terraform writes it (`tags["Name"]`, `ebs[0].size`).
    pub path: String,
    /// The value in the state.
    pub before: Shown,
    /// The value the provider reads now.
    pub after: Shown,
}

/// A value as the report may show it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A known, non-sensitive value (as JSON).
    Value(Json),
    /// A sensitive value: only the fact that it is there (or changed) is shown.
    Sensitive,
    /// No such attribute (the object is gone, or the attribute was added or removed).
    Absent,
}

impl Shown {
    /// The one-line text of the value (`"t3.micro"`, `8`, `(sensitive value)`).
    pub fn text(&self) -> String {
        match self {
            Shown::Value(j) => serde_json::to_string(j).unwrap_or_default(),
            Shown::Sensitive => "(sensitive value)".into(),
            Shown::Absent => "(absent)".into(),
        }
    }
}

/// A monthly cost before and after (in the catalog's currency, USD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostEffect {
    /// As the state records the resources.
    pub before: f64,
    /// As they are now.
    pub after: f64,
}

impl CostEffect {
    /// `after - before`.
    pub fn delta(&self) -> f64 {
        self.after - self.before
    }
}

/// When a resource was last applied.
#[derive(Debug, Clone, PartialEq)]
pub struct LastApplied {
    /// The time, when known.
    pub time: Option<DateTime<Utc>>,
    /// Where the time comes from.
    pub source: WhenSource,
}

/// How a last-applied time is known (the state keeps no time per resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenSource {
    /// The state's history records the apply that last changed this resource (its serial).
    History(u64),
    /// Only the time the state was last written is known (the resource is at least as old).
    StateWrite,
    /// Only the time of the last recorded apply is known (the resource may be older).
    LastApply(u64),
    /// Nothing records it.
    Unknown,
}

impl WhenSource {
    /// The JSON name of the source.
    pub fn name(self) -> &'static str {
        match self {
            WhenSource::History(_) => "history",
            WhenSource::StateWrite => "state_write",
            WhenSource::LastApply(_) => "last_apply",
            WhenSource::Unknown => "unknown",
        }
    }

    /// How the time is known, in words.
    pub fn describe(self) -> String {
        match self {
            WhenSource::History(s) => format!("the apply that wrote state serial {s}"),
            WhenSource::StateWrite => "the state's last write; no apply record names it".into(),
            WhenSource::LastApply(s) => {
                format!("the last recorded apply, serial {s}; it may be older")
            }
            WhenSource::Unknown => "no record of it".into(),
        }
    }
}

/// The instances an apply of `plan` changed, for its history record: created, updated,
/// replaced, moved or imported ones; under `refresh` (refresh-only), those whose drift it
/// recorded.
pub fn applied_addresses(plan: &Plan) -> Vec<String> {
    let set: BTreeSet<String> = match plan.mode {
        PlanMode::RefreshOnly => plan.drift.iter().map(|c| c.addr.to_string()).collect(),
        _ => (plan.changes.iter())
            .filter(|c| {
                !matches!(c.action, Action::NoOp | Action::Read | Action::Delete)
                    || c.importing.is_some()
                    || c.prev_addr.is_some()
            })
            .map(|c| c.addr.to_string())
            .collect(),
    };
    set.into_iter().collect()
}

/// What is known of the state's past: the history records (oldest first) and when the
/// state was last written (local state only).
#[derive(Debug, Clone, Default)]
pub struct Past {
    /// The history's records, oldest first.
    pub records: Vec<RunRate>,
    /// The state file's modification time.
    pub state_written: Option<DateTime<Utc>>,
}

impl Past {
    /// When `address` was last applied: the newest record naming it; else the state's last
    /// write; else the last recorded apply.
    pub fn last_applied(&self, address: &str) -> LastApplied {
        let named = (self.records.iter().rev()).find(|r| r.changed.iter().any(|a| a == address));
        if let Some(r) = named {
            return LastApplied {
                time: Some(r.time),
                source: WhenSource::History(r.serial),
            };
        }
        if let Some(t) = self.state_written {
            return LastApplied {
                time: Some(t),
                source: WhenSource::StateWrite,
            };
        }
        match self.records.last() {
            Some(r) => LastApplied {
                time: Some(r.time),
                source: WhenSource::LastApply(r.serial),
            },
            None => LastApplied {
                time: None,
                source: WhenSource::Unknown,
            },
        }
    }
}

/// The drifted resource of one refresh-only change (`schema`: its resource schema).
pub fn drifted(c: &ResourceChange, schema: Option<&Block>, past: &Past) -> DriftedResource {
    let address = c.addr.to_string();
    let deleted = c.action == Action::Delete || c.after.is_none();
    let marked = |v: &Value| schema.map_or_else(|| v.clone(), |b| mark_by_schema(v, b));
    let before = c.before.as_ref().map_or_else(Value::null, marked);
    let mut attributes = Vec::new();
    match (c.after.as_ref().map(marked), deleted) {
        (Some(after), false) => diff(&mut Vec::new(), &before, &after, &mut attributes),
        _ => recorded(&before, &mut attributes),
    }
    DriftedResource {
        last_applied: past.last_applied(&address),
        address,
        type_name: c.addr.resource.ty.to_string(),
        deleted,
        attributes,
        monthly: None,
    }
}

/// The top-level attributes a deleted object had (null and empty ones left out).
fn recorded(before: &Value, out: &mut Vec<AttrDrift>) {
    let Some(entries) = before.as_entries() else {
        return;
    };
    for (name, v) in entries {
        if v.is_null() || v.length() == Some(0) {
            continue;
        }
        let path = vec![PathStep::Attr(name.clone())];
        out.push(AttrDrift {
            path: path_string(&path),
            before: shown(v),
            after: Shown::Absent,
        });
    }
}

/// Collects the leaves where `before` and `after` differ, below `path`.
fn diff(path: &mut Vec<PathStep>, before: &Value, after: &Value, out: &mut Vec<AttrDrift>) {
    if !autostack_provider_sdk::differs(before, after) {
        return;
    }
    let secret = before.marks().is_sensitive() || after.marks().is_sensitive();
    let (b, a) = (before.unmarked(), after.unmarked());
    let structural = matches!(
        (b, a),
        (Value::Object(_), Value::Object(_)) | (Value::Map(..), Value::Map(..))
    );
    if !secret && structural {
        let (bm, am) = (b.as_entries(), a.as_entries());
        let keys: BTreeSet<&String> = bm.into_iter().chain(am).flat_map(|m| m.keys()).collect();
        let is_object = matches!(b, Value::Object(_));
        for k in keys {
            path.push(match is_object {
                true => PathStep::Attr(k.clone()),
                false => PathStep::Key(k.clone()),
            });
            let (x, y) = (bm.and_then(|m| m.get(k)), am.and_then(|m| m.get(k)));
            match (x, y) {
                (Some(x), Some(y)) => diff(path, x, y, out),
                _ => out.push(leaf(path, x, y)),
            }
            path.pop();
        }
        return;
    }
    let sequences = matches!(
        (b, a),
        (Value::List(..), Value::List(..)) | (Value::Tuple(_), Value::Tuple(_))
    );
    if !secret && sequences && b.length() == a.length() {
        let (xs, ys) = (b.as_seq().unwrap_or(&[]), a.as_seq().unwrap_or(&[]));
        for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
            path.push(PathStep::Index(i));
            diff(path, x, y, out);
            path.pop();
        }
        return;
    }
    out.push(leaf(path, Some(before), Some(after)));
}

fn leaf(path: &[PathStep], before: Option<&Value>, after: Option<&Value>) -> AttrDrift {
    // Sensitive on either side hides both: a value that stopped being secret was one.
    let secret = [before, after]
        .into_iter()
        .flatten()
        .any(Value::is_sensitive_deep);
    let show = |v: Option<&Value>| match v {
        None => Shown::Absent,
        Some(_) if secret => Shown::Sensitive,
        Some(v) => shown(v),
    };
    AttrDrift {
        path: path_string(path),
        before: show(before),
        after: show(after),
    }
}

/// A value as shown: sensitive when it or anything inside it is marked.
pub fn shown(v: &Value) -> Shown {
    if v.is_sensitive_deep() {
        Shown::Sensitive
    } else {
        Shown::Value(autostack_core::jsonplan::known_json(v))
    }
}

/// `v` with the attributes `block` declares sensitive marked (nested blocks included), so
/// a value the state or the provider left unmarked is still hidden.
pub fn mark_by_schema(v: &Value, block: &Block) -> Value {
    let (inner, marks) = (v.unmarked(), v.marks());
    let Value::Object(m) = inner else {
        return v.clone();
    };
    let mut out = (**m).clone();
    for (name, x) in out.iter_mut() {
        if block.attributes.get(name).is_some_and(|a| a.sensitive) {
            *x = x.clone().sensitive();
        } else if let Some(nb) = block.blocks.get(name) {
            *x = mark_elements(x, &nb.block);
        }
    }
    Value::object(out).mark(marks)
}

/// Each element of a nested block's value (a list, set, tuple or single object) marked.
fn mark_elements(v: &Value, block: &Block) -> Value {
    let marks = v.marks();
    let each = |xs: &[Value]| {
        xs.iter()
            .map(|x| mark_by_schema(x, block))
            .collect::<Vec<_>>()
    };
    match v.unmarked() {
        Value::List(t, xs) => Value::list(t.clone(), each(xs)),
        Value::Set(t, xs) => Value::Set(t.clone(), std::sync::Arc::new(each(xs))),
        Value::Tuple(xs) => Value::tuple(each(xs)),
        Value::Object(_) => mark_by_schema(v, block),
        other => other.clone(),
    }
    .mark(marks)
}

/// Sets each resource's monthly cost from `priced` (address → before, after) and returns
/// the sum over the priced ones (`None` when none is).
pub fn set_costs(
    resources: &mut [DriftedResource],
    priced: &BTreeMap<String, CostEffect>,
) -> Option<CostEffect> {
    let mut total: Option<CostEffect> = None;
    for r in resources {
        r.monthly = priced.get(&r.address).copied();
        if let Some(m) = r.monthly {
            let t = total.get_or_insert(CostEffect {
                before: 0.0,
                after: 0.0,
            });
            t.before += m.before;
            t.after += m.after;
        }
    }
    total
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
