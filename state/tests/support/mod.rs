//! Servers the state crate's integration tests talk to.
#![allow(dead_code)]

pub mod moto;
pub mod pg;
pub mod tcp_proxy;
