//! `azurerm_resource_group`: a resource group (Microsoft.Resources, api-version 2021-04-01).
//! With `features { resource_group { prevent_deletion_if_contains_resources = true } }` (the
//! 4.x default) a group that still holds resources is not deleted.

use crate::arm::ArmKind;
use crate::ids::{IdShape, RESOURCE_GROUP};
use crate::prelude::*;

/// The API version of resource groups.
pub const API: &str = "2021-04-01";

/// The `azurerm_resource_group` kind.
pub struct ResourceGroup;

#[async_trait]
impl ArmKind for ResourceGroup {
    fn shape(&self) -> IdShape {
        RESOURCE_GROUP
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "name": required(Type::String).force_new() => "The name of the Resource Group.",
            "location": required(Type::String).force_new() => "The Azure Region where the Resource Group exists.",
            "managed_by": optional(Type::String) => "The ID of the resource or application that manages this Resource Group.",
        };
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(vec![str_or_empty(planned, "name").to_string()])
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let mut body = json!({ "location": str_or_empty(planned, "location") });
        if let Some(m) = nonempty_str(planned, "managed_by") {
            body["managedBy"] = json!(m);
        }
        body
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        Obj::from(prior)
            .str("name", parts.get(1).map_or("", String::as_str))
            .str("location", js(item, "/location").unwrap_or_default())
            .set("managed_by", jstr(item, "/managedBy"))
            .into_value()
    }

    async fn delete(&self, c: &AzureClient, id: &str, _prior: &Value) -> Result<(), ApplyError> {
        let act = format!("deleting Resource Group {id:?}");
        if c.features.prevent_rg_deletion_with_resources {
            let inside = c
                .list(&format!("{id}/resources"), API)
                .await
                .or_apply(&act)?;
            if !inside.is_empty() {
                let names: Vec<&str> = inside.iter().filter_map(|r| js(r, "/id")).collect();
                return Err(ApplyError::new(
                    format!("{act}: the Resource Group still contains Resources."),
                    format!(
                        "Terraform is configured to check for Resource Group Items prior to deletion to ensure that Resources are not unintentionally deleted, which are not managed within the Terraform Configuration.\n\nThis feature can be disabled with `prevent_deletion_if_contains_resources = false` in the `resource_group` block of the provider's `features` block.\n\nThe following Resources still exist in this Resource Group:\n\n{}",
                        names.iter().map(|n| format!("* `{n}`")).collect::<Vec<_>>().join("\n")
                    ),
                ));
            }
        }
        c.delete(id, API).await.or_apply(&act)
    }
}
