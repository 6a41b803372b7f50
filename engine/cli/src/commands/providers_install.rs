//! `providers lock` (the lock file's checksums for one or more platforms, fetched from the
//! installation sources without installing anything) and `providers mirror DIR` (the
//! required providers' packages in the packed layout with the network mirror indexes), as
//! Terraform's commands of the same names do.

use crate::args::{ProvidersLockArgs, ProvidersMirrorArgs};
use crate::session;
use autostack_core::addrs::ProviderSource;
use autostack_lang::config::ModuleTree;
use autostack_lang::Diagnostics;
use std::collections::BTreeSet;

#[cfg(feature = "plugins")]
use autostack_provider_plugin::install::{
    cliconfig::{CliConfig, Method, Source},
    lockfile::{Lock, Locks},
    Event, InstallError, Options, Requirement,
};

#[cfg(feature = "plugins")]
fn diag(e: InstallError) -> Diagnostics {
    session::error(&e.summary, e.detail)
}

/// The platforms asked for, or this machine's.
#[cfg(feature = "plugins")]
fn platforms(asked: &[String]) -> Vec<String> {
    match asked.is_empty() {
        true => vec![autostack_provider_plugin::testkit::platform()],
        false => asked.to_vec(),
    }
}

/// `providers lock [-fs-mirror=DIR | -net-mirror=URL] [-platform=OS_ARCH ...] [PROVIDER ...]`.
#[cfg(feature = "plugins")]
pub fn lock(
    tree: &ModuleTree,
    all: &BTreeSet<ProviderSource>,
    a: &ProvidersLockArgs,
) -> Result<(), Diagnostics> {
    let err = |e: String| session::error("Could not retrieve providers for locking", e);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut cfg = CliConfig::load().map_err(err)?;
    let only = |method| Source {
        method,
        include: Vec::new(),
        exclude: Vec::new(),
    };
    if let Some(m) = &a.fs_mirror {
        cfg.sources = vec![only(Method::FilesystemMirror(cwd.join(m)))];
    } else if let Some(u) = &a.net_mirror {
        cfg.sources = vec![only(Method::NetworkMirror(u.clone()))];
    }
    let old = Locks::read(&cwd).map_err(err)?;
    let mut new = old.clone();
    let mut changed = false;
    let wanted = all.iter().filter(|s| {
        a.providers.is_empty()
            || a.providers
                .iter()
                .any(|p| p.parse::<ProviderSource>().ok().as_ref() == Some(*s))
    });
    for source in wanted {
        if source.hostname == "terraform.io" && source.namespace == "builtin" {
            continue;
        }
        let req = Requirement {
            address: source.to_string(),
            constraints: crate::plugins::constraints(tree, source),
        };
        let lock = lock_one(&cfg, &req, &old, &platforms(&a.platform), &mut changed)?;
        new.0.insert(req.address, lock);
    }
    new.write(&cwd).map_err(err)?;
    match changed {
        true => println!("\nSuccess! AutoStack has updated the lock file.\n\nReview the changes in .terraform.lock.hcl and then commit to your\nversion control system to retain the new checksums.\n"),
        false => println!("\nSuccess! AutoStack has validated the lock file and found no need for changes."),
    }
    Ok(())
}

/// One provider's lock entry over `platforms`: each platform's package fetched into a
/// scratch directory and its checksums merged with those already locked for the version.
#[cfg(feature = "plugins")]
fn lock_one(
    cfg: &CliConfig,
    req: &Requirement,
    old: &Locks,
    platforms: &[String],
    changed: &mut bool,
) -> Result<Lock, Diagnostics> {
    let name = autostack_provider_plugin::install::short(&req.address);
    let before = old.0.get(&req.address);
    let mut merged: Option<Lock> = None;
    for platform in platforms {
        let scratch = tempfile::tempdir().map_err(|e| {
            session::error("Could not retrieve providers for locking", e.to_string())
        })?;
        let mut trial = old.clone();
        let opts = Options {
            platform: Some(platform.clone()),
            force_checksums: true,
            ..Options::default()
        };
        let mut report = |e: Event| match e {
            Event::Installing(p, v) => println!("- Fetching {p} {v} for {platform}..."),
            Event::Installed(p, v, auth) => {
                println!("- Retrieved {p} {v} for {platform} ({auth})")
            }
            _ => {}
        };
        autostack_provider_plugin::install::install(
            scratch.path(),
            std::slice::from_ref(req),
            &mut trial,
            cfg,
            &opts,
            &mut report,
        )
        .map_err(diag)?;
        let got = trial.0.remove(&req.address).unwrap_or_default();
        let same = before.filter(|b| b.version == got.version);
        let what = match same {
            None => "This was a new provider and the checksums for this platform are now tracked in the lock file",
            Some(b) if got.hashes.iter().all(|h| b.hashes.contains(h)) => "All checksums for this platform were already tracked in the lock file",
            Some(_) => "Additional checksums for this platform are now tracked in the lock file",
        };
        *changed |= !what.starts_with("All");
        println!("- Obtained {name} checksums for {platform}; {what}");
        let m = merged.get_or_insert_with(|| Lock {
            version: got.version.clone(),
            constraints: got.constraints.clone(),
            hashes: same.map(|b| b.hashes.clone()).unwrap_or_default(),
        });
        m.hashes.extend(got.hashes);
    }
    let mut lock = merged.unwrap_or_default();
    lock.hashes.sort();
    lock.hashes.dedup();
    Ok(lock)
}

/// `providers mirror [-platform=OS_ARCH ...] [-lock-file=false] DIR`.
#[cfg(feature = "plugins")]
pub fn mirror(
    tree: &ModuleTree,
    all: &BTreeSet<ProviderSource>,
    a: &ProvidersMirrorArgs,
) -> Result<(), Diagnostics> {
    use autostack_provider_plugin::install::mirror::{mirror, ToMirror};
    let err = |e: String| session::error("Failed to mirror providers", e);
    let cwd = std::env::current_dir().unwrap_or_default();
    let cfg = CliConfig::load().map_err(err)?;
    let locks = Locks::read(&cwd).map_err(err)?;
    let mut wanted = Vec::new();
    for source in all {
        if source.hostname == "terraform.io" && source.namespace == "builtin" {
            println!(
                "- Skipping {} because it is built in to AutoStack",
                source.short()
            );
            continue;
        }
        let address = source.to_string();
        wanted.push(ToMirror {
            locked: locks
                .0
                .get(&address)
                .filter(|_| a.lock_file)
                .map(|l| l.version.clone()),
            req: Requirement {
                address,
                constraints: crate::plugins::constraints(tree, source),
            },
        });
    }
    let out = cwd.join(&a.dir);
    mirror(&cfg, &wanted, &platforms(&a.platform), &out, &mut |line| {
        println!("{line}")
    })
    .map_err(diag)
}

#[cfg(not(feature = "plugins"))]
pub fn lock(
    _: &ModuleTree,
    _: &BTreeSet<ProviderSource>,
    _: &ProvidersLockArgs,
) -> Result<(), Diagnostics> {
    Err(session::error(
        "Plugins are not in this build",
        "`providers lock` needs the `plugins` feature.",
    ))
}

#[cfg(not(feature = "plugins"))]
pub fn mirror(
    _: &ModuleTree,
    _: &BTreeSet<ProviderSource>,
    _: &ProvidersMirrorArgs,
) -> Result<(), Diagnostics> {
    Err(session::error(
        "Plugins are not in this build",
        "`providers mirror` needs the `plugins` feature.",
    ))
}
