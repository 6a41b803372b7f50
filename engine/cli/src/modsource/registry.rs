//! The module registry protocol as Terraform speaks it: service discovery
//! (`https://HOST/.well-known/terraform.json` → `modules.v1`, or the CLI configuration's
//! `host` block), `GET BASE/NS/NAME/SYSTEM/versions`, `GET BASE/NS/NAME/SYSTEM/VERSION/download`
//! (204 with `X-Terraform-Get`, or 200 with it or with `{"location": …}`; relative locations
//! resolved against the download URL), bearer tokens from the CLI configuration.

use super::cliconfig::RegistryConfig;
use autostack_lang::config::module_source::RegistrySource;
use reqwest::Url;
use std::collections::HashMap;

/// Why a registry request failed.
#[derive(Debug)]
pub enum RegistryError {
    /// The registry does not know the module (404).
    NotFound,
    /// Anything else, in Terraform's words.
    Other(String),
}

/// A client of the module registries of every host a configuration names.
pub struct Registry {
    http: reqwest::Client,
    config: RegistryConfig,
    bases: HashMap<String, Url>,
    versions: HashMap<String, Vec<String>>,
}

impl Registry {
    /// A client with the CLI configuration's credentials and host overrides.
    pub fn new(config: RegistryConfig) -> Registry {
        Registry {
            http: reqwest::Client::new(),
            config,
            bases: HashMap::new(),
            versions: HashMap::new(),
        }
    }

    /// The `modules.v1` base URL of `host` (ending with `/`).
    async fn base(&mut self, host: &str) -> Result<Url, String> {
        if let Some(u) = self.bases.get(host) {
            return Ok(u.clone());
        }
        let discovery = Url::parse(&format!("https://{host}/.well-known/terraform.json"))
            .map_err(|e| format!("invalid registry host {host:?}: {e}"))?;
        let raw = match self.config.services(host) {
            Some(services) => services
                .get("modules.v1")
                .cloned()
                .ok_or_else(|| format!("host {host} does not provide a module registry"))?,
            None => self.discover(&discovery, host).await?,
        };
        let mut base = discovery
            .join(&raw)
            .map_err(|e| format!("invalid modules.v1 URL {raw:?} for {host}: {e}"))?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        self.bases.insert(host.to_string(), base.clone());
        Ok(base)
    }

    async fn discover(&self, url: &Url, host: &str) -> Result<String, String> {
        let unreachable = |e: String| format!("failed to request discovery document: {e}");
        let resp = self
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(unreachable(resp.status().to_string()));
        }
        let doc: serde_json::Value = resp
            .json()
            .await
            .map_err(|e| format!("failed to decode discovery document: {e}"))?;
        doc.get("modules.v1")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("host {host} does not provide a module registry"))
    }

    async fn get(&mut self, host: &str, url: Url) -> Result<reqwest::Response, String> {
        let mut req = self.http.get(url);
        if let Some(token) = self.config.token(host) {
            req = req.bearer_auth(token);
        }
        req.send().await.map_err(|e| error_chain(&e))
    }

    /// The versions the registry lists for `src`'s package (cached per package).
    pub async fn versions(&mut self, src: &RegistrySource) -> Result<Vec<String>, RegistryError> {
        if let Some(v) = self.versions.get(&src.package()) {
            return Ok(v.clone());
        }
        let base = self.base(&src.host).await.map_err(RegistryError::Other)?;
        let url = base
            .join(&format!("{}/versions", src.module_path()))
            .map_err(|e| RegistryError::Other(e.to_string()))?;
        let resp = self
            .get(&src.host, url)
            .await
            .map_err(RegistryError::Other)?;
        match resp.status().as_u16() {
            200 => {}
            404 => return Err(RegistryError::NotFound),
            _ => {
                let status = resp.status();
                return Err(RegistryError::Other(format!(
                    "error looking up module versions: {status}"
                )));
            }
        }
        let body: serde_json::Value = resp
            .json()
            .await
            .map_err(|e| RegistryError::Other(e.to_string()))?;
        let modules = body.get("modules").and_then(|m| m.as_array());
        let Some(first) = modules.and_then(|m| m.first()) else {
            return Err(RegistryError::Other(String::new()));
        };
        let versions: Vec<String> = first
            .get("versions")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| {
                v.get("version")
                    .and_then(|s| s.as_str())
                    .map(str::to_string)
            })
            .collect();
        self.versions.insert(src.package(), versions.clone());
        Ok(versions)
    }

    /// Where version `version` of `src`'s package is downloaded from (a package address).
    pub async fn location(
        &mut self,
        src: &RegistrySource,
        version: &str,
    ) -> Result<String, String> {
        let base = self.base(&src.host).await?;
        let download = base
            .join(&format!("{}/{version}/download", src.module_path()))
            .map_err(|e| e.to_string())?;
        let resp = self.get(&src.host, download.clone()).await?;
        let status = resp.status();
        let header = resp
            .headers()
            .get("X-Terraform-Get")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string);
        let body = resp.text().await.unwrap_or_default();
        let package = src.package_for_display();
        match status.as_u16() {
            200 | 204 => {}
            404 => return Err(format!("module {package:?} version {version:?} not found")),
            _ => {
                return Err(format!(
                    "error getting download location for {package:?}: {status} resp:{body}"
                ))
            }
        }
        let from_json = || {
            serde_json::from_str::<serde_json::Value>(&body)
                .ok()?
                .get("location")?
                .as_str()
                .map(str::to_string)
        };
        let location = header
            .filter(|h| !h.is_empty())
            .or_else(from_json)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| {
                format!("failed to get download URL for {package:?}: {status} resp:{body}")
            })?;
        if ["/", "./", "../"].iter().any(|p| location.starts_with(p)) {
            let resolved = download
                .join(&location)
                .map_err(|e| format!("invalid relative URL for {package:?}: {e}"))?;
            return Ok(resolved.to_string());
        }
        Ok(location)
    }
}

/// An error and its causes on one line (reqwest's own message hides the cause).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}
