//! `azurerm_route_table`: a route table with inline `route` blocks (optional and computed, as
//! in azurerm), BGP route propagation (on by default) and the subnets using it (computed).

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::ids::IdShape;
use crate::network::{API, ROUTE_TABLE};
use crate::prelude::*;

/// The `azurerm_route_table` kind.
pub struct RouteTable;

fn route() -> Block {
    autostack_provider_sdk::attributes! {
        "name": required(Type::String) => "The name of the route.",
        "address_prefix": required(Type::String) => "The destination CIDR or service tag.",
        "next_hop_type": required(Type::String) => "VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance or None.",
        "next_hop_in_ip_address": optional(Type::String) => "The next hop's IP address (VirtualAppliance only).",
    }
}

#[async_trait]
impl ArmKind for RouteTable {
    fn shape(&self) -> IdShape {
        ROUTE_TABLE
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let own = autostack_provider_sdk::attributes! {
            "bgp_route_propagation_enabled": optional(Type::Bool).default(Value::bool(true)) => "Whether routes learned by BGP are propagated.",
            "subnets": computed(Type::set(Type::String)) => "The IDs of the subnets using the table.",
        };
        let block = named(own, true)
            .block("route", Nesting::List, route())
            .tune("route", |nb| nb.computed = true);
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let routes: Vec<Json> = get_blocks(planned, "route")
            .iter()
            .map(|r| {
                let mut props = json!({
                    "addressPrefix": str_or_empty(r, "address_prefix"),
                    "nextHopType": str_or_empty(r, "next_hop_type"),
                });
                if let Some(ip) = nonempty_str(r, "next_hop_in_ip_address") {
                    props["nextHopIpAddress"] = json!(ip);
                }
                json!({ "name": str_or_empty(r, "name"), "properties": props })
            })
            .collect();
        let propagate = get_bool(planned, "bgp_route_propagation_enabled").unwrap_or(true);
        json!({
            "location": str_or_empty(planned, "location"),
            "properties": { "routes": routes, "disableBgpRoutePropagation": !propagate },
        })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let routes = jarray(p, "/routes")
            .iter()
            .map(|r| {
                Value::object_from([
                    ("name", jstr(r, "/name")),
                    ("address_prefix", jstr(r, "/properties/addressPrefix")),
                    ("next_hop_type", jstr(r, "/properties/nextHopType")),
                    (
                        "next_hop_in_ip_address",
                        jstr(r, "/properties/nextHopIpAddress"),
                    ),
                ])
            })
            .collect();
        let subnets: Vec<String> = jarray(p, "/subnets")
            .iter()
            .filter_map(|s| js(s, "/id").map(str::to_string))
            .collect();
        let disabled = p
            .pointer("/disableBgpRoutePropagation")
            .and_then(Json::as_bool);
        named_state(Obj::from(prior), item, parts)
            .set("route", Value::list(route().value_type(), routes))
            .set(
                "bgp_route_propagation_enabled",
                Value::bool(!disabled.unwrap_or(false)),
            )
            .set("subnets", string_set(&subnets))
            .into_value()
    }
}
