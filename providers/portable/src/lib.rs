//! The portable resource types: `portable_network`, `portable_subnet`, `portable_firewall`,
//! `portable_instance`, `portable_disk` and `portable_bucket` describe what is wanted (CIDR,
//! vCPU and memory, image, disk class, ...); the cloud provider a resource is bound to
//! (`provider = aws`, or the configuration's only cloud provider: the engine's address rules
//! decide) decides where.
//!
//! Place in the pipeline: a cloud provider crate (aws, azurerm, google) registers the six
//! types in its registry with [`register`], handing over its own concrete resource types and
//! one [`Realize`] mapping per portable type; the engine then plans and applies portable
//! resources like any other. This crate holds the schemas ([`schema`]), validation
//! ([`validate`]), the size rule (the cost engine's equivalents rule, [`sizing`]), the image
//! and zone tables ([`images`], [`zones`]), and the one composite type ([`composite`]) that
//! realizes a portable instance as an ordered set of concrete resources ([`members`]) driven
//! through the provider's own types ([`drive`]).
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod composite;
pub mod drive;
pub mod images;
pub mod members;
pub mod realize;
pub mod schema;
pub mod sizing;
pub mod validate;
pub mod values;
pub mod zones;

pub use autostack_cost::Cloud;
pub use composite::Composite;
pub use drive::Drive;
pub use images::Image;
pub use members::{Member, Members};
pub use realize::{Binding, FactoryBinding, Realize, Role};
pub use schema::Kind;

use autostack_provider_sdk::{ClientFactory, Registry};
use std::collections::HashMap;
use std::sync::Arc;

/// `registry` with the portable types `realizations` map, each driving the concrete types
/// already registered in it (so register the concrete types first).
pub fn register<F: ClientFactory>(
    registry: Registry<F>,
    binding: Arc<dyn Binding<F::Client>>,
    realizations: Vec<Arc<dyn Realize<F::Client>>>,
    concrete: &[&str],
) -> Registry<F> {
    let types: HashMap<String, drive::Concrete<F::Client>> = (concrete.iter())
        .filter_map(|t| Some((t.to_string(), registry.resource_type(t)?)))
        .collect();
    let drive = Drive::new(binding, types);
    realizations.into_iter().fold(registry, |reg, r| {
        reg.resource(Composite::new(r, drive.clone()))
    })
}
