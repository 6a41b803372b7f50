//! Terraform provider plugins as AutoStack providers. Where the native providers are compiled
//! in, a plugin is a separate executable (any of the thousands of Terraform providers) that
//! the engine starts and talks to over Terraform's plugin protocol, versions 5 and 6: this
//! crate starts it with go-plugin's handshake and AutoMTLS ([`process`], [`tls`]), speaks gRPC
//! to it ([`rpc`], from our own `.proto` files), carries values as cty's msgpack
//! ([`msgpack`]), caches its schema ([`schema`]) and implements the engine's `Provider`
//! contract over it ([`adapter`]), so the graph, plan, state and cost treat plugin-served
//! types exactly like native ones.
#![deny(missing_docs)]

pub mod adapter;
pub mod convert;
pub mod functions;
pub mod install;
pub mod msgpack;
pub mod plugin;
pub mod process;
pub mod proto;
pub mod routed;
pub mod rpc;
pub mod schema;
pub mod schema_json;
pub mod testkit;
pub mod tls;

pub use adapter::PluginProvider;
pub use plugin::{prestart, stop_unused};
pub use routed::Routed;
