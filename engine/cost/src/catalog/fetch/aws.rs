//! AWS Price List bulk API: offer index → per-offer region index → per-region offer files.
//!
//! A region's EC2 offer file is hundreds of MB, so [`parse_offer`] streams it: products are
//! filtered as they are read (only the few thousand that map to rows are kept) and only the
//! OnDemand terms of kept products are deserialized; nothing holds the whole document.
//! (AWS writes `products` before `terms`; if a file had them the other way round, every
//! OnDemand price would be kept until the products are known — slower, still correct.)

use super::{date_of, dedupe, row, FetchError};
use crate::catalog::{Cloud, PriceRow, Unit};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;

/// The offer codes `catalog update` reads: EC2 (instances and EBS), S3, and VPC (public IPv4).
pub const OFFERS: [&str; 3] = ["AmazonEC2", "AmazonS3", "AmazonVPC"];

/// The path of the offer index on the price-list host.
pub const INDEX_PATH: &str = "/offers/v1.0/aws/index.json";

/// From the offer index, `(offer code, currentRegionIndexUrl)` for each of [`OFFERS`].
pub fn region_index_urls(index_json: &str) -> Result<Vec<(String, String)>, FetchError> {
    let doc: serde_json::Value = serde_json::from_str(index_json)?;
    let offers = doc
        .get("offers")
        .and_then(|o| o.as_object())
        .ok_or_else(|| FetchError("offer index has no `offers` object".into()))?;
    OFFERS
        .iter()
        .map(|code| {
            let url = offers
                .get(*code)
                .and_then(|o| o.get("currentRegionIndexUrl"))
                .and_then(|u| u.as_str())
                .ok_or_else(|| FetchError(format!("offer index has no region index for {code}")))?;
            Ok((code.to_string(), url.to_string()))
        })
        .collect()
}

/// From a region index, `(region, currentVersionUrl)` for each region in `regions` the offer
/// has (all of its regions when `regions` is empty), sorted by region.
pub fn region_urls(
    region_index_json: &str,
    regions: &[String],
) -> Result<Vec<(String, String)>, FetchError> {
    let doc: serde_json::Value = serde_json::from_str(region_index_json)?;
    let all = doc
        .get("regions")
        .and_then(|r| r.as_object())
        .ok_or_else(|| FetchError("region index has no `regions` object".into()))?;
    let mut out: Vec<(String, String)> = all
        .iter()
        .filter(|(code, _)| regions.is_empty() || regions.iter().any(|r| r == *code))
        .filter_map(|(code, r)| {
            let url = r.get("currentVersionUrl")?.as_str()?;
            Some((code.clone(), url.to_string()))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// What a kept product becomes.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ec2 {
        sku: String,
        vcpu: Option<f64>,
        memory_gib: Option<f64>,
        arch: &'static str,
    },
    Ebs(String),
    S3(&'static str),
    PublicIp,
}

#[derive(Deserialize)]
struct Product {
    #[serde(rename = "productFamily", default)]
    family: String,
    #[serde(default)]
    attributes: HashMap<String, String>,
}

fn attr<'a>(p: &'a Product, name: &str) -> &'a str {
    p.attributes.get(name).map_or("", String::as_str)
}

/// Whether a product is sold in the file's region itself (not a Local Zone, Wavelength zone or
/// Outpost, whose prices differ and are what inflates some third-party tables).
fn in_region(p: &Product, region: &str) -> bool {
    let loc_type = attr(p, "locationType");
    let code = attr(p, "regionCode");
    (loc_type.is_empty() || loc_type == "AWS Region") && (code.is_empty() || code == region)
}

/// The row a product maps to, or `None` for every product the catalog does not price.
fn classify(p: &Product, region: &str) -> Option<Kind> {
    if !in_region(p, region) {
        return None;
    }
    let usage = attr(p, "usagetype");
    if p.family.starts_with("Compute Instance") {
        return ec2(p);
    }
    if p.family == "Storage" && usage.contains("VolumeUsage") {
        let v = attr(p, "volumeApiName");
        let known = ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"];
        return known.contains(&v).then(|| Kind::Ebs(v.to_string()));
    }
    if p.family == "Storage" && usage.contains("TimedStorage") {
        return s3_class(attr(p, "volumeType")).map(Kind::S3);
    }
    usage
        .ends_with("PublicIPv4:InUseAddress")
        .then_some(Kind::PublicIp)
}

/// Linux, shared tenancy, no pre-installed software, on-demand capacity in use.
fn ec2(p: &Product) -> Option<Kind> {
    let wanted = [
        ("operatingSystem", "Linux"),
        ("tenancy", "Shared"),
        ("preInstalledSw", "NA"),
        ("capacitystatus", "Used"),
    ];
    if wanted.iter().any(|(k, v)| attr(p, k) != *v) {
        return None;
    }
    let license = attr(p, "licenseModel");
    let market = attr(p, "marketoption");
    if !(license.is_empty() || license == "No License required")
        || !(market.is_empty() || market == "OnDemand")
    {
        return None;
    }
    let sku = attr(p, "instanceType");
    if sku.is_empty() {
        return None;
    }
    let num = |s: &str| s.replace(',', "").trim().parse::<f64>().ok();
    let graviton = attr(p, "physicalProcessor").contains("Graviton")
        || attr(p, "processorArchitecture").contains("ARM");
    Some(Kind::Ec2 {
        sku: sku.to_string(),
        vcpu: num(attr(p, "vcpu")),
        memory_gib: num(attr(p, "memory").trim_end_matches("GiB")),
        arch: if graviton { "arm64" } else { "x86_64" },
    })
}

/// The catalog SKU of an S3 `volumeType` (the names `SOURCES.md` uses).
fn s3_class(volume_type: &str) -> Option<&'static str> {
    Some(match volume_type {
        "Standard" => "S3 Standard",
        "Standard - Infrequent Access" => "S3 Standard-IA",
        "One Zone - Infrequent Access" => "S3 One Zone-IA",
        "Glacier Instant Retrieval" => "S3 Glacier Instant Retrieval",
        "Amazon Glacier" => "S3 Glacier Flexible Retrieval",
        "Glacier Deep Archive" => "S3 Glacier Deep Archive",
        _ => return None,
    })
}

#[derive(Deserialize)]
struct Term {
    #[serde(rename = "effectiveDate", default)]
    effective: String,
    #[serde(rename = "priceDimensions", default)]
    dims: HashMap<String, Dimension>,
}

#[derive(Deserialize)]
struct Dimension {
    #[serde(default)]
    unit: String,
    #[serde(rename = "pricePerUnit", default)]
    price: HashMap<String, String>,
    #[serde(rename = "beginRange", default)]
    begin: Option<String>,
}

#[derive(Debug, Clone)]
struct Price {
    usd: f64,
    unit: Unit,
    date: Option<String>,
}

/// The first-tier USD prices of a product's newest OnDemand term, one per dimension (S3
/// storage is tiered by volume; the first tier is the list price of a small bucket).
fn first_tier_prices(terms: HashMap<String, Term>) -> Vec<Price> {
    let Some(term) = terms
        .into_values()
        .max_by(|a, b| a.effective.cmp(&b.effective))
    else {
        return Vec::new();
    };
    let date = date_of(&term.effective);
    term.dims
        .into_values()
        .filter_map(|d| {
            let first = d.begin.as_deref().is_none_or(|b| b == "0");
            let unit = match d.unit.as_str() {
                "Hrs" => Unit::Hour,
                "GB-Mo" => Unit::GbMonth,
                _ => return None,
            };
            let usd = d.price.get("USD")?.parse::<f64>().ok()?;
            (first && usd > 0.0).then(|| Price {
                usd,
                unit,
                date: date.clone(),
            })
        })
        .collect()
}

#[derive(Default)]
struct State {
    region: String,
    version: String,
    published: String,
    products: HashMap<String, Kind>,
    seen_products: bool,
    prices: HashMap<String, Vec<Price>>,
}

struct OfferSeed<'a>(&'a mut State);
struct ProductsSeed<'a>(&'a mut State);
struct TermsSeed<'a>(&'a mut State);
struct OnDemandSeed<'a>(&'a mut State);

macro_rules! map_seed {
    ($t:ident) => {
        impl<'de> DeserializeSeed<'de> for $t<'_> {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_map(self)
            }
        }
    };
}
map_seed!(OfferSeed);
map_seed!(ProductsSeed);
map_seed!(TermsSeed);
map_seed!(OnDemandSeed);

impl<'de> Visitor<'de> for OfferSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an AWS offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "version" => st.version = map.next_value()?,
                "publicationDate" => st.published = map.next_value()?,
                "products" => map.next_value_seed(ProductsSeed(&mut *st))?,
                "terms" => map.next_value_seed(TermsSeed(&mut *st))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for ProductsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the products of an AWS offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(sku) = map.next_key::<String>()? {
            let p: Product = map.next_value()?;
            if let Some(kind) = classify(&p, &st.region) {
                st.products.insert(sku, kind);
            }
        }
        st.seen_products = true;
        Ok(())
    }
}

impl<'de> Visitor<'de> for TermsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the terms of an AWS offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(kind) = map.next_key::<String>()? {
            if kind == "OnDemand" {
                map.next_value_seed(OnDemandSeed(&mut *st))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for OnDemandSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the OnDemand terms of an AWS offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(sku) = map.next_key::<String>()? {
            if st.seen_products && !st.products.contains_key(&sku) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let terms: HashMap<String, Term> = map.next_value()?;
            let prices = first_tier_prices(terms);
            if !prices.is_empty() {
                st.prices.insert(sku, prices);
            }
        }
        Ok(())
    }
}

/// Streams one per-region offer file (`offer` = `AmazonEC2`, …) into catalog rows for `region`.
pub fn parse_offer<R: Read>(
    reader: R,
    offer: &str,
    region: &str,
) -> Result<Vec<PriceRow>, FetchError> {
    let mut st = State {
        region: region.to_string(),
        ..State::default()
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    OfferSeed(&mut st).deserialize(&mut de)?;
    de.end()?;
    let published = date_of(&st.published);
    let source = format!("aws-price-list:{offer}/{}/{region}", st.version);
    let mut rows = Vec::new();
    for (sku, kind) in &st.products {
        let (service, name, unit) = match kind {
            Kind::Ec2 { sku, .. } => ("ec2", sku.as_str(), Unit::Hour),
            Kind::Ebs(v) => ("ebs", v.as_str(), Unit::GbMonth),
            Kind::S3(c) => ("s3", *c, Unit::GbMonth),
            Kind::PublicIp => ("public-ip", "public-ipv4", Unit::Hour),
        };
        // A dimension in another unit (IOPS, requests) is not the price this row holds.
        let price = st
            .prices
            .get(sku)
            .into_iter()
            .flatten()
            .filter(|p| p.unit == unit);
        let Some(price) = price.min_by(|a, b| a.usd.total_cmp(&b.usd)) else {
            continue;
        };
        let Some(as_of) = price.date.clone().or_else(|| published.clone()) else {
            continue;
        };
        let key = (Cloud::Aws, service, name, region);
        let mut r = row(key, price.unit, price.usd, &source, &as_of);
        if let Kind::Ec2 {
            vcpu,
            memory_gib,
            arch,
            ..
        } = kind
        {
            r.vcpu = *vcpu;
            r.memory_gib = *memory_gib;
            r.arch = Some(arch.to_string());
        }
        rows.push(r);
    }
    Ok(dedupe(rows))
}
