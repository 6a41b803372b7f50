//! Pull-request deltas: the base report's planned costs become "before".

use super::{Equivalent, MonthlyCost, Report, ResourceCost};
use crate::model::Action;
use std::collections::{BTreeMap, HashMap};

/// Builds the head-vs-base report: every resource of either side, before from `base`, after from `head`.
pub(super) fn compare(base: &Report, head: &Report) -> Report {
    let base_by_addr: HashMap<&str, &ResourceCost> = base
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r))
        .collect();
    let mut out = head.clone();
    out.violations.clear();
    out.resources.clear();
    let mut seen = std::collections::HashSet::new();
    for h in &head.resources {
        seen.insert(h.address.as_str());
        let b = base_by_addr.get(h.address.as_str()).copied();
        out.resources.push(merge(h, b, Some(h)));
    }
    for b in &base.resources {
        if !seen.contains(b.address.as_str()) {
            out.resources.push(merge(b, Some(b), None));
        }
    }
    out.recompute_totals();
    out
}

/// One resource of the PR view; `template` (head's, else base's entry) supplies the descriptive fields.
fn merge(
    template: &ResourceCost,
    base: Option<&ResourceCost>,
    head: Option<&ResourceCost>,
) -> ResourceCost {
    let exists_after = |r: &ResourceCost| Action::parse(&r.action).is_none_or(|a| a.has_after());
    let b_after = base.filter(|r| exists_after(r));
    let h_after = head.filter(|r| exists_after(r));
    let mut out = template.clone();
    out.monthly_cost = MonthlyCost {
        before: b_after.map_or(Some(0.0), |r| r.monthly_cost.after),
        after: h_after.map_or(Some(0.0), |r| r.monthly_cost.after),
    };
    out.action = match (b_after, h_after) {
        (None, Some(_)) => "create",
        (Some(_), None) => "delete",
        (None, None) => "no-op",
        (Some(b), Some(h))
            if b.monthly_cost.after == h.monthly_cost.after && b.components == h.components =>
        {
            "no-op"
        }
        (Some(_), Some(_)) => "update",
    }
    .to_string();
    out.equivalents = merge_equivalents(b_after, h_after);
    out
}

fn merge_equivalents(
    base: Option<&ResourceCost>,
    head: Option<&ResourceCost>,
) -> BTreeMap<crate::Cloud, Equivalent> {
    let mut out = BTreeMap::new();
    let clouds = head
        .or(base)
        .map(|r| r.equivalents.keys().copied().collect::<Vec<_>>())
        .unwrap_or_default();
    for c in clouds {
        let b = base.and_then(|r| r.equivalents.get(&c));
        let h = head.and_then(|r| r.equivalents.get(&c));
        let Some(mut e) = h.or(b).cloned() else {
            continue;
        };
        e.monthly_cost = MonthlyCost {
            before: if base.is_some() {
                b.and_then(|e| e.monthly_cost.after)
            } else {
                Some(0.0)
            },
            after: if head.is_some() {
                h.and_then(|e| e.monthly_cost.after)
            } else {
                Some(0.0)
            },
        };
        out.insert(c, e);
    }
    out
}
