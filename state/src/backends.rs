//! Every backend behind one door: a backend is a [`StateStore`] + [`Locker`] (+ [`History`])
//! built from its block's evaluated arguments ([`open`]), with its argument schema
//! ([`schema`]). Adding a backend is one arm in each of the two matches below.
//!
//! What stays on the local disk whatever the backend: the apply journal (crash safety does
//! not wait for the network) and, for backends that keep no history of their own, the cost
//! history. The local backend keeps them beside its state file, as before; a remote backend
//! under the working directory's data directory (`.terraform/state-journal/<workspace>`,
//! `.terraform/state-history/<workspace>`), so the next command on this machine finds a
//! journal an interrupted apply left and uploads the recovered state.

use crate::backend_config::{attr, Attr, Kind};
use crate::error::{Result, StateError};
use crate::journal::Journal;
use crate::local::LocalStore;
use crate::seams::{Encryptor, History, Locker, StateStore};
use crate::versions::{DirVersions, Versions, VersionsRoot};
use async_trait::async_trait;
use serde_json::{Map, Value as Json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What opening a backend needs besides its arguments.
#[derive(Clone)]
pub struct OpenOptions {
    /// The stage between codec and store (remote stores decrypt the stored snapshot to
    /// check its serial and lineage before overwriting it).
    pub encryptor: Arc<dyn Encryptor>,
    /// The working directory's data directory (`.terraform`).
    pub data_dir: PathBuf,
}

/// An opened backend.
#[derive(Clone)]
pub struct Storage {
    /// Where snapshots are kept.
    pub store: Arc<dyn StateStore>,
    /// How writers exclude each other.
    pub locker: Arc<dyn Locker>,
    /// Where the cost history is kept.
    pub history: Arc<dyn History>,
    /// Where state versions are kept (see [`crate::versions`]).
    pub versions: Arc<dyn Versions>,
    /// Where the journal is kept.
    pub files: LocalFiles,
}

impl Storage {
    /// A remote backend: `backend` stores and locks; journal and history live under the
    /// data directory.
    pub fn remote<B>(backend: Arc<B>, opts: &OpenOptions) -> Storage
    where
        B: StateStore + Locker + 'static,
    {
        Storage {
            store: backend.clone(),
            locker: backend,
            history: Arc::new(FileHistory {
                dir: opts.data_dir.join("state-history"),
                encryptor: opts.encryptor.clone(),
            }),
            versions: Arc::new(DirVersions::new(
                VersionsRoot::Under(opts.data_dir.join("state-versions")),
                opts.encryptor.clone(),
            )),
            files: LocalFiles::Under {
                dir: opts.data_dir.join("state-journal"),
                encryptor: opts.encryptor.clone(),
            },
        }
    }

    /// True when the state is kept elsewhere than on this disk (uploads are batched).
    pub fn is_remote(&self) -> bool {
        matches!(self.files, LocalFiles::Under { .. })
    }
}

/// The argument schema of backend type `ty` (`None`: not a backend this build has).
pub fn schema(ty: &str) -> Option<&'static [Attr]> {
    match ty {
        "local" => Some(LOCAL_SCHEMA),
        #[cfg(feature = "pg")]
        "pg" => Some(crate::pg::SCHEMA),
        #[cfg(feature = "s3")]
        "s3" => Some(crate::s3::SCHEMA),
        #[cfg(feature = "gcs")]
        "gcs" => Some(crate::remote_open::GCS_SCHEMA),
        #[cfg(feature = "azurerm")]
        "azurerm" => Some(crate::remote_open::AZURERM_SCHEMA),
        _ => None,
    }
}

/// Opens backend `ty` with `config` (normalized against its [`schema`]).
pub async fn open(ty: &str, config: &Map<String, Json>, opts: &OpenOptions) -> Result<Storage> {
    match ty {
        "local" => Ok(open_local(config, opts)),
        #[cfg(feature = "pg")]
        "pg" => crate::pg::open(config, opts).await,
        #[cfg(feature = "s3")]
        "s3" => crate::s3::open(config, opts).await,
        #[cfg(feature = "gcs")]
        "gcs" => crate::remote_open::open_gcs(config, opts).await,
        #[cfg(feature = "azurerm")]
        "azurerm" => crate::remote_open::open_azurerm(config, opts),
        _ => Err(StateError::UnsupportedBackend(ty.to_string())),
    }
}

/// Terraform's local backend arguments.
const LOCAL_SCHEMA: &[Attr] = &[
    attr("path", Kind::String),
    attr("workspace_dir", Kind::String),
];

fn open_local(config: &Map<String, Json>, opts: &OpenOptions) -> Storage {
    let arg = |n: &str| config.get(n).and_then(Json::as_str).map(PathBuf::from);
    let mut store = LocalStore::new(arg("path").unwrap_or_else(|| "terraform.tfstate".into()));
    if let Some(dir) = arg("workspace_dir") {
        store = store.with_workspace_dir(dir);
    }
    local_storage(Arc::new(store.with_encryptor(opts.encryptor.clone())))
}

/// The storage of a local store (also for `-state=PATH`).
pub fn local_storage(store: Arc<LocalStore>) -> Storage {
    Storage {
        store: store.clone(),
        locker: store.clone(),
        history: store.clone(),
        versions: Arc::new(DirVersions::new(
            VersionsRoot::BesideState(store.clone()),
            store.shared_encryptor(),
        )),
        files: LocalFiles::Beside(store),
    }
}

/// Where a backend's journal lives on this machine.
#[derive(Clone)]
pub enum LocalFiles {
    /// Beside the local state file (`terraform.tfstate.journal`).
    Beside(Arc<LocalStore>),
    /// One file per workspace under `dir` (remote backends).
    Under {
        /// `.terraform/state-journal`.
        dir: PathBuf,
        /// Encrypts journal records.
        encryptor: Arc<dyn Encryptor>,
    },
}

impl LocalFiles {
    /// The journal of `workspace`.
    pub fn journal_path(&self, workspace: &str) -> Result<PathBuf> {
        match self {
            LocalFiles::Beside(store) => store.journal_path(workspace),
            LocalFiles::Under { dir, .. } => {
                crate::local::check_workspace_name(workspace)?;
                Ok(dir.join(workspace))
            }
        }
    }

    /// Makes `workspace` exist without a state where the backend allows it: the local
    /// backend's workspace directory (as `terraform workspace new` leaves it). Returns false
    /// when only a state makes a workspace (remote backends).
    pub fn prepare_workspace(&self, workspace: &str) -> Result<bool> {
        match self {
            LocalFiles::Beside(store) => {
                let path = store.state_path(workspace)?;
                create_parent(&path)?;
                Ok(true)
            }
            LocalFiles::Under { .. } => Ok(false),
        }
    }

    /// Removes what writers killed mid-write left (see [`LocalStore::sweep`]).
    pub fn sweep(&self, workspace: &str) -> Result<()> {
        match self {
            LocalFiles::Beside(store) => store.sweep(workspace),
            LocalFiles::Under { .. } => crate::local::sweep_beside(&self.journal_path(workspace)?),
        }
    }

    /// Opens `workspace`'s journal for appending.
    pub fn open_journal(&self, workspace: &str) -> Result<Journal> {
        match self {
            LocalFiles::Beside(store) => store.open_journal(workspace),
            LocalFiles::Under { encryptor, .. } => {
                let path = self.journal_path(workspace)?;
                create_parent(&path)?;
                Journal::open(&path, encryptor.clone()).map_err(|e| StateError::io(path, e))
            }
        }
    }

    /// The intact records of `workspace`'s journal, decrypted.
    pub fn read_journal(&self, workspace: &str) -> Result<Vec<Vec<u8>>> {
        crate::journal::read(&self.journal_path(workspace)?, self.encryptor())
    }

    /// Leaves exactly `payloads` in `workspace`'s journal (none: no journal).
    pub fn rewrite_journal(&self, workspace: &str, payloads: &[Vec<u8>]) -> Result<()> {
        crate::journal::rewrite(&self.journal_path(workspace)?, payloads, self.encryptor())
    }

    fn encryptor(&self) -> &dyn Encryptor {
        match self {
            LocalFiles::Beside(store) => store.encryptor(),
            LocalFiles::Under { encryptor, .. } => &**encryptor,
        }
    }
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|e| StateError::io(dir, e))
        }
        _ => Ok(()),
    }
}

/// A history kept in local files, one per workspace (journal-framed records through the
/// encryptor), for backends without a history of their own.
pub struct FileHistory {
    dir: PathBuf,
    encryptor: Arc<dyn Encryptor>,
}

impl FileHistory {
    fn path(&self, workspace: &str) -> Result<PathBuf> {
        crate::local::check_workspace_name(workspace)?;
        Ok(self.dir.join(workspace))
    }
}

#[async_trait]
impl History for FileHistory {
    async fn append_history(&self, workspace: &str, record: &[u8]) -> Result<()> {
        let path = self.path(workspace)?;
        create_parent(&path)?;
        let file =
            Journal::open(&path, self.encryptor.clone()).map_err(|e| StateError::io(&path, e))?;
        file.append(record)
    }

    async fn history(&self, workspace: &str) -> Result<Vec<Vec<u8>>> {
        crate::journal::read(&self.path(workspace)?, &*self.encryptor)
    }
}
