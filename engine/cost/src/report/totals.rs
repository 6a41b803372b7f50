//! Totals for the plan as written and for the same infrastructure on each cloud.

use super::{Cheapest, MonthlyCost, Report, ResourceCost, Status, Total};
use crate::catalog::Cloud;
use crate::util::round_usd;

#[derive(Default)]
struct Acc {
    before: f64,
    after: f64,
    unpriced: usize,
}

impl Acc {
    fn add(&mut self, cost: &MonthlyCost, status: Status) {
        self.before += cost.before.unwrap_or(0.0);
        self.after += cost.after.unwrap_or(0.0);
        if matches!(
            status,
            Status::Unpriced | Status::Partial | Status::DependsOn
        ) {
            self.unpriced += 1;
        }
    }

    fn total(&self) -> Total {
        let (before, after) = (round_usd(self.before), round_usd(self.after));
        Total {
            before,
            after,
            delta: round_usd(after - before),
            unpriced: self.unpriced,
        }
    }
}

/// What a resource costs on `cloud`: its own cost there, its equivalent, or unpriced.
fn on_cloud(r: &ResourceCost, cloud: Cloud) -> (MonthlyCost, Status) {
    if r.status == Status::Free {
        return (MonthlyCost::default(), Status::Free);
    }
    if r.cloud == Some(cloud) || r.cloud.is_none() {
        return (r.monthly_cost, r.status);
    }
    match r.equivalents.get(&cloud) {
        Some(e) => (e.monthly_cost, e.status),
        None => (MonthlyCost::default(), Status::Unpriced),
    }
}

/// Recomputes `total`, `totals` and `cheapest`.
pub(super) fn recompute(report: &mut Report) {
    let mut plan = Acc::default();
    let mut per: [Acc; 3] = Default::default();
    for r in &report.resources {
        plan.add(&r.monthly_cost, r.status);
        for (i, c) in Cloud::ALL.iter().enumerate() {
            let (cost, status) = on_cloud(r, *c);
            per[i].add(&cost, status);
        }
    }
    report.total = plan.total();
    report.totals = Cloud::ALL
        .iter()
        .zip(&per)
        .map(|(c, a)| (*c, a.total()))
        .collect();
    report.cheapest = cheapest(report);
}

fn cheapest(report: &Report) -> Option<Cheapest> {
    let any_priced = report
        .resources
        .iter()
        .any(|r| matches!(r.status, Status::Priced | Status::Partial));
    if !any_priced {
        return None;
    }
    let (cloud, t) = report
        .totals
        .iter()
        .min_by(|a, b| a.1.after.total_cmp(&b.1.after).then(a.0.cmp(b.0)))?;
    let counts: Vec<String> = report
        .totals
        .iter()
        .filter(|(_, t)| t.unpriced > 0)
        .map(|(c, t)| format!("{c}: {}", t.unpriced))
        .collect();
    let uneven = report.totals.values().any(|o| o.unpriced != t.unpriced);
    let note = (!counts.is_empty()).then(|| {
        let how = if uneven {
            "the totals leave them out, so the comparison is approximate"
        } else {
            "every total leaves them out"
        };
        format!("not fully priced: {}; {how}", counts.join(", "))
    });
    Some(Cheapest {
        cloud: *cloud,
        monthly_cost: t.after,
        saving: round_usd(report.total.after - t.after),
        note,
    })
}
