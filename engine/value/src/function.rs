//! Provider-defined functions (Terraform 1.8's `provider::NAME::FUNC(...)`): the signature a
//! provider declares and the error a call returns. Shared by the providers that serve them
//! and the language front end that calls them, neither of which knows the other.

use crate::Type;

/// One parameter of a provider-defined function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionParam {
    /// The name error messages use (`Invalid value for "n" parameter`).
    pub name: String,
    /// The type arguments are converted to (`Type::Dynamic` takes anything).
    pub ty: Type,
    /// Null arguments are passed on (otherwise they are an error).
    pub allow_null: bool,
    /// Unknown arguments are passed on (otherwise the result is unknown).
    pub allow_unknown: bool,
}

impl FunctionParam {
    /// A parameter of type `ty` that takes neither nulls nor unknowns.
    pub fn new(name: impl Into<String>, ty: Type) -> FunctionParam {
        FunctionParam {
            name: name.into(),
            ty,
            allow_null: false,
            allow_unknown: false,
        }
    }
}

/// A provider-defined function's signature.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSignature {
    /// The fixed parameters.
    pub params: Vec<FunctionParam>,
    /// The variadic tail, if any.
    pub variadic: Option<FunctionParam>,
    /// The type of the result (of the unknown result too, when an argument is unknown).
    pub ret: Type,
    /// One line on what it does.
    pub summary: String,
}

impl FunctionSignature {
    /// The parameter argument `i` is passed to.
    pub fn param(&self, i: usize) -> Option<&FunctionParam> {
        self.params.get(i).or(self.variadic.as_ref())
    }
}

/// A failed call of a provider-defined function, as the provider reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// The 0-based argument the failure is about, if any.
    pub arg: Option<usize>,
    /// The provider's message.
    pub text: String,
}

impl FunctionError {
    /// A failure of the call as a whole.
    pub fn new(text: impl Into<String>) -> FunctionError {
        FunctionError {
            arg: None,
            text: text.into(),
        }
    }
}
