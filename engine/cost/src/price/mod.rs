//! Per-resource pricing: turns one planned (or prior) object into cost components.
//!
//! Each supported resource type has a function in [`aws`], [`azure`] or [`gcp`] (portable types
//! go through those of the cloud they are bound to, [`portable`]); other types are
//! free (networking, IAM, builtin providers, …) or unpriced with the reason. Hourly prices use
//! 730 hours a month unless the usage file sets `hours_per_month`.

pub(crate) mod aws;
pub(crate) mod azure;
mod free;
pub(crate) mod gcp;
mod portable;

pub(crate) use free::is_free;

use crate::attrs::{Attr, Attrs};
use crate::catalog::{Catalog, Cloud, PriceRow, Unit};
use crate::equiv::Spec;
use crate::model::{ProviderConfig, Setting};
use crate::report::{Component, ComputeInfo, Status};
use crate::usage::ResourceUsage;
use crate::util::round_usd;

/// Everything a pricing function may read besides the object itself.
pub(crate) struct Cx<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// Usage for this resource.
    pub usage: ResourceUsage,
    /// The provider configuration the resource uses.
    pub provider: Option<&'a ProviderConfig>,
}

impl Cx<'_> {
    /// Hours per month for hourly prices.
    pub fn hours(&self) -> f64 {
        self.usage.hours_per_month.unwrap_or(crate::HOURS_PER_MONTH)
    }

    /// A component priced from the catalog row of (cloud, service, sku, region), or unpriced with why.
    pub fn component(&self, key: (Cloud, &str, &str, &str), name: String, qty: f64) -> Component {
        let (cloud, service, sku, region) = key;
        match self.catalog.lookup(cloud, service, sku, region) {
            Some(row) => from_row(name, qty, row),
            None => unpriced(
                name,
                unit_name_for(service),
                Some(qty),
                no_price(self.catalog, key),
            ),
        }
    }
}

fn unit_name_for(service: &str) -> &'static str {
    match service {
        "ec2" | "vm" | "compute" | "public-ip" => "hours",
        _ => "GB-months",
    }
}

/// Why (cloud, service, sku, region) has no price.
pub(crate) fn no_price(catalog: &Catalog, key: (Cloud, &str, &str, &str)) -> String {
    let (cloud, service, sku, region) = key;
    if !catalog.knows_sku(cloud, service, sku) {
        format!("no price for {sku} in {region}: the catalog has no {cloud} {service} SKU {sku}")
    } else if !crate::regions::is_known(cloud, region) {
        format!("no price for {sku} in {region} (unknown {cloud} region)")
    } else {
        format!("no price for {sku} in {region}")
    }
}

/// A priced component from a catalog row.
pub(crate) fn from_row(name: String, qty: f64, row: &PriceRow) -> Component {
    let unit = match row.unit {
        Unit::Hour => "hours",
        Unit::GbMonth => "GB-months",
    };
    Component {
        name,
        unit: unit.to_string(),
        quantity: Some(qty),
        unit_price: Some(row.usd),
        monthly_cost: Some(round_usd(qty * row.usd)),
        sku: Some(row.sku.clone()),
        source_date: Some(row.as_of.clone()),
        source: Some(row.source.clone()),
        status: Status::Priced,
        reason: None,
    }
}

/// A component with no price, and why.
pub(crate) fn unpriced(name: String, unit: &str, qty: Option<f64>, reason: String) -> Component {
    Component {
        name,
        unit: unit.to_string(),
        quantity: qty,
        unit_price: None,
        monthly_cost: None,
        sku: None,
        source_date: None,
        source: None,
        status: Status::Unpriced,
        reason: Some(reason),
    }
}

/// A component whose price depends on an unknown value.
pub(crate) fn depends(name: String, unit: &str, what: &str) -> Component {
    Component {
        status: Status::DependsOn,
        ..unpriced(name, unit, None, format!("depends on {what}"))
    }
}

/// The cost of one object (the prior or the planned one) of a resource.
#[derive(Debug, Default)]
pub(crate) struct StateCost {
    /// Cloud, if the type belongs to one.
    pub cloud: Option<Cloud>,
    /// Region used.
    pub region: Option<String>,
    /// Cost components.
    pub components: Vec<Component>,
    /// What the object is, for equivalents.
    pub spec: Option<Spec>,
    /// `Some(reason)` when the type is free.
    pub free: Option<String>,
    /// A resource-level reason it cannot be priced (no region, unknown type).
    pub blocker: Option<(Status, String)>,
    /// Compute shape, for policies.
    pub compute: Option<ComputeInfo>,
}

impl StateCost {
    /// A cost for `cloud` whose region resolved to `region` (or a blocker).
    pub fn on(cloud: Cloud, region: Result<String, (Status, String)>) -> StateCost {
        let mut s = StateCost {
            cloud: Some(cloud),
            ..StateCost::default()
        };
        match region {
            Ok(r) => s.region = Some(r),
            Err(b) => s.blocker = Some(b),
        }
        s
    }

    /// Monthly cost: the sum of priced components (`0` when free, `None` when nothing is priced).
    pub fn cost(&self) -> Option<f64> {
        if self.free.is_some() {
            return Some(0.0);
        }
        let mut priced = self
            .components
            .iter()
            .filter_map(|c| c.monthly_cost)
            .peekable();
        priced.peek()?;
        Some(round_usd(priced.sum()))
    }

    /// Status, reason and monthly cost (sum of priced components) of this object.
    pub fn summary(&self) -> (Status, Option<String>, Option<f64>) {
        if let Some(why) = &self.free {
            return (Status::Free, Some(why.clone()), Some(0.0));
        }
        let priced: Vec<f64> = self
            .components
            .iter()
            .filter_map(|c| c.monthly_cost)
            .collect();
        let cost = (!priced.is_empty()).then(|| round_usd(priced.iter().sum()));
        if let Some((status, why)) = &self.blocker {
            return (*status, Some(why.clone()), cost);
        }
        let reasons = |st: Status| -> Vec<String> {
            self.components
                .iter()
                .filter(|c| c.status == st)
                .map(|c| format!("{}: {}", c.name, c.reason.as_deref().unwrap_or("")))
                .collect()
        };
        let (dep, unp) = (reasons(Status::DependsOn), reasons(Status::Unpriced));
        if !dep.is_empty() {
            return (Status::DependsOn, Some(dep.join("; ")), cost);
        }
        if !unp.is_empty() {
            let st = if cost.is_some() {
                Status::Partial
            } else {
                Status::Unpriced
            };
            return (st, Some(unp.join("; ")), cost);
        }
        if self.components.is_empty() {
            return (
                Status::Unpriced,
                Some("no cost components".to_string()),
                None,
            );
        }
        let assumed = reasons(Status::Priced)
            .into_iter()
            .filter(|r| !r.ends_with(": "))
            .collect::<Vec<_>>();
        (
            Status::Priced,
            (!assumed.is_empty()).then(|| assumed.join("; ")),
            cost,
        )
    }
}

/// Prices one object of `type_name`.
pub(crate) fn price_state(type_name: &str, a: &Attrs, cx: &Cx) -> StateCost {
    match type_name {
        "aws_instance" => aws::instance(a, cx),
        "aws_ebs_volume" => aws::ebs_volume(a, cx),
        "aws_eip" => aws::eip(a, cx),
        "aws_s3_bucket" => aws::s3_bucket(a, cx),
        "aws_nat_gateway" => aws::nat_gateway(a, cx),
        "azurerm_linux_virtual_machine" => azure::virtual_machine(a, cx, false),
        "azurerm_windows_virtual_machine" => azure::virtual_machine(a, cx, true),
        "azurerm_managed_disk" => azure::managed_disk(a, cx),
        "azurerm_public_ip" => azure::public_ip(a, cx),
        "azurerm_storage_account" => azure::storage_account(a, cx),
        "google_compute_instance" => gcp::instance(a, cx),
        "google_compute_disk" => gcp::disk(a, cx),
        "google_compute_address" => gcp::address(a, cx),
        "google_storage_bucket" => gcp::bucket(a, cx),
        t if t.starts_with(PORTABLE_PREFIX) => portable::price(t, a, cx),
        _ => free::other(type_name, a, cx),
    }
}

/// The prefix of the portable types, priced on the cloud they are bound to.
pub(crate) const PORTABLE_PREFIX: &str = "portable_";

/// The cloud a resource type belongs to, from its name prefix.
pub(crate) fn cloud_of_type(type_name: &str) -> Option<Cloud> {
    if type_name.starts_with("aws_") {
        Some(Cloud::Aws)
    } else if type_name.starts_with("azurerm_") || type_name.starts_with("azuread_") {
        Some(Cloud::Azure)
    } else if type_name.starts_with("google_") {
        Some(Cloud::Gcp)
    } else {
        None
    }
}

/// A provider setting (`region`, `zone`) as a region result.
pub(crate) fn provider_setting(
    cx: &Cx,
    pick: fn(&ProviderConfig) -> Option<&Setting>,
    what: &str,
) -> Option<Result<String, (Status, String)>> {
    match cx.provider.and_then(pick)? {
        Setting::Known(r) if !r.is_empty() => Some(Ok(r.clone())),
        Setting::Known(_) => None,
        Setting::Unknown(on) => Some(Err((
            Status::DependsOn,
            format!("depends on the provider's {what} ({on})"),
        ))),
    }
}

/// A resource attribute used as region (`location`), normalized by `norm`.
pub(crate) fn attr_region(
    a: &Attrs,
    key: &str,
    norm: fn(&str) -> String,
) -> Option<Result<String, (Status, String)>> {
    match a.str(key) {
        Attr::Known(v) => Some(Ok(norm(&v))),
        Attr::Unknown => Some(Err((Status::DependsOn, format!("depends on {key}")))),
        Attr::Absent => None,
    }
}

/// Tags of an object (`tags_all` when known and non-empty, else `tags`, else GCP `labels`);
/// `None` when the type has none of them or they are unknown until apply.
pub(crate) fn tags_of(a: &Attrs) -> Option<Vec<(String, String)>> {
    for key in ["tags_all", "tags", "labels"] {
        if !a.has_key(key) {
            continue;
        }
        match a.string_map(key) {
            Some(m) if key == "tags_all" && m.is_empty() => continue,
            Some(m) => return Some(m),
            None => continue,
        }
    }
    None
}

/// The region of any resource of `cloud` (used for free and unruled types), if it can be told.
pub(crate) fn region_hint(cloud: Cloud, a: &Attrs, cx: &Cx) -> Option<String> {
    match cloud {
        Cloud::Aws => provider_setting(cx, |p| p.region.as_ref(), "region").and_then(Result::ok),
        Cloud::Azure => azure::region(a).ok(),
        Cloud::Gcp => gcp::region(a, cx).ok(),
    }
}
