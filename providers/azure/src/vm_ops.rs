//! The changes of `azurerm_linux_virtual_machine` that are more than a PUT, done as azurerm
//! does them: a resize checks the sizes the VM's hardware cluster offers and deallocates,
//! resizes and starts again when the new size is not among them; a delete powers the VM off
//! (unless `skip_shutdown_and_force_delete`), deletes it, and deletes its OS disk when
//! `delete_os_disk_on_deletion`. Reads add the addresses of the VM's network interfaces.

use crate::arm::tags_json;
use crate::batch::fetch_all_recent;
use crate::compute::{DISK_API, VM_API};
use crate::network::API as NETWORK_API;
use crate::prelude::*;
use autostack_provider_sdk::attrs::{changed, string_list};
use std::collections::HashMap;

/// True when the VM's hardware cluster offers `size` now (else it must be deallocated).
async fn size_available(c: &AzureClient, id: &str, size: &str) -> Result<bool, ArmError> {
    let sizes = c.list(&format!("{id}/vmSizes"), VM_API).await?;
    Ok(sizes
        .iter()
        .any(|s| js(s, "/name").is_some_and(|n| n.eq_ignore_ascii_case(size))))
}

fn os_disk_size(v: &Value) -> Option<i64> {
    get_blocks(v, "os_disk")
        .first()
        .and_then(|d| get_int(d, "disk_size_gb"))
}

/// The in-place changes of a VM: one PATCH, with a deallocation around it when the new size
/// (or a larger OS disk) needs one.
pub async fn update(
    c: &AzureClient,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ArmError> {
    let size = str_or_empty(planned, "size");
    let resized = changed(prior, planned, "size");
    let disk_grows = os_disk_size(planned).is_some_and(|s| s > os_disk_size(prior).unwrap_or(0));
    let deallocate = disk_grows || (resized && !size_available(c, id, size).await?);
    if deallocate {
        c.action(id, "deallocate", VM_API).await?;
    }
    let full = crate::vm_model::vm_body(planned);
    let mut props = json!({
        "hardwareProfile": { "vmSize": size },
        "osProfile": { "allowExtensionOperations": full.pointer("/properties/osProfile/allowExtensionOperations") },
        "extensionsTimeBudget": full.pointer("/properties/extensionsTimeBudget"),
    });
    if disk_grows {
        props["storageProfile"] = json!({ "osDisk": { "diskSizeGB": os_disk_size(planned) } });
    }
    if let Some(u) = full.pointer("/properties/userData") {
        props["userData"] = u.clone();
    }
    c.patch(
        id,
        VM_API,
        &json!({ "properties": props, "tags": tags_json(planned) }),
    )
    .await?;
    if deallocate {
        c.action(id, "start", VM_API).await?;
    }
    Ok(())
}

/// Deletes a VM (see the module documentation).
pub async fn delete(c: &AzureClient, id: &str, prior: &Value) -> Result<(), ApplyError> {
    let act = format!("deleting Linux Virtual Machine {id:?}");
    let force = c.features.skip_shutdown_and_force_delete;
    if !force {
        match c.action(id, "powerOff", VM_API).await {
            Err(e) if !e.is_not_found() => {
                return Err(e.apply_error(&format!("powering off Linux Virtual Machine {id:?}")))
            }
            _ => {}
        }
    }
    let target = match force {
        true => format!("{id}?forceDeletion=true"),
        false => id.to_string(),
    };
    c.delete(&target, VM_API).await.or_apply(&act)?;
    let os_disk = get_blocks(prior, "os_disk")
        .first()
        .and_then(|d| nonempty_str(d, "id"))
        .map(str::to_string);
    if let (true, Some(disk)) = (c.features.delete_os_disk_on_deletion, os_disk) {
        c.delete(&disk, DISK_API).await.or_apply(&format!(
            "deleting OS Disk {disk:?} of Linux Virtual Machine {id:?}"
        ))?;
    }
    Ok(())
}

/// Sets the private and public addresses of each VM read, from its network interfaces and
/// their public IPs (each fetched once, listed per resource group where several share one).
pub async fn read_addresses(c: &AzureClient, read: &mut [ValueRead]) {
    let nic_ids: Vec<String> = read
        .iter()
        .flat_map(|r| match r {
            Ok(Some(v)) => autostack_provider_sdk::attrs::get_strings(v, "network_interface_ids"),
            _ => Vec::new(),
        })
        .collect();
    if nic_ids.is_empty() {
        return;
    }
    let refs: Vec<&str> = nic_ids.iter().map(String::as_str).collect();
    let (nics, _) = fetch_all_recent(c, NETWORK_API, &refs).await;
    let pip_ids: Vec<String> = nics
        .values()
        .flat_map(|n| jarray(n, "/properties/ipConfigurations"))
        .filter_map(|cfg| js(cfg, "/properties/publicIPAddress/id").map(str::to_string))
        .collect();
    let refs: Vec<&str> = pip_ids.iter().map(String::as_str).collect();
    let (pips, _) = fetch_all_recent(c, NETWORK_API, &refs).await;
    for r in read.iter_mut() {
        if let Ok(Some(v)) = r {
            *v = with_addresses(v, &nics, &pips);
        }
    }
}

fn with_addresses(vm: &Value, nics: &HashMap<String, Json>, pips: &HashMap<String, Json>) -> Value {
    let (mut private, mut public) = (Vec::new(), Vec::new());
    for nic in autostack_provider_sdk::attrs::get_strings(vm, "network_interface_ids") {
        let Some(n) = nics.get(&nic.to_ascii_lowercase()) else {
            continue;
        };
        let mut configs: Vec<&Json> = jarray(n, "/properties/ipConfigurations").iter().collect();
        configs.sort_by_key(|c| {
            c.pointer("/properties/primary").and_then(Json::as_bool) != Some(true)
        });
        for cfg in configs {
            if let Some(ip) = js(cfg, "/properties/privateIPAddress") {
                private.push(ip.to_string());
            }
            let pip = js(cfg, "/properties/publicIPAddress/id")
                .and_then(|id| pips.get(&id.to_ascii_lowercase()));
            if let Some(ip) = pip.and_then(|p| js(p, "/properties/ipAddress")) {
                public.push(ip.to_string());
            }
        }
    }
    Obj::from(vm)
        .str(
            "private_ip_address",
            private.first().map_or("", String::as_str),
        )
        .str(
            "public_ip_address",
            public.first().map_or("", String::as_str),
        )
        .set("private_ip_addresses", string_list(private))
        .set("public_ip_addresses", string_list(public))
        .into_value()
}
