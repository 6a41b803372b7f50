//! One client over both protocol versions: requests and responses are protocol 6's messages
//! (protocol 5 shares them, field for field); only the method names differ, and protocol 5's
//! schema, which is converted to protocol 6's shape here.

use crate::proto::tfplugin5::provider_client::ProviderClient as Client5;
use crate::proto::tfplugin5::{self as v5};
use crate::proto::tfplugin6::provider_client::ProviderClient as Client6;
use crate::proto::tfplugin6::{self as v6, schema};
use tonic::transport::Channel;
use tonic::Status;

/// Largest message accepted from a plugin (big providers' schemas run to tens of MB).
const MAX_MESSAGE: usize = 256 << 20;

/// A plugin's gRPC client in the protocol version it chose.
#[derive(Clone)]
pub enum Rpc {
    /// tfplugin5.
    V5(Client5<Channel>),
    /// tfplugin6.
    V6(Client6<Channel>),
}

/// Calls the same method under its protocol-5 and protocol-6 names.
macro_rules! call {
    ($self:ident, $m5:ident, $m6:ident, $req:expr) => {
        match $self {
            Rpc::V5(c) => c.clone().$m5($req).await,
            Rpc::V6(c) => c.clone().$m6($req).await,
        }
        .map(tonic::Response::into_inner)
    };
}

type Result<T> = std::result::Result<T, Status>;

impl Rpc {
    /// A client for `protocol` over `channel`.
    pub fn new(protocol: u32, channel: Channel) -> std::result::Result<Rpc, String> {
        match protocol {
            5 => Ok(Rpc::V5(
                Client5::new(channel)
                    .max_decoding_message_size(MAX_MESSAGE)
                    .max_encoding_message_size(MAX_MESSAGE),
            )),
            6 => Ok(Rpc::V6(
                Client6::new(channel)
                    .max_decoding_message_size(MAX_MESSAGE)
                    .max_encoding_message_size(MAX_MESSAGE),
            )),
            n => Err(format!(
                "the plugin chose protocol version {n}; AutoStack speaks 5 and 6"
            )),
        }
    }

    /// GetSchema / GetProviderSchema, in protocol 6's shape.
    pub async fn get_schema(&self) -> Result<v6::get_provider_schema::Response> {
        match self {
            Rpc::V5(c) => {
                let r = c
                    .clone()
                    .get_schema(v5::get_provider_schema::Request {})
                    .await?;
                Ok(schema_response_from_v5(r.into_inner()))
            }
            Rpc::V6(c) => {
                let mut c = c.clone();
                let r = c
                    .get_provider_schema(v6::get_provider_schema::Request {})
                    .await?;
                Ok(r.into_inner())
            }
        }
    }

    /// PrepareProviderConfig / ValidateProviderConfig.
    pub async fn validate_provider(&self, config: v6::DynamicValue) -> Result<Vec<v6::Diagnostic>> {
        match self {
            Rpc::V5(c) => {
                let req = v5::prepare_provider_config::Request {
                    config: Some(config),
                };
                Ok(c.clone()
                    .prepare_provider_config(req)
                    .await?
                    .into_inner()
                    .diagnostics)
            }
            Rpc::V6(c) => {
                let req = v6::validate_provider_config::Request {
                    config: Some(config),
                };
                Ok(c.clone()
                    .validate_provider_config(req)
                    .await?
                    .into_inner()
                    .diagnostics)
            }
        }
    }

    /// ValidateResourceTypeConfig / ValidateResourceConfig.
    pub async fn validate_resource(
        &self,
        req: v6::validate_resource_config::Request,
    ) -> Result<v6::validate_resource_config::Response> {
        call!(
            self,
            validate_resource_type_config,
            validate_resource_config,
            req
        )
    }

    /// ValidateDataSourceConfig / ValidateDataResourceConfig.
    pub async fn validate_data(
        &self,
        req: v6::validate_data_resource_config::Request,
    ) -> Result<v6::validate_data_resource_config::Response> {
        call!(
            self,
            validate_data_source_config,
            validate_data_resource_config,
            req
        )
    }

    /// Configure / ConfigureProvider.
    pub async fn configure(
        &self,
        req: v6::configure_provider::Request,
    ) -> Result<v6::configure_provider::Response> {
        call!(self, configure, configure_provider, req)
    }

    /// UpgradeResourceState.
    pub async fn upgrade(
        &self,
        req: v6::upgrade_resource_state::Request,
    ) -> Result<v6::upgrade_resource_state::Response> {
        call!(self, upgrade_resource_state, upgrade_resource_state, req)
    }

    /// ReadResource.
    pub async fn read(
        &self,
        req: v6::read_resource::Request,
    ) -> Result<v6::read_resource::Response> {
        call!(self, read_resource, read_resource, req)
    }

    /// PlanResourceChange.
    pub async fn plan(
        &self,
        req: v6::plan_resource_change::Request,
    ) -> Result<v6::plan_resource_change::Response> {
        call!(self, plan_resource_change, plan_resource_change, req)
    }

    /// ApplyResourceChange.
    pub async fn apply(
        &self,
        req: v6::apply_resource_change::Request,
    ) -> Result<v6::apply_resource_change::Response> {
        call!(self, apply_resource_change, apply_resource_change, req)
    }

    /// ImportResourceState.
    pub async fn import(
        &self,
        req: v6::import_resource_state::Request,
    ) -> Result<v6::import_resource_state::Response> {
        call!(self, import_resource_state, import_resource_state, req)
    }

    /// MoveResourceState.
    pub async fn move_state(
        &self,
        req: v6::move_resource_state::Request,
    ) -> Result<v6::move_resource_state::Response> {
        call!(self, move_resource_state, move_resource_state, req)
    }

    /// ReadDataSource.
    pub async fn read_data(
        &self,
        req: v6::read_data_source::Request,
    ) -> Result<v6::read_data_source::Response> {
        call!(self, read_data_source, read_data_source, req)
    }

    /// GetFunctions.
    pub async fn get_functions(&self) -> Result<v6::get_functions::Response> {
        call!(
            self,
            get_functions,
            get_functions,
            v6::get_functions::Request {}
        )
    }

    /// CallFunction.
    pub async fn call_function(
        &self,
        req: v6::call_function::Request,
    ) -> Result<v6::call_function::Response> {
        call!(self, call_function, call_function, req)
    }

    /// Stop / StopProvider: asks the plugin to cancel what it is doing.
    pub async fn stop(&self) -> Result<v6::stop_provider::Response> {
        call!(self, stop, stop_provider, v6::stop_provider::Request {})
    }
}

/// Protocol 5's schema response in protocol 6's shape.
pub fn schema_response_from_v5(
    r: v5::get_provider_schema::Response,
) -> v6::get_provider_schema::Response {
    let map = |m: std::collections::HashMap<String, v5::Schema>| {
        m.into_iter().map(|(k, s)| (k, schema_from_v5(s))).collect()
    };
    v6::get_provider_schema::Response {
        provider: r.provider.map(schema_from_v5),
        resource_schemas: map(r.resource_schemas),
        data_source_schemas: map(r.data_source_schemas),
        diagnostics: r.diagnostics,
        provider_meta: r.provider_meta.map(schema_from_v5),
        server_capabilities: r.server_capabilities,
        functions: r.functions,
    }
}

fn schema_from_v5(s: v5::Schema) -> v6::Schema {
    v6::Schema {
        version: s.version,
        block: s.block.map(block_from_v5),
    }
}

fn block_from_v5(b: v5::schema::Block) -> schema::Block {
    schema::Block {
        version: b.version,
        attributes: b.attributes.into_iter().map(attribute_from_v5).collect(),
        block_types: b
            .block_types
            .into_iter()
            .map(|nb| schema::NestedBlock {
                type_name: nb.type_name,
                block: nb.block.map(block_from_v5),
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

fn attribute_from_v5(a: v5::schema::Attribute) -> schema::Attribute {
    schema::Attribute {
        name: a.name,
        r#type: a.r#type,
        nested_type: None,
        description: a.description,
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: a.description_kind,
        deprecated: a.deprecated,
        write_only: a.write_only,
    }
}
