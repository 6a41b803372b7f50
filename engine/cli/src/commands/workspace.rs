//! `autostack workspace new|select|list|show|delete`, on whatever backend is configured, in
//! Terraform's words. The selected workspace is kept in `.terraform/environment`
//! (`TF_WORKSPACE` overrides it).

use crate::args::{WorkspaceCmd, WorkspaceDeleteArgs, WorkspaceNewArgs, WorkspaceSelectArgs};
use crate::backend::{settings, Backend};
use crate::session;
use crate::ui;
use autostack_lang::Diagnostics;
use autostack_state::codec;
use autostack_state::seams::DEFAULT_WORKSPACE;
use std::path::PathBuf;

/// Runs a workspace subcommand.
pub async fn run(cmd: &WorkspaceCmd) -> u8 {
    let outcome = match cmd {
        WorkspaceCmd::Show => {
            println!("{}", settings::current_workspace());
            Ok(0)
        }
        WorkspaceCmd::List(_) => list().await,
        WorkspaceCmd::New(a) => new(a).await,
        WorkspaceCmd::Select(a) => select(a).await,
        WorkspaceCmd::Delete(a) => delete(a).await,
    };
    outcome.unwrap_or_else(|d| {
        ui::print_diags(&d, &Default::default(), ui::color_stderr(false));
        1
    })
}

async fn backend() -> Result<Backend, Diagnostics> {
    let module = session::load_config(&PathBuf::from("."))
        .map(|l| l.tree.module)
        .unwrap_or_default();
    Backend::from_config(&module, None).await
}

fn overridden() -> bool {
    std::env::var("TF_WORKSPACE").is_ok_and(|w| !w.is_empty())
}

async fn list() -> Result<u8, Diagnostics> {
    let b = backend().await?;
    let current = settings::current_workspace();
    let mut out = String::new();
    for name in b.workspaces().await? {
        let mark = if name == current { "* " } else { "  " };
        out.push_str(&format!("{mark}{name}\n"));
    }
    println!("{out}");
    if overridden() {
        println!("\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.");
    }
    Ok(0)
}

async fn new(a: &WorkspaceNewArgs) -> Result<u8, Diagnostics> {
    if overridden() && std::env::var("TF_WORKSPACE").as_deref() != Ok(a.name.as_str()) {
        return Err(session::error("Workspace is overridden", "The workspace is currently overridden using the TF_WORKSPACE environment\nvariable. You cannot create a new workspace when using this setting.\n\nTo create a new workspace, either unset this environment variable or update it\nto match the workspace name you are trying to create, and then run this command\nagain."));
    }
    autostack_state::local::check_workspace_name(&a.name)
        .map_err(|e| session::error("Invalid workspace name", e.to_string()))?;
    let b = backend().await?;
    if b.workspaces().await?.contains(&a.name) {
        return Err(session::error(
            &format!("Workspace {:?} already exists", a.name),
            "",
        ));
    }
    let ws = b.on_workspace(&a.name);
    let _lock = if a.lock.enabled() {
        Some(ws.lock("OperationTypeInvalid", a.lock.timeout()).await?)
    } else {
        None
    };
    ws.create_workspace().await?;
    if let Some(path) = &a.state {
        // `-state=PATH`: the new workspace starts from a copy of that state.
        let text = std::fs::read(path).map_err(|e| {
            session::error(
                "Failed to read state file",
                format!("{}: {e}", path.display()),
            )
        })?;
        let mut doc = codec::decode(&text)
            .map_err(|e| session::error("Invalid state file", e.to_string()))?;
        ws.load_document().await?;
        ws.persist_document(&mut doc).await?;
    }
    settings::select_workspace(&a.name)?;
    println!("\nCreated and switched to workspace {:?}!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"autostack plan\" AutoStack will not see any existing state\nfor this configuration.", a.name);
    Ok(0)
}

async fn select(a: &WorkspaceSelectArgs) -> Result<u8, Diagnostics> {
    if overridden() {
        return Err(session::error("Workspace is overridden", "The selected workspace is currently overridden using the TF_WORKSPACE\nenvironment variable.\n\nTo select a new workspace, either update this environment variable or unset\nit and then run this command again."));
    }
    let b = backend().await?;
    if !b.workspaces().await?.contains(&a.name) {
        if a.or_create.unwrap_or(false) {
            let create = WorkspaceNewArgs {
                lock: Default::default(),
                state: None,
                name: a.name.clone(),
            };
            return new(&create).await;
        }
        return Err(session::error(&format!("Workspace {:?} doesn't exist.", a.name), "You can create this workspace with the \"new\" subcommand \nor include the \"-or-create\" flag with the \"select\" subcommand."));
    }
    settings::select_workspace(&a.name)?;
    println!("Switched to workspace {:?}.", a.name);
    Ok(0)
}

async fn delete(a: &WorkspaceDeleteArgs) -> Result<u8, Diagnostics> {
    let b = backend().await?;
    if !b.workspaces().await?.contains(&a.name) {
        return Err(session::error(&format!("Workspace {:?} doesn't exist.", a.name), "You can create this workspace with the \"new\" subcommand \nor include the \"-or-create\" flag with the \"select\" subcommand."));
    }
    if a.name == settings::current_workspace() {
        return Err(session::error(&format!("Workspace {:?} is your active workspace.", a.name), "You cannot delete the currently active workspace. Please switch\nto another workspace and try again."));
    }
    if a.name == DEFAULT_WORKSPACE {
        return Err(session::error("Cannot delete the default workspace", ""));
    }
    let ws = b.on_workspace(&a.name);
    let lock = if a.lock.enabled() {
        Some(ws.lock("OperationTypeInvalid", a.lock.timeout()).await?)
    } else {
        None
    };
    let addrs = ws.load_addresses().await?;
    if !addrs.is_empty() && !a.force {
        let list: String = addrs.iter().map(|x| format!("\n  - {x}")).collect();
        return Err(session::error("Workspace is not empty", format!("Workspace {:?} is currently tracking the following resource instances:{list}\n\nDeleting this workspace would cause AutoStack to lose track of any associated remote objects, which would then require you to delete them manually outside of AutoStack. You should destroy these objects with AutoStack before deleting the workspace.\n\nIf you want to delete this workspace anyway, and have AutoStack forget about these managed objects, use the -force option to disable this safety check.", a.name)));
    }
    // The lock lives with the workspace; give it back before the workspace goes.
    if let Some(l) = lock {
        let _ = l.release().await;
    }
    b.delete_workspace(&a.name).await?;
    println!("Deleted workspace {:?}!", a.name);
    if !addrs.is_empty() {
        println!("WARNING: {:?} was non-empty.\nThe resources managed by the deleted workspace may still exist,\nbut are no longer manageable by AutoStack since the state has\nbeen deleted.", a.name);
    }
    Ok(0)
}
