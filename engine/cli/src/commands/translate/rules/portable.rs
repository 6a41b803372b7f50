//! Portable: how each kind is written as portable_* resources (bound to the source's cloud
//! provider, so the stack can later move with `migrate`).

use super::super::model::{Item, Kind};
use super::super::values;
use super::super::write::{block, Cx, Out, Part, Val, WriteRule};
use super::common::{self, cidrs, ports, protocol};
use hcl::Expression;

fn num(x: f64) -> Expression {
    x.to_string().parse().unwrap_or(Expression::Null)
}

fn vcpu(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::shape(cx, it).map(|s| num(s.0))
}

fn arch(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let e = it.get("size")?;
    let (sku, _) = values::resolve(cx, e)?;
    let s = cx.catalog.shape(cx.from, &sku)?;
    (s.arch != "x86_64").then(|| Expression::String(s.arch.clone()))
}

fn mem(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let e = it.get("size")?;
    let (sku, _) = values::resolve(cx, e)?;
    cx.catalog.shape(cx.from, &sku).map(|s| num(s.memory_gib))
}

fn image(cx: &mut Cx, it: &Item) -> Option<Expression> {
    Some(Expression::String(values::family(cx, it)))
}

fn public_ip(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::is_public(cx, it).then_some(Expression::Bool(true))
}

fn zone_index(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let z = it.get("zone")?;
    if let Expression::Traversal(t) = z {
        if let Some(hcl::expr::TraversalOperator::Index(i)) = t.operators.last() {
            cx.notes
                .push("zone → zone_index (the same position in the region's zones)".into());
            return Some(i.clone());
        }
    }
    cx.notes
        .push("zone: not a position in the zone list; zone_index left at 0".into());
    None
}

fn ingress(cx: &mut Cx, it: &Item) -> Vec<hcl::Block> {
    let rules: Vec<&Item> = cx
        .items
        .iter()
        .filter(|r| r.kind == Kind::Rule)
        .filter(|r| {
            common::group_of(cx, r).is_some_and(|g| g.label == it.label && g.src_ty == it.src_ty)
        })
        .collect();
    let egress = cx.items.iter().any(|r| {
        r.kind == Kind::EgressRule
            && !common::allows_all_egress(r)
            && common::group_of(cx, r).is_some_and(|g| g.label == it.label)
    });
    if egress {
        cx.lose("egress rules: portable_firewall has only ingress rules (egress is open)");
    }
    rules
        .into_iter()
        .map(|r| {
            let ps = ports(r)
                .unwrap_or_default()
                .into_iter()
                .map(Expression::String)
                .collect();
            block(
                "ingress",
                vec![
                    ("protocol", Expression::String(protocol(r))),
                    ("ports", Expression::Array(ps)),
                    ("cidr_blocks", cidrs(r)),
                ],
            )
        })
        .collect()
}

fn firewall_ids(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::group_ids(cx, it)
}

fn disk_instance(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let att = common::attachments(cx, it, "disk").into_iter().next()?;
    cx.notes
        .push(format!("attachment {} → instance_id", att.address()));
    att.get("instance").cloned()
}

fn fw_network(cx: &mut Cx, it: &Item) -> Option<Expression> {
    common::network(cx, it)
}

/// How each kind is written as portable types.
pub const WRITE: &[WriteRule] = &[
    WriteRule { kind: Kind::Network, rule: "portable network", outs: &[Out { ty: "portable_network", data: false, when: None,
        parts: &[Part::Attr("cidr_block", Val::F(common::cidr_or_default)), Part::Attr("tags", Val::A("tags"))], refs: &[("id", "id"), ("name", "id"), ("cidr", "cidr_block")] }] },
    WriteRule { kind: Kind::Subnet, rule: "portable subnet", outs: &[Out { ty: "portable_subnet", data: false, when: None,
        parts: &[Part::Attr("network_id", Val::A("network")), Part::Attr("cidr_block", Val::A("cidr")), Part::Attr("public", Val::A("public")), Part::Attr("zone_index", Val::F(zone_index))],
        refs: &[("id", "id"), ("name", "id"), ("cidr", "cidr_block")] }] },
    WriteRule { kind: Kind::Firewall, rule: "portable firewall (its ingress rules inline)", outs: &[Out { ty: "portable_firewall", data: false, when: None,
        parts: &[Part::Attr("network_id", Val::F(fw_network)), Part::Blocks(ingress)], refs: &[("id", "id"), ("name", "id")] }] },
    WriteRule { kind: Kind::Rule, rule: "folded into its portable_firewall's ingress blocks", outs: &[] },
    WriteRule { kind: Kind::EgressRule, rule: "not written: portable firewalls leave egress open", outs: &[] },
    WriteRule { kind: Kind::Instance, rule: "portable instance (the bound cloud picks the cheapest type with at least this vCPU and memory)", outs: &[Out { ty: "portable_instance", data: false, when: None,
        parts: &[Part::Attr("vcpu", Val::F(vcpu)), Part::Attr("memory", Val::F(mem)), Part::Attr("arch", Val::F(arch)), Part::Attr("image", Val::F(image)), Part::Attr("subnet_id", Val::A("subnet")), Part::Attr("firewall_ids", Val::F(firewall_ids)), Part::Attr("public_ip", Val::F(public_ip)), Part::Attr("root_disk_size", Val::A("root_size")), Part::Attr("user_data", Val::A("user_data")), Part::Attr("tags", Val::A("tags"))],
        refs: &[("id", "id"), ("name", "id"), ("private_ip", "private_ip"), ("public_ip", "public_ip_address"), ("zone", "cloud_id")] }] },
    WriteRule { kind: Kind::Disk, rule: "portable disk", outs: &[Out { ty: "portable_disk", data: false, when: None,
        parts: &[Part::Attr("size", Val::A("size")), Part::Attr("class", Val::F(values::disk_class)), Part::Attr("instance_id", Val::F(disk_instance))], refs: &[("id", "id"), ("name", "id")] }] },
    WriteRule { kind: Kind::Attachment, rule: "folded into the portable_disk's instance_id", outs: &[] },
    WriteRule { kind: Kind::PublicIp, rule: "folded into the instance's public_ip = true", outs: &[] },
    WriteRule { kind: Kind::Bucket, rule: "portable bucket", outs: &[Out { ty: "portable_bucket", data: false, when: None,
        parts: &[Part::Attr("name", Val::A("name")), Part::Attr("versioning", Val::A("versioning")), Part::Attr("force_destroy", Val::A("force_destroy"))], refs: &[("id", "id"), ("name", "name"), ("url", "url")] }] },
    WriteRule { kind: Kind::KeyPair, rule: "not written: portable_instance has no SSH key argument", outs: &[] },
    WriteRule { kind: Kind::Zones, rule: "not written: portable subnets take a zone_index", outs: &[] },
    WriteRule { kind: Kind::Image, rule: "not written: portable instances name an image family", outs: &[] },
    WriteRule { kind: Kind::Versioning, rule: "folded into the bucket", outs: &[] },
    WriteRule { kind: Kind::Routing, rule: "not written: the bound cloud's portable_subnet with public = true routes to the internet", outs: &[] },
    WriteRule { kind: Kind::ResourceGroup, rule: "not written: the bound cloud creates what it needs", outs: &[] },
    WriteRule { kind: Kind::Nic, rule: "folded into the instance", outs: &[] },
    WriteRule { kind: Kind::Account, rule: "not written: the bound cloud creates what it needs", outs: &[] },
];
