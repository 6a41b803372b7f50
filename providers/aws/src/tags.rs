//! `tags` and `tags_all`: the provider's `default_tags` merged under each resource's own
//! tags, planned as a known map and kept in sync with EC2's tag API.

use crate::attrs::{get, map_value, string_map};
use crate::client::{AwsClient, AwsError, AwsResultExt};
use autostack_provider_sdk::{plan_by_schema, Attribute, Block, PlannedChange, ResourceSchema};
use autostack_value::{Type, Value};
use aws_sdk_ec2::types::{ResourceType as Ec2ResourceType, Tag, TagSpecification};
use std::collections::{BTreeMap, BTreeSet};

/// The provider's `ignore_tags { keys, key_prefixes }`: tags this configuration does not
/// manage. As hashicorp/aws does, they are left out of `tags` and `tags_all` when read and
/// when planned, so tags other tools put on an object never show as a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreTags {
    /// Exact keys to ignore.
    pub keys: BTreeSet<String>,
    /// Key prefixes to ignore.
    pub key_prefixes: Vec<String>,
}

impl IgnoreTags {
    /// True when the tag `key` is ignored.
    pub fn ignores(&self, key: &str) -> bool {
        self.keys.contains(key)
            || self
                .key_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_str()))
    }

    /// `tags` without the ignored keys.
    pub fn strip(&self, mut tags: BTreeMap<String, String>) -> BTreeMap<String, String> {
        if !self.keys.is_empty() || !self.key_prefixes.is_empty() {
            tags.retain(|k, _| !self.ignores(k));
        }
        tags
    }
}

/// Adds `tags` (optional) and `tags_all` (optional, computed) to a schema block.
pub fn tag_attrs(b: Block) -> Block {
    b.attr("tags", Attribute::optional(Type::map(Type::String)))
        .attr(
            "tags_all",
            Attribute::optional_computed(Type::map(Type::String))
                .describe("tags merged over the provider's default_tags"),
        )
}

/// `tags_all` for configured `tags`: default tags, overridden by the resource's own, less
/// the ignored ones.
pub fn merged_tags(client: &AwsClient, tags: Option<&Value>) -> Value {
    match tags {
        Some(t) if !t.is_wholly_known() => Value::Unknown(Type::map(Type::String)),
        t => {
            let mut all = client.default_tags.clone();
            all.extend(t.map(string_map).unwrap_or_default());
            map_value(&client.ignore_tags.strip(all))
        }
    }
}

/// Plans an AWS resource: by schema, with hashicorp/aws's zero-value equivalence, and with
/// `tags_all` computed from `tags` and the default tags (for types that have tags).
pub fn plan_tagged(
    client: &AwsClient,
    schema: &ResourceSchema,
    prior: Option<&Value>,
    config: &Value,
) -> PlannedChange {
    let config = match prior.and_then(Value::as_entries) {
        Some(p) => with_prior_zero_values(config, p),
        None => config.clone(),
    };
    let mut pc = plan_by_schema(schema, prior, &config);
    pc.planned = unknown_sets_of_unknowns(schema, pc.planned);
    let tagged = schema.block.attributes.contains_key("tags_all");
    if let (true, Some(m)) = (tagged, pc.planned.as_entries()) {
        let mut m = m.clone();
        m.insert("tags_all".into(), merged_tags(client, get(&config, "tags")));
        pc.planned = Value::object(m);
    }
    pc
}

/// hashicorp/aws (on the legacy plugin SDK) cannot plan a set of strings holding an unknown
/// element (it cannot hash it): the whole set is planned unknown, e.g. `vpc_security_group_ids
/// = [aws_security_group.web.id]` before the group exists. Plan JSON consumers see it that way
/// in Terraform's plan (`after_unknown: true`, no `after`), so we plan the same; apply plans
/// again with the known values.
fn unknown_sets_of_unknowns(schema: &ResourceSchema, planned: Value) -> Value {
    let Some(m) = planned.as_entries() else {
        return planned;
    };
    let collapse = |(k, v): (&String, &Value)| {
        let attr = schema.block.attributes.get(k)?;
        let elems = match v.unmarked() {
            Value::Set(_, xs) if attr.computed => xs,
            _ => return None,
        };
        elems
            .iter()
            .any(Value::is_unknown)
            .then(|| (k.clone(), Value::Unknown(attr.ty.clone())))
    };
    let collapsed: Vec<(String, Value)> = m.iter().filter_map(collapse).collect();
    if collapsed.is_empty() {
        return planned;
    }
    let mut m = m.clone();
    m.extend(collapsed);
    Value::object(m)
}

/// hashicorp/aws stores unset optional attributes as their zero value (`""`, `false`, `0`,
/// empty collections) and treats that as equal to null: an unset attribute whose prior value
/// is such a zero takes it, so adopted Terraform state (and our own) plans no change.
fn with_prior_zero_values(config: &Value, prior: &BTreeMap<String, Value>) -> Value {
    let Some(m) = config.as_entries() else {
        return config.clone();
    };
    let mut m = m.clone();
    for (k, v) in m.iter_mut() {
        if v.is_null() {
            if let Some(p) = prior.get(k).filter(|p| is_zero(p)) {
                *v = p.clone();
            }
        }
    }
    Value::object(m)
}

/// True for `""`, `false`, `0` and empty collections.
pub fn is_zero(v: &Value) -> bool {
    let v = v.unmarked();
    v.as_str() == Some("")
        || v.as_bool() == Some(false)
        || v.as_number().is_some_and(|n| n.to_i64() == Some(0))
        || v.as_seq().is_some_and(<[Value]>::is_empty)
        || v.as_entries().is_some_and(BTreeMap::is_empty)
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

/// The `tags` and `tags_all` state attributes for the tags AWS reports: `tags` leaves out
/// default tags with their default value (unless configured), and stays null when it was
/// null and nothing else is left. Ignored tags are in neither.
pub fn tag_state(
    client: &AwsClient,
    prior: &Value,
    actual: BTreeMap<String, String>,
) -> [(&'static str, Value); 2] {
    let actual = client.ignore_tags.strip(actual);
    let configured = get(prior, "tags").map(string_map).unwrap_or_default();
    let own: BTreeMap<String, String> = actual
        .iter()
        .filter(|(k, v)| configured.contains_key(*k) || client.default_tags.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags = if own.is_empty() && get(prior, "tags").is_none() {
        Value::Null(Type::map(Type::String))
    } else {
        map_value(&own)
    };
    [("tags", tags), ("tags_all", map_value(&actual))]
}
