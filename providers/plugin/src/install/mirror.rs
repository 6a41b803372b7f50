//! `providers mirror DIR`, as Terraform writes a mirror: each required provider's selected
//! version, for each requested platform, fetched from the installation sources,
//! authenticated and placed in the packed layout
//! (`DIR/HOST/NS/TYPE/terraform-provider-TYPE_VERSION_OS_ARCH.zip`); then the network
//! mirror protocol's JSON indexes beside the archives (`index.json`, `VERSION.json` with
//! each archive's `h1:` hash), so the directory serves as a filesystem mirror or, published
//! over HTTPS, as a network mirror.

use super::cliconfig::CliConfig;
use super::source::{self, packed_name, Location, MetaError, Sources};
use super::version::{Constraints, Version};
use super::{archive, short, InstallError, Requirement};
use serde_json::{json, Map, Value};
use std::path::Path;

/// One provider to mirror: its requirement and the lock file's selection, if any.
pub struct ToMirror {
    /// The provider and its constraints.
    pub req: Requirement,
    /// The version the lock file selected.
    pub locked: Option<String>,
}

/// Mirrors `providers` for `platforms` into `out`, telling progress through `say`.
pub fn mirror(
    cfg: &CliConfig,
    providers: &[ToMirror],
    platforms: &[String],
    out: &Path,
    say: &mut (dyn FnMut(String) + Send),
) -> Result<(), InstallError> {
    std::thread::scope(|s| {
        s.spawn(|| {
            let sources = Sources::new(cfg).map_err(|e| err("Provider not available", e))?;
            for p in providers {
                say(format!("- Mirroring {}...", short(&p.req.address)));
                let version = select(&sources, p, say)?;
                for platform in platforms {
                    say(format!("  - Downloading package for {platform}..."));
                    place(&sources, &p.req.address, &version, platform, out, say)?;
                }
                write_indexes(out, &p.req.address)?;
            }
            Ok(())
        })
        .join()
        .unwrap_or_else(|_| Err(err("Provider not available", "the mirror panicked")))
    })
}

fn err(summary: &str, detail: impl Into<String>) -> InstallError {
    InstallError {
        summary: summary.into(),
        detail: detail.into(),
    }
}

/// The version to mirror: the lock file's, else the newest the constraints allow.
fn select(
    sources: &Sources,
    p: &ToMirror,
    say: &mut (dyn FnMut(String) + Send),
) -> Result<Version, InstallError> {
    let address = &p.req.address;
    let constraints_text = p.req.constraints.clone().unwrap_or_default();
    let unavailable = |e: String| {
        err(
            "Provider not available",
            format!("Failed to download {address} from its origin registry: {e}."),
        )
    };
    let constraints = Constraints::parse(&constraints_text).map_err(unavailable)?;
    let newest = sources
        .versions(address, false)
        .map_err(unavailable)?
        .into_iter()
        .filter(|v| constraints.allows(v))
        .max()
        .ok_or_else(|| {
            unavailable(format!(
                "no releases match the given constraints {constraints_text}"
            ))
        })?;
    if let Some(v) = p.locked.as_deref().and_then(Version::parse) {
        say(format!("  - Selected v{v} to match dependency lock file"));
        return Ok(v);
    }
    match constraints_text.is_empty() {
        true => say(format!("  - Selected v{newest} with no constraints")),
        false => say(format!(
            "  - Selected v{newest} to meet constraints {constraints_text}"
        )),
    }
    Ok(newest)
}

/// Fetches one platform's archive into the packed layout, authenticated on the way.
fn place(
    sources: &Sources,
    address: &str,
    version: &Version,
    platform: &str,
    out: &Path,
    say: &mut (dyn FnMut(String) + Send),
) -> Result<(), InstallError> {
    let failed = |e: String| {
        err(
            "Failed to download provider",
            format!("Failed to download {address} v{version} for {platform}: {e}."),
        )
    };
    let meta = sources
        .meta(address, version, platform, false)
        .map_err(|e| match e {
            MetaError::NoPlatform { .. } => failed(format!(
                "provider {address} {version} is not available for {platform}"
            )),
            MetaError::Failed(e) => failed(e),
        })?;
    let dir = out.join(address);
    std::fs::create_dir_all(&dir).map_err(|e| failed(e.to_string()))?;
    let name = packed_name(address, version, platform);
    let staging = dir.join(format!(".{name}"));
    match &meta.location {
        Location::Http(url) => sources.http().download(url, &staging).map_err(failed)?,
        Location::Archive(zip) => {
            std::fs::copy(zip, &staging).map_err(|e| failed(e.to_string()))?;
        }
        Location::Dir(d) => {
            return Err(failed(format!(
                "the package in {} is unpacked; a mirror holds archives",
                d.display()
            )))
        }
    }
    if !matches!(meta.auth, source::Auth::None) {
        let (result, _) = source::authenticate(&staging, &meta.auth).map_err(|e| {
            let _ = std::fs::remove_file(&staging);
            err(
                "Invalid provider package",
                format!("Failed to authenticate {address} v{version} for {platform}: {e}."),
            )
        })?;
        say(format!("  - Package authenticated: {}", result.describe()));
    }
    std::fs::rename(&staging, dir.join(&name)).map_err(|e| {
        err(
            "Cannot update provider mirror",
            format!("Failed to place {address} package into mirror directory: {e}."),
        )
    })
}

/// Writes `index.json` and one `VERSION.json` per version for every archive of `address`
/// in the mirror (those from earlier runs too).
fn write_indexes(out: &Path, address: &str) -> Result<(), InstallError> {
    let failed = |e: String| {
        err(
            "Failed to update indexes",
            format!("Failed to write an updated JSON index for {address}: {e}."),
        )
    };
    let dir = out.join(address);
    let ty = address.rsplit('/').next().unwrap_or_default();
    let prefix = format!("terraform-provider-{ty}_");
    let mut versions: std::collections::BTreeMap<Version, Map<String, Value>> = Default::default();
    for entry in std::fs::read_dir(&dir)
        .map_err(|e| failed(e.to_string()))?
        .flatten()
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".zip"))
        else {
            continue;
        };
        let mut parts = rest.rsplitn(3, '_');
        let (Some(arch), Some(os), Some(v)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Some(version) = Version::parse(v) else {
            continue;
        };
        let h1 = archive::h1_zip(&entry.path()).map_err(failed)?;
        versions
            .entry(version)
            .or_default()
            .insert(format!("{os}_{arch}"), json!({"url": file, "hashes": [h1]}));
    }
    let index: Map<String, Value> = versions
        .keys()
        .map(|v| (v.to_string(), json!({})))
        .collect();
    write_json(&dir.join("index.json"), &json!({ "versions": index })).map_err(failed)?;
    for (v, archives) in versions {
        write_json(
            &dir.join(format!("{v}.json")),
            &json!({ "archives": archives }),
        )
        .map_err(failed)?;
    }
    Ok(())
}

/// JSON as Go's `MarshalIndent(v, "", "  ")` writes it (keys sorted, no final newline).
fn write_json(path: &Path, v: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(&sorted(v)).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `v` with object keys sorted (serde_json keeps insertion order in this workspace).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
