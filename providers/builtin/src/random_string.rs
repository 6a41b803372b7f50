//! `random_string` (hashicorp/random): a random string of letters, digits and special
//! characters; `id` and `result` hold the string.

use crate::common::{string, with};
use crate::random_chars;
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, PlannedChange, ResourceSchema, ResourceType};
use autostack_value::{Diagnostics, Value};

/// The `random_string` resource type.
pub struct RandomString;

#[async_trait]
impl ResourceType<()> for RandomString {
    fn name(&self) -> &'static str {
        "random_string"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 2,
            block: random_chars::block(false),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        random_chars::validate(config).err().unwrap_or_default()
    }

    async fn plan(
        &self,
        _client: &(),
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        random_chars::plan(schema, prior, config)
    }

    async fn create(
        &self,
        _client: &(),
        planned: &Value,
        _token: &str,
    ) -> Result<Value, ApplyError> {
        let params = random_chars::params(planned)?;
        let result = random_chars::generate(&params)
            .map_err(|e| ApplyError::new("Random string generation failed", e))?;
        Ok(with(
            planned,
            [("id", string(result.clone())), ("result", string(result))],
        ))
    }

    async fn update(
        &self,
        _client: &(),
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ApplyError> {
        Ok(planned.clone())
    }

    async fn delete(&self, _client: &(), _prior: &Value) -> Result<(), ApplyError> {
        Ok(())
    }

    fn state_only(&self) -> bool {
        true
    }

    async fn read(&self, _client: &(), current: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(current.clone()))
    }

    /// Imports by the string itself.
    async fn import(&self, _client: &(), id: &str) -> Result<Value, Diagnostics> {
        Ok(random_chars::imported(id, id))
    }
}
