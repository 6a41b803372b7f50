//! Budgets and policies from `autostack.hcl`, evaluated against a [`Report`].
//!
//! ```hcl
//! budget "total" {
//!   monthly_usd = 2000                 # whole configuration
//! }
//! budget "team-data" {
//!   monthly_usd = 500
//!   tags        = { team = "data" }    # only resources carrying all these tags
//! }
//! policy "guardrails" {
//!   deny_gpu                  = true
//!   max_vcpu                  = 8
//!   allowed_regions           = ["us-east-1", "eastus", "us-east1"]
//!   required_tags             = ["team"]
//!   allowed_instance_families = ["t3", "m6g", "Dsv5", "e2*"]   # globs; family or full SKU
//! }
//! ```
//! `history { keep = 50 }` bounds the state versions kept for `state history` and `rollback`.
//! Every argument is optional except `monthly_usd`; values must be literals. Policies apply to
//! objects that exist after the plan (deletes are skipped). `required_tags` applies to resources
//! whose type has `tags`/`labels` (tags unknown until apply are not judged). A broken budget or
//! policy is a [`Violation`]; the CLI then exits with [`crate::EXIT_POLICY_VIOLATION`] (3).
//!
//! The same file's `provider` blocks set how each provider configuration is served and how
//! many of its operations may run at once ([`ProviderSettings`]).

mod parse;
mod providers;

pub use providers::{ProviderSettings, MAX_CONCURRENCY};

use crate::error::{read_file, CostError};
use crate::model::Action;
use crate::report::{Report, ResourceCost, Status};
use crate::util::{fmt_usd, glob_match, round_usd};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The file name budgets and policies are read from, beside the `.tf` files.
pub const POLICY_FILE: &str = "autostack.hcl";

/// A monthly budget, for the whole configuration or for resources with given tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// Block label.
    pub name: String,
    /// Limit in USD per month.
    pub monthly_usd: f64,
    /// Tags a resource must carry (all of them) to count; empty = every resource.
    pub tags: BTreeMap<String, String>,
    /// Applies to the month-end forecast of the cost history rather than to the plan's
    /// monthly cost (`forecast = true`; whole configuration only).
    pub forecast: bool,
}

/// Guardrails on what the plan may create.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    /// Block label.
    pub name: String,
    /// Reject GPU / accelerator instance types.
    pub deny_gpu: bool,
    /// Largest vCPU count per instance.
    pub max_vcpu: Option<f64>,
    /// Regions resources may be in.
    pub allowed_regions: Option<Vec<String>>,
    /// Tags every taggable resource must have.
    pub required_tags: Vec<String>,
    /// Instance family (or SKU) globs allowed for compute.
    pub allowed_instance_families: Option<Vec<String>>,
}

/// Budgets and policies from one `autostack.hcl`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicySet {
    /// Budgets in file order.
    pub budgets: Vec<Budget>,
    /// Policies in file order.
    pub policies: Vec<Policy>,
    /// How many state versions to keep (`history { keep = N }`; not a cost setting, but
    /// `autostack.hcl` is where the engine's own settings live).
    pub history_keep: Option<usize>,
    /// `provider` blocks in file order (see [`ProviderSettings`]).
    pub providers: Vec<ProviderSettings>,
}

/// A broken budget or policy: which one, which rule, which resource, the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    /// `budget` or `policy`.
    pub kind: String,
    /// Budget or policy name (block label).
    pub name: String,
    /// The rule: `monthly_usd`, `deny_gpu`, `max_vcpu`, `allowed_regions`, `required_tags`, `allowed_instance_families`.
    pub rule: String,
    /// The resource, for per-resource rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Human-readable explanation with the numbers.
    pub message: String,
    /// The offending value.
    pub actual: Value,
    /// The limit or allowed values.
    pub limit: Value,
}

impl std::fmt::Display for Violation {
    /// `policy "guardrails" (max_vcpu): aws_instance.big has 16 vCPU …`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} \"{}\" ({}): {}",
            self.kind, self.name, self.rule, self.message
        )
    }
}

impl PolicySet {
    /// Parses `autostack.hcl` text; errors carry `file:line:column`.
    pub fn parse(file: &str, text: &str) -> Result<PolicySet, CostError> {
        parse::parse(file, text)
    }

    /// Reads and parses a policy file.
    pub fn load(path: &Path) -> Result<PolicySet, CostError> {
        PolicySet::parse(&path.display().to_string(), &read_file(path)?)
    }

    /// The settings block of the configuration `name` (alias `alias`), if any.
    pub fn provider(&self, name: &str, alias: Option<&str>) -> Option<&ProviderSettings> {
        self.providers
            .iter()
            .find(|p| p.name == name && p.alias.as_deref() == alias)
    }

    /// The `concurrency` of configuration `name` (alias `alias`): its own block's, else, for
    /// an aliased configuration, the default configuration's.
    pub fn concurrency(&self, name: &str, alias: Option<&str>) -> Option<usize> {
        let own = self.provider(name, alias).and_then(|p| p.concurrency);
        own.or_else(|| alias.and_then(|_| self.provider(name, None)?.concurrency))
    }

    /// Reads `DIR/autostack.hcl` if it exists.
    pub fn load_dir(dir: &Path) -> Result<Option<PolicySet>, CostError> {
        let p = dir.join(POLICY_FILE);
        if p.is_file() {
            PolicySet::load(&p).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Every violation of every budget and policy, in file order.
    pub fn evaluate(&self, report: &Report) -> Vec<Violation> {
        let mut out: Vec<Violation> = self
            .budgets
            .iter()
            .filter(|b| !b.forecast)
            .filter_map(|b| budget(b, report))
            .collect();
        for p in &self.policies {
            for r in report.resources.iter().filter(|r| exists_after(r)) {
                out.extend(policy(p, r));
            }
        }
        out
    }
}

impl PolicySet {
    /// The forecast budgets broken by a month's forecast (see [`crate::history`]).
    pub fn check_forecast(&self, month: &crate::history::MonthSummary) -> Vec<Violation> {
        let over = self.budgets.iter().filter(|b| b.forecast);
        over.filter(|b| month.forecast > b.monthly_usd)
            .map(|b| Violation {
                kind: "budget".to_string(),
                name: b.name.clone(),
                rule: "forecast".to_string(),
                address: None,
                message: format!(
                    "the forecast for {} is {} ({} so far at the applied run-rates, {} a month now), over the limit of {} by {}",
                    month.month,
                    fmt_usd(month.forecast),
                    fmt_usd(month.month_to_date),
                    fmt_usd(month.current),
                    fmt_usd(b.monthly_usd),
                    fmt_usd(month.forecast - b.monthly_usd),
                ),
                actual: Value::from(month.forecast),
                limit: Value::from(b.monthly_usd),
            })
            .collect()
    }
}

fn exists_after(r: &ResourceCost) -> bool {
    Action::parse(&r.action).is_none_or(|a| a.has_after())
}

fn matches_tags(r: &ResourceCost, want: &BTreeMap<String, String>) -> bool {
    want.iter()
        .all(|(k, v)| r.tags.as_ref().and_then(|t| t.get(k)) == Some(v))
}

fn not_fully_priced(r: &ResourceCost) -> bool {
    matches!(
        r.status,
        Status::Unpriced | Status::Partial | Status::DependsOn
    )
}

fn budget(b: &Budget, report: &Report) -> Option<Violation> {
    let members: Vec<&ResourceCost> = report
        .resources
        .iter()
        .filter(|r| matches_tags(r, &b.tags))
        .collect();
    let total = round_usd(members.iter().filter_map(|r| r.monthly_cost.after).sum());
    if total <= b.monthly_usd {
        return None;
    }
    let message = format!(
        "monthly cost {} exceeds the limit of {} by {} ({})",
        fmt_usd(total),
        fmt_usd(b.monthly_usd),
        fmt_usd(total - b.monthly_usd),
        budget_details(b, &members)
    );
    Some(Violation {
        kind: "budget".to_string(),
        name: b.name.clone(),
        rule: "monthly_usd".to_string(),
        address: None,
        message,
        actual: Value::from(total),
        limit: Value::from(b.monthly_usd),
    })
}

/// `12 resources tagged team=data; largest: aws_instance.big $400.00; 1 not fully priced`.
fn budget_details(b: &Budget, members: &[&ResourceCost]) -> String {
    let mut out = if b.tags.is_empty() {
        format!("{} resources", members.len())
    } else {
        let t: Vec<String> = b.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} resources tagged {}", members.len(), t.join(", "))
    };
    let cost = |r: &&&ResourceCost| r.monthly_cost.after.unwrap_or(0.0);
    let largest = members
        .iter()
        .filter(|r| r.monthly_cost.after.is_some())
        .max_by(|a, b| cost(a).total_cmp(&cost(b)).then(b.address.cmp(&a.address)));
    if let Some(r) = largest {
        out.push_str(&format!("; largest: {} {}", r.address, fmt_usd(cost(&r))));
    }
    let unpriced = members.iter().filter(|r| not_fully_priced(r)).count();
    if unpriced > 0 {
        out.push_str(&format!("; {unpriced} not fully priced"));
    }
    out
}

/// The offending value and the limit of a rule.
type Numbers = (Value, Value);

fn violation(
    p: &Policy,
    rule: &str,
    r: &ResourceCost,
    message: String,
    (actual, limit): Numbers,
) -> Violation {
    Violation {
        kind: "policy".to_string(),
        name: p.name.clone(),
        rule: rule.to_string(),
        address: Some(r.address.clone()),
        message: format!("{} {message}", r.address),
        actual,
        limit,
    }
}

fn strings(v: &[String]) -> Value {
    Value::from(v.to_vec())
}

fn policy(p: &Policy, r: &ResourceCost) -> Vec<Violation> {
    let mut out = compute_rules(p, r);
    if let (Some(allowed), Some(region)) = (&p.allowed_regions, &r.region) {
        if r.status != Status::Free && !allowed.iter().any(|a| a == region) {
            let msg = format!(
                "is in {region}, not in allowed_regions [{}]",
                allowed.join(", ")
            );
            let nums = (Value::from(region.clone()), strings(allowed));
            out.push(violation(p, "allowed_regions", r, msg, nums));
        }
    }
    if let Some(tags) = &r.tags {
        let missing: Vec<String> = p
            .required_tags
            .iter()
            .filter(|k| tags.get(*k).is_none_or(|v| v.is_empty()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let msg = format!("lacks required tag(s) {}", missing.join(", "));
            let nums = (strings(&missing), strings(&p.required_tags));
            out.push(violation(p, "required_tags", r, msg, nums));
        }
    }
    out
}

/// `deny_gpu`, `max_vcpu` and `allowed_instance_families` for compute resources.
fn compute_rules(p: &Policy, r: &ResourceCost) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(ci) = &r.compute else { return out };
    let shape = &ci.shape;
    if p.deny_gpu && shape.gpu {
        let msg = format!("uses GPU type {} (deny_gpu = true)", ci.sku);
        let nums = (Value::from(ci.sku.clone()), Value::from(false));
        out.push(violation(p, "deny_gpu", r, msg, nums));
    }
    if let Some(max) = p.max_vcpu.filter(|m| shape.vcpu > *m) {
        let msg = format!(
            "has {} vCPU ({}), more than max_vcpu = {max}",
            shape.vcpu, ci.sku
        );
        out.push(violation(
            p,
            "max_vcpu",
            r,
            msg,
            (Value::from(shape.vcpu), Value::from(max)),
        ));
    }
    if let Some(fams) = &p.allowed_instance_families {
        if !fams
            .iter()
            .any(|f| glob_match(f, &shape.family) || glob_match(f, &ci.sku))
        {
            let msg = format!(
                "uses family {} ({}), not in allowed_instance_families [{}]",
                shape.family,
                ci.sku,
                fams.join(", ")
            );
            let nums = (Value::from(shape.family.clone()), strings(fams));
            out.push(violation(p, "allowed_instance_families", r, msg, nums));
        }
    }
    out
}
