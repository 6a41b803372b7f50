//! Security group rules as hashicorp/aws's `ingress`/`egress` blocks, and their translation
//! to and from EC2's `IpPermission`s.

use crate::attrs::{get, get_bool, get_int, get_str, get_strings, string_list, string_set};
use autostack_provider_sdk::{Attribute, Block};
use autostack_value::make_set;
use autostack_value::{Type, Value};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroup, UserIdGroupPair,
};

/// The block schema of one inline rule.
pub fn rule_block() -> Block {
    let list = || Attribute::optional(Type::list(Type::String));
    Block::new()
        .attr("cidr_blocks", list())
        .attr("ipv6_cidr_blocks", list())
        .attr("prefix_list_ids", list())
        .attr(
            "security_groups",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr("self", Attribute::optional(Type::Bool))
        .attr("description", Attribute::optional(Type::String))
        .attr("from_port", Attribute::required(Type::Number))
        .attr("to_port", Attribute::required(Type::Number))
        .attr("protocol", Attribute::required(Type::String))
}

/// The object type of one rule.
pub fn rule_type() -> Type {
    rule_block().value_type()
}

/// EC2's canonical protocol name: `-1` for all, names for TCP, UDP and ICMP.
pub fn canonical_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// A configured rule as the provider stores it: zero values for unset attributes and the
/// canonical protocol.
pub fn normalize_rule(r: &Value) -> Value {
    let protocol = canonical_protocol(get_str(r, "protocol").unwrap_or("-1"));
    let (from, to) = if protocol == "-1" {
        (0, 0)
    } else {
        (
            get_int(r, "from_port").unwrap_or(0),
            get_int(r, "to_port").unwrap_or(0),
        )
    };
    Value::object_from([
        ("cidr_blocks", string_list(get_strings(r, "cidr_blocks"))),
        (
            "ipv6_cidr_blocks",
            string_list(get_strings(r, "ipv6_cidr_blocks")),
        ),
        (
            "prefix_list_ids",
            string_list(get_strings(r, "prefix_list_ids")),
        ),
        (
            "security_groups",
            string_set(get_strings(r, "security_groups")),
        ),
        ("self", Value::bool(get_bool(r, "self").unwrap_or(false))),
        (
            "description",
            Value::string(get_str(r, "description").unwrap_or("")),
        ),
        ("from_port", Value::int(from)),
        ("to_port", Value::int(to)),
        ("protocol", Value::string(protocol)),
    ])
}

/// A set of normalized rules (unknown stays unknown).
pub fn normalize_rules(v: &Value) -> Value {
    if !v.is_wholly_known() {
        return v.clone();
    }
    let rules = v
        .as_seq()
        .unwrap_or_default()
        .iter()
        .map(normalize_rule)
        .collect();
    make_set(rule_type(), rules)
}

/// The EC2 permission a rule grants; `self` refers to the group `group_id`.
pub fn permission(r: &Value, group_id: &str) -> IpPermission {
    let description = get_str(r, "description").map(str::to_string);
    let mut groups: Vec<UserIdGroupPair> = get_strings(r, "security_groups")
        .into_iter()
        .map(|g| {
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(description.clone())
                .build()
        })
        .collect();
    if get_bool(r, "self").unwrap_or(false) {
        groups.push(
            UserIdGroupPair::builder()
                .group_id(group_id)
                .set_description(description.clone())
                .build(),
        );
    }
    let protocol = canonical_protocol(get_str(r, "protocol").unwrap_or("-1"));
    let ports = protocol != "-1";
    IpPermission::builder()
        .ip_protocol(protocol)
        .set_from_port(ports.then(|| get_int(r, "from_port").unwrap_or(0) as i32))
        .set_to_port(ports.then(|| get_int(r, "to_port").unwrap_or(0) as i32))
        .set_ip_ranges(Some(
            get_strings(r, "cidr_blocks")
                .into_iter()
                .map(|c| {
                    IpRange::builder()
                        .cidr_ip(c)
                        .set_description(description.clone())
                        .build()
                })
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            get_strings(r, "ipv6_cidr_blocks")
                .into_iter()
                .map(|c| {
                    Ipv6Range::builder()
                        .cidr_ipv6(c)
                        .set_description(description.clone())
                        .build()
                })
                .collect(),
        ))
        .set_prefix_list_ids(Some(
            get_strings(r, "prefix_list_ids")
                .into_iter()
                .map(|p| {
                    PrefixListId::builder()
                        .prefix_list_id(p)
                        .set_description(description.clone())
                        .build()
                })
                .collect(),
        ))
        .set_user_id_group_pairs(Some(groups))
        .build()
}

/// One source of a permission, tagged with its kind.
enum Source<'a> {
    Cidr(&'a str),
    Ipv6(&'a str),
    PrefixList(&'a str),
    Group(&'a str),
    SelfRef,
}

/// The rules of one permission: the provider splits a permission by description, one rule
/// per distinct description, sources kept in AWS's order.
fn rules_of(p: &IpPermission, group_id: &str) -> Vec<Value> {
    let mut sources: Vec<(Option<&str>, Source<'_>)> = Vec::new();
    for r in p.ip_ranges() {
        sources.push((
            r.description(),
            Source::Cidr(r.cidr_ip().unwrap_or_default()),
        ));
    }
    for r in p.ipv6_ranges() {
        sources.push((
            r.description(),
            Source::Ipv6(r.cidr_ipv6().unwrap_or_default()),
        ));
    }
    for r in p.prefix_list_ids() {
        let id = r.prefix_list_id().unwrap_or_default();
        sources.push((r.description(), Source::PrefixList(id)));
    }
    for g in p.user_id_group_pairs() {
        let id = g.group_id().unwrap_or_default();
        let s = if id == group_id {
            Source::SelfRef
        } else {
            Source::Group(id)
        };
        sources.push((g.description(), s));
    }
    let mut descriptions: Vec<Option<&str>> = Vec::new();
    for (d, _) in &sources {
        if !descriptions.contains(d) {
            descriptions.push(*d);
        }
    }
    if descriptions.is_empty() {
        descriptions.push(None);
    }
    let protocol = canonical_protocol(p.ip_protocol().unwrap_or("-1"));
    descriptions
        .into_iter()
        .map(|d| {
            let (mut cidrs, mut v6, mut pls, mut groups, mut own) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new(), false);
            for (_, s) in sources.iter().filter(|(x, _)| *x == d) {
                match s {
                    Source::Cidr(c) => cidrs.push(*c),
                    Source::Ipv6(c) => v6.push(*c),
                    Source::PrefixList(c) => pls.push(*c),
                    Source::Group(g) => groups.push(*g),
                    Source::SelfRef => own = true,
                }
            }
            let port = |x: Option<i32>| Value::int(i64::from(x.unwrap_or(0)));
            let (from, to) = if protocol == "-1" {
                (Value::int(0), Value::int(0))
            } else {
                (port(p.from_port()), port(p.to_port()))
            };
            Value::object_from([
                ("cidr_blocks", string_list(cidrs)),
                ("ipv6_cidr_blocks", string_list(v6)),
                ("prefix_list_ids", string_list(pls)),
                ("security_groups", string_set(groups)),
                ("self", Value::bool(own)),
                ("description", Value::string(d.unwrap_or(""))),
                ("from_port", from),
                ("to_port", to),
                ("protocol", Value::string(protocol.as_str())),
            ])
        })
        .collect()
}

/// The `ingress` and `egress` rule sets of a group as AWS reports it.
pub fn rule_sets(g: &SecurityGroup) -> (Value, Value) {
    let id = g.group_id().unwrap_or_default();
    let set = |ps: &[IpPermission]| {
        make_set(
            rule_type(),
            ps.iter().flat_map(|p| rules_of(p, id)).collect(),
        )
    };
    (set(g.ip_permissions()), set(g.ip_permissions_egress()))
}

/// The rules in `a` that are not in `b` (sets compared by value).
pub fn missing_from<'a>(a: &'a Value, b: &Value) -> Vec<&'a Value> {
    let bs = b.as_seq().unwrap_or_default();
    a.as_seq()
        .unwrap_or_default()
        .iter()
        .filter(|r| !bs.iter().any(|x| autostack_provider_sdk::same(x, r)))
        .collect()
}

/// The configured rule set of `name` in a value, when known.
pub fn rules<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    get(v, name).filter(|r| r.is_wholly_known())
}
