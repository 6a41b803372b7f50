//! The account `autostack migrate` prints after the plan: what moves where, what data is
//! copied and what is not, what is deleted on the old cloud, the monthly cost before and
//! after (the cost engine's totals of the plan), and what stays behind because it is not
//! portable.

use super::Rewrite;
use crate::plan_input::{plan_input, Detail};
use crate::render::migrate::side_cost;
use autostack_core::plan::{cloud_name, Action, Plan};
use autostack_cost::{fmt_delta, fmt_usd, Catalog};
use autostack_lang::config::ModuleTree;

/// The migration summary of `plan`, made from the configuration as `rw` rewrites it.
pub fn summary(plan: &Plan, tree: &ModuleTree, rw: &Rewrite) -> String {
    let moves: Vec<_> = (plan.changes.iter())
        .filter(|c| c.action == Action::Migrate)
        .collect();
    let from: Vec<&str> = rw.from.iter().map(|c| c.as_str()).collect();
    let mut out = format!(
        "\nMigration {} → {} (region {}; {}{}):\n",
        from.join(", "),
        rw.target.cloud,
        rw.region,
        rw.how,
        rw.alias_regions()
    );
    let list = |v: Vec<String>| match v.is_empty() {
        true => "none".to_string(),
        false => v.join(", "),
    };
    let created: Vec<String> = (plan.changes.iter())
        .filter(|c| c.action == Action::Migrate || c.action == Action::Create)
        .map(|c| c.addr.to_string())
        .collect();
    let deleted: Vec<String> = (moves.iter())
        .map(|c| {
            c.migration.as_ref().map_or_else(String::new, |m| {
                format!("{} ({})", c.addr, cloud_name(&m.from_source))
            })
        })
        .collect();
    let copied: Vec<String> = (moves.iter())
        .filter(|c| c.addr.resource.ty == "portable_bucket")
        .map(|c| c.addr.to_string())
        .collect();
    let not_copied: Vec<String> = (moves.iter())
        .filter(|c| {
            matches!(
                c.addr.resource.ty.as_str(),
                "portable_disk" | "portable_instance"
            )
        })
        .map(|c| c.addr.to_string())
        .collect();
    out.push_str(&format!(
        "  created on {}: {}\n",
        rw.target.cloud,
        list(created)
    ));
    out.push_str(&format!(
        "  copied: {}\n",
        match copied.is_empty() {
            true => "none".to_string(),
            false => format!(
                "{} (bucket objects, MD5 checksums verified)",
                copied.join(", ")
            ),
        }
    ));
    if !not_copied.is_empty() {
        out.push_str(&format!(
            "  not copied: {} (disk contents start empty on the new cloud)\n",
            not_copied.join(", ")
        ));
    }
    out.push_str(&format!("  deleted after the copy: {}\n", list(deleted)));
    out.push_str(&cost_line(plan, tree));
    for (addr, cloud) in &rw.staying {
        out.push_str(&format!(
            "  not portable: {addr} stays on {cloud} (`autostack translate -to={}` writes an equivalent)\n",
            rw.target.cloud
        ));
    }
    out
}

/// `monthly cost: $X before → $Y after (delta)`: each move's two sides priced as the plan's
/// migrate comments price them (the concrete compute type at its size, in its region), the
/// rest of the plan as the cost section prices it.
fn cost_line(plan: &Plan, tree: &ModuleTree) -> String {
    let (mut before, mut after, mut unpriced) = (0.0, 0.0, 0usize);
    for c in plan.changes.iter().filter(|c| c.action == Action::Migrate) {
        match (side_cost(c.before.as_ref()), side_cost(c.after.as_ref())) {
            (Some(b), Some(a)) => {
                before += b;
                after += a;
            }
            _ => unpriced += 1,
        }
    }
    let (mut input, _) = plan_input(plan, tree, Detail::Section);
    (input.resource_changes).retain(|c| c.action != autostack_cost::Action::Migrate);
    if !input.resource_changes.is_empty() {
        let total = crate::costing::report(&input, Catalog::effective()).total;
        before += total.before;
        after += total.after;
        unpriced += total.unpriced;
    }
    let unpriced = match unpriced {
        0 => String::new(),
        n => format!("; {n} resource(s) not priced (networks, disks and buckets of a move are not yet; usage-based prices need a usage file)"),
    };
    format!(
        "  monthly cost: {} before → {} after ({}/mo){unpriced}\n",
        fmt_usd(before),
        fmt_usd(after),
        fmt_delta(after - before)
    )
}
