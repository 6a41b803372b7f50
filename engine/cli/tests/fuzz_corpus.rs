//! The fuzz targets' bodies (tests/fuzz/src/bodies.rs) over their committed corpus, on the
//! stable toolchain: every input the fuzzing campaign kept (crash reproducers included) must
//! still go through each decoder without a panic. tests/run.sh also runs the targets under
//! libFuzzer for a bounded time when a nightly toolchain is there.

#[path = "../../../tests/fuzz/src/bodies.rs"]
#[allow(dead_code)]
mod bodies;

use std::path::PathBuf;

#[test]
fn every_corpus_input_decodes_without_a_panic() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz/corpus");
    let mut total = 0;
    for (name, body) in bodies::TARGETS {
        let dir = root.join(name);
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "no corpus for {name}");
        for input in &inputs {
            let data = std::fs::read(input).expect("read input");
            let run = std::panic::catch_unwind(|| body(&data));
            assert!(run.is_ok(), "{name} panicked on {}", input.display());
        }
        total += inputs.len();
    }
    assert!(total > 0);
}
