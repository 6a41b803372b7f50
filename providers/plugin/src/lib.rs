//! Terraform provider plugins as AutoStack providers.
#![deny(missing_docs)]

pub mod proto;
