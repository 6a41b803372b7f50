//! The gcs backend, with Terraform's layout on Google Cloud Storage: workspace `W`'s state
//! is the object `PREFIX/W.tfstate` of the bucket, its lock the object `PREFIX/W.tflock`,
//! created only if absent (`ifGenerationMatch=0`) and holding the lock info JSON (its `Path`
//! the lock's `gs://` URL); the lock's ID is the lock object's generation, as Terraform's.
//! Workspaces are the `*.tfstate` objects directly under the prefix.
//!
//! Object reads and conditional writes go through the official client
//! (`google-cloud-storage`); listing, metadata and deletes through the JSON API (the client
//! does those over gRPC, which fake-gcs-server does not serve). Snapshots are written with
//! `ifGenerationMatch` of the generation read, so a concurrent writer is detected, never
//! overwritten.

mod auth;
mod lock;

/// The credentials of the backend's settings, also used by `gcs::` module sources.
pub use auth::Auth;

use crate::codec;
use crate::error::{Result, StateError};
use crate::remote::{self, classify, Try};
use crate::rules::Expected;
use crate::seams::{Encryptor, Plaintext, StateStore, DEFAULT_WORKSPACE};
use async_trait::async_trait;
use google_cloud_storage::client::Storage;
use std::sync::Arc;

/// The arguments of `backend "gcs" {}`, named as Terraform names them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct GcsSettings {
    /// `bucket`.
    pub bucket: String,
    /// `prefix`: the folder of the state objects (leading `/` dropped, as Terraform does).
    pub prefix: String,
    /// `credentials`: a service account key, as a file path or its JSON contents.
    pub credentials: Option<String>,
    /// `access_token`: an OAuth 2.0 access token (wins over `credentials`).
    pub access_token: Option<String>,
    /// `storage_custom_endpoint`: the JSON API's URL (`https://HOST/storage/v1/`, or just
    /// `http://HOST`), how tests reach fake-gcs-server. Anonymous when set without keys.
    pub storage_custom_endpoint: Option<String>,
}

impl std::fmt::Debug for GcsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys and tokens are never printed.
        f.debug_struct("GcsSettings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("storage_custom_endpoint", &self.storage_custom_endpoint)
            .finish_non_exhaustive()
    }
}

/// State in a GCS bucket.
pub struct GcsStore {
    bucket: String,
    /// `PREFIX/` (or empty).
    prefix: String,
    /// `https://storage.googleapis.com` or the endpoint override, without a path.
    base: String,
    storage: Storage,
    http: reqwest::Client,
    auth: auth::Auth,
    encryptor: Arc<dyn Encryptor>,
}

impl GcsStore {
    /// The store the settings describe (no request is made yet).
    pub async fn new(settings: &GcsSettings) -> Result<GcsStore> {
        if settings.bucket.is_empty() {
            return Err(StateError::Remote("the gcs backend needs a bucket".into()));
        }
        let mut prefix = settings.prefix.trim_start_matches('/').to_string();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        let base = match &settings.storage_custom_endpoint {
            Some(e) => e
                .trim_end_matches('/')
                .trim_end_matches("/storage/v1")
                .to_string(),
            None => "https://storage.googleapis.com".to_string(),
        };
        let auth = auth::Auth::new(settings)?;
        let storage = Storage::builder()
            .with_endpoint(base.clone())
            .with_credentials(auth.credentials())
            .build()
            .await
            .map_err(|e| StateError::Remote(format!("cannot set up the GCS client: {e}")))?;
        Ok(GcsStore {
            bucket: settings.bucket.clone(),
            prefix,
            base,
            storage,
            http: reqwest::Client::new(),
            auth,
            encryptor: Arc::new(Plaintext),
        })
    }

    /// The same store, reading stored snapshots through `encryptor` for the overwrite check.
    pub fn with_encryptor(self, encryptor: Arc<dyn Encryptor>) -> GcsStore {
        GcsStore { encryptor, ..self }
    }

    /// The state object of `workspace` (`PREFIX/W.tfstate`).
    pub fn state_object(&self, workspace: &str) -> Result<String> {
        check_name(workspace)?;
        Ok(format!("{}{workspace}.tfstate", self.prefix))
    }

    /// The lock object of `workspace` (`PREFIX/W.tflock`).
    pub fn lock_object(&self, workspace: &str) -> Result<String> {
        check_name(workspace)?;
        Ok(format!("{}{workspace}.tflock", self.prefix))
    }

    fn bucket_path(&self) -> String {
        format!("projects/_/buckets/{}", self.bucket)
    }

    fn object_url(&self, name: &str) -> String {
        format!(
            "{}/storage/v1/b/{}/o/{}",
            self.base,
            self.bucket,
            encode(name)
        )
    }

    /// `name`'s bytes and generation, `None` when it does not exist.
    async fn get(&self, name: &str) -> Result<Option<(Vec<u8>, i64)>> {
        remote::retry(&format!("reading gs://{}/{name}", self.bucket), || async {
            let read = self
                .storage
                .read_object(self.bucket_path(), name)
                .send()
                .await;
            let mut resp = match read {
                Ok(r) => r,
                Err(e) => {
                    return gcs_error(e).map_or_else(Try::Again, |f| Try::Done(f.map(|()| None)))
                }
            };
            let generation = resp.object().generation;
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.next().await {
                match chunk {
                    Ok(c) => bytes.extend_from_slice(&c),
                    Err(e) => return Try::Again(e.to_string()),
                }
            }
            Try::Done(Ok(Some((bytes, generation))))
        })
        .await
    }

    /// Writes `bytes` to `name` if its generation is still `generation` (0: absent); the new
    /// generation, or `None` when the precondition failed.
    async fn put_if(&self, name: &str, bytes: &[u8], generation: i64) -> Result<Option<i64>> {
        remote::retry(&format!("writing gs://{}/{name}", self.bucket), || async {
            let payload = bytes::Bytes::copy_from_slice(bytes);
            let written = self
                .storage
                .write_object(self.bucket_path(), name, payload)
                .set_if_generation_match(generation)
                .set_content_type("application/json")
                // A checksum known up front goes in the metadata part, not in a trailing
                // third part (which fake-gcs-server would store as content).
                .with_known_crc32c(crc32c::crc32c(bytes))
                .send_unbuffered()
                .await;
            match written {
                Ok(o) => Try::Done(Ok(Some(o.generation))),
                Err(e) if e.http_status_code() == Some(412) => Try::Done(Ok(None)),
                Err(e) => gcs_error(e).map_or_else(Try::Again, |f| {
                    Try::Done(f.and(Err(StateError::Remote("unexpected answer".into()))))
                }),
            }
        })
        .await
    }

    /// Deletes `name` (when its generation is `generation`, if given); `false` when it did
    /// not exist.
    async fn delete_object(&self, name: &str, generation: Option<i64>) -> Result<bool> {
        let mut url = self.object_url(name);
        if let Some(g) = generation {
            url.push_str(&format!("?ifGenerationMatch={g}"));
        }
        remote::retry(&format!("deleting gs://{}/{name}", self.bucket), || async {
            let req = self.auth.apply(self.http.delete(&url)).await;
            let resp = match classify(req.send().await) {
                Ok(r) => r,
                Err(t) => return retry_of(t),
            };
            match resp.status().as_u16() {
                200..=299 => Try::Done(Ok(true)),
                404 => Try::Done(Ok(false)),
                s => Try::Done(Err(StateError::Remote(format!(
                    "deleting gs://{}/{name}: HTTP {s}",
                    self.bucket
                )))),
            }
        })
        .await
    }
}

/// A workspace name that is one path segment.
fn check_name(workspace: &str) -> Result<()> {
    if workspace.is_empty() || workspace.contains('/') {
        return Err(StateError::InvalidWorkspace(workspace.to_string()));
    }
    Ok(())
}

/// Percent-encodes an object name for a JSON API path.
fn encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A client error as: `Err(message)` to retry, `Ok(Ok(()))` for "not found", `Ok(Err(e))`
/// for a final failure.
fn gcs_error(e: google_cloud_storage::Error) -> std::result::Result<Result<()>, String> {
    match e.http_status_code() {
        Some(404) => Ok(Ok(())),
        Some(s) if !remote::transient(s) => {
            Ok(Err(StateError::Remote(format!("Cloud Storage: {e}"))))
        }
        _ => Err(e.to_string()),
    }
}

#[async_trait]
impl StateStore for GcsStore {
    fn location(&self, workspace: &str) -> String {
        format!("gs://{}/{}{workspace}.tfstate", self.bucket, self.prefix)
    }

    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .get(&self.state_object(workspace)?)
            .await?
            .map(|(b, _)| b))
    }

    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        let name = self.state_object(workspace)?;
        // Read, check, write if unchanged; a writer that slipped in between is seen on the
        // next round (and refused by the check).
        for _ in 0..remote::ATTEMPTS {
            let (current, generation) = match self.get(&name).await? {
                Some((b, g)) => (Some(b), g),
                None => (None, 0),
            };
            if let Some(current) = current {
                if current == bytes {
                    return Ok(()); // a retried write that had landed
                }
                let stored = self
                    .encryptor
                    .decrypt(current)
                    .and_then(|p| codec::stamp(&p));
                if let Ok(stored) = stored {
                    expected.check(&stored, &self.location(workspace))?;
                }
            }
            if self.put_if(&name, bytes, generation).await?.is_some() {
                return Ok(());
            }
        }
        Err(StateError::Remote(format!(
            "{}: the state kept changing while it was written",
            self.location(workspace)
        )))
    }

    async fn delete(&self, workspace: &str) -> Result<()> {
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::Remote(format!(
                "cowardly refusing to delete the {workspace:?} state"
            )));
        }
        self.delete_object(&self.state_object(workspace)?, None)
            .await?;
        Ok(())
    }

    async fn list(&self) -> Result<Vec<String>> {
        let mut names = vec![DEFAULT_WORKSPACE.to_string()];
        let mut page: Option<String> = None;
        loop {
            let listed = self.list_page(page.as_deref()).await?;
            for item in listed["items"].as_array().into_iter().flatten() {
                let full = item["name"].as_str().unwrap_or_default();
                let base = full.rsplit('/').next().unwrap_or_default();
                if let Some(ws) = base.strip_suffix(".tfstate") {
                    if ws != DEFAULT_WORKSPACE && full == format!("{}{base}", self.prefix) {
                        names.push(ws.to_string());
                    }
                }
            }
            page = listed["nextPageToken"].as_str().map(str::to_string);
            if page.is_none() {
                break;
            }
        }
        names[1..].sort();
        Ok(names)
    }
}

impl GcsStore {
    async fn list_page(&self, token: Option<&str>) -> Result<serde_json::Value> {
        let url = format!("{}/storage/v1/b/{}/o", self.base, self.bucket);
        let mut query = vec![("prefix", self.prefix.clone()), ("delimiter", "/".into())];
        if let Some(t) = token {
            query.push(("pageToken", t.to_string()));
        }
        remote::retry(
            &format!("listing gs://{}/{}", self.bucket, self.prefix),
            || async {
                let req = self.auth.apply(self.http.get(&url).query(&query)).await;
                let resp = match classify(req.send().await) {
                    Ok(r) => r,
                    Err(t) => return retry_of(t),
                };
                if !resp.status().is_success() {
                    let s = resp.status();
                    return Try::Done(Err(StateError::Remote(format!(
                        "querying Cloud Storage failed: HTTP {s}"
                    ))));
                }
                match resp.json::<serde_json::Value>().await {
                    Ok(v) => Try::Done(Ok(v)),
                    Err(e) => Try::Again(e.to_string()),
                }
            },
        )
        .await
    }
}

/// The `Again` of a classified failure, as a `Try` of any type.
fn retry_of<T>(t: Try<()>) -> Try<T> {
    match t {
        Try::Again(m) => Try::Again(m),
        Try::Done(r) => Try::Done(r.and(Err(StateError::Remote("unexpected answer".into())))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_follow_terraforms_layout() {
        assert_eq!(encode("env/a b.tfstate"), "env%2Fa%20b.tfstate");
        assert!(check_name("a/b").is_err() && check_name("").is_err());
        assert!(!format!(
            "{:?}",
            GcsSettings {
                access_token: Some("secret".into()),
                ..GcsSettings::default()
            }
        )
        .contains("secret"));
    }
}
