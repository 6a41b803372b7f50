//! `random_uuid` (hashicorp/random): a random version-4 UUID.

use crate::logical::StateOnly;
use crate::util::{string_map, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};

/// The resource type.
pub struct RandomUuid;

#[async_trait]
impl StateOnly for RandomUuid {
    fn name(&self) -> &'static str {
        "random_uuid"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("keepers", Attribute::optional(string_map()).force_new())
                .attr("result", Attribute::computed(Type::String))
                .attr("id", Attribute::computed(Type::String)),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let u = uuid::Uuid::new_v4().to_string();
        Ok(with(
            planned,
            [
                ("result", Value::string(u.clone())),
                ("id", Value::string(u)),
            ],
        ))
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        let u = uuid::Uuid::parse_str(id).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} is not a UUID: {e}."),
                None,
            ))
        })?;
        let s = u.hyphenated().to_string();
        Ok(Value::object_from([
            ("keepers", Value::Null(string_map())),
            ("result", Value::string(s.clone())),
            ("id", Value::string(s)),
        ]))
    }
}
