//! Provider-defined functions (`provider::NAME::FUNC(...)`, Terraform 1.8): NAME is a local
//! name of the calling module's `required_providers`, FUNC one of the functions that provider
//! declares. The engine supplies them through [`ProviderFunctions`] (the language knows no
//! providers); calls follow the built-ins' convention, so unknown arguments give an unknown
//! result of the declared return type without calling the provider, and the sensitive marks
//! of the arguments end up on the result.

use super::convention::{check_arity, prepare, ParamSpec};
use super::CallError;
use crate::value::Value;
pub use autostack_value::function::{FunctionError, FunctionParam, FunctionSignature};
use std::sync::Arc;

/// The provider-defined functions of a configuration, per module.
pub trait ProviderFunctions: Send + Sync {
    /// The signature of `func` of the provider `local` names in module `module`; `None`
    /// when that provider is not required there or has no such function.
    fn signature(&self, module: &[String], local: &str, func: &str) -> Option<FunctionSignature>;

    /// Calls it with arguments converted to its parameter types (see [`call`]).
    fn call(
        &self,
        module: &[String],
        local: &str,
        func: &str,
        args: &[Value],
    ) -> Result<Value, FunctionError>;

    /// Every function callable in `module`, as `provider::NAME::FUNC`.
    fn names(&self, module: &[String]) -> Vec<String>;
}

/// A [`ProviderFunctions`] bound to one module: what a scope offers its expressions.
#[derive(Clone)]
pub struct ModuleFunctions {
    /// The configuration's functions.
    pub table: Arc<dyn ProviderFunctions>,
    /// The module's static path (empty for the root module).
    pub module: Vec<String>,
}

impl std::fmt::Debug for ModuleFunctions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ModuleFunctions({:?})", self.module)
    }
}

/// Calls `provider::local::func` (`full` is that name, for messages) declared as `sig`:
/// arity, conversion and the unknown short-circuit as for built-ins, then `imp`.
pub fn call(
    full: &str,
    sig: &FunctionSignature,
    args: Vec<Value>,
    imp: impl FnOnce(&[Value]) -> Result<Value, FunctionError>,
) -> Result<Value, CallError> {
    let fixed: Vec<&str> = sig.params.iter().map(|p| p.name.as_str()).collect();
    check_arity(full, &fixed, sig.variadic.is_some(), args.len())?;
    let spec = |i: usize| {
        sig.param(i).map(|p| ParamSpec {
            name: &p.name,
            ty: &p.ty,
            allow_null: p.allow_null,
            allow_unknown: p.allow_unknown,
            allow_marked: false,
        })
    };
    let p = prepare(args, spec)?;
    if p.short_circuit {
        return Ok(Value::Unknown(sig.ret.clone()).mark(p.marks));
    }
    let result = imp(&p.args).map_err(|e| match e.arg {
        Some(i) => CallError::Arg(
            i,
            format!(
                "Invalid value for {:?} parameter: {}.",
                sig.param(i).map_or("", |p| p.name.as_str()),
                e.text
            ),
        ),
        None => CallError::Failed(format!("Call to function {full:?} failed: {}.", e.text)),
    })?;
    Ok(result.mark(p.marks))
}

/// What a namespaced name is: `core::NAME` (a built-in), `provider::NAME::FUNC`, or a
/// namespace Terraform does not have.
#[derive(Debug, PartialEq, Eq)]
pub enum Namespaced<'a> {
    /// A built-in function called by its `core::` name.
    Core(&'a str),
    /// A provider's function: the provider's local name and the function's name.
    Provider(&'a str, &'a str),
    /// Anything else: the first namespace part.
    Invalid(&'a str),
}

/// Splits a called name that contains `::`.
pub fn namespaced(name: &str) -> Namespaced<'_> {
    let parts: Vec<&str> = name.split("::").collect();
    match parts.as_slice() {
        ["core", f] => Namespaced::Core(f),
        ["provider", p, f] => Namespaced::Provider(p, f),
        [first, ..] => Namespaced::Invalid(first),
        [] => Namespaced::Invalid(""),
    }
}
