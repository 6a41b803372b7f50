//! `google_storage_bucket_object`: an object in a bucket. Its data is uploaded with
//! google-cloud-storage (a multipart upload); its metadata is read and it is deleted through
//! the JSON API. A `content` or `source` whose MD5 no longer matches the object's plans a new
//! upload in place (hashicorp/google's customize-diff), so drift in the data shows.

use crate::prelude::*;
use crate::storage::{common_prefix, list_objects, object_url};
use autostack_provider_sdk::attrs::{attr, with_attrs};
use autostack_provider_sdk::registry::ValueRead;
use autostack_provider_sdk::{
    ActionExt, ApplyError, ChangeCtx, CloudError, ResourceSchema, ResourceType,
};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use md5::{Digest, Md5};
use std::collections::BTreeMap;

/// The `google_storage_bucket_object` resource type.
pub struct StorageBucketObject;

fn schema_block() -> Block {
    attributes! {
        "bucket": required(Type::String).force_new() => "The bucket.",
        "name": required(Type::String).force_new() => "The object's name.",
        "content": optional_computed(Type::String).sensitive() => "The data, as text (or use source).",
        "source": optional(Type::String).force_new() => "A local file to upload.",
        "cache_control": optional(Type::String).force_new() => "Cache-Control.",
        "content_disposition": optional(Type::String).force_new() => "Content-Disposition.",
        "content_encoding": optional(Type::String).force_new() => "Content-Encoding.",
        "content_language": optional(Type::String).force_new() => "Content-Language.",
        "content_type": optional_computed(Type::String).force_new() => "Content-Type.",
        "force_empty_content_type": optional(Type::Bool).force_new() => "Send an empty Content-Type.",
        "storage_class": optional_computed(Type::String).force_new() => "The object's storage class.",
        "kms_key_name": optional_computed(Type::String).force_new() => "A Cloud KMS key.",
        "metadata": optional(Type::map(Type::String)).force_new() => "User metadata.",
        "event_based_hold": optional(Type::Bool) => "An event-based hold.",
        "temporary_hold": optional(Type::Bool) => "A temporary hold.",
        "source_md5hash": optional(Type::String) => "The source's MD5 as the user computes it (forces an upload when it changes).",
        "detect_md5hash": optional(Type::String).default("different hash") => "Detects changes of the source.",
        "generation": computed(Type::Number) => "The object's generation.",
        "crc32c": computed(Type::String) => "CRC32C of the data (base64).",
        "md5hash": computed(Type::String) => "MD5 of the data (base64).",
        "md5hexhash": computed(Type::String) => "MD5 of the data (hex).",
        "self_link": computed(Type::String) => "The object's URI.",
        "output_name": computed(Type::String) => "The object's name.",
        "media_link": computed(Type::String) => "A link to the data.",
        "id": computed(Type::String) => "{bucket}-{name}.",
        "deletion_policy": optional_computed(Type::String) => "DELETE (the default) or ABANDON.",
    }
    .block("customer_encryption", Nesting::List, attributes! {
        "encryption_algorithm": optional(Type::String).force_new().default("AES256") => "The algorithm.",
        "encryption_key": required(Type::String).force_new().sensitive() => "The key (base64).",
    })
    .tune("customer_encryption", |n| n.max_items = 1)
    .block("retention", Nesting::List, attributes! {
        "retain_until_time": required(Type::String) => "Until when.",
        "mode": required(Type::String) => "Unlocked or Locked.",
    })
    .tune("retention", |n| n.max_items = 1)
    .block("contexts", Nesting::List, Block::new().block("custom", Nesting::List, attributes! {
        "key": required(Type::String) => "Key.",
        "value": required(Type::String) => "Value.",
        "create_time": computed(Type::String) => "Created.",
        "update_time": computed(Type::String) => "Updated.",
    }))
    .tune("contexts", |n| n.max_items = 1)
}

/// The object's data: `content`, or the file `source` names.
fn data(config: &Value) -> Result<Option<Vec<u8>>, String> {
    if let Some(c) = get_str(config, "content") {
        return Ok(Some(c.as_bytes().to_vec()));
    }
    match nonempty_str(config, "source") {
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|e| format!("reading source file {path:?}: {e}")),
        None => Ok(None),
    }
}

/// Base64 MD5, as Cloud Storage reports `md5Hash`.
pub fn md5_base64(bytes: &[u8]) -> String {
    B64.encode(Md5::digest(bytes))
}

fn hex(b64: &str) -> String {
    B64.decode(b64)
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn state(prior: &Value, o: &Json) -> Value {
    let md5 = s(o, "md5Hash");
    let mut out = Obj::from(prior)
        .str("id", format!("{}-{}", s(o, "bucket"), s(o, "name")))
        .set("generation", number(&o["generation"]))
        .str("crc32c", s(o, "crc32c"))
        .str("md5hash", md5)
        .str("md5hexhash", hex(md5))
        .str("self_link", s(o, "selfLink"))
        .str("output_name", s(o, "name"))
        .str("media_link", s(o, "mediaLink"))
        .str("content_type", s(o, "contentType"))
        .str("storage_class", s(o, "storageClass"))
        .str("kms_key_name", s(o, "kmsKeyName"))
        .echo_str("cache_control", o, "cacheControl")
        .echo_str("content_disposition", o, "contentDisposition")
        .echo_str("content_encoding", o, "contentEncoding")
        .echo_str("content_language", o, "contentLanguage")
        .echo_bool(prior, "event_based_hold", o, "eventBasedHold")
        .echo_bool(prior, "temporary_hold", o, "temporaryHold");
    let md = crate::wire::string_map(&o["metadata"]);
    if !md.is_empty() || get(prior, "metadata").is_some() {
        out = out.set("metadata", autostack_provider_sdk::attrs::map_value(&md));
    }
    if get_str(prior, "deletion_policy").is_none_or(str::is_empty) {
        out = out.str("deletion_policy", "DELETE");
    }
    out.finish()
}

#[async_trait]
impl ResourceType<GcpClient> for StorageBucketObject {
    fn name(&self) -> &'static str {
        "google_storage_bucket_object"
    }

    fn schema(&self) -> ResourceSchema {
        ResourceSchema {
            version: 0,
            block: schema_block(),
        }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let content = attr(config, "content").is_some();
        let source = attr(config, "source").is_some();
        match content == source {
            true => autostack_provider_sdk::attrs::error(
                "Invalid combination of arguments",
                "google_storage_bucket_object: exactly one of `content` and `source` must be set.",
            ),
            false => Diagnostics::new(),
        }
    }

    /// A local MD5 that differs from the object's plans a new upload (md5hash, crc32c and
    /// generation unknown).
    async fn plan(&self, _c: &GcpClient, mut p: PlanCtx<'_>) -> Result<PlanResponse, Diagnostics> {
        let pl = p.planned.planned.clone();
        if get(&pl, "deletion_policy").is_none_or(Value::is_unknown) {
            p.planned.planned = with_attrs(&pl, [("deletion_policy", Value::string("DELETE"))]);
        }
        let Some(prior) = p.prior() else {
            return Ok(p.planned);
        };
        let local = data(p.proposed()).ok().flatten().map(|d| md5_base64(&d));
        let stale = local.is_some_and(|l| Some(l.as_str()) != get_str(prior, "md5hash"))
            || autostack_provider_sdk::attrs::changed(prior, &p.planned.planned, "source_md5hash");
        if stale {
            let unknown = [
                ("md5hash", Type::String),
                ("md5hexhash", Type::String),
                ("crc32c", Type::String),
                ("generation", Type::Number),
                ("media_link", Type::String),
            ];
            p.planned.planned = with_attrs(
                &p.planned.planned,
                unknown.map(|(k, t)| (k, Value::Unknown(t))),
            );
        }
        Ok(p.planned)
    }

    async fn create(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let planned = ctx.planned;
        self.upload(c, planned, ctx.config).await?;
        let id = format!(
            "{}-{}",
            get_str(planned, "bucket").unwrap_or_default(),
            get_str(planned, "name").unwrap_or_default()
        );
        Ok(with_attrs(planned, [("id", Value::string(id))]))
    }

    async fn update(&self, c: &GcpClient, ctx: ChangeCtx<'_>) -> Result<Value, ApplyError> {
        let prior = ctx.prior;
        let planned = ctx.planned;
        if get(planned, "md5hash").is_none_or(Value::is_unknown) {
            self.upload(c, planned, ctx.config).await?;
        }
        let holds = ["event_based_hold", "temporary_hold"];
        if holds
            .iter()
            .any(|h| autostack_provider_sdk::attrs::changed(prior, planned, h))
        {
            let patch = json!({"eventBasedHold": get_bool(planned, "event_based_hold").unwrap_or(false), "temporaryHold": get_bool(planned, "temporary_hold").unwrap_or(false)});
            let (bucket, name) = (
                get_str(planned, "bucket").unwrap_or_default(),
                get_str(planned, "name").unwrap_or_default(),
            );
            c.json
                .patch(&object_url(c, bucket, name), &patch)
                .await
                .or_apply("updating Storage Bucket Object")?;
        }
        Ok(planned.clone())
    }

    async fn delete(&self, c: &GcpClient, prior: &Value) -> Result<(), ApplyError> {
        if get_str(prior, "deletion_policy") == Some("ABANDON") {
            return Ok(());
        }
        let (bucket, name) = (
            get_str(prior, "bucket").unwrap_or_default(),
            get_str(prior, "name").unwrap_or_default(),
        );
        let url = object_url(c, bucket, name);
        c.delete("deleting Storage Bucket Object", || c.json.delete(&url))
            .await
    }

    /// One object list per bucket, narrowed by the names' common prefix.
    async fn read_many(&self, c: &GcpClient, current: &[Value]) -> Vec<ValueRead> {
        let mut by_bucket: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for v in current {
            by_bucket
                .entry(get_str(v, "bucket").unwrap_or_default())
                .or_default()
                .push(get_str(v, "name").unwrap_or_default());
        }
        let mut found: HashMap<(String, String), Json> = HashMap::new();
        for (bucket, names) in by_bucket {
            match list_objects(c, bucket, &common_prefix(&names)).await {
                Ok(items) => found.extend(
                    items
                        .into_iter()
                        .map(|o| ((bucket.to_string(), s(&o, "name").to_string()), o)),
                ),
                Err(e) if e.is_not_found() => {}
                Err(e) => {
                    return current
                        .iter()
                        .map(|_| Err(e.diags("reading Storage Bucket Object")))
                        .collect()
                }
            }
        }
        current
            .iter()
            .map(|v| {
                let key = (
                    get_str(v, "bucket").unwrap_or_default().to_string(),
                    get_str(v, "name").unwrap_or_default().to_string(),
                );
                Ok(found.get(&key).map(|o| state(v, o)))
            })
            .collect()
    }

    async fn recover(&self, _c: &GcpClient, planned: &Value, _token: &str) -> ValueRead {
        Ok(Some(planned.clone()))
    }
}

impl StorageBucketObject {
    /// Uploads the data with google-cloud-storage's multipart upload.
    async fn upload(
        &self,
        c: &GcpClient,
        planned: &Value,
        config: &Value,
    ) -> Result<(), ApplyError> {
        let source = if get(config, "content").is_some() || get(config, "source").is_some() {
            config
        } else {
            planned
        };
        let bytes = data(source)
            .map_err(|e| ApplyError::new("Error uploading object", e))?
            .unwrap_or_default();
        let bucket = format!(
            "projects/_/buckets/{}",
            get_str(planned, "bucket").unwrap_or_default()
        );
        let name = get_str(planned, "name").unwrap_or_default().to_string();
        let upload = || {
            // Checksums known before the upload travel in the metadata part (and the server
            // checks the data against them); a streamed upload's trailing checksum part is
            // taken for data by fake-gcs-server.
            let mut w = c
                .storage
                .write_object(
                    bucket.clone(),
                    name.clone(),
                    bytes::Bytes::from(bytes.clone()),
                )
                .with_known_crc32c(crc32c::crc32c(&bytes))
                .with_known_md5_hash(Md5::digest(&bytes).to_vec());
            if let Some(v) = nonempty_str(planned, "content_type") {
                w = w.set_content_type(v)
            }
            if let Some(v) = nonempty_str(planned, "cache_control") {
                w = w.set_cache_control(v)
            }
            if let Some(v) = nonempty_str(planned, "content_disposition") {
                w = w.set_content_disposition(v)
            }
            if let Some(v) = nonempty_str(planned, "content_encoding") {
                w = w.set_content_encoding(v)
            }
            if let Some(v) = nonempty_str(planned, "content_language") {
                w = w.set_content_language(v)
            }
            if let Some(v) = nonempty_str(planned, "storage_class") {
                w = w.set_storage_class(v)
            }
            if let Some(md) = get(planned, "metadata") {
                w = w.set_metadata(autostack_provider_sdk::attrs::string_map(md))
            }
            async move { w.send_unbuffered().await.gcp() }
        };
        let made = c.call(upload).await.or_apply("uploading object")?;
        self.fix_metadata(c, planned, &made)
            .await
            .or_apply("uploading object")
    }

    /// Sets the HTTP metadata the upload did not keep (fake-gcs-server takes only the media
    /// part's own headers); a server that kept it gets no call.
    async fn fix_metadata(
        &self,
        c: &GcpClient,
        planned: &Value,
        made: &google_cloud_storage::model::Object,
    ) -> Result<(), GcpError> {
        let wanted = [
            ("contentType", "content_type", made.content_type.as_str()),
            ("cacheControl", "cache_control", made.cache_control.as_str()),
            (
                "contentDisposition",
                "content_disposition",
                made.content_disposition.as_str(),
            ),
            (
                "contentEncoding",
                "content_encoding",
                made.content_encoding.as_str(),
            ),
            (
                "contentLanguage",
                "content_language",
                made.content_language.as_str(),
            ),
        ];
        let mut patch = serde_json::Map::new();
        for (field, attr_name, got) in wanted {
            if let Some(want) = nonempty_str(planned, attr_name).filter(|w| *w != got) {
                patch.insert(field.into(), json!(want));
            }
        }
        if patch.is_empty() {
            return Ok(());
        }
        let (bucket, name) = (
            get_str(planned, "bucket").unwrap_or_default(),
            get_str(planned, "name").unwrap_or_default(),
        );
        c.json
            .patch(&object_url(c, bucket, name), &Json::Object(patch))
            .await
            .map(|_| ())
    }
}
