//! The provider contract: what the core engine asks of every provider.

use crate::schema::ProviderSchema;
use async_trait::async_trait;
pub use autostack_value::path::{path_string, AttrPath, PathStep};
use autostack_value::{Diagnostic, Diagnostics, Value};

/// The result of planning one resource instance.
#[derive(Debug, Clone)]
pub struct PlannedChange {
    /// The planned new state; unknown where only apply can tell.
    pub planned: Value,
    /// Attribute paths whose change forces replacement.
    pub requires_replace: Vec<AttrPath>,
}

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
/// Values passed in and out conform to the schema's object types. `prior` is `None` for a
/// create; `planned` is the null of the resource type for a delete.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Provider, resource and data source schemas.
    fn schema(&self) -> &ProviderSchema;

    /// Applies the `provider` block's configuration (credentials, region, endpoints, ...).
    async fn configure(&mut self, config: Value) -> Result<(), Diagnostics>;

    /// Provider-specific validation of a resource's configuration beyond its schema
    /// (Terraform's `ValidateResourceConfig`): the engine calls it with each instance's
    /// evaluated configuration before planning it.
    fn validate(&self, _type_name: &str, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Plans the new state of one instance from its prior state and configuration.
    async fn plan(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        proposed: &Value,
    ) -> Result<PlannedChange, Diagnostics>;

    /// Makes the planned change real and returns the new state (`None` after a delete).
    async fn apply(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        planned: Option<&Value>,
    ) -> Result<Option<Value>, ApplyError>;

    /// True when objects of `type_name` live only in the state (random values, timestamps,
    /// `terraform_data`): a create leaves nothing outside it, so the engine journals no
    /// intent (and spends no fsync) before creating one.
    fn state_only(&self, _type_name: &str) -> bool {
        false
    }

    /// Creates the object of `planned`. `token` is unique to this create and was journaled
    /// (with `planned`) before the call: the provider makes the create idempotent with it
    /// where the API allows and leaves on the object what `recover` needs to find it.
    async fn create(
        &self,
        type_name: &str,
        planned: &Value,
        token: &str,
    ) -> Result<Value, ApplyError>;

    /// After a crash: the current state of the object that a create of `planned` with `token`
    /// may have made, or `None` when it made nothing.
    async fn recover(
        &self,
        type_name: &str,
        planned: &Value,
        token: &str,
    ) -> Result<Option<Value>, Diagnostics>;

    /// Reads the current state of an object; `None` when it no longer exists.
    async fn read(&self, type_name: &str, current: &Value) -> Result<Option<Value>, Diagnostics>;

    /// Reads many objects of one type; clouds override this to batch describe calls.
    async fn read_many(
        &self,
        type_name: &str,
        current: &[Value],
    ) -> Vec<Result<Option<Value>, Diagnostics>> {
        let mut out = Vec::with_capacity(current.len());
        for c in current {
            out.push(self.read(type_name, c).await);
        }
        out
    }

    /// Reads an existing object by its cloud ID, for `import`.
    async fn import(&self, type_name: &str, id: &str) -> Result<Value, Diagnostics>;

    /// Reads a data source.
    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics>;
}
