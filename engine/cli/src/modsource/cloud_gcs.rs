//! `gcs::` packages through the Cloud Storage JSON API (see `cloud.rs`).

use super::write_objects;
use autostack_state::gcs::{Auth, GcsSettings};
use reqwest::Url;
use std::path::Path;

/// The API base, the bucket and the object path of a `gcs::` URL.
struct GcsUrl {
    base: String,
    bucket: String,
    path: String,
    emulated: bool,
}

fn parse(url: &str) -> Result<GcsUrl, String> {
    let bad = || "URL is not a valid GCS URL".to_string();
    let u = Url::parse(url).map_err(|_| bad())?;
    let host = u.host_str().unwrap_or("");
    if !host.contains("googleapis.com") || host.split('.').count() != 3 {
        return Err(bad());
    }
    // /storage/v1/BUCKET/PATH
    let parts: Vec<&str> = u.path().splitn(5, '/').collect();
    if parts.len() != 5 || parts[4].is_empty() {
        return Err(bad());
    }
    let emulator = std::env::var("STORAGE_EMULATOR_HOST")
        .ok()
        .filter(|h| !h.is_empty());
    let base = match &emulator {
        Some(h) if h.contains("://") => h.trim_end_matches('/').to_string(),
        Some(h) => format!("http://{}", h.trim_end_matches('/')),
        None => "https://storage.googleapis.com".to_string(),
    };
    Ok(GcsUrl {
        base,
        bucket: parts[3].to_string(),
        path: parts[4].to_string(),
        emulated: emulator.is_some(),
    })
}

/// A client and the credentials Google's libraries would pick (anonymous on an emulator).
struct Api {
    http: reqwest::Client,
    auth: Auth,
    g: GcsUrl,
}

impl Api {
    fn new(url: &str) -> Result<Api, String> {
        let g = parse(url)?;
        let settings = GcsSettings {
            bucket: g.bucket.clone(),
            access_token: std::env::var("GOOGLE_OAUTH_ACCESS_TOKEN").ok(),
            storage_custom_endpoint: g.emulated.then(|| g.base.clone()),
            ..GcsSettings::default()
        };
        let auth = Auth::new(&settings).map_err(|e| e.to_string())?;
        Ok(Api {
            http: reqwest::Client::new(),
            auth,
            g,
        })
    }

    fn url(&self, object: Option<&str>) -> Result<Url, String> {
        let mut u = Url::parse(&self.g.base).map_err(|e| e.to_string())?;
        u.path_segments_mut()
            .map_err(|_| "invalid storage endpoint".to_string())?
            .extend(["storage", "v1", "b", &self.g.bucket, "o"])
            .extend(object);
        Ok(u)
    }

    async fn send(&self, u: Url) -> Result<reqwest::Response, String> {
        let req = self.auth.apply(self.http.get(u.clone())).await;
        let resp = req
            .send()
            .await
            .map_err(|e| super::super::registry::error_chain(&e))?;
        match resp.status().is_success() {
            true => Ok(resp),
            false => Err(format!("{}: {}", u.path(), resp.status())),
        }
    }

    async fn object(&self, name: &str) -> Result<Vec<u8>, String> {
        let mut u = self.url(Some(name))?;
        u.set_query(Some("alt=media"));
        let resp = self.send(u).await?;
        Ok(resp.bytes().await.map_err(|e| e.to_string())?.to_vec())
    }

    async fn list(&self) -> Result<Vec<String>, String> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut u = self.url(None)?;
            u.query_pairs_mut().append_pair("prefix", &self.g.path);
            if let Some(t) = &token {
                u.query_pairs_mut().append_pair("pageToken", t);
            }
            let page: serde_json::Value = self
                .send(u)
                .await?
                .json()
                .await
                .map_err(|e| e.to_string())?;
            let items = page.get("items").and_then(|i| i.as_array());
            names.extend(
                items
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.get("name")?.as_str().map(str::to_string)),
            );
            token = page
                .get("nextPageToken")
                .and_then(|t| t.as_str())
                .map(str::to_string);
            if token.is_none() {
                return Ok(names);
            }
        }
    }
}

/// The object a `gcs::` URL names.
pub async fn gcs_file(url: &str) -> Result<Vec<u8>, String> {
    let api = Api::new(url)?;
    api.object(&api.g.path).await
}

/// Every object under a `gcs::` URL's path, written under `dest`.
pub async fn gcs_dir(url: &str, dest: &Path) -> Result<(), String> {
    let api = Api::new(url)?;
    let mut objects = Vec::new();
    for name in api.list().await?.into_iter().filter(|n| !n.ends_with('/')) {
        let bytes = api.object(&name).await?;
        objects.push((name[api.g.path.len()..].to_string(), bytes));
    }
    write_objects(dest, objects)
}
