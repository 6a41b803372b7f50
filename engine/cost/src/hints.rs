//! Deterministic optimization hints, each explained and with its monthly saving.
//!
//! - `cheaper_family`: the cheapest type in the same region and cloud with vCPU ≥ and memory ≥
//!   the current one, the same GPU and burstable class, any architecture (arm64/Graviton and AMD
//!   variants included; a change of architecture is called out).
//! - `cheaper_region`: the same type in the cheapest region of the same geography.
//! - `gp2_to_gp3`: gp2 volumes priced as gp3 in the same region.
//! - `cheaper_cloud`: the cheapest cloud of the report's totals, when it beats the plan as written.
//!
//! A hint needs a saving of at least $1.00/month, and (for family and region hints) at least 2%
//! of the current price, so rounding differences between price sources do not become advice.

use crate::catalog::{Catalog, Cloud, PriceRow};
use crate::model::Action;
use crate::regions::geography;
use crate::report::{Component, Hint, Report, ResourceCost, Status};
use crate::util::{fmt_qty, fmt_unit_price, fmt_usd, round_usd};
use std::collections::HashMap;

/// Smallest monthly saving worth a hint.
const MIN_SAVING: f64 = 1.0;
/// Smallest relative saving for same-type hints (keeps rounding differences between sources out).
const MIN_RELATIVE: f64 = 0.02;

/// Per-SKU hint results already computed: (kind, cloud, region, sku, hours) → (message, saving).
type Memo = HashMap<(u8, Cloud, String, String, u64), Option<(String, f64)>>;

/// A family or region hint for `r`, computed once per (cloud, region, SKU, hours).
fn memo_hint(memo: &mut Memo, kind: u8, r: &ResourceCost, cat: &Catalog) -> Option<Hint> {
    let (cloud, region, line) = compute_line(r)?;
    let key = (
        kind,
        cloud,
        region.to_string(),
        line.sku.clone()?,
        line.quantity?.to_bits(),
    );
    let found = memo
        .entry(key)
        .or_insert_with(|| {
            if kind == 0 {
                family_hint(r, cat)
            } else {
                region_hint(r, cat)
            }
        })
        .clone()?;
    Some(Hint {
        kind: if kind == 0 {
            "cheaper_family"
        } else {
            "cheaper_region"
        }
        .to_string(),
        address: Some(r.address.clone()),
        message: found.0,
        monthly_saving: found.1,
    })
}

/// All hints for a report, largest saving first (ties by address, then kind).
pub(crate) fn hints(report: &Report, cat: &Catalog) -> Vec<Hint> {
    let mut out = Vec::new();
    let mut memo = Memo::new();
    for r in &report.resources {
        if !Action::parse(&r.action).is_none_or(|a| a.has_after()) || r.status == Status::Free {
            continue;
        }
        out.extend(memo_hint(&mut memo, 0, r, cat));
        out.extend(memo_hint(&mut memo, 1, r, cat));
        out.extend(gp3_hints(r, cat));
    }
    out.extend(cloud_hint(report));
    out.sort_by(|a, b| {
        b.monthly_saving
            .total_cmp(&a.monthly_saving)
            .then_with(|| a.address.cmp(&b.address))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    out
}

/// The priced compute component of a resource: (cloud, region, component).
fn compute_line(r: &ResourceCost) -> Option<(Cloud, &str, &Component)> {
    let ci = r.compute.as_ref()?;
    let c = r
        .components
        .iter()
        .find(|c| c.sku.as_deref() == Some(ci.sku.as_str()) && c.status == Status::Priced)?;
    Some((r.cloud?, r.region.as_deref()?, c))
}

fn family_hint(r: &ResourceCost, cat: &Catalog) -> Option<(String, f64)> {
    let (cloud, region, line) = compute_line(r)?;
    let src = &r.compute.as_ref()?.shape;
    let (price, hours) = (line.unit_price?, line.quantity?);
    let (best, shape) = cat
        .compute_in_region(cloud, region)
        .filter(|(_, s)| {
            s.vcpu >= src.vcpu
                && s.memory_gib >= src.memory_gib
                && s.gpu == src.gpu
                && s.burstable == src.burstable
        })
        .min_by(|a, b| {
            a.0.usd
                .total_cmp(&b.0.usd)
                .then_with(|| a.0.sku.cmp(&b.0.sku))
        })?;
    let saving = round_usd((price - best.usd) * hours);
    if saving < MIN_SAVING || best.usd > price * (1.0 - MIN_RELATIVE) {
        return None;
    }
    let arch_note = if shape.arch != src.arch {
        format!(
            ", {}: needs {} images",
            arch_label(cloud, &shape.arch),
            shape.arch
        )
    } else {
        String::new()
    };
    let message = format!(
        "{} → {} ({} vCPU, {} GiB, {} family{arch_note}) at {}/h instead of {}/h in {region}",
        line.sku.as_deref().unwrap_or(""),
        best.sku,
        fmt_qty(shape.vcpu),
        fmt_qty(shape.memory_gib),
        shape.family,
        fmt_unit_price(best.usd),
        fmt_unit_price(price)
    );
    Some((message, saving))
}

fn arch_label(cloud: Cloud, arch: &str) -> &'static str {
    match (cloud, arch) {
        (Cloud::Aws, "arm64") => "arm64 Graviton",
        (Cloud::Azure, "arm64") => "arm64 Ampere",
        (Cloud::Gcp, "arm64") => "arm64 Axion/Ampere",
        _ => "x86_64",
    }
}

fn region_hint(r: &ResourceCost, cat: &Catalog) -> Option<(String, f64)> {
    let (cloud, region, line) = compute_line(r)?;
    let geo = geography(cloud, region)?;
    let (price, hours, sku) = (line.unit_price?, line.quantity?, line.sku.as_deref()?);
    let best: &PriceRow = cat
        .regions_for(cloud, cloud.compute_service(), sku)
        .filter(|row| row.region != region && geography(cloud, &row.region) == Some(geo))
        .min_by(|a, b| {
            a.usd
                .total_cmp(&b.usd)
                .then_with(|| a.region.cmp(&b.region))
        })?;
    let saving = round_usd((price - best.usd) * hours);
    if saving < MIN_SAVING || best.usd > price * (1.0 - MIN_RELATIVE) {
        return None;
    }
    let message = format!(
        "{sku} costs {}/h in {} instead of {}/h in {region} (same geography: {geo}; price dated {})",
        fmt_unit_price(best.usd),
        best.region,
        fmt_unit_price(price),
        best.as_of
    );
    Some((message, saving))
}

fn gp3_hints(r: &ResourceCost, cat: &Catalog) -> Vec<Hint> {
    let (Some(Cloud::Aws), Some(region)) = (r.cloud, r.region.as_deref()) else {
        return Vec::new();
    };
    let Some(gp3) = cat.lookup(Cloud::Aws, "ebs", "gp3", region) else {
        return Vec::new();
    };
    r.components
        .iter()
        .filter(|c| c.sku.as_deref() == Some("gp2") && c.status == Status::Priced)
        .filter_map(|c| {
            let (gb, price) = (c.quantity?, c.unit_price?);
            let saving = round_usd((price - gp3.usd) * gb);
            (saving >= MIN_SAVING).then(|| Hint {
                kind: "gp2_to_gp3".to_string(),
                address: Some(r.address.clone()),
                message: format!(
                    "{}: gp2 → gp3 ({} GB at {}/GB-month instead of {}; gp3 includes 3,000 IOPS and 125 MB/s)",
                    c.name,
                    fmt_qty(gb),
                    fmt_unit_price(gp3.usd),
                    fmt_unit_price(price)
                ),
                monthly_saving: saving,
            })
        })
        .collect()
}

fn cloud_hint(report: &Report) -> Option<Hint> {
    let ch = report.cheapest.as_ref()?;
    let only_cloud = report
        .resources
        .iter()
        .all(|r| r.cloud.is_none() || r.cloud == Some(ch.cloud));
    if ch.saving < MIN_SAVING || only_cloud {
        return None;
    }
    let note = ch
        .note
        .as_ref()
        .map(|n| format!("; {n}"))
        .unwrap_or_default();
    Some(Hint {
        kind: "cheaper_cloud".to_string(),
        address: None,
        message: format!(
            "the same infrastructure on {} would cost {}/month instead of {}{note}",
            ch.cloud,
            fmt_usd(ch.monthly_cost),
            fmt_usd(report.total.after)
        ),
        monthly_saving: ch.saving,
    })
}
