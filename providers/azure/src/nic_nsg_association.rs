//! `azurerm_network_interface_security_group_association`: a network security group applied
//! to a network interface. It is no ARM object of its own but the interface's
//! `networkSecurityGroup` property, so a change reads the interface, sets or clears the
//! property and PUTs it back (holding the interface's lock). The ID is azurerm's: the
//! interface's and the group's, joined by `|`.

use crate::batch::fetch_all_recent;
use crate::network::{API, NIC, NSG};
use crate::prelude::*;

/// The `azurerm_network_interface_security_group_association` resource type.
pub struct NicNsgAssociation;

const NAME: &str = "azurerm_network_interface_security_group_association";

fn association_id(planned: &Value) -> String {
    format!(
        "{}|{}",
        str_or_empty(planned, "network_interface_id"),
        str_or_empty(planned, "network_security_group_id")
    )
}

/// The interface as ARM has it, with `edit` applied to its properties, PUT back.
async fn edit_nic(
    c: &AzureClient,
    nic_id: &str,
    edit: impl FnOnce(&mut serde_json::Map<String, Json>) -> Result<(), ArmError>,
) -> Result<(), ArmError> {
    let lock = c.lock_for(nic_id);
    let _held = lock.lock().await;
    let nic = c.get(nic_id, API).await?.ok_or_else(|| {
        ArmError::local(
            "NotFound",
            format!("Network Interface {nic_id:?} was not found"),
        )
    })?;
    let mut props = nic
        .get("properties")
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    edit(&mut props)?;
    let mut body = json!({ "location": nic.get("location"), "properties": props });
    if let Some(tags) = nic.get("tags") {
        body["tags"] = tags.clone();
    }
    c.put(nic_id, API, &body).await.map(|_| ())
}

#[async_trait]
impl ResourceType<AzureClient> for NicNsgAssociation {
    fn name(&self) -> &'static str {
        NAME
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "id": computed(Type::String) => "The association's ID: the interface's and the group's, joined by |.",
            "network_interface_id": required(Type::String).force_new() => "The ID of the network interface.",
            "network_security_group_id": required(Type::String).force_new() => "The ID of the network security group.",
        };
        ResourceSchema {
            version: 0,
            block: crate::arm::timeouts_block(block),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        for (attr, shape) in [
            ("network_interface_id", NIC),
            ("network_security_group_id", NSG),
        ] {
            if let Some(id) = get_str(config, attr) {
                if let Err(e) = shape.parse(id) {
                    d.extend(e);
                }
            }
        }
        d
    }

    async fn create(&self, c: &AzureClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let id = association_id(planned);
        let nsg = str_or_empty(planned, "network_security_group_id").to_string();
        edit_nic(c, str_or_empty(planned, "network_interface_id"), |props| {
            if let Some(have) = props.get("networkSecurityGroup").and_then(|g| js(g, "/id")) {
                return Err(ArmError::local(
                    "Conflict",
                    format!("the Network Interface already has the Network Security Group {have:?} - to be managed via Terraform this association needs to be imported into the State"),
                ));
            }
            props.insert("networkSecurityGroup".into(), json!({ "id": nsg }));
            Ok(())
        })
        .await
        .or_apply(&format!("associating {id:?}"))?;
        Ok(with_attr(planned, "id", Value::string(id)))
    }

    async fn update(&self, _c: &AzureClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        // Both arguments force a new association: nothing changes in place.
        Ok(with_attr(
            planned,
            "id",
            Value::string(str_or_empty(prior, "id")),
        ))
    }

    async fn delete(&self, c: &AzureClient, prior: &Value) -> Result<(), ApplyError> {
        let nsg = str_or_empty(prior, "network_security_group_id").to_string();
        let cleared = edit_nic(c, str_or_empty(prior, "network_interface_id"), |props| {
            let ours = (props.get("networkSecurityGroup").and_then(|g| js(g, "/id")))
                .is_some_and(|have| same_id(have, &nsg));
            if ours {
                props.remove("networkSecurityGroup");
            }
            Ok(())
        });
        autostack_provider_sdk::errors::done_if_gone(cleared.await).or_apply(&format!(
            "removing the association {:?}",
            str_or_empty(prior, "id")
        ))
    }

    async fn read_many(&self, c: &AzureClient, current: &[Value]) -> Vec<ValueRead> {
        let nic_ids: Vec<&str> = (current.iter())
            .map(|v| str_or_empty(v, "network_interface_id"))
            .collect();
        let (nics, failed) = fetch_all_recent(c, API, &nic_ids).await;
        let failed = failed.map(|e| e.diags("retrieving Network Interface associations"));
        let read = |prior: &Value, nic_id: &str| -> ValueRead {
            let Some(nic) = nics.get(&nic_id.to_ascii_lowercase()) else {
                return match &failed {
                    Some(d) => Err(d.clone()),
                    None => Ok(None),
                };
            };
            let want = str_or_empty(prior, "network_security_group_id");
            let have = js(nic, "/properties/networkSecurityGroup/id").unwrap_or_default();
            Ok(same_id(have, want).then(|| prior.clone()))
        };
        (current.iter().zip(nic_ids))
            .map(|(prior, nic)| read(prior, nic))
            .collect()
    }

    async fn recover(&self, _c: &AzureClient, planned: &Value, _token: &str) -> ValueRead {
        Ok(Some(with_attr(
            planned,
            "id",
            Value::string(association_id(planned)),
        )))
    }

    async fn import(&self, _c: &AzureClient, id: &str) -> Result<Value, Diagnostics> {
        let Some((nic, nsg)) = id.split_once('|') else {
            return Err(autostack_provider_sdk::attrs::error(
                "Invalid import ID",
                format!("{id:?} is not {{networkInterfaceId}}|{{networkSecurityGroupId}}."),
            ));
        };
        NIC.parse(nic)?;
        NSG.parse(nsg)?;
        Ok(Obj::from(&import_seed(&self.schema(), id))
            .str("network_interface_id", nic)
            .str("network_security_group_id", nsg)
            .into_value())
    }
}
