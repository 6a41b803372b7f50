//! Function calls, including the special forms `try` and `can` that see unevaluated arguments.

use super::{EvalResult, Evaluator};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Range};
use crate::functions::CallError;
use crate::syntax::Expr;
use crate::value::{Type, Value};

impl Evaluator<'_> {
    pub(super) fn call(
        &mut self,
        name: &str,
        name_range: &Range,
        args: &[Expr],
        expand_final: bool,
        range: &Range,
    ) -> EvalResult {
        match name {
            "try" => return self.call_try(args, range),
            "can" => return self.call_can(args, range),
            // The console prints `type(x)` itself; anywhere inside an expression Terraform
            // rejects it, and outside the console there is no such function.
            "type" if self.console => {
                return Err(Diagnostic::error(
                    "Invalid use of type function",
                    "The console-only \"type\" function cannot be used as part of an expression.",
                    Some(range.clone()),
                )
                .into())
            }
            _ => {}
        }
        let functions = self.ctx.functions;
        let Some(f) = functions.get(name) else {
            let hint = did_you_mean(name, functions.names());
            return Err(Diagnostic::error(
                "Call to unknown function",
                format!("There is no function named {name:?}.{hint}"),
                Some(name_range.clone()),
            )
            .into());
        };
        let mut vals = self.eval_all(args)?;
        let mut arg_ranges: Vec<&Range> = args.iter().map(|a| &a.range).collect();
        if expand_final {
            let last = vals.pop().unwrap_or_else(Value::null);
            let last_range = arg_ranges.pop().unwrap_or(range);
            match last.unmarked() {
                Value::List(_, xs) | Value::Set(_, xs) | Value::Tuple(xs) => {
                    let m = last.marks();
                    vals.extend(xs.iter().map(|x| x.clone().mark(m)));
                    arg_ranges.extend(std::iter::repeat_n(last_range, xs.len()));
                }
                Value::Unknown(_) => return Ok(Value::Unknown(Type::Dynamic)),
                _ => {
                    return Err(Diagnostic::error("Invalid expanding argument value", "The expanding argument (indicated by ...) must be of a tuple, list, or set type.", Some(last_range.clone())).into());
                }
            }
        }
        functions.call(&self.ctx, name, vals).map_err(|e| {
            let params = f
                .params
                .iter()
                .chain(f.variadic.iter())
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", ");
            let while_calling = vec![("while calling".to_string(), format!("{name}({params})"))];
            let (summary, detail, subject) = match e {
                CallError::Unknown => (
                    "Call to unknown function",
                    format!("There is no function named {name:?}."),
                    name_range.clone(),
                ),
                CallError::NotEnough(d) => ("Not enough function arguments", d, range.clone()),
                CallError::TooMany(d) => {
                    let extra = arg_ranges
                        .get(f.params.len())
                        .map_or(range.clone(), |r| (*r).clone());
                    ("Too many function arguments", d, extra)
                }
                CallError::Arg(i, d) => (
                    "Invalid function argument",
                    d,
                    arg_ranges.get(i).map_or(range.clone(), |r| (*r).clone()),
                ),
                CallError::Failed(d) => ("Error in function call", d, range.clone()),
            };
            let mut diag = Diagnostic::error(summary, detail, Some(subject));
            diag.context = Some(range.clone());
            diag.expression_values = while_calling;
            Diagnostics::from(diag)
        })
    }

    fn call_try(&mut self, args: &[Expr], range: &Range) -> EvalResult {
        if args.is_empty() {
            return Err(Diagnostic::error(
                "Not enough function arguments",
                "Function \"try\" expects at least one argument.",
                Some(range.clone()),
            )
            .into());
        }
        let mut failures = Vec::new();
        for a in args {
            match self.eval(a) {
                Ok(v) if !v.is_wholly_known() => return Ok(Value::Unknown(v.ty())),
                Ok(v) => return Ok(v),
                Err(d) => failures.push(d),
            }
        }
        let mut detail =
            String::from("Call to function \"try\" failed: no expression succeeded:\n");
        for d in failures.iter().flat_map(|d| d.iter()) {
            let at = d
                .subject
                .as_ref()
                .map(|r| {
                    format!(
                        " (at {}:{},{}-{})",
                        r.filename, r.start.line, r.start.column, r.end.column
                    )
                })
                .unwrap_or_default();
            detail.push_str(&format!("- {}{at}\n  {}\n", d.summary, d.detail));
        }
        detail.push_str("\nAt least one expression must produce a successful result.");
        Err(Diagnostic::error("Error in function call", detail, Some(range.clone())).into())
    }

    fn call_can(&mut self, args: &[Expr], range: &Range) -> EvalResult {
        if args.len() != 1 {
            let s = if args.is_empty() {
                "Not enough function arguments"
            } else {
                "Too many function arguments"
            };
            return Err(Diagnostic::error(
                s,
                "Function \"can\" expects 1 argument(s).",
                Some(range.clone()),
            )
            .into());
        }
        Ok(match self.eval(&args[0]) {
            Ok(v) if !v.is_wholly_known() => Value::Unknown(Type::Bool),
            Ok(_) => Value::Bool(true),
            Err(_) => Value::Bool(false),
        })
    }
}
