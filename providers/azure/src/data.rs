//! Data sources: `azurerm_resource_group` (a group by name), `azurerm_client_config` (who the
//! provider authenticates as) and `azurerm_subscription` (the configured subscription, or
//! another by ID).

use crate::arm::{json_tags, timeouts_block};
use crate::common::normalized_location;
use crate::ids::RESOURCE_GROUP;
use crate::prelude::*;
use autostack_provider_sdk::attrs::{error, map_value};

fn read_only(block: Block) -> ResourceSchema {
    let t = Block::new().attr(
        "read",
        Attribute::optional(Type::String).describe("How long the read may take."),
    );
    let block = timeouts_block(block);
    let block = Block {
        blocks: [(
            "timeouts".to_string(),
            autostack_provider_sdk::NestedBlock {
                block: t,
                ..block.blocks["timeouts"].clone()
            },
        )]
        .into(),
        ..block
    };
    ResourceSchema { version: 0, block }
}

/// `data "azurerm_resource_group"`.
pub struct ResourceGroupData;

#[async_trait]
impl DataSource<AzureClient> for ResourceGroupData {
    fn name(&self) -> &'static str {
        "azurerm_resource_group"
    }

    fn schema(&self) -> ResourceSchema {
        read_only(autostack_provider_sdk::attributes! {
            "name": required(Type::String) => "The name of the Resource Group.",
            "id": computed(Type::String) => "The ID of the Resource Group.",
            "location": computed(Type::String) => "The Azure Region of the Resource Group.",
            "managed_by": computed(Type::String) => "The ID of what manages the Resource Group.",
            "tags": computed(Type::map(Type::String)) => "The tags of the Resource Group.",
        })
    }

    async fn read(&self, c: &AzureClient, config: &Value) -> Result<Value, Diagnostics> {
        let name = str_or_empty(config, "name");
        let id = RESOURCE_GROUP.build(&[&c.subscription_id, name]);
        let act = format!("retrieving Resource Group {name:?}");
        let Some(rg) = c
            .get(&id, crate::resource_group::API)
            .await
            .or_diags(&act)?
        else {
            return Err(error(
                format!("Resource Group {name:?} was not found"),
                format!(
                    "{act}: the Resource Group does not exist in subscription {:?}.",
                    c.subscription_id
                ),
            ));
        };
        Ok(Obj::from(config)
            .str("id", &id)
            .str(
                "location",
                normalized_location(js(&rg, "/location").unwrap_or_default()),
            )
            .set("managed_by", jstr(&rg, "/managedBy"))
            .set("tags", map_value(&json_tags(&rg)))
            .into_value())
    }
}

/// `data "azurerm_client_config"`.
pub struct ClientConfigData;

#[async_trait]
impl DataSource<AzureClient> for ClientConfigData {
    fn name(&self) -> &'static str {
        "azurerm_client_config"
    }

    fn schema(&self) -> ResourceSchema {
        read_only(autostack_provider_sdk::attributes! {
            "id": computed(Type::String) => "An ID for the configuration.",
            "client_id": computed(Type::String) => "The client ID of the credential.",
            "tenant_id": computed(Type::String) => "The tenant ID of the credential.",
            "subscription_id": computed(Type::String) => "The subscription the provider uses.",
            "object_id": computed(Type::String) => "The object ID of the credential's principal.",
        })
    }

    async fn read(&self, c: &AzureClient, config: &Value) -> Result<Value, Diagnostics> {
        // azurerm's ID: the base64 of "clientConfigs/clientId=...;objectId=...;...".
        let raw = format!(
            "clientConfigs/clientId={};objectId={};subscriptionId={};tenantId={}",
            c.client_id, c.object_id, c.subscription_id, c.tenant_id
        );
        use base64::Engine as _;
        let id = base64::engine::general_purpose::STANDARD.encode(raw);
        Ok(Obj::from(config)
            .str("id", id)
            .str("client_id", &c.client_id)
            .str("tenant_id", &c.tenant_id)
            .str("subscription_id", &c.subscription_id)
            .str("object_id", &c.object_id)
            .into_value())
    }
}

/// `data "azurerm_subscription"`.
pub struct SubscriptionData;

#[async_trait]
impl DataSource<AzureClient> for SubscriptionData {
    fn name(&self) -> &'static str {
        "azurerm_subscription"
    }

    fn schema(&self) -> ResourceSchema {
        read_only(autostack_provider_sdk::attributes! {
            "subscription_id": optional_computed(Type::String) => "The subscription (the provider's when unset).",
            "id": computed(Type::String) => "The ID of the subscription (/subscriptions/...).",
            "display_name": computed(Type::String) => "The subscription's display name.",
            "tenant_id": computed(Type::String) => "The subscription's tenant.",
            "state": computed(Type::String) => "Enabled, Disabled, Warned, PastDue or Deleted.",
            "location_placement_id": computed(Type::String) => "The subscription's location placement ID.",
            "quota_id": computed(Type::String) => "The subscription's quota ID.",
            "spending_limit": computed(Type::String) => "On, Off or CurrentPeriodOff.",
            "tags": computed(Type::map(Type::String)) => "The subscription's tags.",
        })
    }

    async fn read(&self, c: &AzureClient, config: &Value) -> Result<Value, Diagnostics> {
        let sub = nonempty_str(config, "subscription_id")
            .unwrap_or(&c.subscription_id)
            .to_string();
        let id = format!("/subscriptions/{sub}");
        let act = format!("retrieving Subscription {sub:?}");
        let s = c
            .get(&id, "2022-12-01")
            .await
            .or_diags(&act)?
            .ok_or_else(|| error(format!("Subscription {sub:?} was not found"), act.clone()))?;
        Ok(Obj::from(config)
            .str("id", &id)
            .str("subscription_id", &sub)
            .set("display_name", jstr(&s, "/displayName"))
            .set("tenant_id", jstr(&s, "/tenantId"))
            .set("state", jstr(&s, "/state"))
            .set(
                "location_placement_id",
                jstr(&s, "/subscriptionPolicies/locationPlacementId"),
            )
            .set("quota_id", jstr(&s, "/subscriptionPolicies/quotaId"))
            .set(
                "spending_limit",
                jstr(&s, "/subscriptionPolicies/spendingLimit"),
            )
            .set("tags", map_value(&json_tags(&s)))
            .into_value())
    }
}
