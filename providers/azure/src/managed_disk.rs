//! `azurerm_managed_disk`: a managed disk. `disk_size_gb` only grows, in place, and
//! `storage_account_type` changes in place, as in azurerm.

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::compute::{DISK, DISK_API};
use crate::ids::IdShape;
use crate::prelude::*;

/// The `azurerm_managed_disk` kind.
pub struct ManagedDisk;

#[async_trait]
impl ArmKind for ManagedDisk {
    fn shape(&self) -> IdShape {
        DISK
    }

    fn api_version(&self) -> &'static str {
        DISK_API
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "storage_account_type": required(Type::String) => "Standard_LRS, StandardSSD_LRS, StandardSSD_ZRS, Premium_LRS, Premium_ZRS, PremiumV2_LRS or UltraSSD_LRS.",
            "create_option": required(Type::String).force_new() => "Empty, Copy, FromImage, Import, Restore or Upload.",
            "disk_size_gb": optional_computed(Type::Number) => "The size of the disk in GB (only grows).",
            "source_resource_id": optional(Type::String).force_new() => "The ID of the disk or snapshot to copy (create_option Copy or Restore).",
            "source_uri": optional_computed(Type::String).force_new() => "The URI of a VHD to import (create_option Import).",
            "image_reference_id": optional(Type::String).force_new() => "The ID of the image to create the disk from (create_option FromImage).",
            "os_type": optional(Type::String) => "Linux or Windows, for OS disks.",
            "hyper_v_generation": optional(Type::String).force_new() => "V1 or V2.",
            "zone": optional(Type::String).force_new() => "The availability zone of the disk.",
            "edge_zone": optional(Type::String).force_new() => "The Edge Zone of the disk.",
            "disk_iops_read_write": optional_computed(Type::Number) => "The IOPS the disk allows (UltraSSD and PremiumV2).",
            "disk_mbps_read_write": optional_computed(Type::Number) => "The bandwidth the disk allows in MB/s (UltraSSD and PremiumV2).",
            "tier": optional_computed(Type::String) => "The performance tier (Premium disks).",
            "network_access_policy": optional(Type::String).default(Value::string("AllowAll")) => "AllowAll, AllowPrivate or DenyAll.",
            "public_network_access_enabled": optional(Type::Bool).default(Value::bool(true)) => "Whether the disk may be exported or imported over the public network.",
            "on_demand_bursting_enabled": optional(Type::Bool) => "Whether on-demand bursting is enabled.",
            "max_shares": optional_computed(Type::Number) => "How many VMs may attach the disk at once.",
            "disk_encryption_set_id": optional(Type::String) => "The disk encryption set to encrypt the disk with.",
            "logical_sector_size": optional_computed(Type::Number).force_new() => "512 or 4096 (UltraSSD and PremiumV2).",
        };
        ResourceSchema {
            version: 0,
            block: named(block, true),
        }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let mut creation = json!({ "createOption": str_or_empty(planned, "create_option") });
        for (attr, key) in [
            ("source_resource_id", "sourceResourceId"),
            ("source_uri", "sourceUri"),
        ] {
            if let Some(v) = nonempty_str(planned, attr) {
                creation[key] = json!(v);
            }
        }
        if let Some(v) = nonempty_str(planned, "image_reference_id") {
            creation["imageReference"] = reference(v);
        }
        let mut props = json!({
            "creationData": creation,
            "publicNetworkAccess": if get_bool(planned, "public_network_access_enabled").unwrap_or(true) { "Enabled" } else { "Disabled" },
        });
        let ints = [
            ("disk_size_gb", "diskSizeGB"),
            ("disk_iops_read_write", "diskIOPSReadWrite"),
            ("disk_mbps_read_write", "diskMBpsReadWrite"),
            ("max_shares", "maxShares"),
        ];
        for (attr, key) in ints {
            if let Some(v) = get_int(planned, attr).filter(|v| *v > 0) {
                props[key] = json!(v);
            }
        }
        for (attr, key) in [
            ("os_type", "osType"),
            ("hyper_v_generation", "hyperVGeneration"),
            ("tier", "tier"),
            ("network_access_policy", "networkAccessPolicy"),
        ] {
            if let Some(v) = nonempty_str(planned, attr) {
                props[key] = json!(v);
            }
        }
        let mut body = json!({
            "location": str_or_empty(planned, "location"),
            "sku": { "name": str_or_empty(planned, "storage_account_type") },
            "properties": props,
        });
        if let Some(z) = nonempty_str(planned, "zone") {
            body["zones"] = json!([z]);
        }
        body
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let zone = jstrings(item, "/zones")
            .into_iter()
            .next()
            .unwrap_or_default();
        named_state(Obj::from(prior), item, parts)
            .set("storage_account_type", jstr(item, "/sku/name"))
            .set("create_option", jstr(p, "/creationData/createOption"))
            .set("disk_size_gb", jint(p, "/diskSizeGB"))
            .set(
                "source_resource_id",
                jstr(p, "/creationData/sourceResourceId"),
            )
            .set("source_uri", jstr(p, "/creationData/sourceUri"))
            .set(
                "image_reference_id",
                jstr(p, "/creationData/imageReference/id"),
            )
            .set("os_type", jstr(p, "/osType"))
            .set("hyper_v_generation", jstr(p, "/hyperVGeneration"))
            .str("zone", zone)
            .set("disk_iops_read_write", jint(p, "/diskIOPSReadWrite"))
            .set("disk_mbps_read_write", jint(p, "/diskMBpsReadWrite"))
            .set("tier", jstr(p, "/tier"))
            .set("network_access_policy", jstr(p, "/networkAccessPolicy"))
            .bool(
                "public_network_access_enabled",
                js(p, "/publicNetworkAccess") != Some("Disabled"),
            )
            .set("max_shares", jint(p, "/maxShares"))
            .set(
                "disk_encryption_set_id",
                jstr(p, "/encryption/diskEncryptionSetId"),
            )
            .set(
                "logical_sector_size",
                jint(p, "/creationData/logicalSectorSize"),
            )
            .into_value()
    }
}
