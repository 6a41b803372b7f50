//! `aws_s3_bucket`: an S3 bucket, with its tags (S3's bucket tagging API), the deprecated
//! inline `versioning` block, and `force_destroy`.

use crate::prelude::*;
use crate::s3util::{
    bucket_gone, bucket_versioning, dns_suffix, empty_bucket, get_s3_tags, head_bucket,
    hosted_zone_id, update_s3_tags,
};
use crate::tags::tags_all;
use autostack_value::Diagnostic;
use aws_sdk_s3::types::{
    BucketCannedAcl, BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    MfaDelete, MfaDeleteStatus, ObjectLockEnabled, VersioningConfiguration,
};
use std::collections::BTreeMap;

/// The `aws_s3_bucket` resource type.
pub struct AwsS3Bucket;

/// Length of the suffix Terraform's unique-name generator appends (timestamp and counter).
const UNIQUE_SUFFIX_LEN: usize = 26;

/// The bucket's name: `bucket`, or one generated from `bucket_prefix` (Terraform's
/// `id.PrefixedUniqueId` shape) and the create's token, so that `recover` finds it again.
fn bucket_name(planned: &Value, token: &str) -> String {
    match (
        get_str(planned, "bucket"),
        get_str(planned, "bucket_prefix"),
    ) {
        (Some(b), _) => b.to_string(),
        (None, p) => crate::recover::unique_name(p.unwrap_or("terraform-"), token),
    }
}

/// Terraform's `create.NamePrefixFromName`: the prefix of a generated name.
fn name_prefix_from_name(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(UNIQUE_SUFFIX_LEN)?;
    let suffix = name.get(cut..)?;
    (cut > 0 && suffix.chars().all(|c| c.is_ascii_hexdigit())).then(|| &name[..cut])
}

/// The object type of one `versioning` block.
fn versioning_type() -> Type {
    versioning_block().value_type()
}

fn versioning_block() -> Block {
    Block::new()
        .attr("enabled", Attribute::optional(Type::Bool).default(false))
        .attr("mfa_delete", Attribute::optional(Type::Bool).default(false))
}

/// The bucket's versioning as `(enabled, mfa_delete)`.
async fn versioning_of(c: &AwsClient, bucket: &str) -> Result<(bool, bool), AwsError> {
    let (status, mfa) = bucket_versioning(c, bucket, None).await?;
    Ok((
        status.as_deref() == Some(BucketVersioningStatus::Enabled.as_str()),
        mfa.as_deref() == Some(MfaDeleteStatus::Enabled.as_str()),
    ))
}

/// Whether S3 Object Lock is enabled on the bucket (false where it is unsupported).
async fn object_lock_of(c: &AwsClient, bucket: &str) -> Result<bool, AwsError> {
    match c
        .s3
        .get_object_lock_configuration()
        .bucket(bucket)
        .send()
        .await
        .aws()
    {
        Ok(out) => Ok(out
            .object_lock_configuration()
            .and_then(|o| o.object_lock_enabled())
            == Some(&ObjectLockEnabled::Enabled)),
        Err(e)
            if matches!(
                e.code.as_str(),
                "ObjectLockConfigurationNotFoundError"
                    | "MethodNotAllowed"
                    | "NotImplemented"
                    | "XNotImplemented"
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// `None` for a "no such bucket" error (the bucket vanished between calls).
fn gone<T>(r: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    match r {
        Err(e) if bucket_gone(&e) => Ok(None),
        other => other.map(Some),
    }
}

/// Reads everything the state records about `bucket`, starting from `base`; `None` when the
/// bucket is gone.
async fn read_full(c: &AwsClient, base: &Value, bucket: &str) -> Result<Option<Value>, AwsError> {
    let region = match head_bucket(c, bucket).await {
        Ok(r) => r.unwrap_or_else(|| c.region.clone()),
        Err(e) if bucket_gone(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(tags) = gone(get_s3_tags(c, bucket).await)? else {
        return Ok(None);
    };
    let Some((enabled, mfa)) = gone(versioning_of(c, bucket).await)? else {
        return Ok(None);
    };
    let Some(lock) = gone(object_lock_of(c, bucket).await)? else {
        return Ok(None);
    };
    let versioning = Value::object_from([
        ("enabled", Value::bool(enabled)),
        ("mfa_delete", Value::bool(mfa)),
    ]);
    let obj = Obj::from(base)
        .str("id", bucket)
        .str("bucket", bucket)
        .str(
            "bucket_prefix",
            name_prefix_from_name(bucket).unwrap_or_default(),
        )
        .str("arn", format!("arn:{}:s3:::{bucket}", c.partition))
        .str(
            "bucket_domain_name",
            format!("{bucket}.s3.{}", dns_suffix(&c.region)),
        )
        .str(
            "bucket_regional_domain_name",
            format!("{bucket}.s3.{region}.{}", dns_suffix(&region)),
        )
        .opt_str("hosted_zone_id", hosted_zone_id(&region))
        .bool("object_lock_enabled", lock)
        .set(
            "versioning",
            Value::list(versioning_type(), vec![versioning]),
        )
        .set_all(tag_state(c, base, tags));
    Ok(Some(obj.str("region", region).finish()))
}

/// The configured `versioning` block as `(enabled, mfa_delete)`, when there is one.
fn configured_versioning(v: &Value) -> Option<(bool, bool)> {
    get_blocks(v, "versioning").first().map(|b| {
        (
            get_bool(b, "enabled").unwrap_or(false),
            get_bool(b, "mfa_delete").unwrap_or(false),
        )
    })
}

/// Puts the versioning configuration: on create only when something is enabled (new buckets
/// are unversioned), on update always (`enabled = false` suspends).
async fn put_versioning(
    c: &AwsClient,
    bucket: &str,
    (enabled, mfa): (bool, bool),
    create: bool,
) -> Result<(), AwsError> {
    if create && !enabled && !mfa {
        return Ok(());
    }
    let status = if enabled {
        BucketVersioningStatus::Enabled
    } else {
        BucketVersioningStatus::Suspended
    };
    let mut cfg = VersioningConfiguration::builder().status(status);
    if mfa || !create {
        cfg = cfg.mfa_delete(if mfa {
            MfaDelete::Enabled
        } else {
            MfaDelete::Disabled
        });
    }
    c.s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(cfg.build())
        .send()
        .await
        .aws()
        .map(|_| ())
}

/// The error for deleting a non-empty bucket without `force_destroy`.
fn not_empty(bucket: &str, e: &AwsError) -> ApplyError {
    ApplyError::from(Diagnostics::from(Diagnostic::error(
        format!("deleting S3 Bucket ({bucket}): BucketNotEmpty"),
        format!(
            "AWS error {}: {}. The bucket still contains objects; empty it first, or set force_destroy = true (and apply) so that every object version is deleted with the bucket.",
            e.code, e.message
        ),
        None,
    )))
}

#[async_trait]
impl ResourceType<AwsClient> for AwsS3Bucket {
    fn name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Attribute::computed(Type::String);
        let mut block = Block::new()
            .attr("id", s())
            .attr("arn", s())
            .attr(
                "bucket",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "bucket_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("bucket_domain_name", s())
            .attr("bucket_regional_domain_name", s())
            .attr("hosted_zone_id", s())
            .attr("region", s())
            .attr(
                "force_destroy",
                Attribute::optional(Type::Bool).default(false),
            )
            .attr(
                "object_lock_enabled",
                Attribute::optional_computed(Type::Bool).force_new(),
            )
            .block("versioning", Nesting::List, versioning_block());
        if let Some(v) = block.blocks.get_mut("versioning") {
            v.max_items = 1;
        }
        ResourceSchema {
            version: 0,
            block: tag_attrs(block),
        }
    }

    async fn plan(&self, _: &AwsClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        if get_str(config, "bucket").is_some() && get_str(config, "bucket_prefix").is_some() {
            return Err(error(
                "Conflicting configuration arguments",
                "\"bucket\": conflicts with bucket_prefix",
            ));
        }
        let mut pc = p.planned;
        // `versioning` is optional and computed: without a block in the configuration, the
        // planned value is what AWS reported (or unknown until the bucket exists).
        let configured = matches!(config.as_entries().and_then(|m| m.get("versioning")),
            Some(v) if v.is_unknown() || v.as_seq().is_some_and(|s| !s.is_empty()));
        if !configured {
            let kept = prior
                .filter(|_| pc.requires_replace.is_empty())
                .and_then(|p| get(p, "versioning"))
                .cloned()
                .unwrap_or(Value::Unknown(Type::list(versioning_type())));
            if let Some(m) = pc.planned.as_entries() {
                let mut m = m.clone();
                m.insert("versioning".into(), kept);
                pc.planned = Value::object(m);
            }
        }
        Ok(pc)
    }

    async fn create(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let bucket = bucket_name(planned, ctx.token);
        let action = format!("creating S3 Bucket ({bucket})");
        // us-east-1 answers CreateBucket with success for a bucket the caller already owns.
        if c.region == "us-east-1" && head_bucket(c, &bucket).await.is_ok() {
            return Err(AwsError::local(
                "BucketAlreadyExists",
                "The requested bucket name is not available.",
            )
            .apply_error(&action));
        }
        let location = (c.region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(c.region.as_str()))
                .build()
        });
        c.s3.create_bucket()
            .bucket(&bucket)
            .acl(BucketCannedAcl::Private)
            .set_create_bucket_configuration(location)
            .set_object_lock_enabled_for_bucket(
                get_bool(planned, "object_lock_enabled").filter(|b| *b),
            )
            .send()
            .await
            .aws()
            .or_apply(&action)?;
        let made = Obj::from(planned)
            .str("id", &bucket)
            .str("bucket", &bucket)
            .into_value();
        settle(&action, &made, async {
            c.wait_until("S3 Bucket to exist", || async {
                head_bucket(c, &bucket).await.map(|_| true)
            })
            .await?;
            if let Some(v) = configured_versioning(planned) {
                put_versioning(c, &bucket, v, true).await?;
            }
            let tags = tags_all(planned);
            match tags.is_empty() {
                true => Ok(()),
                false => update_s3_tags(c, &bucket, &BTreeMap::new(), &tags).await,
            }
        })
        .await?;
        Ok(made)
    }

    async fn update(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let bucket = str_or_empty(prior, "id");
        let action = format!("updating S3 Bucket ({bucket})");
        if let Some(want) = configured_versioning(planned) {
            let had = get_blocks(prior, "versioning").first().map(|b| {
                (
                    get_bool(b, "enabled").unwrap_or(false),
                    get_bool(b, "mfa_delete").unwrap_or(false),
                )
            });
            if had != Some(want) {
                put_versioning(c, bucket, want, false)
                    .await
                    .or_apply(&action)?;
            }
        }
        let (old, new) = (tags_all(prior), tags_all(planned));
        if old != new {
            update_s3_tags(c, bucket, &old, &new)
                .await
                .or_apply(&format!("updating S3 Bucket ({bucket}) tags"))?;
        }
        Ok(planned.clone())
    }

    async fn delete(&self, c: &AwsClient, prior: &Value) -> Result<(), ApplyError> {
        let bucket = str_or_empty(prior, "id");
        let action = format!("deleting S3 Bucket ({bucket})");
        let force = get_bool(prior, "force_destroy").unwrap_or(false);
        let lock = get_bool(prior, "object_lock_enabled").unwrap_or(false);
        // Objects written while emptying make the delete fail again: retry a few rounds.
        let mut rounds = 0;
        loop {
            match c.s3.delete_bucket().bucket(bucket).send().await.aws() {
                Ok(_) => break,
                Err(e) if bucket_gone(&e) => return Ok(()),
                Err(e) if e.code == "BucketNotEmpty" && !force => {
                    return Err(not_empty(bucket, &e))
                }
                Err(e) if e.code == "BucketNotEmpty" && rounds < 5 => {
                    rounds += 1;
                    empty_bucket(c, bucket, lock)
                        .await
                        .or_apply(&format!("emptying S3 Bucket ({bucket})"))?;
                }
                Err(e) => return Err(e.apply_error(&action)),
            }
        }
        c.wait_until("S3 Bucket deletion", || async {
            match head_bucket(c, bucket).await {
                Ok(_) => Ok(false),
                Err(e) if bucket_gone(&e) => Ok(true),
                Err(e) => Err(e),
            }
        })
        .await
        .or_apply(&format!("waiting for S3 Bucket ({bucket}) delete"))
    }

    async fn recover(&self, _: &AwsClient, planned: &Value, token: &str) -> ValueRead {
        let name = bucket_name(planned, token);
        let seed = Obj::from(planned).str("id", &name).str("bucket", &name);
        Ok(Some(seed.into_value()))
    }

    async fn read_many(&self, c: &AwsClient, current: &[Value]) -> Vec<ValueRead> {
        read_each_by_id(current, "S3 Bucket", |v, id| read_full(c, v, id)).await
    }

    /// The bucket's objects, for a migration's data copy.
    fn object_store(
        &self,
        c: &AwsClient,
        state: &Value,
    ) -> Option<std::sync::Arc<dyn autostack_provider_sdk::objects::ObjectStore>> {
        let bucket = get_str(state, "bucket").filter(|b| !b.is_empty())?;
        let store = crate::s3objects::S3Objects::new(c.s3.clone(), bucket);
        Some(std::sync::Arc::new(store))
    }

    async fn import(&self, _: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        Ok(import_seed(&self.schema(), id))
    }
}
