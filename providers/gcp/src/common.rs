//! Schema pieces several resource types share.

use autostack_provider_sdk::attributes;
use autostack_provider_sdk::Block;
use autostack_value::Type;

/// The `params { resource_manager_tags = {...} }` block (hashicorp/google 6.x+), sent with
/// creates only.
pub fn params_block() -> Block {
    attributes! {
        "resource_manager_tags": optional(Type::map(Type::String)).force_new() => "Resource Manager tags bound at creation.",
    }
}
