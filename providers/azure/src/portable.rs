//! The portable types on Azure: how each maps to this provider's own resource types. A
//! network is a resource group holding a virtual network (its dependents go in that group);
//! a subnet an `azurerm_subnet` (and, where the region has zones, the route table recording
//! the zone of its instances: [`zone_record`]); a firewall a network security group with one
//! inbound rule per ingress block; an instance a network interface (with a static public IP
//! when public, and its firewalls' rules applied to it) and a Linux VM in its subnet's zone,
//! of the size the cost catalog picks, booted from the image's marketplace reference; a disk a managed disk in its own resource group (and its attachment, at the
//! VM's first free LUN); a bucket a storage account and a blob container in their own
//! resource group ([`crate::portable_compute`] holds the instance and the disk).
//!
//! azurerm has no provider-level region, so a portable resource's `region` is its own
//! argument, else `ARM_LOCATION` from the environment, else `eastus` ([`DEFAULT_REGION`]).
//! Everything else is `autostack-provider-portable`'s.

use crate::config::AzureFactory;
use crate::portable_compute::{Disk, Instance};
use crate::prelude::*;
pub(crate) use autostack_provider_portable::values::{attr, obj, only_role, s, unknown_role};
use autostack_provider_portable::{zones, Cloud, FactoryBinding, Kind, Members, Realize, Role};
use autostack_provider_sdk::attrs::{error, map_value, string_list};
use autostack_provider_sdk::Registry;
use std::sync::Arc;

/// The cloud as member errors name it.
pub(crate) const CLOUD_NAME: &str = "Azure";

/// The concrete types the portable types are made of here.
const CONCRETE: [&str; 13] = [
    "azurerm_resource_group",
    "azurerm_virtual_network",
    "azurerm_subnet",
    "azurerm_route_table",
    "azurerm_network_security_group",
    "azurerm_public_ip",
    "azurerm_network_interface",
    "azurerm_network_interface_security_group_association",
    "azurerm_linux_virtual_machine",
    "azurerm_managed_disk",
    "azurerm_virtual_machine_data_disk_attachment",
    "azurerm_storage_account",
    "azurerm_storage_container",
];

/// The region portable resources go to when neither their `region` nor `ARM_LOCATION` names
/// one.
pub const DEFAULT_REGION: &str = "eastus";

/// `registry` (with the concrete types registered) serving the portable types too.
pub fn register(registry: Registry<AzureFactory>) -> Registry<AzureFactory> {
    let realizations: Vec<Arc<dyn Realize<AzureClient>>> = vec![
        Arc::new(Network),
        Arc::new(Subnet),
        Arc::new(Firewall),
        Arc::new(Instance),
        Arc::new(Disk),
        Arc::new(Bucket),
    ];
    autostack_provider_portable::register(
        registry,
        Arc::new(FactoryBinding {
            cloud: Cloud::Azure,
            factory: AzureFactory,
            region: |_| default_region(std::env::var("ARM_LOCATION").ok()),
        }),
        realizations,
        &CONCRETE,
    )
}

/// The region of `ARM_LOCATION` (`West Europe` is `westeurope`), else [`DEFAULT_REGION`].
fn default_region(env: Option<String>) -> String {
    match env.map(|l| crate::common::normalized_location(&l)) {
        Some(l) if !l.is_empty() => l,
        _ => DEFAULT_REGION.to_string(),
    }
}

/// The portable `tags` as azurerm's.
pub(crate) fn tags(p: &Value) -> Value {
    get(p, "tags")
        .cloned()
        .unwrap_or(Value::Null(Type::map(Type::String)))
}

/// The segment after `key` in an ARM ID (`resourceGroups` → the group's name), or why there
/// is none: `what` names the argument the ID came from.
pub(crate) fn id_segment<'a>(id: &'a str, key: &str, what: &str) -> Result<&'a str, Diagnostics> {
    let mut parts = id.split('/');
    while let Some(p) = parts.next() {
        if p.eq_ignore_ascii_case(key) {
            if let Some(v) = parts.next().filter(|v| !v.is_empty()) {
                return Ok(v);
            }
        }
    }
    Err(error(
        format!("Invalid {what}"),
        format!("{id:?} is not an Azure ID with a {key} segment; pass the id of the portable resource it names."),
    ))
}

/// A resource group of the portable value's name, in its region.
fn group_config(p: &Value, name: &str) -> Value {
    obj([
        ("name", s(name)),
        ("location", attr(p, "region")),
        ("tags", tags(p)),
    ])
}

struct Network;

#[async_trait]
impl Realize<AzureClient> for Network {
    fn kind(&self) -> Kind {
        Kind::Network
    }
    fn main_role(&self) -> &'static str {
        "vnet"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![
            ("group", "azurerm_resource_group"),
            ("vnet", "azurerm_virtual_network"),
        ]
    }
    async fn config(
        &self,
        _: &AzureClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let name = str_or_empty(p, "name");
        Ok(match role {
            "group" => group_config(p, name),
            "vnet" => obj([
                ("name", s(name)),
                ("resource_group_name", s(done.str("group", "name"))),
                ("location", attr(p, "region")),
                (
                    "address_space",
                    string_list([str_or_empty(p, "cidr_block")]),
                ),
                ("tags", tags(p)),
            ]),
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
}

struct Subnet;

#[async_trait]
impl Realize<AzureClient> for Subnet {
    fn kind(&self) -> Kind {
        Kind::Subnet
    }
    fn main_role(&self) -> &'static str {
        "subnet"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = vec![("subnet", "azurerm_subnet")];
        if get_str(p, "zone").is_some() {
            m.push(("zone", "azurerm_route_table"));
        }
        m
    }
    async fn plan(
        &self,
        _: &AzureClient,
        planned: Value,
        _: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        // Azure subnets span the region's zones: the zone is where the instances in it run
        // (none in a region without zones).
        let Some(i) = get_int(&planned, "zone_index") else {
            return Ok(planned);
        };
        let zone = zones::azure_zone(str_or_empty(&planned, "region"), i as usize);
        let zone = zone.as_deref().map_or(Value::Null(Type::String), s);
        Ok(with_attr(&planned, "zone", zone))
    }
    async fn config(
        &self,
        _: &AzureClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        let network = str_or_empty(p, "network_id");
        if role == "zone" {
            return zone_record(p, network);
        }
        only_role(CLOUD_NAME, "subnet", role)?;
        Ok(obj([
            ("name", attr(p, "name")),
            (
                "resource_group_name",
                s(id_segment(network, "resourceGroups", "network_id")?),
            ),
            (
                "virtual_network_name",
                s(id_segment(network, "virtualNetworks", "network_id")?),
            ),
            (
                "address_prefixes",
                string_list([str_or_empty(p, "cidr_block")]),
            ),
            (
                "default_outbound_access_enabled",
                Value::bool(get_bool(p, "public").unwrap_or(false)),
            ),
        ]))
    }
    fn outputs(&self, p: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        vec![("zone", attr(p, "zone"))]
    }
}

/// The tag of a subnet's zone record holding its zone.
const ZONE_TAG: &str = "autostack-portable-zone";

/// The name of the zone record of subnet `subnet` (in its network's resource group).
fn zone_record_name(subnet: &str) -> String {
    format!("{subnet}-zone")
}

/// The subnet's zone record. An Azure subnet has no zone and no tags, so the zone its
/// instances run in is kept on a route table of the subnet's name in the network's group,
/// tagged with the zone. It holds no routes and no subnet uses it (routing is Azure's system
/// routes, as without it); the instances read it ([`subnet_zone`]).
fn zone_record(p: &Value, network: &str) -> Result<Value, Diagnostics> {
    let mut tags = get(p, "tags").map(string_map).unwrap_or_default();
    tags.insert(ZONE_TAG.into(), str_or_empty(p, "zone").into());
    Ok(obj([
        ("name", s(&zone_record_name(str_or_empty(p, "name")))),
        (
            "resource_group_name",
            s(id_segment(network, "resourceGroups", "network_id")?),
        ),
        ("location", attr(p, "region")),
        ("tags", map_value(&tags)),
    ]))
}

/// The zone the portable subnet `subnet` (an ARM subnet ID) records for its instances, if
/// any (none: a region without zones, or a subnet made by hand).
pub(crate) async fn subnet_zone(
    c: &AzureClient,
    subnet: &str,
) -> Result<Option<String>, Diagnostics> {
    let group = id_segment(subnet, "resourceGroups", "subnet_id")?;
    let name = id_segment(subnet, "subnets", "subnet_id")?;
    let id = format!(
        "/subscriptions/{}/resourceGroups/{group}/providers/Microsoft.Network/routeTables/{}",
        c.subscription_id,
        zone_record_name(name)
    );
    let got = (c.get(&id, crate::network::API).await)
        .map_err(|e| error("Cannot read the subnet's zone", format!("{id}: {e}")))?;
    Ok(got.and_then(|t| js(&t, &format!("/tags/{ZONE_TAG}")).map(str::to_string)))
}

struct Firewall;

/// The first rule's priority; each next rule's is 10 more (room to insert rules by hand).
const FIRST_PRIORITY: i64 = 100;

/// One inbound allow rule of a network security group per portable ingress block.
fn security_rules(p: &Value) -> Value {
    let rules = get_blocks(p, "ingress")
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let ports: Vec<String> = (get(rule, "ports").and_then(Value::as_seq))
                .unwrap_or(&[])
                .iter()
                .filter_map(|v| v.as_number().map(|n| (n.to_f64() as i64).to_string()))
                .collect();
            let protocol = match str_or_empty(rule, "protocol") {
                "tcp" => "Tcp",
                "udp" => "Udp",
                "icmp" => "Icmp",
                _ => "*",
            };
            let sources = get_strings(rule, "cidr_blocks");
            let any_port = ports.is_empty() || matches!(protocol, "Icmp" | "*");
            let (port, port_set) = match any_port {
                true => (s("*"), Value::null()),
                false => (Value::null(), string_set(&ports)),
            };
            let (source, source_set) = match sources.is_empty() {
                true => (s("*"), Value::null()),
                false => (Value::null(), string_set(&sources)),
            };
            obj([
                ("name", s(&format!("ingress-{i}"))),
                ("description", s("portable_firewall ingress")),
                ("protocol", s(protocol)),
                ("source_port_range", s("*")),
                ("destination_port_range", port),
                ("destination_port_ranges", port_set),
                ("source_address_prefix", source),
                ("source_address_prefixes", source_set),
                ("destination_address_prefix", s("*")),
                ("access", s("Allow")),
                ("priority", Value::int(FIRST_PRIORITY + 10 * i as i64)),
                ("direction", s("Inbound")),
            ])
        });
    Value::tuple(rules.collect())
}

#[async_trait]
impl Realize<AzureClient> for Firewall {
    fn kind(&self) -> Kind {
        Kind::Firewall
    }
    fn main_role(&self) -> &'static str {
        "nsg"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("nsg", "azurerm_network_security_group")]
    }
    async fn plan(
        &self,
        c: &AzureClient,
        planned: Value,
        prior: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        // Instances with several firewalls copy the rules: they change with them.
        if let Some(prior) = prior {
            if security_rules(prior) != security_rules(&planned) {
                c.note_firewall_change(str_or_empty(prior, "id"));
            }
        }
        Ok(planned)
    }
    async fn config(
        &self,
        _: &AzureClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        only_role(CLOUD_NAME, "nsg", role)?;
        let network = str_or_empty(p, "network_id");
        Ok(obj([
            ("name", attr(p, "name")),
            (
                "resource_group_name",
                s(id_segment(network, "resourceGroups", "network_id")?),
            ),
            ("location", attr(p, "region")),
            ("security_rule", security_rules(p)),
            ("tags", tags(p)),
        ]))
    }
    fn outputs(&self, _: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
}

struct Bucket;

/// A storage account name from a bucket name: its lowercase letters and digits, at most 24
/// (Azure's rule); bucket names are 3 to 63 characters, so at least 3 remain unless the name
/// is mostly dashes and dots.
pub fn account_name(bucket: &str) -> String {
    let name: String = (bucket.chars())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(24)
        .collect();
    match name.len() {
        0..=2 => format!("{name}bkt"),
        _ => name,
    }
}

#[async_trait]
impl Realize<AzureClient> for Bucket {
    fn kind(&self) -> Kind {
        Kind::Bucket
    }
    fn main_role(&self) -> &'static str {
        "container"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![
            ("group", "azurerm_resource_group"),
            ("account", "azurerm_storage_account"),
            ("container", "azurerm_storage_container"),
        ]
    }
    async fn config(
        &self,
        _: &AzureClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let name = str_or_empty(p, "name");
        let versioning = obj([(
            "versioning_enabled",
            Value::bool(get_bool(p, "versioning").unwrap_or(false)),
        )]);
        Ok(match role {
            "group" => group_config(p, &format!("{name}-rg")),
            "account" => obj([
                ("name", s(&account_name(name))),
                ("resource_group_name", s(done.str("group", "name"))),
                ("location", attr(p, "region")),
                ("account_tier", s("Standard")),
                ("account_replication_type", s("LRS")),
                ("account_kind", s("StorageV2")),
                ("allow_nested_items_to_be_public", Value::bool(false)),
                ("blob_properties", Value::tuple(vec![versioning])),
                ("tags", tags(p)),
            ]),
            "container" => obj([
                ("name", s(&name.replace('.', "-"))),
                ("storage_account_id", s(done.id("account"))),
                ("container_access_type", s("private")),
            ]),
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        let endpoint = done.str("account", "primary_blob_endpoint");
        let container = done.str("container", "name");
        let url = format!("{}/{container}", endpoint.trim_end_matches('/'));
        vec![("url", s(&url))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_account_names_keep_letters_and_digits_up_to_24() {
        assert_eq!(account_name("portable-web-assets"), "portablewebassets");
        assert_eq!(
            account_name("a.very-long-bucket-name-for-assets-2026"),
            "averylongbucketnameforas"
        );
        assert_eq!(account_name("a-b"), "abbkt");
    }

    #[test]
    fn the_default_region_is_arm_location_normalized_else_eastus() {
        assert_eq!(default_region(None), "eastus");
        assert_eq!(default_region(Some("West Europe".into())), "westeurope");
        assert_eq!(default_region(Some(" ".into())), "eastus");
    }

    #[test]
    fn ids_yield_their_group_and_network() {
        let id = "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vn/subnets/a";
        assert_eq!(
            id_segment(id, "resourceGroups", "subnet_id").ok(),
            Some("rg1")
        );
        assert_eq!(
            id_segment(id, "virtualNetworks", "subnet_id").ok(),
            Some("vn")
        );
        assert!(id_segment("vpc-123", "resourceGroups", "network_id").is_err());
    }
}
