//! Saved plans (`plan -out FILE`): a self-contained JSON document with the planned changes,
//! the prior state, the variables, a hash of the configuration and the serial/lineage of the
//! state it was made against, so `apply FILE` can apply exactly it or refuse a stale one.
//!
//! The document is one JSON object: `format` (`"autostack-plan"`), `version`, `config_hash`,
//! `mode`, `base_serial`, `base_lineage`, `variables`, `changes`, `drift`, `outputs`, `prior`
//! (a state v4 document) and `function_results`. Values are in the lossless encoding
//! (`{"type", "value", "unknown", "sensitive"}`). [`write_to`] streams it without building a
//! JSON tree; [`read`] checks the head first and decodes one change at a time, so neither
//! holds a second copy of the plan.

mod read;
mod write;

pub use read::{is_plan, read};
pub use write::write_to;

use crate::addrs::provider::AddrError;
use crate::functions::FunctionResultHash;
use crate::plan::{Action, Migration, Reason};
use autostack_lang::config::ModuleTree;
use autostack_provider_sdk::PathStep;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

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

/// One step of a `requires_replace` path: `{"attr": A}`, `{"key": K}` or `{"index": I}`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum StepRecord<'a> {
    Attr(#[serde(borrow)] Cow<'a, str>),
    Key(#[serde(borrow)] Cow<'a, str>),
    Index(usize),
}

impl<'a> StepRecord<'a> {
    fn of(step: &'a PathStep) -> Self {
        match step {
            PathStep::Attr(a) => Self::Attr(Cow::Borrowed(a)),
            PathStep::Key(k) => Self::Key(Cow::Borrowed(k)),
            PathStep::Index(i) => Self::Index(*i),
        }
    }

    fn step(self) -> PathStep {
        match self {
            Self::Attr(a) => PathStep::Attr(a.into_owned()),
            Self::Key(k) => PathStep::Key(k.into_owned()),
            Self::Index(i) => PathStep::Index(i),
        }
    }
}

/// A change's migration between clouds, as the file holds it.
#[derive(Serialize, Deserialize)]
struct MigrationRecord {
    from: String,
    from_source: String,
    #[serde(default)]
    deposed_key: String,
    #[serde(default)]
    resumed: bool,
    #[serde(default)]
    created: bool,
}

impl MigrationRecord {
    fn of(m: &Migration) -> Self {
        Self {
            from: m.from.to_string(),
            from_source: m.from_source.to_string(),
            deposed_key: m.deposed_key.clone(),
            resumed: m.resumed,
            created: m.created,
        }
    }

    fn migration(self) -> Result<Migration, PlanFileError> {
        Ok(Migration {
            from: self.from.parse().map_err(|e: AddrError| bad(e.0))?,
            from_source: self.from_source.parse().map_err(|e: AddrError| bad(e.0))?,
            deposed_key: self.deposed_key,
            resumed: self.resumed,
            created: self.created,
        })
    }
}

/// A provider-defined function's recorded call: `{"key": HEX, "result": HEX}` (SHA-256s).
#[derive(Serialize, Deserialize)]
struct FunctionResultRecord {
    key: String,
    result: String,
}

impl FunctionResultRecord {
    fn of(h: &FunctionResultHash) -> Self {
        Self {
            key: hex(&h.key),
            result: hex(&h.result),
        }
    }

    fn hash(&self) -> Result<FunctionResultHash, PlanFileError> {
        let field = |text: &str| {
            unhex32(text)
                .ok_or_else(|| bad("a function result in the saved plan is not a SHA-256 hash"))
        };
        Ok(FunctionResultHash {
            key: field(&self.key)?,
            result: field(&self.result)?,
        })
    }
}

/// Why a saved plan cannot be used.
#[derive(Debug)]
pub struct PlanFileError(pub String);

fn bad(msg: impl Into<String>) -> PlanFileError {
    PlanFileError(msg.into())
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
mod tests;
