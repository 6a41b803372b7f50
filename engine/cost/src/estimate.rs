//! The estimator: prices every resource change of a [`PlanInput`] into a [`Report`].

use crate::attrs::Attrs;
use crate::catalog::{Catalog, Cloud};
use crate::equiv::EqKey;
use crate::equiv::{equivalent, EqState};
use crate::model::{Action, Mode, PlanInput, ResourceChange};
use crate::price::{price_state, tags_of, Cx, StateCost};
use crate::report::{Equivalent, MonthlyCost, Report, ResourceCost, Status};
use crate::usage::Usage;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// Equivalents already computed during one estimate (plans repeat the same shapes a lot).
type Memo = RefCell<HashMap<EqKey, EqState>>;

/// Whether pricing a resource of this type reads its attribute values: only the clouds' types
/// and the portable ones do (sizes, regions, tags); any other type is free or unpriced by its
/// type name alone, so a caller may leave its `before`/`after` null unless policies need its
/// tags.
pub fn reads_values(type_name: &str) -> bool {
    crate::price::cloud_of_type(type_name).is_some()
        || type_name.starts_with(crate::price::PORTABLE_PREFIX)
}

/// Whether a type is free of charge and of no cloud (`terraform_data`, `random_*`, …): such a
/// resource never shows in the plan's cost section nor changes a total, so the section may
/// skip it before building anything for it (budgets and policies still count it).
pub fn is_inert(type_name: &str) -> bool {
    !reads_values(type_name) && crate::price::is_free(type_name)
}

/// Prices plans against a catalog, with optional usage data.
#[derive(Debug, Clone)]
pub struct Estimator<'c> {
    catalog: &'c Catalog,
    usage: Usage,
    hints: bool,
}

impl<'c> Estimator<'c> {
    /// An estimator using `catalog` (usually [`Catalog::embedded`]) and no usage data.
    pub fn new(catalog: &'c Catalog) -> Estimator<'c> {
        Estimator {
            catalog,
            usage: Usage::empty(),
            hints: true,
        }
    }

    /// Uses `usage` for usage-based prices.
    pub fn with_usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }

    /// Turns optimization hints on or off (on by default).
    pub fn with_hints(mut self, on: bool) -> Self {
        self.hints = on;
        self
    }

    /// Prices every managed resource change (data sources and reads are skipped).
    pub fn estimate(&self, input: &PlanInput) -> Report {
        let mut report = Report::new(self.catalog.date(), self.catalog.name());
        let memo = Memo::default();
        report.resources = input
            .resource_changes
            .iter()
            .filter_map(|rc| self.resource_memo(input, rc, &memo))
            .collect();
        report.recompute_totals();
        if self.hints {
            report.hints = crate::hints::hints(&report, self.catalog);
        }
        report
    }

    /// Prices one resource change; `None` for data sources and reads.
    pub fn resource(&self, input: &PlanInput, rc: &ResourceChange) -> Option<ResourceCost> {
        self.resource_memo(input, rc, &Memo::default())
    }

    fn resource_memo(
        &self,
        input: &PlanInput,
        rc: &ResourceChange,
        memo: &Memo,
    ) -> Option<ResourceCost> {
        if rc.mode == Mode::Data || rc.action == Action::Read {
            return None;
        }
        let usage = self
            .usage
            .for_resource(&rc.address, rc.base_address(), &rc.type_name);
        let cx = Cx {
            catalog: self.catalog,
            usage,
            provider: input.provider_for(rc),
        };
        let null = Value::Null;
        let before_attrs = Attrs::new(&rc.before, &null);
        let after_attrs = Attrs::new(&rc.after, &rc.after_unknown);
        let before = rc
            .action
            .has_before()
            .then(|| price_state(&rc.type_name, &before_attrs, &cx));
        let after = rc
            .action
            .has_after()
            .then(|| price_state(&rc.type_name, &after_attrs, &cx));
        let main_attrs = if after.is_some() {
            after_attrs
        } else {
            before_attrs
        };
        let (status, reason, _) = after.as_ref().or(before.as_ref())?.summary();
        let cost_of = |s: &Option<StateCost>| s.as_ref().map_or(Some(0.0), StateCost::cost);
        let monthly_cost = MonthlyCost {
            before: cost_of(&before),
            after: cost_of(&after),
        };
        let cloud = after.as_ref().or(before.as_ref())?.cloud;
        let equivalents = match cloud {
            Some(cloud) if status != Status::Free => {
                self.equivalents(cloud, (&before, &after), (status, &reason), memo)
            }
            _ => BTreeMap::new(),
        };
        let main = after.or(before)?;
        Some(ResourceCost {
            address: rc.address.clone(),
            type_name: rc.type_name.clone(),
            module: rc.module_address.clone(),
            provider: rc.provider_name.clone(),
            cloud: main.cloud,
            region: main.region,
            action: rc.action.as_str().to_string(),
            status,
            reason,
            monthly_cost,
            components: main.components,
            equivalents,
            compute: main.compute,
            tags: tags_of(&main_attrs).map(|t| t.into_iter().collect()),
        })
    }

    /// The equivalent of one object on `to` (memoized); `None` when the object is not fully known.
    fn eq_state(&self, s: &StateCost, cloud: Cloud, to: Cloud, memo: &Memo) -> Option<EqState> {
        let (spec, region) = (s.spec.as_ref()?, s.region.as_ref()?);
        let key = spec.key(cloud, region, to);
        if let Some(hit) = memo.borrow().get(&key) {
            return Some(hit.clone());
        }
        let e = equivalent(self.catalog, spec, cloud, region, to);
        memo.borrow_mut().insert(key, e.clone());
        Some(e)
    }

    fn equivalents(
        &self,
        cloud: Cloud,
        (before, after): (&Option<StateCost>, &Option<StateCost>),
        (status, reason): (Status, &Option<String>),
        memo: &Memo,
    ) -> BTreeMap<Cloud, Equivalent> {
        let mut out = BTreeMap::new();
        for to in cloud.others() {
            // Outer None: no such object (cost 0); inner None: the object is not fully known.
            let b = before.as_ref().map(|s| self.eq_state(s, cloud, to, memo));
            let a = after.as_ref().map(|s| self.eq_state(s, cloud, to, memo));
            let cost =
                |e: &Option<Option<EqState>>| e.as_ref().map_or(Some(0.0), |e| e.as_ref()?.cost);
            let monthly_cost = MonthlyCost {
                before: cost(&b),
                after: cost(&a),
            };
            let eq = match a.flatten().or(b.flatten()) {
                Some(e) => Equivalent {
                    sku: e.sku,
                    region: e.region,
                    monthly_cost,
                    rule: e.rule,
                    status: e.status,
                    reason: e.reason,
                    components: e.components,
                },
                None => Equivalent {
                    sku: None,
                    region: None,
                    monthly_cost,
                    rule: "no equivalent: the source is not fully known".to_string(),
                    status: if status == Status::DependsOn {
                        Status::DependsOn
                    } else {
                        Status::Unpriced
                    },
                    reason: reason.clone(),
                    components: Vec::new(),
                },
            };
            out.insert(to, eq);
        }
        out
    }
}
