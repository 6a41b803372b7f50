//! `provider "NAME" { concurrency = N }` in `autostack.hcl` through the binary, offline: the
//! apply walker holds each provider configuration to its limit under a larger `-parallelism`,
//! and a bad value is a located error that stops the command (exit 1).

mod common;

use common::Work;
use std::time::{Duration, Instant};

/// `n` independent `time_sleep` resources of `ms` each, on the `time` provider.
fn sleeps(n: usize, ms: u64) -> String {
    (0..n)
        .map(|i| {
            format!("resource \"time_sleep\" \"s{i}\" {{\n  create_duration = \"{ms}ms\"\n}}\n")
        })
        .collect()
}

#[test]
fn a_provider_limit_below_parallelism_bounds_the_apply() {
    // 12 creates of 400 ms, 3 at a time: at least 4 rounds, whatever -parallelism allows.
    let w = Work::new(&[
        ("main.tf", &sleeps(12, 400)),
        (
            "autostack.hcl",
            "provider \"time\" {\n  concurrency = 3\n}\n",
        ),
    ]);
    let start = Instant::now();
    w.run(&["apply", "-auto-approve", "-parallelism=12", "-no-color"])
        .expect(0);
    let limited = start.elapsed();
    assert!(limited >= Duration::from_millis(1600), "{limited:?}");
    assert_eq!(common::addresses(&w.state()).len(), 12);
    // Without the block the same apply runs in one round.
    std::fs::remove_file(w.path().join("autostack.hcl")).unwrap();
    w.run(&["destroy", "-auto-approve", "-no-color"]).expect(0);
    let start = Instant::now();
    w.run(&["apply", "-auto-approve", "-parallelism=12", "-no-color"])
        .expect(0);
    assert!(
        start.elapsed() < limited,
        "{:?} vs {limited:?}",
        start.elapsed()
    );
}

#[test]
fn a_bad_concurrency_is_a_located_error() {
    let w = Work::new(&[
        ("main.tf", &sleeps(1, 1)),
        (
            "autostack.hcl",
            "budget \"b\" {\n  amount = 5\n}\n\nprovider \"time\" {\n  concurrency = 0\n}\n",
        ),
    ]);
    for cmd in [
        &["plan", "-no-color"][..],
        &["apply", "-auto-approve", "-no-color"],
    ] {
        let r = w.run(cmd).expect(1);
        let err = r.stderr();
        assert!(
            err.contains("autostack.hcl:6:17: concurrency must be a whole number from 1 to 10000"),
            "{err}"
        );
    }
    assert!(!w.path().join("terraform.tfstate").exists());
}
