//! `azurerm_storage_container`: a blob container of a storage account, managed through
//! Resource Manager (`storage_account_id`, azurerm 4.x's way; the data-plane
//! `storage_account_name` form is not supported yet and says so).

use crate::arm::ArmKind;
use crate::ids::IdShape;
use crate::prelude::*;
use crate::storage_account::{ACCOUNT, API};

/// A blob container under the account's default blob service.
pub const CONTAINER: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{storageAccountName}/blobServices/default/containers/{containerName}");

/// The `azurerm_storage_container` kind.
pub struct StorageContainer;

fn no_data_plane() -> Diagnostics {
    autostack_provider_sdk::attrs::error(
        "storage_account_name is not supported yet",
        "AutoStack manages storage containers through Resource Manager: set storage_account_id (azurerm 4.x) instead of storage_account_name.",
    )
}

/// azurerm's access types and ARM's `publicAccess`.
const ACCESS: [(&str, &str); 3] = [
    ("private", "None"),
    ("blob", "Blob"),
    ("container", "Container"),
];

#[async_trait]
impl ArmKind for StorageContainer {
    fn shape(&self) -> IdShape {
        CONTAINER
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn tagged(&self) -> bool {
        false
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "name": required(Type::String).force_new() => "The name of the container.",
            "storage_account_id": optional(Type::String).force_new() => "The ID of the storage account (Resource Manager).",
            "storage_account_name": optional(Type::String).force_new() => "The name of the storage account (data plane; deprecated in 4.x).",
            "container_access_type": optional(Type::String).default(Value::string("private")) => "private, blob or container.",
            "metadata": optional_computed(Type::map(Type::String)) => "Metadata of the container.",
            "default_encryption_scope": optional_computed(Type::String).force_new() => "The default encryption scope.",
            "encryption_scope_override_enabled": optional(Type::Bool).force_new().default(Value::bool(true)) => "Whether blobs may use another encryption scope.",
            "has_immutability_policy": computed(Type::Bool) => "Whether an immutability policy is configured.",
            "has_legal_hold": computed(Type::Bool) => "Whether a legal hold is configured.",
            "resource_manager_id": computed(Type::String) => "The Resource Manager ID of the container.",
        };
        ResourceSchema { version: 1, block }
    }

    /// One of `storage_account_id` and `storage_account_name` (as azurerm requires); the
    /// data-plane form is refused with what to write instead.
    fn validate(&self, config: &Value) -> Diagnostics {
        let (id, name) = (
            get(config, "storage_account_id"),
            get(config, "storage_account_name"),
        );
        match (id, name) {
            (Some(_), Some(_)) => autostack_provider_sdk::attrs::error(
                "Conflicting configuration arguments",
                "\"storage_account_id\": conflicts with storage_account_name",
            ),
            (None, Some(_)) => no_data_plane(),
            (None, None) => autostack_provider_sdk::attrs::error(
                "Missing required argument",
                "one of `storage_account_id,storage_account_name` must be specified",
            ),
            (Some(_), None) => Diagnostics::new(),
        }
    }

    fn object_store(
        &self,
        c: &AzureClient,
        state: &Value,
    ) -> Option<std::sync::Arc<dyn autostack_provider_sdk::objects::ObjectStore>> {
        let account = get_str(state, "storage_account_id").filter(|a| !a.is_empty())?;
        let name = get_str(state, "name").filter(|n| !n.is_empty())?;
        let store = crate::blobobjects::BlobObjects::new(c, account, name);
        Some(std::sync::Arc::new(store))
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        if get_str(planned, "storage_account_id").is_none() {
            return Err(no_data_plane());
        }
        let mut values = ACCOUNT.parse(str_or_empty(planned, "storage_account_id"))?;
        values.remove(0);
        values.push(str_or_empty(planned, "name").to_string());
        Ok(values)
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let access = str_or_empty(planned, "container_access_type");
        let public = ACCESS
            .iter()
            .find(|(a, _)| *a == access)
            .map_or("None", |(_, p)| p);
        let metadata: serde_json::Map<String, Json> = get(planned, "metadata")
            .map(string_map)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, Json::String(v)))
            .collect();
        let mut props = json!({
            "publicAccess": public,
            "metadata": metadata,
            "denyEncryptionScopeOverride": !get_bool(planned, "encryption_scope_override_enabled").unwrap_or(true),
        });
        if let Some(s) = nonempty_str(planned, "default_encryption_scope") {
            props["defaultEncryptionScope"] = json!(s);
        }
        json!({ "properties": props })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let public = js(p, "/publicAccess").unwrap_or("None");
        let access = ACCESS
            .iter()
            .find(|(_, a)| *a == public)
            .map_or("private", |(t, _)| t);
        let part = |i: usize| parts.get(i).map_or("", String::as_str);
        let account = ACCOUNT.build(&[part(0), part(1), part(2)]);
        let metadata = p.get("metadata").and_then(Json::as_object).map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        });
        let id = CONTAINER.build(&[part(0), part(1), part(2), part(3)]);
        Obj::from(prior)
            .str("name", part(3))
            .str(
                "storage_account_id",
                get_str(prior, "storage_account_id")
                    .filter(|a| same_id(a, &account))
                    .unwrap_or(&account),
            )
            .str("container_access_type", access)
            .set(
                "metadata",
                autostack_provider_sdk::attrs::map_value(&metadata.unwrap_or_default()),
            )
            .set(
                "default_encryption_scope",
                jstr(p, "/defaultEncryptionScope"),
            )
            .bool(
                "encryption_scope_override_enabled",
                !p.get("denyEncryptionScopeOverride")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
            )
            .set(
                "has_immutability_policy",
                jbool(p, "/hasImmutabilityPolicy"),
            )
            .set("has_legal_hold", jbool(p, "/hasLegalHold"))
            .str("resource_manager_id", id)
            .into_value()
    }
}
