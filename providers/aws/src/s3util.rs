//! Small S3 helpers shared by the S3 resource types: bucket existence, tags, versioning
//! reads, emptying a bucket, and the region tables behind a bucket's computed names.

use crate::client::{AwsClient, AwsError, AwsResultExt};
use autostack_provider_sdk::CloudError;
use aws_sdk_s3::types::{Delete, ObjectIdentifier, Tag, Tagging};
use std::collections::BTreeMap;

/// S3 website endpoints' Route 53 hosted zone IDs by region (hashicorp/aws's table).
const HOSTED_ZONE_IDS: [(&str, &str); 34] = [
    ("af-south-1", "Z83WF9RJE8B12"),
    ("ap-east-1", "ZNB98KWMFR0R6"),
    ("ap-northeast-1", "Z2M4EHUR26P7ZW"),
    ("ap-northeast-2", "Z3W03O7B5YMIYP"),
    ("ap-northeast-3", "Z2YQB5RD63NC85"),
    ("ap-south-1", "Z11RGJOFQNVJUP"),
    ("ap-south-2", "Z02976202B4EZMXIPMXF7"),
    ("ap-southeast-1", "Z3O0J2DXBE1FTB"),
    ("ap-southeast-2", "Z1WCIGYICN2BYD"),
    ("ap-southeast-3", "Z01846753K324LI26A3VV"),
    ("ap-southeast-4", "Z0312387243XT5FE14WFO"),
    ("ap-southeast-5", "Z08660063OXLMA7F1FJHU"),
    ("ca-central-1", "Z1QDHH18159H29"),
    ("ca-west-1", "Z03565811Z33SLEZTHOUL"),
    ("cn-north-1", "Z5CN8UMXT92WN"),
    ("cn-northwest-1", "Z282HJ1KT0DH03"),
    ("eu-central-1", "Z21DNDUVLTQW6Q"),
    ("eu-central-2", "Z030506016YDQGETNASS"),
    ("eu-north-1", "Z3BAZG2TWCNX0D"),
    ("eu-south-1", "Z30OZKI7KPW7MI"),
    ("eu-south-2", "Z0081959F7139GRJC19J"),
    ("eu-west-1", "Z1BKCTXD74EZPE"),
    ("eu-west-2", "Z3GKZC51ZF0DB4"),
    ("eu-west-3", "Z3R1K369G5AVDG"),
    ("il-central-1", "Z09640613K4A3MN55U7GU"),
    ("me-central-1", "Z06143092I8HRXZRUZROF"),
    ("me-south-1", "Z1MPMWCPA7YB62"),
    ("sa-east-1", "Z7KQH4QJS55SO"),
    ("us-east-1", "Z3AQBSTGFYJSTF"),
    ("us-east-2", "Z2O1EMRO9K5GLX"),
    ("us-gov-east-1", "Z2NIFVYYW2VKV1"),
    ("us-gov-west-1", "Z31GFT0UA1I2HV"),
    ("us-west-1", "Z2F56UZL2M1ACD"),
    ("us-west-2", "Z3BJ6K6RIION7M"),
];

/// The Route 53 hosted zone of a region's S3 website endpoint, when known.
pub fn hosted_zone_id(region: &str) -> Option<&'static str> {
    HOSTED_ZONE_IDS
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(_, z)| *z)
}

/// The DNS suffix of a region's partition.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

/// True when `e` means the bucket does not exist (404 on HEAD, `NoSuchBucket` elsewhere).
pub fn bucket_gone(e: &AwsError) -> bool {
    e.is_not_found()
}

/// Checks that `bucket` exists (HEAD bucket) and returns its region when S3 reports it.
pub async fn head_bucket(c: &AwsClient, bucket: &str) -> Result<Option<String>, AwsError> {
    let out = c.s3.head_bucket().bucket(bucket).send().await.aws()?;
    Ok(out.bucket_region().map(str::to_string))
}

/// The bucket's tags (none when it has no tag set; `aws:` system tags are left out).
pub async fn get_s3_tags(
    c: &AwsClient,
    bucket: &str,
) -> Result<BTreeMap<String, String>, AwsError> {
    match c.s3.get_bucket_tagging().bucket(bucket).send().await.aws() {
        Ok(out) => Ok(out
            .tag_set()
            .iter()
            .filter(|t| !t.key().starts_with("aws:"))
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) if e.code == "NoSuchTagSet" => Ok(BTreeMap::new()),
        Err(e) => Err(e),
    }
}

/// Brings the bucket's tags from `old` to `new`, keeping tags neither side manages (as the
/// provider does: S3 replaces the whole tag set at once).
pub async fn update_s3_tags(
    c: &AwsClient,
    bucket: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let current = match c.s3.get_bucket_tagging().bucket(bucket).send().await.aws() {
        Ok(out) => out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
        Err(e) if e.code == "NoSuchTagSet" => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    let mut want: BTreeMap<String, String> = current
        .into_iter()
        .filter(|(k, _)| !old.contains_key(k) && !new.contains_key(k))
        .collect();
    let unmanaged = want.len();
    want.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
    if !want.is_empty() {
        let mut tagging = Tagging::builder();
        for (k, v) in &want {
            let tag = Tag::builder().key(k).value(v).build();
            tagging =
                tagging.tag_set(tag.map_err(|e| AwsError::local("InvalidTag", e.to_string()))?);
        }
        let tagging = tagging
            .build()
            .map_err(|e| AwsError::local("InvalidTag", e.to_string()))?;
        c.s3.put_bucket_tagging()
            .bucket(bucket)
            .tagging(tagging)
            .send()
            .await
            .aws()?;
    } else if !old.is_empty() && unmanaged == 0 {
        c.s3.delete_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .aws()?;
    }
    Ok(())
}

/// The text of XML element `name` in `xml`, when present.
fn xml_element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + end])
}

/// The bucket's versioning `(Status, MfaDelete)` as S3 reports them (absent when never set).
///
/// Some S3-compatible servers (moto 5.2) name the answer's root element
/// `GetBucketVersioningResponse` instead of `VersioningConfiguration`, which the SDK rejects;
/// such an answer is read from the raw response instead.
pub async fn bucket_versioning(
    c: &AwsClient,
    bucket: &str,
    owner: Option<&str>,
) -> Result<(Option<String>, Option<String>), AwsError> {
    use aws_smithy_runtime_api::client::result::SdkError;
    let res =
        c.s3.get_bucket_versioning()
            .bucket(bucket)
            .set_expected_bucket_owner(owner.map(str::to_string))
            .send()
            .await;
    match res {
        Ok(out) => Ok((
            out.status().map(|s| s.as_str().to_string()),
            out.mfa_delete().map(|m| m.as_str().to_string()),
        )),
        Err(SdkError::ServiceError(se))
            if se.raw().status().is_success()
                && se.raw().body().bytes().is_some_and(|b| {
                    String::from_utf8_lossy(b).contains("<GetBucketVersioningResponse")
                }) =>
        {
            let body = se.raw().body().bytes().unwrap_or_default();
            let xml = String::from_utf8_lossy(body);
            Ok((
                xml_element(&xml, "Status").map(str::to_string),
                xml_element(&xml, "MfaDelete").map(str::to_string),
            ))
        }
        Err(e) => Err(AwsError::from_sdk(e)),
    }
}

/// Deletes every object version and delete marker in the bucket, a page at a time; returns
/// how many were deleted.
pub async fn empty_bucket(
    c: &AwsClient,
    bucket: &str,
    bypass_lock: bool,
) -> Result<usize, AwsError> {
    let mut deleted = 0;
    let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
    loop {
        let page =
            c.s3.list_object_versions()
                .bucket(bucket)
                .set_key_marker(key_marker.take())
                .set_version_id_marker(version_marker.take())
                .send()
                .await
                .aws()?;
        let mut ids = Vec::new();
        let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
        let markers = page
            .delete_markers()
            .iter()
            .map(|m| (m.key(), m.version_id()));
        for (key, version) in versions.chain(markers) {
            let Some(key) = key else { continue };
            let id = ObjectIdentifier::builder()
                .key(key)
                .set_version_id(version.map(str::to_string))
                .build()
                .map_err(|e| AwsError::local("InvalidObject", e.to_string()))?;
            ids.push(id);
        }
        if !ids.is_empty() {
            let n = ids.len();
            let delete = Delete::builder()
                .set_objects(Some(ids))
                .quiet(true)
                .build()
                .map_err(|e| AwsError::local("InvalidDelete", e.to_string()))?;
            let out =
                c.s3.delete_objects()
                    .bucket(bucket)
                    .delete(delete)
                    .set_bypass_governance_retention(bypass_lock.then_some(true))
                    .send()
                    .await
                    .aws()?;
            if let Some(err) = out.errors().first() {
                return Err(AwsError::local(
                    err.code().unwrap_or("DeleteObjectsError"),
                    format!(
                        "deleting object {:?} (version {:?}): {}",
                        err.key().unwrap_or_default(),
                        err.version_id().unwrap_or_default(),
                        err.message().unwrap_or_default()
                    ),
                ));
            }
            deleted += n;
        }
        if page.is_truncated() != Some(true) {
            return Ok(deleted);
        }
        key_marker = page.next_key_marker().map(str::to_string);
        version_marker = page.next_version_id_marker().map(str::to_string);
        if key_marker.is_none() && version_marker.is_none() {
            return Ok(deleted);
        }
    }
}
