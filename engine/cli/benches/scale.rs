//! Scale: `plan -out`, `apply` of that plan, the no-op `plan` (with refresh) and `state list`
//! on 10,000 / 100,000 / 1,000,000 `terraform_data` resources in chains of 10, as users run
//! them (default flags, cost section on), and how each grows from one size to the next
//! (`cargo bench -p autostack-cli --bench scale`). The configuration is module-shaped: N/10
//! resources in the root and nine calls of a module of N/10 (so 1M is ten blocks of 100k, as
//! issue 16 asks), which also exercises module expansion at scale.
//!
//! Each figure is the child's own CPU time (user + system) and peak RSS from `wait4`, which
//! other processes on a shared machine do not inflate as they do wall time; wall time is
//! printed beside them. `AUTOSTACK_BENCH_SIZES=10000,100000` picks sizes; 1M needs ~8 GB.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// A chain-of-10 body of `n` resources.
fn chain(n: usize) -> String {
    let mut s = String::with_capacity(n * 80);
    for i in 0..n {
        let input = match i % 10 {
            0 => format!("\"start-{i}\""),
            _ => format!("terraform_data.r{}.output", i - 1),
        };
        let _ = writeln!(
            s,
            "resource \"terraform_data\" \"r{i}\" {{\n  input = {input}\n}}"
        );
    }
    s
}

/// Writes the configuration of `n` resources into `dir`.
fn generate(dir: &Path, n: usize) {
    let part = n / 10;
    let mut root = chain(part);
    for k in 0..9 {
        let _ = writeln!(root, "module \"m{k}\" {{\n  source = \"./m\"\n}}");
    }
    std::fs::create_dir_all(dir.join("m")).expect("mkdir");
    std::fs::write(dir.join("main.tf"), root).expect("write");
    std::fs::write(dir.join("m/main.tf"), chain(part)).expect("write");
}

/// One run: (CPU seconds, peak RSS in MB, wall seconds).
struct Cost {
    cpu: f64,
    rss_mb: f64,
    wall: f64,
}

/// Runs the binary in `dir`, reaping it with `wait4` for its resource usage.
fn run(dir: &Path, args: &[&str]) -> Cost {
    let start = Instant::now();
    // Reaped by `wait4` below (which also gives its resource usage), not by `Child::wait`.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_autostack"))
        .args(args)
        .current_dir(dir)
        .env("AUTOSTACK_CATALOG_DIR", dir.join(".no-local-catalog"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn autostack");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals above.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    assert!(
        libc::WIFEXITED(status) && matches!(libc::WEXITSTATUS(status), 0 | 2),
        "autostack {args:?} failed in {}",
        dir.display()
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Cost {
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
        wall: start.elapsed().as_secs_f64(),
    }
}

/// The four commands at size `n`: plan -out, apply of it, no-op plan, state list.
fn measure(n: usize) -> [Cost; 4] {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    generate(d, n);
    run(d, &["init", "-no-color"]);
    let plan = run(d, &["plan", "-out=p.plan", "-no-color"]);
    let apply = run(d, &["apply", "-no-color", "p.plan"]);
    let noop = run(d, &["plan", "-no-color", "-detailed-exitcode"]);
    let list = run(d, &["state", "list"]);
    [plan, apply, noop, list]
}

fn main() {
    let sizes: Vec<usize> = std::env::var("AUTOSTACK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let names = ["plan -out", "apply", "no-op plan", "state list"];
    let mut previous: Option<(usize, [Cost; 4])> = None;
    for n in sizes {
        let costs = measure(n);
        for (name, c) in names.iter().zip(&costs) {
            let growth = previous.as_ref().map_or(String::new(), |(m, p)| {
                let i = names.iter().position(|x| x == name).unwrap_or(0);
                format!(
                    "  ×{:.1} CPU, ×{:.1} RSS over {m}",
                    c.cpu / p[i].cpu,
                    c.rss_mb / p[i].rss_mb
                )
            });
            println!(
                "{n:>9} {name:<11} {:>7.2} s CPU {:>7.0} MB {:>7.2} s wall{growth}",
                c.cpu, c.rss_mb, c.wall
            );
        }
        previous = Some((n, costs));
    }
}
