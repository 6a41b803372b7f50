//! Terraform's provider network mirror protocol: `BASE/HOST/NS/TYPE/index.json` lists the
//! versions (`{"versions": {"1.0.0": {}}}`), `BASE/HOST/NS/TYPE/VERSION.json` each
//! platform's archive (`{"archives": {"linux_amd64": {"url": …, "hashes": […]}}}`, the URL
//! relative to that document). The mirror host's credentials are sent with each request.

use super::discovery::Discovery;
use super::http::{Response, Url};
use super::registry::reason;
use super::source::{Auth, Location, Meta, MetaError};
use super::version::Version;
use std::collections::BTreeMap;

fn query_failed(base: &Url, address: &str, e: impl std::fmt::Display) -> String {
    format!("failed to query provider mirror {base} for {address}: {e}")
}

/// `GET BASE/rel` with the mirror host's token; a 200 answer must be JSON.
fn get(d: &Discovery, base: &Url, rel: &str) -> Result<Response, String> {
    let url = base.join(rel).map_err(|e| e.to_string())?;
    let host = base.host_str().unwrap_or_default();
    let token = match base.port() {
        Some(p) => d.token(&format!("{host}:{p}")),
        None => d.token(host),
    };
    let resp = d.http().get(&url, token.as_deref())?;
    if resp.status == 200 {
        let ct = resp.content_type.clone().unwrap_or_default();
        if ct.split(';').next().map(str::trim) != Some("application/json") {
            return Err("response has invalid Content-Type: must be application/json".into());
        }
    }
    if resp.status == 401 || resp.status == 403 {
        return Err(format!(
            "unauthorized for {}",
            url.host_str().unwrap_or_default()
        ));
    }
    Ok(resp)
}

/// The base URL of a `network_mirror`, with the trailing slash relative paths need.
pub fn base_url(url: &str) -> Result<Url, String> {
    let with_slash = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    Url::parse(&with_slash).map_err(|e| format!("invalid network mirror URL {url:?}: {e}"))
}

/// The versions the mirror has of `address` (none when it does not know the provider).
pub fn versions(d: &Discovery, base: &Url, address: &str) -> Result<Vec<Version>, String> {
    let resp = get(d, base, &format!("{address}/index.json"))
        .map_err(|e| query_failed(base, address, e))?;
    match resp.status {
        200 => {}
        404 => return Ok(Vec::new()),
        s => {
            return Err(query_failed(
                base,
                address,
                format!("server returned unsuccessful status {s} {}", reason(s)),
            ))
        }
    }
    #[derive(serde::Deserialize)]
    struct Index {
        versions: BTreeMap<String, serde_json::Value>,
    }
    let index: Index = serde_json::from_slice(&resp.body).map_err(|e| {
        query_failed(
            base,
            address,
            format!("invalid response content from mirror server: {e}"),
        )
    })?;
    Ok(index
        .versions
        .keys()
        .filter_map(|v| Version::parse(v))
        .collect())
}

/// One version's package for `platform`, authenticated by the hashes the mirror lists.
pub fn meta(
    d: &Discovery,
    base: &Url,
    address: &str,
    version: &Version,
    platform: &str,
) -> Result<Meta, MetaError> {
    let failed = |e: String| MetaError::Failed(query_failed(base, address, e));
    let resp = get(d, base, &format!("{address}/{version}.json")).map_err(failed)?;
    match resp.status {
        200 => {}
        404 => {
            return Err(failed(format!(
                "provider mirror does not have archive index for previously-reported {address} version {version}"
            )))
        }
        s => return Err(failed(format!("server returned unsuccessful status {s}"))),
    }
    #[derive(serde::Deserialize)]
    struct Archives {
        archives: BTreeMap<String, Archive>,
    }
    #[derive(serde::Deserialize)]
    struct Archive {
        url: String,
        #[serde(default)]
        hashes: Vec<String>,
    }
    let body: Archives = serde_json::from_slice(&resp.body)
        .map_err(|e| failed(format!("invalid response content from mirror server: {e}")))?;
    let Some(archive) = body.archives.get(platform) else {
        return Err(MetaError::NoPlatform {
            mirror: Some(base.to_string()),
        });
    };
    let url = resp.url.join(&archive.url).map_err(|e| {
        failed(format!(
            "provider mirror returned invalid URL {:?}: {e}",
            archive.url
        ))
    })?;
    Ok(Meta {
        location: Location::Http(url),
        auth: if archive.hashes.is_empty() {
            Auth::None
        } else {
            Auth::Hashes(archive.hashes.clone())
        },
    })
}
