//! `azurerm_storage_account`: a storage account (Microsoft.Storage 2023-05-01). Its create is
//! ARM's 202-with-empty-body operation, followed to the end by [`crate::lro`]; updates are
//! PATCHes; reads add the account's keys and the connection strings azurerm builds from them.

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::ids::IdShape;
use crate::prelude::*;

/// The Storage API version (azure_mgmt_storage 0.21's default tag, package-2023-05).
pub const API: &str = "2023-05-01";
/// A storage account.
pub const ACCOUNT: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{storageAccountName}");

/// The `azurerm_storage_account` kind.
pub struct StorageAccount;

/// The flags and their ARM properties: (attribute, property, default, description).
const FLAGS: [(&str, &str, bool, &str); 8] = [
    (
        "https_traffic_only_enabled",
        "supportsHttpsTrafficOnly",
        true,
        "Whether only HTTPS traffic is allowed.",
    ),
    (
        "allow_nested_items_to_be_public",
        "allowBlobPublicAccess",
        true,
        "Whether containers and blobs may be made public.",
    ),
    (
        "shared_access_key_enabled",
        "allowSharedKeyAccess",
        true,
        "Whether requests may be authorized with the account key.",
    ),
    (
        "is_hns_enabled",
        "isHnsEnabled",
        false,
        "Whether the hierarchical namespace (Data Lake Gen2) is enabled.",
    ),
    (
        "nfsv3_enabled",
        "isNfsV3Enabled",
        false,
        "Whether NFSv3 is enabled.",
    ),
    (
        "sftp_enabled",
        "isSftpEnabled",
        false,
        "Whether SFTP is enabled.",
    ),
    (
        "local_user_enabled",
        "isLocalUserEnabled",
        true,
        "Whether local users are enabled.",
    ),
    (
        "default_to_oauth_authentication",
        "defaultToOAuthAuthentication",
        false,
        "Whether the portal defaults to Entra ID authorization.",
    ),
];

fn computed_strings() -> [(&'static str, &'static str); 9] {
    [
        ("primary_location", "The primary location."),
        ("secondary_location", "The secondary location."),
        (
            "primary_blob_endpoint",
            "The endpoint URL for blob storage.",
        ),
        ("primary_blob_host", "The hostname of blob storage."),
        (
            "primary_queue_endpoint",
            "The endpoint URL for queue storage.",
        ),
        (
            "primary_table_endpoint",
            "The endpoint URL for table storage.",
        ),
        (
            "primary_file_endpoint",
            "The endpoint URL for file storage.",
        ),
        ("primary_dfs_endpoint", "The endpoint URL for DFS storage."),
        ("primary_web_endpoint", "The endpoint URL for web storage."),
    ]
}

#[async_trait]
impl ArmKind for StorageAccount {
    fn shape(&self) -> IdShape {
        ACCOUNT
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = autostack_provider_sdk::attributes! {
            "account_tier": required(Type::String).force_new() => "Standard or Premium.",
            "account_replication_type": required(Type::String) => "LRS, GRS, RAGRS, ZRS, GZRS or RAGZRS.",
            "account_kind": optional(Type::String).default(Value::string("StorageV2")) => "BlobStorage, BlockBlobStorage, FileStorage, Storage or StorageV2.",
            "access_tier": optional_computed(Type::String) => "Hot, Cool, Cold or Premium.",
            "min_tls_version": optional(Type::String).default(Value::string("TLS1_2")) => "TLS1_0, TLS1_1, TLS1_2 or TLS1_3.",
            "public_network_access_enabled": optional(Type::Bool).default(Value::bool(true)) => "Whether the public network may reach the account.",
            "cross_tenant_replication_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether cross-tenant object replication is allowed.",
            "infrastructure_encryption_enabled": optional(Type::Bool).force_new().default(Value::bool(false)) => "Whether infrastructure encryption is enabled.",
            "dns_endpoint_type": optional(Type::String).force_new().default(Value::string("Standard")) => "Standard or AzureDnsZone.",
            "edge_zone": optional(Type::String).force_new() => "The Edge Zone of the account.",
            "large_file_share_enabled": optional_computed(Type::Bool) => "Whether large file shares are enabled.",
            "primary_access_key": computed(Type::String).sensitive() => "The primary access key.",
            "secondary_access_key": computed(Type::String).sensitive() => "The secondary access key.",
            "primary_connection_string": computed(Type::String).sensitive() => "The connection string with the primary key.",
            "secondary_connection_string": computed(Type::String).sensitive() => "The connection string with the secondary key.",
            "primary_blob_connection_string": computed(Type::String).sensitive() => "The blob connection string with the primary key.",
        };
        for (attr, _, default, doc) in FLAGS {
            let a = Attribute::optional(Type::Bool)
                .default(Value::bool(default))
                .describe(doc);
            block = block.attr(
                attr,
                if attr == "is_hns_enabled" || attr == "nfsv3_enabled" {
                    a.force_new()
                } else {
                    a
                },
            );
        }
        for (attr, doc) in computed_strings() {
            block = block.attr(attr, Attribute::computed(Type::String).describe(doc));
        }
        let blob = autostack_provider_sdk::attributes! {
            "versioning_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether blob versioning is enabled.",
        };
        let block = named(block, true)
            .block("blob_properties", Nesting::List, blob)
            .tune("blob_properties", |nb| {
                nb.max_items = 1;
                nb.computed = true;
            });
        ResourceSchema { version: 4, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let mut props = json!({
            "minimumTlsVersion": str_or_empty(planned, "min_tls_version"),
            "publicNetworkAccess": if get_bool(planned, "public_network_access_enabled").unwrap_or(true) { "Enabled" } else { "Disabled" },
            "allowCrossTenantReplication": get_bool(planned, "cross_tenant_replication_enabled").unwrap_or(false),
            "dnsEndpointType": nonempty_str(planned, "dns_endpoint_type").unwrap_or("Standard"),
        });
        for (attr, key, default, _) in FLAGS {
            props[key] = json!(get_bool(planned, attr).unwrap_or(default));
        }
        if let Some(t) = nonempty_str(planned, "access_tier") {
            props["accessTier"] = json!(t);
        }
        if get_bool(planned, "infrastructure_encryption_enabled") == Some(true) {
            props["encryption"] = json!({ "requireInfrastructureEncryption": true, "keySource": "Microsoft.Storage" });
        }
        if get_bool(planned, "large_file_share_enabled") == Some(true) {
            props["largeFileSharesState"] = json!("Enabled");
        }
        let sku = format!(
            "{}_{}",
            str_or_empty(planned, "account_tier"),
            str_or_empty(planned, "account_replication_type")
        );
        json!({
            "location": str_or_empty(planned, "location"),
            "kind": str_or_empty(planned, "account_kind"),
            "sku": { "name": sku },
            "properties": props,
        })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let sku = js(item, "/sku/name").unwrap_or_default();
        let (tier, replication) = sku.split_once('_').unwrap_or((sku, ""));
        let blob = js(p, "/primaryEndpoints/blob").unwrap_or_default();
        let host = blob
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches('/');
        let mut o = named_state(Obj::from(prior), item, parts)
            .str("account_tier", tier)
            .str("account_replication_type", replication)
            .str("account_kind", js(item, "/kind").unwrap_or("StorageV2"))
            .set("access_tier", jstr(p, "/accessTier"))
            .str(
                "min_tls_version",
                js(p, "/minimumTlsVersion").unwrap_or("TLS1_0"),
            )
            .bool(
                "public_network_access_enabled",
                js(p, "/publicNetworkAccess") != Some("Disabled"),
            )
            .set(
                "cross_tenant_replication_enabled",
                jbool(p, "/allowCrossTenantReplication"),
            )
            .set(
                "infrastructure_encryption_enabled",
                jbool(p, "/encryption/requireInfrastructureEncryption"),
            )
            .str(
                "dns_endpoint_type",
                js(p, "/dnsEndpointType").unwrap_or("Standard"),
            )
            .bool(
                "large_file_share_enabled",
                js(p, "/largeFileSharesState") == Some("Enabled"),
            )
            .set("primary_location", jstr(p, "/primaryLocation"))
            .set("secondary_location", jstr(p, "/secondaryLocation"))
            .str("primary_blob_endpoint", blob)
            .str("primary_blob_host", host);
        for (attr, key) in [
            ("primary_queue_endpoint", "queue"),
            ("primary_table_endpoint", "table"),
            ("primary_file_endpoint", "file"),
            ("primary_dfs_endpoint", "dfs"),
            ("primary_web_endpoint", "web"),
        ] {
            o = o.set(attr, jstr(p, &format!("/primaryEndpoints/{key}")));
        }
        for (attr, key, default, _) in FLAGS {
            o = o.bool(attr, p.get(key).and_then(Json::as_bool).unwrap_or(default));
        }
        o.into_value()
    }

    /// The configured `blob_properties` on the account's blob service (left as they are when
    /// the configuration has none).
    async fn after_put(&self, c: &AzureClient, id: &str, planned: &Value) -> Result<(), ArmError> {
        let Some(blob) = get_blocks(planned, "blob_properties").first() else {
            return Ok(());
        };
        let versioning = get_bool(blob, "versioning_enabled").unwrap_or(false);
        let body = json!({ "properties": { "isVersioningEnabled": versioning } });
        c.put(&format!("{id}/{BLOB_SERVICE}"), API, &body)
            .await
            .map(|_| ())
    }

    /// The keys (one `listKeys` per account), the connection strings azurerm builds, and the
    /// blob service's properties.
    async fn complete(&self, c: &AzureClient, read: &mut [ValueRead]) {
        let mut keyed = Vec::new();
        for r in read.iter_mut() {
            if let Ok(Some(v)) = r {
                keyed.push(v);
            }
        }
        let calls = keyed.iter().map(|v| {
            let id = str_or_empty(v, "id").to_string();
            async move { c.action(&id, "listKeys", API).await }
        });
        let keys = futures::future::join_all(calls).await;
        let services = keyed.iter().map(|v| {
            let id = format!("{}/{BLOB_SERVICE}", str_or_empty(v, "id"));
            async move { c.get(&id, API).await }
        });
        let services = futures::future::join_all(services).await;
        for ((v, k), svc) in keyed.into_iter().zip(keys).zip(services) {
            if let Ok(k) = k {
                *v = with_keys(v, &k);
            }
            if let Ok(Some(svc)) = svc {
                *v = with_blob_properties(v, &svc);
            }
        }
    }

    /// A PATCH (the account's PUT is its create), without what cannot change.
    async fn update(
        &self,
        c: &AzureClient,
        id: &str,
        _prior: &Value,
        _planned: &Value,
        mut body: Json,
    ) -> Result<(), ArmError> {
        if let Some(o) = body.as_object_mut() {
            o.remove("location");
            o.remove("kind");
        }
        c.patch(id, API, &body).await.map(|_| ())
    }
}

/// The account's blob service, below its ID.
const BLOB_SERVICE: &str = "blobServices/default";

/// `blob_properties` as the blob service has them.
fn with_blob_properties(v: &Value, svc: &Json) -> Value {
    let versioning = svc
        .pointer("/properties/isVersioningEnabled")
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let props = Value::object_from([("versioning_enabled", Value::bool(versioning))]);
    with_attr(v, "blob_properties", Value::list(props.ty(), vec![props]))
}

fn with_keys(v: &Value, keys: &Json) -> Value {
    let key = |i: usize| {
        keys.pointer(&format!("/keys/{i}/value"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let name = str_or_empty(v, "name");
    let conn = |k: &str| {
        format!("DefaultEndpointsProtocol=https;AccountName={name};AccountKey={k};EndpointSuffix=core.windows.net")
    };
    let blob = str_or_empty(v, "primary_blob_endpoint");
    let (k1, k2) = (key(0), key(1));
    Obj::from(v)
        .set("primary_access_key", Value::string(k1.as_str()).sensitive())
        .set("secondary_access_key", Value::string(k2.as_str()).sensitive())
        .set("primary_connection_string", Value::string(conn(&k1)).sensitive())
        .set("secondary_connection_string", Value::string(conn(&k2)).sensitive())
        .set(
            "primary_blob_connection_string",
            Value::string(format!("DefaultEndpointsProtocol=https;BlobEndpoint={blob};AccountName={name};AccountKey={k1}")).sensitive(),
        )
        .into_value()
}
