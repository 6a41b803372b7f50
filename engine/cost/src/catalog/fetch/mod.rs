//! The clouds' public price APIs mapped to catalog rows: pure "response → rows" functions, one
//! module per cloud. The HTTP part (URLs, paging, retries, writing the local catalog) lives in
//! the CLI, so this crate stays free of an HTTP client.
//!
//! Every row carries `source` = `<api>:<what was read>` and `as_of` = the date the API says the
//! price is effective from, so a report shows per price how old it is.

pub mod aws;
pub mod azure;
pub mod gcp;

use super::{Catalog, Cloud, PriceRow, Unit};
use std::collections::BTreeMap;

/// A mapping failure: the response is not shaped as the API documents it.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchError(pub String);

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}

impl From<serde_json::Error> for FetchError {
    fn from(e: serde_json::Error) -> Self {
        FetchError(format!("invalid JSON: {e}"))
    }
}

/// A row without shape (storage, IPs); compute mappers set vcpu/memory/arch afterwards.
pub(crate) fn row(
    key: (Cloud, &str, &str, &str),
    unit: Unit,
    usd: f64,
    source: &str,
    as_of: &str,
) -> PriceRow {
    let (cloud, service, sku, region) = key;
    PriceRow {
        cloud,
        service: service.to_string(),
        sku: sku.to_string(),
        region: region.to_string(),
        vcpu: None,
        memory_gib: None,
        arch: None,
        unit,
        usd,
        source: source.to_string(),
        as_of: as_of.to_string(),
        origin: String::new(),
    }
}

/// The `YYYY-MM-DD` part of an API timestamp (`2024-11-01T00:00:00Z`), if it has one.
pub fn date_of(timestamp: &str) -> Option<String> {
    let d = timestamp.get(..10)?;
    let b = d.as_bytes();
    let ok = b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    ok.then(|| d.to_string())
}

/// One row per (service, sku, region), sorted: where a response lists several prices for the
/// same key after filtering (variant meters of one size), the lowest is the list price kept.
pub fn dedupe(rows: Vec<PriceRow>) -> Vec<PriceRow> {
    let mut best: BTreeMap<(String, String, String), PriceRow> = BTreeMap::new();
    for r in rows {
        let key = (r.service.clone(), r.sku.clone(), r.region.clone());
        match best.get(&key) {
            Some(old) if old.usd <= r.usd => {}
            _ => {
                best.insert(key, r);
            }
        }
    }
    best.into_values().collect()
}

/// Fills vCPU, memory and arch of compute rows that lack them from the shape `catalog` knows for
/// the SKU (Azure's price API has no sizes; equivalents and policies need them).
pub fn fill_shapes(rows: &mut [PriceRow], catalog: &Catalog) {
    for r in rows.iter_mut() {
        if r.service != r.cloud.compute_service() || r.vcpu.is_some() {
            continue;
        }
        if let Some(s) = catalog.shape(r.cloud, &r.sku) {
            r.vcpu = Some(s.vcpu);
            r.memory_gib = Some(s.memory_gib);
            r.arch = Some(s.arch.clone());
        }
    }
}

/// Catalog CSV text (the embedded files' format) of `rows`.
pub fn to_csv(rows: &[PriceRow]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let num = |x: Option<f64>| x.map(fmt_num).unwrap_or_default();
    // Writing to a Vec cannot fail; the header and fields are plain strings.
    let _ = w.write_record(super::parse::HEADER);
    for r in rows {
        let unit = match r.unit {
            Unit::Hour => "hour",
            Unit::GbMonth => "gb-month",
        };
        let _ = w.write_record([
            r.cloud.as_str(),
            &r.service,
            &r.sku,
            &r.region,
            &num(r.vcpu),
            &num(r.memory_gib),
            r.arch.as_deref().unwrap_or(""),
            unit,
            &fmt_num(r.usd),
            &r.source,
            &r.as_of,
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A price without float noise: up to 10 decimals (AWS quotes 10), trailing zeros dropped.
fn fmt_num(x: f64) -> String {
    let s = format!("{x:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_cut_from_timestamps() {
        assert_eq!(
            date_of("2024-11-01T00:00:00Z").as_deref(),
            Some("2024-11-01")
        );
        assert_eq!(date_of("2020-08-01").as_deref(), Some("2020-08-01"));
        assert_eq!(date_of("yesterday at noon"), None);
        assert_eq!(date_of("2020"), None);
    }

    #[test]
    fn dedupe_keeps_the_lowest_price_per_key_sorted() {
        let r = |sku: &str, usd| {
            row(
                (Cloud::Aws, "ec2", sku, "us-east-1"),
                Unit::Hour,
                usd,
                "t",
                "2026-01-01",
            )
        };
        let out = dedupe(vec![r("b", 2.0), r("a", 3.0), r("b", 1.0), r("b", 1.5)]);
        let got: Vec<(&str, f64)> = out.iter().map(|r| (r.sku.as_str(), r.usd)).collect();
        assert_eq!(got, [("a", 3.0), ("b", 1.0)]);
    }

    #[test]
    fn csv_round_trips_through_the_catalog_parser() {
        let mut a = row(
            (Cloud::Aws, "ec2", "t3.micro", "us-east-1"),
            Unit::Hour,
            0.0104,
            "api:x",
            "2026-11-01",
        );
        a.vcpu = Some(2.0);
        a.memory_gib = Some(1.0);
        a.arch = Some("x86_64".into());
        let b = row(
            (Cloud::Aws, "s3", "S3 Standard, \"hot\"", "us-east-1"),
            Unit::GbMonth,
            0.023,
            "api:y",
            "2026-11-01",
        );
        let text = to_csv(&[a.clone(), b.clone()]);
        let back = super::super::parse::parse_csv("t.csv", &text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(
            (back[0].usd, back[0].vcpu, back[0].arch.as_deref()),
            (0.0104, Some(2.0), Some("x86_64"))
        );
        assert_eq!(back[1].sku, b.sku);
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
    }

    #[test]
    fn shapes_are_filled_from_the_catalog() {
        let mut rows = vec![
            row(
                (Cloud::Azure, "vm", "Standard_D2s_v3", "eastus"),
                Unit::Hour,
                0.096,
                "api",
                "2026-01-01",
            ),
            row(
                (Cloud::Azure, "vm", "Standard_Nope", "eastus"),
                Unit::Hour,
                1.0,
                "api",
                "2026-01-01",
            ),
        ];
        fill_shapes(&mut rows, Catalog::embedded());
        assert_eq!((rows[0].vcpu, rows[0].memory_gib), (Some(2.0), Some(8.0)));
        assert_eq!(rows[1].vcpu, None);
    }
}
