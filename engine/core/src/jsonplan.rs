//! Terraform's JSON plan representation (`show -json PLAN`, format_version "1.2"), so that
//! OPA/conftest, Infracost-style tools and PR bots read AutoStack plans unchanged.

use crate::addrs::{AbsProviderConfig, ProviderConfig};
use crate::addrs::{InstanceAddr, InstanceKey};
use crate::context::source_of;
use crate::plan::{Action, Plan, Reason, ResourceChange};
use crate::state::State;
use autostack_lang::config::{Mode, Module, ModuleTree};
use autostack_lang::syntax::{Expr, ExprKind};
use autostack_lang::value::json::{sensitive_mask, type_json, unknown_mask};
use autostack_lang::Value;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// The version AutoStack reports where Terraform reports its own.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// A known value as JSON with unknown object attributes omitted (as Terraform does).
pub fn known_json(v: &Value) -> Json {
    match v.unmarked() {
        Value::Unknown(_) | Value::Null(_) => Json::Null,
        Value::Object(m) | Value::Map(_, m) => Json::Object(
            m.iter()
                .filter(|(_, x)| !x.is_unknown())
                .map(|(k, x)| (k.clone(), known_json(x)))
                .collect(),
        ),
        Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
            Json::Array(xs.iter().map(known_json).collect())
        }
        other => autostack_lang::value::json::to_json(other),
    }
}

fn opt_json(v: Option<&Value>) -> Json {
    v.map_or(Json::Null, known_json)
}

fn sens(v: Option<&Value>) -> Json {
    v.map_or(Json::Bool(false), sensitive_mask)
}

fn index_json(k: &Option<InstanceKey>) -> Option<Json> {
    k.as_ref().map(|k| match k {
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    })
}

fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

/// The identifying fields every resource entry carries.
fn resource_head(addr: &InstanceAddr, provider_source: &str) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("address".into(), json!(addr.to_string()));
    if !addr.resource.module.is_root() {
        m.insert(
            "module_address".into(),
            json!(addr.resource.module.to_string()),
        );
    }
    m.insert("mode".into(), json!(mode_str(addr.resource.mode)));
    m.insert("type".into(), json!(addr.resource.ty));
    m.insert("name".into(), json!(addr.resource.name));
    if let Some(i) = index_json(&addr.key) {
        m.insert("index".into(), i);
    }
    m.insert("provider_name".into(), json!(provider_source));
    m
}

fn reason_str(r: &Reason) -> Option<&'static str> {
    Some(match r {
        Reason::Tainted => "replace_because_tainted",
        Reason::ReplaceByRequest => "replace_by_request",
        Reason::ReplaceByTriggers => "replace_by_triggers",
        Reason::CannotUpdate => "replace_because_cannot_update",
        Reason::NoResourceConfig => "delete_because_no_resource_config",
        Reason::CountIndex => "delete_because_count_index",
        Reason::EachKey => "delete_because_each_key",
        Reason::ConfigUnknown => "read_because_config_unknown",
        Reason::DependencyPending => "read_because_dependency_pending",
        Reason::DestroyMode => return None,
    })
}

/// One `resource_changes[]` entry.
pub fn resource_change_json(c: &ResourceChange) -> Json {
    let mut m = resource_head(&c.addr, &c.provider_source.to_string());
    if let Some(p) = &c.prev_addr {
        m.insert("previous_address".into(), json!(p.to_string()));
    }
    let after = if c.action == Action::Delete {
        None
    } else {
        c.after.as_ref()
    };
    let mut change = json!({
        "actions": c.action.json_actions(),
        "before": opt_json(c.before.as_ref()),
        "after": opt_json(after),
        "after_unknown": after.map_or(json!(false), unknown_mask),
        "before_sensitive": sens(c.before.as_ref()),
        "after_sensitive": sens(after),
    });
    if !c.requires_replace.is_empty() {
        let paths: Vec<Json> = c
            .requires_replace
            .iter()
            .map(|p| Json::Array(p.iter().map(path_step_json).collect()))
            .collect();
        change["replace_paths"] = Json::Array(paths);
    }
    if let Some(id) = &c.importing {
        change["importing"] = json!({ "id": id });
    }
    m.insert("change".into(), change);
    if let Some(r) = c.reason.as_ref().and_then(reason_str) {
        m.insert("action_reason".into(), json!(r));
    }
    if let Some(d) = &c.deposed {
        m.insert("deposed".into(), json!(d));
    }
    if let Some(mig) = &c.migration {
        m.insert("migration".into(), migration_json(c, mig));
    }
    Json::Object(m)
}

/// AutoStack's detail of a move between clouds, added beside Terraform's fields (which
/// show it as the create-then-delete it amounts to): from and to which provider and cloud,
/// the concrete types on both sides, the deposed key of the old object while the move runs.
fn migration_json(c: &ResourceChange, m: &crate::plan::Migration) -> Json {
    let attr = |v: Option<&Value>, k: &str| {
        v.and_then(|v| v.as_entries())
            .and_then(|e| e.get(k).and_then(|x| x.as_str().map(str::to_string)))
    };
    json!({
        "from_provider": m.from_source.to_string(),
        "to_provider": c.provider_source.to_string(),
        "from_cloud": crate::plan::cloud_name(&m.from_source),
        "to_cloud": crate::plan::cloud_name(&c.provider_source),
        "from_concrete_type": attr(c.before.as_ref(), "concrete_type"),
        "to_concrete_type": attr(c.after.as_ref(), "concrete_type"),
        "from_instance_type": attr(c.before.as_ref(), "instance_type"),
        "to_instance_type": attr(c.after.as_ref(), "instance_type"),
        "deposed": m.deposed_key,
        "resumed": m.resumed,
    })
}

fn path_step_json(s: &autostack_provider_sdk::PathStep) -> Json {
    match s {
        autostack_provider_sdk::PathStep::Attr(a) | autostack_provider_sdk::PathStep::Key(a) => {
            json!(a)
        }
        autostack_provider_sdk::PathStep::Index(i) => json!(i),
    }
}

/// `{ root_module: { resources, child_modules } }` for a set of instances.
fn module_values<'a>(
    items: impl Iterator<Item = (&'a InstanceAddr, &'a Value, &'a str, u64)>,
) -> Json {
    let mut by_module: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    for (addr, v, source, schema_version) in items {
        let mut m = resource_head(addr, source);
        m.insert("schema_version".into(), json!(schema_version));
        m.insert("values".into(), known_json(v));
        m.insert(
            "sensitive_values".into(),
            match sensitive_mask(v) {
                Json::Bool(_) => json!({}),
                other => other,
            },
        );
        by_module
            .entry(addr.resource.module.to_string())
            .or_default()
            .push(Json::Object(m));
    }
    // Terraform lists each module's resources sorted by address text.
    for rs in by_module.values_mut() {
        rs.sort_by(|a, b| a["address"].as_str().cmp(&b["address"].as_str()));
    }
    let root = by_module.remove("").unwrap_or_default();
    let mut out = json!({ "resources": root });
    if !by_module.is_empty() {
        out["child_modules"] = Json::Array(
            by_module
                .into_iter()
                .map(|(addr, rs)| json!({ "address": addr, "resources": rs }))
                .collect(),
        );
    }
    out
}

fn outputs_json<'a>(outs: impl Iterator<Item = (&'a String, &'a Value, bool)>) -> Json {
    Json::Object(
        outs.map(|(n, v, s)| {
            let mut o = json!({ "sensitive": s || v.is_sensitive_deep() });
            if v.is_wholly_known() {
                o["value"] = known_json(v);
                o["type"] = type_json(&v.ty());
            }
            (n.clone(), o)
        })
        .collect(),
    )
}

/// The `values` representation of a state (`show -json` of a state, and `prior_state`).
pub fn state_values_json(state: &State) -> Json {
    let items: Vec<(InstanceAddr, Value, String, u64)> = state
        .instances
        .iter()
        .map(|(a, o)| {
            (
                a.clone(),
                o.value.clone(),
                // provider_name is the source of the configuration state recorded.
                (o.provider.parse::<AbsProviderConfig>())
                    .map_or_else(|_| o.provider.to_string(), |a| a.source.to_string()),
                o.schema_version,
            )
        })
        .collect();
    json!({
        "outputs": outputs_json(state.outputs.iter().map(|(n, o)| (n, &o.value, o.sensitive))),
        "root_module": module_values(items.iter().map(|(a, v, s, sv)| (a, v, s.as_str(), *sv))),
    })
}

/// True for changes Terraform lists in `resource_changes` and `planned_values`: a data
/// source read during plan is only in `prior_state` (its no-op change is internal); one
/// deferred to apply (`read`) is listed. Consumers such as checkov count every listed
/// resource, so listing plan-time reads adds checks Terraform's plan does not have.
fn listed_in_plan(c: &ResourceChange) -> bool {
    !(c.addr.resource.mode == Mode::Data && c.action == Action::NoOp)
}

/// Sorts changes in Terraform's order of `resource_changes[]` (its address `Less`): by
/// module, data sources before managed resources, then type and name; instances of one
/// resource keep their order.
pub fn sort_as_terraform(changes: &mut [&ResourceChange]) {
    changes.sort_by_cached_key(|c| {
        let r = &c.addr.resource;
        (
            r.module.to_string(),
            r.mode != Mode::Data,
            r.ty.clone(),
            r.name.clone(),
        )
    });
}

/// `resource_changes[]` in Terraform's order.
fn changes_in_terraforms_order(mut changes: Vec<&ResourceChange>) -> Json {
    sort_as_terraform(&mut changes);
    Json::Array(changes.into_iter().map(resource_change_json).collect())
}

/// The whole JSON plan document.
pub fn plan_json(plan: &Plan, tree: &ModuleTree) -> Json {
    let listed = || (plan.changes.iter().map(|c| &**c)).filter(|c| listed_in_plan(c));
    let sources: Vec<String> = listed().map(|c| c.provider_source.to_string()).collect();
    let planned = (listed().zip(&sources))
        .filter(|(c, _)| c.action != Action::Delete)
        .filter_map(|(c, source)| {
            (c.after.as_ref()).map(|v| (&c.addr, v, source.as_str(), c.schema_version))
        });
    let outputs: Vec<(String, Value, bool)> = plan
        .outputs
        .iter()
        .filter_map(|(n, o)| o.after.clone().map(|v| (n.clone(), v, o.sensitive)))
        .collect();
    let output_changes: Map<String, Json> = plan
        .outputs
        .iter()
        .map(|(n, o)| {
            let action = match (&o.before, &o.after) {
                (None, Some(_)) => "create",
                (Some(_), None) => "delete",
                (Some(b), Some(a)) if autostack_provider_sdk::differs(b, a) => "update",
                _ => "no-op",
            };
            let mark = |v: &Option<Value>| {
                v.clone()
                    .map(|v| if o.sensitive { v.sensitive() } else { v })
            };
            let (b, a) = (mark(&o.before), mark(&o.after));
            (
                n.clone(),
                json!({
                    "actions": [action],
                    "before": opt_json(b.as_ref()),
                    "after": opt_json(a.as_ref()),
                    "after_unknown": a.as_ref().map_or(json!(false), unknown_mask),
                    "before_sensitive": sens(b.as_ref()),
                    "after_sensitive": sens(a.as_ref()),
                }),
            )
        })
        .collect();
    let mut doc = json!({
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "variables": plan.variables.iter().map(|(k, v)| (k.clone(), json!({ "value": known_json(v) }))).collect::<Map<_, _>>(),
        "planned_values": {
            "outputs": outputs_json(outputs.iter().map(|(n, v, s)| (n, v, *s))),
            "root_module": module_values(planned),
        },
        "resource_changes": changes_in_terraforms_order(listed().collect()),
        "output_changes": output_changes,
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": TERRAFORM_VERSION,
            "values": state_values_json(&plan.prior),
        },
        "configuration": configuration_json(tree),
        "timestamp": now_rfc3339(),
        "applyable": plan.has_changes(),
        "complete": true,
        "errored": false,
    });
    if !plan.drift.is_empty() {
        doc["resource_drift"] = Json::Array(plan.drift.iter().map(resource_change_json).collect());
    }
    doc
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `configuration`: providers, resources with expressions, variables and outputs.
pub fn configuration_json(tree: &ModuleTree) -> Json {
    let m = &tree.module;
    let mut providers = Map::new();
    for name in m.terraform.required_providers.keys() {
        providers.insert(
            name.clone(),
            json!({ "name": name, "full_name": source_of(tree, &ProviderConfig::new(name.clone(), None)).to_string() }),
        );
    }
    for p in &m.providers {
        let key = p.addr();
        let source = source_of(tree, &ProviderConfig::new(p.name.clone(), None));
        let mut entry = json!({ "name": p.name, "full_name": source.to_string() });
        if let Some(a) = &p.alias {
            entry["alias"] = json!(a);
        }
        entry["expressions"] = Json::Object(
            p.config
                .attributes
                .iter()
                .map(|a| (a.name.clone(), expression_json(&a.expr)))
                .collect(),
        );
        providers.insert(key, entry);
    }
    json!({ "provider_config": providers, "root_module": module_config_json(tree) })
}

fn module_config_json(tree: &ModuleTree) -> Json {
    let m: &Module = &tree.module;
    let resources: Vec<Json> = m.resources.values().map(|r| {
        let provider_key = match &r.provider {
            Some((n, Some(a))) => format!("{n}.{a}"),
            Some((n, None)) => n.clone(),
            None => crate::addrs::implied_local_name(&r.ty).to_string(),
        };
        let mut o = json!({
            "address": r.addr(),
            "mode": mode_str(r.mode),
            "type": r.ty,
            "name": r.name,
            "provider_config_key": provider_key,
            "expressions": Json::Object(r.config.attributes.iter().map(|a| (a.name.clone(), expression_json(&a.expr))).collect()),
            "schema_version": 0,
        });
        if let Some(c) = &r.count {
            o["count_expression"] = expression_json(c);
        }
        if let Some(f) = &r.for_each {
            o["for_each_expression"] = expression_json(f);
        }
        o
    }).collect();
    let outputs: Map<String, Json> = m
        .outputs
        .iter()
        .map(|(n, o)| {
            let mut j = json!({ "expression": expression_json(&o.expr) });
            if o.sensitive {
                j["sensitive"] = json!(true);
            }
            (n.clone(), j)
        })
        .collect();
    let variables: Map<String, Json> = m
        .variables
        .iter()
        .map(|(n, v)| {
            let mut j = json!({});
            if let Some(d) = &v.default {
                j["default"] = known_json(d);
            }
            if let Some(d) = &v.description {
                j["description"] = json!(d);
            }
            if v.sensitive {
                j["sensitive"] = json!(true);
            }
            (n.clone(), j)
        })
        .collect();
    let mut out = json!({ "resources": resources });
    if !outputs.is_empty() {
        out["outputs"] = Json::Object(outputs);
    }
    if !variables.is_empty() {
        out["variables"] = Json::Object(variables);
    }
    if !tree.children.is_empty() {
        out["module_calls"] = Json::Object(
            tree.children
                .iter()
                .map(|(n, c)| {
                    let call = &m.module_calls[n];
                    (
                        n.clone(),
                        json!({ "source": call.source, "module": module_config_json(c) }),
                    )
                })
                .collect(),
        );
    }
    out
}

/// `{"constant_value": ...}` or `{"references": [...]}` for an expression.
pub fn expression_json(e: &Expr) -> Json {
    let mut refs = Vec::new();
    e.visit_traversals(&mut |t| {
        let mut full = t.root.clone();
        let mut parts = vec![full.clone()];
        for s in &t.steps {
            match s {
                autostack_lang::syntax::Step::Attr(a, _) => full.push_str(&format!(".{a}")),
                autostack_lang::syntax::Step::Index(v, _) => {
                    full.push_str(&format!("[{}]", autostack_lang::value::format_value(v, 0)))
                }
            }
            parts.push(full.clone());
        }
        // Terraform lists the full reference and its resource-level prefix.
        for p in parts.into_iter().rev().take(2) {
            if p.contains('.') && !refs.contains(&p) {
                refs.push(p);
            }
        }
    });
    if refs.is_empty() {
        let funcs = Default::default();
        let scope = autostack_lang::eval::MapScope::default();
        let mut ev = autostack_lang::eval::Evaluator::new(&scope, &funcs, ".".into());
        if let (Ok(v), false) = (ev.eval(e), matches!(e.kind, ExprKind::Call { .. })) {
            return json!({ "constant_value": known_json(&v) });
        }
        return json!({});
    }
    json!({ "references": refs })
}
