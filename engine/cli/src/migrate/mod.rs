//! `autostack migrate`: moving every portable resource of a configuration to another cloud.
//! [`prepare`] works out the edit of the `.tf` files (the target cloud's provider block after
//! the old one, `provider = <target>` on each portable resource, the `required_providers`
//! entry); the command then plans the edited texts without writing them (an [`Overlay`]), or
//! writes them (`-write`).

pub mod report;
mod rewrite;
pub mod splice;

use autostack_core::addrs::{implied_local_name, is_portable, ProviderSource};
use autostack_core::context::source_in;
use autostack_cost::regions::{is_known, nearest};
use autostack_cost::Cloud;
use autostack_lang::config::{Mode, Module, ModuleTree, Overlay};
use autostack_lang::{Diagnostic, Diagnostics, Range};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The cloud a stack moves to, and the provider that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The cloud.
    pub cloud: Cloud,
    /// Its provider's type (`aws`, `azurerm`, `google`), also the local name written.
    pub local: &'static str,
}

impl Target {
    /// Parses `-to`: `aws`, `gcp` (or `google`), `azure` (or `azurerm`).
    pub fn parse(s: &str) -> Option<Target> {
        let (cloud, local) = match s {
            "aws" => (Cloud::Aws, "aws"),
            "gcp" | "google" => (Cloud::Gcp, "google"),
            "azure" | "azurerm" => (Cloud::Azure, "azurerm"),
            _ => return None,
        };
        Some(Target { cloud, local })
    }
}

/// The cloud a provider source serves portable resources on, if it is a cloud provider.
pub fn cloud_of(source: &ProviderSource) -> Option<Cloud> {
    if source.namespace != "hashicorp" {
        return None;
    }
    Target::parse(&source.ty).map(|t| t.cloud)
}

/// One configuration file and what the rewrite makes of it.
#[derive(Debug)]
pub struct FileChange {
    /// The file on disk.
    pub path: PathBuf,
    /// Its name as diagnostics write it.
    pub name: String,
    /// Its text now.
    pub before: String,
    /// Its text rewritten.
    pub after: String,
    /// What changed, one line each, with file:line:col.
    pub notes: Vec<String>,
}

/// The rewrite of a configuration for a move to another cloud.
#[derive(Debug)]
pub struct Rewrite {
    /// The files whose text changes.
    pub files: Vec<FileChange>,
    /// The clouds the portable resources move from.
    pub from: BTreeSet<Cloud>,
    /// The target cloud.
    pub target: Target,
    /// The region on the target cloud.
    pub region: String,
    /// How the region was chosen.
    pub how: String,
    /// The target's aliased provider configurations (one per alias of the old clouds' blocks
    /// the moving resources are bound to), each with its own region.
    pub aliases: Vec<AliasTarget>,
    /// Addresses of the portable resources that move.
    pub moving: Vec<String>,
    /// Concrete resources of another cloud, which stay where they are.
    pub staying: Vec<(String, Cloud)>,
}

impl Rewrite {
    /// The rewritten texts, by canonical path, for loading the configuration as if written.
    pub fn overlay(&self) -> Overlay {
        (self.files.iter())
            .filter_map(|f| Some((f.path.canonicalize().ok()?, f.after.clone())))
            .collect()
    }

    /// The aliased configurations' regions, for messages: `; alias west: us-west1 (...)`.
    pub fn alias_regions(&self) -> String {
        (self.aliases.iter())
            .map(|a| format!("; alias {}: region {} ({})", a.alias, a.region, a.how))
            .collect()
    }

    /// True when writing would change no file (the configuration is rewritten already).
    pub fn is_noop(&self) -> bool {
        self.files.iter().all(|f| f.before == f.after)
    }
}

/// An aliased provider configuration of the target cloud: `provider "google" { alias = "west" }`
/// for resources bound to `aws.west`.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasTarget {
    /// The alias, the same as the old block's.
    pub alias: String,
    /// Its region on the target cloud.
    pub region: String,
    /// How the region was chosen.
    pub how: String,
}

/// The region on the target cloud of the provider configuration `alias` (`None`: the default
/// one) and how it was chosen: `given` (-region, for the default one), else the target
/// block's, else the nearest to the region its moving resources run in now (for the default
/// configuration, those bound to the old default block, else the first moving one).
fn region_for(
    files: &[rewrite::TfFile],
    moving: &[Moving],
    target: Target,
    alias: Option<&str>,
    given: Option<&str>,
) -> Result<(String, String), Diagnostics> {
    if let Some(r) = given {
        return Ok((r.to_string(), "given with -region".to_string()));
    }
    let block = "the target provider block's".to_string();
    if let Some(r) = rewrite::target_region(files, target, alias) {
        return Ok((r, block));
    }
    let bound = moving.iter().find(|m| m.alias.as_deref() == alias);
    let Some(first) = bound.or_else(|| moving.first().filter(|_| alias.is_none())) else {
        return Ok((String::new(), block));
    };
    let (old_region, at) = rewrite::old_region(files, first)?;
    let m = nearest(first.from, &old_region, target.cloud).map_err(|e| {
        let hint = match alias {
            Some(a) => format!(
                "Set the region in a provider \"{}\" block with alias = {a:?}.",
                target.local
            ),
            None => "Choose one with -region=R.".to_string(),
        };
        Diagnostic::error("No region to move to", format!("{e}. {hint}"), Some(at))
    })?;
    Ok((m.region, format!("{}: {}", first.from, m.how)))
}

/// A module of the tree with its address prefix (`module.net.`) and whether it is the root.
pub(crate) struct ModuleAt<'a> {
    pub module: &'a Module,
    pub prefix: String,
    pub root: bool,
}

fn modules<'a>(tree: &'a ModuleTree, prefix: String, root: bool, out: &mut Vec<ModuleAt<'a>>) {
    out.push(ModuleAt {
        module: &tree.module,
        prefix: prefix.clone(),
        root,
    });
    for (name, child) in &tree.children {
        modules(child, format!("{prefix}module.{name}."), false, out);
    }
}

/// A portable resource bound to another cloud than the target: where it is and what binds it.
pub(crate) struct Moving {
    pub module: usize,
    pub key: String,
    pub from: Cloud,
    pub local: String,
    pub alias: Option<String>,
    pub range: Range,
}

/// Works out the rewrite that moves every portable resource of `tree` to `target`, in
/// `region` (default: the old region's nearest on the target cloud). With `rewritten_ok`, a
/// configuration whose portable resources are bound to `target` already, beside the old
/// cloud's provider block (an earlier `-write`), gives the (usually empty) rewrite of what
/// is left; otherwise that is an error, as is a stack already on `target`.
pub fn prepare(
    tree: &ModuleTree,
    target: Target,
    region: Option<&str>,
    rewritten_ok: bool,
) -> Result<Rewrite, Diagnostics> {
    let mut all = Vec::new();
    modules(tree, String::new(), true, &mut all);
    let (moving, staying, first) = classify(&all, target);
    let files = rewrite::read_files(&all)?;
    let rewritten = first.is_some() && rewrite::is_rewritten(&files, target);
    if moving.is_empty() && !(rewritten_ok && rewritten) {
        return Err(nothing_to_move(first, target, rewritten).into());
    }
    let from: BTreeSet<Cloud> = moving.iter().map(|m| m.from).collect();
    let (region, how) = region_for(&files, &moving, target, None, region)?;
    if !(region.is_empty() || is_known(target.cloud, &region)) {
        return Err(Diagnostic::error(
            "Unknown region",
            format!("{region:?} is not a {} region this version knows (see the cost engine's region table).", target.cloud),
            None,
        )
        .into());
    }
    let mut aliases = Vec::new();
    for alias in moving.iter().filter_map(|m| m.alias.clone()) {
        if aliases.iter().all(|a: &AliasTarget| a.alias != alias) {
            let (region, how) = region_for(&files, &moving, target, Some(&alias), None)?;
            aliases.push(AliasTarget { alias, region, how });
        }
    }
    let mut regions = vec![(None, region.clone())];
    regions.extend(
        aliases
            .iter()
            .map(|a| (Some(a.alias.clone()), a.region.clone())),
    );
    let files = rewrite::edit(files, &all, &moving, target, &regions)?;
    Ok(Rewrite {
        files,
        from,
        target,
        region,
        how,
        aliases,
        moving: (moving.iter())
            .map(|m| format!("{}{}", all[m.module].prefix, m.key))
            .collect(),
        staying,
    })
}

type Classified = (Vec<Moving>, Vec<(String, Cloud)>, Option<Range>);

/// The portable resources that move, the concrete ones of other clouds that stay, and the
/// first portable resource's place (for the error when nothing moves).
fn classify(all: &[ModuleAt<'_>], target: Target) -> Classified {
    let (mut moving, mut staying, mut first) = (Vec::new(), Vec::new(), None);
    for (i, at) in all.iter().enumerate() {
        let m = at.module;
        for (key, r) in m.resources.iter().filter(|(_, r)| r.mode == Mode::Managed) {
            let (local, alias) = match &r.provider {
                Some((l, a)) => (l.clone(), a.clone()),
                None => (implied_local_name(&r.ty).to_string(), None),
            };
            let Some(cloud) = cloud_of(&source_in(m, &local)) else {
                continue;
            };
            if !is_portable(&r.ty) {
                if cloud != target.cloud {
                    staying.push((format!("{}{key}", at.prefix), cloud));
                }
                continue;
            }
            first.get_or_insert_with(|| r.range.clone());
            if cloud != target.cloud {
                moving.push(Moving {
                    module: i,
                    key: key.clone(),
                    from: cloud,
                    local,
                    alias,
                    range: r.range.clone(),
                });
            }
        }
    }
    (moving, staying, first)
}

fn nothing_to_move(first: Option<Range>, target: Target, rewritten: bool) -> Diagnostic {
    match first {
        Some(at) if rewritten => Diagnostic::error(
            "Already rewritten for the target cloud",
            format!("Every portable resource of this configuration is bound to {} already (an earlier `migrate -write`): `autostack plan` shows the move the state still has to make, `autostack apply` makes it.", target.cloud),
            Some(at),
        ),
        Some(at) => Diagnostic::error(
            "Already on the target cloud",
            format!("Every portable resource of this configuration already runs on {}: there is nothing to migrate. Choose another cloud with -to.", target.cloud),
            Some(at),
        ),
        None => Diagnostic::error(
            "Nothing to migrate",
            format!("This configuration has no portable resources (portable_*): only those move between clouds. For concrete types (aws_instance, ...), `autostack translate -to={}` writes an equivalent configuration.", target.cloud),
            None,
        ),
    }
}
