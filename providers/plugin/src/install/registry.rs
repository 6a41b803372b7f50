//! Terraform's provider registry protocol (`providers.v1`): `NAMESPACE/TYPE/versions` lists
//! what a registry has, `NAMESPACE/TYPE/VERSION/download/OS/ARCH` where a platform's package
//! is, with the `SHA256SUMS` document, its detached signature and the keys to check it.

use super::discovery::Discovery;
use super::http::Url;
use super::signature::SigningKey;
use super::source::{Auth, Location, Meta, MetaError, RegistryAuth};
use super::version::Version;

/// The registry's base URL for `address`'s host.
fn base(d: &Discovery, address: &str) -> Result<(String, Url), String> {
    let host = address.split('/').next().unwrap_or_default().to_string();
    match d.service(&host, "providers.v1")? {
        Some(u) => Ok((host, u)),
        None => Err(format!(
            "host {host} does not offer a Terraform provider registry"
        )),
    }
}

/// `…/NAMESPACE/TYPE/` under the registry's base URL.
fn provider_url(base: &Url, address: &str, rest: &str) -> Result<Url, String> {
    let mut parts = address.split('/').skip(1);
    let (ns, ty) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    base.join(&format!("{ns}/{ty}/{rest}"))
        .map_err(|e| e.to_string())
}

fn query_failed(address: &str, e: impl std::fmt::Display) -> String {
    format!("could not query provider registry for {address}: {e}")
}

fn unauthorized(d: &Discovery, host: &str) -> String {
    match d.token(host) {
        Some(_) => format!("host {host} rejected the given authentication credentials"),
        None => format!("host {host} requires authentication credentials"),
    }
}

/// The versions the registry has of `address` (with the protocols each one speaks).
pub fn versions(d: &Discovery, address: &str) -> Result<Vec<Version>, String> {
    let (host, base) = base(d, address)?;
    let url = provider_url(&base, address, "versions")?;
    let resp = d
        .http()
        .get(&url, d.token(&host).as_deref())
        .map_err(|e| query_failed(address, e))?;
    match resp.status {
        200 => {}
        404 => {
            return Err(format!(
                "provider registry {host} does not have a provider named {address}"
            ))
        }
        401 | 403 => return Err(unauthorized(d, &host)),
        s => return Err(query_failed(address, format!("{s} {}", reason(s)))),
    }
    #[derive(serde::Deserialize)]
    struct Body {
        versions: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        version: String,
        #[serde(default)]
        protocols: Vec<String>,
    }
    let body: Body = serde_json::from_slice(&resp.body).map_err(|e| query_failed(address, e))?;
    Ok(body
        .versions
        .iter()
        // Protocols 5 and 6 only: a version that announces neither cannot run here.
        .filter(|e| {
            e.protocols.is_empty()
                || e.protocols
                    .iter()
                    .any(|p| p.starts_with('5') || p.starts_with('6'))
        })
        .filter_map(|e| Version::parse(&e.version))
        .collect())
}

/// The download of `address` `version` for `platform` (`linux_amd64`): its URL and what
/// authenticates it (the registry's checksum, `SHA256SUMS` and its signature).
pub fn meta(
    d: &Discovery,
    address: &str,
    version: &Version,
    platform: &str,
) -> Result<Meta, MetaError> {
    let failed = MetaError::Failed;
    let (host, base) = base(d, address).map_err(failed)?;
    let (os, arch) = platform.split_once('_').unwrap_or((platform, ""));
    let url =
        provider_url(&base, address, &format!("{version}/download/{os}/{arch}")).map_err(failed)?;
    let resp = d
        .http()
        .get(&url, d.token(&host).as_deref())
        .map_err(|e| failed(query_failed(address, e)))?;
    match resp.status {
        200 => {}
        404 => return Err(MetaError::NoPlatform { mirror: None }),
        401 | 403 => return Err(failed(unauthorized(d, &host))),
        s => return Err(failed(query_failed(address, format!("{s} {}", reason(s))))),
    }
    let body: Download =
        serde_json::from_slice(&resp.body).map_err(|e| failed(query_failed(address, e)))?;
    if body.os != os || body.arch != arch {
        return Err(failed(format!(
            "registry response to request for {platform} archive has incorrect target {}_{}",
            body.os, body.arch
        )));
    }
    let resolve = |what: &str, s: &str| -> Result<Url, MetaError> {
        let u = resp
            .url
            .join(s)
            .map_err(|e| failed(format!("registry response includes invalid {what}: {e}")))?;
        if u.scheme() != "http" && u.scheme() != "https" {
            return Err(failed(format!(
                "registry response includes invalid {what}: must use http or https scheme"
            )));
        }
        Ok(u)
    };
    let download = resolve("download URL", &body.download_url)?;
    if body.shasum.len() != 64 || !body.shasum.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(failed(query_failed(
            address,
            format!(
                "registry response includes invalid SHA256 hash {:?}",
                body.shasum
            ),
        )));
    }
    let document = fetch_file(d, &resolve("SHASUMS URL", &body.shasums_url)?).map_err(|e| {
        failed(query_failed(
            address,
            format!("failed to retrieve authentication checksums for provider: {e}"),
        ))
    })?;
    let signature_url = resolve("SHASUMS signature URL", &body.shasums_signature_url)?;
    let signature = fetch_file(d, &signature_url).map_err(|e| {
        failed(query_failed(
            address,
            format!("failed to retrieve cryptographic signature for provider: {e}"),
        ))
    })?;
    Ok(Meta {
        location: Location::Http(download),
        auth: Auth::Signed(Box::new(RegistryAuth {
            filename: body.filename,
            shasum: body.shasum.to_ascii_lowercase(),
            document,
            signature,
            keys: body.signing_keys.gpg_public_keys,
        })),
    })
}

/// The body of a download answer.
#[derive(serde::Deserialize)]
struct Download {
    os: String,
    arch: String,
    filename: String,
    download_url: String,
    shasum: String,
    shasums_url: String,
    shasums_signature_url: String,
    #[serde(default)]
    signing_keys: Keys,
}

#[derive(serde::Deserialize, Default)]
struct Keys {
    #[serde(default)]
    gpg_public_keys: Vec<SigningKey>,
}

/// A file the download answer points at (no credentials, as Terraform).
fn fetch_file(d: &Discovery, url: &Url) -> Result<Vec<u8>, String> {
    let resp = d.http().get(url, None)?;
    if resp.status != 200 {
        return Err(format!(
            "{} {} returned from {}",
            resp.status,
            reason(resp.status),
            url.host_str().unwrap_or_default()
        ));
    }
    Ok(resp.body)
}

/// The reason phrase Go prints after a status code.
pub fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
