//! The installation sources of the CLI configuration taken together, as Terraform's
//! multi-source does: the versions of a provider are the union of what every applicable
//! method offers (a registry that does not know the provider is skipped), and a version's
//! package comes from the first method that has it for the platform. Filesystem mirrors
//! serve the unpacked (`HOST/NS/TYPE/VERSION/OS_ARCH/`) and packed
//! (`HOST/NS/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip`) layouts.

use super::archive;
use super::cliconfig::{CliConfig, Method};
use super::discovery::Discovery;
use super::http::{Http, Url};
use super::signature::{self, Signer, SigningKey};
use super::version::Version;
use super::{netmirror, registry};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a package is.
#[derive(Debug, Clone)]
pub enum Location {
    /// An unpacked package directory (linked, not copied).
    Dir(PathBuf),
    /// A local zip archive.
    Archive(PathBuf),
    /// A zip archive to download.
    Http(Url),
}

/// What the registry says authenticates a download.
#[derive(Debug, Clone)]
pub struct RegistryAuth {
    /// The archive's file name, as `SHA256SUMS` lists it.
    pub filename: String,
    /// The archive's SHA-256 (hex) according to the registry.
    pub shasum: String,
    /// The `SHA256SUMS` document.
    pub document: Vec<u8>,
    /// Its detached signature.
    pub signature: Vec<u8>,
    /// The keys that may have made the signature.
    pub keys: Vec<SigningKey>,
}

/// How a package is authenticated.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Not at all (local mirrors).
    None,
    /// By hashes a network mirror lists.
    Hashes(Vec<String>),
    /// By a registry's signed checksums.
    Signed(Box<RegistryAuth>),
}

/// One version's package for one platform.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Where it is.
    pub location: Location,
    /// What authenticates it.
    pub auth: Auth,
}

/// Why a source has no package.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaError {
    /// No package for this platform (from this network mirror, when named).
    NoPlatform {
        /// The mirror's URL.
        mirror: Option<String>,
    },
    /// The source failed.
    Failed(String),
}

/// The outcome of a package's authentication, as `init` reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthResult {
    /// Nothing checked it.
    Unauthenticated,
    /// Its hash matched what the source listed.
    VerifiedChecksum,
    /// Its checksums were signed.
    Signed(Signer),
}

impl AuthResult {
    /// `init`'s words for it (`unauthenticated`, `self-signed, key ID …`).
    pub fn describe(&self) -> String {
        match self {
            AuthResult::Unauthenticated => "unauthenticated".into(),
            AuthResult::VerifiedChecksum => "verified checksum".into(),
            AuthResult::Signed(s) => s.describe(),
        }
    }
}

/// Checks a local archive against what authenticates it; returns the result and the hashes
/// it makes acceptable (all of `SHA256SUMS` as `zh:` once the signature holds).
pub fn authenticate(zip: &Path, auth: &Auth) -> Result<(AuthResult, Vec<String>), String> {
    match auth {
        Auth::None => Ok((AuthResult::Unauthenticated, Vec::new())),
        Auth::Hashes(hashes) => {
            if archive::zip_matches_any(zip, hashes)? {
                Ok((AuthResult::VerifiedChecksum, hashes.clone()))
            } else if hashes.len() == 1 {
                Err(format!(
                    "provider package doesn't match the expected checksum {:?}",
                    hashes[0]
                ))
            } else {
                Err("provider package doesn't match the any of the expected checksums".into())
            }
        }
        Auth::Signed(r) => {
            let listed = checksum_of(&r.document, &r.filename)?;
            if listed != r.shasum {
                return Err(format!(
                    "checksum list has unexpected SHA-256 hash {listed} (expected {})",
                    r.shasum
                ));
            }
            let got = archive::zh(zip)?;
            if got != format!("zh:{}", r.shasum) {
                return Err(format!(
                    "archive has incorrect checksum {got} (expected zh:{})",
                    r.shasum
                ));
            }
            let signer = signature::verify(&r.document, &r.signature, &r.keys)?;
            Ok((AuthResult::Signed(signer), signed_hashes(&r.document)))
        }
    }
}

/// The hash `SHA256SUMS` lists for `filename`.
fn checksum_of(document: &[u8], filename: &str) -> Result<String, String> {
    String::from_utf8_lossy(document)
        .lines()
        .find_map(|l| {
            let mut f = l.split_whitespace();
            let (sum, name) = (f.next()?, f.next()?);
            (name == filename).then(|| sum.to_ascii_lowercase())
        })
        .ok_or_else(|| format!("checksum list has no SHA-256 hash for {filename:?}"))
}

/// Every archive hash of a `SHA256SUMS` document, as `zh:` (none if it does not look like
/// one), as Terraform records them for every platform.
fn signed_hashes(document: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for line in String::from_utf8_lossy(document).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 2
            || fields[0].len() != 64
            || !fields[0].bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Vec::new();
        }
        out.push(format!("zh:{}", fields[0].to_ascii_lowercase()));
    }
    out
}

/// The configured sources, with their network clients.
pub struct Sources {
    cfg: CliConfig,
    discovery: Discovery,
}

impl Sources {
    /// The sources of `cfg`.
    pub fn new(cfg: &CliConfig) -> Result<Sources, String> {
        let http = Http::new()?;
        Ok(Sources {
            discovery: Discovery::new(cfg, &http),
            cfg: cfg.clone(),
        })
    }

    /// The HTTP client (for downloads).
    pub fn http(&self) -> &Http {
        self.discovery.http()
    }

    /// Every version of `address` the applicable methods offer (only local ones when
    /// `local_only`).
    pub fn versions(&self, address: &str, local_only: bool) -> Result<Vec<Version>, String> {
        let mut all = BTreeMap::new();
        let mut unknown_to = None;
        for source in self.applicable(address, local_only) {
            let found = match &source {
                Method::FilesystemMirror(root) => fs_versions(root, address),
                Method::NetworkMirror(url) => {
                    netmirror::versions(&self.discovery, &netmirror::base_url(url)?, address)?
                }
                Method::Direct => match registry::versions(&self.discovery, address) {
                    Ok(v) => v,
                    Err(e) if e.contains("does not have a provider named") => {
                        unknown_to = Some(e);
                        continue;
                    }
                    Err(e) => return Err(e),
                },
            };
            all.extend(found.into_iter().map(|v| (v, ())));
        }
        match unknown_to {
            Some(e) if all.is_empty() => Err(e),
            _ => Ok(all.into_keys().collect()),
        }
    }

    /// The package of `address` `version` for `platform` from the first method that has it.
    pub fn meta(
        &self,
        address: &str,
        version: &Version,
        platform: &str,
        local_only: bool,
    ) -> Result<Meta, MetaError> {
        for source in self.applicable(address, local_only) {
            let found = match &source {
                Method::FilesystemMirror(root) => fs_meta(root, address, version, platform),
                Method::NetworkMirror(url) => netmirror::base_url(url)
                    .map_err(MetaError::Failed)
                    .and_then(|b| netmirror::meta(&self.discovery, &b, address, version, platform)),
                Method::Direct => registry::meta(&self.discovery, address, version, platform),
            };
            match found {
                Ok(m) => return Ok(m),
                Err(MetaError::NoPlatform { .. }) => continue,
                Err(MetaError::Failed(e)) if e.contains("does not have a provider named") => {
                    continue
                }
                Err(e) => return Err(e),
            }
        }
        Err(MetaError::NoPlatform { mirror: None })
    }

    fn applicable(&self, address: &str, local_only: bool) -> Vec<Method> {
        self.cfg
            .sources
            .iter()
            .filter(|s| s.applies_to(address))
            .filter(|s| !local_only || matches!(s.method, Method::FilesystemMirror(_)))
            .map(|s| s.method.clone())
            .collect()
    }
}

/// The packed archive's file name: `terraform-provider-TYPE_VERSION_OS_ARCH.zip`.
pub fn packed_name(address: &str, version: &Version, platform: &str) -> String {
    let ty = address.rsplit('/').next().unwrap_or_default();
    format!("terraform-provider-{ty}_{version}_{platform}.zip")
}

/// Versions in a filesystem mirror, unpacked and packed.
fn fs_versions(root: &Path, address: &str) -> Vec<Version> {
    let ty = address.rsplit('/').next().unwrap_or_default();
    let prefix = format!("terraform-provider-{ty}_");
    let Ok(entries) = std::fs::read_dir(root.join(address)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                return Version::parse(&name);
            }
            let rest = name.strip_prefix(&prefix)?.strip_suffix(".zip")?;
            // VERSION_OS_ARCH: the version ends before the last two underscores.
            let mut parts = rest.rsplitn(3, '_');
            let (_arch, _os, v) = (parts.next()?, parts.next()?, parts.next()?);
            Version::parse(v)
        })
        .collect()
}

/// A filesystem mirror's package of one version for `platform`: the unpacked directory
/// first, else the packed archive.
fn fs_meta(
    root: &Path,
    address: &str,
    version: &Version,
    platform: &str,
) -> Result<Meta, MetaError> {
    let base = root.join(address);
    // The directory may be named as written ("1.0.0") or normalized.
    let dir = std::fs::read_dir(&base)
        .into_iter()
        .flatten()
        .flatten()
        .find(|e| Version::parse(&e.file_name().to_string_lossy()).as_ref() == Some(version))
        .map(|e| e.path().join(platform))
        .filter(|p| p.is_dir());
    if let Some(d) = dir {
        return Ok(Meta {
            location: Location::Dir(d),
            auth: Auth::None,
        });
    }
    let zip = base.join(packed_name(address, version, platform));
    if zip.is_file() {
        return Ok(Meta {
            location: Location::Archive(zip),
            auth: Auth::None,
        });
    }
    Err(MetaError::NoPlatform { mirror: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256sums_yield_zh_hashes_for_every_line() {
        let doc = format!(
            "{}  a_linux_amd64.zip\n{}  a_darwin_arm64.zip\n",
            "ab".repeat(32),
            "CD".repeat(32)
        );
        assert_eq!(
            signed_hashes(doc.as_bytes()),
            vec![
                format!("zh:{}", "ab".repeat(32)),
                format!("zh:{}", "cd".repeat(32))
            ]
        );
        assert!(signed_hashes(b"not a checksum file\n").is_empty());
        assert_eq!(
            checksum_of(doc.as_bytes(), "a_darwin_arm64.zip").unwrap(),
            "cd".repeat(32)
        );
        assert!(checksum_of(doc.as_bytes(), "b.zip").is_err());
    }
}
