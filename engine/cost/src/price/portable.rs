//! Portable resources (`portable_instance`, `portable_disk`, `portable_bucket`, ...) priced
//! through the rule of the concrete resource they become on the cloud they are bound to: the
//! planned `cloud`, `region`, `instance_type` (the size the equivalents rule chose), `disk_type`
//! and sizes are restated as that concrete type's attributes (an instance with its root disk
//! of the portable boot class, a disk of its class's type, a bucket as the cloud's standard
//! object storage), so a portable resource costs exactly what its concrete members cost and
//! its cross-cloud equivalents come from the same spec. Networks, subnets and firewalls are
//! free, as the concrete networking they become is.

use super::{Cx, StateCost};
use crate::attrs::{Attr, Attrs};
use crate::catalog::Cloud;
use crate::model::{ProviderConfig, Setting};
use crate::report::Status;
use serde_json::{json, Map, Value};

/// The portable types that cost nothing by themselves (networking).
const FREE: [&str; 3] = ["portable_network", "portable_subnet", "portable_firewall"];

/// The boot disk type of a portable instance on each cloud (the "ssd" class, as the cloud
/// mappings create it).
fn boot_disk_type(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Aws => "gp3",
        Cloud::Azure => "StandardSSD_LRS",
        Cloud::Gcp => "pd-balanced",
    }
}

/// A concrete object assembled from portable attributes, with its unknown mirror.
#[derive(Default)]
struct Restated {
    known: Map<String, Value>,
    unknown: Map<String, Value>,
}

impl Restated {
    /// Copies portable attribute `from` as `to` (unknown stays unknown; absent is left out).
    fn copy(mut self, a: &Attrs, from: &str, to: &str) -> Self {
        match a.field(from).value() {
            Attr::Known(v) => {
                self.known.insert(to.into(), v.clone());
            }
            Attr::Unknown => {
                self.unknown.insert(to.into(), Value::Bool(true));
            }
            Attr::Absent => {}
        }
        self
    }

    /// Sets `to` to a fixed value.
    fn set(mut self, to: &str, v: Value) -> Self {
        self.known.insert(to.into(), v);
        self
    }

    /// Nests this object as the only element of list `name` of `outer` (a nested block).
    fn nest(self, mut outer: Restated, name: &str) -> Restated {
        outer
            .known
            .insert(name.into(), json!([Value::Object(self.known)]));
        if !self.unknown.is_empty() {
            outer
                .unknown
                .insert(name.into(), json!([Value::Object(self.unknown)]));
        }
        outer
    }
}

/// Prices one object of portable type `type_name` on the cloud its `cloud` names.
pub(super) fn price(type_name: &str, a: &Attrs, cx: &Cx) -> StateCost {
    let cloud = match a.str("cloud") {
        Attr::Known(c) => Cloud::parse(&c),
        _ => None,
    };
    let Some(cloud) = cloud else {
        return StateCost {
            blocker: Some((
                Status::DependsOn,
                "depends on the cloud the resource is bound to".into(),
            )),
            ..StateCost::default()
        };
    };
    let region = match a.str("region") {
        Attr::Known(r) => Setting::Known(r),
        _ => Setting::Unknown("region".into()),
    };
    if FREE.contains(&type_name) {
        return StateCost {
            cloud: Some(cloud),
            region: match &region {
                Setting::Known(r) => Some(r.clone()),
                Setting::Unknown(_) => None,
            },
            free: Some(format!("no charge for {type_name} (networking)")),
            ..StateCost::default()
        };
    }
    let Some((concrete, restated)) = restate(type_name, cloud, a, &region) else {
        return super::free::other(type_name, a, cx);
    };
    // The concrete rule reads the region from the provider (AWS) or the object: both say the
    // portable resource's own region.
    let provider = ProviderConfig {
        region: Some(region),
        ..cx.provider.cloned().unwrap_or_default()
    };
    let bound = Cx {
        catalog: cx.catalog,
        usage: cx.usage,
        provider: Some(&provider),
    };
    let (known, unknown) = (
        Value::Object(restated.known),
        Value::Object(restated.unknown),
    );
    let mut s = super::price_state(concrete, &Attrs::new(&known, &unknown), &bound);
    s.cloud = Some(cloud);
    s
}

/// `r` with `key` set to the region (unknown while the region is).
fn located(mut r: Restated, key: &str, region: &Setting) -> Restated {
    match region {
        Setting::Known(l) => r.set(key, json!(l)),
        Setting::Unknown(_) => {
            r.unknown.insert(key.into(), Value::Bool(true));
            r
        }
    }
}

/// The concrete type a priced portable type becomes on `cloud`, and its attributes.
fn restate(
    type_name: &str,
    cloud: Cloud,
    a: &Attrs,
    region: &Setting,
) -> Option<(&'static str, Restated)> {
    let at = |r: Restated, key: &str| located(r, key, region);
    Some(match (type_name, cloud) {
        ("portable_instance", _) => instance(cloud, a, region),
        ("portable_disk", Cloud::Aws) => {
            let d = Restated::default().copy(a, "disk_type", "type");
            ("aws_ebs_volume", d.copy(a, "size", "size"))
        }
        ("portable_disk", Cloud::Gcp) => {
            let d = Restated::default().copy(a, "disk_type", "type");
            (
                "google_compute_disk",
                at(d.copy(a, "size", "size"), "region"),
            )
        }
        ("portable_disk", Cloud::Azure) => {
            let d = Restated::default()
                .copy(a, "disk_type", "storage_account_type")
                .copy(a, "size", "disk_size_gb");
            ("azurerm_managed_disk", at(d, "location"))
        }
        ("portable_bucket", Cloud::Aws) => ("aws_s3_bucket", Restated::default()),
        ("portable_bucket", Cloud::Azure) => {
            let acct = Restated::default()
                .set("account_tier", json!("Standard"))
                .set("account_replication_type", json!("LRS"))
                .set("account_kind", json!("StorageV2"));
            ("azurerm_storage_account", at(acct, "location"))
        }
        ("portable_bucket", Cloud::Gcp) => {
            let b = Restated::default().set("storage_class", json!("STANDARD"));
            ("google_storage_bucket", at(b, "location"))
        }
        _ => return None,
    })
}

/// A portable instance as the cloud's VM type with its root disk.
fn instance(cloud: Cloud, a: &Attrs, region: &Setting) -> (&'static str, Restated) {
    let boot = boot_disk_type(cloud);
    match cloud {
        Cloud::Aws => {
            let root = (Restated::default().copy(a, "root_disk_size", "volume_size"))
                .set("volume_type", json!(boot));
            let vm = Restated::default().copy(a, "instance_type", "instance_type");
            ("aws_instance", root.nest(vm, "root_block_device"))
        }
        Cloud::Azure => {
            let os = (Restated::default().copy(a, "root_disk_size", "disk_size_gb"))
                .set("storage_account_type", json!(boot));
            let vm = Restated::default().copy(a, "instance_type", "size");
            let vm = located(vm, "location", region);
            ("azurerm_linux_virtual_machine", os.nest(vm, "os_disk"))
        }
        Cloud::Gcp => {
            let init =
                (Restated::default().copy(a, "root_disk_size", "size")).set("type", json!(boot));
            let vm = Restated::default().copy(a, "instance_type", "machine_type");
            let params = init.nest(Restated::default(), "initialize_params");
            let vm = located(vm, "region", region);
            ("google_compute_instance", params.nest(vm, "boot_disk"))
        }
    }
}
