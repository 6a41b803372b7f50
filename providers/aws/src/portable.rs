//! The portable types on AWS: how each maps to this provider's own resource types. A
//! network is a VPC with an internet gateway and a public route table; a subnet an
//! `aws_subnet` (associated with that route table when public); a firewall a security
//! group; an instance an `aws_instance` of the size the cost catalog picks, from the AMI the
//! image's publisher names; a disk an EBS volume (and its attachment); a bucket an S3 bucket
//! (and its versioning). Everything else is `autostack-provider-portable`'s.

use crate::config::AwsFactory;
use crate::data_ami::DataAwsAmi;
use crate::prelude::*;
use autostack_provider_portable::sizing::{kept, plan_disk_type, plan_size, recomputed_on_resize};
use autostack_provider_portable::values::{obj, s, unknown_role};
use autostack_provider_portable::{
    zones, Cloud, FactoryBinding, Image, Kind, Members, Realize, Role,
};
use autostack_provider_sdk::conform::conform_value;
use autostack_provider_sdk::Registry;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The cloud as member errors name it.
const CLOUD_NAME: &str = "AWS";

/// The concrete types the portable types are made of here.
const CONCRETE: [&str; 11] = [
    "aws_vpc",
    "aws_internet_gateway",
    "aws_route_table",
    "aws_subnet",
    "aws_route_table_association",
    "aws_security_group",
    "aws_instance",
    "aws_ebs_volume",
    "aws_volume_attachment",
    "aws_s3_bucket",
    "aws_s3_bucket_versioning",
];

/// The tag marking a network's public route table, which public subnets join.
const PUBLIC_ROUTES_TAG: &str = "autostack:portable-routes";

/// `registry` (with the concrete types registered) serving the portable types too.
pub fn register(registry: Registry<AwsFactory>) -> Registry<AwsFactory> {
    let realizations: Vec<Arc<dyn Realize<AwsClient>>> = vec![
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
            cloud: Cloud::Aws,
            factory: AwsFactory,
            region: |c| c.region.clone(),
        }),
        realizations,
        &CONCRETE,
    )
}

/// The portable value's `tags` with `Name` set to its name (unless given).
fn tags(portable: &Value, suffix: &str) -> Value {
    let mut m: BTreeMap<String, String> = get(portable, "tags").map(string_map).unwrap_or_default();
    let name = str_or_empty(portable, "name");
    m.entry("Name".into())
        .or_insert_with(|| format!("{name}{suffix}"));
    Value::map(
        Type::String,
        m.into_iter().map(|(k, v)| (k, Value::string(v))).collect(),
    )
}

fn num(portable: &Value, name: &str) -> Value {
    get(portable, name).cloned().unwrap_or(Value::null())
}

struct Network;

#[async_trait]
impl Realize<AwsClient> for Network {
    fn kind(&self) -> Kind {
        Kind::Network
    }
    fn main_role(&self) -> &'static str {
        "vpc"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![
            ("vpc", "aws_vpc"),
            ("gateway", "aws_internet_gateway"),
            ("routes", "aws_route_table"),
        ]
    }
    async fn config(
        &self,
        _: &AwsClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let vpc = s(done.id("vpc"));
        Ok(match role {
            "vpc" => obj([
                ("cidr_block", num(p, "cidr_block")),
                ("enable_dns_hostnames", Value::bool(true)),
                ("tags", tags(p, "")),
            ]),
            "gateway" => obj([("vpc_id", vpc), ("tags", tags(p, "-gw"))]),
            "routes" => {
                let route = obj([
                    ("cidr_block", s("0.0.0.0/0")),
                    ("gateway_id", s(done.id("gateway"))),
                ]);
                let t = Obj::from(&tags(p, "-public")).into_value();
                let t = with_attr(&t, PUBLIC_ROUTES_TAG, s("public"));
                let t = Value::map(Type::String, t.as_entries().cloned().unwrap_or_default());
                obj([
                    ("vpc_id", vpc),
                    ("route", Value::tuple(vec![route])),
                    ("tags", t),
                ])
            }
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
}

/// The public route table of the VPC `vpc` (tagged by its portable network).
async fn public_routes(c: &AwsClient, vpc: &str) -> Result<String, Diagnostics> {
    let out = c
        .ec2
        .describe_route_tables()
        .filters(filter("vpc-id", vec![vpc.to_string()]))
        .filters(filter(
            &format!("tag:{PUBLIC_ROUTES_TAG}"),
            vec!["public".into()],
        ))
        .send()
        .await
        .aws()
        .or_diags("finding the network's public route table")?;
    let id = out.route_tables().first().and_then(|r| r.route_table_id());
    id.map(str::to_string).ok_or_else(|| {
        error(
            "No public route table",
            format!("The network {vpc} has no route table tagged {PUBLIC_ROUTES_TAG}=public: a public portable_subnet needs a network made by portable_network."),
        )
    })
}

struct Subnet;

#[async_trait]
impl Realize<AwsClient> for Subnet {
    fn kind(&self) -> Kind {
        Kind::Subnet
    }
    fn main_role(&self) -> &'static str {
        "subnet"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = vec![("subnet", "aws_subnet")];
        if get_bool(p, "public").unwrap_or(false) {
            m.push(("public_route", "aws_route_table_association"));
        }
        m
    }
    async fn plan(
        &self,
        _: &AwsClient,
        planned: Value,
        _: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let region = str_or_empty(&planned, "region");
        let Some(i) = get_int(&planned, "zone_index") else {
            return Ok(planned);
        };
        let zone = zones::zone(Cloud::Aws, region, i as usize)
            .map_err(|e| error("Invalid zone_index", e))?;
        Ok(with_attr(&planned, "zone", s(&zone)))
    }
    async fn config(
        &self,
        c: &AwsClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let network = str_or_empty(p, "network_id");
        Ok(match role {
            "subnet" => obj([
                ("vpc_id", s(network)),
                ("cidr_block", num(p, "cidr_block")),
                ("availability_zone", num(p, "zone")),
                ("map_public_ip_on_launch", num(p, "public")),
                ("tags", tags(p, "")),
            ]),
            "public_route" => obj([
                ("subnet_id", s(done.id("subnet"))),
                ("route_table_id", s(&public_routes(c, network).await?)),
            ]),
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        vec![("zone", s(done.str("subnet", "availability_zone")))]
    }
}

struct Firewall;

/// One security group rule per port of a portable ingress rule (all ports when none).
fn sg_rules(p: &Value) -> Value {
    let mut out = Vec::new();
    for rule in get_blocks(p, "ingress") {
        let protocol = str_or_empty(rule, "protocol");
        let cidrs = match get_strings(rule, "cidr_blocks") {
            c if c.is_empty() => vec!["0.0.0.0/0".to_string()],
            c => c,
        };
        let ports: Vec<i64> = (get(rule, "ports")
            .and_then(Value::as_seq)
            .unwrap_or(&[])
            .iter())
        .filter_map(|v| v.as_number().map(|n| n.to_f64() as i64))
        .collect();
        let (proto, ranges) = match protocol {
            "all" => ("-1", vec![(0, 0)]),
            "icmp" => ("icmp", vec![(-1, -1)]),
            p if ports.is_empty() => (p, vec![(0, 65535)]),
            p => (p, ports.iter().map(|&n| (n, n)).collect()),
        };
        for (from, to) in ranges {
            out.push(obj([
                ("protocol", s(proto)),
                ("from_port", Value::int(from)),
                ("to_port", Value::int(to)),
                ("cidr_blocks", string_list(&cidrs)),
            ]));
        }
    }
    Value::tuple(out)
}

#[async_trait]
impl Realize<AwsClient> for Firewall {
    fn kind(&self) -> Kind {
        Kind::Firewall
    }
    fn main_role(&self) -> &'static str {
        "group"
    }
    fn members(&self, _: &Value) -> Vec<Role> {
        vec![("group", "aws_security_group")]
    }
    async fn config(
        &self,
        _: &AwsClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        if role != "group" {
            return Err(unknown_role(CLOUD_NAME, role));
        }
        let all_out = obj([
            ("protocol", s("-1")),
            ("from_port", Value::int(0)),
            ("to_port", Value::int(0)),
            ("cidr_blocks", string_list(["0.0.0.0/0"])),
        ]);
        Ok(obj([
            ("name", num(p, "name")),
            ("description", s("portable_firewall")),
            ("vpc_id", num(p, "network_id")),
            ("ingress", sg_rules(p)),
            ("egress", Value::tuple(vec![all_out])),
            ("tags", tags(p, "")),
        ]))
    }
    fn outputs(&self, _: &Value, _: &Members) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
}

struct Instance;

/// The newest AMI of `image` for `arch` from its publisher, through the `aws_ami` data source.
async fn find_ami(c: &AwsClient, image: Image, arch: &str) -> Result<String, Diagnostics> {
    let q = image.ami(arch);
    let f = |name: &str, v: &str| obj([("name", s(name)), ("values", string_list([v]))]);
    let config = obj([
        ("owners", string_list([q.owner])),
        ("most_recent", Value::bool(true)),
        (
            "filter",
            Value::tuple(vec![f("name", &q.name), f("architecture", q.architecture)]),
        ),
    ]);
    let config = conform_value(&DataAwsAmi.schema().block, &config)?;
    match DataAwsAmi.read(c, &config).await {
        Ok(ami) => Ok(str_or_empty(&ami, "id").to_string()),
        Err(d) => Err(error(
            format!("No {} image for {arch} in {}", image.name(), c.region),
            format!(
                "No AMI of owner {} named {:?} ({}): {d}",
                q.owner, q.name, q.architecture
            ),
        )),
    }
}

#[async_trait]
impl Realize<AwsClient> for Instance {
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
        vec![("vm", "aws_instance")]
    }
    async fn plan(
        &self,
        c: &AwsClient,
        planned: Value,
        prior: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let planned = plan_size(Cloud::Aws, planned, prior)?;
        let planned = with_attr(&planned, "concrete_type", s("aws_instance"));
        if let Some(keep) = kept(prior, &planned, &["image", "arch", "region"], &["image_id"]) {
            return Ok(Obj::from(&planned).set_all(keep).into_value());
        }
        let (Some(image), Some(arch)) = (get_str(&planned, "image"), get_str(&planned, "arch"))
        else {
            return Ok(planned);
        };
        let Some(image) = Image::parse(image) else {
            return Ok(planned);
        };
        Ok(with_attr(
            &planned,
            "image_id",
            s(&find_ami(c, image, arch).await?),
        ))
    }
    async fn config(
        &self,
        _: &AwsClient,
        p: &Value,
        role: &str,
        _: &Members,
    ) -> Result<Value, Diagnostics> {
        if role != "vm" {
            return Err(unknown_role(CLOUD_NAME, role));
        }
        let root = obj([
            ("volume_size", num(p, "root_disk_size")),
            ("volume_type", s("gp3")),
        ]);
        Ok(obj([
            ("ami", num(p, "image_id")),
            ("instance_type", num(p, "instance_type")),
            ("subnet_id", num(p, "subnet_id")),
            (
                "vpc_security_group_ids",
                string_set(get_strings(p, "firewall_ids")),
            ),
            ("associate_public_ip_address", num(p, "public_ip")),
            ("user_data", num(p, "user_data")),
            ("root_block_device", Value::tuple(vec![root])),
            ("tags", tags(p, "")),
        ]))
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        let public = done.str("vm", "public_ip");
        vec![
            ("private_ip", s(done.str("vm", "private_ip"))),
            ("public_ip_address", s(public)),
            ("zone", s(done.str("vm", "availability_zone"))),
        ]
    }
}

struct Disk;

/// The zone of instance `id`, and a device name no block device of it uses yet.
async fn instance_slot(c: &AwsClient, id: &str) -> Result<(String, String), Diagnostics> {
    let out = c
        .ec2
        .describe_instances()
        .instance_ids(id)
        .send()
        .await
        .aws()
        .or_diags("reading the disk's instance")?;
    let Some(i) = out.reservations().iter().flat_map(|r| r.instances()).next() else {
        return Err(error(
            "Instance not found",
            format!("portable_disk.instance_id: no instance {id}."),
        ));
    };
    let zone = i
        .placement()
        .and_then(|p| p.availability_zone())
        .unwrap_or_default();
    let used: Vec<&str> = i
        .block_device_mappings()
        .iter()
        .filter_map(|b| b.device_name())
        .collect();
    let device = ('f'..='p')
        .map(|l| format!("/dev/sd{l}"))
        .find(|d| {
            !used
                .iter()
                .any(|u| u.ends_with(&d[5..]) && u.len() >= d.len() - 1)
        })
        .ok_or_else(|| {
            error(
                "No free device name",
                format!("Instance {id} has every device from /dev/sdf to /dev/sdp in use."),
            )
        })?;
    Ok((zone.to_string(), device))
}

#[async_trait]
impl Realize<AwsClient> for Disk {
    fn kind(&self) -> Kind {
        Kind::Disk
    }
    fn main_role(&self) -> &'static str {
        "volume"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = vec![("volume", "aws_ebs_volume")];
        if get_str(p, "instance_id").is_some() {
            m.push(("attachment", "aws_volume_attachment"));
        }
        m
    }
    async fn plan(
        &self,
        _: &AwsClient,
        planned: Value,
        _: Option<&Value>,
    ) -> Result<Value, Diagnostics> {
        let planned = plan_disk_type(Cloud::Aws, planned);
        // Throughput-optimized HDD starts at 125 GiB: smaller standard disks are magnetic.
        let small = get_int(&planned, "size").is_some_and(|n| n < 125);
        match get_str(&planned, "disk_type") {
            Some("st1") if small => Ok(with_attr(&planned, "disk_type", s("standard"))),
            _ => Ok(planned),
        }
    }
    async fn config(
        &self,
        c: &AwsClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        let instance = get_str(p, "instance_id");
        let slot = match instance {
            Some(id) => Some(instance_slot(c, id).await?),
            None => None,
        };
        Ok(match role {
            "volume" => {
                let zone = match (done.get("volume"), &slot) {
                    (Some(_), _) => done.str("volume", "availability_zone").to_string(),
                    (None, Some((z, _))) => z.clone(),
                    (None, None) => zones::zone(Cloud::Aws, str_or_empty(p, "region"), 0)
                        .map_err(|e| error("No zone", e))?,
                };
                obj([
                    ("availability_zone", s(&zone)),
                    ("size", num(p, "size")),
                    ("type", num(p, "disk_type")),
                    ("tags", tags(p, "")),
                ])
            }
            "attachment" => obj([
                ("device_name", s(&slot.map(|(_, d)| d).unwrap_or_default())),
                ("volume_id", s(done.id("volume"))),
                ("instance_id", s(instance.unwrap_or_default())),
            ]),
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        vec![("zone", s(done.str("volume", "availability_zone")))]
    }
}

struct Bucket;

#[async_trait]
impl Realize<AwsClient> for Bucket {
    fn kind(&self) -> Kind {
        Kind::Bucket
    }
    fn main_role(&self) -> &'static str {
        "bucket"
    }
    fn members(&self, p: &Value) -> Vec<Role> {
        let mut m = vec![("bucket", "aws_s3_bucket")];
        if get_bool(p, "versioning").unwrap_or(false) {
            m.push(("versioning", "aws_s3_bucket_versioning"));
        }
        m
    }
    async fn config(
        &self,
        _: &AwsClient,
        p: &Value,
        role: &str,
        done: &Members,
    ) -> Result<Value, Diagnostics> {
        Ok(match role {
            "bucket" => obj([
                ("bucket", num(p, "name")),
                ("force_destroy", num(p, "force_destroy")),
                ("tags", tags(p, "")),
            ]),
            "versioning" => obj([
                ("bucket", s(done.id("bucket"))),
                (
                    "versioning_configuration",
                    Value::tuple(vec![obj([("status", s("Enabled"))])]),
                ),
            ]),
            _ => return Err(unknown_role(CLOUD_NAME, role)),
        })
    }
    fn outputs(&self, _: &Value, done: &Members) -> Vec<(&'static str, Value)> {
        let host = done.str("bucket", "bucket_regional_domain_name");
        let url = match host {
            "" => format!("s3://{}", done.id("bucket")),
            h => format!("https://{h}"),
        };
        vec![("url", s(&url))]
    }
}
