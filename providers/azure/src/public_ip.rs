//! `azurerm_public_ip`: a public IP address (azurerm 4.x defaults: `Standard` SKU,
//! `Regional` tier, IPv4, 4-minute idle timeout).

use crate::arm::ArmKind;
use crate::common::{group_and_name, named, named_state, opt_json};
use crate::ids::IdShape;
use crate::network::{API, PUBLIC_IP};
use crate::prelude::*;

/// The `azurerm_public_ip` kind.
pub struct PublicIp;

#[async_trait]
impl ArmKind for PublicIp {
    fn shape(&self) -> IdShape {
        PUBLIC_IP
    }

    fn api_version(&self) -> &'static str {
        API
    }

    fn schema(&self) -> ResourceSchema {
        let block = autostack_provider_sdk::attributes! {
            "allocation_method": required(Type::String) => "Static or Dynamic.",
            "sku": optional(Type::String).force_new().default(Value::string("Standard")) => "Basic or Standard.",
            "sku_tier": optional(Type::String).force_new().default(Value::string("Regional")) => "Regional or Global.",
            "ip_version": optional(Type::String).force_new().default(Value::string("IPv4")) => "IPv4 or IPv6.",
            "zones": optional(Type::set(Type::String)).force_new() => "The availability zones to allocate the address in.",
            "idle_timeout_in_minutes": optional(Type::Number).default(Value::int(4)) => "The idle timeout of TCP connections, 4 to 30 minutes.",
            "domain_name_label": optional(Type::String) => "The label for the DNS name.",
            "domain_name_label_scope": optional(Type::String).force_new() => "The scope of the domain name label.",
            "reverse_fqdn": optional(Type::String) => "The reverse FQDN.",
            "edge_zone": optional(Type::String).force_new() => "The Edge Zone the address is in.",
            "ddos_protection_mode": optional(Type::String).default(Value::string("VirtualNetworkInherited")) => "Disabled, Enabled or VirtualNetworkInherited.",
            "ddos_protection_plan_id": optional(Type::String) => "The ID of the DDoS protection plan.",
            "public_ip_prefix_id": optional(Type::String).force_new() => "The public IP prefix to allocate from.",
            "ip_tags": optional(Type::map(Type::String)).force_new() => "IP tags (type to tag).",
            "ip_address": computed(Type::String) => "The IP address (once allocated).",
            "fqdn": computed(Type::String) => "The FQDN of the DNS A record.",
        };
        ResourceSchema {
            version: 0,
            block: named(block, true),
        }
    }

    fn id_values(&self, planned: &Value) -> Result<Vec<String>, Diagnostics> {
        Ok(group_and_name(planned))
    }

    fn body(&self, _c: &AzureClient, planned: &Value, _current: Option<&Json>) -> Json {
        let mut props = json!({
            "publicIPAllocationMethod": str_or_empty(planned, "allocation_method"),
            "publicIPAddressVersion": str_or_empty(planned, "ip_version"),
            "idleTimeoutInMinutes": get_int(planned, "idle_timeout_in_minutes").unwrap_or(4),
            "ddosSettings": { "protectionMode": str_or_empty(planned, "ddos_protection_mode") },
        });
        if let Some(label) = opt_json(planned, "domain_name_label") {
            props["dnsSettings"] = json!({ "domainNameLabel": label });
            if let Some(r) = opt_json(planned, "reverse_fqdn") {
                props["dnsSettings"]["reverseFqdn"] = r;
            }
        }
        if let Some(p) = nonempty_str(planned, "public_ip_prefix_id") {
            props["publicIPPrefix"] = reference(p);
        }
        let mut body = json!({
            "location": str_or_empty(planned, "location"),
            "sku": { "name": str_or_empty(planned, "sku"), "tier": str_or_empty(planned, "sku_tier") },
            "properties": props,
        });
        let zones = get_strings(planned, "zones");
        if !zones.is_empty() {
            body["zones"] = json_strings(&zones);
        }
        body
    }

    fn state(&self, prior: &Value, item: &Json, parts: &[String]) -> Value {
        let p = item.get("properties").unwrap_or(&Json::Null);
        named_state(Obj::from(prior), item, parts)
            .set("allocation_method", jstr(p, "/publicIPAllocationMethod"))
            .str("sku", js(item, "/sku/name").unwrap_or("Standard"))
            .str("sku_tier", js(item, "/sku/tier").unwrap_or("Regional"))
            .str(
                "ip_version",
                js(p, "/publicIPAddressVersion").unwrap_or("IPv4"),
            )
            .set("zones", jset(item, "/zones"))
            .int(
                "idle_timeout_in_minutes",
                p.pointer("/idleTimeoutInMinutes")
                    .and_then(Json::as_i64)
                    .unwrap_or(4),
            )
            .set("domain_name_label", jstr(p, "/dnsSettings/domainNameLabel"))
            .set("reverse_fqdn", jstr(p, "/dnsSettings/reverseFqdn"))
            .set("fqdn", jstr(p, "/dnsSettings/fqdn"))
            .str(
                "ddos_protection_mode",
                js(p, "/ddosSettings/protectionMode").unwrap_or("VirtualNetworkInherited"),
            )
            .set(
                "ddos_protection_plan_id",
                jstr(p, "/ddosSettings/ddosProtectionPlan/id"),
            )
            .set("public_ip_prefix_id", jstr(p, "/publicIPPrefix/id"))
            .set("ip_address", jstr(p, "/ipAddress"))
            .into_value()
    }
}
