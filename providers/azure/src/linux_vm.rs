//! `azurerm_linux_virtual_machine`: a Linux VM with its managed OS disk (`os_disk`), image
//! (`source_image_reference`), SSH keys (`admin_ssh_key`) and network interfaces. The schema
//! and the state read from ARM's JSON live here, the request body in [`crate::vm_model`]
//! (azure_mgmt_compute's models); changes (resize with deallocate
//! and start, delete with the OS disk) and the addresses read from the NICs in
//! [`crate::vm_ops`].

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::compute::{VM, VM_API};
use crate::ids::IdShape;
use crate::prelude::*;

/// The `azurerm_linux_virtual_machine` kind.
pub struct LinuxVirtualMachine;

pub(crate) fn os_disk() -> Block {
    autostack_provider_sdk::attributes! {
        "caching": required(Type::String) => "None, ReadOnly or ReadWrite.",
        "storage_account_type": required(Type::String).force_new() => "Standard_LRS, StandardSSD_LRS, Premium_LRS, StandardSSD_ZRS or Premium_ZRS.",
        "disk_size_gb": optional_computed(Type::Number) => "The size of the OS disk in GB.",
        "name": optional_computed(Type::String).force_new() => "The name of the OS disk.",
        "write_accelerator_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether write acceleration is enabled.",
        "disk_encryption_set_id": optional(Type::String).force_new() => "The disk encryption set of the OS disk.",
        "id": computed(Type::String) => "The ID of the OS disk.",
    }
}

pub(crate) fn image() -> Block {
    autostack_provider_sdk::attributes! {
        "publisher": required(Type::String).force_new() => "The image's publisher.",
        "offer": required(Type::String).force_new() => "The image's offer.",
        "sku": required(Type::String).force_new() => "The image's SKU.",
        "version": required(Type::String).force_new() => "The image's version (or latest).",
    }
}

pub(crate) fn ssh_key() -> Block {
    autostack_provider_sdk::attributes! {
        "username": required(Type::String).force_new() => "The user the key is for.",
        "public_key": required(Type::String).force_new() => "The OpenSSH public key.",
    }
}

fn attributes() -> Block {
    autostack_provider_sdk::attributes! {
        "size": required(Type::String) => "The VM size (Standard_B1s); changed in place, deallocating when the hardware cluster lacks it.",
        "admin_username": required(Type::String).force_new() => "The administrator's user name.",
        "admin_password": optional(Type::String).sensitive().force_new() => "The administrator's password.",
        "disable_password_authentication": optional(Type::Bool).force_new().default(Value::bool(true)) => "Whether password authentication is disabled.",
        "network_interface_ids": required(Type::list(Type::String)) => "The network interfaces; the first is primary.",
        "computer_name": optional_computed(Type::String).force_new() => "The host name (defaults to name).",
        "custom_data": optional(Type::String).sensitive().force_new() => "Base64 custom data for cloud-init.",
        "user_data": optional(Type::String) => "Base64 user data.",
        "source_image_id": optional(Type::String).force_new() => "The ID of a custom image.",
        "zone": optional(Type::String).force_new() => "The availability zone.",
        "priority": optional(Type::String).force_new().default(Value::string("Regular")) => "Regular or Spot.",
        "eviction_policy": optional(Type::String).force_new() => "Deallocate or Delete (Spot).",
        "max_bid_price": optional(Type::Number).default(Value::int(-1)) => "The maximum price for a Spot VM (-1: pay-as-you-go).",
        "provision_vm_agent": optional(Type::Bool).force_new().default(Value::bool(true)) => "Whether the VM agent is provisioned.",
        "allow_extension_operations": optional(Type::Bool).default(Value::bool(true)) => "Whether extensions may be installed.",
        "patch_mode": optional(Type::String).default(Value::string("ImageDefault")) => "AutomaticByPlatform or ImageDefault.",
        "patch_assessment_mode": optional(Type::String).default(Value::string("ImageDefault")) => "AutomaticByPlatform or ImageDefault.",
        "bypass_platform_safety_checks_on_user_schedule_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether platform safety checks are bypassed on a user schedule.",
        "reboot_setting": optional(Type::String) => "Reboot setting for platform patching.",
        "vm_agent_platform_updates_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether VM agent platform updates are enabled.",
        "encryption_at_host_enabled": optional(Type::Bool) => "Whether encryption at host is enabled.",
        "secure_boot_enabled": optional(Type::Bool).force_new() => "Whether secure boot is enabled.",
        "vtpm_enabled": optional(Type::Bool).force_new() => "Whether vTPM is enabled.",
        "extensions_time_budget": optional(Type::String).default(Value::string("PT1H30M")) => "The time extensions may take to install (ISO 8601).",
        "license_type": optional(Type::String) => "RHEL_BYOS, SLES_BYOS, ...",
        "availability_set_id": optional(Type::String).force_new() => "The availability set of the VM.",
        "proximity_placement_group_id": optional(Type::String) => "The proximity placement group.",
        "dedicated_host_id": optional(Type::String) => "The dedicated host.",
        "virtual_machine_scale_set_id": optional(Type::String).force_new() => "The flexible scale set of the VM.",
        "platform_fault_domain": optional(Type::Number).force_new().default(Value::int(-1)) => "The fault domain within the scale set.",
        "edge_zone": optional(Type::String).force_new() => "The Edge Zone of the VM.",
        "disk_controller_type": optional_computed(Type::String) => "NVMe or SCSI.",
        "private_ip_address": computed(Type::String) => "The primary private IP address.",
        "private_ip_addresses": computed(Type::list(Type::String)) => "Every private IP address of the VM.",
        "public_ip_address": computed(Type::String) => "The primary public IP address.",
        "public_ip_addresses": computed(Type::list(Type::String)) => "Every public IP address of the VM.",
        "virtual_machine_id": computed(Type::String) => "The VM's unique ID (vmId).",
    }
}

fn os_disk_state(os: &Json) -> Value {
    Value::object_from([
        ("caching", jstr(os, "/caching")),
        (
            "storage_account_type",
            jstr(os, "/managedDisk/storageAccountType"),
        ),
        ("disk_size_gb", jint(os, "/diskSizeGB")),
        ("name", jstr(os, "/name")),
        (
            "write_accelerator_enabled",
            jbool(os, "/writeAcceleratorEnabled"),
        ),
        (
            "disk_encryption_set_id",
            jstr(os, "/managedDisk/diskEncryptionSet/id"),
        ),
        ("id", jstr(os, "/managedDisk/id")),
    ])
}

fn ssh_keys_state(linux: &Json) -> Value {
    let keys = jarray(linux, "/ssh/publicKeys")
        .iter()
        .map(|k| {
            let path = js(k, "/path").unwrap_or_default();
            let user = path
                .strip_prefix("/home/")
                .and_then(|p| p.split('/').next())
                .unwrap_or_default();
            Value::object_from([
                ("username", Value::string(user)),
                ("public_key", jstr(k, "/keyData")),
            ])
        })
        .collect();
    make_set(ssh_key().value_type(), keys)
}

fn image_state(storage: &Json) -> Value {
    let r = storage.get("imageReference").unwrap_or(&Json::Null);
    let items = match js(r, "/publisher") {
        Some(_) => vec![Value::object_from([
            ("publisher", jstr(r, "/publisher")),
            ("offer", jstr(r, "/offer")),
            ("sku", jstr(r, "/sku")),
            ("version", jstr(r, "/version")),
        ])],
        None => Vec::new(),
    };
    Value::list(image().value_type(), items)
}

#[async_trait]
impl ArmKind for LinuxVirtualMachine {
    fn shape(&self) -> IdShape {
        VM
    }

    fn api_version(&self) -> &'static str {
        VM_API
    }

    fn schema(&self) -> ResourceSchema {
        let block = named(attributes(), true)
            .block("os_disk", Nesting::List, os_disk())
            .tune("os_disk", |nb| {
                nb.min_items = 1;
                nb.max_items = 1;
            })
            .block("source_image_reference", Nesting::List, image())
            .tune("source_image_reference", |nb| {
                nb.max_items = 1;
                nb.force_new = true;
            })
            .block("admin_ssh_key", Nesting::Set, ssh_key())
            .tune("admin_ssh_key", |nb| nb.force_new = true);
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        crate::vm_model::vm_body(planned)
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        crate::vm_model::check_enums(config)
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let os = p.pointer("/osProfile").unwrap_or(&Json::Null);
        let linux = os.get("linuxConfiguration").unwrap_or(&Json::Null);
        let storage = p.pointer("/storageProfile").unwrap_or(&Json::Null);
        let nics: Vec<String> = jarray(p, "/networkProfile/networkInterfaces")
            .iter()
            .filter_map(|n| js(n, "/id").map(str::to_string))
            .collect();
        let zone = jstrings(item, "/zones")
            .into_iter()
            .next()
            .unwrap_or_default();
        let disks: Vec<Value> = storage
            .get("osDisk")
            .map(os_disk_state)
            .into_iter()
            .collect();
        named_state(Obj::from(prior), item, parts)
            .set("size", jstr(p, "/hardwareProfile/vmSize"))
            .set("admin_username", jstr(os, "/adminUsername"))
            .set("computer_name", jstr(os, "/computerName"))
            .bool(
                "disable_password_authentication",
                linux
                    .get("disablePasswordAuthentication")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
            )
            .set("admin_ssh_key", ssh_keys_state(linux))
            .set(
                "network_interface_ids",
                autostack_provider_sdk::attrs::string_list(nics),
            )
            .set("os_disk", Value::list(os_disk().value_type(), disks))
            .set("source_image_reference", image_state(storage))
            .set("source_image_id", jstr(storage, "/imageReference/id"))
            .str("zone", zone)
            .str("priority", js(p, "/priority").unwrap_or("Regular"))
            .set("eviction_policy", jstr(p, "/evictionPolicy"))
            .bool(
                "provision_vm_agent",
                linux
                    .get("provisionVMAgent")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
            )
            .bool(
                "allow_extension_operations",
                os.get("allowExtensionOperations")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
            )
            .str(
                "patch_mode",
                js(linux, "/patchSettings/patchMode").unwrap_or("ImageDefault"),
            )
            .str(
                "patch_assessment_mode",
                js(linux, "/patchSettings/assessmentMode").unwrap_or("ImageDefault"),
            )
            .set(
                "vm_agent_platform_updates_enabled",
                jbool(linux, "/enableVMAgentPlatformUpdates"),
            )
            .str(
                "extensions_time_budget",
                js(p, "/extensionsTimeBudget").unwrap_or("PT1H30M"),
            )
            .set("license_type", jstr(p, "/licenseType"))
            .set("availability_set_id", jstr(p, "/availabilitySet/id"))
            .set(
                "proximity_placement_group_id",
                jstr(p, "/proximityPlacementGroup/id"),
            )
            .set("dedicated_host_id", jstr(p, "/host/id"))
            .set(
                "virtual_machine_scale_set_id",
                jstr(p, "/virtualMachineScaleSet/id"),
            )
            .int(
                "platform_fault_domain",
                p.get("platformFaultDomain")
                    .and_then(Json::as_i64)
                    .unwrap_or(-1),
            )
            .set("disk_controller_type", jstr(storage, "/diskControllerType"))
            .set("virtual_machine_id", jstr(p, "/vmId"))
            .into_value()
    }

    async fn complete(&self, c: &AzureClient, read: &mut [ValueRead]) {
        crate::vm_ops::read_addresses(c, read).await;
    }

    async fn update(
        &self,
        c: &AzureClient,
        id: &str,
        prior: &Value,
        planned: &Value,
        _body: Json,
    ) -> Result<(), ArmError> {
        crate::vm_ops::update(c, id, prior, planned).await
    }

    async fn delete(&self, c: &AzureClient, id: &str, prior: &Value) -> Result<(), ApplyError> {
        crate::vm_ops::delete(c, id, prior).await
    }
}
