//! Benchmark of the whole command line, as users run it (default flags, so with the cost
//! section): N `terraform_data` resources in chains of 10
//! (`cargo bench -p autostack-cli --bench lifecycle`). At 1k and 10k it times `plan` (no
//! state), `plan -out`, `apply` of that saved plan, and a no-op `plan` (with refresh) on the
//! state the engine applied, each also with `-no-cost` to show what the cost section adds;
//! at 100k `plan` alone. Each figure is the best of `AUTOSTACK_BENCH_RUNS` runs (3).
//! `AUTOSTACK_BENCH_SIZES=1000,10000` picks sizes;
//! `AUTOSTACK_BENCH_TERRAFORM=1` also runs `terraform` (on PATH) on the same inputs: plan of
//! 1,000, apply of 300 and no-op plan of 1,000.

mod common;

use common::run_prog;
use std::fmt::Write;
use std::path::Path;
use std::process::Command;
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
fn run(dir: &Path, args: &[&str]) -> (Duration, f64) {
    run_prog(env!("CARGO_BIN_EXE_autostack"), dir, args)
}

fn runs() -> usize {
    common::runs(3)
}

/// Best (time, peak RSS) of `runs()` runs of `f`.
fn best_of(f: impl FnMut() -> (Duration, f64)) -> (f64, f64) {
    common::best_of(runs(), f)
}

/// Best time of a command that leaves the state as it found it (see [`best_pair`]).
fn best(dir: &Path, args: &[&str]) -> (f64, f64) {
    best_pair(dir, args, args).0
}

/// Best times of two read-only commands, run alternately (so load from other processes hits
/// both alike) at least `runs()` times each and until 3 s have passed (at most 25 times).
fn best_pair(dir: &Path, a: &[&str], b: &[&str]) -> ((f64, f64), (f64, f64)) {
    let start = Instant::now();
    let (mut ba, mut bb) = ((f64::MAX, 0.0), (f64::MAX, 0.0));
    let mut i = 0;
    while i < runs() || (start.elapsed() < Duration::from_secs(3) && i < 25) {
        for (args, best) in [(a, &mut ba), (b, &mut bb)] {
            let (t, m) = run(dir, args);
            if t.as_secs_f64() < best.0 {
                *best = (t.as_secs_f64(), m);
            }
        }
        i += 1;
    }
    (ba, bb)
}

/// One apply from an empty state, after `prepare` (a saved plan goes stale once applied),
/// followed by an untimed destroy.
fn apply_once(dir: &Path, prepare: &[&str], args: &[&str]) -> (Duration, f64) {
    if !prepare.is_empty() {
        run(dir, prepare);
    }
    let r = run(dir, args);
    run(dir, &["destroy", "-auto-approve", "-no-color"]);
    r
}

/// Best of `runs()` applies (see [`apply_once`]).
fn best_apply(dir: &Path, prepare: &[&str], args: &[&str]) -> (f64, f64) {
    best_of(|| apply_once(dir, prepare, args))
}

/// Best times of two applies run alternately, `runs()` times each: an apply waits on an
/// fsync per resource, whose latency other processes' I/O changes from minute to minute.
fn best_apply_pair(dir: &Path, a: &[&str], b: &[&str]) -> (f64, f64) {
    let (mut ba, mut bb) = (f64::MAX, f64::MAX);
    for _ in 0..runs() {
        ba = ba.min(apply_once(dir, &[], a).0.as_secs_f64());
        bb = bb.min(apply_once(dir, &[], b).0.as_secs_f64());
    }
    (ba, bb)
}

/// `with / without -no-cost` as `0.123 s (+4%)`.
fn vs(with: f64, without: f64) -> String {
    format!("{with:.3} s ({:+.1}%)", (with / without - 1.0) * 100.0)
}

fn lifecycle(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("main.tf"), generate(n)).expect("write");
    let ((plan, plan_rss), (plan_nc, _)) = best_pair(
        d,
        &["plan", "-no-color"],
        &["plan", "-no-color", "-no-cost"],
    );
    println!(
        "{n:>7} resources: plan {} peak {plan_rss:.0} MB",
        vs(plan, plan_nc)
    );
    if n > 10_000 {
        return;
    }
    let ((out, _), (plan, _)) = best_pair(
        d,
        &["plan", "-no-color", "-out=tfplan"],
        &["plan", "-no-color"],
    );
    println!(
        "{n:>7} resources: plan -out {out:.3} s = {:.2}x plan ({plan:.3} s)",
        out / plan
    );
    let (apply, apply_rss) = best_apply(
        d,
        &["plan", "-out=tfplan"],
        &["apply", "-no-color", "tfplan"],
    );
    println!("{n:>7} resources: apply tfplan {apply:.3} s peak {apply_rss:.0} MB");
    let (apply, apply_nc) = best_apply_pair(
        d,
        &["apply", "-auto-approve", "-no-color"],
        &["apply", "-auto-approve", "-no-color", "-no-cost"],
    );
    println!(
        "{n:>7} resources: apply -auto-approve {}",
        vs(apply, apply_nc)
    );
    run(d, &["apply", "-auto-approve", "-no-color"]);
    let ((noop, noop_rss), (noop_nc, _)) = best_pair(
        d,
        &["plan", "-no-color"],
        &["plan", "-no-color", "-no-cost"],
    );
    println!(
        "{n:>7} resources: no-op plan {} peak {noop_rss:.0} MB",
        vs(noop, noop_nc)
    );
}

/// Two directories with the same `n` resources, one for Terraform (initialized), one for
/// AutoStack.
fn pair(n: usize) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (tf, us) = (dir.path().join("tf"), dir.path().join("as"));
    for p in [&tf, &us] {
        std::fs::create_dir_all(p).expect("mkdir");
        std::fs::write(p.join("main.tf"), generate(n)).expect("write");
    }
    run_prog(TF, &tf, &["init", "-input=false", "-no-color"]);
    (dir, tf, us)
}

const TF: &str = "terraform";

/// Terraform and AutoStack on the same inputs and flags, one after the other, best of
/// `runs()` each (applies from an empty state, destroyed after each).
fn against_terraform() {
    let version = Command::new(TF).arg("version").output().expect("terraform");
    let first = String::from_utf8_lossy(&version.stdout);
    println!("{}", first.lines().next().unwrap_or_default());
    let report = |what: &str, t: f64, a: f64| {
        println!(
            "{what}: terraform {t:.2} s, autostack {a:.3} s, {:.0}x",
            t / a
        );
    };
    let plan = ["plan", "-no-color", "-input=false"];
    let apply = ["apply", "-auto-approve", "-no-color", "-input=false"];
    let destroy = ["destroy", "-auto-approve", "-no-color", "-input=false"];
    let (_d, tf, us) = pair(1_000);
    let t = best_of(|| run_prog(TF, &tf, &plan)).0;
    report("plan of 1,000", t, best(&us, &plan).0);
    let (_d3, tf3, us3) = pair(300);
    let t = best_of(|| {
        let r = run_prog(TF, &tf3, &apply);
        run_prog(TF, &tf3, &destroy);
        r
    })
    .0;
    report("apply of 300", t, best_apply(&us3, &[], &apply).0);
    run_prog(TF, &tf, &apply);
    run(&us, &apply);
    let t = best_of(|| run_prog(TF, &tf, &plan)).0;
    report("no-op plan of 1,000 (with refresh)", t, best(&us, &plan).0);
}

fn main() {
    let sizes: Vec<usize> = std::env::var("AUTOSTACK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        lifecycle(n);
    }
    if std::env::var_os("AUTOSTACK_BENCH_TERRAFORM").is_some() {
        against_terraform();
    }
}
