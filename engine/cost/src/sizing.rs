//! The sizing rules other crates apply when they choose a concrete type from a cloud-neutral
//! request (the portable resource types): the compute rule of the cross-cloud equivalents
//! ([`find_compute`]) and the disk-class table ([`disk_type`]), so a portable instance gets
//! exactly the type its equivalents would name.

use crate::catalog::{Catalog, Cloud, PriceRow, Shape};
use crate::equiv::{disk_sku, DiskClass};
use crate::util::fmt_qty;

/// The cheapest compute type of `cloud` priced in `region` that serves `want`: at least its
/// vCPU and memory, the same architecture, a GPU exactly when `want` has one, and burstable
/// only when `want` is. Among types of the same price the smallest wins (the catalog keeps
/// each region's types sorted by vCPU, memory, price and name, and the first minimum is
/// kept), so a request is never served by a pricier type only because it is smaller.
pub fn find_compute<'a>(
    cat: &'a Catalog,
    cloud: Cloud,
    region: &str,
    want: &Shape,
) -> Option<(&'a PriceRow, &'a Shape)> {
    cat.compute_in_region(cloud, region)
        .filter(|(_, s)| {
            s.vcpu >= want.vcpu
                && s.memory_gib >= want.memory_gib
                && s.arch == want.arch
                && s.gpu == want.gpu
                && (want.burstable || !s.burstable)
        })
        .min_by(|(a, _), (b, _)| a.usd.total_cmp(&b.usd))
}

/// A compute type chosen for a cloud-neutral request, with the rule that chose it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    /// The type (`m7i.large`, `Standard_D2s_v5`, `n2-standard-2`).
    pub sku: String,
    /// Its shape.
    pub shape: Shape,
    /// The region whose prices decided (the requested one, or the cloud's reference region
    /// when the catalog prices nothing there).
    pub priced_in: String,
    /// Its list price per hour in USD.
    pub hourly_usd: f64,
    /// The rule, as plans show it.
    pub rule: String,
}

/// The region whose prices stand in for a region the catalog does not price.
fn reference_region(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "us-east-1",
        Cloud::Azure => "eastus",
        Cloud::Gcp => "us-central1",
    }
}

/// The non-burstable, non-GPU compute type of `cloud` for `vcpu` vCPUs and `memory_gib` GiB
/// of `arch` in `region`, by the equivalents' rule; the error says why none fits.
pub fn size_for(
    cat: &Catalog,
    cloud: Cloud,
    region: &str,
    vcpu: f64,
    memory_gib: f64,
    arch: &str,
) -> Result<Sized, String> {
    let want = Shape {
        vcpu,
        memory_gib,
        arch: arch.to_string(),
        gpu: false,
        burstable: false,
        family: String::new(),
    };
    let priced_in = match cat.compute_in_region(cloud, region).next() {
        Some(_) => region,
        None => reference_region(cloud),
    };
    let rule = format!(
        "cheapest non-burstable {cloud} type with ≥{} vCPU, ≥{} GiB, {arch} priced in {priced_in}",
        fmt_qty(vcpu),
        fmt_qty(memory_gib)
    );
    let rule = match priced_in == region {
        true => rule,
        false => format!("{rule} (the catalog prices no {cloud} type in {region})"),
    };
    match find_compute(cat, cloud, priced_in, &want) {
        Some((row, shape)) => Ok(Sized {
            sku: row.sku.clone(),
            shape: shape.clone(),
            priced_in: priced_in.to_string(),
            hourly_usd: row.usd,
            rule,
        }),
        None => Err(format!(
            "no {cloud} type fits: {rule} finds nothing in the price catalog ({})",
            cat.name()
        )),
    }
}

/// The disk type of a cloud-neutral disk class (`standard`, `ssd`, `premium`) on `cloud`,
/// from the equivalents' table; `boot` for a VM's boot disk. `None` for an unknown class.
pub fn disk_type(cloud: Cloud, class: &str, boot: bool) -> Option<&'static str> {
    let class = match class {
        "standard" => DiskClass::Hdd,
        "ssd" => DiskClass::Balanced,
        "premium" => DiskClass::Premium,
        _ => return None,
    };
    Some(disk_sku(cloud, class, boot))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheapest_type_that_fits_on_each_cloud() {
        let cat = Catalog::embedded();
        for cloud in Cloud::ALL {
            let region = reference_region(cloud);
            let s = size_for(cat, cloud, region, 2.0, 4.0, "x86_64").unwrap();
            assert!(s.shape.vcpu >= 2.0 && s.shape.memory_gib >= 4.0, "{s:?}");
            assert_eq!(s.shape.arch, "x86_64");
            assert!(!s.shape.burstable && !s.shape.gpu, "{s:?}");
            // Nothing cheaper fits, and nothing as cheap comes before it in the catalog's
            // (vCPU, memory, price, name) order: every such type is too small, another
            // architecture, burstable or a GPU type.
            let mut before = true;
            for (row, shape) in cat.compute_in_region(cloud, region) {
                before &= row.sku != s.sku;
                let fits = shape.vcpu >= 2.0
                    && shape.memory_gib >= 4.0
                    && shape.arch == "x86_64"
                    && !shape.burstable
                    && !shape.gpu;
                let cheaper = row.usd < s.hourly_usd || (before && row.usd == s.hourly_usd);
                assert!(
                    !(fits && cheaper),
                    "{} fits for less than {}",
                    row.sku,
                    s.sku
                );
            }
            let arm = size_for(cat, cloud, region, 2.0, 8.0, "arm64");
            if let Ok(a) = arm {
                assert_eq!(a.shape.arch, "arm64");
            }
        }
    }

    #[test]
    fn unpriced_regions_fall_back_and_say_so_and_impossible_sizes_fail() {
        let cat = Catalog::embedded();
        let s = size_for(cat, Cloud::Gcp, "northamerica-south1", 1.0, 1.0, "x86_64").unwrap();
        assert_eq!(s.priced_in, "us-central1");
        assert!(
            s.rule.contains("prices no gcp type in northamerica-south1"),
            "{}",
            s.rule
        );
        let e = size_for(cat, Cloud::Aws, "us-east-1", 100_000.0, 1.0, "x86_64").unwrap_err();
        assert!(e.contains("≥100000 vCPU"), "{e}");
    }

    #[test]
    fn disk_classes_follow_the_equivalents_table() {
        assert_eq!(disk_type(Cloud::Aws, "ssd", false), Some("gp3"));
        assert_eq!(disk_type(Cloud::Gcp, "premium", false), Some("pd-ssd"));
        assert_eq!(
            disk_type(Cloud::Azure, "standard", false),
            Some("Standard HDD")
        );
        assert_eq!(disk_type(Cloud::Aws, "standard", true), Some("standard"));
        assert_eq!(disk_type(Cloud::Aws, "gold", false), None);
    }
}
