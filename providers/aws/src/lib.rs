//! The AWS provider: hashicorp/aws's resource types and data sources on the official AWS SDK
//! for Rust (EC2, S3, STS).
//!
//! One file per resource type, each a [`ResourceType`](autostack_provider_sdk::ResourceType)
//! over the shared [`AwsClient`]. Attribute names, defaults and force-new rules are those of
//! hashicorp/aws 5.x, so existing configurations and `terraform.tfstate` files work unchanged.
//! Refresh is batched ([`batch`]): one describe call per 100 objects of a type.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod assume;
pub mod attrs;
pub mod batch;
pub mod client;
pub mod config;
pub mod data_ami;
pub mod data_availability_zones;
pub mod data_caller_identity;
pub mod data_vpc;
pub mod ebs_volume;
pub mod ec2type;
pub mod ec2util;
pub mod eip;
pub mod instance;
pub mod internet_gateway;
pub mod key_pair;
pub mod portable;
mod prelude;
pub mod provider_schema;
pub mod recover;
pub mod route_table;
pub mod route_table_association;
pub mod s3_bucket;
pub mod s3_bucket_versioning;
pub mod s3objects;
pub mod s3util;
pub mod security_group;
pub mod sg_rule;
pub mod sg_rules;
pub mod subnet;
pub mod tags;
pub mod volume_attachment;
pub mod vpc;

pub use client::{AwsClient, AwsError};

/// The SDK crates this provider is built on, re-exported for tests and tools that talk to AWS
/// directly (so they need no SDK dependency of their own).
pub mod sdk {
    pub use aws_config;
    pub use aws_credential_types;
    pub use aws_sdk_ec2;
    pub use aws_sdk_s3;
    pub use aws_sdk_sts;
    pub use aws_smithy_types;
    pub use aws_types;
}
pub use config::AwsFactory;

use autostack_provider_sdk::{Provider, Registry};
use ec2type::Ec2;

/// The provider's source address.
pub const SOURCE: &str = "hashicorp/aws";

/// The AWS provider with every resource type and data source registered (not yet configured).
pub fn provider() -> Registry<AwsFactory> {
    portable::register(concrete())
}

/// The provider's own (concrete) resource types and data sources.
fn concrete() -> Registry<AwsFactory> {
    Registry::new(AwsFactory)
        .resource(Ec2::new("aws_vpc", "EC2 VPC", vpc::AwsVpc))
        .resource(s3_bucket::AwsS3Bucket)
        .resource(s3_bucket_versioning::AwsS3BucketVersioning)
        .data_source(data_ami::DataAwsAmi)
        .data_source(data_availability_zones::DataAwsAvailabilityZones)
        .data_source(data_caller_identity::DataAwsCallerIdentity)
        .data_source(data_vpc::DataAwsVpc)
        .resource(Ec2::new("aws_subnet", "EC2 Subnet", subnet::AwsSubnet))
        .resource(Ec2::new(
            "aws_internet_gateway",
            "EC2 Internet Gateway",
            internet_gateway::AwsInternetGateway,
        ))
        .resource(Ec2::new(
            "aws_route_table",
            "EC2 Route Table",
            route_table::AwsRouteTable,
        ))
        .resource(route_table_association::AwsRouteTableAssociation)
        .resource(Ec2::new(
            "aws_security_group",
            "Security Group",
            security_group::AwsSecurityGroup,
        ))
        .resource(Ec2::new(
            sg_rule::INGRESS.name(),
            sg_rule::INGRESS.what(),
            sg_rule::INGRESS,
        ))
        .resource(Ec2::new(
            sg_rule::EGRESS.name(),
            sg_rule::EGRESS.what(),
            sg_rule::EGRESS,
        ))
        .resource(Ec2::new(
            "aws_instance",
            "EC2 Instance",
            instance::AwsInstance,
        ))
        .resource(Ec2::new(
            "aws_ebs_volume",
            "EBS Volume",
            ebs_volume::AwsEbsVolume,
        ))
        .resource(volume_attachment::AwsVolumeAttachment)
        .resource(Ec2::new("aws_eip", "EC2 EIP", eip::AwsEip))
        .resource(Ec2::new(
            "aws_key_pair",
            "EC2 Key Pair",
            key_pair::AwsKeyPair,
        ))
}

/// The AWS provider when `source` names it (`hashicorp/aws`, with or without the registry
/// host, any case).
pub fn provider_for(source: &str) -> Option<Box<dyn Provider>> {
    let s = source.trim().to_ascii_lowercase();
    let short = s.strip_prefix("registry.terraform.io/").unwrap_or(&s);
    (short == SOURCE).then(|| Box::new(provider()) as Box<dyn Provider>)
}
