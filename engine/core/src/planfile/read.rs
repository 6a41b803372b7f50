//! Reading a saved plan: the head (format, version, configuration hash) is checked before
//! anything else is decoded, then each change is decoded from its own slice of the text. So
//! reading holds the text and the plan, never a JSON tree of the whole file (at 100,000
//! resources such a tree, and the copy of its change list, cost a gigabyte).

use super::{bad, config_hash, parse_action, parse_reason, PlanFileError, MAGIC, VERSION};
use super::{FunctionResultRecord, MigrationRecord, StepRecord};
use crate::addrs::{parse_instance, provider::AddrError, ProviderSource};
use crate::plan::{OutputChange, Plan, PlanMode, ResourceChange};
use crate::statefile::{self, SchemaSource};
use autostack_lang::config::ModuleTree;
use autostack_lang::value::json::decode_full;
use autostack_lang::Value;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The document's top-level fields, each its slice of the text until it is decoded.
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(borrow, default)]
    format: Option<&'a RawValue>,
    #[serde(borrow, default)]
    version: Option<&'a RawValue>,
    #[serde(borrow, default)]
    config_hash: Option<&'a RawValue>,
    #[serde(borrow, default)]
    mode: Option<&'a RawValue>,
    #[serde(borrow, default)]
    base_serial: Option<&'a RawValue>,
    #[serde(borrow, default)]
    base_lineage: Option<&'a RawValue>,
    #[serde(borrow, default)]
    variables: Option<&'a RawValue>,
    #[serde(borrow, default)]
    changes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    drift: Option<&'a RawValue>,
    #[serde(borrow, default)]
    outputs: Option<&'a RawValue>,
    #[serde(borrow, default)]
    prior: Option<&'a RawValue>,
    #[serde(borrow, default)]
    function_results: Option<&'a RawValue>,
}

/// One planned change as the file holds it (fields at their default may be left out).
#[derive(Deserialize)]
struct ChangeRecord<'a> {
    #[serde(borrow)]
    addr: Cow<'a, str>,
    #[serde(borrow, default)]
    prev_addr: Option<Cow<'a, str>>,
    #[serde(borrow)]
    provider: Cow<'a, str>,
    #[serde(borrow)]
    provider_source: Cow<'a, str>,
    #[serde(borrow)]
    action: Cow<'a, str>,
    #[serde(borrow, default)]
    reason: Option<Cow<'a, str>>,
    #[serde(default)]
    before: Option<Json>,
    #[serde(default)]
    after: Option<Json>,
    #[serde(borrow, default)]
    requires_replace: Vec<Vec<StepRecord<'a>>>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    create_before_destroy: bool,
    #[serde(default)]
    importing: Option<String>,
    #[serde(default)]
    schema_version: u64,
    #[serde(default, rename = "private")]
    planned_private: Option<String>,
    #[serde(default)]
    migration: Option<MigrationRecord>,
    #[serde(default)]
    deposed: Option<String>,
}

/// What consecutive changes of a plan share, kept from the last change read: the provider
/// source (a run of one provider's resources) and the dependency list (a resource's
/// instances), shared again as they were in the plan that was written, where a copy each
/// was a tenth of a 100,000-resource apply's peak memory.
#[derive(Default)]
struct LastShared {
    source: Option<(String, Arc<ProviderSource>)>,
    dependencies: Arc<[String]>,
}

impl LastShared {
    /// The provider source `text` names, parsed when it differs from the last.
    fn source(&mut self, text: &str) -> Result<Arc<ProviderSource>, PlanFileError> {
        if let Some((last, source)) = &self.source {
            if last == text {
                return Ok(source.clone());
            }
        }
        let source = Arc::new(text.parse().map_err(|e: AddrError| bad(e.0))?);
        self.source = Some((text.to_string(), Arc::clone(&source)));
        Ok(source)
    }

    /// `list`, as the last list when it is the same.
    fn dependencies(&mut self, list: Vec<String>) -> Arc<[String]> {
        if *self.dependencies != list[..] {
            self.dependencies = list.into();
        }
        self.dependencies.clone()
    }
}

impl ChangeRecord<'_> {
    fn change(self, last: &mut LastShared) -> Result<ResourceChange, PlanFileError> {
        Ok(ResourceChange {
            addr: parse_instance(&self.addr).map_err(|e| bad(e.0))?,
            prev_addr: (self.prev_addr.and_then(|a| parse_instance(&a).ok())).map(Box::new),
            provider: self.provider.parse().map_err(|e: AddrError| bad(e.0))?,
            provider_source: last.source(&self.provider_source)?,
            action: parse_action(&self.action).ok_or_else(|| bad("invalid action in plan file"))?,
            reason: self.reason.as_deref().and_then(parse_reason),
            before: value_of(self.before)?,
            after: value_of(self.after)?,
            requires_replace: (self.requires_replace.into_iter())
                .map(|p| p.into_iter().map(StepRecord::step).collect())
                .collect(),
            dependencies: last.dependencies(self.dependencies),
            create_before_destroy: self.create_before_destroy,
            importing: self.importing,
            schema_version: self.schema_version,
            planned_private: self.planned_private,
            migration: match self.migration {
                Some(m) => Some(Box::new(m.migration()?)),
                None => None,
            },
            deposed: self.deposed,
        })
    }
}

/// An output's change as the file holds it.
#[derive(Deserialize)]
struct OutputRecord {
    #[serde(default)]
    before: Option<Json>,
    #[serde(default)]
    after: Option<Json>,
    #[serde(default)]
    sensitive: bool,
}

/// A value in the lossless encoding, `None` for an absent or `null` one.
fn value_of(j: Option<Json>) -> Result<Option<Value>, PlanFileError> {
    match j {
        None | Some(Json::Null) => Ok(None),
        Some(j) => decode_full(&j)
            .map(Some)
            .map_err(|e| bad(format!("invalid value in plan file: {}", e.0))),
    }
}

/// Field `raw` decoded as `T` (`None` when absent); a wrong shape is an error naming `what`.
fn field<'a, T: Deserialize<'a>>(
    raw: Option<&'a RawValue>,
    what: &str,
) -> Result<Option<T>, PlanFileError> {
    raw.map(|r| serde_json::from_str(r.get()))
        .transpose()
        .map_err(|e| bad(format!("invalid {what} in plan file: {e}")))
}

/// Field `raw` as `T` if it has that shape: the head's checks treat any other shape as absent.
fn loose<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    raw.and_then(|r| serde_json::from_str(r.get()).ok())
}

/// Records a decoding thread takes at the least: fewer are decoded where they are read.
pub(super) const RECORDS_A_THREAD: usize = 4096;

/// The records of list field `raw`, each decoded from its own slice of the text by `decode`,
/// in order. A long list is cut into one run a core, decoded side by side (each run sharing
/// what consecutive records share within it); the first error in list order is returned.
fn records<'a, T: Send>(
    raw: Option<&'a RawValue>,
    what: &str,
    decode: impl Fn(ChangeRecord<'a>, &mut LastShared) -> Result<T, PlanFileError> + Sync,
) -> Result<Vec<T>, PlanFileError> {
    let items: Vec<&'a RawValue> = field(raw, what)?.unwrap_or_default();
    let run = |items: &[&'a RawValue]| -> Result<Vec<T>, PlanFileError> {
        let mut last = LastShared::default();
        (items.iter())
            .map(|item| {
                let record = serde_json::from_str(item.get())
                    .map_err(|e| bad(format!("invalid change in plan file: {e}")))?;
                decode(record, &mut last)
            })
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / RECORDS_A_THREAD).max(1);
    if threads == 1 {
        return run(&items);
    }
    let runs: Vec<Result<Vec<T>, PlanFileError>> = std::thread::scope(|scope| {
        let chunk = items.len().div_ceil(threads);
        let mut parts = items.chunks(chunk);
        let first = parts.next().unwrap_or_default();
        let others: Vec<_> = parts.map(|part| scope.spawn(|| run(part))).collect();
        let mut runs = vec![run(first)];
        runs.extend(others.into_iter().map(|h| match h.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }));
        runs
    });
    let mut out = Vec::with_capacity(items.len());
    for r in runs {
        out.extend(r?);
    }
    Ok(out)
}

/// Whether `text` is a saved plan (it has a `format` field) rather than a state file;
/// an error when it is not a JSON object.
pub fn is_plan(text: &str) -> serde_json::Result<bool> {
    #[derive(Deserialize)]
    struct Probe<'a> {
        #[serde(borrow, default)]
        format: Option<&'a RawValue>,
    }
    serde_json::from_str::<Probe>(text).map(|p| p.format.is_some())
}

/// Checks the head: ours, this version, made from this configuration.
fn check_head(f: &Fields, tree: &ModuleTree) -> Result<(), PlanFileError> {
    if loose::<Cow<str>>(f.format).as_deref() != Some(MAGIC) {
        return Err(bad("the file is not an AutoStack saved plan"));
    }
    if loose::<u64>(f.version) != Some(VERSION) {
        return Err(bad(
            "the saved plan was written by an incompatible version of AutoStack",
        ));
    }
    if loose::<Cow<str>>(f.config_hash).as_deref() != Some(config_hash(tree).as_str()) {
        return Err(bad("the saved plan does not match the current configuration: the configuration files changed since the plan was made (or it was made for another configuration). Create a new plan."));
    }
    Ok(())
}

/// Reads the saved plan in `text`, refusing one made for another configuration.
pub fn read(
    text: &str,
    tree: &ModuleTree,
    schemas: &dyn SchemaSource,
) -> Result<Plan, PlanFileError> {
    let f: Fields = serde_json::from_str(text)
        .map_err(|e| bad(format!("the file is not a valid plan file: {e}")))?;
    check_head(&f, tree)?;
    let mode = match loose::<Cow<str>>(f.mode).as_deref() {
        Some("destroy") => PlanMode::Destroy,
        Some("refresh-only") => PlanMode::RefreshOnly,
        _ => PlanMode::Normal,
    };
    let changes = records(f.changes, "changes", |r, last| r.change(last).map(Box::new))?;
    let drift = records(f.drift, "drift", ChangeRecord::change)?;
    let mut variables = BTreeMap::new();
    let vars: BTreeMap<String, Json> = field(f.variables, "variables")?.unwrap_or_default();
    for (k, v) in vars {
        variables.insert(k, value_of(Some(v))?.unwrap_or_else(Value::null));
    }
    let mut outputs = BTreeMap::new();
    let outs: BTreeMap<String, OutputRecord> = field(f.outputs, "outputs")?.unwrap_or_default();
    for (k, o) in outs {
        let (before, after) = (value_of(o.before)?, value_of(o.after)?);
        let sensitive = o.sensitive;
        outputs.insert(
            k,
            OutputChange {
                before,
                after,
                sensitive,
            },
        );
    }
    let prior = f
        .prior
        .ok_or_else(|| bad("the saved plan has no prior state"))?;
    let function_results: Vec<FunctionResultRecord> =
        field(f.function_results, "function_results")?.unwrap_or_default();
    Ok(Plan {
        mode,
        changes,
        drift,
        outputs,
        prior: statefile::decode_text(prior.get(), schemas).map_err(bad)?,
        base_serial: field(f.base_serial, "base_serial")?.unwrap_or(0),
        base_lineage: field(f.base_lineage, "base_lineage")?.unwrap_or_default(),
        variables,
        warnings: Default::default(),
        function_results: (function_results.iter())
            .map(FunctionResultRecord::hash)
            .collect::<Result<_, _>>()?,
    })
}
