//! libFuzzer entry point of the `policy` target (see src/bodies.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| autostack_fuzz::policy(data));
