//! Cross-cloud equivalents: the same resource priced on another cloud, with the rule shown.
//!
//! Rules (each equivalent's `rule` string says which one was applied and with what numbers):
//! - **Compute**: in the mapped region, the cheapest type (then fewest vCPU, least memory,
//!   name) with vCPU ≥ and memory ≥ the source, the same architecture, a GPU only
//!   if the source has one (and then required), and burstable/shared-core only if the source is
//!   burstable. Only types the catalog prices in that region are candidates. A boot disk maps by class.
//! - **Disks** by class ([`disk_sku`]): standard HDD → st1 (125 GiB minimum; `standard` for boot
//!   volumes) / Standard HDD / pd-standard; balanced SSD → gp3 / Standard SSD / pd-balanced;
//!   premium SSD → io2 / Premium SSD / pd-ssd.
//! - **Object storage** by tier ([`object_sku`]): hot → S3 Standard / Blob Hot (LRS) / Standard;
//!   cool → S3 Standard-IA / Blob Cool (LRS) / Nearline; cold → S3 Glacier Instant Retrieval /
//!   Blob Cold (LRS) / Coldline; archive → S3 Glacier Deep Archive / Blob Archive (LRS) / Archive.
//! - **Public IPv4**: public-ipv4 / Standard public IPv4 / static-external-ipv4-unused.
//! - **Regions**: [`crate::regions::nearest`].

use crate::catalog::{Catalog, Cloud, Shape};
use crate::price::{from_row, no_price, unpriced};
use crate::regions::{nearest, RegionMatch};
use crate::report::{Component, Status};
use crate::util::{fmt_qty, round_usd};

/// Cloud-neutral description of a priced object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Spec {
    /// A VM.
    Compute {
        /// Source SKU.
        sku: String,
        /// Its shape.
        shape: Shape,
        /// Hours per month.
        hours: f64,
        /// Boot disk, when known.
        boot: Option<DiskSpec>,
        /// Windows guest (the catalog has Linux prices only).
        windows: bool,
    },
    /// A block-storage volume.
    Disk(DiskSpec),
    /// An object-storage bucket / account.
    Object {
        /// Storage tier.
        tier: Tier,
        /// GB stored (from the usage file).
        gb: Option<f64>,
    },
    /// A static public IPv4 address.
    PublicIp {
        /// Hours per month.
        hours: f64,
    },
    /// Something no cloud's catalog prices (e.g. NAT gateways).
    NoPrice(&'static str),
}

/// A disk: class and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct DiskSpec {
    /// Performance class.
    pub class: DiskClass,
    /// Size in GB.
    pub size_gb: f64,
    /// Whether it is a VM's boot disk.
    pub boot: bool,
}

/// Disk performance classes shared by the three clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiskClass {
    /// Standard HDD.
    Hdd,
    /// Balanced / general-purpose SSD.
    Balanced,
    /// Premium / provisioned-IOPS SSD.
    Premium,
}

impl DiskClass {
    fn label(self) -> &'static str {
        match self {
            DiskClass::Hdd => "standard HDD",
            DiskClass::Balanced => "balanced SSD",
            DiskClass::Premium => "premium SSD",
        }
    }
}

/// Object-storage tiers shared by the three clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tier {
    /// Frequent access.
    Hot,
    /// Infrequent access.
    Cool,
    /// Rare access.
    Cold,
    /// Archive.
    Archive,
}

/// The catalog service for disks on `cloud`.
pub(crate) fn disk_service(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "ebs",
        Cloud::Azure => "managed-disk",
        Cloud::Gcp => "persistent-disk",
    }
}

/// The catalog service for object storage on `cloud`.
pub(crate) fn object_service(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "s3",
        Cloud::Azure => "blob",
        Cloud::Gcp => "gcs",
    }
}

/// The disk SKU of `class` on `cloud` (the mapping table).
pub(crate) fn disk_sku(cloud: Cloud, class: DiskClass, boot: bool) -> &'static str {
    match (cloud, class) {
        (Cloud::Aws, DiskClass::Hdd) if boot => "standard",
        (Cloud::Aws, DiskClass::Hdd) => "st1",
        (Cloud::Aws, DiskClass::Balanced) => "gp3",
        (Cloud::Aws, DiskClass::Premium) => "io2",
        (Cloud::Azure, DiskClass::Hdd) => "Standard HDD",
        (Cloud::Azure, DiskClass::Balanced) => "Standard SSD",
        (Cloud::Azure, DiskClass::Premium) => "Premium SSD",
        (Cloud::Gcp, DiskClass::Hdd) => "pd-standard",
        (Cloud::Gcp, DiskClass::Balanced) => "pd-balanced",
        (Cloud::Gcp, DiskClass::Premium) => "pd-ssd",
    }
}

/// The object-storage SKU of `tier` on `cloud` (the mapping table).
pub(crate) fn object_sku(cloud: Cloud, tier: Tier) -> &'static str {
    match (cloud, tier) {
        (Cloud::Aws, Tier::Hot) => "S3 Standard",
        (Cloud::Aws, Tier::Cool) => "S3 Standard-IA",
        (Cloud::Aws, Tier::Cold) => "S3 Glacier Instant Retrieval",
        (Cloud::Aws, Tier::Archive) => "S3 Glacier Deep Archive",
        (Cloud::Azure, Tier::Hot) => "Blob Hot (LRS)",
        (Cloud::Azure, Tier::Cool) => "Blob Cool (LRS)",
        (Cloud::Azure, Tier::Cold) => "Blob Cold (LRS)",
        (Cloud::Azure, Tier::Archive) => "Blob Archive (LRS)",
        (Cloud::Gcp, Tier::Hot) => "Standard",
        (Cloud::Gcp, Tier::Cool) => "Nearline",
        (Cloud::Gcp, Tier::Cold) => "Coldline",
        (Cloud::Gcp, Tier::Archive) => "Archive",
    }
}

/// A hashable identity of (spec, source cloud, source region, target cloud) for memoizing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct EqKey {
    to: Cloud,
    from: Cloud,
    region: String,
    sku: String,
    nums: [u64; 3],
    flags: u8,
}

impl Spec {
    /// The memo key of this spec seen from `from`/`region` towards `to`.
    pub(crate) fn key(&self, from: Cloud, region: &str, to: Cloud) -> EqKey {
        let bits = |x: f64| x.to_bits();
        let disk = |d: &DiskSpec| [d.class as u64, bits(d.size_gb), d.boot as u64];
        let (sku, nums, flags) = match self {
            Spec::Compute {
                shape,
                hours,
                boot,
                windows,
                ..
            } => {
                let b = boot.as_ref().map_or([9, 0, 0], disk);
                let flags = 1
                    | (shape.gpu as u8) << 3
                    | (shape.burstable as u8) << 4
                    | (*windows as u8) << 5;
                (
                    format!(
                        "{}|{}|{}",
                        shape.arch,
                        bits(shape.vcpu),
                        bits(shape.memory_gib)
                    ),
                    [bits(*hours), b[0] << 8 | b[2], b[1]],
                    flags,
                )
            }
            Spec::Disk(d) => (String::new(), disk(d), 2),
            Spec::Object { tier, gb } => (
                String::new(),
                [*tier as u64, gb.map_or(u64::MAX, bits), 0],
                3,
            ),
            Spec::PublicIp { hours } => (String::new(), [bits(*hours), 0, 0], 4),
            Spec::NoPrice(what) => (what.to_string(), [0; 3], 5),
        };
        EqKey {
            to,
            from,
            region: region.to_string(),
            sku,
            nums,
            flags,
        }
    }
}

/// The equivalent of one object on another cloud.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EqState {
    pub sku: Option<String>,
    pub region: Option<String>,
    pub cost: Option<f64>,
    pub rule: String,
    pub status: Status,
    pub reason: Option<String>,
    pub components: Vec<Component>,
}

impl EqState {
    fn none(rule: String, status: Status, reason: String) -> EqState {
        EqState {
            sku: None,
            region: None,
            cost: None,
            rule,
            status,
            reason: Some(reason),
            components: Vec::new(),
        }
    }

    fn from_components(
        sku: String,
        region: &RegionMatch,
        rule: String,
        components: Vec<Component>,
    ) -> EqState {
        let priced: Vec<f64> = components.iter().filter_map(|c| c.monthly_cost).collect();
        let cost = (!priced.is_empty()).then(|| round_usd(priced.iter().sum()));
        let missing: Vec<String> = components
            .iter()
            .filter(|c| c.status != Status::Priced)
            .map(|c| c.reason.clone().unwrap_or_default())
            .collect();
        let status = match (missing.is_empty(), cost.is_some()) {
            (true, _) => Status::Priced,
            (false, true) => Status::Partial,
            (false, false) if components.iter().any(|c| c.status == Status::DependsOn) => {
                Status::DependsOn
            }
            (false, false) => Status::Unpriced,
        };
        EqState {
            sku: Some(sku),
            region: Some(region.region.clone()),
            cost,
            rule,
            status,
            reason: (!missing.is_empty()).then(|| missing.join("; ")),
            components,
        }
    }
}

/// The equivalent on `to` of an object described by `spec` in `from_region` of `from`.
pub(crate) fn equivalent(
    cat: &Catalog,
    spec: &Spec,
    from: Cloud,
    from_region: &str,
    to: Cloud,
) -> EqState {
    let region = match nearest(from, from_region, to) {
        Ok(r) => r,
        Err(why) => {
            return EqState::none(
                format!("no {to} region for {from_region}"),
                Status::Unpriced,
                why,
            )
        }
    };
    match spec {
        Spec::Compute {
            shape,
            hours,
            boot,
            windows,
            ..
        } => compute(cat, shape, *hours, *boot, *windows, to, &region),
        Spec::Disk(d) => {
            let (c, rule) = disk_component(cat, *d, to, &region);
            EqState::from_components(
                disk_sku(to, d.class, d.boot).to_string(),
                &region,
                rule,
                vec![c],
            )
        }
        Spec::Object { tier, gb } => object(cat, *tier, *gb, to, &region),
        Spec::PublicIp { hours } => public_ip(cat, *hours, to, &region),
        Spec::NoPrice(what) => EqState::none(
            format!(
                "{what} → {to} equivalent in {} ({})",
                region.region, region.how
            ),
            Status::Unpriced,
            format!("the catalog has no {what} price on any cloud"),
        ),
    }
}

/// `cheapest non-burstable type with ≥2 vCPU, ≥8 GiB, x86_64 in eastus (paired with us-east-1)…`
fn compute_rule(
    cat: &Catalog,
    src: &Shape,
    windows: bool,
    to: Cloud,
    region: &RegionMatch,
) -> (String, &'static str, usize) {
    let kind = if src.gpu {
        "GPU type"
    } else if src.burstable {
        "burstable type"
    } else {
        "non-burstable type"
    };
    let mut rule = format!(
        "cheapest {kind} with ≥{} vCPU, ≥{} GiB, {} in {} ({})",
        fmt_qty(src.vcpu),
        fmt_qty(src.memory_gib),
        src.arch,
        region.region,
        region.how
    );
    let priced_here = cat.compute_in_region(to, &region.region).count();
    if priced_here > 0 && priced_here < 50 {
        rule.push_str(&format!(
            "; the catalog prices only {priced_here} {to} types there"
        ));
    }
    if windows {
        rule.push_str("; Linux price (the Windows licence is not in the catalog)");
    }
    (rule, kind, priced_here)
}

fn compute(
    cat: &Catalog,
    src: &Shape,
    hours: f64,
    boot: Option<DiskSpec>,
    windows: bool,
    to: Cloud,
    region: &RegionMatch,
) -> EqState {
    let (mut rule, kind, priced_here) = compute_rule(cat, src, windows, to, region);
    let found = crate::sizing::find_compute(cat, to, &region.region, src);
    let Some((row, _)) = found else {
        let why = if priced_here == 0 {
            format!(
                "the catalog has no {to} compute prices in {}",
                region.region
            )
        } else {
            format!(
                "no {} {kind} with ≥{} vCPU and ≥{} GiB is priced in {}",
                src.arch,
                fmt_qty(src.vcpu),
                fmt_qty(src.memory_gib),
                region.region
            )
        };
        return EqState::none(rule, Status::Unpriced, why);
    };
    let name = format!("Instance usage (Linux, on-demand, {})", row.sku);
    let mut comps = vec![from_row(name, hours, row)];
    if let Some(d) = boot {
        let (c, r) = disk_component(cat, d, to, region);
        comps.push(c);
        rule.push_str(&format!("; boot disk: {r}"));
    }
    EqState::from_components(row.sku.clone(), region, rule, comps)
}

/// A compute type chosen on another cloud by the equivalents rule, for `autostack translate`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputeMatch {
    /// The chosen type (`e2-micro`, `Standard_B2s`).
    pub sku: String,
    /// The region it was chosen in.
    pub region: String,
    /// The rule, as the plan's equivalents show it.
    pub rule: String,
    /// The source type's shape.
    pub source: Shape,
}

/// The type on `to` equivalent to `sku` of `from` in `region`: the same rule as the plan's
/// cross-cloud equivalents (cheapest type with ≥ vCPU, ≥ memory, same architecture, in the
/// paired region), or why there is none.
pub fn compute_equivalent(
    cat: &Catalog,
    from: Cloud,
    region: &str,
    sku: &str,
    to: Cloud,
) -> Result<ComputeMatch, String> {
    let src = cat
        .shape(from, sku)
        .ok_or_else(|| format!("the price catalog does not know the {from} type {sku}"))?;
    let target = nearest(from, region, to)?;
    let (rule, kind, _) = compute_rule(cat, src, false, to, &target);
    let (row, _) = crate::sizing::find_compute(cat, to, &target.region, src).ok_or_else(|| {
        format!(
            "no {} {kind} with ≥{} vCPU and ≥{} GiB is priced in {}",
            src.arch,
            fmt_qty(src.vcpu),
            fmt_qty(src.memory_gib),
            target.region
        )
    })?;
    Ok(ComputeMatch {
        sku: row.sku.clone(),
        region: target.region,
        rule,
        source: src.clone(),
    })
}

/// The disk class (`standard HDD`, `balanced SSD`, `premium SSD`) of a disk type as each
/// cloud's API spells it (`gp3`, `StandardSSD_LRS`, `pd-balanced`).
pub fn disk_class_label(cloud: Cloud, api_type: &str) -> Option<&'static str> {
    api_disk_class(cloud, api_type).map(DiskClass::label)
}

fn api_disk_class(cloud: Cloud, api_type: &str) -> Option<DiskClass> {
    match cloud {
        Cloud::Aws => crate::price::aws::ebs_class(api_type),
        Cloud::Azure => crate::price::azure::disk_type(api_type).1,
        Cloud::Gcp => crate::price::gcp::disk_class(api_type),
    }
}

/// The API disk type on `to` of the same class as `api_type` on `from` (the disk rule of the
/// equivalents: `gp3` → `StandardSSD_LRS` → `pd-balanced`), with the class's name.
pub fn disk_type_equivalent(
    from: Cloud,
    api_type: &str,
    to: Cloud,
    boot: bool,
) -> Option<(&'static str, &'static str)> {
    let class = api_disk_class(from, api_type)?;
    Some((disk_api_type(to, class, boot), class.label()))
}

/// The API disk type of a class on `cloud`; classes are named `standard`, `ssd`, `premium`
/// (the portable spelling) or by their labels.
pub fn disk_type_for_class(cloud: Cloud, class: &str, boot: bool) -> Option<&'static str> {
    let class = match class {
        "standard" | "standard HDD" => DiskClass::Hdd,
        "ssd" | "balanced SSD" => DiskClass::Balanced,
        "premium" | "premium SSD" => DiskClass::Premium,
        _ => return None,
    };
    Some(disk_api_type(cloud, class, boot))
}

fn disk_api_type(cloud: Cloud, class: DiskClass, boot: bool) -> &'static str {
    match (cloud, class) {
        (Cloud::Azure, DiskClass::Hdd) => "Standard_LRS",
        (Cloud::Azure, DiskClass::Balanced) => "StandardSSD_LRS",
        (Cloud::Azure, DiskClass::Premium) => "Premium_LRS",
        // The catalog SKUs of AWS and GCP are the API's own names.
        _ => disk_sku(cloud, class, boot),
    }
}

fn disk_component(
    cat: &Catalog,
    d: DiskSpec,
    to: Cloud,
    region: &RegionMatch,
) -> (Component, String) {
    let sku = disk_sku(to, d.class, d.boot);
    let min = if sku == "st1" { 125.0 } else { 0.0 };
    let qty = d.size_gb.max(min);
    let min_note = if qty > d.size_gb {
        " (st1 minimum 125 GiB)"
    } else {
        ""
    };
    let rule = format!(
        "{} → {sku}, {} GB{min_note} in {} ({})",
        d.class.label(),
        fmt_qty(qty),
        region.region,
        region.how
    );
    let name = format!(
        "{} storage ({sku})",
        if d.boot { "Boot disk" } else { "Disk" }
    );
    let key = (to, disk_service(to), sku, region.region.as_str());
    let c = match cat.lookup(key.0, key.1, key.2, key.3) {
        Some(row) => from_row(name, qty, row),
        None => unpriced(name, "GB-months", Some(qty), no_price(cat, key)),
    };
    (c, rule)
}

fn object(cat: &Catalog, tier: Tier, gb: Option<f64>, to: Cloud, region: &RegionMatch) -> EqState {
    let sku = object_sku(to, tier);
    let tier_name = format!("{tier:?}").to_lowercase();
    let rule = format!(
        "{tier_name} tier → {sku} in {} ({})",
        region.region, region.how
    );
    let name = format!("Storage ({sku})");
    let Some(gb) = gb else {
        let c = crate::price::depends(
            name,
            "GB-months",
            "usage: storage_gb (add it to the usage file)",
        );
        return EqState::from_components(sku.to_string(), region, rule, vec![c]);
    };
    let key = (to, object_service(to), sku, region.region.as_str());
    let c = match cat.lookup(key.0, key.1, key.2, key.3) {
        Some(row) => from_row(name, gb, row),
        None => unpriced(name, "GB-months", Some(gb), no_price(cat, key)),
    };
    EqState::from_components(sku.to_string(), region, rule, vec![c])
}

fn public_ip(cat: &Catalog, hours: f64, to: Cloud, region: &RegionMatch) -> EqState {
    let sku = match to {
        Cloud::Aws => "public-ipv4",
        Cloud::Azure => "Standard public IPv4",
        Cloud::Gcp => "static-external-ipv4-unused",
    };
    let mut rule = format!(
        "static public IPv4 → {sku} in {} ({})",
        region.region, region.how
    );
    if to == Cloud::Gcp {
        rule.push_str("; the catalog has only GCP's rate for a reserved address not in use");
    }
    let name = format!("Public IPv4 ({sku})");
    let key = (to, "public-ip", sku, region.region.as_str());
    let c = match cat.lookup(key.0, key.1, key.2, key.3) {
        Some(row) => from_row(name, hours, row),
        None => unpriced(name, "hours", Some(hours), no_price(cat, key)),
    };
    EqState::from_components(sku.to_string(), region, rule, vec![c])
}
