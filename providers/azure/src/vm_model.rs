//! The request body of `azurerm_linux_virtual_machine`, built from azure_mgmt_compute's
//! models (the 2024-07-01 API generated from the REST specification), so every field name,
//! nesting and enum value is the specification's. Enum arguments are checked against the
//! models before planning ([`check_enums`]); reads stay plain JSON (see
//! [`crate::linux_vm`]), so an answer with a field the models do not know never fails a
//! refresh.

use crate::prelude::*;
use autostack_provider_sdk::attrs::error;
use azure_mgmt_compute::models::{
    CreateOption, HardwareProfile, ImageReference, LinuxConfiguration, LinuxPatchSettings,
    ManagedDiskParameters, NetworkInterfaceReference, NetworkInterfaceReferenceProperties,
    NetworkProfile, OsDisk, OsProfile, Resource, SshConfiguration, SshPublicKey, StorageProfile,
    SubResource, VirtualMachine, VirtualMachineProperties,
};
use serde::de::DeserializeOwned;

/// A model enum from its wire value (`"ReadWrite"`), when the specification knows it.
fn enum_of<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Json::String(s.to_string())).ok()
}

fn sub(id: &str) -> SubResource {
    SubResource {
        id: Some(id.to_string()),
    }
}

fn some_str(v: &Value, name: &str) -> Option<String> {
    nonempty_str(v, name).map(str::to_string)
}

/// The enum arguments whose values must be the specification's (`os_disk.caching`, ...):
/// an error naming the first that is not.
pub fn check_enums(config: &Value) -> Diagnostics {
    let disk = get_blocks(config, "os_disk")
        .first()
        .cloned()
        .unwrap_or(Value::null());
    let checks: [(&str, Option<&str>, bool); 4] = [
        (
            "os_disk.caching",
            get_str(&disk, "caching"),
            enum_of::<azure_mgmt_compute::models::Caching>(str_or_empty(&disk, "caching"))
                .is_some(),
        ),
        (
            "priority",
            get_str(config, "priority"),
            enum_of::<azure_mgmt_compute::models::Priority>(str_or_empty(config, "priority"))
                .is_some(),
        ),
        (
            "eviction_policy",
            get_str(config, "eviction_policy"),
            enum_of::<azure_mgmt_compute::models::EvictionPolicy>(str_or_empty(
                config,
                "eviction_policy",
            ))
            .is_some(),
        ),
        ("size", get_str(config, "size"), true),
    ];
    for (name, value, known) in checks {
        if let (Some(v), false) = (value.filter(|v| !v.is_empty()), known) {
            return error(
                "Invalid value",
                format!("expected {name} to be one of the values of the Compute API 2024-07-01, got {v:?}"),
            );
        }
    }
    Diagnostics::new()
}

fn os_disk(planned: &Value) -> OsDisk {
    let disk = get_blocks(planned, "os_disk")
        .first()
        .cloned()
        .unwrap_or(Value::null());
    let mut os = OsDisk::new(CreateOption::FromImage);
    os.caching = enum_of(str_or_empty(&disk, "caching"));
    os.name = some_str(&disk, "name");
    os.write_accelerator_enabled =
        Some(get_bool(&disk, "write_accelerator_enabled").unwrap_or(false));
    os.disk_size_gb = get_int(&disk, "disk_size_gb")
        .filter(|s| *s > 0)
        .and_then(|s| i32::try_from(s).ok());
    os.managed_disk = Some(ManagedDiskParameters {
        storage_account_type: enum_of(str_or_empty(&disk, "storage_account_type")),
        ..Default::default()
    });
    os
}

fn image(planned: &Value) -> ImageReference {
    match (
        get_blocks(planned, "source_image_reference").first(),
        nonempty_str(planned, "source_image_id"),
    ) {
        (Some(r), _) => ImageReference {
            publisher: some_str(r, "publisher"),
            offer: some_str(r, "offer"),
            sku: some_str(r, "sku"),
            version: some_str(r, "version"),
            ..Default::default()
        },
        (None, Some(id)) => ImageReference {
            sub_resource: sub(id),
            ..Default::default()
        },
        (None, None) => ImageReference::default(),
    }
}

fn linux(planned: &Value) -> LinuxConfiguration {
    let public_keys = get_blocks(planned, "admin_ssh_key")
        .iter()
        .map(|k| SshPublicKey {
            path: Some(format!(
                "/home/{}/.ssh/authorized_keys",
                str_or_empty(k, "username")
            )),
            key_data: some_str(k, "public_key"),
        })
        .collect();
    LinuxConfiguration {
        disable_password_authentication: Some(
            get_bool(planned, "disable_password_authentication").unwrap_or(true),
        ),
        ssh: Some(SshConfiguration { public_keys }),
        provision_vm_agent: Some(get_bool(planned, "provision_vm_agent").unwrap_or(true)),
        enable_vm_agent_platform_updates: Some(
            get_bool(planned, "vm_agent_platform_updates_enabled").unwrap_or(false),
        ),
        patch_settings: Some(LinuxPatchSettings {
            patch_mode: enum_of(nonempty_str(planned, "patch_mode").unwrap_or("ImageDefault")),
            assessment_mode: enum_of(
                nonempty_str(planned, "patch_assessment_mode").unwrap_or("ImageDefault"),
            ),
            ..Default::default()
        }),
    }
}

fn os_profile(planned: &Value) -> OsProfile {
    OsProfile {
        admin_username: some_str(planned, "admin_username"),
        admin_password: some_str(planned, "admin_password"),
        computer_name: some_str(planned, "computer_name").or_else(|| some_str(planned, "name")),
        custom_data: some_str(planned, "custom_data"),
        linux_configuration: Some(linux(planned)),
        allow_extension_operations: Some(
            get_bool(planned, "allow_extension_operations").unwrap_or(true),
        ),
        ..Default::default()
    }
}

fn network(planned: &Value) -> NetworkProfile {
    let network_interfaces = get_strings(planned, "network_interface_ids")
        .iter()
        .enumerate()
        .map(|(i, id)| NetworkInterfaceReference {
            sub_resource: sub(id),
            properties: Some(NetworkInterfaceReferenceProperties {
                primary: Some(i == 0),
                delete_option: None,
            }),
        })
        .collect();
    NetworkProfile {
        network_interfaces,
        ..Default::default()
    }
}

/// The PUT body of a planned VM (data disks are left to the attachments).
pub fn vm_body(planned: &Value) -> Json {
    let props = VirtualMachineProperties {
        hardware_profile: Some(HardwareProfile {
            vm_size: enum_of(str_or_empty(planned, "size")),
            vm_size_properties: None,
        }),
        os_profile: Some(os_profile(planned)),
        storage_profile: Some(StorageProfile {
            image_reference: Some(image(planned)),
            os_disk: Some(os_disk(planned)),
            ..Default::default()
        }),
        network_profile: Some(network(planned)),
        priority: enum_of(nonempty_str(planned, "priority").unwrap_or("Regular")),
        eviction_policy: nonempty_str(planned, "eviction_policy").and_then(enum_of),
        extensions_time_budget: Some(
            nonempty_str(planned, "extensions_time_budget")
                .unwrap_or("PT1H30M")
                .to_string(),
        ),
        user_data: some_str(planned, "user_data"),
        license_type: some_str(planned, "license_type"),
        availability_set: nonempty_str(planned, "availability_set_id").map(sub),
        proximity_placement_group: nonempty_str(planned, "proximity_placement_group_id").map(sub),
        ..Default::default()
    };
    let mut vm = VirtualMachine::new(Resource::new(str_or_empty(planned, "location").to_string()));
    vm.properties = Some(props);
    vm.zones = some_str(planned, "zone").into_iter().collect();
    serde_json::to_value(&vm).unwrap_or(Json::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_the_specifications_shape() {
        let key = Value::object_from([
            ("username", Value::string("ops")),
            ("public_key", Value::string("ssh-rsa AAA")),
        ]);
        let disk = Value::object_from([
            ("caching", Value::string("ReadWrite")),
            ("storage_account_type", Value::string("Premium_LRS")),
        ]);
        let planned = Value::object_from([
            ("name", Value::string("vm1")),
            ("location", Value::string("westeurope")),
            ("size", Value::string("Standard_B2s")),
            ("admin_username", Value::string("ops")),
            (
                "network_interface_ids",
                Value::list(
                    Type::String,
                    vec![Value::string("/nic/a"), Value::string("/nic/b")],
                ),
            ),
            ("admin_ssh_key", Value::list(key.ty(), vec![key])),
            ("os_disk", Value::list(disk.ty(), vec![disk])),
        ]);
        let b = vm_body(&planned);
        assert_eq!(
            b.pointer("/properties/hardwareProfile/vmSize"),
            Some(&json!("Standard_B2s"))
        );
        assert_eq!(
            b.pointer("/properties/storageProfile/osDisk/createOption"),
            Some(&json!("FromImage"))
        );
        assert_eq!(
            b.pointer("/properties/storageProfile/osDisk/managedDisk/storageAccountType"),
            Some(&json!("Premium_LRS"))
        );
        assert_eq!(
            b.pointer("/properties/osProfile/computerName"),
            Some(&json!("vm1"))
        );
        assert_eq!(
            b.pointer("/properties/osProfile/linuxConfiguration/ssh/publicKeys/0/path"),
            Some(&json!("/home/ops/.ssh/authorized_keys"))
        );
        assert_eq!(
            b.pointer("/properties/networkProfile/networkInterfaces/1/properties/primary"),
            Some(&json!(false))
        );
        assert_eq!(b.pointer("/location"), Some(&json!("westeurope")));
        let bad = Value::object_from([(
            "os_disk",
            Value::tuple(vec![Value::object_from([(
                "caching",
                Value::string("Sometimes"),
            )])]),
        )]);
        assert!(check_enums(&bad).to_string().contains("os_disk.caching"));
    }
}
