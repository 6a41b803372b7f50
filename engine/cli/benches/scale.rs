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
//! printed beside them. Each command runs `AUTOSTACK_BENCH_RUNS` times (5 unless set) at
//! every size, the sizes taking turns run by run, and the run of median CPU time is reported
//! with the best beside it, and the range of system time. Growth is the ratio of medians
//! (of bests beside): on a shared VM the spread is not only added time. Over 25 runs a 10k
//! `plan -out` took 0.109 s at best and 0.159 s at the median, its 40 MB fitting the host's
//! shared 32 MB L3 only while the neighbours are quiet, where 10 runs at 100k spread 1.54 to
//! 1.63 s: a ratio of bests divides a lucky small run into an ordinary large one. The
//! kernel's first touch of fresh memory varies by seconds of system time at 1M.
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

/// One run: CPU seconds (user + system), system seconds, peak RSS in MB, wall seconds.
#[derive(Clone, Copy)]
struct Cost {
    cpu: f64,
    sys: f64,
    rss_mb: f64,
    wall: f64,
}

/// Every run of one command at one size, by CPU time.
struct Runs(Vec<Cost>);

impl Runs {
    /// The run of median CPU time (the upper median of an even count).
    fn median(&self) -> Cost {
        self.0[self.0.len() / 2]
    }

    /// The run of least CPU time.
    fn best(&self) -> Cost {
        self.0[0]
    }

    /// The least and the most system time.
    fn sys_range(&self) -> (f64, f64) {
        let sys = self.0.iter().map(|c| c.sys);
        (
            sys.clone().fold(f64::INFINITY, f64::min),
            sys.fold(0.0, f64::max),
        )
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
    }
}

/// A directory with the configuration of `n` resources of a shape, initialized.
fn prepare(generate: Generate, n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path(), n);
    run(dir.path(), &["init", "-no-color"]);
    dir
}

/// Removes the state an apply wrote: each apply of the saved plan starts from no state, as
/// the plan was made against none.
fn remove_state(d: &Path) {
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
}

/// The commands measured, in the order they run: each needs what the one before left.
const COMMANDS: [(&str, &[&str]); 4] = [
    ("plan -out", &["plan", "-out=p.plan", "-no-color"]),
    ("apply", &["apply", "-no-color", "p.plan"]),
    ("no-op plan", &["plan", "-no-color", "-detailed-exitcode"]),
    ("state list", &["state", "list"]),
];

/// `runs` runs of each command in each directory, the sizes taking turns run by run so that
/// a change in the host's load weighs on every size alike (a ratio divides two of them).
fn measure(dirs: &[&Path], runs: usize) -> Vec<[Runs; 4]> {
    let mut all: Vec<[Vec<Cost>; 4]> = dirs.iter().map(|_| Default::default()).collect();
    for (i, (name, args)) in COMMANDS.iter().enumerate() {
        for _ in 0..runs.max(1) {
            for (d, costs) in dirs.iter().zip(&mut all) {
                if *name == "apply" {
                    remove_state(d);
                }
                costs[i].push(run(d, args));
            }
        }
    }
    let by_cpu = |mut v: Vec<Cost>| {
        v.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
        Runs(v)
    };
    all.into_iter().map(|c| c.map(by_cpu)).collect()
}

fn main() {
    let list = |var: &str| std::env::var(var).ok().filter(|s| !s.is_empty());
    let sizes: Vec<usize> = list("AUTOSTACK_BENCH_SIZES")
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]);
    let shapes = list("AUTOSTACK_BENCH_SHAPES");
    let runs = list("AUTOSTACK_BENCH_RUNS").map_or(5, |r| r.parse().expect("a number of runs"));
    for (shape, generate) in SHAPES {
        if shapes
            .as_ref()
            .is_some_and(|s| !s.split(',').any(|x| x == shape))
        {
            continue;
        }
        println!("{shape}:");
        let dirs: Vec<tempfile::TempDir> = sizes.iter().map(|&n| prepare(generate, n)).collect();
        let paths: Vec<&Path> = dirs.iter().map(|d| d.path()).collect();
        let measured = measure(&paths, runs);
        for (k, costs) in measured.iter().enumerate() {
            let previous = k.checked_sub(1).map(|p| (sizes[p], &measured[p]));
            report(sizes[k], costs, previous);
        }
    }
}

/// Prints the four commands' costs at `n` (median run, best beside it), with their growth
/// over the previous size (medians, bests beside).
fn report(n: usize, costs: &[Runs; 4], previous: Option<(usize, &[Runs; 4])>) {
    for (i, ((name, _), c)) in COMMANDS.iter().zip(costs).enumerate() {
        let (med, best, sys) = (c.median(), c.best(), c.sys_range());
        let growth = previous.map_or(String::new(), |(m, p)| {
            format!(
                "  ×{:.1} CPU (best ×{:.1}), ×{:.1} RSS, ×{:.1} wall over {m}",
                med.cpu / p[i].median().cpu,
                best.cpu / p[i].best().cpu,
                med.rss_mb / p[i].median().rss_mb,
                med.wall / p[i].median().wall
            )
        });
        println!(
            "{n:>9} {name:<11} {:>7.2} s CPU (best {:.2}; sys {:.2}, {:.2}–{:.2}) {:>7.0} MB {:>7.2} s wall{growth}",
            med.cpu, best.cpu, med.sys, sys.0, sys.1, med.rss_mb, med.wall
        );
    }
}
