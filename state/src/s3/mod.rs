//! The S3 backend, with Terraform's layout: the default workspace's state at `key`, another
//! workspace's at `<workspace_key_prefix>/<name>/<key>` (prefix `env:` by default);
//! server-side encryption (`encrypt`, `kms_key_id`, `sse_customer_key`), `acl`, SHA-256
//! checksums unless `skip_s3_checksum`. With `dynamodb_table`, each write also records the
//! state's MD5 under `LockID = "<bucket>/<key>-md5"` (attribute `Digest`, hex), and a read
//! whose object does not match it is retried for 10 seconds, then refused, as Terraform
//! does. Locks are in [`lock`]: the `<key>.tflock` object and/or the DynamoDB item.
//!
//! AWS is reached through `autostack-aws-auth` (the AWS provider's credentials, roles,
//! endpoints and retries; the s3 backend retries 5 times by default, as Terraform's).
//! State versions (`state history`, `rollback`) are objects beside the state: [`versions`].

mod config;
mod lock;
mod versions;

pub use config::SCHEMA;

use crate::backends::{OpenOptions, Storage};
use crate::codec;
use crate::error::{Result, StateError};
use crate::rules::Expected;
use crate::seams::{Encryptor, StateStore, DEFAULT_WORKSPACE};
use async_trait::async_trait;
use autostack_aws_auth::{error_chain, retry_partition};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ObjectCannedAcl, ServerSideEncryption};
use config::S3Settings;
use futures::future::{BoxFuture, FutureExt, Shared};
use md5::{Digest, Md5};
use serde_json::{Map, Value as Json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The s3 backend's default `max_retries`.
const DEFAULT_RETRIES: u32 = 5;

/// State objects in an S3 bucket (cheap to clone: the SDK clients are shared handles).
#[derive(Clone)]
pub struct S3Store {
    s3: aws_sdk_s3::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    settings: S3Settings,
    encryptor: Arc<dyn Encryptor>,
    /// The serial and lineage of what this process last read or wrote, per workspace: a
    /// write checks against it instead of downloading the state again (under the lock nobody
    /// else writes; Terraform checks nothing there).
    seen: Arc<std::sync::Mutex<std::collections::HashMap<String, crate::codec::Stamp>>>,
    /// The credential check (STS GetCallerIdentity) started at open, `None` when skipped: the
    /// first requests run beside it rather than after it, and its failure is what they report.
    credentials: Option<CredentialCheck>,
}

/// The outcome of the credential check, awaited by as many requests as need it.
type CredentialCheck = Shared<BoxFuture<'static, std::result::Result<(), String>>>;

/// Opens the backend: AWS configuration as the provider builds it, credentials validated
/// through STS unless `skip_credentials_validation`.
pub async fn open(config: &Map<String, Json>, opts: &OpenOptions) -> Result<Storage> {
    let (settings, auth) = config::read(config)?;
    let auth_failure = |e: autostack_aws_auth::AuthError| StateError::Config(e.to_string());
    let sdk = auth
        .sdk_config(DEFAULT_RETRIES)
        .await
        .map_err(auth_failure)?;
    if sdk.region().is_none() {
        return Err(StateError::Config("Missing region value: the \"region\" attribute or the \"AWS_REGION\" or \"AWS_DEFAULT_REGION\" environment variables must be set.".into()));
    }
    let credentials = (!settings.skip_validation).then(|| {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&auth.sts_base(&sdk))
                .retry_partition(retry_partition("sts"))
                .build(),
        );
        let check = tokio::spawn(async move {
            sts.get_caller_identity().send().await.map(drop).map_err(|e| format!("Retrieving AWS account details: validating provider credentials: retrieving caller identity from STS: {}", error_chain(&e)))
        });
        async move { check.await.unwrap_or_else(|e| Err(e.to_string())) }
            .boxed()
            .shared()
    });
    let mut s3 = aws_sdk_s3::config::Builder::from(&sdk)
        .retry_partition(retry_partition("s3"))
        .force_path_style(settings.path_style);
    if let Some(url) = auth.endpoint("s3") {
        s3 = s3.endpoint_url(url);
    }
    let mut dynamodb =
        aws_sdk_dynamodb::config::Builder::from(&sdk).retry_partition(retry_partition("dynamodb"));
    if let Some(url) = auth.endpoint("dynamodb") {
        dynamodb = dynamodb.endpoint_url(url);
    }
    let store = S3Store {
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        dynamodb: aws_sdk_dynamodb::Client::from_conf(dynamodb.build()),
        settings,
        encryptor: opts.encryptor.clone(),
        seen: Arc::default(),
        credentials,
    };
    let store = Arc::new(store);
    let mut storage = Storage::remote(store.clone(), opts);
    // Versions live in the bucket beside the state (see [`versions`]).
    storage.versions = store;
    Ok(storage)
}

/// An SDK failure as the backend reports it: AWS's code and message, or the cause chain.
fn failure<E>(what: &str, e: &aws_sdk_s3::error::SdkError<E>) -> StateError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = match (e.code(), e.message()) {
        (Some(code), Some(m)) => format!("{code}: {m}"),
        (Some(code), None) => code.to_string(),
        _ => error_chain(e),
    };
    StateError::Remote(format!("{what}: {detail}"))
}

impl S3Store {
    /// Runs `op` beside the credential check (or alone when there is none); a failed check
    /// is the error, whatever `op` did.
    async fn checked<T>(&self, op: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        let Some(check) = &self.credentials else {
            return op.await;
        };
        let (checked, out) = tokio::join!(check.clone(), op);
        checked.map_err(StateError::Config)?;
        out
    }

    /// Remembers the stamp of `bytes`, the state of `workspace` as stored now (none: forgets,
    /// so the next write downloads what is there).
    fn saw(&self, workspace: &str, bytes: Option<&[u8]>) {
        let stamp = bytes.map(|b| {
            self.encryptor
                .decrypt(b.to_vec())
                .and_then(|p| codec::stamp(&p))
        });
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        match stamp {
            Some(Ok(stamp)) => seen.insert(workspace.to_string(), stamp),
            _ => seen.remove(workspace),
        };
    }

    /// The object key of `workspace`'s state (Terraform's `path`).
    fn path(&self, workspace: &str) -> String {
        if workspace == DEFAULT_WORKSPACE {
            return self.settings.key.clone();
        }
        let prefix = &self.settings.workspace_key_prefix;
        if prefix.is_empty() {
            format!("{workspace}/{}", self.settings.key)
        } else {
            format!(
                "{}/{workspace}/{}",
                prefix.trim_end_matches('/'),
                self.settings.key
            )
        }
    }

    /// The workspace a listed key belongs to (Terraform's `keyEnv`), if any.
    fn workspace_of(&self, key: &str) -> Option<String> {
        let prefix = &self.settings.workspace_key_prefix;
        let rest = if prefix.is_empty() {
            key
        } else {
            key.strip_prefix(&format!("{prefix}/"))?
        };
        let (name, tail) = rest.split_once('/')?;
        (tail == self.settings.key && !name.is_empty()).then(|| name.to_string())
    }

    /// `<bucket>/<path>`: the DynamoDB lock item's `LockID` and the lock info's `Path`.
    fn lock_path(&self, workspace: &str) -> String {
        format!("{}/{}", self.settings.bucket, self.path(workspace))
    }

    /// The object, `None` when there is none (or it is empty).
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let mut req = self.s3.get_object().bucket(&self.settings.bucket).key(key);
        if let Some((k, md5)) = self.customer_key() {
            req = req
                .sse_customer_algorithm("AES256")
                .sse_customer_key(k)
                .sse_customer_key_md5(md5);
        }
        match req.send().await {
            Ok(out) => {
                let body = out.body.collect().await.map_err(|e| {
                    StateError::Remote(format!("reading s3://{}/{key}: {e}", self.settings.bucket))
                })?;
                let bytes = body.into_bytes().to_vec();
                Ok((!bytes.is_empty()).then_some(bytes))
            }
            Err(e) if matches!(e.code(), Some("NoSuchKey" | "NotFound")) => Ok(None),
            Err(e) if e.code() == Some("NoSuchBucket") => Err(StateError::Remote(format!("S3 bucket {:?} does not exist.\n\nThe referenced S3 bucket must have been previously created. If the S3 bucket\nwas created within the last minute, please wait for a minute or two and try\nagain.", self.settings.bucket))),
            Err(e) => Err(failure(&format!("Unable to access object {key:?} in S3 bucket {:?}", self.settings.bucket), &e)),
        }
    }

    /// `sse_customer_key` with its MD5, both base64, when set.
    fn customer_key(&self) -> Option<(String, String)> {
        let key = self.settings.sse_customer_key.as_ref()?;
        let raw = aws_smithy_types::base64::decode(key).ok()?;
        Some((
            key.clone(),
            aws_smithy_types::base64::encode(Md5::digest(&raw)),
        ))
    }

    /// The state's digest recorded in DynamoDB (none without a table, or when unset).
    async fn recorded_md5(&self, workspace: &str) -> Option<Vec<u8>> {
        let table = self.settings.dynamodb_table.as_ref()?;
        let id = format!("{}-md5", self.lock_path(workspace));
        let out = self
            .dynamodb
            .get_item()
            .table_name(table)
            .key("LockID", AttributeValue::S(id))
            .projection_expression("LockID, Digest")
            .consistent_read(true)
            .send()
            .await
            .ok()?;
        let digest = out.item?.get("Digest")?.as_s().ok()?.clone();
        hex::decode(digest).ok().filter(|d| d.len() == 16)
    }

    async fn put_md5(&self, workspace: &str, sum: &[u8]) {
        let Some(table) = &self.settings.dynamodb_table else {
            return;
        };
        let id = format!("{}-md5", self.lock_path(workspace));
        // As Terraform: a failure to record the digest is only worth a warning.
        let _ = self
            .dynamodb
            .put_item()
            .table_name(table)
            .item("LockID", AttributeValue::S(id))
            .item("Digest", AttributeValue::S(hex::encode(sum)))
            .send()
            .await;
    }

    async fn put(&self, key: &str, body: Vec<u8>) -> Result<()> {
        let s = &self.settings;
        let mut req = self
            .s3
            .put_object()
            .bucket(&s.bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(body));
        if !s.skip_checksum {
            req = req.checksum_algorithm(ChecksumAlgorithm::Sha256);
        }
        if let Some((k, md5)) = self.customer_key() {
            req = req
                .sse_customer_algorithm("AES256")
                .sse_customer_key(k)
                .sse_customer_key_md5(md5);
        } else if s.encrypt {
            req = match &s.kms_key_id {
                Some(kms) => req
                    .server_side_encryption(ServerSideEncryption::AwsKms)
                    .ssekms_key_id(kms),
                None => req.server_side_encryption(ServerSideEncryption::Aes256),
            };
        }
        if let Some(acl) = &s.acl {
            req = req.acl(ObjectCannedAcl::from(acl.as_str()));
        }
        req.send()
            .await
            .map(drop)
            .map_err(|e| failure("failed to upload state", &e))
    }
}

#[async_trait]
impl StateStore for S3Store {
    fn location(&self, workspace: &str) -> String {
        format!("s3://{}/{}", self.settings.bucket, self.path(workspace))
    }

    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        self.checked(self.read_now(workspace)).await
    }

    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        self.checked(self.write_now(workspace, bytes, expected))
            .await
    }

    async fn delete(&self, workspace: &str) -> Result<()> {
        self.checked(self.delete_now(workspace)).await
    }

    async fn list(&self) -> Result<Vec<String>> {
        self.checked(self.list_now()).await
    }
}

/// The store's requests, made once the credentials are known good or beside that check.
impl S3Store {
    async fn read_now(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let data = self.get(&self.path(workspace)).await?;
            let Some(expected) = self.recorded_md5(workspace).await else {
                self.saw(workspace, data.as_deref());
                return Ok(data);
            };
            let actual = data
                .as_ref()
                .map(|d| Md5::digest(d).to_vec())
                .unwrap_or_default();
            if actual == expected {
                self.saw(workspace, data.as_deref());
                return Ok(data);
            }
            if Instant::now() >= deadline {
                return Err(StateError::Remote(format!("state data in S3 does not have the expected content.\n\nThe checksum calculated for the state stored in S3 does not match the checksum\nstored in DynamoDB.\n\nBucket: {}\nKey:    {}\nCalculated checksum: {}\nStored checksum:     {}\n\nThis may be caused by unusually long delays in S3 processing a previous state\nupdate. Please wait for a minute or two and try again.", self.settings.bucket, self.path(workspace), hex::encode(&actual), hex::encode(&expected))));
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }

    async fn write_now(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        let key = self.path(workspace);
        let known = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(workspace)
            .cloned();
        let stored = match known {
            Some(stamp) => Some(Ok(stamp)),
            None => self.get(&key).await?.map(|current| {
                self.encryptor
                    .decrypt(current)
                    .and_then(|p| codec::stamp(&p))
            }),
        };
        if let Some(Ok(stored)) = stored {
            expected.check(&stored, &self.location(workspace))?;
        }
        self.put(&key, bytes.to_vec()).await?;
        self.saw(workspace, Some(bytes));
        self.put_md5(workspace, &Md5::digest(bytes)).await;
        Ok(())
    }

    async fn delete_now(&self, workspace: &str) -> Result<()> {
        if workspace == DEFAULT_WORKSPACE || workspace.is_empty() {
            return Err(StateError::Remote("can't delete default state".into()));
        }
        let key = self.path(workspace);
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(workspace);
        self.s3
            .delete_object()
            .bucket(&self.settings.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| failure("deleting the state", &e))?;
        if let Some(table) = &self.settings.dynamodb_table {
            let id = format!("{}-md5", self.lock_path(workspace));
            let _ = self
                .dynamodb
                .delete_item()
                .table_name(table)
                .key("LockID", AttributeValue::S(id))
                .send()
                .await;
        }
        Ok(())
    }

    async fn list_now(&self) -> Result<Vec<String>> {
        let prefix = match self.settings.workspace_key_prefix.as_str() {
            "" => String::new(),
            p => format!("{p}/"),
        };
        let mut names = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.settings.bucket)
            .prefix(&prefix)
            .max_keys(1000)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                failure(
                    &format!(
                        "Unable to list objects in S3 bucket {:?} with prefix {prefix:?}",
                        self.settings.bucket
                    ),
                    &e,
                )
            })?;
            for obj in page.contents() {
                names.extend(obj.key().and_then(|k| self.workspace_of(k)));
            }
        }
        names.sort();
        Ok(std::iter::once(DEFAULT_WORKSPACE.to_string())
            .chain(names)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(prefix: &str) -> S3Store {
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .build();
        let ddb = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .build();
        S3Store {
            s3: aws_sdk_s3::Client::from_conf(conf),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(ddb),
            settings: S3Settings {
                bucket: "b".into(),
                key: "path/to/terraform.tfstate".into(),
                workspace_key_prefix: prefix.into(),
                ..S3Settings::default()
            },
            encryptor: Arc::new(crate::Plaintext),
            seen: Arc::default(),
            credentials: None,
        }
    }

    #[test]
    fn keys_are_laid_out_as_terraform_lays_them_out() {
        let s = store("env:");
        assert_eq!(s.path("default"), "path/to/terraform.tfstate");
        assert_eq!(s.path("dev"), "env:/dev/path/to/terraform.tfstate");
        assert_eq!(s.lock_path("dev"), "b/env:/dev/path/to/terraform.tfstate");
        assert_eq!(
            s.workspace_of("env:/dev/path/to/terraform.tfstate")
                .as_deref(),
            Some("dev")
        );
        assert_eq!(
            s.workspace_of("env:/dev/path/to/terraform.tfstate.tflock"),
            None
        );
        assert_eq!(s.workspace_of("path/to/terraform.tfstate"), None);
        let bare = store("");
        assert_eq!(bare.path("dev"), "dev/path/to/terraform.tfstate");
        assert_eq!(
            bare.workspace_of("dev/path/to/terraform.tfstate")
                .as_deref(),
            Some("dev")
        );
    }
}
