//! The Google Cloud provider: hashicorp/google's resource types and data sources on the
//! official google-cloud-rust clients (google-cloud-compute-v1 over REST/JSON,
//! google-cloud-storage for object data, google-cloud-auth for credentials).
//!
//! It sits where the AWS provider does in the pipeline: the engine plans and applies
//! resource instances through the [`Registry`] this crate assembles, one file per resource
//! type. Compute Engine types are [`compute::ComputeKind`]s behind one adapter
//! ([`compute::Compute`]: planning of project and location, operations, batched refresh by
//! filtered or aggregated lists, labels, import IDs); Cloud Storage buckets and object
//! metadata go through the JSON API ([`jsonapi`]) because the client library reaches them
//! only over gRPC. Attribute names, defaults, IDs and force-new rules are hashicorp/google
//! 7.x's, so configurations and `terraform.tfstate` files written for it work unchanged.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod address;
pub mod attached_disk;
pub mod auth;
pub mod client;
pub mod common;
pub mod compute;
pub mod compute_plan;
pub mod config;
pub mod data;
pub mod disk;
pub mod firewall;
pub mod gcsobjects;
pub mod image;
pub mod instance;
pub mod instance_schema;
pub mod instance_wire;
pub mod jsonapi;
pub mod network;
pub mod ops;
pub mod portable;
mod prelude;
pub mod provider_schema;
pub mod storage;
pub mod storage_bucket;
pub mod storage_object;
pub mod storage_schema;
pub mod subnetwork;
pub mod wire;

pub use client::{GcpClient, GcpError};
pub use config::GcpFactory;

use autostack_provider_sdk::{Provider, Registry};
use compute::Compute;

/// The provider's source address.
pub const SOURCE: &str = "hashicorp/google";

/// The Google provider with every resource type and data source registered (not yet
/// configured).
pub fn provider() -> Registry<GcpFactory> {
    portable::register(concrete())
}

/// The provider's own (concrete) resource types and data sources.
fn concrete() -> Registry<GcpFactory> {
    Registry::new(GcpFactory)
        .resource(Compute(network::ComputeNetwork))
        .resource(Compute(subnetwork::ComputeSubnetwork))
        .resource(Compute(firewall::ComputeFirewall))
        .resource(Compute(address::ComputeAddress))
        .resource(Compute(disk::ComputeDisk))
        .resource(Compute(instance::ComputeInstance))
        .resource(attached_disk::ComputeAttachedDisk)
        .resource(storage_bucket::StorageBucket)
        .resource(storage_object::StorageBucketObject)
        .data_source(image::DataComputeImage)
        .data_source(data::DataComputeZones)
        .data_source(data::DataClientConfig)
        .data_source(data::DataProject)
}

/// The Google provider when `source` names it (`hashicorp/google`, with or without the
/// registry host, any case).
pub fn provider_for(source: &str) -> Option<Box<dyn Provider>> {
    let s = source.trim().to_ascii_lowercase();
    let short = s.strip_prefix("registry.terraform.io/").unwrap_or(&s);
    (short == SOURCE).then(|| Box::new(provider()) as Box<dyn Provider>)
}
