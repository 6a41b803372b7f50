//! What a plan or apply runs with: the module tree, variables, functions and providers.

use crate::addrs::{AbsProviderConfig, ProviderConfig, ProviderSource};
use crate::graph::module_at;
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
    /// A new provider for a source like `registry.terraform.io/hashicorp/random`, or `None`
    /// when this build has none.
    fn instantiate(&self, source: &ProviderSource) -> Option<Box<dyn Provider>>;
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
    pub providers: Mutex<HashMap<ProviderConfig, SharedProvider>>,
    /// Where plan and apply report what they do ([`crate::events::Silent`] by default).
    pub events: Arc<dyn crate::events::Events>,
    /// Operations in flight allowed per provider configuration (none by default).
    pub limits: Arc<crate::limits::ProviderLimits>,
    /// The provider-defined functions expressions can call.
    pub provider_functions: Arc<crate::functions::ConfigFunctions>,
    /// Provider sources by root local name (see [`Context::shared_source`]).
    sources: std::sync::Mutex<crate::FastMap<String, Arc<ProviderSource>>>,
    /// State's provider strings by configuration (see [`Context::state_provider_name`]).
    state_names: std::sync::Mutex<crate::FastMap<ProviderConfig, Arc<str>>>,
}

impl Context {
    /// A context over a loaded tree.
    pub fn new(
        tree: ModuleTree,
        vars: HashMap<String, Value>,
        resolver: Arc<dyn ProviderResolver>,
    ) -> Context {
        let tree = Arc::new(tree);
        let provider_functions = Arc::new(crate::functions::ConfigFunctions::new(
            tree.clone(),
            resolver.clone(),
        ));
        Context {
            tree,
            functions: Arc::new(Functions::standard()),
            vars,
            resolver,
            workspace: std::env::var("TF_WORKSPACE").unwrap_or_else(|_| "default".into()),
            cwd: std::env::current_dir().unwrap_or_default(),
            providers: Mutex::new(HashMap::new()),
            events: Arc::new(crate::events::Silent),
            limits: Arc::default(),
            provider_functions,
            sources: Default::default(),
            state_names: Default::default(),
        }
    }

    /// The source of the provider configuration `addr` (`aws.east` → `hashicorp/aws`).
    pub fn provider_source(&self, addr: &ProviderConfig) -> ProviderSource {
        (*self.shared_source(addr)).clone()
    }

    /// [`Context::provider_source`], parsed once per local name and shared: every planned
    /// change holds its provider's source.
    pub fn shared_source(&self, addr: &ProviderConfig) -> Arc<ProviderSource> {
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sources.get(&addr.local) {
            return s.clone();
        }
        let source = Arc::new(source_of(&self.tree, addr));
        sources.insert(addr.local.clone(), source.clone());
        source
    }

    /// [`Context::state_provider`] as the string state records, one allocation shared by
    /// every object of the configuration (a million objects held a copy each).
    pub fn state_provider_name(&self, addr: &ProviderConfig) -> Arc<str> {
        let mut names = self.state_names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(name) = names.get(addr) {
            return name.clone();
        }
        let name: Arc<str> = self.state_provider(addr).to_string().into();
        names.insert(addr.clone(), name.clone());
        name
    }

    /// The address state files record for a root provider configuration.
    pub fn state_provider(&self, addr: &ProviderConfig) -> AbsProviderConfig {
        AbsProviderConfig {
            module: Vec::new(),
            source: self.provider_source(addr),
            alias: addr.alias.clone(),
        }
    }

    /// The root configuration of a provider as state recorded it: the local name
    /// `required_providers` gives its source (else the source's type) and the alias.
    pub fn config_for(&self, abs: &AbsProviderConfig) -> ProviderConfig {
        let required = &self.tree.module.terraform.required_providers;
        let local = required
            .iter()
            .find(|(_, rp)| rp.source.parse::<ProviderSource>().ok().as_ref() == Some(&abs.source))
            .map_or_else(|| abs.source.ty.clone(), |(name, _)| name.clone());
        ProviderConfig::new(local, abs.alias.clone())
    }

    /// The provider configured for `addr`, if it has been configured.
    pub async fn provider(&self, addr: &ProviderConfig) -> Option<SharedProvider> {
        self.providers.lock().await.get(addr).cloned()
    }

    /// Instantiates (but does not configure) the provider for `addr`.
    pub fn instantiate(&self, addr: &ProviderConfig) -> Result<Box<dyn Provider>, Diagnostics> {
        let source = self.provider_source(addr);
        self.resolver.instantiate(&source).ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Failed to load plugin schemas",
                format!("Provider {:?} (configuration {:?}) is not available in this build of AutoStack. Supported providers: hashicorp/random, hashicorp/null, hashicorp/local, hashicorp/time, terraform.io/builtin/terraform and the cloud providers compiled in.", source.short(), addr.to_string()),
                None,
            ))
        })
    }

    /// The module at a static path.
    pub fn module(&self, path: &[String]) -> Option<&ModuleTree> {
        module_at(&self.tree, path)
    }

    /// A diagnostic about instance `addr`, as Terraform's `InConfigBody` makes it: it names
    /// the instance (`with ADDR,`) and, without a place of its own, points at the `{` of the
    /// instance's block (while the configuration has it).
    pub fn about_instance(
        &self,
        mut d: Diagnostic,
        addr: &crate::addrs::InstanceAddr,
    ) -> Diagnostic {
        d.address = Some(addr.to_string());
        if d.subject.is_none() {
            let r = addr.resource.module.path();
            d.subject = (self.module(&r))
                .and_then(|m| m.module.resources.get(&addr.resource.local()))
                .map(|r| r.config.missing_item_range());
        }
        d
    }
}

/// The source of provider configuration `addr` in `tree`: `required_providers` when it names
/// the local name (and parses), else the source the local name implies.
pub fn source_of(tree: &ModuleTree, addr: &ProviderConfig) -> ProviderSource {
    source_in(&tree.module, &addr.local)
}

/// The source local name `local` means in module `m` (see [`source_of`]).
pub fn source_in(m: &autostack_lang::config::Module, local: &str) -> ProviderSource {
    m.terraform
        .required_providers
        .get(local)
        .and_then(|rp| rp.source.parse().ok())
        .unwrap_or_else(|| ProviderSource::implied_by(local))
}
