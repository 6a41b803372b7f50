//! Schemas in the shape of `terraform providers schema -json` (format_version "1.0"): from a
//! plugin's own messages (descriptions and their kinds, deprecations, nested attribute
//! types kept) or from a native provider's schema.

use crate::proto::tfplugin6::{self as v6, schema};
use crate::schema::attribute_type;
use autostack_provider_sdk::schema::{Block, Nesting};
use autostack_provider_sdk::ProviderSchema;
use autostack_value::json::type_json;
use serde_json::{json, Map, Value as Json};

fn kind(k: i32) -> &'static str {
    if k == v6::StringKind::Markdown as i32 {
        "markdown"
    } else {
        "plain"
    }
}

/// Sets `key` only when `v` is true (Terraform's `omitempty`).
fn flag(m: &mut Map<String, Json>, key: &str, v: bool) {
    if v {
        m.insert(key.into(), Json::Bool(true));
    }
}

/// One provider's entry, from the plugin's schema response.
pub fn from_plugin(r: &v6::get_provider_schema::Response) -> Json {
    let schemas = |m: &std::collections::HashMap<String, v6::Schema>| {
        let sorted: std::collections::BTreeMap<_, _> = m.iter().collect();
        sorted
            .into_iter()
            .map(|(k, s)| (k.clone(), plugin_schema(s)))
            .collect::<Map<_, _>>()
    };
    let mut out = Map::new();
    if let Some(p) = &r.provider {
        out.insert("provider".into(), plugin_schema(p));
    }
    if !r.resource_schemas.is_empty() {
        out.insert(
            "resource_schemas".into(),
            Json::Object(schemas(&r.resource_schemas)),
        );
    }
    if !r.data_source_schemas.is_empty() {
        out.insert(
            "data_source_schemas".into(),
            Json::Object(schemas(&r.data_source_schemas)),
        );
    }
    if !r.functions.is_empty() {
        let sorted: std::collections::BTreeMap<_, _> = r.functions.iter().collect();
        let f = sorted
            .into_iter()
            .map(|(k, f)| (k.clone(), function(f)))
            .collect::<Map<_, _>>();
        out.insert("functions".into(), Json::Object(f));
    }
    Json::Object(out)
}

fn plugin_schema(s: &v6::Schema) -> Json {
    json!({"version": s.version, "block": s.block.as_ref().map(plugin_block).unwrap_or_else(|| json!({}))})
}

fn plugin_block(b: &schema::Block) -> Json {
    let mut m = Map::new();
    if !b.attributes.is_empty() {
        let mut attrs: Vec<&schema::Attribute> = b.attributes.iter().collect();
        attrs.sort_by(|a, b| a.name.cmp(&b.name));
        let a = attrs
            .into_iter()
            .map(|a| (a.name.clone(), plugin_attribute(a)));
        m.insert("attributes".into(), Json::Object(a.collect()));
    }
    if !b.block_types.is_empty() {
        let mut blocks: Vec<&schema::NestedBlock> = b.block_types.iter().collect();
        blocks.sort_by(|a, b| a.type_name.cmp(&b.type_name));
        let bt = blocks.into_iter().map(|nb| {
            let mode = schema::nested_block::NestingMode::try_from(nb.nesting)
                .map(|n| n.as_str_name().to_ascii_lowercase())
                .unwrap_or_default();
            let mut e = Map::new();
            e.insert("nesting_mode".into(), Json::String(mode));
            e.insert(
                "block".into(),
                nb.block
                    .as_ref()
                    .map(plugin_block)
                    .unwrap_or_else(|| json!({})),
            );
            if nb.min_items > 0 {
                e.insert("min_items".into(), json!(nb.min_items));
            }
            if nb.max_items > 0 {
                e.insert("max_items".into(), json!(nb.max_items));
            }
            (nb.type_name.clone(), Json::Object(e))
        });
        m.insert("block_types".into(), Json::Object(bt.collect()));
    }
    if !b.description.is_empty() {
        m.insert("description".into(), Json::String(b.description.clone()));
    }
    m.insert(
        "description_kind".into(),
        Json::String(kind(b.description_kind).into()),
    );
    flag(&mut m, "deprecated", b.deprecated);
    Json::Object(m)
}

fn plugin_attribute(a: &schema::Attribute) -> Json {
    let mut m = Map::new();
    match &a.nested_type {
        Some(n) => {
            let attrs = n
                .attributes
                .iter()
                .map(|x| (x.name.clone(), plugin_attribute(x)));
            let mode = schema::object::NestingMode::try_from(n.nesting)
                .map(|n| n.as_str_name().to_ascii_lowercase())
                .unwrap_or_default();
            m.insert(
                "nested_type".into(),
                json!({"attributes": Json::Object(attrs.collect()), "nesting_mode": mode}),
            );
        }
        None => {
            m.insert("type".into(), type_json(&attribute_type(a)));
        }
    }
    if !a.description.is_empty() {
        m.insert("description".into(), Json::String(a.description.clone()));
    }
    m.insert(
        "description_kind".into(),
        Json::String(kind(a.description_kind).into()),
    );
    flag(&mut m, "deprecated", a.deprecated);
    flag(&mut m, "required", a.required);
    flag(&mut m, "optional", a.optional);
    flag(&mut m, "computed", a.computed);
    flag(&mut m, "sensitive", a.sensitive);
    flag(&mut m, "write_only", a.write_only);
    Json::Object(m)
}

fn function(f: &v6::Function) -> Json {
    let param = |p: &v6::function::Parameter| {
        let mut m = Map::new();
        m.insert("name".into(), Json::String(p.name.clone()));
        m.insert(
            "type".into(),
            serde_json::from_slice(&p.r#type).unwrap_or(Json::Null),
        );
        if !p.description.is_empty() {
            m.insert("description".into(), Json::String(p.description.clone()));
        }
        flag(&mut m, "is_nullable", p.allow_null_value);
        Json::Object(m)
    };
    let mut m = Map::new();
    if !f.description.is_empty() {
        m.insert("description".into(), Json::String(f.description.clone()));
    }
    if !f.summary.is_empty() {
        m.insert("summary".into(), Json::String(f.summary.clone()));
    }
    let ret = f
        .r#return
        .as_ref()
        .map(|r| serde_json::from_slice(&r.r#type).unwrap_or(Json::Null));
    m.insert("return_type".into(), ret.unwrap_or(Json::Null));
    if !f.parameters.is_empty() {
        m.insert(
            "parameters".into(),
            Json::Array(f.parameters.iter().map(param).collect()),
        );
    }
    if let Some(v) = &f.variadic_parameter {
        m.insert("variadic_parameter".into(), param(v));
    }
    Json::Object(m)
}

/// One provider's entry, from a native provider's schema.
pub fn from_native(s: &ProviderSchema) -> Json {
    let schemas =
        |m: &std::collections::BTreeMap<String, autostack_provider_sdk::schema::ResourceSchema>| {
            m.iter()
                .map(|(k, r)| {
                    (
                        k.clone(),
                        json!({"version": r.version, "block": native_block(&r.block)}),
                    )
                })
                .collect::<Map<_, _>>()
        };
    let mut out = Map::new();
    out.insert(
        "provider".into(),
        json!({"version": 0, "block": native_block(&s.provider)}),
    );
    if !s.resources.is_empty() {
        out.insert(
            "resource_schemas".into(),
            Json::Object(schemas(&s.resources)),
        );
    }
    if !s.data_sources.is_empty() {
        out.insert(
            "data_source_schemas".into(),
            Json::Object(schemas(&s.data_sources)),
        );
    }
    Json::Object(out)
}

fn native_block(b: &Block) -> Json {
    let mut m = Map::new();
    if !b.attributes.is_empty() {
        let attrs = b.attributes.iter().map(|(k, a)| {
            let mut e = Map::new();
            e.insert("type".into(), type_json(&a.ty));
            if !a.description.is_empty() {
                e.insert("description".into(), Json::String(a.description.into()));
            }
            e.insert("description_kind".into(), Json::String("plain".into()));
            flag(&mut e, "required", a.required);
            flag(&mut e, "optional", a.optional);
            flag(&mut e, "computed", a.computed);
            flag(&mut e, "sensitive", a.sensitive);
            (k.clone(), Json::Object(e))
        });
        m.insert("attributes".into(), Json::Object(attrs.collect()));
    }
    if !b.blocks.is_empty() {
        let blocks = b.blocks.iter().map(|(k, nb)| {
            let mode = match nb.nesting {
                Nesting::Single => "single",
                Nesting::List => "list",
                Nesting::Set => "set",
            };
            let mut e = Map::new();
            e.insert("nesting_mode".into(), Json::String(mode.into()));
            e.insert("block".into(), native_block(&nb.block));
            if nb.min_items > 0 {
                e.insert("min_items".into(), json!(nb.min_items));
            }
            if nb.max_items > 0 {
                e.insert("max_items".into(), json!(nb.max_items));
            }
            (k.clone(), Json::Object(e))
        });
        m.insert("block_types".into(), Json::Object(blocks.collect()));
    }
    m.insert("description_kind".into(), Json::String("plain".into()));
    Json::Object(m)
}
