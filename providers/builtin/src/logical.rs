//! Resources that exist only in the state (random values, timestamps, `terraform_data`):
//! creating one computes its values, and there is nothing remote to update, read or delete.

use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::{
    plan_by_schema, ApplyError, PlannedChange, ResourceSchema, ResourceType,
};

/// What a state-only resource type defines; [`Logical`] turns it into a `ResourceType`.
#[async_trait]
pub trait StateOnly: Send + Sync {
    /// The Terraform type name.
    fn name(&self) -> &'static str;
    /// The schema.
    fn schema(&self) -> ResourceSchema;
    /// Computes the object's values.
    async fn create(&self, planned: &Value) -> Result<Value, ApplyError>;
    /// Plans a change; the default is the schema-driven plan.
    async fn plan(
        &self,
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        Ok(plan_by_schema(schema, prior, config))
    }
    /// Applies an in-place change; by default the planned values are the new state.
    async fn update(&self, _prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        Ok(planned.clone())
    }
    /// Rebuilds an object from an ID, where the real provider supports import.
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error(
            "Resource Import Not Implemented",
            format!("{} does not support import (ID {id:?}).", self.name()),
            None,
        )
        .into())
    }
}

/// A state-only resource type as a provider resource type.
pub struct Logical<R>(pub R);

#[async_trait]
impl<R: StateOnly> ResourceType<()> for Logical<R> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn schema(&self) -> ResourceSchema {
        self.0.schema()
    }

    async fn plan(
        &self,
        _: &(),
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        self.0.plan(schema, prior, config).await
    }

    async fn create(&self, _: &(), planned: &Value) -> Result<Value, ApplyError> {
        self.0.create(planned).await
    }

    async fn update(&self, _: &(), prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        self.0.update(prior, planned).await
    }

    async fn delete(&self, _: &(), _prior: &Value) -> Result<(), ApplyError> {
        Ok(())
    }

    async fn read(&self, _: &(), current: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(current.clone()))
    }

    async fn import(&self, _: &(), id: &str) -> Result<Value, Diagnostics> {
        self.0.import(id).await
    }
}
