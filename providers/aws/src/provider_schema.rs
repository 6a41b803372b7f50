//! The `provider "aws"` block's schema: every argument and nested block hashicorp/aws 5.x
//! accepts, read from `provider_schema.txt` (generated from `terraform providers schema
//! -json` by `tools/provider-schema.sh`), so a configuration Terraform accepts is accepted
//! here too. Which of them this provider honours is in the README.

use autostack_provider_sdk::Block;
#[cfg(test)]
use autostack_provider_sdk::Nesting;
#[cfg(test)]
use autostack_value::Type;
use std::sync::OnceLock;

/// The generated table: `<path> <cty type JSON>` or `<name> block <nesting>` per line.
const TABLE: &str = include_str!("provider_schema.txt");

/// Arguments this provider keeps out of logs and plans (hashicorp/aws does not mark them,
/// but they are credentials).
const SENSITIVE: [&str; 3] = ["access_key", "secret_key", "token"];

/// The provider block's schema (parsed once).
pub fn schema() -> &'static Block {
    static SCHEMA: OnceLock<Block> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        parse(TABLE).unwrap_or_else(|line| panic!("provider_schema.txt: bad line {line:?}"))
    })
}

/// The service names `endpoints { ... }` accepts.
pub fn endpoint_services() -> impl Iterator<Item = &'static str> {
    schema()
        .blocks
        .get("endpoints")
        .into_iter()
        .flat_map(|b| b.block.attributes.keys().map(String::as_str))
}

/// Parses the table; a malformed line is returned as the error.
fn parse(table: &str) -> Result<Block, &str> {
    autostack_provider_sdk::schema_table::parse(table, &SENSITIVE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_terraforms_whole_provider_block() {
        let s = schema();
        for a in [
            "region",
            "allowed_account_ids",
            "retry_mode",
            "sts_region",
            "shared_config_files",
            "use_fips_endpoint",
            "http_proxy",
            "custom_ca_bundle",
            "token_bucket_rate_limiter_capacity",
        ] {
            assert!(s.attributes.contains_key(a), "{a}");
        }
        assert_eq!(
            s.attributes["allowed_account_ids"].ty,
            Type::set(Type::String)
        );
        assert_eq!(s.attributes["skip_metadata_api_check"].ty, Type::String);
        assert!(s.attributes["secret_key"].sensitive);
        for b in [
            "assume_role",
            "assume_role_with_web_identity",
            "default_tags",
            "ignore_tags",
        ] {
            assert_eq!(s.blocks[b].nesting, Nesting::List, "{b}");
        }
        let ar = &s.blocks["assume_role"].block.attributes;
        assert_eq!(ar["tags"].ty, Type::map(Type::String));
        assert_eq!(ar["transitive_tag_keys"].ty, Type::set(Type::String));
        let services: Vec<_> = endpoint_services().collect();
        assert!(services.len() > 300, "{}", services.len());
        for svc in ["iam", "ec2", "s3", "s3api", "sts", "lambda", "dynamodb"] {
            assert!(services.contains(&svc), "{svc}");
        }
    }

    #[test]
    fn a_malformed_line_is_reported() {
        assert_eq!(parse("x nonsense").err(), Some("x nonsense"));
        assert_eq!(parse("b.x \"string\"").err(), Some("b.x \"string\""));
        assert_eq!(parse("b block tree").err(), Some("b block tree"));
    }
}
