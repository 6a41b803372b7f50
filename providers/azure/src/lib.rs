//! The Azure provider: hashicorp/azurerm 4.x resource types and data sources on Azure
//! Resource Manager, reached through azure_core 0.21's HTTP client with azure_identity's
//! client-secret token flow.
//!
//! In the pipeline it sits beside the AWS provider: the engine plans and applies each
//! instance through the SDK's [`Registry`], which calls one file per resource type here.
//! Most types are an [`arm::ArmKind`] behind the [`arm::Arm`] adapter (ID from
//! configuration, PUT, ARM's async protocol in [`lro`], refresh batched per collection in
//! [`batch`]); the data disk attachment and the VM's resize are their own code. Attribute
//! names, defaults, IDs and force-new rules are azurerm's, so configurations and
//! `terraform.tfstate` files written for it work unchanged.
#![deny(missing_docs)]
// Diagnostics are large but travel only on the error path (as in autostack-lang).
#![allow(clippy::result_large_err)]

pub mod arm;
pub mod batch;
pub mod blobobjects;
pub mod client;
pub mod common;
pub mod compute;
pub mod config;
pub mod data;
pub mod disk_attachment;
pub mod ids;
pub mod json;
pub mod linux_vm;
pub mod lro;
pub mod managed_disk;
pub mod network;
pub mod network_interface;
pub mod nic_nsg_association;
pub mod portable;
pub mod portable_compute;
pub mod portable_firewalls;
mod prelude;
pub mod provider_schema;
pub mod public_ip;
pub mod resource_group;
pub mod route_table;
pub mod rules;
pub mod security_group;
pub mod security_rule;
pub mod storage_account;
pub mod storage_container;
pub mod subnet;
pub mod virtual_network;
pub mod vm_model;
pub mod vm_ops;

pub use client::{ArmError, AzureClient};
pub use config::AzureFactory;

use arm::Arm;
use autostack_provider_sdk::{Provider, Registry};

/// The provider's source address.
pub const SOURCE: &str = "hashicorp/azurerm";

/// The Azure provider with every resource type and data source registered, the portable
/// types among them (not yet configured).
pub fn provider() -> Registry<AzureFactory> {
    portable::register(concrete())
}

/// The azurerm resource types and data sources.
fn concrete() -> Registry<AzureFactory> {
    Registry::new(AzureFactory)
        .resource(Arm::new(
            "azurerm_resource_group",
            "Resource Group",
            resource_group::ResourceGroup,
        ))
        .resource(Arm::new(
            "azurerm_virtual_network",
            "Virtual Network",
            virtual_network::VirtualNetwork,
        ))
        .resource(Arm::new("azurerm_subnet", "Subnet", subnet::Subnet))
        .resource(Arm::new(
            "azurerm_network_security_group",
            "Network Security Group",
            security_group::SecurityGroup,
        ))
        .resource(Arm::new(
            "azurerm_network_security_rule",
            "Network Security Rule",
            security_rule::SecurityRule,
        ))
        .resource(Arm::new(
            "azurerm_route_table",
            "Route Table",
            route_table::RouteTable,
        ))
        .resource(Arm::new(
            "azurerm_public_ip",
            "Public IP Address",
            public_ip::PublicIp,
        ))
        .resource(Arm::new(
            "azurerm_network_interface",
            "Network Interface",
            network_interface::NetworkInterface,
        ))
        .resource(nic_nsg_association::NicNsgAssociation)
        .resource(Arm::new(
            "azurerm_linux_virtual_machine",
            "Linux Virtual Machine",
            linux_vm::LinuxVirtualMachine,
        ))
        .resource(Arm::new(
            "azurerm_managed_disk",
            "Managed Disk",
            managed_disk::ManagedDisk,
        ))
        .resource(disk_attachment::DataDiskAttachment)
        .resource(Arm::new(
            "azurerm_storage_account",
            "Storage Account",
            storage_account::StorageAccount,
        ))
        .resource(Arm::new(
            "azurerm_storage_container",
            "Storage Container",
            storage_container::StorageContainer,
        ))
        .data_source(data::ResourceGroupData)
        .data_source(data::ClientConfigData)
        .data_source(data::SubscriptionData)
}

/// The Azure provider when `source` names it (`hashicorp/azurerm`, with or without the
/// registry host, any case).
pub fn provider_for(source: &str) -> Option<Box<dyn Provider>> {
    let s = source.trim().to_ascii_lowercase();
    let short = s.strip_prefix("registry.terraform.io/").unwrap_or(&s);
    (short == SOURCE).then(|| Box::new(provider()) as Box<dyn Provider>)
}
