//! Where a `module` call's source lives when a configuration is loaded: a local path next
//! to the calling module, or the directory `init` installed it in, as recorded in
//! `.terraform/modules/modules.json` (Terraform's configload: "Module not installed",
//! "Module source has changed", "Module version requirements have changed").

use super::manifest::{manifest_path, ModuleManifest};
use super::module_source::{parse_module_source, ModuleSource, SourceError};
use super::ModuleCall;
use crate::diag::Diagnostic;
use autostack_value::version::{Constraints, Version};
use std::path::{Path, PathBuf};

/// The installed-modules manifest of a configuration, read once when a call needs it.
pub(super) struct Installed {
    root: PathBuf,
    manifest: Option<Result<ModuleManifest, String>>,
}

impl Installed {
    /// The manifest of the configuration rooted at `root` (read lazily).
    pub(super) fn new(root: &Path) -> Installed {
        Installed {
            root: root.to_path_buf(),
            manifest: None,
        }
    }

    fn manifest(&mut self) -> &Result<ModuleManifest, String> {
        let root = &self.root;
        self.manifest
            .get_or_insert_with(|| ModuleManifest::read(&manifest_path(root)))
    }
}

/// The parsed source of `call`, or Terraform's "Invalid module source address".
pub fn call_source(call: &ModuleCall) -> Result<ModuleSource, Diagnostic> {
    parse_module_source(&call.source).map_err(|e| {
        let detail = match e {
            SourceError::MaybeRelativePath(a) => format!("AutoStack failed to determine your intended installation method for remote module package {a:?}.\n\nIf you intended this as a path relative to the current module, use \"./{a}\" instead. The \"./\" prefix indicates that the address is a relative filesystem path."),
            SourceError::Invalid(m) => format!("Failed to parse module source address: {m}."),
        };
        Diagnostic::error(
            "Invalid module source address",
            detail,
            Some(call.source_range.clone()),
        )
    })
}

/// The parsed `version` constraints of `call` (none: every release).
pub fn call_constraints(call: &ModuleCall) -> Result<Option<Constraints>, Diagnostic> {
    let Some(v) = call.version.as_deref() else {
        return Ok(None);
    };
    Constraints::parse(v).map(Some).map_err(|_| {
        Diagnostic::error(
            "Invalid version constraint",
            "This string does not use correct version constraint syntax.",
            Some(call.range.clone()),
        )
    })
}

/// "Invalid version constraint" for a call whose source cannot carry one (`why`: "it has a
/// relative local path", "it doesn't come from a module registry").
pub fn version_not_allowed(call: &ModuleCall, why: &str) -> Diagnostic {
    let at = &call.range;
    Diagnostic::error(
        "Invalid version constraint",
        format!(
            "Cannot apply a version constraint to module {:?} (at {}:{}) because {why}.",
            call.name, at.filename, at.start.line
        ),
        Some(at.clone()),
    )
}

/// The directory of the module `call` (key `key`) made from the module in `dir`.
pub(super) fn resolve(
    call: &ModuleCall,
    key: &str,
    dir: &Path,
    installed: &mut Installed,
) -> Result<PathBuf, Vec<Diagnostic>> {
    let source = call_source(call).map_err(|d| vec![d])?;
    let constraints = call_constraints(call).map_err(|d| vec![d])?;
    if let ModuleSource::Local(path) = &source {
        if constraints.is_some() {
            return Err(vec![version_not_allowed(
                call,
                "it has a relative local path",
            )]);
        }
        return Ok(dir.join(path));
    }
    let root = installed.root.clone();
    let manifest = match installed.manifest() {
        Ok(m) => m,
        Err(e) => {
            return Err(vec![Diagnostic::error(
                "Failed to read module manifest",
                format!("The manifest of installed modules could not be read: {e}. Run \"autostack init\" to install all modules required by this configuration."),
                Some(call.range.clone()),
            )])
        }
    };
    let Some(record) = manifest.0.get(key) else {
        return Err(vec![Diagnostic::error(
            "Module not installed",
            "This module is not yet installed. Run \"autostack init\" to install all modules required by this configuration.",
            Some(call.range.clone()),
        )]);
    };
    let mut diags = Vec::new();
    if record.source != source.to_string() {
        diags.push(Diagnostic::error("Module source has changed", "The source address was changed since this module was installed. Run \"autostack init\" to install all modules required by this configuration.", Some(call.source_range.clone())));
    }
    if let Some(c) = &constraints {
        let installed_version = record.version.as_deref().and_then(Version::parse);
        if !installed_version.as_ref().is_some_and(|v| c.allows(v)) {
            let which = record
                .version
                .as_ref()
                .map_or(String::new(), |v| format!(" ({v})"));
            diags.push(Diagnostic::error("Module version requirements have changed", format!("The version requirements have changed since this module was installed and the installed version{which} is no longer acceptable. Run \"autostack init\" to install all modules required by this configuration."), Some(call.source_range.clone())));
        }
    }
    let child = root.join(&record.dir);
    if !child.is_dir() {
        diags.push(Diagnostic::error(
            "Module not installed",
            format!("This module's local cache directory {} could not be read. Run \"autostack init\" to install all modules required by this configuration.", record.dir),
            Some(call.range.clone()),
        ));
    }
    match diags.is_empty() {
        true => Ok(child),
        false => Err(diags),
    }
}
