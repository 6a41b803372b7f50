//! The objects of a `google_storage_bucket` as an [`ObjectStore`]: what a migration copies
//! out of or into Cloud Storage. Listing goes through the JSON API (google-cloud-storage
//! lists over gRPC, which fake-gcs-server does not serve); reads stream the media download
//! of google-cloud-storage chunk by chunk. Writes are google-cloud-storage's single-request
//! upload with the MD5 and CRC32C known up front (the server checks the data against them):
//! the whole object up to [`PART_SIZE`], else each [`PART_SIZE`] part as a temporary object,
//! composed into the object (32 at a time, Cloud Storage's limit) and then deleted; the
//! composite's CRC32C is checked against the bytes sent (Cloud Storage keeps no MD5 of a
//! composite). Resumable uploads are not used: fake-gcs-server 1.54 answers their session
//! URL without its port.

use crate::client::GcpError;
use crate::jsonapi::{escape, JsonApi};
use crate::storage::list_pages;
use async_trait::async_trait;
use autostack_provider_sdk::objects::{
    md5_from_base64, ObjectInfo, ObjectReader, ObjectStore, Parts,
};
use autostack_provider_sdk::CloudError;
use autostack_value::Diagnostics;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use google_cloud_storage::client::Storage;
use md5::{Digest, Md5};

/// What an upload holds in memory at most: the largest object written in one request, and
/// the size of the parts a larger one is composed of.
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// The most source objects one compose call takes.
const COMPOSE_MAX: usize = 32;

/// One Cloud Storage bucket's objects.
pub struct GcsObjects {
    storage: Storage,
    json: JsonApi,
    bucket: String,
}

impl GcsObjects {
    /// The objects of `bucket`, data through `storage`, listing through `json`.
    pub fn new(storage: Storage, json: JsonApi, bucket: &str) -> GcsObjects {
        GcsObjects {
            storage,
            json,
            bucket: bucket.to_string(),
        }
    }

    fn bucket_path(&self) -> String {
        format!("projects/_/buckets/{}", self.bucket)
    }

    fn fail(&self, what: &str, key: &str, e: GcpError) -> Diagnostics {
        let action = format!("{what} gs://{}/{key}", self.bucket);
        Diagnostics::from(e.diagnostic(&action))
    }
}

/// An object of a JSON-API listing.
fn listed(o: &serde_json::Value) -> ObjectInfo {
    let text = |k: &str| o[k].as_str().unwrap_or_default();
    ObjectInfo {
        key: text("name").to_string(),
        size: text("size").parse().unwrap_or(0),
        md5: md5_from_base64(text("md5Hash")),
        content_type: Some(text("contentType"))
            .filter(|t| !t.is_empty())
            .map(str::to_string),
    }
}

#[async_trait]
impl ObjectStore for GcsObjects {
    fn location(&self) -> String {
        format!("gs://{}", self.bucket)
    }

    async fn list(&self) -> Result<Vec<ObjectInfo>, Diagnostics> {
        let url = format!(
            "{}b/{}/o?maxResults=1000",
            self.json.storage,
            escape(&self.bucket)
        );
        let items = list_pages(&self.json, &url)
            .await
            .map_err(|e| self.fail("listing", "", e))?;
        Ok(items.iter().map(listed).collect())
    }

    async fn open(&self, key: &str) -> Result<Box<dyn ObjectReader>, Diagnostics> {
        let read = self
            .storage
            .read_object(self.bucket_path(), key)
            .send()
            .await;
        let response = read.map_err(|e| self.fail("reading", key, e.into()))?;
        Ok(Box::new(GcsReader {
            response,
            location: format!("gs://{}/{key}", self.bucket),
        }))
    }

    async fn put(
        &self,
        info: &ObjectInfo,
        body: Box<dyn ObjectReader>,
    ) -> Result<ObjectInfo, Diagnostics> {
        let mut parts = Parts::new(body);
        let first = parts.next_part(PART_SIZE).await?.unwrap_or_default();
        if first.len() < PART_SIZE {
            return self.put_whole(info, &info.key, first).await;
        }
        let Some(second) = parts.next_part(PART_SIZE).await? else {
            return self.put_whole(info, &info.key, first).await;
        };
        let mut names = Vec::new();
        let made = self
            .compose_parts(info, vec![first, second], parts, &mut names)
            .await;
        for name in &names {
            // Best effort: a leftover part is a stray temporary object, not a wrong one.
            let _ = self.json.delete(&self.object_url(name)).await;
        }
        made
    }
}

impl GcsObjects {
    fn object_url(&self, key: &str) -> String {
        format!(
            "{}b/{}/o/{}",
            self.json.storage,
            escape(&self.bucket),
            escape(key)
        )
    }

    /// One single-request upload of `bytes` as `name`, its MD5 and CRC32C sent with it.
    async fn put_whole(
        &self,
        info: &ObjectInfo,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<ObjectInfo, Diagnostics> {
        let (crc, md5) = (crc32c::crc32c(&bytes), Md5::digest(&bytes).to_vec());
        let mut write = (self.storage)
            .write_object(self.bucket_path(), name, bytes::Bytes::from(bytes))
            .with_known_crc32c(crc)
            .with_known_md5_hash(md5);
        if let Some(t) = &info.content_type {
            write = write.set_content_type(t.clone());
        }
        let made = write.send_unbuffered().await;
        let made = made.map_err(|e| self.fail("writing", name, e.into()))?;
        let md5 = made.checksums.as_ref().map(|c| c.md5_hash.to_vec());
        Ok(ObjectInfo {
            key: made.name,
            size: made.size.max(0) as u64,
            md5: md5.and_then(|m| m.try_into().ok()),
            content_type: Some(made.content_type).filter(|t| !t.is_empty()),
        })
    }

    /// Uploads each part as a temporary object (named into `names`) and composes them into
    /// the object, checking the result's CRC32C against the bytes sent.
    async fn compose_parts(
        &self,
        info: &ObjectInfo,
        ahead: Vec<Vec<u8>>,
        mut parts: Parts,
        names: &mut Vec<String>,
    ) -> Result<ObjectInfo, Diagnostics> {
        let (mut crc, mut ahead) = (0u32, ahead.into_iter());
        let (mut batch, mut made): (Vec<String>, Option<serde_json::Value>) = (Vec::new(), None);
        loop {
            let part = match ahead.next() {
                Some(p) => Some(p),
                None => parts.next_part(PART_SIZE).await?,
            };
            let last = part.is_none();
            if let Some(part) = part {
                crc = crc32c::crc32c_append(crc, &part);
                let name = format!("{}.autostack-part-{:05}", info.key, names.len());
                let temp = ObjectInfo {
                    content_type: None,
                    ..info.clone()
                };
                self.put_whole(&temp, &name, part).await?;
                names.push(name.clone());
                batch.push(name);
            }
            if batch.len() == COMPOSE_MAX || (last && !batch.is_empty()) {
                // After the first compose, the object so far is the first source.
                let mut sources = std::mem::take(&mut batch);
                if made.is_some() {
                    sources.insert(0, info.key.clone());
                }
                made = Some(self.compose(info, &sources).await?);
            }
            if last {
                return match &made {
                    Some(m) => self.check_crc(info, m, crc),
                    None => Err(self.error(info, "nothing to compose".into())),
                };
            }
        }
    }

    /// Composes `sources` (in order) into the object.
    async fn compose(
        &self,
        info: &ObjectInfo,
        sources: &[String],
    ) -> Result<serde_json::Value, Diagnostics> {
        let body = serde_json::json!({
            "sourceObjects": sources.iter().map(|n| serde_json::json!({"name": n})).collect::<Vec<_>>(),
            "destination": {"contentType": info.content_type.clone().unwrap_or_else(|| "application/octet-stream".into())},
        });
        let url = format!("{}/compose", self.object_url(&info.key));
        (self.json.post(&url, &body).await).map_err(|e| self.fail("composing", &info.key, e))
    }

    /// The composed object as listed, once its CRC32C matches the bytes sent.
    fn check_crc(
        &self,
        info: &ObjectInfo,
        made: &serde_json::Value,
        crc: u32,
    ) -> Result<ObjectInfo, Diagnostics> {
        let stored = made["crc32c"].as_str().unwrap_or_default();
        let sent = B64.encode(crc.to_be_bytes());
        match stored.is_empty() || stored == sent {
            true => Ok(listed(made)),
            false => Err(self.error(
                info,
                format!("stored CRC32C {stored}, the bytes sent have {sent}"),
            )),
        }
    }

    fn error(&self, info: &ObjectInfo, what: String) -> Diagnostics {
        self.fail("writing", &info.key, GcpError::local("dataLoss", what))
    }
}

/// A media download, handed out as the network delivers it.
struct GcsReader {
    response: google_cloud_storage::read_object::ReadObjectResponse,
    location: String,
}

#[async_trait]
impl ObjectReader for GcsReader {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Diagnostics> {
        match self.response.next().await {
            None => Ok(None),
            Some(Ok(bytes)) => Ok(Some(bytes.to_vec())),
            Some(Err(e)) => {
                let e = GcpError::from(e);
                Err(Diagnostics::from(
                    e.diagnostic(&format!("reading {}", self.location)),
                ))
            }
        }
    }
}
