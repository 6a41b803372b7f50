//! Saved plans (`plan -out FILE`): a self-contained JSON document with the planned changes,
//! the prior state, the variables, a hash of the configuration and the serial/lineage of the
//! state it was made against, so `apply FILE` can apply exactly it or refuse a stale one.

use crate::addrs::{parse_instance, provider::AddrError};
use crate::plan::{Action, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use crate::statefile::{self, SchemaSource};
use autostack_lang::config::ModuleTree;
use autostack_lang::value::json::{decode_full, encode_full};
use autostack_lang::Value;
use autostack_provider_sdk::PathStep;
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Marks the file as ours, and its format version.
const MAGIC: &str = "autostack-plan";
const VERSION: u64 = 1;

/// A hash of every configuration file of the tree (names and contents), hex.
pub fn config_hash(tree: &ModuleTree) -> String {
    let mut files = Vec::new();
    collect_files(tree, &mut files);
    files.sort();
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(&text);
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn collect_files(tree: &ModuleTree, out: &mut Vec<(String, Vec<u8>)>) {
    if let Ok(rd) = std::fs::read_dir(&tree.module.dir) {
        for e in rd.flatten() {
            let p = e.path();
            let n = p.to_string_lossy().into_owned();
            if n.ends_with(".tf") || n.ends_with(".tf.json") {
                out.push((n, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    for c in tree.children.values() {
        collect_files(c, out);
    }
}

fn action_str(a: Action) -> &'static str {
    match a {
        Action::NoOp => "no-op",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate => "delete-create",
        Action::CreateThenDelete => "create-delete",
        Action::Delete => "delete",
    }
}

fn parse_action(s: &str) -> Option<Action> {
    Some(match s {
        "no-op" => Action::NoOp,
        "create" => Action::Create,
        "read" => Action::Read,
        "update" => Action::Update,
        "delete-create" => Action::DeleteThenCreate,
        "create-delete" => Action::CreateThenDelete,
        "delete" => Action::Delete,
        _ => return None,
    })
}

fn reason_str(r: &Reason) -> &'static str {
    match r {
        Reason::Tainted => "tainted",
        Reason::ReplaceByRequest => "replace_by_request",
        Reason::ReplaceByTriggers => "replace_by_triggers",
        Reason::CannotUpdate => "cannot_update",
        Reason::NoResourceConfig => "no_resource_config",
        Reason::CountIndex => "count_index",
        Reason::EachKey => "each_key",
        Reason::DestroyMode => "destroy",
        Reason::ConfigUnknown => "config_unknown",
        Reason::DependencyPending => "dependency_pending",
    }
}

fn parse_reason(s: &str) -> Option<Reason> {
    [
        Reason::Tainted,
        Reason::ReplaceByRequest,
        Reason::ReplaceByTriggers,
        Reason::CannotUpdate,
        Reason::NoResourceConfig,
        Reason::CountIndex,
        Reason::EachKey,
        Reason::DestroyMode,
        Reason::ConfigUnknown,
        Reason::DependencyPending,
    ]
    .into_iter()
    .find(|r| reason_str(r) == s)
}

fn opt_value(v: &Option<Value>) -> Json {
    v.as_ref().map_or(Json::Null, encode_full)
}

fn change_json(c: &ResourceChange) -> Json {
    json!({
        "addr": c.addr.to_string(),
        "prev_addr": c.prev_addr.as_ref().map(|a| a.to_string()),
        "provider": c.provider.to_string(),
        "provider_source": c.provider_source.to_string(),
        "action": action_str(c.action),
        "reason": c.reason.as_ref().map(reason_str),
        "before": opt_value(&c.before),
        "after": opt_value(&c.after),
        "requires_replace": c.requires_replace.iter().map(|p| p.iter().map(|s| match s {
            PathStep::Attr(a) => json!({"attr": a}),
            PathStep::Key(k) => json!({"key": k}),
            PathStep::Index(i) => json!({"index": i}),
        }).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "dependencies": c.dependencies,
        "create_before_destroy": c.create_before_destroy,
        "importing": c.importing,
        "schema_version": c.schema_version,
    })
}

/// Serializes a plan with the facts `apply` checks.
pub fn write(plan: &Plan, tree: &ModuleTree, schemas: &dyn SchemaSource) -> Json {
    json!({
        "format": MAGIC,
        "version": VERSION,
        "config_hash": config_hash(tree),
        "mode": match plan.mode { PlanMode::Normal => "normal", PlanMode::Destroy => "destroy", PlanMode::RefreshOnly => "refresh-only" },
        "base_serial": plan.base_serial,
        "base_lineage": plan.base_lineage,
        "variables": plan.variables.iter().map(|(k, v)| (k.clone(), encode_full(v))).collect::<serde_json::Map<_, _>>(),
        "changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
        "drift": plan.drift.iter().map(change_json).collect::<Vec<_>>(),
        "outputs": plan.outputs.iter().map(|(k, o)| (k.clone(), json!({ "before": opt_value(&o.before), "after": opt_value(&o.after), "sensitive": o.sensitive }))).collect::<serde_json::Map<_, _>>(),
        "prior": statefile::encode(&plan.prior, schemas),
    })
}

/// Why a saved plan cannot be used.
#[derive(Debug)]
pub struct PlanFileError(pub String);

fn bad(msg: impl Into<String>) -> PlanFileError {
    PlanFileError(msg.into())
}

fn value_of(j: &Json) -> Result<Option<Value>, PlanFileError> {
    if j.is_null() {
        return Ok(None);
    }
    decode_full(j)
        .map(Some)
        .map_err(|e| bad(format!("invalid value in plan file: {}", e.0)))
}

fn parse_change(j: &Json) -> Result<ResourceChange, PlanFileError> {
    let s = |k: &str| {
        j.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let addr = parse_instance(&s("addr")).map_err(|e| bad(e.0))?;
    let action = parse_action(&s("action")).ok_or_else(|| bad("invalid action in plan file"))?;
    let requires_replace = j
        .get("requires_replace")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            p.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| {
                    if let Some(a) = s.get("attr").and_then(Json::as_str) {
                        Some(PathStep::Attr(a.to_string()))
                    } else if let Some(k) = s.get("key").and_then(Json::as_str) {
                        Some(PathStep::Key(k.to_string()))
                    } else {
                        s.get("index")
                            .and_then(Json::as_u64)
                            .map(|i| PathStep::Index(i as usize))
                    }
                })
                .collect()
        })
        .collect();
    Ok(ResourceChange {
        addr,
        prev_addr: j
            .get("prev_addr")
            .and_then(Json::as_str)
            .and_then(|a| parse_instance(a).ok()),
        provider: s("provider").parse().map_err(|e: AddrError| bad(e.0))?,
        provider_source: s("provider_source")
            .parse()
            .map_err(|e: AddrError| bad(e.0))?,
        action,
        reason: j
            .get("reason")
            .and_then(Json::as_str)
            .and_then(parse_reason),
        before: value_of(j.get("before").unwrap_or(&Json::Null))?,
        after: value_of(j.get("after").unwrap_or(&Json::Null))?,
        requires_replace,
        dependencies: j
            .get("dependencies")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        create_before_destroy: j
            .get("create_before_destroy")
            .and_then(Json::as_bool)
            .unwrap_or(false),
        importing: j
            .get("importing")
            .and_then(Json::as_str)
            .map(str::to_string),
        schema_version: j.get("schema_version").and_then(Json::as_u64).unwrap_or(0),
    })
}

/// Reads a saved plan, refusing one made for another configuration.
pub fn read(
    doc: &Json,
    tree: &ModuleTree,
    schemas: &dyn SchemaSource,
) -> Result<Plan, PlanFileError> {
    if doc.get("format").and_then(Json::as_str) != Some(MAGIC) {
        return Err(bad("the file is not an AutoStack saved plan"));
    }
    if doc.get("version").and_then(Json::as_u64) != Some(VERSION) {
        return Err(bad(
            "the saved plan was written by an incompatible version of AutoStack",
        ));
    }
    if doc.get("config_hash").and_then(Json::as_str) != Some(config_hash(tree).as_str()) {
        return Err(bad("the saved plan does not match the current configuration: the configuration files changed since the plan was made (or it was made for another configuration). Create a new plan."));
    }
    let mode = match doc.get("mode").and_then(Json::as_str) {
        Some("destroy") => PlanMode::Destroy,
        Some("refresh-only") => PlanMode::RefreshOnly,
        _ => PlanMode::Normal,
    };
    let list = |k: &str| {
        doc.get(k)
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let changes = list("changes")
        .iter()
        .map(parse_change)
        .collect::<Result<Vec<_>, _>>()?;
    let drift = list("drift")
        .iter()
        .map(parse_change)
        .collect::<Result<Vec<_>, _>>()?;
    let mut variables = BTreeMap::new();
    for (k, v) in doc
        .get("variables")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        variables.insert(k.clone(), value_of(v)?.unwrap_or_else(Value::null));
    }
    let mut outputs = BTreeMap::new();
    for (k, o) in doc
        .get("outputs")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        outputs.insert(
            k.clone(),
            OutputChange {
                before: value_of(&o["before"])?,
                after: value_of(&o["after"])?,
                sensitive: o["sensitive"].as_bool().unwrap_or(false),
            },
        );
    }
    let prior = statefile::decode(doc.get("prior").unwrap_or(&Json::Null), schemas).map_err(bad)?;
    Ok(Plan {
        mode,
        changes,
        drift,
        outputs,
        prior,
        base_serial: doc.get("base_serial").and_then(Json::as_u64).unwrap_or(0),
        base_lineage: doc
            .get("base_lineage")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        variables,
        warnings: Default::default(),
    })
}
