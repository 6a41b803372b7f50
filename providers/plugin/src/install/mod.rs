//! Provider installation as `terraform init` does it: for each required provider, the version
//! the lock file selected (or, new or with `-upgrade`, the newest one the constraints allow)
//! from the first installation source that has it, linked into
//! `.terraform/providers/HOST/NS/TYPE/VERSION/OS_ARCH`, its `h1:` hash checked against the
//! lock file and recorded in it. At plan time, [`installed`] finds the selected package's
//! executable again without looking at any source.

pub mod cliconfig;
pub mod hash;
pub mod lockfile;
pub mod version;

use crate::testkit::platform;
use cliconfig::{CliConfig, Method};
use lockfile::{Lock, Locks};
use std::path::{Path, PathBuf};
use version::{Constraints, Version};

/// A provider the configuration requires.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// `host/namespace/type`.
    pub address: String,
    /// The version constraints, as written (joined with `, `), if any.
    pub constraints: Option<String>,
}

/// One provider as installed.
#[derive(Debug, Clone, PartialEq)]
pub struct Installed {
    /// `host/namespace/type`.
    pub address: String,
    /// The selected version.
    pub version: String,
    /// The package directory under `.terraform/providers`.
    pub dir: PathBuf,
    /// The plugin executable.
    pub executable: PathBuf,
}

/// What one provider's installation did, for `init`'s progress lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `- Finding … versions matching "…"...`
    Finding(String, Option<String>),
    /// `- Reusing previous version of … from the dependency lock file`
    Reusing(String),
    /// `- Installed … vX (unauthenticated)`
    Installed(String, String),
    /// `- Using previously-installed … vX`
    UsingInstalled(String, String),
}

/// `.terraform`, or `TF_DATA_DIR`.
pub fn data_dir(workdir: &Path) -> PathBuf {
    match std::env::var_os("TF_DATA_DIR") {
        Some(d) => workdir.join(d),
        None => workdir.join(".terraform"),
    }
}

/// The short form Terraform prints (`hashicorp/aws` for the public registry).
pub fn short(address: &str) -> String {
    address
        .strip_prefix("registry.terraform.io/")
        .unwrap_or(address)
        .to_string()
}

/// Installs `reqs` into the working directory `workdir`, updating `locks` (the caller writes
/// them). `upgrade` ignores the versions the lock file selected.
pub fn install(
    workdir: &Path,
    reqs: &[Requirement],
    locks: &mut Locks,
    cfg: &CliConfig,
    upgrade: bool,
    report: &mut dyn FnMut(Event),
) -> Result<Vec<Installed>, String> {
    let mut out = Vec::new();
    for req in reqs {
        let constraints =
            Constraints::parse(req.constraints.as_deref().unwrap_or("")).map_err(|e| {
                format!(
                    "Invalid version constraint for {}: {e}",
                    short(&req.address)
                )
            })?;
        let locked = locks.0.get(&req.address).filter(|_| !upgrade).cloned();
        let wanted = match &locked {
            Some(l) => {
                report(Event::Reusing(short(&req.address)));
                Constraints::parse(&format!("= {}", l.version))?
            }
            None => {
                report(Event::Finding(short(&req.address), req.constraints.clone()));
                constraints.clone()
            }
        };
        let (version, package) =
            find(cfg, &req.address, &wanted).ok_or_else(|| no_package(req, locked.as_ref()))?;
        let dir = link(workdir, &req.address, &version, &package)?;
        let h1 = hash::h1_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if let Some(l) = &locked {
            if !l.hashes.is_empty() && !l.hashes.contains(&h1) {
                return Err(format!("Error while installing {} v{version}: the local package for {} {version} doesn't match any of the checksums previously recorded in the dependency lock file (this might be because the available checksums are for packages targeting different platforms); for more information: https://developer.hashicorp.com/terraform/language/files/dependency-lock#checksum-verification", short(&req.address), req.address));
            }
        }
        let mut hashes = locked
            .as_ref()
            .map(|l| l.hashes.clone())
            .unwrap_or_default();
        hashes.push(h1);
        locks.0.insert(
            req.address.clone(),
            Lock {
                version: version.to_string(),
                constraints: req.constraints.clone(),
                hashes,
            },
        );
        report(Event::Installed(short(&req.address), version.to_string()));
        let executable = executable_in(&dir, &req.address).ok_or_else(|| {
            format!(
                "the package for {} {version} holds no terraform-provider executable",
                req.address
            )
        })?;
        out.push(Installed {
            address: req.address.clone(),
            version: version.to_string(),
            dir,
            executable,
        });
    }
    Ok(out)
}

fn no_package(req: &Requirement, locked: Option<&Lock>) -> String {
    match locked {
        Some(l) => format!("Could not retrieve the list of available versions for provider {}: locked provider {} {} does not match configured version constraint {}; must use terraform init -upgrade to allow selection of new versions", short(&req.address), req.address, l.version, req.constraints.as_deref().unwrap_or("")),
        None => format!("Could not retrieve the list of available versions for provider {}: no available releases match the given constraints {}", short(&req.address), req.constraints.as_deref().unwrap_or("")),
    }
}

/// The newest version allowed by `wanted` in the first source that has one, and its
/// unpacked package directory.
fn find(cfg: &CliConfig, address: &str, wanted: &Constraints) -> Option<(Version, PathBuf)> {
    for source in cfg.sources.iter().filter(|s| s.applies_to(address)) {
        if let Method::FilesystemMirror(root) = &source.method {
            let base = root.join(address);
            let best = std::fs::read_dir(&base)
                .ok()?
                .flatten()
                .filter_map(|e| {
                    Version::parse(&e.file_name().to_string_lossy()).map(|v| (v, e.path()))
                })
                .filter(|(v, p)| wanted.allows(v) && p.join(platform()).is_dir())
                .max_by(|a, b| a.0.cmp(&b.0));
            if let Some((v, p)) = best {
                return Some((v, p.join(platform())));
            }
        }
    }
    None
}

/// Links a mirror's package into `.terraform/providers` (a symlink, as Terraform makes for
/// local mirrors; a copy where links are not possible).
fn link(
    workdir: &Path,
    address: &str,
    version: &Version,
    package: &Path,
) -> Result<PathBuf, String> {
    let parent = data_dir(workdir)
        .join("providers")
        .join(address)
        .join(version.to_string());
    std::fs::create_dir_all(&parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let dest = parent.join(platform());
    let target =
        std::fs::canonicalize(package).map_err(|e| format!("{}: {e}", package.display()))?;
    if std::fs::read_link(&dest).ok().as_deref() == Some(target.as_path()) {
        return Ok(dest);
    }
    let _ = std::fs::remove_file(&dest);
    let _ = std::fs::remove_dir_all(&dest);
    std::os::unix::fs::symlink(&target, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    Ok(dest)
}

/// The `terraform-provider-TYPE*` executable in a package directory.
fn executable_in(dir: &Path, address: &str) -> Option<PathBuf> {
    let ty = address.rsplit('/').next()?;
    let prefix = format!("terraform-provider-{ty}");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
                && p.is_file()
        })
}

/// The installed executable of provider `address` in `workdir`: the version the lock file
/// selected (else the only one installed).
pub fn installed(workdir: &Path, address: &str) -> Option<Installed> {
    let base = data_dir(workdir).join("providers").join(address);
    let version = match Locks::read(workdir)
        .ok()
        .and_then(|l| l.0.get(address).cloned())
    {
        Some(l) => l.version,
        None => {
            let mut versions = std::fs::read_dir(&base).ok()?.flatten();
            let only = versions.next()?.file_name().to_string_lossy().into_owned();
            if versions.next().is_some() {
                return None;
            }
            only
        }
    };
    let dir = base.join(&version).join(platform());
    let executable = executable_in(&dir, address)?;
    Some(Installed {
        address: address.to_string(),
        version,
        dir,
        executable,
    })
}
