//! `null_resource` (hashicorp/null): does nothing; a `triggers` change forces replacement.

use crate::common::{plan_standard, string, string_map, with};
use async_trait::async_trait;
use autostack_provider_sdk::{
    ApplyError, Attribute, Block, ChangeCtx, PlanCtx, PlanResponse, ResourceSchema, ResourceType,
};
use autostack_value::{Diagnostics, Type, Value};

/// The `null_resource` resource type.
pub struct NullResource;

/// A random non-negative 63-bit decimal, like Go's `fmt.Sprintf("%d", rand.Int())`.
fn random_id() -> String {
    (fastrand::u64(..) >> 1).to_string()
}

#[async_trait]
impl ResourceType<()> for NullResource {
    fn name(&self) -> &'static str {
        "null_resource"
    }

    fn schema(&self) -> ResourceSchema {
        let block = Block::new()
            .attr(
                "id",
                Attribute::computed(Type::String).describe("A random value set at create time."),
            )
            .attr(
                "triggers",
                Attribute::optional(string_map())
                    .describe("Arbitrary strings whose change forces replacement."),
            );
        ResourceSchema { version: 0, block }
    }

    async fn plan(&self, _client: &(), p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (schema, prior, config) = (p.schema, p.prior(), p.proposed());
        Ok(plan_standard(schema, prior, config, &[], Some("triggers")))
    }

    async fn create(
        &self,
        _client: &(),
        planned: &Value,
        _ctx: &ChangeCtx<'_>,
    ) -> Result<Value, ApplyError> {
        Ok(with(planned, [("id", string(random_id()))]))
    }

    fn state_only(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn id_is_a_non_negative_decimal() {
        for _ in 0..50 {
            let id = super::random_id();
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
            assert!(id.parse::<i64>().is_ok());
        }
    }
}
