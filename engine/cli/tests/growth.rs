//! Growth stays linear: ten times the resources cost about ten times the CPU and memory. The
//! test-sized check of issue 16 (the full one, 10k → 100k → 1M, is `cargo bench --bench
//! scale`): the child's CPU time and peak RSS come from `wait4`'s resource usage, which
//! other processes on the machine do not inflate as they do wall time.

mod common;

use common::Work;
use std::fmt::Write;
use std::process::Command;

/// `n` `terraform_data` resources in chains of 10, half of them in a module called twice.
fn config(n: usize) -> Vec<(String, String)> {
    let chain = |n: usize| {
        let mut s = String::new();
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
    };
    let calls = "module \"a\" {\n  source = \"./m\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\n";
    vec![
        ("main.tf".into(), format!("{}{calls}", chain(n / 2))),
        ("m/main.tf".into(), chain(n / 4)),
    ]
}

/// `n` `terraform_data` instances from `for_each` over a map: two resources of a key each
/// (the second refers to the first by key), nearly all in the root, 20 in a module called
/// for two keys. One large map, so a pass that copies it per instance shows.
fn for_each_config(n: usize) -> Vec<(String, String)> {
    let body = |keys: &str| {
        format!(
            "locals {{\n  items = merge([for i in range(ceil({keys} / 100)) : {{\n    \
             for j in range(100) : format(\"k%06d\", i * 100 + j) => {{ size = j % 7 }} if i * 100 + j < {keys}\n  }}]...)\n}}\n\
             resource \"terraform_data\" \"a\" {{\n  for_each = local.items\n  input = each.value\n}}\n\
             resource \"terraform_data\" \"b\" {{\n  for_each = local.items\n  input = terraform_data.a[each.key].output.size\n}}\n"
        )
    };
    let calls =
        "module \"m\" {\n  for_each = toset([\"x\", \"y\"])\n  source = \"./m\"\n  keys = 5\n}\n";
    let keys = ((n - 20) / 2).to_string();
    vec![
        ("main.tf".into(), format!("{}{calls}", body(&keys))),
        (
            "m/main.tf".into(),
            format!("variable \"keys\" {{}}\n{}", body("var.keys")),
        ),
    ]
}

/// A working directory holding `files`.
fn work(files: &[(String, String)]) -> Work {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    Work::new(&refs)
}

/// CPU seconds (user + system) and peak RSS (KB) of `autostack ARGS` in `w`.
fn cost(w: &Work, args: &[&str]) -> (f64, i64) {
    // Reaped by `wait4` below (which also gives its resource usage), not by `Child::wait`.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(common::bin())
        .args(args)
        .current_dir(w.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn autostack");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals above.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "autostack {args:?}"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (secs(usage.ru_utime) + secs(usage.ru_stime), usage.ru_maxrss)
}

/// Asserts that `what` grew about linearly from `(t1, r1)` at `n` to `(tm, rm)` at `m`: at
/// most twice as fast as `m / n` in CPU, 1.5 times in RSS. Loose bounds: small runs carry a
/// fixed start-up cost (which only lowers the ratio), and a debug build's allocator noise can
/// raise it a little; an O(n²) pass multiplies it by `m / n` again.
fn assert_linear(
    what: &str,
    (n, (t1, r1)): (usize, (f64, i64)),
    (m, (tm, rm)): (usize, (f64, i64)),
) {
    eprintln!("{what}: {n}: {t1:.2} s CPU, {r1} KB; {m}: {tm:.2} s CPU, {rm} KB");
    let k = m as f64 / n as f64;
    assert!(
        tm / t1 <= 2.0 * k,
        "{what}: CPU {t1:.2}s for {n}, {tm:.2}s for {m}"
    );
    assert!(
        rm as f64 / r1 as f64 <= 1.5 * k,
        "{what}: RSS {r1} KB for {n}, {rm} KB for {m}"
    );
}

#[test]
fn ten_times_the_resources_cost_about_ten_times_as_much() {
    let (n, m) = (300, 3000);
    let plan = |n| cost(&work(&config(n)), &["plan", "-out=p.plan", "-no-color"]);
    assert_linear("plan -out", (n, plan(n)), (m, plan(m)));
}

#[test]
fn for_each_over_a_map_plans_and_applies_in_linear_time() {
    let (n, m) = (300, 6000);
    let run = |n| {
        let w = work(&for_each_config(n));
        let plan = cost(&w, &["plan", "-out=p.plan", "-no-color"]);
        let apply = cost(&w, &["apply", "-no-color", "p.plan"]);
        let listed = std::fs::read_to_string(w.path().join("terraform.tfstate")).expect("state");
        assert_eq!(
            listed.matches("\"index_key\"").count(),
            n,
            "instances applied"
        );
        (plan, apply)
    };
    let ((p1, a1), (p10, a10)) = (run(n), run(m));
    assert_linear("for_each plan -out", (n, p1), (m, p10));
    assert_linear("for_each apply", (n, a1), (m, a10));
}
