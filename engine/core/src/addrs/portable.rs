//! Binding the portable resource types (`portable_*`) to a cloud provider. A portable type
//! names no provider by its prefix: a resource without `provider =` binds to its module's
//! only cloud provider (aws, azurerm or google, by source), which then serves it like a type
//! of its own and is recorded in state as its provider. No cloud provider, several, or a
//! `provider =` naming a provider that is not a cloud, is an error at the resource.

use super::provider::{implied_local_name, ProviderSource};
use crate::context::source_in;
use autostack_lang::config::{Module, ModuleTree};
use autostack_lang::{Diagnostic, Diagnostics};
use std::collections::BTreeSet;

/// The prefix of the portable resource types.
pub const PORTABLE_PREFIX: &str = "portable_";

/// The provider source types that serve the portable types.
pub const CLOUD_TYPES: [&str; 3] = ["aws", "azurerm", "google"];

/// True for the portable resource types.
pub fn is_portable(resource_type: &str) -> bool {
    resource_type.starts_with(PORTABLE_PREFIX)
}

/// True when `source` is a cloud provider that serves the portable types.
pub fn serves_portable(source: &ProviderSource) -> bool {
    source.namespace == "hashicorp" && CLOUD_TYPES.contains(&source.ty.as_str())
}

/// The local names of the cloud providers module `m` of `tree` declares or uses: its
/// `required_providers`, its `provider` blocks, and the providers its other resources imply
/// or name.
fn clouds_of(m: &Module) -> BTreeSet<String> {
    let required = m.terraform.required_providers.keys().cloned();
    let blocks = m.providers.iter().map(|p| p.name.clone());
    let used = (m.resources.values())
        .filter(|r| !is_portable(&r.ty))
        .map(|r| match &r.provider {
            Some((n, _)) => n.clone(),
            None => implied_local_name(&r.ty).to_string(),
        });
    let local = |name: &String| serves_portable(&source_in(m, name));
    required.chain(blocks).chain(used).filter(local).collect()
}

/// Binds every portable resource of `tree` that names no provider to its module's only
/// cloud provider (a child module with none inherits its parent's binding), and checks that
/// those naming one name a cloud. Errors point at the resource.
pub fn bind_portable(tree: &mut ModuleTree) -> Diagnostics {
    let mut diags = Diagnostics::new();
    bind_module(tree, None, &mut diags);
    diags
}

fn bind_module(tree: &mut ModuleTree, inherited: Option<&str>, diags: &mut Diagnostics) {
    let clouds = clouds_of(&tree.module);
    let own: Vec<&String> = clouds.iter().collect();
    let chosen: Option<String> = match own.as_slice() {
        [one] => Some((*one).clone()),
        [] => inherited.map(str::to_string),
        _ => None,
    };
    // Copy-on-write: calls of one directory share its parse, and only a module with portable
    // resources is bound (and so copied) per call.
    let module = &mut tree.module;
    let module = if module.resources.values().any(|r| is_portable(&r.ty)) {
        std::sync::Arc::make_mut(module)
    } else {
        return bind_children(tree, chosen.as_deref(), diags);
    };
    let names = (own.iter().map(|s| s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sources: Vec<(String, ProviderSource)> = (module.resources.values())
        .filter_map(|r| r.provider.as_ref())
        .map(|(n, _)| (n.clone(), source_in(module, n)))
        .collect();
    for r in module.resources.values_mut() {
        if !is_portable(&r.ty) {
            continue;
        }
        match (&r.provider, &chosen) {
            (Some((n, _)), _) => {
                let source = (sources.iter().find(|(l, _)| l == n))
                    .map_or_else(|| ProviderSource::implied_by(n), |(_, s)| s.clone());
                if !serves_portable(&source) {
                    diags.push(Diagnostic::error(
                        "Provider cannot serve a portable resource",
                        format!("{} is bound to provider {n:?} ({}), which is not a cloud provider. Portable resources run on aws, azurerm or google: set provider = to one of them.", r.addr(), source.short()),
                        Some(r.range.clone()),
                    ));
                }
            }
            (None, Some(c)) => r.provider = Some((c.clone(), None)),
            (None, None) if own.is_empty() => diags.push(Diagnostic::error(
                "No cloud provider for a portable resource",
                format!("{} runs on the cloud its provider names, and this configuration has no aws, azurerm or google provider. Add a provider block (for example provider \"aws\" {{ region = \"us-east-1\" }}) or set provider = ... on the resource.", r.addr()),
                Some(r.range.clone()),
            )),
            (None, None) => diags.push(Diagnostic::error(
                "Ambiguous cloud for a portable resource",
                format!("{} names no provider, and this configuration has several cloud providers ({names}). Set provider = ... on the resource to say which cloud it runs on.", r.addr()),
                Some(r.range.clone()),
            )),
        }
    }
    bind_children(tree, chosen.as_deref(), diags);
}

fn bind_children(tree: &mut ModuleTree, cloud: Option<&str>, diags: &mut Diagnostics) {
    for child in tree.children.values_mut() {
        bind_module(child, cloud, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_lang::config::module_from_file;
    use autostack_lang::diag::SourceFile;
    use std::sync::Arc;

    fn tree(text: &str, children: Vec<(&str, ModuleTree)>) -> ModuleTree {
        let (module, diags) = module_from_file(&SourceFile::new("main.tf", text.to_string()));
        assert!(!diags.has_errors(), "{diags:?}");
        let children = children.into_iter().map(|(k, t)| (k.to_string(), t));
        ModuleTree {
            module: Arc::new(module),
            children: children.collect(),
        }
    }

    #[test]
    fn a_shared_module_is_bound_per_call_without_touching_the_other_calls() {
        let shared = tree("resource \"portable_bucket\" \"b\" {}\n", vec![]);
        let on_azure = tree(
            "provider \"azurerm\" {\n  features {}\n}\n",
            vec![("m", shared.clone())],
        );
        let mut root = tree(
            "provider \"aws\" {}\n",
            vec![("m", shared.clone()), ("az", on_azure)],
        );
        assert!(bind_portable(&mut root).is_empty());
        let cloud = |t: &ModuleTree| t.module.resources.values().next().unwrap().provider.clone();
        assert_eq!(cloud(&root.children["m"]), Some(("aws".into(), None)));
        let nested = &root.children["az"].children["m"];
        assert_eq!(cloud(nested), Some(("azurerm".into(), None)));
        assert_eq!(
            cloud(&shared),
            None,
            "the parse the calls share is left as read"
        );
    }
}
