//! The small value builders every cloud's realization writes its concrete configurations
//! with, and the errors of a member role a realization does not know.

use autostack_provider_sdk::attrs::{error, get};
use autostack_value::{Diagnostics, Value};

/// A string value.
pub fn s(v: &str) -> Value {
    Value::string(v)
}

/// An object value of `attrs`.
pub fn obj<const N: usize>(attrs: [(&str, Value); N]) -> Value {
    Value::object_from(attrs)
}

/// Attribute `name` of `p` (null when unset).
pub fn attr(p: &Value, name: &str) -> Value {
    get(p, name).cloned().unwrap_or(Value::null())
}

/// A member role the realization on `cloud` (its display name) does not have.
pub fn unknown_role(cloud: &str, role: &str) -> Diagnostics {
    error(
        "Unknown portable member",
        format!("No member {role:?} on {cloud}."),
    )
}

/// Checks that `role` is `want`, the type's only member on `cloud`.
pub fn only_role(cloud: &str, want: &str, role: &str) -> Result<(), Diagnostics> {
    match role == want {
        true => Ok(()),
        false => Err(unknown_role(cloud, role)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_role_names_the_role_and_the_cloud() {
        assert!(only_role("AWS", "vpc", "vpc").is_ok());
        let d = only_role("AWS", "vpc", "nat").unwrap_err();
        let text = format!("{d:?}");
        assert!(
            text.contains("\\\"nat\\\"") && text.contains("AWS"),
            "{text}"
        );
        assert_eq!(attr(&obj([("a", s("x"))]), "a"), s("x"));
        assert!(attr(&obj([("a", s("x"))]), "b").is_null());
    }
}
