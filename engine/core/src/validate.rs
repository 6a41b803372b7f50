//! Static checks of a configuration against its providers' schemas, before anything is
//! evaluated: resource types that exist, arguments and blocks they accept, provider block
//! arguments. As in Terraform, an error here stops a plan before it starts, so a broken
//! configuration never reaches a provider and never yields errors that a fixed one would not.

use crate::addrs::{ProviderConfig, ProviderSource};
use crate::conform::check_body;
use crate::context::{source_of, ProviderResolver};
use crate::graph::provider_addr;
use autostack_lang::config::{Mode, ModuleTree, Resource};
use autostack_lang::{Diagnostic, Diagnostics};
use autostack_provider_sdk::Provider;
use std::collections::HashMap;

/// Checks every resource, data source and root provider block of `tree`. Providers this build
/// cannot instantiate are skipped here; planning reports them once, where they are configured.
pub fn check_schemas(tree: &ModuleTree, resolver: &dyn ProviderResolver) -> Diagnostics {
    let mut c = Checker {
        root: tree,
        resolver,
        providers: HashMap::new(),
        diags: Diagnostics::new(),
    };
    for p in &tree.module.providers {
        let d = c
            .provider(&ProviderConfig::new(p.name.clone(), p.alias.clone()))
            .map(|provider| check_body(&provider.schema().provider, &p.config, "a provider block"));
        c.diags.extend(d.unwrap_or_default());
    }
    c.module(tree, &mut Vec::new());
    c.diags
}

struct Checker<'a> {
    root: &'a ModuleTree,
    resolver: &'a dyn ProviderResolver,
    /// One unconfigured instance per provider source, for its schema.
    providers: HashMap<ProviderSource, Option<Box<dyn Provider>>>,
    diags: Diagnostics,
}

impl Checker<'_> {
    fn provider(&mut self, addr: &ProviderConfig) -> Option<&dyn Provider> {
        let source = source_of(self.root, addr);
        let resolver = self.resolver;
        self.providers
            .entry(source)
            .or_insert_with_key(|s| resolver.instantiate(s))
            .as_deref()
    }

    fn module(&mut self, t: &ModuleTree, path: &mut Vec<String>) {
        for r in t.module.resources.values() {
            self.resource(path, r);
        }
        for (name, child) in &t.children {
            path.push(name.clone());
            self.module(child, path);
            path.pop();
        }
    }

    fn resource(&mut self, path: &[String], r: &Resource) {
        let addr = provider_addr(self.root, path, r);
        let source = source_of(self.root, &addr);
        let d = match self.provider(&addr).map(|p| schema_of(p, &source, r)) {
            None => return,
            Some(Ok(s)) => check_body(&s.block, &r.config, "this block"),
            Some(Err(d)) => d.into(),
        };
        self.diags.extend(d);
    }
}

/// The schema of a resource's type, or Terraform's "Invalid resource type" error.
pub(crate) fn schema_of<'p>(
    p: &'p dyn Provider,
    source: &ProviderSource,
    r: &Resource,
) -> Result<&'p autostack_provider_sdk::ResourceSchema, Diagnostic> {
    let (map, kind) = match r.mode {
        Mode::Data => (&p.schema().data_sources, "data source"),
        Mode::Managed => (&p.schema().resources, "resource type"),
    };
    map.get(&r.ty).ok_or_else(|| {
        let hint = autostack_lang::diag::did_you_mean(&r.ty, map.keys().map(String::as_str));
        Diagnostic::error(
            format!("Invalid {kind}"),
            format!(
                "The provider {} does not support {kind} {:?}.{hint}",
                source.short(),
                r.ty
            ),
            Some(r.range.clone()),
        )
    })
}
