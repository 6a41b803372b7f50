//! `azurerm_network_interface`: a network interface with its `ip_configuration` blocks
//! (the first is primary unless one says otherwise).

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state};
use crate::ids::IdShape;
use crate::network::{API, NIC};
use crate::prelude::*;

/// The `azurerm_network_interface` kind.
pub struct NetworkInterface;

fn ip_configuration() -> Block {
    autostack_provider_sdk::attributes! {
        "name": required(Type::String) => "The name of the IP configuration.",
        "subnet_id": optional(Type::String) => "The ID of the subnet the address is in.",
        "private_ip_address_version": optional(Type::String).default(Value::string("IPv4")) => "IPv4 or IPv6.",
        "private_ip_address_allocation": required(Type::String) => "Dynamic or Static.",
        "private_ip_address": optional_computed(Type::String) => "The static private IP address (or the one allocated).",
        "public_ip_address_id": optional(Type::String) => "The ID of the public IP address to associate.",
        "gateway_load_balancer_frontend_ip_configuration_id": optional(Type::String) => "The gateway load balancer frontend IP configuration.",
        "primary": optional_computed(Type::Bool) => "Whether this is the primary IP configuration.",
    }
}

fn ip_config_json(i: usize, v: &Value) -> Json {
    let mut p = json!({
        "privateIPAllocationMethod": str_or_empty(v, "private_ip_address_allocation"),
        "privateIPAddressVersion": nonempty_str(v, "private_ip_address_version").unwrap_or("IPv4"),
        "primary": get_bool(v, "primary").unwrap_or(i == 0),
    });
    if let Some(s) = nonempty_str(v, "subnet_id") {
        p["subnet"] = reference(s);
    }
    if let Some(s) = nonempty_str(v, "public_ip_address_id") {
        p["publicIPAddress"] = reference(s);
    }
    if let Some(s) = nonempty_str(v, "gateway_load_balancer_frontend_ip_configuration_id") {
        p["gatewayLoadBalancer"] = reference(s);
    }
    if str_or_empty(v, "private_ip_address_allocation").eq_ignore_ascii_case("static") {
        if let Some(ip) = nonempty_str(v, "private_ip_address") {
            p["privateIPAddress"] = json!(ip);
        }
    }
    json!({ "name": str_or_empty(v, "name"), "properties": p })
}

fn ip_config_state(c: &Json) -> Value {
    let p = c.get("properties").unwrap_or(&Json::Null);
    Value::object_from([
        ("name", jstr(c, "/name")),
        ("subnet_id", jstr(p, "/subnet/id")),
        (
            "private_ip_address_version",
            Value::string(js(p, "/privateIPAddressVersion").unwrap_or("IPv4")),
        ),
        (
            "private_ip_address_allocation",
            jstr(p, "/privateIPAllocationMethod"),
        ),
        ("private_ip_address", jstr(p, "/privateIPAddress")),
        ("public_ip_address_id", jstr(p, "/publicIPAddress/id")),
        (
            "gateway_load_balancer_frontend_ip_configuration_id",
            jstr(p, "/gatewayLoadBalancer/id"),
        ),
        ("primary", jbool(p, "/primary")),
    ])
}

#[async_trait]
impl ArmKind for NetworkInterface {
    fn shape(&self) -> IdShape {
        NIC
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "accelerated_networking_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether accelerated networking is enabled.",
            "ip_forwarding_enabled": optional(Type::Bool).default(Value::bool(false)) => "Whether IP forwarding is enabled.",
            "dns_servers": optional(Type::list(Type::String)) => "DNS servers of the interface.",
            "internal_dns_name_label": optional(Type::String) => "The internal DNS name label.",
            "edge_zone": optional(Type::String).force_new() => "The Edge Zone the interface is in.",
            "auxiliary_mode": optional(Type::String) => "AcceleratedConnections, Floating or MaxConnections.",
            "auxiliary_sku": optional(Type::String) => "A1, A2, A4 or A8.",
            "applied_dns_servers": computed(Type::list(Type::String)) => "The DNS servers applied to the interface.",
            "internal_domain_name_suffix": computed(Type::String) => "The internal domain name suffix.",
            "mac_address": computed(Type::String) => "The MAC address (once a VM uses the interface).",
            "private_ip_address": computed(Type::String) => "The primary private IP address.",
            "private_ip_addresses": computed(Type::list(Type::String)) => "Every private IP address of the interface.",
            "virtual_machine_id": computed(Type::String) => "The ID of the VM using the interface.",
        };
        let block = named(block, true)
            .block("ip_configuration", Nesting::List, ip_configuration())
            .tune("ip_configuration", |nb| nb.min_items = 1);
        ResourceSchema { version: 0, block }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn needs_current(&self) -> bool {
        true
    }

    /// The PUT body; on update the group an association applied is kept (it is the
    /// association's, not the interface's configuration).
    fn body(&self, _c: &AzureClient, planned: &Value, current: Option<&Json>) -> Json {
        let mut body = own_body(planned);
        if let Some(nsg) = current.and_then(|c| c.pointer("/properties/networkSecurityGroup")) {
            body["properties"]["networkSecurityGroup"] = nsg.clone();
        }
        body
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        let configs = jarray(p, "/ipConfigurations");
        let ips: Vec<String> = configs
            .iter()
            .filter_map(|c| js(c, "/properties/privateIPAddress").map(str::to_string))
            .collect();
        let primary = configs
            .iter()
            .find(|c| c.pointer("/properties/primary").and_then(Json::as_bool) == Some(true))
            .or(configs.first());
        named_state(Obj::from(prior), item, parts)
            .set(
                "ip_configuration",
                Value::list(
                    ip_configuration().value_type(),
                    configs.iter().map(ip_config_state).collect(),
                ),
            )
            .bool(
                "accelerated_networking_enabled",
                p.pointer("/enableAcceleratedNetworking")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
            )
            .bool(
                "ip_forwarding_enabled",
                p.pointer("/enableIPForwarding")
                    .and_then(Json::as_bool)
                    .unwrap_or(false),
            )
            .set("dns_servers", jlist(p, "/dnsSettings/dnsServers"))
            .set(
                "internal_dns_name_label",
                jstr(p, "/dnsSettings/internalDnsNameLabel"),
            )
            .set(
                "applied_dns_servers",
                jlist(p, "/dnsSettings/appliedDnsServers"),
            )
            .set(
                "internal_domain_name_suffix",
                jstr(p, "/dnsSettings/internalDomainNameSuffix"),
            )
            .set("mac_address", jstr(p, "/macAddress"))
            .str(
                "private_ip_address",
                primary
                    .and_then(|c| js(c, "/properties/privateIPAddress"))
                    .unwrap_or_default(),
            )
            .set(
                "private_ip_addresses",
                autostack_provider_sdk::attrs::string_list(ips),
            )
            .set("virtual_machine_id", jstr(p, "/virtualMachine/id"))
            .into_value()
    }
}

/// The interface's PUT body from its configuration.
fn own_body(planned: &Value) -> Json {
    let configs: Vec<Json> = get_blocks(planned, "ip_configuration")
        .iter()
        .enumerate()
        .map(|(i, v)| ip_config_json(i, v))
        .collect();
    let mut dns = json!({ "dnsServers": get_strings(planned, "dns_servers") });
    if let Some(l) = nonempty_str(planned, "internal_dns_name_label") {
        dns["internalDnsNameLabel"] = json!(l);
    }
    json!({
        "location": str_or_empty(planned, "location"),
        "properties": {
            "ipConfigurations": configs,
            "enableAcceleratedNetworking": get_bool(planned, "accelerated_networking_enabled").unwrap_or(false),
            "enableIPForwarding": get_bool(planned, "ip_forwarding_enabled").unwrap_or(false),
            "dnsSettings": dns,
        },
    })
}
