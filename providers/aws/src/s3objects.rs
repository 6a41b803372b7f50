//! The objects of an `aws_s3_bucket` as an [`ObjectStore`]: what a migration copies out of
//! or into S3. Listing pages through ListObjectsV2; reads stream the GetObject body chunk
//! by chunk; writes are one PutObject (with Content-MD5) up to [`PART_SIZE`], else a
//! multipart upload of [`PART_SIZE`] parts whose ETag is checked against the parts' MD5s.

use crate::client::{AwsError, AwsResultExt};
use async_trait::async_trait;
use autostack_provider_sdk::objects::{md5_from_hex, ObjectInfo, ObjectReader, ObjectStore, Parts};
use autostack_provider_sdk::CloudError;
use autostack_value::Diagnostics;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use md5::{Digest, Md5};

/// The size of a multipart upload's parts, and the largest object sent in one PutObject.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

/// One S3 bucket's objects.
pub struct S3Objects {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Objects {
    /// The objects of `bucket`, reached through `s3`.
    pub fn new(s3: aws_sdk_s3::Client, bucket: &str) -> S3Objects {
        S3Objects {
            s3,
            bucket: bucket.to_string(),
        }
    }

    fn fail(&self, what: &str, key: &str, e: AwsError) -> Diagnostics {
        let action = format!("{what} s3://{}/{key}", self.bucket);
        Diagnostics::from(e.diagnostic(&action))
    }

    /// One PutObject of the whole (small) body, checked by S3 against its Content-MD5.
    async fn put_single(&self, info: &ObjectInfo, body: Vec<u8>) -> Result<[u8; 16], Diagnostics> {
        let md5: [u8; 16] = Md5::digest(&body).into();
        let out = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(&info.key)
            .set_content_type(info.content_type.clone())
            .content_md5(B64.encode(md5))
            .body(ByteStream::from(body))
            .send()
            .await
            .aws()
            .map_err(|e| self.fail("writing", &info.key, e))?;
        match out.e_tag().and_then(md5_from_hex) {
            Some(etag) if etag != md5 => Err(self.fail(
                "writing",
                &info.key,
                AwsError::local(
                    "BadDigest",
                    "the stored ETag is not the MD5 of the bytes sent",
                ),
            )),
            _ => Ok(md5),
        }
    }

    /// A multipart upload of the parts already read (`ahead`) and the rest of `parts`;
    /// aborted when a step fails.
    async fn put_multipart(
        &self,
        info: &ObjectInfo,
        ahead: Vec<Vec<u8>>,
        parts: Parts,
    ) -> Result<[u8; 16], Diagnostics> {
        let created = self
            .s3
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(&info.key)
            .set_content_type(info.content_type.clone())
            .send()
            .await
            .aws()
            .map_err(|e| self.fail("starting the upload of", &info.key, e))?;
        let id = created.upload_id().unwrap_or_default().to_string();
        let sent = self.send_parts(info, &id, ahead, parts).await;
        if sent.is_err() {
            // Best effort: the failure reported is the part's, not the abort's.
            let abort = self.s3.abort_multipart_upload().bucket(&self.bucket);
            let _ = abort.key(&info.key).upload_id(&id).send().await;
        }
        sent
    }

    /// Uploads every part, completes the upload and checks its ETag (the MD5 of the parts'
    /// MD5s, `-N`); the whole content's MD5.
    async fn send_parts(
        &self,
        info: &ObjectInfo,
        id: &str,
        ahead: Vec<Vec<u8>>,
        mut parts: Parts,
    ) -> Result<[u8; 16], Diagnostics> {
        let (mut whole, mut of_parts, mut done) = (Md5::new(), Md5::new(), Vec::new());
        let mut ahead = ahead.into_iter();
        loop {
            let part = match ahead.next() {
                Some(p) => p,
                None => match parts.next_part(PART_SIZE).await? {
                    Some(p) => p,
                    None => break,
                },
            };
            let number = done.len() as i32 + 1;
            let md5: [u8; 16] = Md5::digest(&part).into();
            whole.update(&part);
            of_parts.update(md5);
            let out = (self.s3.upload_part().bucket(&self.bucket).key(&info.key))
                .upload_id(id)
                .part_number(number)
                .content_md5(B64.encode(md5))
                .body(ByteStream::from(part))
                .send()
                .await
                .aws()
                .map_err(|e| self.fail("writing a part of", &info.key, e))?;
            let etag = out.e_tag().map(str::to_string);
            done.push(
                CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(etag)
                    .build(),
            );
        }
        let n = done.len();
        let upload = CompletedMultipartUpload::builder()
            .set_parts(Some(done))
            .build();
        let out = (self.s3.complete_multipart_upload().bucket(&self.bucket))
            .key(&info.key)
            .upload_id(id)
            .multipart_upload(upload)
            .send()
            .await
            .aws()
            .map_err(|e| self.fail("completing the upload of", &info.key, e))?;
        let of_parts: [u8; 16] = of_parts.finalize().into();
        let want = format!("{}-{n}", hex(&of_parts));
        match out.e_tag().map(|t| t.trim_matches('"')) {
            Some(etag) if etag != want => Err(self.fail(
                "completing the upload of",
                &info.key,
                AwsError::local(
                    "BadDigest",
                    format!("ETag {etag}, the parts sent make {want}"),
                ),
            )),
            _ => Ok(whole.finalize().into()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[async_trait]
impl ObjectStore for S3Objects {
    fn location(&self) -> String {
        format!("s3://{}", self.bucket)
    }

    async fn list(&self) -> Result<Vec<ObjectInfo>, Diagnostics> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = (self.s3.list_objects_v2().bucket(&self.bucket))
                .set_continuation_token(token.take())
                .send()
                .await
                .aws()
                .map_err(|e| self.fail("listing", "", e))?;
            out.extend(page.contents().iter().map(|o| ObjectInfo {
                key: o.key().unwrap_or_default().to_string(),
                size: o.size().unwrap_or(0).max(0) as u64,
                md5: o.e_tag().and_then(md5_from_hex),
                content_type: None,
            }));
            token = page.next_continuation_token().map(str::to_string);
            if page.is_truncated() != Some(true) || token.is_none() {
                return Ok(out);
            }
        }
    }

    async fn open(&self, key: &str) -> Result<Box<dyn ObjectReader>, Diagnostics> {
        let out = (self.s3.get_object().bucket(&self.bucket).key(key))
            .send()
            .await
            .aws()
            .map_err(|e| self.fail("reading", key, e))?;
        Ok(Box::new(S3Reader {
            body: out.body,
            location: format!("s3://{}/{key}", self.bucket),
        }))
    }

    async fn put(
        &self,
        info: &ObjectInfo,
        body: Box<dyn ObjectReader>,
    ) -> Result<ObjectInfo, Diagnostics> {
        let mut parts = Parts::new(body);
        let first = parts.next_part(PART_SIZE).await?.unwrap_or_default();
        let md5 = match first.len() < PART_SIZE {
            true => self.put_single(info, first).await?,
            false => match parts.next_part(PART_SIZE).await? {
                None => self.put_single(info, first).await?,
                Some(second) => self.put_multipart(info, vec![first, second], parts).await?,
            },
        };
        let head = (self.s3.head_object().bucket(&self.bucket).key(&info.key))
            .send()
            .await
            .aws()
            .map_err(|e| self.fail("reading back", &info.key, e))?;
        Ok(ObjectInfo {
            key: info.key.clone(),
            size: head.content_length().unwrap_or(0).max(0) as u64,
            md5: Some(md5),
            content_type: head.content_type().map(str::to_string),
        })
    }
}

/// GetObject's body, handed out as the network delivers it.
struct S3Reader {
    body: ByteStream,
    location: String,
}

#[async_trait]
impl ObjectReader for S3Reader {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, Diagnostics> {
        match self.body.next().await {
            None => Ok(None),
            Some(Ok(bytes)) => Ok(Some(bytes.to_vec())),
            Some(Err(e)) => {
                let e = AwsError::local("ReadError", e.to_string());
                Err(Diagnostics::from(
                    e.diagnostic(&format!("reading {}", self.location)),
                ))
            }
        }
    }
}
