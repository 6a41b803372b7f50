//! The cost report: a stable, documented JSON schema (`autostack.cost/v1`) and its renderers.
//!
//! See the crate README for the schema. Amounts are USD per month (730 hours); `null` means
//! "not known" (the resource is unpriced or depends on a value known only after apply), `0` means
//! "nothing" (no object before a create, or after a delete).

mod compare;
mod group;
pub mod json;
pub mod markdown;
pub mod table;
mod totals;

use crate::catalog::{Cloud, Shape};
use crate::policy::Violation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use group::{GroupBy, GroupRow};

/// `$a` when unchanged, `$b → $a` when it changes, `?` for unknown parts.
pub(crate) fn cost_change(c: &MonthlyCost) -> String {
    let show = |x: Option<f64>| x.map_or_else(|| "?".to_string(), crate::util::fmt_usd);
    if c.before == c.after || c.before == Some(0.0) {
        show(c.after)
    } else {
        format!("{} → {}", show(c.before), show(c.after))
    }
}

/// The schema identifier written in every JSON report.
pub const SCHEMA: &str = "autostack.cost/v1";

/// A whole estimate: per-resource costs, cross-cloud totals, hints and policy violations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The catalog date: the newest `as_of` of the catalog used.
    pub catalog_date: String,
    /// Where the prices came from (`embedded (copied 2026-12-04)` or file names).
    pub catalog: String,
    /// Always `USD`.
    pub currency: String,
    /// Hours in a month for hourly prices (730).
    pub hours_per_month: f64,
    /// One entry per resource instance, in plan order.
    pub resources: Vec<ResourceCost>,
    /// The plan as written: each resource on its own cloud.
    pub total: Total,
    /// The same infrastructure on each cloud (own price where it runs there, equivalents elsewhere).
    pub totals: BTreeMap<Cloud, Total>,
    /// The cloud with the lowest `totals[*].after`, if anything is priced.
    pub cheapest: Option<Cheapest>,
    /// Deterministic optimization hints, largest saving first.
    pub hints: Vec<Hint>,
    /// Budget and policy violations (filled by [`Report::check`]).
    #[serde(default)]
    pub violations: Vec<Violation>,
}

/// Pricing status of a resource, component or equivalent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fully priced from the catalog.
    Priced,
    /// Some components priced, others unpriced (the reason lists them).
    Partial,
    /// No charge for this resource type.
    Free,
    /// No price available (the reason says why).
    Unpriced,
    /// The price depends on a value known only after apply, or on usage not given.
    DependsOn,
}

impl Status {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Priced => "priced",
            Status::Partial => "partial",
            Status::Free => "free",
            Status::Unpriced => "unpriced",
            Status::DependsOn => "depends_on",
        }
    }
}

/// Monthly cost before and after the change (`null` = unknown).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct MonthlyCost {
    /// Cost of the prior object (0 for a create).
    pub before: Option<f64>,
    /// Cost of the planned object (0 for a delete).
    pub after: Option<f64>,
}

impl MonthlyCost {
    /// `after - before`, when both are known.
    pub fn delta(&self) -> Option<f64> {
        Some(crate::util::round_usd(self.after? - self.before?))
    }
}

/// The cost of one resource instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceCost {
    /// Instance address.
    pub address: String,
    /// Resource type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Module address (`module.net`), absent in the root module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Provider source address.
    pub provider: String,
    /// Cloud the resource runs on (absent for cloud-less types such as `random_id`).
    pub cloud: Option<Cloud>,
    /// Region used for prices.
    pub region: Option<String>,
    /// Plan action (`create`, `update`, `replace`, `delete`, `no-op`, …).
    pub action: String,
    /// Pricing status.
    pub status: Status,
    /// Why it is free, unpriced, partial or depends on something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Monthly cost before and after (sum of the priced components).
    pub monthly_cost: MonthlyCost,
    /// Cost components of the planned object (of the prior object for a delete).
    pub components: Vec<Component>,
    /// The same resource on the other clouds.
    pub equivalents: BTreeMap<Cloud, Equivalent>,
    /// Compute shape, for compute resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<ComputeInfo>,
    /// Tags (AWS/Azure `tags`, GCP `labels`); absent for untaggable types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// Compute shape of a resource: SKU plus what policies and equivalents compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComputeInfo {
    /// Instance type / size / machine type.
    pub sku: String,
    /// vCPU, memory, arch, GPU, burstable, family.
    pub shape: Shape,
}

/// One priced (or unpriced) line of a resource's cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// What is charged (`Instance usage (Linux, on-demand, t3.micro)`).
    pub name: String,
    /// Unit of `quantity` (`hours`, `GB-months`, `IOPS-months`).
    pub unit: String,
    /// Monthly quantity (null when unknown).
    pub quantity: Option<f64>,
    /// Catalog price per unit (null when unpriced).
    pub unit_price: Option<f64>,
    /// `quantity × unit_price` (null when unpriced).
    pub monthly_cost: Option<f64>,
    /// Catalog SKU used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// `as_of` date of the price used.
    pub source_date: Option<String>,
    /// Source of the price used (`package==version:path#section`).
    pub source: Option<String>,
    /// `priced`, `unpriced` or `depends_on`.
    pub status: Status,
    /// Why it is unpriced or what it depends on; assumptions made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The equivalent of a resource on another cloud.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equivalent {
    /// Equivalent SKU (`e2-medium`, `Standard SSD`); null when none was found.
    pub sku: Option<String>,
    /// Equivalent region.
    pub region: Option<String>,
    /// Equivalent monthly cost of the prior and planned objects.
    pub monthly_cost: MonthlyCost,
    /// The mapping rule used, human-readable.
    pub rule: String,
    /// `priced`, `partial`, `unpriced` or `depends_on`.
    pub status: Status,
    /// Why it is not (fully) priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Components of the equivalent's planned object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

/// Monthly totals.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Total {
    /// Sum of known before costs.
    pub before: f64,
    /// Sum of known after costs.
    pub after: f64,
    /// `after - before`.
    pub delta: f64,
    /// Resources whose cost here is unknown or only partly known (left out or partly counted).
    pub unpriced: usize,
}

/// The cheapest cloud for this infrastructure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cheapest {
    /// The cloud.
    pub cloud: Cloud,
    /// Its monthly total (after).
    pub monthly_cost: f64,
    /// Saving against the plan as written (`total.after - monthly_cost`).
    pub saving: f64,
    /// Caveat when clouds have different numbers of unpriced resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An optimization hint with its monthly saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hint {
    /// `cheaper_family`, `cheaper_cloud`, `cheaper_region` or `gp2_to_gp3`.
    pub kind: String,
    /// The resource it concerns (absent for plan-wide hints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// What to change and why.
    pub message: String,
    /// Monthly saving in USD.
    pub monthly_saving: f64,
}

impl Report {
    /// An empty report for a catalog.
    pub fn new(catalog_date: &str, catalog: &str) -> Report {
        Report {
            schema: SCHEMA.to_string(),
            catalog_date: catalog_date.to_string(),
            catalog: catalog.to_string(),
            currency: "USD".to_string(),
            hours_per_month: crate::HOURS_PER_MONTH,
            resources: Vec::new(),
            total: Total::default(),
            totals: BTreeMap::new(),
            cheapest: None,
            hints: Vec::new(),
            violations: Vec::new(),
        }
    }

    /// Reads a report written by [`json::render`] (e.g. the base of a pull request).
    pub fn from_json(text: &str) -> Result<Report, String> {
        serde_json::from_str(text).map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))
    }

    /// Recomputes `total`, `totals` and `cheapest` from `resources`.
    pub fn recompute_totals(&mut self) {
        totals::recompute(self);
    }

    /// Evaluates budgets and policies, stores the violations and returns how many there are.
    /// The CLI exits with [`crate::EXIT_POLICY_VIOLATION`] (3) when this is non-zero.
    pub fn check(&mut self, policies: &crate::policy::PolicySet) -> usize {
        self.violations = policies.evaluate(self);
        self.violations.len()
    }

    /// A report for a pull request: `before` = `base`'s planned costs, `after` = this report's.
    pub fn compare_to(&self, base: &Report) -> Report {
        compare::compare(base, self)
    }

    /// Sums costs per group (tag value, provider, cloud or module), with an `untagged` row.
    pub fn group_by(&self, by: &GroupBy) -> Vec<GroupRow> {
        group::group(self, by)
    }
}
