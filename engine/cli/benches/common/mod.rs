//! What the command-line benchmarks share: running the binary and measuring it.
#![allow(dead_code)] // each bench uses the part it needs

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `prog`, returning wall time and peak RSS (MB, sampled from /proc).
pub fn run_prog(prog: &str, dir: &Path, args: &[&str]) -> (Duration, f64) {
    let start = Instant::now();
    let mut child = Command::new(prog)
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
            assert!(st.success(), "{prog} {args:?} failed");
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

/// How many runs each figure is the best of: `AUTOSTACK_BENCH_RUNS`, else `default`.
pub fn runs(default: usize) -> usize {
    std::env::var("AUTOSTACK_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
        .max(1)
}

/// Best (time in seconds, its peak RSS) of `n` runs of `f`.
pub fn best_of(n: usize, mut f: impl FnMut() -> (Duration, f64)) -> (f64, f64) {
    (0..n)
        .map(|_| f())
        .map(|(t, m)| (t.as_secs_f64(), m))
        .fold((f64::MAX, 0.0), |b, x| if x.0 < b.0 { x } else { b })
}
