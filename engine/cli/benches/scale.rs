//! Scale: `plan -out`, `apply` of that plan, the no-op `plan` (with refresh) and `state list`
//! on 10,000 / 100,000 / 1,000,000 `terraform_data` resources, as users run them (default
//! flags, cost section on), and how each grows from one size to the next
//! (`cargo bench -p autostack-cli --bench scale`). Two shapes, as issue 16 asks:
//!
//! - chains: resources in chains of 10, N/10 in the root and nine calls of a module of N/10
//!   (so 1M is ten blocks of 100k);
//! - for_each: two resources `for_each` over a map of N/20 keys (the second refers to the
//!   first by key), in the root and in nine instances of a module called with `for_each`.
//!
//! Each figure is the child's own CPU time (user + system) and peak RSS from `wait4`, which
//! other processes on a shared machine do not inflate as they do wall time; wall time is
//! printed beside them. Each command runs `AUTOSTACK_BENCH_RUNS` times (3 unless set) and the
//! run of least CPU time is reported (best of N, as the other benches), with the range of
//! system time beside it: on a shared VM the same run varies by 10% in user time, and the
//! kernel's first touch of fresh memory by seconds of system time at 1M.
//! `AUTOSTACK_BENCH_SIZES=10000,100000` picks sizes, `AUTOSTACK_BENCH_SHAPES=chains` a
//! shape; 1M needs ~8 GB.

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

/// Writes the configuration of `n` resources in chains into `dir`.
fn chains(dir: &Path, n: usize) {
    let part = n / 10;
    let mut root = chain(part);
    for k in 0..9 {
        let _ = writeln!(root, "module \"m{k}\" {{\n  source = \"./m\"\n}}");
    }
    std::fs::create_dir_all(dir.join("m")).expect("mkdir");
    std::fs::write(dir.join("main.tf"), root).expect("write");
    std::fs::write(dir.join("m/main.tf"), chain(part)).expect("write");
}

/// Two resources `for_each` over a map of `hi * lo` keys named after `prefix` (`range` stops
/// at 1,024 values, so the keys are built from two ranges).
fn for_each_body(hi: &str, lo: &str, prefix: &str) -> String {
    format!(
        r#"locals {{
  items = merge([for i in range({hi}) : {{
    for j in range({lo}) : format("%s-%04d-%03d", {prefix}, i, j) => {{ name = "item-${{i}}-${{j}}", size = j % 7 }}
  }}]...)
}}

resource "terraform_data" "a" {{
  for_each = local.items
  input    = {{ name = each.value.name, size = each.value.size }}
}}

resource "terraform_data" "b" {{
  for_each = local.items
  input    = "${{each.key}}:${{terraform_data.a[each.key].output.name}}"
}}
"#
    )
}

/// Writes the configuration of `n` resources from `for_each` into `dir`: N/10 in the root and
/// in each of nine instances of a module called with `for_each`.
fn for_each(dir: &Path, n: usize) {
    let keys = n / 20;
    let (hi, lo) = ((keys / 1000).max(1), keys.min(1000));
    let groups: Vec<String> = (0..9).map(|k| format!("\"g{k}\"")).collect();
    let mut root = for_each_body(&hi.to_string(), &lo.to_string(), "\"root\"");
    let _ = write!(
        root,
        "\nmodule \"group\" {{\n  for_each = toset([{}])\n  source   = \"./m\"\n  prefix   = each.key\n  hi       = {hi}\n  lo       = {lo}\n}}\n",
        groups.join(", ")
    );
    let module = format!(
        "variable \"prefix\" {{}}\nvariable \"hi\" {{}}\nvariable \"lo\" {{}}\n\n{}",
        for_each_body("var.hi", "var.lo", "var.prefix")
    );
    std::fs::create_dir_all(dir.join("m")).expect("mkdir");
    std::fs::write(dir.join("main.tf"), root).expect("write");
    std::fs::write(dir.join("m/main.tf"), module).expect("write");
}

/// Writes a configuration of a given number of resources into a directory.
type Generate = fn(&Path, usize);

/// The shapes measured: name and configuration writer.
const SHAPES: [(&str, Generate); 2] = [("chains", chains), ("for_each", for_each)];

/// One run: (CPU seconds, peak RSS in MB, wall seconds).
struct Cost {
    cpu: f64,
    sys: f64,
    rss_mb: f64,
    wall: f64,
    /// The least and the most system time over the runs.
    sys_range: (f64, f64),
}

/// The run of least CPU time of `runs` runs of `args` in `dir`, each after `reset`.
fn best(dir: &Path, args: &[&str], runs: usize, reset: &dyn Fn()) -> Cost {
    let mut costs: Vec<Cost> = (0..runs.max(1))
        .map(|_| {
            reset();
            run(dir, args)
        })
        .collect();
    let sys = |c: &Cost| c.sys;
    let least = costs.iter().map(sys).fold(f64::INFINITY, f64::min);
    let most = costs.iter().map(sys).fold(0.0, f64::max);
    costs.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
    let first = costs.swap_remove(0);
    Cost {
        sys_range: (least, most),
        ..first
    }
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
    let sys = secs(usage.ru_stime);
    Cost {
        cpu: secs(usage.ru_utime) + sys,
        sys,
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
        wall: start.elapsed().as_secs_f64(),
        sys_range: (sys, sys),
    }
}

/// The four commands at size `n` of a shape: plan -out, apply of it, no-op plan, state list.
fn measure(generate: Generate, n: usize, runs: usize) -> [Cost; 4] {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    generate(d, n);
    run(d, &["init", "-no-color"]);
    let keep = || {};
    // Each apply of the saved plan starts from no state, as the plan was made against none.
    let no_state = || {
        for entry in std::fs::read_dir(d).expect("read_dir").flatten() {
            let path = entry.path();
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with("terraform.tfstate")
            {
                let gone = match path.is_dir() {
                    true => std::fs::remove_dir_all(&path),
                    false => std::fs::remove_file(&path),
                };
                gone.expect("remove the applied state");
            }
        }
    };
    let plan = best(d, &["plan", "-out=p.plan", "-no-color"], runs, &keep);
    let apply = best(d, &["apply", "-no-color", "p.plan"], runs, &no_state);
    let noop = best(d, &["plan", "-no-color", "-detailed-exitcode"], runs, &keep);
    let list = best(d, &["state", "list"], runs, &keep);
    [plan, apply, noop, list]
}

fn main() {
    let list = |var: &str| std::env::var(var).ok().filter(|s| !s.is_empty());
    let sizes: Vec<usize> = list("AUTOSTACK_BENCH_SIZES")
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let shapes = list("AUTOSTACK_BENCH_SHAPES");
    let runs = list("AUTOSTACK_BENCH_RUNS").map_or(3, |r| r.parse().expect("a number of runs"));
    for (shape, generate) in SHAPES {
        if shapes
            .as_ref()
            .is_some_and(|s| !s.split(',').any(|x| x == shape))
        {
            continue;
        }
        println!("{shape}:");
        let mut previous: Option<(usize, [Cost; 4])> = None;
        for &n in &sizes {
            let costs = measure(generate, n, runs);
            report(n, &costs, previous.as_ref());
            previous = Some((n, costs));
        }
    }
}

/// Prints the four commands' costs at `n`, with their growth over the previous size.
fn report(n: usize, costs: &[Cost; 4], previous: Option<&(usize, [Cost; 4])>) {
    let names = ["plan -out", "apply", "no-op plan", "state list"];
    for (i, (name, c)) in names.iter().zip(costs).enumerate() {
        let growth = previous.map_or(String::new(), |(m, p)| {
            format!(
                "  ×{:.1} CPU, ×{:.1} RSS, ×{:.1} wall over {m}",
                c.cpu / p[i].cpu,
                c.rss_mb / p[i].rss_mb,
                c.wall / p[i].wall
            )
        });
        println!(
            "{n:>9} {name:<11} {:>7.2} s CPU (sys {:.2}, {:.2}–{:.2}) {:>7.0} MB {:>7.2} s wall{growth}",
            c.cpu, c.sys, c.sys_range.0, c.sys_range.1, c.rss_mb, c.wall
        );
    }
}
