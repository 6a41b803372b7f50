//! Finding what a create made before a crash (`ResourceType::recover`): EC2 objects carry an
//! `autostack:intent` tag with the create's token, written by the create call itself (tag
//! specifications), so the object and its tag appear together; named objects (buckets, key
//! pairs) are found by the name the create derived from the token or was given.

use crate::client::{ActionExt, AwsClient, AwsResultExt};
use autostack_value::Diagnostics;
use aws_sdk_ec2::types::Filter;

/// The tag key an EC2 create writes with its intent token. Reads leave it out of `tags` and
/// `tags_all` (it is not configuration); Terraform sharing the state sees it as drift.
pub const INTENT_TAG: &str = "autostack:intent";

/// The ID of the EC2 object tagged with intent `token`, if any.
pub async fn tagged(c: &AwsClient, token: &str) -> Result<Option<String>, Diagnostics> {
    let out = c
        .ec2
        .describe_tags()
        .filters(Filter::builder().name("key").values(INTENT_TAG).build())
        .filters(Filter::builder().name("value").values(token).build())
        .send()
        .await
        .aws()
        .or_diags("looking up an interrupted create")?;
    Ok(out
        .tags()
        .iter()
        .find(|t| t.value() == Some(token))
        .and_then(|t| t.resource_id())
        .map(str::to_string))
}

/// A unique name with Terraform's shape (`prefix` then 26 characters: 18 digits where
/// Terraform puts a timestamp, 8 hex digits where it puts a counter), derived from the
/// create's token so that `recover` can compute it again.
pub fn unique_name(prefix: &str, token: &str) -> String {
    let hex: Vec<u32> = token.chars().filter_map(|c| c.to_digit(16)).collect();
    let hex = if hex.is_empty() { vec![0] } else { hex };
    let digits: String = hex
        .iter()
        .cycle()
        .take(18)
        .filter_map(|d| char::from_digit(d % 10, 10))
        .collect();
    let counter: String = hex
        .iter()
        .rev()
        .cycle()
        .take(8)
        .filter_map(|d| char::from_digit(*d, 16))
        .collect();
    format!("{prefix}{digits}{counter}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_follow_the_token_with_terraforms_shape() {
        let a = unique_name("web-", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assert_eq!(
            a,
            unique_name("web-", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        );
        assert_ne!(
            a,
            unique_name("web-", "1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        );
        assert_eq!(a.len(), "web-".len() + 26);
        assert!(a["web-".len()..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
