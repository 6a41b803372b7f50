//! AWS: how aws_* resources are read into neutral items.

use super::super::hclexpr::path;
use super::super::model::{Item, Kind};
use super::super::read::{child, lookup, ReadRule};
use super::super::values;
use autostack_lang::syntax::Block;
use hcl::Expression;

const ID: &[(&str, &str)] = &[("id", "id")];

/// How aws_* resources are read.
pub const READ: &[ReadRule] = &[
    ReadRule {
        ty: "aws_vpc",
        data: false,
        kind: Kind::Network,
        attrs: &[
            ("cidr_block", "cidr"),
            ("tags", "tags"),
            ("tags.Name", "name"),
        ],
        drop: &[
            (
                "enable_dns_hostnames",
                "DNS names are built in on the target",
            ),
            ("enable_dns_support", "DNS is built in on the target"),
            ("instance_tenancy", "tenancy is not translated"),
        ],
        refs: &[("id", "id"), ("cidr_block", "cidr")],
        special: None,
    },
    ReadRule {
        ty: "aws_subnet",
        data: false,
        kind: Kind::Subnet,
        attrs: &[
            ("vpc_id", "network"),
            ("cidr_block", "cidr"),
            ("availability_zone", "zone"),
            ("map_public_ip_on_launch", "public"),
            ("tags", "tags"),
            ("tags.Name", "name"),
        ],
        drop: &[],
        refs: &[
            ("id", "id"),
            ("cidr_block", "cidr"),
            ("availability_zone", "zone"),
        ],
        special: None,
    },
    ReadRule {
        ty: "aws_internet_gateway",
        data: false,
        kind: Kind::Routing,
        attrs: &[("vpc_id", "network")],
        drop: &[("tags", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_route_table",
        data: false,
        kind: Kind::Routing,
        attrs: &[("vpc_id", "network")],
        drop: &[("route", ""), ("tags", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_route_table_association",
        data: false,
        kind: Kind::Routing,
        attrs: &[],
        drop: &[("subnet_id", ""), ("route_table_id", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_security_group",
        data: false,
        kind: Kind::Firewall,
        attrs: &[
            ("vpc_id", "network"),
            ("name", "name"),
            ("description", "description"),
            ("tags", "tags"),
        ],
        drop: &[
            ("ingress", ""),
            ("egress", ""),
            ("name_prefix", "name prefixes are not translated"),
        ],
        refs: &[("id", "id"), ("name", "name")],
        special: Some(inline_rules),
    },
    ReadRule {
        ty: "aws_vpc_security_group_ingress_rule",
        data: false,
        kind: Kind::Rule,
        attrs: RULE,
        drop: &[("tags", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_vpc_security_group_egress_rule",
        data: false,
        kind: Kind::EgressRule,
        attrs: RULE,
        drop: &[("tags", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_instance",
        data: false,
        kind: Kind::Instance,
        attrs: &[
            ("instance_type", "size"),
            ("ami", "image"),
            ("subnet_id", "subnet"),
            ("vpc_security_group_ids", "firewalls"),
            ("user_data", "user_data"),
            ("user_data_base64", "user_data_b64"),
            ("tags", "tags"),
            ("tags.Name", "name"),
            ("root_block_device.volume_size", "root_size"),
            ("root_block_device.volume_type", "root_type"),
            ("availability_zone", "zone"),
            ("key_name", "key"),
            ("associate_public_ip_address", "public"),
        ],
        drop: &[("root_block_device", "")],
        refs: &[
            ("id", "id"),
            ("private_ip", "private_ip"),
            ("public_ip", "public_ip"),
            ("availability_zone", "zone"),
        ],
        special: None,
    },
    ReadRule {
        ty: "aws_ebs_volume",
        data: false,
        kind: Kind::Disk,
        attrs: &[
            ("size", "size"),
            ("type", "disk_type"),
            ("availability_zone", "zone"),
            ("tags", "tags"),
            ("tags.Name", "name"),
        ],
        drop: &[("encrypted", "disks are encrypted by default on the target")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_volume_attachment",
        data: false,
        kind: Kind::Attachment,
        attrs: &[
            ("volume_id", "disk"),
            ("instance_id", "instance"),
            ("device_name", "device"),
        ],
        drop: &[],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_eip",
        data: false,
        kind: Kind::PublicIp,
        attrs: &[
            ("instance", "instance"),
            ("tags", "tags"),
            ("tags.Name", "name"),
        ],
        drop: &[("domain", "")],
        refs: &[("id", "id"), ("public_ip", "address")],
        special: None,
    },
    ReadRule {
        ty: "aws_s3_bucket",
        data: false,
        kind: Kind::Bucket,
        attrs: &[
            ("bucket", "name"),
            ("force_destroy", "force_destroy"),
            ("tags", "tags"),
        ],
        drop: &[],
        refs: &[("id", "id"), ("bucket", "name")],
        special: None,
    },
    ReadRule {
        ty: "aws_s3_bucket_versioning",
        data: false,
        kind: Kind::Versioning,
        attrs: &[
            ("bucket", "bucket"),
            ("versioning_configuration.status", "status"),
        ],
        drop: &[("versioning_configuration", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "aws_key_pair",
        data: false,
        kind: Kind::KeyPair,
        attrs: &[("key_name", "name"), ("public_key", "public_key")],
        drop: &[("tags", "")],
        refs: &[("key_name", "name")],
        special: None,
    },
    ReadRule {
        ty: "aws_availability_zones",
        data: true,
        kind: Kind::Zones,
        attrs: &[],
        drop: &[("state", "")],
        refs: &[("names", "names")],
        special: None,
    },
    ReadRule {
        ty: "aws_ami",
        data: true,
        kind: Kind::Image,
        attrs: &[],
        drop: &[
            ("most_recent", ""),
            ("owners", ""),
            ("filter", ""),
            ("name_regex", ""),
        ],
        refs: ID,
        special: Some(ami_family),
    },
];

const RULE: &[(&str, &str)] = &[
    ("security_group_id", "firewall"),
    ("ip_protocol", "protocol"),
    ("from_port", "from_port"),
    ("to_port", "to_port"),
    ("cidr_ipv4", "cidrs"),
    ("description", "description"),
];

/// Inline `ingress`/`egress` blocks become rule items of their own.
fn inline_rules(b: &Block, group: &mut Item, out: &mut Vec<Item>) -> Result<(), String> {
    for (dir, kind) in [("ingress", Kind::Rule), ("egress", Kind::EgressRule)] {
        for (n, rb) in b.body.blocks_of(dir).enumerate() {
            let mut r = child(group, kind, format!("{}_{dir}_{n}", group.label));
            r.range = rb.range.clone();
            r.attrs.insert(
                "firewall",
                path(&format!("aws_security_group.{}.id", group.label)),
            );
            for (src, key) in [
                ("protocol", "protocol"),
                ("from_port", "from_port"),
                ("to_port", "to_port"),
                ("cidr_blocks", "cidrs"),
                ("description", "description"),
            ] {
                if let Some(e) = lookup(&rb.body, src)? {
                    r.attrs.insert(key, e);
                }
            }
            out.push(r);
        }
    }
    Ok(())
}

/// The image family an AMI filter names.
fn ami_family(b: &Block, it: &mut Item, _: &mut Vec<Item>) -> Result<(), String> {
    let text = format!("{:?}", b.body);
    if let Some(f) = values::family_of(&text) {
        it.attrs.insert("family", Expression::String(f.into()));
    }
    Ok(())
}
