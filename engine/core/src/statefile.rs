//! Conversion between the engine's [`State`] and Terraform's state v4 JSON document.
//! Attribute values are decoded with the resource schema's type, so `terraform.tfstate`
//! files written by Terraform are read exactly, and files we write are read by Terraform.

use crate::addrs::{InstanceAddr, InstanceKey, ModuleInstance, ResourceAddr};
use crate::jsonplan::TERRAFORM_VERSION;
use crate::state::{InstanceObject, OutputValue, State};
use autostack_lang::config::Mode;
use autostack_lang::value::json::{
    from_json, from_typed_json, sensitive_paths, to_typed_json, type_from_json, type_json,
};
use autostack_lang::value::PathStep;
use autostack_lang::{Type, Value};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// Finds the schema (object type and version) of a resource type for a state provider string.
pub trait SchemaSource {
    /// `(type, schema_version)` of `ty` in `mode` for `provider` (state's provider string).
    fn resource_type(&self, provider: &str, mode: Mode, ty: &str) -> Option<(Type, u64)>;
}

/// No schemas: attributes are decoded by inference (used by `state pull`-like tools).
pub struct NoSchemas;

impl SchemaSource for NoSchemas {
    fn resource_type(&self, _: &str, _: Mode, _: &str) -> Option<(Type, u64)> {
        None
    }
}

fn err(msg: impl Into<String>) -> String {
    msg.into()
}

/// Decodes a v4 state document.
pub fn decode(doc: &Json, schemas: &dyn SchemaSource) -> Result<State, String> {
    let version = doc
        .get("version")
        .and_then(Json::as_u64)
        .ok_or_else(|| err("state has no \"version\""))?;
    if version != 4 {
        return Err(format!("unsupported state format version {version}; AutoStack reads version 4 (Terraform 0.12 and later)"));
    }
    let mut st = State {
        serial: doc.get("serial").and_then(Json::as_u64).unwrap_or(0),
        lineage: doc
            .get("lineage")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        ..State::default()
    };
    if let Some(outs) = doc.get("outputs").and_then(Json::as_object) {
        for (name, o) in outs {
            let ty = o
                .get("type")
                .and_then(type_from_json)
                .unwrap_or(Type::Dynamic);
            let value = from_json(o.get("value").unwrap_or(&Json::Null), &ty)
                .map_err(|e| format!("output {name}: {}", e.0))?;
            let sensitive = o.get("sensitive").and_then(Json::as_bool).unwrap_or(false);
            st.outputs.insert(
                name.clone(),
                OutputValue {
                    value: if sensitive { value.sensitive() } else { value },
                    sensitive,
                },
            );
        }
    }
    for r in doc
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        decode_resource(r, schemas, &mut st)?;
    }
    Ok(st)
}

fn decode_resource(r: &Json, schemas: &dyn SchemaSource, st: &mut State) -> Result<(), String> {
    let s = |k: &str| {
        r.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let mode = if s("mode") == "data" {
        Mode::Data
    } else {
        Mode::Managed
    };
    let module = match r.get("module").and_then(Json::as_str) {
        Some(m) => {
            crate::addrs::parse_instance(&format!("{m}.x.y"))
                .map_err(|e| e.0)?
                .resource
                .module
        }
        None => ModuleInstance::root(),
    };
    let provider = s("provider");
    let raddr = ResourceAddr {
        module,
        mode,
        ty: s("type"),
        name: s("name"),
    };
    let schema = schemas.resource_type(&provider, mode, &raddr.ty);
    for inst in r
        .get("instances")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let key = match inst.get("index_key") {
            Some(Json::Number(n)) => Some(InstanceKey::Int(
                n.as_i64().ok_or_else(|| err("invalid index_key"))?,
            )),
            Some(Json::String(k)) => Some(InstanceKey::Str(k.clone())),
            _ => None,
        };
        let addr = raddr.instance(key);
        let attrs = inst.get("attributes").cloned().unwrap_or(Json::Null);
        let value = match &schema {
            Some((ty, _)) => from_typed_json(&attrs, ty).map_err(|e| format!("{addr}: {}", e.0))?,
            None => from_json(&attrs, &Type::Dynamic).map_err(|e| format!("{addr}: {}", e.0))?,
        };
        let value = mark_sensitive(value, inst.get("sensitive_attributes"));
        let strings = |k: &str| {
            inst.get(k)
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let obj = InstanceObject {
            value,
            provider: provider.clone(),
            schema_version: inst
                .get("schema_version")
                .and_then(Json::as_u64)
                .unwrap_or(0),
            dependencies: strings("dependencies"),
            tainted: inst.get("status").and_then(Json::as_str) == Some("tainted"),
            private: inst
                .get("private")
                .and_then(Json::as_str)
                .map(str::to_string),
            create_before_destroy: inst
                .get("create_before_destroy")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        };
        st.instances.insert(addr, obj);
    }
    Ok(())
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

/// Sort key of a resource in the state document.
type ResourceKey = (String, u8, String, String);

/// Encodes a state as a v4 document (resources sorted as Terraform sorts them).
pub fn encode(st: &State, schemas: &dyn SchemaSource) -> Json {
    let mut outputs = Map::new();
    for (name, o) in &st.outputs {
        let (v, _) = o.value.clone().unmark_deep();
        let mut j = json!({ "value": autostack_lang::value::json::to_json(&v), "type": type_json(&v.ty()) });
        if o.sensitive {
            j["sensitive"] = json!(true);
        }
        outputs.insert(name.clone(), j);
    }
    // (module, mode rank, type, name) → (provider, instances): Terraform's resource order.
    let mut groups: BTreeMap<ResourceKey, (String, Vec<Json>)> = BTreeMap::new();
    for (addr, obj) in &st.instances {
        let r = &addr.resource;
        let mode_rank = if r.mode == Mode::Managed { 1 } else { 0 };
        let entry = groups
            .entry((
                r.module.to_string(),
                mode_rank,
                r.ty.clone(),
                r.name.clone(),
            ))
            .or_insert_with(|| (obj.provider.clone(), Vec::new()));
        entry.1.push(encode_instance(addr, obj, schemas));
    }
    let resources: Vec<Json> = groups
        .into_iter()
        .map(|((module, mode_rank, ty, name), (provider, instances))| {
            let mut m = Map::new();
            if !module.is_empty() {
                m.insert("module".into(), json!(module));
            }
            m.insert(
                "mode".into(),
                json!(if mode_rank == 1 { "managed" } else { "data" }),
            );
            m.insert("type".into(), json!(ty));
            m.insert("name".into(), json!(name));
            m.insert("provider".into(), json!(provider));
            m.insert("instances".into(), Json::Array(instances));
            Json::Object(m)
        })
        .collect();
    json!({
        "version": 4,
        "terraform_version": TERRAFORM_VERSION,
        "serial": st.serial,
        "lineage": st.lineage,
        "outputs": outputs,
        "resources": resources,
        "check_results": null,
    })
}

fn encode_instance(addr: &InstanceAddr, obj: &InstanceObject, schemas: &dyn SchemaSource) -> Json {
    let mut m = Map::new();
    match &addr.key {
        Some(InstanceKey::Int(i)) => {
            m.insert("index_key".into(), json!(i));
        }
        Some(InstanceKey::Str(s)) => {
            m.insert("index_key".into(), json!(s));
        }
        None => {}
    }
    if obj.tainted {
        m.insert("status".into(), json!("tainted"));
    }
    m.insert("schema_version".into(), json!(obj.schema_version));
    let ty = schemas
        .resource_type(&obj.provider, addr.resource.mode, &addr.resource.ty)
        .map_or(obj.value.ty(), |(t, _)| t);
    m.insert("attributes".into(), to_typed_json(&obj.value, &ty));
    m.insert(
        "sensitive_attributes".into(),
        Json::Array(
            sensitive_paths(&obj.value)
                .iter()
                .map(|p| path_json(p))
                .collect(),
        ),
    );
    if let Some(p) = &obj.private {
        m.insert("private".into(), json!(p));
    }
    if !obj.dependencies.is_empty() {
        m.insert("dependencies".into(), json!(obj.dependencies));
    }
    if obj.create_before_destroy {
        m.insert("create_before_destroy".into(), json!(true));
    }
    Json::Object(m)
}
