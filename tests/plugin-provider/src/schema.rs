//! The test provider's schema: a provider block, `testcloud_server` (nested list and set
//! blocks, a sensitive argument, a computed attribute unknown until apply, schema version 1:
//! version 0 called `name` `label`), `testcloud_machine` (the same object under the name
//! `moved` blocks bring servers to), the `testcloud_lookup` data source and the functions
//! of [`crate::extra`].

use autostack_provider_plugin::proto::tfplugin5 as v5;
use autostack_provider_plugin::proto::tfplugin6::{self as v6, schema};
use autostack_value::Type;
use std::collections::HashMap;

/// The schema version of `testcloud_server`.
pub const SERVER_VERSION: i64 = 1;

fn attr(name: &str, ty: &str, flags: &str) -> schema::Attribute {
    schema::Attribute {
        name: name.into(),
        r#type: ty.as_bytes().to_vec(),
        description: format!("The {name}."),
        required: flags.contains('r'),
        optional: flags.contains('o'),
        computed: flags.contains('c'),
        sensitive: flags.contains('s'),
        ..Default::default()
    }
}

fn nested(
    name: &str,
    mode: schema::nested_block::NestingMode,
    max: i64,
    attrs: Vec<schema::Attribute>,
) -> schema::NestedBlock {
    schema::NestedBlock {
        type_name: name.into(),
        block: Some(schema::Block {
            attributes: attrs,
            ..Default::default()
        }),
        nesting: mode as i32,
        min_items: 0,
        max_items: max,
    }
}

fn block(
    attributes: Vec<schema::Attribute>,
    block_types: Vec<schema::NestedBlock>,
) -> Option<schema::Block> {
    Some(schema::Block {
        attributes,
        block_types,
        description: "A test object.".into(),
        ..Default::default()
    })
}

/// The whole schema, in protocol 6's shape.
pub fn provider_schema() -> v6::get_provider_schema::Response {
    use schema::nested_block::NestingMode::{List, Set};
    let provider = v6::Schema {
        version: 0,
        block: block(
            vec![
                attr("root", "\"string\"", "r"),
                attr("token", "\"string\"", "os"),
            ],
            vec![],
        ),
    };
    let server = v6::Schema {
        version: SERVER_VERSION,
        block: block(
            vec![
                attr("id", "\"string\"", "c"),
                attr("name", "\"string\"", "r"),
                attr("size", "\"number\"", "oc"),
                attr("password", "\"string\"", "os"),
                attr("tags", "[\"map\",\"string\"]", "o"),
                attr("ip", "\"string\"", "c"),
            ],
            vec![
                nested(
                    "disk",
                    Set,
                    0,
                    vec![
                        attr("size", "\"number\"", "r"),
                        attr("kind", "\"string\"", "o"),
                    ],
                ),
                nested("network", List, 2, vec![attr("name", "\"string\"", "r")]),
            ],
        ),
    };
    let lookup = v6::Schema {
        version: 0,
        block: block(
            vec![
                attr("name", "\"string\"", "r"),
                attr("id", "\"string\"", "c"),
                attr("ip", "\"string\"", "c"),
            ],
            vec![],
        ),
    };
    v6::get_provider_schema::Response {
        provider: Some(provider),
        resource_schemas: HashMap::from([
            ("testcloud_machine".to_string(), server.clone()),
            ("testcloud_server".to_string(), server),
        ]),
        data_source_schemas: HashMap::from([("testcloud_lookup".to_string(), lookup)]),
        functions: crate::extra::functions(),
        server_capabilities: Some(v6::ServerCapabilities {
            get_provider_schema_optional: true,
            move_resource_state: crate::extra::moves_state(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The same schema in protocol 5's shape.
pub fn provider_schema_v5() -> v5::get_provider_schema::Response {
    let s = provider_schema();
    let map =
        |m: HashMap<String, v6::Schema>| m.into_iter().map(|(k, s)| (k, schema_v5(s))).collect();
    v5::get_provider_schema::Response {
        provider: s.provider.map(schema_v5),
        resource_schemas: map(s.resource_schemas),
        data_source_schemas: map(s.data_source_schemas),
        diagnostics: s.diagnostics,
        provider_meta: None,
        server_capabilities: s.server_capabilities,
        functions: s.functions,
    }
}

fn schema_v5(s: v6::Schema) -> v5::Schema {
    v5::Schema {
        version: s.version,
        block: s.block.map(block_v5),
    }
}

fn block_v5(b: schema::Block) -> v5::schema::Block {
    v5::schema::Block {
        version: b.version,
        attributes: b
            .attributes
            .into_iter()
            .map(|a| v5::schema::Attribute {
                name: a.name,
                r#type: a.r#type,
                description: a.description,
                required: a.required,
                optional: a.optional,
                computed: a.computed,
                sensitive: a.sensitive,
                description_kind: a.description_kind,
                deprecated: a.deprecated,
                write_only: a.write_only,
            })
            .collect(),
        block_types: b
            .block_types
            .into_iter()
            .map(|nb| v5::schema::NestedBlock {
                type_name: nb.type_name,
                block: nb.block.map(block_v5),
                nesting: nb.nesting,
                min_items: nb.min_items,
                max_items: nb.max_items,
            })
            .collect(),
        description: b.description,
        description_kind: b.description_kind,
        deprecated: b.deprecated,
    }
}

/// The object type of a schema's block.
pub fn object_type(s: &v6::Schema) -> Type {
    autostack_provider_plugin::schema::provider_schema(&v6::get_provider_schema::Response {
        provider: Some(s.clone()),
        ..Default::default()
    })
    .provider
    .value_type()
}
