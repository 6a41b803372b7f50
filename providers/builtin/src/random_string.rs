//! `random_string` (hashicorp/random): a random string of letters, digits and special
//! characters; `id` and `result` hold the string.

use crate::common::{string, with};
use crate::random_chars;
use async_trait::async_trait;
use autostack_provider_sdk::{
    ApplyError, ChangeCtx, PlanCtx, PlanResponse, ResourceSchema, ResourceType,
};
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

    async fn plan(&self, _client: &(), p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (schema, prior, config) = (p.schema, p.prior(), p.proposed());
        random_chars::plan(schema, prior, config)
    }

    async fn create(
        &self,
        _client: &(),
        planned: &Value,
        _ctx: &ChangeCtx<'_>,
    ) -> Result<Value, ApplyError> {
        let params = random_chars::params(planned)?;
        let result = random_chars::generate(&params)
            .map_err(|e| ApplyError::new("Random string generation failed", e))?;
        Ok(with(
            planned,
            [("id", string(result.clone())), ("result", string(result))],
        ))
    }

    fn state_only(&self) -> bool {
        true
    }

    /// Imports by the string itself.
    async fn import(&self, _client: &(), id: &str) -> Result<Value, Diagnostics> {
        Ok(random_chars::imported(id, id))
    }
}
