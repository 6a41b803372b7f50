//! `time_sleep` (hashicorp/time): waits after creation and/or before destruction.

use crate::util::{get, get_str, parse_duration, string_map, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostics, Type, Value};
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema, ResourceType};

/// The resource type.
pub struct TimeSleep;

fn duration_of(v: &Value, k: &str) -> Result<Option<std::time::Duration>, String> {
    if get(v, k).is_null() {
        return Ok(None);
    }
    parse_duration(&get_str(v, k)).map(Some)
}

#[async_trait]
impl ResourceType<()> for TimeSleep {
    fn name(&self) -> &'static str {
        "time_sleep"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("create_duration", Attribute::optional(Type::String))
                .attr("destroy_duration", Attribute::optional(Type::String))
                .attr("triggers", Attribute::optional(string_map()).force_new())
                .attr("id", Attribute::computed(Type::String)),
        }
    }

    async fn create(&self, _: &(), planned: &Value) -> Result<Value, ApplyError> {
        let d = duration_of(planned, "create_duration")
            .map_err(|e| ApplyError::new("Invalid create_duration", e))?;
        if let Some(d) = d {
            tokio::time::sleep(d).await;
        }
        let id = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Ok(with(planned, [("id", Value::string(id))]))
    }

    async fn update(&self, _: &(), _prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        Ok(planned.clone())
    }

    async fn delete(&self, _: &(), prior: &Value) -> Result<(), ApplyError> {
        if let Ok(Some(d)) = duration_of(prior, "destroy_duration") {
            tokio::time::sleep(d).await;
        }
        Ok(())
    }

    async fn read(&self, _: &(), current: &Value) -> Result<Option<Value>, Diagnostics> {
        Ok(Some(current.clone()))
    }
}
