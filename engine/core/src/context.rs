//! What a plan or apply runs with: the module tree, variables, functions and providers.

use crate::graph::{default_provider_name, module_at};
use autostack_lang::config::ModuleTree;
use autostack_lang::functions::Functions;
use autostack_lang::{Diagnostic, Diagnostics, Value};
use autostack_provider_sdk::Provider;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Creates unconfigured provider instances from source addresses.
pub trait ProviderResolver: Send + Sync {
    /// A new provider for a source like `hashicorp/random`, or `None` when unknown.
    fn instantiate(&self, source: &str) -> Option<Box<dyn Provider>>;
}

/// A shared, configured provider.
pub type SharedProvider = Arc<dyn Provider>;

/// Everything a walk needs besides state.
pub struct Context {
    /// The configuration.
    pub tree: Arc<ModuleTree>,
    /// The function table.
    pub functions: Arc<Functions>,
    /// Root module input variables (converted, validated, sensitive ones marked).
    pub vars: HashMap<String, Value>,
    /// Where providers come from.
    pub resolver: Arc<dyn ProviderResolver>,
    /// `terraform.workspace`.
    pub workspace: String,
    /// Working directory (`path.cwd`, base of relative file paths).
    pub cwd: PathBuf,
    /// Configured providers by root address, shared by plan and apply of one run.
    pub providers: Mutex<HashMap<String, SharedProvider>>,
}

impl Context {
    /// A context over a loaded tree.
    pub fn new(
        tree: ModuleTree,
        vars: HashMap<String, Value>,
        resolver: Arc<dyn ProviderResolver>,
    ) -> Context {
        Context {
            tree: Arc::new(tree),
            functions: Arc::new(Functions::standard()),
            vars,
            resolver,
            workspace: std::env::var("TF_WORKSPACE").unwrap_or_else(|_| "default".into()),
            cwd: std::env::current_dir().unwrap_or_default(),
            providers: Mutex::new(HashMap::new()),
        }
    }

    /// The source of the provider with root address `addr` (`aws.east` → `hashicorp/aws`).
    pub fn provider_source(&self, addr: &str) -> String {
        source_of(&self.tree, addr)
    }

    /// The address state files use for a provider (`provider["registry.terraform.io/hashicorp/aws"].east`).
    pub fn state_provider(&self, addr: &str) -> String {
        let source = full_source(&self.provider_source(addr));
        match addr.split_once('.') {
            Some((_, alias)) => format!("provider[\"{source}\"].{alias}"),
            None => format!("provider[\"{source}\"]"),
        }
    }

    /// The provider configured for `addr`, if it has been configured.
    pub async fn provider(&self, addr: &str) -> Option<SharedProvider> {
        self.providers.lock().await.get(addr).cloned()
    }

    /// Instantiates (but does not configure) the provider for `addr`.
    pub fn instantiate(&self, addr: &str) -> Result<Box<dyn Provider>, Diagnostics> {
        let source = self.provider_source(addr);
        self.resolver.instantiate(&source).ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Failed to load plugin schemas",
                format!("Provider {source:?} (configuration {addr:?}) is not available in this build of AutoStack. Supported providers: hashicorp/random, hashicorp/null, hashicorp/local, hashicorp/time, terraform.io/builtin/terraform and the cloud providers compiled in."),
                None,
            ))
        })
    }

    /// The module at a static path.
    pub fn module(&self, path: &[String]) -> Option<&ModuleTree> {
        module_at(&self.tree, path)
    }
}

/// The source of the provider with root address `addr` in `tree` (`aws.east` → `hashicorp/aws`).
pub fn source_of(tree: &ModuleTree, addr: &str) -> String {
    let name = addr.split('.').next().unwrap_or(addr);
    if name == "terraform" {
        return "terraform.io/builtin/terraform".into();
    }
    match tree.module.terraform.required_providers.get(name) {
        Some(rp) => rp.source.clone(),
        None => format!("hashicorp/{name}"),
    }
}

/// `hashicorp/aws` → `registry.terraform.io/hashicorp/aws` (other hostnames are kept).
pub fn full_source(source: &str) -> String {
    if source.matches('/').count() >= 2 {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    }
}

/// The provider local name used by a resource type with no `provider` argument.
pub fn implied_provider(ty: &str) -> &str {
    default_provider_name(ty)
}
