//! Azure: how azurerm_* resources are read, and how each kind is written as azurerm_*
//! resources (with the resource group, locations and network interfaces Azure needs).

use super::super::hclexpr::{call, interpolate, path};
use super::super::model::{Item, Kind};
use super::super::read::{lookup, ReadRule};
use super::super::values;
use super::super::write::{block, Cx, Need, Out, Part, Val, WriteRule};
use super::azure_union::{has_group, has_groups, nic_group, union_name, union_rules};
use super::common::{self, cidrs, ports, protocol};
use autostack_lang::syntax::Block;
use hcl::Expression;

const ID: &[(&str, &str)] = &[("id", "id")];
const PLACED: &[(&str, &str)] = &[("location", ""), ("resource_group_name", "")];

/// How azurerm_* resources are read.
pub const READ: &[ReadRule] = &[
    ReadRule {
        ty: "azurerm_resource_group",
        data: false,
        kind: Kind::ResourceGroup,
        attrs: &[("name", "name"), ("location", "location")],
        drop: &[("tags", "")],
        refs: &[("name", "name"), ("location", "location")],
        special: None,
    },
    ReadRule {
        ty: "azurerm_virtual_network",
        data: false,
        kind: Kind::Network,
        attrs: &[
            ("name", "name"),
            ("tags", "tags"),
            ("address_space", "cidrs"),
        ],
        drop: PLACED,
        refs: &[("id", "id"), ("name", "id")],
        special: Some(first_cidr),
    },
    ReadRule {
        ty: "azurerm_subnet",
        data: false,
        kind: Kind::Subnet,
        attrs: &[
            ("name", "name"),
            ("virtual_network_name", "network"),
            ("address_prefixes", "cidrs"),
        ],
        drop: &[
            ("resource_group_name", ""),
            ("service_endpoints", "service endpoints have no equivalent"),
        ],
        refs: &[("id", "id"), ("name", "id")],
        special: Some(first_cidr),
    },
    ReadRule {
        ty: "azurerm_network_security_group",
        data: false,
        kind: Kind::Firewall,
        attrs: &[("name", "name"), ("tags", "tags")],
        drop: PLACED,
        refs: &[("id", "id"), ("name", "id")],
        special: None,
    },
    ReadRule {
        ty: "azurerm_network_security_rule",
        data: false,
        kind: Kind::Rule,
        attrs: &[
            ("network_security_group_name", "firewall"),
            ("protocol", "protocol"),
            ("destination_port_range", "port"),
            ("destination_port_ranges", "ports"),
            ("description", "description"),
        ],
        drop: &[
            ("name", ""),
            ("priority", "priorities are renumbered"),
            ("direction", ""),
            ("access", ""),
            ("source_port_range", ""),
            ("source_address_prefix", ""),
            ("source_address_prefixes", ""),
            ("destination_address_prefix", ""),
            ("resource_group_name", ""),
        ],
        refs: ID,
        special: Some(nsg_rule),
    },
    ReadRule {
        ty: "azurerm_public_ip",
        data: false,
        kind: Kind::PublicIp,
        attrs: &[("name", "name"), ("tags", "tags")],
        drop: &[
            ("location", ""),
            ("resource_group_name", ""),
            ("allocation_method", ""),
            ("sku", ""),
        ],
        refs: &[("id", "id"), ("ip_address", "address")],
        special: None,
    },
    ReadRule {
        ty: "azurerm_network_interface",
        data: false,
        kind: Kind::Nic,
        attrs: &[
            ("name", "name"),
            ("ip_configuration.subnet_id", "subnet"),
            ("ip_configuration.public_ip_address_id", "public_ip_ref"),
        ],
        drop: &[
            ("location", ""),
            ("resource_group_name", ""),
            ("tags", ""),
            ("ip_configuration", ""),
        ],
        refs: &[("id", "id"), ("private_ip_address", "private_ip")],
        special: None,
    },
    ReadRule {
        ty: "azurerm_linux_virtual_machine",
        data: false,
        kind: Kind::Instance,
        attrs: &[
            ("name", "name"),
            ("size", "size"),
            ("network_interface_ids", "nics"),
            ("admin_ssh_key.public_key", "ssh_key"),
            ("admin_username", "ssh_user"),
            ("os_disk.storage_account_type", "root_type"),
            ("os_disk.disk_size_gb", "root_size"),
            ("custom_data", "user_data_b64"),
            ("tags", "tags"),
        ],
        drop: &[
            ("location", ""),
            ("resource_group_name", ""),
            ("admin_ssh_key", ""),
            ("os_disk", ""),
            ("source_image_reference", ""),
        ],
        refs: &[
            ("id", "id"),
            ("name", "id"),
            ("private_ip_address", "private_ip"),
            ("public_ip_address", "public_ip"),
        ],
        special: Some(vm_image),
    },
    ReadRule {
        ty: "azurerm_managed_disk",
        data: false,
        kind: Kind::Disk,
        attrs: &[
            ("name", "name"),
            ("storage_account_type", "disk_type"),
            ("disk_size_gb", "size"),
            ("tags", "tags"),
        ],
        drop: &[
            ("location", ""),
            ("resource_group_name", ""),
            ("create_option", ""),
        ],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "azurerm_virtual_machine_data_disk_attachment",
        data: false,
        kind: Kind::Attachment,
        attrs: &[
            ("managed_disk_id", "disk"),
            ("virtual_machine_id", "instance"),
            ("lun", "lun"),
        ],
        drop: &[("caching", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "azurerm_storage_account",
        data: false,
        kind: Kind::Account,
        attrs: &[("name", "name")],
        drop: &[
            ("location", ""),
            ("resource_group_name", ""),
            ("account_tier", ""),
            ("account_replication_type", ""),
            ("tags", ""),
        ],
        refs: &[("name", "name")],
        special: None,
    },
    ReadRule {
        ty: "azurerm_storage_container",
        data: false,
        kind: Kind::Bucket,
        attrs: &[("name", "container"), ("storage_account_id", "account")],
        drop: &[("container_access_type", "buckets are private on the target")],
        refs: &[("id", "id"), ("name", "name")],
        special: None,
    },
];

/// `address_space` / `address_prefixes`: the first range is the network's CIDR.
fn first_cidr(_: &Block, it: &mut Item, _: &mut Vec<Item>) -> Result<(), String> {
    if let Some(Expression::Array(xs)) = it.get("cidrs") {
        if let Some(first) = xs.first().cloned() {
            it.attrs.insert("cidr", first);
        }
    }
    Ok(())
}

/// Direction, access, and sources of a security rule.
fn nsg_rule(b: &Block, it: &mut Item, _: &mut Vec<Item>) -> Result<(), String> {
    if matches!(lookup(&b.body, "direction")?, Some(Expression::String(d)) if d == "Outbound") {
        it.kind = Kind::EgressRule;
    }
    if matches!(lookup(&b.body, "access")?, Some(Expression::String(a)) if a == "Deny") {
        return Err(format!(
            "{}: deny rules are not translated (other clouds' firewalls only allow)",
            it.address()
        ));
    }
    if let Some(p) = it.attrs.shift_remove("port") {
        it.attrs.insert("ports", Expression::Array(vec![p]));
    }
    let src = match (
        lookup(&b.body, "source_address_prefix")?,
        lookup(&b.body, "source_address_prefixes")?,
    ) {
        (_, Some(list)) => list,
        (Some(Expression::String(s)), _) if s == "*" || s == "Internet" => {
            Expression::Array(vec![Expression::String("0.0.0.0/0".into())])
        }
        (Some(one), _) => Expression::Array(vec![one]),
        _ => Expression::Array(vec![Expression::String("0.0.0.0/0".into())]),
    };
    it.attrs.insert("cidrs", src);
    Ok(())
}

fn vm_image(b: &Block, it: &mut Item, _: &mut Vec<Item>) -> Result<(), String> {
    let offer = lookup(&b.body, "source_image_reference.offer")?;
    let sku = lookup(&b.body, "source_image_reference.sku")?;
    let text = format!("{offer:?} {sku:?}");
    if let Some(f) = values::family_of(&text) {
        it.attrs.insert("family", Expression::String(f.into()));
    }
    Ok(())
}

/// An instance's network interface takes one NSG (its first group, see `nic_group`): a group
/// that comes later in some instance's list is not associated there, and is said so.
fn members(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let left_out = cx.items.iter().any(|i| {
        i.kind == Kind::Instance
            && (common::groups_of(cx, i).iter().skip(1))
                .any(|g| g.label == it.label && g.src_ty == it.src_ty)
    });
    if left_out {
        cx.lose("an instance's other security group: an Azure network interface takes one NSG, so merge this group's rules into the instance's first group");
    }
    None
}

fn rg_name(cx: &mut Cx, _: &Item) -> Option<Expression> {
    cx.needs.insert(Need::ResourceGroup);
    Some(path("azurerm_resource_group.main.name"))
}

fn rg_location(cx: &mut Cx, _: &Item) -> Option<Expression> {
    cx.needs.insert(Need::ResourceGroup);
    Some(path("azurerm_resource_group.main.location"))
}

fn list_of(key: &'static str) -> impl Fn(&Item) -> Option<Expression> {
    move |it| it.get(key).map(|c| Expression::Array(vec![c.clone()]))
}

fn address_space(_: &mut Cx, it: &Item) -> Option<Expression> {
    list_of("cidr")(it).or_else(|| {
        Some(Expression::Array(vec![Expression::String(
            "10.0.0.0/16".into(),
        )]))
    })
}

fn prefixes(_: &mut Cx, it: &Item) -> Option<Expression> {
    list_of("cidr")(it)
}

fn vnet_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let n = common::network(cx, it)?;
    common::retarget(cx, &n, 0, "name").or(Some(n))
}

fn nsg_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let f = it.get("firewall")?;
    common::retarget(cx, f, 0, "name").or(Some(f.clone()))
}

fn priority(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let n = cx
        .items
        .iter()
        .filter(|r| matches!(r.kind, Kind::Rule | Kind::EgressRule))
        .position(|r| r.label == it.label && r.src_ty == it.src_ty)?;
    Some(Expression::Number((100 + 10 * n as u64).into()))
}

pub(super) fn rule_protocol(_: &mut Cx, it: &Item) -> Option<Expression> {
    let p = protocol(it);
    let mut c = p.chars();
    let cap = c.next().map_or(String::new(), |f| {
        f.to_ascii_uppercase().to_string() + c.as_str()
    });
    Some(Expression::String(if p == "all" {
        "*".into()
    } else {
        cap
    }))
}

pub(super) fn port_ranges(_: &mut Cx, it: &Item) -> Option<Expression> {
    let ps = ports(it).unwrap_or_else(|| vec!["*".into()]);
    Some(Expression::Array(
        ps.into_iter().map(Expression::String).collect(),
    ))
}

pub(super) fn source_prefixes(_: &mut Cx, it: &Item) -> Option<Expression> {
    Some(cidrs(it))
}

fn rule_name(_: &mut Cx, it: &Item) -> Option<Expression> {
    Some(Expression::String(it.label.replace('_', "-")))
}

pub(super) fn direction(_: &mut Cx, it: &Item) -> Option<Expression> {
    Some(Expression::String(
        if it.kind == Kind::EgressRule {
            "Outbound"
        } else {
            "Inbound"
        }
        .into(),
    ))
}

fn nic_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let base = values::plain_name(cx, it)?;
    Some(interpolate(vec![Err(base), Ok("-nic".into())]))
}

fn pip_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let base = values::plain_name(cx, it)?;
    Some(interpolate(vec![Err(base), Ok("-ip".into())]))
}

/// An instance needs its own address when it is public and no static address names it.
fn needs_own_ip(cx: &Cx, it: &Item) -> bool {
    common::is_public(cx, it)
        && it.get("public_ip_ref").is_none()
        && common::address_of(cx, it).is_none()
}

fn nic_public_ip(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(r) = it.get("public_ip_ref") {
        return common::retarget(cx, r, 0, "id");
    }
    if let Some(addr) = common::address_of(cx, it) {
        if it.count.is_some() {
            cx.lose(format!(
                "{} is attached to one instance of a counted group: attach it by hand",
                addr.address()
            ));
            return None;
        }
        return Some(path(&format!("{}.{}.id", addr.src_ty, addr.label)));
    }
    needs_own_ip(cx, it)
        .then(|| common::sibling(cx, it, 2, "id"))
        .flatten()
}

fn nic_ids(cx: &mut Cx, it: &Item) -> Option<Expression> {
    Some(Expression::Array(vec![nic_own_id(cx, it)?]))
}

/// The instance's generated network interface (its first output).
fn nic_own_id(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::sibling(cx, it, 0, "id")
}

fn admin_user(_: &mut Cx, it: &Item) -> Option<Expression> {
    Some(
        it.get("ssh_user")
            .cloned()
            .unwrap_or(Expression::String("azureuser".into())),
    )
}

fn admin_key(cx: &mut Cx, it: &Item) -> Vec<hcl::Block> {
    let key = super::gcp::ssh_key(cx, it).unwrap_or_else(|| {
        cx.needs.insert(Need::Variable(
            "admin_ssh_public_key",
            "The SSH public key of the VMs' admin user (Azure Linux VMs need one).",
        ));
        cx.notes.push(
            "admin SSH key: var.admin_ssh_public_key (generated: the source has none)".into(),
        );
        path("var.admin_ssh_public_key")
    });
    let user = admin_user(cx, it).unwrap_or(Expression::Null);
    vec![block(
        "admin_ssh_key",
        vec![("username", user), ("public_key", key)],
    )]
}

fn os_disk_type(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::disk_type(cx, it, "root_type", true)
}

fn image_ref(cx: &mut Cx, it: &Item) -> Vec<hcl::Block> {
    let fam = values::family(cx, it);
    let (_, _, _, _, [publisher, offer, sku]) = values::image_coords(&fam);
    cx.notes
        .push(format!("image {fam} → {publisher} {offer} {sku}"));
    let s = |x: &str| Expression::String(x.into());
    vec![block(
        "source_image_reference",
        vec![
            ("publisher", s(publisher)),
            ("offer", s(offer)),
            ("sku", s(sku)),
            ("version", s("latest")),
        ],
    )]
}

fn custom_data(_: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(b) = it.get("user_data_b64") {
        return Some(b.clone());
    }
    call("base64encode", vec![it.get("user_data")?.clone()], false).ok()
}

fn disk_sku(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::disk_type(cx, it, "disk_type", false)
}

fn lun(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(l) = it.get("lun") {
        return Some(l.clone());
    }
    let n = cx
        .items
        .iter()
        .filter(|a| a.kind == Kind::Attachment)
        .position(|a| a.label == it.label && a.src_ty == it.src_ty)?;
    Some(Expression::Number((n as u64).into()))
}

/// A storage account name: 3–24 lowercase letters and digits, from the bucket's name.
fn account_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let name = it.get("name")?.clone();
    cx.notes.push(
        "storage account name: the bucket name's letters and digits, lower case, at most 24".into(),
    );
    let cleaned = call(
        "replace",
        vec![
            call("lower", vec![name], false).ok()?,
            Expression::String("/[^a-z0-9]/".into()),
            Expression::String(String::new()),
        ],
        false,
    )
    .ok()?;
    call(
        "substr",
        vec![
            cleaned,
            Expression::Number(0.into()),
            Expression::Number(24.into()),
        ],
        false,
    )
    .ok()
}

fn container_name(_: &mut Cx, it: &Item) -> Option<Expression> {
    call("lower", vec![it.get("name")?.clone()], false).ok()
}

fn account_id(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::sibling(cx, it, 0, "id")
}

/// How each kind is written on Azure.
pub const WRITE: &[WriteRule] = &[
    WriteRule { kind: Kind::Network, rule: "virtual network in the generated resource group", outs: &[Out { ty: "azurerm_virtual_network", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::plain_name)), Part::Attr("address_space", Val::F(address_space)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("tags", Val::A("tags"))],
        refs: &[("id", "id"), ("name", "name")] }] },
    WriteRule { kind: Kind::Subnet, rule: "subnet (Azure subnets span the region's zones)", outs: &[Out { ty: "azurerm_subnet", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::plain_name)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("virtual_network_name", Val::F(vnet_name)), Part::Attr("address_prefixes", Val::F(prefixes))],
        refs: &[("id", "id"), ("name", "name")] }] },
    WriteRule { kind: Kind::Firewall, rule: "network security group", outs: &[Out { ty: "azurerm_network_security_group", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::plain_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("tags", Val::A("tags")), Part::Attr("", Val::F(members))],
        refs: &[("id", "id"), ("name", "name")] }] },
    WriteRule { kind: Kind::Rule, rule: "network security rule (Allow, priorities 100, 110, ...)", outs: &[Out { ty: "azurerm_network_security_rule", data: false, when: None, parts: RULE_PARTS, refs: ID }] },
    WriteRule { kind: Kind::EgressRule, rule: "outbound network security rule (allow-all outbound is Azure's default and is not written)", outs: &[Out { ty: "azurerm_network_security_rule", data: false, when: Some(common::writes_egress), parts: RULE_PARTS, refs: ID }] },
    WriteRule { kind: Kind::Instance, rule: "Linux VM with a generated network interface (and public IP when the source is public; a group of its own holding the union of its groups' rules when it has several)", outs: &[
        Out { ty: "azurerm_network_interface", data: false, when: None,
            parts: &[Part::Attr("name", Val::F(nic_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("ip_configuration.name", Val::L("\"internal\"")), Part::Attr("ip_configuration.subnet_id", Val::A("subnet")), Part::Attr("ip_configuration.private_ip_address_allocation", Val::L("\"Dynamic\"")), Part::Attr("ip_configuration.public_ip_address_id", Val::F(nic_public_ip))],
            refs: &[] },
        Out { ty: "azurerm_linux_virtual_machine", data: false, when: None,
            parts: &[Part::Attr("name", Val::F(values::plain_name)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("size", Val::F(values::size)), Part::Attr("admin_username", Val::F(admin_user)), Part::Attr("network_interface_ids", Val::F(nic_ids)), Part::Blocks(admin_key),
                Part::Attr("os_disk.caching", Val::L("\"ReadWrite\"")), Part::Attr("os_disk.storage_account_type", Val::F(os_disk_type)), Part::Attr("os_disk.disk_size_gb", Val::A("root_size")), Part::Blocks(image_ref), Part::Attr("custom_data", Val::F(custom_data)), Part::Attr("tags", Val::A("tags"))],
            refs: &[("id", "id"), ("name", "name"), ("private_ip", "private_ip_address"), ("public_ip", "public_ip_address")] },
        Out { ty: "azurerm_public_ip", data: false, when: Some(needs_own_ip),
            parts: &[Part::Attr("name", Val::F(pip_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("allocation_method", Val::L("\"Static\"")), Part::Attr("sku", Val::L("\"Standard\""))],
            refs: &[] },
        Out { ty: "azurerm_network_interface_security_group_association", data: false, when: Some(has_group),
            parts: &[Part::Attr("network_interface_id", Val::F(nic_own_id)), Part::Attr("network_security_group_id", Val::F(nic_group))],
            refs: &[] },
        Out { ty: "azurerm_network_security_group", data: false, when: Some(has_groups),
            parts: &[Part::Attr("name", Val::F(union_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Blocks(union_rules), Part::Attr("tags", Val::A("tags"))],
            refs: &[] },
    ] },
    WriteRule { kind: Kind::Disk, rule: "managed disk", outs: &[Out { ty: "azurerm_managed_disk", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::plain_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("storage_account_type", Val::F(disk_sku)), Part::Attr("create_option", Val::L("\"Empty\"")), Part::Attr("disk_size_gb", Val::A("size")), Part::Attr("tags", Val::A("tags"))],
        refs: ID }] },
    WriteRule { kind: Kind::Attachment, rule: "data disk attachment", outs: &[Out { ty: "azurerm_virtual_machine_data_disk_attachment", data: false, when: None,
        parts: &[Part::Attr("managed_disk_id", Val::A("disk")), Part::Attr("virtual_machine_id", Val::A("instance")), Part::Attr("lun", Val::F(lun)), Part::Attr("caching", Val::L("\"ReadWrite\""))], refs: ID }] },
    WriteRule { kind: Kind::PublicIp, rule: "static public IP (Standard SKU)", outs: &[Out { ty: "azurerm_public_ip", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::plain_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("allocation_method", Val::L("\"Static\"")), Part::Attr("sku", Val::L("\"Standard\"")), Part::Attr("tags", Val::A("tags"))],
        refs: &[("id", "id"), ("address", "ip_address")] }] },
    WriteRule { kind: Kind::Bucket, rule: "storage account + private blob container", outs: &[
        Out { ty: "azurerm_storage_account", data: false, when: None,
            parts: &[Part::Attr("name", Val::F(account_name)), Part::Attr("resource_group_name", Val::F(rg_name)), Part::Attr("location", Val::F(rg_location)), Part::Attr("account_tier", Val::L("\"Standard\"")), Part::Attr("account_replication_type", Val::L("\"LRS\"")), Part::Attr("tags", Val::A("tags")), Part::Attr("blob_properties.versioning_enabled", Val::A("versioning"))],
            refs: &[("url", "primary_blob_endpoint")] },
        Out { ty: "azurerm_storage_container", data: false, when: None,
            parts: &[Part::Attr("name", Val::F(container_name)), Part::Attr("storage_account_id", Val::F(account_id)), Part::Attr("container_access_type", Val::L("\"private\""))],
            refs: &[("id", "id"), ("name", "name")] },
    ] },
    WriteRule { kind: Kind::KeyPair, rule: "not written: the key goes into the VMs' admin_ssh_key", outs: &[] },
    WriteRule { kind: Kind::Zones, rule: "not written: Azure zones are \"1\", \"2\", \"3\" and the resources here need none", outs: &[] },
    WriteRule { kind: Kind::Image, rule: "not written: VMs name their marketplace image (source_image_reference)", outs: &[] },
    WriteRule { kind: Kind::Versioning, rule: "folded into the bucket", outs: &[] },
    WriteRule { kind: Kind::Routing, rule: "not written: Azure subnets route to the internet by themselves", outs: &[] },
    WriteRule { kind: Kind::ResourceGroup, rule: "resource group", outs: &[] },
    WriteRule { kind: Kind::Nic, rule: "network interface", outs: &[] },
    WriteRule { kind: Kind::Account, rule: "storage account", outs: &[] },
];

const RULE_PARTS: &[Part] = &[
    Part::Attr("name", Val::F(rule_name)),
    Part::Attr("priority", Val::F(priority)),
    Part::Attr("direction", Val::F(direction)),
    Part::Attr("access", Val::L("\"Allow\"")),
    Part::Attr("protocol", Val::F(rule_protocol)),
    Part::Attr("source_port_range", Val::L("\"*\"")),
    Part::Attr("destination_port_ranges", Val::F(port_ranges)),
    Part::Attr("source_address_prefixes", Val::F(source_prefixes)),
    Part::Attr("destination_address_prefix", Val::L("\"*\"")),
    Part::Attr("resource_group_name", Val::F(rg_name)),
    Part::Attr("network_security_group_name", Val::F(nsg_name)),
    Part::Attr("description", Val::A("description")),
];
