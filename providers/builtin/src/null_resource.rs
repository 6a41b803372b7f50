//! `null_resource` (hashicorp/null): does nothing; `triggers` changes replace it.

use crate::logical::StateOnly;
use crate::util::{os_random, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};

/// The resource type.
pub struct NullResource;

#[async_trait]
impl StateOnly for NullResource {
    fn name(&self) -> &'static str {
        "null_resource"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("triggers", Attribute::optional(string_map()).force_new()),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        // Like the real provider: a random non-negative 63-bit integer in decimal.
        let b = os_random(8)?;
        let id = u64::from_le_bytes(b.try_into().unwrap_or([0; 8])) >> 1;
        Ok(with(planned, [("id", Value::string(id.to_string()))]))
    }
}
