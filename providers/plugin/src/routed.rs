//! A native provider and the plugin of the same address behind one provider configuration:
//! the native provider serves the types it has (the fast path), the plugin every type it
//! lacks. Both are configured from the same `provider` block; the plugin only when a type
//! of its own is first used, so configurations the native provider covers never start it.

use crate::adapter::PluginProvider;
use autostack_provider_sdk::objects::ObjectStore;
use autostack_provider_sdk::request::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportRequest, Instance, MoveStateRequest,
    PlanRequest, PlanResponse, ReadDataRequest, ReadRequest, ReadResult, RecoverRequest,
    ValidateRequest,
};
use autostack_provider_sdk::{
    ApplyError, FunctionError, FunctionSignature, Provider, ProviderSchema,
};
use autostack_value::{Diagnostics, Value};
use std::sync::Arc;

/// Native types natively, the rest through the plugin.
pub struct Routed {
    native: Box<dyn Provider>,
    plugin: PluginProvider,
    schema: ProviderSchema,
    config: Option<Value>,
    plugin_configured: tokio::sync::OnceCell<()>,
}

impl Routed {
    /// Routes between `native` and `plugin`: the schema is the native one plus the plugin's
    /// types the native provider lacks.
    pub fn new(native: Box<dyn Provider>, plugin: PluginProvider) -> Routed {
        let mut schema = native.schema().clone();
        let theirs = plugin.schema();
        for (k, s) in &theirs.resources {
            schema
                .resources
                .entry(k.clone())
                .or_insert_with(|| s.clone());
        }
        for (k, s) in &theirs.data_sources {
            schema
                .data_sources
                .entry(k.clone())
                .or_insert_with(|| s.clone());
        }
        for (k, f) in &theirs.functions {
            schema
                .functions
                .entry(k.clone())
                .or_insert_with(|| f.clone());
        }
        schema.move_resource_state |= theirs.move_resource_state;
        if schema.provider.attributes.is_empty() && schema.provider.blocks.is_empty() {
            schema.provider = theirs.provider.clone();
        }
        Routed {
            native,
            plugin,
            schema,
            config: None,
            plugin_configured: tokio::sync::OnceCell::new(),
        }
    }

    fn native_has(&self, ty: &str, data: bool) -> bool {
        let s = self.native.schema();
        if data {
            s.data_sources.contains_key(ty)
        } else {
            s.resources.contains_key(ty)
        }
    }

    /// The plugin, configured on first use.
    async fn plugin(&self) -> Result<&PluginProvider, Diagnostics> {
        self.plugin_configured
            .get_or_try_init(|| async {
                let config = self
                    .config
                    .clone()
                    .unwrap_or_else(|| self.schema.provider.empty_value());
                // `configure` needs `&mut`; the adapter keeps no state it changes, so a
                // shared handle to the same plugin process configures it.
                let mut handle = PluginProvider::from_plugin(self.plugin.plugin().clone());
                handle.configure(ConfigureRequest::new(config)).await
            })
            .await?;
        Ok(&self.plugin)
    }
}

#[async_trait::async_trait]
impl Provider for Routed {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&mut self, req: ConfigureRequest) -> Result<(), Diagnostics> {
        self.config = Some(req.config.clone());
        self.native.configure(req).await
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        if self.native_has(req.type_name, false) {
            self.native.validate(req)
        } else {
            self.plugin.validate(req)
        }
    }

    async fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, Diagnostics> {
        if self.native_has(req.type_name, false) {
            return self.native.plan(req).await;
        }
        self.plugin().await?.plan(req).await
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> Result<ApplyResponse, ApplyError> {
        if self.native_has(req.type_name, false) {
            return self.native.apply(req).await;
        }
        self.plugin().await?.apply(req).await
    }

    fn state_only(&self, type_name: &str) -> bool {
        if self.native_has(type_name, false) {
            self.native.state_only(type_name)
        } else {
            self.plugin.state_only(type_name)
        }
    }

    fn legacy_type_system(&self, type_name: &str) -> bool {
        !self.native_has(type_name, false) && self.plugin.legacy_type_system(type_name)
    }

    async fn recover(&self, req: RecoverRequest<'_>) -> Result<Option<Instance>, Diagnostics> {
        if self.native_has(req.type_name, false) {
            return self.native.recover(req).await;
        }
        self.plugin.recover(req).await
    }

    async fn read_many(&self, req: ReadRequest<'_>) -> Vec<ReadResult> {
        if self.native_has(req.type_name, false) {
            return self.native.read_many(req).await;
        }
        match self.plugin().await {
            Ok(p) => p.read_many(req).await,
            Err(d) => req.current.iter().map(|_| Err(d.clone())).collect(),
        }
    }

    async fn import(&self, req: ImportRequest<'_>) -> Result<Instance, Diagnostics> {
        if self.native_has(req.type_name, false) {
            return self.native.import(req).await;
        }
        self.plugin().await?.import(req).await
    }

    async fn object_store(
        &self,
        type_name: &str,
        state: &Value,
    ) -> Result<Option<Arc<dyn ObjectStore>>, Diagnostics> {
        match self.native_has(type_name, false) {
            true => self.native.object_store(type_name, state).await,
            false => Ok(None),
        }
    }

    fn upgrade_state(
        &self,
        type_name: &str,
        version: u64,
        attrs: &str,
    ) -> Option<Result<Value, Diagnostics>> {
        if self.native_has(type_name, false) {
            return self.native.upgrade_state(type_name, version, attrs);
        }
        self.plugin.upgrade_state(type_name, version, attrs)
    }

    fn function(&self, name: &str) -> Option<FunctionSignature> {
        self.native
            .function(name)
            .or_else(|| self.plugin.function(name))
    }

    fn call_function(&self, name: &str, args: &[Value]) -> Result<Value, FunctionError> {
        match self.native.function(name) {
            Some(_) => self.native.call_function(name, args),
            None => self.plugin.call_function(name, args),
        }
    }

    async fn move_state(&self, req: MoveStateRequest<'_>) -> Result<Instance, Diagnostics> {
        if self.native_has(req.target_type, false) {
            return self.native.move_state(req).await;
        }
        self.plugin.move_state(req).await
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, Diagnostics> {
        if self.native_has(req.type_name, true) {
            return self.native.read_data(req).await;
        }
        self.plugin().await?.read_data(req).await
    }
}
