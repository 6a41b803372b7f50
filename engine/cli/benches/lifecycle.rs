//! Benchmark of the whole command line: N `terraform_data` resources in chains of 10
//! (`cargo bench -p autostack-cli --bench lifecycle`). Times `plan` (no state), `apply`,
//! and a no-op `plan` with refresh, at 1k / 10k / 100k resources, with the child's peak RSS.

use std::fmt::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn generate(n: usize) -> String {
    let mut s = String::with_capacity(n * 120);
    for i in 0..n {
        if i % 10 == 0 {
            let _ = writeln!(
                s,
                "resource \"terraform_data\" \"r{i}\" {{\n  input = \"start-{i}\"\n}}"
            );
        } else {
            let _ = writeln!(
                s,
                "resource \"terraform_data\" \"r{i}\" {{\n  input = terraform_data.r{}.output\n}}",
                i - 1
            );
        }
    }
    s
}

/// Runs the binary, returning wall time and peak RSS (MB, sampled from /proc).
fn run(dir: &std::path::Path, args: &[&str]) -> (Duration, f64) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_autostack"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0.0f64;
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            assert!(st.success(), "autostack {args:?} failed");
            break;
        }
        if let Ok(s) = std::fs::read_to_string(&status_path) {
            if let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
            {
                peak = peak.max(kb / 1024.0);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (start.elapsed(), peak)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("AUTOSTACK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.tf"), generate(n)).expect("write");
        let (plan, plan_rss) = run(dir.path(), &["plan", "-no-color"]);
        println!(
            "{n:>7} resources: plan {:>8.3} s  peak {:>6.0} MB",
            plan.as_secs_f64(),
            plan_rss
        );
        if n > 10_000 {
            continue;
        }
        let (apply, apply_rss) = run(dir.path(), &["apply", "-auto-approve", "-no-color"]);
        let (noop, _) = run(dir.path(), &["plan", "-no-color"]);
        println!(
            "{n:>7} resources: apply {:>7.3} s  peak {:>6.0} MB; no-op plan with refresh {:>7.3} s",
            apply.as_secs_f64(),
            apply_rss,
            noop.as_secs_f64()
        );
    }
}
