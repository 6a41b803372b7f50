//! `null_resource` (hashicorp/null): does nothing; a `triggers` change forces replacement.

use crate::common::{string, with};
use crate::state_only::{replacer, Making, Replacer};
use async_trait::async_trait;
use autostack_provider_sdk::{ApplyError, Attribute, Block, ResourceSchema};
use autostack_value::{Type, Value};

/// The `null_resource` resource type.
pub struct NullResource;

/// A random non-negative 63-bit decimal, like Go's `fmt.Sprintf("%d", rand.Int())`.
fn random_id() -> String {
    (fastrand::u64(..) >> 1).to_string()
}

#[async_trait]
impl Making for NullResource {
    const REPLACED_BY: Replacer = replacer!("triggers", strings, "forces replacement");

    fn schema(&self) -> ResourceSchema {
        let block = Block::new().attr(
            "id",
            Attribute::computed(Type::String).describe("A random value set at create time."),
        );
        ResourceSchema { version: 0, block }
    }

    async fn make(&self, planned: &Value) -> Result<Value, ApplyError> {
        Ok(with(planned, [("id", string(random_id()))]))
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
