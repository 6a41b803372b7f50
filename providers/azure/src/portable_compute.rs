//! The portable instance and disk on Azure (see [`crate::portable`]): an instance is a
//! network interface in its subnet (with a static Standard public IP when `public_ip`, and its
//! firewall's security group associated with it, or with several firewalls a group of its own
//! holding their union: [`crate::portable_firewalls`]) and a Linux VM in the network's
//! resource group, in the zone its subnet records (so is the public IP), of the size the cost
//! catalog picks, booted from the image's marketplace reference, with the admin user
//! `portable` and the given SSH key;
//! a disk is a managed disk of the class's storage type in its own resource group, attached
//! at the VM's first free LUN when `instance_id` is set.

use crate::compute::VM_API;
use crate::portable::{attr, id_segment, obj, s, subnet_zone, tags, unknown_role, CLOUD_NAME};
use crate::portable_firewalls::{plan_digest, recorded, union_config, unions, UNION_ROLE};
use crate::prelude::*;
use autostack_provider_portable::schema::FIREWALL_RULES_DIGEST;
use autostack_provider_portable::sizing::plan_size;
use autostack_provider_portable::{Cloud, Image, Kind, Members, Realize, Role};
use autostack_provider_sdk::attrs::{error, string_list};
use base64::Engine as _;

/// The VM's administrator (the SSH key's user), as on Compute Engine.
pub const ADMIN_USER: &str = "portable";

/// The storage type of the OS disk (the "ssd" class, as on the other clouds' boot disks).
const OS_DISK_TYPE: &str = "StandardSSD_LRS";

/// A managed disk's storage account type for a portable disk class.
pub fn storage_type(class: &str) -> &'static str {
    match class {
        "standard" => "Standard_LRS",
        "premium" => "Premium_LRS",
        _ => "StandardSSD_LRS",
    }
}

/// The portable instance on Azure.
pub struct Instance;

#[async_trait]
impl Realize<AzureClient> for Instance {
    fn kind(&self) -> Kind {
        Kind::Instance
    }
    fn main_role(&self) -> &'static str {
        "vm"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = Vec::new();
        if get_bool(p, "public_ip").unwrap_or(false) {
            m.push(("public_ip", "azurerm_public_ip"));
        }
        m.push(("nic", "azurerm_network_interface"));
        if unions(p) {
            m.push((UNION_ROLE, "azurerm_network_security_group"));
        }
        if !get_strings(p, "firewall_ids").is_empty() {
            m.push((
                "firewall",
                "azurerm_network_interface_security_group_association",
            ));
        }
        m.push(("vm", "azurerm_linux_virtual_machine"));
        m
    }
    async fn plan(
        &self,
        c: &AzureClient,
        planned: Value,
        prior: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let digest = plan_digest(c, &planned, prior).await?;
        let planned = with_attr(&planned, FIREWALL_RULES_DIGEST, digest);
        let planned = plan_size(Cloud::Azure, planned, prior)?;
        let planned = with_attr(
            &planned,
            "concrete_type",
            s("azurerm_linux_virtual_machine"),
        );
        let image = get_str(&planned, "image").and_then(Image::parse);
        match (image, get_str(&planned, "arch")) {
            (Some(i), Some(arch)) => {
                let m = i.azure(arch);
                let urn = format!("{}:{}:{}:latest", m.publisher, m.offer, m.sku);
                Ok(with_attr(&planned, "image_id", s(&urn)))
            }
            _ => Ok(planned),
        }
    }
    async fn config(
        &self,
        c: &AzureClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let subnet = str_or_empty(p, "subnet_id");
        let group = s(id_segment(subnet, "resourceGroups", "subnet_id")?);
        let name = str_or_empty(p, "name");
        Ok(match role {
            // A Standard public IP in the VM's zone (zonal, as the VM is).
            "public_ip" => obj([
                ("name", s(&format!("{name}-ip"))),
                ("resource_group_name", group),
                ("location", attr(p, "region")),
                ("allocation_method", s("Static")),
                ("sku", s("Standard")),
                ("zones", zone_set(vm_zone(c, p, subnet).await?)),
                ("tags", tags(p)),
            ]),
            "nic" => {
                let public = match done.get("public_ip") {
                    Some(ip) => s(ip.id()),
                    None => Value::null(),
                };
                let ip = obj([
                    ("name", s("internal")),
                    ("subnet_id", s(subnet)),
                    ("private_ip_address_allocation", s("Dynamic")),
                    ("public_ip_address_id", public),
                ]);
                obj([
                    ("name", s(&format!("{name}-nic"))),
                    ("resource_group_name", group),
                    ("location", attr(p, "region")),
                    ("ip_configuration", Value::tuple(vec![ip])),
                    ("tags", tags(p)),
                ])
            }
            UNION_ROLE => union_config(c, p, group).await?,
            "firewall" => {
                let nsg = match done.get(UNION_ROLE) {
                    Some(own) => own.id().to_string(),
                    None => get_strings(p, "firewall_ids").concat(),
                };
                obj([
                    ("network_interface_id", s(done.id("nic"))),
                    ("network_security_group_id", s(&nsg)),
                ])
            }
            "vm" => {
                let zone = vm_zone(c, p, subnet).await?;
                let zone = zone.as_deref().map_or(Value::Null(Type::String), s);
                with_attr(&vm_config(p, group, done)?, "zone", zone)
            }
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        vec![
            ("private_ip", s(done.str("vm", "private_ip_address"))),
            ("public_ip_address", s(done.str("vm", "public_ip_address"))),
            ("zone", s(done.str("vm", "zone"))),
            (FIREWALL_RULES_DIGEST, recorded(done)),
        ]
    }
}

/// The zone of the instance's VM (and public IP): the one its subnet records when it is made;
/// once it exists, the zone it runs in (zones are fixed at creation, so an update never
/// moves it, nor places a VM made before subnets recorded zones).
async fn vm_zone(c: &AzureClient, p: &Value, subnet: &str) -> Result<Option<String>, Diagnostics> {
    let made = get(p, "id").is_some_and(|id| !id.is_unknown() && !id.is_null());
    match made {
        true => Ok(get_str(p, "zone")
            .filter(|z| !z.is_empty())
            .map(str::to_string)),
        false => subnet_zone(c, subnet).await,
    }
}

/// A `zones` set of the one zone, else null (a regional object).
fn zone_set(zone: Option<String>) -> Value {
    match zone {
        Some(z) => string_set([z]),
        None => Value::Null(Type::set(Type::String)),
    }
}

/// The VM's configuration: the chosen size, the image, the SSH key, the NIC made before it.
fn vm_config(p: &Value, group: Value, done: &Members) -> Result<Value, Diagnostics> {
    let Some(key) = get_str(p, "ssh_public_key") else {
        return Err(error(
            "Missing ssh_public_key",
            "A portable_instance on Azure needs ssh_public_key: Azure Linux VMs are reached with an SSH key (password sign-in is off).",
        ));
    };
    let arch = get_str(p, "arch").unwrap_or("x86_64");
    let Some(image) = get_str(p, "image").and_then(Image::parse) else {
        return Err(error(
            "Invalid image",
            "The image has no Azure marketplace reference.",
        ));
    };
    let m = image.azure(arch);
    let image = obj([
        ("publisher", s(m.publisher)),
        ("offer", s(m.offer)),
        ("sku", s(m.sku)),
        ("version", s("latest")),
    ]);
    let os_disk = obj([
        ("caching", s("ReadWrite")),
        ("storage_account_type", s(OS_DISK_TYPE)),
        ("disk_size_gb", attr(p, "root_disk_size")),
    ]);
    let ssh = obj([("username", s(ADMIN_USER)), ("public_key", s(key.trim()))]);
    let custom_data = match get_str(p, "user_data") {
        Some(u) => s(&base64::engine::general_purpose::STANDARD.encode(u)),
        None => Value::null(),
    };
    Ok(obj([
        ("name", attr(p, "name")),
        ("resource_group_name", group),
        ("location", attr(p, "region")),
        ("size", attr(p, "instance_type")),
        ("admin_username", s(ADMIN_USER)),
        ("network_interface_ids", string_list([done.id("nic")])),
        ("os_disk", Value::tuple(vec![os_disk])),
        ("source_image_reference", Value::tuple(vec![image])),
        ("admin_ssh_key", Value::tuple(vec![ssh])),
        ("custom_data", custom_data),
        ("tags", tags(p)),
    ]))
}

/// The portable disk on Azure.
pub struct Disk;

/// The LUN managed disk `disk` has on VM `vm` (it stays there while attached), else the
/// VM's first free one.
async fn lun_for(c: &AzureClient, vm: &str, disk: &str) -> Result<i64, Diagnostics> {
    let got = (c.get(vm, VM_API).await)
        .map_err(|e| error("Cannot read the disk's instance", format!("{vm}: {e}")))?;
    let Some(got) = got else {
        return Err(error(
            "Instance not found",
            format!("instance_id {vm:?} names no VM."),
        ));
    };
    let disks = jarray(&got, "/properties/storageProfile/dataDisks");
    let lun = |d: &Json| d.get("lun").and_then(Json::as_i64);
    let mine = disks
        .iter()
        .find(|d| js(d, "/managedDisk/id").is_some_and(|id| id.eq_ignore_ascii_case(disk)));
    if let Some(l) = mine.and_then(lun) {
        return Ok(l);
    }
    let used: Vec<i64> = disks.iter().filter_map(lun).collect();
    Ok((0..64).find(|l| !used.contains(l)).unwrap_or(64))
}

#[async_trait]
impl Realize<AzureClient> for Disk {
    fn kind(&self) -> Kind {
        Kind::Disk
    }
    fn main_role(&self) -> &'static str {
        "disk"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = vec![
            ("group", "azurerm_resource_group"),
            ("disk", "azurerm_managed_disk"),
        ];
        if get_str(p, "instance_id").is_some() {
            m.push(("attachment", "azurerm_virtual_machine_data_disk_attachment"));
        }
        m
    }
    async fn plan(
        &self,
        _: &AzureClient,
        planned: Value,
        _: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let class = get_str(&planned, "class").unwrap_or("ssd");
        Ok(with_attr(&planned, "disk_type", s(storage_type(class))))
    }
    async fn config(
        &self,
        c: &AzureClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let name = str_or_empty(p, "name");
        Ok(match role {
            "group" => obj([
                ("name", s(&format!("{name}-rg"))),
                ("location", attr(p, "region")),
                ("tags", tags(p)),
            ]),
            "disk" => obj([
                ("name", s(name)),
                ("resource_group_name", s(done.str("group", "name"))),
                ("location", attr(p, "region")),
                ("storage_account_type", attr(p, "disk_type")),
                ("create_option", s("Empty")),
                ("disk_size_gb", attr(p, "size")),
                ("tags", tags(p)),
            ]),
            "attachment" => {
                let vm = str_or_empty(p, "instance_id");
                let lun = lun_for(c, vm, done.id("disk")).await?;
                obj([
                    ("managed_disk_id", s(done.id("disk"))),
                    ("virtual_machine_id", s(vm)),
                    ("lun", Value::int(lun)),
                    ("caching", s("ReadWrite")),
                ])
            }
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        vec![("zone", s(done.str("disk", "zone")))]
    }
}
