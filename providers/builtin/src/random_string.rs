//! `random_string` (hashicorp/random): a random string of letters, digits and special
//! characters; `id` and `result` hold the string.

use crate::common::{string, with};
use crate::random_chars;
use crate::state_only::Making;
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, PlanResponse, ResourceSchema};
use autostack_value::{Diagnostics, Value};

/// The `random_string` resource type.
pub struct RandomString;

#[async_trait]
impl Making for RandomString {
    fn replaced_by(&self) -> (&'static str, &'static str) {
        (
            "keepers",
            "Arbitrary values whose change forces a new result.",
        )
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

    fn plan(
        &self,
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlanResponse, Diagnostics> {
        random_chars::plan(schema, prior, config)
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        let params = random_chars::params(planned)?;
        let result = random_chars::generate(&params)
            .map_err(|e| ApplyError::new("Random string generation failed", e))?;
        Ok(with(
            planned,
            [("id", string(result.clone())), ("result", string(result))],
        ))
    }

    /// Imports by the string itself.
    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        Ok(random_chars::imported(id, id))
    }
}
