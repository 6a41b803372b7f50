//! The engine's [`Provider`] contract over a plugin: each operation is one protocol call
//! (refresh: one `ReadResource` per object, all in flight at once; import: the import, then
//! a read, as Terraform does), with values crossing as msgpack and diagnostics translated.

use crate::convert::{dynamic, null, path_steps, value};
use crate::plugin::{block_on, diagnostics, on_runtime, Plugin};
use crate::proto::tfplugin6 as v6;
use autostack_provider_sdk::request::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportRequest, Instance, MoveStateRequest,
    PlanRequest, PlanResponse, ReadDataRequest, ReadRequest, ReadResult, RecoverRequest,
    ValidateRequest,
};
use autostack_provider_sdk::{
    ApplyError, FunctionError, FunctionSignature, Private, Provider, ProviderSchema,
};
use autostack_value::{Diagnostic, Diagnostics, Value};
use std::path::Path;
use std::sync::Arc;

/// The Terraform version plugins are told they run under (providers put it in user agents
/// and some check it against their minimum).
pub const TERRAFORM_VERSION: &str = "1.15.0";

/// A provider served by a plugin process.
pub struct PluginProvider {
    plugin: Arc<Plugin>,
}

impl PluginProvider {
    /// The plugin at `path` serving provider `address`.
    pub fn load(path: &Path, address: &str) -> Result<PluginProvider, String> {
        Ok(PluginProvider {
            plugin: Arc::new(Plugin::load(path, address)?),
        })
    }

    /// Another handle on an already loaded plugin (the same process).
    pub fn from_plugin(plugin: Arc<Plugin>) -> PluginProvider {
        PluginProvider { plugin }
    }

    /// The plugin behind this provider.
    pub fn plugin(&self) -> &Arc<Plugin> {
        &self.plugin
    }

    /// Runs one call on the plugin runtime with the started plugin; a failed call becomes
    /// the engine's diagnostic (a crash says so).
    async fn call<T, F, Fut>(&self, method: &'static str, f: F) -> Result<T, Diagnostics>
    where
        F: FnOnce(crate::rpc::Rpc) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<T, tonic::Status>> + Send + 'static,
        T: Send + 'static,
    {
        let plugin = self.plugin.clone();
        on_runtime(async move {
            let conn = plugin.connection().await?;
            match f(conn.rpc.clone()).await {
                Ok(r) => Ok(r),
                Err(status) => Err(plugin.call_failed(&conn, method, status).await),
            }
        })
        .await
    }

    fn ty(&self, data: bool, type_name: &str) -> Arc<autostack_value::Type> {
        self.plugin.value_type(data, type_name)
    }

    /// A value from the plugin with its schema's sensitive attributes marked (marks never
    /// cross the wire; the engine needs them to redact plans and record
    /// `sensitive_attributes`).
    fn marked(&self, data: bool, type_name: &str, v: Value) -> Value {
        let schema = &self.plugin.schema;
        let map = if data {
            &schema.data_sources
        } else {
            &schema.resources
        };
        match map.get(type_name) {
            Some(s) if has_sensitive(&s.block) && !v.is_null() => {
                autostack_provider_sdk::conform::conform_value(&s.block, &v).unwrap_or(v)
            }
            _ => v,
        }
    }
}

fn has_sensitive(b: &autostack_provider_sdk::Block) -> bool {
    b.attributes.values().any(|a| a.sensitive)
        || b.blocks.values().any(|nb| has_sensitive(&nb.block))
}

/// Errors as `Err`, warnings dropped (the engine has no channel for a provider's warnings
/// on success yet).
fn check(ds: &[v6::Diagnostic]) -> Result<(), Diagnostics> {
    let d = diagnostics(ds);
    if d.has_errors() {
        Err(d)
    } else {
        Ok(())
    }
}

#[async_trait::async_trait]
impl Provider for PluginProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.plugin.schema
    }

    async fn configure(&mut self, req: ConfigureRequest) -> Result<(), Diagnostics> {
        let ty = self.plugin.schema.provider.value_type();
        let config = dynamic(&req.config, &ty);
        let c = config.clone();
        check(
            &self
                .call("ValidateProviderConfig", |rpc| async move {
                    rpc.validate_provider(c).await
                })
                .await?,
        )?;
        let req = v6::configure_provider::Request {
            terraform_version: TERRAFORM_VERSION.to_string(),
            config: Some(config),
            client_capabilities: Some(v6::ClientCapabilities::default()),
        };
        let r = self
            .call("ConfigureProvider", |rpc| async move {
                rpc.configure(req).await
            })
            .await?;
        check(&r.diagnostics)
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        let Some(conn) = self.plugin.started() else {
            return Diagnostics::new();
        };
        let ty = self.ty(false, req.type_name);
        let msg = v6::validate_resource_config::Request {
            type_name: req.type_name.to_string(),
            config: Some(dynamic(req.config, &ty)),
            client_capabilities: Some(v6::ClientCapabilities::default()),
        };
        match block_on(async move { conn.rpc.validate_resource(msg).await }) {
            Ok(r) => diagnostics(&r.diagnostics),
            // A broken plugin shows itself on the plan call that follows, with its logs.
            Err(_) => Diagnostics::new(),
        }
    }

    async fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, Diagnostics> {
        let ty = self.ty(false, req.type_name);
        let msg = v6::plan_resource_change::Request {
            type_name: req.type_name.to_string(),
            prior_state: Some(req.prior.map_or_else(|| null(&ty), |p| dynamic(p, &ty))),
            proposed_new_state: Some(dynamic(req.proposed, &ty)),
            config: Some(dynamic(req.config, &ty)),
            prior_private: req.prior_private.as_bytes().to_vec(),
            provider_meta: None,
            client_capabilities: Some(v6::ClientCapabilities::default()),
        };
        let r = self
            .call(
                "PlanResourceChange",
                |rpc| async move { rpc.plan(msg).await },
            )
            .await?;
        check(&r.diagnostics)?;
        self.plugin.note_legacy(req.type_name, r.legacy_type_system);
        Ok(PlanResponse {
            planned: self.marked(
                false,
                req.type_name,
                value(r.planned_state.as_ref(), &ty, "planned state")?,
            ),
            requires_replace: r.requires_replace.iter().map(path_steps).collect(),
            planned_private: Private::new(r.planned_private),
        })
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> Result<ApplyResponse, ApplyError> {
        let ty = self.ty(false, req.type_name);
        let encode = |v: Option<&Value>| Some(v.map_or_else(|| null(&ty), |v| dynamic(v, &ty)));
        let msg = v6::apply_resource_change::Request {
            type_name: req.type_name.to_string(),
            prior_state: encode(req.prior),
            planned_state: encode(req.planned),
            config: encode(req.planned.map(|_| req.config)),
            planned_private: req.private.as_bytes().to_vec(),
            provider_meta: None,
        };
        let r = self
            .call(
                "ApplyResourceChange",
                |rpc| async move { rpc.apply(msg).await },
            )
            .await?;
        self.plugin.note_legacy(req.type_name, r.legacy_type_system);
        let new_state = self.marked(
            false,
            req.type_name,
            value(r.new_state.as_ref(), &ty, "new state")?,
        );
        let new_state = (!new_state.is_null()).then_some(new_state);
        let d = diagnostics(&r.diagnostics);
        if d.has_errors() {
            return Err(ApplyError {
                diags: d,
                partial: new_state,
            });
        }
        Ok(ApplyResponse {
            new_state,
            private: Private::new(r.private),
        })
    }

    /// No intent is journaled before a plugin's create: a plugin cannot look an object up by
    /// AutoStack's token, so an intent could never be resolved and would block every later
    /// command. A create killed mid-call is then lost as it is with Terraform.
    fn state_only(&self, _type_name: &str) -> bool {
        true
    }

    fn legacy_type_system(&self, type_name: &str) -> bool {
        self.plugin.is_legacy(type_name)
    }

    async fn recover(&self, req: RecoverRequest<'_>) -> Result<Option<Instance>, Diagnostics> {
        Err(Diagnostic::error(
            "Cannot recover an interrupted create",
            format!("A create of a {} through provider {:?} was interrupted. Plugin providers cannot look an object up by AutoStack's intent token, so whether it was made is unknown: check, and import it if it exists.", req.type_name, self.plugin.address),
            None,
        )
        .into())
    }

    async fn read_many(&self, req: ReadRequest<'_>) -> Vec<ReadResult> {
        let ty = self.ty(false, req.type_name);
        let reads = req.current.into_iter().map(|inst| {
            let msg = v6::read_resource::Request {
                type_name: req.type_name.to_string(),
                current_state: Some(dynamic(&inst.state, &ty)),
                private: inst.private.as_bytes().to_vec(),
                provider_meta: None,
                client_capabilities: Some(v6::ClientCapabilities::default()),
            };
            let ty = ty.clone();
            async move {
                let r = self
                    .call("ReadResource", |rpc| async move { rpc.read(msg).await })
                    .await?;
                check(&r.diagnostics)?;
                let state = self.marked(
                    false,
                    req.type_name,
                    value(r.new_state.as_ref(), &ty, "refreshed state")?,
                );
                Ok((!state.is_null())
                    .then(|| Instance::new(state).with_private(Private::new(r.private))))
            }
        });
        futures::future::join_all(reads).await
    }

    async fn import(&self, req: ImportRequest<'_>) -> Result<Instance, Diagnostics> {
        let ty = self.ty(false, req.type_name);
        let msg = v6::import_resource_state::Request {
            type_name: req.type_name.to_string(),
            id: req.id.to_string(),
            client_capabilities: Some(v6::ClientCapabilities::default()),
        };
        let r = self
            .call(
                "ImportResourceState",
                |rpc| async move { rpc.import(msg).await },
            )
            .await?;
        check(&r.diagnostics)?;
        let Some(imported) = r
            .imported_resources
            .into_iter()
            .find(|i| i.type_name == req.type_name)
        else {
            return Err(Diagnostic::error("Cannot import non-existent remote object", format!("While attempting to import an existing object to {:?}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource.", req.type_name), None).into());
        };
        let state = value(imported.state.as_ref(), &ty, "imported state")?;
        let inst = Instance::new(state).with_private(Private::new(imported.private));
        let read = self
            .read_many(ReadRequest::new(req.type_name, vec![inst]))
            .await;
        match read.into_iter().next() {
            Some(Ok(Some(inst))) => Ok(inst),
            Some(Err(d)) => Err(d),
            _ => Err(Diagnostic::error(
                "Cannot import non-existent remote object",
                format!(
                    "The provider found no {} with id {:?}.",
                    req.type_name, req.id
                ),
                None,
            )
            .into()),
        }
    }

    fn upgrade_state(
        &self,
        type_name: &str,
        version: u64,
        attributes_json: &str,
    ) -> Option<Result<Value, Diagnostics>> {
        let ty = self.ty(false, type_name);
        let plugin = self.plugin.clone();
        let msg = v6::upgrade_resource_state::Request {
            type_name: type_name.to_string(),
            version: i64::try_from(version).unwrap_or(0),
            raw_state: Some(v6::RawState {
                json: attributes_json.as_bytes().to_vec(),
                flatmap: Default::default(),
            }),
        };
        let r = block_on(async move {
            let conn = plugin.connection().await?;
            match conn.rpc.upgrade(msg).await {
                Ok(r) => Ok(r),
                Err(status) => Err(plugin
                    .call_failed(&conn, "UpgradeResourceState", status)
                    .await),
            }
        });
        Some(r.and_then(|r| {
            check(&r.diagnostics)?;
            let v = value(r.upgraded_state.as_ref(), &ty, "upgraded state")?;
            Ok(self.marked(false, type_name, v))
        }))
    }

    fn function(&self, name: &str) -> Option<FunctionSignature> {
        crate::functions::signature(&self.plugin, name)
    }

    fn call_function(&self, name: &str, args: &[Value]) -> Result<Value, FunctionError> {
        crate::functions::call(&self.plugin, name, args)
    }

    async fn move_state(&self, req: MoveStateRequest<'_>) -> Result<Instance, Diagnostics> {
        let ty = self.ty(false, req.target_type);
        let msg = v6::move_resource_state::Request {
            source_provider_address: req.source_provider.to_string(),
            source_type_name: req.source_type.to_string(),
            source_schema_version: i64::try_from(req.source_version).unwrap_or(0),
            source_state: Some(v6::RawState {
                json: req.source_json.as_bytes().to_vec(),
                flatmap: Default::default(),
            }),
            target_type_name: req.target_type.to_string(),
            source_private: req.source_private.as_bytes().to_vec(),
        };
        let r = self
            .call("MoveResourceState", |rpc| async move {
                rpc.move_state(msg).await
            })
            .await?;
        check(&r.diagnostics)?;
        let state = value(r.target_state.as_ref(), &ty, "moved state")?;
        if state.is_null() || !state.is_wholly_known() {
            let why = if state.is_null() {
                "a null object"
            } else {
                "unknown values"
            };
            return Err(Diagnostic::error("Provider returned invalid value", format!("The provider {} returned an invalid value during an across type move operation: The returned state contains {why}. This is a bug in the relevant provider; Please report it.", self.plugin.address), None).into());
        }
        let state = self.marked(false, req.target_type, state);
        Ok(Instance::new(state).with_private(Private::new(r.target_private)))
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, Diagnostics> {
        let ty = self.ty(true, req.type_name);
        let msg = v6::read_data_source::Request {
            type_name: req.type_name.to_string(),
            config: Some(dynamic(req.config, &ty)),
            provider_meta: None,
            client_capabilities: Some(v6::ClientCapabilities::default()),
        };
        let r = self
            .call(
                "ReadDataSource",
                |rpc| async move { rpc.read_data(msg).await },
            )
            .await?;
        check(&r.diagnostics)?;
        Ok(self.marked(
            true,
            req.type_name,
            value(r.state.as_ref(), &ty, "data source state")?,
        ))
    }
}
