//! Provider installation as `terraform init` does it: for each required provider, the version
//! the lock file selected (or, new or with `-upgrade`, the newest one the constraints allow)
//! among what the installation sources offer ([`source`]: filesystem mirrors, network
//! mirrors, registries), installed into `.terraform/providers/HOST/NS/TYPE/VERSION/OS_ARCH`
//! (local directories linked, archives downloaded, authenticated and unpacked; through the
//! shared plugin cache directory when one is set), checked against the lock file's hashes
//! and recorded in it. At plan time, [`installed`] finds the selected package's executable
//! again without looking at any source.

pub mod archive;
pub mod cliconfig;
pub mod discovery;
pub mod hash;
pub mod http;
pub mod lockfile;
pub mod mirror;
pub mod netmirror;
pub mod registry;
pub mod signature;
pub mod source;
pub use autostack_value::version;

use crate::testkit::platform;
use cliconfig::CliConfig;
use lockfile::{Lock, Locks};
use source::{AuthResult, Location, Meta, MetaError, Sources};
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
    /// Signed by a party other than HashiCorp (`init` then says how signing works).
    pub third_party: bool,
}

/// What one provider's installation did, for `init`'s progress lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `- Finding … versions matching "…"...`
    Finding(String, Option<String>),
    /// `- Reusing previous version of … from the dependency lock file`
    Reusing(String),
    /// `- Installing … vX...`
    Installing(String, String),
    /// `- Installed … vX (how it was authenticated)`
    Installed(String, String, String),
    /// `- Using previously-installed … vX`
    UsingInstalled(String, String),
    /// `- Using … vX from the shared cache directory`
    FromCache(String, String),
}

/// Why a provider could not be installed: the diagnostic's summary and detail, as
/// Terraform's `init` words them.
#[derive(Debug, Clone, PartialEq)]
pub struct InstallError {
    /// `Failed to query available provider packages`, `Failed to install provider`, ...
    pub summary: String,
    /// What went wrong.
    pub detail: String,
}

impl InstallError {
    fn new(summary: &str, detail: impl Into<String>) -> InstallError {
        InstallError {
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.summary, self.detail)
    }
}

/// How to install.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Ignore the versions the lock file selected (`init -upgrade`).
    pub upgrade: bool,
    /// Consult local sources only (filesystem mirrors and the plugin cache): for providers
    /// this build also serves natively, which need no download.
    pub local_only: bool,
    /// The platform to install for (`OS_ARCH`; default: this machine's).
    pub platform: Option<String>,
    /// Accept any package the sources authenticate, even one the lock file does not
    /// vouch for (`providers lock` recomputes the checksums).
    pub force_checksums: bool,
}

impl Options {
    fn platform(&self) -> String {
        self.platform.clone().unwrap_or_else(platform)
    }
}

const QUERY_FAILED: &str = "Failed to query available provider packages";
const INSTALL_FAILED: &str = "Failed to install provider";

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
/// them). Network clients block, so the work runs on a thread of its own (callers may be on
/// an async runtime).
pub fn install(
    workdir: &Path,
    reqs: &[Requirement],
    locks: &mut Locks,
    cfg: &CliConfig,
    opts: &Options,
    report: &mut (dyn FnMut(Event) + Send),
) -> Result<Vec<Installed>, InstallError> {
    std::thread::scope(|s| {
        s.spawn(|| {
            let sources = Sources::new(cfg).map_err(|e| InstallError::new(QUERY_FAILED, e))?;
            let mut run = Run {
                workdir,
                cfg,
                opts,
                sources: &sources,
                report,
            };
            reqs.iter().map(|r| run.one(r, locks)).collect()
        })
        .join()
        .unwrap_or_else(|_| Err(InstallError::new(INSTALL_FAILED, "the installer panicked")))
    })
}

/// One installation run.
struct Run<'a> {
    workdir: &'a Path,
    cfg: &'a CliConfig,
    opts: &'a Options,
    sources: &'a Sources,
    report: &'a mut (dyn FnMut(Event) + Send),
}

impl Run<'_> {
    /// Selects, installs and locks one provider.
    fn one(&mut self, req: &Requirement, locks: &mut Locks) -> Result<Installed, InstallError> {
        let name = short(&req.address);
        let version = self.select(req, locks)?;
        let locked = locks
            .0
            .get(&req.address)
            .filter(|l| Version::parse(&l.version).as_ref() == Some(&version));
        let preferred: Vec<String> = locked
            .filter(|_| !self.opts.force_checksums)
            .map(|l| l.hashes.clone())
            .unwrap_or_default();
        let target = data_dir(self.workdir)
            .join("providers")
            .join(&req.address)
            .join(version.to_string())
            .join(self.opts.platform());
        let (hashes, third_party) = if archive::dir_matches_any(&target, &preferred) {
            (self.report)(Event::UsingInstalled(name.clone(), version.to_string()));
            (preferred, false)
        } else if let Some(hashes) = self.link_cached(req, &version, &target, &preferred)? {
            (hashes, false)
        } else {
            self.fetch(req, &version, &target, &preferred)?
        };
        locks.0.insert(
            req.address.clone(),
            Lock {
                version: version.to_string(),
                constraints: req.constraints.clone(),
                hashes,
            },
        );
        let executable = executable_in(&target, &req.address).ok_or_else(|| {
            InstallError::new(
                INSTALL_FAILED,
                format!("Error while installing {name} v{version}: provider binary not found: could not find executable file starting with terraform-provider-{}", req.address.rsplit('/').next().unwrap_or_default()),
            )
        })?;
        Ok(Installed {
            address: req.address.clone(),
            version: version.to_string(),
            dir: target,
            executable,
            third_party,
        })
    }

    /// The version to install: the lock file's (unless upgrading), else the newest the
    /// constraints allow among what the sources offer.
    fn select(&mut self, req: &Requirement, locks: &Locks) -> Result<Version, InstallError> {
        let name = short(&req.address);
        let constraints =
            Constraints::parse(req.constraints.as_deref().unwrap_or("")).map_err(|e| {
                InstallError::new(
                    QUERY_FAILED,
                    format!("Invalid version constraint for {name}: {e}"),
                )
            })?;
        let locked = locks.0.get(&req.address).filter(|_| !self.opts.upgrade);
        let wanted = match locked {
            Some(l) => {
                (self.report)(Event::Reusing(name.clone()));
                Constraints::parse(&format!("= {}", l.version))
                    .map_err(|e| InstallError::new(QUERY_FAILED, e))?
            }
            None => {
                (self.report)(Event::Finding(name.clone(), req.constraints.clone()));
                constraints.clone()
            }
        };
        let available = self
            .sources
            .versions(&req.address, self.opts.local_only)
            .map_err(|e| {
                InstallError::new(
                    QUERY_FAILED,
                    format!("Could not retrieve the list of available versions for provider {name}: {e}"),
                )
            })?;
        available
            .into_iter()
            .filter(|v| wanted.allows(v))
            .max()
            .ok_or_else(|| InstallError::new(QUERY_FAILED, no_package(req, locked)))
    }

    /// Links the package from the shared cache directory when it has it and the lock file
    /// vouches for it (or `plugin_cache_may_break_dependency_lock_file` says not to care);
    /// returns the hashes to lock.
    fn link_cached(
        &mut self,
        req: &Requirement,
        version: &Version,
        target: &Path,
        preferred: &[String],
    ) -> Result<Option<Vec<String>>, InstallError> {
        let Some(cache) = &self.cfg.plugin_cache_dir else {
            return Ok(None);
        };
        let cached = cache
            .join(&req.address)
            .join(version.to_string())
            .join(self.opts.platform());
        if executable_in(&cached, &req.address).is_none() {
            return Ok(None);
        }
        let acceptable =
            archive::dir_matches_any(&cached, preferred) || self.cfg.plugin_cache_may_break_lock;
        if !acceptable {
            return Ok(None);
        }
        let name = short(&req.address);
        let fail = |e: String| {
            InstallError::new(
                "Failed to install provider from shared cache",
                format!(
                    "Error while importing {name} v{version} from the shared cache directory: {e}."
                ),
            )
        };
        link(&cached, target).map_err(fail)?;
        let h1 = hash::h1_dir(&cached).map_err(|e| fail(e.to_string()))?;
        (self.report)(Event::FromCache(name.clone(), version.to_string()));
        let mut hashes = preferred.to_vec();
        hashes.push(h1);
        Ok(Some(hashes))
    }

    /// Fetches the package from the sources into the cache directory (linked from the
    /// target) or the target; returns the hashes to lock and whether a third party signed it.
    fn fetch(
        &mut self,
        req: &Requirement,
        version: &Version,
        target: &Path,
        preferred: &[String],
    ) -> Result<(Vec<String>, bool), InstallError> {
        let name = short(&req.address);
        let failed = |e: String| {
            InstallError::new(
                INSTALL_FAILED,
                format!("Error while installing {name} v{version}: {e}"),
            )
        };
        let meta = self
            .sources
            .meta(
                &req.address,
                version,
                &self.opts.platform(),
                self.opts.local_only,
            )
            .map_err(|e| match e {
                MetaError::NoPlatform { mirror } => {
                    incompatible(req, version, mirror, &self.opts.platform())
                }
                MetaError::Failed(e) => failed(e),
            })?;
        (self.report)(Event::Installing(name.clone(), version.to_string()));
        let install_to = match &self.cfg.plugin_cache_dir {
            Some(cache) => cache
                .join(&req.address)
                .join(version.to_string())
                .join(self.opts.platform()),
            None => target.to_path_buf(),
        };
        let (auth, signed) = self
            .put(req, version, &meta, &install_to, preferred)
            .map_err(failed)?;
        if install_to != target {
            link(&install_to, target).map_err(failed)?;
        }
        let h1 = hash::h1_dir(target).map_err(|e| failed(e.to_string()))?;
        let mut hashes = vec![h1];
        hashes.extend(preferred.iter().cloned());
        let third_party =
            matches!(&auth, AuthResult::Signed(s) if !matches!(s, signature::Signer::HashiCorp(_)));
        if matches!(auth, AuthResult::Signed(_)) {
            hashes.extend(signed);
        }
        (self.report)(Event::Installed(name, version.to_string(), auth.describe()));
        Ok((hashes, third_party))
    }

    /// Puts the package at `dest`: a link to a local directory, or an archive (downloaded
    /// first) authenticated, checked against the lock file and unpacked.
    fn put(
        &self,
        req: &Requirement,
        version: &Version,
        meta: &Meta,
        dest: &Path,
        preferred: &[String],
    ) -> Result<(AuthResult, Vec<String>), String> {
        let mismatch = || {
            format!("the current package for {} {version} doesn't match any of the checksums previously recorded in the dependency lock file; for more information: https://developer.hashicorp.com/terraform/language/files/dependency-lock#checksum-verification", req.address)
        };
        let zip = match &meta.location {
            Location::Dir(dir) => {
                if preferred.iter().any(|h| !h.starts_with("zh:"))
                    && !archive::dir_matches_any(dir, preferred)
                {
                    return Err(format!("the local package for {} {version} doesn't match any of the checksums previously recorded in the dependency lock file (this might be because the available checksums are for packages targeting different platforms); for more information: https://developer.hashicorp.com/terraform/language/files/dependency-lock#checksum-verification", req.address));
                }
                link(dir, dest)?;
                return Ok((AuthResult::Unauthenticated, Vec::new()));
            }
            Location::Archive(zip) => zip.clone(),
            Location::Http(url) => {
                let tmp = download_dir(self.workdir)?.join(format!(
                    "{}_{version}_{}.zip",
                    req.address.replace('/', "_"),
                    std::process::id()
                ));
                self.sources.http().download(url, &tmp)?;
                tmp
            }
        };
        let result = (|| {
            let (auth, signed) = source::authenticate(&zip, &meta.auth)?;
            if !preferred.is_empty() && !archive::zip_matches_any(&zip, preferred)? {
                return Err(mismatch());
            }
            archive::unzip(&zip, dest)?;
            Ok((auth, signed))
        })();
        if matches!(meta.location, Location::Http(_)) {
            let _ = std::fs::remove_file(&zip);
        }
        result
    }
}

/// Where downloads wait until they are checked: `.terraform/` (created).
fn download_dir(workdir: &Path) -> Result<PathBuf, String> {
    let d = data_dir(workdir);
    std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    Ok(d)
}

/// No package for this platform, as Terraform's `init` says it.
fn incompatible(
    req: &Requirement,
    version: &Version,
    mirror: Option<String>,
    p: &str,
) -> InstallError {
    let address = &req.address;
    let host = address.split('/').next().unwrap_or_default();
    let detail = match mirror {
        Some(m) => format!("Your chosen provider mirror at {m} does not have a {address} v{version} package available for your current platform, {p}.\n\nProvider releases are separate from Terraform CLI releases, so this provider might not support your current platform. Alternatively, the mirror itself might have only a subset of the plugin packages available in the origin registry, at {host}."),
        None => format!("Provider {address} v{version} does not have a package available for your current platform, {p}.\n\nProvider releases are separate from Terraform CLI releases, so not all providers are available for all platforms. Other versions of this provider may have different platforms supported."),
    };
    InstallError::new("Incompatible provider version", detail)
}

fn no_package(req: &Requirement, locked: Option<&Lock>) -> String {
    match locked {
        Some(l) => format!("Could not retrieve the list of available versions for provider {}: locked provider {} {} does not match configured version constraint {}; must use terraform init -upgrade to allow selection of new versions", short(&req.address), req.address, l.version, req.constraints.as_deref().unwrap_or("")),
        None => format!("Could not retrieve the list of available versions for provider {}: no available releases match the given constraints {}", short(&req.address), req.constraints.as_deref().unwrap_or("")),
    }
}

/// Makes `dest` a symlink to the package directory `package` (as Terraform links local
/// mirrors and the cache directory).
fn link(package: &Path, dest: &Path) -> Result<(), String> {
    let target =
        std::fs::canonicalize(package).map_err(|e| format!("{}: {e}", package.display()))?;
    if std::fs::read_link(dest).ok().as_deref() == Some(target.as_path()) {
        return Ok(());
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let _ = std::fs::remove_file(dest);
    let _ = std::fs::remove_dir_all(dest);
    std::os::unix::fs::symlink(&target, dest).map_err(|e| format!("{}: {e}", dest.display()))
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
        third_party: false,
    })
}
