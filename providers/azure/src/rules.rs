//! A network security rule's attributes, shared by `azurerm_network_security_group`'s inline
//! `security_rule` blocks and `azurerm_network_security_rule`: the schema, the ARM
//! properties and the state read back. Each address and port comes as a single value or a
//! set, as azurerm has them.

use crate::prelude::*;

/// The rule attributes (without `name`, `resource_group_name` and the group's name).
pub fn rule_attrs(b: Block) -> Block {
    let one = || Attribute::optional(Type::String);
    let many = || Attribute::optional(Type::set(Type::String));
    b.attr(
        "description",
        one().describe("A description of the rule (up to 140 characters)."),
    )
    .attr(
        "protocol",
        Attribute::required(Type::String).describe("Tcp, Udp, Icmp, Esp, Ah or * (any)."),
    )
    .attr(
        "source_port_range",
        one().describe("Source port or range: an integer, a range or *."),
    )
    .attr(
        "source_port_ranges",
        many().describe("Source ports or ranges."),
    )
    .attr(
        "destination_port_range",
        one().describe("Destination port or range: an integer, a range or *."),
    )
    .attr(
        "destination_port_ranges",
        many().describe("Destination ports or ranges."),
    )
    .attr(
        "source_address_prefix",
        one().describe("Source CIDR, IP range, * or a service tag."),
    )
    .attr(
        "source_address_prefixes",
        many().describe("Source CIDRs or IP ranges."),
    )
    .attr(
        "source_application_security_group_ids",
        many().describe("Source application security groups."),
    )
    .attr(
        "destination_address_prefix",
        one().describe("Destination CIDR, IP range, * or a service tag."),
    )
    .attr(
        "destination_address_prefixes",
        many().describe("Destination CIDRs or IP ranges."),
    )
    .attr(
        "destination_application_security_group_ids",
        many().describe("Destination application security groups."),
    )
    .attr(
        "access",
        Attribute::required(Type::String).describe("Allow or Deny."),
    )
    .attr(
        "priority",
        Attribute::required(Type::Number)
            .describe("The rule's priority, 100 to 4096; unique per group and direction."),
    )
    .attr(
        "direction",
        Attribute::required(Type::String).describe("Inbound or Outbound."),
    )
}

/// The ARM `properties` of a rule value.
pub fn rule_props(v: &Value) -> Json {
    let mut p = json!({
        "protocol": str_or_empty(v, "protocol"),
        "access": str_or_empty(v, "access"),
        "priority": get_int(v, "priority").unwrap_or(0),
        "direction": str_or_empty(v, "direction"),
    });
    for (attr, key) in [
        ("description", "description"),
        ("source_port_range", "sourcePortRange"),
        ("destination_port_range", "destinationPortRange"),
        ("source_address_prefix", "sourceAddressPrefix"),
        ("destination_address_prefix", "destinationAddressPrefix"),
    ] {
        if let Some(s) = nonempty_str(v, attr) {
            p[key] = json!(s);
        }
    }
    for (attr, key) in [
        ("source_port_ranges", "sourcePortRanges"),
        ("destination_port_ranges", "destinationPortRanges"),
        ("source_address_prefixes", "sourceAddressPrefixes"),
        ("destination_address_prefixes", "destinationAddressPrefixes"),
    ] {
        p[key] = json_strings(&get_strings(v, attr));
    }
    for (attr, key) in [
        (
            "source_application_security_group_ids",
            "sourceApplicationSecurityGroups",
        ),
        (
            "destination_application_security_group_ids",
            "destinationApplicationSecurityGroups",
        ),
    ] {
        let refs: Vec<Json> = get_strings(v, attr)
            .iter()
            .map(|id| reference(id))
            .collect();
        p[key] = Json::Array(refs);
    }
    p
}

/// The rule attributes of ARM `properties`, as azurerm stores them.
pub fn rule_state(p: &Json) -> Vec<(&'static str, Value)> {
    let groups = |ptr: &str| {
        string_set(
            jarray(p, ptr)
                .iter()
                .filter_map(|g| js(g, "/id").map(str::to_string))
                .collect::<Vec<_>>(),
        )
    };
    vec![
        ("description", jstr(p, "/description")),
        ("protocol", jstr(p, "/protocol")),
        ("source_port_range", jstr(p, "/sourcePortRange")),
        ("source_port_ranges", jset(p, "/sourcePortRanges")),
        ("destination_port_range", jstr(p, "/destinationPortRange")),
        ("destination_port_ranges", jset(p, "/destinationPortRanges")),
        ("source_address_prefix", jstr(p, "/sourceAddressPrefix")),
        ("source_address_prefixes", jset(p, "/sourceAddressPrefixes")),
        (
            "source_application_security_group_ids",
            groups("/sourceApplicationSecurityGroups"),
        ),
        (
            "destination_address_prefix",
            jstr(p, "/destinationAddressPrefix"),
        ),
        (
            "destination_address_prefixes",
            jset(p, "/destinationAddressPrefixes"),
        ),
        (
            "destination_application_security_group_ids",
            groups("/destinationApplicationSecurityGroups"),
        ),
        ("access", jstr(p, "/access")),
        ("priority", jint(p, "/priority")),
        ("direction", jstr(p, "/direction")),
    ]
}
