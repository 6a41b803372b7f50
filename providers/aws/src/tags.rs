//! `tags` and `tags_all` on EC2: the SDK merges the provider's `default_tags` under each
//! resource's own tags ([`autostack_provider_sdk::labels`]); this module writes them with
//! EC2's tag API and reads them back.

use crate::attrs::{get, string_map};
use crate::client::{AwsClient, AwsError, AwsResultExt};
use autostack_provider_sdk::labels::AWS_TAGS;
use autostack_provider_sdk::Block;
use autostack_value::Value;
use aws_sdk_ec2::types::{ResourceType as Ec2ResourceType, Tag, TagSpecification};
use std::collections::BTreeMap;

/// Adds `tags` (optional) and `tags_all` (optional, computed) to a schema block.
pub fn tag_attrs(b: Block) -> Block {
    AWS_TAGS.attrs(b)
}

/// The tags to send to AWS: `tags_all` of a planned value.
pub fn tags_all(planned: &Value) -> BTreeMap<String, String> {
    get(planned, "tags_all").map(string_map).unwrap_or_default()
}

/// EC2 tag specifications for a create call (none when there are no tags).
pub fn tag_spec(kind: Ec2ResourceType, planned: &Value) -> Option<TagSpecification> {
    let tags = tags_all(planned);
    if tags.is_empty() {
        return None;
    }
    Some(
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(ec2_tags(&tags)))
            .build(),
    )
}

/// EC2 tag specifications for a create call: `planned`'s tags and the intent tag that
/// `recover` finds the object by.
pub fn create_tag_spec(kind: Ec2ResourceType, planned: &Value, token: &str) -> TagSpecification {
    let mut tags = tags_all(planned);
    tags.insert(crate::recover::INTENT_TAG.to_string(), token.to_string());
    TagSpecification::builder()
        .resource_type(kind)
        .set_tags(Some(ec2_tags(&tags)))
        .build()
}

/// EC2 `Tag`s of a map.
pub fn ec2_tags(m: &BTreeMap<String, String>) -> Vec<Tag> {
    m.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// A map of EC2 `Tag`s (without the intent tag, which is not configuration).
pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter(|t| t.key() != Some(crate::recover::INTENT_TAG))
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Brings an EC2 resource's tags from `prior`'s `tags_all` to `planned`'s.
pub async fn update_ec2_tags(
    client: &AwsClient,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    let old = tags_all(prior);
    let new = tags_all(planned);
    let removed: Vec<Tag> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .map(|k| Tag::builder().key(k).build())
        .collect();
    let changed: BTreeMap<String, String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !removed.is_empty() {
        client
            .ec2
            .delete_tags()
            .resources(id)
            .set_tags(Some(removed))
            .send()
            .await
            .aws()?;
    }
    if !changed.is_empty() {
        client
            .ec2
            .create_tags()
            .resources(id)
            .set_tags(Some(ec2_tags(&changed)))
            .send()
            .await
            .aws()?;
    }
    Ok(())
}

/// The `tags` and `tags_all` state attributes for the tags AWS reports (see
/// [`autostack_provider_sdk::labels::Labels::state`]).
pub fn tag_state(
    client: &AwsClient,
    prior: &Value,
    actual: BTreeMap<String, String>,
) -> Vec<(&'static str, Value)> {
    client.tags.state(prior, actual)
}
