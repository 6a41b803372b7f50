//! Module source addresses as Terraform parses them: local paths (`./net`), registry
//! addresses (`NAMESPACE/NAME/SYSTEM`, `HOST/NAMESPACE/NAME/SYSTEM`) and remote packages
//! (`git::`, `github.com/...`, `https://...`, `s3::`, `gcs::`, absolute paths, `git@host:`),
//! each with the `//subdir` convention, normalized to the string Terraform records in
//! `.terraform/modules/modules.json` (its `addrs.ModuleSource.String()`).

use std::fmt;

/// The default module registry host.
pub const DEFAULT_REGISTRY_HOST: &str = "registry.terraform.io";

/// A parsed `source` argument of a `module` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource {
    /// A path relative to the calling module, cleaned (`./net`, `../shared`).
    Local(String),
    /// A module registry address.
    Registry(RegistrySource),
    /// A package fetched from elsewhere, with a subdirectory inside it.
    Remote(RemoteSource),
}

/// `HOST/NAMESPACE/NAME/SYSTEM//SUBDIR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySource {
    /// The registry host, lower case (`registry.terraform.io`, `example.com:8443`).
    pub host: String,
    /// The namespace (`terraform-aws-modules`).
    pub namespace: String,
    /// The module name (`vpc`).
    pub name: String,
    /// The target system (`aws`).
    pub system: String,
    /// A subdirectory of the package, or empty.
    pub subdir: String,
}

impl RegistrySource {
    /// `NAMESPACE/NAME/SYSTEM`, the path under the registry's `modules.v1` base.
    pub fn module_path(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.name, self.system)
    }

    /// `HOST/NAMESPACE/NAME/SYSTEM`.
    pub fn package(&self) -> String {
        format!("{}/{}", self.host, self.module_path())
    }

    /// The package as users write it (the default host left out).
    pub fn package_for_display(&self) -> String {
        match self.host.as_str() {
            DEFAULT_REGISTRY_HOST => self.module_path(),
            _ => self.package(),
        }
    }
}

/// A remote package address (`git::https://example.com/x.git?ref=v1`) and a subdirectory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSource {
    /// The normalized package address, with its forced getter (`git::`) if any.
    pub package: String,
    /// A subdirectory of the package (may hold globs), or empty.
    pub subdir: String,
}

impl RemoteSource {
    /// This package with the registry address's subdirectory appended (what a registry's
    /// download location becomes for a `HOST/NS/NAME/SYSTEM//SUBDIR` call).
    pub fn with_registry_subdir(&self, given: &RegistrySource) -> RemoteSource {
        let subdir = match (self.subdir.is_empty(), given.subdir.is_empty()) {
            (_, true) => self.subdir.clone(),
            (true, false) => given.subdir.clone(),
            (false, false) => clean_path(&format!("{}/{}", self.subdir, given.subdir)),
        };
        RemoteSource {
            package: self.package.clone(),
            subdir,
        }
    }
}

impl fmt::Display for ModuleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleSource::Local(p) => f.write_str(p),
            ModuleSource::Registry(r) if r.subdir.is_empty() => f.write_str(&r.package()),
            ModuleSource::Registry(r) => write!(f, "{}//{}", r.package(), r.subdir),
            ModuleSource::Remote(r) => f.write_str(&with_subdir(&r.package, &r.subdir)),
        }
    }
}

/// `package` with `//subdir` placed before its query string.
fn with_subdir(package: &str, subdir: &str) -> String {
    if subdir.is_empty() {
        return package.to_string();
    }
    match package.split_once('?') {
        Some((base, query)) => format!("{base}//{subdir}?{query}"),
        None => format!("{package}//{subdir}"),
    }
}

/// Why a source address was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// A relative path without `./` or `../` (Terraform's `MaybeRelativePathErr`).
    MaybeRelativePath(String),
    /// Any other error, as Terraform words it.
    Invalid(String),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::MaybeRelativePath(a) => write!(
                f,
                "AutoStack cannot detect a supported external module source type for {a}"
            ),
            SourceError::Invalid(m) => f.write_str(m),
        }
    }
}

const LOCAL_PREFIXES: [&str; 4] = ["./", "../", ".\\", "..\\"];

/// True when `raw` is a local path (`./`, `../`).
pub fn is_local(raw: &str) -> bool {
    LOCAL_PREFIXES.iter().any(|p| raw.starts_with(p))
}

/// Parses a module source as Terraform's `moduleaddrs.ParseModuleSource` does.
pub fn parse_module_source(raw: &str) -> Result<ModuleSource, SourceError> {
    if is_local(raw) {
        let clean = clean_path(&raw.replace('\\', "/"));
        return Ok(ModuleSource::Local(if clean.starts_with("../") {
            clean
        } else {
            format!("./{clean}")
        }));
    }
    if let Ok(r) = parse_registry_source(raw) {
        return Ok(ModuleSource::Registry(r));
    }
    parse_remote_source(raw).map(ModuleSource::Remote)
}

/// Parses a remote package address (`moduleaddrs.parseModuleSourceRemote`).
pub fn parse_remote_source(raw: &str) -> Result<RemoteSource, SourceError> {
    let (raw, mut subdir) = split_package_subdir(raw);
    if subdir.starts_with("../") {
        return Err(SourceError::Invalid(format!(
            "subdirectory path {subdir:?} leads outside of the module package"
        )));
    }
    let normalized = detect_shorthands(&raw)?;
    let (package, more) = split_package_subdir(&normalized);
    if !more.is_empty() {
        subdir = match subdir.is_empty() {
            true => clean_path(&more),
            false => clean_path(&format!("{more}/{subdir}")),
        };
        if subdir.starts_with("../") {
            return Err(SourceError::Invalid(format!(
                "detected subdirectory path {subdir:?} of {package:?} leads outside of the module package"
            )));
        }
    }
    Ok(RemoteSource { package, subdir })
}

fn invalid(m: impl Into<String>) -> SourceError {
    SourceError::Invalid(m.into())
}

/// Parses a registry address (`tfaddr.ParseModuleSource`).
pub fn parse_registry_source(raw: &str) -> Result<RegistrySource, SourceError> {
    let (raw, subdir) = split_package_subdir(raw);
    if subdir.starts_with("../") {
        return Err(invalid(format!(
            "subdirectory path {subdir:?} leads outside of the module package"
        )));
    }
    let mut parts: Vec<&str> = raw.split('/').collect();
    if parts.len() != 3 && parts.len() != 4 {
        return Err(invalid("a module registry source address must have either three or four slash-separated components"));
    }
    let mut host = DEFAULT_REGISTRY_HOST.to_string();
    if parts.len() == 4 {
        host = registry_host(parts[0])?;
        parts.remove(0);
    }
    if host == "github.com" || host == "bitbucket.org" {
        return Err(invalid(format!("can't use {host:?} as a module registry host, because it's reserved for installing directly from version control repositories")));
    }
    let name_ok = |s: &str| {
        let b = s.as_bytes();
        let inner = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
        (1..=64).contains(&b.len())
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(inner)
    };
    const NAME_RULE: &str = "must be between one and 64 characters, including ASCII letters, digits, dashes, and underscores, where dashes and underscores may not be the prefix or suffix";
    if !name_ok(parts[0]) {
        if parts[0].contains('.') {
            return Err(invalid("source address must have three more components after the hostname: the namespace, the name, and the target system"));
        }
        return Err(invalid(format!(
            "invalid namespace {:?}: {NAME_RULE}",
            parts[0]
        )));
    }
    if !name_ok(parts[1]) {
        return Err(invalid(format!(
            "invalid module name {:?}: {NAME_RULE}",
            parts[1]
        )));
    }
    let system = parts[2];
    let system_ok = (1..=64).contains(&system.len())
        && system
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase());
    if !system_ok {
        if system.contains('?') {
            return Err(invalid(
                "module registry addresses may not include a query string portion",
            ));
        }
        return Err(invalid(format!(
            "invalid target system {system:?}: must be between one and 64 ASCII letters or digits"
        )));
    }
    Ok(RegistrySource {
        host,
        namespace: parts[0].to_string(),
        name: parts[1].to_string(),
        system: system.to_string(),
        subdir,
    })
}

/// A registry hostname normalized for comparison (lower case, optional port).
fn registry_host(given: &str) -> Result<String, SourceError> {
    let host = given.to_ascii_lowercase();
    let (name, port) = host.split_once(':').unwrap_or((&host, ""));
    let labels_ok = !name.is_empty()
        && name.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        });
    let port_ok = port.is_empty() || port.parse::<u16>().is_ok() && host.contains(':');
    if !labels_ok || !port_ok || host.ends_with(':') {
        if given.contains("--") {
            return Err(invalid(format!("invalid module registry hostname {given:?}; internationalized domain names must be given as direct unicode characters, not in punycode")));
        }
        return Err(invalid(format!(
            "invalid module registry hostname {given:?}"
        )));
    }
    if !name.contains('.') {
        return Err(invalid(
            "invalid module registry hostname: must contain at least one dot",
        ));
    }
    Ok(host)
}

/// Splits `addr//subdir?query` into `addr?query` and the cleaned `subdir` (go-getter's
/// `SourceDirSubdir`): the `//` of a scheme and anything after `?` do not count.
pub fn split_package_subdir(src: &str) -> (String, String) {
    let stop = src.find('?').unwrap_or(src.len());
    let offset = src[..stop].find("://").map_or(0, |i| i + 3);
    let Some(i) = src[offset..stop].find("//") else {
        return (src.to_string(), String::new());
    };
    let i = i + offset;
    let mut package = src[..i].to_string();
    let mut subdir = &src[i + 2..];
    if let Some(q) = subdir.find('?') {
        package.push_str(&subdir[q..]);
        subdir = &subdir[..q];
    }
    let subdir = match subdir.is_empty() {
        true => String::new(),
        false => clean_path(subdir),
    };
    (package, subdir)
}

/// `forced::rest` → (`forced`, `rest`) when `forced` is alphanumeric.
pub fn split_forced_getter(src: &str) -> (Option<&str>, &str) {
    match src.split_once("::") {
        Some((f, rest))
            if !f.is_empty()
                && !rest.is_empty()
                && f.bytes().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (Some(f), rest)
        }
        _ => (None, src),
    }
}

/// The scheme of a URL as Go's `url.Parse` finds it (`[A-Za-z][A-Za-z0-9+.-]*:`).
pub fn url_scheme(src: &str) -> Option<&str> {
    let colon = src.find(':')?;
    let s = &src[..colon];
    let first = s.bytes().next()?;
    (first.is_ascii_alphabetic()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')))
    .then_some(s)
}

/// Go's `path.Clean`: `.` dropped, `..` resolved lexically, no trailing slash.
pub fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => match out.last() {
                Some(&l) if l != ".." => {
                    out.pop();
                }
                _ if rooted => {}
                _ => out.push(".."),
            },
            _ => out.push(part),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// go-getter's detectors as Terraform runs them (`detectRemoteSourceShorthands`): a
/// source with a URL scheme is kept; otherwise GitHub, SSH git, Bitbucket, GCS, S3 and
/// absolute-path shorthands are expanded to `getter::URL`.
fn detect_shorthands(src: &str) -> Result<String, SourceError> {
    let (force, get_src) = split_forced_getter(src);
    let (get_src, mut subdir) = split_package_subdir(get_src);
    if url_scheme(&get_src).is_some() {
        return Ok(src.to_string());
    }
    let detected = super::module_source_detect::detect(&get_src)?;
    let (detect_force, result) = split_forced_getter(&detected);
    let (result, detect_subdir) = split_package_subdir(result);
    if !detect_subdir.is_empty() {
        subdir = match subdir.is_empty() {
            true => detect_subdir,
            false => clean_path(&format!("{detect_subdir}/{subdir}")),
        };
    }
    let result = with_subdir(&result, &subdir);
    Ok(match force.or(detect_force) {
        Some(f) => format!("{f}::{result}"),
        None => result,
    })
}

#[cfg(test)]
#[path = "module_source_tests.rs"]
mod tests;
