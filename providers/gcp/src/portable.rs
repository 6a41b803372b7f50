//! The portable types on Google Cloud: how each maps to this provider's own resource types.
//! A network is a custom-mode VPC network; a subnet a subnetwork (its zone, which Compute
//! Engine subnetworks do not have, is kept in its description for the instances placed in
//! it); a firewall a firewall rule targeting the instances tagged with its name; an instance
//! a VM of the size the cost catalog picks, booted from the image's family (with an
//! ephemeral external address when public); a disk a persistent disk (and its attachment);
//! a bucket a Cloud Storage bucket. Everything else is `autostack-provider-portable`'s.

use crate::client::GcpClient;
use crate::config::GcpFactory;
use crate::wire::last_segment;
use async_trait::async_trait;
use autostack_provider_portable::sizing::{plan_disk_type, plan_size, recomputed_on_resize};
use autostack_provider_portable::values::{attr, obj, only_role, s, unknown_role};
use autostack_provider_portable::{
    zones, Cloud, FactoryBinding, Image, Kind, Members, Realize, Role,
};
use autostack_provider_sdk::attrs::{
    error, get, get_blocks, get_bool, get_int, get_str, get_strings, str_or_empty, string_list,
    string_map, with_attr,
};
use autostack_provider_sdk::Registry;
use autostack_value::{Diagnostics, Type, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The cloud as member errors name it.
const CLOUD_NAME: &str = "Google Cloud";

const CONCRETE: [&str; 7] = [
    "google_compute_network",
    "google_compute_subnetwork",
    "google_compute_firewall",
    "google_compute_instance",
    "google_compute_disk",
    "google_compute_attached_disk",
    "google_storage_bucket",
];

/// What a subnetwork's description says before the zone of its portable subnet.
const ZONE_NOTE: &str = "portable_subnet zone ";

/// `registry` (with the concrete types registered) serving the portable types too.
pub fn register(registry: Registry<GcpFactory>) -> Registry<GcpFactory> {
    let realizations: Vec<Arc<dyn Realize<GcpClient>>> = vec![
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
            cloud: Cloud::Gcp,
            factory: GcpFactory,
            region: |c| c.region.clone(),
        }),
        realizations,
        &CONCRETE,
    )
}

/// The portable `tags` as labels (Compute Engine and Cloud Storage keys are lowercase).
fn labels(p: &Value) -> Value {
    let m: BTreeMap<String, String> = get(p, "tags").map(string_map).unwrap_or_default();
    let m = m
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), s(&v.to_ascii_lowercase())));
    Value::map(Type::String, m.collect())
}

struct Network;

#[async_trait]
impl Realize<GcpClient> for Network {
    fn kind(&self) -> Kind {
        Kind::Network
    }
    fn main_role(&self) -> &'static str {
        "network"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("network", "google_compute_network")]
    }
    async fn config(
        &self,
        _: &GcpClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        only_role(CLOUD_NAME, "network", role)?;
        Ok(obj([
            ("name", attr(p, "name")),
            ("auto_create_subnetworks", Value::bool(false)),
            ("routing_mode", s("REGIONAL")),
            (
                "description",
                s(&format!(
                    "portable_network {}",
                    str_or_empty(p, "cidr_block")
                )),
            ),
        ]))
    }
    fn outputs(&self, _: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
}

struct Subnet;

#[async_trait]
impl Realize<GcpClient> for Subnet {
    fn kind(&self) -> Kind {
        Kind::Subnet
    }
    fn main_role(&self) -> &'static str {
        "subnetwork"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("subnetwork", "google_compute_subnetwork")]
    }
    async fn plan(
        &self,
        _: &GcpClient,
        planned: Value,
        _: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let region = str_or_empty(&planned, "region");
        let Some(i) = get_int(&planned, "zone_index") else {
            return Ok(planned);
        };
        let zone = zones::zone(Cloud::Gcp, region, i as usize)
            .map_err(|e| error("Invalid zone_index", e))?;
        Ok(with_attr(&planned, "zone", s(&zone)))
    }
    async fn config(
        &self,
        _: &GcpClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        only_role(CLOUD_NAME, "subnetwork", role)?;
        Ok(obj([
            ("name", attr(p, "name")),
            ("network", attr(p, "network_id")),
            ("ip_cidr_range", attr(p, "cidr_block")),
            ("region", attr(p, "region")),
            ("private_ip_google_access", Value::bool(true)),
            (
                "description",
                s(&format!("{ZONE_NOTE}{}", str_or_empty(p, "zone"))),
            ),
        ]))
    }
    fn outputs(&self, p: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        vec![("zone", attr(p, "zone"))]
    }
}

struct Firewall;

/// The allow blocks of the portable ingress rules, and their source ranges together (a
/// Compute Engine firewall rule has one list of sources for all its protocols).
fn allows(p: &Value) -> (Value, Vec<String>) {
    let mut allow = Vec::new();
    let mut sources = BTreeSet::new();
    for rule in get_blocks(p, "ingress") {
        let ports: Vec<String> = (get(rule, "ports")
            .and_then(Value::as_seq)
            .unwrap_or(&[])
            .iter())
        .filter_map(|v| v.as_number().map(|n| (n.to_f64() as i64).to_string()))
        .collect();
        let protocol = str_or_empty(rule, "protocol");
        let ports = match protocol {
            "all" | "icmp" => Value::Null(Type::list(Type::String)),
            _ => string_list(&ports),
        };
        allow.push(obj([("protocol", s(protocol)), ("ports", ports)]));
        match get_strings(rule, "cidr_blocks") {
            c if c.is_empty() => sources.insert("0.0.0.0/0".to_string()),
            c => {
                sources.extend(c);
                true
            }
        };
    }
    (Value::tuple(allow), sources.into_iter().collect())
}

#[async_trait]
impl Realize<GcpClient> for Firewall {
    fn kind(&self) -> Kind {
        Kind::Firewall
    }
    fn main_role(&self) -> &'static str {
        "firewall"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("firewall", "google_compute_firewall")]
    }
    async fn config(
        &self,
        _: &GcpClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        only_role(CLOUD_NAME, "firewall", role)?;
        let (allow, sources) = allows(p);
        Ok(obj([
            ("name", attr(p, "name")),
            ("network", attr(p, "network_id")),
            ("description", s("portable_firewall")),
            ("allow", allow),
            ("source_ranges", string_list(&sources)),
            ("target_tags", string_list([str_or_empty(p, "name")])),
        ]))
    }
    fn outputs(&self, _: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
}

struct Instance;

/// The zone the portable subnet `subnet` (a subnetwork ID) placed in its description.
async fn subnet_zone(c: &GcpClient, subnet: &str) -> Result<String, Diagnostics> {
    let parts: Vec<&str> = subnet.split('/').collect();
    let (project, region, name) = match parts.as_slice() {
        [.., "projects", p, "regions", r, "subnetworks", n] => (*p, *r, *n),
        _ => {
            return Err(error(
                "Invalid subnet_id",
                format!("{subnet:?} is not a subnetwork ID (projects/P/regions/R/subnetworks/N)."),
            ))
        }
    };
    let got = (c.compute.subnetworks.get())
        .set_project(project)
        .set_region(region)
        .set_subnetwork(name)
        .send()
        .await
        .map_err(|e| {
            error(
                "Cannot read the instance's subnetwork",
                format!("{subnet}: {e}"),
            )
        })?;
    let note = got.description.unwrap_or_default();
    match note.strip_prefix(ZONE_NOTE) {
        Some(z) if !z.is_empty() => Ok(z.to_string()),
        _ => zones::zone(Cloud::Gcp, region, 0).map_err(|e| error("No zone", e)),
    }
}

#[async_trait]
impl Realize<GcpClient> for Instance {
    fn kind(&self) -> Kind {
        Kind::Instance
    }
    fn main_role(&self) -> &'static str {
        "vm"
    }
    fn recomputed(&self, prior: &Value, planned: &Value) -> Vec<&'static str> {
        recomputed_on_resize(prior, planned)
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("vm", "google_compute_instance")]
    }
    async fn plan(
        &self,
        _: &GcpClient,
        planned: Value,
        prior: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let planned = plan_size(Cloud::Gcp, planned, prior)?;
        let planned = with_attr(&planned, "concrete_type", s("google_compute_instance"));
        let image = get_str(&planned, "image").and_then(Image::parse);
        match (image, get_str(&planned, "arch")) {
            (Some(i), Some(arch)) => Ok(with_attr(&planned, "image_id", s(i.gce_family(arch)))),
            _ => Ok(planned),
        }
    }
    async fn config(
        &self,
        c: &GcpClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        only_role(CLOUD_NAME, "vm", role)?;
        let zone = subnet_zone(c, str_or_empty(p, "subnet_id")).await?;
        let boot = obj([(
            "initialize_params",
            Value::tuple(vec![obj([
                ("image", attr(p, "image_id")),
                ("size", attr(p, "root_disk_size")),
                ("type", s("pd-balanced")),
            ])]),
        )]);
        let access = match get_bool(p, "public_ip").unwrap_or(false) {
            true => vec![obj([])],
            false => Vec::new(),
        };
        let nic = obj([
            ("subnetwork", attr(p, "subnet_id")),
            ("access_config", Value::tuple(access)),
        ]);
        let tags: Vec<String> = get_strings(p, "firewall_ids")
            .iter()
            .map(|f| last_segment(f).to_string())
            .collect();
        let mut metadata = BTreeMap::new();
        if let Some(key) = get_str(p, "ssh_public_key") {
            metadata.insert(
                "ssh-keys".to_string(),
                s(&format!("portable:{}", key.trim())),
            );
        }
        Ok(obj([
            ("name", attr(p, "name")),
            ("machine_type", attr(p, "instance_type")),
            ("zone", s(&zone)),
            ("allow_stopping_for_update", Value::bool(true)),
            ("tags", string_list(&tags)),
            ("boot_disk", Value::tuple(vec![boot])),
            ("network_interface", Value::tuple(vec![nic])),
            ("metadata_startup_script", attr(p, "user_data")),
            ("metadata", Value::map(Type::String, metadata.into())),
            ("labels", labels(p)),
        ]))
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        let nic = done
            .attr("vm", "network_interface")
            .and_then(Value::as_seq)
            .and_then(|n| n.first());
        let private = nic
            .and_then(|n| get_str(n, "network_ip"))
            .unwrap_or_default();
        let access = nic
            .and_then(|n| get(n, "access_config"))
            .and_then(Value::as_seq)
            .and_then(|a| a.first());
        let public = access
            .and_then(|a| get_str(a, "nat_ip"))
            .unwrap_or_default();
        vec![
            ("private_ip", s(private)),
            ("public_ip_address", s(public)),
            ("zone", s(done.str("vm", "zone"))),
        ]
    }
}

struct Disk;

/// The zone of instance `id` (`projects/P/zones/Z/instances/N`).
fn instance_zone(id: &str) -> Option<&str> {
    let parts: Vec<&str> = id.split('/').collect();
    let at = parts.iter().position(|p| *p == "zones")?;
    parts.get(at + 1).copied()
}

#[async_trait]
impl Realize<GcpClient> for Disk {
    fn kind(&self) -> Kind {
        Kind::Disk
    }
    fn main_role(&self) -> &'static str {
        "disk"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = vec![("disk", "google_compute_disk")];
        if get_str(p, "instance_id").is_some() {
            m.push(("attachment", "google_compute_attached_disk"));
        }
        m
    }
    async fn plan(
        &self,
        _: &GcpClient,
        planned: Value,
        _: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        Ok(plan_disk_type(Cloud::Gcp, planned))
    }
    async fn config(
        &self,
        _: &GcpClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let instance = get_str(p, "instance_id");
        Ok(match role {
            "disk" => {
                let zone = match (done.get("disk"), instance.and_then(instance_zone)) {
                    (Some(_), _) => done.str("disk", "zone").to_string(),
                    (None, Some(z)) => z.to_string(),
                    (None, None) => zones::zone(Cloud::Gcp, str_or_empty(p, "region"), 0)
                        .map_err(|e| error("No zone", e))?,
                };
                obj([
                    ("name", attr(p, "name")),
                    ("type", attr(p, "disk_type")),
                    ("zone", s(&zone)),
                    ("size", attr(p, "size")),
                    ("labels", labels(p)),
                ])
            }
            "attachment" => obj([
                ("disk", s(done.id("disk"))),
                ("instance", s(instance.unwrap_or_default())),
            ]),
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        vec![("zone", s(done.str("disk", "zone")))]
    }
}

struct Bucket;

#[async_trait]
impl Realize<GcpClient> for Bucket {
    fn kind(&self) -> Kind {
        Kind::Bucket
    }
    fn main_role(&self) -> &'static str {
        "bucket"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("bucket", "google_storage_bucket")]
    }
    async fn config(
        &self,
        _: &GcpClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        only_role(CLOUD_NAME, "bucket", role)?;
        let versioning = obj([(
            "enabled",
            Value::bool(get_bool(p, "versioning").unwrap_or(false)),
        )]);
        Ok(obj([
            ("name", attr(p, "name")),
            (
                "location",
                s(&str_or_empty(p, "region").to_ascii_uppercase()),
            ),
            ("force_destroy", attr(p, "force_destroy")),
            ("versioning", Value::tuple(vec![versioning])),
            ("labels", labels(p)),
        ]))
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        vec![("url", s(&format!("gs://{}", done.id("bucket"))))]
    }
}
