//! `autostack state list|show|mv|rm|pull|push` and `force-unlock` (`state history` is in
//! [`super::state_history`]).

use crate::args::{ForceUnlockArgs, LockArgs, StateCmd};
use crate::backend::{Backend, LockGuard};
use crate::session::{self, Schemas};
use crate::ui;
use autostack_core::addrs::{parse_instance, InstanceAddr};
use autostack_core::state::State;
use autostack_lang::Diagnostics;
use autostack_state::codec::{self, Stamp};
use autostack_state::model::Document;
use autostack_state::{rules, StateError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fail(d: Diagnostics) -> u8 {
    ui::print_diags(&d, &Default::default(), ui::color_stderr(false));
    1
}

async fn backend(path: Option<&Path>) -> Result<Backend, Diagnostics> {
    let module = session::load_config(&PathBuf::from("."))
        .map(|l| l.tree.module)
        .unwrap_or_default();
    Backend::from_config(&module, path).await
}

/// Runs a state subcommand.
pub async fn run(cmd: &StateCmd) -> u8 {
    match run_inner(cmd).await {
        Ok(code) => code,
        Err(d) => fail(d),
    }
}

fn matches(addr: &InstanceAddr, pattern: &str) -> bool {
    let s = addr.to_string();
    s == pattern
        || s.starts_with(&format!("{pattern}["))
        || s.starts_with(&format!("{pattern}."))
        || addr.resource.to_string() == pattern
}

async fn run_inner(cmd: &StateCmd) -> Result<u8, Diagnostics> {
    let schemas = Schemas::new(Arc::new(session::Builtins));
    match cmd {
        StateCmd::History(a) => Ok(super::state_history::run(a).await),
        StateCmd::List(a) => {
            // Addresses need no provider: nothing but the document is read.
            let addrs = backend(a.state.as_deref()).await?.load_addresses().await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for addr in &addrs {
                if a.addresses.is_empty() || a.addresses.iter().any(|p| matches(addr, p)) {
                    let _ = writeln!(out, "{addr}");
                }
            }
            let _ = out.flush();
            Ok(0)
        }
        StateCmd::Show(a) => {
            let b = backend(a.state.as_deref()).await?;
            let doc = b.read_document().await?;
            let addr =
                parse_instance(&a.address).map_err(|e| session::error("Invalid address", e.0))?;
            // Only this object is decoded, with its own provider's schema.
            let Some(o) = b.decode_instance(&doc, &addr, &schemas)? else {
                return Err(session::error("No instance found for the given address!", format!("This command requires that the address references one specific instance. No instance was found for {:?}.", a.address)));
            };
            println!("# {addr}:");
            print!("{}", super::show::resource_block(&addr, &o.value));
            Ok(0)
        }
        StateCmd::Mv(a) => {
            mutate(a.state.as_deref(), &a.lock, &schemas, a.dry_run, |st| {
                move_items(st, &a.source, &a.destination)
            })
            .await
        }
        StateCmd::Rm(a) => mutate(a.state.as_deref(), &a.lock, &schemas, a.dry_run, |st| {
            let mut msgs = Vec::new();
            for p in &a.addresses {
                let hit: Vec<InstanceAddr> = st
                    .instances
                    .keys()
                    .filter(|x| matches(x, p))
                    .cloned()
                    .collect();
                if hit.is_empty() {
                    return Err(session::error("Invalid target address", format!("No matching objects found. To view the available instances, use \"autostack state list\". Please modify the address to reference a specific instance: {p}")));
                }
                for h in hit {
                    st.instances.remove(&h);
                    msgs.push(format!("Removed {h}"));
                }
            }
            msgs.push(format!(
                "Successfully removed {} resource instance(s).",
                msgs.len()
            ));
            Ok(msgs)
        })
        .await,
        StateCmd::Pull(a) => {
            // The document as stored (journal replayed), without decoding any attribute.
            let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            backend(a.state.as_deref()).await?.pull(out).await?;
            Ok(0)
        }
        StateCmd::Push(a) => {
            let mut text = String::new();
            if a.path == "-" {
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| session::error("Failed to read state", e.to_string()))?;
            } else {
                text = std::fs::read_to_string(&a.path).map_err(|e| {
                    session::error("Failed to read state file", format!("{}: {e}", a.path))
                })?;
            }
            let incoming = codec::decode(text.as_bytes()).map_err(|e| match e {
                StateError::InvalidJson { source, .. } => {
                    session::error("Failed to read state file", format!("{}: {source}", a.path))
                }
                e => session::error("Invalid state file", e.to_string()),
            })?;
            // Refused when its attributes do not fit the providers' schemas; stored as pushed.
            autostack_core::statefile::decode(&incoming, &schemas)
                .map_err(|e| session::error("Invalid state file", e))?;
            let b = backend(None).await?;
            let _lock = take_lock(&b, &a.lock).await?;
            let (current, _) = b.load_document().await?;
            let stamp = |d: &Document| Stamp {
                serial: d.serial,
                lineage: d.lineage.clone(),
            };
            rules::check_push(&stamp(&current), &stamp(&incoming), a.force)
                .map_err(|e| session::error("Failed to write state", e.to_string()))?;
            let mut doc = incoming;
            b.persist_document(&mut doc).await?;
            Ok(0)
        }
    }
}

fn move_items(st: &mut State, from: &str, to: &str) -> Result<Vec<String>, Diagnostics> {
    let src: Vec<InstanceAddr> = st
        .instances
        .keys()
        .filter(|a| matches(a, from))
        .cloned()
        .collect();
    if src.is_empty() {
        return Err(session::error(
            "Invalid source address",
            format!("Cannot move {from}: does not match anything in the current state."),
        ));
    }
    let dest = parse_instance(to).map_err(|e| session::error("Invalid target address", e.0))?;
    let whole = parse_instance(from)
        .map(|f| f.key.is_none())
        .unwrap_or(true)
        && dest.key.is_none();
    let mut msgs = Vec::new();
    for s in src {
        let new = InstanceAddr {
            resource: dest.resource.clone(),
            key: if whole {
                s.key.clone()
            } else {
                dest.key.clone()
            },
        };
        if st.instances.contains_key(&new) {
            return Err(session::error("Invalid target address", format!("Cannot move to {new}: there is already a resource instance at that address in the current state.")));
        }
        if let Some(o) = st.instances.remove(&s) {
            st.instances.insert(new.clone(), o);
        }
        msgs.push(format!("Move {:?} to {:?}", s.to_string(), new.to_string()));
    }
    msgs.push(format!("Successfully moved {} object(s).", msgs.len()));
    Ok(msgs)
}

/// The state lock for a state subcommand, unless `-lock=false`.
async fn take_lock(b: &Backend, lock: &LockArgs) -> Result<Option<LockGuard>, Diagnostics> {
    if !lock.enabled() {
        return Ok(None);
    }
    b.lock("OperationTypeInvalid", lock.timeout())
        .await
        .map(Some)
}

async fn mutate(
    path: Option<&Path>,
    lock: &LockArgs,
    schemas: &Schemas,
    dry_run: bool,
    f: impl FnOnce(&mut State) -> Result<Vec<String>, Diagnostics>,
) -> Result<u8, Diagnostics> {
    let b = backend(path).await?;
    let _lock = take_lock(&b, lock).await?;
    let (mut st, _) = b.load(schemas).await?;
    let msgs = f(&mut st)?;
    for m in &msgs {
        println!("{}{m}", if dry_run { "Would " } else { "" });
    }
    if !dry_run {
        b.persist(&mut st, schemas).await?;
    }
    Ok(0)
}

/// `force-unlock LOCK_ID`.
pub async fn force_unlock(a: &ForceUnlockArgs) -> u8 {
    let b = match backend(None).await {
        Ok(b) => b,
        Err(d) => return fail(d),
    };
    match b.force_unlock(&a.lock_id).await {
        Ok(()) => {
            println!("AutoStack state has been successfully unlocked!\n\nThe state has been unlocked, and AutoStack commands should now be able to\nobtain a new lock on the remote state.");
            0
        }
        Err(d) => fail(d),
    }
}
