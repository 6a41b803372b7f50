//! Terraform's built-in function library and the calling convention all functions share.
//!
//! A function declares its parameters (type, and whether it accepts null, unknown or marked
//! arguments) and a return type. [`Functions::call`] does what cty's function machinery does
//! before the implementation runs: arity checks, type conversion of each argument, the
//! unknown short-circuit (an unknown argument gives an unknown result of the return type) and
//! mark propagation (marks of arguments move to the result).

mod collection;
pub(crate) mod convention;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod gofmt;
mod gomath;
mod ipnet;
mod numeric;
pub mod provider;
mod re2;
mod regex_fns;
mod string;
mod string_format;
pub mod terraform_provider;
mod typeconv;
mod yaml;

use crate::value::{Type, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// One declared parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name used in error messages (`Invalid value for "str" parameter`).
    pub name: &'static str,
    /// Type the argument is converted to (`Type::Dynamic` accepts anything as is).
    pub ty: Type,
    /// Accept null arguments (otherwise: "argument must not be null").
    pub allow_null: bool,
    /// Pass (partially) unknown arguments to the implementation instead of short-circuiting.
    pub allow_unknown: bool,
    /// Pass marked arguments as they are (otherwise marks are stripped and put on the result).
    pub allow_marked: bool,
}

impl Param {
    /// A plain parameter of type `ty`.
    pub const fn new(name: &'static str, ty: Type) -> Param {
        Param {
            name,
            ty,
            allow_null: false,
            allow_unknown: false,
            allow_marked: false,
        }
    }

    /// Accepts null.
    pub const fn nullable(mut self) -> Param {
        self.allow_null = true;
        self
    }

    /// Accepts unknown values.
    pub const fn unknowns(mut self) -> Param {
        self.allow_unknown = true;
        self
    }

    /// Accepts marked values.
    pub const fn marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }

    fn spec(&self) -> convention::ParamSpec<'_> {
        convention::ParamSpec {
            name: self.name,
            ty: &self.ty,
            allow_null: self.allow_null,
            allow_unknown: self.allow_unknown,
            allow_marked: self.allow_marked,
        }
    }
}

/// How a function's return type is found (needed for the unknown result of unknown inputs).
#[derive(Clone, Copy)]
pub enum Ret {
    /// Always this type.
    Fixed(fn() -> Type),
    /// Computed from the (converted) arguments, which may be unknown.
    Computed(fn(&[Value]) -> Type),
}

/// A failure inside a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FnError {
    /// The 0-based argument the failure is about, if any.
    pub arg: Option<usize>,
    /// The message, without trailing period.
    pub message: String,
}

impl FnError {
    /// An error about the call as a whole.
    pub fn new(message: impl Into<String>) -> FnError {
        FnError {
            arg: None,
            message: message.into(),
        }
    }

    /// An error about argument `i`.
    pub fn arg(i: usize, message: impl Into<String>) -> FnError {
        FnError {
            arg: Some(i),
            message: message.into(),
        }
    }
}

/// The result type of every implementation.
pub type FnResult = Result<Value, FnError>;

/// What an implementation can see besides its arguments.
pub struct CallCtx<'a> {
    /// Directory that relative paths (`file("x")`) are resolved against: the working directory.
    pub base_dir: PathBuf,
    /// The function table, for `templatefile`.
    pub functions: &'a Functions,
    /// When true, impure functions (`timestamp`, `uuid`, `bcrypt`) return unknown values, as
    /// during plan.
    pub plan_mode: bool,
}

/// One function: signature and implementation.
#[derive(Clone)]
pub struct Function {
    /// Fixed parameters.
    pub params: Vec<Param>,
    /// The variadic tail, if any.
    pub variadic: Option<Param>,
    /// The return type.
    pub ret: Ret,
    /// The implementation, called with converted, known (unless allowed) and unmarked (unless
    /// allowed) arguments.
    pub imp: fn(&CallCtx<'_>, &[Value]) -> FnResult,
}

impl Function {
    /// A function with fixed parameters.
    pub fn new(
        params: Vec<Param>,
        ret: Ret,
        imp: fn(&CallCtx<'_>, &[Value]) -> FnResult,
    ) -> Function {
        Function {
            params,
            variadic: None,
            ret,
            imp,
        }
    }

    /// Adds a variadic parameter.
    pub fn variadic(mut self, p: Param) -> Function {
        self.variadic = Some(p);
        self
    }

    fn param(&self, i: usize) -> Option<&Param> {
        self.params.get(i).or(self.variadic.as_ref())
    }
}

/// A failure from [`Functions::call`], mapped to Terraform's diagnostics by the evaluator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No such function.
    Unknown,
    /// Too few arguments: the detail message.
    NotEnough(String),
    /// Too many arguments: the detail message.
    TooMany(String),
    /// An argument was invalid: its index and Terraform's detail message.
    Arg(usize, String),
    /// The call failed as a whole: the detail message.
    Failed(String),
}

/// The function table.
#[derive(Clone, Default)]
pub struct Functions {
    map: HashMap<&'static str, Function>,
}

impl Functions {
    /// All of Terraform's built-in functions that AutoStack implements.
    pub fn standard() -> Functions {
        let mut f = Functions::default();
        collection::register(&mut f);
        crypto::register(&mut f);
        datetime::register(&mut f);
        encoding::register(&mut f);
        filesystem::register(&mut f);
        ipnet::register(&mut f);
        numeric::register(&mut f);
        string::register(&mut f);
        typeconv::register(&mut f);
        yaml::register(&mut f);
        f
    }

    /// Adds or replaces a function.
    pub fn add(&mut self, name: &'static str, f: Function) {
        self.map.insert(name, f);
    }

    /// Removes a function (templatefile hides itself from templates).
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// Looks a function up.
    pub fn get(&self, name: &str) -> Option<&Function> {
        self.map.get(name)
    }

    /// The names of all functions, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.map.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// Calls `name` with `args` following cty's calling convention.
    pub fn call(
        &self,
        ctx: &CallCtx<'_>,
        name: &str,
        args: Vec<Value>,
    ) -> Result<Value, CallError> {
        let f = self.get(name).ok_or(CallError::Unknown)?;
        let fixed: Vec<&str> = f.params.iter().map(|p| p.name).collect();
        convention::check_arity(name, &fixed, f.variadic.is_some(), args.len())?;
        let spec = |i: usize| f.param(i).map(Param::spec);
        let p = convention::prepare(args, spec)?;
        let result = if p.short_circuit {
            Value::Unknown(match f.ret {
                Ret::Fixed(t) => t(),
                Ret::Computed(t) => t(&p.args),
            })
        } else {
            (f.imp)(ctx, &p.args).map_err(|e| match e.arg {
                Some(i) => CallError::Arg(
                    i,
                    format!(
                        "Invalid value for {:?} parameter: {}.",
                        f.param(i).map_or("", |p| p.name),
                        e.message
                    ),
                ),
                None => {
                    CallError::Failed(format!("Call to function {name:?} failed: {}.", e.message))
                }
            })?
        };
        Ok(result.mark(p.marks))
    }
}

/// `Ret::Fixed` helpers, so signatures read as `ret(string)`.
pub(crate) mod rt {
    use crate::value::Type;
    /// string.
    pub fn string() -> Type {
        Type::String
    }
    /// number.
    pub fn number() -> Type {
        Type::Number
    }
    /// bool.
    pub fn bool() -> Type {
        Type::Bool
    }
    /// dynamic.
    pub fn dynamic() -> Type {
        Type::Dynamic
    }
    /// list(string).
    pub fn list_string() -> Type {
        Type::list(Type::String)
    }
}

/// Shorthand for a known string argument.
pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod misc_tests;

#[cfg(test)]
mod provider_tests;

#[cfg(test)]
mod fs_tests;
