//! Provider-defined functions for the expressions of a configuration: in each module,
//! `provider::NAME::FUNC` names a function of the provider NAME stands for in that module's
//! `required_providers`. As in Terraform, functions need no provider configuration: each
//! provider source gets one unconfigured instance of its own, made on the first call (a
//! plugin's process starts only then) and shared by every module that requires it.
//!
//! A provider function must be pure: as Terraform (1.9+) does, every result is recorded by a
//! hash of the call and of the result, the hashes travel in a saved plan, and a call at apply
//! that returns something else than the same call at plan is an error.

use crate::addrs::ProviderSource;
use crate::context::ProviderResolver;
use crate::graph::module_at;
use autostack_lang::config::ModuleTree;
use autostack_lang::functions::provider::{
    FunctionError, FunctionSignature, ModuleFunctions, ProviderFunctions,
};
use autostack_lang::functions::terraform_provider as builtin_terraform;
use autostack_lang::value::json_stream::Full;
use autostack_lang::Value;
use autostack_provider_sdk::Provider;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The provider-defined functions of one configuration.
pub struct ConfigFunctions {
    tree: Arc<ModuleTree>,
    resolver: Arc<dyn ProviderResolver>,
    /// One unconfigured instance per provider source (`None`: this build has none).
    instances: Mutex<HashMap<ProviderSource, Option<Arc<dyn Provider>>>>,
    /// The results of the calls made so far (or recorded in the saved plan applied).
    results: FunctionResults,
}

impl ConfigFunctions {
    /// The functions of `tree`'s providers, instantiated through `resolver`.
    pub fn new(tree: Arc<ModuleTree>, resolver: Arc<dyn ProviderResolver>) -> ConfigFunctions {
        ConfigFunctions {
            tree,
            resolver,
            instances: Mutex::new(HashMap::new()),
            results: FunctionResults::default(),
        }
    }

    /// The calls made so far, as a saved plan records them.
    pub fn result_hashes(&self) -> Vec<FunctionResultHash> {
        self.results.hashes()
    }

    /// Takes the calls a saved plan recorded: the same calls at apply must agree with them.
    pub fn preload(&self, hashes: &[FunctionResultHash]) {
        self.results.preload(hashes)
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
        let source = self.source(module, local)?;
        if is_builtin_terraform(&source) {
            return builtin_terraform::signature(func);
        }
        self.unconfigured(&source)?.function(func)
    }

    fn call(
        &self,
        module: &[String],
        local: &str,
        func: &str,
        args: &[Value],
    ) -> Result<Value, FunctionError> {
        let source = self.source(module, local);
        if source.as_ref().is_some_and(is_builtin_terraform) {
            return builtin_terraform::call(func, args);
        }
        let p = (source.as_ref())
            .and_then(|s| self.unconfigured(s))
            .ok_or_else(|| FunctionError::new(format!("provider {local:?} is not available")))?;
        let result = p.call_function(func, args)?;
        if let Some(source) = source {
            self.results.check(&source, func, args, &result)?;
        }
        Ok(result)
    }

    fn names(&self, module: &[String]) -> Vec<String> {
        let Some(m) = module_at(&self.tree, module) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for local in m.module.terraform.required_providers.keys() {
            if self
                .source(module, local)
                .is_some_and(|s| is_builtin_terraform(&s))
            {
                let funcs = builtin_terraform::NAMES.iter();
                out.extend(funcs.map(|f| format!("provider::{local}::{f}")));
            } else if let Some(p) = self.provider(module, local) {
                let funcs = p.schema().functions.keys();
                out.extend(funcs.map(|f| format!("provider::{local}::{f}")));
            }
        }
        out.sort();
        out
    }
}

/// Terraform's builtin provider, whose functions are the language's own.
fn is_builtin_terraform(source: &ProviderSource) -> bool {
    source.to_string() == builtin_terraform::SOURCE
}

/// One recorded provider-function call: SHA-256 hashes of the call (provider source,
/// function name, arguments) and of its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionResultHash {
    /// Hash of the call.
    pub key: [u8; 32],
    /// Hash of its result.
    pub result: [u8; 32],
}

/// The results seen by call, to hold providers to one result per call.
#[derive(Default)]
struct FunctionResults {
    seen: Mutex<HashMap<[u8; 32], [u8; 32]>>,
}

impl FunctionResults {
    /// Records `result` for the call, or refuses it when the same call gave another one.
    fn check(
        &self,
        source: &ProviderSource,
        func: &str,
        args: &[Value],
        result: &Value,
    ) -> Result<(), FunctionError> {
        let mut key = Sha256::new();
        key.update(format!("{source}|{func}"));
        for a in args {
            key.update(b"|");
            hash_value(&mut key, a);
        }
        let mut res = Sha256::new();
        hash_value(&mut res, result);
        let (key, res): ([u8; 32], [u8; 32]) = (key.finalize().into(), res.finalize().into());
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        match *seen.entry(key).or_insert(res) == res {
            true => Ok(()),
            // The values are not shown: either could be derived from a secret.
            false => Err(FunctionError::new(
                "function returned an inconsistent result",
            )),
        }
    }

    fn hashes(&self) -> Vec<FunctionResultHash> {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<_> = (seen.iter())
            .map(|(k, r)| FunctionResultHash {
                key: *k,
                result: *r,
            })
            .collect();
        out.sort_by_key(|h| h.key);
        out
    }

    fn preload(&self, hashes: &[FunctionResultHash]) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        for h in hashes {
            seen.entry(h.key).or_insert(h.result);
        }
    }
}

/// Feeds a value's lossless encoding (type, value, unknowns) to `h`: equal values, equal bytes.
fn hash_value(h: &mut Sha256, v: &Value) {
    struct Feed<'a>(&'a mut Sha256);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Writing to memory cannot fail, and `Full` encodes every value.
    let _ = serde_json::to_writer(Feed(h), &Full(v));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(t: &FunctionResults, arg: &str, result: i64) -> Result<(), FunctionError> {
        let source: ProviderSource = "example.com/acme/clock".parse().unwrap();
        t.check(&source, "now", &[Value::string(arg)], &Value::from(result))
    }

    #[test]
    fn a_call_must_give_the_result_it_gave_before() {
        let t = FunctionResults::default();
        call(&t, "utc", 1).unwrap();
        call(&t, "utc", 1).unwrap();
        call(&t, "cet", 2).unwrap();
        let e = call(&t, "utc", 3).unwrap_err();
        assert_eq!(e.text, "function returned an inconsistent result");
        // What a saved plan recorded binds the calls of the apply that loads it.
        let applying = FunctionResults::default();
        applying.preload(&t.hashes());
        assert_eq!(applying.hashes(), t.hashes());
        call(&applying, "cet", 2).unwrap();
        assert!(call(&applying, "cet", 4).is_err());
        call(&applying, "new", 5).unwrap();
    }
}
