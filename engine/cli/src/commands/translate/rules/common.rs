//! Value functions the clouds' rule tables share: firewall rules' ports and ranges, the
//! network a resource belongs to, the instance behind a disk or address.

use super::super::hclexpr::{call, path};
use super::super::model::{Item, Kind};
use super::super::write::Cx;
use hcl::expr::TraversalOperator;
use hcl::{Expression, Identifier};

/// The rule's ports as written (`["80", "8000-8080"]`); `None` for all ports.
pub fn ports(it: &Item) -> Option<Vec<String>> {
    if let Some(Expression::Array(xs)) = it.get("ports") {
        let v: Vec<String> = xs.iter().filter_map(port_text).collect();
        return (!v.is_empty()).then_some(v);
    }
    let from = it.get("from_port").and_then(port_text)?;
    let to = it
        .get("to_port")
        .and_then(port_text)
        .unwrap_or(from.clone());
    match (from.as_str(), to.as_str()) {
        ("0", "0") | ("-1", _) | ("0", "65535") => None,
        _ if from == to => Some(vec![from]),
        _ => Some(vec![format!("{from}-{to}")]),
    }
}

fn port_text(e: &Expression) -> Option<String> {
    match e {
        Expression::Number(n) => Some(n.to_string()),
        Expression::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The rule's protocol in lower case: `tcp`, `udp`, `icmp`, or `all`.
pub fn protocol(it: &Item) -> String {
    match it.str("protocol").map(str::to_ascii_lowercase).as_deref() {
        None | Some("-1") | Some("*") | Some("all") => "all".into(),
        Some("6") => "tcp".into(),
        Some("17") => "udp".into(),
        Some(p) => p.into(),
    }
}

/// The rule's CIDR blocks as an expression (a list).
pub fn cidrs(it: &Item) -> Expression {
    match it.get("cidrs") {
        Some(e @ Expression::Array(_)) => e.clone(),
        Some(e) => Expression::Array(vec![e.clone()]),
        None => Expression::Array(vec![Expression::String("0.0.0.0/0".into())]),
    }
}

/// Whether an egress rule allows everything everywhere (what GCP and Azure do by default).
pub fn allows_all_egress(it: &Item) -> bool {
    let everywhere = matches!(cidrs(it), Expression::Array(ref xs)
        if xs.len() == 1 && matches!(&xs[0], Expression::String(s) if s == "0.0.0.0/0"));
    protocol(it) == "all" && ports(it).is_none() && everywhere
}

/// The firewall (group) item a rule belongs to.
pub fn group_of<'a>(cx: &Cx<'a>, it: &Item) -> Option<&'a Item> {
    cx.target_of(it.get("firewall")?)
}

/// The network a resource is in: its own `network`, its group's, or the configuration's
/// only network (noted).
pub fn network(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(n) = it.get("network") {
        return Some(n.clone());
    }
    if let Some(n) = group_of(cx, it).and_then(|g| g.get("network")) {
        return Some(n.clone());
    }
    let nets: Vec<&Item> = cx
        .items
        .iter()
        .filter(|i| i.kind == Kind::Network)
        .collect();
    match nets.as_slice() {
        [only] => {
            cx.notes.push(format!(
                "network: the configuration's only network, {}",
                only.address()
            ));
            Some(path(&format!("{}.{}.id", only.src_ty, only.label)))
        }
        _ => {
            cx.lose("the network this belongs to is not known: set it by hand");
            None
        }
    }
}

/// A source reference (`aws_vpc.main.id`, `aws_instance.web[count.index].id`) turned into
/// a reference to attribute `attr` of output `n` of the same item, in target terms
/// (`azurerm_virtual_network.main.name`): the index steps are kept.
pub fn retarget(cx: &Cx, e: &Expression, n: usize, attr: &str) -> Option<Expression> {
    let Expression::Traversal(t) = e else {
        return None;
    };
    let item = cx.target_of(e)?;
    let (ty, label) = cx.names.address(item, n)?;
    let mut ops = vec![TraversalOperator::GetAttr(Identifier::unchecked(label))];
    ops.extend(
        t.operators[1..]
            .iter()
            .take_while(|o| !matches!(o, TraversalOperator::GetAttr(_)))
            .cloned(),
    );
    ops.extend(
        attr.split('.')
            .map(|a| TraversalOperator::GetAttr(Identifier::unchecked(a))),
    );
    Some(Expression::Traversal(Box::new(hcl::expr::Traversal::new(
        hcl::expr::Variable::unchecked(ty),
        ops,
    ))))
}

/// The attachment items of a disk or instance (by the reference's resource).
pub fn attachments<'a>(cx: &Cx<'a>, it: &Item, role: &str) -> Vec<&'a Item> {
    cx.items
        .iter()
        .filter(|a| a.kind == Kind::Attachment)
        .filter(|a| {
            a.get(role)
                .and_then(|e| cx.target_of(e))
                .is_some_and(|t| t.src_ty == it.src_ty && t.label == it.label)
        })
        .collect()
}

/// The index expression matching an item's own expansion (`[count.index]`, `[each.key]`).
pub fn self_index(it: &Item) -> Option<Expression> {
    if it.count.is_some() {
        Some(path("count.index"))
    } else if it.for_each.is_some() {
        Some(path("each.key"))
    } else {
        None
    }
}

/// `type.label[idx].attr` of another output of the same item.
pub fn sibling(cx: &Cx, it: &Item, n: usize, attr: &str) -> Option<Expression> {
    let (ty, label) = cx.names.address(it, n)?;
    let mut e = path(&format!("{ty}.{label}"));
    if let (Expression::Traversal(t), Some(i)) = (&mut e, self_index(it)) {
        t.operators.push(TraversalOperator::Index(i));
    }
    Some(super::super::hclexpr::traversal(
        e,
        vec![TraversalOperator::GetAttr(Identifier::unchecked(attr))],
    ))
}

/// Tags with a `Name` tag from the neutral name (AWS names things by tag).
pub fn tags_with_name(_cx: &mut Cx, it: &Item) -> Option<Expression> {
    match (it.get("tags"), it.get("name")) {
        (Some(t), Some(n)) => {
            let mut o = hcl::Object::new();
            o.insert(
                hcl::ObjectKey::Identifier(Identifier::unchecked("Name")),
                n.clone(),
            );
            call("merge", vec![t.clone(), Expression::Object(o)], false).ok()
        }
        (None, Some(n)) => {
            let mut o = hcl::Object::new();
            o.insert(
                hcl::ObjectKey::Identifier(Identifier::unchecked("Name")),
                n.clone(),
            );
            Some(Expression::Object(o))
        }
        (t, None) => t.cloned(),
    }
}

/// Instances with a public address: a public subnet, an address, or an attached static IP.
pub fn is_public(cx: &Cx, it: &Item) -> bool {
    if it.get("public").is_some() || it.get("public_ip_ref").is_some() {
        return true;
    }
    let subnet_public = it
        .get("subnet")
        .and_then(|s| cx.target_of(s))
        .is_some_and(|s| s.get("public").is_some());
    subnet_public || address_of(cx, it).is_some()
}

/// The static address item that names this instance (`aws_eip.instance`).
pub fn address_of<'a>(cx: &Cx<'a>, it: &Item) -> Option<&'a Item> {
    cx.items.iter().find(|p| {
        p.kind == Kind::PublicIp
            && p.get("instance")
                .and_then(|e| cx.target_of(e))
                .is_some_and(|t| t.label == it.label && t.src_ty == it.src_ty)
    })
}

/// The firewall groups an instance belongs to: from security group ids, or, on GCP, the
/// groups whose target tags it carries.
pub fn groups_of<'a>(cx: &Cx<'a>, it: &Item) -> Vec<&'a Item> {
    if let Some(Expression::Array(xs)) = it.get("firewalls") {
        return xs.iter().filter_map(|x| cx.target_of(x)).collect();
    }
    let Some(Expression::Array(tags)) = it.get("net_tags") else {
        return Vec::new();
    };
    cx.items
        .iter()
        .filter(|g| g.kind == Kind::Firewall)
        .filter(|g| match g.get("net_tags") {
            Some(Expression::Array(gt)) => gt.iter().any(|t| tags.contains(t)),
            _ => true,
        })
        .collect()
}

/// References to the groups of an instance (`[aws_security_group.web.id, ...]`, in source terms).
pub fn group_ids(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let groups = groups_of(cx, it);
    if groups.is_empty() {
        return None;
    }
    let refs = groups
        .iter()
        .map(|g| path(&format!("{}.{}.id", g.src_ty, g.label)))
        .collect();
    Some(Expression::Array(refs))
}

/// Egress rules other than allow-all (which GCP and Azure allow by default) are written.
pub fn writes_egress(_: &Cx, it: &Item) -> bool {
    !allows_all_egress(it)
}

/// A network's address space: its own, or 10.0.0.0/16 with a note (GCP keeps it on the
/// subnetworks; AWS and the portable types need one on the network).
pub fn cidr_or_default(cx: &mut Cx, it: &Item) -> Option<Expression> {
    if let Some(c) = it.get("cidr") {
        return Some(c.clone());
    }
    cx.notes.push(
        "CIDR 10.0.0.0/16: the source network has no address space (GCP keeps it on subnetworks)"
            .into(),
    );
    Some(Expression::String("10.0.0.0/16".into()))
}
