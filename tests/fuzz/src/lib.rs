//! The fuzz targets' bodies: each takes arbitrary bytes to one of AutoStack's input decoders
//! and must return without panicking. The libFuzzer binaries in `fuzz_targets/` call them;
//! `engine/cli/tests/fuzz_corpus.rs` runs them over the committed corpus on stable.

#[path = "bodies.rs"]
mod bodies;

pub use bodies::{hcl, planfile, policy, state, TARGETS};
