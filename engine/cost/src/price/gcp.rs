//! GCP resource pricing (region from the resource's `zone` minus its suffix, or `region`, else the
//! provider configuration's `region` / `zone`).
//!
//! Boot disks: when `boot_disk.initialize_params.size` / `type` are not in the plan or unknown,
//! the image decides; we assume **10 GB pd-standard** (public images' size; the API's default
//! type) and say so. Custom machine types (`custom-2-4096`, `n2-custom-4-8192[-ext]`) have a known
//! shape but no catalog price, so they are unpriced; their equivalents are still computed.

use super::{attr_region, depends, provider_setting, unpriced, Cx, StateCost};
use crate::attrs::{Attr, Attrs};
use crate::catalog::{Cloud, Shape};
use crate::equiv::{DiskClass, DiskSpec, Spec, Tier};
use crate::report::{Component, ComputeInfo, Status};
use crate::util::fmt_qty;

fn strip_zone(z: &str) -> String {
    match z.rsplit_once('-') {
        Some((r, suffix)) if suffix.len() == 1 => r.to_string(),
        _ => z.to_string(),
    }
}

fn last_segment(s: &str) -> String {
    s.rsplit('/').next().unwrap_or(s).to_string()
}

/// The region of a GCP resource: `zone` (suffix removed), `region`, then the provider's settings.
pub(crate) fn region(a: &Attrs, cx: &Cx) -> Result<String, (Status, String)> {
    let strip = |z: &str| strip_zone(&last_segment(z));
    attr_region(a, "zone", strip)
        .or_else(|| attr_region(a, "region", last_segment))
        .or_else(|| provider_setting(cx, |p| p.region.as_ref(), "region"))
        .or_else(|| {
            provider_setting(cx, |p| p.zone.as_ref(), "zone").map(|r| r.map(|z| strip_zone(&z)))
        })
        .unwrap_or_else(|| {
            Err((
                Status::Unpriced,
                "no region: neither the resource nor the google provider sets a zone or region"
                    .to_string(),
            ))
        })
}

/// The disk class of a persistent-disk type.
pub(crate) fn disk_class(t: &str) -> Option<DiskClass> {
    match t {
        "pd-standard" => Some(DiskClass::Hdd),
        "pd-balanced" | "hyperdisk-balanced" => Some(DiskClass::Balanced),
        "pd-ssd" | "pd-extreme" | "hyperdisk-extreme" => Some(DiskClass::Premium),
        _ => None,
    }
}

/// The shape of a custom machine type (`custom-2-4096`, `n2-custom-4-8192-ext`), if `t` is one.
pub(crate) fn custom_shape(t: &str) -> Option<Shape> {
    let i = t.find("custom-")?;
    let rest = t[i + "custom-".len()..].trim_end_matches("-ext");
    let (cpu, mem) = rest.split_once('-')?;
    let (vcpu, mem_mb) = (cpu.parse::<f64>().ok()?, mem.parse::<f64>().ok()?);
    Some(Shape::for_sku(
        Cloud::Gcp,
        t,
        vcpu,
        mem_mb / 1024.0,
        "x86_64",
    ))
}

/// `google_compute_instance`: machine hours, boot disk, and (unpriced) accelerators.
pub(super) fn instance(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Gcp, region(a, cx));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let hours = cx.hours();
    let mtype = match a.str("machine_type") {
        Attr::Known(t) => Some(last_segment(&t)),
        Attr::Unknown => {
            s.components
                .push(depends("Instance usage".into(), "hours", "machine_type"));
            None
        }
        Attr::Absent => {
            s.components.push(unpriced(
                "Instance usage".into(),
                "hours",
                Some(hours),
                "machine_type is not set".into(),
            ));
            None
        }
    };
    let mut shape = None;
    if let Some(t) = &mtype {
        shape = machine(cx, t, &region, hours, &mut s);
    }
    let boot = boot_disk(a, cx, &region, &mut s.components);
    let gpus = accelerators(a, hours, &mut s.components);
    if let (Some(mut shape), Some(t)) = (shape, mtype) {
        shape.gpu |= gpus;
        s.compute = Some(ComputeInfo {
            sku: t.clone(),
            shape: shape.clone(),
        });
        s.spec = Some(Spec::Compute {
            sku: t,
            shape,
            hours,
            boot,
            windows: false,
        });
    }
    s
}

fn machine(cx: &Cx, t: &str, region: &str, hours: f64, s: &mut StateCost) -> Option<Shape> {
    let name = format!("Instance usage (Linux, on-demand, {t})");
    if let Some(shape) = custom_shape(t) {
        let why = format!(
            "the catalog has no custom machine type prices ({} vCPU, {} GiB)",
            fmt_qty(shape.vcpu),
            fmt_qty(shape.memory_gib)
        );
        s.components.push(unpriced(name, "hours", Some(hours), why));
        return Some(shape);
    }
    s.components
        .push(cx.component((Cloud::Gcp, "compute", t, region), name, hours));
    let shape = cx.catalog.shape(Cloud::Gcp, t).cloned();
    if shape.is_none() {
        s.blocker = Some((
            Status::Unpriced,
            format!("unknown machine type {t}: not in the catalog"),
        ));
    }
    shape
}

fn boot_disk(a: &Attrs, cx: &Cx, region: &str, out: &mut Vec<Component>) -> Option<DiskSpec> {
    let p = a.block("boot_disk").block("initialize_params");
    let mut assumed = Vec::new();
    let size = match p.num("size") {
        Attr::Known(x) => x,
        _ => {
            assumed.push("size 10 GB");
            10.0
        }
    };
    let dtype = match p.str("type") {
        Attr::Known(t) => last_segment(&t),
        _ => {
            assumed.push("type pd-standard");
            "pd-standard".to_string()
        }
    };
    let name = format!("Boot disk ({dtype}, {} GB)", fmt_qty(size));
    let mut c = cx.component((Cloud::Gcp, "persistent-disk", &dtype, region), name, size);
    if !assumed.is_empty() {
        let note = format!(
            "assumed {} (image default; not in the plan)",
            assumed.join(", ")
        );
        c.reason = Some(c.reason.map_or(note.clone(), |r| format!("{r}; {note}")));
    }
    out.push(c);
    disk_class(&dtype).map(|class| DiskSpec {
        class,
        size_gb: size,
        boot: true,
    })
}

fn accelerators(a: &Attrs, hours: f64, out: &mut Vec<Component>) -> bool {
    let mut any = false;
    for g in a.field("guest_accelerator").items() {
        let count = g.num("count").or_default(1.0).unwrap_or(1.0);
        if count <= 0.0 {
            continue;
        }
        any = true;
        let kind = match g.str("type") {
            Attr::Known(t) => last_segment(&t),
            _ => "accelerator".to_string(),
        };
        let name = format!("GPU ({kind} × {})", fmt_qty(count));
        out.push(unpriced(
            name,
            "hours",
            Some(hours * count),
            "the catalog has no GPU accelerator prices".into(),
        ));
    }
    any
}

/// `google_compute_disk`: GB-months by disk type.
pub(super) fn disk(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Gcp, region(a, cx));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let dtype = match a.str("type") {
        Attr::Known(t) => last_segment(&t),
        Attr::Absent => "pd-standard".to_string(),
        Attr::Unknown => {
            s.components
                .push(depends("Disk storage".into(), "GB-months", "type"));
            return s;
        }
    };
    match a.num("size") {
        Attr::Known(size) => {
            let name = format!("Disk storage ({dtype}, {} GB)", fmt_qty(size));
            s.components.push(cx.component(
                (Cloud::Gcp, "persistent-disk", &dtype, &region),
                name,
                size,
            ));
            if let Some(class) = disk_class(&dtype) {
                s.spec = Some(Spec::Disk(DiskSpec {
                    class,
                    size_gb: size,
                    boot: false,
                }));
            }
        }
        Attr::Unknown => s.components.push(depends(
            format!("Disk storage ({dtype})"),
            "GB-months",
            "size",
        )),
        Attr::Absent => s.components.push(depends(
            format!("Disk storage ({dtype})"),
            "GB-months",
            "size (taken from the image or snapshot)",
        )),
    }
    s
}

/// `google_compute_address`: external addresses at the catalog's static-IP rate; internal ones are free.
pub(super) fn address(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Gcp, region(a, cx));
    if matches!(a.str("address_type"), Attr::Known(ref t) if t == "INTERNAL") {
        s.free = Some("internal addresses are free".to_string());
        return s;
    }
    let Some(region) = s.region.clone() else {
        return s;
    };
    let hours = cx.hours();
    let key = (
        Cloud::Gcp,
        "public-ip",
        "static-external-ipv4-unused",
        region.as_str(),
    );
    let mut c = cx.component(key, "Static external IPv4 address".into(), hours);
    if c.status == Status::Priced {
        c.reason = Some("priced at the catalog's rate for a reserved address not in use; the in-use rate is not in the catalog".into());
    }
    s.components.push(c);
    s.spec = Some(Spec::PublicIp { hours });
    s
}

/// `google_storage_bucket`: GB-months by storage class in its location, from usage `storage_gb`.
pub(super) fn bucket(a: &Attrs, cx: &Cx) -> StateCost {
    let loc = attr_region(a, "location", |l| l.to_lowercase()).unwrap_or_else(|| {
        Err((
            Status::Unpriced,
            "no region: location is not set".to_string(),
        ))
    });
    let mut s = StateCost::on(Cloud::Gcp, loc);
    let Some(region) = s.region.clone() else {
        return s;
    };
    let class = match a.str("storage_class") {
        Attr::Known(c) => c.to_uppercase(),
        _ => "STANDARD".to_string(),
    };
    let (sku, tier) = match class.as_str() {
        "NEARLINE" => ("Nearline", Tier::Cool),
        "COLDLINE" => ("Coldline", Tier::Cold),
        "ARCHIVE" => ("Archive", Tier::Archive),
        _ => ("Standard", Tier::Hot),
    };
    let name = format!("Storage ({sku})");
    match cx.usage.storage_gb {
        Some(gb) => {
            let mut c = cx.component((Cloud::Gcp, "gcs", sku, &region), name, gb);
            if c.status != Status::Priced && !region.chars().any(|ch| ch.is_ascii_digit()) {
                c.reason = c.reason.map(|r| format!("{r} (multi-region location)"));
            }
            s.components.push(c);
        }
        None => s.components.push(depends(
            name,
            "GB-months",
            "usage: storage_gb (add it to the usage file)",
        )),
    }
    super::free::egress(cx, &mut s.components);
    s.spec = Some(Spec::Object {
        tier,
        gb: cx.usage.storage_gb,
    });
    s
}
