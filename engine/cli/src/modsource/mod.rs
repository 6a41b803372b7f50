//! Module installation as `terraform init` / `terraform get` do it: every module call of the
//! configuration, level by level, is resolved (local paths next to their caller, registry
//! addresses through the module registry protocol, remote packages through their getter),
//! fetched into `.terraform/modules/KEY` (`TF_DATA_DIR` honoured) and recorded in
//! `modules.json` with Terraform's keys, normalized sources, versions and directories. A
//! module already installed from the same source, at a version its constraints still allow,
//! is kept (unless `-upgrade`/`-update`); the manifest is written only when all went well.

mod archive;
mod cliconfig;
mod cloud;
mod fetch;
mod git;
mod registry;

use autostack_lang::config::manifest::{self, ModuleManifest, ModuleRecord};
use autostack_lang::config::module_source::{
    clean_path, ModuleSource, RegistrySource, RemoteSource,
};
use autostack_lang::config::{call_constraints, call_source, load_module, version_not_allowed};
use autostack_lang::config::{Module, ModuleCall};
use autostack_lang::diag::{Diagnostic, Sources};
use autostack_lang::value::version::{Constraints, Version};
use autostack_lang::Diagnostics;
use registry::{Registry, RegistryError};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

/// Installs the modules `root` (loaded from the working directory) calls, recursively, and
/// writes the manifest. Progress lines go to stdout as Terraform prints them.
pub async fn install(root: &Module, upgrade: bool, sources: &Sources) -> Result<(), Diagnostics> {
    let config = cliconfig::RegistryConfig::load()
        .map_err(|e| one(Diagnostic::error("Invalid CLI configuration", e, None)))?;
    let modules_dir = modules_dir();
    let manifest_file = Path::new(&modules_dir).join("modules.json");
    let manifest = ModuleManifest::read(&manifest_file).map_err(|e| {
        one(Diagnostic::error(
            "Failed to read modules manifest file",
            format!("Error reading manifest for {modules_dir}: {e}."),
            None,
        ))
    })?;
    let mut inst = Installer {
        modules_dir,
        manifest,
        upgrade,
        registry: Registry::new(config),
        fetcher: fetch::Fetcher::default(),
        locations: HashMap::new(),
        sources,
        diags: Diagnostics::new(),
    };
    inst.walk(root).await;
    if inst.diags.has_errors() {
        return Err(inst.diags);
    }
    inst.manifest
        .0
        .insert(String::new(), record("", "", None, "."));
    inst.manifest.write(&manifest_file).map_err(|e| {
        one(Diagnostic::error(
            "Failed to update module manifest",
            format!("Unable to write the module manifest file: {e}"),
            None,
        ))
    })
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

fn record(key: &str, source: &str, version: Option<String>, dir: &str) -> ModuleRecord {
    ModuleRecord {
        key: key.into(),
        source: source.into(),
        version,
        dir: dir.into(),
    }
}

/// `.terraform/modules` (or `$TF_DATA_DIR/modules`), as the manifest writes directories.
fn modules_dir() -> String {
    let data = manifest::data_dir(Path::new(""));
    clean_path(&format!("{}/modules", data.display()))
}

/// The state of one installation.
struct Installer<'a> {
    modules_dir: String,
    manifest: ModuleManifest,
    upgrade: bool,
    registry: Registry,
    fetcher: fetch::Fetcher,
    /// Registry download locations by `package@version`.
    locations: HashMap<String, RemoteSource>,
    sources: &'a Sources,
    diags: Diagnostics,
}

/// A module to visit: its key path and its directory as the manifest records it.
struct Visit {
    path: Vec<String>,
    dir: String,
    module: Module,
}

impl Installer<'_> {
    /// Visits the calls of `root`, then of its children, level by level, in declaration order.
    async fn walk(&mut self, root: &Module) {
        let mut queue = VecDeque::from([Visit {
            path: Vec::new(),
            dir: ".".into(),
            module: root.clone(),
        }]);
        while let Some(v) = queue.pop_front() {
            if v.path.len() > 64 {
                continue;
            }
            for call in v.module.module_calls.values() {
                let mut path = v.path.clone();
                path.push(call.name.clone());
                let key = path.join(".");
                let Some(dir) = self.install_call(call, &key, &v.dir).await else {
                    continue;
                };
                let (module, d) = load_module(Path::new(&dir), self.sources);
                self.diags.extend(d);
                queue.push_back(Visit { path, dir, module });
            }
        }
    }

    /// Installs (or keeps) the module of `call`; its directory, or `None` after an error.
    async fn install_call(&mut self, call: &ModuleCall, key: &str, parent: &str) -> Option<String> {
        let source = self.located(call_source(call))?;
        let constraints = self.located(call_constraints(call))?;
        let source_str = source.to_string();
        let stale = match self.manifest.0.get(key) {
            None => true,
            Some(r) if r.source != source_str => true,
            Some(r) => match (r.version.as_deref().and_then(Version::parse), &constraints) {
                (Some(v), Some(c)) => !c.allows(&v),
                _ => false,
            },
        };
        if self.upgrade || stale {
            let prefix = format!("{key}.");
            self.manifest
                .0
                .retain(|k, _| k != key && !k.starts_with(&prefix));
        }
        match self.manifest.0.get(key) {
            Some(r) if Path::new(&r.dir).is_dir() => return Some(r.dir.clone()),
            Some(_) => {}
            None => {
                let _ = std::fs::remove_dir_all(self.inst_path(key));
            }
        }
        let (dir, version) = match &source {
            ModuleSource::Local(p) => (self.local(call, p, parent, constraints)?, None),
            ModuleSource::Registry(r) => {
                let (dir, v) = self.registry_module(call, key, r, constraints).await?;
                (dir, Some(v))
            }
            ModuleSource::Remote(r) => (self.remote(call, key, r, constraints).await?, None),
        };
        println!("- {key} in {dir}");
        let rec = record(key, &source_str, version, &dir);
        self.manifest.0.insert(key.to_string(), rec);
        Some(dir)
    }

    fn located<T>(&mut self, r: Result<T, Diagnostic>) -> Option<T> {
        r.map_err(|d| self.diags.push(d)).ok()
    }

    /// Records an error located at `call`; `None` for the caller to return.
    fn fail<T>(&mut self, call: &ModuleCall, summary: &str, detail: String) -> Option<T> {
        self.diags
            .push(Diagnostic::error(summary, detail, Some(call.range.clone())));
        None
    }

    /// `.terraform/modules/KEY`.
    fn inst_path(&self, key: &str) -> String {
        clean_path(&format!("{}/{key}", self.modules_dir))
    }

    /// `file:line` of a call, as Terraform's messages name it.
    fn at(call: &ModuleCall) -> String {
        format!("{}:{}", call.range.filename, call.range.start.line)
    }

    fn local(
        &mut self,
        call: &ModuleCall,
        path: &str,
        parent: &str,
        c: Option<Constraints>,
    ) -> Option<String> {
        if c.is_some() {
            self.diags
                .push(version_not_allowed(call, "it has a relative local path"));
        }
        let dir = eval_symlinks(&clean_path(&format!("{parent}/{path}")));
        if !Path::new(&dir).is_dir() {
            let at = Self::at(call);
            let detail = format!(
                "The directory {dir} could not be read for module {:?} at {at}.",
                call.name
            );
            return self.fail(call, "Unreadable module directory", detail);
        }
        Some(dir)
    }

    async fn registry_module(
        &mut self,
        call: &ModuleCall,
        key: &str,
        r: &RegistrySource,
        c: Option<Constraints>,
    ) -> Option<(String, String)> {
        let version = self.select_version(call, r, c.unwrap_or_default()).await?;
        println!("Downloading {} {version} for {key}...", r.package());
        let loc_key = format!("{}@{version}", r.package());
        let location = match self.locations.get(&loc_key) {
            Some(l) => l.clone(),
            None => {
                let l = self.registry_location(call, r, &version).await?;
                self.locations.insert(loc_key, l.clone());
                l
            }
        };
        let inst = self.inst_path(key);
        self.fetch(call, &location.package, &location, &inst, ".")
            .await?;
        let full = location.with_registry_subdir(r);
        let dir = clean_path(&format!("{inst}/{}", full.subdir));
        if !Path::new(&dir).is_dir() {
            let detail = format!("The directory {dir} does not exist. The target submodule {} does not exist within the target module.", full.subdir);
            return self.fail(call, "Unreadable module subdirectory", detail);
        }
        Some((dir, version))
    }

    /// The newest version the registry lists that `c` allows (pre-releases only by name).
    async fn select_version(
        &mut self,
        call: &ModuleCall,
        r: &RegistrySource,
        c: Constraints,
    ) -> Option<String> {
        let (at, host, addr) = (
            Self::at(call),
            r.host.clone(),
            ModuleSource::Registry(r.clone()),
        );
        let listed = match self.registry.versions(r).await {
            Ok(v) => v,
            Err(RegistryError::NotFound) => {
                let d = format!(
                    "Module {:?} (from {at}) cannot be found in the module registry at {host}.",
                    call.name
                );
                return self.fail(call, "Module not found", d);
            }
            Err(RegistryError::Other(e)) if e.is_empty() => {
                let d = format!("The registry at {host} returned an invalid response when AutoStack requested available versions for module {:?} ({at}).", call.name);
                return self.fail(call, "Invalid response from remote module registry", d);
            }
            Err(RegistryError::Other(e)) => {
                let d = format!("Failed to retrieve available versions for module {:?} ({at}) from {host}: {e}.", call.name);
                return self.fail(call, "Error accessing remote module registry", d);
            }
        };
        let usable = listed.iter().filter_map(|s| Version::parse(s));
        let usable: Vec<Version> = usable.filter(|v| v.pre.is_empty() || c.allows(v)).collect();
        let Some(newest) = usable.iter().max() else {
            let d = format!(
                "Module {:?} ({at}) has no versions available on {host}.",
                addr.to_string()
            );
            return self.fail(call, "Module has no versions", d);
        };
        match usable.iter().filter(|v| c.allows(v)).max() {
            Some(v) => Some(v.to_string()),
            None => {
                let d = format!("There is no available version of module {:?} ({at}) which matches the given version constraint. The newest available version is {newest}.", addr.to_string());
                self.fail(call, "Unresolvable module version constraint", d)
            }
        }
    }

    async fn registry_location(
        &mut self,
        call: &ModuleCall,
        r: &RegistrySource,
        version: &str,
    ) -> Option<RemoteSource> {
        let (host, addr) = (
            r.host.clone(),
            ModuleSource::Registry(r.clone()).to_string(),
        );
        let raw = match self.registry.location(r, version).await {
            Ok(l) => l,
            Err(e) => {
                let d = format!(
                    "Failed to retrieve a download URL for {addr} {version} from {host}: {e}"
                );
                return self.fail(call, "Error accessing remote module registry", d);
            }
        };
        let invalid = "Invalid package location from module registry";
        match autostack_lang::config::module_source::parse_module_source(&raw) {
            Ok(ModuleSource::Remote(l)) => Some(l),
            Ok(_) => {
                let d = format!("Module registry {host} returned invalid source location {raw:?} for {addr} {version}: must be a direct remote package address.");
                self.fail(call, invalid, d)
            }
            Err(e) => {
                let d = format!("Module registry {host} returned invalid source location {raw:?} for {addr} {version}: {e}.");
                self.fail(call, invalid, d)
            }
        }
    }

    async fn remote(
        &mut self,
        call: &ModuleCall,
        key: &str,
        r: &RemoteSource,
        c: Option<Constraints>,
    ) -> Option<String> {
        if c.is_some() {
            self.diags.push(version_not_allowed(
                call,
                "it doesn't come from a module registry",
            ));
            return None;
        }
        println!("Downloading {} for {key}...", r.package);
        let inst = self.inst_path(key);
        self.fetch(call, &r.package, r, &inst, "").await?;
        match expand_subdir_globs(&inst, &r.subdir) {
            Ok(dir) => Some(dir),
            Err(e) => {
                self.diags.push(Diagnostic::error(
                    "Failed to expand subdir globs",
                    e,
                    Some(call.range.clone()),
                ));
                None
            }
        }
    }

    /// Fetches `package` into `inst`; `shown` is the source named in an error, `end` what
    /// ends Terraform's message (its registry message ends with a period).
    async fn fetch(
        &mut self,
        call: &ModuleCall,
        package: &str,
        shown: &RemoteSource,
        inst: &str,
        end: &str,
    ) -> Option<()> {
        let dest = PathBuf::from(inst);
        match self.fetcher.fetch(package, &dest).await {
            Ok(()) => Some(()),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dest);
                let shown = ModuleSource::Remote(shown.clone()).to_string();
                let d = format!(
                    "Could not download module {:?} ({}) source code from {shown:?}: {e}{end}",
                    call.name,
                    Self::at(call)
                );
                self.fail(call, "Failed to download module", d)
            }
        }
    }
}

/// `dir` with symbolic links resolved when it passes through one (Go's `EvalSymlinks`:
/// a module inside a linked `file://` package is found at its real place).
fn eval_symlinks(dir: &str) -> String {
    let mut prefix = PathBuf::new();
    for part in Path::new(dir).components() {
        prefix.push(part);
        if prefix
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            if let Ok(real) = Path::new(dir).canonicalize() {
                return real.display().to_string();
            }
        }
    }
    dir.to_string()
}

/// `inst/subdir`, where `subdir` may hold `*`/`?` globs that must match exactly one path.
fn expand_subdir_globs(inst: &str, subdir: &str) -> Result<String, String> {
    let pattern = clean_path(&format!("{inst}/{subdir}"));
    if !subdir.contains(['*', '?', '[']) {
        return match Path::new(&pattern).exists() {
            true => Ok(pattern),
            false => Err(format!("subdir {subdir:?} not found")),
        };
    }
    let mut found = vec![PathBuf::from(inst)];
    for seg in subdir.split('/').filter(|s| !s.is_empty() && *s != ".") {
        found = found
            .iter()
            .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
            .filter(|e| glob_match(seg, &e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect();
    }
    match found.len() {
        0 => Err(format!("subdir {subdir:?} not found")),
        1 => Ok(found[0].display().to_string()),
        _ => Err(format!("subdir {subdir:?} matches multiple paths")),
    }
}

/// `*` and `?` wildcards of one path segment.
fn glob_match(pattern: &str, name: &str) -> bool {
    match (pattern.chars().next(), name.chars().next()) {
        (None, None) => true,
        (Some('*'), _) => {
            glob_match(&pattern[1..], name)
                || name
                    .chars()
                    .next()
                    .is_some_and(|c| glob_match(pattern, &name[c.len_utf8()..]))
        }
        (Some('?'), Some(c)) => glob_match(&pattern[1..], &name[c.len_utf8()..]),
        (Some(p), Some(c)) if p == c => glob_match(&pattern[p.len_utf8()..], &name[c.len_utf8()..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdir_globs_match_one_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repo-main/modules/x")).unwrap();
        let inst = dir.path().display().to_string();
        let got = expand_subdir_globs(&inst, "*/modules/x").unwrap();
        assert!(got.ends_with("repo-main/modules/x"), "{got}");
        assert!(expand_subdir_globs(&inst, "nope-*").is_err());
        assert_eq!(expand_subdir_globs(&inst, "").unwrap(), inst);
        assert!(glob_match("a?c*", "abcdef") && !glob_match("a?c", "ac"));
    }
}
