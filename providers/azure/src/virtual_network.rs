//! `azurerm_virtual_network`: a virtual network. Its `subnet` blocks are optional and
//! computed (subnets made by `azurerm_subnet` show there too), and an update keeps the
//! subnets ARM has, because a PUT of a network replaces its subnet set.

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::ids::IdShape;
use crate::network::{API, VNET};
use crate::prelude::*;

/// The `azurerm_virtual_network` kind.
pub struct VirtualNetwork;

fn subnet_block() -> Block {
    autostack_provider_sdk::attributes! {
        "name": required(Type::String) => "The name of the subnet.",
        "address_prefixes": required(Type::list(Type::String)) => "The address prefixes of the subnet.",
        "security_group": optional(Type::String) => "The ID of the Network Security Group to associate with the subnet.",
        "id": computed(Type::String) => "The ID of the subnet.",
    }
}

/// A subnet's prefixes: `addressPrefixes`, or the single `addressPrefix` ARM may answer with.
pub fn prefixes(props: &Json) -> Vec<String> {
    let many = jstrings(props, "/addressPrefixes");
    match many.is_empty() {
        true => js(props, "/addressPrefix")
            .map(str::to_string)
            .into_iter()
            .collect(),
        false => many,
    }
}

fn subnet_state(s: &Json) -> Value {
    let props = s.get("properties").unwrap_or(&Json::Null);
    let prefixes = prefixes(props).into_iter().map(Value::string).collect();
    Value::object_from([
        ("name", jstr(s, "/name")),
        ("address_prefixes", Value::list(Type::String, prefixes)),
        ("security_group", jstr(props, "/networkSecurityGroup/id")),
        ("id", jstr(s, "/id")),
    ])
}

fn subnet_json(v: &Value) -> Json {
    let mut props = json!({ "addressPrefixes": get_strings(v, "address_prefixes") });
    if let Some(nsg) = nonempty_str(v, "security_group") {
        props["networkSecurityGroup"] = reference(nsg);
    }
    json!({ "name": str_or_empty(v, "name"), "properties": props })
}

#[async_trait]
impl ArmKind for VirtualNetwork {
    fn shape(&self) -> IdShape {
        VNET
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "address_space": required(Type::list(Type::String)) => "The address spaces of the virtual network.",
            "dns_servers": optional_computed(Type::list(Type::String)) => "The DNS servers of the virtual network.",
            "bgp_community": optional(Type::String) => "The BGP community attribute, <as-number>:<community-value>.",
            "edge_zone": optional(Type::String).force_new() => "The Edge Zone the virtual network is in.",
            "flow_timeout_in_minutes": optional(Type::Number) => "The flow timeout in minutes (4 to 30).",
            "private_endpoint_vnet_policies": optional(Type::String).default(Value::string("Disabled")) => "Private endpoint VNet policies: Disabled or Basic.",
            "guid": computed(Type::String) => "The GUID of the virtual network.",
        };
        let block = named(block, true)
            .block("subnet", Nesting::Set, subnet_block())
            .tune("subnet", |nb| nb.computed = true);
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn needs_current(&self) -> bool {
        true
    }

    fn body(&self, _c: &AzureClient, planned: &Value, current: Option<&Json>) -> Json {
        // Subnets ARM has (made by azurerm_subnet, with their associations) are kept whole;
        // inline ones it does not have yet are added.
        let mut subnets: Vec<Json> = current
            .map(|c| jarray(c, "/properties/subnets").to_vec())
            .unwrap_or_default();
        for s in get_blocks(planned, "subnet") {
            let name = str_or_empty(s, "name");
            if !subnets
                .iter()
                .any(|x| js(x, "/name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
            {
                subnets.push(subnet_json(s));
            }
        }
        let mut props = json!({
            "addressSpace": { "addressPrefixes": get_strings(planned, "address_space") },
            "dhcpOptions": { "dnsServers": get_strings(planned, "dns_servers") },
            "subnets": subnets,
            "privateEndpointVNetPolicies": str_or_empty(planned, "private_endpoint_vnet_policies"),
        });
        if let Some(t) = get_int(planned, "flow_timeout_in_minutes").filter(|t| *t > 0) {
            props["flowTimeoutInMinutes"] = json!(t);
        }
        if let Some(b) = nonempty_str(planned, "bgp_community") {
            props["bgpCommunities"] = json!({ "virtualNetworkCommunity": b });
        }
        json!({ "location": str_or_empty(planned, "location"), "properties": props })
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let subnets = jarray(p, "/subnets").iter().map(subnet_state).collect();
        named_state(Obj::from(prior), item, parts)
            .set("address_space", jlist(p, "/addressSpace/addressPrefixes"))
            .set("dns_servers", jlist(p, "/dhcpOptions/dnsServers"))
            .set(
                "bgp_community",
                jstr(p, "/bgpCommunities/virtualNetworkCommunity"),
            )
            .set("flow_timeout_in_minutes", jint(p, "/flowTimeoutInMinutes"))
            .str(
                "private_endpoint_vnet_policies",
                js(p, "/privateEndpointVNetPolicies").unwrap_or("Disabled"),
            )
            .set("guid", jstr(p, "/resourceGuid"))
            .set("subnet", make_set(subnet_block().value_type(), subnets))
            .into_value()
    }
}
