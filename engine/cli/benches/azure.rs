//! Benchmark of the Azure provider through the real binary against the ARM double
//! (`cargo bench -p autostack-cli --bench azure`; needs python3): `examples/azure-web`
//! (15 resources and a data source) applied, planned again with refresh (no changes) and
//! destroyed, with the double adding 50 ms to every call (a near region's round trip) and
//! with none. Each figure is the best of three runs; the double counts the calls.

#[path = "../../../providers/azure/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::Double;

/// Runs the release binary in `dir` against the double at `url`; returns the wall time.
fn run(dir: &Path, url: &str, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_autostack"))
        .args(args)
        .current_dir(dir)
        .env("ARM_METADATA_HOSTNAME", url)
        .env("ARM_SUBSCRIPTION_ID", support::SUBSCRIPTION)
        .env("ARM_TENANT_ID", support::TENANT)
        .env("ARM_CLIENT_ID", support::CLIENT_ID)
        .env("ARM_CLIENT_SECRET", support::CLIENT_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("spawn autostack");
    assert!(
        out.status.success(),
        "autostack {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// `examples/azure-web` copied into a fresh directory.
fn example() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/azure-web");
    for entry in std::fs::read_dir(&src).expect("example dir") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, d.path().join(path.file_name().expect("name"))).expect("copy");
    }
    d
}

fn best(runs: &[Duration]) -> f64 {
    runs.iter().min().map_or(0.0, Duration::as_secs_f64)
}

fn main() {
    for latency in ["50", "0"] {
        let double = Double::start(&["--latency-ms", latency]);
        let (mut applies, mut noops) = (Vec::new(), Vec::new());
        let mut calls = (0, 0);
        for _ in 0..3 {
            let d = example();
            double.clear();
            applies.push(run(
                d.path(),
                &double.url,
                &["apply", "-auto-approve", "-no-color", "-no-cost"],
            ));
            calls.0 = double.lines().len();
            double.clear();
            noops.push(run(
                d.path(),
                &double.url,
                &["plan", "-no-color", "-no-cost", "-detailed-exitcode"],
            ));
            calls.1 = double.lines().len();
            run(
                d.path(),
                &double.url,
                &["destroy", "-auto-approve", "-no-color", "-no-cost"],
            );
        }
        println!(
            "azure-web with {latency} ms per call: apply {:.2} s ({} calls), no-op plan with refresh {:.2} s ({} calls)",
            best(&applies),
            calls.0,
            best(&noops),
            calls.1
        );
    }
}
