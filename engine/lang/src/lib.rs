//! The Terraform language front end of AutoStack.
//!
//! Pipeline stage one: `.tf` text → typed config model → evaluated [`value::Value`]s, with
//! Terraform's semantics (unknowns, sensitivity, type conversion, the function library) and
//! diagnostics located at file:line:col.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path, where their size costs nothing
// measurable; boxing every one would only add noise.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod console;
pub mod diag;
pub mod eval;
pub mod fmt;
pub mod functions;
pub mod syntax;
pub use autostack_value as value;
pub mod vars;

pub use diag::{Diagnostic, Diagnostics, Range, Severity};
pub use value::{Marks, Number, Type, Value};
