//! The provider contract of AutoStack, and what every cloud provider is built from.
//!
//! A provider implements [`Provider`] (usually by assembling a [`Registry`] of one
//! [`ResourceType`] per file); the core engine talks to nothing else. Below it: the request
//! and response structs of each operation ([`request`]), private data ([`private`]),
//! attribute getters ([`attrs`]), planning by schema ([`plan_by_schema`]) or as the legacy
//! plugin SDK does ([`legacy`]), tag and label merging for aws, azurerm and google
//! ([`labels`]), cloud error classes ([`errors`]) with the retries and waiters built on them
//! ([`retry`]), [`conform`] to shape configuration to a schema, and [`testkit`] to run a full
//! lifecycle against any provider. Layering: providers depend on this crate and
//! `autostack-value` only.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod attrs;
pub mod conform;
pub mod consistency;
pub mod errors;
pub mod labels;
pub mod legacy;
pub mod objects;
pub mod plan;
pub mod private;
pub mod provider;
pub mod ratelimit;
pub mod reads;
pub mod registry;
pub mod request;
pub mod retry;
pub mod schema;
pub mod schema_table;
pub mod testkit;

pub use attrs::{str_or_empty as attr_str, with_attr};
pub use autostack_value::function::{FunctionError, FunctionParam, FunctionSignature};
pub use consistency::{inconsistency, Inconsistency};
pub use errors::{ActionExt, CloudError, ErrorClass};
pub use plan::{differs, plan_by_schema, same, Planning};
pub use private::Private;
pub use provider::{path_string, read_one, ApplyError, AttrPath, PathStep, Provider};
pub use reads::NoConfig;
pub use registry::{ChangeCtx, ClientFactory, DataSource, PlanCtx, Registry, ResourceType};
pub use request::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportRequest, Instance, MoveStateRequest,
    PlanRequest, PlanResponse, ReadDataRequest, ReadRequest, ReadResult, RecoverRequest,
    ValidateRequest,
};
pub use schema::{Attribute, Block, NestedBlock, Nesting, ProviderSchema, ResourceSchema};
