//! `aws_s3_bucket_versioning`: the versioning state of an S3 bucket.

use crate::prelude::*;
use crate::s3util::{bucket_gone, bucket_versioning};
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDelete, VersioningConfiguration};

/// The `aws_s3_bucket_versioning` resource type.
pub struct AwsS3BucketVersioning;

/// The status the provider records for a bucket that was never versioned.
const DISABLED: &str = "Disabled";

/// The resource ID: the bucket name, or `bucket,expected_bucket_owner` (as the provider).
fn resource_id(bucket: &str, owner: Option<&str>) -> String {
    match owner {
        Some(o) => format!("{bucket},{o}"),
        None => bucket.to_string(),
    }
}

/// Splits a resource ID into bucket and expected owner.
fn parse_id(id: &str) -> (&str, Option<&str>) {
    match id.split_once(',') {
        Some((b, o)) if !o.is_empty() => (b, Some(o)),
        _ => (id.trim_end_matches(','), None),
    }
}

/// The configured `versioning_configuration` block: `(status, mfa_delete)`.
fn configured(v: &Value) -> (Option<&str>, Option<&str>) {
    match get_blocks(v, "versioning_configuration").first() {
        Some(b) => (get_str(b, "status"), get_str(b, "mfa_delete")),
        None => (None, None),
    }
}

fn block_type() -> Type {
    config_block().value_type()
}

fn config_block() -> Block {
    Block::new()
        .attr("status", Attribute::required(Type::String))
        .attr("mfa_delete", Attribute::optional_computed(Type::String))
}

/// Reads the bucket's versioning into state, starting from `base`; `None` when the bucket
/// is gone.
async fn read_state(c: &AwsClient, base: &Value, id: &str) -> Result<Option<Value>, AwsError> {
    let (bucket, owner) = parse_id(id);
    let (status, mfa) = match bucket_versioning(c, bucket, owner).await {
        Ok(v) => v,
        Err(e) if bucket_gone(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let status = status.unwrap_or_else(|| DISABLED.to_string());
    let mfa = mfa.unwrap_or_default();
    let block = Value::object_from([
        ("status", Value::string(status.as_str())),
        ("mfa_delete", Value::string(mfa.as_str())),
    ]);
    let st = Obj::from(base)
        .str("id", id)
        .str("bucket", bucket)
        // hashicorp/aws records no expected owner as "" (its ID's empty second part): a prior
        // "" (adopted Terraform state) is kept, as is the null AutoStack plans.
        .unset_str("expected_bucket_owner", owner)
        .set(
            "versioning_configuration",
            Value::list(block_type(), vec![block]),
        )
        .finish();
    Ok(Some(st))
}

/// Puts the planned versioning configuration.
async fn put(c: &AwsClient, planned: &Value, bucket: &str) -> Result<(), AwsError> {
    let (status, mfa_delete) = configured(planned);
    let cfg = VersioningConfiguration::builder()
        .set_status(status.map(BucketVersioningStatus::from))
        .set_mfa_delete(mfa_delete.map(MfaDelete::from))
        .build();
    c.s3.put_bucket_versioning()
        .bucket(bucket)
        .set_expected_bucket_owner(get_str(planned, "expected_bucket_owner").map(str::to_string))
        .set_mfa(get_str(planned, "mfa").map(str::to_string))
        .versioning_configuration(cfg)
        .send()
        .await
        .aws()
        .map(|_| ())
}

#[async_trait]
impl ResourceType<AwsClient> for AwsS3BucketVersioning {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }

    fn schema(&self) -> ResourceSchema {
        let mut block = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr(
                "expected_bucket_owner",
                Attribute::optional(Type::String).force_new(),
            )
            .attr("mfa", Attribute::optional(Type::String))
            .block("versioning_configuration", Nesting::List, config_block());
        if let Some(b) = block.blocks.get_mut("versioning_configuration") {
            b.min_items = 1;
            b.max_items = 1;
        }
        ResourceSchema { version: 0, block }
    }

    async fn plan(&self, _: &AwsClient, p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let (prior, config) = (p.req.prior, p.req.proposed);
        let (new, _) = configured(config);
        if let (Some(p), Some(new)) = (prior, new) {
            let (old, _) = configured(p);
            if new == DISABLED && matches!(old, Some("Enabled" | "Suspended")) {
                return Err(error(
                    "Invalid versioning_configuration.status",
                    format!(
                        "versioning_configuration.status cannot be updated from '{}' to '{new}'",
                        old.unwrap_or_default()
                    ),
                ));
            }
        }
        if let Some(s) = new {
            if !matches!(s, "Enabled" | "Suspended" | DISABLED) {
                return Err(error(
                    "Invalid value for versioning_configuration.status",
                    format!("expected status to be one of [\"Enabled\" \"Suspended\" \"Disabled\"], got {s}"),
                ));
            }
        }
        // hashicorp/aws's zero values: Terraform records an unset `expected_bucket_owner` as "".
        Ok(p.planned)
    }

    async fn create(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        let bucket = str_or_empty(planned, "bucket");
        let id = resource_id(bucket, get_str(planned, "expected_bucket_owner"));
        let action = format!("creating S3 Bucket ({bucket}) Versioning");
        // A "Disabled" status adopts a never-versioned bucket: there is nothing to put.
        if configured(planned).0 != Some(DISABLED) {
            put(c, planned, bucket).await.or_apply(&action)?;
        }
        Ok(Obj::from(planned).str("id", id).into_value())
    }

    async fn update(&self, c: &AwsClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        let id = str_or_empty(prior, "id").to_string();
        let (bucket, _) = parse_id(&id);
        let action = format!("updating S3 Bucket ({bucket}) Versioning");
        if configured(prior) != configured(planned) {
            put(c, planned, bucket).await.or_apply(&action)?;
        }
        Ok(planned.clone())
    }

    async fn delete(&self, c: &AwsClient, prior: &Value) -> Result<(), ApplyError> {
        if configured(prior).0 == Some(DISABLED) {
            return Ok(());
        }
        let id = str_or_empty(prior, "id");
        let (bucket, owner) = parse_id(id);
        // Versioning cannot be removed, only suspended.
        let cfg = VersioningConfiguration::builder()
            .status(BucketVersioningStatus::Suspended)
            .build();
        match c
            .s3
            .put_bucket_versioning()
            .bucket(bucket)
            .set_expected_bucket_owner(owner.map(str::to_string))
            .versioning_configuration(cfg)
            .send()
            .await
            .aws()
        {
            Ok(_) => Ok(()),
            Err(e) if bucket_gone(&e) => Ok(()),
            Err(e) if e.code == "InvalidBucketState" && e.message.contains("Object Lock") => Ok(()),
            Err(e) => Err(e.apply_error(&format!("deleting S3 Bucket Versioning ({id})"))),
        }
    }

    /// The setting lives on the bucket, which the create did not make: what the bucket has
    /// now is recorded (a put that did not happen shows as a change in the next plan).
    async fn recover(&self, _: &AwsClient, planned: &Value, _: &str) -> ValueRead {
        let bucket = str_or_empty(planned, "bucket");
        let id = resource_id(bucket, get_str(planned, "expected_bucket_owner"));
        Ok(Some(Obj::from(planned).str("id", id).into_value()))
    }

    async fn read_many(&self, c: &AwsClient, current: &[Value]) -> Vec<ValueRead> {
        read_each_by_id(current, "S3 Bucket Versioning", |v, id| {
            read_state(c, v, id)
        })
        .await
    }

    async fn import(&self, _: &AwsClient, id: &str) -> Result<Value, Diagnostics> {
        Ok(import_seed(&self.schema(), id))
    }
}
