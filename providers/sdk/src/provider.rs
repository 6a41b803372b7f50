//! The provider contract: what the core engine asks of every provider. Every operation takes
//! a request struct and returns a response (see [`crate::request`]), so configuration, prior
//! and planned state and private data reach the provider wherever Terraform's protocol
//! passes them.

use crate::objects::ObjectStore;
use crate::request::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportRequest, Instance, MoveStateRequest,
    PlanRequest, PlanResponse, ReadDataRequest, ReadRequest, ReadResult, RecoverRequest,
    ValidateRequest,
};
use crate::schema::ProviderSchema;
use async_trait::async_trait;
use autostack_value::function::{FunctionError, FunctionSignature};
pub use autostack_value::path::{path_string, AttrPath, PathStep};
use autostack_value::{Diagnostic, Diagnostics, Value};
use std::sync::Arc;

/// A failed apply: why, and the state the object was left in (if it exists at all).
#[derive(Debug, Clone)]
pub struct ApplyError {
    /// What went wrong.
    pub diags: Diagnostics,
    /// The object's state after the failure: `Some` when something was created and must be
    /// recorded (it will be marked tainted), `None` when nothing exists.
    pub partial: Option<Value>,
}

impl ApplyError {
    /// A failure that left nothing behind.
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> ApplyError {
        ApplyError {
            diags: Diagnostic::error(summary, detail, None).into(),
            partial: None,
        }
    }

    /// Records what exists despite the failure.
    pub fn with_partial(mut self, state: Value) -> ApplyError {
        self.partial = Some(state);
        self
    }
}

impl From<Diagnostics> for ApplyError {
    fn from(diags: Diagnostics) -> ApplyError {
        ApplyError {
            diags,
            partial: None,
        }
    }
}

/// A provider: the adapter between the engine and one cloud (or local resources).
///
/// Values passed in and out conform to the schema's object types.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Provider, resource and data source schemas.
    fn schema(&self) -> &ProviderSchema;

    /// Applies the `provider` block's configuration (credentials, region, endpoints, ...).
    async fn configure(&mut self, req: ConfigureRequest) -> Result<(), Diagnostics>;

    /// Provider-specific validation of a resource's configuration beyond its schema
    /// (Terraform's `ValidateResourceConfig`): the engine calls it with each instance's
    /// evaluated configuration before planning it.
    fn validate(&self, _req: ValidateRequest<'_>) -> Diagnostics {
        Diagnostics::new()
    }

    /// Plans the new state (and private data) of one instance.
    async fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, Diagnostics>;

    /// Makes a planned create, update or delete real. A create carries the intent token
    /// journaled before the call (one entry point for all three: a create is an apply whose
    /// prior is `None`, and the token is simply one more field of its request). On failure,
    /// [`ApplyError::partial`] holds what exists despite it.
    async fn apply(&self, req: ApplyRequest<'_>) -> Result<ApplyResponse, ApplyError>;

    /// True when objects of `type_name` live only in the state (random values, timestamps,
    /// `terraform_data`): a create leaves nothing outside it, so the engine journals no
    /// intent (and spends no fsync) before creating one.
    fn state_only(&self, _type_name: &str) -> bool {
        false
    }

    /// True when `type_name` is served through the legacy type system (plugins built on
    /// Terraform's SDKv2 say so in their plan and apply answers): as Terraform does, the
    /// engine then tolerates planned and applied values that break their plan's promises
    /// (the SDK's shims cannot keep them exactly) and warns instead of failing.
    fn legacy_type_system(&self, _type_name: &str) -> bool {
        false
    }

    /// After a crash: the current object that a create of the request's planned value with
    /// its token may have made, or `None` when it made nothing.
    async fn recover(&self, req: RecoverRequest<'_>) -> Result<Option<Instance>, Diagnostics>;

    /// Reads the current state of objects of one type (one result per object, in order;
    /// `None` for an object that no longer exists).
    async fn read_many(&self, req: ReadRequest<'_>) -> Vec<ReadResult>;

    /// Reads an existing object by its cloud ID, for `import`.
    async fn import(&self, req: ImportRequest<'_>) -> Result<Instance, Diagnostics>;

    /// Reads a data source.
    async fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, Diagnostics>;

    /// The objects held by an instance of `type_name` whose state is `state` (a
    /// `portable_bucket`), for the copy a migration to another cloud makes; `None` for types
    /// that hold no objects.
    async fn object_store(
        &self,
        _type_name: &str,
        _state: &Value,
    ) -> Result<Option<Arc<dyn ObjectStore>>, Diagnostics> {
        Ok(None)
    }

    /// Attributes a state recorded under an older schema version of `type_name`, upgraded to
    /// the current schema (Terraform's `UpgradeResourceState`; `attributes_json` is the state
    /// file's `attributes`). `None`: this provider keeps one schema version and upgrades
    /// nothing.
    fn upgrade_state(
        &self,
        _type_name: &str,
        _version: u64,
        _attributes_json: &str,
    ) -> Option<Result<Value, Diagnostics>> {
        None
    }

    /// The signature of provider-defined function `name`: the schema's, unless the provider
    /// has another way to list its functions (a plugin's `GetFunctions`).
    fn function(&self, name: &str) -> Option<FunctionSignature> {
        self.schema().functions.get(name).cloned()
    }

    /// Calls the provider-defined function `name` (one of [`ProviderSchema::functions`])
    /// with arguments already converted to its parameter types, known (unless the parameter
    /// allows unknowns) and unmarked. Needs no configuration, as in Terraform.
    fn call_function(&self, name: &str, _args: &[Value]) -> Result<Value, FunctionError> {
        Err(FunctionError::new(format!(
            "this provider has no function named {name:?}"
        )))
    }

    /// The object of another resource type a `moved` block brings to a type of this
    /// provider (only when [`ProviderSchema::move_resource_state`] is set), as this type's
    /// state and private data. Needs no configuration, as in Terraform.
    async fn move_state(&self, req: MoveStateRequest<'_>) -> Result<Instance, Diagnostics> {
        Err(Diagnostic::error(
            "Unsupported `moved` across resource types",
            format!(
                "The provider does not support moved operations to {}.",
                req.target_type
            ),
            None,
        )
        .into())
    }
}

/// Reads one object through [`Provider::read_many`].
pub async fn read_one(
    p: &(impl Provider + ?Sized),
    type_name: &str,
    current: Instance,
) -> ReadResult {
    let mut out = p
        .read_many(ReadRequest::new(type_name, vec![current]))
        .await;
    out.pop().unwrap_or(Ok(None))
}
