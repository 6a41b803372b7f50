//! `aws_key_pair`: an EC2 key pair imported from a public key.

use crate::prelude::*;
use aws_sdk_ec2::types::{KeyPairInfo, KeyType, ResourceType as Kind};

/// The `aws_key_pair` resource type.
pub struct AwsKeyPair;

/// Length of the suffix [`crate::recover::unique_name`] appends (Terraform's `UniqueIDSuffixLength`).
pub const UNIQUE_SUFFIX_LEN: usize = 26;

/// The key pair's name: `key_name`, or one generated from `key_name_prefix` and the create's
/// token (so that `recover` finds it again).
fn key_name(planned: &Value, token: &str) -> String {
    match get_str(planned, "key_name") {
        Some(n) => n.to_string(),
        None => crate::recover::unique_name(
            get_str(planned, "key_name_prefix").unwrap_or("terraform-"),
            token,
        ),
    }
}

/// The prefix of a name made by [`crate::recover::unique_name`] (Terraform's `NamePrefixFromName`): the name
/// without its last 26 characters, or "" for shorter names.
pub fn name_prefix_of(name: &str) -> &str {
    name.len()
        .checked_sub(UNIQUE_SUFFIX_LEN)
        .filter(|n| *n > 0)
        .and_then(|n| name.get(..n))
        .unwrap_or_default()
}

/// `public_key` with surrounding whitespace removed (the AWS provider's state form), so a
/// key read with `file()` and its trailing newline plans no change.
fn trimmed_public_key(v: &Value) -> Value {
    match get_str(v, "public_key") {
        Some(k) if k.trim() != k => with_attr(v, "public_key", Value::string(k.trim())),
        _ => v.clone(),
    }
}

#[async_trait]
impl Ec2Describe for AwsKeyPair {
    type Item = KeyPairInfo;

    async fn describe(&self, c: &AwsClient, ids: Vec<String>) -> Described<KeyPairInfo> {
        let out = c
            .ec2
            .describe_key_pairs()
            .filters(filter("key-name", ids))
            .send()
            .await
            .aws()?;
        Ok(keyed(
            out.key_pairs().iter().cloned(),
            KeyPairInfo::key_name,
        ))
    }
}

#[async_trait]
impl Ec2Kind for AwsKeyPair {
    fn state_of(&self, c: &AwsClient, prior: &Value, k: &KeyPairInfo) -> Value {
        let name = k.key_name().unwrap_or_default();
        Obj::from(prior)
            .str("id", name)
            .str("key_name", name)
            .str("key_name_prefix", name_prefix_of(name))
            .str("arn", c.arn("ec2", &format!("key-pair/{name}")))
            .str("key_pair_id", k.key_pair_id().unwrap_or_default())
            .str("fingerprint", k.key_fingerprint().unwrap_or_default())
            .str("key_type", k.key_type().map_or("", KeyType::as_str))
            .finish()
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let block = Block::new()
            .attr("fingerprint", s())
            .attr("key_pair_id", s())
            .attr("key_type", s())
            .attr(
                "key_name",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "key_name_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("public_key", Attribute::required(Type::String).force_new());
        ResourceSchema { version: 1, block }
    }

    fn plan(&self, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        Ok(p.plan_from(p.prior(), &trimmed_public_key(p.proposed())))
    }

    async fn create(&self, c: &AwsClient, planned: &Value, ctx: &ChangeCtx<'_>) -> Applied {
        const ACT: &str = "importing EC2 Key Pair";
        let name = key_name(planned, ctx.token);
        let key = str_or_empty(planned, "public_key");
        c.ec2
            .import_key_pair()
            .key_name(&name)
            .public_key_material(aws_smithy_types::Blob::new(key.as_bytes()))
            .set_tag_specifications(tag_spec(Kind::KeyPair, planned).map(|t| vec![t]))
            .send()
            .await
            .aws()
            .or_apply(ACT)?;
        Ok(Obj::from(planned).str("id", &name).into_value())
    }

    /// Key pairs are tagged by their key pair ID, not their name.
    fn tag_id(&self) -> &'static str {
        "key_pair_id"
    }

    async fn delete(&self, c: &AwsClient, name: &str, _prior: &Value) -> Updated {
        done_if_gone(c.ec2.delete_key_pair().key_name(name).send().await.aws())
            .or_apply("deleting EC2 Key Pair")
    }

    fn tagged_on_create(&self) -> bool {
        false
    }

    /// The create named the key pair after its token.
    fn recovered(&self, planned: &Value, token: &str) -> Option<Value> {
        let name = key_name(planned, token);
        let seed = Obj::from(planned).str("id", &name).str("key_name", &name);
        Some(seed.into_value())
    }

    /// Imports by key name; the public key is read back from AWS.
    async fn import(&self, c: &AwsClient, name: &str) -> Result<Value, Diagnostics> {
        const ACT: &str = "importing EC2 Key Pair";
        let out = c
            .ec2
            .describe_key_pairs()
            .filters(filter("key-name", vec![name.to_string()]))
            .include_public_key(true)
            .send()
            .await
            .aws()
            .or_diags(ACT)?;
        let k = out.key_pairs().first().ok_or_else(|| {
            let e = AwsError::local("InvalidKeyPair.NotFound", format!("key pair {name}"));
            e.diags(ACT)
        })?;
        let base = self.schema().block.empty_value();
        let base = match k.public_key() {
            Some(pk) => with_attr(&base, "public_key", Value::string(pk.trim())),
            None => base,
        };
        Ok(self.state_of(c, &base, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_carry_a_26_character_suffix() {
        let a = crate::recover::unique_name("web-", "7d1c0a52-0b7e-4c56-9a3e-1b2c3d4e5f60");
        let b = crate::recover::unique_name("web-", "8d1c0a52-0b7e-4c56-9a3e-1b2c3d4e5f60");
        assert_ne!(a, b);
        assert_eq!(a.len(), "web-".len() + UNIQUE_SUFFIX_LEN);
        assert_eq!(name_prefix_of(&a), "web-");
        assert_eq!(name_prefix_of("short"), "");
    }
}
