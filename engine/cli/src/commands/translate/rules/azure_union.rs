//! An instance in several security groups, written for Azure: a network interface takes one
//! network security group, and groups stacked on subnet and interface intersect rather than
//! add up, so the interface gets a group of its own holding the union of its groups' rules
//! (as the portable instance does on Azure): each group's rules in the order the instance
//! lists its groups, named `<group>-<rule>`, priorities from 100.

use super::super::hclexpr::interpolate;
use super::super::model::{Item, Kind};
use super::super::values;
use super::super::write::{block, Cx};
use super::azure::{direction, port_ranges, rule_protocol, source_prefixes};
use super::common;
use hcl::Expression;

/// The index of the instance's own group among its outputs (after the interface, the VM, the
/// public IP and the association).
const UNION_OUT: usize = 4;

/// True when the instance is in more than one group (it gets a group of its own).
pub fn has_groups(cx: &Cx, it: &Item) -> bool {
    common::groups_of(cx, it).len() > 1
}

/// True when the instance is in a group (its interface gets one associated).
pub fn has_group(cx: &Cx, it: &Item) -> bool {
    !common::groups_of(cx, it).is_empty()
}

/// The group associated with the instance's interface: its only group, else its own.
pub fn nic_group(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let Some(Expression::Array(ids)) = common::group_ids(cx, it) else {
        return None;
    };
    if ids.len() > 1 {
        cx.notes.push(format!("{} security groups: an Azure network interface takes one, so it gets a group of its own holding the union of their rules", ids.len()));
        return common::sibling(cx, it, UNION_OUT, "id");
    }
    ids.into_iter().next()
}

/// The name of the instance's own group: its name with `-firewalls`.
pub fn union_name(cx: &mut Cx, it: &Item) -> Option<Expression> {
    let base = values::plain_name(cx, it)?;
    Some(interpolate(vec![Err(base), Ok("-firewalls".into())]))
}

/// The `security_rule` blocks of the instance's own group: every rule of its groups
/// (outbound ones only where they are written at all), renumbered from priority 100.
pub fn union_rules(cx: &mut Cx, it: &Item) -> Vec<hcl::Block> {
    let groups = common::groups_of(cx, it);
    let mut out = Vec::new();
    for g in groups {
        let rules: Vec<&Item> = (cx.items.iter())
            .filter(|r| matches!(r.kind, Kind::Rule | Kind::EgressRule))
            .filter(|r| r.kind == Kind::Rule || common::writes_egress(cx, r))
            .filter(|r| {
                common::group_of(cx, r).is_some_and(|o| o.label == g.label && o.src_ty == g.src_ty)
            })
            .collect();
        for r in rules {
            let name = format!("{}-{}", g.label, r.label).replace('_', "-");
            let priority = Expression::Number((100 + out.len() as u64).into());
            let attr = |e: Option<Expression>| e.unwrap_or(Expression::Null);
            let description = r.get("description").cloned();
            let attrs = vec![
                ("name", Expression::String(name)),
                ("priority", priority),
                ("direction", attr(direction(cx, r))),
                ("access", Expression::String("Allow".into())),
                ("protocol", attr(rule_protocol(cx, r))),
                ("source_port_range", Expression::String("*".into())),
                ("destination_port_ranges", attr(port_ranges(cx, r))),
                ("source_address_prefixes", attr(source_prefixes(cx, r))),
                ("destination_address_prefix", Expression::String("*".into())),
                ("description", attr(description)),
            ];
            let set = attrs.into_iter().filter(|(_, e)| *e != Expression::Null);
            out.push(block("security_rule", set.collect()));
        }
    }
    out
}
