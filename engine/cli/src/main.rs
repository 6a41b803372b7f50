//! The `autostack` binary: Terraform's command-line interface over the AutoStack engine.

mod alloc;
mod args;
mod backend;
mod commands;
mod config_cost;
mod costing;
mod drift;
mod encryption;
mod meter;
mod migrate;
mod modsource;
mod plan_input;
mod plugins;
mod prices;
mod progress;
mod render;
mod report;
mod session;
mod ui;
mod versions;

use std::process::ExitCode;

/// Deep configurations recurse deeply in the parser and evaluator; run on a big stack.
const STACK_SIZE: usize = 512 * 1024 * 1024;

fn main() -> ExitCode {
    alloc::keep_freed_pages();
    let argv: Vec<String> = std::env::args().collect();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || run(argv));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("autostack: internal error");
            ExitCode::from(1)
        }
    }
}

fn run(argv: Vec<String>) -> u8 {
    let cli = match args::parse(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    if let Some(dir) = &cli.chdir {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("Error handling -chdir option: chdir {dir}: {e}");
            return 1;
        }
    }
    let code = commands::dispatch(cli);
    plugins::stop_unused();
    code
}
