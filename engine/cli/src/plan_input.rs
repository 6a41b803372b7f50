//! The cost engine's input built straight from a plan in memory: the same fields the Terraform
//! JSON plan carries (`resource_changes[]`, `configuration.provider_config`, the provider
//! config keys), without rendering and re-parsing a whole JSON document.

use autostack_core::addrs::InstanceKey;
use autostack_core::jsonplan::{expression_json, known_json, sort_as_terraform};
use autostack_core::plan::{Action, Plan, ResourceChange};
use autostack_cost::{PlanInput, ProviderConfig};
use autostack_lang::config::{Mode, ModuleTree};
use autostack_lang::value::json::unknown_mask;
use serde_json::{json, Map, Value as Json};

/// Which resources get their values converted for pricing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every managed resource with its values (`autostack cost`, policies).
    Full,
    /// The plan's cost section: resources of inert types are left out, and types no cloud
    /// prices from values carry none (the section shows neither their values nor tags).
    Section,
}

/// The priced input of a plan; the second number is how many inert resources were left out.
pub fn plan_input(plan: &Plan, tree: &ModuleTree, detail: Detail) -> (PlanInput, usize) {
    let mut input = PlanInput::new();
    input.provider_configs = provider_configs(plan, tree);
    let mut skipped = 0;
    let mut priced = Vec::new();
    for c in plan.changes.iter().map(|c| &**c) {
        let r = &c.addr.resource;
        if r.mode == Mode::Data || c.action == Action::Read {
            continue; // never priced
        }
        if detail == Detail::Section && autostack_cost::is_inert(&r.ty) {
            skipped += 1;
            continue;
        }
        priced.push(c);
    }
    // The order `show -json` lists them in, so both paths give the same report.
    sort_as_terraform(&mut priced);
    for c in priced {
        let values = detail == Detail::Full || autostack_cost::reads_values(&c.addr.resource.ty);
        input.push(change(c, tree, values));
    }
    (input, skipped)
}

fn action(a: Action) -> autostack_cost::Action {
    use autostack_cost::Action as A;
    match a {
        Action::NoOp => A::NoOp,
        Action::Create => A::Create,
        Action::Read => A::Read,
        Action::Update => A::Update,
        Action::DeleteThenCreate | Action::CreateThenDelete => A::Replace,
        Action::Delete => A::Delete,
        Action::Migrate => A::Migrate,
    }
}

/// One `resource_changes[]` entry, as `parse_plan_json` reads it from `show -json`.
fn change(c: &ResourceChange, tree: &ModuleTree, values: bool) -> autostack_cost::ResourceChange {
    let r = &c.addr.resource;
    let mut out = autostack_cost::ResourceChange::new(&c.addr.to_string(), &r.ty, action(c.action));
    out.mode = autostack_cost::Mode::Managed;
    out.name = r.name.to_string();
    out.index = c.addr.key.as_ref().map(|k| match k {
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    });
    out.module_address = (!r.module.is_root()).then(|| r.module.to_string());
    out.provider_name = c.provider_source.to_string();
    out.provider_config_key = config_key(tree, c);
    if values {
        let after = c.after.as_ref().filter(|_| c.action != Action::Delete);
        out.before = c.before.as_ref().map_or(Json::Null, known_json);
        out.after = after.map_or(Json::Null, known_json);
        out.after_unknown = after.map_or(Json::Bool(false), unknown_mask);
    }
    out
}

/// The provider configuration key the resource's configuration block names (`aws`,
/// `aws.west`), as `configuration.root_module` gives it; `None` for removed resources.
fn config_key(tree: &ModuleTree, c: &ResourceChange) -> Option<String> {
    let r = &c.addr.resource;
    let mut t = tree;
    for (name, _) in r.module.steps().iter() {
        t = t.children.get(name.as_str())?;
    }
    let res = t.module.resources.get(&format!("{}.{}", r.ty, r.name))?;
    Some(match &res.provider {
        Some((n, Some(a))) => format!("{n}.{a}"),
        Some((n, None)) => n.clone(),
        None => autostack_core::addrs::implied_local_name(&r.ty).to_string(),
    })
}

/// The root module's provider configurations, with `region`/`zone` resolved as the JSON plan
/// path resolves them (a constant, a root variable, or unknown).
fn provider_configs(
    plan: &Plan,
    tree: &ModuleTree,
) -> std::collections::BTreeMap<String, ProviderConfig> {
    let mut out = std::collections::BTreeMap::new();
    for p in &tree.module.providers {
        let mut expressions = Map::new();
        let mut vars = Map::new();
        for a in p.config.attributes.iter() {
            if a.name != "region" && a.name != "zone" {
                continue;
            }
            let x = expression_json(&a.expr);
            let refs = x.get("references").and_then(Json::as_array);
            for name in refs.into_iter().flatten().filter_map(Json::as_str) {
                let Some(var) = name.strip_prefix("var.") else {
                    continue;
                };
                if let Some(v) = plan.variables.get(var) {
                    vars.insert(var.to_string(), json!({ "value": known_json(v) }));
                }
            }
            expressions.insert(a.name.clone(), x);
        }
        let mut doc = json!({ "name": p.name, "expressions": expressions });
        if let Some(a) = &p.alias {
            doc["alias"] = json!(a);
        }
        let key = p.addr();
        let cfg = autostack_cost::plan_json::provider_config(&key, &doc, &vars);
        out.insert(key, cfg);
    }
    out
}

#[cfg(test)]
#[path = "plan_input_tests.rs"]
mod tests;
