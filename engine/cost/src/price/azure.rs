//! Azure resource pricing (region from the resource's `location`, normalized: `East US` → `eastus`).
//!
//! VM OS disks: when `os_disk.disk_size_gb` is not in the plan or unknown, the size comes from the
//! image; we assume **30 GiB** (the Linux marketplace image default; 127 GiB for Windows) and say
//! so. Managed disks are priced per GB-month at the catalog rate (Azure bills fixed tier sizes).

use super::{attr_region, depends, unpriced, Cx, StateCost};
use crate::attrs::{Attr, Attrs};
use crate::catalog::Cloud;
use crate::equiv::{DiskClass, DiskSpec, Spec, Tier};
use crate::report::{Component, ComputeInfo, Status};
use crate::util::fmt_qty;

/// Normalizes an Azure location: lower case, no spaces.
pub(crate) fn normalize_location(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The region of an Azure resource: its `location`.
pub(crate) fn region(a: &Attrs) -> Result<String, (Status, String)> {
    attr_region(a, "location", normalize_location).unwrap_or_else(|| {
        Err((
            Status::Unpriced,
            "no region: location is not set".to_string(),
        ))
    })
}

/// The catalog SKU and class of a managed-disk `storage_account_type`.
pub(crate) fn disk_type(account_type: &str) -> (String, Option<DiskClass>) {
    match account_type {
        "Standard_LRS" => ("Standard HDD".into(), Some(DiskClass::Hdd)),
        "StandardSSD_LRS" => ("Standard SSD".into(), Some(DiskClass::Balanced)),
        "Premium_LRS" => ("Premium SSD".into(), Some(DiskClass::Premium)),
        "StandardSSD_ZRS" => ("Standard SSD (ZRS)".into(), Some(DiskClass::Balanced)),
        "Premium_ZRS" | "PremiumV2_LRS" | "UltraSSD_LRS" => {
            (account_type.into(), Some(DiskClass::Premium))
        }
        other => (other.into(), None),
    }
}

fn disk_component(cx: &Cx, region: &str, label: &str, account_type: &str, size: f64) -> Component {
    let (sku, _) = disk_type(account_type);
    let name = format!("{label} ({account_type}, {} GB)", fmt_qty(size));
    cx.component((Cloud::Azure, "managed-disk", &sku, region), name, size)
}

/// `azurerm_linux_virtual_machine` / `azurerm_windows_virtual_machine`: size hours plus the OS disk.
pub(super) fn virtual_machine(a: &Attrs, cx: &Cx, windows: bool) -> StateCost {
    let mut s = StateCost::on(Cloud::Azure, region(a));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let hours = cx.hours();
    let size = a.str("size");
    match &size {
        Attr::Unknown => {
            s.components
                .push(depends("Virtual machine usage".into(), "hours", "size"))
        }
        Attr::Absent => s.components.push(unpriced(
            "Virtual machine usage".into(),
            "hours",
            Some(hours),
            "size is not set".into(),
        )),
        Attr::Known(sz) if windows => s.components.push(unpriced(
            format!("Virtual machine usage (Windows, pay-as-you-go, {sz})"),
            "hours",
            Some(hours),
            "the catalog has Linux prices only; Windows adds a licence charge".into(),
        )),
        Attr::Known(sz) => {
            let name = format!("Virtual machine usage (Linux, pay-as-you-go, {sz})");
            s.components
                .push(cx.component((Cloud::Azure, "vm", sz, &region), name, hours));
        }
    }
    if let Attr::Known(sz) = &size {
        if !cx.catalog.knows_sku(Cloud::Azure, "vm", sz) {
            s.blocker = Some((
                Status::Unpriced,
                format!("unknown VM size {sz}: not in the catalog"),
            ));
        }
    }
    let boot = os_disk(a, cx, &region, windows, &mut s.components);
    if let Attr::Known(sz) = size {
        if let Some(shape) = cx.catalog.shape(Cloud::Azure, &sz).cloned() {
            s.compute = Some(ComputeInfo {
                sku: sz.clone(),
                shape: shape.clone(),
            });
            s.spec = Some(Spec::Compute {
                sku: sz,
                shape,
                hours,
                boot,
                windows,
            });
        }
    }
    s
}

fn os_disk(
    a: &Attrs,
    cx: &Cx,
    region: &str,
    windows: bool,
    out: &mut Vec<Component>,
) -> Option<DiskSpec> {
    let d = a.block("os_disk");
    let account_type = match d.str("storage_account_type") {
        Attr::Known(t) => t,
        Attr::Unknown => {
            out.push(depends(
                "OS disk".into(),
                "GB-months",
                "os_disk.storage_account_type",
            ));
            return None;
        }
        Attr::Absent => {
            out.push(unpriced(
                "OS disk".into(),
                "GB-months",
                None,
                "os_disk.storage_account_type is not set".into(),
            ));
            return None;
        }
    };
    let default = if windows { 127.0 } else { 30.0 };
    let (size, assumed) = match d.num("disk_size_gb") {
        Attr::Known(x) => (x, false),
        _ => (default, true),
    };
    let mut c = disk_component(cx, region, "OS disk", &account_type, size);
    if assumed {
        let note = format!(
            "assumed disk_size_gb {} (image default; not in the plan)",
            fmt_qty(size)
        );
        c.reason = Some(c.reason.map_or(note.clone(), |r| format!("{r}; {note}")));
    }
    out.push(c);
    disk_type(&account_type).1.map(|class| DiskSpec {
        class,
        size_gb: size,
        boot: true,
    })
}

/// `azurerm_managed_disk`: GB-months by storage account type.
pub(super) fn managed_disk(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Azure, region(a));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let account_type = match a.str("storage_account_type") {
        Attr::Known(t) => t,
        _ => {
            s.components.push(depends(
                "Disk storage".into(),
                "GB-months",
                "storage_account_type",
            ));
            return s;
        }
    };
    match a.num("disk_size_gb") {
        Attr::Known(size) => {
            s.components.push(disk_component(
                cx,
                &region,
                "Disk storage",
                &account_type,
                size,
            ));
            if let Some(class) = disk_type(&account_type).1 {
                s.spec = Some(Spec::Disk(DiskSpec {
                    class,
                    size_gb: size,
                    boot: false,
                }));
            }
        }
        _ => s.components.push(depends(
            format!("Disk storage ({account_type})"),
            "GB-months",
            "disk_size_gb",
        )),
    }
    s
}

/// `azurerm_public_ip`: Standard public IPv4 hours at the catalog rate (Basic was retired in 2025).
pub(super) fn public_ip(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Azure, region(a));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let hours = cx.hours();
    let name = "Public IPv4 address".to_string();
    let c = match (a.str("sku"), a.str("ip_version")) {
        (_, Attr::Known(v)) if v.eq_ignore_ascii_case("IPv6") => unpriced(
            "Public IPv6 address".into(),
            "hours",
            Some(hours),
            "the catalog has only the public IPv4 rate".into(),
        ),
        (Attr::Known(sku), _) if sku == "Basic" => unpriced(
            name,
            "hours",
            Some(hours),
            "Basic public IPs were retired on 2025-09-30; the catalog has only the Standard rate"
                .into(),
        ),
        // `Standard` is the provider's default since azurerm 4.0.
        _ => cx.component(
            (Cloud::Azure, "public-ip", "Standard public IPv4", &region),
            name,
            hours,
        ),
    };
    s.components.push(c);
    s.spec = Some(Spec::PublicIp { hours });
    s
}

/// `azurerm_storage_account`: Blob GB-months by access tier and replication, from usage `storage_gb`.
pub(super) fn storage_account(a: &Attrs, cx: &Cx) -> StateCost {
    let mut s = StateCost::on(Cloud::Azure, region(a));
    let Some(region) = s.region.clone() else {
        return s;
    };
    let tier_name = match a.str("access_tier") {
        Attr::Known(t) => t,
        _ => "Hot".to_string(),
    };
    let replication = match a.str("account_replication_type") {
        Attr::Known(r) => r,
        _ => "LRS".to_string(),
    };
    let tier = match tier_name.as_str() {
        "Cool" => Tier::Cool,
        "Cold" => Tier::Cold,
        "Archive" => Tier::Archive,
        _ => Tier::Hot,
    };
    let sku = format!("Blob {tier_name} ({replication})");
    let name = format!("Storage ({sku})");
    let premium = matches!(a.str("account_tier"), Attr::Known(ref t) if t == "Premium");
    match cx.usage.storage_gb {
        _ if premium => s.components.push(unpriced(
            name,
            "GB-months",
            cx.usage.storage_gb,
            "the catalog has no Premium storage account price".into(),
        )),
        Some(gb) => {
            s.components
                .push(cx.component((Cloud::Azure, "blob", &sku, &region), name, gb))
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
