//! Writing a saved plan: the plan serialized field by field as it is written, so a plan of a
//! million resources streams to its file without a JSON tree or a second copy.

use super::{action_str, config_hash, reason_str, FunctionResultRecord, MigrationRecord};
use super::{StepRecord, MAGIC, VERSION};
use crate::plan::{OutputChange, Plan, PlanMode, ResourceChange};
use crate::statefile::{self, SchemaSource};
use autostack_lang::config::ModuleTree;
use autostack_lang::value::json_stream::Full;
use autostack_lang::Value;
use serde::ser::{Serialize, SerializeMap, Serializer};

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
        let replace: Vec<Vec<StepRecord>> = c
            .requires_replace
            .iter()
            .map(|p| p.iter().map(StepRecord::of).collect())
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
            m.serialize_entry("dependencies", &*c.dependencies)?;
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
            m.serialize_entry("migration", &MigrationRecord::of(mig))?;
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
            let calls = p.function_results.iter().map(FunctionResultRecord::of);
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
