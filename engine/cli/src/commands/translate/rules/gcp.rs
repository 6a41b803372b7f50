//! Google Cloud: how google_* resources are read, and how each kind is written as google_*
//! resources.

use super::super::hclexpr::{call, interpolate, path};
use super::super::model::{Item, Kind};
use super::super::read::{child, lookup, ReadRule};
use super::super::values;
use super::super::write::{Cx, Need, Out, Part, Val, WriteRule};
use super::common::{self, cidrs, ports, protocol};
use autostack_lang::syntax::Block;
use hcl::Expression;

const ID: &[(&str, &str)] = &[("id", "id"), ("self_link", "id")];

/// How google_* resources are read.
pub const READ: &[ReadRule] = &[
    ReadRule {
        ty: "google_compute_network",
        data: false,
        kind: Kind::Network,
        attrs: &[("name", "name")],
        drop: &[
            ("auto_create_subnetworks", ""),
            ("routing_mode", "regional routing is the target's default"),
            ("description", ""),
        ],
        refs: &[("id", "id"), ("self_link", "id"), ("name", "id")],
        special: None,
    },
    ReadRule {
        ty: "google_compute_subnetwork",
        data: false,
        kind: Kind::Subnet,
        attrs: &[
            ("name", "name"),
            ("network", "network"),
            ("ip_cidr_range", "cidr"),
        ],
        drop: &[
            ("region", "subnets follow the target region"),
            (
                "private_ip_google_access",
                "Google API access has no equivalent",
            ),
            ("description", ""),
        ],
        refs: &[
            ("id", "id"),
            ("self_link", "id"),
            ("name", "id"),
            ("ip_cidr_range", "cidr"),
        ],
        special: None,
    },
    ReadRule {
        ty: "google_compute_firewall",
        data: false,
        kind: Kind::Firewall,
        attrs: &[
            ("name", "name"),
            ("network", "network"),
            ("description", "description"),
            ("target_tags", "net_tags"),
        ],
        drop: &[
            ("allow", ""),
            ("source_ranges", ""),
            ("destination_ranges", ""),
            ("direction", ""),
            ("priority", "rule priorities are renumbered"),
        ],
        refs: &[("id", "id"), ("self_link", "id"), ("name", "id")],
        special: Some(allow_rules),
    },
    ReadRule {
        ty: "google_compute_address",
        data: false,
        kind: Kind::PublicIp,
        attrs: &[("name", "name"), ("labels", "tags")],
        drop: &[
            ("region", ""),
            ("address_type", ""),
            ("network_tier", "network tiers are GCP's own"),
        ],
        refs: &[("id", "id"), ("self_link", "id"), ("address", "address")],
        special: None,
    },
    ReadRule {
        ty: "google_compute_disk",
        data: false,
        kind: Kind::Disk,
        attrs: &[
            ("name", "name"),
            ("type", "disk_type"),
            ("zone", "zone"),
            ("size", "size"),
            ("labels", "tags"),
        ],
        drop: &[],
        refs: &[("id", "id"), ("self_link", "id"), ("name", "id")],
        special: None,
    },
    ReadRule {
        ty: "google_compute_attached_disk",
        data: false,
        kind: Kind::Attachment,
        attrs: &[("disk", "disk"), ("instance", "instance")],
        drop: &[("zone", ""), ("device_name", ""), ("mode", "")],
        refs: ID,
        special: None,
    },
    ReadRule {
        ty: "google_compute_instance",
        data: false,
        kind: Kind::Instance,
        attrs: &[
            ("name", "name"),
            ("machine_type", "size"),
            ("zone", "zone"),
            ("boot_disk.initialize_params.image", "image"),
            ("boot_disk.initialize_params.size", "root_size"),
            ("boot_disk.initialize_params.type", "root_type"),
            ("network_interface.subnetwork", "subnet"),
            ("network_interface.access_config.nat_ip", "public_ip_ref"),
            ("metadata_startup_script", "user_data"),
            ("labels", "tags"),
            ("tags", "net_tags"),
        ],
        drop: &[
            ("allow_stopping_for_update", ""),
            (
                "metadata",
                "instance metadata other than the startup script is GCP's own",
            ),
            (
                "service_account",
                "the instance's service account has no equivalent",
            ),
            ("boot_disk", ""),
            ("network_interface", ""),
            ("attached_disk", ""),
        ],
        refs: &[
            ("id", "id"),
            ("self_link", "id"),
            ("instance_id", "id"),
            ("name", "id"),
            ("zone", "zone"),
        ],
        special: Some(instance_parts),
    },
    ReadRule {
        ty: "google_storage_bucket",
        data: false,
        kind: Kind::Bucket,
        attrs: &[
            ("name", "name"),
            ("force_destroy", "force_destroy"),
            ("versioning.enabled", "versioning"),
            ("labels", "tags"),
        ],
        drop: &[
            ("location", "the bucket follows the target region"),
            ("versioning", ""),
            ("storage_class", ""),
        ],
        refs: &[("id", "id"), ("name", "name"), ("url", "url")],
        special: None,
    },
    ReadRule {
        ty: "google_compute_zones",
        data: true,
        kind: Kind::Zones,
        attrs: &[],
        drop: &[("region", ""), ("status", "")],
        refs: &[("names", "names")],
        special: None,
    },
    ReadRule {
        ty: "google_compute_image",
        data: true,
        kind: Kind::Image,
        attrs: &[],
        drop: &[("family", ""), ("project", ""), ("name", "")],
        refs: ID,
        special: Some(image_family),
    },
];

/// Each `allow` block of a firewall becomes a rule item.
fn allow_rules(b: &Block, fw: &mut Item, out: &mut Vec<Item>) -> Result<(), String> {
    let egress = lookup(&b.body, "direction")?
        .is_some_and(|d| matches!(d, Expression::String(s) if s == "EGRESS"));
    let (kind, ranges) = if egress {
        (Kind::EgressRule, "destination_ranges")
    } else {
        (Kind::Rule, "source_ranges")
    };
    for (n, ab) in b.body.blocks_of("allow").enumerate() {
        let mut r = child(fw, kind, format!("{}_allow_{n}", fw.label));
        r.range = ab.range.clone();
        r.attrs.insert(
            "firewall",
            path(&format!("google_compute_firewall.{}.id", fw.label)),
        );
        for (src, key) in [("protocol", "protocol"), ("ports", "ports")] {
            if let Some(e) = lookup(&ab.body, src)? {
                r.attrs.insert(key, e);
            }
        }
        if let Some(e) = lookup(&b.body, ranges)? {
            r.attrs.insert("cidrs", e);
        }
        out.push(r);
    }
    Ok(())
}

/// Inline attached disks become attachment items; an access config makes it public.
fn instance_parts(b: &Block, it: &mut Item, out: &mut Vec<Item>) -> Result<(), String> {
    let nic = b.body.blocks_of("network_interface").next();
    if nic.is_some_and(|n| n.body.blocks_of("access_config").next().is_some()) {
        it.attrs.insert("public", Expression::Bool(true));
    }
    for (n, db) in b.body.blocks_of("attached_disk").enumerate() {
        let mut a = child(it, Kind::Attachment, format!("{}_disk_{n}", it.label));
        a.range = db.range.clone();
        a.count = None;
        a.for_each = None;
        if let Some(src) = lookup(&db.body, "source")? {
            a.attrs.insert("disk", src);
        }
        a.attrs.insert(
            "instance",
            path(&format!("google_compute_instance.{}.id", it.label)),
        );
        out.push(a);
    }
    if b.body.blocks_of("attached_disk").next().is_some()
        && (it.count.is_some() || it.for_each.is_some())
    {
        return Err(format!(
            "{}: attached_disk blocks on a counted instance are not translated",
            it.address()
        ));
    }
    Ok(())
}

fn image_family(b: &Block, it: &mut Item, _: &mut Vec<Item>) -> Result<(), String> {
    let family = lookup(&b.body, "family")?;
    if let Some(Expression::String(f)) = family {
        if let Some(f) = values::family_of(&f) {
            it.attrs.insert("family", Expression::String(f.into()));
        }
    }
    Ok(())
}

fn machine_type(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::size(cx, it)
}

fn boot_type(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::disk_type(cx, it, "root_type", true)
}

fn disk_type(cx: &mut Cx, it: &Item) -> Option<Expression> {
    values::disk_type(cx, it, "disk_type", false)
}

/// A zone: the source's (rewritten), or the first zone of the region (generated).
fn zone(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(z) = it.get("zone") {
        return Some(z.clone());
    }
    if it.kind == Kind::Disk {
        if let Some(att) = common::attachments(cx, it, "disk").into_iter().next() {
            return common::retarget(cx, att.get("instance")?, 0, "zone");
        }
    }
    cx.needs.insert(Need::Zones);
    cx.notes
        .push("zone: the region's first zone (GCE needs one; the source sets none)".into());
    Some(path("data.google_compute_zones.available.names.0"))
}

fn startup_script(_: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(u) = it.get("user_data") {
        return Some(u.clone());
    }
    call(
        "base64decode",
        vec![it.get("user_data_b64")?.clone()],
        false,
    )
    .ok()
}

/// SSH access: the key pair's (or the VM's) public key as `ssh-keys` metadata.
fn metadata(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let key = ssh_key(cx, it)?;
    let user = it
        .get("ssh_user")
        .cloned()
        .unwrap_or(Expression::String("ubuntu".into()));
    let mut o = hcl::Object::new();
    o.insert(
        hcl::ObjectKey::Expression(Expression::String("ssh-keys".into())),
        interpolate(vec![Err(user), Ok(":".into()), Err(key)]),
    );
    cx.notes.push("SSH key → ssh-keys metadata".into());
    Some(Expression::Object(o))
}

/// The public key an instance logs in with: its own, or its key pair's.
pub fn ssh_key(cx: &Cx, it: &Item) -> Option<Expression> {
    if let Some(k) = it.get("ssh_key") {
        return Some(k.clone());
    }
    let kp = cx.target_of(it.get("key")?)?;
    kp.get("public_key").cloned()
}

fn net_tags(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let groups = common::groups_of(cx, it);
    if it.get("net_tags").is_some() {
        return it.get("net_tags").cloned();
    }
    (!groups.is_empty())
        .then(|| Expression::Array(groups.iter().map(|g| Expression::String(tag(g))).collect()))
}

fn tag(g: &Item) -> String {
    g.label.replace('_', "-").to_ascii_lowercase()
}

fn has_access_config(cx: &mut Cx, it: &Item) -> bool {
    common::is_public(cx, it)
}

fn nat_ip(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(r) = it.get("public_ip_ref") {
        return common::retarget(cx, r, 0, "address");
    }
    let addr = common::address_of(cx, it)?;
    let inst = addr.get("instance")?;
    let (ty, label) = cx.names.address(addr, 0)?;
    let mut e = path(&format!("{ty}.{label}.address"));
    // The address belongs to one instance: with count, only that index gets it.
    if let (Some(idx), Some(Expression::Traversal(t))) = (common::self_index(it), Some(inst)) {
        if let Some(hcl::expr::TraversalOperator::Index(i)) = t.operators.get(1) {
            let cond = Expression::Operation(Box::new(hcl::expr::Operation::Binary(
                hcl::expr::BinaryOp::new(idx, hcl::expr::BinaryOperator::Eq, i.clone()),
            )));
            e = Expression::Conditional(Box::new(hcl::expr::Conditional::new(
                cond,
                e,
                Expression::Null,
            )));
        }
    }
    cx.notes
        .push(format!("{} → access_config.nat_ip", addr.address()));
    Some(e)
}

fn rule_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let group = common::group_of(cx, it);
    let base = group.and_then(|g| g.get("name")).cloned();
    let own = group.map_or(it.label.as_str(), |g| {
        it.label
            .strip_prefix(&format!("{}_", g.label))
            .unwrap_or(&it.label)
    });
    let suffix = own.replace('_', "-").to_ascii_lowercase();
    Some(match base {
        Some(b) if group.is_some_and(|g| g.label != it.label) => call(
            "lower",
            vec![interpolate(vec![Err(b), Ok(format!("-{suffix}"))])],
            false,
        )
        .ok()?,
        _ => values::gcp_name(cx, it)?,
    })
}

fn allow_protocol(_: &mut Cx, it: &Item) -> Option<Expression> {
    Some(Expression::String(protocol(it)))
}

fn allow_ports(_: &mut Cx, it: &Item) -> Option<Expression> {
    if protocol(it) == "all" || protocol(it) == "icmp" {
        return None;
    }
    Some(Expression::Array(
        ports(it)?.into_iter().map(Expression::String).collect(),
    ))
}

fn source_ranges(_: &mut Cx, it: &Item) -> Option<Expression> {
    Some(cidrs(it))
}

fn target_tags(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let g = common::group_of(cx, it)?;
    if g.src_ty.starts_with("google_") {
        return g.get("net_tags").cloned();
    }
    cx.notes.push(format!(
        "applies to instances tagged {:?} (the members of {})",
        tag(g),
        g.address()
    ));
    Some(Expression::Array(vec![Expression::String(tag(g))]))
}

fn address_instance(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if it.get("instance").is_some() {
        cx.notes
            .push("attached through the instance's access_config.nat_ip".into());
    }
    None
}

fn location(cx: &mut Cx, _: &Item) -> Option<Expression> {
    Some(Expression::String(cx.region.0.to_ascii_uppercase()))
}

const RULE_PARTS: &[Part] = &[
    Part::Attr("name", Val::F(rule_name)),
    Part::Attr("network", Val::F(common::network)),
    Part::Attr("description", Val::A("description")),
    Part::Attr("allow.protocol", Val::F(allow_protocol)),
    Part::Attr("allow.ports", Val::F(allow_ports)),
    Part::Attr("target_tags", Val::F(target_tags)),
];

/// How each kind is written on Google Cloud.
pub const WRITE: &[WriteRule] = &[
    WriteRule { kind: Kind::Network, rule: "VPC network in custom-subnet mode (GCP networks have no CIDR: the subnetworks carry the ranges)", outs: &[Out { ty: "google_compute_network", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::gcp_name)), Part::Attr("auto_create_subnetworks", Val::L("false"))], refs: &[("id", "id"), ("name", "name")] }] },
    WriteRule { kind: Kind::Subnet, rule: "subnetwork (regional: GCP subnets span the region's zones)", outs: &[Out { ty: "google_compute_subnetwork", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::gcp_name)), Part::Attr("network", Val::A("network")), Part::Attr("ip_cidr_range", Val::A("cidr"))],
        refs: &[("id", "id"), ("name", "name"), ("cidr", "ip_cidr_range")] }] },
    WriteRule { kind: Kind::Firewall, rule: "not written: GCP has no security groups; its rules become firewall rules that target the members' network tag", outs: &[] },
    WriteRule { kind: Kind::Rule, rule: "ingress firewall rule", outs: &[Out { ty: "google_compute_firewall", data: false, when: None,
        parts: &[RULE_PARTS[0], RULE_PARTS[1], RULE_PARTS[2], Part::Attr("direction", Val::L("\"INGRESS\"")), RULE_PARTS[3], RULE_PARTS[4], Part::Attr("source_ranges", Val::F(source_ranges)), RULE_PARTS[5]], refs: ID }] },
    WriteRule { kind: Kind::EgressRule, rule: "egress firewall rule (allow-all egress is GCP's default and is not written)", outs: &[Out { ty: "google_compute_firewall", data: false, when: Some(common::writes_egress),
        parts: &[RULE_PARTS[0], RULE_PARTS[1], RULE_PARTS[2], Part::Attr("direction", Val::L("\"EGRESS\"")), RULE_PARTS[3], RULE_PARTS[4], Part::Attr("destination_ranges", Val::F(source_ranges)), RULE_PARTS[5]], refs: ID }] },
    WriteRule { kind: Kind::Instance, rule: "Compute Engine instance", outs: &[Out { ty: "google_compute_instance", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::gcp_name)), Part::Attr("machine_type", Val::F(machine_type)), Part::Attr("zone", Val::F(zone)), Part::Attr("allow_stopping_for_update", Val::L("true")), Part::Attr("tags", Val::F(net_tags)),
            Part::Attr("boot_disk.initialize_params.image", Val::F(values::image_ref)), Part::Attr("boot_disk.initialize_params.size", Val::A("root_size")), Part::Attr("boot_disk.initialize_params.type", Val::F(boot_type)),
            Part::Attr("network_interface.subnetwork", Val::A("subnet")), Part::Attr("network_interface.access_config", Val::Block(has_access_config)), Part::Attr("network_interface.access_config.nat_ip", Val::F(nat_ip)),
            Part::Attr("metadata", Val::F(metadata)), Part::Attr("metadata_startup_script", Val::F(startup_script)), Part::Attr("labels", Val::F(values::gcp_labels))],
        refs: &[("id", "id"), ("name", "name"), ("zone", "zone"), ("private_ip", "network_interface.0.network_ip"), ("public_ip", "network_interface.0.access_config.0.nat_ip")] }] },
    WriteRule { kind: Kind::Disk, rule: "persistent disk", outs: &[Out { ty: "google_compute_disk", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::gcp_name)), Part::Attr("type", Val::F(disk_type)), Part::Attr("zone", Val::F(zone)), Part::Attr("size", Val::A("size")), Part::Attr("labels", Val::F(values::gcp_labels))],
        refs: &[("id", "id"), ("name", "name")] }] },
    WriteRule { kind: Kind::Attachment, rule: "attached disk", outs: &[Out { ty: "google_compute_attached_disk", data: false, when: None,
        parts: &[Part::Attr("disk", Val::A("disk")), Part::Attr("instance", Val::A("instance"))], refs: &[("id", "id")] }] },
    WriteRule { kind: Kind::PublicIp, rule: "static external address", outs: &[Out { ty: "google_compute_address", data: false, when: None,
        parts: &[Part::Attr("name", Val::F(values::gcp_name)), Part::Attr("labels", Val::F(values::gcp_labels)), Part::Attr("description", Val::F(address_instance))],
        refs: &[("id", "id"), ("address", "address")] }] },
    WriteRule { kind: Kind::Bucket, rule: "Cloud Storage bucket", outs: &[Out { ty: "google_storage_bucket", data: false, when: None,
        parts: &[Part::Attr("name", Val::A("name")), Part::Attr("location", Val::F(location)), Part::Attr("force_destroy", Val::A("force_destroy")), Part::Attr("versioning.enabled", Val::A("versioning")), Part::Attr("labels", Val::F(values::gcp_labels))],
        refs: &[("id", "id"), ("name", "name"), ("url", "url")] }] },
    WriteRule { kind: Kind::Zones, rule: "the region's zones", outs: &[Out { ty: "google_compute_zones", data: true, when: None, parts: &[], refs: &[("names", "names")] }] },
    WriteRule { kind: Kind::KeyPair, rule: "not written: the key goes into the instances' ssh-keys metadata", outs: &[] },
    WriteRule { kind: Kind::Image, rule: "not written: the instances' images are looked up per OS family (data \"google_compute_image\")", outs: &[] },
    WriteRule { kind: Kind::Versioning, rule: "folded into the bucket", outs: &[] },
    WriteRule { kind: Kind::Routing, rule: "not written: a GCP network routes to the internet by itself", outs: &[] },
    WriteRule { kind: Kind::ResourceGroup, rule: "not written: GCP projects take the place of resource groups", outs: &[] },
    WriteRule { kind: Kind::Nic, rule: "folded into the instance's network_interface", outs: &[] },
    WriteRule { kind: Kind::Account, rule: "not written: Cloud Storage buckets need no storage account", outs: &[] },
];
