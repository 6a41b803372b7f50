//! Loading module directories (every `.tf` and `.tf.json` file) and the module tree.

use super::decode::decode_file;
use super::load_calls::{self, Installed};
use super::Module;
use crate::diag::{Diagnostic, Diagnostics, Pos, Range, Sources};
use crate::eval::{Evaluator, MapScope};
use crate::functions::Functions;
use crate::syntax::{parse_file, Expr, ExprKind};
use crate::value::Value;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A module and the modules its `module` blocks call, recursively.
#[derive(Debug, Clone, Default)]
pub struct ModuleTree {
    /// This module, shared by every call of the same directory (parsed once).
    pub module: Arc<Module>,
    /// Child modules by call name.
    pub children: IndexMap<String, ModuleTree>,
}

/// The configuration files of `dir`, sorted by name (Terraform reads them in lexical order).
pub(super) fn config_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with('.')
                && !name.starts_with('#')
                && !name.ends_with('~')
                && (name.ends_with(".tf") || name.ends_with(".tf.json"))
                && p.is_file()
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A path for diagnostics: relative to the working directory when possible.
pub(super) fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let rel = p.strip_prefix(&cwd).unwrap_or(p);
    // `./main.tf` → `main.tf`, `./mod/../x.tf` kept as written otherwise.
    let clean: PathBuf = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    clean.to_string_lossy().into_owned()
}

/// Loads and decodes one module directory; all files' errors are collected.
pub fn load_module(dir: &Path, sources: &Sources) -> (Module, Diagnostics) {
    load_module_with(dir, sources, &Overlay::new())
}

/// Texts that stand in for files on disk, by canonical path: a configuration as an edit would
/// leave it (`autostack migrate` plans its rewrite before writing anything).
pub type Overlay = std::collections::HashMap<PathBuf, String>;

/// The text of `path`: its overlay's when it has one, else the file's.
fn file_bytes(path: &Path, overlay: &Overlay) -> std::io::Result<Vec<u8>> {
    if !overlay.is_empty() {
        if let Some(t) = overlay.get(&super::recorded::overlay_key(path)) {
            return Ok(t.clone().into_bytes());
        }
    }
    std::fs::read(path)
}

fn load_module_with(dir: &Path, sources: &Sources, overlay: &Overlay) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut m = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let files = match config_files(dir) {
        Ok(mut f) => {
            f.extend(super::recorded::overlay_only_files(dir, &f, overlay));
            f.sort();
            f
        }
        Err(_) if super::recorded::overlay_has_dir(dir, overlay) => {
            super::recorded::overlay_only_files(dir, &[], overlay)
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read module directory",
                format!(
                    "Module directory {} does not exist or cannot be read: {e}.",
                    dir.display()
                ),
                None,
            ));
            return (m, diags);
        }
    };
    for path in files {
        let name = display_path(&path);
        let bytes = match file_bytes(&path, overlay) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Failed to read file",
                    format!("The configuration file {name:?} could not be read: {e}."),
                    None,
                ));
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                diags.push(invalid_utf8(
                    &name,
                    e.as_bytes(),
                    e.utf8_error().valid_up_to(),
                ));
                continue;
            }
        };
        let file = sources.add(name, text);
        match parse_file(&file) {
            Ok(body) => decode_file(body, &mut m, &mut diags),
            Err(d) => diags.extend(d),
        }
    }
    (m, diags)
}

fn invalid_utf8(name: &str, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]);
    let line = prefix.matches('\n').count() as u32 + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    let pos = Pos {
        line,
        column,
        byte: valid_up_to,
    };
    Diagnostic::error(
        "Invalid character encoding",
        "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.",
        Some(Range { filename: name.into(), start: pos, end: Pos { byte: valid_up_to + 1, column: column + 1, ..pos } }),
    )
}

/// Loads the root module and every module it calls, recursively.
pub fn load_module_tree(root: &Path, sources: &Sources) -> (ModuleTree, Diagnostics) {
    load_module_tree_with(root, sources, &Overlay::new())
}

/// [`load_module_tree`] reading the texts of `overlay` in place of the files they name.
/// Modules with non-local sources are read from where `init` installed them (the
/// manifest in `.terraform/modules`, `TF_DATA_DIR` honoured, relative to `root`).
pub fn load_module_tree_with(
    root: &Path,
    sources: &Sources,
    overlay: &Overlay,
) -> (ModuleTree, Diagnostics) {
    let mut walk = TreeWalk {
        sources,
        overlay,
        installed: Installed::new(root),
        loaded: HashMap::new(),
        stack: Vec::new(),
        key: Vec::new(),
    };
    walk.load(root)
}

/// The state of one walk down the module tree.
struct TreeWalk<'a> {
    sources: &'a Sources,
    overlay: &'a Overlay,
    installed: Installed,
    /// Modules already read, by directory as named: a module called many times is parsed
    /// once (at 1,000,000 resources in ten calls, most of the configuration's memory).
    loaded: HashMap<PathBuf, (Arc<Module>, Diagnostics)>,
    /// Canonical directories of the modules being loaded (recursion check).
    stack: Vec<PathBuf>,
    /// Call names from the root to the module being loaded.
    key: Vec<String>,
}

impl TreeWalk<'_> {
    fn load(&mut self, dir: &Path) -> (ModuleTree, Diagnostics) {
        let (module, mut diags) = self.read(dir);
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        self.stack.push(canonical);
        let mut children = IndexMap::new();
        for call in module.module_calls.values() {
            self.key.push(call.name.clone());
            if let Some(child) = self.load_call(call, dir, &mut diags) {
                children.insert(call.name.clone(), child);
            }
            self.key.pop();
        }
        self.stack.pop();
        (ModuleTree { module, children }, diags)
    }

    /// The module in `dir`, read on its first call; later calls share it and repeat its
    /// diagnostics, as reading it again would.
    fn read(&mut self, dir: &Path) -> (Arc<Module>, Diagnostics) {
        let (module, diags) = self.loaded.entry(dir.to_path_buf()).or_insert_with(|| {
            let (m, d) = load_module_with(dir, self.sources, self.overlay);
            (Arc::new(m), d)
        });
        (module.clone(), diags.clone())
    }

    fn load_call(
        &mut self,
        call: &super::ModuleCall,
        dir: &Path,
        diags: &mut Diagnostics,
    ) -> Option<ModuleTree> {
        let key = self.key.join(".");
        let child_dir = match load_calls::resolve(call, &key, dir, &mut self.installed) {
            Ok(d) => d,
            Err(ds) => {
                ds.into_iter().for_each(|d| diags.push(d));
                return None;
            }
        };
        let child_canon = child_dir
            .canonicalize()
            .unwrap_or_else(|_| child_dir.clone());
        if self.stack.contains(&child_canon) || self.stack.len() > 64 {
            diags.push(Diagnostic::error(
                "Module recursion",
                format!(
                    "Module {:?} calls itself (directly or through other modules).",
                    call.name
                ),
                Some(call.range.clone()),
            ));
            return None;
        }
        if !child_dir.is_dir() && !super::recorded::overlay_has_dir(&child_dir, self.overlay) {
            diags.push(Diagnostic::error(
                "Unreadable module directory",
                format!(
                    "The directory {} does not exist or cannot be read.",
                    child_dir.display()
                ),
                Some(call.source_range.clone()),
            ));
            return None;
        }
        let (child, d) = self.load(&child_dir);
        diags.extend(d);
        Some(child)
    }
}

/// Evaluates an expression that may use neither references nor function calls (defaults,
/// tfvars values).
pub fn eval_static(e: &Expr, diags: &mut Diagnostics) -> Option<Value> {
    let mut bad = false;
    e.walk(&mut |x| match &x.kind {
        // HCL reports a reference at its root name, a call as a whole.
        ExprKind::Traversal(t) if !bad => {
            bad = true;
            diags.push(Diagnostic::error(
                "Variables not allowed",
                "Variables may not be used here.",
                Some(t.root_range.clone()),
            ));
        }
        ExprKind::Call { .. } if !bad => {
            bad = true;
            diags.push(Diagnostic::error(
                "Function calls not allowed",
                "Functions may not be called here.",
                Some(x.range.clone()),
            ));
        }
        _ => {}
    });
    if bad {
        return None;
    }
    let funcs = Functions::default();
    let scope = MapScope::default();
    let mut ev = Evaluator::new(&scope, &funcs, PathBuf::from("."));
    diags.take(ev.eval(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_of_one_directory_share_its_parse_and_each_reports_its_errors() {
        let dir = tempfile::tempdir().unwrap();
        let calls =
            "module \"a\" {\n  source = \"./m\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\n";
        std::fs::write(dir.path().join("main.tf"), calls).unwrap();
        std::fs::create_dir(dir.path().join("m")).unwrap();
        let body = "resource \"terraform_data\" \"x\" {}\nvariable \"v\" {}\nvariable \"v\" {}\n";
        std::fs::write(dir.path().join("m/main.tf"), body).unwrap();
        let sources = Sources::new();
        let (tree, diags) = load_module_tree(dir.path(), &sources);
        let (a, b) = (&tree.children["a"].module, &tree.children["b"].module);
        assert!(Arc::ptr_eq(a, b), "one parse for both calls");
        assert!(a.resources.len() == 1);
        let dups = (diags.iter())
            .filter(|d| d.summary == "Duplicate variable declaration")
            .count();
        assert_eq!(
            dups, 2,
            "each call reports the module's errors, as a second read would"
        );
    }
}
