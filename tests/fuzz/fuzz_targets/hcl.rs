//! libFuzzer entry point of the `hcl` target (see src/bodies.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| autostack_fuzz::hcl(data));
