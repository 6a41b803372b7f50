//! Provider-defined functions for the expressions of a configuration: in each module,
//! `provider::NAME::FUNC` names a function of the provider NAME stands for in that module's
//! `required_providers`. As in Terraform, functions need no provider configuration: each
//! provider source gets one unconfigured instance of its own, made on the first call (a
//! plugin's process starts only then) and shared by every module that requires it.

use crate::addrs::ProviderSource;
use crate::context::ProviderResolver;
use crate::graph::module_at;
use autostack_lang::config::ModuleTree;
use autostack_lang::functions::provider::{
    FunctionError, FunctionSignature, ModuleFunctions, ProviderFunctions,
};
use autostack_lang::Value;
use autostack_provider_sdk::Provider;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The provider-defined functions of one configuration.
pub struct ConfigFunctions {
    tree: Arc<ModuleTree>,
    resolver: Arc<dyn ProviderResolver>,
    /// One unconfigured instance per provider source (`None`: this build has none).
    instances: Mutex<HashMap<ProviderSource, Option<Arc<dyn Provider>>>>,
}

impl ConfigFunctions {
    /// The functions of `tree`'s providers, instantiated through `resolver`.
    pub fn new(tree: Arc<ModuleTree>, resolver: Arc<dyn ProviderResolver>) -> ConfigFunctions {
        ConfigFunctions {
            tree,
            resolver,
            instances: Mutex::new(HashMap::new()),
        }
    }

    /// Bound to the module at `path`, as a scope offers them.
    pub fn for_module(self: &Arc<Self>, path: &[String]) -> ModuleFunctions {
        ModuleFunctions {
            table: self.clone(),
            module: path.to_vec(),
        }
    }

    /// The source `local` stands for in `module`'s `required_providers`.
    fn source(&self, module: &[String], local: &str) -> Option<ProviderSource> {
        let m = module_at(&self.tree, module)?;
        let required = m.module.terraform.required_providers.get(local)?;
        match required.source.is_empty() {
            true => Some(ProviderSource::implied_by(local)),
            false => required.source.parse().ok(),
        }
    }

    /// The provider `local` stands for in `module`, instantiated on first use.
    fn provider(&self, module: &[String], local: &str) -> Option<Arc<dyn Provider>> {
        self.unconfigured(&self.source(module, local)?)
    }

    /// The unconfigured instance of provider `source` (made on first use), for what
    /// Terraform asks of providers without configuring them: functions, cross-type moves.
    pub fn unconfigured(&self, source: &ProviderSource) -> Option<Arc<dyn Provider>> {
        let mut instances = self.instances.lock().unwrap_or_else(|e| e.into_inner());
        instances
            .entry(source.clone())
            .or_insert_with(|| self.resolver.instantiate(source).map(Arc::from))
            .clone()
    }
}

impl ProviderFunctions for ConfigFunctions {
    fn signature(&self, module: &[String], local: &str, func: &str) -> Option<FunctionSignature> {
        self.provider(module, local)?.function(func)
    }

    fn call(
        &self,
        module: &[String],
        local: &str,
        func: &str,
        args: &[Value],
    ) -> Result<Value, FunctionError> {
        let p = self
            .provider(module, local)
            .ok_or_else(|| FunctionError::new(format!("provider {local:?} is not available")))?;
        p.call_function(func, args)
    }

    fn names(&self, module: &[String]) -> Vec<String> {
        let Some(m) = module_at(&self.tree, module) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for local in m.module.terraform.required_providers.keys() {
            if let Some(p) = self.provider(module, local) {
                let funcs = p.schema().functions.keys();
                out.extend(funcs.map(|f| format!("provider::{local}::{f}")));
            }
        }
        out.sort();
        out
    }
}
