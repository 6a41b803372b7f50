//! cty's calling convention, shared by the built-in functions and the provider-defined ones:
//! arity, then per argument the marks taken off (unless the parameter takes marked values),
//! the null check, the conversion to the parameter's type and the unknown short-circuit.

use super::CallError;
use crate::value::{convert, Marks, Type, Value};

/// What the convention needs of one parameter.
pub(crate) struct ParamSpec<'a> {
    /// Its name, for messages.
    pub name: &'a str,
    /// The type arguments are converted to.
    pub ty: &'a Type,
    /// Null arguments are accepted.
    pub allow_null: bool,
    /// Unknown arguments reach the implementation (else the result is unknown).
    pub allow_unknown: bool,
    /// Marked arguments reach the implementation as they are.
    pub allow_marked: bool,
}

/// Arguments ready for an implementation.
pub(crate) struct Prepared {
    /// Converted (and unmarked unless allowed).
    pub args: Vec<Value>,
    /// The marks taken off, for the result.
    pub marks: Marks,
    /// An argument is unknown where its parameter does not take unknowns: the result is an
    /// unknown of the return type, without calling the implementation.
    pub short_circuit: bool,
}

/// Checks the number of arguments against `fixed` parameters (plus a variadic one).
pub(crate) fn check_arity(
    name: &str,
    fixed: &[&str],
    variadic: bool,
    n: usize,
) -> Result<(), CallError> {
    if let Some(missing) = fixed.get(n) {
        let detail = format!(
            "Function {name:?} expects {} argument(s). Missing value for {missing:?}.",
            fixed.len(),
        );
        return Err(CallError::NotEnough(detail));
    }
    if n > fixed.len() && !variadic {
        return Err(CallError::TooMany(format!(
            "Function {name:?} expects only {} argument(s).",
            fixed.len()
        )));
    }
    Ok(())
}

/// Applies the convention to `args`; `spec(i)` is argument `i`'s parameter (arity checked).
pub(crate) fn prepare<'a>(
    args: Vec<Value>,
    spec: impl Fn(usize) -> Option<ParamSpec<'a>>,
) -> Result<Prepared, CallError> {
    let mut marks = Marks::NONE;
    let mut converted = Vec::with_capacity(args.len());
    let mut short_circuit = false;
    for (i, arg) in args.into_iter().enumerate() {
        let Some(p) = spec(i) else {
            return Err(CallError::TooMany(format!("Too many arguments ({i}).")));
        };
        let arg = if p.allow_marked {
            arg
        } else {
            let (v, m) = arg.unmark_deep();
            marks = marks.union(m);
            v
        };
        if arg.is_null() && !p.allow_null {
            return Err(CallError::Arg(
                i,
                format!(
                    "Invalid value for {:?} parameter: argument must not be null.",
                    p.name
                ),
            ));
        }
        let arg = convert(&arg, p.ty).map_err(|e| {
            CallError::Arg(i, format!("Invalid value for {:?} parameter: {e}.", p.name))
        })?;
        if !p.allow_unknown && !arg.is_wholly_known() {
            short_circuit = true;
        }
        converted.push(arg);
    }
    Ok(Prepared {
        args: converted,
        marks,
        short_circuit,
    })
}
