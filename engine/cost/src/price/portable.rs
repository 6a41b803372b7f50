//! The portable types (`portable_*`) priced as the concrete objects of the cloud they are
//! bound to: an instance as the type its size rule chose with its boot disk, a disk as its
//! class's disk type, a bucket as the cloud's standard object storage. Each is rewritten into
//! the concrete type's shape and priced by that type's own rule, so the equivalents on the
//! other clouds follow from the same spec. Networks, subnets and firewalls have no charge.

use super::{price_state, Cx, StateCost};
use crate::attrs::{Attr, Attrs};
use crate::catalog::Cloud;
use crate::report::Status;
use crate::sizing::disk_type;
use serde_json::{json, Map, Value};

/// Prices a `portable_*` object through the concrete type of its cloud.
pub(super) fn price(type_name: &str, a: &Attrs, cx: &Cx) -> StateCost {
    let cloud = match a.str("cloud") {
        Attr::Known(c) => Cloud::parse(&c),
        _ => None,
    };
    let Some(cloud) = cloud else {
        return blocked(type_name, "depends on the cloud it is bound to");
    };
    let object = match type_name {
        "portable_instance" => instance(cloud, a),
        "portable_disk" => disk(cloud, a),
        "portable_bucket" => Ok(bucket(cloud, a)),
        _ => {
            return StateCost {
                cloud: Some(cloud),
                free: Some(format!("no charge for {type_name}")),
                ..StateCost::default()
            }
        }
    };
    match object {
        Ok((concrete, known, unknown)) => price_state(concrete, &Attrs::new(&known, &unknown), cx),
        Err(why) => blocked(type_name, &why),
    }
}

/// A concrete type with its planned object and the object's unknown mirror.
type Concrete = (&'static str, Value, Value);

fn blocked(type_name: &str, why: &str) -> StateCost {
    StateCost {
        blocker: Some((Status::DependsOn, format!("{type_name}: {why}"))),
        ..StateCost::default()
    }
}

/// The planned object being built: known values, and `true` in the mirror for unknown ones.
#[derive(Default)]
struct Builder {
    known: Map<String, Value>,
    unknown: Map<String, Value>,
}

impl Builder {
    /// Copies portable attribute `from` to concrete attribute `to`.
    fn copy(mut self, a: &Attrs, from: &str, to: &str) -> Builder {
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

    fn set(mut self, key: &str, v: Value) -> Builder {
        self.known.insert(key.into(), v);
        self
    }

    fn done(self, concrete: &'static str) -> Concrete {
        (
            concrete,
            Value::Object(self.known),
            Value::Object(self.unknown),
        )
    }
}

/// The balanced (SSD) disk type of `cloud`, the class the realizations give boot disks.
fn boot_type(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Azure => "StandardSSD_LRS",
        _ => disk_type(cloud, "ssd", true).unwrap_or("gp3"),
    }
}

/// An Azure managed disk's `storage_account_type` for a portable disk class.
fn azure_account_type(class: &str) -> Option<&'static str> {
    match class {
        "standard" => Some("Standard_LRS"),
        "ssd" => Some("StandardSSD_LRS"),
        "premium" => Some("Premium_LRS"),
        _ => None,
    }
}

fn instance(cloud: Cloud, a: &Attrs) -> Result<Concrete, String> {
    if matches!(a.str("instance_type"), Attr::Unknown) {
        return Err("depends on instance_type (vcpu and memory known after apply)".into());
    }
    let root = match a.num("root_disk_size") {
        Attr::Known(n) => json!(n),
        _ => json!(20),
    };
    let b = Builder::default();
    Ok(match cloud {
        Cloud::Aws => b
            .copy(a, "instance_type", "instance_type")
            .set(
                "root_block_device",
                json!([{ "volume_size": root, "volume_type": boot_type(cloud) }]),
            )
            .done("aws_instance"),
        Cloud::Gcp => b
            .copy(a, "instance_type", "machine_type")
            .copy(a, "region", "region")
            .set(
                "boot_disk",
                json!([{ "initialize_params": [{ "size": root, "type": boot_type(cloud) }] }]),
            )
            .done("google_compute_instance"),
        Cloud::Azure => b
            .copy(a, "instance_type", "size")
            .copy(a, "region", "location")
            .set(
                "os_disk",
                json!([{ "disk_size_gb": root, "storage_account_type": boot_type(cloud) }]),
            )
            .done("azurerm_linux_virtual_machine"),
    })
}

fn disk(cloud: Cloud, a: &Attrs) -> Result<Concrete, String> {
    let class = match a.str("class") {
        Attr::Known(c) => c,
        Attr::Absent => "ssd".into(),
        Attr::Unknown => return Err("depends on class".into()),
    };
    let sku = match cloud {
        Cloud::Azure => azure_account_type(&class),
        _ => disk_type(cloud, &class, false),
    };
    let Some(sku) = sku else {
        return Err(format!("no disk type for class {class:?}"));
    };
    let b = Builder::default();
    Ok(match cloud {
        Cloud::Aws => b
            .set("type", json!(sku))
            .copy(a, "size", "size")
            .done("aws_ebs_volume"),
        Cloud::Gcp => b
            .set("type", json!(sku))
            .copy(a, "size", "size")
            .copy(a, "region", "region")
            .done("google_compute_disk"),
        Cloud::Azure => b
            .set("storage_account_type", json!(sku))
            .copy(a, "size", "disk_size_gb")
            .copy(a, "region", "location")
            .done("azurerm_managed_disk"),
    })
}

fn bucket(cloud: Cloud, a: &Attrs) -> Concrete {
    let b = Builder::default();
    match cloud {
        Cloud::Aws => b.done("aws_s3_bucket"),
        Cloud::Gcp => b
            .copy(a, "region", "location")
            .set("storage_class", json!("STANDARD"))
            .done("google_storage_bucket"),
        Cloud::Azure => b
            .copy(a, "region", "location")
            .set("account_tier", json!("Standard"))
            .set("account_replication_type", json!("LRS"))
            .set("access_tier", json!("Hot"))
            .done("azurerm_storage_account"),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Action, Catalog, Estimator, PlanInput, ProviderConfig, ResourceChange};
    use serde_json::json;

    /// Prices one planned portable object bound to `cloud`'s provider.
    fn monthly(ty: &str, cloud: &str, after: serde_json::Value) -> Option<f64> {
        let key = match cloud {
            "aws" => "aws",
            "gcp" => "google",
            _ => "azurerm",
        };
        let rc = ResourceChange::new(&format!("{ty}.x"), ty, Action::Create)
            .after(after)
            .provider(&format!("registry.terraform.io/hashicorp/{key}"), Some(key));
        let region = match cloud {
            "aws" => "us-east-1",
            "gcp" => "us-central1",
            _ => "eastus",
        };
        let input = PlanInput::new().provider(key, ProviderConfig::new(key).region(region));
        Estimator::new(Catalog::embedded())
            .resource(&input, &rc)?
            .monthly_cost
            .after
    }

    #[test]
    fn portable_types_cost_what_their_concrete_objects_cost() {
        let cases = [
            ("aws", "us-east-1", "t3.medium", "aws_instance"),
            (
                "gcp",
                "us-central1",
                "e2-standard-2",
                "google_compute_instance",
            ),
            (
                "azure",
                "eastus",
                "Standard_B2s",
                "azurerm_linux_virtual_machine",
            ),
        ];
        for (cloud, region, size, _) in cases {
            let vm = json!({ "cloud": cloud, "region": region, "instance_type": size, "root_disk_size": 20 });
            let cost = monthly("portable_instance", cloud, vm).expect("priced");
            assert!(cost > 10.0, "{cloud} {size}: {cost}");
            let disk = json!({ "cloud": cloud, "region": region, "size": 100, "class": "ssd" });
            let d = monthly("portable_disk", cloud, disk).expect("priced");
            assert!(d > 1.0 && d < 50.0, "{cloud} disk: {d}");
        }
        let net = json!({ "cloud": "aws", "region": "us-east-1", "cidr_block": "10.0.0.0/16" });
        assert_eq!(monthly("portable_network", "aws", net), Some(0.0));
    }
}
