//! Creates the objects of `examples/aws-web` on moto out of band, with the calls and in the
//! order hashicorp/aws 5.100 makes them during `terraform apply`, and returns the values the
//! state fixture's placeholders take (IDs, addresses, what AWS reports as Terraform records
//! it).

use crate::support;
use autostack_provider_aws::sdk::aws_sdk_ec2;
use aws_sdk_ec2::primitives::{Blob, DateTime, DateTimeFormat};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, BlockDeviceMapping, DomainType, EbsBlockDevice, Filter, Image, Instance,
    InstanceStateName, InstanceType, IpPermission, IpRange, ResourceType, Tag, TagSpecification,
    VolumeType,
};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// The provider's `default_tags` in the example.
pub const PROJECT: (&str, &str) = ("Project", "aws-web");

fn filter(name: &str, values: &[&str]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.iter().map(|v| v.to_string()).collect()))
        .build()
}

/// Tags for a create call: the resource's own and the default tags (`tags_all`).
fn tags(kind: ResourceType, own: &[(&str, &str)]) -> TagSpecification {
    let all = own.iter().chain([&PROJECT]);
    TagSpecification::builder()
        .resource_type(kind)
        .set_tags(Some(
            all.map(|(k, v)| Tag::builder().key(*k).value(*v).build())
                .collect(),
        ))
        .build()
}

/// A string value, "" for none (as hashicorp/aws records absent strings).
pub fn s(v: Option<&str>) -> Json {
    Json::String(v.unwrap_or_default().to_string())
}

/// Standard base64 (RunInstances takes user data encoded).
fn base64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// hashicorp/aws's EC2 DNS names for an address in us-east-1.
fn dns(ip: &str, public: bool) -> String {
    let dashed = ip.replace('.', "-");
    if public {
        format!("ec2-{dashed}.compute-1.amazonaws.com")
    } else {
        format!("ip-{dashed}.ec2.internal")
    }
}

/// `data.aws_ami.web`: the newest image matching the example's filter (the first of equally
/// new ones, as AWS lists them).
async fn ami(ec2: &aws_sdk_ec2::Client, v: &mut BTreeMap<String, Json>) -> Image {
    let out = ec2
        .describe_images()
        .owners("amazon")
        .filters(filter("name", &["amzn2-ami-hvm-*-x86_64-gp2"]))
        .send()
        .await
        .expect("describe images");
    let mut images = out.images().to_vec();
    images.sort_by_key(|i| std::cmp::Reverse(i.creation_date().unwrap_or_default().to_string()));
    let img = images.first().cloned().expect("an Amazon Linux 2 image");
    let ebs = img
        .block_device_mappings()
        .first()
        .and_then(|m| m.ebs())
        .cloned()
        .expect("root EBS mapping");
    for (k, x) in [
        ("ami_id", s(img.image_id())),
        (
            "ami_architecture",
            s(img.architecture().map(|a| a.as_str())),
        ),
        ("ami_boot_mode", s(img.boot_mode().map(|b| b.as_str()))),
        ("ami_creation_date", s(img.creation_date())),
        ("ami_description", s(img.description())),
        ("ami_hypervisor", s(img.hypervisor().map(|h| h.as_str()))),
        ("ami_location", s(img.image_location())),
        ("ami_owner_alias", s(img.image_owner_alias())),
        ("ami_owner_id", s(img.owner_id())),
        ("ami_name", s(img.name())),
        ("ami_root_device", s(img.root_device_name())),
        ("ami_snapshot", s(ebs.snapshot_id())),
        (
            "ami_ebs_delete",
            json!(ebs.delete_on_termination().unwrap_or(false).to_string()),
        ),
        (
            "ami_ebs_size",
            json!(ebs.volume_size().unwrap_or(0).to_string()),
        ),
        ("ami_ebs_type", s(ebs.volume_type().map(|t| t.as_str()))),
    ] {
        v.insert(k.into(), x);
    }
    img
}

async fn wait_running(ec2: &aws_sdk_ec2::Client, id: &str) -> Instance {
    for _ in 0..120 {
        let out = ec2
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .expect("describe instance");
        let i = out.reservations()[0].instances()[0].clone();
        if i.state().and_then(|s| s.name()) == Some(&InstanceStateName::Running) {
            return i;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    panic!("instance {id} did not start");
}

/// Creates everything and returns the fixture's placeholder values.
pub async fn create_aws_web(name: &str, public_key: &str) -> BTreeMap<String, Json> {
    let ec2 = support::ec2().await;
    let mut v: BTreeMap<String, Json> = BTreeMap::new();
    v.insert("name".into(), json!(name));
    v.insert("public_key".into(), json!(public_key));

    // data.aws_availability_zones.available: zones sorted by name.
    let azs = ec2
        .describe_availability_zones()
        .filters(filter("state", &["available"]))
        .send()
        .await
        .expect("zones");
    let mut zones = azs.availability_zones().to_vec();
    zones.sort_by_key(|z| z.zone_name().unwrap_or_default().to_string());
    let names: Vec<&str> = zones.iter().filter_map(|z| z.zone_name()).collect();
    let ids: Vec<&str> = zones.iter().filter_map(|z| z.zone_id()).collect();
    let mut groups: Vec<&str> = zones
        .iter()
        .map(|z| z.group_name().unwrap_or_default())
        .collect();
    groups.sort();
    groups.dedup();
    v.insert("az_names".into(), json!(names));
    v.insert("az_zone_ids".into(), json!(ids));
    v.insert("az_group_names".into(), json!(groups));
    let image = ami(&ec2, &mut v).await;

    // aws_vpc.main: CreateVpc, then ModifyVpcAttribute for DNS hostnames.
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .tag_specifications(tags(ResourceType::Vpc, &[("Name", &format!("{name}-vpc"))]))
        .send()
        .await
        .expect("vpc");
    let vpc = vpc.vpc().expect("vpc").clone();
    let vpc_id = vpc.vpc_id().unwrap_or_default().to_string();
    ec2.modify_vpc_attribute()
        .vpc_id(&vpc_id)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("dns hostnames");
    let main_rt = ec2
        .describe_route_tables()
        .filters(filter("vpc-id", &[&vpc_id]))
        .filters(filter("association.main", &["true"]))
        .send()
        .await
        .expect("main route table");
    let default_sg = ec2
        .describe_security_groups()
        .filters(filter("vpc-id", &[&vpc_id]))
        .filters(filter("group-name", &["default"]))
        .send()
        .await
        .expect("default group");
    let acl = ec2
        .describe_network_acls()
        .filters(filter("vpc-id", &[&vpc_id]))
        .filters(filter("default", &["true"]))
        .send()
        .await
        .expect("default acl");
    v.insert("vpc_id".into(), json!(vpc_id));
    v.insert("account".into(), s(vpc.owner_id()));
    v.insert("vpc_dhcp".into(), s(vpc.dhcp_options_id()));
    v.insert(
        "vpc_main_rt".into(),
        s(main_rt.route_tables()[0].route_table_id()),
    );
    v.insert(
        "vpc_default_sg".into(),
        s(default_sg.security_groups()[0].group_id()),
    );
    v.insert(
        "vpc_default_acl".into(),
        s(acl.network_acls()[0].network_acl_id()),
    );

    // aws_internet_gateway.gw: CreateInternetGateway, AttachInternetGateway.
    let igw = ec2
        .create_internet_gateway()
        .tag_specifications(tags(ResourceType::InternetGateway, &[]))
        .send()
        .await
        .expect("igw");
    let igw_id = igw
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .unwrap_or_default()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw_id)
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("attach igw");
    v.insert("igw_id".into(), json!(igw_id));

    // aws_route_table.public with its default route.
    let rt = ec2
        .create_route_table()
        .vpc_id(&vpc_id)
        .tag_specifications(tags(ResourceType::RouteTable, &[]))
        .send()
        .await
        .expect("route table");
    let rt_id = rt
        .route_table()
        .and_then(|r| r.route_table_id())
        .unwrap_or_default()
        .to_string();
    ec2.create_route()
        .route_table_id(&rt_id)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw_id)
        .send()
        .await
        .expect("route");
    v.insert("rt_id".into(), json!(rt_id));

    // aws_security_group.web: the default egress rule revoked, then the inline rules.
    let sg = ec2
        .create_security_group()
        .group_name(format!("{name}-web"))
        .description("HTTP in, everything out")
        .vpc_id(&vpc_id)
        .tag_specifications(tags(ResourceType::SecurityGroup, &[]))
        .send()
        .await
        .expect("security group");
    let sg_id = sg.group_id().unwrap_or_default().to_string();
    let all = || {
        IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build()
    };
    ec2.revoke_security_group_egress()
        .group_id(&sg_id)
        .ip_permissions(all())
        .send()
        .await
        .expect("revoke default egress");
    let tcp = |port: i32, cidr: &str, desc: &str| {
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(port)
            .to_port(port)
            .ip_ranges(IpRange::builder().cidr_ip(cidr).description(desc).build())
            .build()
    };
    ec2.authorize_security_group_ingress()
        .group_id(&sg_id)
        .ip_permissions(tcp(80, "0.0.0.0/0", "HTTP"))
        .send()
        .await
        .expect("http ingress");
    ec2.authorize_security_group_egress()
        .group_id(&sg_id)
        .ip_permissions(all())
        .send()
        .await
        .expect("egress");
    v.insert("sg_id".into(), json!(sg_id));

    // aws_security_group.admin (no inline rules: only the default egress rule revoked), then
    // aws_vpc_security_group_ingress_rule.ssh and aws_vpc_security_group_egress_rule.https.
    let admin = ec2
        .create_security_group()
        .group_name(format!("{name}-admin"))
        .description("SSH from the admin network")
        .vpc_id(&vpc_id)
        .tag_specifications(tags(ResourceType::SecurityGroup, &[]))
        .send()
        .await
        .expect("admin group");
    let admin_id = admin.group_id().unwrap_or_default().to_string();
    ec2.revoke_security_group_egress()
        .group_id(&admin_id)
        .ip_permissions(all())
        .send()
        .await
        .expect("revoke admin default egress");
    let rule = ec2
        .authorize_security_group_ingress()
        .group_id(&admin_id)
        .ip_permissions(tcp(22, "192.0.2.0/24", "SSH from the admin network"))
        .tag_specifications(tags(ResourceType::SecurityGroupRule, &[]))
        .send()
        .await
        .expect("ssh rule");
    v.insert(
        "sgr_id".into(),
        s(rule.security_group_rules()[0].security_group_rule_id()),
    );
    let rule = ec2
        .authorize_security_group_egress()
        .group_id(&admin_id)
        .ip_permissions(tcp(443, "0.0.0.0/0", "HTTPS to anywhere"))
        .tag_specifications(tags(ResourceType::SecurityGroupRule, &[]))
        .send()
        .await
        .expect("https rule");
    v.insert(
        "https_rule_id".into(),
        s(rule.security_group_rules()[0].security_group_rule_id()),
    );
    v.insert("admin_sg_id".into(), json!(admin_id));
    // A set of strings: Terraform (cty) writes its elements in lexical order.
    let mut sg_ids = [sg_id.clone(), admin_id.clone()];
    sg_ids.sort();
    v.insert("sg_ids".into(), json!(sg_ids));

    // aws_key_pair.deployer: ImportKeyPair.
    let key = ec2
        .import_key_pair()
        .key_name(format!("{name}-deployer"))
        .public_key_material(Blob::new(public_key.as_bytes()))
        .tag_specifications(tags(ResourceType::KeyPair, &[]))
        .send()
        .await
        .expect("key pair");
    v.insert("key_pair_id".into(), s(key.key_pair_id()));
    v.insert("key_fingerprint".into(), s(key.key_fingerprint()));

    let root_device = image.root_device_name().unwrap_or("/dev/xvda").to_string();
    // The example's `count = 2` resources take the first two zones, in name order.
    for (n, az) in names.iter().copied().take(2).enumerate() {
        // aws_subnet.public[n]: CreateSubnet, then ModifySubnetAttribute.
        let sub = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.20.{}.0/24", n + 1))
            .availability_zone(az)
            .tag_specifications(tags(
                ResourceType::Subnet,
                &[("Name", &format!("{name}-public-{n}"))],
            ))
            .send()
            .await
            .expect("subnet");
        let sub = sub.subnet().expect("subnet").clone();
        let sub_id = sub.subnet_id().unwrap_or_default().to_string();
        ec2.modify_subnet_attribute()
            .subnet_id(&sub_id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .expect("map public ip");
        v.insert(format!("sub{n}_id"), json!(sub_id));
        v.insert(format!("az{n}"), json!(az));
        v.insert(format!("az{n}_id"), s(sub.availability_zone_id()));

        // aws_route_table_association.public[n].
        let assoc = ec2
            .associate_route_table()
            .route_table_id(&rt_id)
            .subnet_id(&sub_id)
            .send()
            .await
            .expect("association");
        v.insert(format!("rta{n}_id"), s(assoc.association_id()));

        // aws_instance.web[n]: RunInstances with the root device and the user data.
        let user_data = format!("#!/bin/sh\necho hello from {name}-{n}\n");
        let run = ec2
            .run_instances()
            .image_id(image.image_id().unwrap_or_default())
            .instance_type(InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .subnet_id(&sub_id)
            .security_group_ids(&sg_id)
            .security_group_ids(&admin_id)
            .key_name(format!("{name}-deployer"))
            .user_data(base64(user_data.as_bytes()))
            .block_device_mappings(
                BlockDeviceMapping::builder()
                    .device_name(&root_device)
                    .ebs(
                        EbsBlockDevice::builder()
                            .delete_on_termination(true)
                            .volume_size(8)
                            .volume_type(VolumeType::Gp3)
                            .build(),
                    )
                    .build(),
            )
            .tag_specifications(tags(
                ResourceType::Instance,
                &[("Name", &format!("{name}-web-{n}")), ("Role", "web")],
            ))
            .send()
            .await
            .expect("run instance");
        let id = run.instances()[0]
            .instance_id()
            .unwrap_or_default()
            .to_string();
        let inst = wait_running(&ec2, &id).await;
        let root_vol = inst
            .block_device_mappings()
            .iter()
            .find(|m| m.device_name() == Some(root_device.as_str()))
            .and_then(|m| m.ebs())
            .and_then(|e| e.volume_id())
            .unwrap_or_default()
            .to_string();
        let vols = ec2
            .describe_volumes()
            .volume_ids(&root_vol)
            .send()
            .await
            .expect("root volume");
        let rv = &vols.volumes()[0];
        let eni = inst
            .network_interfaces()
            .iter()
            .find(|i| i.attachment().and_then(|a| a.device_index()) == Some(0))
            .and_then(|i| i.network_interface_id());
        let cpu = inst.cpu_options();
        for (k, x) in [
            ("id", json!(id)),
            ("eni", s(eni)),
            ("private_ip", s(inst.private_ip_address())),
            ("private_dns", s(inst.private_dns_name())),
            ("public_ip", s(inst.public_ip_address())),
            ("public_dns", s(inst.public_dns_name())),
            (
                "cores",
                json!(cpu.and_then(|c| c.core_count()).unwrap_or(0)),
            ),
            (
                "threads",
                json!(cpu.and_then(|c| c.threads_per_core()).unwrap_or(0)),
            ),
            ("root_volume", json!(root_vol)),
            ("root_iops", json!(rv.iops().unwrap_or(0))),
            ("root_throughput", json!(rv.throughput().unwrap_or(0))),
            (
                "user_data_sha1",
                json!(autostack_provider_aws::instance::sha1_hex(
                    user_data.as_bytes()
                )),
            ),
        ] {
            v.insert(format!("i{n}_{k}"), x);
        }

        // aws_ebs_volume.data[n] and aws_volume_attachment.data[n].
        let az = inst
            .placement()
            .and_then(|p| p.availability_zone())
            .unwrap_or_default();
        let vol = ec2
            .create_volume()
            .availability_zone(az)
            .size(10)
            .volume_type(VolumeType::Gp3)
            .tag_specifications(tags(
                ResourceType::Volume,
                &[("Name", &format!("{name}-data-{n}"))],
            ))
            .send()
            .await
            .expect("volume");
        let vol_id = vol.volume_id().unwrap_or_default().to_string();
        let created = vol.create_time().map_or(String::new(), |t| {
            DateTime::from_secs(t.secs())
                .fmt(DateTimeFormat::DateTime)
                .unwrap_or_default()
        });
        v.insert(format!("vol{n}_id"), json!(vol_id));
        v.insert(format!("vol{n}_create_time"), json!(created));
        v.insert(format!("vol{n}_iops"), json!(vol.iops().unwrap_or(0)));
        v.insert(
            format!("vol{n}_throughput"),
            json!(vol.throughput().unwrap_or(0)),
        );
        ec2.attach_volume()
            .device("/dev/sdf")
            .instance_id(&id)
            .volume_id(&vol_id)
            .send()
            .await
            .expect("attach volume");
        v.insert(
            format!("attach{n}_id"),
            json!(autostack_provider_aws::volume_attachment::attachment_id(
                "/dev/sdf", &id, &vol_id
            )),
        );
    }

    // aws_eip.web: AllocateAddress, then AssociateAddress with the first instance.
    let eip = ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .tag_specifications(tags(ResourceType::ElasticIp, &[]))
        .send()
        .await
        .expect("eip");
    let alloc = eip.allocation_id().unwrap_or_default().to_string();
    let ip = eip.public_ip().unwrap_or_default().to_string();
    let assoc = ec2
        .associate_address()
        .allocation_id(&alloc)
        .instance_id(v["i0_id"].as_str().unwrap_or_default())
        .send()
        .await
        .expect("associate eip");
    v.insert("eip_id".into(), json!(alloc));
    v.insert("eip_public_ip".into(), json!(ip));
    v.insert("eip_public_dns".into(), json!(dns(&ip, true)));
    v.insert("eip_association_id".into(), s(assoc.association_id()));
    v.insert("eip_pool".into(), s(eip.public_ipv4_pool()));
    let private = v["i0_private_ip"].as_str().unwrap_or_default().to_string();
    v.insert("eip_private_dns".into(), json!(dns(&private, false)));

    crate::bucket::create_bucket(&format!("{name}-assets"), &mut v).await;
    v
}
