//! Function calls, including the special forms `try` and `can` that see unevaluated arguments.

use super::{EvalResult, Evaluator};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Range};
use crate::functions::CallError;
use crate::syntax::Expr;
use crate::value::{Type, Value};

/// A call's argument values and the range of each.
pub(super) type CallArgs<'e> = (Vec<Value>, Vec<&'e Range>);

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
        if name.contains("::") {
            return self.call_namespaced(name, name_range, args, expand_final, range);
        }
        let functions = self.ctx.functions;
        let Some(f) = functions.get(name) else {
            return Err(self.unknown_function(name, name_range));
        };
        let Some((vals, arg_ranges)) = self.call_args(args, expand_final, range)? else {
            return Ok(Value::Unknown(Type::Dynamic));
        };
        functions.call(&self.ctx, name, vals).map_err(|e| {
            let params: Vec<&str> = f
                .params
                .iter()
                .chain(f.variadic.iter())
                .map(|p| p.name)
                .collect();
            let site = CallSite {
                name,
                name_range,
                range,
                arg_ranges: &arg_ranges,
            };
            site.failed(&params, f.params.len(), e)
        })
    }

    /// "Call to unknown function", with Terraform's hints: a close built-in name, or a
    /// provider function of the same name.
    pub(super) fn unknown_function(&self, name: &str, name_range: &Range) -> Diagnostics {
        let hint = did_you_mean(name, self.ctx.functions.names());
        let mut detail = format!("There is no function named {name:?}.{hint}");
        let provided = self.scope.provider_functions();
        let suffix = format!("::{name}");
        if let Some(full) = provided
            .map(|p| p.table.names(&p.module))
            .and_then(|names| names.into_iter().find(|n| n.ends_with(&suffix)))
        {
            detail.push_str(&format!(" Did you mean {full:?}?"));
        }
        Diagnostic::error("Call to unknown function", detail, Some(name_range.clone())).into()
    }

    /// The arguments of a call, the last one expanded for `f(xs...)`, with their ranges;
    /// `None` when the expanded argument is unknown (so is the result).
    pub(super) fn call_args<'e>(
        &mut self,
        args: &'e [Expr],
        expand_final: bool,
        range: &'e Range,
    ) -> Result<Option<CallArgs<'e>>, Diagnostics> {
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
                Value::Unknown(_) => return Ok(None),
                _ => {
                    return Err(Diagnostic::error("Invalid expanding argument value", "The expanding argument (indicated by ...) must be of a tuple, list, or set type.", Some(last_range.clone())).into());
                }
            }
        }
        Ok(Some((vals, arg_ranges)))
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

/// Where a call is written, for its diagnostics.
pub(super) struct CallSite<'a> {
    /// The called name.
    pub name: &'a str,
    /// Where the name is.
    pub name_range: &'a Range,
    /// The whole call.
    pub range: &'a Range,
    /// Each argument's range (an expanded argument's for each of its elements).
    pub arg_ranges: &'a [&'a Range],
}

impl CallSite<'_> {
    /// Terraform's diagnostic for a failed call of a function with parameters `params`
    /// (the first `fixed` of them fixed, then the variadic one).
    pub(super) fn failed(&self, params: &[&str], fixed: usize, e: CallError) -> Diagnostics {
        let (name, range) = (self.name, self.range);
        let arg_range = |i: usize| {
            self.arg_ranges
                .get(i)
                .map_or(range.clone(), |r| (*r).clone())
        };
        let (summary, detail, subject) = match e {
            CallError::Unknown => (
                "Call to unknown function",
                format!("There is no function named {name:?}."),
                self.name_range.clone(),
            ),
            CallError::NotEnough(d) => ("Not enough function arguments", d, range.clone()),
            CallError::TooMany(d) => ("Too many function arguments", d, arg_range(fixed)),
            CallError::Arg(i, d) => ("Invalid function argument", d, arg_range(i)),
            CallError::Failed(d) => ("Error in function call", d, range.clone()),
        };
        let mut diag = Diagnostic::error(summary, detail, Some(subject));
        diag.context = Some(range.clone());
        diag.expression_values = vec![(
            "while calling".to_string(),
            format!("{name}({})", params.join(", ")),
        )];
        Diagnostics::from(diag)
    }
}
