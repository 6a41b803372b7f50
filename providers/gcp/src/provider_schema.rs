//! The `provider "google"` block's schema: every argument hashicorp/google 7.x accepts, read
//! from `provider_schema.txt` (generated from the provider's source by
//! `tools/provider-schema.py`), so a configuration Terraform accepts is accepted here too.
//! Which of them this provider honours is in the README.

use autostack_provider_sdk::Block;
use std::sync::OnceLock;

/// The generated table (see [`autostack_provider_sdk::schema_table`]).
const TABLE: &str = include_str!("provider_schema.txt");

/// Credentials hashicorp/google leaves unmarked but that are secrets.
const SENSITIVE: [&str; 2] = ["credentials", "access_token"];

/// The provider block's schema (parsed once).
pub fn schema() -> &'static Block {
    static SCHEMA: OnceLock<Block> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        autostack_provider_sdk::schema_table::parse(TABLE, &SENSITIVE)
            .unwrap_or_else(|line| panic!("provider_schema.txt: bad line {line:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_provider_sdk::Nesting;
    use autostack_value::Type;

    #[test]
    fn the_table_has_the_whole_provider_block() {
        let s = schema();
        for a in [
            "project",
            "region",
            "zone",
            "credentials",
            "access_token",
            "default_labels",
            "add_terraform_attribution_label",
            "compute_custom_endpoint",
            "storage_custom_endpoint",
        ] {
            assert!(s.attributes.contains_key(a), "{a}");
        }
        assert_eq!(s.attributes["default_labels"].ty, Type::map(Type::String));
        assert!(s.attributes["credentials"].sensitive);
        assert_eq!(s.blocks["batching"].nesting, Nesting::List);
        let endpoints = s
            .attributes
            .keys()
            .filter(|k| k.ends_with("_custom_endpoint"))
            .count();
        assert!(endpoints > 150, "{endpoints}");
    }
}
