//! A plugin executable behind the engine: its schema (from the cache when the executable has
//! been seen before, so commands that only need schemas start nothing), its process started
//! on first use, and the translation of gRPC failures and protocol diagnostics into the
//! engine's diagnostics. Plugin calls run on a runtime of their own, so the engine can make
//! them from synchronous code (schemas, validation) and from any async runtime.

use crate::process::PluginProcess;
use crate::proto::tfplugin6::{self as v6, diagnostic::Severity};
use crate::rpc::Rpc;
use crate::schema::{cache_dir, executable_sha256, load_cached, provider_schema, store_cached};
use autostack_provider_sdk::ProviderSchema;
use autostack_value::{Diagnostic, Diagnostics, Type};
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

type Loaded = (Arc<v6::get_provider_schema::Response>, Arc<ProviderSchema>);

/// The runtime plugin processes and their gRPC channels live on.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("plugin-rpc")
            .enable_all()
            .build()
            .expect("the plugin runtime starts")
    })
}

/// Runs `f` on the plugin runtime and waits for it from synchronous code (any thread).
pub fn block_on<F>(f: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime().spawn(async move {
        let _ = tx.send(f.await);
    });
    rx.recv().expect("the plugin runtime is alive")
}

/// Runs `f` on the plugin runtime and awaits it from any async runtime.
pub async fn on_runtime<F>(f: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime().spawn(f).await.expect("plugin calls do not panic")
}

/// A started plugin: its process and client.
pub struct Connection {
    /// The process.
    pub process: PluginProcess,
    /// The client in the protocol it chose.
    pub rpc: Rpc,
}

/// One plugin executable and what is known of it.
pub struct Plugin {
    /// The provider's address (`registry.terraform.io/hashicorp/aws`), for messages.
    pub address: String,
    path: PathBuf,
    /// The schema as the plugin sent it (protocol 6's shape).
    pub raw_schema: Arc<v6::get_provider_schema::Response>,
    /// The schema as the engine reads it.
    pub schema: Arc<ProviderSchema>,
    conn: tokio::sync::OnceCell<Arc<Connection>>,
    types: Mutex<HashMap<(bool, String), Arc<Type>>>,
    /// The resource types whose plan or apply answers set `legacy_type_system`.
    legacy: Mutex<std::collections::HashSet<String>>,
    /// What `GetFunctions` listed, once asked.
    listed: OnceLock<crate::functions::Listed>,
}

impl Plugin {
    /// Loads the plugin at `path` serving `address`: its schema from the cache, else from the
    /// plugin itself (which stays started for the calls to come).
    pub fn load(path: &Path, address: &str) -> Result<Plugin, String> {
        // Several instances per run (schemas for the state, each provider configuration)
        // share one conversion of the schema.
        static LOADED: OnceLock<Mutex<HashMap<PathBuf, Loaded>>> = OnceLock::new();
        let loaded = LOADED.get_or_init(Default::default);
        if let Some((raw, schema)) = loaded.lock().ok().and_then(|m| m.get(path).cloned()) {
            return Ok(Plugin::new(
                path,
                address,
                raw,
                schema,
                tokio::sync::OnceCell::new(),
            ));
        }
        let (raw, conn) = Plugin::fetch_schema(path)?;
        let raw = Arc::new(raw);
        let schema = Arc::new(provider_schema(&raw));
        if let Ok(mut m) = loaded.lock() {
            m.insert(path.to_path_buf(), (raw.clone(), schema.clone()));
        }
        Ok(Plugin::new(path, address, raw, schema, conn))
    }

    fn new(
        path: &Path,
        address: &str,
        raw: Arc<v6::get_provider_schema::Response>,
        schema: Arc<ProviderSchema>,
        conn: tokio::sync::OnceCell<Arc<Connection>>,
    ) -> Plugin {
        Plugin {
            address: address.to_string(),
            path: path.to_path_buf(),
            raw_schema: raw,
            schema,
            conn,
            types: Mutex::new(HashMap::new()),
            legacy: Mutex::default(),
            listed: OnceLock::new(),
        }
    }

    /// The functions `GetFunctions` lists, asking with `list` the first time.
    pub fn listed_functions(
        &self,
        list: impl FnOnce() -> crate::functions::Listed,
    ) -> &crate::functions::Listed {
        self.listed.get_or_init(list)
    }

    /// Records whether the plugin answered for `type_name` under the legacy type system.
    pub fn note_legacy(&self, type_name: &str, legacy: bool) {
        if legacy {
            let mut set = self.legacy.lock().unwrap_or_else(|e| e.into_inner());
            set.insert(type_name.to_string());
        }
    }

    /// True once the plugin answered for `type_name` under the legacy type system.
    pub fn is_legacy(&self, type_name: &str) -> bool {
        let set = self.legacy.lock().unwrap_or_else(|e| e.into_inner());
        set.contains(type_name)
    }

    /// The schema from the cache, else from the plugin (then left started).
    fn fetch_schema(
        path: &Path,
    ) -> Result<
        (
            v6::get_provider_schema::Response,
            tokio::sync::OnceCell<Arc<Connection>>,
        ),
        String,
    > {
        let cache = cache_dir();
        let sha = cache.as_ref().and_then(|d| executable_sha256(path, d).ok());
        let cached = match (&cache, &sha) {
            (Some(d), Some(s)) => load_cached(d, s),
            _ => None,
        };
        let conn = tokio::sync::OnceCell::new();
        let raw = match cached {
            Some(r) => r,
            None => {
                let owned = path.to_path_buf();
                let (c, r) = block_on(async move {
                    let c = start(&owned).await?;
                    let r = c
                        .rpc
                        .get_schema()
                        .await
                        .map_err(|s| s.message().to_string())?;
                    Ok::<_, String>((c, r))
                })?;
                if let Some(e) = r
                    .diagnostics
                    .iter()
                    .find(|d| d.severity == Severity::Error as i32)
                {
                    return Err(format!("{}: {}", e.summary, e.detail));
                }
                if let (Some(d), Some(s)) = (&cache, &sha) {
                    store_cached(d, s, &r);
                }
                let _ = conn.set(Arc::new(c));
                r
            }
        };
        Ok((raw, conn))
    }

    /// The plugin's executable.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The started plugin, starting it on first use.
    pub async fn connection(&self) -> Result<Arc<Connection>, Diagnostics> {
        let path = self.path.clone();
        self.conn
            .get_or_try_init(|| async move {
                on_runtime(async move { start(&path).await })
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
            .map_err(|e| {
                Diagnostic::error(
                    "Failed to load plugin schemas",
                    format!(
                        "Could not start the plugin for provider {:?}: {e}",
                        self.address
                    ),
                    None,
                )
                .into()
            })
    }

    /// The started plugin, if it has been started.
    pub fn started(&self) -> Option<Arc<Connection>> {
        self.conn.get().cloned()
    }

    /// The object type of resource (`data == false`) or data source `ty`, built once.
    pub fn value_type(&self, data: bool, ty: &str) -> Arc<Type> {
        let mut types = self.types.lock().unwrap_or_else(|e| e.into_inner());
        let key = (data, ty.to_string());
        if let Some(t) = types.get(&key) {
            return t.clone();
        }
        let map = if data {
            &self.schema.data_sources
        } else {
            &self.schema.resources
        };
        let t = Arc::new(map.get(ty).map_or(Type::Dynamic, |s| s.block.value_type()));
        types.insert(key, t.clone());
        t
    }

    /// The engine's diagnostic for a failed call: a crash when the process is gone (with the
    /// end of its stderr, which holds the panic), else the gRPC error.
    pub async fn call_failed(
        &self,
        conn: &Connection,
        method: &str,
        status: tonic::Status,
    ) -> Diagnostics {
        let pname = plugin_name(&self.path);
        let crashed = conn.process.exited().await || status.code() == tonic::Code::Unavailable;
        if !crashed {
            let detail = format!(
                "The plugin returned an unexpected error from plugin.(*GRPCProvider).{method}: {}",
                status.message()
            );
            return Diagnostic::error("Plugin error", detail, None).into();
        }
        let tail = conn.process.final_stderr_tail().await;
        let mut detail = format!(
            "The plugin encountered an error, and failed to respond to the plugin.(*GRPCProvider).{method} call. The plugin logs may contain more details."
        );
        if !tail.trim().is_empty() {
            detail.push_str(&format!("\n\nStack trace from the {pname} plugin:\n\n{}\n\nError: The {pname} plugin crashed!", tail.trim_end()));
        }
        Diagnostic::error("Plugin did not respond", detail, None).into()
    }

    /// Stops the plugin process, if one was started.
    pub fn shutdown(&self) {
        if let Some(c) = self.conn.get().cloned() {
            block_on(async move { c.process.shutdown().await });
        }
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        self.shutdown();
    }
}

type Early = tokio::sync::oneshot::Receiver<Result<Connection, String>>;

fn prestarted() -> &'static Mutex<HashMap<PathBuf, Early>> {
    static EARLY: OnceLock<Mutex<HashMap<PathBuf, Early>>> = OnceLock::new();
    EARLY.get_or_init(Default::default)
}

/// Starts the plugin at `path` in the background, so that several plugins start in parallel
/// (and while the configuration is evaluated); the first provider of that plugin to be
/// configured takes the process. A process nobody takes is killed when AutoStack exits.
pub fn prestart(path: &Path) {
    let Ok(mut early) = prestarted().lock() else {
        return;
    };
    if early.contains_key(path) {
        return;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let owned = path.to_path_buf();
    runtime().spawn(async move {
        let _ = tx.send(start(&owned).await);
    });
    early.insert(path.to_path_buf(), rx);
}

/// Stops the plugins [`prestart`] began that no provider took (a run that failed before
/// configuring them), so no plugin process outlives AutoStack.
pub fn stop_unused() {
    let early: Vec<Early> = match prestarted().lock() {
        Ok(mut m) => m.drain().map(|(_, rx)| rx).collect(),
        Err(_) => return,
    };
    for rx in early {
        block_on(async move {
            if let Ok(Ok(conn)) = rx.await {
                conn.process.shutdown().await;
            }
        });
    }
}

async fn start(path: &Path) -> Result<Connection, String> {
    let process = PluginProcess::start(path).await?;
    let rpc = Rpc::new(process.protocol, process.channel.clone())?;
    Ok(Connection { process, rpc })
}

/// `terraform-provider-aws` from `.../terraform-provider-aws_v5.100.0_x5`.
fn plugin_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.split('_').next().unwrap_or(&file).to_string()
}

/// The engine's diagnostics for the protocol's.
pub fn diagnostics(ds: &[v6::Diagnostic]) -> Diagnostics {
    let mut out = Diagnostics::new();
    for d in ds {
        let mut detail = d.detail.clone();
        if let Some(path) = d
            .attribute
            .as_ref()
            .map(attribute_path)
            .filter(|p| !p.is_empty())
        {
            if detail.is_empty() {
                detail = format!("(at {path})");
            }
        }
        out.push(if d.severity == Severity::Warning as i32 {
            Diagnostic::warning(d.summary.clone(), detail, None)
        } else {
            Diagnostic::error(d.summary.clone(), detail, None)
        });
    }
    out
}

/// An attribute path as the engine writes it.
pub fn attribute_path(p: &v6::AttributePath) -> String {
    autostack_value::path_string(&crate::convert::path_steps(p))
}
