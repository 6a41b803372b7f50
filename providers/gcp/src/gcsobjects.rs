//! The objects of a `google_storage_bucket` as an [`ObjectStore`]: what a migration copies
//! out of or into Cloud Storage. Listing goes through the JSON API (google-cloud-storage
//! lists over gRPC, which fake-gcs-server does not serve); reads stream the media download
//! of google-cloud-storage chunk by chunk; writes are its buffered upload (one request up
//! to [`UPLOAD_BUFFER`], else a resumable upload in [`UPLOAD_BUFFER`] pieces).

use crate::client::GcpError;
use crate::jsonapi::{escape, JsonApi};
use crate::storage::list_pages;
use async_trait::async_trait;
use autostack_provider_sdk::objects::{md5_from_base64, ObjectInfo, ObjectReader, ObjectStore};
use autostack_provider_sdk::CloudError;
use autostack_value::Diagnostics;
use google_cloud_storage::client::Storage;
use google_cloud_storage::streaming_source::{SizeHint, StreamingSource};

/// What an upload holds in memory at most: smaller objects go in one request, larger ones
/// in resumable pieces of this size (a multiple of the 256 KiB quantum).
pub const UPLOAD_BUFFER: usize = 8 * 1024 * 1024;

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
        let source = ReaderSource {
            reader: tokio::sync::Mutex::new(body),
            size: info.size,
        };
        let mut write = (self.storage)
            .write_object(self.bucket_path(), info.key.clone(), source)
            .with_resumable_upload_threshold(UPLOAD_BUFFER)
            .with_resumable_upload_buffer_size(UPLOAD_BUFFER);
        if let Some(t) = &info.content_type {
            write = write.set_content_type(t.clone());
        }
        let made = write.send_buffered().await;
        let made = made.map_err(|e| self.fail("writing", &info.key, e.into()))?;
        let md5 = made.checksums.as_ref().map(|c| c.md5_hash.to_vec());
        Ok(ObjectInfo {
            key: made.name,
            size: made.size.max(0) as u64,
            md5: md5.and_then(|m| m.try_into().ok()),
            content_type: Some(made.content_type).filter(|t| !t.is_empty()),
        })
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

/// An [`ObjectReader`] as google-cloud-storage's upload source (its size known from the
/// listing, so small objects go in one request).
struct ReaderSource {
    reader: tokio::sync::Mutex<Box<dyn ObjectReader>>,
    size: u64,
}

/// A failure of the reader behind an upload.
#[derive(Debug)]
struct SourceError(String);

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

impl StreamingSource for ReaderSource {
    type Error = SourceError;

    async fn next(&mut self) -> Option<Result<bytes::Bytes, SourceError>> {
        match self.reader.get_mut().chunk().await {
            Ok(Some(c)) => Some(Ok(bytes::Bytes::from(c))),
            Ok(None) => None,
            Err(d) => Some(Err(SourceError(d.to_string()))),
        }
    }

    async fn size_hint(&self) -> Result<SizeHint, SourceError> {
        Ok(SizeHint::with_exact(self.size))
    }
}
