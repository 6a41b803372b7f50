//! Parsing and validating catalog CSV text; every error names the file and line.

use super::{Cloud, PriceRow, Shape, Unit};
use crate::error::CostError;

/// The header every catalog price file starts with.
pub(crate) const HEADER: [&str; 11] = [
    "cloud",
    "service",
    "sku",
    "region",
    "vcpu",
    "memory_gib",
    "arch",
    "unit",
    "usd",
    "source",
    "as_of",
];

fn err(file: &str, line: u64, message: impl Into<String>) -> CostError {
    CostError::Catalog {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// The error for a second row with the same (cloud, service, sku, region).
pub(crate) fn duplicate(row: &PriceRow, first: &str) -> CostError {
    let (file, line) = split_origin(&row.origin);
    err(
        file,
        line,
        format!(
            "duplicate price for {} {} {} in {} (first at {first})",
            row.cloud, row.service, row.sku, row.region
        ),
    )
}

fn split_origin(origin: &str) -> (&str, u64) {
    match origin.rsplit_once(':') {
        Some((f, l)) => (f, l.parse().unwrap_or(0)),
        None => (origin, 0),
    }
}

/// Parses one catalog CSV file.
pub(crate) fn parse_csv(file: &str, text: &str) -> Result<Vec<PriceRow>, CostError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = rdr
        .headers()
        .map_err(|e| err(file, 1, e.to_string()))?
        .clone();
    let got: Vec<&str> = header.iter().map(str::trim).collect();
    if got != HEADER {
        return Err(err(
            file,
            1,
            format!(
                "header must be `{}`, found `{}`",
                HEADER.join(","),
                got.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            err(file, line, csv_message(&e))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push(parse_row(file, line, &rec)?);
    }
    Ok(rows)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        _ => e.to_string(),
    }
}

fn parse_row(file: &str, line: u64, rec: &csv::StringRecord) -> Result<PriceRow, CostError> {
    let f = |i: usize| rec.get(i).unwrap_or("").trim();
    let cloud = Cloud::parse(f(0)).ok_or_else(|| {
        err(
            file,
            line,
            format!("cloud must be aws, azure or gcp, found {:?}", f(0)),
        )
    })?;
    for (i, name) in [(1, "service"), (2, "sku"), (3, "region"), (9, "source")] {
        if f(i).is_empty() {
            return Err(err(file, line, format!("{name} is empty")));
        }
    }
    let unit = match f(7) {
        "hour" => Unit::Hour,
        "gb-month" => Unit::GbMonth,
        other => {
            return Err(err(
                file,
                line,
                format!("unit must be hour or gb-month, found {other:?}"),
            ))
        }
    };
    let usd = number(file, line, "usd", f(8))?.ok_or_else(|| err(file, line, "usd is empty"))?;
    let arch = match f(6) {
        "" => None,
        a @ ("x86_64" | "arm64") => Some(a.to_string()),
        other => {
            return Err(err(
                file,
                line,
                format!("arch must be x86_64, arm64 or empty, found {other:?}"),
            ))
        }
    };
    check_date(file, line, f(10))?;
    Ok(PriceRow {
        cloud,
        service: f(1).to_string(),
        sku: f(2).to_string(),
        region: f(3).to_string(),
        vcpu: number(file, line, "vcpu", f(4))?,
        memory_gib: number(file, line, "memory_gib", f(5))?,
        arch,
        unit,
        usd,
        source: f(9).to_string(),
        as_of: f(10).to_string(),
        origin: format!("{file}:{line}"),
    })
}

fn number(file: &str, line: u64, name: &str, s: &str) -> Result<Option<f64>, CostError> {
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
        _ => Err(err(
            file,
            line,
            format!("{name} must be a non-negative number, found {s:?}"),
        )),
    }
}

fn check_date(file: &str, line: u64, s: &str) -> Result<(), CostError> {
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(err(
            file,
            line,
            format!("as_of must be a date YYYY-MM-DD, found {s:?}"),
        ))
    }
}

/// Parses the embedded GCP machine-spec table (`sku,series,family,vcpu,memory_gib,arch,…`).
pub(crate) fn parse_gcp_specs(text: &str) -> Vec<(String, Shape)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records().flatten() {
        let (Some(sku), Some(vcpu), Some(mem), Some(arch)) =
            (rec.get(0), rec.get(3), rec.get(4), rec.get(5))
        else {
            continue;
        };
        if let (Ok(v), Ok(m)) = (vcpu.parse::<f64>(), mem.parse::<f64>()) {
            out.push((sku.to_string(), Shape::for_sku(Cloud::Gcp, sku, v, m, arch)));
        }
    }
    out
}
