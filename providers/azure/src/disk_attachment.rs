//! `azurerm_virtual_machine_data_disk_attachment`: a managed disk attached to a VM at a LUN.
//! It is no ARM object of its own but an entry of the VM's `storageProfile.dataDisks`, so a
//! change reads the VM, edits the list and PATCHes it back, one change per VM at a time (ARM
//! rejects overlapping changes of one VM). Refresh reads each VM once for all its
//! attachments. The ID is azurerm's: the VM's, then `/dataDisks/{disk name}`.

use crate::batch::fetch_all_recent;
use crate::compute::{ATTACHMENT, VM_API};
use crate::prelude::*;

/// The `azurerm_virtual_machine_data_disk_attachment` resource type.
pub struct DataDiskAttachment;

const NAME: &str = "azurerm_virtual_machine_data_disk_attachment";

fn disk_name(disk_id: &str) -> &str {
    disk_id.rsplit('/').next().unwrap_or_default()
}

/// The VM's data disks with `edit` applied, PATCHed back (holding the VM's lock).
async fn edit_disks(
    c: &AzureClient,
    vm_id: &str,
    edit: impl FnOnce(&mut Vec<Json>),
) -> Result<(), ArmError> {
    let lock = c.lock_for(vm_id);
    let _held = lock.lock().await;
    let vm = c.get(vm_id, VM_API).await?.ok_or_else(|| {
        ArmError::local(
            "NotFound",
            format!("Virtual Machine {vm_id:?} was not found"),
        )
    })?;
    let mut disks = jarray(&vm, "/properties/storageProfile/dataDisks").to_vec();
    edit(&mut disks);
    let body = json!({ "properties": { "storageProfile": { "dataDisks": disks } } });
    c.patch(vm_id, VM_API, &body).await.map(|_| ())
}

fn entry(planned: &Value) -> Json {
    let disk_id = str_or_empty(planned, "managed_disk_id");
    json!({
        "lun": get_int(planned, "lun").unwrap_or(0),
        "name": disk_name(disk_id),
        "createOption": nonempty_str(planned, "create_option").unwrap_or("Attach"),
        "caching": str_or_empty(planned, "caching"),
        "writeAcceleratorEnabled": get_bool(planned, "write_accelerator_enabled").unwrap_or(false),
        "managedDisk": { "id": disk_id },
    })
}

/// The ID of an attachment: the VM's, then the disk's name.
fn attachment_id(planned: &Value) -> String {
    let disk = disk_name(str_or_empty(planned, "managed_disk_id"));
    format!(
        "{}/dataDisks/{disk}",
        str_or_empty(planned, "virtual_machine_id")
    )
}

fn state_of(prior: &Value, id: &str, vm: &Json) -> Option<Value> {
    let name = id.rsplit('/').next().unwrap_or_default();
    let disk = jarray(vm, "/properties/storageProfile/dataDisks")
        .iter()
        .find(|d| js(d, "/name").is_some_and(|n| n.eq_ignore_ascii_case(name)))?;
    let vm_id = id.rsplit_once("/dataDisks/").map_or("", |(v, _)| v);
    let managed = js(disk, "/managedDisk/id").unwrap_or_default();
    // The VM reports disk IDs in its own casing; keep the configured one when it matches.
    let managed = match get_str(prior, "managed_disk_id") {
        Some(p) if same_id(p, managed) => p.to_string(),
        _ => managed.to_string(),
    };
    Some(
        Obj::from(prior)
            .str("id", id)
            .str("virtual_machine_id", vm_id)
            .str("managed_disk_id", managed)
            .set("lun", jint(disk, "/lun"))
            .set("caching", jstr(disk, "/caching"))
            .str(
                "create_option",
                js(disk, "/createOption").unwrap_or("Attach"),
            )
            .set(
                "write_accelerator_enabled",
                jbool(disk, "/writeAcceleratorEnabled"),
            )
            .finish(),
    )
}

#[async_trait]
impl ResourceType<AzureClient> for DataDiskAttachment {
    fn name(&self) -> &'static str {
        NAME
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "id": computed(Type::String) => "The attachment's ID.",
            "managed_disk_id": required(Type::String).force_new() => "The ID of the managed disk to attach.",
            "virtual_machine_id": required(Type::String).force_new() => "The ID of the VM to attach it to.",
            "lun": required(Type::Number).force_new() => "The logical unit number of the disk in the VM.",
            "caching": required(Type::String) => "None, ReadOnly or ReadWrite.",
            "create_option": optional(Type::String).force_new().default(Value::string("Attach")) => "Attach or Empty.",
            "write_accelerator_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether write acceleration is enabled.",
        };
        ResourceSchema {
            version: 0,
            block: crate::arm::timeouts_block(block),
        }
    }

    async fn create(&self, c: &AzureClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let id = attachment_id(planned);
        let act = format!("attaching Data Disk {id:?}");
        let new = entry(planned);
        let disk_id = str_or_empty(planned, "managed_disk_id").to_string();
        let mut exists = false;
        edit_disks(c, str_or_empty(planned, "virtual_machine_id"), |disks| {
            exists = disks
                .iter()
                .any(|d| js(d, "/managedDisk/id").is_some_and(|m| same_id(m, &disk_id)));
            if !exists {
                disks.push(new);
            }
        })
        .await
        .or_apply(&act)?;
        if exists {
            return Err(ApplyError::new(
                format!("A resource with the ID {id:?} already exists - to be managed via Terraform this resource needs to be imported into the State."),
                format!("Please see the resource documentation for {NAME:?} for more information."),
            ));
        }
        Ok(with_attr(planned, "id", Value::string(id)))
    }

    async fn update(&self, c: &AzureClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let id = str_or_empty(prior, "id").to_string();
        let name = id.rsplit('/').next().unwrap_or_default().to_string();
        let new = entry(planned);
        edit_disks(c, str_or_empty(prior, "virtual_machine_id"), |disks| {
            for d in disks
                .iter_mut()
                .filter(|d| js(d, "/name").is_some_and(|n| n.eq_ignore_ascii_case(&name)))
            {
                d["caching"] = new["caching"].clone();
                d["writeAcceleratorEnabled"] = new["writeAcceleratorEnabled"].clone();
            }
        })
        .await
        .or_apply(&format!("updating Data Disk attachment {id:?}"))?;
        Ok(with_attr(planned, "id", Value::string(id)))
    }

    async fn delete(&self, c: &AzureClient, prior: &Value) -> Result<(), ApplyError> {
        let id = str_or_empty(prior, "id");
        let name = id.rsplit('/').next().unwrap_or_default();
        let detach = edit_disks(c, str_or_empty(prior, "virtual_machine_id"), |disks| {
            disks.retain(|d| !js(d, "/name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
        });
        autostack_provider_sdk::errors::done_if_gone(detach.await)
            .or_apply(&format!("detaching Data Disk {id:?}"))
    }

    async fn read_many(&self, c: &AzureClient, current: &[Value]) -> Vec<ValueRead> {
        let vm_ids: Vec<&str> = current
            .iter()
            .map(|v| str_or_empty(v, "virtual_machine_id"))
            .collect();
        let (vms, failed) = fetch_all_recent(c, VM_API, &vm_ids).await;
        let failed = failed.map(|e| e.diags("retrieving Virtual Machine Data Disk Attachments"));
        current
            .iter()
            .zip(vm_ids)
            .map(
                |(prior, vm_id)| match (vms.get(&vm_id.to_ascii_lowercase()), &failed) {
                    (Some(vm), _) => Ok(state_of(prior, str_or_empty(prior, "id"), vm)
                        .map(|v| settle_zero_values(&self.schema().block, Some(prior), v))),
                    (None, Some(d)) => Err(d.clone()),
                    (None, None) => Ok(None),
                },
            )
            .collect()
    }

    async fn recover(&self, _c: &AzureClient, planned: &Value, _token: &str) -> ValueRead {
        Ok(Some(with_attr(
            planned,
            "id",
            Value::string(attachment_id(planned)),
        )))
    }

    async fn import(&self, _c: &AzureClient, id: &str) -> Result<Value, Diagnostics> {
        let parts = ATTACHMENT.parse(id)?;
        let vm_id = id.rsplit_once("/dataDisks/").map_or("", |(v, _)| v);
        let seed = import_seed(&self.schema(), id);
        let _ = parts;
        Ok(Obj::from(&seed)
            .str("virtual_machine_id", vm_id)
            .into_value())
    }
}
