//! Schema-typed decoding and encoding between the state crate's raw v4 model
//! ([`autostack_state::model::Document`]) and the engine's typed [`State`].
//!
//! Attribute values are decoded with the resource schema's type only here, when the engine
//! needs typed values (plan, apply, refresh, import, `show`), so `terraform.tfstate` files
//! written by Terraform are read exactly, and files we write are read by Terraform. What
//! needs no schema (addresses, outputs) is read without one.

use crate::addrs::{InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr};
use crate::jsonplan::TERRAFORM_VERSION;
use crate::state::{InstanceObject, OutputValue, State};
use autostack_lang::config::Mode;
use autostack_lang::value::json::{
    from_json, from_typed_json, sensitive_paths, to_json, to_typed_json, type_from_json, type_json,
};
use autostack_lang::value::PathStep;
use autostack_lang::{Type, Value};
use autostack_state::model::{self, Document, Heads, IndexKey, InstanceId, RawJson};
use serde_json::value::RawValue;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Finds the schema (object type and version) of a resource type for a state provider string.
pub trait SchemaSource {
    /// `(type, schema_version)` of `ty` in `mode` for `provider` (state's provider string).
    fn resource_type(&self, provider: &str, mode: Mode, ty: &str) -> Option<(Type, u64)>;

    /// Attributes written under an older schema version, upgraded by the provider to the
    /// current one (Terraform's `UpgradeResourceState`); `None` when the provider does not
    /// upgrade (the attributes are then read as they are).
    fn upgrade(
        &self,
        _provider: &str,
        _ty: &str,
        _version: u64,
        _attrs: &Json,
    ) -> Option<Result<Value, String>> {
        None
    }
}

/// The last [`SchemaSource`] answer, kept for the next object: a document's objects come a
/// resource at a time, mostly of one provider and type, and a lookup parses the provider
/// address and builds the object type from the schema's blocks (per object, 4% of an apply).
/// It also keeps the last provider string and module instance read, so that objects of one
/// provider share the string and addresses of one module their path.
#[derive(Default)]
struct LastSchema(Option<Remembered>, Option<Arc<str>>, LastModule);

/// The last module instance a document named, shared by the next resource that names it.
#[derive(Default)]
struct LastModule(Option<(String, ModuleInstance)>);

/// One lookup: its provider, mode and type, and what it found.
struct Remembered {
    provider: String,
    mode: Mode,
    ty: String,
    found: Option<(Type, u64)>,
}

impl LastSchema {
    /// `schemas.resource_type(provider, mode, ty)`, looked up only when it differs from the last.
    fn get(
        &mut self,
        schemas: &dyn SchemaSource,
        (provider, mode, ty): (&str, Mode, &str),
    ) -> Option<&(Type, u64)> {
        let same = |r: &Remembered| r.provider == provider && r.mode == mode && r.ty == ty;
        if !self.0.as_ref().is_some_and(same) {
            self.0 = Some(Remembered {
                provider: provider.to_string(),
                mode,
                ty: ty.to_string(),
                found: schemas.resource_type(provider, mode, ty),
            });
        }
        self.0.as_ref().and_then(|r| r.found.as_ref())
    }

    /// `provider`, shared with the last object's when it is the same.
    fn provider(&mut self, provider: &str) -> Arc<str> {
        match &self.1 {
            Some(last) if **last == *provider => last.clone(),
            _ => self.1.insert(provider.into()).clone(),
        }
    }
}

impl LastModule {
    /// The module instance a document writes as `module` (`None`: the root), shared with
    /// the last resource's when it is the same.
    fn get(&mut self, module: Option<&str>) -> Result<ModuleInstance, String> {
        let Some(text) = module else {
            return Ok(ModuleInstance::root());
        };
        if let Some((last, inst)) = &self.0 {
            if last == text {
                return Ok(inst.clone());
            }
        }
        let inst = crate::addrs::parse_instance(&format!("{text}.x.y"))
            .map_err(|e| e.0)?
            .resource
            .module;
        self.0 = Some((text.to_string(), inst.clone()));
        Ok(inst)
    }
}

/// No schemas: attributes are decoded by inference (used by `state pull`-like tools).
pub struct NoSchemas;

impl SchemaSource for NoSchemas {
    fn resource_type(&self, _: &str, _: Mode, _: &str) -> Option<(Type, u64)> {
        None
    }
}

/// Decodes a state document into typed values, attributes by their resource schemas.
pub fn decode(doc: &Document, schemas: &dyn SchemaSource) -> Result<State, String> {
    decode_resources(decode_head(doc)?, &doc.resources, schemas)
}

/// [`decode`] of a document handed over: each resource's raw JSON is freed as soon as it is
/// decoded, so the document and the state it becomes are never both whole in memory.
pub fn decode_owned(mut doc: Document, schemas: &dyn SchemaSource) -> Result<State, String> {
    let st = decode_head(&doc)?;
    decode_resources(st, std::mem::take(&mut doc.resources), schemas)
}

/// `st` with the objects of `resources`: the current ones collected and the map built once
/// (a sort that finds the document's order, where an insert each was a search of the whole
/// tree). Each resource is dropped as soon as it is decoded when they are handed over.
fn decode_resources<R: std::borrow::Borrow<model::Resource>>(
    mut st: State,
    resources: impl IntoIterator<Item = R>,
    schemas: &dyn SchemaSource,
) -> Result<State, String> {
    let mut current = Vec::new();
    let mut last = LastSchema::default();
    for r in resources {
        decode_resource((&mut st, &mut current), r.borrow(), (schemas, &mut last))?;
    }
    st.instances = BTreeMap::from_iter(current);
    Ok(st)
}

/// A state with `doc`'s serial, lineage and outputs, and no resources yet.
fn decode_head(doc: &Document) -> Result<State, String> {
    Ok(State {
        serial: doc.serial,
        lineage: doc.lineage.clone(),
        outputs: decode_outputs(&doc.outputs)?,
        ..State::default()
    })
}

/// Adds the deposed objects of resource `r` to `st` and its current objects to `current`.
fn decode_resource(
    (st, current): (&mut State, &mut Vec<(InstanceAddr, InstanceObject)>),
    r: &model::Resource,
    (schemas, last): (&dyn SchemaSource, &mut LastSchema),
) -> Result<(), String> {
    let raddr = resource_addr(last.2.get(r.module.as_deref())?, r.mode, &r.ty, &r.name);
    let mode = raddr.mode;
    let provider = last.provider(&r.provider);
    let schema = last.get(schemas, (&r.provider, mode, &raddr.ty));
    for inst in &r.instances {
        let addr = raddr.instance(inst.index_key.as_ref().map(instance_key));
        let old = schema.filter(|s| s.1 > inst.schema_version && mode == Mode::Managed);
        let obj = match old {
            Some((_, version)) => {
                upgrade_instance(&addr, &r.ty, (&r.provider, inst), *version, schemas)
                    .unwrap_or_else(|| {
                        decode_instance(&addr, provider.clone(), inst, schema.map(|s| &s.0))
                    })?
            }
            None => decode_instance(&addr, provider.clone(), inst, schema.map(|s| &s.0))?,
        };
        let obj = match &inst.object_provider {
            Some(p) => InstanceObject {
                provider: p.as_str().into(),
                ..obj
            },
            None => obj,
        };
        match &inst.deposed {
            Some(key) => _ = st.deposed.insert((addr, key.clone()), obj),
            None => current.push((addr, obj)),
        };
    }
    Ok(())
}

/// The object `inst` recorded under an older schema version, upgraded by its provider to
/// `version` (sensitive paths kept); `None` when the provider does not upgrade states.
fn upgrade_instance(
    addr: &InstanceAddr,
    ty: &str,
    (provider, inst): (&str, &model::Instance),
    version: u64,
    schemas: &dyn SchemaSource,
) -> Option<Result<InstanceObject, String>> {
    let attrs = match raw_json(&inst.attributes) {
        Ok(a) => a,
        Err(e) => return Some(Err(format!("{addr}: {e}"))),
    };
    let upgraded = schemas.upgrade(provider, ty, inst.schema_version, &attrs)?;
    Some((|| {
        let value = upgraded.map_err(|e| format!("{addr}: {e}"))?;
        // The old attributes, read without a schema, only to carry the other fields over.
        let mut obj = decode_instance(addr, provider.into(), inst, None)?;
        let sensitive = match &inst.sensitive_attributes {
            Some(raw) => Some(raw_json(raw).map_err(|e| format!("{addr}: {e}"))?),
            None => None,
        };
        obj.value = mark_sensitive(value, sensitive.as_ref());
        obj.schema_version = version;
        Ok(obj)
    })())
}

/// The object at `addr` alone, decoded with its resource's schema (`None`: no such instance).
pub fn decode_one(
    doc: &Document,
    addr: &InstanceAddr,
    schemas: &dyn SchemaSource,
) -> Result<Option<InstanceObject>, String> {
    let id = instance_id(addr);
    let found = doc.instances().find(|(r, i)| {
        i.deposed.is_none()
            && i.index_key == id.key
            && r.mode == id.mode
            && r.ty == id.ty
            && r.name == id.name
            && r.module == id.module
    });
    let Some((r, inst)) = found else {
        return Ok(None);
    };
    let schema = schemas.resource_type(&r.provider, addr.resource.mode, &r.ty);
    let provider = r.provider.as_str().into();
    decode_instance(addr, provider, inst, schema.as_ref().map(|s| &s.0)).map(Some)
}

/// Decodes a state document from its text (a state file, a saved plan's prior state).
pub fn decode_text(text: &str, schemas: &dyn SchemaSource) -> Result<State, String> {
    let doc = autostack_state::codec::decode(text.as_bytes()).map_err(|e| e.to_string())?;
    decode_owned(doc, schemas)
}

/// A document's root module outputs (typed by the type recorded with each).
pub fn decode_outputs(
    stored: &BTreeMap<String, model::Output>,
) -> Result<BTreeMap<String, OutputValue>, String> {
    let mut outputs = BTreeMap::new();
    for (name, o) in stored {
        let ty = type_from_json(&raw_json(&o.ty)?).unwrap_or(Type::Dynamic);
        let value =
            from_json(&raw_json(&o.value)?, &ty).map_err(|e| format!("output {name}: {}", e.0))?;
        let value = if o.sensitive {
            value.sensitive()
        } else {
            value
        };
        outputs.insert(
            name.clone(),
            OutputValue {
                value,
                sensitive: o.sensitive,
            },
        );
    }
    Ok(outputs)
}

/// The address of every instance in a document, in address order (nothing else decoded).
pub fn addresses(heads: &Heads) -> Result<Vec<InstanceAddr>, String> {
    let mut out = Vec::new();
    let mut module = LastModule::default();
    for r in &heads.resources {
        let raddr = resource_addr(module.get(r.module.as_deref())?, r.mode, &r.ty, &r.name);
        out.extend(
            r.instances
                .iter()
                .map(|i| raddr.instance(i.index_key.as_ref().map(instance_key))),
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Where an instance address lives in a document.
pub fn instance_id(addr: &InstanceAddr) -> InstanceId {
    let r = &addr.resource;
    let module = r.module.to_string();
    InstanceId {
        module: (!module.is_empty()).then_some(module),
        mode: match r.mode {
            Mode::Data => model::Mode::Data,
            _ => model::Mode::Managed,
        },
        ty: r.ty.to_string(),
        name: r.name.to_string(),
        key: index_key(addr),
    }
}

/// The instance key of `addr` as the document writes it.
fn index_key(addr: &InstanceAddr) -> Option<IndexKey> {
    addr.key.as_ref().map(|k| match k {
        InstanceKey::Int(i) => IndexKey::Int(*i),
        InstanceKey::Str(s) => IndexKey::Str(s.to_string()),
    })
}

fn instance_key(k: &IndexKey) -> InstanceKey {
    match k {
        IndexKey::Int(i) => InstanceKey::Int(*i),
        IndexKey::Str(s) => InstanceKey::Str(s.as_str().into()),
    }
}

fn resource_addr(module: ModuleInstance, mode: model::Mode, ty: &str, name: &str) -> ResourceAddr {
    ResourceAddr {
        module,
        mode: match mode {
            model::Mode::Data => Mode::Data,
            model::Mode::Managed => Mode::Managed,
        },
        ty: ty.into(),
        name: name.into(),
    }
}

fn raw_json(raw: &RawJson) -> Result<Json, String> {
    serde_json::from_str(raw.get()).map_err(|e| e.to_string())
}

fn to_raw(j: &Json) -> RawJson {
    // Serializing a `serde_json::Value` cannot fail; `null` keeps the type total.
    serde_json::value::to_raw_value(j).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

fn decode_instance(
    addr: &InstanceAddr,
    provider: Arc<str>,
    inst: &model::Instance,
    ty: Option<&Type>,
) -> Result<InstanceObject, String> {
    let attrs = raw_json(&inst.attributes).map_err(|e| format!("{addr}: {e}"))?;
    let value = match ty {
        Some(ty) => from_typed_json(&attrs, ty),
        None => from_json(&attrs, &Type::Dynamic),
    }
    .map_err(|e| format!("{addr}: {}", e.0))?;
    let sensitive = match &inst.sensitive_attributes {
        Some(raw) => Some(raw_json(raw).map_err(|e| format!("{addr}: {e}"))?),
        None => None,
    };
    Ok(InstanceObject {
        value: mark_sensitive(value, sensitive.as_ref()),
        provider,
        schema_version: inst.schema_version,
        dependencies: inst.dependencies.as_slice().into(),
        tainted: inst.status.as_deref() == Some("tainted"),
        private: inst.private.clone(),
        create_before_destroy: inst.create_before_destroy,
    })
}

/// Applies state's `sensitive_attributes` paths as sensitive marks.
fn mark_sensitive(v: Value, paths: Option<&Json>) -> Value {
    let Some(paths) = paths.and_then(Json::as_array) else {
        return v;
    };
    let mut v = v;
    for p in paths {
        let steps: Vec<Json> = p.as_array().cloned().unwrap_or_default();
        v = mark_path(v, &steps);
    }
    v
}

fn mark_path(v: Value, steps: &[Json]) -> Value {
    let Some((first, rest)) = steps.split_first() else {
        return v.sensitive();
    };
    let (inner, marks) = v.unmark();
    let key = first.get("value");
    let out = match (&inner, first.get("type").and_then(Json::as_str)) {
        (Value::Object(m), Some("get_attr"))
        | (Value::Map(_, m), Some("index"))
        | (Value::Object(m), Some("index")) => {
            let k = key
                .and_then(|k| k.as_str().or_else(|| k.get("value").and_then(Json::as_str)))
                .unwrap_or_default();
            let mut m2 = (**m).clone();
            if let Some(x) = m2.remove(k) {
                m2.insert(k.to_string(), mark_path(x, rest));
            }
            match &inner {
                Value::Map(t, _) => Value::map(t.clone(), m2),
                _ => Value::object(m2),
            }
        }
        (Value::List(_, xs) | Value::Tuple(xs), Some("index")) => {
            let i = key
                .and_then(|k| k.get("value").and_then(Json::as_u64).or_else(|| k.as_u64()))
                .unwrap_or(u64::MAX) as usize;
            let mut xs2 = (**xs).clone();
            if i < xs2.len() {
                let x = xs2[i].clone();
                xs2[i] = mark_path(x, rest);
            }
            match &inner {
                Value::List(t, _) => Value::list(t.clone(), xs2),
                _ => Value::tuple(xs2),
            }
        }
        _ => inner,
    };
    out.mark(marks)
}

fn path_json(p: &[PathStep]) -> Json {
    Json::Array(
        p.iter()
            .map(|s| match s {
                PathStep::Attr(a) => json!({ "type": "get_attr", "value": a }),
                PathStep::Key(k) => {
                    json!({ "type": "index", "value": { "value": k, "type": "string" } })
                }
                PathStep::Index(i) => {
                    json!({ "type": "index", "value": { "value": i, "type": "number" } })
                }
            })
            .collect(),
    )
}

/// Encodes a state as a v4 document (resources in Terraform's order).
pub fn encode(st: &State, schemas: &dyn SchemaSource) -> Document {
    let mut doc = encode_head(st);
    let current = st.instances.iter().map(|(addr, obj)| (addr, None, obj));
    let deposed = (st.deposed.iter()).map(|((addr, key), obj)| (addr, Some(key), obj));
    let mut last = LastSchema::default();
    // In address order, each resource's objects adjacent: no search per object.
    doc.put_in_order(current.chain(deposed).map(|(addr, key, obj)| {
        let r = &addr.resource;
        let schema = last.get(schemas, (&obj.provider, r.mode, &r.ty));
        let mut instance = encode_typed(addr, obj, schema.map(|(t, _)| t));
        instance.deposed = key.cloned();
        instance.object_provider = key.map(|_| obj.provider.to_string());
        (instance_id(addr), obj.provider.to_string(), instance)
    }));
    doc
}

/// A state's document without its resources: the head and the outputs (see [`encode`], and
/// [`ResourceRuns`] for the resources made as they are written).
pub fn encode_head(st: &State) -> Document {
    let mut doc = Document::empty(TERRAFORM_VERSION);
    doc.serial = st.serial;
    doc.lineage = st.lineage.clone();
    for (name, o) in &st.outputs {
        let (v, _) = o.value.clone().unmark_deep();
        doc.outputs.insert(
            name.clone(),
            model::Output {
                value: to_raw(&to_json(&v)),
                ty: to_raw(&type_json(&v.ty())),
                sensitive: o.sensitive,
            },
        );
    }
    doc
}

/// The schema [`encode_object`] looked up last, kept for the next object.
#[derive(Default)]
pub struct SchemaMemo(LastSchema);

/// `obj` as a journal record holds it: its instance in v4 form without the index key (the
/// record's address has it, and the resource's module, mode, type and name: a whole
/// document of the one resource was 150 bytes more a record). Its schema is looked up only
/// when the object's provider, mode or type differs from the last one `memo` saw.
pub fn encode_object(
    addr: &InstanceAddr,
    obj: &InstanceObject,
    schemas: &dyn SchemaSource,
    memo: &mut SchemaMemo,
) -> model::Instance {
    let r = &addr.resource;
    let schema = memo.0.get(schemas, (&obj.provider, r.mode, &r.ty));
    let mut instance = encode_typed(addr, obj, schema.map(|(t, _)| t));
    instance.index_key = None;
    instance
}

/// One instance object in v4 form (attributes typed by the resource schema).
pub fn encode_instance(
    addr: &InstanceAddr,
    obj: &InstanceObject,
    schemas: &dyn SchemaSource,
) -> model::Instance {
    let schema = schemas.resource_type(&obj.provider, addr.resource.mode, &addr.resource.ty);
    encode_typed(addr, obj, schema.as_ref().map(|(t, _)| t))
}

/// [`encode_instance`] with the schema's object type (`None`: the value's own type).
fn encode_typed(addr: &InstanceAddr, obj: &InstanceObject, ty: Option<&Type>) -> model::Instance {
    let own;
    let ty = match ty {
        Some(t) => t,
        None => {
            own = obj.value.ty();
            &own
        }
    };
    let sensitive: Vec<Json> = sensitive_paths(&obj.value)
        .iter()
        .map(|p| path_json(p))
        .collect();
    model::Instance {
        index_key: index_key(addr),
        status: obj.tainted.then(|| "tainted".to_string()),
        deposed: None,
        schema_version: obj.schema_version,
        attributes: to_raw(&to_typed_json(&obj.value, ty)),
        sensitive_attributes: Some(to_raw(&Json::Array(sensitive))),
        identity_schema_version: None,
        object_provider: None,
        identity: None,
        private: obj.private.clone(),
        dependencies: obj.dependencies.to_vec(),
        create_before_destroy: obj.create_before_destroy,
    }
}

#[path = "statefile_stream.rs"]
mod stream;
pub use stream::ResourceRuns;

#[cfg(test)]
#[path = "statefile_tests.rs"]
mod tests;
