//! Loading what every state-touching command needs: configuration, variables, providers.

use crate::args::VarArgs;
use autostack_core::addrs::{AbsProviderConfig, ProviderSource};
use autostack_core::context::{Context, ProviderResolver};
use autostack_core::statefile::SchemaSource;
use autostack_lang::config::{load_module_tree_with, Mode, ModuleTree, Overlay};
use autostack_lang::diag::Sources;
use autostack_lang::functions::Functions;
use autostack_lang::vars::{input_values, CliVar};
use autostack_lang::{Diagnostic, Diagnostics, Type, Value};
use autostack_provider_sdk::Provider;
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The providers compiled into this binary.
pub struct Builtins;

impl ProviderResolver for Builtins {
    fn instantiate(&self, source: &ProviderSource) -> Option<Box<dyn Provider>> {
        let s = source.to_string();
        let native = autostack_provider_builtin::provider_for(&s).or_else(|| cloud_provider(&s));
        crate::plugins::with_plugin(source, native)
    }
}

/// The cloud providers enabled at build time (each a cargo feature of the binary).
pub fn cloud_provider(source: &str) -> Option<Box<dyn Provider>> {
    #[cfg(feature = "aws")]
    if let Some(p) = autostack_provider_aws::provider_for(source) {
        return Some(p);
    }
    #[cfg(feature = "azure")]
    if let Some(p) = autostack_provider_azure::provider_for(source) {
        return Some(p);
    }
    #[cfg(feature = "gcp")]
    if let Some(p) = autostack_provider_gcp::provider_for(source) {
        return Some(p);
    }
    let _unused = source;
    None
}

/// Schemas looked up by state provider string, instantiating each provider once.
pub struct Schemas {
    resolver: Arc<dyn ProviderResolver>,
    cache: Mutex<HashMap<ProviderSource, Option<Arc<dyn Provider>>>>,
}

impl Schemas {
    /// A schema source over a resolver.
    pub fn new(resolver: Arc<dyn ProviderResolver>) -> Self {
        Schemas {
            resolver,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The provider of `source`, instantiated once.
    fn provider(&self, source: &ProviderSource) -> Option<Arc<dyn Provider>> {
        let mut cache = self.cache.lock().ok()?;
        cache
            .entry(source.clone())
            .or_insert_with(|| self.resolver.instantiate(source).map(Arc::from))
            .clone()
    }

    /// The schema block of a changed resource, for rendering nested blocks.
    pub fn block_for(
        &self,
        c: &autostack_core::plan::ResourceChange,
    ) -> Option<autostack_provider_sdk::Block> {
        let p = self.provider(&c.provider_source)?;
        let schemas = if c.addr.resource.mode == Mode::Data {
            &p.schema().data_sources
        } else {
            &p.schema().resources
        };
        schemas
            .get(c.addr.resource.ty.as_str())
            .map(|s| s.block.clone())
    }
}

impl SchemaSource for Schemas {
    fn resource_type(&self, provider: &str, mode: Mode, ty: &str) -> Option<(Type, u64)> {
        let p = self.provider(&provider.parse::<AbsProviderConfig>().ok()?.source)?;
        let schemas = if mode == Mode::Data {
            &p.schema().data_sources
        } else {
            &p.schema().resources
        };
        schemas.get(ty).map(|s| (s.block.value_type(), s.version))
    }

    fn upgrade(
        &self,
        provider: &str,
        ty: &str,
        version: u64,
        attrs: &serde_json::Value,
    ) -> Option<Result<Value, String>> {
        let p = self.provider(&provider.parse::<AbsProviderConfig>().ok()?.source)?;
        let upgraded = p.upgrade_state(ty, version, &attrs.to_string())?;
        Some(upgraded.map_err(|d| {
            d.iter()
                .map(|d| format!("{}: {}", d.summary, d.detail))
                .collect::<Vec<_>>()
                .join("; ")
        }))
    }
}

/// A loaded configuration with its diagnostics' sources.
pub struct Loaded {
    /// Source texts for diagnostics.
    pub sources: Sources,
    /// The module tree.
    pub tree: ModuleTree,
}

/// Loads the module tree of the working directory.
pub fn load_config(dir: &Path) -> Result<Loaded, (Sources, Diagnostics)> {
    load_config_with(dir, &Overlay::new())
}

/// [`load_config`] with the texts of `overlay` read in place of the files they name.
pub fn load_config_with(dir: &Path, overlay: &Overlay) -> Result<Loaded, (Sources, Diagnostics)> {
    let sources = Sources::new();
    let (mut tree, mut diags) = load_module_tree_with(dir, &sources, overlay);
    diags.extend(autostack_core::addrs::bind_portable(&mut tree));
    if diags.has_errors() {
        return Err((sources, diags));
    }
    Ok(Loaded { sources, tree })
}

/// `-var` and `-var-file` arguments in the order they were given on the command line.
fn ordered_cli_vars(args: &VarArgs) -> Vec<CliVar> {
    let argv: Vec<String> = std::env::args().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = argv[i].trim_start_matches('-');
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f == "var" || f == "var-file" => (f, Some(v.to_string())),
            _ => (a, None),
        };
        if argv[i].starts_with('-') && (flag == "var" || flag == "var-file") {
            let value = inline.or_else(|| {
                i += 1;
                argv.get(i).cloned()
            });
            if let Some(v) = value {
                out.push(if flag == "var" {
                    CliVar::Var(v)
                } else {
                    CliVar::File(v.into())
                });
            }
        }
        i += 1;
    }
    if out.len() != args.vars.len() + args.var_files.len() {
        // Not invoked from a real command line (tests): fall back to files, then vars.
        out = args
            .var_files
            .iter()
            .cloned()
            .map(CliVar::File)
            .chain(args.vars.iter().cloned().map(CliVar::Var))
            .collect();
    }
    out
}

/// Collects variable values; on a terminal (unless `-input=false`) asks for required ones
/// that have no value, as Terraform does.
pub fn variables(
    loaded: &Loaded,
    args: &VarArgs,
    input: bool,
) -> Result<HashMap<String, Value>, Diagnostics> {
    let mut cli = ordered_cli_vars(args);
    let env: Vec<(String, String)> = std::env::vars().collect();
    let m = &loaded.tree.module;
    let functions = Functions::standard();
    let (values, diags) = input_values(m, &m.dir, &cli, &env, &loaded.sources, &functions);
    let only_missing = diags
        .iter()
        .filter(|d| d.is_error())
        .all(|d| d.summary == "No value for required variable");
    if !diags.has_errors() {
        return Ok(values);
    }
    if !(input && only_missing && std::io::stdin().is_terminal()) {
        return Err(diags);
    }
    for (name, var) in &m.variables {
        if var.default.is_none() && !values.contains_key(name) {
            cli.push(CliVar::Var(format!(
                "{name}={}",
                prompt_var(name, var.description.as_deref())
            )));
        }
    }
    let (values, diags) = input_values(m, &m.dir, &cli, &env, &loaded.sources, &functions);
    diags.into_result(values)
}

fn prompt_var(name: &str, description: Option<&str>) -> String {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "var.{name}");
    if let Some(d) = description {
        let _ = writeln!(out, "  {d}\n");
    }
    let _ = write!(out, "  Enter a value: ");
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    println!();
    line.trim_end_matches(['\n', '\r']).to_string()
}

/// Builds the engine context for a loaded configuration.
pub fn context(loaded: Loaded, vars: HashMap<String, Value>) -> (Context, Sources) {
    let resolver: Arc<dyn ProviderResolver> = Arc::new(Builtins);
    let Loaded { sources, tree } = loaded;
    crate::plugins::prestart(&tree);
    let mut ctx = Context::new(tree, vars, resolver);
    ctx.workspace = crate::backend::settings::current_workspace();
    (ctx, sources)
}

/// A diagnostic without a location.
pub fn error(summary: &str, detail: impl Into<String>) -> Diagnostics {
    Diagnostic::error(summary, detail, None).into()
}
