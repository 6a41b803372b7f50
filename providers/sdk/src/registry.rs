//! A provider built from one file per resource type: [`ResourceType`]s and [`DataSource`]s
//! registered with a client factory. The registry holds what every type would otherwise
//! repeat: planning by the provider's [`Planning`] mode, reading the object back through
//! `read_many` after a create, an update, an import or a recovery (so a type's create returns
//! only what the cloud told it, at least the new ID), finding an interrupted create by its
//! token, and carrying private data through. Helpers for types' reads are in [`crate::reads`].

use crate::attrs::{with_attr, Obj};
use crate::objects::ObjectStore;
use crate::plan::Planning;
use crate::private::Private;
use crate::provider::{ApplyError, Provider};
use crate::request::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportRequest, Instance, PlanRequest,
    PlanResponse, ReadDataRequest, ReadRequest, ReadResult, RecoverRequest, ValidateRequest,
};
use crate::schema::{Block, ProviderSchema, ResourceSchema};
use async_trait::async_trait;
use autostack_value::{Diagnostic, Diagnostics, Type, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

/// What a create or update is given: the values it changes and what else it may read.
#[derive(Debug, Clone, Copy)]
pub struct ChangeCtx<'a> {
    /// The prior state (null for a create).
    pub prior: &'a Value,
    /// The planned new state.
    pub planned: &'a Value,
    /// The resource's configuration (arguments a plan does not keep as written, such as
    /// hashed ones, are read from it).
    pub config: &'a Value,
    /// The planned private data.
    pub private: &'a Private,
    /// The create's intent token (see [`ApplyRequest::token`]); unique per create, empty for
    /// updates, deletes and the creates of [`ResourceType::state_only`] types.
    pub token: &'a str,
}

/// What a resource type plans from.
#[derive(Debug, Clone)]
pub struct PlanCtx<'a> {
    /// The request.
    pub req: &'a PlanRequest<'a>,
    /// The type's schema.
    pub schema: &'a ResourceSchema,
    /// The provider's default plan of the request (a null plan for types that plan alone:
    /// see [`ResourceType::plans_alone`]).
    pub planned: PlanResponse,
    /// How the provider plans (to plan again from other values).
    pub planning: Planning<'a>,
}

impl PlanCtx<'_> {
    /// The prior state (`None` for a create).
    pub fn prior(&self) -> Option<&Value> {
        self.req.prior
    }

    /// The proposed new state (the configuration, ignored attributes kept).
    pub fn proposed(&self) -> &Value {
        self.req.proposed
    }

    /// The provider's default plan of `proposed` over `prior` instead (a normalized
    /// configuration, or a fresh object for a replacement).
    pub fn plan_from(&self, prior: Option<&Value>, proposed: &Value) -> PlanResponse {
        let req = PlanRequest {
            prior,
            proposed,
            ..*self.req
        };
        self.planning.plan(self.schema, &req)
    }
}

/// One object's read, as a resource type returns it.
pub type ValueRead = Result<Option<Value>, Diagnostics>;

/// One managed resource type of a provider whose API client is `C`.
#[async_trait]
pub trait ResourceType<C: Send + Sync>: Send + Sync {
    /// The Terraform type name (`aws_instance`).
    fn name(&self) -> &'static str;
    /// The schema.
    fn schema(&self) -> ResourceSchema;
    /// True when its objects live only in the state (see [`Provider::state_only`]).
    fn state_only(&self) -> bool {
        false
    }
    /// Checks a configuration beyond its schema (see [`Provider::validate`]); values unknown
    /// until apply are left alone.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// True when [`ResourceType::plan`] never reads [`PlanCtx::planned`] (it plans from the
    /// request alone): the provider's default plan is then not computed, and `planned` is a
    /// null plan.
    fn plans_alone(&self) -> bool {
        false
    }
    /// Adjusts the provider's default plan of the request (see [`ClientFactory::planning`]);
    /// the default keeps it.
    async fn plan(&self, _client: &C, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        Ok(p.planned)
    }
    /// Creates the object described by `ctx.planned` and returns the value to read it back
    /// from (the planned value with at least the new ID); a failure after the cloud made the
    /// object carries that value as its partial state (see [`crate::errors::settle`]).
    async fn create(&self, client: &C, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError>;
    /// Updates the object in place and returns the value to read it back from. The default
    /// serves state-only types: the planned value is the new object.
    async fn update(&self, _client: &C, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        match self.state_only() {
            true => Ok(ctx.planned.clone()),
            false => Err(not_implemented("update", self.name()).into()),
        }
    }
    /// Deletes the object. The default serves state-only types: forgetting it is enough.
    async fn delete(&self, _client: &C, _prior: &Value) -> Result<(), ApplyError> {
        match self.state_only() {
            true => Ok(()),
            false => Err(not_implemented("delete", self.name()).into()),
        }
    }
    /// Reads objects' current state, one result per object (`None`: gone). Clouds batch
    /// their describe calls here; the default serves state-only types, whose objects are
    /// what the state says.
    async fn read_many(&self, _client: &C, current: &[Value]) -> Vec<ValueRead> {
        let unread = || not_implemented("read", self.name());
        current
            .iter()
            .map(|v| match self.state_only() {
                true => Ok(Some(v.clone())),
                false => Err(unread()),
            })
            .collect()
    }
    /// The objects an instance holds (see [`Provider::object_store`]); `None` by default.
    fn object_store(&self, _client: &C, _state: &Value) -> Option<Arc<dyn ObjectStore>> {
        None
    }
    /// True when a create marks the object with its token in a way the client factory's
    /// [`ClientFactory::find_by_token`] looks up (EC2's intent tag): recovery then needs
    /// nothing from the type.
    fn recovers_by_token(&self) -> bool {
        false
    }
    /// True when what [`ResourceType::recover`] returns is read back before it is recorded
    /// (a lookup seed); false when it is the state to record as it is (a local file whose
    /// write was cut short is still the create's object: recorded, the next refresh reads it
    /// as gone and the apply writes it again).
    fn reads_back_recovered(&self) -> bool {
        true
    }
    /// Finds what a create of `planned` with `token` made before a crash (see
    /// [`Provider::recover`]) and returns the value to read it back from. Types whose objects
    /// live outside the state and are not found by token implement it (by deterministic name,
    /// for example); the default serves state-only types, whose interrupted creates left
    /// nothing behind (nothing read their value either: dependents start only after a create
    /// is journaled), so the next apply simply makes them again.
    async fn recover(&self, _client: &C, _planned: &Value, _token: &str) -> ValueRead {
        match self.state_only() {
            true => Ok(None),
            false => Err(Diagnostic::error(
                "Cannot recover an interrupted create",
                format!("Resource type {} cannot look up what an interrupted create made; check it by hand before the next apply.", self.name()),
                None,
            )
            .into()),
        }
    }
    /// Builds the value to read an existing object back from, given its ID (usually
    /// [`crate::attrs::import_base`] with the ID).
    async fn import(&self, _client: &C, id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Resource Import Not Implemented",
            format!(
                "This resource type ({}) does not support import (ID {id:?}).",
                self.name()
            ),
            None,
        )
        .into())
    }
}

fn not_implemented(what: &str, type_name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Resource {what} not implemented"),
        format!("Resource type {type_name} does not implement {what}."),
        None,
    )
    .into()
}

/// One data source of a provider whose API client is `C`.
#[async_trait]
pub trait DataSource<C: Send + Sync>: Send + Sync {
    /// The Terraform type name.
    fn name(&self) -> &'static str;
    /// The schema.
    fn schema(&self) -> ResourceSchema;
    /// Reads the data.
    async fn read(&self, client: &C, config: &Value) -> Result<Value, Diagnostics>;
}

/// Builds a provider's API client from its configuration.
#[async_trait]
pub trait ClientFactory: Send + Sync {
    /// The client type.
    type Client: Send + Sync + 'static;
    /// The `provider` block's schema.
    fn config_schema(&self) -> Block;
    /// Makes a client from the configuration (credentials, region, endpoints).
    async fn configure(&self, config: &Value) -> Result<Self::Client, Diagnostics>;
    /// How this provider plans by default (legacy-SDK zero values, tag merging) with
    /// `client`'s configuration; the default plans by schema alone.
    fn planning<'c>(&self, _client: &'c Self::Client) -> Planning<'c> {
        Planning::default()
    }
    /// The ID of the object a create marked with `token`, if any (see
    /// [`ResourceType::recovers_by_token`]).
    async fn find_by_token(
        &self,
        _client: &Self::Client,
        _token: &str,
    ) -> Result<Option<String>, Diagnostics> {
        Ok(None)
    }
}

/// A provider assembled from a client factory and registered types.
pub struct Registry<F: ClientFactory> {
    factory: F,
    schema: ProviderSchema,
    resources: HashMap<&'static str, Arc<dyn ResourceType<F::Client>>>,
    data: HashMap<&'static str, Arc<dyn DataSource<F::Client>>>,
    client: Option<Arc<F::Client>>,
}

impl<F: ClientFactory> Registry<F> {
    /// An empty registry around a client factory.
    pub fn new(factory: F) -> Self {
        let schema = ProviderSchema {
            provider: factory.config_schema(),
            ..ProviderSchema::default()
        };
        Registry {
            factory,
            schema,
            resources: HashMap::new(),
            data: HashMap::new(),
            client: None,
        }
    }

    /// Registers a resource type.
    pub fn resource(mut self, r: impl ResourceType<F::Client> + 'static) -> Self {
        self.schema
            .resources
            .insert(r.name().to_string(), r.schema());
        self.resources.insert(r.name(), Arc::new(r));
        self
    }

    /// Registers a data source.
    pub fn data_source(mut self, d: impl DataSource<F::Client> + 'static) -> Self {
        self.schema
            .data_sources
            .insert(d.name().to_string(), d.schema());
        self.data.insert(d.name(), Arc::new(d));
        self
    }

    /// A registered resource type with its schema, for types built from others (the
    /// portable types drive the concrete types of the cloud they are bound to).
    pub fn resource_type(&self, name: &str) -> Option<Typed<F::Client>> {
        let r = self.resources.get(name)?;
        Some((r.clone(), self.schema.resources.get(name)?.clone()))
    }

    fn parts(&self, type_name: &str) -> Result<Parts<'_, F::Client>, Diagnostics> {
        let r = self
            .resources
            .get(type_name)
            .ok_or_else(|| unsupported("resource type", type_name))?;
        let c = self.client.as_deref().ok_or_else(unconfigured)?;
        Ok((r, c))
    }
}

fn unsupported(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Invalid {kind}"),
        format!("The provider does not support {kind} {name:?}."),
        None,
    )
    .into()
}

fn unconfigured() -> Diagnostics {
    Diagnostic::error(
        "Provider not configured",
        "The provider was used before its configuration was applied.",
        None,
    )
    .into()
}

/// Reads `seed` (what a create, update, import or recovery returned) back through the
/// type's `read_many`, as the cloud now reports it; `None`: nothing answers to it.
pub async fn read_back<C: Send + Sync>(r: &dyn ResourceType<C>, c: &C, seed: Value) -> ValueRead {
    let mut out = r.read_many(c, std::slice::from_ref(&seed)).await;
    out.pop().unwrap_or(Ok(None))
}

/// The state after a create (`created`) or update: the object read back. A create whose
/// object cannot be read keeps it as the partial state, so it is recorded tainted.
pub async fn after_change<C: Send + Sync>(
    r: &dyn ResourceType<C>,
    c: &C,
    made: Value,
    created: bool,
) -> Result<Value, ApplyError> {
    let partial = |e: ApplyError| match created {
        true => e.with_partial(Obj::from(&made).finish()),
        false => e,
    };
    match read_back(r, c, made.clone()).await {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(partial(ApplyError::new(
            "Object vanished after apply",
            format!("The {} object was not found when read back after it was changed; it may have been deleted outside Terraform.", r.name()),
        ))),
        Err(d) => Err(partial(ApplyError::from(d))),
    }
}

/// What an interrupted create of `planned` with `token` made (see [`Provider::recover`]):
/// found by `token` through `by_token` for types that recover by token, else by the type's
/// own `recover`; then read back when the type says so. `None`: the create made nothing
/// (it never reached the cloud, or what it found is gone), so the next apply makes it.
pub async fn recover_made<C: Send + Sync, Fut>(
    r: &dyn ResourceType<C>,
    c: &C,
    planned: &Value,
    token: &str,
    by_token: impl FnOnce() -> Fut,
) -> ValueRead
where
    Fut: Future<Output = Result<Option<String>, Diagnostics>>,
{
    let seed = match r.recovers_by_token() {
        true => (by_token().await?).map(|id| with_attr(planned, "id", Value::string(id))),
        false => r.recover(c, planned, token).await?,
    };
    match seed {
        Some(seed) if r.reads_back_recovered() || r.recovers_by_token() => {
            read_back(r, c, seed).await
        }
        found => Ok(found),
    }
}

#[async_trait]
impl<F: ClientFactory> Provider for Registry<F> {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&mut self, req: ConfigureRequest) -> Result<(), Diagnostics> {
        self.client = Some(Arc::new(self.factory.configure(&req.config).await?));
        Ok(())
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Diagnostics {
        match self.resources.get(req.type_name) {
            Some(r) => r.validate(req.config),
            None => Diagnostics::new(),
        }
    }

    async fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, Diagnostics> {
        let (r, c) = self.parts(req.type_name)?;
        let schema = &self.schema.resources[req.type_name];
        let planning = self.factory.planning(c);
        let planned = match r.plans_alone() {
            true => PlanResponse::new(Value::Null(Type::Dynamic)),
            false => planning.plan(schema, &req),
        };
        let ctx = PlanCtx {
            req: &req,
            schema,
            planned,
            planning,
        };
        r.plan(c, ctx).await
    }

    async fn apply(&self, req: ApplyRequest<'_>) -> Result<ApplyResponse, ApplyError> {
        let (r, c) = self.parts(req.type_name)?;
        // Only a create of a type with something outside the state uses the token.
        let creates = req.prior.is_none() && req.planned.is_some() && !r.state_only();
        let token = match req.token {
            Some(t) => t.to_string(),
            None if creates => uuid::Uuid::new_v4().to_string(),
            None => String::new(),
        };
        // A create's prior and a delete's planned value are null.
        static NULL: Value = Value::Null(Type::Dynamic);
        let ctx = ChangeCtx {
            prior: req.prior.unwrap_or(&NULL),
            planned: req.planned.unwrap_or(&NULL),
            config: req.config,
            private: req.private,
            token: &token,
        };
        let new_state = match (req.prior, req.planned) {
            (None, Some(_)) => {
                let made = r.create(c, ctx).await?;
                Some(after_change(r.as_ref(), c, made, true).await?)
            }
            (Some(_), Some(_)) => {
                let made = r.update(c, ctx).await?;
                Some(after_change(r.as_ref(), c, made, false).await?)
            }
            (Some(old), None) => r.delete(c, old).await.map(|()| None)?,
            (None, None) => None,
        };
        Ok(ApplyResponse {
            new_state,
            private: req.private.clone(),
        })
    }

    fn state_only(&self, type_name: &str) -> bool {
        self.resources
            .get(type_name)
            .is_some_and(|r| r.state_only())
    }

    async fn recover(&self, req: RecoverRequest<'_>) -> Result<Option<Instance>, Diagnostics> {
        let (r, c) = self.parts(req.type_name)?;
        let by_token = || self.factory.find_by_token(c, req.token);
        let made = recover_made(r.as_ref(), c, req.planned, req.token, by_token).await?;
        Ok(made.map(Instance::new))
    }

    async fn read_many(&self, req: ReadRequest<'_>) -> Vec<ReadResult> {
        let (r, c) = match self.parts(req.type_name) {
            Ok(parts) => parts,
            Err(d) => return req.current.iter().map(|_| Err(d.clone())).collect(),
        };
        let values: Vec<Value> = req.current.iter().map(|o| o.state.clone()).collect();
        let read = r.read_many(c, &values).await;
        read.into_iter()
            .zip(req.current)
            .map(|(res, old)| Ok(res?.map(|v| Instance::new(v).with_private(old.private))))
            .collect()
    }

    /// The object as read back; when nothing answers to the ID, the seed itself, so that the
    /// engine's own read finds nothing and reports it with the address being imported.
    async fn import(&self, req: ImportRequest<'_>) -> Result<Instance, Diagnostics> {
        let (r, c) = self.parts(req.type_name)?;
        let seed = r.import(c, req.id).await?;
        let read = read_back(r.as_ref(), c, seed.clone()).await?;
        Ok(Instance::new(read.unwrap_or(seed)))
    }

    async fn object_store(
        &self,
        type_name: &str,
        state: &Value,
    ) -> Result<Option<Arc<dyn ObjectStore>>, Diagnostics> {
        let (r, c) = self.parts(type_name)?;
        Ok(r.object_store(c, state))
    }

    async fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, Diagnostics> {
        let d = self
            .data
            .get(req.type_name)
            .ok_or_else(|| unsupported("data source", req.type_name))?;
        let c = self.client.as_deref().ok_or_else(unconfigured)?;
        d.read(c, req.config).await
    }
}

/// A registered resource type and its schema.
pub type Typed<C> = (Arc<dyn ResourceType<C>>, ResourceSchema);

/// A resource type and the configured client it runs with.
type Parts<'a, C> = (&'a Arc<dyn ResourceType<C>>, &'a C);

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
