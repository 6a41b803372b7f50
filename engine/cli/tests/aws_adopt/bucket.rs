//! `aws_s3_bucket.assets` and `aws_s3_bucket_versioning.assets` of `examples/aws-web`, created
//! on moto out of band as hashicorp/aws 5.100 creates them.

use crate::moto::{s, PROJECT};
use crate::support;
use autostack_provider_aws::sdk::aws_sdk_s3;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// `aws_s3_bucket.assets` (CreateBucket, then the default tags) and
/// `aws_s3_bucket_versioning.assets`.
pub async fn create_bucket(bucket: &str, v: &mut BTreeMap<String, Json>) {
    use aws_sdk_s3::types::{
        BucketVersioningStatus, Tag as S3Tag, Tagging, VersioningConfiguration,
    };
    let s3 = support::s3().await;
    s3.create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("bucket");
    let tag = S3Tag::builder()
        .key(PROJECT.0)
        .value(PROJECT.1)
        .build()
        .expect("tag");
    s3.put_bucket_tagging()
        .bucket(bucket)
        .tagging(Tagging::builder().tag_set(tag).build().expect("tagging"))
        .send()
        .await
        .expect("bucket tags");
    // What Terraform records of the bucket is read before the versioning resource exists.
    let acl = s3
        .get_bucket_acl()
        .bucket(bucket)
        .send()
        .await
        .expect("acl");
    let sse = match s3.get_bucket_encryption().bucket(bucket).send().await {
        Ok(out) => {
            let rules: Vec<Json> = out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let d = r.apply_server_side_encryption_by_default();
                    json!({
                        "apply_server_side_encryption_by_default": [{
                            "kms_master_key_id": d.and_then(|d| d.kms_master_key_id()).unwrap_or_default(),
                            "sse_algorithm": d.map(|d| d.sse_algorithm().as_str()).unwrap_or_default(),
                        }],
                        "bucket_key_enabled": r.bucket_key_enabled().unwrap_or(false),
                    })
                })
                .collect();
            json!([{ "rule": rules }])
        }
        Err(_) => json!([]),
    };
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    v.insert("bucket".into(), json!(bucket));
    v.insert(
        "bucket_owner_id".into(),
        s(acl.owner().and_then(|o| o.id())),
    );
    v.insert("bucket_sse".into(), sse);
}
