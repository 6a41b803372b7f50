//! `terraform_data`: stores `input` as `output` and replaces itself when
//! `triggers_replace` changes (Terraform's built-in provider).

use crate::logical::StateOnly;
use crate::util::{get, with};
use async_trait::async_trait;
use autostack_lang::{Diagnostics, Type, Value};
use autostack_provider_sdk::{
    plan_by_schema, same, ApplyError, Attribute, Block, PlannedChange, ResourceSchema,
};

/// The resource type.
pub struct TerraformData;

#[async_trait]
impl StateOnly for TerraformData {
    fn name(&self) -> &'static str {
        "terraform_data"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: Block::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("input", Attribute::optional(Type::Dynamic))
                .attr("output", Attribute::computed(Type::Dynamic))
                .attr(
                    "triggers_replace",
                    Attribute::optional(Type::Dynamic).force_new(),
                ),
        }
    }

    async fn plan(
        &self,
        schema: &ResourceSchema,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<PlannedChange, Diagnostics> {
        let mut pc = plan_by_schema(schema, prior, config);
        // `output` follows `input`, and is known only once applied.
        let input_changed = prior.is_none_or(|p| !same(&get(p, "input"), &get(config, "input")))
            || !pc.requires_replace.is_empty();
        if input_changed {
            pc.planned = with(&pc.planned, [("output", Value::Unknown(Type::Dynamic))]);
        }
        Ok(pc)
    }

    async fn create(&self, planned: &Value) -> Result<Value, ApplyError> {
        let id = uuid::Uuid::new_v4().to_string();
        Ok(with(
            planned,
            [("id", Value::string(id)), ("output", get(planned, "input"))],
        ))
    }

    async fn update(&self, _prior: &Value, planned: &Value) -> Result<Value, ApplyError> {
        Ok(with(planned, [("output", get(planned, "input"))]))
    }
}
