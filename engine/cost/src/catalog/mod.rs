//! The price catalog: dated list prices per (cloud, service, sku, region), parsed once into indexes.
//!
//! The embedded catalog is `engine/cost/catalog/{aws,azure,gcp}.csv` (copied 2026-12-04; see
//! `catalog/SOURCES.md`), parsed on first use. [`Catalog::load`] reads newer files in the same
//! CSV format (`cloud,service,sku,region,vcpu,memory_gib,arch,unit,usd,source,as_of`).

pub mod fetch;
pub mod local;
mod parse;
pub mod shape;

use crate::error::{read_file, CostError};
use serde::{Deserialize, Serialize};
pub use shape::Shape;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The date the embedded catalog files were copied into the repository.
pub const EMBEDDED_COPY_DATE: &str = "2026-12-04";

const EMBEDDED: [(&str, &str); 3] = [
    ("embedded:aws.csv", include_str!("../../catalog/aws.csv")),
    (
        "embedded:azure.csv",
        include_str!("../../catalog/azure.csv"),
    ),
    ("embedded:gcp.csv", include_str!("../../catalog/gcp.csv")),
];
pub(crate) const GCP_SPECS: &str = include_str!("../../catalog/gcp-machine-specs.csv");

/// A cloud AutoStack prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cloud {
    /// Amazon Web Services.
    Aws,
    /// Microsoft Azure.
    Azure,
    /// Google Cloud.
    Gcp,
}

impl Cloud {
    /// All clouds, in report order.
    pub const ALL: [Cloud; 3] = [Cloud::Aws, Cloud::Azure, Cloud::Gcp];

    /// The catalog spelling: `aws`, `azure`, `gcp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Azure => "azure",
            Cloud::Gcp => "gcp",
        }
    }

    /// Parses the catalog spelling.
    pub fn parse(s: &str) -> Option<Cloud> {
        match s {
            "aws" => Some(Cloud::Aws),
            "azure" => Some(Cloud::Azure),
            "gcp" => Some(Cloud::Gcp),
            _ => None,
        }
    }

    /// The two other clouds.
    pub fn others(self) -> [Cloud; 2] {
        match self {
            Cloud::Aws => [Cloud::Azure, Cloud::Gcp],
            Cloud::Azure => [Cloud::Aws, Cloud::Gcp],
            Cloud::Gcp => [Cloud::Aws, Cloud::Azure],
        }
    }

    /// The catalog service holding this cloud's compute prices (`ec2`, `vm`, `compute`).
    pub fn compute_service(self) -> &'static str {
        match self {
            Cloud::Aws => "ec2",
            Cloud::Azure => "vm",
            Cloud::Gcp => "compute",
        }
    }
}

impl std::fmt::Display for Cloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The billing unit of a catalog price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Per hour (compute, public IPs).
    #[serde(rename = "hour")]
    Hour,
    /// Per GB-month (block and object storage).
    #[serde(rename = "gb-month")]
    GbMonth,
}

/// One catalog row: a list price and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRow {
    /// Cloud.
    pub cloud: Cloud,
    /// Catalog service (`ec2`, `ebs`, `vm`, `managed-disk`, `compute`, `persistent-disk`, …).
    pub service: String,
    /// SKU (`t3.micro`, `gp3`, `Standard_B2s`, `pd-balanced`, …).
    pub sku: String,
    /// Region code, or `global`.
    pub region: String,
    /// vCPUs (compute rows).
    pub vcpu: Option<f64>,
    /// Memory in GiB (compute rows).
    pub memory_gib: Option<f64>,
    /// `x86_64` / `arm64` (compute rows).
    pub arch: Option<String>,
    /// Billing unit.
    pub unit: Unit,
    /// Price in USD per unit.
    pub usd: f64,
    /// Where the price comes from (`package==version:path#section`).
    pub source: String,
    /// Date of the price data (YYYY-MM-DD).
    pub as_of: String,
    /// The file and line the row was read from.
    pub origin: String,
}

impl PriceRow {
    /// The compute shape of this row, when it has vCPU, memory and arch.
    pub fn shape(&self) -> Option<Shape> {
        Some(Shape::for_sku(
            self.cloud,
            &self.sku,
            self.vcpu?,
            self.memory_gib?,
            self.arch.as_deref()?,
        ))
    }
}

type SkuRegions = HashMap<String, HashMap<String, u32>>;

/// A parsed price catalog with look-up indexes built once.
#[derive(Debug, Default)]
pub struct Catalog {
    name: String,
    rows: Vec<PriceRow>,
    /// cloud → service → sku → region → row.
    index: HashMap<Cloud, HashMap<String, SkuRegions>>,
    /// cloud → region → compute rows with a shape, sorted by (vcpu, memory, price, sku).
    compute: HashMap<Cloud, HashMap<String, Vec<u32>>>,
    /// The shape of each compute row (index-aligned with `rows`), computed once.
    row_shapes: Vec<Option<Shape>>,
    /// cloud → sku → shape (from any region's row, or the GCP machine-spec table).
    shapes: HashMap<Cloud, HashMap<String, Shape>>,
    date: String,
    oldest: String,
}

impl Catalog {
    /// The embedded catalog, parsed on first use.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let name = format!("embedded (copied {EMBEDDED_COPY_DATE})");
            // The embedded files are checked by the crate's tests; an error here is a build defect.
            Catalog::from_sources(&name, &EMBEDDED).unwrap_or_else(|e| panic!("{e}"))
        })
    }

    /// Reads catalog CSV files (same format as the embedded ones) and replaces the embedded prices.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<Catalog, CostError> {
        let mut texts = Vec::new();
        for p in paths {
            let p = p.as_ref();
            texts.push((p.display().to_string(), read_file(p)?));
        }
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let name = refs.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        Catalog::from_sources(&name, &refs)
    }

    /// Parses catalog CSV texts given as (file name, contents).
    pub fn from_sources(name: &str, sources: &[(&str, &str)]) -> Result<Catalog, CostError> {
        let mut rows = Vec::new();
        for (file, text) in sources {
            rows.extend(parse::parse_csv(file, text)?);
        }
        let specs = parse::parse_gcp_specs(GCP_SPECS);
        Catalog::build(name, rows, specs)
    }

    fn build(
        name: &str,
        rows: Vec<PriceRow>,
        specs: Vec<(String, Shape)>,
    ) -> Result<Catalog, CostError> {
        let mut c = Catalog {
            name: name.to_string(),
            ..Catalog::default()
        };
        c.row_shapes.reserve(rows.len());
        for (i, row) in rows.iter().enumerate() {
            if let Some(first) = c.insert_index(row, i as u32) {
                return Err(parse::duplicate(row, &rows[first as usize].origin));
            }
            let shape = (row.service == row.cloud.compute_service())
                .then(|| row.shape())
                .flatten();
            if let Some(shape) = &shape {
                let regions = c.compute.entry(row.cloud).or_default();
                match regions.get_mut(&row.region) {
                    Some(list) => list.push(i as u32),
                    None => {
                        regions.insert(row.region.clone(), vec![i as u32]);
                    }
                }
                let skus = c.shapes.entry(row.cloud).or_default();
                if !skus.contains_key(&row.sku) {
                    skus.insert(row.sku.clone(), shape.clone());
                }
            }
            c.row_shapes.push(shape);
        }
        for (sku, shape) in specs {
            c.shapes
                .entry(Cloud::Gcp)
                .or_default()
                .entry(sku)
                .or_insert(shape);
        }
        c.date = rows
            .iter()
            .map(|r| r.as_of.as_str())
            .max()
            .unwrap_or("")
            .to_string();
        c.oldest = rows
            .iter()
            .map(|r| r.as_of.as_str())
            .min()
            .unwrap_or("")
            .to_string();
        c.rows = rows;
        c.sort_compute();
        Ok(c)
    }

    /// Adds a row to the (cloud, service, sku, region) index; returns the earlier row on a duplicate.
    fn insert_index(&mut self, row: &PriceRow, i: u32) -> Option<u32> {
        let services = self.index.entry(row.cloud).or_default();
        if !services.contains_key(&row.service) {
            services.insert(row.service.clone(), HashMap::new());
        }
        let skus = services.get_mut(&row.service)?;
        if !skus.contains_key(&row.sku) {
            skus.insert(row.sku.clone(), HashMap::new());
        }
        let regions = skus.get_mut(&row.sku)?;
        match regions.get(&row.region) {
            Some(&first) => Some(first),
            None => {
                regions.insert(row.region.clone(), i);
                None
            }
        }
    }

    fn sort_compute(&mut self) {
        let rows = &self.rows;
        for regions in self.compute.values_mut() {
            for list in regions.values_mut() {
                list.sort_by(|&a, &b| {
                    let (a, b) = (&rows[a as usize], &rows[b as usize]);
                    let key =
                        |r: &PriceRow| (r.vcpu.unwrap_or(0.0), r.memory_gib.unwrap_or(0.0), r.usd);
                    key(a)
                        .partial_cmp(&key(b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                        .then_with(|| a.sku.cmp(&b.sku))
                });
            }
        }
    }

    /// A description of where the prices come from (`embedded (copied …)` or the file names).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The catalog date: the newest `as_of` of any row.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The oldest `as_of` of any row.
    pub fn oldest_date(&self) -> &str {
        &self.oldest
    }

    /// All rows, in file order.
    pub fn rows(&self) -> &[PriceRow] {
        &self.rows
    }

    /// The price of `sku` in `region` (a row for region `global` applies to every region).
    pub fn lookup(
        &self,
        cloud: Cloud,
        service: &str,
        sku: &str,
        region: &str,
    ) -> Option<&PriceRow> {
        let regions = self.index.get(&cloud)?.get(service)?.get(sku)?;
        let i = regions.get(region).or_else(|| regions.get("global"))?;
        self.rows.get(*i as usize)
    }

    /// Every region that prices `sku`, with its row.
    pub fn regions_for<'a>(
        &'a self,
        cloud: Cloud,
        service: &str,
        sku: &str,
    ) -> impl Iterator<Item = &'a PriceRow> + 'a {
        let regions = self
            .index
            .get(&cloud)
            .and_then(|s| s.get(service))
            .and_then(|s| s.get(sku));
        regions
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|&i| self.rows.get(i as usize))
    }

    /// Whether any row of `cloud`/`service` exists for `sku` (in any region).
    pub fn knows_sku(&self, cloud: Cloud, service: &str, sku: &str) -> bool {
        self.index
            .get(&cloud)
            .and_then(|s| s.get(service))
            .is_some_and(|s| s.contains_key(sku))
    }

    /// The shape of a compute SKU, from any region's row or the GCP machine-spec table.
    pub fn shape(&self, cloud: Cloud, sku: &str) -> Option<&Shape> {
        self.shapes.get(&cloud)?.get(sku)
    }

    /// Compute rows of `cloud` priced in `region` with their shapes, smallest first
    /// (vCPU, then memory, then price, then SKU).
    pub fn compute_in_region<'a>(
        &'a self,
        cloud: Cloud,
        region: &str,
    ) -> impl Iterator<Item = (&'a PriceRow, &'a Shape)> + 'a {
        let list = self.compute.get(&cloud).and_then(|r| r.get(region));
        list.into_iter().flatten().filter_map(|&i| {
            let i = i as usize;
            Some((self.rows.get(i)?, self.row_shapes.get(i)?.as_ref()?))
        })
    }
}
