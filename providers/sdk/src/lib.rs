//! The provider contract of AutoStack.
//!
//! A provider implements [`Provider`] (usually by assembling a [`Registry`] of one
//! [`ResourceType`] per file); the core engine talks to nothing else. [`plan_by_schema`]
//! gives the standard planning behaviour, [`conform`] shapes configuration to a schema, and
//! [`testkit`] runs a full lifecycle against any provider.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod conform;
pub mod consistency;
pub mod plan;
pub mod provider;
pub mod registry;
pub mod retry;
pub mod schema;
pub mod testkit;

pub use consistency::{inconsistency, Inconsistency};
pub use plan::{differs, plan_by_schema, same};
pub use provider::{path_string, ApplyError, AttrPath, PathStep, PlannedChange, Provider};
pub use registry::{ClientFactory, DataSource, NoConfig, Registry, ResourceType};
pub use schema::{Attribute, Block, NestedBlock, Nesting, ProviderSchema, ResourceSchema};

/// Reads a string attribute of an object value ("" when absent or not a string).
pub fn attr_str<'a>(v: &'a autostack_value::Value, name: &str) -> &'a str {
    v.as_entries()
        .and_then(|m| m.get(name))
        .and_then(|x| x.as_str())
        .unwrap_or_default()
}

/// Returns `v` with attribute `name` set to `x`.
pub fn with_attr(
    v: &autostack_value::Value,
    name: &str,
    x: autostack_value::Value,
) -> autostack_value::Value {
    let mut m = v.as_entries().cloned().unwrap_or_default();
    m.insert(name.to_string(), x);
    autostack_value::Value::object(m)
}
