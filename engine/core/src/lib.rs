//! The AutoStack engine core: addresses, the resource graph, plan and apply.
//!
//! Pipeline: a loaded module tree ([`autostack_lang::config`]) and prior [`state::State`] go
//! through [`plan::plan`] (graph walk, refresh, provider planning) to a [`plan::Plan`], which
//! [`apply::apply`] carries out on tokio with bounded parallelism, journaling every finished
//! resource operation.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod addrs;
pub mod apply;
pub mod conditions;
pub mod conform;
pub mod context;
pub mod copier;
pub mod events;
pub mod functions;
pub mod graph;
pub mod jsonplan;
pub mod jsonredact;
pub mod limits;
pub mod plan;
pub mod planfile;
pub mod redact;
pub mod state;
pub mod statefile;
pub mod teardown;
pub mod validate;
pub mod values;
mod walk;

pub use context::{Context, ProviderResolver};

/// A hash map for the engine's per-resource tables (graph nodes, addresses, names), hashed
/// with foldhash: seeded per process like std's, several times cheaper than SipHash on the
/// short keys these maps hold, which were a twentieth of a million-resource plan.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A hash set hashed as [`FastMap`] is.
pub type FastSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
