//! AWS resource pricing (region from the provider configuration's `region`).
//!
//! `aws_instance` root volume: when `root_block_device` (or its `volume_size` / `volume_type`) is
//! not in the plan or unknown, the size and type come from the AMI, which the plan does not show.
//! We then assume **8 GiB gp2** (the root volume of the common Amazon Linux 2 / Ubuntu AMIs) and
//! say so in the component's `reason`. Set `root_block_device { volume_size, volume_type }` to
//! price it exactly. `aws_ebs_volume` without `type` uses gp2 (the EC2 API default).

use super::{depends, unpriced, Cx, StateCost};
use crate::attrs::{Attr, Attrs};
use crate::catalog::{Cloud, Shape};
use crate::equiv::{DiskClass, DiskSpec, Spec, Tier};
use crate::report::{Component, ComputeInfo, Status};
use crate::util::fmt_qty;

const GP3_BASE_IOPS: f64 = 3000.0;
const GP3_BASE_MBPS: f64 = 125.0;

fn region(cx: &Cx) -> Result<String, (Status, String)> {
    super::provider_setting(cx, |p| p.region.as_ref(), "region").unwrap_or_else(|| {
        Err((
            Status::Unpriced,
            "no region: the aws provider configuration sets none".to_string(),
        ))
    })
}

/// The disk class of an EBS volume type.
pub(crate) fn ebs_class(volume_type: &str) -> Option<DiskClass> {
    match volume_type {
        "standard" | "st1" | "sc1" => Some(DiskClass::Hdd),
        "gp2" | "gp3" => Some(DiskClass::Balanced),
        "io1" | "io2" => Some(DiskClass::Premium),
        _ => None,
    }
}

/// `aws_instance`: instance hours plus the root (and extra EBS) volumes.
pub(super) fn instance(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Aws, region(cx));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let hours = cx.hours();
    let itype = a.str("instance_type");
    let shape = instance_hours(a, cx, &region, &mut s);
    let root = root_volume(a, cx, &region, &mut s.components);
    for (i, v) in a.field("ebs_block_device").items().iter().enumerate() {
        let vtype = v.str("volume_type").absent_as("gp2".to_string());
        if let (Attr::Known(size), Attr::Known(t)) = (v.num("volume_size"), vtype) {
            let label = format!("ebs_block_device[{i}]");
            s.components
                .extend(ebs_components(cx, &region, &label, &t, size, v));
        }
    }
    if let (Some(shape), Attr::Known(t)) = (shape, itype) {
        s.compute = Some(ComputeInfo {
            sku: t.clone(),
            shape: shape.clone(),
        });
        s.spec = Some(Spec::Compute {
            sku: t,
            shape,
            hours,
            boot: root,
            windows: false,
        });
    }
    s
}

/// The instance-hours component; returns the type's shape when it is known.
fn instance_hours(a: &Attrs, cx: &Cx, region: &str, s: &mut StateCost) -> Option<Shape> {
    let hours = cx.hours();
    let t = match a.str("instance_type") {
        Attr::Known(t) => t,
        Attr::Unknown => {
            s.components
                .push(depends("Instance usage".into(), "hours", "instance_type"));
            return None;
        }
        Attr::Absent => {
            let why = "instance_type is not set".to_string();
            s.components
                .push(unpriced("Instance usage".into(), "hours", Some(hours), why));
            return None;
        }
    };
    let name = format!("Instance usage (Linux, on-demand, {t})");
    let mut c = cx.component((Cloud::Aws, "ec2", &t, region), name, hours);
    if matches!(a.str("tenancy"), Attr::Known(ref x) if x != "default") {
        let why = "the catalog has shared-tenancy prices only".to_string();
        c = unpriced(c.name, "hours", Some(hours), why);
    }
    s.components.push(c);
    if !cx.catalog.knows_sku(Cloud::Aws, "ec2", &t) {
        let why = format!("unknown instance type {t}: not in the catalog");
        s.blocker = Some((Status::Unpriced, why));
    }
    cx.catalog.shape(Cloud::Aws, &t).cloned()
}

/// Prices the root volume, assuming the AMI default (8 GiB gp2) for what the plan does not say.
fn root_volume(a: &Attrs, cx: &Cx, region: &str, out: &mut Vec<Component>) -> Option<DiskSpec> {
    let rbd = a.block("root_block_device");
    let mut assumed = Vec::new();
    let size = match rbd.num("volume_size") {
        Attr::Known(x) => x,
        _ => {
            assumed.push("volume_size 8 GiB");
            8.0
        }
    };
    let vtype = match rbd.str("volume_type") {
        Attr::Known(t) => t,
        _ => {
            assumed.push("volume_type gp2");
            "gp2".to_string()
        }
    };
    let mut comps = ebs_components(cx, region, "root_block_device", &vtype, size, &rbd);
    if !assumed.is_empty() {
        let note = format!(
            "assumed {} (AMI default; not in the plan)",
            assumed.join(", ")
        );
        if let Some(c) = comps.first_mut() {
            c.reason = Some(match c.reason.take() {
                Some(r) => format!("{r}; {note}"),
                None => note,
            });
        }
    }
    out.extend(comps);
    ebs_class(&vtype).map(|class| DiskSpec {
        class,
        size_gb: size,
        boot: true,
    })
}

/// Storage, and provisioned IOPS / throughput above the baseline, of one EBS volume.
fn ebs_components(
    cx: &Cx,
    region: &str,
    label: &str,
    vtype: &str,
    size: f64,
    v: &Attrs,
) -> Vec<Component> {
    let name = format!("{label} storage ({vtype}, {} GB)", fmt_qty(size));
    let mut out = vec![cx.component((Cloud::Aws, "ebs", vtype, region), name, size)];
    let iops = v.num("iops");
    let throughput = v.num("throughput");
    match vtype {
        "gp3" => {
            if let Attr::Known(n) = iops {
                if n > GP3_BASE_IOPS {
                    let why = format!(
                        "{} IOPS above the 3,000 included: the catalog has no gp3 IOPS rate",
                        fmt_qty(n - GP3_BASE_IOPS)
                    );
                    out.push(unpriced(
                        format!("{label} provisioned IOPS (gp3)"),
                        "IOPS-months",
                        Some(n - GP3_BASE_IOPS),
                        why,
                    ));
                }
            }
            if let Attr::Known(t) = throughput {
                if t > GP3_BASE_MBPS {
                    let why = format!(
                        "{} MB/s above the 125 included: the catalog has no gp3 throughput rate",
                        fmt_qty(t - GP3_BASE_MBPS)
                    );
                    out.push(unpriced(
                        format!("{label} provisioned throughput (gp3)"),
                        "MBps-months",
                        Some(t - GP3_BASE_MBPS),
                        why,
                    ));
                }
            }
        }
        "io1" | "io2" => match iops {
            Attr::Known(n) if n > 0.0 => out.push(unpriced(
                format!("{label} provisioned IOPS ({vtype})"),
                "IOPS-months",
                Some(n),
                format!("the catalog has no {vtype} IOPS rate"),
            )),
            Attr::Unknown => out.push(depends(
                format!("{label} provisioned IOPS ({vtype})"),
                "IOPS-months",
                "iops",
            )),
            _ => {}
        },
        _ => {}
    }
    out
}

/// `aws_ebs_volume`: GB-months by volume type, plus gp3/io IOPS and throughput.
pub(super) fn ebs_volume(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Aws, region(cx));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let vtype = match a.str("type") {
        Attr::Known(t) => t,
        Attr::Absent => "gp2".to_string(),
        Attr::Unknown => {
            s.components
                .push(depends("Storage".into(), "GB-months", "type"));
            return s;
        }
    };
    match a.num("size") {
        Attr::Known(size) => {
            s.components
                .extend(ebs_components(cx, &region, "Volume", &vtype, size, a));
            if let Some(class) = ebs_class(&vtype) {
                s.spec = Some(Spec::Disk(DiskSpec {
                    class,
                    size_gb: size,
                    boot: false,
                }));
            }
        }
        Attr::Unknown => s.components.push(depends(
            format!("Volume storage ({vtype})"),
            "GB-months",
            "size",
        )),
        Attr::Absent => s.components.push(depends(
            format!("Volume storage ({vtype})"),
            "GB-months",
            "size (taken from snapshot_id)",
        )),
    }
    s
}

/// `aws_eip`: public IPv4 hours (AWS charges every public IPv4 since February 2024).
pub(super) fn eip(_a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Aws, region(cx));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let hours = cx.hours();
    s.components.push(cx.component(
        (Cloud::Aws, "public-ip", "public-ipv4", &region),
        "Public IPv4 address".into(),
        hours,
    ));
    s.spec = Some(Spec::PublicIp { hours });
    s
}

/// `aws_nat_gateway`: the catalog has no NAT gateway price.
pub(super) fn nat_gateway(_a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Aws, region(cx));
    let hours = cx.hours();
    s.components.push(unpriced(
        "NAT gateway hours".into(),
        "hours",
        Some(hours),
        "the catalog has no NAT gateway price".into(),
    ));
    s.components.push(unpriced(
        "NAT gateway data processed".into(),
        "GB",
        None,
        "the catalog has no NAT gateway data-processing price".into(),
    ));
    s.spec = Some(Spec::NoPrice("NAT gateway"));
    s
}

/// `aws_s3_bucket`: S3 Standard GB-months from the usage file's `storage_gb`.
pub(super) fn s3_bucket(_a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Aws, region(cx));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let name = "Storage (S3 Standard)".to_string();
    match cx.usage.storage_gb {
        Some(gb) => {
            s.components
                .push(cx.component((Cloud::Aws, "s3", "S3 Standard", &region), name, gb))
        }
        None => s.components.push(depends(
            name,
            "GB-months",
            "usage: storage_gb (add it to the usage file)",
        )),
    }
    super::free::egress(cx, &mut s.components);
    s.spec = Some(Spec::Object {
        tier: Tier::Hot,
        gb: cx.usage.storage_gb,
    });
    s
}
