//! Calls of namespaced functions: `core::NAME` (a built-in under its full name) and
//! `provider::NAME::FUNC` (a provider-defined function of the module's scope), with
//! Terraform's diagnostics for names it cannot resolve.

use super::call::CallSite;
use super::{EvalResult, Evaluator};
use crate::diag::{Diagnostic, Diagnostics, Range};
use crate::functions::provider::{self, namespaced, Namespaced};
use crate::syntax::Expr;
use crate::value::{Type, Value};

impl Evaluator<'_> {
    pub(super) fn call_namespaced(
        &mut self,
        name: &str,
        name_range: &Range,
        args: &[Expr],
        expand_final: bool,
        range: &Range,
    ) -> EvalResult {
        let (local, func) = match namespaced(name) {
            Namespaced::Core(f) if !f.contains("::") => {
                return self.call(f, name_range, args, expand_final, range)
            }
            Namespaced::Provider(local, func) => (local, func),
            Namespaced::Core(_) | Namespaced::Invalid(_) => {
                let ns = name.split("::").next().unwrap_or_default();
                let detail = format!("The function namespace {ns:?} is not valid. Provider function calls must use the \"provider::\" namespace prefix.");
                return Err(unknown_provider_function(detail, name_range));
            }
        };
        let scope = self.scope;
        let fns = scope.provider_functions();
        let Some((fns, sig)) =
            fns.and_then(|f| Some((f, f.table.signature(&f.module, local, func)?)))
        else {
            let offered = fns.is_some_and(|f| {
                let prefix = format!("provider::{local}::");
                f.table
                    .names(&f.module)
                    .iter()
                    .any(|n| n.starts_with(&prefix))
            });
            let detail = if offered {
                format!("The function {func:?} is not available from the provider {local:?}.")
            } else {
                format!("There is no function named \"provider::{local}::{func}\". Ensure that provider name {local:?} is declared in this module's required_providers block, and that this provider offers a function named {func:?}.")
            };
            return Err(unknown_provider_function(detail, name_range));
        };
        let Some((vals, arg_ranges)) = self.call_args(args, expand_final, range)? else {
            return Ok(Value::Unknown(Type::Dynamic));
        };
        provider::call(name, &sig, vals, |a| {
            fns.table.call(&fns.module, local, func, a)
        })
        .map_err(|e| {
            let params: Vec<&str> = (sig.params.iter().chain(sig.variadic.iter()))
                .map(|p| p.name.as_str())
                .collect();
            let site = CallSite {
                name,
                name_range,
                range,
                arg_ranges: &arg_ranges,
            };
            site.failed(&params, sig.params.len(), e)
        })
    }
}

fn unknown_provider_function(detail: String, name_range: &Range) -> Diagnostics {
    Diagnostic::error(
        "Unknown provider function",
        detail,
        Some(name_range.clone()),
    )
    .into()
}
