//! Benchmark of the Google provider through the real binary: `examples/gcp-web` against the
//! Compute Engine double with 50 ms added to every call (`--latency-ms 50`, the token
//! endpoint included) and fake-gcs-server (`AUTOSTACK_FAKE_GCS_URL`, or started from the
//! project's virtualenv; it has no latency setting, and the stack makes a handful of Cloud
//! Storage calls). `cargo bench -p autostack-cli --bench gcp`.
//!
//! Reports `apply` of the 10-resource stack and the no-op `plan` with refresh (best of 3),
//! and how many Compute Engine operations the apply made (from the double's own log).

#[path = "../../../providers/gcp/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn copy_example(dir: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/gcp-web");
    for entry in std::fs::read_dir(&src).expect("example dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

/// Runs the release binary in `dir` with the doubles' environment; wall time in seconds.
fn timed(bin: &Path, dir: &Path, double: &support::Double, gcs: &str, args: &[&str]) -> f64 {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("GOOGLE_APPLICATION_CREDENTIALS", &double.key)
        .env(
            "GOOGLE_COMPUTE_CUSTOM_ENDPOINT",
            format!("{}/compute/v1/", double.url),
        )
        .env(
            "GOOGLE_RESOURCE_MANAGER_CUSTOM_ENDPOINT",
            format!("{}/v1/", double.url),
        )
        .env(
            "GOOGLE_STORAGE_CUSTOM_ENDPOINT",
            format!("{gcs}/storage/v1/"),
        )
        .env("AUTOSTACK_CATALOG_DIR", dir.join(".no-local-catalog"))
        .output()
        .expect("run autostack");
    let secs = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{args:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    secs
}

/// The arguments as the runner takes them.
fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn main() {
    let bin = Path::new(env!("CARGO_BIN_EXE_autostack"));
    let gcs = support::fake_gcs_url();
    let runs: usize = std::env::var("AUTOSTACK_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let (mut apply, mut noop) = (f64::MAX, f64::MAX);
    for run in 0..runs {
        let double = support::Double::start(&["--latency-ms", "50"]);
        let dir = tempfile::tempdir().expect("tempdir");
        copy_example(dir.path());
        let name = format!("-var=name={}", support::unique(&format!("bench{run}")));
        let vars = [
            name.as_str(),
            "-var=project=bench",
            "-var=default_labels={}",
            "-var=attribution_label=false",
        ];
        let with = |cmd: &[&str]| -> Vec<String> {
            cmd.iter()
                .chain(vars.iter())
                .map(|s| s.to_string())
                .collect()
        };
        let a = with(&["apply", "-auto-approve", "-no-cost"]);
        apply = apply.min(timed(bin, dir.path(), &double, &gcs, &strs(&a)));
        let ops_after_apply = double.dump()["operations"]
            .as_object()
            .map_or(0, |o| o.len());
        let p = with(&["plan", "-no-cost", "-detailed-exitcode"]);
        noop = noop.min(timed(bin, dir.path(), &double, &gcs, &strs(&p)));
        let d = with(&["destroy", "-auto-approve", "-no-cost"]);
        timed(bin, dir.path(), &double, &gcs, &strs(&d));
        println!("run {run}: apply made {ops_after_apply} Compute Engine operations");
    }
    println!("gcp-web (10 resources) against the doubles, 50 ms per Compute Engine call, best of {runs}:");
    println!("  apply                 {apply:.2} s");
    println!("  no-op plan (refresh)  {noop:.2} s");
}
