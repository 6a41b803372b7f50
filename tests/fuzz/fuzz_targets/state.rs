//! libFuzzer entry point of the `state` target (see src/bodies.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| autostack_fuzz::state(data));
