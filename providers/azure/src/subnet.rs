//! `azurerm_subnet`: a subnet of a virtual network. `address_prefixes` changes in place (as
//! in azurerm 4.x); an update keeps the associations ARM has (network security group, route
//! table) that other resources manage. Changes to one network's subnets run one at a time.

use crate::arm::ArmKind;
use crate::ids::IdShape;
use crate::network::{API, SUBNET, VNET};
use crate::prelude::*;
use crate::virtual_network::prefixes;

/// The `azurerm_subnet` kind.
pub struct Subnet;

#[async_trait]
impl ArmKind for Subnet {
    fn shape(&self) -> IdShape {
        SUBNET
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn tagged(&self) -> bool {
        false
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "virtual_network_name": required(Type::String).force_new() => "The name of the virtual network the subnet is in.",
            "address_prefixes": required(Type::list(Type::String)) => "The address prefixes of the subnet.",
            "default_outbound_access_enabled": optional(Type::Bool).default(Value::bool(true)) => "Whether default outbound internet access is enabled.",
            "private_endpoint_network_policies": optional(Type::String).default(Value::string("Disabled")) => "Disabled, Enabled, NetworkSecurityGroupEnabled or RouteTableEnabled.",
            "private_link_service_network_policies_enabled": optional(Type::Bool).default(Value::bool(true)) => "Whether network policies for the private link service are enabled.",
            "service_endpoints": optional(Type::set(Type::String)) => "The service endpoints of the subnet (Microsoft.Storage, ...).",
            "service_endpoint_policy_ids": optional(Type::set(Type::String)) => "The service endpoint policy IDs of the subnet.",
        };
        let block = crate::common::named(block, false);
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(vec![
            str_or_empty(planned, "resource_group_name").to_string(),
            str_or_empty(planned, "virtual_network_name").to_string(),
            str_or_empty(planned, "name").to_string(),
        ])
    }

    fn lock_key(&self, planned: &Value) -> Option<String> {
        let rg = str_or_empty(planned, "resource_group_name");
        Some(VNET.build(&["", rg, str_or_empty(planned, "virtual_network_name")]))
    }

    fn needs_current(&self) -> bool {
        true
    }

    fn body(&self, _c: &AzureClient, planned: &Value, current: Option<&Json>) -> Json {
        let endpoints: Vec<Json> = get_strings(planned, "service_endpoints")
            .into_iter()
            .map(|s| json!({ "service": s }))
            .collect();
        let policies: Vec<Json> = get_strings(planned, "service_endpoint_policy_ids")
            .iter()
            .map(|id| reference(id))
            .collect();
        let link = match get_bool(planned, "private_link_service_network_policies_enabled")
            .unwrap_or(true)
        {
            true => "Enabled",
            false => "Disabled",
        };
        let mut props = json!({
            "addressPrefixes": get_strings(planned, "address_prefixes"),
            "defaultOutboundAccess": get_bool(planned, "default_outbound_access_enabled").unwrap_or(true),
            "privateEndpointNetworkPolicies": nonempty_str(planned, "private_endpoint_network_policies").unwrap_or("Disabled"),
            "privateLinkServiceNetworkPolicies": link,
            "serviceEndpoints": endpoints,
            "serviceEndpointPolicies": policies,
        });
        // Associations made by other resources stay.
        for keep in [
            "networkSecurityGroup",
            "routeTable",
            "natGateway",
            "delegations",
        ] {
            if let Some(v) = current.and_then(|c| c.pointer(&format!("/properties/{keep}"))) {
                props[keep] = v.clone();
            }
        }
        json!({ "properties": props })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let endpoints: Vec<String> = jarray(p, "/serviceEndpoints")
            .iter()
            .filter_map(|e| js(e, "/service").map(str::to_string))
            .collect();
        let policies: Vec<String> = jarray(p, "/serviceEndpointPolicies")
            .iter()
            .filter_map(|e| js(e, "/id").map(str::to_string))
            .collect();
        let part = |i: usize| parts.get(i).map_or("", String::as_str);
        Obj::from(prior)
            .str("resource_group_name", part(1))
            .str("virtual_network_name", part(2))
            .str("name", part(3))
            .set(
                "address_prefixes",
                Value::list(
                    Type::String,
                    prefixes(p).into_iter().map(Value::string).collect(),
                ),
            )
            .bool(
                "default_outbound_access_enabled",
                p.pointer("/defaultOutboundAccess")
                    .and_then(Json::as_bool)
                    .unwrap_or(true),
            )
            .str(
                "private_endpoint_network_policies",
                js(p, "/privateEndpointNetworkPolicies").unwrap_or("Disabled"),
            )
            .bool(
                "private_link_service_network_policies_enabled",
                js(p, "/privateLinkServiceNetworkPolicies") != Some("Disabled"),
            )
            .set("service_endpoints", string_set(endpoints))
            .set("service_endpoint_policy_ids", string_set(policies))
            .into_value()
    }
}
