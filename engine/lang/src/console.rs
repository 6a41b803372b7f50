//! `autostack console`: evaluate one line at a time and print values as Terraform does.

use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::eval::{Evaluator, MapScope};
use crate::functions::Functions;
use crate::syntax::{parse_expr, Expr, ExprKind};
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
        let ev = Evaluator::new(&self.scope, &self.functions, self.base_dir.clone());
        eval_and_format(ev.console_mode(true), &expr)
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
    let ev = Evaluator::new(&scope, functions, PathBuf::from("."));
    eval_and_format(ev.console_mode(true), &expr)
}

/// The console's printing: a value as Terraform formats it, or for `type(x)` (parentheses
/// around it allowed) the type of x; `type(type(x))` is Terraform's capsule type, "type".
fn eval_and_format(mut ev: Evaluator<'_>, expr: &Expr) -> Result<String, Diagnostics> {
    let Some(args) = type_call(expr) else {
        return Ok(format_value(&ev.eval(expr)?, 0));
    };
    let arg = match args {
        [arg] => arg,
        [] => {
            return Err(type_arity(
                "Not enough function arguments",
                "Function \"type\" expects 1 argument(s). Missing value for \"value\".",
                expr,
            ))
        }
        _ => {
            return Err(type_arity(
                "Too many function arguments",
                "Function \"type\" expects only 1 argument(s).",
                expr,
            ))
        }
    };
    if let Some([inner]) = type_call(arg) {
        ev.eval(inner)?;
        return Ok("type".into());
    }
    Ok(format_type(&ev.eval(arg)?.ty(), 0))
}

/// The arguments of a `type(...)` call, looking through parentheses.
fn type_call(e: &Expr) -> Option<&[Expr]> {
    match &e.kind {
        ExprKind::Parens(inner) => type_call(inner),
        ExprKind::Call { name, args, .. } if name == "type" => Some(args),
        _ => None,
    }
}

fn type_arity(summary: &str, detail: &str, e: &Expr) -> Diagnostics {
    Diagnostic::error(summary, detail, Some(e.range.clone())).into()
}
