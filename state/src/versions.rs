//! State versions: what each successful apply keeps of the past, so that `state history`
//! can list it and `rollback` can return to it. A version is a small *meta* record (serial,
//! time, who, summary, cost: what a listing needs) and a *body* (the state the apply
//! replaced and the evaluated configuration it applied: what a rollback needs). Both are
//! opaque bytes here; every implementation stores them through the [`Encryptor`], since the
//! body holds variable values that may be sensitive.
//!
//! Where versions live, per backend:
//! - local: a folder beside the state file, `terraform.tfstate.versions/` (Terraform's own
//!   `terraform.tfstate.d/` holds workspaces, so versions stay out of it);
//! - s3: objects beside the state object, `<key>.versions/<serial>.meta|.body`;
//! - pg: rows of the `autostack_state_versions` table beside Terraform's `states` table;
//! - gcs, azurerm: a folder on this machine, `.terraform/state-versions/<workspace>/`.
//!
//! Only the last `keep` versions are kept (`history { keep = N }` in `autostack.hcl`).

use crate::error::{Result, StateError};
use crate::local::atomic_write;
use crate::seams::Encryptor;
use async_trait::async_trait;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many versions are kept when `autostack.hcl` does not say.
pub const DEFAULT_KEEP: usize = 50;

/// Where a backend keeps the versions of a workspace's state.
#[async_trait]
pub trait Versions: Send + Sync {
    /// A human description of where `workspace`'s versions are, for messages.
    fn versions_location(&self, workspace: &str) -> String;

    /// Keeps version `serial` of `workspace` (its `meta` and `body`, plain bytes), then drops
    /// the oldest versions beyond the last `keep`.
    async fn keep_version(
        &self,
        workspace: &str,
        serial: u64,
        meta: &[u8],
        body: &[u8],
        keep: usize,
    ) -> Result<()>;

    /// Every kept version of `workspace` as (serial, meta), oldest first.
    async fn versions(&self, workspace: &str) -> Result<Vec<(u64, Vec<u8>)>>;

    /// The body of version `serial` of `workspace`, `None` when it is not kept.
    async fn version_body(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>>;
}

/// The object or file name of a version's part: serials zero-padded, so names sort as
/// serials do.
pub fn part_name(serial: u64, part: &str) -> String {
    format!("{serial:012}.{part}")
}

/// The serial of a part name made by [`part_name`] with `part`.
pub fn serial_of(name: &str, part: &str) -> Option<u64> {
    let digits = name.strip_suffix(part)?.strip_suffix('.')?;
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The serials beyond the last `keep` of `serials` (sorted ascending): what to drop.
pub fn beyond(serials: &[u64], keep: usize) -> &[u64] {
    &serials[..serials.len().saturating_sub(keep.max(1))]
}

/// Where a [`DirVersions`] puts a workspace's folder.
#[derive(Clone)]
pub enum VersionsRoot {
    /// Beside the workspace's local state file: `<state>.versions/`.
    BesideState(Arc<crate::local::LocalStore>),
    /// `<dir>/<workspace>/` (remote backends that keep no versions of their own).
    Under(PathBuf),
}

/// Versions as files in a folder per workspace, each part written atomically.
pub struct DirVersions {
    root: VersionsRoot,
    encryptor: Arc<dyn Encryptor>,
}

impl DirVersions {
    /// Versions under `root`, stored through `encryptor`.
    pub fn new(root: VersionsRoot, encryptor: Arc<dyn Encryptor>) -> DirVersions {
        DirVersions { root, encryptor }
    }

    /// The folder of `workspace`'s versions.
    pub fn dir(&self, workspace: &str) -> Result<PathBuf> {
        match &self.root {
            VersionsRoot::BesideState(store) => {
                let state = store.state_path(workspace)?;
                let name = state
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Ok(state.with_file_name(format!("{name}.versions")))
            }
            VersionsRoot::Under(dir) => {
                crate::local::check_workspace_name(workspace)?;
                Ok(dir.join(workspace))
            }
        }
    }

    fn serials(&self, dir: &Path, part: &str) -> Result<Vec<u64>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StateError::io(dir, e)),
        };
        let mut serials: Vec<u64> = entries
            .flatten()
            .filter_map(|e| serial_of(&e.file_name().to_string_lossy(), part))
            .collect();
        serials.sort_unstable();
        Ok(serials)
    }

    fn read_part(&self, dir: &Path, serial: u64, part: &str) -> Result<Option<Vec<u8>>> {
        let path = dir.join(part_name(serial, part));
        match std::fs::read(&path) {
            Ok(b) => self.encryptor.decrypt(b).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::io(path, e)),
        }
    }
}

#[async_trait]
impl Versions for DirVersions {
    fn versions_location(&self, workspace: &str) -> String {
        self.dir(workspace)
            .map_or_else(|_| workspace.to_string(), |d| d.display().to_string())
    }

    async fn keep_version(
        &self,
        workspace: &str,
        serial: u64,
        meta: &[u8],
        body: &[u8],
        keep: usize,
    ) -> Result<()> {
        let dir = self.dir(workspace)?;
        std::fs::create_dir_all(&dir).map_err(|e| StateError::io(&dir, e))?;
        // The body first: a listed meta always has its body.
        for (part, bytes) in [("body", body), ("meta", meta)] {
            let path = dir.join(part_name(serial, part));
            let stored = self.encryptor.encrypt(bytes.to_vec())?;
            atomic_write(&path, &stored).map_err(|e| StateError::io(&path, e))?;
        }
        let metas = self.serials(&dir, "meta")?;
        let bodies = self.serials(&dir, "body")?;
        let keep_from = metas.len().saturating_sub(keep.max(1));
        let kept = &metas[keep_from..];
        // Metas beyond the bound, then bodies without a kept meta (a killed prune's debris).
        for s in beyond(&metas, keep) {
            remove(&dir.join(part_name(*s, "meta")))?;
        }
        for s in bodies.iter().filter(|s| !kept.contains(s)) {
            remove(&dir.join(part_name(*s, "body")))?;
        }
        Ok(())
    }

    async fn versions(&self, workspace: &str) -> Result<Vec<(u64, Vec<u8>)>> {
        let dir = self.dir(workspace)?;
        let mut out = Vec::new();
        for serial in self.serials(&dir, "meta")? {
            if let Some(meta) = self.read_part(&dir, serial, "meta")? {
                out.push((serial, meta));
            }
        }
        Ok(out)
    }

    async fn version_body(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>> {
        self.read_part(&self.dir(workspace)?, serial, "body")
    }
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StateError::io(path, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::LocalStore;

    #[test]
    fn part_names_sort_as_serials_and_parse_back() {
        assert_eq!(part_name(7, "meta"), "000000000007.meta");
        assert_eq!(serial_of("000000000007.meta", "meta"), Some(7));
        assert_eq!(serial_of("000000000007.body", "meta"), None);
        assert_eq!(serial_of("7.meta", "meta"), None);
        assert_eq!(serial_of(".000000000007.meta.tmp-1", "meta"), None);
        assert_eq!(beyond(&[1, 2, 3, 4], 2), &[1, 2]);
        assert_eq!(beyond(&[1], 5), &[] as &[u64]);
    }

    #[tokio::test]
    async fn a_folder_beside_the_state_keeps_the_last_n_versions() {
        let tmp = std::env::temp_dir().join(format!("versions-test-{}", std::process::id()));
        let store = Arc::new(LocalStore::new(tmp.join("terraform.tfstate")));
        let v = DirVersions::new(VersionsRoot::BesideState(store), Arc::new(crate::Plaintext));
        for serial in 1..=5u64 {
            let meta = format!("m{serial}");
            let body = format!("b{serial}");
            v.keep_version("default", serial, meta.as_bytes(), body.as_bytes(), 3)
                .await
                .unwrap();
        }
        let listed = v.versions("default").await.unwrap();
        let serials: Vec<u64> = listed.iter().map(|(s, _)| *s).collect();
        assert_eq!(serials, vec![3, 4, 5]);
        assert_eq!(listed[0].1, b"m3");
        assert_eq!(v.version_body("default", 4).await.unwrap().unwrap(), b"b4");
        assert_eq!(v.version_body("default", 1).await.unwrap(), None);
        let dir = tmp.join("terraform.tfstate.versions");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 6);
        let other = v.dir("dev").unwrap();
        assert!(other.ends_with("terraform.tfstate.d/dev/terraform.tfstate.versions"));
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
