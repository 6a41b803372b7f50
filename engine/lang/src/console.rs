//! `autostack console`: evaluate one line at a time and print values as Terraform does.

use crate::diag::{Diagnostics, Sources};
use crate::eval::{Evaluator, MapScope};
use crate::functions::Functions;
use crate::syntax::{parse_expr, ExprKind};
use crate::value::{format_type, format_value};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The console's state: a scope to resolve references and the function table.
pub struct Console {
    /// Variables, locals and resources visible to expressions.
    pub scope: MapScope,
    /// The function table.
    pub functions: Functions,
    /// Directory relative paths resolve against.
    pub base_dir: PathBuf,
    /// Sources of console lines, for diagnostics.
    pub sources: Sources,
}

impl Console {
    /// A console with an empty scope and the standard functions.
    pub fn new(scope: MapScope, base_dir: PathBuf) -> Console {
        Console {
            scope,
            functions: Functions::standard(),
            base_dir,
            sources: Sources::new(),
        }
    }

    /// Evaluates one line and formats the result; `type(x)` prints the type of x.
    pub fn eval(&self, line: &str) -> Result<String, Diagnostics> {
        let file = self.sources.add("<console-input>", line.to_string());
        let expr = parse_expr(&file)?;
        let mut ev = Evaluator::new(&self.scope, &self.functions, self.base_dir.clone());
        if let ExprKind::Call { name, args, .. } = &expr.kind {
            if name == "type" && args.len() == 1 {
                let v = ev.eval(&args[0])?;
                return Ok(format_type(&v.ty(), 0));
            }
        }
        let v = ev.eval(&expr)?;
        Ok(format_value(&v, 0))
    }
}

/// Evaluates one line in a fresh default console (used by tests).
pub fn eval_line(line: &str) -> Result<String, Diagnostics> {
    static FUNCS: OnceLock<Functions> = OnceLock::new();
    let functions = FUNCS.get_or_init(Functions::standard);
    let sources = Sources::new();
    let file = sources.add("<console-input>", line.to_string());
    let expr = parse_expr(&file)?;
    let scope = MapScope {
        path_module: ".".into(),
        path_root: ".".into(),
        path_cwd: ".".into(),
        workspace: "default".into(),
        ..MapScope::default()
    };
    let mut ev = Evaluator::new(&scope, functions, PathBuf::from("."));
    if let ExprKind::Call { name, args, .. } = &expr.kind {
        if name == "type" && args.len() == 1 {
            return Ok(format_type(&ev.eval(&args[0])?.ty(), 0));
        }
    }
    Ok(format_value(&ev.eval(&expr)?, 0))
}
