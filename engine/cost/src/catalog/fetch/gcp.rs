//! GCP Cloud Billing Catalog API: `GET /v1/services` (find Compute Engine and Cloud Storage),
//! then `GET /v1/services/{id}/skus` page by page (`nextPageToken`).
//!
//! GCP bills a predefined machine type as vCPUs × the family's per-core rate + GiB × its per-GiB
//! RAM rate, so the API has no per-machine-type SKU: [`Skus`] collects each family's OnDemand
//! core and RAM rates per region and [`Skus::finish`] prices every machine type of
//! `gcp-machine-specs.csv` from them, as `extract_pricing.py` does for the embedded catalog.
//! Persistent disks and Cloud Storage classes are per GiB-month SKUs.

use super::{date_of, dedupe, row, FetchError};
use crate::catalog::{Cloud, PriceRow, Shape, Unit};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The public endpoint.
pub const ENDPOINT: &str = "https://cloudbilling.googleapis.com/v1";

/// The services whose SKUs are read, by display name.
pub const SERVICES: [&str; 2] = ["Compute Engine", "Cloud Storage"];

/// Description prefix of a family's core / RAM SKUs (`<prefix> Core running in Americas`).
const FAMILIES: [(&str, &str); 14] = [
    ("E2 Instance", "e2"),
    ("N1 Predefined Instance", "n1"),
    ("N2 Instance", "n2"),
    ("N2D AMD Instance", "n2d"),
    ("N4 Instance", "n4"),
    ("Compute optimized", "c2"),
    ("C2D AMD Instance", "c2d"),
    ("C3 Instance", "c3"),
    ("C3D Instance", "c3d"),
    ("C4 Instance", "c4"),
    ("C4A Arm Instance", "c4a"),
    ("T2D AMD Instance", "t2d"),
    ("T2A Arm Instance", "t2a"),
    ("Memory-optimized Instance", "m1"),
];

/// Shared-core E2 types are billed for a fraction of their vCPUs.
const SHARED_BILLED_VCPU: [(&str, f64); 3] =
    [("e2-micro", 0.25), ("e2-small", 0.5), ("e2-medium", 1.0)];

/// Flat-rate shared-core types, by `category.resourceGroup`.
const FLAT: [(&str, &str); 2] = [("F1Micro", "f1-micro"), ("G1Small", "g1-small")];

/// Persistent-disk capacity SKUs by description prefix.
const DISKS: [(&str, &str); 7] = [
    ("Storage PD Capacity", "pd-standard"),
    ("SSD backed PD Capacity", "pd-ssd"),
    ("Balanced PD Capacity", "pd-balanced"),
    ("Extreme PD Capacity", "pd-extreme"),
    ("Regional Storage PD Capacity", "regional-pd-standard"),
    ("Regional SSD backed PD Capacity", "regional-pd-ssd"),
    ("Regional Balanced PD Capacity", "regional-pd-balanced"),
];

/// Cloud Storage classes by the first words of a data-stored SKU's description.
const CLASSES: [(&str, &str); 4] = [
    ("Standard Storage", "Standard"),
    ("Nearline Storage", "Nearline"),
    ("Coldline Storage", "Coldline"),
    ("Archive Storage", "Archive"),
];

#[derive(Deserialize)]
struct ServicesPage {
    #[serde(default)]
    services: Vec<Service>,
    #[serde(rename = "nextPageToken", default)]
    next: String,
}

#[derive(Deserialize)]
struct Service {
    #[serde(rename = "serviceId")]
    id: String,
    #[serde(rename = "displayName")]
    name: String,
}

/// `(display name, service id)` of the wanted services on a page, and the next page token.
pub type ServicesPageRows = (Vec<(String, String)>, Option<String>);

/// One services page: `(display name, service id)` of the [`SERVICES`] on it, and the next page token.
pub fn parse_services(json: &str) -> Result<ServicesPageRows, FetchError> {
    let page: ServicesPage = serde_json::from_str(json)?;
    let found = page
        .services
        .into_iter()
        .filter(|s| SERVICES.contains(&s.name.as_str()))
        .map(|s| (s.name, s.id))
        .collect();
    Ok((found, Some(page.next).filter(|n| !n.is_empty())))
}

#[derive(Deserialize)]
struct SkusPage {
    #[serde(default)]
    skus: Vec<Sku>,
    #[serde(rename = "nextPageToken", default)]
    next: String,
}

/// One SKU, with the fields the mapping reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sku {
    /// The SKU id (`0009-6F35-3126`).
    pub sku_id: String,
    /// `N2 Instance Core running in Americas`, `Balanced PD Capacity in Belgium`, …
    pub description: String,
    /// Family, group and usage type.
    pub category: Category,
    /// Region codes the price applies to.
    pub service_regions: Vec<String>,
    /// Price timeline (the API returns the current one).
    pub pricing_info: Vec<PricingInfo>,
}

/// `category` of a SKU.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Category {
    /// `Compute`, `Storage`, `Network`, …
    pub resource_family: String,
    /// `CPU`, `RAM`, `N1Standard`, `F1Micro`, `SSD`, `RegionalStorage`, …
    pub resource_group: String,
    /// `OnDemand`, `Preemptible`, `Commit1Yr`, …
    pub usage_type: String,
}

/// One `pricingInfo` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PricingInfo {
    /// When this price took effect.
    pub effective_time: String,
    /// Unit and tiered rates.
    pub pricing_expression: Expression,
}

/// `pricingExpression` of a price.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Expression {
    /// `h` (per vCPU-hour or instance-hour), `GiBy.h`, `GiBy.mo`, …
    pub usage_unit: String,
    /// Volume tiers; a free tier (price 0) may come first.
    pub tiered_rates: Vec<Rate>,
}

/// One volume tier.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Rate {
    /// Price of one usage unit.
    pub unit_price: Money,
}

/// `google.type.Money`: `units` (int64 as a string) + `nanos` / 1e9.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Money {
    /// Currency (`USD` unless asked otherwise).
    pub currency_code: String,
    /// Whole units, as a decimal string.
    pub units: String,
    /// Billionths of a unit.
    pub nanos: i64,
}

impl Money {
    /// The amount as a number.
    pub fn value(&self) -> f64 {
        let units = self.units.parse::<i64>().unwrap_or(0);
        units as f64 + self.nanos as f64 / 1e9
    }
}

/// The first non-free USD rate of a SKU in `unit`, and the date it took effect.
fn price(sku: &Sku, unit: &str) -> Option<(f64, String)> {
    let info = sku.pricing_info.last()?;
    if info.pricing_expression.usage_unit != unit {
        return None;
    }
    let date = date_of(&info.effective_time)?;
    let usd = info
        .pricing_expression
        .tiered_rates
        .iter()
        .filter(|r| r.unit_price.currency_code == "USD")
        .map(|r| r.unit_price.value())
        .find(|v| *v > 0.0)?;
    Some((usd, date))
}

/// A family's core and RAM rates in one region.
#[derive(Debug, Default, Clone)]
struct Rates {
    core: Option<(f64, String)>,
    ram: Option<(f64, String)>,
}

/// SKUs collected across pages and services, then turned into rows by [`Skus::finish`].
#[derive(Debug, Default)]
pub struct Skus {
    regions: Vec<String>,
    /// (family, region) → rates.
    rates: BTreeMap<(String, String), Rates>,
    rows: Vec<PriceRow>,
    /// Machine-type shapes (`gcp-machine-specs.csv`), parsed once.
    specs: Vec<(String, Shape)>,
}

impl Skus {
    /// Collects SKUs for `regions` (every region when empty).
    pub fn new(regions: &[String]) -> Skus {
        Skus {
            regions: regions.to_vec(),
            specs: crate::catalog::parse::parse_gcp_specs(crate::catalog::GCP_SPECS),
            ..Skus::default()
        }
    }

    /// Adds one `skus` page; returns its next page token.
    pub fn add_page(&mut self, json: &str) -> Result<Option<String>, FetchError> {
        let page: SkusPage = serde_json::from_str(json)?;
        for sku in &page.skus {
            self.add(sku);
        }
        Ok(Some(page.next).filter(|n| !n.is_empty()))
    }

    fn wanted(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|r| r == region)
    }

    /// Adds one SKU: a family rate, a flat-rate machine type, a disk or a storage class.
    pub fn add(&mut self, sku: &Sku) {
        if sku.category.usage_type != "OnDemand" {
            return;
        }
        let regions: Vec<String> = (sku.service_regions.iter())
            .filter(|r| self.wanted(r))
            .cloned()
            .collect();
        let d = sku.description.as_str();
        let src = format!("gcp-cloud-billing:{}", sku.sku_id);
        match sku.category.resource_family.as_str() {
            "Compute" => self.add_compute(sku, &regions, &src),
            "Storage" => {
                let disk = DISKS
                    .iter()
                    .find(|(p, _)| d == *p || d.starts_with(&format!("{p} in ")));
                let class = CLASSES
                    .iter()
                    .find(|(p, _)| d.starts_with(&format!("{p} ")));
                let sku_name = match (disk, class) {
                    (Some((_, name)), _) => ("persistent-disk", *name),
                    // A dual-region price spans two regions: no single catalog region holds it.
                    (None, Some((_, name))) if sku.service_regions.len() == 1 => ("gcs", *name),
                    _ => return,
                };
                let Some((usd, date)) = price(sku, "GiBy.mo") else {
                    return;
                };
                for r in &regions {
                    let key = (Cloud::Gcp, sku_name.0, sku_name.1, r.as_str());
                    self.rows.push(row(key, Unit::GbMonth, usd, &src, &date));
                }
            }
            _ => {}
        }
    }

    fn add_compute(&mut self, sku: &Sku, regions: &[String], src: &str) {
        let d = sku.description.as_str();
        if let Some((_, name)) = FLAT.iter().find(|(g, _)| *g == sku.category.resource_group) {
            let Some((usd, date)) = price(sku, "h") else {
                return;
            };
            for r in regions {
                let mut row = row(
                    (Cloud::Gcp, "compute", name, r),
                    Unit::Hour,
                    usd,
                    src,
                    &date,
                );
                if let Some((_, s)) = self.specs.iter().find(|(n, _)| n == name) {
                    shape_into(&mut row, s);
                }
                self.rows.push(row);
            }
            return;
        }
        for (prefix, family) in FAMILIES {
            let (is_core, unit) = if d.starts_with(&format!("{prefix} Core running in ")) {
                (true, "h")
            } else if d.starts_with(&format!("{prefix} Ram running in ")) {
                (false, "GiBy.h")
            } else {
                continue;
            };
            let Some(p) = price(sku, unit) else {
                return;
            };
            for r in regions {
                let rates = self
                    .rates
                    .entry((family.to_string(), r.clone()))
                    .or_default();
                let slot = if is_core {
                    &mut rates.core
                } else {
                    &mut rates.ram
                };
                *slot = Some(p.clone());
            }
            return;
        }
    }

    /// The rows: disks and storage as read, and every machine type of a family whose core and
    /// RAM rates are both known in a region, deduplicated and sorted.
    pub fn finish(mut self) -> Vec<PriceRow> {
        let specs = std::mem::take(&mut self.specs);
        for ((family, region), rates) in &self.rates {
            let (Some((core, d1)), Some((ram, d2))) = (&rates.core, &rates.ram) else {
                continue;
            };
            // The machine price changed when the later of its two rates did.
            let as_of = d1.max(d2);
            let src = format!("gcp-cloud-billing:{family}(vcpu*core+gib*ram)");
            for (name, shape) in specs.iter().filter(|(_, s)| s.family == *family) {
                let billed = SHARED_BILLED_VCPU
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(shape.vcpu, |(_, v)| *v);
                let usd = billed * core + shape.memory_gib * ram;
                let key = (Cloud::Gcp, "compute", name.as_str(), region.as_str());
                let mut r = row(key, Unit::Hour, round(usd), &src, as_of);
                shape_into(&mut r, shape);
                self.rows.push(r);
            }
        }
        dedupe(self.rows)
    }
}

/// Rounds a computed price to 10 decimals, so rows do not carry float noise.
fn round(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

fn shape_into(r: &mut PriceRow, s: &Shape) {
    r.vcpu = Some(s.vcpu);
    r.memory_gib = Some(s.memory_gib);
    r.arch = Some(s.arch.clone());
}
