//! AWS: how each neutral kind is written as aws_* resources.

use super::super::hclexpr::{call, path};
use super::super::model::{Item, Kind};
use super::super::values;
use super::super::write::{Cx, Out, Part, Val, WriteRule};
use super::common::{self, cidrs, ports, protocol};
use hcl::Expression;

const ID: &[(&str, &str)] = &[("id", "id")];

/// `for_each` over every (port range, CIDR) pair when a rule has more than one.
fn rule_for_each(_: &mut Cx, it: &Item) -> Option<Expression> {
    let ps = ports(it).unwrap_or_default();
    let single_cidr = matches!(cidrs(it), Expression::Array(ref xs) if xs.len() == 1);
    if ps.len() <= 1 && single_cidr {
        return None;
    }
    let ports_expr = Expression::Array(ps.into_iter().map(Expression::String).collect());
    let pairs = call("setproduct", vec![ports_expr, cidrs(it)], false).ok()?;
    "{ for p in PAIRS : join(\" \", p) => p }"
        .parse::<Expression>()
        .ok()
        .map(|mut fe| {
            if let Expression::ForExpr(f) = &mut fe {
                f.collection_expr = pairs;
            }
            fe
        })
}

fn port_bound(it: &Item, upper: bool) -> Option<Expression> {
    let ps = ports(it)?;
    let single_cidr = matches!(cidrs(it), Expression::Array(ref xs) if xs.len() == 1);
    if ps.len() == 1 && single_cidr {
        let (lo, hi) = ps[0].split_once('-').unwrap_or((&ps[0], &ps[0]));
        let v = if upper { hi } else { lo };
        return v.parse::<Expression>().ok();
    }
    let i = if upper {
        "length(split(\"-\", each.value[0])) - 1"
    } else {
        "0"
    };
    format!("tonumber(split(\"-\", each.value[0])[{i}])")
        .parse()
        .ok()
}

fn from_port(_: &mut Cx, it: &Item) -> Option<Expression> {
    port_bound(it, false)
}

fn to_port(_: &mut Cx, it: &Item) -> Option<Expression> {
    port_bound(it, true)
}

fn ip_protocol(_: &mut Cx, it: &Item) -> Option<Expression> {
    let p = protocol(it);
    Some(Expression::String(if p == "all" { "-1".into() } else { p }))
}

fn cidr_ipv4(_: &mut Cx, it: &Item) -> Option<Expression> {
    match cidrs(it) {
        Expression::Array(xs) if xs.len() == 1 && ports(it).is_none_or(|p| p.len() == 1) => {
            xs.into_iter().next()
        }
        _ => "each.value[1]".parse().ok(),
    }
}

fn ami(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::image_ref(cx, it)
}

fn root_type(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::disk_type(cx, it, "root_type", true)
}

fn volume_type(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::disk_type(cx, it, "disk_type", false)
}

/// An EBS volume's zone: its own, or the instance it is attached to.
fn volume_zone(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(z) = it.get("zone") {
        return Some(z.clone());
    }
    let att = common::attachments(cx, it, "disk").into_iter().next()?;
    let inst = att.get("instance").and_then(|e| cx.target_of(e))?;
    cx.notes
        .push(format!("availability zone: that of {}", inst.address()));
    common::retarget(cx, att.get("instance")?, 0, "availability_zone")
}

fn device(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(d) = it.get("device") {
        return Some(d.clone());
    }
    cx.notes
        .push("device name /dev/sdf (AWS needs one; the source names none)".into());
    Some(Expression::String("/dev/sdf".into()))
}

fn eip_instance(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(i) = it.get("instance") {
        return Some(i.clone());
    }
    let owner = cx.items.iter().find(|i| {
        i.kind == Kind::Instance
            && i.get("public_ip_ref")
                .and_then(|e| cx.target_of(e))
                .is_some_and(|p| p.label == it.label)
    })?;
    Some(path(&format!("{}.{}.id", owner.src_ty, owner.label)))
}

fn has_versioning(_: &Cx, it: &Item) -> bool {
    it.get("versioning").is_some()
}

fn versioning_status(_: &mut Cx, it: &Item) -> Option<Expression> {
    let v = it.get("versioning")?.clone();
    let c = hcl::expr::Conditional::new(
        v,
        Expression::String("Enabled".into()),
        Expression::String("Suspended".into()),
    );
    Some(Expression::Conditional(Box::new(c)))
}

/// The ID of the item's first output (the bucket of its versioning, the VPC of its gateway
/// and route table, the subnet of its route table association).
fn first_output_id(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::sibling(cx, it, 0, "id")
}

fn public(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::is_public(cx, it).then_some(Expression::Bool(true))
}

/// The network's internet gateway (its second output), for the route table's default route.
fn own_gateway(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::sibling(cx, it, 1, "id")
}

/// The public route table written with the subnet's network (that network's third output).
fn network_routes(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::retarget(cx, it.get("network")?, 2, "id")
}

/// A subnet is routed to the internet when its network is one of the translated resources
/// (whose route table this translation writes).
fn routed(cx: &Cx, it: &Item) -> bool {
    it.get("network").and_then(|n| cx.target_of(n)).is_some()
}

/// How each kind is written on AWS.
pub const WRITE: &[WriteRule] = &[
    WriteRule {
        kind: Kind::Network,
        rule: "VPC + internet gateway + route table with the default route (Azure and Google route every subnet to the internet by default; a VPC does not)",
        outs: &[
            Out {
                ty: "aws_vpc",
                data: false,
                when: None,
                parts: &[
                    Part::Attr("cidr_block", Val::F(common::cidr_or_default)),
                    Part::Attr("enable_dns_hostnames", Val::L("true")),
                    Part::Attr("tags", Val::F(common::tags_with_name)),
                ],
                refs: &[("id", "id"), ("cidr", "cidr_block")],
            },
            Out {
                ty: "aws_internet_gateway",
                data: false,
                when: None,
                parts: &[
                    Part::Attr("vpc_id", Val::F(first_output_id)),
                    Part::Attr("tags", Val::F(common::tags_with_name)),
                ],
                refs: &[],
            },
            Out {
                ty: "aws_route_table",
                data: false,
                when: None,
                parts: &[
                    Part::Attr("vpc_id", Val::F(first_output_id)),
                    Part::Attr("route.cidr_block", Val::L("\"0.0.0.0/0\"")),
                    Part::Attr("route.gateway_id", Val::F(own_gateway)),
                    Part::Attr("tags", Val::F(common::tags_with_name)),
                ],
                refs: &[],
            },
        ],
    },
    WriteRule {
        kind: Kind::Subnet,
        rule: "subnet, associated with its network's route table",
        outs: &[
            Out {
                ty: "aws_subnet",
                data: false,
                when: None,
                parts: &[
                    Part::Attr("vpc_id", Val::A("network")),
                    Part::Attr("cidr_block", Val::A("cidr")),
                    Part::Attr("availability_zone", Val::A("zone")),
                    Part::Attr("map_public_ip_on_launch", Val::A("public")),
                    Part::Attr("tags", Val::F(common::tags_with_name)),
                ],
                refs: &[
                    ("id", "id"),
                    ("name", "id"),
                    ("cidr", "cidr_block"),
                    ("zone", "availability_zone"),
                ],
            },
            Out {
                ty: "aws_route_table_association",
                data: false,
                when: Some(routed),
                parts: &[
                    Part::Attr("subnet_id", Val::F(first_output_id)),
                    Part::Attr("route_table_id", Val::F(network_routes)),
                ],
                refs: &[],
            },
        ],
    },
    WriteRule {
        kind: Kind::Firewall,
        rule: "security group (its rules are resources of their own)",
        outs: &[Out {
            ty: "aws_security_group",
            data: false,
            when: None,
            parts: &[
                Part::Attr("name", Val::F(values::plain_name)),
                Part::Attr("description", Val::A("description")),
                Part::Attr("vpc_id", Val::F(common::network)),
                Part::Attr("tags", Val::A("tags")),
            ],
            refs: &[("id", "id"), ("name", "name")],
        }],
    },
    WriteRule {
        kind: Kind::Rule,
        rule: "security group ingress rule (one per port range and CIDR)",
        outs: &[Out {
            ty: "aws_vpc_security_group_ingress_rule",
            data: false,
            when: None,
            parts: RULE_PARTS,
            refs: ID,
        }],
    },
    WriteRule {
        kind: Kind::EgressRule,
        rule: "security group egress rule (one per port range and CIDR)",
        outs: &[Out {
            ty: "aws_vpc_security_group_egress_rule",
            data: false,
            when: None,
            parts: RULE_PARTS,
            refs: ID,
        }],
    },
    WriteRule {
        kind: Kind::Instance,
        rule: "EC2 instance",
        outs: &[Out {
            ty: "aws_instance",
            data: false,
            when: None,
            parts: &[
                Part::Attr("ami", Val::F(ami)),
                Part::Attr("instance_type", Val::F(values::size)),
                Part::Attr("subnet_id", Val::A("subnet")),
                Part::Attr("vpc_security_group_ids", Val::F(common::group_ids)),
                Part::Attr("associate_public_ip_address", Val::F(public)),
                Part::Attr("user_data", Val::A("user_data")),
                Part::Attr("user_data_base64", Val::A("user_data_b64")),
                Part::Attr("root_block_device.volume_size", Val::A("root_size")),
                Part::Attr("root_block_device.volume_type", Val::F(root_type)),
                Part::Attr("tags", Val::F(common::tags_with_name)),
            ],
            refs: &[
                ("id", "id"),
                ("name", "id"),
                ("private_ip", "private_ip"),
                ("public_ip", "public_ip"),
                ("zone", "availability_zone"),
            ],
        }],
    },
    WriteRule {
        kind: Kind::Disk,
        rule: "EBS volume",
        outs: &[Out {
            ty: "aws_ebs_volume",
            data: false,
            when: None,
            parts: &[
                Part::Attr("availability_zone", Val::F(volume_zone)),
                Part::Attr("size", Val::A("size")),
                Part::Attr("type", Val::F(volume_type)),
                Part::Attr("tags", Val::F(common::tags_with_name)),
            ],
            refs: &[("id", "id"), ("name", "id")],
        }],
    },
    WriteRule {
        kind: Kind::Attachment,
        rule: "volume attachment",
        outs: &[Out {
            ty: "aws_volume_attachment",
            data: false,
            when: None,
            parts: &[
                Part::Attr("device_name", Val::F(device)),
                Part::Attr("volume_id", Val::A("disk")),
                Part::Attr("instance_id", Val::A("instance")),
            ],
            refs: ID,
        }],
    },
    WriteRule {
        kind: Kind::PublicIp,
        rule: "Elastic IP",
        outs: &[Out {
            ty: "aws_eip",
            data: false,
            when: None,
            parts: &[
                Part::Attr("domain", Val::L("\"vpc\"")),
                Part::Attr("instance", Val::F(eip_instance)),
                Part::Attr("tags", Val::F(common::tags_with_name)),
            ],
            refs: &[("id", "id"), ("address", "public_ip")],
        }],
    },
    WriteRule {
        kind: Kind::Bucket,
        rule: "S3 bucket (+ versioning)",
        outs: &[
            Out {
                ty: "aws_s3_bucket",
                data: false,
                when: None,
                parts: &[
                    Part::Attr("bucket", Val::A("name")),
                    Part::Attr("force_destroy", Val::A("force_destroy")),
                    Part::Attr("tags", Val::A("tags")),
                ],
                refs: &[
                    ("id", "id"),
                    ("name", "bucket"),
                    ("url", "bucket_regional_domain_name"),
                ],
            },
            Out {
                ty: "aws_s3_bucket_versioning",
                data: false,
                when: Some(has_versioning),
                parts: &[
                    Part::Attr("bucket", Val::F(first_output_id)),
                    Part::Attr("versioning_configuration.status", Val::F(versioning_status)),
                ],
                refs: &[],
            },
        ],
    },
    WriteRule {
        kind: Kind::KeyPair,
        rule: "key pair",
        outs: &[Out {
            ty: "aws_key_pair",
            data: false,
            when: None,
            parts: &[
                Part::Attr("key_name", Val::A("name")),
                Part::Attr("public_key", Val::A("public_key")),
            ],
            refs: &[("name", "key_name")],
        }],
    },
    WriteRule {
        kind: Kind::Zones,
        rule: "availability zones",
        outs: &[Out {
            ty: "aws_availability_zones",
            data: true,
            when: None,
            parts: &[Part::Attr("state", Val::L("\"available\""))],
            refs: &[("names", "names")],
        }],
    },
    WriteRule {
        kind: Kind::Image,
        rule: "not written: the instances' images are looked up per OS family (data \"aws_ami\")",
        outs: &[],
    },
    WriteRule {
        kind: Kind::Versioning,
        rule: "folded into the bucket",
        outs: &[],
    },
    WriteRule {
        kind: Kind::Routing,
        rule: "not written",
        outs: &[],
    },
    WriteRule {
        kind: Kind::ResourceGroup,
        rule: "not written: AWS has no resource groups",
        outs: &[],
    },
    WriteRule {
        kind: Kind::Nic,
        rule: "folded into the instance (subnet, address)",
        outs: &[],
    },
    WriteRule {
        kind: Kind::Account,
        rule: "not written: S3 buckets need no storage account",
        outs: &[],
    },
];

const RULE_PARTS: &[Part] = &[
    Part::Attr("for_each", Val::F(rule_for_each)),
    Part::Attr("security_group_id", Val::A("firewall")),
    Part::Attr("description", Val::A("description")),
    Part::Attr("ip_protocol", Val::F(ip_protocol)),
    Part::Attr("from_port", Val::F(from_port)),
    Part::Attr("to_port", Val::F(to_port)),
    Part::Attr("cidr_ipv4", Val::F(cidr_ipv4)),
];
