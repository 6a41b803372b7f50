//! `init -migrate-state` (and the first `init` of a backend when local state exists): every
//! workspace of the previous backend is copied to the new one, as Terraform copies it. It
//! asks first unless `-force-copy`; a workspace whose destination already holds a state
//! of another lineage, or a newer one, is overwritten only with `-force-copy`. Each copy
//! keeps the state's lineage and serial, and both sides are locked while it is made
//! (`-lock`, `-lock-timeout`).

use crate::args::InitArgs;
use crate::backend::{Backend, LockGuard};
use crate::session::error;
use autostack_lang::Diagnostics;
use autostack_state::model::Document;
use std::io::{BufRead, IsTerminal, Write};

/// Copies every workspace of `source` (of type `from`) with a state to `target` (of `to`).
pub async fn copy_all(
    source: &Backend,
    target: &Backend,
    from: &str,
    to: &str,
    a: &InitArgs,
) -> Result<(), Diagnostics> {
    let mut names = source.workspaces().await?;
    names.sort();
    let mut copies = Vec::new();
    for name in names {
        let src = source.on_workspace(&name);
        let (doc, _) = src.load_document().await?;
        if !is_empty(&doc) {
            copies.push((name, doc));
        }
    }
    if copies.is_empty() || same_place(source, target, &copies) {
        return Ok(());
    }
    let question = if copies.len() == 1 && copies[0].0 == "default" {
        format!("Do you want to copy existing state to the new backend?\n  Pre-existing state was found while migrating the previous {from:?} backend to the\n  newly configured {to:?} backend. Do you want to copy this state to the new {to:?}\n  backend? Enter \"yes\" to copy and \"no\" to start with an empty state.")
    } else {
        format!("Do you want to migrate all workspaces to {to:?}?\n  Both the existing {from:?} backend and the newly configured {to:?} backend\n  support workspaces. During the migration, AutoStack will copy all\n  workspaces, with the same names, to the new backend.")
    };
    if !a.force_copy && !confirm(&question, a.input.unwrap_or(true))? {
        return Err(error("Migration aborted by user.", ""));
    }
    for (name, doc) in copies {
        copy_one(source, target, &name, doc, a).await.map_err(|d| {
            let detail = d.iter().map(|x| format!("{}: {}", x.summary, x.detail)).collect::<Vec<_>>().join("\n");
            error(
                "Error migrating the workspace",
                format!("Error migrating the workspace {name:?} from the previous {from:?} backend\nto the newly configured {to:?} backend:\n{detail}"),
            )
        })?;
    }
    println!("Successfully migrated the state to the {to:?} backend.");
    Ok(())
}

/// A state with nothing in it (no resources, no outputs) is not copied, as in Terraform.
fn is_empty(doc: &Document) -> bool {
    doc.resources.is_empty() && doc.outputs.is_empty()
}

/// True when source and target are the same storage (re-running init on one local file).
fn same_place(source: &Backend, target: &Backend, copies: &[(String, Document)]) -> bool {
    copies
        .iter()
        .all(|(name, _)| source.location(name) == target.location(name))
}

async fn copy_one(
    source: &Backend,
    target: &Backend,
    name: &str,
    doc: Document,
    a: &InitArgs,
) -> Result<(), Diagnostics> {
    let src = source.on_workspace(name);
    let dst = target.on_workspace(name);
    let _held: Vec<LockGuard> = if a.lock.enabled() {
        let t = a.lock.timeout();
        vec![
            src.lock("OperationTypeInvalid", t).await?,
            dst.lock("OperationTypeInvalid", t).await?,
        ]
    } else {
        Vec::new()
    };
    let (existing, _) = dst.load_document().await?;
    if !is_empty(&existing) && !a.force_copy {
        if existing.lineage != doc.lineage {
            return Err(error("Refusing to overwrite unrelated state", format!("The destination already holds a state of lineage {:?}, not {:?}: it is not the same state's history. Use -force-copy to overwrite it anyway.", existing.lineage, doc.lineage)));
        }
        if existing.serial > doc.serial {
            return Err(error("Refusing to overwrite newer state", format!("The destination's state (serial {}) is newer than the one being copied (serial {}). Use -force-copy to overwrite it anyway.", existing.serial, doc.serial)));
        }
    }
    dst.write_as_is(&doc).await
}

/// Asks `question` on the terminal; "yes" approves. Without a terminal (or with
/// `-input=false`) it cannot ask, as Terraform says.
fn confirm(question: &str, input: bool) -> Result<bool, Diagnostics> {
    if !input || !std::io::stdin().is_terminal() {
        return Err(error("Error asking for state migration action", "Can't ask approval for state migration when interactive input is disabled.\n\nPlease remove the \"-input=false\" option, or use -force-copy, and try again."));
    }
    print!("{question}\n\n  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    println!();
    Ok(line.trim() == "yes")
}
