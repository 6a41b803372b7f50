//! `autostack console`: evaluate expressions against the configuration's variables and locals.

use crate::args::ConsoleArgs;
use crate::ui;
use autostack_core::functions::ConfigFunctions;
use autostack_lang::config::{load_module, validate::locals_order, ModuleTree};
use autostack_lang::console::Console;
use autostack_lang::diag::Sources;
use autostack_lang::eval::{Evaluator, MapScope};
use autostack_lang::functions::Functions;
use autostack_lang::value::{Type, Value};
use autostack_lang::vars::{input_values, CliVar};
use autostack_lang::Diagnostics;
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// Reads expressions (one per line) and prints their values as Terraform's console does.
pub fn run(a: &ConsoleArgs) -> u8 {
    let color = ui::color_stderr(a.no_color);
    let dir = PathBuf::from(".");
    let sources = Sources::new();
    let functions = Functions::standard();
    let scope = match build_scope(a, &dir, &sources, &functions) {
        Ok(s) => s,
        Err(d) => {
            ui::print_diags(&d, &sources, color);
            return 1;
        }
    };
    let mut console = Console::new(scope, dir);
    console.sources = sources;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut failed = false;
    let mut out = std::io::stdout();
    loop {
        if interactive {
            let _ = write!(out, "> ");
            let _ = out.flush();
        }
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if interactive && matches!(line.trim(), "exit" | "quit") {
            break;
        }
        match console.eval(line) {
            Ok(s) => {
                let _ = writeln!(out, "{s}");
            }
            Err(d) => {
                failed = true;
                ui::print_diags(&d, &console.sources, color);
            }
        }
    }
    u8::from(failed && !interactive)
}

/// Scope with the root module's variables and locals (resources need state: not here).
fn build_scope(
    a: &ConsoleArgs,
    dir: &std::path::Path,
    sources: &Sources,
    functions: &Functions,
) -> Result<MapScope, Diagnostics> {
    let (module, diags) = load_module(dir, sources);
    if diags.has_errors() {
        return Err(diags);
    }
    // Provider-defined functions through unconfigured providers, as in Terraform's console.
    let tree = Arc::new(ModuleTree {
        module: Arc::new(module),
        children: Default::default(),
    });
    let provided = Arc::new(ConfigFunctions::new(
        tree.clone(),
        Arc::new(crate::session::Builtins),
    ));
    let module = &tree.module;
    let mut cli: Vec<CliVar> = a.vars.vars.iter().cloned().map(CliVar::Var).collect();
    cli.extend(a.vars.var_files.iter().cloned().map(CliVar::File));
    let env: Vec<(String, String)> = std::env::vars().collect();
    let (vars, diags) = input_values(module, dir, &cli, &env, sources, functions);
    if diags.has_errors() {
        return Err(diags);
    }
    let cwd = std::env::current_dir()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut scope = MapScope {
        vars: Arc::new(vars),
        resources: Arc::new(
            module
                .resources
                .keys()
                .map(|k| (k.clone(), Value::Unknown(Type::Dynamic)))
                .collect(),
        ),
        path_module: ".".into(),
        path_root: ".".into(),
        path_cwd: cwd,
        workspace: std::env::var("TF_WORKSPACE").unwrap_or_else(|_| "default".into()),
        provider_functions: Some(provided.for_module(&[])),
        ..MapScope::default()
    };
    let order = locals_order(module).map_err(Diagnostics::from)?;
    scope.locals = Arc::new(HashMap::with_capacity(order.len()));
    for name in order {
        let v = Evaluator::new(&scope, functions, dir.to_path_buf())
            .eval(&module.locals[&name].expr)
            .unwrap_or(Value::Unknown(Type::Dynamic));
        Arc::make_mut(&mut scope.locals).insert(name, v);
    }
    Ok(scope)
}
