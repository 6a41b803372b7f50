//! Saved plans (`plan -out FILE`): a self-contained JSON document with the planned changes,
//! the prior state, the variables, a hash of the configuration and the serial/lineage of the
//! state it was made against, so `apply FILE` can apply exactly it or refuse a stale one.

use crate::addrs::{parse_instance, provider::AddrError};
use crate::functions::FunctionResultHash;
use crate::plan::{Action, Migration, OutputChange, Plan, PlanMode, Reason, ResourceChange};
use crate::statefile::{self, SchemaSource};
use autostack_lang::config::ModuleTree;
use autostack_lang::value::json::decode_full;
use autostack_lang::value::json_stream::Full;
use autostack_lang::Value;
use autostack_provider_sdk::PathStep;
use serde::ser::{Serialize, SerializeMap, Serializer};
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
    hex(&h.finalize())
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
        Action::Migrate => "migrate",
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
        "migrate" => Action::Migrate,
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

/// `null`, or a value in the lossless encoding.
struct OptFull<'a>(&'a Option<Value>);

impl Serialize for OptFull<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(v) => Full(v).serialize(s),
            None => s.serialize_unit(),
        }
    }
}

/// One planned change, written field by field.
struct ChangeDoc<'a>(&'a ResourceChange);

impl Serialize for ChangeDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let replace: Vec<Vec<Json>> = c
            .requires_replace
            .iter()
            .map(|p| {
                p.iter()
                    .map(|s| match s {
                        PathStep::Attr(a) => json!({"attr": a}),
                        PathStep::Key(k) => json!({"key": k}),
                        PathStep::Index(i) => json!({"index": i}),
                    })
                    .collect()
            })
            .collect();
        // Fields at their default (null, empty, false) are left out: `parse_change` reads
        // them back as defaults, and a 10k-resource plan file is a fifth smaller.
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("addr", &Shown(&c.addr))?;
        if let Some(p) = &c.prev_addr {
            m.serialize_entry("prev_addr", &Shown(p))?;
        }
        m.serialize_entry("provider", &Shown(&c.provider))?;
        m.serialize_entry("provider_source", &Shown(&c.provider_source))?;
        m.serialize_entry("action", action_str(c.action))?;
        if let Some(r) = &c.reason {
            m.serialize_entry("reason", reason_str(r))?;
        }
        m.serialize_entry("before", &OptFull(&c.before))?;
        m.serialize_entry("after", &OptFull(&c.after))?;
        if !replace.is_empty() {
            m.serialize_entry("requires_replace", &replace)?;
        }
        if !c.dependencies.is_empty() {
            m.serialize_entry("dependencies", &c.dependencies)?;
        }
        if c.create_before_destroy {
            m.serialize_entry("create_before_destroy", &true)?;
        }
        if let Some(id) = &c.importing {
            m.serialize_entry("importing", id)?;
        }
        m.serialize_entry("schema_version", &c.schema_version)?;
        if let Some(p) = &c.planned_private {
            m.serialize_entry("private", p)?;
        }
        if let Some(mig) = &c.migration {
            let j = json!({
                "from": mig.from.to_string(),
                "from_source": mig.from_source.to_string(),
                "deposed_key": mig.deposed_key,
                "resumed": mig.resumed,
                "created": mig.created,
            });
            m.serialize_entry("migration", &j)?;
        }
        if let Some(d) = &c.deposed {
            m.serialize_entry("deposed", d)?;
        }
        m.end()
    }
}

/// A string written from `Display`, without an intermediate `String`.
struct Shown<'a, T: std::fmt::Display>(&'a T);

impl<T: std::fmt::Display> Serialize for Shown<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// An output's change.
struct OutputDoc<'a>(&'a OutputChange);

impl Serialize for OutputDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("before", &OptFull(&self.0.before))?;
        m.serialize_entry("after", &OptFull(&self.0.after))?;
        m.serialize_entry("sensitive", &self.0.sensitive)?;
        m.end()
    }
}

/// The whole saved plan, serialized as it is written (no intermediate JSON tree).
struct PlanDoc<'a> {
    plan: &'a Plan,
    config_hash: String,
    prior: autostack_state::model::Document,
}

impl Serialize for PlanDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.plan;
        let mode = match p.mode {
            PlanMode::Normal => "normal",
            PlanMode::Destroy => "destroy",
            PlanMode::RefreshOnly => "refresh-only",
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format", MAGIC)?;
        m.serialize_entry("version", &VERSION)?;
        m.serialize_entry("config_hash", &self.config_hash)?;
        m.serialize_entry("mode", mode)?;
        m.serialize_entry("base_serial", &p.base_serial)?;
        m.serialize_entry("base_lineage", &p.base_lineage)?;
        let vars = p.variables.iter().map(|(k, v)| (k, Full(v)));
        m.serialize_entry("variables", &Collect(std::cell::Cell::new(Some(vars))))?;
        let changes = p.changes.iter().map(|c| ChangeDoc(c));
        m.serialize_entry("changes", &CollectSeq(std::cell::Cell::new(Some(changes))))?;
        let drift = p.drift.iter().map(ChangeDoc);
        m.serialize_entry("drift", &CollectSeq(std::cell::Cell::new(Some(drift))))?;
        let outputs = p.outputs.iter().map(|(k, o)| (k, OutputDoc(o)));
        m.serialize_entry("outputs", &Collect(std::cell::Cell::new(Some(outputs))))?;
        m.serialize_entry("prior", &self.prior)?;
        if !p.function_results.is_empty() {
            let calls = p
                .function_results
                .iter()
                .map(|h| json!({"key": hex(&h.key), "result": hex(&h.result)}));
            m.serialize_entry(
                "function_results",
                &CollectSeq(std::cell::Cell::new(Some(calls))),
            )?;
        }
        m.end()
    }
}

/// A map serialized from an iterator of entries (consumed once).
struct Collect<I>(std::cell::Cell<Option<I>>);

impl<K: Serialize, V: Serialize, I: Iterator<Item = (K, V)>> Serialize for Collect<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.take().into_iter().flatten())
    }
}

/// A sequence serialized from an iterator (consumed once).
struct CollectSeq<I>(std::cell::Cell<Option<I>>);

impl<T: Serialize, I: Iterator<Item = T>> Serialize for CollectSeq<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// Writes a plan with the facts `apply` checks to `w`, streaming (buffer `w` for files).
pub fn write_to(
    plan: &Plan,
    tree: &ModuleTree,
    schemas: &dyn SchemaSource,
    w: impl std::io::Write,
) -> serde_json::Result<()> {
    let doc = PlanDoc {
        plan,
        config_hash: config_hash(tree),
        prior: statefile::encode(&plan.prior, schemas),
    };
    serde_json::to_writer(w, &doc)
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
        planned_private: j.get("private").and_then(Json::as_str).map(str::to_string),
        migration: match j.get("migration") {
            Some(m) => Some(Box::new(parse_migration(m)?)),
            None => None,
        },
        deposed: j.get("deposed").and_then(Json::as_str).map(str::to_string),
    })
}

fn parse_migration(j: &Json) -> Result<Migration, PlanFileError> {
    let s = |k: &str| j.get(k).and_then(Json::as_str).unwrap_or_default();
    let b = |k: &str| j.get(k).and_then(Json::as_bool).unwrap_or(false);
    Ok(Migration {
        from: s("from").parse().map_err(|e: AddrError| bad(e.0))?,
        from_source: s("from_source").parse().map_err(|e: AddrError| bad(e.0))?,
        deposed_key: s("deposed_key").to_string(),
        resumed: b("resumed"),
        created: b("created"),
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
        .map(|c| parse_change(c).map(Box::new))
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
    let prior =
        statefile::decode_json(doc.get("prior").unwrap_or(&Json::Null), schemas).map_err(bad)?;
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
        function_results: list("function_results")
            .iter()
            .map(function_result)
            .collect::<Result<_, _>>()?,
    })
}

/// One `{"key": HEX, "result": HEX}` entry of `function_results`.
fn function_result(j: &Json) -> Result<FunctionResultHash, PlanFileError> {
    let field = |k: &str| {
        unhex32(j.get(k).and_then(Json::as_str).unwrap_or_default())
            .ok_or_else(|| bad("a function result in the saved plan is not a SHA-256 hash"))
    };
    Ok(FunctionResultHash {
        key: field("key")?,
        result: field("result")?,
    })
}

fn unhex32(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statefile::NoSchemas;
    use autostack_lang::Type;

    fn change(addr: &str) -> ResourceChange {
        ResourceChange {
            addr: parse_instance(addr).unwrap(),
            prev_addr: None,
            provider: "aws".parse().unwrap(),
            provider_source: "hashicorp/aws".parse().unwrap(),
            action: Action::Create,
            reason: None,
            before: None,
            after: Some(Value::object_from([("id", Value::Unknown(Type::String))])),
            requires_replace: Vec::new(),
            dependencies: Vec::new(),
            create_before_destroy: false,
            importing: None,
            schema_version: 0,
            planned_private: None,
            migration: None,
            deposed: None,
        }
    }

    #[test]
    fn a_streamed_plan_reads_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), "").unwrap();
        let sources = autostack_lang::diag::Sources::new();
        let tree = autostack_lang::config::load_module_tree(dir.path(), &sources).0;
        let mut full = change("module.a[\"k\"].aws_instance.x[1]");
        full.prev_addr = Some(parse_instance("aws_instance.old").unwrap());
        full.action = Action::CreateThenDelete;
        full.reason = Some(Reason::CannotUpdate);
        full.before = Some(Value::object_from([
            ("n", Value::int(3)),
            ("secret", Value::string("s").sensitive()),
            ("tags", Value::map(Type::String, Default::default())),
        ]));
        full.requires_replace = vec![vec![
            PathStep::Attr("a".into()),
            PathStep::Key("k".into()),
            PathStep::Index(2),
        ]];
        full.dependencies = vec!["aws_vpc.main".into()];
        full.create_before_destroy = true;
        full.importing = Some("i-123".into());
        full.schema_version = 2;
        full.planned_private = Some("eyJ2IjoxfQ==".into());
        let plan = Plan {
            mode: PlanMode::Destroy,
            changes: vec![Box::new(full), Box::new(change("aws_instance.y"))],
            drift: vec![change("aws_instance.z")],
            outputs: [(
                "o".to_string(),
                OutputChange {
                    before: None,
                    after: Some(Value::string("v")),
                    sensitive: true,
                },
            )]
            .into(),
            prior: Default::default(),
            base_serial: 7,
            base_lineage: "lin".into(),
            variables: [("v".to_string(), Value::tuple(vec![Value::Bool(true)]))].into(),
            warnings: Default::default(),
            function_results: vec![FunctionResultHash {
                key: [7; 32],
                result: [0xa5; 32],
            }],
        };
        let mut buf = Vec::new();
        write_to(&plan, &tree, &NoSchemas, &mut buf).unwrap();
        let doc: Json = serde_json::from_slice(&buf).unwrap();
        let back = read(&doc, &tree, &NoSchemas).unwrap();
        assert_eq!(format!("{:?}", back.changes), format!("{:?}", plan.changes));
        assert_eq!(format!("{:?}", back.drift), format!("{:?}", plan.drift));
        assert_eq!(back.function_results, plan.function_results);
        assert_eq!(format!("{:?}", back.outputs), format!("{:?}", plan.outputs));
        assert_eq!(
            format!("{:?}", back.variables),
            format!("{:?}", plan.variables)
        );
        assert_eq!((back.mode, back.base_serial), (PlanMode::Destroy, 7));
        assert_eq!(back.base_lineage, "lin");
        // Defaults are left out of the file.
        let plain = &doc["changes"][1];
        assert!(
            plain.get("reason").is_none() && plain.get("importing").is_none(),
            "{plain}"
        );
    }
}
