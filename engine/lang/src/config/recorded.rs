//! A configuration as it was read, kept to be read again: the texts of every configuration
//! file of a module tree ([`config_texts`], what a state version records), and the overlay
//! that loads exactly those texts in place of what the directories hold now
//! ([`restoring_overlay`], what `rollback` plans): recorded files read as recorded, files
//! added since read as empty, files removed since read again.

use super::load::{config_files, display_path};
use super::{ModuleTree, Overlay};
use crate::diag::Sources;
use std::path::{Component, Path, PathBuf};

/// Every configuration file of `tree` (root and children) with the text the loader read,
/// by path as the tree names it (relative to the working directory), sorted.
pub fn config_texts(tree: &ModuleTree, sources: &Sources) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    collect(tree, sources, &mut out);
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

fn collect(tree: &ModuleTree, sources: &Sources, out: &mut Vec<(PathBuf, String)>) {
    for path in config_files(&tree.module.dir).unwrap_or_default() {
        let text = match sources.get(&display_path(&path)) {
            Some(file) => file.text.to_string(),
            None => match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(_) => continue,
            },
        };
        out.push((lexical(&path), text));
    }
    for child in tree.children.values() {
        collect(child, sources, out);
    }
}

/// The overlay that loads the recorded `files` (as [`config_texts`] gave them) in place of
/// the configuration of `current` (the tree as the directories hold it now): a file of
/// `current` that was not recorded reads as empty.
pub fn restoring_overlay(files: &[(PathBuf, String)], current: &ModuleTree) -> Overlay {
    let mut overlay: Overlay = files
        .iter()
        .map(|(path, text)| (overlay_key(path), text.clone()))
        .collect();
    let mut now = Vec::new();
    current_files(current, &mut now);
    for path in now {
        let empty = match path.to_string_lossy().ends_with(".json") {
            true => "{}",
            false => "",
        };
        overlay
            .entry(overlay_key(&path))
            .or_insert_with(|| empty.to_string());
    }
    overlay
}

fn current_files(tree: &ModuleTree, out: &mut Vec<PathBuf>) {
    out.extend(config_files(&tree.module.dir).unwrap_or_default());
    for child in tree.children.values() {
        current_files(child, out);
    }
}

/// The key of `path` in an overlay: its canonical path, or for a file or directory that
/// does not exist (any more), its canonical parent joined with the rest.
pub fn overlay_key(path: &Path) -> PathBuf {
    if let Ok(c) = path.canonicalize() {
        return c;
    }
    let absolute = std::env::current_dir().unwrap_or_default().join(path);
    let absolute = lexical(&absolute);
    let mut base = absolute.as_path();
    let mut rest = Vec::new();
    while let Some(parent) = base.parent() {
        rest.push(base.file_name().unwrap_or_default().to_os_string());
        base = parent;
        if let Ok(c) = base.canonicalize() {
            return rest.iter().rev().fold(c, |p, n| p.join(n));
        }
    }
    absolute
}

/// `path` with `.` dropped and `..` applied lexically (where a `..` has something to undo).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The overlay's configuration files in `dir` that the directory does not hold (files a
/// recorded configuration had and the directory lost since): names under `dir`.
pub(super) fn overlay_only_files(
    dir: &Path,
    on_disk: &[PathBuf],
    overlay: &Overlay,
) -> Vec<PathBuf> {
    if overlay.is_empty() {
        return Vec::new();
    }
    let key_dir = overlay_key(dir);
    let mut out: Vec<PathBuf> = overlay
        .keys()
        .filter(|k| k.parent() == Some(key_dir.as_path()))
        .filter_map(|k| k.file_name())
        .filter(|n| {
            let n = n.to_string_lossy();
            n.ends_with(".tf") || n.ends_with(".tf.json")
        })
        .map(|n| dir.join(n))
        .filter(|p| !on_disk.iter().any(|d| d.file_name() == p.file_name()))
        .collect();
    out.sort();
    out
}

/// True when the overlay holds files under `dir` (a module directory removed since a
/// configuration was recorded still loads from them).
pub(super) fn overlay_has_dir(dir: &Path, overlay: &Overlay) -> bool {
    if overlay.is_empty() {
        return false;
    }
    let key_dir = overlay_key(dir);
    overlay
        .keys()
        .any(|k| k.parent() == Some(key_dir.as_path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths_drop_dots_and_apply_parents() {
        assert_eq!(lexical(Path::new("./main.tf")), PathBuf::from("main.tf"));
        assert_eq!(
            lexical(Path::new("./modules/net/../db/x.tf")),
            PathBuf::from("modules/db/x.tf")
        );
        assert_eq!(
            lexical(Path::new("../up/x.tf")),
            PathBuf::from("../up/x.tf")
        );
        assert_eq!(lexical(Path::new(".")), PathBuf::from("."));
    }

    #[test]
    fn a_missing_file_is_keyed_under_its_canonical_parent() {
        let tmp = std::env::temp_dir().canonicalize().unwrap();
        let key = overlay_key(&tmp.join("no-such-dir-xyz").join("gone.tf"));
        assert_eq!(key, tmp.join("no-such-dir-xyz").join("gone.tf"));
    }
}
