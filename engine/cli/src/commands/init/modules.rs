//! The module part of `init` and the `get` command: the working directory's module calls
//! installed into `.terraform/modules` (see `crate::modsource`), with Terraform's progress
//! lines and located errors.

use crate::args::GetArgs;
use crate::modsource;
use crate::ui;
use autostack_lang::config::load_module;
use autostack_lang::diag::Sources;
use autostack_lang::Diagnostics;
use std::path::Path;

/// Installs the modules of the configuration in the working directory. `header` is
/// printed first (`init`'s "Initializing modules..."), and with one nothing is done when
/// the root module calls no module, as in Terraform's init. True when something was printed.
async fn install_here(
    upgrade: bool,
    header: Option<String>,
) -> Result<bool, (Sources, Diagnostics)> {
    let sources = Sources::new();
    let (root, diags) = load_module(Path::new("."), &sources);
    if diags.has_errors() {
        return Err((sources, diags));
    }
    if let Some(h) = header {
        if root.module_calls.is_empty() {
            return Ok(false);
        }
        println!("{h}");
    }
    let installed = modsource::install(&root, upgrade, &sources).await;
    installed.map(|()| true).map_err(|d| (sources, d))
}

/// `init`'s module installation (`-upgrade` re-resolves every module).
pub(super) async fn init_modules(upgrade: bool, color: bool) -> Result<(), (Sources, Diagnostics)> {
    let text = match upgrade {
        true => "Upgrading modules...",
        false => "Initializing modules...",
    };
    let header = match color {
        true => format!("\x1b[1m{text}\x1b[0m"),
        false => text.to_string(),
    };
    if install_here(upgrade, Some(header)).await? {
        println!();
    }
    Ok(())
}

/// `autostack get [-update]`.
pub async fn get(a: &GetArgs) -> u8 {
    match install_here(a.update, None).await {
        Ok(_) => 0,
        Err((sources, diags)) => {
            ui::print_diags(&diags, &sources, ui::color_stderr(a.no_color));
            1
        }
    }
}
