//! Servers the state crate's integration tests talk to.
#![allow(dead_code)]

pub mod pg;
