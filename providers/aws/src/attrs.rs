//! Reading configuration and planned values, and building state values from what AWS
//! returns: the SDK's getters ([`autostack_provider_sdk::attrs`]) under the names this crate
//! uses (hashicorp/aws treats `""` as unset, so [`get_str`] is the SDK's `nonempty_str`),
//! and AWS's timestamp format.

pub use autostack_provider_sdk::attrs::{
    changed, echo_optional, error, get, get_blocks, get_bool, get_i32, get_int, get_strings,
    import_base, import_seed, map_value, nonempty_str as get_str, opt_string, str_or_empty,
    string_list, string_map, string_set, with_attr, Obj,
};

/// A timestamp as RFC 3339 in whole seconds (as the AWS provider formats `create_time`).
pub fn rfc3339(t: &aws_smithy_types::DateTime) -> String {
    aws_smithy_types::DateTime::from_secs(t.secs()).to_string()
}
